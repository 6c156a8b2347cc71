/* SPDX-License-Identifier: MIT */
/* sshd log lines from the journal, syslog files and macOS's log. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#include "engine/parse/parse-sshd-log.h"
#include "engine/util.h"

static char *fixture(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "server/logs/%s", name);
	return fixture_load(rel, len);
}

static void load(struct sshd_log *log, const char *name)
{
	size_t len;
	char *buf = fixture(name, &len);

	sshd_log_init(log);
	sshd_log_parse(log, buf, len);
	free(buf);
}

/* The i-th event must be of kind; prints what came instead. */
static const struct sshd_log_event *at(const struct sshd_log *log, size_t i, enum sshd_log_kind kind)
{
	if (i >= log->n)
		fail_msg("expected an event #%zu (%s), only %zu events", i, sshd_log_kind_name(kind), log->n);
	if (log->v[i].kind != kind)
		fail_msg("event #%zu '%s': expected %s, got %s", i, log->v[i].message,
			 sshd_log_kind_name(kind), sshd_log_kind_name(log->v[i].kind));
	return &log->v[i];
}

static enum sshd_log_kind classify(const char *msg, char **addr, int *port, char **detail)
{
	struct sshd_log_event ev;
	enum sshd_log_kind k;

	memset(&ev, 0, sizeof(ev));
	k = sshd_log_classify(msg, &ev);
	*addr = ev.addr;
	*port = ev.port;
	*detail = ev.detail;
	return k;
}

static void test_bind_failure_names_port_address_and_reason(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("Bind to port 22 on 0.0.0.0 failed: Address already in use.", &addr, &port, &detail),
			 SSHD_LOG_BIND_FAILED);
	assert_string_equal(addr, "0.0.0.0");
	assert_int_equal(port, 22);
	assert_string_equal(detail, "Address already in use");
	free(addr);
	free(detail);
	assert_int_equal(classify("error: Bind to port 2222 on 192.0.2.77 failed: Cannot assign requested address.",
				  &addr, &port, &detail), SSHD_LOG_BIND_FAILED);
	assert_string_equal(addr, "192.0.2.77");
	assert_int_equal(port, 2222);
	assert_string_equal(detail, "Cannot assign requested address");
	free(addr);
	free(detail);
}

static void test_specific_kinds_win_over_error_and_fatal(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("fatal: Cannot bind any address.", &addr, &port, &detail), SSHD_LOG_NO_BIND);
	assert_int_equal(classify("fatal: Missing privilege separation directory: /run/sshd", &addr, &port, &detail),
			 SSHD_LOG_PRIVSEP_DIR);
	assert_string_equal(detail, "/run/sshd");
	free(detail);
	assert_int_equal(classify("fatal: Timeout before authentication for 192.0.2.10 port 40312", &addr, &port, &detail),
			 SSHD_LOG_CLOSED_PREAUTH);
	assert_string_equal(addr, "192.0.2.10");
	free(addr);
	assert_int_equal(classify("fatal: mm_request_receive: read: Connection reset by peer", &addr, &port, &detail),
			 SSHD_LOG_FATAL);
	assert_string_equal(detail, "mm_request_receive: read: Connection reset by peer");
	free(detail);
	assert_int_equal(classify("error: kex_exchange_identification: Connection closed by remote host",
				  &addr, &port, &detail), SSHD_LOG_ERROR);
	free(detail);
}

static void test_tcp_wrappers_refusal_takes_the_address_in_parentheses(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("refused connect from client7.example.org (198.51.100.7)", &addr, &port, &detail),
			 SSHD_LOG_TCPWRAP_REFUSED);
	assert_string_equal(addr, "198.51.100.7");
	free(addr);
	assert_int_equal(classify("refused connect from 192.0.2.10", &addr, &port, &detail), SSHD_LOG_TCPWRAP_REFUSED);
	assert_string_equal(addr, "192.0.2.10");
	free(addr);
}

static void test_maxstartups_drop_names_the_client(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("drop connection #10 from [192.0.2.10]:40312 on [192.0.2.2]:22 past MaxStartups",
				  &addr, &port, &detail), SSHD_LOG_MAXSTARTUPS);
	assert_string_equal(addr, "192.0.2.10");
	assert_int_equal(port, 40312);
	free(addr);
	free(detail);
	assert_int_equal(classify("drop connection #3 from [2001:db8::10]:5000 on [2001:db8::2]:22 past MaxStartups",
				  &addr, &port, &detail), SSHD_LOG_MAXSTARTUPS);
	assert_string_equal(addr, "2001:db8::10");
	free(addr);
	free(detail);
}

/* One client's fatal ends its own connection, not sshd; a deprecated
 * option is a warning sshd starts with. */
static void test_preauth_fatal_and_deprecated_option_are_no_server_faults(void **state)
{
	static const struct {
		const char *msg;
		enum sshd_log_kind kind;
	} rows[] = {
		{"fatal: Timeout before authentication for 192.0.2.10 port 40312 [preauth]", SSHD_LOG_CLOSED_PREAUTH},
		{"/etc/ssh/sshd_config line 12: Deprecated option UsePrivilegeSeparation", SSHD_LOG_OTHER},
		{"/etc/ssh/sshd_config line 14: Bad configuration option: Prot", SSHD_LOG_CONFIG_ERROR},
		{"fatal: Cannot bind any address.", SSHD_LOG_NO_BIND},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *addr, *detail;
		int port;
		enum sshd_log_kind k = classify(rows[i].msg, &addr, &port, &detail);

		free(addr);
		free(detail);
		if (k != rows[i].kind)
			fail_msg("'%s': expected %s, got %s", rows[i].msg, sshd_log_kind_name(rows[i].kind),
				 sshd_log_kind_name(k));
	}
}

static void test_preauth_close_finds_the_address_before_port(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("Connection closed by authenticating user alice 192.0.2.10 port 40312 [preauth]",
				  &addr, &port, &detail), SSHD_LOG_CLOSED_PREAUTH);
	assert_string_equal(addr, "192.0.2.10");
	assert_int_equal(port, 40312);
	free(addr);
	/* without [preauth] it is an ordinary end of a session */
	assert_int_equal(classify("Connection closed by 192.0.2.10 port 40312", &addr, &port, &detail), SSHD_LOG_OTHER);
	free(addr);
}

static void test_listening_and_signal(void **state)
{
	char *addr, *detail;
	int port;

	assert_int_equal(classify("Server listening on :: port 2222.", &addr, &port, &detail), SSHD_LOG_LISTENING);
	assert_string_equal(addr, "::");
	assert_int_equal(port, 2222);
	free(addr);
	assert_int_equal(classify("Received signal 15; terminating.", &addr, &port, &detail), SSHD_LOG_TERMINATED);
	assert_string_equal(detail, "15; terminating");
	free(detail);
}

static void test_journal_json_keeps_sshd_and_ssh_unit_lines(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "journal-ssh.json");
	/* 16 lines: the CRON one is skipped */
	if (log.n != 15)
		fail_msg("expected 15 events (all but CRON), got %zu", log.n);
	assert_int_equal(log.skipped, 1);
	assert_int_equal(log.bad, 0);
	ev = at(&log, 0, SSHD_LOG_SERVICE);
	assert_string_equal(ev->ident, "systemd");
	ev = at(&log, 1, SSHD_LOG_BIND_FAILED);
	assert_int_equal(ev->pid, 912);
	assert_string_equal(ev->time, "2026-11-22T12:00:01.373456Z");
	assert_string_equal(ev->addr, "0.0.0.0");
	at(&log, 2, SSHD_LOG_BIND_FAILED);
	at(&log, 3, SSHD_LOG_NO_BIND);
	at(&log, 4, SSHD_LOG_SERVICE_FAILED);
	at(&log, 5, SSHD_LOG_SERVICE_FAILED);
	at(&log, 6, SSHD_LOG_SERVICE_FAILED);
	at(&log, 7, SSHD_LOG_LISTENING);
	sshd_log_release(&log);
}

static void test_journal_byte_array_message_is_made_printable(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "journal-ssh.json");
	ev = at(&log, 9, SSHD_LOG_AUTH_FAILED);
	assert_string_equal(ev->message, "Invalid user \\xff\\xfeadmin from 192.0.2.10 port 50522");
	assert_string_equal(ev->addr, "192.0.2.10");
	assert_int_equal(ev->port, 50522);
	at(&log, 11, SSHD_LOG_MAXSTARTUPS);
	at(&log, 12, SSHD_LOG_TERMINATED);
	ev = at(&log, 13, SSHD_LOG_CONFIG_ERROR);
	assert_string_equal(ev->detail, "Bad configuration option: Prot");
	sshd_log_release(&log);
}

static void test_classic_auth_log(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "auth.log-debian");
	assert_int_equal(log.skipped, 1);	/* CRON */
	assert_int_equal(log.bad, 0);
	ev = at(&log, 0, SSHD_LOG_LISTENING);
	assert_string_equal(ev->time, "Nov 22 11:58:40");
	assert_int_equal(ev->pid, 812);
	assert_string_equal(ev->ident, "sshd");
	at(&log, 2, SSHD_LOG_ACCEPTED);
	ev = at(&log, 4, SSHD_LOG_TCPWRAP_REFUSED);
	assert_string_equal(ev->addr, "192.0.2.10");
	at(&log, 6, SSHD_LOG_MAXSTARTUPS);
	at(&log, 7, SSHD_LOG_MAXSTARTUPS);
	ev = at(&log, 8, SSHD_LOG_USER_NOT_ALLOWED);
	assert_string_equal(ev->addr, "192.0.2.30");
	assert_string_equal(ev->detail, "not listed in AllowUsers");
	at(&log, 9, SSHD_LOG_CLOSED_PREAUTH);
	at(&log, 10, SSHD_LOG_TOO_MANY_AUTH);
	at(&log, 11, SSHD_LOG_TOO_MANY_AUTH);
	at(&log, 12, SSHD_LOG_AUTH_FAILED);
	at(&log, 13, SSHD_LOG_CLOSED_PREAUTH);
	at(&log, 14, SSHD_LOG_TERMINATED);
	at(&log, 15, SSHD_LOG_BIND_FAILED);
	at(&log, 16, SSHD_LOG_NO_BIND);
	ev = at(&log, 17, SSHD_LOG_LISTENING);
	assert_string_equal(ev->time, "Nov  2 09:15:00");
	assert_int_equal(ev->line, 19);
	sshd_log_release(&log);
}

static void test_rfc3339_auth_log_and_sshd_session(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "auth.log-ubuntu-rfc3339");
	ev = at(&log, 0, SSHD_LOG_BIND_FAILED);
	assert_string_equal(ev->time, "2026-11-22T12:00:01.123456+00:00");
	assert_int_equal(ev->pid, 1022);
	at(&log, 5, SSHD_LOG_SERVICE_FAILED);
	ev = at(&log, 6, SSHD_LOG_CLOSED_PREAUTH);
	assert_string_equal(ev->ident, "sshd-session");
	ev = at(&log, 7, SSHD_LOG_PRIVSEP_DIR);
	assert_string_equal(ev->detail, "/run/sshd");
	assert_int_equal(log.skipped, 1);	/* systemd-logind */
	sshd_log_release(&log);
}

static void test_secure_log_with_verbose_connections(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "secure-rhel9");
	ev = at(&log, 2, SSHD_LOG_CONNECTION);
	assert_string_equal(ev->addr, "192.0.2.10");
	assert_int_equal(ev->port, 51514);
	at(&log, 3, SSHD_LOG_AUTH_FAILED);
	at(&log, 7, SSHD_LOG_NO_HOSTKEYS);
	ev = sshd_log_last(&log, SSHD_LOG_LISTENING);
	assert_non_null(ev);
	assert_int_equal(ev->port, 2222);
	assert_null(sshd_log_last(&log, SSHD_LOG_BIND_FAILED));
	sshd_log_release(&log);
}

static void test_macos_log_show(void **state)
{
	struct sshd_log log;
	const struct sshd_log_event *ev;

	load(&log, "macos-log-show.txt");
	if (log.n != 4)
		fail_msg("expected 4 sshd events (not launchd's), got %zu", log.n);
	ev = at(&log, 0, SSHD_LOG_LISTENING);
	assert_string_equal(ev->time, "2026-11-22 12:00:01.123456+0100");
	assert_int_equal(ev->pid, 1234);
	ev = at(&log, 2, SSHD_LOG_CLOSED_PREAUTH);
	assert_string_equal(ev->addr, "192.0.2.10");
	at(&log, 3, SSHD_LOG_BIND_FAILED);
	sshd_log_release(&log);
}

static void test_control_characters_are_escaped(void **state)
{
	const char text[] = "Nov 22 12:00:00 srv sshd[5]: Invalid user \x1b[31mred from 192.0.2.9 port 1\n";
	struct sshd_log log;

	sshd_log_init(&log);
	assert_int_equal(sshd_log_parse_syslog(&log, text, sizeof(text) - 1), 1);
	assert_null(strchr(log.v[0].message, '\x1b'));
	assert_non_null(strstr(log.v[0].message, "\\x1b[31mred"));
	sshd_log_release(&log);
}

static void test_garbage_lines_are_counted(void **state)
{
	const char text[] = "{not json\nhello world\n\n{\"MESSAGE\":\"x\"}\nNov 22 12:00:00 srv\n";
	struct sshd_log log;

	sshd_log_init(&log);
	assert_int_equal(sshd_log_parse(&log, text, sizeof(text) - 1), 0);
	assert_int_equal(log.n, 0);
	assert_int_equal(log.bad, 3);
	assert_int_equal(log.skipped, 2);
	sshd_log_release(&log);
}

static void test_kind_names_are_stable(void **state)
{
	assert_string_equal(sshd_log_kind_name(SSHD_LOG_BIND_FAILED), "bind_failed");
	assert_string_equal(sshd_log_kind_name(SSHD_LOG_TCPWRAP_REFUSED), "tcpwrap_refused");
	for (int k = 0; k < SSHD_LOG_KIND_COUNT; k++)
		if (strcmp(sshd_log_kind_name((enum sshd_log_kind)k), "unknown") == 0)
			fail_msg("expected kind %d to have a name", k);
	assert_string_equal(sshd_log_kind_name(SSHD_LOG_KIND_COUNT), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_failure_names_port_address_and_reason),
		cmocka_unit_test(test_specific_kinds_win_over_error_and_fatal),
		cmocka_unit_test(test_tcp_wrappers_refusal_takes_the_address_in_parentheses),
		cmocka_unit_test(test_maxstartups_drop_names_the_client),
		cmocka_unit_test(test_preauth_close_finds_the_address_before_port),
		cmocka_unit_test(test_preauth_fatal_and_deprecated_option_are_no_server_faults),
		cmocka_unit_test(test_listening_and_signal),
		cmocka_unit_test(test_journal_json_keeps_sshd_and_ssh_unit_lines),
		cmocka_unit_test(test_journal_byte_array_message_is_made_printable),
		cmocka_unit_test(test_classic_auth_log),
		cmocka_unit_test(test_rfc3339_auth_log_and_sshd_session),
		cmocka_unit_test(test_secure_log_with_verbose_connections),
		cmocka_unit_test(test_macos_log_show),
		cmocka_unit_test(test_control_characters_are_escaped),
		cmocka_unit_test(test_garbage_lines_are_counted),
		cmocka_unit_test(test_kind_names_are_stable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The server verdict rules, from tables of facts: a healthy machine, then
 * one thing changed per row, and the cause the rules must reach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/verdict.h"

static void add_listener(struct server_facts *f, int family, const char *addr, int port,
			 const char *comm, long pid, bool v6only)
{
	struct srv_listener *l = &f->listeners[f->nlisteners++];

	memset(l, 0, sizeof(*l));
	l->family = family;
	snprintf(l->addr, sizeof(l->addr), "%s", addr);
	l->port = port;
	l->wildcard = strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0;
	l->v6only = v6only;
	l->v6only_known = family == 6;
	l->pid = pid;
	snprintf(l->comm, sizeof(l->comm), "%s", comm);
	l->is_sshd = strcmp(comm, "sshd") == 0;
}

static void add_test(struct server_facts *f, const char *addr, int port, enum tcp_result tcp,
		     enum banner_result banner, const char *text)
{
	struct srv_test *t = &f->tests[f->ntests++];

	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->port = port;
	t->tcp = tcp;
	t->banner = banner;
	t->banner_text = text ? strdup(text) : NULL;
	f->test_ran = true;
}

/* A machine where everything works: sshd on 0.0.0.0:22 and [::]:22. */
static void healthy(struct server_facts *f)
{
	f->port = 22;
	f->sshd_found = true;
	snprintf(f->sshd_path, sizeof(f->sshd_path), "/usr/sbin/sshd");
	f->pkg_checked = true;
	f->pkg_state = SVC_PKG_INSTALLED;
	f->nprocs = 1;
	f->procs[0].pid = 100;
	f->procs[0].same_netns = true;
	f->nrunning_here = 1;
	f->config_checked = true;
	f->config_read = true;
	f->cfg_ports[f->ncfg_ports++] = 22;
	f->config_file = strdup("/etc/ssh/sshd_config");
	f->listen_checked = true;
	add_listener(f, 4, "0.0.0.0", 22, "sshd", 100, false);
	add_listener(f, 6, "::", 22, "sshd", 100, true);
	strv_push(&f->client_addrs, "192.0.2.2");
	strv_push(&f->local_addrs, "192.0.2.2");
	strv_push(&f->local_addrs, "127.0.0.1");
	f->fw_checked = true;
	f->fw_verdict = FW_VERDICT_OPEN;
	f->wrap_checked = true;
	f->libwrap = SRV_YES;
	f->maxstartups_known = true;
	f->maxstartups = (struct sshd_maxstartups){10, 30, 100};
	f->unauth_conns = 0;
	f->password_auth = SRV_NO;
}

static void s_ok(struct server_facts *f)
{
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_SSH, "SSH-2.0-OpenSSH_9.2p1");
}

static void s_not_installed(struct server_facts *f)
{
	f->sshd_found = false;
	f->pkg_state = SVC_PKG_NOT_INSTALLED;
	f->pkg_tool = strdup("dpkg-query");
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_config_error(struct server_facts *f)
{
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	f->config_error = true;
	f->config_error_file = strdup("/etc/ssh/sshd_config");
	f->config_error_line = 12;
	f->config_message = strdup("Bad configuration option: Portt");
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_config_error_while_running(struct server_facts *f)
{
	s_ok(f);
	f->config_error = true;
	f->config_message = strdup("Missing privilege separation directory: /run/sshd");
}

static void s_hidden_but_answering(struct server_facts *f)
{
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	s_ok(f);
}

static void s_not_running(struct server_facts *f)
{
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_port_taken_not_running(struct server_facts *f)
{
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	add_listener(f, 6, "::", 22, "socat", 200, false);
	f->log_bind_failed = strdup("Bind to port 22 on 0.0.0.0 failed: Address already in use.");
	f->log_no_bind = true;
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_CLOSED, NULL);
}

static void s_port_taken_v4_only(struct server_facts *f)
{
	f->nlisteners = 0;
	add_listener(f, 4, "0.0.0.0", 22, "socat", 200, false);
	add_listener(f, 6, "::", 22, "sshd", 100, true);
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_CLOSED, NULL);
}

static void s_listen_absent(struct server_facts *f)
{
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	strv_push(&f->cfg_listen_missing, "192.0.2.77");
	f->log_no_bind = true;
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_listen_loopback(struct server_facts *f)
{
	f->nlisteners = 0;
	add_listener(f, 4, "127.0.0.1", 22, "sshd", 100, false);
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_listen_v6only(struct server_facts *f)
{
	f->nlisteners = 0;
	add_listener(f, 6, "::", 22, "sshd", 100, true);
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_listen_v4_only_with_v6_clients(struct server_facts *f)
{
	f->nlisteners = 0;
	add_listener(f, 4, "0.0.0.0", 22, "sshd", 100, false);
	strv_push(&f->client_addrs, "2001:db8::2");
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_SSH, "SSH-2.0-OpenSSH_9.2p1");
	add_test(f, "2001:db8::2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_wrong_port(struct server_facts *f)
{
	f->nlisteners = 0;
	add_listener(f, 4, "0.0.0.0", 2222, "sshd", 100, false);
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
	add_test(f, "192.0.2.2", 2222, TCP_ANSWERED, BANNER_SSH, "SSH-2.0-OpenSSH_9.2p1");
}

static void s_socket_activation(struct server_facts *f)
{
	f->systemd = true;
	f->nprocs = f->nrunning_here = 0;
	f->nlisteners = 0;
	f->socket_active = true;
	f->socket_ports[f->nsocket_ports++] = 2222;
	add_listener(f, 4, "0.0.0.0", 2222, "systemd", 1, false);
	add_test(f, "192.0.2.2", 22, TCP_REFUSED, BANNER_NOT_TRIED, NULL);
}

static void s_firewall_drop(struct server_facts *f)
{
	f->fw_verdict = FW_VERDICT_DROPPED;
	f->fw_name = strdup("iptables");
	f->fw_rule = strdup("filter INPUT: -A INPUT -p tcp -m tcp --dport 22 -j DROP");
	f->fw_effect = strdup("connection timed out");
	add_test(f, "192.0.2.2", 22, TCP_NO_ANSWER, BANNER_NOT_TRIED, NULL);
}

static void s_firewall_spares_lo(struct server_facts *f)
{
	s_ok(f);
	f->fw_verdict = FW_VERDICT_REJECTED;
	f->fw_name = strdup("nftables");
	f->fw_rule = strdup("inet filter input: tcp dport 22 reject with icmpx admin-prohibited");
}

static void s_wrappers(struct server_facts *f)
{
	f->wrap_refuses = true;
	f->wrap_rule = strdup("/etc/hosts.deny line 2: sshd: ALL");
	f->wrap_client = strdup("every client");
	f->wrap_refuses_all = true;
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_CLOSED, NULL);
}

/* An allow-list: this machine's own address is refused, but the client may
 * be among those hosts.allow admits; not known without --from. */
static void s_wrappers_allow_list(struct server_facts *f)
{
	f->wrap_refuses = true;
	f->wrap_rule = strdup("/etc/hosts.deny line 1: sshd: ALL");
	f->wrap_client = strdup("192.0.2.2");
	f->wrap_allowed = strdup("192.0.2.0/25 (line 1)");
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_CLOSED, NULL);
}

/* The same, judged for a client hosts.allow refuses (--from). */
static void s_wrappers_for_client(struct server_facts *f)
{
	s_wrappers_allow_list(f);
	strv_push(&f->from_addrs, "192.0.2.130");
	f->wrap_for_client = true;
	free(f->wrap_client);
	f->wrap_client = strdup("192.0.2.130");
}

static void s_wrappers_ignored(struct server_facts *f)
{
	s_ok(f);
	f->libwrap = SRV_NO;
	f->wrap_refuses = true;
	f->wrap_rule = strdup("/etc/hosts.deny line 2: sshd: ALL");
}

static void s_maxstartups(struct server_facts *f)
{
	f->maxstartups = (struct sshd_maxstartups){1, 30, 1};
	f->unauth_conns = 1;
	add_test(f, "192.0.2.2", 22, TCP_ANSWERED, BANNER_MAXSTARTUPS, "Exceeded MaxStartups");
}

static void s_banned(struct server_facts *f)
{
	strv_push(&f->banned, "192.0.2.2");
	add_test(f, "192.0.2.2", 22, TCP_NO_ANSWER, BANNER_NOT_TRIED, NULL);
}

static void s_banned_others(struct server_facts *f)
{
	s_ok(f);
	strv_push(&f->banned, "198.51.100.7");
}

static void s_busy_but_answering(struct server_facts *f)
{
	s_ok(f);
	f->unauth_conns = 40;
}

/* One client judged (--from) and what the firewalls do to it. */
static struct srv_fw_client *add_fw_client(struct server_facts *f, const char *addr, enum fw_verdict v)
{
	struct srv_fw_client *c;

	strv_push(&f->from_addrs, addr);
	f->fw_clients = realloc(f->fw_clients, (f->nfw_clients + 1) * sizeof(*f->fw_clients));
	c = &f->fw_clients[f->nfw_clients++];
	memset(c, 0, sizeof(*c));
	c->addr = strdup(addr);
	c->checked = true;
	c->verdict = v;
	c->name = strdup("iptables");
	return c;
}

static void s_fw_client_dropped(struct server_facts *f)
{
	struct srv_fw_client *c;

	s_ok(f);
	c = add_fw_client(f, "192.0.2.1", FW_VERDICT_DROPPED);
	c->rule = strdup("filter INPUT: -A INPUT -s 192.0.2.0/25 -p tcp -m tcp --dport 22 -j DROP");
	c->effect = strdup("connection timed out");
}

static void s_fw_client_rate_limited(struct server_facts *f)
{
	s_fw_client_dropped(f);
	f->fw_clients[0].timing = true;
}

static void s_fw_client_admitted(struct server_facts *f)
{
	s_ok(f);
	add_fw_client(f, "192.0.2.200", FW_VERDICT_OPEN)->allowed = strdup("192.0.2.128/25");
	f->fw_verdict = FW_VERDICT_OPEN_SOME;	/* for any source: an allow-list */
}

/* After a fix that let the client in: the rest stays blocked, this
 * machine's own self-test among them. */
static void s_fw_client_admitted_self_blocked(struct server_facts *f)
{
	add_test(f, "192.0.2.2", 22, TCP_NO_ANSWER, BANNER_NOT_TRIED, NULL);
	add_fw_client(f, "192.0.2.1", FW_VERDICT_OPEN);
	f->fw_verdict = FW_VERDICT_OPEN_SOME;
}

static void s_fw_client_undecided(struct server_facts *f)
{
	s_ok(f);
	add_fw_client(f, "192.0.2.1", FW_VERDICT_UNKNOWN)->unsure = strdup("'-A INPUT -m set --match-set x src -j DROP' could change the answer");
}

/* ip saddr 192.0.2.0/28 tcp dport 22 drop: this machine's own 192.0.2.2 is
 * in it, so its self-test there gets no answer; the client is outside */
static void s_fw_selftest_source_blocked(struct server_facts *f)
{
	add_test(f, "192.0.2.2", 22, TCP_NO_ANSWER, BANNER_NOT_TRIED, NULL);
	add_test(f, "2001:db8::2", 22, TCP_ANSWERED, BANNER_SSH, "SSH-2.0-OpenSSH_9.2p1");
	add_fw_client(f, "192.0.2.130", FW_VERDICT_OPEN);
	f->fw_blocked_some = strdup("192.0.2.0/28");
	strv_push(&f->fw_blocked_srcs, "192.0.2.0/28");
}

/* the same, with a self-test that failed where the rule does not reach */
static void s_fw_selftest_failed_elsewhere(struct server_facts *f)
{
	s_fw_selftest_source_blocked(f);
	add_test(f, "198.51.100.2", 22, TCP_NO_ANSWER, BANNER_NOT_TRIED, NULL);
}

static void s_fw_some_blocked_no_client(struct server_facts *f)
{
	s_ok(f);
	f->fw_blocked_some = strdup("192.0.2.0/25");
}

static void s_fw_allow_list_no_client(struct server_facts *f)
{
	s_ok(f);
	f->fw_verdict = FW_VERDICT_OPEN_SOME;
	f->fw_name = strdup("iptables");
	f->fw_who = strdup("only 192.0.2.128/25 may connect to port 22");
}

struct row {
	const char *name;
	void (*setup)(struct server_facts *f);
	const char *cause;
	const char *confidence;
	const char *names;          /* a word the evidence must contain, or NULL */
};

static const struct row rows[] = {
	{"sshd answering on every address is ok", s_ok, "ok", "certain", "SSH-2.0-OpenSSH"},
	{"no sshd and no package is not installed", s_not_installed, "sshd_not_installed", "certain", "openssh-server"},
	{"sshd -t rejecting the file is a config error, named by file and line", s_config_error,
	 "sshd_config_error", "certain", "line 12"},
	{"a config error outranks a running sshd (the next restart fails)", s_config_error_while_running,
	 "sshd_config_error", "certain", "next restart"},
	{"an sshd this user cannot see, that answers, is ok", s_hidden_but_answering, "ok", "certain", NULL},
	{"installed, valid and not running is not running", s_not_running, "sshd_not_running", "certain", NULL},
	{"another program on the port explains why sshd is not running", s_port_taken_not_running,
	 "port_in_use", "certain", "socat"},
	{"another program on 0.0.0.0 with sshd on [::] only is port in use", s_port_taken_v4_only,
	 "port_in_use", "certain", "0.0.0.0"},
	{"an absent ListenAddress explains why sshd is not running", s_listen_absent,
	 "listen_address", "certain", "192.0.2.77"},
	{"sshd on 127.0.0.1 only is the wrong address", s_listen_loopback, "listen_address", "certain", "127.0.0.1"},
	{"sshd on a v6-only [::] refuses IPv4 clients", s_listen_v6only, "listen_address", "certain", "IPv6 only"},
	{"sshd on IPv4 only, with an IPv6 address clients may use, is likely the wrong address",
	 s_listen_v4_only_with_v6_clients, "listen_address", "likely", "2001:db8::2"},
	{"sshd on another port is the wrong port", s_wrong_port, "wrong_port", "certain", "2222"},
	{"ssh.socket on another port than sshd_config", s_socket_activation, "socket_activation_port",
	 "certain", "ssh.socket"},
	{"a drop rule for the port is a local firewall", s_firewall_drop, "local_firewall", "certain", "DROP"},
	{"a reject that spares lo decides even when the self-test passes", s_firewall_spares_lo,
	 "local_firewall", "certain", "reject"},
	{"hosts.deny refusing a libwrap sshd is tcp wrappers", s_wrappers, "tcp_wrappers", "certain", "hosts.deny"},
	{"an allow-list refusing this machine is not certain for an unknown client", s_wrappers_allow_list,
	 "tcp_wrappers", "likely", "hosts.allow lets in"},
	{"an allow-list refusing the client given is certain", s_wrappers_for_client, "tcp_wrappers", "certain",
	 "192.0.2.130"},
	{"hosts.deny is no cause for an sshd without libwrap", s_wrappers_ignored, "ok", "certain", NULL},
	{"Exceeded MaxStartups is the connection limit", s_maxstartups, "connection_limit", "certain", "MaxStartups"},
	{"a ban that keeps this machine out too is a fail2ban ban", s_banned, "fail2ban_ban", "likely", "192.0.2.2"},
	{"bans of other addresses do not outrank an sshd that answers", s_banned_others, "ok", "certain", NULL},
	{"many connections do not outrank an sshd that answers", s_busy_but_answering, "ok", "certain", NULL},
	{"a drop that catches the client judged is a local firewall, certain, for that client",
	 s_fw_client_dropped, "local_firewall", "certain", "for 192.0.2.1, the client"},
	{"a block only past a rate limit is a local firewall, not certain", s_fw_client_rate_limited,
	 "local_firewall", "likely", "too often"},
	{"a firewall that admits the client and blocks the self-test is ok, likely", s_fw_client_admitted_self_blocked,
	 "ok", "likely", "self-test got no answer"},
	{"an allow-list that admits the client is no cause, and says so", s_fw_client_admitted, "ok", "certain",
	 "192.0.2.200 is among the sources allowed: 192.0.2.128/25"},
	{"a rule the evaluator cannot decide for the client leaves ok uncertain", s_fw_client_undecided, "ok",
	 "likely", NULL},
	{"a self-test dropped only because this machine's address is among the sources blocked is no cause for "
	 "a client let in", s_fw_selftest_source_blocked, "ok", "likely", "holds this machine's own address 192.0.2.2"},
	{"a self-test that failed where no rule for its source reaches is still a suspect firewall",
	 s_fw_selftest_failed_elsewhere, "local_firewall", "possible", NULL},
	{"a drop for some sources, without knowing the client, leaves ok uncertain", s_fw_some_blocked_no_client,
	 "ok", "likely", "192.0.2.0/25"},
	{"an allow-list, without knowing the client, is a likely local firewall", s_fw_allow_list_no_client,
	 "local_firewall", "likely", "only 192.0.2.128/25"},
};

static bool evidence_has(const struct verdict_decision *d, const char *word)
{
	for (size_t i = 0; i < d->evidence.n; i++)
		if (strstr(d->evidence.v[i], word) != NULL)
			return true;
	return false;
}

static void rows_decide_as_expected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct server_facts f;
		struct verdict_decision d;
		struct strv prevention;

		server_facts_init(&f);
		healthy(&f);
		rows[i].setup(&f);
		verdict_decision_init(&d);
		strv_init(&prevention);
		verdict_decide_server(&f, &d, &prevention);
		if (d.cause == NULL || strcmp(d.cause, rows[i].cause) != 0 ||
		    strcmp(d.confidence, rows[i].confidence) != 0)
			fail_msg("%s: expected %s (%s), got %s (%s)", rows[i].name, rows[i].cause,
				 rows[i].confidence, d.cause ? d.cause : "nothing", d.confidence ? d.confidence : "");
		if (rows[i].names && !evidence_has(&d, rows[i].names))
			fail_msg("%s: expected the evidence to name \"%s\" (first line: %s)", rows[i].name,
				 rows[i].names, d.evidence.n ? d.evidence.v[0] : "none");
		strv_release(&prevention);
		verdict_decision_release(&d);
		server_facts_release(&f);
	}
}

/* What verdict.unchecked must hold for a row's facts. */
static void unchecked_has(void (*setup)(struct server_facts *), const char *word)
{
	struct server_facts f;
	struct verdict_decision d;
	bool found = false;

	server_facts_init(&f);
	healthy(&f);
	setup(&f);
	verdict_decision_init(&d);
	verdict_decide_server(&f, &d, NULL);
	for (size_t i = 0; i < d.unchecked.n; i++)
		found |= strstr(d.unchecked.v[i], word) != NULL;
	if (!found)
		fail_msg("expected verdict.unchecked to say \"%s\" (%zu item(s))", word, d.unchecked.n);
	verdict_decision_release(&d);
	server_facts_release(&f);
}

static void s_not_root(struct server_facts *f)
{
	s_ok(f);
	f->not_root = true;
	f->config_checked = false;
	f->nrunning_hidden = 2;
}

/* Without root the server side says what it could not read, and how to. */
static void what_only_root_may_read_is_unchecked_without_root(void **state)
{
	struct server_facts f;
	struct verdict_decision d;

	(void)state;
	unchecked_has(s_not_root, "this run is not root: the firewall rules");
	unchecked_has(s_not_root, "sshd -t's check");
	unchecked_has(s_not_root, "which network 2 sshd processes serve");
	unchecked_has(s_not_root, "run it again with sudo");
	/* as root, nothing of the kind */
	server_facts_init(&f);
	healthy(&f);
	s_ok(&f);
	verdict_decision_init(&d);
	verdict_decide_server(&f, &d, NULL);
	for (size_t i = 0; i < d.unchecked.n; i++)
		if (strstr(d.unchecked.v[i], "not root") != NULL)
			fail_msg("expected nothing about root in a root run's unchecked list: %s", d.unchecked.v[i]);
	verdict_decision_release(&d);
	server_facts_release(&f);
}

static void what_the_firewall_leaves_open_is_unchecked(void **state)
{
	(void)state;
	unchecked_has(s_fw_client_undecided, "whether iptables lets 192.0.2.1 in");
	unchecked_has(s_fw_some_blocked_no_client, "give --from");
	unchecked_has(s_fw_allow_list_no_client, "give --from");
}

static void prevention_warns_about_boot_root_and_passwords(void **state)
{
	struct server_facts f;
	struct verdict_decision d;
	struct strv prevention;
	bool boot = false, root = false, pass = false;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_ok(&f);
	f.systemd = true;
	f.unit_found = true;
	f.unit = strdup("ssh.service");
	f.unit_enabled = SRV_NO;
	f.permit_root_login = strdup("yes");
	f.password_auth = SRV_YES;
	verdict_decision_init(&d);
	strv_init(&prevention);
	verdict_decide_server(&f, &d, &prevention);
	assert_string_equal(d.cause, "ok");
	for (size_t i = 0; i < prevention.n; i++) {
		boot |= strstr(prevention.v[i], "enabled at boot") != NULL;
		root |= strstr(prevention.v[i], "PermitRootLogin") != NULL;
		pass |= strstr(prevention.v[i], "PasswordAuthentication no") != NULL;
	}
	if (!boot || !root || !pass)
		fail_msg("expected warnings about boot (%d), root login (%d) and passwords (%d)", boot, root, pass);
	strv_release(&prevention);
	verdict_decision_release(&d);
	server_facts_release(&f);
}

static void a_healthy_machine_gets_no_warnings(void **state)
{
	struct server_facts f;
	struct verdict_decision d;
	struct strv prevention;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_ok(&f);
	verdict_decision_init(&d);
	strv_init(&prevention);
	verdict_decide_server(&f, &d, &prevention);
	if (prevention.n != 0)
		fail_msg("expected no warning, got: %s", prevention.v[0]);
	strv_release(&prevention);
	verdict_decision_release(&d);
	server_facts_release(&f);
}

/* Words the verdict for f with the built-in assets, for no target. */
static void word(const struct server_facts *f, struct report_verdict *v)
{
	struct assets a;
	struct strbuf err;
	struct target t;

	strbuf_init(&err);
	if (assets_load(&a, NULL, &err) != 0)
		fail_msg("expected the built-in assets to load: %s", err.buf);
	target_init(&t);
	verdict_init(v);
	verdict_server(f, &t, &a, "debian", v);
	target_release(&t);
	assets_release(&a);
	strbuf_release(&err);
}

static void the_words_come_from_the_cause_asset(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_config_error(&f);
	word(&f, &v);
	assert_string_equal(v.cause, "sshd_config_error");
	/* the fix changes what is wrong: the rejected line is commented out
	 * (a copy kept), and sshd starts only when sshd -t accepts the result */
	if (v.fix_command == NULL || strstr(v.fix_command, "sed -i '12s/^/# /'") == NULL ||
	    strstr(v.fix_command, "sshd -t &&") == NULL || strstr(v.fix_command, "cp -p") == NULL)
		fail_msg("expected a fix command that comments line 12 out after a copy and starts sshd after sshd -t, got %s",
			 v.fix_command ? v.fix_command : "none");
	if (v.fix == NULL || strstr(v.fix, "sshd -t") == NULL)
		fail_msg("expected the fix's words to say to check with sshd -t, got %s", v.fix ? v.fix : "none");
	assert_true(v.summary != NULL && v.summary[0] != '\0');
	verdict_release(&v);
	server_facts_release(&f);
}

static void without_systemd_the_fix_starts_sshd_by_hand(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_not_running(&f);
	word(&f, &v);
	assert_string_equal(v.cause, "sshd_not_running");
	if (v.fix_command == NULL || strcmp(v.fix_command, "sudo /usr/sbin/sshd") != 0)
		fail_msg("expected \"sudo /usr/sbin/sshd\" without systemd, got %s", v.fix_command ? v.fix_command : "none");
	verdict_release(&v);
	f.systemd = true;
	f.unit = strdup("ssh.service");
	word(&f, &v);
	if (v.fix_command == NULL || strcmp(v.fix_command, "sudo systemctl enable --now ssh.service") != 0)
		fail_msg("expected systemctl enable --now with systemd, got %s", v.fix_command ? v.fix_command : "none");
	verdict_release(&v);
	server_facts_release(&f);
}

/* The fix for a client an allow-list keeps out is that client's own. */
static void the_fix_for_a_client_is_its_own(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_fw_client_dropped(&f);
	f.fw_clients[0].fix = strdup("sudo iptables -A INPUT -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT");
	f.fw_clients[0].fix_note = strdup("the rule lasts until the next boot");
	f.fw_fix = strdup("sudo iptables -I INPUT -p tcp --dport 22 -j ACCEPT");
	word(&f, &v);
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo iptables -A INPUT -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT");
	assert_true(v.prevention.n > 0 && strstr(v.prevention.v[v.prevention.n - 1], "next boot") != NULL);
	verdict_release(&v);
	server_facts_release(&f);
}

/* A client judged by both its addresses, both kept out: one command lets
 * in each, and none lets in a client that is not blocked. */
static void the_fix_lets_in_every_address_of_the_client_that_is_blocked(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_fw_client_dropped(&f);
	f.fw_clients[0].fix = strdup("sudo ufw allow from 192.0.2.1 to any port 22 proto tcp");
	add_fw_client(&f, "2001:db8::1", FW_VERDICT_DROPPED)->fix =
		strdup("sudo ufw allow from 2001:db8::1 to any port 22 proto tcp");
	add_fw_client(&f, "192.0.2.200", FW_VERDICT_OPEN)->fix =
		strdup("sudo ufw allow from 192.0.2.200 to any port 22 proto tcp");
	word(&f, &v);
	assert_string_equal(v.cause, "local_firewall");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo ufw allow from 192.0.2.1 to any port 22 proto tcp && "
			    "sudo ufw allow from 2001:db8::1 to any port 22 proto tcp");
	verdict_release(&v);
	server_facts_release(&f);
}

static void a_masked_unit_is_unmasked_before_it_is_started(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_not_running(&f);
	f.systemd = true;
	f.unit_found = true;
	f.unit = strdup("ssh.service");
	f.unit_masked = true;
	word(&f, &v);
	assert_string_equal(v.cause, "sshd_not_running");
	if (v.fix_command == NULL ||
	    strcmp(v.fix_command, "sudo systemctl unmask ssh.service && sudo systemctl enable --now ssh.service") != 0)
		fail_msg("expected unmask, then enable --now, got %s", v.fix_command ? v.fix_command : "none");
	verdict_release(&v);
	server_facts_release(&f);
}

/* Bans judged for the client: certain for a banned one, no cause for
 * another, and not ruled out (but unchecked) when the client is unknown. */
/* Ubuntu 24.04 and later: sshd-socket-generator gives ssh.socket
 * sshd_config's ports when systemd reloads; elsewhere the socket's own
 * ListenStream wins, and sshd is let listen by itself. */
static void a_socket_port_fix_follows_where_the_sockets_ports_come_from(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_socket_activation(&f);
	f.unit = strdup("ssh.service");
	f.socket_generator = true;
	word(&f, &v);
	assert_string_equal(v.cause, "socket_activation_port");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo systemctl daemon-reload && sudo systemctl restart ssh.socket");
	verdict_release(&v);
	f.socket_generator = false;
	word(&f, &v);
	assert_string_equal(v.cause, "socket_activation_port");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command,
			    "sudo systemctl disable --now ssh.socket && sudo systemctl enable ssh.service && sudo systemctl restart ssh.service");
	verdict_release(&v);
	server_facts_release(&f);
}

/* RHEL: Port 2222, SELinux enforcing, the bind denied: selinux_port, with
 * the label as the fix; permissive SELinux is not the cause. */
static void an_selinux_denied_port_is_its_own_cause(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_not_running(&f);
	f.systemd = true;
	f.unit = strdup("sshd.service");
	f.cfg_ports[0] = 2222;
	f.ncfg_ports = 1;
	f.log_bind_denied_port = 2222;
	f.log_bind_failed = strdup("error: Bind to port 2222 on 0.0.0.0 failed: Permission denied.");
	f.selinux = SVC_SELINUX_ENFORCING;
	f.ssh_ports_known = true;
	f.ssh_ports[0][0] = f.ssh_ports[0][1] = 22;
	f.nssh_ports = 1;
	word(&f, &v);
	assert_string_equal(v.cause, "selinux_port");
	assert_string_equal(v.confidence, "certain");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo semanage port -a -t ssh_port_t -p tcp 2222 && sudo systemctl restart sshd.service");
	verdict_release(&v);
	f.selinux = SVC_SELINUX_PERMISSIVE;
	word(&f, &v);
	if (strcmp(v.cause, "selinux_port") == 0)
		fail_msg("expected no selinux_port when SELinux only reports");
	verdict_release(&v);
	server_facts_release(&f);
}

static void a_ban_is_judged_for_the_client_given(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_ok(&f);
	strv_push(&f.f2b_banned, "192.0.2.1");
	server_facts_merge_bans(&f);
	strv_push(&f.from_addrs, "192.0.2.1");
	word(&f, &v);
	assert_string_equal(v.cause, "fail2ban_ban");
	assert_string_equal(v.confidence, "certain");
	if (v.fix_command == NULL || strcmp(v.fix_command, "sudo fail2ban-client set sshd unbanip 192.0.2.1") != 0)
		fail_msg("expected the unban command for the client, got %s", v.fix_command ? v.fix_command : "none");
	if (v.judged_for.n != 1 || strcmp(v.judged_for.v[0], "192.0.2.1") != 0)
		fail_msg("expected verdict.for to name 192.0.2.1");
	verdict_release(&v);

	strv_release(&f.from_addrs);
	strv_push(&f.from_addrs, "192.0.2.9");
	word(&f, &v);
	assert_string_equal(v.cause, "ok");
	verdict_release(&v);

	strv_release(&f.from_addrs);
	word(&f, &v);
	assert_string_equal(v.cause, "ok");
	if (v.unchecked.n == 0 || strstr(v.unchecked.v[0], "banned") == NULL)
		fail_msg("expected the bans among what was not checked for the client");
	verdict_release(&v);
	server_facts_release(&f);
}

static void an_sshguard_block_of_the_clients_network_is_a_ban(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	strv_push(&f.guard_banned, "198.51.100.7");
	strv_push(&f.guard_unban, "sudo nft delete element ip sshguard attackers '{ 198.51.100.7 }'");
	strv_push(&f.guard_banned, "192.0.2.0/28");
	strv_push(&f.guard_unban, "sudo nft delete element ip sshguard attackers '{ 192.0.2.0/28 }'");
	server_facts_merge_bans(&f);
	strv_push(&f.from_addrs, "192.0.2.5");
	word(&f, &v);
	assert_string_equal(v.cause, "fail2ban_ban");
	assert_string_equal(v.confidence, "certain");
	assert_non_null(v.fix_command);
	/* that block alone is lifted: restarting sshguard would lift all */
	assert_string_equal(v.fix_command, "sudo nft delete element ip sshguard attackers '{ 192.0.2.0/28 }'");
	verdict_release(&v);
	server_facts_release(&f);
}

static void an_sshguard_block_no_back_end_can_lift_has_no_fix_command(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	strv_push(&f.guard_banned, "192.0.2.5");
	strv_push(&f.guard_unban, "");
	server_facts_merge_bans(&f);
	strv_push(&f.from_addrs, "192.0.2.5");
	word(&f, &v);
	assert_string_equal(v.cause, "fail2ban_ban");
	if (v.fix_command != NULL && strstr(v.fix_command, "restart") != NULL)
		fail_msg("expected no restart of sshguard (it lifts every block), got '%s'", v.fix_command);
	verdict_release(&v);
	server_facts_release(&f);
}

static void a_found_rule_gives_the_fix_command(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	server_facts_init(&f);
	healthy(&f);
	s_firewall_drop(&f);
	f.fw_fix = strdup("sudo iptables -D INPUT -p tcp -m tcp --dport 22 -j DROP");
	word(&f, &v);
	assert_string_equal(v.cause, "local_firewall");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo iptables -D INPUT -p tcp -m tcp --dport 22 -j DROP");
	verdict_release(&v);
	server_facts_release(&f);
}

static void a_fix_changes_what_is_wrong_then_starts_sshd(void **state)
{
	struct server_facts f;
	struct report_verdict v;

	(void)state;
	/* another program on the port, no sshd: stop whatever holds it, start sshd */
	server_facts_init(&f);
	healthy(&f);
	s_port_taken_not_running(&f);
	word(&f, &v);
	assert_string_equal(v.cause, "port_in_use");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo fuser -k 22/tcp && sleep 1 && sudo /usr/sbin/sshd");
	verdict_release(&v);
	server_facts_release(&f);

	/* sshd holds [::]:22, socat 0.0.0.0:22: only socat, by its pid */
	server_facts_init(&f);
	healthy(&f);
	s_port_taken_v4_only(&f);
	f.systemd = true;
	word(&f, &v);
	assert_string_equal(v.cause, "port_in_use");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command, "sudo kill 200 && sleep 1 && sudo systemctl restart ssh");
	verdict_release(&v);
	server_facts_release(&f);

	/* the line sshd rejects is commented out, a copy kept, sshd -t before the start */
	server_facts_init(&f);
	healthy(&f);
	s_config_error(&f);
	word(&f, &v);
	assert_string_equal(v.cause, "sshd_config_error");
	assert_non_null(v.fix_command);
	assert_string_equal(v.fix_command,
			    "sudo cp -p /etc/ssh/sshd_config /etc/ssh/sshd_config.bak && "
			    "sudo sed -i '12s/^/# /' /etc/ssh/sshd_config && sudo /usr/sbin/sshd -t && "
			    "sudo /usr/sbin/sshd");
	verdict_release(&v);
	server_facts_release(&f);

	/* no line named: nothing exact to change, no command (never a check) */
	server_facts_init(&f);
	healthy(&f);
	s_config_error(&f);
	f.config_error_line = 0;
	word(&f, &v);
	assert_string_equal(v.cause, "sshd_config_error");
	assert_null(v.fix_command);
	verdict_release(&v);
	server_facts_release(&f);

	/* a healthy server: ok has no fix */
	server_facts_init(&f);
	healthy(&f);
	s_ok(&f);
	word(&f, &v);
	assert_string_equal(v.cause, "ok");
	assert_null(v.fix_command);
	assert_string_equal(v.fix, "");
	verdict_release(&v);
	server_facts_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_decide_as_expected),
		cmocka_unit_test(what_the_firewall_leaves_open_is_unchecked),
		cmocka_unit_test(what_only_root_may_read_is_unchecked_without_root),
		cmocka_unit_test(a_found_rule_gives_the_fix_command),
		cmocka_unit_test(a_fix_changes_what_is_wrong_then_starts_sshd),
		cmocka_unit_test(the_fix_for_a_client_is_its_own),
		cmocka_unit_test(the_fix_lets_in_every_address_of_the_client_that_is_blocked),
		cmocka_unit_test(a_masked_unit_is_unmasked_before_it_is_started),
		cmocka_unit_test(a_ban_is_judged_for_the_client_given),
		cmocka_unit_test(an_selinux_denied_port_is_its_own_cause),
		cmocka_unit_test(a_socket_port_fix_follows_where_the_sockets_ports_come_from),
		cmocka_unit_test(an_sshguard_block_of_the_clients_network_is_a_ban),
		cmocka_unit_test(an_sshguard_block_no_back_end_can_lift_has_no_fix_command),
		cmocka_unit_test(prevention_warns_about_boot_root_and_passwords),
		cmocka_unit_test(a_healthy_machine_gets_no_warnings),
		cmocka_unit_test(the_words_come_from_the_cause_asset),
		cmocka_unit_test(without_systemd_the_fix_starts_sshd_by_hand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The practice lab's scenario files: what a teacher writes, read as the
 * lab stages it; every mistake is one error naming the file and line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine/parse/parse-scenario.h"

static const char good[] =
	"id: moved\n"
	"title: The server moved\n"
	"level: 1\n"
	"cause: wrong_port\n"
	"expect.client: wrong_port\n"
	"expect.server: wrong_port\n"
	"\n"
	"[story]\n"
	"ssh says refused.\n"
	"\n"
	"[stage]\n"
	"server.sshd: port 2222\n"
	"server.iptables: -A INPUT -p tcp --dport 22 -j \"DROP\"\n"
	"server.hosts.deny: sshd: ALL\n"
	"client.resolve: none\n"
	"\n"
	"[explain]\n"
	"sshd listens on 2222.\n";

static void a_scenario_is_read_with_its_staging(void **state)
{
	struct lab_scenario sc;
	struct strbuf err;

	(void)state;
	strbuf_init(&err);
	if (lab_scenario_parse(&sc, "lab/moved.scenario", good, strlen(good), &err) != 0)
		fail_msg("expected the scenario to parse: %s", err.buf);
	assert_string_equal(sc.id, "moved");
	assert_int_equal(sc.level, 1);
	assert_string_equal(sc.cause, "wrong_port");
	assert_string_equal(sc.expect_server, "wrong_port");
	assert_int_equal(sc.nops, 4);
	assert_int_equal(sc.ops[0].kind, LAB_OP_SSHD_PORT);
	assert_int_equal(sc.ops[0].num, 2222);
	assert_int_equal(sc.ops[1].kind, LAB_OP_IPTABLES);
	assert_int_equal(sc.ops[1].host, LAB_SERVER);
	assert_string_equal(sc.ops[1].args.v[sc.ops[1].args.n - 1], "DROP");
	assert_int_equal(sc.ops[2].kind, LAB_OP_HOSTS_DENY);
	assert_string_equal(sc.ops[2].text, "sshd: ALL");
	assert_int_equal(sc.ops[3].kind, LAB_OP_RESOLVE_NONE);
	lab_scenario_release(&sc);
	strbuf_release(&err);
}

/* Each broken file: the error names the file and the line at fault (or,
 * for what is missing, what). */
#define HEAD "id: x\ntitle: t\nlevel: 1\ncause: ok\nexpect.client: ok\nexpect.server: ok\n[story]\ns\n[stage]\n"
static void each_mistake_is_one_error_naming_file_and_line(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} rows[] = {
		{HEAD "laptop.sshd: stopped\n", "line 10"},
		{HEAD "server.sshd: port seventy\n", "line 10"},
		{HEAD "server.iptables: -A INPUT \"unclosed\n", "line 10"},
		{HEAD "server.frobnicate: yes\n", "line 10"},
		{"id: x\ncause: ok\n[stage]\nserver.sshd: stopped\n", "title"},
		{"id: x\ntitle: t\n[story]\ns\n[stage]\nserver.sshd: stopped\n", "expect.client"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct lab_scenario sc;
		struct strbuf err;

		strbuf_init(&err);
		if (lab_scenario_parse(&sc, "lab/bad.scenario", rows[i].text, strlen(rows[i].text), &err) == 0) {
			lab_scenario_release(&sc);
			fail_msg("expected row %zu to be refused", i);
		}
		if (strstr(err.buf, "lab/bad.scenario") == NULL || strstr(err.buf, rows[i].want) == NULL)
			fail_msg("row %zu: expected an error naming the file and %s, got '%s'", i, rows[i].want,
				 err.buf);
		strbuf_release(&err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_scenario_is_read_with_its_staging),
		cmocka_unit_test(each_mistake_is_one_error_naming_file_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

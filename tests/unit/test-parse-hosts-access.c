/* SPDX-License-Identifier: MIT */
/* hosts.allow / hosts.deny, judged as libwrap judges them. */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#include "engine/parse/parse-hosts-access.h"
#include "engine/util.h"

#define FIX SSHD_FIXTURES "/server/hosts-access"

static int slurp(const char *path, struct strbuf *out)
{
	return os_read_file(path, FIXTURE_MAX, false, out);
}

/* "/etc/ssh/allowed-clients" is served from the busy fixture folder. */
static int read_pattern_file(void *ctx, const char *path, struct strbuf *out)
{
	char full[1024];

	if (strcmp(path, "/etc/ssh/allowed-clients") != 0)
		return -ENOENT;
	snprintf(full, sizeof(full), "%s/busy/allowed-clients", FIX);
	return slurp(full, out);
}

static void load(struct hosts_table *t, const char *rel, const char *name)
{
	char path[1024];
	struct strbuf sb;

	snprintf(path, sizeof(path), "%s/%s", FIX, rel);
	strbuf_init(&sb);
	if (slurp(path, &sb) != 0)
		fail_msg("fixture '%s' is missing", path);
	hosts_table_init(t);
	assert_int_equal(hosts_table_parse(t, name, sb.buf, sb.len), 0);
	strbuf_release(&sb);
}

static void load_text(struct hosts_table *t, const char *name, const char *text)
{
	hosts_table_init(t);
	assert_int_equal(hosts_table_parse(t, name, text, strlen(text)), 0);
}

struct pair {
	struct hosts_table allow, deny;
};

static void load_busy(struct pair *p)
{
	load(&p->allow, "busy/hosts.allow", "/etc/hosts.allow");
	load(&p->deny, "busy/hosts.deny", "/etc/hosts.deny");
}

static void pair_release(struct pair *p)
{
	hosts_table_release(&p->allow);
	hosts_table_release(&p->deny);
}

/* Judges sshd from addr (and name) against the pair; checks allowed and line. */
static void expect(const struct pair *p, const char *addr, const char *name, bool allowed,
		   enum hosts_decided_by by, unsigned line)
{
	struct hosts_client c = { .daemon = "sshd", .addr = addr, .name = name };
	struct hosts_verdict v;

	hosts_verdict_init(&v);
	assert_int_equal(hosts_access_evaluate(&p->allow, &p->deny, &c, read_pattern_file, NULL, &v), 0);
	if (v.allowed != allowed || v.by != by || (line != 0 && (v.rule == NULL || v.rule->line != line)))
		fail_msg("sshd from %s (%s): expected %s by %s line %u, got: %s", addr, name ? name : "no name",
			 allowed ? "allowed" : "refused",
			 by == HOSTS_BY_ALLOW ? "hosts.allow" : by == HOSTS_BY_DENY ? "hosts.deny" : "default",
			 line, v.reason);
	hosts_verdict_release(&v);
}

static bool has_note(const struct hosts_verdict *v, const char *needle)
{
	for (size_t i = 0; i < v->notes.n; i++)
		if (strstr(v->notes.v[i], needle) != NULL)
			return true;
	return false;
}

static void test_debian_stock_files_allow_everyone(void **state)
{
	struct pair p;

	load(&p.allow, "debian12/hosts.allow", "/etc/hosts.allow");
	load(&p.deny, "debian12/hosts.deny", "/etc/hosts.deny");
	assert_int_equal(p.allow.n, 0);
	assert_int_equal(p.deny.n, 0);
	expect(&p, "192.0.2.10", NULL, true, HOSTS_BY_DEFAULT, 0);
	pair_release(&p);
}

static void test_deny_option_in_hosts_allow_refuses(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "192.0.2.66" };
	struct hosts_verdict v;

	load_busy(&p);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, read_pattern_file, NULL, &v);
	assert_false(v.allowed);
	assert_int_equal(v.by, HOSTS_BY_ALLOW);
	assert_int_equal(v.rule->line, 3);
	assert_ptr_equal(v.table, &p.allow);
	assert_non_null(strstr(v.reason, "/etc/hosts.allow line 3"));
	assert_non_null(strstr(v.reason, "ends in 'deny'"));
	if (!has_note(&v, "spawn /usr/bin/logger"))
		fail_msg("expected a note that the rule also spawns a command");
	hosts_verdict_release(&v);
	pair_release(&p);
}

static void test_address_prefix_allows(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "192.0.2.10", NULL, true, HOSTS_BY_ALLOW, 4);
	pair_release(&p);
}

static void test_dotted_netmask_allows(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "198.51.100.7", NULL, true, HOSTS_BY_ALLOW, 4);
	pair_release(&p);
}

static void test_bracketed_v6_prefix_allows_and_others_fall_to_deny(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "2001:db8::1", NULL, true, HOSTS_BY_ALLOW, 4);
	expect(&p, "2001:db9::1", NULL, false, HOSTS_BY_DENY, 4);
	pair_release(&p);
}

static void test_domain_suffix_with_except(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "198.18.0.1", "host.example.org", true, HOSTS_BY_ALLOW, 5);
	expect(&p, "198.18.0.2", "untrusted.example.org", false, HOSTS_BY_DENY, 4);
	/* no reverse name: name patterns cannot match */
	expect(&p, "198.18.0.1", NULL, false, HOSTS_BY_DENY, 4);
	pair_release(&p);
}

static void test_nested_except(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "203.0.113.5", NULL, true, HOSTS_BY_ALLOW, 6);
	expect(&p, "203.0.113.130", NULL, false, HOSTS_BY_DENY, 4);
	/* 203.0.113.0/24 EXCEPT (203.0.113.128/25 EXCEPT 203.0.113.200) */
	expect(&p, "203.0.113.200", NULL, true, HOSTS_BY_ALLOW, 6);
	pair_release(&p);
}

static void test_pattern_file_is_read_through_the_callback(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "100.64.0.5" };
	struct hosts_verdict v;

	load_busy(&p);
	expect(&p, "100.64.0.5", NULL, true, HOSTS_BY_ALLOW, 7);
	expect(&p, "100.64.1.9", NULL, true, HOSTS_BY_ALLOW, 7);
	expect(&p, "198.18.3.3", "build.corp.example.net", true, HOSTS_BY_ALLOW, 7);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	assert_false(v.allowed);
	if (!has_note(&v, "'/etc/ssh/allowed-clients' was not read"))
		fail_msg("expected a note that the pattern file was not read");
	hosts_verdict_release(&v);
	pair_release(&p);
}

static void test_netgroup_is_noted_as_unsupported(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "198.18.9.9" };
	struct hosts_verdict v;

	load_busy(&p);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, read_pattern_file, NULL, &v);
	assert_false(v.allowed);
	if (!has_note(&v, "netgroup '@trusted-hosts' cannot be checked"))
		fail_msg("expected a note that @trusted-hosts was not checked");
	hosts_verdict_release(&v);
	pair_release(&p);
}

static void test_continuation_joins_lines_and_keeps_the_first_line_number(void **state)
{
	struct pair p;
	const struct hosts_rule *r;

	load_busy(&p);
	r = &p.allow.rules[6];
	assert_int_equal(r->line, 9);
	assert_string_equal(r->daemons, "ALL");
	assert_non_null(strstr(r->clients, "127.0.0.1 [::1]"));
	expect(&p, "127.0.0.1", NULL, true, HOSTS_BY_ALLOW, 9);
	expect(&p, "::1", NULL, true, HOSTS_BY_ALLOW, 9);
	/* LOCAL: a name without a dot */
	expect(&p, "198.18.7.7", "backup", true, HOSTS_BY_ALLOW, 9);
	pair_release(&p);
}

static void test_other_daemons_rules_do_not_apply(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "in.telnetd", .addr = "198.18.1.1" };
	struct hosts_verdict v;

	load_busy(&p);
	/* sshd is refused by "sshd: ALL"; telnetd matches its own twist rule */
	expect(&p, "198.18.1.1", NULL, false, HOSTS_BY_DENY, 4);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	assert_int_equal(v.rule->line, 11);
	assert_false(v.allowed);
	assert_non_null(strstr(v.reason, "twist"));
	hosts_verdict_release(&v);
	pair_release(&p);
}

static void test_allow_option_in_hosts_deny_admits(void **state)
{
	struct pair p;

	load_busy(&p);
	expect(&p, "10.9.9.9", NULL, true, HOSTS_BY_DENY, 3);
	pair_release(&p);
}

/* Debian's libwrap stops at a line without a newline with an error, and an
 * error in hosts.deny refuses every client that reaches it (tcpdmatch
 * agrees; tests/diff/). */
static void test_last_line_without_newline_in_hosts_deny_refuses_everyone(void **state)
{
	struct pair p;

	hosts_table_init(&p.allow);
	load(&p.deny, "odd/hosts.deny-no-newline", "/etc/hosts.deny");
	assert_int_equal(p.deny.n, 0);
	assert_int_equal(p.deny.nwarnings, 1);
	assert_int_equal(p.deny.warnings[0].line, 2);
	assert_int_equal(p.deny.error_line, 2);
	assert_non_null(strstr(p.deny.warnings[0].message, "missing newline"));
	expect(&p, "192.0.2.10", NULL, false, HOSTS_BY_DENY, 0);
	pair_release(&p);
}

static void test_mistakes_in_rules(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "192.168.1.77" };
	struct hosts_verdict v;

	load(&p.allow, "odd/hosts.allow-mistakes", "/etc/hosts.allow");
	hosts_table_init(&p.deny);
	/* "sshd 192.0.2.1" has no ':' */
	assert_int_equal(p.allow.nwarnings, 1);
	assert_int_equal(p.allow.warnings[0].line, 1);
	/* 192.168.1.1/24 has host bits set: libwrap never matches it */
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	assert_true(v.allowed);
	assert_int_equal(v.by, HOSTS_BY_DEFAULT);
	if (!has_note(&v, "host bits set"))
		fail_msg("expected a note about '192.168.1.1/24' never matching");
	hosts_verdict_release(&v);
	/* an unknown option refuses; "deny" not last refuses; twist refuses */
	expect(&p, "192.0.2.9", NULL, false, HOSTS_BY_ALLOW, 3);
	expect(&p, "192.0.2.8", NULL, false, HOSTS_BY_ALLOW, 4);
	expect(&p, "192.0.2.7", NULL, false, HOSTS_BY_ALLOW, 5);
	expect(&p, "192.0.2.6", NULL, true, HOSTS_BY_ALLOW, 6);
	pair_release(&p);
}

static void test_unknown_paranoid_and_known(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "198.18.0.9", .name = "liar.example.net",
				  .name_mismatch = true };
	struct hosts_verdict v;

	hosts_table_init(&p.allow);
	load(&p.deny, "odd/hosts.deny-names", "/etc/hosts.deny");
	expect(&p, "198.18.0.9", NULL, false, HOSTS_BY_DENY, 1);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	/* a name that does not map back is "paranoid": PARANOID, not UNKNOWN */
	assert_false(v.allowed);
	if (v.rule == NULL || v.rule->line != 2)
		fail_msg("expected 'sshd: PARANOID' (line 2) to refuse a mismatching name, got: %s", v.reason);
	hosts_verdict_release(&v);
	expect(&p, "198.18.0.9", "ok.example.net", false, HOSTS_BY_DENY, 3);
	expect(&p, "198.18.0.9", "fine.example.com", true, HOSTS_BY_DEFAULT, 0);
	pair_release(&p);
}

static void test_unreadable_tables_follow_libwrap(void **state)
{
	struct pair p;

	load_text(&p.allow, "/etc/hosts.allow", "");
	load_text(&p.deny, "/etc/hosts.deny", "");
	p.deny.unreadable = true;
	expect(&p, "192.0.2.10", NULL, false, HOSTS_BY_DENY, 0);
	p.allow.unreadable = true;
	expect(&p, "192.0.2.10", NULL, true, HOSTS_BY_ALLOW, 0);
	pair_release(&p);
}

static void test_guide_examples(void **state)
{
	struct pair p;

	load_text(&p.allow, "/etc/hosts.allow", "sshd: 192.168.1.0/24\n");
	load_text(&p.deny, "/etc/hosts.deny", "ALL: ALL\n");
	expect(&p, "192.168.1.20", NULL, true, HOSTS_BY_ALLOW, 1);
	expect(&p, "192.168.2.20", NULL, false, HOSTS_BY_DENY, 1);
	pair_release(&p);
}

static void test_v4_mapped_client_is_judged_as_v4(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "::ffff:192.0.2.10" };
	struct hosts_verdict v;

	load_busy(&p);
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	assert_true(v.allowed);
	assert_int_equal(v.rule->line, 4);
	assert_true(has_note(&v, "IPv4-mapped"));
	hosts_verdict_release(&v);
	pair_release(&p);
}

static void test_user_at_host_assumes_unknown_user(void **state)
{
	struct pair p;
	struct hosts_client c = { .daemon = "sshd", .addr = "192.0.2.10" };
	struct hosts_verdict v;

	load_text(&p.allow, "/etc/hosts.allow", "sshd: alice@192.0.2.10\nsshd: UNKNOWN@192.0.2.11\n");
	load_text(&p.deny, "/etc/hosts.deny", "sshd: ALL\n");
	hosts_verdict_init(&v);
	hosts_access_evaluate(&p.allow, &p.deny, &c, NULL, NULL, &v);
	assert_false(v.allowed);
	assert_true(has_note(&v, "ident"));
	hosts_verdict_release(&v);
	expect(&p, "192.0.2.11", NULL, true, HOSTS_BY_ALLOW, 2);
	pair_release(&p);
}

static void test_missing_client_is_an_error(void **state)
{
	struct hosts_client c = { .daemon = "sshd" };
	struct hosts_verdict v;

	hosts_verdict_init(&v);
	assert_int_equal(hosts_access_evaluate(NULL, NULL, &c, NULL, NULL, &v), -1);
	c.addr = "192.0.2.1";
	assert_int_equal(hosts_access_evaluate(NULL, NULL, &c, NULL, NULL, &v), 0);
	assert_true(v.allowed);
	hosts_verdict_release(&v);
}

/* ---- every disagreement with tcpdmatch ever found (tests/diff/) --------- */

static bool group_exists(const char *name)
{
	return getgrnam(name) != NULL;
}

static void replace_dir(struct strbuf *sb, const char *dir)
{
	struct strbuf out;
	const char *p = sb->buf, *hit;

	strbuf_init(&out);
	while ((hit = strstr(p, "@DIR@")) != NULL) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_addstr(&out, dir);
		p = hit + 5;
	}
	strbuf_addstr(&out, p);
	strbuf_reset(sb);
	strbuf_add(sb, out.buf, out.len);
	strbuf_release(&out);
}

static int read_any(void *ctx, const char *path, struct strbuf *out)
{
	(void)ctx;
	return slurp(path, out);
}

/* One case folder: hosts.allow, hosts.deny and clients ("ADDR NAME|- ANSWER"
 * lines, ANSWER as tcpdmatch gave it). Returns the clients judged. */
static size_t replay_case(const char *dir)
{
	char path[1200];
	struct strbuf allow, deny, clients;
	struct hosts_table ta, td;
	size_t judged = 0;
	char *save = NULL;

	strbuf_init(&allow);
	strbuf_init(&deny);
	strbuf_init(&clients);
	snprintf(path, sizeof(path), "%s/hosts.allow", dir);
	slurp(path, &allow);
	snprintf(path, sizeof(path), "%s/hosts.deny", dir);
	slurp(path, &deny);
	snprintf(path, sizeof(path), "%s/clients", dir);
	if (slurp(path, &clients) != 0)
		fail_msg("'%s' is missing", path);
	replace_dir(&allow, FIX "/diff");
	replace_dir(&deny, FIX "/diff");
	hosts_table_init(&ta);
	hosts_table_init(&td);
	hosts_table_parse(&ta, "hosts.allow", allow.buf, allow.len);
	hosts_table_parse(&td, "hosts.deny", deny.buf, deny.len);
	for (char *line = strtok_r(clients.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char addr[64], name[256], answer[32];
		struct hosts_client c = {.daemon = "sshd", .group_exists = group_exists};
		struct hosts_verdict v;

		if (sscanf(line, "%63s %255s %31s", addr, name, answer) != 3)
			fail_msg("%s: bad clients line '%s'", dir, line);
		c.addr = addr;
		c.name = strcmp(name, "-") == 0 ? NULL : name;
		hosts_verdict_init(&v);
		assert_int_equal(hosts_access_evaluate(&ta, &td, &c, read_any, NULL, &v), 0);
		if (v.allowed != (strcmp(answer, "granted") == 0))
			fail_msg("%s: client %s%s%s: tcpdmatch said %s, the evaluator %s (%s)", dir, addr,
				 c.name ? " named " : "", c.name ? c.name : "", answer,
				 v.allowed ? "allows" : "refuses", v.reason ? v.reason : "");
		hosts_verdict_release(&v);
		judged++;
	}
	hosts_table_release(&ta);
	hosts_table_release(&td);
	strbuf_release(&allow);
	strbuf_release(&deny);
	strbuf_release(&clients);
	return judged;
}

static void every_disagreement_found_with_tcpdmatch_stays_fixed(void **state)
{
	DIR *d = opendir(FIX "/diff");
	struct dirent *de;
	size_t cases = 0, judged = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char dir[1024];

		if (strncmp(de->d_name, "seed", 4) != 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/diff/%s", FIX, de->d_name);
		judged += replay_case(dir);
		cases++;
	}
	closedir(d);
	if (cases == 0 || judged == 0)
		fail_msg("expected regression cases in %s/diff", FIX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_stock_files_allow_everyone),
		cmocka_unit_test(test_deny_option_in_hosts_allow_refuses),
		cmocka_unit_test(test_address_prefix_allows),
		cmocka_unit_test(test_dotted_netmask_allows),
		cmocka_unit_test(test_bracketed_v6_prefix_allows_and_others_fall_to_deny),
		cmocka_unit_test(test_domain_suffix_with_except),
		cmocka_unit_test(test_nested_except),
		cmocka_unit_test(test_pattern_file_is_read_through_the_callback),
		cmocka_unit_test(test_netgroup_is_noted_as_unsupported),
		cmocka_unit_test(test_continuation_joins_lines_and_keeps_the_first_line_number),
		cmocka_unit_test(test_other_daemons_rules_do_not_apply),
		cmocka_unit_test(test_allow_option_in_hosts_deny_admits),
		cmocka_unit_test(test_last_line_without_newline_in_hosts_deny_refuses_everyone),
		cmocka_unit_test(test_mistakes_in_rules),
		cmocka_unit_test(test_unknown_paranoid_and_known),
		cmocka_unit_test(test_unreadable_tables_follow_libwrap),
		cmocka_unit_test(test_guide_examples),
		cmocka_unit_test(test_v4_mapped_client_is_judged_as_v4),
		cmocka_unit_test(test_user_at_host_assumes_unknown_user),
		cmocka_unit_test(test_missing_client_is_an_error),
		cmocka_unit_test(every_disagreement_found_with_tcpdmatch_stays_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

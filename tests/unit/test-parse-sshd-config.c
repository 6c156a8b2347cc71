/* SPDX-License-Identifier: MIT */
/* sshd_config / sshd -T / sshd -t parsers, against sshd's own recorded
 * answers where this machine could produce them. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#include "engine/os/os.h"
#include "engine/parse/parse-sshd-config.h"
#include "engine/util.h"

#define FIX SSHD_FIXTURES "/server"

static int slurp(const char *path, struct strbuf *out)
{
	return os_read_file(path, FIXTURE_MAX, false, out);
}

static char *fixture(const char *rel, size_t *len)
{
	char full[512];

	snprintf(full, sizeof(full), "server/%s", rel);
	return fixture_load(full, len);
}

/* A file system rooted at a fixture folder: "/etc/ssh/x" is ROOT/etc/ssh/x. */
static int root_read(void *ctx, const char *path, struct strbuf *out)
{
	char full[2048];

	snprintf(full, sizeof(full), "%s%s", (const char *)ctx, path);
	return slurp(full, out);
}

static int root_glob(void *ctx, const char *pattern, struct strv *out)
{
	const char *root = ctx;
	char full[2048];
	glob_t g;
	int r;

	snprintf(full, sizeof(full), "%s%s", root, pattern);
	r = glob(full, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return -EIO;
	for (size_t i = 0; i < g.gl_pathc; i++)
		strv_push(out, g.gl_pathv[i] + strlen(root));
	globfree(&g);
	return 0;
}

static struct sshd_config *parse_tree(const char *root_rel)
{
	static char root[1024];
	struct sshd_config_io io = { root_read, root_glob, root, 0 };
	struct sshd_config *cfg = sshd_config_new();
	struct strbuf sb;

	snprintf(root, sizeof(root), "%s/%s", FIX, root_rel);
	strbuf_init(&sb);
	if (root_read(root, "/etc/ssh/sshd_config", &sb) != 0)
		fail_msg("expected %s/etc/ssh/sshd_config", root);
	assert_int_equal(sshd_config_parse(cfg, "/etc/ssh/sshd_config", sb.buf, sb.len, &io), 0);
	strbuf_release(&sb);
	return cfg;
}

static struct sshd_config *parse_text(const char *text, const struct sshd_config_io *io)
{
	struct sshd_config *cfg = sshd_config_new();

	assert_int_equal(sshd_config_parse(cfg, "/etc/ssh/sshd_config", text, strlen(text), io), 0);
	return cfg;
}

static struct sshd_config *parse_dump(const char *rel)
{
	struct sshd_config *cfg = sshd_config_new();
	size_t len;
	char *buf = fixture(rel, &len);

	assert_int_equal(sshd_config_parse_dump(cfg, "sshd -T", buf, len), 0);
	free(buf);
	return cfg;
}

static const struct sshd_problem *find_problem(const struct sshd_config *cfg, const char *needle)
{
	for (size_t i = 0; i < cfg->nproblems; i++)
		if (strstr(cfg->problems[i].message, needle) != NULL)
			return &cfg->problems[i];
	return NULL;
}

static void expect_problem(const struct sshd_config *cfg, const char *needle, unsigned line)
{
	const struct sshd_problem *p = find_problem(cfg, needle);

	if (p == NULL) {
		for (size_t i = 0; i < cfg->nproblems; i++)
			print_message("  problem: line %u: %s\n", cfg->problems[i].at.line,
				      cfg->problems[i].message);
		fail_msg("expected a problem containing '%s'", needle);
	}
	if (line != 0 && p->at.line != line)
		fail_msg("expected the problem '%s' on line %u, got %u", needle, line, p->at.line);
}

/* "host:port" text of a listen entry, as sshd -T prints it. */
static void listen_text(const struct sshd_listen *l, char *buf, size_t n)
{
	if (strchr(l->host, ':') != NULL)
		snprintf(buf, n, "[%s]:%d", l->host, l->port);
	else
		snprintf(buf, n, "%s:%d", l->host, l->port);
}

static void expect_same_listen(const struct sshd_config *mine, const struct sshd_config *sshd)
{
	if (mine->nlisten != sshd->nlisten)
		fail_msg("expected %zu listen entries like sshd -T, got %zu", sshd->nlisten, mine->nlisten);
	for (size_t i = 0; i < mine->nlisten; i++) {
		char a[128], b[128];

		listen_text(&mine->listen[i], a, sizeof(a));
		listen_text(&sshd->listen[i], b, sizeof(b));
		if (strcmp(a, b) != 0)
			fail_msg("listen entry %zu: expected '%s' (sshd -T), got '%s'", i, b, a);
	}
}

static const struct sshd_directive *find_dir(const struct sshd_config *cfg, const char *kw)
{
	for (size_t i = 0; i < cfg->ndirs; i++)
		if (str_ieq(cfg->dirs[i].keyword, kw))
			return &cfg->dirs[i];
	return NULL;
}

/* ---- files ---- */

static void test_debian_default_listens_on_22_everywhere_like_sshd_T(void **state)
{
	struct sshd_config *dump = parse_dump("sshd-T/debian12-default.txt");
	struct sshd_config *cfg = sshd_config_new();
	size_t len;
	char *buf = fixture("sshd-config/debian12/sshd_config", &len);

	sshd_config_parse(cfg, "/etc/ssh/sshd_config", buf, len, NULL);
	free(buf);
	expect_same_listen(cfg, dump);
	assert_int_equal(sshd_setting_bool(&cfg->global.use_pam, 0), 1);
	assert_int_equal(sshd_setting_bool(&cfg->global.kbd_interactive_authentication, 1), 0);
	sshd_config_free(cfg);
	sshd_config_free(dump);
}

static void test_include_without_io_is_reported_not_followed(void **state)
{
	size_t len;
	char *buf = fixture("sshd-config/debian12/sshd_config", &len);
	struct sshd_config *cfg = sshd_config_new();

	sshd_config_parse(cfg, "/etc/ssh/sshd_config", buf, len, NULL);
	expect_problem(cfg, "'Include' was not followed", 12);
	free(buf);
	sshd_config_free(cfg);
}

static void test_ports_accumulate_with_drop_ins_first(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");

	if (cfg->nports != 3)
		fail_msg("expected 3 ports (2022 from the drop-in, 22, 2222), got %zu", cfg->nports);
	assert_int_equal(cfg->ports[0].port, 2022);
	assert_string_equal(cfg->ports[0].at.file, "/etc/ssh/sshd_config.d/10-ports.conf");
	assert_int_equal(cfg->ports[0].at.line, 2);
	assert_int_equal(cfg->ports[1].port, 22);
	assert_int_equal(cfg->ports[2].port, 2222);
	assert_int_equal(cfg->ports[2].at.line, 5);
	sshd_config_free(cfg);
}

static void test_listen_list_is_the_cross_product_sshd_T_prints(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	struct sshd_config *dump = parse_dump("sshd-T/busy-carol-192.0.2.10.txt");

	expect_same_listen(cfg, dump);
	/* [2001:db8::2]:2200 keeps its own port */
	assert_string_equal(cfg->listen[3].host, "2001:db8::2");
	assert_int_equal(cfg->listen[3].port, 2200);
	assert_int_equal(cfg->listen[3].at.line, 7);
	sshd_config_free(cfg);
	sshd_config_free(dump);
}

static void test_first_value_wins_and_keeps_its_file_and_line(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	const struct sshd_setting *pa = &cfg->global.password_authentication;

	if (pa->value == NULL || strcmp(pa->value, "no") != 0)
		fail_msg("expected PasswordAuthentication 'no' from the cloud-init drop-in, got '%s'",
			 pa->value ? pa->value : "(unset)");
	assert_string_equal(pa->at.file, "/etc/ssh/sshd_config.d/50-cloud-init.conf");
	assert_int_equal(pa->at.line, 1);
	assert_int_equal(cfg->global.max_auth_tries_n, 3);
	assert_int_equal(cfg->global.max_startups_v.start, 5);
	assert_int_equal(cfg->global.max_startups_v.rate, 50);
	assert_int_equal(cfg->global.max_startups_v.full, 20);
	assert_string_equal(cfg->global.permit_root_login.value, "no");
	sshd_config_free(cfg);
}

static void test_allow_users_accumulate_over_lines(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	const struct sshd_list *au = &cfg->global.allow_users;
	const char *want[] = { "alice", "bob@192.0.2.*", "carol", "dave", "eve" };

	if (au->v.n != 5)
		fail_msg("expected 5 AllowUsers words from two lines, got %zu", au->v.n);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(au->v.v[i], want[i]);
	assert_int_equal(au->at[0].line, 15);
	assert_int_equal(au->at[3].line, 17);
	assert_int_equal(cfg->global.deny_users.v.n, 1);
	assert_int_equal(cfg->global.allow_groups.v.n, 2);
	sshd_config_free(cfg);
}

static void test_quotes_equals_and_comments(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	const struct sshd_directive *d;

	d = find_dir(cfg, "Banner");
	assert_non_null(d);
	if (d->args.n != 1 || strcmp(d->args.v[0], "/etc/issue net") != 0)
		fail_msg("expected the quoted Banner path to stay one argument");
	d = find_dir(cfg, "AcceptEnv");
	assert_non_null(d);
	if (d->args.n != 2)
		fail_msg("expected the trailing '# locale only' comment to be dropped, got %zu args", d->args.n);
	assert_int_equal(cfg->nproblems, 0);
	sshd_config_free(cfg);
}

static void test_keywords_are_case_insensitive_and_equals_form(void **state)
{
	struct sshd_config *cfg = parse_text("pOrT=2200\nLISTENADDRESS = 192.0.2.9\nmaxauthtries\t4\n", NULL);

	assert_int_equal(cfg->nports, 1);
	assert_int_equal(cfg->ports[0].port, 2200);
	assert_int_equal(cfg->nlisten, 1);
	assert_string_equal(cfg->listen[0].host, "192.0.2.9");
	assert_int_equal(cfg->listen[0].port, 2200);
	assert_int_equal(cfg->global.max_auth_tries_n, 4);
	sshd_config_free(cfg);
}

/* sshd refuses a keyword it does not know ("Bad configuration option"), and
 * only warns about one it dropped (checked against sshd -t: tests/diff/). */
static void test_unknown_keywords_are_errors_removed_ones_warnings(void **state)
{
	struct sshd_config *cfg = parse_text("FrobnicateLevel 11\nSubsystem sftp /usr/lib/openssh/sftp-server\n"
					     "UsePrivilegeSeparation yes\n", NULL);
	const struct sshd_directive *d = find_dir(cfg, "FrobnicateLevel");

	assert_non_null(d);
	assert_string_equal(d->args.v[0], "11");
	assert_int_equal(d->at.line, 1);
	assert_int_equal(cfg->nproblems, 1);
	assert_int_equal(cfg->problems[0].at.line, 1);
	if (strstr(cfg->problems[0].message, "FrobnicateLevel") == NULL)
		fail_msg("expected the problem to name the keyword, got '%s'", cfg->problems[0].message);
	assert_int_equal(cfg->notes.n, 1);
	sshd_config_free(cfg);
}

static void test_match_blocks_are_recorded_with_criteria(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	const struct sshd_match *m;
	const struct sshd_directive *d;

	if (cfg->nmatches != 3)
		fail_msg("expected 3 Match blocks, got %zu", cfg->nmatches);
	m = &cfg->matches[0];
	assert_string_equal(m->text, "User carol Address 192.0.2.0/24,!192.0.2.66");
	assert_int_equal(m->ncrit, 2);
	assert_int_equal(m->crit[0].attr, SSHD_MATCH_USER);
	assert_int_equal(m->crit[1].attr, SSHD_MATCH_ADDRESS);
	assert_string_equal(m->crit[1].patterns, "192.0.2.0/24,!192.0.2.66");
	assert_int_equal(m->at.line, 23);
	/* the file included inside "Match Group admins" belongs to that block */
	d = find_dir(cfg, "MaxSessions");
	assert_non_null(d);
	assert_string_equal(d->at.file, "/etc/ssh/match.d/admins.conf");
	assert_int_equal(d->match, 1);
	sshd_config_free(cfg);
}

/* Compares our evaluation of the busy tree for conn with sshd -T -C. */
static void expect_like_sshd(const char *dump_rel, const struct sshd_conn *conn)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	struct sshd_config *dump = parse_dump(dump_rel);
	struct sshd_settings s;
	const struct sshd_settings *t = &dump->global;

	sshd_config_evaluate(cfg, conn, &s);
	if (s.max_auth_tries_n != t->max_auth_tries_n)
		fail_msg("%s: expected MaxAuthTries %d, got %d", dump_rel, t->max_auth_tries_n, s.max_auth_tries_n);
	if (sshd_setting_bool(&s.password_authentication, 1) != sshd_setting_bool(&t->password_authentication, 1))
		fail_msg("%s: expected PasswordAuthentication %s", dump_rel, t->password_authentication.value);
	if (sshd_setting_bool(&s.kbd_interactive_authentication, 1) !=
	    sshd_setting_bool(&t->kbd_interactive_authentication, 1))
		fail_msg("%s: expected KbdInteractiveAuthentication %s", dump_rel,
			 t->kbd_interactive_authentication.value);
	if (s.allow_users.v.n != t->allow_users.v.n)
		fail_msg("%s: expected %zu AllowUsers, got %zu", dump_rel, t->allow_users.v.n, s.allow_users.v.n);
	for (size_t i = 0; i < s.allow_users.v.n; i++)
		assert_string_equal(s.allow_users.v.v[i], t->allow_users.v.v[i]);
	assert_int_equal(s.deny_users.v.n, t->deny_users.v.n);
	sshd_settings_release(&s);
	sshd_config_free(cfg);
	sshd_config_free(dump);
}

static void test_match_user_and_address_agrees_with_sshd(void **state)
{
	struct strv none;
	struct sshd_conn conn = { .user = "carol", .host = "client.example.org", .addr = "192.0.2.10",
				  .laddr = "192.0.2.2", .lport = 22, .groups = &none };

	strv_init(&none);
	expect_like_sshd("sshd-T/busy-carol-192.0.2.10.txt", &conn);
}

static void test_negated_address_in_match_agrees_with_sshd(void **state)
{
	struct strv none;
	struct sshd_conn conn = { .user = "carol", .host = "client.example.org", .addr = "192.0.2.66",
				  .laddr = "192.0.2.2", .lport = 22, .groups = &none };

	strv_init(&none);
	expect_like_sshd("sshd-T/busy-carol-192.0.2.66.txt", &conn);
}

static void test_match_allowusers_replaces_global_list_like_sshd(void **state)
{
	struct strv none;
	struct sshd_conn conn = { .user = "eve", .host = "client.example.org", .addr = "198.51.100.7",
				  .laddr = "192.0.2.2", .lport = 2222, .groups = &none };

	strv_init(&none);
	expect_like_sshd("sshd-T/busy-eve-port2222.txt", &conn);
}

static void test_unknown_groups_make_group_match_undetermined(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	struct sshd_conn conn = { .user = "root", .addr = "192.0.2.10", .lport = 22 };
	struct sshd_settings s;
	struct strv groups;

	sshd_config_evaluate(cfg, &conn, &s);
	if (!s.undetermined)
		fail_msg("expected 'Match Group admins' to be undetermined without the user's groups");
	assert_int_equal(s.napplied, 0);
	sshd_settings_release(&s);

	strv_init(&groups);
	strv_push(&groups, "root");
	strv_push(&groups, "admins");
	conn.groups = &groups;
	sshd_config_evaluate(cfg, &conn, &s);
	assert_int_equal(s.napplied, 1);
	assert_int_equal(s.applied[0], 1);
	assert_string_equal(s.permit_root_login.value, "prohibit-password");
	if (s.max_sessions_n != 2)
		fail_msg("expected MaxSessions 2 from match.d/admins.conf, got %d", s.max_sessions_n);
	sshd_settings_release(&s);
	strv_release(&groups);
	sshd_config_free(cfg);
}

static void test_include_inside_unmatched_block_never_applies(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	struct strv groups;
	struct sshd_conn conn = { .user = "bob", .addr = "192.0.2.10", .lport = 22, .groups = &groups };
	struct sshd_settings s;

	strv_init(&groups);
	strv_push(&groups, "users");
	sshd_config_evaluate(cfg, &conn, &s);
	assert_int_equal(s.napplied, 0);
	assert_false(s.undetermined);
	assert_int_equal(s.max_sessions_n, 10);
	sshd_settings_release(&s);
	strv_release(&groups);
	sshd_config_free(cfg);
}

/* A file system of named strings, for include loops and failures. */
struct vfs {
	const char *names[4];
	const char *texts[4];
};

static int vfs_read(void *ctx, const char *path, struct strbuf *out)
{
	struct vfs *v = ctx;

	for (int i = 0; i < 4 && v->names[i]; i++) {
		if (strcmp(v->names[i], path) == 0) {
			strbuf_addstr(out, v->texts[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static void test_include_loop_stops_at_the_depth_limit(void **state)
{
	struct vfs v = { { "/etc/ssh/loop.conf" }, { "Port 2200\nInclude loop.conf\n" } };
	struct sshd_config_io io = { vfs_read, NULL, &v, 0 };
	struct sshd_config *cfg = parse_text("Include /etc/ssh/loop.conf\n", &io);

	expect_problem(cfg, "too many recursive configuration includes", 2);
	if (cfg->nports != SSHD_CONFIG_MAX_DEPTH)
		fail_msg("expected one Port per level read (%d), got %zu", SSHD_CONFIG_MAX_DEPTH, cfg->nports);
	sshd_config_free(cfg);
}

static void test_unreadable_include_is_a_problem_with_its_line(void **state)
{
	struct vfs v = { { NULL }, { NULL } };
	struct sshd_config_io io = { vfs_read, NULL, &v, 0 };
	struct sshd_config *cfg = parse_text("Port 22\nInclude conf.d/extra.conf\n", &io);

	expect_problem(cfg, "cannot read included file '/etc/ssh/conf.d/extra.conf': no such file", 2);
	sshd_config_free(cfg);
}

static void test_mistakes_sshd_refuses_become_problems(void **state)
{
	static const struct {
		const char *name;
		const char *needle;
		unsigned line;
	} cases[] = {
		{ "badaf", "unsupported AddressFamily 'inet7'", 2 },
		{ "badint", "'MaxAuthTries' needs a number", 2 },
		{ "badport", "badly formatted port number '99999'", 2 },
		{ "port0", "badly formatted port number '0'", 2 },
		{ "badyesno", "unsupported PermitRootLogin 'maybe'", 2 },
		{ "matchport", "directive 'Port' is not allowed within a Match block", 3 },
		{ "missingarg", "no argument after keyword 'Port'", 2 },
		{ "include", "no argument after keyword 'AllowUsers'", 4 },
		{ "unterminated", "invalid quotes", 2 },
		{ "badmatch", "unsupported Match attribute 'Foo'", 2 },
		{ "extra", "'Port' takes one port number", 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char rel[256];
		size_t len;
		char *buf;
		struct sshd_config *cfg = sshd_config_new();

		snprintf(rel, sizeof(rel), "sshd-t/%s.sshd_config", cases[i].name);
		buf = fixture(rel, &len);
		sshd_config_parse(cfg, "/etc/ssh/sshd_config", buf, len, NULL);
		print_message("  %s\n", cases[i].name);
		expect_problem(cfg, cases[i].needle, cases[i].line);
		sshd_config_free(cfg);
		free(buf);
	}
}

static void test_listen_address_forms(void **state)
{
	struct sshd_config *cfg = parse_text(
		"Port 22\nPort 2222\n"
		"ListenAddress ::1\n"
		"ListenAddress [2001:db8::5]\n"
		"ListenAddress 192.0.2.1:2200\n"
		"ListenAddress 10.0.0.1 rdomain red\n"
		"ListenAddress [::1\n"
		"ListenAddress 192.0.2.1:http\n", NULL);

	assert_int_equal(cfg->nlisten_addrs, 4);
	assert_string_equal(cfg->listen_addrs[0].host, "::1");
	assert_int_equal(cfg->listen_addrs[0].port, 0);
	assert_string_equal(cfg->listen_addrs[1].host, "2001:db8::5");
	assert_int_equal(cfg->listen_addrs[2].port, 2200);
	assert_string_equal(cfg->listen_addrs[3].rdomain, "red");
	/* ::1 x2, 2001:db8::5 x2, 192.0.2.1:2200, 10.0.0.1 x2 */
	assert_int_equal(cfg->nlisten, 7);
	assert_string_equal(cfg->listen[6].rdomain, "red");
	expect_problem(cfg, "bad ListenAddress '[::1'", 7);
	expect_problem(cfg, "bad ListenAddress '192.0.2.1:http'", 8);
	sshd_config_free(cfg);
}

static void test_address_family_inet_narrows_the_default_like_sshd(void **state)
{
	size_t len;
	char *buf = fixture("sshd-T/inet-only.sshd_config", &len);
	struct sshd_config *cfg = sshd_config_new();
	struct sshd_config *dump = parse_dump("sshd-T/inet-only.txt");

	sshd_config_parse(cfg, "/etc/ssh/sshd_config", buf, len, NULL);
	expect_same_listen(cfg, dump);
	assert_string_equal(cfg->listen[0].host, "0.0.0.0");
	free(buf);
	sshd_config_free(cfg);
	sshd_config_free(dump);
}

static void test_maxstartups_is_read_as_sshd_reads_it(void **state)
{
	struct sshd_maxstartups m;

	assert_int_equal(sshd_maxstartups_parse("10:30:100", &m), 0);
	assert_int_equal(m.start, 10);
	assert_int_equal(m.rate, 30);
	assert_int_equal(m.full, 100);
	/* sshd -T: "MaxStartups 7" -> 7:30:7, "10:x:100" -> 10:30:10 */
	assert_int_equal(sshd_maxstartups_parse("7", &m), 0);
	assert_true(m.start == 7 && m.rate == 30 && m.full == 7);
	assert_int_equal(sshd_maxstartups_parse("10:x:100", &m), 0);
	assert_true(m.start == 10 && m.full == 10);
	/* sshd: "Invalid MaxStartups spec." */
	assert_int_equal(sshd_maxstartups_parse("20:30", &m), -1);
	assert_int_equal(sshd_maxstartups_parse("50:30:10", &m), -1);
	assert_int_equal(sshd_maxstartups_parse("10:0:100", &m), -1);
	assert_int_equal(sshd_maxstartups_parse("", &m), -1);
}

static void test_defaults_apply_when_unset(void **state)
{
	struct sshd_config *cfg = parse_text("# nothing\n\n", NULL);

	assert_int_equal(cfg->global.max_auth_tries_n, 6);
	assert_int_equal(cfg->global.max_sessions_n, 10);
	assert_int_equal(cfg->global.max_startups_v.full, 100);
	assert_null(cfg->global.password_authentication.value);
	assert_int_equal(cfg->nlisten, 2);
	assert_string_equal(cfg->listen[0].host, "::");
	assert_int_equal(cfg->listen[1].port, 22);
	sshd_config_free(cfg);
}

static void test_user_allowed_follows_deny_then_allow(void **state)
{
	struct sshd_config *cfg = parse_tree("sshd-config/busy");
	struct strv groups;
	char *why = NULL;

	strv_init(&groups);
	strv_push(&groups, "ssh-users");
	assert_int_equal(sshd_settings_user_allowed(&cfg->global, "mallory", &groups, NULL, "192.0.2.10", &why), 0);
	assert_non_null(why);
	assert_non_null(strstr(why, "DenyUsers"));
	free(why);
	assert_int_equal(sshd_settings_user_allowed(&cfg->global, "zed", &groups, NULL, "192.0.2.10", &why), 0);
	assert_non_null(strstr(why, "not listed in AllowUsers"));
	free(why);
	assert_int_equal(sshd_settings_user_allowed(&cfg->global, "bob", &groups, NULL, "192.0.2.5", NULL), 1);
	if (sshd_settings_user_allowed(&cfg->global, "bob", &groups, NULL, "198.51.100.1", NULL) != 0)
		fail_msg("expected bob from 198.51.100.1 to be refused (AllowUsers bob@192.0.2.*)");
	assert_int_equal(sshd_settings_user_allowed(&cfg->global, "alice", NULL, NULL, "192.0.2.5", NULL), -1);
	strv_release(&groups);
	sshd_config_free(cfg);
}

/* ---- sshd -T ---- */

static void test_dump_gives_ports_listen_and_lists(void **state)
{
	struct sshd_config *cfg = parse_dump("sshd-T/ports-and-listen.txt");

	assert_true(cfg->from_dump);
	assert_int_equal(cfg->nports, 2);
	assert_int_equal(cfg->ports[1].port, 2222);
	assert_int_equal(cfg->nlisten, 3);
	assert_string_equal(cfg->listen[2].host, "::1");
	assert_int_equal(cfg->listen[2].port, 2200);
	assert_int_equal(cfg->global.allow_users.v.n, 2);
	assert_string_equal(cfg->global.allow_users.v.v[1], "bob@192.0.2.*");
	assert_string_equal(cfg->global.permit_root_login.value, "no");
	assert_int_equal(cfg->global.max_startups_v.full, 100);
	assert_int_equal(sshd_setting_bool(&cfg->global.use_pam, 0), 1);
	assert_string_equal(cfg->global.max_startups.at.file, "sshd -T");
	sshd_config_free(cfg);
}

static void test_dump_listenaddress_with_rdomain(void **state)
{
	struct sshd_config *cfg = parse_dump("sshd-T/rdomain.txt");

	assert_int_equal(cfg->nlisten, 2);
	assert_string_equal(cfg->listen[0].host, "127.0.0.1");
	assert_string_equal(cfg->listen[0].rdomain, "red");
	assert_null(cfg->listen[1].rdomain);
	sshd_config_free(cfg);
}

/* ---- sshd -t ---- */

static struct sshd_check check_fixture(const char *name)
{
	struct sshd_check c;
	char rel[256];
	size_t len;
	char *buf;

	snprintf(rel, sizeof(rel), "sshd-t/%s", name);
	buf = fixture(rel, &len);
	sshd_check_init(&c);
	sshd_check_parse(&c, buf, len);
	free(buf);
	return c;
}

static void test_check_bad_option_with_colon_before_line(void **state)
{
	struct sshd_check c = check_fixture("unsupported.stderr");

	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].kind, SSHD_CHECK_CONFIG);
	assert_string_equal(c.v[0].file, "/etc/ssh/sshd_config");
	assert_int_equal(c.v[0].line, 3);
	assert_string_equal(c.v[0].message, "Bad configuration option: Foo");
	assert_int_equal(c.v[1].kind, SSHD_CHECK_SUMMARY);
	assert_string_equal(c.v[1].message, "terminating, 1 bad configuration options");
	assert_ptr_equal(sshd_check_first_fatal(&c), &c.v[0]);
	sshd_check_release(&c);
}

static void test_check_line_without_colon(void **state)
{
	struct sshd_check c = check_fixture("missingarg.stderr");

	assert_int_equal(c.v[0].kind, SSHD_CHECK_CONFIG);
	assert_string_equal(c.v[0].file, "/etc/ssh/sshd_config");
	assert_int_equal(c.v[0].line, 2);
	assert_string_equal(c.v[0].message, "no argument after keyword \"Port\"");
	sshd_check_release(&c);
}

static void test_check_older_forms(void **state)
{
	struct sshd_check c = check_fixture("older-openssh.stderr");

	assert_int_equal(c.n, 4);
	assert_int_equal(c.v[0].line, 12);
	assert_string_equal(c.v[0].message, "Unsupported option Foo");
	assert_int_equal(c.v[1].line, 5);
	assert_string_equal(c.v[1].message, "missing argument.");
	assert_string_equal(c.v[2].file, "/etc/ssh/sshd_config.d/50-cloud-init.conf");
	assert_int_equal(c.v[2].line, 3);
	assert_string_equal(c.v[2].message, "Bad configuration option: Prot");
	sshd_check_release(&c);
}

static void test_check_missing_privsep_directory(void **state)
{
	struct sshd_check c = check_fixture("missing-privsep-dir.stderr");

	assert_int_equal(c.n, 1);
	assert_int_equal(c.v[0].kind, SSHD_CHECK_PRIVSEP_DIR);
	assert_string_equal(c.v[0].path, "/run/sshd");
	assert_null(c.v[0].file);
	assert_ptr_equal(sshd_check_first_fatal(&c), &c.v[0]);
	sshd_check_release(&c);
}

static void test_check_no_hostkeys(void **state)
{
	struct sshd_check c = check_fixture("nohostkey.stderr");

	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].kind, SSHD_CHECK_HOSTKEY);
	assert_string_equal(c.v[0].path, "/etc/ssh/ssh_host_rsa_key");
	assert_int_equal(c.v[1].kind, SSHD_CHECK_NO_HOSTKEYS);
	if (sshd_check_first_fatal(&c) != &c.v[1])
		fail_msg("expected 'no hostkeys available' to be what stops sshd");
	sshd_check_release(&c);
}

static void test_check_match_and_include_messages(void **state)
{
	struct sshd_check c = check_fixture("badmatch.stderr");

	assert_int_equal(c.n, 2);
	assert_int_equal(c.v[0].kind, SSHD_CHECK_OTHER);
	assert_int_equal(c.v[1].kind, SSHD_CHECK_CONFIG);
	assert_int_equal(c.v[1].line, 2);
	assert_string_equal(c.v[1].message, "Bad Match condition");
	sshd_check_release(&c);
	c = check_fixture("loop.stderr");
	assert_int_equal(c.v[0].kind, SSHD_CHECK_INCLUDE_DEPTH);
	sshd_check_release(&c);
}

static void test_check_every_recorded_config_error_names_a_line(void **state)
{
	const char *names[] = { "badaf", "badint", "badopt", "badport", "badyesno", "deprecated",
				"extra", "include", "matchport", "missingarg", "port0",
				"unsupported", "unterminated" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char name[128];
		struct sshd_check c;
		const struct sshd_check_msg *m;

		snprintf(name, sizeof(name), "%s.stderr", names[i]);
		c = check_fixture(name);
		m = sshd_check_first_fatal(&c);
		if (m == NULL || m->kind != SSHD_CHECK_CONFIG || m->line == 0 || m->file == NULL)
			fail_msg("%s: expected a file and line in sshd -t's first message", name);
		sshd_check_release(&c);
	}
}

/* ---- every disagreement with sshd ever found (tests/diff/) -------------- */

static void dump_line(const char *dump, const char *key, char *out, size_t len)
{
	const char *p = dump;
	size_t kl = strlen(key);

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(p + kl + 1, "\n"), p + kl + 1);
			return;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
}

static void every_disagreement_found_with_sshd_stays_fixed(void **state)
{
	char top[1024];
	DIR *dir;
	struct dirent *de;
	size_t cases = 0;

	(void)state;
	snprintf(top, sizeof(top), "%s/server/sshd-config/diff", SSHD_FIXTURES);
	dir = opendir(top);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		char path[1400];
		struct strbuf conf, status, dump;
		struct sshd_config_io io = { NULL, NULL, NULL, 902 };
		struct sshd_config *cfg;
		bool accepted;

		if (strncmp(de->d_name, "seed", 4) != 0)
			continue;
		strbuf_init(&conf);
		strbuf_init(&status);
		strbuf_init(&dump);
		snprintf(path, sizeof(path), "%s/%s/sshd_config", top, de->d_name);
		assert_int_equal(os_read_file(path, 1 << 20, false, &conf), 0);
		snprintf(path, sizeof(path), "%s/%s/sshd-t.status", top, de->d_name);
		assert_int_equal(os_read_file(path, 64, false, &status), 0);
		accepted = atoi(status.buf) == 0;
		cfg = sshd_config_new();
		sshd_config_parse(cfg, "/etc/ssh/sshd_config", conf.buf, conf.len, &io);
		if (accepted != (cfg->nproblems == 0))
			fail_msg("%s: sshd -t %s it, the parser %s%s", de->d_name, accepted ? "accepts" : "rejects",
				 cfg->nproblems ? "rejects it: " : "accepts it", cfg->nproblems ? cfg->problems[0].message : "");
		snprintf(path, sizeof(path), "%s/%s/sshd-T.txt", top, de->d_name);
		if (accepted && os_read_file(path, 1 << 20, false, &dump) == 0) {
			char ms[64], prl[64], mine[64];

			dump_line(dump.buf, "maxstartups", ms, sizeof(ms));
			snprintf(mine, sizeof(mine), "%d:%d:%d", cfg->global.max_startups_v.start,
				 cfg->global.max_startups_v.rate, cfg->global.max_startups_v.full);
			if (ms[0] && strcmp(ms, mine) != 0)
				fail_msg("%s: sshd -T says MaxStartups %s, the parser %s", de->d_name, ms, mine);
			dump_line(dump.buf, "permitrootlogin", prl, sizeof(prl));
			if (prl[0] && cfg->global.permit_root_login.value &&
			    strcmp(prl, cfg->global.permit_root_login.value) != 0 &&
			    !(strstr(prl, "password") && strstr(cfg->global.permit_root_login.value, "password")))
				fail_msg("%s: sshd -T says PermitRootLogin %s, the parser %s", de->d_name, prl,
					 cfg->global.permit_root_login.value);
		}
		sshd_config_free(cfg);
		strbuf_release(&conf);
		strbuf_release(&status);
		strbuf_release(&dump);
		cases++;
	}
	closedir(dir);
	if (cases == 0)
		fail_msg("expected regression cases in %s", top);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_default_listens_on_22_everywhere_like_sshd_T),
		cmocka_unit_test(test_include_without_io_is_reported_not_followed),
		cmocka_unit_test(test_ports_accumulate_with_drop_ins_first),
		cmocka_unit_test(test_listen_list_is_the_cross_product_sshd_T_prints),
		cmocka_unit_test(test_first_value_wins_and_keeps_its_file_and_line),
		cmocka_unit_test(test_allow_users_accumulate_over_lines),
		cmocka_unit_test(test_quotes_equals_and_comments),
		cmocka_unit_test(test_keywords_are_case_insensitive_and_equals_form),
		cmocka_unit_test(test_unknown_keywords_are_errors_removed_ones_warnings),
		cmocka_unit_test(test_match_blocks_are_recorded_with_criteria),
		cmocka_unit_test(test_match_user_and_address_agrees_with_sshd),
		cmocka_unit_test(test_negated_address_in_match_agrees_with_sshd),
		cmocka_unit_test(test_match_allowusers_replaces_global_list_like_sshd),
		cmocka_unit_test(test_unknown_groups_make_group_match_undetermined),
		cmocka_unit_test(test_include_inside_unmatched_block_never_applies),
		cmocka_unit_test(test_include_loop_stops_at_the_depth_limit),
		cmocka_unit_test(test_unreadable_include_is_a_problem_with_its_line),
		cmocka_unit_test(test_mistakes_sshd_refuses_become_problems),
		cmocka_unit_test(test_listen_address_forms),
		cmocka_unit_test(test_address_family_inet_narrows_the_default_like_sshd),
		cmocka_unit_test(test_maxstartups_is_read_as_sshd_reads_it),
		cmocka_unit_test(test_defaults_apply_when_unset),
		cmocka_unit_test(test_user_allowed_follows_deny_then_allow),
		cmocka_unit_test(test_dump_gives_ports_listen_and_lists),
		cmocka_unit_test(test_dump_listenaddress_with_rdomain),
		cmocka_unit_test(test_check_bad_option_with_colon_before_line),
		cmocka_unit_test(test_check_line_without_colon),
		cmocka_unit_test(test_check_older_forms),
		cmocka_unit_test(test_check_missing_privsep_directory),
		cmocka_unit_test(test_check_no_hostkeys),
		cmocka_unit_test(test_check_match_and_include_messages),
		cmocka_unit_test(test_check_every_recorded_config_error_names_a_line),
		cmocka_unit_test(every_disagreement_found_with_sshd_stays_fixed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* assets: the parser of .step and .cause text, the {name} expansion, the
 * built-in set (every step and every cause the design names, complete), and
 * an override folder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/assets.h"
#include "engine/util.h"

#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (got_ == NULL || strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, \
			 got_ ? got_ : "(null)"); \
} while (0)

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define expect_contains(hay, needle, what) do { \
	const char *hay_ = (hay); \
	if (hay_ == NULL || strstr(hay_, (needle)) == NULL) \
		fail_msg("%s: expected it to contain \"%s\", got \"%s\"", (what), (needle), \
			 hay_ ? hay_ : "(null)"); \
} while (0)

/* Parses text (a string literal or buffer of n bytes) and expects success. */
static void parse_ok(struct asset_doc *doc, const char *text, size_t n)
{
	struct strbuf err;

	strbuf_init(&err);
	if (asset_doc_parse(doc, "t.step", text, n, &err) != 0) {
		print_error("expected the text to parse, got error \"%s\"\n", err.buf);
		strbuf_release(&err);
		fail();
	}
	strbuf_release(&err);
}

/* Parses text, expects failure, and leaves the message in err. */
static void parse_fails(const char *name, const char *text, size_t n, struct strbuf *err)
{
	struct asset_doc doc;

	if (asset_doc_parse(&doc, name, text, n, err) == 0) {
		asset_doc_release(&doc);
		fail_msg("expected parsing to fail for %s", name);
	}
	expect_true(doc.nfields == 0 && doc.fields == NULL && doc.name == NULL,
		    "expected the doc to be left empty after a failed parse");
}

/* asset_doc_parse */

static void header_lines_give_trimmed_values(void **state)
{
	static const char text[] = "id: dns\ntitle:   Does the name resolve?  \n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "id"), "dns", "value of 'id'");
	expect_str(asset_doc_get(&doc, "title"), "Does the name resolve?", "value of 'title'");
	expect_str(doc.name, "t.step", "name of the document");
	asset_doc_release(&doc);
}

static void keys_are_lowercased(void **state)
{
	static const char text[] = "ID: dns\nCommand.MacOS: dig\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "id"), "dns", "value of 'ID' looked up as 'id'");
	expect_str(asset_doc_get(&doc, "command.macos"), "dig",
		   "value of 'Command.MacOS' looked up as 'command.macos'");
	expect_true(asset_doc_get(&doc, "ID") == NULL, "expected no field under the uppercase key 'ID'");
	asset_doc_release(&doc);
}

static void a_value_may_hold_colons(void **state)
{
	static const char text[] = "command: nc -zv {addr} {port}: now\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "command"), "nc -zv {addr} {port}: now", "value after the first colon");
	asset_doc_release(&doc);
}

static void sections_run_to_the_next_section(void **state)
{
	static const char text[] =
		"id: x\n"
		"[what]\n"
		"\n"
		"First line.\n"
		"Second line.\n"
		"\n"
		"[Why]\n"
		"Because.\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "what"), "First line.\nSecond line.",
		   "body of [what], trimmed, inner line break kept");
	expect_str(asset_doc_get(&doc, "why"), "Because.", "body of [Why] under the lowercased key 'why'");
	asset_doc_release(&doc);
}

static void a_section_body_may_hold_colons_and_brackets(void **state)
{
	static const char text[] = "[reading]\nkey: value is just text\n[not a section]\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "reading"), "key: value is just text\n[not a section]",
		   "body of [reading]");
	expect_true(asset_doc_get(&doc, "key") == NULL, "expected no header key 'key' inside a section");
	asset_doc_release(&doc);
}

static void a_file_without_final_newline_keeps_its_last_line(void **state)
{
	static const char text[] = "id: x\n[fix]\nrestart it";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "fix"), "restart it", "body of the last section");
	asset_doc_release(&doc);
}

static void crlf_header_lines_give_the_same_values(void **state)
{
	static const char text[] = "id: dns\r\ntitle: T\r\n\r\n[what]\r\nOne.\r\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "id"), "dns", "value of 'id' without the CR");
	expect_str(asset_doc_get(&doc, "title"), "T", "value of 'title' without the CR");
	expect_str(asset_doc_get(&doc, "what"), "One.", "body of [what] after a CRLF section line");
	asset_doc_release(&doc);
}

static void crlf_section_bodies_have_plain_line_breaks(void **state)
{
	/* a file saved on Windows must not put carriage returns on the screen */
	static const char text[] = "[what]\r\nOne.\r\nTwo.\r\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get(&doc, "what"), "One.\nTwo.", "a two-line CRLF body");
	asset_doc_release(&doc);
}

static void comment_lines_in_the_header_are_skipped(void **state)
{
	static const char text[] = "# a comment: with a colon\nid: x\n#title: hidden\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_true(doc.nfields == 1, "expected only the 'id' field, got %zu fields", doc.nfields);
	expect_true(asset_doc_get(&doc, "title") == NULL, "expected a commented-out key to be absent");
	asset_doc_release(&doc);
}

static void a_header_line_without_colon_is_an_error_naming_file_and_line(void **state)
{
	static const char text[] = "id: x\n\ntitle is missing its colon\n";
	struct strbuf err;

	strbuf_init(&err);
	parse_fails("steps/bad.step", text, sizeof(text) - 1, &err);
	expect_contains(err.buf, "steps/bad.step", "the error message");
	expect_contains(err.buf, "line 3", "the error message");
	strbuf_release(&err);
}

static void a_key_with_a_space_is_an_error_naming_the_line(void **state)
{
	static const char text[] = "my key: x\n";
	struct strbuf err;

	strbuf_init(&err);
	parse_fails("c.cause", text, sizeof(text) - 1, &err);
	expect_contains(err.buf, "c.cause: line 1", "the error message");
	strbuf_release(&err);
}

static void a_nul_byte_is_an_error_naming_file_and_line(void **state)
{
	static const char text[] = "id: x\n[what]\nok\nbad\0byte\n";
	struct strbuf err;

	strbuf_init(&err);
	parse_fails("steps/nul.step", text, sizeof(text) - 1, &err);
	expect_contains(err.buf, "steps/nul.step", "the error message");
	expect_contains(err.buf, "line 4", "the error message");
	expect_contains(err.buf, "NUL", "the error message");
	strbuf_release(&err);
}

static void empty_text_gives_an_empty_doc(void **state)
{
	struct asset_doc doc;

	parse_ok(&doc, "", 0);
	expect_true(doc.nfields == 0, "expected no fields, got %zu", doc.nfields);
	expect_true(asset_doc_get(&doc, "id") == NULL, "expected no 'id'");
	asset_doc_release(&doc);
}

/* asset_doc_get_for */

static void get_for_prefers_the_platform_value(void **state)
{
	static const char text[] = "command: nc -zv h 22\ncommand.macos: nc -zv -G 5 h 22\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get_for(&doc, "command", "macos"), "nc -zv -G 5 h 22", "command for macos");
	asset_doc_release(&doc);
}

static void get_for_falls_back_to_the_plain_key(void **state)
{
	static const char text[] = "command: nc -zv h 22\ncommand.macos: nc -zv -G 5 h 22\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_str(asset_doc_get_for(&doc, "command", "debian"), "nc -zv h 22", "command for debian");
	expect_str(asset_doc_get_for(&doc, "command", NULL), "nc -zv h 22", "command for no platform");
	asset_doc_release(&doc);
}

static void get_for_is_null_when_neither_key_exists(void **state)
{
	static const char text[] = "title: x\n";
	struct asset_doc doc;

	parse_ok(&doc, text, sizeof(text) - 1);
	expect_true(asset_doc_get_for(&doc, "command", "rhel") == NULL, "expected NULL for a missing key");
	asset_doc_release(&doc);
}

/* assets_expand */

static const struct asset_var vars[] = {
	{"host", "example.com"},
	{"port", "2222"},
	{"user", NULL},
};

static void expand_fills_in_known_names(void **state)
{
	char *s = assets_expand("ssh -p {port} {host}", vars, 3);

	expect_str(s, "ssh -p 2222 example.com", "expanded text");
	free(s);
}

static void expand_turns_double_brace_into_one(void **state)
{
	char *s = assets_expand("awk '{{print $1}' {host}", vars, 3);

	expect_str(s, "awk '{print $1}' example.com", "expanded text");
	free(s);
}

static void expand_keeps_unknown_names(void **state)
{
	char *s = assets_expand("{nothing} and {host}", vars, 3);

	expect_str(s, "{nothing} and example.com", "expanded text");
	free(s);
}

static void expand_keeps_names_whose_value_is_null(void **state)
{
	char *s = assets_expand("as {user}", vars, 3);

	expect_str(s, "as {user}", "expanded text");
	free(s);
}

static void expand_keeps_an_unclosed_brace(void **state)
{
	char *s = assets_expand("tail {host", vars, 3);

	expect_str(s, "tail {host", "expanded text");
	free(s);
}

static void expand_does_not_match_a_name_by_prefix(void **state)
{
	char *s = assets_expand("{hostname} {hos}", vars, 3);

	expect_str(s, "{hostname} {hos}", "expanded text");
	free(s);
}

/* the built-in set */

static const char *const design_causes[] = {
	"ok", "dns_failure", "host_unreachable", "port_closed", "middlebox_reset",
	"firewall_drop", "firewall_reject", "wrong_port", "not_ssh", "closed_by_server",
	"sshd_not_installed", "sshd_not_running", "sshd_config_error", "listen_address",
	"socket_activation_port", "port_in_use", "local_firewall", "tcp_wrappers",
	"connection_limit", "fail2ban_ban", "selinux_port", "upstream_block",
};

static int builtin_setup(void **state)
{
	struct assets *a = xcalloc(1, sizeof(*a));
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(a, NULL, &err) != 0) {
		print_error("expected the built-in assets to load, got \"%s\"\n", err.buf);
		strbuf_release(&err);
		free(a);
		return -1;
	}
	strbuf_release(&err);
	*state = a;
	return 0;
}

static int builtin_teardown(void **state)
{
	assets_release(*state);
	free(*state);
	return 0;
}

static void builtin_assets_say_they_are_built_in(void **state)
{
	const struct assets *a = *state;

	expect_str(a->origin, "built in", "origin of the built-in assets");
}

static void builtin_client_flow_starts_with_dns_and_has_tcp_connect(void **state)
{
	const struct assets *a = *state;

	expect_true(a->client_flow.n > 0, "expected a non-empty client.flow");
	expect_str(a->client_flow.v[0], "dns", "first step of client.flow");
	expect_true(strv_contains(&a->client_flow, "tcp_connect"), "expected tcp_connect in client.flow");
}

static void every_client_flow_step_has_title_command_and_sections(void **state)
{
	const struct assets *a = *state;
	static const char *const keys[] = {"title", "command", "what", "why", "reading"};

	for (size_t i = 0; i < a->client_flow.n; i++) {
		const char *id = a->client_flow.v[i];
		const struct asset_doc *d = assets_step(a, id);

		expect_true(d != NULL, "expected a .step file with id '%s' (named in client.flow)", id);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *v = asset_doc_get(d, keys[k]);

			expect_true(v != NULL && v[0] != '\0',
				    "expected step '%s' (%s) to have a non-empty '%s'", id, d->name, keys[k]);
		}
	}
}

static void every_server_flow_step_exists(void **state)
{
	const struct assets *a = *state;

	for (size_t i = 0; i < a->server_flow.n; i++)
		expect_true(assets_step(a, a->server_flow.v[i]) != NULL,
			    "expected a .step file with id '%s' (named in server.flow)", a->server_flow.v[i]);
}

static void every_design_cause_has_title_summary_and_fix(void **state)
{
	const struct assets *a = *state;

	for (size_t i = 0; i < sizeof(design_causes) / sizeof(design_causes[0]); i++) {
		const char *id = design_causes[i];
		const struct asset_doc *d = assets_cause(a, id);
		static const char *const keys[] = {"title", "summary", "fix"};

		expect_true(d != NULL, "expected a .cause file with id '%s'", id);
		for (size_t k = 0; k < 3; k++) {
			const char *v = asset_doc_get(d, keys[k]);

			/* SSH answers: nothing to fix */
			if (strcmp(id, "ok") == 0 && strcmp(keys[k], "fix") == 0)
				continue;
			expect_true(v != NULL && v[0] != '\0',
				    "expected cause '%s' (%s) to have a non-empty '%s'", id, d->name, keys[k]);
		}
	}
}

/* A fix command is an action; a check ("nc -w 5", "cat /etc/hosts.allow",
 * "journalctl", "sshd -t", "ss -tlnp") only reports, and belongs in a
 * step's command: shown as the fix, it is typed and nothing changes. */
static const char *fix_is_a_check(const char *cmd)
{
	static const char *const checks[] = {
		"nc ", "cat ", "less ", "grep ", "journalctl", "tail ", "ss ", "netstat", "lsof",
		"ping ", "getent ", "nslookup", "dig ", "host ", "ip route get", "ip addr", "ip -",
		"nmap ", "tcpdump", "sshd -t", "sshd -T", "sshd -G", "ssh -G", "systemctl status",
		"iptables -L", "iptables-save", "nft list", "ufw status", "firewall-cmd --list",
		"firewall-cmd --query", "getenforce", "semanage port -l", "tcpdmatch",
	};
	char one[512];
	const char *p = cmd;

	/* each command of a "a && b" chain, without its sudo */
	while (p != NULL && *p) {
		const char *amp = strstr(p, "&&");
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *c = one;

		snprintf(one, sizeof(one), "%.*s", (int)n, p);
		while (*c == ' ')
			c++;
		if (strncmp(c, "sudo ", 5) == 0)
			c += 5;
		for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			if (strncmp(c, checks[i], strlen(checks[i])) == 0)
				return checks[i];
		p = amp ? amp + 2 : NULL;
	}
	return NULL;
}

static void no_cause_gives_a_check_as_its_fix_command(void **state)
{
	const struct assets *a = *state;

	/* the checker itself */
	assert_non_null(fix_is_a_check("sudo sshd -t -f /etc/ssh/sshd_config"));
	assert_non_null(fix_is_a_check("sudo systemctl restart ssh && sudo ss -tlnp"));
	assert_null(fix_is_a_check("sudo systemctl enable --now ssh"));
	for (size_t i = 0; i < a->ncauses; i++) {
		const struct asset_doc *d = &a->causes[i];

		for (size_t k = 0; k < d->nfields; k++) {
			const char *key = d->fields[k].key, *check;

			if (strncmp(key, "fix_command", 11) != 0 || strcmp(d->fields[k].value, "none") == 0)
				continue;
			if ((check = fix_is_a_check(d->fields[k].value)) != NULL)
				fail_msg("%s: %s \"%s\" is a check (%s...), not a fix: put it in a step's command",
					 d->name, key, d->fields[k].value, check);
		}
	}
}

static void a_step_id_that_does_not_exist_is_not_found(void **state)
{
	const struct assets *a = *state;

	expect_true(assets_step(a, "no_such_step") == NULL, "expected no step 'no_such_step'");
	expect_true(assets_cause(a, "no_such_cause") == NULL, "expected no cause 'no_such_cause'");
}

/* an override folder */

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f == NULL)
		fail_msg("expected to create '%s' for the test", path);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *dir, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
}

/* A temporary folder holding a one-step client flow and one cause. */
static int folder_setup(void **state)
{
	char *dir = xstrdup("/tmp/sshd-test-assets-XXXXXX");
	char path[4096];

	if (mkdtemp(dir) == NULL) {
		free(dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/steps", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/causes", dir);
	mkdir(path, 0700);
	write_file(dir, "client.flow", "# test flow\nhello\n");
	write_file(dir, "steps/hello.step",
		   "id: hello\ntitle: Says hello\ncommand: echo {host}\n[what]\nW\n[why]\nY\n[reading]\nR\n");
	write_file(dir, "causes/ok.cause", "id: ok\ntitle: Fine\nsummary: S\n[fix]\nNothing.\n");
	write_file(dir, "glossary.txt", "SYN: the first packet\n");
	*state = dir;
	return 0;
}

static int folder_teardown(void **state)
{
	char *dir = *state;
	char path[4096];

	remove_file(dir, "client.flow");
	remove_file(dir, "steps/hello.step");
	remove_file(dir, "causes/ok.cause");
	remove_file(dir, "glossary.txt");
	snprintf(path, sizeof(path), "%s/steps", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/causes", dir);
	rmdir(path);
	rmdir(dir);
	free(dir);
	return 0;
}

static void an_override_folder_is_loaded_instead(void **state)
{
	const char *dir = *state;
	struct assets a;
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(&a, dir, &err) != 0)
		fail_msg("expected the folder to load, got \"%s\"", err.buf);
	expect_str(a.origin, dir, "origin of an override folder");
	expect_true(a.client_flow.n == 1, "expected a one-step flow, got %zu steps", a.client_flow.n);
	expect_str(a.client_flow.v[0], "hello", "the flow's step");
	expect_true(assets_step(&a, "hello") != NULL, "expected step 'hello'");
	expect_true(assets_step(&a, "dns") == NULL, "expected no built-in step 'dns' mixed in");
	expect_str(asset_doc_get(assets_cause(&a, "ok"), "fix"), "Nothing.", "fix of cause 'ok'");
	expect_true(a.glossary.n == 1, "expected one glossary entry, got %zu", a.glossary.n);
	assets_release(&a);
	strbuf_release(&err);
}

static void an_override_flow_naming_a_missing_step_is_an_error_naming_it(void **state)
{
	const char *dir = *state;
	struct assets a;
	struct strbuf err;

	write_file(dir, "client.flow", "hello\nmissing_step\n");
	strbuf_init(&err);
	if (assets_load(&a, dir, &err) == 0) {
		assets_release(&a);
		fail_msg("expected a flow naming 'missing_step' to be refused");
	}
	expect_contains(err.buf, "missing_step", "the error message");
	expect_contains(err.buf, "client.flow", "the error message");
	strbuf_release(&err);
}

static void an_override_step_with_a_bad_line_is_an_error_naming_file_and_line(void **state)
{
	const char *dir = *state;
	struct assets a;
	struct strbuf err;

	write_file(dir, "steps/hello.step", "id: hello\ntitle: T\nno colon here\n");
	strbuf_init(&err);
	if (assets_load(&a, dir, &err) == 0) {
		assets_release(&a);
		fail_msg("expected a step with a bad header line to be refused");
	}
	expect_contains(err.buf, "steps/hello.step: line 3", "the error message");
	strbuf_release(&err);
}

static void a_missing_override_folder_is_an_error_naming_it(void **state)
{
	struct assets a;
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(&a, "/nonexistent/sshd-assets", &err) == 0) {
		assets_release(&a);
		fail_msg("expected a missing folder to be refused");
	}
	expect_contains(err.buf, "/nonexistent/sshd-assets", "the error message");
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest parse[] = {
		cmocka_unit_test(header_lines_give_trimmed_values),
		cmocka_unit_test(keys_are_lowercased),
		cmocka_unit_test(a_value_may_hold_colons),
		cmocka_unit_test(sections_run_to_the_next_section),
		cmocka_unit_test(a_section_body_may_hold_colons_and_brackets),
		cmocka_unit_test(a_file_without_final_newline_keeps_its_last_line),
		cmocka_unit_test(crlf_header_lines_give_the_same_values),
		cmocka_unit_test(crlf_section_bodies_have_plain_line_breaks),
		cmocka_unit_test(comment_lines_in_the_header_are_skipped),
		cmocka_unit_test(a_header_line_without_colon_is_an_error_naming_file_and_line),
		cmocka_unit_test(a_key_with_a_space_is_an_error_naming_the_line),
		cmocka_unit_test(a_nul_byte_is_an_error_naming_file_and_line),
		cmocka_unit_test(empty_text_gives_an_empty_doc),
		cmocka_unit_test(get_for_prefers_the_platform_value),
		cmocka_unit_test(get_for_falls_back_to_the_plain_key),
		cmocka_unit_test(get_for_is_null_when_neither_key_exists),
		cmocka_unit_test(expand_fills_in_known_names),
		cmocka_unit_test(expand_turns_double_brace_into_one),
		cmocka_unit_test(expand_keeps_unknown_names),
		cmocka_unit_test(expand_keeps_names_whose_value_is_null),
		cmocka_unit_test(expand_keeps_an_unclosed_brace),
		cmocka_unit_test(expand_does_not_match_a_name_by_prefix),
	};
	const struct CMUnitTest builtin[] = {
		cmocka_unit_test(builtin_assets_say_they_are_built_in),
		cmocka_unit_test(builtin_client_flow_starts_with_dns_and_has_tcp_connect),
		cmocka_unit_test(every_client_flow_step_has_title_command_and_sections),
		cmocka_unit_test(every_server_flow_step_exists),
		cmocka_unit_test(every_design_cause_has_title_summary_and_fix),
		cmocka_unit_test(a_step_id_that_does_not_exist_is_not_found),
		cmocka_unit_test(no_cause_gives_a_check_as_its_fix_command),
	};
	const struct CMUnitTest folder[] = {
		cmocka_unit_test_setup_teardown(an_override_folder_is_loaded_instead,
						folder_setup, folder_teardown),
		cmocka_unit_test_setup_teardown(an_override_flow_naming_a_missing_step_is_an_error_naming_it,
						folder_setup, folder_teardown),
		cmocka_unit_test_setup_teardown(an_override_step_with_a_bad_line_is_an_error_naming_file_and_line,
						folder_setup, folder_teardown),
		cmocka_unit_test(a_missing_override_folder_is_an_error_naming_it),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("asset_doc", parse, NULL, NULL);
	failed += cmocka_run_group_tests_name("built-in assets", builtin, builtin_setup, builtin_teardown);
	failed += cmocka_run_group_tests_name("override folder", folder, NULL, NULL);
	return failed;
}

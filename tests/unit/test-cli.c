/* SPDX-License-Identifier: MIT */
/* cli: the command line of the design, parsed into options: every option,
 * every refusal with a message that names its subject, and ssh error lines
 * pasted with or without quotes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui/cli.h"
#include "tui/fleet.h"
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

#define MAX_ARGS 32

/* One parse: the options, the error, and a writable argv (getopt permutes it). */
struct parse {
	struct options o;
	struct strbuf err;
	int rc;
	int argc;
	char *argv[MAX_ARGS + 2];
};

/* Parses "ssh-doctor" followed by the NULL-terminated words. */
static struct parse *parse_words(const char *first, ...)
{
	struct parse *p = xcalloc(1, sizeof(*p));
	va_list ap;
	const char *w;

	options_init(&p->o);
	strbuf_init(&p->err);
	p->argv[p->argc++] = xstrdup("ssh-doctor");
	va_start(ap, first);
	for (w = first; w != NULL && p->argc <= MAX_ARGS; w = va_arg(ap, const char *))
		p->argv[p->argc++] = xstrdup(w);
	va_end(ap);
	p->argv[p->argc] = NULL;
	p->rc = options_parse(&p->o, p->argc, p->argv, &p->err);
	return p;
}

#define PARSE(...) parse_words(__VA_ARGS__, (const char *)NULL)

static void parse_free(struct parse *p)
{
	options_release(&p->o);
	strbuf_release(&p->err);
	for (int i = 0; i < p->argc; i++)
		free(p->argv[i]);
	free(p);
}

/* Expects the parse to have succeeded. */
static void expect_ok(const struct parse *p)
{
	if (p->rc != 0)
		fail_msg("expected the command line to be accepted, got error \"%s\"", p->err.buf);
	expect_true(p->err.len == 0, "expected no error text on success, got \"%s\"", p->err.buf);
}

/* Expects the parse to have failed with one line mentioning what. */
static void expect_error(const struct parse *p, const char *what)
{
	expect_true(p->rc == -1, "expected the command line to be refused (error about \"%s\")", what);
	expect_contains(p->err.buf, what, "the error message");
	expect_true(strchr(p->err.buf, '\n') == NULL, "expected a one-line error, got \"%s\"", p->err.buf);
}

static int clear_no_color(void **state)
{
	unsetenv("NO_COLOR");
	return 0;
}

/* targets and sides */

static void no_host_means_the_server_side(void **state)
{
	struct parse *p = PARSE(NULL);

	expect_ok(p);
	expect_true(p->o.target.host == NULL, "expected no host");
	expect_true(p->o.side == SIDE_SERVER, "expected the server side without a host, got %s",
		    side_name(p->o.side));
	expect_true(p->o.face == FACE_AUTO, "expected the automatic face");
	parse_free(p);
}

static void a_host_means_the_client_side_on_port_22(void **state)
{
	struct parse *p = PARSE("example.com");

	expect_ok(p);
	expect_str(p->o.target.host, "example.com", "host");
	expect_true(p->o.target.port == 22, "expected port 22, got %d", p->o.target.port);
	expect_true(p->o.side == SIDE_CLIENT, "expected the client side with a host, got %s",
		    side_name(p->o.side));
	parse_free(p);
}

static void user_host_and_port_come_from_the_target(void **state)
{
	struct parse *p = PARSE("alice@example.com:2222");

	expect_ok(p);
	expect_str(p->o.target.user, "alice", "user");
	expect_str(p->o.target.host, "example.com", "host");
	expect_true(p->o.target.port == 2222, "expected port 2222, got %d", p->o.target.port);
	parse_free(p);
}

static void dash_p_sets_the_port(void **state)
{
	struct parse *p = PARSE("-p", "2222", "example.com");

	expect_ok(p);
	expect_true(p->o.target.port == 2222, "expected port 2222, got %d", p->o.target.port);
	expect_true(p->o.target.port_given, "expected port_given after -p");
	parse_free(p);
}

static void long_port_with_equals_sets_the_port(void **state)
{
	struct parse *p = PARSE("--port=2200", "example.com");

	expect_ok(p);
	expect_true(p->o.target.port == 2200, "expected port 2200, got %d", p->o.target.port);
	parse_free(p);
}

static void dash_p_after_the_host_wins_over_host_colon_port(void **state)
{
	struct parse *p = PARSE("example.com:2222", "-p", "2200");

	expect_ok(p);
	expect_str(p->o.target.host, "example.com", "host");
	expect_true(p->o.target.port == 2200, "expected -p 2200 to win over :2222, got %d", p->o.target.port);
	parse_free(p);
}

static void side_server_with_a_host_is_the_server_side(void **state)
{
	struct parse *p = PARSE("--side", "server", "example.com");

	expect_ok(p);
	expect_true(p->o.side == SIDE_SERVER, "expected the server side, got %s", side_name(p->o.side));
	parse_free(p);
}

static void side_client_is_the_client_side(void **state)
{
	struct parse *p = PARSE("--side=client", "example.com");

	expect_ok(p);
	expect_true(p->o.side == SIDE_CLIENT, "expected the client side, got %s", side_name(p->o.side));
	parse_free(p);
}

static void a_bad_side_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("--side", "sideways", "example.com");

	expect_error(p, "sideways");
	parse_free(p);
}

/* faces */

static void batch_selects_the_batch_face(void **state)
{
	struct parse *p = PARSE("--batch", "example.com");

	expect_ok(p);
	expect_true(p->o.face == FACE_BATCH, "expected the batch face");
	parse_free(p);
}

static void json_selects_the_json_face(void **state)
{
	struct parse *p = PARSE("--json", "example.com");

	expect_ok(p);
	expect_true(p->o.face == FACE_JSON, "expected the json face");
	parse_free(p);
}

static void json_wins_over_batch_in_either_order(void **state)
{
	struct parse *p = PARSE("--json", "--batch", "example.com");
	struct parse *q = PARSE("--batch", "--json", "example.com");

	expect_ok(p);
	expect_ok(q);
	expect_true(p->o.face == FACE_JSON, "expected json to win when given before --batch");
	expect_true(q->o.face == FACE_JSON, "expected json to win when given after --batch");
	parse_free(p);
	parse_free(q);
}

/* help, version, other options */

static void dash_h_asks_for_help(void **state)
{
	struct parse *p = PARSE("-h");

	expect_ok(p);
	expect_true(p->o.help, "expected help after -h");
	parse_free(p);
}

static void long_help_asks_for_help_even_with_a_bad_target_after_it(void **state)
{
	struct parse *p = PARSE("--help", "bad host!");

	expect_ok(p);
	expect_true(p->o.help, "expected help after --help");
	parse_free(p);
}

static void dash_capital_v_asks_for_the_version(void **state)
{
	struct parse *p = PARSE("-V");

	expect_ok(p);
	expect_true(p->o.version, "expected version after -V");
	parse_free(p);
}

static void interface_no_capture_and_ascii_are_kept(void **state)
{
	struct parse *p = PARSE("-i", "eth0", "--no-capture", "--ascii", "example.com");

	expect_ok(p);
	expect_str(p->o.interface, "eth0", "interface");
	expect_true(p->o.no_capture, "expected no_capture");
	expect_true(p->o.ascii, "expected ascii");
	parse_free(p);
}

static void an_interface_with_a_slash_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("-i", "../eth0", "example.com");

	expect_error(p, "../eth0");
	parse_free(p);
}

#define SSHD_CONFIG_FIXTURE SSHD_FIXTURES "/server/sshd-config/debian12/sshd_config"

static void sshd_config_is_kept_for_the_server_side(void **state)
{
	struct parse *p = PARSE("--sshd-config", SSHD_CONFIG_FIXTURE);

	expect_ok(p);
	expect_str(p->o.sshd_config, SSHD_CONFIG_FIXTURE, "sshd_config");
	expect_true(p->o.side == SIDE_SERVER, "expected the server side");
	parse_free(p);
}

static void a_missing_sshd_config_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("--sshd-config", "/nonexistent/sshd_config");

	expect_error(p, "/nonexistent/sshd_config");
	expect_contains(p->err.buf, "No such file", "the error");
	parse_free(p);
}

static void an_sshd_config_that_is_no_file_is_an_error(void **state)
{
	struct parse *p = PARSE("--sshd-config", "/");

	expect_error(p, "not a regular file");
	parse_free(p);
}

static void sshd_config_with_the_client_side_is_an_error(void **state)
{
	struct parse *p = PARSE("--side", "client", "--sshd-config", SSHD_CONFIG_FIXTURE, "example.com");

	expect_error(p, "client side");
	parse_free(p);
}

static void from_keeps_each_client_address_once_in_numeric_form(void **state)
{
	struct parse *p = PARSE("--from", "192.0.2.10,2001:DB8::1,192.0.2.10");

	expect_ok(p);
	expect_true(p->o.side == SIDE_SERVER, "expected the server side");
	expect_true(p->o.from.n == 2, "expected two addresses");
	expect_str(p->o.from.v[0], "192.0.2.10", "the first address");
	expect_str(p->o.from.v[1], "2001:db8::1", "the second address, as inet_ntop writes it");
	parse_free(p);
}

static void from_with_a_name_is_an_error_asking_for_the_address(void **state)
{
	struct parse *p = PARSE("--from", "laptop.example");

	expect_error(p, "IP address");
	expect_contains(p->err.buf, "laptop.example", "the error");
	parse_free(p);
}

static void watch_takes_seconds_for_the_server_side(void **state)
{
	struct parse *p = PARSE("--watch", "30");

	expect_ok(p);
	expect_true(p->o.watch == 30, "expected 30 seconds");
	expect_true(p->o.side == SIDE_SERVER, "expected the server side");
	parse_free(p);
	p = PARSE("--watch", "soon");
	expect_error(p, "bad --watch");
	parse_free(p);
	p = PARSE("--watch", "3601");
	expect_error(p, "0 to 3600");
	parse_free(p);
	p = PARSE("--side", "client", "--watch", "5", "example.com");
	expect_error(p, "client side");
	parse_free(p);
}

static void from_with_the_client_side_is_an_error(void **state)
{
	struct parse *p = PARSE("--side", "client", "--from", "192.0.2.10", "example.com");

	expect_error(p, "client side");
	parse_free(p);
}

static void an_unknown_long_option_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("--frobnicate", "example.com");

	expect_error(p, "--frobnicate");
	parse_free(p);
}

static void an_unknown_short_option_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("-z", "example.com");

	expect_error(p, "-z");
	parse_free(p);
}

static void help_with_a_value_says_it_takes_none(void **state)
{
	struct parse *p = PARSE("--help=x");

	expect_error(p, "option '--help' takes no value");
	parse_free(p);
}

static void an_abbreviated_option_with_a_value_it_takes_none_names_it_whole(void **state)
{
	struct parse *p = PARSE("--bat=yes", "example.com");

	expect_error(p, "option '--batch' takes no value");
	parse_free(p);
}

static void every_option_without_a_value_refuses_one(void **state)
{
	static const char *const names[] = {
		"batch", "json", "no-capture", "ascii", "no-color", "no-colour", "version",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *arg = xasprintf("--%s=1", names[i]);
		char *want = xasprintf("option '--%s' takes no value", names[i]);
		struct parse *p = PARSE(arg, "example.com");

		expect_error(p, want);
		parse_free(p);
		free(arg);
		free(want);
	}
}

static void an_ambiguous_abbreviation_names_the_options_it_may_be(void **state)
{
	struct parse *p = PARSE("--no", "example.com");

	expect_error(p, "ambiguous");
	expect_contains(p->err.buf, "--no-capture", "the error message");
	expect_contains(p->err.buf, "--no-color", "the error message");
	parse_free(p);
}

static void an_unknown_letter_after_a_long_option_is_named_as_the_letter(void **state)
{
	struct parse *p = PARSE("--batch", "-zq", "example.com");

	expect_error(p, "unknown option '-z'");
	parse_free(p);
}

static void dash_p_without_a_value_says_it_needs_one(void **state)
{
	struct parse *p = PARSE("example.com", "-p");

	expect_error(p, "needs a value");
	expect_contains(p->err.buf, "-p", "the error message");
	parse_free(p);
}

static void long_replay_without_a_value_says_it_needs_one(void **state)
{
	struct parse *p = PARSE("example.com", "--replay");

	expect_error(p, "needs a value");
	expect_contains(p->err.buf, "--replay", "the error message");
	parse_free(p);
}

/* ports */

static void port_0_is_an_error(void **state)
{
	struct parse *p = PARSE("-p", "0", "example.com");

	expect_error(p, "port");
	expect_contains(p->err.buf, "'0'", "the error message");
	parse_free(p);
}

static void port_70000_is_an_error(void **state)
{
	struct parse *p = PARSE("-p", "70000", "example.com");

	expect_error(p, "70000");
	parse_free(p);
}

static void a_port_of_letters_is_an_error(void **state)
{
	struct parse *p = PARSE("-p", "abc", "example.com");

	expect_error(p, "abc");
	parse_free(p);
}

static void a_bad_port_in_the_target_is_an_error(void **state)
{
	struct parse *p = PARSE("example.com:0");

	expect_error(p, "port");
	parse_free(p);
}

/* several words and pasted lines */

static void two_targets_are_a_fleet_of_the_client_side_in_batch(void **state)
{
	struct parse *p = PARSE("a.example.com", "root@b.example.com:2222");

	expect_ok(p);
	expect_true(p->o.fleet, "expected two HOST arguments to make a fleet");
	expect_true(p->o.targets.n == 2, "expected 2 targets, got %zu", p->o.targets.n);
	expect_str(p->o.targets.v[1].t.host, "b.example.com", "the second target's host");
	expect_true(p->o.targets.v[1].t.port == 2222, "expected port 2222, got %d", p->o.targets.v[1].t.port);
	expect_true(p->o.targets.v[0].line == 0, "an argument has no line number");
	expect_true(p->o.side == SIDE_CLIENT, "expected the client side for a fleet");
	expect_true(p->o.face == FACE_BATCH, "expected several targets to imply batch");
	parse_free(p);
}

static void a_bad_second_target_is_an_error_naming_it(void **state)
{
	struct parse *p = PARSE("a.example.com", "b..example.com");

	expect_error(p, "b..example.com");
	parse_free(p);
}

static void the_port_option_is_the_port_of_fleet_targets_naming_none(void **state)
{
	struct parse *p = PARSE("-p", "2200", "a.example.com", "b.example.com:23", "--json");

	expect_ok(p);
	expect_true(p->o.targets.v[0].t.port == 2200, "expected -p on a target without a port, got %d",
		    p->o.targets.v[0].t.port);
	expect_true(p->o.targets.v[1].t.port == 23, "expected the target's own port, got %d",
		    p->o.targets.v[1].t.port);
	expect_true(p->o.face == FACE_JSON, "--json stays JSON with several targets");
	parse_free(p);
}

static void jobs_must_be_a_number_from_one(void **state)
{
	struct parse *p = PARSE("-j", "0", "a.example.com", "b.example.com");

	expect_error(p, "bad --jobs '0'");
	parse_free(p);
	p = PARSE("--jobs", "32", "a.example.com", "b.example.com");
	expect_ok(p);
	expect_true(p->o.jobs == 32, "expected 32 jobs, got %d", p->o.jobs);
	parse_free(p);
}

static void the_server_side_does_not_go_with_a_fleet(void **state)
{
	struct parse *p = PARSE("--side", "server", "a.example.com", "b.example.com");

	expect_error(p, "--side server examines one machine");
	parse_free(p);
}

/* --targets FILE: each line, its number, comments and blank lines */
static void a_targets_text_keeps_line_numbers_and_skips_comments(void **state)
{
	static const char text[] = "# hosts\r\n\n  web1.example.com\r\n\t# off: web2\nadmin@192.0.2.7:2222\n"
				   "ssh: connect to host db.example.com port 22: Connection timed out";
	struct fleet_list l;
	struct strbuf err;

	fleet_list_init(&l);
	strbuf_init(&err);
	expect_true(fleet_list_parse(&l, text, sizeof(text) - 1, &err) == 0, "parse failed: %s", err.buf);
	expect_true(l.n == 3, "expected 3 targets, got %zu", l.n);
	expect_true(l.v[0].line == 3 && l.v[1].line == 5 && l.v[2].line == 6,
		    "expected lines 3, 5, 6, got %d, %d, %d", l.v[0].line, l.v[1].line, l.v[2].line);
	expect_str(l.v[0].given, "web1.example.com", "the first target as given");
	expect_str(l.v[1].t.user, "admin", "the second target's user");
	expect_str(l.v[2].t.host, "db.example.com", "the pasted line's host");
	expect_true(l.v[2].t.symptom == SYMPTOM_TIMED_OUT, "expected the pasted line's symptom");
	fleet_list_release(&l);
	strbuf_release(&err);
}

static void a_bad_targets_line_is_named_by_its_number(void **state)
{
	static const char text[] = "a.example.com\n\nb.example.com:0\nc.example.com\n";
	struct fleet_list l;
	struct strbuf err;

	fleet_list_init(&l);
	strbuf_init(&err);
	expect_true(fleet_list_parse(&l, text, sizeof(text) - 1, &err) == -1, "expected line 3 to be refused");
	expect_contains(err.buf, "--targets line 3: bad target 'b.example.com:0'", "the error");
	fleet_list_release(&l);
	strbuf_release(&err);
}

static void the_jobs_are_bounded_by_the_open_file_limit(void **state)
{
	expect_true(fleet_jobs(0, 65536) == FLEET_JOBS_DEFAULT, "expected the default with room");
	expect_true(fleet_jobs(32, 1024) == (1024 - FLEET_FDS_SPARE) / FLEET_FDS_PER_JOB,
		    "expected 32 lowered to what 1024 descriptors allow, got %d", fleet_jobs(32, 1024));
	expect_true(fleet_jobs(8, 50) == 1, "expected at least one job, got %d", fleet_jobs(8, 50));
}

static void an_unquoted_pasted_refused_line_is_one_target(void **state)
{
	struct parse *p = PARSE("ssh:", "connect", "to", "host", "example.com", "port", "2222:",
				"Connection", "refused");

	expect_ok(p);
	expect_str(p->o.target.host, "example.com", "host of the pasted line");
	expect_true(p->o.target.port == 2222, "expected port 2222 from the pasted line, got %d",
		    p->o.target.port);
	expect_true(p->o.target.symptom == SYMPTOM_REFUSED, "expected the refused symptom, got %s",
		    symptom_id(p->o.target.symptom));
	expect_true(p->o.side == SIDE_CLIENT, "expected the client side");
	parse_free(p);
}

static void an_unquoted_pasted_line_with_options_first_is_one_target(void **state)
{
	struct parse *p = PARSE("--json", "ssh:", "connect", "to", "host", "192.0.2.2", "port", "22:",
				"Connection", "timed", "out");

	expect_ok(p);
	expect_str(p->o.target.host, "192.0.2.2", "host of the pasted line");
	expect_true(p->o.target.symptom == SYMPTOM_TIMED_OUT, "expected the timed_out symptom, got %s",
		    symptom_id(p->o.target.symptom));
	expect_true(p->o.face == FACE_JSON, "expected the json face");
	parse_free(p);
}

static void a_quoted_line_that_names_no_host_asks_for_the_host(void **state)
{
	struct parse *p = PARSE("kex_exchange_identification: Connection closed by remote host");

	expect_error(p, "host");
	expect_contains(p->err.buf, "paste the next line ssh printed too, \"Connection closed by HOST port PORT\"",
			"the error message");
	parse_free(p);
}

static void a_quoted_reset_line_takes_the_host_after_it(void **state)
{
	struct parse *p = PARSE("kex_exchange_identification: read: Connection reset by peer", "192.0.2.130");

	expect_ok(p);
	expect_str(p->o.target.host, "192.0.2.130", "host given after the line");
	expect_true(p->o.target.symptom == SYMPTOM_RESET, "expected the reset symptom, got %s",
		    symptom_id(p->o.target.symptom));
	parse_free(p);
}

static void an_unquoted_line_that_names_no_host_asks_for_the_host(void **state)
{
	struct parse *p = PARSE("kex_exchange_identification:", "Connection", "closed", "by", "remote", "host");

	expect_error(p, "give the host");
	parse_free(p);
}

static void replay_without_a_host_is_an_error(void **state)
{
	struct parse *p = PARSE("--replay", "capture.pcap");

	expect_error(p, "--replay");
	parse_free(p);
}

static void replay_with_a_host_keeps_the_file(void **state)
{
	struct parse *p = PARSE("--replay", "capture.pcap", "192.0.2.2:2222");

	expect_ok(p);
	expect_str(p->o.replay, "capture.pcap", "replay file");
	expect_str(p->o.target.host, "192.0.2.2", "host");
	parse_free(p);
}

/* colour */

static void no_color_in_the_environment_turns_colour_off(void **state)
{
	struct parse *p;

	setenv("NO_COLOR", "1", 1);
	p = PARSE("example.com");
	unsetenv("NO_COLOR");
	expect_ok(p);
	expect_true(p->o.no_color, "expected no_color with NO_COLOR=1");
	parse_free(p);
}

static void an_empty_no_color_leaves_colour_on(void **state)
{
	struct parse *p;

	setenv("NO_COLOR", "", 1);
	p = PARSE("example.com");
	unsetenv("NO_COLOR");
	expect_ok(p);
	expect_true(!p->o.no_color, "expected colour on with NO_COLOR set but empty (no-color.org)");
	parse_free(p);
}

static void without_no_color_colour_stays_on(void **state)
{
	struct parse *p = PARSE("example.com");

	expect_ok(p);
	expect_true(!p->o.no_color, "expected colour on without NO_COLOR");
	parse_free(p);
}

static void the_no_color_option_turns_colour_off(void **state)
{
	struct parse *p = PARSE("--no-color", "example.com");

	expect_ok(p);
	expect_true(p->o.no_color, "expected no_color after --no-color");
	parse_free(p);
}

/* hostile input */

static char *long_word(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void a_5000_character_target_is_an_error_with_a_short_message(void **state)
{
	char *big = long_word('a', 5000);
	struct parse *p = PARSE(big);

	expect_true(p->rc == -1, "expected a 5000-character target to be refused");
	expect_true(p->err.len > 0 && p->err.len < 300,
		    "expected a short error message, got %zu bytes", p->err.len);
	parse_free(p);
	free(big);
}

static void a_5000_character_option_is_an_error_with_a_short_message(void **state)
{
	char *big = long_word('x', 5000);
	char *opt = xasprintf("--%s", big);
	struct parse *p = PARSE(opt, "example.com");

	expect_true(p->rc == -1, "expected a 5000-character option to be refused");
	expect_true(p->err.len > 0 && p->err.len < 300,
		    "expected a short error message, got %zu bytes", p->err.len);
	parse_free(p);
	free(opt);
	free(big);
}

static void a_5000_character_port_is_an_error_with_a_short_message(void **state)
{
	char *big = long_word('9', 5000);
	struct parse *p = PARSE("-p", big, "example.com");

	expect_true(p->rc == -1, "expected a 5000-digit port to be refused");
	expect_true(p->err.len > 0 && p->err.len < 300,
		    "expected a short error message, got %zu bytes", p->err.len);
	parse_free(p);
	free(big);
}

static void many_pasted_words_over_the_limit_are_an_error(void **state)
{
	char *big = long_word('w', 1000);
	struct parse *p = PARSE("ssh:", big, big, big);

	expect_true(p->rc == -1, "expected a pasted line over the length limit to be refused");
	parse_free(p);
	free(big);
}

static void control_characters_in_an_error_are_made_printable(void **state)
{
	struct parse *p = PARSE("--side", "\x1b[2Jx");

	expect_error(p, "\\x1b[2Jx");
	expect_true(strchr(p->err.buf, '\x1b') == NULL, "expected no raw ESC in the error message");
	parse_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_host_means_the_server_side),
		cmocka_unit_test(a_host_means_the_client_side_on_port_22),
		cmocka_unit_test(user_host_and_port_come_from_the_target),
		cmocka_unit_test(dash_p_sets_the_port),
		cmocka_unit_test(long_port_with_equals_sets_the_port),
		cmocka_unit_test(dash_p_after_the_host_wins_over_host_colon_port),
		cmocka_unit_test(side_server_with_a_host_is_the_server_side),
		cmocka_unit_test(side_client_is_the_client_side),
		cmocka_unit_test(a_bad_side_is_an_error_naming_it),
		cmocka_unit_test(batch_selects_the_batch_face),
		cmocka_unit_test(json_selects_the_json_face),
		cmocka_unit_test(json_wins_over_batch_in_either_order),
		cmocka_unit_test(dash_h_asks_for_help),
		cmocka_unit_test(long_help_asks_for_help_even_with_a_bad_target_after_it),
		cmocka_unit_test(dash_capital_v_asks_for_the_version),
		cmocka_unit_test(interface_no_capture_and_ascii_are_kept),
		cmocka_unit_test(an_interface_with_a_slash_is_an_error_naming_it),
		cmocka_unit_test(an_unknown_long_option_is_an_error_naming_it),
		cmocka_unit_test(sshd_config_is_kept_for_the_server_side),
		cmocka_unit_test(a_missing_sshd_config_is_an_error_naming_it),
		cmocka_unit_test(an_sshd_config_that_is_no_file_is_an_error),
		cmocka_unit_test(sshd_config_with_the_client_side_is_an_error),
		cmocka_unit_test(from_keeps_each_client_address_once_in_numeric_form),
		cmocka_unit_test(from_with_a_name_is_an_error_asking_for_the_address),
		cmocka_unit_test(from_with_the_client_side_is_an_error),
		cmocka_unit_test(watch_takes_seconds_for_the_server_side),
		cmocka_unit_test(an_unknown_short_option_is_an_error_naming_it),
		cmocka_unit_test(help_with_a_value_says_it_takes_none),
		cmocka_unit_test(an_abbreviated_option_with_a_value_it_takes_none_names_it_whole),
		cmocka_unit_test(every_option_without_a_value_refuses_one),
		cmocka_unit_test(an_ambiguous_abbreviation_names_the_options_it_may_be),
		cmocka_unit_test(an_unknown_letter_after_a_long_option_is_named_as_the_letter),
		cmocka_unit_test(dash_p_without_a_value_says_it_needs_one),
		cmocka_unit_test(long_replay_without_a_value_says_it_needs_one),
		cmocka_unit_test(port_0_is_an_error),
		cmocka_unit_test(port_70000_is_an_error),
		cmocka_unit_test(a_port_of_letters_is_an_error),
		cmocka_unit_test(a_bad_port_in_the_target_is_an_error),
		cmocka_unit_test(two_targets_are_a_fleet_of_the_client_side_in_batch),
		cmocka_unit_test(a_bad_second_target_is_an_error_naming_it),
		cmocka_unit_test(the_port_option_is_the_port_of_fleet_targets_naming_none),
		cmocka_unit_test(jobs_must_be_a_number_from_one),
		cmocka_unit_test(the_server_side_does_not_go_with_a_fleet),
		cmocka_unit_test(a_targets_text_keeps_line_numbers_and_skips_comments),
		cmocka_unit_test(a_bad_targets_line_is_named_by_its_number),
		cmocka_unit_test(the_jobs_are_bounded_by_the_open_file_limit),
		cmocka_unit_test(an_unquoted_pasted_refused_line_is_one_target),
		cmocka_unit_test(an_unquoted_pasted_line_with_options_first_is_one_target),
		cmocka_unit_test(a_quoted_line_that_names_no_host_asks_for_the_host),
		cmocka_unit_test(a_quoted_reset_line_takes_the_host_after_it),
		cmocka_unit_test(an_unquoted_line_that_names_no_host_asks_for_the_host),
		cmocka_unit_test(replay_without_a_host_is_an_error),
		cmocka_unit_test(replay_with_a_host_keeps_the_file),
		cmocka_unit_test(no_color_in_the_environment_turns_colour_off),
		cmocka_unit_test(an_empty_no_color_leaves_colour_on),
		cmocka_unit_test(without_no_color_colour_stays_on),
		cmocka_unit_test(the_no_color_option_turns_colour_off),
		cmocka_unit_test(a_5000_character_target_is_an_error_with_a_short_message),
		cmocka_unit_test(a_5000_character_option_is_an_error_with_a_short_message),
		cmocka_unit_test(a_5000_character_port_is_an_error_with_a_short_message),
		cmocka_unit_test(many_pasted_words_over_the_limit_are_an_error),
		cmocka_unit_test(control_characters_in_an_error_are_made_printable),
	};

	return cmocka_run_group_tests(tests, clear_no_color, NULL);
}

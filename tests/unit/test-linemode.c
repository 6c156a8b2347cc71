/* SPDX-License-Identifier: MIT */
/* The line mode: the keys a typed line names, the text of a step and of a
 * packet line on buffers, and whole runs of the flow (a replayed capture
 * file, a literal loopback address) with answers fed through a pipe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "engine/assets.h"
#include "tui/cli.h"
#include "tui/linemode.h"
#include "engine/util.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define expect_contains(hay, needle, what) do { \
	const char *hay_ = (hay); \
	if (hay_ == NULL || strstr(hay_, (needle)) == NULL) \
		fail_msg("%s: expected it to contain \"%s\", got:\n%s", (what), (needle), \
			 hay_ ? hay_ : "(null)"); \
} while (0)

#define RST_PCAP SSHD_FIXTURES "/pcap/rst-en10mb.pcap"

/* Expects every line of text to be at most width columns (ASCII text);
 * a line after a "> " prompt holds the next output too, since a pipe does
 * not echo the answer the way a terminal does. */
static void expect_lines_within(const char *text, int width)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if ((int)n > width && !str_starts_with(p, "> "))
			fail_msg("expected lines of at most %d columns, got %zu: \"%.*s\"", width, n, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* keys */

static void test_keys_are_the_wizards(void **state)
{
	static const struct { const char *line; enum linemode_key key; } rows[] = {
		{"", LM_KEY_NEXT}, {"n", LM_KEY_NEXT}, {"  N ", LM_KEY_NEXT}, {"b", LM_KEY_BACK},
		{"r", LM_KEY_RERUN}, {"d", LM_KEY_DETAILS}, {"?", LM_KEY_HELP}, {"h", LM_KEY_HELP},
		{"s", LM_KEY_SAVE}, {"q", LM_KEY_QUIT}, {"Q", LM_KEY_QUIT}, {"\f", LM_KEY_REPAINT},
		{"x", LM_KEY_UNKNOWN}, {"quit", LM_KEY_UNKNOWN}, {"bb", LM_KEY_UNKNOWN},
		{"a very long line that is no key at all", LM_KEY_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		expect_true(linemode_parse_key(rows[i].line) == rows[i].key,
			    "expected \"%s\" to be key %d, got %d", rows[i].line, (int)rows[i].key,
			    (int)linemode_parse_key(rows[i].line));
}

/* a step and a packet on buffers */

static const char step_text[] =
	"id: tcp_connect\n"
	"title: Does anything answer on the port?\n"
	"command: nc -zv -w 5 {host} {port}\n"
	"[what]\n"
	"We open a TCP connection to port {port} on every address, as ssh does.\n"
	"A TCP connection starts\n"
	"with a SYN packet.\n"
	"[why]\n"
	"This is the exact moment ssh's error comes from.\n"
	"[reading]\n"
	"\"Refused\": nothing listens on port {port} of {host}.\n";

struct step_fixture {
	struct asset_doc doc;
	struct report rep;
	struct report_step step;
};

static int step_setup(void **state)
{
	struct step_fixture *f = xcalloc(1, sizeof(*f));
	struct strbuf err;

	strbuf_init(&err);
	if (asset_doc_parse(&f->doc, "steps/tcp_connect.step", step_text, strlen(step_text), &err) != 0)
		fail_msg("expected the step text to parse: %s", err.buf);
	strbuf_release(&err);
	f->rep.host = "192.0.2.2";
	f->rep.port = 2222;
	f->rep.platform = "debian";
	strv_init(&f->rep.addresses);
	f->rep.steps = &f->step;
	f->rep.nsteps = 1;
	f->step.id = "tcp_connect";
	f->step.title = asset_doc_get(&f->doc, "title");
	f->step.text = &f->doc;
	f->step.command = "nc -zv -w 5 192.0.2.2 2222";
	/* the teaching text as the engine fills it in (report_step) */
	f->step.what = "We open a TCP connection to port 2222 on every address, as ssh does.\n"
		       "A TCP connection starts\nwith a SYN packet.";
	f->step.why = "This is the exact moment ssh's error comes from.";
	f->step.reading = "\"Refused\": nothing listens on port 2222 of 192.0.2.2.";
	f->step.status = STEP_FAIL;
	f->step.summary = "refused: a RST came back from 192.0.2.2";
	f->step.duration_ms = 1500;
	strv_init(&f->step.evidence);
	strv_init(&f->step.details);
	*state = f;
	return 0;
}

static int step_teardown(void **state)
{
	struct step_fixture *f = *state;

	asset_doc_release(&f->doc);
	free(f);
	return 0;
}

static void test_intro_fills_in_and_wraps_the_teaching_text(void **state)
{
	struct step_fixture *f = *state;
	struct strbuf sb;

	strbuf_init(&sb);
	linemode_step_intro(&sb, &f->rep, 0, 40);
	expect_contains(sb.buf, "Step 1 of 1: Does anything answer", "the intro");
	expect_contains(sb.buf, "What we check: We open", "the intro");
	expect_contains(sb.buf, "port 2222", "the intro's what, filled in");
	expect_contains(sb.buf, "Why it matters:", "the intro");
	expect_contains(sb.buf, "You would type: nc -zv -w 5", "the intro");
	expect_true(strstr(sb.buf, "{port}") == NULL, "expected no {port} left in:\n%s", sb.buf);
	expect_lines_within(sb.buf, 40);
	strbuf_reset(&sb);
	linemode_step_intro(&sb, &f->rep, 0, 200);
	expect_contains(sb.buf, "A TCP connection starts with a SYN packet.", "the intro's what, reflowed");
	strbuf_release(&sb);
}

static void test_result_says_the_status_in_words(void **state)
{
	struct step_fixture *f = *state;
	struct strbuf sb;

	strbuf_init(&sb);
	linemode_step_result(&sb, &f->rep, 0, 80);
	expect_true(str_starts_with(sb.buf, "[FAIL] Does anything answer on the port? (1.5 s)\n"),
		    "expected the result to open with the tag, title and duration, got:\n%s", sb.buf);
	expect_contains(sb.buf, "What we saw: refused: a RST came back", "the result");
	expect_contains(sb.buf, "What it means: \"Refused\": nothing listens on port 2222 of 192.0.2.2.",
			"the result");
	expect_lines_within(sb.buf, 80);
	strbuf_release(&sb);
}

static void test_running_step_has_no_meaning_yet(void **state)
{
	struct step_fixture *f = *state;
	struct strbuf sb;

	f->step.status = STEP_RUNNING;
	f->step.summary = NULL;
	strbuf_init(&sb);
	linemode_step_result(&sb, &f->rep, 0, 80);
	expect_true(str_starts_with(sb.buf, "[ .. ] Does anything answer on the port?\n"),
		    "expected a running tag and no duration, got:\n%s", sb.buf);
	expect_true(strstr(sb.buf, "What it means") == NULL, "expected no reading while running:\n%s", sb.buf);
	strbuf_release(&sb);
}

static void test_packet_is_one_line_with_its_time(void **state)
{
	struct report_packet in = {.t_us = 640, .outbound = false,
		.summary = "RST,ACK 192.0.2.130:22 > 192.0.2.10:40312", .step = 0, .ts_us = 0};
	struct report_packet out = {.t_us = 0, .outbound = true,
		.summary = "SYN 192.0.2.10:40312 > 192.0.2.130:22 with a long tail of words", .step = 0, .ts_us = 0};
	struct strbuf sb;

	(void)state;
	strbuf_init(&sb);
	linemode_packet_line(&sb, &in, 80);
	expect_true(strcmp(sb.buf, "  < RST,ACK 192.0.2.130:22 > 192.0.2.10:40312  0.64 ms\n") == 0,
		    "expected the RST line, got \"%s\"", sb.buf);
	strbuf_reset(&sb);
	linemode_packet_line(&sb, &out, 50);
	expect_true(strlen(sb.buf) == 51, "expected 50 columns and a newline, got \"%s\"", sb.buf);
	expect_contains(sb.buf, "...  0.00 ms\n", "the cut packet line");
	expect_true(str_starts_with(sb.buf, "  > SYN"), "expected the outbound arrow, got \"%s\"", sb.buf);
	strbuf_release(&sb);
}

/* whole runs */

struct run_fixture {
	struct assets a;
	struct options o;
	char dir[64];
};

static int run_setup(void **state)
{
	struct run_fixture *f = xcalloc(1, sizeof(*f));
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(&f->a, NULL, &err) != 0)
		fail_msg("expected the built-in assets to load: %s", err.buf);
	strbuf_release(&err);
	options_init(&f->o);
	strcpy(f->dir, "/tmp/test-linemode-XXXXXX");
	expect_true(mkdtemp(f->dir) != NULL, "expected mkdtemp to work");
	*state = f;
	return 0;
}

static int run_teardown(void **state)
{
	struct run_fixture *f = *state;
	char *saved = xasprintf("%s/report.json", f->dir);

	unlink(saved);
	free(saved);
	if (rmdir(f->dir) != 0)
		print_message("could not remove %s\n", f->dir);
	options_release(&f->o);
	assets_release(&f->a);
	free(f);
	return 0;
}

static void parse_args(struct run_fixture *f, int argc, const char *const *args)
{
	char *argv[16];
	struct strbuf err;

	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	strbuf_init(&err);
	if (options_parse(&f->o, argc, argv, &err) != 0)
		fail_msg("expected the options to parse: %s", err.buf);
	strbuf_release(&err);
	/* the walk runs in this process: it must not become nobody */
	f->o.keep_privileges = true;
}

/* Runs the line mode with answers as its input (NULL: not interactive);
 * returns the exit status and the output (the caller frees). */
static int run_with(struct run_fixture *f, const char *answers, char **outp)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int fds[2] = {-1, -1};
	int status;

	expect_true(out != NULL, "expected open_memstream to work");
	if (answers) {
		expect_true(pipe(fds) == 0, "expected a pipe");
		expect_true(write(fds[1], answers, strlen(answers)) == (ssize_t)strlen(answers),
			    "expected the answers to fit in the pipe");
		close(fds[1]);
	}
	status = linemode_run_io(&f->o, &f->a, answers ? fds[0] : -1, out, answers != NULL, 72);
	fclose(out);
	if (answers)
		close(fds[0]);
	expect_lines_within(text, 72);
	*outp = text;
	return status;
}

static void test_replay_runs_to_the_verdict_without_asking(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};
	char *text;
	int status;

	parse_args(f, 4, args);
	status = run_with(f, NULL, &text);
	expect_true(status == 1, "expected exit status 1 (a cause was found), got %d:\n%s", status, text);
	expect_contains(text, "Step 1 of 1:", "the output");
	expect_contains(text, "  > SYN 192.0.2.10:", "the output's packet lines");
	expect_contains(text, "  < RST,ACK 192.0.2.130:22", "the output's packet lines");
	expect_contains(text, "[FAIL] What came back", "the output");
	expect_contains(text, "VERDICT: port_closed (certain)", "the output");
	expect_true(strstr(text, "Enter: next step") == NULL, "expected no prompt without input:\n%s", text);
	free(text);
}

static void test_keys_between_steps_are_answered(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};
	char *text, *verdict;
	int status;

	parse_args(f, 4, args);
	status = run_with(f, "d\n?\nx\nb\n\nb\n\n\n", &text);
	expect_true(status == 1, "expected exit status 1, got %d:\n%s", status, text);
	expect_contains(text, "Enter: next step, b back, r run again, d details, ? help, s save, q quit",
			"the prompt");
	expect_contains(text, "Details of \"What came back", "the answer to d");
	expect_contains(text, "Capture: 2 packets", "the answer to d");
	expect_contains(text, "RST: a reset", "the answer to ? (the glossary)");
	expect_contains(text, "unknown key", "the answer to x");
	expect_contains(text, "this is the first step", "the answer to b on the first step");
	verdict = strstr(text, "VERDICT: port_closed");
	expect_true(verdict != NULL, "expected the verdict after Enter:\n%s", text);
	expect_contains(verdict, "Step 1 of 1: What came back", "the answer to b (the step again)");
	free(text);
}

static void test_eof_goes_on_to_the_end(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};
	char *text;
	int status;

	parse_args(f, 4, args);
	status = run_with(f, "", &text);
	expect_true(status == 1, "expected exit status 1 at the end of input, got %d:\n%s", status, text);
	expect_contains(text, "VERDICT: port_closed", "the output");
	free(text);
}

static void test_save_asks_before_replacing(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};
	char *path = xasprintf("%s/report.json", f->dir);
	char *answers = xasprintf("s\n%s\ns\n%s\nn\nq\n", path, path);
	char *text;
	struct stat st;
	int status;

	parse_args(f, 4, args);
	status = run_with(f, answers, &text);
	expect_true(status == 3, "expected exit status 3 (q before the verdict showed), got %d:\n%s", status, text);
	expect_true(stat(path, &st) == 0 && st.st_size > 0, "expected %s to be saved:\n%s", path, text);
	expect_contains(text, "saved the report to '", "the first save");
	expect_contains(text, "exists. Replace it? (y/N)", "the second save");
	expect_contains(text, "not saved", "the second save, answered n");
	free(text);
	free(answers);
	free(path);
}

static void test_quit_before_the_verdict_is_status_3(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--side", "client", "--no-capture", "127.0.0.1"};
	char *text;
	int status;

	parse_args(f, 5, args);
	status = run_with(f, "r\nq\n", &text);
	expect_true(status == 3, "expected exit status 3 after q at the first step, got %d:\n%s", status, text);
	expect_contains(text, "Step 1 of ", "the output");
	expect_contains(text, " again: ", "the answer to r");
	expect_true(strstr(text, "Step 2 of ") == NULL, "expected no second step after q:\n%s", text);
	expect_contains(text, "quit before the verdict", "the output");
	free(text);
}

/* r at step 2 after the walk went on to step 3 and back: step 3 read what
 * step 2 found, so the walk runs it again when it gets there. */
static void test_run_again_runs_the_later_steps_again(void **state)
{
	struct run_fixture *f = *state;
	static const char *const args[] = {"ssh-doctor", "--side", "client", "--no-capture", "-p", "1",
					   "127.0.0.1"};
	char *text, *after;
	int status;

	parse_args(f, 7, args);
	status = run_with(f, "\n\nb\nr\n\nq\n", &text);
	expect_true(status == 3, "expected exit status 3 after q, got %d:\n%s", status, text);
	after = strstr(text, "Step 2 of 7 again: ");
	expect_true(after != NULL, "expected step 2 to run again:\n%s", text);
	expect_true(strstr(after, "Step 3 of 7 again: ") != NULL,
		    "expected step 3 to run again after step 2 did:\n%s", text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_are_the_wizards),
		cmocka_unit_test_setup_teardown(test_run_again_runs_the_later_steps_again, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_intro_fills_in_and_wraps_the_teaching_text, step_setup, step_teardown),
		cmocka_unit_test_setup_teardown(test_result_says_the_status_in_words, step_setup, step_teardown),
		cmocka_unit_test_setup_teardown(test_running_step_has_no_meaning_yet, step_setup, step_teardown),
		cmocka_unit_test(test_packet_is_one_line_with_its_time),
		cmocka_unit_test_setup_teardown(test_replay_runs_to_the_verdict_without_asking, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_keys_between_steps_are_answered, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_eof_goes_on_to_the_end, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_save_asks_before_replacing, run_setup, run_teardown),
		cmocka_unit_test_setup_teardown(test_quit_before_the_verdict_is_status_3, run_setup, run_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

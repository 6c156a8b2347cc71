/* SPDX-License-Identifier: MIT */
/* wizard on a pseudo-terminal: a replayed capture (nothing is sent, no root
 * needed) walked to its verdict, the exit status of the design for q before
 * and after it and for SIGTERM, the message of a terminal below 80x24, the
 * terminal left as it was, colour only when allowed, ASCII lines on demand,
 * and the start screen checking a target as it is typed (never started). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/assets.h"
#include "tui/cli.h"
#include "tui/wizard.h"

#define RST_PCAP SSHD_FIXTURES "/pcap/rst-en10mb.pcap"

/* One wizard in a child on a pseudo-terminal, and what it wrote. */
struct pty_run {
	pid_t pid;
	int fd;
	struct strbuf out;
	int status;
};

/* Starts the wizard in a child on a cols x rows pseudo-terminal with TERM
 * term, NO_COLOR when no_color, the line speed speed (0: the pty's own,
 * 38400), and the command line args. */
static void pty_start_at(struct pty_run *r, int cols, int rows, const char *term, bool no_color,
			 speed_t speed, int argc, const char *const *args)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};

	memset(r, 0, sizeof(*r));
	strbuf_init(&r->out);
	r->status = -1;
	r->pid = forkpty(&r->fd, NULL, NULL, &ws);
	if (r->pid < 0)
		fail_msg("forkpty: %s", strerror(errno));
	if (r->pid == 0) {
		struct options o;
		struct assets a;
		struct strbuf err;
		char *argv[16];

		setenv("TERM", term, 1);
		if (no_color)
			setenv("NO_COLOR", "1", 1);
		else
			unsetenv("NO_COLOR");
		/* the test runner's handlers are no program's: start as one does */
		signal(SIGTERM, SIG_DFL);
		if (speed) {
			struct termios t;

			if (tcgetattr(STDIN_FILENO, &t) != 0 || cfsetispeed(&t, speed) != 0 ||
			    cfsetospeed(&t, speed) != 0 || tcsetattr(STDIN_FILENO, TCSANOW, &t) != 0)
				_exit(102);
		}
		for (int i = 0; i < argc && i < 15; i++)
			argv[i] = (char *)args[i];
		argv[argc] = NULL;
		options_init(&o);
		strbuf_init(&err);
		if (options_parse(&o, argc, argv, &err) != 0 || assets_load(&a, NULL, &err) != 0)
			_exit(100);
		if (!wizard_possible())
			_exit(101);
		_exit(wizard_run(&o, &a));
	}
}

static void pty_start(struct pty_run *r, int cols, int rows, const char *term, bool no_color,
		      int argc, const char *const *args)
{
	pty_start_at(r, cols, rows, term, no_color, 0, argc, args);
}

/* Reads what the child wrote for up to ms; true as soon as needle shows. */
static bool pty_wait_for(struct pty_run *r, const char *needle, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;

	for (;;) {
		struct pollfd pfd = {.fd = r->fd, .events = POLLIN};
		uint64_t now = now_ms();
		char buf[4096];
		ssize_t n;

		if (needle && strstr(r->out.buf, needle))
			return true;
		if (now >= end)
			return false;
		if (poll(&pfd, 1, (int)(end - now)) <= 0)
			continue;
		n = read(r->fd, buf, sizeof(buf));
		if (n <= 0)
			return needle && strstr(r->out.buf, needle);
		strbuf_add(&r->out, buf, (size_t)n);
	}
}

static void pty_keys(struct pty_run *r, const char *keys)
{
	if (write(r->fd, keys, strlen(keys)) != (ssize_t)strlen(keys))
		fail_msg("cannot type '%s' on the pseudo-terminal", keys);
}

/* Waits (reading all it writes) for the child to end; returns its exit
 * status as a shell shows it (128+N for signal N), or -1 after ms. */
static int pty_finish(struct pty_run *r, int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	int st;

	while (now_ms() < end) {
		pid_t got = waitpid(r->pid, &st, WNOHANG);

		if (got == r->pid) {
			pty_wait_for(r, NULL, 100);   /* what is left in the pipe */
			close(r->fd);
			r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			return r->status;
		}
		pty_wait_for(r, NULL, 50);
	}
	kill(r->pid, SIGKILL);
	waitpid(r->pid, &st, 0);
	close(r->fd);
	return -1;
}

/* Frees the run; a sanitizer's report in the output fails the test. */
static void pty_release(struct pty_run *r)
{
	bool bad = strstr(r->out.buf, "Sanitizer") || strstr(r->out.buf, "runtime error:");

	if (bad) {
		char *s = printable(r->out.buf, r->out.len, true);

		fail_msg("a sanitizer reported in the wizard's output:\n%s", s);
	}
	strbuf_release(&r->out);
}

/* A copy of the output with escape sequences shown as text, for messages. */
static char *shown(const struct pty_run *r)
{
	size_t n = r->out.len > 3000 ? 3000 : r->out.len;

	return printable(r->out.buf + r->out.len - n, n, true);
}

#define expect_seen(r, needle, ms, what) do { \
	if (!pty_wait_for((r), (needle), (ms))) { \
		char *s_ = shown(r); \
		fail_msg("%s: expected \"%s\" on the screen; the last output:\n%s", (what), (needle), s_); \
	} \
} while (0)

static const char *const replay_args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};

static void a_replay_walks_to_its_verdict_and_q_then_exits_1(void **state)
{
	struct pty_run r;
	int st;

	(void)state;
	pty_start(&r, 80, 24, "vt100", false, 4, replay_args);
	expect_seen(&r, "[FAIL]", 10000, "the step's status in words");
	expect_seen(&r, "What we check", 5000, "on a fast line, the panel opens on what we check");
	expect_seen(&r, "< RST,ACK from 192.0.2.130:22", 5000, "the RST in the capture pane");
	pty_keys(&r, "\r");
	expect_seen(&r, "Nothing listens on the port", 5000, "the cause in plain words");
	expect_seen(&r, "$ sudo systemctl", 5000, "the fix command");
	pty_keys(&r, "q");
	st = pty_finish(&r, 10000);
	if (st != 1)
		fail_msg("expected exit status 1 after q on the verdict port_closed, got %d", st);
	pty_release(&r);
}

static void at_9600_baud_the_panel_opens_on_what_was_seen_and_w_shows_why(void **state)
{
	struct pty_run r;
	int st;

	(void)state;
	pty_start_at(&r, 80, 24, "vt100", false, B9600, 4, replay_args);
	/* ncurses sends only what changes: the bar's hint once, then its end */
	expect_seen(&r, " w: what ", 10000, "the panel's bar saying where the rest is");
	expect_seen(&r, "$ tcpdump", 5000, "the command");
	expect_seen(&r, "What we saw", 5000, "what we saw");
	expect_seen(&r, "[FAIL]", 5000, "the result");
	expect_seen(&r, "What it means", 5000, "what a failure means, at once");
	/* the screen is painted; only w brings what we check and why */
	pty_wait_for(&r, NULL, 500);
	if (strstr(r.out.buf, "What we check") != NULL)
		fail_msg("on a slow line the first view must not send what we check before w");
	pty_keys(&r, "w");
	expect_seen(&r, "What we check", 5000, "what we check, after w");
	expect_seen(&r, "PgUp: top", 5000, "the bar saying the way back");
	pty_keys(&r, "q");
	st = pty_finish(&r, 10000);
	if (st != 3)
		fail_msg("expected exit status 3 after q before the verdict, got %d", st);
	pty_release(&r);
}

static void q_before_the_verdict_exits_3(void **state)
{
	struct pty_run r;
	int st;

	(void)state;
	pty_start(&r, 80, 24, "vt220", false, 4, replay_args);
	expect_seen(&r, "Step 1 of 1", 10000, "the step screen");
	pty_keys(&r, "q");
	st = pty_finish(&r, 10000);
	if (st != 3)
		fail_msg("expected exit status 3 (the diagnosis did not finish), got %d", st);
	pty_release(&r);
}

static void a_small_terminal_says_the_size_it_needs_and_q_quits(void **state)
{
	struct pty_run r;
	int st;

	(void)state;
	pty_start(&r, 40, 12, "linux", false, 4, replay_args);
	expect_seen(&r, "stty rows 24 cols 80", 10000, "how to set the size");
	expect_seen(&r, "40x12", 1000, "the size it has");
	pty_keys(&r, "q");
	st = pty_finish(&r, 10000);
	if (st != 3)
		fail_msg("expected exit status 3 after q on a small terminal, got %d", st);
	pty_release(&r);
}

static void sigterm_leaves_the_alternate_screen_and_exits_143(void **state)
{
	struct pty_run r;
	size_t before;
	int st;

	(void)state;
	pty_start(&r, 80, 24, "xterm-256color", false, 4, replay_args);
	expect_seen(&r, "Step 1 of 1", 10000, "the step screen");
	if (strstr(r.out.buf, "\x1b[?1049h") == NULL)
		fail_msg("expected the wizard to enter xterm's alternate screen");
	before = r.out.len;
	kill(r.pid, SIGTERM);
	st = pty_finish(&r, 10000);
	if (st != 143)
		fail_msg("expected exit status 143 (128 + SIGTERM), got %d", st);
	if (strstr(r.out.buf + before, "\x1b[?1049l") == NULL)
		fail_msg("expected the alternate screen to be left after SIGTERM");
	pty_release(&r);
}

static void colour_only_without_no_color(void **state)
{
	struct pty_run r;

	(void)state;
	pty_start(&r, 80, 24, "xterm-256color", false, 4, replay_args);
	expect_seen(&r, "\x1b[31m[FAIL]", 10000, "[FAIL] in red on a colour terminal");
	pty_keys(&r, "q");
	pty_finish(&r, 10000);
	pty_release(&r);

	pty_start(&r, 80, 24, "xterm-256color", true, 4, replay_args);
	expect_seen(&r, "[FAIL]", 10000, "[FAIL] in words");
	pty_keys(&r, "q");
	pty_finish(&r, 10000);
	if (strstr(r.out.buf, "\x1b[31m") || strstr(r.out.buf, "\x1b[32m"))
		fail_msg("expected no colour with NO_COLOR set");
	pty_release(&r);
}

static void ascii_draws_its_lines_with_dashes(void **state)
{
	static const char *const args[] = {"ssh-doctor", "--ascii", "--replay", RST_PCAP,
					   "192.0.2.130"};
	struct pty_run r;

	(void)state;
	/* without --ascii the terminal's own lines are used */
	pty_start(&r, 80, 24, "xterm-256color", false, 4, replay_args);
	expect_seen(&r, " Step 1 of 1 ", 10000, "the step screen");
	pty_keys(&r, "q");
	pty_finish(&r, 10000);
	if (!strstr(r.out.buf, "\x1b(0") && !strstr(r.out.buf, "\xe2\x94\x80"))
		fail_msg("expected line-drawing characters without --ascii");
	pty_release(&r);

	pty_start(&r, 80, 24, "xterm-256color", false, 5, args);
	expect_seen(&r, " Step 1 of 1 ", 10000, "the step screen");
	expect_seen(&r, "------------------------------", 5000, "the panel's bar in ASCII");
	pty_keys(&r, "q");
	pty_finish(&r, 10000);
	/* xterm's way into its line-drawing set, and the same lines in UTF-8 */
	if (strstr(r.out.buf, "\x1b(0") || strstr(r.out.buf, "\xe2\x94\x80"))
		fail_msg("expected no line-drawing characters with --ascii");
	pty_release(&r);
}

static void the_start_screen_checks_the_target_as_it_is_typed(void **state)
{
	static const char *const args[] = {"ssh-doctor", "--side", "client"};
	struct pty_run r;
	int st;

	(void)state;
	pty_start(&r, 80, 24, "vt220", false, 3, args);
	expect_seen(&r, "Where are you?", 10000, "the start screen");
	pty_keys(&r, "192.0.2.130:99999");
	expect_seen(&r, "port must be a number from 1 to 65535", 5000, "a bad port, said at once");
	pty_keys(&r, "\x15ssh: connect to host 192.0.2.130 port 2222: Connection refused");
	expect_seen(&r, "host 192.0.2.130, port 2222; ssh said: Connection refused", 5000,
		    "a pasted ssh line, understood");
	/* nothing is started: Tab leaves the field, q quits */
	pty_keys(&r, "\tq");
	st = pty_finish(&r, 10000);
	if (st != 3)
		fail_msg("expected exit status 3 after q on the start screen, got %d", st);
	pty_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_replay_walks_to_its_verdict_and_q_then_exits_1),
		cmocka_unit_test(at_9600_baud_the_panel_opens_on_what_was_seen_and_w_shows_why),
		cmocka_unit_test(q_before_the_verdict_exits_3),
		cmocka_unit_test(a_small_terminal_says_the_size_it_needs_and_q_quits),
		cmocka_unit_test(sigterm_leaves_the_alternate_screen_and_exits_143),
		cmocka_unit_test(colour_only_without_no_color),
		cmocka_unit_test(ascii_draws_its_lines_with_dashes),
		cmocka_unit_test(the_start_screen_checks_the_target_as_it_is_typed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

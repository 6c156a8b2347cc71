/* SPDX-License-Identifier: MIT */
/* wizard-term: what keeps the wizard's screen its own: stderr collected
 * (printable, line by line) while curses draws, then given back; SIGTERM
 * and SIGHUP reported through a pipe the poll loop watches; no wizard
 * without a terminal that can address its cursor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "tui/wizard-term.h"

#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (got_ == NULL || strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, got_ ? got_ : "(null)"); \
} while (0)

static void stderr_lines_are_collected_and_made_printable(void **state)
{
	struct strv lines;
	int fd;

	(void)state;
	strv_init(&lines);
	fd = term_stderr_capture();
	if (fd < 0)
		fail_msg("expected a pipe for stderr, got %d", fd);
	fprintf(stderr, "libssh: a warning\n\x1b[2Jcleared?\n");
	fflush(stderr);
	term_stderr_drain(&lines);
	term_stderr_restore(&lines);
	if (lines.n != 2)
		fail_msg("expected 2 lines, got %zu", lines.n);
	expect_str(lines.v[0], "libssh: a warning", "a plain line");
	expect_str(lines.v[1], "\\x1b[2Jcleared?", "an escape sequence is shown, not obeyed");
	strv_release(&lines);
}

static void an_unfinished_last_line_is_kept_when_stderr_is_given_back(void **state)
{
	struct strv lines;

	(void)state;
	strv_init(&lines);
	if (term_stderr_capture() < 0)
		fail_msg("expected a pipe for stderr");
	fputs("no newline at the end", stderr);
	fflush(stderr);
	term_stderr_restore(&lines);
	if (lines.n != 1)
		fail_msg("expected 1 line, got %zu", lines.n);
	expect_str(lines.v[0], "no newline at the end", "the unfinished line");
	strv_release(&lines);
}

static void stderr_is_given_back_to_where_it_was(void **state)
{
	struct strv lines;
	int p[2], saved;
	char buf[64] = "";
	ssize_t n;

	(void)state;
	strv_init(&lines);
	/* stderr is a pipe of the test's own, to see what reaches it */
	if (pipe(p) != 0)
		fail_msg("pipe");
	saved = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	if (term_stderr_capture() < 0)
		fail_msg("expected a pipe for stderr");
	fputs("caught\n", stderr);
	fflush(stderr);
	term_stderr_restore(&lines);
	fputs("after\n", stderr);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	expect_str(buf, "after\n", "only what came after the restore reaches the old stderr");
	expect_str(lines.n ? lines.v[0] : NULL, "caught", "what came before was collected");
	strv_release(&lines);
}

static void a_line_that_never_ends_is_cut_so_memory_stays_bounded(void **state)
{
	struct strv lines;
	char chunk[1024];

	(void)state;
	strv_init(&lines);
	memset(chunk, 'x', sizeof(chunk));
	if (term_stderr_capture() < 0)
		fail_msg("expected a pipe for stderr");
	for (int i = 0; i < 8; i++) {
		fwrite(chunk, 1, sizeof(chunk), stderr);
		fflush(stderr);
		term_stderr_drain(&lines);
	}
	term_stderr_restore(&lines);
	if (lines.n < 2)
		fail_msg("8 KiB without a newline must come out in pieces, got %zu", lines.n);
	for (size_t i = 0; i < lines.n; i++)
		if (strlen(lines.v[i]) > 4096 + sizeof(chunk))
			fail_msg("piece %zu is %zu bytes", i, strlen(lines.v[i]));
	strv_release(&lines);
}

static void sigterm_and_sighup_are_reported_through_the_pipe(void **state)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct pollfd pfd;

		term_guard_arm();
		if (term_guard_fd() < 0)
			fail_msg("expected a signal pipe");
		raise(sigs[i]);
		pfd = (struct pollfd){.fd = term_guard_fd(), .events = POLLIN};
		if (poll(&pfd, 1, 1000) != 1)
			fail_msg("signal %d: the pipe did not become readable", sigs[i]);
		if (term_guard_signal() != sigs[i])
			fail_msg("expected signal %d to be reported", sigs[i]);
		term_guard_disarm();
	}
}

/* A handler that was there before the wizard's (a sanitizer's, say). */
static void earlier(int sig)
{
	(void)sig;
	_exit(42);
}

/* Runs crash() in a child whose stdout is a pipe; returns its wait status
 * and what it wrote in out. */
static int crash_child(void (*crash)(void), char *out, size_t n)
{
	int p[2], st = 0;
	pid_t pid;
	ssize_t got;

	if (pipe(p) != 0)
		fail_msg("pipe");
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		/* the test runner catches these itself: start as a program does */
		signal(SIGABRT, SIG_DFL);
		signal(SIGSEGV, earlier);
		term_guard_arm();
		crash();
		_exit(0);
	}
	close(p[1]);
	got = read(p[0], out, n - 1);
	out[got > 0 ? got : 0] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	return st;
}

static void do_abort(void)
{
	abort();
}

static void do_segv(void)
{
	raise(SIGSEGV);
}

static void a_crash_puts_the_terminal_back_then_goes_to_the_earlier_handler(void **state)
{
	char out[64];
	int st;

	(void)state;
	st = crash_child(do_abort, out, sizeof(out));
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGABRT)
		fail_msg("expected death by SIGABRT, got wait status %#x", st);
	expect_str(out, "\r\n", "the leave sequence (here only a new line) was written");
	st = crash_child(do_segv, out, sizeof(out));
	expect_str(out, "\r\n", "SIGSEGV: the terminal was put back first");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
		fail_msg("expected the earlier SIGSEGV handler to run (exit 42), got %#x", st);
}

static void no_wizard_without_a_terminal(void **state)
{
	(void)state;
	/* under ctest stdin is not a terminal */
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		skip();
	if (term_can_address())
		fail_msg("with no terminal on stdin and stdout, the wizard must not start");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stderr_lines_are_collected_and_made_printable),
		cmocka_unit_test(an_unfinished_last_line_is_kept_when_stderr_is_given_back),
		cmocka_unit_test(stderr_is_given_back_to_where_it_was),
		cmocka_unit_test(a_line_that_never_ends_is_cut_so_memory_stays_bounded),
		cmocka_unit_test(sigterm_and_sighup_are_reported_through_the_pipe),
		cmocka_unit_test(a_crash_puts_the_terminal_back_then_goes_to_the_earlier_handler),
		cmocka_unit_test(no_wizard_without_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The wizard's hold on the terminal (see wizard-term.h). Signal handlers
 * use only async-signal-safe calls: write, tcsetattr, dup2, sigaction,
 * raise. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "tui/wizard-term.h"

static struct termios saved_tio;
static bool have_tio;
/* what leaves the full-screen mode, without padding, for the crash handler */
static char leave_seq[256];
static size_t leave_len;
static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;
static int saved_stderr = -1;
static int err_read = -1;
static struct strbuf err_partial;

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NCRASH (sizeof(crash_signals) / sizeof(crash_signals[0]))
/* what handled them before (a sanitizer's report, or the default) */
static struct sigaction crash_old[NCRASH];
static bool crash_armed;

void term_guard_save(void)
{
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
}

/* Appends a terminfo string without its $<n> padding (no tputs in a handler). */
static void add_cap(const char *name)
{
	const char *s = tigetstr(name);

	if (s == NULL || s == (char *)-1)
		return;
	for (; *s && leave_len + 1 < sizeof(leave_seq); s++) {
		if (s[0] == '$' && s[1] == '<') {
			const char *e = strchr(s, '>');

			if (e != NULL) {
				s = e;
				continue;
			}
		}
		leave_seq[leave_len++] = *s;
	}
}

static void restore_now(void)
{
	ssize_t r;

	if (leave_len)
		r = write(STDOUT_FILENO, leave_seq, leave_len);
	r = write(STDOUT_FILENO, "\r\n", 2);
	(void)r;
	if (have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
}

static void on_crash(int sig, siginfo_t *si, void *uctx)
{
	int saved = errno;

	(void)uctx;
	restore_now();
	for (size_t i = 0; i < NCRASH; i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &crash_old[i], NULL);
	errno = saved;
	/* a real fault happens again on return, now in the earlier handler with
	 * its true context; a signal sent by kill() or abort() is sent again */
	if (si == NULL || si->si_code <= 0)
		raise(sig);
}

static void on_quit(int sig)
{
	int saved = errno;
	ssize_t r;

	got_signal = sig;
	if (sig_pipe[1] >= 0)
		r = write(sig_pipe[1], "q", 1);
	(void)r;
	errno = saved;
}

void term_guard_prepare(void)
{
	leave_len = 0;
	add_cap("sgr0");
	add_cap("rmkx");
	add_cap("cnorm");
	add_cap("rmcup");
}

void term_guard_restore(void)
{
	restore_now();
}

void term_guard_arm(void)
{
	struct sigaction sa;

	got_signal = 0;
	term_guard_prepare();
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		sig_pipe[0] = sig_pipe[1] = -1;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit;
	for (size_t i = 0; i < sizeof(quit_signals) / sizeof(quit_signals[0]); i++)
		sigaction(quit_signals[i], &sa, NULL);
	if (crash_armed)
		return;
	sa.sa_sigaction = on_crash;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, &crash_old[i]);
	crash_armed = true;
}

void term_guard_disarm(void)
{
	for (size_t i = 0; i < sizeof(quit_signals) / sizeof(quit_signals[0]); i++)
		signal(quit_signals[i], SIG_DFL);
	for (size_t i = 0; crash_armed && i < NCRASH; i++)
		sigaction(crash_signals[i], &crash_old[i], NULL);
	crash_armed = false;
	if (sig_pipe[0] >= 0) {
		close(sig_pipe[0]);
		close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
}

bool term_can_address(void)
{
	int err = 0;
	const char *cup;
	bool ok;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	if (getenv("TERM") == NULL || setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (char *)-1 && tigetflag("hc") <= 0;
	del_curterm(cur_term);
	return ok;
}

int term_guard_fd(void)
{
	return sig_pipe[0];
}

int term_guard_signal(void)
{
	char buf[16];

	if (sig_pipe[0] >= 0)
		while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
			;
	return got_signal;
}

int term_stderr_capture(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved_stderr < 0 || dup2(p[1], STDERR_FILENO) < 0) {
		close(p[0]);
		close(p[1]);
		if (saved_stderr >= 0)
			close(saved_stderr);
		saved_stderr = -1;
		return -1;
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	err_read = p[0];
	strbuf_init(&err_partial);
	return err_read;
}

/* Moves the complete lines of err_partial into lines; all when flush. */
static void take_lines(struct strv *out, bool flush)
{
	char *nl;

	while ((nl = memchr(err_partial.buf, '\n', err_partial.len)) != NULL) {
		size_t n = (size_t)(nl - err_partial.buf);

		strv_push_owned(out, printable(err_partial.buf, n, true));
		memmove(err_partial.buf, nl + 1, err_partial.len - n - 1);
		err_partial.len -= n + 1;
		err_partial.buf[err_partial.len] = '\0';
	}
	/* a line that never ends is cut, so the list stays bounded in memory */
	if (err_partial.len > 4096 || (flush && err_partial.len)) {
		strv_push_owned(out, printable(err_partial.buf, err_partial.len, true));
		strbuf_reset(&err_partial);
	}
}

void term_stderr_drain(struct strv *out)
{
	char buf[4096];
	ssize_t n;

	if (err_read < 0)
		return;
	while ((n = read(err_read, buf, sizeof(buf))) > 0)
		strbuf_add(&err_partial, buf, (size_t)n);
	take_lines(out, false);
}

void term_stderr_restore(struct strv *out)
{
	if (saved_stderr < 0)
		return;
	term_stderr_drain(out);
	take_lines(out, true);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	if (err_read >= 0) {
		close(err_read);
		err_read = -1;
	}
	strbuf_release(&err_partial);
}

void wizard_term_give_back(void)
{
	struct termios t;
	int err;

	if (isatty(STDOUT_FILENO) && setupterm(NULL, STDOUT_FILENO, &err) == OK) {
		const char *caps[] = {"sgr0", "cnorm", "rmcup"};

		for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
			char *s = tigetstr(caps[i]);

			if (s != NULL && s != (char *)-1)
				putp(s);
		}
		fflush(stdout);
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_lflag |= ICANON | ECHO | ECHOE | ECHOK | ISIG | IEXTEN;
		t.c_iflag |= ICRNL;
		t.c_oflag |= OPOST | ONLCR;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
}

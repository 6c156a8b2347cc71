/* SPDX-License-Identifier: MIT */
/* The one spawner: fork and execve with a fixed argv, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/os/exec.h"

static exec_hook_fn exec_hook;
static void *exec_hook_ctx;

void exec_set_hook(exec_hook_fn fn, void *ctx)
{
	exec_hook = fn;
	exec_hook_ctx = ctx;
}

void exec_result_init(struct exec_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = -1;
	strbuf_init(&r->out);
	strbuf_init(&r->err);
}

void exec_result_release(struct exec_result *r)
{
	strbuf_release(&r->out);
	strbuf_release(&r->err);
}

int exec_find(const char *name, char *path, size_t pathlen)
{
	static const char *const dirs[] = {
		"/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin",
		"/usr/local/bin", "/usr/libexec", "/usr/libexec/ApplicationFirewall",
	};

	if (strchr(name, '/') != NULL)
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct stat st;
		int n = snprintf(path, pathlen, "%s/%s", dirs[i], name);

		if (n < 0 || (size_t)n >= pathlen)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* In the child, between fork and exec: async-signal-safe calls only.
 * A daemon (exec_spawn) gets a session of its own, anything else a process
 * group, so that either can be stopped whole by its id. */
static void child_exec_as(const char *const argv[], int outfd, int errfd, int reportfd, bool session)
{
	static char *const envp[] = {
		"LC_ALL=C", "LANG=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "TERM=dumb", NULL,
	};
	sigset_t none;
	int devnull, e;

	if (session)
		setsid();
	else
		setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
	devnull = open("/dev/null", O_RDONLY);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
		goto fail;
	/* nothing else of ours leaks into the program */
	syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
	execve(argv[0], (char *const *)argv, envp);
fail:
	e = errno;
	(void)!write(reportfd, &e, sizeof(e));
	_exit(127);
}

static void child_exec(const char *const argv[], int outfd, int errfd, int reportfd)
{
	child_exec_as(argv, outfd, errfd, reportfd, false);
}

/* Reads what fd has into sb, up to cap; returns 0 at end of file. */
static int drain(int fd, struct strbuf *sb, size_t cap, bool *truncated)
{
	char buf[8192];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		return (errno == EINTR || errno == EAGAIN) ? 1 : 0;
	if (n == 0)
		return 0;
	if (sb->len < cap) {
		size_t keep = (size_t)n;

		if (keep > cap - sb->len) {
			keep = cap - sb->len;
			*truncated = true;
		}
		strbuf_add(sb, buf, keep);
	} else {
		*truncated = true;
	}
	return 1;
}

int exec_run(const char *const argv[], int timeout_ms, size_t max_output,
	     struct exec_result *r)
{
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, rep[2] = {-1, -1};
	sigset_t all, old;
	uint64_t start = now_ms(), deadline;
	pid_t pid;
	int status, e = 0, rc = 0;
	bool out_open = true, err_open = true;

	if (exec_hook != NULL)
		return exec_hook(exec_hook_ctx, argv, r);
	if (argv == NULL || argv[0] == NULL || argv[0][0] != '/') {
		r->exec_errno = EINVAL;
		return -EINVAL;
	}
	if (timeout_ms <= 0)
		timeout_ms = EXEC_DEFAULT_TIMEOUT_MS;
	if (max_output == 0)
		max_output = EXEC_DEFAULT_MAX_OUTPUT;
	deadline = start + (uint64_t)timeout_ms;
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0 ||
	    pipe2(rep, O_CLOEXEC) != 0) {
		rc = -errno;
		goto out;
	}
	/* no signal handler of ours may run in the child before exec */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec(argv, outp[1], errp[1], rep[1]);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		rc = -errno;
		goto out;
	}
	close(outp[1]);
	close(errp[1]);
	close(rep[1]);
	outp[1] = errp[1] = rep[1] = -1;

	while (out_open || err_open) {
		struct pollfd fds[2];
		uint64_t now = now_ms();
		int n = 0, left;

		if (now >= deadline) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		left = (int)(deadline - now);
		if (out_open)
			fds[n++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		if (err_open)
			fds[n++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
		if (poll(fds, (nfds_t)n, left) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (fds[i].fd == outp[0] && !drain(outp[0], &r->out, max_output, &r->truncated))
				out_open = false;
			else if (fds[i].fd == errp[0] && !drain(errp[0], &r->err, max_output, &r->truncated))
				err_open = false;
		}
	}
	/* the pipes are closed; a program that lingers past the deadline is killed */
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			status = 0;
			break;
		}
		if (now_ms() >= deadline) {
			r->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		poll(NULL, 0, 5);
	}
	if (read(rep[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		r->exec_errno = e;
		r->status = -1;
		rc = -e;
	} else if (WIFEXITED(status)) {
		r->status = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		r->status = -WTERMSIG(status);
	}
out:
	r->duration_ms = now_ms() - start;
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (rep[i] >= 0)
			close(rep[i]);
	}
	return rc;
}

int exec_spawn(const char *const argv[], int out_fd, pid_t *pid_out)
{
	int rep[2] = {-1, -1}, e = 0, rc = 0;
	sigset_t all, old;
	pid_t pid;

	*pid_out = -1;
	if (argv == NULL || argv[0] == NULL || argv[0][0] != '/')
		return -EINVAL;
	if (pipe2(rep, O_CLOEXEC) != 0)
		return -errno;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0)
		child_exec_as(argv, out_fd, out_fd, rep[1], true);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(rep[1]);
	if (pid < 0) {
		rc = -errno;
	} else if (read(rep[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		/* execve failed: the child is gone already, or about to be */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		rc = -e;
	} else {
		*pid_out = pid;
	}
	close(rep[0]);
	return rc;
}

int exec_interactive(const char *const argv[], const char *const envp[], int *status)
{
	sigset_t all, old;
	pid_t pid;
	int st = 0;

	*status = -1;
	if (argv == NULL || argv[0] == NULL || argv[0][0] != '/')
		return -EINVAL;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				signal(s, SIG_DFL);
		syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
		execve(argv[0], (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -errno;
	/* the person's shell: Ctrl-C is for it, not for us */
	{
		struct sigaction ign = {.sa_handler = SIG_IGN}, oint, oquit;

		sigaction(SIGINT, &ign, &oint);
		sigaction(SIGQUIT, &ign, &oquit);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
	}
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
	return 0;
}

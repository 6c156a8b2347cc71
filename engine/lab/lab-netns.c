/* SPDX-License-Identifier: MIT */
/* Entering a sandbox namespace, running our own code there in a child
 * process, and the signals that end the lab. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/lab/lab.h"
#include "engine/os/exec.h"

int lab_netns_enter(const char *name, bool etc, struct strbuf *err)
{
	char path[256];
	DIR *d;
	struct dirent *de;
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		strbuf_addf(err, "cannot open namespace '%s': %s", name, strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET) != 0) {
		strbuf_addf(err, "cannot enter namespace '%s': %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (!etc)
		return 0;
	/* a mount namespace of our own, whose mounts do not go back to the host */
	if (unshare(CLONE_NEWNS) != 0 || mount("", "/", "none", MS_SLAVE | MS_REC, NULL) != 0) {
		strbuf_addf(err, "cannot make a private mount namespace: %s", strerror(errno));
		return -1;
	}
	/* /sys shows the interfaces of the namespace that mounted it */
	if (umount2("/sys", MNT_DETACH) == 0)
		mount(name, "/sys", "sysfs", 0, NULL);
	snprintf(path, sizeof(path), "/etc/netns/%s", name);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char from[512], to[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(from, sizeof(from), "%s/%s", path, de->d_name);
		snprintf(to, sizeof(to), "/etc/%s", de->d_name);
		if (mount(from, to, "none", MS_BIND, NULL) != 0) {
			strbuf_addf(err, "cannot put '%s' over '%s': %s", from, to, strerror(errno));
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* ---- signals ------------------------------------------------------------ */

static volatile sig_atomic_t lab_signal;
static char crash_prefix[16];
static char self_exe[512];

static void on_quit(int sig)
{
	if (lab_signal == 0)
		lab_signal = sig;
}

/* A crash: hand the sandbox to a fresh copy of ourselves, which removes it
 * (execve is async-signal-safe; the pid stays, the mess does not). */
static void (*crash_hook)(void);

void lab_set_crash_hook(void (*fn)(void))
{
	crash_hook = fn;
}

static void on_crash(int sig)
{
	char *const argv[] = {self_exe, "--practice-cleanup", crash_prefix, NULL};
	char *const envp[] = {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};

	if (crash_hook != NULL)
		crash_hook();
	if (crash_prefix[0] != '\0' && self_exe[0] != '\0')
		execve(self_exe, argv, envp);
	signal(sig, SIG_DFL);
	raise(sig);
}

void lab_signals_arm(const struct lab_sandbox *sb)
{
	static const int quit[] = {SIGINT, SIGTERM, SIGHUP};
	static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;
	ssize_t n;

	snprintf(crash_prefix, sizeof(crash_prefix), "%s", sb->prefix);
	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	self_exe[n > 0 ? n : 0] = '\0';
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit;   /* no SA_RESTART: a wait returns EINTR */
	for (size_t i = 0; i < sizeof(quit) / sizeof(quit[0]); i++)
		sigaction(quit[i], &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
}

int lab_interrupted(void)
{
	return lab_signal;
}

void lab_signal_exit(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

/* ---- a child inside a namespace ----------------------------------------- */

int lab_run_in(const struct lab_sandbox *sb, enum lab_host host, int (*fn)(void *ctx), void *ctx)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, oint;
	pid_t pid;
	int st = 0;
	bool sent = false;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct strbuf err;
		int rc;

		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP && s != SIGPIPE)
				signal(s, SIG_DFL);
		strbuf_init(&err);
		if (lab_netns_enter(sb->ns[host], true, &err) != 0) {
			fprintf(stderr, "ssh-doctor: %s\n", err.buf);
			_exit(3);
		}
		strbuf_release(&err);
		rc = fn(ctx);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	/* Ctrl-C is the child's to handle (it restores the terminal); we
	 * notice it when the child ends by it */
	sigaction(SIGINT, &ign, &oint);
	for (;;) {
		pid_t w = waitpid(pid, &st, 0);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (lab_interrupted() && !sent) {
			kill(pid, SIGTERM);
			sent = true;
		}
	}
	sigaction(SIGINT, &oint, NULL);
	if (WIFSIGNALED(st)) {
		if (WTERMSIG(st) == SIGINT)
			on_quit(SIGINT);
		return 128 + WTERMSIG(st);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 130)
		on_quit(SIGINT);   /* the wizard left on Ctrl-C */
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int lab_shell(const struct lab_sandbox *sb, enum lab_host host)
{
	static const char *const prompts[LAB_NHOSTS] = {
		"PS1=[lab-client]\\w# ", "PS1=[lab-router]\\w# ", "PS1=[lab-server]\\w# ",
	};
	char term[128];
	const char *t = getenv("TERM");
	const char *argv[] = {"/usr/sbin/ip", "netns", "exec", sb->ns[host], "/bin/bash", "--norc", "-i", NULL};
	const char *envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", term, prompts[host], NULL};
	char ip[256];
	int status;

	if (exec_find("ip", ip, sizeof(ip)) != 0)
		return -1;
	argv[0] = ip;
	snprintf(term, sizeof(term), "TERM=%s", t && *t ? t : "dumb");
	return exec_interactive(argv, envp, &status) == 0 ? status : -1;
}

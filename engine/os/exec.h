/* SPDX-License-Identifier: MIT */
/* The one place that runs external programs: an absolute path, a fixed argv,
 * no shell, stdin from /dev/null, a clean environment with LC_ALL=C, a
 * deadline after which the process group is killed, and a cap on output. */
#ifndef SSHD_EXEC_H
#define SSHD_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/util.h"

struct exec_result {
	int status;            /* exit status 0..255, or -signal number, or -1 if not run */
	int exec_errno;        /* errno of execve when the program could not start, else 0 */
	bool timed_out;        /* killed at the deadline */
	bool truncated;        /* output beyond the cap was read and thrown away */
	struct strbuf out;     /* standard output, raw bytes (not yet printable) */
	struct strbuf err;     /* standard error, raw bytes */
	uint64_t duration_ms;
};

#define EXEC_DEFAULT_TIMEOUT_MS 5000
#define EXEC_DEFAULT_MAX_OUTPUT (1024 * 1024)

void exec_result_init(struct exec_result *r);
void exec_result_release(struct exec_result *r);

/*
 * Runs argv (argv[0] an absolute path, argv NULL-terminated) and collects its
 * output into r (exec_result_init'ed by the caller). Returns 0 when the
 * program ran (whatever its exit status), or a negative errno when it could
 * not be started at all (r->exec_errno says why: ENOENT, EACCES...).
 * Safe to call from any thread.
 */
int exec_run(const char *const argv[], int timeout_ms, size_t max_output,
	     struct exec_result *r);

/*
 * Starts argv (argv[0] an absolute path) as a daemon: a session and process
 * group of its own (so its group id is its pid), stdin from /dev/null,
 * stdout and stderr to out_fd, the same clean environment as exec_run.
 * Returns 0 with *pid set, or a negative errno when it could not start.
 * The caller stops it (kill(-pid, ...)) and reaps it.
 */
int exec_spawn(const char *const argv[], int out_fd, pid_t *pid);

/*
 * Runs argv on the caller's terminal (stdin, stdout and stderr inherited)
 * with envp, and waits for it: a shell for a person. Ctrl-C and Ctrl-\ go
 * to the program, not to the caller, while it runs. Returns 0 with *status
 * (exit status, or -signal), or a negative errno.
 */
int exec_interactive(const char *const argv[], const char *const envp[], int *status);

/* Finds name in the usual system folders (sbin first); fills path and
 * returns 0, or -1 when it is not installed. No PATH is consulted. */
int exec_find(const char *name, char *path, size_t pathlen);

/* Tests replace the spawner with recorded outputs: while a hook is set,
 * exec_run calls it instead of running anything. NULL restores. */
typedef int (*exec_hook_fn)(void *ctx, const char *const argv[], struct exec_result *r);
void exec_set_hook(exec_hook_fn fn, void *ctx);

#endif

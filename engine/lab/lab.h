/* SPDX-License-Identifier: MIT */
/* The practice lab's sandbox: a client, a router and a server as network
 * namespaces (192.0.2.0/24 and 2001:db8::/32, no default route), a real
 * sshd on the server with its own /etc/ssh through /etc/netns/NAME/, and
 * the fault of a scenario staged inside them. Nothing on the host changes:
 * not its /etc files, its firewall or its services.
 *
 * A sandbox marks what it owns: its names start with a prefix unique to
 * the running process ("sdl" and the pid), and a state file under
 * /run/ssh-doctor-lab/PREFIX/ records each thing before it is made, with
 * the owner's pid and start time. lab_reap_stale() removes the sandboxes
 * whose owner is gone (a SIGKILL, a crash) and only those.
 *
 * Linux only; root only. Programs run through the one spawner
 * (engine/os/exec.c); what runs in our own code inside a namespace (a
 * listener, held connections, a diagnosis) runs in a child process that
 * entered it with lab_netns_enter(). */
#ifndef SSHD_LAB_H
#define SSHD_LAB_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/assets.h"
#include "engine/parse/parse-scenario.h"
#include "engine/util.h"

#define LAB_RUN_DIR "/run/ssh-doctor-lab"
#define LAB_MAX_PROCS 32

/* The sandbox's addresses (the same in every sandbox: each lives in its
 * own namespaces). */
#define LAB_CLIENT_ADDR  "192.0.2.10"
#define LAB_ROUTER_CADDR "192.0.2.1"
#define LAB_ROUTER_SADDR "192.0.2.129"
#define LAB_SERVER_ADDR  "192.0.2.130"
#define LAB_CLIENT_ADDR6 "2001:db8:1::10"
#define LAB_SERVER_ADDR6 "2001:db8:2::130"
#define LAB_DNS_ADDR     "192.0.2.200"   /* no host has it, no route leads there */

struct lab_sandbox {
	char prefix[16];                /* "sdl" + pid */
	char ns[LAB_NHOSTS][24];        /* namespace names */
	char dir[96];                   /* LAB_RUN_DIR/prefix: state, logs */
	pid_t procs[LAB_MAX_PROCS];     /* what we started, each its own group */
	size_t nprocs;
	pid_t sshd;                     /* 0 when stopped or exited */
	bool made;                      /* something exists to tear down */
	int state_fd;
	uint64_t stage_ms, teardown_ms; /* how long the last staging and teardown took */
	const struct lab_scenario *sc;  /* staged now, or NULL */
};

/* Whether the lab can run here; when not, err says why and what to do. */
int lab_check(struct strbuf *err);

/* Fills sb's names for this process; makes nothing. */
void lab_sandbox_init(struct lab_sandbox *sb);

/*
 * Builds the sandbox and stages sc in it. Returns 0, or -1 with err saying
 * which directive (file and line) or which step failed; what was made is
 * then still to be torn down. log gets one line per thing done, for the
 * transcript. sc must outlive the staging.
 */
int lab_sandbox_stage(struct lab_sandbox *sb, const struct lab_scenario *sc, struct strv *log,
		      struct strbuf *err);

/* Stops every process of the sandbox and removes its namespaces, /etc/netns
 * entries and files. Safe to call twice and after a failed staging. */
void lab_sandbox_teardown(struct lab_sandbox *sb);

/*
 * Removes every sandbox under LAB_RUN_DIR whose owner process is gone (or
 * is another process by now); leaves live ones alone. Returns how many it
 * removed; their names go to removed when not NULL.
 */
int lab_reap_stale(struct strv *removed);

/* Removes the sandbox with this prefix whatever its owner: the cleanup a
 * crashed lab hands over to a fresh copy of itself. */
int lab_reap_prefix(const char *prefix);

/* In a child process: enters namespace name (its network, and with etc its
 * own /etc files and /sys, as 'ip netns exec' does). Returns 0 or -1 with
 * err. Call in a process that runs no other thread. */
int lab_netns_enter(const char *name, bool etc, struct strbuf *err);

/* A variable list for the scenario's {client}, {server} ... */
size_t lab_vars(struct asset_var *vars, size_t max);

/*
 * Runs the real ssh from the client namespace against target, as the
 * learner would type it, and returns the last line it printed (the error
 * line; printable; the caller frees), or NULL when it printed nothing.
 * *status gets ssh's exit status. Bounded by a few seconds.
 */
char *lab_ssh_try(const struct lab_sandbox *sb, const char *target, int *status);

/*
 * Runs fn(ctx) in a child process that entered the namespace of host
 * (with its /etc) and waits for it. Returns fn's result (0..255), 128+N
 * when signal N ended the child, or -1 when it could not start. While it
 * waits, lab_interrupted() may end the wait early: the child is then sent
 * SIGTERM and waited for.
 */
int lab_run_in(const struct lab_sandbox *sb, enum lab_host host, int (*fn)(void *ctx), void *ctx);

/* Opens an interactive shell inside the server namespace on the terminal. */
int lab_shell(const struct lab_sandbox *sb, enum lab_host host);

/* Signals: SIGINT, SIGTERM, SIGHUP end the lab cleanly (the caller tears
 * down, then lab_signal_exit()); a crash hands the sandbox to a fresh
 * process that removes it. */
void lab_signals_arm(const struct lab_sandbox *sb);
/* A function the crash handler calls first (async-signal-safe only: it
 * puts the terminal back); NULL for none. */
void lab_set_crash_hook(void (*fn)(void));
int lab_interrupted(void);       /* the signal that came, or 0 */
void lab_signal_exit(int sig);   /* dies by sig, as the shell expects */

#endif

/* SPDX-License-Identifier: MIT */
/* The fix plan: for a cause that can be fixed on this machine, the exact
 * actions that fix it (each an argv for the one spawner, or a whole-file
 * edit shown as a unified diff), with the machine it runs on, the tool
 * that owns what it changes, whether it survives a reboot, and its undo.
 * fix_plan_server and fix_plan_client are pure functions of the facts and
 * the verdict (program paths come from os_find, which tests can hook);
 * engine/fix-apply.c applies a plan. */
#ifndef SSHD_FIX_H
#define SSHD_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/server.h"
#include "engine/util.h"

enum fix_kind {
	FIX_RUN,        /* run argv */
	FIX_EDIT,       /* replace the file path with content (backup first) */
};

/* How a run action is undone when it is not simply undo's argv. */
enum fix_undo_kind {
	FIX_UNDO_ARGV,          /* run undo (empty: cannot be undone, undo_note says why) */
	FIX_UNDO_NFT_HANDLE,    /* delete the nft rule it added, by the handle nft echoed */
	FIX_UNDO_IPT_POSITION,  /* insert the deleted iptables rule back at its position */
	FIX_UNDO_RESTORE,       /* FIX_EDIT: the backup back in place, byte for byte */
};

struct fix_action {
	enum fix_kind kind;
	char *title;            /* one sentence: "start ssh.service" */
	const char *on;         /* "server" or "client" (static) */
	const char *owner;      /* the tool that owns the change: "systemctl",
				 * "ufw", "firewall-cmd", "nft", "iptables",
				 * "fail2ban-client", "sshd_config", "hosts.allow",
				 * "ssh_config" (static) */
	struct strv argv;       /* FIX_RUN: argv[0] absolute */
	struct strv then;       /* FIX_RUN: run after argv, and again after the
				 * undo (firewall-cmd --reload), or empty */
	struct strv files;      /* FIX_RUN: files argv or then rewrites (a rules
				 * save): backed up before, put back by the undo */
	enum fix_undo_kind undo_kind;
	struct strv undo;       /* FIX_UNDO_ARGV: the undo's argv, may be empty */
	char *undo_text;        /* the undo, as a person reads it */
	bool persistent;        /* survives a reboot */
	char *persist_note;     /* when it does not: what to do, or NULL */
	char *check;            /* what shows it worked, as a person reads it */
	bool guarded;           /* may cut a person off: a timed confirmation */
	bool needs_sshd_ok;     /* restarts sshd: only on a configuration sshd -t accepts */
	/* FIX_EDIT */
	char *path;
	char *content;          /* the whole new file */
	size_t content_len;
	char *diff;             /* unified diff of the change, printable */
	bool sshd_config;       /* an sshd configuration file: sshd -t checks it */
	struct strv edit_check; /* argv that must accept the new file before it
				 * is put in place, its last word the file's
				 * path (nft -c -f), or empty */
	char *sshd_main;        /* the main sshd_config that includes path (sshd -t -f) */
	/* FIX_UNDO_NFT_HANDLE: where the rule goes; its handle is learned
	 * when it is added */
	char *nft_table;        /* "inet filter" */
	char *nft_chain;
	long nft_handle;
};

struct fix_plan {
	char *cause;            /* the verdict's cause id */
	const char *on;         /* "server" or "client" */
	bool refused;           /* no plan: why says why and what to look at */
	char *why;
	struct fix_action *v;
	size_t n;
	char *check;            /* what proves it worked, as a person reads it */
	int check_port;         /* the port the re-check asks (client wrong_port:
				 * the one ssh_config now names); 0: the same */
};

void fix_plan_init(struct fix_plan *p);
void fix_plan_release(struct fix_plan *p);

/* The plan for the server verdict v decided from f. Refuses (p->refused,
 * p->why) when v is not certain, when the fix is a person's choice, or
 * when it would let more than the judged clients in. */
void fix_plan_server(const struct server_facts *f, const struct report_verdict *v,
		     struct fix_plan *p);

/* The plan for the client verdict v decided from f for host (as typed) and
 * port; home is the folder whose .ssh/config a wrong_port fix edits. Only
 * what is on this machine: never the remote one. */
void fix_plan_client(const struct client_facts *f, const struct report_verdict *v, const char *host,
		     int port, const char *home, struct fix_plan *p);

/* Splits a fix command as the verdict words it ("sudo A x 'y z' && sudo
 * B") into argvs, one per command, "sudo" dropped and the program found
 * with os_find. Returns 0, or -1 when it holds anything but plain words,
 * single quotes and &&, or a program is not installed (err says which). */
int fix_split_command(const char *cmd, struct strv **argvs, size_t *n, struct strbuf *err);

/* Tests choose the rule set nftables.service loads at boot: conf "" as
 * if it were disabled, a path as if it were enabled and loaded that file,
 * NULL to ask this system again (the default). */
void fix_set_nft_boot(const char *conf);

/* A unified diff of old into new, labelled with path; printable. */
char *fix_diff(const char *path, const char *old, size_t oldlen, const char *new, size_t newlen);

/* The argv of an action as one line ("/usr/bin/systemctl start ssh"). */
char *fix_argv_text(const struct strv *argv);

/* ---- applying a plan (engine/fix-apply.c) ----------------------------------- */

/* What became of one action, for the report and the log. */
struct fix_record {
	char *action;           /* the action's title */
	char *command;          /* what ran ("systemctl start ssh"), or "edit PATH" */
	char *output;           /* its printable output (capped), or NULL */
	char *backup;           /* the backup made before it, or NULL */
	char *undo;             /* how it is undone, as a person reads it */
	char *result;           /* "applied", "failed", "refused", "declined",
				 * "rolled back", "undone", "undo failed" (static) */
	char *note;             /* why, in words, or NULL */
	/* private: what the undo needs */
	bool applied;
	bool existed;           /* FIX_EDIT: the file was there before */
	struct strv backups;    /* FIX_RUN: the backup of each of files ("" none) */
	long nft_handle;
	int ipt_position;
};

struct fix_log {
	struct fix_record *v;   /* one per action reached, in plan order */
	size_t n;
	bool interrupted;       /* SIGINT, SIGTERM or SIGHUP came during the plan */
	int signal;
	bool undone;            /* every applied action was undone */
	char *state;            /* the state the system is in, in words */
};

/* How a face takes part: each may be NULL. ask: apply this action? (NULL:
 * yes); confirm: after a guarded action, is the person still connected
 * (a key within timeout_s; NULL: the re-check after the plan decides);
 * say: a line of progress. */
struct fix_ui {
	void *ctx;
	bool (*ask)(void *ctx, const struct fix_action *a, size_t i, size_t n);
	bool (*confirm)(void *ctx, const struct fix_action *a, int timeout_s, const volatile int *stop);
	void (*say)(void *ctx, const char *line);
	int confirm_timeout;    /* seconds; 0: 60 */
};

void fix_log_init(struct fix_log *l);
void fix_log_release(struct fix_log *l);

/* Applies p's actions in order into l (fix_log_init'ed). SIGINT, SIGTERM
 * and SIGHUP are held while an action runs; one that came, an action that
 * fails, or a guarded change not confirmed undoes every applied action.
 * Returns 0 when every action was applied, 1 when the person declined one
 * (the ones before stay), -1 when the plan was undone (l->state says so). */
int fix_apply(const struct fix_plan *p, const struct fix_ui *ui, struct fix_log *l);

/* Undoes every applied action of l, last first: files put back byte for
 * byte, rules removed by handle or exact text. Returns 0, or -1 when some
 * undo failed (its record says which). */
int fix_undo(const struct fix_plan *p, const struct fix_ui *ui, struct fix_log *l);

/* A face catches SIGINT, SIGTERM and SIGHUP for the whole of a fix (the
 * plan, the diagnosis again, the undo) so that none of them ends it half
 * way: between catch and restore they are only noted, and
 * fix_signals_caught() says which came (0: none). fix_apply notes them
 * the same way while it runs. Nested calls count. */
void fix_signals_catch(void);
int fix_signals_caught(void);
void fix_signals_restore(void);

/* Tests turn the syslog record of each change off (on by default). */
void fix_set_syslog(bool on);

/* The backup file name for path at time t, try n (0 first):
 * PATH.ssh-doctor-YYYYmmddTHHMMSS[-N]. */
char *fix_backup_name(const char *path, long long t, unsigned n);

#endif

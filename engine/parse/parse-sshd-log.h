/* SPDX-License-Identifier: MIT */
/*
 * sshd's log lines that matter to "why can nobody connect": bind failures,
 * what it listens on, TCP wrappers refusals, MaxStartups drops, fatal
 * errors, configuration errors at start, being stopped, and the pre-auth
 * closes that follow a refused login.
 *
 * Pure: the caller gets the text (journalctl, /var/log/auth.log or
 * /var/log/secure, macOS `log show`) and hands it in. Input forms:
 *  - `journalctl -o json`: one JSON object per line; MESSAGE (a string, or
 *    an array of bytes when it was not UTF-8), _PID or SYSLOG_PID,
 *    __REALTIME_TIMESTAMP (microseconds, shown as UTC ISO 8601) and
 *    SYSLOG_IDENTIFIER;
 *  - syslog files: "Nov 22 12:00:01 host sshd[123]: ..." and RFC 3339
 *    "2026-11-22T12:00:01.123456+00:00 host sshd[123]: ...";
 *  - macOS `log show --style syslog`:
 *    "2026-11-22 12:00:01.123456+0100  host sshd[123]: ...".
 * Lines from other programs are skipped, except systemd's about the ssh
 * units (ssh.service, sshd.service, ssh.socket), which say why sshd is
 * not running.
 */
#ifndef SSHD_PARSE_SSHD_LOG_H
#define SSHD_PARSE_SSHD_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util.h"

enum sshd_log_kind {
	SSHD_LOG_OTHER,			/* an sshd line of no special meaning */
	SSHD_LOG_LISTENING,		/* "Server listening on 0.0.0.0 port 22." */
	SSHD_LOG_BIND_FAILED,		/* "Bind to port 22 on 0.0.0.0 failed: Address already in use." */
	SSHD_LOG_NO_BIND,		/* "Cannot bind any address." */
	SSHD_LOG_TCPWRAP_REFUSED,	/* "refused connect from 192.0.2.10 (192.0.2.10)" */
	SSHD_LOG_MAXSTARTUPS,		/* "drop connection #10 from [..]:p on [..]:22 past MaxStartups", throttling */
	SSHD_LOG_CONFIG_ERROR,		/* "/etc/ssh/sshd_config line 12: ..." at start */
	SSHD_LOG_PRIVSEP_DIR,		/* "Missing privilege separation directory: /run/sshd" */
	SSHD_LOG_NO_HOSTKEYS,		/* "sshd: no hostkeys available -- exiting." */
	SSHD_LOG_FATAL,			/* any other "fatal: ..." */
	SSHD_LOG_ERROR,			/* any other "error: ..." */
	SSHD_LOG_TERMINATED,		/* "Received signal 15; terminating." */
	SSHD_LOG_CONNECTION,		/* "Connection from A port P on L port 22" */
	SSHD_LOG_CLOSED_PREAUTH,	/* "Connection closed/reset by ... [preauth]", "Disconnected from ... [preauth]" */
	SSHD_LOG_USER_NOT_ALLOWED,	/* "User x from A not allowed because ..." */
	SSHD_LOG_AUTH_FAILED,		/* "Failed password for ...", "Invalid user ..." */
	SSHD_LOG_TOO_MANY_AUTH,		/* "maximum authentication attempts exceeded ..." */
	SSHD_LOG_ACCEPTED,		/* "Accepted publickey for ..." */
	SSHD_LOG_SERVICE_FAILED,	/* systemd: the ssh unit failed to start or exited */
	SSHD_LOG_SERVICE,		/* systemd: another line about the ssh units */
	SSHD_LOG_KIND_COUNT
};

struct sshd_log_event {
	enum sshd_log_kind kind;
	char *time;		/* as written (journal: UTC ISO 8601), or NULL */
	int pid;		/* 0 when not given */
	char *ident;		/* "sshd", "sshd-session", "systemd"... */
	char *message;		/* the message, printable */
	char *addr;		/* the address it names (client, or bind/listen address), or NULL */
	int port;		/* the port it names, 0 when none */
	char *detail;		/* the reason part ("Address already in use", a fatal's text), or NULL */
	unsigned line;		/* 1-based line of the input */
};

/* Events in input order. Lives inside another struct: _init / _release. */
struct sshd_log {
	struct sshd_log_event *v;
	size_t n;
	size_t alloc;
	unsigned skipped;	/* lines from other programs, headers, blank */
	unsigned bad;		/* lines in none of the known forms */
};

void sshd_log_init(struct sshd_log *log);
void sshd_log_release(struct sshd_log *log);

/*
 * Appends the sshd events of buf to log. sshd_log_parse_journal_json reads
 * `journalctl -o json` lines; sshd_log_parse_syslog reads the syslog and
 * macOS forms; sshd_log_parse takes any mix, line by line ('{' starts a
 * JSON line). All return the number of events added (0 is not an error).
 */
int sshd_log_parse_journal_json(struct sshd_log *log, const char *buf, size_t len);
int sshd_log_parse_syslog(struct sshd_log *log, const char *buf, size_t len);
int sshd_log_parse(struct sshd_log *log, const char *buf, size_t len);

/*
 * Classifies one sshd message (without the "host sshd[pid]: " prefix) and
 * fills ev's kind, addr, port and detail (ev's other fields are left
 * alone; ev->addr and ev->detail must be NULL on entry). Returns the kind.
 */
enum sshd_log_kind sshd_log_classify(const char *msg, struct sshd_log_event *ev);

/* A stable lowercase name for a kind ("bind_failed"...); static storage. */
const char *sshd_log_kind_name(enum sshd_log_kind kind);
/* What a kind means, in words for a person ("sshd could not take its
 * address and port"); a static string. */
const char *sshd_log_kind_text(enum sshd_log_kind kind);

/* The last event of a kind, or NULL; points into log. */
const struct sshd_log_event *sshd_log_last(const struct sshd_log *log, enum sshd_log_kind kind);

/* Appends to log the lines an sshd wrote itself (its -e standard error or
 * -E file): bare messages, one a line, without a syslog prefix, each with
 * pid. Returns how many. */
int sshd_log_parse_own(struct sshd_log *log, const char *buf, size_t len, long pid);

#endif

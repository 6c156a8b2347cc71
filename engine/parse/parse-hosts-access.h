/* SPDX-License-Identifier: MIT */
/*
 * TCP wrappers: /etc/hosts.allow and /etc/hosts.deny, read and judged the
 * way libwrap's hosts_access() does (hosts_access(5), hosts_options(5), as
 * Debian's tcp-wrappers 7.6.q builds it: with options, IPv6, wildcards and
 * /len prefixes).
 *
 * Order: hosts.allow first, first matching rule wins; then hosts.deny; no
 * match in either means allowed. A matching rule's options may turn the
 * answer around: "deny" in hosts.allow refuses, "allow" in hosts.deny
 * admits, "twist" replaces the daemon (for sshd: the client never gets
 * SSH), "user" other than root leaves sshd unable to work, and a broken
 * option list refuses (libwrap jumps to "deny").
 *
 * A line libwrap cannot read whole (the last line without a newline, a line
 * over 2047 bytes) ends the reading of its table with an error, as Debian's
 * libwrap does: the rules before it still count; a client that reaches it
 * goes on to hosts.deny from hosts.allow, and is refused in hosts.deny.
 * (Checked against tcpdmatch by tests/diff/.)
 *
 * Pure: a "/path" pattern reads its file through a callback; nothing else
 * touches the system. Things that need the system are not looked up:
 *  - @netgroup patterns never match here (NIS is not consulted): a note says so;
 *  - user@host needs an ident (RFC 931) answer: the user is taken as
 *    "unknown" unless the caller gives one, as when identd does not answer;
 *  - the client's host name, and whether it agrees with its address
 *    (PARANOID), are the caller's to give; without a name, name patterns
 *    (.example.com, LOCAL, KNOWN) cannot match, as in libwrap when the
 *    reverse lookup fails.
 */
#ifndef SSHD_PARSE_HOSTS_ACCESS_H
#define SSHD_PARSE_HOSTS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util.h"

/* Reads path into out (strbuf_init'ed, empty). Returns 0 or a negative errno. */
typedef int (*hosts_read_fn)(void *ctx, const char *path, struct strbuf *out);

struct hosts_rule {
	unsigned line;		/* first physical line of the rule (1-based) */
	char *text;		/* the rule with continuations joined, printable */
	char *daemons;		/* the daemon list, raw */
	char *clients;		/* the client list, raw */
	char *options;		/* after the second ':', or NULL */
};

struct hosts_warning {
	unsigned line;
	char *message;
};

/* One file. Lives inside another struct: _init / _release. */
struct hosts_table {
	char *file;		/* the name given to parse, e.g. "/etc/hosts.allow" */
	struct hosts_rule *rules;
	size_t n;
	struct hosts_warning *warnings;	/* lines libwrap skips, with why */
	size_t nwarnings;
	/* A line libwrap cannot read whole ends the table there: rules from
	 * index error_at on are never reached. error_at == n and error_line 0
	 * when there is none. */
	size_t error_at;
	unsigned error_line;
	/*
	 * Set by the caller when the file exists but cannot be read. libwrap
	 * then counts the table as matching: an unreadable hosts.allow admits
	 * everyone, an unreadable hosts.deny refuses everyone.
	 */
	bool unreadable;
};

void hosts_table_init(struct hosts_table *t);
void hosts_table_release(struct hosts_table *t);

/*
 * Parses one hosts.allow or hosts.deny text into t (hosts_table_init'ed),
 * named file in messages. Returns 0, or -1 when t was already filled.
 * Lines libwrap would skip (no ':' separator, longer than 2047 bytes, the
 * last line without a newline) are warnings and not rules.
 */
int hosts_table_parse(struct hosts_table *t, const char *file, const char *buf, size_t len);

/* Who is asking. Only daemon and addr are needed. */
struct hosts_client {
	const char *daemon;	/* "sshd" */
	const char *addr;	/* the client's address: "192.0.2.10", "2001:db8::1" */
	const char *name;	/* its verified host name, or NULL (unknown) */
	bool name_mismatch;	/* the name does not map back to addr: PARANOID */
	const char *user;	/* from ident, or NULL (unknown) */
	const char *server_addr;	/* for daemon@host patterns, or NULL */
	const char *server_name;
	/* Whether a group name exists (the "group" option and "user U.G"), or
	 * NULL: taken as existing. */
	bool (*group_exists)(const char *name);
};

enum hosts_decided_by {
	HOSTS_BY_DEFAULT,	/* no rule matched: allowed */
	HOSTS_BY_ALLOW,		/* a rule in the allow table */
	HOSTS_BY_DENY,		/* a rule in the deny table */
};

/* The answer. Lives inside another struct: _init / _release. */
struct hosts_verdict {
	bool allowed;
	enum hosts_decided_by by;
	const struct hosts_table *table;	/* the deciding table, or NULL; points at the caller's */
	const struct hosts_rule *rule;		/* the deciding rule, or NULL; points into table */
	char *reason;		/* one sentence naming file, line and rule */
	struct strv notes;	/* limits met on the way (netgroups, ident, bad masks...) */
};

void hosts_verdict_init(struct hosts_verdict *v);
void hosts_verdict_release(struct hosts_verdict *v);

/*
 * Judges client against allow then deny (either may be NULL: no such
 * file). read_file (may be NULL) serves "/path" patterns. Fills out
 * (hosts_verdict_init'ed; released and refilled if used before). Returns
 * 0, or -1 when client->daemon or client->addr is missing.
 */
/*
 * True when a rule of t could need the client's host name: a name or
 * domain pattern, KNOWN, UNKNOWN, PARANOID, LOCAL, or a pattern file (which
 * may hold names). Without such a rule the name is never looked up, as in
 * libwrap, which asks for it only when a pattern needs it.
 */
bool hosts_table_needs_names(const struct hosts_table *t);

int hosts_access_evaluate(const struct hosts_table *allow, const struct hosts_table *deny,
			  const struct hosts_client *client, hosts_read_fn read_file, void *ctx,
			  struct hosts_verdict *out);

#endif

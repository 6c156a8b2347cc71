/* SPDX-License-Identifier: MIT */
/* What the person asked us to diagnose: parsed from the command line's
 * [[USER@]HOST[:PORT]], an ssh:// URL, a bracketed IPv6 literal, or the very
 * error line ssh printed, pasted whole. */
#ifndef SSHD_TARGET_H
#define SSHD_TARGET_H

#include <stdbool.h>

/* What ssh said went wrong, when the person pasted its error line. */
enum symptom {
	SYMPTOM_NONE = 0,          /* nothing pasted */
	SYMPTOM_REFUSED,           /* "Connection refused" */
	SYMPTOM_TIMED_OUT,         /* "Connection timed out" / "Operation timed out" */
	SYMPTOM_NO_ROUTE,          /* "No route to host" */
	SYMPTOM_NET_UNREACHABLE,   /* "Network is unreachable" */
	SYMPTOM_RESOLVE,           /* "Could not resolve hostname H: ..." */
	SYMPTOM_CLOSED,            /* "kex_exchange_identification: Connection closed by remote host",
	                            * "Connection closed by H port P" */
	SYMPTOM_RESET,             /* "kex_exchange_identification: read: Connection reset by peer",
	                            * "Connection reset by H port P" */
};

struct target {
	char *user;          /* NULL when not given */
	char *host;          /* NULL means: this machine, as the server (no HOST) */
	int port;            /* 1..65535 */
	bool port_given;     /* -p, HOST:PORT, or a port in the pasted line */
	enum symptom symptom;
	char *symptom_text;  /* the pasted line, made printable; NULL when none */
};

enum target_error {
	TARGET_OK = 0,
	TARGET_EMPTY_HOST = -1,
	TARGET_BAD_PORT = -2,        /* not a number, 0, or above 65535 */
	TARGET_BAD_IPV6 = -3,        /* malformed bracketed literal */
	TARGET_CONTROL_CHARS = -4,   /* control or non-printable bytes */
	TARGET_TOO_LONG = -5,        /* argument over TARGET_MAX_ARG bytes, or host over 253 */
	TARGET_BAD_HOST = -6,        /* characters that cannot be in a host name or address */
	TARGET_BAD_USER = -7,
	TARGET_BAD_URL = -8,         /* ssh:// with a path, query or other scheme */
	TARGET_UNKNOWN_LINE = -9,    /* looks like an error line, but not one we know */
};

#define TARGET_MAX_ARG 1024

/* Sets every field to its empty value (port 22). */
void target_init(struct target *t);
void target_release(struct target *t);

/*
 * Parses one command-line argument into t (which must be target_init'ed).
 * Accepts: host, user@host, host:port, user@host:port, [v6]:port, bare v6
 * (2001:db8::1, no port then), ssh://[user@]host[:port][/], and ssh's
 * pasted error lines ("ssh: connect to host H port P: Connection refused",
 * "ssh: Could not resolve hostname H: Name or service not known", ...).
 * Returns TARGET_OK or a negative enum target_error; on error t is unchanged.
 * A host is validated, not resolved.
 *
 * On success t's previous contents are freed and replaced by exactly what
 * arg says; fields it does not name get their target_init values, so apply
 * -p with target_set_port after target_parse (as in ssh, -p wins over a
 * port in the argument). White space around arg (a pasted line's newline)
 * is ignored; control bytes, DEL and invalid UTF-8 anywhere are refused.
 * Hosts are ASCII names (labels of letters, digits, '-' and '_', at most
 * 63 each and 253 in all, not starting with '-'), whole IPv4 addresses or
 * IPv6 literals, optionally with a %zone. An argument starting "ssh:" that
 * is not "ssh:PORT" (host "ssh") is read as an error line.
 *
 * A pasted line sets symptom and symptom_text, and host and port where the
 * line names them: "Could not resolve hostname" names no port, and
 * "kex_exchange_identification: Connection closed by remote host" (or
 * "read: Connection reset by peer", or "Connection closed by UNKNOWN port
 * 65535") names no host, leaving host NULL: the caller then takes the host
 * from another argument, for instance with target_merge(). Such a line may
 * be followed, in the same argument, by the line ssh prints next
 * ("Connection reset by H port P"), after a line break or a space, or by a
 * host; several lines must each be an ssh error line, and symptom_text
 * then holds them all, joined by " / ".
 */
int target_parse(struct target *t, const char *arg);

/* Applies -p N; returns TARGET_OK or TARGET_BAD_PORT (t unchanged). */
int target_set_port(struct target *t, const char *port);

/*
 * Fills the fields dst lacks from src: user and host when NULL in dst, port
 * when !dst->port_given, symptom and symptom_text when dst has none; what
 * dst already has wins. Strings are copied; src is not changed. Used to
 * join a pasted line that names no host with a HOST argument.
 */
void target_merge(struct target *dst, const struct target *src);

/* One lowercase sentence for an error code that says what is wrong and what
 * is accepted, e.g. "port must be a number from 1 to 65535"; static. */
const char *target_strerror(int err);

/*
 * For a pasted line that names no host (t->host NULL, a symptom set): one
 * sentence saying which line to paste with it, or how to give the host,
 * e.g. paste the next line ssh printed, "Connection reset by HOST port 22",
 * too. Returns a static string; NULL when t names its host.
 */
const char *target_host_hint(const struct target *t);

/* "refused", "timed_out", ... for reports; "none" for SYMPTOM_NONE. */
const char *symptom_id(enum symptom s);
/* The words ssh prints for a symptom, e.g. "Connection refused"; "" for
 * SYMPTOM_NONE. Both return static strings. */
const char *symptom_words(enum symptom s);

#endif

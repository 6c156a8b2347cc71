/* SPDX-License-Identifier: MIT */
/*
 * sshd_config, `sshd -T` and `sshd -t` as data.
 *
 * Pure: files are read and globs expanded through callbacks the caller
 * gives, so tests drive the parser from fixtures and no I/O happens here.
 *
 * What it follows from sshd(8)/sshd_config(5) (OpenSSH 9.x, servconf.c):
 *  - keywords are case-insensitive; "Keyword value", "Keyword=value" and
 *    "Keyword = value"; '#' starts a comment where a word starts; arguments
 *    may be quoted with "" or ''.
 *  - the first value wins for single-valued keywords; Port, ListenAddress,
 *    AllowUsers, DenyUsers, AllowGroups and DenyGroups accumulate.
 *  - Include takes glob patterns; relative paths are taken from /etc/ssh;
 *    includes nest at most SSHD_CONFIG_MAX_DEPTH deep; an Include inside a
 *    Match block applies only when the block matches; after an included
 *    file the Match state of the includer is restored.
 *  - a Match block runs to the next Match (or end of the top file); for a
 *    connection, values from matching blocks replace the global ones, and
 *    among several matching blocks the first that sets a keyword wins.
 *  - the listen list is Port x ListenAddress, a ListenAddress with its own
 *    port keeping it; defaults are port 22 on 0.0.0.0 and :: (narrowed by
 *    AddressFamily).
 *
 * Every string in these structs is owned by the struct that holds it and is
 * printable (made so on the way in). File names in "origin" fields point
 * into the config's file list and live as long as the config.
 */
#ifndef SSHD_PARSE_SSHD_CONFIG_H
#define SSHD_PARSE_SSHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util.h"

#define SSHD_CONFIG_MAX_DEPTH 16	/* as sshd's SERVCONF_MAX_DEPTH */
#define SSHD_CONFIG_DIR "/etc/ssh"
#define SSHD_DEFAULT_PORT 22

/*
 * Reads the file at path into out (already strbuf_init'ed, empty). Returns 0,
 * or a negative errno (-ENOENT, -EACCES, ...) which is reported as a problem.
 */
typedef int (*sshd_read_fn)(void *ctx, const char *path, struct strbuf *out);
/*
 * Expands one absolute glob pattern into the matching paths, sorted as
 * glob(3) sorts them, appended to out. No match is not an error (sshd says
 * nothing either): return 0 with nothing added. Returns 0 or a negative errno.
 */
typedef int (*sshd_glob_fn)(void *ctx, const char *pattern, struct strv *out);

struct sshd_config_io {
	sshd_read_fn read_file;
	sshd_glob_fn glob;	/* may be NULL: patterns are then read as plain paths */
	void *ctx;
	/* the installed OpenSSH as major * 100 + minor (902 for 9.2), 0 when
	 * unknown: a repeated MaxStartups keeps its last value before 10.1 */
	int openssh_version;
};

/* Where something was written. file points into sshd_config.files. */
struct sshd_origin {
	const char *file;
	unsigned line;		/* 1-based; 0 when not from a file line */
};

/* One line of configuration with a keyword, in the order sshd reads them,
 * Include expanded in place (the Include line itself is kept too). */
struct sshd_directive {
	char *keyword;		/* as written, e.g. "PasswordAuthentication" */
	struct strv args;	/* arguments, quotes removed */
	struct sshd_origin at;
	int match;		/* index into sshd_config.matches, -1 outside Match */
};

enum sshd_match_attr {
	SSHD_MATCH_ALL,
	SSHD_MATCH_USER,
	SSHD_MATCH_GROUP,
	SSHD_MATCH_HOST,
	SSHD_MATCH_ADDRESS,
	SSHD_MATCH_LOCALADDRESS,
	SSHD_MATCH_LOCALPORT,
	SSHD_MATCH_RDOMAIN,
	SSHD_MATCH_UNKNOWN,	/* sshd refuses the whole file for this */
};

struct sshd_match_criterion {
	enum sshd_match_attr attr;
	char *name;		/* the attribute as written */
	char *patterns;		/* comma-separated list, "!" negates; NULL for All */
};

struct sshd_match {
	struct sshd_origin at;
	char *text;		/* the criteria as written, e.g. "User carol Address 192.0.2.0/24" */
	struct sshd_match_criterion *crit;
	size_t ncrit;
	/* the Match block around the Include that brought this block in, or -1:
	 * when that one does not match, this one never does (as sshd) */
	int within;
};

/* A connection to test Match blocks against. NULL fields are unknown. */
struct sshd_conn {
	const char *user;
	const struct strv *groups;	/* the user's groups; NULL = unknown */
	const char *host;		/* the client's name (with UseDNS), else NULL */
	const char *addr;		/* the client's address */
	const char *laddr;		/* the local address it reached */
	int lport;			/* the local port, 0 = unknown */
	const char *rdomain;
};

/* A single-valued keyword. value NULL = not set: sshd's default applies. */
struct sshd_setting {
	char *value;
	struct sshd_origin at;
};

/* An accumulating list (AllowUsers...): one entry per word, with its line. */
struct sshd_list {
	struct strv v;
	struct sshd_origin *at;	/* at[i] for v.v[i] */
};

struct sshd_port {
	int port;
	struct sshd_origin at;
};

/* A ListenAddress line, or (in sshd_config.listen) one effective socket. */
struct sshd_listen {
	char *host;		/* address or name, without brackets */
	int port;		/* 0 in a ListenAddress without its own port */
	char *rdomain;		/* NULL unless "rdomain NAME" */
	struct sshd_origin at;	/* the ListenAddress line, or the Port line for defaults */
};

struct sshd_maxstartups {
	/* "10:30:100"; "10" means start = full = 10 (rate 30, unused) as sshd
	 * reads it; sshd also takes "10:x:100" as "10" (it uses sscanf) */
	int start, rate, full;
};

/* The values the diagnosis reads, with the defaults of OpenSSH 9.x applied
 * in the parsed fields (the sshd_setting still says whether it was set). */
struct sshd_settings {
	struct sshd_setting address_family;		/* any | inet | inet6 */
	struct sshd_setting permit_root_login;
	struct sshd_setting password_authentication;
	struct sshd_setting kbd_interactive_authentication;	/* also ChallengeResponseAuthentication */
	struct sshd_setting pubkey_authentication;
	struct sshd_setting max_auth_tries;
	struct sshd_setting max_startups;
	struct sshd_setting max_sessions;
	struct sshd_setting use_pam;
	struct sshd_list allow_users, deny_users, allow_groups, deny_groups;

	/* parsed, defaults applied; -1 where the text could not be read */
	int max_auth_tries_n;		/* default 6 */
	int max_sessions_n;		/* default 10 */
	struct sshd_maxstartups max_startups_v;	/* default 10:30:100 */
	/* the Match blocks that applied (evaluation only), indexes into matches */
	size_t *applied;
	size_t napplied;
	/* a criterion could not be judged (unknown user's groups, no host name) */
	bool undetermined;
	/* a repeated MaxStartups keeps its first value (OpenSSH 10.1 on) */
	bool first_maxstartups;
};

/* Something sshd would refuse or warn about, or an Include that failed. */
struct sshd_problem {
	struct sshd_origin at;
	char *message;		/* lowercase sentence */
};

struct sshd_config {
	struct strv files;		/* every file read, top file first */
	struct sshd_directive *dirs;
	size_t ndirs;
	struct sshd_match *matches;
	size_t nmatches;
	struct sshd_port *ports;	/* Port lines, in order */
	size_t nports;
	struct sshd_listen *listen_addrs;	/* ListenAddress lines, in order */
	size_t nlisten_addrs;
	struct sshd_settings global;	/* outside Match blocks */
	/* the sockets sshd opens: Port x ListenAddress, with defaults */
	struct sshd_listen *listen;
	size_t nlisten;
	struct sshd_problem *problems;
	size_t nproblems;
	bool from_dump;			/* filled from `sshd -T` output */
	/* what sshd -t lets pass but a connection that meets it does not:
	 * a global-only keyword inside a Match block */
	struct strv notes;
};

/* Returns a zeroed config; free with sshd_config_free (NULL-safe). */
struct sshd_config *sshd_config_new(void);
void sshd_config_free(struct sshd_config *cfg);

/*
 * Parses the configuration whose top file is path with contents buf[0..len)
 * into cfg (from sshd_config_new), following Include through io (io may be
 * NULL: Include lines are then recorded as problems). Returns 0, or -1 when
 * cfg already holds a configuration. Mistakes in the text are never errors:
 * they become cfg->problems and parsing goes on.
 */
int sshd_config_parse(struct sshd_config *cfg, const char *path, const char *buf, size_t len,
		      const struct sshd_config_io *io);

/*
 * Fills cfg (from sshd_config_new) from `sshd -T` output: lowercase
 * "keyword value" lines, port and listenaddress repeated, listenaddress
 * already host:port. label names the source in origins (e.g. "sshd -T").
 * Returns 0, or -1 when cfg already holds a configuration.
 */
int sshd_config_parse_dump(struct sshd_config *cfg, const char *label, const char *buf, size_t len);

/*
 * The settings for one connection: the global ones with matching Match
 * blocks applied. out is filled afresh (call sshd_settings_release after);
 * it copies what it needs and does not point into cfg except for origins.
 */
void sshd_config_evaluate(const struct sshd_config *cfg, const struct sshd_conn *conn,
			  struct sshd_settings *out);
void sshd_settings_release(struct sshd_settings *s);

/*
 * Whether one Match block matches conn: 1 yes, 0 no, -1 undetermined (a
 * criterion needs something conn does not say).
 */
int sshd_match_test(const struct sshd_match *m, const struct sshd_conn *conn);

/*
 * Reads a yes/no keyword value: 1 for "yes", 0 for "no", dflt when unset.
 * Other words (e.g. PermitRootLogin prohibit-password) return -1.
 */
int sshd_setting_bool(const struct sshd_setting *s, int dflt);

/* Parses "start[:rate:full]" as sshd does. Returns 0 or -1. */
int sshd_maxstartups_parse(const char *text, struct sshd_maxstartups *out);

/* Whether sshd's AllowUsers/DenyUsers/AllowGroups/DenyGroups would let
 * user in from addr (host may be NULL, groups may be NULL = unknown).
 * Returns 1 allowed, 0 refused (reason says by which rule, a static-free
 * string the caller frees, or NULL), -1 undetermined (groups unknown). */
int sshd_settings_user_allowed(const struct sshd_settings *s, const char *user,
			       const struct strv *groups, const char *host,
			       const char *addr, char **reason);

/* ---- sshd -t ---- */

enum sshd_check_kind {
	SSHD_CHECK_CONFIG,		/* a file/line problem in the configuration */
	SSHD_CHECK_SUMMARY,		/* "FILE: terminating, N bad configuration options" */
	SSHD_CHECK_PRIVSEP_DIR,		/* "Missing privilege separation directory: /run/sshd" */
	SSHD_CHECK_NO_HOSTKEYS,		/* "sshd: no hostkeys available -- exiting." */
	SSHD_CHECK_HOSTKEY,		/* "Unable to load host key: PATH" */
	SSHD_CHECK_INCLUDE_DEPTH,	/* "Too many recursive configuration includes" */
	SSHD_CHECK_OTHER,
};

struct sshd_check_msg {
	enum sshd_check_kind kind;
	char *file;		/* NULL when the line names none */
	unsigned line;		/* 0 when the line names none */
	char *message;		/* the message after "line N: ", or the whole line */
	char *path;		/* the path a message names (privsep dir, host key), or NULL */
};

/* Messages from `sshd -t` stderr. Lives inside another struct: _init/_release. */
struct sshd_check {
	struct sshd_check_msg *v;
	size_t n;
};

void sshd_check_init(struct sshd_check *c);
void sshd_check_release(struct sshd_check *c);
/* Appends one message per non-empty line of buf. Returns the number added. */
int sshd_check_parse(struct sshd_check *c, const char *buf, size_t len);
/* The first message that stops sshd from starting (a config error or
 * missing privsep directory or no host keys), or NULL; points into c. */
const struct sshd_check_msg *sshd_check_first_fatal(const struct sshd_check *c);

#endif

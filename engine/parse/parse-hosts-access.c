/* SPDX-License-Identifier: MIT */
/* hosts.allow / hosts.deny, following libwrap's hosts_access.c and options.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/parse/parse-hosts-access.h"

#define HOSTS_BUFLEN 2048	/* libwrap's line buffer, newline included */
#define HOSTS_MAX_FILE_DEPTH 4	/* "/path" patterns naming files naming files */
#define HOSTS_MAX_TOKENS 4096

static const char unknown[] = "unknown";
static const char paranoid[] = "paranoid";

/* A printable copy of n bytes at s; the caller frees it. */
static char *pdup(const char *s, size_t n)
{
	return printable(s, n, true);
}

void hosts_table_init(struct hosts_table *t)
{
	memset(t, 0, sizeof(*t));
}

void hosts_table_release(struct hosts_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->rules[i].text);
		free(t->rules[i].daemons);
		free(t->rules[i].clients);
		free(t->rules[i].options);
	}
	free(t->rules);
	for (size_t i = 0; i < t->nwarnings; i++)
		free(t->warnings[i].message);
	free(t->warnings);
	free(t->file);
	hosts_table_init(t);
}

static void warn_add(struct hosts_table *t, unsigned line, char *msg)
{
	t->warnings = xrealloc(t->warnings, (t->nwarnings + 1) * sizeof(*t->warnings));
	t->warnings[t->nwarnings].line = line;
	t->warnings[t->nwarnings].message = msg;
	t->nwarnings++;
}

/* libwrap's split_at: the first delimiter outside [brackets]; NULL if none. */
static char *split_at(char *s, int delim)
{
	int bracket = 0;

	for (char *p = s; *p; p++) {
		if (*p == '[')
			bracket++;
		else if (*p == ']')
			bracket--;
		else if (bracket == 0 && *p == delim) {
			*p = '\0';
			return p + 1;
		}
	}
	return NULL;
}

static char *trim_dup(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return pdup(s, n);
}

/* One logical line (continuations joined, newline removed). */
static void rule_add(struct hosts_table *t, unsigned line, char *text)
{
	char *cl, *opts;
	struct hosts_rule *r;

	/* comment: '#' in the first column only; blank lines */
	if (text[0] == '#' || text[strspn(text, " \t\r\n")] == '\0')
		return;
	{
		char *copy = xstrdup(text);

		cl = split_at(copy, ':');
		if (cl == NULL) {
			warn_add(t, line, xstrdup("missing ':' separator: libwrap skips this line"));
			free(copy);
			return;
		}
		opts = split_at(cl, ':');
		t->rules = xrealloc(t->rules, (t->n + 1) * sizeof(*t->rules));
		r = &t->rules[t->n++];
		r->line = line;
		r->text = trim_dup(text);
		r->daemons = trim_dup(copy);
		r->clients = trim_dup(cl);
		r->options = opts ? trim_dup(opts) : NULL;
		free(copy);
	}
}

int hosts_table_parse(struct hosts_table *t, const char *file, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	struct strbuf logical;
	unsigned first = 0;
	bool too_long = false;

	if (t->file != NULL || t->n != 0)
		return -1;
	t->file = pdup(file, strlen(file));
	strbuf_init(&logical);
	/* libwrap's xgets: "\\\n" joins lines; a line must end in '\n' */
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		size_t n = (size_t)(lend - p);
		const char *nul = memchr(p, '\0', n);

		lineno++;
		if (logical.len == 0 && !too_long)
			first = lineno;
		if (nul != NULL)
			n = (size_t)(nul - p);	/* fgets-based code stops at a NUL */
		if (eol == NULL) {
			if (n > 0 || logical.len > 0) {
				warn_add(t, first, xstrdup("missing newline at the end of the file: libwrap stops reading here with an error, which refuses every client that reaches it in hosts.deny"));
				t->error_at = t->n;
				t->error_line = first;
			}
			strbuf_reset(&logical);
			break;
		}
		if (n > 0 && p[n - 1] == '\\' && nul == NULL) {
			strbuf_add(&logical, p, n - 1);
			if (logical.len >= HOSTS_BUFLEN - 1)
				too_long = true;
			p = eol + 1;
			continue;
		}
		strbuf_add(&logical, p, n);
		if (too_long || logical.len >= HOSTS_BUFLEN - 1) {
			warn_add(t, first, xstrdup("line too long (2047 bytes at most): libwrap stops reading here with an error, which refuses every client that reaches it in hosts.deny"));
			t->error_at = t->n;
			t->error_line = first;
			break;
		}
		rule_add(t, first, logical.buf);
		strbuf_reset(&logical);
		too_long = false;
		p = eol + 1;
	}
	strbuf_release(&logical);
	if (t->error_line == 0)
		t->error_at = t->n;
	return 0;
}

void hosts_verdict_init(struct hosts_verdict *v)
{
	memset(v, 0, sizeof(*v));
	strv_init(&v->notes);
}

void hosts_verdict_release(struct hosts_verdict *v)
{
	free(v->reason);
	strv_release(&v->notes);
	hosts_verdict_init(v);
}

/* ---- matching ---- */

struct eval {
	const struct hosts_client *c;
	const char *addr;	/* normalised client address */
	const char *name;	/* "unknown", "paranoid" or the name */
	const char *user;
	hosts_read_fn read_file;
	void *ctx;
	struct strv *notes;
	int file_depth;
};

static void note_once(struct eval *e, char *msg)
{
	if (strv_contains(e->notes, msg))
		free(msg);
	else
		strv_push_owned(e->notes, msg);
}

static bool hostname_known(const char *s)
{
	return strcasecmp(s, unknown) != 0 && strcasecmp(s, paranoid) != 0;
}

static bool wild_match(const char *s, const char *p)
{
	const char *star = NULL, *ss = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			ss = s;
		} else if (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s)) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++ss;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* "[v6]" token against an address string. */
static bool v6_equal(const char *tok, const char *string)
{
	unsigned char a[16], b[16];
	char buf[64];
	size_t n = strlen(tok);

	if (n < 3 || tok[0] != '[' || tok[n - 1] != ']' || n - 2 >= sizeof(buf))
		return false;
	memcpy(buf, tok + 1, n - 2);
	buf[n - 2] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1 && inet_pton(AF_INET6, string, b) == 1 &&
	       memcmp(a, b, 16) == 0;
}

/* libwrap's string_match, with Debian's wildcards and [v6]. */
static bool string_match(const char *tok, const char *string)
{
	size_t n = strlen(tok), sl = strlen(string);

	if (n == 0)
		return false;
	if (tok[0] == '.')
		return sl > n && strcasecmp(tok, string + sl - n) == 0;
	if (strcasecmp(tok, "ALL") == 0)
		return true;
	if (strcasecmp(tok, "KNOWN") == 0)
		return strcasecmp(string, unknown) != 0;
	if (tok[n - 1] == '.')
		return strncasecmp(tok, string, n) == 0;
	if (tok[0] == '[')
		return v6_equal(tok, string);
	if (strpbrk(tok, "*?") != NULL)
		return wild_match(string, tok);
	return strcasecmp(tok, string) == 0;
}

static bool not_inaddr(const char *tok)
{
	return *tok != '\0' && tok[strspn(tok, "0123456789.")] != '\0';
}

/* IPv4 net/mask: mask dotted or a prefix length; (addr & mask) == net, as libwrap. */
static bool masked_match4(struct eval *e, const char *net_tok, const char *mask_tok, const char *addr)
{
	struct in_addr a, net, mask;
	uint32_t m;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return false;
	if (inet_pton(AF_INET, net_tok, &net) != 1)
		goto bad;
	if (inet_pton(AF_INET, mask_tok, &mask) == 1) {
		m = ntohl(mask.s_addr);
	} else {
		char *end;
		long len;

		if (mask_tok[0] < '0' || mask_tok[0] > '9')
			goto bad;
		len = strtol(mask_tok, &end, 10);
		if (*end != '\0' || len < 0 || len > 32)
			goto bad;
		m = len == 0 ? 0 : 0xffffffffu << (32 - len);
	}
	if ((ntohl(net.s_addr) & ~m) != 0)
		note_once(e, xasprintf("'%s/%s' has host bits set, so libwrap never matches it (write the network address)",
				 net_tok, mask_tok));
	return (ntohl(a.s_addr) & m) == ntohl(net.s_addr);
bad:
	note_once(e, xasprintf("bad net/mask expression '%s/%s': libwrap ignores it", net_tok, mask_tok));
	return false;
}

static bool masked_match6(struct eval *e, const char *net_tok, const char *mask_tok, const char *addr)
{
	unsigned char a[16], net[16];
	char buf[64];
	size_t n = strlen(net_tok);
	char *end;
	long len;

	if (inet_pton(AF_INET6, addr, a) != 1)
		return false;
	if (n < 3 || n - 2 >= sizeof(buf) || net_tok[n - 1] != ']')
		goto bad;
	memcpy(buf, net_tok + 1, n - 2);
	buf[n - 2] = '\0';
	if (inet_pton(AF_INET6, buf, net) != 1 || mask_tok[0] < '0' || mask_tok[0] > '9')
		goto bad;
	len = strtol(mask_tok, &end, 10);
	if (*end != '\0' || len < 0 || len > 128)
		goto bad;
	for (long bit = 0; bit < len; bit++) {
		unsigned char m = 0x80 >> (bit % 8);

		if ((a[bit / 8] & m) != (net[bit / 8] & m))
			return false;
	}
	return true;
bad:
	note_once(e, xasprintf("bad net/mask expression '%s/%s': libwrap ignores it", net_tok, mask_tok));
	return false;
}

static bool host_match(struct eval *e, const char *tok_in, bool server);

/* "/path": any host pattern in the file, separated by white space. */
static bool hostfile_match(struct eval *e, const char *path, bool server)
{
	struct strbuf sb;
	bool match = false;
	int r;
	char *save = NULL;

	if (e->read_file == NULL) {
		note_once(e, xasprintf("the pattern file '%s' was not read here", path));
		return false;
	}
	if (e->file_depth >= HOSTS_MAX_FILE_DEPTH) {
		note_once(e, xasprintf("pattern files nest too deep at '%s'", path));
		return false;
	}
	strbuf_init(&sb);
	r = e->read_file(e->ctx, path, &sb);
	if (r < 0) {
		note_once(e, xasprintf("cannot read the pattern file '%s' (libwrap then matches nothing from it)", path));
		strbuf_release(&sb);
		return false;
	}
	/* a NUL ends the text, as with fscanf */
	e->file_depth++;
	for (char *tok = strtok_r(sb.buf, " \t\r\n\f\v", &save); tok && !match;
	     tok = strtok_r(NULL, " \t\r\n\f\v", &save))
		match = host_match(e, tok, server);
	e->file_depth--;
	strbuf_release(&sb);
	return match;
}

/* libwrap's host_match; server selects the server's address and name. */
static bool host_match(struct eval *e, const char *tok_in, bool server)
{
	const char *addr, *name;
	char *tok, *mask;
	bool r;

	if (server) {
		addr = e->c->server_addr ? e->c->server_addr : unknown;
		name = e->c->server_name ? e->c->server_name : unknown;
		if (e->c->server_addr == NULL)
			note_once(e, xstrdup("daemon@host patterns need the server address, which was not given"));
	} else {
		addr = e->addr;
		name = e->name;
	}
	if (tok_in[0] == '@') {
		note_once(e, xasprintf("netgroup '%s' cannot be checked here (NIS is not consulted); taken as no match",
				 tok_in));
		return false;
	}
	if (tok_in[0] == '/')
		return hostfile_match(e, tok_in, server);
	if (strcasecmp(tok_in, "KNOWN") == 0)
		return strcasecmp(addr, unknown) != 0 && hostname_known(name);
	if (strcasecmp(tok_in, "LOCAL") == 0)
		return strchr(name, '.') == NULL && hostname_known(name);
	tok = xstrdup(tok_in);
	if ((mask = split_at(tok, '/')) != NULL) {
		if (tok[0] == '[')
			r = masked_match6(e, tok, mask, addr);
		else
			r = masked_match4(e, tok, mask, addr);
		free(tok);
		return r;
	}
	r = string_match(tok, addr) || (not_inaddr(tok) && string_match(tok, name));
	free(tok);
	return r;
}

/* libwrap's server_match: "daemon" or "daemon@host". */
static bool server_match(struct eval *e, const char *tok_in)
{
	char *tok = xstrdup(tok_in);
	char *host = tok[0] ? split_at(tok + 1, '@') : NULL;
	bool r = string_match(tok, e->c->daemon);

	if (r && host != NULL)
		r = host_match(e, host, true);
	free(tok);
	return r;
}

/* libwrap's client_match: "host" or "user@host". */
static bool client_match(struct eval *e, const char *tok_in)
{
	char *tok = xstrdup(tok_in);
	char *host = tok[0] ? split_at(tok + 1, '@') : NULL;
	bool r;

	if (host == NULL) {
		r = host_match(e, tok, false);
	} else {
		if (e->c->user == NULL)
			note_once(e, xasprintf("'%s' needs the client's user name from ident (RFC 931); taken as unknown",
					 tok_in));
		r = host_match(e, host, false) && string_match(tok, e->user);
	}
	free(tok);
	return r;
}

struct toklist {
	char **v;
	size_t n;
};

static void tokenize(const char *list, struct toklist *tl)
{
	const char *sep = ", \t\r\n";
	const char *p = list;

	tl->v = NULL;
	tl->n = 0;
	while (*p && tl->n < HOSTS_MAX_TOKENS) {
		size_t k;

		p += strspn(p, sep);
		if (*p == '\0')
			break;
		k = strcspn(p, sep);
		tl->v = xrealloc(tl->v, (tl->n + 1) * sizeof(*tl->v));
		tl->v[tl->n++] = xstrndup(p, k);
		p += k;
	}
}

static void toklist_free(struct toklist *tl)
{
	for (size_t i = 0; i < tl->n; i++)
		free(tl->v[i]);
	free(tl->v);
}

/* libwrap's list_match: EXCEPT nests to the right. */
static bool list_match(struct eval *e, const struct toklist *tl, size_t *i, bool server)
{
	for (; *i < tl->n; (*i)++) {
		const char *tok = tl->v[*i];

		if (strcasecmp(tok, "EXCEPT") == 0)
			return false;
		if (server ? server_match(e, tok) : client_match(e, tok)) {
			(*i)++;
			while (*i < tl->n && strcasecmp(tl->v[*i], "EXCEPT") != 0)
				(*i)++;
			if (*i >= tl->n)
				return true;
			(*i)++;
			return !list_match(e, tl, i, server);
		}
	}
	return false;
}

static bool rule_matches(struct eval *e, const struct hosts_rule *r)
{
	struct toklist d, c;
	size_t i = 0;
	bool m;

	tokenize(r->daemons, &d);
	m = list_match(e, &d, &i, true);
	toklist_free(&d);
	if (!m)
		return false;
	tokenize(r->clients, &c);
	i = 0;
	m = list_match(e, &c, &i, false);
	toklist_free(&c);
	return m;
}

enum opt_effect { OPT_NONE, OPT_ALLOW, OPT_DENY };

/* Digits only, at least one, each below base (8 or 10); an optional sign
 * when signed. */
static bool all_digits(const char *s, int base, bool sign)
{
	if (sign && (*s == '-' || *s == '+'))
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (*s < '0' || *s >= '0' + base)
			return false;
	return true;
}

static bool word_in(const char *w, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], w, n) == 0)
			return true;
	return false;
}

/* libwrap's severity value: [facility.]level, names as syslog's. */
static bool severity_ok(const char *v)
{
	static const char *const levels[] = {"emerg", "alert", "crit", "err", "warning", "notice",
					     "info", "debug", NULL};
	/* libwrap's own table: no syslog, authpriv or ftp */
	static const char *const facilities[] = {"kern", "user", "mail", "daemon", "auth", "lpr",
						 "news", "uucp", "cron", "local0", "local1", "local2",
						 "local3", "local4", "local5", "local6", "local7", NULL};
	const char *dot = strchr(v, '.');

	if (dot == NULL)
		return word_in(v, strlen(v), levels);
	return word_in(v, (size_t)(dot - v), facilities) && word_in(dot + 1, strlen(dot + 1), levels);
}

/* Checks an option's value as libwrap's option handlers do before they act
 * (the handlers jump to "deny" on a bad value); NULL when fine, else why. */
static char *option_value_problem(const struct eval *e, const char *name, const char *v)
{
	if (strcmp(name, "umask") == 0) {
		if (!all_digits(v, 8, false) || strtoul(v, NULL, 8) > 0777)
			return xasprintf("bad umask value '%s' (octal, at most 777)", v);
	} else if (strcmp(name, "linger") == 0) {
		if (!all_digits(v, 10, false))
			return xasprintf("bad linger value '%s' (a number of seconds)", v);
	} else if (strcmp(name, "nice") == 0 || strcmp(name, "rfc931") == 0) {
		if (*v != '\0' && !all_digits(v, 10, strcmp(name, "nice") == 0))
			return xasprintf("bad %s value '%s' (a number)", name, v);
	} else if (strcmp(name, "severity") == 0) {
		if (!severity_ok(v))
			return xasprintf("bad severity '%s' (facility.level or level, as syslog names them)", v);
	} else if (strcmp(name, "group") == 0) {
		if (e->c->group_exists != NULL && !e->c->group_exists(v))
			return xasprintf("unknown group '%s'", v);
	}
	return NULL;
}

/*
 * Runs the options of a matching rule as libwrap's process_options would
 * decide: returns OPT_ALLOW/OPT_DENY when they settle the answer, with why.
 */
static enum opt_effect options_effect(struct eval *e, const char *options, char **why)
{
	static const struct {
		const char *name;
		int value;	/* 0 none, 1 optional, 2 required */
		bool last;	/* must be the last option */
	} table[] = {
		{ "user", 2, false }, { "group", 2, false }, { "umask", 2, false },
		{ "linger", 2, false }, { "keepalive", 0, false }, { "spawn", 2, false },
		{ "twist", 2, true }, { "rfc931", 1, false }, { "setenv", 2, false },
		{ "nice", 1, false }, { "severity", 2, false }, { "allow", 0, true },
		{ "deny", 0, true }, { "banners", 2, false }, { "aclexec", 2, false },
	};
	struct strbuf field;
	const char *p = options;
	enum opt_effect eff = OPT_NONE;

	*why = NULL;
	strbuf_init(&field);
	while (p != NULL) {
		const char *key, *value;
		char *opt;
		size_t k, klen;
		bool more;

		/* get_field: up to an unescaped ':'; "\:" is a colon */
		strbuf_reset(&field);
		while (*p && *p != ':') {
			if (*p == '\\' && p[1] == ':')
				p++;
			strbuf_addch(&field, *p++);
		}
		more = *p == ':';
		p = more ? p + 1 : NULL;
		opt = str_trim(field.buf);
		klen = strcspn(opt, " \t\r\n=");
		key = opt;
		value = opt + klen;
		value += strspn(value, " \t\r\n");
		if (*value == '=') {
			value++;
			value += strspn(value, " \t\r\n");
		}
		if (klen == 0) {
			*why = xstrdup("an empty or nameless option: libwrap refuses the connection");
			eff = OPT_DENY;
			break;
		}
		for (k = 0; k < sizeof(table) / sizeof(table[0]); k++)
			if (strlen(table[k].name) == klen && strncasecmp(table[k].name, key, klen) == 0)
				break;
		if (k == sizeof(table) / sizeof(table[0])) {
			*why = xasprintf("unknown option '%.*s': libwrap refuses the connection", (int)klen, key);
			eff = OPT_DENY;
			break;
		}
		if (table[k].value == 2 && *value == '\0') {
			*why = xasprintf("option '%s' needs a value: libwrap refuses the connection", table[k].name);
			eff = OPT_DENY;
			break;
		}
		if (table[k].value == 0 && *value != '\0') {
			*why = xasprintf("option '%s' takes no value: libwrap refuses the connection", table[k].name);
			eff = OPT_DENY;
			break;
		}
		if (table[k].last && more) {
			*why = xasprintf("option '%s' must be the last: libwrap refuses the connection", table[k].name);
			eff = OPT_DENY;
			break;
		}
		{
			char *problem = option_value_problem(e, table[k].name, value);

			if (problem != NULL) {
				*why = xasprintf("%s: libwrap refuses the connection", problem);
				free(problem);
				eff = OPT_DENY;
				break;
			}
		}
		if (k == 0) {
			/* user U[.G]: the group first, then the user; sshd goes on
			 * as U, and only root can run SSH */
			const char *dot = strchr(value, '.');
			size_t ulen = dot ? (size_t)(dot - value) : strlen(value);

			if (dot != NULL && e->c->group_exists != NULL && !e->c->group_exists(dot + 1)) {
				*why = xasprintf("option 'user %s' names an unknown group: libwrap refuses the connection", value);
				eff = OPT_DENY;
				break;
			}
			if (ulen != 4 || strncmp(value, "root", 4) != 0) {
				*why = xasprintf("option 'user %s': sshd would go on as %.*s, which cannot run SSH, so the client is disconnected",
						 value, (int)ulen, value);
				eff = OPT_DENY;
				break;
			}
		}
		if (k == 14)
			note_once(e, xasprintf("the matching rule runs 'aclexec %s', whose exit status decides whether the client gets in (not run here)",
					       value));
		if (k == 11) {
			*why = xstrdup("the rule ends in 'allow'");
			eff = OPT_ALLOW;
		} else if (k == 12) {
			*why = xstrdup("the rule ends in 'deny'");
			eff = OPT_DENY;
		} else if (k == 6) {
			*why = xasprintf("'twist' replaces sshd with '%s': the client never gets SSH", value);
			eff = OPT_DENY;
		} else if (k == 5) {
			note_once(e, xasprintf("the matching rule also runs 'spawn %s'", value));
		}
	}
	strbuf_release(&field);
	return eff;
}

static int table_judge(struct eval *e, const struct hosts_table *t, bool is_allow,
		       struct hosts_verdict *out)
{
	size_t end = t->error_line ? t->error_at : t->n;

	for (size_t i = 0; i < end && i < t->n; i++) {
		const struct hosts_rule *r = &t->rules[i];
		enum opt_effect eff = OPT_NONE;
		char *why = NULL;

		if (!rule_matches(e, r))
			continue;
		if (r->options != NULL)
			eff = options_effect(e, r->options, &why);
		out->allowed = eff == OPT_NONE ? is_allow : eff == OPT_ALLOW;
		out->by = is_allow ? HOSTS_BY_ALLOW : HOSTS_BY_DENY;
		out->table = t;
		out->rule = r;
		out->reason = xasprintf("%s line %u '%s' %s %s from %s%s%s", t->file ? t->file : "?", r->line,
				  r->text, out->allowed ? "allows" : "refuses", e->c->daemon, e->addr,
				  why ? ": " : "", why ? why : "");
		free(why);
		return 1;
	}
	/* libwrap's table_match ends in an error there: hosts_access goes on
	 * to hosts.deny from hosts.allow, and refuses from hosts.deny */
	if (t->error_line && !is_allow) {
		out->allowed = false;
		out->by = HOSTS_BY_DENY;
		out->table = t;
		out->rule = NULL;
		out->reason = xasprintf("%s line %u cannot be read whole (no newline at its end, or over 2047 bytes): libwrap stops there with an error, and an error in hosts.deny refuses %s from %s",
				  t->file ? t->file : "hosts.deny", t->error_line, e->c->daemon, e->addr);
		return 1;
	}
	if (t->error_line)
		note_once(e, xasprintf("%s line %u cannot be read whole (no newline at its end, or over 2047 bytes): libwrap reads no rule from there on",
				       t->file ? t->file : "hosts.allow", t->error_line));
	return 0;
}

bool hosts_table_needs_names(const struct hosts_table *t)
{
	for (size_t i = 0; t != NULL && i < t->n; i++) {
		char *copy = xstrdup(t->rules[i].clients), *save = NULL;
		bool need = false;

		for (char *tok = strtok_r(copy, " \t,", &save); tok && !need; tok = strtok_r(NULL, " \t,", &save)) {
			const char *h = strchr(tok, '@') ? strchr(tok, '@') + 1 : tok;

			if (strcasecmp(h, "ALL") == 0 || strcasecmp(h, "EXCEPT") == 0 || h[0] == '[')
				continue;
			if (h[0] == '/' || h[0] == '.' || strcasecmp(h, "KNOWN") == 0 ||
			    strcasecmp(h, "UNKNOWN") == 0 || strcasecmp(h, "PARANOID") == 0 ||
			    strcasecmp(h, "LOCAL") == 0)
				need = true;
			/* a name: letters where an address has none */
			for (const char *p = h; *p && !need; p++)
				if (isalpha((unsigned char)*p) && !isxdigit((unsigned char)*p))
					need = true;
		}
		free(copy);
		if (need)
			return true;
	}
	return false;
}

int hosts_access_evaluate(const struct hosts_table *allow, const struct hosts_table *deny,
			  const struct hosts_client *client, hosts_read_fn read_file, void *ctx,
			  struct hosts_verdict *out)
{
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	struct eval e = { .c = client, .read_file = read_file, .ctx = ctx };
	char v4[INET_ADDRSTRLEN];
	unsigned char b[16];

	hosts_verdict_release(out);
	if (client == NULL || client->daemon == NULL || client->addr == NULL)
		return -1;
	e.notes = &out->notes;
	e.addr = client->addr;
	if (inet_pton(AF_INET6, client->addr, b) == 1 && memcmp(b, v4mapped, sizeof(v4mapped)) == 0 &&
	    inet_ntop(AF_INET, b + 12, v4, sizeof(v4)) != NULL) {
		e.addr = v4;
		note_once(&e, xasprintf("the IPv4-mapped address '%s' was judged as '%s'", client->addr, v4));
	}
	e.name = client->name == NULL ? unknown : client->name_mismatch ? paranoid : client->name;
	e.user = client->user ? client->user : unknown;

	if (allow != NULL && allow->unreadable) {
		out->allowed = true;
		out->by = HOSTS_BY_ALLOW;
		out->table = allow;
		out->reason = xasprintf("%s cannot be read, and libwrap then counts it as matching: allowed",
				  allow->file ? allow->file : "hosts.allow");
		return 0;
	}
	if (allow != NULL && table_judge(&e, allow, true, out))
		return 0;
	if (deny != NULL && deny->unreadable) {
		out->allowed = false;
		out->by = HOSTS_BY_DENY;
		out->table = deny;
		out->reason = xasprintf("%s cannot be read, and libwrap then counts it as matching: refused",
				  deny->file ? deny->file : "hosts.deny");
		return 0;
	}
	if (deny != NULL && table_judge(&e, deny, false, out))
		return 0;
	out->allowed = true;
	out->by = HOSTS_BY_DEFAULT;
	out->reason = xasprintf("no rule in %s or %s matches %s from %s: allowed",
			  allow && allow->file ? allow->file : "hosts.allow",
			  deny && deny->file ? deny->file : "hosts.deny", client->daemon, e.addr);
	return 0;
}

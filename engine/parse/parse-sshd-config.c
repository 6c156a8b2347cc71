/* SPDX-License-Identifier: MIT */
/* sshd_config, `sshd -T` and `sshd -t`, read the way sshd reads them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/parse/parse-sshd-config.h"

/* Caps against hostile input (include fan-out, huge files). */
#define SSHD_MAX_DIRECTIVES 100000
#define SSHD_MAX_FILES 128	/* included files read, counting repeats */

/* ---- small helpers ---- */

/* A printable copy of s[0..n); the caller frees. */
static char *pdup(const char *s, size_t n)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add_printable(&sb, s, n, true);
	return sb.buf;	/* handed over */
}

static char *pstr(const char *s)
{
	return pdup(s, strlen(s));
}

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT:
		return "no such file";
	case EACCES:
		return "permission denied";
	case EISDIR:
		return "is a directory";
	case ELOOP:
		return "too many symbolic links";
	case ENOMEM:
		return "out of memory";
	case EFBIG:
		return "file too large";
	}
	return "cannot be read";
}

#define GROW(arr, n, alloc)                                                          \
	do {                                                                         \
		if ((n) == (alloc)) {                                                \
			(alloc) = (alloc) ? (alloc) * 2 : 8;                         \
			(arr) = xrealloc((arr), (alloc) * sizeof(*(arr)));           \
		}                                                                    \
	} while (0)

/* ---- patterns, as OpenSSH match.c and addrmatch.c ---- */

/* Glob match with '*' and '?' (match_pattern). */
static bool wild_match(const char *s, const char *p, bool icase)
{
	const char *star = NULL, *ss = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			ss = s;
		} else if (*p == '?' ||
			   (icase ? tolower((unsigned char)*p) == tolower((unsigned char)*s) : *p == *s)) {
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

/* match_pattern_list: 1 a positive match, -1 a negated match, 0 none. */
static int pattern_list_match(const char *s, const char *list, bool icase)
{
	int got = 0;
	const char *p = list;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		bool neg = false;
		char *sub;
		bool m;

		if (n > 0 && *p == '!') {
			neg = true;
			p++;
			n--;
		}
		sub = xstrndup(p, n);
		m = wild_match(s, sub, icase);
		free(sub);
		if (m) {
			if (neg)
				return -1;
			got = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return got;
}

struct cidr {
	int family;
	unsigned char b[16];
	int len;
};

/* "addr" or "addr/len"; 0 ok, -1 not an address, -2 host bits set. */
static int cidr_parse(const char *text, struct cidr *c)
{
	char buf[64];
	const char *slash = strchr(text, '/');
	size_t n = slash ? (size_t)(slash - text) : strlen(text);
	int max;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->b) == 1)
		c->family = AF_INET, max = 32;
	else if (inet_pton(AF_INET6, buf, c->b) == 1)
		c->family = AF_INET6, max = 128;
	else
		return -1;
	c->len = max;
	if (slash) {
		char *end;
		long l;

		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		l = strtol(slash + 1, &end, 10);
		if (*end != '\0' || l < 0 || l > max)
			return -1;
		c->len = (int)l;
		for (int bit = c->len; bit < max; bit++)
			if (c->b[bit / 8] & (0x80 >> (bit % 8)))
				return -2;
	}
	return 0;
}

static bool cidr_contains(const struct cidr *net, const struct cidr *a)
{
	if (net->family != a->family)
		return false;
	for (int bit = 0; bit < net->len; bit++) {
		unsigned char m = 0x80 >> (bit % 8);

		if ((net->b[bit / 8] & m) != (a->b[bit / 8] & m))
			return false;
	}
	return true;
}

/* addr_match_list: 1 match, 0 none, -1 negated match, -2 a bad entry. */
static int addr_list_match(const char *addr, const char *list)
{
	struct cidr a;
	bool have_a = addr != NULL && cidr_parse(addr, &a) == 0;
	const char *p = list;
	int ret = 0;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		bool neg = false, found = false;
		struct cidr net;
		char *sub;
		int r;

		if (n > 0 && *p == '!') {
			neg = true;
			p++;
			n--;
		}
		if (n == 0)
			return -2;
		sub = xstrndup(p, n);
		r = cidr_parse(sub, &net);
		if (r == -2) {
			free(sub);
			return -2;
		}
		if (r == 0)
			found = have_a && cidr_contains(&net, &a);
		else
			found = addr != NULL && wild_match(addr, sub, false);
		free(sub);
		if (found) {
			if (neg)
				return -1;
			ret = 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return ret;
}

/* ---- the config object ---- */

static void list_release(struct sshd_list *l)
{
	strv_release(&l->v);
	free(l->at);
	l->at = NULL;
}

static void list_push(struct sshd_list *l, const char *word, struct sshd_origin at)
{
	strv_push(&l->v, word);
	l->at = xrealloc(l->at, l->v.n * sizeof(*l->at));
	l->at[l->v.n - 1] = at;
}

static void list_copy(struct sshd_list *dst, const struct sshd_list *src)
{
	for (size_t i = 0; i < src->v.n; i++)
		list_push(dst, src->v.v[i], src->at[i]);
}

static void settings_init(struct sshd_settings *s)
{
	memset(s, 0, sizeof(*s));
	strv_init(&s->allow_users.v);
	strv_init(&s->deny_users.v);
	strv_init(&s->allow_groups.v);
	strv_init(&s->deny_groups.v);
}

static struct sshd_setting *settings_field(struct sshd_settings *s, int idx)
{
	struct sshd_setting *f[] = {
		&s->address_family, &s->permit_root_login, &s->password_authentication,
		&s->kbd_interactive_authentication, &s->pubkey_authentication,
		&s->max_auth_tries, &s->max_startups, &s->max_sessions, &s->use_pam,
	};

	return idx >= 0 && idx < (int)(sizeof(f) / sizeof(f[0])) ? f[idx] : NULL;
}

static struct sshd_list *settings_list(struct sshd_settings *s, int idx)
{
	struct sshd_list *l[] = { &s->allow_users, &s->deny_users, &s->allow_groups, &s->deny_groups };

	return idx >= 0 && idx < 4 ? l[idx] : NULL;
}

void sshd_settings_release(struct sshd_settings *s)
{
	struct sshd_setting *f;

	for (int i = 0; (f = settings_field(s, i)) != NULL; i++)
		free(f->value);
	for (int i = 0; i < 4; i++)
		list_release(settings_list(s, i));
	free(s->applied);
	settings_init(s);
}

struct sshd_config *sshd_config_new(void)
{
	struct sshd_config *cfg = xcalloc(1, sizeof(*cfg));

	strv_init(&cfg->files);
	strv_init(&cfg->notes);
	settings_init(&cfg->global);
	return cfg;
}

static void listen_release(struct sshd_listen *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].host);
		free(l[i].rdomain);
	}
	free(l);
}

void sshd_config_free(struct sshd_config *cfg)
{
	if (cfg == NULL)
		return;
	strv_release(&cfg->notes);
	for (size_t i = 0; i < cfg->ndirs; i++) {
		free(cfg->dirs[i].keyword);
		strv_release(&cfg->dirs[i].args);
	}
	free(cfg->dirs);
	for (size_t i = 0; i < cfg->nmatches; i++) {
		for (size_t j = 0; j < cfg->matches[i].ncrit; j++) {
			free(cfg->matches[i].crit[j].name);
			free(cfg->matches[i].crit[j].patterns);
		}
		free(cfg->matches[i].crit);
		free(cfg->matches[i].text);
	}
	free(cfg->matches);
	free(cfg->ports);
	listen_release(cfg->listen_addrs, cfg->nlisten_addrs);
	listen_release(cfg->listen, cfg->nlisten);
	for (size_t i = 0; i < cfg->nproblems; i++)
		free(cfg->problems[i].message);
	free(cfg->problems);
	sshd_settings_release(&cfg->global);
	strv_release(&cfg->files);
	free(cfg);
}

/* ---- keywords we extract ---- */

enum kw {
	KW_OTHER = -1,
	/* settings_field order */
	KW_ADDRESSFAMILY = 0,
	KW_PERMITROOTLOGIN,
	KW_PASSWORDAUTH,
	KW_KBDINTAUTH,
	KW_PUBKEYAUTH,
	KW_MAXAUTHTRIES,
	KW_MAXSTARTUPS,
	KW_MAXSESSIONS,
	KW_USEPAM,
	/* settings_list order, offset by KW_LIST */
	KW_ALLOWUSERS = 100,
	KW_DENYUSERS,
	KW_ALLOWGROUPS,
	KW_DENYGROUPS,
	KW_PORT = 200,
	KW_LISTENADDRESS,
	KW_INCLUDE,
	KW_MATCH,
};
#define KW_LIST 100

static const struct {
	const char *name;
	enum kw kw;
	bool global_only;	/* refused inside Match by sshd */
} keywords[] = {
	{ "addressfamily", KW_ADDRESSFAMILY, true },
	{ "permitrootlogin", KW_PERMITROOTLOGIN, false },
	{ "passwordauthentication", KW_PASSWORDAUTH, false },
	{ "kbdinteractiveauthentication", KW_KBDINTAUTH, false },
	{ "challengeresponseauthentication", KW_KBDINTAUTH, false },
	{ "pubkeyauthentication", KW_PUBKEYAUTH, false },
	{ "maxauthtries", KW_MAXAUTHTRIES, false },
	{ "maxstartups", KW_MAXSTARTUPS, true },
	{ "maxsessions", KW_MAXSESSIONS, false },
	{ "usepam", KW_USEPAM, true },
	{ "allowusers", KW_ALLOWUSERS, false },
	{ "denyusers", KW_DENYUSERS, false },
	{ "allowgroups", KW_ALLOWGROUPS, false },
	{ "denygroups", KW_DENYGROUPS, false },
	{ "port", KW_PORT, true },
	{ "listenaddress", KW_LISTENADDRESS, true },
	{ "include", KW_INCLUDE, false },
	{ "match", KW_MATCH, false },
};

static enum kw keyword_lookup(const char *name, bool *global_only)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strcasecmp(name, keywords[i].name) == 0) {
			if (global_only)
				*global_only = keywords[i].global_only;
			return keywords[i].kw;
		}
	}
	return KW_OTHER;
}

/* Every keyword sshd knows (OpenSSH 9 and 10, with Debian's, Ubuntu's and
 * RHEL's additions), and those it still reads but ignores: anything else
 * is "Bad configuration option" and sshd refuses to start. */
static const char *const known_keywords[] = {
	"acceptenv", "addressfamily", "allowagentforwarding", "allowgroups", "allowstreamlocalforwarding",
	"allowtcpforwarding", "allowusers", "authenticationmethods", "authorizedkeyscommand",
	"authorizedkeyscommanduser", "authorizedkeysfile", "authorizedprincipalscommand",
	"authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner", "casignaturealgorithms",
	"challengeresponseauthentication", "channeltimeout", "chrootdirectory", "ciphers", "clientalivecountmax",
	"clientaliveinterval", "compression", "debianbanner", "denygroups", "denyusers", "disableforwarding",
	"exposeauthinfo", "fingerprinthash", "forcecommand", "gatewayports", "gssapiauthentication",
	"gssapicleanupcredentials", "gssapienablek5users", "gssapikexalgorithms", "gssapikeyexchange",
	"gssapistorecredentialsonrekey", "gssapistrictacceptorcheck", "hostbasedacceptedalgorithms",
	"hostbasedacceptedkeytypes", "hostbasedauthentication", "hostbasedusesnamefrompacketonly",
	"hostcertificate", "hostkey", "hostkeyagent", "hostkeyalgorithms", "ignorerhosts", "ignoreuserknownhosts",
	"include", "ipqos", "kbdinteractiveauthentication", "kerberosauthentication", "kerberosgetafstoken",
	"kerberosorlocalpasswd", "kerberosticketcleanup", "kerberosusekuserok", "kexalgorithms", "keepalive",
	"listenaddress", "logingracetime", "loglevel", "logverbose", "macs", "match", "maxauthtries",
	"maxsessions", "maxstartups", "modulifile", "passwordauthentication", "permitemptypasswords",
	"permitlisten", "permitopen", "permitrootlogin", "permittty", "permittunnel", "permituserenvironment",
	"permituserrc", "persourcemaxstartups", "persourcenetblocksize", "persourcepenalties",
	"persourcepenaltyexemptlist", "pidfile", "port", "printlastlog", "printmotd", "pubkeyacceptedalgorithms",
	"pubkeyacceptedkeytypes", "pubkeyauthentication", "pubkeyauthoptions", "rdomain", "refuseconnection",
	"rekeylimit", "requiredrsasize", "revokedkeys", "securitykeyprovider", "setenv", "sshdauthpath",
	"sshdsessionpath", "streamlocalbindmask", "streamlocalbindunlink", "strictmodes", "subsystem",
	"syslogfacility", "tcpkeepalive", "trustedusercakeys", "unusedconnectiontimeout", "usedns", "usepam",
	"versionaddendum", "x11displayoffset", "x11forwarding", "x11uselocalhost", "xauthlocation",
	"pamservicename", "gssapiindicators",
	NULL,
};

/* Read and ignored, with a warning ("Deprecated option", "Unsupported option"). */
static const char *const ignored_keywords[] = {
	"afstokenpassing", "authorizedkeysfile2", "checkmail", "dsaauthentication", "hostdsakey",
	"keyregenerationinterval", "kerberostgtpassing", "pamauthenticationviakbdint", "protocol",
	"reversemappingcheck", "rhostsauthentication", "rhostsrsaauthentication", "rsaauthentication",
	"serverkeybits", "showpatchlevel", "skeyauthentication", "uselogin", "useprivilegeseparation",
	"verifyreversemapping",
	NULL,
};

static bool word_listed(const char *const *list, const char *w)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(list[i], w) == 0)
			return true;
	return false;
}

/* ---- parse state ---- */

struct parser {
	struct sshd_config *cfg;
	const struct sshd_config_io *io;
	size_t dirs_alloc, matches_alloc, ports_alloc, la_alloc, problems_alloc;
	int cur_match;		/* the Match block lines go to, -1 global */
	int include_match;	/* the Match block around the current Include, -1 */
	size_t nreads;		/* included files read, against fan-out */
	bool capped;
	struct strv subsystems;	/* Subsystem names defined outside Match */
};

static void problem_add(struct parser *ps, struct sshd_origin at, char *msg_owned)
{
	struct sshd_config *cfg = ps->cfg;

	GROW(cfg->problems, cfg->nproblems, ps->problems_alloc);
	cfg->problems[cfg->nproblems].at = at;
	cfg->problems[cfg->nproblems].message = msg_owned;
	cfg->nproblems++;
}

/* Records the file name once; returns the stable pointer origins use. */
static const char *file_intern(struct parser *ps, const char *path)
{
	for (size_t i = 0; i < ps->cfg->files.n; i++)
		if (strcmp(ps->cfg->files.v[i], path) == 0)
			return ps->cfg->files.v[i];
	strv_push_owned(&ps->cfg->files, pstr(path));
	return ps->cfg->files.v[ps->cfg->files.n - 1];
}

/*
 * Splits the arguments as OpenSSH's argv_split(..., terminate_on_comment):
 * white space separates, "" and '' quote, backslash escapes quotes,
 * backslash and (outside quotes) space, '#' at a word start ends the line.
 * Returns 0, or -1 on an unterminated quote.
 */
static int split_args(const char *s, struct strv *out)
{
	size_t i = 0;

	while (s[i] != '\0') {
		struct strbuf arg;
		char quote = 0;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		strbuf_init(&arg);
		for (; s[i] != '\0'; i++) {
			if (s[i] == '\\') {
				char c = s[i + 1];

				if (c == '\'' || c == '"' || c == '\\' || (quote == 0 && c == ' ')) {
					i++;
					strbuf_addch(&arg, c);
				} else {
					strbuf_addch(&arg, '\\');
				}
			} else if (quote == 0 && (s[i] == ' ' || s[i] == '\t')) {
				break;
			} else if (quote == 0 && (s[i] == '"' || s[i] == '\'')) {
				quote = s[i];
			} else if (quote != 0 && s[i] == quote) {
				quote = 0;
			} else {
				strbuf_addch(&arg, s[i]);
			}
		}
		if (quote != 0) {
			strbuf_release(&arg);
			return -1;
		}
		strv_push_owned(out, arg.buf);	/* handed over */
	}
	return 0;
}

/* Splits "host", "host:port", "[v6]", "[v6]:port" or a bare v6 address.
 * Returns 0 with *host (caller frees) and *port (0 if none), or -1. */
static int split_hostport(const char *arg, char **host, int *port)
{
	const char *colon = strchr(arg, ':');
	const char *portp = NULL;
	size_t hlen;

	*host = NULL;
	*port = 0;
	if (*arg == '\0')
		return -1;
	if (arg[0] != '[' && colon != NULL && strchr(colon + 1, ':') != NULL) {
		*host = xstrdup(arg);
		return 0;
	}
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (close == NULL || close == arg + 1)
			return -1;
		hlen = (size_t)(close - arg - 1);
		if (close[1] == ':')
			portp = close + 2;
		else if (close[1] != '\0')
			return -1;
		*host = xstrndup(arg + 1, hlen);
	} else {
		hlen = colon ? (size_t)(colon - arg) : strlen(arg);
		if (hlen == 0)
			return -1;
		if (colon)
			portp = colon + 1;
		*host = xstrndup(arg, hlen);
	}
	if (portp != NULL) {
		char *end;
		long v = strtol(portp, &end, 10);

		if (*portp < '0' || *portp > '9' || *end != '\0' || v <= 0 || v > 65535) {
			free(*host);
			*host = NULL;
			return -1;
		}
		*port = (int)v;
	}
	return 0;
}

/* sshd's a2port: 1..65535 or -1. */
static int port_parse(const char *s)
{
	char *end;
	long v;

	/* sshd's a2port also takes a service name; the one people use */
	if (strcasecmp(s, "ssh") == 0)
		return 22;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v <= 0 || v > 65535)
		return -1;
	return (int)v;
}

static enum sshd_match_attr match_attr_lookup(const char *name)
{
	static const struct {
		const char *name;
		enum sshd_match_attr attr;
	} attrs[] = {
		{ "all", SSHD_MATCH_ALL },
		{ "user", SSHD_MATCH_USER },
		{ "group", SSHD_MATCH_GROUP },
		{ "host", SSHD_MATCH_HOST },
		{ "address", SSHD_MATCH_ADDRESS },
		{ "localaddress", SSHD_MATCH_LOCALADDRESS },
		{ "localport", SSHD_MATCH_LOCALPORT },
		{ "rdomain", SSHD_MATCH_RDOMAIN },
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		if (strcasecmp(name, attrs[i].name) == 0)
			return attrs[i].attr;
	return SSHD_MATCH_UNKNOWN;
}

/* Starts a Match block from its arguments. */
static void match_begin(struct parser *ps, const struct sshd_directive *d)
{
	struct sshd_config *cfg = ps->cfg;
	struct sshd_match *m;
	struct strbuf text;
	size_t i = 0;

	GROW(cfg->matches, cfg->nmatches, ps->matches_alloc);
	m = &cfg->matches[cfg->nmatches];
	memset(m, 0, sizeof(*m));
	m->at = d->at;
	m->within = ps->include_match;
	strbuf_init(&text);
	for (size_t k = 0; k < d->args.n; k++) {
		if (k)
			strbuf_addch(&text, ' ');
		strbuf_addstr(&text, d->args.v[k]);
	}
	m->text = text.buf;	/* handed over */
	m->crit = xcalloc(d->args.n + 1, sizeof(*m->crit));
	if (d->args.n == 0)
		problem_add(ps, d->at, xstrdup("'Match' needs at least one criterion"));
	while (i < d->args.n) {
		struct sshd_match_criterion *c = &m->crit[m->ncrit++];
		const char *eq = strchr(d->args.v[i], '=');

		/* sshd also takes "Match User=alice": the criterion and its
		 * patterns in one word */
		if (eq != NULL && eq != d->args.v[i] && eq[1] != '\0') {
			c->name = xstrndup(d->args.v[i], (size_t)(eq - d->args.v[i]));
			c->attr = match_attr_lookup(c->name);
			c->patterns = xstrdup(eq + 1);
			i++;
			if (c->attr == SSHD_MATCH_UNKNOWN || c->attr == SSHD_MATCH_ALL)
				problem_add(ps, d->at, xasprintf("unsupported Match attribute '%s'", c->name));
			else if (c->attr == SSHD_MATCH_LOCALPORT && port_parse(c->patterns) < 0)
				problem_add(ps, d->at, xasprintf("Match LocalPort '%s' is not a port number", c->patterns));
			continue;
		}
		c->name = xstrdup(d->args.v[i]);
		c->attr = match_attr_lookup(c->name);
		i++;
		if (c->attr == SSHD_MATCH_ALL) {
			if (d->args.n != 1)
				problem_add(ps, d->at, xstrdup("'Match All' must stand alone"));
			continue;
		}
		if (c->attr == SSHD_MATCH_UNKNOWN)
			problem_add(ps, d->at, xasprintf("unsupported Match attribute '%s'", c->name));
		if (i >= d->args.n) {
			problem_add(ps, d->at, xasprintf("Match '%s' needs an argument", c->name));
			break;
		}
		c->patterns = xstrdup(d->args.v[i++]);
		if (c->attr == SSHD_MATCH_LOCALPORT && port_parse(c->patterns) < 0)
			problem_add(ps, d->at, xasprintf("Match LocalPort '%s' is not a port number", c->patterns));
	}
	ps->cur_match = (int)cfg->nmatches;
	cfg->nmatches++;
}

/* A Port line (global only). */
static void port_add(struct parser *ps, const struct sshd_directive *d)
{
	struct sshd_config *cfg = ps->cfg;
	int port;

	if (d->args.n != 1) {
		problem_add(ps, d->at, xstrdup(d->args.n ? "'Port' takes one port number"
							: "no argument after keyword 'Port'"));
		if (d->args.n == 0)
			return;
	}
	if ((port = port_parse(d->args.v[0])) < 0) {
		problem_add(ps, d->at, xasprintf("badly formatted port number '%s'", d->args.v[0]));
		return;
	}
	GROW(cfg->ports, cfg->nports, ps->ports_alloc);
	cfg->ports[cfg->nports].port = port;
	cfg->ports[cfg->nports].at = d->at;
	cfg->nports++;
}

/* A ListenAddress line: "host[:port] [rdomain NAME]". */
static void listen_addr_add(struct parser *ps, const struct sshd_directive *d)
{
	struct sshd_config *cfg = ps->cfg;
	struct sshd_listen *l;
	char *host;
	int port;

	if (d->args.n == 0) {
		problem_add(ps, d->at, xstrdup("no argument after keyword 'ListenAddress'"));
		return;
	}
	if (split_hostport(d->args.v[0], &host, &port) != 0) {
		problem_add(ps, d->at, xasprintf("bad ListenAddress '%s' (use HOST, HOST:PORT or [V6]:PORT)",
					   d->args.v[0]));
		return;
	}
	if (d->args.n != 1 && (d->args.n != 3 || strcmp(d->args.v[1], "rdomain") != 0)) {
		problem_add(ps, d->at, xstrdup("bad ListenAddress syntax (only 'rdomain NAME' may follow the address)"));
		free(host);
		return;
	}
	GROW(cfg->listen_addrs, cfg->nlisten_addrs, ps->la_alloc);
	l = &cfg->listen_addrs[cfg->nlisten_addrs++];
	l->host = host;
	l->port = port;
	l->rdomain = d->args.n == 3 ? xstrdup(d->args.v[2]) : NULL;
	l->at = d->at;
}

/* Applies one directive to settings s, first value winning. */
static void settings_apply(struct sshd_settings *s, const struct sshd_directive *d)
{
	enum kw kw = keyword_lookup(d->keyword, NULL);
	struct sshd_setting *f;
	struct sshd_list *l;

	if (d->args.n == 0)
		return;
	if ((f = settings_field(s, (int)kw)) != NULL) {
		/* OpenSSH before 10.1 lets a later MaxStartups replace an
		 * earlier one (sshd -T shows the last); every other keyword
		 * keeps its first value */
		if (f->value != NULL && kw == KW_MAXSTARTUPS && !s->first_maxstartups) {
			/* sshd reads the new numbers over the old ones: "10"
			 * after "3:50:20" gives 10:50:10 */
			struct sshd_maxstartups old, nw;

			if (sshd_maxstartups_parse(f->value, &old) == 0 &&
			    sshd_maxstartups_parse(d->args.v[0], &nw) == 0) {
				bool one = strchr(d->args.v[0], ':') == NULL;

				free(f->value);
				f->value = xasprintf("%d:%d:%d", nw.start, one ? old.rate : nw.rate, nw.full);
			} else {
				free(f->value);
				f->value = xstrdup(d->args.v[0]);
			}
			f->at = d->at;
		} else if (f->value == NULL) {
			f->value = xstrdup(d->args.v[0]);
			f->at = d->at;
		}
	} else if (kw >= KW_ALLOWUSERS && (l = settings_list(s, (int)kw - KW_LIST)) != NULL) {
		for (size_t i = 0; i < d->args.n; i++)
			list_push(l, d->args.v[i], d->at);
	}
}

static int int_or(const struct sshd_setting *f, int dflt)
{
	char *end;
	long v;

	if (f->value == NULL)
		return dflt;
	v = strtol(f->value, &end, 10);
	if (end == f->value || *end != '\0' || v < 0 || v > INT_MAX)
		return -1;
	return (int)v;
}

/* Fills the parsed fields from the text ones. */
static void settings_finish(struct sshd_settings *s)
{
	s->max_auth_tries_n = int_or(&s->max_auth_tries, 6);
	s->max_sessions_n = int_or(&s->max_sessions, 10);
	if (s->max_startups.value == NULL) {
		s->max_startups_v = (struct sshd_maxstartups){ 10, 30, 100 };
	} else if (sshd_maxstartups_parse(s->max_startups.value, &s->max_startups_v) != 0) {
		s->max_startups_v = (struct sshd_maxstartups){ -1, -1, -1 };
	}
}

int sshd_maxstartups_parse(const char *text, struct sshd_maxstartups *out)
{
	long v[3];
	int n = 0;
	const char *p = text;

	/* as sshd's sscanf(arg, "%d:%d:%d"): count the numbers read in a row */
	while (n < 3) {
		char *end;

		if (n > 0) {
			if (*p != ':')
				break;
			p++;
		}
		if (*p < '0' || *p > '9')
			break;
		v[n] = strtol(p, &end, 10);
		if (v[n] > INT_MAX)
			return -1;
		n++;
		p = end;
	}
	if (n == 1) {
		/* "N": refuse beyond N, no random early drop (rate keeps its default) */
		out->start = out->full = (int)v[0];
		out->rate = 30;
		return 0;
	}
	/* sshd: "rate > 100 || rate < 1 || start > full" are errors */
	if (n != 3 || v[1] > 100 || v[1] < 1 || v[0] > v[2])
		return -1;
	out->start = (int)v[0];
	out->rate = (int)v[1];
	out->full = (int)v[2];
	return 0;
}

int sshd_setting_bool(const struct sshd_setting *s, int dflt)
{
	if (s->value == NULL)
		return dflt;
	if (strcasecmp(s->value, "yes") == 0)
		return 1;
	if (strcasecmp(s->value, "no") == 0)
		return 0;
	return -1;
}

/* Checks values the way sshd would refuse them; only for what we extract. */
static void directive_check(struct parser *ps, const struct sshd_directive *d, enum kw kw)
{
	const char *v = d->args.n ? d->args.v[0] : NULL;
	struct sshd_maxstartups ms;

	if (v == NULL)
		return;
	switch (kw) {
	case KW_ADDRESSFAMILY:
		if (strcasecmp(v, "any") && strcasecmp(v, "inet") && strcasecmp(v, "inet6"))
			problem_add(ps, d->at, xasprintf("unsupported AddressFamily '%s' (any, inet or inet6)", v));
		break;
	case KW_PASSWORDAUTH:
	case KW_KBDINTAUTH:
	case KW_PUBKEYAUTH:
	case KW_USEPAM:
		if (strcasecmp(v, "yes") && strcasecmp(v, "no"))
			problem_add(ps, d->at, xasprintf("unsupported option '%s' for '%s' (yes or no)", v, d->keyword));
		break;
	case KW_PERMITROOTLOGIN:
		if (strcasecmp(v, "yes") && strcasecmp(v, "no") &&
		    strcasecmp(v, "prohibit-password") && strcasecmp(v, "without-password") &&
		    strcasecmp(v, "forced-commands-only"))
			problem_add(ps, d->at, xasprintf("unsupported PermitRootLogin '%s'", v));
		break;
	case KW_MAXAUTHTRIES:
	case KW_MAXSESSIONS: {
		struct sshd_setting tmp = { .value = (char *)v };

		if (int_or(&tmp, 0) < 0)
			problem_add(ps, d->at, xasprintf("'%s' needs a number, not '%s'", d->keyword, v));
		break;
	}
	case KW_MAXSTARTUPS:
		if (sshd_maxstartups_parse(v, &ms) != 0)
			problem_add(ps, d->at, xasprintf("bad MaxStartups '%s' (start:rate:full, rate 1-100, start <= full)", v));
		break;
	default:
		break;
	}
}

static void parse_buffer(struct parser *ps, const char *path, const char *buf, size_t len, int depth);

/* Include: each argument a glob pattern, relative to /etc/ssh. */
static void include_run(struct parser *ps, const struct sshd_directive *d, int depth)
{
	const struct sshd_config_io *io = ps->io;

	if (d->args.n == 0) {
		problem_add(ps, d->at, xstrdup("no argument after keyword 'Include'"));
		return;
	}
	if (io == NULL || io->read_file == NULL) {
		problem_add(ps, d->at, xstrdup("'Include' was not followed (no file access given)"));
		return;
	}
	for (size_t i = 0; i < d->args.n; i++) {
		const char *arg = d->args.v[i];
		struct strv paths;
		char *pattern;
		int r = 0;

		pattern = (arg[0] == '/' || arg[0] == '~') ? xstrdup(arg)
							  : xasprintf("%s/%s", SSHD_CONFIG_DIR, arg);
		strv_init(&paths);
		if (io->glob != NULL)
			r = io->glob(io->ctx, pattern, &paths);
		else
			strv_push(&paths, pattern);
		if (r < 0)
			problem_add(ps, d->at, xasprintf("cannot expand Include '%s': %s", pattern, errno_text(-r)));
		for (size_t k = 0; k < paths.n && !ps->capped; k++) {
			struct strbuf content;
			int saved = ps->cur_match, saved_inc = ps->include_match;

			if (depth + 1 > SSHD_CONFIG_MAX_DEPTH) {
				problem_add(ps, d->at, xasprintf("too many recursive configuration includes (at '%s')",
							   paths.v[k]));
				ps->capped = true;
				break;
			}
			if (++ps->nreads > SSHD_MAX_FILES) {
				problem_add(ps, d->at, xstrdup("too many included files; stopped reading"));
				ps->capped = true;
				break;
			}
			strbuf_init(&content);
			r = io->read_file(io->ctx, paths.v[k], &content);
			if (r < 0) {
				problem_add(ps, d->at, xasprintf("cannot read included file '%s': %s",
							   paths.v[k], errno_text(-r)));
			} else {
				if (saved >= 0)
					ps->include_match = saved;
				parse_buffer(ps, paths.v[k], content.buf, content.len, depth + 1);
			}
			strbuf_release(&content);
			/* sshd restores the includer's Match state after the file */
			ps->cur_match = saved;
			ps->include_match = saved_inc;
		}
		strv_release(&paths);
		free(pattern);
	}
}

/* Splits keyword from arguments like sshd's strdelim: white space or one '='. */
static const char *split_keyword(const char *line, char **keyword)
{
	const char *p = line, *k;

	*keyword = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return NULL;
	k = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '=')
		p++;
	*keyword = xstrndup(k, (size_t)(p - k));
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '=')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void parse_line(struct parser *ps, const char *file, unsigned lineno, char *line, int depth)
{
	struct sshd_config *cfg = ps->cfg;
	struct sshd_origin at = { file, lineno };
	struct sshd_directive *d;
	char *keyword;
	const char *rest;
	size_t n;
	bool global_only = false;
	enum kw kw;

	/* trailing white space, \r and \f */
	n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r' ||
			 line[n - 1] == '\f' || line[n - 1] == '\n'))
		line[--n] = '\0';
	if ((rest = split_keyword(line, &keyword)) == NULL)
		return;
	if (*keyword == '\0') {
		/* "=value" with no keyword */
		problem_add(ps, at, xstrdup("a line starts with '=' and has no keyword"));
		free(keyword);
		return;
	}
	if (cfg->ndirs >= SSHD_MAX_DIRECTIVES) {
		if (!ps->capped)
			problem_add(ps, at, xstrdup("too many configuration lines; stopped reading"));
		ps->capped = true;
		free(keyword);
		return;
	}
	GROW(cfg->dirs, cfg->ndirs, ps->dirs_alloc);
	d = &cfg->dirs[cfg->ndirs];
	memset(d, 0, sizeof(*d));
	d->keyword = pstr(keyword);
	free(keyword);
	strv_init(&d->args);
	d->at = at;
	if (split_args(rest, &d->args) != 0) {
		problem_add(ps, at, xstrdup("invalid quotes"));
		strv_release(&d->args);
		strv_init(&d->args);
	} else {
		/* make the arguments printable in place */
		for (size_t i = 0; i < d->args.n; i++) {
			char *p = pstr(d->args.v[i]);

			free(d->args.v[i]);
			d->args.v[i] = p;
		}
	}
	kw = keyword_lookup(d->keyword, &global_only);
	if (kw == KW_OTHER && word_listed(ignored_keywords, d->keyword))
		strv_pushf(&cfg->notes, "%s line %u: deprecated option '%s': sshd ignores it", at.file ? at.file : "?",
			   at.line, d->keyword);
	else if (kw == KW_OTHER && !word_listed(known_keywords, d->keyword))
		problem_add(ps, at, xasprintf("bad configuration option '%s': sshd knows no such keyword", d->keyword));
	else if (strcasecmp(d->keyword, "subsystem") == 0 && d->args.n > 0 && ps->cur_match < 0) {
		/* sshd: "Subsystem 'sftp' already defined." */
		if (strv_contains(&ps->subsystems, d->args.v[0]))
			problem_add(ps, at, xasprintf("Subsystem '%s' already defined", d->args.v[0]));
		else
			strv_push(&ps->subsystems, d->args.v[0]);
	}
	if (kw == KW_MATCH) {
		d->match = -1;
		cfg->ndirs++;
		match_begin(ps, d);
		/* match_begin may have grown nothing in dirs; d stays valid */
		d = &cfg->dirs[cfg->ndirs - 1];
		d->match = ps->cur_match;
		return;
	}
	d->match = ps->cur_match;
	cfg->ndirs++;
	if (d->args.n == 0) {
		problem_add(ps, at, xasprintf("no argument after keyword '%s'", d->keyword));
		return;
	}
	if (global_only && ps->cur_match >= 0) {
		const struct sshd_match *m = &cfg->matches[ps->cur_match];

		/* sshd -t lets it pass under "Match All" (a connection then
		 * fails on it); under any other criterion it refuses */
		if (!(m->ncrit == 1 && m->crit[0].attr == SSHD_MATCH_ALL)) {
			problem_add(ps, at, xasprintf("directive '%s' is not allowed within a Match block", d->keyword));
			return;
		}
		/* under "Match All" sshd reads it as a global line */
		strv_pushf(&cfg->notes, "%s line %u: '%s' stands in a Match All block: sshd takes it as a global setting",
			   at.file ? at.file : "?", at.line, d->keyword);
	}
	directive_check(ps, d, kw);
	if (kw == KW_PORT)
		port_add(ps, &cfg->dirs[cfg->ndirs - 1]);
	else if (kw == KW_LISTENADDRESS)
		listen_addr_add(ps, &cfg->dirs[cfg->ndirs - 1]);
	else if (kw == KW_INCLUDE) {
		/* copy: dirs may move while the include is read */
		struct sshd_directive inc = cfg->dirs[cfg->ndirs - 1];
		struct strv args;

		strv_init(&args);
		strv_copy(&args, &inc.args);
		inc.args = args;
		include_run(ps, &inc, depth);
		strv_release(&args);
	}
}

static void parse_buffer(struct parser *ps, const char *path, const char *buf, size_t len, int depth)
{
	const char *file = file_intern(ps, path);
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;

	while (p < end && !ps->capped) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		char *line = xstrndup(p, (size_t)(lend - p));	/* stops at a NUL, as sshd */

		lineno++;
		parse_line(ps, file, lineno, line, depth);
		free(line);
		p = eol ? eol + 1 : end;
	}
}

static void listen_push(struct sshd_listen **v, size_t *n, size_t *alloc, const char *host,
			int port, const char *rdomain, struct sshd_origin at)
{
	struct sshd_listen *l;

	GROW(*v, *n, *alloc);
	l = &(*v)[(*n)++];
	l->host = xstrdup(host);
	l->port = port;
	l->rdomain = rdomain ? xstrdup(rdomain) : NULL;
	l->at = at;
}

/* Port x ListenAddress, as sshd's add_listen_addr. */
static void listen_compute(struct sshd_config *cfg)
{
	struct sshd_port dflt = { SSHD_DEFAULT_PORT, { cfg->files.n ? cfg->files.v[0] : NULL, 0 } };
	const struct sshd_port *ports = cfg->nports ? cfg->ports : &dflt;
	size_t nports = cfg->nports ? cfg->nports : 1, alloc = 0;
	const char *af = cfg->global.address_family.value;

	if (cfg->nlisten_addrs == 0) {
		for (size_t i = 0; i < nports; i++) {
			if (af == NULL || strcasecmp(af, "inet") != 0)
				listen_push(&cfg->listen, &cfg->nlisten, &alloc, "::", ports[i].port,
					    NULL, ports[i].at);
			if (af == NULL || strcasecmp(af, "inet6") != 0)
				listen_push(&cfg->listen, &cfg->nlisten, &alloc, "0.0.0.0",
					    ports[i].port, NULL, ports[i].at);
		}
		return;
	}
	for (size_t i = 0; i < cfg->nlisten_addrs; i++) {
		const struct sshd_listen *la = &cfg->listen_addrs[i];

		if (la->port != 0) {
			listen_push(&cfg->listen, &cfg->nlisten, &alloc, la->host, la->port,
				    la->rdomain, la->at);
			continue;
		}
		for (size_t k = 0; k < nports; k++)
			listen_push(&cfg->listen, &cfg->nlisten, &alloc, la->host, ports[k].port,
				    la->rdomain, la->at);
	}
}

/* An address of the family AddressFamily leaves out: sshd cannot resolve
 * it ("bad addr or host: 0.0.0.0 (Address family for hostname not
 * supported)"), wherever in the file AddressFamily stands. */
static void family_check(struct parser *ps)
{
	const struct sshd_config *cfg = ps->cfg;
	const char *af = cfg->global.address_family.value;
	unsigned char b[16];

	if (af == NULL || strcasecmp(af, "any") == 0)
		return;
	for (size_t i = 0; i < cfg->nlisten_addrs; i++) {
		const struct sshd_listen *la = &cfg->listen_addrs[i];
		bool v4 = inet_pton(AF_INET, la->host, b) == 1, v6 = inet_pton(AF_INET6, la->host, b) == 1;

		if ((v4 && strcasecmp(af, "inet6") == 0) || (v6 && strcasecmp(af, "inet") == 0))
			problem_add(ps, la->at, xasprintf("bad addr or host: %s (AddressFamily %s leaves its family out)",
							  la->host, af));
	}
}

/* "Match All" applies to every connection: sshd -T reads it with the global
 * settings (checked against sshd -T: tests/diff/). */
static bool match_is_all(const struct sshd_config *cfg, int m)
{
	return m >= 0 && (size_t)m < cfg->nmatches && cfg->matches[m].ncrit == 1 &&
	       cfg->matches[m].crit[0].attr == SSHD_MATCH_ALL &&
	       (cfg->matches[m].within < 0 || match_is_all(cfg, cfg->matches[m].within));
}

static void global_compute(struct sshd_config *cfg)
{
	struct sshd_settings mo;
	struct sshd_setting *f, *g;

	for (size_t i = 0; i < cfg->ndirs; i++)
		if (cfg->dirs[i].match < 0)
			settings_apply(&cfg->global, &cfg->dirs[i]);
	/* then the Match All blocks override, as any matching block does */
	settings_init(&mo);
	mo.first_maxstartups = cfg->global.first_maxstartups;
	for (size_t i = 0; i < cfg->ndirs; i++)
		if (cfg->dirs[i].match >= 0 && match_is_all(cfg, cfg->dirs[i].match))
			settings_apply(&mo, &cfg->dirs[i]);
	for (int i = 0; (f = settings_field(&mo, i)) != NULL; i++) {
		if (f->value == NULL)
			continue;
		g = settings_field(&cfg->global, i);
		free(g->value);
		g->value = f->value;
		g->at = f->at;
		f->value = NULL;
	}
	sshd_settings_release(&mo);
	settings_finish(&cfg->global);
}

int sshd_config_parse(struct sshd_config *cfg, const char *path, const char *buf, size_t len,
		      const struct sshd_config_io *io)
{
	struct parser ps = { .cfg = cfg, .io = io, .cur_match = -1, .include_match = -1 };

	if (cfg->files.n != 0 || cfg->ndirs != 0)
		return -1;
	cfg->global.first_maxstartups = io != NULL && io->openssh_version >= 1001;
	strv_init(&ps.subsystems);
	parse_buffer(&ps, path, buf, len, 0);
	strv_release(&ps.subsystems);
	global_compute(cfg);
	listen_compute(cfg);
	family_check(&ps);
	return 0;
}

int sshd_config_parse_dump(struct sshd_config *cfg, const char *label, const char *buf, size_t len)
{
	struct parser ps = { .cfg = cfg, .cur_match = -1, .include_match = -1 };
	const char *file;
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	size_t alloc = 0;

	if (cfg->files.n != 0 || cfg->ndirs != 0)
		return -1;
	file = file_intern(&ps, label);
	cfg->from_dump = true;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		char *line = xstrndup(p, (size_t)(lend - p));
		struct sshd_origin at = { file, ++lineno };
		struct sshd_directive *d;
		char *sp, *val;

		p = eol ? eol + 1 : end;
		str_trim(line);
		if (*line == '\0' || cfg->ndirs >= SSHD_MAX_DIRECTIVES) {
			free(line);
			continue;
		}
		sp = line + strcspn(line, " \t");
		val = *sp ? sp + 1 : sp;
		*sp = '\0';
		val = str_trim(val);
		GROW(cfg->dirs, cfg->ndirs, ps.dirs_alloc);
		d = &cfg->dirs[cfg->ndirs++];
		memset(d, 0, sizeof(*d));
		d->keyword = pstr(line);
		strv_init(&d->args);
		d->at = at;
		d->match = -1;
		/* values are the words sshd printed; no quoting in this output */
		for (char *w = val; *w;) {
			size_t wl = strcspn(w, " \t");

			strv_push_owned(&d->args, pdup(w, wl));
			w += wl;
			w += strspn(w, " \t");
		}
		if (strcasecmp(d->keyword, "port") == 0 && d->args.n >= 1) {
			int port = port_parse(d->args.v[0]);

			if (port > 0) {
				GROW(cfg->ports, cfg->nports, ps.ports_alloc);
				cfg->ports[cfg->nports].port = port;
				cfg->ports[cfg->nports++].at = at;
			}
		} else if (strcasecmp(d->keyword, "listenaddress") == 0 && d->args.n >= 1) {
			char *host;
			int port;
			const char *rdomain = NULL;

			if (d->args.n == 3 && strcmp(d->args.v[1], "rdomain") == 0)
				rdomain = d->args.v[2];
			if (split_hostport(d->args.v[0], &host, &port) == 0) {
				listen_push(&cfg->listen_addrs, &cfg->nlisten_addrs, &ps.la_alloc,
					    host, port, rdomain, at);
				listen_push(&cfg->listen, &cfg->nlisten, &alloc, host, port, rdomain, at);
				free(host);
			} else {
				problem_add(&ps, at, xasprintf("cannot read listenaddress '%s'", d->args.v[0]));
			}
		}
		free(line);
	}
	global_compute(cfg);
	return 0;
}

/* ---- Match evaluation ---- */

static int crit_test(const struct sshd_match_criterion *c, const struct sshd_conn *conn)
{
	int r;

	switch (c->attr) {
	case SSHD_MATCH_ALL:
		return 1;
	case SSHD_MATCH_UNKNOWN:
		return 0;
	default:
		break;
	}
	if (c->patterns == NULL)
		return 0;
	switch (c->attr) {
	case SSHD_MATCH_USER:
		if (conn->user == NULL)
			return -1;
		return pattern_list_match(conn->user, c->patterns, false) == 1;
	case SSHD_MATCH_GROUP: {
		bool found = false;

		if (conn->groups == NULL)
			return -1;
		for (size_t i = 0; i < conn->groups->n; i++) {
			r = pattern_list_match(conn->groups->v[i], c->patterns, false);
			if (r < 0)
				return 0;
			if (r > 0)
				found = true;
		}
		return found;
	}
	case SSHD_MATCH_HOST:
		if (conn->host == NULL)
			return -1;
		return pattern_list_match(conn->host, c->patterns, true) == 1;
	case SSHD_MATCH_ADDRESS:
		if (conn->addr == NULL)
			return -1;
		return addr_list_match(conn->addr, c->patterns) == 1;
	case SSHD_MATCH_LOCALADDRESS:
		if (conn->laddr == NULL)
			return -1;
		return addr_list_match(conn->laddr, c->patterns) == 1;
	case SSHD_MATCH_LOCALPORT:
		if (conn->lport <= 0)
			return -1;
		return port_parse(c->patterns) == conn->lport;
	case SSHD_MATCH_RDOMAIN:
		if (conn->rdomain == NULL)
			return -1;
		return pattern_list_match(conn->rdomain, c->patterns, false) == 1;
	default:
		return 0;
	}
}

int sshd_match_test(const struct sshd_match *m, const struct sshd_conn *conn)
{
	bool unknown = false;

	if (m->ncrit == 0)
		return 0;
	for (size_t i = 0; i < m->ncrit; i++) {
		int r = crit_test(&m->crit[i], conn);

		if (r == 0)
			return 0;
		if (r < 0)
			unknown = true;
	}
	return unknown ? -1 : 1;
}

void sshd_config_evaluate(const struct sshd_config *cfg, const struct sshd_conn *conn,
			  struct sshd_settings *out)
{
	struct sshd_settings mo;
	int *verdict = xcalloc(cfg->nmatches + 1, sizeof(*verdict));
	struct sshd_setting *f, *g;

	settings_init(out);
	settings_init(&mo);
	out->first_maxstartups = mo.first_maxstartups = cfg->global.first_maxstartups;
	for (size_t i = 0; i < cfg->nmatches; i++) {
		int within = cfg->matches[i].within;

		verdict[i] = sshd_match_test(&cfg->matches[i], conn);
		if (within >= 0 && within < (int)i && verdict[within] <= 0)
			verdict[i] = verdict[within] < 0 && verdict[i] != 0 ? -1 : 0;
		if (verdict[i] < 0)
			out->undetermined = true;
		if (verdict[i] > 0) {
			out->applied = xrealloc(out->applied, (out->napplied + 1) * sizeof(*out->applied));
			out->applied[out->napplied++] = i;
		}
	}
	/* global values first, then matching blocks override (first block wins) */
	for (size_t i = 0; i < cfg->ndirs; i++) {
		const struct sshd_directive *d = &cfg->dirs[i];

		if (d->match < 0)
			settings_apply(out, d);
		else if (verdict[d->match] > 0)
			settings_apply(&mo, d);
	}
	for (int i = 0; (f = settings_field(&mo, i)) != NULL; i++) {
		if (f->value == NULL)
			continue;
		g = settings_field(out, i);
		free(g->value);
		g->value = f->value;
		g->at = f->at;
		f->value = NULL;
	}
	for (int i = 0; i < 4; i++) {
		struct sshd_list *ml = settings_list(&mo, i), *ol = settings_list(out, i);

		if (ml->v.n == 0)
			continue;
		list_release(ol);
		strv_init(&ol->v);
		list_copy(ol, ml);
	}
	sshd_settings_release(&mo);
	settings_finish(out);
	free(verdict);
}

/* sshd's match_user: "user" or "user@host-or-address-patterns". */
static int user_pattern_match(const char *pattern, const char *user, const char *host,
			      const char *addr)
{
	const char *at = strchr(pattern, '@');
	char *upat;
	int ma, mh;
	bool um;

	if (at == NULL)
		return wild_match(user, pattern, false);
	upat = xstrndup(pattern, (size_t)(at - pattern));
	um = wild_match(user, upat, false);
	free(upat);
	if (!um)
		return 0;
	ma = addr != NULL ? addr_list_match(addr, at + 1) : 0;
	if (ma == -2 || ma == -1)
		return 0;
	mh = pattern_list_match(host ? host : (addr ? addr : ""), at + 1, true);
	if (mh == -1)
		return 0;
	return ma == 1 || mh == 1;
}

int sshd_settings_user_allowed(const struct sshd_settings *s, const char *user,
			       const struct strv *groups, const char *host,
			       const char *addr, char **reason)
{
	if (reason)
		*reason = NULL;
	for (size_t i = 0; i < s->deny_users.v.n; i++) {
		if (user_pattern_match(s->deny_users.v.v[i], user, host, addr)) {
			if (reason)
				*reason = xasprintf("user '%s' matches DenyUsers '%s' (%s line %u)", user,
					      s->deny_users.v.v[i], s->deny_users.at[i].file ? s->deny_users.at[i].file : "?",
					      s->deny_users.at[i].line);
			return 0;
		}
	}
	if (s->allow_users.v.n > 0) {
		bool ok = false;

		for (size_t i = 0; i < s->allow_users.v.n && !ok; i++)
			ok = user_pattern_match(s->allow_users.v.v[i], user, host, addr);
		if (!ok) {
			if (reason)
				*reason = xasprintf("user '%s' from '%s' is not listed in AllowUsers (%s line %u)",
					      user, addr ? addr : "?",
					      s->allow_users.at[0].file ? s->allow_users.at[0].file : "?",
					      s->allow_users.at[0].line);
			return 0;
		}
	}
	if (s->deny_groups.v.n == 0 && s->allow_groups.v.n == 0)
		return 1;
	if (groups == NULL)
		return -1;
	for (size_t i = 0; i < s->deny_groups.v.n; i++) {
		for (size_t g = 0; g < groups->n; g++) {
			if (wild_match(groups->v[g], s->deny_groups.v.v[i], false)) {
				if (reason)
					*reason = xasprintf("group '%s' of user '%s' matches DenyGroups '%s'",
						      groups->v[g], user, s->deny_groups.v.v[i]);
				return 0;
			}
		}
	}
	if (s->allow_groups.v.n > 0) {
		for (size_t i = 0; i < s->allow_groups.v.n; i++)
			for (size_t g = 0; g < groups->n; g++)
				if (wild_match(groups->v[g], s->allow_groups.v.v[i], false))
					return 1;
		if (reason)
			*reason = xasprintf("no group of user '%s' is listed in AllowGroups", user);
		return 0;
	}
	return 1;
}

/* ---- sshd -t ---- */

void sshd_check_init(struct sshd_check *c)
{
	c->v = NULL;
	c->n = 0;
}

void sshd_check_release(struct sshd_check *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].file);
		free(c->v[i].message);
		free(c->v[i].path);
	}
	free(c->v);
	sshd_check_init(c);
}

/* Finds "line N:" in s; returns the start of "line", with *num and *after. */
static const char *find_line_marker(const char *s, unsigned *num, const char **after)
{
	const char *p = s;

	while ((p = strstr(p, "line ")) != NULL) {
		const char *q = p + 5;
		unsigned long v = 0;
		size_t digits = 0;

		while (*q >= '0' && *q <= '9' && digits < 9) {
			v = v * 10 + (unsigned long)(*q - '0');
			q++;
			digits++;
		}
		if (digits > 0 && *q == ':' && p > s && (p[-1] == ' ')) {
			*num = (unsigned)v;
			q++;
			while (*q == ' ')
				q++;
			*after = q;
			return p;
		}
		p += 5;
	}
	return NULL;
}

static void check_push(struct sshd_check *c, enum sshd_check_kind kind, const char *file,
		       size_t filelen, unsigned line, const char *msg, const char *path)
{
	struct sshd_check_msg *m;

	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	m = &c->v[c->n++];
	m->kind = kind;
	m->file = file ? pdup(file, filelen) : NULL;
	m->line = line;
	m->message = pstr(msg);
	m->path = path ? pstr(path) : NULL;
}

static void check_line(struct sshd_check *c, const char *s)
{
	const char *marker, *after;
	unsigned num;
	const char *colon;

	if (str_starts_with(s, "Missing privilege separation directory:")) {
		const char *path = s + strlen("Missing privilege separation directory:");

		while (*path == ' ')
			path++;
		check_push(c, SSHD_CHECK_PRIVSEP_DIR, NULL, 0, 0, s, path);
		return;
	}
	if (strstr(s, "no hostkeys available") != NULL) {
		check_push(c, SSHD_CHECK_NO_HOSTKEYS, NULL, 0, 0, s, NULL);
		return;
	}
	if (str_starts_with(s, "Unable to load host key")) {
		const char *path = strchr(s, ':');

		path = path ? path + 1 : NULL;
		while (path && *path == ' ')
			path++;
		check_push(c, SSHD_CHECK_HOSTKEY, NULL, 0, 0, s, path && *path ? path : NULL);
		return;
	}
	if (strstr(s, "Too many recursive configuration includes") != NULL) {
		check_push(c, SSHD_CHECK_INCLUDE_DEPTH, NULL, 0, 0, s, NULL);
		return;
	}
	if ((marker = find_line_marker(s, &num, &after)) != NULL) {
		/* "FILE line N: MSG" or "FILE: line N: MSG" */
		const char *fend = marker - 1;

		while (fend > s && (fend[-1] == ' ' || fend[-1] == ':'))
			fend--;
		check_push(c, SSHD_CHECK_CONFIG, fend > s ? s : NULL, (size_t)(fend - s), num, after, NULL);
		return;
	}
	if ((colon = strstr(s, ": terminating, ")) != NULL) {
		check_push(c, SSHD_CHECK_SUMMARY, s, (size_t)(colon - s), 0, colon + 2, NULL);
		return;
	}
	check_push(c, SSHD_CHECK_OTHER, NULL, 0, 0, s, NULL);
}

int sshd_check_parse(struct sshd_check *c, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int added = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		char *line = xstrndup(p, (size_t)(lend - p));
		char *t = str_trim(line);

		p = eol ? eol + 1 : end;
		if (*t != '\0') {
			check_line(c, t);
			added++;
		}
		free(line);
	}
	return added;
}

const struct sshd_check_msg *sshd_check_first_fatal(const struct sshd_check *c)
{
	for (size_t i = 0; i < c->n; i++) {
		switch (c->v[i].kind) {
		case SSHD_CHECK_CONFIG:
		case SSHD_CHECK_PRIVSEP_DIR:
		case SSHD_CHECK_NO_HOSTKEYS:
		case SSHD_CHECK_INCLUDE_DEPTH:
			return &c->v[i];
		default:
			break;
		}
	}
	return NULL;
}

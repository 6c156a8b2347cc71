/* SPDX-License-Identifier: MIT */
/* The target: what to diagnose, from one command-line argument. A pure
 * parser over a string, so the unit tests and the fuzz target can drive it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/target.h"
#include "engine/util.h"

#define HOST_MAX 253
#define LABEL_MAX 63
#define USER_MAX 255
#define ZONE_MAX 15     /* IF_NAMESIZE - 1 on Linux */

void target_init(struct target *t)
{
	t->user = NULL;
	t->host = NULL;
	t->port = 22;
	t->port_given = false;
	t->symptom = SYMPTOM_NONE;
	t->symptom_text = NULL;
}

void target_release(struct target *t)
{
	free(t->user);
	free(t->host);
	free(t->symptom_text);
	target_init(t);
}

/* Only the white space a terminal adds around a pasted line is trimmed;
 * anything else that is not printable is refused later. */
static bool is_edge_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Refuses control bytes, DEL and broken UTF-8 anywhere, so nothing that
 * could drive a terminal survives into a host, a user or a report. */
static bool all_printable(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t u;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		if (p[i] < 0x80 || (u = utf8_printable_len(p + i, n - i)) == 0)
			return false;
		i += u;
	}
	return true;
}

/* Digits only, 1..65535; leading zeros are fine, as ssh's a2port allows. */
static int port_parse(const char *s, int *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return TARGET_BAD_PORT;
	for (const char *p = s; *p; p++) {
		if (!is_ascii_digit(*p))
			return TARGET_BAD_PORT;
		v = v * 10 + (*p - '0');
		if (v > 65535)
			return TARGET_BAD_PORT;
	}
	if (v == 0)
		return TARGET_BAD_PORT;
	*out = (int)v;
	return TARGET_OK;
}

/* An IPv6 literal without brackets, optionally with a %zone (fe80::1%eth0),
 * which ssh accepts for link-local addresses. */
static int check_ipv6(const char *h)
{
	struct in6_addr a;
	char addr[INET6_ADDRSTRLEN + 1];
	const char *zone = strchr(h, '%');
	size_t alen = zone != NULL ? (size_t)(zone - h) : strlen(h);

	if (alen == 0 || alen >= sizeof(addr))
		return TARGET_BAD_IPV6;
	memcpy(addr, h, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return TARGET_BAD_IPV6;
	if (zone == NULL)
		return TARGET_OK;
	zone++;
	if (*zone == '\0' || strlen(zone) > ZONE_MAX)
		return TARGET_BAD_IPV6;
	for (const char *p = zone; *p; p++)
		if (!is_ascii_alnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return TARGET_BAD_IPV6;
	return TARGET_OK;
}

/* A host as it will be handed to the resolver: a DNS name, an IPv4 address,
 * or (when it holds a colon) an IPv6 literal without brackets. A leading '-'
 * is refused so the host can never be read as an option by ssh or a tool. */
static int check_host(const char *h)
{
	size_t len = strlen(h), label = 0;
	bool numeric = true;
	struct in_addr a4;

	if (len == 0)
		return TARGET_EMPTY_HOST;
	if (h[0] == '-')
		return TARGET_BAD_HOST;
	if (strchr(h, ':') != NULL)
		return check_ipv6(h);
	for (const char *p = h; *p; p++) {
		if (*p == '.') {
			/* an empty label, except one trailing dot (a rooted name) */
			if (label == 0)
				return TARGET_BAD_HOST;
			label = 0;
			continue;
		}
		if (!is_ascii_alnum(*p) && *p != '-' && *p != '_')
			return TARGET_BAD_HOST;
		if (!is_ascii_digit(*p))
			numeric = false;
		if (++label > LABEL_MAX)
			return TARGET_TOO_LONG;
	}
	if (len > HOST_MAX)
		return TARGET_TOO_LONG;
	/* all digits and dots reads as an address, so it must be a whole one,
	 * not the legacy shorthand (127.1) that resolvers treat inconsistently */
	if (numeric && inet_pton(AF_INET, h, &a4) != 1)
		return TARGET_BAD_HOST;
	return TARGET_OK;
}

/* A conservative set of user name characters: enough for local, LDAP and
 * user@domain accounts, and nothing a shell or ssh_config token would
 * read specially. */
static int check_user(const char *u)
{
	size_t len = strlen(u);

	if (len == 0 || len > USER_MAX || u[0] == '-')
		return TARGET_BAD_USER;
	for (const char *p = u; *p; p++)
		if (!is_ascii_alnum(*p) && strchr("._-+@", *p) == NULL)
			return TARGET_BAD_USER;
	return TARGET_OK;
}

/* Parses [user@]host[:port], [user@][v6][:port] or [user@]v6 in s, which it
 * may cut into pieces with NULs; fills the fields of out it finds. */
static int parse_user_host(char *s, struct target *out)
{
	char *at = strrchr(s, '@');
	char *hostport = s, *host, *port = NULL;
	const char *user = NULL;
	int err, portnum = 22;

	if (at != NULL) {
		*at = '\0';
		user = s;
		hostport = at + 1;
	}
	if (hostport[0] == '[') {
		char *close = strchr(hostport, ']');

		if (close == NULL || close == hostport + 1)
			return TARGET_BAD_IPV6;
		*close = '\0';
		host = hostport + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return TARGET_BAD_IPV6;
		if (strchr(host, ':') == NULL)
			return TARGET_BAD_IPV6;
	} else {
		char *colon = strchr(hostport, ':');

		host = hostport;
		/* one colon splits host:port; more make a bare IPv6 literal */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			*colon = '\0';
			port = colon + 1;
		}
	}
	if ((err = check_host(host)) != TARGET_OK)
		return err;
	if (port != NULL && (err = port_parse(port, &portnum)) != TARGET_OK)
		return err;
	if (user != NULL && (err = check_user(user)) != TARGET_OK)
		return err;
	out->host = xstrdup(host);
	out->user = user != NULL ? xstrdup(user) : NULL;
	out->port = portnum;
	out->port_given = port != NULL;
	return TARGET_OK;
}

/* ssh://[user@]host[:port][/] as ssh(1) takes it; a path, query or fragment
 * means the URL is for something else (sftp, git) and is refused. */
static int parse_url(char *s, struct target *out)
{
	char *authority = s + strlen("ssh://");
	char *end = authority + strcspn(authority, "/?#");

	if (*end != '\0' && strcmp(end, "/") != 0)
		return TARGET_BAD_URL;
	*end = '\0';
	return parse_user_host(authority, out);
}

/* True when s starts with a URL scheme followed by "://". */
static bool has_scheme(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while (is_ascii_alnum(*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return strncmp(p, "://", 3) == 0;
}

/* Advances *p past lit when *p starts with it. */
static bool eat(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* Copies the bytes up to the first stop character (or the end) into buf;
 * fails when there are none or they do not fit. */
static bool take_until(const char **p, const char *stop, char *buf, size_t size)
{
	size_t n = strcspn(*p, stop);

	if (n == 0 || n >= size)
		return false;
	memcpy(buf, *p, n);
	buf[n] = '\0';
	*p += n;
	return true;
}

/* The host as ssh printed it in an error line: a name or an address, an
 * IPv6 one without brackets (ssh prints it so), or with them. */
static int line_host(char *h, struct target *out)
{
	size_t len = strlen(h);
	int err;

	if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
		h[len - 1] = '\0';
		h++;
		if (strchr(h, ':') == NULL)
			return TARGET_BAD_IPV6;
	}
	if ((err = check_host(h)) != TARGET_OK)
		return err;
	out->host = xstrdup(h);
	return TARGET_OK;
}

/* " port P" at *p, as ssh prints it after a host. */
static int line_port(const char **p, const char *stop, struct target *out)
{
	char port[16];

	if (!eat(p, " port "))
		return TARGET_UNKNOWN_LINE;
	if (!take_until(p, stop, port, sizeof(port)))
		return TARGET_BAD_PORT;
	if (port_parse(port, &out->port) != TARGET_OK)
		return TARGET_BAD_PORT;
	out->port_given = true;
	return TARGET_OK;
}

static const struct {
	const char *words;
	enum symptom symptom;
} connect_reasons[] = {
	{ "Connection refused", SYMPTOM_REFUSED },
	{ "Connection timed out", SYMPTOM_TIMED_OUT },
	{ "Operation timed out", SYMPTOM_TIMED_OUT },   /* macOS and the BSDs */
	{ "No route to host", SYMPTOM_NO_ROUTE },
	{ "Network is unreachable", SYMPTOM_NET_UNREACHABLE },
};

/* "ssh: connect to host H port P: REASON"; the reason is strerror(), so only
 * the wordings we can map to a symptom are taken. */
static int line_connect(const char *p, struct target *out)
{
	char host[TARGET_MAX_ARG + 1];
	int err;

	if (!take_until(&p, " ", host, sizeof(host)))
		return TARGET_EMPTY_HOST;
	if ((err = line_port(&p, ":", out)) != TARGET_OK)
		return err;
	if (!eat(&p, ": "))
		return TARGET_UNKNOWN_LINE;
	for (size_t i = 0; i < sizeof(connect_reasons) / sizeof(connect_reasons[0]); i++) {
		if (strcmp(p, connect_reasons[i].words) == 0) {
			out->symptom = connect_reasons[i].symptom;
			return line_host(host, out);
		}
	}
	return TARGET_UNKNOWN_LINE;
}

/* "ssh: Could not resolve hostname H: REASON"; the reason is gai_strerror(),
 * which differs between C libraries and languages, so any reason is taken. */
static int line_resolve(const char *p, struct target *out)
{
	char host[TARGET_MAX_ARG + 1];

	if (!take_until(&p, ": ", host, sizeof(host)))
		return TARGET_EMPTY_HOST;
	if (!eat(&p, ": ") || *p == '\0')
		return TARGET_UNKNOWN_LINE;
	out->symptom = SYMPTOM_RESOLVE;
	return line_host(host, out);
}

/* "Connection closed by H port P" or "Connection reset by H port P"; ssh
 * says "UNKNOWN port 65535" when it had no peer address (a ProxyCommand),
 * which names no host. */
static int line_closed_by(const char *p, enum symptom s, struct target *out)
{
	char host[TARGET_MAX_ARG + 1];
	int err;

	out->symptom = s;
	if (strcmp(p, "remote host") == 0)
		return TARGET_OK;
	if (!take_until(&p, " ", host, sizeof(host)))
		return TARGET_UNKNOWN_LINE;
	if ((err = line_port(&p, " ", out)) != TARGET_OK)
		return err;
	if (*p != '\0')
		return TARGET_UNKNOWN_LINE;
	if (strcmp(host, "UNKNOWN") == 0) {
		out->port = 22;
		out->port_given = false;
		return TARGET_OK;
	}
	return line_host(host, out);
}

static int parse_line(char *line, struct target *out);
static bool looks_like_line(const char *s);

/* The identification lines ssh prints first name no host; the line it
 * prints next ("Connection reset by H port P") does. Either that line or a
 * host may follow on the same argument (a paste whose line break became a
 * space, or the host typed after the quoted line). */
static int line_kex(char *p, struct target *out)
{
	static const struct {
		const char *words;
		enum symptom symptom;
	} kex[] = {
		{ "Connection closed by remote host", SYMPTOM_CLOSED },
		{ "read: Connection reset by peer", SYMPTOM_RESET },
		{ "Connection reset by peer", SYMPTOM_RESET },
	};

	for (size_t i = 0; i < sizeof(kex) / sizeof(kex[0]); i++) {
		size_t n = strlen(kex[i].words);
		char rest[TARGET_MAX_ARG + 1];
		struct target next;
		int err;

		if (strncmp(p, kex[i].words, n) != 0 || (p[n] != '\0' && p[n] != ' '))
			continue;
		out->symptom = kex[i].symptom;
		p += n;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return TARGET_OK;
		/* parse on a copy: the parsers cut their buffer, the caller
		 * quotes the whole line afterwards */
		snprintf(rest, sizeof(rest), "%s", p);
		target_init(&next);
		err = str_starts_with(rest, "Connection ") ? parse_line(rest, &next) : parse_user_host(rest, &next);
		if (err == TARGET_OK && next.host == NULL)
			err = TARGET_UNKNOWN_LINE;
		if (err == TARGET_OK) {
			out->user = next.user;
			out->host = next.host;
			out->port = next.port;
			out->port_given = next.port_given;
			next.user = next.host = NULL;
		}
		target_release(&next);
		return err;
	}
	return TARGET_UNKNOWN_LINE;
}

/* One of ssh's error lines, pasted whole (already trimmed). */
static int parse_line(char *line, struct target *out)
{
	const char *p = line;

	if (eat(&p, "ssh: connect to host "))
		return line_connect(p, out);
	if (eat(&p, "ssh: Could not resolve hostname "))
		return line_resolve(p, out);
	/* kex_ since OpenSSH 8.3, ssh_ before */
	if (eat(&p, "kex_exchange_identification: ") ||
	    eat(&p, "ssh_exchange_identification: "))
		return line_kex(line + (p - line), out);
	if (eat(&p, "Connection closed by "))
		return line_closed_by(p, SYMPTOM_CLOSED, out);
	if (eat(&p, "Connection reset by "))
		return line_closed_by(p, SYMPTOM_RESET, out);
	return TARGET_UNKNOWN_LINE;
}

/* Several lines pasted as one argument: each must be an ssh error line;
 * the first that names a host gives host and port, the first line's
 * symptom wins, and the text keeps every line, joined by " / ". */
static int parse_lines(char *s, struct target *out)
{
	struct strbuf text;
	char *line = s, *nl;
	int err = TARGET_OK;

	strbuf_init(&text);
	for (; line != NULL && err == TARGET_OK; line = nl) {
		struct target one;
		char *end;

		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		end = line + strlen(line);
		while (*line != '\0' && is_edge_space(*line))
			line++;
		while (end > line && is_edge_space(end[-1]))
			end--;
		*end = '\0';
		if (*line == '\0')
			continue;
		target_init(&one);
		if (!looks_like_line(line))
			err = TARGET_UNKNOWN_LINE;
		else if ((err = parse_line(line, &one)) == TARGET_OK) {
			strbuf_addf(&text, "%s", text.len ? " / " : "");
			strbuf_add_printable(&text, line, strlen(line), true);
			target_merge(out, &one);
		}
		target_release(&one);
	}
	if (err == TARGET_OK) {
		free(out->symptom_text);
		out->symptom_text = strbuf_detach(&text, NULL);
	}
	strbuf_release(&text);
	return err;
}

/* The pasted line as reports may show it. This is printable() from util.h,
 * spelled out: strbuf_detach() initialises the buffer again, and printable()
 * does not release that second buffer, so it would leak on every line. */
static char *line_text(const char *s, size_t n)
{
	struct strbuf sb;
	char *text;

	strbuf_init(&sb);
	strbuf_add_printable(&sb, s, n, true);
	text = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return text;
}

/* Whether s is to be read as a pasted error line rather than a host: the
 * prefixes ssh uses, or "word: words" that no host form can contain. An
 * "ssh:" followed by digits is still host "ssh" with a port. */
static bool looks_like_line(const char *s)
{
	if (str_starts_with(s, "ssh:")) {
		const char *p = s + 4;

		if (*p == '\0')
			return true;
		while (is_ascii_digit(*p))
			p++;
		return *p != '\0';
	}
	return str_starts_with(s, "kex_exchange_identification:") ||
	       str_starts_with(s, "ssh_exchange_identification:") ||
	       str_starts_with(s, "Connection closed by ") ||
	       str_starts_with(s, "Connection reset by ") ||
	       strstr(s, ": ") != NULL;
}

int target_parse(struct target *t, const char *arg)
{
	char buf[TARGET_MAX_ARG + 1];
	struct target out;
	char *s, *end;
	size_t len;
	int err;

	if (arg == NULL)
		return TARGET_EMPTY_HOST;
	len = strnlen(arg, TARGET_MAX_ARG + 1);
	if (len > TARGET_MAX_ARG)
		return TARGET_TOO_LONG;
	memcpy(buf, arg, len);
	buf[len] = '\0';
	target_init(&out);

	s = buf;
	end = buf + len;
	while (s < end && is_edge_space(*s))
		s++;
	while (end > s && is_edge_space(end[-1]))
		end--;
	*end = '\0';
	if (strchr(s, '\n') != NULL && looks_like_line(s)) {
		/* lines pasted together: a line break is allowed between them */
		for (char *c = s; *c; c++)
			if (*c == '\r' && c[1] == '\n')
				*c = ' ';
		for (char *seg = s, *nl; seg != NULL; seg = nl ? nl + 1 : NULL) {
			nl = strchr(seg, '\n');
			if (!all_printable(seg, nl ? (size_t)(nl - seg) : strlen(seg)))
				return TARGET_CONTROL_CHARS;
		}
		err = parse_lines(s, &out);
		goto done;
	}
	if (!all_printable(s, (size_t)(end - s)))
		return TARGET_CONTROL_CHARS;
	if (*s == '\0')
		return TARGET_EMPTY_HOST;

	if (strncasecmp(s, "ssh://", 6) == 0) {
		err = parse_url(s, &out);
	} else if (has_scheme(s)) {
		err = TARGET_BAD_URL;
	} else if (looks_like_line(s)) {
		err = parse_line(s, &out);
		if (err == TARGET_OK)
			out.symptom_text = line_text(s, (size_t)(end - s));
	} else {
		err = parse_user_host(s, &out);
	}
done:
	if (err != TARGET_OK) {
		target_release(&out);
		return err;
	}
	target_release(t);
	*t = out;
	return TARGET_OK;
}

int target_set_port(struct target *t, const char *port)
{
	int n;

	if (port_parse(port, &n) != TARGET_OK)
		return TARGET_BAD_PORT;
	t->port = n;
	t->port_given = true;
	return TARGET_OK;
}

/* Copies a string field from src only where dst has none. */
static void merge_str(char **dst, const char *src)
{
	if (*dst == NULL && src != NULL)
		*dst = xstrdup(src);
}

void target_merge(struct target *dst, const struct target *src)
{
	merge_str(&dst->user, src->user);
	merge_str(&dst->host, src->host);
	if (!dst->port_given && src->port_given) {
		dst->port = src->port;
		dst->port_given = true;
	}
	if (dst->symptom == SYMPTOM_NONE && src->symptom != SYMPTOM_NONE) {
		dst->symptom = src->symptom;
		free(dst->symptom_text);
		dst->symptom_text = src->symptom_text != NULL ? xstrdup(src->symptom_text) : NULL;
	}
}

const char *target_strerror(int err)
{
	switch (err) {
	case TARGET_OK:
		return "no error";
	case TARGET_EMPTY_HOST:
		return "no host given: write host, user@host, host:port or [IPv6]:port";
	case TARGET_BAD_PORT:
		return "port must be a number from 1 to 65535";
	case TARGET_BAD_IPV6:
		return "malformed IPv6 address: write it as 2001:db8::1, or with a port as [2001:db8::1]:22";
	case TARGET_CONTROL_CHARS:
		return "argument contains control characters or invalid UTF-8: retype it without escape sequences or line breaks inside";
	case TARGET_TOO_LONG:
		return "argument is too long: at most 1024 bytes, a host name at most 253 characters and 63 between dots";
	case TARGET_BAD_HOST:
		return "host may hold only letters, digits, '-', '.' and '_' and may not start with '-', or be a whole IPv4 or IPv6 address";
	case TARGET_BAD_USER:
		return "user name may hold only letters, digits, '.', '_', '-', '+' and '@', and may not be empty or start with '-'";
	case TARGET_BAD_URL:
		return "only ssh://[user@]host[:port] URLs are accepted, without a path or query";
	case TARGET_UNKNOWN_LINE:
		return "not an ssh error line this tool knows: paste the line with 'connect to host', 'Could not resolve hostname' or 'Connection closed by'";
	default:
		return "unknown target error";
	}
}

const char *target_host_hint(const struct target *t)
{
	if (t->host != NULL)
		return NULL;
	switch (t->symptom) {
	case SYMPTOM_RESET:
		return "that ssh error line names no host: paste the next line ssh printed too, "
		       "\"Connection reset by HOST port PORT\", or give the host after the line in quotes: "
		       "ssh-doctor 'kex_exchange_identification: read: Connection reset by peer' HOST";
	case SYMPTOM_CLOSED:
		return "that ssh error line names no host: paste the next line ssh printed too, "
		       "\"Connection closed by HOST port PORT\", or give the host after the line in quotes: "
		       "ssh-doctor 'kex_exchange_identification: Connection closed by remote host' HOST";
	default:
		return "that ssh error line names no host: give the host too, e.g. ssh-doctor HOST";
	}
}

const char *symptom_id(enum symptom s)
{
	switch (s) {
	case SYMPTOM_NONE:
		return "none";
	case SYMPTOM_REFUSED:
		return "refused";
	case SYMPTOM_TIMED_OUT:
		return "timed_out";
	case SYMPTOM_NO_ROUTE:
		return "no_route";
	case SYMPTOM_NET_UNREACHABLE:
		return "net_unreachable";
	case SYMPTOM_RESOLVE:
		return "resolve";
	case SYMPTOM_CLOSED:
		return "closed";
	case SYMPTOM_RESET:
		return "reset";
	}
	return "none";
}

const char *symptom_words(enum symptom s)
{
	switch (s) {
	case SYMPTOM_NONE:
		return "";
	case SYMPTOM_REFUSED:
		return "Connection refused";
	case SYMPTOM_TIMED_OUT:
		return "Connection timed out";
	case SYMPTOM_NO_ROUTE:
		return "No route to host";
	case SYMPTOM_NET_UNREACHABLE:
		return "Network is unreachable";
	case SYMPTOM_RESOLVE:
		return "Could not resolve hostname";
	case SYMPTOM_CLOSED:
		return "Connection closed by remote host";
	case SYMPTOM_RESET:
		return "Connection reset";
	}
	return "";
}

/* SPDX-License-Identifier: MIT */
/* sshd's log lines, from the journal, syslog files and macOS's log. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/parse/parse-sshd-log.h"

/* A printable copy of n bytes at s; the caller frees it. */
static char *pdup(const char *s, size_t n)
{
	return printable(s, n, true);
}

void sshd_log_init(struct sshd_log *log)
{
	memset(log, 0, sizeof(*log));
}

static void event_release(struct sshd_log_event *ev)
{
	free(ev->time);
	free(ev->ident);
	free(ev->message);
	free(ev->addr);
	free(ev->detail);
}

void sshd_log_release(struct sshd_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		event_release(&log->v[i]);
	free(log->v);
	sshd_log_init(log);
}

const char *sshd_log_kind_name(enum sshd_log_kind kind)
{
	static const char *const names[SSHD_LOG_KIND_COUNT] = {
		[SSHD_LOG_OTHER] = "other",
		[SSHD_LOG_LISTENING] = "listening",
		[SSHD_LOG_BIND_FAILED] = "bind_failed",
		[SSHD_LOG_NO_BIND] = "no_bind",
		[SSHD_LOG_TCPWRAP_REFUSED] = "tcpwrap_refused",
		[SSHD_LOG_MAXSTARTUPS] = "maxstartups",
		[SSHD_LOG_CONFIG_ERROR] = "config_error",
		[SSHD_LOG_PRIVSEP_DIR] = "privsep_dir",
		[SSHD_LOG_NO_HOSTKEYS] = "no_hostkeys",
		[SSHD_LOG_FATAL] = "fatal",
		[SSHD_LOG_ERROR] = "error",
		[SSHD_LOG_TERMINATED] = "terminated",
		[SSHD_LOG_CONNECTION] = "connection",
		[SSHD_LOG_CLOSED_PREAUTH] = "closed_preauth",
		[SSHD_LOG_USER_NOT_ALLOWED] = "user_not_allowed",
		[SSHD_LOG_AUTH_FAILED] = "auth_failed",
		[SSHD_LOG_TOO_MANY_AUTH] = "too_many_auth",
		[SSHD_LOG_ACCEPTED] = "accepted",
		[SSHD_LOG_SERVICE_FAILED] = "service_failed",
		[SSHD_LOG_SERVICE] = "service",
	};

	if ((unsigned)kind >= SSHD_LOG_KIND_COUNT || names[kind] == NULL)
		return "unknown";
	return names[kind];
}

const char *sshd_log_kind_text(enum sshd_log_kind kind)
{
	static const char *const texts[SSHD_LOG_KIND_COUNT] = {
		[SSHD_LOG_OTHER] = "a message",
		[SSHD_LOG_LISTENING] = "sshd listens",
		[SSHD_LOG_BIND_FAILED] = "sshd could not take its address and port",
		[SSHD_LOG_NO_BIND] = "sshd has no address to listen on",
		[SSHD_LOG_TCPWRAP_REFUSED] = "refused by TCP wrappers",
		[SSHD_LOG_MAXSTARTUPS] = "too many connections not yet logged in (MaxStartups)",
		[SSHD_LOG_CONFIG_ERROR] = "an error in the configuration",
		[SSHD_LOG_PRIVSEP_DIR] = "sshd's privilege separation folder is missing",
		[SSHD_LOG_NO_HOSTKEYS] = "sshd has no host key",
		[SSHD_LOG_FATAL] = "sshd stopped on an error",
		[SSHD_LOG_ERROR] = "an error",
		[SSHD_LOG_TERMINATED] = "sshd was stopped",
		[SSHD_LOG_CONNECTION] = "a connection came in",
		[SSHD_LOG_CLOSED_PREAUTH] = "a connection closed before logging in",
		[SSHD_LOG_USER_NOT_ALLOWED] = "a user not allowed to log in",
		[SSHD_LOG_AUTH_FAILED] = "a failed login",
		[SSHD_LOG_TOO_MANY_AUTH] = "too many failed logins",
		[SSHD_LOG_ACCEPTED] = "a login",
		[SSHD_LOG_SERVICE_FAILED] = "the service failed",
		[SSHD_LOG_SERVICE] = "the service manager",
	};

	if ((unsigned)kind >= SSHD_LOG_KIND_COUNT || texts[kind] == NULL)
		return "a message";
	return texts[kind];
}

const struct sshd_log_event *sshd_log_last(const struct sshd_log *log, enum sshd_log_kind kind)
{
	for (size_t i = log->n; i > 0; i--)
		if (log->v[i - 1].kind == kind)
			return &log->v[i - 1];
	return NULL;
}

/* ---- classifying a message ---- */

/* Copies the word at p (up to white space), without [brackets]. */
static char *word_addr(const char *p)
{
	size_t n = strcspn(p, " \t");

	if (n >= 2 && p[0] == '[') {
		const char *close = memchr(p, ']', n);

		if (close != NULL)
			return pdup(p + 1, (size_t)(close - p - 1));
	}
	return pdup(p, n);
}

static int read_port(const char *p)
{
	long v = 0;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 6) {
		v = v * 10 + (*p - '0');
		p++;
		digits++;
	}
	return digits > 0 && v <= 65535 ? (int)v : 0;
}

/* "... ADDR port N ..." : the address before the last " port N". */
static void addr_before_port(const char *msg, struct sshd_log_event *ev)
{
	const char *p = msg, *hit = NULL;

	while ((p = strstr(p, " port ")) != NULL) {
		if (p[6] >= '0' && p[6] <= '9')
			hit = p;
		p += 6;
	}
	if (hit == NULL)
		return;
	p = hit;
	while (p > msg && p[-1] != ' ')
		p--;
	if (p == hit)
		return;
	ev->addr = pdup(p, (size_t)(hit - p));
	ev->port = read_port(hit + 6);
}

/* "... from ADDR port N" (the first " port" after " from "). */
static void addr_after_from(const char *msg, struct sshd_log_event *ev)
{
	const char *p = strstr(msg, " from ");

	if (p == NULL)
		return;
	p += 6;
	ev->addr = word_addr(p);
	p += strcspn(p, " ");
	if (strncmp(p, " port ", 6) == 0)
		ev->port = read_port(p + 6);
}

/* "[addr]:port" at p. */
static void bracket_addr_port(const char *p, char **addr, int *port)
{
	const char *close;

	if (*p != '[' || (close = strchr(p, ']')) == NULL)
		return;
	*addr = pdup(p + 1, (size_t)(close - p - 1));
	if (close[1] == ':')
		*port = read_port(close + 2);
}

static char *trim_dot(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	return pdup(s, n);
}

enum sshd_log_kind sshd_log_classify(const char *msg, struct sshd_log_event *ev)
{
	const char *m = msg, *p;
	bool is_error = false, is_fatal = false;

	/* "error: " / "fatal: " prefixes, and sshd's "sshd: " in some builds */
	if (str_starts_with(m, "error: ")) {
		is_error = true;
		m += 7;
	} else if (str_starts_with(m, "fatal: ")) {
		is_fatal = true;
		m += 7;
	}
	if (str_starts_with(m, "Bind to port ")) {
		/* "Bind to port 22 on 0.0.0.0 failed: Address already in use." */
		ev->port = read_port(m + 13);
		if ((p = strstr(m, " on ")) != NULL) {
			const char *f = strstr(p + 4, " failed");
			size_t n = f ? (size_t)(f - p - 4) : strcspn(p + 4, " ");

			ev->addr = pdup(p + 4, n);
		}
		if ((p = strstr(m, "failed: ")) != NULL)
			ev->detail = trim_dot(p + 8);
		return ev->kind = SSHD_LOG_BIND_FAILED;
	}
	if (str_starts_with(m, "Cannot bind any address"))
		return ev->kind = SSHD_LOG_NO_BIND;
	if (str_starts_with(m, "Server listening on ")) {
		/* "Server listening on 0.0.0.0 port 22." / ":: port 22" */
		p = m + 20;
		ev->addr = pdup(p, strcspn(p, " "));
		if ((p = strstr(p, " port ")) != NULL)
			ev->port = read_port(p + 6);
		return ev->kind = SSHD_LOG_LISTENING;
	}
	if (str_starts_with(m, "refused connect from ")) {
		/* libwrap: "refused connect from HOST (ADDR)" or "from ADDR" */
		const char *open;

		p = m + 21;
		open = strchr(p, '(');
		if (open != NULL && strchr(open, ')') != NULL)
			ev->addr = pdup(open + 1, strcspn(open + 1, ")"));
		else
			ev->addr = word_addr(p);
		return ev->kind = SSHD_LOG_TCPWRAP_REFUSED;
	}
	if (str_starts_with(m, "drop connection #")) {
		/* "drop connection #10 from [192.0.2.10]:40312 on [192.0.2.2]:22 past MaxStartups" */
		if ((p = strstr(m, " from ")) != NULL)
			bracket_addr_port(p + 6, &ev->addr, &ev->port);
		ev->detail = pdup(m, strlen(m));
		return ev->kind = SSHD_LOG_MAXSTARTUPS;
	}
	if (strstr(m, "MaxStartups throttling") != NULL) {
		/* "beginning MaxStartups throttling", "exited MaxStartups throttling after ..." */
		ev->detail = pdup(m, strlen(m));
		return ev->kind = SSHD_LOG_MAXSTARTUPS;
	}
	if (str_starts_with(m, "Missing privilege separation directory")) {
		if ((p = strchr(m, ':')) != NULL) {
			p++;
			while (*p == ' ')
				p++;
			ev->detail = pdup(p, strlen(p));
		}
		return ev->kind = SSHD_LOG_PRIVSEP_DIR;
	}
	if (strstr(m, "no hostkeys available") != NULL)
		return ev->kind = SSHD_LOG_NO_HOSTKEYS;
	if (m[0] == '/' && (p = strstr(m, " line ")) != NULL && p[6] >= '0' && p[6] <= '9') {
		/* "/etc/ssh/sshd_config line 12: ..." or "FILE: line 3: ..." */
		const char *c = strchr(p + 6, ':');

		ev->detail = c ? pdup(c + 1 + (c[1] == ' '), strlen(c + 1 + (c[1] == ' '))) : NULL;
		ev->port = 0;
		/* a warning sshd starts with anyway, not an error */
		if (ev->detail && (str_starts_with(ev->detail, "Deprecated option") ||
				   str_starts_with(ev->detail, "Unsupported option")))
			return ev->kind = SSHD_LOG_OTHER;
		return ev->kind = SSHD_LOG_CONFIG_ERROR;
	}
	if (str_starts_with(m, "Received signal ")) {
		ev->detail = trim_dot(m + 16);
		return ev->kind = SSHD_LOG_TERMINATED;
	}
	if (str_starts_with(m, "Connection from ")) {
		/* "Connection from A port P on L port 22 rdomain \"\"" */
		p = m + 16;
		ev->addr = word_addr(p);
		p += strcspn(p, " ");
		if (strncmp(p, " port ", 6) == 0)
			ev->port = read_port(p + 6);
		return ev->kind = SSHD_LOG_CONNECTION;
	}
	if (strstr(m, "maximum authentication attempts exceeded") != NULL ||
	    strstr(m, "Too many authentication failures") != NULL) {
		addr_before_port(m, ev);
		return ev->kind = SSHD_LOG_TOO_MANY_AUTH;
	}
	if (str_starts_with(m, "User ") && strstr(m, " not allowed because ") != NULL) {
		addr_after_from(m, ev);
		p = strstr(m, " not allowed because ");
		ev->detail = trim_dot(p + 21);
		return ev->kind = SSHD_LOG_USER_NOT_ALLOWED;
	}
	if (str_starts_with(m, "Connection closed by ") || str_starts_with(m, "Connection reset by ") ||
	    str_starts_with(m, "Disconnected from ") || str_starts_with(m, "Received disconnect from ") ||
	    str_starts_with(m, "Timeout before authentication")) {
		if (strstr(m, "[preauth]") != NULL || str_starts_with(m, "Timeout before authentication")) {
			addr_before_port(m, ev);
			return ev->kind = SSHD_LOG_CLOSED_PREAUTH;
		}
		addr_before_port(m, ev);
		return ev->kind = SSHD_LOG_OTHER;
	}
	if (str_starts_with(m, "Failed ") || str_starts_with(m, "Invalid user ")) {
		addr_after_from(m, ev);
		return ev->kind = SSHD_LOG_AUTH_FAILED;
	}
	if (str_starts_with(m, "Accepted ")) {
		addr_after_from(m, ev);
		return ev->kind = SSHD_LOG_ACCEPTED;
	}
	/* "fatal: ... [preauth]" ends one connection's process, not sshd */
	if (is_fatal && strstr(m, "[preauth]") != NULL) {
		addr_before_port(m, ev);
		return ev->kind = SSHD_LOG_CLOSED_PREAUTH;
	}
	if (is_fatal) {
		ev->detail = pdup(m, strlen(m));
		return ev->kind = SSHD_LOG_FATAL;
	}
	if (is_error) {
		ev->detail = pdup(m, strlen(m));
		return ev->kind = SSHD_LOG_ERROR;
	}
	return ev->kind = SSHD_LOG_OTHER;
}

/* systemd's lines about the ssh units. */
static enum sshd_log_kind classify_systemd(const char *msg, struct sshd_log_event *ev)
{
	if (strstr(msg, "Failed to start") != NULL || strstr(msg, "failed with result") != NULL ||
	    strstr(msg, "Failed with result") != NULL || strstr(msg, "status=255") != NULL ||
	    strstr(msg, "Start request repeated too quickly") != NULL ||
	    strstr(msg, "Failed to listen") != NULL) {
		ev->detail = pdup(msg, strlen(msg));
		return ev->kind = SSHD_LOG_SERVICE_FAILED;
	}
	return ev->kind = SSHD_LOG_SERVICE;
}

static bool ident_is_sshd(const char *ident)
{
	return str_starts_with(ident, "sshd");
}

static bool mentions_ssh_unit(const char *msg)
{
	return strstr(msg, "ssh.service") != NULL || strstr(msg, "sshd.service") != NULL ||
	       strstr(msg, "ssh.socket") != NULL || strstr(msg, "sshd.socket") != NULL ||
	       strstr(msg, "OpenBSD Secure Shell") != NULL || strstr(msg, "OpenSSH server") != NULL;
}

/* Adds an event if ident is sshd's (or systemd's about ssh). Takes the strings. */
static int event_add(struct sshd_log *log, unsigned line, char *time, int pid, const char *ident,
		     size_t identlen, const char *msg, size_t msglen)
{
	struct sshd_log_event ev;
	char *id = pdup(ident, identlen);
	char *text = pdup(msg, msglen);

	memset(&ev, 0, sizeof(ev));
	if (ident_is_sshd(id)) {
		const char *m = text;

		/* macOS prefixes "(library) " to some messages */
		if (m[0] == '(' && strchr(m, ')') != NULL && strchr(m, ')')[1] == ' ')
			m = strchr(m, ')') + 2;
		sshd_log_classify(m, &ev);
	} else if (strcmp(id, "systemd") == 0 && mentions_ssh_unit(text)) {
		classify_systemd(text, &ev);
	} else {
		free(id);
		free(text);
		free(time);
		log->skipped++;
		return 0;
	}
	ev.time = time;
	ev.pid = pid;
	ev.ident = id;
	ev.message = text;
	ev.line = line;
	if (log->n == log->alloc) {
		log->alloc = log->alloc ? log->alloc * 2 : 32;
		log->v = xrealloc(log->v, log->alloc * sizeof(*log->v));
	}
	log->v[log->n++] = ev;
	return 1;
}

/* ---- journalctl -o json ---- */

static const char *json_text(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* MESSAGE: a string, or an array of byte values when not UTF-8. */
static bool json_message(json_t *o, struct strbuf *out)
{
	json_t *v = json_object_get(o, "MESSAGE");
	size_t i;
	json_t *b;

	if (json_is_string(v)) {
		strbuf_add(out, json_string_value(v), json_string_length(v));
		return true;
	}
	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, b) {
		json_int_t c;

		if (!json_is_integer(b) || (c = json_integer_value(b)) < 0 || c > 255)
			return false;
		strbuf_addch(out, (int)c);
	}
	return true;
}

static char *realtime_text(const char *usec_text)
{
	char *end;
	unsigned long long us;
	time_t secs;
	struct tm tm;
	char buf[64];

	if (usec_text == NULL || *usec_text < '0' || *usec_text > '9')
		return NULL;
	us = strtoull(usec_text, &end, 10);
	if (*end != '\0')
		return NULL;
	secs = (time_t)(us / 1000000ULL);
	if (gmtime_r(&secs, &tm) == NULL || tm.tm_year > 9999 - 1900)
		return NULL;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lluZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us % 1000000ULL);
	return xstrdup(buf);
}

static int pid_of(const char *s)
{
	long v = 0;
	int digits = 0;

	if (s == NULL)
		return 0;
	while (*s >= '0' && *s <= '9' && digits < 9) {
		v = v * 10 + (*s - '0');
		s++;
		digits++;
	}
	return *s == '\0' ? (int)v : 0;
}

static int journal_line(struct sshd_log *log, unsigned lineno, const char *p, size_t n)
{
	json_error_t err;
	json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err);
	struct strbuf msg;
	const char *ident, *pid;
	int added = 0;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		log->bad++;
		return 0;
	}
	strbuf_init(&msg);
	ident = json_text(o, "SYSLOG_IDENTIFIER");
	if (ident == NULL)
		ident = json_text(o, "_COMM");
	pid = json_text(o, "_PID");
	if (pid == NULL)
		pid = json_text(o, "SYSLOG_PID");
	if (ident != NULL && json_message(o, &msg)) {
		/* a message spanning lines: keep them all, joined printable */
		added = event_add(log, lineno, realtime_text(json_text(o, "__REALTIME_TIMESTAMP")),
				  pid_of(pid), ident, strlen(ident), msg.buf, msg.len);
	} else {
		log->skipped++;
	}
	strbuf_release(&msg);
	json_decref(o);
	return added;
}

/* ---- syslog forms ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a leading timestamp in one of the known forms, or 0. */
static size_t timestamp_len(const char *p, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	/* "Nov 22 12:00:01" / "Nov  2 12:00:01" */
	if (n >= 15 && isupper((unsigned char)p[0]) && p[3] == ' ') {
		bool month = false;

		for (int i = 0; i < 12; i++)
			if (strncmp(p, months + 3 * i, 3) == 0)
				month = true;
		if (month && (p[4] == ' ' || is_digit(p[4])) && is_digit(p[5]) && p[6] == ' ' &&
		    is_digit(p[7]) && is_digit(p[8]) && p[9] == ':' && p[12] == ':')
			return 15;
		return 0;
	}
	/* "2026-11-22T12:00:01.123456+00:00" or macOS "2026-11-22 12:00:01.123456+0100" */
	if (n >= 19 && is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) &&
	    p[4] == '-' && p[7] == '-' && (p[10] == 'T' || p[10] == ' ') && p[13] == ':' &&
	    p[16] == ':') {
		size_t i = 19;

		while (i < n && (is_digit(p[i]) || p[i] == '.' || p[i] == '+' || p[i] == '-' ||
				 p[i] == ':' || p[i] == 'Z'))
			i++;
		return i;
	}
	return 0;
}

static int syslog_line(struct sshd_log *log, unsigned lineno, const char *p, size_t n)
{
	size_t tl = timestamp_len(p, n), i;
	const char *host, *ident, *colon, *end = p + n;
	size_t identlen;
	int pid = 0;
	char *time;

	if (tl == 0) {
		log->bad++;
		return 0;
	}
	i = tl;
	while (i < n && p[i] == ' ')
		i++;
	host = p + i;
	while (i < n && p[i] != ' ')
		i++;
	while (i < n && p[i] == ' ')
		i++;
	if (host == p + i || i >= n) {
		log->bad++;
		return 0;
	}
	/* "ident[pid]: msg" or "ident: msg" */
	ident = p + i;
	colon = memchr(ident, ':', (size_t)(end - ident));
	if (colon == NULL) {
		log->bad++;
		return 0;
	}
	identlen = (size_t)(colon - ident);
	if (identlen > 2 && ident[identlen - 1] == ']') {
		const char *open = memchr(ident, '[', identlen);

		if (open != NULL) {
			const char *q = open + 1;

			while (q < colon - 1 && is_digit(*q) && pid < 100000000)
				pid = pid * 10 + (*q++ - '0');
			identlen = (size_t)(open - ident);
		}
	}
	if (memchr(ident, ' ', identlen) != NULL) {
		log->bad++;
		return 0;
	}
	colon++;
	if (colon < end && *colon == ' ')
		colon++;
	time = pdup(p, tl);
	return event_add(log, lineno, time, pid, ident, identlen, colon, (size_t)(end - colon));
}

typedef int (*line_fn)(struct sshd_log *log, unsigned lineno, const char *p, size_t n);

static int each_line(struct sshd_log *log, const char *buf, size_t len, line_fn json_fn, line_fn text_fn)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int added = 0;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		const char *q = p;

		lineno++;
		while (lend > q && (lend[-1] == '\r'))
			lend--;
		while (q < lend && (*q == ' ' || *q == '\t'))
			q++;
		if (q == lend) {
			log->skipped++;
		} else if (*q == '{' && json_fn != NULL) {
			added += json_fn(log, lineno, q, (size_t)(lend - q));
		} else if (text_fn != NULL) {
			/* macOS headers: "Filtering the log data...", "Timestamp  (process)[PID]" */
			if (timestamp_len(q, (size_t)(lend - q)) == 0 &&
			    ((size_t)(lend - q) >= 9 && (strncmp(q, "Timestamp", 9) == 0 ||
							 strncmp(q, "Filtering", 9) == 0 ||
							 strncmp(q, "Skipping ", 9) == 0)))
				log->skipped++;
			else
				added += text_fn(log, lineno, q, (size_t)(lend - q));
		} else {
			log->bad++;
		}
		p = eol ? eol + 1 : end;
	}
	return added;
}

int sshd_log_parse_journal_json(struct sshd_log *log, const char *buf, size_t len)
{
	return each_line(log, buf, len, journal_line, NULL);
}

int sshd_log_parse_syslog(struct sshd_log *log, const char *buf, size_t len)
{
	return each_line(log, buf, len, NULL, syslog_line);
}

int sshd_log_parse(struct sshd_log *log, const char *buf, size_t len)
{
	return each_line(log, buf, len, journal_line, syslog_line);
}

int sshd_log_parse_own(struct sshd_log *log, const char *buf, size_t len, long pid)
{
	size_t i = 0;
	unsigned line = 0;
	int added = 0;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		size_t next = i + n + 1;
		struct sshd_log_event ev;

		line++;
		while (n > 0 && (buf[i + n - 1] == '\r' || buf[i + n - 1] == ' '))
			n--;
		if (n == 0) {
			log->skipped++;
			i = next;
			continue;
		}
		memset(&ev, 0, sizeof(ev));
		ev.message = printable(buf + i, n, true);
		sshd_log_classify(ev.message, &ev);
		ev.pid = (int)pid;
		ev.ident = xstrdup("sshd");
		ev.line = line;
		if (log->n == log->alloc) {
			log->alloc = log->alloc ? log->alloc * 2 : 32;
			log->v = xrealloc(log->v, log->alloc * sizeof(*log->v));
		}
		log->v[log->n++] = ev;
		added++;
		i = next;
	}
	return added;
}

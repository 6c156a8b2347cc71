/* SPDX-License-Identifier: MIT */
/* --targets FILE and several HOST arguments: the list of a fleet run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/targets.h"

void fleet_list_init(struct fleet_list *l)
{
	l->v = NULL;
	l->n = 0;
}

void fleet_list_release(struct fleet_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		target_release(&l->v[i].t);
		free(l->v[i].given);
	}
	free(l->v);
	fleet_list_init(l);
}

/* Says where a bad target was written: "line N" or "argument". */
static void where(struct strbuf *err, int line)
{
	if (line > 0)
		strbuf_addf(err, "--targets line %d: ", line);
}

int fleet_list_add(struct fleet_list *l, const char *arg, int line, struct strbuf *err)
{
	struct fleet_target ft;
	size_t n = strlen(arg);
	char *q;
	int rc;

	target_init(&ft.t);
	rc = target_parse(&ft.t, arg);
	if (rc == TARGET_OK && ft.t.host == NULL)
		rc = TARGET_EMPTY_HOST;
	if (rc != TARGET_OK) {
		q = printable(arg, n > 60 ? 60 : n, false);
		where(err, line);
		if (rc == TARGET_EMPTY_HOST && ft.t.symptom == SYMPTOM_NONE)
			strbuf_addf(err, "bad target '%s%s': %s", q, n > 60 ? "..." : "", target_strerror(rc));
		else if (rc == TARGET_EMPTY_HOST)
			strbuf_addf(err, "'%s%s' names no host: write the host after it on the same line, e.g. user@host:22, or the line ssh printed next instead (\"Connection %s by HOST port PORT\")",
				    q, n > 60 ? "..." : "", ft.t.symptom == SYMPTOM_RESET ? "reset" : "closed");
		else
			strbuf_addf(err, "bad target '%s%s': %s", q, n > 60 ? "..." : "", target_strerror(rc));
		free(q);
		target_release(&ft.t);
		return -1;
	}
	if (l->n >= TARGETS_MAX) {
		where(err, line);
		strbuf_addf(err, "more than %d targets: split the list", TARGETS_MAX);
		target_release(&ft.t);
		return -1;
	}
	ft.line = line;
	while (n > 0 && (arg[n - 1] == ' ' || arg[n - 1] == '\t'))
		n--;
	while (n > 0 && (*arg == ' ' || *arg == '\t')) {
		arg++;
		n--;
	}
	ft.given = printable(arg, n, false);
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = ft;
	return 0;
}

int fleet_list_parse(struct fleet_list *l, const char *buf, size_t len, struct strbuf *err)
{
	const char *p = buf, *end = buf + len;
	int line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *s = p;
		char *text;
		int rc;

		line++;
		p = nl ? nl + 1 : end;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n == 0 || *s == '#')
			continue;
		if (memchr(s, '\0', n) != NULL) {
			strbuf_addf(err, "--targets line %d: a NUL byte: this is not a text file", line);
			return -1;
		}
		if (n > TARGET_MAX_ARG) {
			strbuf_addf(err, "--targets line %d: longer than %d bytes", line, TARGET_MAX_ARG);
			return -1;
		}
		text = xstrndup(s, n);
		rc = fleet_list_add(l, text, line, err);
		free(text);
		if (rc != 0)
			return -1;
	}
	return 0;
}

int fleet_list_read(struct fleet_list *l, const char *path, struct strbuf *err)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct strbuf sb;
	char buf[65536];
	ssize_t r;
	int rc = -1;

	if (fd < 0) {
		strbuf_addf(err, "cannot read --targets '%s': %s", path, strerror(errno));
		return -1;
	}
	strbuf_init(&sb);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			strbuf_addf(err, "cannot read --targets '%s': %s", in ? "(standard input)" : path,
				    strerror(errno));
			goto out;
		}
		if (sb.len + (size_t)r > TARGETS_FILE_MAX) {
			strbuf_addf(err, "--targets '%s' is larger than %d bytes", path, TARGETS_FILE_MAX);
			goto out;
		}
		strbuf_add(&sb, buf, (size_t)r);
	}
	rc = fleet_list_parse(l, sb.buf, sb.len, err);
	if (rc == 0 && l->n == 0) {
		strbuf_addf(err, "--targets '%s' names no target (one [user@]host[:port] per line)", path);
		rc = -1;
	}
out:
	strbuf_release(&sb);
	if (!in)
		close(fd);
	return rc;
}

int fleet_list_set_port(struct fleet_list *l, const char *port)
{
	for (size_t i = 0; i < l->n; i++) {
		struct target *t = &l->v[i].t;

		if (t->port_given)
			continue;
		if (target_set_port(t, port) != TARGET_OK)
			return -1;
	}
	return 0;
}

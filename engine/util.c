/* SPDX-License-Identifier: MIT */
/* Small helpers shared by engine/ and tui/. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "engine/util.h"

static void oom(void)
{
	fputs("ssh-doctor: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

/* What a detached strbuf points at: empty, never written, never freed. */
static char strbuf_empty[1];

void strbuf_init(struct strbuf *sb)
{
	sb->alloc = 64;
	sb->len = 0;
	sb->buf = xmalloc(sb->alloc);
	sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc != 0)
		free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc != 0)
		sb->buf[0] = '\0';
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->alloc)
		return;
	if (sb->alloc == 0) {
		/* buf is strbuf_empty (or NULL after release): nothing to keep */
		sb->alloc = 64;
		while (sb->alloc < need)
			sb->alloc *= 2;
		sb->buf = xmalloc(sb->alloc);
		sb->buf[0] = '\0';
		return;
	}
	while (sb->alloc < need)
		sb->alloc *= 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
}

void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	strbuf_grow(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 0);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	/* the caller always gets a string of its own, even from an empty sb */
	char *p = sb->alloc != 0 ? sb->buf : xstrdup("");

	if (len != NULL)
		*len = sb->len;
	/* empty again without allocating: detach-then-forget must not leak */
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	return p;
}

void strv_init(struct strv *sv)
{
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

void strv_release(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	strv_init(sv);
}

void strv_push_owned(struct strv *sv, char *s)
{
	if (sv->n + 1 >= sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
		sv->v = xrealloc(sv->v, sv->alloc * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_owned(sv, xstrdup(s));
}

void strv_pushf(struct strv *sv, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strv_push_owned(sv, strbuf_detach(&sb, NULL));
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

void strv_copy(struct strv *dst, const struct strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

bool strv_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

size_t utf8_printable_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* overlong, surrogates, out of range, C1 controls, bidi overrides */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

void strbuf_add_printable(struct strbuf *sb, const void *data, size_t n, bool allow_utf8)
{
	const unsigned char *p = data;
	size_t i = 0;

	while (i < n) {
		size_t u, j = i;

		/* a run of plain characters goes in at once */
		while (j < n && p[j] >= 0x20 && p[j] < 0x7f && p[j] != '\\')
			j++;
		if (j > i) {
			strbuf_add(sb, p + i, j - i);
			i = j;
			continue;
		}
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (p[i] == '\\')
				strbuf_addstr(sb, "\\\\");
			else
				strbuf_addch(sb, p[i]);
			i++;
		} else if (p[i] == '\t') {
			strbuf_addch(sb, ' ');
			i++;
		} else if (allow_utf8 && (u = utf8_printable_len(p + i, n - i)) > 0) {
			strbuf_add(sb, p + i, u);
			i += u;
		} else {
			strbuf_addf(sb, "\\x%02x", p[i]);
			i++;
		}
	}
}

char *printable(const void *data, size_t n, bool allow_utf8)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add_printable(&sb, data, n, allow_utf8);
	return strbuf_detach(&sb, NULL);
}

uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_ms(void)
{
	return now_us() / 1000u;
}

char *str_from_buf(const char *buf, size_t len)
{
	char *s = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		s[i] = buf[i] ? buf[i] : ' ';
	s[len] = '\0';
	return s;
}

char *str_next_line(char **pos)
{
	char *s = *pos, *nl;

	if (s == NULL || *s == '\0')
		return NULL;
	nl = strchr(s, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*pos = nl + 1;
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
	} else {
		*pos = s + strlen(s);
	}
	return s;
}

char *str_trim(char *s)
{
	char *end;

	while (*s && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	return s;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* SPDX-License-Identifier: MIT */
/* Small helpers shared by engine/ and tui/: growable buffers, string lists,
 * and making outside bytes printable. capture/ does not use this file. */
#ifndef SSHD_UTIL_H
#define SSHD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that aborts with a message on out-of-memory; never returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable, always NUL-terminated byte buffer. Lives inside another struct:
 * strbuf_init() then strbuf_release(). buf is never NULL after init. */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the buffer to the caller (who frees it) and leaves sb empty, owning
 * nothing (buf NULL until the next add); strbuf_release is then optional. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

/* A list of owned strings. Lives inside another struct: strv_init/strv_release. */
struct strv {
	char **v;
	size_t n;
	size_t alloc;
};
void strv_init(struct strv *sv);
void strv_release(struct strv *sv);
/* Copies s. */
void strv_push(struct strv *sv, const char *s);
/* Takes ownership of s. */
void strv_push_owned(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool strv_contains(const struct strv *sv, const char *s);
void strv_copy(struct strv *dst, const struct strv *src);
/* True when a and b hold the same strings in the same order. */
bool strv_equal(const struct strv *a, const struct strv *b);

/*
 * Makes n bytes from the outside world safe to draw or print: printable
 * ASCII is kept, valid UTF-8 printable characters are kept when allow_utf8,
 * tab becomes a space, everything else (control characters, escape
 * sequences, invalid UTF-8, NUL) becomes \xHH. Returns a new string the
 * caller frees; never NULL.
 */
char *printable(const void *data, size_t n, bool allow_utf8);
/* Length of one well-formed UTF-8 character at p (n bytes available) that is
 * not a C1 control or a bidi override (both can rewrite what a terminal
 * shows), or 0. */
size_t utf8_printable_len(const unsigned char *p, size_t n);
/* The same, appended to sb. */
void strbuf_add_printable(struct strbuf *sb, const void *data, size_t n, bool allow_utf8);

/* Monotonic clock in milliseconds / microseconds. */
uint64_t now_ms(void);
uint64_t now_us(void);

/* Trims ASCII white space at both ends, in place; returns s. */
char *str_trim(char *s);
/* A NUL-terminated copy of buf[0..len) for a line parser: NUL bytes inside
 * become spaces. The caller frees it. */
char *str_from_buf(const char *buf, size_t len);
/* The next line of *pos, cut in place (its "\n" or "\r\n" removed), *pos
 * moved past it; NULL at the end. */
char *str_next_line(char **pos);
bool str_starts_with(const char *s, const char *prefix);
/* Case-insensitive ASCII comparison helpers. */
bool str_ieq(const char *a, const char *b);

#endif

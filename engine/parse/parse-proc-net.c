/* SPDX-License-Identifier: MIT */
/* /proc/net/tcp and /proc/net/tcp6: the sockets the kernel has, as text. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/parse/parse-proc-net.h"
#include "engine/util.h"

void proc_net_table_init(struct proc_net_table *t)
{
	memset(t, 0, sizeof(*t));
}

void proc_net_table_release(struct proc_net_table *t)
{
	free(t->v);
	proc_net_table_init(t);
}

enum proc_net_order proc_net_host_order(void)
{
	const uint16_t one = 1;
	uint8_t first;

	memcpy(&first, &one, 1);
	return first == 1 ? PROC_NET_LITTLE_ENDIAN : PROC_NET_BIG_ENDIAN;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads exactly n hex digits at *p into *out; advances *p. */
static int read_hex(const char **p, const char *end, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;

	if ((size_t)(end - *p) < n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int h = hexval((unsigned char)(*p)[i]);

		if (h < 0)
			return -1;
		v = (v << 4) | (unsigned)h;
	}
	*p += n;
	*out = v;
	return 0;
}

/* Reads 1..maxdigits hex digits, stopping at the first non-hex. */
static int read_hex_var(const char **p, const char *end, size_t maxdigits,
			unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i = 0;

	while (*p < end && i < maxdigits && hexval((unsigned char)**p) >= 0) {
		v = (v << 4) | (unsigned)hexval((unsigned char)**p);
		(*p)++;
		i++;
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

static int read_dec(const char **p, const char *end, unsigned long *out)
{
	unsigned long v = 0;
	size_t i = 0;

	while (*p < end && **p >= '0' && **p <= '9') {
		if (v > (~0UL - 9) / 10)
			return -1;
		v = v * 10 + (unsigned long)(**p - '0');
		(*p)++;
		i++;
	}
	if (i == 0)
		return -1;
	*out = v;
	return 0;
}

static void skip_spaces(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* Stores one 32-bit word as the kernel printed it (host order) into 4 bytes
 * of network order. */
static void word_to_bytes(unsigned long long w, enum proc_net_order order, uint8_t *b)
{
	if (order == PROC_NET_LITTLE_ENDIAN) {
		b[0] = w & 0xff;
		b[1] = (w >> 8) & 0xff;
		b[2] = (w >> 16) & 0xff;
		b[3] = (w >> 24) & 0xff;
	} else {
		b[0] = (w >> 24) & 0xff;
		b[1] = (w >> 16) & 0xff;
		b[2] = (w >> 8) & 0xff;
		b[3] = w & 0xff;
	}
}

/* Reads "ADDR:PORT" for the family into bytes and port. */
static int read_endpoint(const char **p, const char *end, int family,
			 enum proc_net_order order, uint8_t *bytes, unsigned *port)
{
	size_t words = family == AF_INET ? 1 : 4;
	unsigned long long v;

	for (size_t i = 0; i < words; i++) {
		if (read_hex(p, end, 8, &v) != 0)
			return -1;
		word_to_bytes(v, order, bytes + 4 * i);
	}
	if (*p >= end || **p != ':')
		return -1;
	(*p)++;
	if (read_hex(p, end, 4, &v) != 0)
		return -1;
	*port = (unsigned)v;
	return 0;
}

static void endpoint_text(int family, const uint8_t *bytes, char *out, size_t outlen)
{
	if (inet_ntop(family, bytes, out, (socklen_t)outlen) == NULL)
		snprintf(out, outlen, "?");
}

static bool is_v4mapped(const uint8_t *b)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(b, prefix, sizeof(prefix)) == 0;
}

static void table_push(struct proc_net_table *t, const struct proc_net_socket *s)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->v = xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	t->v[t->n++] = *s;
}

/* One row: "  N: LOCAL REMOTE ST TXQ:RXQ TR:WHEN RETR UID TIMEOUT INODE ...". */
static int parse_row(const char *p, const char *end, int family, enum proc_net_order order,
		     struct proc_net_socket *s)
{
	uint8_t local[16], remote[16];
	unsigned long long st, dummy;
	unsigned long uid, timeout, inode;

	memset(s, 0, sizeof(*s));
	s->family = family;
	skip_spaces(&p, end);
	if (read_hex_var(&p, end, 16, &dummy) != 0 || p >= end || *p != ':')
		return -1;
	p++;
	skip_spaces(&p, end);
	if (read_endpoint(&p, end, family, order, local, &s->port) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_endpoint(&p, end, family, order, remote, &s->remote_port) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_hex(&p, end, 2, &st) != 0)
		return -1;
	s->state = (unsigned)st;
	skip_spaces(&p, end);
	/* tx_queue:rx_queue tr:tm->when retrnsmt */
	if (read_hex_var(&p, end, 16, &dummy) != 0 || p >= end || *p++ != ':' ||
	    read_hex_var(&p, end, 16, &dummy) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_hex_var(&p, end, 16, &dummy) != 0 || p >= end || *p++ != ':' ||
	    read_hex_var(&p, end, 16, &dummy) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_hex_var(&p, end, 16, &dummy) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_dec(&p, end, &uid) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_dec(&p, end, &timeout) != 0)
		return -1;
	skip_spaces(&p, end);
	if (read_dec(&p, end, &inode) != 0)
		return -1;
	s->uid = (unsigned)uid;
	s->inode = inode;

	if (family == AF_INET6 && is_v4mapped(local)) {
		s->v4mapped = true;
		endpoint_text(AF_INET, local + 12, s->v4, sizeof(s->v4));
		snprintf(s->addr, sizeof(s->addr), "::ffff:%s", s->v4);
		s->loopback = local[12] == 127;
		s->wildcard = false;
	} else {
		static const uint8_t zero[16];

		endpoint_text(family, local, s->addr, sizeof(s->addr));
		if (family == AF_INET) {
			s->wildcard = memcmp(local, zero, 4) == 0;
			s->loopback = local[0] == 127;
		} else {
			static const uint8_t one[16] = { [15] = 1 };

			s->wildcard = memcmp(local, zero, 16) == 0;
			s->loopback = memcmp(local, one, 16) == 0;
		}
	}
	if (family == AF_INET6 && is_v4mapped(remote)) {
		char v4[16];

		endpoint_text(AF_INET, remote + 12, v4, sizeof(v4));
		snprintf(s->remote, sizeof(s->remote), "::ffff:%s", v4);
	} else {
		endpoint_text(family, remote, s->remote, sizeof(s->remote));
	}
	return 0;
}

int proc_net_parse(struct proc_net_table *t, const char *buf, size_t len, int family,
		   enum proc_net_order order, bool listen_only)
{
	const char *p = buf, *end = buf + len;
	unsigned line = 0;
	bool header = false;

	if (family != AF_INET && family != AF_INET6)
		return -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *lend = eol ? eol : end;
		struct proc_net_socket s;

		line++;
		if (!header) {
			const char *q = p;

			skip_spaces(&q, lend);
			if ((size_t)(lend - q) >= 2 && memcmp(q, "sl", 2) == 0) {
				header = true;
				p = eol ? eol + 1 : end;
				continue;
			}
			return -1;
		}
		if (lend > p) {
			if (parse_row(p, lend, family, order, &s) != 0) {
				const char *q = p;

				skip_spaces(&q, lend);
				if (q < lend && *q != '\r')
					t->bad_lines++;
			} else if (!listen_only || s.state == PROC_NET_TCP_LISTEN) {
				s.line = line;
				table_push(t, &s);
			}
		}
		p = eol ? eol + 1 : end;
	}
	return header ? 0 : -1;
}

/* The address family of a text address, and its canonical form. */
static int addr_canon(const char *text, char *out, size_t outlen)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, text, b) == 1) {
		inet_ntop(AF_INET, b, out, (socklen_t)outlen);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, b) == 1) {
		if (is_v4mapped(b)) {
			inet_ntop(AF_INET, b + 12, out, (socklen_t)outlen);
			return AF_INET;
		}
		inet_ntop(AF_INET6, b, out, (socklen_t)outlen);
		return AF_INET6;
	}
	return -1;
}

const struct proc_net_socket *proc_net_find_listener(const struct proc_net_table *t,
						     const char *addr, unsigned port)
{
	char canon[48];
	int fam = -1;

	if (addr != NULL && (fam = addr_canon(addr, canon, sizeof(canon))) < 0)
		return NULL;
	/* exact address first, then wildcards of the same family, then :: */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < t->n; i++) {
			const struct proc_net_socket *s = &t->v[i];

			if (s->state != PROC_NET_TCP_LISTEN || s->port != port)
				continue;
			if (addr == NULL)
				return s;
			if (pass == 0 && !s->wildcard) {
				const char *sa = s->v4mapped ? s->v4 : s->addr;
				int sfam = s->v4mapped ? AF_INET : s->family;

				if (sfam == fam && strcmp(sa, canon) == 0)
					return s;
			}
			if (pass == 1 && s->wildcard && s->family == fam)
				return s;
			if (pass == 2 && s->wildcard && s->family == AF_INET6 && fam == AF_INET)
				return s;
		}
	}
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/* TCP connection attempts and first words, many at once, never blocking. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/conn.h"

bool sockaddr_same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr, 4) == 0;
	if (a->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return false;
}

int conn_sockaddr_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

int conn_set_address(struct conn *c, const char *addr, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&c->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&c->sa;

	memset(&c->sa, 0, sizeof(c->sa));
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		c->salen = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		c->salen = sizeof(*s6);
		return 0;
	}
	return -1;
}

enum tcp_result tcp_classify_errno(int err)
{
	switch (err) {
	case 0: return TCP_ANSWERED;
	case ECONNREFUSED: return TCP_REFUSED;
	case ETIMEDOUT: return TCP_NO_ANSWER;
	case EHOSTUNREACH:
	case EHOSTDOWN: return TCP_HOST_UNREACH;
	case ENETUNREACH:
	case ENETDOWN: return TCP_NET_UNREACH;
	case EPERM:
	case EACCES: return TCP_FORBIDDEN;
	default: return TCP_OTHER;
	}
}

enum banner_result banner_classify(const char *buf, size_t len, bool eof, bool reset,
				   char **text)
{
	const char *p = buf, *end = buf + len;

	*text = NULL;
	if (len == 0)
		return reset ? BANNER_RESET : eof ? BANNER_CLOSED : BANNER_SILENT;
	/* RFC 4253 4.2: a server may send other lines before its identification */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n >= 4 && memcmp(p, "SSH-", 4) == 0) {
			*text = printable(p, n > 255 ? 255 : n, false);
			return BANNER_SSH;
		}
		if (memmem(p, n, "Exceeded MaxStartups", 20) != NULL) {
			*text = printable(p, n, false);
			return BANNER_MAXSTARTUPS;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	{
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		if (n > 0 && buf[n - 1] == '\r')
			n--;
		*text = printable(buf, n > 120 ? 120 : n, false);
	}
	return BANNER_OTHER;
}

/* True when what has arrived is enough to classify without waiting more. */
static bool banner_complete(const struct conn *c)
{
	const char *nl = memchr(c->buf, '\n', c->len);

	if (c->len >= sizeof(c->buf) - 1)
		return true;
	/* OpenSSH sends its identification first and alone: one line decides */
	return nl != NULL;
}

void silence_plan_make(uint32_t rtt_us, int waited_ms, struct silence_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->rtt_us = rtt_us;
	p->measured = rtt_us > 0;
	if (p->measured) {
		uint64_t ms = ((uint64_t)rtt_us * SILENCE_RTT_FACTOR + 999) / 1000;

		p->per_syn_ms = ms < SILENCE_FLOOR_MS ? SILENCE_FLOOR_MS
			      : ms > SILENCE_CEILING_MS ? SILENCE_CEILING_MS : (int)ms;
	} else {
		p->per_syn_ms = SILENCE_NO_RTT_MS;
	}
	p->retry_ms = p->per_syn_ms;
	p->deadline_ms = 2 * p->per_syn_ms;
	if (!p->measured && p->deadline_ms < SILENCE_NO_RTT_TOTAL_MS - (waited_ms > 0 ? waited_ms : 0))
		p->deadline_ms = SILENCE_NO_RTT_TOTAL_MS - (waited_ms > 0 ? waited_ms : 0);
}

/* Opens a socket for c and sends its SYN. Returns the fd, or -1 with *err
 * set when it failed at once (*err is 0 while the SYN waits for an answer,
 * and stays 0 with *connected when it connected at once). */
static int syn_send(const struct conn *c, int *err, bool *connected, int *port)
{
	int fam = c->sa.ss_family, fd;
	struct sockaddr_storage local;
	socklen_t ll = sizeof(local);

	*err = 0;
	*connected = false;
	*port = 0;
	fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (c->tos) {
		if (fam == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_TOS, &c->tos, sizeof(c->tos));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &c->tos, sizeof(c->tos));
	}
	/* the source port is chosen now, so the capture knows it before the
	 * SYN leaves */
	if (c->on_port != NULL) {
		struct sockaddr_storage any;

		memset(&any, 0, sizeof(any));
		any.ss_family = (sa_family_t)fam;
		if (bind(fd, (struct sockaddr *)&any, fam == AF_INET ? sizeof(struct sockaddr_in)
				: sizeof(struct sockaddr_in6)) == 0 &&
		    getsockname(fd, (struct sockaddr *)&local, &ll) == 0)
			c->on_port(c->port_ctx, conn_sockaddr_port(&local), conn_sockaddr_port(&c->sa));
		ll = sizeof(local);
	}
	if (connect(fd, (struct sockaddr *)&c->sa, c->salen) == 0)
		*connected = true;
	else if (errno != EINPROGRESS)
		*err = errno;
	if (getsockname(fd, (struct sockaddr *)&local, &ll) == 0)
		*port = conn_sockaddr_port(&local);
	return fd;
}

static void conn_start(struct conn *c)
{
	bool connected;

	c->fd2 = -1;
	c->syns = 0;
	c->retried = false;
	c->start_us = now_us();
	c->fd = syn_send(c, &c->err, &connected, &c->local_port);
	if (c->fd >= 0)
		c->syns = 1;
	if (c->err != 0) {
		c->tcp = tcp_classify_errno(c->err);
		c->tcp_us = (uint32_t)(now_us() - c->start_us);
		c->done = true;
	} else if (connected) {
		c->tcp = TCP_ANSWERED;
		c->tcp_us = (uint32_t)(now_us() - c->start_us);
		if (!c->want_banner)
			c->done = true;
	}
}

/* The second SYN, from a socket of its own: the first may have been lost. */
static void conn_retry(struct conn *c)
{
	bool connected;
	int err, port;
	int fd;

	c->retried = true;
	fd = syn_send(c, &err, &connected, &port);
	if (fd < 0)
		return;
	c->syns++;
	c->fd2 = fd;
	c->local_port2 = port;
	c->start2_us = now_us();
	/* connected at once: the next poll sees it writable */
	(void)connected;
	if (err != 0) {
		close(c->fd2);
		c->fd2 = -1;
		c->err = err;
		c->tcp = tcp_classify_errno(err);
		c->tcp_us = (uint32_t)(now_us() - c->start_us);
		c->local_port = port;
		c->done = true;
	}
}

/* Socket which (0 first, 1 the retry) of a pending attempt is writable or
 * failed: the attempt is decided by it, the other socket is closed. */
static void conn_settle(struct conn *x, int which)
{
	int err = 0;
	socklen_t el = sizeof(err);

	if (which == 1) {
		int t = x->fd;

		x->fd = x->fd2;
		x->fd2 = t;
		x->local_port = x->local_port2;
		x->start_us = x->start2_us;
	}
	getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (x->fd2 >= 0) {
		close(x->fd2);
		x->fd2 = -1;
	}
	x->tcp_us = (uint32_t)(now_us() - x->start_us);
	x->err = err;
	x->tcp = tcp_classify_errno(err);
	if (err != 0 || !x->want_banner)
		x->done = true;
}

/* Looks once more, without waiting, whether an answer is there: our thread
 * may have been late to the deadline, the network was not. */
static bool conn_check_now(struct conn *x)
{
	struct pollfd p[2];
	int k = 0;

	p[k++] = (struct pollfd){.fd = x->fd, .events = POLLOUT};
	if (x->fd2 >= 0)
		p[k++] = (struct pollfd){.fd = x->fd2, .events = POLLOUT};
	if (poll(p, (nfds_t)k, 0) <= 0)
		return false;
	for (int i = 0; i < k; i++)
		if (p[i].revents) {
			conn_settle(x, i);
			return true;
		}
	return false;
}

/* Reads what arrived; finishes the banner on a line, EOF or reset. */
static void conn_read(struct conn *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);

	if (n > 0) {
		c->len += (size_t)n;
		if (banner_complete(c)) {
			c->banner = banner_classify(c->buf, c->len, false, false, &c->banner_text);
			c->banner_us = (uint32_t)(now_us() - c->start_us);
			c->done = true;
		}
		return;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	c->banner = banner_classify(c->buf, c->len, n == 0, n < 0, &c->banner_text);
	c->banner_us = (uint32_t)(now_us() - c->start_us);
	c->done = true;
}

void conn_run(struct conn *c, size_t n, int connect_ms, int banner_ms,
	      const volatile bool *cancel, void (*on_started)(void *ctx), void *ctx)
{
	conn_run_ticked(c, n, connect_ms, banner_ms, cancel, on_started, NULL, ctx);
}

#define CONN_MAX_POLL 256
#define CONN_TICK_MS 50

void conn_run_ticked(struct conn *c, size_t n, int connect_ms, int banner_ms,
		     const volatile bool *cancel, void (*on_started)(void *ctx),
		     void (*tick)(void *ctx), void *ctx)
{
	struct pollfd fds[CONN_MAX_POLL];
	uint64_t next_tick = now_us();

	for (size_t i = 0; i < n; i++) {
		c[i].fd = -1;
		c[i].fd2 = -1;
		c[i].len = 0;
		c[i].done = false;
		c[i].tcp = TCP_NOT_TRIED;
		c[i].banner = BANNER_NOT_TRIED;
		c[i].err = 0;
		c[i].hello_sent = false;
		conn_start(&c[i]);
	}
	if (on_started)
		on_started(ctx);
	for (;;) {
		uint64_t now = now_us();
		int wait_ms = 100, nfds = 0;
		size_t map[CONN_MAX_POLL];
		int which[CONN_MAX_POLL];

		if (tick != NULL && now >= next_tick) {
			tick(ctx);
			next_tick = now + CONN_TICK_MS * 1000;
		}
		for (size_t i = 0; i < n && nfds + 2 <= CONN_MAX_POLL; i++) {
			struct conn *x = &c[i];
			uint64_t limit;

			if (x->done)
				continue;
			if (x->tcp == TCP_NOT_TRIED) {
				int ms = x->connect_ms > 0 ? x->connect_ms : connect_ms;

				limit = x->start_us + (uint64_t)ms * 1000;
				if (x->retry_ms > 0 && !x->retried) {
					uint64_t at = x->start_us + (uint64_t)x->retry_ms * 1000;

					if (now >= at && at < limit) {
						conn_retry(x);
						if (x->done)
							continue;
					} else if (at < limit) {
						limit = at;   /* wake up for the retry */
					}
				}
				if (now >= x->start_us + (uint64_t)ms * 1000) {
					if (conn_check_now(x))
						continue;
					x->tcp = TCP_NO_ANSWER;
					x->err = ETIMEDOUT;
					x->tcp_us = (uint32_t)(now - x->start_us);
					x->done = true;
					if (x->fd2 >= 0)
						x->local_port = x->local_port2;
					continue;
				}
				fds[nfds] = (struct pollfd){.fd = x->fd, .events = POLLOUT};
				map[nfds] = i;
				which[nfds++] = 0;
				if (x->fd2 >= 0) {
					fds[nfds] = (struct pollfd){.fd = x->fd2, .events = POLLOUT};
					map[nfds] = i;
					which[nfds++] = 1;
				}
			} else {
				limit = x->start_us + x->tcp_us + (uint64_t)banner_ms * 1000;
				if (x->hello && !x->hello_sent && x->len == 0) {
					/* a client speaks first too (RFC 4253 4.2): a web
					 * server waits for it, then answers */
					uint64_t at = x->start_us + x->tcp_us + (uint64_t)x->hello_ms * 1000;

					if (now >= at) {
						(void)!write(x->fd, x->hello, strlen(x->hello));
						x->hello_sent = true;
					} else if (at < limit) {
						limit = at;
					}
				}
				if (now >= limit && (x->hello == NULL || x->hello_sent || x->len > 0)) {
					x->banner = banner_classify(x->buf, x->len, false, false, &x->banner_text);
					x->banner_us = (uint32_t)(now - x->start_us);
					x->done = true;
					continue;
				}
				fds[nfds] = (struct pollfd){.fd = x->fd, .events = POLLIN};
				map[nfds] = i;
				which[nfds++] = 0;
			}
			if (limit > now && (limit - now) / 1000 + 1 < (uint64_t)wait_ms)
				wait_ms = (int)((limit - now) / 1000 + 1);
		}
		if (nfds == 0 || (cancel && *cancel))
			break;
		if (tick != NULL && wait_ms > CONN_TICK_MS)
			wait_ms = CONN_TICK_MS;
		if (poll(fds, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < nfds; k++) {
			struct conn *x = &c[map[k]];

			if (!fds[k].revents || x->done)
				continue;
			if (x->tcp == TCP_NOT_TRIED) {
				conn_settle(x, which[k]);
				/* an attempt that just failed may end others
				 * (a host a router cannot reach): tick now */
				if (x->tcp != TCP_NOT_TRIED && x->tcp != TCP_ANSWERED)
					next_tick = 0;
			} else if (which[k] == 0)
				conn_read(x);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!c[i].done && c[i].tcp == TCP_NOT_TRIED) {
			c[i].tcp = TCP_NO_ANSWER;
			c[i].err = ETIMEDOUT;
		}
		if (c[i].fd >= 0) {
			close(c[i].fd);
			c[i].fd = -1;
		}
		if (c[i].fd2 >= 0) {
			close(c[i].fd2);
			c[i].fd2 = -1;
		}
	}
}

void conn_release(struct conn *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].banner_text);
		c[i].banner_text = NULL;
	}
}

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

static void conn_start(struct conn *c, int tos)
{
	int fam = c->sa.ss_family;
	struct sockaddr_storage local;
	socklen_t ll = sizeof(local);

	c->fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	c->start_us = now_us();
	if (c->fd < 0) {
		c->err = errno;
		c->tcp = tcp_classify_errno(c->err);
		c->done = true;
		return;
	}
	if (tos) {
		if (fam == AF_INET)
			setsockopt(c->fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
		else
			setsockopt(c->fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
	}
	if (connect(c->fd, (struct sockaddr *)&c->sa, c->salen) == 0) {
		c->tcp = TCP_ANSWERED;
	} else if (errno != EINPROGRESS) {
		c->err = errno;
		c->tcp = tcp_classify_errno(c->err);
		c->tcp_us = (uint32_t)(now_us() - c->start_us);
		c->done = true;
	}
	if (getsockname(c->fd, (struct sockaddr *)&local, &ll) == 0)
		c->local_port = ntohs(local.ss_family == AF_INET
				      ? ((struct sockaddr_in *)&local)->sin_port
				      : ((struct sockaddr_in6 *)&local)->sin6_port);
	if (c->tcp == TCP_ANSWERED) {
		c->tcp_us = (uint32_t)(now_us() - c->start_us);
		if (!c->want_banner)
			c->done = true;
	}
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
	struct pollfd *fds = xcalloc(n ? n : 1, sizeof(*fds));
	uint64_t start = now_us();

	for (size_t i = 0; i < n; i++) {
		c[i].fd = -1;
		c[i].len = 0;
		c[i].done = false;
		c[i].tcp = TCP_NOT_TRIED;
		c[i].banner = BANNER_NOT_TRIED;
		c[i].err = 0;
		c[i].hello_sent = false;
		conn_start(&c[i], c[i].tos);
	}
	if (on_started)
		on_started(ctx);
	for (;;) {
		uint64_t now = now_us();
		int wait_ms = 100, nfds = 0;
		size_t map[256];

		for (size_t i = 0; i < n && nfds < 256; i++) {
			struct conn *x = &c[i];
			uint64_t limit;

			if (x->done)
				continue;
			if (x->tcp == TCP_NOT_TRIED) {
				limit = x->start_us + (uint64_t)connect_ms * 1000;
				if (now >= limit) {
					x->tcp = TCP_NO_ANSWER;
					x->err = ETIMEDOUT;
					x->tcp_us = (uint32_t)(now - x->start_us);
					x->done = true;
					continue;
				}
				fds[nfds] = (struct pollfd){.fd = x->fd, .events = POLLOUT};
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
			}
			if ((limit - now) / 1000 + 1 < (uint64_t)wait_ms)
				wait_ms = (int)((limit - now) / 1000 + 1);
			map[nfds++] = i;
		}
		if (nfds == 0 || (cancel && *cancel))
			break;
		if (poll(fds, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			break;
		for (int k = 0; k < nfds; k++) {
			struct conn *x = &c[map[k]];

			if (!fds[k].revents)
				continue;
			if (x->tcp == TCP_NOT_TRIED) {
				int err = 0;
				socklen_t el = sizeof(err);

				getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el);
				x->tcp_us = (uint32_t)(now_us() - x->start_us);
				x->err = err;
				x->tcp = tcp_classify_errno(err);
				if (err != 0 || !x->want_banner)
					x->done = true;
			} else {
				conn_read(x);
			}
		}
	}
	(void)start;
	for (size_t i = 0; i < n; i++) {
		if (!c[i].done && c[i].tcp == TCP_NOT_TRIED) {
			c[i].tcp = TCP_NO_ANSWER;
			c[i].err = ETIMEDOUT;
		}
		if (c[i].fd >= 0) {
			close(c[i].fd);
			c[i].fd = -1;
		}
	}
	free(fds);
}

void conn_release(struct conn *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].banner_text);
		c[i].banner_text = NULL;
	}
}

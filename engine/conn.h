/* A set of TCP connection attempts run together in one poll() loop: each
 * connects with its own deadline and, when asked, reads what the server says
 * first. Used by the TCP, banner and other-ports steps. */
#ifndef SSHD_CONN_H
#define SSHD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/facts.h"

struct conn {
	/* in */
	struct sockaddr_storage sa;   /* address and port to connect to */
	socklen_t salen;
	bool want_banner;
	int tos;                      /* TOS / traffic class for our SYNs, 0 for none */
	const char *hello;            /* sent when the server is silent for hello_ms, or NULL */
	int hello_ms;
	/* out */
	enum tcp_result tcp;
	int err;                      /* errno of the failure, 0 when answered */
	uint32_t tcp_us;              /* time to the answer or the error */
	int local_port;               /* our source port, for the capture */
	enum banner_result banner;
	char *banner_text;            /* printable first line; the caller frees */
	uint32_t banner_us;
	bool hello_sent;              /* the server was silent, we spoke first */
	/* private */
	int fd;
	char buf[1024];
	size_t len;
	bool done;
	uint64_t start_us;
};

/* Fills c->sa for address text and port; returns 0 or -1 when not numeric. */
int conn_set_address(struct conn *c, const char *addr, int port);

/*
 * Connects every c[i] (connect deadline connect_ms) and reads banners (up to
 * banner_ms after each connects). Stops early when *cancel turns true.
 * on_started, when not NULL, is called once every socket has sent its SYN
 * (local ports known), so a capture can be told what to watch.
 */
void conn_run(struct conn *c, size_t n, int connect_ms, int banner_ms,
	      const volatile bool *cancel, void (*on_started)(void *ctx), void *ctx);
void conn_release(struct conn *c, size_t n);

/* Classifies what a server said first. Pure. len may be 0; eof: the peer
 * closed; reset: the peer reset. *text gets a printable first line (caller
 * frees) or NULL. */
enum banner_result banner_classify(const char *buf, size_t len, bool eof, bool reset,
				   char **text);

/* Maps a connect() errno to a result. Pure. */
enum tcp_result tcp_classify_errno(int err);

#endif

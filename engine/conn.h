/* SPDX-License-Identifier: MIT */
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
	int retry_ms;                 /* > 0: a second SYN, from a new socket, after this
				       * long without an answer (the kernel itself would
				       * only retransmit after a second) */
	int connect_ms;               /* > 0: this attempt's own connect deadline,
				       * which a tick may lower; 0: conn_run's */
	void (*on_port)(void *ctx, int sport, int dport); /* when not NULL,
				       * told each source port, and the port it
				       * goes to, before its SYN leaves (a capture
				       * keeps to its own connections) */
	void *port_ctx;
	/* out */
	enum tcp_result tcp;
	int err;                      /* errno of the failure, 0 when answered */
	uint32_t tcp_us;              /* time to the answer or the error */
	int local_port;               /* our source port (of the SYN that was answered,
				       * else the last one), for the capture */
	int syns;                     /* SYNs sent: sockets opened for this attempt */
	enum banner_result banner;
	char *banner_text;            /* printable first line; the caller frees */
	uint32_t banner_us;
	bool hello_sent;              /* the server was silent, we spoke first */
	/* private */
	int fd;
	int fd2;                      /* the retry's socket, -1 when none */
	bool retried;
	int local_port2;
	uint64_t start2_us;
	char buf[1024];
	size_t len;
	bool done;
	uint64_t start_us;
};

/* True when a and b are the same IPv4 or IPv6 address (ports aside). Pure. */
bool sockaddr_same_ip(const struct sockaddr *a, const struct sockaddr *b);

/* The port of an IPv4 or IPv6 socket address, in host order. */
int conn_sockaddr_port(const struct sockaddr_storage *ss);
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
/* The same; tick, when not NULL, is called with ctx about every 50 ms while
 * attempts are pending, and may end one (set its tcp, err and done) or
 * change its connect_ms. */
void conn_run_ticked(struct conn *c, size_t n, int connect_ms, int banner_ms,
		     const volatile bool *cancel, void (*on_started)(void *ctx),
		     void (*tick)(void *ctx), void *ctx);

/*
 * How long to wait before calling a SYN unanswered. Each SYN gets
 * per_syn_ms: SILENCE_RTT_FACTOR round trips, never less than
 * SILENCE_FLOOR_MS, never more than SILENCE_CEILING_MS; with no measured
 * round trip (rtt_us 0), SILENCE_NO_RTT_MS. A second SYN leaves at retry_ms
 * (= per_syn_ms), and silence is declared at deadline_ms (= 2 * per_syn_ms):
 * one lost packet is never read as a filter. With no measured round trip
 * the wait also lasts until SILENCE_NO_RTT_TOTAL_MS after our first packet
 * to the address (waited_ms ago, e.g. a ping): a router in between needs
 * about 3 s (three ARP probes a second apart) before it can answer "host
 * unreachable" for an absent host on its own link. Pure.
 */
#define SILENCE_FLOOR_MS 100
#define SILENCE_RTT_FACTOR 4
#define SILENCE_CEILING_MS 2500
#define SILENCE_NO_RTT_MS 1000
#define SILENCE_NO_RTT_TOTAL_MS 3300
struct silence_plan {
	bool measured;                /* from a measured round trip */
	uint32_t rtt_us;
	int per_syn_ms;
	int retry_ms;
	int deadline_ms;
};
void silence_plan_make(uint32_t rtt_us, int waited_ms, struct silence_plan *p);
void conn_release(struct conn *c, size_t n);

/* Classifies what a server said first. Pure. len may be 0; eof: the peer
 * closed; reset: the peer reset. *text gets a printable first line (caller
 * frees) or NULL. */
enum banner_result banner_classify(const char *buf, size_t len, bool eof, bool reset,
				   char **text);

/* Maps a connect() errno to a result. Pure. */
enum tcp_result tcp_classify_errno(int err);

#endif

/* SPDX-License-Identifier: MIT */
/* "Try ssh now from the client; I am watching": the seed guides' "follow
 * the log while you try from the client", done for the person. A capture
 * on every interface watches the port for SYNs from other machines, and
 * for each source says what this machine answered: a SYN-ACK (TCP got
 * through), a RST, an ICMP error, or nothing at all (the kernel dropped
 * it). The sources seen become the clients the later steps judge for, as
 * with --from. Nothing arriving is a finding too: the attempts never
 * reach this machine (upstream_block). It waits up to watch_seconds, and
 * stops a few seconds after the first attempt. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/decode.h"
#include "engine/parse/parse-address.h"
#include "engine/probe.h"

/* after the first SYN: its retransmissions and the answers come within this */
#define SETTLE_MS 3500
#define TICK_MS 200

struct watch_ctx {
	struct server_facts *f;
	uint16_t port;
	int first_ms;           /* when the first attempt arrived, or -1 */
	int now_ms;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct srv_watch_source *source_of(struct server_facts *f, const char *addr, bool add)
{
	for (size_t i = 0; i < f->nwatch; i++)
		if (strcmp(f->watch[i].addr, addr) == 0)
			return &f->watch[i];
	if (!add || f->nwatch >= SRV_MAX_TESTS)
		return NULL;
	memset(&f->watch[f->nwatch], 0, sizeof(f->watch[0]));
	snprintf(f->watch[f->nwatch].addr, sizeof(f->watch[0].addr), "%s", addr);
	f->watch[f->nwatch].answer = WIRE_SILENCE;
	return &f->watch[f->nwatch++];
}

/* A later answer outranks silence; a SYN-ACK outranks a refusal. */
static void answered(struct srv_watch_source *s, enum wire_outcome w)
{
	if (s == NULL)
		return;
	if (s->answer == WIRE_SILENCE || (w == WIRE_SYNACK && s->answer != WIRE_SYNACK))
		s->answer = w;
}

static void on_packet(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
	struct watch_ctx *c = ctx;
	struct pkt p;
	char src[48], dst[48];

	(void)ts_us;
	if (pkt_decode(dlt, data, caplen, &p) != PKT_OK || p.ipver == 0 || !p.has_l4)
		return;
	pkt_addr_format(&p.src, src, sizeof(src));
	pkt_addr_format(&p.dst, dst, sizeof(dst));
	if (p.proto == 6 && p.dport == c->port && (p.tcp_flags & PKT_TCP_SYN) && !(p.tcp_flags & PKT_TCP_ACK)) {
		struct srv_watch_source *s;

		/* the self-test and this machine's own clients are not the client */
		if (srv_addr_in(&c->f->local_addrs, src))
			return;
		if ((s = source_of(c->f, src, true)) != NULL)
			s->syns++;
		if (c->first_ms < 0)
			c->first_ms = c->now_ms;
	} else if (p.proto == 6 && p.sport == c->port) {
		if ((p.tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK))
			answered(source_of(c->f, dst, false), WIRE_SYNACK);
		else if (p.tcp_flags & PKT_TCP_RST)
			answered(source_of(c->f, dst, false), WIRE_RST);
	} else if (p.icmp_error && p.inner.present && p.inner.has_ports && p.inner.dport == c->port) {
		char isrc[48];

		/* an error this machine sends back about the client's SYN */
		pkt_addr_format(&p.inner.src, isrc, sizeof(isrc));
		answered(source_of(c->f, isrc, false), WIRE_ICMP);
	}
}

static const char *answer_words(enum wire_outcome w)
{
	switch (w) {
	case WIRE_SYNACK:
		return "this machine answered with a SYN-ACK: TCP gets through";
	case WIRE_RST:
		return "this machine answered with a RST: \"Connection refused\"";
	case WIRE_ICMP:
		return "this machine answered with an ICMP error: a firewall rule rejects it";
	default:
		return "nothing answered: the kernel dropped it (a firewall rule), the client times out";
	}
}

int probe_srv_watch_run(struct step_work *w, struct server_facts *f)
{
	struct watch_ctx c = {.f = f, .port = (uint16_t)f->port, .first_ms = -1};
	struct capture *cap = NULL;
	char err[512], filter[160], why[128];
	int64_t start, limit;

	server_facts_forget_watch(f);
	if (f->watch_seconds <= 0) {
		step_finish(w, STEP_SKIP, "%s", f->from_addrs.n > 0
			    ? "the client is known (--from): no need to wait for its attempt"
			    : "not asked to wait for the client's attempt (--watch SECONDS does)");
		return 0;
	}
	if (w->e != NULL && engine_replaying(w->e)) {
		step_finish(w, STEP_SKIP, "a replay sends nothing and watches nothing");
		return 0;
	}
	if (capture_open_live("any", NULL, 0, c.port, &cap, err, sizeof(err)) != 0) {
		step_evidence(w, "no capture: %s", err);
		step_finish(w, STEP_ERROR, "cannot watch for the client's attempt without a capture");
		return 0;
	}
	snprintf(filter, sizeof(filter), "tcp port %d or icmp or icmp6", f->port);
	if (capture_set_filter(cap, filter, err, sizeof(err)) != 0) {
		capture_free(cap);
		step_evidence(w, "capture filter: %s", err);
		step_finish(w, STEP_ERROR, "cannot watch for the client's attempt");
		return 0;
	}
	step_detail(w, "watching all interfaces: %s", filter);
	snprintf(why, sizeof(why), "try ssh now from the client: I am watching port %d for its attempt", f->port);
	step_wait(w, f->watch_seconds * 1000, why);
	start = mono_ms();
	limit = (int64_t)f->watch_seconds * 1000;
	f->watch_ran = true;
	for (;;) {
		struct pollfd pfd = {.fd = capture_fd(cap), .events = POLLIN};

		c.now_ms = (int)(mono_ms() - start);
		if (c.now_ms >= limit || (c.first_ms >= 0 && c.now_ms >= c.first_ms + SETTLE_MS) ||
		    (w->e != NULL && engine_cancelled(w->e)))
			break;
		if (pfd.fd >= 0)
			poll(&pfd, 1, TICK_MS);
		c.now_ms = (int)(mono_ms() - start);
		capture_dispatch(cap, on_packet, &c);
	}
	f->watch_waited_ms = c.now_ms;
	capture_free(cap);

	for (size_t i = 0; i < f->nwatch; i++) {
		const struct srv_watch_source *s = &f->watch[i];

		step_evidence(w, "%s sent %d SYN(s) to port %d: %s", s->addr, s->syns, f->port, answer_words(s->answer));
		if (!srv_addr_in(&f->from_addrs, s->addr)) {
			strv_push(&f->from_addrs, s->addr);
			f->watch_added++;
		}
	}
	if (f->nwatch == 0) {
		step_evidence(w, "for %d s no SYN from another machine reached port %d on any interface",
			      f->watch_waited_ms / 1000, f->port);
		step_finish(w, STEP_FAIL, "no attempt from the client arrived: it is stopped before this machine (or the client did not try)");
	} else if (f->watch[0].answer == WIRE_SYNACK) {
		step_finish(w, STEP_PASS, "%s's attempt arrived, and TCP got through; the next steps judge for it",
			    f->watch[0].addr);
	} else {
		step_finish(w, STEP_FAIL, "%s's attempt arrived: %s", f->watch[0].addr, answer_words(f->watch[0].answer));
	}
	return 0;
}

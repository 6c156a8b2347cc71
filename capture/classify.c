/* SPDX-License-Identifier: MIT */
/* Connection-attempt classifier: our SYNs are keyed by the target address,
 * our source port and the target port, so answers and ICMP errors (which
 * quote our SYN) find the attempt they belong to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/classify.h"

#define DSCP_MASK	0xfc

const char *classify_outcome_id(enum classify_outcome o)
{
	switch (o) {
	case CLASSIFY_SYNACK:
		return "synack";
	case CLASSIFY_RST:
		return "rst";
	case CLASSIFY_ICMP:
		return "icmp";
	case CLASSIFY_SILENCE:
		return "silence";
	case CLASSIFY_NONE:
	default:
		return "none";
	}
}

const char *rst_origin_id(enum rst_origin o)
{
	switch (o) {
	case RST_ORIGIN_HOST:
		return "host";
	case RST_ORIGIN_RULE:
		return "rule";
	case RST_ORIGIN_PATH:
		return "path";
	case RST_ORIGIN_UNKNOWN:
	default:
		return "unknown";
	}
}

const char *classify_dir_id(enum classify_dir d)
{
	return d == CLASSIFY_OUT ? "out" : "in";
}

struct classify *classify_new(const struct pkt_addr *addrs, size_t naddrs, uint16_t port)
{
	struct classify *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->port = port;
	for (size_t i = 0; i < naddrs && c->naddrs < CLASSIFY_MAX_ADDRS; i++) {
		if (addrs[i].family == 0)
			continue;
		c->addrs[c->naddrs] = addrs[i];
		c->hosts[c->naddrs].addr = addrs[i];
		c->naddrs++;
	}
	return c;
}

void classify_free(struct classify *c)
{
	free(c);
}

static struct classify_host *host_find(struct classify *c, const struct pkt_addr *a)
{
	for (size_t i = 0; i < c->naddrs; i++)
		if (pkt_addr_equal(&c->addrs[i], a))
			return &c->hosts[i];
	return NULL;
}

const struct classify_host *classify_host_get(const struct classify *c,
					      const struct pkt_addr *addr)
{
	return host_find((struct classify *)c, addr);
}

/* The attempt our packet (ours -> target) belongs to. */
static struct classify_attempt *attempt_find(struct classify *c, const struct pkt_addr *dst,
					     uint16_t sport, uint16_t dport)
{
	for (size_t i = 0; i < c->nattempts; i++) {
		struct classify_attempt *a = &c->attempts[i];

		if (a->sport == sport && a->dport == dport && pkt_addr_equal(&a->dst, dst))
			return a;
	}
	return NULL;
}

/* A packet of a connection to the target port (or an ICMP error quoting
 * one), or of no connection at all (a ping, ARP): what the verdict rests on. */
static bool packet_about_target_port(const struct classify *c, const struct pkt *p)
{
	if (p->icmp_error)
		return !p->inner.has_ports || p->inner.dport == c->port;
	if (p->proto == PKT_PROTO_TCP)
		return p->dport == c->port || p->sport == c->port;
	return true;
}

static void packet_keep(struct classify *c, uint64_t ts, enum classify_dir dir,
			const struct pkt *p)
{
	struct classify_packet *k;

	if (c->npackets >= CLASSIFY_MAX_PACKETS) {
		size_t i = c->packets_handed;

		/* a full list gives up its oldest packet to another port for
		 * one about the target port (a scan in a replayed file) */
		while (i < c->npackets && packet_about_target_port(c, &c->packets[i].pkt))
			i++;
		c->packets_dropped++;
		if (i == c->npackets || !packet_about_target_port(c, p))
			return;
		memmove(&c->packets[i], &c->packets[i + 1], (c->npackets - i - 1) * sizeof(c->packets[0]));
		c->npackets--;
	}
	k = &c->packets[c->npackets++];
	k->ts_us = ts;
	k->dir = dir;
	pkt_summary(p, k->line, sizeof(k->line));
	k->pkt = *p;
}

/* A full table makes room for an attempt to the target port by giving up
 * the oldest attempt to another port: a scan in a capture file must not
 * hide the one attempt the verdict is about. NULL when every kept attempt
 * is to the target port. */
static struct classify_attempt *attempt_evict_other(struct classify *c)
{
	for (size_t i = 0; i < c->nattempts; i++) {
		if (c->attempts[i].dport == c->port)
			continue;
		memmove(&c->attempts[i], &c->attempts[i + 1],
			(c->nattempts - i - 1) * sizeof(c->attempts[0]));
		c->nattempts--;
		c->attempts_dropped++;
		return &c->attempts[c->nattempts++];
	}
	return NULL;
}

static void syn_seen(struct classify *c, uint64_t ts, const struct pkt *p)
{
	struct classify_attempt *a = attempt_find(c, &p->dst, p->sport, p->dport);

	if (a == NULL) {
		if (c->nattempts >= CLASSIFY_MAX_ATTEMPTS &&
		    (p->dport != c->port || (a = attempt_evict_other(c)) == NULL)) {
			c->attempts_dropped++;
			return;
		}
		if (a == NULL)
			a = &c->attempts[c->nattempts++];
		memset(a, 0, sizeof(*a));
		a->src = p->src;
		a->dst = p->dst;
		a->sport = p->sport;
		a->dport = p->dport;
		a->syn_tos = p->tos;
		a->first_syn_us = a->last_syn_us = ts;
	}
	a->syns++;
	if (ts < a->first_syn_us)
		a->first_syn_us = ts;
	if (ts > a->last_syn_us)
		a->last_syn_us = ts;
}

/* A SYN-ACK or RST from the target: the attempt's answer, and a reference
 * for the host when it is on another port. */
static void answer_seen(struct classify *c, uint64_t ts, const struct pkt *p,
			struct classify_host *h, struct classify_attempt *a)
{
	uint8_t f = p->tcp_flags;

	if ((f & (PKT_TCP_SYN | PKT_TCP_ACK)) == (PKT_TCP_SYN | PKT_TCP_ACK) && !(f & PKT_TCP_RST)) {
		if (a != NULL && !a->synack) {
			a->synack = true;
			a->synack_us = ts;
			a->synack_ttl = p->ttl;
		}
		if (!h->synack) {
			h->synack = true;
			h->synack_ttl = p->ttl;
			h->synack_port = p->sport;
		}
		return;
	}
	if (!(f & PKT_TCP_RST))
		return;
	if (a != NULL && !a->rst) {
		a->rst = true;
		a->rst_us = ts;
		a->rst_ttl = p->ttl;
		a->rst_tos = p->tos;
	}
	/* Keep the first, or a later one whose SYN (and so its TOS) we saw. */
	if (p->sport == c->port || (h->other_rst && (h->other_rst_syn_known || a == NULL)))
		return;
	h->other_rst = true;
	h->other_rst_ttl = p->ttl;
	h->other_rst_tos = p->tos;
	h->other_rst_port = p->sport;
	if (a != NULL) {
		h->other_rst_syn_known = true;
		h->other_rst_syn_tos = a->syn_tos;
	}
}

static int feed_tcp(struct classify *c, uint64_t ts, const struct pkt *p)
{
	struct classify_host *from = host_find(c, &p->src);
	struct classify_host *to = host_find(c, &p->dst);
	struct classify_attempt *a;

	if ((p->tcp_flags & (PKT_TCP_SYN | PKT_TCP_ACK | PKT_TCP_RST)) == PKT_TCP_SYN && to != NULL) {
		syn_seen(c, ts, p);
		packet_keep(c, ts, CLASSIFY_OUT, p);
		return 1;
	}
	/* On loopback the target is also us: the ports say which way it goes. */
	if (from != NULL && (a = attempt_find(c, &p->src, p->dport, p->sport)) != NULL) {
		answer_seen(c, ts, p, from, a);
		packet_keep(c, ts, CLASSIFY_IN, p);
		return 1;
	}
	if (to != NULL && attempt_find(c, &p->dst, p->sport, p->dport) != NULL) {
		packet_keep(c, ts, CLASSIFY_OUT, p);
		return 1;
	}
	if (from != NULL) {
		answer_seen(c, ts, p, from, NULL);
		packet_keep(c, ts, CLASSIFY_IN, p);
		return 1;
	}
	if (to != NULL) {
		packet_keep(c, ts, CLASSIFY_OUT, p);
		return 1;
	}
	return 0;
}

static int feed_icmp(struct classify *c, uint64_t ts, const struct pkt *p)
{
	bool v6 = p->proto == PKT_PROTO_ICMP6;
	const struct pkt_inner *in = &p->inner;
	struct classify_host *h;
	struct classify_attempt *a;

	if (p->icmp_echo) {
		bool reply = p->icmp_type == (v6 ? 129 : 0);

		if (reply && (h = host_find(c, &p->src)) != NULL) {
			if (!h->echo) {
				h->echo = true;
				h->echo_ttl = p->ttl;
			}
			packet_keep(c, ts, CLASSIFY_IN, p);
			return 1;
		}
		if (!reply && host_find(c, &p->dst) != NULL) {
			packet_keep(c, ts, CLASSIFY_OUT, p);
			return 1;
		}
		return 0;
	}
	if (!p->icmp_error || !in->present || host_find(c, &in->dst) == NULL)
		return 0;
	/* A router's error is about our packet: the quote says which attempt. */
	if (in->proto == PKT_PROTO_TCP && in->has_ports &&
	    (a = attempt_find(c, &in->dst, in->sport, in->dport)) != NULL) {
		a->icmp_count++;
		if (!a->icmp) {
			a->icmp = true;
			a->icmp_us = ts;
			a->icmp_v6 = v6;
			a->icmp_type = p->icmp_type;
			a->icmp_code = p->icmp_code;
			a->icmp_from = p->src;
			a->icmp_ttl = p->ttl;
		}
		packet_keep(c, ts, CLASSIFY_IN, p);
		return 1;
	}
	/* Errors about our pings or unseen SYNs still belong in the report. */
	if (in->proto == PKT_PROTO_TCP || in->has_icmp) {
		packet_keep(c, ts, CLASSIFY_IN, p);
		return 1;
	}
	return 0;
}

/* ARP and NDP about a target address: asked on the link (by us, before the
 * first packet to it could leave) and answered, or not. */
static int feed_neigh(struct classify *c, uint64_t ts, const struct pkt *p)
{
	struct classify_host *h;
	bool ask = p->arp ? p->arp_op == PKT_ARP_REQUEST : p->icmp_type == PKT_ICMP6_NS;
	const struct pkt_addr *about = p->arp ? &p->arp_tpa : &p->nd_target;

	if (ask && (h = host_find(c, about)) != NULL) {
		h->neigh_asked++;
		packet_keep(c, ts, CLASSIFY_OUT, p);
		return 1;
	}
	/* a reply, or the host asking for someone else: it is on the link */
	if ((p->arp && (h = host_find(c, &p->arp_spa)) != NULL) ||
	    (!p->arp && !ask && (h = host_find(c, about)) != NULL)) {
		h->neigh_answered = true;
		packet_keep(c, ts, CLASSIFY_IN, p);
		return 1;
	}
	return 0;
}

/* One of our connections: its source port and the port it goes to. */
#define CONN_KEY(sport, dport) ((uint32_t)(sport) << 16 | (uint32_t)(dport))

static bool own_has(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Whether p is about a target address and comes from one of our own
 * connections: 1 ours (or not tied to a connection: ARP, NDP), 0 about a
 * target but not known as ours, -1 not about a target at all. */
static int own_packet(struct classify *c, const struct pkt *p)
{
	const struct pkt_inner *in = &p->inner;
	bool to, from;

	if (p->arp || p->nd || !p->has_l4)
		return 1;
	to = host_find(c, &p->dst) != NULL;
	from = host_find(c, &p->src) != NULL;
	if (p->proto == PKT_PROTO_TCP) {
		if (!to && !from)
			return -1;
		/* on loopback both ends are the target: either port may be ours */
		return (to && own_has(c->own_ports, c->nown_ports, CONN_KEY(p->sport, p->dport))) ||
		       (from && own_has(c->own_ports, c->nown_ports, CONN_KEY(p->dport, p->sport))) ? 1 : 0;
	}
	if (p->proto != PKT_PROTO_ICMP && p->proto != PKT_PROTO_ICMP6)
		return -1;
	if (p->icmp_echo) {
		if (!to && !from)
			return -1;
		return own_has(c->own_echo, c->nown_echo, p->icmp_id) ? 1 : 0;
	}
	if (!p->icmp_error || !in->present || host_find(c, &in->dst) == NULL)
		return -1;
	if (in->proto == PKT_PROTO_TCP && in->has_ports)
		return own_has(c->own_ports, c->nown_ports, CONN_KEY(in->sport, in->dport)) ? 1 : 0;
	/* an error about an echo request quotes its id */
	if (in->has_icmp && (in->icmp_type == 8 || in->icmp_type == 128))
		return own_has(c->own_echo, c->nown_echo, in->icmp_id) ? 1 : 0;
	return 0;
}

/* Keeps p until its port or id is named; the oldest goes when full. */
static void hold(struct classify *c, uint64_t ts, const struct pkt *p)
{
	if (c->nheld == CLASSIFY_MAX_HELD) {
		memmove(&c->held[0], &c->held[1], (CLASSIFY_MAX_HELD - 1) * sizeof(c->held[0]));
		c->nheld--;
		c->foreign++;
	}
	c->held[c->nheld].ts_us = ts;
	c->held[c->nheld].pkt = *p;
	c->nheld++;
}

static int feed_one(struct classify *c, uint64_t ts_us, const struct pkt *p);

/* Feeds, in order, the held packets that are now known to be ours. */
static void release_held(struct classify *c)
{
	size_t k = 0;

	for (size_t i = 0; i < c->nheld; i++) {
		if (own_packet(c, &c->held[i].pkt) == 1) {
			struct classify_held h = c->held[i];

			feed_one(c, h.ts_us, &h.pkt);
			continue;
		}
		if (k != i)
			c->held[k] = c->held[i];
		k++;
	}
	c->nheld = k;
}

void classify_own_only(struct classify *c)
{
	if (c != NULL)
		c->own_only = true;
}

static int own_add(struct classify *c, uint32_t *v, size_t *n, uint32_t x)
{
	if (c == NULL)
		return -1;
	if (own_has(v, *n, x))
		return 0;
	if (*n >= CLASSIFY_MAX_OWN)
		return -1;
	v[(*n)++] = x;
	release_held(c);
	return 0;
}

int classify_own_port(struct classify *c, uint16_t sport, uint16_t dport)
{
	return c == NULL ? -1 : own_add(c, c->own_ports, &c->nown_ports, CONN_KEY(sport, dport));
}

int classify_own_echo(struct classify *c, uint16_t id)
{
	return c == NULL ? -1 : own_add(c, c->own_echo, &c->nown_echo, id);
}

int classify_feed(struct classify *c, uint64_t ts_us, const struct pkt *p)
{
	if (c == NULL || p == NULL)
		return 0;
	if (c->own_only && own_packet(c, p) == 0) {
		hold(c, ts_us, p);
		return 0;
	}
	return feed_one(c, ts_us, p);
}

static int feed_one(struct classify *c, uint64_t ts_us, const struct pkt *p)
{
	int r = 0;

	if (p->arp || p->nd) {
		r = feed_neigh(c, ts_us, p);
	} else if ((p->ipver == 4 || p->ipver == 6) && p->has_l4) {
		if (p->proto == PKT_PROTO_TCP)
			r = feed_tcp(c, ts_us, p);
		else if (p->proto == PKT_PROTO_ICMP || p->proto == PKT_PROTO_ICMP6)
			r = feed_icmp(c, ts_us, p);
	}
	if (r == 0)
		c->ignored++;
	return r;
}

int classify_feed_raw(struct classify *c, uint64_t ts_us, int dlt, const uint8_t *data,
		      size_t caplen)
{
	struct pkt p;

	if (c == NULL)
		return 0;
	if (pkt_decode(dlt, data, caplen, &p) != PKT_OK) {
		c->undecodable++;
		return 0;
	}
	return classify_feed(c, ts_us, &p);
}

enum classify_outcome classify_attempt_outcome(const struct classify_attempt *a)
{
	if (a == NULL || a->syns == 0)
		return CLASSIFY_NONE;
	if (a->synack)
		return CLASSIFY_SYNACK;
	if (a->rst)
		return CLASSIFY_RST;
	if (a->icmp)
		return CLASSIFY_ICMP;
	return CLASSIFY_SILENCE;
}

/* Lower is better: an answer of any kind beats silence. */
static int outcome_rank(enum classify_outcome o)
{
	switch (o) {
	case CLASSIFY_SYNACK:
		return 0;
	case CLASSIFY_RST:
		return 1;
	case CLASSIFY_ICMP:
		return 2;
	case CLASSIFY_SILENCE:
		return 3;
	case CLASSIFY_NONE:
	default:
		return 4;
	}
}

const struct classify_attempt *classify_best(const struct classify *c)
{
	const struct classify_attempt *best = NULL;
	int rank = outcome_rank(CLASSIFY_NONE);

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->nattempts; i++) {
		const struct classify_attempt *a = &c->attempts[i];
		int r;

		if (a->dport != c->port)
			continue;
		r = outcome_rank(classify_attempt_outcome(a));
		if (r < rank) {
			rank = r;
			best = a;
		}
	}
	return best;
}

enum classify_outcome classify_result(const struct classify *c)
{
	return classify_attempt_outcome(classify_best(c));
}

void classify_count(const struct classify *c, unsigned *attempts, unsigned *answered)
{
	unsigned n = 0, ok = 0;

	for (size_t i = 0; c != NULL && i < c->nattempts; i++) {
		enum classify_outcome o;

		if (c->attempts[i].dport != c->port)
			continue;
		n++;
		o = classify_attempt_outcome(&c->attempts[i]);
		if (o != CLASSIFY_SILENCE && o != CLASSIFY_NONE)
			ok++;
	}
	if (attempts != NULL)
		*attempts = n;
	if (answered != NULL)
		*answered = ok;
}

int64_t classify_packet_offset(const struct classify *c, const struct classify_packet *p)
{
	bool have_port = false, have_any = false;
	uint64_t t_port = 0, t_any = 0, t0 = 0;

	/* The first SYN to the target port, else the first SYN to any port. */
	for (size_t i = 0; i < c->nattempts; i++) {
		const struct classify_attempt *a = &c->attempts[i];

		if (a->dport == c->port && (!have_port || a->first_syn_us < t_port)) {
			t_port = a->first_syn_us;
			have_port = true;
		}
		if (!have_any || a->first_syn_us < t_any) {
			t_any = a->first_syn_us;
			have_any = true;
		}
	}
	if (have_port)
		t0 = t_port;
	else if (have_any)
		t0 = t_any;
	else if (c->npackets > 0)
		t0 = c->packets[0].ts_us;
	return (int64_t)(p->ts_us - t0);
}

unsigned classify_initial_ttl(uint8_t ttl)
{
	if (ttl <= 32)
		return 32;
	if (ttl <= 64)
		return 64;
	if (ttl <= 128)
		return 128;
	return 255;
}

unsigned classify_hops(uint8_t ttl)
{
	return classify_initial_ttl(ttl) - ttl;
}

int classify_rst_hop_gap(uint8_t rst_ttl, uint8_t ref_ttl)
{
	return (int)classify_hops(ref_ttl) - (int)classify_hops(rst_ttl);
}

enum rst_origin rst_origin_decide(const struct rst_facts *f, char *reason, size_t reason_len)
{
	char dummy[1];
	unsigned syn = f->syn_tos & DSCP_MASK;

	if (reason == NULL || reason_len == 0) {
		reason = dummy;
		reason_len = sizeof(dummy);
	}
	if (f->have_ref_ttl) {
		int gap = classify_rst_hop_gap(f->rst_ttl, f->ref_ttl);

		if (gap > 0) {
			snprintf(reason, reason_len,
				 "the reset came from %d hop%s nearer than the host's own replies "
				 "(TTL %u against %u): a device on the path sent it",
				 gap, gap == 1 ? "" : "s", f->rst_ttl, f->ref_ttl);
			return RST_ORIGIN_PATH;
		}
	}
	if (syn == 0) {
		snprintf(reason, reason_len,
			 "our SYN carried TOS 0, so the reset cannot show whether it echoes it");
		return RST_ORIGIN_UNKNOWN;
	}
	if ((f->rst_tos & DSCP_MASK) == syn) {
		snprintf(reason, reason_len,
			 "the reset echoes our SYN's TOS 0x%02x, as the host's own TCP stack does",
			 f->syn_tos);
		return RST_ORIGIN_HOST;
	}
	if (!f->have_ref_rst) {
		snprintf(reason, reason_len,
			 "the reset carries TOS 0x%02x, not our 0x%02x, but no reset from the same "
			 "host for another port shows whether the path keeps the byte",
			 f->rst_tos, f->syn_tos);
		return RST_ORIGIN_UNKNOWN;
	}
	if ((f->ref_syn_tos & DSCP_MASK) == 0) {
		snprintf(reason, reason_len,
			 "the reset carries TOS 0x%02x, not our 0x%02x, and the reset for another "
			 "port answered a SYN with TOS 0, which cannot show whether the path keeps the byte",
			 f->rst_tos, f->syn_tos);
		return RST_ORIGIN_UNKNOWN;
	}
	if ((f->ref_rst_tos & DSCP_MASK) == (f->ref_syn_tos & DSCP_MASK)) {
		snprintf(reason, reason_len,
			 "the host's resets for other ports echo the TOS (0x%02x) but this one "
			 "carries 0x%02x: a reject rule made it",
			 f->ref_rst_tos, f->rst_tos);
		return RST_ORIGIN_RULE;
	}
	snprintf(reason, reason_len,
		 "the path clears the TOS byte (the host's reset for another port came with 0x%02x "
		 "for our 0x%02x), so a host's reset and a reject rule's cannot be told apart",
		 f->ref_rst_tos, f->ref_syn_tos);
	return RST_ORIGIN_UNKNOWN;
}

enum rst_origin classify_rst_origin(const struct classify *c, const struct classify_attempt *a,
				    char *reason, size_t reason_len)
{
	const struct classify_host *h;
	struct rst_facts f;
	int best = -1;

	memset(&f, 0, sizeof(f));
	if (a == NULL || !a->rst) {
		if (reason != NULL && reason_len > 0)
			snprintf(reason, reason_len, "no reset came back");
		return RST_ORIGIN_UNKNOWN;
	}
	f.syn_tos = a->syn_tos;
	f.rst_tos = a->rst_tos;
	f.rst_ttl = a->rst_ttl;
	h = classify_host_get(c, &a->dst);
	if (h != NULL) {
		const struct {
			bool have;
			uint8_t ttl;
		} refs[] = {
			{ h->echo, h->echo_ttl },
			{ h->synack, h->synack_ttl },
			{ h->other_rst, h->other_rst_ttl },
		};

		/* The host's own replies all come from its distance; forged ones come nearer. */
		for (size_t i = 0; i < sizeof(refs) / sizeof(*refs); i++) {
			if (refs[i].have && (int)classify_hops(refs[i].ttl) > best) {
				best = (int)classify_hops(refs[i].ttl);
				f.have_ref_ttl = true;
				f.ref_ttl = refs[i].ttl;
			}
		}
		if (h->other_rst && h->other_rst_syn_known) {
			f.have_ref_rst = true;
			f.ref_syn_tos = h->other_rst_syn_tos;
			f.ref_rst_tos = h->other_rst_tos;
		}
	}
	return rst_origin_decide(&f, reason, reason_len);
}

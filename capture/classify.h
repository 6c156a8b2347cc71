/* SPDX-License-Identifier: MIT */
/* Judges what came back to our SYNs to one target (its addresses and one
 * port): a SYN-ACK, a RST, an ICMP error, or silence. Fed decoded packets
 * with their timestamps; pure, no I/O. It also keeps what the target says
 * on other ports and to pings, so a RST can be checked for where it was made
 * (see the two wire facts in DESIGN.md). */
#ifndef SSHD_CAPTURE_CLASSIFY_H
#define SSHD_CAPTURE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/decode.h"

#define CLASSIFY_MAX_ADDRS	16	/* target addresses kept */
#define CLASSIFY_MAX_ATTEMPTS	64	/* connection attempts kept (all ports) */
#define CLASSIFY_MAX_PACKETS	256	/* packets kept for the report */
#define CLASSIFY_LINE_MAX	224	/* one summary line, with its NUL: two IPv6 quotes fit */
#define CLASSIFY_MAX_OWN	128	/* own source ports, and own echo ids, kept */
#define CLASSIFY_MAX_HELD	128	/* packets held until their port is known */

/* What came back to a SYN; ids are stable strings for reports. */
enum classify_outcome {
	CLASSIFY_NONE = 0,	/* nothing captured: no SYN of ours was seen */
	CLASSIFY_SYNACK,	/* the port accepted */
	CLASSIFY_RST,		/* a TCP reset */
	CLASSIFY_ICMP,		/* an ICMP/ICMPv6 error about our SYN */
	CLASSIFY_SILENCE,	/* SYNs went out, nothing came back (yet) */
};

/* "none", "synack", "rst", "icmp", "silence"; a static string. */
const char *classify_outcome_id(enum classify_outcome o);

/* One connection attempt: our SYNs from one source port to one address and
 * port of the target, and the first answer of each kind. */
struct classify_attempt {
	struct pkt_addr src, dst;	/* ours, the target's */
	uint16_t sport, dport;		/* ours, the target's */
	unsigned syns;			/* SYNs sent; syns - 1 were retransmissions */
	uint8_t syn_tos;		/* TOS / traffic class of our first SYN */
	uint64_t first_syn_us, last_syn_us;

	bool synack;
	uint64_t synack_us;
	uint8_t synack_ttl;

	bool rst;
	uint64_t rst_us;
	uint8_t rst_ttl, rst_tos;

	bool icmp;
	uint64_t icmp_us;
	bool icmp_v6;
	uint8_t icmp_type, icmp_code;
	struct pkt_addr icmp_from;	/* the router or host that sent it */
	uint8_t icmp_ttl;
	unsigned icmp_count;		/* errors about this attempt */
};

/* What a target address said outside the attempts to the target port: the
 * references the middlebox and TOS rules compare a RST with. */
struct classify_host {
	struct pkt_addr addr;
	bool echo;			/* an echo reply came */
	uint8_t echo_ttl;
	bool synack;			/* a SYN-ACK on any port */
	uint8_t synack_ttl;
	uint16_t synack_port;
	bool other_rst;			/* a RST for another port */
	uint8_t other_rst_ttl, other_rst_tos;
	uint16_t other_rst_port;
	bool other_rst_syn_known;	/* we saw the SYN it answered */
	uint8_t other_rst_syn_tos;	/* and that SYN's TOS */
	/* the link: ARP who-has / NDP solicitations for this address, and
	 * whether it answered one (or spoke on the link itself) */
	unsigned neigh_asked;
	bool neigh_answered;
};

enum classify_dir {
	CLASSIFY_OUT,		/* sent by us */
	CLASSIFY_IN,		/* from the target or a router */
};

/* "out", "in"; a static string. */
const char *classify_dir_id(enum classify_dir d);

struct classify_packet {
	uint64_t ts_us;			/* capture time; see classify_packet_offset() */
	enum classify_dir dir;
	char line[CLASSIFY_LINE_MAX];	/* pkt_summary(): numbers and fixed names, printable */
	struct pkt pkt;			/* the packet itself, decoded */
};

/* A packet about a target address from a connection not known to be ours
 * yet (its SYN may be captured before the probe names its source port). */
struct classify_held {
	uint64_t ts_us;
	struct pkt pkt;
};

struct classify {
	uint16_t port;			/* the target port */
	/* own: keep only the packets of our own connections (their source
	 * ports), our own echoes (their ids), the errors quoting them, and
	 * the link's questions for the target; off: every packet about the
	 * target (a replayed file, whose source ports nobody told us) */
	bool own_only;
	size_t nown_ports, nown_echo;
	uint32_t own_ports[CLASSIFY_MAX_OWN];	/* source port << 16 | destination port */
	uint32_t own_echo[CLASSIFY_MAX_OWN];
	size_t nheld;
	struct classify_held held[CLASSIFY_MAX_HELD];
	unsigned foreign;		/* packets of other programs' connections left out
					 * (counted when they leave the held list) */
	size_t naddrs;
	struct pkt_addr addrs[CLASSIFY_MAX_ADDRS];

	size_t nattempts;
	struct classify_attempt attempts[CLASSIFY_MAX_ATTEMPTS];
	unsigned attempts_dropped;	/* attempts past CLASSIFY_MAX_ATTEMPTS */

	struct classify_host hosts[CLASSIFY_MAX_ADDRS];	/* one per addrs[] */

	size_t npackets;
	struct classify_packet packets[CLASSIFY_MAX_PACKETS];
	unsigned packets_dropped;	/* relevant packets past CLASSIFY_MAX_PACKETS */
	/* packets[0..packets_handed) were taken by the caller and stay where
	 * they are; a full list gives up the oldest packet after them that
	 * is about another port for one about the target port */
	size_t packets_handed;
	unsigned ignored;		/* packets fed that were not about the target */
	unsigned undecodable;		/* classify_feed_raw() packets pkt_decode() refused */
};

/*
 * Returns a new classifier for the target port and addresses (at most
 * CLASSIFY_MAX_ADDRS are kept; the rest are ignored). NULL only when out of
 * memory. The caller frees it with classify_free().
 */
struct classify *classify_new(const struct pkt_addr *addrs, size_t naddrs, uint16_t port);
/* NULL-safe. */
void classify_free(struct classify *c);

/*
 * Keeps, from now on, only the packets of the connections named with
 * classify_own_port() and classify_own_echo(): the SYNs from those source
 * ports, the answers to them, ICMP errors quoting them, echo requests and
 * replies with those ids, and ARP/NDP about a target address. Packets about
 * a target address from other source ports or ids are held (the last
 * CLASSIFY_MAX_HELD of them) and fed when their port or id is named later;
 * the rest of them never count. Another program's connections to the same
 * address, or another run's, stay out of the attempts and the packet list.
 */
void classify_own_only(struct classify *c);
/* Names one of our connections (TCP) by its source port and the target
 * port it goes to: another run may get the same source port for another
 * port of the target. Feeds the held packets that belong to it, in the
 * order they came. 0, or -1 when the list is full. */
int classify_own_port(struct classify *c, uint16_t sport, uint16_t dport);
/* Names one of our ICMP echo ids; the same for pings. */
int classify_own_echo(struct classify *c, uint16_t id);

/*
 * Feeds one decoded packet captured at ts_us (microseconds, any epoch, the
 * same for every call). Returns 1 when the packet was about the target and
 * was counted, 0 when it was ignored.
 */
int classify_feed(struct classify *c, uint64_t ts_us, const struct pkt *p);
/* Decodes then feeds; a packet pkt_decode() refuses is counted in undecodable. */
int classify_feed_raw(struct classify *c, uint64_t ts_us, int dlt, const uint8_t *data,
		      size_t caplen);

/* The outcome of one attempt: the best answer it got (SYN-ACK over RST over
 * ICMP), silence when it got none, none when no SYN was seen. */
enum classify_outcome classify_attempt_outcome(const struct classify_attempt *a);

/*
 * The outcome over every attempt to the target port. One answered SYN is
 * enough: senders rate-limit ICMP errors, so unanswered SYNs next to an
 * answered one are not evidence of silence. SILENCE only when no attempt got
 * any answer; the caller decides when it has waited long enough.
 */
enum classify_outcome classify_result(const struct classify *c);
/* The attempt to the target port that gives classify_result(), or NULL when
 * there is none; the pointer lives as long as c and is not to be freed. */
const struct classify_attempt *classify_best(const struct classify *c);
/* Attempts to the target port, and how many of them got any answer. */
void classify_count(const struct classify *c, unsigned *attempts, unsigned *answered);

/* The facts about the target address addr, or NULL when it is not one. */
const struct classify_host *classify_host_get(const struct classify *c,
					      const struct pkt_addr *addr);

/* Microseconds from the first SYN to this packet (negative before it; from
 * the first packet when no SYN was seen). */
int64_t classify_packet_offset(const struct classify *c, const struct classify_packet *p);

/* The initial TTL a sender most likely used: the next of 32, 64, 128, 255 at
 * or above the observed one. */
unsigned classify_initial_ttl(uint8_t ttl);
/* Hops travelled: initial - observed. */
unsigned classify_hops(uint8_t ttl);

/*
 * The middlebox rule: a RST that travelled fewer hops than the target's own
 * replies (ref_ttl: an echo reply, a SYN-ACK, a RST on another port) was
 * made on the path. Returns how many hops fewer (> 0 means forged), 0 when
 * it came from as far as the host, negative when from farther.
 */
int classify_rst_hop_gap(uint8_t rst_ttl, uint8_t ref_ttl);

/* Who made a RST. */
enum rst_origin {
	RST_ORIGIN_UNKNOWN,	/* the facts cannot tell */
	RST_ORIGIN_HOST,	/* the host's own TCP stack: nothing listens */
	RST_ORIGIN_RULE,	/* a reject-with-tcp-reset firewall rule */
	RST_ORIGIN_PATH,	/* a device on the path forged it */
};

/* "unknown", "host", "rule", "path"; a static string. */
const char *rst_origin_id(enum rst_origin o);

/* What rst_origin_decide() weighs. TOS values are whole bytes; only the DSCP
 * bits (0xfc) are compared, since ECN bits may change on the way. */
struct rst_facts {
	uint8_t syn_tos;		/* TOS of the SYN the RST answered */
	uint8_t rst_tos, rst_ttl;	/* of the RST */
	bool have_ref_ttl;		/* a TTL from the target's own replies */
	uint8_t ref_ttl;
	bool have_ref_rst;		/* the same host's RST to a SYN for another port */
	uint8_t ref_syn_tos, ref_rst_tos;
};

/*
 * Decides who made a RST: PATH when it came from fewer hops than the host's
 * replies; HOST when it echoes our non-zero TOS; RULE when it does not while
 * the host's RSTs for other ports do (the path keeps the byte); UNKNOWN when
 * our SYN had TOS 0, the path clears the byte, or there is no reference.
 * Writes one lowercase sentence saying why into reason (when reason_len > 0).
 */
enum rst_origin rst_origin_decide(const struct rst_facts *f, char *reason, size_t reason_len);

/* Gathers the facts for attempt a from c (the reference TTL is the farthest
 * of the host's own replies) and decides; see rst_origin_decide(). */
enum rst_origin classify_rst_origin(const struct classify *c, const struct classify_attempt *a,
				    char *reason, size_t reason_len);

#endif

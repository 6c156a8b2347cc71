/* SPDX-License-Identifier: MIT */
/* A packet decoder that is safe on any bytes: link layer, IPv4/IPv6, TCP,
 * UDP, ICMP and ICMPv6, the original packet quoted in an ICMP error, and
 * the neighbour questions (ARP, NDP) asked before a first packet can leave.
 * Pure functions over a buffer: no I/O, no globals, no pointers kept into
 * the packet, so a fixture file or a fuzzer can drive them. */
#ifndef SSHD_CAPTURE_DECODE_H
#define SSHD_CAPTURE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Link types not every libpcap names; values as in pcap/dlt.h. */
#define PKT_DLT_NULL		0
#define PKT_DLT_EN10MB		1
#define PKT_DLT_RAW		12	/* DLT_RAW as libpcap reports it on Linux */
#define PKT_DLT_RAW_BSD		14	/* DLT_RAW as BSD/OS and OpenBSD number it */
#define PKT_LINKTYPE_RAW	101	/* raw IP as pcap files store it */
#define PKT_DLT_LOOP		108
#define PKT_DLT_LINUX_SLL	113
#define PKT_DLT_IPV4		228
#define PKT_DLT_IPV6		229
#define PKT_DLT_LINUX_SLL2	276

#define PKT_MAX_VLAN		8	/* stacked tags we follow before giving up */
#define PKT_MAX_EXT		8	/* IPv6 extension headers we follow */

/* TCP flag bits as in the header's 13th byte. */
#define PKT_TCP_FIN	0x01
#define PKT_TCP_SYN	0x02
#define PKT_TCP_RST	0x04
#define PKT_TCP_PSH	0x08
#define PKT_TCP_ACK	0x10
#define PKT_TCP_URG	0x20
#define PKT_TCP_ECE	0x40
#define PKT_TCP_CWR	0x80

/* IP protocol numbers the decoder knows. */
#define PKT_PROTO_ICMP	1
#define PKT_PROTO_TCP	6
#define PKT_PROTO_UDP	17
#define PKT_PROTO_ICMP6	58

/* Linux packet types in SLL/SLL2 headers (PACKET_OUTGOING is ours sending). */
#define PKT_SLL_HOST		0
#define PKT_SLL_OUTGOING	4

enum pkt_error {
	PKT_OK = 0,
	PKT_ERR_ARG = -1,		/* NULL packet with a non-zero length, or NULL out */
	PKT_ERR_LINKTYPE = -2,		/* a link type the decoder does not know */
	PKT_ERR_TRUNCATED = -3,		/* a header ends past the captured bytes */
	PKT_ERR_NOT_IP = -4,		/* LLC, non-IPv4 ARP, an unknown address family... */
	PKT_ERR_BAD_IP = -5,		/* IP version or header length impossible */
	PKT_ERR_BAD_TCP = -6,		/* TCP data offset under 20 bytes */
	PKT_ERR_EXT_LIMIT = -7,		/* more than PKT_MAX_EXT IPv6 extension headers */
	PKT_ERR_VLAN_LIMIT = -8,	/* more than PKT_MAX_VLAN VLAN tags */
};

/* An IPv4 or IPv6 address; family is AF_INET, AF_INET6, or 0 for none. IPv4
 * uses a[0..3]; the rest of a[] is zero so two addresses compare with memcmp. */
struct pkt_addr {
	int family;
	uint8_t a[16];
};

/* The original packet an ICMP error quotes, as far as the quote goes. */
struct pkt_inner {
	bool present;		/* at least the whole IP header was quoted */
	int ipver;		/* 4 or 6 */
	struct pkt_addr src, dst;
	uint8_t proto;		/* after IPv6 extension headers */
	uint8_t tos;		/* TOS or traffic class of the original */
	uint8_t ttl;		/* TTL or hop limit it had when the error was made */
	bool fragment;		/* a non-first fragment: no ports */
	bool has_ports;		/* TCP/UDP source and destination ports quoted */
	uint16_t sport, dport;
	bool has_seq;		/* TCP sequence number quoted */
	uint32_t seq;
	bool has_icmp;		/* the original was ICMP/ICMPv6: its type and code */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;	/* when has_icmp and it was an echo */
};

/* What pkt_decode() found; a plain struct without pointers into the packet. */
struct pkt {
	int dlt;		/* the link type it was decoded as */
	int sll_pkttype;	/* Linux cooked capture packet type, or -1 */
	int nvlan;		/* VLAN tags crossed, outermost first */
	uint16_t vlan[PKT_MAX_VLAN];	/* their VLAN ids (12 bits) */

	int ipver;		/* 4 or 6 */
	struct pkt_addr src, dst;
	uint8_t tos;		/* IPv4 TOS or IPv6 traffic class */
	uint8_t ttl;		/* IPv4 TTL or IPv6 hop limit */
	uint8_t proto;		/* upper-layer protocol, after extension headers */
	uint16_t ip_len;	/* IPv4 total length or 40 + IPv6 payload length */
	uint32_t ip_id;		/* IPv4 id, or the IPv6 fragment header's id */
	bool fragment;		/* part of a fragmented datagram */
	bool more_frags;
	uint16_t frag_off;	/* in bytes; non-zero means no L4 header here */
	int next;		/* IPv6 extension headers crossed */

	bool has_l4;		/* a TCP, UDP, ICMP or ICMPv6 header was decoded */
	uint16_t sport, dport;	/* TCP/UDP */

	uint8_t tcp_flags;	/* PKT_TCP_* */
	uint32_t seq, ack;
	uint16_t window;
	uint8_t tcp_hlen;	/* data offset in bytes */

	uint8_t icmp_type, icmp_code;	/* ICMP or ICMPv6 by proto */
	bool icmp_echo;		/* an echo request or reply: id and seq valid */
	uint16_t icmp_id, icmp_seq;
	bool icmp_error;	/* an error quoting an original packet in inner */
	uint32_t icmp_mtu;	/* fragmentation needed / packet too big */
	struct pkt_inner inner;

	/* NDP: an ICMPv6 neighbour solicitation (135) or advertisement (136)
	 * and the address it asks about or announces */
	bool nd;
	struct pkt_addr nd_target;

	/* ARP for IPv4 over Ethernet: decoded with PKT_OK, ipver 0, arp true */
	bool arp;
	uint16_t arp_op;	/* PKT_ARP_REQUEST, PKT_ARP_REPLY, or another */
	uint8_t arp_sha[6];	/* the sender's hardware address */
	struct pkt_addr arp_spa, arp_tpa;	/* the sender's and the asked-for address */
};

#define PKT_ARP_REQUEST	1
#define PKT_ARP_REPLY	2
#define PKT_ICMP6_NS	135
#define PKT_ICMP6_NA	136

/*
 * Decodes caplen bytes captured on link type dlt into *out (always cleared
 * first). Returns PKT_OK or a negative enum pkt_error; on error *out holds
 * what was decoded before the failure and must not be trusted. A short ICMP
 * quote is not an error: inner says how far it went. Never reads outside
 * data[0..caplen).
 */
int pkt_decode(int dlt, const uint8_t *data, size_t caplen, struct pkt *out);

/* Whether pkt_decode() knows link type dlt. */
bool pkt_dlt_supported(int dlt);

/* One lowercase phrase for an enum pkt_error; a static string. */
const char *pkt_strerror(int err);

/*
 * Writes a one-line summary such as "SYN 192.0.2.10:40312 > 192.0.2.130:22"
 * or "ICMP 3/13 administratively prohibited from 192.0.2.1 (about ...)".
 * Always NUL-terminates when len > 0. Returns the length of the whole line,
 * like snprintf: a value >= len means it was cut.
 */
int pkt_summary(const struct pkt *p, char *buf, size_t len);

/* Comma-separated names of TCP flags ("SYN,ACK"), "none" for 0; writes buf. */
void pkt_tcp_flags_str(uint8_t flags, char *buf, size_t len);

/* The name of an ICMP (v6 false) or ICMPv6 type/code, e.g. "port unreachable",
 * or NULL when it has none; a static string. */
const char *pkt_icmp_name(bool v6, uint8_t type, uint8_t code);

/* Whether an ICMP/ICMPv6 type is an error that quotes the original packet. */
bool pkt_icmp_is_error(bool v6, uint8_t type);

/* Address helpers. parse: 0 or -1 on a string that is no numeric address.
 * format: writes "192.0.2.1" or "2001:db8::1" ("-" for none). */
int pkt_addr_parse(struct pkt_addr *a, const char *s);
void pkt_addr_format(const struct pkt_addr *a, char *buf, size_t len);
bool pkt_addr_equal(const struct pkt_addr *a, const struct pkt_addr *b);
/* From a struct sockaddr_in/sockaddr_in6; -1 for any other family. */
int pkt_addr_from_sockaddr(struct pkt_addr *a, const void *sa, size_t salen);

#endif

/* SPDX-License-Identifier: MIT */
/* Packet decoder: every read is preceded by a bounds check, every field is
 * copied out with byte reads, nothing is cast onto the packet. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "capture/decode.h"

#define ETH_HLEN_	14
#define SLL_HLEN	16
#define SLL2_HLEN	20
#define NULL_HLEN	4

#define ETHERTYPE_IPV4_	0x0800
#define ETHERTYPE_IPV6_	0x86dd
#define ETHERTYPE_ARP_	0x0806
#define ETHERTYPE_8021Q	0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100

/* IPv6 next-header values that are extension headers we walk. */
#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_AH		51
#define NH_NONE		59
#define NH_DSTOPTS	60

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void addr_set(struct pkt_addr *a, int family, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->a, p, family == AF_INET ? 4 : 16);
}

/* Walks IPv6 extension headers from *off up to end; stops on the first
 * upper-layer header. A non-first fragment sets *frag_off and stops too. */
static int ip6_walk(const uint8_t *p, size_t end, uint8_t *nh, size_t *off, int *count,
		    uint16_t *frag_off, bool *more, uint32_t *frag_id, bool *is_frag)
{
	for (int i = 0; ; i++) {
		size_t hlen;

		switch (*nh) {
		case NH_HOPOPTS:
		case NH_ROUTING:
		case NH_DSTOPTS:
		case NH_AH:
		case NH_FRAGMENT:
			break;
		default:
			return PKT_OK;
		}
		if (i >= PKT_MAX_EXT)
			return PKT_ERR_EXT_LIMIT;
		if (end - *off < 2)
			return PKT_ERR_TRUNCATED;
		if (*nh == NH_FRAGMENT) {
			if (end - *off < 8)
				return PKT_ERR_TRUNCATED;
			*is_frag = true;
			*frag_off = get16(p + *off + 2) & 0xfff8;
			*more = p[*off + 3] & 1;
			*frag_id = get32(p + *off + 4);
			hlen = 8;
		} else if (*nh == NH_AH) {
			hlen = ((size_t)p[*off + 1] + 2) * 4;
		} else {
			hlen = ((size_t)p[*off + 1] + 1) * 8;
		}
		if (end - *off < hlen)
			return PKT_ERR_TRUNCATED;
		*nh = p[*off];
		*off += hlen;
		(*count)++;
		if (*is_frag && *frag_off != 0)
			return PKT_OK;
	}
}

/* Reads as much of the quoted original packet as the quote holds; a short
 * quote leaves fields unset, it is not an error. */
static void decode_inner(const uint8_t *p, size_t len, struct pkt_inner *in)
{
	size_t off, end;
	uint8_t nh;

	if (len < 1)
		return;
	if (p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 0x0f) * 4;

		if (len < 20 || ihl < 20 || len < ihl)
			return;
		in->ipver = 4;
		in->tos = p[1];
		in->ttl = p[8];
		in->proto = nh = p[9];
		in->fragment = (get16(p + 6) & 0x1fff) != 0;
		addr_set(&in->src, AF_INET, p + 12);
		addr_set(&in->dst, AF_INET, p + 16);
		off = ihl;
		end = len;
		in->present = true;
		/* AH in IPv4 is rare but cheap to step over. */
		if (!in->fragment && nh == NH_AH) {
			int n = 0;
			uint16_t fo = 0;
			bool more = false, isf = false;
			uint32_t id;

			if (ip6_walk(p, end, &nh, &off, &n, &fo, &more, &id, &isf) != PKT_OK)
				return;
			in->proto = nh;
		}
	} else if (p[0] >> 4 == 6) {
		int n = 0;
		uint16_t fo = 0;
		bool more = false, isf = false;
		uint32_t id;

		if (len < 40)
			return;
		in->ipver = 6;
		in->tos = (uint8_t)(get16(p) >> 4);
		in->ttl = p[7];
		nh = p[6];
		in->proto = nh;
		addr_set(&in->src, AF_INET6, p + 8);
		addr_set(&in->dst, AF_INET6, p + 24);
		in->present = true;
		off = 40;
		end = len;
		if (ip6_walk(p, end, &nh, &off, &n, &fo, &more, &id, &isf) != PKT_OK)
			return;
		in->proto = nh;
		in->fragment = isf && fo != 0;
	} else {
		return;
	}
	if (in->fragment)
		return;
	p += off;
	len = end - off;
	switch (in->proto) {
	case PKT_PROTO_TCP:
	case PKT_PROTO_UDP:
		if (len >= 4) {
			in->has_ports = true;
			in->sport = get16(p);
			in->dport = get16(p + 2);
		}
		if (in->proto == PKT_PROTO_TCP && len >= 8) {
			in->has_seq = true;
			in->seq = get32(p + 4);
		}
		break;
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMP6:
		if (len >= 2) {
			in->has_icmp = true;
			in->icmp_type = p[0];
			in->icmp_code = p[1];
		}
		if (len >= 8) {
			in->icmp_id = get16(p + 4);
			in->icmp_seq = get16(p + 6);
		}
		break;
	}
}

bool pkt_icmp_is_error(bool v6, uint8_t type)
{
	if (v6)
		return type >= 1 && type <= 4;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static int decode_l4(const uint8_t *p, size_t len, struct pkt *out)
{
	bool v6 = out->proto == PKT_PROTO_ICMP6;

	switch (out->proto) {
	case PKT_PROTO_TCP:
		if (len < 20)
			return PKT_ERR_TRUNCATED;
		out->tcp_hlen = (uint8_t)((p[12] >> 4) * 4);
		if (out->tcp_hlen < 20)
			return PKT_ERR_BAD_TCP;
		out->sport = get16(p);
		out->dport = get16(p + 2);
		out->seq = get32(p + 4);
		out->ack = get32(p + 8);
		out->tcp_flags = p[13];
		out->window = get16(p + 14);
		break;
	case PKT_PROTO_UDP:
		if (len < 8)
			return PKT_ERR_TRUNCATED;
		out->sport = get16(p);
		out->dport = get16(p + 2);
		break;
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMP6:
		if (len < 8)
			return PKT_ERR_TRUNCATED;
		out->icmp_type = p[0];
		out->icmp_code = p[1];
		if ((!v6 && (p[0] == 0 || p[0] == 8)) || (v6 && (p[0] == 128 || p[0] == 129))) {
			out->icmp_echo = true;
			out->icmp_id = get16(p + 4);
			out->icmp_seq = get16(p + 6);
		} else if (v6 && (p[0] == PKT_ICMP6_NS || p[0] == PKT_ICMP6_NA)) {
			if (len >= 24) {
				out->nd = true;
				addr_set(&out->nd_target, AF_INET6, p + 8);
			}
		} else if (pkt_icmp_is_error(v6, p[0])) {
			out->icmp_error = true;
			if (!v6 && p[0] == 3 && p[1] == 4)
				out->icmp_mtu = get16(p + 6);
			else if (v6 && p[0] == 2)
				out->icmp_mtu = get32(p + 4);
			decode_inner(p + 8, len - 8, &out->inner);
		}
		break;
	default:
		return PKT_OK;
	}
	out->has_l4 = true;
	return PKT_OK;
}

static int decode_ipv4(const uint8_t *p, size_t len, struct pkt *out)
{
	size_t ihl, end, off;
	uint16_t ff;
	uint8_t nh;

	if (len < 20)
		return PKT_ERR_TRUNCATED;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return PKT_ERR_BAD_IP;
	if (len < ihl)
		return PKT_ERR_TRUNCATED;
	out->ipver = 4;
	out->tos = p[1];
	out->ip_len = get16(p + 2);
	out->ip_id = get16(p + 4);
	ff = get16(p + 6);
	out->ttl = p[8];
	out->proto = nh = p[9];
	addr_set(&out->src, AF_INET, p + 12);
	addr_set(&out->dst, AF_INET, p + 16);
	/* Zero is what segmentation offload leaves in packets we send: the capture ends it. */
	if (out->ip_len != 0 && out->ip_len < ihl)
		return PKT_ERR_BAD_IP;
	out->frag_off = (uint16_t)((ff & 0x1fff) * 8);
	out->more_frags = (ff & 0x2000) != 0;
	out->fragment = out->frag_off != 0 || out->more_frags;
	if (out->frag_off != 0)
		return PKT_OK;
	/* Ethernet pads short frames: the IP length, not the capture, ends it. */
	end = out->ip_len == 0 || len < out->ip_len ? len : out->ip_len;
	off = ihl;
	if (nh == NH_AH) {
		uint16_t fo = 0;
		bool more = false, isf = false;
		uint32_t id;
		int r = ip6_walk(p, end, &nh, &off, &out->next, &fo, &more, &id, &isf);

		if (r != PKT_OK)
			return r;
		out->proto = nh;
	}
	return decode_l4(p + off, end - off, out);
}

static int decode_ipv6(const uint8_t *p, size_t len, struct pkt *out)
{
	size_t end, off = 40;
	uint16_t plen, fo = 0;
	bool more = false, isf = false;
	uint32_t id = 0;
	uint8_t nh;
	int r;

	if (len < 40)
		return PKT_ERR_TRUNCATED;
	out->ipver = 6;
	out->tos = (uint8_t)(get16(p) >> 4);
	plen = get16(p + 4);
	nh = p[6];
	out->ttl = p[7];
	out->proto = nh;
	addr_set(&out->src, AF_INET6, p + 8);
	addr_set(&out->dst, AF_INET6, p + 24);
	out->ip_len = (uint16_t)(plen > 0xffff - 40 ? 0xffff : plen + 40);
	/* A zero payload length means a jumbogram: the capture ends it. */
	end = plen == 0 ? len : (len < (size_t)plen + 40 ? len : (size_t)plen + 40);
	r = ip6_walk(p, end, &nh, &off, &out->next, &fo, &more, &id, &isf);
	if (r != PKT_OK)
		return r;
	out->proto = nh;
	if (isf) {
		out->fragment = true;
		out->frag_off = fo;
		out->more_frags = more;
		out->ip_id = id;
		if (fo != 0)
			return PKT_OK;
	}
	if (nh == NH_NONE)
		return PKT_OK;
	return decode_l4(p + off, end - off, out);
}

/* want is 4, 6, or 0 when the version nibble alone decides. */
static int decode_ip(const uint8_t *p, size_t len, int want, struct pkt *out)
{
	int v;

	if (len < 1)
		return PKT_ERR_TRUNCATED;
	v = p[0] >> 4;
	if ((v != 4 && v != 6) || (want != 0 && v != want))
		return PKT_ERR_BAD_IP;
	return v == 4 ? decode_ipv4(p, len, out) : decode_ipv6(p, len, out);
}

/* ARP for IPv4 over Ethernet (RFC 826); other kinds are "not IP". */
static int decode_arp(const uint8_t *p, size_t len, struct pkt *out)
{
	if (len < 8)
		return PKT_ERR_TRUNCATED;
	if (get16(p) != 1 || get16(p + 2) != ETHERTYPE_IPV4_ || p[4] != 6 || p[5] != 4)
		return PKT_ERR_NOT_IP;
	if (len < 28)
		return PKT_ERR_TRUNCATED;
	out->arp = true;
	out->arp_op = get16(p + 6);
	memcpy(out->arp_sha, p + 8, 6);
	addr_set(&out->arp_spa, AF_INET, p + 14);
	addr_set(&out->arp_tpa, AF_INET, p + 24);
	return PKT_OK;
}

/* Crosses 802.1Q/802.1ad tags starting with the ethertype at p[*off - 2]. */
static int decode_ethertype(const uint8_t *p, size_t len, size_t off, uint16_t etype,
			    struct pkt *out)
{
	while (etype == ETHERTYPE_8021Q || etype == ETHERTYPE_8021AD ||
	       etype == ETHERTYPE_QINQ_OLD) {
		if (out->nvlan >= PKT_MAX_VLAN)
			return PKT_ERR_VLAN_LIMIT;
		if (len - off < 4)
			return PKT_ERR_TRUNCATED;
		out->vlan[out->nvlan++] = get16(p + off) & 0x0fff;
		etype = get16(p + off + 2);
		off += 4;
	}
	if (etype == ETHERTYPE_IPV4_)
		return decode_ip(p + off, len - off, 4, out);
	if (etype == ETHERTYPE_IPV6_)
		return decode_ip(p + off, len - off, 6, out);
	if (etype == ETHERTYPE_ARP_)
		return decode_arp(p + off, len - off, out);
	return PKT_ERR_NOT_IP;
}

/* BSD loopback: the address family in the byte order of whoever wrote it. */
static int decode_null(const uint8_t *p, size_t len, struct pkt *out)
{
	uint32_t be, le;

	if (len < NULL_HLEN)
		return PKT_ERR_TRUNCATED;
	be = get32(p);
	le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	if (be == 2 || le == 2)
		return decode_ip(p + NULL_HLEN, len - NULL_HLEN, 4, out);
	if (be == 24 || be == 28 || be == 30 || le == 24 || le == 28 || le == 30)
		return decode_ip(p + NULL_HLEN, len - NULL_HLEN, 6, out);
	return PKT_ERR_NOT_IP;
}

int pkt_decode(int dlt, const uint8_t *data, size_t caplen, struct pkt *out)
{
	if (out == NULL)
		return PKT_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->dlt = dlt;
	out->sll_pkttype = -1;
	if (data == NULL && caplen != 0)
		return PKT_ERR_ARG;
	if (data == NULL)
		return PKT_ERR_TRUNCATED;

	switch (dlt) {
	case PKT_DLT_EN10MB:
		if (caplen < ETH_HLEN_)
			return PKT_ERR_TRUNCATED;
		return decode_ethertype(data, caplen, ETH_HLEN_, get16(data + 12), out);
	case PKT_DLT_LINUX_SLL:
		if (caplen < SLL_HLEN)
			return PKT_ERR_TRUNCATED;
		out->sll_pkttype = get16(data);
		return decode_ethertype(data, caplen, SLL_HLEN, get16(data + 14), out);
	case PKT_DLT_LINUX_SLL2:
		if (caplen < SLL2_HLEN)
			return PKT_ERR_TRUNCATED;
		out->sll_pkttype = data[10];
		return decode_ethertype(data, caplen, SLL2_HLEN, get16(data), out);
	case PKT_DLT_RAW:
	case PKT_DLT_RAW_BSD:
	case PKT_LINKTYPE_RAW:
		return decode_ip(data, caplen, 0, out);
	case PKT_DLT_IPV4:
		return decode_ip(data, caplen, 4, out);
	case PKT_DLT_IPV6:
		return decode_ip(data, caplen, 6, out);
	case PKT_DLT_NULL:
	case PKT_DLT_LOOP:
		return decode_null(data, caplen, out);
	default:
		return PKT_ERR_LINKTYPE;
	}
}

bool pkt_dlt_supported(int dlt)
{
	switch (dlt) {
	case PKT_DLT_EN10MB:
	case PKT_DLT_LINUX_SLL:
	case PKT_DLT_LINUX_SLL2:
	case PKT_DLT_RAW:
	case PKT_DLT_RAW_BSD:
	case PKT_LINKTYPE_RAW:
	case PKT_DLT_IPV4:
	case PKT_DLT_IPV6:
	case PKT_DLT_NULL:
	case PKT_DLT_LOOP:
		return true;
	default:
		return false;
	}
}

const char *pkt_strerror(int err)
{
	switch (err) {
	case PKT_OK:
		return "no error";
	case PKT_ERR_ARG:
		return "no packet to decode";
	case PKT_ERR_LINKTYPE:
		return "unsupported link type";
	case PKT_ERR_TRUNCATED:
		return "packet is truncated";
	case PKT_ERR_NOT_IP:
		return "not an IPv4 or IPv6 packet";
	case PKT_ERR_BAD_IP:
		return "malformed IP header";
	case PKT_ERR_BAD_TCP:
		return "malformed TCP header";
	case PKT_ERR_EXT_LIMIT:
		return "too many IPv6 extension headers";
	case PKT_ERR_VLAN_LIMIT:
		return "too many VLAN tags";
	default:
		return "unknown decoder error";
	}
}

const char *pkt_icmp_name(bool v6, uint8_t type, uint8_t code)
{
	static const char *const unreach4[] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "fragmentation needed", "source route failed",
		"net unknown", "host unknown", "source host isolated",
		"net prohibited", "host prohibited", "net unreachable for TOS",
		"host unreachable for TOS", "administratively prohibited",
		"host precedence violation", "precedence cutoff",
	};
	static const char *const unreach6[] = {
		"no route to destination", "administratively prohibited",
		"beyond scope of source address", "address unreachable",
		"port unreachable", "source address failed policy",
		"reject route to destination",
	};

	if (v6) {
		switch (type) {
		case 1:
			return code < sizeof(unreach6) / sizeof(*unreach6) ? unreach6[code] : "unreachable";
		case 2:
			return "packet too big";
		case 3:
			return code == 1 ? "fragment reassembly time exceeded" : "hop limit exceeded";
		case 4:
			return "parameter problem";
		case 128:
			return "echo request";
		case 129:
			return "echo reply";
		default:
			return NULL;
		}
	}
	switch (type) {
	case 0:
		return "echo reply";
	case 3:
		return code < sizeof(unreach4) / sizeof(*unreach4) ? unreach4[code] : "unreachable";
	case 4:
		return "source quench";
	case 5:
		return "redirect";
	case 8:
		return "echo request";
	case 11:
		return code == 1 ? "fragment reassembly time exceeded" : "time to live exceeded";
	case 12:
		return "parameter problem";
	default:
		return NULL;
	}
}

void pkt_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {
		{ PKT_TCP_SYN, "SYN" }, { PKT_TCP_FIN, "FIN" }, { PKT_TCP_RST, "RST" },
		{ PKT_TCP_PSH, "PSH" }, { PKT_TCP_ACK, "ACK" }, { PKT_TCP_URG, "URG" },
		{ PKT_TCP_ECE, "ECE" }, { PKT_TCP_CWR, "CWR" },
	};
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		int n;

		if (!(flags & names[i].bit))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
	if (off == 0)
		snprintf(buf, len, "none");
}

int pkt_addr_parse(struct pkt_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

void pkt_addr_format(const struct pkt_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return;
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    inet_ntop(a->family, a->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "-");
}

bool pkt_addr_equal(const struct pkt_addr *a, const struct pkt_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16) == 0;
}

int pkt_addr_from_sockaddr(struct pkt_addr *a, const void *sa, size_t salen)
{
	struct sockaddr_storage ss;

	memset(a, 0, sizeof(*a));
	if (sa == NULL || salen < sizeof(sa_family_t) || salen > sizeof(ss))
		return -1;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, sa, salen);
	if (ss.ss_family == AF_INET && salen >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, &ss, sizeof(sin));
		addr_set(a, AF_INET, (const uint8_t *)&sin.sin_addr);
		return 0;
	}
	if (ss.ss_family == AF_INET6 && salen >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, &ss, sizeof(sin6));
		addr_set(a, AF_INET6, (const uint8_t *)&sin6.sin6_addr);
		return 0;
	}
	return -1;
}

/* A bounded appender for the summary line. */
struct line {
	char *buf;
	size_t len;
	size_t off;	/* what the whole line would take */
};

__attribute__((format(printf, 2, 3)))
static void line_add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (l->off < l->len)
		n = vsnprintf(l->buf + l->off, l->len - l->off, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->off += (size_t)n;
}

static void line_endpoint(struct line *l, const struct pkt_addr *a, bool port, uint16_t p)
{
	char s[INET6_ADDRSTRLEN];

	pkt_addr_format(a, s, sizeof(s));
	if (!port)
		line_add(l, "%s", s);
	else if (a->family == AF_INET6)
		line_add(l, "[%s]:%u", s, p);
	else
		line_add(l, "%s:%u", s, p);
}

static void line_inner(struct line *l, const struct pkt_inner *in)
{
	if (!in->present)
		return;
	line_add(l, " (about ");
	if (in->proto != PKT_PROTO_TCP && in->proto != PKT_PROTO_UDP) {
		if (in->has_icmp)
			line_add(l, "%s %u/%u ", in->ipver == 6 ? "ICMP6" : "ICMP",
				 in->icmp_type, in->icmp_code);
		else
			line_add(l, "proto %u ", in->proto);
	} else if (in->proto == PKT_PROTO_UDP) {
		line_add(l, "UDP ");
	}
	line_endpoint(l, &in->src, in->has_ports, in->sport);
	line_add(l, " > ");
	line_endpoint(l, &in->dst, in->has_ports, in->dport);
	line_add(l, ")");
}

int pkt_summary(const struct pkt *p, char *buf, size_t len)
{
	struct line l = { buf, len, 0 };
	const char *icmp = p->ipver == 6 ? "ICMP6" : "ICMP";
	bool v6icmp = p->proto == PKT_PROTO_ICMP6;

	if (len > 0)
		buf[0] = '\0';
	if (p->arp) {
		const uint8_t *m = p->arp_sha;

		if (p->arp_op == PKT_ARP_REQUEST) {
			line_add(&l, "ARP who-has ");
			line_endpoint(&l, &p->arp_tpa, false, 0);
			line_add(&l, " tell ");
			line_endpoint(&l, &p->arp_spa, false, 0);
		} else if (p->arp_op == PKT_ARP_REPLY) {
			line_add(&l, "ARP ");
			line_endpoint(&l, &p->arp_spa, false, 0);
			line_add(&l, " is-at %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		} else {
			line_add(&l, "ARP op %u ", p->arp_op);
			line_endpoint(&l, &p->arp_spa, false, 0);
			line_add(&l, " > ");
			line_endpoint(&l, &p->arp_tpa, false, 0);
		}
		return (int)l.off;
	}
	if (p->ipver != 4 && p->ipver != 6) {
		line_add(&l, "not IP");
		return (int)l.off;
	}
	if (p->fragment && p->frag_off != 0) {
		line_add(&l, "%s fragment ", p->ipver == 6 ? "IP6" : "IP");
		line_endpoint(&l, &p->src, false, 0);
		line_add(&l, " > ");
		line_endpoint(&l, &p->dst, false, 0);
		line_add(&l, " proto %u offset %u", p->proto, p->frag_off);
		return (int)l.off;
	}
	if (!p->has_l4) {
		line_add(&l, "%s proto %u ", p->ipver == 6 ? "IP6" : "IP", p->proto);
		line_endpoint(&l, &p->src, false, 0);
		line_add(&l, " > ");
		line_endpoint(&l, &p->dst, false, 0);
		return (int)l.off;
	}
	switch (p->proto) {
	case PKT_PROTO_TCP: {
		char flags[48];

		if (p->tcp_flags == 0)
			snprintf(flags, sizeof(flags), "TCP");
		else
			pkt_tcp_flags_str(p->tcp_flags, flags, sizeof(flags));
		line_add(&l, "%s ", flags);
		line_endpoint(&l, &p->src, true, p->sport);
		line_add(&l, " > ");
		line_endpoint(&l, &p->dst, true, p->dport);
		break;
	}
	case PKT_PROTO_UDP:
		line_add(&l, "UDP ");
		line_endpoint(&l, &p->src, true, p->sport);
		line_add(&l, " > ");
		line_endpoint(&l, &p->dst, true, p->dport);
		break;
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMP6: {
		const char *name = pkt_icmp_name(v6icmp, p->icmp_type, p->icmp_code);
		bool request = p->icmp_type == (v6icmp ? 128 : 8);

		icmp = v6icmp ? "ICMP6" : "ICMP";
		if (p->nd) {
			line_add(&l, "ICMP6 neighbour %s ", p->icmp_type == PKT_ICMP6_NS ? "solicitation: who-has"
				 : "advertisement:");
			line_endpoint(&l, &p->nd_target, false, 0);
			line_add(&l, p->icmp_type == PKT_ICMP6_NS ? " tell " : " is here, from ");
			line_endpoint(&l, &p->src, false, 0);
			break;
		}
		if (p->icmp_echo) {
			line_add(&l, "%s %s %s ", icmp, name, request ? "to" : "from");
			line_endpoint(&l, request ? &p->dst : &p->src, false, 0);
			line_add(&l, " seq %u", p->icmp_seq);
			break;
		}
		line_add(&l, "%s %u/%u ", icmp, p->icmp_type, p->icmp_code);
		if (name != NULL)
			line_add(&l, "%s ", name);
		line_add(&l, "from ");
		line_endpoint(&l, &p->src, false, 0);
		if (p->icmp_mtu != 0)
			line_add(&l, " mtu %u", p->icmp_mtu);
		if (p->icmp_error)
			line_inner(&l, &p->inner);
		break;
	}
	default:
		line_add(&l, "%s proto %u", p->ipver == 6 ? "IP6" : "IP", p->proto);
		break;
	}
	return (int)l.off;
}

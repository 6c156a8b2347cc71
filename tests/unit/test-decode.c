/* SPDX-License-Identifier: MIT */
/* capture/decode.c: every link type, VLAN tags, IPv4 options and fragments,
 * IPv6 extension headers, ICMP quotes, summaries, and any truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "capture/decode.h"
#include "../fixtures/pcap/pktbuild.h"

static const int all_dlts[] = {
	PKT_DLT_EN10MB, PKT_DLT_LINUX_SLL, PKT_DLT_LINUX_SLL2, PKT_DLT_RAW, PKT_DLT_RAW_BSD,
	PKT_LINKTYPE_RAW, PKT_DLT_NULL, PKT_DLT_LOOP,
};
#define NDLTS (sizeof(all_dlts) / sizeof(all_dlts[0]))

static size_t syn_frame(uint8_t *out, int dlt, int nvlan, const char *src, const char *dst)
{
	struct pb_tcp t = { src, dst, PB_SPORT, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1000, 0 };
	uint8_t ip[PB_MAX];
	size_t n = pb_ip_tcp(ip, &t);

	return pb_link(out, dlt, nvlan, true, ip, n);
}

static void assert_addr(const struct pkt_addr *a, const char *want)
{
	char s[64];

	pkt_addr_format(a, s, sizeof(s));
	assert_string_equal(s, want);
}

static void assert_summary(const struct pkt *p, const char *want)
{
	char s[256];

	pkt_summary(p, s, sizeof(s));
	assert_string_equal(s, want);
}

static void test_ipv4_syn_decodes_on_every_link_type(void **state)
{
	for (size_t i = 0; i < NDLTS; i++) {
		uint8_t f[PB_MAX];
		size_t n = syn_frame(f, all_dlts[i], 0, PB_CLIENT4, PB_TARGET4);
		struct pkt p;

		assert_int_equal(pkt_decode(all_dlts[i], f, n, &p), PKT_OK);
		assert_int_equal(p.ipver, 4);
		assert_true(p.has_l4);
		assert_int_equal(p.proto, PKT_PROTO_TCP);
		assert_addr(&p.src, PB_CLIENT4);
		assert_addr(&p.dst, PB_TARGET4);
		assert_int_equal(p.sport, PB_SPORT);
		assert_int_equal(p.dport, PB_PORT);
		assert_int_equal(p.tcp_flags, PKT_TCP_SYN);
		assert_int_equal(p.tos, PB_TOS);
		assert_int_equal(p.ttl, 64);
		assert_int_equal(p.seq, 1000);
		assert_int_equal(p.tcp_hlen, 24);
		assert_int_equal(p.window, 64240);
		assert_summary(&p, "SYN 192.0.2.10:40312 > 192.0.2.130:22");
	}
}

static void test_ipv6_syn_decodes_on_every_link_type(void **state)
{
	for (size_t i = 0; i < NDLTS; i++) {
		uint8_t f[PB_MAX];
		size_t n = syn_frame(f, all_dlts[i], 0, PB_CLIENT6, PB_TARGET6);
		struct pkt p;

		assert_int_equal(pkt_decode(all_dlts[i], f, n, &p), PKT_OK);
		assert_int_equal(p.ipver, 6);
		assert_int_equal(p.tos, PB_TOS);
		assert_int_equal(p.ttl, 64);
		assert_int_equal(p.dport, PB_PORT);
		assert_summary(&p, "SYN [2001:db8::10]:40312 > [2001:db8::130]:22");
	}
}

static void test_dlt_ipv4_and_ipv6_insist_on_their_version(void **state)
{
	uint8_t f[PB_MAX];
	size_t n = syn_frame(f, PKT_DLT_RAW, 0, PB_CLIENT6, PB_TARGET6);
	struct pkt p;

	assert_int_equal(pkt_decode(PKT_DLT_IPV6, f, n, &p), PKT_OK);
	assert_int_equal(pkt_decode(PKT_DLT_IPV4, f, n, &p), PKT_ERR_BAD_IP);
	n = syn_frame(f, PKT_DLT_RAW, 0, PB_CLIENT4, PB_TARGET4);
	assert_int_equal(pkt_decode(PKT_DLT_IPV4, f, n, &p), PKT_OK);
	assert_int_equal(pkt_decode(PKT_DLT_IPV6, f, n, &p), PKT_ERR_BAD_IP);
}

static void test_vlan_tags_single_and_stacked_are_crossed(void **state)
{
	for (int nv = 1; nv <= PKT_MAX_VLAN; nv++) {
		uint8_t f[PB_MAX];
		size_t n = syn_frame(f, PKT_DLT_EN10MB, nv, PB_CLIENT4, PB_TARGET4);
		struct pkt p;

		assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_OK);
		assert_int_equal(p.nvlan, nv);
		assert_int_equal(p.vlan[0], 100);
		assert_int_equal(p.vlan[nv - 1], 100 + nv - 1);
		assert_int_equal(p.dport, PB_PORT);
	}
}

static void test_too_many_vlan_tags_is_an_error(void **state)
{
	uint8_t f[PB_MAX];
	size_t n = syn_frame(f, PKT_DLT_EN10MB, PKT_MAX_VLAN + 1, PB_CLIENT4, PB_TARGET4);
	struct pkt p;

	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_ERR_VLAN_LIMIT);
}

static void test_old_qinq_ethertype_is_a_vlan_tag(void **state)
{
	uint8_t f[PB_MAX];
	size_t n = syn_frame(f, PKT_DLT_EN10MB, 2, PB_CLIENT4, PB_TARGET4);
	struct pkt p;

	pb_put16(f + 12, 0x9100);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_OK);
	assert_int_equal(p.nvlan, 2);
}

static void test_sll_and_sll2_report_the_packet_type(void **state)
{
	uint8_t ip[PB_MAX], f[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t), fl;
	struct pkt p;

	fl = pb_link(f, PKT_DLT_LINUX_SLL, 0, true, ip, n);
	assert_int_equal(pkt_decode(PKT_DLT_LINUX_SLL, f, fl, &p), PKT_OK);
	assert_int_equal(p.sll_pkttype, PKT_SLL_OUTGOING);
	fl = pb_link(f, PKT_DLT_LINUX_SLL2, 0, false, ip, n);
	assert_int_equal(pkt_decode(PKT_DLT_LINUX_SLL2, f, fl, &p), PKT_OK);
	assert_int_equal(p.sll_pkttype, PKT_SLL_HOST);
	fl = pb_link(f, PKT_DLT_EN10MB, 0, false, ip, n);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, fl, &p), PKT_OK);
	assert_int_equal(p.sll_pkttype, -1);
}

static void test_sll_with_a_vlan_ethertype_is_crossed(void **state)
{
	uint8_t ip[PB_MAX], f[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	memset(f, 0, 16);
	pb_put16(f + 14, 0x8100);
	pb_put16(f + 16, 7);
	pb_put16(f + 18, 0x0800);
	memcpy(f + 20, ip, n);
	assert_int_equal(pkt_decode(PKT_DLT_LINUX_SLL, f, 20 + n, &p), PKT_OK);
	assert_int_equal(p.nvlan, 1);
	assert_int_equal(p.vlan[0], 7);
}

static void test_bsd_loopback_family_in_either_byte_order(void **state)
{
	static const uint32_t v6fams[] = { 24, 28, 30 };
	uint8_t ip4[PB_MAX], ip6[PB_MAX], f[PB_MAX];
	struct pb_tcp t4 = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	struct pb_tcp t6 = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n4 = pb_ip_tcp(ip4, &t4), n6 = pb_ip_tcp(ip6, &t6);
	struct pkt p;

	for (int dlt = 0; dlt < 2; dlt++) {
		int d = dlt ? PKT_DLT_LOOP : PKT_DLT_NULL;

		/* network order */
		pb_put32(f, 2);
		memcpy(f + 4, ip4, n4);
		assert_int_equal(pkt_decode(d, f, 4 + n4, &p), PKT_OK);
		assert_int_equal(p.ipver, 4);
		/* little-endian host order */
		f[0] = 2;
		f[1] = f[2] = f[3] = 0;
		assert_int_equal(pkt_decode(d, f, 4 + n4, &p), PKT_OK);
		assert_int_equal(p.ipver, 4);
		for (size_t i = 0; i < 3; i++) {
			pb_put32(f, v6fams[i]);
			memcpy(f + 4, ip6, n6);
			assert_int_equal(pkt_decode(d, f, 4 + n6, &p), PKT_OK);
			assert_int_equal(p.ipver, 6);
			f[0] = (uint8_t)v6fams[i];
			f[1] = f[2] = f[3] = 0;
			assert_int_equal(pkt_decode(d, f, 4 + n6, &p), PKT_OK);
			assert_int_equal(p.ipver, 6);
		}
		/* Linux's AF_INET6 (10) is no BSD value; AF 7 is nothing */
		pb_put32(f, 7);
		assert_int_equal(pkt_decode(d, f, 4 + n6, &p), PKT_ERR_NOT_IP);
		/* an IPv4 packet under an IPv6 family */
		pb_put32(f, 30);
		memcpy(f + 4, ip4, n4);
		assert_int_equal(pkt_decode(d, f, 4 + n4, &p), PKT_ERR_BAD_IP);
	}
}

static void test_non_ip_ethertype_is_not_ip(void **state)
{
	uint8_t f[64] = { 0 };
	struct pkt p;

	pb_put16(f + 12, 0x0806);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, sizeof(f), &p), PKT_ERR_NOT_IP);
	assert_string_equal(pkt_strerror(PKT_ERR_NOT_IP), "not an IPv4 or IPv6 packet");
}

static void test_unknown_link_type_and_null_data_are_refused(void **state)
{
	uint8_t f[PB_MAX];
	size_t n = syn_frame(f, PKT_DLT_EN10MB, 0, PB_CLIENT4, PB_TARGET4);
	struct pkt p;

	assert_int_equal(pkt_decode(147, f, n, &p), PKT_ERR_LINKTYPE);
	assert_false(pkt_dlt_supported(147));
	assert_true(pkt_dlt_supported(PKT_DLT_LINUX_SLL2));
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, NULL, 10, &p), PKT_ERR_ARG);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, NULL, 0, &p), PKT_ERR_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, NULL), PKT_ERR_ARG);
}

static void test_every_error_code_has_its_own_message(void **state)
{
	for (int e = PKT_ERR_VLAN_LIMIT; e <= PKT_ERR_ARG; e++) {
		assert_non_null(pkt_strerror(e));
		for (int f = e + 1; f <= PKT_ERR_ARG; f++)
			assert_string_not_equal(pkt_strerror(e), pkt_strerror(f));
	}
	assert_string_equal(pkt_strerror(-99), "unknown decoder error");
}

static void test_ipv4_options_are_skipped(void **state)
{
	uint8_t ip[PB_MAX], big[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	/* 8 bytes of options: NOP padding */
	memcpy(big, ip, 20);
	memset(big + 20, 1, 8);
	memcpy(big + 28, ip + 20, n - 20);
	big[0] = 0x47;
	pb_put16(big + 2, (uint16_t)(n + 8));
	assert_int_equal(pkt_decode(PKT_DLT_RAW, big, n + 8, &p), PKT_OK);
	assert_int_equal(p.dport, PB_PORT);
	/* a header length under 20 */
	ip[0] = 0x44;
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_BAD_IP);
	/* a total length under the header length */
	ip[0] = 0x45;
	pb_put16(ip + 2, 12);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_BAD_IP);
	/* zero, as segmentation offload leaves it: the capture ends the packet */
	pb_put16(ip + 2, 0);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_int_equal(p.dport, PB_PORT);
	/* version 5 */
	ip[0] = 0x55;
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_BAD_IP);
}

static void test_ethernet_padding_ends_at_the_ip_length(void **state)
{
	uint8_t ip[PB_MAX], f[PB_MAX];
	struct pb_tcp t = { PB_TARGET4, PB_CLIENT4, PB_PORT, PB_SPORT,
			    PKT_TCP_RST | PKT_TCP_ACK, 0, 61, 0, 1001 };
	size_t n = pb_ip_tcp(ip, &t), fl;
	struct pkt p;

	fl = pb_link(f, PKT_DLT_EN10MB, 0, false, ip, n);
	memset(f + fl, 0xee, 6);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, fl + 6, &p), PKT_OK);
	assert_int_equal(p.ip_len, 40);
	assert_summary(&p, "RST,ACK 192.0.2.130:22 > 192.0.2.10:40312");
}

static void test_ipv4_fragments_first_has_ports_others_do_not(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	pb_put16(ip + 6, 0x2000);	/* MF, offset 0 */
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.fragment);
	assert_true(p.more_frags);
	assert_true(p.has_l4);
	assert_int_equal(p.dport, PB_PORT);
	pb_put16(ip + 6, 0x0003);	/* offset 24, last */
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.fragment);
	assert_false(p.has_l4);
	assert_int_equal(p.frag_off, 24);
	assert_int_equal(p.sport, 0);
	assert_summary(&p, "IP fragment 192.0.2.10 > 192.0.2.130 proto 6 offset 24");
}

static void test_ipv6_extension_headers_are_walked(void **state)
{
	static const struct {
		uint8_t type;
		size_t len;
	} ext[] = { { 0, 8 }, { 43, 24 }, { 60, 16 }, { 51, 16 }, { 44, 8 } };

	for (size_t i = 0; i < sizeof(ext) / sizeof(*ext); i++) {
		uint8_t ip[PB_MAX];
		struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
		size_t n = pb_ip_tcp(ip, &t);
		struct pkt p;

		n = pb_ip6_push_ext(ip, n, ext[i].type, ext[i].len, 0x0001);
		assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
		assert_int_equal(p.next, 1);
		assert_int_equal(p.proto, PKT_PROTO_TCP);
		assert_true(p.has_l4);
		assert_int_equal(p.dport, PB_PORT);
		if (ext[i].type == 44) {
			assert_true(p.fragment);
			assert_true(p.more_frags);
			assert_int_equal(p.ip_id, 0xabcd);
		}
	}
}

static void test_ipv6_chain_of_extension_headers(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	n = pb_ip6_push_ext(ip, n, 60, 8, 0);
	n = pb_ip6_push_ext(ip, n, 51, 12, 0);
	n = pb_ip6_push_ext(ip, n, 44, 8, 0);
	n = pb_ip6_push_ext(ip, n, 43, 8, 0);
	n = pb_ip6_push_ext(ip, n, 0, 8, 0);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_int_equal(p.next, 5);
	assert_int_equal(p.dport, PB_PORT);
	assert_int_equal(p.ip_len, n);
}

static void test_ipv6_non_first_fragment_has_no_ports(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	n = pb_ip6_push_ext(ip, n, 44, 8, 0x0100);	/* offset 256 */
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.fragment);
	assert_false(p.has_l4);
	assert_int_equal(p.frag_off, 256);
	assert_summary(&p, "IP6 fragment 2001:db8::10 > 2001:db8::130 proto 6 offset 256");
}

static void test_ipv6_too_many_extension_headers_is_an_error(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	for (int i = 0; i < PKT_MAX_EXT + 1; i++)
		n = pb_ip6_push_ext(ip, n, 60, 8, 0);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_EXT_LIMIT);
}

static void test_ipv6_extension_header_past_the_payload_is_truncated(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	n = pb_ip6_push_ext(ip, n, 60, 8, 0);
	ip[41] = 200;	/* claims 1608 bytes */
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_TRUNCATED);
}

static void test_ipv6_no_next_header_has_no_l4(void **state)
{
	uint8_t ip[PB_MAX];
	size_t n = pb_ip_hdr(ip, PB_CLIENT6, PB_TARGET6, 59, 0, 64, 0);
	struct pkt p;

	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_false(p.has_l4);
	assert_summary(&p, "IP6 proto 59 2001:db8::10 > 2001:db8::130");
}

static void test_tcp_data_offset_under_20_is_malformed(void **state)
{
	uint8_t ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(ip, &t);
	struct pkt p;

	ip[20 + 12] = 0x40;
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_ERR_BAD_TCP);
}

static void test_icmp_admin_prohibited_quotes_our_syn(void **state)
{
	struct pb_frame f[PB_MAX_FRAMES];
	size_t n = pb_scenario_build(PB_SCN_ICMP, PKT_DLT_EN10MB, 0, AF_INET, f, PB_MAX_FRAMES);
	struct pkt p;

	assert_int_equal(n, 3);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f[1].data, f[1].len, &p), PKT_OK);
	assert_int_equal(p.proto, PKT_PROTO_ICMP);
	assert_true(p.icmp_error);
	assert_int_equal(p.icmp_type, 3);
	assert_int_equal(p.icmp_code, 13);
	assert_int_equal(p.ttl, 254);
	assert_true(p.inner.present);
	assert_addr(&p.inner.src, PB_CLIENT4);
	assert_addr(&p.inner.dst, PB_TARGET4);
	assert_int_equal(p.inner.proto, PKT_PROTO_TCP);
	assert_int_equal(p.inner.tos, PB_TOS);
	assert_int_equal(p.inner.ttl, 64);
	assert_true(p.inner.has_ports);
	assert_int_equal(p.inner.sport, PB_SPORT);
	assert_int_equal(p.inner.dport, PB_PORT);
	assert_true(p.inner.has_seq);
	assert_int_equal(p.inner.seq, 1000);
	assert_summary(&p, "ICMP 3/13 administratively prohibited from 192.0.2.1 "
		       "(about 192.0.2.10:40312 > 192.0.2.130:22)");
}

static void test_icmp_port_unreachable_summaries(void **state)
{
	struct pb_frame f[PB_MAX_FRAMES];
	struct pkt p;

	pb_scenario_build(PB_SCN_PORT_UNREACH, PKT_DLT_RAW, 0, AF_INET, f, PB_MAX_FRAMES);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, f[1].data, f[1].len, &p), PKT_OK);
	assert_summary(&p, "ICMP 3/3 port unreachable from 192.0.2.130 "
		       "(about 192.0.2.10:40312 > 192.0.2.130:22)");
	pb_scenario_build(PB_SCN_PORT_UNREACH, PKT_DLT_RAW, 0, AF_INET6, f, PB_MAX_FRAMES);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, f[1].data, f[1].len, &p), PKT_OK);
	assert_int_equal(p.proto, PKT_PROTO_ICMP6);
	assert_true(p.icmp_error);
	assert_int_equal(p.inner.ipver, 6);
	assert_int_equal(p.inner.tos, PB_TOS);
	assert_summary(&p, "ICMP6 1/4 port unreachable from 2001:db8::130 "
		       "(about [2001:db8::10]:40312 > [2001:db8::130]:22)");
}

static void test_icmp_quote_without_ports_is_a_partial_result(void **state)
{
	uint8_t syn[PB_MAX], ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	struct pkt p;
	size_t n;

	pb_ip_tcp(syn, &t);
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 1, 0, syn, 20);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.inner.present);
	assert_false(p.inner.has_ports);
	assert_summary(&p, "ICMP 3/1 host unreachable from 192.0.2.1 (about 192.0.2.10 > 192.0.2.130)");
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 1, 0, syn, 10);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_false(p.inner.present);
	assert_summary(&p, "ICMP 3/1 host unreachable from 192.0.2.1");
}

static void test_icmp_quote_of_a_quoted_ipv6_with_ext_headers(void **state)
{
	uint8_t syn[PB_MAX], ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	struct pkt p;
	size_t n = pb_ip_tcp(syn, &t);

	n = pb_ip6_push_ext(syn, n, 60, 8, 0);
	n = pb_ip_icmp(ip, PB_ROUTER6, PB_CLIENT6, 63, 1, 3, 0, syn, n);
	assert_int_equal(pkt_decode(PKT_DLT_IPV6, ip, n, &p), PKT_OK);
	assert_int_equal(p.inner.proto, PKT_PROTO_TCP);
	assert_true(p.inner.has_ports);
	assert_int_equal(p.inner.dport, PB_PORT);
	assert_summary(&p, "ICMP6 1/3 address unreachable from 2001:db8::1 "
		       "(about [2001:db8::10]:40312 > [2001:db8::130]:22)");
}

static void test_echo_request_and_reply_carry_id_and_seq(void **state)
{
	uint8_t ip[PB_MAX];
	struct pkt p;
	size_t n;

	n = pb_ip_echo(ip, PB_TARGET4, PB_CLIENT4, 52, true, 77, 1);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.icmp_echo);
	assert_false(p.icmp_error);
	assert_int_equal(p.icmp_id, 77);
	assert_int_equal(p.icmp_seq, 1);
	assert_summary(&p, "ICMP echo reply from 192.0.2.130 seq 1");
	n = pb_ip_echo(ip, PB_CLIENT6, PB_TARGET6, 64, false, 77, 2);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_int_equal(p.icmp_type, 128);
	assert_summary(&p, "ICMP6 echo request to 2001:db8::130 seq 2");
}

static void test_icmp_mtu_is_read(void **state)
{
	uint8_t syn[PB_MAX], ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_ACK, 0, 64, 1, 0 };
	struct pkt p;
	size_t n = pb_ip_tcp(syn, &t);

	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 4, 1400, syn, 28);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_int_equal(p.icmp_mtu, 1400);
	assert_summary(&p, "ICMP 3/4 fragmentation needed from 192.0.2.1 mtu 1400 "
		       "(about 192.0.2.10:40312 > 192.0.2.130:22)");
}

static void test_icmp_names_for_common_codes(void **state)
{
	assert_string_equal(pkt_icmp_name(false, 3, 0), "net unreachable");
	assert_string_equal(pkt_icmp_name(false, 3, 10), "host prohibited");
	assert_string_equal(pkt_icmp_name(false, 3, 99), "unreachable");
	assert_string_equal(pkt_icmp_name(false, 11, 0), "time to live exceeded");
	assert_string_equal(pkt_icmp_name(true, 1, 1), "administratively prohibited");
	assert_string_equal(pkt_icmp_name(true, 1, 6), "reject route to destination");
	assert_string_equal(pkt_icmp_name(true, 3, 0), "hop limit exceeded");
	assert_null(pkt_icmp_name(false, 42, 0));
	assert_true(pkt_icmp_is_error(false, 11));
	assert_false(pkt_icmp_is_error(true, 128));
}

static void test_tcp_flag_names_and_summary_of_udp(void **state)
{
	char s[64];
	uint8_t ip[PB_MAX];
	size_t n = pb_ip_hdr(ip, PB_CLIENT4, PB_TARGET4, PKT_PROTO_UDP, 0, 64, 8);
	struct pkt p;

	pkt_tcp_flags_str(0xff, s, sizeof(s));
	assert_string_equal(s, "SYN,FIN,RST,PSH,ACK,URG,ECE,CWR");
	pkt_tcp_flags_str(0, s, sizeof(s));
	assert_string_equal(s, "none");
	memset(ip + n, 0, 8);
	pb_put16(ip + n, 53);
	pb_put16(ip + n + 2, 5353);
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n + 8, &p), PKT_OK);
	assert_summary(&p, "UDP 192.0.2.10:53 > 192.0.2.130:5353");
}

static void test_summary_into_small_buffers_is_cut_and_terminated(void **state)
{
	uint8_t f[PB_MAX];
	size_t n = syn_frame(f, PKT_DLT_RAW, 0, PB_CLIENT4, PB_TARGET4);
	struct pkt p;
	char s[8];
	int full;

	assert_int_equal(pkt_decode(PKT_DLT_RAW, f, n, &p), PKT_OK);
	full = pkt_summary(&p, NULL, 0);
	assert_int_equal(full, (int)strlen("SYN 192.0.2.10:40312 > 192.0.2.130:22"));
	memset(s, 'x', sizeof(s));
	assert_int_equal(pkt_summary(&p, s, sizeof(s)), full);
	assert_string_equal(s, "SYN 192");
	assert_int_equal(pkt_summary(&p, s, 1), full);
	assert_string_equal(s, "");
}

/* The decode of a prefix must agree with the whole packet's on what it claims. */
static void check_prefix_consistent(const struct pkt *full, const struct pkt *part)
{
	assert_int_equal(part->ipver, full->ipver);
	assert_true(pkt_addr_equal(&part->src, &full->src));
	assert_true(pkt_addr_equal(&part->dst, &full->dst));
	assert_int_equal(part->proto, full->proto);
	assert_int_equal(part->ttl, full->ttl);
	if (part->has_l4) {
		assert_int_equal(part->sport, full->sport);
		assert_int_equal(part->dport, full->dport);
		assert_int_equal(part->tcp_flags, full->tcp_flags);
		assert_int_equal(part->icmp_type, full->icmp_type);
	}
	if (part->inner.present) {
		assert_true(pkt_addr_equal(&part->inner.src, &full->inner.src));
		assert_true(pkt_addr_equal(&part->inner.dst, &full->inner.dst));
	}
	if (part->inner.has_ports) {
		assert_int_equal(part->inner.sport, full->inner.sport);
		assert_int_equal(part->inner.dport, full->inner.dport);
	}
}

static void test_every_truncation_is_an_error_or_consistent(void **state)
{
	static const int dlts[] = {
		PKT_DLT_EN10MB, PKT_DLT_LINUX_SLL, PKT_DLT_LINUX_SLL2, PKT_DLT_RAW,
		PKT_DLT_NULL, PKT_DLT_LOOP,
	};
	unsigned checked = 0;

	for (size_t d = 0; d < sizeof(dlts) / sizeof(*dlts); d++) {
		for (int fam = 0; fam < 2; fam++) {
			for (int s = 0; s < PB_SCN_COUNT; s++) {
				struct pb_frame f[PB_MAX_FRAMES];
				size_t n = pb_scenario_build(s, dlts[d], dlts[d] == PKT_DLT_EN10MB ? 2 : 0,
							     fam ? AF_INET6 : AF_INET, f, PB_MAX_FRAMES);

				for (size_t i = 0; i < n; i++) {
					struct pkt full, part;

					assert_int_equal(pkt_decode(dlts[d], f[i].data, f[i].len, &full), PKT_OK);
					for (size_t len = 0; len < f[i].len; len++) {
						/* a copy of exactly len bytes, so ASan sees any overread */
						uint8_t *cut = malloc(len ? len : 1);
						char line[256];

						memcpy(cut, f[i].data, len);
						if (pkt_decode(dlts[d], cut, len, &part) == PKT_OK)
							check_prefix_consistent(&full, &part);
						pkt_summary(&part, line, sizeof(line));
						free(cut);
						checked++;
					}
				}
			}
		}
	}
	assert_true(checked > 1000);
}

/* A small fixed generator, so a failure can be replayed. */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_random_bytes_never_crash_the_decoder(void **state)
{
	uint32_t seed = 0x5eed1234;

	for (int i = 0; i < 20000; i++) {
		size_t len = rng_next(&seed) % 200;
		uint8_t *b = malloc(len ? len : 1);
		int dlt = all_dlts[rng_next(&seed) % NDLTS];
		struct pkt p;
		char line[256];

		for (size_t j = 0; j < len; j++)
			b[j] = (uint8_t)rng_next(&seed);
		/* steer some inputs past the link header into IP */
		if (len > 20 && (i & 1)) {
			size_t h = dlt == PKT_DLT_EN10MB ? 14 : dlt == PKT_DLT_LINUX_SLL ? 16 :
				   dlt == PKT_DLT_LINUX_SLL2 ? 20 : dlt == PKT_DLT_NULL ? 4 :
				   dlt == PKT_DLT_LOOP ? 4 : 0;
			if (len > h)
				b[h] = (uint8_t)((i & 2 ? 0x40 : 0x60) | (b[h] & 0x0f));
		}
		pkt_decode(dlt, b, len, &p);
		pkt_summary(&p, line, sizeof(line));
		free(b);
	}
}

static void test_address_helpers(void **state)
{
	struct pkt_addr a, b;
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	char s[64];

	assert_int_equal(pkt_addr_parse(&a, "192.0.2.1"), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(pkt_addr_parse(&b, "2001:db8::1"), 0);
	assert_false(pkt_addr_equal(&a, &b));
	assert_int_equal(pkt_addr_parse(&b, "srv.example"), -1);
	assert_int_equal(b.family, 0);
	pkt_addr_format(&b, s, sizeof(s));
	assert_string_equal(s, "-");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, a.a, 4);
	assert_int_equal(pkt_addr_from_sockaddr(&b, &sin, sizeof(sin)), 0);
	assert_true(pkt_addr_equal(&a, &b));
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	assert_int_equal(pkt_addr_from_sockaddr(&b, &sin6, sizeof(sin6)), 0);
	pkt_addr_format(&b, s, sizeof(s));
	assert_string_equal(s, "::1");
	assert_int_equal(pkt_addr_from_sockaddr(&b, &sin6, 4), -1);
}

static void test_arp_who_has_and_reply_are_decoded(void **state)
{
	uint8_t f[64];
	struct pkt p;
	char line[128];
	size_t n = pb_arp(f, PKT_ARP_REQUEST, "192.0.2.10", "192.0.2.99");

	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_OK);
	assert_true(p.arp);
	assert_int_equal(p.ipver, 0);
	assert_int_equal(p.arp_op, PKT_ARP_REQUEST);
	pkt_summary(&p, line, sizeof(line));
	assert_string_equal(line, "ARP who-has 192.0.2.99 tell 192.0.2.10");
	n = pb_arp(f, PKT_ARP_REPLY, "192.0.2.99", "192.0.2.10");
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_OK);
	pkt_summary(&p, line, sizeof(line));
	assert_string_equal(line, "ARP 192.0.2.99 is-at 02:00:00:00:00:0a");
	pb_put16(f + 20, 9);
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_OK);
	pkt_summary(&p, line, sizeof(line));
	assert_string_equal(line, "ARP op 9 192.0.2.99 > 192.0.2.10");
}

static void test_arp_cut_short_or_not_for_ipv4_is_refused(void **state)
{
	uint8_t f[64];
	struct pkt p;
	size_t n = pb_arp(f, PKT_ARP_REQUEST, "192.0.2.10", "192.0.2.99");

	for (size_t cut = 14; cut < n; cut++)
		assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, cut, &p), PKT_ERR_TRUNCATED);
	pb_put16(f + 16, 0x86dd);	/* a protocol type ARP is not used for */
	assert_int_equal(pkt_decode(PKT_DLT_EN10MB, f, n, &p), PKT_ERR_NOT_IP);
	assert_false(p.arp);
}

static void test_ndp_solicitation_and_advertisement_name_their_target(void **state)
{
	uint8_t ip[PB_MAX];
	struct pkt p;
	char line[160];
	size_t n = pb_ip6_nd(ip, PKT_ICMP6_NS, "2001:db8::10", "ff02::1:ff00:99", "2001:db8::99");

	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	assert_true(p.nd);
	pkt_summary(&p, line, sizeof(line));
	assert_string_equal(line, "ICMP6 neighbour solicitation: who-has 2001:db8::99 tell 2001:db8::10");
	n = pb_ip6_nd(ip, PKT_ICMP6_NA, "2001:db8::99", "2001:db8::10", "2001:db8::99");
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n, &p), PKT_OK);
	pkt_summary(&p, line, sizeof(line));
	assert_string_equal(line, "ICMP6 neighbour advertisement: 2001:db8::99 is here, from 2001:db8::99");
	/* a solicitation cut before its target address is decoded without it */
	n = pb_ip6_nd(ip, PKT_ICMP6_NS, "2001:db8::10", "ff02::1:ff00:99", "2001:db8::99");
	assert_int_equal(pkt_decode(PKT_DLT_RAW, ip, n - 1, &p), PKT_OK);
	assert_false(p.nd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_syn_decodes_on_every_link_type),
		cmocka_unit_test(test_ipv6_syn_decodes_on_every_link_type),
		cmocka_unit_test(test_dlt_ipv4_and_ipv6_insist_on_their_version),
		cmocka_unit_test(test_vlan_tags_single_and_stacked_are_crossed),
		cmocka_unit_test(test_too_many_vlan_tags_is_an_error),
		cmocka_unit_test(test_old_qinq_ethertype_is_a_vlan_tag),
		cmocka_unit_test(test_sll_and_sll2_report_the_packet_type),
		cmocka_unit_test(test_sll_with_a_vlan_ethertype_is_crossed),
		cmocka_unit_test(test_bsd_loopback_family_in_either_byte_order),
		cmocka_unit_test(test_non_ip_ethertype_is_not_ip),
		cmocka_unit_test(test_unknown_link_type_and_null_data_are_refused),
		cmocka_unit_test(test_every_error_code_has_its_own_message),
		cmocka_unit_test(test_ipv4_options_are_skipped),
		cmocka_unit_test(test_ethernet_padding_ends_at_the_ip_length),
		cmocka_unit_test(test_ipv4_fragments_first_has_ports_others_do_not),
		cmocka_unit_test(test_ipv6_extension_headers_are_walked),
		cmocka_unit_test(test_ipv6_chain_of_extension_headers),
		cmocka_unit_test(test_ipv6_non_first_fragment_has_no_ports),
		cmocka_unit_test(test_ipv6_too_many_extension_headers_is_an_error),
		cmocka_unit_test(test_ipv6_extension_header_past_the_payload_is_truncated),
		cmocka_unit_test(test_ipv6_no_next_header_has_no_l4),
		cmocka_unit_test(test_tcp_data_offset_under_20_is_malformed),
		cmocka_unit_test(test_icmp_admin_prohibited_quotes_our_syn),
		cmocka_unit_test(test_icmp_port_unreachable_summaries),
		cmocka_unit_test(test_icmp_quote_without_ports_is_a_partial_result),
		cmocka_unit_test(test_icmp_quote_of_a_quoted_ipv6_with_ext_headers),
		cmocka_unit_test(test_echo_request_and_reply_carry_id_and_seq),
		cmocka_unit_test(test_icmp_mtu_is_read),
		cmocka_unit_test(test_icmp_names_for_common_codes),
		cmocka_unit_test(test_tcp_flag_names_and_summary_of_udp),
		cmocka_unit_test(test_summary_into_small_buffers_is_cut_and_terminated),
		cmocka_unit_test(test_every_truncation_is_an_error_or_consistent),
		cmocka_unit_test(test_random_bytes_never_crash_the_decoder),
		cmocka_unit_test(test_address_helpers),
		cmocka_unit_test(test_arp_who_has_and_reply_are_decoded),
		cmocka_unit_test(test_arp_cut_short_or_not_for_ipv4_is_refused),
		cmocka_unit_test(test_ndp_solicitation_and_advertisement_name_their_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

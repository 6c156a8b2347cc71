/* SPDX-License-Identifier: MIT */
/* capture_filter_build() judged by libpcap itself: the filter text is
 * compiled (pcap_open_dead, raw IP) and run on packets built here with
 * pcap_offline_filter, the same code the kernel runs. Packets with IPv6
 * extension headers before TCP/ICMPv6 must pass, and reach the decoder;
 * unrelated traffic must stay out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <pcap/pcap.h>

#include "capture/capture.h"
#include "capture/classify.h"
#include "../fixtures/pcap/pktbuild.h"

#define OTHER6 "2001:db8::77"

struct filt {
	pcap_t *dead;
	struct bpf_program prog;
	char text[CAPTURE_FILTER_MAX];
};

static void filt_init_dlt(struct filt *f, const char *const *addrs, size_t n, int dlt)
{
	struct pkt_addr a[4];

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pkt_addr_parse(&a[i], addrs[i]), 0);
	assert_int_equal(capture_filter_build(a, n, PB_PORT, f->text, sizeof(f->text)), 0);
	f->dead = pcap_open_dead(dlt, 65535);
	assert_non_null(f->dead);
	if (pcap_compile(f->dead, &f->prog, f->text, 1, PCAP_NETMASK_UNKNOWN) != 0)
		fail_msg("filter did not compile: %s: %s", pcap_geterr(f->dead), f->text);
}

static void filt_init(struct filt *f, const char *const *addrs, size_t n)
{
	filt_init_dlt(f, addrs, n, DLT_RAW);
}

static void filt_release(struct filt *f)
{
	pcap_freecode(&f->prog);
	pcap_close(f->dead);
}

static bool passes(struct filt *f, const uint8_t *pkt, size_t len)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)len;
	return pcap_offline_filter(&f->prog, &h, pkt) != 0;
}

#define expect_pass(f, pkt, len, what) do { \
	if (!passes((f), (pkt), (len))) fail_msg("expected the filter to let in %s", (what)); \
} while (0)
#define expect_block(f, pkt, len, what) do { \
	if (passes((f), (pkt), (len))) fail_msg("expected the filter to keep out %s", (what)); \
} while (0)

/* The target's RST,ACK from port 22 to our SYN's port. */
static size_t rst6(uint8_t *b, const char *src)
{
	struct pb_tcp t = {.src = src, .dst = PB_CLIENT6, .sport = PB_PORT, .dport = PB_SPORT,
			   .flags = PKT_TCP_RST | PKT_TCP_ACK, .ttl = 64, .ack = 1001};
	return pb_ip_tcp(b, &t);
}

static void target6_rst_after_each_extension_header_passes_and_decodes(void **state)
{
	static const char *const tgt[] = {PB_TARGET6};
	static const struct { uint8_t type; size_t len; const char *name; } ext[] = {
		{0, 8, "hop-by-hop"}, {43, 24, "routing"}, {44, 8, "fragment"},
		{60, 16, "destination options"}, {51, 16, "AH"},
	};
	struct filt f;

	filt_init(&f, tgt, 1);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		uint8_t b[PB_MAX];
		size_t n = pb_ip6_push_ext(b, rst6(b, PB_TARGET6), ext[i].type, ext[i].len, 0);
		struct pkt_addr a;
		struct classify *c;
		const struct classify_packet *p;

		if (!passes(&f, b, n))
			fail_msg("expected a RST after a %s header to pass the filter", ext[i].name);
		/* and the decoder finds the RST behind it */
		assert_int_equal(pkt_addr_parse(&a, PB_TARGET6), 0);
		c = classify_new(&a, 1, PB_PORT);
		assert_non_null(c);
		assert_int_equal(classify_feed_raw(c, 1000, PKT_DLT_RAW, b, n), 1);
		assert_true(c->npackets == 1);
		p = &c->packets[0];
		if (strstr(p->line, "RST") == NULL)
			fail_msg("expected the decoder to read a RST behind the %s header, got \"%s\"",
				 ext[i].name, p->line);
		classify_free(c);
	}
	filt_release(&f);
}

static void a_chain_of_two_extension_headers_passes(void **state)
{
	static const char *const tgt[] = {PB_TARGET6};
	struct filt f;
	uint8_t b[PB_MAX];
	size_t n;

	filt_init(&f, tgt, 1);
	n = rst6(b, PB_TARGET6);
	n = pb_ip6_push_ext(b, n, 60, 8, 0);
	n = pb_ip6_push_ext(b, n, 0, 8, 0);
	expect_pass(&f, b, n, "a RST behind hop-by-hop and destination options");
	filt_release(&f);
}

static void a_router_icmp6_error_behind_an_extension_header_passes(void **state)
{
	static const char *const tgt[] = {PB_TARGET6};
	struct filt f;
	uint8_t b[PB_MAX], syn[PB_MAX];
	struct pb_tcp t = {.src = PB_CLIENT6, .dst = PB_TARGET6, .sport = PB_SPORT, .dport = PB_PORT,
			   .flags = PKT_TCP_SYN, .ttl = 64, .seq = 1000};
	size_t sn = pb_ip_tcp(syn, &t), n;

	filt_init(&f, tgt, 1);
	/* ICMPv6 1/1 (administratively prohibited... or no route) quoting our SYN */
	n = pb_ip_icmp(b, PB_ROUTER6, PB_CLIENT6, 64, 1, 1, 0, syn, sn);
	expect_pass(&f, b, n, "a router's ICMPv6 error");
	n = pb_ip6_push_ext(b, n, 60, 8, 0);
	expect_pass(&f, b, n, "a router's ICMPv6 error behind destination options");
	filt_release(&f);
}

static void unrelated_traffic_stays_out(void **state)
{
	static const char *const tgt[] = {PB_TARGET6, PB_TARGET4};
	struct filt f;
	uint8_t b[PB_MAX];
	size_t n;
	struct pb_tcp web = {.src = OTHER6, .dst = PB_CLIENT6, .sport = 80, .dport = 50000,
			     .flags = PKT_TCP_ACK | PKT_TCP_PSH, .ttl = 64};
	struct pb_tcp web4 = {.src = "192.0.2.77", .dst = PB_CLIENT4, .sport = 80, .dport = 50000,
			      .flags = PKT_TCP_ACK | PKT_TCP_PSH, .ttl = 64};
	struct pb_tcp data = {.src = PB_TARGET6, .dst = PB_CLIENT6, .sport = 8080, .dport = 50000,
			      .flags = PKT_TCP_ACK, .ttl = 64};

	filt_init(&f, tgt, 2);
	n = pb_ip_tcp(b, &web);
	expect_block(&f, b, n, "another host's TCP");
	n = pb_ip6_push_ext(b, n, 60, 8, 0);
	expect_block(&f, b, n, "another host's TCP behind destination options");
	n = pb_ip6_push_ext(b, pb_ip_tcp(b, &web), 44, 8, 0);
	expect_block(&f, b, n, "another host's TCP fragment");
	n = pb_ip_tcp(b, &web4);
	expect_block(&f, b, n, "another host's IPv4 TCP");
	n = pb_ip_tcp(b, &data);
	expect_block(&f, b, n, "the target's data on another port (no SYN, no RST)");
	/* an MLD report: ICMPv6 143 to ff02::16 behind hop-by-hop */
	n = pb_ip_icmp(b, PB_CLIENT6, "ff02::16", 1, 143, 0, 0, NULL, 0);
	n = pb_ip6_push_ext(b, n, 0, 8, 0);
	expect_block(&f, b, n, "an MLD report behind hop-by-hop");
	n = pb_ip_echo(b, OTHER6, PB_CLIENT6, 64, true, 7, 1);
	expect_block(&f, b, n, "another host's echo reply");
	filt_release(&f);
}

/* An ICMP error from a router, quoting a UDP or TCP packet we sent to dst. */
static size_t icmp_error_about(uint8_t *b, const char *router, const char *us, const char *dst,
			       uint8_t type, uint8_t code)
{
	uint8_t q[PB_MAX];
	struct pb_tcp t = {.src = us, .dst = dst, .sport = PB_SPORT, .dport = PB_PORT,
			   .flags = PKT_TCP_SYN, .ttl = 63, .seq = 1000};
	size_t qn = pb_ip_tcp(q, &t);

	return pb_ip_icmp(b, router, us, 64, type, code, 0, q, qn);
}

static void icmp_errors_pass_only_when_they_quote_a_packet_to_the_target(void **state)
{
	static const char *const tgt[] = {PB_TARGET4, PB_TARGET6};
	struct filt f;
	uint8_t b[PB_MAX];
	size_t n;

	filt_init(&f, tgt, 2);
	n = icmp_error_about(b, PB_ROUTER4, PB_CLIENT4, PB_TARGET4, 3, 1);
	expect_pass(&f, b, n, "a router's host unreachable about our SYN to the target");
	n = icmp_error_about(b, PB_TARGET4, PB_CLIENT4, PB_TARGET4, 3, 3);
	expect_pass(&f, b, n, "the target's own port unreachable");
	n = icmp_error_about(b, PB_ROUTER4, PB_CLIENT4, PB_TARGET4, 11, 0);
	expect_pass(&f, b, n, "time exceeded about our SYN");
	n = icmp_error_about(b, "192.0.2.3", PB_CLIENT4, "192.0.2.3", 3, 3);
	expect_block(&f, b, n, "a port unreachable earned by traffic to another host");
	n = icmp_error_about(b, PB_ROUTER6, PB_CLIENT6, PB_TARGET6, 1, 1);
	expect_pass(&f, b, n, "an ICMPv6 error about our SYN to the target");
	n = icmp_error_about(b, PB_ROUTER6, PB_CLIENT6, "2001:db8::131", 1, 1);
	expect_block(&f, b, n, "an ICMPv6 error about a packet to a neighbour of the target");
	n = icmp_error_about(b, PB_ROUTER6, PB_CLIENT6, "2001:db8:1::130", 1, 4);
	expect_block(&f, b, n, "an ICMPv6 error about an address that differs in its second word");
	filt_release(&f);
}

static void the_links_questions_about_the_target_pass(void **state)
{
	static const char *const tgt[] = {PB_TARGET4, PB_TARGET6};
	struct filt f;
	uint8_t b[PB_MAX];
	size_t n;

	filt_init_dlt(&f, tgt, 2, DLT_EN10MB);
	n = pb_arp(b, 1, PB_CLIENT4, PB_TARGET4);
	expect_pass(&f, b, n, "ARP who-has the target");
	n = pb_arp(b, 2, PB_TARGET4, PB_CLIENT4);
	expect_pass(&f, b, n, "the target's ARP reply");
	n = pb_arp(b, 1, PB_CLIENT4, "192.0.2.77");
	expect_block(&f, b, n, "ARP who-has another address");
	filt_release(&f);

	filt_init(&f, tgt, 2);
	n = pb_ip6_nd(b, 135, PB_CLIENT6, "ff02::1:ff00:130", PB_TARGET6);
	expect_pass(&f, b, n, "a neighbour solicitation for the target");
	n = pb_ip6_nd(b, 136, PB_TARGET6, PB_CLIENT6, PB_TARGET6);
	expect_pass(&f, b, n, "the target's neighbour advertisement");
	n = pb_ip6_nd(b, 135, PB_CLIENT6, "ff02::1:ff00:77", OTHER6);
	expect_block(&f, b, n, "a neighbour solicitation for another address");
	filt_release(&f);
}

static void plain_answers_still_pass(void **state)
{
	static const char *const tgt[] = {PB_TARGET6};
	struct filt f;
	uint8_t b[PB_MAX];
	size_t n;

	filt_init(&f, tgt, 1);
	n = rst6(b, PB_TARGET6);
	expect_pass(&f, b, n, "the target's RST without extension headers");
	n = pb_ip_echo(b, PB_TARGET6, PB_CLIENT6, 64, true, 7, 1);
	expect_pass(&f, b, n, "the target's echo reply");
	filt_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target6_rst_after_each_extension_header_passes_and_decodes),
		cmocka_unit_test(a_chain_of_two_extension_headers_passes),
		cmocka_unit_test(a_router_icmp6_error_behind_an_extension_header_passes),
		cmocka_unit_test(unrelated_traffic_stays_out),
		cmocka_unit_test(icmp_errors_pass_only_when_they_quote_a_packet_to_the_target),
		cmocka_unit_test(the_links_questions_about_the_target_pass),
		cmocka_unit_test(plain_answers_still_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

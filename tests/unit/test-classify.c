/* SPDX-License-Identifier: MIT */
/* capture/classify.c: outcomes of SYN attempts, ICMP matching by the quoted
 * packet, the TTL (middlebox) and TOS (reject rule) rules, the packet list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "capture/classify.h"
#include "../fixtures/pcap/pktbuild.h"

static struct classify *target_new(int family)
{
	struct pkt_addr a;

	assert_int_equal(pkt_addr_parse(&a, family == AF_INET6 ? PB_TARGET6 : PB_TARGET4), 0);
	return classify_new(&a, 1, PB_PORT);
}

/* Builds a scenario and feeds all its frames. */
static struct classify *run_scenario(enum pb_scenario s, int dlt, int family)
{
	struct pb_frame f[PB_MAX_FRAMES];
	size_t n = pb_scenario_build(s, dlt, 0, family, f, PB_MAX_FRAMES);
	struct classify *c = target_new(family);

	assert_non_null(c);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(classify_feed_raw(c, f[i].ts_us, dlt, f[i].data, f[i].len), 1);
	return c;
}

static void feed_tcp(struct classify *c, uint64_t ts, const struct pb_tcp *t)
{
	uint8_t ip[PB_MAX];
	size_t n = pb_ip_tcp(ip, t);

	classify_feed_raw(c, ts, PKT_DLT_RAW, ip, n);
}

static void test_outcome_ids_are_the_report_strings(void **state)
{
	assert_string_equal(classify_outcome_id(CLASSIFY_SYNACK), "synack");
	assert_string_equal(classify_outcome_id(CLASSIFY_RST), "rst");
	assert_string_equal(classify_outcome_id(CLASSIFY_ICMP), "icmp");
	assert_string_equal(classify_outcome_id(CLASSIFY_SILENCE), "silence");
	assert_string_equal(classify_outcome_id(CLASSIFY_NONE), "none");
	assert_string_equal(classify_dir_id(CLASSIFY_OUT), "out");
	assert_string_equal(classify_dir_id(CLASSIFY_IN), "in");
	assert_string_equal(rst_origin_id(RST_ORIGIN_PATH), "path");
	assert_string_equal(rst_origin_id(RST_ORIGIN_RULE), "rule");
	assert_string_equal(rst_origin_id(RST_ORIGIN_HOST), "host");
	assert_string_equal(rst_origin_id(RST_ORIGIN_UNKNOWN), "unknown");
}

static void test_each_scenario_gives_its_outcome_on_every_link_type(void **state)
{
	static const struct {
		enum pb_scenario s;
		enum classify_outcome want;
	} cases[] = {
		{ PB_SCN_SYNACK, CLASSIFY_SYNACK }, { PB_SCN_RST, CLASSIFY_RST },
		{ PB_SCN_ICMP, CLASSIFY_ICMP }, { PB_SCN_PORT_UNREACH, CLASSIFY_ICMP },
		{ PB_SCN_SILENCE, CLASSIFY_SILENCE }, { PB_SCN_MIDDLEBOX_RST, CLASSIFY_RST },
		{ PB_SCN_RULE_RST, CLASSIFY_RST }, { PB_SCN_PATH_CLEARS, CLASSIFY_RST },
	};

	for (size_t d = 0; d < PB_FUZZ_NDLTS; d++) {
		for (int fam = 0; fam < 2; fam++) {
			int family = fam ? AF_INET6 : AF_INET;

			/* DLT_IPV4 / DLT_IPV6 carry one family only */
			if ((pb_fuzz_dlts[d] == PKT_DLT_IPV4 && fam) ||
			    (pb_fuzz_dlts[d] == PKT_DLT_IPV6 && !fam))
				continue;
			for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
				struct classify *c = run_scenario(cases[i].s, pb_fuzz_dlts[d], family);

				if (classify_result(c) != cases[i].want)
					fail_msg("%s on dlt %d family %d: expected %s, got %s",
						 pb_scenario_name(cases[i].s), pb_fuzz_dlts[d], family,
						 classify_outcome_id(cases[i].want),
						 classify_outcome_id(classify_result(c)));
				classify_free(c);
			}
		}
	}
}

static void test_nothing_seen_is_none(void **state)
{
	struct classify *c = target_new(AF_INET);

	assert_int_equal(classify_result(c), CLASSIFY_NONE);
	assert_null(classify_best(c));
	classify_free(c);
	classify_free(NULL);
}

static void test_silence_counts_retransmissions(void **state)
{
	struct classify *c = run_scenario(PB_SCN_SILENCE, PKT_DLT_EN10MB, AF_INET);
	const struct classify_attempt *a = classify_best(c);

	assert_non_null(a);
	assert_int_equal(a->syns, 3);
	assert_int_equal(a->syn_tos, PB_TOS);
	assert_int_equal(a->last_syn_us - a->first_syn_us, 3000000);
	assert_int_equal(a->sport, PB_SPORT);
	classify_free(c);
}

static void test_synack_records_time_and_ttl(void **state)
{
	struct classify *c = run_scenario(PB_SCN_SYNACK, PKT_DLT_LINUX_SLL2, AF_INET6);
	const struct classify_attempt *a = classify_best(c);
	const struct classify_host *h = classify_host_get(c, &a->dst);

	assert_true(a->synack);
	assert_int_equal(a->synack_us - a->first_syn_us, 812);
	assert_int_equal(a->synack_ttl, 61);
	assert_non_null(h);
	assert_true(h->synack);
	assert_int_equal(h->synack_port, PB_PORT);
	classify_free(c);
}

static void test_rst_records_ttl_and_tos(void **state)
{
	struct classify *c = run_scenario(PB_SCN_RST, PKT_DLT_EN10MB, AF_INET);
	const struct classify_attempt *a = classify_best(c);

	assert_true(a->rst);
	assert_int_equal(a->rst_ttl, 61);
	assert_int_equal(a->rst_tos, PB_TOS);
	assert_int_equal(a->rst_us - a->first_syn_us, 640);
	classify_free(c);
}

static void test_router_icmp_is_matched_by_the_quoted_syn(void **state)
{
	struct classify *c = run_scenario(PB_SCN_ICMP, PKT_DLT_EN10MB, AF_INET);
	const struct classify_attempt *a = classify_best(c);
	char from[64];

	assert_true(a->icmp);
	assert_int_equal(a->icmp_type, 3);
	assert_int_equal(a->icmp_code, 13);
	assert_int_equal(a->icmp_ttl, 254);
	assert_false(a->icmp_v6);
	pkt_addr_format(&a->icmp_from, from, sizeof(from));
	assert_string_equal(from, PB_ROUTER4);
	/* the second SYN went unanswered: rate limiting, still icmp */
	assert_int_equal(a->syns, 2);
	assert_int_equal(a->icmp_count, 1);
	classify_free(c);
}

static void test_icmp6_admin_prohibited_is_matched(void **state)
{
	struct classify *c = run_scenario(PB_SCN_ICMP, PKT_DLT_RAW, AF_INET6);
	const struct classify_attempt *a = classify_best(c);

	assert_int_equal(classify_result(c), CLASSIFY_ICMP);
	assert_true(a->icmp_v6);
	assert_int_equal(a->icmp_type, 1);
	assert_int_equal(a->icmp_code, 1);
	classify_free(c);
}

static void test_one_answered_attempt_among_silent_ones_is_enough(void **state)
{
	struct classify *c = target_new(AF_INET);
	uint8_t syn[PB_MAX], ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, 0, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	unsigned attempts, answered;
	size_t n;

	for (int i = 0; i < 3; i++) {
		t.sport = (uint16_t)(50000 + i);
		feed_tcp(c, 1000 + (uint64_t)i * 10, &t);
		feed_tcp(c, 1001000 + (uint64_t)i * 10, &t);
	}
	/* only the middle attempt's first SYN got its ICMP error */
	t.sport = 50001;
	n = pb_ip_tcp(syn, &t);
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 13, 0, syn, 28);
	assert_int_equal(classify_feed_raw(c, 2000, PKT_DLT_RAW, ip, n), 1);
	assert_int_equal(classify_result(c), CLASSIFY_ICMP);
	assert_int_equal(classify_best(c)->sport, 50001);
	classify_count(c, &attempts, &answered);
	assert_int_equal(attempts, 3);
	assert_int_equal(answered, 1);
	classify_free(c);
}

static void test_icmp_about_another_connection_is_ignored(void **state)
{
	struct classify *c = target_new(AF_INET);
	uint8_t syn[PB_MAX], ip[PB_MAX];
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n;

	feed_tcp(c, 1000, &t);
	t.sport = 12345;	/* not our attempt */
	n = pb_ip_tcp(syn, &t);
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 13, 0, syn, 28);
	classify_feed_raw(c, 2000, PKT_DLT_RAW, ip, n);
	assert_int_equal(classify_result(c), CLASSIFY_SILENCE);
	/* and one about another host altogether is not even kept */
	t.dst = "198.51.100.7";
	n = pb_ip_tcp(syn, &t);
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 13, 0, syn, 28);
	assert_int_equal(classify_feed_raw(c, 3000, PKT_DLT_RAW, ip, n), 0);
	assert_int_equal(c->ignored, 1);
	assert_int_equal(classify_result(c), CLASSIFY_SILENCE);
	classify_free(c);
}

static void test_answers_on_other_ports_do_not_decide_the_target_port(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, 41000, 2222, PKT_TCP_SYN, 0, 64, 1, 0 };
	struct pb_tcp r = { PB_TARGET4, PB_CLIENT4, 2222, 41000, PKT_TCP_SYN | PKT_TCP_ACK, 0, 57, 9, 2 };

	feed_tcp(c, 1000, &t);
	feed_tcp(c, 1500, &r);
	assert_int_equal(classify_result(c), CLASSIFY_NONE);
	t.sport = PB_SPORT;
	t.dport = PB_PORT;
	feed_tcp(c, 2000, &t);
	assert_int_equal(classify_result(c), CLASSIFY_SILENCE);
	assert_int_equal(classify_host_get(c, &c->addrs[0])->synack_ttl, 57);
	assert_int_equal(classify_host_get(c, &c->addrs[0])->synack_port, 2222);
	classify_free(c);
}

static void test_synack_beats_a_later_rst(void **state)
{
	struct classify *c = run_scenario(PB_SCN_SYNACK, PKT_DLT_RAW, AF_INET);
	struct pb_tcp r = { PB_TARGET4, PB_CLIENT4, PB_PORT, PB_SPORT, PKT_TCP_RST, 0, 61, 9, 0 };

	feed_tcp(c, 9000000, &r);
	assert_true(classify_best(c)->rst);
	assert_int_equal(classify_result(c), CLASSIFY_SYNACK);
	classify_free(c);
}

static void test_loopback_target_is_told_apart_by_ports(void **state)
{
	struct pkt_addr lo;
	struct classify *c;
	struct pb_tcp syn = { "127.0.0.1", "127.0.0.1", 40000, 22, PKT_TCP_SYN, 0, 64, 1, 0 };
	struct pb_tcp rst = { "127.0.0.1", "127.0.0.1", 22, 40000, PKT_TCP_RST | PKT_TCP_ACK, 0, 64, 0, 2 };

	pkt_addr_parse(&lo, "127.0.0.1");
	c = classify_new(&lo, 1, 22);
	feed_tcp(c, 100, &syn);
	feed_tcp(c, 150, &rst);
	assert_int_equal(classify_result(c), CLASSIFY_RST);
	assert_int_equal(c->npackets, 2);
	assert_int_equal(c->packets[0].dir, CLASSIFY_OUT);
	assert_int_equal(c->packets[1].dir, CLASSIFY_IN);
	assert_string_equal(c->packets[1].line, "RST,ACK 127.0.0.1:22 > 127.0.0.1:40000");
	assert_int_equal(classify_packet_offset(c, &c->packets[1]), 50);
	classify_free(c);
}

static void test_initial_ttl_and_hops(void **state)
{
	assert_int_equal(classify_initial_ttl(1), 32);
	assert_int_equal(classify_initial_ttl(32), 32);
	assert_int_equal(classify_initial_ttl(33), 64);
	assert_int_equal(classify_initial_ttl(64), 64);
	assert_int_equal(classify_initial_ttl(65), 128);
	assert_int_equal(classify_initial_ttl(128), 128);
	assert_int_equal(classify_initial_ttl(129), 255);
	assert_int_equal(classify_initial_ttl(255), 255);
	assert_int_equal(classify_hops(52), 12);
	assert_int_equal(classify_hops(250), 5);
	assert_int_equal(classify_hops(64), 0);
	/* a RST at 2 hops against replies at 12 */
	assert_int_equal(classify_rst_hop_gap(62, 52), 10);
	/* different initial TTLs, same distance */
	assert_int_equal(classify_rst_hop_gap(250, 123), 0);
	assert_int_equal(classify_rst_hop_gap(52, 62), -10);
}

static void test_middlebox_rst_is_from_the_path(void **state)
{
	struct classify *c = run_scenario(PB_SCN_MIDDLEBOX_RST, PKT_DLT_EN10MB, AF_INET);
	const struct classify_attempt *a = classify_best(c);
	const struct classify_host *h = classify_host_get(c, &a->dst);
	char why[256];

	assert_true(h->echo);
	assert_int_equal(h->echo_ttl, 52);
	assert_int_equal(classify_rst_origin(c, a, why, sizeof(why)), RST_ORIGIN_PATH);
	assert_non_null(strstr(why, "10 hops nearer"));
	classify_free(c);
}

static void test_rst_without_tos_echo_next_to_echoing_ones_is_a_rule(void **state)
{
	struct classify *c = run_scenario(PB_SCN_RULE_RST, PKT_DLT_LINUX_SLL, AF_INET);
	const struct classify_attempt *a = classify_best(c);
	const struct classify_host *h = classify_host_get(c, &a->dst);
	char why[256];

	assert_true(h->other_rst);
	assert_true(h->other_rst_syn_known);
	assert_int_equal(h->other_rst_port, PB_OTHER_PORT);
	assert_int_equal(h->other_rst_tos, PB_TOS);
	assert_int_equal(classify_rst_origin(c, a, why, sizeof(why)), RST_ORIGIN_RULE);
	assert_non_null(strstr(why, "reject rule"));
	classify_free(c);
}

static void test_rst_echoing_our_tos_is_the_host(void **state)
{
	struct classify *c = run_scenario(PB_SCN_RST, PKT_DLT_EN10MB, AF_INET6);
	char why[256];

	assert_int_equal(classify_rst_origin(c, classify_best(c), why, sizeof(why)), RST_ORIGIN_HOST);
	assert_non_null(strstr(why, "echoes"));
	classify_free(c);
}

static void test_path_that_clears_tos_cannot_tell(void **state)
{
	struct classify *c = run_scenario(PB_SCN_PATH_CLEARS, PKT_DLT_RAW, AF_INET);
	char why[256];

	assert_int_equal(classify_rst_origin(c, classify_best(c), why, sizeof(why)),
			 RST_ORIGIN_UNKNOWN);
	assert_non_null(strstr(why, "cannot be told apart"));
	classify_free(c);
}

static void test_rst_origin_decisions_from_facts(void **state)
{
	static const struct {
		struct rst_facts f;
		enum rst_origin want;
		const char *reason;
	} cases[] = {
		/* fewer hops than the host's replies */
		{ { 0x48, 0x48, 63, true, 55, false, 0, 0 }, RST_ORIGIN_PATH, "8 hops nearer" },
		{ { 0x48, 0x48, 63, true, 62, false, 0, 0 }, RST_ORIGIN_PATH, "1 hop nearer" },
		/* same distance, the TOS decides */
		{ { 0x48, 0x48, 55, true, 55, false, 0, 0 }, RST_ORIGIN_HOST, "echoes" },
		{ { 0x48, 0x4a, 55, false, 0, false, 0, 0 }, RST_ORIGIN_HOST, "echoes" },	/* ECN bits differ */
		{ { 0x00, 0x00, 55, false, 0, false, 0, 0 }, RST_ORIGIN_UNKNOWN, "TOS 0" },
		{ { 0x48, 0x00, 55, false, 0, false, 0, 0 }, RST_ORIGIN_UNKNOWN, "no reset from the same host" },
		{ { 0x48, 0x00, 55, false, 0, true, 0x48, 0x48 }, RST_ORIGIN_RULE, "reject rule" },
		{ { 0x48, 0x00, 55, false, 0, true, 0x48, 0x00 }, RST_ORIGIN_UNKNOWN, "cannot be told apart" },
		{ { 0x48, 0x00, 55, false, 0, true, 0x00, 0x00 }, RST_ORIGIN_UNKNOWN, "SYN with TOS 0" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char why[256];
		enum rst_origin o = rst_origin_decide(&cases[i].f, why, sizeof(why));

		if (o != cases[i].want)
			fail_msg("case %zu: expected %s, got %s (%s)", i, rst_origin_id(cases[i].want),
				 rst_origin_id(o), why);
		if (strstr(why, cases[i].reason) == NULL)
			fail_msg("case %zu: reason '%s' lacks '%s'", i, why, cases[i].reason);
	}
	/* no reason buffer is fine */
	assert_int_equal(rst_origin_decide(&cases[0].f, NULL, 0), RST_ORIGIN_PATH);
}

static void test_rst_origin_of_an_attempt_without_rst_is_unknown(void **state)
{
	struct classify *c = run_scenario(PB_SCN_SILENCE, PKT_DLT_RAW, AF_INET);
	char why[64];

	assert_int_equal(classify_rst_origin(c, classify_best(c), why, sizeof(why)),
			 RST_ORIGIN_UNKNOWN);
	assert_string_equal(why, "no reset came back");
	classify_free(c);
}

static void test_packet_list_has_offsets_directions_and_lines(void **state)
{
	struct classify *c = run_scenario(PB_SCN_MIDDLEBOX_RST, PKT_DLT_EN10MB, AF_INET);

	assert_int_equal(c->npackets, 4);
	assert_int_equal(c->packets[0].dir, CLASSIFY_OUT);
	assert_string_equal(c->packets[0].line, "ICMP echo request to 192.0.2.130 seq 1");
	assert_int_equal(classify_packet_offset(c, &c->packets[0]), -20000);
	assert_int_equal(c->packets[1].dir, CLASSIFY_IN);
	assert_string_equal(c->packets[1].line, "ICMP echo reply from 192.0.2.130 seq 1");
	assert_string_equal(c->packets[2].line, "SYN 192.0.2.10:40312 > 192.0.2.130:22");
	assert_int_equal(classify_packet_offset(c, &c->packets[2]), 0);
	assert_string_equal(c->packets[3].line, "RST,ACK 192.0.2.130:22 > 192.0.2.10:40312");
	assert_int_equal(classify_packet_offset(c, &c->packets[3]), 300);
	classify_free(c);
}

static void test_longest_ipv6_icmp_line_fits(void **state)
{
	struct pkt_addr a;
	struct classify *c;
	uint8_t syn[PB_MAX], ip[PB_MAX];
	const char *far = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff";
	struct pb_tcp t = { "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1111", far, 65535, 65535,
			    PKT_TCP_SYN, 0, 64, 1, 0 };
	size_t n = pb_ip_tcp(syn, &t);

	pkt_addr_parse(&a, far);
	c = classify_new(&a, 1, 65535);
	classify_feed_raw(c, 1, PKT_DLT_RAW, syn, n);
	n = pb_ip_icmp(ip, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:2222", t.src, 60, 1, 5, 0, syn, n);
	assert_int_equal(classify_feed_raw(c, 2, PKT_DLT_RAW, ip, n), 1);
	assert_string_equal(c->packets[1].line,
			    "ICMP6 1/5 source address failed policy from 2001:db8:aaaa:bbbb:cccc:dddd:eeee:2222 "
			    "(about [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1111]:65535 > "
			    "[2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:65535)");
	classify_free(c);
}

static void test_packet_list_is_bounded_and_counts_drops(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };

	for (int i = 0; i < CLASSIFY_MAX_PACKETS + 44; i++)
		feed_tcp(c, (uint64_t)i * 1000, &t);
	assert_int_equal(c->npackets, CLASSIFY_MAX_PACKETS);
	assert_int_equal(c->packets_dropped, 44);
	assert_int_equal(classify_best(c)->syns, CLASSIFY_MAX_PACKETS + 44);
	classify_free(c);
}

static void test_attempts_are_bounded_and_counts_drops(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp t = { PB_CLIENT4, PB_TARGET4, 0, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };

	for (int i = 0; i < CLASSIFY_MAX_ATTEMPTS + 6; i++) {
		t.sport = (uint16_t)(30000 + i);
		feed_tcp(c, (uint64_t)i, &t);
	}
	assert_int_equal(c->nattempts, CLASSIFY_MAX_ATTEMPTS);
	assert_int_equal(c->attempts_dropped, 6);
	classify_free(c);
}

static void test_undecodable_and_unrelated_packets_are_counted(void **state)
{
	struct classify *c = target_new(AF_INET);
	static const uint8_t junk[] = { 0x45, 0, 0 };
	struct pb_tcp t = { PB_CLIENT4, "198.51.100.7", PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };

	assert_int_equal(classify_feed_raw(c, 1, PKT_DLT_RAW, junk, sizeof(junk)), 0);
	assert_int_equal(c->undecodable, 1);
	feed_tcp(c, 2, &t);
	assert_int_equal(c->ignored, 1);
	assert_int_equal(c->npackets, 0);
	assert_int_equal(classify_feed(c, 3, NULL), 0);
	classify_free(c);
}

static void test_classifier_keeps_at_most_max_addresses(void **state)
{
	struct pkt_addr a[CLASSIFY_MAX_ADDRS + 3];
	struct classify *c;

	memset(a, 0, sizeof(a));
	for (size_t i = 0; i < sizeof(a) / sizeof(*a); i++) {
		char s[32];

		snprintf(s, sizeof(s), "192.0.2.%zu", 100 + i);
		pkt_addr_parse(&a[i], s);
	}
	a[0].family = 0;	/* skipped */
	c = classify_new(a, sizeof(a) / sizeof(*a), 22);
	assert_int_equal(c->naddrs, CLASSIFY_MAX_ADDRS);
	assert_null(classify_host_get(c, &a[0]));
	assert_non_null(classify_host_get(c, &a[1]));
	classify_free(c);
}

static void test_unanswered_arp_for_the_target_is_counted(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pkt_addr t;
	const struct classify_host *h;
	uint8_t f[64];
	size_t n;

	pkt_addr_parse(&t, PB_TARGET4);
	n = pb_arp(f, PKT_ARP_REQUEST, PB_CLIENT4, PB_TARGET4);
	assert_int_equal(classify_feed_raw(c, 1000, PKT_DLT_EN10MB, f, n), 1);
	assert_int_equal(classify_feed_raw(c, 1001000, PKT_DLT_EN10MB, f, n), 1);
	/* ARP about other addresses is not ours */
	n = pb_arp(f, PKT_ARP_REQUEST, PB_CLIENT4, "192.0.2.77");
	assert_int_equal(classify_feed_raw(c, 1002000, PKT_DLT_EN10MB, f, n), 0);
	h = classify_host_get(c, &t);
	assert_non_null(h);
	assert_int_equal(h->neigh_asked, 2);
	assert_false(h->neigh_answered);
	assert_int_equal(c->npackets, 2);
	assert_int_equal(c->packets[0].dir, CLASSIFY_OUT);
	assert_string_equal(c->packets[0].line, "ARP who-has 192.0.2.130 tell 192.0.2.10");
	/* no SYN: the outcome stays none, times count from the first packet */
	assert_int_equal(classify_result(c), CLASSIFY_NONE);
	assert_int_equal(classify_packet_offset(c, &c->packets[1]), 1000000);
	n = pb_arp(f, PKT_ARP_REPLY, PB_TARGET4, PB_CLIENT4);
	assert_int_equal(classify_feed_raw(c, 1003000, PKT_DLT_EN10MB, f, n), 1);
	assert_true(classify_host_get(c, &t)->neigh_answered);
	assert_int_equal(c->packets[2].dir, CLASSIFY_IN);
	classify_free(c);
}

static void test_ndp_for_the_target_is_counted(void **state)
{
	struct classify *c = target_new(AF_INET6);
	struct pkt_addr t;
	uint8_t ip[PB_MAX];
	size_t n;

	pkt_addr_parse(&t, PB_TARGET6);
	n = pb_ip6_nd(ip, PKT_ICMP6_NS, PB_CLIENT6, "ff02::1:ff00:130", PB_TARGET6);
	assert_int_equal(classify_feed_raw(c, 1000, PKT_DLT_RAW, ip, n), 1);
	assert_int_equal(classify_host_get(c, &t)->neigh_asked, 1);
	assert_false(classify_host_get(c, &t)->neigh_answered);
	n = pb_ip6_nd(ip, PKT_ICMP6_NS, PB_CLIENT6, "ff02::1:ff00:77", "2001:db8::77");
	assert_int_equal(classify_feed_raw(c, 2000, PKT_DLT_RAW, ip, n), 0);
	n = pb_ip6_nd(ip, PKT_ICMP6_NA, PB_TARGET6, PB_CLIENT6, PB_TARGET6);
	assert_int_equal(classify_feed_raw(c, 3000, PKT_DLT_RAW, ip, n), 1);
	assert_true(classify_host_get(c, &t)->neigh_answered);
	classify_free(c);
}

/* Two runs against one address: each keeps only its own source ports. */
static void test_own_only_keeps_out_another_runs_connection(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp mine = { PB_CLIENT4, PB_TARGET4, 40001, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	struct pb_tcp theirs = { PB_CLIENT4, PB_TARGET4, 40002, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	struct pb_tcp their_rst = { PB_TARGET4, PB_CLIENT4, PB_PORT, 40002, PKT_TCP_RST | PKT_TCP_ACK, PB_TOS, 61, 0, 2 };
	struct pb_tcp my_rst = { PB_TARGET4, PB_CLIENT4, PB_PORT, 40001, PKT_TCP_RST | PKT_TCP_ACK, PB_TOS, 61, 0, 2 };
	uint8_t syn[PB_MAX], ip[PB_MAX];
	size_t n;

	(void)state;
	classify_own_only(c);
	assert_int_equal(classify_own_port(c, 40001, PB_PORT), 0);
	feed_tcp(c, 1000, &mine);
	feed_tcp(c, 1100, &theirs);
	feed_tcp(c, 1200, &their_rst);
	/* a router's error about their SYN */
	n = pb_ip_tcp(syn, &theirs);
	n = pb_ip_icmp(ip, PB_ROUTER4, PB_CLIENT4, 254, 3, 13, 0, syn, 28);
	assert_int_equal(classify_feed_raw(c, 1300, PKT_DLT_RAW, ip, n), 0);
	feed_tcp(c, 1400, &my_rst);
	assert_int_equal(c->nattempts, 1);
	assert_int_equal(c->attempts[0].sport, 40001);
	assert_int_equal(c->npackets, 2);
	for (size_t i = 0; i < c->npackets; i++)
		assert_true(c->packets[i].pkt.sport == 40001 || c->packets[i].pkt.dport == 40001);
	classify_free(c);
}

/* Another run may get the same source port for another port of the target
 * once ours is closed: its connection stays out. */
static void test_own_only_keeps_out_another_port_from_the_same_source_port(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp mine = { PB_CLIENT4, PB_TARGET4, 40005, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	struct pb_tcp theirs = { PB_CLIENT4, PB_TARGET4, 40005, 2222, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	struct pb_tcp their_rst = { PB_TARGET4, PB_CLIENT4, 2222, 40005, PKT_TCP_RST | PKT_TCP_ACK, PB_TOS, 61, 0, 2 };

	(void)state;
	classify_own_only(c);
	assert_int_equal(classify_own_port(c, 40005, PB_PORT), 0);
	feed_tcp(c, 1000, &mine);
	feed_tcp(c, 1100, &theirs);
	feed_tcp(c, 1200, &their_rst);
	assert_int_equal(c->npackets, 1);
	assert_int_equal(c->packets[0].pkt.dport, PB_PORT);
	classify_free(c);
}

/* A SYN captured before its port was named is kept once it is. */
static void test_own_only_holds_a_packet_until_its_port_is_named(void **state)
{
	struct classify *c = target_new(AF_INET);
	struct pb_tcp syn = { PB_CLIENT4, PB_TARGET4, 40003, PB_PORT, PKT_TCP_SYN, PB_TOS, 64, 1, 0 };
	struct pb_tcp synack = { PB_TARGET4, PB_CLIENT4, PB_PORT, 40003, PKT_TCP_SYN | PKT_TCP_ACK, 0, 61, 9, 2 };

	(void)state;
	classify_own_only(c);
	feed_tcp(c, 1000, &syn);
	feed_tcp(c, 1100, &synack);
	assert_int_equal(c->npackets, 0);
	assert_int_equal(c->nheld, 2);
	assert_int_equal(classify_own_port(c, 40003, PB_PORT), 0);
	assert_int_equal(c->nheld, 0);
	assert_int_equal(c->npackets, 2);
	assert_int_equal(classify_result(c), CLASSIFY_SYNACK);
	classify_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcome_ids_are_the_report_strings),
		cmocka_unit_test(test_each_scenario_gives_its_outcome_on_every_link_type),
		cmocka_unit_test(test_nothing_seen_is_none),
		cmocka_unit_test(test_silence_counts_retransmissions),
		cmocka_unit_test(test_synack_records_time_and_ttl),
		cmocka_unit_test(test_rst_records_ttl_and_tos),
		cmocka_unit_test(test_router_icmp_is_matched_by_the_quoted_syn),
		cmocka_unit_test(test_icmp6_admin_prohibited_is_matched),
		cmocka_unit_test(test_one_answered_attempt_among_silent_ones_is_enough),
		cmocka_unit_test(test_icmp_about_another_connection_is_ignored),
		cmocka_unit_test(test_answers_on_other_ports_do_not_decide_the_target_port),
		cmocka_unit_test(test_synack_beats_a_later_rst),
		cmocka_unit_test(test_loopback_target_is_told_apart_by_ports),
		cmocka_unit_test(test_initial_ttl_and_hops),
		cmocka_unit_test(test_middlebox_rst_is_from_the_path),
		cmocka_unit_test(test_rst_without_tos_echo_next_to_echoing_ones_is_a_rule),
		cmocka_unit_test(test_rst_echoing_our_tos_is_the_host),
		cmocka_unit_test(test_path_that_clears_tos_cannot_tell),
		cmocka_unit_test(test_rst_origin_decisions_from_facts),
		cmocka_unit_test(test_rst_origin_of_an_attempt_without_rst_is_unknown),
		cmocka_unit_test(test_packet_list_has_offsets_directions_and_lines),
		cmocka_unit_test(test_longest_ipv6_icmp_line_fits),
		cmocka_unit_test(test_packet_list_is_bounded_and_counts_drops),
		cmocka_unit_test(test_attempts_are_bounded_and_counts_drops),
		cmocka_unit_test(test_undecodable_and_unrelated_packets_are_counted),
		cmocka_unit_test(test_classifier_keeps_at_most_max_addresses),
		cmocka_unit_test(test_unanswered_arp_for_the_target_is_counted),
		cmocka_unit_test(test_ndp_for_the_target_is_counted),
		cmocka_unit_test(test_own_only_keeps_out_another_runs_connection),
		cmocka_unit_test(test_own_only_holds_a_packet_until_its_port_is_named),
		cmocka_unit_test(test_own_only_keeps_out_another_port_from_the_same_source_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

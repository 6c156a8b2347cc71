/* SPDX-License-Identifier: MIT */
/* neigh: reading the kernel's answers about its neighbour table (built here
 * byte by byte), what the NUD states mean, when an unanswered neighbour is
 * conclusive, and the next hop toward 127.0.0.1 (nothing is sent). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "engine/os/linux/linux.h"
#include "engine/parse/parse-neigh.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

/* An RTM_NEWNEIGH message for 192.0.2.99 with state nud, as the kernel sends it. */
static size_t build_newneigh(uint8_t *buf, size_t len, uint16_t nud)
{
	struct nlmsghdr nh;
	struct ndmsg nd;
	struct rtattr rta;
	uint8_t addr[4] = {192, 0, 2, 99};
	size_t total = NLMSG_LENGTH(sizeof(nd)) + RTA_SPACE(4);

	assert_true(total <= len);
	memset(buf, 0, total);
	memset(&nh, 0, sizeof(nh));
	nh.nlmsg_len = (uint32_t)total;
	nh.nlmsg_type = RTM_NEWNEIGH;
	memcpy(buf, &nh, sizeof(nh));
	memset(&nd, 0, sizeof(nd));
	nd.ndm_family = AF_INET;
	nd.ndm_ifindex = 2;
	nd.ndm_state = nud;
	memcpy(buf + NLMSG_HDRLEN, &nd, sizeof(nd));
	rta.rta_type = NDA_DST;
	rta.rta_len = (unsigned short)RTA_LENGTH(4);
	memcpy(buf + NLMSG_LENGTH(sizeof(nd)), &rta, sizeof(rta));
	memcpy(buf + NLMSG_LENGTH(sizeof(nd)) + RTA_LENGTH(0), addr, 4);
	return total;
}

/* An NLMSG_ERROR message carrying error (negative errno). */
static size_t build_error(uint8_t *buf, size_t len, int error)
{
	struct nlmsghdr nh;
	struct nlmsgerr ne;
	size_t total = NLMSG_LENGTH(sizeof(ne));

	assert_true(total <= len);
	memset(&nh, 0, sizeof(nh));
	nh.nlmsg_len = (uint32_t)total;
	nh.nlmsg_type = NLMSG_ERROR;
	memset(&ne, 0, sizeof(ne));
	ne.error = error;
	memcpy(buf, &nh, sizeof(nh));
	memcpy(buf + NLMSG_HDRLEN, &ne, sizeof(ne));
	return total;
}

static void an_incomplete_entry_is_read_with_its_state(void **state)
{
	uint8_t buf[256];
	uint16_t nud = 0;
	size_t n = build_newneigh(buf, sizeof(buf), NUD_INCOMPLETE);

	expect_true(neigh_parse_answer(buf, n, &nud) == 0, "expected the entry to be read");
	expect_true(nud == NUD_INCOMPLETE, "expected NUD_INCOMPLETE, got 0x%x", nud);
}

static void no_such_entry_is_enoent(void **state)
{
	uint8_t buf[256];
	uint16_t nud = 0;
	size_t n = build_error(buf, sizeof(buf), -ENOENT);

	expect_true(neigh_parse_answer(buf, n, &nud) == -ENOENT, "expected -ENOENT for no entry");
}

static void an_acknowledgement_before_the_entry_is_skipped(void **state)
{
	uint8_t buf[256];
	uint16_t nud = 0;
	size_t n = build_error(buf, sizeof(buf), 0);

	n += build_newneigh(buf + n, sizeof(buf) - n, NUD_FAILED);
	expect_true(neigh_parse_answer(buf, n, &nud) == 0 && nud == NUD_FAILED,
		    "expected the entry after an ack (error 0) to be read");
}

static void truncated_and_foreign_answers_are_invalid(void **state)
{
	uint8_t buf[256];
	uint16_t nud = 0;
	size_t n = build_newneigh(buf, sizeof(buf), NUD_REACHABLE);
	struct nlmsghdr nh;

	expect_true(neigh_parse_answer(buf, n - 12, &nud) == -EINVAL, "expected a cut message to be invalid");
	expect_true(neigh_parse_answer(buf, 8, &nud) == -EINVAL, "expected a cut header to be invalid");
	expect_true(neigh_parse_answer(buf, 0, &nud) == -EINVAL, "expected nothing to be invalid");
	memcpy(&nh, buf, sizeof(nh));
	nh.nlmsg_type = RTM_NEWROUTE;
	memcpy(buf, &nh, sizeof(nh));
	expect_true(neigh_parse_answer(buf, n, &nud) == -EINVAL, "expected a route message to be no answer");
	nh.nlmsg_len = 3;
	memcpy(buf, &nh, sizeof(nh));
	expect_true(neigh_parse_answer(buf, n, &nud) == -EINVAL, "expected a length below the header to be invalid");
}

static void nud_states_map_to_what_they_mean(void **state)
{
	expect_true(neigh_state_from_nud(NUD_INCOMPLETE) == NEIGH_INCOMPLETE, "INCOMPLETE");
	expect_true(neigh_state_from_nud(NUD_FAILED) == NEIGH_FAILED, "FAILED");
	expect_true(neigh_state_from_nud(NUD_REACHABLE) == NEIGH_RESOLVED, "REACHABLE");
	expect_true(neigh_state_from_nud(NUD_STALE) == NEIGH_RESOLVED, "STALE");
	expect_true(neigh_state_from_nud(NUD_DELAY) == NEIGH_RESOLVED, "DELAY");
	expect_true(neigh_state_from_nud(NUD_PROBE) == NEIGH_RESOLVED, "PROBE: known, being confirmed");
	expect_true(neigh_state_from_nud(NUD_PERMANENT) == NEIGH_RESOLVED, "PERMANENT");
	expect_true(neigh_state_from_nud(NUD_NOARP) == NEIGH_NOARP, "NOARP");
	expect_true(neigh_state_from_nud(NUD_NONE) == NEIGH_NONE, "NONE");
	expect_true(neigh_state_unanswered(NEIGH_INCOMPLETE) && neigh_state_unanswered(NEIGH_FAILED),
		    "expected INCOMPLETE and FAILED to be unanswered");
	expect_true(!neigh_state_unanswered(NEIGH_NONE) && !neigh_state_unanswered(NEIGH_RESOLVED) &&
		    !neigh_state_unanswered(NEIGH_NOARP) && !neigh_state_unanswered(NEIGH_UNKNOWN),
		    "expected the others not to be unanswered");
}

static void failed_is_conclusive_at_once(void **state)
{
	expect_true(neigh_conclusive(NEIGH_FAILED, 0, 1000), "expected FAILED to be conclusive");
}

static void incomplete_is_conclusive_after_one_unanswered_probe(void **state)
{
	expect_true(!neigh_conclusive(NEIGH_INCOMPLETE, 999, 1000),
		    "expected INCOMPLETE before the kernel's probe wait not to be conclusive");
	expect_true(neigh_conclusive(NEIGH_INCOMPLETE, 1000, 1000),
		    "expected INCOMPLETE after the kernel's probe wait to be conclusive");
	expect_true(neigh_conclusive(NEIGH_INCOMPLETE, 1000, 0),
		    "expected the 1000 ms default when the wait is unknown");
	expect_true(!neigh_conclusive(NEIGH_INCOMPLETE, 1500, 2000), "expected a longer interface wait to count");
}

static void resolved_or_unknown_is_never_conclusive(void **state)
{
	expect_true(!neigh_conclusive(NEIGH_RESOLVED, 60000, 1000), "RESOLVED");
	expect_true(!neigh_conclusive(NEIGH_NONE, 60000, 1000), "NONE");
	expect_true(!neigh_conclusive(NEIGH_NOARP, 60000, 1000), "NOARP");
	expect_true(!neigh_conclusive(NEIGH_UNKNOWN, 60000, 1000), "UNKNOWN");
}

static void loopback_is_its_own_next_hop_and_never_unanswered(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct neigh_hop hop;

	memset(&ss, 0, sizeof(ss));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	expect_true(neigh_next_hop(&ss, &hop) == 0, "expected a route to 127.0.0.1");
	expect_true(hop.known && !hop.gateway, "expected 127.0.0.1 to be on the link itself");
	expect_true(strcmp(hop.text, "127.0.0.1") == 0, "expected next hop 127.0.0.1, got %s", hop.text);
	expect_true(strcmp(hop.ifname, "lo") == 0, "expected interface lo, got %s", hop.ifname);
	expect_true(!neigh_state_unanswered(neigh_lookup(&hop)), "expected loopback never to wait for ARP");
	expect_true(neigh_retrans_ms(AF_INET, "lo") > 0, "expected a positive probe wait");
	expect_true(neigh_retrans_ms(AF_INET, "../x") == 1000, "expected a path-like name to be refused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_incomplete_entry_is_read_with_its_state),
		cmocka_unit_test(no_such_entry_is_enoent),
		cmocka_unit_test(an_acknowledgement_before_the_entry_is_skipped),
		cmocka_unit_test(truncated_and_foreign_answers_are_invalid),
		cmocka_unit_test(nud_states_map_to_what_they_mean),
		cmocka_unit_test(failed_is_conclusive_at_once),
		cmocka_unit_test(incomplete_is_conclusive_after_one_unanswered_probe),
		cmocka_unit_test(resolved_or_unknown_is_never_conclusive),
		cmocka_unit_test(loopback_is_its_own_next_hop_and_never_unanswered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

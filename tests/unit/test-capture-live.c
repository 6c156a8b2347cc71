/* SPDX-License-Identifier: MIT */
/* capture/capture.c live: the route lookup, the BPF filter text, and a live
 * capture on loopback. With the privilege it watches real SYNs to
 * 127.0.0.1 and ::1 (never any other address) get a SYN-ACK or a RST;
 * without it, the open must fail with the reason that says how to get it.
 * The no-privilege path is also taken as root, in a thread that drops
 * CAP_NET_RAW (capabilities are per thread on Linux). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/classify.h"

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void test_loopback_addresses_route_through_lo(void **state)
{
	struct pkt_addr a;
	char ifname[IF_NAMESIZE], err[CAPTURE_ERRBUF_SIZE];

	pkt_addr_parse(&a, "127.0.0.1");
	assert_int_equal(capture_route_iface(&a, ifname, err, sizeof(err)), CAPTURE_OK);
	assert_string_equal(ifname, "lo");
	pkt_addr_parse(&a, "127.3.4.5");
	assert_int_equal(capture_route_iface(&a, ifname, err, sizeof(err)), CAPTURE_OK);
	assert_string_equal(ifname, "lo");
	pkt_addr_parse(&a, "::1");
	if (capture_route_iface(&a, ifname, err, sizeof(err)) == CAPTURE_OK)
		assert_string_equal(ifname, "lo");
	else
		print_message("no IPv6 route to ::1 here: %s\n", err);
	memset(&a, 0, sizeof(a));
	assert_int_equal(capture_route_iface(&a, ifname, err, sizeof(err)), CAPTURE_ERR_ARG);
}

static void test_filter_text_for_ipv4_ipv6_and_both(void **state)
{
	struct pkt_addr a[2];
	char f[CAPTURE_FILTER_MAX], tiny[40];
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 256);
	struct bpf_program prog;

	pkt_addr_parse(&a[0], "192.0.2.130");
	pkt_addr_parse(&a[1], "2001:db8::130");
	assert_int_equal(capture_filter_build(a, 1, 22, f, sizeof(f)), 0);
	assert_non_null(strstr(f, "(ip and tcp and (host 192.0.2.130) and (port 22 or tcp[13] & 6 != 0))"));
	assert_null(strstr(f, "ip6"));
	assert_int_equal(pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN), 0);
	pcap_freecode(&prog);
	assert_int_equal(capture_filter_build(a + 1, 1, 2222, f, sizeof(f)), 0);
	assert_non_null(strstr(f, "(ip6 and tcp and (host 2001:db8::130) and (port 2222"));
	assert_non_null(strstr(f, "icmp6"));
	assert_null(strstr(f, "(icmp and"));
	assert_int_equal(pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN), 0);
	pcap_freecode(&prog);
	assert_int_equal(capture_filter_build(a, 2, 22, f, sizeof(f)), 0);
	assert_int_equal(pcap_compile(dead, &prog, f, 1, PCAP_NETMASK_UNKNOWN), 0);
	pcap_freecode(&prog);
	assert_int_equal(capture_filter_build(NULL, 0, 22, f, sizeof(f)), 0);
	assert_string_equal(f, "(tcp and port 22) or icmp or icmp6");
	assert_int_equal(capture_filter_build(a, 2, 22, tiny, sizeof(tiny)), CAPTURE_ERR_ARG);
	assert_string_equal(tiny, "");
	pcap_close(dead);
}

static void test_permission_hint_names_sudo_and_setcap(void **state)
{
	char buf[CAPTURE_ERRBUF_SIZE];

	capture_perm_hint("eth0", "/usr/local/bin/ssh-doctor", buf, sizeof(buf));
	assert_string_equal(buf, "cannot capture on 'eth0': needs CAP_NET_RAW "
			    "(try: sudo /usr/local/bin/ssh-doctor, or once: sudo setcap "
			    "cap_net_raw+ep /usr/local/bin/ssh-doctor)");
	capture_perm_hint("lo", NULL, buf, sizeof(buf));
	assert_non_null(strstr(buf, "test-capture-live"));
}

static void assert_perm_error(int ret, const char *err)
{
	assert_int_equal(ret, CAPTURE_ERR_PERM);
	assert_non_null(strstr(err, "cannot capture on 'lo'"));
	assert_non_null(strstr(err, "sudo "));
	assert_non_null(strstr(err, "setcap cap_net_raw+ep /"));
}

struct unprivileged {
	bool skipped;
	int ret;
	char err[CAPTURE_ERRBUF_SIZE];
	int check_ret;              /* capture_check_live() without the privilege */
	char check_err[CAPTURE_ERRBUF_SIZE];
};

/* Runs in its own thread: dropping capabilities here leaves the others'. */
static void *open_without_caps(void *arg)
{
	struct unprivileged *u = arg;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct capture *cap = NULL;
	struct pkt_addr lo;

	if (syscall(SYS_capget, &hdr, data) != 0) {
		u->skipped = true;
		return NULL;
	}
	data[CAP_NET_RAW / 32].effective &= ~(1u << (CAP_NET_RAW % 32));
	data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data) != 0) {
		u->skipped = true;
		return NULL;
	}
	pkt_addr_parse(&lo, "127.0.0.1");
	u->ret = capture_open_live("lo", &lo, 1, 22, &cap, u->err, sizeof(u->err));
	capture_free(cap);
	u->check_ret = capture_check_live("lo", u->check_err, sizeof(u->check_err));
	return NULL;
}

/* Runs in its own thread: keeps CAP_NET_RAW alone, then opens a capture. */
static void *open_with_net_raw_only(void *arg)
{
	struct unprivileged *u = arg;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	struct capture *cap = NULL;
	struct pkt_addr lo;

	if (syscall(SYS_capget, &hdr, data) != 0 ||
	    !(data[CAP_NET_RAW / 32].effective & (1u << (CAP_NET_RAW % 32)))) {
		u->skipped = true;
		return NULL;
	}
	memset(data, 0, sizeof(data));
	data[CAP_NET_RAW / 32].effective = data[CAP_NET_RAW / 32].permitted = 1u << (CAP_NET_RAW % 32);
	if (syscall(SYS_capset, &hdr, data) != 0) {
		u->skipped = true;
		return NULL;
	}
	pkt_addr_parse(&lo, "127.0.0.1");
	u->ret = capture_open_live("lo", &lo, 1, 22, &cap, u->err, sizeof(u->err));
	capture_free(cap);
	return NULL;
}

/* The hint asks for CAP_NET_RAW alone: that is all a capture needs. */
static void test_net_raw_alone_opens_a_capture(void **state)
{
	struct unprivileged u;
	pthread_t t;

	memset(&u, 0, sizeof(u));
	assert_int_equal(pthread_create(&t, NULL, open_with_net_raw_only, &u), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (u.skipped) {
		skip();
		return;
	}
	if (u.ret != CAPTURE_OK)
		fail_msg("with CAP_NET_RAW alone the capture should open, got %d: %s", u.ret, u.err);
}

static void test_open_without_capabilities_says_how_to_get_them(void **state)
{
	struct unprivileged u;
	pthread_t t;

	memset(&u, 0, sizeof(u));
	assert_int_equal(pthread_create(&t, NULL, open_without_caps, &u), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (u.skipped) {
		skip();
		return;
	}
	assert_perm_error(u.ret, u.err);
	/* the cheap check before any probe runs says the same */
	assert_perm_error(u.check_ret, u.check_err);
}

static void the_cheap_check_knows_interfaces_and_the_privilege(void **state)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct pkt_addr lo;
	struct capture *cap = NULL;
	int ret;

	/* whether capturing is allowed here, by really opening one */
	pkt_addr_parse(&lo, "127.0.0.1");
	ret = capture_open_live("lo", &lo, 1, 22, &cap, err, sizeof(err));
	capture_free(cap);
	if (ret == CAPTURE_ERR_PERM) {
		assert_int_equal(capture_check_live("lo", err, sizeof(err)), CAPTURE_ERR_PERM);
		return;
	}
	assert_int_equal(ret, CAPTURE_OK);
	assert_int_equal(capture_check_live("lo", err, sizeof(err)), CAPTURE_OK);
	assert_int_equal(capture_check_live(NULL, err, sizeof(err)), CAPTURE_OK);
	assert_int_equal(capture_check_live("nosuchif0", err, sizeof(err)), CAPTURE_ERR_NO_DEVICE);
	assert_non_null(strstr(err, "'nosuchif0'"));
	assert_int_equal(capture_check_live("", err, sizeof(err)), CAPTURE_ERR_NO_DEVICE);
	assert_int_equal(capture_check_live("an-interface-name-too-long", err, sizeof(err)),
			 CAPTURE_ERR_NO_DEVICE);
}

static void test_unknown_interface_is_refused(void **state)
{
	struct pkt_addr lo;
	struct capture *cap = NULL;
	char err[CAPTURE_ERRBUF_SIZE];
	int ret;

	pkt_addr_parse(&lo, "127.0.0.1");
	ret = capture_open_live("nosuchif0", &lo, 1, 22, &cap, err, sizeof(err));
	assert_null(cap);
	if (ret == CAPTURE_ERR_PERM)
		return;
	assert_int_equal(ret, CAPTURE_ERR_NO_DEVICE);
	assert_non_null(strstr(err, "'nosuchif0'"));
	assert_int_equal(capture_open_live("an-interface-name-too-long", &lo, 1, 22, &cap, err,
					   sizeof(err)), CAPTURE_ERR_NO_DEVICE);
	assert_int_equal(capture_open_live(NULL, NULL, 0, 22, &cap, err, sizeof(err)), CAPTURE_ERR_ARG);
}

static void feed_cb(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
	classify_feed_raw(ctx, ts_us, dlt, data, caplen);
}

/*
 * Connects to a loopback port that listens (SYN-ACK expected) or was just
 * closed (RST expected) while capturing, and classifies what the wire said.
 */
static void live_case(int family, bool listening, enum classify_outcome want)
{
	struct sockaddr_storage ss;
	socklen_t sl = family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	struct pkt_addr target;
	struct capture *cap = NULL;
	struct classify *c = NULL;
	struct capture_stats st;
	char err[CAPTURE_ERRBUF_SIZE];
	int srv, cli = -1, ret;
	uint16_t port;
	uint64_t deadline;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	else
		((struct sockaddr_in *)&ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(srv >= 0);
	if (bind(srv, (struct sockaddr *)&ss, sl) != 0) {
		close(srv);
		print_message("cannot bind a loopback socket of family %d: skipped\n", family);
		return;
	}
	assert_int_equal(getsockname(srv, (struct sockaddr *)&ss, &sl), 0);
	port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
		     ((struct sockaddr_in *)&ss)->sin_port);
	if (listening) {
		assert_int_equal(listen(srv, 4), 0);
	} else {
		close(srv);
		srv = -1;
	}
	pkt_addr_from_sockaddr(&target, &ss, sl);

	ret = capture_open_live(NULL, &target, 1, port, &cap, err, sizeof(err));
	if (ret == CAPTURE_ERR_PERM) {
		assert_perm_error(ret, err);
		goto out;
	}
	if (ret != CAPTURE_OK)
		fail_msg("capture_open_live on loopback: %s", err);
	assert_string_equal(capture_iface(cap), "lo");
	assert_true(capture_fd(cap) >= 0);
	assert_non_null(strstr(capture_filter(cap), "port"));
	c = classify_new(&target, 1, port);

	cli = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(cli >= 0);
	ret = connect(cli, (struct sockaddr *)&ss, sl);
	assert_true(ret == 0 || errno == EINPROGRESS || errno == ECONNREFUSED);

	deadline = mono_ms() + 3000;
	while (classify_result(c) != want && mono_ms() < deadline) {
		struct pollfd pfd = { capture_fd(cap), POLLIN, 0 };

		poll(&pfd, 1, 50);
		assert_true(capture_dispatch(cap, feed_cb, c) >= 0);
	}
	if (classify_result(c) != want)
		fail_msg("loopback port %u: expected %s, got %s", port, classify_outcome_id(want),
			 classify_outcome_id(classify_result(c)));
	assert_int_equal(classify_best(c)->dport, port);
	assert_true(c->npackets >= 2);
	assert_int_equal(capture_stats(cap, &st), 0);
	assert_true(st.kernel);
	assert_true(st.delivered >= 2);
out:
	if (cli >= 0)
		close(cli);
	if (srv >= 0)
		close(srv);
	classify_free(c);
	capture_free(cap);
}

static void test_live_loopback_listening_port_answers_synack(void **state)
{
	live_case(AF_INET, true, CLASSIFY_SYNACK);
}

static void test_live_loopback_closed_port_answers_rst(void **state)
{
	live_case(AF_INET, false, CLASSIFY_RST);
}

static void test_live_loopback_ipv6_closed_port_answers_rst(void **state)
{
	live_case(AF_INET6, false, CLASSIFY_RST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_addresses_route_through_lo),
		cmocka_unit_test(test_filter_text_for_ipv4_ipv6_and_both),
		cmocka_unit_test(test_permission_hint_names_sudo_and_setcap),
		cmocka_unit_test(test_net_raw_alone_opens_a_capture),
		cmocka_unit_test(test_open_without_capabilities_says_how_to_get_them),
		cmocka_unit_test(test_unknown_interface_is_refused),
		cmocka_unit_test(the_cheap_check_knows_interfaces_and_the_privilege),
		cmocka_unit_test(test_live_loopback_listening_port_answers_synack),
		cmocka_unit_test(test_live_loopback_closed_port_answers_rst),
		cmocka_unit_test(test_live_loopback_ipv6_closed_port_answers_rst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

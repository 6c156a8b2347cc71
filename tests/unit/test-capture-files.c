/* SPDX-License-Identifier: MIT */
/* capture/capture.c on files: pcap and pcapng files written by this very
 * program (pcap_open_dead + pcap_dump) for every link type and outcome are
 * replayed through capture_open_file, capture_dispatch and the classifier;
 * broken files get their specific errors.
 *
 * It is also the generator of tests/fixtures/pcap/ and of the fuzz seeds:
 *   test-capture-files --write tests/fixtures/pcap
 *   test-capture-files --write-seeds tests/fuzz/seeds/decode
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "capture/classify.h"
#include "../fixtures/pcap/pktbuild.h"

#ifndef SSHD_FIXTURES
#define SSHD_FIXTURES "tests/fixtures"
#endif

struct linkcase {
	const char *name;
	int dlt;
	int nvlan;
};

static const struct linkcase links[] = {
	{ "en10mb", PKT_DLT_EN10MB, 0 },
	{ "vlan", PKT_DLT_EN10MB, 2 },
	{ "sll", PKT_DLT_LINUX_SLL, 0 },
	{ "sll2", PKT_DLT_LINUX_SLL2, 0 },
	{ "raw", PKT_DLT_RAW, 0 },
	{ "ipv4", PKT_DLT_IPV4, 0 },
	{ "ipv6", PKT_DLT_IPV6, 0 },
	{ "null", PKT_DLT_NULL, 0 },
	{ "loop", PKT_DLT_LOOP, 0 },
};
#define NLINKS (sizeof(links) / sizeof(links[0]))

static const enum classify_outcome scenario_outcome[PB_SCN_COUNT] = {
	[PB_SCN_SYNACK] = CLASSIFY_SYNACK,
	[PB_SCN_RST] = CLASSIFY_RST,
	[PB_SCN_ICMP] = CLASSIFY_ICMP,
	[PB_SCN_PORT_UNREACH] = CLASSIFY_ICMP,
	[PB_SCN_SILENCE] = CLASSIFY_SILENCE,
	[PB_SCN_MIDDLEBOX_RST] = CLASSIFY_RST,
	[PB_SCN_RULE_RST] = CLASSIFY_RST,
	[PB_SCN_PATH_CLEARS] = CLASSIFY_RST,
};

/* The files kept in tests/fixtures/pcap/: every scenario on Ethernet, the
 * RST on every other link type, and IPv6 where it matters. */
struct fixture {
	const char *file;
	enum pb_scenario scn;
	size_t link;		/* index in links[] */
	int family;
	bool pcapng;
};

static const struct fixture fixtures[] = {
	{ "synack-en10mb.pcap", PB_SCN_SYNACK, 0, AF_INET, false },
	{ "rst-en10mb.pcap", PB_SCN_RST, 0, AF_INET, false },
	{ "icmp-en10mb.pcap", PB_SCN_ICMP, 0, AF_INET, false },
	{ "port-unreach-en10mb.pcap", PB_SCN_PORT_UNREACH, 0, AF_INET, false },
	{ "silence-en10mb.pcap", PB_SCN_SILENCE, 0, AF_INET, false },
	{ "middlebox-rst-en10mb.pcap", PB_SCN_MIDDLEBOX_RST, 0, AF_INET, false },
	{ "rule-rst-en10mb.pcap", PB_SCN_RULE_RST, 0, AF_INET, false },
	{ "path-clears-en10mb.pcap", PB_SCN_PATH_CLEARS, 0, AF_INET, false },
	{ "icmp6-en10mb.pcap", PB_SCN_ICMP, 0, AF_INET6, false },
	{ "rst-vlan.pcap", PB_SCN_RST, 1, AF_INET, false },
	{ "rst-sll.pcap", PB_SCN_RST, 2, AF_INET, false },
	{ "rst-sll2-ipv6.pcap", PB_SCN_RST, 3, AF_INET6, false },
	{ "rst-raw.pcap", PB_SCN_RST, 4, AF_INET, false },
	{ "icmp-ipv4.pcap", PB_SCN_ICMP, 5, AF_INET, false },
	{ "port-unreach-ipv6.pcap", PB_SCN_PORT_UNREACH, 6, AF_INET6, false },
	{ "rst-null.pcap", PB_SCN_RST, 7, AF_INET, false },
	{ "rst-loop-ipv6.pcap", PB_SCN_RST, 8, AF_INET6, false },
	{ "synack-en10mb.pcapng", PB_SCN_SYNACK, 0, AF_INET, true },
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static char tmpdir[256];

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static int write_pcap(const char *path, int dlt, const struct pb_frame *f, size_t n)
{
	pcap_t *p = pcap_open_dead_with_tstamp_precision(dlt, 65535, PCAP_TSTAMP_PRECISION_MICRO);
	pcap_dumper_t *d;

	if (p == NULL)
		return -1;
	if ((d = pcap_dump_open(p, path)) == NULL) {
		fprintf(stderr, "cannot write '%s': %s\n", path, pcap_geterr(p));
		pcap_close(p);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(f[i].ts_us / 1000000u);
		h.ts.tv_usec = (suseconds_t)(f[i].ts_us % 1000000u);
		h.caplen = h.len = (bpf_u_int32)f[i].len;
		pcap_dump((u_char *)d, &h, f[i].data);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

static void put_le32(FILE *fp, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, fp);
}

static void put_le16(FILE *fp, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fwrite(b, 1, 2, fp);
}

/* libpcap reads pcapng but does not write it: a section header, one
 * interface (microsecond stamps), and enhanced packet blocks. */
static int write_pcapng(const char *path, int linktype, const struct pb_frame *f, size_t n)
{
	static const uint8_t pad[4] = { 0 };
	FILE *fp = fopen(path, "wb");

	if (fp == NULL)
		return -1;
	put_le32(fp, 0x0a0d0d0a);
	put_le32(fp, 28);
	put_le32(fp, 0x1a2b3c4d);
	put_le16(fp, 1);
	put_le16(fp, 0);
	put_le32(fp, 0xffffffff);
	put_le32(fp, 0xffffffff);
	put_le32(fp, 28);
	put_le32(fp, 1);
	put_le32(fp, 20);
	put_le16(fp, (uint16_t)linktype);
	put_le16(fp, 0);
	put_le32(fp, 65535);
	put_le32(fp, 20);
	for (size_t i = 0; i < n; i++) {
		size_t padded = (f[i].len + 3) & ~(size_t)3;
		uint32_t total = (uint32_t)(32 + padded);

		put_le32(fp, 6);
		put_le32(fp, total);
		put_le32(fp, 0);
		put_le32(fp, (uint32_t)(f[i].ts_us >> 32));
		put_le32(fp, (uint32_t)f[i].ts_us);
		put_le32(fp, (uint32_t)f[i].len);
		put_le32(fp, (uint32_t)f[i].len);
		fwrite(f[i].data, 1, f[i].len, fp);
		fwrite(pad, 1, padded - f[i].len, fp);
		put_le32(fp, total);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static size_t build(enum pb_scenario s, const struct linkcase *l, int family,
		    struct pb_frame *f)
{
	return pb_scenario_build(s, l->dlt, l->nvlan, family, f, PB_MAX_FRAMES);
}

static int write_fixture(const char *dir, const struct fixture *fx)
{
	struct pb_frame f[PB_MAX_FRAMES];
	size_t n = build(fx->scn, &links[fx->link], fx->family, f);
	char path[512];

	path_in(path, sizeof(path), dir, fx->file);
	if (fx->pcapng)
		return write_pcapng(path, links[fx->link].dlt == PKT_DLT_RAW ? PKT_LINKTYPE_RAW :
				    links[fx->link].dlt, f, n);
	return write_pcap(path, links[fx->link].dlt, f, n);
}

static int write_bytes(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL)
		return -1;
	fwrite(data, 1, len, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* A valid file cut in the middle of its last packet. */
static int write_truncated(const char *path)
{
	struct pb_frame f[PB_MAX_FRAMES];
	size_t n = build(PB_SCN_ICMP, &links[0], AF_INET, f);
	struct stat st;

	if (write_pcap(path, PKT_DLT_EN10MB, f, n) != 0 || stat(path, &st) != 0)
		return -1;
	return truncate(path, st.st_size - 30);
}

#define SCAN_PORTS	150	/* more attempts than classify keeps, more packets too */

/* A port scan of the target, every port refused, and only then our SYN to
 * port 22, refused by the host itself: the attempt the verdict is about
 * comes after CLASSIFY_MAX_ATTEMPTS others and CLASSIFY_MAX_PACKETS packets. */
static int write_scan(const char *path)
{
	size_t max = 2 * SCAN_PORTS + 2;
	struct pb_frame *f = calloc(max, sizeof(*f));
	struct pb_ctx c = { f, 0, max, PKT_DLT_EN10MB, 0 };
	uint64_t t0 = 1000000000ull * 1000000ull;
	struct pb_tcp syn = { PB_CLIENT4, PB_TARGET4, 0, 0, PKT_TCP_SYN, PB_TOS, 64, 1000, 0 };
	struct pb_tcp rst = { PB_TARGET4, PB_CLIENT4, 0, 0, PKT_TCP_RST | PKT_TCP_ACK, PB_TOS, 61, 0, 1001 };
	int rc;

	if (f == NULL)
		return -1;
	for (unsigned i = 0; i < SCAN_PORTS; i++) {
		syn.sport = rst.dport = (uint16_t)(50000 + i);
		syn.dport = rst.sport = (uint16_t)(1000 + i);
		pb_emit_tcp(&c, t0 + i * 1000, true, &syn);
		pb_emit_tcp(&c, t0 + i * 1000 + 300, false, &rst);
	}
	syn.sport = rst.dport = PB_SPORT;
	syn.dport = rst.sport = PB_PORT;
	pb_emit_tcp(&c, t0 + 2000000, true, &syn);
	pb_emit_tcp(&c, t0 + 2000640, false, &rst);
	rc = write_pcap(path, PKT_DLT_EN10MB, f, c.n);
	free(f);
	return rc;
}

static int write_all_fixtures(const char *dir)
{
	static const char text[] = "this is a text file, not a packet capture\n";
	char path[512];

	for (size_t i = 0; i < NFIXTURES; i++)
		if (write_fixture(dir, &fixtures[i]) != 0)
			return -1;
	path_in(path, sizeof(path), dir, "truncated.pcap");
	if (write_truncated(path) != 0)
		return -1;
	path_in(path, sizeof(path), dir, "scan-en10mb.pcap");
	if (write_scan(path) != 0)
		return -1;
	path_in(path, sizeof(path), dir, "not-a-capture.pcap");
	return write_bytes(path, text, sizeof(text) - 1);
}

/* Seeds for fuzz-decode: the first byte is the index in pb_fuzz_dlts. */
static int write_seeds(const char *dir)
{
	unsigned count = 0;

	for (size_t d = 0; d < PB_FUZZ_NDLTS; d++) {
		for (int s = 0; s < PB_SCN_COUNT; s++) {
			for (int fam = 0; fam < 2; fam++) {
				struct pb_frame f[PB_MAX_FRAMES];
				size_t n;

				if ((pb_fuzz_dlts[d] == PKT_DLT_IPV4 && fam) ||
				    (pb_fuzz_dlts[d] == PKT_DLT_IPV6 && !fam))
					continue;
				/* every scenario on Ethernet, the ICMP one elsewhere */
				if (pb_fuzz_dlts[d] != PKT_DLT_EN10MB && s != PB_SCN_ICMP)
					continue;
				n = pb_scenario_build(s, pb_fuzz_dlts[d], d == 0 ? fam * 2 : 0,
						      fam ? AF_INET6 : AF_INET, f, PB_MAX_FRAMES);
				for (size_t i = 0; i < n; i++) {
					uint8_t buf[PB_MAX + 1];
					char path[512], name[128];

					buf[0] = (uint8_t)d;
					memcpy(buf + 1, f[i].data, f[i].len);
					snprintf(name, sizeof(name), "dlt%zu-%s-%s-%zu", d,
						 pb_scenario_name(s), fam ? "ipv6" : "ipv4", i);
					path_in(path, sizeof(path), dir, name);
					if (write_bytes(path, buf, f[i].len + 1) != 0)
						return -1;
					count++;
				}
			}
		}
	}
	/* IPv6 with a chain of extension headers, raw */
	{
		uint8_t ip[PB_MAX], buf[PB_MAX + 1];
		struct pb_tcp t = { PB_CLIENT6, PB_TARGET6, PB_SPORT, PB_PORT, PKT_TCP_SYN, 0, 64, 1, 0 };
		size_t n = pb_ip_tcp(ip, &t);
		char path[512];

		n = pb_ip6_push_ext(ip, n, 60, 8, 0);
		n = pb_ip6_push_ext(ip, n, 44, 8, 0);
		n = pb_ip6_push_ext(ip, n, 0, 8, 0);
		buf[0] = 3;
		memcpy(buf + 1, ip, n);
		path_in(path, sizeof(path), dir, "raw-ipv6-ext-chain");
		if (write_bytes(path, buf, n + 1) != 0)
			return -1;
		count++;
	}
	/* the link's questions about an absent target: ARP on Ethernet, NDP raw */
	{
		uint8_t pkt[PB_MAX], buf[PB_MAX + 1];
		char path[512];
		size_t n;

		n = pb_arp(pkt, 1, PB_CLIENT4, PB_TARGET4);
		buf[0] = 0;
		memcpy(buf + 1, pkt, n);
		path_in(path, sizeof(path), dir, "dlt0-arp-who-has");
		if (write_bytes(path, buf, n + 1) != 0)
			return -1;
		n = pb_arp(pkt, 2, PB_TARGET4, PB_CLIENT4);
		memcpy(buf + 1, pkt, n);
		path_in(path, sizeof(path), dir, "dlt0-arp-is-at");
		if (write_bytes(path, buf, n + 1) != 0)
			return -1;
		n = pb_ip6_nd(pkt, 135, PB_CLIENT6, "ff02::1:ff00:130", PB_TARGET6);
		buf[0] = 3;
		memcpy(buf + 1, pkt, n);
		path_in(path, sizeof(path), dir, "raw-ndp-solicitation");
		if (write_bytes(path, buf, n + 1) != 0)
			return -1;
		count += 3;
	}
	printf("wrote %u seeds\n", count);
	return 0;
}

struct replay {
	struct classify *c;
	unsigned packets;
	uint64_t first_ts;
	int dlt;
};

static void replay_cb(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
	struct replay *r = ctx;

	if (r->packets++ == 0)
		r->first_ts = ts_us;
	r->dlt = dlt;
	classify_feed_raw(r->c, ts_us, dlt, data, caplen);
}

/* Opens path, dispatches it to the end, classifies for the family's target. */
static int replay_file(const char *path, int family, struct replay *r, int *last)
{
	struct pkt_addr a;
	struct capture *cap = NULL;
	char err[CAPTURE_ERRBUF_SIZE];
	int ret;

	memset(r, 0, sizeof(*r));
	pkt_addr_parse(&a, family == AF_INET6 ? PB_TARGET6 : PB_TARGET4);
	r->c = classify_new(&a, 1, PB_PORT);
	ret = capture_open_file(path, &cap, err, sizeof(err));
	if (ret != CAPTURE_OK)
		return ret;
	*last = 0;
	for (int i = 0; i < 100 && !capture_at_end(cap); i++) {
		*last = capture_dispatch(cap, replay_cb, r);
		if (*last < 0)
			break;
	}
	assert_true(capture_at_end(cap));
	assert_int_equal(capture_fd(cap), -1);
	assert_null(capture_iface(cap));
	capture_free(cap);
	return CAPTURE_OK;
}

static int group_setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sshd-capture-test-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return write_all_fixtures(tmpdir);
}

static int group_teardown(void **state)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[512];

		if (de->d_name[0] == '.')
			continue;
		path_in(path, sizeof(path), tmpdir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpdir);
	return 0;
}

static void test_every_link_type_and_outcome_replays_from_a_pcap(void **state)
{
	for (size_t l = 0; l < NLINKS; l++) {
		for (int fam = 0; fam < 2; fam++) {
			int family = fam ? AF_INET6 : AF_INET;

			if ((links[l].dlt == PKT_DLT_IPV4 && fam) || (links[l].dlt == PKT_DLT_IPV6 && !fam))
				continue;
			for (int s = 0; s < PB_SCN_COUNT; s++) {
				struct pb_frame f[PB_MAX_FRAMES];
				size_t n = build(s, &links[l], family, f);
				struct replay r;
				char path[512];
				int last;

				path_in(path, sizeof(path), tmpdir, "case.pcap");
				assert_int_equal(write_pcap(path, links[l].dlt, f, n), 0);
				assert_int_equal(replay_file(path, family, &r, &last), CAPTURE_OK);
				assert_int_equal(last, 0);
				assert_int_equal(r.packets, n);
				assert_int_equal(r.c->undecodable, 0);
				if (classify_result(r.c) != scenario_outcome[s])
					fail_msg("%s on %s/%d: expected %s, got %s", pb_scenario_name(s),
						 links[l].name, family,
						 classify_outcome_id(scenario_outcome[s]),
						 classify_outcome_id(classify_result(r.c)));
				classify_free(r.c);
				unlink(path);
			}
		}
	}
}

static void test_raw_ip_is_stored_as_linktype_101_and_read_back(void **state)
{
	char path[512];
	struct replay r;
	int last;

	path_in(path, sizeof(path), tmpdir, "rst-raw.pcap");
	assert_int_equal(replay_file(path, AF_INET, &r, &last), CAPTURE_OK);
	assert_true(r.dlt == PKT_DLT_RAW || r.dlt == PKT_LINKTYPE_RAW);
	assert_int_equal(classify_result(r.c), CLASSIFY_RST);
	classify_free(r.c);
}

static void test_pcapng_replays_like_pcap(void **state)
{
	char path[512];
	struct replay r;
	int last;

	path_in(path, sizeof(path), tmpdir, "synack-en10mb.pcapng");
	assert_int_equal(replay_file(path, AF_INET, &r, &last), CAPTURE_OK);
	assert_int_equal(r.packets, 3);
	assert_int_equal(r.first_ts, 1000000000ull * 1000000ull);
	assert_int_equal(classify_result(r.c), CLASSIFY_SYNACK);
	classify_free(r.c);
}

static void test_timestamps_come_in_microseconds(void **state)
{
	char path[512];
	struct replay r;
	int last;

	path_in(path, sizeof(path), tmpdir, "icmp-en10mb.pcap");
	assert_int_equal(replay_file(path, AF_INET, &r, &last), CAPTURE_OK);
	assert_int_equal(r.first_ts, 1000000000ull * 1000000ull);
	assert_int_equal(classify_best(r.c)->icmp_us - classify_best(r.c)->first_syn_us, 1200);
	classify_free(r.c);
}

static void test_file_cut_inside_a_packet_delivers_the_rest_then_fails(void **state)
{
	struct pkt_addr a;
	struct capture *cap = NULL;
	struct capture_stats st;
	struct replay r;
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	int ret;

	memset(&r, 0, sizeof(r));
	pkt_addr_parse(&a, PB_TARGET4);
	r.c = classify_new(&a, 1, PB_PORT);
	path_in(path, sizeof(path), tmpdir, "truncated.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_OK);
	ret = capture_dispatch(cap, replay_cb, &r);
	assert_int_equal(ret, CAPTURE_ERR_FILE_TRUNCATED);
	assert_non_null(strstr(capture_last_error(cap), "truncated"));
	assert_true(capture_at_end(cap));
	assert_int_equal(r.packets, 2);
	assert_int_equal(classify_result(r.c), CLASSIFY_ICMP);
	assert_int_equal(capture_stats(cap, &st), 0);
	assert_int_equal(st.delivered, 2);
	assert_false(st.kernel);
	assert_int_equal(capture_dispatch(cap, replay_cb, &r), 0);
	capture_free(cap);
	classify_free(r.c);
}

static void test_file_cut_inside_its_header_is_truncated(void **state)
{
	char src[512], path[512], err[CAPTURE_ERRBUF_SIZE];
	uint8_t head[10];
	struct capture *cap = NULL;
	FILE *fp;

	path_in(src, sizeof(src), tmpdir, "rst-en10mb.pcap");
	fp = fopen(src, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(head, 1, sizeof(head), fp), sizeof(head));
	fclose(fp);
	path_in(path, sizeof(path), tmpdir, "short-header.pcap");
	assert_int_equal(write_bytes(path, head, sizeof(head)), 0);
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_TRUNCATED);
	assert_null(cap);
	assert_non_null(strstr(err, "short-header.pcap"));
	assert_non_null(strstr(err, "truncated"));
	unlink(path);
}

static void test_non_capture_file_is_a_format_error(void **state)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = NULL;

	path_in(path, sizeof(path), tmpdir, "not-a-capture.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_FORMAT);
	assert_null(cap);
	assert_non_null(strstr(err, "not-a-capture.pcap' is not a pcap or pcapng file"));
}

static void test_missing_empty_and_directory_paths_have_their_errors(void **state)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = NULL;

	path_in(path, sizeof(path), tmpdir, "no-such-file.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_MISSING);
	assert_non_null(strstr(err, "no-such-file.pcap"));
	assert_non_null(strstr(err, "No such file"));
	assert_int_equal(capture_open_file(tmpdir, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_FORMAT);
	assert_non_null(strstr(err, "is a directory"));
	path_in(path, sizeof(path), tmpdir, "empty.pcap");
	assert_int_equal(write_bytes(path, "", 0), 0);
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_FORMAT);
	assert_non_null(strstr(err, "is empty"));
	unlink(path);
	assert_int_equal(capture_open_file(NULL, &cap, err, sizeof(err)), CAPTURE_ERR_ARG);
	assert_null(cap);
}

static void test_link_type_the_decoder_does_not_know_is_refused(void **state)
{
	struct pb_frame f[PB_MAX_FRAMES];
	size_t n = build(PB_SCN_RST, &links[0], AF_INET, f);
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = NULL;

	path_in(path, sizeof(path), tmpdir, "wifi.pcap");
	assert_int_equal(write_pcap(path, 105, f, n), 0);	/* IEEE 802.11 */
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_LINKTYPE);
	assert_non_null(strstr(err, "link type 105"));
	unlink(path);
}

static void test_target_filter_applies_to_a_file(void **state)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE], filter[CAPTURE_FILTER_MAX];
	struct pkt_addr a;
	struct capture *cap = NULL;
	struct replay r;

	memset(&r, 0, sizeof(r));
	pkt_addr_parse(&a, PB_TARGET4);
	r.c = classify_new(&a, 1, PB_PORT);
	path_in(path, sizeof(path), tmpdir, "middlebox-rst-en10mb.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_OK);
	assert_int_equal(capture_filter_build(&a, 1, PB_PORT, filter, sizeof(filter)), 0);
	assert_int_equal(capture_set_filter(cap, filter, err, sizeof(err)), CAPTURE_OK);
	assert_string_equal(capture_filter(cap), filter);
	assert_int_equal(capture_dispatch(cap, replay_cb, &r), 4);
	capture_free(cap);
	classify_free(r.c);

	/* a filter for another host lets nothing through */
	memset(&r, 0, sizeof(r));
	r.c = classify_new(&a, 1, PB_PORT);
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_OK);
	assert_int_equal(capture_set_filter(cap, "host 198.51.100.7", err, sizeof(err)), CAPTURE_OK);
	assert_int_equal(capture_dispatch(cap, replay_cb, &r), 0);
	assert_int_equal(capture_set_filter(cap, "host and and", err, sizeof(err)), CAPTURE_ERR_FILTER);
	assert_non_null(strstr(err, "cannot compile capture filter"));
	capture_free(cap);
	classify_free(r.c);
}

/* The committed fixtures must still say what their names say. */
static void test_committed_fixtures_give_their_outcomes(void **state)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	struct capture *cap = NULL;

	for (size_t i = 0; i < NFIXTURES; i++) {
		struct replay r;
		int last;

		path_in(path, sizeof(path), SSHD_FIXTURES "/pcap", fixtures[i].file);
		if (replay_file(path, fixtures[i].family, &r, &last) != CAPTURE_OK)
			fail_msg("cannot replay committed fixture '%s'", path);
		if (classify_result(r.c) != scenario_outcome[fixtures[i].scn])
			fail_msg("'%s': expected %s, got %s", fixtures[i].file,
				 classify_outcome_id(scenario_outcome[fixtures[i].scn]),
				 classify_outcome_id(classify_result(r.c)));
		classify_free(r.c);
	}
	path_in(path, sizeof(path), SSHD_FIXTURES "/pcap", "not-a-capture.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_ERR_FILE_FORMAT);
	path_in(path, sizeof(path), SSHD_FIXTURES "/pcap", "truncated.pcap");
	assert_int_equal(capture_open_file(path, &cap, err, sizeof(err)), CAPTURE_OK);
	while (capture_dispatch(cap, NULL, NULL) > 0)
		;
	assert_string_not_equal(capture_last_error(cap), "");
	capture_free(cap);
}

static void test_a_scan_does_not_hide_the_attempt_to_the_target_port(void **state)
{
	char path[512];
	struct replay r;
	int last;
	bool kept = false;

	path_in(path, sizeof(path), SSHD_FIXTURES "/pcap", "scan-en10mb.pcap");
	assert_int_equal(replay_file(path, AF_INET, &r, &last), CAPTURE_OK);
	if (classify_result(r.c) != CLASSIFY_RST)
		fail_msg("expected the SYN to port 22 after a scan of %d ports to be judged rst, got %s",
			 SCAN_PORTS, classify_outcome_id(classify_result(r.c)));
	if (r.c->attempts_dropped == 0 || r.c->packets_dropped == 0)
		fail_msg("expected the scan to overflow the attempts and the packets kept");
	for (size_t i = 0; i < r.c->npackets; i++)
		kept |= r.c->packets[i].pkt.proto == PKT_PROTO_TCP && r.c->packets[i].pkt.sport == PB_PORT;
	if (!kept)
		fail_msg("expected the target's RST from port 22 among the packets kept");
	classify_free(r.c);
}

static void test_error_codes_have_their_own_messages(void **state)
{
	for (int e = CAPTURE_ERR_NOMEM; e <= CAPTURE_ERR_ARG; e++)
		for (int f = e + 1; f <= CAPTURE_ERR_ARG; f++)
			assert_string_not_equal(capture_strerror(e), capture_strerror(f));
	assert_string_equal(capture_strerror(CAPTURE_ERR_PERM), "no permission to capture packets");
	capture_free(NULL);
	assert_int_equal(capture_dispatch(NULL, NULL, NULL), CAPTURE_ERR_ARG);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_link_type_and_outcome_replays_from_a_pcap),
		cmocka_unit_test(test_raw_ip_is_stored_as_linktype_101_and_read_back),
		cmocka_unit_test(test_pcapng_replays_like_pcap),
		cmocka_unit_test(test_timestamps_come_in_microseconds),
		cmocka_unit_test(test_file_cut_inside_a_packet_delivers_the_rest_then_fails),
		cmocka_unit_test(test_file_cut_inside_its_header_is_truncated),
		cmocka_unit_test(test_non_capture_file_is_a_format_error),
		cmocka_unit_test(test_missing_empty_and_directory_paths_have_their_errors),
		cmocka_unit_test(test_link_type_the_decoder_does_not_know_is_refused),
		cmocka_unit_test(test_target_filter_applies_to_a_file),
		cmocka_unit_test(test_committed_fixtures_give_their_outcomes),
		cmocka_unit_test(test_error_codes_have_their_own_messages),
		cmocka_unit_test(test_a_scan_does_not_hide_the_attempt_to_the_target_port),
	};

	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_all_fixtures(argv[2]) == 0 ? 0 : 1;
	if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2]) == 0 ? 0 : 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

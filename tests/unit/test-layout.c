/* SPDX-License-Identifier: MIT */
/* layout: the wizard's panes for a terminal size, text wrapped and clipped
 * to a width, and the one-line forms of steps and packets, all checked on
 * plain buffers without a terminal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tui/layout.h"

#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, got_); \
} while (0)

#define expect_contains(hay, needle, what) do { \
	const char *hay_ = (hay); \
	if (strstr(hay_, (needle)) == NULL) \
		fail_msg("%s: expected it to contain \"%s\", got \"%s\"", (what), (needle), hay_); \
} while (0)

#define expect_int(got, want, what) do { \
	long got_ = (long)(got), want_ = (long)(want); \
	if (got_ != want_) \
		fail_msg("%s: expected %ld, got %ld", (what), want_, got_); \
} while (0)

/* All lines joined with '\n', for searching; the caller frees. */
static char *joined(const struct lines *ls)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < ls->n; i++)
		strbuf_addf(&sb, "%s\n", ls->v[i]);
	return strbuf_detach(&sb, NULL);
}

static void expect_lines_fit(const struct lines *ls, int width, const char *what)
{
	for (size_t i = 0; i < ls->n; i++)
		if (layout_width(ls->v[i]) > width)
			fail_msg("%s: line %zu is %d columns, wider than %d: \"%s\"", what, i,
				 layout_width(ls->v[i]), width, ls->v[i]);
}

/* ---- layout_compute ----------------------------------------------------- */

static void at_80x24_the_panes_stack_and_fill_every_row(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, 80, 24, 7);
	if (l.too_small)
		fail_msg("80x24 must be enough");
	expect_int(l.header.y, 0, "header row");
	expect_int(l.steps.y, 1, "step list row");
	expect_int(l.steps.h, 7, "step list rows (one a step)");
	expect_int(l.panel_bar.y, 8, "panel bar row");
	expect_int(l.panel.y, 9, "panel row");
	expect_int(l.capture_bar.y, l.panel.y + l.panel.h, "capture bar right under the panel");
	expect_int(l.capture.y, l.capture_bar.y + 1, "capture pane under its bar");
	expect_int(l.capture.h, 5, "capture rows at 24 lines");
	expect_int(l.capture.y + l.capture.h, 23, "capture ends on the row above the keys");
	expect_int(l.keys.y, 23, "key line on the last row");
	expect_int(l.panel.h, 8, "panel rows at 24 lines");
	expect_int(l.panel.w, 80, "panel width");
}

static void below_80x24_only_a_message_and_the_key_line(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, 79, 24, 7);
	if (!l.too_small)
		fail_msg("79 columns must be too small");
	layout_compute(&l, 80, 23, 7);
	if (!l.too_small)
		fail_msg("23 rows must be too small");
	layout_compute(&l, 40, 12, 7);
	expect_int(l.keys.y, 11, "keys on the last row of 40x12");
	expect_int(l.body.h, 11, "the message gets the rest");
	expect_int(l.steps.h, 0, "no step list");
}

static void more_room_goes_to_the_panel_and_the_capture(void **state)
{
	struct layout small, big;

	(void)state;
	layout_compute(&small, 80, 24, 7);
	layout_compute(&big, 100, 43, 7);
	if (big.panel.h <= small.panel.h || big.capture.h <= small.capture.h)
		fail_msg("at 100x43 the panel (%d) and capture (%d) must grow from %d and %d",
			 big.panel.h, big.capture.h, small.panel.h, small.capture.h);
	expect_int(big.panel.w, 100, "width used");
	expect_int(big.keys.y, 42, "keys on the last row");
	expect_int(big.capture.y + big.capture.h, 42, "no row lost");
}

static void from_120_columns_the_list_sits_beside_the_panel(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, 132, 43, 7);
	expect_int(l.steps.x, 0, "list on the left");
	expect_int(l.steps.w, 52, "two fifths of the width");
	expect_int(l.panel.x, 53, "panel right of the list, one column apart");
	expect_int(l.panel.w, 79, "panel to the right edge");
	expect_int(l.panel_bar.y, 1, "panel bar on the first row under the header");
	expect_int(l.panel.h, l.steps.h - 1, "panel as tall as the list, under its bar");
	expect_int(l.capture_bar.y, 1 + l.steps.h, "capture under both");
	expect_int(l.capture.w, 132, "capture full width");
	expect_int(l.capture.y + l.capture.h, 42, "no row lost");
	layout_compute(&l, 119, 43, 7);
	expect_int(l.steps.w, 119, "below 120 columns the panes stack");
}

static void a_long_flow_scrolls_its_list_and_keeps_the_panel(void **state)
{
	struct layout l;

	(void)state;
	layout_compute(&l, 80, 24, 30);
	if (l.panel.h < 8)
		fail_msg("30 steps must not squeeze the panel below 8 rows, got %d", l.panel.h);
	if (l.steps.h >= 30)
		fail_msg("the list must be shorter than the flow, got %d rows", l.steps.h);
	expect_int(l.capture.y + l.capture.h, 23, "no row lost");
}

/* ---- clipping and wrapping ---------------------------------------------- */

static void clip_keeps_what_fits_and_marks_a_cut(void **state)
{
	char buf[64];

	(void)state;
	expect_str(layout_clip(buf, sizeof(buf), "abcdef", 6), "abcdef", "exact fit");
	expect_str(layout_clip(buf, sizeof(buf), "abcdefg", 6), "abcde>", "one too many");
	expect_str(layout_clip(buf, sizeof(buf), "abc", 0), "", "no room");
	expect_str(layout_clip(buf, 4, "abcdefgh", 20), "abc", "the buffer is the limit");
}

static void clip_into_a_buffer_of_one_or_two_bytes_stays_inside_it(void **state)
{
	char buf[4];

	(void)state;
	memset(buf, 'X', sizeof(buf));
	layout_clip(buf, 1, "too long for ten", 10);
	expect_str(buf, "", "one byte: only the end of the string");
	expect_int(buf[1], 'X', "nothing written past the one byte");
	memset(buf, 'X', sizeof(buf));
	layout_clip(buf, 2, "too long for ten", 10);
	expect_str(buf, ">", "two bytes: the cut's marker alone");
	expect_int(buf[2], 'X', "nothing written past the two bytes");
	layout_clip(buf, 3, "too long for ten", 10);
	expect_str(buf, "t>", "three bytes: a character and the marker");
}

static void clip_never_cuts_a_utf8_character(void **state)
{
	char buf[64];

	(void)state;
	/* "é" is two bytes, one column */
	expect_str(layout_clip(buf, sizeof(buf), "caf\xc3\xa9s", 5), "caf\xc3\xa9s", "5 columns fit");
	expect_str(layout_clip(buf, sizeof(buf), "caf\xc3\xa9s!", 5), "caf\xc3\xa9>", "cut after the é");
	expect_int(layout_width("caf\xc3\xa9"), 4, "width counts characters");
	expect_str(layout_clip(buf, 5, "caf\xc3\xa9s", 10), "caf", "no half é at the buffer's end");
}

static void wide_characters_take_two_columns_and_marks_none(void **state)
{
	char buf[64];

	(void)state;
	/* "日本" is two wide characters; "e\xcc\x81" is e with a combining acute */
	expect_int(layout_width("\xe6\x97\xa5\xe6\x9c\xac"), 4, "two wide characters");
	expect_int(layout_width("e\xcc\x81"), 1, "a letter and its combining mark");
	expect_int(layout_width("\xff"), 1, "a stray byte");
	expect_str(layout_clip(buf, sizeof(buf), "ab\xe6\x97\xa5\xe6\x9c\xac", 5),
		   "ab\xe6\x97\xa5>", "a wide character is not split by the cut");
	if (layout_width(buf) > 5)
		fail_msg("clipped to 5 columns, got %d", layout_width(buf));
	expect_str(layout_clip(buf, sizeof(buf), "e\xcc\x81x", 2), "e\xcc\x81x",
		   "the mark stays with its letter");
}

static void wrap_fits_the_width_and_indents_after_the_lead(void **state)
{
	struct lines ls;

	(void)state;
	lines_init(&ls);
	lines_wrap(&ls, LK_TEXT, "  - ", "the SYN to 192.0.2.2 port 22 was answered by a TCP "
		   "reset (RST) from the host itself", 30);
	expect_lines_fit(&ls, 30, "wrapped at 30");
	expect_str(ls.v[0], "  - the SYN to 192.0.2.2 port", "first line with the lead");
	expect_str(ls.v[1], "    22 was answered by a TCP", "next lines indented");
	lines_release(&ls);
}

static void wrap_joins_the_authors_lines_and_keeps_paragraphs_and_items(void **state)
{
	struct lines ls;

	(void)state;
	lines_init(&ls);
	lines_wrap(&ls, LK_TEXT, "", "one two\nthree\n\nnew paragraph\n- an item", 40);
	expect_int(ls.n, 4, "lines");
	expect_str(ls.v[0], "one two three", "a single line break is a space");
	expect_str(ls.v[1], "", "a blank line stays");
	expect_str(ls.v[2], "new paragraph", "the paragraph");
	expect_str(ls.v[3], "- an item", "an item starts its own line");
	lines_release(&ls);
}

static void wrap_cuts_a_word_longer_than_the_line(void **state)
{
	struct lines ls;
	char word[101];

	(void)state;
	memset(word, 'x', 100);
	word[100] = '\0';
	lines_init(&ls);
	lines_wrap(&ls, LK_TEXT, "  ", word, 30);
	expect_lines_fit(&ls, 30, "a 100-column word");
	expect_int(ls.n, 4, "28 columns a line: 4 lines");
	lines_release(&ls);
}

/* ---- steps -------------------------------------------------------------- */

static struct report_step step(enum step_status st, const char *title, const char *summary)
{
	struct report_step s;

	memset(&s, 0, sizeof(s));
	s.id = "tcp_connect";
	s.title = title;
	s.status = st;
	s.summary = (char *)summary;
	return s;
}

static void a_finished_step_shows_its_status_in_words_and_its_summary(void **state)
{
	struct report_step s = step(STEP_FAIL, "Does anything answer on the port?", "port 22: refused");
	char buf[256];

	(void)state;
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 0, true);
	expect_str(buf, "[FAIL] Does anything answer on the port?      port 22: refused",
		   "the step line");
	s.status = STEP_PASS;
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 0, true);
	expect_contains(buf, "[ OK ] ", "pass");
	s.status = STEP_WARN;
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 0, true);
	expect_contains(buf, "[WARN] ", "warn");
	s.status = STEP_SKIP;
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 0, true);
	expect_contains(buf, "[SKIP] ", "skip");
}

static void a_step_line_never_passes_its_width(void **state)
{
	struct report_step s = step(STEP_FAIL, "Is sshd at its connection limit, or is someone banned?",
				    "a very long summary that goes on and on past the edge of the screen");
	char buf[256];

	(void)state;
	layout_step_line(buf, sizeof(buf), &s, 78, 42, 0, true);
	expect_int(layout_width(buf), 78, "clipped to 78");
	expect_contains(buf, "[FAIL] Is sshd at its connection limit, or is", "clipped title");
	layout_step_line(buf, sizeof(buf), &s, 30, 42, 0, true);
	if (layout_width(buf) > 30)
		fail_msg("a narrow list must clip, got \"%s\"", buf);
}

static void a_waiting_step_says_what_it_waits_for_and_the_time_left(void **state)
{
	struct report_step s = step(STEP_RUNNING, "Does anything answer on the port?", NULL);
	char buf[256];

	(void)state;
	s.started_ms = 10000;
	s.wait_ms = 3000;
	s.wait_reason = (char *)"waiting for the SYN to be answered";
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 10400, true);
	expect_contains(buf, "[ .. ] Does anything answer on the port?", "running tag");
	expect_contains(buf, "2.6 s left", "tenths on a fast line");
	layout_step_line(buf, sizeof(buf), &s, 78, 38, 10400, false);
	expect_contains(buf, "3 s left", "whole seconds on a slow line");
	layout_wait_line(buf, sizeof(buf), &s, 78, 10400, true);
	expect_str(buf, "waiting for the SYN to be answered: 2.6 s left", "the wait line");
	layout_wait_line(buf, sizeof(buf), &s, 78, 14000, true);
	expect_str(buf, "waiting for the SYN to be answered: running for 4 s", "past its deadline");
}

/* ---- packets ------------------------------------------------------------ */

/* A TCP packet's decoded fields, as the capture gives them with its line. */
#define TCP4(src_, sport, dst_, dport, flags) \
	.protocol = "tcp", .ip_version = 4, .src = src_, .dst = dst_, .has_ports = true, \
	.src_port = sport, .dst_port = dport, .has_tcp_flags = true, .tcp_flags = (flags)
#define SYN_ REPORT_TCP_SYN
#define RSTACK_ (REPORT_TCP_RST | REPORT_TCP_ACK)

static void packet_lines_read_as_an_exchange(void **state)
{
	struct report_packet syn = {.t_us = 0, .outbound = true,
		.summary = (char *)"SYN 192.0.2.10:40312 > 192.0.2.2:22", .step = 0, .ts_us = 0,
		TCP4("192.0.2.10", 40312, "192.0.2.2", 22, SYN_)};
	struct report_packet rst = {.t_us = 120, .outbound = false,
		.summary = (char *)"RST,ACK 192.0.2.2:22 > 192.0.2.10:40312", .step = 0, .ts_us = 0,
		TCP4("192.0.2.2", 22, "192.0.2.10", 40312, RSTACK_)};
	struct report_packet icmp = {.t_us = 300, .outbound = false,
		.summary = (char *)"ICMP 3/13 administratively prohibited "
				     "from 192.0.2.1 (about 192.0.2.10:40312 > 192.0.2.2:22)", .step = 0, .ts_us = 0,
		.protocol = "icmp", .ip_version = 4, .src = "192.0.2.1", .dst = "192.0.2.10",
		.is_icmp = true, .icmp_type = 3, .icmp_code = 13, .icmp_name = "administratively prohibited",
		.quoted = {.present = true, .src = "192.0.2.10", .dst = "192.0.2.2", .protocol = "tcp",
			   .has_ports = true, .src_port = 40312, .dst_port = 22}};
	struct report_packet ping = {.t_us = 0, .outbound = true,
		.summary = (char *)"ICMP echo request to 192.0.2.2 seq 1", .step = 0, .ts_us = 0,
		.protocol = "icmp", .ip_version = 4, .src = "192.0.2.10", .dst = "192.0.2.2",
		.is_icmp = true, .icmp_type = 8, .icmp_name = "echo request", .icmp_echo = true, .echo_seq = 1};
	char buf[256];

	(void)state;
	layout_packet_line(buf, sizeof(buf), &syn, -1, 78);
	expect_str(buf, "SYN > 192.0.2.2:22", "outbound SYN");
	layout_packet_line(buf, sizeof(buf), &rst, 120, 78);
	expect_str(buf, "< RST,ACK from 192.0.2.2:22  0.12 ms", "inbound RST with its round trip");
	layout_packet_line(buf, sizeof(buf), &icmp, 300, 78);
	expect_str(buf, "< ICMP 3/13 administratively prohibited from 192.0.2.1  0.30 ms",
		   "ICMP error without its quote");
	layout_packet_line(buf, sizeof(buf), &ping, -1, 78);
	expect_str(buf, "ICMP echo request > 192.0.2.2 seq 1", "outbound echo");
	layout_packet_line(buf, sizeof(buf), &rst, 1500000, 78);
	expect_contains(buf, "1.5 s", "a slow answer in seconds");
}

/* The pane formats a packet's decoded fields, never its summary line: a
 * line that says something else changes nothing on the screen. */
static void packet_lines_come_from_the_fields_not_the_summary(void **state)
{
	struct report_packet rst = {.t_us = 120, .outbound = false, .summary = (char *)"not > this",
		.step = 0, .ts_us = 0, .protocol = "tcp", .ip_version = 6, .src = "2001:db8::2",
		.dst = "2001:db8::10", .has_ports = true, .src_port = 22, .dst_port = 40312,
		.has_tcp_flags = true, .tcp_flags = RSTACK_};
	struct report_packet syn = {.t_us = 0, .outbound = true, .summary = (char *)"SYN x > y",
		.step = 0, .ts_us = 0, .protocol = "tcp", .ip_version = 6, .src = "2001:db8::10",
		.dst = "2001:db8::2", .has_ports = true, .src_port = 40312, .dst_port = 22,
		.has_tcp_flags = true, .tcp_flags = SYN_};
	struct report_packet both[2];
	char buf[256];

	(void)state;
	layout_packet_line(buf, sizeof(buf), &rst, 120, 78);
	expect_str(buf, "< RST,ACK from [2001:db8::2]:22  0.12 ms", "an IPv6 RST, from its fields");
	layout_packet_line(buf, sizeof(buf), &syn, -1, 78);
	expect_str(buf, "SYN > [2001:db8::2]:22", "an IPv6 SYN, from its fields");
	both[0] = syn;
	both[1] = rst;
	if (layout_syn_unanswered(both, 0, 0, 2))
		fail_msg("the SYN was answered by the RST from its address and port");
	if (!layout_syn_unanswered(both, 0, 0, 1))
		fail_msg("alone, the SYN is unanswered");
}

static void a_step_has_the_packets_read_in_it_from_its_latest_run(void **state)
{
	struct report_packet p[] = {
		{.t_us = 0, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40000 > 192.0.2.2:22", .step = 3, .ts_us = 0},
		{.t_us = 1, .outbound = false,
			.summary = (char *)"ICMP echo reply from 192.0.2.2 seq 1", .step = 2, .ts_us = 0},
		{.t_us = 14, .outbound = false,
			.summary = (char *)"RST,ACK 192.0.2.2:22 > 192.0.2.1:40000", .step = 3, .ts_us = 0},
		{.t_us = 20, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40001 > 192.0.2.2:22", .step = 3, .ts_us = 0},
		{.t_us = 30, .outbound = false,
			.summary = (char *)"ARP who-has 192.0.2.1", .step = -1, .ts_us = 0},
	};
	struct report rep;
	struct report_packet *got;
	size_t n;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	rep.capture.packets = p;
	rep.capture.npackets = sizeof(p) / sizeof(p[0]);
	got = layout_step_packets(&rep, 3, 0, &n);
	expect_int((int)n, 3, "the step's three packets, the other step's left out");
	expect_str(got[0].summary, p[0].summary, "in order: the SYN");
	expect_str(got[1].summary, p[2].summary, "then its RST");
	expect_str(got[2].summary, p[3].summary, "then the SYN of the next run");
	free(got);
	got = layout_step_packets(&rep, 3, 3, &n);
	expect_int((int)n, 1, "a run again starts where the last ended");
	expect_str(got[0].summary, p[3].summary, "the new run's SYN");
	free(got);
	if (layout_step_packets(&rep, 5, 0, &n) != NULL || n != 0)
		fail_msg("a step with no packets: expected NULL and none");
}

static void a_clipped_packet_line_keeps_its_time(void **state)
{
	struct report_packet rst = {.t_us = 120, .outbound = false,
		.summary = (char *)"RST,ACK [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:22 "
				    "> [2001:db8::10]:40312", .step = 0, .ts_us = 0,
		.protocol = "tcp", .ip_version = 6, .src = "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff",
		.dst = "2001:db8::10", .has_ports = true, .src_port = 22, .dst_port = 40312,
		.has_tcp_flags = true, .tcp_flags = RSTACK_};
	char buf[256];
	size_t n;

	(void)state;
	layout_packet_line(buf, sizeof(buf), &rst, 120, 40);
	expect_int(layout_width(buf), 40, "fits 40 columns");
	n = strlen(buf);
	if (n < 7 || strcmp(buf + n - 7, "0.12 ms") != 0)
		fail_msg("the time must survive the clip, got \"%s\"", buf);
}

static void silence_is_a_line_of_its_own(void **state)
{
	char buf[64];

	(void)state;
	layout_silence_line(buf, sizeof(buf), 1000, 78);
	expect_str(buf, "... no answer after 1.0 s", "one second");
	layout_silence_line(buf, sizeof(buf), 2450, 78);
	expect_str(buf, "... no answer after 2.4 s", "tenths");
}

static void a_syn_is_unanswered_when_nothing_came_back_from_its_port(void **state)
{
	struct report_packet p[] = {
		{.t_us = 0, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40000 > 192.0.2.2:22", .step = 0, .ts_us = 0,
			TCP4("192.0.2.1", 40000, "192.0.2.2", 22, SYN_)},
		{.t_us = 10, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40001 > 192.0.2.2:2222", .step = 0, .ts_us = 0,
			TCP4("192.0.2.1", 40001, "192.0.2.2", 2222, SYN_)},
		{.t_us = 14, .outbound = false,
			.summary = (char *)"RST,ACK 192.0.2.2:2222 > 192.0.2.1:40001", .step = 0, .ts_us = 0,
			TCP4("192.0.2.2", 2222, "192.0.2.1", 40001, RSTACK_)},
		{.t_us = 20, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40002 > 192.0.2.2:443", .step = 0, .ts_us = 0,
			TCP4("192.0.2.1", 40002, "192.0.2.2", 443, SYN_)},
		{.t_us = 90, .outbound = false,
			.summary = (char *)"ICMP 3/13 administratively prohibited from 192.0.2.254 "
			    "(about 192.0.2.1:40002 > 192.0.2.2:443)", .step = 0, .ts_us = 0,
			.protocol = "icmp", .ip_version = 4, .src = "192.0.2.254", .dst = "192.0.2.1",
			.is_icmp = true, .icmp_type = 3, .icmp_code = 13,
			.quoted = {.present = true, .src = "192.0.2.1", .dst = "192.0.2.2",
				   .has_ports = true, .src_port = 40002, .dst_port = 443}},
		{.t_us = 100, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40003 > 192.0.2.2:8022", .step = 0, .ts_us = 0,
			TCP4("192.0.2.1", 40003, "192.0.2.2", 8022, SYN_)},
		{.t_us = 200, .outbound = true,
			.summary = (char *)"SYN 192.0.2.1:40003 > 192.0.2.2:8022", .step = 0, .ts_us = 0,
			TCP4("192.0.2.1", 40003, "192.0.2.2", 8022, SYN_)},
	};
	size_t n = sizeof(p) / sizeof(p[0]);

	(void)state;
	if (!layout_syn_unanswered(p, 0, 0, n))
		fail_msg("the SYN to port 22 got nothing back: it is unanswered");
	if (layout_syn_unanswered(p, 0, 1, n))
		fail_msg("the SYN to port 2222 was answered by a RST");
	if (layout_syn_unanswered(p, 0, 3, n))
		fail_msg("the SYN to port 443 was answered by an ICMP error quoting it");
	if (!layout_syn_unanswered(p, 0, 5, n))
		fail_msg("the first try to port 8022 got nothing back, nor did its retry");
	if (layout_syn_unanswered(p, 0, 6, n))
		fail_msg("a retried SYN: only the first try gets the silence line");
	if (layout_syn_unanswered(p, 0, 2, n))
		fail_msg("an inbound packet is never a silence");
	if (!layout_syn_unanswered(p, 0, 1, 2))
		fail_msg("within a range that ends before the RST, the SYN is unanswered");
	if (!layout_syn_unanswered(p, 6, 6, n))
		fail_msg("a range that starts at the retry: the retry is the first try there");
}

/* ---- panels and views --------------------------------------------------- */

/* The TCP step as the panels show it: its text parsed into doc, its
 * command and teaching text as the engine fills them in, one line of
 * evidence. Release with panel_step_release(). */
static struct report_step panel_step(struct asset_doc *doc)
{
	static const char text[] =
		"id: tcp_connect\ntitle: Does anything answer on the port?\n"
		"command: nc -zv {host} {port}\n[what]\nWe send a SYN to port {port}.\n"
		"[why]\nThis is where ssh's error comes from.\n[reading]\nRefused: nothing listens.\n";
	struct report_step s = step(STEP_FAIL, "Does anything answer on the port?", "port 22: refused");
	struct strbuf err;

	strbuf_init(&err);
	if (asset_doc_parse(doc, "t.step", text, sizeof(text) - 1, &err) != 0)
		fail_msg("parse: %s", err.buf);
	strbuf_release(&err);
	s.text = doc;
	s.command = (char *)"nc -zv 192.0.2.2 22";
	s.what = (char *)"We send a SYN to port 22.";
	s.why = (char *)"This is where ssh's error comes from.";
	s.reading = (char *)"Refused: nothing listens.";
	strv_init(&s.evidence);
	strv_push(&s.evidence, "192.0.2.2 port 22: refused after 0.2 ms");
	return s;
}

static void panel_step_release(struct report_step *s, struct asset_doc *doc)
{
	strv_release(&s->evidence);
	asset_doc_release(doc);
}

static void the_panel_teaches_what_why_command_saw_and_meaning(void **state)
{
	struct asset_doc doc;
	struct report_step s = panel_step(&doc);
	struct lines ls;
	char *all;

	(void)state;
	lines_init(&ls);
	layout_step_panel(&ls, &s, PANEL_FULL, 78, 0, true);
	all = joined(&ls);
	expect_str(ls.v[0], "[FAIL] port 22: refused", "the result first");
	expect_contains(all, "What we check\n  We send a SYN to port 22.", "what, filled in");
	expect_contains(all, "Why it matters\n  This is where", "why");
	expect_contains(all, "You would type\n  $ nc -zv 192.0.2.2 22", "the command");
	expect_contains(all, "What we saw\n  port 22: refused\n  - 192.0.2.2 port 22: refused",
			"what we saw");
	expect_contains(all, "What it means\n  Refused: nothing listens.", "reading");
	expect_lines_fit(&ls, 78, "panel");
	free(all);
	lines_release(&ls);
	panel_step_release(&s, &doc);
}

static void the_brief_panel_opens_on_the_command_what_was_seen_and_what_a_failure_means(void **state)
{
	struct asset_doc doc;
	struct report_step s = panel_step(&doc);
	struct lines ls;
	size_t at;

	(void)state;
	lines_init(&ls);
	at = layout_step_panel(&ls, &s, PANEL_BRIEF, 78, 0, true);
	if (ls.n < 9)
		fail_msg("expected at least 9 lines in the brief panel, got %zu", ls.n);
	expect_str(ls.v[0], "You would type", "the command's heading first");
	expect_str(ls.v[1], "  $ nc -zv 192.0.2.2 22", "the command");
	expect_str(ls.v[2], "What we saw", "what we saw next, no blank line between");
	expect_str(ls.v[3], "[FAIL] port 22: refused", "the result once, with its tag");
	expect_int(ls.kind[3], LK_FAIL, "the result is a status line");
	expect_str(ls.v[4], "  - 192.0.2.2 port 22: refused after 0.2 ms", "the evidence");
	expect_str(ls.v[5], "What it means", "a failure is read at once");
	expect_str(ls.v[6], "  Refused: nothing listens.", "the reading");
	expect_int((int)at, 8, "the rest starts after a blank line");
	expect_str(ls.v[at], "What we check", "what we check in the rest");
	expect_str(ls.v[at + 3], "Why it matters", "then why");
	expect_lines_fit(&ls, 78, "brief panel");
	lines_release(&ls);

	/* a pass needs no reading at once: what it means starts the rest */
	s.status = STEP_PASS;
	lines_init(&ls);
	at = layout_step_panel(&ls, &s, PANEL_BRIEF, 78, 0, true);
	expect_str(ls.v[3], "[ OK ] port 22: refused", "the result");
	expect_str(ls.v[5], "", "the brief view ends after the evidence");
	expect_int((int)at, 6, "the rest starts right after it");
	expect_str(ls.v[at], "What it means", "what a pass means, in the rest");
	expect_str(ls.v[at + 3], "What we check", "then what we check");
	lines_release(&ls);

	/* the full view says where its teaching starts */
	lines_init(&ls);
	at = layout_step_panel(&ls, &s, PANEL_FULL, 78, 0, true);
	expect_str(ls.v[at], "What we check", "the full view's teaching");
	lines_release(&ls);
	panel_step_release(&s, &doc);
}

static void the_verdict_names_cause_evidence_fix_and_what_is_not_ruled_out(void **state)
{
	struct report rep;
	struct lines ls;
	char *all;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	rep.has_verdict = true;
	rep.verdict.cause = (char *)"firewall_drop";
	rep.verdict.confidence = (char *)"likely";
	rep.verdict.summary = (char *)"SYNs to 192.0.2.2 port 22 got no answer at all.";
	rep.verdict.fix = (char *)"Allow the port in the firewall.";
	rep.verdict.fix_command = NULL;
	rep.verdict.fix_on = (char *)"server";
	rep.verdict.fix_variants = (struct fix_variant[]){
		{(char *)"debian", (char *)"if the server uses ufw", (char *)"sudo ufw allow 22/tcp"},
		{(char *)"rhel", (char *)"if it uses firewalld", (char *)"sudo firewall-cmd --add-port=22/tcp"},
	};
	rep.verdict.nfix_variants = 2;
	rep.side = SIDE_CLIENT;
	strv_init(&rep.verdict.evidence);
	strv_init(&rep.verdict.alternatives);
	strv_init(&rep.verdict.alternatives_text);
	strv_init(&rep.verdict.prevention);
	strv_push(&rep.verdict.evidence, "3 SYNs left and nothing came back");
	strv_push(&rep.verdict.alternatives, "host_unreachable");
	strv_push(&rep.verdict.alternatives_text, "The host is down");
	strv_push(&rep.verdict.prevention, "Allow only the needed ports.");
	lines_init(&ls);
	layout_verdict(&ls, &rep, "A firewall drops the packets", 78);
	all = joined(&ls);
	expect_str(ls.v[0], "[FAIL] A firewall drops the packets", "the cause in plain words");
	expect_contains(all, "how sure: likely", "the confidence");
	if (strstr(all, "firewall_drop") || strstr(all, "host_unreachable"))
		fail_msg("expected the causes in words, not their ids:\n%s", all);
	expect_contains(all, "The evidence\n  - 3 SYNs left", "evidence");
	expect_contains(all, "The fix, on the server\n  Allow the port in the firewall.\n"
			"  if the server uses ufw:\n  $ sudo ufw allow 22/tcp\n"
			"  if it uses firewalld:\n  $ sudo firewall-cmd --add-port=22/tcp",
			"the machine the fix runs on, and each variant labelled");
	expect_contains(all, "Not ruled out\n  - The host is down", "alternatives");
	expect_contains(all, "To prevent it\n  - Allow only", "prevention");
	free(all);
	lines_release(&ls);
	strv_release(&rep.verdict.evidence);
	strv_release(&rep.verdict.alternatives);
	strv_release(&rep.verdict.alternatives_text);
	strv_release(&rep.verdict.prevention);
}

static void help_lists_every_key_and_the_glossary(void **state)
{
	struct strv g;
	struct lines ls;
	char *all;
	static const char *const keys[] = {"Enter, n", "b ", "r ", "d ", "? ", "s ", "q ",
					   "arrows", "Ctrl-L"};

	(void)state;
	strv_init(&g);
	strv_push(&g, "RST: a reset: \"no\".");
	lines_init(&ls);
	layout_help(&ls, &g, 78);
	all = joined(&ls);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		expect_contains(all, keys[i], "a key in help");
	expect_contains(all, "ESC is never needed", "no ESC");
	expect_contains(all, "RST: a reset", "glossary");
	expect_lines_fit(&ls, 78, "help");
	free(all);
	lines_release(&ls);
	strv_release(&g);
}

static void too_small_says_the_size_needed_and_how_to_set_it(void **state)
{
	struct lines ls;
	char *all;

	(void)state;
	lines_init(&ls);
	layout_too_small(&ls, 40, 12, 39);
	all = joined(&ls);
	expect_contains(all, "40x12", "the size it has");
	expect_contains(all, "80x24", "the size it needs");
	expect_contains(all, "stty rows 24 cols 80", "how to set it");
	expect_contains(all, "q quits", "how to leave");
	expect_lines_fit(&ls, 39, "message");
	free(all);
	lines_release(&ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_80x24_the_panes_stack_and_fill_every_row),
		cmocka_unit_test(below_80x24_only_a_message_and_the_key_line),
		cmocka_unit_test(more_room_goes_to_the_panel_and_the_capture),
		cmocka_unit_test(from_120_columns_the_list_sits_beside_the_panel),
		cmocka_unit_test(a_long_flow_scrolls_its_list_and_keeps_the_panel),
		cmocka_unit_test(clip_keeps_what_fits_and_marks_a_cut),
		cmocka_unit_test(clip_into_a_buffer_of_one_or_two_bytes_stays_inside_it),
		cmocka_unit_test(clip_never_cuts_a_utf8_character),
		cmocka_unit_test(wide_characters_take_two_columns_and_marks_none),
		cmocka_unit_test(wrap_fits_the_width_and_indents_after_the_lead),
		cmocka_unit_test(wrap_joins_the_authors_lines_and_keeps_paragraphs_and_items),
		cmocka_unit_test(wrap_cuts_a_word_longer_than_the_line),
		cmocka_unit_test(a_finished_step_shows_its_status_in_words_and_its_summary),
		cmocka_unit_test(a_step_line_never_passes_its_width),
		cmocka_unit_test(a_waiting_step_says_what_it_waits_for_and_the_time_left),
		cmocka_unit_test(packet_lines_read_as_an_exchange),
		cmocka_unit_test(packet_lines_come_from_the_fields_not_the_summary),
		cmocka_unit_test(a_step_has_the_packets_read_in_it_from_its_latest_run),
		cmocka_unit_test(a_clipped_packet_line_keeps_its_time),
		cmocka_unit_test(silence_is_a_line_of_its_own),
		cmocka_unit_test(a_syn_is_unanswered_when_nothing_came_back_from_its_port),
		cmocka_unit_test(the_panel_teaches_what_why_command_saw_and_meaning),
		cmocka_unit_test(the_brief_panel_opens_on_the_command_what_was_seen_and_what_a_failure_means),
		cmocka_unit_test(the_verdict_names_cause_evidence_fix_and_what_is_not_ruled_out),
		cmocka_unit_test(help_lists_every_key_and_the_glossary),
		cmocka_unit_test(too_small_says_the_size_needed_and_how_to_set_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

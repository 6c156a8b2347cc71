/* SPDX-License-Identifier: MIT */
/* The wizard's layout and text on plain buffers (see layout.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/walk.h"
#include "tui/layout.h"

/* room for a packet summary (capture/ keeps them under 224 bytes) */
#define PACKET_LINE_MAX 256

void layout_compute(struct layout *l, int w, int h, int nsteps)
{
	int avail, steps_h, cap_h, panel_h, extra;

	memset(l, 0, sizeof(*l));
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	l->keys = (struct rect){h - 1, 0, 1, w};
	l->body = (struct rect){0, 0, h > 1 ? h - 1 : 1, w};
	if (w < LAYOUT_MIN_W || h < LAYOUT_MIN_H) {
		l->too_small = true;
		return;
	}
	l->body = (struct rect){1, 0, h - 2, w};
	l->header = (struct rect){0, 0, 1, w};
	/* rows between the header and the key line */
	avail = h - 2;
	extra = h - LAYOUT_MIN_H;
	cap_h = 5 + extra / 3;
	if (cap_h > 12)
		cap_h = 12;
	if (w >= LAYOUT_WIDE_W) {
		/* side by side: the list as tall as the panel, the capture below */
		int list_w = w * 2 / 5 < 56 ? w * 2 / 5 : 56;
		int top_h = avail - 1 - cap_h;

		l->steps = (struct rect){1, 0, top_h, list_w};
		l->panel_bar = (struct rect){1, list_w + 1, 1, w - list_w - 1};
		l->panel = (struct rect){2, list_w + 1, top_h - 1, w - list_w - 1};
		l->capture_bar = (struct rect){1 + top_h, 0, 1, w};
		l->capture = (struct rect){2 + top_h, 0, cap_h, w};
		return;
	}
	steps_h = nsteps < 1 ? 1 : nsteps;
	/* the panel keeps at least 8 rows; a long flow scrolls its list */
	if (steps_h > avail - 2 - cap_h - 8)
		steps_h = avail - 2 - cap_h - 8;
	panel_h = avail - steps_h - 2 - cap_h;
	l->steps = (struct rect){1, 0, steps_h, w};
	l->panel_bar = (struct rect){1 + steps_h, 0, 1, w};
	l->panel = (struct rect){2 + steps_h, 0, panel_h, w};
	l->capture_bar = (struct rect){2 + steps_h + panel_h, 0, 1, w};
	l->capture = (struct rect){3 + steps_h + panel_h, 0, cap_h, w};
}

/* Whether byte c starts a character (is not a UTF-8 continuation byte). */
static bool starts_char(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* The code point of the character at p (n bytes left), and its length in
 * *len; a byte that starts no well-formed character is one of its own. */
static uint32_t decode(const unsigned char *p, size_t n, size_t *len)
{
	size_t l = utf8_printable_len(p, n);
	uint32_t c;

	if (l <= 1) {
		*len = 1;
		return p[0];
	}
	c = p[0] & (0x7F >> l);
	for (size_t i = 1; i < l; i++)
		c = (c << 6) | (p[i] & 0x3F);
	*len = l;
	return c;
}

/* Columns a character takes on a terminal: none for combining marks, two
 * for East Asian wide characters and emoji, else one. A table, not
 * wcwidth(), so the layout is the same whatever the locale. */
static int cp_cols(uint32_t c)
{
	static const uint32_t zero[][2] = {
		{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
		{0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
	};
	static const uint32_t wide[][2] = {
		{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
		{0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
		{0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
		{0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD},
	};

	if (c < 0x300)
		return 1;
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (c >= zero[i][0] && c <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (c >= wide[i][0] && c <= wide[i][1])
			return 2;
	return 1;
}

/* Display columns of the n bytes at s. */
static int width_n(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int cols = 0;

	for (size_t i = 0, l; i < n; i += l)
		cols += cp_cols(decode(p + i, n - i, &l));
	return cols;
}

int layout_width(const char *s)
{
	return width_n(s, strlen(s));
}

/* Bytes of the characters of s that fit in cols columns (a combining mark
 * stays with its character). */
static size_t bytes_for_cols(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n = strlen(s), l;
	int c = 0;

	while (i < n) {
		int w = cp_cols(decode(p + i, n - i, &l));

		if (c + w > cols)
			break;
		c += w;
		i += l;
	}
	return i;
}

char *layout_clip(char *dst, size_t n, const char *src, int width)
{
	size_t len;
	bool cut = false;

	if (n == 0)
		return dst;
	if (width < 0)
		width = 0;
	if (layout_width(src) > width) {
		cut = width > 0;
		len = bytes_for_cols(src, cut ? width - 1 : 0);
	} else {
		len = strlen(src);
	}
	if (cut && n < 3) {
		/* no room for a character and the '>' after it: the marker alone */
		len = 0;
		cut = n == 2;
	} else if (len + (cut ? 1 : 0) >= n) {
		/* the buffer is the limit: back off to a character boundary */
		len = n - 1 - (cut ? 1 : 0);
		while (len > 0 && !starts_char((unsigned char)src[len]))
			len--;
	}
	memcpy(dst, src, len);
	if (cut)
		dst[len++] = '>';
	dst[len] = '\0';
	return dst;
}

void lines_init(struct lines *ls)
{
	memset(ls, 0, sizeof(*ls));
}

void lines_reset(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->v[i]);
	ls->n = 0;
}

void lines_release(struct lines *ls)
{
	lines_reset(ls);
	free(ls->v);
	free(ls->kind);
	lines_init(ls);
}

void lines_add(struct lines *ls, enum line_kind kind, const char *s)
{
	if (ls->n == ls->alloc) {
		ls->alloc = ls->alloc ? ls->alloc * 2 : 32;
		ls->v = xrealloc(ls->v, ls->alloc * sizeof(*ls->v));
		ls->kind = xrealloc(ls->kind, ls->alloc);
	}
	ls->v[ls->n] = xstrdup(s);
	ls->kind[ls->n++] = (unsigned char)kind;
}

void lines_wrap(struct lines *ls, enum line_kind kind, const char *lead, const char *text,
		int width)
{
	int indent = layout_width(lead);
	struct strbuf line;
	const char *p = text;
	bool fresh = false;     /* right after a kept indent: no space before the word */
	int col;

	if (width < indent + 8)
		width = indent + 8;
	strbuf_init(&line);
	strbuf_addstr(&line, lead);
	col = indent;
	for (;;) {
		const char *w;
		size_t n;
		int wc;

		while (*p == ' ')
			p++;
		/* text from assets/ is broken into lines by its author: a single
		 * line break is a space, a blank line a new paragraph, and a line
		 * starting "- " a new item */
		if (*p == '\n' && p[1] != '\n' && p[1] != '\0' && strncmp(p + 1, "- ", 2) != 0 &&
		    strncmp(p + 1, "    ", 4) != 0) {
			p++;
			continue;
		}
		if (*p == '\0' || *p == '\n') {
			lines_add(ls, kind, line.buf);
			if (*p == '\0')
				break;
			if (p[1] == '\n') {
				lines_add(ls, kind, "");
				while (*p == '\n')
					p++;
			} else {
				p++;
			}
			strbuf_reset(&line);
			strbuf_addf(&line, "%*s", indent, "");
			col = indent;
			/* an indented line (a file's lines to copy) keeps its indent */
			if (strncmp(p, "    ", 4) == 0) {
				size_t k = strspn(p, " ");

				strbuf_addf(&line, "%*s", (int)k, "");
				col += (int)k;
				p += k;
				fresh = true;
			}
			continue;
		}
		w = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		n = (size_t)(p - w);
		wc = width_n(w, n);
		if (fresh) {
			fresh = false;
		} else if (col > indent && col + 1 + wc > width) {
			lines_add(ls, kind, line.buf);
			strbuf_reset(&line);
			strbuf_addf(&line, "%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			strbuf_addch(&line, ' ');
			col++;
		}
		/* a word longer than a whole line is cut into pieces (col is indent here) */
		while (col + wc > width) {
			int room = width - col;
			size_t b = bytes_for_cols(w, room);

			if (b > n)
				b = n;
			strbuf_add(&line, w, b);
			lines_add(ls, kind, line.buf);
			strbuf_reset(&line);
			strbuf_addf(&line, "%*s", indent, "");
			col = indent;
			w += b;
			n -= b;
			wc = width_n(w, n);
		}
		strbuf_add(&line, w, n);
		col += wc;
	}
	strbuf_release(&line);
}

enum line_kind layout_status_kind(enum step_status s)
{
	switch (s) {
	case STEP_PASS: return LK_OK;
	case STEP_FAIL: case STEP_ERROR: return LK_FAIL;
	case STEP_WARN: return LK_WARN;
	case STEP_SKIP: return LK_SKIP;
	case STEP_RUNNING: return LK_RUN;
	case STEP_PENDING: return LK_TEXT;
	}
	return LK_TEXT;
}

char *layout_seconds(char *buf, size_t n, uint64_t ms, bool fine)
{
	if (fine && ms < 10000)
		snprintf(buf, n, "%llu.%llu s", (unsigned long long)(ms / 1000),
			 (unsigned long long)(ms % 1000 / 100));
	else
		snprintf(buf, n, "%llu s", (unsigned long long)((ms + 999) / 1000));
	return buf;
}

/* The time a running step has left, written into buf. */
static void time_left(char *buf, size_t n, const struct report_step *s, uint64_t now, bool fine)
{
	uint64_t ran = s->started_ms && now > s->started_ms ? now - s->started_ms : 0;
	char t[32];

	if (s->wait_ms > ran) {
		layout_seconds(t, sizeof(t), s->wait_ms - ran, fine);
		snprintf(buf, n, "%s left", t);
	} else {
		layout_seconds(t, sizeof(t), ran, false);
		snprintf(buf, n, "running for %s", t);
	}
}

int layout_title_width(const struct report *rep, int width)
{
	int longest = 0, cap = (width - 7) * 3 / 5;

	/* a narrow list (beside the panel) is all titles */
	if (width < 60)
		return width - 7;

	for (size_t i = 0; i < rep->nsteps; i++) {
		const char *t = rep->steps[i].title ? rep->steps[i].title : rep->steps[i].id;

		if (layout_width(t) > longest)
			longest = layout_width(t);
	}
	return longest < cap ? longest : cap;
}

void layout_step_line(char *buf, size_t n, const struct report_step *s, int width,
		      int title_w, uint64_t now, bool fine)
{
	const char *title = s->title ? s->title : s->id;
	char clipped[256], tail[256], line[768];

	if (title_w > width - 7 || title_w < 1)
		title_w = width - 7;
	layout_clip(clipped, sizeof(clipped), title, title_w);
	tail[0] = '\0';
	if (s->status == STEP_RUNNING) {
		if (s->wait_ms)
			time_left(tail, sizeof(tail), s, now, fine);
		else
			snprintf(tail, sizeof(tail), "running");
	} else if (s->summary) {
		snprintf(tail, sizeof(tail), "%s%s%s", s->stale ? WALK_STALE_WORDS : "",
			 s->stale ? " " : "", s->summary);
	} else if (s->stale) {
		snprintf(tail, sizeof(tail), "%s", WALK_STALE_WORDS);
	}
	if (tail[0] && width - 7 - title_w - 1 > 3)
		snprintf(line, sizeof(line), "%s %-*s %s", step_status_tag(s->status),
			 title_w + (int)(strlen(clipped) - (size_t)layout_width(clipped)),
			 clipped, tail);
	else
		snprintf(line, sizeof(line), "%s %s", step_status_tag(s->status), clipped);
	layout_clip(buf, n, line, width);
}

void layout_wait_line(char *buf, size_t n, const struct report_step *s, int width,
		      uint64_t now, bool fine)
{
	char left[64], line[512];

	time_left(left, sizeof(left), s, now, fine);
	if (s->wait_reason && s->wait_reason[0])
		snprintf(line, sizeof(line), "%s: %s", s->wait_reason, left);
	else
		snprintf(line, sizeof(line), "running: %s", left);
	layout_clip(buf, n, line, width);
}

/* "0.12 ms", "3.4 ms", "120 ms", "1.2 s" for a span in microseconds. */
static void span_text(char *buf, size_t n, int64_t us)
{
	if (us < 0)
		us = 0;
	if (us < 100)
		snprintf(buf, n, "%.3f ms", (double)us / 1000.0);
	else if (us < 10000)
		snprintf(buf, n, "%.2f ms", (double)us / 1000.0);
	else if (us < 1000000)
		snprintf(buf, n, "%.0f ms", (double)us / 1000.0);
	else
		snprintf(buf, n, "%.1f s", (double)us / 1e6);
}

/* "192.0.2.2:22", "[2001:db8::2]:22", or the address alone. */
static void endpoint(char *buf, size_t n, const char *addr, bool has_port, uint16_t port)
{
	if (!has_port)
		snprintf(buf, n, "%s", addr);
	else if (strchr(addr, ':') != NULL)
		snprintf(buf, n, "[%s]:%u", addr, port);
	else
		snprintf(buf, n, "%s:%u", addr, port);
}

/* "SYN", "RST,ACK" ... in the capture's order; "TCP" with no flag set. */
static void tcp_flags_word(char *buf, size_t n, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = {
		{REPORT_TCP_SYN, "SYN"}, {REPORT_TCP_FIN, "FIN"}, {REPORT_TCP_RST, "RST"},
		{REPORT_TCP_PSH, "PSH"}, {REPORT_TCP_ACK, "ACK"}, {REPORT_TCP_URG, "URG"},
		{REPORT_TCP_ECE, "ECE"}, {REPORT_TCP_CWR, "CWR"},
	};
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit)
			strbuf_addf(&sb, "%s%s", sb.len ? "," : "", names[i].name);
	snprintf(buf, n, "%s", sb.len ? sb.buf : "TCP");
	strbuf_release(&sb);
}

/* The packet as the pane shows it, from its decoded fields: the far end
 * only, the direction as an arrow. What the fields do not describe (ARP,
 * neighbour discovery, fragments) is the decoder's own line. */
static void packet_text(char *line, size_t n, const struct report_packet *p)
{
	const char *icmp = p->ip_version == 6 ? "ICMP6" : "ICMP";
	char ep[PACKET_LINE_MAX], kind[48];

	if (p->has_ports) {
		if (p->has_tcp_flags)
			tcp_flags_word(kind, sizeof(kind), p->tcp_flags);
		else
			snprintf(kind, sizeof(kind), "UDP");
		if (p->outbound) {
			endpoint(ep, sizeof(ep), p->dst, true, p->dst_port);
			snprintf(line, n, "%s > %s", kind, ep);
		} else {
			endpoint(ep, sizeof(ep), p->src, true, p->src_port);
			snprintf(line, n, "< %s from %s", kind, ep);
		}
	} else if (p->is_icmp && p->icmp_echo && p->icmp_name != NULL) {
		bool request = p->icmp_type == (p->ip_version == 6 ? 128 : 8);

		snprintf(line, n, "%s%s %s %s %s seq %u", p->outbound ? "" : "< ", icmp, p->icmp_name,
			 p->outbound ? ">" : "from", request ? p->dst : p->src, p->echo_seq);
	} else if (p->is_icmp && !p->nd) {
		/* an error: who sent it and why; the packet it quotes belongs to
		 * the details view */
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_addf(&sb, "%s%s %u/%u ", p->outbound ? "" : "< ", icmp, p->icmp_type, p->icmp_code);
		if (p->icmp_name != NULL)
			strbuf_addf(&sb, "%s ", p->icmp_name);
		strbuf_addf(&sb, "from %s", p->src);
		if (p->next_mtu != 0)
			strbuf_addf(&sb, " mtu %u", (unsigned)p->next_mtu);
		if (p->outbound)
			strbuf_addstr(&sb, " >");
		snprintf(line, n, "%s", sb.buf);
		strbuf_release(&sb);
	} else if (p->outbound) {
		snprintf(line, n, "%s >", p->summary ? p->summary : "");
	} else {
		snprintf(line, n, "< %s", p->summary ? p->summary : "");
	}
}

void layout_packet_line(char *buf, size_t n, const struct report_packet *p, int64_t rtt_us,
			int width)
{
	char line[2 * PACKET_LINE_MAX], when[32];
	int main_w;

	packet_text(line, sizeof(line), p);
	when[0] = '\0';
	if (!p->outbound && rtt_us >= 0)
		span_text(when, sizeof(when), rtt_us);
	main_w = width - (when[0] ? (int)strlen(when) + 2 : 0);
	if (main_w < 8) {
		when[0] = '\0';
		main_w = width;
	}
	{
		struct strbuf sb;
		char clipped[sizeof(line)];

		strbuf_init(&sb);
		strbuf_addstr(&sb, layout_clip(clipped, sizeof(clipped), line, main_w));
		if (when[0])
			strbuf_addf(&sb, "  %s", when);
		layout_clip(buf, n, sb.buf, width);
		strbuf_release(&sb);
	}
}

/* Whether p is a first SYN we sent (not a SYN-ACK). */
static bool is_our_syn(const struct report_packet *p)
{
	return p->outbound && p->has_tcp_flags &&
	       (p->tcp_flags & (REPORT_TCP_SYN | REPORT_TCP_ACK)) == REPORT_TCP_SYN;
}

/* Whether pkts[k] is an outbound SYN to the same address and port as syn. */
static bool syn_to(const struct report_packet *p, const struct report_packet *syn)
{
	return is_our_syn(p) && p->dst_port == syn->dst_port && strcmp(p->dst, syn->dst) == 0;
}

/* Whether p came back from syn's destination: from its address and port,
 * or an ICMP error quoting a packet to it. */
static bool answers(const struct report_packet *p, const struct report_packet *syn)
{
	if (p->outbound)
		return false;
	if (p->has_ports && p->src_port == syn->dst_port && strcmp(p->src, syn->dst) == 0)
		return true;
	return p->is_icmp && p->quoted.present && p->quoted.has_ports &&
	       p->quoted.dst_port == syn->dst_port && strcmp(p->quoted.dst, syn->dst) == 0;
}

bool layout_syn_unanswered(const struct report_packet *pkts, size_t first, size_t i, size_t end)
{
	const struct report_packet *syn = &pkts[i];

	if (!is_our_syn(syn) || syn->dst[0] == '\0')
		return false;
	/* the line goes under the first try; the retries speak for it */
	for (size_t k = first; k < i; k++)
		if (syn_to(&pkts[k], syn))
			return false;
	for (size_t k = i + 1; k < end; k++)
		if (answers(&pkts[k], syn))
			return false;
	return true;
}

void layout_silence_line(char *buf, size_t n, uint64_t ms, int width)
{
	char t[32], line[64];

	snprintf(t, sizeof(t), "%llu.%llu s", (unsigned long long)(ms / 1000),
		 (unsigned long long)(ms % 1000 / 100));
	snprintf(line, sizeof(line), "... no answer after %s", t);
	layout_clip(buf, n, line, width);
}


/* Adds a heading, the wrapped text under it, and a blank line. */
static void block(struct lines *ls, const char *heading, const char *text, int width)
{
	lines_add(ls, LK_HEADING, heading);
	lines_wrap(ls, LK_TEXT, "  ", text, width);
	lines_add(ls, LK_TEXT, "");
}

/* The step's result as a status line: the time left of a running one, or
 * the tag and the summary. */
static void panel_result(struct lines *ls, const struct report_step *s, int width, uint64_t now,
			 bool fine)
{
	char buf[512];

	if (s->status == STEP_RUNNING) {
		char wait[256];

		layout_wait_line(wait, sizeof(wait), s, width - 7, now, fine);
		snprintf(buf, sizeof(buf), "%s %s", step_status_tag(s->status), wait);
		lines_add(ls, LK_RUN, buf);
	} else if (s->status == STEP_PENDING) {
		snprintf(buf, sizeof(buf), "%s not run yet", step_status_tag(s->status));
		lines_add(ls, LK_TEXT, buf);
	} else {
		char *text = xasprintf("%s%s%s", s->stale ? WALK_STALE_WORDS : "",
				       s->stale && s->summary ? " " : "", s->summary ? s->summary : "");

		snprintf(buf, sizeof(buf), "%s ", step_status_tag(s->status));
		lines_wrap(ls, layout_status_kind(s->status), buf, text, width);
		free(text);
		if (s->stale)
			lines_wrap(ls, LK_TEXT, "  ", "Another step ran again after this one and "
				   "what it found may have changed: r runs this step again.", width);
	}
}

/* "What we check" and "Why it matters"; returns the index of their first
 * line (ls->n when the step has neither). */
static size_t panel_teaching(struct lines *ls, const struct report_step *s, int width)
{
	size_t at = ls->n;

	if (s->what != NULL)
		block(ls, "What we check", s->what, width);
	if (s->why != NULL)
		block(ls, "Why it matters", s->why, width);
	return at;
}

static void panel_command(struct lines *ls, const struct report_step *s, int width, bool blank)
{
	if (s->command == NULL)
		return;
	lines_add(ls, LK_HEADING, "You would type");
	lines_wrap(ls, LK_COMMAND, "  $ ", s->command, width);
	if (blank)
		lines_add(ls, LK_TEXT, "");
}

/* The full panel: the result, the teaching, the command, what we saw with
 * the summary again, what it means. */
static size_t panel_full(struct lines *ls, const struct report_step *s, int width, uint64_t now,
			 bool fine)
{
	size_t teach;

	panel_result(ls, s, width, now, fine);
	lines_add(ls, LK_TEXT, "");
	teach = panel_teaching(ls, s, width);
	panel_command(ls, s, width, true);
	lines_add(ls, LK_HEADING, "What we saw");
	if (s->status == STEP_PENDING) {
		lines_wrap(ls, LK_TEXT, "  ", "nothing yet: this step has not run.", width);
	} else {
		if (s->summary)
			lines_wrap(ls, LK_TEXT, "  ", s->summary, width);
		for (size_t i = 0; i < s->evidence.n; i++)
			lines_wrap(ls, LK_TEXT, "  - ", s->evidence.v[i], width);
		if (s->status == STEP_RUNNING && s->evidence.n == 0)
			lines_wrap(ls, LK_TEXT, "  ", "still running...", width);
	}
	lines_add(ls, LK_TEXT, "");
	if (s->reading != NULL)
		block(ls, "What it means", s->reading, width);
	return teach;
}

/* Whether a result needs reading: a failure, a warning, an error. */
static bool wants_reading(enum step_status st)
{
	return st == STEP_FAIL || st == STEP_WARN || st == STEP_ERROR;
}

/* "What it means" as a heading and its text; nothing when the step has none. */
static void panel_reading(struct lines *ls, const struct report_step *s, int width, bool blank)
{
	if (s->reading == NULL)
		return;
	lines_add(ls, LK_HEADING, "What it means");
	lines_wrap(ls, LK_TEXT, "  ", s->reading, width);
	if (blank)
		lines_add(ls, LK_TEXT, "");
}

/* The brief panel of a slow line: the command, what we saw (the result
 * once) and, for a result that needs reading (a failure, a warning), what
 * it means, without blank lines between them; then the rest (what it means
 * of a pass, a skip or a step still to come, what we check, why). The
 * headings keep their rows from one step to the next, so a step change
 * sends little more than the lines that differ. */
static size_t panel_brief(struct lines *ls, const struct report_step *s, int width, uint64_t now,
			  bool fine)
{
	bool read_now = wants_reading(s->status);
	size_t more;

	panel_command(ls, s, width, false);
	lines_add(ls, LK_HEADING, "What we saw");
	panel_result(ls, s, width, now, fine);
	if (s->status != STEP_PENDING)
		for (size_t i = 0; i < s->evidence.n; i++)
			lines_wrap(ls, LK_TEXT, "  - ", s->evidence.v[i], width);
	if (read_now)
		panel_reading(ls, s, width, false);
	lines_add(ls, LK_TEXT, "");
	more = ls->n;
	if (!read_now)
		panel_reading(ls, s, width, true);
	panel_teaching(ls, s, width);
	return more;
}

size_t layout_step_panel(struct lines *ls, const struct report_step *s, enum panel_view view,
			 int width, uint64_t now, bool fine)
{
	if (view == PANEL_BRIEF)
		return panel_brief(ls, s, width, now, fine);
	return panel_full(ls, s, width, now, fine);
}

/* A heading, "- " items and a blank line; nothing when there are none. */
static void items(struct lines *ls, const char *heading, const struct strv *sv, int width)
{
	if (sv->n == 0)
		return;
	lines_add(ls, LK_HEADING, heading);
	for (size_t i = 0; i < sv->n; i++)
		lines_wrap(ls, LK_TEXT, "  - ", sv->v[i], width);
	lines_add(ls, LK_TEXT, "");
}

void layout_verdict(struct lines *ls, const struct report *rep, const char *cause_title,
		    int width)
{
	const struct report_verdict *v = &rep->verdict;
	char buf[512], *note;

	if (rep->failed) {
		lines_wrap(ls, LK_FAIL, "", "The diagnosis could not run", width);
		lines_wrap(ls, LK_TEXT, "  ", rep->failure ? rep->failure : "no reason was given",
			   width);
		return;
	}
	if (!rep->has_verdict) {
		lines_wrap(ls, LK_TEXT, "", "No verdict yet: the steps have not all run.", width);
		return;
	}
	snprintf(buf, sizeof(buf), "%s %s", strcmp(v->cause, "ok") == 0 ? "[ OK ]" : "[FAIL]",
		 cause_title ? cause_title : v->cause);
	lines_wrap(ls, strcmp(v->cause, "ok") == 0 ? LK_OK : LK_FAIL, "", buf, width);
	snprintf(buf, sizeof(buf), "how sure: %s", v->confidence ? v->confidence : "not said");
	lines_wrap(ls, LK_TEXT, "  ", buf, width);
	lines_add(ls, LK_TEXT, "");
	if ((note = walk_stale_note(rep)) != NULL) {
		lines_wrap(ls, LK_WARN, "  ", note, width);
		lines_add(ls, LK_TEXT, "");
		free(note);
	}
	if (v->summary)
		lines_wrap(ls, LK_TEXT, "  ", v->summary, width);
	if (v->symptom_match)
		lines_wrap(ls, LK_TEXT, "  ", v->symptom_match, width);
	lines_add(ls, LK_TEXT, "");
	items(ls, "The evidence", &v->evidence, width);
	if ((v->fix && v->fix[0]) || v->fix_command || v->nfix_variants) {
		snprintf(buf, sizeof(buf), "The fix, %s", layout_fix_where(rep));
		lines_add(ls, LK_HEADING, buf);
		if (v->fix && v->fix[0])
			lines_wrap(ls, LK_TEXT, "  ", v->fix, width);
		if (v->fix_command)
			lines_wrap(ls, LK_COMMAND, "  $ ", v->fix_command, width);
		for (size_t i = 0; i < v->nfix_variants; i++) {
			snprintf(buf, sizeof(buf), "%s:", v->fix_variants[i].label);
			lines_wrap(ls, LK_TEXT, "  ", buf, width);
			lines_wrap(ls, LK_COMMAND, "  $ ", v->fix_variants[i].command, width);
		}
		lines_add(ls, LK_TEXT, "");
	}
	if (v->alternatives.n) {
		lines_add(ls, LK_HEADING, "Not ruled out");
		for (size_t i = 0; i < v->alternatives.n; i++) {
			const char *text = i < v->alternatives_text.n ? v->alternatives_text.v[i] : "";

			/* the cause's title says it in words; its id only when there is none */
			lines_wrap(ls, LK_TEXT, "  - ", text[0] ? text : v->alternatives.v[i], width);
		}
		lines_add(ls, LK_TEXT, "");
	}
	items(ls, "To prevent it", &v->prevention, width);
}

const char *layout_fix_where(const struct report *rep)
{
	const char *on = rep->verdict.fix_on ? rep->verdict.fix_on : "server";

	if (strcmp(on, "network") == 0)
		return "on the network: a router or firewall between the two machines";
	if (strcmp(on, side_name(rep->side)) == 0)
		return "on this machine";
	return strcmp(on, "server") == 0 ? "on the server" : "on the client";
}

void layout_help(struct lines *ls, const struct strv *glossary, int width)
{
	static const char *const keys[][2] = {
		{"Enter, n", "next step (runs it), or the verdict after the last one"},
		{"b", "back: the step before, or from a view to the steps"},
		{"r", "run this step again"},
		{"w", "what this step checks and why it matters (w again: back to the top); on "
		      "a slow line the panel opens on what we saw and what it means"},
		{"d", "details: the raw evidence of this step, scrollable"},
		{"?", "this help; ? or b again to go back"},
		{"s", "save the report to a file (text or JSON)"},
		{"q", "quit (Ctrl-C too); the terminal is put back as it was"},
		{"arrows", "scroll the text one line (j, k too); PgUp, PgDn one page (Space, u too)"},
		{"Ctrl-L", "repaint the whole screen"},
	};
	char buf[256];

	lines_add(ls, LK_HEADING, "Keys");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(buf, sizeof(buf), "  %-9s", keys[i][0]);
		lines_wrap(ls, LK_TEXT, buf, keys[i][1], width);
	}
	lines_wrap(ls, LK_TEXT, "  ", "Every action has a letter: ESC is never needed.", width);
	lines_add(ls, LK_TEXT, "");
	lines_add(ls, LK_HEADING, "Words");
	for (size_t i = 0; glossary && i < glossary->n; i++)
		lines_wrap(ls, LK_TEXT, "  ", glossary->v[i], width);
}

/* A blank line, a heading, then each entry wrapped after lead, or "(none)". */
static void list_section(struct lines *ls, const char *heading, const struct strv *sv,
			 const char *lead, int width)
{
	lines_add(ls, LK_TEXT, "");
	lines_add(ls, LK_HEADING, heading);
	if (sv->n == 0)
		lines_add(ls, LK_TEXT, "  (none)");
	for (size_t k = 0; k < sv->n; k++)
		lines_wrap(ls, LK_TEXT, lead, sv->v[k], width);
}

struct report_packet *layout_step_packets(const struct report *rep, int i, size_t first,
					  size_t *n)
{
	const struct report_capture *cap = &rep->capture;
	struct report_packet *v = NULL;
	size_t count = 0;

	*n = 0;
	for (size_t k = first; k < cap->npackets; k++)
		count += cap->packets[k].step == i;
	if (count == 0)
		return NULL;
	v = xcalloc(count, sizeof(*v));
	for (size_t k = first; k < cap->npackets; k++)
		if (cap->packets[k].step == i)
			v[(*n)++] = cap->packets[k];
	return v;
}

void layout_details(struct lines *ls, const struct report *rep, int i, size_t first_pkt,
		    const struct strv *messages, int width)
{
	const struct report_step *s = &rep->steps[i];
	char buf[512];
	size_t npk;
	struct report_packet *pk = layout_step_packets(rep, i, first_pkt, &npk);

	snprintf(buf, sizeof(buf), "%s %s", step_status_tag(s->status), s->title ? s->title : s->id);
	lines_wrap(ls, layout_status_kind(s->status), "", buf, width);
	if (s->status != STEP_PENDING && s->status != STEP_RUNNING) {
		snprintf(buf, sizeof(buf), "took %llu ms", (unsigned long long)s->duration_ms);
		lines_wrap(ls, LK_TEXT, "  ", buf, width);
	}
	list_section(ls, "Evidence", &s->evidence, "  - ", width);
	list_section(ls, "Raw details", &s->details, "  ", width);
	lines_add(ls, LK_TEXT, "");
	lines_add(ls, LK_HEADING, "Packets of this step");
	if (!rep->capture.available) {
		snprintf(buf, sizeof(buf), "capture off: %s",
			 rep->capture.reason ? rep->capture.reason : "not available");
		lines_wrap(ls, LK_TEXT, "  ", buf, width);
	} else if (npk == 0) {
		lines_add(ls, LK_TEXT, "  (none)");
	}
	for (size_t k = 0; k < npk; k++) {
		const struct report_packet *p = &pk[k];

		snprintf(buf, sizeof(buf), "  %10.3f ms %s ", (double)p->t_us / 1000.0,
			 p->outbound ? ">" : "<");
		lines_wrap(ls, LK_TEXT, buf, p->summary ? p->summary : "", width);
	}
	free(pk);
	if (rep->capture.available && rep->capture.outcome_text && npk > 0)
		lines_wrap(ls, LK_TEXT, "  ", rep->capture.outcome_text, width);
	if (rep->capture.available && (rep->capture.received || rep->capture.packets_dropped)) {
		snprintf(buf, sizeof(buf), "capture on %s: libpcap received %llu packets and dropped "
			 "%llu; %zu beyond the kept list were not kept",
			 rep->capture.interface ? rep->capture.interface : "?",
			 (unsigned long long)rep->capture.received,
			 (unsigned long long)rep->capture.dropped, rep->capture.packets_dropped);
		lines_wrap(ls, LK_TEXT, "  ", buf, width);
	}
	if (messages && messages->n) {
		lines_add(ls, LK_TEXT, "");
		lines_wrap(ls, LK_HEADING, "", "Messages written to stderr", width);
		for (size_t k = 0; k < messages->n; k++)
			lines_wrap(ls, LK_TEXT, "  ", messages->v[k], width);
	}
}

void layout_too_small(struct lines *ls, int w, int h, int width)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "This terminal is %dx%d; ssh-doctor needs at least %dx%d.",
		 w, h, LAYOUT_MIN_W, LAYOUT_MIN_H);
	lines_wrap(ls, LK_FAIL, "", buf, width);
	lines_wrap(ls, LK_TEXT, "", "Make the window larger. On a serial console, tell the "
		   "system the size of your terminal:", width);
	snprintf(buf, sizeof(buf), "stty rows %d cols %d", LAYOUT_MIN_H, LAYOUT_MIN_W);
	lines_wrap(ls, LK_COMMAND, "  $ ", buf, width);
	lines_wrap(ls, LK_TEXT, "", "q quits.", width);
}

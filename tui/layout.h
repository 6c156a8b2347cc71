/* SPDX-License-Identifier: MIT */
/* The wizard's layout and text, computed on plain buffers: where each pane
 * goes for a w x h terminal, text wrapped and clipped to a width, and the
 * one-line forms of a step and of a packet. No curses here, so the unit
 * tests can check every line without a terminal. */
#ifndef SSHD_LAYOUT_H
#define SSHD_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/* The smallest terminal the wizard draws in. */
#define LAYOUT_MIN_W 80
#define LAYOUT_MIN_H 24
/* From this width the step list and the panel sit side by side. */
#define LAYOUT_WIDE_W 120

/* A rectangle of the screen; h == 0 means the pane is not shown. */
struct rect {
	int y, x, h, w;
};

/* Where the step screen's panes go. */
struct layout {
	bool too_small;         /* below LAYOUT_MIN_W x LAYOUT_MIN_H: only a message */
	struct rect header;     /* one line: side, target, capture */
	struct rect steps;      /* the step list, one line a step */
	struct rect panel_bar;  /* one line: the current step's title */
	struct rect panel;      /* what / why / you would type / saw / means */
	struct rect capture_bar;/* one line: where the capture listens */
	struct rect capture;    /* one line a packet */
	struct rect keys;       /* the key line at the bottom */
	struct rect body;       /* header..keys excluded: full-screen views */
};

/* Splits a w x h screen for nsteps steps. At 80x24 the panes stack (steps,
 * panel, capture); from 120 columns the step list and the panel sit side by
 * side; extra rows go to the panel and the capture pane. Never fails: a
 * screen below the minimum sets too_small and only keys and body. */
void layout_compute(struct layout *l, int w, int h, int nsteps);

/* Display columns of s (UTF-8): one a character, none for a combining
 * mark, two for an East Asian wide character or an emoji; a byte that is
 * not part of a well-formed character counts as one. */
int layout_width(const char *s);

/* Copies the first columns of src that fit in width into dst (size n,
 * always NUL-terminated, never cutting a UTF-8 character); when src is
 * longer, the last column becomes '>' to say there is more. Returns dst. */
char *layout_clip(char *dst, size_t n, const char *src, int width);

/* Kinds of line in a text view; the wizard maps them to attributes. */
enum line_kind {
	LK_TEXT,
	LK_HEADING,   /* a section title: bold */
	LK_COMMAND,   /* a command to type: stands out */
	LK_OK, LK_FAIL, LK_WARN, LK_SKIP, LK_RUN, /* a status line */
};

/* Lines of a text view, already wrapped to its width. */
struct lines {
	char **v;
	unsigned char *kind;
	size_t n, alloc;
};
void lines_init(struct lines *ls);
void lines_release(struct lines *ls);
void lines_reset(struct lines *ls);
/* Adds one line as it is (the caller has made it fit). */
void lines_add(struct lines *ls, enum line_kind kind, const char *s);
/* Wraps text (which may hold '\n' for paragraph breaks) at width columns:
 * the first line starts with lead, the next ones with as many spaces as
 * lead is wide. A word longer than the line is cut. */
void lines_wrap(struct lines *ls, enum line_kind kind, const char *lead, const char *text,
		int width);

/* The line kind of a step status. */
enum line_kind layout_status_kind(enum step_status s);

/* "3 s" / "0.4 s" for a span in ms; tenths below 10 s when fine. Writes buf. */
char *layout_seconds(char *buf, size_t n, uint64_t ms, bool fine);

/* The column the step titles get in a list width wide: the longest title,
 * but at most three fifths of what is left after the status tag; a list
 * narrower than 60 columns is titles only. */
int layout_title_width(const struct report *rep, int width);

/* The step list's line: "[FAIL] Does anything answer on the port?" padded
 * to title_w columns (longer titles are clipped) and followed by the
 * summary, or for a running step by the time left ("[ .. ] ... 3 s left").
 * now is the monotonic clock in ms. Fits width. */
void layout_step_line(char *buf, size_t n, const struct report_step *s, int width,
		      int title_w, uint64_t now, bool fine);

/* What a waiting step waits for: "waiting for the resolver: 3 s left", or
 * "... : running for 2 s" past its deadline. Fits width. */
void layout_wait_line(char *buf, size_t n, const struct report_step *s, int width,
		      uint64_t now, bool fine);

/* The capture pane's line for a packet, from its summary:
 * "SYN > 192.0.2.2:22", "< RST,ACK from 192.0.2.2:22  0.12 ms",
 * "< ICMP 3/13 administratively prohibited from 192.0.2.1  0.3 ms".
 * rtt_us is the time since the last outbound packet, or -1 when none.
 * Fits width. */
void layout_packet_line(char *buf, size_t n, const struct report_packet *p, int64_t rtt_us,
			int width);

/* Whether pkts[i] is the first SYN in pkts[first..end) to its destination
 * and nothing there answered a SYN to it (a packet from that destination,
 * or an ICMP error quoting one): the place for a silence line. */
bool layout_syn_unanswered(const struct report_packet *pkts, size_t first, size_t i,
			   size_t end);

/* "... no answer after 1.0 s". */
void layout_silence_line(char *buf, size_t n, uint64_t ms, int width);

/* How a step's panel is ordered. */
enum panel_view {
	PANEL_FULL,   /* the result, what we check, why, you would type, what we saw, what it means */
	PANEL_BRIEF,  /* for a slow line: you would type, what we saw (the result once), what it
		       * means when the result needs reading (a failure, a warning, an error);
		       * then the rest: what it means otherwise, what we check, why */
};

/* The panel of a step in view's order, from the report (the engine filled
 * in the teaching text: report_step.what, why, reading). Returns the index in ls
 * of the first line of the teaching below the result (PANEL_FULL: what we
 * check; PANEL_BRIEF: the rest after the brief view), where the w key takes
 * the panel; ls->n when there is none. */
size_t layout_step_panel(struct lines *ls, const struct report_step *s, enum panel_view view,
			 int width, uint64_t now, bool fine);

/* The verdict screen: the cause in plain words, the evidence, the fix and
 * its command, what is not ruled out, how to prevent it. cause_title is
 * the cause's title from the assets, or NULL. */
void layout_verdict(struct lines *ls, const struct report *rep, const char *cause_title,
		    int width);

/* Where the verdict's fix is done, as seen from the machine the report was
 * made on: "on this machine", "on the server", "on the client", or "on
 * the network ...". A static string. */
const char *layout_fix_where(const struct report *rep);

/* The help screen: the keys, then the glossary ("term: text" entries). */
void layout_help(struct lines *ls, const struct strv *glossary, int width);

/* The packets of step i (report_packet.step == i) from index first of the
 * capture on, in order: a new array of *n shallow copies (their summaries
 * stay the report's, valid until the next engine_dispatch), or NULL when
 * there are none. The caller frees the array. */
struct report_packet *layout_step_packets(const struct report *rep, int i, size_t first,
					  size_t *n);

/* The details view of step i: evidence, raw details, every packet of the
 * step from index first_pkt of the capture on, in full, and the messages
 * caught on stderr. */
void layout_details(struct lines *ls, const struct report *rep, int i, size_t first_pkt,
		    const struct strv *messages, int width);

/* The message shown on a screen below the minimum, wrapped to width:
 * the size needed and how to set it on a serial line. */
void layout_too_small(struct lines *ls, int w, int h, int width);

#endif

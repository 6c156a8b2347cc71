/* SPDX-License-Identifier: MIT */
/* The line mode: the wizard's flow as plain text, one step after another,
 * for terminals that cannot address the cursor (TERM=dumb, unknown ones),
 * for output that is not a terminal, and for slow serial lines. It asks
 * for a line between steps with the wizard's keys, and goes on by itself
 * when no one can answer (stdin not a terminal, or at its end). */
#ifndef SSHD_LINEMODE_H
#define SSHD_LINEMODE_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/assets.h"
#include "engine/engine.h"
#include "tui/cli.h"

/* What a typed line asks for. */
enum linemode_key {
	LM_KEY_NEXT,    /* Enter or n */
	LM_KEY_BACK,    /* b */
	LM_KEY_RERUN,   /* r */
	LM_KEY_DETAILS, /* d */
	LM_KEY_HELP,    /* ? or h */
	LM_KEY_SAVE,    /* s */
	LM_KEY_QUIT,    /* q */
	LM_KEY_FIX,     /* f: the fix plan */
	LM_KEY_REPAINT, /* Ctrl-L: shows the current step again */
	LM_KEY_UNKNOWN,
};

/* The key a line typed at the prompt names (without its newline; white
 * space around it and case do not matter). */
enum linemode_key linemode_parse_key(const char *line);

/*
 * Text for one step, appended to sb, wrapped at width columns:
 * linemode_step_intro() is what shows before the step runs (its number and
 * title, what we check, why, the command a person would type);
 * linemode_step_result() is what shows when it ended (the status in words,
 * the title, the duration, what we saw, what it means). The step's teaching
 * text comes from its asset, with {host}, {port}, {user} filled in.
 */
void linemode_step_intro(struct strbuf *sb, const struct report *rep, size_t i, int width);
void linemode_step_result(struct strbuf *sb, const struct report *rep, size_t i, int width);

/* One line for a packet of the capture: direction, summary, time since the
 * first SYN; cut to width columns with "..." so it stays one line. */
void linemode_packet_line(struct strbuf *sb, const struct report_packet *p, int width);

/*
 * Runs the flow for o with the line mode: reads lines from in_fd (when
 * interactive; otherwise never), writes to out, wraps at width columns (0:
 * the terminal's width, or 80). Returns the exit status of the design: 0 or
 * 1 from the verdict once every step has run and the verdict was shown (as
 * in the wizard); 3 when the diagnosis could not run or was quit before its
 * verdict showed; 2 for a capture file that cannot be replayed.
 */
int linemode_run_io(const struct options *o, const struct assets *a, int in_fd, FILE *out,
		    bool interactive, int width);

/* linemode_run_io() on stdin and stdout, interactive when stdin is a
 * terminal, at the terminal's width. */
int linemode_run(const struct options *o, const struct assets *a);

#endif

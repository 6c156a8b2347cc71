/* SPDX-License-Identifier: MIT */
/* --fix after a batch or JSON diagnosis: the plan, asked on the terminal
 * or applied with --yes, the diagnosis again, and the undo when SSH still
 * does not answer. */
#ifndef SSHD_FIX_BATCH_H
#define SSHD_FIX_BATCH_H

#include "engine/engine.h"
#include "engine/util.h"
#include "tui/cli.h"

/* Whether this process may change the system for o: real and effective
 * uid 0 (never a set-user-id binary, never file capabilities alone), and
 * a terminal to ask on unless --yes. 0, or -1 with why filled. */
int fix_may_run(const struct options *o, struct strbuf *why);

/* The uid part of fix_may_run alone: for the faces that ask anyway. */
int fix_may_run_uid(struct strbuf *why);

/* After e ran to the end: writes the report (text or JSON, with the
 * "fix" object) and returns the exit status (0 when SSH answers now). */
int fix_batch_run(const struct options *o, const struct assets *a, struct engine *e, int width);

#endif

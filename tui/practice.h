/* SPDX-License-Identifier: MIT */
/* The practice lab's face (--practice): the menu of scenarios, the story,
 * ssh's own error line, the walk with the wizard (or the line mode) where
 * the learner guesses the cause, the server's console, and the teacher's
 * list, transcript and self-check. The sandbox itself is engine/lab/. */
#ifndef SSHD_PRACTICE_H
#define SSHD_PRACTICE_H

#include "engine/assets.h"
#include "tui/cli.h"

/* Runs what o->practice_name asks for; returns the exit status: 0 done (or,
 * for all and a transcript, every verdict as the scenario expects), 1 a
 * verdict differed, 2 an unknown scenario, 3 the lab cannot run here;
 * 128+N after signal N (the sandbox is removed first). */
int practice_main(const struct options *o, const struct assets *a);

/* --practice-cleanup PREFIX: removes that sandbox (a crashed lab's
 * hand-over to a fresh copy of itself). */
int practice_cleanup(const char *prefix);

#endif

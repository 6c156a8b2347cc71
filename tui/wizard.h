/* SPDX-License-Identifier: MIT */
/* The full-screen wizard: walks the flow one step at a time with ncursesw,
 * shows each step's teaching text, the packets as they come, the details,
 * the verdict and help. Works at 80x24 on a vt100 at 9600 baud. */
#ifndef SSHD_WIZARD_H
#define SSHD_WIZARD_H

#include <stdbool.h>

#include "engine/assets.h"
#include "tui/cli.h"

/* The practice lab's part in a walk (tui/practice.c): before the verdict
 * shows, the learner picks the cause they think it is; the verdict screen
 * then says whether it was right, with the evidence that decides. A key
 * leaves the walk for the server's console. */
struct wizard_lab {
	const char *title;            /* the scenario's, for the header */
	const struct strv *choices;   /* cause ids the learner may pick */
	const char *staged;           /* the staged cause: a right answer too */
	bool console_key;             /* 'g' leaves to go to the server's console */
	/* filled by the walk */
	char guess[48];               /* the id picked, "" for none */
	char found[48];               /* the verdict's cause */
	bool right;
	bool go_console;
};

/* Whether the wizard can run here: stdin and stdout are terminals and TERM
 * names a terminal with cursor addressing. */
bool wizard_possible(void);

/*
 * Runs the wizard until the person quits. With no HOST in o, it starts on
 * the start screen (which side, which target). Returns the exit status of
 * the design: 0 SSH answered, 1 a cause was found, 3 the diagnosis could
 * not run or was left before its verdict; 128+N when signal N ended it.
 * The terminal is restored before it returns, and what was written to
 * stderr meanwhile is printed then.
 */
int wizard_run(const struct options *o, const struct assets *a);

#endif

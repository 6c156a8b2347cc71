/* SPDX-License-Identifier: MIT */
/* The walk through a diagnosis one step at a time, as a person takes it:
 * which step is shown, which step runs when it is reached, and which
 * results are stale because another step ran again after them. The faces
 * (the wizard, the line mode) send these actions and draw the report; the
 * rule for what runs again after "r" lives here only.
 *
 * The rule: "r" runs the step shown again. The later steps that have run
 * read what it found: they are stale and must run again when the walk
 * reaches them before the verdict is shown. When the rerun ends with
 * another status than before, the world changed between the two runs (a
 * person fixed something): the earlier steps' results are from before the
 * change, and are stale too ("before the rerun"); they run again when the
 * walk reaches them, or with "r". A stale step is flagged in the report
 * (report_step.stale), so a verdict never sits beside an unmarked result
 * that the rerun made old. */
#ifndef SSHD_WALK_H
#define SSHD_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

/* What a walk action did, for the face to show. */
enum walk_outcome {
	WALK_SHOWN,          /* the step shown changed; nothing runs */
	WALK_RUNS,           /* the step shown runs (again) now */
	WALK_STILL_RUNNING,  /* next: the step shown has no result yet */
	WALK_BUSY,           /* r: a step is still running */
	WALK_FIRST,          /* back: this is the first step */
	WALK_VERDICT,        /* next on the last step: the verdict is ready */
	WALK_VERDICT_PENDING,/* ... the engine still works on it: wait for EV_DONE */
	WALK_FAILED,         /* the diagnosis cannot run: the verdict view says why */
	WALK_NOT_A_STEP,     /* r with no step to run (an empty flow) */
};

/* The walk's own state; lives inside the engine. */
struct walk {
	int cur;                    /* the step shown */
	int rerun;                  /* the step run again with r, until it ends; -1 */
	enum step_status rerun_was; /* its status before */
	bool *must_run;             /* per step: stale and after a rerun step: the
				     * verdict waits until it ran again */
	size_t n;
};

/* The pure rule, on a report the caller may change (the engine's own, on
 * the face's thread). */
void walk_init(struct walk *w, size_t nsteps);
void walk_release(struct walk *w);
/* r on step i: later steps that ran become stale (and must run again). */
void walk_mark_rerun(struct walk *w, struct report *rep, int i);
/* Step i is about to run (reached or rerun): it is no longer stale. */
void walk_step_runs(struct walk *w, struct report *rep, int i);
/* Step i ended: after a rerun whose status changed, the earlier steps
 * that ran become stale. */
void walk_step_finished(struct walk *w, struct report *rep, int i);
/* Whether step i runs when the walk reaches it: never run, or stale. */
bool walk_runs_when_reached(const struct report *rep, int i);
/* How many steps are stale. */
size_t walk_stale_count(const struct report *rep);

/* One sentence for the verdict: which steps are stale and what that
 * means; NULL when none is. The caller frees. */
char *walk_stale_note(const struct report *rep);

/* The actions, on an engine: each changes only the walk, may queue a run
 * (engine_run) and returns at once; progress comes as events. Call them
 * on the face's thread, as engine_dispatch(). */
void engine_walk_start(struct engine *e);        /* shows and runs step 0 */
enum walk_outcome engine_walk_next(struct engine *e);
enum walk_outcome engine_walk_back(struct engine *e);
enum walk_outcome engine_walk_rerun(struct engine *e);
int engine_walk_cur(const struct engine *e);
/* Every step ran, none must run again, the engine is idle and the verdict
 * that followed is in: the verdict may be shown. */
bool engine_walk_complete(const struct engine *e);

/* The words a face shows beside a stale result. */
#define WALK_STALE_WORDS "(before the rerun)"

#endif

/* SPDX-License-Identifier: MIT */
/* The walk's rule of what is stale after a step ran again (walk.h); pure
 * functions over the report, so the wizard and the line mode, which both
 * go through the engine's walk actions, cannot disagree about it. */
#include <stdlib.h>

#include "engine/util.h"
#include "engine/walk.h"

void walk_init(struct walk *w, size_t nsteps)
{
	w->cur = 0;
	w->rerun = -1;
	w->rerun_was = STEP_PENDING;
	w->n = nsteps;
	w->must_run = xcalloc(nsteps ? nsteps : 1, sizeof(*w->must_run));
}

void walk_release(struct walk *w)
{
	free(w->must_run);
	w->must_run = NULL;
	w->n = 0;
}

static bool has_run(const struct report_step *s)
{
	return s->status != STEP_PENDING && s->status != STEP_RUNNING;
}

void walk_mark_rerun(struct walk *w, struct report *rep, int i)
{
	if (i < 0 || (size_t)i >= rep->nsteps)
		return;
	w->rerun = i;
	w->rerun_was = rep->steps[i].status;
	/* later steps read what this one found */
	for (size_t j = (size_t)i + 1; j < rep->nsteps; j++) {
		if (!has_run(&rep->steps[j]))
			continue;
		rep->steps[j].stale = true;
		if (j < w->n)
			w->must_run[j] = true;
	}
	walk_step_runs(w, rep, i);
}

void walk_step_runs(struct walk *w, struct report *rep, int i)
{
	if (i < 0 || (size_t)i >= rep->nsteps)
		return;
	rep->steps[i].stale = false;
	if ((size_t)i < w->n)
		w->must_run[i] = false;
}

void walk_step_finished(struct walk *w, struct report *rep, int i)
{
	if (i != w->rerun || i < 0 || (size_t)i >= rep->nsteps)
		return;
	w->rerun = -1;
	if (w->rerun_was == STEP_PENDING || w->rerun_was == STEP_RUNNING ||
	    rep->steps[i].status == w->rerun_was)
		return;
	/* something changed between the two runs: what the earlier steps saw
	 * is from before it */
	for (int j = 0; j < i; j++)
		if (has_run(&rep->steps[j]))
			rep->steps[j].stale = true;
}

bool walk_runs_when_reached(const struct report *rep, int i)
{
	if (i < 0 || (size_t)i >= rep->nsteps)
		return false;
	return rep->steps[i].status == STEP_PENDING || rep->steps[i].stale;
}

size_t walk_stale_count(const struct report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->nsteps; i++)
		n += rep->steps[i].stale;
	return n;
}

char *walk_stale_note(const struct report *rep)
{
	struct strbuf sb;
	size_t n = walk_stale_count(rep), k = 0;

	if (n == 0)
		return NULL;
	strbuf_init(&sb);
	strbuf_addstr(&sb, n == 1 ? "Step " : "Steps ");
	for (size_t i = 0; i < rep->nsteps; i++) {
		if (!rep->steps[i].stale)
			continue;
		k++;
		strbuf_addf(&sb, "%s%zu", k == 1 ? "" : k == n ? " and " : ", ", i + 1);
	}
	strbuf_addf(&sb, " ran before another step ran again: %s marked "
		    WALK_STALE_WORDS " and may have changed since. This verdict rests on the "
		    "latest results; go back with b and run a step again with r to check it.",
		    n == 1 ? "its result is" : "their results are");
	return strbuf_detach(&sb, NULL);
}

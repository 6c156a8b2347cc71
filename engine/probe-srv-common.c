/* SPDX-License-Identifier: MIT */
/* What the server probes share: showing what the OS layer ran and saw. */
#include "engine/probe.h"

/* The text as detail lines, as the OS layer records command output. */
void srv_detail_text(struct step_work *w, const char *prefix, const char *text, size_t len,
		     size_t max_lines)
{
	struct os_trace t;

	os_trace_init(&t);
	os_trace_text(&t, prefix, text, len, max_lines);
	srv_trace_show(w, &t);
}

void srv_trace_show(struct step_work *w, struct os_trace *t)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].kind == OS_TRACE_NOTE)
			step_evidence(w, "%s", t->v[i].text);
		else
			step_detail(w, "%s", t->v[i].text);
	}
	os_trace_release(t);
}

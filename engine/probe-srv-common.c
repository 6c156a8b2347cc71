/* What the server probes share: showing what the OS layer ran and saw. */
#include <stdlib.h>
#include <string.h>

#include "engine/probe.h"

void srv_detail_text(struct step_work *w, const char *prefix, const char *text, size_t len,
		     size_t max_lines)
{
	size_t i = 0, lines = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		char *p;

		if (lines++ == max_lines) {
			step_detail(w, "%s... (more lines not shown)", prefix);
			return;
		}
		p = printable(text + i, n, true);
		step_detail(w, "%s%s", prefix, p);
		free(p);
		i += n + 1;
	}
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

/* SPDX-License-Identifier: MIT */
/* The text report: step by step, then the verdict. */
#include <stdlib.h>
#include <string.h>

#include "engine/fix.h"
#include "engine/walk.h"
#include "tui/layout.h"
#include "tui/report.h"

void wrap_text(struct strbuf *sb, const char *text, int indent, int width)
{
	int col = indent;
	const char *p = text;
	bool fresh = false;     /* right after a kept indent: no space before the word */

	while (*p) {
		const char *w = p;
		size_t n;

		if (*p == '\n') {
			strbuf_addch(sb, '\n');
			strbuf_addf(sb, "%*s", indent, "");
			col = indent;
			p++;
			/* an indented line (a file's lines to copy) keeps its indent */
			if (strncmp(p, "    ", 4) == 0) {
				size_t k = strspn(p, " ");

				strbuf_addf(sb, "%*s", (int)k, "");
				col += (int)k;
				p += k;
				fresh = true;
			}
			continue;
		}
		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ' && *p != '\n')
			p++;
		n = (size_t)(p - w);
		if (n == 0)
			continue;
		if (fresh) {
			fresh = false;
		} else if (col > indent && col + 1 + (int)n > width) {
			strbuf_addf(sb, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			strbuf_addch(sb, ' ');
			col++;
		}
		strbuf_add(sb, w, n);
		col += (int)n;
	}
}

static void para(FILE *out, const char *lead, const char *text, int indent, int width)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb, "%*s%s", indent, "", lead);
	wrap_text(&sb, text, indent + (int)strlen(lead), width);
	fprintf(out, "%s\n", sb.buf);
	strbuf_release(&sb);
}

int report_exit_status(const struct report *rep)
{
	if (rep->failed || !rep->has_verdict)
		return 3;
	return strcmp(rep->verdict.cause, "ok") == 0 ? 0 : 1;
}

void report_write_text_head(FILE *out, const struct report *rep, int width)
{
	if (width < 40)
		width = 40;
	fprintf(out, "ssh-doctor %s: %s side", SSHD_VERSION, side_name(rep->side));
	if (rep->host)
		fprintf(out, ", target %s%s%s port %d", rep->user ? rep->user : "", rep->user ? "@" : "",
			rep->host, rep->port);
	else if (rep->side == SIDE_SERVER)
		fprintf(out, ", this machine, port %d", rep->port);
	fputc('\n', out);
	if (rep->addresses.n) {
		fputs(rep->side == SIDE_SERVER ? "addresses clients use:" : "addresses:", out);
		for (size_t i = 0; i < rep->addresses.n; i++)
			fprintf(out, " %s", rep->addresses.v[i]);
		fputc('\n', out);
	}
	if (rep->symptom_text)
		fprintf(out, "ssh said: %s\n", rep->symptom_text);
	if (rep->capture.available && rep->capture.interface)
		fprintf(out, "capture: on %s\n", rep->capture.interface);
	else if (rep->capture.reason)
		para(out, "capture: off: ", rep->capture.reason, 0, width);
}

void report_write_text(FILE *out, const struct report *rep, int width)
{
	if (width < 40)
		width = 40;
	report_write_text_head(out, rep, width);
	fputc('\n', out);

	for (size_t i = 0; i < rep->nsteps; i++) {
		const struct report_step *s = &rep->steps[i];

		fprintf(out, "%s %s%s\n", step_status_tag(s->status), s->title,
			s->stale ? " " WALK_STALE_WORDS : "");
		if (s->summary)
			para(out, "", s->summary, 7, width);
		for (size_t k = 0; k < s->evidence.n; k++)
			para(out, "- ", s->evidence.v[k], 7, width);
		if (s->command && s->status != STEP_PENDING)
			para(out, "you would type: ", s->command, 7, width);
		fputc('\n', out);
	}

	if (rep->capture.npackets) {
		fputs("packets:\n", out);
		for (size_t i = 0; i < rep->capture.npackets; i++) {
			const struct report_packet *p = &rep->capture.packets[i];

			fprintf(out, "  %8.3f ms %s %s\n", (double)p->t_us / 1000.0,
				p->outbound ? ">" : "<", p->summary);
		}
		if (rep->capture.outcome_text)
			para(out, "  ", rep->capture.outcome_text, 0, width);
		fputc('\n', out);
	}
	report_write_text_verdict(out, rep, width);
}

void report_write_text_verdict(FILE *out, const struct report *rep, int width)
{
	const struct report_verdict *v = &rep->verdict;
	char *note;

	if (width < 40)
		width = 40;
	if (rep->failed) {
		para(out, "the diagnosis could not run: ", rep->failure ? rep->failure : "?", 0, width);
		return;
	}
	if (!rep->has_verdict)
		return;
	fprintf(out, "VERDICT: %s (%s)\n", v->cause, v->confidence);
	if (v->title)
		para(out, "", v->title, 2, width);
	para(out, "", v->summary, 2, width);
	if ((note = walk_stale_note(rep)) != NULL) {
		para(out, "", note, 2, width);
		free(note);
	}
	if (v->symptom_match)
		para(out, "", v->symptom_match, 2, width);
	if (v->judged_for.n) {
		struct strbuf sb;

		strbuf_init(&sb);
		for (size_t i = 0; i < v->judged_for.n; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "", v->judged_for.v[i]);
		para(out, "judged for the client at ", sb.buf, 2, width);
		strbuf_release(&sb);
	}
	if (v->evidence.n) {
		fputs("  evidence:\n", out);
		for (size_t i = 0; i < v->evidence.n; i++)
			para(out, "- ", v->evidence.v[i], 4, width);
	}
	if (v->unchecked.n) {
		fputs("  not checked, and could change the answer:\n", out);
		for (size_t i = 0; i < v->unchecked.n; i++)
			para(out, "- ", v->unchecked.v[i], 4, width);
	}
	if ((v->fix && v->fix[0]) || v->fix_command || v->nfix_variants) {
		char *lead = xasprintf("fix (%s): ", layout_fix_where(rep));

		/* a long "where" would leave the text a narrow column: it goes
		 * on the lines below */
		if ((int)strlen(lead) > width / 3 && v->fix && v->fix[0]) {
			fprintf(out, "  %.*s:\n", (int)strlen(lead) - 2, lead);
			para(out, "", v->fix, 4, width);
		} else {
			para(out, lead, v->fix && v->fix[0] ? v->fix : "", 2, width);
		}
		free(lead);
	}
	if (v->fix_command)
		fprintf(out, "    $ %s\n", v->fix_command);
	/* each on one line, labelled by a shell comment: still typed as is */
	for (size_t i = 0; i < v->nfix_variants; i++) {
		const struct fix_variant *fv = &v->fix_variants[i];

		if (10 + (int)(strlen(fv->command) + strlen(fv->label)) <= width)
			fprintf(out, "    $ %s  # %s\n", fv->command, fv->label);
		else
			fprintf(out, "    # %s\n    $ %s\n", fv->label, fv->command);
	}
	if (v->alternatives.n) {
		fputs("  not ruled out:\n", out);
		for (size_t i = 0; i < v->alternatives.n; i++) {
			const char *text = v->alternatives_text.v[i];

			para(out, "- ", text && text[0] ? text : v->alternatives.v[i], 4, width);
		}
	}
	if (v->prevention.n) {
		fputs("  to prevent it:\n", out);
		for (size_t i = 0; i < v->prevention.n; i++)
			para(out, "- ", v->prevention.v[i], 4, width);
	}
}

void report_write_text_fix(FILE *out, const struct report_fix *fx, int width)
{
	const struct fix_plan *p = fx->plan;
	bool undone, interrupted;
	char *state = report_fix_state(fx, &undone, &interrupted);

	if (width < 40)
		width = 40;
	fprintf(out, "\nFIX PLAN for %s, on the %s\n", p->cause ? p->cause : "?", p->on ? p->on : "?");
	if (p->refused || p->n == 0)
		para(out, "  no plan: ", p->why ? p->why : "nothing to change", 4, width);
	for (size_t i = 0; i < p->n; i++) {
		const struct fix_action *a = &p->v[i];
		const struct fix_record *r = report_fix_record(fx, i);
		char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);
		char lead[64];

		snprintf(lead, sizeof(lead), "%zu. [%s] ", i + 1, r && r->result ? r->result : "not run");
		para(out, lead, a->title, 4, width);
		para(out, "    ", cmd, 4, width);
		free(cmd);
		if (r && r->backup)
			para(out, "    backup: ", r->backup, 4, width);
		para(out, "    undo: ", r && r->undo ? r->undo : a->undo_text ? a->undo_text : "", 4, width);
		if (r && r->note)
			para(out, "    note: ", r->note, 4, width);
	}
	if (fx->before_cause)
		fprintf(out, "  before: %s    after: %s\n", fx->before_cause, fx->after_cause ? fx->after_cause : "(not checked)");
	para(out, "  state: ", state, 4, width);
	free(state);
}

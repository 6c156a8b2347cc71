/* SPDX-License-Identifier: MIT */
/* Feeds arbitrary bytes to the wizard's pure layout functions, as step
 * titles, summaries, commands, teaching text, evidence and packet
 * summaries, at every screen size (0x0 and tiny ones too), and checks what
 * the wizard relies on: the panes stay inside the screen and apart, and
 * every line made for a width fits it (below FIT_MIN columns wrapping
 * keeps a minimum of its own, so narrower widths are only run).
 *
 * Input: 8 bytes of sizes and switches, then fields separated by NUL:
 * title, summary, command, the step's text (a .step document), then
 * evidence lines; a field starting with '>' or '<' is a packet summary
 * instead (outbound, inbound). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assets.h"
#include "engine/util.h"
#include "tui/layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 64
/* Narrower widths are only run: lines_wrap() keeps at least 8 columns
 * after its lead, and the details view's packet lead ("  12.345 ms > ")
 * is 17 wide; the wizard's views are never narrower than 39 columns. */
#define FIT_MIN 32

/* Whether every line of ls fits width columns; says which does not. */
static void check_lines(const struct lines *ls, int width, const char *what)
{
	for (size_t i = 0; i < ls->n; i++) {
		if (ls->v[i] == NULL)
			abort();
		if (width >= FIT_MIN && layout_width(ls->v[i]) > width) {
			char *p = printable(ls->v[i], strlen(ls->v[i]), true);

			fprintf(stderr, "%s: line %zu is %d columns, wider than %d: \"%s\"\n", what, i,
				layout_width(ls->v[i]), width, p);
			free(p);
			abort();
		}
	}
}

/* Whether buf (of n bytes) is a string that fits width columns. */
static void check_buf(const char *buf, size_t n, int width)
{
	if (memchr(buf, '\0', n) == NULL)
		abort();
	if (width >= 1 && layout_width(buf) > width)
		abort();
}

static bool inside(const struct rect *r, int w, int h)
{
	return r->h == 0 || (r->y >= 0 && r->x >= 0 && r->w >= 0 && r->y + r->h <= h &&
			     r->x + r->w <= w);
}

static bool apart(const struct rect *a, const struct rect *b)
{
	return a->h == 0 || b->h == 0 || a->w == 0 || b->w == 0 ||
	       a->y + a->h <= b->y || b->y + b->h <= a->y ||
	       a->x + a->w <= b->x || b->x + b->w <= a->x;
}

static void check_layout(int w, int h, int nsteps)
{
	struct layout l;

	layout_compute(&l, w, h, nsteps);
	if (l.too_small) {
		if (w >= LAYOUT_MIN_W && h >= LAYOUT_MIN_H)
			abort();
		return;
	}
	{
		const struct rect *all[] = {&l.header, &l.steps, &l.panel_bar, &l.panel,
					    &l.capture_bar, &l.capture, &l.keys};
		size_t n = sizeof(all) / sizeof(all[0]);

		for (size_t i = 0; i < n; i++) {
			if (!inside(all[i], w, h))
				abort();
			for (size_t j = i + 1; j < n; j++)
				if (!apart(all[i], all[j]))
					abort();
		}
	}
	if (l.keys.y != h - 1 || l.panel.h < 1 || l.capture.h < 1 || l.steps.h < 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *fields[MAX_FIELDS] = {0};
	size_t nfields = 0;
	char *copy;
	int scr_w, scr_h, nsteps, width;
	enum step_status status;
	bool fine;
	struct report rep;
	struct report_step steps[2];
	struct report_packet pk[MAX_FIELDS];
	size_t npk = 0;
	struct asset_doc doc;
	bool have_doc = false;
	struct strbuf err;
	struct lines ls;
	struct strv glossary, messages;
	char buf[1024], tiny[16];

	if (size < 8)
		return 0;
	scr_w = data[0];
	scr_h = data[1];
	nsteps = data[2] % 64;
	width = data[3];
	status = (enum step_status)(data[4] % 7);
	fine = data[5] & 1;
	copy = xmalloc(size - 8 + 1);
	memcpy(copy, data + 8, size - 8);
	copy[size - 8] = '\0';
	for (char *p = copy; nfields < MAX_FIELDS;) {
		size_t n = strlen(p);

		fields[nfields++] = p;
		if (p + n >= copy + (size - 8))
			break;
		p += n + 1;
	}

	check_layout(scr_w, scr_h, nsteps);
	check_layout(scr_w * 4, scr_h * 2, nsteps);

	/* the step, from the fields */
	memset(steps, 0, sizeof(steps));
	for (int i = 0; i < 2; i++) {
		steps[i].id = "fuzz";
		steps[i].title = nfields > 0 ? fields[0] : "";
		steps[i].status = i == 0 ? status : STEP_PASS;
		steps[i].summary = nfields > 1 ? fields[1] : NULL;
		steps[i].command = nfields > 2 ? fields[2] : NULL;
		steps[i].wait_ms = (uint64_t)data[6] * 100;
		steps[i].started_ms = 1000;
		steps[i].wait_reason = nfields > 1 ? fields[1] : NULL;
		steps[i].stale = (data[6] & 1) != 0;
		strv_init(&steps[i].evidence);
		strv_init(&steps[i].details);
	}
	strbuf_init(&err);
	if (nfields > 3 && asset_doc_parse(&doc, "fuzz.step", fields[3], strlen(fields[3]), &err) == 0) {
		have_doc = true;
		steps[0].text = &doc;
		/* the teaching text as the engine fills it in: any text */
		steps[0].what = (char *)asset_doc_get(&doc, "what");
		steps[0].why = (char *)asset_doc_get(&doc, "why");
		steps[0].reading = (char *)asset_doc_get(&doc, "reading");
	}
	strv_init(&glossary);
	strv_init(&messages);
	for (size_t i = 4; i < nfields; i++) {
		if (fields[i][0] == '>' || fields[i][0] == '<') {
			pk[npk] = (struct report_packet){.t_us = (int64_t)i * 1000 - 3000,
							 .outbound = fields[i][0] == '>',
							 .summary = fields[i] + 1,
							 .step = (int)(i % 3) - 1, .ts_us = i};
			npk++;
		} else {
			strv_push(&steps[0].evidence, fields[i]);
			strv_push(&steps[0].details, fields[i]);
			strv_push(&glossary, fields[i]);
			strv_push(&messages, fields[i]);
		}
	}

	memset(&rep, 0, sizeof(rep));
	rep.steps = steps;
	rep.nsteps = 2;
	rep.host = nfields > 0 ? fields[0] : NULL;
	rep.port = 22;
	strv_init(&rep.addresses);
	rep.capture.available = data[5] & 2;
	rep.capture.reason = nfields > 1 ? fields[1] : NULL;
	rep.capture.interface = nfields > 2 ? fields[2] : NULL;
	rep.capture.outcome_text = nfields > 1 ? fields[1] : NULL;
	rep.capture.packets = pk;
	rep.capture.npackets = npk;
	rep.has_verdict = data[5] & 4;
	rep.failed = data[5] & 8;
	rep.failure = nfields > 1 ? fields[1] : NULL;
	rep.verdict.cause = nfields > 1 ? fields[1] : (char *)"ok";
	rep.verdict.confidence = (char *)"certain";
	rep.verdict.summary = nfields > 0 ? fields[0] : NULL;
	rep.verdict.fix = nfields > 2 ? fields[2] : NULL;
	rep.verdict.fix_command = nfields > 1 ? fields[1] : NULL;
	rep.verdict.symptom_match = nfields > 3 ? fields[3] : NULL;
	rep.verdict.evidence = steps[0].evidence;
	rep.verdict.alternatives = steps[0].details;
	rep.verdict.alternatives_text = glossary;
	rep.verdict.prevention = messages;

	/* single lines, into a roomy buffer and into tiny ones */
	for (int wd = 0; wd <= 3; wd++) {
		int wdt = wd == 0 ? width : wd == 1 ? 0 : wd == 2 ? 1 : 7;
		int title_w = layout_title_width(&rep, wdt);

		layout_step_line(buf, sizeof(buf), &steps[0], wdt, title_w, 1500, fine);
		check_buf(buf, sizeof(buf), wdt);
		layout_wait_line(buf, sizeof(buf), &steps[0], wdt, 1500, fine);
		check_buf(buf, sizeof(buf), wdt);
		layout_silence_line(buf, sizeof(buf), (uint64_t)data[7] * 37, wdt);
		check_buf(buf, sizeof(buf), wdt);
		for (size_t i = 0; i < npk; i++) {
			layout_packet_line(buf, sizeof(buf), &pk[i], i ? pk[i].t_us - pk[i - 1].t_us : -1,
					   wdt);
			check_buf(buf, sizeof(buf), wdt);
			(void)layout_syn_unanswered(pk, 0, i, npk);
		}
		for (size_t i = 0; i < nfields; i++) {
			size_t n = (size_t)(data[7] % sizeof(tiny)) + 1;

			layout_clip(tiny, n, fields[i], wdt);
			check_buf(tiny, n, wdt);
			layout_clip(buf, sizeof(buf), fields[i], wdt);
			check_buf(buf, sizeof(buf), wdt);
			if (layout_width(fields[i]) < 0)
				abort();
		}
	}

	/* whole views */
	lines_init(&ls);
	for (int v = 0; v < 2; v++) {
		size_t at = layout_step_panel(&ls, &steps[0], v ? PANEL_BRIEF : PANEL_FULL, width,
					      1500, fine);

		if (at > ls.n)
			abort();
		check_lines(&ls, width, v ? "brief panel" : "panel");
		lines_reset(&ls);
	}
	layout_verdict(&ls, &rep, nfields > 0 ? fields[0] : NULL, width);
	check_lines(&ls, width, "verdict");
	lines_reset(&ls);
	layout_help(&ls, &glossary, width);
	check_lines(&ls, width, "help");
	lines_reset(&ls);
	layout_details(&ls, &rep, 0, (size_t)data[7] % (npk + 1), &messages, width);
	check_lines(&ls, width, "details");
	lines_reset(&ls);
	layout_too_small(&ls, scr_w, scr_h, width);
	check_lines(&ls, width, "too small");
	lines_reset(&ls);
	for (size_t i = 0; i < nfields; i++)
		lines_wrap(&ls, LK_TEXT, i % 2 ? "  - " : "", fields[i], width);
	check_lines(&ls, width, "wrap");
	lines_release(&ls);
	{
		size_t n;
		struct report_packet *mine = layout_step_packets(&rep, 0, 0, &n);

		for (size_t i = 0; i < n; i++)
			if (mine[i].step != 0)
				abort();
		free(mine);
	}

	for (int i = 0; i < 2; i++) {
		strv_release(&steps[i].evidence);
		strv_release(&steps[i].details);
	}
	strv_release(&glossary);
	strv_release(&messages);
	if (have_doc)
		asset_doc_release(&doc);
	strbuf_release(&err);
	free(copy);
	return 0;
}

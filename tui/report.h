/* SPDX-License-Identifier: MIT */
/* The report faces: a readable text report and the JSON report of the
 * design. Both read only the engine's report. */
#ifndef SSHD_REPORT_H
#define SSHD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"

/* Writes the text report, wrapped to width columns. */
void report_write_text(FILE *out, const struct report *rep, int width);
/* Its parts: the head (side, target, addresses, capture), and the verdict
 * (or why the diagnosis could not run; nothing when there is neither). */
void report_write_text_head(FILE *out, const struct report *rep, int width);
void report_write_text_verdict(FILE *out, const struct report *rep, int width);
/* The JSON report's "schema_version": doc/report.schema.json describes it.
 * Fields are only ever added; a change that is not an addition raises it. */
#define REPORT_SCHEMA_VERSION 1

/* Writes the JSON report (one object, then a newline). Returns 0 or -1
 * (jansson could not write; the stream's own errors show in ferror()). */
int report_write_json(FILE *out, const struct report *rep);

struct fix_plan;
struct fix_log;
/* What --fix did, for the report's "fix" object. */
struct report_fix {
	const struct fix_plan *plan;
	const struct fix_log *log;      /* NULL: nothing was applied */
	/* or, for a face that applies one action at a time (the wizard, the
	 * line mode): logs[i] holds action i's record; used when log is NULL */
	const struct fix_log *logs;
	size_t nlogs;
	const char *before_cause;       /* the verdict the plan was made for */
	const char *after_cause;        /* the verdict of the diagnosis again, or NULL */
};
struct fix_record;
/* Action i's record in fx (borrowed from it), or NULL when i was not reached. */
const struct fix_record *report_fix_record(const struct report_fix *fx, size_t i);
/* The state the system is left in, in words ("new: ...", "old: ...",
 * "partial: ...", "mixed: ..."; the caller frees it), and whether every
 * applied action was undone and a signal came. With logs, what the
 * records say now, as a whole. */
char *report_fix_state(const struct report_fix *fx, bool *undone, bool *interrupted);
/* The fix plan of fx as text: each action, its command and result. */
void report_write_text_fix(FILE *out, const struct report_fix *fx, int width);
/* The JSON report rep with fx's "fix" object (fx NULL: none). */
int report_write_json_fix(FILE *out, const struct report *rep, const struct report_fix *fx);
/* Where one report of a fleet run stands among the targets. */
struct report_fleet {
	int index;                  /* 1-based, in the order the targets were given */
	int of;                     /* how many targets the run has */
	int line;                   /* the line of --targets FILE, 0 for a HOST argument */
	const char *given;          /* the target as written, printable */
};
/* The same report on one line, with its "fleet" object (JSON Lines). */
int report_write_json_line(FILE *out, const struct report *rep, const struct report_fleet *fl);
/* The JSON report of a diagnosis that could not start (exit status 3): what
 * ran (run; NULL: this process, from now), no steps, a null verdict, and
 * why in "error". */
int report_write_json_failure(FILE *out, const char *why, const struct run_info *run);

/* The exit status of the design for a finished report. */
int report_exit_status(const struct report *rep);

/* Appends text to sb wrapped at width, every line after the first starting
 * with indent spaces (the first is assumed already indented). */
void wrap_text(struct strbuf *sb, const char *text, int indent, int width);

#endif

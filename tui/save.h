/* SPDX-License-Identifier: MIT */
/* Saving the engine's report to a file, as text or as the design's JSON.
 * The file appears whole or not at all (written beside it, then renamed),
 * and an existing file is never replaced unless the caller says so. */
#ifndef SSHD_SAVE_H
#define SSHD_SAVE_H

#include <stdbool.h>

#include "engine/engine.h"

enum save_format {
	SAVE_TEXT,
	SAVE_JSON,
};

/* save_report()'s failures. */
enum {
	SAVE_ERR = -1,          /* could not write: err says why */
	SAVE_ERR_EXISTS = -2,   /* path exists and overwrite was false; nothing written */
};

/* The format a file name asks for: SAVE_JSON for a name ending in ".json"
 * (any case), SAVE_TEXT otherwise. */
enum save_format save_format_for_path(const char *path);

/* A file name to offer, "ssh-doctor-HOST-YYYYMMDD-HHMMSS.txt" (or ".json")
 * in the current folder, HOST reduced to letters, digits, '.', '-' and '_'
 * ("server" when the report has no host). The caller frees it. */
char *save_default_path(const struct report *rep, enum save_format fmt);

/*
 * Writes rep to path in fmt (text wrapped at width columns; 80 when width
 * is 0). The data goes to a temporary file in the same folder, is flushed to
 * disk, then takes the name path, so a reader never sees half a report and a
 * failure leaves nothing behind. When path exists and overwrite is false,
 * returns SAVE_ERR_EXISTS and leaves it alone; with overwrite true it is
 * replaced (a folder never is). The new file is readable only by its owner:
 * a report names users, hosts and addresses.
 * Returns 0, SAVE_ERR_EXISTS, or SAVE_ERR; on failure err holds one
 * lowercase sentence naming the file and what to do.
 */
int save_report(const struct report *rep, const char *path, enum save_format fmt,
		int width, bool overwrite, struct strbuf *err);

struct report_fix;
/* The same, with the fix plan and what became of it (fx NULL or without
 * a plan: none): the JSON report's "fix" object, as --fix --json writes
 * it; the text report lists each action and its result after the verdict. */
int save_report_fix(const struct report *rep, const struct report_fix *fx, const char *path,
		    enum save_format fmt, int width, bool overwrite, struct strbuf *err);

#endif

/* SPDX-License-Identifier: MIT */
/* The command line of the design, parsed into options. */
#ifndef SSHD_CLI_H
#define SSHD_CLI_H

#include <stdbool.h>

#include "engine/engine.h"
#include "engine/target.h"
#include "engine/util.h"
#include "tui/targets.h"

enum face { FACE_AUTO, FACE_BATCH, FACE_JSON };

struct wizard_lab;

struct options {
	struct target target;
	enum side side;
	enum face face;
	char *interface;
	bool no_capture;
	char *replay;
	char *sshd_config;
	struct strv from;       /* --from: client addresses, numeric */
	int watch;              /* --watch SECONDS, or -1 when not given */
	bool ascii;
	bool no_color;
	bool help;
	bool version;
	const struct run_info *run; /* what ran, for the reports; set by the caller, or NULL */
	bool practice;          /* --practice: the practice lab */
	bool keep_privileges;   /* no option sets it: a face run inside a test's own
				 * process must not give up the test's privileges */
	char *practice_name;    /* its NAME, "list", "all", or NULL for the menu */
	char *practice_cleanup; /* --practice-cleanup PREFIX (a crashed lab's hand-over) */
	struct wizard_lab *lab; /* a walk of the lab, set by the lab (not an option) */
	/* a fleet: --targets FILE, or several HOST arguments (then target is
	 * unused and the side is the client's) */
	bool fleet;
	struct fleet_list targets;
	int jobs;                   /* -j N; 0: the default (FLEET_JOBS_DEFAULT) */
	bool fix;                   /* --fix: offer the fix plan after the verdict */
	bool yes;                   /* --yes: with --fix, apply without asking */
	int confirm_timeout;        /* --confirm-timeout N: seconds to confirm a
				     * firewall change (default 60) */
};

#define FLEET_JOBS_DEFAULT 16
#define FLEET_JOBS_MAX 1024

void options_init(struct options *o);
void options_release(struct options *o);

/* Parses argv. Returns 0, or -1 with one lowercase line in err saying what
 * is wrong (the caller prints it and exits 2). Reads NO_COLOR from env. */
int options_parse(struct options *o, int argc, char **argv, struct strbuf *err);

/* The engine's configuration these options ask for, with assets a. */
void options_engine_config(const struct options *o, const struct assets *a, struct engine_config *cfg);
/* The --help text. */
void options_usage(FILE *out);

#endif

/* SPDX-License-Identifier: MIT */
/* The fleet face: many targets, a few at once, through the engine's seam,
 * one shared capture; JSON Lines or a table. */
#ifndef SSHD_FLEET_H
#define SSHD_FLEET_H

#include "engine/assets.h"
#include "tui/cli.h"

/* How many targets run at once for a wish of jobs (0: the default) and the
 * open-file limit nofile: each job may hold FLEET_FDS_PER_JOB descriptors,
 * and FLEET_FDS_SPARE are kept for the rest. Pure. At least 1. */
#define FLEET_FDS_PER_JOB 48
#define FLEET_FDS_SPARE 64
int fleet_jobs(int jobs, unsigned long nofile);

/* Diagnoses every target of o->targets, o->jobs at once, and prints a JSON
 * object per line (--json) or a table then counts per cause. Returns the
 * highest exit status of them all. */
int fleet_run(const struct options *o, const struct assets *a);

#endif

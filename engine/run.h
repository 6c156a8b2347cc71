/* SPDX-License-Identifier: MIT */
/* What ran: when, for how long, on which machine and system, with which
 * command line and privileges. Recorded once at the start of a run, for the
 * reports (the JSON report's "run"). */
#ifndef SSHD_RUN_H
#define SSHD_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/util.h"

struct run_info {
	char started[40];          /* ISO 8601 UTC, "2024-05-01T12:00:00.123Z" */
	uint64_t started_ms;       /* monotonic, now_ms() */
	uint64_t duration_ms;      /* from the start to the last run_info_update() */
	char *host;                /* gethostname(), printable; NULL when unknown */
	char *os_id;               /* os-release ID, VERSION_ID, PRETTY_NAME */
	char *os_version_id;       /*   (printable; NULL when the file lacks one) */
	char *os_pretty_name;
	char *kernel;              /* uname: "Linux 6.1.0-18-amd64"; NULL when unknown */
	struct strv argv;          /* the command line as given, printable */
	uid_t uid, euid;
	bool cap_net_raw;          /* CAP_NET_RAW is effective (always so for euid 0
				    * on a system without capabilities) */
};

/* Records the start now, and the machine, the system and the privileges;
 * argv (NULL-terminated, may be NULL) is copied. Never fails: what cannot be
 * found out is left NULL. Release with run_info_release(). */
void run_info_init(struct run_info *r, char *const *argv);
/* Copies src into dst (a deep copy; release both). */
void run_info_copy(struct run_info *dst, const struct run_info *src);
/* Sets the start to now (one target of a fleet starts later than the
 * process), duration_ms to 0. */
void run_info_restart(struct run_info *r);
/* Sets duration_ms to the time since the start. */
void run_info_update(struct run_info *r);
void run_info_release(struct run_info *r);

/* The value of KEY in the text of an os-release file, unquoted (the
 * caller frees), or NULL when the text has no such line. Pure. */
char *run_os_release_value(const char *text, const char *key);

#endif

/* SPDX-License-Identifier: MIT */
/* The variables every text of the tool fills in for a target ({host},
 * {port}, {addr}, {user}, {userhost}): the steps' teaching text and
 * commands (the engine) and the verdict's words (verdict.c,
 * verdict-server.c) take them from here, so the same {addr} means the same
 * address everywhere. */
#ifndef SSHD_TARGET_VARS_H
#define SSHD_TARGET_VARS_H

#include "engine/assets.h"
#include "engine/target.h"

#define TARGET_NVARS 5

struct target_vars {
	char port[16];
	char userhost[600];
	struct asset_var v[TARGET_NVARS]; /* host, port, addr, user, userhost */
};

/* Fills tv for t. host: t's host, else fallback (the server side's own
 * address), else "localhost". port: the port judged. addr: the address
 * judged, or NULL for the host. The values point into t, fallback, addr
 * and tv itself: valid while they are. Returns TARGET_NVARS. */
size_t target_vars_fill(struct target_vars *tv, const struct target *t, int port,
			const char *fallback, const char *addr);

#endif

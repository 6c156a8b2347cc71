/* SPDX-License-Identifier: MIT */
/* The variables of a target for the texts (target-vars.h). */
#include <stdio.h>

#include "engine/target-vars.h"

size_t target_vars_fill(struct target_vars *tv, const struct target *t, int port,
			const char *fallback, const char *addr)
{
	const char *host = t->host ? t->host : fallback ? fallback : "localhost";

	snprintf(tv->port, sizeof(tv->port), "%d", port);
	snprintf(tv->userhost, sizeof(tv->userhost), "%s%s%s", t->user ? t->user : "",
		 t->user ? "@" : "", host);
	tv->v[0] = (struct asset_var){"host", host};
	tv->v[1] = (struct asset_var){"port", tv->port};
	tv->v[2] = (struct asset_var){"addr", addr ? addr : host};
	tv->v[3] = (struct asset_var){"user", t->user ? t->user : "$USER"};
	tv->v[4] = (struct asset_var){"userhost", tv->userhost};
	return TARGET_NVARS;
}

/* SPDX-License-Identifier: MIT */
/* A cmocka setup and teardown that give a test the built-in assets in
 * *state. Include after <cmocka.h>. */
#ifndef SSHD_TEST_ASSETS_SETUP_H
#define SSHD_TEST_ASSETS_SETUP_H

#include "engine/assets.h"
#include "engine/util.h"

static inline int assets_setup(void **state)
{
	struct assets *a = xcalloc(1, sizeof(*a));
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(a, NULL, &err) != 0)
		fail_msg("expected the built-in assets to load: %s", err.buf);
	strbuf_release(&err);
	*state = a;
	return 0;
}

static inline int assets_teardown(void **state)
{
	assets_release(*state);
	free(*state);
	return 0;
}

#endif

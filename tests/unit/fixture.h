/* SPDX-License-Identifier: MIT */
/* Reading the recorded fixtures under tests/fixtures/ in a unit test.
 * Include after <cmocka.h>: a fixture that cannot be read fails the test. */
#ifndef SSHD_TEST_FIXTURE_H
#define SSHD_TEST_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "engine/os/os.h"
#include "engine/util.h"

#define FIXTURE_MAX (64u << 20)

/* Appends the fixture at tests/fixtures/REL to out. */
static inline void fixture_read(const char *rel, struct strbuf *out)
{
	char path[1024];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", SSHD_FIXTURES, rel);
	rc = os_read_file(path, FIXTURE_MAX, false, out);
	if (rc != 0)
		fail_msg("cannot read fixture '%s': %s", path, strerror(-rc));
}

/* The fixture at tests/fixtures/REL, NUL-terminated, its length in *len
 * (when len is not NULL); the caller frees it. */
static inline char *fixture_load(const char *rel, size_t *len)
{
	struct strbuf sb;

	strbuf_init(&sb);
	fixture_read(rel, &sb);
	return strbuf_detach(&sb, len);
}

#endif

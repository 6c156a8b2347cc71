/* SPDX-License-Identifier: MIT */
/* Fuzz the fix plan's text handling: a fix command split into argvs (the
 * verdict words it from rule text that came from outside) and the unified
 * diff of a file edit (file contents from outside). The input is split at
 * NUL bytes: the command, the old file, the new file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/fix.h"
#include "engine/os/os.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int find_any(const char *name, char *path, size_t pathlen)
{
	snprintf(path, pathlen, "/usr/bin/%s", name);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *part[3] = {"", "", ""};
	size_t len[3] = {0, 0, 0};
	struct strv *argvs;
	struct strbuf err;
	char *cmd, *diff;
	size_t n;

	for (int i = 0; i < 3 && p <= end; i++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));

		part[i] = p;
		len[i] = z ? (size_t)(z - p) : (size_t)(end - p);
		p += len[i] + 1;
	}
	os_set_find_hook(find_any);
	cmd = strndup(part[0], len[0]);
	strbuf_init(&err);
	if (cmd && fix_split_command(cmd, &argvs, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++) {
			char *t = fix_argv_text(&argvs[i]);

			free(t);
			strv_release(&argvs[i]);
		}
		free(argvs);
	}
	strbuf_release(&err);
	free(cmd);
	diff = fix_diff("/etc/ssh/sshd_config", part[1], len[1], part[2], len[2]);
	free(diff);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Fuzz the reader of a running sshd's command line (/proc/PID/cmdline: NUL
 * separated arguments, or the title sshd rewrites it to). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-sshd-args.h"
#include "engine/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct srv_proc p;

	memset(&p, 0, sizeof(p));
	strv_init(&p.options);
	srv_proc_parse_args(&p, (const char *)data, size);
	free(p.config);
	free(p.logfile);
	strv_release(&p.options);
	return 0;
}

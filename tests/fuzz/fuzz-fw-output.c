/* SPDX-License-Identifier: MIT */
/* Fuzz the reader of this machine's own OUTPUT rules (iptables-save text). */
#include <stdint.h>
#include <stdlib.h>

#include "engine/parse/parse-fw-output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_out_rule r;

	if (fw_out_find((const char *)data, size, "192.0.2.2", 22, &r) == 1) {
		free(fw_out_fix_command(&r, 4, "192.0.2.2", 22));
		fw_out_rule_release(&r);
	}
	return 0;
}

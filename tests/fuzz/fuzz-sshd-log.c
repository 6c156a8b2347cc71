/* SPDX-License-Identifier: MIT */
/* Fuzz the sshd log parsers: journalctl -o json, syslog and macOS lines, any
 * mix of them, and the lines an sshd writes itself (-e or -E). */
#include <stdint.h>
#include <string.h>

#include "engine/parse/parse-sshd-log.h"
#include "engine/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct sshd_log log;

	sshd_log_init(&log);
	sshd_log_parse_journal_json(&log, buf, size);
	sshd_log_parse_syslog(&log, buf, size);
	sshd_log_parse(&log, buf, size);
	sshd_log_parse_own(&log, buf, size, 4242);
	for (int k = 0; k < SSHD_LOG_KIND_COUNT; k++)
		sshd_log_last(&log, (enum sshd_log_kind)k);
	sshd_log_release(&log);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* A log file as a source of sshd's lines, the same on every platform. */
#include <errno.h>
#include <string.h>

#include "engine/os/os.h"

#define LOG_TAIL (256 * 1024)

void os_log_read_file(struct os_log_list *out, const char *path, const char *label, bool own, long pid)
{
	struct os_log_source *s = os_log_list_add(out, label);
	struct strbuf sb;
	int rc;

	s->own = own;
	strbuf_init(&sb);
	rc = os_read_file(path, LOG_TAIL, true, &sb);
	if (rc != 0) {
		os_trace_note(&s->trace, "%s: skipped (%s)", label, rc == -ENOENT ? "no such file" : strerror(-rc));
	} else {
		if (own)
			sshd_log_parse_own(&s->log, sb.buf, sb.len, pid);
		else
			sshd_log_parse(&s->log, sb.buf, sb.len);
		s->read = true;
	}
	strbuf_release(&sb);
}

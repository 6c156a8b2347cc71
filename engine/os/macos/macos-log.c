/* SPDX-License-Identifier: MIT */
/* macOS: the unified log's last hour of sshd, in syslog style, and
 * /var/log/system.log. */
#include "engine/os/macos/macos.h"

#define LOG_SHOW_MS 15000

static void read_log_show(struct os_log_list *out)
{
	char path[256];
	const char *argv[] = {path, "show", "--last", "1h", "--style", "syslog", "--predicate",
			      "process == \"sshd\" OR process == \"sshd-session\"", NULL};
	struct os_log_source *s = os_log_list_add(out, "macOS log");
	struct exec_result r;

	s->own = true;
	if (os_find("log", path, sizeof(path)) != 0) {
		os_trace_note(&s->trace, "macOS log: skipped (the log tool is not there)");
		return;
	}
	exec_result_init(&r);
	if (os_run(&s->trace, argv, LOG_SHOW_MS, &r, 0) == 0 && !r.timed_out) {
		sshd_log_parse_syslog(&s->log, r.out.buf, r.out.len);
		s->read = true;
	} else {
		os_trace_note(&s->trace, "macOS log: log show did not answer within 15 s");
	}
	exec_result_release(&r);
}

void macos_log_read(struct server_facts *f, struct os_log_list *out)
{
	read_log_show(out);
	os_log_read_file(out, "/var/log/system.log", "/var/log/system.log", false, 0);
}

/* SPDX-License-Identifier: MIT */
/* Linux: sshd's lines in the journal when journald runs, in
 * /var/log/auth.log (Debian) and /var/log/secure (RHEL), and in the file
 * the running sshd writes itself (its -E file, or its standard error when
 * that is a regular file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/os/linux/linux.h"

#define JOURNAL_MS 5000

static void read_journal(const struct server_facts *f, struct os_log_list *out)
{
	char path[256];
	/* sshd's own lines (OpenSSH 10 logs a connection as sshd-session), and
	 * systemd's lines about the units, which carry UNIT=, not _SYSTEMD_UNIT= */
	const char *argv[] = {path, "-o", "json", "-n", "300", "--no-pager", "SYSLOG_IDENTIFIER=sshd", "+",
			      "SYSLOG_IDENTIFIER=sshd-session", "+",
			      "_SYSTEMD_UNIT=ssh.service", "+", "_SYSTEMD_UNIT=sshd.service", "+",
			      "UNIT=ssh.service", "+", "UNIT=sshd.service", "+", "UNIT=ssh.socket", NULL};
	struct os_log_source *s = os_log_list_add(out, "the journal");
	struct exec_result r;

	s->own = f->systemd;
	if (!f->systemd && access("/run/systemd/journal/socket", F_OK) != 0) {
		os_trace_note(&s->trace, "the journal: skipped (journald does not run here)");
		return;
	}
	if (os_find("journalctl", path, sizeof(path)) != 0) {
		os_trace_note(&s->trace, "the journal: skipped (journalctl is not installed)");
		return;
	}
	exec_result_init(&r);
	if (os_run(&s->trace, argv, JOURNAL_MS, &r, 0) == 0 && !r.timed_out) {
		sshd_log_parse_journal_json(&s->log, r.out.buf, r.out.len);
		s->read = true;
	} else {
		os_trace_note(&s->trace, "the journal: journalctl did not answer");
	}
	exec_result_release(&r);
}

void linux_log_read(struct server_facts *f, struct os_log_list *out)
{
	read_journal(f, out);
	os_log_read_file(out, "/var/log/auth.log", "/var/log/auth.log", false, 0);
	os_log_read_file(out, "/var/log/secure", "/var/log/secure", false, 0);
	for (size_t i = 0; i < f->nprocs; i++) {
		const struct srv_proc *p = &f->procs[i];
		char path[64], *label;

		if (p->logfile) {
			label = xasprintf("%s (pid %ld's -E log)", p->logfile, p->pid);
			strv_push(&f->log_files, p->logfile);
			os_log_read_file(out, p->logfile, label, true, p->pid);
			free(label);
		} else if (p->stderr_is_file) {
			snprintf(path, sizeof(path), "/proc/%ld/fd/2", p->pid);
			label = xasprintf("pid %ld's standard error", p->pid);
			strv_push(&f->log_files, path);
			os_log_read_file(out, path, label, true, p->pid);
			free(label);
		}
	}
	if (f->nprocs == 0)
		os_trace_note(&os_log_list_add(out, "sshd's own log")->trace,
			      "no running sshd whose own log could be read");
}

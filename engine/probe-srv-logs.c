/* sshd's log: the lines that say why nobody can connect (bind failures,
 * "Cannot bind any address", fatal errors, wrapper refusals, MaxStartups
 * drops). Read from the journal when journald runs, /var/log/auth.log and
 * /var/log/secure, and the file the running sshd writes itself (its -E
 * file, or its standard error when that is a regular file). A missing
 * source is skipped with the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/parse/parse-sshd-log.h"
#include "engine/probe.h"

#define LOG_TAIL (256 * 1024)
#define JOURNAL_MS 5000

static bool notable(enum sshd_log_kind k)
{
	switch (k) {
	case SSHD_LOG_LISTENING:
	case SSHD_LOG_BIND_FAILED:
	case SSHD_LOG_NO_BIND:
	case SSHD_LOG_TCPWRAP_REFUSED:
	case SSHD_LOG_MAXSTARTUPS:
	case SSHD_LOG_CONFIG_ERROR:
	case SSHD_LOG_PRIVSEP_DIR:
	case SSHD_LOG_NO_HOSTKEYS:
	case SSHD_LOG_FATAL:
	case SSHD_LOG_TERMINATED:
	case SSHD_LOG_SERVICE_FAILED:
		return true;
	default:
		return false;
	}
}

/* Shows what one source holds and keeps the findings in f. own: the running
 * sshd writes this source, so its lines are about this sshd. */
static void take(struct step_work *w, struct server_facts *f, const char *source,
		 const struct sshd_log *log, bool own)
{
	size_t shown = 0, first = log->n > 200 ? log->n - 200 : 0;

	step_evidence(w, "%s: %zu sshd line(s)", source, log->n);
	for (size_t i = first; i < log->n; i++) {
		const struct sshd_log_event *ev = &log->v[i];

		step_detail(w, "%s: %s%s%s", source, ev->time ? ev->time : "", ev->time ? " " : "", ev->message);
		if (!own)
			continue;
		switch (ev->kind) {
		case SSHD_LOG_NO_BIND:
			f->log_no_bind = true;
			break;
		case SSHD_LOG_BIND_FAILED:
			free(f->log_bind_failed);
			f->log_bind_failed = xstrdup(ev->message);
			break;
		case SSHD_LOG_TCPWRAP_REFUSED:
			f->log_wrap_refused++;
			break;
		case SSHD_LOG_MAXSTARTUPS:
			f->log_maxstartups++;
			break;
		default:
			break;
		}
	}
	for (size_t i = log->n; i > first && shown < 8; i--) {
		const struct sshd_log_event *ev = &log->v[i - 1];

		if (!notable(ev->kind))
			continue;
		shown++;
		step_evidence(w, "%s: %s (%s)", source, ev->message, sshd_log_kind_name(ev->kind));
	}
}

/* own: the running sshd writes path itself (-e or -E): bare messages. */
static void read_file_source(struct step_work *w, struct server_facts *f, const char *path,
			     const char *label, bool own, long pid)
{
	struct strbuf sb;
	struct sshd_log log;
	int rc;

	strbuf_init(&sb);
	sshd_log_init(&log);
	rc = srv_read_file(path, LOG_TAIL, true, &sb);
	if (rc != 0) {
		step_evidence(w, "%s: skipped (%s)", label, rc == -ENOENT ? "no such file" : strerror(-rc));
	} else {
		if (own)
			sshd_log_parse_own(&log, sb.buf, sb.len, pid);
		else
			sshd_log_parse(&log, sb.buf, sb.len);
		take(w, f, label, &log, own);
	}
	sshd_log_release(&log);
	strbuf_release(&sb);
}

static void read_journal(struct step_work *w, struct server_facts *f)
{
	char path[256];
	/* sshd's own lines (OpenSSH 10 logs a connection as sshd-session), and
	 * systemd's lines about the units, which carry UNIT=, not _SYSTEMD_UNIT= */
	const char *argv[] = {path, "-o", "json", "-n", "300", "--no-pager", "SYSLOG_IDENTIFIER=sshd", "+",
			      "SYSLOG_IDENTIFIER=sshd-session", "+",
			      "_SYSTEMD_UNIT=ssh.service", "+", "_SYSTEMD_UNIT=sshd.service", "+",
			      "UNIT=ssh.service", "+", "UNIT=sshd.service", "+", "UNIT=ssh.socket", NULL};
	struct exec_result r;
	struct sshd_log log;

	if (!f->systemd && access("/run/systemd/journal/socket", F_OK) != 0) {
		step_evidence(w, "the journal: skipped (journald does not run here)");
		return;
	}
	if (srv_find("journalctl", path, sizeof(path)) != 0) {
		step_evidence(w, "the journal: skipped (journalctl is not installed)");
		return;
	}
	exec_result_init(&r);
	sshd_log_init(&log);
	if (srv_run(w, argv, JOURNAL_MS, &r, 0) == 0 && !r.timed_out) {
		sshd_log_parse_journal_json(&log, r.out.buf, r.out.len);
		take(w, f, "the journal", &log, f->systemd);
	} else {
		step_evidence(w, "the journal: journalctl did not answer");
	}
	sshd_log_release(&log);
	exec_result_release(&r);
}

/* macOS: the unified log's last hour of sshd, in syslog style. */
static void read_macos_log(struct step_work *w, struct server_facts *f)
{
	char path[256];
	const char *argv[] = {path, "show", "--last", "1h", "--style", "syslog", "--predicate",
			      "process == \"sshd\" OR process == \"sshd-session\"", NULL};
	struct exec_result r;
	struct sshd_log log;

	if (srv_find("log", path, sizeof(path)) != 0) {
		step_evidence(w, "macOS log: skipped (the log tool is not there)");
		return;
	}
	exec_result_init(&r);
	sshd_log_init(&log);
	if (srv_run(w, argv, 15000, &r, 0) == 0 && !r.timed_out) {
		sshd_log_parse_syslog(&log, r.out.buf, r.out.len);
		take(w, f, "macOS log", &log, true);
	} else {
		step_evidence(w, "macOS log: log show did not answer within 15 s");
	}
	sshd_log_release(&log);
	exec_result_release(&r);
}

int probe_srv_logs_run(struct step_work *w, struct server_facts *f)
{
	server_facts_forget_logs(f);
	f->logs_checked = true;
	if (f->macos) {
		read_macos_log(w, f);
		read_file_source(w, f, "/var/log/system.log", "/var/log/system.log", false, 0);
		goto judge;
	}
	read_journal(w, f);
	read_file_source(w, f, "/var/log/auth.log", "/var/log/auth.log", false, 0);
	read_file_source(w, f, "/var/log/secure", "/var/log/secure", false, 0);
	for (size_t i = 0; i < f->nprocs; i++) {
		const struct srv_proc *p = &f->procs[i];
		char path[64], *label;

		if (p->logfile) {
			label = xasprintf("%s (pid %ld's -E log)", p->logfile, p->pid);
			strv_push(&f->log_files, p->logfile);
			read_file_source(w, f, p->logfile, label, true, p->pid);
			free(label);
		} else if (p->stderr_is_file) {
			snprintf(path, sizeof(path), "/proc/%ld/fd/2", p->pid);
			label = xasprintf("pid %ld's standard error", p->pid);
			strv_push(&f->log_files, path);
			read_file_source(w, f, path, label, true, p->pid);
			free(label);
		}
	}
	if (f->nprocs == 0)
		step_evidence(w, "no running sshd whose own log could be read");
judge:
	if (f->log_no_bind || f->log_bind_failed)
		step_finish(w, STEP_FAIL, "sshd could not bind: %s",
			    f->log_bind_failed ? f->log_bind_failed : "Cannot bind any address");
	else if (f->log_wrap_refused || f->log_maxstartups)
		step_finish(w, STEP_WARN, "sshd refused connections: %zu by TCP wrappers, %zu past MaxStartups",
			    f->log_wrap_refused, f->log_maxstartups);
	else
		step_finish(w, STEP_PASS, "nothing in sshd's log says it cannot take connections");
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* sshd's log: the lines that say why nobody can connect (bind failures,
 * "Cannot bind any address", fatal errors, wrapper refusals, MaxStartups
 * drops), from every source the OS layer reads (the journal, auth.log,
 * secure, the running sshd's own file; macOS's unified log). A missing
 * source is skipped with the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/parse/parse-sshd-log.h"
#include "engine/probe.h"

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

static void drop_str(char **s)
{
	free(*s);
	*s = NULL;
}

/* Shows what one source holds and keeps the findings in f. own: the running
 * sshd writes this source, so its lines are about this sshd. */
static void take(struct step_work *w, struct server_facts *f, const char *source,
		 const struct sshd_log *log, bool own)
{
	size_t shown = 0, first = log->n > 200 ? log->n - 200 : 0;
	int bind_pid = 0;
	bool gave_up = false;	/* the failing sshd said "Cannot bind any address" and exited */

	step_evidence(w, "%s: %zu sshd line(s)", source, log->n);
	for (size_t i = first; i < log->n; i++) {
		const struct sshd_log_event *ev = &log->v[i];

		step_detail(w, "%s: %s%s%s", source, ev->time ? ev->time : "", ev->time ? " " : "", ev->message);
		if (!own)
			continue;
		switch (ev->kind) {
		case SSHD_LOG_NO_BIND:
			f->log_no_bind = true;
			bind_pid = ev->pid;
			gave_up = true;
			break;
		case SSHD_LOG_BIND_FAILED:
			free(f->log_bind_failed);
			f->log_bind_failed = xstrdup(ev->message);
			bind_pid = ev->pid;
			gave_up = false;
			if (ev->detail && str_starts_with(ev->detail, "Permission denied") && ev->port > 0)
				f->log_bind_denied_port = ev->port;
			break;
		case SSHD_LOG_LISTENING:
			/* it could bind that port after all (a later start) */
			if (ev->port > 0 && ev->port == f->log_bind_denied_port)
				f->log_bind_denied_port = 0;
			/* an sshd started since: the failures of an earlier one
			 * are history (the same process keeps its own: it may
			 * bind some ports and not others). One that gave up has
			 * exited, so a later "Server listening" is another sshd's
			 * even where the lines carry no pid (sshd -e's own file). */
			if ((f->log_bind_failed || f->log_no_bind) &&
			    ((ev->pid > 0 && ev->pid != bind_pid) || gave_up)) {
				drop_str(&f->log_bind_failed);
				f->log_no_bind = false;
			}
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
		step_evidence(w, "%s: %s (%s)", source, ev->message, sshd_log_kind_text(ev->kind));
	}
}

int probe_srv_logs_run(struct step_work *w, struct server_facts *f)
{
	struct os_log_list sources;

	server_facts_forget_logs(f);
	f->logs_checked = true;
	os_log_list_init(&sources);
	os_active()->log_read(f, &sources);
	for (size_t i = 0; i < sources.n; i++) {
		struct os_log_source *s = &sources.v[i];

		srv_trace_show(w, &s->trace);
		if (s->read)
			take(w, f, s->label, &s->log, s->own);
	}
	os_log_list_release(&sources);
	/* "Permission denied" binding a port, for root, is SELinux's doing */
	if (os_active()->mac_read != NULL) {
		struct os_trace t;

		os_trace_init(&t);
		os_active()->mac_read(f, f->log_bind_denied_port > 0, &t);
		srv_trace_show(w, &t);
	}
	if (f->log_bind_denied_port > 0 && f->selinux == SVC_SELINUX_ENFORCING)
		step_finish(w, STEP_FAIL, "sshd may not bind port %d: SELinux enforces, and the log says \"Permission denied\"",
			    f->log_bind_denied_port);
	else if (f->log_no_bind || f->log_bind_failed)
		step_finish(w, STEP_FAIL, "sshd could not bind: %s",
			    f->log_bind_failed ? f->log_bind_failed : "Cannot bind any address");
	else if (f->log_wrap_refused || f->log_maxstartups)
		step_finish(w, STEP_WARN, "sshd refused connections: %zu by TCP wrappers, %zu past MaxStartups",
			    f->log_wrap_refused, f->log_maxstartups);
	else
		step_finish(w, STEP_PASS, "nothing in sshd's log says it cannot take connections");
	return 0;
}

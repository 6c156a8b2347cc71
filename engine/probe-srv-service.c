/* SPDX-License-Identifier: MIT */
/* Is sshd running? The service manager's word (systemd, an init's own
 * files, launchd's Remote Login) and the sshd processes of this network
 * namespace, as the OS layer finds them; judged here. */
#include "engine/probe.h"

int probe_srv_service_run(struct step_work *w, struct server_facts *f)
{
	struct os_trace t;

	server_facts_forget_service(f);
	os_trace_init(&t);
	os_active()->service_read(f, &t);
	srv_trace_show(w, &t);
	if (f->launchd) {
		if (f->socket_active)
			step_finish(w, STEP_PASS, "Remote Login is on: launchd starts sshd for each connection");
		else
			step_finish(w, STEP_FAIL, "Remote Login is off: no sshd runs");
		return 0;
	}
	if (f->nrunning_here > 0)
		step_finish(w, STEP_PASS, "sshd is running (pid %ld)", f->procs[0].pid);
	else if (f->socket_active)
		step_finish(w, STEP_PASS, "ssh.socket listens: systemd starts sshd for each connection");
	else if (f->nrunning_hidden > 0)
		step_finish(w, STEP_WARN, "sshd runs, but this user cannot tell whether in this network namespace (the listeners step tells whether it serves this network)");
	else if (f->unit_found && f->unit_masked)
		step_finish(w, STEP_FAIL, "sshd is not running: %s is masked", f->unit);
	else if (f->unit_found)
		step_finish(w, STEP_FAIL, "sshd is not running: %s is %s", f->unit, f->unit_state);
	else
		step_finish(w, STEP_FAIL, "no sshd process runs in this network namespace");
	return 0;
}

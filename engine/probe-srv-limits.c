/* SPDX-License-Identifier: MIT */
/* Limits and bans: how many connections wait at sshd's port against
 * MaxStartups (past its first number sshd starts dropping new ones with
 * "Exceeded MaxStartups"), and which addresses fail2ban holds banned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/probe.h"

static bool sshd_port(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].is_sshd && f->listeners[i].port == port)
			return true;
	return false;
}

static void count_connections(struct step_work *w, struct server_facts *f)
{
	struct os_sock_list l;
	int n = 0;

	os_sock_list_init(&l);
	if (os_active()->connections_read(&l) != 0) {
		step_evidence(w, "the kernel's sock_diag did not answer: open connections not counted");
		os_sock_list_release(&l);
		return;
	}
	for (size_t i = 0; i < l.n; i++)
		if (sshd_port(f, l.v[i].port))
			n++;
	os_sock_list_release(&l);
	f->unauth_conns = n;
	step_evidence(w, "%d connection(s) open to sshd's port(s), those being authenticated and those logged in", n);
	if (f->maxstartups_known)
		step_evidence(w, "MaxStartups %d:%d:%d: with %d or more waiting for authentication, sshd drops new connections",
			      f->maxstartups.start, f->maxstartups.rate, f->maxstartups.full, f->maxstartups.start);
}

int probe_srv_limits_run(struct step_work *w, struct server_facts *f)
{
	char path[256];
	struct os_trace t;

	server_facts_forget_limits(f);
	count_connections(w, f);
	os_trace_init(&t);
	os_active()->bans_read(f, &t);
	srv_trace_show(w, &t);
	server_facts_merge_bans(f);
	if (os_find("sshguard", path, sizeof(path)) == 0)
		step_evidence(w, "sshguard is installed: its blocks show in the firewall step");
	if (f->banned.n > 0)
		step_finish(w, STEP_WARN, "%zu address(es) are banned from SSH (first: %s)", f->banned.n, f->banned.v[0]);
	else if (f->maxstartups_known && f->unauth_conns >= f->maxstartups.start)
		step_finish(w, STEP_FAIL, "%d connection%s wait%s at sshd's port: MaxStartups (%d) is reached",
			    f->unauth_conns, f->unauth_conns == 1 ? "" : "s", f->unauth_conns == 1 ? "s" : "",
			    f->maxstartups.start);
	else
		step_finish(w, STEP_PASS, "below sshd's connection limit, and nobody is banned");
	return 0;
}

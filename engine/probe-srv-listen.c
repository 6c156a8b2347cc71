/* SPDX-License-Identifier: MIT */
/* Who listens on which address and port, in this network namespace, and
 * which of them is sshd: the OS layer lists the listening sockets with
 * their owners (sock_diag or /proc/net/tcp on Linux, lsof on macOS); this
 * step judges them against the port clients use. */
#include <stdio.h>
#include <string.h>

#include "engine/probe.h"

/* True when an IPv4 wildcard socket also listens on port. */
static bool v4_wildcard_on(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].family == 4 && f->listeners[i].wildcard && f->listeners[i].port == port)
			return true;
	return false;
}

int probe_srv_listen_run(struct step_work *w, struct server_facts *f)
{
	struct os_trace t;
	const char *why = NULL;
	size_t on_port = 0;
	int rc;

	server_facts_forget_listeners(f);
	os_trace_init(&t);
	rc = os_active()->listeners_read(f, &t, &why);
	srv_trace_show(w, &t);
	if (rc != 0) {
		step_finish(w, STEP_ERROR, "%s", why);
		return 0;
	}
	for (size_t i = 0; i < f->nlisteners; i++) {
		struct srv_listener *o = &f->listeners[i];

		for (size_t k = 0; k < f->nprocs; k++)
			if (f->procs[k].pid == o->pid)
				o->is_sshd = true;
		if (strcmp(o->comm, "sshd") == 0)
			o->is_sshd = true;
		/* without root the owners of root's sockets are hidden: a port
		 * sshd is told to use, while sshd runs, is taken as its own */
		if (o->pid == 0 && (f->nrunning_here > 0 || f->nrunning_hidden > 0)) {
			for (size_t k = 0; k < f->ncfg_ports; k++)
				o->is_sshd |= f->cfg_ports[k] == o->port;
			for (size_t k = 0; k < f->nprocs; k++)
				o->is_sshd |= f->procs[k].port == o->port;
			if (o->is_sshd)
				step_detail(w, "the owner of port %d is hidden (not root): taken as sshd's, which runs and is told this port",
					    o->port);
		}
		step_detail(w, "listening: %s%s%s port %d%s, %s%s%ld", o->family == 6 ? "[" : "", o->addr,
			    o->family == 6 ? "]" : "", o->port, o->v6only ? " (IPv6 only)" : "",
			    o->comm[0] ? o->comm : "owner unknown", o->pid ? " pid " : "", o->pid);
		if (!o->is_sshd && o->port != f->port)
			continue;
		if (o->port == f->port)
			on_port++;
		step_evidence(w, "%s listens on %s%s%s port %d%s%s", o->comm[0] ? o->comm : "a program (owner unknown)",
			      o->family == 6 ? "[" : "", o->addr, o->family == 6 ? "]" : "", o->port,
			      o->family == 6 && o->wildcard && o->v6only_known
			      ? (!o->v6only ? " (IPv6 and IPv4)"
				 : v4_wildcard_on(f, o->port) ? " (IPv6 only; IPv4 has its own socket)"
				 : " (IPv6 only: IPv4 clients are refused)") : "",
			      o->port == f->port && !o->is_sshd ? ": this is not sshd" : "");
	}
	step_evidence(w, "%zu listening socket(s) in all, read from %s", f->nlisteners, f->listen_source);
	if (on_port == 0)
		step_finish(w, STEP_FAIL, "nothing listens on port %d", f->port);
	else if (srv_listener_on(f, f->port) && !srv_listener_on(f, f->port)->is_sshd)
		step_finish(w, STEP_FAIL, "port %d is held by %s, not by sshd", f->port,
			    srv_listener_on(f, f->port)->comm[0] ? srv_listener_on(f, f->port)->comm : "another program");
	else
		step_finish(w, STEP_PASS, "sshd listens on port %d", f->port);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* macOS: lsof names the listeners and their owners at once. */
#include <stdio.h>
#include <string.h>

#include "engine/os/macos/macos.h"

static int read_lsof(struct server_facts *f, struct os_trace *t)
{
	char path[256];
	const char *argv[] = {path, "-nP", "-iTCP", "-sTCP:LISTEN", NULL};
	struct exec_result r;
	struct svc_listener_list ll;
	int rc = -1;

	if (os_find("lsof", path, sizeof(path)) != 0)
		return -1;
	exec_result_init(&r);
	svc_listener_list_init(&ll);
	if (os_run(t, argv, 5000, &r, 200) == 0 && !r.timed_out &&
	    svc_parse_lsof_listen(r.out.buf, r.out.len, &ll) == 0) {
		rc = 0;
		for (size_t i = 0; i < ll.n && f->nlisteners < SRV_MAX_LISTEN; i++) {
			struct srv_listener *o = &f->listeners[f->nlisteners++];
			bool any = strcmp(ll.v[i].address, "*") == 0;

			memset(o, 0, sizeof(*o));
			o->family = ll.v[i].family;
			snprintf(o->addr, sizeof(o->addr), "%s", any ? (o->family == 6 ? "::" : "0.0.0.0")
				 : ll.v[i].address);
			o->wildcard = any;
			o->port = ll.v[i].port;
			o->pid = ll.v[i].pid;
			snprintf(o->comm, sizeof(o->comm), "%s", ll.v[i].command);
			/* launchd holds Remote Login's port for sshd */
			if (f->socket_active && o->pid == 1 && strcmp(o->comm, "launchd") == 0)
				for (size_t k = 0; k < f->nsocket_ports; k++)
					o->is_sshd |= f->socket_ports[k] == o->port;
		}
	}
	svc_listener_list_release(&ll);
	exec_result_release(&r);
	return rc;
}

int macos_listeners_read(struct server_facts *f, struct os_trace *t, const char **why)
{
	if (read_lsof(f, t) != 0) {
		*why = "lsof did not list the listening sockets";
		return -1;
	}
	f->listen_checked = true;
	f->listen_source = xstrdup("lsof");
	return 0;
}

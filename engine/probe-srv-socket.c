/* SPDX-License-Identifier: MIT */
/* Socket activation: when systemd's ssh.socket is active, systemd listens
 * and starts sshd per connection; the socket's ListenStream decides the
 * port and sshd_config's Port is ignored. Say so when they disagree, and
 * where the socket's ports come from: its unit file, a drop-in, or (Ubuntu
 * 24.04 and later) sshd-socket-generator, which writes them from
 * sshd_config each time systemd reloads. launchd does the same for macOS's
 * Remote Login, always on port 22. */
#include <stdio.h>

#include "engine/probe.h"

int probe_srv_socket_run(struct step_work *w, struct server_facts *f)
{
	bool disagree = false;

	if (f->launchd) {
		step_finish(w, f->socket_active ? STEP_PASS : STEP_SKIP, "%s",
			    f->socket_active ? "launchd listens on port 22 for sshd (ssh.plist); sshd_config's Port is not used"
			    : "Remote Login is off: launchd does not listen for sshd");
		return 0;
	}
	if (!f->systemd) {
		step_finish(w, STEP_SKIP, "systemd is not running here, so there is no ssh.socket");
		return 0;
	}
	if (!f->socket_active) {
		step_finish(w, STEP_PASS, "ssh.socket is not active: sshd listens by itself, as sshd_config says");
		return 0;
	}
	for (size_t i = 0; i < f->nsocket_ports; i++)
		step_evidence(w, "ssh.socket listens on port %d", f->socket_ports[i]);
	for (size_t i = 0; i < f->socket_dropins.n; i++) {
		const char *d = f->socket_dropins.v[i];

		if (str_starts_with(d, "/run/systemd/generator/"))
			step_evidence(w, "its ports were written from sshd_config by sshd-socket-generator, when systemd last reloaded: %s",
				      d);
		else
			step_evidence(w, "a drop-in may set its ports: %s", d);
	}
	if (f->socket_unit_file)
		step_detail(w, "ssh.socket's unit file: %s", f->socket_unit_file);
	for (size_t i = 0; i < f->ncfg_ports; i++) {
		bool found = false;

		for (size_t k = 0; k < f->nsocket_ports; k++)
			found |= f->socket_ports[k] == f->cfg_ports[i];
		if (!found) {
			disagree = true;
			if (f->socket_generator)
				step_evidence(w, "sshd_config says Port %d, but ssh.socket has not taken it: sshd-socket-generator writes the socket's ports only when systemd reloads (systemctl daemon-reload), and the socket listens on them once restarted",
					      f->cfg_ports[i]);
			else
				step_evidence(w, "sshd_config says Port %d, which is ignored while ssh.socket is active",
					      f->cfg_ports[i]);
		}
	}
	if (disagree)
		step_finish(w, STEP_FAIL, "ssh.socket listens elsewhere than sshd_config says");
	else
		step_finish(w, STEP_PASS, "ssh.socket listens on the port sshd_config names");
	return 0;
}

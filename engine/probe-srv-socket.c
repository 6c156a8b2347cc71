/* Socket activation: when systemd's ssh.socket is active, systemd listens
 * and starts sshd per connection; the socket's ListenStream decides the
 * port and sshd_config's Port is ignored. Say so when they disagree.
 * launchd does the same for macOS's Remote Login, always on port 22. */
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
	for (size_t i = 0; i < f->ncfg_ports; i++) {
		bool found = false;

		for (size_t k = 0; k < f->nsocket_ports; k++)
			found |= f->socket_ports[k] == f->cfg_ports[i];
		if (!found) {
			disagree = true;
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

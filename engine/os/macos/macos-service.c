/* SPDX-License-Identifier: MIT */
/* macOS: Remote Login is sshd's switch; launchd holds its port. */
#include <stdlib.h>
#include <string.h>

#include "engine/os/macos/macos.h"

#define LAUNCHCTL_MS 5000

/* macOS: Remote Login (systemsetup) and launchd's sshd job. launchd holds
 * port 22 and starts sshd for each connection, as ssh.socket does. */
void macos_service_read(struct server_facts *f, struct os_trace *t)
{
	char path[256];
	const char *ss[] = {path, "-getremotelogin", NULL};
	const char *lc[] = {path, "print", "system/com.openssh.sshd", NULL};
	enum svc_remote_login rl = SVC_RL_UNKNOWN;
	struct exec_result r;
	struct svc_launchd ld;

	f->launchd = true;
	exec_result_init(&r);
	if (os_find("systemsetup", path, sizeof(path)) == 0 && os_run(t, ss, LAUNCHCTL_MS, &r, 10) == 0) {
		struct strbuf both;

		strbuf_init(&both);
		strbuf_add(&both, r.out.buf, r.out.len);
		strbuf_add(&both, r.err.buf, r.err.len);
		rl = svc_parse_remote_login(both.buf, both.len);
		strbuf_release(&both);
		os_trace_note(t, "Remote Login: %s", svc_remote_login_name(rl));
	}
	exec_result_release(&r);
	exec_result_init(&r);
	svc_launchd_init(&ld);
	if (os_find("launchctl", path, sizeof(path)) == 0 && os_run(t, lc, LAUNCHCTL_MS, &r, 40) == 0) {
		struct strbuf both;

		strbuf_init(&both);
		strbuf_add(&both, r.out.buf, r.out.len);
		strbuf_add(&both, r.err.buf, r.err.len);
		if (svc_parse_launchctl_print(both.buf, both.len, &ld) == 0 && ld.found) {
			f->unit_found = true;
			f->unit = xstrdup("com.openssh.sshd");
			f->unit_state = xstrdup(ld.state ? ld.state : "loaded");
			f->unit_active = true;
			os_trace_note(t, "launchd: com.openssh.sshd is %s%s", f->unit_state,
				      ld.pid ? "" : " (launchd listens and starts sshd per connection)");
		} else {
			os_trace_note(t, "launchd has no com.openssh.sshd job: Remote Login is off");
		}
		strbuf_release(&both);
	}
	if (rl == SVC_RL_ON || (rl != SVC_RL_OFF && f->unit_found)) {
		f->socket_active = true;
		f->socket_ports[f->nsocket_ports++] = SSHD_DEFAULT_PORT;
	}
	f->unit_enabled = rl == SVC_RL_ON ? SRV_YES : rl == SVC_RL_OFF ? SRV_NO : SRV_UNKNOWN;
	svc_launchd_release(&ld);
	exec_result_release(&r);
}


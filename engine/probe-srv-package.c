/* SPDX-License-Identifier: MIT */
/* Is an OpenSSH server installed? The package manager's word, and whether an
 * sshd program is there at all (a server built from source has no package). */
#include "engine/probe.h"

int probe_srv_package_run(struct step_work *w, struct server_facts *f)
{
	struct os_trace t;

	server_facts_forget_package(f);
	os_trace_init(&t);
	os_active()->package_read(f, &t);
	srv_trace_show(w, &t);
	if (f->pkg_checked)
		step_evidence(w, "%s: openssh-server is %s%s%s", f->pkg_tool, svc_pkg_state_text(f->pkg_state),
			      f->pkg_version ? ", version " : "", f->pkg_version ? f->pkg_version : "");
	if (f->sshd_found)
		step_evidence(w, "the sshd program is %s", f->sshd_path);
	else
		step_evidence(w, "no sshd program in /usr/sbin, /usr/bin, /sbin, /usr/local/sbin or /usr/libexec");

	if (f->sshd_found && (f->pkg_state == SVC_PKG_INSTALLED || !f->pkg_checked))
		step_finish(w, STEP_PASS, "an OpenSSH server is installed%s%s%s",
			    f->pkg_version ? " (" : "", f->pkg_version ? f->pkg_version : "", f->pkg_version ? ")" : "");
	else if (f->sshd_found)
		step_finish(w, STEP_WARN, "sshd is there, but its package is %s", svc_pkg_state_text(f->pkg_state));
	else if (f->pkg_state == SVC_PKG_INSTALLED)
		step_finish(w, STEP_WARN, "the package says installed, but no sshd program was found");
	else
		step_finish(w, STEP_FAIL, "no OpenSSH server is installed on this machine");
	return 0;
}

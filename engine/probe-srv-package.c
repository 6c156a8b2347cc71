/* Is an OpenSSH server installed? The package manager's word, and whether an
 * sshd program is there at all (a server built from source has no package). */
#include <stdlib.h>
#include <string.h>

#include "engine/platform.h"
#include "engine/probe.h"

#define PKG_MS 5000

/* Keeps what the package manager said; a step run again replaces it. */
static void take_package(struct server_facts *f, const char *tool, const struct svc_package *p)
{
	f->pkg_checked = true;
	f->pkg_state = p->state;
	free(f->pkg_tool);
	f->pkg_tool = xstrdup(tool);
	free(f->pkg_version);
	f->pkg_version = p->version ? xstrdup(p->version) : NULL;
}

static void ask_dpkg(struct step_work *w, struct server_facts *f, const char *path)
{
	const char *argv[] = {path, "-W", "-f=${db:Status-Abbrev} ${Package} ${Version}\n",
			      "openssh-server", NULL};
	struct exec_result r;
	struct svc_package p;

	exec_result_init(&r);
	svc_package_init(&p);
	if (srv_run(w, argv, PKG_MS, &r, 20) == 0 &&
	    svc_parse_dpkg_query(r.out.buf, r.out.len, r.err.buf, r.err.len, "openssh-server", &p) == 0)
		take_package(f, "dpkg-query", &p);
	svc_package_release(&p);
	exec_result_release(&r);
}

static void ask_rpm(struct step_work *w, struct server_facts *f, const char *path)
{
	const char *argv[] = {path, "-q", "openssh-server", NULL};
	struct exec_result r;
	struct svc_package p;

	exec_result_init(&r);
	svc_package_init(&p);
	if (srv_run(w, argv, PKG_MS, &r, 20) == 0 &&
	    svc_parse_rpm_q(r.out.buf, r.out.len, "openssh-server", &p) == 0)
		take_package(f, "rpm", &p);
	svc_package_release(&p);
	exec_result_release(&r);
}

int probe_srv_package_run(struct step_work *w, struct server_facts *f)
{
	char path[256];

	server_facts_forget_package(f);
	f->sshd_found = srv_find("sshd", f->sshd_path, sizeof(f->sshd_path)) == 0;
	if (strcmp(platform_name(), "macos") == 0) {
		step_evidence(w, "macOS has the OpenSSH server built in (Remote Login)");
	} else if (srv_find("dpkg-query", path, sizeof(path)) == 0) {
		ask_dpkg(w, f, path);
	} else if (srv_find("rpm", path, sizeof(path)) == 0) {
		ask_rpm(w, f, path);
	} else {
		step_evidence(w, "no package manager we know (dpkg, rpm) is installed: only the sshd program is looked for");
	}
	if (f->pkg_checked)
		step_evidence(w, "%s: openssh-server is %s%s%s", f->pkg_tool, svc_pkg_state_name(f->pkg_state),
			      f->pkg_version ? ", version " : "", f->pkg_version ? f->pkg_version : "");
	if (f->sshd_found)
		step_evidence(w, "the sshd program is %s", f->sshd_path);
	else
		step_evidence(w, "no sshd program in /usr/sbin, /usr/bin, /sbin, /usr/local/sbin or /usr/libexec");

	if (f->sshd_found && (f->pkg_state == SVC_PKG_INSTALLED || !f->pkg_checked))
		step_finish(w, STEP_PASS, "an OpenSSH server is installed%s%s%s",
			    f->pkg_version ? " (" : "", f->pkg_version ? f->pkg_version : "", f->pkg_version ? ")" : "");
	else if (f->sshd_found)
		step_finish(w, STEP_WARN, "sshd is there, but its package is %s", svc_pkg_state_name(f->pkg_state));
	else if (f->pkg_state == SVC_PKG_INSTALLED)
		step_finish(w, STEP_WARN, "the package says installed, but no sshd program was found");
	else
		step_finish(w, STEP_FAIL, "no OpenSSH server is installed on this machine");
	return 0;
}

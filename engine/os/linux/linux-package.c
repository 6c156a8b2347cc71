/* SPDX-License-Identifier: MIT */
/* Linux: is the OpenSSH server package installed? dpkg's word on Debian
 * and its derivatives, rpm's on the RHEL family. */
#include <stdlib.h>
#include <string.h>

#include "engine/os/linux/linux.h"

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

static void ask_dpkg(struct server_facts *f, struct os_trace *t, const char *path)
{
	const char *argv[] = {path, "-W", "-f=${db:Status-Abbrev} ${Package} ${Version}\n",
			      "openssh-server", NULL};
	struct exec_result r;
	struct svc_package p;

	exec_result_init(&r);
	svc_package_init(&p);
	if (os_run(t, argv, PKG_MS, &r, 20) == 0 &&
	    svc_parse_dpkg_query(r.out.buf, r.out.len, r.err.buf, r.err.len, "openssh-server", &p) == 0)
		take_package(f, "dpkg-query", &p);
	svc_package_release(&p);
	exec_result_release(&r);
}

static void ask_rpm(struct server_facts *f, struct os_trace *t, const char *path)
{
	const char *argv[] = {path, "-q", "openssh-server", NULL};
	struct exec_result r;
	struct svc_package p;

	exec_result_init(&r);
	svc_package_init(&p);
	if (os_run(t, argv, PKG_MS, &r, 20) == 0 &&
	    svc_parse_rpm_q(r.out.buf, r.out.len, "openssh-server", &p) == 0)
		take_package(f, "rpm", &p);
	svc_package_release(&p);
	exec_result_release(&r);
}

void linux_package_read(struct server_facts *f, struct os_trace *t)
{
	char path[256];

	f->sshd_found = os_find("sshd", f->sshd_path, sizeof(f->sshd_path)) == 0;
	if (os_find("dpkg-query", path, sizeof(path)) == 0)
		ask_dpkg(f, t, path);
	else if (os_find("rpm", path, sizeof(path)) == 0)
		ask_rpm(f, t, path);
	else
		os_trace_note(t, "no package manager we know (dpkg, rpm) is installed: only the sshd program is looked for");
}

/* SPDX-License-Identifier: MIT */
/* SELinux, as far as it decides where sshd may listen: its mode (getenforce,
 * else /sys/fs/selinux/enforce) and the ports labelled ssh_port_t
 * (semanage port -l, slow: only asked for when it matters). RHEL, Fedora
 * and their kin enforce it; Debian and Ubuntu have none by default. */
#include <stdio.h>

#include "engine/os/linux/linux.h"

#define GETENFORCE_MS 3000
#define SEMANAGE_MS 15000

void linux_selinux_read(struct server_facts *f, bool ports, struct os_trace *t)
{
	char path[256];
	struct exec_result r;
	struct strbuf sb;

	exec_result_init(&r);
	if (os_find("getenforce", path, sizeof(path)) == 0) {
		const char *argv[] = {path, NULL};

		if (os_run(t, argv, GETENFORCE_MS, &r, 4) == 0 && r.status == 0)
			f->selinux = svc_parse_getenforce(r.out.buf, r.out.len);
	}
	exec_result_release(&r);
	if (f->selinux == SVC_SELINUX_UNKNOWN) {
		strbuf_init(&sb);
		if (os_read_file("/sys/fs/selinux/enforce", 16, false, &sb) == 0)
			f->selinux = svc_parse_getenforce(sb.buf, sb.len);
		strbuf_release(&sb);
	}
	if (f->selinux == SVC_SELINUX_UNKNOWN)
		return;
	os_trace_note(t, "SELinux is %s%s", svc_selinux_name(f->selinux),
		      f->selinux == SVC_SELINUX_ENFORCING ? ": sshd may bind only the ports labelled ssh_port_t" : "");
	if (!ports || f->selinux != SVC_SELINUX_ENFORCING)
		return;
	exec_result_init(&r);
	if (os_find("semanage", path, sizeof(path)) == 0) {
		const char *argv[] = {path, "port", "-l", NULL};
		int n;

		if (os_run(t, argv, SEMANAGE_MS, &r, 0) == 0 && r.status == 0 &&
		    (n = svc_parse_semanage_ports(r.out.buf, r.out.len, "ssh_port_t", "tcp", f->ssh_ports,
						  SRV_MAX_PORTS)) >= 0) {
			struct strbuf list;

			f->ssh_ports_known = true;
			f->nssh_ports = (size_t)n;
			strbuf_init(&list);
			for (size_t i = 0; i < f->nssh_ports; i++)
				if (f->ssh_ports[i][0] == f->ssh_ports[i][1])
					strbuf_addf(&list, "%s%d", i ? ", " : "", f->ssh_ports[i][0]);
				else
					strbuf_addf(&list, "%s%d-%d", i ? ", " : "", f->ssh_ports[i][0], f->ssh_ports[i][1]);
			os_trace_note(t, "SELinux lets sshd bind these TCP ports (ssh_port_t): %s", list.len ? list.buf : "none");
			strbuf_release(&list);
		}
	} else {
		os_trace_note(t, "semanage is not installed (policycoreutils-python-utils): the ports SELinux lets sshd bind are not known");
	}
	exec_result_release(&r);
}

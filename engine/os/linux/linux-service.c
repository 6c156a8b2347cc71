/* SPDX-License-Identifier: MIT */
/* Linux: is sshd running? systemd's word when systemd is PID 1 and
 * reachable; in any case the sshd processes themselves, from /proc, kept
 * only when they run in this network namespace (a container's or a test
 * host's sshd serves another network), with what their command line says:
 * -f, -p, -o, -E. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/os/linux/linux.h"
#include "engine/parse/parse-sshd-args.h"

#define SYSTEMCTL_MS 5000

static void read_small(const char *path, struct strbuf *out)
{
	os_read_file(path, 64 * 1024, false, out);
}

/* 1 when pid runs in the network namespace named self, 0 when not, -1
 * when that cannot be told (another user's process, without root). */
static int same_netns(long pid, const char *self)
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return errno == EACCES || errno == EPERM ? -1 : 0;
	buf[n] = '\0';
	return strcmp(buf, self) == 0;
}

static bool comm_is_sshd(long pid)
{
	char path[64];
	struct strbuf sb;
	bool yes;

	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	strbuf_init(&sb);
	read_small(path, &sb);
	yes = strcmp(str_trim(sb.buf), "sshd") == 0;
	strbuf_release(&sb);
	return yes;
}

static long parent_of(long pid)
{
	char path[64];
	struct strbuf sb;
	const char *p;
	long ppid = 0;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	strbuf_init(&sb);
	read_small(path, &sb);
	if ((p = strstr(sb.buf, "\nPPid:")) != NULL)
		ppid = strtol(p + 6, NULL, 10);
	strbuf_release(&sb);
	return ppid;
}

static void scan_processes(struct server_facts *f, struct os_trace *t)
{
	char self[64];
	ssize_t n = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t elsewhere = 0;

	self[n > 0 ? n : 0] = '\0';
	if (d == NULL) {
		os_trace_note(t, "cannot read /proc: the sshd processes are not known");
		return;
	}
	while ((de = readdir(d)) != NULL && f->nprocs < SRV_MAX_PROCS) {
		char path[64];
		struct strbuf cmd, comm;
		struct srv_proc *p;
		struct stat st;
		long pid;
		int here;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (!comm_is_sshd(pid) || comm_is_sshd(parent_of(pid)))
			continue;
		here = same_netns(pid, self);
		if (here == 0) {
			elsewhere++;
			continue;
		}
		/* a container's sshd looks the same from here: only the
		 * listeners can tell whether it serves this network */
		if (here < 0) {
			f->nrunning_hidden++;
			os_trace_note(t, "sshd runs as pid %ld, but its network namespace is hidden from this user: it may serve this network, or a container's (root can tell)",
				      pid);
			continue;
		}
		p = &f->procs[f->nprocs++];
		p->pid = pid;
		p->same_netns = true;
		strbuf_init(&cmd);
		strbuf_init(&comm);
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		read_small(path, &cmd);
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		read_small(path, &comm);
		p->cmdline = svc_proc_cmdline(comm.buf, comm.len, cmd.buf, cmd.len);
		srv_proc_parse_args(p, cmd.buf, cmd.len);
		snprintf(path, sizeof(path), "/proc/%ld/fd/2", pid);
		p->stderr_is_file = stat(path, &st) == 0 && S_ISREG(st.st_mode);
		strbuf_release(&cmd);
		strbuf_release(&comm);
		f->nrunning_here++;
		os_trace_note(t, "sshd runs here: pid %ld, %s", pid, p->cmdline);
		if (p->config)
			os_trace_note(t, "pid %ld reads its configuration from %s (-f)", pid, p->config);
		if (p->port)
			os_trace_note(t, "pid %ld was told its port on the command line: -p %d", pid, p->port);
		for (size_t i = 0; i < p->options.n; i++)
			os_trace_note(t, "pid %ld has an option on its command line: -o %s", pid, p->options.v[i]);
		if (p->logfile)
			os_trace_note(t, "pid %ld writes its log to %s (-E)", pid, p->logfile);
		else if (p->stderr_is_file)
			os_trace_note(t, "pid %ld writes its log to a file (its standard error)", pid);
	}
	closedir(d);
	if (elsewhere)
		os_trace_note(t, "%zu sshd process(es) run in other network namespaces (containers, test hosts): they do not serve this network",
			      elsewhere);
}

/* Ubuntu's generator of ssh.socket's ListenStream (openssh-server 1:9.6p1
 * in Ubuntu 24.04 and later). */
static const char *const socket_generators[] = {
	"/usr/lib/systemd/system-generators/sshd-socket-generator",
	"/lib/systemd/system-generators/sshd-socket-generator",
};

void linux_systemd_read(struct server_facts *f, struct os_trace *t)
{
	char path[256];
	const char *argv[] = {path, "show", "ssh.service", "sshd.service", "ssh.socket",
			      "-p", "Id,LoadState,ActiveState,SubState,UnitFileState,Result,MainPID,ExecMainStatus,Listen,TriggeredBy,RuntimeDirectory,FragmentPath,DropInPaths",
			      NULL};
	struct exec_result r;
	struct svc_unit_list ul;

	if (os_find("systemctl", path, sizeof(path)) != 0) {
		os_trace_note(t, "systemd runs, but systemctl is not installed");
		return;
	}
	exec_result_init(&r);
	svc_unit_list_init(&ul);
	if (os_run(t, argv, SYSTEMCTL_MS, &r, 60) == 0 &&
	    svc_parse_systemctl_show(r.out.buf, r.out.len, &ul) == 0) {
		const char *ids[] = {"ssh.service", "sshd.service"};
		const struct svc_unit *sock = svc_unit_list_find(&ul, "ssh.socket");

		for (size_t i = 0; i < 2 && !f->unit_found; i++) {
			const struct svc_unit *u = svc_unit_list_find(&ul, ids[i]);
			bool bad;

			if (u == NULL || svc_unit_is_missing(u))
				continue;
			f->unit_found = true;
			f->unit = xstrdup(ids[i]);
			f->unit_active = svc_unit_is_active(u);
			f->unit_masked = svc_unit_is_masked(u);
			for (size_t k = 0; k < u->runtime_dirs.n; k++)
				strv_push(&f->unit_runtime_dirs, u->runtime_dirs.v[k]);
			if (u->unit_file_state)
				f->unit_enabled = strcmp(u->unit_file_state, "enabled") == 0 ? SRV_YES : SRV_NO;
			bad = u->result && strcmp(u->result, "success") != 0;
			f->unit_state = xasprintf("%s%s%s%s%s%s", u->active_state ? u->active_state : "unknown",
						  u->sub_state ? " (" : "", u->sub_state ? u->sub_state : "",
						  bad ? ", " : "", bad ? u->result : "", u->sub_state ? ")" : "");
			if (f->unit_masked)
				os_trace_note(t, "systemd: %s is %s and masked: systemd refuses to start or enable it until it is unmasked (systemctl unmask %s)",
					      ids[i], f->unit_state, ids[i]);
			else
				os_trace_note(t, "systemd: %s is %s, %s at boot", ids[i], f->unit_state,
					      f->unit_enabled == SRV_YES ? "enabled" : f->unit_enabled == SRV_NO
					      ? "not enabled" : "unknown whether enabled");
		}
		if (sock && !svc_unit_is_missing(sock) && svc_unit_is_active(sock)) {
			f->socket_active = true;
			for (size_t i = 0; i < sock->nlisten && f->nsocket_ports < SRV_MAX_PORTS; i++)
				if (sock->listen[i].port)
					f->socket_ports[f->nsocket_ports++] = sock->listen[i].port;
		}
		if (sock && !svc_unit_is_missing(sock)) {
			if (sock->fragment_path && sock->fragment_path[0])
				f->socket_unit_file = xstrdup(sock->fragment_path);
			for (size_t i = 0; i < sock->dropins.n; i++)
				strv_push(&f->socket_dropins, sock->dropins.v[i]);
		}
		/* Ubuntu 24.04 and later: ssh.socket's ports come from sshd_config */
		for (size_t i = 0; i < sizeof(socket_generators) / sizeof(socket_generators[0]); i++)
			if (os_file_readable(socket_generators[i])) {
				f->socket_generator = true;
				os_trace_note(t, "%s is installed: when systemd reloads, it writes ssh.socket's ports from sshd_config's Port and ListenAddress",
					      socket_generators[i]);
				break;
			}
		if (!f->unit_found)
			os_trace_note(t, "systemd knows no ssh.service or sshd.service");
	} else {
		os_trace_note(t, "systemctl show did not answer: the service state is not known");
	}
	svc_unit_list_release(&ul);
	exec_result_release(&r);
}

/* Without systemd: the init's own way to start sshd, when it has one for
 * it. Only files are looked at: init scripts are never run. */
static void find_init(struct server_facts *f, struct os_trace *t)
{
	static const struct {
		enum svc_manager mgr;
		const char *path;
		const char *start;
	} inits[] = {
		{SVC_MGR_OPENRC, "/etc/init.d/sshd", "sudo rc-service sshd start"},
		{SVC_MGR_RUNIT, "/etc/sv/sshd", "sudo sv up sshd"},
		{SVC_MGR_RUNIT, "/etc/service/sshd", "sudo sv up sshd"},
		{SVC_MGR_SYSVINIT, "/etc/init.d/ssh", "sudo service ssh start"},
		{SVC_MGR_SYSVINIT, "/etc/init.d/sshd", "sudo service sshd start"},
	};

	for (size_t i = 0; i < sizeof(inits) / sizeof(inits[0]); i++)
		if (inits[i].mgr == f->manager && access(inits[i].path, F_OK) == 0) {
			f->init_start = xstrdup(inits[i].start);
			os_trace_note(t, "%s has %s for sshd: \"%s\" starts it", svc_manager_name(f->manager),
				      inits[i].path, inits[i].start);
			return;
		}
}

void linux_service_read(struct server_facts *f, struct os_trace *t)
{
	struct strbuf comm;

	strbuf_init(&comm);
	os_read_file("/proc/1/comm", 256, false, &comm);
	f->manager = svc_manager_from_comm(comm.buf, comm.len);
	f->systemd = f->manager == SVC_MGR_SYSTEMD && access("/run/systemd/system", F_OK) == 0;
	{
		char self[64];
		ssize_t n = readlink("/proc/self/ns/net", self, sizeof(self) - 1);

		self[n > 0 ? n : 0] = '\0';
		f->manager_elsewhere = n > 0 && same_netns(1, self) == 0;
	}
	os_trace_note(t, "PID 1 is %s%s%s: %s", str_trim(comm.buf)[0] ? "\"" : "",
		      str_trim(comm.buf), str_trim(comm.buf)[0] ? "\"" : "unknown",
		      f->systemd ? "systemd manages the services"
		      : f->manager == SVC_MGR_UNKNOWN ? "no service manager we know; sshd runs only if something started it"
		      : svc_manager_supervises(f->manager) ? "a service manager without systemctl"
		      : "a minimal init: nothing starts sshd unless the entrypoint does");
	strbuf_release(&comm);
	if (f->systemd)
		linux_systemd_read(f, t);
	else
		find_init(f, t);
	scan_processes(f, t);
}

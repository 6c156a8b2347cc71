/* Who listens on which address and port, in this network namespace: the
 * kernel's sock_diag netlink answer (it also says whether an IPv6 socket
 * refuses IPv4), /proc/net/tcp and tcp6 when netlink is not there, and the
 * owner of each socket from /proc/PID/fd. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/parse/parse-proc-net.h"
#include "engine/probe.h"

#define DIAG_TIMEOUT_MS 2000

static void diag_add(struct srv_sock_list *l, const struct srv_sock *s)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = *s;
}

void srv_sock_list_init(struct srv_sock_list *l)
{
	memset(l, 0, sizeof(*l));
}

void srv_sock_list_release(struct srv_sock_list *l)
{
	free(l->v);
	srv_sock_list_init(l);
}

/* Reads one inet_diag_msg (and its attributes) from data[0..len). */
static void diag_parse_one(const unsigned char *data, size_t len, int family, struct srv_sock_list *l)
{
	struct inet_diag_msg m;
	struct srv_sock s;
	size_t off;

	if (len < sizeof(m))
		return;
	memcpy(&m, data, sizeof(m));
	memset(&s, 0, sizeof(s));
	s.family = family == AF_INET6 ? 6 : 4;
	s.state = m.idiag_state;
	s.port = ntohs(m.id.idiag_sport);
	s.inode = m.idiag_inode;
	if (family == AF_INET6) {
		struct in6_addr a;

		memcpy(&a, m.id.idiag_src, sizeof(a));
		inet_ntop(AF_INET6, &a, s.addr, sizeof(s.addr));
		s.wildcard = IN6_IS_ADDR_UNSPECIFIED(&a);
	} else {
		struct in_addr a;

		memcpy(&a, m.id.idiag_src, sizeof(a));
		inet_ntop(AF_INET, &a, s.addr, sizeof(s.addr));
		s.wildcard = a.s_addr == 0;
	}
	off = NLMSG_ALIGN(sizeof(m));
	while (off + sizeof(struct rtattr) <= len) {
		struct rtattr ra;

		memcpy(&ra, data + off, sizeof(ra));
		if (ra.rta_len < sizeof(ra) || off + ra.rta_len > len)
			break;
		if (ra.rta_type == INET_DIAG_SKV6ONLY && ra.rta_len >= sizeof(ra) + 1) {
			s.v6only_known = true;
			s.v6only = data[off + RTA_LENGTH(0)] != 0;
		}
		off += RTA_ALIGN(ra.rta_len);
	}
	diag_add(l, &s);
}

int srv_diag_tcp(int family, uint32_t states, struct srv_sock_list *l)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct timeval tv = {.tv_sec = DIAG_TIMEOUT_MS / 1000, .tv_usec = (DIAG_TIMEOUT_MS % 1000) * 1000};
	const size_t bufsize = 32768;
	unsigned char *buf;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int rc = 0;
	bool done = false;

	if (fd < 0)
		return -errno;
	buf = xmalloc(bufsize);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = states;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	/* bounded: the kernel ends a dump with NLMSG_DONE; a silent socket times out */
	for (int rounds = 0; !done && rounds < 10000; rounds++) {
		ssize_t n = recv(fd, buf, bufsize, 0);
		size_t off = 0;

		if (n < 0) {
			rc = errno == EAGAIN ? -ETIMEDOUT : -errno;
			break;
		}
		if (n == 0)
			break;
		while (off + sizeof(struct nlmsghdr) <= (size_t)n) {
			struct nlmsghdr h;

			memcpy(&h, buf + off, sizeof(h));
			if (h.nlmsg_len < sizeof(h) || off + h.nlmsg_len > (size_t)n)
				break;
			if (h.nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h.nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr e;

				rc = -EPROTO;
				if (h.nlmsg_len >= NLMSG_LENGTH(sizeof(e))) {
					memcpy(&e, buf + off + NLMSG_HDRLEN, sizeof(e));
					rc = e.error ? e.error : -EPROTO;
				}
				done = true;
				break;
			}
			if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY)
				diag_parse_one(buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, family, l);
			off += NLMSG_ALIGN(h.nlmsg_len);
		}
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* The listeners from /proc/net/tcp and tcp6, when netlink did not answer. */
static int read_proc_net(struct srv_sock_list *l)
{
	static const struct {
		const char *path;
		int family;
	} files[] = {{"/proc/net/tcp", AF_INET}, {"/proc/net/tcp6", AF_INET6}};
	int got = 0;

	for (size_t i = 0; i < 2; i++) {
		struct proc_net_table t;
		struct strbuf sb;

		strbuf_init(&sb);
		proc_net_table_init(&t);
		if (srv_read_file(files[i].path, 4 * 1024 * 1024, false, &sb) == 0 &&
		    proc_net_parse(&t, sb.buf, sb.len, files[i].family, proc_net_host_order(), true) == 0) {
			got++;
			for (size_t k = 0; k < t.n; k++) {
				struct srv_sock s;

				memset(&s, 0, sizeof(s));
				s.family = files[i].family == AF_INET6 ? 6 : 4;
				s.state = t.v[k].state;
				s.port = (int)t.v[k].port;
				s.inode = t.v[k].inode;
				s.wildcard = t.v[k].wildcard;
				snprintf(s.addr, sizeof(s.addr), "%s", t.v[k].addr);
				diag_add(l, &s);
			}
		}
		proc_net_table_release(&t);
		strbuf_release(&sb);
	}
	return got > 0 ? 0 : -ENOENT;
}

/* Finds the processes that hold the listeners' sockets (this namespace only). */
static void find_owners(struct server_facts *f)
{
	char self[64];
	ssize_t sn = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	DIR *d = opendir("/proc");
	struct dirent *de;

	self[sn > 0 ? sn : 0] = '\0';
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[300], link[64];
		ssize_t n;
		DIR *fdd;
		struct dirent *fe;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, self) != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		if ((fdd = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fdd)) != NULL) {
			unsigned long inode;

			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/fd/%s", pid, fe->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (sscanf(link, "socket:[%lu]", &inode) != 1)
				continue;
			for (size_t i = 0; i < f->nlisteners; i++) {
				struct srv_listener *l = &f->listeners[i];
				struct strbuf comm;

				if (l->inode != inode || l->pid != 0)
					continue;
				l->pid = pid;
				strbuf_init(&comm);
				snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
				srv_read_file(path, 64, false, &comm);
				{
					char *p = printable(comm.buf, strlen(str_trim(comm.buf)), false);

					snprintf(l->comm, sizeof(l->comm), "%s", p);
					free(p);
				}
				strbuf_release(&comm);
			}
		}
		closedir(fdd);
	}
	closedir(d);
}

static void add_listeners(struct server_facts *f, const struct srv_sock_list *l)
{
	for (size_t i = 0; i < l->n && f->nlisteners < SRV_MAX_LISTEN; i++) {
		struct srv_listener *o = &f->listeners[f->nlisteners++];

		memset(o, 0, sizeof(*o));
		o->family = l->v[i].family;
		snprintf(o->addr, sizeof(o->addr), "%s", l->v[i].addr);
		o->port = l->v[i].port;
		o->wildcard = l->v[i].wildcard;
		o->v6only = l->v[i].v6only;
		o->v6only_known = l->v[i].v6only_known;
		o->inode = l->v[i].inode;
	}
}

/* macOS: lsof names the listeners and their owners at once. */
/* True when an IPv4 wildcard socket also listens on port. */
static bool v4_wildcard_on(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].family == 4 && f->listeners[i].wildcard && f->listeners[i].port == port)
			return true;
	return false;
}

static int read_lsof(struct step_work *w, struct server_facts *f)
{
	char path[256];
	const char *argv[] = {path, "-nP", "-iTCP", "-sTCP:LISTEN", NULL};
	struct exec_result r;
	struct svc_listener_list ll;
	int rc = -1;

	if (srv_find("lsof", path, sizeof(path)) != 0)
		return -1;
	exec_result_init(&r);
	svc_listener_list_init(&ll);
	if (srv_run(w, argv, 5000, &r, 200) == 0 && !r.timed_out &&
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

int probe_srv_listen_run(struct step_work *w, struct server_facts *f)
{
	struct srv_sock_list l;
	int rc4, rc6;
	size_t on_port = 0;

	server_facts_forget_listeners(f);
	srv_sock_list_init(&l);
	if (f->macos) {
		if (read_lsof(w, f) != 0) {
			step_finish(w, STEP_ERROR, "lsof did not list the listening sockets");
			return 0;
		}
		f->listen_checked = true;
		f->listen_source = xstrdup("lsof");
		goto judge;
	}
	rc4 = rc6 = -ENOSYS;
	if (!f->listen_no_diag) {
		rc4 = srv_diag_tcp(AF_INET, 1u << PROC_NET_TCP_LISTEN, &l);
		rc6 = srv_diag_tcp(AF_INET6, 1u << PROC_NET_TCP_LISTEN, &l);
	}
	if (rc4 == 0 || rc6 == 0) {
		f->listen_source = xstrdup("the kernel (sock_diag)");
	} else {
		step_evidence(w, "the kernel's sock_diag did not answer (%s): reading /proc/net/tcp instead",
			      strerror(-rc4));
		srv_sock_list_release(&l);
		srv_sock_list_init(&l);
		if (read_proc_net(&l) == 0)
			f->listen_source = xstrdup("/proc/net/tcp");
	}
	if (f->listen_source == NULL) {
		srv_sock_list_release(&l);
		step_finish(w, STEP_ERROR, "neither sock_diag nor /proc/net/tcp could be read");
		return 0;
	}
	f->listen_checked = true;
	add_listeners(f, &l);
	find_owners(f);
judge:
	srv_sock_list_release(&l);
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

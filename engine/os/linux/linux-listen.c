/* SPDX-License-Identifier: MIT */
/* Linux: who listens on which address and port, in this network
 * namespace: the kernel's sock_diag netlink answer (it also says whether an
 * IPv6 socket refuses IPv4), /proc/net/tcp and tcp6 when netlink is not
 * there, and the owner of each socket from /proc/PID/fd. */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/os/linux/linux.h"
#include "engine/parse/parse-proc-net.h"

#define DIAG_TIMEOUT_MS 2000

/* Reads one inet_diag_msg (and its attributes) from data[0..len). */
static void diag_parse_one(const unsigned char *data, size_t len, int family, struct os_sock_list *l)
{
	struct inet_diag_msg m;
	struct os_sock s;
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
	os_sock_list_add(l, &s);
}

int linux_diag_tcp(int family, uint32_t states, struct os_sock_list *l)
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
static int read_proc_net(struct os_sock_list *l)
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
		if (os_read_file(files[i].path, 4 * 1024 * 1024, false, &sb) == 0 &&
		    proc_net_parse(&t, sb.buf, sb.len, files[i].family, proc_net_host_order(), true) == 0) {
			got++;
			for (size_t k = 0; k < t.n; k++) {
				struct os_sock s;

				memset(&s, 0, sizeof(s));
				s.family = files[i].family == AF_INET6 ? 6 : 4;
				s.state = t.v[k].state;
				s.port = (int)t.v[k].port;
				s.inode = t.v[k].inode;
				s.wildcard = t.v[k].wildcard;
				snprintf(s.addr, sizeof(s.addr), "%s", t.v[k].addr);
				os_sock_list_add(l, &s);
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
				os_read_file(path, 64, false, &comm);
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

static void add_listeners(struct server_facts *f, const struct os_sock_list *l)
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

int linux_listeners_read(struct server_facts *f, struct os_trace *t, const char **why)
{
	struct os_sock_list l;
	int rc4, rc6;

	os_sock_list_init(&l);
	rc4 = rc6 = -ENOSYS;
	if (!f->listen_no_diag) {
		rc4 = linux_diag_tcp(AF_INET, 1u << PROC_NET_TCP_LISTEN, &l);
		rc6 = linux_diag_tcp(AF_INET6, 1u << PROC_NET_TCP_LISTEN, &l);
	}
	if (rc4 == 0 || rc6 == 0) {
		f->listen_source = xstrdup("the kernel's table of sockets");
	} else {
		os_trace_note(t, "the kernel's sock_diag did not answer (%s): reading /proc/net/tcp instead",
			      strerror(-rc4));
		os_sock_list_release(&l);
		os_sock_list_init(&l);
		if (read_proc_net(&l) == 0)
			f->listen_source = xstrdup("/proc/net/tcp");
	}
	if (f->listen_source == NULL) {
		os_sock_list_release(&l);
		*why = "neither sock_diag nor /proc/net/tcp could be read";
		return -1;
	}
	f->listen_checked = true;
	add_listeners(f, &l);
	find_owners(f);
	os_sock_list_release(&l);
	return 0;
}

int linux_connections_read(struct os_sock_list *l)
{
	uint32_t states = (1u << TCP_ESTABLISHED) | (1u << TCP_SYN_RECV);
	int rc4 = linux_diag_tcp(AF_INET, states, l);
	int rc6 = linux_diag_tcp(AF_INET6, states, l);

	return rc4 != 0 && rc6 != 0 ? rc4 : 0;
}

/* SPDX-License-Identifier: MIT */
/* libpcap live and file captures. The handle is non-blocking so its fd can
 * sit in the caller's poll() next to the keyboard. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/capture.h"

struct capture {
	pcap_t *p;
	bool file;
	bool at_end;
	int dlt;
	int fd;
	char ifname[IF_NAMESIZE];
	char filter[CAPTURE_FILTER_MAX];
	char err[CAPTURE_ERRBUF_SIZE];
	uint64_t delivered;
	/* the kernel's counters when the filter took effect: until then the
	 * socket took every packet of the interface (libpcap drains them) */
	unsigned recv_base, drop_base;
};

__attribute__((format(printf, 3, 4)))
static void err_set(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

const char *capture_strerror(int err)
{
	switch (err) {
	case CAPTURE_OK:
		return "no error";
	case CAPTURE_ERR_ARG:
		return "invalid capture arguments";
	case CAPTURE_ERR_PERM:
		return "no permission to capture packets";
	case CAPTURE_ERR_NO_DEVICE:
		return "no such interface";
	case CAPTURE_ERR_IFACE_DOWN:
		return "interface is down";
	case CAPTURE_ERR_NO_ROUTE:
		return "no route to the target";
	case CAPTURE_ERR_OPEN:
		return "cannot open the capture";
	case CAPTURE_ERR_LINKTYPE:
		return "unsupported link type";
	case CAPTURE_ERR_FILTER:
		return "cannot apply the capture filter";
	case CAPTURE_ERR_FILE_MISSING:
		return "capture file not found";
	case CAPTURE_ERR_FILE_FORMAT:
		return "not a pcap or pcapng file";
	case CAPTURE_ERR_FILE_TRUNCATED:
		return "capture file is truncated";
	case CAPTURE_ERR_READ:
		return "cannot read packets";
	case CAPTURE_ERR_NOMEM:
		return "out of memory";
	default:
		return "unknown capture error";
	}
}

ssize_t capture_rtnl_ask(const void *req, size_t reqlen, void *ans, size_t anslen)
{
	struct sockaddr_nl sa;
	struct pollfd pfd;
	ssize_t n;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), e;

	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (sendto(fd, req, reqlen, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	/* The kernel answers at once; the deadline only guards against a stuck socket. */
	if (poll(&pfd, 1, 1000) <= 0) {
		close(fd);
		return -ETIMEDOUT;
	}
	n = recv(fd, ans, anslen, MSG_DONTWAIT);
	e = errno;
	close(fd);
	return n < 0 ? -e : n;
}

/* One request, one answer: the kernel's route lookup for dst. */
int capture_route_get(const struct pkt_addr *dst, struct capture_route *r, char *err, size_t errlen)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	struct rtattr rta;
	union {
		struct nlmsghdr align;
		char buf[8192];
	} ans;
	char addr[INET6_ADDRSTRLEN];
	size_t alen;
	ssize_t n;
	int ret = CAPTURE_ERR_OPEN, oif = 0;

	if (dst == NULL || r == NULL || (dst->family != AF_INET && dst->family != AF_INET6)) {
		err_set(err, errlen, "no address to look up a route for");
		return CAPTURE_ERR_ARG;
	}
	memset(r, 0, sizeof(*r));
	pkt_addr_format(dst, addr, sizeof(addr));
	alen = dst->family == AF_INET ? 4 : 16;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (unsigned char)dst->family;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	rta.rta_type = RTA_DST;
	rta.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.attrs, &rta, sizeof(rta));
	memcpy(req.attrs + RTA_LENGTH(0), dst->a, alen);
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(struct rtmsg)) + RTA_SPACE(alen));

	n = capture_rtnl_ask(&req, req.nh.nlmsg_len, ans.buf, sizeof(ans.buf));
	if (n == -ETIMEDOUT) {
		err_set(err, errlen, "the kernel did not answer the route lookup for '%s'", addr);
		goto out;
	}
	if (n < 0) {
		err_set(err, errlen, "cannot ask the kernel for the route to '%s': %s", addr,
			strerror((int)-n));
		goto out;
	}
	for (struct nlmsghdr *nh = &ans.align; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr ne;

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(ne)))
				break;
			memcpy(&ne, NLMSG_DATA(nh), sizeof(ne));
			if (ne.error == 0)
				continue;
			err_set(err, errlen, "no route to '%s' (%s): check the address and the "
				"default route ('ip route get %s')", addr, strerror(-ne.error), addr);
			ret = CAPTURE_ERR_NO_ROUTE;
			goto out;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		{
			struct rtmsg *rt = NLMSG_DATA(nh);
			int len = (int)RTM_PAYLOAD(nh);

			for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
				if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= sizeof(int))
					memcpy(&oif, RTA_DATA(a), sizeof(int));
				/* a next hop of the other family (RFC 5549) is not kept */
				if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) == alen) {
					r->gateway.family = dst->family;
					memcpy(r->gateway.a, RTA_DATA(a), alen);
					r->has_gateway = true;
				}
			}
		}
	}
	if (oif == 0) {
		err_set(err, errlen, "the kernel's route to '%s' names no interface", addr);
		ret = CAPTURE_ERR_NO_ROUTE;
		goto out;
	}
	r->oif = oif;
	if (if_indextoname((unsigned)oif, r->ifname) == NULL) {
		err_set(err, errlen, "the route to '%s' leaves by interface %d, which has no name: %s",
			addr, oif, strerror(errno));
		ret = CAPTURE_ERR_NO_DEVICE;
		goto out;
	}
	ret = CAPTURE_OK;
out:
	return ret;
}

int capture_route_iface(const struct pkt_addr *dst, char *ifname, char *err, size_t errlen)
{
	struct capture_route r;
	int ret;

	if (ifname == NULL) {
		err_set(err, errlen, "no room for the interface name");
		return CAPTURE_ERR_ARG;
	}
	ifname[0] = '\0';
	ret = capture_route_get(dst, &r, err, errlen);
	if (ret == CAPTURE_OK)
		memcpy(ifname, r.ifname, IF_NAMESIZE);
	return ret;
}

/* Appends to buf at *off; false when it does not fit. */
__attribute__((format(printf, 4, 5)))
static bool filter_add(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *off)
		return false;
	*off += (size_t)n;
	return true;
}

/* "(host A or host B)" for the addresses of one family. */
static bool filter_hosts(char *buf, size_t len, size_t *off, const struct pkt_addr *addrs,
			 size_t naddrs, int family)
{
	bool first = true;

	if (!filter_add(buf, len, off, "("))
		return false;
	for (size_t i = 0; i < naddrs; i++) {
		char s[INET6_ADDRSTRLEN];

		if (addrs[i].family != family)
			continue;
		pkt_addr_format(&addrs[i], s, sizeof(s));
		if (!filter_add(buf, len, off, "%shost %s", first ? "" : " or ", s))
			return false;
		first = false;
	}
	return filter_add(buf, len, off, ")");
}

/*
 * "(A or B)": one of the addresses of family sits at byte at of proto's
 * header ("icmp", "arp", "ip6"): compared 4 bytes at a time, as classic BPF
 * loads them.
 */
static bool filter_addr_at(char *buf, size_t len, size_t *off, const struct pkt_addr *addrs,
			   size_t naddrs, int family, const char *proto, int at)
{
	bool first = true;
	int words = family == AF_INET ? 1 : 4;

	if (!filter_add(buf, len, off, "("))
		return false;
	for (size_t i = 0; i < naddrs; i++) {
		const uint8_t *a = addrs[i].a;

		if (addrs[i].family != family)
			continue;
		if (!filter_add(buf, len, off, "%s%s", first ? "" : " or ", words > 1 ? "(" : ""))
			return false;
		first = false;
		for (int w = 0; w < words; w++)
			if (!filter_add(buf, len, off, "%s%s[%d:4] == 0x%02x%02x%02x%02x", w ? " and " : "",
					proto, at + 4 * w, a[4 * w], a[4 * w + 1], a[4 * w + 2], a[4 * w + 3]))
				return false;
		if (words > 1 && !filter_add(buf, len, off, ")"))
			return false;
	}
	return filter_add(buf, len, off, ")");
}

/*
 * The packet an ICMP error quotes was sent to a target address. The quote
 * starts 8 bytes into the ICMP message; its destination sits 16 (IPv4) or
 * 24 (IPv6) bytes into the quoted header, at the same place whatever the
 * options. A router's error about our SYN names the target there; the errors
 * a flood of other traffic earns do not.
 */
static bool filter_quoted(char *buf, size_t len, size_t *off, const struct pkt_addr *addrs,
			  size_t naddrs, int family)
{
	return family == AF_INET ? filter_addr_at(buf, len, off, addrs, naddrs, family, "icmp", 24)
				 : filter_addr_at(buf, len, off, addrs, naddrs, family, "ip6", 72);
}

int capture_filter_build(const struct pkt_addr *addrs, size_t naddrs, uint16_t port,
			 char *buf, size_t len)
{
	bool v4 = false, v6 = false, ok = true;
	size_t off = 0;

	if (buf == NULL || len == 0 || (addrs == NULL && naddrs > 0))
		return CAPTURE_ERR_ARG;
	buf[0] = '\0';
	for (size_t i = 0; i < naddrs; i++) {
		v4 = v4 || addrs[i].family == AF_INET;
		v6 = v6 || addrs[i].family == AF_INET6;
	}
	if (!v4 && !v6) {
		/* No address: the port alone, and every ICMP error. */
		ok = filter_add(buf, len, &off, "(tcp and port %u) or icmp or icmp6", port);
		return ok ? CAPTURE_OK : CAPTURE_ERR_ARG;
	}
	/* Other ports: only SYN and RST, enough for the TTL and TOS references. */
	if (v4) {
		ok = ok && filter_add(buf, len, &off, "(ip and tcp and ");
		ok = ok && filter_hosts(buf, len, &off, addrs, naddrs, AF_INET);
		ok = ok && filter_add(buf, len, &off, " and (port %u or tcp[13] & 6 != 0))", port);
		ok = ok && filter_add(buf, len, &off, " or (icmp and (((icmp[0] == 3 or icmp[0] == 4 "
				      "or icmp[0] == 5 or icmp[0] == 11 or icmp[0] == 12) and ");
		ok = ok && filter_quoted(buf, len, &off, addrs, naddrs, AF_INET);
		ok = ok && filter_add(buf, len, &off, ") or ((icmp[0] == 0 or icmp[0] == 8) and ");
		ok = ok && filter_hosts(buf, len, &off, addrs, naddrs, AF_INET);
		ok = ok && filter_add(buf, len, &off, ")))");
		/* ARP asking for a target (its address at byte 24), or from it (14):
		 * an absent host on the link shows as questions nobody answers.
		 * On a link without ARP this clause compiles to nothing. */
		ok = ok && filter_add(buf, len, &off, " or (arp and (");
		ok = ok && filter_addr_at(buf, len, &off, addrs, naddrs, AF_INET, "arp", 24);
		ok = ok && filter_add(buf, len, &off, " or ");
		ok = ok && filter_addr_at(buf, len, &off, addrs, naddrs, AF_INET, "arp", 14);
		ok = ok && filter_add(buf, len, &off, "))");
	}
	/* IPv6: the header is 40 bytes when TCP/ICMPv6 follows it directly. */
	if (v6) {
		ok = ok && filter_add(buf, len, &off, "%s(ip6 and tcp and ", v4 ? " or " : "");
		ok = ok && filter_hosts(buf, len, &off, addrs, naddrs, AF_INET6);
		ok = ok && filter_add(buf, len, &off, " and (port %u or ip6[53] & 6 != 0))", port);
		ok = ok && filter_add(buf, len, &off, " or (icmp6 and ((ip6[40] >= 1 and ip6[40] <= 4 and ");
		ok = ok && filter_quoted(buf, len, &off, addrs, naddrs, AF_INET6);
		ok = ok && filter_add(buf, len, &off, ") or ((ip6[40] == 128 or ip6[40] == 129) and ");
		ok = ok && filter_hosts(buf, len, &off, addrs, naddrs, AF_INET6);
		ok = ok && filter_add(buf, len, &off, ")))");
		/* NDP: neighbour solicitations and advertisements whose target
		 * address (8 bytes into the ICMPv6 message) is a target */
		ok = ok && filter_add(buf, len, &off, " or (icmp6 and (ip6[40] == 135 or ip6[40] == 136) and ");
		ok = ok && filter_addr_at(buf, len, &off, addrs, naddrs, AF_INET6, "ip6", 48);
		ok = ok && filter_add(buf, len, &off, ")");
		/*
		 * Extension headers (hop-by-hop, routing, fragment, destination
		 * options, AH) move TCP and ICMPv6 past byte 40, where the tests
		 * above cannot look and the kernel's classic BPF cannot loop to
		 * follow the chain: such packets pass when they involve the target,
		 * or when they are unicast and not TCP right after the first
		 * extension (an ICMPv6 error from a router); the decoder walks the
		 * chain and keeps what concerns us. Multicast (MLD's hop-by-hop
		 * reports) and other hosts' TCP stay out.
		 */
		ok = ok && filter_add(buf, len, &off, " or (ip6 and (ip6[6] == 0 or ip6[6] == 43 or "
				      "ip6[6] == 44 or ip6[6] == 60 or ip6[6] == 51) and not ip6 multicast "
				      "and (ip6[40] != 6 or ");
		ok = ok && filter_hosts(buf, len, &off, addrs, naddrs, AF_INET6);
		ok = ok && filter_add(buf, len, &off, "))");
	}
	if (!ok) {
		buf[0] = '\0';
		return CAPTURE_ERR_ARG;
	}
	return CAPTURE_OK;
}

void capture_perm_hint(const char *ifname, const char *exe, char *buf, size_t len)
{
	char self[4096];

	if (exe == NULL) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n > 0) {
			self[n] = '\0';
			exe = self;
		} else {
			exe = "/path/to/ssh-doctor";
		}
	}
	err_set(buf, len, "cannot capture on '%s': needs CAP_NET_RAW "
		"(try: sudo %s, or once: sudo setcap cap_net_raw+ep %s)",
		ifname != NULL ? ifname : "any", exe, exe);
}

static struct capture *capture_alloc(void)
{
	struct capture *c = calloc(1, sizeof(*c));

	if (c != NULL) {
		c->fd = -1;
		c->dlt = -1;
	}
	return c;
}

void capture_free(struct capture *c)
{
	if (c == NULL)
		return;
	if (c->p != NULL)
		pcap_close(c->p);
	free(c);
}

int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (c == NULL || expr == NULL)
		return CAPTURE_ERR_ARG;
	if (strlen(expr) >= sizeof(c->filter)) {
		err_set(err, errlen, "capture filter is too long");
		return CAPTURE_ERR_FILTER;
	}
	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		err_set(err, errlen, "cannot compile capture filter '%s': %s", expr, pcap_geterr(c->p));
		return CAPTURE_ERR_FILTER;
	}
	if (pcap_setfilter(c->p, &prog) != 0) {
		err_set(err, errlen, "cannot apply capture filter '%s': %s", expr, pcap_geterr(c->p));
		pcap_freecode(&prog);
		return CAPTURE_ERR_FILTER;
	}
	pcap_freecode(&prog);
	snprintf(c->filter, sizeof(c->filter), "%s", expr);
	return CAPTURE_OK;
}

/* Picks the interface the addresses leave by, "any" when they disagree. */
static int route_pick(const struct pkt_addr *addrs, size_t naddrs, char *ifname,
		      char *err, size_t errlen)
{
	int ret = CAPTURE_ERR_NO_ROUTE, found = 0;

	if (naddrs == 0) {
		err_set(err, errlen, "no interface given and no address to route to");
		return CAPTURE_ERR_ARG;
	}
	for (size_t i = 0; i < naddrs; i++) {
		char name[IF_NAMESIZE];
		int r = capture_route_iface(&addrs[i], name, err, errlen);

		if (r != CAPTURE_OK) {
			ret = r;
			continue;
		}
		if (found++ == 0)
			snprintf(ifname, IF_NAMESIZE, "%s", name);
		else if (strcmp(ifname, name) != 0)
			snprintf(ifname, IF_NAMESIZE, "any");
	}
	return found > 0 ? CAPTURE_OK : ret;
}

int capture_open_live(const char *ifname, const struct pkt_addr *addrs, size_t naddrs,
		      uint16_t port, struct capture **out, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	char filter[CAPTURE_FILTER_MAX];
	struct capture *c = NULL;
	int r, ret = CAPTURE_ERR_OPEN;

	if (out == NULL || (addrs == NULL && naddrs > 0)) {
		err_set(err, errlen, "invalid arguments to open a capture");
		return CAPTURE_ERR_ARG;
	}
	*out = NULL;
	if ((c = capture_alloc()) == NULL) {
		err_set(err, errlen, "out of memory opening a capture");
		return CAPTURE_ERR_NOMEM;
	}
	if (ifname != NULL) {
		if (strlen(ifname) >= sizeof(c->ifname) || ifname[0] == '\0') {
			err_set(err, errlen, "no interface named '%s'", ifname);
			ret = CAPTURE_ERR_NO_DEVICE;
			goto out;
		}
		snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	} else if ((ret = route_pick(addrs, naddrs, c->ifname, err, errlen)) != CAPTURE_OK) {
		goto out;
	}
	if (capture_filter_build(addrs, naddrs, port, filter, sizeof(filter)) != CAPTURE_OK) {
		err_set(err, errlen, "too many addresses for one capture filter");
		ret = CAPTURE_ERR_ARG;
		goto out;
	}
	if ((c->p = pcap_create(c->ifname, errbuf)) == NULL) {
		err_set(err, errlen, "cannot capture on '%s': %s", c->ifname, errbuf);
		ret = CAPTURE_ERR_OPEN;
		goto out;
	}
	pcap_set_snaplen(c->p, CAPTURE_SNAPLEN);
	pcap_set_promisc(c->p, 0);
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_timeout(c->p, 100);
	pcap_set_buffer_size(c->p, 1 << 20);
	r = pcap_activate(c->p);
	if (r < 0) {
		const char *why = pcap_geterr(c->p);

		if (r == PCAP_ERROR_PERM_DENIED || r == PCAP_ERROR_PROMISC_PERM_DENIED ||
		    strstr(why, "ermission") != NULL || strstr(why, "not permitted") != NULL) {
			capture_perm_hint(c->ifname, NULL, err, errlen);
			ret = CAPTURE_ERR_PERM;
		} else if (r == PCAP_ERROR_NO_SUCH_DEVICE) {
			err_set(err, errlen, "no interface named '%s' (list them with 'ip link')",
				c->ifname);
			ret = CAPTURE_ERR_NO_DEVICE;
		} else if (r == PCAP_ERROR_IFACE_NOT_UP) {
			err_set(err, errlen, "interface '%s' is down (try: ip link set %s up)",
				c->ifname, c->ifname);
			ret = CAPTURE_ERR_IFACE_DOWN;
		} else {
			err_set(err, errlen, "cannot capture on '%s': %s", c->ifname, why);
			ret = CAPTURE_ERR_OPEN;
		}
		goto out;
	}
	c->dlt = pcap_datalink(c->p);
	if (!pkt_dlt_supported(c->dlt)) {
		const char *name = pcap_datalink_val_to_name(c->dlt);

		err_set(err, errlen, "cannot decode link type %d (%s) of '%s'", c->dlt,
			name != NULL ? name : "unknown", c->ifname);
		ret = CAPTURE_ERR_LINKTYPE;
		goto out;
	}
	if (pcap_setnonblock(c->p, 1, errbuf) != 0) {
		err_set(err, errlen, "cannot make the capture on '%s' non-blocking: %s",
			c->ifname, errbuf);
		ret = CAPTURE_ERR_OPEN;
		goto out;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0) {
		err_set(err, errlen, "the capture on '%s' has no descriptor to poll", c->ifname);
		ret = CAPTURE_ERR_OPEN;
		goto out;
	}
	if ((ret = capture_set_filter(c, filter, err, errlen)) != CAPTURE_OK)
		goto out;
	{
		struct pcap_stat ps;

		if (pcap_stats(c->p, &ps) == 0) {
			c->recv_base = ps.ps_recv;
			c->drop_base = ps.ps_drop;
		}
	}
	*out = c;
	c = NULL;
	ret = CAPTURE_OK;
out:
	capture_free(c);
	return ret;
}

int capture_check_live(const char *ifname, char *err, size_t errlen)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0 ||
	    !(data[CAP_NET_RAW / 32].effective & (1u << (CAP_NET_RAW % 32)))) {
		capture_perm_hint(ifname != NULL ? ifname : "any", NULL, err, errlen);
		return CAPTURE_ERR_PERM;
	}
	if (ifname != NULL && (ifname[0] == '\0' || strlen(ifname) >= IF_NAMESIZE ||
			       if_nametoindex(ifname) == 0)) {
		err_set(err, errlen, "no interface named '%s' (list them with 'ip link')", ifname);
		return CAPTURE_ERR_NO_DEVICE;
	}
	return CAPTURE_OK;
}

int capture_open_file(const char *path, struct capture **out, char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = NULL;
	struct stat st;
	int ret = CAPTURE_ERR_FILE_FORMAT;

	if (out == NULL || path == NULL) {
		err_set(err, errlen, "no capture file given");
		return CAPTURE_ERR_ARG;
	}
	*out = NULL;
	/* stat first: libpcap's own messages do not tell a missing file from a bad one. */
	if (stat(path, &st) != 0) {
		err_set(err, errlen, "cannot open capture file '%s': %s", path, strerror(errno));
		return CAPTURE_ERR_FILE_MISSING;
	}
	if (S_ISDIR(st.st_mode)) {
		err_set(err, errlen, "'%s' is a directory, not a pcap or pcapng file", path);
		return CAPTURE_ERR_FILE_FORMAT;
	}
	if (access(path, R_OK) != 0) {
		err_set(err, errlen, "cannot read capture file '%s': %s", path, strerror(errno));
		return CAPTURE_ERR_FILE_MISSING;
	}
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		err_set(err, errlen, "'%s' is empty, not a pcap or pcapng file", path);
		return CAPTURE_ERR_FILE_FORMAT;
	}
	if ((c = capture_alloc()) == NULL) {
		err_set(err, errlen, "out of memory opening '%s'", path);
		return CAPTURE_ERR_NOMEM;
	}
	c->file = true;
	c->p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (c->p == NULL) {
		if (strstr(errbuf, "truncated") != NULL) {
			err_set(err, errlen, "capture file '%s' is truncated: %s", path, errbuf);
			ret = CAPTURE_ERR_FILE_TRUNCATED;
		} else {
			err_set(err, errlen, "'%s' is not a pcap or pcapng file (%s)", path, errbuf);
			ret = CAPTURE_ERR_FILE_FORMAT;
		}
		goto out;
	}
	c->dlt = pcap_datalink(c->p);
	if (!pkt_dlt_supported(c->dlt)) {
		const char *name = pcap_datalink_val_to_name(c->dlt);

		err_set(err, errlen, "cannot decode link type %d (%s) of capture file '%s'",
			c->dlt, name != NULL ? name : "unknown", path);
		ret = CAPTURE_ERR_LINKTYPE;
		goto out;
	}
	*out = c;
	c = NULL;
	ret = CAPTURE_OK;
out:
	capture_free(c);
	return ret;
}

struct dispatch {
	struct capture *c;
	capture_cb cb;
	void *ctx;
};

static void dispatch_one(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch *d = (struct dispatch *)user;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;

	d->c->delivered++;
	if (d->cb != NULL)
		d->cb(d->ctx, ts, d->c->dlt, bytes, h->caplen);
}

int capture_dispatch(struct capture *c, capture_cb cb, void *ctx)
{
	struct dispatch d = { c, cb, ctx };
	int n;

	if (c == NULL)
		return CAPTURE_ERR_ARG;
	c->err[0] = '\0';
	if (c->at_end)
		return 0;
	n = pcap_dispatch(c->p, c->file ? CAPTURE_FILE_BATCH : -1, dispatch_one, (u_char *)&d);
	if (n == PCAP_ERROR) {
		const char *why = pcap_geterr(c->p);

		if (c->file && strstr(why, "truncated") != NULL) {
			err_set(c->err, sizeof(c->err), "capture file is truncated: %s", why);
			c->at_end = true;
			return CAPTURE_ERR_FILE_TRUNCATED;
		}
		err_set(c->err, sizeof(c->err), "cannot read packets: %s", why);
		if (c->file)
			c->at_end = true;
		return CAPTURE_ERR_READ;
	}
	if (n < 0)
		return 0;
	if (c->file && n == 0)
		c->at_end = true;
	return n;
}

bool capture_at_end(const struct capture *c)
{
	return c != NULL && c->at_end;
}

int capture_fd(const struct capture *c)
{
	return c != NULL ? c->fd : -1;
}

int capture_datalink(const struct capture *c)
{
	return c != NULL ? c->dlt : -1;
}

const char *capture_iface(const struct capture *c)
{
	return c != NULL && !c->file ? c->ifname : NULL;
}

const char *capture_filter(const struct capture *c)
{
	return c != NULL ? c->filter : "";
}

const char *capture_last_error(const struct capture *c)
{
	return c != NULL ? c->err : "";
}

int capture_stats(struct capture *c, struct capture_stats *st)
{
	struct pcap_stat ps;

	if (c == NULL || st == NULL)
		return CAPTURE_ERR_ARG;
	memset(st, 0, sizeof(*st));
	st->delivered = c->delivered;
	if (!c->file && pcap_stats(c->p, &ps) == 0) {
		st->kernel = true;
		st->received = ps.ps_recv >= c->recv_base ? ps.ps_recv - c->recv_base : 0;
		st->dropped = ps.ps_drop >= c->drop_base ? ps.ps_drop - c->drop_base : 0;
		st->if_dropped = ps.ps_ifdrop;
	}
	return CAPTURE_OK;
}

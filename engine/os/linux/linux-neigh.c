/* SPDX-License-Identifier: MIT */
/* Linux: the route toward an address and the kernel's neighbour table,
 * over rtnetlink: one request, one answer. Nothing is sent. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "engine/os/linux/linux.h"
#include "engine/parse/parse-neigh.h"

#define NEIGH_RETRANS_DEFAULT_MS 1000

int neigh_next_hop(const struct sockaddr_storage *sa, struct neigh_hop *hop)
{
	struct pkt_addr dst;
	struct capture_route r;
	socklen_t sl = sa->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	memset(hop, 0, sizeof(*hop));
	if (pkt_addr_from_sockaddr(&dst, sa, sl) != 0 ||
	    capture_route_get(&dst, &r, NULL, 0) != CAPTURE_OK)
		return -1;
	hop->known = true;
	hop->family = dst.family;
	hop->ifindex = r.oif;
	snprintf(hop->ifname, sizeof(hop->ifname), "%s", r.ifname);
	hop->gateway = r.has_gateway;
	memcpy(hop->addr, r.has_gateway ? r.gateway.a : dst.a, sizeof(hop->addr));
	inet_ntop(hop->family, hop->addr, hop->text, sizeof(hop->text));
	return 0;
}

int neigh_parse_answer(const void *buf, size_t len, uint16_t *nud)
{
	const uint8_t *p = buf;

	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr nh;
		struct ndmsg nd;

		memcpy(&nh, p, sizeof(nh));
		if (nh.nlmsg_len < sizeof(nh) || nh.nlmsg_len > len)
			return -EINVAL;
		if (nh.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr ne;

			if (nh.nlmsg_len < NLMSG_LENGTH(sizeof(ne)))
				return -EINVAL;
			memcpy(&ne, p + NLMSG_HDRLEN, sizeof(ne));
			if (ne.error < 0)
				return ne.error;
		} else if (nh.nlmsg_type == RTM_NEWNEIGH) {
			if (nh.nlmsg_len < NLMSG_LENGTH(sizeof(nd)))
				return -EINVAL;
			memcpy(&nd, p + NLMSG_HDRLEN, sizeof(nd));
			*nud = nd.ndm_state;
			return 0;
		}
		if (NLMSG_ALIGN(nh.nlmsg_len) >= len)
			break;
		p += NLMSG_ALIGN(nh.nlmsg_len);
		len -= NLMSG_ALIGN(nh.nlmsg_len);
	}
	return -EINVAL;
}

enum neigh_state neigh_state_from_nud(uint16_t nud)
{
	if (nud & (NUD_NOARP))
		return NEIGH_NOARP;
	if (nud & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT))
		return NEIGH_RESOLVED;
	if (nud & NUD_FAILED)
		return NEIGH_FAILED;
	if (nud & NUD_INCOMPLETE)
		return NEIGH_INCOMPLETE;
	return NEIGH_NONE;
}

enum neigh_state neigh_lookup(const struct neigh_hop *hop)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		char attrs[32];
	} req;
	union {
		struct nlmsghdr align;
		char buf[4096];
	} ans;
	struct rtattr rta;
	size_t alen;
	ssize_t n;
	uint16_t nud = 0;
	int rc;

	if (hop == NULL || !hop->known || (hop->family != AF_INET && hop->family != AF_INET6))
		return NEIGH_UNKNOWN;
	alen = hop->family == AF_INET ? 4 : 16;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_GETNEIGH;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.nd.ndm_family = (uint8_t)hop->family;
	req.nd.ndm_ifindex = hop->ifindex;
	rta.rta_type = NDA_DST;
	rta.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.attrs, &rta, sizeof(rta));
	memcpy(req.attrs + RTA_LENGTH(0), hop->addr, alen);
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(struct ndmsg)) + RTA_SPACE(alen));

	n = capture_rtnl_ask(&req, req.nh.nlmsg_len, ans.buf, sizeof(ans.buf));
	if (n <= 0)
		return NEIGH_UNKNOWN;
	rc = neigh_parse_answer(ans.buf, (size_t)n, &nud);
	if (rc == -ENOENT)
		return NEIGH_NONE;
	if (rc != 0)
		return NEIGH_UNKNOWN;
	return neigh_state_from_nud(nud);
}

int neigh_retrans_ms(int family, const char *ifname)
{
	char path[128], buf[32];
	FILE *fp;
	long v = NEIGH_RETRANS_DEFAULT_MS;

	if (ifname == NULL || ifname[0] == '\0' || strchr(ifname, '/') != NULL)
		return NEIGH_RETRANS_DEFAULT_MS;
	snprintf(path, sizeof(path), "/proc/sys/net/%s/neigh/%s/retrans_time_ms",
		 family == AF_INET6 ? "ipv6" : "ipv4", ifname);
	fp = fopen(path, "re");
	if (fp == NULL)
		return NEIGH_RETRANS_DEFAULT_MS;
	if (fgets(buf, sizeof(buf), fp) != NULL) {
		char *end;
		long x = strtol(buf, &end, 10);

		if (end != buf && x > 0 && x <= 60000)
			v = x;
	}
	fclose(fp);
	return (int)v;
}

/* SPDX-License-Identifier: MIT */
/* ICMP echo: is the host up at all, and how far (round-trip time, TTL)?
 * Senders rate-limit and firewalls drop ICMP: one answer is enough, and no
 * answer proves nothing on its own. */
#include <stdlib.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/conn.h"
#include "engine/parse/parse-neigh.h"
#include "engine/probe.h"

#define PING_INTERVAL_MS 200
/* With no reply by then the TCP step starts, and keeps listening for one:
 * a host that ignores ping costs no wait before its port is tried. */
#define PING_HANDOVER_MS 50
/* once one address answered, the others get this long (or 4 round trips) */
#define PING_GRACE_MS 100
#define NEIGH_CHECK_MS 50

struct pinger {
	struct addr_facts *a;
	bool answered;
	uint32_t rtt_us;
	int ttl;
	struct neigh_hop hop;
	int retrans_ms;
	enum neigh_state neigh;
	bool neigh_gave_up;  /* the next hop never answered ARP/NDP: done */
};

static uint16_t icmp_checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

int engine_icmp_socket(int family)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, on = 1;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	if (fd >= 0) {
		/* ping sockets are allowed: the step opens its own, unprivileged */
		close(fd);
		return -1;
	}
	fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -1;
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
	return fd;
}

/* The engine's raw socket opened before the privileges were given up, else
 * an unprivileged ping socket, or a raw one; -1 with *why set. */
static int ping_open(struct step_work *w, int family, bool *raw, bool *shared, const char **why)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = engine_icmp_fd(w->e, family), on = 1;

	*shared = fd >= 0;
	*raw = fd >= 0;
	if (fd >= 0)
		return fd;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0) {
		fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
		*raw = fd >= 0;
	}
	if (fd < 0) {
		*why = "no ping socket is allowed for this user (sysctl net.ipv4.ping_group_range) and raw sockets need root or CAP_NET_RAW";
		return -1;
	}
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
	return fd;
}

/* The address of f whose echo a reply on fd with this id from this source
 * answers, or NULL. */
static struct addr_facts *ping_owner(struct client_facts *f, int fd, uint16_t id,
				     const struct sockaddr_storage *from)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *b = &f->addrs[i];

		if (b->ping.open && b->ping.fd == fd && b->ping.id == id &&
		    sockaddr_same_ip((const struct sockaddr *)from, (const struct sockaddr *)&b->sa))
			return b;
	}
	return NULL;
}

/* An echo id of its own for every socket: several targets (a fleet) ping
 * from one process at once, and a raw socket sees every reply. */
static uint16_t ping_next_id(void)
{
	static atomic_uint next;

	return (uint16_t)((unsigned)getpid() * 7919u + atomic_fetch_add(&next, 1));
}

/* Tells the capture which echo id is ours: the one we write on a raw
 * socket, the socket's own (bound now) on a ping socket, which rewrites it. */
static void ping_own_id(struct step_work *w, struct addr_facts *a)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (a->ping.raw) {
		engine_capture_own_echo(w->e, a->ping.id);
		return;
	}
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = a->sa.ss_family;
	if (bind(a->ping.fd, (struct sockaddr *)&ss, a->sa.ss_family == AF_INET
		 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == 0 &&
	    getsockname(a->ping.fd, (struct sockaddr *)&ss, &sl) == 0)
		engine_capture_own_echo(w->e, conn_sockaddr_port(&ss));
}

static void ping_send(struct addr_facts *a)
{
	struct ping_wait *pw = &a->ping;
	uint8_t pkt[16] = {0};
	int family = a->sa.ss_family;
	uint16_t seq = (uint16_t)(pw->sent + 1);

	if (pw->sent >= FACTS_PING_COUNT)
		return;
	pkt[0] = family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	pkt[4] = (uint8_t)(pw->id >> 8);
	pkt[5] = (uint8_t)pw->id;
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memcpy(pkt + 8, "ssh-doc", 8);
	if (family == AF_INET) {
		uint16_t c = icmp_checksum(pkt, sizeof(pkt));

		memcpy(pkt + 2, &c, 2);
	}
	pw->sent_us[pw->sent] = now_us();
	pw->sent++;
	(void)sendto(pw->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&a->sa, a->salen);
}

/* Reads what a's socket holds; true on the first reply to one of a's
 * requests, with its round trip and TTL. A shared socket's replies to the
 * other addresses of f are kept for them. */
static bool ping_receive(struct client_facts *f, struct addr_facts *a, uint32_t *rtt_us, int *ttl_out)
{
	struct ping_wait *pw = &a->ping;
	uint8_t buf[1500];
	char cbuf[256];
	struct sockaddr_storage from;
	struct iovec iov = {buf, sizeof(buf)};
	struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	ssize_t n;

	while ((n = recvmsg(pw->fd, &mh, 0)) > 0) {
		const uint8_t *icmp = buf;
		size_t len = (size_t)n, hl = 0;
		int ttl = -1, want = a->sa.ss_family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;
		struct addr_facts *b = a;
		uint16_t seq, id;

		if (pw->raw && a->sa.ss_family == AF_INET) {
			if (len < 20)
				goto next;
			hl = (size_t)(buf[0] & 0x0f) * 4;
			ttl = buf[8];
			if (hl < 20 || len < hl + 8)
				goto next;
			icmp += hl;
			len -= hl;
		}
		if (len < 8 || icmp[0] != want)
			goto next;
		id = (uint16_t)(icmp[4] << 8 | icmp[5]);
		/* ping sockets rewrite the id; raw sockets see every reply, those
		 * of other runs in this process too */
		if (pw->shared) {
			b = ping_owner(f, pw->fd, id, &from);
			if (b == NULL)
				goto next;
		} else if ((pw->raw && id != pw->id) ||
			   !sockaddr_same_ip((const struct sockaddr *)&from, (const struct sockaddr *)&a->sa)) {
			goto next;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
				memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		seq = (uint16_t)(icmp[6] << 8 | icmp[7]);
		if (seq >= 1 && seq <= b->ping.sent && !b->ping.replied) {
			b->ping.replied = true;
			b->ping.reply_rtt_us = (uint32_t)(now_us() - b->ping.sent_us[seq - 1]);
			b->ping.reply_ttl = ttl;
		}
next:
		mh.msg_namelen = sizeof(from);
		mh.msg_controllen = sizeof(cbuf);
	}
	if (!pw->replied)
		return false;
	*rtt_us = pw->reply_rtt_us;
	*ttl_out = pw->reply_ttl;
	return true;
}

static void ping_close(struct addr_facts *a)
{
	if (a->ping.open && !a->ping.shared)
		close(a->ping.fd);
	a->ping.open = false;
	a->ping.fd = -1;
}

/* Records an answer from a in f: the slowest answering address sets the
 * round trip the TCP deadline is made from. */
static void ping_answered(struct client_facts *f, uint32_t rtt_us, int ttl)
{
	if (!f->ping_answered || rtt_us > f->ping_rtt_us) {
		f->ping_rtt_us = rtt_us;
		f->ping_ttl = ttl;
	}
	f->ping_answered = true;
}

int probe_ping_late(struct step_work *w, struct client_facts *f)
{
	int which = -1;

	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];
		uint32_t rtt = 0;
		int ttl = -1;

		if (!a->ping.open)
			continue;
		/* the rest of the requests leave on the ping step's schedule */
		if (a->ping.sent > 0 && a->ping.sent < FACTS_PING_COUNT &&
		    now_us() >= a->ping.sent_us[0] + (uint64_t)a->ping.sent * PING_INTERVAL_MS * 1000)
			ping_send(a);
		if (!ping_receive(f, a, &rtt, &ttl))
			continue;
		ping_close(a);
		ping_answered(f, rtt, ttl);
		step_evidence(w, "%s answered ping after all, while we connected: time %u.%03u ms, TTL %d",
			      a->text, rtt / 1000, rtt % 1000, ttl);
		which = (int)i;
	}
	return which;
}

void probe_ping_close(struct client_facts *f)
{
	client_facts_close_echoes(f);
}

/* Asks the neighbour table whether p's next hop answered on the link; an
 * on-link host that is absent never does, and waiting for the echo deadline
 * then only repeats what the table already says. */
static void ping_check_neigh(struct pinger *p)
{
	struct addr_facts *a = p->a;
	uint64_t now = now_us();

	if (!p->hop.known || p->neigh_gave_up)
		return;
	p->neigh = os_active()->neigh_lookup(&p->hop);
	a->neigh = p->neigh;
	if (!neigh_state_unanswered(p->neigh)) {
		a->neigh_since_us = 0;
		return;
	}
	if (a->neigh_since_us == 0)
		a->neigh_since_us = a->ping.sent_us[0] ? a->ping.sent_us[0] : now;
	a->neigh_unanswered_ms = (uint32_t)((now - a->neigh_since_us) / 1000);
	p->neigh_gave_up = neigh_conclusive(p->neigh, a->neigh_unanswered_ms, p->retrans_ms);
}

int probe_ping_run(struct step_work *w, struct client_facts *f)
{
	struct pinger p[FACTS_MAX_ADDRS];
	const char *why = NULL;
	size_t n = 0, answered = 0, noroute = 0, waiting = 0;
	uint64_t start = now_ms(), next_neigh = start, until = start + PING_HANDOVER_MS;

	/* run again, ping starts from nothing: no echo, no reason to skip, no
	 * round trip, no socket still open, the link not looked at */
	client_facts_forget_ping(f);
	if (f->naddrs == 0) {
		step_finish(w, STEP_SKIP, "no address to ping");
		return 0;
	}
	for (size_t k = 0; k < f->naddrs; k++) {
		struct addr_facts *a = &f->addrs[k];
		bool raw, shared;
		int fd;

		if (!a->route_ok) {
			/* nothing would leave: the route step said why */
			step_evidence(w, "%s: not pinged, there is no route to it", a->text);
			noroute++;
			continue;
		}
		fd = ping_open(w, a->sa.ss_family, &raw, &shared, &why);
		if (fd < 0)
			continue;
		a->ping = (struct ping_wait){.open = true, .fd = fd, .raw = raw, .shared = shared,
					     .id = ping_next_id()};
		ping_own_id(w, a);
		p[n] = (struct pinger){.a = a, .ttl = -1};
		if (os_active()->neigh_next_hop(&a->sa, &p[n].hop) == 0) {
			snprintf(a->neigh_hop, sizeof(a->neigh_hop), "%s", p[n].hop.text);
			a->neigh_gateway = p[n].hop.gateway;
			p[n].retrans_ms = os_active()->neigh_retrans_ms(p[n].hop.family, p[n].hop.ifname);
		}
		n++;
	}
	if (n == 0 && noroute == f->naddrs) {
		step_finish(w, STEP_SKIP, "there is no route to %s: nothing to ping",
			    f->naddrs == 1 ? "the address" : "any of the addresses");
		return 0;
	}
	if (n == 0) {
		f->ping_skip = xstrdup(why ? why : "no ICMP socket");
		step_evidence(w, "cannot send ping: %s", f->ping_skip);
		step_finish(w, STEP_SKIP, "ping is not possible for this user");
		return 0;
	}
	f->ping_tried = true;
	step_wait(w, PING_HANDOVER_MS, "waiting for echo replies");
	for (;;) {
		uint64_t now = now_ms(), el = now - start;
		struct pollfd fds[FACTS_MAX_ADDRS];
		bool all = true;

		for (size_t i = 0; i < n; i++) {
			struct ping_wait *pw = &p[i].a->ping;

			if (!p[i].answered && !p[i].neigh_gave_up &&
			    el >= (uint64_t)pw->sent * PING_INTERVAL_MS)
				ping_send(p[i].a);
			all = all && (p[i].answered || p[i].neigh_gave_up);
			fds[i] = (struct pollfd){.fd = pw->fd, .events = POLLIN};
		}
		if (all || now >= until || engine_cancelled(w->e))
			break;
		poll(fds, (nfds_t)n, until - now < 20 ? (int)(until - now) : 20);
		for (size_t i = 0; i < n; i++) {
			if (p[i].answered || !(fds[i].revents & POLLIN) ||
			    !ping_receive(f, p[i].a, &p[i].rtt_us, &p[i].ttl))
				continue;
			p[i].answered = true;
			/* one answer is enough: the others get a short grace */
			{
				uint64_t grace = (4 * (uint64_t)p[i].rtt_us + 999) / 1000;
				uint64_t end = now_ms() + (grace > PING_GRACE_MS ? grace : PING_GRACE_MS);

				if (end < until)
					until = end;
			}
		}
		if (now_ms() >= next_neigh) {
			next_neigh = now_ms() + NEIGH_CHECK_MS;
			for (size_t i = 0; i < n; i++)
				if (!p[i].answered)
					ping_check_neigh(&p[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct addr_facts *a = p[i].a;

		if (a->ping.sent > 0 && (f->ping_first_us == 0 || a->ping.sent_us[0] < f->ping_first_us))
			f->ping_first_us = a->ping.sent_us[0];
		if (p[i].answered) {
			ping_close(a);
			answered++;
			step_evidence(w, "%s answered: time %u.%03u ms, TTL %d", a->text,
				      p[i].rtt_us / 1000, p[i].rtt_us % 1000, p[i].ttl);
			ping_answered(f, p[i].rtt_us, p[i].ttl);
			continue;
		}
		ping_check_neigh(&p[i]);
		if (p[i].neigh_gave_up) {
			ping_close(a);
			step_evidence(w, "%s: no echo reply to %d request%s within %u ms", a->text, a->ping.sent,
				      a->ping.sent == 1 ? "" : "s", (unsigned)(now_ms() - start));
		} else {
			/* the socket stays open: the TCP step reads a late reply */
			waiting++;
			step_evidence(w, "%s: no echo reply yet to %d request%s after %u ms; we keep listening while we connect",
				      a->text, a->ping.sent, a->ping.sent == 1 ? "" : "s",
				      (unsigned)(now_ms() - start));
		}
		if (p[i].neigh_gave_up)
			step_evidence(w, "  the link: nobody answered %s for %s (%s) in %u ms; the kernel's neighbour table says %s",
				      a->sa.ss_family == AF_INET6 ? "neighbour discovery" : "ARP", a->neigh_hop,
				      a->neigh_gateway ? "the router toward it" : "the address itself",
				      a->neigh_unanswered_ms, a->neigh == NEIGH_FAILED ? "FAILED" : "INCOMPLETE");
	}
	if (answered == n && noroute == 0)
		step_finish(w, STEP_PASS, "the host answers ping: it is up and reachable");
	else if (answered > 0)
		step_finish(w, STEP_WARN, "%zu of %zu addresses answer ping", answered, n + noroute);
	else if (waiting > 0)
		step_finish(w, STEP_WARN, "no answer to ping yet; many hosts and firewalls ignore it, so this alone proves nothing (we keep listening during the next step)");
	else
		step_finish(w, STEP_WARN, "no answer to ping; many hosts and firewalls ignore it, so this alone proves nothing");
	return 0;
}

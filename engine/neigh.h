/* The kernel's neighbour table (ARP for IPv4, NDP for IPv6), asked over
 * rtnetlink: did the next hop toward an address answer on the link? An
 * absent host on the link never answers ARP; the kernel gives up only after
 * several probes (about 3 s), but its table says "incomplete" from the first
 * unanswered probe on, which lets the diagnosis conclude early. */
#ifndef SSHD_NEIGH_H
#define SSHD_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/facts.h"

/* The next hop toward an address: the address itself on the link, or the
 * router the route names. */
struct neigh_hop {
	bool known;                   /* false: the kernel had no route */
	int family;
	uint8_t addr[16];
	int ifindex;
	char ifname[32];
	bool gateway;                 /* the next hop is a router, not the target */
	char text[64];                /* numeric, for evidence */
};

/* Asks the kernel (rtnetlink route lookup, nothing is sent) for the next hop
 * toward sa. Returns 0, or -1 when there is no route (hop->known false). */
int neigh_next_hop(const struct sockaddr_storage *sa, struct neigh_hop *hop);

/* Asks the kernel's neighbour table about hop (RTM_GETNEIGH). Returns the
 * state; NEIGH_UNKNOWN when the table cannot be read. */
enum neigh_state neigh_lookup(const struct neigh_hop *hop);

/* Pure: reads the kernel's answer to an RTM_GETNEIGH request (len bytes of
 * netlink messages). Returns 0 with *nud set to the entry's NUD_* bits, or a
 * negative errno (-ENOENT: no entry; -EINVAL: not a neighbour answer). */
int neigh_parse_answer(const void *buf, size_t len, uint16_t *nud);

/* Pure: what NUD_* bits mean for reachability. */
enum neigh_state neigh_state_from_nud(uint16_t nud);

/* Pure: true when the state says the next hop has not answered (yet). */
bool neigh_state_unanswered(enum neigh_state s);

/* How long the kernel waits for one neighbour answer before it asks again
 * (net.ipv4/ipv6.neigh.IF.retrans_time_ms), in ms; 1000 when unreadable. */
int neigh_retrans_ms(int family, const char *ifname);

/*
 * Pure: has the next hop stayed unanswered long enough to call the host
 * unreachable? True for FAILED at once, and for INCOMPLETE (or no entry,
 * after we sent to it) once unanswered_ms reaches the kernel's own wait for
 * one probe (retrans_ms): the kernel itself counts that probe as lost.
 */
bool neigh_conclusive(enum neigh_state s, uint32_t unanswered_ms, int retrans_ms);

#endif

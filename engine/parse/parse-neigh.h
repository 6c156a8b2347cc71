/* SPDX-License-Identifier: MIT */
/* What the state of the next hop's neighbour entry (ARP for IPv4, NDP for
 * IPv6) means. An absent host on the link never answers; the kernel gives
 * up only after several probes (about 3 s), but its table says
 * "incomplete" from the first unanswered probe on, which lets the
 * diagnosis conclude early. Pure; the OS layer reads the table. */
#ifndef SSHD_PARSE_NEIGH_H
#define SSHD_PARSE_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/facts.h"

/* True when the state says the next hop has not answered (yet). */
bool neigh_state_unanswered(enum neigh_state s);

/*
 * Has the next hop stayed unanswered long enough to call the host
 * unreachable? True for FAILED at once, and for INCOMPLETE (or no entry,
 * after we sent to it) once unanswered_ms reaches the system's own wait for
 * one probe (retrans_ms): the kernel itself counts that probe as lost.
 */
bool neigh_conclusive(enum neigh_state s, uint32_t unanswered_ms, int retrans_ms);

#endif

/* SPDX-License-Identifier: MIT */
/* The engine's side of the capture: opens capture/ for the target, tells it
 * which connection attempts to watch, pumps packets on the face's thread and
 * hands the classification to the probes on the worker thread. */
#ifndef SSHD_WIRE_H
#define SSHD_WIRE_H

#include <pthread.h>
#include <stdbool.h>

#include "engine/engine.h"
#include "engine/facts.h"

struct wire;

/* Prepares the capture for cfg (live, or --replay). NULL when no capture can
 * be had, with the reason, and how to get it, in why. */
struct wire *wire_new(const struct engine_config *cfg, struct strbuf *why);
void wire_free(struct wire *w);

bool wire_is_live(const struct wire *w);
/* The interface captured on, or NULL while none is chosen (before the route
 * is known) and in a replay; a string of w. */
const char *wire_interface(const struct wire *w);
/* The selectable fd, or -1 while none is open. */
int wire_fd(struct wire *w);

/* Worker thread: opens the capture for f's addresses (after the name is
 * resolved, so the echo replies are seen too). Replaying, the same
 * addresses again keep what the file said; other addresses read it again
 * from its start. */
void wire_open(struct wire *w, const struct client_facts *f);
/* Keeps the report and the judgement to this run's own connections (the
 * client side, live): see classify_own_only(). Before wire_open(). */
void wire_own_only(struct wire *w);
/* Any thread: one of this run's connections (its source port and the
 * port it goes to), or echo ids. */
void wire_own_port(struct wire *w, uint16_t sport, uint16_t dport);
void wire_own_echo(struct wire *w, uint16_t id);
/* Worker thread: watch the attempts whose local ports are in f. */
void wire_expect(struct wire *w, const struct client_facts *f);
/* Worker thread: true when the capture has seen an ICMP error quoting our
 * SYN from local port sport to a's address and the target port (the
 * socket may never be told: Linux keeps some as soft errors while it
 * retries). */
bool wire_icmp_about(struct wire *w, const struct addr_facts *a, int sport);
/* Worker thread: true when the capture has seen a router say a's host
 * cannot be reached (ICMP host or network unreachable, ICMPv6 no route or
 * address unreachable) about any of our SYNs to it, whatever the port: it
 * holds for every port of that host. Not "administratively prohibited",
 * which a rule sends for one port. */
bool wire_host_unreachable(struct wire *w, const struct addr_facts *a);
/* Worker thread: true when the capture saw a's host answer this machine
 * (an echo reply, a SYN-ACK or RST on another port): what we sent it does
 * pass the capture. */
bool wire_host_answered(struct wire *w, const struct addr_facts *a);
/* Worker thread: wait up to ms for every attempt to be classified, then copy
 * what the wire says into f's addresses. */
void wire_collect(struct wire *w, struct client_facts *f, int ms, const bool *quit,
		  pthread_mutex_t *quit_lock);

/* Worker thread, --replay: waits up to ms until the face thread has read
 * the whole file, then fills f's addresses from what it held, matching any
 * attempt to each address, and sets f->replay_cut when the file's last
 * packet was cut short (not an error: the whole packets before it count).
 * 0, or -1 when the file could not be read or not in time. */
int wire_replay(struct wire *w, struct client_facts *f, int ms, const bool *quit,
		pthread_mutex_t *quit_lock);

/*
 * One live capture for many engines at once (a fleet): opened once, before
 * any target is known, on ifname (NULL: "any"), filtered to what can answer
 * a SYN on any of ports (SYNs, RSTs, the ports' own traffic, ICMP errors and
 * echoes, ARP and NDP). Each engine made with engine_config.hub attaches a
 * wire to it, and every packet is decoded once and offered to every attached
 * wire, whose classifier keeps its own connections' packets only (see
 * classify_own_only()). NULL on failure with the reason in why.
 */
struct wire_hub *wire_hub_new(const char *ifname, const uint16_t *ports, size_t nports,
			      struct strbuf *why);
/* NULL-safe; every wire must be gone first. */
void wire_hub_free(struct wire_hub *h);
/* The fd to poll, -1 when none. */
int wire_hub_fd(const struct wire_hub *h);
/* The interface it captures on; lives as long as h. */
const char *wire_hub_interface(const struct wire_hub *h);
/* Face thread: reads what is ready and offers it to every attached wire. */
void wire_hub_pump(struct wire_hub *h);

/* The last capture error message; lives as long as w. */
const char *wire_error(struct wire *w);

/* Face thread: reads what is ready, appends packet lines to cap. */
void wire_pump(struct wire *w, struct report_capture *cap);
/* Face thread: fills the outcome and counters at the end. */
void wire_finish(struct wire *w, struct report_capture *cap);

#endif

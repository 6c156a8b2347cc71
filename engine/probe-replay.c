/* SPDX-License-Identifier: MIT */
/* --replay: judge HOST[:PORT] from the packets of a capture file alone,
 * sending nothing: for a recorded case shown to a class, or a capture taken
 * elsewhere with tcpdump. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/probe.h"

#define REPLAY_DEADLINE_MS 20000

/* What ssh's connect() would have said, from what came back on the wire. */
static enum tcp_result tcp_from_wire(const struct addr_facts *a)
{
	switch (a->wire) {
	case WIRE_SYNACK: return TCP_ANSWERED;
	case WIRE_RST: return TCP_REFUSED;
	case WIRE_SILENCE: return TCP_NO_ANSWER;
	case WIRE_NONE: return TCP_NOT_TRIED;
	case WIRE_ICMP:
		break;
	}
	if (a->sa.ss_family == AF_INET) {
		if (a->icmp_type == 3 && (a->icmp_code == 0 || a->icmp_code == 6))
			return TCP_NET_UNREACH;
		if (a->icmp_type == 3 && (a->icmp_code == 1 || a->icmp_code == 7))
			return TCP_HOST_UNREACH;
	} else if (a->icmp_type == 1 && (a->icmp_code == 0 || a->icmp_code == 3)) {
		return TCP_HOST_UNREACH;
	}
	return TCP_REFUSED;
}

/* What ssh prints for that result, so the file is tied to the symptom. */
static const char *ssh_would_say(enum tcp_result r)
{
	switch (r) {
	case TCP_ANSWERED: return "ssh would have connected (and then read the server's identification)";
	case TCP_REFUSED: return "ssh would have said \"Connection refused\"";
	case TCP_NO_ANSWER: return "ssh would have said \"Connection timed out\"";
	case TCP_HOST_UNREACH: return "ssh would have said \"No route to host\"";
	case TCP_NET_UNREACH: return "ssh would have said \"Network is unreachable\"";
	default: return "ssh would have failed to connect";
	}
}

int probe_replay_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	const char *file = engine_replay_file(w->e);
	struct conn tmp;
	struct addr_facts *a;
	char *why;

	memset(&tmp, 0, sizeof(tmp));
	if (t->host == NULL || conn_set_address(&tmp, t->host, t->port) != 0) {
		client_facts_forget_addrs(f);
		step_finish(w, STEP_ERROR, "a replay needs the target's address, not a name");
		engine_fail(w->e, "--replay judges an address: give the target's IP address, as the capture file holds addresses, not names");
		return -1;
	}
	/* run again, the same address is published again: the wire keeps what
	 * it judged from the file for it */
	client_facts_forget_addrs(f);
	a = &f->addrs[f->naddrs++];
	memcpy(&a->sa, &tmp.sa, tmp.salen);
	a->salen = tmp.salen;
	inet_ntop(a->sa.ss_family, a->sa.ss_family == AF_INET
		  ? (const void *)&((struct sockaddr_in *)&a->sa)->sin_addr
		  : (const void *)&((struct sockaddr_in6 *)&a->sa)->sin6_addr, a->text, sizeof(a->text));
	f->dns = DNS_LITERAL;
	engine_publish_addresses(w->e, f);

	step_wait(w, REPLAY_DEADLINE_MS, "reading the capture file");
	f->replay_cut = false;
	if (engine_capture_replay(w->e, f, REPLAY_DEADLINE_MS) != 0) {
		step_finish(w, STEP_ERROR, "'%s' could not be read", file);
		why = xasprintf("'%s' could not be read in %d s: check that it is a whole pcap or pcapng file",
				file, REPLAY_DEADLINE_MS / 1000);
		engine_fail(w->e, why);
		free(why);
		return -1;
	}
	if (f->replay_cut)
		step_evidence(w, "'%s': its last packet is cut short (the capture was stopped while it wrote); "
			      "the whole packets before it were read, as tcpdump reads them", file);
	a->tcp = tcp_from_wire(a);
	if (a->tcp == TCP_NOT_TRIED) {
		/* no attempt: nothing to judge, so no cause either (exit 3) */
		step_finish(w, STEP_ERROR, "'%s' holds no SYN to %s port %d", file, a->text, t->port);
		why = xasprintf("'%s' holds no connection attempt to %s port %d: check the address and the port (-p)",
				file, a->text, t->port);
		engine_fail(w->e, why);
		free(why);
		return 0;
	}
	if (a->wire_note)
		step_evidence(w, "%s", a->wire_note);
	step_evidence(w, "%s", ssh_would_say(a->tcp));
	f->silence_ms = 0;
	step_finish(w, a->tcp == TCP_ANSWERED ? STEP_PASS : STEP_FAIL,
		    "in the capture, the SYN to %s port %d got %s", a->text, t->port,
		    wire_outcome_text(a->wire));
	return 0;
}

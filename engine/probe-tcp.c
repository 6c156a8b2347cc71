/* SPDX-License-Identifier: MIT */
/* TCP to the port, for every address separately (ssh itself reports only
 * the last address's error), and, at the same time, SSH on other ports. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/parse/parse-fw-output.h"
#include "engine/parse/parse-neigh.h"
#include "engine/probe.h"

#define BANNER_MS 1500
/* How long an answer the socket had may still be missing from the capture
 * once it was read up to the socket's answer (dropped, or never on the wire) */
#define CAPTURE_LATE_MS 100

/* Ports where people often move SSH. */
static const int alt_ports[] = {22, 2222, 2200, 222, 22222, 8022, 2022, 10022, 443};

/* Says how long "no answer" takes and why (see silence_plan_make). */
static void plan_explain(const struct silence_plan *p, struct strbuf *why)
{
	if (p->measured)
		strbuf_addf(why, "we wait %d ms for an answer: a second SYN leaves after %d ms in case the first was lost, and each SYN gets %d times the measured round trip of %u.%03u ms, at least %d ms (the kernel alone would retry for about two minutes)",
			    p->deadline_ms, p->retry_ms, SILENCE_RTT_FACTOR, p->rtt_us / 1000,
			    p->rtt_us % 1000, SILENCE_FLOOR_MS);
	else
		strbuf_addf(why, "we wait up to %d ms for an answer: there is no measured round trip, so each of two SYNs gets %d ms, and a router in between gets %d ms from our first packet to find the host on its own link before it says \"unreachable\"; an answer from another port of the same host, or our own neighbour table, can end the wait sooner (the kernel alone would retry for about two minutes)",
			    p->deadline_ms, p->per_syn_ms, SILENCE_NO_RTT_TOTAL_MS);
}

struct tcp_ctx {
	struct engine *e;
	struct step_work *w;
	struct client_facts *f;
	struct conn *c;
	size_t n;
	int conn_of[FACTS_MAX_ADDRS];        /* address -> conn, -1 when not tried */
	struct neigh_hop hop[FACTS_MAX_ADDRS];
	int retrans_ms[FACTS_MAX_ADDRS];
	struct silence_plan plan;
	bool replanned;
	bool icmp_ended[FACTS_MAX_ADDRS];    /* ended by an ICMP error seen on the wire */
};

static void on_started(void *arg)
{
	struct tcp_ctx *s = arg;

	for (size_t i = 0; i < s->f->naddrs; i++)
		if (s->conn_of[i] >= 0)
			s->f->addrs[i].local_port = s->c[s->conn_of[i]].local_port;
	engine_capture_expect(s->e, s->f);
}

/* Re-reads the neighbour table for address i: true when its next hop has
 * stayed unanswered long enough to call the host unreachable. */
static bool neigh_gave_up(struct tcp_ctx *s, size_t i)
{
	struct addr_facts *a = &s->f->addrs[i];
	uint64_t now = now_us();

	if (!s->hop[i].known)
		return false;
	a->neigh = os_active()->neigh_lookup(&s->hop[i]);
	if (!neigh_state_unanswered(a->neigh)) {
		a->neigh_since_us = 0;
		return false;
	}
	if (a->neigh_since_us == 0)
		a->neigh_since_us = now;
	a->neigh_unanswered_ms = (uint32_t)((now - a->neigh_since_us) / 1000);
	return neigh_conclusive(a->neigh, a->neigh_unanswered_ms, s->retrans_ms[i]);
}

/* Ends every pending attempt to address i: its SYNs cannot leave the link. */
static void end_unreachable(struct tcp_ctx *s, size_t i)
{
	for (size_t k = 0; k < s->n; k++) {
		struct conn *x = &s->c[k];

		if (x->done || x->tcp != TCP_NOT_TRIED ||
		    !sockaddr_same_ip((const struct sockaddr *)&x->sa, (const struct sockaddr *)&s->f->addrs[i].sa))
			continue;
		x->tcp = TCP_HOST_UNREACH;
		x->err = EHOSTUNREACH;
		x->tcp_us = (uint32_t)((now_us() - x->start_us));
		x->done = true;
	}
}

/* A round trip measured while the SYNs wait (ping had none): the pending
 * attempts to that address get the deadline it allows. */
static void replan(struct tcp_ctx *s, uint32_t rtt_us, const struct sockaddr *host, const char *by)
{
	struct silence_plan np;

	silence_plan_make(rtt_us > 0 ? rtt_us : 1, 0, &np);
	for (size_t j = 0; j < s->n; j++) {
		struct conn *x = &s->c[j];

		if (x->done || x->tcp != TCP_NOT_TRIED || !sockaddr_same_ip((const struct sockaddr *)&x->sa, host))
			continue;
		x->connect_ms = np.deadline_ms;
		if (!x->retried)
			x->retry_ms = np.retry_ms;
	}
	s->replanned = true;
	s->f->silence_ms = np.deadline_ms;
	step_evidence(s->w, "%s answered in %u.%03u ms: that round trip shortens the wait to %d ms (a second SYN after %d ms)",
		      by, rtt_us / 1000, rtt_us % 1000, np.deadline_ms, np.retry_ms);
}

/* Every 50 ms while SYNs wait: the neighbour table, a late echo reply, and
 * a round trip measured on another port of the same host when ping gave
 * none. */
static void on_tick(void *arg)
{
	struct tcp_ctx *s = arg;
	int late;

	for (size_t i = 0; i < s->f->naddrs; i++) {
		int k = s->conn_of[i];
		struct conn *x = k >= 0 ? &s->c[k] : NULL;

		/* a router said the host cannot be reached: that holds for
		 * the other ports' attempts too, whose own errors it may
		 * have rate-limited away; waiting for them adds nothing */
		if (x != NULL && x->done && (x->tcp == TCP_HOST_UNREACH || x->tcp == TCP_NET_UNREACH) &&
		    engine_capture_host_unreachable(s->e, &s->f->addrs[i])) {
			end_unreachable(s, i);
			continue;
		}
		if (x == NULL || x->done || x->tcp != TCP_NOT_TRIED)
			continue;
		if (neigh_gave_up(s, i)) {
			end_unreachable(s, i);
			continue;
		}
		/* an ICMP error the socket was not told (a soft error to it):
		 * the wire has the answer, waiting longer adds nothing */
		if (engine_capture_icmp(s->e, &s->f->addrs[i], x->local_port) ||
		    (x->fd2 >= 0 && engine_capture_icmp(s->e, &s->f->addrs[i], x->local_port2))) {
			x->tcp = TCP_NO_ANSWER;
			x->err = 0;
			x->tcp_us = (uint32_t)(now_us() - x->start_us);
			x->done = true;
			s->icmp_ended[i] = true;
		}
	}
	late = probe_ping_late(s->w, s->f);
	if (s->plan.measured || s->replanned)
		return;
	if (late >= 0) {
		replan(s, s->f->ping_rtt_us, (const struct sockaddr *)&s->f->addrs[late].sa, "ping");
		return;
	}
	for (size_t k = 0; k < s->n; k++) {
		const struct conn *y = &s->c[k];
		char by[32];

		if (y->tcp != TCP_ANSWERED && y->tcp != TCP_REFUSED)
			continue;
		/* the port sits at the same offset in IPv4 and IPv6 */
		snprintf(by, sizeof(by), "port %d of the same host",
			 ntohs(((const struct sockaddr_in *)&y->sa)->sin_port));
		replan(s, y->tcp_us, (const struct sockaddr *)&y->sa, by);
		return;
	}
}

static const char *result_sentence(enum tcp_result r)
{
	switch (r) {
	case TCP_ANSWERED: return "answered (the three-way handshake completed)";
	case TCP_REFUSED: return "refused (ECONNREFUSED: a RST or an ICMP error came back)";
	case TCP_NO_ANSWER: return "no answer";
	case TCP_HOST_UNREACH: return "host unreachable (EHOSTUNREACH)";
	case TCP_NET_UNREACH: return "network unreachable (ENETUNREACH)";
	case TCP_FORBIDDEN: return "forbidden by this machine (its own firewall, EPERM)";
	case TCP_OTHER: return "failed";
	case TCP_NOT_TRIED: return "not tried";
	}
	return "failed";
}

/* Reads this machine's own outbound rules for the one that keeps our SYNs
 * to a's port from leaving, into a's facts and the step's evidence. */
static void own_rule_read(struct step_work *w, struct addr_facts *a, int port)
{
	int family = a->sa.ss_family == AF_INET6 ? 6 : 4;
	struct fw_out_rule r;
	struct os_trace tr;
	struct strbuf out;
	int found;

	strbuf_init(&out);
	os_trace_init(&tr);
	if (engine_own_rules(family, &out, &tr) != 0) {
		step_evidence(w, "  this machine's own firewall rules could not be read (it needs root)");
		goto out;
	}
	found = fw_out_find(out.buf ? out.buf : "", out.len, a->text, port, &r);
	if (found == 1) {
		a->own_rule = xstrdup(r.text);
		a->own_rule_fix = fw_out_fix_command(&r, family, a->text, port);
		a->own_rule_sure = !r.conditional;
		step_evidence(w, "  this machine's own rule%s keeps them in: %s",
			      r.conditional ? " (it also matches on more than the address and port)" : "",
			      r.is_policy ? "the OUTPUT chain's policy is DROP" : r.text);
		fw_out_rule_release(&r);
	} else if (found == 0) {
		step_evidence(w, "  no rule in this machine's iptables OUTPUT chain stops port %d (nftables or endpoint software may)",
			      port);
	}
out:
	for (size_t i = 0; i < tr.n; i++)
		step_detail(w, "%s", tr.v[i].text);
	os_trace_release(&tr);
	strbuf_release(&out);
}

/* True when the ping step already saw address i's next hop stay silent on
 * the link for longer than the kernel waits for one neighbour answer, and
 * the table still says so: a SYN would only wait behind ARP/NDP. */
static bool link_already_failed(struct tcp_ctx *s, size_t i)
{
	const struct addr_facts *a = &s->f->addrs[i];

	if (a->neigh_since_us == 0 || !neigh_state_unanswered(a->neigh))
		return false;
	return neigh_gave_up(s, i);
}

int probe_tcp_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	struct conn c[FACTS_MAX_ADDRS + FACTS_MAX_ALT_PORTS];
	struct tcp_ctx *s;
	struct strbuf why;
	size_t n = 0, answered = 0, nalt_start;
	const struct addr_facts *alt_addr = NULL;
	bool cancel = false, take_link = f->ping_first_us != 0;
	int waited_ms = take_link ? (int)((now_us() - f->ping_first_us) / 1000) : 0;

	/* a ping run just before hands over when its first echo left and what
	 * it saw of the link, for this run only: run again, the TCP step
	 * starts as it would with no ping before it, not from an old echo or
	 * an old neighbour table entry */
	f->ping_first_us = 0;
	client_facts_forget_tcp(f, take_link);
	if (f->naddrs == 0) {
		step_finish(w, STEP_SKIP, "no address to connect to");
		return 0;
	}
	memset(c, 0, sizeof(c));
	s = xcalloc(1, sizeof(*s));
	*s = (struct tcp_ctx){.e = w->e, .w = w, .f = f, .c = c};
	/* an echo reply may have come since the ping step ended */
	probe_ping_late(w, f);
	silence_plan_make(f->ping_answered ? (f->ping_rtt_us > 0 ? f->ping_rtt_us : 1) : 0, waited_ms,
			  &s->plan);
	f->silence_ms = s->plan.deadline_ms;

	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];

		s->conn_of[i] = -1;
		if (os_active()->neigh_next_hop(&a->sa, &s->hop[i]) == 0) {
			s->retrans_ms[i] = os_active()->neigh_retrans_ms(s->hop[i].family, s->hop[i].ifname);
			snprintf(a->neigh_hop, sizeof(a->neigh_hop), "%s", s->hop[i].text);
			a->neigh_gateway = s->hop[i].gateway;
		}
		if (link_already_failed(s, i)) {
			a->tcp = TCP_HOST_UNREACH;
			a->tcp_errno = EHOSTUNREACH;
			a->tcp_us = 0;
			a->local_port = 0;
			step_evidence(w, "%s port %d: not tried: nobody has answered %s for %s on the link for %u ms, so a SYN could not leave this machine",
				      a->text, t->port, a->sa.ss_family == AF_INET6 ? "neighbour discovery" : "ARP",
				      a->neigh_hop, a->neigh_unanswered_ms);
			continue;
		}
		conn_set_address(&c[n], a->text, t->port);
		c[n].tos = PROBE_SYN_TOS;
		c[n].retry_ms = s->plan.retry_ms;
		s->conn_of[i] = (int)n;
		n++;
		if (alt_addr == NULL && a->route_ok)
			alt_addr = a;
	}
	/* other ports are tried at the same time: "wrong port" costs nothing extra */
	nalt_start = n;
	if (alt_addr == NULL && n > 0)
		for (size_t i = 0; i < f->naddrs && alt_addr == NULL; i++)
			if (s->conn_of[i] >= 0)
				alt_addr = &f->addrs[i];
	for (size_t k = 0; alt_addr && k < sizeof(alt_ports) / sizeof(alt_ports[0]); k++) {
		if (alt_ports[k] == t->port)
			continue;
		conn_set_address(&c[n], alt_addr->text, alt_ports[k]);
		c[n].want_banner = true;
		/* the host's RSTs here show whether the path keeps our TOS byte */
		c[n].tos = PROBE_SYN_TOS;
		c[n].retry_ms = s->plan.retry_ms;
		n++;
	}
	s->n = n;

	if (n > 0) {
		strbuf_init(&why);
		plan_explain(&s->plan, &why);
		step_evidence(w, "%s", why.buf);
		strbuf_release(&why);
		step_wait(w, f->silence_ms, "waiting for the SYN to be answered");
		engine_conn_watch(w->e, c, n);
		conn_run_ticked(c, n, f->silence_ms, BANNER_MS, &cancel, on_started, on_tick, s);
	}
	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];
		const struct conn *x;

		if (s->conn_of[i] < 0)
			continue;
		x = &c[s->conn_of[i]];
		a->tcp = x->tcp;
		a->tcp_errno = x->err;
		a->tcp_us = x->tcp_us;
		a->local_port = x->local_port;
		/* silence that is really a link nobody answers on */
		if (a->tcp == TCP_NO_ANSWER && neigh_gave_up(s, i)) {
			a->tcp = TCP_HOST_UNREACH;
			a->tcp_errno = EHOSTUNREACH;
		}
	}
	probe_ping_late(w, f);
	probe_ping_close(f);
	/* the capture is read up to now first (it holds every answer a
	 * socket was told of); the bound is for an answer it never got */
	engine_capture_collect(w->e, f, CAPTURE_LATE_MS);

	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];
		int k = s->conn_of[i];

		if (k < 0) {
			if (a->wire_note)
				step_evidence(w, "  the wire: %s", a->wire_note);
			continue;
		}
		/* the capture sees what leaves after this machine's own firewall */
		a->syn_unseen = a->tcp == TCP_NO_ANSWER && a->wire == WIRE_NONE && c[k].syns > 0 &&
				!s->icmp_ended[i] && engine_capture_host_answered(w->e, a);
		if (a->tcp == TCP_ANSWERED)
			answered++;
		if (s->icmp_ended[i])
			step_evidence(w, "%s port %d: the capture saw an ICMP error come back to our SYN (we looked after %u.%03u ms, %d SYN%s); the connection attempt itself was told nothing, so we stopped waiting",
				      a->text, t->port, a->tcp_us / 1000, a->tcp_us % 1000,
				      c[k].syns, c[k].syns == 1 ? "" : "s");
		else
			step_evidence(w, "%s port %d: %s after %u.%03u ms (%d SYN%s)", a->text, t->port,
				      result_sentence(a->tcp), a->tcp_us / 1000, a->tcp_us % 1000,
				      c[k].syns, c[k].syns == 1 ? "" : "s");
		if (a->tcp == TCP_HOST_UNREACH && neigh_state_unanswered(a->neigh))
			step_evidence(w, "  the link: nobody answered %s for %s (%s) in %u ms; the kernel's neighbour table says %s",
				      a->sa.ss_family == AF_INET6 ? "neighbour discovery" : "ARP", a->neigh_hop,
				      a->neigh_gateway ? "the router toward it" : "the address itself",
				      a->neigh_unanswered_ms, a->neigh == NEIGH_FAILED ? "FAILED" : "INCOMPLETE");
		if (a->wire_note)
			step_evidence(w, "  the wire: %s", a->wire_note);
		if (a->syn_unseen)
			step_evidence(w, "  the capture saw none of our SYNs to port %d leave this machine, though %s answered our other packets",
				      t->port, a->text);
		/* without a capture, silence may be this machine's own rule:
		 * its OUTPUT chain says whether one stops the SYN */
		if (a->syn_unseen || a->tcp == TCP_FORBIDDEN ||
		    (a->tcp == TCP_NO_ANSWER && a->wire == WIRE_NONE && !engine_capture_live(w->e)))
			own_rule_read(w, a, t->port);
	}
	for (size_t i = nalt_start; i < n && f->nalt < FACTS_MAX_ALT_PORTS; i++) {
		struct alt_port_facts *ap = &f->alt[f->nalt++];
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&c[i].sa;

		ap->port = ntohs(s4->sin_port);   /* same offset for IPv6 */
		ap->tcp = c[i].tcp;
		ap->banner = c[i].banner;
		ap->banner_text = c[i].banner_text;
		c[i].banner_text = NULL;
		if (ap->banner == BANNER_SSH && f->alt_ssh_port == 0)
			f->alt_ssh_port = ap->port;
		step_detail(w, "other port %d on %s: %s%s%s", ap->port, alt_addr->text,
			    tcp_result_word(ap->tcp), ap->banner_text ? ", says " : "",
			    ap->banner_text ? ap->banner_text : "");
	}
	conn_release(c, n);
	free(s);

	if (answered == f->naddrs)
		step_finish(w, STEP_PASS, "port %d answers on %s", t->port,
			    f->naddrs == 1 ? f->addrs[0].text : "every address");
	else if (answered > 0)
		step_finish(w, STEP_WARN, "port %d answers on %zu of %zu addresses", t->port, answered, f->naddrs);
	else if (f->addrs[0].syn_unseen)
		step_finish(w, STEP_FAIL, "port %d: our SYNs never left this machine", t->port);
	else if (f->addrs[0].tcp != TCP_ANSWERED && f->addrs[0].wire == WIRE_ICMP && f->addrs[0].wire_note)
		/* what the error said: "refused" is only one of them */
		step_finish(w, STEP_FAIL, "port %d: an ICMP error came back: %s", t->port, f->addrs[0].wire_note);
	else if (f->addrs[0].tcp != TCP_ANSWERED && f->addrs[0].wire == WIRE_ICMP)
		step_finish(w, STEP_FAIL, "port %d: an ICMP error came back from %s (type %d, code %d)", t->port,
			    f->addrs[0].icmp_from[0] ? f->addrs[0].icmp_from : "the path",
			    f->addrs[0].icmp_type, f->addrs[0].icmp_code);
	else
		step_finish(w, STEP_FAIL, "port %d: %s", t->port, tcp_result_word(f->addrs[0].tcp));
	return 0;
}

int probe_altport_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	bool main_ssh = false;
	size_t silent = 0;

	for (size_t i = 0; i < f->naddrs; i++)
		main_ssh = main_ssh || f->addrs[i].banner == BANNER_SSH;
	if (main_ssh) {
		step_finish(w, STEP_SKIP, "SSH answers on port %d itself: no need to look elsewhere", t->port);
		return 0;
	}
	if (f->nalt == 0) {
		step_finish(w, STEP_SKIP, "the other ports were not tried (run the TCP step first)");
		return 0;
	}
	for (size_t i = 0; i < f->nalt; i++) {
		const struct alt_port_facts *ap = &f->alt[i];

		if (ap->tcp != TCP_ANSWERED)
			continue;
		step_evidence(w, "port %d answers: %s%s%s", ap->port, banner_result_word(ap->banner),
			      ap->banner_text ? ": " : "", ap->banner_text ? ap->banner_text : "");
	}
	/* the status says whether this check found a problem: SSH moved is
	 * the problem; no port answering at all means it could not look */
	if (f->alt_ssh_port > 0) {
		step_finish(w, STEP_FAIL, "an SSH server answers on port %d, not on %d", f->alt_ssh_port, t->port);
		return 0;
	}
	{
		struct strbuf ports;

		strbuf_init(&ports);
		for (size_t i = 0; i < f->nalt; i++) {
			strbuf_addf(&ports, "%s%d", i ? ", " : "", f->alt[i].port);
			silent += f->alt[i].tcp == TCP_NO_ANSWER || f->alt[i].tcp == TCP_HOST_UNREACH ||
				  f->alt[i].tcp == TCP_NET_UNREACH;
		}
		step_evidence(w, "tried: %s", ports.buf);
		strbuf_release(&ports);
	}
	if (silent == f->nalt) {
		step_finish(w, STEP_WARN, "no other port answered at all, not even with a refusal: whether SSH listens elsewhere cannot be seen from here");
		return 0;
	}
	step_finish(w, STEP_PASS, "SSH was not moved to one of the usual other ports: none of them has an SSH server");
	return 0;
}

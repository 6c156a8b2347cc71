/* TCP to the port, for every address separately (ssh itself reports only
 * the last address's error), and, at the same time, SSH on other ports. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/probe.h"

#define SILENCE_FLOOR_MS 400
#define SILENCE_CEILING_MS 5000
#define SILENCE_NO_RTT_MS 3000
#define SILENCE_RTT_FACTOR 8
#define BANNER_MS 1500

/* Ports where people often move SSH. */
static const int alt_ports[] = {22, 2222, 2200, 222, 22222, 8022, 2022, 10022, 443};

/* How long "no answer" takes: several round trips, never less than a floor,
 * so a dropped SYN costs a second and not the kernel's two minutes. */
static int silence_deadline(const struct client_facts *f, int floor, struct strbuf *why)
{
	int d;

	if (floor <= 0)
		floor = SILENCE_FLOOR_MS;
	if (f->ping_answered) {
		int rtt_ms = (int)((f->ping_rtt_us + 999) / 1000);

		d = SILENCE_RTT_FACTOR * rtt_ms;
		if (d < floor)
			d = floor;
		if (d > SILENCE_CEILING_MS)
			d = SILENCE_CEILING_MS;
		strbuf_addf(why, "we wait %d ms for an answer: %d times the measured round trip of %u.%03u ms, and at least %d ms (the kernel alone would retry for about two minutes)",
			    d, SILENCE_RTT_FACTOR, f->ping_rtt_us / 1000, f->ping_rtt_us % 1000, floor);
	} else {
		d = floor > SILENCE_NO_RTT_MS ? floor : SILENCE_NO_RTT_MS;
		strbuf_addf(why, "we wait %d ms for an answer: there is no measured round trip, so we allow the time the kernel needs to find a neighbour on the link (the kernel alone would retry for about two minutes)",
			    d);
	}
	return d;
}

struct started_ctx {
	struct engine *e;
	struct client_facts *f;
	struct conn *c;
};

static void on_started(void *arg)
{
	struct started_ctx *s = arg;

	for (size_t i = 0; i < s->f->naddrs; i++)
		s->f->addrs[i].local_port = s->c[i].local_port;
	engine_capture_expect(s->e, s->f);
}

static const char *result_sentence(const struct conn *c)
{
	switch (c->tcp) {
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

int probe_tcp_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	struct conn c[FACTS_MAX_ADDRS + FACTS_MAX_ALT_PORTS];
	struct started_ctx sctx = {.e = w->e, .f = f, .c = c};
	struct strbuf why;
	size_t n = 0, answered = 0, nalt_start;
	const struct addr_facts *alt_addr = NULL;
	bool cancel = false;

	if (f->naddrs == 0) {
		step_finish(w, STEP_SKIP, "no address to connect to");
		return 0;
	}
	memset(c, 0, sizeof(c));
	strbuf_init(&why);
	f->silence_ms = silence_deadline(f, 0, &why);
	step_evidence(w, "%s", why.buf);
	strbuf_release(&why);

	for (size_t i = 0; i < f->naddrs; i++) {
		conn_set_address(&c[n], f->addrs[i].text, t->port);
		c[n].tos = PROBE_SYN_TOS;
		n++;
		if (alt_addr == NULL && f->addrs[i].route_ok)
			alt_addr = &f->addrs[i];
	}
	if (alt_addr == NULL)
		alt_addr = &f->addrs[0];
	/* other ports are tried at the same time: "wrong port" costs nothing extra */
	for (size_t k = 0; k < f->nalt; k++)
		free(f->alt[k].banner_text);
	f->nalt = 0;
	f->alt_ssh_port = 0;
	nalt_start = n;
	for (size_t k = 0; k < sizeof(alt_ports) / sizeof(alt_ports[0]); k++) {
		if (alt_ports[k] == t->port)
			continue;
		conn_set_address(&c[n], alt_addr->text, alt_ports[k]);
		c[n].want_banner = true;
		/* the host's RSTs here show whether the path keeps our TOS byte */
		c[n].tos = PROBE_SYN_TOS;
		n++;
	}

	step_wait(w, f->silence_ms, "waiting for the SYN to be answered");
	conn_run(c, n, f->silence_ms, BANNER_MS, &cancel, on_started, &sctx);
	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];

		if (a->tcp == TCP_NET_UNREACH && c[i].tcp != TCP_ANSWERED)
			c[i].tcp = TCP_NET_UNREACH;
		a->tcp = c[i].tcp;
		a->tcp_errno = c[i].err;
		a->tcp_us = c[i].tcp_us;
	}
	/* the socket knows the answer before the capture is read: wait for it */
	engine_capture_collect(w->e, f, 300);

	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];

		if (a->tcp == TCP_ANSWERED)
			answered++;
		step_evidence(w, "%s port %d: %s after %u.%03u ms", a->text, t->port,
			      result_sentence(&c[i]), a->tcp_us / 1000, a->tcp_us % 1000);
		if (a->wire_note)
			step_evidence(w, "  the wire: %s", a->wire_note);
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

	if (answered == f->naddrs)
		step_finish(w, STEP_PASS, "port %d answers on %s", t->port,
			    f->naddrs == 1 ? f->addrs[0].text : "every address");
	else if (answered > 0)
		step_finish(w, STEP_WARN, "port %d answers on %zu of %zu addresses", t->port, answered, f->naddrs);
	else
		step_finish(w, STEP_FAIL, "port %d: %s", t->port, tcp_result_word(f->addrs[0].tcp));
	return 0;
}

int probe_altport_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	bool main_ssh = false;

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
	if (f->alt_ssh_port > 0) {
		step_finish(w, STEP_WARN, "an SSH server answers on port %d, not on %d", f->alt_ssh_port, t->port);
		return 0;
	}
	{
		struct strbuf ports;

		strbuf_init(&ports);
		for (size_t i = 0; i < f->nalt; i++)
			strbuf_addf(&ports, "%s%d", i ? ", " : "", f->alt[i].port);
		step_evidence(w, "tried: %s", ports.buf);
		strbuf_release(&ports);
	}
	step_finish(w, STEP_PASS, "no SSH server on the usual other ports either");
	return 0;
}

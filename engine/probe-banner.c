/* SPDX-License-Identifier: MIT */
/* What does the server say first? An SSH server speaks first, with a line
 * that starts "SSH-"; anything else, or silence, or a close, is a finding. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/probe.h"

/* Longer than a resolver's 5 s timeout: sshd behind TCP wrappers looks the
 * client's name up before it says or refuses anything. */
#define BANNER_MS 6000
#define HELLO_MS 1000
/* The TCP step saw the port accept: a busy machine (a fleet, many targets
 * at once) may take longer than that step's round-trip deadline to connect
 * again, and a connection that fails here leaves no identification read. */
#define BANNER_CONNECT_MIN_MS 3000
#define HELLO "SSH-2.0-ssh_doctor_" SSHD_VERSION "\r\n"

/* Says what stood in SSH's place: a server that closes before its
 * identification is an SSH server refusing (the verdict's closed_by_server),
 * not "not an SSH server". */
static void finish_no_ssh(struct step_work *w, int port, enum banner_result b)
{
	switch (b) {
	case BANNER_CLOSED:
		step_finish(w, STEP_FAIL, "port %d accepts the connection, then closes it before any SSH identification", port);
		break;
	case BANNER_RESET:
		step_finish(w, STEP_FAIL, "port %d accepts the connection, then resets it before any SSH identification", port);
		break;
	case BANNER_MAXSTARTUPS:
		step_finish(w, STEP_FAIL, "sshd on port %d refuses new connections: \"Exceeded MaxStartups\"", port);
		break;
	case BANNER_SILENT:
		step_finish(w, STEP_FAIL, "what answers on port %d says nothing: no SSH identification came", port);
		break;
	default:
		step_finish(w, STEP_FAIL, "what answers on port %d is not an SSH server", port);
		break;
	}
}

int probe_banner_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	struct conn c[FACTS_MAX_ADDRS];
	size_t n = 0, map[FACTS_MAX_ADDRS], ssh = 0;
	bool cancel = false;

	memset(c, 0, sizeof(c));
	client_facts_forget_banner(f);
	for (size_t i = 0; i < f->naddrs; i++) {
		if (f->addrs[i].tcp != TCP_ANSWERED)
			continue;
		conn_set_address(&c[n], f->addrs[i].text, t->port);
		c[n].want_banner = true;
		c[n].hello = HELLO;
		c[n].hello_ms = HELLO_MS;
		map[n++] = i;
	}
	if (n == 0) {
		step_finish(w, STEP_SKIP, "no address accepted a TCP connection");
		return 0;
	}
	step_wait(w, BANNER_MS, "waiting for the server to speak first");
	engine_conn_watch(w->e, c, n);
	conn_run(c, n, f->silence_ms > BANNER_CONNECT_MIN_MS ? f->silence_ms : BANNER_CONNECT_MIN_MS,
		 BANNER_MS, &cancel, NULL, NULL);
	for (size_t k = 0; k < n; k++) {
		struct addr_facts *a = &f->addrs[map[k]];

		a->banner = c[k].tcp == TCP_ANSWERED ? c[k].banner : BANNER_NOT_TRIED;
		a->banner_tcp = c[k].tcp;
		a->banner_text = c[k].banner_text;
		c[k].banner_text = NULL;
		if (c[k].tcp != TCP_ANSWERED) {
			step_evidence(w, "%s: this time the connection failed: %s", a->text,
				      tcp_result_word(c[k].tcp));
			continue;
		}
		if (c[k].hello_sent)
			step_evidence(w, "%s said nothing for %d ms, so we spoke first, as an SSH client does (\"SSH-2.0-ssh_doctor_%s\")",
				      a->text, HELLO_MS, SSHD_VERSION);
		switch (a->banner) {
		case BANNER_SSH:
			ssh++;
			step_evidence(w, "%s said: %s", a->text, a->banner_text);
			break;
		case BANNER_MAXSTARTUPS:
			step_evidence(w, "%s said \"%s\" and closed: sshd has too many unauthenticated connections",
				      a->text, a->banner_text);
			break;
		case BANNER_OTHER:
			step_evidence(w, "%s %s: %s", a->text, c[k].hello_sent ? "answered" : "said",
				      a->banner_text);
			break;
		case BANNER_SILENT:
			step_evidence(w, "%s said nothing in %d ms", a->text, BANNER_MS);
			break;
		case BANNER_CLOSED:
			step_evidence(w, "%s closed the connection without a word", a->text);
			break;
		case BANNER_RESET:
			step_evidence(w, "%s reset the connection without a word", a->text);
			break;
		case BANNER_NOT_TRIED:
			break;
		}
	}
	conn_release(c, n);
	if (ssh == n)
		step_finish(w, STEP_PASS, "an SSH server answers: %s", f->addrs[map[0]].banner_text);
	else if (ssh > 0)
		step_finish(w, STEP_WARN, "SSH answers on %zu of %zu addresses", ssh, n);
	else
		finish_no_ssh(w, t->port, f->addrs[map[0]].banner);
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* The facts probes gather, and their words for reports. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/facts.h"

void client_facts_init(struct client_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->ping_ttl = -1;
	for (size_t i = 0; i < FACTS_MAX_ADDRS; i++)
		f->addrs[i].ping.fd = -1;
}

/* Frees *s and sets it to NULL. */
static void drop(char **s)
{
	free(*s);
	*s = NULL;
}

void client_facts_close_echoes(struct client_facts *f)
{
	for (size_t i = 0; i < FACTS_MAX_ADDRS; i++) {
		struct ping_wait *pw = &f->addrs[i].ping;

		if (pw->open && !pw->shared)
			close(pw->fd);
		*pw = (struct ping_wait){.fd = -1};
	}
}

void client_facts_forget_addrs(struct client_facts *f)
{
	client_facts_close_echoes(f);
	for (size_t i = 0; i < FACTS_MAX_ADDRS; i++) {
		free(f->addrs[i].banner_text);
		free(f->addrs[i].wire_note);
		free(f->addrs[i].own_rule);
		free(f->addrs[i].own_rule_fix);
	}
	memset(f->addrs, 0, sizeof(f->addrs));
	for (size_t i = 0; i < FACTS_MAX_ADDRS; i++)
		f->addrs[i].ping.fd = -1;
	f->naddrs = 0;
	f->dns = DNS_NOT_TRIED;
	drop(&f->dns_message);
	drop(&f->dns_source);
}

void client_facts_forget_route(struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];

		a->route_ok = false;
		a->route_dev[0] = '\0';
		a->route_src[0] = '\0';
		a->route_errno = 0;
		if (a->tcp == TCP_NET_UNREACH) {
			a->tcp = TCP_NOT_TRIED;
			a->tcp_errno = 0;
			a->tcp_us = 0;
		}
	}
}

/* The link toward address a's next hop, as nobody has looked at it. */
static void forget_link(struct addr_facts *a)
{
	a->neigh = NEIGH_UNKNOWN;
	a->neigh_hop[0] = '\0';
	a->neigh_gateway = false;
	a->neigh_since_us = 0;
	a->neigh_unanswered_ms = 0;
}

void client_facts_forget_ping(struct client_facts *f)
{
	client_facts_close_echoes(f);
	for (size_t i = 0; i < f->naddrs; i++)
		forget_link(&f->addrs[i]);
	f->ping_tried = f->ping_answered = false;
	f->ping_first_us = 0;
	drop(&f->ping_skip);
	f->ping_rtt_us = 0;
	f->ping_ttl = -1;
}

void client_facts_forget_tcp(struct client_facts *f, bool take_link)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		struct addr_facts *a = &f->addrs[i];

		a->tcp = TCP_NOT_TRIED;
		a->tcp_errno = 0;
		a->tcp_us = 0;
		a->local_port = 0;
		a->wire = WIRE_NONE;
		a->icmp_type = a->icmp_code = 0;
		a->icmp_from[0] = '\0';
		a->icmp_from_target = false;
		a->rst_by = RST_BY_UNKNOWN;
		a->rst_hops_short = 0;
		drop(&a->wire_note);
		a->syn_unseen = false;
		a->own_rule_sure = false;
		drop(&a->own_rule);
		drop(&a->own_rule_fix);
		if (!take_link)
			forget_link(a);
	}
	for (size_t i = 0; i < f->nalt; i++)
		free(f->alt[i].banner_text);
	memset(f->alt, 0, sizeof(f->alt));
	f->nalt = 0;
	f->alt_ssh_port = 0;
	f->silence_ms = 0;
}

void client_facts_forget_banner(struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		f->addrs[i].banner = BANNER_NOT_TRIED;
		f->addrs[i].banner_tcp = TCP_NOT_TRIED;
		drop(&f->addrs[i].banner_text);
	}
}

void client_facts_forget_ssh(struct client_facts *f)
{
	f->ssh_tried = f->ssh_ok = false;
	drop(&f->ssh_banner);
	drop(&f->ssh_kex);
	drop(&f->ssh_hostkey);
	drop(&f->ssh_auth_methods);
	drop(&f->ssh_error);
}

void client_facts_release(struct client_facts *f)
{
	client_facts_forget_ssh(f);
	client_facts_forget_tcp(f, false);
	client_facts_forget_ping(f);
	client_facts_forget_addrs(f);
	client_facts_init(f);
}

const char *tcp_result_word(enum tcp_result r)
{
	switch (r) {
	case TCP_NOT_TRIED: return "not tried";
	case TCP_ANSWERED: return "answered";
	case TCP_REFUSED: return "refused";
	case TCP_NO_ANSWER: return "no answer";
	case TCP_HOST_UNREACH: return "host unreachable";
	case TCP_NET_UNREACH: return "network unreachable";
	case TCP_FORBIDDEN: return "forbidden by this machine";
	case TCP_OTHER: return "failed";
	}
	return "failed";
}

const char *banner_result_word(enum banner_result b)
{
	switch (b) {
	case BANNER_NOT_TRIED: return "not tried";
	case BANNER_SSH: return "SSH identification";
	case BANNER_MAXSTARTUPS: return "Exceeded MaxStartups";
	case BANNER_OTHER: return "not SSH";
	case BANNER_SILENT: return "silent";
	case BANNER_CLOSED: return "closed without a word";
	case BANNER_RESET: return "reset without a word";
	}
	return "unknown";
}

const char *wire_outcome_text(enum wire_outcome w)
{
	switch (w) {
	case WIRE_NONE: return "nothing the capture could see";
	case WIRE_SYNACK: return "a SYN-ACK: something listens and accepts";
	case WIRE_RST: return "a reset (RST): the connection is refused";
	case WIRE_ICMP: return "an ICMP error";
	case WIRE_SILENCE: return "nothing at all: no answer";
	}
	return "nothing the capture could see";
}

const char *wire_outcome_word(enum wire_outcome w)
{
	switch (w) {
	case WIRE_NONE: return "none";
	case WIRE_SYNACK: return "synack";
	case WIRE_RST: return "rst";
	case WIRE_ICMP: return "icmp";
	case WIRE_SILENCE: return "silence";
	}
	return "none";
}

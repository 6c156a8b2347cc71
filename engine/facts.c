/* The facts probes gather, and their words for reports. */
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"

void client_facts_init(struct client_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->ping_ttl = -1;
}

void client_facts_release(struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		free(f->addrs[i].banner_text);
		free(f->addrs[i].wire_note);
	}
	for (size_t i = 0; i < f->nalt; i++)
		free(f->alt[i].banner_text);
	free(f->dns_message);
	free(f->dns_source);
	free(f->ping_skip);
	free(f->ssh_banner);
	free(f->ssh_kex);
	free(f->ssh_hostkey);
	free(f->ssh_auth_methods);
	free(f->ssh_error);
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

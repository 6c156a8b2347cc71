/* The table of step kinds: an asset's step id to the probe that runs it. */
#include <string.h>

#include "engine/probe.h"

static const struct probe_def probes[] = {
	{"dns", SIDE_CLIENT, probe_dns_run},
	{"route", SIDE_CLIENT, probe_route_run},
	{"ping", SIDE_CLIENT, probe_ping_run},
	{"tcp_connect", SIDE_CLIENT, probe_tcp_run},
	{"ssh_banner", SIDE_CLIENT, probe_banner_run},
	{"ssh_handshake", SIDE_CLIENT, probe_ssh_run},
	{"other_ports", SIDE_CLIENT, probe_altport_run},
	{"replay", SIDE_CLIENT, probe_replay_run},
};

const struct probe_def *probe_find(const char *id)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i].id, id) == 0)
			return &probes[i];
	return NULL;
}

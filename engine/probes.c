/* SPDX-License-Identifier: MIT */
/* The table of step kinds: an asset's step id to the probe that runs it. */
#include <string.h>

#include "engine/probe.h"

static const struct probe_def probes[] = {
	{"dns", SIDE_CLIENT, probe_dns_run, NULL},
	{"route", SIDE_CLIENT, probe_route_run, NULL},
	{"ping", SIDE_CLIENT, probe_ping_run, NULL},
	{"tcp_connect", SIDE_CLIENT, probe_tcp_run, NULL},
	{"ssh_banner", SIDE_CLIENT, probe_banner_run, NULL},
	{"ssh_handshake", SIDE_CLIENT, probe_ssh_run, NULL},
	{"other_ports", SIDE_CLIENT, probe_altport_run, NULL},
	{"replay", SIDE_CLIENT, probe_replay_run, NULL},
	{"package", SIDE_SERVER, NULL, probe_srv_package_run},
	{"service", SIDE_SERVER, NULL, probe_srv_service_run},
	{"sshd_config", SIDE_SERVER, NULL, probe_srv_config_run},
	{"listeners", SIDE_SERVER, NULL, probe_srv_listen_run},
	{"socket_activation", SIDE_SERVER, NULL, probe_srv_socket_run},
	{"firewall", SIDE_SERVER, NULL, probe_srv_firewall_run},
	{"tcp_wrappers", SIDE_SERVER, NULL, probe_srv_wrappers_run},
	{"logs", SIDE_SERVER, NULL, probe_srv_logs_run},
	{"limits", SIDE_SERVER, NULL, probe_srv_limits_run},
	{"self_test", SIDE_SERVER, NULL, probe_srv_selftest_run},
	{"watch", SIDE_SERVER, NULL, probe_srv_watch_run},
};

const struct probe_def *probe_find(const char *id)
{
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i].id, id) == 0)
			return &probes[i];
	return NULL;
}

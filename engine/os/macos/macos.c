/* SPDX-License-Identifier: MIT */
/* The macOS table: Remote Login (systemsetup, launchd), the built-in
 * OpenSSH, lsof, the application firewall, the unified log. No macOS build
 * has been run: this table is compiled into the Linux unit tests and
 * tested there from recorded outputs. */
#include <errno.h>
#include <string.h>

#include "engine/os/macos/macos.h"

static const char *macos_platform(void)
{
	return "macos";
}

static void macos_package_read(struct server_facts *f, struct os_trace *t)
{
	f->sshd_found = os_find("sshd", f->sshd_path, sizeof(f->sshd_path)) == 0;
	os_trace_note(t, "macOS has the OpenSSH server built in (Remote Login)");
}

/* Open connections are not counted here: no sock_diag. */
static int macos_connections_read(struct os_sock_list *l)
{
	(void)l;
	return -ENOSYS;
}

/* The route's next hop and the neighbour table are Linux's rtnetlink:
 * here the next hop is unknown, so no ARP/NDP conclusion is drawn. */
static int macos_neigh_next_hop(const struct sockaddr_storage *sa, struct neigh_hop *hop)
{
	(void)sa;
	memset(hop, 0, sizeof(*hop));
	return -1;
}

static enum neigh_state macos_neigh_lookup(const struct neigh_hop *hop)
{
	(void)hop;
	return NEIGH_UNKNOWN;
}

static int macos_neigh_retrans_ms(int family, const char *ifname)
{
	(void)family;
	(void)ifname;
	return 1000;
}

const struct os_ops os_macos_ops = {
	.name = "macos",
	.platform = macos_platform,
	.service_read = macos_service_read,
	.package_read = macos_package_read,
	.listeners_read = macos_listeners_read,
	.connections_read = macos_connections_read,
	.firewall_read = macos_firewall_read,
	.bans_read = os_fail2ban_read,
	.no_tcp_wrappers = "macOS's sshd has no TCP wrappers",
	.log_read = macos_log_read,
	.mac_read = NULL,        /* no SELinux; the application firewall is read with the firewalls */
	.neigh_next_hop = macos_neigh_next_hop,
	.neigh_lookup = macos_neigh_lookup,
	.neigh_retrans_ms = macos_neigh_retrans_ms,
};

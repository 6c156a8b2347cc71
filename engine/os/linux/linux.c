/* SPDX-License-Identifier: MIT */
/* The Linux table: systemd or another init, dpkg or rpm, sock_diag and
 * /proc, iptables/nftables/ufw/firewalld, the journal and syslog files,
 * rtnetlink. */
#include <stdio.h>

#include "engine/os/linux/linux.h"
#include "engine/parse/parse-os-release.h"

/* Read once: the os-release file does not change while we run. */
static const char *linux_platform(void)
{
	static const char *cached;
	char buf[4096];
	FILE *f;
	size_t n;

	if (cached != NULL)
		return cached;
	f = fopen("/etc/os-release", "r");
	if (f == NULL)
		f = fopen("/usr/lib/os-release", "r");
	if (f == NULL)
		return cached = "linux";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return cached = platform_from_os_release(buf);
}

const struct os_ops os_linux_ops = {
	.name = "linux",
	.platform = linux_platform,
	.service_read = linux_service_read,
	.package_read = linux_package_read,
	.listeners_read = linux_listeners_read,
	.connections_read = linux_connections_read,
	.firewall_read = linux_firewall_read,
	.bans_read = os_fail2ban_read,
	.no_tcp_wrappers = NULL,
	.log_read = linux_log_read,
	.mac_read = linux_selinux_read,
	.neigh_next_hop = neigh_next_hop,
	.neigh_lookup = neigh_lookup,
	.neigh_retrans_ms = neigh_retrans_ms,
};

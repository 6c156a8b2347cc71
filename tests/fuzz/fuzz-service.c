/* SPDX-License-Identifier: MIT */
/* Fuzz target for the service parsers: the first byte picks the parser,
 * the rest is the command output. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/parse/parse-service.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf;
	size_t len;

	if (size < 1)
		return 0;
	buf = (const char *)data + 1;
	len = size - 1;

	switch (data[0] % 14) {
	case 0: {
		struct svc_unit_list ul;

		svc_unit_list_init(&ul);
		if (svc_parse_systemctl_show(buf, len, &ul) == 0)
			svc_unit_is_active(svc_unit_list_find(&ul, "ssh.service"));
		svc_unit_list_release(&ul);
		break;
	}
	case 1:
	case 2: {
		struct svc_package p;

		svc_package_init(&p);
		if (data[0] % 14 == 1)
			svc_parse_dpkg_query(buf, len, buf, len, "openssh-server", &p);
		else
			svc_parse_rpm_q(buf, len, "openssh-server", &p);
		svc_package_release(&p);
		break;
	}
	case 3:
		svc_parse_remote_login(buf, len);
		break;
	case 4:
	case 5: {
		struct svc_launchd ld;

		svc_launchd_init(&ld);
		if (data[0] % 14 == 4)
			svc_parse_launchctl_print(buf, len, &ld);
		else
			svc_parse_launchctl_list(buf, len, &ld);
		svc_launchd_release(&ld);
		break;
	}
	case 6: {
		struct svc_listener_list ll;

		svc_listener_list_init(&ll);
		svc_parse_lsof_listen(buf, len, &ll);
		svc_listener_list_release(&ll);
		break;
	}
	case 7: {
		struct svc_fail2ban f;

		svc_fail2ban_init(&f);
		if (svc_parse_fail2ban_status(buf, len, &f) == 0)
			svc_fail2ban_is_banned(&f, "192.0.2.66");
		svc_fail2ban_release(&f);
		break;
	}
	case 8:
	case 9: {
		struct strv e;

		strv_init(&e);
		if (data[0] % 14 == 8)
			svc_parse_sshguard_nft(buf, len, &e);
		else
			svc_parse_sshguard_iptables(buf, len, &e);
		svc_addr_listed(&e, "2001:db8::66");
		strv_release(&e);
		break;
	}
	case 10: {
		size_t half = len / 2;

		free(svc_proc_cmdline(buf, half, buf + half, len - half));
		break;
	}
	case 11:
		svc_manager_from_comm(buf, len);
		break;
	case 12:
		svc_parse_getenforce(buf, len);
		break;
	case 13: {
		int ports[8][2];

		svc_parse_semanage_ports(buf, len, "ssh_port_t", "tcp", ports, 8);
		break;
	}
	}
	return 0;
}

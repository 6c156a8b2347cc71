/* SPDX-License-Identifier: MIT */
/* Fuzz target for the firewall parsers: the first byte picks the parser
 * (iptables-save, nft -j, ufw status, firewall-cmd, and the rest), the
 * second the query; the remaining bytes are the listing. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "engine/parse/parse-firewall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const clients[] = {
		NULL, "192.0.2.5", "198.51.100.3", "127.0.0.1", "2001:db8::5", "::1",
		"203.0.113.7", "192.0.2.66",
	};
	static const uint16_t ports[] = { 22, 2222, 23, 80, 1, 65535, 2205, 8080 };
	struct fw_result res;
	struct fw_zone_list zl;
	struct fw_query q = {0};
	const char *buf;
	size_t len;

	if (size < 2)
		return 0;
	q.port = ports[data[1] & 7];
	q.client = clients[(data[1] >> 3) & 7];
	q.family = (data[1] & 0x40) ? 6 : 0;
	buf = (const char *)data + 2;
	len = size - 2;

	fw_result_init(&res);
	switch (data[0] % 8) {
	case 0:
		fw_parse_iptables_save(buf, len, FW_SRC_IPTABLES, &q, &res);
		break;
	case 1:
		fw_parse_nft_json(buf, len, &q, &res);
		break;
	case 2:
		fw_parse_ufw_status(buf, len, &q, &res);
		break;
	case 3:
		fw_parse_firewalld(buf, len, &q, &res);
		break;
	case 4:
		fw_parse_iptables_save(buf, len, FW_SRC_IP6TABLES, &q, &res);
		break;
	case 5:
		fw_parse_ufw_user_rules(buf, len, &q, &res);
		free(fw_ufw_delete_command(buf, len, "-A ufw-user-input -p tcp -m tcp --dport 22 -j DROP"));
		fw_ufw_limits_sources(buf, len, q.port);
		break;
	case 6:
		fw_zone_list_init(&zl);
		if (fw_parse_firewalld_zones(buf, len, &zl) == 0)
			fw_zone_list_pick(&zl, q.client, "eth0");
		fw_zone_list_release(&zl);
		break;
	case 7:
		fw_parse_socketfilterfw(buf, len, buf, len, buf, len, buf, len, &q, &res);
		break;
	}
	/* every rule a parser lists must be complete */
	for (size_t i = 0; i < res.nrules; i++) {
		if (res.rules[i].text == NULL || res.rules[i].chain == NULL)
			__builtin_trap();
	}
	if (res.deciding >= (int)res.nrules || res.blocking >= (int)res.nrules)
		__builtin_trap();
	fw_result_release(&res);
	return 0;
}

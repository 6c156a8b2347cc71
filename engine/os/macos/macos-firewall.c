/* SPDX-License-Identifier: MIT */
/* macOS: the application firewall, four questions to socketfilterfw. */
#include <stdio.h>

#include "engine/os/macos/macos.h"

void macos_firewall_read(const struct server_facts *f, struct os_fw_list *out)
{
	static const char *const flags[4] = {"--getglobalstate", "--getblockall", "--getstealthmode", "--listapps"};
	struct os_fw_view *v = os_fw_list_add(out, "the application firewall");
	struct exec_result r[4];
	struct fw_query q[1 + OS_FW_MAX_CLIENTS];
	size_t nq = os_fw_queries(f, 4, NULL, q, 1 + OS_FW_MAX_CLIENTS);
	bool ok[4];

	for (size_t i = 0; i < 4; i++) {
		const char *const args[] = {flags[i], NULL};

		exec_result_init(&r[i]);
		ok[i] = os_fw_run(v, "socketfilterfw", args, &r[i]) && r[i].status == 0;
	}
	/* it judges programs, not sources: every client gets the same answer */
	for (size_t i = 0; ok[0] && i < nq; i++) {
		v->seen = true;
		if (fw_parse_socketfilterfw(r[0].out.buf, r[0].out.len,
					    ok[1] ? r[1].out.buf : NULL, ok[1] ? r[1].out.len : 0,
					    ok[2] ? r[2].out.buf : NULL, ok[2] ? r[2].out.len : 0,
					    ok[3] ? r[3].out.buf : NULL, ok[3] ? r[3].out.len : 0, &q[i],
					    os_fw_result_add(v)) != 0)
			os_fw_result_drop(v);
	}
	for (size_t i = 0; i < 4; i++)
		exec_result_release(&r[i]);
}

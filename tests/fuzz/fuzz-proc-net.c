/* SPDX-License-Identifier: MIT */
/* Fuzz the /proc/net/tcp{,6} parser in both byte orders and families, then
 * look for listeners in what it kept. */
#include <stdint.h>
#include <sys/socket.h>

#include "engine/parse/parse-proc-net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_INET, AF_INET6, AF_UNIX };
	static const char *const addrs[] = { NULL, "127.0.0.1", "192.0.2.2", "::1", "2001:db8::2",
					     "not an address" };
	struct proc_net_table t;

	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		for (int order = PROC_NET_LITTLE_ENDIAN; order <= PROC_NET_BIG_ENDIAN; order++) {
			proc_net_table_init(&t);
			proc_net_parse(&t, (const char *)data, size, families[f], order, f == 0);
			for (size_t a = 0; a < sizeof(addrs) / sizeof(addrs[0]); a++)
				proc_net_find_listener(&t, addrs[a], 22);
			proc_net_table_release(&t);
		}
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Fuzz hosts.allow/hosts.deny parsing and judging. The input is split at
 * NUL bytes: hosts.allow, hosts.deny, then the text every "/path" pattern
 * file reads as. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "engine/parse/parse-hosts-access.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct part {
	const char *p;
	size_t n;
};

static int read_any(void *ctx, const char *path, struct strbuf *out)
{
	const struct part *f = ctx;

	if (f->p == NULL)
		return -ENOENT;
	strbuf_add(out, f->p, f->n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct part parts[3] = { { "", 0 }, { "", 0 }, { NULL, 0 } };
	const char *p = (const char *)data, *end = p + size;
	struct hosts_table allow, deny;
	struct hosts_verdict v;
	static const struct hosts_client clients[] = {
		{ .daemon = "sshd", .addr = "192.0.2.10" },
		{ .daemon = "sshd", .addr = "2001:db8::1", .name = "host.example.org" },
		{ .daemon = "sshd", .addr = "::ffff:203.0.113.200", .name = "backup", .user = "alice" },
		{ .daemon = "sshd", .addr = "198.51.100.7", .name = "liar.example.net", .name_mismatch = true,
		  .server_addr = "192.0.2.2", .server_name = "srv" },
	};

	for (int i = 0; i < 3 && p <= end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *e = nul ? nul : end;

		parts[i].p = p;
		parts[i].n = (size_t)(e - p);
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	hosts_table_init(&allow);
	hosts_table_init(&deny);
	hosts_table_parse(&allow, "/etc/hosts.allow", parts[0].p, parts[0].n);
	hosts_table_parse(&deny, "/etc/hosts.deny", parts[1].p, parts[1].n);
	hosts_verdict_init(&v);
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++)
		hosts_access_evaluate(&allow, &deny, &clients[i], read_any, &parts[2], &v);
	hosts_verdict_release(&v);
	hosts_table_release(&allow);
	hosts_table_release(&deny);
	return 0;
}

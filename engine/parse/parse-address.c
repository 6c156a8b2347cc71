/* SPDX-License-Identifier: MIT */
/* Numeric addresses as text, compared as addresses, and whether a name
 * given on the command line names this machine. Pure. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "engine/parse/hosts-file.h"
#include "engine/parse/parse-address.h"

/* Parses text into 16 bytes (IPv4 as ::ffff:a.b.c.d) so forms compare equal. */
bool addr_key(const char *text, unsigned char key[16])
{
	struct in_addr a4;

	memset(key, 0, 16);
	if (inet_pton(AF_INET, text, &a4) == 1) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &a4, 4);
		return true;
	}
	return inet_pton(AF_INET6, text, key) == 1;
}

bool srv_addr_in(const struct strv *list, const char *addr)
{
	unsigned char a[16], b[16];

	if (!addr_key(addr, a))
		return false;
	for (size_t i = 0; i < list->n; i++)
		if (addr_key(list->v[i], b) && memcmp(a, b, 16) == 0)
			return true;
	return false;
}

bool server_addrs_are_local(const struct strv *resolved, const struct strv *local)
{
	for (size_t i = 0; i < resolved->n; i++)
		if (srv_addr_in(local, resolved->v[i]))
			return true;
	return false;
}

bool server_name_is_local(const char *host, const char *hostname, const char *hosts_text,
			  size_t hosts_len, const struct strv *local)
{
	struct strv addrs;
	bool yes;

	if (str_ieq(host, "localhost") || (hostname && hostname[0] && str_ieq(host, hostname)))
		return true;
	strv_init(&addrs);
	/* a literal address, else what the hosts file gives the name */
	strv_push(&addrs, host);
	if (hosts_text != NULL)
		hosts_file_lookup(hosts_text, hosts_len, host, &addrs);
	yes = server_addrs_are_local(&addrs, local);
	strv_release(&addrs);
	return yes;
}

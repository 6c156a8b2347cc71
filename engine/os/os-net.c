/* SPDX-License-Identifier: MIT */
/* This machine's addresses and interfaces, as getifaddrs() lists them
 * (the same call on Linux and macOS). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/conn.h"
#include "engine/os/os.h"
#include "engine/parse/parse-address.h"

int os_local_addresses(struct strv *list)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (p = ifa; p != NULL; p = p->ifa_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ifa_addr == NULL || !(p->ifa_flags & IFF_UP))
			continue;
		if (p->ifa_addr->sa_family == AF_INET) {
			a = &((const struct sockaddr_in *)(const void *)p->ifa_addr)->sin_addr;
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)p->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a6))
				continue;
			a = a6;
		} else {
			continue;
		}
		if (inet_ntop(p->ifa_addr->sa_family, a, text, sizeof(text)) != NULL &&
		    !strv_contains(list, text))
			strv_push(list, text);
	}
	freeifaddrs(ifa);
	return 0;
}

int os_iface_of(const char *addr, char *ifname, size_t len)
{
	struct ifaddrs *ifa, *p;
	unsigned char want[16], have[16];
	int rc = -1;

	if (!addr_key(addr, want) || getifaddrs(&ifa) != 0)
		return -1;
	for (p = ifa; p != NULL && rc != 0; p = p->ifa_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ifa_addr == NULL)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			a = &((const struct sockaddr_in *)(const void *)p->ifa_addr)->sin_addr;
		else if (p->ifa_addr->sa_family == AF_INET6)
			a = &((const struct sockaddr_in6 *)(const void *)p->ifa_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(p->ifa_addr->sa_family, a, text, sizeof(text)) != NULL &&
		    addr_key(text, have) && memcmp(want, have, 16) == 0) {
			snprintf(ifname, len, "%s", p->ifa_name);
			rc = 0;
		}
	}
	freeifaddrs(ifa);
	return rc;
}

/* Walks the interfaces once for both answers. */
void os_route_iface(const struct sockaddr_storage *ss, const struct sockaddr_storage *target,
		    char *dev, size_t len, bool *is_local)
{
	struct ifaddrs *ifa, *i;

	dev[0] = '\0';
	*is_local = false;
	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (sockaddr_same_ip(i->ifa_addr, (const struct sockaddr *)target))
			*is_local = true;
		if (dev[0] == '\0' && sockaddr_same_ip(i->ifa_addr, (const struct sockaddr *)ss))
			snprintf(dev, len, "%s", i->ifa_name);
	}
	freeifaddrs(ifa);
}

void os_client_name(const char *addr, char *name, size_t len, bool *mismatch)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL, *fwd = NULL;
	unsigned char want[16];
	size_t wlen;

	name[0] = '\0';
	*mismatch = false;
	if (getaddrinfo(addr, NULL, &hints, &ai) != 0 || ai == NULL)
		return;
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, name, len, NULL, 0, NI_NAMEREQD) != 0) {
		name[0] = '\0';
		goto out;
	}
	wlen = ai->ai_family == AF_INET ? 4 : 16;
	memcpy(want, ai->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
		     : (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, wlen);
	hints.ai_flags = 0;
	hints.ai_family = ai->ai_family;
	*mismatch = true;
	if (getaddrinfo(name, NULL, &hints, &fwd) == 0) {
		for (struct addrinfo *p = fwd; p != NULL; p = p->ai_next) {
			const void *got = p->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)p->ai_addr)->sin_addr
					  : (void *)&((struct sockaddr_in6 *)p->ai_addr)->sin6_addr;

			if (p->ai_family == ai->ai_family && memcmp(got, want, wlen) == 0)
				*mismatch = false;
		}
		freeaddrinfo(fwd);
	}
out:
	freeaddrinfo(ai);
}

int os_host_is_local(const char *host)
{
	struct strv local;
	struct strbuf hosts;
	char name[256] = "";
	bool yes;

	strv_init(&local);
	strbuf_init(&hosts);
	os_local_addresses(&local);
	os_read_file("/etc/hosts", 1024 * 1024, false, &hosts);
	if (gethostname(name, sizeof(name) - 1) != 0)
		name[0] = '\0';
	yes = server_name_is_local(host, name, hosts.buf, hosts.len, &local);
	strbuf_release(&hosts);
	strv_release(&local);
	return yes ? 1 : 0;
}

bool os_netns_of_init(void)
{
	char self[64], init[64];
	ssize_t a = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	ssize_t b = readlink("/proc/1/ns/net", init, sizeof(init) - 1);

	if (a <= 0 || b <= 0)
		return true;
	self[a] = '\0';
	init[b] = '\0';
	return strcmp(self, init) == 0;
}

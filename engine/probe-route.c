/* SPDX-License-Identifier: MIT */
/* Is there a route to each address, and from which of our addresses would we
 * send? A UDP connect() asks the kernel without sending a packet. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/conn.h"
#include "engine/probe.h"

int probe_route_run(struct step_work *w, struct client_facts *f)
{
	size_t ok = 0, local = 0;

	/* run again, a route found now takes back "network unreachable" */
	client_facts_forget_route(f);
	if (f->naddrs == 0) {
		step_finish(w, STEP_SKIP, "no address to route to");
		return 0;
	}
	for (size_t k = 0; k < f->naddrs; k++) {
		struct addr_facts *a = &f->addrs[k];
		struct sockaddr_storage dst = a->sa, src;
		socklen_t sl = sizeof(src);
		int fd = socket(dst.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		bool is_local = false;

		((struct sockaddr_in *)&dst)->sin_port = htons(9);   /* any port: nothing is sent */
		if (fd < 0) {
			step_evidence(w, "%s: cannot ask the kernel (%s)", a->text, strerror(errno));
			continue;
		}
		if (connect(fd, (struct sockaddr *)&dst, a->salen) != 0) {
			a->route_errno = errno;
			step_evidence(w, "%s: no route from this machine (%s)", a->text, strerror(errno));
			/* what connect() will say too, before the TCP step runs */
			if (a->route_errno == ENETUNREACH) {
				a->tcp = TCP_NET_UNREACH;
				a->tcp_errno = ENETUNREACH;
			}
			close(fd);
			continue;
		}
		if (getsockname(fd, (struct sockaddr *)&src, &sl) == 0) {
			const void *raw = src.ss_family == AF_INET
				? (const void *)&((struct sockaddr_in *)&src)->sin_addr
				: (const void *)&((struct sockaddr_in6 *)&src)->sin6_addr;

			inet_ntop(src.ss_family, raw, a->route_src, sizeof(a->route_src));
			os_route_iface(&src, &a->sa, a->route_dev, sizeof(a->route_dev), &is_local);
		}
		close(fd);
		a->route_ok = true;
		ok++;
		if (is_local) {
			local++;
			step_evidence(w, "%s is an address of this machine itself: packets go through the loopback interface",
				      a->text);
		} else {
			step_evidence(w, "%s: we would send from %s%s%s%s", a->text, a->route_src,
				      a->route_dev[0] ? " (interface " : "", a->route_dev,
				      a->route_dev[0] ? ")" : "");
		}
	}
	if (ok == 0)
		step_finish(w, STEP_FAIL, "this machine has no route to %s", f->naddrs == 1 ? f->addrs[0].text : "any of the addresses");
	else if (ok < f->naddrs)
		step_finish(w, STEP_WARN, "there is a route to %zu of the %zu addresses", ok, f->naddrs);
	else if (local == f->naddrs)
		step_finish(w, STEP_PASS, "the target is this machine itself");
	else
		step_finish(w, STEP_PASS, "there is a route to %s", f->naddrs == 1 ? "the address" : "every address");
	return 0;
}

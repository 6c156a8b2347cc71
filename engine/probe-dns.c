/* SPDX-License-Identifier: MIT */
/* Name resolution: every address, where it came from, and the difference
 * between "no such name" and "no DNS server answered". */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/privilege.h"
#include "engine/parse/hosts-file.h"
#include "engine/probe.h"

#define DNS_DEADLINE_MS 8000

/* getaddrinfo cannot be interrupted: it runs in a thread of its own that
 * the probe may abandon at its deadline; the last one out frees this. */
struct lookup {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int refs;
	bool done;
	char *host;
	int rc;
	int err;
	struct addrinfo *res;
};

static void lookup_unref(struct lookup *l)
{
	bool last;

	pthread_mutex_lock(&l->lock);
	last = --l->refs == 0;
	pthread_mutex_unlock(&l->lock);
	if (!last)
		return;
	if (l->res)
		freeaddrinfo(l->res);
	free(l->host);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

static void *lookup_main(void *arg)
{
	struct lookup *l = arg;
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	int rc, err;

	/* the lookup needs no privilege, and may outlast the step */
	privilege_drop_thread();
	rc = getaddrinfo(l->host, NULL, &hints, &res);
	err = errno;

	pthread_mutex_lock(&l->lock);
	l->rc = rc;
	l->err = err;
	l->res = res;
	l->done = true;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
	lookup_unref(l);
	return NULL;
}

static void read_small_file(const char *path, struct strbuf *sb)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (f == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && sb->len < 1024 * 1024)
		strbuf_add(sb, buf, n);
	fclose(f);
}

static void add_address(struct client_facts *f, const struct sockaddr *sa, socklen_t len)
{
	struct addr_facts *a;
	char text[64];
	const void *raw = sa->sa_family == AF_INET
		? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
		: (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

	if (inet_ntop(sa->sa_family, raw, text, sizeof(text)) == NULL)
		return;
	for (size_t i = 0; i < f->naddrs; i++)
		if (strcmp(f->addrs[i].text, text) == 0)
			return;
	if (f->naddrs >= FACTS_MAX_ADDRS)
		return;
	a = &f->addrs[f->naddrs++];
	memset(a, 0, sizeof(*a));
	snprintf(a->text, sizeof(a->text), "%s", text);
	memcpy(&a->sa, sa, len);
	a->salen = len;
}

/* Explains a failed lookup and sets f->dns from getaddrinfo's code. */
static void explain_failure(struct step_work *w, struct client_facts *f, int rc, int err,
			    const char *host)
{
	struct strbuf rc_text, servers_text;
	struct strv servers;

	strbuf_init(&rc_text);
	strbuf_init(&servers_text);
	strv_init(&servers);
	read_small_file("/etc/resolv.conf", &rc_text);
	resolv_conf_servers(rc_text.buf, rc_text.len, &servers);
	for (size_t i = 0; i < servers.n; i++)
		strbuf_addf(&servers_text, "%s%s", i ? ", " : "", servers.v[i]);

	switch (rc) {
	case EAI_NONAME:
		f->dns = DNS_NXDOMAIN;
		f->dns_message = xasprintf("no such name: DNS (and /etc/hosts) know no host called '%s'", host);
		break;
#ifdef EAI_NODATA
	case EAI_NODATA:
		f->dns = DNS_NO_ADDRESS;
		f->dns_message = xasprintf("the name '%s' exists but has no address", host);
		break;
#endif
	case EAI_AGAIN:
		f->dns = DNS_NO_SERVER;
		f->dns_message = servers.n
			? xasprintf("no DNS server answered (asked: %s)", servers_text.buf)
			: xstrdup("no DNS server answered, and /etc/resolv.conf names none");
		break;
	case EAI_SYSTEM:
		f->dns = DNS_ERROR;
		f->dns_message = xasprintf("the resolver failed: %s", strerror(err));
		break;
	default:
		f->dns = DNS_ERROR;
		f->dns_message = xasprintf("the resolver failed: %s", gai_strerror(rc));
		break;
	}
	step_evidence(w, "%s", f->dns_message);
	if (servers.n)
		step_evidence(w, "DNS servers in /etc/resolv.conf: %s", servers_text.buf);
	strv_release(&servers);
	strbuf_release(&rc_text);
	strbuf_release(&servers_text);
}

int probe_dns_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	struct in6_addr tmp;
	struct lookup *l;
	pthread_t th;
	struct timespec until;
	uint64_t start = now_ms();
	bool done;

	/* a step run again starts from no address: the echoes the ping step
	 * left waiting belong to the addresses dropped here */
	client_facts_forget_addrs(f);

	if (t->host == NULL) {
		step_finish(w, STEP_SKIP, "no host name to resolve");
		return 0;
	}
	if (inet_pton(AF_INET, t->host, &tmp) == 1 || inet_pton(AF_INET6, t->host, &tmp) == 1) {
		struct addrinfo hints = {.ai_flags = AI_NUMERICHOST, .ai_socktype = SOCK_STREAM};
		struct addrinfo *res = NULL;

		if (getaddrinfo(t->host, NULL, &hints, &res) == 0 && res) {
			add_address(f, res->ai_addr, res->ai_addrlen);
			freeaddrinfo(res);
		}
		f->dns = DNS_LITERAL;
		f->dns_source = xstrdup("the address itself");
		step_evidence(w, "%s is an address, not a name: nothing to resolve", t->host);
		engine_publish_addresses(w->e, f);
		step_finish(w, STEP_PASS, "%s is already an address", t->host);
		return 0;
	}

	l = xcalloc(1, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->cond, NULL);
	l->refs = 2;
	l->host = xstrdup(t->host);
	if (pthread_create(&th, NULL, lookup_main, l) != 0) {
		l->refs = 1;
		lookup_unref(l);
		step_finish(w, STEP_ERROR, "cannot start the name lookup");
		return -1;
	}
	pthread_detach(th);
	step_wait(w, DNS_DEADLINE_MS, "waiting for the resolver");

	clock_gettime(CLOCK_REALTIME, &until);
	pthread_mutex_lock(&l->lock);
	while (!l->done && now_ms() - start < DNS_DEADLINE_MS && !engine_cancelled(w->e)) {
		until.tv_nsec += 100 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&l->cond, &l->lock, &until);
	}
	done = l->done;
	pthread_mutex_unlock(&l->lock);

	if (!done) {
		f->dns = DNS_NO_SERVER;
		f->dns_message = xasprintf("no answer from the resolver within %d s", DNS_DEADLINE_MS / 1000);
		step_evidence(w, "%s", f->dns_message);
		lookup_unref(l);
		step_finish(w, STEP_FAIL, "the name %s did not resolve in time", t->host);
		return 0;
	}
	if (l->rc != 0) {
		explain_failure(w, f, l->rc, l->err, t->host);
		lookup_unref(l);
		step_finish(w, STEP_FAIL, "the name %s does not resolve", t->host);
		return 0;
	}
	for (struct addrinfo *ai = l->res; ai; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			add_address(f, ai->ai_addr, ai->ai_addrlen);
	lookup_unref(l);

	{
		struct strbuf hosts;
		struct strv from_file;

		strbuf_init(&hosts);
		strv_init(&from_file);
		read_small_file("/etc/hosts", &hosts);
		hosts_file_lookup(hosts.buf, hosts.len, t->host, &from_file);
		for (size_t i = 0; i < f->naddrs; i++)
			step_evidence(w, "%s  (%s, from %s)", f->addrs[i].text,
				      f->addrs[i].sa.ss_family == AF_INET ? "IPv4" : "IPv6",
				      strv_contains(&from_file, f->addrs[i].text) ? "/etc/hosts" : "DNS");
		f->dns_source = xstrdup(from_file.n ? "/etc/hosts" : "DNS");
		strv_release(&from_file);
		strbuf_release(&hosts);
	}
	f->dns = f->naddrs ? DNS_OK : DNS_NO_ADDRESS;
	engine_publish_addresses(w->e, f);
	if (f->naddrs == 0) {
		f->dns_message = xasprintf("'%s' resolved, but to no IPv4 or IPv6 address", t->host);
		step_finish(w, STEP_FAIL, "%s", f->dns_message);
		return 0;
	}
	step_finish(w, STEP_PASS, "%s resolves to %zu address%s (from %s)", t->host, f->naddrs,
		    f->naddrs == 1 ? "" : "es", f->dns_source);
	return 0;
}

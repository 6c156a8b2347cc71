/* SPDX-License-Identifier: MIT */
/* The engine's side of the capture: capture/ opened for the target once its
 * addresses are known, packets classified on the face's thread, and what the
 * wire said handed to the TCP probe on the worker thread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture/capture.h"
#include "capture/classify.h"
#include "engine/wire.h"

#define WIRE_MAX_EXPECT FACTS_MAX_ADDRS

struct wire {
	bool file_done;               /* replay: the whole file was read */
	bool file_error;
	bool file_cut;                /* replay: its last packet is cut short */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *ifname;                 /* -i, or NULL for the route's */
	bool replay;
	char *file;                   /* replay: the file, to read again */
	struct capture *cap;
	struct classify *cls;
	uint16_t port;
	char iface[IF_NAMESIZE + 1];
	bool failed;                  /* opening failed after the start */
	char reason[CAPTURE_ERRBUF_SIZE];
	bool status_changed;          /* the face must copy the status */
	size_t reported;              /* packets already handed to the report */
	bool own_only;                /* keep to our own connections */
	struct wire_hub *hub;         /* a shared capture, or NULL: our own */
	struct wire *hub_next;
	/* every port and echo id named, for a classifier made again */
	uint32_t own_ports[CLASSIFY_MAX_OWN];	/* source port << 16 | destination port */
	uint32_t own_echo[CLASSIFY_MAX_OWN];
	size_t nown_ports, nown_echo;
};

static void ignore_packet(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
}

struct wire_hub {
	struct capture *cap;
	pthread_mutex_t lock;         /* guards the list of wires */
	struct wire *wires;
	char iface[IF_NAMESIZE + 1];
};

struct wire_hub *wire_hub_new(const char *ifname, const uint16_t *ports, size_t nports,
			      struct strbuf *why)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct strbuf f;
	struct capture *cap = NULL;
	struct wire_hub *h;
	int rc;

	/* "any" is no interface's name: only a given one is checked */
	rc = capture_check_live(ifname, err, sizeof(err));
	if (rc == 0)
		rc = capture_open_live(ifname != NULL ? ifname : "any", NULL, 0,
				       nports > 0 ? ports[0] : 22, &cap, err, sizeof(err));
	if (rc != 0) {
		strbuf_addstr(why, err[0] ? err : capture_strerror(rc));
		return NULL;
	}
	/* the flags SYN, RST (and FIN) of every connection, every packet of the
	 * target ports, ICMP errors and echoes, ARP and NDP: each wire keeps
	 * what is its own */
	strbuf_init(&f);
	strbuf_addstr(&f, "(ip and tcp and (tcp[13] & 7 != 0");
	for (size_t i = 0; i < nports; i++)
		strbuf_addf(&f, " or port %u", ports[i]);
	strbuf_addstr(&f, ")) or (ip6 and tcp and (ip6[53] & 7 != 0");
	for (size_t i = 0; i < nports; i++)
		strbuf_addf(&f, " or port %u", ports[i]);
	strbuf_addstr(&f, ")) or icmp or icmp6 or arp");
	rc = capture_set_filter(cap, f.buf, err, sizeof(err));
	strbuf_release(&f);
	if (rc != 0) {
		strbuf_addstr(why, err[0] ? err : capture_strerror(rc));
		capture_free(cap);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->cap = cap;
	pthread_mutex_init(&h->lock, NULL);
	snprintf(h->iface, sizeof(h->iface), "%s", capture_iface(cap) ? capture_iface(cap) : "any");
	return h;
}

void wire_hub_free(struct wire_hub *h)
{
	if (h == NULL)
		return;
	capture_free(h->cap);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

int wire_hub_fd(const struct wire_hub *h)
{
	return h != NULL ? capture_fd(h->cap) : -1;
}

const char *wire_hub_interface(const struct wire_hub *h)
{
	return h->iface;
}

static void hub_packet(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
	struct wire_hub *h = ctx;
	struct pkt p;

	if (pkt_decode(dlt, data, caplen, &p) != PKT_OK)
		return;
	for (struct wire *w = h->wires; w != NULL; w = w->hub_next) {
		pthread_mutex_lock(&w->lock);
		if (w->cls != NULL)
			classify_feed(w->cls, ts_us, &p);
		pthread_mutex_unlock(&w->lock);
	}
}

void wire_hub_pump(struct wire_hub *h)
{
	int guard = 64;

	if (h == NULL)
		return;
	pthread_mutex_lock(&h->lock);
	while (guard-- > 0 && capture_dispatch(h->cap, hub_packet, h) > 0)
		;
	for (struct wire *w = h->wires; w != NULL; w = w->hub_next) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
	pthread_mutex_unlock(&h->lock);
}

static void hub_attach(struct wire_hub *h, struct wire *w)
{
	pthread_mutex_lock(&h->lock);
	w->hub = h;
	w->hub_next = h->wires;
	h->wires = w;
	pthread_mutex_unlock(&h->lock);
}

static void hub_detach(struct wire *w)
{
	struct wire_hub *h = w->hub;

	pthread_mutex_lock(&h->lock);
	for (struct wire **pp = &h->wires; *pp != NULL; pp = &(*pp)->hub_next)
		if (*pp == w) {
			*pp = w->hub_next;
			break;
		}
	pthread_mutex_unlock(&h->lock);
	w->hub = NULL;
}

struct wire *wire_new(const struct engine_config *cfg, struct strbuf *why)
{
	struct wire *w;
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *probe = NULL;
	int rc;

	if (cfg->replay_file != NULL) {
		/* read it through once: a file that cannot be read is a usage
		 * error, found now; one whose last packet is cut short is read
		 * up to that packet, as tcpdump does */
		rc = capture_open_file(cfg->replay_file, &probe, err, sizeof(err));
		while (rc == 0 && !capture_at_end(probe)) {
			int n = capture_dispatch(probe, ignore_packet, NULL);

			if (n == CAPTURE_ERR_FILE_TRUNCATED)
				break;
			if (n < 0) {
				snprintf(err, sizeof(err), "'%s': %s", cfg->replay_file, capture_last_error(probe));
				rc = n;
			} else if (n == 0 && !capture_at_end(probe)) {
				snprintf(err, sizeof(err), "'%s' could not be read to its end", cfg->replay_file);
				rc = -1;
			}
		}
		capture_free(probe);
		probe = NULL;
		if (rc == 0)
			rc = capture_open_file(cfg->replay_file, &probe, err, sizeof(err));
		if (rc != 0) {
			strbuf_addstr(why, err[0] ? err : capture_strerror(rc));
			return NULL;
		}
	} else if (cfg->hub != NULL) {
		/* the fleet's capture is open already */
		rc = 0;
	} else {
		/* find out now whether capturing is allowed, before any probe
		 * runs, without opening a capture just to close it again */
		rc = capture_check_live(cfg->interface, err, sizeof(err));
		if (rc != 0) {
			strbuf_addstr(why, err[0] ? err : capture_strerror(rc));
			return NULL;
		}
	}
	w = xcalloc(1, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->ifname = cfg->interface ? xstrdup(cfg->interface) : NULL;
	w->port = (uint16_t)cfg->target.port;
	w->replay = cfg->replay_file != NULL;
	w->file = w->replay ? xstrdup(cfg->replay_file) : NULL;
	w->cap = probe;
	if (w->ifname)
		snprintf(w->iface, sizeof(w->iface), "%s", w->ifname);
	if (cfg->hub != NULL && !w->replay) {
		snprintf(w->iface, sizeof(w->iface), "%s", wire_hub_interface(cfg->hub));
		hub_attach(cfg->hub, w);
	}
	return w;
}

void wire_free(struct wire *w)
{
	if (w == NULL)
		return;
	if (w->hub != NULL)
		hub_detach(w);
	capture_free(w->cap);
	classify_free(w->cls);
	free(w->ifname);
	free(w->file);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

bool wire_is_live(const struct wire *w)
{
	return w != NULL && !w->replay;
}

const char *wire_interface(const struct wire *w)
{
	if (w->replay || !w->iface[0])
		return NULL;
	return w->iface;
}

int wire_fd(struct wire *w)
{
	int fd;

	pthread_mutex_lock(&w->lock);
	fd = w->cap ? capture_fd(w->cap) : -1;
	pthread_mutex_unlock(&w->lock);
	return fd;
}

static size_t to_pkt_addrs(const struct client_facts *f, struct pkt_addr *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->naddrs && n < CLASSIFY_MAX_ADDRS; i++)
		if (pkt_addr_from_sockaddr(&out[n], &f->addrs[i].sa, f->addrs[i].salen) == 0)
			n++;
	return n;
}

/* With w->lock held: true when the classifier watches exactly addrs. */
static bool watching(const struct wire *w, const struct pkt_addr *addrs, size_t n)
{
	if (w->cls == NULL || w->cls->naddrs != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!pkt_addr_equal(&w->cls->addrs[i], &addrs[i]))
			return false;
	return true;
}

/* With w->lock held, replay: the file from its start again for a new
 * classifier, which the face thread's pump then feeds to its end. */
static void replay_restart(struct wire *w)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *cap = NULL;
	int rc = capture_open_file(w->file, &cap, err, sizeof(err));

	capture_free(w->cap);
	w->cap = rc == 0 ? cap : NULL;
	w->file_done = rc != 0;
	w->file_error = rc != 0;
	w->file_cut = false;
	if (rc != 0)
		snprintf(w->reason, sizeof(w->reason), "%s", err[0] ? err : capture_strerror(rc));
}

void wire_own_only(struct wire *w)
{
	if (w != NULL && !w->replay)
		w->own_only = true;
}

/* With w->lock held: a classifier for addrs that knows our own ports. */
static struct classify *classifier_make(struct wire *w, const struct pkt_addr *addrs, size_t n)
{
	struct classify *c = classify_new(addrs, n, w->port);

	if (c != NULL && w->own_only) {
		classify_own_only(c);
		for (size_t i = 0; i < w->nown_ports; i++)
			classify_own_port(c, (uint16_t)(w->own_ports[i] >> 16), (uint16_t)w->own_ports[i]);
		for (size_t i = 0; i < w->nown_echo; i++)
			classify_own_echo(c, w->own_echo[i]);
	}
	return c;
}

static void own_add(uint32_t *v, size_t *n, uint32_t x)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == x)
			return;
	if (*n < CLASSIFY_MAX_OWN)
		v[(*n)++] = x;
}

void wire_own_port(struct wire *w, uint16_t sport, uint16_t dport)
{
	pthread_mutex_lock(&w->lock);
	own_add(w->own_ports, &w->nown_ports, (uint32_t)sport << 16 | dport);
	if (w->cls != NULL)
		classify_own_port(w->cls, sport, dport);
	pthread_mutex_unlock(&w->lock);
}

void wire_own_echo(struct wire *w, uint16_t id)
{
	pthread_mutex_lock(&w->lock);
	own_add(w->own_echo, &w->nown_echo, id);
	if (w->cls != NULL)
		classify_own_echo(w->cls, id);
	pthread_mutex_unlock(&w->lock);
}

void wire_open(struct wire *w, const struct client_facts *f)
{
	struct pkt_addr addrs[CLASSIFY_MAX_ADDRS];
	size_t n = to_pkt_addrs(f, addrs);
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *cap = NULL;
	int rc;

	if (n == 0)
		return;
	pthread_mutex_lock(&w->lock);
	if (w->replay) {
		/* the file is judged once for the same addresses: published
		 * again (a step run again), what it said stays; for others it
		 * is read again from its start */
		if (!watching(w, addrs, n)) {
			bool read_before = w->cls != NULL;

			classify_free(w->cls);
			w->cls = classify_new(addrs, n, w->port);
			w->reported = 0;
			if (read_before)
				replay_restart(w);
		}
		pthread_mutex_unlock(&w->lock);
		return;
	}
	if (w->hub == NULL && w->cap != NULL && watching(w, addrs, n)) {
		/* the same addresses again (a step run again): the capture open
		 * stays, as it may not be opened again once the privileges are
		 * given up; a new classifier starts from now */
		classify_free(w->cls);
		w->cls = classifier_make(w, addrs, n);
		w->reported = 0;
		pthread_mutex_unlock(&w->lock);
		return;
	}
	classify_free(w->cls);
	w->cls = classifier_make(w, addrs, n);
	w->reported = 0;
	if (w->hub != NULL) {
		/* the shared capture feeds the new classifier from now on */
		w->status_changed = true;
		pthread_mutex_unlock(&w->lock);
		return;
	}
	capture_free(w->cap);
	w->cap = NULL;
	pthread_mutex_unlock(&w->lock);

	rc = capture_open_live(w->ifname, addrs, n, w->port, &cap, err, sizeof(err));

	pthread_mutex_lock(&w->lock);
	if (rc == 0) {
		w->cap = cap;
		snprintf(w->iface, sizeof(w->iface), "%s", capture_iface(cap) ? capture_iface(cap) : "?");
		w->failed = false;
	} else {
		w->failed = true;
		snprintf(w->reason, sizeof(w->reason), "%s", err[0] ? err : capture_strerror(rc));
	}
	w->status_changed = true;
	pthread_mutex_unlock(&w->lock);
}

void wire_expect(struct wire *w, const struct client_facts *f)
{
	/* attempts are matched by our source port when collected; nothing to
	 * arm in advance, but a capture that is not open yet is opened now */
	pthread_mutex_lock(&w->lock);
	if (w->cls == NULL) {
		pthread_mutex_unlock(&w->lock);
		wire_open(w, f);
		pthread_mutex_lock(&w->lock);
	}
	for (size_t i = 0; i < f->naddrs; i++)
		if (f->addrs[i].local_port > 0) {
			own_add(w->own_ports, &w->nown_ports, (uint32_t)f->addrs[i].local_port << 16 | w->port);
			if (w->cls != NULL)
				classify_own_port(w->cls, (uint16_t)f->addrs[i].local_port, w->port);
		}
	pthread_mutex_unlock(&w->lock);
}

static const struct classify_attempt *find_attempt(const struct classify *c, const struct addr_facts *a)
{
	struct pkt_addr dst;

	if (pkt_addr_from_sockaddr(&dst, &a->sa, a->salen) != 0)
		return NULL;
	for (size_t i = 0; i < c->nattempts; i++) {
		const struct classify_attempt *t = &c->attempts[i];

		if (t->dport == c->port && pkt_addr_equal(&t->dst, &dst) &&
		    (a->local_port == 0 || t->sport == a->local_port))
			return t;
	}
	return NULL;
}

static void on_packet(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen);

/* With w->lock held, live: reads everything the capture holds now, on the
 * calling (worker) thread, without waiting for the face thread's pump. A
 * packet reaches the capture before the socket it answers is told (the
 * kernel hands it to packet sockets first), so once the socket knows, one
 * read finds it. The lock is let go meanwhile for a shared capture, whose
 * pump takes every attached wire's lock. */
static void wire_drain(struct wire *w)
{
	int guard = 64;

	if (w->replay)
		return;
	if (w->hub != NULL) {
		pthread_mutex_unlock(&w->lock);
		wire_hub_pump(w->hub);
		pthread_mutex_lock(&w->lock);
		return;
	}
	while (w->cap != NULL && w->cls != NULL && guard-- > 0 &&
	       capture_dispatch(w->cap, on_packet, w) > 0)
		;
}

bool wire_icmp_about(struct wire *w, const struct addr_facts *a, int sport)
{
	struct pkt_addr dst;
	bool seen = false;

	if (sport <= 0 || pkt_addr_from_sockaddr(&dst, &a->sa, a->salen) != 0)
		return false;
	pthread_mutex_lock(&w->lock);
	/* asked while the attempt waits: the capture read up to now */
	wire_drain(w);
	for (size_t i = 0; w->cls != NULL && i < w->cls->nattempts && !seen; i++) {
		const struct classify_attempt *t = &w->cls->attempts[i];

		seen = t->icmp && t->sport == sport && t->dport == w->cls->port &&
		       pkt_addr_equal(&t->dst, &dst);
	}
	pthread_mutex_unlock(&w->lock);
	return seen;
}

/* Host-wide ICMP errors: the router could not deliver to the address at all. */
static bool icmp_host_wide(bool v6, uint8_t type, uint8_t code)
{
	if (v6)
		return type == 1 && (code == 0 || code == 3);
	return type == 3 && (code == 0 || code == 1 || code == 6 || code == 7);
}

bool wire_host_unreachable(struct wire *w, const struct addr_facts *a)
{
	struct pkt_addr dst;
	bool seen = false;

	if (pkt_addr_from_sockaddr(&dst, &a->sa, a->salen) != 0)
		return false;
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; w->cls != NULL && i < w->cls->nattempts && !seen; i++) {
		const struct classify_attempt *t = &w->cls->attempts[i];

		seen = t->icmp && icmp_host_wide(t->icmp_v6, t->icmp_type, t->icmp_code) &&
		       pkt_addr_equal(&t->dst, &dst);
	}
	pthread_mutex_unlock(&w->lock);
	return seen;
}

bool wire_host_answered(struct wire *w, const struct addr_facts *a)
{
	const struct classify_host *h;
	struct pkt_addr dst;
	bool seen;

	if (pkt_addr_from_sockaddr(&dst, &a->sa, a->salen) != 0)
		return false;
	pthread_mutex_lock(&w->lock);
	h = w->cls != NULL ? classify_host_get(w->cls, &dst) : NULL;
	seen = h != NULL && (h->echo || h->synack || h->other_rst);
	pthread_mutex_unlock(&w->lock);
	return seen;
}

/* True when every attempt whose socket saw an answer has it classified. */
static bool all_answers_seen(const struct wire *w, const struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		const struct addr_facts *a = &f->addrs[i];
		const struct classify_attempt *t;

		if (a->tcp == TCP_NO_ANSWER || a->tcp == TCP_NOT_TRIED || a->tcp == TCP_FORBIDDEN)
			continue;
		/* no SYN of ours left for it (the link never answered) */
		if (a->local_port == 0 || (a->tcp == TCP_HOST_UNREACH &&
					   (a->neigh == NEIGH_INCOMPLETE || a->neigh == NEIGH_FAILED)))
			continue;
		t = find_attempt(w->cls, a);
		if (t == NULL || classify_attempt_outcome(t) == CLASSIFY_SILENCE)
			return false;
	}
	return true;
}

/* True when a RST to one of f's attempts has no reference yet (the same
 * host's RST for another port), which the TOS rule needs; the other ports
 * were probed at the same time, so their RSTs are at most a pump away. */
static bool rst_reference_missing(const struct wire *w, const struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++) {
		const struct classify_attempt *t = find_attempt(w->cls, &f->addrs[i]);
		const struct classify_host *h;

		if (t == NULL || classify_attempt_outcome(t) != CLASSIFY_RST)
			continue;
		h = classify_host_get(w->cls, &t->dst);
		if (h != NULL && !h->other_rst && !h->synack)
			return true;
	}
	return false;
}

static void fill_addr(const struct wire *w, struct addr_facts *a)
{
	const struct classify_attempt *t = find_attempt(w->cls, a);
	char reason[256] = "", from[64];

	free(a->wire_note);
	a->wire_note = NULL;
	a->wire = WIRE_NONE;
	a->rst_by = RST_BY_UNKNOWN;
	a->rst_hops_short = 0;
	if (t == NULL) {
		const struct classify_host *h;
		struct pkt_addr dst;

		/* no SYN left: what the link said when asked for the address */
		if (pkt_addr_from_sockaddr(&dst, &a->sa, a->salen) != 0 ||
		    (h = classify_host_get(w->cls, &dst)) == NULL || h->neigh_asked == 0)
			return;
		a->wire_note = h->neigh_answered
			? xasprintf("%s for %s was answered", dst.family == AF_INET6 ? "neighbour discovery" : "ARP", a->text)
			: xasprintf("%u %s for %s left and nothing answered",
				    h->neigh_asked, dst.family == AF_INET6
				    ? (h->neigh_asked == 1 ? "neighbour solicitation" : "neighbour solicitations")
				    : (h->neigh_asked == 1 ? "ARP request (who-has)" : "ARP requests (who-has)"),
				    a->text);
		return;
	}
	switch (classify_attempt_outcome(t)) {
	case CLASSIFY_SYNACK:
		a->wire = WIRE_SYNACK;
		a->wire_note = xasprintf("a SYN-ACK came back (TTL %u): something listens", t->synack_ttl);
		break;
	case CLASSIFY_RST: {
		const struct classify_host *h = classify_host_get(w->cls, &t->dst);
		enum rst_origin o = classify_rst_origin(w->cls, t, reason, sizeof(reason));

		a->wire = WIRE_RST;
		a->rst_by = o == RST_ORIGIN_HOST ? RST_BY_HOST : o == RST_ORIGIN_RULE ? RST_BY_RULE
			  : o == RST_ORIGIN_PATH ? RST_BY_PATH : RST_BY_UNKNOWN;
		if (o == RST_ORIGIN_PATH && h != NULL) {
			uint8_t ref = h->echo ? h->echo_ttl : h->synack ? h->synack_ttl : h->other_rst_ttl;

			a->rst_hops_short = classify_rst_hop_gap(t->rst_ttl, ref);
		}
		a->wire_note = xasprintf("a RST came back (TTL %u, TOS 0x%02x; our SYN had TOS 0x%02x): %s",
					 t->rst_ttl, t->rst_tos, t->syn_tos, reason[0] ? reason : "who made it is unknown");
		break;
	}
	case CLASSIFY_ICMP:
		a->wire = WIRE_ICMP;
		a->icmp_type = t->icmp_type;
		a->icmp_code = t->icmp_code;
		pkt_addr_format(&t->icmp_from, from, sizeof(from));
		snprintf(a->icmp_from, sizeof(a->icmp_from), "%s", from);
		a->icmp_from_target = pkt_addr_equal(&t->icmp_from, &t->dst);
		a->wire_note = xasprintf("ICMP%s %u/%u %s from %s%s", t->icmp_v6 ? "v6" : "", t->icmp_type,
					 t->icmp_code, pkt_icmp_name(t->icmp_v6, t->icmp_type, t->icmp_code),
					 from, a->icmp_from_target ? " (the host itself)" : " (a router on the path)");
		break;
	case CLASSIFY_SILENCE: {
		/* our retry is an attempt of its own: count every SYN to the port */
		unsigned syns = 0;

		for (size_t i = 0; i < w->cls->nattempts; i++) {
			const struct classify_attempt *o = &w->cls->attempts[i];

			if (o->dport == t->dport && pkt_addr_equal(&o->dst, &t->dst))
				syns += o->syns;
		}
		a->wire = WIRE_SILENCE;
		a->wire_note = xasprintf("%u SYN%s left and nothing came back", syns, syns == 1 ? "" : "s");
		break;
	}
	case CLASSIFY_NONE:
		break;
	}
}

/* With w->lock held: waits a slice for the face thread's next pump. Returns
 * false at the deadline or when the engine is quitting (lock still held). */
static bool wire_wait(struct wire *w, uint64_t until, const bool *quit, pthread_mutex_t *quit_lock)
{
	struct timespec ts;
	bool q;

	if (now_ms() >= until)
		return false;
	pthread_mutex_unlock(&w->lock);
	pthread_mutex_lock(quit_lock);
	q = *quit;
	pthread_mutex_unlock(quit_lock);
	pthread_mutex_lock(&w->lock);
	if (q)
		return false;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->cond, &w->lock, &ts);
	return true;
}

void wire_collect(struct wire *w, struct client_facts *f, int ms, const bool *quit,
		  pthread_mutex_t *quit_lock)
{
	uint64_t until = now_ms() + (uint64_t)(ms > 0 ? ms : 0);

	pthread_mutex_lock(&w->lock);
	/* the sockets have their answers: the capture has them too, read it
	 * up to now before judging; the wait below is only for what the
	 * capture lost or never carried */
	wire_drain(w);
	while (w->cls != NULL && (!all_answers_seen(w, f) || rst_reference_missing(w, f))) {
		if (!wire_wait(w, until, quit, quit_lock)) {
			if (now_ms() >= until)
				break;
			pthread_mutex_unlock(&w->lock);
			return;
		}
		wire_drain(w);
	}
	if (w->cls != NULL)
		for (size_t i = 0; i < f->naddrs; i++)
			fill_addr(w, &f->addrs[i]);
	pthread_mutex_unlock(&w->lock);
}

static void on_packet(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data, size_t caplen)
{
	struct wire *w = ctx;

	if (w->cls != NULL)
		classify_feed_raw(w->cls, ts_us, dlt, data, caplen);
}

static void copy_status(struct wire *w, struct report_capture *cap)
{
	if (!w->status_changed)
		return;
	w->status_changed = false;
	free(cap->interface);
	cap->interface = wire_interface(w) ? xstrdup(wire_interface(w)) : NULL;
	if (w->failed) {
		cap->available = false;
		free(cap->reason);
		cap->reason = xstrdup(w->reason);
	}
}

_Static_assert(REPORT_TCP_FIN == PKT_TCP_FIN && REPORT_TCP_SYN == PKT_TCP_SYN &&
	       REPORT_TCP_RST == PKT_TCP_RST && REPORT_TCP_PSH == PKT_TCP_PSH &&
	       REPORT_TCP_ACK == PKT_TCP_ACK && REPORT_TCP_URG == PKT_TCP_URG &&
	       REPORT_TCP_ECE == PKT_TCP_ECE && REPORT_TCP_CWR == PKT_TCP_CWR,
	       "the report's TCP flag bits are the wire's");

static const char *proto_name(uint8_t proto, bool arp)
{
	if (arp)
		return "arp";
	switch (proto) {
	case PKT_PROTO_TCP:
		return "tcp";
	case PKT_PROTO_UDP:
		return "udp";
	case PKT_PROTO_ICMP:
		return "icmp";
	case PKT_PROTO_ICMP6:
		return "icmpv6";
	}
	return "other";
}

/* Copies the decoded packet's fields into the report's packet, so a face
 * shows them without parsing the summary line. */
static void packet_fields(struct report_packet *r, const struct pkt *p)
{
	bool l4 = p->has_l4 && !p->arp;

	r->protocol = proto_name(p->proto, p->arp);
	r->ip_version = p->arp ? 0 : p->ipver;
	pkt_addr_format(p->arp ? &p->arp_spa : &p->src, r->src, sizeof(r->src));
	pkt_addr_format(p->arp ? &p->arp_tpa : &p->dst, r->dst, sizeof(r->dst));
	if ((p->arp ? p->arp_spa.family : p->src.family) == 0)
		r->src[0] = '\0';
	if ((p->arp ? p->arp_tpa.family : p->dst.family) == 0)
		r->dst[0] = '\0';
	r->has_ports = l4 && (p->proto == PKT_PROTO_TCP || p->proto == PKT_PROTO_UDP);
	r->src_port = r->has_ports ? p->sport : 0;
	r->dst_port = r->has_ports ? p->dport : 0;
	r->has_tcp_flags = l4 && p->proto == PKT_PROTO_TCP;
	r->tcp_flags = r->has_tcp_flags ? p->tcp_flags : 0;
	r->ttl = p->arp ? 0 : p->ttl;
	r->tos = p->arp ? 0 : p->tos;
	r->is_icmp = l4 && (p->proto == PKT_PROTO_ICMP || p->proto == PKT_PROTO_ICMP6);
	r->icmp_type = r->is_icmp ? p->icmp_type : 0;
	r->icmp_code = r->is_icmp ? p->icmp_code : 0;
	r->icmp_name = r->is_icmp ? pkt_icmp_name(p->proto == PKT_PROTO_ICMP6, p->icmp_type, p->icmp_code)
				  : NULL;
	r->icmp_echo = r->is_icmp && p->icmp_echo;
	r->echo_seq = r->icmp_echo ? p->icmp_seq : 0;
	r->next_mtu = r->is_icmp ? p->icmp_mtu : 0;
	r->nd = r->is_icmp && p->nd;
	memset(&r->quoted, 0, sizeof(r->quoted));
	if (r->is_icmp && p->icmp_error && p->inner.present) {
		const struct pkt_inner *in = &p->inner;

		r->quoted.present = true;
		pkt_addr_format(&in->src, r->quoted.src, sizeof(r->quoted.src));
		pkt_addr_format(&in->dst, r->quoted.dst, sizeof(r->quoted.dst));
		r->quoted.protocol = proto_name(in->proto, false);
		r->quoted.has_ports = in->has_ports;
		r->quoted.src_port = in->has_ports ? in->sport : 0;
		r->quoted.dst_port = in->has_ports ? in->dport : 0;
		r->quoted.ttl = in->ttl;
		r->quoted.tos = in->tos;
	}
}

static void append_packets(struct wire *w, struct report_capture *cap)
{
	if (w->cls == NULL)
		return;
	for (; w->reported < w->cls->npackets; w->reported++) {
		const struct classify_packet *p = &w->cls->packets[w->reported];
		struct report_packet *r;

		cap->packets = xrealloc(cap->packets, (cap->npackets + 1) * sizeof(*cap->packets));
		r = &cap->packets[cap->npackets++];
		r->t_us = classify_packet_offset(w->cls, p);
		r->outbound = p->dir == CLASSIFY_OUT;
		r->summary = xstrdup(p->line);
		r->ts_us = p->ts_us;
		packet_fields(r, &p->pkt);
		r->step = -1;   /* the engine says which, by ts_us */
	}
	w->cls->packets_handed = w->reported;
	cap->packets_dropped = w->cls->packets_dropped;
}

void wire_pump(struct wire *w, struct report_capture *cap)
{
	pthread_mutex_lock(&w->lock);
	copy_status(w, cap);
	if (w->hub != NULL) {
		/* wire_hub_pump() fed the classifier already */
		append_packets(w, cap);
	} else if (w->cap != NULL && w->cls != NULL) {
		/* a replayed file is read only once the addresses are known */
		int guard = 64;

		int rc = 0;

		while (guard-- > 0 && (rc = capture_dispatch(w->cap, on_packet, w)) > 0 &&
		       !capture_at_end(w->cap))
			;
		if (w->replay && (rc < 0 || capture_at_end(w->cap))) {
			w->file_done = true;
			if (rc == CAPTURE_ERR_FILE_TRUNCATED) {
				w->file_cut = true;
			} else if (rc < 0) {
				w->file_error = true;
				snprintf(w->reason, sizeof(w->reason), "'%s': %s", w->file, capture_last_error(w->cap));
			}
		}
		append_packets(w, cap);
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

/* True when the link was asked for a target address and nobody answered. */
static bool neigh_unanswered(const struct classify *c)
{
	for (size_t i = 0; i < c->naddrs; i++)
		if (c->hosts[i].neigh_asked > 0 && !c->hosts[i].neigh_answered)
			return true;
	return false;
}

void wire_finish(struct wire *w, struct report_capture *cap)
{
	struct capture_stats st;

	pthread_mutex_lock(&w->lock);
	copy_status(w, cap);
	if (w->cls != NULL) {
		enum classify_outcome o = classify_result(w->cls);
		const struct classify_attempt *best = classify_best(w->cls);
		unsigned attempts, answered;

		append_packets(w, cap);
		/* the first SYN may have come after echo replies: times are from it */
		for (size_t i = 0; i < cap->npackets && i < w->cls->npackets; i++)
			cap->packets[i].t_us = classify_packet_offset(w->cls, &w->cls->packets[i]);
		free(cap->outcome);
		cap->outcome = xstrdup(classify_outcome_id(o));
		classify_count(w->cls, &attempts, &answered);
		free(cap->outcome_text);
		switch (o) {
		case CLASSIFY_SYNACK:
			cap->outcome_text = xasprintf("a SYN-ACK came back: port %u accepts connections", w->port);
			break;
		case CLASSIFY_RST:
			cap->outcome_text = xasprintf("a RST came back (TTL %u): the port is refused", best ? best->rst_ttl : 0);
			break;
		case CLASSIFY_ICMP:
			cap->outcome_text = xasprintf("an ICMP error came back (type %u code %u)",
						      best ? best->icmp_type : 0, best ? best->icmp_code : 0);
			break;
		case CLASSIFY_SILENCE:
			cap->outcome_text = xasprintf("silence: %u attempt%s, no answer", attempts,
						      attempts == 1 ? "" : "s");
			break;
		case CLASSIFY_NONE:
			if (neigh_unanswered(w->cls))
				cap->outcome_text = xstrdup("no SYN could leave: the link's questions for the address (ARP or neighbour discovery) got no answer");
			else
				cap->outcome_text = xstrdup("none of our SYNs to the port was seen on the wire");
			break;
		}
	}
	if (w->cap != NULL && capture_stats(w->cap, &st) == 0) {
		cap->received = st.kernel ? st.received : st.delivered;
		cap->dropped = st.kernel ? st.dropped : 0;
	}
	pthread_mutex_unlock(&w->lock);
}

int wire_replay(struct wire *w, struct client_facts *f, int ms, const bool *quit,
		pthread_mutex_t *quit_lock)
{
	uint64_t until = now_ms() + (uint64_t)ms;
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	while (!w->file_done) {
		if (!wire_wait(w, until, quit, quit_lock)) {
			if (now_ms() >= until)
				break;
			pthread_mutex_unlock(&w->lock);
			return -1;
		}
	}
	if (!w->file_done || w->file_error || w->cls == NULL)
		rc = -1;
	if (w->cls != NULL)
		for (size_t i = 0; i < f->naddrs; i++) {
			f->addrs[i].local_port = 0;
			fill_addr(w, &f->addrs[i]);
		}
	f->replay_cut = w->file_cut;
	pthread_mutex_unlock(&w->lock);
	return rc;
}

const char *wire_error(struct wire *w)
{
	return w->reason;
}

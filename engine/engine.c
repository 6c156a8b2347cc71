/* SPDX-License-Identifier: MIT */
/* The engine: a worker thread walks the flow; the face's thread applies
 * what it publishes to the report inside engine_dispatch(). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "capture/privilege.h"
#include "engine/engine.h"
#include "engine/os/os.h"
#include "engine/conn.h"
#include "engine/probe.h"
#include "engine/target-vars.h"
#include "engine/verdict.h"
#include "engine/walk.h"
#include "engine/wire.h"

/* A change the worker hands to the face's thread. */
struct pending {
	struct pending *next;
	struct engine_event ev;
	struct report_step step;         /* EV_STEP_STARTED/FINISHED: a copy */
	char *line;                      /* EV_EVIDENCE */
	struct strv addresses;           /* EV_TARGET */
	struct report_verdict verdict;   /* EV_VERDICT */
};

struct engine {
	struct engine_config cfg;
	const struct assets *assets;
	struct report rep;
	engine_event_fn fn;
	void *fn_ctx;

	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int wake[2];
	bool quit;
	bool busy;
	int req_from, req_to;
	bool req_pending;
	struct pending *head, *tail;
	int capture_step;                /* the step whose probe runs or ran last, or -1 */
	struct step_mark {               /* when each run of a step started, in order */
		int step;
		uint64_t wall_us;        /* the wall clock, as a live capture's */
	} *marks;
	size_t nmarks;

	/* worker side */
	struct client_facts facts;
	struct server_facts sfacts;
	const struct probe_def **probes;  /* per step, NULL when unknown */

	struct wire *wire;                /* the capture, or NULL */
	int icmp_own[2];                  /* raw ICMP, ICMPv6 sockets it opened, or -1 */
	bool drop_pending;                /* the worker gives up the privileges once its
					   * capture is open (least_privilege) */

	struct walk walk;                 /* the face's walk through the steps (walk.h) */
};

static void pending_free(struct pending *p)
{
	free(p->step.summary);
	free(p->step.command);
	free(p->step.wait_reason);
	strv_release(&p->step.evidence);
	strv_release(&p->step.details);
	free(p->line);
	strv_release(&p->addresses);
	verdict_release(&p->verdict);
	free(p);
}

static struct pending *pending_new(enum engine_event_kind kind, int step)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	p->ev.kind = kind;
	p->ev.step = step;
	strv_init(&p->step.evidence);
	strv_init(&p->step.details);
	strv_init(&p->addresses);
	verdict_init(&p->verdict);
	return p;
}

/* Hands p to the face's thread and wakes it. */
static void post(struct engine *e, struct pending *p)
{
	char c = 1;

	pthread_mutex_lock(&e->lock);
	if (e->tail)
		e->tail->next = p;
	else
		e->head = p;
	e->tail = p;
	pthread_mutex_unlock(&e->lock);
	(void)!write(e->wake[1], &c, 1);
}

const char *step_status_word(enum step_status s)
{
	switch (s) {
	case STEP_PENDING: return "pending";
	case STEP_RUNNING: return "running";
	case STEP_PASS: return "pass";
	case STEP_FAIL: return "fail";
	case STEP_WARN: return "warn";
	case STEP_SKIP: return "skip";
	case STEP_ERROR: return "error";
	}
	return "error";
}

const char *step_status_tag(enum step_status s)
{
	switch (s) {
	case STEP_PENDING: return "[    ]";
	case STEP_RUNNING: return "[ .. ]";
	case STEP_PASS: return "[ OK ]";
	case STEP_FAIL: return "[FAIL]";
	case STEP_WARN: return "[WARN]";
	case STEP_SKIP: return "[SKIP]";
	case STEP_ERROR: return "[ERR ]";
	}
	return "[ERR ]";
}

const char *side_name(enum side s)
{
	return s == SIDE_SERVER ? "server" : "client";
}

/* ---- what probes call (worker thread) ---------------------------------- */

enum side side_resolve(enum side asked, const char *host, bool replay)
{
	if (replay)
		return SIDE_CLIENT;
	if (asked != SIDE_AUTO)
		return asked;
	return host == NULL || os_host_is_local(host) == 1 ? SIDE_SERVER : SIDE_CLIENT;
}

void step_finish(struct step_work *w, enum step_status st, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(w->summary);
	w->summary = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	w->status = st;
}

void step_evidence(struct step_work *w, const char *fmt, ...)
{
	struct strbuf sb;
	struct pending *p;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	p = pending_new(EV_EVIDENCE, w->index);
	p->line = xstrdup(sb.buf);
	strv_push_owned(&w->evidence, strbuf_detach(&sb, NULL));
	strbuf_release(&sb);
	/* a probe run by a unit test has no engine to tell */
	if (w->e != NULL)
		post(w->e, p);
	else
		pending_free(p);
}

void step_detail(struct step_work *w, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strv_push_owned(&w->details, strbuf_detach(&sb, NULL));
	strbuf_release(&sb);
}

void step_wait(struct step_work *w, int ms, const char *reason)
{
	struct pending *p = pending_new(EV_STEP_STARTED, w->index);

	p->step.status = STEP_RUNNING;
	p->step.wait_ms = ms > 0 ? (uint64_t)ms : 0;
	p->step.wait_reason = xstrdup(reason ? reason : "");
	if (w->e != NULL)
		post(w->e, p);
	else
		pending_free(p);
}

bool engine_cancelled(struct engine *e)
{
	bool q;

	if (e == NULL)
		return false;
	pthread_mutex_lock(&e->lock);
	q = e->quit;
	pthread_mutex_unlock(&e->lock);
	return q;
}

const struct target *engine_target(struct engine *e)
{
	return &e->cfg.target;
}

/* This machine's own iptables rules, read once before the privileges go
 * (the tools need root) for the TCP step's look at an outbound rule. */
static struct {
	pthread_mutex_t lock;
	bool taken;
	int rc[2];
	struct strbuf out[2];
	struct os_trace tr[2];
} own_rules = {.lock = PTHREAD_MUTEX_INITIALIZER};

void engine_own_rules_take(void)
{
	pthread_mutex_lock(&own_rules.lock);
	/* without root the tools refuse: nothing to keep, the step says so */
	if (!own_rules.taken && geteuid() == 0) {
		for (int k = 0; k < 2; k++) {
			strbuf_init(&own_rules.out[k]);
			os_trace_init(&own_rules.tr[k]);
			own_rules.rc[k] = os_fw_own_rules(k == 0 ? 4 : 6, &own_rules.out[k], &own_rules.tr[k]);
		}
		own_rules.taken = true;
	}
	pthread_mutex_unlock(&own_rules.lock);
}

int engine_own_rules(int family, struct strbuf *out, struct os_trace *t)
{
	int k = family == 6 ? 1 : 0, rc;

	pthread_mutex_lock(&own_rules.lock);
	if (!own_rules.taken) {
		pthread_mutex_unlock(&own_rules.lock);
		return os_fw_own_rules(family, out, t);
	}
	strbuf_add(out, own_rules.out[k].buf ? own_rules.out[k].buf : "", own_rules.out[k].len);
	for (size_t i = 0; i < own_rules.tr[k].n; i++) {
		const struct os_trace_line *l = &own_rules.tr[k].v[i];

		if (l->kind == OS_TRACE_NOTE)
			os_trace_note(t, "%s", l->text);
		else
			os_trace_detail(t, "%s", l->text);
	}
	os_trace_note(t, "(read when the run started, before it gave up root)");
	rc = own_rules.rc[k];
	pthread_mutex_unlock(&own_rules.lock);
	return rc;
}

/* Worker thread: the capture is open (or could not be), nothing
 * privileged is left to open: give up the privileges. */
static void drop_privileges(struct engine *e)
{
	char err[256] = "";

	if (!e->drop_pending)
		return;
	e->drop_pending = false;
	engine_own_rules_take();
	if (privilege_drop(err, sizeof(err)) != 0)
		engine_fail(e, err);
}

void engine_publish_addresses(struct engine *e, const struct client_facts *f)
{
	struct pending *p = pending_new(EV_TARGET, -1);

	for (size_t i = 0; i < f->naddrs; i++)
		strv_push(&p->addresses, f->addrs[i].text);
	post(e, p);
	if (e->wire != NULL)
		wire_open(e->wire, f);
	drop_privileges(e);
}

int engine_icmp_fd(struct engine *e, int family)
{
	int k = family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;

	if (e == NULL || k < 0)
		return -1;
	return e->cfg.icmp_given ? e->cfg.icmp_fds[k] : e->icmp_own[k];
}

bool engine_capture_live(struct engine *e)
{
	return e->wire != NULL && wire_is_live(e->wire);
}

void engine_capture_expect(struct engine *e, const struct client_facts *f)
{
	if (e->wire != NULL)
		wire_expect(e->wire, f);
}

void engine_fail(struct engine *e, const char *why)
{
	struct pending *p = pending_new(EV_FAILED, -1);

	p->line = xstrdup(why);
	post(e, p);
}

bool engine_replaying(struct engine *e)
{
	return e->cfg.replay_file != NULL;
}

const char *engine_replay_file(struct engine *e)
{
	return e->cfg.replay_file;
}

int engine_capture_replay(struct engine *e, struct client_facts *f, int ms)
{
	return e->wire != NULL ? wire_replay(e->wire, f, ms, &e->quit, &e->lock) : -1;
}

void engine_capture_own_port(struct engine *e, int sport, int dport)
{
	if (e != NULL && e->wire != NULL && sport > 0 && sport < 65536 && dport > 0 && dport < 65536)
		wire_own_port(e->wire, (uint16_t)sport, (uint16_t)dport);
}

void engine_capture_own_echo(struct engine *e, int id)
{
	if (e != NULL && e->wire != NULL && id >= 0 && id < 65536)
		wire_own_echo(e->wire, (uint16_t)id);
}

static void conn_port_seen(void *ctx, int sport, int dport)
{
	engine_capture_own_port(ctx, sport, dport);
}

void engine_conn_watch(struct engine *e, struct conn *c, size_t n)
{
	for (size_t i = 0; e != NULL && i < n; i++) {
		c[i].on_port = conn_port_seen;
		c[i].port_ctx = e;
	}
}

bool engine_capture_icmp(struct engine *e, const struct addr_facts *a, int sport)
{
	return e->wire != NULL && wire_icmp_about(e->wire, a, sport);
}

bool engine_capture_host_unreachable(struct engine *e, const struct addr_facts *a)
{
	return e->wire != NULL && wire_is_live(e->wire) && wire_host_unreachable(e->wire, a);
}

bool engine_capture_host_answered(struct engine *e, const struct addr_facts *a)
{
	return e->wire != NULL && wire_is_live(e->wire) && wire_host_answered(e->wire, a);
}

void engine_capture_collect(struct engine *e, struct client_facts *f, int ms)
{
	if (e->wire != NULL)
		wire_collect(e->wire, f, ms, &e->quit, &e->lock);
}

/* ---- the worker -------------------------------------------------------- */

static uint64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Step i starts: the packets captured from now on are its own. */
static void step_mark(struct engine *e, int i)
{
	pthread_mutex_lock(&e->lock);
	e->capture_step = i;
	e->marks = xrealloc(e->marks, (e->nmarks + 1) * sizeof(*e->marks));
	e->marks[e->nmarks++] = (struct step_mark){i, wall_us()};
	pthread_mutex_unlock(&e->lock);
}

static void run_step(struct engine *e, int i)
{
	struct step_work w = {.e = e, .index = i, .id = e->rep.steps[i].id};
	struct pending *p;
	uint64_t start = now_ms();
	const struct probe_def *def = e->probes[i];

	strv_init(&w.evidence);
	strv_init(&w.details);
	/* the name step opens the capture; a run past it without one (no
	 * address) has nothing privileged left to open either */
	if (e->drop_pending && strcmp(w.id, "dns") != 0)
		drop_privileges(e);
	step_mark(e, i);
	p = pending_new(EV_STEP_STARTED, i);
	p->step.status = STEP_RUNNING;
	post(e, p);

	if (def == NULL) {
		step_finish(&w, STEP_SKIP, "this step is not available in this build");
	} else if ((def->run_server ? def->run_server(&w, &e->sfacts) : def->run(&w, &e->facts)) < 0 &&
		   w.status == STEP_PENDING) {
		step_finish(&w, STEP_ERROR, "the probe could not run");
	}
	if (w.status == STEP_PENDING || w.status == STEP_RUNNING)
		step_finish(&w, STEP_ERROR, "the probe ended without a result");

	p = pending_new(EV_STEP_FINISHED, i);
	p->step.status = w.status;
	p->step.summary = w.summary;
	p->step.evidence = w.evidence;
	p->step.details = w.details;
	p->step.duration_ms = now_ms() - start;
	post(e, p);
}

static void run_verdict(struct engine *e)
{
	struct pending *p = pending_new(EV_VERDICT, -1);

	if (e->rep.side == SIDE_SERVER)
		verdict_server(&e->sfacts, &e->cfg.target, e->assets, e->rep.platform, &p->verdict);
	else
		verdict_client(&e->facts, &e->cfg.target, e->assets, e->rep.platform, &p->verdict);
	post(e, p);
}

static void *worker_main(void *arg)
{
	struct engine *e = arg;

	pthread_mutex_lock(&e->lock);
	for (;;) {
		int from, to;

		while (!e->req_pending && !e->quit)
			pthread_cond_wait(&e->cond, &e->lock);
		if (e->quit)
			break;
		from = e->req_from;
		to = e->req_to;
		e->req_pending = false;
		pthread_mutex_unlock(&e->lock);

		for (int i = from; i <= to && !engine_cancelled(e); i++)
			run_step(e, i);
		drop_privileges(e);
		if (!engine_cancelled(e))
			run_verdict(e);

		pthread_mutex_lock(&e->lock);
		if (!e->req_pending) {
			e->busy = false;
			pthread_mutex_unlock(&e->lock);
			post(e, pending_new(EV_DONE, -1));
			pthread_mutex_lock(&e->lock);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* ---- the face's side --------------------------------------------------- */

/* Fills in step s's command for a person to type and its teaching text,
 * for this platform: the one place where {host}, {port}, {addr}... of a
 * step are expanded. {addr} is the target's first address once it is
 * known (addr), the host until then. */
static void step_fill_text(struct engine *e, struct report_step *s, const char *addr)
{
	static const char *const keys[] = {"command", "what", "why", "reading"};
	char **dst[] = {&s->command, &s->what, &s->why, &s->reading};
	struct target_vars tv;
	/* without a host (the server side), the address clients use, as the verdict says */
	size_t nv = target_vars_fill(&tv, &e->cfg.target, e->cfg.target.port, addr, addr);

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *tmpl = s->text ? asset_doc_get_for(s->text, keys[k], e->rep.platform) : NULL;

		free(*dst[k]);
		/* an empty section is no section; an empty command stays one */
		*dst[k] = tmpl && (k == 0 || *tmpl) ? assets_expand(tmpl, tv.v, nv) : NULL;
	}
}

struct engine *engine_new(const struct engine_config *cfg, struct strbuf *err)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	const struct strv *flow;
	const struct target *t = &cfg->target;
	bool least;

	e->cfg = *cfg;
	target_init(&e->cfg.target);
	e->cfg.target.user = t->user ? xstrdup(t->user) : NULL;
	e->cfg.target.host = t->host ? xstrdup(t->host) : NULL;
	e->cfg.target.port = t->port;
	e->cfg.target.port_given = t->port_given;
	e->cfg.target.symptom = t->symptom;
	e->cfg.target.symptom_text = t->symptom_text ? xstrdup(t->symptom_text) : NULL;
	e->assets = cfg->assets;
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->cond, NULL);
	e->wake[0] = e->wake[1] = -1;
	e->icmp_own[0] = e->icmp_own[1] = -1;
	e->capture_step = -1;
	client_facts_init(&e->facts);
	server_facts_init(&e->sfacts);

	e->rep.side = side_resolve(cfg->side, t->host, cfg->replay_file != NULL);
	e->rep.host = t->host ? printable(t->host, strlen(t->host), false) : NULL;
	e->rep.port = t->port;
	e->rep.user = t->user ? printable(t->user, strlen(t->user), false) : NULL;
	e->rep.platform = xstrdup(os_active()->platform());
	if (cfg->run != NULL)
		run_info_copy(&e->rep.run, cfg->run);
	else
		run_info_init(&e->rep.run, NULL);
	strv_init(&e->rep.addresses);
	if (e->rep.side == SIDE_SERVER) {
		server_facts_setup(&e->sfacts, t, cfg->sshd_config);
		if (cfg->from != NULL)
			strv_copy(&e->sfacts.from_addrs, cfg->from);
		e->sfacts.watch_seconds = cfg->watch_seconds;
		strv_copy(&e->rep.addresses, &e->sfacts.client_addrs);
	}
	verdict_init(&e->rep.verdict);
	e->rep.capture.outcome = xstrdup("none");
	if (t->symptom != SYMPTOM_NONE) {
		e->rep.symptom = xstrdup(symptom_id(t->symptom));
		e->rep.symptom_text = t->symptom_text ? xstrdup(t->symptom_text) : NULL;
	}

	if (pipe2(e->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
		strbuf_addf(err, "cannot make the engine's wake-up pipe: %s", strerror(errno));
		goto fail;
	}
	flow = e->rep.side == SIDE_SERVER ? &e->assets->server_flow : &e->assets->client_flow;
	if (cfg->replay_file != NULL)
		flow = &e->assets->replay_flow;
	if (flow->n == 0) {
		strbuf_addf(err, "the assets (%s) have no %s flow", e->assets->origin,
			    side_name(e->rep.side));
		goto fail;
	}
	e->rep.nsteps = flow->n;
	e->rep.steps = xcalloc(flow->n, sizeof(*e->rep.steps));
	e->probes = xcalloc(flow->n, sizeof(*e->probes));
	for (size_t i = 0; i < flow->n; i++) {
		struct report_step *s = &e->rep.steps[i];
		const struct asset_doc *doc = assets_step(e->assets, flow->v[i]);

		s->id = asset_doc_get(doc, "id");
		s->title = asset_doc_get(doc, "title");
		s->text = doc;
		/* the server side: its own first address, as the verdict's {addr} */
		step_fill_text(e, s, e->rep.addresses.n ? e->rep.addresses.v[0] : NULL);
		strv_init(&s->evidence);
		strv_init(&s->details);
		e->probes[i] = probe_find(s->id);
	}

	walk_init(&e->walk, e->rep.nsteps);

	/* the server side captures its self-test */
	if (!cfg->no_capture) {
		struct strbuf why;

		strbuf_init(&why);
		e->wire = wire_new(&e->cfg, &why);
		e->rep.capture.available = e->wire != NULL;
		if (e->wire == NULL) {
			e->rep.capture.reason = xstrdup(why.buf);
			if (cfg->replay_file != NULL) {
				strbuf_addstr(err, why.buf);
				strbuf_release(&why);
				goto fail;
			}
		} else {
			if (wire_interface(e->wire))
				e->rep.capture.interface = xstrdup(wire_interface(e->wire));
			/* a client's report holds its own connections' packets, not
			 * those of another program (or run) talking to the host */
			if (e->rep.side == SIDE_CLIENT)
				wire_own_only(e->wire);
		}
		strbuf_release(&why);
	} else {
		e->rep.capture.reason = xstrdup("turned off with --no-capture");
	}
	e->facts.capture_available = e->rep.capture.available;

	least = cfg->least_privilege && e->rep.side == SIDE_CLIENT && cfg->replay_file == NULL;
	if (least) {
		privilege_plan();
		/* the ping step's raw sockets are opened now, on this thread */
		if (!cfg->icmp_given) {
			e->icmp_own[0] = engine_icmp_socket(AF_INET);
			e->icmp_own[1] = engine_icmp_socket(AF_INET6);
		}
		/* an own live capture opens on the worker once the address is
		 * known; otherwise nothing privileged is left to open */
		e->drop_pending = e->wire != NULL && wire_is_live(e->wire) && cfg->hub == NULL;
		if (!e->drop_pending) {
			char why[256] = "";

			engine_own_rules_take();
			if (privilege_drop(why, sizeof(why)) != 0) {
				strbuf_addstr(err, why);
				goto fail;
			}
		}
	}
	if (pthread_create(&e->thread, NULL, worker_main, e) != 0) {
		strbuf_addstr(err, "cannot start the engine's worker thread");
		goto fail;
	}
	e->thread_started = true;
	/* the worker has what it needs: this thread needs none */
	if (least)
		privilege_drop_thread();
	return e;
fail:
	engine_free(e);
	return NULL;
}

void engine_free(struct engine *e)
{
	if (e == NULL)
		return;
	if (e->thread_started) {
		pthread_mutex_lock(&e->lock);
		e->quit = true;
		pthread_cond_broadcast(&e->cond);
		pthread_mutex_unlock(&e->lock);
		pthread_join(e->thread, NULL);
	}
	while (e->head) {
		struct pending *p = e->head;

		e->head = p->next;
		pending_free(p);
	}
	wire_free(e->wire);
	for (int k = 0; k < 2; k++)
		if (e->icmp_own[k] >= 0)
			close(e->icmp_own[k]);
	for (size_t i = 0; i < e->rep.nsteps; i++) {
		struct report_step *s = &e->rep.steps[i];

		free(s->summary);
		free(s->command);
		free(s->what);
		free(s->why);
		free(s->reading);
		free(s->wait_reason);
		strv_release(&s->evidence);
		strv_release(&s->details);
	}
	free(e->rep.steps);
	walk_release(&e->walk);
	free(e->marks);
	free(e->probes);
	free(e->rep.host);
	free(e->rep.user);
	free(e->rep.platform);
	free(e->rep.symptom);
	free(e->rep.symptom_text);
	free(e->rep.failure);
	strv_release(&e->rep.addresses);
	verdict_release(&e->rep.verdict);
	free(e->rep.capture.reason);
	free(e->rep.capture.interface);
	free(e->rep.capture.outcome);
	free(e->rep.capture.outcome_text);
	for (size_t i = 0; i < e->rep.capture.npackets; i++)
		free(e->rep.capture.packets[i].summary);
	free(e->rep.capture.packets);
	run_info_release(&e->rep.run);
	client_facts_release(&e->facts);
	server_facts_release(&e->sfacts);
	target_release(&e->cfg.target);
	if (e->wake[0] >= 0)
		close(e->wake[0]);
	if (e->wake[1] >= 0)
		close(e->wake[1]);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

void engine_subscribe(struct engine *e, engine_event_fn fn, void *ctx)
{
	e->fn = fn;
	e->fn_ctx = ctx;
}

void engine_run(struct engine *e, int from, int to)
{
	if (from < 0)
		from = 0;
	if (to >= (int)e->rep.nsteps)
		to = (int)e->rep.nsteps - 1;
	pthread_mutex_lock(&e->lock);
	e->req_from = from;
	e->req_to = to;
	e->req_pending = true;
	e->busy = true;
	e->rep.finished = false;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
}

void engine_run_all(struct engine *e)
{
	engine_run(e, 0, (int)e->rep.nsteps - 1);
}

bool engine_busy(const struct engine *e)
{
	return e->busy || e->head != NULL;
}

int engine_pollfds(struct engine *e, struct pollfd *fds, int max)
{
	int n = 0;

	if (n < max)
		fds[n++] = (struct pollfd){.fd = e->wake[0], .events = POLLIN};
	if (e->wire != NULL && n < max) {
		int fd = wire_fd(e->wire);

		if (fd >= 0)
			fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
	}
	return n;
}

int engine_timeout(struct engine *e)
{
	/* a capture whose fd may not signal every packet is read at least this often */
	return e->wire != NULL ? 50 : -1;
}

static void apply_step(struct report_step *dst, struct pending *p)
{
	struct report_step *src = &p->step;

	dst->status = src->status;
	if (p->ev.kind == EV_STEP_STARTED) {
		if (src->wait_reason == NULL) {
			/* the step (re)starts: forget what an earlier run found */
			dst->started_ms = now_ms();
			strv_release(&dst->evidence);
			strv_release(&dst->details);
			free(dst->summary);
			dst->summary = NULL;
			dst->duration_ms = 0;
		}
		dst->wait_ms = src->wait_ms;
		free(dst->wait_reason);
		dst->wait_reason = src->wait_reason;
		src->wait_reason = NULL;
		return;
	}
	free(dst->summary);
	dst->summary = src->summary;
	src->summary = NULL;
	strv_release(&dst->evidence);
	dst->evidence = src->evidence;
	strv_init(&src->evidence);
	strv_release(&dst->details);
	dst->details = src->details;
	strv_init(&src->details);
	dst->duration_ms = src->duration_ms;
	dst->wait_ms = 0;
	free(dst->wait_reason);
	dst->wait_reason = NULL;
}

static void emit(struct engine *e, enum engine_event_kind kind, int step)
{
	struct engine_event ev = {.kind = kind, .step = step};

	if (e->fn)
		e->fn(e->fn_ctx, &ev, &e->rep);
}

/* The step that runs now (or ran last): what the capture reads now
 * belongs to it. */
static int capture_step(struct engine *e)
{
	int i;

	pthread_mutex_lock(&e->lock);
	i = e->capture_step;
	pthread_mutex_unlock(&e->lock);
	return i;
}

/* Gives the packets from index from on the step they belong to: the one
 * that had started last when the packet was captured. A packet older than
 * every start (a replayed file's, whose clock is its own) goes to step,
 * the one that ran when it was read. */
static void tag_packets(struct engine *e, size_t from, int step)
{
	pthread_mutex_lock(&e->lock);
	for (size_t k = from; k < e->rep.capture.npackets; k++) {
		struct report_packet *p = &e->rep.capture.packets[k];
		size_t m = e->nmarks;

		while (m > 0 && e->marks[m - 1].wall_us > p->ts_us)
			m--;
		p->step = m > 0 ? e->marks[m - 1].step : step;
	}
	pthread_mutex_unlock(&e->lock);
}

void engine_dispatch(struct engine *e)
{
	char buf[256];
	struct pending *list;

	while (read(e->wake[0], buf, sizeof(buf)) > 0)
		;
	run_info_update(&e->rep.run);
	if (e->wire != NULL) {
		size_t before = e->rep.capture.npackets;
		int step = capture_step(e);

		wire_pump(e->wire, &e->rep.capture);
		tag_packets(e, before, step);
		for (size_t i = before; i < e->rep.capture.npackets; i++)
			emit(e, EV_PACKET, (int)i);
	}
	pthread_mutex_lock(&e->lock);
	list = e->head;
	e->head = e->tail = NULL;
	pthread_mutex_unlock(&e->lock);

	while (list) {
		struct pending *p = list;
		int i = p->ev.step;

		list = p->next;
		switch (p->ev.kind) {
		case EV_STEP_STARTED:
			apply_step(&e->rep.steps[i], p);
			break;
		case EV_STEP_FINISHED:
			apply_step(&e->rep.steps[i], p);
			walk_step_finished(&e->walk, &e->rep, i);
			break;
		case EV_EVIDENCE:
			strv_push_owned(&e->rep.steps[i].evidence, p->line);
			p->line = NULL;
			break;
		case EV_TARGET:
			strv_release(&e->rep.addresses);
			e->rep.addresses = p->addresses;
			strv_init(&p->addresses);
			/* a text that needs the address gets the one now known */
			for (size_t k = 0; k < e->rep.nsteps && e->rep.addresses.n; k++)
				step_fill_text(e, &e->rep.steps[k], e->rep.addresses.v[0]);
			break;
		case EV_VERDICT:
			verdict_release(&e->rep.verdict);
			e->rep.verdict = p->verdict;
			verdict_init(&p->verdict);
			e->rep.has_verdict = true;
			if (e->wire != NULL) {
				size_t before = e->rep.capture.npackets;

				wire_finish(e->wire, &e->rep.capture);
				tag_packets(e, before, capture_step(e));
			}
			break;
		case EV_FAILED:
			e->rep.failed = true;
			free(e->rep.failure);
			e->rep.failure = p->line;
			p->line = NULL;
			break;
		case EV_DONE:
			e->rep.finished = true;
			break;
		case EV_PACKET:
		case EV_CAPTURE:
			break;
		}
		emit(e, p->ev.kind, i);
		pending_free(p);
	}
}

const struct report *engine_report(const struct engine *e)
{
	return &e->rep;
}

const struct client_facts *engine_client_facts(const struct engine *e)
{
	return engine_busy(e) ? NULL : &e->facts;
}

const struct server_facts *engine_server_facts(const struct engine *e)
{
	return engine_busy(e) ? NULL : &e->sfacts;
}

void engine_run_to_end(struct engine *e)
{
	engine_run_all(e);
	while (!e->rep.finished) {
		struct pollfd fds[4];
		int n = engine_pollfds(e, fds, 4);

		poll(fds, (nfds_t)n, engine_timeout(e));
		engine_dispatch(e);
	}
}

/* ---- the walk (walk.h) -------------------------------------------------- */

static bool step_has_run(const struct report_step *s)
{
	return s->status != STEP_PENDING && s->status != STEP_RUNNING;
}

void engine_walk_start(struct engine *e)
{
	e->walk.cur = 0;
	walk_step_runs(&e->walk, &e->rep, 0);
	engine_run(e, 0, 0);
}

int engine_walk_cur(const struct engine *e)
{
	return e->walk.cur;
}

enum walk_outcome engine_walk_next(struct engine *e)
{
	struct walk *w = &e->walk;

	if (e->rep.failed)
		return WALK_FAILED;
	if (!step_has_run(&e->rep.steps[w->cur]))
		return WALK_STILL_RUNNING;
	if ((size_t)w->cur + 1 < e->rep.nsteps) {
		w->cur++;
		if (!walk_runs_when_reached(&e->rep, w->cur))
			return WALK_SHOWN;
		/* the engine may still be judging the step before: it takes
		 * this request once it has */
		walk_step_runs(w, &e->rep, w->cur);
		engine_run(e, w->cur, w->cur);
		return WALK_RUNS;
	}
	return engine_walk_complete(e) ? WALK_VERDICT : WALK_VERDICT_PENDING;
}

enum walk_outcome engine_walk_back(struct engine *e)
{
	if (e->walk.cur == 0)
		return WALK_FIRST;
	e->walk.cur--;
	return WALK_SHOWN;
}

enum walk_outcome engine_walk_rerun(struct engine *e)
{
	if (e->rep.nsteps == 0)
		return WALK_NOT_A_STEP;
	if (engine_busy(e))
		return WALK_BUSY;
	walk_mark_rerun(&e->walk, &e->rep, e->walk.cur);
	engine_run(e, e->walk.cur, e->walk.cur);
	return WALK_RUNS;
}

bool engine_walk_complete(const struct engine *e)
{
	if (engine_busy(e) || !e->rep.has_verdict)
		return false;
	for (size_t i = 0; i < e->rep.nsteps; i++)
		if (!step_has_run(&e->rep.steps[i]) || (i < e->walk.n && e->walk.must_run[i]))
			return false;
	return true;
}

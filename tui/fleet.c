/* SPDX-License-Identifier: MIT */
/* A fleet run: a short loop over the engine's seam, as the batch face's,
 * with up to N engines at once and one capture the engines share. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capture/privilege.h"
#include "engine/engine.h"
#include "engine/wire.h"
#include "tui/fleet.h"
#include "tui/report.h"

#define FLEET_MAX_PORTS 16   /* distinct target ports named in the shared filter */

struct slot {
	struct engine *e;
	size_t idx;              /* into o->targets */
	uint64_t start_ms;
};

struct row {
	bool done;
	char *cause;
	char *confidence;
	uint64_t ms;
	int status;
};

int fleet_jobs(int jobs, unsigned long nofile)
{
	unsigned long fit = nofile > FLEET_FDS_SPARE + FLEET_FDS_PER_JOB
			    ? (nofile - FLEET_FDS_SPARE) / FLEET_FDS_PER_JOB : 1;

	if (jobs <= 0)
		jobs = FLEET_JOBS_DEFAULT;
	return (unsigned long)jobs > fit ? (int)fit : jobs;
}

/* The soft open-file limit, raised to the hard one first (allowed to any
 * process): a fleet holds many sockets at once. */
static unsigned long nofile_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;

		if (want > rl.rlim_cur) {
			rl.rlim_cur = want;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
				getrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	return rl.rlim_cur == RLIM_INFINITY ? 65536 : (unsigned long)rl.rlim_cur;
}

/* The shared capture, filtered on the targets' distinct ports. */
static struct wire_hub *hub_open(const struct options *o, struct strbuf *why)
{
	uint16_t ports[FLEET_MAX_PORTS];
	size_t n = 0;

	for (size_t i = 0; i < o->targets.n && n < FLEET_MAX_PORTS; i++) {
		uint16_t p = (uint16_t)o->targets.v[i].t.port;
		size_t k = 0;

		while (k < n && ports[k] != p)
			k++;
		if (k == n)
			ports[n++] = p;
	}
	return wire_hub_new(o->interface, ports, n, why);
}

static void row_print(FILE *out, const struct options *o, size_t i, const struct row *r, int tw)
{
	fprintf(out, "%-*.*s  %-22s %-10s %6llu.%01llu s\n", tw, tw, o->targets.v[i].given,
		r->cause ? r->cause : "(no verdict)", r->confidence ? r->confidence : "-",
		(unsigned long long)(r->ms / 1000), (unsigned long long)(r->ms % 1000 / 100));
}

/* A finished engine: its report goes out now (completion order). */
static int finish(const struct options *o, struct slot *s, struct row *rows, int tw)
{
	const struct report *rep = engine_report(s->e);
	struct row *r = &rows[s->idx];
	struct report_fleet fl = {
		.index = (int)s->idx + 1,
		.of = (int)o->targets.n,
		.line = o->targets.v[s->idx].line,
		.given = o->targets.v[s->idx].given,
	};

	r->done = true;
	r->status = report_exit_status(rep);
	r->ms = now_ms() - s->start_ms;
	if (rep->has_verdict && !rep->failed) {
		r->cause = xstrdup(rep->verdict.cause);
		r->confidence = xstrdup(rep->verdict.confidence ? rep->verdict.confidence : "-");
	} else {
		r->cause = xstrdup("error");
	}
	if (o->face == FACE_JSON)
		report_write_json_line(stdout, rep, &fl);
	else
		row_print(stdout, o, s->idx, r, tw);
	fflush(stdout);
	engine_free(s->e);
	s->e = NULL;
	return r->status;
}

/* Starts target i in slot s; false when its engine cannot be made (the
 * row says why). */
static bool start(const struct options *o, const struct assets *a, struct wire_hub *hub,
		  const int *icmp, struct slot *s, size_t i, struct row *rows)
{
	struct engine_config cfg;
	struct run_info run;
	struct strbuf err;

	options_engine_config(o, a, &cfg);
	cfg.target = o->targets.v[i].t;
	cfg.side = SIDE_CLIENT;
	cfg.hub = hub;
	/* the slot's raw ICMP sockets, opened before the privileges went */
	cfg.icmp_given = true;
	cfg.icmp_fds[0] = icmp[0];
	cfg.icmp_fds[1] = icmp[1];
	if (o->run != NULL)
		run_info_copy(&run, o->run);
	else
		run_info_init(&run, NULL);
	run_info_restart(&run);
	cfg.run = &run;
	strbuf_init(&err);
	s->idx = i;
	s->start_ms = now_ms();
	s->e = engine_new(&cfg, &err);
	run_info_release(&run);
	if (s->e == NULL) {
		fprintf(stderr, "ssh-doctor: %s: %s\n", o->targets.v[i].given, err.buf);
		rows[i].done = true;
		rows[i].status = 3;
		rows[i].cause = xstrdup("error");
		strbuf_release(&err);
		return false;
	}
	strbuf_release(&err);
	engine_run_all(s->e);
	return true;
}

int fleet_run(const struct options *o, const struct assets *a)
{
	size_t n = o->targets.n, next = 0, running = 0;
	unsigned long nofile = nofile_limit();
	int jobs = fleet_jobs(o->jobs, nofile), worst = 0, tw = 6;
	struct wire_hub *hub = NULL;
	struct row *rows = xcalloc(n, sizeof(*rows));
	struct slot *slots;
	struct pollfd *fds;
	int *icmp;

	if (o->jobs > jobs)
		fprintf(stderr, "ssh-doctor: --jobs %d lowered to %d: the open-file limit is %lu (ulimit -n)\n",
			o->jobs, jobs, nofile);
	if ((size_t)jobs > n)
		jobs = (int)n;
	slots = xcalloc((size_t)jobs, sizeof(*slots));
	fds = xcalloc(1 + 4 * (size_t)jobs, sizeof(*fds));
	if (!o->no_capture) {
		struct strbuf why;

		/* without it each engine tries its own and says why not */
		strbuf_init(&why);
		hub = hub_open(o, &why);
		strbuf_release(&why);
	}
	/* every privileged open happens now, on this thread, before any
	 * engine's thread starts: the capture above, a raw ICMP socket pair
	 * per slot (when ping sockets are not allowed); then the capabilities
	 * and the root user go for every thread to come */
	icmp = xcalloc(2 * (size_t)jobs, sizeof(*icmp));
	for (int k = 0; k < jobs; k++) {
		icmp[2 * k] = engine_icmp_socket(AF_INET);
		icmp[2 * k + 1] = engine_icmp_socket(AF_INET6);
	}
	{
		char err[256] = "";

		privilege_plan();
		engine_own_rules_take();
		if (privilege_drop(err, sizeof(err)) != 0) {
			/* no target runs with privileges it should not keep */
			if (o->face == FACE_JSON)
				report_write_json_failure(stdout, err, o->run);
			fprintf(stderr, "ssh-doctor: %s\n", err);
			worst = 3;
			next = n;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int w = (int)strlen(o->targets.v[i].given);

		if (w > tw)
			tw = w > 40 ? 40 : w;
	}
	if (o->face != FACE_JSON) {
		fprintf(stdout, "%-*s  %-22s %-10s %8s\n", tw, "TARGET", "CAUSE", "CONFIDENCE", "TIME");
		fflush(stdout);
	}
	while (next < n || running > 0) {
		int nfds = 0, timeout = 50;

		for (int k = 0; k < jobs && next < n; k++) {
			if (slots[k].e != NULL)
				continue;
			if (start(o, a, hub, icmp + 2 * k, &slots[k], next, rows))
				running++;
			else if (rows[next].status > worst)
				worst = rows[next].status;
			next++;
		}
		if (hub != NULL)
			fds[nfds++] = (struct pollfd){.fd = wire_hub_fd(hub), .events = POLLIN};
		for (int k = 0; k < jobs; k++) {
			int t;

			if (slots[k].e == NULL)
				continue;
			nfds += engine_pollfds(slots[k].e, fds + nfds, 4);
			t = engine_timeout(slots[k].e);
			if (t >= 0 && t < timeout)
				timeout = t;
		}
		if (nfds > 0)
			poll(fds, (nfds_t)nfds, timeout);
		wire_hub_pump(hub);
		for (int k = 0; k < jobs; k++) {
			int st;

			if (slots[k].e == NULL)
				continue;
			engine_dispatch(slots[k].e);
			if (!engine_report(slots[k].e)->finished)
				continue;
			st = finish(o, &slots[k], rows, tw);
			running--;
			if (st > worst)
				worst = st;
		}
	}
	if (o->face != FACE_JSON) {
		/* counts per cause, most frequent first */
		struct strv causes;
		size_t *count;

		strv_init(&causes);
		for (size_t i = 0; i < n; i++)
			if (rows[i].cause != NULL && !strv_contains(&causes, rows[i].cause))
				strv_push(&causes, rows[i].cause);
		count = xcalloc(causes.n + 1, sizeof(*count));
		for (size_t i = 0; i < n; i++)
			for (size_t c = 0; c < causes.n; c++)
				if (rows[i].cause != NULL && strcmp(rows[i].cause, causes.v[c]) == 0)
					count[c]++;
		fprintf(stdout, "\n%zu target%s:\n", n, n == 1 ? "" : "s");
		for (size_t done = 0; done < causes.n; done++) {
			size_t best = 0;

			for (size_t c = 1; c < causes.n; c++)
				if (count[c] > count[best])
					best = c;
			fprintf(stdout, "  %6zu  %s\n", count[best], causes.v[best]);
			count[best] = 0;
		}
		free(count);
		strv_release(&causes);
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].cause);
		free(rows[i].confidence);
	}
	free(rows);
	free(slots);
	free(fds);
	for (int k = 0; k < 2 * jobs; k++)
		if (icmp[k] >= 0)
			close(icmp[k]);
	free(icmp);
	wire_hub_free(hub);
	return worst;
}

/* SPDX-License-Identifier: MIT */
/* The self-test: this machine connects to its own sshd on each address
 * clients use, reads what answers, and collects the sshd log lines that
 * appeared meanwhile, so the person sees the attempt arrive and what
 * answered it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/parse/parse-sshd-log.h"
#include "engine/probe.h"

#define CONNECT_MS 3000
/* past a resolver's 5 s timeout: a wrapped sshd looks the client's name up first */
#define BANNER_MS 7000
#define HELLO_MS 1000
#define HELLO "SSH-2.0-ssh_doctor_" SSHD_VERSION "\r\n"

/* The log lines written to the running sshd's own files since sizes[]. */
static void collect_log(struct step_work *w, struct server_facts *f, const long *sizes)
{
	for (size_t i = 0; i < f->log_files.n; i++) {
		long now = os_file_size(f->log_files.v[i]);
		struct strbuf sb;
		struct sshd_log log;

		if (sizes[i] < 0 || now <= sizes[i])
			continue;
		strbuf_init(&sb);
		sshd_log_init(&log);
		if (os_read_file(f->log_files.v[i], (size_t)(now - sizes[i]), true, &sb) == 0)
			sshd_log_parse_own(&log, sb.buf, sb.len, 0);
		for (size_t k = 0; k < log.n && f->test_log.n < 50; k++) {
			strv_push(&f->test_log, log.v[k].message);
			step_evidence(w, "sshd logged: %s", log.v[k].message);
			if (log.v[k].kind == SSHD_LOG_TCPWRAP_REFUSED)
				f->test_log_wrap = true;
			if (log.v[k].kind == SSHD_LOG_MAXSTARTUPS)
				f->test_log_maxstartups = true;
		}
		sshd_log_release(&log);
		strbuf_release(&sb);
	}
}

static void add_test(struct server_facts *f, struct conn *c, size_t *n, const char *addr, int port)
{
	struct srv_test *t;

	if (f->ntests >= SRV_MAX_TESTS)
		return;
	t = &f->tests[f->ntests++];
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->port = port;
	memset(&c[*n], 0, sizeof(c[*n]));
	if (conn_set_address(&c[*n], addr, port) != 0) {
		f->ntests--;
		return;
	}
	c[*n].want_banner = true;
	c[*n].hello = HELLO;
	c[*n].hello_ms = HELLO_MS;
	(*n)++;
}

/* What the capture is told: the self-test's attempts on the asked port. */
struct watch {
	struct step_work *w;
	struct client_facts cf;
	struct conn *c;
	size_t map[SRV_MAX_TESTS];  /* cf.addrs[i] is c[map[i]] */
	bool on;
};

static void watch_start(struct watch *wt, struct server_facts *f, struct conn *c, size_t n)
{
	client_facts_init(&wt->cf);
	wt->c = c;
	if (wt->w->e == NULL || !engine_capture_live(wt->w->e))
		return;
	/* every attempt on the asked port; each is judged by its own answer
	 * (the capture's one outcome is the best of them) */
	for (size_t k = 0; k < n && wt->cf.naddrs < FACTS_MAX_ADDRS; k++) {
		struct addr_facts *a = &wt->cf.addrs[wt->cf.naddrs];

		if (f->tests[k].port != f->port)
			continue;
		snprintf(a->text, sizeof(a->text), "%s", f->tests[k].addr);
		memcpy(&a->sa, &c[k].sa, sizeof(a->sa));
		a->salen = c[k].salen;
		wt->map[wt->cf.naddrs++] = k;
	}
	wt->cf.capture_available = true;
	wt->on = wt->cf.naddrs > 0;
	if (wt->on)
		engine_publish_addresses(wt->w->e, &wt->cf);
}

static void on_started(void *arg)
{
	struct watch *wt = arg;

	if (!wt->on)
		return;
	for (size_t i = 0; i < wt->cf.naddrs; i++)
		wt->cf.addrs[i].local_port = wt->c[wt->map[i]].local_port;
	engine_capture_expect(wt->w->e, &wt->cf);
}

static void watch_collect(struct watch *wt, struct server_facts *f)
{
	if (wt->on) {
		for (size_t i = 0; i < wt->cf.naddrs; i++)
			wt->cf.addrs[i].tcp = f->tests[wt->map[i]].tcp;
		engine_capture_collect(wt->w->e, &wt->cf, 300);
		for (size_t i = 0; i < wt->cf.naddrs; i++) {
			const struct addr_facts *a = &wt->cf.addrs[i];

			f->tests[wt->map[i]].wire = a->wire;
			if (a->wire_note)
				step_evidence(wt->w, "in the capture, the SYN to %s port %d: %s", a->text,
					      f->port, a->wire_note);
			else
				step_evidence(wt->w, "in the capture, the SYN to %s port %d got %s", a->text,
					      f->port, wire_outcome_text(a->wire));
		}
	}
	client_facts_release(&wt->cf);
}

/* True when every test of the asked port was accepted, then closed before a
 * word, and TCP wrappers refuse this machine's own address while they let
 * the client (--from) in: the self-test cannot stand for the client. */
static bool refused_as_self(const struct server_facts *f)
{
	size_t closed = 0;

	if (!f->wrap_for_client || f->wrap_refuses || !(f->test_log_wrap || f->wrap_refuses_self))
		return false;
	for (size_t k = 0; k < f->ntests; k++) {
		const struct srv_test *t = &f->tests[k];

		if (t->port != f->port)
			continue;
		if (t->tcp != TCP_ANSWERED || (t->banner != BANNER_CLOSED && t->banner != BANNER_RESET))
			return false;
		closed++;
	}
	return closed > 0;
}

/* True when no test of the asked port got an answer, and the firewall
 * lets every client judged (--from) in while it blocks some sources: the
 * self-test came from this machine's own address, not the client's. */
static bool blocked_as_self(const struct server_facts *f)
{
	size_t blocked = 0;

	if (!server_fw_admits_all_clients(f) ||
	    (f->fw_verdict != FW_VERDICT_DROPPED && f->fw_verdict != FW_VERDICT_REJECTED &&
	     f->fw_verdict != FW_VERDICT_OPEN_SOME))
		return false;
	for (size_t k = 0; k < f->ntests; k++) {
		const struct srv_test *t = &f->tests[k];

		if (t->port != f->port)
			continue;
		if (t->tcp == TCP_ANSWERED)
			return false;
		blocked++;
	}
	return blocked > 0;
}

int probe_srv_selftest_run(struct step_work *w, struct server_facts *f)
{
	struct watch wt = {.w = w};
	struct conn c[SRV_MAX_TESTS];
	long *sizes;
	size_t n = 0, ok = 0, asked = 0;
	bool cancel = false;

	/* the tests are c's, index for index, from the first */
	server_facts_forget_selftest(f);
	sizes = xcalloc(f->log_files.n + 1, sizeof(*sizes));
	for (size_t i = 0; i < f->client_addrs.n; i++)
		add_test(f, c, &n, f->client_addrs.v[i], f->port);
	/* sshd's other ports, on the first address: is it there instead? */
	for (size_t i = 0; i < f->nlisteners && f->client_addrs.n > 0; i++) {
		const struct srv_listener *l = &f->listeners[i];
		bool dup = false;

		if (!l->is_sshd || l->port == f->port)
			continue;
		for (size_t k = 0; k < f->ntests; k++)
			dup |= f->tests[k].port == l->port;
		if (!dup)
			add_test(f, c, &n, f->client_addrs.v[0], l->port);
	}
	if (n == 0) {
		free(sizes);
		step_finish(w, STEP_SKIP, "no address to test");
		return 0;
	}
	for (size_t i = 0; i < f->log_files.n; i++)
		sizes[i] = os_file_size(f->log_files.v[i]);
	watch_start(&wt, f, c, n);
	step_wait(w, CONNECT_MS + BANNER_MS, "connecting to this machine's own sshd");
	conn_run(c, n, CONNECT_MS, BANNER_MS, &cancel, on_started, &wt);
	f->test_ran = true;
	for (size_t k = 0; k < n; k++) {
		struct srv_test *t = &f->tests[k];

		t->tcp = c[k].tcp;
		t->banner = c[k].tcp == TCP_ANSWERED ? c[k].banner : BANNER_NOT_TRIED;
		t->banner_text = c[k].banner_text;
		c[k].banner_text = NULL;
		if (t->port == f->port)
			asked++;
		if (t->tcp != TCP_ANSWERED)
			step_evidence(w, "%s port %d: %s", t->addr, t->port, tcp_result_word(t->tcp));
		else if (t->banner_text)
			step_evidence(w, "%s port %d answered: %s", t->addr, t->port, t->banner_text);
		else
			step_evidence(w, "%s port %d accepted, then: %s", t->addr, t->port, banner_result_word(t->banner));
		if (t->port == f->port && t->banner == BANNER_SSH)
			ok++;
	}
	watch_collect(&wt, f);
	conn_release(c, n);
	collect_log(w, f, sizes);
	free(sizes);
	if (asked > 0 && ok == asked)
		step_finish(w, STEP_PASS, "sshd answers on port %d on every address clients use", f->port);
	else if (ok > 0)
		step_finish(w, STEP_WARN, "sshd answers on port %d on %zu of %zu addresses", f->port, ok, asked);
	else if (blocked_as_self(f))
		/* not the client's fate: the verdict judges the client */
		step_finish(w, STEP_WARN, "no SSH answer on port %d from this machine itself: the firewall blocks this machine's own address, and lets the client in",
			    f->port);
	else if (refused_as_self(f))
		/* not the client's fate: the verdict judges the client */
		step_finish(w, STEP_WARN, "sshd takes the connection on port %d, but TCP wrappers close it for this machine's own address, not for the client",
			    f->port);
	else
		step_finish(w, STEP_FAIL, "no SSH answer on port %d from this machine itself", f->port);
	return 0;
}

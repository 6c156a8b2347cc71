/* The self-test: this machine connects to its own sshd on each address
 * clients use, reads what answers, and collects the sshd log lines that
 * appeared meanwhile, so the person sees the attempt arrive and what
 * answered it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/conn.h"
#include "engine/parse-sshd-log.h"
#include "engine/probe.h"

#define CONNECT_MS 3000
/* past a resolver's 5 s timeout: a wrapped sshd looks the client's name up first */
#define BANNER_MS 7000
#define HELLO_MS 1000
#define HELLO "SSH-2.0-ssh_doctor_" SSHD_VERSION "\r\n"

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The log lines written to the running sshd's own files since sizes[]. */
static void collect_log(struct step_work *w, struct server_facts *f, const long *sizes)
{
	for (size_t i = 0; i < f->log_files.n; i++) {
		long now = file_size(f->log_files.v[i]);
		struct strbuf sb;
		struct sshd_log log;

		if (sizes[i] < 0 || now <= sizes[i])
			continue;
		strbuf_init(&sb);
		sshd_log_init(&log);
		if (srv_read_file(f->log_files.v[i], (size_t)(now - sizes[i]), true, &sb) == 0)
			sshd_log_parse(&log, sb.buf, sb.len);
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

int probe_srv_selftest_run(struct step_work *w, struct server_facts *f)
{
	struct conn c[SRV_MAX_TESTS];
	long *sizes = xcalloc(f->log_files.n + 1, sizeof(*sizes));
	size_t n = 0, ok = 0, asked = 0;
	bool cancel = false;

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
		sizes[i] = file_size(f->log_files.v[i]);
	step_wait(w, CONNECT_MS + BANNER_MS, "connecting to this machine's own sshd");
	conn_run(c, n, CONNECT_MS, BANNER_MS, &cancel, NULL, NULL);
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
	conn_release(c, n);
	collect_log(w, f, sizes);
	free(sizes);
	if (asked > 0 && ok == asked)
		step_finish(w, STEP_PASS, "sshd answers on port %d on every address clients use", f->port);
	else if (ok > 0)
		step_finish(w, STEP_WARN, "sshd answers on port %d on %zu of %zu addresses", f->port, ok, asked);
	else
		step_finish(w, STEP_FAIL, "no SSH answer on port %d from this machine itself", f->port);
	return 0;
}

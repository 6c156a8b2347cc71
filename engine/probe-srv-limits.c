/* Limits and bans: how many connections wait at sshd's port against
 * MaxStartups (past its first number sshd starts dropping new ones with
 * "Exceeded MaxStartups"), and which addresses fail2ban holds banned. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/probe.h"

#define F2B_MS 5000

static bool sshd_port(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].is_sshd && f->listeners[i].port == port)
			return true;
	return false;
}

static void count_connections(struct step_work *w, struct server_facts *f)
{
	struct srv_sock_list l;
	uint32_t states = (1u << TCP_ESTABLISHED) | (1u << TCP_SYN_RECV);
	int n = 0, rc4, rc6;

	srv_sock_list_init(&l);
	rc4 = srv_diag_tcp(AF_INET, states, &l);
	rc6 = srv_diag_tcp(AF_INET6, states, &l);
	if (rc4 != 0 && rc6 != 0) {
		step_evidence(w, "the kernel's sock_diag did not answer: open connections not counted");
		srv_sock_list_release(&l);
		return;
	}
	for (size_t i = 0; i < l.n; i++)
		if (sshd_port(f, l.v[i].port))
			n++;
	srv_sock_list_release(&l);
	f->unauth_conns = n;
	step_evidence(w, "%d connection(s) open to sshd's port(s), those being authenticated and those logged in", n);
	if (f->maxstartups_known)
		step_evidence(w, "MaxStartups %d:%d:%d: with %d or more waiting for authentication, sshd drops new connections",
			      f->maxstartups.start, f->maxstartups.rate, f->maxstartups.full, f->maxstartups.start);
}

static void ask_fail2ban(struct step_work *w, struct server_facts *f)
{
	char path[256];
	const char *argv[] = {path, "status", "sshd", NULL};
	struct exec_result r;
	struct svc_fail2ban fb;
	struct strbuf both;

	if (srv_find("fail2ban-client", path, sizeof(path)) != 0) {
		step_evidence(w, "fail2ban: not installed");
		return;
	}
	exec_result_init(&r);
	svc_fail2ban_init(&fb);
	strbuf_init(&both);
	if (srv_run(w, argv, F2B_MS, &r, 50) == 0) {
		strbuf_add(&both, r.out.buf, r.out.len);
		strbuf_add(&both, r.err.buf, r.err.len);
		if (svc_parse_fail2ban_status(both.buf, both.len, &fb) == 0) {
			f->f2b_checked = true;
			if (!fb.running)
				step_evidence(w, "fail2ban: installed, not running");
			else if (!fb.jail_found)
				step_evidence(w, "fail2ban: no sshd jail");
			else
				step_evidence(w, "fail2ban: jail sshd holds %ld banned address(es)", fb.currently_banned);
			strv_copy(&f->f2b_banned, &fb.banned);
			server_facts_merge_bans(f);
		}
	}
	strbuf_release(&both);
	svc_fail2ban_release(&fb);
	exec_result_release(&r);
}

int probe_srv_limits_run(struct step_work *w, struct server_facts *f)
{
	char path[256];

	server_facts_forget_limits(f);
	count_connections(w, f);
	ask_fail2ban(w, f);
	if (srv_find("sshguard", path, sizeof(path)) == 0)
		step_evidence(w, "sshguard is installed: its blocks show in the firewall step");
	if (f->banned.n > 0)
		step_finish(w, STEP_WARN, "%zu address(es) are banned from SSH (first: %s)", f->banned.n, f->banned.v[0]);
	else if (f->maxstartups_known && f->unauth_conns >= f->maxstartups.start)
		step_finish(w, STEP_FAIL, "%d connection%s wait%s at sshd's port: MaxStartups (%d) is reached",
			    f->unauth_conns, f->unauth_conns == 1 ? "" : "s", f->unauth_conns == 1 ? "s" : "",
			    f->maxstartups.start);
	else
		step_finish(w, STEP_PASS, "below sshd's connection limit, and nobody is banned");
	return 0;
}

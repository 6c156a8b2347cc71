/* SPDX-License-Identifier: MIT */
/* What every firewall reader shares: running one tool into a view, and
 * fail2ban's bans (fail2ban-client is the same wherever it runs). */
#include <stdio.h>
#include <string.h>

#include "engine/os/os.h"

#define FW_MS 5000
#define F2B_MS 5000

bool os_fw_run(struct os_fw_view *v, const char *name, const char *const args[], struct exec_result *r)
{
	char path[256];
	const char *argv[8];
	size_t n = 0;

	if (os_find(name, path, sizeof(path)) != 0)
		return false;
	argv[n++] = path;
	for (size_t i = 0; args[i] != NULL && n < 7; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (os_run(&v->trace, argv, FW_MS, r, 200) != 0 || r->timed_out) {
		os_trace_note(&v->trace, "%s could not run", name);
		return false;
	}
	return true;
}

struct fw_result *os_fw_result_add_n(struct os_fw_view *v, size_t n)
{
	struct fw_result *res;

	if (v->nres + n > v->res_alloc) {
		v->res_alloc = v->nres + n + 4;
		v->res = xrealloc(v->res, v->res_alloc * sizeof(*v->res));
	}
	res = &v->res[v->nres];
	for (size_t i = 0; i < n; i++)
		fw_result_init(&res[i]);
	v->nres += n;
	return res;
}

int os_fw_own_rules(int family, struct strbuf *out, struct os_trace *t)
{
	const char *tool = family == 6 ? "ip6tables-save" : "iptables-save";
	char path[256];
	const char *argv[] = {path, "-t", "filter", NULL};
	struct exec_result r;
	int ret = -1;

	if (os_find(tool, path, sizeof(path)) != 0) {
		os_trace_note(t, "%s: not installed", tool);
		return -1;
	}
	exec_result_init(&r);
	if (os_run(t, argv, FW_MS, &r, 200) == 0 && !r.timed_out && r.status == 0) {
		strbuf_add(out, r.out.buf, r.out.len);
		ret = 0;
	}
	exec_result_release(&r);
	return ret;
}

struct fw_result *os_fw_result_add(struct os_fw_view *v)
{
	return os_fw_result_add_n(v, 1);
}

void os_fw_result_drop_n(struct os_fw_view *v, size_t n)
{
	for (size_t i = 0; i < n && v->nres > 0; i++)
		fw_result_release(&v->res[--v->nres]);
}

void os_fw_result_drop(struct os_fw_view *v)
{
	os_fw_result_drop_n(v, 1);
}

size_t os_fw_queries(const struct server_facts *f, int family, const char *const *skip,
		     struct fw_query *q, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	q[n++] = (struct fw_query){.port = (uint16_t)f->port, .family = family, .skip_tables = skip};
	for (size_t i = 0; i < f->from_addrs.n && n < max; i++) {
		const char *a = f->from_addrs.v[i];

		if ((strchr(a, ':') != NULL ? 6 : 4) == family)
			q[n++] = (struct fw_query){.port = (uint16_t)f->port, .client = a, .family = family,
						   .skip_tables = skip};
	}
	return n;
}

void os_fail2ban_read(struct server_facts *f, struct os_trace *t)
{
	char path[256];
	const char *argv[] = {path, "status", "sshd", NULL};
	struct exec_result r;
	struct svc_fail2ban fb;
	struct strbuf both;

	if (os_find("fail2ban-client", path, sizeof(path)) != 0) {
		os_trace_note(t, "fail2ban: not installed");
		return;
	}
	exec_result_init(&r);
	svc_fail2ban_init(&fb);
	strbuf_init(&both);
	if (os_run(t, argv, F2B_MS, &r, 50) == 0) {
		strbuf_add(&both, r.out.buf, r.out.len);
		strbuf_add(&both, r.err.buf, r.err.len);
		if (svc_parse_fail2ban_status(both.buf, both.len, &fb) == 0) {
			f->f2b_checked = true;
			if (!fb.running)
				os_trace_note(t, "fail2ban: installed, not running");
			else if (!fb.jail_found)
				os_trace_note(t, "fail2ban: no sshd jail");
			else
				os_trace_note(t, "fail2ban: jail sshd holds %ld banned address(es)", fb.currently_banned);
			strv_copy(&f->f2b_banned, &fb.banned);
		}
	}
	strbuf_release(&both);
	svc_fail2ban_release(&fb);
	exec_result_release(&r);
}

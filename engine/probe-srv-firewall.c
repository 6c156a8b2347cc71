/* The local firewalls, as the OS layer reads them (iptables, nftables, ufw
 * and firewalld on Linux; the application firewall on macOS), each judged
 * for a new connection to the port from any source. The worst finding is
 * kept, with the rule that decides (table, chain, rule text) and what a
 * client sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/probe.h"

static int rank(enum fw_verdict v)
{
	switch (v) {
	case FW_VERDICT_DROPPED:
	case FW_VERDICT_REJECTED:
		return 3;
	case FW_VERDICT_OPEN_SOME:
		return 2;
	case FW_VERDICT_UNKNOWN:
		return 1;
	case FW_VERDICT_OPEN:
		return 0;
	}
	return 0;
}

/* Says what res found and keeps it in f when it is worse than what is kept. */
static void judge(struct step_work *w, struct server_facts *f, const struct fw_result *res, const char *name)
{
	const struct fw_rule *r = NULL;
	char *text;

	if (res->deciding >= 0 && (size_t)res->deciding < res->nrules)
		r = &res->rules[res->deciding];
	if (res->verdict == FW_VERDICT_OPEN_SOME && res->blocking >= 0 && (size_t)res->blocking < res->nrules)
		r = &res->rules[res->blocking];
	text = r ? xasprintf("%s%s%s: %s", r->table ? r->table : "", r->table ? " " : "",
			     r->chain ? r->chain : "", r->text ? r->text : "") : NULL;
	if (!res->active)
		step_evidence(w, "%s: not active", name);
	else
		step_evidence(w, "%s (IPv%d): port %d is %s%s%s", name, res->family, f->port,
			      fw_verdict_name(res->verdict), text ? ", by " : "", text ? text : "");
	for (size_t i = 0; i < res->notes.n && i < 3; i++)
		step_detail(w, "%s: %s", name, res->notes.v[i]);
	if (res->active && (!f->fw_checked || rank(res->verdict) > rank(f->fw_verdict))) {
		f->fw_verdict = res->verdict;
		free(f->fw_name);
		free(f->fw_rule);
		free(f->fw_effect);
		free(f->fw_fix);
		f->fw_name = xstrdup(name);
		f->fw_rule = text;
		text = NULL;
		f->fw_effect = r && r->effect ? xstrdup(r->effect) : NULL;
		f->fw_fix = fw_fix_command(r, res->source, res->family, f->port);
	}
	f->fw_checked = true;
	free(text);
}

/* sshguard's blocks, as a firewall listing shows them, go to the bans. */
static void take_sshguard(struct step_work *w, struct server_facts *f, const struct strv *entries)
{
	size_t added = 0;

	for (size_t i = 0; i < entries->n; i++)
		if (!strv_contains(&f->guard_banned, entries->v[i])) {
			strv_push(&f->guard_banned, entries->v[i]);
			added++;
		}
	server_facts_merge_bans(f);
	if (added > 0)
		step_evidence(w, "sshguard blocks %zu address(es), the first %s", added, entries->v[0]);
}

int probe_srv_firewall_run(struct step_work *w, struct server_facts *f)
{
	struct os_fw_list views;
	bool seen = false;

	server_facts_forget_firewall(f);
	os_fw_list_init(&views);
	os_active()->firewall_read(f, &views);
	for (size_t i = 0; i < views.n; i++) {
		struct os_fw_view *v = &views.v[i];

		srv_trace_show(w, &v->trace);
		seen |= v->seen;
		for (size_t k = 0; k < v->nres; k++)
			judge(w, f, &v->res[k], v->name);
		if (v->guard_read)
			take_sshguard(w, f, &v->guard);
	}
	os_fw_list_release(&views);
	if (!seen) {
		step_finish(w, STEP_SKIP, "no firewall tool (iptables, nft, ufw, firewall-cmd, socketfilterfw) answered");
		return 0;
	}
	if (!f->fw_checked) {
		step_finish(w, STEP_WARN, "the firewall rules could not be read");
		return 0;
	}
	switch (f->fw_verdict) {
	case FW_VERDICT_DROPPED:
	case FW_VERDICT_REJECTED:
		step_finish(w, STEP_FAIL, "%s %s port %d: %s", f->fw_name,
			    f->fw_verdict == FW_VERDICT_DROPPED ? "drops" : "rejects", f->port,
			    f->fw_rule ? f->fw_rule : "its policy");
		break;
	case FW_VERDICT_OPEN_SOME:
		step_finish(w, STEP_WARN, "%s lets only some sources reach port %d: %s", f->fw_name, f->port,
			    f->fw_rule ? f->fw_rule : "its policy");
		break;
	case FW_VERDICT_UNKNOWN:
		step_finish(w, STEP_WARN, "the rules do not say alone whether port %d is open (see details)", f->port);
		break;
	case FW_VERDICT_OPEN:
		step_finish(w, STEP_PASS, "no local firewall rule blocks port %d", f->port);
		break;
	}
	return 0;
}

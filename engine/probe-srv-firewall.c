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

/* True when ufw made the rules res went through (its chains are ufw-*). */
static bool ufw_owns(const struct fw_result *res)
{
	for (size_t i = 0; i < res->nrules; i++)
		if (res->rules[i].chain && strncmp(res->rules[i].chain, "ufw", 3) == 0)
			return true;
	return false;
}

/* The fix for the rule r that blocks, in the words of the tool that owns
 * it: a rule ufw added is deleted with ufw (iptables -D would come back at
 * the next ufw reload), a block by ufw's default policy is lifted with ufw
 * allow unless ufw lets the port in from some sources only; a rule of
 * firewalld's is changed on its zone with firewall-cmd; otherwise the
 * firewall's own command. NULL when no command keeps the intent. */
static char *fix_for(const struct os_fw_list *views, const struct fw_result *res, const struct fw_rule *r,
		     int port)
{
	bool ipt = res->source == FW_SRC_IPTABLES || res->source == FW_SRC_IP6TABLES ||
		   res->source == FW_SRC_IPTABLES_LEGACY || res->source == FW_SRC_IP6TABLES_LEGACY;

	if (r == NULL)
		return NULL;
	if (ipt && ufw_owns(res)) {
		const struct strbuf *rules = &views->ufw_rules[res->family == 6 ? 1 : 0];

		if (r->is_policy || r->chain == NULL ||
		    (strncmp(r->chain, "ufw-user-", 9) != 0 && strncmp(r->chain, "ufw6-user-", 10) != 0)) {
			bool limited = false;

			for (int i = 0; i < 2 && !limited; i++)
				limited = views->ufw_rules[i].len > 0 &&
					  fw_ufw_limits_sources(views->ufw_rules[i].buf, views->ufw_rules[i].len, port);
			return limited ? NULL : fw_fix_command(r, FW_SRC_UFW, res->family, port);
		}
		/* never iptables -D behind ufw's back */
		return rules->len > 0 ? fw_ufw_delete_command(rules->buf, rules->len, r->text) : NULL;
	}
	if (res->source == FW_SRC_NFTABLES && r->table && strcmp(r->table, "inet firewalld") == 0) {
		/* firewalld's chains are filter_IN_ZONE and filter_IN_ZONE_allow...;
		 * the zone is changed with firewall-cmd, never with nft */
		struct fw_rule z = *r;
		char zone[64] = "";

		if (r->chain && strncmp(r->chain, "filter_IN_", 10) == 0) {
			snprintf(zone, sizeof(zone), "%s", r->chain + 10);
			for (const char *suffix[] = {"_pre", "_log", "_deny", "_allow", "_post", NULL}, **p = suffix;
			     *p; p++) {
				size_t zl = strlen(zone), sl = strlen(*p);

				if (zl > sl && strcmp(zone + zl - sl, *p) == 0)
					zone[zl - sl] = '\0';
			}
		}
		z.chain = zone[0] ? zone : NULL;
		return fw_fix_command(&z, FW_SRC_FIREWALLD, res->family, port);
	}
	return fw_fix_command(r, res->source, res->family, port);
}

/* "198.51.100.0/24", "192.0.2.0/25 and 203.0.113.7": a list for a sentence. */
static char *words_list(const struct strv *v)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < v->n && i < 5; i++)
		strbuf_addf(&sb, "%s%s", i == 0 ? "" : i + 1 == v->n ? " and " : ", ", v->v[i]);
	if (v->n > 5)
		strbuf_addf(&sb, " and %zu more", v->n - 5);
	return strbuf_detach(&sb, NULL);
}

/* Says what res found and keeps it in f when it is worse than what is kept. */
static void judge(struct step_work *w, struct server_facts *f, const struct os_fw_list *views,
		  const struct fw_result *res, const char *name)
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
	if (res->active && res->only_sources.n > 0) {
		char *list = words_list(&res->only_sources);
		char *who = xasprintf("only %s may connect to port %d", list, f->port);

		step_evidence(w, "%s: %s", name, who);
		/* said whichever firewall's finding the verdict names */
		if (f->fw_who == NULL)
			f->fw_who = who;
		else
			free(who);
		free(list);
	}
	if (res->active && res->blocked_sources.n > 0) {
		char *list = words_list(&res->blocked_sources);

		step_evidence(w, "%s: port %d is blocked for %s; other sources get in", name, f->port, list);
		free(list);
	}
	if (res->active && res->timing)
		step_evidence(w, "%s: a rate limit blocks a source that connects too often: it depends on timing",
			      name);
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
		/* an allow-list is not opened to the world: without knowing
		 * the client there is no command that keeps its intent */
		f->fw_fix = res->verdict == FW_VERDICT_DROPPED || res->verdict == FW_VERDICT_REJECTED ?
			    fix_for(views, res, r, f->port) : NULL;
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
			judge(w, f, &views, &v->res[k], v->name);
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

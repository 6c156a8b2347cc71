/* SPDX-License-Identifier: MIT */
/* The local firewalls, as the OS layer reads them (iptables, nftables, ufw
 * and firewalld on Linux; the application firewall on macOS), each judged
 * for a new connection to the port from any source and, with --from, from
 * each client judged. The worst finding is kept, with the rule that decides
 * (table, chain, rule text) and what a client sees; per client, the fix
 * that lets that client in and keeps everyone else where they were. */
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

/* True when spec names the one host addr: "192.0.2.1", "192.0.2.1/32",
 * "2001:db8::1/128". */
static bool names_host(const char *spec, const char *addr)
{
	const char *slash = strchr(spec, '/');

	if (slash != NULL && strcmp(slash, strchr(spec, ':') ? "/128" : "/32") != 0)
		return false;
	return fw_addr_match(spec, addr);
}

/* True when r blocks by source and its one source is the client itself: a
 * rule aimed at the client (a ban), which the fix removes. A rule for a
 * network, or for several sources, that holds the client stands for
 * keeping the others out too: the client is let in before it instead. */
static bool aimed_at(const struct fw_rule *r, const char *client)
{
	if (r->is_policy || r->sources.n != 1 || r->sources_negated)
		return false;
	return names_host(r->sources.v[0], client);
}

/* firewalld's zone of an nft chain (filter_IN_public_allow: public), or NULL. */
static char *firewalld_zone_of(const char *chain)
{
	char zone[64];

	if (chain == NULL || strncmp(chain, "filter_IN_", 10) != 0)
		return NULL;
	snprintf(zone, sizeof(zone), "%s", chain + 10);
	for (const char *suffix[] = {"_pre", "_log", "_deny", "_allow", "_post", NULL}, **p = suffix; *p; p++) {
		size_t zl = strlen(zone), sl = strlen(*p);

		if (zl > sl && strcmp(zone + zl - sl, *p) == 0)
			zone[zl - sl] = '\0';
	}
	return zone[0] ? xstrdup(zone) : NULL;
}

/* The command that lets client in past r, the rule or policy that blocks
 * it, and keeps the restriction r stands for: a rule aimed at the client
 * is removed (as fix_for says); otherwise the client's own address is
 * let in, by the tool that owns the rules, before r. *note says what is
 * left to do (the rules to be saved for the next boot). NULL when no
 * command keeps the intent. */
static char *fix_for_client(const struct os_fw_list *views, const struct fw_result *res, const struct fw_rule *r,
			    const char *client, int port, char **note)
{
	bool ipt = res->source == FW_SRC_IPTABLES || res->source == FW_SRC_IP6TABLES ||
		   res->source == FW_SRC_IPTABLES_LEGACY || res->source == FW_SRC_IP6TABLES_LEGACY;
	bool v6 = strchr(client, ':') != NULL;
	char *zone = NULL, *cmd = NULL;

	*note = NULL;
	if (r == NULL || port <= 0 || port > 65535)
		return NULL;
	if (res->source == FW_SRC_FIREWALLD && aimed_at(r, client) && r->text && strchr(r->text, '\'') == NULL &&
	    str_starts_with(r->text, "rule "))
		return xasprintf("sudo firewall-cmd --permanent%s%s --remove-rich-rule='%s' && sudo firewall-cmd --reload",
				 r->chain ? " --zone=" : "", r->chain ? r->chain : "", r->text);
	if (aimed_at(r, client))
		return fix_for(views, res, r, port);
	if (ipt && ufw_owns(res))
		/* ufw's rules come before its default policy; a deny rule of its
		 * own is passed by a rule put before every other */
		return xasprintf("sudo ufw %s from %s to any port %d proto tcp",
				 r->is_policy || r->chain == NULL ||
				 (strncmp(r->chain, "ufw-user-", 9) != 0 && strncmp(r->chain, "ufw6-user-", 10) != 0) ?
				 "allow" : "prepend allow", client, port);
	if (res->source == FW_SRC_FIREWALLD ||
	    (res->source == FW_SRC_NFTABLES && r->table && strcmp(r->table, "inet firewalld") == 0)) {
		/* firewalld runs a zone's reject and drop rich rules before
		 * its accept rules of the same priority: an accept that must
		 * pass one gets a lower priority (negative: before them all) */
		char prio[48] = "";
		const char *p;

		if (res->source == FW_SRC_FIREWALLD && r->text && str_starts_with(r->text, "rule ")) {
			long n = (p = strstr(r->text, "priority=\"")) != NULL ? strtol(p + 10, NULL, 10) : 0;

			snprintf(prio, sizeof(prio), "priority=\"%ld\" ", n < 0 && n > -32768 ? n - 1 : -1);
		} else if (res->source == FW_SRC_NFTABLES && r->chain && strlen(r->chain) > 5 &&
			   strcmp(r->chain + strlen(r->chain) - 5, "_deny") == 0) {
			snprintf(prio, sizeof(prio), "priority=\"-1\" ");
		}

		zone = res->source == FW_SRC_FIREWALLD ? (r->chain ? xstrdup(r->chain) : NULL) : firewalld_zone_of(r->chain);
		if (zone == NULL && views->fwd_zone != NULL)
			zone = xstrdup(views->fwd_zone);
		if (port == 22)
			cmd = xasprintf("sudo firewall-cmd --permanent%s%s --add-rich-rule='rule %sfamily=\"%s\" source address=\"%s\" service name=\"ssh\" accept' && sudo firewall-cmd --reload",
					zone ? " --zone=" : "", zone ? zone : "", prio, v6 ? "ipv6" : "ipv4", client);
		else
			cmd = xasprintf("sudo firewall-cmd --permanent%s%s --add-rich-rule='rule %sfamily=\"%s\" source address=\"%s\" port port=\"%d\" protocol=\"tcp\" accept' && sudo firewall-cmd --reload",
					zone ? " --zone=" : "", zone ? zone : "", prio, v6 ? "ipv6" : "ipv4", client, port);
		free(zone);
		return cmd;
	}
	if (ipt) {
		const char *tool = res->source == FW_SRC_IPTABLES ? "iptables" :
				   res->source == FW_SRC_IP6TABLES ? "ip6tables" :
				   res->source == FW_SRC_IPTABLES_LEGACY ? "iptables-legacy" : "ip6tables-legacy";
		bool other = r->table && *r->table && strcmp(r->table, "filter") != 0;

		if (r->chain == NULL)
			return NULL;
		/* before the rule that blocks, in the chain where the SYN meets
		 * it; a policy is met after the chain's last rule */
		cmd = r->is_policy || r->position <= 0 ?
		      xasprintf("sudo %s%s%s -A %s -s %s -p tcp --dport %d -j ACCEPT", tool, other ? " -t " : "",
				other ? r->table : "", r->chain, client, port) :
		      xasprintf("sudo %s%s%s -I %s %d -s %s -p tcp --dport %d -j ACCEPT", tool, other ? " -t " : "",
				other ? r->table : "", r->chain, r->position, client, port);
		if (views->ipt_save != NULL && strstr(tool, "legacy") == NULL) {
			char *both = xasprintf("%s && sudo %s", cmd, views->ipt_save);

			free(cmd);
			return both;
		}
		*note = xstrdup("the rule lasts until the next boot: save it where this system restores its firewall "
				"rules from at boot (on Debian, install iptables-persistent and run netfilter-persistent save)");
		return cmd;
	}
	if (res->source == FW_SRC_NFTABLES && r->table && r->chain) {
		if (!r->is_policy && r->handle > 0)
			cmd = xasprintf("sudo nft insert rule %s %s position %ld %s saddr %s tcp dport %d accept", r->table,
					r->chain, r->handle, v6 ? "ip6" : "ip", client, port);
		else if (r->is_policy)
			cmd = xasprintf("sudo nft add rule %s %s %s saddr %s tcp dport %d accept", r->table, r->chain,
					v6 ? "ip6" : "ip", client, port);
		else
			cmd = xasprintf("sudo nft insert rule %s %s %s saddr %s tcp dport %d accept", r->table, r->chain,
					v6 ? "ip6" : "ip", client, port);
		*note = xstrdup("the rule lasts until the next boot: add it to the rule set this system loads at boot "
				"(/etc/nftables.conf on Debian)");
		return cmd;
	}
	return NULL;
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
			      fw_verdict_text(res->verdict), text ? ", by " : "", text ? text : "");
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

		for (size_t i = 0; i < res->blocked_sources.n; i++)
			if (!strv_contains(&f->fw_blocked_srcs, res->blocked_sources.v[i]))
				strv_push(&f->fw_blocked_srcs, res->blocked_sources.v[i]);

		step_evidence(w, "%s: port %d is blocked for %s; other sources get in", name, f->port, list);
		if (f->fw_blocked_some == NULL)
			f->fw_blocked_some = list;
		else
			free(list);
	}
	if (res->active && res->timing) {
		step_evidence(w, "%s: a rate limit blocks a source that connects too often: it depends on timing",
			      name);
		f->fw_timing = true;
	}
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

/* How bad res is for its client: a block decided by the rules alone, one
 * that depends on timing, an answer the rules do not give, open past a
 * rate limit, open. */
static int client_rank(const struct fw_result *res)
{
	switch (res->verdict) {
	case FW_VERDICT_DROPPED:
	case FW_VERDICT_REJECTED:
		return res->timing ? 3 : 4;
	case FW_VERDICT_UNKNOWN:
	case FW_VERDICT_OPEN_SOME:
		return 2;
	case FW_VERDICT_OPEN:
		return res->timing ? 1 : 0;
	}
	return 2;
}

static int kept_rank(const struct srv_fw_client *c)
{
	switch (c->verdict) {
	case FW_VERDICT_DROPPED:
	case FW_VERDICT_REJECTED:
		return c->timing ? 3 : 4;
	case FW_VERDICT_UNKNOWN:
	case FW_VERDICT_OPEN_SOME:
		return 2;
	case FW_VERDICT_OPEN:
		return c->timing ? 1 : 0;
	}
	return 2;
}

/* Says what res, judged for one client, found, and keeps it for that client
 * when it is worse than what is kept. any is the same firewall's answer for
 * any source of the family (its allow-list), or NULL. */
static void judge_client(struct step_work *w, struct server_facts *f, const struct os_fw_list *views,
			 const struct fw_result *res, const struct fw_result *any, const char *name)
{
	struct srv_fw_client *c = NULL;
	const struct fw_rule *r = NULL;
	int rank = client_rank(res);

	for (size_t i = 0; i < f->nfw_clients && c == NULL; i++)
		if (strcmp(f->fw_clients[i].addr, res->client) == 0)
			c = &f->fw_clients[i];
	if (c == NULL || !res->active)
		return;
	if (res->deciding >= 0 && (size_t)res->deciding < res->nrules)
		r = &res->rules[res->deciding];
	if (res->verdict == FW_VERDICT_DROPPED || res->verdict == FW_VERDICT_REJECTED)
		step_evidence(w, "%s (IPv%d) for %s: port %d is %s%s, by %s%s%s: %s", name, res->family, c->addr,
			      f->port, fw_verdict_text(res->verdict), res->timing ? " when it connects too often" : "",
			      r && r->table ? r->table : "", r && r->table ? " " : "", r && r->chain ? r->chain : "",
			      r && r->text ? r->text : "its policy");
	else if (res->verdict == FW_VERDICT_OPEN)
		step_evidence(w, "%s (IPv%d) for %s: port %d is open%s", name, res->family, c->addr, f->port,
			      res->timing ? ", unless it connects too often (a rate limit)" : "");
	else
		step_evidence(w, "%s (IPv%d) for %s: the rules alone do not say whether port %d is open", name,
			      res->family, c->addr, f->port);
	if (res->verdict == FW_VERDICT_OPEN && any != NULL && any->only_sources.n > 0 && c->allowed == NULL)
		c->allowed = words_list(&any->only_sources);
	if (c->checked && rank < kept_rank(c))
		return;
	/* of two equal blocks, firewalld's own listing names the rich rule */
	if (c->checked && rank == kept_rank(c) &&
	    !(rank >= 3 && res->source == FW_SRC_FIREWALLD && c->name && strcmp(c->name, "nftables") == 0))
		return;
	c->checked = true;
	c->verdict = res->verdict == FW_VERDICT_OPEN_SOME ? FW_VERDICT_UNKNOWN : res->verdict;
	c->timing = res->timing;
	free(c->name);
	free(c->rule);
	free(c->effect);
	free(c->fix);
	free(c->fix_note);
	free(c->unsure);
	c->name = xstrdup(name);
	c->rule = NULL;
	c->effect = NULL;
	c->fix = NULL;
	c->fix_note = NULL;
	c->unsure = NULL;
	if (rank >= 3 && r != NULL) {
		c->rule = xasprintf("%s%s%s: %s", r->table ? r->table : "", r->table ? " " : "",
				    r->chain ? r->chain : "", r->text ? r->text : "");
		c->effect = r->effect ? xstrdup(r->effect) : NULL;
		c->fix = fix_for_client(views, res, r, c->addr, f->port, &c->fix_note);
	}
	if (rank == 2)
		c->unsure = xstrdup(res->notes.n > 0 ? res->notes.v[0] : "the rules depend on more than the client's address and the port");
}

/* The command that lifts sshguard's block of entry, as its back end does
 * when the block ends: the entry leaves sshguard's nft set, or its DROP
 * rule leaves chain sshguard of the iptables listing named tool. sshguard
 * has no command of its own for it; restarting it would lift every block. */
static char *sshguard_unban(const char *tool, const char *entry)
{
	bool v6 = strchr(entry, ':') != NULL;

	if (strcmp(tool, "nftables") == 0)
		return xasprintf("sudo nft delete element %s sshguard attackers '{ %s }'", v6 ? "ip6" : "ip", entry);
	if (strcmp(tool, "iptables") == 0 || strcmp(tool, "ip6tables") == 0 ||
	    strcmp(tool, "iptables-legacy") == 0 || strcmp(tool, "ip6tables-legacy") == 0)
		return xasprintf("sudo %s -D sshguard -s %s -j DROP", tool, entry);
	return NULL;
}

/* sshguard's blocks, as a firewall listing shows them, go to the bans. */
static void take_sshguard(struct step_work *w, struct server_facts *f, const char *tool,
			  const struct strv *entries)
{
	size_t added = 0;

	for (size_t i = 0; i < entries->n; i++)
		if (!strv_contains(&f->guard_banned, entries->v[i])) {
			char *unban = sshguard_unban(tool, entries->v[i]);

			strv_push(&f->guard_banned, entries->v[i]);
			strv_push(&f->guard_unban, unban ? unban : "");
			free(unban);
			added++;
		}
	server_facts_merge_bans(f);
	if (added > 0)
		step_evidence(w, "sshguard blocks %zu address(es), the first %s", added, entries->v[0]);
}

/* The step's line with --from: what the worst-off client meets, as the
 * verdict will say it. */
static void finish_for_clients(struct step_work *w, const struct server_facts *f)
{
	const struct srv_fw_client *worst = NULL;

	for (size_t i = 0; i < f->nfw_clients; i++)
		if (f->fw_clients[i].checked && (worst == NULL || kept_rank(&f->fw_clients[i]) > kept_rank(worst)))
			worst = &f->fw_clients[i];
	if (worst == NULL) {
		step_finish(w, STEP_WARN, "no firewall could be judged for %s", f->fw_clients[0].addr);
		return;
	}
	switch (kept_rank(worst)) {
	case 4:
	case 3:
		step_finish(w, STEP_FAIL, "%s %s port %d for %s%s: %s", worst->name,
			    worst->verdict == FW_VERDICT_DROPPED ? "drops" : "rejects", f->port, worst->addr,
			    worst->timing ? " when it connects too often" : "", worst->rule ? worst->rule : "its policy");
		return;
	case 2:
		step_finish(w, STEP_WARN, "the rules alone do not say whether %s may connect to port %d (see details)",
			    worst->addr, f->port);
		return;
	default:
		break;
	}
	if (worst->allowed)
		step_finish(w, STEP_PASS, "no local firewall rule blocks %s on port %d: %s is among the sources allowed: %s",
			    worst->addr, f->port, worst->addr, worst->allowed);
	else
		step_finish(w, STEP_PASS, "no local firewall rule blocks %s on port %d%s", worst->addr, f->port,
			    worst->timing ? ", unless it connects too often (a rate limit)" : "");
}

int probe_srv_firewall_run(struct step_work *w, struct server_facts *f)
{
	struct os_fw_list views;
	bool seen = false;

	server_facts_forget_firewall(f);
	for (size_t i = 0; i < f->from_addrs.n && f->nfw_clients < OS_FW_MAX_CLIENTS; i++) {
		f->fw_clients = xrealloc(f->fw_clients, (f->nfw_clients + 1) * sizeof(*f->fw_clients));
		memset(&f->fw_clients[f->nfw_clients], 0, sizeof(*f->fw_clients));
		f->fw_clients[f->nfw_clients].verdict = FW_VERDICT_UNKNOWN;
		f->fw_clients[f->nfw_clients++].addr = xstrdup(f->from_addrs.v[i]);
	}
	os_fw_list_init(&views);
	os_active()->firewall_read(f, &views);
	for (size_t i = 0; i < views.n; i++) {
		struct os_fw_view *v = &views.v[i];
		const struct fw_result *any[2] = {NULL, NULL};

		srv_trace_show(w, &v->trace);
		seen |= v->seen;
		for (size_t k = 0; k < v->nres; k++) {
			const struct fw_result *res = &v->res[k];

			if (res->client == NULL) {
				any[res->family == 6] = res;
				judge(w, f, &views, res, v->name);
			} else {
				judge_client(w, f, &views, res, any[res->family == 6], v->name);
			}
		}
		if (v->guard_read)
			take_sshguard(w, f, v->name, &v->guard);
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
	if (f->nfw_clients > 0) {
		finish_for_clients(w, f);
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

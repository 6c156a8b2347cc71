/* The local firewalls: iptables (legacy or nft back end), nftables, ufw and
 * firewalld, each asked for its rules and judged for a new connection to
 * the port from any source. The worst finding is kept, with the rule that
 * decides (table, chain, rule text) and what a client sees. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/probe.h"

#define FW_MS 5000
#define UFW_RULES "/etc/ufw/user.rules"

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

/* sshguard's blocks, as parse reads them from a firewall listing, go to the
 * bans. */
static void take_sshguard(struct step_work *w, struct server_facts *f, const struct strbuf *listing,
			  int (*parse)(const char *buf, size_t len, struct strv *out))
{
	struct strv entries;
	size_t added = 0;

	strv_init(&entries);
	parse(listing->buf, listing->len, &entries);
	for (size_t i = 0; i < entries.n; i++)
		if (!strv_contains(&f->guard_banned, entries.v[i])) {
			strv_push(&f->guard_banned, entries.v[i]);
			added++;
		}
	server_facts_merge_bans(f);
	if (added > 0)
		step_evidence(w, "sshguard blocks %zu address(es), the first %s", added, entries.v[0]);
	strv_release(&entries);
}

static bool run_tool(struct step_work *w, const char *name, const char *const args[], struct exec_result *r)
{
	char path[256];
	const char *argv[8];
	size_t n = 0;

	if (srv_find(name, path, sizeof(path)) != 0)
		return false;
	argv[n++] = path;
	for (size_t i = 0; args[i] != NULL && n < 7; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (srv_run(w, argv, FW_MS, r, 200) != 0 || r->timed_out) {
		step_evidence(w, "%s could not run", name);
		return false;
	}
	return true;
}

static void check_iptables(struct step_work *w, struct server_facts *f, const char *tool,
			   enum fw_source src, int family, bool *seen)
{
	static const char *const none[] = {NULL};
	struct exec_result r;
	struct fw_result res;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = family};

	exec_result_init(&r);
	fw_result_init(&res);
	if (run_tool(w, tool, none, &r)) {
		*seen = true;
		if (r.status != 0)
			step_evidence(w, "%s failed (exit status %d): needs root", tool, r.status);
		else if (fw_parse_iptables_save(r.out.buf, r.out.len, src, &q, &res) == 0)
			judge(w, f, &res, fw_source_name(src));
		if (r.status == 0)
			take_sshguard(w, f, &r.out, svc_parse_sshguard_iptables);
	}
	fw_result_release(&res);
	exec_result_release(&r);
}

static void check_nft(struct step_work *w, struct server_facts *f, bool *seen)
{
	static const char *const args[] = {"-j", "list", "ruleset", NULL};
	struct exec_result r;

	exec_result_init(&r);
	if (run_tool(w, "nft", args, &r)) {
		*seen = true;
		for (int fam = 4; fam <= 6 && r.status == 0; fam += 2) {
			struct fw_result res;
			struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = fam};

			fw_result_init(&res);
			if (fw_parse_nft_json(r.out.buf, r.out.len, &q, &res) == 0)
				judge(w, f, &res, "nftables");
			fw_result_release(&res);
		}
		if (r.status != 0)
			step_evidence(w, "nft failed (exit status %d): needs root", r.status);
		else
			take_sshguard(w, f, &r.out, svc_parse_sshguard_nft);
	}
	exec_result_release(&r);
}

/* When ufw status cannot answer (not root), its rules file still can. */
static void read_ufw_rules(struct step_work *w, struct server_facts *f, const char *path)
{
	struct strbuf sb;
	struct fw_result res;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};
	int rc;

	strbuf_init(&sb);
	fw_result_init(&res);
	if ((rc = srv_read_file(path, 4 * 1024 * 1024, false, &sb)) != 0)
		step_evidence(w, "ufw: cannot read %s either: %s", path, strerror(-rc));
	else if (fw_parse_ufw_user_rules(sb.buf, sb.len, &q, &res) == 0)
		judge(w, f, &res, "ufw (" UFW_RULES ")");
	fw_result_release(&res);
	strbuf_release(&sb);
}

static void check_ufw(struct step_work *w, struct server_facts *f, bool *seen)
{
	static const char *const args[] = {"status", "verbose", NULL};
	struct exec_result r;
	struct fw_result res;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};

	exec_result_init(&r);
	fw_result_init(&res);
	if (run_tool(w, "ufw", args, &r)) {
		*seen = true;
		if (r.status == 0 && fw_parse_ufw_status(r.out.buf, r.out.len, &q, &res) == 0) {
			judge(w, f, &res, "ufw");
		} else {
			step_evidence(w, "ufw status did not answer (exit status %d): reading its rules file", r.status);
			read_ufw_rules(w, f, UFW_RULES);
		}
	}
	fw_result_release(&res);
	exec_result_release(&r);
}

/* The zone that takes connections to addr: firewalld's zone of its
 * interface, or NULL for the default zone. The caller frees. */
static char *firewalld_zone(struct step_work *w, const char *addr)
{
	static const char *const args[] = {"--get-active-zones", NULL};
	struct exec_result r;
	struct fw_zone_list zl;
	char iface[64] = "";
	char *zone = NULL;

	exec_result_init(&r);
	fw_zone_list_init(&zl);
	if (addr != NULL)
		srv_iface_of(addr, iface, sizeof(iface));
	if (run_tool(w, "firewall-cmd", args, &r) && r.status == 0 &&
	    fw_parse_firewalld_zones(r.out.buf, r.out.len, &zl) == 0) {
		const char *z = fw_zone_list_pick(&zl, NULL, iface[0] ? iface : NULL);

		if (z != NULL) {
			zone = xstrdup(z);
			step_evidence(w, "firewalld: %s (%s) is in zone %s", addr, iface, zone);
		}
	}
	fw_zone_list_release(&zl);
	exec_result_release(&r);
	return zone;
}

static void check_firewalld(struct step_work *w, struct server_facts *f, bool *seen)
{
	char *zone = firewalld_zone(w, f->client_addrs.n ? f->client_addrs.v[0] : NULL);
	char *zarg = zone ? xasprintf("--zone=%s", zone) : NULL;
	const char *const args[] = {"--list-all", zarg, NULL};
	struct exec_result r;
	struct fw_result res;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};

	exec_result_init(&r);
	fw_result_init(&res);
	if (run_tool(w, "firewall-cmd", args, &r)) {
		*seen = true;
		if (fw_parse_firewalld(r.out.buf, r.out.len, &q, &res) == 0)
			judge(w, f, &res, "firewalld");
	}
	fw_result_release(&res);
	exec_result_release(&r);
	free(zarg);
	free(zone);
}

/* macOS's application firewall: four questions to socketfilterfw. */
static void check_socketfilterfw(struct step_work *w, struct server_facts *f, bool *seen)
{
	static const char *const flags[4] = {"--getglobalstate", "--getblockall", "--getstealthmode", "--listapps"};
	struct exec_result r[4];
	struct fw_result res;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};
	bool ok[4];

	fw_result_init(&res);
	for (size_t i = 0; i < 4; i++) {
		const char *const args[] = {flags[i], NULL};

		exec_result_init(&r[i]);
		ok[i] = run_tool(w, "socketfilterfw", args, &r[i]) && r[i].status == 0;
	}
	if (ok[0]) {
		*seen = true;
		if (fw_parse_socketfilterfw(r[0].out.buf, r[0].out.len,
					    ok[1] ? r[1].out.buf : NULL, ok[1] ? r[1].out.len : 0,
					    ok[2] ? r[2].out.buf : NULL, ok[2] ? r[2].out.len : 0,
					    ok[3] ? r[3].out.buf : NULL, ok[3] ? r[3].out.len : 0, &q, &res) == 0)
			judge(w, f, &res, "the application firewall");
	}
	for (size_t i = 0; i < 4; i++)
		exec_result_release(&r[i]);
	fw_result_release(&res);
}

int probe_srv_firewall_run(struct step_work *w, struct server_facts *f)
{
	bool seen = false;

	server_facts_forget_firewall(f);
	if (f->macos)
		check_socketfilterfw(w, f, &seen);
	else {

		check_iptables(w, f, "iptables-save", FW_SRC_IPTABLES, 4, &seen);
		check_iptables(w, f, "ip6tables-save", FW_SRC_IP6TABLES, 6, &seen);
		check_nft(w, f, &seen);
		check_ufw(w, f, &seen);
		check_firewalld(w, f, &seen);
	}
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

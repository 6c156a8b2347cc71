/* SPDX-License-Identifier: MIT */
/* Linux: the local firewalls, each asked for its rules: iptables (both back
 * ends, IPv4 and IPv6), nftables, ufw and firewalld; sshguard's blocks are
 * read from the iptables and nftables listings. Each kernel table is judged
 * once, from the reader that sees it fully: iptables-nft-save and
 * iptables-legacy-save where they exist (with the nft back end,
 * iptables-save only warns that legacy tables are present), nft -j for the
 * tables iptables does not list (its matches are opaque there), and ufw
 * status only when iptables' tables could not be read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/os/linux/linux.h"

#define UFW_RULES "/etc/ufw/user.rules"
#define UFW_RULES6 "/etc/ufw/user6.rules"

/* The tables an iptables-nft-save listing shows fully, as nft names them
 * ("ip filter"), for nft -j to leave out; a table iptables-nft cannot read
 * ("Table `filter' is incompatible") stays with nft. */
static void nft_tables_seen(const struct strbuf *out, const char *family, struct strv *skip)
{
	char *copy = str_from_buf(out->buf, out->len), *pos = copy, *line;

	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);

		if (*l == '*' && l[1] != '\0' && strstr(out->buf, "incompatible") == NULL)
			strv_push_owned(skip, xasprintf("%s %s", family, l + 1));
	}
	free(copy);
}

static bool has_tables(const struct strbuf *out)
{
	for (size_t i = 0; i < out->len; i++)
		if (out->buf[i] == '*' && (i == 0 || out->buf[i - 1] == '\n'))
			return true;
	return false;
}

/* What nf_tables holds, asked once before any reader runs (nft -j list
 * chains, which reads no rule): which readers have anything to print. Its
 * trace goes to the nftables view. */
struct nft_names {
	bool known;		/* the listing ran and parsed */
	struct exec_result r;
	struct os_trace trace;
	struct strv tables;	/* "ip filter", "inet sshguard", ... */
};

static void nft_names_read(struct nft_names *nn)
{
	static const char *const chains[] = {"-j", "list", "chains", NULL};
	struct os_fw_view tmp;
	char path[256];

	memset(nn, 0, sizeof(*nn));
	exec_result_init(&nn->r);
	os_trace_init(&nn->trace);
	strv_init(&nn->tables);
	if (os_find("nft", path, sizeof(path)) != 0)
		return;
	memset(&tmp, 0, sizeof(tmp));
	os_trace_init(&tmp.trace);
	if (os_fw_run(&tmp, "nft", chains, &nn->r) && nn->r.status == 0 &&
	    fw_parse_nft_tables(nn->r.out.buf, nn->r.out.len, NULL, &nn->tables) == 0)
		nn->known = true;
	nn->trace = tmp.trace;
}

static void nft_names_release(struct nft_names *nn)
{
	exec_result_release(&nn->r);
	os_trace_release(&nn->trace);
	strv_release(&nn->tables);
}

/* Whether nf_tables holds a table of family ("ip", "ip6"): when it is known
 * to hold none, iptables-nft-save has nothing to print (it still reads the
 * whole ruleset to say so). */
static bool nft_has_family(const struct nft_names *nn, const char *family)
{
	size_t fl = strlen(family);

	if (!nn->known)
		return true;
	for (size_t i = 0; i < nn->tables.n; i++)
		if (strncmp(nn->tables.v[i], family, fl) == 0 && nn->tables.v[i][fl] == ' ')
			return true;
	return false;
}

/* Whether the legacy back end holds a table of the family: the kernel
 * lists them in /proc/net/ip_tables_names (ip6_tables_names), which does
 * not exist before the first one is made. */
static bool legacy_has_tables(int family)
{
	struct strbuf sb;
	int rc;
	bool any;

	strbuf_init(&sb);
	rc = os_read_file(family == 6 ? "/proc/net/ip6_tables_names" : "/proc/net/ip_tables_names", 65536,
			  false, &sb);
	any = rc != 0 ? rc != -ENOENT : sb.len > 0;
	strbuf_release(&sb);
	return any;
}

/* What read_iptables did. */
enum ipt_read { IPT_NOT_RUN, IPT_RAN, IPT_NOTHING /* the back end holds no table: not run */ };

/* One reader of iptables' tables. The tables it lists go to skip (family
 * "ip" or "ip6") when they live in nf_tables. */
static enum ipt_read read_iptables(const struct server_facts *f, struct os_fw_list *out, const char *tool,
			  enum fw_source src, struct strv *skip, const struct nft_names *nn)
{
	static const char *const none[] = {NULL};
	char path[256];
	struct os_fw_view *v;
	struct exec_result r;
	int family = src == FW_SRC_IP6TABLES || src == FW_SRC_IP6TABLES_LEGACY ? 6 : 4;
	struct fw_query q[1 + OS_FW_MAX_CLIENTS];
	size_t nq = os_fw_queries(f, family, NULL, q, 1 + OS_FW_MAX_CLIENTS);
	enum ipt_read ran = IPT_NOT_RUN;

	if (os_find(tool, path, sizeof(path)) != 0)
		return IPT_NOT_RUN;
	v = os_fw_list_add(out, fw_source_name(src));
	if ((strstr(tool, "-nft") != NULL && !nft_has_family(nn, family == 6 ? "ip6" : "ip")) ||
	    (strstr(tool, "-legacy") != NULL && !legacy_has_tables(family))) {
		/* nothing to list: the back end holds no table of this family */
		os_trace_note(&v->trace, "%s: no table of this back end is loaded; not run", tool);
		v->seen = true;
		v->guard_read = true;	/* no table, no sshguard chain */
		return IPT_NOTHING;
	}
	exec_result_init(&r);
	if (os_fw_run(v, tool, none, &r)) {
		ran = IPT_RAN;
		v->seen = true;
		if (r.status != 0)
			os_trace_note(&v->trace, "%s failed (exit status %d): needs root", tool, r.status);
		else if (!has_tables(&r.out))
			;	/* no table of this back end is loaded */
		else if (fw_parse_iptables_save_each(r.out.buf, r.out.len, src, q, nq,
						     os_fw_result_add_n(v, nq)) != 0)
			os_fw_result_drop_n(v, nq);
		if (r.status == 0 && skip != NULL &&
		    (strstr(tool, "-nft") != NULL || strstr(r.out.buf ? r.out.buf : "", "nf_tables") != NULL))
			nft_tables_seen(&r.out, family == 6 ? "ip6" : "ip", skip);
		if (r.status == 0) {
			v->guard_read = true;
			svc_parse_sshguard_iptables(r.out.buf, r.out.len, &v->guard);
		}
	}
	exec_result_release(&r);
	return ran;
}

/* Both back ends of iptables, each from the reader that sees it fully. */
static void read_iptables_all(const struct server_facts *f, struct os_fw_list *out, struct strv *skip,
			      const struct nft_names *nn)
{
	static const struct {
		const char *nft, *legacy, *plain;
		enum fw_source src, legacy_src;
	} tools[2] = {
		{"iptables-nft-save", "iptables-legacy-save", "iptables-save", FW_SRC_IPTABLES,
		 FW_SRC_IPTABLES_LEGACY},
		{"ip6tables-nft-save", "ip6tables-legacy-save", "ip6tables-save", FW_SRC_IP6TABLES,
		 FW_SRC_IP6TABLES_LEGACY},
	};

	for (size_t i = 0; i < 2; i++) {
		enum ipt_read nft = read_iptables(f, out, tools[i].nft, tools[i].src, skip, nn);
		enum ipt_read legacy = read_iptables(f, out, tools[i].legacy, tools[i].legacy_src, NULL, nn);

		/* without the two readers, the one of the default back end */
		if (nft == IPT_NOT_RUN && legacy != IPT_RAN)
			read_iptables(f, out, tools[i].plain, tools[i].src, skip, nn);
	}
}

/* The nft tables iptables' readers did not show, as one `nft -j` listing
 * in out: `nft -j list ruleset` would print the tables iptables-nft-save
 * already listed again (on a kube-proxy node, millions of bytes of rules
 * the parser then leaves out), so the tables are named first (nft -j list
 * chains, which reads no rule) and each other one is listed alone. Returns
 * the exit status of the failing command, or 0. */
static int nft_listing(struct os_fw_view *v, const struct strv *skip, const struct nft_names *nn,
		       struct strbuf *out)
{
	static const char *const all[] = {"-j", "list", "ruleset", NULL};
	struct exec_result r;
	struct strv tables;
	struct strbuf *docs = NULL;
	size_t ndocs = 0;
	int status = 0;

	exec_result_init(&r);
	strv_init(&tables);
	if (skip->n == 0 || !nn->known) {
		if (!os_fw_run(v, "nft", all, &r))
			status = -1;
		else if ((status = r.status) == 0)
			strbuf_add(out, r.out.buf, r.out.len);
		goto out;
	}
	if (fw_parse_nft_tables(nn->r.out.buf, nn->r.out.len, (const char *const *)skip->v, &tables) != 0) {
		status = -1;
		goto out;
	}
	docs = xcalloc(tables.n + 1, sizeof(*docs));
	for (size_t i = 0; i < tables.n; i++) {
		char *fam = xstrdup(tables.v[i]), *name = strchr(fam, ' ');
		const char *args[] = {"-j", "list", "table", fam, name ? name + 1 : "", NULL};

		if (name != NULL)
			*name = '\0';
		exec_result_release(&r);
		exec_result_init(&r);
		strbuf_init(&docs[ndocs]);
		if (os_fw_run(v, "nft", args, &r) && r.status == 0)
			strbuf_add(&docs[ndocs++], r.out.buf, r.out.len);
		else
			strbuf_release(&docs[ndocs]);
		free(fam);
	}
	if (tables.n == 0)
		os_trace_note(&v->trace, "nft: every table was read through iptables");
	{
		size_t len;
		char *joined = fw_nft_json_join(docs, ndocs, &len);

		strbuf_add(out, joined, len);
		free(joined);
	}
out:
	for (size_t i = 0; i < ndocs; i++)
		strbuf_release(&docs[i]);
	free(docs);
	strv_release(&tables);
	exec_result_release(&r);
	return status;
}

static void read_nft(const struct server_facts *f, struct os_fw_list *out, const struct strv *skip,
		     struct nft_names *nn)
{
	struct os_fw_view *v = os_fw_list_add(out, "nftables");
	struct strbuf listing;
	int status;

	/* the names asked for first are part of what nft was asked */
	os_trace_release(&v->trace);
	v->trace = nn->trace;
	os_trace_init(&nn->trace);
	strbuf_init(&listing);
	status = nft_listing(v, skip, nn, &listing);
	if (status >= 0) {
		v->seen = true;
		for (int fam = 4; fam <= 6 && status == 0 && listing.len > 0; fam += 2) {
			struct fw_query q[1 + OS_FW_MAX_CLIENTS];
			size_t nq = os_fw_queries(f, fam, (const char *const *)skip->v, q, 1 + OS_FW_MAX_CLIENTS);

			if (fw_parse_nft_json_each(listing.buf, listing.len, q, nq, os_fw_result_add_n(v, nq)) != 0)
				os_fw_result_drop_n(v, nq);
		}
		if (status != 0) {
			os_trace_note(&v->trace, "nft failed (exit status %d): needs root", status);
		} else {
			v->guard_read = true;
			svc_parse_sshguard_nft(listing.buf ? listing.buf : "", listing.len, &v->guard);
		}
	}
	strbuf_release(&listing);
}

/* When ufw status cannot answer (not root), its rules file still can. */
static void read_ufw_rules(const struct server_facts *f, struct os_fw_list *out, const char *path)
{
	struct os_fw_view *v = os_fw_list_add(out, "ufw (" UFW_RULES ")");
	struct strbuf sb;
	struct fw_query q[1 + OS_FW_MAX_CLIENTS];
	size_t nq = os_fw_queries(f, 4, NULL, q, 1 + OS_FW_MAX_CLIENTS);
	int rc;

	strbuf_init(&sb);
	if ((rc = os_read_file(path, 4 * 1024 * 1024, false, &sb)) != 0)
		os_trace_note(&v->trace, "ufw: cannot read %s either: %s", path, strerror(-rc));
	for (size_t i = 0; rc == 0 && i < nq; i++)
		if (fw_parse_ufw_user_rules(sb.buf, sb.len, &q[i], os_fw_result_add(v)) != 0)
			os_fw_result_drop(v);
	strbuf_release(&sb);
}

/* ufw's rules live in iptables' tables: when those were read, ufw status
 * only says whether ufw is on; it is judged itself only when they could
 * not be read. */
static void read_ufw(const struct server_facts *f, struct os_fw_list *out, bool tables_read)
{
	static const char *const args[] = {"status", "verbose", NULL};
	char path[256];
	struct os_fw_view *v;
	struct exec_result r;
	struct fw_query q[1 + OS_FW_MAX_CLIENTS];
	size_t nq = os_fw_queries(f, 4, NULL, q, 1 + OS_FW_MAX_CLIENTS);
	bool fallback = false;

	if (os_find("ufw", path, sizeof(path)) != 0)
		return;
	v = os_fw_list_add(out, "ufw");
	exec_result_init(&r);
	if (os_fw_run(v, "ufw", args, &r)) {
		v->seen = true;
		if (r.status == 0 && fw_parse_ufw_status(r.out.buf, r.out.len, &q[0], os_fw_result_add(v)) == 0) {
			if (tables_read) {
				os_trace_note(&v->trace, "ufw is %s; its rules were judged from iptables' tables",
					      v->res[v->nres - 1].active ? "active" : "inactive");
				os_fw_result_drop(v);
			}
			for (size_t i = 1; !tables_read && i < nq; i++)
				if (fw_parse_ufw_status(r.out.buf, r.out.len, &q[i], os_fw_result_add(v)) != 0)
					os_fw_result_drop(v);
		} else {
			if (r.status == 0)
				os_fw_result_drop(v);
			if (!tables_read) {
				os_trace_note(&v->trace, "ufw status did not answer (exit status %d): reading its rules file",
					      r.status);
				fallback = true;
			}
		}
	}
	exec_result_release(&r);
	/* the record of what ufw added: the fix for a ufw rule is ufw's own */
	out->ufw_rules_read = os_read_file(UFW_RULES, 4 * 1024 * 1024, false, &out->ufw_rules[0]) == 0;
	os_read_file(UFW_RULES6, 4 * 1024 * 1024, false, &out->ufw_rules[1]);
	if (fallback)
		read_ufw_rules(f, out, UFW_RULES);
}

/* The zones firewalld has active (empty when it does not answer), and the
 * interface that holds addr. */
static void firewalld_zones(struct os_fw_view *v, const char *addr, struct fw_zone_list *zl,
			    char *iface, size_t len)
{
	static const char *const args[] = {"--get-active-zones", NULL};
	struct exec_result r;

	exec_result_init(&r);
	iface[0] = '\0';
	if (addr != NULL)
		os_iface_of(addr, iface, len);
	if (os_fw_run(v, "firewall-cmd", args, &r) && r.status == 0)
		fw_parse_firewalld_zones(r.out.buf, r.out.len, zl);
	exec_result_release(&r);
}

/* The zone firewalld puts a connection from client (NULL: any) in: a zone
 * holding its source, else the zone of the interface, else the default
 * zone (NULL). The listing of that zone is judged for the client. */
static void firewalld_judge(struct os_fw_view *v, struct os_fw_list *out, const struct fw_zone_list *zl,
			    const char *iface, const struct fw_query *q)
{
	const char *zone = fw_zone_list_pick(zl, q->client, iface[0] ? iface : NULL);
	char *zarg = zone ? xasprintf("--zone=%s", zone) : NULL;
	const char *const args[] = {"--list-all", zarg, NULL};
	struct exec_result r;

	if (zone != NULL)
		os_trace_note(&v->trace, "firewalld: %s%s%s is in zone %s", q->client ? q->client : "the port",
			      iface[0] ? " on " : "", iface, zone);
	exec_result_init(&r);
	if (os_fw_run(v, "firewall-cmd", args, &r)) {
		v->seen = true;
		if (fw_parse_firewalld(r.out.buf, r.out.len, q, os_fw_result_add(v)) != 0) {
			os_fw_result_drop(v);
		} else if (out->fwd_zone == NULL && v->res[v->nres - 1].active) {
			const struct fw_result *res = &v->res[v->nres - 1];

			/* the zone its listing names, the default one included */
			for (size_t i = 0; i < res->nrules && out->fwd_zone == NULL; i++)
				if (res->rules[i].chain)
					out->fwd_zone = xstrdup(res->rules[i].chain);
			if (out->fwd_zone == NULL && zone != NULL)
				out->fwd_zone = xstrdup(zone);
		}
	}
	exec_result_release(&r);
	free(zarg);
}

static void read_firewalld(const struct server_facts *f, struct os_fw_list *out)
{
	struct os_fw_view *v = os_fw_list_add(out, "firewalld");
	struct fw_query q[1 + OS_FW_MAX_CLIENTS];
	size_t nq = os_fw_queries(f, 4, NULL, q, 1 + OS_FW_MAX_CLIENTS);
	struct fw_zone_list zl;
	char iface[64];

	fw_zone_list_init(&zl);
	firewalld_zones(v, f->client_addrs.n ? f->client_addrs.v[0] : NULL, &zl, iface, sizeof(iface));
	for (size_t i = 0; i < nq; i++) {
		firewalld_judge(v, out, &zl, iface, &q[i]);
		if (!v->seen)
			break;
	}
	fw_zone_list_release(&zl);
}

void linux_firewall_read(const struct server_facts *f, struct os_fw_list *out)
{
	struct strv skip;
	struct nft_names nn;
	char path[256];
	bool tables_read = false;

	strv_init(&skip);
	if (os_find("netfilter-persistent", path, sizeof(path)) == 0)
		out->ipt_save = xstrdup("netfilter-persistent save");
	nft_names_read(&nn);
	read_iptables_all(f, out, &skip, &nn);
	for (size_t i = 0; i < out->n; i++)
		for (size_t k = 0; k < out->v[i].nres; k++)
			tables_read = true;
	read_nft(f, out, &skip, &nn);
	nft_names_release(&nn);
	read_ufw(f, out, tables_read);
	read_firewalld(f, out);
	strv_release(&skip);
}

/* Linux: the local firewalls, each asked for its rules: iptables (legacy or
 * nft back end, IPv4 and IPv6), nftables, ufw and firewalld; sshguard's
 * blocks are read from the iptables and nftables listings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/os/linux/linux.h"

#define UFW_RULES "/etc/ufw/user.rules"

static void read_iptables(const struct server_facts *f, struct os_fw_list *out, const char *tool,
			  enum fw_source src, int family)
{
	static const char *const none[] = {NULL};
	struct os_fw_view *v = os_fw_list_add(out, fw_source_name(src));
	struct exec_result r;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = family};

	exec_result_init(&r);
	if (os_fw_run(v, tool, none, &r)) {
		v->seen = true;
		if (r.status != 0)
			os_trace_note(&v->trace, "%s failed (exit status %d): needs root", tool, r.status);
		else if (fw_parse_iptables_save(r.out.buf, r.out.len, src, &q, os_fw_result_add(v)) != 0)
			os_fw_result_drop(v);
		if (r.status == 0) {
			v->guard_read = true;
			svc_parse_sshguard_iptables(r.out.buf, r.out.len, &v->guard);
		}
	}
	exec_result_release(&r);
}

static void read_nft(const struct server_facts *f, struct os_fw_list *out)
{
	static const char *const args[] = {"-j", "list", "ruleset", NULL};
	struct os_fw_view *v = os_fw_list_add(out, "nftables");
	struct exec_result r;

	exec_result_init(&r);
	if (os_fw_run(v, "nft", args, &r)) {
		v->seen = true;
		for (int fam = 4; fam <= 6 && r.status == 0; fam += 2) {
			struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = fam};

			if (fw_parse_nft_json(r.out.buf, r.out.len, &q, os_fw_result_add(v)) != 0)
				os_fw_result_drop(v);
		}
		if (r.status != 0) {
			os_trace_note(&v->trace, "nft failed (exit status %d): needs root", r.status);
		} else {
			v->guard_read = true;
			svc_parse_sshguard_nft(r.out.buf, r.out.len, &v->guard);
		}
	}
	exec_result_release(&r);
}

/* When ufw status cannot answer (not root), its rules file still can. */
static void read_ufw_rules(const struct server_facts *f, struct os_fw_list *out, const char *path)
{
	struct os_fw_view *v = os_fw_list_add(out, "ufw (" UFW_RULES ")");
	struct strbuf sb;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};
	int rc;

	strbuf_init(&sb);
	if ((rc = os_read_file(path, 4 * 1024 * 1024, false, &sb)) != 0)
		os_trace_note(&v->trace, "ufw: cannot read %s either: %s", path, strerror(-rc));
	else if (fw_parse_ufw_user_rules(sb.buf, sb.len, &q, os_fw_result_add(v)) != 0)
		os_fw_result_drop(v);
	strbuf_release(&sb);
}

static void read_ufw(const struct server_facts *f, struct os_fw_list *out)
{
	static const char *const args[] = {"status", "verbose", NULL};
	struct os_fw_view *v = os_fw_list_add(out, "ufw");
	struct exec_result r;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};
	bool fallback = false;

	exec_result_init(&r);
	if (os_fw_run(v, "ufw", args, &r)) {
		v->seen = true;
		if (r.status != 0 || fw_parse_ufw_status(r.out.buf, r.out.len, &q, os_fw_result_add(v)) != 0) {
			if (r.status == 0)
				os_fw_result_drop(v);
			os_trace_note(&v->trace, "ufw status did not answer (exit status %d): reading its rules file",
				      r.status);
			fallback = true;
		}
	}
	exec_result_release(&r);
	if (fallback)
		read_ufw_rules(f, out, UFW_RULES);
}

/* The zone that takes connections to addr: firewalld's zone of its
 * interface, or NULL for the default zone. The caller frees. */
static char *firewalld_zone(struct os_fw_view *v, const char *addr)
{
	static const char *const args[] = {"--get-active-zones", NULL};
	struct exec_result r;
	struct fw_zone_list zl;
	char iface[64] = "";
	char *zone = NULL;

	exec_result_init(&r);
	fw_zone_list_init(&zl);
	if (addr != NULL)
		os_iface_of(addr, iface, sizeof(iface));
	if (os_fw_run(v, "firewall-cmd", args, &r) && r.status == 0 &&
	    fw_parse_firewalld_zones(r.out.buf, r.out.len, &zl) == 0) {
		const char *z = fw_zone_list_pick(&zl, NULL, iface[0] ? iface : NULL);

		if (z != NULL) {
			zone = xstrdup(z);
			os_trace_note(&v->trace, "firewalld: %s (%s) is in zone %s", addr, iface, zone);
		}
	}
	fw_zone_list_release(&zl);
	exec_result_release(&r);
	return zone;
}

static void read_firewalld(const struct server_facts *f, struct os_fw_list *out)
{
	struct os_fw_view *v = os_fw_list_add(out, "firewalld");
	char *zone = firewalld_zone(v, f->client_addrs.n ? f->client_addrs.v[0] : NULL);
	char *zarg = zone ? xasprintf("--zone=%s", zone) : NULL;
	const char *const args[] = {"--list-all", zarg, NULL};
	struct exec_result r;
	struct fw_query q = {.port = (uint16_t)f->port, .client = NULL, .family = 4};

	exec_result_init(&r);
	if (os_fw_run(v, "firewall-cmd", args, &r)) {
		v->seen = true;
		if (fw_parse_firewalld(r.out.buf, r.out.len, &q, os_fw_result_add(v)) != 0)
			os_fw_result_drop(v);
	}
	exec_result_release(&r);
	free(zarg);
	free(zone);
}

void linux_firewall_read(const struct server_facts *f, struct os_fw_list *out)
{
	read_iptables(f, out, "iptables-save", FW_SRC_IPTABLES, 4);
	read_iptables(f, out, "ip6tables-save", FW_SRC_IP6TABLES, 6);
	read_nft(f, out);
	read_ufw(f, out);
	read_firewalld(f, out);
}

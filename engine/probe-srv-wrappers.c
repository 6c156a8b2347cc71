/* SPDX-License-Identifier: MIT */
/* TCP wrappers: do hosts.allow and hosts.deny refuse sshd, and does this
 * sshd honour them at all (is libwrap among its ELF dependencies)? A
 * wrapper refusal looks like "connection closed" to the client, never
 * "refused": the TCP connection is accepted first. */
#include <arpa/inet.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-elf-needed.h"
#include "engine/parse/parse-hosts-access.h"
#include "engine/probe.h"

#define ELF_MAX (16 * 1024 * 1024)
/* A stand-in for "a client from elsewhere" (TEST-NET-2): only judged, never contacted. */
#define ANY_CLIENT "198.51.100.1"

static int read_cb(void *ctx, const char *path, struct strbuf *out)
{
	(void)ctx;
	return os_read_file(path, 1024 * 1024, false, out);
}

/* Whether the ELF file at path needs libwrap: SRV_YES, SRV_NO or SRV_UNKNOWN. */
static enum srv_tristate elf_libwrap(struct step_work *w, const char *path)
{
	struct strbuf data;
	struct strv needed;
	enum srv_tristate t = SRV_UNKNOWN;
	int rc;

	strbuf_init(&data);
	strv_init(&needed);
	if ((rc = os_read_file(path, ELF_MAX, false, &data)) != 0) {
		step_evidence(w, "cannot read %s: %s", path, strerror(-rc));
	} else if ((rc = elf_needed_parse(data.buf, data.len, &needed)) != ELF_NEEDED_OK) {
		step_evidence(w, "%s: %s", path, elf_needed_strerror(rc));
	} else {
		t = elf_needed_has_libwrap(&needed) ? SRV_YES : SRV_NO;
		for (size_t i = 0; i < needed.n; i++)
			step_detail(w, "%s needs %s", path, needed.v[i]);
	}
	strv_release(&needed);
	strbuf_release(&data);
	return t;
}

static void load_table(struct step_work *w, struct hosts_table *t, const char *path, bool *present)
{
	struct strbuf sb;
	int rc;

	strbuf_init(&sb);
	rc = os_read_file(path, 1024 * 1024, false, &sb);
	*present = rc == 0 || rc != -2;
	if (rc == 0) {
		hosts_table_parse(t, path, sb.buf, sb.len);
		srv_detail_text(w, "", sb.buf, sb.len, 100);
		for (size_t i = 0; i < t->nwarnings; i++)
			step_evidence(w, "%s line %u: %s", path, t->warnings[i].line, t->warnings[i].message);
	} else if (*present) {
		t->file = xstrdup(path);
		t->unreadable = true;
		step_evidence(w, "%s exists but cannot be read (%s): libwrap then treats it as matching",
			      path, strerror(-rc));
	}
	strbuf_release(&sb);
}

/* The clients to judge: ours, one from elsewhere, and each address a deny rule names. */
static void sample_clients(const struct server_facts *f, const struct hosts_table *deny, struct strv *out)
{
	for (size_t i = 0; i < f->client_addrs.n; i++)
		strv_push(out, f->client_addrs.v[i]);
	strv_push(out, ANY_CLIENT);
	for (size_t i = 0; deny && i < deny->n; i++) {
		char word[64];
		unsigned char buf[16];
		size_t n = strcspn(deny->rules[i].clients, " \t,");

		if (n == 0 || n >= sizeof(word))
			continue;
		memcpy(word, deny->rules[i].clients, n);
		word[n] = '\0';
		if ((inet_pton(AF_INET, word, buf) == 1 || inet_pton(AF_INET6, word, buf) == 1) &&
		    !strv_contains(out, word))
			strv_push(out, word);
	}
}

static bool group_exists(const char *name)
{
	return getgrnam(name) != NULL;
}

/* Judges one client and keeps the first refusal in f; true when it is let
 * in. names: look its name up as libwrap would; given: it is a client of
 * --from. */
static bool judge_one(struct step_work *w, struct server_facts *f, const struct hosts_table *allow,
		      const struct hosts_table *deny, const char *addr, bool names, bool given)
{
	struct hosts_client c = {.daemon = "sshd", .addr = addr, .group_exists = group_exists};
	struct hosts_verdict v;
	bool allowed = true;
	char name[256] = "";
	bool mismatch = false;
	bool stand_in = strcmp(addr, ANY_CLIENT) == 0;

	if (names) {
		os_client_name(addr, name, sizeof(name), &mismatch);
		c.name = name[0] ? name : NULL;
		c.name_mismatch = mismatch;
		step_evidence(w, "the client %s: %s%s%s", addr, name[0] ? "its name is " : "it has no name (libwrap calls it \"unknown\")",
			      name, mismatch ? ", but that name does not lead back to it (libwrap calls it \"paranoid\")" : "");
	}
	hosts_verdict_init(&v);
	if (hosts_access_evaluate(allow, deny, &c, read_cb, NULL, &v) == 0) {
		allowed = v.allowed;
		if (!v.allowed)
			step_evidence(w, "%s %s is refused: %s", given ? "the client" : "a client from", addr,
				      v.reason ? v.reason : "");
		else if (given)
			step_evidence(w, "the client %s is let in: %s", addr, v.reason ? v.reason : "");
		if (stand_in && !v.allowed)
			step_detail(w, "%s stands for any address elsewhere: it is judged, never contacted", ANY_CLIENT);
		if (!v.allowed && !f->wrap_refuses) {
			f->wrap_refuses = true;
			f->wrap_client = xstrdup(stand_in ? "clients from elsewhere" : addr);
			if (v.table && v.rule)
				f->wrap_rule = xasprintf("%s line %u: %s", v.table->file, v.rule->line, v.rule->text);
			else
				f->wrap_rule = xstrdup(v.reason ? v.reason : "a hosts.allow/hosts.deny rule");
		}
	}
	for (size_t k = 0; k < v.notes.n; k++)
		step_detail(w, "%s: %s", addr, v.notes.v[k]);
	hosts_verdict_release(&v);
	return allowed;
}

/* What hosts.allow admits, for a sentence: "192.0.2.0/25 (line 3)". */
static void describe_allowed(struct server_facts *f, const struct hosts_table *allow)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < allow->n && i < 3; i++)
		strbuf_addf(&sb, "%s%s (line %u)", i ? ", " : "", allow->rules[i].clients, allow->rules[i].line);
	if (allow->n > 3)
		strbuf_addf(&sb, " and %zu more rule(s)", allow->n - 3);
	if (sb.len > 0)
		f->wrap_allowed = strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
}

int probe_srv_wrappers_run(struct step_work *w, struct server_facts *f)
{
	struct hosts_table allow, deny;
	bool has_allow = false, has_deny = false;
	struct strv clients;
	const char *session = "/usr/lib/openssh/sshd-session";

	server_facts_forget_wrappers(f);
	if (os_active()->no_tcp_wrappers != NULL) {
		f->libwrap = SRV_NO;
		step_finish(w, STEP_SKIP, "%s", os_active()->no_tcp_wrappers);
		return 0;
	}
	hosts_table_init(&allow);
	hosts_table_init(&deny);
	strv_init(&clients);
	f->wrap_checked = true;
	if (f->sshd_found) {
		f->libwrap = elf_libwrap(w, f->sshd_path);
		/* OpenSSH 9.8 and later serve each connection from sshd-session */
		if (f->libwrap != SRV_YES && os_file_readable(session))
			f->libwrap = elf_libwrap(w, session);
		if (f->libwrap == SRV_YES)
			step_evidence(w, "%s is linked with libwrap: hosts.allow and hosts.deny apply to it", f->sshd_path);
		else if (f->libwrap == SRV_NO)
			step_evidence(w, "%s is not linked with libwrap: hosts.allow and hosts.deny do not apply to it",
				      f->sshd_path);
	}
	load_table(w, &allow, "/etc/hosts.allow", &has_allow);
	load_table(w, &deny, "/etc/hosts.deny", &has_deny);
	step_evidence(w, "/etc/hosts.allow: %s; /etc/hosts.deny: %s (allow is read first, the first matching rule wins)",
		      has_allow ? (allow.n ? "has rules" : "no rules") : "absent",
		      has_deny ? (deny.n ? "has rules" : "no rules") : "absent");
	if (f->from_addrs.n > 0) {
		/* the clients of --from, with the name libwrap would find for
		 * them when a rule needs one */
		bool names = hosts_table_needs_names(has_allow ? &allow : NULL) ||
			     hosts_table_needs_names(has_deny ? &deny : NULL);

		f->wrap_for_client = true;
		for (size_t i = 0; i < f->from_addrs.n; i++)
			judge_one(w, f, has_allow ? &allow : NULL, has_deny ? &deny : NULL, f->from_addrs.v[i], names,
				  true);
		/* the self-test comes from this machine's own addresses */
		for (size_t i = 0; i < f->client_addrs.n && !f->wrap_refuses_self; i++) {
			struct hosts_client c = {.daemon = "sshd", .addr = f->client_addrs.v[i],
						 .group_exists = group_exists};
			struct hosts_verdict v;

			hosts_verdict_init(&v);
			if (hosts_access_evaluate(has_allow ? &allow : NULL, has_deny ? &deny : NULL, &c, read_cb, NULL,
						  &v) == 0 && !v.allowed) {
				f->wrap_refuses_self = true;
				step_evidence(w, "this machine's own address %s is refused (%s): the self-test cannot get through",
					      f->client_addrs.v[i], v.reason ? v.reason : "");
			}
			hosts_verdict_release(&v);
		}
	} else {
		size_t refused = 0;

		sample_clients(f, has_deny ? &deny : NULL, &clients);
		for (size_t i = 0; i < clients.n; i++)
			refused += !judge_one(w, f, has_allow ? &allow : NULL, has_deny ? &deny : NULL, clients.v[i],
					      false, false);
		/* nobody is let in from anywhere: whoever the client is */
		f->wrap_refuses_all = refused == clients.n && clients.n > 0 && (!has_allow || allow.n == 0);
		if (f->wrap_refuses && has_allow)
			describe_allowed(f, &allow);
		if (f->wrap_allowed)
			step_evidence(w, "hosts.allow lets sshd's clients in from %s: a client from there gets in", f->wrap_allowed);
	}
	if (!f->wrap_refuses && f->wrap_for_client)
		step_finish(w, STEP_PASS, "hosts.allow and hosts.deny let the client in (%s)", f->from_addrs.v[0]);
	else if (!f->wrap_refuses)
		step_finish(w, STEP_PASS, "hosts.allow and hosts.deny let sshd's clients in");
	else if (f->libwrap == SRV_NO)
		step_finish(w, STEP_WARN, "%s would refuse %s, but this sshd ignores hosts.allow and hosts.deny",
			    f->wrap_rule, f->wrap_client);
	else
		step_finish(w, STEP_FAIL, "TCP wrappers refuse %s: %s", f->wrap_client, f->wrap_rule);
	strv_release(&clients);
	hosts_table_release(&allow);
	hosts_table_release(&deny);
	return 0;
}

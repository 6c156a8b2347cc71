/* TCP wrappers: do hosts.allow and hosts.deny refuse sshd, and does this
 * sshd honour them at all (is libwrap among its ELF dependencies)? A
 * wrapper refusal looks like "connection closed" to the client, never
 * "refused": the TCP connection is accepted first. */
#include <arpa/inet.h>
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
	sample_clients(f, has_deny ? &deny : NULL, &clients);
	for (size_t i = 0; i < clients.n; i++) {
		struct hosts_client c = {.daemon = "sshd", .addr = clients.v[i]};
		struct hosts_verdict v;

		hosts_verdict_init(&v);
		if (hosts_access_evaluate(has_allow ? &allow : NULL, has_deny ? &deny : NULL, &c, read_cb, NULL, &v) == 0 &&
		    !v.allowed) {
			step_evidence(w, "a client from %s%s is refused: %s", clients.v[i],
				      strcmp(clients.v[i], ANY_CLIENT) == 0 ? " (any address elsewhere)" : "",
				      v.reason ? v.reason : "");
			if (!f->wrap_refuses) {
				f->wrap_refuses = true;
				f->wrap_client = xstrdup(strcmp(clients.v[i], ANY_CLIENT) == 0 ? "every client" : clients.v[i]);
				if (v.table && v.rule)
					f->wrap_rule = xasprintf("%s line %u: %s", v.table->file, v.rule->line, v.rule->text);
				else
					f->wrap_rule = xstrdup(v.reason ? v.reason : "a hosts.allow/hosts.deny rule");
			}
		}
		for (size_t k = 0; k < v.notes.n; k++)
			step_detail(w, "%s: %s", clients.v[i], v.notes.v[k]);
		hosts_verdict_release(&v);
	}
	if (!f->wrap_refuses)
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

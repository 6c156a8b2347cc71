/* SPDX-License-Identifier: MIT */
/* The server facts' lifecycle: what was asked, and each step's group
 * forgotten before the step fills it again. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/os/os.h"
#include "engine/parse/parse-address.h"
#include "engine/server.h"

void server_facts_init(struct server_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->port = SSHD_DEFAULT_PORT;
	strv_init(&f->client_addrs);
	strv_init(&f->local_addrs);
	strv_init(&f->from_addrs);
	strv_init(&f->cfg_listen);
	strv_init(&f->cfg_listen_missing);
	strv_init(&f->guard_banned);
	strv_init(&f->guard_unban);
	strv_init(&f->fw_blocked_srcs);
	strv_init(&f->f2b_banned);
	strv_init(&f->banned);
	strv_init(&f->test_log);
	strv_init(&f->log_files);
	strv_init(&f->unit_runtime_dirs);
	strv_init(&f->socket_dropins);
	strv_init(&f->login_refusals);
	f->pkg_state = SVC_PKG_UNKNOWN;
	f->unit_enabled = SRV_UNKNOWN;
	f->password_auth = SRV_UNKNOWN;
	f->libwrap = SRV_UNKNOWN;
	f->unauth_conns = -1;
	for (size_t i = 0; i < SRV_MAX_PROCS; i++)
		strv_init(&f->procs[i].options);
}

static void srv_proc_release(struct srv_proc *p)
{
	free(p->cmdline);
	free(p->config);
	free(p->logfile);
	strv_release(&p->options);
	memset(p, 0, sizeof(*p));
	strv_init(&p->options);
}

/* Frees *s and sets it to NULL. */
static void drop(char **s)
{
	free(*s);
	*s = NULL;
}

void server_facts_forget_package(struct server_facts *f)
{
	f->pkg_checked = false;
	f->pkg_state = SVC_PKG_UNKNOWN;
	drop(&f->pkg_version);
	drop(&f->pkg_tool);
	f->sshd_found = false;
	f->sshd_path[0] = '\0';
}

void server_facts_forget_service(struct server_facts *f)
{
	f->manager = SVC_MGR_UNKNOWN;
	f->systemd = false;
	f->manager_elsewhere = false;
	f->launchd = false;
	f->unit_found = false;
	drop(&f->unit);
	f->unit_active = false;
	f->unit_enabled = SRV_UNKNOWN;
	f->unit_masked = false;
	strv_release(&f->unit_runtime_dirs);
	drop(&f->unit_state);
	drop(&f->init_start);
	f->socket_active = false;
	f->socket_generator = false;
	drop(&f->socket_unit_file);
	strv_release(&f->socket_dropins);
	memset(f->socket_ports, 0, sizeof(f->socket_ports));
	f->nsocket_ports = 0;
	for (size_t i = 0; i < SRV_MAX_PROCS; i++)
		srv_proc_release(&f->procs[i]);
	f->nprocs = 0;
	f->nrunning_here = 0;
	f->nrunning_hidden = 0;
}

void server_facts_forget_config(struct server_facts *f)
{
	drop(&f->config_file);
	f->config_checked = false;
	drop(&f->config_runtime_dir);
	strv_release(&f->login_refusals);
	f->config_error = false;
	drop(&f->config_message);
	drop(&f->config_error_file);
	f->config_error_line = 0;
	f->config_read = false;
	drop(&f->config_source);
	memset(f->cfg_ports, 0, sizeof(f->cfg_ports));
	f->ncfg_ports = 0;
	strv_release(&f->cfg_listen);
	strv_release(&f->cfg_listen_missing);
	drop(&f->permit_root_login);
	f->password_auth = SRV_UNKNOWN;
	memset(&f->maxstartups, 0, sizeof(f->maxstartups));
	f->maxstartups_known = false;
}

void server_facts_forget_listeners(struct server_facts *f)
{
	f->listen_checked = false;
	drop(&f->listen_source);
	memset(f->listeners, 0, sizeof(f->listeners));
	f->nlisteners = 0;
}

void server_facts_forget_firewall(struct server_facts *f)
{
	f->fw_checked = false;
	f->fw_verdict = FW_VERDICT_UNKNOWN;
	drop(&f->fw_name);
	drop(&f->fw_rule);
	drop(&f->fw_effect);
	drop(&f->fw_fix);
	drop(&f->fw_who);
	drop(&f->fw_blocked_some);
	strv_release(&f->fw_blocked_srcs);
	f->fw_timing = false;
	for (size_t i = 0; i < f->nfw_clients; i++) {
		struct srv_fw_client *c = &f->fw_clients[i];

		free(c->addr);
		free(c->name);
		free(c->rule);
		free(c->effect);
		free(c->fix);
		free(c->fix_note);
		free(c->allowed);
		free(c->unsure);
	}
	free(f->fw_clients);
	f->fw_clients = NULL;
	f->nfw_clients = 0;
	strv_release(&f->guard_banned);
	strv_release(&f->guard_unban);
	server_facts_merge_bans(f);
}

void server_facts_forget_wrappers(struct server_facts *f)
{
	f->wrap_checked = false;
	f->libwrap = SRV_UNKNOWN;
	f->wrap_refuses = false;
	drop(&f->wrap_rule);
	drop(&f->wrap_client);
	f->wrap_for_client = false;
	f->wrap_refuses_all = false;
	f->wrap_refuses_self = false;
	drop(&f->wrap_allowed);
}

void server_facts_forget_logs(struct server_facts *f)
{
	f->logs_checked = false;
	strv_release(&f->log_files);
	f->log_no_bind = false;
	drop(&f->log_bind_failed);
	f->log_bind_denied_port = 0;
	f->selinux = SVC_SELINUX_UNKNOWN;
	f->ssh_ports_known = false;
	f->nssh_ports = 0;
	f->log_wrap_refused = 0;
	f->log_maxstartups = 0;
}

void server_facts_forget_limits(struct server_facts *f)
{
	f->unauth_conns = -1;
	f->f2b_checked = false;
	strv_release(&f->f2b_banned);
	server_facts_merge_bans(f);
}

void server_facts_forget_watch(struct server_facts *f)
{
	f->watch_ran = false;
	f->watch_waited_ms = 0;
	f->nwatch = 0;
	/* the sources it added are its own to take back */
	for (; f->watch_added > 0 && f->from_addrs.n > 0; f->watch_added--) {
		free(f->from_addrs.v[--f->from_addrs.n]);
		f->from_addrs.v[f->from_addrs.n] = NULL;
	}
	f->watch_added = 0;
}

void server_facts_forget_selftest(struct server_facts *f)
{
	f->test_ran = false;
	for (size_t i = 0; i < f->ntests; i++)
		free(f->tests[i].banner_text);
	memset(f->tests, 0, sizeof(f->tests));
	f->ntests = 0;
	strv_release(&f->test_log);
	f->test_log_wrap = false;
	f->test_log_maxstartups = false;
}

void server_facts_merge_bans(struct server_facts *f)
{
	const struct strv *from[] = {&f->guard_banned, &f->f2b_banned};

	strv_release(&f->banned);
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < from[k]->n; i++)
			if (!strv_contains(&f->banned, from[k]->v[i]))
				strv_push(&f->banned, from[k]->v[i]);
}

void server_facts_release(struct server_facts *f)
{
	free(f->login_user);
	free(f->sshd_config);
	strv_release(&f->client_addrs);
	strv_release(&f->local_addrs);
	strv_release(&f->from_addrs);
	server_facts_forget_package(f);
	server_facts_forget_service(f);
	server_facts_forget_config(f);
	server_facts_forget_listeners(f);
	server_facts_forget_firewall(f);
	server_facts_forget_wrappers(f);
	server_facts_forget_logs(f);
	server_facts_forget_limits(f);
	server_facts_forget_selftest(f);
	server_facts_forget_watch(f);
	strv_release(&f->banned);
	server_facts_init(f);
}

/* Appends the numeric addresses host resolves to. */
static void resolve_into(const char *host, struct strv *out)
{
	struct addrinfo hints, *res = NULL, *p;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return;
	for (p = res; p != NULL; p = p->ai_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ai_family == AF_INET)
			a = &((const struct sockaddr_in *)(const void *)p->ai_addr)->sin_addr;
		else if (p->ai_family == AF_INET6)
			a = &((const struct sockaddr_in6 *)(const void *)p->ai_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(p->ai_family, a, text, sizeof(text)) != NULL && !strv_contains(out, text))
			strv_push(out, text);
	}
	freeaddrinfo(res);
}

static bool is_loopback(const char *addr)
{
	return str_starts_with(addr, "127.") || strcmp(addr, "::1") == 0;
}

void server_facts_setup(struct server_facts *f, const struct target *t, const char *sshd_config)
{
	f->port = t->port > 0 ? t->port : SSHD_DEFAULT_PORT;
	f->port_given = t->port_given;
	f->not_root = geteuid() != 0;
	free(f->sshd_config);
	f->sshd_config = sshd_config ? xstrdup(sshd_config) : NULL;
	free(f->login_user);
	f->login_user = t->user ? xstrdup(t->user) : NULL;
	strv_release(&f->local_addrs);
	strv_release(&f->client_addrs);
	os_local_addresses(&f->local_addrs);
	if (t->host != NULL) {
		resolve_into(t->host, &f->client_addrs);
		return;
	}
	for (size_t i = 0; i < f->local_addrs.n; i++)
		if (!is_loopback(f->local_addrs.v[i]))
			strv_push(&f->client_addrs, f->local_addrs.v[i]);
	for (size_t i = 0; f->client_addrs.n == 0 && i < f->local_addrs.n; i++)
		strv_push(&f->client_addrs, f->local_addrs.v[i]);
	if (f->client_addrs.n == 0)
		strv_push(&f->client_addrs, "127.0.0.1");
}

const char *srv_tristate_word(enum srv_tristate t)
{
	return t == SRV_YES ? "yes" : t == SRV_NO ? "no" : "unknown";
}











/* Whether listener l accepts a connection to addr (an exact address, or a
 * wildcard of the family; a dual-stack :: takes IPv4 too). */
static bool listener_accepts(const struct srv_listener *l, const char *addr)
{
	bool v4 = strchr(addr, ':') == NULL;
	unsigned char a[16], b[16];

	if (l->wildcard) {
		if (l->family == 4)
			return v4;
		return !v4 || (l->v6only_known && !l->v6only);
	}
	return addr_key(addr, a) && addr_key(l->addr, b) && memcmp(a, b, 16) == 0;
}

const struct srv_listener *srv_listener_for(const struct server_facts *f, const char *addr, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].port == port && listener_accepts(&f->listeners[i], addr))
			return &f->listeners[i];
	return NULL;
}

const struct srv_listener *srv_listener_on(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].port == port)
			return &f->listeners[i];
	return NULL;
}

bool server_fw_admits_all_clients(const struct server_facts *f)
{
	if (!f->fw_checked || f->nfw_clients == 0)
		return false;
	for (size_t i = 0; i < f->nfw_clients; i++)
		if (!f->fw_clients[i].checked || f->fw_clients[i].verdict != FW_VERDICT_OPEN || f->fw_clients[i].timing)
			return false;
	return true;
}

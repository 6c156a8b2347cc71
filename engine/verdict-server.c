/* SPDX-License-Identifier: MIT */
/* The server verdict: this machine examined as the SSH server. The rules
 * follow the order a person at the console would check things in, and the
 * first that explains why clients cannot connect decides. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-address.h"
#include "engine/parse/parse-firewall.h"
#include "engine/target-vars.h"
#include "engine/verdict.h"

static bool sshd_listens(const struct server_facts *f)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].is_sshd)
			return true;
	return false;
}

static bool sshd_listens_on(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].is_sshd && f->listeners[i].port == port)
			return true;
	for (size_t i = 0; f->socket_active && i < f->nsocket_ports; i++)
		if (f->socket_ports[i] == port)
			return true;
	return false;
}

/* The first port other than the asked one where sshd listens, or 0. */
static int sshd_other_port(const struct server_facts *f)
{
	for (size_t i = 0; i < f->ntests; i++)
		if (f->tests[i].port != f->port && f->tests[i].banner == BANNER_SSH)
			return f->tests[i].port;
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].is_sshd && f->listeners[i].port != f->port)
			return f->listeners[i].port;
	for (size_t i = 0; f->socket_active && i < f->nsocket_ports; i++)
		if (f->socket_ports[i] != f->port)
			return f->socket_ports[i];
	return 0;
}

/* The first port other than the asked one where sshd answers on an address
 * clients use, or 0: an sshd on 127.0.0.1 port 4242 is no port to send a
 * client on the network to. */
static int sshd_other_port_for_clients(const struct server_facts *f)
{
	for (size_t i = 0; i < f->ntests; i++)
		if (f->tests[i].port != f->port && f->tests[i].banner == BANNER_SSH)
			return f->tests[i].port;
	for (size_t i = 0; i < f->nlisteners; i++) {
		const struct srv_listener *l = &f->listeners[i];

		if (!l->is_sshd || l->port == f->port)
			continue;
		for (size_t k = 0; k < f->client_addrs.n; k++) {
			const struct srv_listener *c = srv_listener_for(f, f->client_addrs.v[k], l->port);

			if (c != NULL && c->is_sshd)
				return l->port;
		}
	}
	for (size_t i = 0; f->socket_active && i < f->nsocket_ports; i++)
		if (f->socket_ports[i] != f->port)
			return f->socket_ports[i];
	return 0;
}

/* A program other than sshd that listens on port, or NULL. */
static const struct srv_listener *port_taker(const struct server_facts *f, int port)
{
	for (size_t i = 0; i < f->nlisteners; i++)
		if (f->listeners[i].port == port && !f->listeners[i].is_sshd &&
		    !(f->socket_active && f->listeners[i].pid == 1))
			return &f->listeners[i];
	return NULL;
}

static void listener_words(const struct srv_listener *l, char *buf, size_t len)
{
	if (l->pid > 0)
		snprintf(buf, len, "%s (pid %ld)", l->comm[0] ? l->comm : "a program", l->pid);
	else
		snprintf(buf, len, "a program this user cannot name (try as root)");
}

/* SELinux kept sshd from binding a port it is told to use (or the one
 * clients ask for): sshd's log says "Permission denied" for it, SELinux
 * enforces, and the port is not labelled ssh_port_t (when that is known). */
static bool selinux_denies(const struct server_facts *f)
{
	int port = f->log_bind_denied_port;
	bool told = port == f->port;

	for (size_t i = 0; i < f->ncfg_ports; i++)
		told |= f->cfg_ports[i] == port;
	if (port <= 0 || f->selinux != SVC_SELINUX_ENFORCING || !told)
		return false;
	for (size_t i = 0; f->ssh_ports_known && i < f->nssh_ports; i++)
		if (port >= f->ssh_ports[i][0] && port <= f->ssh_ports[i][1])
			return false;
	return !sshd_listens_on(f, port);
}

static bool socket_disagrees(const struct server_facts *f)
{
	if (!f->socket_active || f->nsocket_ports == 0 || f->ncfg_ports == 0)
		return false;
	for (size_t i = 0; i < f->ncfg_ports; i++) {
		bool found = false;

		for (size_t k = 0; k < f->nsocket_ports; k++)
			found |= f->socket_ports[k] == f->cfg_ports[i];
		if (!found)
			return true;
	}
	return false;
}

static void add_log_evidence(const struct server_facts *f, struct verdict_decision *d)
{
	if (f->log_bind_failed)
		strv_pushf(&d->evidence, "sshd's log: %s", f->log_bind_failed);
	if (f->log_no_bind)
		strv_push(&d->evidence, "sshd's log: \"Cannot bind any address.\"");
}

/* The self-test on the asked port: how many answered SSH, of how many. */
static void test_counts(const struct server_facts *f, size_t *tried, size_t *ssh,
			const struct srv_test **first_bad)
{
	*tried = *ssh = 0;
	*first_bad = NULL;
	for (size_t i = 0; i < f->ntests; i++) {
		if (f->tests[i].port != f->port)
			continue;
		(*tried)++;
		if (f->tests[i].banner == BANNER_SSH)
			(*ssh)++;
		else if (*first_bad == NULL)
			*first_bad = &f->tests[i];
	}
}

static void test_words(const struct srv_test *t, struct verdict_decision *d)
{
	if (t->tcp != TCP_ANSWERED)
		strv_pushf(&d->evidence, "the self-test to %s port %d: %s", t->addr, t->port,
			   tcp_result_word(t->tcp));
	else if (t->banner_text)
		strv_pushf(&d->evidence, "the self-test to %s port %d connected; it said \"%s\"", t->addr,
			   t->port, t->banner_text);
	else
		strv_pushf(&d->evidence, "the self-test to %s port %d connected, then: %s", t->addr,
			   t->port, banner_result_word(t->banner));
}

static void add_prevention(const struct server_facts *f, struct strv *prevention)
{
	if (prevention == NULL)
		return;
	if (f->systemd && f->unit_found && f->unit_enabled == SRV_NO)
		strv_pushf(prevention, "%s is not enabled at boot: after the next reboot SSH will be refused (sudo systemctl enable %s)",
			   f->unit ? f->unit : "the ssh service", f->unit ? f->unit : "ssh");
	if (f->permit_root_login && str_ieq(f->permit_root_login, "yes") && f->password_auth != SRV_NO)
		strv_push(prevention, "root may log in with a password (PermitRootLogin yes): use PermitRootLogin prohibit-password and keys");
	if (f->wrap_refuses && f->libwrap == SRV_NO && f->wrap_rule)
		strv_pushf(prevention, "%s would refuse %s, but this sshd ignores TCP wrappers: remove the line, or a later sshd linked with libwrap will refuse them",
			   f->wrap_rule, f->wrap_client ? f->wrap_client : "some clients");
	if (f->password_auth == SRV_YES)
		strv_push(prevention, "password authentication is on: with keys in place (ssh-keygen -t ed25519, ssh-copy-id), set PasswordAuthentication no");
}

/* The first ban in list that covers one of the clients judged (--from):
 * fills *client; NULL when none does. */
static const char *ban_of_client(const struct strv *list, const struct strv *from, const char **client)
{
	for (size_t i = 0; i < list->n; i++)
		for (size_t k = 0; k < from->n; k++)
			if (fw_addr_match(list->v[i], from->v[k])) {
				*client = from->v[k];
				return list->v[i];
			}
	return NULL;
}

/* Bans of the clients judged: fail2ban_ban, certain. True when decided. */
static bool judge_bans_for_clients(const struct server_facts *f, struct verdict_decision *d)
{
	const char *client = NULL, *ban;

	if ((ban = ban_of_client(&f->f2b_banned, &f->from_addrs, &client)) != NULL) {
		strv_pushf(&d->evidence, "fail2ban's jail sshd bans %s, the client's address", client);
		verdict_decision_set(d, "fail2ban_ban", "certain");
		return true;
	}
	if ((ban = ban_of_client(&f->guard_banned, &f->from_addrs, &client)) != NULL) {
		if (strcmp(ban, client) == 0)
			strv_pushf(&d->evidence, "sshguard blocks %s, the client's address", client);
		else
			strv_pushf(&d->evidence, "sshguard blocks %s, which holds the client's address %s", ban, client);
		verdict_decision_set(d, "fail2ban_ban", "certain");
		return true;
	}
	return false;
}

/* The client judged that a firewall blocks (by its rules alone first, then
 * past a rate limit), or NULL. */
static const struct srv_fw_client *fw_blocked_client(const struct server_facts *f)
{
	const struct srv_fw_client *timed = NULL;

	for (size_t i = 0; i < f->nfw_clients; i++) {
		const struct srv_fw_client *c = &f->fw_clients[i];

		if (!c->checked || (c->verdict != FW_VERDICT_DROPPED && c->verdict != FW_VERDICT_REJECTED))
			continue;
		if (!c->timing)
			return c;
		if (timed == NULL)
			timed = c;
	}
	return timed;
}

/* Whether the firewall's answer for the client is not known for certain:
 * without --from, some sources are blocked (or rate limited) and others
 * not; with it, a client's answer the rules do not give alone. */
static bool fw_doubt(const struct server_facts *f)
{
	if (!f->fw_checked)
		return false;
	if (f->nfw_clients == 0)
		return f->fw_blocked_some != NULL || f->fw_timing;
	for (size_t i = 0; i < f->nfw_clients; i++)
		if (f->fw_clients[i].checked && f->fw_clients[i].verdict == FW_VERDICT_UNKNOWN)
			return true;
	return false;
}

/* True when clients were judged (--from) and every one of them gets
 * through the firewalls by their rules alone. */
/* "192.0.2.1 is among the sources allowed: 192.0.2.0/25", for each client
 * an allow-list admits. */
static void fw_admits_words(const struct server_facts *f, struct verdict_decision *d)
{
	for (size_t i = 0; i < f->nfw_clients; i++)
		if (f->fw_clients[i].checked && f->fw_clients[i].verdict == FW_VERDICT_OPEN && f->fw_clients[i].allowed)
			strv_pushf(&d->evidence, "%s is among the sources allowed: %s", f->fw_clients[i].addr,
				   f->fw_clients[i].allowed);
	if (f->nfw_clients == 0 && f->fw_blocked_some != NULL)
		strv_pushf(&d->evidence, "the firewall blocks %s; other sources get in", f->fw_blocked_some);
}

/* Whether the failed self-test bad is explained by a firewall that
 * blocks its source (this machine's own address, the one it connected to)
 * while every client judged (--from) is let in: then it says nothing about
 * those clients. Only every self-test that failed must be so. */
static bool selftest_blocked_by_source(const struct server_facts *f, const struct srv_test *bad)
{
	if (!server_fw_admits_all_clients(f) || f->fw_blocked_srcs.n == 0)
		return false;
	for (size_t i = 0; i < f->ntests; i++) {
		const struct srv_test *t = &f->tests[i];
		bool held = false;

		if (t->port != f->port || t->banner == BANNER_SSH)
			continue;
		if (t->tcp != TCP_NO_ANSWER && t->tcp != TCP_FORBIDDEN && t->tcp != TCP_HOST_UNREACH &&
		    t->tcp != TCP_REFUSED)
			return false;
		for (size_t k = 0; k < f->fw_blocked_srcs.n && !held; k++)
			held = fw_addr_match(f->fw_blocked_srcs.v[k], t->addr);
		if (!held)
			return false;
	}
	return bad->port == f->port;
}

/* What only root may read, when this run is not root: said once, among what
 * was not checked, with how to read it; each step said what it met. */
static void unchecked_without_root(const struct server_facts *f, struct verdict_decision *d)
{
	struct strbuf sb;

	if (!f->not_root)
		return;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "what only root may read, and this run is not root: the firewall rules (nft, iptables and ip6tables list them to root only)");
	if (!f->config_checked)
		strbuf_addstr(&sb, ", sshd -t's check of the configuration (it reads the host keys)");
	if (f->nrunning_hidden > 0)
		strbuf_addf(&sb, ", which network %zu sshd process%s serve%s (hidden from this user)",
			    f->nrunning_hidden, f->nrunning_hidden == 1 ? "" : "es",
			    f->nrunning_hidden == 1 ? "s" : "");
	strbuf_addstr(&sb, ", the owners of other users' listening sockets, and sshd's log where it is readable by root (and adm or systemd-journal) only: run it again with sudo");
	strv_push(&d->unchecked, sb.buf);
	strbuf_release(&sb);
}

static void decide_server_rules(const struct server_facts *f, struct verdict_decision *d,
				struct strv *prevention);

void verdict_decide_server(const struct server_facts *f, struct verdict_decision *d,
			   struct strv *prevention)
{
	decide_server_rules(f, d, prevention);
	unchecked_without_root(f, d);
}

static void decide_server_rules(const struct server_facts *f, struct verdict_decision *d,
				struct strv *prevention)
{
	const struct srv_listener *taker = port_taker(f, f->port);
	const struct srv_test *bad;
	size_t tried, ssh;
	bool running;
	char who[96];
	int other;

	add_prevention(f, prevention);
	test_counts(f, &tried, &ssh, &bad);
	/* an sshd that answers runs, even when this user cannot see it */
	running = f->nrunning_here > 0 || sshd_listens(f) || f->socket_active || ssh > 0;
	/* a taker only matters when it stands between clients and sshd */
	if (taker != NULL && sshd_listens_on(f, f->port))
		taker = NULL;

	/* 1. nothing to run */
	if (!f->sshd_found && f->pkg_state != SVC_PKG_INSTALLED && !running) {
		strv_pushf(&d->evidence, "no sshd program on this machine%s%s",
			   f->pkg_tool ? "; the package manager says openssh-server is " : "",
			   f->pkg_tool ? svc_pkg_state_text(f->pkg_state) : "");
		verdict_decision_set(d, "sshd_not_installed", f->pkg_state == SVC_PKG_NOT_INSTALLED ||
		       f->pkg_state == SVC_PKG_CONFIG_FILES ? "certain" : "likely");
		return;
	}

	/* 2. a configuration sshd refuses: it cannot start (or restart) */
	if (f->config_error) {
		if (f->config_error_file && f->config_error_line)
			strv_pushf(&d->evidence, "sshd -t rejects the configuration: %s line %u: %s",
				   f->config_error_file, f->config_error_line,
				   f->config_message ? f->config_message : "");
		else
			strv_pushf(&d->evidence, "sshd -t rejects the configuration: %s",
				   f->config_message ? f->config_message : "(no message)");
		if (running)
			strv_push(&d->evidence, "an sshd still runs, started before the change: the next restart or reboot will fail");
		verdict_decision_set(d, "sshd_config_error", "certain");
		return;
	}

	/* 2b. SELinux forbids sshd a port it is told to use */
	if (selinux_denies(f)) {
		strv_pushf(&d->evidence, "sshd's log: binding port %d failed with \"Permission denied\"",
			   f->log_bind_denied_port);
		strv_pushf(&d->evidence, "SELinux is enforcing, and it lets sshd bind only the ports labelled ssh_port_t%s",
			   f->ssh_ports_known ? ", which do not include it" : "");
		if (!running)
			strv_push(&d->evidence, "no sshd runs: it could bind no port");
		verdict_decision_set(d, "selinux_port", f->ssh_ports_known ? "certain" : "likely");
		if (!running)
			verdict_decision_alt(d, "sshd_not_running");
		return;
	}

	/* 3. not running; a bind failure says why */
	if (!running) {
		if (taker != NULL) {
			listener_words(taker, who, sizeof(who));
			strv_pushf(&d->evidence, "no sshd runs, and %s listens on port %d", who, f->port);
			add_log_evidence(f, d);
			verdict_decision_set(d, "port_in_use", "certain");
			verdict_decision_alt(d, "sshd_not_running");
			return;
		}
		if (f->cfg_listen_missing.n > 0) {
			for (size_t i = 0; i < f->cfg_listen_missing.n; i++)
				strv_pushf(&d->evidence, "ListenAddress %s is not an address of this machine",
					   f->cfg_listen_missing.v[i]);
			strv_push(&d->evidence, "no sshd runs: it could not bind the address it was told to use");
			add_log_evidence(f, d);
			d->wording = "not_running";
			verdict_decision_set(d, "listen_address", f->log_no_bind || f->log_bind_failed ? "certain" : "likely");
			verdict_decision_alt(d, "sshd_not_running");
			return;
		}
		strv_push(&d->evidence, "no sshd process runs in this network namespace, and nothing listens for it");
		if (f->unit_state)
			strv_pushf(&d->evidence, "the service %s is %s%s", f->unit ? f->unit : "ssh", f->unit_state,
				   f->unit_masked ? ", and masked: it cannot be started until it is unmasked" : "");
		add_log_evidence(f, d);
		for (size_t i = 0; i < f->ntests && i < 2; i++)
			test_words(&f->tests[i], d);
		verdict_decision_set(d, "sshd_not_running", "certain");
		return;
	}

	/* 4. another program holds the asked port, for all clients or some
	 * (0.0.0.0 taken, sshd left with a v6-only [::]) */
	for (size_t i = 0; i < f->client_addrs.n && taker == NULL; i++) {
		const struct srv_listener *l = srv_listener_for(f, f->client_addrs.v[i], f->port);

		if (l != NULL && !l->is_sshd)
			taker = l;
	}
	if (taker != NULL) {
		listener_words(taker, who, sizeof(who));
		strv_pushf(&d->evidence, "%s holds port %d, not sshd: clients reach it instead", who, f->port);
		if (taker->addr[0])
			strv_pushf(&d->evidence, "it holds %s%s%s port %d", taker->family == 6 ? "[" : "",
				   taker->addr, taker->family == 6 ? "]" : "", taker->port);
		add_log_evidence(f, d);
		if ((other = sshd_other_port(f)) > 0)
			strv_pushf(&d->evidence, "sshd listens on port %d instead", other);
		verdict_decision_set(d, "port_in_use", "certain");
		return;
	}

	/* 5. the wrong port, or the wrong address */
	if (!sshd_listens_on(f, f->port) && (f->listen_checked || f->test_ran)) {
		other = sshd_other_port(f);
		if (socket_disagrees(f)) {
			strv_pushf(&d->evidence, "ssh.socket is active: systemd listens for sshd, and sshd_config's Port is ignored");
			strv_pushf(&d->evidence, "ssh.socket listens on port %d; sshd_config says Port %d",
				   f->socket_ports[0], f->cfg_ports[0]);
			if (f->socket_generator)
				strv_push(&d->evidence, "sshd-socket-generator gives ssh.socket sshd_config's ports only when systemd reloads: sshd_config was changed since");
			verdict_decision_set(d, "socket_activation_port", "certain");
			return;
		}
		if (other > 0 && sshd_other_port_for_clients(f) == 0) {
			/* sshd is there, but on neither the port nor an address a
			 * client can reach: "ssh -p" would be refused too */
			for (size_t k = 0; k < f->nlisteners; k++)
				if (f->listeners[k].is_sshd)
					strv_pushf(&d->evidence, "sshd listens only on %s%s%s port %d, not on port %d",
						   f->listeners[k].family == 6 ? "[" : "", f->listeners[k].addr,
						   f->listeners[k].family == 6 ? "]" : "", f->listeners[k].port, f->port);
			for (size_t k = 0; k < f->client_addrs.n; k++)
				strv_pushf(&d->evidence, "%s, an address clients use, has no sshd on any port",
					   f->client_addrs.v[k]);
			for (size_t k = 0; k < f->ntests; k++)
				if (f->tests[k].port == other && f->tests[k].tcp != TCP_ANSWERED)
					strv_pushf(&d->evidence, "tried from here, %s port %d: %s", f->tests[k].addr, other,
						   tcp_result_word(f->tests[k].tcp));
			d->wording = "other_port";
			verdict_decision_set(d, "listen_address", "certain");
			return;
		}
		if (other > 0) {
			strv_pushf(&d->evidence, "sshd listens on port %d, not on port %d", other, f->port);
			for (size_t i = 0; i < f->ntests; i++)
				if (f->tests[i].port == other && f->tests[i].banner == BANNER_SSH)
					strv_pushf(&d->evidence, "%s port %d answered \"%s\"", f->tests[i].addr,
						   other, f->tests[i].banner_text ? f->tests[i].banner_text : "SSH-");
			verdict_decision_set(d, "wrong_port", "certain");
			return;
		}
	}
	if (f->listen_checked && sshd_listens_on(f, f->port) && !f->socket_active) {
		size_t served = 0;

		for (size_t i = 0; i < f->client_addrs.n; i++) {
			const struct srv_listener *l = srv_listener_for(f, f->client_addrs.v[i], f->port);

			served += l != NULL && l->is_sshd;
		}
		for (size_t i = 0; i < f->client_addrs.n; i++) {
			const char *a = f->client_addrs.v[i];
			const struct srv_listener *l = srv_listener_for(f, a, f->port);

			if (l != NULL && l->is_sshd)
				continue;
			strv_pushf(&d->evidence, "sshd listens on port %d, but not on %s, an address clients use",
				   f->port, a);
			if (served > 0)
				strv_pushf(&d->evidence, "it does answer on %zu other address(es) of this machine: clients of those get in",
					   served);
			for (size_t k = 0; k < f->nlisteners; k++)
				if (f->listeners[k].is_sshd && f->listeners[k].port == f->port)
					strv_pushf(&d->evidence, "sshd listens on %s%s%s port %d%s",
						   f->listeners[k].family == 6 ? "[" : "", f->listeners[k].addr,
						   f->listeners[k].family == 6 ? "]" : "", f->port,
						   f->listeners[k].family == 6 && f->listeners[k].wildcard &&
						   f->listeners[k].v6only ? " (IPv6 only: IPv4 clients are refused)" : "");
			for (size_t k = 0; k < f->cfg_listen_missing.n; k++)
				strv_pushf(&d->evidence, "ListenAddress %s is not an address of this machine",
					   f->cfg_listen_missing.v[k]);
			/* some addresses served: the others may be left out on purpose */
			verdict_decision_set(d, "listen_address", served > 0 ? "likely" : "certain");
			return;
		}
	}

	/* 6. socket activation that disagrees with sshd_config */
	if (socket_disagrees(f)) {
		strv_pushf(&d->evidence, "ssh.socket listens on port %d; sshd_config says Port %d, which is ignored while the socket is active",
			   f->socket_ports[0], f->cfg_ports[0]);
		verdict_decision_set(d, "socket_activation_port", "likely");
		return;
	}

	/* 6b. the watch step: the client's attempts, as they arrived */
	if (f->watch_ran && f->nwatch == 0) {
		strv_pushf(&d->evidence, "for %d s no SYN from another machine reached port %d on any interface of this machine",
			   f->watch_waited_ms / 1000, f->port);
		strv_push(&d->unchecked, "that the client really tried while we watched");
		strv_push(&d->unchecked, "anything in front of this machine: a cloud security group, a router, a network firewall, the DNS record the client uses");
		verdict_decision_set(d, "upstream_block", "likely");
		return;
	}
	/* a ban of the client is a firewall rule too, one a ban tool made: it
	 * is named as the ban, with the unban as the fix */
	if (f->from_addrs.n > 0 && judge_bans_for_clients(f, d))
		return;
	for (size_t i = 0; i < f->nwatch; i++) {
		const struct srv_watch_source *s = &f->watch[i];

		if (s->answer != WIRE_SILENCE && s->answer != WIRE_ICMP &&
		    !(s->answer == WIRE_RST && sshd_listens_on(f, f->port)))
			continue;
		strv_pushf(&d->evidence, "%s's SYNs arrived on port %d, and %s", s->addr, f->port,
			   s->answer == WIRE_SILENCE ? "nothing answered: this machine's firewall dropped them"
			   : s->answer == WIRE_ICMP ? "this machine answered with an ICMP error: a firewall rule rejects them"
			   : "this machine answered with a RST although sshd listens: a rule rejects them with a reset");
		if (f->fw_rule)
			strv_pushf(&d->evidence, "%s: %s", f->fw_name ? f->fw_name : "the firewall", f->fw_rule);
		if (f->fw_who)
			strv_pushf(&d->evidence, "%s", f->fw_who);
		verdict_decision_set(d, "local_firewall", "certain");
		return;
	}

	/* 7. a local firewall rule: for the clients judged, or for any source */
	if (f->fw_checked && f->nfw_clients > 0) {
		const struct srv_fw_client *c = fw_blocked_client(f);

		if (c != NULL) {
			strv_pushf(&d->evidence, "%s %s port %d for %s, the client%s: %s", c->name ? c->name : "the firewall",
				   c->verdict == FW_VERDICT_DROPPED ? "drops" : "rejects", f->port, c->addr,
				   c->timing ? ", when it connects too often" : "", c->rule ? c->rule : "its policy");
			if (c->effect)
				strv_pushf(&d->evidence, "the client sees: %s", c->effect);
			if (f->fw_who)
				strv_pushf(&d->evidence, "%s", f->fw_who);
			if (c->timing)
				strv_push(&d->unchecked, "whether the client connects often enough to meet the rate limit");
			if (bad != NULL)
				test_words(bad, d);
			verdict_decision_set(d, "local_firewall", c->timing ? "likely" : "certain");
			return;
		}
		for (size_t i = 0; i < f->nfw_clients; i++)
			if (f->fw_clients[i].checked && f->fw_clients[i].verdict == FW_VERDICT_UNKNOWN)
				strv_pushf(&d->unchecked, "whether %s lets %s in: %s",
					   f->fw_clients[i].name ? f->fw_clients[i].name : "the firewall",
					   f->fw_clients[i].addr, f->fw_clients[i].unsure ? f->fw_clients[i].unsure : "");
	} else if (f->fw_checked && (f->fw_verdict == FW_VERDICT_DROPPED || f->fw_verdict == FW_VERDICT_REJECTED ||
			      f->fw_verdict == FW_VERDICT_OPEN_SOME)) {
		strv_pushf(&d->evidence, "%s %s port %d: %s", f->fw_name ? f->fw_name : "the firewall",
			   f->fw_verdict == FW_VERDICT_DROPPED ? "drops" :
			   f->fw_verdict == FW_VERDICT_REJECTED ? "rejects" : "blocks some sources on",
			   f->port, f->fw_rule ? f->fw_rule : "its policy");
		if (f->fw_who)
			strv_pushf(&d->evidence, "%s", f->fw_who);
		if (f->fw_effect)
			strv_pushf(&d->evidence, "a client sees: %s", f->fw_effect);
		if (bad != NULL)
			test_words(bad, d);
		if (f->fw_verdict == FW_VERDICT_OPEN_SOME)
			strv_push(&d->unchecked, "which address the client connects from: give --from");
		verdict_decision_set(d, "local_firewall", f->fw_verdict == FW_VERDICT_OPEN_SOME ? "likely" : "certain");
		return;
	} else if (f->fw_checked && (f->fw_blocked_some != NULL || f->fw_timing)) {
		strv_push(&d->unchecked, "which address the client connects from: give --from");
	}

	/* 8. TCP wrappers: for the client when it is known (--from); else for
	 * the sources we could think of, which may not include it */
	if ((f->wrap_refuses && f->libwrap != SRV_NO) || (f->test_log_wrap && !f->wrap_for_client)) {
		if (f->wrap_rule)
			strv_pushf(&d->evidence, "%s refuses sshd%s%s", f->wrap_rule,
				   f->wrap_client ? " for " : "", f->wrap_client ? f->wrap_client : "");
		if (f->libwrap == SRV_YES)
			strv_pushf(&d->evidence, "%s is linked with libwrap, so it honours hosts.allow and hosts.deny",
				   f->sshd_path[0] ? f->sshd_path : "sshd");
		if (f->test_log_wrap)
			strv_push(&d->evidence, "during the self-test sshd logged \"refused connect from\": the wrappers refused it");
		if (f->wrap_allowed)
			strv_pushf(&d->evidence, "hosts.allow lets in %s", f->wrap_allowed);
		if (bad != NULL)
			test_words(bad, d);
		if ((f->wrap_for_client && f->wrap_refuses) || f->wrap_refuses_all)
			verdict_decision_set(d, "tcp_wrappers", f->libwrap == SRV_YES ? "certain" : "likely");
		else {
			strv_push(&d->unchecked, "whether hosts.allow and hosts.deny refuse the client's own address and name: give it with --from");
			verdict_decision_set(d, "tcp_wrappers", "likely");
		}
		return;
	}

	/* 9. limits and bans */
	for (size_t i = 0; i < f->ntests; i++)
		if (f->tests[i].banner == BANNER_MAXSTARTUPS) {
			strv_pushf(&d->evidence, "%s port %d said \"Exceeded MaxStartups\" and closed",
				   f->tests[i].addr, f->tests[i].port);
			if (f->maxstartups_known && f->unauth_conns >= 0)
				strv_pushf(&d->evidence, "%d connection(s) wait for authentication; MaxStartups is %d:%d:%d",
					   f->unauth_conns, f->maxstartups.start, f->maxstartups.rate,
					   f->maxstartups.full);
			verdict_decision_set(d, "connection_limit", "certain");
			return;
		}
	/* the count includes logged-in sessions: it weighs only when sshd did
	 * not answer the self-test */
	if (f->test_log_maxstartups || (!(tried > 0 && ssh == tried) && f->maxstartups_known &&
					f->unauth_conns >= 0 && f->maxstartups.start > 0 &&
					f->unauth_conns >= f->maxstartups.start)) {
		if (f->maxstartups_known && f->unauth_conns >= 0)
			strv_pushf(&d->evidence, "%d connection(s) wait for authentication; MaxStartups starts refusing at %d",
				   f->unauth_conns, f->maxstartups.start);
		if (f->test_log_maxstartups)
			strv_push(&d->evidence, "during the self-test sshd logged a drop past MaxStartups");
		verdict_decision_set(d, "connection_limit", f->test_log_maxstartups ? "certain" : "likely");
		return;
	}
	/* bans are routine on a server facing the Internet: without knowing the
	 * client, a cause only when sshd did not answer this machine either
	 * (sshguard blocks it too) */
	if (f->banned.n > 0 && f->from_addrs.n == 0 && !(tried > 0 && ssh == tried)) {
		for (size_t i = 0; i < f->banned.n && i < 5; i++)
			strv_pushf(&d->evidence, "banned: %s", f->banned.v[i]);
		if (bad != NULL)
			test_words(bad, d);
		verdict_decision_set(d, "fail2ban_ban", "likely");
		return;
	}
	if (f->banned.n > 0 && f->from_addrs.n == 0) {
		strv_pushf(&d->unchecked, "whether the client is among the %zu address(es) banned from SSH (%s%s): give the client's address with --from",
			   f->banned.n, f->banned.v[0], f->banned.n > 1 ? ", ..." : "");
		if (prevention != NULL)
			strv_pushf(prevention, "%zu address(es) are banned from SSH (%s%s): a client that cannot connect may be among them",
				   f->banned.n, f->banned.v[0], f->banned.n > 1 ? ", ..." : "");
	}

	/* ok: sshd says who it is on the asked port, on every address clients use */
	if (tried > 0 && ssh == tried) {
		for (size_t i = 0; i < f->ntests; i++)
			if (f->tests[i].port == f->port && f->tests[i].banner == BANNER_SSH)
				strv_pushf(&d->evidence, "%s port %d answered \"%s\"", f->tests[i].addr, f->port,
					   f->tests[i].banner_text ? f->tests[i].banner_text : "SSH-");
		for (size_t i = 0; i < f->login_refusals.n; i++)
			strv_pushf(&d->evidence, "but once connected: %s, and ssh says \"Permission denied\"",
				   f->login_refusals.v[i]);
		fw_admits_words(f, d);
		/* the self-test came from here: a firewall that blocks some
		 * sources, or whose answer for the client is not known, may
		 * still stop the client */
		verdict_decision_set(d, "ok", fw_doubt(f) ? "likely" : "certain");
		return;
	}
	/* the self-test came from this machine's own address, which a
	 * firewall rule for some sources blocks; the clients judged are not
	 * among them, and sshd answered elsewhere */
	if (bad != NULL && ssh > 0 && selftest_blocked_by_source(f, bad)) {
		strv_pushf(&d->evidence, "the firewall lets %s in on port %d", f->from_addrs.v[0], f->port);
		strv_pushf(&d->evidence, "it blocks %s, which holds this machine's own address %s: the self-test to %s came from it and got no answer",
			   f->fw_blocked_some ? f->fw_blocked_some : "some sources", bad->addr, bad->addr);
		for (size_t i = 0; i < f->ntests; i++)
			if (f->tests[i].port == f->port && f->tests[i].banner == BANNER_SSH)
				strv_pushf(&d->evidence, "%s port %d answered \"%s\"", f->tests[i].addr, f->port,
					   f->tests[i].banner_text ? f->tests[i].banner_text : "SSH-");
		strv_pushf(&d->unchecked, "the SSH identification on %s as the client would see it: the self-test could not get it from here",
			   bad->addr);
		verdict_decision_set(d, "ok", "likely");
		return;
	}
	/* the self-test came from this machine's own address, which the
	 * wrappers refuse; the client they let in would get SSH */
	if (bad != NULL && f->wrap_for_client && !f->wrap_refuses && (f->test_log_wrap || f->wrap_refuses_self) &&
	    bad->tcp == TCP_ANSWERED && (bad->banner == BANNER_CLOSED || bad->banner == BANNER_RESET) &&
	    sshd_listens_on(f, f->port)) {
		strv_pushf(&d->evidence, "hosts.allow and hosts.deny let the client in (%s)", f->from_addrs.v[0]);
		strv_pushf(&d->evidence, "they refuse this machine's own address, so the self-test was accepted and then closed before sshd said a word");
		strv_push(&d->unchecked, "the SSH identification as the client would see it: the self-test could not get it from here");
		verdict_decision_set(d, "ok", "likely");
		return;
	}
	/* the same for a firewall: it lets every client judged in, and blocks
	 * the self-test, which came from this machine's own address */
	if (bad != NULL && bad->tcp != TCP_ANSWERED && server_fw_admits_all_clients(f) && sshd_listens_on(f, f->port) &&
	    (f->fw_verdict == FW_VERDICT_DROPPED || f->fw_verdict == FW_VERDICT_REJECTED ||
	     f->fw_verdict == FW_VERDICT_OPEN_SOME)) {
		strv_pushf(&d->evidence, "the firewall lets the client in (%s), and sshd listens on port %d",
			   f->from_addrs.v[0], f->port);
		test_words(bad, d);
		strv_push(&d->evidence, "the firewall blocks the port for other sources, this machine's own address among them: that is why the self-test got no answer");
		strv_push(&d->unchecked, "the SSH identification as the client would see it: the self-test could not get it from here");
		verdict_decision_set(d, "ok", "likely");
		return;
	}
	if (bad != NULL) {
		/* the self-test failed, and nothing above says why: guess from how */
		test_words(bad, d);
		switch (bad->tcp) {
		case TCP_REFUSED:
			verdict_decision_set(d, "listen_address", "possible");
			verdict_decision_alt(d, "local_firewall");
			return;
		case TCP_NO_ANSWER:
		case TCP_FORBIDDEN:
		case TCP_HOST_UNREACH:
			verdict_decision_set(d, "local_firewall", "possible");
			return;
		default:
			break;
		}
		if (bad->banner == BANNER_CLOSED || bad->banner == BANNER_RESET) {
			verdict_decision_set(d, "tcp_wrappers", "possible");
			verdict_decision_alt(d, "connection_limit");
			return;
		}
		verdict_decision_set(d, "port_in_use", "possible");
		return;
	}
	strv_pushf(&d->evidence, "sshd listens on port %d; the self-test did not run", f->port);
	verdict_decision_set(d, "ok", "possible");
}

/* Whether path can be typed into a shell as it is: no quoting needed. */
static bool shell_safe(const char *path)
{
	if (path == NULL || path[0] != '/')
		return false;
	for (const char *p = path; *p; p++)
		if (!isalnum((unsigned char)*p) && strchr("/._-+", *p) == NULL)
			return false;
	return true;
}

/* The command that removes the cause found (the program holding the port
 * stopped, the line sshd rejects commented out, a copy of the file kept)
 * and then starts sshd, or restarts it where systemd runs it; NULL when
 * the evidence does not say exactly what to change. start: how to start
 * sshd here. The caller frees. */
static char *fix_and_start(const struct server_facts *f, const struct verdict_decision *d,
			   const struct srv_listener *taker, const char *start)
{
	bool running = f->nrunning_here > 0 || sshd_listens(f) || f->socket_active;
	char *then, *cmd = NULL;

	if (!running)
		then = xstrdup(start);
	else if (f->systemd)
		then = xasprintf("sudo systemctl restart %s", f->unit ? f->unit : "ssh");
	else
		then = NULL;    /* an sshd started by hand: the fix text says to restart it */
	if (strcmp(d->cause, "port_in_use") == 0 && taker != NULL && !running)
		/* no sshd holds the port: whoever holds it is the one to stop;
		 * the kernel frees the port once the killed program has exited,
		 * a moment after the signal */
		cmd = xasprintf("sudo fuser -k %d/tcp && sleep 1 && %s", f->port, then);
	else if (strcmp(d->cause, "port_in_use") == 0 && taker != NULL && taker->pid > 1)
		/* sshd holds the port on another address: only the one named */
		cmd = then ? xasprintf("sudo kill %ld && sleep 1 && %s", taker->pid, then)
			   : xasprintf("sudo kill %ld", taker->pid);
	else if (strcmp(d->cause, "sshd_config_error") == 0 && f->config_error_line > 0 &&
		 shell_safe(f->config_error_file)) {
		const char *file = f->config_error_file;
		bool other = f->config_file && strcmp(f->config_file, SSHD_CONFIG_DIR "/sshd_config") != 0;
		char *check;

		if (other && !shell_safe(f->config_file))
			goto out;
		/* sshd -t again before any start: sshd never starts on a file it rejects */
		check = xasprintf("sudo %s -t%s%s", shell_safe(f->sshd_path) ? f->sshd_path : "sshd",
				  other ? " -f " : "", other ? f->config_file : "");
		cmd = xasprintf("sudo cp -p %s %s.bak && sudo sed -i '%us/^/# /' %s && %s%s%s", file, file,
				f->config_error_line, file, check, then ? " && " : "", then ? then : "");
		free(check);
	}
out:
	free(then);
	return cmd;
}

void verdict_server(const struct server_facts *f, const struct target *t,
		    const struct assets *a, const char *platform, struct report_verdict *v)
{
	struct verdict_decision d;
	struct strv prevention;
	char altport[16], line[16];
	struct target_vars tv;
	size_t nv;
	const char *who = "a program";
	char whobuf[96];
	char start[600];
	struct asset_var vars[TARGET_NVARS + 7];
	const struct srv_listener *taker = port_taker(f, f->port);

	verdict_decision_init(&d);
	strv_init(&prevention);
	verdict_decide_server(f, &d, &prevention);
	if (taker != NULL) {
		listener_words(taker, whobuf, sizeof(whobuf));
		who = whobuf;
	}
	snprintf(altport, sizeof(altport), "%d", sshd_other_port(f));
	snprintf(line, sizeof(line), "%u", f->config_error_line);
	nv = target_vars_fill(&tv, t, f->port, f->client_addrs.n ? f->client_addrs.v[0] : NULL,
			      f->client_addrs.n ? f->client_addrs.v[0] : NULL);
	memcpy(vars, tv.v, sizeof(tv.v));
	vars[nv++] = (struct asset_var){"alt_port", altport};
	vars[nv++] = (struct asset_var){"config_file", f->config_file ? f->config_file : "/etc/ssh/sshd_config"};
	vars[nv++] = (struct asset_var){"config_line", line};
	vars[nv++] = (struct asset_var){"error_file", f->config_error_file ? f->config_error_file
					: f->config_file ? f->config_file : "/etc/ssh/sshd_config"};
	vars[nv++] = (struct asset_var){"program", who};
	vars[nv++] = (struct asset_var){"unit", f->unit ? f->unit : "ssh"};
	/* how to start sshd here: through systemd, or by hand without it */
	if (f->systemd && f->unit_masked)
		snprintf(start, sizeof(start), "sudo systemctl unmask %s && sudo systemctl enable --now %s",
			 f->unit ? f->unit : "ssh", f->unit ? f->unit : "ssh");
	else if (f->systemd || !f->sshd_found)
		snprintf(start, sizeof(start), "sudo systemctl enable --now %s",
			 f->unit ? f->unit : strcmp(platform, "rhel") == 0 ? "sshd" : "ssh");
	else if (f->init_start)
		snprintf(start, sizeof(start), "%s", f->init_start);
	else if (f->config_file && strcmp(f->config_file, SSHD_CONFIG_DIR "/sshd_config") != 0)
		snprintf(start, sizeof(start), "sudo %s -f %s", f->sshd_path, f->config_file);
	else
		snprintf(start, sizeof(start), "sudo %s", f->sshd_path);
	vars[nv++] = (struct asset_var){"start_command", start};
	verdict_word(&d, vars, nv, t, a, platform, v);
	/* the rule that was found says better than the cause's generic command */
	if (strcmp(d.cause, "local_firewall") == 0 && f->nfw_clients > 0 && fw_blocked_client(f) != NULL) {
		const struct srv_fw_client *c = fw_blocked_client(f);
		struct strv fixes;

		/* only commands that let the clients in, and keep the rest:
		 * the one the verdict names first, then each other client's
		 * address (its IPv6 one, say) that is blocked too */
		strv_init(&fixes);
		if (c->fix)
			strv_push(&fixes, c->fix);
		for (size_t i = 0; c->fix && i < f->nfw_clients; i++) {
			const struct srv_fw_client *o = &f->fw_clients[i];

			if (o->checked && (o->verdict == FW_VERDICT_DROPPED || o->verdict == FW_VERDICT_REJECTED) &&
			    o->fix && !strv_contains(&fixes, o->fix))
				strv_push(&fixes, o->fix);
		}
		free(v->fix_command);
		v->fix_command = NULL;
		if (fixes.n > 0) {
			struct strbuf sb;

			strbuf_init(&sb);
			for (size_t i = 0; i < fixes.n; i++)
				strbuf_addf(&sb, "%s%s", i ? " && " : "", fixes.v[i]);
			v->fix_command = strbuf_detach(&sb, NULL);
		}
		strv_release(&fixes);
		for (size_t i = 0; i < f->nfw_clients; i++)
			if (f->fw_clients[i].fix_note && !strv_contains(&prevention, f->fw_clients[i].fix_note) &&
			    f->fw_clients[i].checked && (f->fw_clients[i].verdict == FW_VERDICT_DROPPED ||
							 f->fw_clients[i].verdict == FW_VERDICT_REJECTED))
				strv_push(&prevention, f->fw_clients[i].fix_note);
	} else if (strcmp(d.cause, "local_firewall") == 0 && f->fw_fix != NULL) {
		free(v->fix_command);
		v->fix_command = xstrdup(f->fw_fix);
	}
	/* a fix changes what is wrong: the program on the port is stopped, the
	 * line sshd rejects is commented out; then sshd is (re)started */
	if (strcmp(d.cause, "port_in_use") == 0 || strcmp(d.cause, "sshd_config_error") == 0) {
		char *cmd = fix_and_start(f, &d, taker, start);

		free(v->fix_command);
		v->fix_command = cmd;
	}
	if (strcmp(d.cause, "selinux_port") == 0) {
		free(v->fix_command);
		v->fix_command = xasprintf("sudo semanage port -a -t ssh_port_t -p tcp %d && sudo systemctl restart %s",
					   f->log_bind_denied_port, f->unit ? f->unit : "sshd");
	}
	if (strcmp(d.cause, "socket_activation_port") == 0 && f->systemd) {
		free(v->fix_command);
		if (f->socket_generator)
			/* Ubuntu 24.04 and later: sshd_config is right, the socket
			 * has not been given it yet */
			v->fix_command = xstrdup("sudo systemctl daemon-reload && sudo systemctl restart ssh.socket");
		else
			/* the socket's own ListenStream wins: let sshd listen by
			 * itself, as sshd_config says (a running ssh.service keeps
			 * the socket it was handed until it restarts) */
			v->fix_command = xasprintf("sudo systemctl disable --now ssh.socket && sudo systemctl enable %s && sudo systemctl restart %s",
						   f->unit ? f->unit : "ssh.service", f->unit ? f->unit : "ssh.service");
	}
	if (strcmp(d.cause, "fail2ban_ban") == 0 && f->from_addrs.n > 0) {
		const char *client = NULL;

		free(v->fix_command);
		v->fix_command = NULL;
		if (ban_of_client(&f->f2b_banned, &f->from_addrs, &client) != NULL) {
			v->fix_command = xasprintf("sudo fail2ban-client set sshd unbanip %s", client);
		} else {
			/* sshguard has no unban command: its block is lifted
			 * as its back end lifts it when the block ends (a
			 * restart would lift every other block too) */
			const char *ban = ban_of_client(&f->guard_banned, &f->from_addrs, &client);

			for (size_t i = 0; ban != NULL && i < f->guard_banned.n && i < f->guard_unban.n; i++)
				if (f->guard_banned.v[i] == ban && f->guard_unban.v[i][0] != '\0')
					v->fix_command = xstrdup(f->guard_unban.v[i]);
		}
	}
	strv_copy(&v->judged_for, &f->from_addrs);
	for (size_t i = 0; i < prevention.n; i++)
		strv_push(&v->prevention, prevention.v[i]);
	strv_release(&prevention);
	verdict_decision_release(&d);
}

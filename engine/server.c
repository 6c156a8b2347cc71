/* The server facts and the helpers the server probes share. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/parse/hosts-file.h"
#include "engine/parse/parse-address.h"
#include "engine/platform.h"
#include "engine/probe.h"
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
	strv_init(&f->f2b_banned);
	strv_init(&f->banned);
	strv_init(&f->test_log);
	strv_init(&f->log_files);
	strv_init(&f->unit_runtime_dirs);
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
	f->unit_found = false;
	drop(&f->unit);
	f->unit_active = false;
	f->unit_enabled = SRV_UNKNOWN;
	f->unit_masked = false;
	strv_release(&f->unit_runtime_dirs);
	drop(&f->unit_state);
	drop(&f->init_start);
	f->socket_active = false;
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
	strv_release(&f->guard_banned);
	server_facts_merge_bans(f);
}

void server_facts_forget_wrappers(struct server_facts *f)
{
	f->wrap_checked = false;
	f->libwrap = SRV_UNKNOWN;
	f->wrap_refuses = false;
	drop(&f->wrap_rule);
	drop(&f->wrap_client);
}

void server_facts_forget_logs(struct server_facts *f)
{
	f->logs_checked = false;
	strv_release(&f->log_files);
	f->log_no_bind = false;
	drop(&f->log_bind_failed);
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
	f->macos = strcmp(platform_name(), "macos") == 0;
	f->port = t->port > 0 ? t->port : SSHD_DEFAULT_PORT;
	f->port_given = t->port_given;
	free(f->sshd_config);
	f->sshd_config = sshd_config ? xstrdup(sshd_config) : NULL;
	strv_release(&f->local_addrs);
	strv_release(&f->client_addrs);
	srv_local_addresses(&f->local_addrs);
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

int srv_read_file(const char *path, size_t max, bool tail, struct strbuf *out)
{
	char buf[8192];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if (tail && st.st_size > 0 && (size_t)st.st_size > max)
		(void)lseek(fd, st.st_size - (off_t)max, SEEK_SET);
	while (got < max) {
		size_t want = max - got < sizeof(buf) ? max - got : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		strbuf_add(out, buf, (size_t)n);
		got += (size_t)n;
	}
out:
	close(fd);
	return rc;
}

int srv_local_addresses(struct strv *list)
{
	struct ifaddrs *ifa, *p;

	if (getifaddrs(&ifa) != 0)
		return -1;
	for (p = ifa; p != NULL; p = p->ifa_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ifa_addr == NULL || !(p->ifa_flags & IFF_UP))
			continue;
		if (p->ifa_addr->sa_family == AF_INET) {
			a = &((const struct sockaddr_in *)(const void *)p->ifa_addr)->sin_addr;
		} else if (p->ifa_addr->sa_family == AF_INET6) {
			const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)p->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a6))
				continue;
			a = a6;
		} else {
			continue;
		}
		if (inet_ntop(p->ifa_addr->sa_family, a, text, sizeof(text)) != NULL &&
		    !strv_contains(list, text))
			strv_push(list, text);
	}
	freeifaddrs(ifa);
	return 0;
}

int srv_iface_of(const char *addr, char *ifname, size_t len)
{
	struct ifaddrs *ifa, *p;
	unsigned char want[16], have[16];
	int rc = -1;

	if (!addr_key(addr, want) || getifaddrs(&ifa) != 0)
		return -1;
	for (p = ifa; p != NULL && rc != 0; p = p->ifa_next) {
		char text[INET6_ADDRSTRLEN];
		const void *a;

		if (p->ifa_addr == NULL)
			continue;
		if (p->ifa_addr->sa_family == AF_INET)
			a = &((const struct sockaddr_in *)(const void *)p->ifa_addr)->sin_addr;
		else if (p->ifa_addr->sa_family == AF_INET6)
			a = &((const struct sockaddr_in6 *)(const void *)p->ifa_addr)->sin6_addr;
		else
			continue;
		if (inet_ntop(p->ifa_addr->sa_family, a, text, sizeof(text)) != NULL &&
		    addr_key(text, have) && memcmp(want, have, 16) == 0) {
			snprintf(ifname, len, "%s", p->ifa_name);
			rc = 0;
		}
	}
	freeifaddrs(ifa);
	return rc;
}





int server_host_is_local(const char *host)
{
	struct strv local;
	struct strbuf hosts;
	char name[256] = "";
	bool yes;

	strv_init(&local);
	strbuf_init(&hosts);
	srv_local_addresses(&local);
	srv_read_file("/etc/hosts", 1024 * 1024, false, &hosts);
	if (gethostname(name, sizeof(name) - 1) != 0)
		name[0] = '\0';
	yes = server_name_is_local(host, name, hosts.buf, hosts.len, &local);
	strbuf_release(&hosts);
	strv_release(&local);
	return yes ? 1 : 0;
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

static srv_find_fn find_hook;

void srv_set_find_hook(srv_find_fn fn)
{
	find_hook = fn;
}

int srv_find(const char *name, char *path, size_t pathlen)
{
	return find_hook != NULL ? find_hook(name, path, pathlen) : exec_find(name, path, pathlen);
}

void srv_detail_text(struct step_work *w, const char *prefix, const char *text, size_t len,
		     size_t max_lines)
{
	size_t i = 0, lines = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		char *p;

		if (lines++ == max_lines) {
			step_detail(w, "%s... (more lines not shown)", prefix);
			return;
		}
		p = printable(text + i, n, true);
		step_detail(w, "%s%s", prefix, p);
		free(p);
		i += n + 1;
	}
}

int srv_run(struct step_work *w, const char *const argv[], int timeout_ms, struct exec_result *r,
	    size_t max_lines)
{
	struct strbuf cmd;
	int rc;

	strbuf_init(&cmd);
	for (size_t i = 0; argv[i] != NULL; i++)
		strbuf_addf(&cmd, "%s%s", i ? " " : "", argv[i]);
	rc = exec_run(argv, timeout_ms, EXEC_DEFAULT_MAX_OUTPUT, r);
	srv_detail_text(w, "$ ", cmd.buf, cmd.len, 1);
	if (rc < 0) {
		step_detail(w, "  could not run: %s", strerror(-rc));
	} else {
		srv_detail_text(w, "  ", r->out.buf, r->out.len, max_lines);
		srv_detail_text(w, "  stderr: ", r->err.buf, r->err.len, max_lines);
		if (r->timed_out)
			step_detail(w, "  (stopped after %d ms)", timeout_ms);
		else
			step_detail(w, "  (exit status %d)", r->status);
	}
	strbuf_release(&cmd);
	return rc;
}

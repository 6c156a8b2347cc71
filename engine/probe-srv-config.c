/* SPDX-License-Identifier: MIT */
/* sshd's configuration: does sshd accept it (`sshd -t`, the file and line of
 * an error), and what it says (`sshd -T`, or `sshd -G` from OpenSSH 9.3 on,
 * which needs neither root nor a running service; our own parser of
 * sshd_config with Include and Match when sshd cannot print them). Read with the -f, -p and -o of the running sshd, or
 * --sshd-config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/parse/parse-address.h"
#include "engine/probe.h"

#define CONFIG_MAX (1024 * 1024)

static int io_read(void *ctx, const char *path, struct strbuf *out)
{
	(void)ctx;
	return os_read_file(path, CONFIG_MAX, false, out);
}

static int io_glob(void *ctx, const char *pattern, struct strv *out)
{
	(void)ctx;
	return os_glob(pattern, out);
}

/* argv for sshd MODE with the running sshd's own -f, -p and -o. */
static void sshd_argv(const struct server_facts *f, const struct srv_proc *p, const char *mode,
		      struct strv *args)
{
	strv_push(args, f->sshd_path);
	strv_push(args, mode);
	strv_push(args, "-f");
	strv_push(args, f->config_file);
	if (p != NULL && p->port > 0)
		strv_pushf(args, "-p%d", p->port);
	for (size_t i = 0; p != NULL && i < p->options.n; i++) {
		strv_push(args, "-o");
		strv_push(args, p->options.v[i]);
	}
}

/* True when path is /run/NAME and the service has RuntimeDirectory=NAME:
 * systemd makes it when the service starts and removes it when it stops. */
static bool made_by_service(const struct server_facts *f, const char *path)
{
	if (path == NULL || !str_starts_with(path, "/run/"))
		return false;
	return f->systemd && strv_contains(&f->unit_runtime_dirs, path + strlen("/run/"));
}

/* Runs sshd with args and shows the command and its output in w's details. */
static int run_args(struct step_work *w, struct strv *args, struct exec_result *r)
{
	struct os_trace t;
	int rc;

	os_trace_init(&t);
	rc = os_sshd_run(args, r, &t);
	srv_trace_show(w, &t);
	return rc;
}

/* sshd -G (OpenSSH 9.3 and later) prints the effective configuration
 * without loading the host keys or checking the privilege separation
 * directory, so it answers without root and while the service is stopped.
 * Fills dump with its output and returns true when it ran and succeeded;
 * an older sshd does not know -G and says so with its usage. */
static bool sshd_G(struct step_work *w, const struct server_facts *f, const struct srv_proc *p,
		   struct strbuf *dump)
{
	struct strv args;
	struct exec_result r;
	bool ok;

	strv_init(&args);
	exec_result_init(&r);
	sshd_argv(f, p, "-G", &args);
	ok = run_args(w, &args, &r) == 0 && !r.timed_out && r.status == 0 && r.out.len > 0;
	if (ok)
		strbuf_add(dump, r.out.buf, r.out.len);
	exec_result_release(&r);
	strv_release(&args);
	return ok;
}

/* Runs sshd -t; when sshd -G had to stand in for it (no root for the host
 * keys), its output is left in g_dump for read_config. */
static void check_config(struct step_work *w, struct server_facts *f, const struct srv_proc *p,
			 struct strbuf *g_dump)
{
	struct strv args;
	struct exec_result r;
	struct sshd_check chk;
	const struct sshd_check_msg *m;

	strv_init(&args);
	exec_result_init(&r);
	sshd_check_init(&chk);
	sshd_argv(f, p, "-t", &args);
	if (run_args(w, &args, &r) != 0 || r.timed_out) {
		step_evidence(w, "sshd -t could not run: the configuration was not checked by sshd");
		goto out;
	}
	f->config_checked = true;
	sshd_check_parse(&chk, r.err.buf, r.err.len);
	if (r.status == 0) {
		step_evidence(w, "sshd -t -f %s: the configuration is valid", f->config_file);
		for (size_t i = 0; i < chk.n; i++)
			step_evidence(w, "sshd -t warns: %s", chk.v[i].message);
		goto out;
	}
	m = sshd_check_first_fatal(&chk);
	if (m == NULL && chk.n > 0)
		m = &chk.v[0];
	/* only root may read the host keys: that is no error in the file */
	if (geteuid() != 0 && (m == NULL || m->kind == SSHD_CHECK_NO_HOSTKEYS || m->kind == SSHD_CHECK_HOSTKEY)) {
		if (sshd_G(w, f, p, g_dump)) {
			step_evidence(w, "sshd -G read %s without error (sshd -t needs root to read the host keys, which were not checked)",
				      f->config_file);
			goto out;
		}
		f->config_checked = false;
		step_evidence(w, "sshd -t needs root to read the host keys (it said: %s): run ssh-doctor with sudo to check the configuration",
			      m ? m->message : "nothing");
		goto out;
	}
	/* sshd checks its privilege separation directory after it has read
	 * the configuration: under systemd that directory exists only while
	 * the service runs, so its absence says nothing about the file */
	if (m != NULL && m->kind == SSHD_CHECK_PRIVSEP_DIR && made_by_service(f, m->path)) {
		f->config_runtime_dir = xstrdup(m->path);
		step_evidence(w, "sshd -t read %s without error, then stopped at the missing %s: %s makes that directory when it starts (RuntimeDirectory=) and removes it when it stops, so it is missing whenever the service is stopped",
			      f->config_file, m->path, f->unit ? f->unit : "the service");
		goto out;
	}
	f->config_error = true;
	if (m != NULL) {
		f->config_message = xstrdup(m->message);
		if (m->file) {
			f->config_error_file = xstrdup(m->file);
			f->config_error_line = m->line;
			step_evidence(w, "sshd -t rejects the configuration: %s line %u: %s", m->file, m->line,
				      m->message);
		} else {
			step_evidence(w, "sshd -t rejects the configuration: %s", m->message);
		}
	} else {
		f->config_message = xasprintf("sshd -t exited with status %d", r.status);
		step_evidence(w, "sshd -t rejects the configuration (exit status %d, no message)", r.status);
	}
out:
	sshd_check_release(&chk);
	exec_result_release(&r);
	strv_release(&args);
}

/* The package's OpenSSH version ("1:9.2p1-2+deb12u10", "8.7p1-38.el9") as
 * major * 100 + minor, or 0 when unknown. */
static int openssh_version(const char *pkg)
{
	const char *p = pkg, *colon;
	char *end;
	long major, minor;

	if (p == NULL)
		return 0;
	if ((colon = strchr(p, ':')) != NULL)
		p = colon + 1;
	major = strtol(p, &end, 10);
	if (end == p || *end != '.')
		return 0;
	p = end + 1;
	minor = strtol(p, &end, 10);
	if (end == p || major < 1 || major > 99 || minor < 0 || minor > 99)
		return 0;
	return (int)(major * 100 + minor);
}

/* The effective configuration: sshd -T, else sshd -G (g_dump when it ran
 * already), else our parser. NULL when none. */
static struct sshd_config *read_config(struct step_work *w, struct server_facts *f, const struct srv_proc *p,
				       struct strbuf *g_dump)
{
	struct sshd_config *cfg = sshd_config_new();
	struct sshd_config_io io = {io_read, io_glob, NULL, openssh_version(f->pkg_version)};
	struct strbuf text;
	int rc;

	if (f->sshd_found && !f->config_error && g_dump->len == 0) {
		struct strv args;
		struct exec_result r;

		strv_init(&args);
		exec_result_init(&r);
		sshd_argv(f, p, "-T", &args);
		if (run_args(w, &args, &r) == 0 && r.status == 0 &&
		    sshd_config_parse_dump(cfg, "sshd -T", r.out.buf, r.out.len) == 0 && cfg->nlisten > 0) {
			f->config_source = xstrdup("sshd -T");
		} else {
			sshd_config_free(cfg);
			cfg = sshd_config_new();
		}
		exec_result_release(&r);
		strv_release(&args);
		if (f->config_source)
			return cfg;
		if (!sshd_G(w, f, p, g_dump))
			strbuf_reset(g_dump);
	}
	if (f->sshd_found && !f->config_error && g_dump->len > 0) {
		if (sshd_config_parse_dump(cfg, "sshd -G", g_dump->buf, g_dump->len) == 0 && cfg->nlisten > 0) {
			f->config_source = xstrdup("sshd -G");
			return cfg;
		}
		sshd_config_free(cfg);
		cfg = sshd_config_new();
	}
	strbuf_init(&text);
	rc = os_read_file(f->config_file, CONFIG_MAX, false, &text);
	if (rc != 0) {
		step_evidence(w, "cannot read %s: %s", f->config_file, strerror(-rc));
		strbuf_release(&text);
		sshd_config_free(cfg);
		return NULL;
	}
	sshd_config_parse(cfg, f->config_file, text.buf, text.len, &io);
	strbuf_release(&text);
	f->config_source = xstrdup("sshd_config");
	for (size_t i = 0; i < cfg->nproblems && i < 10; i++)
		step_evidence(w, "%s line %u: %s", cfg->problems[i].at.file ? cfg->problems[i].at.file : "?",
			      cfg->problems[i].at.line, cfg->problems[i].message);
	for (size_t i = 0; i < cfg->notes.n && i < 5; i++)
		step_evidence(w, "%s", cfg->notes.v[i]);
	return cfg;
}

/* For the clients judged: would sshd let the login in once connected?
 * sshd -T -C (or -G -C) applies the Match blocks for that connection;
 * AllowUsers and DenyUsers then decide. A refusal is "Permission denied",
 * not a connection failure: it is said, for the verdict to mention. */
static void judge_logins(struct step_work *w, struct server_facts *f, const struct srv_proc *p)
{
	const char *user = f->login_user ? f->login_user : "root";

	for (size_t i = 0; i < f->from_addrs.n && i < 3; i++) {
		const char *addr = f->from_addrs.v[i];
		char name[256], spec[600];
		bool mismatch;
		struct sshd_config *cfg = NULL;
		const char *modes[] = {"-T", "-G"};

		os_client_name(addr, name, sizeof(name), &mismatch);
		snprintf(spec, sizeof(spec), "addr=%s,user=%s,host=%s,laddr=%s,lport=%d", addr, user,
			 name[0] && !mismatch ? name : addr, f->client_addrs.n ? f->client_addrs.v[0] : "127.0.0.1",
			 f->port);
		for (size_t m = 0; m < 2 && cfg == NULL; m++) {
			struct strv args;
			struct exec_result r;

			strv_init(&args);
			exec_result_init(&r);
			sshd_argv(f, p, modes[m], &args);
			strv_push(&args, "-C");
			strv_push(&args, spec);
			if (run_args(w, &args, &r) == 0 && r.status == 0) {
				cfg = sshd_config_new();
				if (sshd_config_parse_dump(cfg, "sshd -T -C", r.out.buf, r.out.len) != 0) {
					sshd_config_free(cfg);
					cfg = NULL;
				}
			}
			exec_result_release(&r);
			strv_release(&args);
		}
		if (cfg == NULL) {
			step_detail(w, "sshd could not say which Match blocks apply to %s from %s", user, addr);
			continue;
		}
		{
			char *reason = NULL;

			/* groups unknown here: a group rule leaves it undetermined */
			if (sshd_settings_user_allowed(&cfg->global, user, NULL, name[0] ? name : NULL, addr,
						       &reason) == 0)
				strv_pushf(&f->login_refusals, "sshd refuses the login of %s from %s: %s", user, addr,
					   reason ? reason : "AllowUsers/DenyUsers");
			free(reason);
		}
		sshd_config_free(cfg);
	}
	for (size_t i = 0; i < f->login_refusals.n; i++)
		step_evidence(w, "%s: once connected, ssh says \"Permission denied\", not \"Connection refused\"",
			      f->login_refusals.v[i]);
}

static bool is_wildcard(const char *host)
{
	return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0 || host[0] == '\0';
}

static void teach_access(struct step_work *w, const char *kw, const struct sshd_list *l)
{
	struct strbuf sb;

	if (l->v.n == 0)
		return;
	strbuf_init(&sb);
	for (size_t i = 0; i < l->v.n; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", l->v.v[i]);
	step_evidence(w, "%s %s: others can connect, then get \"Permission denied\" (not \"Connection refused\")",
		      kw, sb.buf);
	strbuf_release(&sb);
}

static void take_values(struct step_work *w, struct server_facts *f, const struct sshd_config *cfg)
{
	const struct sshd_settings *g = &cfg->global;
	struct strv names;
	unsigned char key[16];
	int pa;

	f->config_read = true;
	strv_init(&names);
	for (size_t i = 0; i < cfg->nlisten; i++) {
		const struct sshd_listen *l = &cfg->listen[i];
		bool known = false;

		for (size_t k = 0; k < f->ncfg_ports; k++)
			known |= f->cfg_ports[k] == l->port;
		if (!known && f->ncfg_ports < SRV_MAX_PORTS)
			f->cfg_ports[f->ncfg_ports++] = l->port;
		strv_pushf(&f->cfg_listen, "%s port %d", l->host, l->port);
		if (is_wildcard(l->host) || strv_contains(&f->cfg_listen_missing, l->host))
			continue;
		if (addr_key(l->host, key)) {
			if (!srv_addr_in(&f->local_addrs, l->host))
				strv_push(&f->cfg_listen_missing, l->host);
		} else if (os_host_is_local(l->host) != 1 && !strv_contains(&names, l->host)) {
			/* a name ("ListenAddress localhost"): sshd binds what it
			 * resolves to when it starts; only the hosts file is read here */
			strv_push(&names, l->host);
		}
	}
	for (size_t i = 0; i < names.n; i++)
		step_evidence(w, "ListenAddress %s is a name: sshd listens on the addresses it resolves to when sshd starts, which this machine's hosts file does not show to be its own",
			      names.v[i]);
	strv_release(&names);
	for (size_t i = 0; i < f->cfg_listen.n; i++)
		step_evidence(w, "%s tells sshd to listen on %s", f->config_source, f->cfg_listen.v[i]);
	for (size_t i = 0; i < f->cfg_listen_missing.n; i++)
		step_evidence(w, "ListenAddress %s is not an address of this machine: sshd cannot bind it (\"Cannot assign requested address\"), and clients get \"Connection refused\"",
			      f->cfg_listen_missing.v[i]);
	if (g->address_family.value && !str_ieq(g->address_family.value, "any"))
		step_evidence(w, "AddressFamily %s: clients of the other family get \"Connection refused\"",
			      g->address_family.value);
	if (g->permit_root_login.value)
		f->permit_root_login = xstrdup(g->permit_root_login.value);
	pa = sshd_setting_bool(&g->password_authentication, 1);
	f->password_auth = pa == 1 ? SRV_YES : pa == 0 ? SRV_NO : SRV_UNKNOWN;
	step_evidence(w, "PermitRootLogin %s, PasswordAuthentication %s, MaxAuthTries %d: these decide \"Permission denied\", never \"Connection refused\"",
		      f->permit_root_login ? f->permit_root_login : "prohibit-password",
		      srv_tristate_word(f->password_auth), g->max_auth_tries_n);
	teach_access(w, "AllowUsers", &g->allow_users);
	teach_access(w, "DenyUsers", &g->deny_users);
	teach_access(w, "AllowGroups", &g->allow_groups);
	teach_access(w, "DenyGroups", &g->deny_groups);
	if (g->max_startups_v.start > 0) {
		f->maxstartups = g->max_startups_v;
		f->maxstartups_known = true;
		step_evidence(w, "MaxStartups %d:%d:%d: past %d unauthenticated connections sshd drops new ones (\"Exceeded MaxStartups\", then closed)",
			      f->maxstartups.start, f->maxstartups.rate, f->maxstartups.full,
			      f->maxstartups.start);
	}
}

int probe_srv_config_run(struct step_work *w, struct server_facts *f)
{
	const struct srv_proc *p = NULL;
	struct sshd_config *cfg;
	struct strbuf g_dump;
	char *problem = NULL;

	server_facts_forget_config(f);
	strbuf_init(&g_dump);
	for (size_t i = 0; i < f->nprocs && p == NULL; i++)
		if (f->procs[i].same_netns)
			p = &f->procs[i];
	if (f->sshd_config)
		f->config_file = xstrdup(f->sshd_config);
	else if (p != NULL && p->config)
		f->config_file = xstrdup(p->config);
	else
		f->config_file = xstrdup(SSHD_CONFIG_DIR "/sshd_config");
	step_evidence(w, "the configuration examined: %s%s", f->config_file,
		      f->sshd_config ? " (--sshd-config)" : p && p->config ? " (the running sshd's -f)" : "");
	if (f->sshd_found)
		check_config(w, f, f->sshd_config ? NULL : p, &g_dump);
	cfg = read_config(w, f, f->sshd_config ? NULL : p, &g_dump);
	strbuf_release(&g_dump);
	if (cfg != NULL)
		take_values(w, f, cfg);
	if (f->sshd_found && !f->config_error && f->from_addrs.n > 0)
		judge_logins(w, f, f->sshd_config ? NULL : p);
	/* our parser's own findings, when it had to stand in for sshd */
	if (cfg != NULL && cfg->nproblems > 0 && !f->config_checked)
		problem = xasprintf("%s line %u: %s", cfg->problems[0].at.file ? cfg->problems[0].at.file : "?",
				    cfg->problems[0].at.line, cfg->problems[0].message);
	sshd_config_free(cfg);

	if (f->config_error)
		step_finish(w, STEP_FAIL, "sshd rejects its configuration: %s", f->config_message);
	else if (f->config_runtime_dir && f->cfg_listen_missing.n == 0)
		step_finish(w, STEP_PASS, "sshd reads the configuration without error (%s appears when the service starts); it is told to listen on port %d%s",
			    f->config_runtime_dir, f->ncfg_ports ? f->cfg_ports[0] : SSHD_DEFAULT_PORT,
			    f->ncfg_ports > 1 ? " and more" : "");
	else if (!f->config_read)
		step_finish(w, STEP_WARN, "the configuration could not be read");
	else if (f->cfg_listen_missing.n > 0)
		step_finish(w, STEP_FAIL, "ListenAddress names %s, which this machine does not have",
			    f->cfg_listen_missing.v[0]);
	else if (problem != NULL)
		step_finish(w, STEP_WARN, "sshd could not check the configuration, and ssh-doctor's own reading finds a problem: %s",
			    problem);
	else if (!f->config_checked)
		step_finish(w, STEP_WARN, "sshd could not check the configuration here; by ssh-doctor's own reading it tells sshd to listen on port %d%s",
			    f->ncfg_ports ? f->cfg_ports[0] : SSHD_DEFAULT_PORT, f->ncfg_ports > 1 ? " and more" : "");
	else
		step_finish(w, STEP_PASS, "the configuration is valid; sshd is told to listen on port %d%s",
			    f->ncfg_ports ? f->cfg_ports[0] : SSHD_DEFAULT_PORT, f->ncfg_ports > 1 ? " and more" : "");
	free(problem);
	return 0;
}

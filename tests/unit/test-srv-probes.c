/* SPDX-License-Identifier: MIT */
/* The server probes' logic, with the spawner replaced by recorded outputs
 * (exec_set_hook): what each probe concludes from what the tools said,
 * through the Linux table or, picked with os_set_active, the macOS one.
 * The probes run without an engine (w.e is NULL), so their evidence stays
 * in w. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/os/exec.h"
#include "engine/os/linux/linux.h"
#include "engine/os/os.h"
#include "engine/parse/parse-address.h"
#include "engine/parse/parse-sshd-args.h"
#include "engine/parse/parse-sshd-log.h"
#include "engine/probe.h"
#include "engine/server.h"

/* One recorded answer: the program (basename of argv[0]) and, when set, a
 * word that must be among its arguments. */
struct record {
	const char *program;
	const char *arg;
	const char *out_file;   /* fixture below tests/fixtures/server, or NULL */
	const char *err_file;
	int status;
};

struct replay {
	const struct record *records;
	size_t n;
	struct strv calls;      /* every command line the probe ran */
};

static void read_fixture(const char *rel, struct strbuf *out)
{
	char full[512];

	snprintf(full, sizeof(full), "server/%s", rel);
	fixture_read(full, out);
}

static int replay_hook(void *ctx, const char *const argv[], struct exec_result *r)
{
	struct replay *rp = ctx;
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	struct strbuf line;

	strbuf_init(&line);
	for (size_t i = 0; argv[i]; i++)
		strbuf_addf(&line, "%s%s", i ? " " : "", argv[i]);
	strv_push(&rp->calls, line.buf);
	strbuf_release(&line);
	for (size_t i = 0; i < rp->n; i++) {
		const struct record *rec = &rp->records[i];
		bool arg_ok = rec->arg == NULL;

		if (strcmp(rec->program, base) != 0)
			continue;
		for (size_t k = 1; argv[k] && !arg_ok; k++)
			arg_ok = strcmp(argv[k], rec->arg) == 0;
		if (!arg_ok)
			continue;
		if (rec->out_file)
			read_fixture(rec->out_file, &r->out);
		if (rec->err_file)
			read_fixture(rec->err_file, &r->err);
		r->status = rec->status;
		return 0;
	}
	r->exec_errno = ENOENT;
	return -ENOENT;
}

/* The programs the probes find: every one (NULL), or only those listed. */
static const char *const *installed;

static int find_hook(const char *name, char *path, size_t pathlen)
{
	for (size_t i = 0; installed != NULL && installed[i] != NULL; i++)
		if (strcmp(installed[i], name) == 0)
			goto found;
	if (installed != NULL)
		return -1;
found:
	snprintf(path, pathlen, "/usr/bin/%s", name);
	return 0;
}

static void replay_start(struct replay *rp, const struct record *records, size_t n)
{
	rp->records = records;
	rp->n = n;
	strv_init(&rp->calls);
	exec_set_hook(replay_hook, rp);
	os_set_find_hook(find_hook);
}

static void replay_stop(struct replay *rp)
{
	exec_set_hook(NULL, NULL);
	os_set_active(NULL);
	os_set_find_hook(NULL);
	installed = NULL;
	strv_release(&rp->calls);
}

static void work_init(struct step_work *w, const char *id)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	strv_init(&w->evidence);
	strv_init(&w->details);
}

static void work_release(struct step_work *w)
{
	free(w->summary);
	strv_release(&w->evidence);
	strv_release(&w->details);
}

/* One probe run: recorded outputs, a step without an engine, fresh facts. */
struct run {
	struct replay rp;
	struct step_work w;
	struct server_facts f;
};

static void run_begin(struct run *r, const struct record *records, size_t n, const char *id)
{
	replay_start(&r->rp, records, n);
	work_init(&r->w, id);
	server_facts_init(&r->f);
}

static void run_end(struct run *r)
{
	server_facts_release(&r->f);
	work_release(&r->w);
	replay_stop(&r->rp);
}

/* systemd's part of the service step alone, its trace shown in r's step. */
static void read_systemd(struct run *r)
{
	struct os_trace t;

	os_trace_init(&t);
	linux_systemd_read(&r->f, &t);
	srv_trace_show(&r->w, &t);
}

static bool lines_have(const struct strv *sv, const char *word)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], word) != NULL)
			return true;
	return false;
}

/* ---- package --------------------------------------------------------- */

static void dpkg_says_installed_with_its_version(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-openssh-server.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "package");
	assert_int_equal(probe_srv_package_run(&r.w, &r.f), 0);
	if (r.f.pkg_state != SVC_PKG_INSTALLED || r.f.pkg_version == NULL ||
	    strcmp(r.f.pkg_version, "1:9.2p1-2+deb12u10") != 0)
		fail_msg("expected installed 1:9.2p1-2+deb12u10, got %s %s", svc_pkg_state_name(r.f.pkg_state),
			 r.f.pkg_version ? r.f.pkg_version : "(no version)");
	if (!lines_have(&r.w.evidence, "1:9.2p1-2+deb12u10"))
		fail_msg("expected the version among the evidence");
	if (!lines_have(&r.w.details, "openssh-server"))
		fail_msg("expected dpkg-query's command and output among the details");
	run_end(&r);
}

static void dpkg_says_not_installed(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-not-found.stdout", "service/dpkg-not-found.stderr", 1},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "package");
	probe_srv_package_run(&r.w, &r.f);
	if (r.f.pkg_state != SVC_PKG_NOT_INSTALLED)
		fail_msg("expected not installed, got %s", svc_pkg_state_name(r.f.pkg_state));
	run_end(&r);
}

static void rpm_says_installed_where_dpkg_is_absent(void **state)
{
	static const struct record recs[] = {
		{"rpm", "-q", "service/rpm-installed.txt", NULL, 0},
	};
	static const char *const only[] = {"rpm", "sshd", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "package");
	probe_srv_package_run(&r.w, &r.f);
	assert_int_equal(r.f.pkg_state, SVC_PKG_INSTALLED);
	assert_string_equal(r.f.pkg_tool, "rpm");
	assert_true(r.f.sshd_found);
	assert_int_equal(r.w.status, STEP_PASS);
	run_end(&r);
}

static void no_package_and_no_sshd_fails(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-not-found.stdout", "service/dpkg-not-found.stderr", 1},
	};
	static const char *const only[] = {"dpkg-query", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "package");
	probe_srv_package_run(&r.w, &r.f);
	assert_false(r.f.sshd_found);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

/* ---- configuration --------------------------------------------------- */

static void fake_sshd(struct server_facts *f)
{
	f->sshd_found = true;
	snprintf(f->sshd_path, sizeof(f->sshd_path), "/usr/sbin/sshd");
}

/* One sshd runs here, pid 42, with -f config (NULL: none). */
static struct srv_proc *one_running_sshd(struct server_facts *f, const char *config)
{
	struct srv_proc *p = &f->procs[0];

	f->nprocs = 1;
	p->pid = 42;
	p->same_netns = true;
	p->config = config ? strdup(config) : NULL;
	return p;
}

static void sshd_t_error_names_file_line_and_message(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/badopt.stderr", 255},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "sshd_config");
	fake_sshd(&r.f);
	r.f.sshd_config = strdup(SSHD_FIXTURES "/server/sshd-t/badopt.sshd_config");
	probe_srv_config_run(&r.w, &r.f);
	assert_true(r.f.config_checked);
	assert_true(r.f.config_error);
	if (r.f.config_error_file == NULL || strcmp(r.f.config_error_file, "/etc/ssh/sshd_config") != 0 ||
	    r.f.config_error_line != 2)
		fail_msg("expected /etc/ssh/sshd_config line 2, got %s line %u",
			 r.f.config_error_file ? r.f.config_error_file : "no file", r.f.config_error_line);
	if (r.f.config_message == NULL || strstr(r.f.config_message, "Prot") == NULL)
		fail_msg("expected the message to name the keyword, got %s", r.f.config_message ? r.f.config_message : "none");
	assert_int_equal(r.w.status, STEP_FAIL);
	/* sshd -T is not asked about a file sshd rejects: our parser reads it */
	if (lines_have(&r.rp.calls, " -T "))
		fail_msg("expected no sshd -T on a rejected configuration");
	assert_string_equal(r.f.config_source, "sshd_config");
	run_end(&r);
}

/* Under systemd /run/sshd is ssh.service's RuntimeDirectory: sshd -t on a
 * stopped service always stops there, after reading the file. */
static void a_privsep_dir_the_service_makes_is_no_configuration_error(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/missing-privsep-dir.stderr", 255},
		{"sshd", "-T", NULL, "sshd-t/missing-privsep-dir.stderr", 255},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "sshd_config");
	fake_sshd(&r.f);
	r.f.sshd_config = strdup(SSHD_FIXTURES "/server/sshd-t/badopt.sshd_config");
	r.f.systemd = true;
	r.f.unit = strdup("ssh.service");
	strv_push(&r.f.unit_runtime_dirs, "sshd");
	probe_srv_config_run(&r.w, &r.f);
	assert_false(r.f.config_error);
	assert_non_null(r.f.config_runtime_dir);
	assert_string_equal(r.f.config_runtime_dir, "/run/sshd");
	if (!lines_have(&r.w.evidence, "RuntimeDirectory"))
		fail_msg("expected the evidence to explain RuntimeDirectory");
	run_end(&r);
}

/* sshd -T stops at the missing /run/sshd too; sshd -G (OpenSSH 9.3 on)
 * does not, and gives the effective values instead of our own parser. */
static void sshd_G_stands_in_when_sshd_T_cannot_answer(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/missing-privsep-dir.stderr", 255},
		{"sshd", "-T", NULL, "sshd-t/missing-privsep-dir.stderr", 255},
		{"sshd", "-G", "sshd-T/debian13-sshd-G-stopped.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 3, "sshd_config");
	fake_sshd(&r.f);
	r.f.systemd = true;
	r.f.unit = strdup("ssh.service");
	strv_push(&r.f.unit_runtime_dirs, "sshd");
	probe_srv_config_run(&r.w, &r.f);
	assert_false(r.f.config_error);
	assert_non_null(r.f.config_source);
	assert_string_equal(r.f.config_source, "sshd -G");
	assert_int_equal(r.f.ncfg_ports, 1);
	assert_int_equal(r.f.cfg_ports[0], 22);
	assert_int_equal(r.w.status, STEP_PASS);
	run_end(&r);
}

/* Without a service that makes it, a missing /run/sshd stops sshd from
 * starting: that is an error to report. */
static void a_privsep_dir_nobody_makes_is_a_configuration_error(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/missing-privsep-dir.stderr", 255},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "sshd_config");
	fake_sshd(&r.f);
	r.f.sshd_config = strdup(SSHD_FIXTURES "/server/sshd-t/badopt.sshd_config");
	probe_srv_config_run(&r.w, &r.f);
	assert_true(r.f.config_error);
	assert_null(r.f.config_runtime_dir);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void sshd_T_gives_ports_and_limits_with_the_running_sshds_options(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, NULL, 0},
		{"sshd", "-T", "sshd-T/debian12-default.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "sshd_config");
	fake_sshd(&r.f);
	strv_push(&one_running_sshd(&r.f, "/etc/ssh/test_config")->options, "PidFile=none");
	strv_push(&r.f.local_addrs, "192.0.2.2");
	probe_srv_config_run(&r.w, &r.f);
	assert_false(r.f.config_error);
	assert_string_equal(r.f.config_file, "/etc/ssh/test_config");
	assert_string_equal(r.f.config_source, "sshd -T");
	if (!lines_have(&r.rp.calls, "-T -f /etc/ssh/test_config -o PidFile=none"))
		fail_msg("expected sshd -T with the running sshd's -f and -o, got: %s",
			 r.rp.calls.n > 1 ? r.rp.calls.v[1] : "nothing");
	assert_int_equal(r.f.ncfg_ports, 1);
	assert_int_equal(r.f.cfg_ports[0], 22);
	assert_true(r.f.maxstartups_known);
	assert_int_equal(r.f.maxstartups.start, 10);
	assert_int_equal(r.f.cfg_listen_missing.n, 0);
	assert_int_equal(r.w.status, STEP_PASS);
	if (!lines_have(&r.w.evidence, "Permission denied"))
		fail_msg("expected the lesson on \"Permission denied\" among the evidence");
	run_end(&r);
}

static void a_listen_address_this_machine_lacks_is_found(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, NULL, 0},
		{"sshd", "-T", "sshd-T/ports-and-listen.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "sshd_config");
	fake_sshd(&r.f);
	r.f.sshd_config = strdup("/nonexistent/sshd_config");
	strv_push(&r.f.local_addrs, "127.0.0.1");
	probe_srv_config_run(&r.w, &r.f);
	if (r.f.cfg_listen_missing.n == 0)
		fail_msg("expected a ListenAddress this machine lacks (fixture ports-and-listen)");
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

/* The fallback: no sshd binary found (a broken install, or not root), so
 * ssh-doctor's own parser reads text, written to a file of its own. pkg is
 * the package version ("1:9.2p1-2+deb12u10"), or NULL. */
static void read_without_sshd(struct run *r, const char *text, const char *pkg)
{
	char path[] = "/tmp/sshd-doctor-unit-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	run_begin(r, NULL, 0, "sshd_config");
	r->f.sshd_found = false;
	r->f.sshd_config = strdup(path);
	r->f.pkg_version = pkg ? strdup(pkg) : NULL;
	strv_push(&r->f.local_addrs, "127.0.0.1");
	strv_push(&r->f.local_addrs, "::1");
	strv_push(&r->f.local_addrs, "192.0.2.2");
	probe_srv_config_run(&r->w, &r->f);
	unlink(path);
}

static void without_sshd_a_problem_the_parser_found_is_never_called_valid(void **state)
{
	struct run r;

	(void)state;
	read_without_sshd(&r, "Port SSH_PORT\n", NULL);
	assert_false(r.f.config_checked);
	if (r.w.status == STEP_PASS || strstr(r.w.summary, "valid") != NULL)
		fail_msg("\"Port SSH_PORT\" read without sshd: expected no pass and no \"valid\", got [%d] \"%s\"",
			 r.w.status, r.w.summary);
	if (strstr(r.w.summary, "SSH_PORT") == NULL || strstr(r.w.summary, "line 1") == NULL)
		fail_msg("expected the summary to name the line and the value, got \"%s\"", r.w.summary);
	assert_int_equal(r.w.status, STEP_WARN);
	run_end(&r);
}

static void without_sshd_listen_address_localhost_is_this_machine(void **state)
{
	struct run r;

	(void)state;
	read_without_sshd(&r, "ListenAddress localhost\n", NULL);
	if (r.f.cfg_listen_missing.n > 0)
		fail_msg("\"ListenAddress localhost\" read without sshd: expected no missing address, got \"%s\"",
			 r.f.cfg_listen_missing.v[0]);
	if (lines_have(&r.w.evidence, "not an address of this machine"))
		fail_msg("expected no \"not an address of this machine\" for localhost");
	assert_int_not_equal(r.w.status, STEP_FAIL);
	run_end(&r);
	/* a literal address the machine lacks is still found */
	read_without_sshd(&r, "ListenAddress 192.0.2.77\n", NULL);
	assert_int_equal(r.f.cfg_listen_missing.n, 1);
	assert_string_equal(r.f.cfg_listen_missing.v[0], "192.0.2.77");
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

/* OpenSSH before 10.1 keeps the last of several MaxStartups lines; 10.1
 * and later the first, as every other keyword. The installed package says
 * which. */
static void without_sshd_a_repeated_maxstartups_follows_the_installed_version(void **state)
{
	static const struct {
		const char *pkg;
		int start;
	} cases[] = {
		{"1:9.2p1-2+deb12u10", 7},   /* Debian 12: the last */
		{"1:10.0p1-7", 7},           /* Debian 13: the last */
		{"8.7p1-38.el9", 7},         /* RHEL 9: the last */
		{"1:10.1p1-1", 3},           /* 10.1: the first */
		{"1:10.2p1-1", 3},
	};
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		read_without_sshd(&r, "MaxStartups 3\nMaxStartups 7\n", cases[i].pkg);
		assert_true(r.f.maxstartups_known);
		if (r.f.maxstartups.start != cases[i].start)
			fail_msg("OpenSSH %s, \"MaxStartups 3\" then \"MaxStartups 7\": expected %d, got %d",
				 cases[i].pkg, cases[i].start, r.f.maxstartups.start);
		run_end(&r);
	}
}

/* ---- firewall -------------------------------------------------------- */

static void an_iptables_drop_rule_is_named(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-drop.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	assert_true(r.f.fw_checked);
	if (r.f.fw_verdict != FW_VERDICT_DROPPED)
		fail_msg("expected dropped, got %s", fw_verdict_name(r.f.fw_verdict));
	if (r.f.fw_rule == NULL || strstr(r.f.fw_rule, "INPUT") == NULL || strstr(r.f.fw_rule, "--dport 22 -j DROP") == NULL)
		fail_msg("expected the rule with its chain, got %s", r.f.fw_rule ? r.f.fw_rule : "none");
	assert_string_equal(r.f.fw_name, "iptables");
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void an_nft_reject_outranks_an_open_iptables(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-chains.txt", NULL, 0},
		{"nft", NULL, "firewall/nft-reject-icmp.json", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.fw_verdict != FW_VERDICT_REJECTED || r.f.fw_name == NULL || strcmp(r.f.fw_name, "nftables") != 0)
		fail_msg("expected nftables rejecting, got %s %s", r.f.fw_name ? r.f.fw_name : "nothing",
			 fw_verdict_name(r.f.fw_verdict));
	run_end(&r);
}

/* The fix command kept for client by one firewall step over recs. */
static void client_fix(const struct record *recs, size_t n, const char *client, char *fix, size_t len)
{
	struct run r;

	run_begin(&r, recs, n, "firewall");
	strv_push(&r.f.from_addrs, client);
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.nfw_clients != 1 || !r.f.fw_clients[0].checked)
		fail_msg("expected the firewall judged for %s", client);
	snprintf(fix, len, "%s", r.f.fw_clients[0].fix ? r.f.fw_clients[0].fix : "(none)");
	run_end(&r);
}

static void a_drop_for_the_clients_network_gets_an_accept_for_the_client_before_it(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-source-drop.txt", NULL, 0},
	};
	static const char *const only[] = {"iptables-save", NULL};
	static const char want[] = "sudo iptables -I INPUT 1 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT";
	char fix[512];

	(void)state;
	installed = only;
	client_fix(recs, 1, "192.0.2.1", fix, sizeof(fix));
	/* deleting the DROP would let all of 192.0.2.0/25 in */
	if (strncmp(fix, want, strlen(want)) != 0)
		fail_msg("expected '%s', got '%s'", want, fix);
}

static void a_drop_for_the_client_alone_is_deleted(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-source-drop.txt", NULL, 0},
	};
	static const char *const only[] = {"iptables-save", NULL};
	char fix[512];

	(void)state;
	installed = only;
	client_fix(recs, 1, "203.0.113.7", fix, sizeof(fix));
	assert_string_equal(fix, "sudo iptables -D INPUT -s 203.0.113.7/32 -p tcp -m tcp --dport 22 -j DROP");
}

static void sshguards_blocks_are_lifted_one_by_one_as_its_back_end_does(void **state)
{
	static const struct record nft[] = {
		{"nft", NULL, "firewall/nft-sshguard.json", NULL, 0},
	};
	static const struct record ipt[] = {
		{"iptables-save", NULL, "firewall/iptables-save-sshguard.txt", NULL, 0},
	};
	static const char *const only_nft[] = {"nft", NULL};
	static const char *const only_ipt[] = {"iptables-save", NULL};
	static const struct {
		const struct record *recs;
		const char *const *only;
		const char *ban, *unban;
	} rows[] = {
		{nft, only_nft, "192.0.2.66", "sudo nft delete element ip sshguard attackers '{ 192.0.2.66 }'"},
		{nft, only_nft, "198.51.100.0/24", "sudo nft delete element ip sshguard attackers '{ 198.51.100.0/24 }'"},
		{nft, only_nft, "2001:db8::66", "sudo nft delete element ip6 sshguard attackers '{ 2001:db8::66 }'"},
		{ipt, only_ipt, "192.0.2.66", "sudo iptables -D sshguard -s 192.0.2.66 -j DROP"},
		{ipt, only_ipt, "198.51.100.0/24", "sudo iptables -D sshguard -s 198.51.100.0/24 -j DROP"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct run r;
		bool found = false;

		installed = rows[i].only;
		run_begin(&r, rows[i].recs, 1, "firewall");
		probe_srv_firewall_run(&r.w, &r.f);
		assert_int_equal(r.f.guard_banned.n, r.f.guard_unban.n);
		for (size_t k = 0; k < r.f.guard_banned.n; k++)
			if (strcmp(r.f.guard_banned.v[k], rows[i].ban) == 0) {
				found = true;
				if (strcmp(r.f.guard_unban.v[k], rows[i].unban) != 0)
					fail_msg("row %zu: expected '%s', got '%s'", i, rows[i].unban, r.f.guard_unban.v[k]);
			}
		if (!found)
			fail_msg("row %zu: expected sshguard's block of %s", i, rows[i].ban);
		run_end(&r);
	}
}

/* iptables-nft-save shows the ip filter table fully: nft is asked for the
 * names of the tables, then for the other table alone, never for the
 * whole ruleset again; the other table's set still drops the client. */
static void nft_lists_only_the_tables_iptables_did_not(void **state)
{
	static const struct record recs[] = {
		{"iptables-nft-save", NULL, "firewall/beside-iptables-nft-save.txt", NULL, 0},
		{"nft", "chains", "firewall/beside-nft-chains.json", NULL, 0},
		{"nft", "sshguard", "firewall/beside-nft-table-sshguard.json", NULL, 0},
		{"nft", "ruleset", "firewall/beside-nft-ruleset.json", NULL, 0},
	};
	static const char *const only[] = {"iptables-nft-save", "nft", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 4, "firewall");
	strv_push(&r.f.from_addrs, "192.0.2.66");
	probe_srv_firewall_run(&r.w, &r.f);
	if (lines_have(&r.rp.calls, "ruleset"))
		fail_msg("expected nft not to list the whole ruleset once iptables-nft-save listed its tables");
	if (!lines_have(&r.rp.calls, "chains") || !lines_have(&r.rp.calls, "sshguard"))
		fail_msg("expected nft to be asked for the table names, then for the sshguard table");
	assert_int_equal(r.f.nfw_clients, 1);
	if (r.f.fw_clients[0].verdict != FW_VERDICT_DROPPED || r.f.fw_clients[0].name == NULL ||
	    strcmp(r.f.fw_clients[0].name, "nftables") != 0)
		fail_msg("expected nftables dropping 192.0.2.66, got %s %s",
			 r.f.fw_clients[0].name ? r.f.fw_clients[0].name : "nothing",
			 fw_verdict_name(r.f.fw_clients[0].verdict));
	run_end(&r);
}

static void ufw_rejecting_by_default_is_named(void **state)
{
	static const struct record recs[] = {
		{"ufw", "status", "firewall/ufw-status-reject-default.txt", NULL, 0},
	};
	static const char *const only[] = {"ufw", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "firewall");
	r.f.port = 22;
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.fw_verdict != FW_VERDICT_REJECTED || strcmp(r.f.fw_name, "ufw") != 0)
		fail_msg("expected ufw rejecting port 22, got %s %s", r.f.fw_name ? r.f.fw_name : "nothing",
			 fw_verdict_name(r.f.fw_verdict));
	run_end(&r);
}

static void firewalld_without_ssh_blocks_the_port(void **state)
{
	static const struct record recs[] = {
		{"firewall-cmd", "--get-active-zones", "firewall/firewalld-active-zones.txt", NULL, 0},
		{"firewall-cmd", "--list-all", "firewall/firewalld-list-all-no-ssh.txt", NULL, 0},
	};
	static const char *const only[] = {"firewall-cmd", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 2, "firewall");
	strv_push(&r.f.client_addrs, "127.0.0.1");
	r.f.port = 22;
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.fw_verdict != FW_VERDICT_REJECTED && r.f.fw_verdict != FW_VERDICT_DROPPED)
		fail_msg("expected firewalld to block port 22, got %s", fw_verdict_name(r.f.fw_verdict));
	assert_string_equal(r.f.fw_name, "firewalld");
	if (!lines_have(&r.rp.calls, "--get-active-zones"))
		fail_msg("expected firewalld to be asked which zone takes the connection");
	run_end(&r);
}

static void the_interface_of_a_local_address_is_found(void **state)
{
	char ifname[64] = "";

	(void)state;
	assert_int_equal(os_iface_of("127.0.0.1", ifname, sizeof(ifname)), 0);
	assert_string_equal(ifname, "lo");
	assert_int_equal(os_iface_of("198.51.100.250", ifname, sizeof(ifname)), -1);
}

static void sshguards_blocks_are_bans(void **state)
{
	static const struct record recs[] = {
		{"nft", NULL, "service/sshguard-nft.json", NULL, 0},
	};
	struct run r;

	(void)state;
	installed = (const char *const[]){"nft", NULL};
	run_begin(&r, recs, 1, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.banned.n == 0)
		fail_msg("expected sshguard's blocked addresses among the bans");
	if (!lines_have(&r.w.evidence, "sshguard"))
		fail_msg("expected a line naming sshguard");
	run_end(&r);
}

static void no_firewall_tool_answering_skips(void **state)
{
	struct run r;

	(void)state;
	run_begin(&r, NULL, 0, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	assert_false(r.f.fw_checked);
	assert_true(r.w.status == STEP_SKIP || r.w.status == STEP_WARN);
	run_end(&r);
}

/* ---- limits and logs ----------------------------------------------------- */

static void fail2ban_bans_are_read(void **state)
{
	static const struct record recs[] = {
		{"fail2ban-client", "status", "service/fail2ban-status-sshd.txt", NULL, 0},
	};
	static const char *const only[] = {"fail2ban-client", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "limits");
	probe_srv_limits_run(&r.w, &r.f);
	assert_true(r.f.f2b_checked);
	if (r.f.banned.n == 0)
		fail_msg("expected the banned addresses of the sshd jail");
	assert_int_equal(r.w.status, STEP_WARN);
	run_end(&r);
}

static void the_journal_says_why_sshd_stopped(void **state)
{
	static const struct record recs[] = {
		{"journalctl", "json", "logs/journal-ssh.json", NULL, 0},
	};
	static const char *const only[] = {"journalctl", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "logs");
	r.f.systemd = true;
	probe_srv_logs_run(&r.w, &r.f);
	if (!lines_have(&r.w.evidence, "the journal: "))
		fail_msg("expected the journal among the sources");
	if (!lines_have(&r.rp.calls, "-o json"))
		fail_msg("expected journalctl -o json");
	/* pid 912 could not bind; pid 951 started later and listened: the
	 * failure is shown, but it is history, not what holds sshd now */
	if (!lines_have(&r.w.details, "Cannot bind any address"))
		fail_msg("expected the journal's bind failure among the lines shown");
	if (r.f.log_bind_failed || r.f.log_no_bind)
		fail_msg("expected an earlier sshd's bind failure not to count once a later one listened");
	run_end(&r);
}

/* RHEL after "Port 2222": SELinux lets sshd bind only ssh_port_t (22), the
 * bind is denied, and the logs step says so with the ports allowed. */
static void an_selinux_bind_denial_is_found(void **state)
{
	static const struct record recs[] = {
		{"journalctl", "json", "logs/journal-rhel9-selinux.json", NULL, 0},
		{"getenforce", NULL, "service/getenforce-enforcing.txt", NULL, 0},
		{"semanage", "port", "service/semanage-port-l-rhel9.txt", NULL, 0},
	};
	static const char *const only[] = {"journalctl", "getenforce", "semanage", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 3, "logs");
	r.f.systemd = true;
	probe_srv_logs_run(&r.w, &r.f);
	assert_int_equal(r.f.log_bind_denied_port, 2222);
	assert_int_equal(r.f.selinux, SVC_SELINUX_ENFORCING);
	assert_true(r.f.ssh_ports_known);
	assert_int_equal(r.f.nssh_ports, 1);
	assert_int_equal(r.f.ssh_ports[0][0], 22);
	assert_int_equal(r.w.status, STEP_FAIL);
	if (!lines_have(&r.w.evidence, "SELinux is enforcing"))
		fail_msg("expected SELinux's mode among the evidence");
	run_end(&r);
}

/* ---- service ----------------------------------------------------------- */

static void systemd_socket_activation_is_read(void **state)
{
	static const struct record recs[] = {
		{"systemctl", "show", "service/systemctl-show-ubuntu-socket.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "service");
	r.f.systemd = true;
	read_systemd(&r);
	assert_true(r.f.unit_found);
	assert_string_equal(r.f.unit, "ssh.service");
	assert_true(r.f.unit_active);
	assert_int_equal(r.f.unit_enabled, SRV_NO);
	assert_true(r.f.socket_active);
	assert_int_equal(r.f.nsocket_ports, 2);
	assert_int_equal(r.f.socket_ports[0], 2222);
	run_end(&r);
}

/* Ubuntu 24.04: the socket's ports come from sshd_config through
 * sshd-socket-generator; the socket step says so, and that a Port changed
 * since needs a reload. */
static void ubuntu_generated_socket_ports_are_told(void **state)
{
	static const struct record recs[] = {
		{"systemctl", "show", "service/systemctl-show-ubuntu2404-generated.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "service");
	r.f.systemd = true;
	read_systemd(&r);
	assert_true(r.f.socket_active);
	assert_int_equal(r.f.socket_dropins.n, 1);
	r.f.socket_generator = true;
	r.f.cfg_ports[r.f.ncfg_ports++] = 2200;
	probe_srv_socket_run(&r.w, &r.f);
	assert_int_equal(r.w.status, STEP_FAIL);
	if (!lines_have(&r.w.evidence, "written from sshd_config by sshd-socket-generator"))
		fail_msg("expected the evidence to name the generator's drop-in");
	if (!lines_have(&r.w.evidence, "daemon-reload"))
		fail_msg("expected the evidence to say a reload gives the socket the new Port");
	run_end(&r);
}

static void a_failed_unit_says_how(void **state)
{
	static const struct record recs[] = {
		{"systemctl", "show", "service/systemctl-show-failed.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "service");
	read_systemd(&r);
	assert_true(r.f.unit_found);
	assert_false(r.f.unit_active);
	if (r.f.unit_state == NULL || strstr(r.f.unit_state, "failed") == NULL)
		fail_msg("expected a failed state, got %s", r.f.unit_state ? r.f.unit_state : "none");
	run_end(&r);
}

/* ---- macOS, from recordings ----------------------------------------------- */

static void macos_remote_login_and_launchd_are_read(void **state)
{
	static const struct record recs[] = {
		{"systemsetup", "-getremotelogin", "service/systemsetup-on.txt", NULL, 0},
		{"launchctl", "print", "service/launchctl-print-waiting.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "service");
	os_set_active(&os_macos_ops);
	probe_srv_service_run(&r.w, &r.f);
	assert_true(r.f.unit_found);
	assert_true(r.f.socket_active);
	assert_int_equal(r.f.socket_ports[0], 22);
	assert_int_equal(r.f.unit_enabled, SRV_YES);
	assert_int_equal(r.w.status, STEP_PASS);
	run_end(&r);
}

static void macos_remote_login_off_is_not_running(void **state)
{
	static const struct record recs[] = {
		{"systemsetup", "-getremotelogin", "service/systemsetup-off.txt", NULL, 0},
		{"launchctl", "print", "service/launchctl-print-not-found.txt", NULL, 113},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "service");
	os_set_active(&os_macos_ops);
	probe_srv_service_run(&r.w, &r.f);
	assert_false(r.f.socket_active);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void macos_lsof_gives_launchds_port_to_sshd(void **state)
{
	static const struct record recs[] = {
		{"lsof", "-iTCP", "service/lsof-macos-listen.txt", NULL, 0},
	};
	struct run r;
	const struct srv_listener *l;

	(void)state;
	run_begin(&r, recs, 1, "listeners");
	os_set_active(&os_macos_ops);
	r.f.socket_active = true;
	r.f.socket_ports[r.f.nsocket_ports++] = 22;
	r.f.port = 22;
	probe_srv_listen_run(&r.w, &r.f);
	assert_true(r.f.listen_checked);
	l = srv_listener_on(&r.f, 22);
	assert_non_null(l);
	assert_string_equal(l->comm, "launchd");
	assert_true(l->is_sshd);
	l = srv_listener_on(&r.f, 2222);
	assert_non_null(l);
	assert_true(l->is_sshd);
	assert_string_equal(l->addr, "127.0.0.1");
	assert_int_equal(r.w.status, STEP_PASS);
	run_end(&r);
}

static void macos_application_firewall_blocking_sshd(void **state)
{
	static const struct record recs[] = {
		{"socketfilterfw", "--getglobalstate", "firewall/socketfilterfw-globalstate-on.txt", NULL, 0},
		{"socketfilterfw", "--getblockall", "firewall/socketfilterfw-blockall-off.txt", NULL, 0},
		{"socketfilterfw", "--getstealthmode", "firewall/socketfilterfw-stealth-on.txt", NULL, 0},
		{"socketfilterfw", "--listapps", "firewall/socketfilterfw-listapps-blocked.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 4, "firewall");
	os_set_active(&os_macos_ops);
	r.f.port = 22;
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.fw_verdict != FW_VERDICT_DROPPED)
		fail_msg("expected a blocked sshd in stealth mode to be dropped, got %s", fw_verdict_name(r.f.fw_verdict));
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

/* ---- pure helpers ------------------------------------------------------ */

static void the_title_sshd_sets_gives_back_its_options(void **state)
{
	struct strbuf cmd;
	struct srv_proc p;

	(void)state;
	strbuf_init(&cmd);
	memset(&p, 0, sizeof(p));
	strv_init(&p.options);
	read_fixture("service/proc-sshd-listener.cmdline", &cmd);
	srv_proc_parse_args(&p, cmd.buf, cmd.len);
	assert_non_null(p.config);
	assert_string_equal(p.config, "/etc/ssh/sshd_config");
	assert_int_equal(p.options.n, 1);
	assert_string_equal(p.options.v[0], "PidFile=none");
	free(p.config);
	free(p.logfile);
	strv_release(&p.options);
	strbuf_release(&cmd);
}

static void nul_separated_arguments_give_port_and_log_file(void **state)
{
	static const char cmd[] = "/usr/sbin/sshd\0-De\0-p2222\0-E\0/var/log/sshd.log\0-o\0Port=22\0";
	struct srv_proc p;

	(void)state;
	memset(&p, 0, sizeof(p));
	strv_init(&p.options);
	srv_proc_parse_args(&p, cmd, sizeof(cmd) - 1);
	assert_int_equal(p.port, 2222);
	assert_non_null(p.logfile);
	assert_string_equal(p.logfile, "/var/log/sshd.log");
	assert_null(p.config);
	assert_int_equal(p.options.n, 1);
	free(p.logfile);
	strv_release(&p.options);
}

static void a_host_is_local_by_address_name_or_hosts_file(void **state)
{
	static const char hosts[] = "127.0.0.1 localhost\n192.0.2.2 srv.test srv\n192.0.2.9 other.test\n";
	struct strv local;

	(void)state;
	strv_init(&local);
	strv_push(&local, "127.0.0.1");
	strv_push(&local, "192.0.2.2");
	strv_push(&local, "2001:db8::2");
	assert_true(server_name_is_local("192.0.2.2", "box", hosts, strlen(hosts), &local));
	assert_true(server_name_is_local("2001:db8:0::2", "box", hosts, strlen(hosts), &local));
	assert_true(server_name_is_local("localhost", "box", NULL, 0, &local));
	assert_true(server_name_is_local("BOX", "box", NULL, 0, &local));
	assert_true(server_name_is_local("srv.test", "box", hosts, strlen(hosts), &local));
	assert_false(server_name_is_local("other.test", "box", hosts, strlen(hosts), &local));
	assert_false(server_name_is_local("192.0.2.3", "box", hosts, strlen(hosts), &local));
	assert_false(server_name_is_local("example.com", "box", hosts, strlen(hosts), &local));
	strv_release(&local);
}

/* ---- logs ---------------------------------------------------------------- */

static void sshds_own_lines_are_read_without_a_syslog_prefix(void **state)
{
	static const char text[] =
		"Server listening on 0.0.0.0 port 22.\r\n"
		"\n"
		"Bind to port 22 on :: failed: Address already in use.\n"
		"drop connection #1 from [192.0.2.1]:5000 on [192.0.2.2]:22 past MaxStartups\n"
		"Cannot bind any address.";
	struct sshd_log log;

	(void)state;
	sshd_log_init(&log);
	assert_int_equal(sshd_log_parse_own(&log, text, sizeof(text) - 1, 7), 4);
	assert_int_equal(log.v[0].kind, SSHD_LOG_LISTENING);
	assert_string_equal(log.v[0].message, "Server listening on 0.0.0.0 port 22.");
	assert_int_equal(log.v[1].kind, SSHD_LOG_BIND_FAILED);
	assert_int_equal(log.v[1].line, 3);
	assert_int_equal(log.v[2].kind, SSHD_LOG_MAXSTARTUPS);
	assert_int_equal(log.v[3].kind, SSHD_LOG_NO_BIND);
	assert_int_equal(log.v[3].pid, 7);
	sshd_log_release(&log);
}

/* ---- listeners and the self-test, on real sockets of this process ------- */

static int listen_loopback(int *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		fail_msg("cannot listen on 127.0.0.1: %s", strerror(errno));
	*port = ntohs(sa.sin_port);
	return fd;
}

static void a_listener_is_found_with_its_owner(void **state)
{
	struct run r;
	int port, fd = listen_loopback(&port);
	const struct srv_listener *l;

	(void)state;
	run_begin(&r, NULL, 0, "listeners");
	r.f.port = port;
	probe_srv_listen_run(&r.w, &r.f);
	assert_true(r.f.listen_checked);
	l = srv_listener_on(&r.f, port);
	if (l == NULL)
		fail_msg("expected the listener on 127.0.0.1 port %d among %zu", port, r.f.nlisteners);
	assert_string_equal(l->addr, "127.0.0.1");
	if (l->pid != (long)getpid())
		fail_msg("expected this process (%ld) as the owner, got %ld", (long)getpid(), l->pid);
	assert_false(l->is_sshd);
	assert_int_equal(r.w.status, STEP_FAIL);
	if (srv_listener_for(&r.f, "192.0.2.99", port) != NULL)
		fail_msg("a loopback listener must not accept another address");
	run_end(&r);
	close(fd);
}

static void connections_at_sshds_port_count_against_maxstartups(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct run r;
	int port, fd = listen_loopback(&port), c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct srv_listener *l;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		fail_msg("cannot connect to 127.0.0.1 port %d: %s", port, strerror(errno));
	run_begin(&r, NULL, 0, "limits");
	r.f.port = port;
	l = &r.f.listeners[r.f.nlisteners++];
	snprintf(l->addr, sizeof(l->addr), "127.0.0.1");
	l->family = 4;
	l->port = port;
	l->is_sshd = true;
	r.f.maxstartups_known = true;
	r.f.maxstartups = (struct sshd_maxstartups){1, 30, 1};
	probe_srv_limits_run(&r.w, &r.f);
	if (r.f.unauth_conns != 1)
		fail_msg("expected 1 connection at the port, counted %d", r.f.unauth_conns);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
	close(c);
	close(fd);
}

static void without_sock_diag_proc_net_tcp_finds_the_listener(void **state)
{
	struct run r;
	int port, fd = listen_loopback(&port);
	const struct srv_listener *l;

	(void)state;
	run_begin(&r, NULL, 0, "listeners");
	r.f.port = port;
	r.f.listen_no_diag = true;
	probe_srv_listen_run(&r.w, &r.f);
	assert_string_equal(r.f.listen_source, "/proc/net/tcp");
	l = srv_listener_on(&r.f, port);
	if (l == NULL || strcmp(l->addr, "127.0.0.1") != 0 || l->pid != (long)getpid())
		fail_msg("expected this process's listener on 127.0.0.1 port %d from /proc/net/tcp", port);
	run_end(&r);
	close(fd);
}

struct greeter {
	int fd;
	const char *say;        /* NULL: close without a word */
	int count;              /* connections to answer; 0: one */
};

static void *greet(void *arg)
{
	struct greeter *g = arg;

	for (int i = 0; i < (g->count > 0 ? g->count : 1); i++) {
		int c = accept(g->fd, NULL, NULL);

		if (c < 0)
			break;
		if (g->say)
			(void)!write(c, g->say, strlen(g->say));
		close(c);
	}
	return NULL;
}

static void self_test(const char *say, struct run *r)
{
	struct greeter g = {.say = say};
	pthread_t t;
	int port;

	g.fd = listen_loopback(&port);
	pthread_create(&t, NULL, greet, &g);
	run_begin(r, NULL, 0, "self_test");
	r->f.port = port;
	strv_push(&r->f.client_addrs, "127.0.0.1");
	probe_srv_selftest_run(&r->w, &r->f);
	pthread_join(t, NULL);
	close(g.fd);
}

static void the_self_test_reads_sshds_identification(void **state)
{
	struct run r;

	(void)state;
	self_test("SSH-2.0-OpenSSH_9.2p1 test\r\n", &r);
	assert_true(r.f.test_ran);
	assert_int_equal(r.f.ntests, 1);
	assert_int_equal(r.f.tests[0].tcp, TCP_ANSWERED);
	assert_int_equal(r.f.tests[0].banner, BANNER_SSH);
	assert_int_equal(r.w.status, STEP_PASS);
	if (!lines_have(&r.w.evidence, "SSH-2.0-OpenSSH_9.2p1 test"))
		fail_msg("expected the identification among the evidence");
	run_end(&r);
}

static void the_self_test_sees_a_close_without_a_word(void **state)
{
	struct run r;

	(void)state;
	self_test(NULL, &r);
	assert_int_equal(r.f.tests[0].tcp, TCP_ANSWERED);
	if (r.f.tests[0].banner != BANNER_CLOSED && r.f.tests[0].banner != BANNER_RESET)
		fail_msg("expected closed or reset, got %s", banner_result_word(r.f.tests[0].banner));
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

/* ---- a step run again ("r") finds what its first run found ------------- */

static void text_strv(struct strbuf *sb, const char *name, const struct strv *sv)
{
	strbuf_addf(sb, "%s: %zu [", name, sv->n);
	for (size_t i = 0; i < sv->n; i++)
		strbuf_addf(sb, "%s%s", i ? " | " : "", sv->v[i]);
	strbuf_addstr(sb, "]\n");
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

/* Every fact a server step fills, as text, so two runs compare as strings
 * and a difference shows where. */
static void facts_text(const struct server_facts *f, struct strbuf *sb)
{
	strbuf_addf(sb, "package: checked %d state %d version %s tool %s sshd %d %s\n", f->pkg_checked,
		    (int)f->pkg_state, or_none(f->pkg_version), or_none(f->pkg_tool), f->sshd_found, f->sshd_path);
	strbuf_addf(sb, "service: manager %d systemd %d unit %d %s active %d enabled %d state %s init %s\n",
		    (int)f->manager, f->systemd, f->unit_found, or_none(f->unit), f->unit_active,
		    (int)f->unit_enabled, or_none(f->unit_state), or_none(f->init_start));
	strbuf_addf(sb, "socket: %d ports %zu:", f->socket_active, f->nsocket_ports);
	for (size_t i = 0; i < f->nsocket_ports; i++)
		strbuf_addf(sb, " %d", f->socket_ports[i]);
	strbuf_addf(sb, "\nprocs: %zu here %zu\n", f->nprocs, f->nrunning_here);
	for (size_t i = 0; i < f->nprocs; i++) {
		const struct srv_proc *p = &f->procs[i];

		strbuf_addf(sb, "  pid %ld %s -f %s -p %d -E %s stderr %d netns %d\n", p->pid, or_none(p->cmdline),
			    or_none(p->config), p->port, or_none(p->logfile), p->stderr_is_file, p->same_netns);
		text_strv(sb, "  options", &p->options);
	}
	strbuf_addf(sb, "config: %s checked %d error %d %s at %s:%u read %d source %s ports %zu:",
		    or_none(f->config_file), f->config_checked, f->config_error, or_none(f->config_message),
		    or_none(f->config_error_file), f->config_error_line, f->config_read,
		    or_none(f->config_source), f->ncfg_ports);
	for (size_t i = 0; i < f->ncfg_ports; i++)
		strbuf_addf(sb, " %d", f->cfg_ports[i]);
	strbuf_addf(sb, "\n  root %s password %d maxstartups %d %d:%d:%d\n", or_none(f->permit_root_login),
		    (int)f->password_auth, f->maxstartups_known, f->maxstartups.start, f->maxstartups.rate,
		    f->maxstartups.full);
	text_strv(sb, "  listen", &f->cfg_listen);
	text_strv(sb, "  listen missing", &f->cfg_listen_missing);
	strbuf_addf(sb, "listeners: checked %d source %s n %zu\n", f->listen_checked, or_none(f->listen_source),
		    f->nlisteners);
	for (size_t i = 0; i < f->nlisteners; i++) {
		const struct srv_listener *l = &f->listeners[i];

		strbuf_addf(sb, "  %d %s %d wild %d v6only %d/%d pid %ld %s sshd %d\n", l->family, l->addr, l->port,
			    l->wildcard, l->v6only, l->v6only_known, l->pid, l->comm, l->is_sshd);
	}
	strbuf_addf(sb, "firewall: checked %d verdict %d %s rule %s effect %s fix %s\n", f->fw_checked,
		    (int)f->fw_verdict, or_none(f->fw_name), or_none(f->fw_rule), or_none(f->fw_effect),
		    or_none(f->fw_fix));
	text_strv(sb, "  sshguard", &f->guard_banned);
	strbuf_addf(sb, "wrappers: checked %d libwrap %d refuses %d rule %s client %s\n", f->wrap_checked,
		    (int)f->libwrap, f->wrap_refuses, or_none(f->wrap_rule), or_none(f->wrap_client));
	strbuf_addf(sb, "logs: checked %d no bind %d bind failed %s wrap %zu maxstartups %zu\n", f->logs_checked,
		    f->log_no_bind, or_none(f->log_bind_failed), f->log_wrap_refused, f->log_maxstartups);
	text_strv(sb, "  files", &f->log_files);
	strbuf_addf(sb, "limits: conns %d f2b %d\n", f->unauth_conns, f->f2b_checked);
	text_strv(sb, "  fail2ban", &f->f2b_banned);
	text_strv(sb, "banned", &f->banned);
	strbuf_addf(sb, "self-test: ran %d n %zu wrap %d maxstartups %d\n", f->test_ran, f->ntests,
		    f->test_log_wrap, f->test_log_maxstartups);
	for (size_t i = 0; i < f->ntests; i++) {
		const struct srv_test *t = &f->tests[i];

		strbuf_addf(sb, "  %s %d tcp %d banner %d %s wire %d\n", t->addr, t->port, (int)t->tcp,
			    (int)t->banner, or_none(t->banner_text), (int)t->wire);
	}
	text_strv(sb, "  log", &f->test_log);
}

typedef int (*srv_probe_fn)(struct step_work *w, struct server_facts *f);

/* Runs probe on r's facts twice, each time in a fresh step as the engine
 * makes one, and expects the second run to leave the facts, the status,
 * the summary and the number of evidence lines the first left. */
static void expect_second_run_same(struct run *r, srv_probe_fn probe)
{
	struct strbuf first, second;
	enum step_status status;
	char *summary;
	size_t nevidence;
	const char *id = r->w.id;

	strbuf_init(&first);
	strbuf_init(&second);
	probe(&r->w, &r->f);
	facts_text(&r->f, &first);
	status = r->w.status;
	summary = strdup(r->w.summary ? r->w.summary : "");
	nevidence = r->w.evidence.n;
	work_release(&r->w);
	work_init(&r->w, id);
	probe(&r->w, &r->f);
	facts_text(&r->f, &second);
	if (strcmp(first.buf, second.buf) != 0)
		fail_msg("%s: expected a second run to find what the first found; first:\n%s\nsecond:\n%s", id,
			 first.buf, second.buf);
	if (r->w.status != status || strcmp(summary, r->w.summary ? r->w.summary : "") != 0)
		fail_msg("%s: expected the second run to say \"%s\" (%s) again, it said \"%s\" (%s)", id, summary,
			 step_status_word(status), or_none(r->w.summary), step_status_word(r->w.status));
	if (r->w.evidence.n != nevidence)
		fail_msg("%s: expected %zu evidence lines again, got %zu", id, nevidence, r->w.evidence.n);
	free(summary);
	strbuf_release(&first);
	strbuf_release(&second);
}

static void package_run_again(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-openssh-server.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "package");
	expect_second_run_same(&r, probe_srv_package_run);
	assert_string_equal(r.f.pkg_version, "1:9.2p1-2+deb12u10");
	run_end(&r);
}

static void package_run_again_forgets_a_package_now_gone(void **state)
{
	static const struct record installed_recs[] = {
		{"rpm", "-q", "service/rpm-installed.txt", NULL, 0},
	};
	static const char *const only[] = {"rpm", "sshd", NULL};
	static const char *const none[] = {NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, installed_recs, 1, "package");
	probe_srv_package_run(&r.w, &r.f);
	assert_true(r.f.pkg_checked);
	/* uninstalled meanwhile: no package manager, no sshd */
	installed = none;
	work_release(&r.w);
	work_init(&r.w, "package");
	probe_srv_package_run(&r.w, &r.f);
	if (r.f.pkg_checked || r.f.pkg_version != NULL || r.f.pkg_tool != NULL || r.f.sshd_found)
		fail_msg("expected the second run to forget rpm's answer and the sshd program, got checked %d version %s sshd %d",
			 r.f.pkg_checked, or_none(r.f.pkg_version), r.f.sshd_found);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void service_run_again_on_macos(void **state)
{
	static const struct record recs[] = {
		{"systemsetup", "-getremotelogin", "service/systemsetup-on.txt", NULL, 0},
		{"launchctl", "print", "service/launchctl-print-waiting.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "service");
	os_set_active(&os_macos_ops);
	expect_second_run_same(&r, probe_srv_service_run);
	assert_int_equal(r.f.nsocket_ports, 1);
	run_end(&r);
}

static void config_run_again_with_sshd_T(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, NULL, 0},
		{"sshd", "-T", "sshd-T/ports-and-listen.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 2, "sshd_config");
	fake_sshd(&r.f);
	one_running_sshd(&r.f, "/etc/ssh/test_config");
	strv_push(&r.f.local_addrs, "127.0.0.1");
	expect_second_run_same(&r, probe_srv_config_run);
	assert_string_equal(r.f.config_source, "sshd -T");
	assert_true(r.f.ncfg_ports > 0);
	run_end(&r);
}

static void config_run_again_on_a_rejected_file(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/badopt.stderr", 255},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "sshd_config");
	fake_sshd(&r.f);
	r.f.sshd_config = strdup(SSHD_FIXTURES "/server/sshd-t/badopt.sshd_config");
	expect_second_run_same(&r, probe_srv_config_run);
	assert_true(r.f.config_error);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void listeners_run_again_from_lsof(void **state)
{
	static const struct record recs[] = {
		{"lsof", "-iTCP", "service/lsof-macos-listen.txt", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 1, "listeners");
	os_set_active(&os_macos_ops);
	r.f.socket_active = true;
	r.f.socket_ports[r.f.nsocket_ports++] = 22;
	r.f.port = 22;
	expect_second_run_same(&r, probe_srv_listen_run);
	assert_true(r.f.nlisteners > 0);
	run_end(&r);
}

static size_t listeners_on(const struct server_facts *f, int port)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nlisteners; i++)
		n += f->listeners[i].port == port;
	return n;
}

/* The kernel's list is this machine's, which other programs change: only
 * our own listener is compared. */
static void listeners_run_again_lists_a_socket_once(void **state)
{
	struct run r;
	int port, fd = listen_loopback(&port);

	(void)state;
	run_begin(&r, NULL, 0, "listeners");
	r.f.port = port;
	probe_srv_listen_run(&r.w, &r.f);
	assert_int_equal(listeners_on(&r.f, port), 1);
	work_release(&r.w);
	work_init(&r.w, "listeners");
	probe_srv_listen_run(&r.w, &r.f);
	if (listeners_on(&r.f, port) != 1)
		fail_msg("expected the listener on port %d once after a second run, got it %zu times", port,
			 listeners_on(&r.f, port));
	assert_int_equal(srv_listener_on(&r.f, port)->pid, (long)getpid());
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
	close(fd);
}

static void firewall_run_again_with_iptables_and_sshguard(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-sshguard.txt", NULL, 0},
		{"ip6tables-save", NULL, "firewall/ip6tables-save-reject.txt", NULL, 0},
		{"nft", NULL, "service/sshguard-nft.json", NULL, 0},
	};
	struct run r;

	(void)state;
	run_begin(&r, recs, 3, "firewall");
	expect_second_run_same(&r, probe_srv_firewall_run);
	if (r.f.guard_banned.n == 0 || r.f.banned.n != r.f.guard_banned.n)
		fail_msg("expected sshguard's blocks as the only bans, got %zu of %zu", r.f.guard_banned.n,
			 r.f.banned.n);
	run_end(&r);
}

static void firewall_run_again_forgets_a_rule_now_gone(void **state)
{
	static const struct record drop[] = {
		{"iptables-save", NULL, "firewall/iptables-save-drop.txt", NULL, 0},
	};
	static const struct record open[] = {
		{"iptables-save", NULL, "firewall/iptables-save-chains.txt", NULL, 0},
	};
	static const char *const only[] = {"iptables-save", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, drop, 1, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	assert_int_equal(r.f.fw_verdict, FW_VERDICT_DROPPED);
	/* the rule was deleted, then the step run again */
	r.rp.records = open;
	work_release(&r.w);
	work_init(&r.w, "firewall");
	probe_srv_firewall_run(&r.w, &r.f);
	if (r.f.fw_verdict == FW_VERDICT_DROPPED || r.w.status == STEP_FAIL)
		fail_msg("expected the second run to judge the new rules alone, got %s by %s",
			 fw_verdict_name(r.f.fw_verdict), or_none(r.f.fw_rule));
	run_end(&r);
}

static void wrappers_run_again(void **state)
{
	struct run r;

	(void)state;
	run_begin(&r, NULL, 0, "tcp_wrappers");
	/* an ELF file that surely exists stands for sshd */
	r.f.sshd_found = true;
	snprintf(r.f.sshd_path, sizeof(r.f.sshd_path), "%s", SSHD_FIXTURES "/server/elf/tiny-x86_64-libm");
	strv_push(&r.f.client_addrs, "127.0.0.1");
	expect_second_run_same(&r, probe_srv_wrappers_run);
	assert_true(r.f.wrap_checked);
	assert_int_equal(r.f.libwrap, SRV_NO);
	run_end(&r);
}

static void logs_run_again_with_the_journal_and_sshds_own_file(void **state)
{
	static const struct record recs[] = {
		{"journalctl", "json", "logs/journal-ssh.json", NULL, 0},
	};
	static const char *const only[] = {"journalctl", NULL};
	char path[] = "/tmp/test-srv-probes-log-XXXXXX";
	static const char lines[] = "Server listening on 0.0.0.0 port 22.\n"
		"Bind to port 2222 on 0.0.0.0 failed: Address already in use.\n"
		"refused connect from 192.0.2.9 (192.0.2.9)\n";
	int fd = mkstemp(path);
	struct run r;

	(void)state;
	if (fd < 0 || write(fd, lines, sizeof(lines) - 1) != (ssize_t)(sizeof(lines) - 1))
		fail_msg("cannot write %s: %s", path, strerror(errno));
	close(fd);
	installed = only;
	run_begin(&r, recs, 1, "logs");
	r.f.systemd = true;
	one_running_sshd(&r.f, NULL)->logfile = strdup(path);
	expect_second_run_same(&r, probe_srv_logs_run);
	assert_int_equal(r.f.log_files.n, 1);
	assert_int_equal(r.f.log_wrap_refused, 1);
	assert_non_null(r.f.log_bind_failed);
	run_end(&r);
	unlink(path);
}

static void limits_run_again_keeps_the_firewalls_bans(void **state)
{
	static const struct record recs[] = {
		{"fail2ban-client", "status", "service/fail2ban-status-sshd.txt", NULL, 0},
	};
	static const char *const only[] = {"fail2ban-client", NULL};
	struct run r;
	size_t f2b;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "limits");
	/* what the firewall step found before */
	strv_push(&r.f.guard_banned, "192.0.2.77");
	server_facts_merge_bans(&r.f);
	expect_second_run_same(&r, probe_srv_limits_run);
	f2b = r.f.f2b_banned.n;
	assert_true(f2b > 0);
	if (r.f.banned.n != f2b + 1 || !strv_contains(&r.f.banned, "192.0.2.77"))
		fail_msg("expected fail2ban's %zu bans and sshguard's one, got %zu", f2b, r.f.banned.n);
	assert_int_equal(r.f.unauth_conns, 0);
	run_end(&r);
}

static void firewall_run_again_keeps_fail2bans_bans(void **state)
{
	static const struct record recs[] = {
		{"nft", NULL, "service/sshguard-nft.json", NULL, 0},
	};
	static const char *const only[] = {"nft", NULL};
	struct run r;

	(void)state;
	installed = only;
	run_begin(&r, recs, 1, "firewall");
	strv_push(&r.f.f2b_banned, "192.0.2.88");
	server_facts_merge_bans(&r.f);
	expect_second_run_same(&r, probe_srv_firewall_run);
	if (r.f.banned.n != r.f.guard_banned.n + 1 || !strv_contains(&r.f.banned, "192.0.2.88"))
		fail_msg("expected sshguard's %zu bans and fail2ban's one, got %zu", r.f.guard_banned.n,
			 r.f.banned.n);
	run_end(&r);
}

static void socket_activation_run_again(void **state)
{
	struct run r;

	(void)state;
	run_begin(&r, NULL, 0, "socket_activation");
	r.f.systemd = true;
	r.f.socket_active = true;
	r.f.socket_ports[r.f.nsocket_ports++] = 2222;
	r.f.cfg_ports[r.f.ncfg_ports++] = 22;
	expect_second_run_same(&r, probe_srv_socket_run);
	assert_int_equal(r.w.status, STEP_FAIL);
	run_end(&r);
}

static void self_test_run_again(void **state)
{
	struct greeter g = {.say = "SSH-2.0-OpenSSH_9.2p1 again\r\n", .count = 2};
	struct run r;
	pthread_t t;
	int port;

	(void)state;
	g.fd = listen_loopback(&port);
	pthread_create(&t, NULL, greet, &g);
	run_begin(&r, NULL, 0, "self_test");
	r.f.port = port;
	strv_push(&r.f.client_addrs, "127.0.0.1");
	expect_second_run_same(&r, probe_srv_selftest_run);
	pthread_join(t, NULL);
	close(g.fd);
	assert_int_equal(r.f.ntests, 1);
	assert_int_equal(r.f.tests[0].banner, BANNER_SSH);
	assert_int_equal(r.w.status, STEP_PASS);
	run_end(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(without_sshd_a_problem_the_parser_found_is_never_called_valid),
		cmocka_unit_test(without_sshd_listen_address_localhost_is_this_machine),
		cmocka_unit_test(without_sshd_a_repeated_maxstartups_follows_the_installed_version),
		cmocka_unit_test(dpkg_says_installed_with_its_version),
		cmocka_unit_test(dpkg_says_not_installed),
		cmocka_unit_test(rpm_says_installed_where_dpkg_is_absent),
		cmocka_unit_test(no_package_and_no_sshd_fails),
		cmocka_unit_test(sshd_t_error_names_file_line_and_message),
		cmocka_unit_test(a_privsep_dir_the_service_makes_is_no_configuration_error),
		cmocka_unit_test(a_privsep_dir_nobody_makes_is_a_configuration_error),
		cmocka_unit_test(sshd_G_stands_in_when_sshd_T_cannot_answer),
		cmocka_unit_test(sshd_T_gives_ports_and_limits_with_the_running_sshds_options),
		cmocka_unit_test(a_listen_address_this_machine_lacks_is_found),
		cmocka_unit_test(an_iptables_drop_rule_is_named),
		cmocka_unit_test(an_nft_reject_outranks_an_open_iptables),
		cmocka_unit_test(a_drop_for_the_clients_network_gets_an_accept_for_the_client_before_it),
		cmocka_unit_test(a_drop_for_the_client_alone_is_deleted),
		cmocka_unit_test(sshguards_blocks_are_lifted_one_by_one_as_its_back_end_does),
		cmocka_unit_test(nft_lists_only_the_tables_iptables_did_not),
		cmocka_unit_test(ufw_rejecting_by_default_is_named),
		cmocka_unit_test(firewalld_without_ssh_blocks_the_port),
		cmocka_unit_test(the_interface_of_a_local_address_is_found),
		cmocka_unit_test(sshguards_blocks_are_bans),
		cmocka_unit_test(fail2ban_bans_are_read),
		cmocka_unit_test(the_journal_says_why_sshd_stopped),
		cmocka_unit_test(no_firewall_tool_answering_skips),
		cmocka_unit_test(systemd_socket_activation_is_read),
		cmocka_unit_test(ubuntu_generated_socket_ports_are_told),
		cmocka_unit_test(an_selinux_bind_denial_is_found),
		cmocka_unit_test(a_failed_unit_says_how),
		cmocka_unit_test(macos_remote_login_and_launchd_are_read),
		cmocka_unit_test(macos_remote_login_off_is_not_running),
		cmocka_unit_test(macos_lsof_gives_launchds_port_to_sshd),
		cmocka_unit_test(macos_application_firewall_blocking_sshd),
		cmocka_unit_test(the_title_sshd_sets_gives_back_its_options),
		cmocka_unit_test(nul_separated_arguments_give_port_and_log_file),
		cmocka_unit_test(a_host_is_local_by_address_name_or_hosts_file),
		cmocka_unit_test(sshds_own_lines_are_read_without_a_syslog_prefix),
		cmocka_unit_test(a_listener_is_found_with_its_owner),
		cmocka_unit_test(without_sock_diag_proc_net_tcp_finds_the_listener),
		cmocka_unit_test(connections_at_sshds_port_count_against_maxstartups),
		cmocka_unit_test(the_self_test_reads_sshds_identification),
		cmocka_unit_test(the_self_test_sees_a_close_without_a_word),
		cmocka_unit_test(package_run_again),
		cmocka_unit_test(package_run_again_forgets_a_package_now_gone),
		cmocka_unit_test(service_run_again_on_macos),
		cmocka_unit_test(config_run_again_with_sshd_T),
		cmocka_unit_test(config_run_again_on_a_rejected_file),
		cmocka_unit_test(listeners_run_again_from_lsof),
		cmocka_unit_test(listeners_run_again_lists_a_socket_once),
		cmocka_unit_test(socket_activation_run_again),
		cmocka_unit_test(firewall_run_again_with_iptables_and_sshguard),
		cmocka_unit_test(firewall_run_again_forgets_a_rule_now_gone),
		cmocka_unit_test(firewall_run_again_keeps_fail2bans_bans),
		cmocka_unit_test(wrappers_run_again),
		cmocka_unit_test(logs_run_again_with_the_journal_and_sshds_own_file),
		cmocka_unit_test(limits_run_again_keeps_the_firewalls_bans),
		cmocka_unit_test(self_test_run_again),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

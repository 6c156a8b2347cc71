/* The server probes' logic, with the spawner replaced by recorded outputs
 * (exec_set_hook): what each probe concludes from what the tools said. The
 * probes run without an engine (w.e is NULL), so their evidence stays in w. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/exec.h"
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
	char path[512];
	FILE *fp;
	char buf[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/server/%s", SSHD_FIXTURES, rel);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("cannot open fixture %s: %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(out, buf, n);
	fclose(fp);
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

static void replay_start(struct replay *rp, const struct record *records, size_t n)
{
	rp->records = records;
	rp->n = n;
	strv_init(&rp->calls);
	exec_set_hook(replay_hook, rp);
}

static void replay_stop(struct replay *rp)
{
	exec_set_hook(NULL, NULL);
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

static bool lines_have(const struct strv *sv, const char *word)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], word) != NULL)
			return true;
	return false;
}

static bool have(const char *program)
{
	char path[256];

	return exec_find(program, path, sizeof(path)) == 0;
}

/* ---- package --------------------------------------------------------- */

static void dpkg_says_installed_with_its_version(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-openssh-server.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("dpkg-query"))
		skip();
	replay_start(&rp, recs, 1);
	work_init(&w, "package");
	server_facts_init(&f);
	assert_int_equal(probe_srv_package_run(&w, &f), 0);
	if (f.pkg_state != SVC_PKG_INSTALLED || f.pkg_version == NULL ||
	    strcmp(f.pkg_version, "1:9.2p1-2+deb12u10") != 0)
		fail_msg("expected installed 1:9.2p1-2+deb12u10, got %s %s", svc_pkg_state_name(f.pkg_state),
			 f.pkg_version ? f.pkg_version : "(no version)");
	if (!lines_have(&w.evidence, "1:9.2p1-2+deb12u10"))
		fail_msg("expected the version among the evidence");
	if (!lines_have(&w.details, "openssh-server"))
		fail_msg("expected dpkg-query's command and output among the details");
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void dpkg_says_not_installed(void **state)
{
	static const struct record recs[] = {
		{"dpkg-query", NULL, "service/dpkg-not-found.stdout", "service/dpkg-not-found.stderr", 1},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("dpkg-query"))
		skip();
	replay_start(&rp, recs, 1);
	work_init(&w, "package");
	server_facts_init(&f);
	probe_srv_package_run(&w, &f);
	if (f.pkg_state != SVC_PKG_NOT_INSTALLED)
		fail_msg("expected not installed, got %s", svc_pkg_state_name(f.pkg_state));
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

/* ---- configuration --------------------------------------------------- */

static void fake_sshd(struct server_facts *f)
{
	f->sshd_found = true;
	snprintf(f->sshd_path, sizeof(f->sshd_path), "/usr/sbin/sshd");
}

static void sshd_t_error_names_file_line_and_message(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, "sshd-t/badopt.stderr", 255},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	replay_start(&rp, recs, 1);
	work_init(&w, "sshd_config");
	server_facts_init(&f);
	fake_sshd(&f);
	f.sshd_config = strdup(SSHD_FIXTURES "/server/sshd-t/badopt.sshd_config");
	probe_srv_config_run(&w, &f);
	assert_true(f.config_checked);
	assert_true(f.config_error);
	if (f.config_error_file == NULL || strcmp(f.config_error_file, "/etc/ssh/sshd_config") != 0 ||
	    f.config_error_line != 2)
		fail_msg("expected /etc/ssh/sshd_config line 2, got %s line %u",
			 f.config_error_file ? f.config_error_file : "no file", f.config_error_line);
	if (f.config_message == NULL || strstr(f.config_message, "Prot") == NULL)
		fail_msg("expected the message to name the keyword, got %s", f.config_message ? f.config_message : "none");
	assert_int_equal(w.status, STEP_FAIL);
	/* sshd -T is not asked about a file sshd rejects: our parser reads it */
	if (lines_have(&rp.calls, " -T "))
		fail_msg("expected no sshd -T on a rejected configuration");
	assert_string_equal(f.config_source, "sshd_config");
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void sshd_T_gives_ports_and_limits_with_the_running_sshds_options(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, NULL, 0},
		{"sshd", "-T", "sshd-T/debian12-default.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	replay_start(&rp, recs, 2);
	work_init(&w, "sshd_config");
	server_facts_init(&f);
	fake_sshd(&f);
	f.nprocs = 1;
	f.procs[0].pid = 42;
	f.procs[0].same_netns = true;
	f.procs[0].config = strdup("/etc/ssh/test_config");
	strv_push(&f.procs[0].options, "PidFile=none");
	strv_push(&f.local_addrs, "192.0.2.2");
	probe_srv_config_run(&w, &f);
	assert_false(f.config_error);
	assert_string_equal(f.config_file, "/etc/ssh/test_config");
	assert_string_equal(f.config_source, "sshd -T");
	if (!lines_have(&rp.calls, "-T -f /etc/ssh/test_config -o PidFile=none"))
		fail_msg("expected sshd -T with the running sshd's -f and -o, got: %s",
			 rp.calls.n > 1 ? rp.calls.v[1] : "nothing");
	assert_int_equal(f.ncfg_ports, 1);
	assert_int_equal(f.cfg_ports[0], 22);
	assert_true(f.maxstartups_known);
	assert_int_equal(f.maxstartups.start, 10);
	assert_int_equal(f.cfg_listen_missing.n, 0);
	assert_int_equal(w.status, STEP_PASS);
	if (!lines_have(&w.evidence, "Permission denied"))
		fail_msg("expected the lesson on \"Permission denied\" among the evidence");
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void a_listen_address_this_machine_lacks_is_found(void **state)
{
	static const struct record recs[] = {
		{"sshd", "-t", NULL, NULL, 0},
		{"sshd", "-T", "sshd-T/ports-and-listen.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	replay_start(&rp, recs, 2);
	work_init(&w, "sshd_config");
	server_facts_init(&f);
	fake_sshd(&f);
	f.sshd_config = strdup("/nonexistent/sshd_config");
	strv_push(&f.local_addrs, "127.0.0.1");
	probe_srv_config_run(&w, &f);
	if (f.cfg_listen_missing.n == 0)
		fail_msg("expected a ListenAddress this machine lacks (fixture ports-and-listen)");
	assert_int_equal(w.status, STEP_FAIL);
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

/* ---- firewall -------------------------------------------------------- */

static void an_iptables_drop_rule_is_named(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-drop.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("iptables-save"))
		skip();
	replay_start(&rp, recs, 1);
	work_init(&w, "firewall");
	server_facts_init(&f);
	probe_srv_firewall_run(&w, &f);
	assert_true(f.fw_checked);
	if (f.fw_verdict != FW_VERDICT_DROPPED)
		fail_msg("expected dropped, got %s", fw_verdict_name(f.fw_verdict));
	if (f.fw_rule == NULL || strstr(f.fw_rule, "INPUT") == NULL || strstr(f.fw_rule, "--dport 22 -j DROP") == NULL)
		fail_msg("expected the rule with its chain, got %s", f.fw_rule ? f.fw_rule : "none");
	assert_string_equal(f.fw_name, "iptables");
	assert_int_equal(w.status, STEP_FAIL);
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void an_nft_reject_outranks_an_open_iptables(void **state)
{
	static const struct record recs[] = {
		{"iptables-save", NULL, "firewall/iptables-save-chains.txt", NULL, 0},
		{"nft", NULL, "firewall/nft-reject-icmp.json", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("nft"))
		skip();
	replay_start(&rp, recs, 2);
	work_init(&w, "firewall");
	server_facts_init(&f);
	probe_srv_firewall_run(&w, &f);
	if (f.fw_verdict != FW_VERDICT_REJECTED || f.fw_name == NULL || strcmp(f.fw_name, "nftables") != 0)
		fail_msg("expected nftables rejecting, got %s %s", f.fw_name ? f.fw_name : "nothing",
			 fw_verdict_name(f.fw_verdict));
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void no_firewall_tool_answering_skips(void **state)
{
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	replay_start(&rp, NULL, 0);
	work_init(&w, "firewall");
	server_facts_init(&f);
	probe_srv_firewall_run(&w, &f);
	assert_false(f.fw_checked);
	assert_true(w.status == STEP_SKIP || w.status == STEP_WARN);
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

/* ---- service ----------------------------------------------------------- */

static void systemd_socket_activation_is_read(void **state)
{
	static const struct record recs[] = {
		{"systemctl", "show", "service/systemctl-show-ubuntu-socket.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("systemctl"))
		skip();
	replay_start(&rp, recs, 1);
	work_init(&w, "service");
	server_facts_init(&f);
	f.systemd = true;
	srv_service_systemd(&w, &f);
	assert_true(f.unit_found);
	assert_string_equal(f.unit, "ssh.service");
	assert_true(f.unit_active);
	assert_int_equal(f.unit_enabled, SRV_NO);
	assert_true(f.socket_active);
	assert_int_equal(f.nsocket_ports, 2);
	assert_int_equal(f.socket_ports[0], 2222);
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
}

static void a_failed_unit_says_how(void **state)
{
	static const struct record recs[] = {
		{"systemctl", "show", "service/systemctl-show-failed.txt", NULL, 0},
	};
	struct replay rp;
	struct step_work w;
	struct server_facts f;

	(void)state;
	if (!have("systemctl"))
		skip();
	replay_start(&rp, recs, 1);
	work_init(&w, "service");
	server_facts_init(&f);
	srv_service_systemd(&w, &f);
	assert_true(f.unit_found);
	assert_false(f.unit_active);
	if (f.unit_state == NULL || strstr(f.unit_state, "failed") == NULL)
		fail_msg("expected a failed state, got %s", f.unit_state ? f.unit_state : "none");
	server_facts_release(&f);
	work_release(&w);
	replay_stop(&rp);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dpkg_says_installed_with_its_version),
		cmocka_unit_test(dpkg_says_not_installed),
		cmocka_unit_test(sshd_t_error_names_file_line_and_message),
		cmocka_unit_test(sshd_T_gives_ports_and_limits_with_the_running_sshds_options),
		cmocka_unit_test(a_listen_address_this_machine_lacks_is_found),
		cmocka_unit_test(an_iptables_drop_rule_is_named),
		cmocka_unit_test(an_nft_reject_outranks_an_open_iptables),
		cmocka_unit_test(no_firewall_tool_answering_skips),
		cmocka_unit_test(systemd_socket_activation_is_read),
		cmocka_unit_test(a_failed_unit_says_how),
		cmocka_unit_test(the_title_sshd_sets_gives_back_its_options),
		cmocka_unit_test(nul_separated_arguments_give_port_and_log_file),
		cmocka_unit_test(a_host_is_local_by_address_name_or_hosts_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

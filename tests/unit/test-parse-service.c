/* SPDX-License-Identifier: MIT */
/* Tests of the service, package, ban and /proc parsers over fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "engine/parse/parse-service.h"

#define FIXTURE_DIR "server/service/"

static char *load(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "%s%s", FIXTURE_DIR, name);
	return fixture_load(rel, len);
}

static void expect_str(const char *what, const char *got, const char *want)
{
	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("expected %s '%s', got '%s'", what, want, got ? got : "(null)");
}

/* ---- systemctl show ---- */

static void load_units(const char *name, struct svc_unit_list *ul)
{
	size_t len;
	char *buf = load(name, &len);
	int ret;

	svc_unit_list_init(ul);
	ret = svc_parse_systemctl_show(buf, len, ul);
	free(buf);
	if (ret != 0)
		fail_msg("expected '%s' to parse, got %s", name, svc_strerror(ret));
}

static void systemctl_socket_activation_lists_both_units(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *svc, *sock;

	load_units("systemctl-show-ubuntu-socket.txt", &ul);
	assert_int_equal(ul.n, 2);
	svc = svc_unit_list_find(&ul, "ssh.service");
	sock = svc_unit_list_find(&ul, "ssh.socket");
	if (svc == NULL || sock == NULL)
		fail_msg("expected units ssh.service and ssh.socket");
	assert_true(svc_unit_is_active(svc));
	assert_int_equal(svc->main_pid, 1234);
	assert_int_equal(svc->triggered_by.n, 1);
	expect_str("TriggeredBy", svc->triggered_by.v[0], "ssh.socket");
	expect_str("UnitFileState", svc->unit_file_state, "disabled");
	expect_str("Triggers", sock->triggers.v[0], "ssh.service");
	svc_unit_list_release(&ul);
}

static void systemctl_socket_listen_lines_give_ports(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *sock;

	load_units("systemctl-show-ubuntu-socket.txt", &ul);
	sock = svc_unit_list_find(&ul, "ssh.socket");
	assert_non_null(sock);
	assert_int_equal(sock->nlisten, 2);
	expect_str("listen address", sock->listen[0].address, "[::]:2222");
	expect_str("listen type", sock->listen[0].type, "Stream");
	assert_int_equal(sock->listen[0].port, 2222);
	expect_str("listen address", sock->listen[1].address, "0.0.0.0:2222");
	assert_int_equal(sock->listen[1].port, 2222);
	svc_unit_list_release(&ul);
}

static void systemctl_failed_unit_keeps_exit_status(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *svc;

	load_units("systemctl-show-failed.txt", &ul);
	svc = svc_unit_list_find(&ul, "ssh.service");
	assert_non_null(svc);
	assert_false(svc_unit_is_active(svc));
	expect_str("ActiveState", svc->active_state, "failed");
	expect_str("Result", svc->result, "exit-code");
	assert_true(svc->has_exec_main_status);
	assert_int_equal(svc->exec_main_status, 255);
	assert_int_equal(svc->main_pid, 0);
	svc_unit_list_release(&ul);
}

static void systemctl_masked_unit_is_masked_not_missing(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *svc;

	load_units("systemctl-show-debian12-masked.txt", &ul);
	svc = svc_unit_list_find(&ul, "ssh.service");
	assert_non_null(svc);
	assert_false(svc_unit_is_missing(svc));
	assert_true(svc_unit_is_masked(svc));
	assert_false(svc_unit_is_masked(svc_unit_list_find(&ul, "ssh.socket")));
	svc_unit_list_release(&ul);
}

static void systemctl_stopped_unit_names_its_runtime_directory(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *svc;

	load_units("systemctl-show-debian12-stopped.txt", &ul);
	svc = svc_unit_list_find(&ul, "ssh.service");
	assert_non_null(svc);
	assert_false(svc_unit_is_masked(svc));
	assert_int_equal(svc->runtime_dirs.n, 1);
	expect_str("RuntimeDirectory", svc->runtime_dirs.v[0], "sshd");
	svc_unit_list_release(&ul);
}

static void systemctl_ubuntu_socket_names_the_generators_drop_in(void **state)
{
	struct svc_unit_list ul;
	const struct svc_unit *sock;

	load_units("systemctl-show-ubuntu2404-generated.txt", &ul);
	sock = svc_unit_list_find(&ul, "ssh.socket");
	assert_non_null(sock);
	assert_int_equal(sock->dropins.n, 1);
	expect_str("DropInPaths", sock->dropins.v[0], "/run/systemd/generator/ssh.socket.d/addresses.conf");
	assert_int_equal(sock->nlisten, 2);
	assert_int_equal(sock->listen[0].port, 2222);
	svc_unit_list_release(&ul);
}

static void selinux_mode_and_ssh_ports_are_read(void **state)
{
	struct strbuf sb;
	int ports[8][2];

	assert_int_equal(svc_parse_getenforce("Enforcing\n", 10), SVC_SELINUX_ENFORCING);
	assert_int_equal(svc_parse_getenforce("Permissive\n", 11), SVC_SELINUX_PERMISSIVE);
	assert_int_equal(svc_parse_getenforce("Disabled", 8), SVC_SELINUX_DISABLED);
	assert_int_equal(svc_parse_getenforce("1\n", 2), SVC_SELINUX_ENFORCING);
	assert_int_equal(svc_parse_getenforce("", 0), SVC_SELINUX_UNKNOWN);
	strbuf_init(&sb);
	fixture_read("server/service/semanage-port-l-rhel9.txt", &sb);
	assert_int_equal(svc_parse_semanage_ports(sb.buf, sb.len, "ssh_port_t", "tcp", ports, 8), 1);
	assert_int_equal(ports[0][0], 22);
	assert_int_equal(ports[0][1], 22);
	assert_int_equal(svc_parse_semanage_ports(sb.buf, sb.len, "unreserved_port_t", "tcp", ports, 8), 2);
	assert_int_equal(ports[0][0], 61000);
	assert_int_equal(ports[0][1], 65535);
	assert_int_equal(svc_parse_semanage_ports(sb.buf, sb.len, "ssh_port_t", "udp", ports, 8), -1);
	strbuf_release(&sb);
}

static void systemctl_not_found_unit_is_missing(void **state)
{
	struct svc_unit_list ul;

	load_units("systemctl-show-not-found.txt", &ul);
	assert_true(svc_unit_is_missing(svc_unit_list_find(&ul, "ssh.service")));
	assert_int_equal(svc_unit_list_find(&ul, "ssh.socket")->nlisten, 0);
	assert_null(svc_unit_list_find(&ul, "sshd.service"));
	svc_unit_list_release(&ul);
}

static void systemctl_rhel_unit_is_sshd(void **state)
{
	struct svc_unit_list ul;

	load_units("systemctl-show-rhel-sshd.txt", &ul);
	assert_int_equal(ul.n, 1);
	assert_true(svc_unit_is_active(svc_unit_list_find(&ul, "sshd.service")));
	expect_str("FragmentPath", ul.v[0].fragment_path, "/usr/lib/systemd/system/sshd.service");
	svc_unit_list_release(&ul);
}

static void systemctl_refuses_text_without_keys(void **state)
{
	struct svc_unit_list ul;
	const char *s = "System has not been booted with systemd as init system (PID 1). Can't operate.\n";

	svc_unit_list_init(&ul);
	assert_int_equal(svc_parse_systemctl_show(s, strlen(s), &ul), SVC_ERR_FORMAT);
	svc_unit_list_release(&ul);
}

/* ---- packages ---- */

static void run_dpkg(const char *out, const char *err, struct svc_package *p)
{
	size_t olen = 0, elen = 0;
	char *o = out ? load(out, &olen) : NULL, *e = err ? load(err, &elen) : NULL;
	int ret;

	svc_package_init(p);
	ret = svc_parse_dpkg_query(o, olen, e, elen, "openssh-server", p);
	free(o);
	free(e);
	if (ret != 0)
		fail_msg("expected dpkg-query output to parse, got %s", svc_strerror(ret));
}

static void dpkg_installed_server_has_version(void **state)
{
	struct svc_package p;

	run_dpkg("dpkg-openssh-server.txt", NULL, &p);
	assert_int_equal(p.state, SVC_PKG_INSTALLED);
	expect_str("name", p.name, "openssh-server");
	expect_str("version", p.version, "1:9.2p1-2+deb12u10");
	expect_str("status", p.status, "ii ");
	svc_package_release(&p);
}

static void dpkg_client_line_does_not_count_as_server(void **state)
{
	struct svc_package p;
	size_t len;
	char *o = load("dpkg-openssh-client.txt", &len);

	svc_package_init(&p);
	assert_int_equal(svc_parse_dpkg_query(o, len, NULL, 0, "openssh-server", &p), SVC_ERR_FORMAT);
	assert_int_equal(svc_parse_dpkg_query(o, len, NULL, 0, "openssh-client", &p), 0);
	assert_int_equal(p.state, SVC_PKG_INSTALLED);
	svc_package_release(&p);
	free(o);
}

static void dpkg_no_packages_found_is_not_installed(void **state)
{
	struct svc_package p;

	run_dpkg("dpkg-not-found.stdout", "dpkg-not-found.stderr", &p);
	assert_int_equal(p.state, SVC_PKG_NOT_INSTALLED);
	assert_null(p.version);
	svc_package_release(&p);
}

static void dpkg_removed_package_leaves_config_files(void **state)
{
	struct svc_package p;

	run_dpkg("dpkg-config-files.txt", NULL, &p);
	assert_int_equal(p.state, SVC_PKG_CONFIG_FILES);
	expect_str("state name", svc_pkg_state_name(p.state), "config-files");
	svc_package_release(&p);
}

static void dpkg_half_configured_is_broken(void **state)
{
	struct svc_package p;

	run_dpkg("dpkg-half-configured.txt", NULL, &p);
	assert_int_equal(p.state, SVC_PKG_BROKEN);
	svc_package_release(&p);
}

static void rpm_installed_splits_name_version_arch(void **state)
{
	struct svc_package p;
	size_t len;
	char *o = load("rpm-installed.txt", &len);

	svc_package_init(&p);
	assert_int_equal(svc_parse_rpm_q(o, len, "openssh-server", &p), 0);
	assert_int_equal(p.state, SVC_PKG_INSTALLED);
	expect_str("name", p.name, "openssh-server");
	expect_str("version", p.version, "8.7p1-38.el9");
	expect_str("arch", p.arch, "x86_64");
	svc_package_release(&p);
	free(o);
}

static void rpm_not_installed_message(void **state)
{
	struct svc_package p;
	size_t len;
	char *o = load("rpm-not-installed.txt", &len);

	svc_package_init(&p);
	assert_int_equal(svc_parse_rpm_q(o, len, "openssh-server", &p), 0);
	assert_int_equal(p.state, SVC_PKG_NOT_INSTALLED);
	expect_str("name", p.name, "openssh-server");
	svc_package_release(&p);
	free(o);
}

/* ---- macOS ---- */

static enum svc_remote_login remote_login(const char *name)
{
	size_t len;
	char *b = load(name, &len);
	enum svc_remote_login rl = svc_parse_remote_login(b, len);

	free(b);
	return rl;
}

static void systemsetup_remote_login_states(void **state)
{
	assert_int_equal(remote_login("systemsetup-on.txt"), SVC_RL_ON);
	assert_int_equal(remote_login("systemsetup-off.txt"), SVC_RL_OFF);
	assert_int_equal(remote_login("systemsetup-need-admin.txt"), SVC_RL_NEED_ADMIN);
	assert_int_equal(svc_parse_remote_login("", 0), SVC_RL_UNKNOWN);
}

static void run_launchd(const char *name, bool print, struct svc_launchd *ld)
{
	size_t len;
	char *b = load(name, &len);
	int ret;

	svc_launchd_init(ld);
	ret = print ? svc_parse_launchctl_print(b, len, ld) : svc_parse_launchctl_list(b, len, ld);
	free(b);
	if (ret != 0)
		fail_msg("expected '%s' to parse, got %s", name, svc_strerror(ret));
}

static void launchctl_print_running_has_pid_and_program(void **state)
{
	struct svc_launchd ld;

	run_launchd("launchctl-print-running.txt", true, &ld);
	assert_true(ld.found);
	expect_str("label", ld.label, "com.openssh.sshd");
	expect_str("state", ld.state, "running");
	expect_str("program", ld.program, "/usr/libexec/sshd-keygen-wrapper");
	expect_str("path", ld.path, "/System/Library/LaunchDaemons/ssh.plist");
	/* the pid inside "sockets" belongs to the listener, not the job */
	assert_int_equal(ld.pid, 4211);
	assert_true(ld.has_last_exit);
	assert_int_equal(ld.last_exit, 0);
	svc_launchd_release(&ld);
}

static void launchctl_print_waiting_never_exited(void **state)
{
	struct svc_launchd ld;

	run_launchd("launchctl-print-waiting.txt", true, &ld);
	expect_str("state", ld.state, "waiting");
	assert_int_equal(ld.pid, 0);
	assert_false(ld.has_last_exit);
	svc_launchd_release(&ld);
}

static void launchctl_print_not_found(void **state)
{
	struct svc_launchd ld;

	run_launchd("launchctl-print-not-found.txt", true, &ld);
	assert_false(ld.found);
	svc_launchd_release(&ld);
}

static void launchctl_list_reads_label_program_exit(void **state)
{
	struct svc_launchd ld;

	run_launchd("launchctl-list.txt", false, &ld);
	assert_true(ld.found);
	expect_str("label", ld.label, "com.openssh.sshd");
	expect_str("program", ld.program, "/usr/libexec/sshd-keygen-wrapper");
	assert_true(ld.has_last_exit);
	assert_int_equal(ld.pid, 0);
	expect_str("state", ld.state, "not running");
	svc_launchd_release(&ld);
	run_launchd("launchctl-list-not-found.txt", false, &ld);
	assert_false(ld.found);
	svc_launchd_release(&ld);
}

static void run_lsof(const char *name, struct svc_listener_list *ll)
{
	size_t len;
	char *b = load(name, &len);
	int ret;

	svc_listener_list_init(ll);
	ret = svc_parse_lsof_listen(b, len, ll);
	free(b);
	if (ret != 0)
		fail_msg("expected '%s' to parse, got %s", name, svc_strerror(ret));
}

static void lsof_macos_launchd_holds_port_22(void **state)
{
	struct svc_listener_list ll;

	run_lsof("lsof-macos-listen.txt", &ll);
	assert_int_equal(ll.n, 5);
	expect_str("command", ll.v[0].command, "launchd");
	assert_int_equal(ll.v[0].pid, 1);
	expect_str("address", ll.v[0].address, "*");
	assert_int_equal(ll.v[0].port, 22);
	assert_int_equal(ll.v[0].family, 6);
	expect_str("address", ll.v[3].address, "127.0.0.1");
	assert_int_equal(ll.v[3].port, 2222);
	expect_str("address", ll.v[4].address, "::1");
	assert_int_equal(ll.v[4].family, 6);
	svc_listener_list_release(&ll);
}

static void lsof_linux_recorded_listeners(void **state)
{
	struct svc_listener_list ll;

	run_lsof("lsof-linux-listen.txt", &ll);
	assert_int_equal(ll.n, 4);
	expect_str("user", ll.v[0].user, "root");
	assert_int_equal(ll.v[0].family, 4);
	assert_int_equal(ll.v[1].family, 6);
	expect_str("address", ll.v[3].address, "::1");
	assert_int_equal(ll.v[3].port, 2200);
	svc_listener_list_release(&ll);
}

static void lsof_empty_output_is_no_listener(void **state)
{
	struct svc_listener_list ll;

	run_lsof("lsof-empty.txt", &ll);
	assert_int_equal(ll.n, 0);
	svc_listener_list_release(&ll);
}

/* ---- bans ---- */

static void run_f2b(const char *name, struct svc_fail2ban *f)
{
	size_t len;
	char *b = load(name, &len);
	int ret;

	svc_fail2ban_init(f);
	ret = svc_parse_fail2ban_status(b, len, f);
	free(b);
	if (ret != 0)
		fail_msg("expected '%s' to parse, got %s", name, svc_strerror(ret));
}

static void fail2ban_banned_list_bans_client(void **state)
{
	struct svc_fail2ban f;

	run_f2b("fail2ban-status-sshd.txt", &f);
	assert_true(f.running);
	assert_true(f.jail_found);
	expect_str("jail", f.jail, "sshd");
	assert_int_equal(f.currently_failed, 3);
	assert_int_equal(f.total_failed, 41);
	assert_int_equal(f.currently_banned, 2);
	assert_int_equal(f.total_banned, 7);
	assert_int_equal(f.banned.n, 2);
	assert_true(svc_fail2ban_is_banned(&f, "192.0.2.66"));
	assert_true(svc_fail2ban_is_banned(&f, "2001:db8:0::66"));
	assert_false(svc_fail2ban_is_banned(&f, "192.0.2.67"));
	svc_fail2ban_release(&f);
}

static void fail2ban_empty_list_bans_nobody(void **state)
{
	struct svc_fail2ban f;

	run_f2b("fail2ban-status-none-banned.txt", &f);
	assert_true(f.jail_found);
	assert_int_equal(f.banned.n, 0);
	assert_false(svc_fail2ban_is_banned(&f, "192.0.2.66"));
	svc_fail2ban_release(&f);
}

static void fail2ban_not_running_and_missing_jail(void **state)
{
	struct svc_fail2ban f;

	run_f2b("fail2ban-not-running.txt", &f);
	assert_false(f.running);
	svc_fail2ban_release(&f);
	run_f2b("fail2ban-no-jail.txt", &f);
	assert_true(f.running);
	assert_false(f.jail_found);
	svc_fail2ban_release(&f);
}

static void sshguard_nft_sets_list_banned_addresses(void **state)
{
	struct strv e;
	size_t len;
	char *b = load("sshguard-nft.json", &len);

	strv_init(&e);
	assert_int_equal(svc_parse_sshguard_nft(b, len, &e), 0);
	assert_int_equal(e.n, 3);
	assert_true(svc_addr_listed(&e, "192.0.2.66"));
	assert_true(svc_addr_listed(&e, "198.51.100.200"));
	assert_true(svc_addr_listed(&e, "2001:db8::66"));
	assert_false(svc_addr_listed(&e, "203.0.113.1"));
	strv_release(&e);
	free(b);
}

static void sshguard_iptables_chain_lists_banned_addresses(void **state)
{
	struct strv e;
	size_t len;
	char *b = load("sshguard-iptables-save.txt", &len);

	strv_init(&e);
	assert_int_equal(svc_parse_sshguard_iptables(b, len, &e), 0);
	assert_int_equal(e.n, 2);
	expect_str("entry", e.v[0], "192.0.2.66");
	assert_true(svc_addr_listed(&e, "198.51.100.9"));
	assert_false(svc_addr_listed(&e, "192.0.2.65"));
	strv_release(&e);
	free(b);
}

/* ---- /proc ---- */

static char *proc_line(const char *base)
{
	char name[256];
	size_t clen, len;
	char *comm, *cmd, *s;

	snprintf(name, sizeof(name), "%s.comm", base);
	comm = load(name, &clen);
	snprintf(name, sizeof(name), "%s.cmdline", base);
	cmd = load(name, &len);
	s = svc_proc_cmdline(comm, clen, cmd, len);
	free(comm);
	free(cmd);
	return s;
}

static void proc_cmdline_joins_arguments(void **state)
{
	char *s = proc_line("proc-sleep");

	expect_str("command line", s, "sleep 30");
	free(s);
}

static void proc_cmdline_of_sshd_listener_keeps_its_title(void **state)
{
	char *s = proc_line("proc-sshd-listener");

	if (!str_starts_with(s, "'sshd: /usr/sbin/sshd -D") || strstr(s, "[listener]") == NULL)
		fail_msg("expected the sshd listener title, quoted, got '%s'", s);
	free(s);
}

static void proc_cmdline_empty_shows_comm_in_brackets(void **state)
{
	char *s = proc_line("proc-kthread");

	expect_str("command line", s, "[kthreadd]");
	free(s);
}

static void proc_cmdline_quotes_spaces_and_escapes_controls(void **state)
{
	const char cmd[] = "/bin/sh\0-c\0echo hi\x1b[2J\0";
	char *s = svc_proc_cmdline("sh\n", 3, cmd, sizeof(cmd) - 1);

	expect_str("command line", s, "/bin/sh -c 'echo hi\\x1b[2J'");
	free(s);
}

static void proc_1_comm_names_service_manager(void **state)
{
	static const struct { const char *comm; enum svc_manager m; } cases[] = {
		{ "systemd\n", SVC_MGR_SYSTEMD }, { "init\n", SVC_MGR_SYSVINIT },
		{ "runit\n", SVC_MGR_RUNIT }, { "s6-svscan\n", SVC_MGR_S6 },
		{ "openrc-init\n", SVC_MGR_OPENRC }, { "tini\n", SVC_MGR_TINI },
		{ "dumb-init\n", SVC_MGR_DUMB_INIT }, { "sh\n", SVC_MGR_SHELL },
		{ "systemd-journal\n", SVC_MGR_UNKNOWN },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum svc_manager m = svc_manager_from_comm(cases[i].comm, strlen(cases[i].comm));

		if (m != cases[i].m)
			fail_msg("expected '%.*s' to be %s, got %s", (int)strlen(cases[i].comm) - 1,
				 cases[i].comm, svc_manager_name(cases[i].m), svc_manager_name(m));
	}
	assert_true(svc_manager_supervises(SVC_MGR_SYSTEMD));
	assert_false(svc_manager_supervises(SVC_MGR_TINI));
	assert_false(svc_manager_supervises(SVC_MGR_SHELL));
}

static void proc_1_recorded_unknown_init(void **state)
{
	size_t len;
	char *b = load("proc-1-process-api.comm", &len);

	assert_int_equal(svc_manager_from_comm(b, len), SVC_MGR_UNKNOWN);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(systemctl_socket_activation_lists_both_units),
		cmocka_unit_test(systemctl_socket_listen_lines_give_ports),
		cmocka_unit_test(systemctl_failed_unit_keeps_exit_status),
		cmocka_unit_test(systemctl_masked_unit_is_masked_not_missing),
		cmocka_unit_test(selinux_mode_and_ssh_ports_are_read),
		cmocka_unit_test(systemctl_ubuntu_socket_names_the_generators_drop_in),
		cmocka_unit_test(systemctl_stopped_unit_names_its_runtime_directory),
		cmocka_unit_test(systemctl_not_found_unit_is_missing),
		cmocka_unit_test(systemctl_rhel_unit_is_sshd),
		cmocka_unit_test(systemctl_refuses_text_without_keys),
		cmocka_unit_test(dpkg_installed_server_has_version),
		cmocka_unit_test(dpkg_client_line_does_not_count_as_server),
		cmocka_unit_test(dpkg_no_packages_found_is_not_installed),
		cmocka_unit_test(dpkg_removed_package_leaves_config_files),
		cmocka_unit_test(dpkg_half_configured_is_broken),
		cmocka_unit_test(rpm_installed_splits_name_version_arch),
		cmocka_unit_test(rpm_not_installed_message),
		cmocka_unit_test(systemsetup_remote_login_states),
		cmocka_unit_test(launchctl_print_running_has_pid_and_program),
		cmocka_unit_test(launchctl_print_waiting_never_exited),
		cmocka_unit_test(launchctl_print_not_found),
		cmocka_unit_test(launchctl_list_reads_label_program_exit),
		cmocka_unit_test(lsof_macos_launchd_holds_port_22),
		cmocka_unit_test(lsof_linux_recorded_listeners),
		cmocka_unit_test(lsof_empty_output_is_no_listener),
		cmocka_unit_test(fail2ban_banned_list_bans_client),
		cmocka_unit_test(fail2ban_empty_list_bans_nobody),
		cmocka_unit_test(fail2ban_not_running_and_missing_jail),
		cmocka_unit_test(sshguard_nft_sets_list_banned_addresses),
		cmocka_unit_test(sshguard_iptables_chain_lists_banned_addresses),
		cmocka_unit_test(proc_cmdline_joins_arguments),
		cmocka_unit_test(proc_cmdline_of_sshd_listener_keeps_its_title),
		cmocka_unit_test(proc_cmdline_empty_shows_comm_in_brackets),
		cmocka_unit_test(proc_cmdline_quotes_spaces_and_escapes_controls),
		cmocka_unit_test(proc_1_comm_names_service_manager),
		cmocka_unit_test(proc_1_recorded_unknown_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

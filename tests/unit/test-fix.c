/* SPDX-License-Identifier: MIT */
/* The fix plan: for each fixable cause the exact actions, their owner,
 * persistence and undo, and the refusals; then applying through the
 * spawner's hook: backups never overwritten, sshd -t before an edit stays,
 * the undo exact (files byte for byte, nft rules by handle). */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/fix.h"
#include "engine/os/exec.h"
#include "engine/os/os.h"

/* ---- hooks: every program is installed in /usr/bin; answers by prefix ---- */

struct answer {
	const char *prefix;     /* of the argv line without the folder of argv[0] */
	int status;
	const char *out;
};

static const struct answer *answers;
static struct strv calls;

static const char *not_installed;      /* a program find_hook does not find, or NULL */

static int find_hook(const char *name, char *path, size_t pathlen)
{
	if (not_installed && strcmp(name, not_installed) == 0)
		return -1;
	snprintf(path, pathlen, "/usr/bin/%s", name);
	return 0;
}

static int raise_at_enable;     /* a signal to send during "systemctl enable", or 0 */

static int hook(void *ctx, const char *const argv[], struct exec_result *r)
{
	struct strbuf line;

	(void)ctx;
	if (raise_at_enable && argv[1] && strcmp(argv[1], "enable") == 0)
		kill(getpid(), raise_at_enable);
	strbuf_init(&line);
	for (size_t i = 0; argv[i]; i++)
		strbuf_addf(&line, "%s%s", i ? " " : "", i ? argv[i] : strrchr(argv[0], '/') + 1);
	strv_push(&calls, line.buf);
	for (const struct answer *a = answers; a && a->prefix; a++)
		if (str_starts_with(line.buf, a->prefix)) {
			r->status = a->status;
			if (a->out)
				strbuf_addstr(&r->out, a->out);
			strbuf_release(&line);
			return 0;
		}
	strbuf_release(&line);
	r->status = 0;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	os_set_find_hook(find_hook);
	exec_set_hook(hook, NULL);
	fix_set_syslog(false);
	fix_set_nft_boot("");
	strv_init(&calls);
	answers = NULL;
	not_installed = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	os_set_find_hook(NULL);
	exec_set_hook(NULL, NULL);
	fix_set_nft_boot(NULL);
	strv_release(&calls);
	return 0;
}

static void verdict_set(struct report_verdict *v, const char *cause, const char *confidence, const char *fix)
{
	memset(v, 0, sizeof(*v));
	v->cause = (char *)cause;
	v->confidence = (char *)confidence;
	v->fix_command = (char *)fix;
}

static char *argv_line(const struct strv *v)
{
	return fix_argv_text(v);
}

static void assert_argv(const struct strv *v, const char *want)
{
	char *got = argv_line(v);

	if (strcmp(got, want) != 0)
		fail_msg("expected argv \"%s\", got \"%s\"", want, got);
	free(got);
}

static void server_base(struct server_facts *f)
{
	server_facts_init(f);
	f->port = 22;
	f->systemd = true;
	f->unit_found = true;
	f->unit = strdup("ssh.service");
	f->unit_enabled = SRV_YES;
}

static char *temp_file(const char *content, mode_t mode)
{
	char *path = strdup("/tmp/sdt-fix-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	fchmod(fd, mode);
	close(fd);
	return path;
}

static char *slurp(const char *path)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (os_read_file(path, 1 << 20, false, &sb) != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	if (sb.buf == NULL)
		strbuf_addstr(&sb, "");
	return strbuf_detach(&sb, NULL);
}

/* ---- plans ------------------------------------------------------------------ */

static void test_masked_disabled_service_is_unmasked_enabled_started(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	f.unit_masked = true;
	f.unit_enabled = SRV_NO;
	verdict_set(&v, "sshd_not_running", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_false(p.refused);
	assert_int_equal(p.n, 3);
	assert_argv(&p.v[0].argv, "/usr/bin/systemctl unmask ssh.service");
	assert_argv(&p.v[0].undo, "/usr/bin/systemctl mask ssh.service");
	assert_argv(&p.v[1].argv, "/usr/bin/systemctl enable ssh.service");
	assert_argv(&p.v[1].undo, "/usr/bin/systemctl disable ssh.service");
	assert_argv(&p.v[2].argv, "/usr/bin/systemctl start ssh.service");
	assert_argv(&p.v[2].undo, "/usr/bin/systemctl stop ssh.service");
	assert_true(p.v[2].needs_sshd_ok);
	assert_string_equal(p.v[2].check, "systemctl is-active ssh.service says active, and sshd answers on port 22");
	assert_string_equal(p.v[1].check, "systemctl is-enabled ssh.service says enabled");
	assert_string_equal(p.v[2].owner, "systemctl");
	assert_string_equal(p.v[2].on, "server");
	assert_true(p.v[2].persistent);
	assert_false(p.v[2].guarded);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_a_service_manager_of_another_network_is_not_used(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	f.manager_elsewhere = true;
	verdict_set(&v, "sshd_not_running", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "network namespace"));
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_another_sshd_config_than_the_services_is_not_edited(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	f.sshd_config = strdup("/srv/test/sshd_config");
	f.config_file = strdup("/srv/test/sshd_config");
	f.config_error_file = strdup("/srv/test/sshd_config");
	f.config_error_line = 3;
	verdict_set(&v, "sshd_config_error", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "--sshd-config"));
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_a_verdict_not_certain_is_refused_with_what_to_look_at(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	verdict_set(&v, "local_firewall", "likely", NULL);
	strv_init(&v.unchecked);
	strv_push(&v.unchecked, "which address the client connects from: give --from");
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(p.why, "only likely"));
	assert_non_null(strstr(p.why, "give --from"));
	strv_release(&v.unchecked);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_a_firewall_without_the_client_is_refused_never_opened_to_the_world(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	f.fw_fix = strdup("sudo iptables -D INPUT -p tcp --dport 22 -j DROP");
	verdict_set(&v, "local_firewall", "certain", f.fw_fix);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "--from"));
	fix_plan_release(&p);
	server_facts_release(&f);
}

/* One client judged, blocked by a rule whose fix is cmd. */
static void fw_client(struct server_facts *f, const char *name, const char *cmd, const char *note)
{
	f->fw_clients = calloc(1, sizeof(*f->fw_clients));
	f->nfw_clients = 1;
	f->fw_clients[0].addr = strdup("192.0.2.1");
	f->fw_clients[0].checked = true;
	f->fw_clients[0].verdict = FW_VERDICT_DROPPED;
	f->fw_clients[0].name = strdup(name);
	f->fw_clients[0].rule = strdup("filter INPUT: -A INPUT -p tcp --dport 22 -j DROP");
	f->fw_clients[0].fix = strdup(cmd);
	f->fw_clients[0].fix_note = note ? strdup(note) : NULL;
	strv_push(&f->from_addrs, "192.0.2.1");
}

static void plan_fw(struct fix_plan *p, const char *name, const char *cmd, const char *note)
{
	struct server_facts f;
	struct report_verdict v;

	server_base(&f);
	fw_client(&f, name, cmd, note);
	verdict_set(&v, "local_firewall", "certain", cmd);
	fix_plan_init(p);
	fix_plan_server(&f, &v, p);
	server_facts_release(&f);
}

static void test_iptables_insert_is_deleted_by_its_text_and_saved_as_at_boot(void **state)
{
	struct fix_plan p;

	(void)state;
	plan_fw(&p, "iptables",
		"sudo iptables -I INPUT 1 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT && sudo netfilter-persistent save", NULL);
	assert_false(p.refused);
	assert_int_equal(p.n, 1);
	assert_argv(&p.v[0].argv, "/usr/bin/iptables -I INPUT 1 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT");
	assert_argv(&p.v[0].undo, "/usr/bin/iptables -D INPUT -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT");
	assert_argv(&p.v[0].then, "/usr/bin/netfilter-persistent save");
	assert_int_equal(p.v[0].files.n, 2);
	assert_string_equal(p.v[0].files.v[0], "/etc/iptables/rules.v4");
	assert_true(p.v[0].persistent);
	assert_true(p.v[0].guarded);
	assert_string_equal(p.v[0].check, "the diagnosis again finds no iptables rule that blocks 192.0.2.1 on port 22");
	assert_string_equal(p.v[0].owner, "iptables");
	fix_plan_release(&p);
}

static void test_iptables_without_a_saver_says_not_persistent(void **state)
{
	struct fix_plan p;

	(void)state;
	not_installed = "netfilter-persistent";
	plan_fw(&p, "iptables", "sudo iptables -I INPUT 1 -s 192.0.2.1 -p tcp --dport 22 -j ACCEPT",
		"the rule lasts until the next boot");
	assert_int_equal(p.n, 1);
	assert_false(p.v[0].persistent);
	assert_int_equal(p.v[0].then.n, 0);
	assert_non_null(strstr(p.v[0].persist_note, "next boot"));
	fix_plan_release(&p);
	/* with netfilter-persistent, a deleted rule is saved too */
	not_installed = NULL;
	plan_fw(&p, "iptables", "sudo iptables -D INPUT -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP", NULL);
	assert_true(p.v[0].persistent);
	assert_argv(&p.v[0].then, "/usr/bin/netfilter-persistent save");
	assert_int_equal(p.v[0].files.n, 2);
	fix_plan_release(&p);
}

static void test_an_iptables_ban_rule_is_deleted_and_put_back_at_its_position(void **state)
{
	struct fix_plan p;

	(void)state;
	plan_fw(&p, "iptables", "sudo iptables -D INPUT -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP", NULL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].undo_kind, FIX_UNDO_IPT_POSITION);
	assert_argv(&p.v[0].undo, "/usr/bin/iptables -I INPUT POSITION -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP");
	fix_plan_release(&p);
}

static void test_nft_insert_is_undone_by_the_handle_nft_gives(void **state)
{
	struct fix_plan p;

	(void)state;
	plan_fw(&p, "nftables", "sudo nft insert rule inet filter input position 4 ip saddr 192.0.2.1 tcp dport 22 accept",
		NULL);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].undo_kind, FIX_UNDO_NFT_HANDLE);
	assert_string_equal(p.v[0].nft_table, "inet filter");
	assert_string_equal(p.v[0].nft_chain, "input");
	assert_string_equal(p.v[0].owner, "nft");
	assert_false(p.v[0].persistent);
	fix_plan_release(&p);
}

static void test_nft_rule_of_a_table_the_boot_loads_is_added_to_that_file_too(void **state)
{
	const char *old = "flush ruleset\ntable inet filter {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ttcp dport 22 drop\n\t}\n}\n";
	char *conf = temp_file(old, 0644);
	struct fix_plan p;

	(void)state;
	fix_set_nft_boot(conf);
	plan_fw(&p, "nftables", "sudo nft insert rule inet filter input position 4 ip saddr 192.0.2.1 tcp dport 22 accept",
		NULL);
	assert_false(p.refused);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].kind, FIX_RUN);
	assert_false(p.v[0].persistent);
	assert_non_null(strstr(p.v[0].persist_note, conf));
	assert_int_equal(p.v[1].kind, FIX_EDIT);
	assert_string_equal(p.v[1].path, conf);
	assert_string_equal(p.v[1].owner, "nft");
	assert_true(p.v[1].persistent);
	assert_false(p.v[1].guarded);
	assert_int_equal(p.v[1].undo_kind, FIX_UNDO_RESTORE);
	assert_argv(&p.v[1].edit_check, "/usr/bin/nft -c -f");
	/* the file as it was, then the rule without this boot's handle */
	assert_int_equal(strncmp(p.v[1].content, old, strlen(old)), 0);
	assert_non_null(strstr(p.v[1].content + strlen(old),
			       "\ninsert rule inet filter input ip saddr 192.0.2.1 tcp dport 22 accept\n"));
	assert_null(strstr(p.v[1].content, "position"));
	assert_non_null(strstr(p.v[1].diff, "+insert rule inet filter input ip saddr 192.0.2.1"));
	fix_plan_release(&p);
	unlink(conf);
	free(conf);
}

static void test_nft_rule_of_a_table_the_boot_does_not_load_is_not_persistent(void **state)
{
	char *conf = temp_file("flush ruleset\ntable inet other {\n}\n", 0644);
	struct fix_plan p;

	(void)state;
	fix_set_nft_boot(conf);
	plan_fw(&p, "nftables", "sudo nft insert rule inet filter input ip saddr 192.0.2.1 tcp dport 22 accept", NULL);
	assert_int_equal(p.n, 1);
	assert_false(p.v[0].persistent);
	assert_null(strstr(p.v[0].persist_note, conf));
	fix_plan_release(&p);
	unlink(conf);
	free(conf);
}

static void test_ufw_prepend_is_undone_with_ufw_delete(void **state)
{
	struct fix_plan p;

	(void)state;
	plan_fw(&p, "ufw", "sudo ufw prepend allow from 192.0.2.1 to any port 22 proto tcp", NULL);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].owner, "ufw");
	assert_argv(&p.v[0].undo, "/usr/bin/ufw --force delete allow from 192.0.2.1 to any port 22 proto tcp");
	assert_true(p.v[0].persistent);
	fix_plan_release(&p);
}

static void test_firewalld_rich_rule_and_reload_are_one_action_with_its_undo(void **state)
{
	struct fix_plan p;

	(void)state;
	plan_fw(&p, "firewalld",
		"sudo firewall-cmd --permanent --zone=public --add-rich-rule='rule family=\"ipv4\" source address=\"192.0.2.1\" service name=\"ssh\" accept' && sudo firewall-cmd --reload",
		NULL);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].owner, "firewall-cmd");
	assert_string_equal(p.v[0].argv.v[3], "--add-rich-rule=rule family=\"ipv4\" source address=\"192.0.2.1\" service name=\"ssh\" accept");
	assert_string_equal(p.v[0].undo.v[3], "--remove-rich-rule=rule family=\"ipv4\" source address=\"192.0.2.1\" service name=\"ssh\" accept");
	assert_argv(&p.v[0].then, "/usr/bin/firewall-cmd --reload");
	fix_plan_release(&p);
}

static void test_fail2ban_unban_is_undone_by_a_ban(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	strv_push(&f.from_addrs, "192.0.2.1");
	verdict_set(&v, "fail2ban_ban", "certain", "sudo fail2ban-client set sshd unbanip 192.0.2.1");
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_int_equal(p.n, 1);
	assert_argv(&p.v[0].argv, "/usr/bin/fail2ban-client set sshd unbanip 192.0.2.1");
	assert_argv(&p.v[0].undo, "/usr/bin/fail2ban-client set sshd banip 192.0.2.1");
	fix_plan_release(&p);
	/* sshguard forgets every block when it restarts: not done for one client */
	verdict_set(&v, "fail2ban_ban", "certain", "sudo systemctl restart sshguard");
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "forgets every block"));
	fix_plan_release(&p);
	/* sshguard's block of the one address, lifted as its back end does */
	verdict_set(&v, "fail2ban_ban", "certain", "sudo nft delete element ip sshguard attackers '{ 192.0.2.1 }'");
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_false(p.refused);
	assert_int_equal(p.n, 1);
	assert_argv(&p.v[0].argv, "/usr/bin/nft delete element ip sshguard attackers '{ 192.0.2.1 }'");
	assert_argv(&p.v[0].undo, "/usr/bin/nft add element ip sshguard attackers '{ 192.0.2.1 }'");
	fix_plan_release(&p);
	verdict_set(&v, "fail2ban_ban", "certain", "sudo iptables -D sshguard -s 192.0.2.1 -j DROP");
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_false(p.refused);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].undo_kind, FIX_UNDO_IPT_POSITION);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_a_command_with_shell_syntax_is_never_split_into_a_plan(void **state)
{
	struct strv *v;
	size_t n;
	struct strbuf err;

	(void)state;
	strbuf_init(&err);
	assert_int_equal(fix_split_command("sudo iptables-save > /etc/iptables/rules.v4", &v, &n, &err), -1);
	assert_non_null(strstr(err.buf, "'>'"));
	strbuf_reset(&err);
	assert_int_equal(fix_split_command("systemctl start $(id -u)", &v, &n, &err), -1);
	strbuf_release(&err);
}

static void test_port_in_use_and_upstream_have_no_plan_and_say_why(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	verdict_set(&v, "port_in_use", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "another program"));
	fix_plan_release(&p);
	verdict_set(&v, "upstream_block", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "not on this machine"));
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_a_rejected_config_line_becomes_a_comment_then_sshd_restarts(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;
	char *path = temp_file("Port 22\nPermitRootLogin no\nBogusOption yes\nUsePAM yes\n", 0640);

	(void)state;
	server_base(&f);
	f.unit_active = true;
	f.config_error = true;
	f.config_file = strdup(path);
	f.config_error_file = strdup(path);
	f.config_error_line = 3;
	verdict_set(&v, "sshd_config_error", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_false(p.refused);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.v[0].kind, FIX_EDIT);
	assert_true(p.v[0].sshd_config);
	assert_string_equal(p.v[0].owner, "sshd_config");
	assert_non_null(strstr(p.v[0].content, "\n#BogusOption yes\nUsePAM yes\n"));
	assert_non_null(strstr(p.v[0].diff, "\n-BogusOption yes\n"));
	assert_non_null(strstr(p.v[0].diff, "\n+#BogusOption yes\n"));
	assert_non_null(strstr(p.v[0].diff, "@@ -1,4 +1,5 @@"));
	assert_argv(&p.v[1].argv, "/usr/bin/systemctl restart ssh.service");
	assert_true(p.v[1].needs_sshd_ok);
	fix_plan_release(&p);
	server_facts_release(&f);
	unlink(path);
	free(path);
}

static void test_wrong_port_adds_the_asked_port_and_keeps_the_other(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;
	char *path = temp_file("Include /etc/ssh/sshd_config.d/*.conf\nPort 2222\nUsePAM yes\n", 0644);

	(void)state;
	server_base(&f);
	f.config_file = strdup(path);
	verdict_set(&v, "wrong_port", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].content, "Include /etc/ssh/sshd_config.d/*.conf\nPort 22\nPort 2222\nUsePAM yes\n");
	assert_argv(&p.v[1].argv, "/usr/bin/systemctl start ssh.service");
	fix_plan_release(&p);
	server_facts_release(&f);
	unlink(path);
	free(path);
}

static void test_tcp_wrappers_let_in_only_the_client_judged(void **state)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;

	(void)state;
	server_base(&f);
	f.wrap_for_client = true;
	strv_push(&f.from_addrs, "192.0.2.1");
	verdict_set(&v, "tcp_wrappers", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.v[0].path, "/etc/hosts.allow");
	assert_string_equal(p.v[0].owner, "hosts.allow");
	assert_true(str_starts_with(p.v[0].content, "# ssh-doctor: let the client judged in to sshd\nsshd: 192.0.2.1\n"));
	fix_plan_release(&p);
	/* without the client: no plan */
	f.wrap_for_client = false;
	strv_release(&f.from_addrs);
	strv_init(&f.from_addrs);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_true(p.refused);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_client_wrong_port_adds_two_lines_to_ssh_config_only(void **state)
{
	struct client_facts f;
	struct report_verdict v;
	struct fix_plan p;
	char home[] = "/tmp/sdt-fixhome-XXXXXX";
	char *ssh, *cfg;

	(void)state;
	assert_non_null(mkdtemp(home));
	ssh = xasprintf("%s/.ssh", home);
	cfg = xasprintf("%s/config", ssh);
	mkdir(ssh, 0700);
	client_facts_init(&f);
	f.alt_ssh_port = 2222;
	/* SSH on another port of that host: likely is as sure as it gets */
	verdict_set(&v, "wrong_port", "likely", NULL);
	fix_plan_init(&p);
	fix_plan_client(&f, &v, "srv", 22, home, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.on, "client");
	assert_string_equal(p.v[0].path, cfg);
	assert_string_equal(p.v[0].content, "Host srv\n\tPort 2222\n\n");
	assert_int_equal(p.check_port, 2222);
	fix_plan_release(&p);
	/* what the server must change is never planned from the client */
	verdict_set(&v, "port_closed", "certain", NULL);
	v.fix_on = (char *)"server";
	fix_plan_init(&p);
	fix_plan_client(&f, &v, "srv", 22, home, &p);
	assert_true(p.refused);
	assert_non_null(strstr(p.why, "at its console"));
	fix_plan_release(&p);
	client_facts_release(&f);
	rmdir(ssh);
	rmdir(home);
	free(ssh);
	free(cfg);
}

/* ---- applying ------------------------------------------------------------------ */

static struct fix_action *edit_action(struct fix_plan *p, const char *path, const char *content, bool sshd)
{
	p->on = "server";
	p->v = calloc(1, sizeof(*p->v));
	p->n = 1;
	strv_init(&p->v[0].argv);
	strv_init(&p->v[0].then);
	strv_init(&p->v[0].files);
	strv_init(&p->v[0].undo);
	p->v[0].kind = FIX_EDIT;
	p->v[0].on = "server";
	p->v[0].owner = sshd ? "sshd_config" : "hosts.allow";
	p->v[0].title = strdup("edit");
	p->v[0].path = strdup(path);
	p->v[0].content = strdup(content);
	p->v[0].content_len = strlen(content);
	p->v[0].undo_kind = FIX_UNDO_RESTORE;
	p->v[0].sshd_config = sshd;
	p->v[0].sshd_main = sshd ? strdup(path) : NULL;
	return &p->v[0];
}

static void test_an_edit_backs_up_first_keeps_mode_and_undo_is_byte_identical(void **state)
{
	const char *old = "sshd: 192.0.2.9\n# no newline at the end";
	char *path = temp_file(old, 0640), *got, *bak;
	struct fix_plan p;
	struct fix_log l, l2;
	struct stat st;

	(void)state;
	fix_plan_init(&p);
	edit_action(&p, path, "sshd: 192.0.2.1\n", false);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), 0);
	assert_string_equal(l.v[0].result, "applied");
	assert_non_null(l.v[0].backup);
	assert_non_null(strstr(l.v[0].backup, ".ssh-doctor-"));
	bak = slurp(l.v[0].backup);
	assert_string_equal(bak, old);
	free(bak);
	assert_int_equal(stat(l.v[0].backup, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	got = slurp(path);
	assert_string_equal(got, "sshd: 192.0.2.1\n");
	free(got);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* a second apply makes a second backup, never over the first */
	fix_log_init(&l2);
	assert_int_equal(fix_apply(&p, NULL, &l2), 0);
	assert_string_not_equal(l.v[0].backup, l2.v[0].backup);
	assert_int_equal(fix_undo(&p, NULL, &l2), 0);
	assert_int_equal(fix_undo(&p, NULL, &l), 0);
	assert_true(l.undone);
	assert_non_null(strstr(l.state, "old"));
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);
	unlink(l.v[0].backup);
	unlink(l2.v[0].backup);
	fix_log_release(&l);
	fix_log_release(&l2);
	fix_plan_release(&p);
	unlink(path);
	free(path);
}

static void test_an_sshd_config_edit_sshd_t_rejects_is_never_put_in_place(void **state)
{
	static const struct answer a[] = {{"sshd -t -f", 255, "line 3: Bad configuration option"}, {NULL, 0, NULL}};
	const char *old = "Port 22\n";
	char *path = temp_file(old, 0644), *got;
	struct fix_plan p;
	struct fix_log l;

	(void)state;
	answers = a;
	fix_plan_init(&p);
	edit_action(&p, path, "Port 22\nBroken yes\n", true);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), -1);
	assert_string_equal(l.v[0].result, "refused");
	assert_non_null(strstr(l.v[0].note, "sshd -t rejects"));
	assert_non_null(strstr(calls.v[0], ".ssh-doctor-new-"));
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);
	unlink(l.v[0].backup);
	fix_log_release(&l);
	fix_plan_release(&p);
	unlink(path);
	free(path);
}

static void test_an_nftables_conf_edit_nft_c_rejects_is_never_put_in_place(void **state)
{
	static const struct answer a[] = {{"nft -c -f", 1, "Error: No such file or directory"}, {NULL, 0, NULL}};
	const char *old = "table inet block {\n}\n";
	char *path = temp_file(old, 0644), *got;
	struct fix_plan p;
	struct fix_log l;
	struct fix_action *act;

	(void)state;
	answers = a;
	fix_plan_init(&p);
	act = edit_action(&p, path, "table inet block {\n}\ninsert rule inet block input accept\n", false);
	act->owner = "nft";
	strv_push(&act->edit_check, "/usr/bin/nft");
	strv_push(&act->edit_check, "-c");
	strv_push(&act->edit_check, "-f");
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), -1);
	assert_string_equal(l.v[0].result, "refused");
	assert_non_null(strstr(l.v[0].note, "rejects the edited"));
	assert_true(str_starts_with(calls.v[0], "nft -c -f "));
	assert_non_null(strstr(calls.v[0], ".ssh-doctor-new-"));
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);
	unlink(l.v[0].backup);
	fix_log_release(&l);
	fix_plan_release(&p);
	unlink(path);
	free(path);
}

static void test_an_nftables_conf_edit_nft_c_accepts_is_put_in_place_and_undone_byte_for_byte(void **state)
{
	const char *old = "table inet block {\n}\n", *new = "table inet block {\n}\ninsert rule inet block input accept\n";
	char *path = temp_file(old, 0640), *got;
	struct fix_plan p;
	struct fix_log l;
	struct fix_action *act;

	(void)state;
	fix_plan_init(&p);
	act = edit_action(&p, path, new, false);
	act->owner = "nft";
	strv_push(&act->edit_check, "/usr/bin/nft");
	strv_push(&act->edit_check, "-c");
	strv_push(&act->edit_check, "-f");
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), 0);
	assert_string_equal(l.v[0].result, "applied");
	assert_true(str_starts_with(calls.v[0], "nft -c -f "));
	got = slurp(path);
	assert_string_equal(got, new);
	free(got);
	assert_int_equal(fix_undo(&p, NULL, &l), 0);
	got = slurp(path);
	assert_string_equal(got, old);
	free(got);
	unlink(l.v[0].backup);
	fix_log_release(&l);
	fix_plan_release(&p);
	unlink(path);
	free(path);
}

static void test_nft_rule_is_removed_by_the_handle_it_got(void **state)
{
	static const struct answer a[] = {
		{"nft --echo --handle insert", 0, "insert rule inet filter input ip saddr 192.0.2.1 tcp dport 22 accept # handle 17\n"},
		{NULL, 0, NULL}};
	struct fix_plan p;
	struct fix_log l;

	(void)state;
	answers = a;
	plan_fw(&p, "nftables", "sudo nft insert rule inet filter input ip saddr 192.0.2.1 tcp dport 22 accept", NULL);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), 0);
	assert_int_equal(l.v[0].nft_handle, 17);
	assert_int_equal(fix_undo(&p, NULL, &l), 0);
	assert_string_equal(calls.v[calls.n - 1], "nft delete rule inet filter input handle 17");
	assert_string_equal(l.v[0].result, "undone");
	fix_log_release(&l);
	fix_plan_release(&p);
}

static void test_an_iptables_rule_deleted_goes_back_at_its_position(void **state)
{
	static const struct answer a[] = {
		{"iptables -S INPUT", 0, "-P INPUT ACCEPT\n-A INPUT -i lo -j ACCEPT\n-A INPUT -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP\n"},
		{NULL, 0, NULL}};
	struct fix_plan p;
	struct fix_log l;

	(void)state;
	answers = a;
	/* no rules saved: the test never touches /etc/iptables */
	not_installed = "netfilter-persistent";
	plan_fw(&p, "iptables", "sudo iptables -D INPUT -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP", NULL);
	assert_int_equal(p.v[0].files.n, 0);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), 0);
	assert_int_equal(l.v[0].ipt_position, 2);
	assert_int_equal(fix_undo(&p, NULL, &l), 0);
	assert_string_equal(calls.v[calls.n - 1], "iptables -I INPUT 2 -s 192.0.2.1/32 -p tcp -m tcp --dport 22 -j DROP");
	fix_log_release(&l);
	fix_plan_release(&p);
}

static void test_a_failed_action_undoes_the_ones_before(void **state)
{
	static const struct answer a[] = {{"systemctl start", 1, "Job failed"}, {NULL, 0, NULL}};
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;
	struct fix_log l;

	(void)state;
	answers = a;
	server_base(&f);
	f.unit_enabled = SRV_NO;
	verdict_set(&v, "sshd_not_running", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), -1);
	assert_string_equal(l.v[0].result, "undone");
	assert_string_equal(l.v[1].result, "failed");
	assert_string_equal(calls.v[calls.n - 1], "systemctl disable ssh.service");
	assert_true(l.undone);
	fix_log_release(&l);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_sshd_is_not_started_on_a_configuration_sshd_t_rejects(void **state)
{
	static const struct answer a[] = {{"sshd -t", 255, "bad"}, {NULL, 0, NULL}};
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;
	struct fix_log l;

	(void)state;
	answers = a;
	server_base(&f);
	verdict_set(&v, "sshd_not_running", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), -1);
	assert_string_equal(l.v[0].result, "refused");
	for (size_t i = 0; i < calls.n; i++)
		assert_null(strstr(calls.v[i], "systemctl start"));
	fix_log_release(&l);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static bool no_key(void *ctx, const struct fix_action *a, int timeout_s, const volatile int *stop)
{
	(void)ctx;
	(void)a;
	(void)stop;
	assert_int_equal(timeout_s, 7);
	return false;
}

static void test_an_unconfirmed_firewall_change_is_rolled_back(void **state)
{
	struct fix_plan p;
	struct fix_log l;
	struct fix_ui ui = {.confirm = no_key, .confirm_timeout = 7};

	(void)state;
	plan_fw(&p, "ufw", "sudo ufw prepend allow from 192.0.2.1 to any port 22 proto tcp", NULL);
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, &ui, &l), -1);
	assert_string_equal(l.v[0].result, "rolled back");
	assert_string_equal(calls.v[calls.n - 1], "ufw --force delete allow from 192.0.2.1 to any port 22 proto tcp");
	fix_log_release(&l);
	fix_plan_release(&p);
}

/* A signal while an action runs: the action finishes, the ones after it
 * do not run, and the applied ones are undone: the old state, said. */
static void interrupted_by(int sig, const char *name)
{
	struct server_facts f;
	struct report_verdict v;
	struct fix_plan p;
	struct fix_log l;

	server_base(&f);
	f.unit_enabled = SRV_NO;
	verdict_set(&v, "sshd_not_running", "certain", NULL);
	fix_plan_init(&p);
	fix_plan_server(&f, &v, &p);
	assert_int_equal(p.n, 2);
	raise_at_enable = sig;
	fix_log_init(&l);
	assert_int_equal(fix_apply(&p, NULL, &l), -1);
	raise_at_enable = 0;
	assert_true(l.interrupted);
	assert_int_equal(l.signal, sig);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].result, "undone");
	for (size_t i = 0; i < calls.n; i++)
		assert_null(strstr(calls.v[i], "systemctl start"));
	assert_string_equal(calls.v[calls.n - 1], "systemctl disable ssh.service");
	if (strstr(l.state, "old: interrupted by") != l.state || strstr(l.state, name) == NULL)
		fail_msg("expected the state to say old, interrupted by %s; got \"%s\"", name, l.state);
	fix_log_release(&l);
	fix_plan_release(&p);
	server_facts_release(&f);
}

static void test_sigint_mid_plan_leaves_the_old_state_and_says_so(void **state)
{
	(void)state;
	interrupted_by(SIGINT, "Interrupt");
}

static void test_sighup_mid_plan_leaves_the_old_state_and_says_so(void **state)
{
	(void)state;
	interrupted_by(SIGHUP, "Hangup");
}

static void test_sigterm_mid_plan_leaves_the_old_state_and_says_so(void **state)
{
	(void)state;
	interrupted_by(SIGTERM, "Terminated");
}

static void test_backup_names_never_repeat(void **state)
{
	char *a = fix_backup_name("/etc/ssh/sshd_config", 0, 0), *b = fix_backup_name("/etc/ssh/sshd_config", 0, 1);

	(void)state;
	assert_string_equal(a, "/etc/ssh/sshd_config.ssh-doctor-19700101T000000");
	assert_string_equal(b, "/etc/ssh/sshd_config.ssh-doctor-19700101T000000-1");
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_masked_disabled_service_is_unmasked_enabled_started, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_verdict_not_certain_is_refused_with_what_to_look_at, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_service_manager_of_another_network_is_not_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_another_sshd_config_than_the_services_is_not_edited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_firewall_without_the_client_is_refused_never_opened_to_the_world, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iptables_insert_is_deleted_by_its_text_and_saved_as_at_boot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iptables_without_a_saver_says_not_persistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_iptables_ban_rule_is_deleted_and_put_back_at_its_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nft_insert_is_undone_by_the_handle_nft_gives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ufw_prepend_is_undone_with_ufw_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewalld_rich_rule_and_reload_are_one_action_with_its_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail2ban_unban_is_undone_by_a_ban, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_command_with_shell_syntax_is_never_split_into_a_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_in_use_and_upstream_have_no_plan_and_say_why, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_rejected_config_line_becomes_a_comment_then_sshd_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_port_adds_the_asked_port_and_keeps_the_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_wrappers_let_in_only_the_client_judged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_wrong_port_adds_two_lines_to_ssh_config_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_edit_backs_up_first_keeps_mode_and_undo_is_byte_identical, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_sshd_config_edit_sshd_t_rejects_is_never_put_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nft_rule_is_removed_by_the_handle_it_got, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_iptables_rule_deleted_goes_back_at_its_position, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_failed_action_undoes_the_ones_before, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sshd_is_not_started_on_a_configuration_sshd_t_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_unconfirmed_firewall_change_is_rolled_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigint_mid_plan_leaves_the_old_state_and_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup_mid_plan_leaves_the_old_state_and_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigterm_mid_plan_leaves_the_old_state_and_says_so, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_names_never_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nft_rule_of_a_table_the_boot_loads_is_added_to_that_file_too, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nft_rule_of_a_table_the_boot_does_not_load_is_not_persistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_nftables_conf_edit_nft_c_rejects_is_never_put_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_an_nftables_conf_edit_nft_c_accepts_is_put_in_place_and_undone_byte_for_byte, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

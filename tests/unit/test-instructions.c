/* SPDX-License-Identifier: MIT */
/* The instruction harness: every command the tool tells a person to type,
 * typed. Each practice lab scenario (assets/lab/) is staged in a sandbox;
 * the client's and the server's diagnoses run inside it; then each step's
 * "you would type" runs on the machine it is about (the client's steps in
 * the client's namespace, the server's in the server's), and each fix on
 * the machine it names (verdict.fix_on: client, server, or the network's
 * router), in a fresh staging, after which the client's diagnosis must say
 * ok.
 *
 * A check must report as its step did: for the steps that answer yes or no
 * (dns, route, ping, tcp_connect, ssh_banner, ssh_handshake, self_test) the
 * command exits 0 where the step passed and not 0 where it failed; the
 * others must run and exit 0. A command that needs what this machine does
 * not have (a program not installed, a service manager the sandbox does not
 * run) is counted as not runnable here, with the reason, never as run.
 * "sudo" is what a person types; here, as root, it runs the command as is.
 *
 * Every failure found is a defect of the assets or the engine. Those known
 * and not yet fixed are listed in tests/fixtures/instructions-known.txt,
 * one "SCENARIO SIDE WHAT" a line: the test fails on a failure not listed,
 * and on a listed one that no longer fails (the list only shrinks). It
 * prints how many commands ran and how many failed.
 *
 * Root and network namespaces are needed; without them the test skips,
 * under CI=true it fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/assets.h"
#include "engine/engine.h"
#include "engine/os/os.h"
#include "engine/util.h"
#include "tui/cli.h"
#include "tui/report.h"

#ifdef SSHD_HAVE_LAB
#include "engine/lab/lab.h"

#define KNOWN_FILE SSHD_FIXTURES "/instructions-known.txt"
#define CMD_SECONDS "12"

struct harness {
	const struct assets *a;
	struct lab_sandbox sb;
	struct strv known;          /* "SCENARIO SIDE WHAT" */
	struct strv found;          /* the failures of this run, same form */
	struct strv unrunnable;     /* what could not run here, and why */
	int ran, failed;
};

/* The text of path (at most 1 MiB), or NULL. The caller frees. */
static char *file_text(const char *path)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (os_read_file(path, 1 << 20, false, &sb) != 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- a diagnosis inside the sandbox ---------------------------------------- */

struct diag_ctx {
	const struct assets *a;
	const struct lab_scenario *sc;
	enum lab_host host;
	const char *path;
};

static int diag_child(void *arg)
{
	const struct diag_ctx *d = arg;
	struct options o;
	struct engine_config cfg;
	struct strbuf err;
	struct engine *e;
	FILE *f;

	options_init(&o);
	if (d->host == LAB_CLIENT) {
		target_parse(&o.target, d->sc->target);
		o.side = SIDE_CLIENT;
	} else {
		o.side = SIDE_SERVER;
		strv_push(&o.from, LAB_CLIENT_ADDR);
	}
	o.no_capture = true;
	options_engine_config(&o, d->a, &cfg);
	/* as the lab's own diagnoses: the report is written where root writes */
	cfg.least_privilege = false;
	strbuf_init(&err);
	e = engine_new(&cfg, &err);
	if (e == NULL) {
		fprintf(stderr, "cannot diagnose: %s\n", err.buf);
		return 3;
	}
	engine_run_to_end(e);
	f = fopen(d->path, "we");
	if (f != NULL) {
		report_write_json(f, engine_report(e));
		fclose(f);
	}
	engine_free(e);
	strbuf_release(&err);
	options_release(&o);
	return 0;
}

/* The report of host's side of the staged scenario; NULL when none came. */
static json_t *diagnose(struct harness *h, const struct lab_scenario *sc, enum lab_host host)
{
	char path[200];
	struct diag_ctx d = {.a = h->a, .sc = sc, .host = host, .path = path};
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/harness-%s.json", h->sb.dir, lab_host_name(host));
	unlink(path);
	lab_run_in(&h->sb, host, diag_child, &d);
	return json_load_file(path, 0, &jerr);
}

/* ---- a command inside the sandbox -------------------------------------------- */

struct cmd_ctx {
	const char *cmd;
	const char *out;
};

/* In the namespace: the command through bash, as typed, with "sudo" a
 * no-op (we are root), bounded in time; stdout and stderr into out. */
static int cmd_child(void *arg)
{
	const struct cmd_ctx *c = arg;
	char *script = xasprintf("sudo() { \"$@\"; }; %s", c->cmd);
	int fd = open(c->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char *const argv[] = {"timeout", "-k", "2", CMD_SECONDS, "bash", "-c", script, NULL};
	char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "HOME=/root", NULL};
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || null < 0)
		return 125;
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	execve("/usr/bin/timeout", argv, envp);
	return 125;
}

/* Runs cmd on host; returns its exit status, its output in *out (the
 * caller frees). */
static int run_cmd(struct harness *h, enum lab_host host, const char *cmd, char **out)
{
	char path[200];
	struct cmd_ctx c = {.cmd = cmd, .out = path};
	int rc;

	snprintf(path, sizeof(path), "%s/harness-cmd.out", h->sb.dir);
	rc = lab_run_in(&h->sb, host, cmd_child, &c);
	*out = file_text(path);
	if (*out == NULL)
		*out = xstrdup("");
	unlink(path);
	return rc;
}

/* The programs a command may run here: those whose effect stays inside
 * the sandbox's namespaces (its network, its firewall, its /etc/ssh) or
 * that only read. A command naming another (a package manager, systemctl,
 * ufw, firewall-cmd, fail2ban-client ...) would act on this machine, not
 * on the sandbox: it is counted as not runnable here, never run. */
static const char *const sandboxed[] = {
	"getent", "ip", "ping", "nc", "ssh", "ss", "iptables", "ip6tables", "iptables-save",
	"ip6tables-save", "nft", "cat", "sshd", "/usr/sbin/sshd", "dpkg", "rpm", "pgrep", "grep",
	"tail", "head", "sed", "kill", "true", "nmap", "cp", "fuser", "sleep",
};

/* The program of each simple command in cmd (split at ; | && || outside
 * quotes, "sudo" and VAR=value skipped): NULL when all are sandboxed,
 * else the first that is not (the caller frees). */
static char *outside_program(const char *cmd)
{
	const char *p = cmd;

	while (*p) {
		char word[128];
		size_t n = 0;
		char q = 0;
		bool first = true, found = false;

		/* one simple command: its words until a separator */
		while (*p && !found) {
			while (*p == ' ' || *p == '\t')
				p++;
			n = 0;
			while (*p && (q || (*p != ' ' && *p != '\t' && *p != ';' && *p != '|' && *p != '&'))) {
				if (q == 0 && (*p == '\'' || *p == '"'))
					q = *p;
				else if (q != 0 && *p == q)
					q = 0;
				else if (n + 1 < sizeof(word))
					word[n++] = *p;
				p++;
			}
			word[n] = '\0';
			if (n == 0)
				break;
			if (first && (strcmp(word, "sudo") == 0 || strchr(word, '=') != NULL))
				continue;
			if (first) {
				bool ok = false;

				for (size_t i = 0; i < sizeof(sandboxed) / sizeof(sandboxed[0]); i++)
					ok = ok || strcmp(word, sandboxed[i]) == 0;
				if (!ok)
					return xstrdup(word);
				first = false;
			}
		}
		while (*p == ';' || *p == '|' || *p == '&' || *p == ' ')
			p++;
	}
	return NULL;
}

/* Why cmd cannot run here (the caller frees), or NULL when it ran. */
static char *not_runnable(int rc, const char *out)
{
	const char *p;

	if ((p = strstr(out, ": command not found")) != NULL) {
		const char *b = p;

		while (b > out && b[-1] != ' ' && b[-1] != '\n')
			b--;
		return xasprintf("needs %.*s, not installed here", (int)(p - b), b);
	}
	if (strstr(out, "System has not been booted with systemd") != NULL ||
	    strstr(out, "Failed to connect to bus") != NULL ||
	    strstr(out, "No journal files were found") != NULL)
		return xstrdup("needs the machine's own systemd, which the sandbox does not run");
	if (rc == 127)
		return xstrdup("a program it names is not installed here");
	return NULL;
}

/* ---- the record ---------------------------------------------------------------- */

static void failure(struct harness *h, const char *sc, const char *side, const char *what,
		    const char *cmd, int rc, const char *out, const char *why)
{
	char *key = xasprintf("%s %s %s", sc, side, what);

	h->failed++;
	strv_push_owned(&h->found, key);
	print_message("FAIL %s: %s\n    $ %s\n    exit %d: %s\n    %.300s\n", key, why, cmd, rc, why, out);
}

/* The steps whose command answers yes or no by its exit status. */
static bool yes_no_step(const char *id)
{
	static const char *const ids[] = {"dns", "route", "ping", "tcp_connect", "ssh_handshake",
					  "sshd_config"};

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(id, ids[i]) == 0)
			return true;
	return false;
}

/* The steps whose command shows what answers on the port. */
static bool banner_step(const char *id)
{
	return strcmp(id, "ssh_banner") == 0 || strcmp(id, "self_test") == 0;
}

/* Whether ssh's output says it never reached an SSH server. */
static bool ssh_not_reached(const char *out)
{
	static const char *const words[] = {"Connection refused", "Connection timed out",
		"No route to host", "Could not resolve", "Connection closed", "Connection reset",
		"Network is unreachable", "kex_exchange_identification"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(out, words[i]) != NULL)
			return true;
	return false;
}

/* Each step's "you would type" of one side's report, run on that side. */
static void check_steps(struct harness *h, const struct lab_scenario *sc, enum lab_host host,
			json_t *rep)
{
	json_t *steps = json_object_get(rep, "steps"), *s;
	size_t i;

	json_array_foreach(steps, i, s) {
		const char *id = json_string_value(json_object_get(s, "id"));
		const char *status = json_string_value(json_object_get(s, "status"));
		const char *cmd = json_string_value(json_object_get(s, "command"));
		char *out, *why, *what;
		int rc;

		if (id == NULL || status == NULL || cmd == NULL || strcmp(status, "skip") == 0 ||
		    strcmp(status, "error") == 0)
			continue;
		if ((why = outside_program(cmd)) != NULL) {
			strv_push_owned(&h->unrunnable, xasprintf("%s %s step %s: '%s' acts outside the sandbox",
								   sc->id, lab_host_name(host), id, why));
			free(why);
			continue;
		}
		rc = run_cmd(h, host, cmd, &out);
		if ((why = not_runnable(rc, out)) != NULL) {
			strv_push_owned(&h->unrunnable, xasprintf("%s %s step %s: %s", sc->id,
								   lab_host_name(host), id, why));
			free(why);
			free(out);
			continue;
		}
		h->ran++;
		what = xasprintf("step %s", id);
		/* nc connects to whatever listens: what it prints says whether an
		 * SSH server answered */
		if (banner_step(id) && strcmp(status, "pass") == 0 && strstr(out, "SSH-") == NULL)
			failure(h, sc->id, lab_host_name(host), what, cmd, rc, out,
				"the step passed, the command typed shows no SSH identification");
		else if (banner_step(id) && strcmp(status, "fail") == 0 && strstr(out, "SSH-") != NULL)
			failure(h, sc->id, lab_host_name(host), what, cmd, rc, out,
				"the step failed, the command typed shows an SSH identification");
		else if (banner_step(id))
			;
		else if (yes_no_step(id) && strcmp(status, "pass") == 0 && rc != 0)
			failure(h, sc->id, lab_host_name(host), what, cmd, rc, out,
				"the step passed, the command typed fails");
		else if (yes_no_step(id) && strcmp(status, "fail") == 0 && rc == 0)
			failure(h, sc->id, lab_host_name(host), what, cmd, rc, out,
				"the step failed, the command typed succeeds");
		else if (!yes_no_step(id) && rc != 0)
			failure(h, sc->id, lab_host_name(host), what, cmd, rc, out,
				"the command typed fails");
		free(what);
		free(out);
	}
}

static enum lab_host fix_host(const char *on)
{
	if (on != NULL && strcmp(on, "client") == 0)
		return LAB_CLIENT;
	if (on != NULL && strcmp(on, "network") == 0)
		return LAB_ROUTER;
	return LAB_SERVER;
}

/* Kills what runs in the sandbox's namespaces (a daemon a fix started
 * there), so the teardown leaves nothing. Each is a process this test
 * started, directly or through a command it ran. */
static void kill_sandbox_procs(struct harness *h)
{
	for (int k = 0; k < LAB_NHOSTS; k++) {
		char path[160];
		struct stat ns;
		DIR *d;
		struct dirent *de;

		snprintf(path, sizeof(path), "/run/netns/%s", h->sb.ns[k]);
		if (stat(path, &ns) != 0 || (d = opendir("/proc")) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			char p[64];
			struct stat st;
			int pid = atoi(de->d_name);

			if (pid <= 1 || pid == getpid())
				continue;
			snprintf(p, sizeof(p), "/proc/%d/ns/net", pid);
			if (stat(p, &st) == 0 && st.st_ino == ns.st_ino && st.st_dev == ns.st_dev)
				kill(pid, SIGKILL);
		}
		closedir(d);
	}
}

static int stage(struct harness *h, const struct lab_scenario *sc)
{
	struct strv log;
	struct strbuf err;
	int rc;

	strv_init(&log);
	strbuf_init(&err);
	rc = lab_sandbox_stage(&h->sb, sc, &log, &err);
	if (rc != 0)
		print_message("cannot stage %s: %s\n", sc->id, err.buf);
	strbuf_release(&err);
	strv_release(&log);
	return rc;
}

static void teardown(struct harness *h)
{
	kill_sandbox_procs(h);
	lab_sandbox_teardown(&h->sb);
}

/* One fix command of one side's verdict, on a fresh staging: it must run
 * and, after it, the client's diagnosis must say ok. */
static void check_fix(struct harness *h, const struct lab_scenario *sc, const char *side,
		      const char *label, const char *on, const char *cmd)
{
	enum lab_host host = fix_host(on);
	char *out, *why, *what;
	json_t *after;
	const char *cause;
	int rc;

	if ((why = outside_program(cmd)) != NULL) {
		strv_push_owned(&h->unrunnable, xasprintf("%s %s fix %s: '%s' acts outside the sandbox",
							   sc->id, side, label, why));
		free(why);
		return;
	}
	if (stage(h, sc) != 0) {
		teardown(h);
		return;
	}
	rc = run_cmd(h, host, cmd, &out);
	if ((why = not_runnable(rc, out)) != NULL) {
		strv_push_owned(&h->unrunnable, xasprintf("%s %s fix %s: %s", sc->id, side, label, why));
		free(why);
		free(out);
		teardown(h);
		return;
	}
	h->ran++;
	what = xasprintf("fix %s", label);
	if (str_starts_with(cmd, "ssh ")) {
		/* a different way to connect (another port): it fixes when ssh
		 * reaches an SSH server (a host key to accept, a key to offer),
		 * the diagnosis of the port asked about stays what it was */
		if (ssh_not_reached(out))
			failure(h, sc->id, side, what, cmd, rc, out, "ssh as the fix says reaches no SSH server");
		free(what);
		free(out);
		teardown(h);
		return;
	}
	after = diagnose(h, sc, LAB_CLIENT);
	cause = json_string_value(json_object_get(json_object_get(after, "verdict"), "cause"));
	if (rc != 0) {
		char *why2 = xasprintf("the fix typed on the %s fails", lab_host_name(host));

		failure(h, sc->id, side, what, cmd, rc, out, why2);
		free(why2);
	} else if (cause == NULL || strcmp(cause, "ok") != 0) {
		char *why2 = xasprintf("after the fix, typed on the %s, the client's verdict is %s, not ok",
				       lab_host_name(host), cause ? cause : "missing");

		failure(h, sc->id, side, what, cmd, rc, out, why2);
		free(why2);
	}
	json_decref(after);
	free(what);
	free(out);
	teardown(h);
}

/* The fixes a side's verdict shows: its command, or each platform's. */
static void check_fixes(struct harness *h, const struct lab_scenario *sc, const char *side,
			json_t *rep)
{
	json_t *v = json_object_get(rep, "verdict"), *vars, *fv;
	const char *cause = json_string_value(json_object_get(v, "cause"));
	const char *on = json_string_value(json_object_get(v, "fix_on"));
	const char *cmd = json_string_value(json_object_get(v, "fix_command"));
	size_t i;

	if (cause == NULL || strcmp(cause, "ok") == 0)
		return;
	if (cmd != NULL)
		check_fix(h, sc, side, "command", on, cmd);
	vars = json_object_get(v, "fix_variants");
	json_array_foreach(vars, i, fv) {
		const char *p = json_string_value(json_object_get(fv, "platform"));
		const char *c = json_string_value(json_object_get(fv, "command"));
		char *label = xasprintf("variant %s", p ? p : "?");

		if (c != NULL)
			check_fix(h, sc, side, label, on, c);
		free(label);
	}
}

/* ---- the test ------------------------------------------------------------------ */

static void load_known(struct strv *known)
{
	char *text = file_text(KNOWN_FILE), *save = NULL;

	if (text == NULL)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t = str_trim(line);

		if (*t && *t != '#')
			strv_push(known, t);
	}
	free(text);
}

static bool in(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static void every_command_shown_does_what_its_text_says(void **state)
{
	struct harness h = {.a = *state};
	struct strbuf err;
	const char *only = getenv("SSHD_INSTRUCTIONS_ONLY");
	int unexpected = 0, fixed = 0;

	strbuf_init(&err);
	if (geteuid() != 0 || lab_check(&err) != 0) {
		if (getenv("CI") != NULL)
			fail_msg("the instruction harness needs root and network namespaces (CI=true forbids a skip): %s",
				 err.buf);
		print_message("skipped: %s\n", geteuid() != 0 ? "needs root" : err.buf);
		strbuf_release(&err);
		skip();
	}
	strbuf_release(&err);
	strv_init(&h.known);
	strv_init(&h.found);
	strv_init(&h.unrunnable);
	load_known(&h.known);
	lab_sandbox_init(&h.sb);
	lab_reap_stale(NULL);

	for (size_t i = 0; i < h.a->nscenarios; i++) {
		const struct lab_scenario *sc = &h.a->scenarios[i];
		json_t *client, *server;

		if (only != NULL && strcmp(only, sc->id) != 0)
			continue;
		if (stage(&h, sc) != 0) {
			teardown(&h);
			fail_msg("cannot stage the scenario '%s'", sc->id);
		}
		client = diagnose(&h, sc, LAB_CLIENT);
		server = diagnose(&h, sc, LAB_SERVER);
		if (client == NULL || server == NULL) {
			teardown(&h);
			fail_msg("%s: a diagnosis wrote no report", sc->id);
		}
		check_steps(&h, sc, LAB_CLIENT, client);
		check_steps(&h, sc, LAB_SERVER, server);
		teardown(&h);
		check_fixes(&h, sc, "client", client);
		check_fixes(&h, sc, "server", server);
		json_decref(client);
		json_decref(server);
	}

	print_message("not runnable here (%zu):\n", h.unrunnable.n);
	for (size_t i = 0; i < h.unrunnable.n; i++)
		print_message("  %s\n", h.unrunnable.v[i]);
	for (size_t i = 0; i < h.found.n; i++)
		if (!in(&h.known, h.found.v[i])) {
			print_message("NEW DEFECT: %s\n", h.found.v[i]);
			unexpected++;
		}
	for (size_t i = 0; i < h.known.n && only == NULL; i++)
		if (!in(&h.found, h.known.v[i])) {
			print_message("FIXED (remove it from %s): %s\n", KNOWN_FILE, h.known.v[i]);
			fixed++;
		}
	print_message("the instruction harness ran %d commands: %d failed (%d not in the known list), "
		      "%zu could not run here\n", h.ran, h.failed, unexpected, h.unrunnable.n);
	strv_release(&h.known);
	strv_release(&h.found);
	strv_release(&h.unrunnable);
	if (unexpected > 0 || fixed > 0)
		fail_msg("%d failures not in %s, %d listed ones that no longer fail", unexpected,
			 KNOWN_FILE, fixed);
}

static int assets_setup(void **state)
{
	struct assets *a = xcalloc(1, sizeof(*a));
	struct strbuf err;

	strbuf_init(&err);
	if (assets_load(a, NULL, &err) != 0)
		fail_msg("expected the built-in assets to load: %s", err.buf);
	strbuf_release(&err);
	*state = a;
	return 0;
}

static int assets_teardown(void **state)
{
	assets_release(*state);
	free(*state);
	return 0;
}

#else
/* No practice lab in this build (not Linux): nothing to stage. */
static void every_command_shown_does_what_its_text_says(void **state)
{
	(void)state;
	skip();
}

static int assets_setup(void **state)
{
	(void)state;
	return 0;
}

static int assets_teardown(void **state)
{
	(void)state;
	return 0;
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_command_shown_does_what_its_text_says, assets_setup,
						assets_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

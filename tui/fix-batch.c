/* SPDX-License-Identifier: MIT */
/* --fix in batch and JSON mode: the plan for the verdict, asked action by
 * action on the terminal (/dev/tty) or applied at once with --yes, then
 * the diagnosis again, before and after side by side, and the undo of
 * the whole plan when SSH still does not answer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/auxv.h>
#endif

#include "engine/fix.h"
#include "tui/fix-batch.h"
#include "tui/report.h"

struct batch_ui {
	FILE *say;              /* progress: stderr with --json, else stdout */
	int tty;                /* /dev/tty, or -1 with --yes */
};

int fix_may_run(const struct options *o, struct strbuf *why)
{
	if (fix_may_run_uid(why) != 0)
		return -1;
	if (!o->yes) {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

		if (fd < 0) {
			strbuf_addstr(why, "--fix asks before each change, and there is no terminal to ask on: add --yes to apply the plan without asking");
			return -1;
		}
		close(fd);
	}
	return 0;
}

int fix_may_run_uid(struct strbuf *why)
{
	uid_t r = getuid(), e = geteuid();
	bool secure = false;

#ifdef AT_SECURE
	secure = getauxval(AT_SECURE) != 0;
#endif
	if (r != e) {
		struct passwd *pw = getpwuid(r);

		strbuf_addf(why, "--fix refuses to run for user '%s' through a set-user-id ssh-doctor: changes are made only by root, by their own choice (sudo ssh-doctor --fix)",
			    pw ? pw->pw_name : "?");
		return -1;
	}
	if (r != 0) {
		strbuf_addf(why, "--fix changes services, firewalls and configuration files: run it as root (sudo ssh-doctor --fix)%s",
			    secure ? "; this binary's file capabilities (for the capture) are never used to change the system" : "");
		return -1;
	}
	return 0;
}

static void ui_say(void *ctx, const char *line)
{
	struct batch_ui *u = ctx;

	fprintf(u->say, "%s\n", line);
	fflush(u->say);
}

static void tty_puts(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* One key from the terminal within ms (-1: no limit); 0 when none came or
 * stop was set. */
static int tty_key(int fd, int ms, const volatile int *stop)
{
	uint64_t end = ms < 0 ? 0 : now_ms() + (uint64_t)ms;
	char buf[64];

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = ms < 0 ? 250 : (int)(end > now_ms() ? end - now_ms() : 0);
		int rc;

		if ((stop && *stop) || (ms >= 0 && left <= 0))
			return 0;
		rc = poll(&p, 1, left > 250 ? 250 : left);
		if (rc < 0 && errno != EINTR)
			return 0;
		if (rc > 0) {
			ssize_t r = read(fd, buf, sizeof(buf));

			if (r <= 0)
				return 0;
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] != ' ' && buf[i] != '\t')
					return (unsigned char)buf[i];
			return '\n';
		}
	}
}

static bool ui_ask(void *ctx, const struct fix_action *a, size_t i, size_t n)
{
	struct batch_ui *u = ctx;
	char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);
	struct strbuf sb;
	int key;

	strbuf_init(&sb);
	strbuf_addf(&sb, "\n[%zu/%zu] %s\n  on the %s, owned by %s: %s\n", i + 1, n, a->title, a->on, a->owner, cmd);
	if (a->kind == FIX_EDIT && a->diff)
		strbuf_addf(&sb, "%s", a->diff);
	strbuf_addf(&sb, "  survives a reboot: %s%s%s\n  check: %s\n  undo: %s\n", a->persistent ? "yes" : "no",
		    a->persist_note ? " - " : "", a->persist_note ? a->persist_note : "", a->check ? a->check : "",
		    a->undo_text ? a->undo_text : "");
	strbuf_addstr(&sb, "apply it? [y/N] ");
	tty_puts(u->tty, sb.buf);
	strbuf_release(&sb);
	free(cmd);
	key = tty_key(u->tty, -1, NULL);
	tty_puts(u->tty, "\n");
	return key == 'y' || key == 'Y';
}

static bool ui_confirm(void *ctx, const struct fix_action *a, int timeout_s, const volatile int *stop)
{
	struct batch_ui *u = ctx;
	char line[256];
	int key;

	(void)a;
	snprintf(line, sizeof(line),
		 "this firewall change could cut you off: press y within %d s to keep it (nothing, or any other key: it is rolled back) ",
		 timeout_s);
	tty_puts(u->tty, line);
	key = tty_key(u->tty, timeout_s * 1000, stop);
	tty_puts(u->tty, "\n");
	return key == 'y' || key == 'Y';
}

static void plan_show(FILE *out, const struct fix_plan *p)
{
	fprintf(out, "\nfix plan for %s (on the %s):\n", p->cause, p->on);
	if (p->refused) {
		fprintf(out, "  no plan: %s\n", p->why);
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct fix_action *a = &p->v[i];
		char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);

		fprintf(out, "  %zu. %s\n     %s  [%s, %s]\n     undo: %s\n", i + 1, a->title, cmd, a->owner,
			a->persistent ? "survives a reboot" : "until the next boot", a->undo_text ? a->undo_text : "");
		if (a->persist_note)
			fprintf(out, "     %s\n", a->persist_note);
		if (a->check)
			fprintf(out, "     check: %s\n", a->check);
		free(cmd);
	}
	fprintf(out, "  check: %s\n", p->check);
}

static void side_by_side(FILE *out, const struct report *before, const struct report *after)
{
	const char *b = before->has_verdict ? before->verdict.cause : "(none)";
	const char *a = after && after->has_verdict ? after->verdict.cause : "(none)";

	fprintf(out, "\n%-38s %s\n", "before", "after");
	fprintf(out, "%-38s %s\n", b, a);
	for (size_t i = 0; i < before->nsteps; i++) {
		const struct report_step *s = &before->steps[i];
		const struct report_step *t = after && i < after->nsteps ? &after->steps[i] : NULL;
		char left[64];

		snprintf(left, sizeof(left), "%s %s", step_status_tag(s->status), s->id);
		fprintf(out, "%-38s %s %s\n", left, t ? step_status_tag(t->status) : "", t ? t->id : "");
	}
}

static struct engine *diagnose(const struct options *o, const struct assets *a, int port, struct strbuf *err)
{
	struct engine_config cfg;
	struct engine *e;

	options_engine_config(o, a, &cfg);
	if (port > 0)
		cfg.target.port = port;
	e = engine_new(&cfg, err);
	if (e != NULL)
		engine_run_to_end(e);
	return e;
}

int fix_batch_run(const struct options *o, const struct assets *a, struct engine *e, int width)
{
	const struct report *before = engine_report(e);
	struct batch_ui u = {.say = o->face == FACE_JSON ? stderr : stdout, .tty = -1};
	struct fix_ui ui = {.ctx = &u, .say = ui_say, .confirm_timeout = o->confirm_timeout};
	struct fix_plan plan;
	struct fix_log log;
	struct report_fix fx = {0};
	struct engine *after = NULL;
	struct strbuf err;
	int status = report_exit_status(before), rc;
	bool caught = false;

	fix_plan_init(&plan);
	fix_log_init(&log);
	strbuf_init(&err);
	if (before->failed || !before->has_verdict) {
		if (o->face == FACE_JSON)
			report_write_json(stdout, before);
		else
			report_write_text(stdout, before, width);
		goto out;
	}
	if (before->side == SIDE_SERVER) {
		fix_plan_server(engine_server_facts(e), &before->verdict, &plan);
	} else {
		struct passwd *pw = getpwuid(getuid());

		fix_plan_client(engine_client_facts(e), &before->verdict, before->host, before->port,
				pw ? pw->pw_dir : NULL, &plan);
	}
	if (o->face != FACE_JSON)
		report_write_text(stdout, before, width);
	fx.plan = &plan;
	fx.before_cause = before->verdict.cause;
	plan_show(u.say, &plan);
	if (plan.refused || plan.n == 0) {
		if (o->face == FACE_JSON)
			report_write_json_fix(stdout, before, &fx);
		goto out;
	}
	if (!o->yes) {
		u.tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (u.tty < 0) {
			fprintf(stderr, "ssh-doctor: cannot open the terminal to ask: %s; nothing was changed\n",
				strerror(errno));
			if (o->face == FACE_JSON)
				report_write_json_fix(stdout, before, &fx);
			goto out;
		}
		ui.ask = ui_ask;
		ui.confirm = ui_confirm;
	}
	fx.log = &log;
	fix_signals_catch();
	caught = true;
	rc = fix_apply(&plan, &ui, &log);
	if (rc < 0 || (rc == 1 && (log.n == 0 || (log.n == 1 && !log.v[0].applied)))) {
		/* undone, interrupted, or nothing applied: the old state */
		fprintf(u.say, "%s\n", log.state ? log.state : "");
		if (o->face == FACE_JSON)
			report_write_json_fix(stdout, before, &fx);
		status = status == 0 ? 1 : status;
		goto out;
	}
	fprintf(u.say, "\nchecking: %s\n", plan.check);
	after = diagnose(o, a, plan.check_port, &err);
	if (after == NULL) {
		fprintf(stderr, "ssh-doctor: cannot diagnose again: %s\n", err.buf);
	} else {
		const struct report *ar = engine_report(after);

		side_by_side(u.say, before, ar);
		fx.after_cause = ar->has_verdict ? ar->verdict.cause : NULL;
		status = report_exit_status(ar);
	}
	if (fix_signals_caught() && !log.undone) {
		/* it came while the diagnosis ran again: the plan is not
		 * checked, so it is taken back */
		int sig = fix_signals_caught();

		fprintf(u.say, "\ninterrupted by %s before the check was done: undoing the plan\n", strsignal(sig));
		fix_undo(&plan, &ui, &log);
		log.interrupted = true;
		log.signal = sig;
		free(log.state);
		log.state = log.undone ? xasprintf("old: interrupted by %s; every change was undone", strsignal(sig)) :
			    xasprintf("mixed: interrupted by %s; some undo failed, each record says what is left", strsignal(sig));
		fprintf(u.say, "%s\n", log.state);
		status = 1;
	} else if (status != 0) {
		bool undo = o->yes;

		fprintf(u.say, "\nSSH still does not answer after the plan.\n");
		if (!undo && u.tty >= 0) {
			tty_puts(u.tty, "undo every action of the plan? [Y/n] ");
			rc = tty_key(u.tty, -1, NULL);
			tty_puts(u.tty, "\n");
			undo = rc != 'n' && rc != 'N';
		}
		if (undo)
			fix_undo(&plan, &ui, &log);
		fprintf(u.say, "%s\n", log.state ? log.state : "");
	} else {
		fprintf(u.say, "\nSSH answers now. %s\n", log.state ? log.state : "");
	}
	if (o->face == FACE_JSON)
		report_write_json_fix(stdout, after ? engine_report(after) : before, &fx);
	else if (after)
		report_write_text_verdict(stdout, engine_report(after), width);
out:
	if (caught)
		fix_signals_restore();
	if (u.tty >= 0)
		close(u.tty);
	engine_free(after);
	strbuf_release(&err);
	fix_log_release(&log);
	fix_plan_release(&plan);
	return status;
}

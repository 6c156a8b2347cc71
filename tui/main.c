/* SPDX-License-Identifier: MIT */
/* ssh-doctor: finds out why ssh cannot connect, and teaches each step. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine/assets.h"
#include "engine/engine.h"
#include "tui/cli.h"
#include "tui/fix-batch.h"
#include "tui/fleet.h"
#include "tui/linemode.h"
#include "tui/practice.h"
#include "tui/report.h"
#include "tui/wizard.h"

static int text_width(void)
{
	struct winsize ws;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col > 100 ? 100 : ws.ws_col;
	return 80;
}

/* The errno of the first failed write to stdout, taken right after the
 * write (stdio keeps only the error flag; a later call may change errno). */
static int stdout_errno;

static void stdout_note_error(void)
{
	if (ferror(stdout) && stdout_errno == 0)
		stdout_errno = errno != 0 ? errno : EIO;
}

/* Flushes and closes stdout, and says so on stderr when not all of it got
 * there (a full disk, /dev/full, a closed pipe): a script must not take a
 * cut report for a whole one. Returns status, or 3 after a write error. */
static int stdout_close(int status)
{
	int err = 0;

	if (fflush(stdout) != 0)
		err = errno;
	if (ferror(stdout) && err == 0)
		err = stdout_errno != 0 ? stdout_errno : EIO;
	if (fclose(stdout) != 0 && err == 0)
		err = errno;
	if (err == 0)
		return status;
	fprintf(stderr, "ssh-doctor: cannot write to standard output: %s%s\n", strerror(err),
		status == 0 || status == 1 ? " (the report is incomplete)" : "");
	return 3;
}

/* Runs the flow with no screen and prints the report; returns the exit status. */
static int run_batch(const struct options *o, const struct assets *a)
{
	struct engine_config cfg;
	struct strbuf err;
	struct engine *e;
	int status;

	strbuf_init(&err);
	options_engine_config(o, a, &cfg);
	e = engine_new(&cfg, &err);
	if (e == NULL) {
		/* a --replay file that cannot be read is a usage error (2): no report */
		status = o->replay ? 2 : 3;
		if (o->face == FACE_JSON && status == 3)
			report_write_json_failure(stdout, err.buf, o->run);
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		strbuf_release(&err);
		return status;
	}
	strbuf_release(&err);
	engine_run_to_end(e);
	errno = 0;
	if (o->fix) {
		status = fix_batch_run(o, a, e, text_width());
		stdout_note_error();
		engine_free(e);
		return status;
	}
	if (o->face == FACE_JSON)
		report_write_json(stdout, engine_report(e));
	else
		report_write_text(stdout, engine_report(e), text_width());
	stdout_note_error();
	status = report_exit_status(engine_report(e));
	engine_free(e);
	return status;
}

int main(int argc, char **argv)
{
	struct run_info run;
	struct options o;
	struct assets a;
	struct strbuf err;
	const char *dir;
	int status;

	signal(SIGPIPE, SIG_IGN);
	/* before getopt_long() reorders argv */
	run_info_init(&run, argv);
	options_init(&o);
	strbuf_init(&err);
	if (options_parse(&o, argc, argv, &err) != 0) {
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		fprintf(stderr, "try 'ssh-doctor --help' for more information\n");
		status = 2;
		goto out;
	}
	o.run = &run;
	if (o.help) {
		/* longer than stdio's buffer: a write may fail in the middle */
		errno = 0;
		options_usage(stdout);
		stdout_note_error();
		status = 0;
		goto out;
	}
	if (o.practice_cleanup) {
		status = practice_cleanup(o.practice_cleanup);
		goto out;
	}
	if (o.version) {
		printf("ssh-doctor %s\n", SSHD_VERSION);
		status = 0;
		goto out;
	}
	if (o.fix && fix_may_run(&o, &err) != 0) {
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		status = 2;
		goto out;
	}
	/* without the wizard, the fix asks on the terminal line by line,
	 * after the text report */
	if (o.fix && o.face == FACE_AUTO && !wizard_possible())
		o.face = FACE_BATCH;
	/* prompts only ever go to a terminal: a report written to a file or a
	 * pipe is the batch one, whoever could answer on stdin */
	if (o.face == FACE_AUTO && !isatty(STDOUT_FILENO))
		o.face = FACE_BATCH;
	dir = getenv("SSH_DOCTOR_ASSETS");
	if (assets_load(&a, dir && *dir ? dir : NULL, &err) != 0) {
		run_info_update(&run);
		if (o.face == FACE_JSON)
			report_write_json_failure(stdout, err.buf, &run);
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		status = 3;
		goto out;
	}
	if (o.practice)
		status = practice_main(&o, &a);
	else if (o.fleet)   /* several targets: always batch, never the wizard */
		status = fleet_run(&o, &a);
	else if (o.face != FACE_AUTO)
		status = run_batch(&o, &a);
	else if (wizard_possible())   /* terminals on both ends, with cursor addressing */
		status = wizard_run(&o, &a);
	else
		status = linemode_run(&o, &a);
	assets_release(&a);
out:
	strbuf_release(&err);
	options_release(&o);
	run_info_release(&run);
	return stdout_close(status);
}

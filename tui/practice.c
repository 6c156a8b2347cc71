/* SPDX-License-Identifier: MIT */
/* The practice lab's face (see practice.h). The sandbox is built and
 * removed by this process; each diagnosis runs in a child process that
 * entered the client's or the server's namespace (engine/lab/), where the
 * normal faces (wizard, line mode, reports) walk the normal flow. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <jansson.h>

#include "engine/engine.h"
#include "engine/lab/lab.h"
#include "tui/layout.h"
#include "tui/linemode.h"
#include "tui/practice.h"
#include "tui/report.h"
#include "tui/wizard-term.h"
#include "tui/wizard.h"

#ifdef SSHD_HAVE_LAB

#define PRACTICE_SCHEMA_VERSION 1

/* What a walk in a child tells the lab: the learner's answer. */
struct walk_result {
	char guess[48];
	char found[48];
	bool right;
	bool go_console;
	bool valid;
};

/* What a child process is asked to run inside its namespace. */
struct diag {
	const struct options *o;
	const struct assets *a;
	enum lab_host host;
	const char *target;         /* client side: what ssh was given (or its error line) */
	enum face face;             /* FACE_JSON: into json_path; FACE_BATCH: text on stdout;
				     * FACE_AUTO: the wizard or the line mode */
	const char *json_path;
	const struct lab_scenario *sc;
	bool no_question;           /* answered already: the walk asks no more */
	int result_fd;              /* where the walk's answer goes, or -1 */
};

/* ---- the child: a normal diagnosis, inside the namespace ----------------- */

static int diag_child(void *ctx)
{
	const struct diag *d = ctx;
	struct options co;
	struct wizard_lab lab;
	struct engine_config cfg;
	struct strbuf err;
	struct engine *e;
	int status = 3;

	options_init(&co);
	co.no_color = d->o->no_color;
	co.ascii = d->o->ascii;
	if (d->host == LAB_CLIENT) {
		if (target_parse(&co.target, d->target) != TARGET_OK)
			target_parse(&co.target, d->sc->target);
		co.side = SIDE_CLIENT;
	} else {
		/* at the console, judging for the client the learner uses,
		 * or watching for its attempt when the scenario says so */
		co.side = SIDE_SERVER;
		if (d->sc->watch > 0)
			co.watch = d->sc->watch;
		else
			strv_push(&co.from, LAB_CLIENT_ADDR);
	}
	memset(&lab, 0, sizeof(lab));
	lab.title = d->sc->title;
	lab.choices = d->no_question ? NULL : d->host == LAB_CLIENT ? &d->a->lab_client_choices
		      : &d->a->lab_server_choices;
	lab.staged = d->sc->cause;
	lab.console_key = d->host == LAB_CLIENT;
	if (d->face == FACE_AUTO) {
		co.lab = &lab;
		status = wizard_possible() ? wizard_run(&co, d->a) : linemode_run(&co, d->a);
		if (d->result_fd >= 0) {
			struct walk_result r = {.right = lab.right, .go_console = lab.go_console, .valid = true};

			memcpy(r.guess, lab.guess, sizeof(r.guess));
			memcpy(r.found, lab.found, sizeof(r.found));
			(void)!write(d->result_fd, &r, sizeof(r));
		}
		options_release(&co);
		return status > 255 ? 3 : status;
	}
	strbuf_init(&err);
	options_engine_config(&co, d->a, &cfg);
	/* the lab's walk keeps what it runs with: not a user's run */
	cfg.least_privilege = false;
	e = engine_new(&cfg, &err);
	if (e == NULL) {
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
	} else {
		engine_run_to_end(e);
		if (d->face == FACE_JSON) {
			FILE *f = fopen(d->json_path, "we");

			if (f != NULL) {
				report_write_json(f, engine_report(e));
				fclose(f);
			}
		} else {
			report_write_text(stdout, engine_report(e), 80);
		}
		status = report_exit_status(engine_report(e));
		engine_free(e);
	}
	strbuf_release(&err);
	options_release(&co);
	return status;
}

/* Runs a diagnosis of host's side in its namespace; a walk's answer goes
 * to *res when res is not NULL. */
/* While the server's console watches: the client tries to connect, once a
 * second, as the learner would. A child process in the client's namespace;
 * the caller ends it by its pid. */
static pid_t client_tries(const struct lab_sandbox *sb, int seconds)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid < 0 ? 0 : pid;
	{
		struct strbuf err;
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(22)};

		strbuf_init(&err);
		if (lab_netns_enter(sb->ns[LAB_CLIENT], true, &err) != 0)
			_exit(1);
		inet_pton(AF_INET, LAB_SERVER_ADDR, &sa.sin_addr);
		for (int i = 0; i < seconds; i++) {
			int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			sleep(1);
			if (fd < 0)
				continue;
			(void)!connect(fd, (struct sockaddr *)&sa, sizeof(sa));
			poll(&pfd, 1, 900);
			close(fd);
		}
		_exit(0);
	}
}

static int diagnose(const struct lab_sandbox *sb, struct diag *d, struct walk_result *res)
{
	int p[2] = {-1, -1}, rc;
	pid_t tries = 0;

	d->result_fd = -1;
	if (res != NULL) {
		memset(res, 0, sizeof(*res));
		if (pipe2(p, O_CLOEXEC) == 0)
			d->result_fd = p[1];
	}
	if (d->host == LAB_SERVER && d->sc->watch > 0)
		tries = client_tries(sb, d->sc->watch);
	rc = lab_run_in(sb, d->host, diag_child, d);
	if (tries > 0) {
		kill(tries, SIGKILL);
		waitpid(tries, NULL, 0);
	}
	if (p[1] >= 0) {
		close(p[1]);
		if (read(p[0], res, sizeof(*res)) != (ssize_t)sizeof(*res))
			memset(res, 0, sizeof(*res));
		close(p[0]);
	}
	return rc;
}

/* ---- shared pieces -------------------------------------------------------- */

static const char *level_name(int level)
{
	static const char *const names[] = {"", "first steps", "reading the wire", "the whole path"};

	return level >= 1 && level <= 3 ? names[level] : "";
}

static const char *cause_title(const struct assets *a, const char *id)
{
	const struct asset_doc *d = id ? assets_cause(a, id) : NULL;
	const char *t = d ? asset_doc_get(d, "title") : NULL;

	return t ? t : id ? id : "";
}

/* Stages sc; says what went wrong on stderr. */
static int stage(struct lab_sandbox *sb, const struct lab_scenario *sc, struct strv *log)
{
	struct strbuf err;
	int rc;

	strbuf_init(&err);
	rc = lab_sandbox_stage(sb, sc, log, &err);
	if (rc != 0)
		fprintf(stderr, "ssh-doctor: cannot stage '%s': %s\n", sc->id, err.buf);
	strbuf_release(&err);
	return rc;
}

/* The ssh command line the learner types, and what ssh said. */
static char *ssh_line(const struct lab_sandbox *sb, const struct lab_scenario *sc, int *status)
{
	char *line = lab_ssh_try(sb, sc->target, status);

	return line ? line : xstrdup("(ssh printed nothing)");
}

/* The target the client side diagnoses: ssh's error line when ssh-doctor
 * reads it (it then compares the symptom), else the name. */
static char *client_target(const struct lab_scenario *sc, const char *error)
{
	struct target t;
	char *r;

	target_init(&t);
	r = target_parse(&t, error) == TARGET_OK && t.host && strcmp(t.host, sc->target) == 0
	    ? xstrdup(error) : xstrdup(sc->target);
	target_release(&t);
	return r;
}

static void wrap_print(FILE *out, const char *lead, const char *text)
{
	struct lines ls;

	lines_init(&ls);
	lines_wrap(&ls, LK_TEXT, lead, text, 78);
	for (size_t i = 0; i < ls.n; i++)
		fprintf(out, "%s\n", ls.v[i]);
	lines_release(&ls);
}

/* Leaves after a signal: the sandbox goes first. */
static void check_signal(struct lab_sandbox *sb)
{
	int sig = lab_interrupted();

	if (sig == 0)
		return;
	lab_sandbox_teardown(sb);
	lab_signal_exit(sig);
}

/* ---- --practice list -------------------------------------------------------- */

static int practice_list(const struct assets *a)
{
	int level = 0;

	for (size_t i = 0; i < a->nscenarios; i++) {
		const struct lab_scenario *sc = &a->scenarios[i];

		if (sc->level != level) {
			level = sc->level;
			printf("%sLevel %d: %s\n", i ? "\n" : "", level, level_name(level));
		}
		printf("  %-18s %s (%s)\n", sc->id, sc->title, sc->cause);
	}
	if (a->nscenarios == 0)
		printf("no scenarios in the assets (%s)\n", a->origin);
	return 0;
}

/* ---- --practice all ---------------------------------------------------------- */

/* The verdict of one side, read back from the report its child wrote. */
static json_t *side_result(const char *path, const char *want, bool *ok)
{
	json_error_t jerr;
	json_t *rep = json_load_file(path, 0, &jerr), *out = json_object();
	json_t *v = json_object_get(rep, "verdict");
	const char *cause = json_string_value(json_object_get(v, "cause"));

	json_object_set_new(out, "cause", cause ? json_string(cause) : json_null());
	json_object_set(out, "confidence", json_object_get(v, "confidence") ? json_object_get(v, "confidence") : json_null());
	json_object_set(out, "summary", json_object_get(v, "summary") ? json_object_get(v, "summary") : json_null());
	if (rep == NULL)
		json_object_set_new(out, "error", json_string("no report"));
	else if (json_object_get(rep, "error"))
		json_object_set(out, "error", json_object_get(rep, "error"));
	*ok = cause != NULL && strcmp(cause, want) == 0;
	json_object_set_new(out, "expected", json_string(want));
	json_object_set_new(out, "ok", json_boolean(*ok));
	json_decref(rep);
	return out;
}

static int practice_all(const struct options *o, const struct assets *a, struct lab_sandbox *sb)
{
	json_t *root = json_object(), *list = json_array();
	uint64_t t0 = now_ms();
	int passed = 0, failed = 0;

	for (size_t i = 0; i < a->nscenarios; i++) {
		const struct lab_scenario *sc = &a->scenarios[i];
		json_t *s = json_object(), *exp = json_object(), *ssh = json_object();
		struct strv log;
		bool ok_c = false, ok_s = false;
		char cpath[160], spath[160];

		strv_init(&log);
		json_object_set_new(s, "id", json_string(sc->id));
		json_object_set_new(s, "title", json_string(sc->title));
		json_object_set_new(s, "level", json_integer(sc->level));
		json_object_set_new(s, "cause", json_string(sc->cause));
		json_object_set_new(exp, "client", json_string(sc->expect_client));
		json_object_set_new(exp, "server", json_string(sc->expect_server));
		if (sc->expect_note)
			json_object_set_new(exp, "note", json_string(sc->expect_note));
		json_object_set_new(s, "expect", exp);
		if (o->face != FACE_JSON)
			fprintf(stderr, "%-18s staging...", sc->id);
		if (stage(sb, sc, &log) == 0) {
			int st;
			char *err = ssh_line(sb, sc, &st), *target = client_target(sc, err);
			struct diag d = {.o = o, .a = a, .sc = sc, .target = target, .face = FACE_JSON};

			json_object_set_new(ssh, "command", json_sprintf("ssh %s", sc->target));
			json_object_set_new(ssh, "error", json_string(err));
			json_object_set_new(ssh, "status", json_integer(st));
			json_object_set_new(s, "ssh", ssh);
			ssh = NULL;
			snprintf(cpath, sizeof(cpath), "%s/client.json", sb->dir);
			snprintf(spath, sizeof(spath), "%s/server.json", sb->dir);
			d.host = LAB_CLIENT;
			d.json_path = cpath;
			diagnose(sb, &d, NULL);
			check_signal(sb);
			d.host = LAB_SERVER;
			d.json_path = spath;
			diagnose(sb, &d, NULL);
			check_signal(sb);
			json_object_set_new(s, "client", side_result(cpath, sc->expect_client, &ok_c));
			json_object_set_new(s, "server", side_result(spath, sc->expect_server, &ok_s));
			free(err);
			free(target);
		} else {
			json_object_set_new(s, "error", json_string("the scenario could not be staged (see stderr)"));
		}
		json_decref(ssh);
		json_object_set_new(s, "stage_ms", json_integer((json_int_t)sb->stage_ms));
		lab_sandbox_teardown(sb);
		check_signal(sb);
		json_object_set_new(s, "teardown_ms", json_integer((json_int_t)sb->teardown_ms));
		json_object_set_new(s, "ok", json_boolean(ok_c && ok_s));
		if (ok_c && ok_s)
			passed++;
		else
			failed++;
		if (o->face != FACE_JSON)
			fprintf(stderr, " %s: client %s, server %s (staged in %llu ms, removed in %llu ms)\n",
				ok_c && ok_s ? "ok" : "FAIL",
				json_string_value(json_object_get(json_object_get(s, "client"), "cause")) ?: "-",
				json_string_value(json_object_get(json_object_get(s, "server"), "cause")) ?: "-",
				(unsigned long long)sb->stage_ms, (unsigned long long)sb->teardown_ms);
		json_array_append_new(list, s);
		strv_release(&log);
	}
	json_object_set_new(root, "tool", json_string("ssh-doctor"));
	json_object_set_new(root, "version", json_string(SSHD_VERSION));
	json_object_set_new(root, "schema_version", json_integer(PRACTICE_SCHEMA_VERSION));
	json_object_set_new(root, "scenarios", list);
	json_object_set_new(root, "total", json_integer((json_int_t)a->nscenarios));
	json_object_set_new(root, "passed", json_integer(passed));
	json_object_set_new(root, "failed", json_integer(failed));
	json_object_set_new(root, "duration_ms", json_integer((json_int_t)(now_ms() - t0)));
	if (o->face == FACE_JSON) {
		json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else {
		printf("%d of %zu scenarios: both sides found what the scenario expects\n", passed, a->nscenarios);
	}
	json_decref(root);
	return failed == 0 ? 0 : 1;
}

/* ---- --practice NAME --batch: a transcript -------------------------------------- */

static int practice_transcript(const struct options *o, const struct assets *a, struct lab_sandbox *sb,
			       const struct lab_scenario *sc)
{
	struct strv log;
	char *err, *target;
	int st, rc_c, rc_s, status = 0;
	struct diag d = {.o = o, .a = a, .sc = sc, .face = FACE_BATCH};

	strv_init(&log);
	printf("Practice: %s (level %d, %s)\n\n", sc->title, sc->level, level_name(sc->level));
	wrap_print(stdout, "", sc->story);
	printf("\nThe sandbox:\n");
	if (stage(sb, sc, &log) != 0) {
		strv_release(&log);
		return 3;
	}
	for (size_t i = 0; i < log.n; i++)
		wrap_print(stdout, "  - ", log.v[i]);
	err = ssh_line(sb, sc, &st);
	target = client_target(sc, err);
	printf("\nOn the client:\n  $ ssh %s\n  %s\n", sc->target, err);
	printf("\n=== From the client: ssh-doctor %s ===\n\n", sc->target);
	fflush(stdout);
	d.host = LAB_CLIENT;
	d.target = target;
	rc_c = diagnose(sb, &d, NULL);
	check_signal(sb);
	printf("\n=== At the server's console: ssh-doctor (judging for %s) ===\n\n", LAB_CLIENT_ADDR);
	fflush(stdout);
	d.host = LAB_SERVER;
	rc_s = diagnose(sb, &d, NULL);
	check_signal(sb);
	printf("\n=== The cause: %s ===\n\n", cause_title(a, sc->cause));
	if (sc->explain)
		wrap_print(stdout, "", sc->explain);
	if (sc->expect_note)
		wrap_print(stdout, "", sc->expect_note);
	if (sc->hints) {
		printf("\nHints for the class:\n");
		wrap_print(stdout, "", sc->hints);
	}
	lab_sandbox_teardown(sb);
	printf("\nStaged in %llu ms, removed in %llu ms.\n", (unsigned long long)sb->stage_ms,
	       (unsigned long long)sb->teardown_ms);
	if (rc_c > 3 || rc_s > 3)
		status = 3;
	free(err);
	free(target);
	strv_release(&log);
	return status;
}

/* ---- the learner's walk: screens ------------------------------------------------ */

struct screen {
	bool curses;                /* full screen; else the line mode */
	bool ascii;
	SCREEN *scr;
};

static void screen_start(struct screen *s)
{
	if (!s->curses)
		return;
	setlocale(LC_CTYPE, "");
	term_guard_save();
	s->scr = newterm(NULL, stdout, stdin);
	if (s->scr == NULL) {
		s->curses = false;
		return;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(100);
	timeout(200);
	/* a crash on the lab's own pages gives the terminal back first */
	term_guard_prepare();
	lab_set_crash_hook(term_guard_restore);
}

static void screen_pause(struct screen *s)
{
	if (s->curses && s->scr)
		endwin();
}

static void screen_resume(struct screen *s)
{
	if (s->curses && s->scr) {
		reset_prog_mode();
		clearok(curscr, TRUE);
		refresh();
	}
}

static void screen_end(struct screen *s)
{
	lab_set_crash_hook(NULL);
	if (s->curses && s->scr) {
		erase();
		refresh();
		endwin();
		delscreen(s->scr);
		s->scr = NULL;
	}
}

/* Paragraphs (split by a blank line) are wrapped; one whose lines start
 * with four spaces (a command and what it printed) is kept as it is. */
static void page_lines(struct lines *ls, const char *text, int width)
{
	const char *p = text;

	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *para = xstrndup(p, n);

		if (ls->n > 0)
			lines_add(ls, LK_TEXT, "");
		if (str_starts_with(para, "    ")) {
			char *pos = para, *l;

			while ((l = str_next_line(&pos)) != NULL) {
				if ((int)strlen(l) > width)
					l[width] = '\0';
				lines_add(ls, LK_TEXT, l);
			}
		} else {
			lines_wrap(ls, LK_TEXT, "", para, width);
		}
		free(para);
		p += n;
		while (*p == '\n')
			p++;
	}
}

/* Draws a page: a title bar, text, the key line. Or prints it. */
static void page(struct screen *s, const char *title, const char *text, const char *keys)
{
	struct lines ls;
	int width = s->curses ? COLS - 2 : 78;

	lines_init(&ls);
	page_lines(&ls, text, width > 20 ? width : 20);
	if (!s->curses) {
		printf("\n== %s ==\n", title);
		for (size_t i = 0; i < ls.n; i++)
			printf("%s\n", ls.v[i]);
		if (keys)
			printf("[%s]\n", keys);
		fflush(stdout);
		lines_release(&ls);
		return;
	}
	erase();
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvaddnstr(0, 1, title, COLS - 2);
	attroff(A_REVERSE);
	for (size_t i = 0; i < ls.n && (int)i < LINES - 3; i++)
		mvaddnstr(2 + (int)i, 1, ls.v[i], COLS - 2);
	if (keys) {
		attron(A_REVERSE);
		mvhline(LINES - 1, 0, ' ', COLS);
		mvaddnstr(LINES - 1, 1, keys, COLS - 2);
		attroff(A_REVERSE);
	}
	refresh();
	lines_release(&ls);
}

/* The next key (curses) or the first letter of the next line (line mode);
 * Enter is '\n'; -1 when the input ended or a signal came. */
static int key_get(struct screen *s)
{
	if (s->curses) {
		for (;;) {
			int ch = getch();

			if (lab_interrupted())
				return -1;
			if (ch == ERR)
				continue;
			if (ch == '\r' || ch == KEY_ENTER)
				ch = '\n';
			if (ch == KEY_RESIZE || ch == ('L' & 0x1f)) {
				clearok(curscr, TRUE);
				continue;
			}
			return ch;
		}
	}
	{
		char line[128];

		printf("> ");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return -1;
		return line[0] == '\n' ? '\n' : (unsigned char)line[0];
	}
}

/* The menu: scenarios grouped by level, and "surprise me". Returns the
 * scenario picked, or NULL to quit. */
static const char menu_letters[] = "abcdefghijklmnoprstuvwxyz";

static const struct lab_scenario *menu(struct screen *s, const struct assets *a)
{
	struct strbuf sb;
	size_t n = a->nscenarios < sizeof(menu_letters) - 1 ? a->nscenarios : sizeof(menu_letters) - 1;

	for (;;) {
		int level = 0, ch;
		const char *at;

		strbuf_init(&sb);
		if (!s->curses) {
			for (size_t i = 0; i < n; i++) {
				if (a->scenarios[i].level != level) {
					level = a->scenarios[i].level;
					strbuf_addf(&sb, "%sLevel %d: %s\n", i ? "\n" : "", level, level_name(level));
				}
				strbuf_addf(&sb, "  %c) %s\n", menu_letters[i], a->scenarios[i].title);
			}
			strbuf_addstr(&sb, "\n  *) surprise me\n");
			page(s, "ssh-doctor practice lab: pick a scenario", sb.buf,
			     "a letter and Enter: that scenario  * surprise me  ? map of the flow  q quit");
		} else {
			/* two columns, so that every scenario fits 80x24 */
			int col = 0, row = 2, half = (int)(n + 1) / 2;

			erase();
			attron(A_REVERSE);
			mvhline(0, 0, ' ', COLS);
			mvaddnstr(0, 1, "ssh-doctor practice lab: pick a scenario", COLS - 2);
			attroff(A_REVERSE);
			for (size_t i = 0; i < n; i++) {
				char line[80];

				if ((int)i == half && COLS >= 80) {
					col = COLS / 2;
					row = 2;
					level = 0;
				}
				if (a->scenarios[i].level != level) {
					level = a->scenarios[i].level;
					snprintf(line, sizeof(line), "Level %d: %s", level, level_name(level));
					attron(A_BOLD);
					mvaddnstr(row++, col + 1, line, COLS / 2 - 2);
					attroff(A_BOLD);
				}
				snprintf(line, sizeof(line), " %c) %s", menu_letters[i], a->scenarios[i].title);
				mvaddnstr(row++, col + 1, line, (COLS >= 80 ? COLS / 2 : COLS) - 2);
			}
			mvaddnstr(LINES - 3, 2, "*) surprise me: a scenario picked at random", COLS - 3);
			attron(A_REVERSE);
			mvhline(LINES - 1, 0, ' ', COLS);
			mvaddnstr(LINES - 1, 1, "a letter: that scenario  * surprise me  ? map of the flow  q quit", COLS - 2);
			attroff(A_REVERSE);
			refresh();
		}
		strbuf_release(&sb);
		ch = key_get(s);
		if (ch < 0 || ch == 'q' || ch == 'Q')
			return NULL;
		if (ch == '*') {
			srand((unsigned)time(NULL) ^ (unsigned)getpid());
			return &a->scenarios[(size_t)rand() % (n ? n : 1)];
		}
		if (ch == '?') {
			page(s, "The flow on one screen: which answer leads to which cause", a->lab_map ? a->lab_map : "",
			     "any key: back");
			if (key_get(s) < 0)
				return NULL;
			continue;
		}
		at = ch > 0 && ch < 128 ? strchr(menu_letters, ch) : NULL;
		if (at != NULL && (size_t)(at - menu_letters) < n)
			return &a->scenarios[at - menu_letters];
	}
}

enum after { AFTER_NEXT, AFTER_MENU, AFTER_QUIT };

/* One scenario, from its story to its end screen. */
static enum after walk_scenario(struct screen *s, const struct options *o, const struct assets *a,
				struct lab_sandbox *sb, const struct lab_scenario *sc)
{
	struct strbuf text;
	struct strv log;
	struct walk_result client = {0}, server = {0};
	char title[200], *err = NULL, *target = NULL;
	enum after next = AFTER_MENU;
	bool done = false;
	int st, ch;

	strbuf_init(&text);
	strv_init(&log);
	snprintf(title, sizeof(title), "Practice, level %d: %s", sc->level, sc->title);
	strbuf_addf(&text, "%s\n\nBuilding the sandbox: a client, a router and a server, each a network namespace of this machine...", sc->story);
	page(s, title, text.buf, NULL);
	if (stage(sb, sc, &log) != 0) {
		page(s, title, "The scenario could not be staged: the reason is on the terminal after you quit.",
		     "any key: back to the menu");
		key_get(s);
		lab_sandbox_teardown(sb);
		goto out;
	}
	check_signal(sb);
	err = ssh_line(sb, sc, &st);
	target = client_target(sc, err);
	for (;;) {
		strbuf_reset(&text);
		strbuf_addf(&text, "%s\n\nOn your laptop (the client):\n\n    $ ssh %s\n    %s\n\n",
			    sc->story, sc->target, err);
		strbuf_addstr(&text, "Next, ssh-doctor walks the diagnosis from the client, one step at a time. "
			      "Before it says the cause, you will be asked what you think it is.");
		page(s, title, text.buf, "Enter: diagnose from the client  h hints  q quit");
		ch = key_get(s);
		if (ch < 0 || ch == 'q' || ch == 'Q') {
			next = AFTER_QUIT;
			goto leave;
		}
		if (ch == 'h' || ch == 'H') {
			page(s, "Hints", sc->hints ? sc->hints : "No hints for this one.", "any key: back");
			if (key_get(s) < 0)
				goto leave;
			continue;
		}
		if (ch == '\n')
			break;
	}
	/* the walks run in children on the same terminal */
	{
		struct diag d = {.o = o, .a = a, .sc = sc, .target = target, .face = FACE_AUTO, .host = LAB_CLIENT};

		screen_pause(s);
		diagnose(sb, &d, &client);
		check_signal(sb);
		if (client.go_console) {
			d.host = LAB_SERVER;
			diagnose(sb, &d, &server);
			check_signal(sb);
		}
		screen_resume(s);
	}
	while (!done) {
		strbuf_reset(&text);
		if (client.valid && client.guess[0])
			strbuf_addf(&text, "%s From the client you said: %s (%s).\n",
				    client.right ? "[ OK ]" : "[FAIL]", cause_title(a, client.guess),
				    client.right ? "right" : "not what the evidence says");
		else
			strbuf_addstr(&text, "[SKIP] You left the client's walk before naming a cause.\n");
		strbuf_addstr(&text, "\n");
		if (server.valid && server.guess[0])
			strbuf_addf(&text, "%s At the server's console you said: %s (%s).\n\n",
				    server.right ? "[ OK ]" : "[FAIL]", cause_title(a, server.guess),
				    server.right ? "right" : "not what the evidence says");
		strbuf_addf(&text, "The cause: %s\n\n%s\n", cause_title(a, sc->cause), sc->explain ? sc->explain : "");
		strbuf_addstr(&text, "\nAt the console you may fix it by hand (x opens a shell on the server), then "
			      "g or c runs the diagnosis again and shows whether SSH answers now.");
		page(s, title, text.buf, "g server console  c client again  x shell  h hints  n next  m menu  q quit");
		ch = key_get(s);
		switch (ch) {
		case 'g': case 'G': case 'c': case 'C': {
			struct diag d = {.o = o, .a = a, .sc = sc, .target = target, .face = FACE_AUTO,
					 .host = ch == 'g' || ch == 'G' ? LAB_SERVER : LAB_CLIENT};
			struct walk_result r;

			/* a walk again (after a fix, say) asks no more: it shows */
			d.no_question = d.host == LAB_SERVER ? server.valid && server.guess[0]
							     : client.valid && client.guess[0];
			screen_pause(s);
			diagnose(sb, &d, &r);
			check_signal(sb);
			if (r.valid && r.guess[0])
				*(d.host == LAB_SERVER ? &server : &client) = r;
			if (r.go_console) {
				d.host = LAB_SERVER;
				d.no_question = server.valid && server.guess[0];
				diagnose(sb, &d, &server);
				check_signal(sb);
			}
			screen_resume(s);
			break;
		}
		case 'x': case 'X':
			screen_pause(s);
			printf("\nA shell on lab-server, inside the sandbox (type 'exit' to come back).\n"
			       "Its /etc/ssh, /etc/hosts.deny and firewall are the sandbox's own.\n\n");
			fflush(stdout);
			lab_shell(sb, LAB_SERVER);
			screen_resume(s);
			break;
		case 'h': case 'H':
			page(s, "Hints", sc->hints ? sc->hints : "No hints for this one.", "any key: back");
			key_get(s);
			break;
		case 'n': case 'N':
			next = AFTER_NEXT;
			done = true;
			break;
		case 'm': case 'M':
			next = AFTER_MENU;
			done = true;
			break;
		case 'q': case 'Q': case -1:
			next = AFTER_QUIT;
			done = true;
			break;
		}
		check_signal(sb);
	}
leave:
	page(s, title, "Removing the sandbox...", NULL);
	lab_sandbox_teardown(sb);
	check_signal(sb);
out:
	free(err);
	free(target);
	strbuf_release(&text);
	strv_release(&log);
	return next;
}

static int practice_learn(const struct options *o, const struct assets *a, struct lab_sandbox *sb,
			  const struct lab_scenario *first)
{
	struct screen s = {.curses = term_can_address(), .ascii = o->ascii};
	const struct lab_scenario *sc = first;

	if (a->nscenarios == 0) {
		fprintf(stderr, "ssh-doctor: no scenarios in the assets (%s)\n", a->origin);
		return 3;
	}
	screen_start(&s);
	for (;;) {
		enum after next;

		if (sc == NULL && (sc = menu(&s, a)) == NULL)
			break;
		next = walk_scenario(&s, o, a, sb, sc);
		if (next == AFTER_QUIT)
			break;
		if (next == AFTER_NEXT) {
			size_t i = (size_t)(sc - a->scenarios);

			sc = &a->scenarios[(i + 1) % a->nscenarios];
		} else {
			sc = NULL;
		}
	}
	screen_end(&s);
	lab_sandbox_teardown(sb);
	check_signal(sb);
	return 0;
}

/* ---- the entry ------------------------------------------------------------------------ */

int practice_main(const struct options *o, const struct assets *a)
{
	const char *name = o->practice_name;
	const struct lab_scenario *sc = NULL;
	struct lab_sandbox sb;
	struct strbuf err;
	struct strv stale;
	int status;

	if (name != NULL && strcmp(name, "list") == 0)
		return practice_list(a);
	if (name != NULL && strcmp(name, "all") != 0 && (sc = assets_scenario(a, name)) == NULL) {
		fprintf(stderr, "ssh-doctor: unknown scenario '%s': see 'ssh-doctor --practice list'\n", name);
		return 2;
	}
	strbuf_init(&err);
	if (lab_check(&err) != 0) {
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		strbuf_release(&err);
		return 3;
	}
	strbuf_release(&err);
	/* sandboxes of labs that were killed: theirs only, never a live one's */
	strv_init(&stale);
	lab_reap_stale(&stale);
	for (size_t i = 0; i < stale.n; i++)
		fprintf(stderr, "ssh-doctor: removed the sandbox %s: the lab that made it is gone\n", stale.v[i]);
	strv_release(&stale);
	lab_sandbox_init(&sb);
	lab_signals_arm(&sb);
	if (name != NULL && strcmp(name, "all") == 0)
		status = practice_all(o, a, &sb);
	else if (sc != NULL && o->face != FACE_AUTO)
		status = practice_transcript(o, a, &sb, sc);
	else
		status = practice_learn(o, a, &sb, sc);
	lab_sandbox_teardown(&sb);
	check_signal(&sb);
	return status;
}

int practice_cleanup(const char *prefix)
{
	/* a crashed lab may have held the terminal in full-screen mode */
	wizard_term_give_back();
	return lab_reap_prefix(prefix) == 0 ? 0 : 3;
}

#else  /* no network namespaces here */

int practice_main(const struct options *o, const struct assets *a)
{
	fprintf(stderr, "ssh-doctor: the practice lab needs Linux network namespaces\n");
	return 3;
}

int practice_cleanup(const char *prefix)
{
	return 3;
}

#endif

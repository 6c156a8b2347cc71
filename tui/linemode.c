/* SPDX-License-Identifier: MIT */
/* The line mode: each step printed as text when it starts and when it ends,
 * packets one line each as they arrive, a prompt between steps. It never
 * moves the cursor and never changes the terminal's modes, so there is
 * nothing to restore, and a 9600-baud line only carries what is new. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine/walk.h"
#include "engine/fix.h"
#include "tui/fix-batch.h"
#include "tui/linemode.h"
#include "tui/report.h"
#include "tui/save.h"
#include "tui/wizard.h"

#define PROMPT_KEYS "Enter: next step, b back, r run again, d details, ? help, s save, q quit"
#define VERDICT_KEYS "Enter or q: finish, b back, d details, f fix, ? help, s save"
#define VERDICT_KEYS_LAB "Enter or q: finish, b back, d details, ? help, s save"

struct linemode {
	struct wizard_lab *lab;  /* the practice lab's question, or NULL */
	bool guessed;
	const struct assets *a;
	struct engine *e;
	const struct report *rep;
	FILE *out;
	int in_fd;
	bool interactive;       /* someone may answer: in_fd is a terminal, not at its end */
	int fixed_width;        /* 0: follow the terminal */
	bool run_done;          /* the engine said EV_DONE since the last engine_run */
	bool quit;
	bool verdict_shown;     /* the verdict was printed: q no longer means "unfinished" */
	struct strbuf partial;  /* typed bytes not yet ended by a newline */
	struct strv typed;      /* whole lines not yet acted on */
	size_t typed_next;
	/* the last fix plan shown (f) and what became of each action, for
	 * the saved report */
	bool fix_made;
	struct fix_plan fix;
	struct fix_log *fix_logs;       /* one per action of fix */
	char *fix_before;
	char *fix_after;                /* the diagnosis again, or NULL */
};

/* Forgets the last fix plan and its records. */
static void lm_fix_release(struct linemode *m)
{
	for (size_t i = 0; m->fix_made && i < m->fix.n; i++)
		fix_log_release(&m->fix_logs[i]);
	free(m->fix_logs);
	m->fix_logs = NULL;
	if (m->fix_made)
		fix_plan_release(&m->fix);
	free(m->fix_before);
	free(m->fix_after);
	m->fix_before = m->fix_after = NULL;
	m->fix_made = false;
}

enum linemode_key linemode_parse_key(const char *line)
{
	char buf[16], *k;
	size_t n = strlen(line);

	if (memchr(line, '\f', n) != NULL)
		return LM_KEY_REPAINT;
	if (n >= sizeof(buf))
		return LM_KEY_UNKNOWN;
	memcpy(buf, line, n + 1);
	k = str_trim(buf);
	if (k[0] == '\0' || str_ieq(k, "n"))
		return LM_KEY_NEXT;
	if (k[1] != '\0')
		return LM_KEY_UNKNOWN;
	switch (tolower((unsigned char)k[0])) {
	case 'b': return LM_KEY_BACK;
	case 'r': return LM_KEY_RERUN;
	case 'd': return LM_KEY_DETAILS;
	case '?': case 'h': return LM_KEY_HELP;
	case 's': return LM_KEY_SAVE;
	case 'q': return LM_KEY_QUIT;
	case 'f': return LM_KEY_FIX;
	default: return LM_KEY_UNKNOWN;
	}
}

/* ---- text of a step ---------------------------------------------------- */

/* Joins the hard-wrapped lines of an asset section into paragraphs (one
 * '\n' between them), so they can be wrapped again at any width. A blank
 * line, or a line starting a list item, begins a new paragraph. */
static char *reflow(const char *text)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (const char *p = text; *p; p++) {
		if (*p != '\n') {
			strbuf_addch(&sb, *p);
			continue;
		}
		if (p[1] == '\n') {
			while (p[1] == '\n')
				p++;
			strbuf_addch(&sb, '\n');
		} else if ((p[1] == '-' || p[1] == '*') && p[2] == ' ') {
			strbuf_addch(&sb, '\n');
		} else {
			strbuf_addch(&sb, ' ');
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* A section of step i's teaching text ("what", "why", "reading"), as the
 * engine filled it in, reflowed; NULL when the step has no such section.
 * The caller frees. */
static char *step_section(const struct report *rep, size_t i, const char *key)
{
	const struct report_step *s = &rep->steps[i];
	const char *text = strcmp(key, "what") == 0 ? s->what : strcmp(key, "why") == 0 ? s->why
			   : strcmp(key, "reading") == 0 ? s->reading : NULL;

	return text != NULL ? reflow(text) : NULL;
}

/* "LEAD TEXT" at indent, wrapped at width, continuation lines at indent;
 * a lead of "-" is a list item, its continuation lines under its text. */
static void para(struct strbuf *sb, int indent, const char *lead, const char *text, int width)
{
	char *all;

	strbuf_addf(sb, "%*s", indent, "");
	if (strcmp(lead, "-") == 0) {
		strbuf_addstr(sb, "- ");
		wrap_text(sb, text, indent + 2, width);
		strbuf_addch(sb, '\n');
		return;
	}
	all = xasprintf("%s%s%s", lead, *lead ? " " : "", text);
	wrap_text(sb, all, indent, width);
	strbuf_addch(sb, '\n');
	free(all);
}

/* A section of step i as a paragraph, when the step has it. */
static void section_para(struct strbuf *sb, const struct report *rep, size_t i, const char *key,
			 const char *lead, int width)
{
	char *text = step_section(rep, i, key);

	if (text != NULL)
		para(sb, 2, lead, text, width);
	free(text);
}

void linemode_step_intro(struct strbuf *sb, const struct report *rep, size_t i, int width)
{
	const struct report_step *s = &rep->steps[i];

	char *head = xasprintf("Step %zu of %zu: %s", i + 1, rep->nsteps, s->title);

	strbuf_addch(sb, '\n');
	para(sb, 0, "", head, width);
	free(head);
	section_para(sb, rep, i, "what", "What we check:", width);
	section_para(sb, rep, i, "why", "Why it matters:", width);
	if (s->command)
		para(sb, 2, "You would type:", s->command, width);
}

/* "1.2 s" or "35 ms". */
static void add_duration(struct strbuf *sb, uint64_t ms)
{
	if (ms >= 1000)
		strbuf_addf(sb, "%.1f s", (double)ms / 1000.0);
	else
		strbuf_addf(sb, "%llu ms", (unsigned long long)ms);
}

void linemode_step_result(struct strbuf *sb, const struct report *rep, size_t i, int width)
{
	const struct report_step *s = &rep->steps[i];
	struct strbuf head;

	strbuf_init(&head);
	strbuf_addf(&head, "%s %s", step_status_tag(s->status), s->title);
	if (s->status != STEP_PENDING && s->status != STEP_RUNNING) {
		strbuf_addstr(&head, " (");
		add_duration(&head, s->duration_ms);
		strbuf_addch(&head, ')');
	}
	if (s->stale)
		strbuf_addstr(&head, " " WALK_STALE_WORDS);
	para(sb, 0, "", head.buf, width);
	strbuf_release(&head);
	if (s->summary && *s->summary)
		para(sb, 2, "What we saw:", s->summary, width);
	if (s->status != STEP_PENDING && s->status != STEP_RUNNING)
		section_para(sb, rep, i, "reading", "What it means:", width);
}

void linemode_packet_line(struct strbuf *sb, const struct report_packet *p, int width)
{
	struct strbuf line, when;
	size_t room;

	strbuf_init(&line);
	strbuf_init(&when);
	strbuf_addf(&when, "  %.2f ms", (double)p->t_us / 1000.0);
	strbuf_addf(&line, "  %s %s", p->outbound ? ">" : "<", p->summary ? p->summary : "");
	room = width > 0 && (size_t)width > when.len ? (size_t)width - when.len : 0;
	if (line.len > room) {
		size_t keep = room > 3 ? room - 3 : 0;

		/* never cut a UTF-8 character in half */
		while (keep > 0 && ((unsigned char)line.buf[keep] & 0xc0) == 0x80)
			keep--;
		line.len = keep;
		line.buf[keep] = '\0';
		strbuf_addstr(&line, "...");
	}
	strbuf_add(sb, line.buf, line.len);
	strbuf_add(sb, when.buf, when.len);
	strbuf_addch(sb, '\n');
	strbuf_release(&line);
	strbuf_release(&when);
}

/* ---- output ------------------------------------------------------------- */

static int lm_width(const struct linemode *m)
{
	struct winsize ws;
	int fd = fileno(m->out);

	if (m->fixed_width > 0)
		return m->fixed_width;
	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col > 100 ? 100 : ws.ws_col;
	return 80;
}

static void lm_put(struct linemode *m, struct strbuf *sb)
{
	fwrite(sb->buf, 1, sb->len, m->out);
	fflush(m->out);
	strbuf_reset(sb);
}

/* One wrapped paragraph of our own words. */
static void lm_say(struct linemode *m, int indent, const char *text)
{
	struct strbuf sb;

	strbuf_init(&sb);
	para(&sb, indent, "", text, lm_width(m));
	lm_put(m, &sb);
	strbuf_release(&sb);
}

/* The text report's head (the target and the capture), or its verdict, so
 * the line mode says them in the very words of the text report. */
static void lm_report_part(struct linemode *m, bool head)
{
	if (head) {
		report_write_text_head(m->out, m->rep, lm_width(m));
	} else if (m->rep->failed || m->rep->has_verdict) {
		fputc('\n', m->out);
		report_write_text_verdict(m->out, m->rep, lm_width(m));
	} else {
		fputs("\nno verdict: the steps that ran do not decide it\n", m->out);
	}
	fflush(m->out);
}

/* The evidence of step i so far. */
static void add_evidence(struct strbuf *sb, const struct report_step *s, int width)
{
	for (size_t k = 0; k < s->evidence.n; k++)
		para(sb, 2, "-", s->evidence.v[k], width);
}

/* Shows step i again as it stands, without running it. */
static void lm_show_step(struct linemode *m, size_t i)
{
	struct strbuf sb;
	int width = lm_width(m);

	strbuf_init(&sb);
	linemode_step_intro(&sb, m->rep, i, width);
	add_evidence(&sb, &m->rep->steps[i], width);
	linemode_step_result(&sb, m->rep, i, width);
	lm_put(m, &sb);
	strbuf_release(&sb);
}

static void lm_event(void *ctx, const struct engine_event *ev, const struct report *rep)
{
	struct linemode *m = ctx;
	struct strbuf sb;
	int width = lm_width(m);

	strbuf_init(&sb);
	switch (ev->kind) {
	case EV_STEP_STARTED: {
		const struct report_step *s = &rep->steps[ev->step];

		if (s->wait_reason && *s->wait_reason) {
			struct strbuf w;

			strbuf_init(&w);
			strbuf_addf(&w, "... %s (up to ", s->wait_reason);
			add_duration(&w, s->wait_ms);
			strbuf_addch(&w, ')');
			para(&sb, 2, "", w.buf, width);
			strbuf_release(&w);
		}
		break;
	}
	case EV_EVIDENCE: {
		const struct report_step *s = &rep->steps[ev->step];

		if (s->evidence.n)
			para(&sb, 2, "-", s->evidence.v[s->evidence.n - 1], width);
		break;
	}
	case EV_PACKET:
		if (ev->step >= 0 && (size_t)ev->step < rep->capture.npackets)
			linemode_packet_line(&sb, &rep->capture.packets[ev->step], width);
		break;
	case EV_STEP_FINISHED:
		linemode_step_result(&sb, rep, (size_t)ev->step, width);
		break;
	case EV_TARGET:
		if (rep->addresses.n) {
			strbuf_addstr(&sb, "  addresses:");
			for (size_t k = 0; k < rep->addresses.n; k++)
				strbuf_addf(&sb, " %s", rep->addresses.v[k]);
			strbuf_addch(&sb, '\n');
		}
		break;
	case EV_FAILED:
		para(&sb, 2, "the diagnosis cannot go on:", rep->failure ? rep->failure : "?", width);
		break;
	case EV_DONE:
		m->run_done = true;
		break;
	case EV_CAPTURE:
	case EV_VERDICT:
		break;
	}
	lm_put(m, &sb);
	strbuf_release(&sb);
}

/* ---- input -------------------------------------------------------------- */

/* Reads what is there on in_fd and files whole lines; at the end of input
 * the line mode stops asking. */
static void lm_read_input(struct linemode *m)
{
	char buf[256];
	ssize_t n = read(m->in_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		m->interactive = false;
		return;
	}
	for (ssize_t k = 0; k < n; k++) {
		if (buf[k] == '\n') {
			strv_push(&m->typed, m->partial.buf);
			strbuf_reset(&m->partial);
		} else if (m->partial.len < 4096) {
			strbuf_addch(&m->partial, buf[k]);
		}
	}
}

/* Sleeps in poll() until the keyboard or the engine has something, then
 * handles it. While a step runs, a typed "q" quits at once. */
static void lm_wait(struct linemode *m, bool running)
{
	struct pollfd fds[8];
	int n = engine_pollfds(m->e, fds, 7), in = -1;

	if (m->interactive) {
		in = n;
		fds[n++] = (struct pollfd){.fd = m->in_fd, .events = POLLIN};
	}
	if (poll(fds, (nfds_t)n, engine_timeout(m->e)) < 0 && errno != EINTR)
		return;
	if (in >= 0 && (fds[in].revents & (POLLIN | POLLHUP | POLLERR)))
		lm_read_input(m);
	if (running && m->typed_next < m->typed.n &&
	    linemode_parse_key(m->typed.v[m->typed_next]) == LM_KEY_QUIT) {
		m->typed_next++;
		m->quit = true;
	}
	engine_dispatch(m->e);
}

/* The next typed line (owned by m, valid until the next call), or NULL when
 * no one can answer. Engine events keep being shown while it waits. */
static const char *lm_next_line(struct linemode *m)
{
	while (m->typed_next >= m->typed.n && m->interactive && !m->quit)
		lm_wait(m, false);
	if (m->typed_next < m->typed.n)
		return m->typed.v[m->typed_next++];
	return NULL;
}

/* A question, wrapped, then "> " where the answer is typed. */
static void lm_prompt(struct linemode *m, const char *question)
{
	struct strbuf sb;

	strbuf_init(&sb);
	para(&sb, 0, "", question, lm_width(m));
	strbuf_addstr(&sb, "> ");
	lm_put(m, &sb);
	strbuf_release(&sb);
}

/* Prints the prompt and returns the key of the answer; NEXT when no one
 * can answer. */
static enum linemode_key lm_ask(struct linemode *m, const char *keys)
{
	const char *line;

	if (!m->interactive && m->typed_next >= m->typed.n)
		return LM_KEY_NEXT;
	lm_prompt(m, keys);
	line = lm_next_line(m);
	if (line == NULL) {
		fputc('\n', m->out);
		return LM_KEY_NEXT;
	}
	return linemode_parse_key(line);
}

/* ---- the fix plan (f on the verdict) ---------------------------------------- */

static bool lm_confirm(void *ctx, const struct fix_action *a, int timeout_s, const volatile int *stop)
{
	struct linemode *m = ctx;
	uint64_t end = now_ms() + (uint64_t)timeout_s * 1000;
	char q[200];

	(void)a;
	snprintf(q, sizeof(q), "this firewall change could cut you off: y and Enter within %d s keep it; anything else, or nothing, rolls it back", timeout_s);
	lm_prompt(m, q);
	while (m->typed_next >= m->typed.n && m->interactive && !*stop && now_ms() < end) {
		struct pollfd p = {.fd = m->in_fd, .events = POLLIN};
		uint64_t left = end - now_ms();

		if (poll(&p, 1, left > 250 ? 250 : (int)left) > 0)
			lm_read_input(m);
	}
	if (m->typed_next < m->typed.n) {
		const char *line = m->typed.v[m->typed_next++];

		return line[0] == 'y' || line[0] == 'Y';
	}
	fputc('\n', m->out);
	return false;
}

static void lm_fix_say(void *ctx, const char *line)
{
	struct linemode *m = ctx;

	fprintf(m->out, "%s\n", line);
	fflush(m->out);
}

/* The plan, then each action on a y: its command, diff and undo first,
 * its output after; after the last, the diagnosis again, and the undo
 * when SSH still does not answer. */
static void lm_fix(struct linemode *m)
{
	struct fix_plan plan;
	struct fix_log *logs;
	struct fix_ui ui = {.ctx = m, .say = lm_fix_say, .confirm = lm_confirm};
	struct strbuf sb, why;
	char *before;
	size_t applied = 0;
	bool failed = false;

	lm_fix_release(m);
	m->fix_before = xstrdup(m->rep->verdict.cause ? m->rep->verdict.cause : "");
	before = m->fix_before;
	fix_plan_init(&plan);
	if (m->rep->side == SIDE_SERVER) {
		fix_plan_server(engine_server_facts(m->e), &m->rep->verdict, &plan);
	} else {
		struct passwd *pw = getpwuid(getuid());

		fix_plan_client(engine_client_facts(m->e), &m->rep->verdict, m->rep->host, m->rep->port,
				pw ? pw->pw_dir : NULL, &plan);
	}
	strbuf_init(&sb);
	strbuf_init(&why);
	strbuf_addf(&sb, "\nThe fix plan for %s, on this machine (the %s):\n", plan.cause, plan.on);
	if (plan.refused || plan.n == 0)
		strbuf_addf(&sb, "  no plan, nothing will be changed: %s\n", plan.why ? plan.why : "");
	lm_put(m, &sb);
	logs = xcalloc(plan.n + 1, sizeof(*logs));
	for (size_t i = 0; i < plan.n; i++)
		fix_log_init(&logs[i]);
	for (size_t i = 0; i < plan.n && !plan.refused && !m->quit; i++) {
		const struct fix_action *a = &plan.v[i];
		struct fix_plan one = plan;
		char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);
		const char *line;

		strbuf_reset(&sb);
		strbuf_addf(&sb, "\n%zu. %s\n   %s\n", i + 1, a->title, cmd);
		if (a->kind == FIX_EDIT && a->diff)
			strbuf_addstr(&sb, a->diff);
		strbuf_addf(&sb, "   owned by %s; survives a reboot: %s%s%s\n   check: %s\n   undo: %s\n", a->owner,
			    a->persistent ? "yes" : "no", a->persist_note ? " - " : "", a->persist_note ? a->persist_note : "",
			    a->check ? a->check : "", a->undo_text ? a->undo_text : "");
		lm_put(m, &sb);
		free(cmd);
		strbuf_reset(&why);
		if (fix_may_run_uid(&why) != 0) {
			lm_say(m, 0, why.buf);
			break;
		}
		lm_prompt(m, "y and Enter apply it; anything else stops here");
		line = lm_next_line(m);
		if (line == NULL || !(line[0] == 'y' || line[0] == 'Y')) {
			lm_say(m, 0, "stopped: this action and the ones after it were not applied");
			break;
		}
		one.v = &plan.v[i];
		one.n = 1;
		if (fix_apply(&one, &ui, &logs[i]) != 0) {
			failed = true;
			break;
		}
		applied++;
	}
	if (failed || (applied > 0 && applied < plan.n)) {
		for (size_t i = applied + 1; i-- > 0;) {
			struct fix_plan one = plan;

			one.v = &plan.v[i];
			one.n = 1;
			if (i < plan.n && logs[i].n > 0 && logs[i].v[0].applied)
				fix_undo(&one, &ui, &logs[i]);
		}
		lm_say(m, 0, failed ? "an action did not succeed: every applied action was undone"
				    : "the plan was not applied whole: every applied action was undone");
	} else if (applied == plan.n && applied > 0) {
		lm_say(m, 0, "the diagnosis again, to check the fix:");
		engine_run_all(m->e);
		m->run_done = false;
		while (engine_busy(m->e) && !m->quit)
			lm_wait(m, true);
		engine_dispatch(m->e);
		strbuf_reset(&sb);
		if (m->rep->has_verdict)
			m->fix_after = xstrdup(m->rep->verdict.cause);
		strbuf_addf(&sb, "\nbefore: %s    after: %s\n", before,
			    m->rep->has_verdict ? m->rep->verdict.cause : "(none)");
		lm_put(m, &sb);
		if (!m->rep->has_verdict || strcmp(m->rep->verdict.cause, "ok") != 0) {
			const char *line;

			lm_prompt(m, "SSH still does not answer: undo every action of the plan? (Enter or y: undo, n: keep)");
			line = lm_next_line(m);
			if (line == NULL || !(line[0] == 'n' || line[0] == 'N')) {
				for (size_t i = plan.n; i-- > 0;) {
					struct fix_plan one = plan;

					one.v = &plan.v[i];
					one.n = 1;
					fix_undo(&one, &ui, &logs[i]);
				}
				lm_say(m, 0, "every action was undone: the system is as it was before the plan");
			}
		} else {
			lm_say(m, 0, "SSH answers now.");
		}
	}
	/* kept for the saved report until the next plan or the end */
	m->fix = plan;
	m->fix_logs = logs;
	m->fix_made = true;
	strbuf_release(&sb);
	strbuf_release(&why);
}

/* ---- the keys ----------------------------------------------------------- */

static void lm_help(struct linemode *m)
{
	struct strbuf sb;
	int width = lm_width(m);

	strbuf_init(&sb);
	strbuf_addstr(&sb, "\nKeys (type the letter, then Enter):\n"
		      "  Enter or n  next step          b  back to the step before\n"
		      "  r  run this step again         d  details: the raw evidence\n"
		      "  s  save the report to a file   ?  this help\n"
		      "  q  quit (before the verdict the exit status is 3)\n"
		      "Words:\n");
	for (size_t k = 0; k < m->a->glossary.n; k++)
		para(&sb, 2, "", m->a->glossary.v[k], width);
	lm_put(m, &sb);
	strbuf_release(&sb);
}

/* The raw evidence of step i (or, past the last step, of the capture). */
static void lm_details(struct linemode *m, size_t i)
{
	const struct report *rep = m->rep;
	const struct report_capture *c = &rep->capture;
	struct strbuf sb;
	int width = lm_width(m);

	strbuf_init(&sb);
	if (i < rep->nsteps) {
		const struct report_step *s = &rep->steps[i];

		strbuf_addf(&sb, "\nDetails of \"%s\":\n", s->title);
		add_evidence(&sb, s, width);
		for (size_t k = 0; k < s->details.n; k++)
			para(&sb, 2, "", s->details.v[k], width);
		if (s->evidence.n == 0 && s->details.n == 0)
			strbuf_addstr(&sb, s->status != STEP_PENDING ? "  this step kept no raw evidence\n"
					 : "  this step has not run yet\n");
	}
	strbuf_addstr(&sb, "Capture: ");
	if (c->available) {
		if (c->interface)
			strbuf_addf(&sb, "on %s, ", c->interface);
		strbuf_addf(&sb, "%zu packets", c->npackets);
		if (c->packets_dropped)
			strbuf_addf(&sb, " (%zu more not kept)", c->packets_dropped);
		strbuf_addch(&sb, '\n');
		for (size_t k = 0; k < c->npackets; k++)
			linemode_packet_line(&sb, &c->packets[k], width);
		if (c->outcome_text)
			para(&sb, 2, "", c->outcome_text, width);
	} else {
		strbuf_addstr(&sb, "off\n");
		if (c->reason)
			para(&sb, 2, "", c->reason, width);
	}
	lm_put(m, &sb);
	strbuf_release(&sb);
}

/* Asks for a file name and saves the report; never replaces a file
 * without a "y". */
static void lm_save(struct linemode *m)
{
	char *def = save_default_path(m->rep, SAVE_TEXT);
	char *path, *shown;
	const char *line;
	struct strbuf err;
	struct report_fix fx = {0};
	int rc;

	shown = xasprintf("Save the report as (a name ending in .json saves JSON) [%s]:", def);
	lm_prompt(m, shown);
	free(shown);
	line = lm_next_line(m);
	if (line == NULL) {
		fputs("\nnot saved\n", m->out);
		free(def);
		return;
	}
	path = xstrdup(line);
	str_trim(path);
	if (*path == '\0') {
		free(path);
		path = def;
		def = NULL;
	}
	if (m->fix_made) {
		fx.plan = &m->fix;
		fx.logs = m->fix_logs;
		fx.nlogs = m->fix.n;
		fx.before_cause = m->fix_before;
		fx.after_cause = m->fix_after;
	}
	strbuf_init(&err);
	rc = save_report_fix(m->rep, &fx, path, save_format_for_path(path), lm_width(m), false, &err);
	shown = printable(path, strlen(path), true);
	if (rc == SAVE_ERR_EXISTS) {
		char *q = xasprintf("'%s' exists. Replace it? (y/N)", shown);

		lm_prompt(m, q);
		free(q);
		line = lm_next_line(m);
		if (line && (line[0] == 'y' || line[0] == 'Y'))
			rc = save_report_fix(m->rep, &fx, path, save_format_for_path(path), lm_width(m), true, &err);
		else
			strbuf_addstr(&err, "; not saved");
	}
	if (rc == 0) {
		char *done = xasprintf("saved the report to '%s'", shown);

		lm_say(m, 0, done);
		free(done);
	} else {
		lm_say(m, 0, err.buf);
	}
	strbuf_release(&err);
	free(shown);
	free(path);
	free(def);
}

/* Step i's introduction, once the walk started it (engine_walk_*), then
 * waits until it ended (or a "q"). again: it had run before. */
static void lm_step_running(struct linemode *m, size_t i, bool again)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (again)
		strbuf_addf(&sb, "\nStep %zu of %zu again: %s\n", i + 1, m->rep->nsteps, m->rep->steps[i].title);
	else
		linemode_step_intro(&sb, m->rep, i, lm_width(m));
	lm_put(m, &sb);
	strbuf_release(&sb);
	while (!m->run_done && !m->quit)
		lm_wait(m, true);
}

/* Waits until the engine is done with what runs (or a "q"). */
static void lm_wait_done(struct linemode *m)
{
	while (!m->quit && !engine_walk_complete(m->e) && engine_busy(m->e))
		lm_wait(m, true);
}

/* After r: says which results are from before the rerun, if any. */
static void lm_say_stale(struct linemode *m, size_t before)
{
	size_t n = walk_stale_count(m->rep);
	struct strbuf sb;

	if (n == 0 || n == before)
		return;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "\nThese results are from before the rerun and may have changed since:\n");
	for (size_t i = 0; i < m->rep->nsteps; i++) {
		const struct report_step *s = &m->rep->steps[i];

		if (s->stale)
			strbuf_addf(&sb, "  %zu. %s %s\n", i + 1, step_status_tag(s->status), s->title);
	}
	lm_put(m, &sb);
	strbuf_release(&sb);
	lm_say(m, 2, (size_t)engine_walk_cur(m->e) + 1 < m->rep->nsteps
	       ? "The later ones run again when the walk reaches them; b goes back to an earlier one, r runs it again."
	       : "b goes back to one of them, r runs it again.");
}

/* Walks the flow; returns when it ended or the person quit. */
/* The practice lab: the learner names the cause before the verdict, and
 * is told whether the evidence agrees. */
static void lm_guess(struct linemode *m)
{
	struct wizard_lab *lab = m->lab;
	const struct strv *c = lab->choices;
	struct strbuf sb;
	const char *line = NULL;
	int pick = -1;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "\nBefore the verdict: what do you think the cause is?\n");
	for (size_t i = 0; i < c->n && i < 26; i++) {
		const struct asset_doc *d = assets_cause(m->a, c->v[i]);

		strbuf_addf(&sb, "  %c) %s\n", 'a' + (int)i, d ? asset_doc_get(d, "title") : c->v[i]);
	}
	lm_put(m, &sb);
	while (pick < 0 && !m->quit) {
		char k;

		if (!m->interactive && m->typed_next >= m->typed.n)
			break;
		lm_prompt(m, "your answer (a letter; q quits):");
		if ((line = lm_next_line(m)) == NULL)
			break;
		k = (char)tolower((unsigned char)line[0]);
		if (k == 'q' && line[1] == '\0')
			m->quit = true;
		else if (k >= 'a' && k < 'a' + (int)c->n && (line[1] == '\0' || line[1] == ' '))
			pick = k - 'a';
		else
			lm_say(m, 0, "type the letter of a cause, then Enter");
	}
	m->guessed = true;
	strbuf_reset(&sb);
	if (pick >= 0) {
		const struct asset_doc *g = assets_cause(m->a, c->v[pick]);
		const struct asset_doc *f = assets_cause(m->a, m->rep->verdict.cause);

		snprintf(lab->guess, sizeof(lab->guess), "%s", c->v[pick]);
		snprintf(lab->found, sizeof(lab->found), "%s", m->rep->verdict.cause);
		lab->right = strcmp(lab->guess, lab->found) == 0 ||
			     (lab->staged && strcmp(lab->guess, lab->staged) == 0);
		if (lab->right)
			strbuf_addf(&sb, "\n[ OK ] You said: %s. Right.\n", g ? asset_doc_get(g, "title") : lab->guess);
		else
			strbuf_addf(&sb, "\n[FAIL] You said: %s. The evidence says: %s.\n",
				    g ? asset_doc_get(g, "title") : lab->guess,
				    f ? asset_doc_get(f, "title") : lab->found);
		for (size_t i = 0; i < m->rep->verdict.evidence.n && i < 4; i++)
			strbuf_addf(&sb, "  - %s\n", m->rep->verdict.evidence.v[i]);
		lm_put(m, &sb);
	}
	strbuf_release(&sb);
}

static void lm_flow(struct linemode *m)
{
	size_t n = m->rep->nsteps;
	bool at_verdict = false;

	lm_report_part(m, true);
	if (m->interactive)
		lm_say(m, 0, "Each step runs when it is shown; type a letter and Enter between steps (? for help).");
	m->run_done = false;
	engine_walk_start(m->e);
	lm_step_running(m, 0, false);
	while (!m->quit) {
		enum linemode_key k;
		size_t cur = (size_t)engine_walk_cur(m->e);

		if (!at_verdict) {
			k = lm_ask(m, PROMPT_KEYS);
		} else {
			if (m->lab && m->lab->choices && !m->guessed && m->rep->has_verdict && !m->rep->failed)
				lm_guess(m);
			if (m->quit)
				break;
			lm_report_part(m, false);
			m->verdict_shown = true;
			k = lm_ask(m, m->lab ? VERDICT_KEYS_LAB : VERDICT_KEYS);
			if (k == LM_KEY_NEXT)
				break;
		}
		switch (k) {
		case LM_KEY_NEXT: {
			bool again = cur + 1 < n && m->rep->steps[cur + 1].status != STEP_PENDING;

			m->run_done = false;
			switch (engine_walk_next(m->e)) {
			case WALK_RUNS:
				lm_step_running(m, (size_t)engine_walk_cur(m->e), again);
				break;
			case WALK_SHOWN:
				lm_show_step(m, (size_t)engine_walk_cur(m->e));
				break;
			case WALK_VERDICT_PENDING:
				lm_wait_done(m);
				at_verdict = true;
				break;
			case WALK_VERDICT:
			case WALK_FAILED:
				at_verdict = true;
				break;
			default:
				lm_wait_done(m);
				break;
			}
			break;
		}
		case LM_KEY_BACK:
			if (at_verdict) {
				at_verdict = false;
				lm_show_step(m, cur);
			} else if (engine_walk_back(m->e) == WALK_FIRST) {
				lm_say(m, 0, "this is the first step");
			} else {
				lm_show_step(m, (size_t)engine_walk_cur(m->e));
			}
			break;
		case LM_KEY_RERUN:
			if (!at_verdict) {
				size_t before = walk_stale_count(m->rep);

				m->run_done = false;
				if (engine_walk_rerun(m->e) == WALK_RUNS) {
					lm_step_running(m, cur, true);
					lm_say_stale(m, before);
				} else {
					lm_say(m, 0, "a step is still running: wait for it, then r");
				}
			} else
				lm_say(m, 0, "r runs a step again: go back to it with b first");
			break;
		case LM_KEY_DETAILS:
			lm_details(m, at_verdict ? n : cur);
			break;
		case LM_KEY_HELP:
			lm_help(m);
			break;
		case LM_KEY_SAVE:
			lm_save(m);
			break;
		case LM_KEY_QUIT:
			m->quit = true;
			break;
		case LM_KEY_REPAINT:
			if (!at_verdict)
				lm_show_step(m, cur);
			break;
		case LM_KEY_FIX:
			if (m->lab)
				lm_say(m, 0, "the practice lab: fix it yourself at the server's console; the fix plan changes only a real machine");
			else if (!at_verdict)
				lm_say(m, 0, "f shows the fix plan on the verdict: go on to it first");
			else
				lm_fix(m);
			break;
		case LM_KEY_UNKNOWN:
			lm_say(m, 0, "unknown key; " PROMPT_KEYS);
			break;
		}
	}
}

int linemode_run_io(const struct options *o, const struct assets *a, int in_fd, FILE *out,
		    bool interactive, int width)
{
	struct engine_config cfg;
	struct linemode m = {
		.lab = o->lab,
		.a = a, .out = out, .in_fd = in_fd,
		.interactive = interactive, .fixed_width = width,
	};
	struct strbuf err;
	int status;

	strbuf_init(&err);
	options_engine_config(o, a, &cfg);
	/* at a console, as in the wizard: "try ssh now from the client" */
	if (interactive && o->watch < 0 && o->from.n == 0)
		cfg.watch_seconds = 60;
	m.e = engine_new(&cfg, &err);
	if (m.e == NULL) {
		fprintf(stderr, "ssh-doctor: %s\n", err.buf);
		strbuf_release(&err);
		return o->replay ? 2 : 3;
	}
	strbuf_release(&err);
	m.rep = engine_report(m.e);
	strbuf_init(&m.partial);
	strv_init(&m.typed);
	engine_subscribe(m.e, lm_event, &m);

	lm_flow(&m);

	/* as in the wizard: the verdict's status only once it was shown */
	if (engine_walk_complete(m.e) && m.verdict_shown && !m.rep->failed) {
		status = report_exit_status(m.rep);
	} else {
		status = 3;
		if (m.quit) {
			fputc('\n', out);
			lm_say(&m, 0, "quit before the verdict: the diagnosis did not finish (exit status 3)");
		}
	}
	fflush(out);
	lm_fix_release(&m);
	engine_free(m.e);
	strbuf_release(&m.partial);
	strv_release(&m.typed);
	return status;
}

int linemode_run(const struct options *o, const struct assets *a)
{
	return linemode_run_io(o, a, STDIN_FILENO, stdout, isatty(STDIN_FILENO) != 0, 0);
}

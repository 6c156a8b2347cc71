/* SPDX-License-Identifier: MIT */
/* The full-screen wizard (see wizard.h). One poll() waits on the keyboard,
 * the engine's fds (the capture's among them), the signal pipe and the
 * stderr pipe; painting is rate-limited by the line speed and only the
 * panes that changed are redrawn, so ncurses sends only the difference. */
#include <errno.h>
#include <pwd.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "engine/engine.h"
#include "engine/walk.h"
#include "tui/keys.h"
#include "engine/fix.h"
#include "tui/fix-batch.h"
#include "tui/layout.h"
#include "tui/report.h"
#include "tui/save.h"
#include "tui/wizard-term.h"
#include "tui/wizard.h"

enum view { V_START, V_STEPS, V_DETAILS, V_VERDICT, V_HELP, V_GUESS, V_MAP, V_FIX };

/* Panes to redraw at the next paint. */
enum {
	D_HEADER = 1, D_STEPS = 2, D_PANEL = 4, D_CAPTURE = 8, D_KEYS = 16, D_BODY = 32,
	D_ALL = 63,
};

enum { PAIR_OK = 1, PAIR_FAIL, PAIR_WARN, PAIR_RUN, PAIR_CMD };

#define CTRL(c) ((c) & 0x1f)

struct wizard {
	const struct options *opt;
	const struct assets *assets;
	struct engine *eng;
	const struct report *rep;

	enum view view, help_from;
	int cur;                    /* the step shown */
	int running;                /* the step the engine runs, or -1 */
	size_t *pkt_first;          /* where each step's latest run's packets may start */
	size_t *pkt_after;          /* packets there were when each step last ended */
	uint64_t *wait_ms;          /* how long each step said it would wait for an answer */
	int scroll;                 /* first line shown of the panel or the body */
	struct lines text;          /* the panel's or the body's lines */
	size_t teach_at;            /* the panel's line where what we check and why start */

	struct layout lay;
	WINDOW *w_header, *w_steps, *w_pbar, *w_panel, *w_cbar, *w_cap, *w_keys, *w_body;
	unsigned dirty;
	bool color, ascii, fine;
	bool brief;                 /* a slow line: panels open on their brief view */
	int paint_gap_ms;           /* the least time between two paints */
	uint64_t last_paint;
	uint64_t last_tick;         /* when the countdown was last drawn */
	uint64_t hold_until;        /* no paint before this while the step asked for starts */
	char message[800];          /* said once on the key line */

	struct strv messages;       /* what reached stderr while we ran */

	/* the save prompt on the key line */
	bool prompting;             /* the key line asks for a file name */
	bool confirm_overwrite;     /* ... or whether to replace it */
	char path[512];
	size_t path_len;

	/* the start screen */
	enum side start_side;
	bool start_focus_field;
	char input[TARGET_MAX_ARG + 1];
	size_t input_len;
	char start_error[300];

	bool verdict_shown;         /* the verdict screen was seen */
	int guess_at;               /* the practice lab: the choice the cursor is on */
	bool guessed;               /* ... and one was picked */
	bool want_verdict;          /* Enter came before the verdict was ready */
	bool quit;
	int signal_status;          /* 128+N when a signal ended the wizard */

	/* the fix plan: f on the verdict screen shows it, y applies the next
	 * action, u undoes every applied one */
	bool fix_made;
	struct fix_plan fix;
	struct fix_log *fix_logs;   /* one per action of fix */
	size_t fix_next;            /* the action y applies next */
	char *fix_before;           /* the cause the plan was made for */
	bool fix_rechecked;         /* the diagnosis ran again after the last action */
};

static void set_view(struct wizard *w, enum view v);

bool wizard_possible(void)
{
	return term_can_address();
}

/* ---- what the engine tells ---------------------------------------------- */

/* Whether every step has run and the verdict that followed is in. */
static bool diagnosis_complete(const struct wizard *w)
{
	return w->eng != NULL && engine_walk_complete(w->eng);
}

static void on_event(void *ctx, const struct engine_event *ev, const struct report *rep)
{
	struct wizard *w = ctx;
	int i = ev->step;

	switch (ev->kind) {
	case EV_STEP_STARTED:
		if (w->running != i) {
			/* a run (again): its packets (report_packet.step) are those
			 * after the last run's end; engine_dispatch() may have handed
			 * over the first ones already */
			w->running = i;
			w->pkt_first[i] = w->pkt_after[i];
			w->wait_ms[i] = 0;
		}
		if (rep->steps[i].wait_ms)
			w->wait_ms[i] = rep->steps[i].wait_ms;
		w->dirty |= D_STEPS | (i == w->cur ? D_PANEL | D_CAPTURE : 0);
		break;
	case EV_EVIDENCE:
		if (i == w->cur)
			w->dirty |= D_PANEL;
		break;
	case EV_PACKET:
		if (i >= 0 && (size_t)i < rep->capture.npackets && rep->capture.packets[i].step == w->cur)
			w->dirty |= D_CAPTURE;
		break;
	case EV_STEP_FINISHED: {
		const struct report_step *s = &rep->steps[i];

		w->running = -1;
		w->pkt_after[i] = rep->capture.npackets;
		if (w->wait_ms[i] == 0)
			w->wait_ms[i] = s->duration_ms;
		w->dirty |= D_STEPS | D_HEADER | D_KEYS | (i == w->cur ? D_PANEL | D_CAPTURE : 0);
		break;
	}
	case EV_TARGET:
	case EV_CAPTURE:
		w->dirty |= D_HEADER | D_CAPTURE;
		break;
	case EV_VERDICT:
	case EV_DONE:
		w->dirty |= D_KEYS | D_HEADER;
		if (w->view == V_VERDICT || w->view == V_FIX)
			w->dirty |= D_BODY;
		if (ev->kind == EV_DONE && w->want_verdict && w->view == V_STEPS &&
		    diagnosis_complete(w)) {
			w->want_verdict = false;
			w->message[0] = '\0';
			set_view(w, V_VERDICT);
		}
		break;
	case EV_FAILED:
		snprintf(w->message, sizeof(w->message), "the diagnosis cannot run: Enter shows why");
		w->dirty |= D_KEYS | D_STEPS | D_PANEL;
		break;
	}
}

/* Starts the engine for target t; on failure says why on the start screen. */
static int wizard_start_engine(struct wizard *w, const struct target *t, enum side side)
{
	struct engine_config cfg = {
		.target = *t,
		.side = side,
		.assets = w->assets,
		.interface = w->opt->interface,
		.no_capture = w->opt->no_capture,
		.replay_file = w->opt->replay,
		.sshd_config = w->opt->sshd_config,
		.from = w->opt->from.n > 0 ? &w->opt->from : NULL,
		/* at the console: "try ssh now from the client; I am watching" */
		.watch_seconds = w->opt->watch >= 0 ? w->opt->watch : w->opt->from.n > 0 ? 0 : 60,
		/* the client side gives up its privileges once its capture and
		 * raw sockets are open (one diagnosis per wizard) */
		.least_privilege = !w->opt->practice && !w->opt->keep_privileges && !w->opt->fix,
		.icmp_fds = {-1, -1},
	};
	struct strbuf err;

	strbuf_init(&err);
	w->eng = engine_new(&cfg, &err);
	if (w->eng == NULL) {
		snprintf(w->start_error, sizeof(w->start_error), "cannot start: %s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	w->rep = engine_report(w->eng);
	w->pkt_first = xcalloc(w->rep->nsteps, sizeof(*w->pkt_first));
	w->pkt_after = xcalloc(w->rep->nsteps, sizeof(*w->pkt_after));
	w->wait_ms = xcalloc(w->rep->nsteps, sizeof(*w->wait_ms));
	engine_subscribe(w->eng, on_event, w);
	w->cur = 0;
	w->scroll = 0;
	w->view = V_STEPS;
	w->running = -1;
	engine_walk_start(w->eng);
	return 0;
}

/* ---- drawing ------------------------------------------------------------ */

static chtype hline_char(const struct wizard *w)
{
	return w->ascii ? '-' : ACS_HLINE;
}

static attr_t kind_attr(const struct wizard *w, enum line_kind k)
{
	switch (k) {
	case LK_HEADING: return A_BOLD;
	case LK_COMMAND: return A_BOLD | (w->color ? COLOR_PAIR(PAIR_CMD) : 0);
	case LK_OK: return w->color ? COLOR_PAIR(PAIR_OK) : A_NORMAL;
	case LK_FAIL: return A_BOLD | (w->color ? COLOR_PAIR(PAIR_FAIL) : 0);
	case LK_WARN: return A_BOLD | (w->color ? COLOR_PAIR(PAIR_WARN) : 0);
	case LK_RUN: return w->color ? COLOR_PAIR(PAIR_RUN) : A_NORMAL;
	case LK_SKIP: case LK_TEXT: return A_NORMAL;
	}
	return A_NORMAL;
}

/* Writes s clipped to the columns left on the line; never the very last
 * cell of the screen, which would scroll some terminals. */
static void put_clipped(WINDOW *win, int y, int x, const char *s, attr_t a)
{
	char buf[1024];
	int maxx = getmaxx(win), width = maxx - x;
	int begy, begx;

	getbegyx(win, begy, begx);
	if (begy + y == LINES - 1 && begx + maxx == COLS)
		width--;
	if (width <= 0)
		return;
	layout_clip(buf, sizeof(buf), s, width);
	wattrset(win, a);
	mvwaddstr(win, y, x, buf);
	wattrset(win, A_NORMAL);
}

/* A line whose status tag ("[FAIL]") carries the colour and the rest not. */
static void put_status_line(struct wizard *w, WINDOW *win, int y, int x, const char *s,
			    enum line_kind k, attr_t extra)
{
	if (k != LK_TEXT && s[0] == '[' && strlen(s) >= 6) {
		char tag[7];

		memcpy(tag, s, 6);
		tag[6] = '\0';
		put_clipped(win, y, x, tag, kind_attr(w, k) | extra);
		put_clipped(win, y, x + 6, s + 6, extra);
	} else {
		put_clipped(win, y, x, s, kind_attr(w, k) | extra);
	}
}

/* A separator line with a title: "-- title ------------". */
static void draw_bar(struct wizard *w, WINDOW *win, const char *title, const char *right)
{
	int width = getmaxx(win);

	werase(win);
	mvwhline(win, 0, 0, hline_char(w), width);
	if (title && title[0]) {
		char buf[512];

		snprintf(buf, sizeof(buf), " %s ", title);
		/* on a slow line a bold title costs its attributes at every step */
		put_clipped(win, 0, 2, buf, w->brief ? A_NORMAL : A_BOLD);
	}
	if (right && right[0]) {
		int x = width - layout_width(right) - 4;

		if (x > 2 + (title ? layout_width(title) + 3 : 0)) {
			char buf[128];

			snprintf(buf, sizeof(buf), " %s ", right);
			put_clipped(win, 0, x, buf, A_NORMAL);
		}
	}
	wnoutrefresh(win);
}

/* Draws the lines of text from w->scroll up to end into win. */
static void draw_text(struct wizard *w, WINDOW *win, size_t end)
{
	int h = getmaxy(win);

	if (end > w->text.n)
		end = w->text.n;
	werase(win);
	for (int r = 0; r < h && (size_t)(w->scroll + r) < end; r++) {
		size_t i = (size_t)(w->scroll + r);

		put_status_line(w, win, r, 0, w->text.v[i], (enum line_kind)w->text.kind[i], 0);
	}
	wnoutrefresh(win);
}

static void draw_header(struct wizard *w)
{
	char buf[512], right[64];
	const struct report *rep = w->rep;

	if (w->w_header == NULL)
		return;
	if (rep == NULL) {
		snprintf(buf, sizeof(buf), "ssh-doctor %s: why can't ssh connect?", SSHD_VERSION);
		right[0] = '\0';
	} else {
		int n = snprintf(buf, sizeof(buf), "ssh-doctor: %s side", side_name(rep->side));

		if (rep->host)
			snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s%s%s port %d",
				 rep->user ? rep->user : "", rep->user ? "@" : "", rep->host, rep->port);
		snprintf(right, sizeof(right), "%s", diagnosis_complete(w) && w->view == V_STEPS
			 ? "the verdict is ready" : "");
	}
	werase(w->w_header);
	put_clipped(w->w_header, 0, 0, buf, A_BOLD);
	if (right[0] && COLS - (int)strlen(right) - 1 > layout_width(buf) + 2)
		put_clipped(w->w_header, 0, COLS - (int)strlen(right) - 1, right, A_NORMAL);
	wnoutrefresh(w->w_header);
}

static const char *keys_text(const struct wizard *w)
{
	switch (w->view) {
	case V_START:
		return w->start_focus_field ? "Enter start  Tab: side  Backspace, Ctrl-U erase  Ctrl-C quit"
					    : "c client  s server  Enter start  Tab: target  ? help  q quit";
	case V_STEPS:
		return "Enter/n next  b back  r again  w why  d details  ? help  s save  q quit";
	case V_DETAILS:
		return "arrows, PgUp/PgDn (Space, u) scroll  d or b back  ? help  q quit";
	case V_VERDICT:
		if (w->opt->lab && w->opt->lab->console_key)
			return "arrows scroll  b steps  d details  g the server's console  ? help  q quit";
		if (w->opt->lab)
			return "arrows, PgUp/PgDn (Space, u) scroll  b steps  d details  s save  ? help  q quit";
		return "arrows, PgUp/PgDn (Space, u) scroll  b steps  d details  f fix  s save  ? help  q quit";
	case V_HELP:
		if (w->assets->lab_map)
			return "arrows, PgUp/PgDn (Space, u) scroll  m map  ? or b back  q quit";
		return "arrows, PgUp/PgDn (Space, u) scroll  ? or b back  q quit";
	case V_GUESS:
		return "a letter, or arrows and Enter: your answer  b steps  ? help  q quit";
	case V_MAP:
		return "m or b back  q quit";
	case V_FIX:
		if (w->fix.refused || w->fix.n == 0)
			return "arrows scroll  b the verdict  s save  q quit";
		if (w->fix_next < w->fix.n)
			return "y apply the next action  u undo what was applied  b the verdict  s save  q quit";
		return "u undo every action  b the verdict  s save  q quit";
	}
	return "q quit";
}

static void draw_keys(struct wizard *w)
{
	werase(w->w_keys);
	if (w->prompting) {
		char buf[700];
		int room = getmaxx(w->w_keys) - 40;
		const char *p = w->path;

		while (room > 8 && layout_width(p) > room)
			p++;
		snprintf(buf, sizeof(buf), "save to (.json: JSON; Tab cancels): %s_", p);
		put_clipped(w->w_keys, 0, 0, buf, A_BOLD);
	} else if (w->confirm_overwrite) {
		char buf[700];

		snprintf(buf, sizeof(buf), "'%s' exists: o overwrites it, other keys keep it", w->path);
		put_clipped(w->w_keys, 0, 0, buf, A_BOLD);
	} else if (w->message[0])
		put_clipped(w->w_keys, 0, 0, w->message, A_BOLD);
	else if (w->lay.too_small)
		put_clipped(w->w_keys, 0, 0, "q quit", A_NORMAL);
	else
		put_clipped(w->w_keys, 0, 0, keys_text(w), A_NORMAL);
	wnoutrefresh(w->w_keys);
}

static void draw_steps(struct wizard *w)
{
	int h = getmaxy(w->w_steps), width = getmaxx(w->w_steps);
	int n = (int)w->rep->nsteps, top = 0;
	/* on a slow line the list is titles and status only: the panel below
	 * gives the result of the step shown, and each summary would be sent
	 * twice */
	int title_w = w->brief ? width - 2 - 7 : layout_title_width(w->rep, width - 2);
	uint64_t now = now_ms();

	if (n > h) {
		top = w->cur - h / 2;
		if (top > n - h)
			top = n - h;
		if (top < 0)
			top = 0;
	}
	werase(w->w_steps);
	for (int r = 0; r < h && top + r < n; r++) {
		const struct report_step *s = &w->rep->steps[top + r];
		bool here = top + r == w->cur;
		char line[512];

		layout_step_line(line, sizeof(line), s, width - 2, title_w, now, w->fine);
		put_clipped(w->w_steps, r, 0, here ? ">" : " ",
			    here && !w->brief ? A_BOLD : A_NORMAL);
		/* the marker alone shows where we are: a highlighted line would
		 * be sent twice over the wire at every step change */
		put_status_line(w, w->w_steps, r, 1, line, layout_status_kind(s->status), A_NORMAL);
	}
	wnoutrefresh(w->w_steps);
}

static void build_panel(struct wizard *w, int width)
{
	lines_reset(&w->text);
	w->teach_at = layout_step_panel(&w->text, &w->rep->steps[w->cur],
					w->brief ? PANEL_BRIEF : PANEL_FULL, width, now_ms(), w->fine);
}

/* Keeps scroll inside the text for a window of h rows; it may reach
 * line top even when that leaves rows empty. */
static void clamp_scroll(struct wizard *w, int h, size_t top)
{
	int max = (int)w->text.n - h;

	if (top < w->text.n && max < (int)top)
		max = (int)top;

	if (w->scroll > max)
		w->scroll = max;
	if (w->scroll < 0)
		w->scroll = 0;
}

static void draw_panel(struct wizard *w)
{
	int h = getmaxy(w->w_panel);
	char title[64], more[32];

	build_panel(w, getmaxx(w->w_panel) - 1);
	/* the rest of a brief view starts at the top of the panel */
	clamp_scroll(w, h, w->brief ? w->teach_at : 0);
	/* the title is on the marked line of the list just above */
	snprintf(title, sizeof(title), "Step %d of %zu", w->cur + 1, w->rep->nsteps);
	more[0] = '\0';
	if (w->brief && (size_t)w->scroll < w->teach_at && w->teach_at < w->text.n)
		snprintf(more, sizeof(more), "w: %s", strcmp(w->text.v[w->teach_at], "What it means") == 0
			 ? "what it means, why" : "what we check, why");
	else if ((size_t)(w->scroll + h) < w->text.n)
		snprintf(more, sizeof(more), "more: PgDn");
	else if (w->scroll > 0)
		snprintf(more, sizeof(more), "PgUp: top");
	draw_bar(w, w->w_pbar, title, more);
	/* the brief view ends where the rest begins: w or PgDn shows it */
	draw_text(w, w->w_panel, w->brief && (size_t)w->scroll < w->teach_at ? w->teach_at
		  : w->text.n);
}

static void draw_capture(struct wizard *w)
{
	const struct report *rep = w->rep;
	const struct report_capture *cap = &rep->capture;
	int h = getmaxy(w->w_cap), width = getmaxx(w->w_cap);
	size_t n;
	struct report_packet *pk = layout_step_packets(rep, w->cur, w->pkt_first[w->cur], &n);
	struct lines pl;
	char title[200], line[512], more[64];
	int64_t last_out = -1;
	bool have_out = false;

	if (cap->available && cap->interface)
		snprintf(title, sizeof(title), "Packets on %s", cap->interface);
	else if (cap->available)
		snprintf(title, sizeof(title), "Packets");
	else
		snprintf(title, sizeof(title), "Packets: no capture");
	more[0] = '\0';

	lines_init(&pl);
	if (!cap->available) {
		lines_wrap(&pl, LK_TEXT, "", cap->reason ? cap->reason : "the capture is off", width - 1);
	} else if (n == 0) {
		enum step_status st = rep->steps[w->cur].status;

		lines_add(&pl, LK_TEXT, st == STEP_PENDING ? "(this step has not run)"
			  : st == STEP_RUNNING ? "(none yet)" : "(no packets in this step)");
	}
	for (size_t i = 0; cap->available && i < n; i++) {
		const struct report_packet *p = &pk[i];

		layout_packet_line(line, sizeof(line), p, have_out ? p->t_us - last_out : -1,
				   width - 1);
		if (p->outbound) {
			last_out = p->t_us;
			have_out = true;
		}
		lines_add(&pl, LK_TEXT, line);
		/* a finished step's SYN that nothing answered: say so under it */
		if (w->running != w->cur && layout_syn_unanswered(pk, 0, i, n)) {
			layout_silence_line(line, sizeof(line), w->wait_ms[w->cur], width - 1);
			lines_add(&pl, LK_WARN, line);
		}
	}
	werase(w->w_cap);
	{
		/* a running step's pane follows its newest packet; a finished one
		 * shows its first exchange, and the details view shows them all */
		size_t top = 0;

		if (w->running == w->cur && pl.n > (size_t)h)
			top = pl.n - (size_t)h;
		for (size_t i = top; i < pl.n && i < top + (size_t)h; i++)
			put_clipped(w->w_cap, (int)(i - top), 0, pl.v[i],
				    pl.kind[i] == LK_WARN ? A_BOLD : A_NORMAL);
		if (pl.n > (size_t)h)
			snprintf(more, sizeof(more), "%zu lines: d shows all", pl.n);
	}
	draw_bar(w, w->w_cbar, title, more);
	wnoutrefresh(w->w_cap);
	lines_release(&pl);
	free(pk);
}

/* The start screen: which side, which target, validated as it is typed. */
static void build_start(struct wizard *w, int width)
{
	struct target t;
	char buf[TARGET_MAX_ARG + 64];
	int rc;

	lines_reset(&w->text);
	lines_add(&w->text, LK_TEXT, "");
	lines_add(&w->text, LK_HEADING, "Where are you?");
	snprintf(buf, sizeof(buf), "  (%c) c: on the machine that cannot connect (the client)",
		 w->start_side == SIDE_CLIENT ? '*' : ' ');
	lines_add(&w->text, LK_TEXT, buf);
	snprintf(buf, sizeof(buf), "  (%c) s: on the server itself, over its console",
		 w->start_side == SIDE_SERVER ? '*' : ' ');
	lines_add(&w->text, LK_TEXT, buf);
	lines_add(&w->text, LK_TEXT, "");
	lines_add(&w->text, LK_HEADING, w->start_side == SIDE_CLIENT
		  ? "Which host can you not reach? (or paste the ssh error line whole)"
		  : "The address clients use (optional: Enter to examine this machine)");
	{
		int room = width - 6;
		const char *in = w->input;
		size_t len = w->input_len;

		/* show the end of a long input, where the typing happens */
		while (layout_width(in) > room - 1 && len > 0) {
			in++;
			len--;
		}
		snprintf(buf, sizeof(buf), "  %s %s%s", w->start_focus_field ? ">" : " ", in,
			 w->start_focus_field ? "_" : "");
		lines_add(&w->text, w->start_focus_field ? LK_COMMAND : LK_TEXT, buf);
	}
	lines_add(&w->text, LK_TEXT, "");
	target_init(&t);
	if (w->input_len == 0) {
		lines_wrap(&w->text, LK_TEXT, "  ", w->start_side == SIDE_CLIENT
			   ? "e.g. 192.0.2.2, admin@example.com:2222, or "
			     "ssh: connect to host example.com port 22: Connection refused"
			   : "Enter examines this machine as the SSH server.", width);
	} else if ((rc = target_parse(&t, w->input)) != TARGET_OK) {
		snprintf(buf, sizeof(buf), "[FAIL] %s", target_strerror(rc));
		lines_wrap(&w->text, LK_FAIL, "  ", buf, width);
	} else if (t.host == NULL) {
		snprintf(buf, sizeof(buf), "[WARN] %s", target_host_hint(&t));
		lines_wrap(&w->text, LK_WARN, "  ", buf, width);
	} else {
		snprintf(buf, sizeof(buf), "[ OK ] host %s%s%s, port %d%s%s", t.user ? t.user : "",
			 t.user ? "@" : "", t.host, t.port, t.symptom != SYMPTOM_NONE ? "; ssh said: " : "",
			 symptom_words(t.symptom));
		lines_wrap(&w->text, LK_OK, "  ", buf, width);
	}
	target_release(&t);
	if (w->start_error[0]) {
		lines_add(&w->text, LK_TEXT, "");
		lines_wrap(&w->text, LK_FAIL, "  ", w->start_error, width);
	}
}

/* The letters of the choices: none that moves, goes back or quits. */
static const char guess_letters[] = "acdefghilmnoprstvwxyz";

/* The practice lab: which cause does the learner think it is? */
static void build_guess(struct wizard *w, int width)
{
	const struct wizard_lab *lab = w->opt->lab;

	lines_wrap(&w->text, LK_HEADING, "", "Before the verdict: what do you think the cause is?", width);
	lines_wrap(&w->text, LK_TEXT, "", "Every step has run. Pick the cause the evidence points to "
		   "(b goes back to the steps to look again).", width);
	lines_add(&w->text, LK_TEXT, "");
	for (size_t i = 0; i < lab->choices->n && i < sizeof(guess_letters) - 1; i++) {
		const struct asset_doc *d = assets_cause(w->assets, lab->choices->v[i]);
		char line[200];

		snprintf(line, sizeof(line), "%s %c) %s", (int)i == w->guess_at ? ">" : " ",
			 guess_letters[i], d ? asset_doc_get(d, "title") : lab->choices->v[i]);
		lines_add(&w->text, (int)i == w->guess_at ? LK_COMMAND : LK_TEXT, line);
	}
}

static void build_map(struct wizard *w)
{
	char *copy = xstrdup(w->assets->lab_map), *pos = copy, *l;

	while ((l = str_next_line(&pos)) != NULL)
		lines_add(&w->text, LK_TEXT, l);
	free(copy);
}

/* The practice lab: the guess against the verdict, and what decides. */
static void build_guess_result(struct wizard *w, int width)
{
	const struct wizard_lab *lab = w->opt->lab;
	const struct asset_doc *g = assets_cause(w->assets, lab->guess);
	const struct asset_doc *f = assets_cause(w->assets, lab->found);
	char buf[400];

	if (lab->right)
		snprintf(buf, sizeof(buf), "[ OK ] You said: %s. Right.", g ? asset_doc_get(g, "title") : lab->guess);
	else
		snprintf(buf, sizeof(buf), "[FAIL] You said: %s. The evidence says: %s.",
			 g ? asset_doc_get(g, "title") : lab->guess, f ? asset_doc_get(f, "title") : lab->found);
	lines_wrap(&w->text, lab->right ? LK_OK : LK_FAIL, "", buf, width);
	if (w->rep->verdict.evidence.n > 0) {
		lines_wrap(&w->text, LK_TEXT, "", "What decides it:", width);
		for (size_t i = 0; i < w->rep->verdict.evidence.n && i < 4; i++)
			lines_wrap(&w->text, LK_TEXT, "  - ", w->rep->verdict.evidence.v[i], width);
	}
	lines_add(&w->text, LK_TEXT, "");
}

static enum line_kind fix_kind(const struct fix_record *r)
{
	if (r == NULL || r->result == NULL)
		return LK_TEXT;
	if (strcmp(r->result, "applied") == 0)
		return LK_OK;
	if (strcmp(r->result, "undone") == 0 || strcmp(r->result, "rolled back") == 0 ||
	    strcmp(r->result, "declined") == 0)
		return LK_WARN;
	return LK_FAIL;
}

static void build_fix(struct wizard *w, int width)
{
	const struct fix_plan *p = &w->fix;
	char buf[1200];

	snprintf(buf, sizeof(buf), "The fix plan for %s, on this machine (the %s)", p->cause, p->on);
	lines_wrap(&w->text, LK_HEADING, "", buf, width);
	lines_add(&w->text, LK_TEXT, "");
	if (p->refused || p->n == 0) {
		lines_wrap(&w->text, LK_WARN, "", "[WARN] no plan: nothing will be changed.", width);
		lines_wrap(&w->text, LK_TEXT, "  ", p->why ? p->why : "", width);
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct fix_action *a = &p->v[i];
		const struct fix_record *r = w->fix_logs && w->fix_logs[i].n ? &w->fix_logs[i].v[0] : NULL;
		char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);
		const char *tag = r == NULL ? (i == w->fix_next ? "[NEXT]" : "[    ]") :
				  fix_kind(r) == LK_OK ? "[ OK ]" : fix_kind(r) == LK_WARN ? "[UNDO]" : "[FAIL]";

		snprintf(buf, sizeof(buf), "%s %zu. %s", tag, i + 1, a->title);
		lines_wrap(&w->text, r ? fix_kind(r) : LK_TEXT, "", buf, width);
		lines_wrap(&w->text, LK_COMMAND, "       ", cmd, width);
		free(cmd);
		if (a->kind == FIX_EDIT && a->diff) {
			char *copy = xstrdup(a->diff), *pos = copy, *line;

			while ((line = str_next_line(&pos)) != NULL)
				lines_wrap(&w->text, LK_TEXT, "       ", line, width);
			free(copy);
		}
		snprintf(buf, sizeof(buf), "owned by %s; survives a reboot: %s%s%s; undo: %s", a->owner,
			 a->persistent ? "yes" : "no", a->persist_note ? " - " : "", a->persist_note ? a->persist_note : "",
			 r && r->undo ? r->undo : a->undo_text ? a->undo_text : "");
		lines_wrap(&w->text, LK_TEXT, "       ", buf, width);
		if (a->check) {
			snprintf(buf, sizeof(buf), "check: %s", a->check);
			lines_wrap(&w->text, LK_TEXT, "       ", buf, width);
		}
		if (r && r->result) {
			snprintf(buf, sizeof(buf), "%s%s%s%s%s", r->result, r->note ? ": " : "", r->note ? r->note : "",
				 r->backup ? "; backup: " : "", r->backup ? r->backup : "");
			lines_wrap(&w->text, fix_kind(r), "       ", buf, width);
		}
		if (r && r->output)
			lines_wrap(&w->text, LK_TEXT, "       > ", r->output, width);
	}
	lines_add(&w->text, LK_TEXT, "");
	snprintf(buf, sizeof(buf), "check: %s", p->check ? p->check : "");
	lines_wrap(&w->text, LK_TEXT, "", buf, width);
	if (w->fix_next >= p->n && w->fix_rechecked && w->rep->has_verdict) {
		snprintf(buf, sizeof(buf), "before: %s    after: %s", w->fix_before ? w->fix_before : "?",
			 diagnosis_complete(w) ? w->rep->verdict.cause : "(the diagnosis runs again)");
		lines_wrap(&w->text, strcmp(w->rep->verdict.cause, "ok") == 0 ? LK_OK : LK_WARN, "", buf, width);
		if (diagnosis_complete(w) && strcmp(w->rep->verdict.cause, "ok") != 0)
			lines_wrap(&w->text, LK_WARN, "", "SSH still does not answer: u undoes every action of the plan.", width);
	}
}

static void build_body(struct wizard *w, int width)
{
	lines_reset(&w->text);
	switch (w->view) {
	case V_START:
		build_start(w, width);
		break;
	case V_DETAILS:
		layout_details(&w->text, w->rep, w->cur, w->pkt_first[w->cur],
			       &w->messages, width);
		break;
	case V_VERDICT: {
		const struct asset_doc *d = w->rep->has_verdict
			? assets_cause(w->assets, w->rep->verdict.cause) : NULL;

		if (w->opt->lab && w->guessed)
			build_guess_result(w, width);
		layout_verdict(&w->text, w->rep, w->rep->verdict.title ? w->rep->verdict.title
			       : d ? asset_doc_get(d, "title") : NULL, width);
		if (!diagnosis_complete(w) && !w->rep->failed)
			lines_wrap(&w->text, LK_RUN, "", "[ .. ] a step is still running: this "
				   "verdict may change", width);
		break;
	}
	case V_HELP:
		layout_help(&w->text, &w->assets->glossary, width);
		if (w->assets->lab_map) {
			lines_add(&w->text, LK_TEXT, "");
			lines_wrap(&w->text, LK_TEXT, "", "m shows a map of the whole flow on one "
				   "screen: which answer leads to which cause.", width);
		}
		break;
	case V_GUESS:
		build_guess(w, width);
		break;
	case V_MAP:
		build_map(w);
		break;
	case V_FIX:
		build_fix(w, width);
		break;
	case V_STEPS:
		break;
	}
}

static void draw_body(struct wizard *w)
{
	build_body(w, getmaxx(w->w_body) - 1);
	clamp_scroll(w, getmaxy(w->w_body), 0);
	draw_text(w, w->w_body, w->text.n);
}

static void draw_too_small(struct wizard *w)
{
	lines_reset(&w->text);
	layout_too_small(&w->text, COLS, LINES, getmaxx(w->w_body) - 1);
	w->scroll = 0;
	draw_text(w, w->w_body, w->text.n);
}

static void free_windows(struct wizard *w)
{
	WINDOW **all[] = {&w->w_header, &w->w_steps, &w->w_pbar, &w->w_panel, &w->w_cbar,
			  &w->w_cap, &w->w_keys, &w->w_body};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i] != NULL)
			delwin(*all[i]);
		*all[i] = NULL;
	}
}

static WINDOW *win_at(const struct rect *r)
{
	return r->h > 0 && r->w > 0 ? newwin(r->h, r->w, r->y, r->x) : NULL;
}

/* Places the windows for the screen's size and the current view. */
static void make_windows(struct wizard *w)
{
	free_windows(w);
	layout_compute(&w->lay, COLS, LINES, w->rep ? (int)w->rep->nsteps : 1);
	w->w_keys = win_at(&w->lay.keys);
	w->w_body = win_at(&w->lay.body);
	w->dirty = D_ALL;
	if (w->lay.too_small)
		return;
	w->w_header = win_at(&w->lay.header);
	if (w->view == V_STEPS) {
		delwin(w->w_body);
		w->w_body = NULL;
		w->w_steps = win_at(&w->lay.steps);
		w->w_pbar = win_at(&w->lay.panel_bar);
		w->w_panel = win_at(&w->lay.panel);
		w->w_cbar = win_at(&w->lay.capture_bar);
		w->w_cap = win_at(&w->lay.capture);
		/* the capture pane scrolls one line a packet: let ncurses use the
		 * terminal's scrolling instead of rewriting the pane */
		if (w->w_cap)
			idlok(w->w_cap, TRUE);
	}
	w->dirty = D_ALL;
}

static void set_view(struct wizard *w, enum view v)
{
	bool relayout;

	/* the practice lab asks for the learner's answer first */
	if (v == V_VERDICT && w->opt->lab && !w->guessed && w->rep && !w->rep->failed &&
	    w->opt->lab->choices && w->opt->lab->choices->n > 0)
		v = V_GUESS;
	relayout = (v == V_STEPS) != (w->view == V_STEPS);
	w->view = v;
	w->scroll = 0;
	if (v == V_VERDICT)
		w->verdict_shown = true;
	if (v == V_VERDICT && w->opt->fix && !w->fix_made && !w->opt->lab)
		snprintf(w->message, sizeof(w->message), "--fix: f shows the fix plan for this verdict, y applies it");
	if (relayout)
		make_windows(w);
	w->dirty = D_ALL;
}

static void paint(struct wizard *w)
{
	if (w->lay.too_small) {
		if (w->dirty & ~D_KEYS)
			draw_too_small(w);
		draw_keys(w);
	} else {
		if (w->dirty & D_HEADER)
			draw_header(w);
		if (w->view == V_STEPS) {
			if (w->dirty & D_STEPS)
				draw_steps(w);
			if (w->dirty & D_PANEL)
				draw_panel(w);
			if (w->dirty & D_CAPTURE)
				draw_capture(w);
		} else if (w->dirty & (D_BODY | D_PANEL | D_STEPS)) {
			draw_body(w);
		}
		if (w->dirty & D_KEYS)
			draw_keys(w);
	}
	doupdate();
	w->dirty = 0;
	w->last_paint = now_ms();
}

/* ---- keys --------------------------------------------------------------- */

static void say(struct wizard *w, const char *msg)
{
	snprintf(w->message, sizeof(w->message), "%s", msg);
	w->dirty |= D_KEYS;
}

/* A step was asked for: paint once it has started, not once before and
 * once after; on a slow line, once it has finished when that is soon, as
 * the panel of a running step is mostly sent again with its result. */
static void hold_paint(struct wizard *w)
{
	w->hold_until = now_ms() + (w->brief ? 300 : 30);
}

/* Whether the next paint waits for the step asked for (see hold_paint). */
static bool paint_held(const struct wizard *w, uint64_t now)
{
	enum step_status st;

	if (now >= w->hold_until || w->rep == NULL || w->view != V_STEPS)
		return false;
	st = w->rep->steps[w->cur].status;
	if (st != STEP_PENDING && st != STEP_RUNNING)
		return false;   /* it is done: show it */
	return w->running != w->cur || w->brief;
}

static void go_step(struct wizard *w, int i)
{
	w->want_verdict = false;
	w->cur = i;
	w->scroll = 0;
	w->dirty |= D_STEPS | D_PANEL | D_CAPTURE | D_HEADER;
}

static void key_next(struct wizard *w)
{
	switch (engine_walk_next(w->eng)) {
	case WALK_FAILED:
	case WALK_VERDICT:
		set_view(w, V_VERDICT);
		break;
	case WALK_STILL_RUNNING:
		say(w, "this step is still running: wait for its result (q quits)");
		break;
	case WALK_RUNS:
		go_step(w, engine_walk_cur(w->eng));
		hold_paint(w);
		break;
	case WALK_VERDICT_PENDING:
		/* shown by itself as soon as the engine is done */
		say(w, "the verdict is being worked out: a moment");
		w->want_verdict = true;
		break;
	default:
		go_step(w, engine_walk_cur(w->eng));
		break;
	}
}

/* Writes the report to w->path; says how it went on the key line. */
static void save_now(struct wizard *w, bool overwrite)
{
	struct strbuf err;
	int rc;

	struct report_fix fx = {0};

	/* once the plan was shown, the report says what became of it */
	if (w->fix_made) {
		fx.plan = &w->fix;
		fx.logs = w->fix_logs;
		fx.nlogs = w->fix.n;
		fx.before_cause = w->fix_before;
		fx.after_cause = w->fix_rechecked && w->rep->has_verdict ? w->rep->verdict.cause : NULL;
	}
	strbuf_init(&err);
	rc = save_report_fix(w->rep, &fx, w->path, save_format_for_path(w->path), 80, overwrite, &err);
	if (rc == SAVE_ERR_EXISTS) {
		w->confirm_overwrite = true;
	} else if (rc == 0) {
		char *p = printable(w->path, strlen(w->path), true);

		snprintf(w->message, sizeof(w->message), "saved the %s report to '%s'",
			 save_format_for_path(w->path) == SAVE_JSON ? "JSON" : "text", p);
		free(p);
	} else {
		snprintf(w->message, sizeof(w->message), "%s", err.buf);
	}
	strbuf_release(&err);
	w->dirty |= D_KEYS;
}

static void key_save(struct wizard *w)
{
	char *p = save_default_path(w->rep, SAVE_TEXT);

	snprintf(w->path, sizeof(w->path), "%s", p);
	w->path_len = strlen(w->path);
	free(p);
	w->prompting = true;
	w->dirty |= D_KEYS;
}

/* A key while the key line asks for a file name or a confirmation. */
static void prompt_key(struct wizard *w, int ch)
{
	w->dirty |= D_KEYS;
	if (w->confirm_overwrite) {
		w->confirm_overwrite = false;
		if (ch == 'o' || ch == 'O')
			save_now(w, true);
		else
			snprintf(w->message, sizeof(w->message), "not saved: '%s' is left as it was",
				 w->path);
		return;
	}
	if (ch == '\t' || ch == 27 || ch == CTRL('G')) {
		w->prompting = false;
		snprintf(w->message, sizeof(w->message), "not saved");
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		w->prompting = false;
		if (w->path_len)
			save_now(w, false);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('H')) {
		if (w->path_len)
			w->path[--w->path_len] = '\0';
	} else if (ch == CTRL('U')) {
		w->path_len = 0;
		w->path[0] = '\0';
	} else if (ch >= 0x20 && ch < 0x7f && w->path_len + 1 < sizeof(w->path)) {
		w->path[w->path_len++] = (char)ch;
		w->path[w->path_len] = '\0';
	}
}

/* Scrolls the panel or the body by n lines. */
static void scroll_by(struct wizard *w, int n)
{
	int was = w->scroll;

	w->scroll += n;
	/* a page down from the brief view starts where the rest does */
	if (w->view == V_STEPS && w->brief && (size_t)was < w->teach_at &&
	    (size_t)w->scroll > w->teach_at)
		w->scroll = (int)w->teach_at;
	if (w->scroll < 0)
		w->scroll = 0;
	w->dirty |= w->view == V_STEPS ? D_PANEL : D_BODY;
}

static int page_rows(const struct wizard *w)
{
	WINDOW *win = w->view == V_STEPS ? w->w_panel : w->w_body;
	int h = win ? getmaxy(win) : 1;

	return h > 2 ? h - 1 : 1;
}

static bool key_scroll(struct wizard *w, int ch)
{
	/* a vt100 has no PgUp/PgDn keys: Space and u page, j and k step */
	switch (ch) {
	case KEY_UP: case 'k': case 'K': scroll_by(w, -1); return true;
	case KEY_DOWN: case 'j': case 'J': scroll_by(w, 1); return true;
	case KEY_PPAGE: case 'u': case 'U': scroll_by(w, -page_rows(w)); return true;
	case KEY_NPAGE: case ' ': scroll_by(w, page_rows(w)); return true;
	case KEY_HOME: scroll_by(w, -w->scroll); return true;
	case KEY_END: scroll_by(w, (int)w->text.n); return true;
	}
	return false;
}

static void start_key(struct wizard *w, int ch)
{
	struct target t;
	int rc;

	if (ch == '\t' || ch == KEY_BTAB || (!w->start_focus_field && ch == KEY_DOWN) ||
	    (w->start_focus_field && (ch == KEY_UP || ch == 27))) {
		w->start_focus_field = !w->start_focus_field;
		w->dirty |= D_BODY | D_KEYS;
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		target_init(&t);
		rc = w->input_len ? target_parse(&t, w->input) : TARGET_OK;
		if (rc != TARGET_OK) {
			snprintf(w->start_error, sizeof(w->start_error), "%s", target_strerror(rc));
		} else if (t.host == NULL && w->start_side == SIDE_CLIENT) {
			snprintf(w->start_error, sizeof(w->start_error),
				 "type the host you cannot reach first");
			w->start_focus_field = true;
		} else {
			if (w->opt->target.port_given && !t.port_given)
				t.port = w->opt->target.port;
			w->start_error[0] = '\0';
			if (wizard_start_engine(w, &t, w->start_side) == 0) {
				target_release(&t);
				make_windows(w);
				return;
			}
		}
		target_release(&t);
		w->dirty |= D_BODY;
		return;
	}
	if (w->start_focus_field) {
		if (ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('H')) {
			while (w->input_len > 0 &&
			       ((unsigned char)w->input[--w->input_len] & 0xC0) == 0x80)
				;
			w->input[w->input_len] = '\0';
		} else if (ch == CTRL('U')) {
			w->input_len = 0;
			w->input[0] = '\0';
		} else if (ch >= 0x20 && ch < 0x7f && w->input_len < TARGET_MAX_ARG) {
			/* what target_parse accepts is ASCII: nothing else is kept */
			w->input[w->input_len++] = (char)ch;
			w->input[w->input_len] = '\0';
		} else {
			return;
		}
		w->start_error[0] = '\0';
		w->dirty |= D_BODY;
		return;
	}
	switch (ch) {
	case 'c': case 'C':
		w->start_side = SIDE_CLIENT;
		w->start_focus_field = true;
		break;
	case 's': case 'S':
		w->start_side = SIDE_SERVER;
		break;
	case 'q': case 'Q':
		w->quit = true;
		return;
	case '?':
		w->help_from = V_START;
		set_view(w, V_HELP);
		return;
	default:
		return;
	}
	w->start_error[0] = '\0';
	w->dirty |= D_BODY | D_KEYS;
}

/* The practice lab's question: a letter picks at once; arrows move the
 * cursor and Enter picks. The verdict shows next, with the answer judged. */
static void guess_key(struct wizard *w, int ch)
{
	struct wizard_lab *lab = w->opt->lab;
	int n = (int)(lab->choices->n < sizeof(guess_letters) - 1 ? lab->choices->n : sizeof(guess_letters) - 1);
	int pick = -1;
	const char *at = ch > 0 && ch < 128 ? strchr(guess_letters, ch) : NULL;

	if (ch == KEY_UP || ch == 'k' || ch == KEY_DOWN || ch == 'j') {
		w->guess_at = (w->guess_at + (ch == KEY_UP || ch == 'k' ? n - 1 : 1)) % n;
		w->dirty |= D_BODY;
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		pick = w->guess_at;
	else if (at != NULL && at - guess_letters < n)
		pick = (int)(at - guess_letters);
	else if (ch == 'b' || ch == 'B' || ch == KEY_LEFT) {
		set_view(w, V_STEPS);
		return;
	} else if (ch == '?') {
		w->help_from = V_GUESS;
		set_view(w, V_HELP);
		return;
	}
	if (pick < 0)
		return;
	snprintf(lab->guess, sizeof(lab->guess), "%s", lab->choices->v[pick]);
	snprintf(lab->found, sizeof(lab->found), "%s", w->rep->verdict.cause ? w->rep->verdict.cause : "");
	lab->right = strcmp(lab->guess, lab->found) == 0 ||
		     (lab->staged && strcmp(lab->guess, lab->staged) == 0);
	w->guessed = true;
	set_view(w, V_VERDICT);
}

/*
 * After an ESC from getch(): the key of the escape sequence that follows
 * (PgDn as a vt100 entry does not know it, say), waiting at most
 * KEYS_ESC_WAIT_MS for its bytes; 27 for an ESC alone, with any bytes read
 * after it given back to getch() to be keys of their own.
 */
static int read_escape(void)
{
	int seq[8], key = 0;
	size_t n = 0;
	uint64_t until = now_ms() + KEYS_ESC_WAIT_MS;

	while (n < sizeof(seq) / sizeof(seq[0])) {
		int ch = getch();
		enum keys_decode d;

		if (ch == ERR) {
			uint64_t now = now_ms();
			struct pollfd in = {.fd = STDIN_FILENO, .events = POLLIN};

			if (now >= until || poll(&in, 1, (int)(until - now)) <= 0)
				break;
			continue;
		}
		seq[n++] = ch;
		d = keys_decode_esc(seq, n, &key);
		if (d == KEYS_DONE)
			return key != 0 ? key : ERR;
		if (d == KEYS_NONE)
			break;
	}
	/* ungetch() is a stack: the last byte goes back first */
	while (n > 0)
		ungetch(seq[--n]);
	return 27;
}

/* ---- the fix plan (f) -------------------------------------------------- */

/* The plan of action i alone, borrowed from w->fix (never released). */
static struct fix_plan fix_single(const struct wizard *w, size_t i)
{
	struct fix_plan one = w->fix;

	one.v = &w->fix.v[i];
	one.n = 1;
	return one;
}

static bool fix_confirm(void *ctx, const struct fix_action *a, int timeout_s, const volatile int *stop)
{
	struct wizard *w = ctx;
	uint64_t end = now_ms() + (uint64_t)timeout_s * 1000;
	int ch = ERR;

	(void)a;
	while (now_ms() < end && !*stop) {
		char buf[200];

		snprintf(buf, sizeof(buf), "this firewall change could cut you off: y within %d s keeps it, anything else rolls it back",
			 (int)((end - now_ms() + 999) / 1000));
		say(w, buf);
		paint(w);
		if ((ch = getch()) != ERR)
			break;
		napms(200);
	}
	w->message[0] = '\0';
	return ch == 'y' || ch == 'Y';
}

static void fix_undo_all(struct wizard *w)
{
	struct fix_ui ui = {.ctx = w};
	size_t undone = 0;

	for (size_t i = w->fix.n; i-- > 0;) {
		struct fix_plan one = fix_single(w, i);

		if (w->fix_logs[i].n > 0 && w->fix_logs[i].v[0].applied) {
			fix_undo(&one, &ui, &w->fix_logs[i]);
			undone++;
		}
	}
	say(w, undone ? "every applied action was undone: the system is as it was before the plan"
		      : "nothing was applied: nothing to undo");
	w->dirty |= D_BODY;
}

static void fix_open(struct wizard *w)
{
	const struct report *rep = w->rep;

	/* the lab's machines are namespaces of its sandbox: a plan would run
	 * on this machine instead */
	if (w->opt->lab) {
		say(w, "the practice lab: fix it yourself at the server's console (g), the fix plan changes only a real machine");
		return;
	}
	if (w->eng == NULL || engine_busy(w->eng) || rep == NULL || !rep->has_verdict || rep->failed) {
		say(w, "a fix plan needs the finished verdict: wait for it");
		return;
	}
	if (!w->fix_made || w->fix_next == 0) {
		fix_plan_release(&w->fix);
		fix_plan_init(&w->fix);
		if (rep->side == SIDE_SERVER) {
			fix_plan_server(engine_server_facts(w->eng), &rep->verdict, &w->fix);
		} else {
			struct passwd *pw = getpwuid(getuid());

			fix_plan_client(engine_client_facts(w->eng), &rep->verdict, rep->host, rep->port,
					pw ? pw->pw_dir : NULL, &w->fix);
		}
		free(w->fix_logs);
		w->fix_logs = xcalloc(w->fix.n + 1, sizeof(*w->fix_logs));
		for (size_t i = 0; i < w->fix.n; i++)
			fix_log_init(&w->fix_logs[i]);
		free(w->fix_before);
		w->fix_before = xstrdup(rep->verdict.cause);
		w->fix_next = 0;
		w->fix_rechecked = false;
		w->fix_made = true;
	}
	set_view(w, V_FIX);
}

/* y applies the next action, showing its output; after the last one
 * the diagnosis runs again. u undoes. */
static bool fix_key(struct wizard *w, int ch)
{
	struct strbuf why;

	if (ch == 'u' || ch == 'U') {
		fix_undo_all(w);
		return true;
	}
	if (ch != 'y' && ch != 'Y')
		return false;
	if (w->fix.refused || w->fix_next >= w->fix.n) {
		say(w, "nothing left to apply");
		return true;
	}
	strbuf_init(&why);
	if (fix_may_run(w->opt, &why) != 0) {
		say(w, why.buf);
		strbuf_release(&why);
		return true;
	}
	strbuf_release(&why);
	{
		size_t i = w->fix_next;
		struct fix_plan one = fix_single(w, i);
		struct fix_ui ui = {.ctx = w, .confirm = fix_confirm,
				    .confirm_timeout = w->opt->confirm_timeout};
		char buf[300];

		snprintf(buf, sizeof(buf), "applying action %zu of %zu...", i + 1, w->fix.n);
		say(w, buf);
		w->dirty |= D_BODY;
		paint(w);
		if (fix_apply(&one, &ui, &w->fix_logs[i]) == 0) {
			w->fix_next++;
			say(w, w->fix_next < w->fix.n ? "done: y applies the next action" :
			    "done: the diagnosis runs again to check it");
			if (w->fix_next >= w->fix.n) {
				w->fix_rechecked = true;
				engine_run_all(w->eng);
			}
		} else {
			/* a plan is applied whole or not at all */
			fix_undo_all(w);
			say(w, "the action did not succeed: every applied action was undone (its line says why)");
		}
	}
	w->dirty |= D_BODY | D_KEYS;
	return true;
}


static void handle_key(struct wizard *w, int ch)
{
	if (w->message[0]) {
		w->message[0] = '\0';
		w->dirty |= D_KEYS;
	}
	if (ch == CTRL('L')) {
		clearok(curscr, TRUE);
		w->dirty = D_ALL;
		return;
	}
	if (ch == KEY_RESIZE) {
		make_windows(w);
		return;
	}
	if (w->prompting || w->confirm_overwrite) {
		prompt_key(w, ch);
		return;
	}
	if (w->lay.too_small) {
		if (ch == 'q' || ch == 'Q')
			w->quit = true;
		return;
	}
	if (w->view == V_START) {
		start_key(w, ch);
		return;
	}
	if (ch == 'q' || ch == 'Q') {
		w->quit = true;
		return;
	}
	if (w->view == V_GUESS) {
		guess_key(w, ch);
		return;
	}
	if (w->view == V_FIX && fix_key(w, ch))
		return;
	if (key_scroll(w, ch))
		return;
	switch (w->view) {
	case V_STEPS:
		switch (ch) {
		case '\n': case '\r': case KEY_ENTER: case 'n': case 'N': case KEY_RIGHT:
			key_next(w);
			break;
		case 'b': case 'B': case KEY_LEFT:
			if (engine_walk_back(w->eng) == WALK_FIRST)
				say(w, "this is the first step");
			else
				go_step(w, engine_walk_cur(w->eng));
			break;
		case 'r': case 'R':
			if (engine_walk_rerun(w->eng) == WALK_BUSY) {
				say(w, "a step is still running: wait for it, then r");
			} else {
				hold_paint(w);
				w->dirty |= D_STEPS | D_PANEL | D_CAPTURE;
			}
			break;
		case 'g': case 'G':
			if (w->opt->lab && w->opt->lab->console_key) {
				w->opt->lab->go_console = true;
				w->quit = true;
			}
			break;
		case 'w': case 'W':
			/* to what we check and why, and back to the top */
			w->scroll = w->scroll > 0 || w->teach_at >= w->text.n ? 0 : (int)w->teach_at;
			w->dirty |= D_PANEL;
			break;
		case 'd': case 'D':
			set_view(w, V_DETAILS);
			break;
		case '?':
			w->help_from = V_STEPS;
			set_view(w, V_HELP);
			break;
		case 's': case 'S':
			key_save(w);
			break;
		}
		break;
	case V_DETAILS:
		if (ch == 'd' || ch == 'D' || ch == 'b' || ch == 'B' || ch == 27 || ch == KEY_LEFT)
			set_view(w, V_STEPS);
		else if (ch == '?') {
			w->help_from = V_DETAILS;
			set_view(w, V_HELP);
		}
		break;
	case V_GUESS:
		break;
	case V_MAP:
		if (ch == 'm' || ch == 'M' || ch == 'b' || ch == 'B' || ch == 27 || ch == KEY_LEFT)
			set_view(w, V_HELP);
		break;
	case V_VERDICT:
		if ((ch == 'g' || ch == 'G') && w->opt->lab && w->opt->lab->console_key) {
			w->opt->lab->go_console = true;
			w->quit = true;
		} else if (ch == 'b' || ch == 'B' || ch == 27 || ch == KEY_LEFT)
			set_view(w, V_STEPS);
		else if (ch == 'd' || ch == 'D')
			set_view(w, V_DETAILS);
		else if (ch == 's' || ch == 'S')
			key_save(w);
		else if (ch == 'f' || ch == 'F')
			fix_open(w);
		else if (ch == '?') {
			w->help_from = V_VERDICT;
			set_view(w, V_HELP);
		}
		break;
	case V_HELP:
		if (ch == '?' || ch == 'b' || ch == 'B' || ch == 27 || ch == KEY_LEFT)
			set_view(w, w->help_from);
		else if ((ch == 'm' || ch == 'M') && w->assets->lab_map)
			set_view(w, V_MAP);
		break;
	case V_FIX:
		if (ch == 'b' || ch == 'B' || ch == 27 || ch == KEY_LEFT)
			set_view(w, V_VERDICT);
		else if (ch == 's' || ch == 'S')
			key_save(w);
		break;
	case V_START:
		break;
	}
}

/* ---- the loop ----------------------------------------------------------- */

static void setup_colors(struct wizard *w)
{
	w->color = !w->opt->no_color && getenv("NO_COLOR") == NULL && has_colors();
	if (!w->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_FAIL, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_RUN, COLOR_CYAN, -1);
	init_pair(PAIR_CMD, COLOR_CYAN, -1);
}

/* At 9600 baud a paint of ~200 bytes takes 0.2 s: paint no more often. */
static void setup_speed(struct wizard *w)
{
	int baud = baudrate();
	int gap;

	if (baud <= 0)
		baud = 38400;
	gap = (int)(200L * 10 * 1000 / baud);
	if (gap < 30)
		gap = 30;
	if (gap > 1000)
		gap = 1000;
	w->paint_gap_ms = gap;
	w->fine = baud >= 38400;
	/* a serial console's 9600 or 19200 baud: a screen of teaching text
	 * takes seconds, so the panel opens on what was seen */
	w->brief = baud <= 19200;
}

/* How long poll() may sleep: until the engine wants us, the next allowed
 * paint, or the next tick of a countdown on the screen. */
static int loop_timeout(struct wizard *w, uint64_t now)
{
	int t = w->eng ? engine_timeout(w->eng) : -1;

	if (w->dirty) {
		uint64_t due = w->last_paint + (uint64_t)w->paint_gap_ms;

		if (paint_held(w, now))
			due = w->hold_until;
		int d = due > now ? (int)(due - now) : 0;

		if (t < 0 || d < t)
			t = d;
	}
	if (w->running >= 0 && w->view == V_STEPS) {
		int tick = w->fine ? 100 : 1000;
		uint64_t due = w->last_tick + (uint64_t)tick;
		int d = due > now ? (int)(due - now) : 0;

		if (t < 0 || d < t)
			t = d;
	}
	return t;
}

static void run_loop(struct wizard *w)
{
	int err_fd = term_stderr_capture();

	while (!w->quit) {
		struct pollfd fds[8];
		int n = 0, rc, sig;
		bool interrupted;
		uint64_t now = now_ms();

		if (w->running >= 0 && w->view == V_STEPS &&
		    now - w->last_tick >= (uint64_t)(w->fine ? 100 : 1000)) {
			w->last_tick = now;
			w->dirty |= D_STEPS | (w->running == w->cur ? D_PANEL : 0);
		}
		if (w->dirty && now - w->last_paint >= (uint64_t)w->paint_gap_ms &&
		    !paint_held(w, now))
			paint(w);

		fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (term_guard_fd() >= 0)
			fds[n++] = (struct pollfd){.fd = term_guard_fd(), .events = POLLIN};
		if (err_fd >= 0)
			fds[n++] = (struct pollfd){.fd = err_fd, .events = POLLIN};
		if (w->eng)
			n += engine_pollfds(w->eng, fds + n, 8 - n);
		rc = poll(fds, (nfds_t)n, loop_timeout(w, now_ms()));
		interrupted = rc < 0 && errno == EINTR;
		if ((sig = term_guard_signal()) != 0) {
			w->signal_status = 128 + sig;
			break;
		}
		/* a key, or SIGWINCH (poll was interrupted): ncurses has the rest */
		if (interrupted || (rc > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))) {
			int ch;

			/* getch() refreshes stdscr when it looks changed (it does after
			 * start and resize); stdscr is never drawn on, and refreshing it
			 * would blank the screen and cost a whole repaint */
			untouchwin(stdscr);
			while ((ch = getch()) != ERR && !w->quit) {
				/* a sequence of a key nobody uses here (Delete) is dropped */
				if (ch == 27 && (ch = read_escape()) == ERR)
					continue;
				handle_key(w, ch);
			}
			if (rc > 0 && (fds[0].revents & (POLLHUP | POLLERR)))
				w->quit = true;   /* the terminal went away */
		}
		if (err_fd >= 0) {
			size_t before = w->messages.n;

			term_stderr_drain(&w->messages);
			if (w->messages.n != before && w->view == V_DETAILS)
				w->dirty |= D_BODY;
		}
		if (w->eng)
			engine_dispatch(w->eng);
	}
}

int wizard_run(const struct options *o, const struct assets *a)
{
	struct wizard w;
	SCREEN *scr;
	int status;

	memset(&w, 0, sizeof(w));
	w.opt = o;
	w.assets = a;
	w.ascii = o->ascii;
	w.running = -1;
	w.start_side = o->side == SIDE_SERVER ? SIDE_SERVER : SIDE_CLIENT;
	lines_init(&w.text);
	strv_init(&w.messages);

	/* UTF-8 in the text needs the locale's character type; numbers keep "C" */
	setlocale(LC_CTYPE, "");
	term_guard_save();
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		fprintf(stderr, "ssh-doctor: cannot start the screen on terminal '%s': "
			"try --batch\n", getenv("TERM") ? getenv("TERM") : "");
		return 3;
	}
	term_guard_arm();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(100);
	curs_set(0);
	setup_colors(&w);
	setup_speed(&w);

	/* the practice lab knows where it is: no start screen */
	if (o->target.host == NULL && o->target.symptom == SYMPTOM_NONE && o->lab == NULL) {
		w.view = V_START;
		w.start_focus_field = w.start_side == SIDE_CLIENT;
	} else if (wizard_start_engine(&w, &o->target, o->side) != 0) {
		/* the start screen says why, and lets the person change it */
		w.view = V_START;
		snprintf(w.input, sizeof(w.input), "%s", o->target.host ? o->target.host : "");
		w.input_len = strlen(w.input);
	}
	make_windows(&w);
	run_loop(&w);

	/* on a terminal without an alternate screen the shell's prompt comes
	 * back on the last line: leave it empty */
	if (w.w_keys != NULL) {
		werase(w.w_keys);
		wnoutrefresh(w.w_keys);
		doupdate();
	}
	free_windows(&w);
	endwin();
	delscreen(scr);
	term_guard_disarm();
	term_stderr_restore(&w.messages);
	for (size_t i = 0; i < w.messages.n; i++)
		fprintf(stderr, "%s\n", w.messages.v[i]);

	if (w.signal_status)
		status = w.signal_status;
	else if (w.rep && w.verdict_shown && (w.rep->failed || diagnosis_complete(&w)))
		status = report_exit_status(w.rep);
	else
		status = 3;   /* left before the verdict: the diagnosis did not finish */
	if (status <= 1 && w.rep != NULL && w.rep->has_verdict)
		printf("ssh-doctor: %s\n", w.rep->verdict.summary ? w.rep->verdict.summary
		       : w.rep->verdict.cause);
	/* a probe stops at its own deadline: say why the prompt takes a moment */
	if (w.eng && engine_busy(w.eng))
		fprintf(stderr, "ssh-doctor: stopping the step that runs (a few seconds at most)\n");
	engine_free(w.eng);
	free(w.pkt_first);
	free(w.pkt_after);
	free(w.wait_ms);
	lines_release(&w.text);
	strv_release(&w.messages);
	for (size_t i = 0; w.fix_logs && i < w.fix.n; i++)
		fix_log_release(&w.fix_logs[i]);
	free(w.fix_logs);
	free(w.fix_before);
	fix_plan_release(&w.fix);
	return status;
}

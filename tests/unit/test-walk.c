/* SPDX-License-Identifier: MIT */
/* The walk's rule of what is stale after a step ran again (engine/walk.c),
 * on a report of five steps, the way the engine applies it on the face's
 * thread: r marks, the rerun ends, the walk reaches the steps. Then an
 * engine as a face gets it: the walk's first moves, and the step texts the
 * engine filled in once for every face (nothing runs, nothing is sent). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assets-setup.h"

#include "engine/assets.h"
#include "engine/util.h"
#include "engine/walk.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define NSTEPS 5

struct fixture {
	struct report rep;
	struct report_step steps[NSTEPS];
	struct walk walk;
};

/* A walk whose five steps have statuses st (P pending, p pass, f fail). */
static void fixture_make(struct fixture *f, const char *st)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < NSTEPS; i++) {
		f->steps[i].status = st[i] == 'p' ? STEP_PASS : st[i] == 'f' ? STEP_FAIL : STEP_PENDING;
		f->steps[i].title = "a step";
	}
	f->rep.steps = f->steps;
	f->rep.nsteps = NSTEPS;
	walk_init(&f->walk, NSTEPS);
}

/* "s" for a stale step, "." for another, in order. */
static void expect_stale(const struct fixture *f, const char *want, const char *when)
{
	char got[NSTEPS + 1];

	for (size_t i = 0; i < NSTEPS; i++)
		got[i] = f->steps[i].stale ? 's' : '.';
	got[NSTEPS] = '\0';
	expect_true(strcmp(got, want) == 0, "%s: expected the stale steps %s, got %s", when, want, got);
}

/* r on step i, and the rerun ends with status st. */
static void rerun(struct fixture *f, int i, enum step_status st)
{
	walk_mark_rerun(&f->walk, &f->rep, i);
	f->steps[i].status = STEP_RUNNING;
	f->steps[i].status = st;
	walk_step_finished(&f->walk, &f->rep, i);
}

static void a_rerun_makes_the_later_steps_that_ran_stale(void **state)
{
	struct fixture f;

	(void)state;
	fixture_make(&f, "pffPP");
	rerun(&f, 1, STEP_FAIL);
	expect_stale(&f, "..s..", "r on step 2 that says the same: step 3 read what it found, 4 and 5 never ran");
	expect_true(walk_runs_when_reached(&f.rep, 2), "expected stale step 3 to run when reached");
	expect_true(walk_runs_when_reached(&f.rep, 3), "expected pending step 4 to run when reached");
	expect_true(!walk_runs_when_reached(&f.rep, 0), "expected step 1, fresh, to be shown only");
	walk_release(&f.walk);
}

static void a_rerun_that_changed_its_status_makes_the_earlier_steps_stale(void **state)
{
	struct fixture f;
	char *note;

	(void)state;
	fixture_make(&f, "pffff");
	rerun(&f, 4, STEP_PASS);
	expect_stale(&f, "ssss.", "r on the last step, fail then pass: the world changed");
	note = walk_stale_note(&f.rep);
	expect_true(note != NULL && strstr(note, "Steps 1, 2, 3 and 4 ran before another step ran again") != NULL &&
		    strstr(note, WALK_STALE_WORDS) != NULL, "expected the verdict's note to name steps 1 to 4, got: %s",
		    note ? note : "(none)");
	free(note);
	walk_release(&f.walk);
}

static void a_rerun_that_said_the_same_leaves_the_earlier_steps_fresh(void **state)
{
	struct fixture f;

	(void)state;
	fixture_make(&f, "pffff");
	rerun(&f, 4, STEP_FAIL);
	expect_stale(&f, ".....", "r on the last step, fail again");
	expect_true(walk_stale_note(&f.rep) == NULL, "expected no note without a stale step");
	walk_release(&f.walk);
}

static void a_step_run_again_is_fresh_and_the_rest_stays_marked(void **state)
{
	struct fixture f;

	(void)state;
	fixture_make(&f, "pffff");
	rerun(&f, 4, STEP_PASS);
	walk_step_runs(&f.walk, &f.rep, 1);
	expect_stale(&f, "s.ss.", "step 2 ran again after the change");
	rerun(&f, 2, STEP_PASS);
	/* when the change came is not known: step 2 may have run before it */
	expect_stale(&f, "ss.ss", "r on step 3, fail then pass: 1 and 2 are from before it, 4 and 5 read it");
	walk_release(&f.walk);
}

static void a_step_that_never_ran_is_never_stale(void **state)
{
	struct fixture f;

	(void)state;
	fixture_make(&f, "pfPPP");
	rerun(&f, 1, STEP_PASS);
	expect_stale(&f, "s....", "r on step 2 before the later steps ran");
	expect_true(walk_stale_count(&f.rep) == 1, "expected one stale step");
	walk_release(&f.walk);
}

/* ---- the engine: its walk and the texts it fills in ------------------------- */

static struct engine *engine_made(const struct assets *a, enum side side, const char *host, int port)
{
	struct engine_config cfg;
	struct strbuf err;
	struct engine *e;

	memset(&cfg, 0, sizeof(cfg));
	target_init(&cfg.target);
	cfg.target.host = (char *)host;
	cfg.target.port = port;
	cfg.target.port_given = true;
	cfg.side = side;
	cfg.assets = a;
	cfg.no_capture = true;
	strbuf_init(&err);
	e = engine_new(&cfg, &err);
	if (e == NULL)
		fail_msg("expected an engine: %s", err.buf);
	strbuf_release(&err);
	return e;
}

static int step_of(const struct report *rep, const char *id)
{
	for (size_t i = 0; i < rep->nsteps; i++)
		if (strcmp(rep->steps[i].id, id) == 0)
			return (int)i;
	fail_msg("expected a step '%s' in the flow", id);
	return -1;
}

static void the_engine_fills_in_every_text_of_a_step_once(void **state)
{
	struct engine *e = engine_made(*state, SIDE_CLIENT, "192.0.2.2", 2222);
	const struct report *rep = engine_report(e);
	const struct report_step *s = &rep->steps[step_of(rep, "tcp_connect")];

	expect_true(s->what != NULL && strstr(s->what, "port 2222") != NULL && strchr(s->what, '{') == NULL,
		    "expected what we check filled in with port 2222, got: %s", s->what ? s->what : "(none)");
	expect_true(s->why != NULL && s->reading != NULL, "expected why and reading for the TCP step");
	expect_true(s->command != NULL && strstr(s->command, "192.0.2.2 2222") != NULL,
		    "expected the command filled in, got: %s", s->command ? s->command : "(none)");
	for (size_t i = 0; i < rep->nsteps; i++) {
		const struct report_step *t = &rep->steps[i];
		const char *texts[] = {t->command, t->what, t->why, t->reading};

		for (size_t k = 0; k < 4; k++)
			expect_true(texts[k] == NULL || strstr(texts[k], "{host}") == NULL,
				    "step %s: {host} left in: %s", t->id, texts[k]);
	}
	engine_free(e);
}

static void the_server_side_texts_name_the_address_clients_use(void **state)
{
	struct engine *e = engine_made(*state, SIDE_SERVER, NULL, 22);
	const struct report *rep = engine_report(e);
	const struct report_step *s = &rep->steps[step_of(rep, "self_test")];
	char *want = xasprintf(" %s 22", rep->addresses.n ? rep->addresses.v[0] : "localhost");

	expect_true(s->command != NULL && strstr(s->command, want) != NULL,
		    "expected the self-test's command to name%s, got: %s", want, s->command ? s->command : "(none)");
	free(want);
	engine_free(e);
}

static void the_walk_starts_at_the_first_step_and_waits_for_it(void **state)
{
	struct engine *e = engine_made(*state, SIDE_CLIENT, "192.0.2.2", 2222);

	expect_true(engine_walk_cur(e) == 0, "expected the walk to start at step 1");
	expect_true(engine_walk_back(e) == WALK_FIRST, "expected b on step 1 to say it is the first");
	expect_true(engine_walk_next(e) == WALK_STILL_RUNNING,
		    "expected n on a step that has not run to wait for it");
	expect_true(engine_walk_cur(e) == 0, "expected the walk to stay on step 1");
	expect_true(!engine_walk_complete(e), "expected no verdict before any step ran");
	engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_rerun_makes_the_later_steps_that_ran_stale),
		cmocka_unit_test(a_rerun_that_changed_its_status_makes_the_earlier_steps_stale),
		cmocka_unit_test(a_rerun_that_said_the_same_leaves_the_earlier_steps_fresh),
		cmocka_unit_test(a_step_run_again_is_fresh_and_the_rest_stays_marked),
		cmocka_unit_test(a_step_that_never_ran_is_never_stale),
		cmocka_unit_test_setup_teardown(the_engine_fills_in_every_text_of_a_step_once, assets_setup,
						assets_teardown),
		cmocka_unit_test_setup_teardown(the_server_side_texts_name_the_address_clients_use,
						assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(the_walk_starts_at_the_first_step_and_waits_for_it,
						assets_setup, assets_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Saving the report: the bytes are the text or JSON report, an existing file
 * is never replaced without the overwrite flag, nothing half-written or
 * temporary stays behind, and errors say which file and what to do. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/fix.h"
#include "tui/report.h"
#include "tui/save.h"
#include "engine/util.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define expect_contains(hay, needle, what) do { \
	const char *hay_ = (hay); \
	if (hay_ == NULL || strstr(hay_, (needle)) == NULL) \
		fail_msg("%s: expected it to contain \"%s\", got \"%s\"", (what), (needle), \
			 hay_ ? hay_ : "(null)"); \
} while (0)

struct fixture {
	struct report rep;
	struct report_step steps[2];
	char dir[64];
	struct strbuf err;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct report *r = &f->rep;

	r->side = SIDE_CLIENT;
	r->host = xstrdup("192.0.2.2");
	r->port = 22;
	strv_init(&r->addresses);
	strv_push(&r->addresses, "192.0.2.2");
	r->platform = xstrdup("debian");
	r->steps = f->steps;
	r->nsteps = 2;
	f->steps[0] = (struct report_step){ .id = "dns", .title = "Does the name resolve?",
		.status = STEP_PASS, .summary = xstrdup("192.0.2.2 is an address") };
	f->steps[1] = (struct report_step){ .id = "tcp_connect", .title = "Does anything answer on the port?",
		.status = STEP_FAIL, .summary = xstrdup("refused: RST from 192.0.2.2") };
	for (int i = 0; i < 2; i++) {
		strv_init(&f->steps[i].evidence);
		strv_init(&f->steps[i].details);
	}
	r->has_verdict = true;
	r->finished = true;
	r->verdict.cause = xstrdup("port_closed");
	r->verdict.confidence = xstrdup("certain");
	r->verdict.summary = xstrdup("Nothing listens on port 22 of 192.0.2.2.");
	r->verdict.fix = xstrdup("Start the SSH server.");
	strv_init(&r->verdict.alternatives);
	strv_init(&r->verdict.alternatives_text);
	strv_init(&r->verdict.evidence);
	strv_init(&r->verdict.prevention);
	strcpy(f->dir, "/tmp/test-save-XXXXXX");
	expect_true(mkdtemp(f->dir) != NULL, "expected mkdtemp to make a folder");
	strbuf_init(&f->err);
	*state = f;
	return 0;
}

/* Removes every entry of dir (flat), then dir. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (unlink(p) != 0)
			rmdir(p);
		free(p);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct report *r = &f->rep;

	remove_tree(f->dir);
	for (int i = 0; i < 2; i++) {
		free(f->steps[i].summary);
		strv_release(&f->steps[i].evidence);
		strv_release(&f->steps[i].details);
	}
	free(r->host);
	free(r->platform);
	strv_release(&r->addresses);
	free(r->verdict.cause);
	free(r->verdict.confidence);
	free(r->verdict.summary);
	free(r->verdict.fix);
	strv_release(&r->verdict.alternatives);
	strv_release(&r->verdict.alternatives_text);
	strv_release(&r->verdict.evidence);
	strv_release(&r->verdict.prevention);
	strbuf_release(&f->err);
	free(f);
	return 0;
}

/* The whole content of path, or NULL. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (fp == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	return strbuf_detach(&sb, NULL);
}

static void spit(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	expect_true(fp != NULL, "expected to create %s", path);
	fputs(text, fp);
	fclose(fp);
}

/* How many entries dir holds besides . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static char *text_report_of(const struct report *rep, int width)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	report_write_text(fp, rep, width);
	fclose(fp);
	return text;
}

static void test_text_file_holds_the_text_report(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/report.txt", f->dir);
	char *want = text_report_of(&f->rep, 72);
	char *got;
	int rc;

	rc = save_report(&f->rep, path, SAVE_TEXT, 72, false, &f->err);
	expect_true(rc == 0, "expected save_report to return 0, got %d (%s)", rc, f->err.buf);
	got = slurp(path);
	expect_true(got && strcmp(got, want) == 0, "expected the file to be the text report\n--- want\n%s--- got\n%s",
		    want, got ? got : "(no file)");
	expect_contains(got, "port_closed", "the saved text");
	expect_true(count_entries(f->dir) == 1, "expected only report.txt in the folder, found %d entries",
		    count_entries(f->dir));
	free(got);
	free(want);
	free(path);
}

static void test_json_file_parses_with_the_cause(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/report.json", f->dir);
	json_error_t jerr;
	json_t *root, *verdict;
	int rc;

	rc = save_report(&f->rep, path, SAVE_JSON, 0, false, &f->err);
	expect_true(rc == 0, "expected save_report to return 0, got %d (%s)", rc, f->err.buf);
	root = json_load_file(path, 0, &jerr);
	expect_true(root != NULL, "expected the file to be JSON: %s", jerr.text);
	verdict = json_object_get(root, "verdict");
	expect_true(json_is_object(verdict), "expected a verdict object");
	expect_true(json_is_string(json_object_get(verdict, "cause")) &&
		    strcmp(json_string_value(json_object_get(verdict, "cause")), "port_closed") == 0,
		    "expected verdict.cause to be \"port_closed\"");
	json_decref(root);
	free(path);
}

/* A plan of two actions applied one at a time, as the wizard and the line
 * mode do: the first applied (its record in logs[0]), the second not. */
static void fix_two(struct fix_plan *p, struct fix_log logs[2])
{
	fix_plan_init(p);
	p->cause = xstrdup("local_firewall");
	p->on = "server";
	p->check = xstrdup("the diagnosis again");
	p->v = xcalloc(2, sizeof(*p->v));
	p->n = 2;
	for (size_t i = 0; i < 2; i++) {
		struct fix_action *a = &p->v[i];

		a->kind = FIX_RUN;
		a->on = "server";
		a->owner = "iptables";
		a->title = xasprintf("action %zu", i + 1);
		strv_push(&a->argv, "/usr/sbin/iptables");
		strv_push(&a->argv, i == 0 ? "-I" : "-A");
		a->undo_text = xasprintf("undo %zu", i + 1);
		a->check = xstrdup("the diagnosis again");
		fix_log_init(&logs[i]);
	}
	logs[0].v = xcalloc(1, sizeof(*logs[0].v));
	logs[0].n = 1;
	logs[0].v[0].action = xstrdup("action 1");
	logs[0].v[0].command = xstrdup("/usr/sbin/iptables -I");
	logs[0].v[0].undo = xstrdup("/usr/sbin/iptables -D");
	logs[0].v[0].result = "applied";
	logs[0].v[0].applied = true;
	strv_init(&logs[0].v[0].backups);
}

static void test_json_file_holds_the_fix_applied_one_action_at_a_time(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/fix.json", f->dir);
	struct fix_plan p;
	struct fix_log logs[2];
	struct report_fix fx = {0};
	json_error_t jerr;
	json_t *root, *fix, *actions;
	int rc;

	fix_two(&p, logs);
	fx.plan = &p;
	fx.logs = logs;
	fx.nlogs = 2;
	fx.before_cause = "local_firewall";
	rc = save_report_fix(&f->rep, &fx, path, SAVE_JSON, 0, false, &f->err);
	expect_true(rc == 0, "expected save_report_fix to return 0, got %d (%s)", rc, f->err.buf);
	root = json_load_file(path, 0, &jerr);
	expect_true(root != NULL, "expected the file to be JSON: %s", jerr.text);
	fix = json_object_get(root, "fix");
	expect_true(json_is_object(fix), "expected a fix object in the saved report");
	actions = json_object_get(fix, "actions");
	expect_true(json_array_size(actions) == 2, "expected two actions, got %zu", json_array_size(actions));
	expect_contains(json_string_value(json_object_get(json_array_get(actions, 0), "result")), "applied",
			"the first action's result");
	expect_contains(json_string_value(json_object_get(json_array_get(actions, 0), "undo_command")),
			"iptables -D", "the first action's undo, from its record");
	expect_contains(json_string_value(json_object_get(json_array_get(actions, 1), "result")), "not run",
			"the second action's result");
	expect_contains(json_string_value(json_object_get(fix, "state")), "partial: 1 of the plan's 2",
			"the state of a plan half applied");
	expect_true(json_is_false(json_object_get(fix, "undone")), "expected undone false");
	json_decref(root);
	/* the same, undone: the old state */
	logs[0].v[0].applied = false;
	logs[0].v[0].result = "undone";
	logs[0].undone = true;
	unlink(path);
	rc = save_report_fix(&f->rep, &fx, path, SAVE_JSON, 0, false, &f->err);
	expect_true(rc == 0, "expected save_report_fix to return 0, got %d (%s)", rc, f->err.buf);
	root = json_load_file(path, 0, &jerr);
	fix = json_object_get(root, "fix");
	expect_true(json_is_true(json_object_get(fix, "undone")), "expected undone true after the undo");
	expect_contains(json_string_value(json_object_get(fix, "state")), "old: every change was undone",
			"the state after the undo");
	json_decref(root);
	unlink(path);
	for (size_t i = 0; i < 2; i++)
		fix_log_release(&logs[i]);
	fix_plan_release(&p);
	free(path);
}

static void test_text_file_lists_the_fix(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/fix.txt", f->dir), *text;
	struct fix_plan p;
	struct fix_log logs[2];
	struct report_fix fx = {0};
	FILE *in;
	long n;

	fix_two(&p, logs);
	fx.plan = &p;
	fx.logs = logs;
	fx.nlogs = 2;
	fx.before_cause = "local_firewall";
	fx.after_cause = "ok";
	expect_true(save_report_fix(&f->rep, &fx, path, SAVE_TEXT, 80, false, &f->err) == 0, "expected to save: %s",
		    f->err.buf);
	in = fopen(path, "r");
	expect_true(in != NULL, "expected the file");
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	text = xcalloc((size_t)n + 1, 1);
	expect_true(fread(text, 1, (size_t)n, in) == (size_t)n, "expected to read it");
	fclose(in);
	expect_contains(text, "FIX PLAN for local_firewall, on the server", "the text report");
	expect_contains(text, "1. [applied] action 1", "the text report");
	expect_contains(text, "2. [not run] action 2", "the text report");
	expect_contains(text, "before: local_firewall    after: ok", "the text report");
	free(text);
	unlink(path);
	for (size_t i = 0; i < 2; i++)
		fix_log_release(&logs[i]);
	fix_plan_release(&p);
	free(path);
}

static void test_existing_file_is_kept_without_overwrite(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/notes.txt", f->dir);
	char *got;
	int rc;

	spit(path, "my own notes\n");
	rc = save_report(&f->rep, path, SAVE_TEXT, 80, false, &f->err);
	expect_true(rc == SAVE_ERR_EXISTS, "expected SAVE_ERR_EXISTS (%d), got %d", SAVE_ERR_EXISTS, rc);
	expect_contains(f->err.buf, "notes.txt", "the error");
	expect_contains(f->err.buf, "exists", "the error");
	got = slurp(path);
	expect_true(got && strcmp(got, "my own notes\n") == 0, "expected the file untouched, got \"%s\"",
		    got ? got : "(no file)");
	expect_true(count_entries(f->dir) == 1, "expected no temporary file left, found %d entries",
		    count_entries(f->dir));
	free(got);
	free(path);
}

static void test_dangling_symlink_counts_as_existing(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/link.txt", f->dir);
	char *target = xasprintf("%s/nowhere", f->dir);
	int rc;

	expect_true(symlink(target, path) == 0, "expected to make a symlink");
	rc = save_report(&f->rep, path, SAVE_TEXT, 80, false, &f->err);
	expect_true(rc == SAVE_ERR_EXISTS, "expected SAVE_ERR_EXISTS for a symlink, got %d", rc);
	expect_true(access(target, F_OK) != 0, "expected nothing written through the symlink");
	free(target);
	free(path);
}

static void test_overwrite_replaces_the_file(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/report.txt", f->dir);
	char *got;
	int rc;

	spit(path, "old\n");
	rc = save_report(&f->rep, path, SAVE_TEXT, 80, true, &f->err);
	expect_true(rc == 0, "expected save_report with overwrite to return 0, got %d (%s)", rc, f->err.buf);
	got = slurp(path);
	expect_contains(got, "port_closed", "the replaced file");
	expect_true(count_entries(f->dir) == 1, "expected one file, found %d entries", count_entries(f->dir));
	free(got);
	free(path);
}

static void test_new_file_is_private(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/report.txt", f->dir);
	struct stat st;

	expect_true(save_report(&f->rep, path, SAVE_TEXT, 80, false, &f->err) == 0, "expected to save");
	expect_true(stat(path, &st) == 0, "expected the file to exist");
	expect_true((st.st_mode & 0777) == 0600, "expected mode 0600, got %03o", st.st_mode & 0777);
	free(path);
}

static void test_folder_is_refused(void **state)
{
	struct fixture *f = *state;
	int rc;

	rc = save_report(&f->rep, f->dir, SAVE_TEXT, 80, true, &f->err);
	expect_true(rc == SAVE_ERR, "expected SAVE_ERR for a folder, got %d", rc);
	expect_contains(f->err.buf, "folder", "the error");
	expect_true(count_entries(f->dir) == 0, "expected the folder to stay empty");
}

static void test_missing_folder_says_where(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/no/such/place/report.txt", f->dir);
	int rc;

	rc = save_report(&f->rep, path, SAVE_TEXT, 80, false, &f->err);
	expect_true(rc == SAVE_ERR, "expected SAVE_ERR, got %d", rc);
	expect_contains(f->err.buf, "cannot save to '", "the error");
	expect_contains(f->err.buf, "no/such/place", "the error");
	expect_contains(f->err.buf, "choose a folder", "the error");
	free(path);
}

static void test_empty_name_is_refused(void **state)
{
	struct fixture *f = *state;

	expect_true(save_report(&f->rep, "", SAVE_TEXT, 80, false, &f->err) == SAVE_ERR, "expected SAVE_ERR");
	expect_contains(f->err.buf, "no file name", "the error");
}

static void test_error_shows_control_bytes_printably(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/missing\x1b[31m/r.txt", f->dir);

	expect_true(save_report(&f->rep, path, SAVE_TEXT, 80, false, &f->err) == SAVE_ERR, "expected SAVE_ERR");
	expect_true(strchr(f->err.buf, '\x1b') == NULL, "expected no ESC in \"%s\"", f->err.buf);
	expect_contains(f->err.buf, "\\x1b", "the error");
	free(path);
}

static void test_format_follows_the_name(void **state)
{
	(void)state;
	expect_true(save_format_for_path("r.json") == SAVE_JSON, "expected r.json to be JSON");
	expect_true(save_format_for_path("R.JSON") == SAVE_JSON, "expected R.JSON to be JSON");
	expect_true(save_format_for_path("r.txt") == SAVE_TEXT, "expected r.txt to be text");
	expect_true(save_format_for_path("json") == SAVE_TEXT, "expected a bare 'json' to be text");
	expect_true(save_format_for_path(NULL) == SAVE_TEXT, "expected no name to be text");
}

static void test_default_name_stays_in_the_folder(void **state)
{
	struct fixture *f = *state;
	char *name;

	free(f->rep.host);
	f->rep.host = xstrdup("../etc/passwd \x1b");
	name = save_default_path(&f->rep, SAVE_JSON);
	expect_true(strchr(name, '/') == NULL, "expected no '/' in \"%s\"", name);
	expect_true(str_starts_with(name, "ssh-doctor-_._etc_passwd__-"), "expected a cleaned host in \"%s\"", name);
	expect_true(save_format_for_path(name) == SAVE_JSON, "expected \"%s\" to end in .json", name);
	free(name);
	free(f->rep.host);
	f->rep.host = NULL;
	name = save_default_path(&f->rep, SAVE_TEXT);
	expect_true(str_starts_with(name, "ssh-doctor-server-"), "expected \"server\" without a host: \"%s\"", name);
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_file_holds_the_text_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_file_parses_with_the_cause, setup, teardown),
		cmocka_unit_test_setup_teardown(test_existing_file_is_kept_without_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_symlink_counts_as_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite_replaces_the_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_file_is_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_folder_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_folder_says_where, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_name_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_shows_control_bytes_printably, setup, teardown),
		cmocka_unit_test(test_format_follows_the_name),
		cmocka_unit_test_setup_teardown(test_json_file_holds_the_fix_applied_one_action_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_file_lists_the_fix, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_name_stays_in_the_folder, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

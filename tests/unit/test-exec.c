/* SPDX-License-Identifier: MIT */
/* exec: the one spawner. Runs small system programs for real: output,
 * status, errors, deadline, output cap, clean environment, stdin, and the
 * hook tests use to replace it. (A shell appears here only to make a status
 * or a stray child; product code never runs one.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/os/exec.h"
#include "engine/util.h"

#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (got_ == NULL || strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, \
			 got_ ? got_ : "(null)"); \
} while (0)

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

/* Runs argv and expects it to have started; the caller releases r. */
static void run_ok(const char *const argv[], int timeout_ms, size_t cap, struct exec_result *r)
{
	int rc;

	exec_result_init(r);
	rc = exec_run(argv, timeout_ms, cap, r);
	expect_true(rc == 0, "expected '%s' to run (return 0), got %d (exec_errno %d)",
		    argv[0], rc, r->exec_errno);
}

static void echo_output_is_captured_with_status_0(void **state)
{
	const char *const argv[] = {"/bin/echo", "hello", "world", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_str(r.out.buf, "hello world\n", "standard output of echo");
	expect_true(r.status == 0, "expected exit status 0, got %d", r.status);
	expect_true(r.exec_errno == 0, "expected exec_errno 0, got %d", r.exec_errno);
	expect_true(!r.timed_out && !r.truncated, "expected neither timed_out nor truncated");
	exec_result_release(&r);
}

static void arguments_reach_the_program_unchanged_without_a_shell(void **state)
{
	const char *const argv[] = {"/bin/echo", "$HOME", "*", "a;b", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_str(r.out.buf, "$HOME * a;b\n", "echo of shell metacharacters");
	exec_result_release(&r);
}

static void exit_status_3_is_reported(void **state)
{
	const char *const argv[] = {"/bin/sh", "-c", "exit 3", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_true(r.status == 3, "expected exit status 3, got %d", r.status);
	exec_result_release(&r);
}

static void death_by_signal_is_a_negative_status(void **state)
{
	const char *const argv[] = {"/bin/sh", "-c", "kill -TERM $$", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_true(r.status == -SIGTERM, "expected status -%d (SIGTERM), got %d", SIGTERM, r.status);
	expect_true(!r.timed_out, "expected no timeout");
	exec_result_release(&r);
}

static void stderr_is_captured_apart_from_stdout(void **state)
{
	const char *const argv[] = {"/bin/sh", "-c", "echo out; echo oops >&2", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_str(r.out.buf, "out\n", "standard output");
	expect_str(r.err.buf, "oops\n", "standard error");
	exec_result_release(&r);
}

static void a_missing_program_fails_with_enoent(void **state)
{
	const char *const argv[] = {"/nonexistent/no-such-program-xyz", NULL};
	struct exec_result r;
	int rc;

	exec_result_init(&r);
	rc = exec_run(argv, 5000, 0, &r);
	expect_true(rc < 0, "expected a negative return for a missing program, got %d", rc);
	expect_true(rc == -ENOENT, "expected -ENOENT (%d), got %d", -ENOENT, rc);
	expect_true(r.exec_errno == ENOENT, "expected exec_errno ENOENT, got %d", r.exec_errno);
	expect_true(r.status == -1, "expected status -1 (not run), got %d", r.status);
	exec_result_release(&r);
}

static void a_file_without_execute_permission_fails_with_eacces(void **state)
{
	const char *const argv[] = {"/etc/passwd", NULL};
	struct exec_result r;
	int rc;

	exec_result_init(&r);
	rc = exec_run(argv, 5000, 0, &r);
	expect_true(rc == -EACCES, "expected -EACCES for a non-executable file, got %d", rc);
	expect_true(r.exec_errno == EACCES, "expected exec_errno EACCES, got %d", r.exec_errno);
	exec_result_release(&r);
}

static void a_relative_path_is_refused_with_einval(void **state)
{
	const char *const argv[] = {"echo", "hi", NULL};
	struct exec_result r;
	int rc;

	exec_result_init(&r);
	rc = exec_run(argv, 5000, 0, &r);
	expect_true(rc == -EINVAL, "expected -EINVAL for a relative path, got %d", rc);
	expect_true(r.exec_errno == EINVAL, "expected exec_errno EINVAL, got %d", r.exec_errno);
	expect_true(r.out.len == 0, "expected no output from a refused program");
	exec_result_release(&r);
}

static void an_empty_argv_is_refused_with_einval(void **state)
{
	const char *const argv[] = {NULL};
	struct exec_result r;

	exec_result_init(&r);
	expect_true(exec_run(argv, 5000, 0, &r) == -EINVAL, "expected -EINVAL for an empty argv");
	exec_result_release(&r);
}

static void a_program_past_its_deadline_is_killed(void **state)
{
	const char *const argv[] = {"/bin/sleep", "10", NULL};
	struct exec_result r;
	uint64_t t0 = now_ms(), took;

	run_ok(argv, 300, 0, &r);
	took = now_ms() - t0;
	expect_true(r.timed_out, "expected timed_out for sleep 10 with a 300 ms deadline");
	expect_true(took < 5000, "expected exec_run to return well before 5 s, took %llu ms",
		    (unsigned long long)took);
	expect_true(r.status == -SIGKILL, "expected status -%d (SIGKILL), got %d", SIGKILL, r.status);
	exec_result_release(&r);
}

static void a_background_child_holding_the_pipe_is_killed_at_the_deadline(void **state)
{
	/* the shell exits at once, its child keeps stdout open */
	const char *const argv[] = {"/bin/sh", "-c", "/bin/sleep 10 & echo started", NULL};
	struct exec_result r;
	uint64_t t0 = now_ms(), took;

	run_ok(argv, 500, 0, &r);
	took = now_ms() - t0;
	expect_true(took < 5000, "expected exec_run to return well before 5 s, took %llu ms",
		    (unsigned long long)took);
	expect_str(r.out.buf, "started\n", "output before the deadline");
	expect_true(r.timed_out, "expected timed_out while a child still held the pipe");
	exec_result_release(&r);
}

static void output_beyond_the_cap_is_dropped_and_marked_truncated(void **state)
{
	const char *const argv[] = {"/usr/bin/head", "-c", "100000", "/dev/zero", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 1000, &r);
	expect_true(r.truncated, "expected truncated for 100000 bytes with a 1000-byte cap");
	expect_true(r.out.len == 1000, "expected exactly 1000 bytes kept, got %zu", r.out.len);
	expect_true(r.status == 0, "expected head to finish with status 0, got %d", r.status);
	exec_result_release(&r);
}

static void endless_output_is_capped_and_stopped_at_the_deadline(void **state)
{
	const char *const argv[] = {"/usr/bin/yes", NULL};
	struct exec_result r;
	uint64_t t0 = now_ms(), took;

	run_ok(argv, 1000, 1000, &r);
	took = now_ms() - t0;
	expect_true(r.truncated, "expected truncated for yes with a 1000-byte cap");
	expect_true(r.timed_out, "expected timed_out for yes with a 1 s deadline");
	expect_true(r.out.len == 1000, "expected exactly 1000 bytes kept, got %zu", r.out.len);
	expect_true(took < 5000, "expected exec_run to return well before 5 s, took %llu ms",
		    (unsigned long long)took);
	exec_result_release(&r);
}

static void the_environment_is_clean_with_lc_all_c(void **state)
{
	const char *const argv[] = {"/usr/bin/env", NULL};
	struct exec_result r;

	setenv("SSHD_TEST_SECRET", "must-not-leak", 1);
	run_ok(argv, 5000, 0, &r);
	unsetenv("SSHD_TEST_SECRET");
	expect_true(strncmp(r.out.buf, "LC_ALL=C\n", 9) == 0 || strstr(r.out.buf, "\nLC_ALL=C\n") != NULL,
		    "expected LC_ALL=C in the environment, got:\n%s", r.out.buf);
	expect_true(strstr(r.out.buf, "SSHD_TEST_SECRET") == NULL,
		    "expected a variable of ours not to reach the program, got:\n%s", r.out.buf);
	exec_result_release(&r);
}

static void stdin_is_dev_null(void **state)
{
	const char *const argv[] = {"/bin/cat", NULL};
	struct exec_result r;

	run_ok(argv, 5000, 0, &r);
	expect_true(!r.timed_out, "expected cat to see end of file at once, not to wait for the deadline");
	expect_true(r.out.len == 0, "expected no output from cat of /dev/null, got %zu bytes", r.out.len);
	expect_true(r.status == 0, "expected status 0, got %d", r.status);
	expect_true(r.duration_ms < 2000, "expected cat to return at once, took %llu ms",
		    (unsigned long long)r.duration_ms);
	exec_result_release(&r);
}

static void no_descriptor_of_ours_leaks_into_the_program(void **state)
{
	/* /proc/self/fd of ls itself: 0, 1, 2 and the directory it reads */
	const char *const argv[] = {"/bin/ls", "/proc/self/fd", NULL};
	struct exec_result r;
	FILE *f = fopen("/dev/null", "r");   /* an fd of ours, without CLOEXEC */
	size_t lines = 0;

	run_ok(argv, 5000, 0, &r);
	for (const char *p = r.out.buf; *p; p++)
		lines += *p == '\n';
	if (f)
		fclose(f);
	expect_true(lines <= 4, "expected only 0, 1, 2 (and ls's own) open in the program, got:\n%s",
		    r.out.buf);
	exec_result_release(&r);
}

static void exec_find_finds_sh_in_a_system_folder(void **state)
{
	char path[256];

	expect_true(exec_find("sh", path, sizeof(path)) == 0, "expected sh to be found");
	expect_true(path[0] == '/', "expected an absolute path, got '%s'", path);
	expect_true(strlen(path) > 3 && strcmp(path + strlen(path) - 3, "/sh") == 0,
		    "expected a path ending in /sh, got '%s'", path);
}

static void exec_find_does_not_find_a_missing_program(void **state)
{
	char path[256];

	expect_true(exec_find("no-such-program-xyz", path, sizeof(path)) == -1,
		    "expected -1 for no-such-program-xyz");
}

static void exec_find_refuses_a_name_with_a_slash(void **state)
{
	char path[256];

	expect_true(exec_find("bin/sh", path, sizeof(path)) == -1, "expected -1 for a name with '/'");
}

static void exec_find_fails_when_the_path_does_not_fit(void **state)
{
	char path[4];

	expect_true(exec_find("sh", path, sizeof(path)) == -1,
		    "expected -1 when no folder's path fits in 4 bytes");
}

struct hook_seen {
	int calls;
	char first[64];
};

static int fake_spawner(void *ctx, const char *const argv[], struct exec_result *r)
{
	struct hook_seen *seen = ctx;

	seen->calls++;
	snprintf(seen->first, sizeof(seen->first), "%s", argv[0]);
	strbuf_addstr(&r->out, "recorded output\n");
	r->status = 7;
	return 0;
}

static void a_hook_replaces_the_spawner_until_cleared(void **state)
{
	const char *const argv[] = {"/nonexistent/recorded-program", "x", NULL};
	const char *const echo[] = {"/bin/echo", "real", NULL};
	struct hook_seen seen = {0};
	struct exec_result r;
	int rc;

	exec_set_hook(fake_spawner, &seen);
	exec_result_init(&r);
	rc = exec_run(argv, 5000, 0, &r);
	exec_set_hook(NULL, NULL);
	expect_true(rc == 0, "expected the hook's return 0, got %d", rc);
	expect_true(seen.calls == 1, "expected the hook to be called once, got %d", seen.calls);
	expect_str(seen.first, "/nonexistent/recorded-program", "argv[0] the hook saw");
	expect_str(r.out.buf, "recorded output\n", "output from the hook");
	expect_true(r.status == 7, "expected the hook's status 7, got %d", r.status);
	exec_result_release(&r);

	run_ok(echo, 5000, 0, &r);
	expect_true(seen.calls == 1, "expected the hook not to be called after clearing it");
	expect_str(r.out.buf, "real\n", "output of the real echo after clearing the hook");
	exec_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_output_is_captured_with_status_0),
		cmocka_unit_test(arguments_reach_the_program_unchanged_without_a_shell),
		cmocka_unit_test(exit_status_3_is_reported),
		cmocka_unit_test(death_by_signal_is_a_negative_status),
		cmocka_unit_test(stderr_is_captured_apart_from_stdout),
		cmocka_unit_test(a_missing_program_fails_with_enoent),
		cmocka_unit_test(a_file_without_execute_permission_fails_with_eacces),
		cmocka_unit_test(a_relative_path_is_refused_with_einval),
		cmocka_unit_test(an_empty_argv_is_refused_with_einval),
		cmocka_unit_test(a_program_past_its_deadline_is_killed),
		cmocka_unit_test(a_background_child_holding_the_pipe_is_killed_at_the_deadline),
		cmocka_unit_test(output_beyond_the_cap_is_dropped_and_marked_truncated),
		cmocka_unit_test(endless_output_is_capped_and_stopped_at_the_deadline),
		cmocka_unit_test(the_environment_is_clean_with_lc_all_c),
		cmocka_unit_test(stdin_is_dev_null),
		cmocka_unit_test(no_descriptor_of_ours_leaks_into_the_program),
		cmocka_unit_test(exec_find_finds_sh_in_a_system_folder),
		cmocka_unit_test(exec_find_does_not_find_a_missing_program),
		cmocka_unit_test(exec_find_refuses_a_name_with_a_slash),
		cmocka_unit_test(exec_find_fails_when_the_path_does_not_fit),
		cmocka_unit_test(a_hook_replaces_the_spawner_until_cleared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

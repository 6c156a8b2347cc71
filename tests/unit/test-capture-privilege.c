/* SPDX-License-Identifier: MIT */
/* Which user a client run started as root becomes (privilege_user_for), and
 * that an unplanned drop changes nothing. The drop itself is tested for real
 * by the scenario least_privilege, which reads /proc of the running program. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture/privilege.h"

struct user_case {
	const char *name;
	const char *sudo_uid, *sudo_gid;
	unsigned long uid, gid;
};

static const struct user_case user_cases[] = {
	{"the user sudo names is the one run as", "1000", "1001", 1000, 1001},
	{"without sudo's variables the run goes on as nobody", NULL, NULL, 65534, 65534},
	{"a uid without a gid is not enough: nobody", "1000", NULL, 65534, 65534},
	{"sudo run by root names root: nobody instead", "0", "0", 65534, 65534},
	{"a uid that is not a number: nobody", "10x0", "1000", 65534, 65534},
	{"an empty uid: nobody", "", "", 65534, 65534},
	{"a negative gid: nobody", "1000", "-5", 65534, 65534},
	{"a uid too large for uid_t: nobody", "99999999999999999999", "1000", 65534, 65534},
	{"the all-ones uid (-1 to setuid) is refused: nobody", "4294967295", "1000", 65534, 65534},
};

static void test_user(void **state)
{
	const struct user_case *c = *state;
	uid_t uid = 0;
	gid_t gid = 0;

	privilege_user_for(c->sudo_uid, c->sudo_gid, &uid, &gid);
	if ((unsigned long)uid != c->uid || (unsigned long)gid != c->gid)
		fail_msg("SUDO_UID=%s SUDO_GID=%s: expected %lu/%lu, got %lu/%lu",
			 c->sudo_uid ? c->sudo_uid : "(unset)", c->sudo_gid ? c->sudo_gid : "(unset)",
			 c->uid, c->gid, (unsigned long)uid, (unsigned long)gid);
}

static void an_unplanned_drop_changes_nothing(void **state)
{
	char err[128] = "";
	uid_t before = geteuid();

	(void)state;
	assert_false(privilege_planned());
	assert_int_equal(privilege_drop(err, sizeof(err)), 0);
	privilege_drop_thread();
	assert_int_equal(geteuid(), before);
	assert_string_equal(err, "");
}

int main(void)
{
	struct CMUnitTest tests[sizeof(user_cases) / sizeof(user_cases[0]) + 1];
	size_t k = 0;

	for (size_t i = 0; i < sizeof(user_cases) / sizeof(user_cases[0]); i++) {
		memset(&tests[k], 0, sizeof(tests[k]));
		tests[k].name = user_cases[i].name;
		tests[k].test_func = test_user;
		tests[k].initial_state = (void *)&user_cases[i];
		k++;
	}
	tests[k++] = (struct CMUnitTest)cmocka_unit_test(an_unplanned_drop_changes_nothing);
	return _cmocka_run_group_tests("privilege", tests, k, NULL, NULL);
}

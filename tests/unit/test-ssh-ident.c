/* SPDX-License-Identifier: MIT */
/* ssh-ident: the server's platform from the identification string it sent,
 * as each system's OpenSSH writes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/parse/parse-ssh-ident.h"

static const struct {
	const char *ident;
	const char *platform;     /* NULL: the line does not say */
	const char *what;
} rows[] = {
	{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "debian", "Debian 12"},
	{"SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u4", "debian", "Debian 10"},
	{"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", "ubuntu", "Ubuntu 24.04"},
	{"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", "ubuntu", "Ubuntu 22.04"},
	{"SSH-2.0-OpenSSH_7.9p1 Raspbian-10+deb10u2", "debian", "Raspbian"},
	{"SSH-2.0-OpenSSH_9.7 FreeBSD-20240806", "freebsd", "FreeBSD"},
	{"SSH-2.0-OpenSSH_for_Windows_9.5", "windows", "Windows"},
	{"SSH-2.0-OpenSSH_8.7", NULL, "RHEL 9 ships upstream's line"},
	{"SSH-2.0-OpenSSH_9.8", NULL, "macOS ships upstream's line"},
	{"SSH-2.0-OpenSSH_9.9", NULL, "Fedora and Arch too"},
	{"SSH-2.0-dropbear_2022.83", NULL, "dropbear says nothing of its system"},
	{"SSH-2.0-OpenSSH_9.2p1 Debian", NULL, "a mark without its dash is no mark"},
	{"SSH-2.0-Go", NULL, "a software version alone"},
	{"SSH-1.99-OpenSSH_3.9p1 Debian-1", "debian", "protocol 1.99 too"},
	{"HTTP/1.0 400 Bad Request", NULL, "not an identification"},
	{"SSH-", NULL, "cut short"},
	{"", NULL, "empty"},
};

static void each_identification_gives_its_platform(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = platform_from_ssh_ident(rows[i].ident);

		if ((got == NULL) != (rows[i].platform == NULL) ||
		    (got != NULL && strcmp(got, rows[i].platform) != 0))
			fail_msg("%s (\"%s\"): expected %s, got %s", rows[i].what, rows[i].ident,
				 rows[i].platform ? rows[i].platform : "unknown", got ? got : "unknown");
	}
}

static void no_line_is_an_unknown_platform(void **state)
{
	(void)state;
	assert_null(platform_from_ssh_ident(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_identification_gives_its_platform),
		cmocka_unit_test(no_line_is_an_unknown_platform),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

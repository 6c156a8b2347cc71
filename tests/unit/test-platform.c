/* SPDX-License-Identifier: MIT */
/* platform: which commands a person would type, decided from the text of
 * /etc/os-release as each distribution ships it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/os/os.h"
#include "engine/parse/parse-os-release.h"

/* Expects text to be judged as platform want. */
#define expect_platform(text, want, what) do { \
	const char *got_ = platform_from_os_release(text); \
	if (got_ == NULL || strcmp(got_, (want)) != 0) \
		fail_msg("%s: expected platform \"%s\", got \"%s\"", (what), (want), \
			 got_ ? got_ : "(null)"); \
} while (0)

static void debian_is_debian(void **state)
{
	expect_platform("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
			"NAME=\"Debian GNU/Linux\"\n"
			"VERSION_ID=\"12\"\n"
			"VERSION_CODENAME=bookworm\n"
			"ID=debian\n"
			"HOME_URL=\"https://www.debian.org/\"\n", "debian", "Debian 12");
}

static void ubuntu_is_debian_through_id_like(void **state)
{
	expect_platform("PRETTY_NAME=\"Ubuntu 24.04 LTS\"\n"
			"NAME=\"Ubuntu\"\n"
			"VERSION_ID=\"24.04\"\n"
			"ID=ubuntu\n"
			"ID_LIKE=debian\n", "debian", "Ubuntu 24.04");
}

static void linux_mint_is_debian_through_a_quoted_id_like_list(void **state)
{
	expect_platform("NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n",
			"debian", "Linux Mint");
}

static void rhel_is_rhel(void **state)
{
	expect_platform("NAME=\"Red Hat Enterprise Linux\"\n"
			"VERSION=\"9.4 (Plow)\"\n"
			"ID=\"rhel\"\n"
			"ID_LIKE=\"fedora\"\n"
			"VERSION_ID=\"9.4\"\n", "rhel", "RHEL 9");
}

static void rocky_is_rhel_through_id_like(void **state)
{
	expect_platform("NAME=\"Rocky Linux\"\n"
			"VERSION=\"9.3 (Blue Onyx)\"\n"
			"ID=\"rocky\"\n"
			"ID_LIKE=\"rhel centos fedora\"\n"
			"VERSION_ID=\"9.3\"\n", "rhel", "Rocky Linux 9");
}

static void almalinux_is_rhel_through_id_like(void **state)
{
	expect_platform("ID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\n", "rhel", "AlmaLinux");
}

static void fedora_is_rhel(void **state)
{
	expect_platform("NAME=\"Fedora Linux\"\nVERSION=\"40 (Server Edition)\"\nID=fedora\n",
			"rhel", "Fedora 40");
}

static void centos_stream_is_rhel(void **state)
{
	expect_platform("ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n", "rhel", "CentOS Stream");
}

static void alpine_is_plain_linux(void **state)
{
	expect_platform("NAME=\"Alpine Linux\"\n"
			"ID=alpine\n"
			"VERSION_ID=3.20.0\n"
			"PRETTY_NAME=\"Alpine Linux v3.20\"\n"
			"HOME_URL=\"https://alpinelinux.org/\"\n", "linux", "Alpine");
}

static void arch_is_plain_linux(void **state)
{
	expect_platform("NAME=\"Arch Linux\"\nID=arch\nBUILD_ID=rolling\n", "linux", "Arch");
}

static void single_quotes_are_removed_too(void **state)
{
	expect_platform("ID='debian'\n", "debian", "ID='debian'");
}

static void uppercase_ids_are_read_without_case(void **state)
{
	expect_platform("ID=Fedora\n", "rhel", "ID=Fedora");
}

static void debian_in_other_keys_does_not_count(void **state)
{
	expect_platform("NAME=\"Debian-like\"\nPRETTY_NAME=\"debian\"\nID=alpine\n"
			"HOME_URL=\"https://www.debian.org/\"\n", "linux", "debian only outside ID");
}

static void a_word_that_only_contains_debian_does_not_count(void **state)
{
	expect_platform("ID=notdebian\nID_LIKE=\"fedoraish\"\n", "linux", "ID=notdebian");
}

static void an_id_line_without_final_newline_is_read(void **state)
{
	expect_platform("NAME=x\nID=ubuntu", "debian", "ID=ubuntu at the very end");
}

static void empty_text_is_plain_linux(void **state)
{
	expect_platform("", "linux", "an empty os-release");
}

static void a_very_long_id_like_does_not_overflow_and_later_ids_are_safe(void **state)
{
	char text[4096];
	size_t n = 0;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "ID_LIKE=\"");
	while (n < 2000)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "other ");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "\"\nID=x\nID=y\nID=z\n");
	expect_platform(text, "linux", "an ID_LIKE longer than the list kept");
}

static void platform_name_is_one_of_the_four(void **state)
{
	const char *p = os_native()->platform();

	if (strcmp(p, "debian") != 0 && strcmp(p, "rhel") != 0 && strcmp(p, "linux") != 0 &&
	    strcmp(p, "macos") != 0)
		fail_msg("expected debian, rhel, linux or macos, got \"%s\"", p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(debian_is_debian),
		cmocka_unit_test(ubuntu_is_debian_through_id_like),
		cmocka_unit_test(linux_mint_is_debian_through_a_quoted_id_like_list),
		cmocka_unit_test(rhel_is_rhel),
		cmocka_unit_test(rocky_is_rhel_through_id_like),
		cmocka_unit_test(almalinux_is_rhel_through_id_like),
		cmocka_unit_test(fedora_is_rhel),
		cmocka_unit_test(centos_stream_is_rhel),
		cmocka_unit_test(alpine_is_plain_linux),
		cmocka_unit_test(arch_is_plain_linux),
		cmocka_unit_test(single_quotes_are_removed_too),
		cmocka_unit_test(uppercase_ids_are_read_without_case),
		cmocka_unit_test(debian_in_other_keys_does_not_count),
		cmocka_unit_test(a_word_that_only_contains_debian_does_not_count),
		cmocka_unit_test(an_id_line_without_final_newline_is_read),
		cmocka_unit_test(empty_text_is_plain_linux),
		cmocka_unit_test(a_very_long_id_like_does_not_overflow_and_later_ids_are_safe),
		cmocka_unit_test(platform_name_is_one_of_the_four),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* hosts-file: where an address came from (/etc/hosts) and which DNS servers
 * the system asks (/etc/resolv.conf), read from text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/parse/hosts-file.h"
#include "engine/util.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

/* Expects list to hold exactly the n strings of want, in order. */
static void expect_list(const struct strv *list, const char *const *want, size_t n, const char *what)
{
	struct strbuf got;

	strbuf_init(&got);
	for (size_t i = 0; i < list->n; i++)
		strbuf_addf(&got, "%s'%s'", i ? ", " : "", list->v[i]);
	if (list->n != n) {
		print_error("%s: expected %zu entries, got %zu: %s\n", what, n, list->n, got.buf);
		strbuf_release(&got);
		fail();
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(list->v[i], want[i]) != 0) {
			print_error("%s: expected '%s' at %zu, got %s\n", what, want[i], i, got.buf);
			strbuf_release(&got);
			fail();
		}
	strbuf_release(&got);
}

/* Looks name up in text and expects exactly the n addresses of want. */
static void expect_lookup(const char *text, const char *name, const char *const *want, size_t n)
{
	struct strv addrs;
	size_t found;

	strv_init(&addrs);
	found = hosts_file_lookup(text, strlen(text), name, &addrs);
	expect_true(found == n, "expected lookup of '%s' to return %zu, got %zu", name, n, found);
	expect_list(&addrs, want, n, name);
	strv_release(&addrs);
}

static const char hosts[] =
	"# /etc/hosts\n"
	"127.0.0.1\tlocalhost\n"
	"::1\t\tlocalhost ip6-localhost ip6-loopback\n"
	"\n"
	"192.0.2.10   build.example.com build   ci  # the build box\n"
	"#192.0.2.99  build.example.com\n"
	"192.0.2.11   Web.Example.COM web\n"
	"2001:db8::11 web.example.com\n"
	"192.0.2.12   srv1\n"
	"192.0.2.13   #srv2\n";

static void a_name_gives_the_address_of_its_line(void **state)
{
	static const char *const want[] = {"192.0.2.12"};

	expect_lookup(hosts, "srv1", want, 1);
}

static void names_compare_without_case(void **state)
{
	static const char *const want[] = {"192.0.2.10"};

	expect_lookup(hosts, "BUILD.example.com", want, 1);
}

static void an_alias_gives_the_address_of_its_line(void **state)
{
	static const char *const want[] = {"192.0.2.10"};

	expect_lookup(hosts, "ci", want, 1);
}

static void a_commented_out_line_gives_nothing(void **state)
{
	/* 192.0.2.99 is only on a line starting with '#' */
	static const char *const want[] = {"192.0.2.10"};

	expect_lookup(hosts, "build.example.com", want, 1);
}

static void a_name_after_a_comment_mark_gives_nothing(void **state)
{
	expect_lookup(hosts, "srv2", NULL, 0);
}

static void several_lines_give_several_addresses_in_file_order(void **state)
{
	static const char *const want[] = {"192.0.2.11", "2001:db8::11"};

	expect_lookup(hosts, "web.example.com", want, 2);
}

static void an_ipv6_line_gives_its_address(void **state)
{
	static const char *const want[] = {"127.0.0.1", "::1"};

	expect_lookup(hosts, "localhost", want, 2);
	{
		static const char *const v6[] = {"::1"};

		expect_lookup(hosts, "ip6-loopback", v6, 1);
	}
}

static void a_prefix_of_a_name_does_not_match(void **state)
{
	expect_lookup(hosts, "srv", NULL, 0);
	expect_lookup(hosts, "build.example", NULL, 0);
}

static void an_address_is_not_a_name(void **state)
{
	expect_lookup(hosts, "192.0.2.12", NULL, 0);
}

static void an_address_listed_twice_is_given_once(void **state)
{
	static const char *const want[] = {"192.0.2.5"};

	expect_lookup("192.0.2.5 twice\n192.0.2.5 twice\n", "twice", want, 1);
}

static void crlf_lines_and_a_missing_final_newline_are_read(void **state)
{
	static const char *const want[] = {"192.0.2.1", "192.0.2.2"};

	expect_lookup("192.0.2.1 dos\r\n192.0.2.2 dos", "dos", want, 2);
}

static void an_empty_file_gives_nothing(void **state)
{
	expect_lookup("", "localhost", NULL, 0);
}

static void addresses_are_appended_to_what_the_list_holds(void **state)
{
	struct strv addrs;
	static const char *const want[] = {"198.51.100.1", "192.0.2.12"};

	strv_init(&addrs);
	strv_push(&addrs, "198.51.100.1");
	hosts_file_lookup(hosts, strlen(hosts), "srv1", &addrs);
	expect_list(&addrs, want, 2, "list after lookup");
	strv_release(&addrs);
}

/* resolv_conf_servers */

static void expect_servers(const char *text, const char *const *want, size_t n)
{
	struct strv servers;
	size_t found;

	strv_init(&servers);
	found = resolv_conf_servers(text, strlen(text), &servers);
	expect_true(found == n, "expected %zu servers, got %zu", n, found);
	expect_list(&servers, want, n, "nameservers");
	strv_release(&servers);
}

static void nameserver_lines_give_servers_in_order(void **state)
{
	static const char *const want[] = {"192.0.2.53", "2001:db8::53", "198.51.100.53"};

	expect_servers("# generated\n"
		       "search example.com\n"
		       "nameserver 192.0.2.53\n"
		       "options edns0 trust-ad\n"
		       "nameserver\t2001:db8::53\n"
		       "nameserver 198.51.100.53 # third\n", want, 3);
}

static void commented_nameservers_are_ignored(void **state)
{
	static const char *const want[] = {"192.0.2.53"};

	expect_servers("#nameserver 10.0.0.1\n; nameserver 10.0.0.2\nnameserver 192.0.2.53\n", want, 1);
}

static void a_nameserver_line_without_address_is_ignored(void **state)
{
	expect_servers("nameserver\nnameserver   \n", NULL, 0);
}

static void a_keyword_that_only_starts_with_nameserver_is_ignored(void **state)
{
	expect_servers("nameservers 10.0.0.1\n", NULL, 0);
}

static void a_systemd_resolved_stub_gives_its_address(void **state)
{
	static const char *const want[] = {"127.0.0.53"};

	expect_servers("nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .", want, 1);
}

static void a_server_with_control_bytes_is_made_printable(void **state)
{
	static const char *const want[] = {"10.0.0.1\\x1b[31m"};

	expect_servers("nameserver 10.0.0.1\x1b[31m\n", want, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_name_gives_the_address_of_its_line),
		cmocka_unit_test(names_compare_without_case),
		cmocka_unit_test(an_alias_gives_the_address_of_its_line),
		cmocka_unit_test(a_commented_out_line_gives_nothing),
		cmocka_unit_test(a_name_after_a_comment_mark_gives_nothing),
		cmocka_unit_test(several_lines_give_several_addresses_in_file_order),
		cmocka_unit_test(an_ipv6_line_gives_its_address),
		cmocka_unit_test(a_prefix_of_a_name_does_not_match),
		cmocka_unit_test(an_address_is_not_a_name),
		cmocka_unit_test(an_address_listed_twice_is_given_once),
		cmocka_unit_test(crlf_lines_and_a_missing_final_newline_are_read),
		cmocka_unit_test(an_empty_file_gives_nothing),
		cmocka_unit_test(addresses_are_appended_to_what_the_list_holds),
		cmocka_unit_test(nameserver_lines_give_servers_in_order),
		cmocka_unit_test(commented_nameservers_are_ignored),
		cmocka_unit_test(a_nameserver_line_without_address_is_ignored),
		cmocka_unit_test(a_keyword_that_only_starts_with_nameserver_is_ignored),
		cmocka_unit_test(a_systemd_resolved_stub_gives_its_address),
		cmocka_unit_test(a_server_with_control_bytes_is_made_printable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

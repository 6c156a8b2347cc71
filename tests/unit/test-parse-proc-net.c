/* SPDX-License-Identifier: MIT */
/* /proc/net/tcp{,6} parser, on recorded tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "fixture.h"

#include "engine/parse/parse-proc-net.h"
#include "engine/util.h"

static char *fixture(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "server/proc-net/%s", name);
	return fixture_load(rel, len);
}

static void load(struct proc_net_table *t, const char *name, int family, bool listen_only)
{
	size_t len;
	char *buf = fixture(name, &len);

	proc_net_table_init(t);
	if (proc_net_parse(t, buf, len, family, PROC_NET_LITTLE_ENDIAN, listen_only) != 0)
		fail_msg("expected '%s' to parse", name);
	free(buf);
}

static const struct proc_net_socket *find_port(const struct proc_net_table *t, unsigned port)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].port == port)
			return &t->v[i];
	return NULL;
}

static void test_v4_listener_on_loopback_is_decoded(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;

	load(&t, "tcp-nc-127.0.0.1-2222.txt", AF_INET, true);
	s = find_port(&t, 2222);
	if (s == NULL)
		fail_msg("expected a listener on port 2222 (nc -l 127.0.0.1 2222)");
	assert_string_equal(s->addr, "127.0.0.1");
	assert_true(s->loopback);
	assert_false(s->wildcard);
	assert_int_equal(s->inode, 9761);
	assert_int_equal(s->state, PROC_NET_TCP_LISTEN);
	proc_net_table_release(&t);
}

static void test_listen_only_skips_time_wait_rows(void **state)
{
	struct proc_net_table t;

	load(&t, "tcp-nc-127.0.0.1-2222.txt", AF_INET, true);
	if (t.n != 2)
		fail_msg("expected 2 listeners (2024 and 2222), got %zu", t.n);
	assert_int_equal(t.bad_lines, 0);
	proc_net_table_release(&t);
	load(&t, "tcp-nc-127.0.0.1-2222.txt", AF_INET, false);
	if (t.n != 4)
		fail_msg("expected 4 sockets with listen_only off, got %zu", t.n);
	assert_string_equal(t.v[2].remote, "203.0.113.80");
	assert_int_equal(t.v[2].remote_port, 80);
	proc_net_table_release(&t);
}

static void test_wildcard_v4_listener(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;

	load(&t, "tcp-nc-127.0.0.1-2222.txt", AF_INET, true);
	s = find_port(&t, 2024);
	assert_non_null(s);
	assert_string_equal(s->addr, "0.0.0.0");
	assert_true(s->wildcard);
	proc_net_table_release(&t);
}

static void test_v6_loopback_listener(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;

	load(&t, "tcp6-nc-loopback.txt", AF_INET6, true);
	s = find_port(&t, 2223);
	if (s == NULL)
		fail_msg("expected a listener on [::1]:2223");
	assert_string_equal(s->addr, "::1");
	assert_true(s->loopback);
	assert_false(s->v4mapped);
	proc_net_table_release(&t);
}

static void test_v4_mapped_listener_is_flagged(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;

	load(&t, "tcp6-nc-loopback.txt", AF_INET6, true);
	s = find_port(&t, 2224);
	if (s == NULL)
		fail_msg("expected a listener on [::ffff:127.0.0.1]:2224");
	assert_true(s->v4mapped);
	assert_string_equal(s->addr, "::ffff:127.0.0.1");
	assert_string_equal(s->v4, "127.0.0.1");
	assert_true(s->loopback);
	proc_net_table_release(&t);
}

static void test_v6_any_and_established_rows(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;

	load(&t, "tcp6-sshd-any.txt", AF_INET6, false);
	assert_int_equal(t.n, 3);
	s = &t.v[0];
	assert_string_equal(s->addr, "::");
	assert_int_equal(s->port, 22);
	assert_true(s->wildcard);
	s = &t.v[2];
	assert_string_equal(s->addr, "2001:db8::2");
	assert_string_equal(s->remote, "2001:db8::10");
	assert_int_equal(s->remote_port, 49572);
	assert_int_equal(s->state, 1);
	proc_net_table_release(&t);
}

static void test_find_listener_prefers_exact_then_wildcard(void **state)
{
	struct proc_net_table t;
	const struct proc_net_socket *s;
	size_t len;
	char *buf;

	load(&t, "tcp-nc-127.0.0.1-2222.txt", AF_INET, true);
	buf = fixture("tcp6-sshd-any.txt", &len);
	assert_int_equal(proc_net_parse(&t, buf, len, AF_INET6, PROC_NET_LITTLE_ENDIAN, true), 0);
	free(buf);

	s = proc_net_find_listener(&t, "127.0.0.1", 2222);
	assert_non_null(s);
	assert_string_equal(s->addr, "127.0.0.1");
	if (proc_net_find_listener(&t, "192.0.2.2", 2222) != NULL)
		fail_msg("expected nothing to accept 192.0.2.2:2222 (only 127.0.0.1 listens)");
	s = proc_net_find_listener(&t, "192.0.2.2", 2024);
	assert_non_null(s);
	assert_string_equal(s->addr, "0.0.0.0");
	/* an IPv4 client reaches a dual-stack [::]:22 */
	s = proc_net_find_listener(&t, "192.0.2.2", 22);
	assert_non_null(s);
	assert_string_equal(s->addr, "::");
	assert_null(proc_net_find_listener(&t, "not-an-address", 22));
	proc_net_table_release(&t);
}

static void test_big_endian_text_is_read_in_its_order(void **state)
{
	const char *text =
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
		"   0: 7F000001:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n";
	struct proc_net_table t;

	proc_net_table_init(&t);
	assert_int_equal(proc_net_parse(&t, text, strlen(text), AF_INET, PROC_NET_BIG_ENDIAN, true), 0);
	assert_int_equal(t.n, 1);
	assert_string_equal(t.v[0].addr, "127.0.0.1");
	proc_net_table_release(&t);
}

static void test_garbage_is_counted_not_fatal(void **state)
{
	const char *text = "  sl  local_address\n   0: ZZZ\n\n   1: 0100007F:0016\n";
	struct proc_net_table t;

	proc_net_table_init(&t);
	assert_int_equal(proc_net_parse(&t, text, strlen(text), AF_INET, PROC_NET_LITTLE_ENDIAN, false), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.bad_lines, 2);
	if (proc_net_parse(&t, "hello\n", 6, AF_INET, PROC_NET_LITTLE_ENDIAN, false) != -1)
		fail_msg("expected text without the 'sl' header to be refused");
	if (proc_net_parse(&t, text, strlen(text), AF_UNIX, PROC_NET_LITTLE_ENDIAN, false) != -1)
		fail_msg("expected an unknown family to be refused");
	proc_net_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4_listener_on_loopback_is_decoded),
		cmocka_unit_test(test_listen_only_skips_time_wait_rows),
		cmocka_unit_test(test_wildcard_v4_listener),
		cmocka_unit_test(test_v6_loopback_listener),
		cmocka_unit_test(test_v4_mapped_listener_is_flagged),
		cmocka_unit_test(test_v6_any_and_established_rows),
		cmocka_unit_test(test_find_listener_prefers_exact_then_wildcard),
		cmocka_unit_test(test_big_endian_text_is_read_in_its_order),
		cmocka_unit_test(test_garbage_is_counted_not_fatal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

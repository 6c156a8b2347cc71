/* SPDX-License-Identifier: MIT */
/* target_parse and friends: every accepted form, every pasted ssh line,
 * every refused input, and that a refused input leaves the target alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/target.h"
#include "engine/util.h"

/* One accepted argument and the target it must give. */
struct accept_case {
	const char *name;
	const char *arg;
	const char *user;        /* NULL: none */
	const char *host;        /* NULL: none (a line that names no host) */
	int port;
	bool port_given;
	enum symptom symptom;
	const char *text;        /* expected symptom_text; NULL: none */
};

/* One refused argument and the error it must give. */
struct refuse_case {
	const char *name;
	const char *arg;
	int err;
};

#define V6 "2001:db8::1"

static const struct accept_case accept_cases[] = {
	{ "a dns name is a host", "example.com", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "a single label is a host", "srv", NULL, "srv", 22, false, SYMPTOM_NONE, NULL },
	{ "a name with '-' and '_' is a host", "my-host_1.lan", NULL, "my-host_1.lan", 22, false, SYMPTOM_NONE, NULL },
	{ "a rooted name keeps its trailing dot", "example.com.", NULL, "example.com.", 22, false, SYMPTOM_NONE, NULL },
	{ "user@host gives user and host", "alice@example.com", "alice", "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "host:port gives the port", "example.com:2222", NULL, "example.com", 2222, true, SYMPTOM_NONE, NULL },
	{ "user@host:port gives all three", "alice@example.com:2222", "alice", "example.com", 2222, true, SYMPTOM_NONE, NULL },
	{ "port 1 is the lowest port", "h:1", NULL, "h", 1, true, SYMPTOM_NONE, NULL },
	{ "port 65535 is the highest port", "h:65535", NULL, "h", 65535, true, SYMPTOM_NONE, NULL },
	{ "a port with leading zeros is its number", "h:022", NULL, "h", 22, true, SYMPTOM_NONE, NULL },
	{ "an ipv4 literal is a host", "192.0.2.1", NULL, "192.0.2.1", 22, false, SYMPTOM_NONE, NULL },
	{ "ipv4:port gives the port", "192.0.2.1:2222", NULL, "192.0.2.1", 2222, true, SYMPTOM_NONE, NULL },
	{ "[ipv6]:port gives address and port", "[" V6 "]:2222", NULL, V6, 2222, true, SYMPTOM_NONE, NULL },
	{ "[ipv6] alone gives the address", "[" V6 "]", NULL, V6, 22, false, SYMPTOM_NONE, NULL },
	{ "user@[ipv6]:port gives all three", "bob@[" V6 "]:2200", "bob", V6, 2200, true, SYMPTOM_NONE, NULL },
	{ "a bare ipv6 literal is a host without port", V6, NULL, V6, 22, false, SYMPTOM_NONE, NULL },
	{ "::1 is a host", "::1", NULL, "::1", 22, false, SYMPTOM_NONE, NULL },
	{ "user@bare ipv6 gives user and address", "bob@" V6, "bob", V6, 22, false, SYMPTOM_NONE, NULL },
	{ "an ipv6 literal with a zone is a host", "fe80::1%eth0", NULL, "fe80::1%eth0", 22, false, SYMPTOM_NONE, NULL },
	{ "[ipv6%zone]:port gives the port", "[fe80::1%eth0]:22", NULL, "fe80::1%eth0", 22, true, SYMPTOM_NONE, NULL },
	{ "an ipv4-mapped ipv6 literal is a host", "::ffff:192.0.2.1", NULL, "::ffff:192.0.2.1", 22, false, SYMPTOM_NONE, NULL },
	{ "a user may hold '@' (user@domain accounts)", "alice@corp.example@srv", "alice@corp.example", "srv", 22, false, SYMPTOM_NONE, NULL },
	{ "a user may hold '.', '_', '-' and '+'", "a.b_c-d+e@srv", "a.b_c-d+e", "srv", 22, false, SYMPTOM_NONE, NULL },
	{ "ssh:22 is host ssh on port 22", "ssh:22", NULL, "ssh", 22, true, SYMPTOM_NONE, NULL },
	{ "white space around a host is ignored", " \texample.com \r\n", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "ssh://host is a url", "ssh://example.com", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "ssh://host/ may end in a slash", "ssh://example.com/", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "ssh://user@host:port/ gives all three", "ssh://alice@example.com:2222/", "alice", "example.com", 2222, true, SYMPTOM_NONE, NULL },
	{ "ssh://[ipv6]:port gives address and port", "ssh://[" V6 "]:2222", NULL, V6, 2222, true, SYMPTOM_NONE, NULL },
	{ "the ssh:// scheme is case-insensitive", "SSH://example.com", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL },
	{ "a label of 63 characters is a host",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	  NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example",
	  22, false, SYMPTOM_NONE, NULL },

	/* pasted lines */
	{ "a refused line gives host, port and refused",
	  "ssh: connect to host example.com port 2222: Connection refused",
	  NULL, "example.com", 2222, true, SYMPTOM_REFUSED,
	  "ssh: connect to host example.com port 2222: Connection refused" },
	{ "a refused line with a trailing newline is taken",
	  "ssh: connect to host example.com port 22: Connection refused\n",
	  NULL, "example.com", 22, true, SYMPTOM_REFUSED,
	  "ssh: connect to host example.com port 22: Connection refused" },
	{ "a refused line with CR LF and spaces around is taken",
	  "  ssh: connect to host example.com port 22: Connection refused\r\n",
	  NULL, "example.com", 22, true, SYMPTOM_REFUSED,
	  "ssh: connect to host example.com port 22: Connection refused" },
	{ "a refused line with a bare ipv6 host gives the address",
	  "ssh: connect to host " V6 " port 22: Connection refused",
	  NULL, V6, 22, true, SYMPTOM_REFUSED,
	  "ssh: connect to host " V6 " port 22: Connection refused" },
	{ "a refused line with an ipv4 host gives the address",
	  "ssh: connect to host 192.0.2.2 port 22: Connection refused",
	  NULL, "192.0.2.2", 22, true, SYMPTOM_REFUSED,
	  "ssh: connect to host 192.0.2.2 port 22: Connection refused" },
	{ "a 'connection timed out' line gives timed_out",
	  "ssh: connect to host srv port 22: Connection timed out",
	  NULL, "srv", 22, true, SYMPTOM_TIMED_OUT,
	  "ssh: connect to host srv port 22: Connection timed out" },
	{ "a macos 'operation timed out' line gives timed_out",
	  "ssh: connect to host srv port 22: Operation timed out",
	  NULL, "srv", 22, true, SYMPTOM_TIMED_OUT,
	  "ssh: connect to host srv port 22: Operation timed out" },
	{ "a 'no route to host' line gives no_route",
	  "ssh: connect to host srv port 22: No route to host",
	  NULL, "srv", 22, true, SYMPTOM_NO_ROUTE,
	  "ssh: connect to host srv port 22: No route to host" },
	{ "a 'network is unreachable' line gives net_unreachable",
	  "ssh: connect to host srv port 22: Network is unreachable",
	  NULL, "srv", 22, true, SYMPTOM_NET_UNREACHABLE,
	  "ssh: connect to host srv port 22: Network is unreachable" },
	{ "a glibc resolve line gives the host and no port",
	  "ssh: Could not resolve hostname nosuch.example: Name or service not known",
	  NULL, "nosuch.example", 22, false, SYMPTOM_RESOLVE,
	  "ssh: Could not resolve hostname nosuch.example: Name or service not known" },
	{ "a temporary-failure resolve line gives resolve",
	  "ssh: Could not resolve hostname srv: Temporary failure in name resolution",
	  NULL, "srv", 22, false, SYMPTOM_RESOLVE,
	  "ssh: Could not resolve hostname srv: Temporary failure in name resolution" },
	{ "a macos resolve line gives resolve",
	  "ssh: Could not resolve hostname srv: nodename nor servname provided, or not known",
	  NULL, "srv", 22, false, SYMPTOM_RESOLVE,
	  "ssh: Could not resolve hostname srv: nodename nor servname provided, or not known" },
	{ "a resolve line in another language keeps its utf-8 text",
	  "ssh: Could not resolve hostname srv: Name oder Dienst nicht bekannt \xc3\xa4",
	  NULL, "srv", 22, false, SYMPTOM_RESOLVE,
	  "ssh: Could not resolve hostname srv: Name oder Dienst nicht bekannt \xc3\xa4" },
	{ "a kex 'closed by remote host' line gives closed and no host",
	  "kex_exchange_identification: Connection closed by remote host",
	  NULL, NULL, 22, false, SYMPTOM_CLOSED,
	  "kex_exchange_identification: Connection closed by remote host" },
	{ "the older ssh_exchange_identification line gives closed",
	  "ssh_exchange_identification: Connection closed by remote host\n",
	  NULL, NULL, 22, false, SYMPTOM_CLOSED,
	  "ssh_exchange_identification: Connection closed by remote host" },
	{ "a kex 'reset by peer' line gives reset and no host",
	  "kex_exchange_identification: read: Connection reset by peer",
	  NULL, NULL, 22, false, SYMPTOM_RESET,
	  "kex_exchange_identification: read: Connection reset by peer" },
	{ "a kex 'reset by peer' line with the next line pasted gives its host and port",
	  "kex_exchange_identification: read: Connection reset by peer\nConnection reset by 192.0.2.130 port 2222\n",
	  NULL, "192.0.2.130", 2222, true, SYMPTOM_RESET,
	  "kex_exchange_identification: read: Connection reset by peer / Connection reset by 192.0.2.130 port 2222" },
	{ "two lines pasted from a terminal that ends lines with CR LF",
	  "kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 192.0.2.130 port 22",
	  NULL, "192.0.2.130", 22, true, SYMPTOM_CLOSED,
	  "kex_exchange_identification: Connection closed by remote host / Connection closed by 192.0.2.130 port 22" },
	{ "a kex line whose line break became a space still takes the next line",
	  "kex_exchange_identification: read: Connection reset by peer Connection reset by 192.0.2.130 port 22",
	  NULL, "192.0.2.130", 22, true, SYMPTOM_RESET,
	  "kex_exchange_identification: read: Connection reset by peer Connection reset by 192.0.2.130 port 22" },
	{ "a kex line followed by a host (the host typed after the quoted line)",
	  "kex_exchange_identification: read: Connection reset by peer alice@srv:2200",
	  "alice", "srv", 2200, true, SYMPTOM_RESET,
	  "kex_exchange_identification: read: Connection reset by peer alice@srv:2200" },
	{ "a 'closed by H port P' line gives host, port and closed",
	  "Connection closed by 192.0.2.2 port 22",
	  NULL, "192.0.2.2", 22, true, SYMPTOM_CLOSED,
	  "Connection closed by 192.0.2.2 port 22" },
	{ "a 'reset by H port P' line gives host, port and reset, not closed",
	  "Connection reset by 192.0.2.2 port 2222",
	  NULL, "192.0.2.2", 2222, true, SYMPTOM_RESET,
	  "Connection reset by 192.0.2.2 port 2222" },
	{ "a 'closed by' line with a bare ipv6 host gives the address",
	  "Connection closed by " V6 " port 22",
	  NULL, V6, 22, true, SYMPTOM_CLOSED,
	  "Connection closed by " V6 " port 22" },
	{ "a 'closed by UNKNOWN port 65535' line names no host",
	  "Connection closed by UNKNOWN port 65535",
	  NULL, NULL, 22, false, SYMPTOM_CLOSED,
	  "Connection closed by UNKNOWN port 65535" },
	{ "a backslash in a pasted line is escaped in its text",
	  "ssh: Could not resolve hostname srv: a\\b",
	  NULL, "srv", 22, false, SYMPTOM_RESOLVE,
	  "ssh: Could not resolve hostname srv: a\\\\b" },
};

static const struct refuse_case refuse_cases[] = {
	/* no host */
	{ "an empty argument has no host", "", TARGET_EMPTY_HOST },
	{ "white space alone has no host", " \t\r\n", TARGET_EMPTY_HOST },
	{ "'@' alone has no host", "@", TARGET_EMPTY_HOST },
	{ "'user@' has no host", "user@", TARGET_EMPTY_HOST },
	{ "':22' has no host", ":22", TARGET_EMPTY_HOST },
	{ "'user@:22' has no host", "user@:22", TARGET_EMPTY_HOST },
	{ "'ssh://' has no host", "ssh://", TARGET_EMPTY_HOST },
	{ "'ssh:///' has no host", "ssh:///", TARGET_EMPTY_HOST },

	/* ports */
	{ "port 0 is refused", "example.com:0", TARGET_BAD_PORT },
	{ "port 70000 is refused", "example.com:70000", TARGET_BAD_PORT },
	{ "port 65536 is refused", "example.com:65536", TARGET_BAD_PORT },
	{ "a port of letters is refused", "example.com:abc", TARGET_BAD_PORT },
	{ "a port with letters after digits is refused", "example.com:22x", TARGET_BAD_PORT },
	{ "a negative port is refused", "example.com:-1", TARGET_BAD_PORT },
	{ "an empty port after ':' is refused", "example.com:", TARGET_BAD_PORT },
	{ "a port of many digits does not overflow", "example.com:99999999999999999999999", TARGET_BAD_PORT },
	{ "an empty port after [ipv6]: is refused", "[" V6 "]:", TARGET_BAD_PORT },
	{ "a url with port 0 is refused", "ssh://example.com:0", TARGET_BAD_PORT },

	/* ipv6 */
	{ "an unclosed bracket is refused", "[" V6, TARGET_BAD_IPV6 },
	{ "an unclosed bracket with a port is refused", "[" V6 ":22", TARGET_BAD_IPV6 },
	{ "a bracketed non-hex address is refused", "[zz::1]:22", TARGET_BAD_IPV6 },
	{ "empty brackets are refused", "[]", TARGET_BAD_IPV6 },
	{ "empty brackets with a port are refused", "[]:22", TARGET_BAD_IPV6 },
	{ "text after the closing bracket is refused", "[" V6 "]x", TARGET_BAD_IPV6 },
	{ "a bracketed ipv4 address is refused", "[192.0.2.1]:22", TARGET_BAD_IPV6 },
	{ "a bare malformed ipv6 literal is refused", "2001:db8::zz", TARGET_BAD_IPV6 },
	{ "three colons in a row are refused", "2001:::1", TARGET_BAD_IPV6 },
	{ "an empty ipv6 zone is refused", "fe80::1%", TARGET_BAD_IPV6 },
	{ "an ipv6 zone with a slash is refused", "fe80::1%eth/0", TARGET_BAD_IPV6 },

	/* control characters and bytes outside utf-8 */
	{ "an escape in the host is refused", "exa\x1bmple.com", TARGET_CONTROL_CHARS },
	{ "an ansi colour sequence is refused", "\x1b[31mexample.com", TARGET_CONTROL_CHARS },
	{ "a delete byte is refused", "example.com\x7f", TARGET_CONTROL_CHARS },
	{ "a ctrl-a byte is refused", "\x01" "example.com", TARGET_CONTROL_CHARS },
	{ "a newline inside the argument is refused", "example.com\nother", TARGET_CONTROL_CHARS },
	{ "a carriage return inside the argument is refused", "example.com\r:22", TARGET_CONTROL_CHARS },
	{ "a byte 0xff is refused", "ex\xff" "ample.com", TARGET_CONTROL_CHARS },
	{ "a lone utf-8 continuation byte is refused", "ex\x80" "ample.com", TARGET_CONTROL_CHARS },
	{ "a truncated utf-8 sequence is refused", "example.com\xc3", TARGET_CONTROL_CHARS },
	{ "an overlong utf-8 slash is refused", "ex\xc0\xaf" "ample.com", TARGET_CONTROL_CHARS },
	{ "a c1 control (csi) in utf-8 is refused", "ex\xc2\x9b" "ample.com", TARGET_CONTROL_CHARS },
	{ "a bidi override is refused", "ex\xe2\x80\xae" "ample.com", TARGET_CONTROL_CHARS },
	{ "an escape in the user is refused", "al\x1bice@example.com", TARGET_CONTROL_CHARS },
	{ "an escape at the end of a pasted line is refused",
	  "ssh: connect to host srv port 22: Connection refused\x1b[2J", TARGET_CONTROL_CHARS },

	/* lengths */
	{ "a label of 64 characters is too long",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", TARGET_TOO_LONG },

	/* hosts */
	{ "a host starting with '-' is refused", "-oProxyCommand=sh", TARGET_BAD_HOST },
	{ "a host starting with '-' after user@ is refused", "alice@-oProxyCommand=sh", TARGET_BAD_HOST },
	{ "a host starting with '-' with a port is refused", "-x:22", TARGET_BAD_HOST },
	{ "a host with a space is refused", "exa mple.com", TARGET_BAD_HOST },
	{ "a host with a slash is refused", "example.com/x", TARGET_BAD_HOST },
	{ "a host with a semicolon is refused", "example.com;reboot", TARGET_BAD_HOST },
	{ "a host with an empty label is refused", "a..example", TARGET_BAD_HOST },
	{ "a host starting with a dot is refused", ".example.com", TARGET_BAD_HOST },
	{ "a lone dot is refused", ".", TARGET_BAD_HOST },
	{ "a non-ascii host name is refused", "ex\xc3\xa4mple.com", TARGET_BAD_HOST },
	{ "an ipv4 address with 999 is refused", "999.0.2.1", TARGET_BAD_HOST },
	{ "a shortened ipv4 address is refused", "127.1", TARGET_BAD_HOST },
	{ "a closing bracket without an opening one is refused", "example.com]", TARGET_BAD_HOST },

	/* users */
	{ "a user with a space is refused", "first last@example.com", TARGET_BAD_USER },
	{ "a user starting with '-' is refused", "-oProxyCommand=sh@example.com", TARGET_BAD_USER },
	{ "an empty user before '@' is refused", "@example.com", TARGET_BAD_USER },
	{ "a user with a quote is refused", "al'ice@example.com", TARGET_BAD_USER },
	{ "a user with '$' is refused", "$(id)@example.com", TARGET_BAD_USER },
	{ "a non-ascii user is refused", "j\xc3\xb6rg@example.com", TARGET_BAD_USER },
	{ "a url user with a fingerprint parameter is refused", "ssh://alice;fingerprint=x@example.com", TARGET_BAD_USER },

	/* urls */
	{ "an http url is refused", "http://example.com", TARGET_BAD_URL },
	{ "an sftp url is refused", "sftp://example.com", TARGET_BAD_URL },
	{ "an ssh url with a path is refused", "ssh://example.com/home/alice", TARGET_BAD_URL },
	{ "an ssh url with two slashes is refused", "ssh://example.com//", TARGET_BAD_URL },
	{ "an ssh url with a query is refused", "ssh://example.com?x=1", TARGET_BAD_URL },
	{ "an ssh url with a fragment is refused", "ssh://example.com#top", TARGET_BAD_URL },

	/* lines */
	{ "an unknown ssh: line is refused", "ssh: Permission denied, please try again.", TARGET_UNKNOWN_LINE },
	{ "'ssh:' alone is an unknown line", "ssh:", TARGET_UNKNOWN_LINE },
	{ "'ssh:abc' is an unknown line", "ssh:abc", TARGET_UNKNOWN_LINE },
	{ "a connect line with an unknown reason is refused",
	  "ssh: connect to host srv port 22: Permission denied", TARGET_UNKNOWN_LINE },
	{ "a connect line without a reason is refused",
	  "ssh: connect to host srv port 22", TARGET_UNKNOWN_LINE },
	{ "a connect line without 'port' is refused",
	  "ssh: connect to host srv: Connection refused", TARGET_UNKNOWN_LINE },
	{ "a resolve line without a reason is refused",
	  "ssh: Could not resolve hostname srv:", TARGET_UNKNOWN_LINE },
	{ "an unknown kex line is refused",
	  "kex_exchange_identification: banner line contains invalid characters", TARGET_UNKNOWN_LINE },
	{ "a 'closed by' line without a port is refused", "Connection closed by 192.0.2.2", TARGET_UNKNOWN_LINE },
	{ "a 'closed by' line with trailing words is refused",
	  "Connection closed by 192.0.2.2 port 22 [preauth]", TARGET_UNKNOWN_LINE },
	{ "a 'closed by' line with a port of letters is refused",
	  "Connection closed by 192.0.2.2 port ssh", TARGET_BAD_PORT },
	{ "an authentication failure line is not a known line",
	  "alice@srv: Permission denied (publickey).", TARGET_UNKNOWN_LINE },
	{ "a connect line with port 0 is refused",
	  "ssh: connect to host srv port 0: Connection refused", TARGET_BAD_PORT },
	{ "a connect line with port 70000 is refused",
	  "ssh: connect to host srv port 70000: Connection refused", TARGET_BAD_PORT },
	{ "a connect line with a host starting with '-' is refused",
	  "ssh: connect to host -oProxyCommand=x port 22: Connection refused", TARGET_BAD_HOST },
	{ "a connect line with a malformed ipv6 host is refused",
	  "ssh: connect to host zz::1 port 22: Connection refused", TARGET_BAD_IPV6 },
	{ "a connect line with an empty host is refused",
	  "ssh: connect to host  port 22: Connection refused", TARGET_EMPTY_HOST },
	{ "a resolve line with a bad host is refused",
	  "ssh: Could not resolve hostname a;b: Name or service not known", TARGET_BAD_HOST },
	{ "a 'reset by' line with a bad host is refused",
	  "Connection reset by a$b port 22", TARGET_BAD_HOST },
	{ "a kex line followed by a line that is no ssh error is refused",
	  "kex_exchange_identification: read: Connection reset by peer\nhello there", TARGET_UNKNOWN_LINE },
	{ "a kex line followed by a next line with a bad host is refused",
	  "kex_exchange_identification: read: Connection reset by peer\nConnection reset by a$b port 22", TARGET_BAD_HOST },
	{ "a control byte inside one of several pasted lines is refused",
	  "kex_exchange_identification: read: Connection reset by peer\nConnection reset by 192.0.2.2\x1b port 22",
	  TARGET_CONTROL_CHARS },
	{ "two hosts on two lines are not a pasted error", "srv\nother", TARGET_CONTROL_CHARS },
	{ "a kex line followed by something that is no host is refused",
	  "kex_exchange_identification: read: Connection reset by peer a;b", TARGET_BAD_HOST },
};

static const char *show(const char *s)
{
	return s != NULL ? s : "(none)";
}

static bool str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Checks every field of t against an accept_case. */
static void expect_target(const struct target *t, const struct accept_case *c)
{
	if (!str_same(t->user, c->user))
		fail_msg("'%s': expected user '%s', got '%s'", c->arg, show(c->user), show(t->user));
	if (!str_same(t->host, c->host))
		fail_msg("'%s': expected host '%s', got '%s'", c->arg, show(c->host), show(t->host));
	if (t->port != c->port)
		fail_msg("'%s': expected port %d, got %d", c->arg, c->port, t->port);
	if (t->port_given != c->port_given)
		fail_msg("'%s': expected port_given %s, got %s", c->arg,
			 c->port_given ? "true" : "false", t->port_given ? "true" : "false");
	if (t->symptom != c->symptom)
		fail_msg("'%s': expected symptom %s, got %s", c->arg,
			 symptom_id(c->symptom), symptom_id(t->symptom));
	if (!str_same(t->symptom_text, c->text))
		fail_msg("'%s': expected symptom_text '%s', got '%s'", c->arg,
			 show(c->text), show(t->symptom_text));
}

static void test_accept(void **state)
{
	const struct accept_case *c = *state;
	struct target t;
	int err;

	target_init(&t);
	err = target_parse(&t, c->arg);
	if (err != TARGET_OK)
		fail_msg("'%s': expected it to be accepted, got %d (%s)", c->arg, err, target_strerror(err));
	expect_target(&t, c);
	target_release(&t);
}

/* The target every refusal test starts from, to see that it survives. */
static const struct accept_case before = {
	"before", "ssh: connect to host keep.example port 2200: Connection refused",
	NULL, "keep.example", 2200, true, SYMPTOM_REFUSED,
	"ssh: connect to host keep.example port 2200: Connection refused",
};

static void expect_refused(const char *arg, const char *what, int want)
{
	struct target t;
	int err;

	target_init(&t);
	assert_int_equal(target_parse(&t, before.arg), TARGET_OK);
	t.user = xstrdup("keeper");
	err = target_parse(&t, arg);
	if (err != want)
		fail_msg("%s: expected %d (%s), got %d (%s)", what, want, target_strerror(want),
			 err, err == TARGET_OK ? "accepted" : target_strerror(err));
	if (!str_same(t.user, "keeper"))
		fail_msg("%s: expected the user to stay 'keeper' after a refusal, got '%s'", what, show(t.user));
	free(t.user);
	t.user = NULL;
	expect_target(&t, &before);
	target_release(&t);
}

static void test_refuse(void **state)
{
	const struct refuse_case *c = *state;
	char what[256];

	snprintf(what, sizeof(what), "'%.200s'", c->arg);
	expect_refused(c->arg, what, c->err);
}

static void test_null_argument_has_no_host(void **state)
{
	expect_refused(NULL, "NULL", TARGET_EMPTY_HOST);
}

static void test_argument_of_5000_characters_is_too_long(void **state)
{
	char *arg = xmalloc(5001);

	memset(arg, 'a', 5000);
	arg[5000] = '\0';
	expect_refused(arg, "a 5000-character argument", TARGET_TOO_LONG);
	free(arg);
}

static void test_argument_of_max_plus_one_is_too_long(void **state)
{
	char *arg = xmalloc(TARGET_MAX_ARG + 2);

	memset(arg, ' ', TARGET_MAX_ARG + 1);
	memcpy(arg, "example.com", 11);
	arg[TARGET_MAX_ARG + 1] = '\0';
	expect_refused(arg, "an argument of TARGET_MAX_ARG + 1 bytes", TARGET_TOO_LONG);
	free(arg);
}

static void test_argument_of_max_length_is_accepted(void **state)
{
	static const struct accept_case want = {
		"max", "example.com + spaces", NULL, "example.com", 22, false, SYMPTOM_NONE, NULL,
	};
	char *arg = xmalloc(TARGET_MAX_ARG + 1);
	struct target t;
	int err;

	memset(arg, ' ', TARGET_MAX_ARG);
	memcpy(arg, "example.com", 11);
	arg[TARGET_MAX_ARG] = '\0';
	target_init(&t);
	err = target_parse(&t, arg);
	if (err != TARGET_OK)
		fail_msg("an argument of exactly TARGET_MAX_ARG bytes: expected it to be accepted, got %s",
			 target_strerror(err));
	expect_target(&t, &want);
	target_release(&t);
	free(arg);
}

/* A name of n characters made of 63-character labels. */
static char *long_name(size_t n)
{
	char *s = xmalloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = (i % 64 == 63) ? '.' : 'a';
	if (s[n - 1] == '.')
		s[n - 1] = 'a';
	s[n] = '\0';
	return s;
}

static void test_host_of_253_characters_is_accepted(void **state)
{
	char *name = long_name(253);
	struct target t;
	int err;

	target_init(&t);
	err = target_parse(&t, name);
	if (err != TARGET_OK)
		fail_msg("a 253-character host: expected it to be accepted, got %s", target_strerror(err));
	if (!str_same(t.host, name))
		fail_msg("a 253-character host: expected it as the host, got '%s'", show(t.host));
	target_release(&t);
	free(name);
}

static void test_host_of_254_characters_is_too_long(void **state)
{
	char *name = long_name(254);

	expect_refused(name, "a 254-character host", TARGET_TOO_LONG);
	free(name);
}

static void test_parse_replaces_the_previous_target(void **state)
{
	struct target t;

	target_init(&t);
	assert_int_equal(target_parse(&t, "alice@old.example:2222"), TARGET_OK);
	assert_int_equal(target_parse(&t, "new.example"), TARGET_OK);
	if (t.user != NULL || !str_same(t.host, "new.example") || t.port != 22 || t.port_given)
		fail_msg("expected a second parse to give just host 'new.example' on port 22, got %s@%s:%d",
			 show(t.user), show(t.host), t.port);
	target_release(&t);
}

static void test_set_port_applies_a_port(void **state)
{
	struct target t;

	target_init(&t);
	assert_int_equal(target_parse(&t, "srv"), TARGET_OK);
	if (target_set_port(&t, "2222") != TARGET_OK || t.port != 2222 || !t.port_given)
		fail_msg("expected -p 2222 to give port 2222, given; got %d, %s", t.port,
			 t.port_given ? "given" : "not given");
	target_release(&t);
}

static void test_set_port_wins_over_the_argument_port(void **state)
{
	struct target t;

	target_init(&t);
	assert_int_equal(target_parse(&t, "srv:2200"), TARGET_OK);
	assert_int_equal(target_set_port(&t, "2222"), TARGET_OK);
	if (t.port != 2222)
		fail_msg("expected -p 2222 after srv:2200 to give port 2222, got %d", t.port);
	target_release(&t);
}

static void test_set_port_refuses_bad_ports(void **state)
{
	static const char *bad[] = { "0", "70000", "65536", "abc", "22x", "", "-1", " 22", "+22", NULL };
	struct target t;

	target_init(&t);
	assert_int_equal(target_parse(&t, "srv:2200"), TARGET_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = target_set_port(&t, bad[i]);

		if (err != TARGET_BAD_PORT)
			fail_msg("-p '%s': expected TARGET_BAD_PORT, got %d", show(bad[i]), err);
		if (t.port != 2200 || !t.port_given)
			fail_msg("-p '%s': expected port 2200 to stay, got %d", show(bad[i]), t.port);
	}
	target_release(&t);
}

static void test_merge_takes_the_host_a_line_lacks(void **state)
{
	struct target line, host;

	target_init(&line);
	target_init(&host);
	assert_int_equal(target_parse(&line, "kex_exchange_identification: Connection closed by remote host"), TARGET_OK);
	assert_int_equal(target_parse(&host, "alice@srv:2222"), TARGET_OK);
	target_merge(&line, &host);
	if (!str_same(line.host, "srv") || !str_same(line.user, "alice") || line.port != 2222 ||
	    !line.port_given || line.symptom != SYMPTOM_CLOSED)
		fail_msg("expected alice@srv:2222 with symptom closed, got %s@%s:%d %s",
			 show(line.user), show(line.host), line.port, symptom_id(line.symptom));
	if (!str_same(host.host, "srv"))
		fail_msg("expected the source to keep host 'srv', got '%s'", show(host.host));
	target_release(&line);
	target_release(&host);
}

static void test_merge_keeps_what_the_destination_has(void **state)
{
	struct target dst, src;

	target_init(&dst);
	target_init(&src);
	assert_int_equal(target_parse(&dst, "ssh: connect to host a.example port 2200: Connection refused"), TARGET_OK);
	assert_int_equal(target_parse(&src, "ssh: connect to host b.example port 2222: No route to host"), TARGET_OK);
	target_merge(&dst, &src);
	if (!str_same(dst.host, "a.example") || dst.port != 2200 || dst.symptom != SYMPTOM_REFUSED ||
	    !str_same(dst.symptom_text, "ssh: connect to host a.example port 2200: Connection refused"))
		fail_msg("expected a.example:2200 refused to stay, got %s:%d %s",
			 show(dst.host), dst.port, symptom_id(dst.symptom));
	target_release(&dst);
	target_release(&src);
}

static void test_merge_takes_a_symptom_the_destination_lacks(void **state)
{
	struct target dst, src;

	target_init(&dst);
	target_init(&src);
	assert_int_equal(target_parse(&dst, "srv"), TARGET_OK);
	assert_int_equal(target_parse(&src, "Connection reset by 192.0.2.2 port 22"), TARGET_OK);
	target_merge(&dst, &src);
	if (!str_same(dst.host, "srv") || dst.symptom != SYMPTOM_RESET ||
	    !str_same(dst.symptom_text, "Connection reset by 192.0.2.2 port 22") || dst.port != 22)
		fail_msg("expected host srv with the reset symptom and its text, got %s:%d %s",
			 show(dst.host), dst.port, symptom_id(dst.symptom));
	target_release(&dst);
	target_release(&src);
}

static void test_release_twice_is_safe(void **state)
{
	struct target t;

	target_init(&t);
	assert_int_equal(target_parse(&t, "alice@srv"), TARGET_OK);
	target_release(&t);
	target_release(&t);
	if (t.host != NULL || t.user != NULL || t.port != 22)
		fail_msg("expected a released target to be empty again");
}

static void test_every_error_has_its_own_lowercase_sentence(void **state)
{
	static const int codes[] = {
		TARGET_EMPTY_HOST, TARGET_BAD_PORT, TARGET_BAD_IPV6, TARGET_CONTROL_CHARS,
		TARGET_TOO_LONG, TARGET_BAD_HOST, TARGET_BAD_USER, TARGET_BAD_URL,
		TARGET_UNKNOWN_LINE,
	};
	const char *unknown = target_strerror(-1000);

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *s = target_strerror(codes[i]);

		if (s == NULL || s[0] < 'a' || s[0] > 'z')
			fail_msg("error %d: expected a sentence starting in lowercase, got '%s'", codes[i], show(s));
		if (strcmp(s, unknown) == 0)
			fail_msg("error %d: expected its own sentence, got the fallback '%s'", codes[i], s);
		for (size_t j = 0; j < i; j++)
			if (strcmp(s, target_strerror(codes[j])) == 0)
				fail_msg("errors %d and %d: expected different sentences, both say '%s'",
					 codes[i], codes[j], s);
	}
	if (strstr(target_strerror(TARGET_BAD_PORT), "1 to 65535") == NULL)
		fail_msg("expected the bad-port sentence to name the range 1 to 65535, got '%s'",
			 target_strerror(TARGET_BAD_PORT));
}

static void test_a_line_without_host_says_which_line_to_paste(void **state)
{
	struct target t;
	const char *hint;

	target_init(&t);
	assert_int_equal(target_parse(&t, "kex_exchange_identification: read: Connection reset by peer"), TARGET_OK);
	hint = target_host_hint(&t);
	if (hint == NULL || strstr(hint, "\"Connection reset by HOST port PORT\"") == NULL)
		fail_msg("expected the hint to name the next line, \"Connection reset by HOST port PORT\", got %s",
			 show(hint));
	assert_int_equal(target_parse(&t, "kex_exchange_identification: Connection closed by remote host"), TARGET_OK);
	hint = target_host_hint(&t);
	if (hint == NULL || strstr(hint, "\"Connection closed by HOST port PORT\"") == NULL)
		fail_msg("expected the hint to name \"Connection closed by HOST port PORT\", got %s", show(hint));
	assert_int_equal(target_parse(&t, "Connection reset by 192.0.2.2 port 22"), TARGET_OK);
	if (target_host_hint(&t) != NULL)
		fail_msg("expected no hint for a line that names its host, got %s", target_host_hint(&t));
	target_release(&t);
}

static void test_symptom_ids_and_words(void **state)
{
	static const struct {
		enum symptom s;
		const char *id, *words;
	} want[] = {
		{ SYMPTOM_NONE, "none", "" },
		{ SYMPTOM_REFUSED, "refused", "Connection refused" },
		{ SYMPTOM_TIMED_OUT, "timed_out", "Connection timed out" },
		{ SYMPTOM_NO_ROUTE, "no_route", "No route to host" },
		{ SYMPTOM_NET_UNREACHABLE, "net_unreachable", "Network is unreachable" },
		{ SYMPTOM_RESOLVE, "resolve", "Could not resolve hostname" },
		{ SYMPTOM_CLOSED, "closed", "Connection closed by remote host" },
		{ SYMPTOM_RESET, "reset", "Connection reset" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strcmp(symptom_id(want[i].s), want[i].id) != 0)
			fail_msg("symptom %d: expected id '%s', got '%s'", want[i].s, want[i].id,
				 symptom_id(want[i].s));
		if (strcmp(symptom_words(want[i].s), want[i].words) != 0)
			fail_msg("symptom %d: expected words '%s', got '%s'", want[i].s, want[i].words,
				 symptom_words(want[i].s));
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct CMUnitTest fixed_tests[] = {
	cmocka_unit_test(test_null_argument_has_no_host),
	cmocka_unit_test(test_argument_of_5000_characters_is_too_long),
	cmocka_unit_test(test_argument_of_max_plus_one_is_too_long),
	cmocka_unit_test(test_argument_of_max_length_is_accepted),
	cmocka_unit_test(test_host_of_253_characters_is_accepted),
	cmocka_unit_test(test_host_of_254_characters_is_too_long),
	cmocka_unit_test(test_parse_replaces_the_previous_target),
	cmocka_unit_test(test_set_port_applies_a_port),
	cmocka_unit_test(test_set_port_wins_over_the_argument_port),
	cmocka_unit_test(test_set_port_refuses_bad_ports),
	cmocka_unit_test(test_merge_takes_the_host_a_line_lacks),
	cmocka_unit_test(test_merge_keeps_what_the_destination_has),
	cmocka_unit_test(test_merge_takes_a_symptom_the_destination_lacks),
	cmocka_unit_test(test_release_twice_is_safe),
	cmocka_unit_test(test_every_error_has_its_own_lowercase_sentence),
	cmocka_unit_test(test_symptom_ids_and_words),
	cmocka_unit_test(test_a_line_without_host_says_which_line_to_paste),
};

int main(void)
{
	size_t n = N(accept_cases) + N(refuse_cases) + N(fixed_tests), k = 0;
	struct CMUnitTest *tests = xcalloc(n, sizeof(*tests));
	int failed;

	/* each table row runs as its own named test */
	for (size_t i = 0; i < N(accept_cases); i++) {
		tests[k].name = accept_cases[i].name;
		tests[k].test_func = test_accept;
		tests[k].initial_state = (void *)&accept_cases[i];
		k++;
	}
	for (size_t i = 0; i < N(refuse_cases); i++) {
		tests[k].name = refuse_cases[i].name;
		tests[k].test_func = test_refuse;
		tests[k].initial_state = (void *)&refuse_cases[i];
		k++;
	}
	for (size_t i = 0; i < N(fixed_tests); i++)
		tests[k++] = fixed_tests[i];
	failed = _cmocka_run_group_tests("target", tests, k, NULL, NULL);
	free(tests);
	return failed;
}

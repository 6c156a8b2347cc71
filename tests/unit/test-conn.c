/* SPDX-License-Identifier: MIT */
/* conn: what a server said first, what a connect() errno means, real
 * connection attempts against listeners this test opens on 127.0.0.1, and
 * the client facts each step forgets before it runs again.
 * Nothing here connects anywhere but loopback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/conn.h"
#include "engine/util.h"

#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (got_ == NULL || strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, \
			 got_ ? got_ : "(null)"); \
} while (0)

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define expect_banner(got, want) do { \
	enum banner_result g_ = (got), w_ = (want); \
	if (g_ != w_) \
		fail_msg("expected banner %s, got %s", banner_result_word(w_), banner_result_word(g_)); \
} while (0)

#define expect_tcp(got, want) do { \
	enum tcp_result g_ = (got), w_ = (want); \
	if (g_ != w_) \
		fail_msg("expected tcp %s, got %s", tcp_result_word(w_), tcp_result_word(g_)); \
} while (0)

/* banner_classify of a string literal (its length without the final NUL). */
#define CLASSIFY(lit, eof, reset, text) banner_classify((lit), sizeof(lit) - 1, (eof), (reset), (text))

/* banner_classify */

static void an_ssh_identification_is_ssh(void **state)
{
	char *text;

	expect_banner(CLASSIFY("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", false, false, &text), BANNER_SSH);
	expect_str(text, "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", "banner text without CR LF");
	free(text);
}

static void an_ssh_identification_without_line_end_is_ssh(void **state)
{
	char *text;

	expect_banner(CLASSIFY("SSH-1.99-Cisco-1.25", true, false, &text), BANNER_SSH);
	expect_str(text, "SSH-1.99-Cisco-1.25", "banner text");
	free(text);
}

static void lines_before_the_identification_are_skipped(void **state)
{
	/* RFC 4253 4.2 lets a server say other lines first */
	char *text;

	expect_banner(CLASSIFY("Welcome to host\r\nAuthorised use only\r\nSSH-2.0-dropbear_2022.83\r\n",
			       false, false, &text), BANNER_SSH);
	expect_str(text, "SSH-2.0-dropbear_2022.83", "banner text of the identification line");
	free(text);
}

static void ssh_in_the_middle_of_a_line_is_not_ssh(void **state)
{
	char *text;

	expect_banner(CLASSIFY("hello SSH-2.0-x\r\n", false, false, &text), BANNER_OTHER);
	free(text);
}

static void exceeded_maxstartups_is_maxstartups(void **state)
{
	char *text;

	expect_banner(CLASSIFY("Exceeded MaxStartups\r\n", true, false, &text), BANNER_MAXSTARTUPS);
	expect_str(text, "Exceeded MaxStartups", "banner text");
	free(text);
}

static void an_http_answer_is_other_with_its_first_line(void **state)
{
	char *text;

	expect_banner(CLASSIFY("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", true, false, &text),
		      BANNER_OTHER);
	expect_str(text, "HTTP/1.1 400 Bad Request", "first line of the answer");
	free(text);
}

static void an_smtp_greeting_is_other_with_its_text(void **state)
{
	char *text;

	expect_banner(CLASSIFY("220 mail.example.com ESMTP Postfix\r\n", false, false, &text), BANNER_OTHER);
	expect_str(text, "220 mail.example.com ESMTP Postfix", "greeting text");
	free(text);
}

static void binary_bytes_are_other_and_made_printable(void **state)
{
	char *text;

	expect_banner(CLASSIFY("\x16\x03\x01\x00\xff", false, false, &text), BANNER_OTHER);
	expect_str(text, "\\x16\\x03\\x01\\x00\\xff", "printable text of binary bytes");
	free(text);
}

static void nothing_then_end_of_file_is_closed(void **state)
{
	char *text = (char *)"unchanged";

	expect_banner(banner_classify("", 0, true, false, &text), BANNER_CLOSED);
	expect_true(text == NULL, "expected no text when nothing was said");
}

static void nothing_then_reset_is_reset(void **state)
{
	char *text = (char *)"unchanged";

	expect_banner(banner_classify("", 0, false, true, &text), BANNER_RESET);
	expect_true(text == NULL, "expected no text when nothing was said");
}

static void nothing_at_all_is_silent(void **state)
{
	char *text = (char *)"unchanged";

	expect_banner(banner_classify("", 0, false, false, &text), BANNER_SILENT);
	expect_true(text == NULL, "expected no text when nothing was said");
}

static void control_characters_in_a_banner_are_made_printable(void **state)
{
	char *text;

	expect_banner(CLASSIFY("SSH-2.0-Evil\x1b[2J\x07\r\n", false, false, &text), BANNER_SSH);
	expect_str(text, "SSH-2.0-Evil\\x1b[2J\\x07", "printable banner text");
	free(text);
}

static void a_1000_byte_ssh_line_is_cut_to_255(void **state)
{
	char buf[1002], *text;

	memcpy(buf, "SSH-2.0-", 8);
	memset(buf + 8, 'a', 992);
	memcpy(buf + 1000, "\r\n", 2);
	expect_banner(banner_classify(buf, sizeof(buf), false, false, &text), BANNER_SSH);
	expect_true(strlen(text) == 255, "expected the banner text cut to 255 characters, got %zu",
		    strlen(text));
	expect_true(strncmp(text, "SSH-2.0-aaa", 11) == 0, "expected the text to keep its start, got %.20s",
		    text);
	free(text);
}

static void a_1000_byte_other_line_is_cut_to_120(void **state)
{
	char buf[1000], *text;

	memset(buf, 'x', sizeof(buf));
	expect_banner(banner_classify(buf, sizeof(buf), false, false, &text), BANNER_OTHER);
	expect_true(strlen(text) == 120, "expected the text cut to 120 characters, got %zu", strlen(text));
	free(text);
}

/* tcp_classify_errno */

static void every_connect_errno_maps_to_its_result(void **state)
{
	static const struct {
		int err;
		const char *name;
		enum tcp_result want;
	} rows[] = {
		{0, "0", TCP_ANSWERED},
		{ECONNREFUSED, "ECONNREFUSED", TCP_REFUSED},
		{ETIMEDOUT, "ETIMEDOUT", TCP_NO_ANSWER},
		{EHOSTUNREACH, "EHOSTUNREACH", TCP_HOST_UNREACH},
		{EHOSTDOWN, "EHOSTDOWN", TCP_HOST_UNREACH},
		{ENETUNREACH, "ENETUNREACH", TCP_NET_UNREACH},
		{ENETDOWN, "ENETDOWN", TCP_NET_UNREACH},
		{EPERM, "EPERM", TCP_FORBIDDEN},
		{EACCES, "EACCES", TCP_FORBIDDEN},
		{EADDRNOTAVAIL, "EADDRNOTAVAIL", TCP_OTHER},
		{EINVAL, "EINVAL", TCP_OTHER},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum tcp_result got = tcp_classify_errno(rows[i].err);

		expect_true(got == rows[i].want, "expected %s to map to %s, got %s", rows[i].name,
			    tcp_result_word(rows[i].want), tcp_result_word(got));
	}
}

/* conn_set_address */

static void an_ipv4_address_fills_sockaddr_in(void **state)
{
	struct conn c;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&c.sa;

	memset(&c, 0, sizeof(c));
	expect_true(conn_set_address(&c, "192.0.2.7", 2222) == 0, "expected 192.0.2.7 to be accepted");
	expect_true(s4->sin_family == AF_INET, "expected AF_INET");
	expect_true(ntohs(s4->sin_port) == 2222, "expected port 2222, got %d", ntohs(s4->sin_port));
	expect_true(s4->sin_addr.s_addr == htonl(0xc0000207), "expected address 192.0.2.7");
	expect_true(c.salen == sizeof(struct sockaddr_in), "expected salen of a sockaddr_in");
}

static void an_ipv6_address_fills_sockaddr_in6(void **state)
{
	struct conn c;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&c.sa;
	struct in6_addr want;

	memset(&c, 0, sizeof(c));
	inet_pton(AF_INET6, "2001:db8::1", &want);
	expect_true(conn_set_address(&c, "2001:db8::1", 22) == 0, "expected 2001:db8::1 to be accepted");
	expect_true(s6->sin6_family == AF_INET6, "expected AF_INET6");
	expect_true(ntohs(s6->sin6_port) == 22, "expected port 22, got %d", ntohs(s6->sin6_port));
	expect_true(memcmp(&s6->sin6_addr, &want, sizeof(want)) == 0, "expected address 2001:db8::1");
	expect_true(c.salen == sizeof(struct sockaddr_in6), "expected salen of a sockaddr_in6");
}

static void a_name_or_malformed_address_is_refused(void **state)
{
	static const char *const bad[] = {"example.com", "", "192.0.2.1:22", "256.1.1.1", "[::1]", "::g"};
	struct conn c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		expect_true(conn_set_address(&c, bad[i], 22) == -1, "expected '%s' to be refused", bad[i]);
	}
}

/* conn_run against loopback */

/* A one-connection server on 127.0.0.1: says words (if any), then closes,
 * resets, or waits for the client to go. */
struct server {
	int fd;
	int port;
	const char *say;
	bool reset;          /* close with a RST */
	bool linger;         /* wait for the client to close first */
	pthread_t thread;
};

static void *server_main(void *arg)
{
	struct server *s = arg;
	int c = accept(s->fd, NULL, NULL);
	char buf[256];

	if (c < 0)
		return NULL;
	if (s->say)
		(void)!send(c, s->say, strlen(s->say), MSG_NOSIGNAL);
	if (s->reset) {
		struct linger l = {.l_onoff = 1, .l_linger = 0};

		/* after the client saw its connect succeed, so the reset is to the banner read */
		usleep(100 * 1000);
		setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	} else if (s->linger) {
		while (read(c, buf, sizeof(buf)) > 0)
			;
	}
	close(c);
	return NULL;
}

/* Opens a listener on 127.0.0.1 at an ephemeral port, serving in a thread. */
static void server_start(struct server *s)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	struct timeval tv = {.tv_sec = 5};

	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	expect_true(s->fd >= 0, "expected a socket for the test listener: %s", strerror(errno));
	/* accept gives up after 5 s, so a failed test cannot hang the thread */
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	expect_true(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0,
		    "expected to bind 127.0.0.1:0: %s", strerror(errno));
	expect_true(listen(s->fd, 4) == 0, "expected to listen: %s", strerror(errno));
	getsockname(s->fd, (struct sockaddr *)&sin, &sl);
	s->port = ntohs(sin.sin_port);
	expect_true(pthread_create(&s->thread, NULL, server_main, s) == 0, "expected a server thread");
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->fd);
}

/* A loopback port where nothing listens: bound, read, and closed again. */
static int closed_port(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	expect_true(fd >= 0, "expected a socket: %s", strerror(errno));
	expect_true(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "expected to bind 127.0.0.1:0");
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	close(fd);
	return ntohs(sin.sin_port);
}

static void connect_to(struct conn *c, int port, bool want_banner)
{
	memset(c, 0, sizeof(*c));
	expect_true(conn_set_address(c, "127.0.0.1", port) == 0, "expected 127.0.0.1 to be accepted");
	c->want_banner = want_banner;
}

static void a_loopback_ssh_server_is_answered_with_an_ssh_banner(void **state)
{
	struct server s = {.say = "SSH-2.0-Test\r\n", .linger = true};
	struct conn c;

	server_start(&s);
	connect_to(&c, s.port, true);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	server_stop(&s);
	expect_tcp(c.tcp, TCP_ANSWERED);
	expect_true(c.err == 0, "expected err 0 for an answered connection, got %d", c.err);
	expect_banner(c.banner, BANNER_SSH);
	expect_str(c.banner_text, "SSH-2.0-Test", "banner text");
	expect_true(c.local_port > 0, "expected our source port to be known");
	expect_true(c.fd == -1, "expected the socket closed after the run");
	conn_release(&c, 1);
	expect_true(c.banner_text == NULL, "expected conn_release to clear banner_text");
}

static void a_closed_loopback_port_is_refused(void **state)
{
	struct conn c;

	connect_to(&c, closed_port(), true);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	expect_tcp(c.tcp, TCP_REFUSED);
	expect_true(c.err == ECONNREFUSED, "expected err ECONNREFUSED, got %d", c.err);
	expect_banner(c.banner, BANNER_NOT_TRIED);
	expect_true(c.banner_text == NULL, "expected no banner text for a refused port");
	conn_release(&c, 1);
}

static void a_server_that_closes_at_once_is_closed(void **state)
{
	struct server s = {0};
	struct conn c;

	server_start(&s);
	connect_to(&c, s.port, true);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	server_stop(&s);
	expect_tcp(c.tcp, TCP_ANSWERED);
	expect_banner(c.banner, BANNER_CLOSED);
	conn_release(&c, 1);
}

static void a_server_that_resets_at_once_is_reset(void **state)
{
	struct server s = {.reset = true};
	struct conn c;

	server_start(&s);
	connect_to(&c, s.port, true);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	server_stop(&s);
	expect_tcp(c.tcp, TCP_ANSWERED);
	expect_banner(c.banner, BANNER_RESET);
	conn_release(&c, 1);
}

static void a_server_that_says_nothing_is_silent_after_the_banner_deadline(void **state)
{
	struct server s = {.linger = true};
	struct conn c;
	uint64_t t0 = now_ms(), took;

	server_start(&s);
	connect_to(&c, s.port, true);
	conn_run(&c, 1, 2000, 300, NULL, NULL, NULL);
	took = now_ms() - t0;
	server_stop(&s);   /* our close ends the server's wait */
	expect_tcp(c.tcp, TCP_ANSWERED);
	expect_banner(c.banner, BANNER_SILENT);
	expect_true(took >= 250 && took < 3000, "expected to wait about the 300 ms banner deadline, took %llu ms",
		    (unsigned long long)took);
	conn_release(&c, 1);
}

static void a_web_server_greeting_is_other(void **state)
{
	struct server s = {.say = "HTTP/1.0 400 Bad Request\r\n\r\n"};
	struct conn c;

	server_start(&s);
	connect_to(&c, s.port, true);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	server_stop(&s);
	expect_banner(c.banner, BANNER_OTHER);
	expect_str(c.banner_text, "HTTP/1.0 400 Bad Request", "first line said");
	conn_release(&c, 1);
}

static void without_want_banner_only_the_connection_is_tried(void **state)
{
	struct server s = {.say = "SSH-2.0-Test\r\n"};
	struct conn c;

	server_start(&s);
	connect_to(&c, s.port, false);
	conn_run(&c, 1, 2000, 2000, NULL, NULL, NULL);
	server_stop(&s);
	expect_tcp(c.tcp, TCP_ANSWERED);
	expect_banner(c.banner, BANNER_NOT_TRIED);
	conn_release(&c, 1);
}

static void on_started(void *ctx)
{
	(*(int *)ctx)++;
}

static void several_attempts_run_together_and_on_started_is_called_once(void **state)
{
	struct server s = {.say = "SSH-2.0-Test\r\n", .linger = true};
	struct conn c[2];
	int started = 0;

	server_start(&s);
	connect_to(&c[0], s.port, true);
	connect_to(&c[1], closed_port(), true);
	conn_run(c, 2, 2000, 2000, NULL, on_started, &started);
	server_stop(&s);
	expect_true(started == 1, "expected on_started to be called once, got %d", started);
	expect_tcp(c[0].tcp, TCP_ANSWERED);
	expect_banner(c[0].banner, BANNER_SSH);
	expect_tcp(c[1].tcp, TCP_REFUSED);
	conn_release(c, 2);
}

/* sockaddr_same_ip */

static void the_same_address_on_other_ports_is_the_same_ip(void **state)
{
	struct conn a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	conn_set_address(&a, "192.0.2.2", 22);
	conn_set_address(&b, "192.0.2.2", 2222);
	expect_true(sockaddr_same_ip((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa),
		    "expected 192.0.2.2 on two ports to be one address");
	conn_set_address(&b, "192.0.2.3", 22);
	expect_true(!sockaddr_same_ip((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa),
		    "expected 192.0.2.2 and 192.0.2.3 to differ");
	conn_set_address(&a, "2001:db8::2", 22);
	conn_set_address(&b, "2001:db8::2", 443);
	expect_true(sockaddr_same_ip((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa),
		    "expected 2001:db8::2 on two ports to be one address");
	conn_set_address(&b, "192.0.2.2", 22);
	expect_true(!sockaddr_same_ip((struct sockaddr *)&a.sa, (struct sockaddr *)&b.sa),
		    "expected addresses of two families to differ");
}

/* silence_plan_make */

static void a_fast_round_trip_gets_the_floor_for_each_of_two_syns(void **state)
{
	struct silence_plan p;

	silence_plan_make(49, 0, &p);
	expect_true(p.measured, "expected a measured plan");
	expect_true(p.per_syn_ms == SILENCE_FLOOR_MS, "expected the %d ms floor per SYN, got %d",
		    SILENCE_FLOOR_MS, p.per_syn_ms);
	expect_true(p.retry_ms == p.per_syn_ms, "expected the retry after one SYN's wait, got %d", p.retry_ms);
	expect_true(p.deadline_ms == 2 * p.per_syn_ms, "expected silence after two SYNs' waits, got %d",
		    p.deadline_ms);
}

static void a_slow_round_trip_gets_four_round_trips_per_syn(void **state)
{
	struct silence_plan p;

	silence_plan_make(100 * 1000, 0, &p);
	expect_true(p.per_syn_ms == 400, "expected 4 x 100 ms per SYN, got %d", p.per_syn_ms);
	expect_true(p.deadline_ms == 800, "expected silence after 800 ms, got %d", p.deadline_ms);
	silence_plan_make(30 * 1000 + 1, 5000, &p);
	expect_true(p.per_syn_ms == 121, "expected 4 x 30.001 ms rounded up, got %d", p.per_syn_ms);
}

static void a_very_slow_round_trip_is_capped(void **state)
{
	struct silence_plan p;

	silence_plan_make(3 * 1000 * 1000, 0, &p);
	expect_true(p.per_syn_ms == SILENCE_CEILING_MS, "expected the %d ms ceiling, got %d",
		    SILENCE_CEILING_MS, p.per_syn_ms);
}

static void no_round_trip_gets_the_unmeasured_wait(void **state)
{
	struct silence_plan p;

	silence_plan_make(0, 1000, &p);
	expect_true(!p.measured, "expected an unmeasured plan");
	expect_true(p.per_syn_ms == SILENCE_NO_RTT_MS && p.retry_ms == SILENCE_NO_RTT_MS,
		    "expected %d ms per SYN, got %d", SILENCE_NO_RTT_MS, p.per_syn_ms);
	expect_true(p.deadline_ms == SILENCE_NO_RTT_TOTAL_MS - 1000,
		    "expected a router's ARP time from our first packet a second ago (%d ms), got %d",
		    SILENCE_NO_RTT_TOTAL_MS - 1000, p.deadline_ms);
	silence_plan_make(0, 0, &p);
	expect_true(p.deadline_ms == SILENCE_NO_RTT_TOTAL_MS, "expected %d ms with no packet before, got %d",
		    SILENCE_NO_RTT_TOTAL_MS, p.deadline_ms);
	silence_plan_make(0, 60000, &p);
	expect_true(p.deadline_ms == 2 * SILENCE_NO_RTT_MS, "expected two SYNs' waits at least, got %d",
		    p.deadline_ms);
}

/* A loopback listener that drops SYNs: its accept queue is full and nobody
 * accepts (Linux then drops new SYNs without an answer). */
struct dropper {
	int lfd, filler;
	int port;
};

static void dropper_start(struct dropper *d)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sin);

	d->lfd = socket(AF_INET, SOCK_STREAM, 0);
	expect_true(d->lfd >= 0, "expected a socket: %s", strerror(errno));
	expect_true(bind(d->lfd, (struct sockaddr *)&sin, sizeof(sin)) == 0, "expected to bind 127.0.0.1:0");
	expect_true(listen(d->lfd, 0) == 0, "expected to listen: %s", strerror(errno));
	getsockname(d->lfd, (struct sockaddr *)&sin, &sl);
	d->port = ntohs(sin.sin_port);
	/* one connection fills a backlog of 0 */
	d->filler = socket(AF_INET, SOCK_STREAM, 0);
	expect_true(connect(d->filler, (struct sockaddr *)&sin, sizeof(sin)) == 0,
		    "expected the filler connection: %s", strerror(errno));
	usleep(20 * 1000);
}

static void dropper_stop(struct dropper *d)
{
	close(d->filler);
	close(d->lfd);
}

static void an_unanswered_syn_is_sent_again_then_called_silence(void **state)
{
	struct dropper d;
	struct conn c;
	uint64_t t0, took;

	dropper_start(&d);
	connect_to(&c, d.port, false);
	c.retry_ms = 60;
	t0 = now_ms();
	conn_run(&c, 1, 150, 2000, NULL, NULL, NULL);
	took = now_ms() - t0;
	dropper_stop(&d);
	expect_tcp(c.tcp, TCP_NO_ANSWER);
	expect_true(c.err == ETIMEDOUT, "expected ETIMEDOUT, got %d", c.err);
	expect_true(c.syns == 2, "expected our own second SYN, got %d SYN(s)", c.syns);
	expect_true(took >= 140 && took < 1000, "expected silence at the 150 ms deadline, took %llu ms",
		    (unsigned long long)took);
	expect_true(c.fd == -1 && c.fd2 == -1, "expected both sockets closed after the run");
	expect_true(c.local_port > 0, "expected the last SYN's source port");
}

static void an_answer_before_the_retry_sends_one_syn(void **state)
{
	struct conn c;

	connect_to(&c, closed_port(), false);
	c.retry_ms = 500;
	conn_run(&c, 1, 1000, 2000, NULL, NULL, NULL);
	expect_tcp(c.tcp, TCP_REFUSED);
	expect_true(c.syns == 1, "expected one SYN, got %d", c.syns);
}

static void a_per_attempt_deadline_overrides_the_run_deadline(void **state)
{
	struct dropper d;
	struct conn c;
	uint64_t t0, took;

	dropper_start(&d);
	connect_to(&c, d.port, false);
	c.connect_ms = 80;
	t0 = now_ms();
	conn_run(&c, 1, 5000, 2000, NULL, NULL, NULL);
	took = now_ms() - t0;
	dropper_stop(&d);
	expect_tcp(c.tcp, TCP_NO_ANSWER);
	expect_true(took < 1000, "expected the attempt's own 80 ms deadline, took %llu ms",
		    (unsigned long long)took);
}

struct tick_ctx {
	struct conn *c;
	int ticks;
};

static void end_on_second_tick(void *arg)
{
	struct tick_ctx *t = arg;

	if (++t->ticks == 2) {
		t->c->tcp = TCP_HOST_UNREACH;
		t->c->err = EHOSTUNREACH;
		t->c->done = true;
	}
}

static void a_tick_can_end_a_pending_attempt(void **state)
{
	struct dropper d;
	struct conn c;
	struct tick_ctx t = {.c = &c};
	uint64_t t0, took;

	dropper_start(&d);
	connect_to(&c, d.port, false);
	t0 = now_ms();
	conn_run_ticked(&c, 1, 5000, 2000, NULL, NULL, end_on_second_tick, &t);
	took = now_ms() - t0;
	dropper_stop(&d);
	expect_tcp(c.tcp, TCP_HOST_UNREACH);
	expect_true(t.ticks >= 2, "expected the tick to run, it ran %d times", t.ticks);
	expect_true(took < 1000, "expected the run to end after the tick ended it, took %llu ms",
		    (unsigned long long)took);
	expect_true(c.fd == -1, "expected the socket closed after the run");
}

/* the facts a step fills, forgotten when the step runs again */

/* A socket as the ping step hands one to the TCP step. */
static int echo_socket_handed_over(struct addr_facts *a)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	expect_true(fd >= 0, "expected a socket: %s", strerror(errno));
	a->ping = (struct ping_wait){.open = true, .fd = fd, .sent = 1};
	return fd;
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

static void releasing_the_facts_closes_the_echo_sockets_handed_to_tcp(void **state)
{
	struct client_facts f;
	int fd;

	(void)state;
	client_facts_init(&f);
	f.naddrs = 1;
	fd = echo_socket_handed_over(&f.addrs[0]);
	client_facts_release(&f);
	expect_true(!fd_is_open(fd), "expected the echo socket %d closed by client_facts_release", fd);
}

static void forgetting_the_ping_leaves_no_answer_no_reason_and_no_socket(void **state)
{
	struct client_facts f;
	int fd;

	(void)state;
	client_facts_init(&f);
	f.naddrs = 1;
	fd = echo_socket_handed_over(&f.addrs[0]);
	f.ping_tried = f.ping_answered = true;
	f.ping_first_us = 12345;
	f.ping_skip = xstrdup("no ICMP socket");
	f.ping_rtt_us = 800;
	f.ping_ttl = 64;
	f.addrs[0].neigh = NEIGH_FAILED;
	f.addrs[0].neigh_since_us = 999;
	client_facts_forget_ping(&f);
	expect_true(!f.ping_tried && !f.ping_answered && f.ping_first_us == 0,
		    "expected no ping tried, answered or sent after forgetting it");
	expect_true(f.ping_skip == NULL, "expected no reason to skip ping after forgetting it, got \"%s\"",
		    f.ping_skip);
	expect_true(f.ping_rtt_us == 0 && f.ping_ttl == -1, "expected no round trip and no TTL, got %u us, TTL %d",
		    f.ping_rtt_us, f.ping_ttl);
	expect_true(!fd_is_open(fd) && !f.addrs[0].ping.open, "expected the echo socket closed");
	expect_true(f.addrs[0].neigh == NEIGH_UNKNOWN && f.addrs[0].neigh_since_us == 0,
		    "expected the link not looked at after forgetting the ping");
	expect_true(f.naddrs == 1, "expected the address kept");
	client_facts_release(&f);
}

static void forgetting_the_addresses_closes_their_echo_sockets_and_frees_their_notes(void **state)
{
	struct client_facts f;
	int fd;

	(void)state;
	client_facts_init(&f);
	f.naddrs = 2;
	f.dns = DNS_OK;
	f.dns_source = xstrdup("DNS");
	fd = echo_socket_handed_over(&f.addrs[1]);
	f.addrs[0].banner_text = xstrdup("SSH-2.0-x");
	f.addrs[1].wire_note = xstrdup("a RST came back");
	client_facts_forget_addrs(&f);
	expect_true(f.naddrs == 0 && f.dns == DNS_NOT_TRIED && f.dns_source == NULL,
		    "expected no address and no name result after forgetting the addresses");
	expect_true(!fd_is_open(fd), "expected the echo socket %d closed with its address", fd);
	expect_true(f.addrs[1].wire_note == NULL && f.addrs[0].banner_text == NULL,
		    "expected the notes freed and cleared");
	client_facts_release(&f);
}

static void the_tcp_step_forgets_the_link_unless_a_ping_run_handed_it_over(void **state)
{
	struct client_facts f;

	(void)state;
	client_facts_init(&f);
	f.naddrs = 1;
	f.addrs[0].tcp = TCP_REFUSED;
	f.addrs[0].wire_note = xstrdup("a RST came back");
	f.addrs[0].neigh = NEIGH_INCOMPLETE;
	f.addrs[0].neigh_since_us = 777;
	f.nalt = 1;
	f.alt[0].banner_text = xstrdup("SSH-2.0-other");
	f.alt_ssh_port = 2222;
	f.silence_ms = 2000;
	client_facts_forget_tcp(&f, true);
	expect_tcp(f.addrs[0].tcp, TCP_NOT_TRIED);
	expect_true(f.addrs[0].wire_note == NULL, "expected the wire forgotten");
	expect_true(f.nalt == 0 && f.alt_ssh_port == 0 && f.silence_ms == 0,
		    "expected no other port and no deadline after forgetting the TCP step");
	expect_true(f.addrs[0].neigh == NEIGH_INCOMPLETE && f.addrs[0].neigh_since_us == 777,
		    "expected the link a ping run handed over kept");
	client_facts_forget_tcp(&f, false);
	expect_true(f.addrs[0].neigh == NEIGH_UNKNOWN && f.addrs[0].neigh_since_us == 0,
		    "expected the link forgotten when no ping run handed it over");
	client_facts_release(&f);
}

static void the_route_step_takes_back_only_network_unreachable(void **state)
{
	struct client_facts f;

	(void)state;
	client_facts_init(&f);
	f.naddrs = 2;
	f.addrs[0].tcp = TCP_NET_UNREACH;
	f.addrs[0].route_errno = ENETUNREACH;
	f.addrs[1].tcp = TCP_REFUSED;
	f.addrs[1].route_ok = true;
	snprintf(f.addrs[1].route_dev, sizeof(f.addrs[1].route_dev), "eth0");
	client_facts_forget_route(&f);
	expect_tcp(f.addrs[0].tcp, TCP_NOT_TRIED);
	expect_true(f.addrs[0].route_errno == 0, "expected the route's errno forgotten");
	expect_tcp(f.addrs[1].tcp, TCP_REFUSED);
	expect_true(!f.addrs[1].route_ok && f.addrs[1].route_dev[0] == '\0', "expected the route forgotten");
	client_facts_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(releasing_the_facts_closes_the_echo_sockets_handed_to_tcp),
		cmocka_unit_test(forgetting_the_ping_leaves_no_answer_no_reason_and_no_socket),
		cmocka_unit_test(forgetting_the_addresses_closes_their_echo_sockets_and_frees_their_notes),
		cmocka_unit_test(the_tcp_step_forgets_the_link_unless_a_ping_run_handed_it_over),
		cmocka_unit_test(the_route_step_takes_back_only_network_unreachable),
		cmocka_unit_test(the_same_address_on_other_ports_is_the_same_ip),
		cmocka_unit_test(a_fast_round_trip_gets_the_floor_for_each_of_two_syns),
		cmocka_unit_test(a_slow_round_trip_gets_four_round_trips_per_syn),
		cmocka_unit_test(a_very_slow_round_trip_is_capped),
		cmocka_unit_test(no_round_trip_gets_the_unmeasured_wait),
		cmocka_unit_test(an_unanswered_syn_is_sent_again_then_called_silence),
		cmocka_unit_test(an_answer_before_the_retry_sends_one_syn),
		cmocka_unit_test(a_per_attempt_deadline_overrides_the_run_deadline),
		cmocka_unit_test(a_tick_can_end_a_pending_attempt),
		cmocka_unit_test(an_ssh_identification_is_ssh),
		cmocka_unit_test(an_ssh_identification_without_line_end_is_ssh),
		cmocka_unit_test(lines_before_the_identification_are_skipped),
		cmocka_unit_test(ssh_in_the_middle_of_a_line_is_not_ssh),
		cmocka_unit_test(exceeded_maxstartups_is_maxstartups),
		cmocka_unit_test(an_http_answer_is_other_with_its_first_line),
		cmocka_unit_test(an_smtp_greeting_is_other_with_its_text),
		cmocka_unit_test(binary_bytes_are_other_and_made_printable),
		cmocka_unit_test(nothing_then_end_of_file_is_closed),
		cmocka_unit_test(nothing_then_reset_is_reset),
		cmocka_unit_test(nothing_at_all_is_silent),
		cmocka_unit_test(control_characters_in_a_banner_are_made_printable),
		cmocka_unit_test(a_1000_byte_ssh_line_is_cut_to_255),
		cmocka_unit_test(a_1000_byte_other_line_is_cut_to_120),
		cmocka_unit_test(every_connect_errno_maps_to_its_result),
		cmocka_unit_test(an_ipv4_address_fills_sockaddr_in),
		cmocka_unit_test(an_ipv6_address_fills_sockaddr_in6),
		cmocka_unit_test(a_name_or_malformed_address_is_refused),
		cmocka_unit_test(a_loopback_ssh_server_is_answered_with_an_ssh_banner),
		cmocka_unit_test(a_closed_loopback_port_is_refused),
		cmocka_unit_test(a_server_that_closes_at_once_is_closed),
		cmocka_unit_test(a_server_that_resets_at_once_is_reset),
		cmocka_unit_test(a_server_that_says_nothing_is_silent_after_the_banner_deadline),
		cmocka_unit_test(a_web_server_greeting_is_other),
		cmocka_unit_test(without_want_banner_only_the_connection_is_tried),
		cmocka_unit_test(several_attempts_run_together_and_on_started_is_called_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

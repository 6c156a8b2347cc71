/* SPDX-License-Identifier: MIT */
/* A step run again ("r" in the wizard and the line mode): the engine runs
 * one step's probe a second time on the facts of the first. Whole flows
 * are run the way a face does (engine_run, poll, engine_dispatch), then
 * each step twice more, and the second run must say what the first said:
 * on the server side against a listener of this test on 127.0.0.1, on the
 * client side against the same listener and from a replayed capture file.
 * The client's route, ping and TCP steps run in a network namespace of this
 * test (as root), where only loopback and 192.0.2.0/24 exist and there is no
 * default route: there the situation can change between two runs, as it
 * does when a person fixes something and presses r.
 * Under ASan a second run that leaks fails too. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "assets-setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/assets.h"
#include "engine/conn.h"
#include "engine/engine.h"
#include "engine/os/exec.h"
#include "engine/facts.h"
#include "engine/util.h"
#include "engine/wire.h"
#include "tui/cli.h"
#include "tui/linemode.h"

#define RST_PCAP SSHD_FIXTURES "/pcap/rst-en10mb.pcap"
#define SYNACK_PCAP SSHD_FIXTURES "/pcap/synack-en10mb.pcap"
/* far above a step's own deadline: only a hung engine reaches it */
#define RUN_LIMIT_MS 120000

/* A listener on 127.0.0.1 that greets every connection as an SSH server
 * does, then closes it, until stopped. */
struct greeter {
	int fd;
	int port;
	pthread_t thread;
	int stop[2];
};

static void *greeter_main(void *arg)
{
	struct greeter *g = arg;
	static const char hello[] = "SSH-2.0-OpenSSH_9.2p1 rerun-test\r\n";

	/* bounded: a test makes a few dozen connections at most */
	for (int i = 0; i < 1000; i++) {
		struct pollfd p[2] = {{.fd = g->fd, .events = POLLIN}, {.fd = g->stop[0], .events = POLLIN}};
		int c;

		if (poll(p, 2, 1000) < 0 || (p[1].revents & POLLIN))
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		c = accept(g->fd, NULL, NULL);
		if (c < 0)
			continue;
		(void)!write(c, hello, sizeof(hello) - 1);
		close(c);
	}
	return NULL;
}

static void greeter_start(struct greeter *g)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof(sa);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->fd < 0 || bind(g->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(g->fd, 16) != 0 ||
	    getsockname(g->fd, (struct sockaddr *)&sa, &len) != 0 || pipe(g->stop) != 0)
		fail_msg("cannot listen on 127.0.0.1: %s", strerror(errno));
	g->port = ntohs(sa.sin_port);
	if (pthread_create(&g->thread, NULL, greeter_main, g) != 0)
		fail_msg("cannot start the greeter thread");
}

static void greeter_stop(struct greeter *g)
{
	(void)!write(g->stop[1], "x", 1);
	pthread_join(g->thread, NULL);
	close(g->stop[0]);
	close(g->stop[1]);
	close(g->fd);
}

static struct engine *engine_for(const struct assets *a, enum side side, const char *host, int port,
				 const char *replay)
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
	cfg.replay_file = replay;
	/* the capture runs where it may (root): a step run again must not
	 * disturb it either; without it the probes still run */
	cfg.no_capture = false;
	strbuf_init(&err);
	e = engine_new(&cfg, &err);
	if (e == NULL)
		fail_msg("expected an engine for %s: %s", host ? host : "this machine", err.buf);
	strbuf_release(&err);
	return e;
}

/* Runs steps from..to as a face does and waits until the engine is done. */
static void run_steps(struct engine *e, int from, int to)
{
	uint64_t until = now_ms() + RUN_LIMIT_MS;

	engine_run(e, from, to);
	while (!engine_report(e)->finished) {
		struct pollfd fds[4];
		int n = engine_pollfds(e, fds, 4);
		int ms = engine_timeout(e);

		if (now_ms() > until)
			fail_msg("expected steps %d..%d to finish within %d ms", from, to, RUN_LIMIT_MS);
		poll(fds, (nfds_t)n, ms < 0 || ms > 100 ? 100 : ms);
		engine_dispatch(e);
	}
}

/* What the face shows of one step after a run, and the verdict. */
struct seen {
	enum step_status status;
	char *summary;
	size_t nevidence;
	char *cause;
	bool failed;
};

static void seen_take(struct seen *s, const struct engine *e, int i)
{
	const struct report *rep = engine_report(e);

	s->status = rep->steps[i].status;
	s->summary = xstrdup(rep->steps[i].summary ? rep->steps[i].summary : "(none)");
	s->nevidence = rep->steps[i].evidence.n;
	s->cause = xstrdup(rep->has_verdict && rep->verdict.cause ? rep->verdict.cause : "(none)");
	s->failed = rep->failed;
}

static void seen_release(struct seen *s)
{
	free(s->summary);
	free(s->cause);
}

/* Runs step i twice on its own and expects the second run to say what the
 * first said: status, summary, the verdict after it, and (when count) the
 * number of evidence lines. */
static void expect_step_runs_again_the_same(struct engine *e, int i, bool count)
{
	const struct report *rep = engine_report(e);
	bool failed_before = rep->failed;
	struct seen first, second;

	run_steps(e, i, i);
	seen_take(&first, e, i);
	run_steps(e, i, i);
	seen_take(&second, e, i);
	if (first.status != second.status || strcmp(first.summary, second.summary) != 0)
		fail_msg("step %s run again: expected %s \"%s\", got %s \"%s\"", rep->steps[i].id,
			 step_status_word(first.status), first.summary, step_status_word(second.status),
			 second.summary);
	if (count && first.nevidence != second.nevidence)
		fail_msg("step %s run again: expected %zu evidence lines, got %zu", rep->steps[i].id,
			 first.nevidence, second.nevidence);
	if (strcmp(first.cause, second.cause) != 0)
		fail_msg("step %s run again: expected the verdict %s, got %s", rep->steps[i].id, first.cause,
			 second.cause);
	if ((first.failed || second.failed) && !failed_before)
		fail_msg("step %s run again: expected the diagnosis to stay possible, it failed: %s",
			 rep->steps[i].id, rep->failure ? rep->failure : "(no reason)");
	seen_release(&first);
	seen_release(&second);
}

static int step_index(const struct engine *e, const char *id)
{
	const struct report *rep = engine_report(e);

	for (size_t i = 0; i < rep->nsteps; i++)
		if (strcmp(rep->steps[i].id, id) == 0)
			return (int)i;
	fail_msg("expected a step %s in the flow", id);
	return -1;
}

/* The service and logs steps read every process and log of this machine,
 * which other programs change between two runs: their evidence lines are
 * not counted, their status and summary are. */
static bool machine_wide(const char *id)
{
	return strcmp(id, "service") == 0 || strcmp(id, "logs") == 0;
}

static void every_server_step_runs_again_the_same(void **state)
{
	struct greeter g;
	struct engine *e;
	const struct report *rep;

	greeter_start(&g);
	e = engine_for(*state, SIDE_SERVER, "127.0.0.1", g.port, NULL);
	rep = engine_report(e);
	assert_int_equal(rep->side, SIDE_SERVER);
	run_steps(e, 0, (int)rep->nsteps - 1);
	assert_true(rep->has_verdict);
	for (size_t i = 0; i < rep->nsteps; i++)
		expect_step_runs_again_the_same(e, (int)i, !machine_wide(rep->steps[i].id));
	/* the self-test reached this test's listener each time, and only once a run */
	{
		int k = step_index(e, "self_test");

		bool watched = false;

		if (rep->steps[k].status != STEP_PASS)
			fail_msg("expected the self-test to pass against the listener on port %d, got %s: %s",
				 g.port, step_status_word(rep->steps[k].status),
				 rep->steps[k].summary ? rep->steps[k].summary : "");
		/* what the capture saw depends on its timing: only that it watched */
		for (size_t i = 0; i < rep->steps[k].evidence.n; i++)
			watched |= strstr(rep->steps[k].evidence.v[i], "in the capture, the SYN to 127.0.0.1") != NULL;
		if (rep->capture.available && !watched)
			fail_msg("expected the capture to watch the self-test's SYN on its last run too");
	}
	engine_free(e);
	greeter_stop(&g);
}

/* The client steps this side owns that send nothing but to 127.0.0.1:
 * the name, the banner and the handshake (which fails: the listener only
 * greets). The banner and the handshake go first: run again, the name
 * step starts from no address. */
static void the_clients_name_banner_and_handshake_run_again_the_same(void **state)
{
	static const char *const ids[] = {"ssh_banner", "ssh_handshake", "dns"};
	struct greeter g;
	struct engine *e;
	const struct report *rep;

	greeter_start(&g);
	e = engine_for(*state, SIDE_CLIENT, "127.0.0.1", g.port, NULL);
	rep = engine_report(e);
	run_steps(e, 0, (int)rep->nsteps - 1);
	if (rep->steps[step_index(e, "ssh_banner")].status != STEP_PASS)
		fail_msg("expected the banner step to read the listener's greeting, got %s",
			 rep->steps[step_index(e, "ssh_banner")].summary);
	for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
		expect_step_runs_again_the_same(e, step_index(e, ids[k]), true);
	assert_int_equal(rep->steps[step_index(e, "dns")].status, STEP_PASS);
	engine_free(e);
	greeter_stop(&g);
}

static void replay_runs_again(void **state, const char *file, const char *cause, enum step_status status)
{
	struct engine *e = engine_for(*state, SIDE_CLIENT, "192.0.2.130", 22, file);
	const struct report *rep = engine_report(e);
	size_t npackets;

	run_steps(e, 0, (int)rep->nsteps - 1);
	assert_false(rep->failed);
	assert_int_equal(rep->steps[0].status, status);
	if (strcmp(rep->verdict.cause, cause) != 0)
		fail_msg("expected the verdict %s from %s, got %s", cause, file, rep->verdict.cause);
	npackets = rep->capture.npackets;
	assert_true(npackets > 0);
	expect_step_runs_again_the_same(e, 0, true);
	assert_false(rep->failed);
	assert_string_equal(rep->verdict.cause, cause);
	if (rep->capture.npackets != npackets)
		fail_msg("expected the file's %zu packets once, the capture pane holds %zu", npackets,
			 rep->capture.npackets);
	engine_free(e);
}

static void a_replayed_rst_runs_again_the_same(void **state)
{
	replay_runs_again(state, RST_PCAP, "port_closed", STEP_FAIL);
}

static void a_replayed_synack_runs_again_the_same(void **state)
{
	struct engine *e = engine_for(*state, SIDE_CLIENT, "192.0.2.130", 22, SYNACK_PCAP);
	const struct report *rep = engine_report(e);
	struct seen first;

	/* what the file says, whichever cause it leads to */
	run_steps(e, 0, (int)rep->nsteps - 1);
	seen_take(&first, e, 0);
	engine_free(e);
	replay_runs_again(state, SYNACK_PCAP, first.cause, first.status);
	seen_release(&first);
}

/* ---- client steps in a network namespace of this test ------------------- */

/* The namespace the test process came from, while a test runs in its own. */
static int home_netns = -1;

/* Runs ip with the arguments after it (NULL-terminated) and expects success. */
static void ip_run(const char *first, ...)
{
	const char *argv[16];
	char path[256];
	struct exec_result r;
	va_list ap;
	int n = 1;

	if (exec_find("ip", path, sizeof(path)) != 0)
		fail_msg("expected the ip program (iproute2) to be installed");
	argv[0] = path;
	argv[n++] = first;
	va_start(ap, first);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	exec_result_init(&r);
	if (exec_run(argv, 5000, EXEC_DEFAULT_MAX_OUTPUT, &r) != 0 || r.status != 0)
		fail_msg("expected 'ip %s ...' to succeed, it said: %.*s", first, (int)r.err.len, r.err.buf);
	exec_result_release(&r);
}

static void sysctl_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value))
		fail_msg("expected to write %s to %s: %s", value, path, strerror(errno));
	close(fd);
}

/* The assets, and a network namespace of its own holding only loopback
 * (up) when the test runs as root; otherwise the tests skip. */
static int netns_setup(void **state)
{
	assets_setup(state);
	if (geteuid() != 0)
		return 0;
	home_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_netns >= 0 && unshare(CLONE_NEWNET) != 0) {
		close(home_netns);
		home_netns = -1;
	}
	return 0;
}

static int netns_teardown(void **state)
{
	if (home_netns >= 0) {
		if (setns(home_netns, CLONE_NEWNET) != 0)
			fail_msg("cannot return to the test's own network namespace: %s", strerror(errno));
		close(home_netns);
		home_netns = -1;
	}
	return assets_teardown(state);
}

static void need_netns(void)
{
	if (home_netns < 0)
		skip();
	ip_run("link", "set", "lo", "up", NULL);
}

/* A port of 127.0.0.1 nobody listens on. */
static int closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		fail_msg("cannot find a free port on 127.0.0.1: %s", strerror(errno));
	close(fd);
	return ntohs(sa.sin_port);
}

/* The first evidence line of step i that holds needle, or NULL. */
static const char *evidence_with(const struct engine *e, int i, const char *needle)
{
	const struct report_step *s = &engine_report(e)->steps[i];

	for (size_t k = 0; k < s->evidence.n; k++)
		if (strstr(s->evidence.v[k], needle) != NULL)
			return s->evidence.v[k];
	return NULL;
}

static const char *verdict_evidence_with(const struct engine *e, const char *needle)
{
	const struct report *rep = engine_report(e);

	for (size_t k = 0; rep->has_verdict && k < rep->verdict.evidence.n; k++)
		if (strstr(rep->verdict.evidence.v[k], needle) != NULL)
			return rep->verdict.evidence.v[k];
	return NULL;
}

static void expect_cause(const struct engine *e, const char *cause, const char *when)
{
	const struct report *rep = engine_report(e);

	if (!rep->has_verdict || strcmp(rep->verdict.cause, cause) != 0)
		fail_msg("%s: expected the verdict %s, got %s", when, cause,
			 rep->has_verdict ? rep->verdict.cause : "(none)");
}

/* How long the TCP step said it waits for an answer, from its evidence. */
static int tcp_wait_ms(const struct engine *e, int i)
{
	const char *line = evidence_with(e, i, "we wait up to ");
	int ms = -1;

	if (line == NULL || sscanf(strstr(line, "we wait up to ") + 14, "%d", &ms) != 1)
		fail_msg("expected the TCP step to say how long it waits for an answer");
	return ms;
}

/* Every client step run twice in a row on its own, in the flow's order,
 * says what it said the first time: against this test's listener, and
 * against a closed port. */
static void every_client_step_runs_again_the_same(const struct assets *a, int port, const char *cause)
{
	struct engine *e = engine_for(a, SIDE_CLIENT, "127.0.0.1", port, NULL);
	const struct report *rep = engine_report(e);

	run_steps(e, 0, (int)rep->nsteps - 1);
	expect_cause(e, cause, "the first run");
	for (size_t i = 0; i < rep->nsteps; i++)
		expect_step_runs_again_the_same(e, (int)i, true);
	expect_cause(e, cause, "every step run again");
	engine_free(e);
}

static void every_client_step_runs_again_the_same_against_a_listener(void **state)
{
	struct greeter g;

	need_netns();
	greeter_start(&g);
	every_client_step_runs_again_the_same(*state, g.port, "ok");
	greeter_stop(&g);
}

static void every_client_step_runs_again_the_same_against_a_closed_port(void **state)
{
	need_netns();
	every_client_step_runs_again_the_same(*state, closed_port(), "port_closed");
}

/* Ping unanswered, so the deadline is made from the time of the first echo
 * request: a TCP step run later must not count from that old echo. */
static void a_tcp_step_run_again_waits_as_long_as_its_first_run(void **state)
{
	struct engine *e;
	int port, k, first, again;

	need_netns();
	sysctl_write("/proc/sys/net/ipv4/icmp_echo_ignore_all", "1");
	port = closed_port();
	e = engine_for(*state, SIDE_CLIENT, "127.0.0.1", port, NULL);
	run_steps(e, 0, (int)engine_report(e)->nsteps - 1);
	k = step_index(e, "tcp_connect");
	expect_cause(e, "port_closed", "the first run");
	first = tcp_wait_ms(e, k);
	usleep(700 * 1000);
	run_steps(e, k, k);
	again = tcp_wait_ms(e, k);
	if (again < first)
		fail_msg("expected the TCP step run again to wait as long as its first run (%d ms), it waits %d ms",
			 first, again);
	expect_cause(e, "port_closed", "the TCP step run again");
	engine_free(e);
}

/* No route to 192.0.2.70, then the address is put on loopback: the route
 * and TCP steps run again must say what a new diagnosis says. */
static void route_and_tcp_run_again_after_the_route_is_fixed_forget_no_route(void **state)
{
	struct engine *e, *fresh;
	int route, tcp;

	need_netns();
	e = engine_for(*state, SIDE_CLIENT, "192.0.2.70", 22, NULL);
	run_steps(e, 0, (int)engine_report(e)->nsteps - 1);
	route = step_index(e, "route");
	tcp = step_index(e, "tcp_connect");
	assert_int_equal(engine_report(e)->steps[route].status, STEP_FAIL);
	expect_cause(e, "host_unreachable", "with no route");
	if (verdict_evidence_with(e, "there is no route to 192.0.2.70") == NULL)
		fail_msg("expected the verdict to say there is no route to 192.0.2.70");

	ip_run("addr", "add", "192.0.2.70/32", "dev", "lo", NULL);
	run_steps(e, route, route);
	assert_int_equal(engine_report(e)->steps[route].status, STEP_PASS);
	if (verdict_evidence_with(e, "there is no route") != NULL)
		fail_msg("expected the route step run again, which found a route, to take back \"no route\": %s",
			 verdict_evidence_with(e, "there is no route"));
	run_steps(e, tcp, tcp);
	assert_string_equal(engine_report(e)->steps[tcp].summary, "port 22: refused");

	fresh = engine_for(*state, SIDE_CLIENT, "192.0.2.70", 22, NULL);
	run_steps(fresh, 0, (int)engine_report(fresh)->nsteps - 1);
	expect_cause(e, engine_report(fresh)->verdict.cause, "route and TCP run again once the route exists");
	engine_free(fresh);
	engine_free(e);
}

/* 192.0.2.70 on a link where nobody answers ARP: the ping step sees it and
 * the TCP step that follows sends nothing; the TCP step run again asks the
 * link again instead of repeating that at once. */
static void a_tcp_step_run_again_asks_the_link_again(void **state)
{
	struct engine *e;
	int tcp;

	need_netns();
	ip_run("link", "add", "sdt-a", "type", "veth", "peer", "name", "sdt-b", NULL);
	ip_run("addr", "add", "192.0.2.1/24", "dev", "sdt-a", NULL);
	ip_run("link", "set", "sdt-a", "up", NULL);
	ip_run("link", "set", "sdt-b", "up", NULL);
	e = engine_for(*state, SIDE_CLIENT, "192.0.2.70", 22, NULL);
	run_steps(e, 0, (int)engine_report(e)->nsteps - 1);
	tcp = step_index(e, "tcp_connect");
	expect_cause(e, "host_unreachable", "nobody answers ARP");
	run_steps(e, tcp, tcp);
	if (evidence_with(e, tcp, "not tried") != NULL)
		fail_msg("expected the TCP step run again to send its SYN, it said: %s",
			 evidence_with(e, tcp, "not tried"));
	if (evidence_with(e, tcp, "host unreachable (EHOSTUNREACH) after") == NULL)
		fail_msg("expected the TCP step run again to find the host unreachable after its SYN");
	expect_cause(e, "host_unreachable", "the TCP step run again");
	engine_free(e);
}

/* ---- the capture file read again ---------------------------------------- */

static void facts_for(struct client_facts *f, const char *addr)
{
	struct conn c;

	client_facts_init(f);
	memset(&c, 0, sizeof(c));
	assert_int_equal(conn_set_address(&c, addr, 22), 0);
	f->naddrs = 1;
	snprintf(f->addrs[0].text, sizeof(f->addrs[0].text), "%s", addr);
	memcpy(&f->addrs[0].sa, &c.sa, c.salen);
	f->addrs[0].salen = c.salen;
}

static void report_capture_release(struct report_capture *cap)
{
	for (size_t i = 0; i < cap->npackets; i++)
		free(cap->packets[i].summary);
	free(cap->packets);
	free(cap->interface);
	free(cap->reason);
	free(cap->outcome);
	free(cap->outcome_text);
}

/* Publishes f's addresses to the wire, lets the face thread's pump read
 * the file, and returns what the wire says of f's address. */
static enum wire_outcome replay_published(struct wire *w, struct client_facts *f, struct report_capture *cap)
{
	static pthread_mutex_t quit_lock = PTHREAD_MUTEX_INITIALIZER;
	static const bool quit = false;

	wire_open(w, f);
	for (int i = 0; i < 100; i++)
		wire_pump(w, cap);
	if (wire_replay(w, f, 200, &quit, &quit_lock) != 0)
		fail_msg("expected the replayed file to be read to its end: %s", wire_error(w));
	return f->addrs[0].wire;
}

static void a_replayed_file_is_judged_again_whenever_the_addresses_are_published(void **state)
{
	struct engine_config cfg;
	struct client_facts f, other;
	struct report_capture cap;
	struct strbuf why;
	struct wire *w;
	size_t npackets;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(&cap, 0, sizeof(cap));
	target_init(&cfg.target);
	cfg.target.port = 22;
	cfg.replay_file = RST_PCAP;
	strbuf_init(&why);
	w = wire_new(&cfg, &why);
	if (w == NULL)
		fail_msg("expected %s to open: %s", RST_PCAP, why.buf);
	strbuf_release(&why);
	facts_for(&f, "192.0.2.130");
	facts_for(&other, "192.0.2.131");

	assert_int_equal(replay_published(w, &f, &cap), WIRE_RST);
	npackets = cap.npackets;
	assert_true(npackets > 0);
	/* the same address again: the same classification, no packet twice */
	if (replay_published(w, &f, &cap) != WIRE_RST)
		fail_msg("expected the RST again once the same address is published again, got %s",
			 wire_outcome_word(f.addrs[0].wire));
	if (cap.npackets != npackets)
		fail_msg("expected the file's %zu packets once, the capture holds %zu", npackets, cap.npackets);
	/* another address, then the first again: the file is read anew */
	assert_int_equal(replay_published(w, &other, &cap), WIRE_NONE);
	if (replay_published(w, &f, &cap) != WIRE_RST)
		fail_msg("expected the RST once the address is published after another, got %s",
			 wire_outcome_word(f.addrs[0].wire));

	client_facts_release(&f);
	client_facts_release(&other);
	report_capture_release(&cap);
	wire_free(w);
}

/* ---- the line mode: "r" typed twice at every step ----------------------- */

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Runs the line mode on args with answers (NULL: not interactive) and
 * returns its exit status and output (the caller frees). */
static int linemode_with(const struct assets *a, int argc, const char *const *args, const char *answers,
			 char **outp)
{
	struct options o;
	struct strbuf err;
	char *argv[16];
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int fds[2] = {-1, -1};
	int status;

	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	options_init(&o);
	strbuf_init(&err);
	if (options_parse(&o, argc, argv, &err) != 0)
		fail_msg("expected the options to parse: %s", err.buf);
	strbuf_release(&err);
	/* the walk runs in this process: it must not become nobody */
	o.keep_privileges = true;
	out = open_memstream(&text, &len);
	assert_non_null(out);
	if (answers) {
		assert_int_equal(pipe(fds), 0);
		if (write(fds[1], answers, strlen(answers)) != (ssize_t)strlen(answers))
			fail_msg("expected the answers to fit in the pipe");
		close(fds[1]);
	}
	status = linemode_run_io(&o, a, answers ? fds[0] : -1, out, answers != NULL, 100);
	fclose(out);
	if (answers)
		close(fds[0]);
	options_release(&o);
	*outp = text;
	return status;
}

/* The same diagnosis twice: once straight through, once with every step
 * run twice more; the verdict and the exit status must not change. */
static void expect_r_changes_nothing(const struct assets *a, int argc, const char *const *args, size_t nsteps)
{
	struct strbuf answers;
	char *plain, *again, *verdict;
	int plain_status, again_status;

	strbuf_init(&answers);
	for (size_t i = 0; i < nsteps; i++)
		strbuf_addstr(&answers, "r\nr\n\n");
	strbuf_addstr(&answers, "\n");
	plain_status = linemode_with(a, argc, args, NULL, &plain);
	again_status = linemode_with(a, argc, args, answers.buf, &again);
	verdict = strstr(plain, "VERDICT: ");
	if (verdict == NULL)
		fail_msg("expected a verdict from the plain run:\n%s", plain);
	verdict[strcspn(verdict, "\n")] = '\0';
	if (again_status != plain_status || strstr(again, verdict) == NULL)
		fail_msg("expected \"%s\" and exit status %d with r at every step, got %d:\n%s", verdict,
			 plain_status, again_status, again);
	if (count_of(again, " again: ") != 2 * nsteps)
		fail_msg("expected %zu steps run again, saw %zu:\n%s", 2 * nsteps, count_of(again, " again: "), again);
	free(plain);
	free(again);
	strbuf_release(&answers);
}

static void r_at_every_server_step_changes_nothing(void **state)
{
	const struct assets *a = *state;
	struct greeter g;
	char port[16];

	greeter_start(&g);
	snprintf(port, sizeof(port), "%d", g.port);
	{
		/* --watch 0: the console would wait for a client's attempt */
		const char *const args[] = {"ssh-doctor", "--side", "server", "--no-capture", "--watch", "0",
					    "-p", port, "127.0.0.1"};

		expect_r_changes_nothing(a, 9, args, a->server_flow.n);
	}
	greeter_stop(&g);
}

static void r_at_every_client_step_changes_nothing(void **state)
{
	const struct assets *a = *state;
	struct greeter g;
	char port[16];

	need_netns();
	greeter_start(&g);
	snprintf(port, sizeof(port), "%d", g.port);
	{
		const char *const args[] = {"ssh-doctor", "--side", "client", "--no-capture", "-p", port, "127.0.0.1"};

		expect_r_changes_nothing(a, 7, args, a->client_flow.n);
	}
	snprintf(port, sizeof(port), "%d", closed_port());
	{
		const char *const args[] = {"ssh-doctor", "--side", "client", "--no-capture", "-p", port, "127.0.0.1"};

		expect_r_changes_nothing(a, 7, args, a->client_flow.n);
	}
	greeter_stop(&g);
}

static void r_on_a_replay_changes_nothing(void **state)
{
	const char *const args[] = {"ssh-doctor", "--replay", RST_PCAP, "192.0.2.130"};

	expect_r_changes_nothing(*state, 4, args, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_server_step_runs_again_the_same, assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(the_clients_name_banner_and_handshake_run_again_the_same,
						assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(a_replayed_rst_runs_again_the_same, assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(a_replayed_synack_runs_again_the_same, assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(every_client_step_runs_again_the_same_against_a_listener, netns_setup,
						netns_teardown),
		cmocka_unit_test_setup_teardown(every_client_step_runs_again_the_same_against_a_closed_port,
						netns_setup, netns_teardown),
		cmocka_unit_test_setup_teardown(a_tcp_step_run_again_waits_as_long_as_its_first_run, netns_setup,
						netns_teardown),
		cmocka_unit_test_setup_teardown(route_and_tcp_run_again_after_the_route_is_fixed_forget_no_route,
						netns_setup, netns_teardown),
		cmocka_unit_test_setup_teardown(a_tcp_step_run_again_asks_the_link_again, netns_setup, netns_teardown),
		cmocka_unit_test(a_replayed_file_is_judged_again_whenever_the_addresses_are_published),
		cmocka_unit_test_setup_teardown(r_at_every_server_step_changes_nothing, assets_setup, assets_teardown),
		cmocka_unit_test_setup_teardown(r_at_every_client_step_changes_nothing, netns_setup, netns_teardown),
		cmocka_unit_test_setup_teardown(r_on_a_replay_changes_nothing, assets_setup, assets_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the firewall evaluator against the kernel.
 *
 * Generates random rule sets from a grammar that covers what the evaluator
 * follows (iptables: filter INPUT with user chains, jumps and conditional
 * RETURN, raw and mangle PREROUTING, mangle INPUT, policies; nft: tables of
 * each family, base chains on prerouting and input at several priorities,
 * regular chains, named sets; both: source prefixes and their negation,
 * protocols, destination and source ports, multiport and port sets, lo,
 * conntrack state, addrtype/fib, rate limits and -m recent, ACCEPT, DROP,
 * REJECT with tcp-reset and ICMP), loads each into the server's network
 * namespace, connects from several source addresses of the client
 * namespace this program runs in, and records what the kernel did to each
 * SYN: connected, refused by a RST, an ICMP error, or silence. The same
 * listing the kernel reports (iptables-save, ip6tables-save, nft -j list
 * ruleset) is evaluated for each client (fw_query.client) and compared.
 *
 * The evaluator disagrees when it gives a certain answer (open, dropped,
 * rejected, without timing) that the kernel did not give. An answer it says
 * it cannot give (unknown) or one that depends on timing is no agreement:
 * it is counted apart, and it is a disagreement when the rule set holds
 * nothing it could come from (no interface but lo, destination address,
 * source port, ipset (its members are not listed), rate limit or -m recent).
 *
 *   diff-firewall --srv NETNS [--seed N] [--sets N] [--ipset]
 *                 [--save DIR] [--timeout-ms N] [--max-seconds N]
 *
 * --max-seconds bounds the run: no new rule set is loaded after N seconds.
 *   diff-firewall --replay FILE...   what the evaluator says of saved cases
 *
 * The server namespace holds 192.0.2.2 and 2001:db8::2 with listeners on
 * ports 22 and 2222 (this program starts them there); the client namespace
 * holds the clients' addresses (tests/diff/firewall.sh). Closing line:
 * "diff-firewall: N rule sets, M comparisons, A certain and right, U
 * uncertain, K disagreements". Exit 0 when there is none, 1 otherwise, 2 on
 * a setup error (a connection that could not be tried). With --save each
 * listing with a disagreement is written as a regression fixture (see
 * save_case), replayed by tests/unit/test-parse-firewall.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/parse/parse-firewall.h"
#include "engine/util.h"

/* Where an error queued by IP_RECVERR / IPV6_RECVERR came from: the byte
 * after ee_errno in struct sock_extended_err (linux/errqueue.h, a header
 * the platform rules keep to engine/os/linux/ and capture/). */
#define EE_ORIGIN_OFFSET 4
#define EE_ORIGIN_ICMP 2
#define EE_ORIGIN_ICMP6 3

static const char *const clients4[] = {
	"192.0.2.1", "192.0.2.9", "192.0.2.70", "192.0.2.130", "192.0.2.201", "192.0.2.254",
};
static const char *const clients6[] = {"2001:db8::1", "2001:db8::99", "2001:db8::8001"};
static const int ports[] = {22, 2222};
#define NCLIENTS (sizeof(clients4) / sizeof(clients4[0]) + sizeof(clients6) / sizeof(clients6[0]))
#define NPORTS (sizeof(ports) / sizeof(ports[0]))

static const char *const pfx4[] = {
	"192.0.2.0/25", "192.0.2.128/25", "192.0.2.0/26", "192.0.2.64/27", "192.0.2.1/32",
	"192.0.2.200/29", "192.0.2.0/24", "198.51.100.0/24", "192.0.2.128/26",
};
static const char *const pfx6[] = {
	"2001:db8::/120", "2001:db8::8000/113", "2001:db8::1/128", "2001:db8::/64", "2001:db8:1::/64",
	"2001:db8::80/121",
};

/* ---- a small deterministic generator ----------------------------------- */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)(rng % n) : 0;
}

static bool chance(int percent)
{
	return (int)rnd(100) < percent;
}

#define PICK(a) ((a)[rnd(sizeof(a) / sizeof((a)[0]))])

/* ---- iptables ---------------------------------------------------------- */

/* Where a rule stands: which targets it may use. */
enum place { P_RAW, P_MANGLE, P_FILTER_INPUT, P_USER };

/* One iptables rule in chain for family fam; user is the index of the chain
 * (1..3) when it is a user chain, which jumps only forward. */
static void ipt_rule(struct strbuf *sb, const char *chain, int fam, enum place pl, int user, bool ipset)
{
	bool tcp = false;

	strbuf_addf(sb, "-A %s", chain);
	if (chance(10))
		strbuf_addf(sb, " %s-i lo", chance(50) ? "! " : "");
	else if (chance(3))
		strbuf_addstr(sb, " -i dfs0");
	if (chance(45))
		strbuf_addf(sb, " %s-s %s", chance(25) ? "! " : "", fam == 6 ? PICK(pfx6) : PICK(pfx4));
	if (chance(4))
		strbuf_addf(sb, " -d %s", fam == 6 ? (chance(50) ? "2001:db8::2" : "2001:db8:1::1") :
			    (chance(50) ? "192.0.2.2" : "198.51.100.1"));
	else if (chance(3))	/* kube-proxy's loopback-only rules */
		strbuf_addf(sb, " %s-d %s", chance(40) ? "! " : "", fam == 6 ? "::1/128" : "127.0.0.0/8");
	if (chance(72)) {
		tcp = true;
		strbuf_addstr(sb, " -p tcp");
		switch (rnd(9)) {
		case 0: strbuf_addstr(sb, " -m tcp --dport 22"); break;
		case 1: strbuf_addstr(sb, " -m tcp --dport 2222"); break;
		case 2: strbuf_addstr(sb, " -m tcp ! --dport 22"); break;
		case 3: strbuf_addstr(sb, " -m tcp --dport 1000:3000"); break;
		case 4: strbuf_addstr(sb, " -m multiport --dports 22,2222"); break;
		case 5: strbuf_addstr(sb, " -m multiport --dports 80,443,2222"); break;
		case 6: strbuf_addstr(sb, " -m tcp --syn"); break;
		case 7: strbuf_addstr(sb, " -m tcp ! --syn"); break;
		default: break;
		}
		if (chance(4))
			strbuf_addf(sb, " -m tcp --sport %s", chance(50) ? "22" : "1024:65535");
	} else if (chance(20)) {
		strbuf_addstr(sb, " -p udp");
	}
	if (chance(14))
		strbuf_addf(sb, " -m conntrack --ctstate %s",
			    PICK(((const char *const[]){"NEW", "ESTABLISHED,RELATED", "INVALID", "NEW,ESTABLISHED"})));
	else if (chance(5))
		strbuf_addf(sb, " -m state --state %s", chance(50) ? "NEW" : "RELATED,ESTABLISHED");
	if (chance(8))
		strbuf_addf(sb, " -m addrtype %s",
			    PICK(((const char *const[]){"--dst-type LOCAL", "--dst-type BROADCAST", "--src-type LOCAL",
							"! --src-type LOCAL", "! --dst-type LOCAL", "--src-type UNICAST",
							"--dst-type UNICAST"})));
	if (chance(5))
		strbuf_addf(sb, " %s", PICK(((const char *const[]){
			"-m limit --limit 3/min --limit-burst 2", "-m recent --name dr --rcheck --seconds 60",
			"-m recent --name dr --update --seconds 30 --hitcount 2", "-m hashlimit --hashlimit-above 2/min --hashlimit-mode srcip --hashlimit-name dh"})));
	if (ipset && chance(5))
		strbuf_addf(sb, " -m set %s--match-set %s src", chance(30) ? "! " : "", fam == 6 ? "diff6" : "diff4");

	switch (rnd(20)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		strbuf_addstr(sb, " -j ACCEPT");
		break;
	case 6: case 7: case 8: case 9:
		strbuf_addstr(sb, " -j DROP");
		break;
	case 10: case 11: case 12:
		if (pl == P_FILTER_INPUT || pl == P_USER) {
			if (tcp && chance(50))
				strbuf_addstr(sb, " -j REJECT --reject-with tcp-reset");
			else
				strbuf_addf(sb, " -j REJECT --reject-with %s",
					    fam == 6 ? (chance(70) ? "icmp6-port-unreachable" : "icmp6-adm-prohibited") :
					    (chance(70) ? "icmp-port-unreachable" : "icmp-admin-prohibited"));
		} else {
			strbuf_addstr(sb, " -j DROP");
		}
		break;
	case 13: case 14: case 15:
		if (pl == P_FILTER_INPUT)
			strbuf_addf(sb, " -j u%u", 1 + rnd(3));
		else if (pl == P_USER && user < 3)
			strbuf_addf(sb, " -%c u%u", chance(20) ? 'g' : 'j', user + 1 + rnd(3 - user));
		else
			strbuf_addstr(sb, " -j ACCEPT");
		break;
	case 16: case 17:
		strbuf_addstr(sb, pl == P_USER ? " -j RETURN" : " -j DROP");
		break;
	case 18:
		strbuf_addstr(sb, " -m recent --name dr --set");
		break;
	default:
		break;	/* a counter */
	}
	strbuf_addch(sb, '\n');
}

static void ipt_ruleset(struct strbuf *sb, int fam, bool ipset)
{
	strbuf_addstr(sb, "*raw\n:PREROUTING ");
	strbuf_addstr(sb, chance(4) ? "DROP" : "ACCEPT");
	strbuf_addstr(sb, " [0:0]\n:OUTPUT ACCEPT [0:0]\n");
	for (uint32_t n = chance(30) ? 1 + rnd(2) : 0, i = 0; i < n; i++)
		ipt_rule(sb, "PREROUTING", fam, P_RAW, 0, ipset);
	strbuf_addstr(sb, "COMMIT\n*mangle\n:PREROUTING ");
	strbuf_addstr(sb, chance(4) ? "DROP" : "ACCEPT");
	strbuf_addstr(sb, " [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
		      ":POSTROUTING ACCEPT [0:0]\n");
	for (uint32_t n = chance(30) ? 1 + rnd(2) : 0, i = 0; i < n; i++)
		ipt_rule(sb, chance(50) ? "PREROUTING" : "INPUT", fam, P_MANGLE, 0, ipset);
	strbuf_addstr(sb, "COMMIT\n*filter\n:INPUT ");
	strbuf_addstr(sb, chance(35) ? "DROP" : "ACCEPT");
	strbuf_addstr(sb, " [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:u1 - [0:0]\n:u2 - [0:0]\n:u3 - [0:0]\n");
	for (uint32_t n = 2 + rnd(7), i = 0; i < n; i++)
		ipt_rule(sb, "INPUT", fam, P_FILTER_INPUT, 0, ipset);
	for (int u = 1; u <= 3; u++) {
		char name[16];

		snprintf(name, sizeof(name), "u%d", u);
		for (uint32_t n = rnd(5), i = 0; i < n; i++)
			ipt_rule(sb, name, fam, P_USER, u, ipset);
	}
	strbuf_addstr(sb, "COMMIT\n");
}

/* ---- nft --------------------------------------------------------------- */

struct nft_table {
	const char *family;	/* inet, ip, ip6 */
	bool v4, v6;
};

static void nft_rule(struct strbuf *sb, const struct nft_table *t, bool input, int regular)
{
	bool tcp = false;
	int fam = t->v4 && t->v6 ? (chance(50) ? 4 : 6) : t->v4 ? 4 : 6;

	strbuf_addstr(sb, "\t\t");
	if (chance(10))
		strbuf_addf(sb, "%s ", PICK(((const char *const[]){"iif lo", "iif != lo", "iifname \"lo\"",
								   "iifname \"dfs*\""})));
	if (chance(45)) {
		const char *neg = chance(25) ? "!= " : "";

		if (chance(25))
			strbuf_addf(sb, "%s saddr %s@s%d ", fam == 6 ? "ip6" : "ip", neg, fam);
		else
			strbuf_addf(sb, "%s saddr %s%s ", fam == 6 ? "ip6" : "ip", neg, fam == 6 ? PICK(pfx6) : PICK(pfx4));
	}
	if (chance(4))
		strbuf_addf(sb, "%s daddr %s ", fam == 6 ? "ip6" : "ip", fam == 6 ? "2001:db8::2" : "192.0.2.2");
	else if (chance(3))
		strbuf_addf(sb, "%s daddr %s%s ", fam == 6 ? "ip6" : "ip", chance(40) ? "!= " : "",
			    fam == 6 ? "::1" : "127.0.0.0/8");
	if (chance(72)) {
		tcp = true;
		switch (rnd(8)) {
		case 0: strbuf_addstr(sb, "tcp dport 22 "); break;
		case 1: strbuf_addstr(sb, "tcp dport 2222 "); break;
		case 2: strbuf_addstr(sb, "tcp dport != 22 "); break;
		case 3: strbuf_addstr(sb, "tcp dport 1000-3000 "); break;
		case 4: strbuf_addstr(sb, "tcp dport { 22, 2222 } "); break;
		case 5: strbuf_addstr(sb, "tcp dport { 80, 443, 2222 } "); break;
		case 6: strbuf_addstr(sb, "tcp flags & (syn | ack) == syn "); break;
		default: strbuf_addstr(sb, "meta l4proto tcp "); break;
		}
		if (chance(4))
			strbuf_addstr(sb, chance(50) ? "tcp sport 22 " : "tcp sport 1024-65535 ");
	} else if (chance(20)) {
		strbuf_addstr(sb, "meta l4proto udp ");
	}
	if (chance(15))
		strbuf_addf(sb, "ct state %s ", PICK(((const char *const[]){"new", "established,related", "invalid",
									   "!= established", "{ new, established }"})));
	if (chance(6))
		strbuf_addf(sb, "%s ", PICK(((const char *const[]){"fib daddr type local", "fib daddr type broadcast",
								   "fib saddr type local", "fib daddr type unicast",
								   "fib saddr type unicast", "fib saddr type != local"})));
	if (chance(5))
		strbuf_addstr(sb, chance(50) ? "limit rate 3/minute burst 2 packets " : "limit rate over 2/minute ");
	switch (rnd(20)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		strbuf_addstr(sb, "accept");
		break;
	case 6: case 7: case 8: case 9:
		strbuf_addstr(sb, "drop");
		break;
	case 10: case 11: case 12:
		if (!input)
			strbuf_addstr(sb, "drop");
		else if (tcp && chance(50))
			strbuf_addstr(sb, "reject with tcp reset");
		else if (strcmp(t->family, "inet") == 0)
			strbuf_addstr(sb, chance(60) ? "reject" : "reject with icmpx type admin-prohibited");
		else
			strbuf_addstr(sb, "reject");
		break;
	case 13: case 14: case 15:
		if (regular < 3)
			strbuf_addf(sb, "%s c%u", chance(20) ? "goto" : "jump", regular + 1 + rnd(3 - regular));
		else
			strbuf_addstr(sb, "accept");
		break;
	case 16: case 17:
		strbuf_addstr(sb, regular > 0 ? "return" : "drop");
		break;
	default:
		strbuf_addstr(sb, "counter");
		break;
	}
	strbuf_addch(sb, '\n');
}

static void nft_ruleset(struct strbuf *sb)
{
	static const struct nft_table tables[] = {
		{"inet", true, true}, {"ip", true, false}, {"ip6", false, true},
	};
	static const int prios[] = {-300, -150, -5, 0, 10};

	for (uint32_t nt = 1 + rnd(2), ti = 0; ti < nt; ti++) {
		const struct nft_table *t = &PICK(tables);
		uint32_t nbase = 1 + rnd(2);
		bool input[2];

		strbuf_addf(sb, "table %s d%u {\n", t->family, ti);
		if (t->v4)
			strbuf_addf(sb, "\tset s4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { %s, %s }\n\t}\n",
				    PICK(pfx4), "203.0.113.0/24");
		if (t->v6)
			strbuf_addf(sb, "\tset s6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t\telements = { %s }\n\t}\n",
				    PICK(pfx6));
		for (uint32_t b = 0; b < nbase; b++) {
			input[b] = chance(70);
			strbuf_addf(sb, "\tchain b%u {\n\t\ttype filter hook %s priority %d; policy %s;\n", b,
				    input[b] ? "input" : "prerouting", PICK(prios), chance(30) ? "drop" : "accept");
			for (uint32_t n = 1 + rnd(6), i = 0; i < n; i++)
				nft_rule(sb, t, input[b], 0);
			strbuf_addstr(sb, "\t}\n");
		}
		for (int c = 1; c <= 3; c++) {
			/* a regular chain may be jumped to from prerouting: no reject there */
			bool only_input = true;

			for (uint32_t b = 0; b < nbase; b++)
				only_input &= input[b];
			strbuf_addf(sb, "\tchain c%d {\n", c);
			for (uint32_t n = rnd(4), i = 0; i < n; i++)
				nft_rule(sb, t, only_input, c);
			strbuf_addstr(sb, "\t}\n");
		}
		strbuf_addstr(sb, "}\n");
	}
}

/* ---- running things ---------------------------------------------------- */

static const char *srv_ns;

/* Runs argv in the server namespace (ip netns exec), stdin from in (NULL:
 * /dev/null), stdout into out when given; returns the exit status or -1. */
static int run_srv(const char *const *args, const char *in, struct strbuf *out)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, st;
	const char *argv[16];
	size_t n = 0;
	pid_t pid;

	argv[n++] = "ip";
	argv[n++] = "netns";
	argv[n++] = "exec";
	argv[n++] = srv_ns;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if ((in && pipe(pin) != 0) || pipe(pout) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(in ? pin[0] : null, 0);
		dup2(pout[1], 1);
		if (!out)
			dup2(null, 1);
		dup2(null, 2);
		/* the pipes' own ends: stdin must see its end of file */
		for (int fd = 3; fd < 64; fd++)
			close(fd);
		execvp("ip", (char *const *)argv);
		_exit(127);
	}
	close(pout[1]);
	if (in) {
		size_t len = strlen(in), off = 0;

		close(pin[0]);
		while (off < len) {
			ssize_t w = write(pin[1], in + off, len - off);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
		close(pin[1]);
	}
	for (;;) {
		char buf[8192];
		ssize_t r = read(pout[0], buf, sizeof(buf));

		if (r <= 0)
			break;
		if (out)
			strbuf_add(out, buf, (size_t)r);
	}
	close(pout[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Accepts and closes connections on ports 22 and 2222 (IPv4 and IPv6) in
 * the server namespace, until killed. */
static pid_t listeners_start(void)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	{
		char path[256];
		int fd, ls[NPORTS];

		snprintf(path, sizeof(path), "/run/netns/%s", srv_ns);
		fd = open(path, O_RDONLY);
		if (fd < 0 || setns(fd, CLONE_NEWNET) != 0)
			_exit(2);
		for (size_t i = 0; i < NPORTS; i++) {
			struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)ports[i]),
						 .sin6_addr = in6addr_any};
			int one = 1, zero = 0;

			ls[i] = socket(AF_INET6, SOCK_STREAM, 0);
			setsockopt(ls[i], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			setsockopt(ls[i], IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
			if (bind(ls[i], (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls[i], 512) != 0)
				_exit(2);
		}
		for (;;) {
			struct pollfd p[NPORTS];

			for (size_t i = 0; i < NPORTS; i++)
				p[i] = (struct pollfd){.fd = ls[i], .events = POLLIN};
			if (poll(p, NPORTS, -1) < 0)
				continue;
			for (size_t i = 0; i < NPORTS; i++)
				if (p[i].revents & POLLIN) {
					int c = accept(ls[i], NULL, NULL);

					if (c >= 0)
						close(c);
				}
		}
	}
}

enum outcome { O_OPEN, O_RST, O_ICMP, O_TIMEOUT, O_ERROR };

static const char *outcome_name(enum outcome o)
{
	static const char *const n[] = {"open", "rst", "icmp", "timeout", "error"};

	return n[o];
}

/* The client's source ports: each SYN of a run gets one no earlier SYN
 * used, so no connection tracking entry left by an earlier rule set (an
 * ESTABLISHED entry whose closing RST a rule dropped) can meet it. */
#define SPORT_FIRST 20000
#define SPORT_COUNT 40000
static unsigned sport_next;

/* Connects from each client to each port at once, and waits up to ms for
 * what the kernel does to each SYN. out[c * NPORTS + p]. */
static void probe_all(int ms, enum outcome *out)
{
	int fds[NCLIENTS * NPORTS];
	size_t n = 0;
	struct timespec t0, now;

	for (size_t c = 0; c < NCLIENTS; c++) {
		bool v6 = c >= sizeof(clients4) / sizeof(clients4[0]);
		const char *addr = v6 ? clients6[c - sizeof(clients4) / sizeof(clients4[0])] : clients4[c];

		for (size_t p = 0; p < NPORTS; p++, n++) {
			struct sockaddr_storage src = {0}, dst = {0};
			socklen_t len;
			int one = 1, fd;
			struct linger lg = {1, 0};

			fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			fds[n] = fd;
			out[n] = O_ERROR;
			if (fd < 0)
				continue;
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (v6) {
				struct sockaddr_in6 *s = (struct sockaddr_in6 *)&src, *d = (struct sockaddr_in6 *)&dst;

				setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
				s->sin6_family = d->sin6_family = AF_INET6;
				inet_pton(AF_INET6, addr, &s->sin6_addr);
				s->sin6_port = htons((uint16_t)(SPORT_FIRST + sport_next++ % SPORT_COUNT));
				inet_pton(AF_INET6, "2001:db8::2", &d->sin6_addr);
				d->sin6_port = htons((uint16_t)ports[p]);
				len = sizeof(*s);
			} else {
				struct sockaddr_in *s = (struct sockaddr_in *)&src, *d = (struct sockaddr_in *)&dst;

				setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
				s->sin_family = d->sin_family = AF_INET;
				inet_pton(AF_INET, addr, &s->sin_addr);
				s->sin_port = htons((uint16_t)(SPORT_FIRST + sport_next++ % SPORT_COUNT));
				inet_pton(AF_INET, "192.0.2.2", &d->sin_addr);
				d->sin_port = htons((uint16_t)ports[p]);
				len = sizeof(*s);
			}
			if (bind(fd, (struct sockaddr *)&src, len) != 0 ||
			    (connect(fd, (struct sockaddr *)&dst, len) != 0 && errno != EINPROGRESS)) {
				close(fd);
				fds[n] = -1;
				continue;
			}
			out[n] = O_TIMEOUT;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pf[NCLIENTS * NPORTS];
		size_t np = 0, idx[NCLIENTS * NPORTS];
		long left;

		for (size_t i = 0; i < n; i++)
			if (fds[i] >= 0 && out[i] == O_TIMEOUT) {
				pf[np] = (struct pollfd){.fd = fds[i], .events = POLLOUT};
				idx[np++] = i;
			}
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (np == 0 || left <= 0)
			break;
		if (poll(pf, np, (int)left) <= 0)
			continue;
		for (size_t k = 0; k < np; k++) {
			int err = 0;
			socklen_t el = sizeof(err);
			char cbuf[512], dbuf[64];
			struct iovec iov = {dbuf, sizeof(dbuf)};
			struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
					    .msg_controllen = sizeof(cbuf)};
			bool icmp = false;

			if (!(pf[k].revents & (POLLOUT | POLLERR | POLLHUP)))
				continue;
			/* an ICMP error shows in the error queue (IP_RECVERR); a RST does not */
			if (recvmsg(pf[k].fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
				for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
					uint8_t origin;

					if (((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
					     (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)) &&
					    cm->cmsg_len >= CMSG_LEN(EE_ORIGIN_OFFSET + 1)) {
						memcpy(&origin, CMSG_DATA(cm) + EE_ORIGIN_OFFSET, 1);
						icmp |= origin == EE_ORIGIN_ICMP || origin == EE_ORIGIN_ICMP6;
					}
				}
			}
			getsockopt(pf[k].fd, SOL_SOCKET, SO_ERROR, &err, &el);
			if (icmp)
				out[idx[k]] = O_ICMP;
			else if (err == 0)
				out[idx[k]] = O_OPEN;
			else if (err == ECONNREFUSED)
				out[idx[k]] = O_RST;
			else if (err == ECONNRESET || err == EPIPE)
				out[idx[k]] = O_OPEN;	/* a SYN-ACK came; a rule reset what followed */
			else if (err == EHOSTUNREACH || err == ENETUNREACH || err == EACCES || err == EPROTO)
				out[idx[k]] = O_ICMP;	/* errors only an ICMP error gives a SYN */
			else {
				/* neither a RST nor an ICMP error: say so, never guess */
				printf("setup: connect failed without an ICMP error: %s\n", strerror(err));
				out[idx[k]] = O_ERROR;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* ---- comparing --------------------------------------------------------- */

/* What the evaluator claims for one client and port. */
enum claim { C_OPEN, C_DROP, C_RST, C_ICMP, C_REJECT, C_UNKNOWN, C_TIMING };

static enum claim claim_of(const struct fw_result *r)
{
	const struct fw_rule *d = r->deciding >= 0 && (size_t)r->deciding < r->nrules ? &r->rules[r->deciding] : NULL;

	if (r->timing)
		return C_TIMING;
	switch (r->verdict) {
	case FW_VERDICT_OPEN:
		return C_OPEN;
	case FW_VERDICT_DROPPED:
		return C_DROP;
	case FW_VERDICT_REJECTED:
		if (d && d->action == FW_ACT_REJECT_TCP_RESET)
			return C_RST;
		if (d && d->action == FW_ACT_REJECT_ICMP)
			return C_ICMP;
		return C_REJECT;
	default:
		return C_UNKNOWN;
	}
}

static bool agrees(enum claim c, enum outcome o)
{
	switch (c) {
	case C_OPEN:	return o == O_OPEN;
	case C_DROP:	return o == O_TIMEOUT;
	case C_RST:	return o == O_RST;
	case C_ICMP:	return o == O_ICMP;
	case C_REJECT:	return o == O_RST || o == O_ICMP;
	default:	return true;
	}
}

/* Whether the generated rule set holds a construct whose match depends on more than
 * the client's address and the port: an interface other than lo, a
 * destination address, a source port, a rate limit, -m recent. Only
 * then may the evaluator say "unknown" or "depends on timing"; elsewhere
 * such an answer is a disagreement, not a pass. */
static bool set_may_be_uncertain(const char *listing, bool *timing)
{
	static const char *const cond[] = {"-i dfs0", "dfs*", " -d ", " daddr ", "sport ", "--match-set"};
	static const char *const timed[] = {"limit", "recent"};
	bool any = false;

	*timing = false;
	for (size_t i = 0; i < sizeof(timed) / sizeof(timed[0]); i++)
		*timing |= strstr(listing, timed[i]) != NULL;
	for (size_t i = 0; i < sizeof(cond) / sizeof(cond[0]); i++)
		any |= strstr(listing, cond[i]) != NULL;
	return any || *timing;
}

static const char *claim_name(enum claim c)
{
	static const char *const n[] = {"open", "dropped", "rejected (rst)", "rejected (icmp)", "rejected",
					"unknown", "depends on timing"};

	return n[c];
}

/*
 * A regression fixture: one listing with the cases the evaluator got wrong
 * on it, in tests/fixtures/server/firewall/diff/ (replayed by
 * tests/unit/test-parse-firewall.c). Header lines, then the listing:
 *
 *   # kind: iptables | ip6tables | nft
 *   # case: CLIENT PORT KERNEL            (KERNEL: open rst icmp timeout)
 *   # uncertain: WHY                      (optional: an uncertain answer is
 *                                          the right one for these cases)
 */
static void save_case(const char *dir, unsigned long seed, int set, const char *kind,
		      const struct strbuf *cases, const struct strbuf *listing)
{
	char path[1024];
	FILE *fp;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/seed%lu-set%04d-%s", dir, seed, set, kind);
	if ((fp = fopen(path, "w")) == NULL)
		return;
	fprintf(fp, "# kind: %s\n%s", kind, cases->buf);
	fwrite(listing->buf, 1, listing->len, fp);
	fclose(fp);
}

/* --replay: what the evaluator says of saved cases, rule by rule; 1 when
 * any answer is wrong, or uncertain where the file does not allow it. */
static int replay(int argc, char **argv, int first)
{
	int bad = 0;

	for (int i = first; i < argc; i++) {
		struct strbuf sb;
		char buf[8192], kind[16] = "";
		const char *l, *body;
		bool may_doubt = false;
		size_t n, ncases = 0;
		FILE *fp = fopen(argv[i], "r");

		if (fp == NULL) {
			printf("%s: %s\n", argv[i], strerror(errno));
			bad++;
			continue;
		}
		strbuf_init(&sb);
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			strbuf_add(&sb, buf, n);
		fclose(fp);
		for (l = sb.buf; *l == '#'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : sb.buf + sb.len) {
			if (sscanf(l, "# kind: %15s", kind) != 1 && strncmp(l, "# case: ", 8) != 0 &&
			    strncmp(l, "# uncertain: ", 13) != 0)
				break;
			may_doubt |= strncmp(l, "# uncertain: ", 13) == 0;
		}
		body = l;
		for (l = sb.buf; l < body; l = strchr(l, '\n') + 1) {
			char client[64], word[16];
			int port, rc;
			enum outcome kernel = O_ERROR;
			struct fw_result res;
			enum claim cl;

			if (sscanf(l, "# case: %63s %d %15s", client, &port, word) != 3)
				continue;
			for (int o = O_OPEN; o < O_ERROR; o++)
				if (strcmp(word, outcome_name((enum outcome)o)) == 0)
					kernel = (enum outcome)o;
			struct fw_query q = {.port = (uint16_t)port, .client = client,
					     .family = strchr(client, ':') ? 6 : 4};

			fw_result_init(&res);
			if (strcmp(kind, "nft") == 0)
				rc = fw_parse_nft_json(body, sb.len - (size_t)(body - sb.buf), &q, &res);
			else
				rc = fw_parse_iptables_save(body, sb.len - (size_t)(body - sb.buf),
							    strcmp(kind, "ip6tables") == 0 ? FW_SRC_IP6TABLES :
							    FW_SRC_IPTABLES, &q, &res);
			cl = rc == 0 ? claim_of(&res) : C_UNKNOWN;
			ncases++;
			if (kernel == O_ERROR || rc != 0 ||
			    ((cl == C_UNKNOWN || cl == C_TIMING) ? !may_doubt : !agrees(cl, kernel))) {
				bad++;
				printf("%s: %s port %d: the kernel: %s, the evaluator: %s  <-- WRONG\n", argv[i],
				       client, port, word, claim_name(cl));
			} else {
				printf("%s: %s port %d: the kernel: %s, the evaluator: %s\n", argv[i], client, port,
				       word, claim_name(cl));
			}
			for (size_t k = 0; k < res.nrules; k++)
				printf("  %c %s: %s\n", (int)k == res.deciding ? '*' : ' ',
				       res.rules[k].chain ? res.rules[k].chain : "", res.rules[k].text);
			for (size_t k = 0; k < res.notes.n; k++)
				printf("  note: %s\n", res.notes.v[k]);
			fw_result_release(&res);
		}
		if (ncases == 0) {
			printf("%s: no '# case:' line\n", argv[i]);
			bad++;
		}
		strbuf_release(&sb);
	}
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--replay") == 0)
		return replay(argc, argv, 2);
{
	unsigned long seed = (unsigned long)time(NULL) % 1000000;
	const char *save = NULL;
	int sets = 300, timeout_ms = 300, loaded = 0, failed_loads = 0, max_seconds = 0;
	struct timespec started, now;
	size_t comparisons = 0, agreements = 0, disagreements = 0, unknown = 0, timing = 0;
	size_t seen[O_ERROR + 1] = {0};
	bool ipset = false;
	int shown = 0, shown_set = -1;
	pid_t lpid;

	for (int i = 1; i < argc; i++) {
		const char *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--srv") == 0 && a)
			srv_ns = argv[++i];
		else if (strcmp(argv[i], "--seed") == 0 && a)
			seed = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--sets") == 0 && a)
			sets = atoi(argv[++i]);
		else if (strcmp(argv[i], "--max-seconds") == 0 && a)
			max_seconds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout-ms") == 0 && a)
			timeout_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--save") == 0 && a)
			save = argv[++i];
		else if (strcmp(argv[i], "--ipset") == 0)
			ipset = true;
		else {
			fprintf(stderr, "usage: diff-firewall --srv NETNS [--seed N] [--sets N] [--ipset] [--save DIR] [--timeout-ms N] [--max-seconds N]\n");
			return 2;
		}
	}
	if (srv_ns == NULL) {
		fprintf(stderr, "diff-firewall: --srv is needed\n");
		return 2;
	}
	rng = seed * 2654435761u + 88172645463325252ULL;
	printf("diff-firewall: seed %lu\n", seed);
	fflush(stdout);
	lpid = listeners_start();
	usleep(200000);
	clock_gettime(CLOCK_MONOTONIC, &started);
	for (int set = 0; loaded < sets && set < sets * 3; set++) {
		bool nft = chance(45);
		struct strbuf r4, r6, l4, l6, lj, cases[2];
		enum outcome out[NCLIENTS * NPORTS];
		static const char *const flush_nft[] = {"nft", "flush", "ruleset", NULL};
		static const char *const load_nft[] = {"nft", "-f", "-", NULL};
		static const char *const res4[] = {"iptables-restore", NULL};
		static const char *const res6[] = {"ip6tables-restore", NULL};
		static const char *const save4[] = {"iptables-save", NULL};
		static const char *const save6[] = {"ip6tables-save", NULL};
		static const char *const list_nft[] = {"nft", "-j", "list", "ruleset", NULL};
		static const char *const list_all[] = {"nft", "list", "ruleset", NULL};
		bool ok;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (max_seconds > 0 && now.tv_sec - started.tv_sec >= max_seconds) {
			printf("diff-firewall: %d s spent: no further rule set\n", max_seconds);
			break;
		}
		strbuf_init(&r4);
		strbuf_init(&r6);
		strbuf_init(&l4);
		strbuf_init(&l6);
		strbuf_init(&lj);
		strbuf_init(&cases[0]);
		strbuf_init(&cases[1]);
		/* nothing of the set before may stay: nft flush ruleset empties
		 * the nf_tables back end (iptables-nft's tables too), and the
		 * legacy back end is never loaded here (tests/diff/firewall.sh) */
		run_srv(flush_nft, NULL, NULL);
		run_srv(list_all, NULL, &lj);
		if (lj.len > 0) {
			printf("setup: the ruleset is not empty after 'nft flush ruleset':\n%s", lj.buf);
			return 2;
		}
		if (nft) {
			nft_ruleset(&r4);
			ok = run_srv(load_nft, r4.buf, NULL) == 0;
		} else {
			ipt_ruleset(&r4, 4, ipset);
			ipt_ruleset(&r6, 6, ipset);
			ok = run_srv(res4, r4.buf, NULL) == 0 && run_srv(res6, r6.buf, NULL) == 0;
		}
		if (!ok) {
			failed_loads++;
			goto next;
		}
		loaded++;
		if (nft)
			run_srv(list_nft, NULL, &lj);
		else {
			run_srv(save4, NULL, &l4);
			run_srv(save6, NULL, &l6);
		}
		probe_all(timeout_ms, out);
		for (size_t c = 0, k = 0; c < NCLIENTS; c++) {
			bool v6 = c >= sizeof(clients4) / sizeof(clients4[0]);
			const char *addr = v6 ? clients6[c - sizeof(clients4) / sizeof(clients4[0])] : clients4[c];

			for (size_t p = 0; p < NPORTS; p++, k++) {
				struct fw_query q = {.port = (uint16_t)ports[p], .client = addr, .family = v6 ? 6 : 4};
				struct fw_result res;
				const struct strbuf *listing = nft ? &lj : v6 ? &l6 : &l4;
				enum claim cl;
				int rc;

				fw_result_init(&res);
				rc = nft ? fw_parse_nft_json(lj.buf, lj.len, &q, &res) :
				     fw_parse_iptables_save(listing->buf, listing->len,
							    v6 ? FW_SRC_IP6TABLES : FW_SRC_IPTABLES, &q, &res);
				const char *generated = nft || !v6 ? r4.buf : r6.buf;
				bool may_time, may_doubt = set_may_be_uncertain(generated, &may_time);
				bool uncertain;

				cl = rc == 0 ? claim_of(&res) : C_UNKNOWN;
				uncertain = cl == C_UNKNOWN || cl == C_TIMING;
				comparisons++;
				seen[out[k]]++;
				unknown += cl == C_UNKNOWN;
				timing += cl == C_TIMING;
				/* an uncertain answer is no agreement: it is counted apart,
				 * and only where the rules hold something it can come from */
				if (out[k] == O_ERROR) {
					printf("setup: %s could not try port %d\n", addr, ports[p]);
				} else if (uncertain ? !may_doubt || (cl == C_TIMING && !may_time) : !agrees(cl, out[k])) {
					const char *kind = nft ? "nft" : v6 ? "ip6tables" : "iptables";

					disagreements++;
					printf("DISAGREE set %d (%s) client %s port %d: the evaluator says %s, the kernel: %s\n",
					       set, kind, addr, ports[p], claim_name(cl), outcome_name(out[k]));
					if (shown < 5 && shown_set != set) {
						printf("--- listing ---\n%s--- end ---\n", listing->buf);
						shown++;
						shown_set = set;
					}
					strbuf_addf(&cases[nft ? 0 : v6], "# case: %s %d %s\n", addr, ports[p],
						    outcome_name(out[k]));
				} else if (!uncertain) {
					agreements++;
				}
				fw_result_release(&res);
			}
		}
		for (int f = 0; save && f < 2; f++)
			if (cases[f].len > 0)
				save_case(save, seed, set, nft ? "nft" : f ? "ip6tables" : "iptables", &cases[f],
					  nft ? &lj : f ? &l6 : &l4);
next:
		strbuf_release(&cases[0]);
		strbuf_release(&cases[1]);
		strbuf_release(&r4);
		strbuf_release(&r6);
		strbuf_release(&l4);
		strbuf_release(&l6);
		strbuf_release(&lj);
	}
	kill(lpid, SIGKILL);
	waitpid(lpid, NULL, 0);
	printf("diff-firewall: the kernel: %zu open, %zu rst, %zu icmp, %zu timeout, %zu could not try\n",
	       seen[O_OPEN], seen[O_RST], seen[O_ICMP], seen[O_TIMEOUT], seen[O_ERROR]);
	printf("diff-firewall: %zu not decided by the rules alone, %zu depending on timing, %d generated sets the tools refused\n",
	       unknown, timing, failed_loads);
	printf("diff-firewall: %d rule sets, %zu comparisons, %zu certain and right, %zu uncertain, %zu disagreements\n",
	       loaded, comparisons, agreements, unknown + timing, disagreements);
	if (seen[O_ERROR] > 0) {
		printf("diff-firewall: %zu connections could not be tried: the comparison is incomplete\n",
		       seen[O_ERROR]);
		return 2;
	}
	return disagreements > 0 ? 1 : 0;
}
}

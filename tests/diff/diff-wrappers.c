/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the TCP wrappers evaluator against libwrap itself.
 *
 * Generates random hosts.allow / hosts.deny files from a grammar that covers
 * what people write (daemon lists with EXCEPT and daemon@host, client
 * patterns: ALL, LOCAL, KNOWN, UNKNOWN, PARANOID, addresses, prefixes,
 * net/mask, wildcards, domain suffixes, names, IPv6 [net]/len, pattern
 * files, options, comments, continuation lines, a last line without a
 * newline), asks Debian's tcpdmatch(8) (libwrap's own hosts_access) about
 * several clients, and compares with hosts_access_evaluate().
 *
 * tcpdmatch -d reads ./hosts.allow and ./hosts.deny. Given an address it
 * judges the address alone (no name: libwrap's "unknown"); given a name it
 * judges each of the name's addresses with that name. The evaluator is asked
 * the same: the address with no name, or with the name. Run inside a network
 * namespace whose /etc/hosts names the test clients (tests/diff/wrappers.sh),
 * so no lookup leaves the machine.
 *
 *   diff-wrappers --tcpdmatch PATH --dir DIR [--seed N] [--cases N] [--save DIR]
 *
 * Prints the number of cases and comparisons and each disagreement; with
 * --save, writes each case with a disagreement as a regression fixture
 * (tests/fixtures/server/hosts-access/diff/, replayed by the unit test). Exit 0 when there is none, 1 otherwise, 2 on a setup
 * error.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/parse/parse-hosts-access.h"
#include "engine/os/os.h"
#include "engine/util.h"

/* The clients asked about. name: what tcpdmatch is given when set (it then
 * judges addr with that name); the evaluator gets the same. The names are in
 * the namespace's /etc/hosts (wrappers.sh). */
static const struct {
	const char *addr;
	const char *name;
} clients[] = {
	{"192.0.2.5", NULL},
	{"192.0.2.5", "good.example.test"},
	{"192.0.2.77", NULL},
	{"192.0.2.200", NULL},
	{"192.0.2.129", NULL},
	{"198.51.100.7", NULL},
	{"198.51.100.7", "host7.example.org"},
	{"203.0.113.9", NULL},
	{"2001:db8::5", NULL},
	{"2001:db8:1::9", NULL},
};

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: repeatable from the seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((uint32_t)n)];
}
#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

static const char *const daemons[] = {
	"sshd", "sshd", "sshd", "ALL", "ALL", "in.telnetd", "vsftpd", "sshd@192.0.2.2",
	"sshd@ALL", "ALL@127.0.0.1", "SSHD", "ssh", "sshd*", "s?hd",
};

static const char *const hosts[] = {
	"ALL", "ALL", "LOCAL", "KNOWN", "UNKNOWN", "PARANOID",
	"192.0.2.5", "192.0.2.77", "192.0.2.200", "198.51.100.7", "203.0.113.9",
	"192.0.2.", "198.51.100.", "192.", "192.0.2.0/24", "192.0.2.0/25", "192.0.2.128/25",
	"192.0.2.0/255.255.255.0", "192.0.2.128/255.255.255.128", "198.51.100.0/255.255.255.0",
	"192.0.2.0/33", "192.0.2.0/255.255.0.255", "192.0.2.*", "192.0.2.2?0", "192.0.2.?",
	"*.example.test", ".example.test", ".example.org", "good.example.test",
	"host7.example.org", "GOOD.EXAMPLE.TEST", "example.test",
	"[2001:db8::]/32", "[2001:db8::5]", "[2001:db8::]/64", "[2001:db8:1::]/48",
	"[::ffff:192.0.2.0]/120", "2001:db8::5", "[2001:db8::5]/128",
	"@netgroup", "nobody@ALL", "unknown@ALL", "ALL@ALL",
	"/PATTERNS/a", "/PATTERNS/b", "/PATTERNS/missing",
};

static const char *const options[] = {
	"allow", "deny", "spawn /bin/true", "twist /bin/echo no", "severity auth.info",
	"severity local0.notice : allow", "aclexec /bin/true", "aclexec /bin/false",
	"banners /nonexistent", "nice 5", "setenv X y", "keepalive", "linger 5",
	"umask 022", "bogus", "allow : deny", "deny : allow", "spawn /bin/true : deny",
	"rfc931", "user nobody", "user root", "user root.daemon", "user root.nosuchgroup",
	"user nosuchuser", "group daemon", "group nosuchgroup", "group 0",
	"severity authpriv.info", "severity ftp.debug", "severity syslog.err", "severity local7.emerg",
	"severity auth.warn", "severity auth.panic", "severity security.info", "severity local0",
	"severity=auth.notice", "umask 0777", "umask 1777", "umask 8", "linger -1", "linger x",
	"nice -5", "nice x", "rfc931 5", "rfc931 x", "setenv", "setenv X", "keepalive x",
	"allow x", "ALLOW", "aclexec", "spawn", "twist", "allow=", " ", "allow :", "",
};

/* A list of n items joined by sep, with EXCEPT now and then. */
static void list(struct strbuf *sb, const char *const *pool, size_t npool, int max)
{
	int n = 1 + (int)rnd((uint32_t)max);

	for (int i = 0; i < n; i++) {
		if (i > 0)
			strbuf_addstr(sb, rnd(3) == 0 ? ", " : " ");
		strbuf_addstr(sb, pick(pool, npool));
	}
	if (rnd(4) == 0) {
		strbuf_addstr(sb, " EXCEPT ");
		strbuf_addstr(sb, pick(pool, npool));
		if (rnd(4) == 0) {
			strbuf_addstr(sb, " EXCEPT ");
			strbuf_addstr(sb, pick(pool, npool));
		}
	}
}

static void gen_table(struct strbuf *sb)
{
	int lines = (int)rnd(5);

	for (int i = 0; i < lines; i++) {
		switch (rnd(12)) {
		case 0:
			strbuf_addstr(sb, "# a comment: with colons\n");
			continue;
		case 1:
			strbuf_addstr(sb, "\n");
			continue;
		case 2: /* no ':' separator */
			strbuf_addstr(sb, "sshd 192.0.2.5\n");
			continue;
		default:
			break;
		}
		if (rnd(6) == 0)
			strbuf_addstr(sb, "  ");
		list(sb, daemons, sizeof(daemons) / sizeof(daemons[0]), 2);
		strbuf_addstr(sb, rnd(5) == 0 ? " : " : ": ");
		if (rnd(6) == 0) {
			/* a continuation line */
			list(sb, hosts, sizeof(hosts) / sizeof(hosts[0]), 2);
			strbuf_addstr(sb, " \\\n    ");
		}
		list(sb, hosts, sizeof(hosts) / sizeof(hosts[0]), 3);
		if (rnd(3) == 0) {
			const char *o = PICK(options);

			if (o[0] != '\0') {
				strbuf_addstr(sb, " : ");
				strbuf_addstr(sb, o);
			}
		}
		if (rnd(8) == 0)
			strbuf_addstr(sb, " # trailing comment");
		if (rnd(40) == 0) {
			/* longer than libwrap's 2047-byte line buffer */
			for (int k = 0; k < 220; k++)
				strbuf_addstr(sb, " 203.0.113");
		}
		strbuf_addstr(sb, "\n");
	}
	/* now and then the last line has no newline */
	if (sb->len > 0 && rnd(8) == 0 && sb->buf[sb->len - 1] == '\n')
		sb->buf[--sb->len] = '\0';
}

static void replace_all(struct strbuf *sb, const char *from, const char *to)
{
	struct strbuf out;
	const char *p = sb->buf, *hit;

	strbuf_init(&out);
	while ((hit = strstr(p, from)) != NULL) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_addstr(&out, to);
		p = hit + strlen(from);
	}
	strbuf_addstr(&out, p);
	strbuf_reset(sb);
	strbuf_add(sb, out.buf, out.len);
	strbuf_release(&out);
}

static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[1024];
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	w = write(fd, text, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

static bool group_exists(const char *name)
{
	return getgrnam(name) != NULL;
}

static int read_fn(void *ctx, const char *path, struct strbuf *out)
{
	(void)ctx;
	return os_read_file(path, 1 << 20, false, out);
}

/* Runs tcpdmatch -d sshd WHO in dir; returns the "access:" word for addr
 * ("granted", "denied", "delegated"), or NULL. */
static char *ask_tcpdmatch(const char *tcpdmatch, const char *dir, const char *who, const char *addr)
{
	int pfd[2];
	pid_t pid;
	struct strbuf out;
	char buf[4096];
	ssize_t n;
	char *answer = NULL;
	const char *p;
	int st;

	if (pipe(pfd) != 0)
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		if (chdir(dir) != 0)
			_exit(126);
		execl(tcpdmatch, tcpdmatch, "-d", "sshd", who, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	strbuf_init(&out);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0)
		strbuf_add(&out, buf, (size_t)n);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	/* blocks separated by blank lines; take the one for addr */
	p = out.buf;
	while (p != NULL && *p) {
		const char *end = strstr(p, "\n\n");
		size_t blen = end ? (size_t)(end - p) : strlen(p);
		char *block = xstrndup(p, blen);
		char *a = strstr(block, "client:   address  ");

		if (a != NULL && strncmp(a + 19, addr, strlen(addr)) == 0 &&
		    (a[19 + strlen(addr)] == '\n' || a[19 + strlen(addr)] == '\0')) {
			char *acc = strstr(block, "access:   ");

			if (acc != NULL) {
				acc += 10;
				answer = xstrndup(acc, strcspn(acc, "\n"));
			}
		}
		free(block);
		if (answer || end == NULL)
			break;
		p = end + 2;
	}
	strbuf_release(&out);
	return answer;
}

/* Writes a disagreement as a regression fixture in the layout of
 * tests/fixtures/server/hosts-access/diff/: seedS-caseN/ with hosts.allow,
 * hosts.deny (the pattern files' folder written @DIR@) and clients, one
 * "ADDR NAME|- ANSWER" line for each client asked, ANSWER as tcpdmatch
 * said. */
static void save_case(const char *save, unsigned long long seed, unsigned id, const char *work,
		      const struct strbuf *allow, const struct strbuf *deny, const struct strbuf *answers)
{
	char dir[1024], from[1100];
	struct strbuf a, d;

	snprintf(dir, sizeof(dir), "%s/seed%llu-case%04u", save, seed, id);
	mkdir(save, 0755);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return;
	snprintf(from, sizeof(from), "%s/", work);
	strbuf_init(&a);
	strbuf_init(&d);
	strbuf_add(&a, allow->buf, allow->len);
	strbuf_add(&d, deny->buf, deny->len);
	replace_all(&a, from, "@DIR@/");
	replace_all(&d, from, "@DIR@/");
	write_file(dir, "hosts.allow", a.buf, a.len);
	write_file(dir, "hosts.deny", d.buf, d.len);
	write_file(dir, "clients", answers->buf, answers->len);
	strbuf_release(&a);
	strbuf_release(&d);
}

int main(int argc, char **argv)
{
	const char *tcpdmatch = NULL, *dir = NULL, *save = NULL;
	unsigned long long seed = 1;
	unsigned cases = 500, asked = 0, disagree = 0, unanswered = 0;
	struct strbuf answers;
	bool found;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--tcpdmatch") == 0)
			tcpdmatch = argv[i + 1];
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--seed") == 0)
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cases") == 0)
			cases = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--save") == 0)
			save = argv[i + 1];
	}
	if (tcpdmatch == NULL || dir == NULL) {
		fprintf(stderr, "usage: diff-wrappers --tcpdmatch PATH --dir DIR [--seed N] [--cases N] [--save DIR]\n");
		return 2;
	}
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	strbuf_init(&answers);
	/* two pattern files the rules may name */
	static const char pattern_a[] = "192.0.2.5\n# a comment\n198.51.100.0/24\n";
	static const char pattern_b[] = ".example.test [2001:db8::]/32\n";

	if (write_file(dir, "pattern-a", pattern_a, strlen(pattern_a)) != 0 ||
	    write_file(dir, "pattern-b", pattern_b, strlen(pattern_b)) != 0) {
		fprintf(stderr, "diff-wrappers: cannot write into '%s'\n", dir);
		return 2;
	}
	for (unsigned c = 0; c < cases; c++) {
		struct strbuf allow, deny;
		struct hosts_table ta, td;
		char pa[1200];

		strbuf_init(&allow);
		strbuf_init(&deny);
		gen_table(&allow);
		gen_table(&deny);
		snprintf(pa, sizeof(pa), "%s/pattern-", dir);
		replace_all(&allow, "/PATTERNS/", pa);
		replace_all(&deny, "/PATTERNS/", pa);
		if (write_file(dir, "hosts.allow", allow.buf, allow.len) != 0 ||
		    write_file(dir, "hosts.deny", deny.buf, deny.len) != 0) {
			fprintf(stderr, "diff-wrappers: cannot write the tables into '%s'\n", dir);
			return 2;
		}
		hosts_table_init(&ta);
		hosts_table_init(&td);
		hosts_table_parse(&ta, "hosts.allow", allow.buf, allow.len);
		hosts_table_parse(&td, "hosts.deny", deny.buf, deny.len);
		strbuf_reset(&answers);
		found = false;
		for (size_t k = 0; k < sizeof(clients) / sizeof(clients[0]); k++) {
			struct hosts_client hc = {.daemon = "sshd", .addr = clients[k].addr, .name = clients[k].name,
						  .group_exists = group_exists};
			struct hosts_verdict v;
			char *theirs = ask_tcpdmatch(tcpdmatch, dir, clients[k].name ? clients[k].name : clients[k].addr,
						     clients[k].addr);
			bool their_allowed;

			asked++;
			if (theirs == NULL) {
				unanswered++;
				fprintf(stderr, "case %u: tcpdmatch gave no answer for %s\n", c, clients[k].addr);
				continue;
			}
			their_allowed = strcmp(theirs, "granted") == 0;
			strbuf_addf(&answers, "%s %s %s\n", clients[k].addr, clients[k].name ? clients[k].name : "-",
				    theirs);
			hosts_verdict_init(&v);
			hosts_access_evaluate(&ta, &td, &hc, read_fn, NULL, &v);
			if (v.allowed != their_allowed) {
				disagree++;
				printf("DISAGREE case %u client %s%s%s: tcpdmatch %s, ours %s (%s)\n--- hosts.allow\n%s\n--- hosts.deny\n%s\n---\n",
				       c, clients[k].addr, clients[k].name ? " name " : "",
				       clients[k].name ? clients[k].name : "", theirs,
				       v.allowed ? "allowed" : "refused", v.reason ? v.reason : "",
				       allow.buf, deny.buf);
				found = true;
			}
			hosts_verdict_release(&v);
			free(theirs);
		}
		if (found && save)
			save_case(save, seed, c, dir, &allow, &deny, &answers);
		hosts_table_release(&ta);
		hosts_table_release(&td);
		strbuf_release(&allow);
		strbuf_release(&deny);
	}
	printf("diff-wrappers: seed %llu, %u cases, %u comparisons with tcpdmatch, %u disagreements, %u unanswered\n",
	       seed, cases, asked, disagree, unanswered);
	strbuf_release(&answers);
	return disagree || unanswered ? 1 : 0;
}

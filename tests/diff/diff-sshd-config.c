/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the fallback sshd_config parser against the
 * installed sshd itself.
 *
 * When sshd cannot run (not installed where it is looked for, or not
 * root), ssh-doctor reads sshd_config with its own parser: it must accept
 * what sshd accepts, reject what sshd rejects, and find the same Port,
 * ListenAddress, MaxStartups, PermitRootLogin and PasswordAuthentication.
 * This program writes random configurations from a grammar of what people
 * write (keywords in any case and with '=', values good and bad, unknown
 * and removed keywords, repeated keywords, Match blocks with every kind of
 * criterion and keywords that may or may not stand in them), asks
 * `sshd -t` and `sshd -T` (with a throw-away host key), and compares.
 *
 *   diff-sshd-config --sshd PATH --dir DIR [--seed N] [--cases N] [--save DIR]
 *
 * Prints each disagreement and a closing line; with --save writes each case
 * that disagreed as a regression fixture (sshd_config and what sshd said),
 * replayed by the unit test. Exit 0 when none, 1 otherwise, 2 on a setup
 * error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/parse/parse-sshd-config.h"
#include "engine/util.h"

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

#define PICK(a) (a)[rnd(sizeof(a) / sizeof((a)[0]))]

/* Keyword lines for the global part. */
static const char *const global_lines[] = {
	"Port 22", "Port 2222", "port 2200", "Port=2201", "Port 0", "Port 70000", "Port ssh", "Port 22 23",
	"Port", "ListenAddress 0.0.0.0", "ListenAddress 127.0.0.1:2202", "ListenAddress [::1]:2203",
	"ListenAddress ::", "ListenAddress localhost", "ListenAddress 192.0.2.77", "ListenAddress",
	"ListenAddress 127.0.0.1 rdomain", "AddressFamily any", "AddressFamily inet", "AddressFamily inet6",
	"AddressFamily ipv4", "PermitRootLogin yes", "PermitRootLogin no", "PermitRootLogin prohibit-password",
	"PermitRootLogin without-password", "PermitRootLogin forced-commands-only", "PermitRootLogin maybe",
	"PasswordAuthentication yes", "PasswordAuthentication no", "PasswordAuthentication maybe",
	"PasswordAuthentication", "MaxStartups 10", "MaxStartups 10:30:60", "MaxStartups 3:50:20",
	"MaxStartups many", "MaxStartups 5:30", "MaxAuthTries 3", "MaxAuthTries three", "MaxSessions 2",
	"UsePAM yes", "UsePAM no", "AllowUsers alice bob@192.0.2.0/24", "DenyUsers mallory",
	"AllowGroups ssh-users", "LoginGraceTime 30", "ClientAliveInterval 10", "X11Forwarding yes",
	"Banner none", "PubkeyAuthentication yes", "KbdInteractiveAuthentication no",
	"ChallengeResponseAuthentication no", "PrintMotd no", "AcceptEnv LANG LC_*",
	"Subsystem sftp /usr/lib/openssh/sftp-server", "FooBar yes", "Protocol 2",
	"UsePrivilegeSeparation yes", "RSAAuthentication yes", "KeyRegenerationInterval 3600",
	"ServerKeyBits 1024", "UseDNS no", "# a comment", "", "  PermitRootLogin no  ",
	"PERMITROOTLOGIN no", "permitrootlogin=yes",
};

static const char *const match_heads[] = {
	"Match Address 192.0.2.0/24", "Match User alice", "Match Group wheel", "Match Host *.example.test",
	"Match LocalPort 22", "Match LocalAddress 127.0.0.1", "Match All", "Match User alice Address 192.0.2.1",
	"Match Bogus x", "Match", "Match host=a", "Match User=alice", "Match LocalPort ssh", "Match Address",
};

static const char *const match_lines[] = {
	"PermitRootLogin no", "PasswordAuthentication no", "AllowUsers alice", "DenyUsers root",
	"MaxAuthTries 2", "Port 2222", "ListenAddress 0.0.0.0", "MaxStartups 5", "X11Forwarding no",
	"Banner /etc/issue.net",
};

static void gen(struct strbuf *sb)
{
	int n = 1 + (int)rnd(8);
	bool in_match = false;

	for (int i = 0; i < n; i++)
		strbuf_addf(sb, "%s\n", PICK(global_lines));
	if (rnd(3) == 0) {
		int m = 1 + (int)rnd(2);

		for (int k = 0; k < m; k++) {
			strbuf_addf(sb, "%s\n", PICK(match_heads));
			in_match = true;
			for (int j = 0, body = (int)rnd(3); j < body; j++)
				strbuf_addf(sb, "    %s\n", PICK(match_lines));
		}
	}
	(void)in_match;
}

static int write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, text, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -1;
}

/* Runs sshd MODE -f conf -h key; status and stdout+stderr in out. */
static int run_sshd(const char *sshd, const char *mode, const char *conf, const char *key, struct strbuf *out)
{
	int pfd[2], st = -1;
	pid_t pid;
	char buf[4096];
	ssize_t n;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl(sshd, sshd, mode, "-f", conf, "-h", key, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first "keyword value" of a dump, or "" when absent. */
static void dump_value(const char *dump, const char *key, char *out, size_t len)
{
	const char *p = dump;
	size_t kl = strlen(key);

	out[0] = '\0';
	while (p && *p) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			snprintf(out, len, "%.*s", (int)strcspn(p + kl + 1, "\n"), p + kl + 1);
			return;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
}

/* The ports of the effective sockets, sorted, as "22,2222". */
static void ports_of(const struct sshd_config *cfg, char *out, size_t len)
{
	int ports[64];
	size_t n = 0;

	for (size_t i = 0; i < cfg->nlisten && n < 64; i++) {
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= ports[k] == cfg->listen[i].port;
		if (!seen)
			ports[n++] = cfg->listen[i].port;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && ports[k - 1] > ports[k]; k--) {
			int t = ports[k];

			ports[k] = ports[k - 1];
			ports[k - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%d", i ? "," : "", ports[i]);
}

/* A ListenAddress name with AddressFamily inet or inet6: the answer is the
 * resolver's, which the parser does not ask. */
static bool names_depend_on_resolver(const struct sshd_config *cfg)
{
	const char *af = cfg->global.address_family.value;
	unsigned char b[16];

	if (af == NULL || strcasecmp(af, "any") == 0)
		return false;
	for (size_t i = 0; i < cfg->nlisten_addrs; i++)
		if (inet_pton(AF_INET, cfg->listen_addrs[i].host, b) != 1 &&
		    inet_pton(AF_INET6, cfg->listen_addrs[i].host, b) != 1)
			return true;
	return false;
}

static void save_case(const char *save, unsigned long long seed, unsigned id, const struct strbuf *conf,
		      int rc, const struct strbuf *dump)
{
	char dir[1024], path[1100], rcs[16];

	mkdir(save, 0755);
	snprintf(dir, sizeof(dir), "%s/seed%llu-case%04u", save, seed, id);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/sshd_config", dir);
	write_file(path, conf->buf, conf->len);
	snprintf(path, sizeof(path), "%s/sshd-t.status", dir);
	snprintf(rcs, sizeof(rcs), "%d\n", rc);
	write_file(path, rcs, strlen(rcs));
	snprintf(path, sizeof(path), "%s/sshd-T.txt", dir);
	write_file(path, dump->buf, dump->len);
}

int main(int argc, char **argv)
{
	const char *sshd = NULL, *dir = NULL, *save = NULL;
	unsigned long long seed = 1;
	unsigned cases = 300, disagree = 0, compared = 0, skipped = 0;
	char conf[1024], key[1024];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--sshd") == 0)
			sshd = argv[i + 1];
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else if (strcmp(argv[i], "--seed") == 0)
			seed = strtoull(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--cases") == 0)
			cases = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--save") == 0)
			save = argv[i + 1];
	}
	if (sshd == NULL || dir == NULL) {
		fprintf(stderr, "usage: diff-sshd-config --sshd PATH --dir DIR [--seed N] [--cases N] [--save DIR]\n");
		return 2;
	}
	rng_state = seed * 0x9E3779B97F4A7C15ULL + 7;
	snprintf(conf, sizeof(conf), "%s/sshd_config", dir);
	snprintf(key, sizeof(key), "%s/host_key", dir);
	for (unsigned c = 0; c < cases; c++) {
		struct strbuf text, out, dump;
		struct sshd_config *cfg = sshd_config_new();
		int rc;
		bool ours_ok, theirs_ok;

		strbuf_init(&text);
		strbuf_init(&out);
		strbuf_init(&dump);
		gen(&text);
		if (write_file(conf, text.buf, text.len) != 0) {
			fprintf(stderr, "diff-sshd-config: cannot write '%s'\n", conf);
			return 2;
		}
		rc = run_sshd(sshd, "-t", conf, key, &out);
		sshd_config_parse(cfg, conf, text.buf, text.len, NULL);
		theirs_ok = rc == 0;
		ours_ok = cfg->nproblems == 0;
		if (names_depend_on_resolver(cfg)) {
			/* whether "localhost" has an address of that family is
			 * this machine's /etc/hosts, not the configuration */
			skipped++;
		} else if ((compared++, theirs_ok != ours_ok)) {
			disagree++;
			printf("DISAGREE case %u: sshd -t %s, the parser %s%s%s\n--- sshd_config\n%s--- sshd said\n%s---\n", c,
			       theirs_ok ? "accepts" : "rejects", ours_ok ? "accepts" : "rejects",
			       ours_ok ? "" : ": ", ours_ok ? "" : cfg->problems[0].message, text.buf, out.buf);
			if (save)
				save_case(save, seed, c, &text, rc, &out);
		} else if (theirs_ok && run_sshd(sshd, "-T", conf, key, &dump) == 0) {
			char t_ports[128], o_ports[128], t_ms[64], t_prl[64], t_pa[64];
			const char *o_prl = cfg->global.permit_root_login.value ? cfg->global.permit_root_login.value
						: "prohibit-password";
			int o_pa = sshd_setting_bool(&cfg->global.password_authentication, 1);
			char o_ms[64];
			char *dports = NULL;
			struct sshd_config *t = sshd_config_new();

			/* sshd -T's own values, read the way the probe reads them */
			sshd_config_parse_dump(t, "sshd -T", dump.buf, dump.len);
			ports_of(t, t_ports, sizeof(t_ports));
			ports_of(cfg, o_ports, sizeof(o_ports));
			dump_value(dump.buf, "maxstartups", t_ms, sizeof(t_ms));
			dump_value(dump.buf, "permitrootlogin", t_prl, sizeof(t_prl));
			dump_value(dump.buf, "passwordauthentication", t_pa, sizeof(t_pa));
			snprintf(o_ms, sizeof(o_ms), "%d:%d:%d", cfg->global.max_startups_v.start,
				 cfg->global.max_startups_v.rate, cfg->global.max_startups_v.full);
			compared++;
			if (strcmp(t_ports, o_ports) != 0 || strcmp(t_ms, o_ms) != 0 ||
			    (strcmp(t_prl, o_prl) != 0 &&
			     !(strcmp(t_prl, "without-password") == 0 && strcmp(o_prl, "prohibit-password") == 0) &&
			     !(strcmp(o_prl, "without-password") == 0 && strcmp(t_prl, "prohibit-password") == 0)) ||
			    strcmp(t_pa, o_pa == 1 ? "yes" : o_pa == 0 ? "no" : "?") != 0) {
				disagree++;
				dports = xasprintf("ports %s/%s, maxstartups %s/%s, permitrootlogin %s/%s, passwordauthentication %s/%s",
						   t_ports, o_ports, t_ms, o_ms, t_prl, o_prl, t_pa,
						   o_pa == 1 ? "yes" : o_pa == 0 ? "no" : "?");
				printf("DISAGREE case %u: sshd -T / the parser: %s\n--- sshd_config\n%s---\n", c, dports,
				       text.buf);
				if (save)
					save_case(save, seed, c, &text, rc, &dump);
				free(dports);
			}
			sshd_config_free(t);
		}
		sshd_config_free(cfg);
		strbuf_release(&text);
		strbuf_release(&out);
		strbuf_release(&dump);
	}
	printf("diff-sshd-config: seed %llu, %u configurations, %u comparisons with sshd, %u disagreements (%u left out: a ListenAddress name under AddressFamily)\n",
	       seed, cases, compared, disagree, skipped);
	return disagree ? 1 : 0;
}

/* SPDX-License-Identifier: MIT */
/* Building, staging and removing a practice-lab sandbox (see lab.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/lab/lab.h"
#include "engine/os/exec.h"

#define CMD_MS 10000

static const char *const role_letter[LAB_NHOSTS] = {"c", "r", "s"};

/* ---- running programs ---------------------------------------------------- */

/* Runs argv (argv[0] a bare program name, found in the system folders);
 * on failure says what and why in err. */
static int run_argv(const char *const *argv, struct strbuf *err)
{
	const char *full[48];
	char path[256];
	struct exec_result r;
	size_t n;
	int rc = -1;

	for (n = 0; argv[n] != NULL && n < 46; n++)
		full[n] = argv[n];
	full[n] = NULL;
	if (exec_find(argv[0], path, sizeof(path)) != 0) {
		if (err)
			strbuf_addf(err, "'%s' is not installed", argv[0]);
		return -1;
	}
	full[0] = path;
	exec_result_init(&r);
	if (exec_run(full, CMD_MS, 64 * 1024, &r) == 0 && r.status == 0) {
		rc = 0;
	} else if (err != NULL) {
		char *msg = printable(r.err.buf ? r.err.buf : "", r.err.len, false);

		strbuf_addstr(err, "'");
		for (size_t i = 0; argv[i] != NULL; i++)
			strbuf_addf(err, "%s%s", i ? " " : "", argv[i]);
		strbuf_addf(err, "' failed%s%s", msg[0] ? ": " : "", str_trim(msg));
		free(msg);
	}
	exec_result_release(&r);
	return rc;
}

/* run_argv from a NULL-terminated list of words. */
static int run(struct strbuf *err, ...)
{
	const char *argv[48];
	va_list ap;
	size_t n = 0;

	va_start(ap, err);
	while (n < 47 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return run_argv(argv, err);
}

/* ---- the state file ----------------------------------------------------- */

/* The start time of pid in clock ticks since boot (field 22 of
 * /proc/PID/stat), or 0: with the pid it names one process for good. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long start = 0;
	ssize_t n;
	int fd;
	char *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name may hold anything: count fields after its ')' */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (int field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		start = strtoull(p + 1, NULL, 10);
	return start;
}

static void state_add(struct lab_sandbox *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void state_add(struct lab_sandbox *sb, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (sb->state_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1)
		return;
	line[n++] = '\n';
	(void)!write(sb->state_fd, line, (size_t)n);
}

/* ---- names -------------------------------------------------------------- */

void lab_sandbox_init(struct lab_sandbox *sb)
{
	char prefix[sizeof(sb->prefix)];

	memset(sb, 0, sizeof(*sb));
	snprintf(prefix, sizeof(prefix), "sdl%ld", (long)getpid());
	memcpy(sb->prefix, prefix, sizeof(prefix));
	for (int h = 0; h < LAB_NHOSTS; h++)
		snprintf(sb->ns[h], sizeof(sb->ns[h]), "%s%s", prefix, role_letter[h]);
	snprintf(sb->dir, sizeof(sb->dir), "%s/%s", LAB_RUN_DIR, prefix);
	sb->state_fd = -1;
}

size_t lab_vars(struct asset_var *vars, size_t max)
{
	static const struct asset_var all[] = {
		{"client", LAB_CLIENT_ADDR}, {"server", LAB_SERVER_ADDR},
		{"router", LAB_ROUTER_CADDR}, {"router_s", LAB_ROUTER_SADDR},
		{"client6", LAB_CLIENT_ADDR6}, {"server6", LAB_SERVER_ADDR6},
	};
	size_t n = sizeof(all) / sizeof(all[0]);

	if (n > max)
		n = max;
	memcpy(vars, all, n * sizeof(*vars));
	return n;
}

int lab_check(struct strbuf *err)
{
	static const char *const need[] = {"ip", "iptables", "ssh", "ssh-keygen", "sshd"};
	char path[256];

	if (geteuid() != 0) {
		strbuf_addstr(err, "the practice lab builds network namespaces and runs its own sshd, "
			      "which needs root: run 'sudo ssh-doctor --practice' (nothing on this "
			      "machine is changed: the lab lives in namespaces it removes)");
		return -1;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (exec_find(need[i], path, sizeof(path)) != 0) {
			strbuf_addf(err, "the practice lab needs '%s' (Debian: apt install iproute2 iptables "
				    "openssh-client openssh-server)", need[i]);
			return -1;
		}
	if (access("/usr/sbin/sshd", X_OK) != 0) {
		strbuf_addstr(err, "the practice lab runs the installed sshd, and /usr/sbin/sshd is not there "
			      "(Debian: apt install openssh-server)");
		return -1;
	}
	return 0;
}

/* ---- our own processes inside a namespace -------------------------------- */

/* Starts fn in a child that entered namespace ns (its network only), in a
 * process group of its own, named comm (what ss and ps show). The child
 * writes one byte to its ready pipe when it is ready; we wait up to 5 s. */
static int start_helper(struct lab_sandbox *sb, const char *ns, const char *comm,
			int (*fn)(int ready_fd, int arg), int arg, struct strbuf *err)
{
	int p[2];
	pid_t pid;
	char c = 0;
	struct pollfd pfd;

	if (sb->nprocs >= LAB_MAX_PROCS) {
		strbuf_addstr(err, "too many processes in one sandbox");
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		strbuf_addf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		struct strbuf e;
		int devnull = open("/dev/null", O_RDWR);

		setsid();
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				signal(s, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		prctl(PR_SET_NAME, comm, 0, 0, 0);
		strbuf_init(&e);
		if (lab_netns_enter(ns, false, &e) != 0)
			_exit(3);
		_exit(fn(p[1], arg));
	}
	close(p[1]);
	sb->procs[sb->nprocs++] = pid;
	state_add(sb, "proc %ld %llu", (long)pid, proc_start(pid));
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	if (poll(&pfd, 1, 5000) != 1 || read(p[0], &c, 1) != 1 || c != 'y') {
		strbuf_addf(err, "%s did not get ready in its namespace within 5 s", comm);
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return 0;
}

/* A dual-stack listening socket on port, or -1. */
static int listen_on(int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				 .sin6_addr = IN6ADDR_ANY_INIT};
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0, on = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 16) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A web server: reads the client's first line (an SSH client speaks first),
 * answers "400 Bad Request" and closes, as nginx or Apache do. */
static int serve_http(int ready, int port)
{
	static const char answer[] =
		"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
		"Content-Length: 50\r\nConnection: close\r\n\r\n"
		"<html><body><h1>400 Bad Request</h1></body></html>";
	int fd = listen_on(port);

	if (fd < 0)
		return 1;
	(void)!write(ready, "y", 1);
	close(ready);
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		struct pollfd pfd = {.fd = c, .events = POLLIN};
		char buf[512];

		if (c < 0)
			continue;
		if (poll(&pfd, 1, 10000) == 1)
			(void)!read(c, buf, sizeof(buf));
		(void)!write(c, answer, sizeof(answer) - 1);
		close(c);
	}
}

/* Accepts every connection and closes it without a byte. */
static int serve_close(int ready, int port)
{
	int fd = listen_on(port);

	if (fd < 0)
		return 1;
	(void)!write(ready, "y", 1);
	close(ready);
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
	}
}

/* Opens n connections to the server's sshd and keeps them in the
 * pre-authentication state, each after sshd said who it is (so that sshd
 * counts it against MaxStartups before the next). */
static int hold_ssh(int ready, int n)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(22)};
	int held = 0;

	inet_pton(AF_INET, LAB_SERVER_ADDR, &a.sin_addr);
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char buf[256];

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			return 1;
		if (poll(&pfd, 1, 5000) != 1 || read(fd, buf, sizeof(buf)) < 8 ||
		    strncmp(buf, "SSH-2.0-", 8) != 0)
			return 1;
		held++;
	}
	(void)!write(ready, "y", 1);
	close(ready);
	for (;;)
		pause();
}

/* ---- files -------------------------------------------------------------- */

static int write_file(const char *path, const char *text, struct strbuf *err)
{
	FILE *f = fopen(path, "we");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int append_line(const char *path, const char *line, struct strbuf *err)
{
	FILE *f = fopen(path, "ae");

	if (f == NULL || fprintf(f, "%s\n", line) < 0 || fclose(f) != 0) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Removes a tree we made (no symbolic link is followed). */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			char sub[1024];
			struct stat st;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(sub);
			else
				unlink(sub);
		}
		closedir(d);
	}
	rmdir(path);
}

/* ---- building the sandbox ------------------------------------------------ */

/* The namespace with its own /etc: hosts, resolv.conf, hosts.allow,
 * hosts.deny (ip netns exec puts each over the real one). */
static int make_host(struct lab_sandbox *sb, enum lab_host h, const struct lab_scenario *sc,
		     struct strbuf *err)
{
	const char *ns = sb->ns[h];
	char etc[256], path[512];
	struct strbuf hosts;
	int rc;

	snprintf(etc, sizeof(etc), "/etc/netns/%s", ns);
	state_add(sb, "ns %s", ns);
	state_add(sb, "etc %s", ns);
	sb->made = true;
	if (mkdir("/etc/netns", 0755) == 0)
		state_add(sb, "etcnetns");
	if (mkdir(etc, 0755) != 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot make '%s': %s", etc, strerror(errno));
		return -1;
	}
	if (run(err, "ip", "netns", "add", ns, NULL) != 0 ||
	    run(err, "ip", "-n", ns, "link", "set", "lo", "up", NULL) != 0)
		return -1;
	strbuf_init(&hosts);
	strbuf_addstr(&hosts, "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
	if (h == LAB_CLIENT) {
		const char *addr = LAB_SERVER_ADDR;

		for (size_t i = 0; i < sc->nops; i++) {
			if (sc->ops[i].kind == LAB_OP_RESOLVE_NONE)
				addr = NULL;
			else if (sc->ops[i].kind == LAB_OP_RESOLVE_ADDR)
				addr = sc->ops[i].text;
		}
		strbuf_addf(&hosts, "%s\tlab-client\n", LAB_CLIENT_ADDR);
		if (addr != NULL) {
			struct asset_var vars[8];
			char *a = assets_expand(addr, vars, lab_vars(vars, 8));

			strbuf_addf(&hosts, "%s\t%s\n", a, sc->target);
			free(a);
		}
	} else if (h == LAB_SERVER) {
		strbuf_addf(&hosts, "%s\tlab-server\n%s\tlab-client\n", LAB_SERVER_ADDR, LAB_CLIENT_ADDR);
	}
	snprintf(path, sizeof(path), "%s/hosts", etc);
	rc = write_file(path, hosts.buf, err);
	strbuf_release(&hosts);
	if (rc != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/resolv.conf", etc);
	/* a name server nobody has and no route leads to: a lookup that
	 * escapes the hosts file fails at once and stays here */
	if (write_file(path, "nameserver " LAB_DNS_ADDR "\noptions timeout:1 attempts:1\n", err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/hosts.allow", etc);
	if (write_file(path, "# hosts.allow of the lab's host\n", err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/hosts.deny", etc);
	return write_file(path, "# hosts.deny of the lab's host\n", err);
}

/* veth name for the pair ends: prefix + two letters (at most 15 bytes). */
static void if_name(const struct lab_sandbox *sb, char *buf, size_t len, const char *end)
{
	snprintf(buf, len, "%s%s", sb->prefix, end);
}

static int make_links(struct lab_sandbox *sb, struct strbuf *err)
{
	char c0[32], rc[32], rs[32], s0[32];
	const char *C = sb->ns[LAB_CLIENT], *R = sb->ns[LAB_ROUTER], *S = sb->ns[LAB_SERVER];

	if_name(sb, c0, sizeof(c0), "c0");
	if_name(sb, rc, sizeof(rc), "rc");
	if_name(sb, rs, sizeof(rs), "rs");
	if_name(sb, s0, sizeof(s0), "s0");
	if (run(err, "ip", "link", "add", c0, "netns", C, "type", "veth", "peer", "name", rc, "netns", R, NULL) ||
	    run(err, "ip", "link", "add", s0, "netns", S, "type", "veth", "peer", "name", rs, "netns", R, NULL) ||
	    run(err, "ip", "-n", C, "addr", "add", LAB_CLIENT_ADDR "/26", "dev", c0, NULL) ||
	    run(err, "ip", "-n", R, "addr", "add", LAB_ROUTER_CADDR "/26", "dev", rc, NULL) ||
	    run(err, "ip", "-n", R, "addr", "add", LAB_ROUTER_SADDR "/26", "dev", rs, NULL) ||
	    run(err, "ip", "-n", S, "addr", "add", LAB_SERVER_ADDR "/26", "dev", s0, NULL) ||
	    run(err, "ip", "-n", C, "addr", "add", LAB_CLIENT_ADDR6 "/64", "dev", c0, "nodad", NULL) ||
	    run(err, "ip", "-n", R, "addr", "add", "2001:db8:1::1/64", "dev", rc, "nodad", NULL) ||
	    run(err, "ip", "-n", R, "addr", "add", "2001:db8:2::1/64", "dev", rs, "nodad", NULL) ||
	    run(err, "ip", "-n", S, "addr", "add", LAB_SERVER_ADDR6 "/64", "dev", s0, "nodad", NULL) ||
	    run(err, "ip", "-n", C, "link", "set", c0, "up", NULL) ||
	    run(err, "ip", "-n", R, "link", "set", rc, "up", NULL) ||
	    run(err, "ip", "-n", R, "link", "set", rs, "up", NULL) ||
	    run(err, "ip", "-n", S, "link", "set", s0, "up", NULL) ||
	    run(err, "ip", "netns", "exec", R, "sysctl", "-qw", "net.ipv4.ip_forward=1", NULL) ||
	    run(err, "ip", "netns", "exec", R, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", NULL) ||
	    /* only the test subnets, never a default route */
	    run(err, "ip", "-n", C, "route", "add", "192.0.2.128/26", "via", LAB_ROUTER_CADDR, NULL) ||
	    run(err, "ip", "-n", S, "route", "add", "192.0.2.0/26", "via", LAB_ROUTER_SADDR, NULL) ||
	    run(err, "ip", "-n", C, "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8:1::1", NULL) ||
	    run(err, "ip", "-n", S, "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:2::1", NULL))
		return -1;
	return 0;
}

static int make_sshd_config(struct lab_sandbox *sb, const struct lab_scenario *sc, struct strbuf *err)
{
	char dir[256], key[300], path[300];
	struct strbuf cfg;
	bool port = false;
	int rc;

	snprintf(dir, sizeof(dir), "/etc/netns/%s/ssh", sb->ns[LAB_SERVER]);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot make '%s': %s", dir, strerror(errno));
		return -1;
	}
	snprintf(key, sizeof(key), "%s/ssh_host_ed25519_key", dir);
	if (run(err, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lab-server", "-f", key, NULL) != 0)
		return -1;
	strbuf_init(&cfg);
	/* self-contained: no Include of the host's sshd_config.d, no PAM */
	strbuf_addstr(&cfg,
		      "# sshd_config of the practice lab's server\n"
		      "HostKey /etc/ssh/ssh_host_ed25519_key\n"
		      "UsePAM no\n"
		      "PasswordAuthentication no\n"
		      "KbdInteractiveAuthentication no\n"
		      "AuthorizedKeysFile none\n"
		      "LogLevel VERBOSE\n"
		      "LoginGraceTime 170\n"
		      "PrintMotd no\n");
	for (size_t i = 0; i < sc->nops; i++)
		if (sc->ops[i].kind == LAB_OP_SSHD_PORT) {
			strbuf_addf(&cfg, "Port %d\n", sc->ops[i].num);
			port = true;
		}
	if (!port)
		strbuf_addstr(&cfg, "Port 22\n");
	for (size_t i = 0; i < sc->nops; i++)
		if (sc->ops[i].kind == LAB_OP_SSHD_CONFIG)
			strbuf_addf(&cfg, "%s\n", sc->ops[i].text);
	snprintf(path, sizeof(path), "%s/sshd_config", dir);
	rc = write_file(path, cfg.buf, err);
	strbuf_release(&cfg);
	return rc;
}

/* The firewall and file directives, in the order the scenario gives them. */
static int stage_op(struct lab_sandbox *sb, const struct lab_scenario *sc, const struct lab_op *op,
		    struct strv *log, struct strbuf *err)
{
	const char *argv[48];
	struct asset_var vars[8];
	size_t nv = lab_vars(vars, 8), n = 0;
	char path[300];
	struct strv words;
	int rc = 0;

	switch (op->kind) {
	case LAB_OP_IPTABLES:
	case LAB_OP_IP6TABLES:
	case LAB_OP_NFT:
		strv_init(&words);
		argv[n++] = "ip";
		argv[n++] = "netns";
		argv[n++] = "exec";
		argv[n++] = sb->ns[op->host];
		argv[n++] = op->kind == LAB_OP_NFT ? "nft" : op->kind == LAB_OP_IPTABLES ? "iptables" : "ip6tables";
		if (op->kind != LAB_OP_NFT) {
			argv[n++] = "-w";
			argv[n++] = "5";
		}
		for (size_t i = 0; i < op->args.n && n < 47; i++) {
			strv_push_owned(&words, assets_expand(op->args.v[i], vars, nv));
			argv[n++] = words.v[words.n - 1];
		}
		argv[n] = NULL;
		if (exec_find(argv[4], path, sizeof(path)) != 0) {
			strbuf_addf(err, "%s: line %u: '%s' is not installed", sc->file, op->line, argv[4]);
			rc = -1;
		} else {
			struct strbuf e;

			argv[4] = path;
			strbuf_init(&e);
			if (run_argv(argv, &e) != 0) {
				strbuf_addf(err, "%s: line %u: %s", sc->file, op->line, e.buf);
				rc = -1;
			} else {
				struct strbuf l;

				strbuf_init(&l);
				strbuf_addf(&l, "%s: %s", lab_host_name(op->host),
					    op->kind == LAB_OP_NFT ? "nft" : op->kind == LAB_OP_IPTABLES ? "iptables" : "ip6tables");
				for (size_t i = 0; i < words.n; i++)
					strbuf_addf(&l, " %s", words.v[i]);
				strv_push(log, l.buf);
				strbuf_release(&l);
			}
			strbuf_release(&e);
		}
		strv_release(&words);
		return rc;
	case LAB_OP_HOSTS_ALLOW:
	case LAB_OP_HOSTS_DENY:
		snprintf(path, sizeof(path), "/etc/netns/%s/%s", sb->ns[op->host],
			 op->kind == LAB_OP_HOSTS_ALLOW ? "hosts.allow" : "hosts.deny");
		if (append_line(path, op->text, err) != 0)
			return -1;
		strv_pushf(log, "server: /etc/%s gets the line '%s'",
			   op->kind == LAB_OP_HOSTS_ALLOW ? "hosts.allow" : "hosts.deny", op->text);
		return 0;
	default:
		return 0;
	}
}

/* Whether something listens on TCP port in namespace ns (ss, in there). */
static bool listening(const char *ns, int port)
{
	char filter[32], ip[256];
	const char *argv[] = {ip, "netns", "exec", ns, "ss", "-Htln", filter, NULL};
	struct exec_result r;
	bool yes;

	snprintf(filter, sizeof(filter), "sport = :%d", port);
	if (exec_find("ip", ip, sizeof(ip)) != 0)
		return false;
	exec_result_init(&r);
	yes = exec_run(argv, 3000, 64 * 1024, &r) == 0 && r.status == 0 && r.out.len > 0;
	exec_result_release(&r);
	return yes;
}

static int start_sshd(struct lab_sandbox *sb, const struct lab_scenario *sc, struct strv *log,
		      struct strbuf *err)
{
	char ip[256], logpath[160];
	const char *argv[] = {ip, "netns", "exec", sb->ns[LAB_SERVER], "/usr/sbin/sshd", "-D", "-e",
			      "-f", "/etc/ssh/sshd_config", "-o", "PidFile=none", NULL};
	int fd, ports[8], nports = 0;
	pid_t pid;

	for (size_t i = 0; i < sc->nops && nports < 8; i++)
		if (sc->ops[i].kind == LAB_OP_SSHD_PORT)
			ports[nports++] = sc->ops[i].num;
	if (nports == 0)
		ports[nports++] = 22;
	if (exec_find("ip", ip, sizeof(ip)) != 0) {
		strbuf_addstr(err, "'ip' is not installed");
		return -1;
	}
	snprintf(logpath, sizeof(logpath), "%s/sshd.log", sb->dir);
	if ((fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		strbuf_addf(err, "cannot write '%s': %s", logpath, strerror(errno));
		return -1;
	}
	if (exec_spawn(argv, fd, &pid) != 0) {
		strbuf_addstr(err, "cannot start sshd");
		close(fd);
		return -1;
	}
	close(fd);
	sb->procs[sb->nprocs++] = pid;
	sb->sshd = pid;
	state_add(sb, "proc %ld %llu", (long)pid, proc_start(pid));
	/* until it listens on every port, or gives up (a bad configuration,
	 * a port taken, an address the server lacks: staged on purpose) */
	for (int i = 0; i < 60; i++) {
		int ok = 0;

		if (waitpid(pid, NULL, WNOHANG) == pid) {
			sb->sshd = 0;
			strv_push(log, "server: sshd started and gave up at once (see its log on the server's console)");
			return 0;
		}
		for (int k = 0; k < nports; k++)
			ok += listening(sb->ns[LAB_SERVER], ports[k]);
		if (ok == nports) {
			strv_pushf(log, "server: sshd runs (pid %ld)", (long)pid);
			return 0;
		}
		poll(NULL, 0, 50);
	}
	strv_pushf(log, "server: sshd runs (pid %ld), but does not listen on every port it was given", (long)pid);
	return 0;
}

int lab_sandbox_stage(struct lab_sandbox *sb, const struct lab_scenario *sc, struct strv *log,
		      struct strbuf *err)
{
	uint64_t t0 = now_ms();
	bool stopped = false;
	char path[160];
	int rc = -1;

	sb->sc = sc;
	sb->nprocs = 0;
	sb->sshd = 0;
	if (mkdir(LAB_RUN_DIR, 0700) != 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot make '%s': %s", LAB_RUN_DIR, strerror(errno));
		goto out;
	}
	if (mkdir(sb->dir, 0700) != 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot make '%s': %s", sb->dir, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/state", sb->dir);
	sb->state_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (sb->state_fd < 0) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	sb->made = true;
	state_add(sb, "owner %ld %llu", (long)getpid(), proc_start(getpid()));
	for (int h = 0; h < LAB_NHOSTS; h++)
		if (make_host(sb, (enum lab_host)h, sc, err) != 0)
			goto out;
	if (make_links(sb, err) != 0)
		goto out;
	strv_pushf(log, "sandbox: client %s, router %s | %s, server %s (namespaces %s, %s, %s)",
		   LAB_CLIENT_ADDR, LAB_ROUTER_CADDR, LAB_ROUTER_SADDR, LAB_SERVER_ADDR,
		   sb->ns[LAB_CLIENT], sb->ns[LAB_ROUTER], sb->ns[LAB_SERVER]);
	if (make_sshd_config(sb, sc, err) != 0)
		goto out;
	for (size_t i = 0; i < sc->nops; i++) {
		const struct lab_op *op = &sc->ops[i];

		if (op->kind == LAB_OP_SSHD_STOPPED)
			stopped = true;
		if (op->kind == LAB_OP_SSHD_PORT)
			strv_pushf(log, "server: sshd_config says Port %d", op->num);
		if (op->kind == LAB_OP_SSHD_CONFIG)
			strv_pushf(log, "server: sshd_config gets the line '%s'", op->text);
		if (op->kind == LAB_OP_RESOLVE_NONE)
			strv_pushf(log, "client: the name %s resolves nowhere", sc->target);
		if (op->kind == LAB_OP_RESOLVE_ADDR)
			strv_pushf(log, "client: the name %s points to %s", sc->target, op->text);
		if (stage_op(sb, sc, op, log, err) != 0)
			goto out;
	}
	/* listeners first: one may hold the port sshd wants */
	for (size_t i = 0; i < sc->nops; i++) {
		const struct lab_op *op = &sc->ops[i];
		struct strbuf e;

		if (op->kind != LAB_OP_LISTEN_HTTP && op->kind != LAB_OP_LISTEN_CLOSE)
			continue;
		strbuf_init(&e);
		if (start_helper(sb, sb->ns[LAB_SERVER], op->kind == LAB_OP_LISTEN_HTTP ? "lab-httpd" : "lab-closer",
				 op->kind == LAB_OP_LISTEN_HTTP ? serve_http : serve_close, op->num, &e) != 0) {
			strbuf_addf(err, "%s: line %u: %s", sc->file, op->line, e.buf);
			strbuf_release(&e);
			goto out;
		}
		strbuf_release(&e);
		strv_pushf(log, "server: %s listens on port %d",
			   op->kind == LAB_OP_LISTEN_HTTP ? "a web server (lab-httpd)" : "a program that closes every connection (lab-closer)",
			   op->num);
	}
	if (!stopped) {
		if (start_sshd(sb, sc, log, err) != 0)
			goto out;
	} else {
		strv_push(log, "server: sshd is installed and configured, and not running");
	}
	for (size_t i = 0; i < sc->nops; i++) {
		const struct lab_op *op = &sc->ops[i];
		struct strbuf e;

		if (op->kind != LAB_OP_HOLD_SSH)
			continue;
		strbuf_init(&e);
		if (start_helper(sb, sb->ns[LAB_CLIENT], "lab-holder", hold_ssh, op->num, &e) != 0) {
			strbuf_addf(err, "%s: line %u: %s (does sshd answer on port 22?)", sc->file, op->line, e.buf);
			strbuf_release(&e);
			goto out;
		}
		strbuf_release(&e);
		strv_pushf(log, "client: %d connection(s) to sshd held open, waiting to log in", op->num);
	}
	rc = 0;
out:
	sb->stage_ms = now_ms() - t0;
	return rc;
}

/* ---- tearing down --------------------------------------------------------- */

/* The inode of a namespace's bind mount, or 0. */
static ino_t netns_ino(const char *ns)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Sends sig to every process whose network namespace is one of inos;
 * returns how many there were. */
static int signal_netns(const ino_t *inos, size_t n, int sig)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int count = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char path[64];
		struct stat st;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid <= 1 || pid == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) != 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (inos[i] != 0 && st.st_ino == inos[i]) {
				kill((pid_t)pid, sig);
				count++;
			}
	}
	closedir(d);
	return count;
}

/* What a state file lists. */
struct lab_state {
	long owner;
	unsigned long long owner_start;
	struct strv ns, etc;
	long procs[LAB_MAX_PROCS];
	unsigned long long starts[LAB_MAX_PROCS];
	size_t nprocs;
	bool made_etc_netns;
};

static void state_read(const char *dir, struct lab_state *st)
{
	char path[300], line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	strv_init(&st->ns);
	strv_init(&st->etc);
	snprintf(path, sizeof(path), "%s/state", dir);
	if ((f = fopen(path, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char name[64];
		long pid;
		unsigned long long start;

		if (sscanf(line, "owner %ld %llu", &pid, &start) == 2) {
			st->owner = pid;
			st->owner_start = start;
		} else if (sscanf(line, "ns %63s", name) == 1 && str_starts_with(name, "sdl")) {
			strv_push(&st->ns, name);
		} else if (sscanf(line, "etc %63s", name) == 1 && str_starts_with(name, "sdl") &&
			   strchr(name, '/') == NULL && strcmp(name, "..") != 0) {
			strv_push(&st->etc, name);
		} else if (sscanf(line, "proc %ld %llu", &pid, &start) == 2 && st->nprocs < LAB_MAX_PROCS) {
			st->procs[st->nprocs] = pid;
			st->starts[st->nprocs++] = start;
		} else if (strncmp(line, "etcnetns", 8) == 0) {
			st->made_etc_netns = true;
		}
	}
	fclose(f);
}

/* Removes what a state lists: processes (only those that are still the
 * ones we started, or that live in our namespaces), namespaces, /etc/netns
 * entries, then the folder itself. */
static void remove_listed(const char *dir, struct lab_state *st, bool our_children)
{
	ino_t inos[LAB_NHOSTS * 2];
	size_t ninos = 0;

	for (size_t i = 0; i < st->ns.n && ninos < LAB_NHOSTS * 2; i++)
		inos[ninos++] = netns_ino(st->ns.v[i]);
	for (size_t i = 0; i < st->nprocs; i++)
		if (st->starts[i] != 0 && proc_start((pid_t)st->procs[i]) == st->starts[i])
			kill(-(pid_t)st->procs[i], SIGTERM);
	signal_netns(inos, ninos, SIGTERM);
	for (int i = 0; i < 40; i++) {
		bool alive = false;

		for (size_t k = 0; k < st->nprocs; k++) {
			if (our_children)
				waitpid((pid_t)st->procs[k], NULL, WNOHANG);
			if (st->starts[k] != 0 && proc_start((pid_t)st->procs[k]) == st->starts[k])
				alive = true;
		}
		if (!alive && signal_netns(inos, ninos, 0) == 0)
			break;
		poll(NULL, 0, 50);
	}
	for (size_t i = 0; i < st->nprocs; i++) {
		if (st->starts[i] != 0 && proc_start((pid_t)st->procs[i]) == st->starts[i])
			kill(-(pid_t)st->procs[i], SIGKILL);
		if (our_children)
			waitpid((pid_t)st->procs[i], NULL, 0);
	}
	if (signal_netns(inos, ninos, SIGKILL) > 0)
		poll(NULL, 0, 100);
	for (size_t i = 0; i < st->ns.n; i++)
		if (netns_ino(st->ns.v[i]) != 0)
			run(NULL, "ip", "netns", "del", st->ns.v[i], NULL);
	for (size_t i = 0; i < st->etc.n; i++) {
		char path[300];

		snprintf(path, sizeof(path), "/etc/netns/%s", st->etc.v[i]);
		remove_tree(path);
	}
	if (st->made_etc_netns)
		rmdir("/etc/netns");   /* only when empty: another may be using it */
	remove_tree(dir);
	rmdir(LAB_RUN_DIR);         /* the same */
	strv_release(&st->ns);
	strv_release(&st->etc);
}

void lab_sandbox_teardown(struct lab_sandbox *sb)
{
	struct lab_state st;
	uint64_t t0 = now_ms();

	if (!sb->made)
		return;
	if (sb->state_fd >= 0) {
		close(sb->state_fd);
		sb->state_fd = -1;
	}
	state_read(sb->dir, &st);
	remove_listed(sb->dir, &st, true);
	sb->made = false;
	sb->nprocs = 0;
	sb->sshd = 0;
	sb->sc = NULL;
	sb->teardown_ms = now_ms() - t0;
}

int lab_reap_prefix(const char *prefix)
{
	char dir[160];
	struct lab_state st;
	struct stat s;

	if (!str_starts_with(prefix, "sdl") || strchr(prefix, '/') != NULL || strlen(prefix) > 12)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", LAB_RUN_DIR, prefix);
	if (stat(dir, &s) != 0)
		return -1;
	state_read(dir, &st);
	remove_listed(dir, &st, false);
	return 0;
}

int lab_reap_stale(struct strv *removed)
{
	DIR *d = opendir(LAB_RUN_DIR);
	struct dirent *de;
	struct strv stale;
	int n = 0;

	if (d == NULL)
		return 0;
	strv_init(&stale);
	while ((de = readdir(d)) != NULL) {
		char dir[300];
		struct lab_state st;
		bool alive;

		if (!str_starts_with(de->d_name, "sdl"))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", LAB_RUN_DIR, de->d_name);
		state_read(dir, &st);
		alive = st.owner > 0 && st.owner != (long)getpid() &&
			proc_start((pid_t)st.owner) == st.owner_start && st.owner_start != 0;
		if (st.owner == 0) {
			/* a state file being written this very moment has its
			 * owner line first: no owner line means a folder we
			 * cannot judge; a fresh one is left alone */
			struct stat s;

			alive = stat(dir, &s) == 0 && s.st_mtime + 60 > time(NULL);
		}
		strv_release(&st.ns);
		strv_release(&st.etc);
		if (!alive)
			strv_push(&stale, de->d_name);
	}
	closedir(d);
	for (size_t i = 0; i < stale.n; i++)
		if (lab_reap_prefix(stale.v[i]) == 0) {
			n++;
			if (removed)
				strv_push(removed, stale.v[i]);
		}
	strv_release(&stale);
	return n;
}

/* ---- ssh, as the learner types it ----------------------------------------- */

char *lab_ssh_try(const struct lab_sandbox *sb, const char *target, int *status)
{
	char ip[256], ssh[256];
	const char *argv[] = {ip, "netns", "exec", sb->ns[LAB_CLIENT], ssh, "-F", "/dev/null",
			      "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
			      "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			      "-o", "LogLevel=ERROR", target, "true", NULL};
	struct exec_result r;
	char *line = NULL;

	*status = -1;
	if (exec_find("ip", ip, sizeof(ip)) != 0 || exec_find("ssh", ssh, sizeof(ssh)) != 0)
		return NULL;
	exec_result_init(&r);
	if (exec_run(argv, 15000, 64 * 1024, &r) == 0) {
		char *all = str_from_buf(r.err.buf ? r.err.buf : "", r.err.len), *pos = all, *l;

		*status = r.status;
		/* the last line that says something */
		while ((l = str_next_line(&pos)) != NULL) {
			char *t = str_trim(l);

			if (*t) {
				free(line);
				line = printable(t, strlen(t), true);
			}
		}
		free(all);
	}
	exec_result_release(&r);
	return line;
}

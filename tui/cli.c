/* SPDX-License-Identifier: MIT */
/* The command line: ssh-doctor [OPTIONS] [[USER@]HOST[:PORT]]. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/os/os.h"
#include "tui/cli.h"

void options_init(struct options *o)
{
	memset(o, 0, sizeof(*o));
	target_init(&o->target);
	strv_init(&o->from);
	o->watch = -1;
	fleet_list_init(&o->targets);
	o->side = SIDE_AUTO;
	o->face = FACE_AUTO;
}

void options_release(struct options *o)
{
	target_release(&o->target);
	free(o->interface);
	free(o->replay);
	free(o->sshd_config);
	strv_release(&o->from);
	free(o->practice_name);
	free(o->practice_cleanup);
	fleet_list_release(&o->targets);
	options_init(o);
}

void options_usage(FILE *out)
{
	fputs(
"usage: ssh-doctor [OPTIONS] [[USER@]HOST[:PORT]]\n"
"       ssh-doctor [OPTIONS] --targets FILE | HOST HOST...\n"
"\n"
"Finds out why ssh cannot connect (\"Connection refused\", \"timed out\",\n"
"\"No route to host\", \"Connection closed\"), explains each step, and says how\n"
"to fix it. It probes for real: DNS, ping, TCP, the SSH handshake, and the\n"
"packets that came back.\n"
"\n"
"  HOST may be a name, an address, [2001:db8::1]:2222, ssh://user@host:port,\n"
"  or the error line ssh printed, pasted whole (quote it), e.g.\n"
"    ssh-doctor 'ssh: connect to host example.com port 22: Connection refused'\n"
"  With no HOST, this machine is examined as the SSH server (console use).\n"
"\n"
"options:\n"
"  -p, --port N           port (default 22, or the one in HOST:PORT)\n"
"      --side SIDE        client, server or auto (default auto: server when\n"
"                         there is no HOST)\n"
"      --batch            no screen: walk the flow, print a text report (the\n"
"                         default when stdout is not a terminal: prompts only\n"
"                         ever go to a terminal)\n"
"      --json             like --batch, with a JSON report on stdout\n"
"  -i, --interface IF     capture on IF (default: the route's interface)\n"
"      --no-capture       do not open a packet capture\n"
"      --replay FILE      send nothing: judge HOST[:PORT] from a pcap/pcapng file\n"
"      --sshd-config FILE server side: the sshd_config to examine\n"
"      --from ADDR[,ADDR] server side: judge for the client at ADDR (its\n"
"                         firewall rules, bans); several: a,b\n"
"      --watch SECONDS    server side: wait up to SECONDS for the client's\n"
"                         attempt (try ssh from it meanwhile) and judge for\n"
"                         the sources seen; the wizard waits 60 s by itself\n"
"      --fix              after the verdict, show the fix plan (each exact\n"
"                         command or file edit, where it runs, its undo) and\n"
"                         apply it, asking first; then diagnose again and\n"
"                         undo what did not help (root only)\n"
"      --yes              with --fix: apply without asking (automation); a\n"
"                         firewall change is confirmed by the re-check\n"
"      --confirm-timeout N  seconds to press a key after a firewall change\n"
"                         before it is rolled back (default 60)\n"
"      --fix              after the verdict, show the fix plan (each exact\n"
"                         command or file edit, where it runs, its undo) and\n"
"                         apply it, asking first; then diagnose again and\n"
"                         undo what did not help (root only)\n"
"      --yes              with --fix: apply without asking (automation); a\n"
"                         firewall change is confirmed by the re-check\n"
"      --confirm-timeout N  seconds to press a key after a firewall change\n"
"                         before it is rolled back (default 60)\n"
"      --practice [NAME|list|all]\n"
"                         the practice lab (root): a staged fault in a sandbox\n"
"                         of network namespaces, diagnosed with the wizard;\n"
"                         list: the scenarios; NAME --batch: a transcript;\n"
"                         all --json: every scenario, a self-check\n"
"      --targets FILE     many targets, one [user@]host[:port] (or pasted ssh\n"
"                         error line) per line, - for standard input; '#'\n"
"                         starts a comment. Several HOST arguments are a fleet\n"
"                         too. A fleet is always batch: a table, or with\n"
"                         --json one JSON object per line (JSON Lines)\n"
"  -j, --jobs N           targets diagnosed at once (default 16, at most what\n"
"                         the open-file limit allows)\n"
"      --ascii            ASCII line drawing only\n"
"      --no-color         no colours (NO_COLOR is honoured too)\n"
"  -h, --help             this text\n"
"  -V, --version          the version\n"
"\n"
"exit status: 0 SSH answered; 1 a cause was found; 2 usage error;\n"
"             3 the diagnosis could not run (the report says why), or the\n"
"             report could not be written; with several targets, the\n"
"             highest of them all\n"
"\n"
"privileges: the client side needs CAP_NET_RAW and nothing more, to capture\n"
"             and ping: run it with sudo, or once: setcap cap_net_raw+ep on\n"
"             the program. It gives up every capability once its capture\n"
"             and raw sockets are open, and, started as root, the root user\n"
"             too (for SUDO_UID, else nobody). The server side keeps root,\n"
"             which it needs to read firewalls and logs.\n"
"\n"
"environment: SSH_DOCTOR_ASSETS=DIR reads the teaching text from DIR instead\n"
"             of the built-in copy; NO_COLOR turns colours off.\n"
"\n"
"See ssh-doctor(1) for the steps, the causes and examples.\n", out);
}

/* Quotes a bad argument for an error line: printable, and not too long. */
static char *quote_arg(const char *s)
{
	size_t n = strlen(s);
	char *p = printable(s, n > 60 ? 60 : n, false);
	char *q = xasprintf("'%s%s'", p, n > 60 ? "..." : "");

	free(p);
	return q;
}

static int set_target(struct options *o, const char *arg, struct strbuf *err)
{
	int rc = target_parse(&o->target, arg);

	if (rc != TARGET_OK) {
		char *q = quote_arg(arg);

		strbuf_addf(err, "bad target %s: %s", q, target_strerror(rc));
		free(q);
		return -1;
	}
	return 0;
}

/* --sshd-config names a file this machine's sshd could read, for the server
 * side. Opened without blocking, so a FIFO cannot hang us. */
static int check_sshd_config(const struct options *o, struct strbuf *err)
{
	char *q = quote_arg(o->sshd_config);
	struct stat st;
	int fd, rc = -1;

	if (o->side == SIDE_CLIENT) {
		strbuf_addf(err, "--sshd-config %s examines this machine as the SSH server: it does not go with the client side (give no HOST, or --side server)", q);
	} else if ((fd = open(o->sshd_config, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		strbuf_addf(err, "cannot read --sshd-config %s: %s", q, strerror(errno));
	} else {
		if (fstat(fd, &st) != 0)
			strbuf_addf(err, "cannot read --sshd-config %s: %s", q, strerror(errno));
		else if (!S_ISREG(st.st_mode))
			strbuf_addf(err, "--sshd-config %s is not a regular file", q);
		else
			rc = 0;
		close(fd);
	}
	free(q);
	return rc;
}

/* --from ADDR[,ADDR]: the clients' addresses as this server sees them,
 * numeric (a name could resolve differently here than where it was meant). */
static int parse_from(struct options *o, const char *arg, struct strbuf *err)
{
	char *copy = xstrdup(arg), *save = NULL;
	int rc = 0;

	if (arg[0] == '\0')
		rc = -1;
	for (char *a = strtok_r(copy, ",", &save); a != NULL && rc == 0; a = strtok_r(NULL, ",", &save)) {
		unsigned char buf[16];
		char text[INET6_ADDRSTRLEN];

		if (inet_pton(AF_INET, a, buf) == 1)
			inet_ntop(AF_INET, buf, text, sizeof(text));
		else if (inet_pton(AF_INET6, a, buf) == 1)
			inet_ntop(AF_INET6, buf, text, sizeof(text));
		else {
			char *q = quote_arg(a);

			strbuf_addf(err, "bad --from %s: give the client's IP address as this server sees it, e.g. --from 192.0.2.10 (several: a,b)", q);
			free(q);
			free(copy);
			return -1;
		}
		if (!strv_contains(&o->from, text))
			strv_push(&o->from, text);
	}
	free(copy);
	if (rc != 0 || o->from.n == 0)
		strbuf_addstr(err, "--from needs the client's IP address, e.g. --from 192.0.2.10");
	return rc != 0 || o->from.n == 0 ? -1 : 0;
}

enum { OPT_SIDE = 256, OPT_BATCH, OPT_JSON, OPT_NOCAP, OPT_REPLAY, OPT_SSHDCFG,
       OPT_ASCII, OPT_NOCOLOR, OPT_FROM, OPT_WATCH, OPT_FIX, OPT_YES, OPT_CONFIRM_TIMEOUT,
       OPT_PRACTICE, OPT_PRACTICE_CLEANUP, OPT_TARGETS };

static const struct option longopts[] = {
	{"port", required_argument, NULL, 'p'},
	{"side", required_argument, NULL, OPT_SIDE},
	{"batch", no_argument, NULL, OPT_BATCH},
	{"json", no_argument, NULL, OPT_JSON},
	{"interface", required_argument, NULL, 'i'},
	{"no-capture", no_argument, NULL, OPT_NOCAP},
	{"replay", required_argument, NULL, OPT_REPLAY},
	{"sshd-config", required_argument, NULL, OPT_SSHDCFG},
	{"from", required_argument, NULL, OPT_FROM},
	{"watch", required_argument, NULL, OPT_WATCH},
	{"fix", no_argument, NULL, OPT_FIX},
	{"yes", no_argument, NULL, OPT_YES},
	{"confirm-timeout", required_argument, NULL, OPT_CONFIRM_TIMEOUT},
	{"practice", optional_argument, NULL, OPT_PRACTICE},
	{"practice-cleanup", required_argument, NULL, OPT_PRACTICE_CLEANUP},
	{"targets", required_argument, NULL, OPT_TARGETS},
	{"jobs", required_argument, NULL, 'j'},
	{"ascii", no_argument, NULL, OPT_ASCII},
	{"no-color", no_argument, NULL, OPT_NOCOLOR},
	{"no-colour", no_argument, NULL, OPT_NOCOLOR},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* Whether v is the value getopt_long() returns for one of our options. */
static bool is_option_value(int v)
{
	for (const struct option *lo = longopts; lo->name != NULL; lo++)
		if (lo->val == v)
			return true;
	return false;
}

/* Says what is wrong with a long option getopt_long() refused: a value
 * given to one that takes none, an abbreviation of several, or no such
 * option. getopt's own optopt cannot tell "--help=x" from "-h". */
static void bad_long_option(const char *arg, struct strbuf *err)
{
	const char *name = str_starts_with(arg, "--") ? arg + 2 : "", *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *hit = NULL;
	struct strbuf all;
	int nhits = 0;

	strbuf_init(&all);
	for (const struct option *lo = longopts; lo->name != NULL && n > 0; lo++) {
		if (strncmp(lo->name, name, n) != 0)
			continue;
		if (strlen(lo->name) == n) {   /* an exact name wins over prefixes */
			hit = lo;
			nhits = 1;
			break;
		}
		/* --no-color and --no-colour are one option */
		if (hit == NULL || hit->val != lo->val) {
			strbuf_addf(&all, "%s--%s", nhits ? ", " : "", lo->name);
			nhits++;
		}
		if (hit == NULL)
			hit = lo;
	}
	if (nhits > 1) {
		char *q = quote_arg(arg);

		strbuf_addf(err, "option %s is ambiguous: it may be %s", q, all.buf);
		free(q);
	} else if (hit != NULL && eq != NULL && hit->has_arg == no_argument) {
		strbuf_addf(err, "option '--%s' takes no value", hit->name);
	} else {
		char *q = quote_arg(arg);

		strbuf_addf(err, "unknown option %s", q);
		free(q);
	}
	strbuf_release(&all);
}

/* A fleet is a batch run of the client side: what cannot go with it. */
static int fleet_check(struct options *o, const char *port, struct strbuf *err)
{
	const char *bad = o->side == SIDE_SERVER ? "--side server"
			: o->replay ? "--replay" : o->sshd_config ? "--sshd-config"
			: o->from.n > 0 ? "--from" : NULL;

	if (bad != NULL) {
		strbuf_addf(err, "%s examines one machine: it does not go with several targets", bad);
		return -1;
	}
	if (port != NULL && fleet_list_set_port(&o->targets, port) != 0) {
		char *q = quote_arg(port);

		strbuf_addf(err, "bad port %s: %s", q, target_strerror(TARGET_BAD_PORT));
		free(q);
		return -1;
	}
	/* each target is diagnosed from here, as a client; several targets
	 * imply batch (no wizard, no prompts) */
	o->side = SIDE_CLIENT;
	if (o->face == FACE_AUTO)
		o->face = FACE_BATCH;
	return 0;
}

int options_parse(struct options *o, int argc, char **argv, struct strbuf *err)
{
	const char *port = NULL, *targets_file = NULL;
	const char *nc = getenv("NO_COLOR");
	int c;

	if (nc != NULL && nc[0] != '\0')
		o->no_color = true;
	opterr = 0;
	/* 0, not 1: also forget where an earlier call stopped inside its argv */
	optind = 0;
	/* the leading ':' tells a missing value (':') from an unknown option ('?') */
	while ((c = getopt_long(argc, argv, ":p:i:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			port = optarg;
			break;
		case 'i':
			if (optarg[0] == '\0' || strlen(optarg) >= 16 || strpbrk(optarg, "/ \t\n") ||
			    optarg[0] == '-') {
				char *q = quote_arg(optarg);

				strbuf_addf(err, "bad interface name %s: give a name like eth0 (see 'ip link')", q);
				free(q);
				return -1;
			}
			free(o->interface);
			o->interface = xstrdup(optarg);
			break;
		case OPT_SIDE:
			if (strcmp(optarg, "client") == 0)
				o->side = SIDE_CLIENT;
			else if (strcmp(optarg, "server") == 0)
				o->side = SIDE_SERVER;
			else if (strcmp(optarg, "auto") == 0)
				o->side = SIDE_AUTO;
			else {
				char *q = quote_arg(optarg);

				strbuf_addf(err, "bad --side %s: use client, server or auto", q);
				free(q);
				return -1;
			}
			break;
		case OPT_BATCH:
			if (o->face != FACE_JSON)
				o->face = FACE_BATCH;
			break;
		case OPT_JSON:
			o->face = FACE_JSON;
			break;
		case OPT_NOCAP:
			o->no_capture = true;
			break;
		case OPT_REPLAY:
			free(o->replay);
			o->replay = xstrdup(optarg);
			break;
		case OPT_SSHDCFG:
			free(o->sshd_config);
			o->sshd_config = xstrdup(optarg);
			break;
		case OPT_FROM:
			if (parse_from(o, optarg, err) != 0)
				return -1;
			break;
		case OPT_FIX:
			o->fix = true;
			break;
		case OPT_YES:
			o->yes = true;
			break;
		case OPT_CONFIRM_TIMEOUT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (optarg[0] == '\0' || *end != '\0' || v < 5 || v > 3600) {
				char *q = quote_arg(optarg);

				strbuf_addf(err, "bad --confirm-timeout %s: give the seconds to wait for a key after a firewall change, 5 to 3600", q);
				free(q);
				return -1;
			}
			o->confirm_timeout = (int)v;
			break;
		}
		case OPT_WATCH: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (optarg[0] == '\0' || *end != '\0' || v < 0 || v > 3600) {
				char *q = quote_arg(optarg);

				strbuf_addf(err, "bad --watch %s: give the seconds to wait for the client's attempt, 0 to 3600", q);
				free(q);
				return -1;
			}
			o->watch = (int)v;
			break;
		}
		case OPT_PRACTICE:
			o->practice = true;
			free(o->practice_name);
			o->practice_name = optarg ? xstrdup(optarg) : NULL;
			break;
		case OPT_PRACTICE_CLEANUP:
			free(o->practice_cleanup);
			o->practice_cleanup = xstrdup(optarg);
			return 0;
		case OPT_TARGETS:
			targets_file = optarg;
			break;
		case 'j': {
			char *end;
			long v;

			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || v < 1 || v > FLEET_JOBS_MAX) {
				char *q = quote_arg(optarg);

				strbuf_addf(err, "bad --jobs %s: give a number from 1 to %d", q, FLEET_JOBS_MAX);
				free(q);
				return -1;
			}
			o->jobs = (int)v;
			break;
		}
		case OPT_ASCII:
			o->ascii = true;
			break;
		case OPT_NOCOLOR:
			o->no_color = true;
			break;
		case 'h':
			o->help = true;
			return 0;
		case 'V':
			o->version = true;
			return 0;
		case ':':
			strbuf_addf(err, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			/* a long option's error leaves 0 (unknown) or its own value in
			 * optopt, and optind past it; a short one leaves its letter */
			if (optopt == 0 || is_option_value(optopt))
				bad_long_option(argv[optind - 1], err);
			else if (optopt > 0 && optopt < 256 && isprint(optopt))
				strbuf_addf(err, "unknown option '-%c'", optopt);
			else
				strbuf_addstr(err, "unknown option");
			return -1;
		}
	}
	if (o->practice) {
		/* --practice NAME: the name is the one word after it */
		if (argc - optind > 1 || (argc - optind == 1 && o->practice_name != NULL)) {
			strbuf_addstr(err, "--practice takes one scenario name (see 'ssh-doctor --practice list'), and no host");
			return -1;
		}
		if (argc - optind == 1)
			o->practice_name = xstrdup(argv[optind]);
		if (o->replay || o->sshd_config || o->from.n > 0 || port != NULL || o->side != SIDE_AUTO) {
			strbuf_addstr(err, "--practice builds its own client and server: it takes no --port, --side, --from, --replay or --sshd-config");
			return -1;
		}
		return 0;
	}
	if (argc - optind == 1) {
		if (set_target(o, argv[optind], err) != 0)
			return -1;
	} else if (argc - optind > 1) {
		/* an ssh error line pasted without quotes arrives as many words */
		struct strbuf line;
		int rc;

		strbuf_init(&line);
		for (int i = optind; i < argc; i++)
			strbuf_addf(&line, "%s%s", i > optind ? " " : "", argv[i]);
		if (line.len > TARGET_MAX_ARG || (!str_starts_with(line.buf, "ssh:") &&
		    !str_starts_with(line.buf, "kex_exchange_identification:") &&
		    !str_starts_with(line.buf, "Connection "))) {
			/* several hosts: a fleet */
			strbuf_release(&line);
			o->fleet = true;
			for (int i = optind; i < argc; i++)
				if (fleet_list_add(&o->targets, argv[i], 0, err) != 0)
					return -1;
		} else {
			rc = set_target(o, line.buf, err);
			strbuf_release(&line);
			if (rc != 0)
				return -1;
		}
	}
	if (targets_file != NULL) {
		/* HOST arguments come first, then the file's lines */
		if (!o->fleet && o->target.host != NULL) {
			o->fleet = true;
			if (fleet_list_add(&o->targets, argv[optind], 0, err) != 0)
				return -1;
			target_release(&o->target);
			target_init(&o->target);
		}
		o->fleet = true;
		if (fleet_list_read(&o->targets, targets_file, err) != 0)
			return -1;
	}
	if (o->yes && !o->fix) {
		strbuf_addstr(err, "--yes answers the questions of --fix: give --fix too");
		return -1;
	}
	if (o->confirm_timeout > 0 && !o->fix) {
		strbuf_addstr(err, "--confirm-timeout goes with --fix");
		return -1;
	}
	if (o->fix && (o->fleet || o->replay || o->practice)) {
		strbuf_addf(err, "--fix changes this machine after one diagnosis: it does not go with %s",
			    o->fleet ? "several targets" : o->replay ? "--replay" : "--practice");
		return -1;
	}
	if (o->fleet)
		return fleet_check(o, port, err);
	if (o->jobs > 0) {
		strbuf_addstr(err, "--jobs goes with several targets (--targets FILE, or several HOST arguments)");
		return -1;
	}
	if (port != NULL) {
		int rc = target_set_port(&o->target, port);

		if (rc != TARGET_OK) {
			char *q = quote_arg(port);

			strbuf_addf(err, "bad port %s: %s", q, target_strerror(rc));
			free(q);
			return -1;
		}
	}
	if (o->target.host == NULL && o->target.symptom != SYMPTOM_NONE && o->side != SIDE_SERVER) {
		strbuf_addstr(err, target_host_hint(&o->target));
		return -1;
	}
	o->side = side_resolve(o->side, o->target.host, o->replay != NULL);
	if (o->sshd_config != NULL && check_sshd_config(o, err) != 0)
		return -1;
	if (o->watch >= 0 && o->side == SIDE_CLIENT) {
		strbuf_addstr(err, "--watch waits on this machine, the SSH server, for a client's attempt: it does not go with the client side (give no HOST, or --side server)");
		return -1;
	}
	if (o->from.n > 0 && o->side == SIDE_CLIENT) {
		strbuf_addstr(err, "--from judges this machine as the SSH server for those clients: it does not go with the client side (give no HOST, or --side server)");
		return -1;
	}
	if (o->replay != NULL) {
		unsigned char buf[16];

		if (o->target.host == NULL) {
			strbuf_addstr(err, "--replay needs the address and port to judge, e.g. ssh-doctor --replay FILE 192.0.2.2:22");
			return -1;
		}
		if (inet_pton(AF_INET, o->target.host, buf) != 1 && inet_pton(AF_INET6, o->target.host, buf) != 1) {
			strbuf_addstr(err, "--replay judges an address, not a name (the capture holds addresses): give the target's IP address");
			return -1;
		}
	}
	return 0;
}

void options_engine_config(const struct options *o, const struct assets *a, struct engine_config *cfg)
{
	*cfg = (struct engine_config){
		.target = o->target,
		.side = o->side,
		.assets = a,
		.interface = o->interface,
		.no_capture = o->no_capture,
		.replay_file = o->replay,
		.sshd_config = o->sshd_config,
		.from = o->from.n > 0 ? &o->from : NULL,
		/* a batch run waits only when asked to */
		.watch_seconds = o->watch > 0 ? o->watch : 0,
		.run = o->run,
		/* the client side gives up its privileges once it holds what
		 * needed them; the practice lab does not, nor a --fix run,
		 * which root started to change this machine */
		.least_privilege = !o->practice && !o->keep_privileges && !o->fix,
		.icmp_fds = {-1, -1},
	};
}

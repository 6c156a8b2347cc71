/* SPDX-License-Identifier: MIT */
/* What the server-side probes found about this machine as an SSH server, as
 * data the server verdict reads (verdict_decide_server is a pure function of
 * these facts). Filled on the engine's worker thread, one step after
 * another: the OS layer (engine/os/os.h) fills a step's group, the step's
 * probe judges it. */
#ifndef SSHD_SERVER_H
#define SSHD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/facts.h"
#include "engine/parse/parse-firewall.h"
#include "engine/parse/parse-service.h"
#include "engine/parse/parse-sshd-config.h"
#include "engine/target.h"
#include "engine/util.h"

#define SRV_MAX_PROCS 16
#define SRV_MAX_LISTEN 64
#define SRV_MAX_TESTS 16
#define SRV_MAX_PORTS 16

/* One sshd process that listens for connections (not a per-connection child). */
struct srv_proc {
	long pid;
	char *cmdline;          /* printable */
	char *config;           /* its -f FILE, or NULL (the default file) */
	int port;               /* its -p N, or 0 */
	struct strv options;    /* its -o KEY=VALUE, in order */
	char *logfile;          /* its -E FILE, or NULL */
	bool stderr_is_file;    /* /proc/PID/fd/2 is a regular file: its log */
	bool same_netns;        /* it runs in this network namespace */
};

/* One listening TCP socket of this network namespace. */
struct srv_listener {
	int family;             /* 4 or 6 */
	char addr[48];          /* "0.0.0.0", "::", "127.0.0.1" */
	int port;
	bool wildcard;
	bool v6only;            /* an IPv6 socket that refuses IPv4 (known from sock_diag) */
	bool v6only_known;
	unsigned long inode;
	long pid;               /* owner, 0 when not found */
	char comm[32];          /* owner's name, "" when not found */
	bool is_sshd;
};

/* One connection of the self-test. */
struct srv_test {
	char addr[64];
	int port;
	enum tcp_result tcp;
	enum banner_result banner;
	char *banner_text;      /* printable, or NULL */
	enum wire_outcome wire; /* what the capture saw answer the SYN */
};

enum srv_tristate { SRV_UNKNOWN = -1, SRV_NO = 0, SRV_YES = 1 };

/* What the local firewalls do to one client judged (--from). */
struct srv_fw_client {
	char *addr;             /* as given */
	bool checked;           /* some firewall judged it */
	enum fw_verdict verdict;/* the worst found: DROPPED or REJECTED, UNKNOWN, OPEN */
	bool timing;            /* the answer depends on timing (a rate limit, -m recent) */
	char *name;             /* the firewall that decides, or NULL */
	char *rule;             /* "filter INPUT: -A INPUT -s 192.0.2.0/25 ... -j DROP", or NULL */
	char *effect;           /* what the client sees, or NULL */
	char *fix;              /* lets this client in and keeps the rest out, or NULL */
	char *fix_note;         /* what the fix leaves to do (save the rules), or NULL */
	char *allowed;          /* the sources an allow-list admits, the client among them, or NULL */
	char *unsure;           /* UNKNOWN: what the rules could not decide, or NULL */
};

/* Each group below is filled by one step (named in its heading) and only by
 * it; the step forgets its group first (server_facts_forget_*), so a step
 * run again ("r") finds what a first run in the same situation finds. */
struct server_facts {
	/* what was asked: server_facts_setup, kept for the whole diagnosis */
	int port;               /* -p, or 22 */
	bool port_given;
	bool not_root;          /* the run is not root: firewalls, other users'
				 * sockets and processes, sshd -t's host keys and
				 * some logs are closed to it */
	char *sshd_config;      /* --sshd-config, or NULL */
	char *login_user;       /* USER of USER@HOST, or NULL */
	struct strv client_addrs;   /* the addresses clients use */
	struct strv local_addrs;    /* every address of this machine, this namespace */
	struct strv from_addrs;     /* --from: the clients to judge for (numeric), may be
				     * empty; the watch step adds the sources it saw */
	int watch_seconds;          /* how long the watch step waits; 0: it is skipped */
	bool listen_no_diag;    /* skip sock_diag, read /proc/net/tcp (tests) */

	/* package step */
	bool pkg_checked;
	enum svc_pkg_state pkg_state;
	char *pkg_version;      /* printable, or NULL */
	char *pkg_tool;         /* "dpkg-query", "rpm", or NULL */
	bool sshd_found;        /* an sshd binary exists */
	char sshd_path[256];

	/* service step */
	enum svc_manager manager;
	bool systemd;           /* systemd is PID 1 and reachable */
	bool manager_elsewhere; /* PID 1 runs in another network namespace than
				 * this process: the services it starts serve
				 * that network, not this one */
	bool launchd;           /* launchd holds sshd's port and starts sshd per
	                         * connection (macOS Remote Login), as ssh.socket does */
	bool unit_found;        /* ssh.service / sshd.service known to systemd */
	char *unit;             /* its id */
	bool unit_active;
	enum srv_tristate unit_enabled;
	bool unit_masked;       /* systemctl mask: it cannot start until unmasked */
	struct strv unit_runtime_dirs;  /* its RuntimeDirectory=, made under /run while it runs */
	char *unit_state;       /* "failed (exit-code)", printable, or NULL */
	char *init_start;       /* without systemd: how its init starts sshd, or NULL */
	bool socket_active;     /* ssh.socket listens (socket activation) */
	bool socket_generator;  /* Ubuntu's sshd-socket-generator is installed: it
				 * writes ssh.socket's ports from sshd_config when
				 * systemd reloads */
	char *socket_unit_file; /* ssh.socket's unit file, or NULL */
	struct strv socket_dropins;     /* its drop-ins, in the order systemd reads them */
	int socket_ports[SRV_MAX_PORTS];
	size_t nsocket_ports;
	struct srv_proc procs[SRV_MAX_PROCS];
	size_t nprocs;
	size_t nrunning_here;   /* listening sshd processes in this namespace */
	size_t nrunning_hidden; /* sshd processes whose network namespace this
				 * user cannot read: here or elsewhere, unknown */

	/* sshd_config step */
	char *config_file;      /* the file examined */
	bool config_checked;    /* sshd -t could run */
	bool config_error;      /* sshd -t rejects it */
	char *config_runtime_dir;       /* sshd -t stopped only at this missing
					 * directory, which the service makes when
					 * it starts (RuntimeDirectory=) */
	char *config_message;   /* its first fatal message, printable */
	char *config_error_file;
	unsigned config_error_line;
	bool config_read;       /* the effective values below are known */
	char *config_source;    /* "sshd -T" or "sshd_config" */
	int cfg_ports[SRV_MAX_PORTS];
	size_t ncfg_ports;
	struct strv cfg_listen;         /* "ADDR port N" sockets sshd opens */
	struct strv cfg_listen_missing; /* ListenAddress addresses not on this machine */
	char *permit_root_login;
	enum srv_tristate password_auth;
	struct strv login_refusals;     /* for the clients judged: "AllowUsers ... does not
					 * let root in from 192.0.2.1" (Permission denied) */
	struct sshd_maxstartups maxstartups;
	bool maxstartups_known;

	/* listeners step */
	bool listen_checked;
	char *listen_source;    /* "sock_diag" or "/proc/net/tcp" */
	struct srv_listener listeners[SRV_MAX_LISTEN];
	size_t nlisteners;

	/* socket_activation step: fills nothing, judges the service's and the
	 * configuration's facts */

	/* watch step: connection attempts from other machines while it waited */
	bool watch_ran;
	int watch_waited_ms;
	size_t nwatch;
	struct srv_watch_source {
		char addr[48];
		int syns;               /* SYNs that arrived from it */
		enum wire_outcome answer; /* what this machine answered: synack,
					 * rst, icmp, or silence (the kernel dropped it) */
	} watch[SRV_MAX_TESTS];
	size_t watch_added;         /* sources it added to from_addrs (the last ones) */

	/* firewall step */
	bool fw_checked;
	enum fw_verdict fw_verdict;     /* the worst found */
	char *fw_name;          /* "iptables", "nftables", ... */
	char *fw_rule;          /* "filter INPUT: -A INPUT ... -j DROP" */
	char *fw_effect;        /* what a client sees */
	char *fw_fix;           /* the command that lets the port through, or NULL */
	char *fw_who;           /* "only 198.51.100.0/24 may connect to port 22", or NULL */
	char *fw_blocked_some;  /* "192.0.2.0/25": sources blocked while others get in, or NULL */
	struct strv fw_blocked_srcs;    /* the same sources, one a line (of every firewall) */
	bool fw_timing;         /* a rate limit blocks a source that connects too often */
	/* one per --from address judged, in order (at most OS_FW_MAX_CLIENTS) */
	struct srv_fw_client *fw_clients;
	size_t nfw_clients;
	struct strv guard_banned;       /* sshguard's blocks, as the firewall lists them */
	struct strv guard_unban;        /* for each, the command that lifts it as
					 * sshguard's own back end does when the
					 * block ends */

	/* tcp_wrappers step */
	bool wrap_checked;
	enum srv_tristate libwrap;      /* sshd honours hosts.allow/deny */
	bool wrap_refuses;              /* a rule refuses sshd for some clients */
	char *wrap_rule;                /* "/etc/hosts.deny line 2: sshd: ALL" */
	char *wrap_client;              /* a client it refuses */
	bool wrap_refuses_self;         /* this machine's own addresses are refused: the
					 * self-test cannot get through the wrappers */
	bool wrap_refuses_all;          /* every source judged is refused, and hosts.allow
					 * admits nobody: any client is */
	bool wrap_for_client;           /* judged for the clients of --from: wrap_refuses
					 * then says whether one of them is refused */
	char *wrap_allowed;             /* what hosts.allow admits, when it is an
					 * allow-list ("192.0.2.0/25 (line 3)"), or NULL */

	/* logs step */
	bool logs_checked;
	struct strv log_files;          /* the running sshd's own log files */
	bool log_no_bind;               /* "Cannot bind any address" */
	char *log_bind_failed;          /* the last bind failure, printable */
	int log_bind_denied_port;       /* the port of the last bind that failed with
					 * "Permission denied" and did not succeed
					 * later, or 0 */
	enum svc_selinux selinux;       /* SVC_SELINUX_UNKNOWN where there is none */
	bool ssh_ports_known;           /* ssh_ports below were read */
	int ssh_ports[SRV_MAX_PORTS][2];/* ports SELinux lets sshd bind (ssh_port_t), lo/hi */
	size_t nssh_ports;
	size_t log_wrap_refused;        /* "refused connect from" lines */
	size_t log_maxstartups;         /* drops past MaxStartups */

	/* limits step */
	int unauth_conns;               /* connections to sshd's port, -1 unknown */
	bool f2b_checked;
	struct strv f2b_banned;         /* fail2ban's sshd jail */

	/* the firewall's and the limits step's bans together, without repeats
	 * (server_facts_merge_bans), for the verdict */
	struct strv banned;

	/* self_test step */
	bool test_ran;
	struct srv_test tests[SRV_MAX_TESTS];
	size_t ntests;
	struct strv test_log;           /* sshd lines that appeared meanwhile */
	bool test_log_wrap;             /* among them a TCP wrappers refusal */
	bool test_log_maxstartups;
};

void server_facts_init(struct server_facts *f);
void server_facts_release(struct server_facts *f);
/* Fills what was asked: the port, --sshd-config (may be NULL), this
 * machine's addresses, and the addresses clients use: the host's when one
 * is given, else this machine's own (loopback only when there is no other). */
void server_facts_setup(struct server_facts *f, const struct target *t, const char *sshd_config);

/* Frees and resets one step's group of facts to what server_facts_init
 * gives it; each server probe calls its own first. What was asked stays. */
void server_facts_forget_package(struct server_facts *f);
void server_facts_forget_service(struct server_facts *f);
void server_facts_forget_config(struct server_facts *f);
void server_facts_forget_listeners(struct server_facts *f);
void server_facts_forget_firewall(struct server_facts *f);
void server_facts_forget_wrappers(struct server_facts *f);
void server_facts_forget_logs(struct server_facts *f);
void server_facts_forget_limits(struct server_facts *f);
void server_facts_forget_selftest(struct server_facts *f);
void server_facts_forget_watch(struct server_facts *f);
/* Rebuilds banned from guard_banned and f2b_banned (in that order, each
 * address once). */
void server_facts_merge_bans(struct server_facts *f);

/* ---- questions asked of the facts --------------------------------------- */

/* The sshd listener on port in this namespace that accepts addr, or NULL. */
const struct srv_listener *srv_listener_for(const struct server_facts *f, const char *addr, int port);
/* Any listener on port (the first), or NULL. */
const struct srv_listener *srv_listener_on(const struct server_facts *f, int port);

const char *srv_tristate_word(enum srv_tristate t);

/* True when the firewall was read and lets every client judged (--from)
 * in, with no rule that depends on timing: a self-test from this machine's
 * own address that it blocks says nothing about those clients. */
bool server_fw_admits_all_clients(const struct server_facts *f);

#endif

/* SPDX-License-Identifier: MIT */
/* What the system says, one interface per concern: processes and service
 * manager, package manager, listeners, firewalls and bans, sshd's log,
 * route and neighbours. Each platform is a const table of these functions
 * (engine/os/linux/, engine/os/macos/); the build picks its own
 * (os_native), and a test may pick another (os_set_active), which is why
 * the macOS table is compiled and tested on Linux too, from recorded
 * outputs through the spawner's hook (engine/os/exec.h).
 *
 * A call fills the facts group it is about (engine/server.h) and records
 * in a struct os_trace, owned by the caller, the commands it ran with
 * their printable, capped output (for the details view) and what it
 * observed on the way (for the evidence), in order. Probes judge the facts
 * and show the trace; they never run a program or read /proc themselves.
 * Functions not in the table (below it) are the same on every platform. */
#ifndef SSHD_OS_H
#define SSHD_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/facts.h"
#include "engine/os/exec.h"
#include "engine/parse/parse-firewall.h"
#include "engine/parse/parse-sshd-log.h"
#include "engine/server.h"
#include "engine/util.h"

/* ---- what a call ran and saw -------------------------------------------- */

enum os_trace_kind {
	OS_TRACE_DETAIL,        /* a command, its output, its exit status */
	OS_TRACE_NOTE,          /* an observation, one sentence */
};

struct os_trace_line {
	enum os_trace_kind kind;
	char *text;             /* printable */
};

struct os_trace {
	struct os_trace_line *v;
	size_t n, alloc;
};

void os_trace_init(struct os_trace *t);
void os_trace_release(struct os_trace *t);
void os_trace_note(struct os_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void os_trace_detail(struct os_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds raw text (made printable here) as detail lines, at most max_lines,
 * each prefixed by prefix. */
void os_trace_text(struct os_trace *t, const char *prefix, const char *text, size_t len, size_t max_lines);

/* ---- one firewall front end's view, and one log source ------------------ */

/* What one firewall tool said: its trace (shown first), its rule sets
 * judged per family, first for any source, then for each client judged
 * (--from; fw_result.client names it), and sshguard's blocks found in its
 * listing. */
struct os_fw_view {
	char *name;             /* "iptables", "nftables", "ufw", "ufw (/etc/ufw/user.rules)", ... */
	bool seen;              /* the tool is there and ran */
	struct os_trace trace;
	struct fw_result *res;
	size_t nres, res_alloc;
	bool guard_read;        /* its listing was searched for sshguard's blocks */
	struct strv guard;      /* sshguard's blocked addresses, as listed */
};

struct os_fw_list {
	struct os_fw_view *v;
	size_t n, alloc;
	/* ufw's own record of the rules it added (/etc/ufw/user.rules and
	 * user6.rules), raw, when ufw is installed: a rule ufw made is
	 * changed with ufw, and these say which command added it */
	bool ufw_rules_read;
	struct strbuf ufw_rules[2];     /* IPv4, IPv6 */
	/* how this system keeps iptables' rules over a reboot: "netfilter-persistent
	 * save" when that is installed, else NULL (not known) */
	char *ipt_save;
	char *fwd_zone;         /* firewalld's zone judged (from its listing), or NULL */
};

/* At most this many clients (--from) are judged by the firewalls. */
#define OS_FW_MAX_CLIENTS 16

/* The questions a firewall view answers for family (4 or 6): q[0] for any
 * source, then one per client of that family in f->from_addrs; skip goes
 * into each. Fills at most max and returns how many. */
size_t os_fw_queries(const struct server_facts *f, int family, const char *const *skip,
		     struct fw_query *q, size_t max);

void os_fw_list_init(struct os_fw_list *l);
void os_fw_list_release(struct os_fw_list *l);
/* Appends an empty view named name; valid until the next append. */
struct os_fw_view *os_fw_list_add(struct os_fw_list *l, const char *name);

/* One place sshd's lines were looked for: its trace (shown first: the
 * command, or why it was skipped) and, when read, its lines. own: the
 * running sshd writes it itself, so its lines are about this sshd. */
struct os_log_source {
	char *label;
	bool read;
	bool own;
	struct os_trace trace;
	struct sshd_log log;
};

struct os_log_list {
	struct os_log_source *v;
	size_t n, alloc;
};

void os_log_list_init(struct os_log_list *l);
void os_log_list_release(struct os_log_list *l);
/* Appends an empty source labelled label; valid until the next append. */
struct os_log_source *os_log_list_add(struct os_log_list *l, const char *label);

/* TCP sockets as the kernel lists them. */
struct os_sock {
	int family;             /* 4 or 6 */
	unsigned state;         /* TCP state as the kernel numbers it */
	char addr[48];          /* local address */
	int port;               /* local port */
	bool wildcard;
	bool v6only, v6only_known;
	unsigned long inode;
};

struct os_sock_list {
	struct os_sock *v;
	size_t n, alloc;
};

void os_sock_list_init(struct os_sock_list *l);
void os_sock_list_release(struct os_sock_list *l);
void os_sock_list_add(struct os_sock_list *l, const struct os_sock *s);

/* The next hop toward an address: the address itself on the link, or the
 * router the route names. */
struct neigh_hop {
	bool known;                   /* false: the kernel had no route */
	int family;
	uint8_t addr[16];
	int ifindex;
	char ifname[32];
	bool gateway;                 /* the next hop is a router, not the target */
	char text[64];                /* numeric, for evidence */
};

/* ---- the table ---------------------------------------------------------- */

struct os_ops {
	const char *name;               /* "linux", "macos" */
	/* "debian", "rhel", "linux" or "macos": which commands a person types. */
	const char *(*platform)(void);

	/* Processes and service manager: fills f's service group (manager,
	 * unit, socket activation or launchd, the sshd processes of this
	 * network namespace with their command lines). */
	void (*service_read)(struct server_facts *f, struct os_trace *t);

	/* Package manager: fills f's package group and whether an sshd
	 * program is there. */
	void (*package_read)(struct server_facts *f, struct os_trace *t);

	/* Listeners: fills f's listeners with their owners, and
	 * f->listen_source. 0, or -1 with *why (a static sentence) when no
	 * source could be read. */
	int (*listeners_read)(struct server_facts *f, struct os_trace *t, const char **why);
	/* Appends the TCP sockets that are established or half open (being
	 * accepted) to l. 0, or a negative errno when they cannot be listed. */
	int (*connections_read)(struct os_sock_list *l);

	/* Firewalls: one view per front end that answered, judged for a new
	 * connection to f->port from any source, in the order asked. */
	void (*firewall_read)(const struct server_facts *f, struct os_fw_list *out);
	/* Bans of a log watcher (fail2ban): fills f->f2b_checked, f->f2b_banned. */
	void (*bans_read)(struct server_facts *f, struct os_trace *t);
	/* Why this platform's sshd never reads hosts.allow/deny, or NULL when
	 * it may (then the ELF file decides). */
	const char *no_tcp_wrappers;

	/* sshd's log: every source, in order, with f->log_files set to the
	 * running sshd's own files (the self-test watches them). */
	void (*log_read)(struct server_facts *f, struct os_log_list *out);
	/* Mandatory access control over the ports sshd may bind: SELinux's
	 * mode (f->selinux) and, when ports is set and SELinux enforces, the
	 * ports labelled ssh_port_t (f->ssh_ports). NULL where there is none. */
	void (*mac_read)(struct server_facts *f, bool ports, struct os_trace *t);

	/* Route and neighbours: the next hop toward sa (0, or -1 when there
	 * is no route); its entry in the neighbour table (NEIGH_UNKNOWN when
	 * the table cannot be read); how long the system waits for one
	 * neighbour answer on ifname, in ms. Nothing is sent. */
	int (*neigh_next_hop)(const struct sockaddr_storage *sa, struct neigh_hop *hop);
	enum neigh_state (*neigh_lookup)(const struct neigh_hop *hop);
	int (*neigh_retrans_ms)(int family, const char *ifname);
};

extern const struct os_ops os_linux_ops, os_macos_ops;

/* The build's own table (APPLE: macOS, else Linux). */
const struct os_ops *os_native(void);
/* The table the probes use: the native one unless a test chose another. */
const struct os_ops *os_active(void);
/* For tests: makes ops the active table; NULL restores the native one. */
void os_set_active(const struct os_ops *ops);

/* ---- the same on every platform ----------------------------------------- */

/* Runs argv through exec_run (r exec_result_init'ed by the caller) and
 * records the command and its printable output in t, at most max_lines
 * lines each. Returns what exec_run returns. */
int os_run(struct os_trace *t, const char *const argv[], int timeout_ms, struct exec_result *r,
	   size_t max_lines);
/* Finds a program as exec_find() does (0, or -1 when not installed). A
 * test may set a hook that pretends programs are there, so that a call
 * reaches exec_run() and its recorded outputs; NULL restores. */
int os_find(const char *name, char *path, size_t pathlen);
typedef int (*os_find_fn)(const char *name, char *path, size_t pathlen);
void os_set_find_hook(os_find_fn fn);

/* Runs sshd (args->v[0], an absolute path) with args, as `sshd -t` or
 * `sshd -T`, recording it in t. Returns what exec_run returns. */
int os_sshd_run(const struct strv *args, struct exec_result *r, struct os_trace *t);

/* Reads at most max bytes of the regular file path into out (appended):
 * the last max bytes when tail. Returns 0 or a negative errno. */
int os_read_file(const char *path, size_t max, bool tail, struct strbuf *out);
/* The size of path in bytes, or -1 when it cannot be known. */
long os_file_size(const char *path);
/* True when path exists and this process may read it. */
bool os_file_readable(const char *path);
/* Appends the paths that match the glob pattern to out, sorted. 0 (also
 * when none match) or -EIO. */
int os_glob(const char *pattern, struct strv *out);

/* Fills list with this machine's addresses in this network namespace
 * (numeric, up, without link-local IPv6). Returns 0 or -1. */
int os_local_addresses(struct strv *list);
/* Whether this process runs in the network namespace of PID 1, whose
 * firewall rules the boot restores (true when that cannot be told, as on
 * a system without namespaces). */
bool os_netns_of_init(void);
/* Fills ifname with the interface that holds the local address addr;
 * returns 0, or -1 when no interface has it. */
int os_iface_of(const char *addr, char *ifname, size_t len);
/* For a route's source address src: the interface that holds it (dev, ""
 * when none) and whether target is an address of this machine. */
void os_route_iface(const struct sockaddr_storage *src, const struct sockaddr_storage *target,
		    char *dev, size_t len, bool *is_local);
/* The name of the client at addr, as libwrap finds it when sshd accepts
 * the connection: the reverse lookup, checked by a forward lookup of that
 * name. Fills name (empty when the address has none) and *mismatch (the
 * name does not lead back to addr: libwrap's PARANOID). Asks the system's
 * resolver, as libwrap would. */
void os_client_name(const char *addr, char *name, size_t len, bool *mismatch);
/* Whether host names this machine, for --side auto: 1 yes, 0 no. Sends
 * nothing: a literal address, "localhost", this machine's host name, or a
 * name /etc/hosts gives one of this machine's addresses. */
int os_host_is_local(const char *host);

/* Runs the firewall tool name with args into v's trace (r
 * exec_result_init'ed by the caller): false, with a note when it could not
 * run, when the tool is not installed or did not answer in time. */
bool os_fw_run(struct os_fw_view *v, const char *name, const char *const args[], struct exec_result *r);
/* This machine's own iptables rules for family 4 or 6 (iptables-save or
 * ip6tables-save) appended to out, the command recorded in t: for the rule
 * that keeps the client's own SYNs from leaving. 0, or -1 when the tool is
 * not here (macOS), did not run, or failed (not root). */
int os_fw_own_rules(int family, struct strbuf *out, struct os_trace *t);
/* The next of v's rule sets, fw_result_init'ed; os_fw_result_drop takes
 * back the last one (its rules could not be read). */
struct fw_result *os_fw_result_add(struct os_fw_view *v);
void os_fw_result_drop(struct os_fw_view *v);
/* n rule sets at once, contiguous (for fw_parse_*_each); valid until the
 * next add. os_fw_result_drop_n takes back the last n. */
struct fw_result *os_fw_result_add_n(struct os_fw_view *v, size_t n);
void os_fw_result_drop_n(struct os_fw_view *v, size_t n);

/* Appends the source label: the last 256 KiB of the file path, read as
 * syslog lines, or as sshd's own bare lines of process pid when own (its
 * -E file or standard error). A file that cannot be read is a source with
 * a note saying why. */
void os_log_read_file(struct os_log_list *out, const char *path, const char *label, bool own, long pid);

/* The bans fail2ban's sshd jail holds (fail2ban-client), the same on
 * every platform where it is installed; fills as bans_read does. */
void os_fail2ban_read(struct server_facts *f, struct os_trace *t);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Parsers of what the server side asks about the SSH service: systemctl
 * show, dpkg-query and rpm -q, macOS systemsetup / launchctl / lsof,
 * fail2ban-client and sshguard's ban lists, /proc/PID/comm and cmdline.
 *
 * Each parser is a pure function: a buffer in (not necessarily
 * NUL-terminated; it is not kept), a struct out. No I/O, no globals. Every
 * string in a result is owned by the result, made printable, and lives until
 * the struct is released. Parsers reset their output first; a finding ("not
 * installed", "banned") is data in the result, not an error. Functions that
 * can fail return 0 or a negative SVC_ERR_* code.
 */
#ifndef SSHD_PARSE_SERVICE_H
#define SSHD_PARSE_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/util.h"

#define SVC_ERR_FORMAT	-1	/* the buffer is not the expected output */
#define SVC_ERR_ARG	-2	/* NULL buffer or output struct */

const char *svc_strerror(int err);

/* ---- systemctl show UNIT... -p Id,LoadState,... ---------------------- */

/* One Listen= line of a socket unit: "[::]:22 (Stream)". */
struct svc_listen {
	char *address;		/* "[::]:22", "0.0.0.0:2222", "/run/x.sock" */
	char *type;		/* "Stream", "Datagram", ...; "" if absent */
	uint16_t port;		/* 0 when not an IP socket */
};

struct svc_unit {
	char *id;		/* "ssh.service"; every char * below is NULL when absent */
	char *load_state;	/* "loaded", "not-found", "masked" */
	char *active_state;	/* "active", "inactive", "failed", "activating" */
	char *sub_state;	/* "running", "dead", "listening", "exited" */
	char *unit_file_state;	/* "enabled", "disabled", "masked", "static" */
	char *result;		/* "success", "exit-code", "signal" */
	char *fragment_path;
	bool has_exec_main_status;
	int exec_main_status;
	long exec_main_pid;	/* 0 when absent */
	long main_pid;		/* 0 when not running */
	struct svc_listen *listen;
	size_t nlisten;
	struct strv triggered_by;	/* "ssh.socket" */
	struct strv triggers;		/* "ssh.service" */
	struct strv runtime_dirs;	/* RuntimeDirectory=: "sshd", made under /run while it runs */
	struct strv dropins;		/* DropInPaths=: the drop-in files read, in order */
};

struct svc_unit_list {
	struct svc_unit *v;
	size_t n;
};

void svc_unit_list_init(struct svc_unit_list *ul);
void svc_unit_list_release(struct svc_unit_list *ul);
/* Blocks of Key=value separated by blank lines, one per unit, in order.
 * Returns 0, or SVC_ERR_FORMAT when no Key=value line is found. */
int svc_parse_systemctl_show(const char *buf, size_t len, struct svc_unit_list *ul);
/* The unit with that Id, or NULL; points into ul. */
const struct svc_unit *svc_unit_list_find(const struct svc_unit_list *ul, const char *id);
/* ---- SELinux ------------------------------------------------------------ */

enum svc_selinux { SVC_SELINUX_UNKNOWN, SVC_SELINUX_DISABLED, SVC_SELINUX_PERMISSIVE,
		   SVC_SELINUX_ENFORCING };

/* getenforce's answer ("Enforcing", "Permissive", "Disabled"), or the
 * contents of /sys/fs/selinux/enforce ("1", "0"). Pure. */
enum svc_selinux svc_parse_getenforce(const char *buf, size_t len);
const char *svc_selinux_name(enum svc_selinux s);

/* The ports `semanage port -l` labels with type for protocol proto
 * ("ssh_port_t", "tcp"): its lines "ssh_port_t   tcp   2222, 22" and
 * ranges "60000-61000". Appends each port or range to ports as lo/hi
 * pairs, at most max pairs; returns how many pairs, or -1 when type is
 * not listed for proto. Pure. */
int svc_parse_semanage_ports(const char *buf, size_t len, const char *type, const char *proto,
			     int (*ports)[2], size_t max);

/* LoadState=masked or UnitFileState=masked: systemd refuses to start or
 * enable it until `systemctl unmask`. */
bool svc_unit_is_masked(const struct svc_unit *u);
/* LoadState=not-found (the unit file does not exist). */
bool svc_unit_is_missing(const struct svc_unit *u);
/* ActiveState=active (running, or a socket listening). */
bool svc_unit_is_active(const struct svc_unit *u);

/* ---- package managers ------------------------------------------------ */

enum svc_pkg_state {
	SVC_PKG_UNKNOWN,
	SVC_PKG_INSTALLED,
	SVC_PKG_NOT_INSTALLED,
	SVC_PKG_CONFIG_FILES,	/* removed, its configuration left behind (dpkg "rc") */
	SVC_PKG_BROKEN,		/* half-installed, unpacked, failed configuration */
};

struct svc_package {
	enum svc_pkg_state state;
	char *name;		/* NULL when unknown */
	char *version;		/* "1:9.2p1-2+deb12u3", "8.7p1-38.el9"; NULL when unknown */
	char *arch;		/* rpm only: "x86_64"; else NULL */
	char *status;		/* dpkg: the three-letter abbreviation "ii ", else NULL */
};

void svc_package_init(struct svc_package *p);
void svc_package_release(struct svc_package *p);
const char *svc_pkg_state_name(enum svc_pkg_state s);	/* "installed", ... */
/* The same in words for a sentence ("not installed"); a static string. */
const char *svc_pkg_state_text(enum svc_pkg_state s);
/*
 * `dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\n' PACKAGE`:
 * out is its stdout, err its stderr (either may be NULL). The line for
 * package is read; "no packages found matching" on stderr is NOT_INSTALLED.
 * Returns 0, or SVC_ERR_FORMAT when neither says anything recognisable.
 */
int svc_parse_dpkg_query(const char *out, size_t olen, const char *err, size_t elen,
			 const char *package, struct svc_package *p);
/* `rpm -q PACKAGE`: "openssh-server-8.7p1-38.el9.x86_64" or "package X is
 * not installed" (on stdout). Returns 0 or SVC_ERR_FORMAT. */
int svc_parse_rpm_q(const char *out, size_t olen, const char *package, struct svc_package *p);

/* ---- macOS ------------------------------------------------------------ */

enum svc_remote_login {
	SVC_RL_UNKNOWN,
	SVC_RL_ON,
	SVC_RL_OFF,
	SVC_RL_NEED_ADMIN,	/* "You need administrator access to run this tool" */
};

/* `systemsetup -getremotelogin` (stdout and stderr together). */
enum svc_remote_login svc_parse_remote_login(const char *buf, size_t len);
const char *svc_remote_login_name(enum svc_remote_login rl);

struct svc_launchd {
	bool found;		/* false: "Could not find service" */
	char *label;		/* "com.openssh.sshd" when listed */
	char *state;		/* print: "running", "waiting", "not running" */
	char *program;		/* "/usr/libexec/sshd-keygen-wrapper" */
	char *path;		/* print: the plist */
	long pid;		/* 0 when not running */
	bool has_last_exit;
	long last_exit;		/* last exit code / LastExitStatus */
};

void svc_launchd_init(struct svc_launchd *ld);
void svc_launchd_release(struct svc_launchd *ld);
/* `launchctl print system/com.openssh.sshd`. Returns 0 or SVC_ERR_FORMAT. */
int svc_parse_launchctl_print(const char *buf, size_t len, struct svc_launchd *ld);
/* `launchctl list com.openssh.sshd`. Returns 0 or SVC_ERR_FORMAT. */
int svc_parse_launchctl_list(const char *buf, size_t len, struct svc_launchd *ld);

/* One listening socket of `lsof -nP -iTCP -sTCP:LISTEN`. */
struct svc_listener {
	char *command;		/* "sshd", "launchd" (lsof's \x escapes kept, printable) */
	long pid;
	char *user;
	int family;		/* 4 or 6 */
	char *address;		/* "*", "127.0.0.1", "::1" (brackets removed) */
	uint16_t port;
};

struct svc_listener_list {
	struct svc_listener *v;
	size_t n;
};

void svc_listener_list_init(struct svc_listener_list *ll);
void svc_listener_list_release(struct svc_listener_list *ll);
/* Returns 0, or SVC_ERR_FORMAT when there is output but no header line.
 * Empty output (lsof found nothing) is an empty list. */
int svc_parse_lsof_listen(const char *buf, size_t len, struct svc_listener_list *ll);

/* ---- bans -------------------------------------------------------------- */

struct svc_fail2ban {
	bool running;		/* false: cannot reach the fail2ban server */
	bool jail_found;	/* false: "the jail 'sshd' does not exist" */
	char *jail;
	long currently_failed, total_failed;
	long currently_banned, total_banned;
	struct strv banned;	/* addresses of "Banned IP list:" */
};

void svc_fail2ban_init(struct svc_fail2ban *f);
void svc_fail2ban_release(struct svc_fail2ban *f);
/* `fail2ban-client status sshd` (stdout and stderr together). */
int svc_parse_fail2ban_status(const char *buf, size_t len, struct svc_fail2ban *f);
/* True when addr is in the banned list (addresses compared as addresses). */
bool svc_fail2ban_is_banned(const struct svc_fail2ban *f, const char *addr);

/*
 * sshguard's block list as the firewall shows it, appended to entries
 * (addresses or prefixes, printable): the elements of the sets of tables
 * named "sshguard" in `nft -j list ruleset`, or the sources of DROP/REJECT
 * rules in chain "sshguard" of iptables-save. Return 0 (also when sshguard
 * has no table or chain) or SVC_ERR_FORMAT.
 */
int svc_parse_sshguard_nft(const char *buf, size_t len, struct strv *entries);
int svc_parse_sshguard_iptables(const char *buf, size_t len, struct strv *entries);
/* True when addr falls in one of entries (see fw_addr_match). */
bool svc_addr_listed(const struct strv *entries, const char *addr);

/* ---- /proc ------------------------------------------------------------- */

/*
 * A printable command line from /proc/PID/cmdline (NUL-separated arguments)
 * joined by spaces, arguments with spaces quoted; when cmdline is empty (a
 * kernel thread, a zombie) "[comm]" from /proc/PID/comm. Returns a new
 * string the caller frees; never NULL.
 */
char *svc_proc_cmdline(const char *comm, size_t clen, const char *cmdline, size_t len);

/* Which service manager runs as PID 1, from /proc/1/comm. */
enum svc_manager {
	SVC_MGR_UNKNOWN,
	SVC_MGR_SYSTEMD,
	SVC_MGR_SYSVINIT,	/* "init": sysvinit or busybox init, scripts in /etc/init.d */
	SVC_MGR_OPENRC,
	SVC_MGR_RUNIT,
	SVC_MGR_S6,
	SVC_MGR_TINI,		/* tini / docker-init: a container's minimal init */
	SVC_MGR_DUMB_INIT,
	SVC_MGR_SHELL,		/* sh, bash: a container whose entrypoint is a shell */
	SVC_MGR_LAUNCHD,
};

enum svc_manager svc_manager_from_comm(const char *comm, size_t len);
const char *svc_manager_name(enum svc_manager m);	/* "systemd", "tini", ... */
/* False for a minimal init (tini, dumb-init, a shell): nothing restarts or
 * starts sshd as a service; it runs only if the entrypoint starts it. */
bool svc_manager_supervises(enum svc_manager m);

#endif

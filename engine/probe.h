/* SPDX-License-Identifier: MIT */
/* What the engine hands a probe, and what a probe may call. Private to
 * engine/: faces see only engine.h. Every function here runs on the worker
 * thread. */
#ifndef SSHD_PROBE_H
#define SSHD_PROBE_H

#include <stdbool.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/os/os.h"
#include "engine/server.h"

/* A step being run: the probe fills it; the engine publishes it when done. */
struct step_work {
	struct engine *e;
	int index;
	const char *id;
	enum step_status status;
	char *summary;
	struct strv evidence;
	struct strv details;
};

/* One step kind: a const table of these maps asset ids to probes. */
struct probe_def {
	const char *id;
	enum side side;
	/* Runs the probe; its findings go into w and the facts. The return value
	 * is 0, or negative when the probe itself could not run (STEP_ERROR). */
	int (*run)(struct step_work *w, struct client_facts *f);
	/* The same for a server step (run is then NULL). */
	int (*run_server)(struct step_work *w, struct server_facts *f);
};

const struct probe_def *probe_find(const char *id);

/* Sets the step's status and its one-sentence summary. */
void step_finish(struct step_work *w, enum step_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds a line of evidence (made printable by the caller where it came from
 * outside) and shows it at once. */
void step_evidence(struct step_work *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a line to the details view only. */
void step_detail(struct step_work *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tells the face the step now waits up to ms for what reason. */
void step_wait(struct step_work *w, int ms, const char *reason);

/* True once the engine is being freed: probes stop at their next check. */
bool engine_cancelled(struct engine *e);
/* The target and the side, read-only. */
const struct target *engine_target(struct engine *e);
/* Publishes the resolved addresses to the face. */
void engine_publish_addresses(struct engine *e, const struct client_facts *f);

struct conn;

/* The capture, seen from a probe. All safe from the worker thread. */
bool engine_capture_live(struct engine *e);
/* Asks the capture to watch connection attempts from these local ports. */
void engine_capture_expect(struct engine *e, const struct client_facts *f);
/* Tells the capture that the connection from local port sport to port
 * dport (TCP), or echo id id, is one of this run's own: only their packets
 * go into its report and its judgement. */
void engine_capture_own_port(struct engine *e, int sport, int dport);
void engine_capture_own_echo(struct engine *e, int id);
/* The raw ICMP socket of family opened for the ping step before the
 * privileges were given up (shared by the step's addresses, never closed
 * by it), or -1: the step opens its own. */
int engine_icmp_fd(struct engine *e, int family);
/* This machine's own iptables rules for family 4 or 6, as os_fw_own_rules()
 * gives them (into out, the commands into t): as read once before the
 * privileges were given up (engine_own_rules_take), or read now. */
int engine_own_rules(int family, struct strbuf *out, struct os_trace *t);
/* Sets c[0..n) to tell the capture their source ports before each SYN. */
void engine_conn_watch(struct engine *e, struct conn *c, size_t n);
/* True when the capture saw an ICMP error about the SYN from local port
 * sport to a's address (see wire_icmp_about). */
bool engine_capture_icmp(struct engine *e, const struct addr_facts *a, int sport);
/* True when the capture saw a router say a's host cannot be reached, about
 * any of our SYNs to it (see wire_host_unreachable). */
bool engine_capture_host_unreachable(struct engine *e, const struct addr_facts *a);
/* True when the capture saw a's host answer this machine on anything
 * (ping, another port): our packets to it do pass the capture. */
bool engine_capture_host_answered(struct engine *e, const struct addr_facts *a);
/* Waits up to ms for the capture to have classified every attempt it was
 * told to expect; then copies what it saw into f. */
void engine_capture_collect(struct engine *e, struct client_facts *f, int ms);

/* Declares that the diagnosis cannot run (exit status 3), saying why. */
void engine_fail(struct engine *e, const char *why);
/* True when the diagnosis reads a capture file and must send nothing. */
bool engine_replaying(struct engine *e);
/* The capture file a replay reads (as given), or NULL; lives as long as e. */
const char *engine_replay_file(struct engine *e);
/* Waits up to ms until the whole capture file has been read, then fills f's
 * addresses from it; 0, or -1 when the file could not be read to its end. */
int engine_capture_replay(struct engine *e, struct client_facts *f, int ms);

/* The TOS byte our SYNs carry, so a RST that echoes it can be told from one a
 * firewall rule made (see the design's wire facts). */
#define PROBE_SYN_TOS 0x28

/* Ping and TCP overlap: the ping step hands the sockets of unanswered
 * echoes on (addr_facts.ping). probe_ping_late() reads what came since,
 * fills f's ping facts and says so in w; it returns the index of an address
 * that answered now, or -1. probe_ping_close() closes them all. */
int probe_ping_late(struct step_work *w, struct client_facts *f);
void probe_ping_close(struct client_facts *f);

/* Client probes, one file each (probe-*.c). */
int probe_dns_run(struct step_work *w, struct client_facts *f);
int probe_route_run(struct step_work *w, struct client_facts *f);
int probe_ping_run(struct step_work *w, struct client_facts *f);
int probe_tcp_run(struct step_work *w, struct client_facts *f);
int probe_banner_run(struct step_work *w, struct client_facts *f);
int probe_ssh_run(struct step_work *w, struct client_facts *f);
int probe_altport_run(struct step_work *w, struct client_facts *f);
int probe_replay_run(struct step_work *w, struct client_facts *f);

/* Server probes, one file each (probe-srv-*.c). A unit test may run one
 * with w->e NULL: evidence then only collects in w. */
int probe_srv_package_run(struct step_work *w, struct server_facts *f);
int probe_srv_service_run(struct step_work *w, struct server_facts *f);
int probe_srv_config_run(struct step_work *w, struct server_facts *f);
int probe_srv_listen_run(struct step_work *w, struct server_facts *f);
int probe_srv_socket_run(struct step_work *w, struct server_facts *f);
int probe_srv_firewall_run(struct step_work *w, struct server_facts *f);
int probe_srv_wrappers_run(struct step_work *w, struct server_facts *f);
int probe_srv_logs_run(struct step_work *w, struct server_facts *f);
int probe_srv_limits_run(struct step_work *w, struct server_facts *f);
int probe_srv_selftest_run(struct step_work *w, struct server_facts *f);
int probe_srv_watch_run(struct step_work *w, struct server_facts *f);

/* Shared by the server probes (probe-srv-common.c). */
/* Adds text (raw, made printable here) to w's details, one entry a line,
 * at most max_lines, each prefixed by prefix. */
void srv_detail_text(struct step_work *w, const char *prefix, const char *text, size_t len,
		     size_t max_lines);
/* Shows what an os call ran and saw, in its order: notes as evidence,
 * commands and their output as details; then empties t for reuse. */
void srv_trace_show(struct step_work *w, struct os_trace *t);

#endif

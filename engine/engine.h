/* SPDX-License-Identifier: MIT */
/* The engine: walks the flow of steps for one target, runs the probes off the
 * face's thread, and tells the face what happened through events. A face
 * reads the report only on its own thread, between engine_dispatch() calls,
 * and never reaches into probe state. */
#ifndef SSHD_ENGINE_H
#define SSHD_ENGINE_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/assets.h"
#include "engine/run.h"
#include "engine/target.h"
#include "engine/util.h"

enum side { SIDE_AUTO, SIDE_CLIENT, SIDE_SERVER };

enum step_status {
	STEP_PENDING,   /* not run yet */
	STEP_RUNNING,
	STEP_PASS,
	STEP_FAIL,
	STEP_WARN,
	STEP_SKIP,
	STEP_ERROR,     /* the probe itself could not run */
};

/* One step of the flow as a face shows it. */
struct report_step {
	const char *id;             /* from assets; valid while the engine lives */
	const char *title;
	const struct asset_doc *text; /* what / why / reading sections */
	enum step_status status;
	char *summary;              /* one printable sentence of what we saw */
	char *command;              /* what a person would type, filled in */
	char *what, *why, *reading; /* the teaching text for this platform, {host},
				     * {addr}... filled in; NULL when the step has
				     * none. The faces draw these, never the asset */
	bool stale;                 /* ran before another step ran again (the walk,
				     * walk.h): shown as from before the rerun */
	struct strv evidence;       /* printable lines */
	struct strv details;        /* raw evidence for the details view, printable */
	uint64_t started_ms;        /* monotonic; 0 before it started */
	uint64_t duration_ms;
	uint64_t wait_ms;           /* while running: how long it may wait in all */
	char *wait_reason;          /* while running: what it waits for, or NULL */
};

#define REPORT_ADDR_MAX 46        /* a numeric IPv6 address with its NUL */

/* TCP flag bits of report_packet.tcp_flags, as on the wire. */
#define REPORT_TCP_FIN	0x01
#define REPORT_TCP_SYN	0x02
#define REPORT_TCP_RST	0x04
#define REPORT_TCP_PSH	0x08
#define REPORT_TCP_ACK	0x10
#define REPORT_TCP_URG	0x20
#define REPORT_TCP_ECE	0x40
#define REPORT_TCP_CWR	0x80

/* What an ICMP error quotes of the packet it is about, as far as it goes. */
struct report_quoted {
	bool present;               /* at least the whole IP header was quoted */
	char src[REPORT_ADDR_MAX];  /* numeric */
	char dst[REPORT_ADDR_MAX];
	const char *protocol;       /* as report_packet.protocol */
	bool has_ports;
	uint16_t src_port, dst_port;
	uint8_t ttl, tos;           /* as it had when the error was made */
};

/* One packet line of the capture pane. */
struct report_packet {
	int64_t t_us;               /* since the first SYN (negative before it) */
	bool outbound;
	char *summary;              /* printable */
	int step;                   /* the step whose probe ran (or ran last) when the
				     * packet was captured; -1 before any */
	uint64_t ts_us;             /* capture time: the capture's clock (a live one's is
				     * the wall clock), in us */
	/* the packet's own fields, from the capture's decoder, for a face to
	 * show as it likes (summary is one such line) */
	const char *protocol;       /* "tcp", "udp", "icmp", "icmpv6", "arp", "other";
				     * static; NULL counts as "other" */
	int ip_version;             /* 4 or 6; 0 for ARP */
	char src[REPORT_ADDR_MAX];  /* numeric (for ARP the sender's and the asked-for
				     * address); "" for none */
	char dst[REPORT_ADDR_MAX];
	bool has_ports;             /* TCP or UDP */
	uint16_t src_port, dst_port;
	bool has_tcp_flags;         /* a TCP header was decoded */
	uint8_t tcp_flags;          /* REPORT_TCP_* */
	uint8_t ttl, tos;           /* IPv4 TTL and TOS, IPv6 hop limit and traffic class */
	bool is_icmp;               /* an ICMP or ICMPv6 header was decoded */
	uint8_t icmp_type, icmp_code;
	const char *icmp_name;      /* "port unreachable"...; static, or NULL */
	bool icmp_echo;             /* an echo request or reply: echo_seq is valid */
	uint16_t echo_seq;
	uint32_t next_mtu;          /* fragmentation needed / packet too big, or 0 */
	bool nd;                    /* an ICMPv6 neighbour solicitation or advertisement */
	struct report_quoted quoted;/* an ICMP error's original packet */
};

/* One labelled way to apply a fix, for one platform of the machine it runs
 * on, when that platform is not known. */
struct fix_variant {
	char *platform;             /* "debian", "rhel", "linux", "macos" */
	char *label;                /* "on a Debian or Ubuntu server" */
	char *command;
};

struct report_verdict {
	char *cause;                /* a stable id of the design's table */
	char *confidence;           /* "certain", "likely", "possible" */
	char *title;                /* the cause in a few words, as worded for this case */
	char *summary;
	char *fix;
	char *fix_command;          /* the command to try first, or NULL */
	char *fix_on;               /* the machine the fix runs on: "client", "server",
				     * "network" (a router, a cloud firewall) */
	char *fix_platform;         /* the platform fix_command was chosen for, or NULL */
	struct fix_variant *fix_variants; /* when fix_platform is not known: each
				     * platform's command, labelled */
	size_t nfix_variants;
	struct strv alternatives;   /* cause ids the evidence does not rule out */
	struct strv alternatives_text; /* one sentence each, same order */
	struct strv evidence;       /* the facts it rests on */
	struct strv prevention;     /* advice, not causes */
	struct strv judged_for;     /* the client addresses judged (--from), JSON "for" */
	struct strv unchecked;      /* what could change the answer and was not checked */
	char *symptom_match;        /* how the pasted ssh line compares, or NULL */
	bool symptom_matches;       /* the pasted line is what this cause produces */
};

struct report_capture {
	bool available;
	char *reason;               /* why not, when !available */
	char *interface;
	char *outcome;              /* synack, rst, icmp, silence, none */
	char *outcome_text;         /* one sentence */
	struct report_packet *packets;
	size_t npackets;
	size_t packets_dropped;     /* beyond the kept list */
	uint64_t received, dropped; /* libpcap's counters */
};

/* Everything a face draws. Owned by the engine, changed only inside
 * engine_dispatch() on the face's thread. */
struct report {
	enum side side;
	char *host;                 /* printable; NULL on the server side without one */
	int port;
	char *user;
	struct strv addresses;
	char *platform;             /* "debian", "rhel", "linux", "macos" */
	struct report_step *steps;
	size_t nsteps;
	struct report_capture capture;
	bool has_verdict;
	struct report_verdict verdict;
	bool finished;              /* the whole flow has run */
	bool failed;                /* the diagnosis could not run */
	char *failure;              /* why, when failed */
	char *symptom;              /* symptom id, or NULL */
	char *symptom_text;
	struct run_info run;        /* what ran; duration_ms as of the last dispatch */
};

enum engine_event_kind {
	EV_STEP_STARTED,
	EV_STEP_FINISHED,
	EV_EVIDENCE,
	EV_PACKET,
	EV_CAPTURE,                 /* capture status changed */
	EV_TARGET,                  /* addresses known */
	EV_VERDICT,
	EV_FAILED,                  /* the diagnosis cannot run: report.failure says why */
	EV_DONE,                    /* nothing more is running */
};

struct engine_event {
	enum engine_event_kind kind;
	int step;                   /* index, or -1; for EV_PACKET the packet's index in
				     * report.capture (its step is the packet's own) */
};

typedef void (*engine_event_fn)(void *ctx, const struct engine_event *ev,
				const struct report *rep);

struct wire_hub;

struct engine_config {
	struct target target;       /* copied */
	enum side side;
	const struct assets *assets;/* must outlive the engine */
	const char *interface;      /* -i, or NULL */
	bool no_capture;
	const char *replay_file;    /* --replay, or NULL */
	const char *sshd_config;    /* --sshd-config, or NULL */
	const struct strv *from;    /* --from: the client addresses to judge for, or NULL */
	int watch_seconds;          /* server side: how long to wait for a client's
				     * attempt (the watch step); 0 skips it */
	int silence_floor_ms;       /* 0: the default */
	const struct run_info *run; /* what ran, copied into the report; NULL: from now */
	struct wire_hub *hub;       /* one capture shared by several engines (a fleet), or
				     * NULL: the engine opens its own. Must outlive it;
				     * the face pumps it (wire_hub_pump) */
	bool least_privilege;       /* client side: once the capture and the raw
				     * sockets are open, give up every capability
				     * and the root user (capture/privilege.h) */
	bool icmp_given;            /* icmp_fds are the caller's (a fleet's, opened
				     * before it gave up its privileges) */
	int icmp_fds[2];            /* raw ICMP, ICMPv6 sockets for the ping step,
				     * -1 for none; must outlive the engine */
};

struct engine;

/* A raw socket of family (AF_INET, AF_INET6) for the ping step, opened now
 * while the privilege is there, or -1: when unprivileged ping sockets are
 * allowed (the step opens its own then) or no raw socket can be had. */
int engine_icmp_socket(int family);

/* Reads this machine's own iptables rules once, for every engine of the
 * process, while root can (before the privileges go): a client run's
 * outbound rule is found after it gave up root. Nothing without root. */
void engine_own_rules_take(void);

/* Makes an engine for one diagnosis; NULL on failure with err set. */
struct engine *engine_new(const struct engine_config *cfg, struct strbuf *err);
/* Stops what runs (waiting for the probes' own deadlines) and frees. NULL-safe. */
void engine_free(struct engine *e);

void engine_subscribe(struct engine *e, engine_event_fn fn, void *ctx);

/* Queues steps from..to (inclusive) to run in order, then the verdict.
 * Returns at once; progress comes as events. */
void engine_run(struct engine *e, int from, int to);
void engine_run_all(struct engine *e);
bool engine_busy(const struct engine *e);

/* The fds the face must poll (the engine's wake-up pipe, the capture).
 * Returns how many were written into fds (at most max). */
int engine_pollfds(struct engine *e, struct pollfd *fds, int max);
/* How long the face may sleep in poll() before calling engine_dispatch,
 * in ms (-1: until an fd is ready). */
int engine_timeout(struct engine *e);
/* Handles what is ready and calls the subscriber for each event.
 * Never blocks. The packets read come first, before the step events
 * queued meanwhile: a face tells their step by report_packet.step, not by
 * the order of the events. */
void engine_dispatch(struct engine *e);

const struct report *engine_report(const struct engine *e);

struct client_facts;
struct server_facts;
/* The facts the probes found, for a fix plan: only while nothing runs
 * (NULL while busy); valid until the next engine_run or engine_free. */
const struct client_facts *engine_client_facts(const struct engine *e);
const struct server_facts *engine_server_facts(const struct engine *e);

/* Runs the whole flow with no face, until done; for batch and tests. */
void engine_run_to_end(struct engine *e);

const char *step_status_word(enum step_status s);   /* "pass", "fail", ... */
const char *step_status_tag(enum step_status s);    /* "[ OK ]", "[FAIL]" ... */
const char *side_name(enum side s);
/* The side to diagnose: the one asked for, except that a replayed capture
 * is always judged from the client's side; auto is the server side when
 * host is this machine (or NULL), else the client's. The one place that
 * decides it: the command line and the engine both ask here. */
enum side side_resolve(enum side asked, const char *host, bool replay);

#endif

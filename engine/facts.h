/* SPDX-License-Identifier: MIT */
/* What the probes found, as data the verdict rules read. Filled on the
 * engine's worker thread; the verdict is a pure function of these facts, so
 * it can be tested from tables of evidence. */
#ifndef SSHD_FACTS_H
#define SSHD_FACTS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "engine/util.h"

#define FACTS_MAX_ADDRS 16
#define FACTS_MAX_ALT_PORTS 16

enum dns_result {
	DNS_NOT_TRIED,
	DNS_LITERAL,       /* the host was an address: nothing to resolve */
	DNS_OK,
	DNS_NXDOMAIN,      /* the name does not exist */
	DNS_NO_ADDRESS,    /* the name exists, with no address of a usable family */
	DNS_NO_SERVER,     /* no DNS server answered (or SERVFAIL) */
	DNS_ERROR,         /* anything else: the message says */
};

enum tcp_result {
	TCP_NOT_TRIED,
	TCP_ANSWERED,      /* the handshake completed */
	TCP_REFUSED,       /* ECONNREFUSED: a RST, or an ICMP port unreachable */
	TCP_NO_ANSWER,     /* nothing within our deadline */
	TCP_HOST_UNREACH,  /* EHOSTUNREACH: no ARP answer or ICMP host unreachable */
	TCP_NET_UNREACH,   /* ENETUNREACH: no route */
	TCP_FORBIDDEN,     /* EPERM/EACCES: this machine's own firewall */
	TCP_OTHER,
};

enum banner_result {
	BANNER_NOT_TRIED,
	BANNER_SSH,        /* "SSH-2.0-..." */
	BANNER_MAXSTARTUPS,/* "Exceeded MaxStartups" then closed */
	BANNER_OTHER,      /* bytes that are not an SSH identification */
	BANNER_SILENT,     /* connected, nothing said within the deadline */
	BANNER_CLOSED,     /* closed (FIN) before saying anything */
	BANNER_RESET,      /* reset before saying anything */
};

/* The next hop's entry in the kernel's neighbour table (ARP, NDP). */
enum neigh_state {
	NEIGH_UNKNOWN,     /* not asked, or the table could not be read */
	NEIGH_NONE,        /* no entry */
	NEIGH_INCOMPLETE,  /* asked on the link, no answer yet */
	NEIGH_FAILED,      /* the kernel gave up: nobody answered */
	NEIGH_RESOLVED,    /* answered (reachable, stale, delay, probe, permanent) */
	NEIGH_NOARP,       /* a link without neighbour discovery (loopback, tunnel) */
};

/* An echo request still unanswered when the ping step ended: the TCP step
 * keeps reading its socket, so ping and TCP overlap. */
#define FACTS_PING_COUNT 3
struct ping_wait {
	bool open;                     /* fd is ours to read, then close */
	int fd;
	bool raw;                      /* a raw socket: replies carry the IPv4 header */
	bool shared;                   /* the engine's raw socket, shared by the
					* addresses: read for all, never closed here */
	bool replied;                  /* a reply was read (for this address) */
	uint32_t reply_rtt_us;
	int reply_ttl;
	uint16_t id;
	int sent;
	uint64_t sent_us[FACTS_PING_COUNT];
};

/* What the capture saw for one address, filled from capture/ results. */
enum wire_outcome { WIRE_NONE, WIRE_SYNACK, WIRE_RST, WIRE_ICMP, WIRE_SILENCE };
enum rst_maker { RST_BY_UNKNOWN, RST_BY_HOST, RST_BY_RULE, RST_BY_PATH };

/* One address of the target. Each group below is filled by the step its
 * heading names, which forgets it first (client_facts_forget_*), so a step
 * run again ("r") finds what a first run in the same situation finds. */
struct addr_facts {
	/* name step (or the replay step): the address itself */
	char text[64];                 /* numeric address */
	struct sockaddr_storage sa;
	socklen_t salen;
	/* route step */
	bool route_ok;
	char route_dev[32];
	char route_src[64];
	int route_errno;               /* the kernel's answer when there is no route, else 0 */
	/* TCP step (or the replay step, from the file); the route step sets
	 * TCP_NET_UNREACH where the kernel has no route and takes that word
	 * back once there is one, until the TCP step runs */
	enum tcp_result tcp;
	int tcp_errno;
	uint32_t tcp_us;               /* time to the answer or error */
	int local_port;                /* our source port of the last attempt */
	/* TCP step (or the replay step): the wire, when captured */
	enum wire_outcome wire;
	int icmp_type, icmp_code;
	char icmp_from[64];
	bool icmp_from_target;
	enum rst_maker rst_by;
	int rst_hops_short;            /* hops closer than the target, for RST_BY_PATH */
	char *wire_note;               /* one sentence from the capture, or NULL */
	/* TCP step: this machine's own outbound firewall. syn_unseen: the
	 * capture saw the host answer our other packets but none of our SYNs
	 * to the port leave; own_rule: this machine's rule that stops them
	 * (read when they did not leave or connect() said EPERM), and the
	 * command that removes it; NULL when none was found */
	bool syn_unseen;
	char *own_rule;
	char *own_rule_fix;
	bool own_rule_sure;            /* it matches on the address and port alone */
	/* ping step, then the TCP step: the link layer toward the next hop,
	 * when the neighbour table was read. The TCP step that follows a ping
	 * run carries on what ping saw (client_facts.ping_first_us); run
	 * again, it looks anew */
	enum neigh_state neigh;
	char neigh_hop[64];            /* the next hop, numeric */
	bool neigh_gateway;            /* it is a router, not the address itself */
	uint64_t neigh_since_us;       /* first seen unanswered (now_us), 0: never */
	uint32_t neigh_unanswered_ms;  /* how long it stayed unanswered */
	/* ping step, handed to the TCP step, which closes it */
	struct ping_wait ping;         /* the echo the TCP step still listens for */
	/* banner step */
	enum banner_result banner;
	char *banner_text;             /* printable first line, or NULL */
	enum tcp_result banner_tcp;    /* how the step's own connection went
					* (TCP_NOT_TRIED: the step did not run,
					* as in a replay) */
};

struct alt_port_facts {
	int port;
	enum tcp_result tcp;
	enum banner_result banner;
	char *banner_text;
};

/* What the client steps found; grouped by the step that fills it, as in
 * struct addr_facts. */
struct client_facts {
	/* name step (or the replay step) */
	enum dns_result dns;
	char *dns_message;             /* resolver's words, printable */
	char *dns_source;              /* "the hosts file", "DNS", "the literal address" */
	size_t naddrs;
	struct addr_facts addrs[FACTS_MAX_ADDRS];

	/* ping step (a late echo reply the TCP step reads is ping's too) */
	bool ping_tried, ping_answered;
	/* when the first echo request of the last ping run left (now_us), 0:
	 * none; handed to the TCP step that follows, which takes it (sets 0),
	 * so a TCP step run again does not count from an old echo */
	uint64_t ping_first_us;
	char *ping_skip;               /* why not tried */
	uint32_t ping_rtt_us;
	int ping_ttl;

	/* replay step: the file's last packet was cut short (the whole
	 * packets before it were read) */
	bool replay_cut;

	/* TCP step (the replay step sets 0) */
	int silence_ms;                /* the deadline chosen for "no answer" */

	/* handshake step */
	bool ssh_tried, ssh_ok;
	char *ssh_banner;
	char *ssh_kex;
	char *ssh_hostkey;             /* "ssh-ed25519 SHA256:..." */
	char *ssh_auth_methods;        /* "publickey,password" */
	char *ssh_error;

	/* TCP step: the other ports, tried at the same time (read by the
	 * other-ports step) */
	size_t nalt;
	struct alt_port_facts alt[FACTS_MAX_ALT_PORTS];
	int alt_ssh_port;              /* first other port where SSH answered, or 0 */

	/* the engine, at the start: kept for the whole diagnosis */
	bool capture_available;
};

void client_facts_init(struct client_facts *f);
/* Frees everything, closes the echo sockets still open, and initialises f
 * again. */
void client_facts_release(struct client_facts *f);

/* Each forgets one step's group (see the headings above), freeing what it
 * holds and closing what it opened, and leaves the rest alone; each client
 * probe calls its own first. */
/* Every address and what any step found about it, and the name step's
 * result: the name (or replay) step starts from no address. */
void client_facts_forget_addrs(struct client_facts *f);
/* Routes; an address's TCP_NET_UNREACH the route step had set goes too. */
void client_facts_forget_route(struct client_facts *f);
/* Echo results, why ping was skipped, the echo sockets still open, and
 * the link as ping saw it. */
void client_facts_forget_ping(struct client_facts *f);
/* Every address's connection result and wire, the other ports, the
 * deadline; the link too, unless take_link (a ping run handed it over). */
void client_facts_forget_tcp(struct client_facts *f, bool take_link);
void client_facts_forget_banner(struct client_facts *f);
void client_facts_forget_ssh(struct client_facts *f);
/* Closes the echo sockets the ping step left open for the TCP step. */
void client_facts_close_echoes(struct client_facts *f);

const char *tcp_result_word(enum tcp_result r);
const char *banner_result_word(enum banner_result b);
const char *wire_outcome_word(enum wire_outcome w);
/* What came back, in words for a sentence ("a reset (RST): refused"); the
 * id of wire_outcome_word() is for the report's fields only. */
const char *wire_outcome_text(enum wire_outcome w);

#endif

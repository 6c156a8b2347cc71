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
	uint16_t id;
	int sent;
	uint64_t sent_us[FACTS_PING_COUNT];
};

/* What the capture saw for one address, filled from capture/ results. */
enum wire_outcome { WIRE_NONE, WIRE_SYNACK, WIRE_RST, WIRE_ICMP, WIRE_SILENCE };
enum rst_maker { RST_BY_UNKNOWN, RST_BY_HOST, RST_BY_RULE, RST_BY_PATH };

struct addr_facts {
	char text[64];                 /* numeric address */
	struct sockaddr_storage sa;
	socklen_t salen;
	enum tcp_result tcp;
	int tcp_errno;
	uint32_t tcp_us;               /* time to the answer or error */
	int local_port;                /* our source port of the last attempt */
	enum banner_result banner;
	char *banner_text;             /* printable first line, or NULL */
	/* the wire, when captured */
	enum wire_outcome wire;
	int icmp_type, icmp_code;
	char icmp_from[64];
	bool icmp_from_target;
	enum rst_maker rst_by;
	int rst_hops_short;            /* hops closer than the target, for RST_BY_PATH */
	char *wire_note;               /* one sentence from the capture, or NULL */
	bool route_ok;
	char route_dev[32];
	char route_src[64];
	/* the link layer toward the next hop, when the neighbour table was read */
	enum neigh_state neigh;
	char neigh_hop[64];            /* the next hop, numeric */
	bool neigh_gateway;            /* it is a router, not the address itself */
	uint64_t neigh_since_us;       /* first seen unanswered (now_us), 0: never */
	uint32_t neigh_unanswered_ms;  /* how long it stayed unanswered */
	struct ping_wait ping;         /* the echo the TCP step still listens for */
};

struct alt_port_facts {
	int port;
	enum tcp_result tcp;
	enum banner_result banner;
	char *banner_text;
};

struct client_facts {
	enum dns_result dns;
	char *dns_message;             /* resolver's words, printable */
	char *dns_source;              /* "the hosts file", "DNS", "the literal address" */
	size_t naddrs;
	struct addr_facts addrs[FACTS_MAX_ADDRS];

	bool ping_tried, ping_answered;
	uint64_t ping_first_us;        /* when the first echo request left (now_us), 0: none */
	char *ping_skip;               /* why not tried */
	uint32_t ping_rtt_us;
	int ping_ttl;

	int silence_ms;                /* the deadline chosen for "no answer" */

	bool ssh_tried, ssh_ok;
	char *ssh_banner;
	char *ssh_kex;
	char *ssh_hostkey;             /* "ssh-ed25519 SHA256:..." */
	char *ssh_auth_methods;        /* "publickey,password" */
	char *ssh_error;

	size_t nalt;
	struct alt_port_facts alt[FACTS_MAX_ALT_PORTS];
	int alt_ssh_port;              /* first other port where SSH answered, or 0 */

	bool capture_available;
};

void client_facts_init(struct client_facts *f);
void client_facts_release(struct client_facts *f);

const char *tcp_result_word(enum tcp_result r);
const char *banner_result_word(enum banner_result b);
const char *wire_outcome_word(enum wire_outcome w);

#endif

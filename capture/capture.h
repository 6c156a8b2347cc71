/* SPDX-License-Identifier: MIT */
/* libpcap: a live, non-blocking capture on the interface that routes to the
 * target, filtered to what answers a SYN, or the packets of a pcap/pcapng
 * file for replay. Hands raw packets to a callback; decoding and judging
 * are decode.h and classify.h. */
#ifndef SSHD_CAPTURE_CAPTURE_H
#define SSHD_CAPTURE_CAPTURE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "capture/decode.h"

#define CAPTURE_ERRBUF_SIZE	512	/* enough for every message below */
#define CAPTURE_FILTER_MAX	4096	/* the longest BPF filter text we build */
#define CAPTURE_SNAPLEN		256	/* headers, an ICMP quote, not payloads */
#define CAPTURE_FILE_BATCH	1024	/* packets one capture_dispatch() reads from a file */

enum capture_error {
	CAPTURE_OK = 0,
	CAPTURE_ERR_ARG = -1,		/* NULL or impossible arguments */
	CAPTURE_ERR_PERM = -2,		/* no CAP_NET_RAW */
	CAPTURE_ERR_NO_DEVICE = -3,	/* no such interface */
	CAPTURE_ERR_IFACE_DOWN = -4,
	CAPTURE_ERR_NO_ROUTE = -5,	/* the kernel has no route to the target */
	CAPTURE_ERR_OPEN = -6,		/* any other libpcap failure to open */
	CAPTURE_ERR_LINKTYPE = -7,	/* a link type the decoder does not know */
	CAPTURE_ERR_FILTER = -8,	/* the BPF filter did not compile or apply */
	CAPTURE_ERR_FILE_MISSING = -9,	/* no such file, or not readable */
	CAPTURE_ERR_FILE_FORMAT = -10,	/* not a pcap or pcapng file */
	CAPTURE_ERR_FILE_TRUNCATED = -11, /* the file ends inside a header or packet */
	CAPTURE_ERR_READ = -12,		/* reading packets failed */
	CAPTURE_ERR_NOMEM = -13,
};

/* A generic lowercase phrase for an enum capture_error; a static string.
 * The errbuf filled by the failing call says more (names, the fix). */
const char *capture_strerror(int err);

struct capture;

/*
 * Asks the kernel (rtnetlink RTM_GETROUTE) which interface routes to dst and
 * writes its name into ifname (IF_NAMESIZE bytes). The host's own addresses
 * route through "lo". Sends nothing on the network. Returns 0, or
 * CAPTURE_ERR_NO_ROUTE / CAPTURE_ERR_OPEN with a message in err.
 */
int capture_route_iface(const struct pkt_addr *dst, char *ifname, char *err, size_t errlen);

/* Sends one rtnetlink request (reqlen bytes, a struct nlmsghdr first) and
 * reads the kernel's answer into ans. Returns the answer's length, or a
 * negative errno (-ETIMEDOUT when none came within a second). */
ssize_t capture_rtnl_ask(const void *req, size_t reqlen, void *ans, size_t anslen);

/* The kernel's route to one address: the interface, and the next hop when
 * it is a router (for an address on the link the next hop is the address). */
struct capture_route {
	int oif;			/* interface index */
	char ifname[IF_NAMESIZE];
	bool has_gateway;
	struct pkt_addr gateway;
};

/* Like capture_route_iface(), filling r. */
int capture_route_get(const struct pkt_addr *dst, struct capture_route *r, char *err, size_t errlen);

/*
 * Writes the BPF filter for a target into buf: TCP to or from the target
 * addresses on the port, SYNs and RSTs on other ports of the same hosts,
 * ICMP/ICMPv6 errors from anywhere that quote a packet sent to the target,
 * echo requests and replies of the target, ARP and NDP about the target
 * (who-has, and the answer), and
 * IPv6 packets whose extension headers hide TCP/ICMPv6 from fixed offsets
 * (those of the target, and unicast ones that are not TCP: the decoder
 * walks the chain).
 * Numeric addresses only, so compiling it looks up no names. Returns 0, or
 * CAPTURE_ERR_ARG when it does not fit in len.
 */
int capture_filter_build(const struct pkt_addr *addrs, size_t naddrs, uint16_t port,
			 char *buf, size_t len);

/*
 * Opens a live capture for the target on ifname, or, when ifname is NULL,
 * on the interface the kernel routes the addresses through ("any" when they
 * leave by different interfaces). Non-blocking, immediate mode, no
 * promiscuous mode, snaplen CAPTURE_SNAPLEN, filtered by
 * capture_filter_build(). On success *out is a new capture the caller frees
 * with capture_free(). On failure returns a negative enum capture_error and
 * writes one sentence into err; for CAPTURE_ERR_PERM that sentence says how
 * to get the privilege (sudo, or setcap on this very executable).
 */
int capture_open_live(const char *ifname, const struct pkt_addr *addrs, size_t naddrs,
		      uint16_t port, struct capture **out, char *err, size_t errlen);

/*
 * Tells, without opening anything, whether a live capture can be had: the
 * calling thread holds CAP_NET_RAW, and ifname (when not NULL) names an
 * interface. Cheap (opening and closing a packet socket costs the kernel an
 * RCU grace period each, tens of milliseconds): the engine asks this first
 * and opens the real capture once it knows the route. Returns 0, or
 * CAPTURE_ERR_PERM (err: how to get the privilege) or CAPTURE_ERR_NO_DEVICE.
 */
int capture_check_live(const char *ifname, char *err, size_t errlen);

/*
 * Opens a pcap or pcapng file to replay. Same ownership as
 * capture_open_live(). A missing file, a file that is not a capture, and a
 * file cut inside its header get CAPTURE_ERR_FILE_MISSING, _FORMAT and
 * _TRUNCATED with a message naming the file.
 */
int capture_open_file(const char *path, struct capture **out, char *err, size_t errlen);

/* Applies a BPF filter text (a live capture has one already). 0 or
 * CAPTURE_ERR_FILTER with the message in err. */
int capture_set_filter(struct capture *c, const char *expr, char *err, size_t errlen);

/* Called once per packet; data lives only until the callback returns. */
typedef void (*capture_cb)(void *ctx, uint64_t ts_us, int dlt, const uint8_t *data,
			   size_t caplen);

/*
 * Reads what is there without blocking (a file: up to CAPTURE_FILE_BATCH
 * packets) and calls cb for each. Returns how many packets were delivered,
 * or a negative enum capture_error (CAPTURE_ERR_FILE_TRUNCATED when a file
 * ends inside a packet, after the whole packets before it were delivered);
 * capture_last_error() then has the message.
 */
int capture_dispatch(struct capture *c, capture_cb cb, void *ctx);

/* A file whose every packet has been delivered; always false when live. */
bool capture_at_end(const struct capture *c);

/* The fd to poll() for POLLIN on a live capture, -1 for a file. */
int capture_fd(const struct capture *c);

/* The link type packets come with. */
int capture_datalink(const struct capture *c);

/* The interface name, or NULL for a file; lives as long as c. */
const char *capture_iface(const struct capture *c);

/* The BPF filter text in force, "" when none; lives as long as c. */
const char *capture_filter(const struct capture *c);

/* The message of the last failed call on c, "" when none; lives as long as c
 * and until the next call. */
const char *capture_last_error(const struct capture *c);

struct capture_stats {
	uint64_t delivered;	/* packets handed to callbacks */
	bool kernel;		/* the next three come from pcap_stats (live only) */
	unsigned received;	/* passed the filter, counted from when it was set
				 * (before, the socket took every packet) */
	unsigned dropped;	/* dropped for lack of buffer space, since then */
	unsigned if_dropped;	/* dropped by the interface or driver */
};

/* Fills st; returns 0, or CAPTURE_ERR_ARG on NULL. */
int capture_stats(struct capture *c, struct capture_stats *st);

/* NULL-safe; closes the pcap handle and its fd. */
void capture_free(struct capture *c);

/* Writes the sentence for a capture refused for lack of privilege: run with
 * sudo, or give the executable at exe (NULL: /proc/self/exe) CAP_NET_RAW, the
 * one capability a capture needs, with setcap. Used by capture_open_live(); public for tests. */
void capture_perm_hint(const char *ifname, const char *exe, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Parser for Linux /proc/net/tcp and /proc/net/tcp6: who listens where.
 *
 * Pure: the caller reads the file and hands the bytes in. The kernel prints
 * each address as 32-bit words in the byte order of the machine, so the
 * caller says which order the text came from (proc_net_host_order() for the
 * running machine; recorded fixtures state theirs).
 *
 * Limits, by the nature of the file:
 *  - whether a tcp6 socket on :: is IPV6_V6ONLY cannot be told from here
 *    (a v6-only [::]:22 and a dual-stack one look the same); ask ss or
 *    /proc/sys/net/ipv6/bindv6only and the socket owner for that;
 *  - the owning process is not named, only the socket inode, which the
 *    caller can look up in /proc/PID/fd.
 */
#ifndef SSHD_PARSE_PROC_NET_H
#define SSHD_PARSE_PROC_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* TCP states as the kernel numbers them (include/net/tcp_states.h). */
#define PROC_NET_TCP_LISTEN 0x0a

enum proc_net_order {
	PROC_NET_LITTLE_ENDIAN,
	PROC_NET_BIG_ENDIAN,
};

struct proc_net_socket {
	int family;		/* AF_INET or AF_INET6 */
	unsigned state;		/* PROC_NET_TCP_LISTEN for listeners */
	/*
	 * Local address as text, e.g. "127.0.0.1", "::", "::1". An IPv4-mapped
	 * tcp6 address (::ffff:a.b.c.d) is shown as "::ffff:a.b.c.d" and
	 * v4mapped is set; v4 then holds the plain "a.b.c.d".
	 */
	char addr[48];
	char v4[16];
	bool v4mapped;
	bool wildcard;		/* 0.0.0.0 or :: */
	bool loopback;		/* 127.0.0.0/8, ::1 or ::ffff:127.x */
	unsigned port;		/* local port */
	char remote[48];
	unsigned remote_port;
	unsigned uid;
	unsigned long inode;
	unsigned line;		/* 1-based line in the input */
};

/* A list of sockets. Lives inside another struct: _init / _release. */
struct proc_net_table {
	struct proc_net_socket *v;
	size_t n;
	size_t alloc;
	unsigned bad_lines;	/* lines that were not understood (skipped) */
};

void proc_net_table_init(struct proc_net_table *t);
void proc_net_table_release(struct proc_net_table *t);

/* The byte order of the machine this runs on. */
enum proc_net_order proc_net_host_order(void);

/*
 * Appends the sockets of one /proc/net/tcp (family AF_INET) or tcp6
 * (AF_INET6) text to t; with listen_only, only state 0A (LISTEN) rows.
 * Returns 0, or -1 when family is neither or the text has no header line.
 * Rows that cannot be read are counted in t->bad_lines, not errors.
 */
int proc_net_parse(struct proc_net_table *t, const char *buf, size_t len, int family,
		   enum proc_net_order order, bool listen_only);

/*
 * Returns the first listener in t on port that accepts connections to
 * address addr (text, v4 or v6; NULL means any address): an exact address,
 * a wildcard of the same family, or "::" for an IPv4 address (dual-stack
 * assumed, see the header comment). NULL when none; points into t.
 */
const struct proc_net_socket *proc_net_find_listener(const struct proc_net_table *t,
						     const char *addr, unsigned port);

#endif

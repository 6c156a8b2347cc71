/* SPDX-License-Identifier: MIT */
/* The Linux table's functions, one file per concern (linux-*.c), and the
 * pure readers of the kernel's netlink answers, which the unit tests drive
 * with built messages. Private to engine/os/linux/ and its tests. */
#ifndef SSHD_OS_LINUX_H
#define SSHD_OS_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/os/os.h"

/* linux-service.c: PID 1, systemctl or the init's files, /proc's sshds. */
void linux_service_read(struct server_facts *f, struct os_trace *t);
/* Its systemd part: systemctl show about ssh.service, sshd.service and
 * ssh.socket fills the unit and socket facts. */
void linux_systemd_read(struct server_facts *f, struct os_trace *t);
/* linux-package.c: dpkg-query, else rpm. */
void linux_package_read(struct server_facts *f, struct os_trace *t);
/* linux-listen.c: sock_diag, else /proc/net/tcp; owners from /proc/PID/fd. */
int linux_listeners_read(struct server_facts *f, struct os_trace *t, const char **why);
int linux_connections_read(struct os_sock_list *l);
/* Appends the TCP sockets of family (AF_INET, AF_INET6) in the states of the
 * bit mask (1 << state) to l, asked of sock_diag. 0 or a negative errno. */
int linux_diag_tcp(int family, uint32_t states, struct os_sock_list *l);
/* linux-firewall.c: iptables-save, ip6tables-save, nft, ufw, firewalld. */
void linux_firewall_read(const struct server_facts *f, struct os_fw_list *out);
/* linux-log.c: the journal, auth.log, secure, the running sshd's own files. */
void linux_log_read(struct server_facts *f, struct os_log_list *out);

/* linux-neigh.c: rtnetlink's route lookup and neighbour table. */
int neigh_next_hop(const struct sockaddr_storage *sa, struct neigh_hop *hop);
enum neigh_state neigh_lookup(const struct neigh_hop *hop);
/* net.ipv4/ipv6.neigh.IF.retrans_time_ms, in ms; 1000 when unreadable. */
int neigh_retrans_ms(int family, const char *ifname);
/* Pure: reads the kernel's answer to an RTM_GETNEIGH request (len bytes of
 * netlink messages). Returns 0 with *nud set to the entry's NUD_* bits, or a
 * negative errno (-ENOENT: no entry; -EINVAL: not a neighbour answer). */
int neigh_parse_answer(const void *buf, size_t len, uint16_t *nud);
/* Pure: what NUD_* bits mean for reachability. */
enum neigh_state neigh_state_from_nud(uint16_t nud);

/* linux-selinux.c */
void linux_selinux_read(struct server_facts *f, bool ports, struct os_trace *t);

#endif

/* SPDX-License-Identifier: MIT */
/* Numeric addresses as text, compared as addresses (192.0.2.1 and
 * ::ffff:192.0.2.1 are one), and whether a name names this machine. Pure:
 * the caller reads /etc/hosts and the local addresses (engine/os/). */
#ifndef SSHD_PARSE_ADDRESS_H
#define SSHD_PARSE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util.h"

/* Parses text into 16 bytes (IPv4 as ::ffff:a.b.c.d) so forms compare
 * equal; false when text is no numeric address. */
bool addr_key(const char *text, unsigned char key[16]);

/* True when addr (numeric text) is one of list's, compared as addresses. */
bool srv_addr_in(const struct strv *list, const char *addr);

/* True when one of resolved is in local (compared as addresses). */
bool server_addrs_are_local(const struct strv *resolved, const struct strv *local);

/* Whether host names this machine: a literal address of local,
 * "localhost", hostname (this machine's name, or NULL), or a name that
 * hosts_text (the contents of /etc/hosts, or NULL) gives one of local's
 * addresses. Sends nothing. */
bool server_name_is_local(const char *host, const char *hostname, const char *hosts_text,
			  size_t hosts_len, const struct strv *local);

#endif

/* SPDX-License-Identifier: MIT */
/* Looking a name up in a hosts file, to say where an address came from. */
#ifndef SSHD_HOSTS_FILE_H
#define SSHD_HOSTS_FILE_H

#include <stddef.h>

#include "engine/util.h"

/* Adds to addrs every address that text (the contents of /etc/hosts) gives
 * name, in file order; names compare without case. Pure. Returns how many. */
size_t hosts_file_lookup(const char *text, size_t len, const char *name, struct strv *addrs);

/* Adds to servers the "nameserver" addresses of a resolv.conf text. Pure. */
size_t resolv_conf_servers(const char *text, size_t len, struct strv *servers);

#endif

/* SPDX-License-Identifier: MIT */
/* sshd's own command line: the options that say where its configuration,
 * port and log are. Pure. */
#ifndef SSHD_PARSE_SSHD_ARGS_H
#define SSHD_PARSE_SSHD_ARGS_H

#include <stddef.h>

#include "engine/server.h"

/* Reads sshd's -f, -p, -o and -E from /proc/PID/cmdline's bytes into p:
 * NUL-separated arguments, or the title sshd sets ("sshd: /usr/sbin/sshd
 * -D -f FILE [listener] ..."). pid, cmdline and the flags are left alone;
 * p's strings are p's own (freed with the facts). */
void srv_proc_parse_args(struct srv_proc *p, const char *cmdline, size_t len);

#endif

/* SPDX-License-Identifier: MIT */
/* The macOS table's functions, one file per concern (macos-*.c). Compiled
 * into the Linux test build too and tested there from recorded outputs;
 * private to engine/os/macos/. */
#ifndef SSHD_OS_MACOS_H
#define SSHD_OS_MACOS_H

#include "engine/os/os.h"

/* macos-service.c: systemsetup -getremotelogin and launchctl print. */
void macos_service_read(struct server_facts *f, struct os_trace *t);
/* macos-listen.c: lsof. */
int macos_listeners_read(struct server_facts *f, struct os_trace *t, const char **why);
/* macos-firewall.c: the application firewall (socketfilterfw). */
void macos_firewall_read(const struct server_facts *f, struct os_fw_list *out);
/* macos-log.c: the unified log (log show) and /var/log/system.log. */
void macos_log_read(struct server_facts *f, struct os_log_list *out);

#endif

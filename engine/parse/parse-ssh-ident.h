/* SPDX-License-Identifier: MIT */
/* Which system a server runs, as far as its SSH identification string
 * tells: the platform a fix for that server is written for. */
#ifndef SSHD_PARSE_SSH_IDENT_H
#define SSHD_PARSE_SSH_IDENT_H

/* Decides the server's platform from its identification line ("SSH-2.0-
 * OpenSSH_9.2p1 Debian-2+deb12u3"): "debian" (Debian, Raspbian), "ubuntu"
 * (Debian-like, with its own ssh.socket), "freebsd", "windows", or NULL
 * when the line does not say (upstream OpenSSH as RHEL, Fedora, Arch and
 * macOS ship it carries no distribution's mark). A static string. Pure. */
const char *platform_from_ssh_ident(const char *ident);

#endif

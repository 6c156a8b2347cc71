/* SPDX-License-Identifier: MIT */
/* Which kind of Linux system this is, for the commands a person would
 * type: read from an os-release file (the OS layer reads the file). */
#ifndef SSHD_PARSE_OS_RELEASE_H
#define SSHD_PARSE_OS_RELEASE_H

/* Decides the platform from the text of an os-release file: "debian"
 * (Debian, Ubuntu and derivatives), "rhel" (RHEL, Fedora, CentOS, Rocky,
 * Alma...), or "linux". A static string. Pure. */
const char *platform_from_os_release(const char *text);

#endif

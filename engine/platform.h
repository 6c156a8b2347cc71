/* Which kind of system this is, for the commands a person would type. */
#ifndef SSHD_PLATFORM_H
#define SSHD_PLATFORM_H

/* "debian" (Debian, Ubuntu and derivatives), "rhel" (RHEL, Fedora, CentOS,
 * Rocky, Alma...), "macos", or "linux". A static string. */
const char *platform_name(void);

/* Decides the platform from the text of an os-release file. Pure. */
const char *platform_from_os_release(const char *text);

#endif

/* SPDX-License-Identifier: MIT */
/* The server's platform from its SSH identification string. Pure. */
#include <string.h>
#include <strings.h>

#include "engine/parse/parse-ssh-ident.h"

/* The marks distributions put into OpenSSH's identification: a word that
 * starts the comment after the version ("Debian-2+deb12u3"), or the
 * version's own suffix ("OpenSSH_for_Windows_9.5"). */
static const struct {
	const char *mark;
	const char *platform;
} marks[] = {
	{"Ubuntu-", "ubuntu"},
	{"Debian-", "debian"},
	{"Raspbian-", "debian"},
	{"FreeBSD-", "freebsd"},
};

const char *platform_from_ssh_ident(const char *ident)
{
	const char *soft, *sp;

	if (ident == NULL || strncmp(ident, "SSH-", 4) != 0)
		return NULL;
	/* SSH-protoversion-softwareversion SP comments */
	soft = strchr(ident + 4, '-');
	if (soft == NULL)
		return NULL;
	soft++;
	if (strncasecmp(soft, "OpenSSH_for_Windows", 19) == 0)
		return "windows";
	sp = strchr(soft, ' ');
	if (sp == NULL)
		return NULL;
	for (sp++; *sp == ' '; sp++)
		;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strncmp(sp, marks[i].mark, strlen(marks[i].mark)) == 0)
			return marks[i].platform;
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/* Which kind of Linux system this is, from its os-release file. Pure. */
#include <string.h>

#include "engine/parse/parse-os-release.h"
#include "engine/util.h"

/* True when the space-separated list has word (quotes already removed). */
static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

const char *platform_from_os_release(const char *text)
{
	char ids[512] = "";
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if ((n > 3 && strncmp(p, "ID=", 3) == 0) || (n > 8 && strncmp(p, "ID_LIKE=", 8) == 0)) {
			const char *v = p[2] == '=' ? p + 3 : p + 8;
			size_t len = strlen(ids);

			for (; v < p + n && len + 2 < sizeof(ids); v++)
				if (*v != '"' && *v != '\'')
					ids[len++] = (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v);
			/* a full list takes no more words, not even their separator */
			if (len + 1 < sizeof(ids)) {
				ids[len++] = ' ';
				ids[len] = '\0';
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	if (list_has(ids, "debian") || list_has(ids, "ubuntu"))
		return "debian";
	if (list_has(ids, "rhel") || list_has(ids, "fedora") || list_has(ids, "centos"))
		return "rhel";
	return "linux";
}

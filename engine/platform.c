/* Which kind of system this is. */
#include <stdio.h>
#include <string.h>

#include "engine/platform.h"
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

const char *platform_name(void)
{
#ifdef __APPLE__
	return "macos";
#else
	static const char *cached;
	char buf[4096];
	FILE *f;
	size_t n;

	if (cached != NULL)
		return cached;
	f = fopen("/etc/os-release", "r");
	if (f == NULL)
		f = fopen("/usr/lib/os-release", "r");
	if (f == NULL)
		return cached = "linux";
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return cached = platform_from_os_release(buf);
#endif
}

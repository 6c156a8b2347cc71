/* SPDX-License-Identifier: MIT */
/* /etc/hosts and /etc/resolv.conf, read as text. */
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "engine/parse/hosts-file.h"

/* Splits one line into white-space separated words, up to max. */
static size_t split_words(const char *line, size_t n, const char **w, size_t *wl, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n && count < max) {
		while (i < n && isspace((unsigned char)line[i]))
			i++;
		if (i >= n || line[i] == '#')
			break;
		w[count] = line + i;
		while (i < n && !isspace((unsigned char)line[i]) && line[i] != '#')
			i++;
		wl[count] = (size_t)(line + i - w[count]);
		count++;
	}
	return count;
}

size_t hosts_file_lookup(const char *text, size_t len, const char *name, struct strv *addrs)
{
	const char *p = text, *end = text + len;
	size_t found = 0, nl_name = strlen(name);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *w[64];
		size_t wl[64], count = split_words(p, n, w, wl, 64);

		for (size_t k = 1; k < count; k++)
			if (wl[k] == nl_name && strncasecmp(w[k], name, nl_name) == 0) {
				char *a = xstrndup(w[0], wl[0]);

				if (!strv_contains(addrs, a)) {
					strv_push_owned(addrs, a);
					found++;
				} else {
					free(a);
				}
				break;
			}
		p = nl ? nl + 1 : end;
	}
	return found;
}

size_t resolv_conf_servers(const char *text, size_t len, struct strv *servers)
{
	const char *p = text, *end = text + len;
	size_t found = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *w[4];
		size_t wl[4], count = split_words(p, n, w, wl, 4);

		if (count >= 2 && wl[0] == 10 && strncmp(w[0], "nameserver", 10) == 0) {
			strv_push_owned(servers, printable(w[1], wl[1], false));
			found++;
		}
		p = nl ? nl + 1 : end;
	}
	return found;
}

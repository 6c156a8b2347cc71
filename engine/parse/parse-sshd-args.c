/* SPDX-License-Identifier: MIT */
/* sshd's command line, as /proc/PID/cmdline or ps gives it: the options
 * that say where its configuration, port and log are. Pure. */
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-sshd-args.h"

/* Splits a command line into words: NUL-separated arguments, or the one
 * title sshd gives itself ("sshd: /usr/sbin/sshd -D -f F [listener] 0 of
 * 10-100 startups"), whose words are separated by spaces. */
static void cmdline_split(const char *cmdline, size_t len, struct strv *argv)
{
	const char *lead = "sshd: ";
	size_t first = strnlen(cmdline, len), i = 0;

	if (first + 1 >= len && first > strlen(lead) && strncmp(cmdline, lead, strlen(lead)) == 0) {
		char *title = xstrndup(cmdline + strlen(lead), first - strlen(lead));
		char *end = strstr(title, " [listener]"), *save = NULL;

		if (end != NULL)
			*end = '\0';
		for (char *w = strtok_r(title, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
			strv_push_owned(argv, printable(w, strlen(w), true));
		free(title);
		return;
	}
	while (i < len) {
		size_t n = strnlen(cmdline + i, len - i);

		strv_push_owned(argv, printable(cmdline + i, n, true));
		i += n + 1;
	}
}

void srv_proc_parse_args(struct srv_proc *p, const char *cmdline, size_t len)
{
	struct strv argv;

	strv_init(&argv);
	cmdline_split(cmdline, len, &argv);
	for (size_t k = 1; k < argv.n; k++) {
		const char *a = argv.v[k];
		/* sshd's getopt: flags may be bundled ("-De"), an option's value
		 * follows it at once ("-p2222") or as the next word */
		if (a[0] != '-' || a[1] == '\0')
			continue;
		for (size_t c = 1; a[c] != '\0'; c++) {
			char opt = a[c];
			const char *val;

			/* the options of sshd(8) that take a value */
			if (strchr("cCEfghkopu", opt) == NULL)
				continue;
			val = a[c + 1] ? a + c + 1 : (k + 1 < argv.n ? argv.v[++k] : NULL);
			if (val == NULL)
				break;
			if (opt == 'f') {
				free(p->config);
				p->config = xstrdup(val);
			} else if (opt == 'p') {
				p->port = atoi(val);
			} else if (opt == 'o') {
				strv_push(&p->options, val);
			} else if (opt == 'E') {
				free(p->logfile);
				p->logfile = xstrdup(val);
			}
			break;
		}
	}
	strv_release(&argv);
}

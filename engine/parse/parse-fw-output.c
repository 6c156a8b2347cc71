/* SPDX-License-Identifier: MIT */
/* This machine's own outbound rules, from iptables-save text. Pure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-firewall.h"
#include "engine/parse/parse-fw-output.h"
#include "engine/util.h"

#define OUT_MAX_DEPTH 8
#define OUT_MAX_WORDS 64

void fw_out_rule_release(struct fw_out_rule *r)
{
	free(r->text);
	free(r->chain);
	memset(r, 0, sizeof(*r));
}

/* The filter table's lines, one string each. */
struct listing {
	struct strv lines;
};

/* True when the comma-separated port list (or "a:b" ranges) holds port. */
static int ports_hold(const char *list, int port)
{
	char *copy = xstrdup(list), *save = NULL;
	int hit = 0;

	for (char *p = strtok_r(copy, ",", &save); p != NULL && !hit; p = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(p, ':');
		long lo = strtol(p, NULL, 10), hi = colon ? strtol(colon + 1, NULL, 10) : lo;

		if (colon && colon == p)
			lo = 0;
		if (colon && colon[1] == '\0')
			hi = 65535;
		hit = port >= lo && port <= hi;
	}
	free(copy);
	return hit;
}

enum match { NO_MATCH, MATCH, MATCH_MAYBE };

/* Judges one "-A CHAIN ..." rule for a new TCP connection to dst:port;
 * sets *target to the word after -j (or -g), or NULL. */
static enum match rule_match(char **w, size_t n, const char *dst, int port, const char **target)
{
	enum match m = MATCH;

	*target = NULL;
	for (size_t i = 2; i < n; i++) {
		int neg = 0;

		if (strcmp(w[i], "!") == 0 && i + 1 < n) {
			neg = 1;
			i++;
		}
		if ((strcmp(w[i], "-j") == 0 || strcmp(w[i], "-g") == 0) && i + 1 < n) {
			*target = w[++i];
			/* the target's own options follow: not matches */
			break;
		} else if (strcmp(w[i], "-p") == 0 && i + 1 < n) {
			int tcp = strcmp(w[++i], "tcp") == 0 || strcmp(w[i], "6") == 0 || strcmp(w[i], "all") == 0;

			if (tcp == neg)
				return NO_MATCH;
		} else if ((strcmp(w[i], "-d") == 0) && i + 1 < n) {
			int in = fw_addr_match(w[++i], dst);

			if (in == neg)
				return NO_MATCH;
		} else if ((strcmp(w[i], "--dport") == 0 || strcmp(w[i], "--destination-port") == 0 ||
			    strcmp(w[i], "--dports") == 0 || strcmp(w[i], "--destination-ports") == 0) && i + 1 < n) {
			int in = ports_hold(w[++i], port);

			if (in == neg)
				return NO_MATCH;
		} else if (strcmp(w[i], "-m") == 0 && i + 1 < n) {
			const char *mod = w[++i];

			/* module names: tcp and multiport are judged by their options */
			if (strcmp(mod, "tcp") != 0 && strcmp(mod, "multiport") != 0 &&
			    strcmp(mod, "comment") != 0 && strcmp(mod, "conntrack") != 0 &&
			    strcmp(mod, "state") != 0)
				m = MATCH_MAYBE;
		} else if ((strcmp(w[i], "--ctstate") == 0 || strcmp(w[i], "--state") == 0) && i + 1 < n) {
			/* a new connection's first SYN is NEW */
			int in = strstr(w[++i], "NEW") != NULL;

			if (in == neg)
				return NO_MATCH;
		} else if (strcmp(w[i], "--comment") == 0 && i + 1 < n) {
			i++;
		} else if (strcmp(w[i], "--tcp-flags") == 0 && i + 2 < n) {
			i += 2;
			m = MATCH_MAYBE;
		} else if (strcmp(w[i], "--syn") == 0) {
			if (neg)
				return NO_MATCH;
		} else if (w[i][0] == '-') {
			/* -s, -o, --sport, --uid-owner ...: not judged */
			if (i + 1 < n && w[i + 1][0] != '-')
				i++;
			m = MATCH_MAYBE;
		}
	}
	return m;
}

/* Splits line into words (iptables-save quotes comments with "). */
static size_t split_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p == '"') {
			w[n++] = ++p;
			while (*p && *p != '"')
				p++;
		} else {
			w[n++] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Walks chain; returns 1 (found, r filled), 0 (falls through), 2 (a sure
 * ACCEPT ends it). */
static int walk(const struct strv *lines, const char *chain, const char *dst, int port, int depth,
		int conditional, struct fw_out_rule *r)
{
	char prefix[128];
	size_t plen;

	if (depth > OUT_MAX_DEPTH)
		return 0;
	snprintf(prefix, sizeof(prefix), "-A %s ", chain);
	plen = strlen(prefix);
	for (size_t i = 0; i < lines->n; i++) {
		char *copy, *w[OUT_MAX_WORDS];
		const char *target;
		enum match m;
		size_t n;
		int res = 0;

		if (strncmp(lines->v[i], prefix, plen) != 0)
			continue;
		copy = xstrdup(lines->v[i]);
		n = split_words(copy, w, OUT_MAX_WORDS);
		m = rule_match(w, n, dst, port, &target);
		if (m != NO_MATCH && target != NULL) {
			if (strcmp(target, "DROP") == 0 || strcmp(target, "REJECT") == 0) {
				r->text = printable(lines->v[i], strlen(lines->v[i]), false);
				r->chain = xstrdup(chain);
				r->is_policy = 0;
				r->conditional = conditional || m == MATCH_MAYBE;
				res = 1;
			} else if (strcmp(target, "ACCEPT") == 0) {
				res = m == MATCH ? 2 : 0;
			} else if (strcmp(target, "RETURN") == 0) {
				res = m == MATCH ? 3 : 0;
			} else if (strcmp(target, "LOG") != 0 && strcmp(target, "MARK") != 0 &&
				   strcmp(target, "CONNMARK") != 0) {
				char *sub = xstrdup(target);

				res = walk(lines, sub, dst, port, depth + 1, conditional || m == MATCH_MAYBE, r);
				if (res == 3)
					res = 0;
				free(sub);
			}
		}
		free(copy);
		if (res != 0)
			return res;
	}
	return 0;
}

int fw_out_find(const char *buf, size_t len, const char *dst, int port, struct fw_out_rule *r)
{
	char *text, *pos, *line;
	struct strv lines;
	int in_filter = 0, seen_filter = 0, res;
	char policy[32] = "";

	memset(r, 0, sizeof(*r));
	if (buf == NULL || dst == NULL)
		return -1;
	text = xstrndup(buf, len);
	strv_init(&lines);
	pos = text;
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);

		if (*l == '*') {
			in_filter = strcmp(l, "*filter") == 0;
			seen_filter |= in_filter;
		} else if (in_filter && strncmp(l, ":OUTPUT ", 8) == 0) {
			snprintf(policy, sizeof(policy), "%.*s", (int)strcspn(l + 8, " "), l + 8);
		} else if (in_filter && strncmp(l, "-A ", 3) == 0) {
			strv_push(&lines, l);
		}
	}
	free(text);
	if (!seen_filter) {
		strv_release(&lines);
		return -1;
	}
	res = walk(&lines, "OUTPUT", dst, port, 0, 0, r);
	strv_release(&lines);
	if (res == 1)
		return 1;
	if (res == 0 && strcmp(policy, "DROP") == 0) {
		r->text = xstrdup(":OUTPUT DROP");
		r->chain = xstrdup("OUTPUT");
		r->is_policy = 1;
		return 1;
	}
	return 0;
}

char *fw_out_fix_command(const struct fw_out_rule *r, int family, const char *dst, int port)
{
	const char *tool = family == 6 ? "ip6tables" : "iptables";

	if (r->is_policy)
		return xasprintf("sudo %s -I OUTPUT -p tcp -d %s --dport %d -j ACCEPT", tool, dst, port);
	if (strncmp(r->text, "-A ", 3) != 0)
		return NULL;
	return xasprintf("sudo %s -D %s", tool, r->text + 3);
}

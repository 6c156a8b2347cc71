/* SPDX-License-Identifier: MIT */
/* Parsing a practice-lab scenario file (see parse-scenario.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assets.h"
#include "engine/parse/parse-scenario.h"

static const char *const host_names[LAB_NHOSTS] = {"client", "router", "server"};

const char *lab_host_name(enum lab_host h)
{
	return h < LAB_NHOSTS ? host_names[h] : "?";
}

int lab_split_words(const char *s, struct strv *out)
{
	struct strbuf w;
	bool in_word = false, quoted = false;

	strbuf_init(&w);
	for (; *s; s++) {
		if (*s == '"') {
			quoted = !quoted;
			in_word = true;
			continue;
		}
		if (!quoted && (*s == ' ' || *s == '\t')) {
			if (in_word)
				strv_push(out, w.buf);
			strbuf_reset(&w);
			in_word = false;
			continue;
		}
		strbuf_addch(&w, *s);
		in_word = true;
	}
	if (in_word && !quoted)
		strv_push(out, w.buf);
	strbuf_release(&w);
	return quoted ? -1 : 0;
}

/* A port number 1..65535, all digits; -1 otherwise. */
static int parse_port(const char *s)
{
	long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (*p - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : -1;
}

static bool id_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static struct lab_op *op_add(struct lab_scenario *sc, enum lab_op_kind kind, enum lab_host host,
			     unsigned line)
{
	struct lab_op *op;

	sc->ops = xrealloc(sc->ops, (sc->nops + 1) * sizeof(*sc->ops));
	op = &sc->ops[sc->nops++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->host = host;
	op->line = line;
	strv_init(&op->args);
	return op;
}

/* One [stage] line, "HOST.WHAT: ARGS", already trimmed and not empty. */
static int parse_directive(struct lab_scenario *sc, const char *name, unsigned line,
			   char *l, struct strbuf *err)
{
	char *colon = strchr(l, ':'), *dot, *what, *args;
	enum lab_host host = LAB_NHOSTS;
	struct strv w;
	int rc = -1;

	strv_init(&w);
	if (colon == NULL) {
		strbuf_addf(err, "%s: line %u: expected 'HOST.WHAT: ARGS', e.g. 'server.sshd: port 2222'",
			    name, line);
		goto out;
	}
	*colon = '\0';
	args = str_trim(colon + 1);
	dot = strchr(l, '.');
	if (dot == NULL) {
		strbuf_addf(err, "%s: line %u: '%s' names no host: write HOST.WHAT, e.g. server.iptables",
			    name, line, l);
		goto out;
	}
	*dot = '\0';
	what = dot + 1;
	for (int h = 0; h < LAB_NHOSTS; h++)
		if (strcmp(l, host_names[h]) == 0)
			host = (enum lab_host)h;
	if (host == LAB_NHOSTS) {
		strbuf_addf(err, "%s: line %u: unknown host '%s': use client, router or server",
			    name, line, l);
		goto out;
	}
	if (lab_split_words(args, &w) != 0) {
		strbuf_addf(err, "%s: line %u: a double quote is not closed", name, line);
		goto out;
	}
	if (strcmp(what, "iptables") == 0 || strcmp(what, "ip6tables") == 0 || strcmp(what, "nft") == 0) {
		struct lab_op *op;

		if (w.n == 0) {
			strbuf_addf(err, "%s: line %u: %s.%s needs the tool's arguments, e.g. '-A INPUT -p tcp --dport 22 -j DROP'",
				    name, line, lab_host_name(host), what);
			goto out;
		}
		op = op_add(sc, what[0] == 'n' ? LAB_OP_NFT : what[2] == '6' ? LAB_OP_IP6TABLES : LAB_OP_IPTABLES,
			    host, line);
		strv_copy(&op->args, &w);
		rc = 0;
		goto out;
	}
	if (strcmp(what, "sshd") == 0 && host == LAB_SERVER) {
		int port;

		if (w.n == 1 && strcmp(w.v[0], "stopped") == 0) {
			op_add(sc, LAB_OP_SSHD_STOPPED, host, line);
			rc = 0;
		} else if (w.n == 2 && strcmp(w.v[0], "port") == 0 && (port = parse_port(w.v[1])) > 0) {
			op_add(sc, LAB_OP_SSHD_PORT, host, line)->num = port;
			rc = 0;
		} else if (w.n >= 2 && strcmp(w.v[0], "config") == 0) {
			/* the line as written, quotes and all */
			const char *text = str_trim(args + strlen("config"));

			op_add(sc, LAB_OP_SSHD_CONFIG, host, line)->text = xstrdup(text);
			rc = 0;
		} else {
			strbuf_addf(err, "%s: line %u: server.sshd takes 'stopped', 'port N' (1-65535) or 'config LINE'",
				    name, line);
		}
		goto out;
	}
	if ((strcmp(what, "hosts.allow") == 0 || strcmp(what, "hosts.deny") == 0) && host == LAB_SERVER) {
		if (*args == '\0') {
			strbuf_addf(err, "%s: line %u: server.%s needs a line, e.g. 'sshd: ALL'", name, line, what);
			goto out;
		}
		op_add(sc, what[6] == 'a' ? LAB_OP_HOSTS_ALLOW : LAB_OP_HOSTS_DENY, host, line)->text = xstrdup(args);
		rc = 0;
		goto out;
	}
	if (strcmp(what, "listen") == 0 && host == LAB_SERVER) {
		int port = w.n == 2 ? parse_port(w.v[1]) : -1;

		if (port > 0 && (strcmp(w.v[0], "http") == 0 || strcmp(w.v[0], "close") == 0)) {
			op_add(sc, w.v[0][0] == 'h' ? LAB_OP_LISTEN_HTTP : LAB_OP_LISTEN_CLOSE, host, line)->num = port;
			rc = 0;
		} else {
			strbuf_addf(err, "%s: line %u: server.listen takes 'http PORT' or 'close PORT'", name, line);
		}
		goto out;
	}
	if (strcmp(what, "resolve") == 0 && host == LAB_CLIENT) {
		if (w.n == 1 && strcmp(w.v[0], "none") == 0) {
			op_add(sc, LAB_OP_RESOLVE_NONE, host, line);
			rc = 0;
		} else if (w.n == 1 && strspn(w.v[0], "0123456789.:abcdefABCDEF{}_") == strlen(w.v[0])) {
			op_add(sc, LAB_OP_RESOLVE_ADDR, host, line)->text = xstrdup(w.v[0]);
			rc = 0;
		} else {
			strbuf_addf(err, "%s: line %u: client.resolve takes 'none' or an address", name, line);
		}
		goto out;
	}
	if (strcmp(what, "hold-ssh") == 0 && host == LAB_CLIENT) {
		int n = w.n == 1 ? parse_port(w.v[0]) : -1;

		if (n < 1 || n > 20) {
			strbuf_addf(err, "%s: line %u: client.hold-ssh takes a count of connections, 1-20", name, line);
			goto out;
		}
		op_add(sc, LAB_OP_HOLD_SSH, host, line)->num = n;
		rc = 0;
		goto out;
	}
	strbuf_addf(err, "%s: line %u: unknown directive '%s.%s' (see the list in assets/lab/README)",
		    name, line, lab_host_name(host), what);
out:
	strv_release(&w);
	return rc;
}

/* Walks the raw text for the [stage] section, so each directive keeps the
 * line number it has in the file. */
static int parse_stage(struct lab_scenario *sc, const char *name, const char *text, size_t len,
		       struct strbuf *err)
{
	const char *p = text, *end = text + len;
	bool in_stage = false;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *l = xstrndup(p, n), *t;
		int rc = 0;

		line++;
		p = nl ? nl + 1 : end;
		t = str_trim(l);
		if (t[0] == '[' && t[strlen(t) - 1] == ']')
			in_stage = strcmp(t, "[stage]") == 0;
		else if (in_stage && t[0] != '\0' && t[0] != '#')
			rc = parse_directive(sc, name, line, t, err);
		free(l);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static char *dup_or_null(const struct asset_doc *d, const char *key)
{
	const char *v = asset_doc_get(d, key);

	return v && *v ? xstrdup(v) : NULL;
}

int lab_scenario_parse(struct lab_scenario *sc, const char *name, const char *text, size_t len,
		       struct strbuf *err)
{
	struct asset_doc d;
	const char *level, *watch;
	int rc = -1;

	memset(sc, 0, sizeof(*sc));
	sc->file = xstrdup(name);
	if (asset_doc_parse(&d, name, text, len, err) != 0)
		goto fail;
	sc->id = dup_or_null(&d, "id");
	sc->title = dup_or_null(&d, "title");
	sc->cause = dup_or_null(&d, "cause");
	sc->expect_client = dup_or_null(&d, "expect.client");
	sc->expect_server = dup_or_null(&d, "expect.server");
	sc->expect_note = dup_or_null(&d, "expect.note");
	sc->target = dup_or_null(&d, "target");
	sc->story = dup_or_null(&d, "story");
	sc->hints = dup_or_null(&d, "hints");
	sc->explain = dup_or_null(&d, "explain");
	level = asset_doc_get(&d, "level");
	if (!id_ok(sc->id)) {
		strbuf_addf(err, "%s: needs an 'id:' line of lowercase letters, digits and '_'", name);
		goto out;
	}
	if (sc->title == NULL || sc->story == NULL) {
		strbuf_addf(err, "%s: needs a 'title:' line and a [story] section", name);
		goto out;
	}
	if (!id_ok(sc->cause) || !id_ok(sc->expect_client) || !id_ok(sc->expect_server)) {
		strbuf_addf(err, "%s: needs 'cause:', 'expect.client:' and 'expect.server:' lines, each a cause id such as port_closed",
			    name);
		goto out;
	}
	if (level == NULL || strlen(level) != 1 || level[0] < '1' || level[0] > '3') {
		strbuf_addf(err, "%s: needs a 'level:' line of 1, 2 or 3", name);
		goto out;
	}
	sc->level = level[0] - '0';
	if ((watch = asset_doc_get(&d, "watch")) != NULL) {
		char *end;
		long v = strtol(watch, &end, 10);

		if (*end != '\0' || v < 1 || v > 60) {
			strbuf_addf(err, "%s: 'watch:' is the seconds the server's console waits for the client's attempt, 1 to 60",
				    name);
			goto out;
		}
		sc->watch = (int)v;
	}
	if (sc->target == NULL)
		sc->target = xstrdup("lab-server");
	if (strspn(sc->target, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(sc->target)) {
		strbuf_addf(err, "%s: 'target:' is a host name of lowercase letters, digits, '.' and '-'", name);
		goto out;
	}
	if (parse_stage(sc, name, text, len, err) != 0)
		goto out;
	rc = 0;
out:
	asset_doc_release(&d);
fail:
	if (rc != 0)
		lab_scenario_release(sc);
	return rc;
}

void lab_scenario_release(struct lab_scenario *sc)
{
	free(sc->file);
	free(sc->id);
	free(sc->title);
	free(sc->cause);
	free(sc->expect_client);
	free(sc->expect_server);
	free(sc->expect_note);
	free(sc->target);
	free(sc->story);
	free(sc->hints);
	free(sc->explain);
	for (size_t i = 0; i < sc->nops; i++) {
		free(sc->ops[i].text);
		strv_release(&sc->ops[i].args);
	}
	free(sc->ops);
	memset(sc, 0, sizeof(*sc));
}

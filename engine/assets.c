/* SPDX-License-Identifier: MIT */
/* Loading and parsing the flow and teaching text of assets/. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/assets.h"

static void doc_add(struct asset_doc *doc, const char *key, size_t keylen,
		    const char *value, size_t valuelen)
{
	struct asset_field *f;

	doc->fields = xrealloc(doc->fields, (doc->nfields + 1) * sizeof(*doc->fields));
	f = &doc->fields[doc->nfields++];
	f->key = xstrndup(key, keylen);
	for (char *p = f->key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	f->value = xstrndup(value, valuelen);
	/* a file saved with CRLF must not put carriage returns on the screen */
	{
		char *r = f->value, *w = f->value;

		for (; *r; r++)
			if (!(r[0] == '\r' && r[1] == '\n'))
				*w++ = *r;
		*w = '\0';
	}
	/* trim the value in place, keeping inner line breaks */
	{
		char *t = str_trim(f->value);

		memmove(f->value, t, strlen(t) + 1);
	}
}

static bool key_char_ok(int c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

int asset_doc_parse(struct asset_doc *doc, const char *name, const char *text,
		    size_t len, struct strbuf *err)
{
	const char *p = text, *end = text + len;
	const char *section = NULL, *body = NULL;
	size_t sectionlen = 0;
	unsigned lineno = 0;

	memset(doc, 0, sizeof(*doc));
	doc->name = xstrdup(name);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *line = p;
		size_t linelen = (size_t)(eol - p);

		lineno++;
		p = nl ? nl + 1 : end;
		if (memchr(line, '\0', linelen) != NULL) {
			strbuf_addf(err, "%s: line %u: contains a NUL byte", name, lineno);
			goto fail;
		}
		if (linelen > 0 && line[linelen - 1] == '\r')
			linelen--;
		if (linelen >= 2 && line[0] == '[' && line[linelen - 1] == ']') {
			size_t k;

			for (k = 1; k < linelen - 1 && key_char_ok((unsigned char)line[k]); k++)
				;
			if (k == linelen - 1 && k > 1) {
				if (section != NULL)
					doc_add(doc, section, sectionlen, body, (size_t)(line - body));
				section = line + 1;
				sectionlen = linelen - 2;
				body = p;
				continue;
			}
		}
		if (section != NULL)
			continue;   /* part of the section body */
		if (linelen == 0 || line[0] == '#')
			continue;
		{
			const char *colon = memchr(line, ':', linelen);
			size_t k;

			if (colon == NULL || colon == line) {
				strbuf_addf(err, "%s: line %u: expected 'key: value' or '[section]'",
					    name, lineno);
				goto fail;
			}
			for (k = 0; line + k < colon; k++)
				if (!key_char_ok((unsigned char)line[k])) {
					strbuf_addf(err, "%s: line %u: a key may hold only letters, digits, '_', '-' and '.'",
						    name, lineno);
					goto fail;
				}
			doc_add(doc, line, (size_t)(colon - line), colon + 1,
				(size_t)(line + linelen - colon - 1));
		}
	}
	if (section != NULL)
		doc_add(doc, section, sectionlen, body, (size_t)(end - body));
	return 0;
fail:
	asset_doc_release(doc);
	return -1;
}

void asset_doc_release(struct asset_doc *doc)
{
	for (size_t i = 0; i < doc->nfields; i++) {
		free(doc->fields[i].key);
		free(doc->fields[i].value);
	}
	free(doc->fields);
	free(doc->name);
	memset(doc, 0, sizeof(*doc));
}

const char *asset_doc_get(const struct asset_doc *doc, const char *key)
{
	for (size_t i = 0; i < doc->nfields; i++)
		if (strcmp(doc->fields[i].key, key) == 0)
			return doc->fields[i].value;
	return NULL;
}

const char *asset_doc_get_for(const struct asset_doc *doc, const char *key,
			      const char *platform)
{
	if (platform != NULL) {
		char k[128];
		const char *v;

		snprintf(k, sizeof(k), "%s.%s", key, platform);
		if ((v = asset_doc_get(doc, k)) != NULL)
			return v;
	}
	return asset_doc_get(doc, key);
}

/* Reads one file of the override folder into sb. */
static int read_whole(const char *path, struct strbuf *sb, struct strbuf *err)
{
	FILE *f = fopen(path, "rb");
	char buf[4096];
	size_t n;

	if (f == NULL) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		strbuf_add(sb, buf, n);
		if (sb->len > 1024 * 1024) {
			strbuf_addf(err, "'%s' is larger than 1 MiB; is it the right file?", path);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static void flow_parse(struct strv *flow, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char *t = str_trim(line);

		if (*t && *t != '#')
			strv_push(flow, t);
		free(line);
		p += n + (nl ? 1 : 0);
	}
}

static int assets_add(struct assets *a, const char *name, const char *data,
		      size_t len, struct strbuf *err)
{
	const char *base = strrchr(name, '/');
	const char *dot = strrchr(name, '.');
	struct asset_doc doc;

	base = base ? base + 1 : name;
	if (dot == NULL)
		return 0;
	if (strcmp(dot, ".flow") == 0) {
		if (strcmp(base, "client.flow") == 0)
			flow_parse(&a->client_flow, data);
		else if (strcmp(base, "server.flow") == 0)
			flow_parse(&a->server_flow, data);
		else if (strcmp(base, "replay.flow") == 0)
			flow_parse(&a->replay_flow, data);
		return 0;
	}
	if (strcmp(dot, ".choices") == 0) {
		if (strcmp(base, "client.choices") == 0)
			flow_parse(&a->lab_client_choices, data);
		else if (strcmp(base, "server.choices") == 0)
			flow_parse(&a->lab_server_choices, data);
		return 0;
	}
	if (strcmp(base, "map.txt") == 0) {
		free(a->lab_map);
		a->lab_map = xstrndup(data, len);
		return 0;
	}
	if (strcmp(dot, ".scenario") == 0) {
		struct lab_scenario sc;

		if (lab_scenario_parse(&sc, name, data, len, err) != 0)
			return -1;
		if (assets_scenario(a, sc.id) != NULL) {
			strbuf_addf(err, "%s: another scenario has the id '%s' already", name, sc.id);
			lab_scenario_release(&sc);
			return -1;
		}
		a->scenarios = xrealloc(a->scenarios, (a->nscenarios + 1) * sizeof(*a->scenarios));
		a->scenarios[a->nscenarios++] = sc;
		return 0;
	}
	if (strcmp(base, "glossary.txt") == 0) {
		/* "term: text" lines; a term may hold spaces */
		struct strv lines;

		strv_init(&lines);
		flow_parse(&lines, data);
		for (size_t i = 0; i < lines.n; i++)
			if (strchr(lines.v[i], ':') != NULL)
				strv_push(&a->glossary, lines.v[i]);
		strv_release(&lines);
		return 0;
	}
	if (strcmp(dot, ".step") != 0 && strcmp(dot, ".cause") != 0)
		return 0;
	if (asset_doc_parse(&doc, name, data, len, err) != 0)
		return -1;
	if (asset_doc_get(&doc, "id") == NULL || asset_doc_get(&doc, "title") == NULL) {
		strbuf_addf(err, "%s: needs an 'id:' and a 'title:' line", name);
		asset_doc_release(&doc);
		return -1;
	}
	if (strcmp(dot, ".step") == 0) {
		a->steps = xrealloc(a->steps, (a->nsteps + 1) * sizeof(*a->steps));
		a->steps[a->nsteps++] = doc;
	} else {
		a->causes = xrealloc(a->causes, (a->ncauses + 1) * sizeof(*a->causes));
		a->causes[a->ncauses++] = doc;
	}
	return 0;
}

/* Walks dir (and one level of sub-folders) adding every asset file. */
static int assets_add_dir(struct assets *a, const char *dir, const char *rel,
			  int depth, struct strbuf *err)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	int rc = 0;

	snprintf(path, sizeof(path), "%s%s%s", dir, *rel ? "/" : "", rel);
	if ((d = opendir(path)) == NULL) {
		strbuf_addf(err, "cannot open assets folder '%s': %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char name[4096], full[8192];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		snprintf(full, sizeof(full), "%s/%s", dir, name);
		if (stat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 2)
				rc = assets_add_dir(a, dir, name, depth + 1, err);
		} else if (S_ISREG(st.st_mode)) {
			struct strbuf sb;

			strbuf_init(&sb);
			rc = read_whole(full, &sb, err);
			if (rc == 0)
				rc = assets_add(a, name, sb.buf, sb.len, err);
			strbuf_release(&sb);
		}
	}
	closedir(d);
	return rc;
}

static int scenario_cmp(const void *x, const void *y)
{
	const struct lab_scenario *a = x, *b = y;

	return a->level != b->level ? a->level - b->level : strcmp(a->id, b->id);
}

/* Every cause a scenario or a choice list names has its words. */
static int assets_check_lab(struct assets *a, struct strbuf *err)
{
	const struct strv *lists[] = {&a->lab_client_choices, &a->lab_server_choices};

	for (size_t i = 0; i < a->nscenarios; i++) {
		const struct lab_scenario *sc = &a->scenarios[i];
		const char *ids[] = {sc->cause, sc->expect_client, sc->expect_server};

		for (size_t k = 0; k < 3; k++)
			if (assets_cause(a, ids[k]) == NULL) {
				strbuf_addf(err, "%s: names the cause '%s', but no .cause file has that id",
					    sc->file, ids[k]);
				return -1;
			}
	}
	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++)
			if (assets_cause(a, lists[l]->v[i]) == NULL) {
				strbuf_addf(err, "lab/%s.choices names the cause '%s', but no .cause file has that id",
					    l == 0 ? "client" : "server", lists[l]->v[i]);
				return -1;
			}
	if (a->nscenarios > 1)
		qsort(a->scenarios, a->nscenarios, sizeof(*a->scenarios), scenario_cmp);
	return 0;
}

static int assets_check(struct assets *a, struct strbuf *err)
{
	const struct strv *flows[] = {&a->client_flow, &a->server_flow, &a->replay_flow};
	static const char *const names[] = {"client", "server", "replay"};

	if (a->client_flow.n == 0 && a->server_flow.n == 0) {
		strbuf_addstr(err, "no client.flow or server.flow in the assets");
		return -1;
	}
	for (size_t f = 0; f < 3; f++)
		for (size_t i = 0; i < flows[f]->n; i++)
			if (assets_step(a, flows[f]->v[i]) == NULL) {
				strbuf_addf(err, "%s.flow names step '%s', but no .step file has that id",
					    names[f], flows[f]->v[i]);
				return -1;
			}
	return assets_check_lab(a, err);
}

int assets_load(struct assets *a, const char *dir, struct strbuf *err)
{
	int rc = 0;

	memset(a, 0, sizeof(*a));
	strv_init(&a->client_flow);
	strv_init(&a->server_flow);
	strv_init(&a->replay_flow);
	strv_init(&a->glossary);
	strv_init(&a->lab_client_choices);
	strv_init(&a->lab_server_choices);
	if (dir != NULL) {
		a->origin = xstrdup(dir);
		rc = assets_add_dir(a, dir, "", 0, err);
	} else {
		a->origin = xstrdup("built in");
		for (const struct asset_file *f = assets_embedded; rc == 0 && f->name; f++)
			rc = assets_add(a, f->name, f->data, f->len, err);
	}
	if (rc == 0)
		rc = assets_check(a, err);
	if (rc != 0)
		assets_release(a);
	return rc;
}

void assets_release(struct assets *a)
{
	for (size_t i = 0; i < a->nsteps; i++)
		asset_doc_release(&a->steps[i]);
	for (size_t i = 0; i < a->ncauses; i++)
		asset_doc_release(&a->causes[i]);
	free(a->steps);
	free(a->causes);
	strv_release(&a->client_flow);
	strv_release(&a->server_flow);
	strv_release(&a->replay_flow);
	strv_release(&a->glossary);
	for (size_t i = 0; i < a->nscenarios; i++)
		lab_scenario_release(&a->scenarios[i]);
	free(a->scenarios);
	strv_release(&a->lab_client_choices);
	strv_release(&a->lab_server_choices);
	free(a->lab_map);
	free(a->origin);
	memset(a, 0, sizeof(*a));
}

static const struct asset_doc *find_doc(const struct asset_doc *docs, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = asset_doc_get(&docs[i], "id");

		if (v != NULL && strcmp(v, id) == 0)
			return &docs[i];
	}
	return NULL;
}

const struct asset_doc *assets_step(const struct assets *a, const char *id)
{
	return find_doc(a->steps, a->nsteps, id);
}

const struct asset_doc *assets_cause(const struct assets *a, const char *id)
{
	return find_doc(a->causes, a->ncauses, id);
}

const struct lab_scenario *assets_scenario(const struct assets *a, const char *id)
{
	for (size_t i = 0; i < a->nscenarios; i++)
		if (strcmp(a->scenarios[i].id, id) == 0)
			return &a->scenarios[i];
	return NULL;
}

char *assets_expand(const char *text, const struct asset_var *vars, size_t nvars)
{
	struct strbuf sb;
	const char *p = text;

	strbuf_init(&sb);
	while (*p) {
		const char *close;
		size_t i;

		if (p[0] == '{' && p[1] == '{') {
			strbuf_addch(&sb, '{');
			p += 2;
			continue;
		}
		if (*p != '{' || (close = strchr(p, '}')) == NULL) {
			strbuf_addch(&sb, *p++);
			continue;
		}
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == (size_t)(close - p - 1) &&
			    strncmp(vars[i].name, p + 1, (size_t)(close - p - 1)) == 0)
				break;
		if (i < nvars && vars[i].value != NULL) {
			strbuf_addstr(&sb, vars[i].value);
			p = close + 1;
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

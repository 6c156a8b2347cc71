/* SPDX-License-Identifier: MIT */
/* The flow and the teaching text, kept in assets/ as plain text a person who
 * knows SSH but not C can edit, built into the binary, and optionally read
 * from an override folder (SSH_DOCTOR_ASSETS) without a rebuild.
 *
 * A .step or .cause file is a header of "key: value" lines, then sections
 * opened by a line "[name]" and running to the next one:
 *
 *     id: tcp_connect
 *     title: Does anything answer on the port?
 *     command: nc -zv {addr} {port}
 *     command.macos: nc -zv -G 5 {addr} {port}
 *     [what]
 *     We send a TCP SYN ...
 *
 * A .flow file lists step ids in order, one a line. '#' starts a comment
 * line in all of them. {host}, {port}, {addr}, {user}, {alt_port} ... in any
 * text are filled in by assets_expand(). */
#ifndef SSHD_ASSETS_H
#define SSHD_ASSETS_H

#include <stddef.h>

#include "engine/parse/parse-scenario.h"
#include "engine/util.h"

struct asset_file {
	const char *name;   /* path below assets/, e.g. "steps/dns.step" */
	const char *data;   /* NUL-terminated */
	size_t len;
};

/* The table generated from assets/ at build time, ended by a NULL name. */
extern const struct asset_file assets_embedded[];

struct asset_field {
	char *key;
	char *value;
};

/* One parsed .step or .cause file. */
struct asset_doc {
	char *name;                 /* file name it came from */
	struct asset_field *fields; /* header keys, then "[section]" bodies */
	size_t nfields;
};

/* Parses text into doc (zeroed by the call). Pure: no I/O. Returns 0, or -1
 * with a message in err ("line 4: expected 'key: value'"). Keys are
 * lowercased; section bodies keep their line breaks, trimmed at both ends. */
int asset_doc_parse(struct asset_doc *doc, const char *name, const char *text,
		    size_t len, struct strbuf *err);
void asset_doc_release(struct asset_doc *doc);

/* The value of key, or NULL. Valid while doc lives. */
const char *asset_doc_get(const struct asset_doc *doc, const char *key);
/* The value of "key.platform" if there is one, else of "key", else NULL. */
const char *asset_doc_get_for(const struct asset_doc *doc, const char *key,
			      const char *platform);

/* All the assets the program uses, loaded once. */
struct assets {
	struct asset_doc *steps;
	size_t nsteps;
	struct asset_doc *causes;
	size_t ncauses;
	struct strv client_flow;   /* step ids in order */
	struct strv server_flow;
	struct strv replay_flow;   /* --replay: judged from a capture file alone */
	struct strv glossary;      /* "term: text" entries from glossary.txt */
	struct lab_scenario *scenarios; /* lab/NAME.scenario, sorted by level, then id */
	size_t nscenarios;
	struct strv lab_client_choices; /* lab/client.choices: causes a learner may guess */
	struct strv lab_server_choices; /* lab/server.choices */
	char *lab_map;             /* lab/map.txt: the flow on one screen, or NULL */
	char *origin;              /* "built in" or the override folder */
};

/*
 * Loads the built-in assets, or those of dir when it is not NULL (then every
 * file must be there). Returns 0, or -1 with a specific message in err
 * naming the file and line. A loaded set is checked: every flow id has a step;
 * every cause a scenario or a choice list names has a .cause file.
 */
int assets_load(struct assets *a, const char *dir, struct strbuf *err);
void assets_release(struct assets *a);

const struct asset_doc *assets_step(const struct assets *a, const char *id);
const struct asset_doc *assets_cause(const struct assets *a, const char *id);
/* The scenario with that id, or NULL. */
const struct lab_scenario *assets_scenario(const struct assets *a, const char *id);

/* A name/value pair for assets_expand. */
struct asset_var {
	const char *name;
	const char *value;
};

/* Returns text with every {name} replaced by its value ({{ gives {); an
 * unknown {name} is left as it is. The caller frees the result. */
char *assets_expand(const char *text, const struct asset_var *vars, size_t nvars);

#endif

/* SPDX-License-Identifier: MIT */
/* The targets of a fleet run: --targets FILE (one per line) and several
 * HOST arguments, parsed before anything runs. */
#ifndef SSHD_TARGETS_H
#define SSHD_TARGETS_H

#include <stddef.h>

#include "engine/target.h"
#include "engine/util.h"

#define TARGETS_MAX 100000          /* targets in one run */
#define TARGETS_FILE_MAX (16 << 20) /* bytes read from --targets FILE */

struct fleet_target {
	struct target t;
	int line;                   /* its line in the file, 0 for an argument */
	char *given;                /* the line or argument as written, printable */
};

struct fleet_list {
	struct fleet_target *v;
	size_t n;
};

void fleet_list_init(struct fleet_list *l);
void fleet_list_release(struct fleet_list *l);

/* Adds one target written as arg ([user@]host[:port], ssh://..., or a
 * pasted ssh error line that names its host); line is its line number, 0
 * for a command-line argument. Returns 0, or -1 with one lowercase sentence
 * in err (naming the line). */
int fleet_list_add(struct fleet_list *l, const char *arg, int line, struct strbuf *err);

/* Adds every target of a file's text buf (len bytes): one per line, blank
 * lines and lines starting with '#' (after white space) skipped, a CR
 * before the newline ignored. Pure. Returns 0, or -1 at the first bad line
 * with err saying which (nothing is run then). */
int fleet_list_parse(struct fleet_list *l, const char *buf, size_t len, struct strbuf *err);

/* Reads path ("-": standard input) and parses it as above. 0 or -1 with err. */
int fleet_list_read(struct fleet_list *l, const char *path, struct strbuf *err);

/* Applies -p N to every target whose own text names no port. 0, or -1. */
int fleet_list_set_port(struct fleet_list *l, const char *port);

#endif

/* SPDX-License-Identifier: MIT */
/* A practice-lab scenario (assets/lab/NAME.scenario): a story, the fault
 * to stage, the cause it stages and what each side is expected to find.
 * Pure: no I/O, no globals; the sandbox carries the staging out.
 *
 * The file is an asset document (engine/assets.h): header lines
 *
 *     id: wrong_port
 *     title: The server moved
 *     level: 1
 *     cause: wrong_port
 *     expect.client: wrong_port
 *     expect.server: wrong_port
 *     watch: 8              (optional: the server's console watches for the
 *                            client's attempt instead of knowing its address)
 *
 * then sections [story], [stage], [hints], [explain]. [stage] holds one
 * directive a line, "HOST.WHAT: ARGS", HOST one of client, router, server:
 *
 *     server.sshd: stopped | port N | config LINE
 *     HOST.iptables: ARGS     HOST.ip6tables: ARGS     HOST.nft: ARGS
 *     server.hosts.allow: LINE                         server.hosts.deny: LINE
 *     server.listen: http PORT | close PORT
 *     client.resolve: none | ADDR
 *     client.hold-ssh: N
 *
 * ARGS are words split on blanks ("double quotes" keep blanks in one).
 * {client}, {server}, {router} ... are filled in when staged. */
#ifndef SSHD_PARSE_SCENARIO_H
#define SSHD_PARSE_SCENARIO_H

#include <stddef.h>

#include "engine/util.h"

enum lab_host { LAB_CLIENT, LAB_ROUTER, LAB_SERVER, LAB_NHOSTS };

enum lab_op_kind {
	LAB_OP_SSHD_STOPPED,   /* server.sshd: stopped */
	LAB_OP_SSHD_PORT,      /* server.sshd: port N (num) */
	LAB_OP_SSHD_CONFIG,    /* server.sshd: config LINE (text) */
	LAB_OP_IPTABLES,       /* HOST.iptables: ARGS (args) */
	LAB_OP_IP6TABLES,
	LAB_OP_NFT,
	LAB_OP_HOSTS_ALLOW,    /* text */
	LAB_OP_HOSTS_DENY,     /* text */
	LAB_OP_LISTEN_HTTP,    /* server.listen: http PORT (num) */
	LAB_OP_LISTEN_CLOSE,   /* server.listen: close PORT (num) */
	LAB_OP_RESOLVE_NONE,   /* client.resolve: none */
	LAB_OP_RESOLVE_ADDR,   /* client.resolve: ADDR (text) */
	LAB_OP_HOLD_SSH,       /* client.hold-ssh: N (num) */
};

struct lab_op {
	enum lab_op_kind kind;
	enum lab_host host;
	unsigned line;          /* in the scenario file */
	int num;
	char *text;             /* or NULL */
	struct strv args;       /* words, for the firewall tools */
};

struct lab_scenario {
	char *file;             /* the name it was parsed under */
	char *id, *title, *cause;
	int level;              /* 1 first steps .. 3 hard */
	char *expect_client;    /* the cause each side's verdict names */
	char *expect_server;
	char *expect_note;      /* why a side sees something else, or NULL */
	char *target;           /* what the learner types after ssh (lab-server) */
	int watch;              /* "watch: N": the server's console watches N s for
				 * the client's attempt (the lab makes the client
				 * try meanwhile) instead of judging for its known
				 * address; 0 when not given */
	char *story, *hints, *explain;   /* sections; NULL when absent */
	struct lab_op *ops;
	size_t nops;
};

/*
 * Parses a scenario file's text into sc (zeroed by the call). Returns 0, or
 * -1 with one line in err naming the file and line ("lab/x.scenario: line
 * 14: unknown host 'srv': use client, router or server"). Checks the form
 * only: whether a cause id exists is the caller's business.
 */
int lab_scenario_parse(struct lab_scenario *sc, const char *name, const char *text, size_t len,
		       struct strbuf *err);
void lab_scenario_release(struct lab_scenario *sc);

/* "client", "router", "server". */
const char *lab_host_name(enum lab_host h);

/* Splits a directive's arguments into words: blanks separate, "double
 * quotes" keep blanks inside one word. Returns 0, or -1 for an unclosed
 * quote. */
int lab_split_words(const char *s, struct strv *out);

#endif

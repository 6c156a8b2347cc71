/* SPDX-License-Identifier: MIT */
/* The verdict: one cause id from the design's table, decided from the facts
 * by rules kept in one place, with the words for it taken from assets/. */
#ifndef SSHD_VERDICT_H
#define SSHD_VERDICT_H

#include "engine/assets.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/server.h"
#include "engine/target.h"

/* The decision alone, before any words: what the rules say. */
struct verdict_decision {
	const char *cause;          /* static cause id */
	const char *confidence;     /* "certain", "likely", "possible" */
	int addr_index;             /* the address it is about, or -1 */
	struct strv evidence;       /* the facts it rests on, as sentences */
	struct strv alternatives;   /* cause ids not ruled out */
	struct strv unchecked;      /* what could change the answer and was not checked */
	/* client side: the server's platform as its identification showed,
	 * or NULL; verdict_word chooses the server's fixes from it */
	bool client_side;
	const char *server_platform;
	/* a wording of the cause for a case its usual words would misstate
	 * ("silent_host"): the asset's title, summary, fix and fix commands
	 * with that suffix are used where they exist; NULL: the usual */
	const char *wording;
};

void verdict_decision_init(struct verdict_decision *d);
void verdict_decision_release(struct verdict_decision *d);
/* Sets d's cause and confidence (static strings, kept as pointers). */
void verdict_decision_set(struct verdict_decision *d, const char *cause, const char *confidence);
/* Adds cause to d's alternatives once, unless it is d's own cause. */
void verdict_decision_alt(struct verdict_decision *d, const char *cause);

/* The client rules. Pure: reads only f and port. */
void verdict_decide_client(const struct client_facts *f, int port, struct verdict_decision *d);

/* The server's platform as any SSH identification it sent (on the port,
 * in the handshake, on another port) shows it, or NULL. A static string. */
const char *verdict_server_platform(const struct client_facts *f);

/* True when ssh's pasted symptom is what this cause produces. */
bool verdict_symptom_matches(const char *cause, enum symptom s);

void verdict_init(struct report_verdict *v);
void verdict_release(struct report_verdict *v);

/* Decides and words the client verdict into v (verdict_init'ed). */
void verdict_client(const struct client_facts *f, const struct target *t,
		    const struct assets *a, const char *platform, struct report_verdict *v);

/* The server rules (engine/verdict-server.c), in the order a person checks:
 * not installed, configuration error, not running, port taken, wrong
 * address or port, socket activation, firewall, wrappers, limits and bans;
 * ok when sshd answers on the asked port on the addresses clients use.
 * Pure: reads only f. Advice (not causes) goes to prevention. */
void verdict_decide_server(const struct server_facts *f, struct verdict_decision *d,
			   struct strv *prevention);
/* Decides and words the server verdict into v (verdict_init'ed). */
void verdict_server(const struct server_facts *f, const struct target *t,
		    const struct assets *a, const char *platform, struct report_verdict *v);

/* Words decision d into v (verdict_init'ed) from the cause's asset, with
 * vars filled into its text, and compares it with t's pasted symptom.
 * platform is this machine's; a fix for another machine (the asset's
 * fix_on) is chosen from d->server_platform, or given per platform,
 * labelled, when that is unknown. */
void verdict_word(const struct verdict_decision *d, const struct asset_var *vars, size_t nvars,
		  const struct target *t, const struct assets *a, const char *platform,
		  struct report_verdict *v);

#endif

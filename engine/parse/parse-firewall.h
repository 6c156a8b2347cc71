/* SPDX-License-Identifier: MIT */
/*
 * Parsers of firewall listings: iptables-save / ip6tables-save, `nft -j list
 * ruleset`, `ufw status verbose` and /etc/ufw/user.rules, `firewall-cmd
 * --list-all` and `--get-active-zones`, and macOS socketfilterfw.
 *
 * Each parser is a pure function: a buffer in (not necessarily
 * NUL-terminated), a struct fw_result out. No I/O, no globals. The result
 * lists, in evaluation order, the rules that a new TCP connection to one port
 * (optionally from one client address) meets on the input path, and the
 * verdict they reach. Every string in a result is owned by the result, made
 * printable, and lives until fw_result_release().
 *
 * Evaluation follows a new TCP connection (a SYN to one of this machine's
 * unicast addresses) through every table and hook it meets, in the kernel's
 * order: prerouting (raw, mangle, nat), then input (mangle, filter,
 * security, nat); for nftables every base chain of the packet's family on
 * those hooks, by priority. An accept ends one base chain, the next still
 * runs; a drop or reject is final. Jumps and gotos are followed up to
 * FW_MAX_DEPTH deep, RETURN goes back to the caller.
 *
 * A rule whose match depends on more than the port and the client address
 * (an unknown client, an interface, a destination address, a rate limit, a
 * match the evaluator cannot look into) is "conditional": evaluation takes
 * both ways, matched and not matched, and compares where they end. When they
 * all end alike the answer is certain; when they differ only by source
 * address the verdict is OPEN_SOME (only_sources) or OPEN (blocked_sources);
 * only by timing, OPEN with timing set; otherwise UNKNOWN. A match that
 * cannot be evaluated never matches everything, and never yields a certain
 * answer for what it could change.
 */
#ifndef SSHD_PARSE_FIREWALL_H
#define SSHD_PARSE_FIREWALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/util.h"

/* How deep jumps between chains are followed. */
#define FW_MAX_DEPTH 16

/* Errors returned by the parsers (0 is success). */
#define FW_ERR_FORMAT	-1	/* the buffer is not the expected listing */
#define FW_ERR_ARG	-2	/* NULL buffer or bad query */

/* Which firewall a rule belongs to. */
enum fw_source {
	FW_SRC_IPTABLES,
	FW_SRC_IP6TABLES,
	FW_SRC_NFTABLES,
	FW_SRC_UFW,
	FW_SRC_FIREWALLD,
	FW_SRC_SOCKETFILTERFW,
	FW_SRC_IPTABLES_LEGACY,		/* iptables-legacy-save, beside the nft back end */
	FW_SRC_IP6TABLES_LEGACY,
};

/* What a rule does to a packet it matches. */
enum fw_action {
	FW_ACT_NONE,		/* non-terminal: LOG, counter, limit, mark */
	FW_ACT_ACCEPT,
	FW_ACT_DROP,
	FW_ACT_REJECT_ICMP,	/* reject_with names the ICMP type */
	FW_ACT_REJECT_TCP_RESET,
	FW_ACT_REJECT,		/* a reject whose kind the listing does not show */
	FW_ACT_JUMP,		/* target names the chain */
	FW_ACT_GOTO,		/* target names the chain */
	FW_ACT_RETURN,
	FW_ACT_OTHER,		/* unknown target (target names it), verdict map */
};

/* What the firewall does to a new connection to the port. */
enum fw_verdict {
	FW_VERDICT_UNKNOWN,	/* the rules do not decide (see notes) */
	FW_VERDICT_OPEN,	/* accepted, or nothing blocks it */
	FW_VERDICT_DROPPED,	/* the client sees "connection timed out" */
	FW_VERDICT_REJECTED,	/* the client sees "connection refused" or an ICMP error */
	FW_VERDICT_OPEN_SOME,	/* accepted for some sources only, blocked for the rest */
};

struct fw_rule {
	enum fw_source source;
	char *table;		/* "filter", "inet filter"; NULL when the firewall has none */
	char *chain;		/* "INPUT", "input", "ufw-user-input", a zone name */
	char *text;		/* the rule as listed (rebuilt for nft -j), printable */
	enum fw_action action;
	char *reject_with;	/* REJECT_ICMP: "icmp-port-unreachable", "admin-prohibited"; else NULL */
	char *target;		/* JUMP/GOTO: chain; OTHER: what it is; else NULL */
	struct strv sources;	/* addresses/prefixes the rule is limited to; empty: any */
	bool sources_negated;	/* the rule matches sources NOT in the list */
	bool loopback_only;	/* only for the lo interface (-i lo, iif "lo") */
	bool conditional;	/* its match depends on more than the port and the client */
	bool not_evaluated;	/* the evaluator could not look inside it (verdict map) */
	bool is_policy;		/* not a rule: the chain's policy (or ufw/zone default) */
	bool timing;		/* its match depends on timing: a rate limit, -m recent */
	/* Where it stands in its chain, for a rule inserted before it: its
	 * 1-based number in the chain (iptables -I CHAIN N), 0 for a policy;
	 * and its nft handle (nft -j lists it), 0 when not known. */
	int position;
	long handle;
	/* What a client sees when this rule decides: "connection timed out",
	 * "connection refused", "no route to host"...; NULL when non-terminal.
	 * Static storage. */
	const char *effect;
};

struct fw_result {
	enum fw_source source;
	bool active;		/* false: the firewall is off (ufw inactive, ...) */
	uint16_t port;
	int family;		/* 4 or 6: the family that was evaluated */
	char *client;		/* the client address evaluated for, printable; NULL: any source */
	struct fw_rule *rules;	/* the rules met, in evaluation order */
	size_t nrules;
	size_t rules_alloc;	/* private: allocated length of rules */
	enum fw_verdict verdict;
	/* Index in rules of the rule (or policy) that decides, -1 if none
	 * (nothing blocks the port). For OPEN_SOME: the first accepting rule. */
	int deciding;
	/* OPEN_SOME only: the rule or policy that blocks the other sources; else -1. */
	int blocking;
	struct strv notes;	/* printable remarks: what was not evaluated, and why */
	/* OPEN_SOME decided by source addresses alone: the sources that may
	 * connect ("198.51.100.0/24", "not 192.0.2.0/25"); empty otherwise. */
	struct strv only_sources;
	/* OPEN: the sources that rules block while every other source gets in. */
	struct strv blocked_sources;
	/* Some source is blocked only past a rate limit or a -m recent count:
	 * the answer depends on timing. */
	bool timing;
};

/* What to evaluate. client may be NULL (any source); family is 4 or 6, or 0
 * to take it from client (IPv4 when client is NULL too). */
struct fw_query {
	uint16_t port;
	const char *client;
	int family;
	/* nft only: tables ("ip filter", "ip6 raw") left out because another
	 * reader (iptables-nft-save) sees them fully; NULL-terminated, or NULL. */
	const char *const *skip_tables;
};

void fw_result_init(struct fw_result *res);
void fw_result_release(struct fw_result *res);

const char *fw_source_name(enum fw_source src);	/* "iptables", "nftables", ... */
const char *fw_action_name(enum fw_action act);	/* "accept", "drop", "reject-icmp", ... */
const char *fw_verdict_name(enum fw_verdict v);	/* "open", "dropped", ... */
/* The same in words for a sentence ("open to some sources only"). */
const char *fw_verdict_text(enum fw_verdict v);

/* The command that lets new connections to port through, for the rule (or
 * policy) r that blocks it, found by the firewall src for family (4 or 6):
 * the rule deleted where it can be named exactly (iptables), an accepting
 * rule inserted before it otherwise. Built from r's printable text; the
 * caller frees it. NULL when there is nothing to say (no rule, macOS). */
char *fw_fix_command(const struct fw_rule *r, enum fw_source src, int family, int port);

/*
 * The ufw command that removes the ufw rule listed as rule (iptables-save
 * text, "-A ufw-user-input -p tcp -m tcp --dport 22 -j DROP"), found through
 * the "### tuple ###" line above the same rule in user_rules (the text of
 * /etc/ufw/user.rules or user6.rules): "ufw delete deny 22/tcp", as the
 * person typed the rule. NULL when the rule is not there or its tuple cannot
 * be said as a command. The caller frees.
 */
char *fw_ufw_delete_command(const char *user_rules, size_t len, const char *rule);

/* True when user_rules (user.rules or user6.rules) let port in from some
 * sources only ("ufw allow from 198.51.100.0/24 to any port 22"): an
 * allow-list whose intent "ufw allow 22/tcp" would undo. */
bool fw_ufw_limits_sources(const char *user_rules, size_t len, int port);
const char *fw_strerror(int err);

/*
 * True when addr (IPv4 or IPv6 text) lies in spec: an address, a prefix
 * "192.0.2.0/24", a range "192.0.2.1-192.0.2.9", or "0.0.0.0/0" / "::/0".
 * False when either does not parse or the families differ.
 */
bool fw_addr_match(const char *spec, const char *addr);

/*
 * Each parser fills res (which must be fw_result_init'ed, and is reset first)
 * and returns 0, or FW_ERR_FORMAT when buf is not that listing, or FW_ERR_ARG.
 * A finding (the port is dropped) is data in res, never an error. buf need
 * not be NUL-terminated; it is not kept.
 */

/* iptables-save or ip6tables-save output (legacy or nft back end); src is
 * FW_SRC_IPTABLES, FW_SRC_IP6TABLES or their _LEGACY twins. Evaluates the
 * chains a SYN meets: raw PREROUTING, mangle PREROUTING, nat PREROUTING,
 * mangle INPUT, filter INPUT, security INPUT, nat INPUT. -m addrtype is
 * evaluated (the destination is a local unicast address); -m limit,
 * hashlimit, connlimit and recent (but --set) depend on timing. */
int fw_parse_iptables_save(const char *buf, size_t len, enum fw_source src,
			   const struct fw_query *q, struct fw_result *res);

/* The same for nq queries at once: the listing is read once and res[i]
 * (each fw_result_init'ed) answers q[i]. Returns what the single call
 * returns; on an error every res[i] is reset. */
int fw_parse_iptables_save_each(const char *buf, size_t len, enum fw_source src,
				const struct fw_query *q, size_t nq, struct fw_result *res);

/* The tables `nft -j list chains` shows chains of, as "family name" ("inet
 * sshguard"), each once, leaving out those in skip (NULL-terminated, or
 * NULL) and families no incoming SYN meets (arp, bridge); appended to
 * tables. Returns 0, FW_ERR_FORMAT or FW_ERR_ARG. */
int fw_parse_nft_tables(const char *buf, size_t len, const char *const *skip, struct strv *tables);

/* One `nft -j` document holding the elements of the n documents docs (each
 * `nft -j list table ...`), in order; what does not parse is left out. The
 * caller frees the text; *len (when not NULL) is its length. */
char *fw_nft_json_join(const struct strbuf *docs, size_t n, size_t *len);

/* `nft -j list ruleset`. Named sets are resolved (sshguard's attackers set
 * drops the client it holds); verdict maps on tcp dport and ct state are
 * looked into, others are listed as not evaluated. An empty ruleset is open. */
int fw_parse_nft_json(const char *buf, size_t len, const struct fw_query *q,
		      struct fw_result *res);
/* The same for nq queries at once (skip_tables is taken from q[0]). */
int fw_parse_nft_json_each(const char *buf, size_t len, const struct fw_query *q, size_t nq,
			   struct fw_result *res);

/* `ufw status verbose`: "Status: inactive" gives active=false and OPEN; the
 * "Default: deny (incoming)" policy ends the list. App profile OpenSSH is
 * 22/tcp; other profiles are listed as conditional. */
int fw_parse_ufw_status(const char *buf, size_t len, const struct fw_query *q,
			struct fw_result *res);

/* /etc/ufw/user.rules (or user6.rules): iptables-save format, chain
 * ufw-user-input. When no rule decides the verdict is UNKNOWN: ufw's default
 * incoming policy (not in this file) decides. */
int fw_parse_ufw_user_rules(const char *buf, size_t len, const struct fw_query *q,
			    struct fw_result *res);

/* `firewall-cmd --list-all` (or --list-all --zone=Z) for one zone: rich
 * rules, services, ports, and the zone target. "FirewallD is not running"
 * gives active=false and OPEN. Only the first zone block is read. */
int fw_parse_firewalld(const char *buf, size_t len, const struct fw_query *q,
		       struct fw_result *res);

/* One zone of `firewall-cmd --get-active-zones`. */
struct fw_zone {
	char *name;
	struct strv interfaces;
	struct strv sources;
};

struct fw_zone_list {
	struct fw_zone *v;
	size_t n;
};

void fw_zone_list_init(struct fw_zone_list *zl);
void fw_zone_list_release(struct fw_zone_list *zl);
/* Parses `firewall-cmd --get-active-zones`; returns 0 or FW_ERR_*. */
int fw_parse_firewalld_zones(const char *buf, size_t len, struct fw_zone_list *zl);
/* The zone a connection from client arriving on iface falls in: a zone whose
 * sources hold client wins, then one holding iface; NULL if none (the
 * default zone applies). Points into zl; valid until it is released. */
const char *fw_zone_list_pick(const struct fw_zone_list *zl, const char *client,
			      const char *iface);

/*
 * macOS application firewall, from the outputs of socketfilterfw
 * --getglobalstate, --getblockall, --getstealthmode and --listapps (each may
 * be NULL when not available). sshd is allowed when the firewall is off,
 * when /usr/sbin/sshd or /usr/libexec/sshd-keygen-wrapper is listed as
 * allowed, or when it is not listed (built-in software is allowed by
 * default). Block-all or a blocked sshd is DROPPED in stealth mode, else
 * REJECTED. Returns 0, or FW_ERR_FORMAT when globalstate is unreadable.
 */
int fw_parse_socketfilterfw(const char *globalstate, size_t glen,
			    const char *blockall, size_t blen,
			    const char *stealth, size_t slen,
			    const char *listapps, size_t llen,
			    const struct fw_query *q, struct fw_result *res);

#endif

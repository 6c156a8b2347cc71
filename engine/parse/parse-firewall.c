/* SPDX-License-Identifier: MIT */
/* Parsers of firewall listings, and the evaluation of a port against them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "engine/parse/parse-firewall.h"

/* Stops evaluation of pathological rule sets (chains jumping to each
 * other): a way may take this many steps, or four per rule listed if more. */
#define FW_MAX_STEPS 10000

#define EFFECT_TIMEOUT	"connection timed out"
#define EFFECT_REFUSED	"connection refused"
#define EFFECT_NOROUTE	"no route to host"
#define EFFECT_NETUNR	"network is unreachable"
#define EFFECT_DENIED	"permission denied"

/* ---- results ---------------------------------------------------------- */

static void fw_rule_release(struct fw_rule *r)
{
	free(r->table);
	free(r->chain);
	free(r->text);
	free(r->reject_with);
	free(r->target);
	strv_release(&r->sources);
}

void fw_result_init(struct fw_result *res)
{
	memset(res, 0, sizeof(*res));
	res->active = true;
	res->family = 4;
	res->deciding = -1;
	res->blocking = -1;
	strv_init(&res->notes);
	strv_init(&res->only_sources);
	strv_init(&res->blocked_sources);
}

void fw_result_release(struct fw_result *res)
{
	for (size_t i = 0; i < res->nrules; i++)
		fw_rule_release(&res->rules[i]);
	free(res->rules);
	free(res->client);
	res->client = NULL;
	strv_release(&res->notes);
	strv_release(&res->only_sources);
	strv_release(&res->blocked_sources);
	res->rules = NULL;
	res->nrules = res->rules_alloc = 0;
}

static void fw_result_reset(struct fw_result *res)
{
	fw_result_release(res);
	fw_result_init(res);
}

/* Appends a zeroed rule and returns its index. */
static int res_add_rule(struct fw_result *res)
{
	struct fw_rule *r;

	if (res->nrules == res->rules_alloc) {
		res->rules_alloc = res->rules_alloc ? res->rules_alloc * 2 : 16;
		res->rules = xrealloc(res->rules, res->rules_alloc * sizeof(*res->rules));
	}
	r = &res->rules[res->nrules];
	memset(r, 0, sizeof(*r));
	strv_init(&r->sources);
	r->source = res->source;
	return (int)res->nrules++;
}

static void res_note(struct fw_result *res, const char *s)
{
	if (!strv_contains(&res->notes, s))
		strv_push(&res->notes, s);
}

static char *pdup(const char *s)
{
	return s == NULL ? NULL : printable(s, strlen(s), true);
}

const char *fw_source_name(enum fw_source src)
{
	switch (src) {
	case FW_SRC_IPTABLES:		return "iptables";
	case FW_SRC_IP6TABLES:		return "ip6tables";
	case FW_SRC_NFTABLES:		return "nftables";
	case FW_SRC_UFW:		return "ufw";
	case FW_SRC_FIREWALLD:		return "firewalld";
	case FW_SRC_SOCKETFILTERFW:	return "socketfilterfw";
	case FW_SRC_IPTABLES_LEGACY:	return "iptables-legacy";
	case FW_SRC_IP6TABLES_LEGACY:	return "ip6tables-legacy";
	}
	return "unknown";
}

const char *fw_action_name(enum fw_action act)
{
	switch (act) {
	case FW_ACT_NONE:		return "none";
	case FW_ACT_ACCEPT:		return "accept";
	case FW_ACT_DROP:		return "drop";
	case FW_ACT_REJECT_ICMP:	return "reject-icmp";
	case FW_ACT_REJECT_TCP_RESET:	return "reject-tcp-reset";
	case FW_ACT_REJECT:		return "reject";
	case FW_ACT_JUMP:		return "jump";
	case FW_ACT_GOTO:		return "goto";
	case FW_ACT_RETURN:		return "return";
	case FW_ACT_OTHER:		return "other";
	}
	return "unknown";
}

const char *fw_verdict_text(enum fw_verdict v)
{
	switch (v) {
	case FW_VERDICT_UNKNOWN:	return "in a state the rules do not decide";
	case FW_VERDICT_OPEN:		return "open";
	case FW_VERDICT_DROPPED:	return "dropped";
	case FW_VERDICT_REJECTED:	return "rejected";
	case FW_VERDICT_OPEN_SOME:	return "open to some sources only";
	}
	return "in a state the rules do not decide";
}

const char *fw_verdict_name(enum fw_verdict v)
{
	switch (v) {
	case FW_VERDICT_UNKNOWN:	return "unknown";
	case FW_VERDICT_OPEN:		return "open";
	case FW_VERDICT_DROPPED:	return "dropped";
	case FW_VERDICT_REJECTED:	return "rejected";
	case FW_VERDICT_OPEN_SOME:	return "open-for-some-sources";
	}
	return "unknown";
}

char *fw_fix_command(const struct fw_rule *r, enum fw_source src, int family, int port)
{
	const char *tool = family == 6 ? "ip6tables" : "iptables";
	const char *table = r && r->table && *r->table ? r->table : NULL;
	const char *chain = r && r->chain && *r->chain ? r->chain : NULL;

	if (r == NULL || port <= 0 || port > 65535)
		return NULL;
	switch (src) {
	case FW_SRC_IPTABLES:
	case FW_SRC_IP6TABLES:
	case FW_SRC_IPTABLES_LEGACY:
	case FW_SRC_IP6TABLES_LEGACY:
		if (src == FW_SRC_IP6TABLES)
			tool = "ip6tables";
		else if (src == FW_SRC_IPTABLES_LEGACY)
			tool = "iptables-legacy";
		else if (src == FW_SRC_IP6TABLES_LEGACY)
			tool = "ip6tables-legacy";
		if (chain == NULL)
			return NULL;
		/* iptables-save lists a rule as "-A CHAIN ...": the same words after
		 * -D delete exactly that rule */
		if (!r->is_policy && r->text && strncmp(r->text, "-A ", 3) == 0)
			return xasprintf("sudo %s%s%s -D %s", tool,
					 table && strcmp(table, "filter") != 0 ? " -t " : "",
					 table && strcmp(table, "filter") != 0 ? table : "", r->text + 3);
		return xasprintf("sudo %s%s%s -I %s -p tcp --dport %d -j ACCEPT", tool,
				 table && strcmp(table, "filter") != 0 ? " -t " : "",
				 table && strcmp(table, "filter") != 0 ? table : "", chain, port);
	case FW_SRC_NFTABLES:
		if (table == NULL || chain == NULL)
			return NULL;
		/* without the rule's handle it cannot be named for deletion: an
		 * accepting rule at the head of the same chain lets the port through */
		return xasprintf("sudo nft insert rule %s %s tcp dport %d accept", table, chain, port);
	case FW_SRC_UFW:
		return xasprintf("sudo ufw allow %d/tcp", port);
	case FW_SRC_FIREWALLD:
		if (port == 22)
			return xasprintf("sudo firewall-cmd --permanent%s%s --add-service=ssh && sudo firewall-cmd --reload",
					 chain ? " --zone=" : "", chain ? chain : "");
		return xasprintf("sudo firewall-cmd --permanent%s%s --add-port=%d/tcp && sudo firewall-cmd --reload",
				 chain ? " --zone=" : "", chain ? chain : "", port);
	case FW_SRC_SOCKETFILTERFW:
		return NULL;
	}
	return NULL;
}

const char *fw_strerror(int err)
{
	switch (err) {
	case 0:			return "success";
	case FW_ERR_FORMAT:	return "not a firewall listing of the expected kind";
	case FW_ERR_ARG:	return "invalid argument";
	}
	return "unknown error";
}

static bool is_terminal(enum fw_action a)
{
	return a == FW_ACT_ACCEPT || a == FW_ACT_DROP || a == FW_ACT_REJECT_ICMP ||
	       a == FW_ACT_REJECT_TCP_RESET || a == FW_ACT_REJECT;
}

static bool is_block(enum fw_action a)
{
	return is_terminal(a) && a != FW_ACT_ACCEPT;
}

/* What the client's connect() reports for an ICMP reject type, as Linux maps
 * ICMP errors to errno (net/ipv4/icmp.c, net/ipv6/icmp.c). */
static const char *icmp_effect(const char *type, int family)
{
	const char *t = type;

	if (t == NULL)
		return EFFECT_REFUSED;
	if (strncasecmp(t, "icmp6-", 6) == 0)
		t += 6;
	else if (strncasecmp(t, "icmp-", 5) == 0)
		t += 5;
	if (str_starts_with(t, "port-unreach"))
		return EFFECT_REFUSED;
	if (str_starts_with(t, "net-unreach") || str_starts_with(t, "no-route") ||
	    strcmp(t, "net-prohibited") == 0)
		return EFFECT_NETUNR;
	if (str_starts_with(t, "adm") || strcmp(t, "policy-fail") == 0 ||
	    strcmp(t, "reject-route") == 0)
		return family == 6 ? EFFECT_DENIED : EFFECT_NOROUTE;
	if (strcmp(t, "prot-unreachable") == 0 || strcmp(t, "proto-unreachable") == 0)
		return "protocol not available";
	return EFFECT_NOROUTE;	/* host-unreachable, host-prohibited, addr-unreach */
}

static const char *action_effect(enum fw_action a, const char *reject_with, int family)
{
	switch (a) {
	case FW_ACT_DROP:		return EFFECT_TIMEOUT;
	case FW_ACT_REJECT_TCP_RESET:	return EFFECT_REFUSED;
	case FW_ACT_REJECT_ICMP:	return icmp_effect(reject_with, family);
	case FW_ACT_REJECT:		return "connection refused, or an ICMP error";
	default:			return NULL;
	}
}

/* ---- addresses -------------------------------------------------------- */

struct addr {
	int family;		/* 4 or 6 */
	unsigned char b[16];
};

static bool addr_parse(const char *s, size_t n, struct addr *a)
{
	char tmp[INET6_ADDRSTRLEN + 8];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (tmp[0] == '[' && tmp[n - 1] == ']') {
		memmove(tmp, tmp + 1, n - 2);
		tmp[n - 2] = '\0';
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, tmp, a->b) == 1) {
		a->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, a->b) == 1) {
		a->family = 6;
		return true;
	}
	return false;
}

static int addr_family(const char *s)
{
	struct addr a;

	if (s == NULL || !addr_parse(s, strlen(s), &a))
		return 0;
	return a.family;
}

static bool addr_is_loopback(const char *s)
{
	static const unsigned char v6lo[16] = { [15] = 1 };
	struct addr a;

	if (s == NULL || !addr_parse(s, strlen(s), &a))
		return false;
	if (a.family == 4)
		return a.b[0] == 127;
	return memcmp(a.b, v6lo, 16) == 0;
}

/* True when every address of the comma list spec ("127.0.0.0/8", "::1")
 * is a loopback one: a SYN from another machine never goes to it. */
static bool spec_is_loopback(const char *spec)
{
	char *copy = xstrdup(spec), *save = NULL;
	bool all = true, any = false;

	for (char *t = strtok_r(copy, ",", &save); t && all; t = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(t, '/');
		long len = -1;

		if (slash != NULL) {
			char *end;

			*slash = '\0';
			len = strtol(slash + 1, &end, 10);
			if (*end != '\0')
				len = 0;
		}
		all = addr_is_loopback(t) && (len < 0 || len >= (strchr(t, ':') ? 128 : 8));
		any = true;
	}
	free(copy);
	return all && any;
}

bool fw_addr_match(const char *spec, const char *addr)
{
	struct addr a, lo, hi;
	const char *p;
	long bits;
	int nbytes;

	if (spec == NULL || addr == NULL || !addr_parse(addr, strlen(addr), &a))
		return false;
	if ((p = strchr(spec, '/')) != NULL) {
		char *end;

		if (!addr_parse(spec, (size_t)(p - spec), &lo) || lo.family != a.family)
			return false;
		bits = strtol(p + 1, &end, 10);
		if (end == p + 1 || *end != '\0' || bits < 0 || bits > (a.family == 4 ? 32 : 128)) {
			/* a dotted netmask, as in "192.0.2.0/255.255.255.0" */
			struct addr m;

			if (!addr_parse(p + 1, strlen(p + 1), &m) || m.family != a.family)
				return false;
			for (int i = 0; i < 16; i++)
				if ((a.b[i] & m.b[i]) != (lo.b[i] & m.b[i]))
					return false;
			return true;
		}
		nbytes = (int)bits / 8;
		if (memcmp(a.b, lo.b, (size_t)nbytes) != 0)
			return false;
		if (bits % 8) {
			unsigned char mask = (unsigned char)(0xff << (8 - bits % 8));

			return (a.b[nbytes] & mask) == (lo.b[nbytes] & mask);
		}
		return true;
	}
	if ((p = strchr(spec, '-')) != NULL) {
		if (!addr_parse(spec, (size_t)(p - spec), &lo) ||
		    !addr_parse(p + 1, strlen(p + 1), &hi) ||
		    lo.family != a.family || hi.family != a.family)
			return false;
		return memcmp(a.b, lo.b, 16) >= 0 && memcmp(a.b, hi.b, 16) <= 0;
	}
	if (!addr_parse(spec, strlen(spec), &lo) || lo.family != a.family)
		return false;
	return memcmp(a.b, lo.b, 16) == 0;
}

/* True for a spec that covers every address of its family. */
static bool addr_is_any(const char *spec)
{
	return strcmp(spec, "0.0.0.0/0") == 0 || strcmp(spec, "::/0") == 0 ||
	       strcmp(spec, "Anywhere") == 0 || strcmp(spec, "any") == 0;
}

/* ---- the rule model shared by every firewall -------------------------- */

struct prange {
	uint16_t lo, hi;
};

struct vmap_entry {
	uint16_t lo, hi;
	enum fw_action action;
	char *target;
};

enum iface_match { IF_ANY, IF_LO, IF_NOT_LO, IF_OTHER };

struct crule {
	char *text;
	int proto;		/* -1: any protocol; else an IP protocol number */
	bool proto_neg;
	bool has_dport, dport_neg, dport_unknown;
	struct prange *dports;
	size_t ndports;
	struct strv saddrs;	/* empty: any source */
	bool saddr_neg, saddr_unknown;
	int family;		/* 0 both, 4, 6 */
	enum iface_match iface;
	bool excludes_new;	/* never matches a client's SYN (--syn negated, -m rt...) */
	/* A conntrack state match (-m state, -m conntrack, ct state): the
	 * states it admits, CT_* bits, negation applied. */
	bool has_ct;
	unsigned ct_ok;
	/* A verdict map on ct state: what it does to a SYN after connection
	 * tracking saw it (NEW, [0]) and before (INVALID, [1]); ctv_has says
	 * whether the map holds that state at all. */
	bool has_ctv;
	bool ctv_has[2];
	enum fw_action ctv_act[2];
	char *ctv_target[2];
	unsigned cond;		/* COND_*: what else its match depends on */
	int src_type_remote;	/* -m addrtype --src-type: matches a remote client (1), not (0), -1 no such match */
	int src_type_local;	/* the same for a client on this machine */
	/* A destination match on loopback addresses only (-d 127.0.0.0/8):
	 * 1, never met by a client elsewhere; 2 negated, always met by one. */
	int dst_lo;
	bool not_evaluated;
	long handle;		/* nft's handle of the rule, 0 when not known */
	enum fw_action action;
	char *reject_with;
	char *target;
	struct vmap_entry *vmap;	/* a verdict map on the destination port */
	size_t nvmap;
	bool vmap_partial;	/* some keys of the map were not understood */
};

struct cchain {
	char *table;
	char *name;
	char *ptable, *pname;	/* printable copies, for the result */
	int family;		/* 0 both, 4, 6 */
	bool base;		/* evaluated from the hook (nft), or the entry chain */
	long prio;
	bool has_policy;
	enum fw_action policy;
	char *policy_reject_with;
	char *policy_text;
	struct crule *rules;
	size_t n, alloc;
};

struct model {
	enum fw_source src;
	struct cchain *v;
	size_t n, alloc;
	/* an open-addressing index of v by table and name: slot holds index+1,
	 * 0 is empty; hcap is a power of two, at least twice n */
	size_t *slot;
	size_t hcap;
};

static void crule_init(struct crule *r)
{
	memset(r, 0, sizeof(*r));
	r->proto = -1;
	r->src_type_remote = r->src_type_local = -1;
	strv_init(&r->saddrs);
}

static void crule_release(struct crule *r)
{
	free(r->text);
	free(r->dports);
	strv_release(&r->saddrs);
	free(r->reject_with);
	free(r->target);
	free(r->ctv_target[0]);
	free(r->ctv_target[1]);
	for (size_t i = 0; i < r->nvmap; i++)
		free(r->vmap[i].target);
	free(r->vmap);
}

static void crule_add_dport(struct crule *r, long lo, long hi)
{
	if (lo < 0 || hi > 65535 || lo > hi) {
		r->dport_unknown = true;
		return;
	}
	r->dports = xrealloc(r->dports, (r->ndports + 1) * sizeof(*r->dports));
	r->dports[r->ndports].lo = (uint16_t)lo;
	r->dports[r->ndports].hi = (uint16_t)hi;
	r->ndports++;
}

static void model_init(struct model *m, enum fw_source src)
{
	memset(m, 0, sizeof(*m));
	m->src = src;
}

static void model_release(struct model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct cchain *c = &m->v[i];

		for (size_t j = 0; j < c->n; j++)
			crule_release(&c->rules[j]);
		free(c->rules);
		free(c->table);
		free(c->name);
		free(c->ptable);
		free(c->pname);
		free(c->policy_reject_with);
		free(c->policy_text);
	}
	free(m->v);
	free(m->slot);
	m->v = NULL;
	m->slot = NULL;
	m->n = m->alloc = m->hcap = 0;
}

/* FNV-1a over the table and the name: chains are looked up at every jump,
 * and kube-proxy-sized rule sets hold thousands of them. */
static size_t chain_hash(const char *table, const char *name)
{
	uint64_t h = 14695981039346656037ULL;

	for (const char *p = table ? table : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xffu) * 1099511628211ULL;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (size_t)h;
}

static bool chain_is(const struct cchain *c, const char *table, const char *name)
{
	return strcmp(c->name, name) == 0 &&
	       ((c->table == NULL && table == NULL) || (c->table && table && strcmp(c->table, table) == 0));
}

static void model_index(struct model *m, size_t i)
{
	size_t k = chain_hash(m->v[i].table, m->v[i].name) & (m->hcap - 1);

	while (m->slot[k] != 0)
		k = (k + 1) & (m->hcap - 1);
	m->slot[k] = i + 1;
}

static struct cchain *model_find(const struct model *m, const char *table, const char *name)
{
	if (m->hcap == 0)
		return NULL;
	for (size_t k = chain_hash(table, name) & (m->hcap - 1); m->slot[k] != 0; k = (k + 1) & (m->hcap - 1))
		if (chain_is(&m->v[m->slot[k] - 1], table, name))
			return &m->v[m->slot[k] - 1];
	return NULL;
}

/* Returns the chain, adding it when it is new. */
static struct cchain *model_chain(struct model *m, const char *table, const char *name)
{
	struct cchain *c = model_find(m, table, name);

	if (c != NULL)
		return c;
	if (m->n == m->alloc) {
		m->alloc = m->alloc ? m->alloc * 2 : 8;
		m->v = xrealloc(m->v, m->alloc * sizeof(*m->v));
	}
	c = &m->v[m->n++];
	memset(c, 0, sizeof(*c));
	c->table = table ? xstrdup(table) : NULL;
	c->name = xstrdup(name);
	c->ptable = pdup(table);
	c->pname = pdup(name);
	if (2 * m->n > m->hcap) {
		m->hcap = m->hcap ? m->hcap * 2 : 16;
		free(m->slot);
		m->slot = xcalloc(m->hcap, sizeof(*m->slot));
		for (size_t i = 0; i < m->n; i++)
			model_index(m, i);
	} else {
		model_index(m, m->n - 1);
	}
	return c;
}

/* Hands r (initialised and filled) over to the chain; its text is made
 * printable here, once. */
static void chain_add_rule(struct cchain *c, struct crule *r)
{
	char *text = pdup(r->text ? r->text : "");

	free(r->text);
	r->text = text;
	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 16;
		c->rules = xrealloc(c->rules, c->alloc * sizeof(*c->rules));
	}
	c->rules[c->n++] = *r;
	crule_init(r);
}

static void chain_set_policy(struct cchain *c, enum fw_action act, const char *reject_with,
			     const char *text)
{
	c->has_policy = true;
	c->policy = act;
	free(c->policy_reject_with);
	c->policy_reject_with = reject_with ? xstrdup(reject_with) : NULL;
	free(c->policy_text);
	c->policy_text = pdup(text);
}

/* ---- evaluation ------------------------------------------------------- */

/* Why a rule's match is not known for every client. */
#define COND_PACKET	1u	/* interface, destination address, source port */
#define COND_TIMING	2u	/* a rate limit, -m recent, a quota */
#define COND_UNKNOWN	4u	/* a match the evaluator cannot look into */
#define COND_SOURCE	8u	/* the client's address, which is not known */

/* Base chains are ordered by hook, then priority: prerouting, then input. */
#define FW_HOOK_INPUT	1000000L

/* How many ways (matched, not matched) evaluation follows at most. */
#define FW_MAX_PATHS	256
/* Assumptions one way remembers; more make it unknown. */
#define FW_MAX_ASSUME	32

struct assume {
	const struct crule *r;
	size_t id;			/* the rule's number in the model (evalctx.offset) */
	bool matched;
	unsigned why;
};

struct frame {
	const struct cchain *ch;
	size_t i;
};

/* One way through the rules: where it is, and what it assumed to get there. */
struct path {
	size_t base;			/* the base chain being walked */
	struct frame st[FW_MAX_DEPTH];
	int depth;
	int accepted;			/* the rule that accepted in an earlier base chain */
	bool undecided;			/* a base chain without policy fell through */
	bool overflow;			/* too many assumptions */
	const struct crule *forced;	/* the next rule is taken as matched (a fork) */
	struct assume as[FW_MAX_ASSUME];
	size_t nas;
	bool any_matched;		/* some assumption took a rule as matched */
};

enum way_end { END_OPEN, END_BLOCK, END_UNDECIDED };

struct way {
	enum way_end end;
	int rule;			/* listed rule or policy that decided, or -1 */
	unsigned why_matched;		/* COND_* of the assumptions taken as matched */
	unsigned why_any;		/* COND_* of every assumption */
	struct assume *as;		/* a copy */
	size_t nas;
	bool overflow;
};

struct evalctx {
	const struct model *m;
	struct fw_result *res;
	const char *client;
	int family;
	bool client_lo;
	size_t steps, max_steps;
	const struct cchain **base;
	size_t nbase;
	size_t *offset;			/* per chain: the id of its first rule */
	int *listed;			/* per rule id: index in res->rules, or -1 */
	int *policy_listed;		/* per chain: index of its listed policy, or -1 */
	unsigned char *noted;		/* per rule id: note_unknown said it already */
	const struct cchain **to;	/* per rule id: the chain its target names, once looked up */
	unsigned char *to_done;		/* per rule id: to[] holds the answer (NULL: none) */
	signed char *decides;		/* per chain: 1 can decide, 0 cannot, -1 unknown, 2 busy */
	struct path *pending;		/* ways still to follow, grown as needed */
	size_t npending, pending_alloc;
	size_t nstarted;
	bool truncated;
	struct way *ways;
	size_t nways;
};

enum match { M_NO, M_YES, M_COND, M_LOOPBACK };

/* Connection tracking states. A client's SYN is NEW once conntrack has
 * seen it (priority -200 of prerouting); chains that run before that
 * (iptables' raw table, nft chains of a lower priority, ingress) see no
 * conntrack entry at all, which state matches take as INVALID. */
#define CT_NEW		1u
#define CT_INVALID	2u
#define CT_ESTABLISHED	4u
#define CT_RELATED	8u
#define CT_UNTRACKED	16u
#define CT_ALL		31u
#define NF_PRI_CONNTRACK (-200L)

/* Which state the SYN has where the way now stands: 0 NEW, 1 INVALID, -1
 * not known (a chain at conntrack's own priority: the order between them
 * is the order they were registered in). */
static int path_ct_state(const struct evalctx *c, const struct path *p)
{
	long prio;

	if (p->base >= c->nbase)
		return 0;
	prio = c->base[p->base]->prio;
	if (prio < NF_PRI_CONNTRACK)
		return 1;
	return prio == NF_PRI_CONNTRACK ? -1 : 0;
}

/* Whether r matches a new connection to the port from the client; *why
 * says what an M_COND depends on. */
static enum match rule_match(struct evalctx *c, const struct crule *r, int ct, unsigned *why)
{
	enum match m = M_YES;

	*why = 0;
	if (r->excludes_new)
		return M_NO;
	if (r->has_ct || r->has_ctv) {
		bool new_ok = r->has_ctv ? r->ctv_has[0] : (r->ct_ok & CT_NEW) != 0;
		bool inv_ok = r->has_ctv ? r->ctv_has[1] : (r->ct_ok & CT_INVALID) != 0;

		if (ct >= 0 && !(ct == 0 ? new_ok : inv_ok))
			return M_NO;
		if (ct < 0 && !new_ok && !inv_ok)
			return M_NO;
		if (ct < 0 && new_ok != inv_ok) {
			m = M_COND;
			*why |= COND_UNKNOWN;
		}
	}
	if (r->proto >= 0 && (r->proto == 6) == r->proto_neg)
		return M_NO;
	if (r->family != 0 && r->family != c->family)
		return M_NO;
	if (r->dst_lo == 1 && !c->client_lo)
		return M_NO;
	if (r->dst_lo != 0 && c->client_lo) {
		m = M_COND;
		*why |= COND_PACKET;	/* which address a local client connects to */
	}
	if (r->src_type_remote >= 0 || r->src_type_local >= 0) {
		int ok = c->client_lo ? r->src_type_local : r->src_type_remote;

		if (ok == 0)
			return M_NO;
	}
	if (r->has_dport && !r->dport_unknown) {
		bool in = false;

		for (size_t i = 0; i < r->ndports && !in; i++)
			in = c->res->port >= r->dports[i].lo && c->res->port <= r->dports[i].hi;
		if (in == r->dport_neg)
			return M_NO;
	} else if (r->has_dport) {
		m = M_COND;
		*why |= COND_UNKNOWN;
	}
	if (r->nvmap > 0) {
		bool in = false;

		for (size_t i = 0; i < r->nvmap && !in; i++)
			in = c->res->port >= r->vmap[i].lo && c->res->port <= r->vmap[i].hi;
		if (!in && !r->vmap_partial)
			return M_NO;
		if (!in) {
			m = M_COND;
			*why |= COND_UNKNOWN;
		}
	}
	switch (r->iface) {
	case IF_ANY:
		break;
	case IF_LO:
		if (!c->client_lo)
			return M_LOOPBACK;
		break;
	case IF_NOT_LO:
		if (c->client_lo)
			return M_NO;
		break;
	case IF_OTHER:
		m = M_COND;
		*why |= COND_PACKET;
		break;
	}
	if (r->saddrs.n > 0 || r->saddr_unknown) {
		if (r->saddr_unknown) {
			m = M_COND;
			*why |= COND_UNKNOWN;
		} else if (c->client == NULL) {
			m = M_COND;
			*why |= COND_SOURCE;
		} else {
			bool in = false;

			for (size_t i = 0; i < r->saddrs.n && !in; i++)
				in = fw_addr_match(r->saddrs.v[i], c->client);
			if (in == r->saddr_neg)
				return M_NO;
		}
	}
	if (r->cond != 0 || r->not_evaluated) {
		m = M_COND;
		*why |= r->cond | (r->not_evaluated ? COND_UNKNOWN : 0);
	}
	return m;
}

/* Lists r (once) and returns its index in the result. */
static int list_rule(struct evalctx *c, const struct cchain *ch, const struct crule *r,
		     enum fw_action act, const char *target, bool cond)
{
	struct fw_result *res = c->res;
	struct fw_rule *o;
	int i;

	size_t id = c->offset[ch - c->m->v] + (size_t)(r - ch->rules);

	if (c->listed[id] >= 0)
		return c->listed[id];
	i = res_add_rule(res);
	o = &res->rules[i];
	c->listed[id] = i;
	o->table = ch->ptable ? xstrdup(ch->ptable) : NULL;
	o->chain = xstrdup(ch->pname);
	o->text = xstrdup(r->text);
	o->action = act;
	if (act == FW_ACT_REJECT_ICMP)
		o->reject_with = pdup(r->reject_with);
	o->target = pdup(target);
	for (size_t k = 0; k < r->saddrs.n; k++)
		strv_push_owned(&o->sources, pdup(r->saddrs.v[k]));
	o->sources_negated = r->saddr_neg;
	o->loopback_only = r->iface == IF_LO;
	o->conditional = cond;
	o->not_evaluated = r->not_evaluated;
	o->timing = (r->cond & COND_TIMING) != 0;
	o->position = (int)(r - ch->rules) + 1;
	o->handle = r->handle;
	o->effect = action_effect(act, o->reject_with, c->family);
	if (o->loopback_only && !c->client_lo)
		o->effect = NULL;
	return i;
}

static int list_policy(struct evalctx *c, const struct cchain *ch)
{
	struct fw_result *res = c->res;
	size_t ci = (size_t)(ch - c->m->v);
	struct fw_rule *o;
	int i;

	if (c->policy_listed[ci] >= 0)
		return c->policy_listed[ci];
	i = res_add_rule(res);
	o = &res->rules[i];
	c->policy_listed[ci] = i;
	o->table = ch->ptable ? xstrdup(ch->ptable) : NULL;
	o->chain = xstrdup(ch->pname);
	o->text = xstrdup(ch->policy_text ? ch->policy_text : fw_action_name(ch->policy));
	o->action = ch->policy;
	o->reject_with = pdup(ch->policy_reject_with);
	o->is_policy = true;
	o->effect = action_effect(ch->policy, o->reject_with, c->family);
	return i;
}

/* The chain rule ri of ch jumps to when its target is target (a verdict
 * map's may differ from the rule's own), looked up once per query: ways
 * through the rules pass the same jumps again and again. */
static const struct cchain *rule_target(struct evalctx *c, const struct cchain *ch, size_t ri,
					const char *target)
{
	size_t id = c->offset[ch - c->m->v] + ri;

	if (target != ch->rules[ri].target)
		return model_find(c->m, ch->table, target);
	if (!c->to_done[id]) {
		c->to[id] = model_find(c->m, ch->table, target);
		c->to_done[id] = 1;
	}
	return c->to[id];
}

/* Whether a jump into ch can change where evaluation ends: a terminal
 * rule, a verdict map or an unknown target in it or in a chain it jumps to. */
static bool chain_decides(struct evalctx *c, const struct cchain *ch, int depth)
{
	size_t ci = (size_t)(ch - c->m->v);
	bool d = false;

	if (c->decides[ci] == 0 || c->decides[ci] == 1)
		return c->decides[ci] == 1;
	if (c->decides[ci] == 2 || depth >= FW_MAX_DEPTH)
		return true;	/* a loop: follow it, the depth bound stops it */
	c->decides[ci] = 2;
	for (size_t i = 0; i < ch->n && !d; i++) {
		const struct crule *r = &ch->rules[i];

		if (r->excludes_new || (r->has_ct && !(r->ct_ok & (CT_NEW | CT_INVALID))) ||
		    (r->has_ctv && !r->ctv_has[0] && !r->ctv_has[1]))
			continue;
		if (is_terminal(r->action) || r->nvmap > 0 || r->not_evaluated ||
		    r->action == FW_ACT_OTHER)
			d = true;
		else if ((r->action == FW_ACT_JUMP || r->action == FW_ACT_GOTO) && r->target) {
			const struct cchain *to = rule_target(c, ch, i, r->target);

			d = to == NULL || chain_decides(c, to, depth + 1);
		}
	}
	c->decides[ci] = d ? 1 : 0;
	return d;
}

static void path_assume(struct path *p, const struct crule *r, size_t id, bool matched, unsigned why)
{
	if (p->nas == FW_MAX_ASSUME) {
		p->overflow = true;
		return;
	}
	p->as[p->nas++] = (struct assume){ .r = r, .id = id, .matched = matched, .why = why };
	p->any_matched |= matched;
}

/* Remembers the other way (r matched) to be followed later. */
static void fork_matched(struct evalctx *c, const struct path *p, const struct crule *r, size_t id,
			 unsigned why, struct path *out_cur)
{
	if (c->nstarted + c->npending >= FW_MAX_PATHS) {
		c->truncated = true;
	} else {
		struct path *q;

		if (c->npending == c->pending_alloc) {
			c->pending_alloc = c->pending_alloc ? c->pending_alloc * 2 : 8;
			c->pending = xrealloc(c->pending, c->pending_alloc * sizeof(*c->pending));
		}
		q = &c->pending[c->npending++];

		*q = *p;
		q->st[q->depth - 1].i--;	/* back to r, taken as matched */
		q->forced = r;
		path_assume(q, r, id, true, why);
	}
	path_assume(out_cur, r, id, false, why);
}

static void way_end(struct evalctx *c, const struct path *p, enum way_end end, int rule)
{
	struct way *w;

	c->ways = xrealloc(c->ways, (c->nways + 1) * sizeof(*c->ways));
	w = &c->ways[c->nways++];
	memset(w, 0, sizeof(*w));
	w->end = end;
	w->rule = rule;
	w->overflow = p->overflow;
	w->nas = p->nas;
	w->as = xcalloc(p->nas + 1, sizeof(*w->as));
	memcpy(w->as, p->as, p->nas * sizeof(*w->as));
	for (size_t i = 0; i < p->nas; i++) {
		w->why_any |= p->as[i].why;
		if (p->as[i].matched)
			w->why_matched |= p->as[i].why;
	}
}

/* Enters ch from p (a jump or goto); false when it cannot. */
static bool path_enter(struct evalctx *c, struct path *p, const struct cchain *from, size_t ri,
		       const char *target, bool is_goto)
{
	const struct cchain *to = rule_target(c, from, ri, target);

	if (to == NULL) {
		char *s = xasprintf("chain '%s' is jumped to but not listed", target);

		res_note(c->res, s);
		free(s);
		return false;
	}
	if (is_goto) {
		/* a goto returns to the caller of the chain it leaves; from a
		 * base chain, to its policy */
		p->st[p->depth - 1] = (struct frame){ .ch = to, .i = 0 };
		return true;
	}
	if (p->depth >= FW_MAX_DEPTH) {
		res_note(c->res, "jumps nest too deep; the innermost chains were not evaluated");
		return false;
	}
	p->st[p->depth++] = (struct frame){ .ch = to, .i = 0 };
	return true;
}

/* Follows one way to its end. */
static void path_run(struct evalctx *c, struct path *p)
{
	for (;;) {
		struct frame *f;
		const struct crule *r;
		enum fw_action act;
		const char *target;
		enum match m;
		unsigned why = 0;
		int idx, ct;
		bool cond;

		if (p->depth == 0) {
			if (p->base >= c->nbase) {
				way_end(c, p, p->undecided && p->accepted < 0 ? END_UNDECIDED : END_OPEN,
					p->accepted);
				return;
			}
			p->st[p->depth++] = (struct frame){ .ch = c->base[p->base], .i = 0 };
		}
		f = &p->st[p->depth - 1];
		if (f->i >= f->ch->n || ++c->steps > c->max_steps) {
			if (c->steps > c->max_steps) {
				res_note(c->res, "too many rules to follow; evaluation stopped");
				p->overflow = true;
				p->depth = 1;
			}
			if (--p->depth > 0)
				continue;
			/* the end of a base chain: its policy decides */
			if (!c->base[p->base]->has_policy) {
				p->undecided = true;
			} else if (is_block(c->base[p->base]->policy)) {
				way_end(c, p, END_BLOCK, list_policy(c, c->base[p->base]));
				return;
			}
			p->base++;
			continue;
		}
		r = &f->ch->rules[f->i++];
		ct = path_ct_state(c, p);
		if (r == p->forced) {
			p->forced = NULL;
			m = M_YES;
			cond = true;
		} else {
			m = rule_match(c, r, ct, &why);
			cond = m == M_COND;
		}
		if (m == M_NO)
			continue;
		act = r->action;
		target = r->target;
		if (r->has_ctv && ct >= 0 && r->ctv_has[ct]) {
			act = r->ctv_act[ct];
			target = r->ctv_target[ct];
		} else if (r->has_ctv && ct < 0) {
			act = FW_ACT_OTHER;
			target = "verdict map";
		}
		for (size_t k = 0; k < r->nvmap; k++) {
			if (c->res->port >= r->vmap[k].lo && c->res->port <= r->vmap[k].hi) {
				act = r->vmap[k].action;
				target = r->vmap[k].target;
				break;
			}
		}
		cond |= p->any_matched;
		idx = list_rule(c, f->ch, r, act, target, cond);
		if (m == M_LOOPBACK)
			continue;
		if (act == FW_ACT_NONE)
			continue;
		if (act == FW_ACT_OTHER && m == M_YES) {
			/* a target (or map) the evaluator cannot follow: where this
			 * way ends is not known, never "it went on" */
			char *s = xasprintf("'%s' (%s) was not followed", r->text, target ? target : "unknown");

			res_note(c->res, s);
			free(s);
			way_end(c, p, END_UNDECIDED, idx);
			return;
		}
		if ((act == FW_ACT_JUMP || act == FW_ACT_GOTO) && target == NULL)
			continue;
		if (m == M_COND) {
			if (act == FW_ACT_JUMP) {
				const struct cchain *to = rule_target(c, f->ch, f->i - 1, target);

				if (to != NULL && !chain_decides(c, to, 0))
					continue;	/* either way ends alike */
			}
			fork_matched(c, p, r, c->offset[f->ch - c->m->v] + f->i - 1, why, p);
			continue;	/* this way: not matched */
		}
		switch (act) {
		case FW_ACT_ACCEPT:
			/* this base chain lets it through; the next one still runs */
			if (p->accepted < 0)
				p->accepted = idx;
			p->depth = 0;
			p->base++;
			break;
		case FW_ACT_DROP:
		case FW_ACT_REJECT_ICMP:
		case FW_ACT_REJECT_TCP_RESET:
		case FW_ACT_REJECT:
			way_end(c, p, END_BLOCK, idx);
			return;
		case FW_ACT_JUMP:
		case FW_ACT_GOTO:
			path_enter(c, p, f->ch, f->i - 1, target, act == FW_ACT_GOTO);
			break;
		case FW_ACT_RETURN:
			f->i = f->ch->n;
			break;
		case FW_ACT_NONE:
		case FW_ACT_OTHER:
			break;
		}
	}
}

static int chain_prio_cmp(const void *a, const void *b)
{
	const struct cchain *x = *(const struct cchain *const *)a;
	const struct cchain *y = *(const struct cchain *const *)b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x < y ? -1 : (x > y);
}

static void query_setup(struct fw_result *res, const struct fw_query *q)
{
	int fam = q->family;

	res->port = q->port;
	if (fam != 4 && fam != 6)
		fam = addr_family(q->client);
	res->family = fam ? fam : 4;
	free(res->client);
	res->client = pdup(q->client);
}

/* "198.51.100.0/24", "not 192.0.2.0/25", "192.0.2.1 or 192.0.2.2": the
 * sources an assumption on r's source addresses names. */
static char *sources_words(const struct crule *r)
{
	struct strbuf sb;

	strbuf_init(&sb);
	if (r->saddr_neg)
		strbuf_addstr(&sb, "not ");
	for (size_t i = 0; i < r->saddrs.n; i++) {
		char *p = pdup(r->saddrs.v[i]);

		strbuf_addf(&sb, "%s%s", i ? (r->saddr_neg ? " nor " : " or ") : "", p);
		free(p);
	}
	return strbuf_detach(&sb, NULL);
}

/* The sources a way was taken for: its matched source assumptions. */
static void way_sources(const struct way *w, struct strv *out)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < w->nas; i++) {
		char *s;

		if (!w->as[i].matched || !(w->as[i].why & COND_SOURCE) || w->as[i].r->saddrs.n == 0)
			continue;
		s = sources_words(w->as[i].r);
		strbuf_addf(&sb, "%s%s", sb.len ? " within " : "", s);
		free(s);
	}
	if (sb.len > 0 && !strv_contains(out, sb.buf))
		strv_push(out, sb.buf);
	strbuf_release(&sb);
}

/* Notes the rules that could not be evaluated and could change the answer. */
static void note_unknown(struct evalctx *c, const struct way *w)
{
	for (size_t i = 0; i < w->nas; i++) {
		char *p, *s;

		if (!w->as[i].matched || !(w->as[i].why & (COND_UNKNOWN | COND_PACKET)))
			continue;
		/* once per rule: hundreds of ways may share the assumption */
		if (c->noted[w->as[i].id])
			continue;
		c->noted[w->as[i].id] = 1;
		p = pdup(w->as[i].r->text);
		s = xasprintf(w->as[i].why & COND_UNKNOWN ?
			      "'%s' could change the answer, and the evaluator cannot tell what it matches" :
			      "'%s' could change the answer for some interfaces or addresses", p);
		res_note(c->res, s);
		free(s);
		free(p);
	}
	if (w->overflow)
		res_note(c->res, "some ways through the rules were too long to follow");
}

/* Whether two ways end alike for the client: both open, both undecided,
 * or blocked the same way (a DROP and a REJECT are different answers, and
 * so are a RST and an ICMP error). */
static bool way_same(const struct evalctx *c, const struct way *a, const struct way *b)
{
	const struct fw_rule *ra, *rb;

	if (a->end != b->end)
		return false;
	if (a->end != END_BLOCK || a->rule == b->rule)
		return true;
	ra = &c->res->rules[a->rule];
	rb = &c->res->rules[b->rule];
	return ra->action == rb->action && ra->effect == rb->effect;
}

/* Compares where the ways ended and sets the verdict. */
static void ways_judge(struct evalctx *c)
{
	struct fw_result *res = c->res;
	const struct way *b = &c->ways[0];
	unsigned why = 0;
	size_t ndiff = 0;
	const struct way *first = NULL;

	for (size_t i = 1; i < c->nways; i++) {
		const struct way *w = &c->ways[i];

		if (way_same(c, w, b) && !w->overflow)
			continue;
		why |= w->why_matched | (w->overflow ? COND_UNKNOWN : 0);
		if (first == NULL)
			first = w;
		ndiff++;
	}
	if (b->overflow)
		why |= COND_UNKNOWN;
	if (c->truncated) {
		res_note(res, "the rules branch too often to follow every way; the answer is not certain");
		why |= COND_UNKNOWN;
		ndiff++;
	}
	if (ndiff == 0) {
		switch (b->end) {
		case END_BLOCK:
			res->verdict = res->rules[b->rule].action == FW_ACT_DROP ?
				       FW_VERDICT_DROPPED : FW_VERDICT_REJECTED;
			res->deciding = b->rule;
			break;
		case END_OPEN:
			res->verdict = FW_VERDICT_OPEN;
			res->deciding = b->rule;
			break;
		case END_UNDECIDED:
			res->verdict = FW_VERDICT_UNKNOWN;
			break;
		}
		return;
	}
	for (size_t i = 1; i < c->nways; i++)
		if (!way_same(c, &c->ways[i], b) || c->ways[i].overflow)
			note_unknown(c, &c->ways[i]);
	note_unknown(c, b);
	res->timing = (why & COND_TIMING) != 0;
	if (b->end == END_BLOCK && !(why & COND_UNKNOWN)) {
		bool all_open = true;

		/* every way that ends otherwise than b ends open */
		for (size_t i = 1; i < c->nways; i++)
			if (!way_same(c, &c->ways[i], b) && c->ways[i].end != END_OPEN)
				all_open = false;
		if (all_open && first != NULL && (why & (COND_SOURCE | COND_PACKET))) {
			res->verdict = FW_VERDICT_OPEN_SOME;
			res->deciding = first->rule;
			res->blocking = b->rule;
			if (!(why & COND_PACKET))
				for (size_t i = 1; i < c->nways; i++)
					if (c->ways[i].end == END_OPEN)
						way_sources(&c->ways[i], &res->only_sources);
			return;
		}
		if (all_open && why == COND_TIMING) {
			/* open only when a rate limit lets it: blocked as a rule */
			res->verdict = res->rules[b->rule].action == FW_ACT_DROP ?
				       FW_VERDICT_DROPPED : FW_VERDICT_REJECTED;
			res->deciding = b->rule;
			return;
		}
	}
	if (b->end == END_OPEN && !(why & (COND_UNKNOWN | COND_PACKET))) {
		bool all_block = true;

		for (size_t i = 1; i < c->nways; i++)
			if (c->ways[i].end == END_UNDECIDED)
				all_block = false;
		if (all_block) {
			res->verdict = FW_VERDICT_OPEN;
			res->deciding = b->rule;
			for (size_t i = 1; i < c->nways; i++)
				if (c->ways[i].end == END_BLOCK && (c->ways[i].why_matched & COND_SOURCE))
					way_sources(&c->ways[i], &res->blocked_sources);
			if (res->timing)
				for (size_t i = 1; i < c->nways; i++)
					if (c->ways[i].end == END_BLOCK &&
					    (c->ways[i].why_matched & COND_TIMING)) {
						char *p = pdup(res->rules[c->ways[i].rule].text);
						char *s = xasprintf("a source that connects too often is blocked "
								    "(%s): that depends on timing", p);

						res_note(res, s);
						free(s);
						free(p);
						break;
					}
			return;
		}
	}
	res->verdict = FW_VERDICT_UNKNOWN;
	res->deciding = -1;
}

/*
 * Evaluates the base chains of m in hook and priority order, every way a
 * conditional rule can go, and sets the verdict.
 */
static void model_evaluate(const struct model *m, const struct fw_query *q, struct fw_result *res)
{
	struct evalctx c = {
		.m = m, .res = res, .client = q->client, .family = res->family,
		.client_lo = addr_is_loopback(q->client),
	};
	size_t total = 0;

	c.base = xcalloc(m->n + 1, sizeof(*c.base));
	c.offset = xcalloc(m->n + 1, sizeof(*c.offset));
	c.policy_listed = xcalloc(m->n + 1, sizeof(*c.policy_listed));
	c.decides = xcalloc(m->n + 1, sizeof(*c.decides));
	for (size_t i = 0; i < m->n; i++) {
		c.offset[i] = total;
		total += m->v[i].n;
		c.policy_listed[i] = -1;
		c.decides[i] = -1;
		if (m->v[i].base && (m->v[i].family == 0 || m->v[i].family == res->family))
			c.base[c.nbase++] = &m->v[i];
	}
	c.max_steps = total * 4 > FW_MAX_STEPS ? total * 4 : FW_MAX_STEPS;
	c.listed = xcalloc(total + 1, sizeof(*c.listed));
	c.noted = xcalloc(total + 1, sizeof(*c.noted));
	c.to = xcalloc(total + 1, sizeof(*c.to));
	c.to_done = xcalloc(total + 1, sizeof(*c.to_done));
	for (size_t i = 0; i < total; i++)
		c.listed[i] = -1;
	qsort(c.base, c.nbase, sizeof(*c.base), chain_prio_cmp);
	/* nf_tables runs base chains of one priority on one hook in the
	 * reverse of the order they were registered: the one listed last first */
	for (size_t i = 0; m->src == FW_SRC_NFTABLES && i < c.nbase;) {
		size_t j = i + 1;

		while (j < c.nbase && c.base[j]->prio == c.base[i]->prio)
			j++;
		for (size_t lo = i, hi = j - 1; lo < hi; lo++, hi--) {
			const struct cchain *t = c.base[lo];

			c.base[lo] = c.base[hi];
			c.base[hi] = t;
		}
		i = j;
	}
	c.pending_alloc = 8;
	c.pending = xcalloc(c.pending_alloc, sizeof(*c.pending));
	c.pending[c.npending++] = (struct path){ .accepted = -1 };
	while (c.npending > 0) {
		struct path p = c.pending[--c.npending];

		c.nstarted++;
		path_run(&c, &p);
	}
	ways_judge(&c);
	for (size_t i = 0; i < c.nways; i++)
		free(c.ways[i].as);
	free(c.ways);
	free(c.pending);
	free(c.listed);
	free(c.noted);
	free(c.to);
	free(c.to_done);
	free(c.decides);
	free(c.policy_listed);
	free(c.offset);
	free(c.base);
}

/* ---- text helpers ----------------------------------------------------- */

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return false;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* Adds "22", "1:1024", "1-1024" or a comma list of them to r's ports. */
static void add_port_list(struct crule *r, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;

	r->has_dport = true;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *sep = strpbrk(tok, ":-");
		long lo, hi;

		if (sep != NULL) {
			*sep = '\0';
			if ((*tok == '\0' ? (lo = 0, true) : parse_long(tok, 0, 65535, &lo)) &&
			    (sep[1] == '\0' ? (hi = 65535, true) : parse_long(sep + 1, 0, 65535, &hi)))
				crule_add_dport(r, lo, hi);
			else
				r->dport_unknown = true;
		} else if (parse_long(tok, 0, 65535, &lo)) {
			crule_add_dport(r, lo, lo);
		} else if (strcmp(tok, "ssh") == 0) {
			crule_add_dport(r, 22, 22);
		} else {
			r->dport_unknown = true;
		}
	}
	free(copy);
}

/* One conntrack state's name as a CT_* bit; 0 for one not known. */
static unsigned ct_state_bit(const char *s)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "new", CT_NEW }, { "invalid", CT_INVALID }, { "established", CT_ESTABLISHED },
		{ "related", CT_RELATED }, { "untracked", CT_UNTRACKED },
		/* -m conntrack's pseudo states of NAT: a new SYN is not NATed here */
		{ "snat", 0 }, { "dnat", 0 },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].bit;
	return 0;
}

/* The CT_* bits of a comma list of conntrack states. */
static unsigned states_mask(const char *s)
{
	char *copy = xstrdup(s), *save = NULL;
	unsigned mask = 0;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		mask |= ct_state_bit(tok);
	free(copy);
	return mask;
}

static int proto_number(const char *s)
{
	long v;

	if (strcasecmp(s, "tcp") == 0)
		return 6;
	if (strcasecmp(s, "udp") == 0)
		return 17;
	if (strcasecmp(s, "icmp") == 0)
		return 1;
	if (strcasecmp(s, "ipv6-icmp") == 0 || strcasecmp(s, "icmpv6") == 0)
		return 58;
	if (strcasecmp(s, "sctp") == 0)
		return 132;
	if (strcasecmp(s, "all") == 0 || strcasecmp(s, "any") == 0)
		return -1;
	if (parse_long(s, 0, 255, &v))
		return v == 0 ? -1 : (int)v;
	return 255;	/* some protocol other than TCP */
}

/* ---- iptables-save ---------------------------------------------------- */

/* Splits an iptables-save line into words; "quoted strings" keep their spaces. */
static void split_words(const char *line, struct strv *out)
{
	const char *p = line;

	for (;;) {
		struct strbuf w;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return;
		strbuf_init(&w);
		while (*p != '\0' && *p != ' ' && *p != '\t') {
			const char *q;

			if (*p == '"') {
				p++;
				while (*p != '\0' && *p != '"') {
					if (*p == '\\' && p[1] != '\0')
						p++;
					for (q = p + 1; *q != '\0' && *q != '"' && *q != '\\'; q++)
						;
					strbuf_add(&w, p, (size_t)(q - p));
					p = q;
				}
				if (*p == '"')
					p++;
			} else {
				for (q = p; *q != '\0' && *q != ' ' && *q != '\t' && *q != '"'; q++)
					;
				strbuf_add(&w, p, (size_t)(q - p));
				p = q;
			}
		}
		strv_push_owned(out, strbuf_detach(&w, NULL));
	}
}

static bool builtin_chain(const char *name)
{
	return strcmp(name, "INPUT") == 0 || strcmp(name, "OUTPUT") == 0 ||
	       strcmp(name, "FORWARD") == 0 || strcmp(name, "PREROUTING") == 0 ||
	       strcmp(name, "POSTROUTING") == 0;
}

/* Targets that do not end evaluation. */
static bool nonterminal_target(const char *t)
{
	static const char *const names[] = {
		"LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TOS", "DSCP", "TCPMSS",
		"CT", "TRACE", "AUDIT", "SET", "CLASSIFY", "NOTRACK", "CHECKSUM", "TTL",
		"HL", "SECMARK", "CONNSECMARK", "IDLETIMER", "LED", "RATEEST", "TEE",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(t, names[i]) == 0)
			return true;
	return false;
}

/* True when the comma list s names a or b (b may be NULL). */
static bool types_have(const char *s, const char *a, const char *b)
{
	char *copy = xstrdup(s), *save = NULL;
	bool found = false;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		if (strcasecmp(t, a) == 0 || (b != NULL && strcasecmp(t, b) == 0))
			found = true;
	free(copy);
	return found;
}

/*
 * Whether -m addrtype's type list (without its negation) holds a unicast
 * address that is this machine's own (local) or another machine's. IPv4
 * gives an address one route type: LOCAL or UNICAST. IPv6 (xt_addrtype's
 * match_type6) does otherwise: MULTICAST and UNSPEC must hold (they do not
 * here), UNICAST holds for both, and only when LOCAL, ANYCAST or
 * UNREACHABLE is listed is the route looked up (an address of this
 * machine is LOCAL; a client's is none of them, having a route); the
 * other types are not checked at all.
 */
static bool addrtype_matches(const char *types, bool v6, bool local)
{
	if (!v6)
		return types_have(types, local ? "LOCAL" : "UNICAST", NULL);
	if (types_have(types, "MULTICAST", "UNSPEC"))
		return false;
	if (types_have(types, "LOCAL", "ANYCAST") || types_have(types, "UNREACHABLE", NULL))
		return local && types_have(types, "LOCAL", NULL);
	return true;
}

/* Whether a SYN (the flag SYN alone) matches --tcp-flags MASK CMP: the
 * flags of the packet within MASK must be exactly CMP. */
static bool tcp_flags_match_syn(const char *mask, const char *cmp)
{
	char *copy = xstrdup(cmp), *save = NULL;
	bool syn = false, other = false;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(t, "SYN") == 0)
			syn = true;
		else if (strcasecmp(t, "ALL") == 0)
			syn = other = true;
		else if (strcasecmp(t, "NONE") != 0)
			other = true;
	}
	free(copy);
	if (other)
		return false;
	return syn == types_have(mask, "SYN", "ALL");
}

/* Fills r from the words of "-A CHAIN ..." (w[0] is "-A"); returns the chain name. */
static const char *ipt_rule(const struct strv *w, size_t start, struct crule *r,
			    enum fw_source src)
{
	const char *chain = NULL, *module = NULL;
	const char *target = NULL, *reject_with = NULL;
	bool neg = false, jump_goto = false;
	bool v6 = src == FW_SRC_IP6TABLES || src == FW_SRC_IP6TABLES_LEGACY;

	for (size_t i = start; i < w->n; i++) {
		const char *o = w->v[i];
		const char *a = i + 1 < w->n ? w->v[i + 1] : NULL;
		bool noarg = false;

		if (strcmp(o, "!") == 0) {
			neg = true;
			continue;
		}
		if (o[0] != '-') {
			neg = false;	/* a word no option reads */
			continue;
		}
		/* the options every rule has first: kube-proxy's rules are
		 * thousands, each with a comment */
		if (strcmp(o, "-j") == 0 || strcmp(o, "--jump") == 0) {
			target = a;
		} else if (strcmp(o, "--comment") == 0) {
			/* nothing that changes who matches */
		} else if (strcmp(o, "-A") == 0 || strcmp(o, "--append") == 0) {
			chain = a;
		} else if (strcmp(o, "-p") == 0 || strcmp(o, "--protocol") == 0) {
			if (a != NULL) {
				r->proto = proto_number(a);
				r->proto_neg = neg;
			}
		} else if (strcmp(o, "-s") == 0 || strcmp(o, "--source") == 0 ||
			   strcmp(o, "--src") == 0) {
			if (a != NULL) {
				char *copy = xstrdup(a), *save = NULL;

				for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
					if (!addr_is_any(t))
						strv_push(&r->saddrs, t);
				free(copy);
				r->saddr_neg = neg;
			}
		} else if (strcmp(o, "-d") == 0 || strcmp(o, "--destination") == 0 ||
			   strcmp(o, "--dst") == 0) {
			if (a != NULL && spec_is_loopback(a))
				r->dst_lo = neg ? 2 : 1;	/* kube-proxy's KUBE-FIREWALL */
			else if (a != NULL && !addr_is_any(a))
				r->cond |= COND_PACKET;
		} else if (strcmp(o, "-i") == 0 || strcmp(o, "--in-interface") == 0) {
			if (a != NULL) {
				if (strcmp(a, "lo") == 0)
					r->iface = neg ? IF_NOT_LO : IF_LO;
				else if (strcmp(a, "+") != 0)
					r->iface = IF_OTHER;
			}
		} else if (strcmp(o, "--dport") == 0 || strcmp(o, "--destination-port") == 0 ||
			   strcmp(o, "--dports") == 0 || strcmp(o, "--destination-ports") == 0 ||
			   strcmp(o, "--ports") == 0) {
			if (a != NULL) {
				add_port_list(r, a);
				r->dport_neg = neg;
			}
		} else if (strcmp(o, "--sport") == 0 || strcmp(o, "--source-port") == 0 ||
			   strcmp(o, "--sports") == 0 || strcmp(o, "--source-ports") == 0) {
			r->cond |= COND_PACKET;
		} else if (strcmp(o, "--state") == 0 || strcmp(o, "--ctstate") == 0) {
			if (a != NULL) {
				unsigned mask = states_mask(a);

				/* several state matches in one rule must all hold */
				r->ct_ok = (r->has_ct ? r->ct_ok : CT_ALL) & (neg ? CT_ALL & ~mask : mask);
				r->has_ct = true;
			}
		} else if (strcmp(o, "--syn") == 0) {
			if (neg)
				r->excludes_new = true;
		} else if (strcmp(o, "-m") == 0 || strcmp(o, "--match") == 0) {
			static const char *const harmless[] = {
				"tcp", "udp", "multiport", "state", "conntrack", "comment",
				"icmp", "icmp6", "addrtype", "recent",
			};
			bool known = false;

			module = a;
			for (size_t k = 0; a && k < sizeof(harmless) / sizeof(harmless[0]); k++)
				known |= strcmp(a, harmless[k]) == 0;
			if (a != NULL && strcmp(a, "set") == 0)
				r->saddr_unknown = true;	/* an ipset: members not listed */
			else if (a != NULL && (strcmp(a, "rt") == 0 || strcmp(a, "frag") == 0))
				r->excludes_new = true;	/* a client's SYN has no routing or fragment header */
			else if (a != NULL && (strcmp(a, "hl") == 0 || strcmp(a, "ttl") == 0))
				r->cond |= COND_PACKET;	/* the hop limit the client's packet arrives with */
			else if (a != NULL && (strcmp(a, "limit") == 0 || strcmp(a, "hashlimit") == 0 ||
					       strcmp(a, "connlimit") == 0))
				r->cond |= COND_TIMING;
			else if (!known)
				r->cond |= COND_UNKNOWN;
		} else if (strcmp(o, "--dst-type") == 0) {
			/* the SYN goes to an address of this machine */
			if (a != NULL && addrtype_matches(a, v6, true) == neg)
				r->excludes_new = true;
		} else if (strcmp(o, "--src-type") == 0) {
			/* a client elsewhere, or one on this machine */
			if (a != NULL) {
				r->src_type_remote = addrtype_matches(a, v6, false) != neg;
				r->src_type_local = addrtype_matches(a, v6, true) != neg;
			}
		} else if (strcmp(o, "--limit-iface-in") == 0 || strcmp(o, "--limit-iface-out") == 0) {
			noarg = true;
		} else if (strcmp(o, "--rcheck") == 0 || strcmp(o, "--update") == 0) {
			r->cond |= COND_TIMING;	/* -m recent: what this source did before */
			noarg = true;
		} else if (strcmp(o, "--set") == 0 || strcmp(o, "--remove") == 0 ||
			   strcmp(o, "--rsource") == 0 || strcmp(o, "--rdest") == 0 ||
			   strcmp(o, "--rttl") == 0 || strcmp(o, "--reap") == 0) {
			noarg = true;	/* -m recent options without an argument */
		} else if (strcmp(o, "--tcp-flags") == 0) {
			const char *cmp = i + 2 < w->n ? w->v[i + 2] : NULL;

			if (a != NULL && cmp != NULL && tcp_flags_match_syn(a, cmp) == neg)
				r->excludes_new = true;
			if (cmp != NULL)
				i++;
		} else if (strcmp(o, "--comment") == 0 || strcmp(o, "--name") == 0 ||
			   strcmp(o, "--mask") == 0 || strcmp(o, "--seconds") == 0 ||
			   strcmp(o, "--hitcount") == 0 || strcmp(o, "--limit") == 0 ||
			   strcmp(o, "--limit-burst") == 0 || strcmp(o, "--icmp-type") == 0 ||
			   strcmp(o, "--icmpv6-type") == 0 || (strncmp(o, "--hashlimit", 11) == 0) ||
			   strncmp(o, "--rt-", 5) == 0 || strncmp(o, "--frag", 6) == 0 ||
			   strncmp(o, "--hl-", 5) == 0 || strncmp(o, "--ttl-", 6) == 0 ||
			   strncmp(o, "--connlimit", 11) == 0) {
			/* options of matches whose meaning is settled above */
		} else if (strcmp(o, "-g") == 0 || strcmp(o, "--goto") == 0) {
			target = a;
			jump_goto = true;
		} else if (strcmp(o, "--reject-with") == 0) {
			reject_with = a;
		} else if (strcmp(o, "-c") == 0 || strcmp(o, "--set-counters") == 0) {
			i++;	/* -c PKTS BYTES */
		} else {
			/* an option of a match not read here: it may narrow the match
			 * in ways the evaluator cannot see */
			if (target == NULL && o[0] == '-' && strcmp(o, "-f") != 0 &&
			    strcmp(o, "--fragment") != 0 && module != NULL)
				r->cond |= COND_UNKNOWN;
			neg = false;
			continue;
		}
		if (a != NULL && o[0] == '-' && strcmp(o, "--syn") != 0 && !noarg)
			i++;
		neg = false;
	}

	if (target == NULL) {
		r->action = FW_ACT_NONE;
	} else if (jump_goto) {
		r->action = FW_ACT_GOTO;
		r->target = xstrdup(target);
	} else if (strcmp(target, "ACCEPT") == 0) {
		r->action = FW_ACT_ACCEPT;
	} else if (strcmp(target, "DROP") == 0) {
		r->action = FW_ACT_DROP;
	} else if (strcmp(target, "REJECT") == 0) {
		if (reject_with == NULL)
			reject_with = src == FW_SRC_IP6TABLES || src == FW_SRC_IP6TABLES_LEGACY ?
				      "icmp6-port-unreachable" :
				      "icmp-port-unreachable";
		if (strcmp(reject_with, "tcp-reset") == 0) {
			r->action = FW_ACT_REJECT_TCP_RESET;
		} else {
			r->action = FW_ACT_REJECT_ICMP;
			r->reject_with = xstrdup(reject_with);
		}
	} else if (strcmp(target, "RETURN") == 0) {
		r->action = FW_ACT_RETURN;
	} else if (nonterminal_target(target)) {
		r->action = FW_ACT_NONE;
		r->target = xstrdup(target);
	} else if (strcmp(target, "QUEUE") == 0 || strcmp(target, "NFQUEUE") == 0 ||
		   strcmp(target, "TARPIT") == 0 || strcmp(target, "DNAT") == 0 ||
		   strcmp(target, "REDIRECT") == 0) {
		r->action = FW_ACT_OTHER;
		r->target = xstrdup(target);
	} else {
		r->action = FW_ACT_JUMP;
		r->target = xstrdup(target);
	}
	return chain;
}

/* The chains an incoming SYN meets in iptables' tables, in the kernel's
 * order: the prerouting hook, then input, each by priority. */
static const struct {
	const char *table, *chain;
	long prio;
} ipt_hooks[] = {
	{ "raw", "PREROUTING", -300 },
	{ "mangle", "PREROUTING", -150 },
	{ "nat", "PREROUTING", -100 },
	{ "mangle", "INPUT", FW_HOOK_INPUT - 150 },
	{ "filter", "INPUT", FW_HOOK_INPUT },
	{ "security", "INPUT", FW_HOOK_INPUT + 50 },
	{ "nat", "INPUT", FW_HOOK_INPUT + 100 },
};

static bool ipt_table_known(const char *name)
{
	for (size_t i = 0; i < sizeof(ipt_hooks) / sizeof(ipt_hooks[0]); i++)
		if (strcmp(name, ipt_hooks[i].table) == 0)
			return true;
	return false;
}

/* Parses iptables-save text into m (the tables an incoming SYN meets);
 * with input set, their entry chains are the base chains. Returns 0 or
 * FW_ERR_FORMAT. */
static int ipt_load(const char *buf, size_t len, enum fw_source src, bool input,
		    struct model *m, struct fw_result *res)
{
	char *copy = str_from_buf(buf, len), *pos = copy, *line;
	char table[32] = "";
	bool in_table = false, seen = false, any_table = false, filter = false;
	int ret = 0;

	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);

		if (*l == '\0' || *l == '#')
			continue;
		if (*l == '*') {
			in_table = ipt_table_known(l + 1) && strlen(l + 1) < sizeof(table);
			if (in_table)
				snprintf(table, sizeof(table), "%s", l + 1);
			filter |= strcmp(l + 1, "filter") == 0;
			any_table = true;
			continue;
		}
		if (strcmp(l, "COMMIT") == 0) {
			in_table = false;
			continue;
		}
		if (*l == ':') {
			size_t nlen = strcspn(l + 1, " \t");
			char *name = xstrndup(l + 1, nlen);
			const char *pol = l + 1 + nlen;
			struct cchain *c;

			while (*pol == ' ' || *pol == '\t')
				pol++;
			if (!any_table || nlen == 0 || !in_table) {
				free(name);
				if (!any_table) {
					ret = FW_ERR_FORMAT;
					goto out;
				}
				continue;
			}
			c = model_chain(m, table, name);
			/* said without its packet counters ("[2:160]"), which
			 * change from one listing to the next */
			if (builtin_chain(name) && str_starts_with(pol, "DROP")) {
				char *text = xasprintf(":%s DROP", name);

				chain_set_policy(c, FW_ACT_DROP, NULL, text);
				free(text);
			} else if (builtin_chain(name) && str_starts_with(pol, "ACCEPT")) {
				char *text = xasprintf(":%s ACCEPT", name);

				chain_set_policy(c, FW_ACT_ACCEPT, NULL, text);
				free(text);
			}
			free(name);
			seen = true;
			continue;
		}
		if (*l == '-' || *l == '[') {
			struct strv w;
			struct crule r;
			size_t start = 0;
			const char *chain;

			if (!any_table) {
				ret = FW_ERR_FORMAT;
				goto out;
			}
			if (!in_table)
				continue;
			strv_init(&w);
			split_words(l, &w);
			if (w.n > 0 && w.v[0][0] == '[')
				start = 1;	/* iptables-save -c: "[pkts:bytes] -A ..." */
			crule_init(&r);
			chain = ipt_rule(&w, start, &r, src);
			if (chain != NULL && w.n > start && strcmp(w.v[start], "-A") == 0) {
				const char *t = l;

				if (start)
					t = strstr(l, "-A") ? strstr(l, "-A") : l;
				r.text = xstrdup(t);
				chain_add_rule(model_chain(m, table, chain), &r);
				seen = true;
			}
			crule_release(&r);
			strv_release(&w);
			continue;
		}
		if (!any_table) {
			ret = FW_ERR_FORMAT;
			goto out;
		}
	}
	if (!any_table && !seen && len > 0) {
		for (size_t i = 0; i < len; i++)
			if (!isspace((unsigned char)buf[i])) {
				ret = FW_ERR_FORMAT;
				goto out;
			}
	}
	if (input) {
		for (size_t i = 0; i < sizeof(ipt_hooks) / sizeof(ipt_hooks[0]); i++) {
			struct cchain *e = model_find(m, ipt_hooks[i].table, ipt_hooks[i].chain);

			if (e != NULL) {
				e->base = true;
				e->prio = ipt_hooks[i].prio;
			}
		}
		if (!filter)
			res_note(res, "no filter table: nothing filters incoming connections here");
	}
out:
	free(copy);
	return ret;
}

/* Gives res[1..nq-1] what reading the listing noted in res[0], then
 * evaluates m for each query. */
static void model_evaluate_each(const struct model *m, const struct fw_query *q, size_t nq,
				struct fw_result *res)
{
	for (size_t i = 1; i < nq; i++)
		for (size_t k = 0; k < res[0].notes.n; k++)
			res_note(&res[i], res[0].notes.v[k]);
	for (size_t i = 0; i < nq; i++)
		model_evaluate(m, &q[i], &res[i]);
}

int fw_parse_iptables_save_each(const char *buf, size_t len, enum fw_source src,
				const struct fw_query *q, size_t nq, struct fw_result *res)
{
	struct model m;
	int ret;

	if (res == NULL || nq == 0)
		return FW_ERR_ARG;
	for (size_t i = 0; i < nq; i++)
		fw_result_reset(&res[i]);
	if (buf == NULL || q == NULL ||
	    (src != FW_SRC_IPTABLES && src != FW_SRC_IP6TABLES &&
	     src != FW_SRC_IPTABLES_LEGACY && src != FW_SRC_IP6TABLES_LEGACY))
		return FW_ERR_ARG;
	for (size_t i = 0; i < nq; i++) {
		res[i].source = src;
		query_setup(&res[i], &q[i]);
		res[i].family = src == FW_SRC_IP6TABLES || src == FW_SRC_IP6TABLES_LEGACY ? 6 : 4;
	}
	model_init(&m, src);
	ret = ipt_load(buf, len, src, true, &m, &res[0]);
	if (ret == 0)
		model_evaluate_each(&m, q, nq, res);
	model_release(&m);
	return ret;
}

int fw_parse_iptables_save(const char *buf, size_t len, enum fw_source src,
			   const struct fw_query *q, struct fw_result *res)
{
	return fw_parse_iptables_save_each(buf, len, src, q, 1, res);
}

int fw_parse_ufw_user_rules(const char *buf, size_t len, const struct fw_query *q,
			    struct fw_result *res)
{
	struct model m;
	struct cchain *e;
	int ret;

	if (res == NULL)
		return FW_ERR_ARG;
	fw_result_reset(res);
	if (buf == NULL || q == NULL)
		return FW_ERR_ARG;
	res->source = FW_SRC_UFW;
	query_setup(res, q);
	model_init(&m, FW_SRC_UFW);
	ret = ipt_load(buf, len, FW_SRC_IPTABLES, false, &m, res);
	if (ret == 0) {
		if ((e = model_find(&m, "filter", "ufw6-user-input")) != NULL)
			res->family = 6;
		else
			e = model_find(&m, "filter", "ufw-user-input");
		if (e != NULL) {
			e->base = true;
			model_evaluate(&m, q, res);
		} else {
			res->verdict = FW_VERDICT_UNKNOWN;
		}
		if (res->verdict == FW_VERDICT_UNKNOWN)
			res_note(res, "no user rule decides: ufw's default incoming policy applies");
	}
	model_release(&m);
	return ret;
}

/* ---- nft -j list ruleset ---------------------------------------------- */

struct nft {
	const char *const *skip;	/* tables another reader evaluates */
	json_t *list;		/* the "nftables" array */
	json_t *sets;		/* its sets and maps by family, table and name (nft_index_sets) */
	struct model *m;
	struct fw_result *res;
};

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int nft_family(const char *f)
{
	if (f == NULL)
		return -1;
	if (strcmp(f, "ip") == 0)
		return 4;
	if (strcmp(f, "ip6") == 0)
		return 6;
	if (strcmp(f, "inet") == 0)
		return 0;
	return -1;	/* arp, bridge, netdev: not on the input path of IP */
}

/* True when the table of o (a chain or rule) is left to another reader. */
static bool nft_skipped(const struct nft *n, json_t *o)
{
	const char *fam = jstr(o, "family"), *tab = jstr(o, "table");
	size_t fl;

	if (n->skip == NULL || fam == NULL || tab == NULL)
		return false;
	fl = strlen(fam);
	for (size_t i = 0; n->skip[i] != NULL; i++)
		if (strncmp(n->skip[i], fam, fl) == 0 && n->skip[i][fl] == ' ' &&
		    strcmp(n->skip[i] + fl + 1, tab) == 0)
			return true;
	return false;
}

/* The key of a set in n->sets: its family, table and name. */
static char *nft_set_key(const char *fam, const char *tab, const char *name)
{
	return xasprintf("%s\x1f%s\x1f%s", fam, tab, name);
}

/* Indexes the sets and maps of n->list (the first of a name wins), so that
 * rules naming sets cost no scan of the whole listing each. */
static void nft_index_sets(struct nft *n)
{
	size_t i;
	json_t *it;

	n->sets = json_object();
	json_array_foreach(n->list, i, it) {
		json_t *s = json_object_get(it, "set");
		const char *sf, *st, *sn;
		char *key;

		if (!json_is_object(s))
			s = json_object_get(it, "map");
		if (!json_is_object(s))
			continue;
		sf = jstr(s, "family");
		st = jstr(s, "table");
		sn = jstr(s, "name");
		if (sf == NULL || st == NULL || sn == NULL)
			continue;
		key = nft_set_key(sf, st, sn);
		if (json_object_get(n->sets, key) == NULL)
			json_object_set(n->sets, key, s);
		free(key);
	}
}

/* The set named name in the table of rule (same family and table), or NULL. */
static json_t *nft_find_set(struct nft *n, json_t *rule, const char *name)
{
	const char *fam = jstr(rule, "family"), *tab = jstr(rule, "table");
	json_t *s;
	char *key;

	if (fam == NULL || tab == NULL || name == NULL || n->sets == NULL)
		return NULL;
	key = nft_set_key(fam, tab, name);
	s = json_object_get(n->sets, key);
	free(key);
	return s;
}

static void nft_render(struct strbuf *sb, json_t *v, int depth);

static void nft_render_list(struct strbuf *sb, json_t *arr, const char *sep, int depth)
{
	size_t i;
	json_t *it;

	json_array_foreach(arr, i, it) {
		if (i > 0)
			strbuf_addstr(sb, sep);
		nft_render(sb, it, depth + 1);
	}
}

/* Renders an nft JSON expression the way `nft list ruleset` would, roughly. */
static void nft_render(struct strbuf *sb, json_t *v, int depth)
{
	const char *key;
	json_t *val;

	if (depth > 16) {
		strbuf_addstr(sb, "...");
		return;
	}
	if (json_is_integer(v)) {
		strbuf_addf(sb, "%lld", (long long)json_integer_value(v));
		return;
	}
	if (json_is_string(v)) {
		strbuf_addstr(sb, json_string_value(v));
		return;
	}
	if (json_is_boolean(v)) {
		strbuf_addstr(sb, json_is_true(v) ? "true" : "false");
		return;
	}
	if (json_is_array(v)) {
		nft_render_list(sb, v, ",", depth);
		return;
	}
	if (!json_is_object(v) || json_object_size(v) != 1) {
		strbuf_addstr(sb, "?");
		return;
	}
	json_object_foreach(v, key, val) {
		if (strcmp(key, "set") == 0 && json_is_array(val)) {
			size_t i;
			json_t *it;

			strbuf_addstr(sb, "{ ");
			json_array_foreach(val, i, it) {
				if (i > 0)
					strbuf_addstr(sb, ", ");
				if (json_is_array(it) && json_array_size(it) == 2) {
					nft_render(sb, json_array_get(it, 0), depth + 1);
					strbuf_addstr(sb, " : ");
					nft_render(sb, json_array_get(it, 1), depth + 1);
				} else {
					nft_render(sb, it, depth + 1);
				}
			}
			strbuf_addstr(sb, " }");
		} else if (strcmp(key, "range") == 0 && json_is_array(val)) {
			nft_render_list(sb, val, "-", depth);
		} else if (strcmp(key, "concat") == 0 && json_is_array(val)) {
			nft_render_list(sb, val, " . ", depth);
		} else if (strcmp(key, "prefix") == 0) {
			nft_render(sb, json_object_get(val, "addr"), depth + 1);
			strbuf_addch(sb, '/');
			nft_render(sb, json_object_get(val, "len"), depth + 1);
		} else if (strcmp(key, "elem") == 0) {
			nft_render(sb, json_object_get(val, "val"), depth + 1);
		} else if (strcmp(key, "payload") == 0) {
			const char *p = jstr(val, "protocol"), *f = jstr(val, "field");

			if (p && f)
				strbuf_addf(sb, "%s %s", p, f);
			else
				strbuf_addstr(sb, "@payload");
		} else if (strcmp(key, "meta") == 0 || strcmp(key, "ct") == 0) {
			const char *k = jstr(val, "key");

			if (strcmp(key, "meta") == 0 && k &&
			    (strncmp(k, "iif", 3) == 0 || strncmp(k, "oif", 3) == 0))
				strbuf_addstr(sb, k);
			else
				strbuf_addf(sb, "%s %s", key, k ? k : "?");
		} else if (strcmp(key, "jump") == 0 || strcmp(key, "goto") == 0) {
			const char *t = jstr(val, "target");

			strbuf_addf(sb, "%s %s", key, t ? t : "?");
		} else if ((strcmp(key, "&") == 0 || strcmp(key, "|") == 0) && json_is_array(val) &&
			   json_array_size(val) == 2) {
			/* "tcp flags & (syn | ack)" */
			nft_render(sb, json_array_get(val, 0), depth + 1);
			strbuf_addf(sb, " %s ", key);
			if (json_is_array(json_array_get(val, 1)) && json_array_size(json_array_get(val, 1)) > 1) {
				strbuf_addch(sb, '(');
				nft_render_list(sb, json_array_get(val, 1), " | ", depth);
				strbuf_addch(sb, ')');
			} else {
				nft_render(sb, json_array_get(val, 1), depth + 1);
			}
		} else if (strcmp(key, "fib") == 0 && json_is_object(val)) {
			json_t *fl = json_object_get(val, "flags");
			const char *res = jstr(val, "result");

			strbuf_addstr(sb, "fib ");
			if (json_is_array(fl))
				nft_render_list(sb, fl, " . ", depth);
			else
				nft_render(sb, fl, depth + 1);
			strbuf_addf(sb, " %s", res ? res : "?");
		} else {
			strbuf_addstr(sb, key);
		}
	}
}

/* Renders one statement of a rule's "expr" list. */
static void nft_render_stmt(struct strbuf *sb, json_t *st)
{
	const char *key;
	json_t *val;

	if (sb->len > 0)
		strbuf_addch(sb, ' ');
	if (!json_is_object(st)) {
		strbuf_addstr(sb, "?");
		return;
	}
	json_object_foreach(st, key, val) {
		if (strcmp(key, "match") == 0) {
			const char *op = jstr(val, "op");

			nft_render(sb, json_object_get(val, "left"), 0);
			if (op && strcmp(op, "==") != 0 && strcmp(op, "in") != 0)
				strbuf_addf(sb, " %s", op);
			strbuf_addch(sb, ' ');
			nft_render(sb, json_object_get(val, "right"), 0);
		} else if (strcmp(key, "reject") == 0) {
			const char *t = jstr(val, "type"), *e = jstr(val, "expr");

			strbuf_addstr(sb, "reject");
			if (t && strcmp(t, "tcp reset") == 0)
				strbuf_addstr(sb, " with tcp reset");
			else if (t)
				strbuf_addf(sb, " with %s %s", t, e ? e : "port-unreachable");
		} else if (strcmp(key, "log") == 0) {
			const char *p = jstr(val, "prefix");

			strbuf_addstr(sb, "log");
			if (p)
				strbuf_addf(sb, " prefix \"%s\"", p);
		} else if (strcmp(key, "vmap") == 0) {
			nft_render(sb, json_object_get(val, "key"), 0);
			strbuf_addstr(sb, " vmap ");
			nft_render(sb, json_object_get(val, "data"), 0);
		} else if (strcmp(key, "xt") == 0) {
			const char *t = jstr(val, "type"), *n = jstr(val, "name");

			strbuf_addf(sb, "xt %s %s", t ? t : "?", n ? n : "?");
		} else {
			json_t *one = json_pack("{sO}", key, val);

			nft_render(sb, one, 0);
			json_decref(one);
		}
	}
}

/* A port value: 22, "ssh", {"range": [1, 1024]}; false if not understood. */
static bool nft_port_value(json_t *v, long *lo, long *hi)
{
	if (json_is_object(v) && json_object_get(v, "elem"))
		v = json_object_get(json_object_get(v, "elem"), "val");
	if (json_is_integer(v)) {
		*lo = *hi = (long)json_integer_value(v);
		return *lo >= 0 && *lo <= 65535;
	}
	if (json_is_string(v)) {
		if (strcmp(json_string_value(v), "ssh") == 0) {
			*lo = *hi = 22;
			return true;
		}
		return parse_long(json_string_value(v), 0, 65535, lo) && (*hi = *lo, true);
	}
	if (json_is_object(v) && json_is_array(json_object_get(v, "range"))) {
		json_t *r = json_object_get(v, "range");

		return nft_port_value(json_array_get(r, 0), lo, hi) &&
		       nft_port_value(json_array_get(r, 1), hi, hi) && *lo <= *hi;
	}
	return false;
}

/* The elements of a set literal or a named set ("@name"), or NULL. */
static json_t *nft_elements(struct nft *n, json_t *rule, json_t *right)
{
	if (json_is_string(right) && json_string_value(right)[0] == '@') {
		json_t *s = nft_find_set(n, rule, json_string_value(right) + 1);
		json_t *e = s ? json_object_get(s, "elem") : NULL;

		if (s != NULL && e == NULL)
			return json_array();	/* an empty set */
		if (json_is_array(e))
			return json_incref(e);
		if (e != NULL)
			return json_pack("[O]", e);
		return NULL;
	}
	if (json_is_object(right) && json_is_array(json_object_get(right, "set")))
		return json_incref(json_object_get(right, "set"));
	if (json_is_array(right))
		return json_incref(right);
	return json_pack("[O]", right);
}

static void nft_ports(struct nft *n, json_t *rule, json_t *right, struct crule *r)
{
	json_t *el = nft_elements(n, rule, right), *it;
	size_t i;

	r->has_dport = true;
	if (el == NULL) {
		r->dport_unknown = true;
		return;
	}
	json_array_foreach(el, i, it) {
		long lo, hi;

		if (nft_port_value(it, &lo, &hi))
			crule_add_dport(r, lo, hi);
		else
			r->dport_unknown = true;
	}
	json_decref(el);
}

static void nft_addrs(struct nft *n, json_t *rule, json_t *right, struct crule *r)
{
	json_t *el = nft_elements(n, rule, right), *it;
	size_t i;

	if (el == NULL) {
		r->saddr_unknown = true;
		return;
	}
	json_array_foreach(el, i, it) {
		if (json_is_object(it) && json_object_get(it, "elem"))
			it = json_object_get(json_object_get(it, "elem"), "val");
		if (json_is_string(it)) {
			strv_push(&r->saddrs, json_string_value(it));
		} else if (json_is_object(it) && json_is_object(json_object_get(it, "prefix"))) {
			json_t *p = json_object_get(it, "prefix");
			const char *a = jstr(p, "addr");
			json_t *l = json_object_get(p, "len");

			if (a && json_is_integer(l))
				strv_push_owned(&r->saddrs, xasprintf("%s/%lld", a,
							    (long long)json_integer_value(l)));
			else
				r->saddr_unknown = true;
		} else if (json_is_object(it) && json_is_array(json_object_get(it, "range"))) {
			json_t *rg = json_object_get(it, "range");
			json_t *a = json_array_get(rg, 0), *b = json_array_get(rg, 1);

			if (json_is_string(a) && json_is_string(b))
				strv_push_owned(&r->saddrs, xasprintf("%s-%s", json_string_value(a),
							    json_string_value(b)));
			else
				r->saddr_unknown = true;
		} else {
			r->saddr_unknown = true;
		}
	}
	/* an empty set matches nobody; keep a placeholder that matches nothing */
	if (r->saddrs.n == 0 && !r->saddr_unknown)
		strv_push(&r->saddrs, "none");
	json_decref(el);
}

/* The CT_* bits the right side of a ct state match names. */
static unsigned nft_states_mask(json_t *right)
{
	unsigned mask = 0;
	size_t i;
	json_t *it;

	if (json_is_string(right))
		return ct_state_bit(json_string_value(right));
	if (json_is_object(right) && json_is_array(json_object_get(right, "set")))
		right = json_object_get(right, "set");
	if (json_is_array(right)) {
		json_array_foreach(right, i, it)
			mask |= nft_states_mask(it);
	}
	return mask;
}

static int nft_proto_value(json_t *v)
{
	if (json_is_integer(v))
		return (int)json_integer_value(v) == 0 ? -1 : (int)(json_integer_value(v) & 0xff);
	if (json_is_string(v))
		return proto_number(json_string_value(v));
	return -2;
}

/* True when v (an address or a prefix) holds loopback addresses only. */
static bool nft_loopback_value(json_t *v)
{
	json_t *pf = json_object_get(v, "prefix");
	char *spec;
	bool lo;

	if (json_is_string(v))
		return spec_is_loopback(json_string_value(v));
	if (!json_is_object(pf) || !json_is_string(json_object_get(pf, "addr")) ||
	    !json_is_integer(json_object_get(pf, "len")))
		return false;
	spec = xasprintf("%s/%lld", json_string_value(json_object_get(pf, "addr")),
			 (long long)json_integer_value(json_object_get(pf, "len")));
	lo = spec_is_loopback(spec);
	free(spec);
	return lo;
}

/* TCP flags named by v (a name, a list of names, or a number) as a bit
 * mask (fin 1, syn 2, rst 4, psh 8, ack 16, urg 32, ecn 64, cwr 128); -1
 * when v is none of these. */
static long nft_tcp_flags(json_t *v)
{
	static const char *const names[] = {"fin", "syn", "rst", "psh", "ack", "urg", "ecn", "cwr"};
	long mask = 0;
	size_t i;
	json_t *it;

	if (json_is_integer(v))
		return (long)(json_integer_value(v) & 0xff);
	if (json_is_string(v)) {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(json_string_value(v), names[k]) == 0)
				return 1L << k;
		return -1;
	}
	if (!json_is_array(v))
		return -1;
	json_array_foreach(v, i, it) {
		long b = nft_tcp_flags(it);

		if (b < 0)
			return -1;
		mask |= b;
	}
	return mask;
}

/* "tcp flags & (syn | ack) == syn", "tcp flags syn / fin,syn,rst,ack": true
 * when the match was read (r->excludes_new set when a SYN fails it). */
static bool nft_match_tcp_flags(json_t *left, json_t *right, const char *op, bool neg, struct crule *r)
{
	json_t *and = json_object_get(left, "&"), *pl;
	long mask = 0xff, want, got;
	const char *p, *f;

	if (json_is_array(and) && json_array_size(and) == 2) {
		pl = json_object_get(json_array_get(and, 0), "payload");
		mask = nft_tcp_flags(json_array_get(and, 1));
	} else {
		pl = json_object_get(left, "payload");
	}
	p = jstr(pl, "protocol");
	f = jstr(pl, "field");
	if (p == NULL || f == NULL || strcmp(p, "tcp") != 0 || strcmp(f, "flags") != 0 || mask < 0)
		return false;
	if (json_is_object(right) && json_is_array(json_object_get(right, "set"))) {
		bool any = false;
		size_t i;
		json_t *it;

		json_array_foreach(json_object_get(right, "set"), i, it) {
			want = nft_tcp_flags(it);
			if (want < 0)
				return false;
			any |= (2 & mask) == want;
		}
		if (any == neg)
			r->excludes_new = true;
	} else {
		want = nft_tcp_flags(right);
		if (want < 0)
			return false;
		got = 2 & mask;	/* a client's first packet: SYN alone */
		/* "in" is nft's implicit flag test: any of the flags set */
		if ((op != NULL && strcmp(op, "in") == 0 ? (got & want) != 0 : got == want) == neg)
			r->excludes_new = true;
	}
	if (r->proto < 0)
		r->proto = 6;
	return true;
}

/* Whether the address types right names (a name or a set of names) hold
 * a or b (b may be NULL). */
static bool nft_types_have(json_t *right, const char *a, const char *b)
{
	size_t i;
	json_t *it;

	if (json_is_string(right))
		return strcmp(json_string_value(right), a) == 0 ||
		       (b != NULL && strcmp(json_string_value(right), b) == 0);
	if (json_is_object(right) && json_is_array(json_object_get(right, "set")))
		right = json_object_get(right, "set");
	if (json_is_array(right)) {
		json_array_foreach(right, i, it)
			if (nft_types_have(it, a, b))
				return true;
	}
	return false;
}

/* "fib daddr type local", "fib saddr type != local": what -m addrtype says
 * in iptables. The SYN goes to a local unicast address of this machine; a
 * client elsewhere has a unicast address, one on this machine a local one
 * (the kernel's route types are exclusive: a local address is not
 * "unicast").
 * Other lookups (with iif or oif, the output interface) are not known. */
static void nft_match_fib(json_t *fib, json_t *right, bool neg, struct crule *r)
{
	const char *result = jstr(fib, "result");
	json_t *flags = json_object_get(fib, "flags"), *it;
	bool saddr = false, daddr = false, other = false;
	size_t i;

	if (json_is_string(flags))
		flags = json_pack("[O]", flags);
	else
		json_incref(flags);
	json_array_foreach(flags, i, it) {
		const char *f = json_string_value(it);

		if (f && strcmp(f, "saddr") == 0)
			saddr = true;
		else if (f && strcmp(f, "daddr") == 0)
			daddr = true;
		else
			other = true;
	}
	json_decref(flags);
	if (result == NULL || strcmp(result, "type") != 0 || other || saddr == daddr) {
		r->cond |= COND_UNKNOWN;
		return;
	}
	if (daddr) {
		if (nft_types_have(right, "local", NULL) == neg)
			r->excludes_new = true;
		return;
	}
	r->src_type_remote = nft_types_have(right, "unicast", NULL) != neg;
	r->src_type_local = nft_types_have(right, "local", NULL) != neg;
}

static void nft_match(struct nft *n, json_t *rule, json_t *mt, struct crule *r)
{
	json_t *left = json_object_get(mt, "left"), *right = json_object_get(mt, "right");
	const char *op = jstr(mt, "op");
	bool neg = op != NULL && strcmp(op, "!=") == 0;
	json_t *pl = json_object_get(left, "payload");
	json_t *meta = json_object_get(left, "meta");
	json_t *ct = json_object_get(left, "ct");

	if (op != NULL && strcmp(op, "==") != 0 && strcmp(op, "!=") != 0 && strcmp(op, "in") != 0) {
		r->cond |= COND_UNKNOWN;	/* <, >, & masks */
		return;
	}
	if (nft_match_tcp_flags(left, right, op, neg, r))
		return;
	if (json_is_object(pl)) {
		const char *p = jstr(pl, "protocol"), *f = jstr(pl, "field");

		if (p == NULL || f == NULL) {
			r->cond |= COND_UNKNOWN;
		} else if (strcmp(f, "dport") == 0 &&
			   (strcmp(p, "tcp") == 0 || strcmp(p, "th") == 0)) {
			if (strcmp(p, "tcp") == 0 && r->proto < 0)
				r->proto = 6;
			nft_ports(n, rule, right, r);
			r->dport_neg = neg;
		} else if (strcmp(f, "dport") == 0 || strcmp(f, "sport") == 0) {
			int pr = proto_number(p);

			if (pr != 6 && pr != -1)
				r->proto = pr;	/* a udp/sctp port: never TCP */
			else
				r->cond |= COND_PACKET;
		} else if ((strcmp(p, "ip") == 0 || strcmp(p, "ip6") == 0) && strcmp(f, "daddr") == 0 &&
			   nft_loopback_value(right)) {
			r->family = strcmp(p, "ip") == 0 ? 4 : 6;
			r->dst_lo = neg ? 2 : 1;
		} else if ((strcmp(p, "ip") == 0 || strcmp(p, "ip6") == 0) &&
			   strcmp(f, "saddr") == 0) {
			r->family = strcmp(p, "ip") == 0 ? 4 : 6;
			nft_addrs(n, rule, right, r);
			r->saddr_neg = neg;
		} else if ((strcmp(p, "ip") == 0 && strcmp(f, "protocol") == 0) ||
			   (strcmp(p, "ip6") == 0 && strcmp(f, "nexthdr") == 0)) {
			int pr = nft_proto_value(right);

			r->family = strcmp(p, "ip") == 0 ? 4 : 6;
			if (pr == -2) {
				r->cond |= COND_UNKNOWN;
			} else {
				r->proto = pr;
				r->proto_neg = neg;
			}
		} else {
			r->cond |= COND_UNKNOWN;
		}
	} else if (json_is_object(meta)) {
		const char *k = jstr(meta, "key");

		if (k && strcmp(k, "l4proto") == 0) {
			int pr = nft_proto_value(right);

			if (pr == -2) {
				r->cond |= COND_UNKNOWN;
			} else {
				r->proto = pr;
				r->proto_neg = neg;
			}
		} else if (k && strcmp(k, "nfproto") == 0 && json_is_string(right)) {
			int fam = strcmp(json_string_value(right), "ipv4") == 0 ? 4 :
				  strcmp(json_string_value(right), "ipv6") == 0 ? 6 : 0;

			if (fam != 0 && !neg)
				r->family = fam;
			else if (fam != 0)
				r->family = fam == 4 ? 6 : 4;
		} else if (k && (strcmp(k, "iif") == 0 || strcmp(k, "iifname") == 0)) {
			if (json_is_string(right) && strcmp(json_string_value(right), "lo") == 0)
				r->iface = neg ? IF_NOT_LO : IF_LO;
			else
				r->iface = IF_OTHER;
		} else {
			r->cond |= COND_UNKNOWN;
		}
	} else if (json_is_object(json_object_get(left, "fib"))) {
		nft_match_fib(json_object_get(left, "fib"), right, neg, r);
	} else if (json_is_object(ct)) {
		const char *k = jstr(ct, "key");

		if (k && strcmp(k, "state") == 0) {
			unsigned mask = nft_states_mask(right);

			/* "ct state established,related" is a flags test: any of them */
			r->ct_ok = (r->has_ct ? r->ct_ok : CT_ALL) & (neg ? CT_ALL & ~mask : mask);
			r->has_ct = true;
		} else {
			r->cond |= COND_UNKNOWN;
		}
	} else {
		r->cond |= COND_UNKNOWN;
	}
}

/* A verdict object ({"accept": null}, {"jump": {...}}) as an action. */
static enum fw_action nft_verdict(json_t *v, const char **target)
{
	*target = NULL;
	if (!json_is_object(v))
		return FW_ACT_OTHER;
	if (json_object_get(v, "accept"))
		return FW_ACT_ACCEPT;
	if (json_object_get(v, "drop"))
		return FW_ACT_DROP;
	if (json_object_get(v, "return"))
		return FW_ACT_RETURN;
	if (json_object_get(v, "continue"))
		return FW_ACT_NONE;
	if (json_is_object(json_object_get(v, "jump"))) {
		*target = jstr(json_object_get(v, "jump"), "target");
		return *target ? FW_ACT_JUMP : FW_ACT_OTHER;
	}
	if (json_is_object(json_object_get(v, "goto"))) {
		*target = jstr(json_object_get(v, "goto"), "target");
		return *target ? FW_ACT_GOTO : FW_ACT_OTHER;
	}
	return FW_ACT_OTHER;
}

static void nft_vmap(struct nft *n, json_t *rule, json_t *vm, struct crule *r)
{
	json_t *key = json_object_get(vm, "key"), *data = json_object_get(vm, "data");
	json_t *pl = json_object_get(key, "payload"), *ct = json_object_get(key, "ct");
	json_t *el = NULL, *it;
	size_t i;

	if (json_is_string(data) && json_string_value(data)[0] == '@') {
		json_t *s = nft_find_set(n, rule, json_string_value(data) + 1);

		el = s ? json_incref(json_object_get(s, "elem")) : NULL;
	} else if (json_is_object(data)) {
		el = json_incref(json_object_get(data, "set"));
	}
	if (!json_is_array(el))
		goto unknown;

	if (json_is_object(ct) && jstr(ct, "key") && strcmp(jstr(ct, "key"), "state") == 0) {
		r->has_ctv = true;
		r->action = FW_ACT_NONE;
		json_array_foreach(el, i, it) {
			unsigned mask = json_is_array(it) ? nft_states_mask(json_array_get(it, 0)) : 0;

			for (int k = 0; k < 2; k++) {
				const char *t;

				if (r->ctv_has[k] || !(mask & (k == 0 ? CT_NEW : CT_INVALID)))
					continue;
				r->ctv_has[k] = true;
				r->ctv_act[k] = nft_verdict(json_array_get(it, 1), &t);
				r->ctv_target[k] = t ? xstrdup(t) : NULL;
			}
		}
		json_decref(el);
		return;
	}
	if (json_is_object(pl) && jstr(pl, "field") && strcmp(jstr(pl, "field"), "dport") == 0 &&
	    jstr(pl, "protocol") &&
	    (strcmp(jstr(pl, "protocol"), "tcp") == 0 || strcmp(jstr(pl, "protocol"), "th") == 0)) {
		if (strcmp(jstr(pl, "protocol"), "tcp") == 0 && r->proto < 0)
			r->proto = 6;
		json_array_foreach(el, i, it) {
			long lo, hi;
			const char *t;
			struct vmap_entry *e;

			if (!json_is_array(it) || !nft_port_value(json_array_get(it, 0), &lo, &hi)) {
				r->vmap_partial = true;
				continue;
			}
			r->vmap = xrealloc(r->vmap, (r->nvmap + 1) * sizeof(*r->vmap));
			e = &r->vmap[r->nvmap++];
			e->lo = (uint16_t)lo;
			e->hi = (uint16_t)hi;
			e->action = nft_verdict(json_array_get(it, 1), &t);
			e->target = t ? xstrdup(t) : NULL;
		}
		if (r->nvmap == 0 && r->vmap_partial)
			goto unknown;
		r->action = FW_ACT_NONE;
		if (r->nvmap == 0)
			r->excludes_new = true;	/* an empty map matches nothing */
		json_decref(el);
		return;
	}
unknown:
	json_decref(el);
	r->not_evaluated = true;
	r->action = FW_ACT_OTHER;
	free(r->target);
	r->target = xstrdup("verdict map");
	res_note(n->res, "a verdict map the evaluator cannot look into was not evaluated");
}

static void nft_rule(struct nft *n, json_t *rule)
{
	const char *fam = jstr(rule, "family"), *tab = jstr(rule, "table");
	const char *chain = jstr(rule, "chain");
	json_t *expr = json_object_get(rule, "expr"), *st;
	struct strbuf text, tk;
	struct crule r;
	size_t i;

	if (fam == NULL || tab == NULL || chain == NULL || !json_is_array(expr) ||
	    nft_family(fam) < 0 || nft_skipped(n, rule))
		return;
	crule_init(&r);
	strbuf_init(&text);
	json_array_foreach(expr, i, st) {
		json_t *v;
		const char *t;

		nft_render_stmt(&text, st);
		if (!json_is_object(st))
			continue;
		if ((v = json_object_get(st, "match")) != NULL) {
			nft_match(n, rule, v, &r);
		} else if (json_object_get(st, "accept") || json_object_get(st, "drop") ||
			   json_object_get(st, "return") || json_object_get(st, "jump") ||
			   json_object_get(st, "goto")) {
			r.action = nft_verdict(st, &t);
			free(r.target);
			r.target = t ? xstrdup(t) : NULL;
		} else if (json_object_get(st, "reject") != NULL) {
			json_t *rj = json_object_get(st, "reject");
			const char *type = jstr(rj, "type"), *e = jstr(rj, "expr");

			if (type && strcmp(type, "tcp reset") == 0) {
				r.action = FW_ACT_REJECT_TCP_RESET;
			} else {
				r.action = FW_ACT_REJECT_ICMP;
				free(r.reject_with);
				r.reject_with = xstrdup(e ? e : "port-unreachable");
			}
		} else if ((v = json_object_get(st, "vmap")) != NULL) {
			nft_vmap(n, rule, v, &r);
		} else if ((v = json_object_get(st, "xt")) != NULL) {
			const char *type = jstr(v, "type"), *name = jstr(v, "name");

			res_note(n->res, "some rules use iptables extensions that nft -j does not "
				 "show; iptables-save lists them in full");
			if (type && name && strcmp(type, "target") == 0) {
				free(r.target);
				r.target = NULL;
				if (strcmp(name, "REJECT") == 0) {
					r.action = FW_ACT_REJECT;
				} else if (nonterminal_target(name)) {
					r.action = FW_ACT_NONE;
				} else {
					r.action = FW_ACT_OTHER;
					r.target = xstrdup(name);
				}
			} else if (name && strcmp(name, "multiport") == 0) {
				r.has_dport = true;
				r.dport_unknown = true;
			} else if (name && strcmp(name, "comment") == 0) {
				/* nothing that changes who matches */
			} else if (name && (strcmp(name, "limit") == 0 || strcmp(name, "hashlimit") == 0 ||
					    strcmp(name, "recent") == 0 || strcmp(name, "connlimit") == 0)) {
				r.cond |= COND_TIMING;
			} else {
				/* conntrack, addrtype...: nft -j hides what they match */
				r.cond |= COND_UNKNOWN;
			}
		} else if (json_object_get(st, "limit") || json_object_get(st, "quota") ||
			   json_object_get(st, "meter") || json_object_get(st, "synproxy")) {
			r.cond |= COND_TIMING;
		} else if (json_object_get(st, "queue")) {
			r.action = FW_ACT_OTHER;
			free(r.target);
			r.target = xstrdup("queue");
		}
	}
	r.text = strbuf_detach(&text, NULL);
	if (json_is_integer(json_object_get(rule, "handle")))
		r.handle = (long)json_integer_value(json_object_get(rule, "handle"));
	strbuf_init(&tk);
	strbuf_addf(&tk, "%s %s", fam, tab);
	chain_add_rule(model_chain(n->m, tk.buf, chain), &r);
	strbuf_release(&tk);
	crule_release(&r);
}

static long nft_prio(json_t *p)
{
	static const struct { const char *name; long v; } names[] = {
		{ "raw", -300 }, { "mangle", -150 }, { "dstnat", -100 },
		{ "filter", 0 }, { "security", 50 }, { "srcnat", 100 },
	};

	if (json_is_integer(p))
		return (long)json_integer_value(p);
	if (json_is_string(p))
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(json_string_value(p), names[i].name) == 0)
				return names[i].v;
	return 0;
}

static void nft_chain(struct nft *n, json_t *ch)
{
	const char *fam = jstr(ch, "family"), *tab = jstr(ch, "table"), *name = jstr(ch, "name");
	const char *hook = jstr(ch, "hook"), *policy = jstr(ch, "policy"), *type = jstr(ch, "type");
	struct strbuf tk;
	struct cchain *c;

	if (fam == NULL || tab == NULL || name == NULL || nft_family(fam) < 0 || nft_skipped(n, ch))
		return;
	strbuf_init(&tk);
	strbuf_addf(&tk, "%s %s", fam, tab);
	c = model_chain(n->m, tk.buf, name);
	strbuf_release(&tk);
	c->family = nft_family(fam);
	(void)type;	/* filter, nat and route chains all see the SYN */
	if (hook != NULL && (strcmp(hook, "input") == 0 || strcmp(hook, "prerouting") == 0 ||
			     (strcmp(hook, "ingress") == 0 && c->family == 0))) {
		c->base = true;
		c->prio = nft_prio(json_object_get(ch, "prio"));
		if (strcmp(hook, "input") == 0)
			c->prio += FW_HOOK_INPUT;
		else if (strcmp(hook, "ingress") == 0)
			c->prio -= FW_HOOK_INPUT;
		c->has_policy = true;
		c->policy = FW_ACT_ACCEPT;
		if (policy != NULL && strcmp(policy, "drop") == 0)
			chain_set_policy(c, FW_ACT_DROP, NULL, "policy drop");
		else
			chain_set_policy(c, FW_ACT_ACCEPT, NULL, "policy accept");
	}
}

int fw_parse_nft_json_each(const char *buf, size_t len, const struct fw_query *q, size_t nq,
			   struct fw_result *res)
{
	json_t *root = NULL, *it;
	json_error_t err;
	struct model m;
	struct nft n;
	size_t i;
	int ret = 0;

	if (res == NULL || nq == 0)
		return FW_ERR_ARG;
	for (size_t k = 0; k < nq; k++)
		fw_result_reset(&res[k]);
	if (buf == NULL || q == NULL)
		return FW_ERR_ARG;
	for (size_t k = 0; k < nq; k++) {
		res[k].source = FW_SRC_NFTABLES;
		query_setup(&res[k], &q[k]);
	}
	model_init(&m, FW_SRC_NFTABLES);
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(root) || !json_is_array(json_object_get(root, "nftables"))) {
		ret = FW_ERR_FORMAT;
		goto out;
	}
	n.list = json_object_get(root, "nftables");
	n.skip = q->skip_tables;
	n.m = &m;
	n.res = res;
	nft_index_sets(&n);
	json_array_foreach(n.list, i, it)
		if (json_is_object(json_object_get(it, "chain")))
			nft_chain(&n, json_object_get(it, "chain"));
	json_array_foreach(n.list, i, it)
		if (json_is_object(json_object_get(it, "rule")))
			nft_rule(&n, json_object_get(it, "rule"));
	model_evaluate_each(&m, q, nq, res);
	json_decref(n.sets);
out:
	model_release(&m);
	json_decref(root);
	return ret;
}

int fw_parse_nft_tables(const char *buf, size_t len, const char *const *skip, struct strv *tables)
{
	json_t *root, *list, *it;
	json_error_t err;
	size_t i;

	if (buf == NULL || tables == NULL)
		return FW_ERR_ARG;
	root = json_loadb(buf, len, 0, &err);
	list = json_object_get(root, "nftables");
	if (!json_is_array(list)) {
		json_decref(root);
		return FW_ERR_FORMAT;
	}
	json_array_foreach(list, i, it) {
		json_t *ch = json_object_get(it, "chain");
		const char *fam = jstr(ch, "family"), *tab = jstr(ch, "table");
		struct nft n = { .skip = skip };
		char *name;

		if (fam == NULL || tab == NULL || nft_family(fam) < 0 || nft_skipped(&n, ch))
			continue;
		name = xasprintf("%s %s", fam, tab);
		if (!strv_contains(tables, name))
			strv_push(tables, name);
		free(name);
	}
	json_decref(root);
	return 0;
}

char *fw_nft_json_join(const struct strbuf *docs, size_t n, size_t *len)
{
	json_t *all = json_array(), *out;
	char *text;

	for (size_t k = 0; k < n; k++) {
		json_error_t err;
		json_t *root = json_loadb(docs[k].buf ? docs[k].buf : "", docs[k].len, 0, &err);
		json_t *list = json_object_get(root, "nftables");

		if (json_is_array(list))
			json_array_extend(all, list);
		json_decref(root);
	}
	out = json_pack("{s:o}", "nftables", all);
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (text == NULL)
		text = xstrdup("{\"nftables\": []}");
	if (len != NULL)
		*len = strlen(text);
	return text;
}

int fw_parse_nft_json(const char *buf, size_t len, const struct fw_query *q,
		      struct fw_result *res)
{
	return fw_parse_nft_json_each(buf, len, q, 1, res);
}

/* ---- ufw status ------------------------------------------------------- */

/* Splits a ufw table row into columns separated by two or more spaces. */
static size_t split_columns(char *line, char **col, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p == ' ')
		p++;
	while (*p != '\0' && n < max) {
		char *end = strstr(p, "  ");

		col[n++] = p;
		if (end == NULL)
			break;
		*end = '\0';
		p = end + 2;
		while (*p == ' ')
			p++;
	}
	return n;
}

/* Reads "22/tcp", "22", "80,443/tcp", "1000:2000/tcp" into r; false if not a port. */
static bool ufw_port(const char *tok, struct crule *r)
{
	char *copy = xstrdup(tok), *slash = strchr(copy, '/');
	bool ok = isdigit((unsigned char)copy[0]);

	if (slash != NULL) {
		*slash = '\0';
		if (strcmp(slash + 1, "tcp") == 0)
			r->proto = 6;
		else if (strcmp(slash + 1, "udp") == 0)
			r->proto = 17;
		else
			ok = false;
	}
	if (ok)
		add_port_list(r, copy);
	free(copy);
	return ok;
}

/* Parses the "To" column of a ufw row into r. */
static void ufw_to(const char *to, struct crule *r, bool *v6)
{
	char *copy = xstrdup(to), *save = NULL;
	bool on = false;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct addr a;

		if (on) {
			r->iface = strcmp(t, "lo") == 0 ? IF_LO : IF_OTHER;
			on = false;
		} else if (strcmp(t, "on") == 0) {
			on = true;
		} else if (strcmp(t, "(v6)") == 0) {
			*v6 = true;
		} else if (strcmp(t, "Anywhere") == 0) {
			/* every port */
		} else if (ufw_port(t, r)) {
			/* done */
		} else if (strchr(t, '/') || addr_parse(t, strlen(t), &a)) {
			r->cond |= COND_PACKET;	/* only to one of this host's addresses */
		} else if (strcmp(t, "OpenSSH") == 0) {
			r->proto = 6;
			crule_add_dport(r, 22, 22);
			r->has_dport = true;
		} else {
			r->has_dport = true;	/* an application profile */
			r->dport_unknown = true;
		}
	}
	free(copy);
}

static void ufw_from(const char *from, struct crule *r, bool *v6)
{
	char *copy = xstrdup(from), *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (strcmp(t, "(v6)") == 0)
			*v6 = true;
		else if (strcmp(t, "Anywhere") == 0)
			;
		else if (isdigit((unsigned char)t[0]) && !strchr(t, '.') && !strchr(t, ':'))
			r->cond |= COND_PACKET;	/* a source port */
		else if (strchr(t, '.') || strchr(t, ':'))
			strv_push(&r->saddrs, t);
		else
			r->cond |= COND_UNKNOWN;	/* a profile as the source */
	}
	free(copy);
}

/* Reads one row of the rules table; false when it is not an incoming rule. */
static bool ufw_row(char *line, struct crule *r, struct fw_result *res)
{
	char *col[4], *act, *dir;
	size_t n;
	bool v6 = false;
	struct strbuf text;

	strbuf_init(&text);
	strbuf_addstr(&text, line);
	if (line[0] == '[') {	/* ufw status numbered: "[ 1] 22/tcp ..." */
		char *e = strchr(line, ']');

		if (e != NULL)
			line = e + 1;
	}
	n = split_columns(line, col, 4);
	if (n < 3) {
		strbuf_release(&text);
		return false;
	}
	act = col[1];
	dir = strchr(act, ' ');
	if (dir != NULL) {
		*dir++ = '\0';
		while (*dir == ' ')
			dir++;
		if (strncmp(dir, "IN", 2) != 0) {
			strbuf_release(&text);
			return false;	/* OUT, FWD */
		}
	}
	if (strcmp(act, "ALLOW") == 0) {
		r->action = FW_ACT_ACCEPT;
	} else if (strcmp(act, "LIMIT") == 0) {
		r->action = FW_ACT_ACCEPT;
		res_note(res, "a LIMIT rule rejects a source that opens more than 6 "
			 "connections in 30 seconds");
	} else if (strcmp(act, "DENY") == 0) {
		r->action = FW_ACT_DROP;
	} else if (strcmp(act, "REJECT") == 0) {
		r->action = FW_ACT_REJECT_ICMP;	/* the kind is settled below */
	} else {
		strbuf_release(&text);
		return false;
	}
	ufw_to(col[0], r, &v6);
	ufw_from(col[2], r, &v6);
	/* ufw rejects TCP to a port with a reset (it writes a tcp rule for a
	 * port of any protocol), and everything else with ICMP port-unreachable */
	if (r->action == FW_ACT_REJECT_ICMP && r->has_dport && (r->proto == 6 || r->proto < 0)) {
		r->action = FW_ACT_REJECT_TCP_RESET;
	} else if (r->action == FW_ACT_REJECT_ICMP) {
		r->reject_with = xstrdup(r->family == 6 || v6 ? "icmp6-port-unreachable" :
					 "icmp-port-unreachable");
	}
	if (r->family == 0) {
		bool has6 = false;

		for (size_t i = 0; i < r->saddrs.n; i++)
			has6 |= strchr(r->saddrs.v[i], ':') != NULL;
		r->family = v6 || has6 ? 6 : 4;
	}
	r->text = strbuf_detach(&text, NULL);
	return true;
}

/* "deny (incoming), allow (outgoing), ..." sets the policy of c. */
static void ufw_default(const char *s, struct cchain *c)
{
	const char *in = strstr(s, "(incoming)");
	size_t n;

	if (in == NULL)
		return;
	while (in > s && in[-1] == ' ')
		in--;
	n = 0;
	while (in - n > s && isalpha((unsigned char)in[-(long)n - 1]))
		n++;
	if (n == 4 && strncmp(in - 4, "deny", 4) == 0)
		chain_set_policy(c, FW_ACT_DROP, NULL, "Default: deny (incoming)");
	else if (n == 6 && strncmp(in - 6, "reject", 6) == 0)
		chain_set_policy(c, FW_ACT_REJECT_ICMP, "icmp-port-unreachable",
				 "Default: reject (incoming)");
	else if (n == 5 && strncmp(in - 5, "allow", 5) == 0)
		chain_set_policy(c, FW_ACT_ACCEPT, NULL, "Default: allow (incoming)");
}

int fw_parse_ufw_status(const char *buf, size_t len, const struct fw_query *q,
			struct fw_result *res)
{
	char *copy, *pos, *line;
	struct model m;
	struct cchain *c;
	bool status = false, table = false;

	if (res == NULL)
		return FW_ERR_ARG;
	fw_result_reset(res);
	if (buf == NULL || q == NULL)
		return FW_ERR_ARG;
	res->source = FW_SRC_UFW;
	query_setup(res, q);
	model_init(&m, FW_SRC_UFW);
	c = model_chain(&m, NULL, "ufw");
	c->base = true;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);
		struct crule r;

		if (str_starts_with(l, "Status:")) {
			status = true;
			if (strstr(l, "inactive") != NULL)
				res->active = false;
		} else if (str_starts_with(l, "Default:")) {
			ufw_default(l + 8, c);
		} else if (str_starts_with(l, "--")) {
			table = true;
		} else if (table && *l != '\0') {
			crule_init(&r);
			if (ufw_row(l, &r, res))
				chain_add_rule(c, &r);
			crule_release(&r);
		}
	}
	free(copy);
	if (!status) {
		model_release(&m);
		return FW_ERR_FORMAT;
	}
	if (!res->active) {
		res->verdict = FW_VERDICT_OPEN;
		res_note(res, "ufw is inactive");
	} else {
		model_evaluate(&m, q, res);
		if (res->verdict == FW_VERDICT_UNKNOWN)
			res_note(res, "no rule decides and the default policy is not listed "
				 "(ufw status verbose shows it)");
	}
	model_release(&m);
	return 0;
}

/* ---- firewalld -------------------------------------------------------- */

static bool fwd_service_port(const char *name, struct crule *r)
{
	static const struct { const char *name; uint16_t port; } svc[] = {
		{ "ssh", 22 }, { "http", 80 }, { "https", 443 }, { "telnet", 23 },
	};

	for (size_t i = 0; i < sizeof(svc) / sizeof(svc[0]); i++) {
		if (strcmp(name, svc[i].name) == 0) {
			r->proto = 6;
			r->has_dport = true;
			crule_add_dport(r, svc[i].port, svc[i].port);
			return true;
		}
	}
	return false;
}

/* value of key="value" (or key=value) in word w, or NULL */
static const char *kv(const char *w, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(w, key, n) == 0 && w[n] == '=')
		return w + n + 1;
	return NULL;
}

/* Parses a rich rule into r; returns its priority in *prio and false when
 * the rule cannot affect incoming TCP (icmp-block, masquerade, forward-port). */
static bool fwd_rich(const char *line, struct crule *r, long *prio, struct fw_result *res)
{
	struct strv w;
	bool ok = true, neg = false;
	enum { NONE, SRC, DST, SVC, PORT, PROTO, ACTION } ctx = NONE;

	strv_init(&w);
	split_words(line, &w);
	*prio = 0;
	r->action = FW_ACT_NONE;
	for (size_t i = 0; i < w.n; i++) {
		const char *t = w.v[i], *v;

		if ((v = kv(t, "family")) != NULL) {
			r->family = strcmp(v, "ipv6") == 0 ? 6 : 4;
		} else if ((v = kv(t, "priority")) != NULL) {
			char *end;

			*prio = strtol(v, &end, 10);
		} else if (strcmp(t, "source") == 0) {
			ctx = SRC;
		} else if (strcmp(t, "destination") == 0) {
			ctx = DST;
		} else if (strcmp(t, "service") == 0) {
			ctx = SVC;
		} else if (strcmp(t, "port") == 0) {
			ctx = PORT;
		} else if (strcmp(t, "protocol") == 0) {
			ctx = PROTO;
		} else if (strcmp(t, "NOT") == 0) {
			neg = true;
		} else if (ctx == SRC && (v = kv(t, "address")) != NULL) {
			strv_push(&r->saddrs, v);
			r->saddr_neg = neg;
			neg = false;
		} else if (ctx == SRC && (kv(t, "ipset") || kv(t, "mac"))) {
			r->saddr_unknown = true;
		} else if (ctx == DST && kv(t, "address")) {
			r->cond |= COND_PACKET;
		} else if (ctx == SVC && (v = kv(t, "name")) != NULL) {
			if (!fwd_service_port(v, r)) {
				r->has_dport = true;
				r->dport_unknown = true;
			}
		} else if (ctx == PORT && (v = kv(t, "port")) != NULL) {
			add_port_list(r, v);
		} else if ((ctx == PORT || ctx == PROTO) &&
			   ((v = kv(t, "protocol")) != NULL || (v = kv(t, "value")) != NULL)) {
			r->proto = proto_number(v);
		} else if (strcmp(t, "accept") == 0) {
			r->action = FW_ACT_ACCEPT;
			ctx = ACTION;
		} else if (strcmp(t, "drop") == 0) {
			r->action = FW_ACT_DROP;
			ctx = ACTION;
		} else if (strcmp(t, "reject") == 0) {
			r->action = FW_ACT_REJECT_ICMP;
			free(r->reject_with);
			r->reject_with = xstrdup("icmp-port-unreachable");
			ctx = ACTION;
		} else if (ctx == ACTION && (v = kv(t, "type")) != NULL) {
			free(r->reject_with);
			if (strcmp(v, "tcp-reset") == 0) {
				r->action = FW_ACT_REJECT_TCP_RESET;
				r->reject_with = NULL;
			} else {
				r->reject_with = xstrdup(v);
			}
		} else if (strcmp(t, "mark") == 0) {
			r->action = FW_ACT_NONE;
		} else if (strcmp(t, "limit") == 0) {
			r->cond |= COND_TIMING;
		} else if (strcmp(t, "icmp-block") == 0 || strcmp(t, "icmp-type") == 0 ||
			   strcmp(t, "masquerade") == 0 || strcmp(t, "forward-port") == 0) {
			ok = false;
		} else if (strcmp(t, "source-port") == 0) {
			r->cond |= COND_PACKET;
		}
	}
	strv_release(&w);
	if (r->action == FW_ACT_NONE && ok)
		(void)res;
	return ok;
}

struct fwd_rich {
	struct crule r;
	long prio;
	int group;	/* 0 log, 1 deny, 2 allow: the order at one priority */
};

static int fwd_rich_cmp(const void *a, const void *b)
{
	const struct fwd_rich *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	if (x->group != y->group)
		return x->group - y->group;
	return x < y ? -1 : (x > y);
}

int fw_parse_firewalld(const char *buf, size_t len, const struct fw_query *q,
		       struct fw_result *res)
{
	char *copy, *pos, *line, *zone = NULL, *target = NULL;
	struct fwd_rich *rich = NULL;
	size_t nrich = 0;
	struct model m;
	struct cchain *c;
	bool in_rich = false, header = false;
	int ret = 0;

	if (res == NULL)
		return FW_ERR_ARG;
	fw_result_reset(res);
	if (buf == NULL || q == NULL)
		return FW_ERR_ARG;
	res->source = FW_SRC_FIREWALLD;
	query_setup(res, q);
	model_init(&m, FW_SRC_FIREWALLD);
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		bool indented = line[0] == ' ' || line[0] == '\t';
		char *l = str_trim(line);
		const char *v;
		struct fwd_rich *fr;

		if (*l == '\0')
			continue;
		if (strstr(l, "not running") != NULL && !header) {
			res->active = false;
			break;
		}
		if (!indented) {
			size_t n;

			if (header)
				break;	/* the next zone of --list-all-zones */
			n = strcspn(l, " (");
			zone = xstrndup(l, n);
			header = true;
			continue;
		}
		if (!header) {
			ret = FW_ERR_FORMAT;
			goto out;
		}
		if (str_starts_with(l, "target:")) {
			free(target);
			target = xstrdup(str_trim(l + 7));
			in_rich = false;
			continue;
		}
		if (str_starts_with(l, "rich rules:")) {
			in_rich = true;
			l = str_trim(l + 11);
			if (*l == '\0')
				continue;
		}
		if (in_rich && str_starts_with(l, "rule")) {
			rich = xrealloc(rich, (nrich + 1) * sizeof(*rich));
			fr = &rich[nrich];
			crule_init(&fr->r);
			if (!fwd_rich(l, &fr->r, &fr->prio, res)) {
				crule_release(&fr->r);
				continue;
			}
			fr->group = fr->r.action == FW_ACT_ACCEPT ? 2 :
				    fr->r.action == FW_ACT_NONE ? 0 : 1;
			fr->r.text = xstrdup(l);
			nrich++;
			continue;
		}
		in_rich = false;
		if ((v = str_starts_with(l, "services:") ? l + 9 : NULL) != NULL ||
		    (v = str_starts_with(l, "ports:") ? l + 6 : NULL) != NULL) {
			bool svc = l[0] == 's';
			char *list = xstrdup(v), *save = NULL;

			for (char *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
				rich = xrealloc(rich, (nrich + 1) * sizeof(*rich));
				fr = &rich[nrich];
				crule_init(&fr->r);
				fr->prio = 0;
				fr->group = 2;
				fr->r.action = FW_ACT_ACCEPT;
				if (svc && !fwd_service_port(t, &fr->r)) {
					char *s = xasprintf("service '%s' was not looked up; its ports "
							    "are in its firewalld service file", t);

					res_note(res, s);
					free(s);
					crule_release(&fr->r);
					continue;
				}
				if (!svc && !ufw_port(t, &fr->r)) {
					crule_release(&fr->r);
					continue;
				}
				fr->r.text = xasprintf("%s %s", svc ? "service" : "port", t);
				nrich++;
			}
			free(list);
		}
	}
	if (!res->active) {
		res->verdict = FW_VERDICT_OPEN;
		res_note(res, "firewalld is not running");
		goto out;
	}
	if (!header) {
		ret = FW_ERR_FORMAT;
		goto out;
	}
	if (nrich > 0)
		qsort(rich, nrich, sizeof(*rich), fwd_rich_cmp);
	c = model_chain(&m, NULL, zone);
	c->base = true;
	for (size_t i = 0; i < nrich; i++)
		chain_add_rule(c, &rich[i].r);
	{
		const char *t = target ? target : "default";
		char *text = xasprintf("target: %s", t);

		if (strcmp(t, "ACCEPT") == 0)
			chain_set_policy(c, FW_ACT_ACCEPT, NULL, text);
		else if (strcmp(t, "DROP") == 0)
			chain_set_policy(c, FW_ACT_DROP, NULL, text);
		else
			chain_set_policy(c, FW_ACT_REJECT_ICMP, res->family == 6 ?
					 "icmp6-adm-prohibited" : "icmp-host-prohibited", text);
		free(text);
	}
	model_evaluate(&m, q, res);
out:
	for (size_t i = 0; i < nrich; i++)
		crule_release(&rich[i].r);
	free(rich);
	free(zone);
	free(target);
	free(copy);
	model_release(&m);
	return ret;
}

void fw_zone_list_init(struct fw_zone_list *zl)
{
	zl->v = NULL;
	zl->n = 0;
}

void fw_zone_list_release(struct fw_zone_list *zl)
{
	for (size_t i = 0; i < zl->n; i++) {
		free(zl->v[i].name);
		strv_release(&zl->v[i].interfaces);
		strv_release(&zl->v[i].sources);
	}
	free(zl->v);
	fw_zone_list_init(zl);
}

int fw_parse_firewalld_zones(const char *buf, size_t len, struct fw_zone_list *zl)
{
	char *copy, *pos, *line;
	int ret = 0;

	if (zl == NULL)
		return FW_ERR_ARG;
	fw_zone_list_release(zl);
	if (buf == NULL)
		return FW_ERR_ARG;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		bool indented = line[0] == ' ' || line[0] == '\t';
		char *l = str_trim(line);
		struct strv *list = NULL;

		if (*l == '\0')
			continue;
		if (!indented) {
			struct fw_zone *z;

			if (strchr(l, ':') != NULL || strstr(l, "not running")) {
				ret = FW_ERR_FORMAT;
				break;
			}
			zl->v = xrealloc(zl->v, (zl->n + 1) * sizeof(*zl->v));
			z = &zl->v[zl->n++];
			z->name = printable(l, strcspn(l, " ("), true);
			strv_init(&z->interfaces);
			strv_init(&z->sources);
			continue;
		}
		if (zl->n == 0) {
			ret = FW_ERR_FORMAT;
			break;
		}
		if (str_starts_with(l, "interfaces:")) {
			list = &zl->v[zl->n - 1].interfaces;
			l += 11;
		} else if (str_starts_with(l, "sources:")) {
			list = &zl->v[zl->n - 1].sources;
			l += 8;
		}
		if (list != NULL) {
			char *save = NULL;

			for (char *t = strtok_r(l, " ", &save); t; t = strtok_r(NULL, " ", &save))
				strv_push_owned(list, pdup(t));
		}
	}
	free(copy);
	if (ret != 0)
		fw_zone_list_release(zl);
	return ret;
}

const char *fw_zone_list_pick(const struct fw_zone_list *zl, const char *client,
			      const char *iface)
{
	for (size_t i = 0; client != NULL && i < zl->n; i++)
		for (size_t j = 0; j < zl->v[i].sources.n; j++)
			if (fw_addr_match(zl->v[i].sources.v[j], client))
				return zl->v[i].name;
	for (size_t i = 0; iface != NULL && i < zl->n; i++)
		if (strv_contains(&zl->v[i].interfaces, iface))
			return zl->v[i].name;
	return NULL;
}

/* ---- macOS socketfilterfw --------------------------------------------- */

/* 1 when text says on/enabled, 0 when off/disabled, -1 when it says neither. */
static int onoff(const char *buf, size_t len)
{
	char *s;
	int v = -1;

	if (buf == NULL)
		return -1;
	s = str_from_buf(buf, len);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (strstr(s, "disabled") || strstr(s, " is off") || strstr(s, "state = 0"))
		v = 0;
	else if (strstr(s, "enabled") || strstr(s, " is on") || strstr(s, "state = 1") ||
		 strstr(s, "state = 2"))
		v = 1;
	free(s);
	return v;
}

static int alf_rule(struct fw_result *res, const char *text, enum fw_action act, bool policy)
{
	int i = res_add_rule(res);
	struct fw_rule *r = &res->rules[i];

	r->chain = xstrdup("application firewall");
	r->text = pdup(text);
	r->action = act;
	r->is_policy = policy;
	r->effect = action_effect(act, NULL, res->family);
	return i;
}

int fw_parse_socketfilterfw(const char *globalstate, size_t glen,
			    const char *blockall, size_t blen,
			    const char *stealth, size_t slen,
			    const char *listapps, size_t llen,
			    const struct fw_query *q, struct fw_result *res)
{
	int global, block, st;
	enum fw_action deny;
	char *copy, *pos, *line, *app = NULL;
	int found = -1;

	if (res == NULL)
		return FW_ERR_ARG;
	fw_result_reset(res);
	if (q == NULL)
		return FW_ERR_ARG;
	res->source = FW_SRC_SOCKETFILTERFW;
	query_setup(res, q);
	global = onoff(globalstate, glen);
	if (global < 0)
		return FW_ERR_FORMAT;
	block = onoff(blockall, blen);
	if (globalstate != NULL) {
		char *g = str_from_buf(globalstate, glen);

		if (strstr(g, "State = 2") != NULL)
			block = 1;	/* "block all" is global state 2 */
		free(g);
	}
	st = onoff(stealth, slen);
	/* in stealth mode blocked connections get no answer at all */
	deny = st == 1 ? FW_ACT_DROP : FW_ACT_REJECT_TCP_RESET;
	if (global == 0) {
		res->active = false;
		res->verdict = FW_VERDICT_OPEN;
		res_note(res, "the application firewall is off");
		return 0;
	}
	if (block == 1) {
		res->deciding = alf_rule(res, "block all incoming connections", deny, true);
		res->verdict = deny == FW_ACT_DROP ? FW_VERDICT_DROPPED : FW_VERDICT_REJECTED;
		return 0;
	}
	pos = copy = listapps ? str_from_buf(listapps, llen) : xstrdup("");
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line), *colon;

		if (isdigit((unsigned char)*l) && (colon = strstr(l, " : ")) != NULL) {
			free(app);
			app = xstrdup(str_trim(colon + 3));
		} else if (app != NULL && *l == '(') {
			bool sshd = strcmp(app, "/usr/sbin/sshd") == 0 ||
				    strcmp(app, "/usr/libexec/sshd-keygen-wrapper") == 0;
			bool allow = strstr(l, "Allow") != NULL;

			if (sshd) {
				char *text = xasprintf("%s %s", app, l);

				found = alf_rule(res, text, allow ? FW_ACT_ACCEPT : deny, false);
				free(text);
				if (!allow)
					break;
			}
			free(app);
			app = NULL;
		}
	}
	free(app);
	free(copy);
	if (found >= 0 && res->rules[found].action != FW_ACT_ACCEPT) {
		res->verdict = deny == FW_ACT_DROP ? FW_VERDICT_DROPPED : FW_VERDICT_REJECTED;
		res->deciding = found;
	} else {
		res->verdict = FW_VERDICT_OPEN;
		res->deciding = found;
		if (found < 0)
			res_note(res, "sshd is not in the application list: built-in software "
				 "is allowed unless 'allow signed software' was turned off");
	}
	return 0;
}

/* ---- ufw's own rules -------------------------------------------------- */

/* The words of an iptables rule as a sorted list of "option value" pairs,
 * without what ufw's files and iptables-save write differently: the
 * implied "-m tcp", -m recent's defaults, "/32" on one address. */
static void ipt_canon(const char *rule, struct strv *out)
{
	struct strv w;

	strv_init(&w);
	split_words(rule, &w);
	for (size_t i = 0; i < w.n; i++) {
		const char *o = w.v[i], *a = i + 1 < w.n ? w.v[i + 1] : "";
		bool neg = strcmp(o, "!") == 0;
		char *pair, *slash;

		if (neg) {
			if (++i >= w.n)
				break;
			o = w.v[i];
			a = i + 1 < w.n ? w.v[i + 1] : "";
		}
		if (o[0] != '-')
			continue;
		if (a[0] == '-' || a[0] == '!' || a[0] == '\0')
			a = "";
		else
			i++;
		if ((strcmp(o, "-m") == 0 && (strcmp(a, "tcp") == 0 || strcmp(a, "udp") == 0)) ||
		    (strcmp(o, "--name") == 0 && strcmp(a, "DEFAULT") == 0) ||
		    (strcmp(o, "--mask") == 0 && strcmp(a, "255.255.255.255") == 0) ||
		    strcmp(o, "--rsource") == 0)
			continue;
		pair = xasprintf("%s%s %s", neg ? "! " : "", o, a);
		if ((slash = strrchr(pair, '/')) != NULL &&
		    (strcmp(slash, "/32") == 0 || strcmp(slash, "/128") == 0))
			*slash = '\0';
		strv_push_owned(out, pair);
	}
	strv_release(&w);
	for (size_t i = 1; i < out->n; i++)
		for (size_t j = i; j > 0 && strcmp(out->v[j - 1], out->v[j]) > 0; j--) {
			char *t = out->v[j];

			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
}

static bool tuple_any(const char *s)
{
	return strcmp(s, "0.0.0.0/0") == 0 || strcmp(s, "::/0") == 0 || strcmp(s, "any") == 0;
}

/* An application name of a tuple ("OpenSSH", "Apache%20Full") as ufw reads it. */
static char *tuple_app(const char *s)
{
	struct strbuf sb;
	bool space = false;

	strbuf_init(&sb);
	for (const char *p = s; *p; p++) {
		if (strncmp(p, "%20", 3) == 0) {
			strbuf_addch(&sb, ' ');
			space = true;
			p += 2;
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	if (space) {
		char *q = xasprintf("'%s'", sb.buf);

		strbuf_release(&sb);
		return q;
	}
	return strbuf_detach(&sb, NULL);
}

/* "### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in" as the ufw
 * command that made it, after "sudo ufw delete". */
static char *tuple_command(const char *tuple)
{
	struct strv t;
	struct strbuf sb;
	const char *action, *proto, *dport, *dst, *sport, *src, *dir, *dapp = "-", *sapp = "-";
	const char *iface = NULL, *log = NULL;
	char *act = NULL, *us, *ret = NULL;
	size_t n;

	strv_init(&t);
	split_words(tuple, &t);
	n = t.n;
	while (n > 0 && strncmp(t.v[n - 1], "comment=", 8) == 0)
		n--;
	if (n != 7 && n != 9)
		goto out;
	action = t.v[0];
	proto = t.v[1];
	dport = t.v[2];
	dst = t.v[3];
	sport = t.v[4];
	src = t.v[5];
	if (n == 9) {
		dapp = t.v[6];
		sapp = t.v[7];
	}
	dir = t.v[n - 1];
	if (strchr(action, ':') != NULL)
		goto out;	/* route rules do not concern incoming connections */
	act = xstrdup(action);
	if ((us = strchr(act, '_')) != NULL) {
		*us = '\0';
		log = us + 1;	/* "log" or "log-all" */
	}
	if (strncmp(dir, "in_", 3) == 0)
		iface = dir + 3;
	else if (strcmp(dir, "in") != 0)
		goto out;
	strbuf_init(&sb);
	strbuf_addf(&sb, "sudo ufw delete %s", act);
	if (iface == NULL && tuple_any(dst) && tuple_any(src) && strcmp(sport, "any") == 0 &&
	    strcmp(sapp, "-") == 0) {
		if (log)
			strbuf_addf(&sb, " %s", log);
		if (strcmp(dapp, "-") != 0) {
			char *app = tuple_app(dapp);

			strbuf_addf(&sb, " %s", app);
			free(app);
		} else if (strcmp(proto, "any") == 0) {
			strbuf_addf(&sb, " %s", dport);
		} else {
			strbuf_addf(&sb, " %s/%s", dport, proto);
		}
	} else {
		if (iface)
			strbuf_addf(&sb, " in on %s", iface);
		if (log)
			strbuf_addf(&sb, " %s", log);
		strbuf_addf(&sb, " from %s", tuple_any(src) ? "any" : src);
		if (strcmp(sapp, "-") != 0) {
			char *app = tuple_app(sapp);

			strbuf_addf(&sb, " app %s", app);
			free(app);
		} else if (strcmp(sport, "any") != 0) {
			strbuf_addf(&sb, " port %s", sport);
		}
		strbuf_addf(&sb, " to %s", tuple_any(dst) ? "any" : dst);
		if (strcmp(dapp, "-") != 0) {
			char *app = tuple_app(dapp);

			strbuf_addf(&sb, " app %s", app);
			free(app);
		} else if (strcmp(dport, "any") != 0) {
			strbuf_addf(&sb, " port %s", dport);
		}
		if (strcmp(proto, "any") != 0 && strcmp(dapp, "-") == 0 && strcmp(sapp, "-") == 0)
			strbuf_addf(&sb, " proto %s", proto);
	}
	ret = strbuf_detach(&sb, NULL);
out:
	free(act);
	strv_release(&t);
	return ret;
}

bool fw_ufw_limits_sources(const char *user_rules, size_t len, int port)
{
	char *copy, *pos, *line;
	bool found = false;

	if (user_rules == NULL)
		return false;
	pos = copy = str_from_buf(user_rules, len);
	while (!found && (line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);
		struct strv t;

		if (!str_starts_with(l, "### tuple ###"))
			continue;
		strv_init(&t);
		split_words(l + 13, &t);
		/* action proto dport dst sport src ...: an allow or limit from
		 * some sources only, to this port or to every port */
		if (t.n >= 7 && (str_starts_with(t.v[0], "allow") || str_starts_with(t.v[0], "limit")) &&
		    !tuple_any(t.v[5])) {
			struct crule r;

			crule_init(&r);
			if (strcmp(t.v[2], "any") == 0)
				found = true;
			else
				add_port_list(&r, t.v[2]);
			for (size_t i = 0; i < r.ndports && !found; i++)
				found = port >= r.dports[i].lo && port <= r.dports[i].hi;
			crule_release(&r);
		}
		strv_release(&t);
	}
	free(copy);
	return found;
}

char *fw_ufw_delete_command(const char *user_rules, size_t len, const char *rule)
{
	char *copy, *pos, *line, *tuple = NULL, *ret = NULL;
	struct strv want;

	if (user_rules == NULL || rule == NULL)
		return NULL;
	strv_init(&want);
	ipt_canon(rule, &want);
	pos = copy = str_from_buf(user_rules, len);
	while (ret == NULL && (line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line);
		struct strv got;

		if (str_starts_with(l, "### tuple ###")) {
			free(tuple);
			tuple = xstrdup(str_trim(l + 13));
			continue;
		}
		if (str_starts_with(l, "### ") || *l == '*' || strcmp(l, "COMMIT") == 0) {
			free(tuple);
			tuple = NULL;	/* a block without tuples: ufw's own chains */
			continue;
		}
		if (tuple == NULL || !str_starts_with(l, "-A "))
			continue;
		strv_init(&got);
		ipt_canon(l, &got);
		if (strv_equal(&want, &got)) {
			char *cmd = tuple_command(tuple);

			ret = cmd ? printable(cmd, strlen(cmd), true) : NULL;
			free(cmd);
		}
		strv_release(&got);
	}
	free(tuple);
	free(copy);
	strv_release(&want);
	return ret;
}

/* SPDX-License-Identifier: MIT */
/* The verdict rules, in one place, and their wording from assets/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-ssh-ident.h"
#include "engine/target-vars.h"
#include "engine/verdict.h"

void verdict_decision_init(struct verdict_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->addr_index = -1;
	strv_init(&d->evidence);
	strv_init(&d->alternatives);
	strv_init(&d->unchecked);
}

void verdict_decision_release(struct verdict_decision *d)
{
	strv_release(&d->evidence);
	strv_release(&d->alternatives);
	strv_release(&d->unchecked);
}

static void decide(struct verdict_decision *d, const char *cause, const char *confidence)
{
	d->cause = cause;
	d->confidence = confidence;
}

static void alt(struct verdict_decision *d, const char *cause)
{
	if (!strv_contains(&d->alternatives, cause) && (d->cause == NULL || strcmp(d->cause, cause) != 0))
		strv_push(&d->alternatives, cause);
}

void verdict_decision_set(struct verdict_decision *d, const char *cause, const char *confidence)
{
	decide(d, cause, confidence);
}

void verdict_decision_alt(struct verdict_decision *d, const char *cause)
{
	alt(d, cause);
}

/* The address ssh would end up reporting on: the first that answered TCP,
 * else the first one (ssh tries them in order). */
static int pick_address(const struct client_facts *f)
{
	for (size_t i = 0; i < f->naddrs; i++)
		if (f->addrs[i].tcp == TCP_ANSWERED)
			return (int)i;
	return 0;
}

/* ICMP codes a firewall rule sends: IPv4 3/9, 3/10, 3/13; ICMPv6 1/1. */
static bool icmp_is_prohibited(const struct addr_facts *a)
{
	if (a->sa.ss_family == AF_INET6)
		return a->icmp_type == 1 && a->icmp_code == 1;
	return a->icmp_type == 3 && (a->icmp_code == 9 || a->icmp_code == 10 || a->icmp_code == 13);
}

/* The wording of a firewall verdict by where its rule sits: "router" when
 * the ICMP error came from an address that is not the target's (the SYN
 * never reached it), "path" when a router lies on the way and nothing
 * says on which machine the rule is, NULL when it can only be the target. */
static const char *rule_place(const struct addr_facts *a)
{
	if (a->wire == WIRE_ICMP && a->icmp_from[0] && !a->icmp_from_target)
		return "router";
	if (a->neigh_gateway)
		return "path";
	return NULL;
}

/* Port unreachable: IPv4 3/3, ICMPv6 1/4. A TCP stack answers with a RST. */
static bool icmp_is_port_unreach(const struct addr_facts *a)
{
	if (a->sa.ss_family == AF_INET6)
		return a->icmp_type == 1 && a->icmp_code == 4;
	return a->icmp_type == 3 && a->icmp_code == 3;
}

static void decide_answered(const struct client_facts *f, const struct addr_facts *a,
			    int port, struct verdict_decision *d)
{
	switch (a->banner) {
	case BANNER_MAXSTARTUPS:
		strv_pushf(&d->evidence, "%s port %d accepted, then said \"Exceeded MaxStartups\" and closed",
			   a->text, port);
		decide(d, "connection_limit", "certain");
		return;
	case BANNER_CLOSED:
	case BANNER_RESET:
		strv_pushf(&d->evidence, "%s port %d accepted the connection, then %s it before sending any SSH identification",
			   a->text, port, a->banner == BANNER_CLOSED ? "closed" : "reset");
		decide(d, "closed_by_server", "likely");
		alt(d, "connection_limit");
		return;
	case BANNER_OTHER:
	case BANNER_SILENT:
		if (a->banner == BANNER_OTHER)
			strv_pushf(&d->evidence, "%s port %d answers, but says \"%s\", which is not an SSH identification",
				   a->text, port, a->banner_text ? a->banner_text : "");
		else
			strv_pushf(&d->evidence, "%s port %d accepts connections but says nothing; an SSH server speaks first",
				   a->text, port);
		if (f->alt_ssh_port > 0) {
			strv_pushf(&d->evidence, "an SSH server answers on port %d", f->alt_ssh_port);
			decide(d, "wrong_port", "likely");
			alt(d, "not_ssh");
		} else {
			decide(d, "not_ssh", a->banner == BANNER_OTHER ? "certain" : "likely");
		}
		return;
	case BANNER_NOT_TRIED:
		if (a->banner_tcp != TCP_NOT_TRIED) {
			/* ok only when an identification was read: the port
			 * accepted once, and the banner step's own connection
			 * failed; what it met is what the port does now */
			strv_pushf(&d->evidence, "%s port %d accepted the TCP step's connection, but the next one %s: no SSH identification was read",
				   a->text, port, tcp_result_word(a->banner_tcp));
			strv_push(&d->unchecked, "what the server says: no connection read its first words");
			switch (a->banner_tcp) {
			case TCP_REFUSED:
				decide(d, "port_closed", "possible");
				break;
			case TCP_NO_ANSWER:
				decide(d, "firewall_drop", "possible");
				break;
			case TCP_HOST_UNREACH:
			case TCP_NET_UNREACH:
				decide(d, "host_unreachable", "possible");
				break;
			case TCP_FORBIDDEN:
				decide(d, "local_firewall", "possible");
				break;
			default:
				decide(d, "closed_by_server", "possible");
				break;
			}
			alt(d, "connection_limit");
			return;
		}
		/* a replayed capture shows the SYN-ACK but not what was said */
		strv_pushf(&d->evidence, "%s port %d accepted the connection (SYN-ACK); what the server then said is not known",
			   a->text, port);
		decide(d, "ok", "possible");
		alt(d, "not_ssh");
		return;
	case BANNER_SSH:
		break;
	}
	strv_pushf(&d->evidence, "%s port %d accepted the connection", a->text, port);
	decide(d, "not_ssh", "possible");
}

/* ICMP for IPv4, ICMPv6 for IPv6: their types and codes differ (3/3 and
 * 1/4 are both "port unreachable"), and the glossary explains each. */
static const char *icmp_label(const struct addr_facts *a)
{
	return a->sa.ss_family == AF_INET6 ? "ICMPv6" : "ICMP";
}

static void decide_refused(const struct client_facts *f, const struct addr_facts *a,
			   int port, struct verdict_decision *d)
{
	if (a->wire == WIRE_ICMP)
		strv_pushf(&d->evidence, "the SYN to %s port %d was answered by %s %d/%d from %s",
			   a->text, port, icmp_label(a), a->icmp_type, a->icmp_code, a->icmp_from[0] ? a->icmp_from : "?");
	else if (a->wire == WIRE_RST)
		strv_pushf(&d->evidence, "the SYN to %s port %d was answered by a TCP reset (RST)", a->text, port);
	else
		strv_pushf(&d->evidence, "connecting to %s port %d was refused (ECONNREFUSED)", a->text, port);
	if (a->wire_note)
		strv_push(&d->evidence, a->wire_note);

	if (f->alt_ssh_port > 0) {
		strv_pushf(&d->evidence, "an SSH server answers on port %d", f->alt_ssh_port);
		decide(d, "wrong_port", "likely");
		alt(d, a->wire == WIRE_ICMP ? "firewall_reject" : "port_closed");
		return;
	}
	if (a->wire == WIRE_ICMP) {
		/* a TCP stack answers a closed port with a RST: ICMP means a rule */
		decide(d, "firewall_reject", "certain");
		return;
	}
	if (a->wire == WIRE_RST) {
		switch (a->rst_by) {
		case RST_BY_PATH:
			decide(d, "middlebox_reset", "likely");
			alt(d, "firewall_reject");
			return;
		case RST_BY_RULE:
			decide(d, "firewall_reject", "likely");
			alt(d, "port_closed");
			return;
		case RST_BY_HOST:
			decide(d, "port_closed", "certain");
			return;
		case RST_BY_UNKNOWN:
			decide(d, "port_closed", "likely");
			alt(d, "firewall_reject");
			return;
		}
	}
	decide(d, "port_closed", "likely");
	alt(d, "firewall_reject");
}

/* True when nothing at all answered from a: no echo, and no answer, not
 * even a refusal, on any other port. */
static bool nothing_answers(const struct client_facts *f, const struct addr_facts *a)
{
	if (f->ping_answered || f->nalt == 0)
		return false;
	for (size_t i = 0; i < f->nalt; i++)
		if (f->alt[i].tcp != TCP_NO_ANSWER)
			return false;
	return a->tcp == TCP_NO_ANSWER;
}

static void decide_silent(const struct client_facts *f, const struct addr_facts *a,
			  int port, struct verdict_decision *d)
{
	strv_pushf(&d->evidence, "no answer from %s port %d within %d ms", a->text, port, f->silence_ms);
	if (a->wire == WIRE_SILENCE)
		strv_push(&d->evidence, "the capture saw our SYNs leave and nothing come back");
	if (f->alt_ssh_port > 0) {
		strv_pushf(&d->evidence, "an SSH server answers on port %d", f->alt_ssh_port);
		decide(d, "wrong_port", "likely");
		alt(d, "firewall_drop");
		return;
	}
	if (f->ping_answered) {
		strv_pushf(&d->evidence, "the host answers ping (%u.%03u ms), so it is up: something drops the SYNs",
			   f->ping_rtt_us / 1000, f->ping_rtt_us % 1000);
		decide(d, "firewall_drop", "likely");
		d->wording = rule_place(a);
		return;
	}
	if (f->ping_tried)
		strv_push(&d->evidence, "the host does not answer ping either: it may be down, or a firewall drops everything");
	decide(d, "firewall_drop", "possible");
	alt(d, "host_unreachable");
	d->wording = rule_place(a);
	if (nothing_answers(f, a)) {
		strv_pushf(&d->evidence, "none of the %zu other ports we tried on %s answered either, not even with a refusal",
			   f->nalt, a->text);
		d->wording = "silent_host";
	}
}

void verdict_decide_client(const struct client_facts *f, int port, struct verdict_decision *d)
{
	const struct addr_facts *a;
	int i;

	switch (f->dns) {
	case DNS_NXDOMAIN:
	case DNS_NO_ADDRESS:
	case DNS_NO_SERVER:
	case DNS_ERROR:
		strv_pushf(&d->evidence, "the name does not resolve: %s",
			   f->dns_message ? f->dns_message : "no address");
		decide(d, "dns_failure", f->dns == DNS_NO_SERVER ? "likely" : "certain");
		return;
	default:
		break;
	}
	if (f->naddrs == 0) {
		strv_push(&d->evidence, "no address to connect to");
		decide(d, "dns_failure", "possible");
		return;
	}
	for (size_t k = 0; k < f->naddrs; k++)
		if (f->addrs[k].banner == BANNER_SSH) {
			d->addr_index = (int)k;
			strv_pushf(&d->evidence, "%s port %d answered \"%s\"", f->addrs[k].text, port,
				   f->addrs[k].banner_text ? f->addrs[k].banner_text : "SSH-");
			if (f->ssh_ok && f->ssh_auth_methods)
				strv_pushf(&d->evidence, "the key exchange completed; it offers: %s",
					   f->ssh_auth_methods);
			decide(d, "ok", "certain");
			return;
		}

	i = pick_address(f);
	d->addr_index = i;
	a = &f->addrs[i];
	/* the wire outranks the socket: a rule's ICMP may reach the capture and
	 * not the socket, or reach it as EHOSTUNREACH or EACCES */
	if (a->tcp != TCP_ANSWERED && a->wire == WIRE_ICMP && (icmp_is_prohibited(a) || icmp_is_port_unreach(a))) {
		strv_pushf(&d->evidence, "%s answered our SYN to %s port %d with ICMP%s %d/%d: a firewall rule%s",
			   a->icmp_from[0] ? a->icmp_from : "a firewall",
			   a->text, port, a->sa.ss_family == AF_INET6 ? "v6" : "", a->icmp_type, a->icmp_code,
			   a->tcp == TCP_NO_ANSWER ? " (the connection attempt itself was told nothing)" : "");
		if (a->wire_note)
			strv_push(&d->evidence, a->wire_note);
		if (f->alt_ssh_port > 0) {
			strv_pushf(&d->evidence, "an SSH server answers on port %d", f->alt_ssh_port);
			decide(d, "wrong_port", "likely");
			alt(d, "firewall_reject");
			return;
		}
		decide(d, "firewall_reject", "certain");
		d->wording = rule_place(a);
		return;
	}
	/* the capture sees what leaves after this machine's own rules */
	if (a->syn_unseen) {
		strv_pushf(&d->evidence, "none of our SYNs to %s port %d left this machine, though the capture saw %s answer our other packets",
			   a->text, port, a->text);
		if (a->own_rule)
			strv_pushf(&d->evidence, "this machine's own firewall rule stops them: %s", a->own_rule);
		decide(d, "local_firewall", "certain");
		return;
	}
	/* no capture, but this machine's own OUTPUT chain drops the SYN: the
	 * silence is ours */
	if (a->tcp == TCP_NO_ANSWER && a->own_rule != NULL) {
		strv_pushf(&d->evidence, "no answer from %s port %d within %d ms", a->text, port, f->silence_ms);
		strv_pushf(&d->evidence, "this machine's own firewall rule stops our SYNs to %s port %d before they leave: %s",
			   a->text, port, a->own_rule);
		decide(d, "local_firewall", a->own_rule_sure ? "certain" : "likely");
		if (!a->own_rule_sure)
			alt(d, "firewall_drop");
		return;
	}
	switch (a->tcp) {
	case TCP_ANSWERED:
		decide_answered(f, a, port, d);
		break;
	case TCP_REFUSED:
		decide_refused(f, a, port, d);
		break;
	case TCP_NO_ANSWER:
		decide_silent(f, a, port, d);
		break;
	case TCP_HOST_UNREACH:
	case TCP_NET_UNREACH:
		/* Linux reports "administratively prohibited" as EHOSTUNREACH */
		if (a->wire == WIRE_ICMP && icmp_is_prohibited(a)) {
			strv_pushf(&d->evidence, "%s answered our SYN to %s port %d with %s %d/%d (administratively prohibited): a firewall rule",
				   a->icmp_from[0] ? a->icmp_from : "a firewall", a->text, port,
				   icmp_label(a), a->icmp_type, a->icmp_code);
			if (a->wire_note)
				strv_push(&d->evidence, a->wire_note);
			decide(d, "firewall_reject", "certain");
			d->wording = rule_place(a);
			break;
		}
		if (a->wire == WIRE_NONE && a->tcp == TCP_HOST_UNREACH && f->ping_answered) {
			strv_pushf(&d->evidence, "%s answers ping, yet connecting to port %d says \"host unreachable\": an ICMP reject rule",
				   a->text, port);
			decide(d, "firewall_reject", "likely");
			alt(d, "host_unreachable");
			d->wording = rule_place(a);
			break;
		}
		if (a->wire == WIRE_ICMP && a->icmp_from[0])
			strv_pushf(&d->evidence, "%s sent %s %d/%d: %s cannot be reached", a->icmp_from,
				   icmp_label(a), a->icmp_type, a->icmp_code, a->text);
		else if (a->tcp == TCP_NET_UNREACH)
			strv_pushf(&d->evidence, "there is no route to %s from this machine", a->text);
		else if (a->neigh == NEIGH_INCOMPLETE || a->neigh == NEIGH_FAILED)
			strv_pushf(&d->evidence, "nobody on the link answered %s for %s (%s) within %u ms",
				   a->sa.ss_family == AF_INET6 ? "neighbour discovery" : "ARP", a->neigh_hop,
				   a->neigh_gateway ? "the router toward it" : "the address itself",
				   a->neigh_unanswered_ms);
		if (a->wire == WIRE_NONE && a->wire_note && a->tcp == TCP_HOST_UNREACH)
			strv_pushf(&d->evidence, "the capture: %s", a->wire_note);
		else
			strv_pushf(&d->evidence, "%s cannot be reached (no ARP/neighbour answer or ICMP host unreachable)",
				   a->text);
		/* still "incomplete": we stopped after one unanswered probe, the
		 * kernel would ask twice more */
		decide(d, "host_unreachable", a->tcp == TCP_HOST_UNREACH && a->neigh == NEIGH_INCOMPLETE
		       && a->wire != WIRE_ICMP ? "likely" : "certain");
		break;
	case TCP_FORBIDDEN:
		strv_pushf(&d->evidence, "this machine refused to send the SYN to %s port %d: its own firewall forbids it",
			   a->text, port);
		if (a->own_rule)
			strv_pushf(&d->evidence, "this machine's own firewall rule stops it: %s", a->own_rule);
		decide(d, "local_firewall", "certain");
		break;
	case TCP_OTHER:
	case TCP_NOT_TRIED:
		strv_pushf(&d->evidence, "connecting to %s port %d failed: %s", a->text, port,
			   tcp_result_word(a->tcp));
		decide(d, "host_unreachable", "possible");
		break;
	}
	/* other addresses that fail differently are worth a line */
	for (size_t k = 0; k < f->naddrs; k++)
		if ((int)k != i && f->addrs[k].tcp != a->tcp)
			strv_pushf(&d->evidence, "the other address %s: %s", f->addrs[k].text,
				   tcp_result_word(f->addrs[k].tcp));
}

/* Which pasted ssh errors each cause produces. */
static const struct {
	const char *cause;
	enum symptom symptoms[4];
} symptom_table[] = {
	{"dns_failure", {SYMPTOM_RESOLVE}},
	{"host_unreachable", {SYMPTOM_NO_ROUTE, SYMPTOM_NET_UNREACHABLE, SYMPTOM_TIMED_OUT}},
	{"port_closed", {SYMPTOM_REFUSED}},
	{"middlebox_reset", {SYMPTOM_REFUSED}},
	{"firewall_drop", {SYMPTOM_TIMED_OUT}},
	{"firewall_reject", {SYMPTOM_REFUSED, SYMPTOM_NO_ROUTE}},
	{"wrong_port", {SYMPTOM_REFUSED, SYMPTOM_TIMED_OUT}},
	{"not_ssh", {SYMPTOM_CLOSED, SYMPTOM_RESET}},
	{"closed_by_server", {SYMPTOM_CLOSED, SYMPTOM_RESET}},
	{"connection_limit", {SYMPTOM_CLOSED, SYMPTOM_RESET}},
	{"local_firewall", {SYMPTOM_REFUSED, SYMPTOM_TIMED_OUT}},
	{"tcp_wrappers", {SYMPTOM_CLOSED, SYMPTOM_RESET}},
	{"fail2ban_ban", {SYMPTOM_TIMED_OUT, SYMPTOM_REFUSED}},
	{"sshd_not_running", {SYMPTOM_REFUSED}},
	{"sshd_not_installed", {SYMPTOM_REFUSED}},
	{"sshd_config_error", {SYMPTOM_REFUSED}},
	{"listen_address", {SYMPTOM_REFUSED}},
	{"socket_activation_port", {SYMPTOM_REFUSED}},
	{"selinux_port", {SYMPTOM_REFUSED}},
	{"port_in_use", {SYMPTOM_REFUSED, SYMPTOM_CLOSED, SYMPTOM_RESET}},
};

bool verdict_symptom_matches(const char *cause, enum symptom s)
{
	for (size_t i = 0; i < sizeof(symptom_table) / sizeof(symptom_table[0]); i++) {
		if (strcmp(symptom_table[i].cause, cause) != 0)
			continue;
		for (size_t k = 0; k < 4; k++)
			if (symptom_table[i].symptoms[k] == s && s != SYMPTOM_NONE)
				return true;
	}
	return false;
}

void verdict_init(struct report_verdict *v)
{
	memset(v, 0, sizeof(*v));
	strv_init(&v->alternatives);
	strv_init(&v->alternatives_text);
	strv_init(&v->evidence);
	strv_init(&v->prevention);
	strv_init(&v->judged_for);
	strv_init(&v->unchecked);
}

void verdict_release(struct report_verdict *v)
{
	free(v->cause);
	free(v->confidence);
	free(v->title);
	free(v->summary);
	free(v->fix);
	free(v->fix_command);
	free(v->fix_on);
	free(v->fix_platform);
	for (size_t i = 0; i < v->nfix_variants; i++) {
		free(v->fix_variants[i].platform);
		free(v->fix_variants[i].label);
		free(v->fix_variants[i].command);
	}
	free(v->fix_variants);
	free(v->symptom_match);
	strv_release(&v->alternatives);
	strv_release(&v->alternatives_text);
	strv_release(&v->evidence);
	strv_release(&v->prevention);
	strv_release(&v->judged_for);
	strv_release(&v->unchecked);
	verdict_init(v);
}

/* Adds each non-empty line of text to sv, without a leading "- ". */
static void push_lines(struct strv *sv, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char *t = str_trim(line);

		if (t[0] == '-' && t[1] == ' ')
			t = str_trim(t + 2);
		if (*t)
			strv_push(sv, t);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

/* Joins the lines of a section into one paragraph per blank-line break; a
 * line indented by four spaces (a file's lines to copy as they are) keeps
 * its line break and its indent. */
static char *paragraph(const char *text)
{
	struct strbuf sb;
	const char *p = text;

	strbuf_init(&sb);
	while (p && *p) {
		if (*p == '\n') {
			if (strncmp(p + 1, "    ", 4) == 0) {
				strbuf_addch(&sb, '\n');
				p++;
				continue;
			}
			if (p[1] == '\n') {
				strbuf_addstr(&sb, "\n\n");
				while (*p == '\n')
					p++;
				continue;
			}
			strbuf_addch(&sb, ' ');
		} else {
			strbuf_addch(&sb, *p);
		}
		p++;
	}
	return strbuf_detach(&sb, NULL);
}

/* The platforms a fix may be written for, in the order variants are listed. */
static const char *const fix_platforms[] = {"debian", "rhel", "linux", "macos"};

/* The asset's value of key for platform p exactly, or for the platform p
 * is a kind of (Ubuntu is a Debian), or NULL. */
static const char *get_exact(const struct asset_doc *doc, const char *key, const char *p)
{
	char k[96];
	const char *s;

	snprintf(k, sizeof(k), "%s.%s", key, p);
	if ((s = asset_doc_get(doc, k)) != NULL)
		return s;
	if (strcmp(p, "ubuntu") == 0)
		return get_exact(doc, key, "debian");
	return NULL;
}

/* Chooses the fix command: for the platform of the machine the fix runs
 * on when it is known, else every platform's, labelled. A fix for the
 * server is never chosen from this machine's own system. */
static void word_fix_command(const struct verdict_decision *d, const struct asset_doc *doc,
			     const struct asset_var *vars, size_t nvars, const char *platform,
			     struct report_verdict *v)
{
	const char *side = d->client_side ? "client" : "server";
	const char *on = asset_doc_get_for(doc, "fix_on", side);
	const char *always = asset_doc_get_for(doc, "fix_variants", side);
	const char *none = d->wording ? get_exact(doc, "fix_commands", d->wording) : NULL;
	const char *p = NULL, *s = NULL;
	char cmd_key[64] = "fix_command", label_key[64] = "fix_label";

	/* a wording may place the fix elsewhere, with commands of its own for
	 * the machine it names (each platform's, labelled) */
	if (d->wording && get_exact(doc, "fix_on", d->wording) != NULL)
		on = get_exact(doc, "fix_on", d->wording);
	for (size_t i = 0; d->wording && i < sizeof(fix_platforms) / sizeof(fix_platforms[0]); i++) {
		char k[64];

		snprintf(k, sizeof(k), "fix_command.%s", d->wording);
		if (get_exact(doc, k, fix_platforms[i]) != NULL) {
			snprintf(cmd_key, sizeof(cmd_key), "fix_command.%s", d->wording);
			snprintf(label_key, sizeof(label_key), "fix_label.%s", d->wording);
			always = "always";
			break;
		}
	}

	if (on == NULL || (strcmp(on, "client") != 0 && strcmp(on, "network") != 0))
		on = "server";
	v->fix_on = xstrdup(on);
	if (strcmp(on, side) == 0)
		p = platform;
	else if (strcmp(on, "server") == 0)
		p = d->server_platform;
	/* a wording whose fix is words only: nothing to type from here */
	if (none != NULL && strcmp(none, "none") == 0)
		return;
	if (always != NULL && strcmp(always, "always") == 0)
		p = NULL;
	else if (p != NULL && (s = get_exact(doc, "fix_command", p)) == NULL)
		s = asset_doc_get(doc, "fix_command");
	if (s != NULL) {
		v->fix_command = assets_expand(s, vars, nvars);
		v->fix_platform = p ? xstrdup(p) : NULL;
		return;
	}
	for (size_t i = 0; i < sizeof(fix_platforms) / sizeof(fix_platforms[0]); i++) {
		const char *cmd = get_exact(doc, cmd_key, fix_platforms[i]);
		const char *label = get_exact(doc, label_key, fix_platforms[i]);
		struct fix_variant *fv;

		if (cmd == NULL)
			continue;
		v->fix_variants = xrealloc(v->fix_variants, (v->nfix_variants + 1) * sizeof(*v->fix_variants));
		fv = &v->fix_variants[v->nfix_variants++];
		fv->platform = xstrdup(fix_platforms[i]);
		fv->label = label ? assets_expand(label, vars, nvars) : xasprintf("on %s", fix_platforms[i]);
		fv->command = assets_expand(cmd, vars, nvars);
	}
	/* a command that is the same everywhere */
	if (v->nfix_variants == 0 && (s = asset_doc_get(doc, "fix_command")) != NULL)
		v->fix_command = assets_expand(s, vars, nvars);
}

void verdict_word(const struct verdict_decision *d, const struct asset_var *vars, size_t nvars,
		  const struct target *t, const struct assets *a, const char *platform,
		  struct report_verdict *v)
{
	const struct asset_doc *doc;
	const char *s;

	v->cause = xstrdup(d->cause);
	v->confidence = xstrdup(d->confidence);
	doc = assets_cause(a, d->cause);
	if (doc != NULL) {
		char *tmp;

		if ((s = asset_doc_get_for(doc, "title", d->wording)) != NULL)
			v->title = xstrdup(s);
		if ((s = asset_doc_get_for(doc, "summary", d->wording)) != NULL)
			v->summary = assets_expand(s, vars, nvars);
		if ((s = asset_doc_get_for(doc, "fix", d->wording)) != NULL) {
			tmp = assets_expand(s, vars, nvars);
			v->fix = paragraph(tmp);
			free(tmp);
		}
		word_fix_command(d, doc, vars, nvars, platform, v);
		if ((s = asset_doc_get(doc, "prevention")) != NULL) {
			tmp = assets_expand(s, vars, nvars);
			push_lines(&v->prevention, tmp);
			free(tmp);
		}
	}
	if (v->summary == NULL)
		v->summary = xasprintf("cause: %s", d->cause);
	if (v->fix == NULL)
		v->fix = xstrdup("");
	if (v->fix_on == NULL)
		v->fix_on = xstrdup(d->client_side ? "client" : "server");
	strv_copy(&v->evidence, &d->evidence);
	strv_copy(&v->unchecked, &d->unchecked);
	for (size_t i = 0; i < d->alternatives.n; i++) {
		const struct asset_doc *ad = assets_cause(a, d->alternatives.v[i]);

		strv_push(&v->alternatives, d->alternatives.v[i]);
		strv_push(&v->alternatives_text, ad && asset_doc_get(ad, "title")
			  ? asset_doc_get(ad, "title") : d->alternatives.v[i]);
	}
	if (t->symptom != SYMPTOM_NONE) {
		if (strcmp(d->cause, "ok") == 0)
			v->symptom_match = xasprintf("ssh said \"%s\", but SSH answers from here now: the problem may have passed, or ssh ran from another machine, network or port",
						     symptom_words(t->symptom));
		else if ((v->symptom_matches = verdict_symptom_matches(d->cause, t->symptom)))
			v->symptom_match = xasprintf("this matches what ssh said: \"%s\"",
						     symptom_words(t->symptom));
		else
			v->symptom_match = xasprintf("ssh said \"%s\", which this cause does not produce: the situation may have changed since, or ssh ran from elsewhere",
						     symptom_words(t->symptom));
	}
}

const char *verdict_server_platform(const struct client_facts *f)
{
	const char *p;

	for (size_t i = 0; i < f->naddrs; i++)
		if (f->addrs[i].banner == BANNER_SSH &&
		    (p = platform_from_ssh_ident(f->addrs[i].banner_text)) != NULL)
			return p;
	if ((p = platform_from_ssh_ident(f->ssh_banner)) != NULL)
		return p;
	for (size_t i = 0; i < f->nalt; i++)
		if (f->alt[i].banner == BANNER_SSH &&
		    (p = platform_from_ssh_ident(f->alt[i].banner_text)) != NULL)
			return p;
	return NULL;
}

void verdict_client(const struct client_facts *f, const struct target *t,
		    const struct assets *a, const char *platform, struct report_verdict *v)
{
	struct verdict_decision d;
	const struct addr_facts *addr = NULL;
	char altport[16], icmp[160], hops[16], src_match[80];
	struct target_vars tv;
	struct asset_var vars[TARGET_NVARS + 8];
	size_t nv;

	verdict_decision_init(&d);
	verdict_decide_client(f, t->port, &d);
	d.client_side = true;
	d.server_platform = verdict_server_platform(f);
	if (d.addr_index >= 0 && (size_t)d.addr_index < f->naddrs)
		addr = &f->addrs[d.addr_index];

	snprintf(altport, sizeof(altport), "%d", f->alt_ssh_port);
	snprintf(hops, sizeof(hops), "%d", addr ? addr->rst_hops_short : 0);
	if (addr && addr->wire == WIRE_ICMP)
		snprintf(icmp, sizeof(icmp), "%s %d/%d from %s", icmp_label(addr), addr->icmp_type, addr->icmp_code,
			 addr->icmp_from);
	else
		snprintf(icmp, sizeof(icmp), "an ICMP error");
	nv = target_vars_fill(&tv, t, t->port, NULL, addr ? addr->text : NULL);
	memcpy(vars, tv.v, sizeof(tv.v));
	vars[nv++] = (struct asset_var){"alt_port", altport};
	vars[nv++] = (struct asset_var){"icmp", icmp};
	vars[nv++] = (struct asset_var){"hops", hops};
	vars[nv++] = (struct asset_var){"silence_ms", NULL};
	/* where a rule on the way sits, and this machine's address for a rule
	 * that lets only it through */
	vars[nv++] = (struct asset_var){"router", addr && addr->icmp_from[0] ? addr->icmp_from : "the router"};
	vars[nv++] = (struct asset_var){"gateway", addr && addr->neigh_hop[0] ? addr->neigh_hop : "the first router"};
	snprintf(src_match, sizeof(src_match), "%s%s%s", addr && addr->route_src[0] ? "-s " : "",
		 addr && addr->route_src[0] ? addr->route_src : "", addr && addr->route_src[0] ? " " : "");
	vars[nv++] = (struct asset_var){"src_match", src_match};
	vars[nv++] = (struct asset_var){"iptables", addr && addr->sa.ss_family == AF_INET6 ? "ip6tables" : "iptables"};

	verdict_word(&d, vars, nv, t, a, platform, v);
	/* the client's own rule, named: the command that removes it */
	if (strcmp(d.cause, "local_firewall") == 0 && addr && addr->own_rule_fix) {
		free(v->fix_command);
		v->fix_command = xstrdup(addr->own_rule_fix);
	}
	verdict_decision_release(&d);
}

/* SPDX-License-Identifier: MIT */
/* The verdict rules, from tables of evidence: given these facts, this cause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/verdict.h"

/* One row: the facts of one address (plus a few global facts) and the cause
 * and confidence the rules must reach. */
struct row {
	const char *name;
	enum dns_result dns;
	enum tcp_result tcp;
	enum banner_result banner;
	enum wire_outcome wire;
	enum rst_maker rst_by;
	int alt_ssh_port;
	bool ping;
	const char *cause;
	const char *confidence;
	const char *alternative;    /* one alternative that must be listed, or NULL */
};

static const struct row rows[] = {
	{"an SSH identification is ok", DNS_OK, TCP_ANSWERED, BANNER_SSH, WIRE_SYNACK, 0, 0, true,
	 "ok", "certain", NULL},
	{"a name that does not exist is a DNS failure", DNS_NXDOMAIN, TCP_NOT_TRIED, 0, 0, 0, 0, false,
	 "dns_failure", "certain", NULL},
	{"no DNS server answering is a DNS failure", DNS_NO_SERVER, TCP_NOT_TRIED, 0, 0, 0, 0, false,
	 "dns_failure", "likely", NULL},
	{"a RST from the host's own stack is a closed port", DNS_OK, TCP_REFUSED, 0, WIRE_RST, RST_BY_HOST, 0, true,
	 "port_closed", "certain", NULL},
	{"refused with no capture is likely a closed port, maybe a reject rule", DNS_LITERAL, TCP_REFUSED, 0, WIRE_NONE, 0, 0, true,
	 "port_closed", "likely", "firewall_reject"},
	{"a RST made by a rule is a firewall reject", DNS_OK, TCP_REFUSED, 0, WIRE_RST, RST_BY_RULE, 0, true,
	 "firewall_reject", "likely", "port_closed"},
	{"a RST from fewer hops than the host is a middlebox reset", DNS_OK, TCP_REFUSED, 0, WIRE_RST, RST_BY_PATH, 0, true,
	 "middlebox_reset", "likely", NULL},
	{"an ICMP error to a SYN is a firewall reject", DNS_OK, TCP_REFUSED, 0, WIRE_ICMP, 0, 0, true,
	 "firewall_reject", "certain", NULL},
	{"silence from a host that answers ping is a firewall drop", DNS_OK, TCP_NO_ANSWER, 0, WIRE_SILENCE, 0, 0, true,
	 "firewall_drop", "likely", NULL},
	{"silence from a host that does not ping may also be a host that is down", DNS_OK, TCP_NO_ANSWER, 0, WIRE_SILENCE, 0, 0, false,
	 "firewall_drop", "possible", "host_unreachable"},
	{"an administratively prohibited ICMP (EHOSTUNREACH on Linux) is a firewall reject", DNS_OK, TCP_HOST_UNREACH, 0, WIRE_ICMP, 0, 0, true,
	 "firewall_reject", "certain", NULL},
	{"host unreachable from a host that answers ping is likely a reject rule", DNS_OK, TCP_HOST_UNREACH, 0, WIRE_NONE, 0, 0, true,
	 "firewall_reject", "likely", "host_unreachable"},
	{"an ICMP reject seen on the wire decides even when the socket only timed out", DNS_OK, TCP_NO_ANSWER, 0, WIRE_ICMP, 0, 0, true,
	 "firewall_reject", "certain", NULL},
	{"no route or no neighbour is host unreachable", DNS_OK, TCP_HOST_UNREACH, 0, 0, 0, 0, false,
	 "host_unreachable", "certain", NULL},
	{"network unreachable is host unreachable", DNS_OK, TCP_NET_UNREACH, 0, 0, 0, 0, false,
	 "host_unreachable", "certain", NULL},
	{"a refused port with SSH elsewhere is the wrong port", DNS_OK, TCP_REFUSED, 0, WIRE_RST, RST_BY_HOST, 2222, true,
	 "wrong_port", "likely", "port_closed"},
	{"a dropped port with SSH elsewhere is the wrong port", DNS_OK, TCP_NO_ANSWER, 0, WIRE_SILENCE, 0, 2222, true,
	 "wrong_port", "likely", "firewall_drop"},
	{"a greeting that is not SSH is not_ssh", DNS_OK, TCP_ANSWERED, BANNER_OTHER, WIRE_SYNACK, 0, 0, true,
	 "not_ssh", "certain", NULL},
	{"a port that stays silent is likely not SSH", DNS_OK, TCP_ANSWERED, BANNER_SILENT, WIRE_SYNACK, 0, 0, true,
	 "not_ssh", "likely", NULL},
	{"another service on the port with SSH elsewhere is the wrong port", DNS_OK, TCP_ANSWERED, BANNER_OTHER, WIRE_SYNACK, 0, 2200, true,
	 "wrong_port", "likely", "not_ssh"},
	{"a close before any identification is closed_by_server", DNS_OK, TCP_ANSWERED, BANNER_CLOSED, WIRE_SYNACK, 0, 0, true,
	 "closed_by_server", "likely", "connection_limit"},
	{"a reset before any identification is closed_by_server", DNS_OK, TCP_ANSWERED, BANNER_RESET, WIRE_SYNACK, 0, 0, true,
	 "closed_by_server", "likely", NULL},
	{"Exceeded MaxStartups is the connection limit", DNS_OK, TCP_ANSWERED, BANNER_MAXSTARTUPS, WIRE_SYNACK, 0, 0, true,
	 "connection_limit", "certain", NULL},
	{"a SYN this machine refuses to send is its own firewall", DNS_OK, TCP_FORBIDDEN, 0, 0, 0, 0, false,
	 "local_firewall", "certain", NULL},
	{"SYNs the capture never saw leave, from a host that answers, are this machine's own firewall", DNS_OK, TCP_NO_ANSWER, 0, WIRE_NONE, 0, 0, true,
	 "local_firewall", "certain", NULL},
};

static void facts_from_row(struct client_facts *f, const struct row *r)
{
	client_facts_init(f);
	f->dns = r->dns;
	f->silence_ms = 1000;
	f->ping_tried = true;
	f->ping_answered = r->ping;
	f->ping_rtt_us = 120;
	f->alt_ssh_port = r->alt_ssh_port;
	if (r->dns != DNS_OK && r->dns != DNS_LITERAL)
		return;
	f->naddrs = 1;
	snprintf(f->addrs[0].text, sizeof(f->addrs[0].text), "192.0.2.2");
	f->addrs[0].tcp = r->tcp;
	f->addrs[0].banner = r->banner;
	f->addrs[0].wire = r->wire;
	f->addrs[0].rst_by = r->rst_by;
	/* a live capture that saw nothing of a SYN that got no answer */
	f->addrs[0].syn_unseen = r->tcp == TCP_NO_ANSWER && r->wire == WIRE_NONE;
	if (r->wire == WIRE_ICMP) {
		f->addrs[0].icmp_type = 3;
		f->addrs[0].icmp_code = 13;
		snprintf(f->addrs[0].icmp_from, sizeof(f->addrs[0].icmp_from), "192.0.2.1");
	}
}

static void every_row_reaches_its_cause(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct client_facts f;
		struct verdict_decision d;

		facts_from_row(&f, r);
		verdict_decision_init(&d);
		verdict_decide_client(&f, 22, &d);
		if (strcmp(d.cause, r->cause) != 0 || strcmp(d.confidence, r->confidence) != 0)
			fail_msg("rule \"%s\": expected %s (%s), got %s (%s)", r->name, r->cause,
				 r->confidence, d.cause, d.confidence);
		if (r->alternative && !strv_contains(&d.alternatives, r->alternative))
			fail_msg("rule \"%s\": expected %s among the alternatives", r->name, r->alternative);
		if (d.evidence.n == 0)
			fail_msg("rule \"%s\": a verdict must name its evidence", r->name);
		verdict_decision_release(&d);
		client_facts_release(&f);
	}
}

static void any_address_answering_ssh_makes_it_ok(void **state)
{
	struct client_facts f;
	struct verdict_decision d;

	(void)state;
	client_facts_init(&f);
	f.dns = DNS_OK;
	f.naddrs = 2;
	snprintf(f.addrs[0].text, sizeof(f.addrs[0].text), "2001:db8::2");
	f.addrs[0].tcp = TCP_NET_UNREACH;
	snprintf(f.addrs[1].text, sizeof(f.addrs[1].text), "192.0.2.2");
	f.addrs[1].tcp = TCP_ANSWERED;
	f.addrs[1].banner = BANNER_SSH;
	verdict_decision_init(&d);
	verdict_decide_client(&f, 22, &d);
	assert_string_equal(d.cause, "ok");
	assert_int_equal(d.addr_index, 1);
	verdict_decision_release(&d);
}

static void the_address_that_answered_tcp_decides_over_the_first(void **state)
{
	struct client_facts f;
	struct verdict_decision d;

	(void)state;
	client_facts_init(&f);
	f.dns = DNS_OK;
	f.naddrs = 2;
	snprintf(f.addrs[0].text, sizeof(f.addrs[0].text), "2001:db8::2");
	f.addrs[0].tcp = TCP_NET_UNREACH;
	snprintf(f.addrs[1].text, sizeof(f.addrs[1].text), "192.0.2.2");
	f.addrs[1].tcp = TCP_ANSWERED;
	f.addrs[1].banner = BANNER_MAXSTARTUPS;
	verdict_decision_init(&d);
	verdict_decide_client(&f, 22, &d);
	assert_string_equal(d.cause, "connection_limit");
	/* and the other address's different failure is mentioned */
	assert_true(d.evidence.n >= 2);
	verdict_decision_release(&d);
}

/* ok needs an identification read: a port that accepted the TCP step's
 * connection and then failed the banner step's own is judged by the later
 * attempt, never ok; a replay (the banner step never ran) may still be. */
static void ok_only_when_an_identification_was_read(void **state)
{
	static const struct {
		enum tcp_result banner_tcp;
		const char *cause;
	} cases[] = {
		{TCP_NO_ANSWER, "firewall_drop"},
		{TCP_REFUSED, "port_closed"},
		{TCP_HOST_UNREACH, "host_unreachable"},
		{TCP_OTHER, "closed_by_server"},
		{TCP_NOT_TRIED, "ok"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct client_facts f;
		struct verdict_decision d;

		client_facts_init(&f);
		f.dns = DNS_OK;
		f.naddrs = 1;
		snprintf(f.addrs[0].text, sizeof(f.addrs[0].text), "192.0.2.2");
		f.addrs[0].tcp = TCP_ANSWERED;
		f.addrs[0].wire = WIRE_SYNACK;
		f.addrs[0].banner = BANNER_NOT_TRIED;
		f.addrs[0].banner_tcp = cases[i].banner_tcp;
		verdict_decision_init(&d);
		verdict_decide_client(&f, 22, &d);
		if (strcmp(d.cause, cases[i].cause) != 0)
			fail_msg("banner step's connection %s: expected %s, got %s",
				 tcp_result_word(cases[i].banner_tcp), cases[i].cause, d.cause);
		if (cases[i].banner_tcp != TCP_NOT_TRIED &&
		    (strcmp(d.confidence, "possible") != 0 || d.unchecked.n == 0))
			fail_msg("banner step's connection %s: expected a possible cause with what was not checked",
				 tcp_result_word(cases[i].banner_tcp));
		verdict_decision_release(&d);
		client_facts_release(&f);
	}
}

/* The neighbour table's word on an absent host on the link. */
static void decide_unanswered_neighbour(enum neigh_state ns, struct verdict_decision *d)
{
	static struct client_facts f;

	client_facts_init(&f);
	f.dns = DNS_LITERAL;
	f.naddrs = 1;
	snprintf(f.addrs[0].text, sizeof(f.addrs[0].text), "192.0.2.99");
	f.addrs[0].sa.ss_family = AF_INET;
	f.addrs[0].tcp = TCP_HOST_UNREACH;
	f.addrs[0].neigh = ns;
	snprintf(f.addrs[0].neigh_hop, sizeof(f.addrs[0].neigh_hop), "192.0.2.99");
	f.addrs[0].neigh_unanswered_ms = 1010;
	f.ping_tried = true;
	verdict_decision_init(d);
	verdict_decide_client(&f, 22, d);
}

static void a_neighbour_that_never_answered_is_host_unreachable_naming_it(void **state)
{
	struct verdict_decision d;
	bool named = false;

	decide_unanswered_neighbour(NEIGH_INCOMPLETE, &d);
	assert_string_equal(d.cause, "host_unreachable");
	/* one probe unanswered, not yet the kernel's three */
	assert_string_equal(d.confidence, "likely");
	for (size_t i = 0; i < d.evidence.n; i++)
		named = named || strstr(d.evidence.v[i], "answered ARP for 192.0.2.99 (the address itself) within 1010 ms");
	if (!named)
		fail_msg("expected the evidence to name the unanswered ARP for 192.0.2.99");
	verdict_decision_release(&d);

	decide_unanswered_neighbour(NEIGH_FAILED, &d);
	assert_string_equal(d.cause, "host_unreachable");
	assert_string_equal(d.confidence, "certain");
	verdict_decision_release(&d);
}

static void pasted_symptoms_match_the_causes_that_produce_them(void **state)
{
	(void)state;
	assert_true(verdict_symptom_matches("port_closed", SYMPTOM_REFUSED));
	assert_true(verdict_symptom_matches("firewall_reject", SYMPTOM_REFUSED));
	assert_true(verdict_symptom_matches("firewall_drop", SYMPTOM_TIMED_OUT));
	assert_true(verdict_symptom_matches("dns_failure", SYMPTOM_RESOLVE));
	assert_true(verdict_symptom_matches("connection_limit", SYMPTOM_CLOSED));
	assert_false(verdict_symptom_matches("firewall_drop", SYMPTOM_REFUSED));
	assert_false(verdict_symptom_matches("port_closed", SYMPTOM_TIMED_OUT));
	assert_false(verdict_symptom_matches("ok", SYMPTOM_REFUSED));
	assert_false(verdict_symptom_matches("port_closed", SYMPTOM_NONE));
}

static void the_worded_verdict_fills_in_the_port_and_the_fix(void **state)
{
	struct assets a;
	struct strbuf err;
	struct client_facts f;
	struct target t;
	struct report_verdict v;

	(void)state;
	strbuf_init(&err);
	assert_int_equal(assets_load(&a, NULL, &err), 0);
	target_init(&t);
	t.host = xstrdup("srv.test");
	t.port = 22;
	t.symptom = SYMPTOM_TIMED_OUT;
	facts_from_row(&f, &rows[15]);   /* wrong port: SSH on 2222 */
	verdict_init(&v);
	verdict_client(&f, &t, &a, "debian", &v);
	assert_string_equal(v.cause, "wrong_port");
	if (strstr(v.summary, "2222") == NULL || strstr(v.fix_command, "-p 2222") == NULL)
		fail_msg("expected the other port 2222 in the summary and the fix, got \"%s\" / \"%s\"",
			 v.summary, v.fix_command);
	assert_non_null(v.symptom_match);
	assert_true(v.symptom_matches);
	assert_true(v.alternatives.n == v.alternatives_text.n);
	verdict_release(&v);
	client_facts_release(&f);
	target_release(&t);
	assets_release(&a);
	strbuf_release(&err);
}

/* Words the verdict for facts f on port as the client on client_platform
 * would, into v. */
static void word_client(struct client_facts *f, int port, const char *client_platform,
			struct report_verdict *v)
{
	static struct assets a;
	static bool loaded;
	struct strbuf err;
	struct target t;

	strbuf_init(&err);
	if (!loaded) {
		assert_int_equal(assets_load(&a, NULL, &err), 0);
		loaded = true;
	}
	target_init(&t);
	t.host = xstrdup("srv.test");
	t.port = port;
	verdict_init(v);
	verdict_client(f, &t, &a, client_platform, v);
	target_release(&t);
	strbuf_release(&err);
}

/* The variant for platform in v, or NULL. */
static const char *variant(const struct report_verdict *v, const char *platform)
{
	for (size_t i = 0; i < v->nfix_variants; i++)
		if (strcmp(v->fix_variants[i].platform, platform) == 0)
			return v->fix_variants[i].command;
	return NULL;
}

/* A closed port on a server that showed itself with alt_banner on another
 * port (NULL: nothing). */
static void closed_port_facts(struct client_facts *f, const char *alt_banner)
{
	facts_from_row(f, &rows[3]);   /* a RST from the host's own stack */
	if (alt_banner != NULL) {
		f->nalt = 1;
		f->alt[0].port = 2222;
		f->alt[0].tcp = TCP_ANSWERED;
		f->alt[0].banner = BANNER_SSH;
		f->alt[0].banner_text = xstrdup(alt_banner);
	}
}

static void a_server_fix_is_never_chosen_from_the_clients_own_system(void **state)
{
	static const char *const clients[] = {"debian", "rhel", "linux", "macos"};

	(void)state;
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		struct client_facts f;
		struct report_verdict v;

		closed_port_facts(&f, NULL);
		word_client(&f, 22, clients[i], &v);
		assert_string_equal(v.cause, "port_closed");
		assert_string_equal(v.fix_on, "server");
		if (v.fix_command != NULL)
			fail_msg("a client on %s with a server that showed nothing: expected no single fix command, got \"%s\"",
				 clients[i], v.fix_command);
		assert_null(v.fix_platform);
		assert_string_equal(variant(&v, "debian"), "sudo systemctl enable --now ssh");
		assert_string_equal(variant(&v, "rhel"), "sudo systemctl enable --now sshd");
		assert_string_equal(variant(&v, "macos"), "sudo systemsetup -setremotelogin on");
		for (size_t k = 0; k < v.nfix_variants; k++)
			if (strstr(v.fix_variants[k].label, "server") == NULL &&
			    strstr(v.fix_variants[k].label, "Mac") == NULL)
				fail_msg("variant label \"%s\" does not say which machine", v.fix_variants[k].label);
		verdict_release(&v);
		client_facts_release(&f);
	}
}

static void the_servers_identification_chooses_its_fix(void **state)
{
	static const struct {
		const char *banner;
		const char *platform;
		const char *command;
	} cases[] = {
		{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "debian", "sudo systemctl enable --now ssh"},
		{"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", "ubuntu", "sudo systemctl enable --now ssh"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct client_facts f;
		struct report_verdict v;

		/* the same server judged from a Fedora client and from a Mac */
		for (int c = 0; c < 2; c++) {
			closed_port_facts(&f, cases[i].banner);
			f.alt_ssh_port = 0;
			word_client(&f, 22, c ? "macos" : "rhel", &v);
			assert_string_equal(v.cause, "port_closed");
			if (v.fix_command == NULL || strcmp(v.fix_command, cases[i].command) != 0)
				fail_msg("server \"%s\": expected \"%s\", got \"%s\"", cases[i].banner,
					 cases[i].command, v.fix_command ? v.fix_command : "(none)");
			assert_string_equal(v.fix_platform, cases[i].platform);
			assert_int_equal(v.nfix_variants, 0);
			verdict_release(&v);
			client_facts_release(&f);
		}
	}
}

static void a_firewall_fix_names_each_tool_and_opens_the_asked_port(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	/* silence from a host that answers ping, port 8022, a Debian server */
	closed_port_facts(&f, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
	f.addrs[0].tcp = TCP_NO_ANSWER;
	f.addrs[0].wire = WIRE_SILENCE;
	f.addrs[0].rst_by = RST_BY_UNKNOWN;
	word_client(&f, 8022, "debian", &v);
	assert_string_equal(v.cause, "firewall_drop");
	assert_string_equal(v.fix_on, "server");
	/* no packet tells which tool owns the rule: never one ufw command */
	assert_null(v.fix_command);
	assert_string_equal(variant(&v, "rhel"),
			    "sudo firewall-cmd --permanent --add-port=8022/tcp && sudo firewall-cmd --reload");
	assert_string_equal(variant(&v, "debian"), "sudo ufw allow 8022/tcp");
	assert_string_equal(variant(&v, "linux"), "sudo iptables -I INPUT -p tcp --dport 8022 -j ACCEPT");
	for (size_t k = 0; k < v.nfix_variants; k++)
		if (strstr(v.fix_variants[k].label, "if the server uses") == NULL &&
		    strstr(v.fix_variants[k].label, "if the server has") == NULL &&
		    strstr(v.fix_variants[k].label, "if the server is") == NULL)
			fail_msg("variant label \"%s\" does not name the server's tool", v.fix_variants[k].label);
	verdict_release(&v);
	client_facts_release(&f);
}

static void the_clients_own_rule_is_named_and_removed_on_the_client(void **state)
{
	struct client_facts f;
	struct report_verdict v;
	bool named = false;

	(void)state;
	facts_from_row(&f, &rows[sizeof(rows) / sizeof(rows[0]) - 1]);
	f.addrs[0].own_rule = xstrdup("-A OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	f.addrs[0].own_rule_fix = xstrdup("sudo iptables -D OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "local_firewall");
	assert_string_equal(v.fix_on, "client");
	assert_string_equal(v.fix_command, "sudo iptables -D OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	for (size_t i = 0; i < v.evidence.n; i++)
		named = named || strstr(v.evidence.v[i], "-A OUTPUT -p tcp -m tcp --dport 22 -j DROP") != NULL;
	if (!named)
		fail_msg("expected the evidence to name the client's own rule");
	verdict_release(&v);
	client_facts_release(&f);
}

static void a_host_that_answers_nothing_at_all_is_worded_as_such(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	facts_from_row(&f, &rows[9]);   /* silence, no ping */
	f.nalt = 2;
	f.alt[0].port = 2222;
	f.alt[0].tcp = TCP_NO_ANSWER;
	f.alt[1].port = 443;
	f.alt[1].tcp = TCP_NO_ANSWER;
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "firewall_drop");
	assert_string_equal(v.confidence, "possible");
	assert_string_equal(v.title, "Nothing answers at all");
	if (strstr(v.fix, "console") == NULL)
		fail_msg("expected the fix to say to look from the console, got \"%s\"", v.fix);
	assert_null(v.fix_command);
	assert_int_equal(v.nfix_variants, 0);
	verdict_release(&v);
	client_facts_release(&f);

	/* one other port that refuses shows the host is up: the usual words */
	facts_from_row(&f, &rows[9]);
	f.nalt = 1;
	f.alt[0].port = 2222;
	f.alt[0].tcp = TCP_REFUSED;
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.title, "A firewall drops the connection");
	verdict_release(&v);
	client_facts_release(&f);
}

static void every_fix_says_which_machine_it_runs_on(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct client_facts f;
		struct report_verdict v;

		facts_from_row(&f, &rows[i]);
		word_client(&f, 22, "macos", &v);
		if (v.fix_on == NULL || (strcmp(v.fix_on, "client") != 0 && strcmp(v.fix_on, "server") != 0 &&
					 strcmp(v.fix_on, "network") != 0))
			fail_msg("rule \"%s\": the fix does not say where it runs", rows[i].name);
		/* a Mac client is never told to turn on Remote Login on itself */
		if (v.fix_command && strstr(v.fix_command, "setremotelogin"))
			fail_msg("rule \"%s\": a Mac client is told to turn on its own Remote Login", rows[i].name);
		/* a variant for the server says so in its label, the Mac one too */
		for (size_t k = 0; k < v.nfix_variants; k++)
			if (strcmp(v.fix_on, "server") == 0 && strstr(v.fix_variants[k].label, "server") == NULL)
				fail_msg("rule \"%s\": the variant labelled \"%s\" does not say it is for the server",
					 rows[i].name, v.fix_variants[k].label);
		verdict_release(&v);
		client_facts_release(&f);
	}
}

static void a_reject_from_a_router_is_fixed_on_that_router(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	/* ICMP 3/13 from 192.0.2.1 about a SYN to 192.0.2.2 */
	facts_from_row(&f, &rows[7]);
	f.addrs[0].icmp_from_target = false;
	snprintf(f.addrs[0].route_src, sizeof(f.addrs[0].route_src), "192.0.2.10");
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "firewall_reject");
	assert_string_equal(v.fix_on, "network");
	if (strstr(v.summary, "192.0.2.1,") == NULL)
		fail_msg("expected the summary to name the router 192.0.2.1, got \"%s\"", v.summary);
	assert_null(v.fix_command);
	assert_int_equal(v.nfix_variants, 1);
	assert_string_equal(v.fix_variants[0].command,
			    "sudo iptables -I FORWARD -p tcp -s 192.0.2.10 -d 192.0.2.2 --dport 22 -j ACCEPT");
	if (strstr(v.fix_variants[0].label, "router 192.0.2.1") == NULL)
		fail_msg("expected the label to name the router, got \"%s\"", v.fix_variants[0].label);
	verdict_release(&v);
	client_facts_release(&f);

	/* the same error from the host itself: its own firewall, every tool */
	facts_from_row(&f, &rows[7]);
	f.addrs[0].icmp_from_target = true;
	snprintf(f.addrs[0].icmp_from, sizeof(f.addrs[0].icmp_from), "192.0.2.2");
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.fix_on, "server");
	assert_string_equal(variant(&v, "linux"), "sudo iptables -I INPUT -p tcp --dport 22 -j ACCEPT");
	verdict_release(&v);
	client_facts_release(&f);
}

static void silence_through_a_router_aims_no_command_at_the_server(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	facts_from_row(&f, &rows[8]);   /* silence from a host that answers ping */
	f.addrs[0].neigh_gateway = true;
	snprintf(f.addrs[0].neigh_hop, sizeof(f.addrs[0].neigh_hop), "192.0.2.1");
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "firewall_drop");
	assert_null(v.fix_command);
	assert_int_equal(v.nfix_variants, 0);
	if (strstr(v.summary, "192.0.2.1") == NULL || strstr(v.fix, "--watch") == NULL)
		fail_msg("expected the router named and how to tell where the rule is, got \"%s\" / \"%s\"",
			 v.summary, v.fix);
	verdict_release(&v);
	client_facts_release(&f);
}

static void without_a_capture_the_clients_own_rule_explains_the_silence(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	facts_from_row(&f, &rows[8]);   /* silence, no capture saw anything */
	f.addrs[0].wire = WIRE_NONE;
	f.addrs[0].syn_unseen = false;
	f.addrs[0].own_rule = xstrdup("-A OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	f.addrs[0].own_rule_fix = xstrdup("sudo iptables -D OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	f.addrs[0].own_rule_sure = true;
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "local_firewall");
	assert_string_equal(v.confidence, "certain");
	assert_string_equal(v.fix_on, "client");
	assert_string_equal(v.fix_command, "sudo iptables -D OUTPUT -p tcp -m tcp --dport 22 -j DROP");
	verdict_release(&v);
	client_facts_release(&f);
}

static void an_ok_verdict_has_no_fix(void **state)
{
	struct client_facts f;
	struct report_verdict v;

	(void)state;
	facts_from_row(&f, &rows[0]);
	word_client(&f, 22, "debian", &v);
	assert_string_equal(v.cause, "ok");
	assert_null(v.fix_command);
	assert_int_equal(v.nfix_variants, 0);
	assert_string_equal(v.fix, "");
	if (strstr(v.summary, "ssh -v") == NULL)
		fail_msg("expected the summary to say how to look further with ssh -v, got \"%s\"", v.summary);
	verdict_release(&v);
	client_facts_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_reaches_its_cause),
		cmocka_unit_test(any_address_answering_ssh_makes_it_ok),
		cmocka_unit_test(the_address_that_answered_tcp_decides_over_the_first),
		cmocka_unit_test(ok_only_when_an_identification_was_read),
		cmocka_unit_test(a_neighbour_that_never_answered_is_host_unreachable_naming_it),
		cmocka_unit_test(pasted_symptoms_match_the_causes_that_produce_them),
		cmocka_unit_test(the_worded_verdict_fills_in_the_port_and_the_fix),
		cmocka_unit_test(a_server_fix_is_never_chosen_from_the_clients_own_system),
		cmocka_unit_test(the_servers_identification_chooses_its_fix),
		cmocka_unit_test(a_firewall_fix_names_each_tool_and_opens_the_asked_port),
		cmocka_unit_test(every_fix_says_which_machine_it_runs_on),
		cmocka_unit_test(a_host_that_answers_nothing_at_all_is_worded_as_such),
		cmocka_unit_test(the_clients_own_rule_is_named_and_removed_on_the_client),
		cmocka_unit_test(a_reject_from_a_router_is_fixed_on_that_router),
		cmocka_unit_test(silence_through_a_router_aims_no_command_at_the_server),
		cmocka_unit_test(without_a_capture_the_clients_own_rule_explains_the_silence),
		cmocka_unit_test(an_ok_verdict_has_no_fix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

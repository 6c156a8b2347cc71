/* SPDX-License-Identifier: MIT */
/* The report faces: the JSON report of the design (written, then read back
 * with jansson), the exit status, and the words of the text report. The
 * report is built by hand, with hostile strings in it, so every field the
 * design names can be checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tui/report.h"
#include "engine/util.h"

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#define expect_contains(hay, needle, what) do { \
	const char *hay_ = (hay); \
	if (hay_ == NULL || strstr(hay_, (needle)) == NULL) \
		fail_msg("%s: expected it to contain \"%s\", got \"%s\"", (what), (needle), \
			 hay_ ? hay_ : "(null)"); \
} while (0)

/* Expects key of obj to be the string want. */
#define expect_jstr(obj, key, want) do { \
	json_t *v_ = json_object_get((obj), (key)); \
	if (!json_is_string(v_) || strcmp(json_string_value(v_), (want)) != 0) \
		fail_msg("expected \"%s\" to be the string \"%s\", got %s%s%s", (key), (want), \
			 json_is_string(v_) ? "\"" : "", \
			 json_is_string(v_) ? json_string_value(v_) : "something else", \
			 json_is_string(v_) ? "\"" : ""); \
} while (0)

/* Expects key of obj to be present, of jansson type t. */
#define expect_jtype(obj, key, t) do { \
	json_t *v_ = json_object_get((obj), (key)); \
	if (v_ == NULL || json_typeof(v_) != (t)) \
		fail_msg("expected \"%s\" to be present with JSON type %d, got %s", (key), (int)(t), \
			 v_ ? "another type" : "nothing"); \
} while (0)

/* Text with an ESC colour sequence, and bytes that are not UTF-8. */
#define EVIL_CONTROL "port 22 \x1b[31mclosed\x1b[0m\x07"
#define EVIL_UTF8 "banner \xff\xfe\xc3 end"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void step_set(struct report_step *s, const char *id, const char *title, enum step_status st,
		     const char *summary, const char *command, uint64_t ms)
{
	s->id = id;
	s->title = title;
	s->status = st;
	s->summary = dup_or_null(summary);
	s->command = dup_or_null(command);
	strv_init(&s->evidence);
	strv_init(&s->details);
	s->duration_ms = ms;
}

/* A finished client-side report: port 22 closed, capture unavailable. */
static struct report *report_new(void)
{
	struct report *r = xcalloc(1, sizeof(*r));
	struct report_verdict *v = &r->verdict;

	r->side = SIDE_CLIENT;
	r->host = xstrdup("example.com");
	r->port = 22;
	strv_init(&r->addresses);
	strv_push(&r->addresses, "192.0.2.10");
	strv_push(&r->addresses, "2001:db8::10");
	r->platform = xstrdup("debian");
	r->nsteps = 6;
	r->steps = xcalloc(r->nsteps, sizeof(*r->steps));
	step_set(&r->steps[0], "dns", "Does the name resolve?", STEP_PASS,
		 "example.com is 192.0.2.10", "getent ahosts example.com", 12);
	strv_push(&r->steps[0].evidence, "192.0.2.10 from DNS");
	step_set(&r->steps[1], "tcp_connect", "Does anything answer on the port?", STEP_FAIL,
		 EVIL_CONTROL, "nc -zv 192.0.2.10 22", 3);
	strv_push(&r->steps[1].evidence, "RST from 192.0.2.10");
	step_set(&r->steps[2], "ssh_banner", "Does it speak SSH?", STEP_SKIP, EVIL_UTF8, NULL, 0);
	step_set(&r->steps[3], "ping", "Does it answer ping?", STEP_WARN, "no echo reply", "ping -c 3 h", 3000);
	step_set(&r->steps[4], "route", "Is there a route?", STEP_ERROR, "ip failed", "ip route get h", 1);
	step_set(&r->steps[5], "other_ports", "Other ports?", STEP_PENDING, NULL, NULL, 0);
	r->capture.available = false;
	r->capture.reason = xstrdup("cannot open capture: needs CAP_NET_RAW");
	r->has_verdict = true;
	r->finished = true;
	v->cause = xstrdup("port_closed");
	v->confidence = xstrdup("certain");
	v->summary = xstrdup(EVIL_CONTROL);
	v->fix = xstrdup(EVIL_UTF8);
	v->fix_command = xstrdup("sudo systemctl start ssh");
	strv_init(&v->alternatives);
	strv_init(&v->alternatives_text);
	strv_init(&v->evidence);
	strv_init(&v->prevention);
	strv_push(&v->alternatives, "firewall_reject");
	strv_push(&v->alternatives_text, "A firewall rejects the connection");
	strv_push(&v->evidence, "RST from the target itself");
	run_info_init(&r->run, NULL);
	return r;
}

static void report_free(struct report *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		free(r->steps[i].summary);
		free(r->steps[i].command);
		strv_release(&r->steps[i].evidence);
		strv_release(&r->steps[i].details);
	}
	free(r->steps);
	for (size_t i = 0; i < r->capture.npackets; i++)
		free(r->capture.packets[i].summary);
	free(r->capture.packets);
	free(r->capture.reason);
	free(r->capture.interface);
	free(r->capture.outcome);
	free(r->capture.outcome_text);
	free(r->verdict.cause);
	free(r->verdict.confidence);
	free(r->verdict.summary);
	free(r->verdict.fix);
	free(r->verdict.fix_command);
	strv_release(&r->verdict.alternatives);
	strv_release(&r->verdict.alternatives_text);
	strv_release(&r->verdict.evidence);
	strv_release(&r->verdict.prevention);
	free(r->verdict.symptom_match);
	free(r->host);
	free(r->user);
	free(r->platform);
	free(r->failure);
	strv_release(&r->addresses);
	run_info_release(&r->run);
	free(r);
}

/* Adds a capture with two packets. */
static void report_add_capture(struct report *r)
{
	free(r->capture.reason);
	r->capture.reason = NULL;
	r->capture.available = true;
	r->capture.interface = xstrdup("eth0");
	r->capture.outcome = xstrdup("rst");
	r->capture.outcome_text = xstrdup("The target answered our SYN with a reset.");
	r->capture.npackets = 2;
	r->capture.packets = xcalloc(2, sizeof(*r->capture.packets));
	r->capture.packets[0] = (struct report_packet){.t_us = 0, .outbound = true,
		.summary = xstrdup("SYN 192.0.2.1:40000 > 192.0.2.10:22"), .step = 1, .ts_us = 0};
	r->capture.packets[1] = (struct report_packet){.t_us = 310, .outbound = false,
		.summary = xstrdup("RST,ACK 192.0.2.10:22 > 192.0.2.1:40000"), .step = 1, .ts_us = 0};
	r->capture.received = 2;
	for (int i = 0; i < 2; i++) {
		struct report_packet *p = &r->capture.packets[i];

		p->protocol = "tcp";
		p->ip_version = 4;
		snprintf(p->src, sizeof(p->src), "%s", i == 0 ? "192.0.2.1" : "192.0.2.10");
		snprintf(p->dst, sizeof(p->dst), "%s", i == 0 ? "192.0.2.10" : "192.0.2.1");
		p->has_ports = true;
		p->src_port = i == 0 ? 40000 : 22;
		p->dst_port = i == 0 ? 22 : 40000;
		p->has_tcp_flags = true;
		p->tcp_flags = i == 0 ? REPORT_TCP_SYN : REPORT_TCP_RST | REPORT_TCP_ACK;
		p->ttl = i == 0 ? 64 : 62;
		p->tos = i == 0 ? 0x48 : 0x48;
		p->ts_us = 1000000000ull * 1000000ull + (uint64_t)p->t_us;
	}
}

/* Adds an ICMP error about the first SYN, from a router. */
static void report_add_icmp(struct report *r)
{
	struct report_packet *p;

	r->capture.packets = xrealloc(r->capture.packets, 3 * sizeof(*r->capture.packets));
	p = &r->capture.packets[r->capture.npackets++];
	*p = (struct report_packet){.t_us = 900, .outbound = false, .step = 1,
		.summary = xstrdup("ICMP 3/13 administratively prohibited from 192.0.2.254"),
		.protocol = "icmp", .ip_version = 4, .src = "192.0.2.254", .dst = "192.0.2.1",
		.ttl = 254, .is_icmp = true, .icmp_type = 3, .icmp_code = 13,
		.icmp_name = "administratively prohibited",
		.quoted = {.present = true, .src = "192.0.2.1", .dst = "192.0.2.10", .protocol = "tcp",
			   .has_ports = true, .src_port = 40000, .dst_port = 22, .ttl = 63, .tos = 0x48}};
}

extern char **environ;

/* Expects text to be one report valid against doc/report.schema.json, as
 * tests/tools/validate-report.py (python3-jsonschema) judges it; its lines
 * say what is wrong. */
static void expect_valid_report(const char *text, size_t len)
{
	char path[] = "/tmp/test-report-json.XXXXXX";
	char *argv[] = {
		(char *)"/usr/bin/python3", (char *)SSHD_SOURCE_DIR "/tests/tools/validate-report.py",
		(char *)SSHD_SOURCE_DIR "/doc/report.schema.json", path, NULL,
	};
	int fd = mkstemp(path), st = 0;
	pid_t pid;

	expect_true(fd >= 0, "expected a temporary file for the validator");
	expect_true(write(fd, text, len) == (ssize_t)len, "expected to write the report for the validator");
	close(fd);
	fflush(stdout);
	expect_true(posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) == 0,
		    "expected /usr/bin/python3 to start (Debian package python3)");
	expect_true(waitpid(pid, &st, 0) == pid, "expected to wait for the validator");
	unlink(path);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		fail_msg("cannot validate the report: install python3-jsonschema");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("expected a report valid against doc/report.schema.json (the validator's lines are above):\n%.*s",
			 (int)len, text);
}

/* Writes rep as JSON into memory, checks it against the schema, and parses
 * it back; the caller decrefs. */
static json_t *json_of(const struct report *rep, char **textp)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_error_t jerr;
	json_t *root;
	int rc;

	expect_true(f != NULL, "expected open_memstream to work");
	rc = report_write_json(f, rep);
	fclose(f);
	expect_true(rc == 0, "expected report_write_json to return 0, got %d", rc);
	expect_true(len > 0 && text[len - 1] == '\n', "expected the JSON to end with a newline");
	expect_valid_report(text, len);
	root = json_loadb(text, len, 0, &jerr);
	if (root == NULL)
		fail_msg("expected valid JSON, got an error at line %d: %s\n%s", jerr.line, jerr.text, text);
	if (textp)
		*textp = text;
	else
		free(text);
	return root;
}

static int setup(void **state)
{
	*state = report_new();
	return 0;
}

static int teardown(void **state)
{
	report_free(*state);
	return 0;
}

/* top level and target */

static void the_json_names_tool_version_and_side(void **state)
{
	json_t *root = json_of(*state, NULL);

	expect_jstr(root, "tool", "ssh-doctor");
	expect_jstr(root, "version", SSHD_VERSION);
	expect_jstr(root, "side", "client");
	json_decref(root);
}

static void the_json_target_has_host_port_and_addresses(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *t = json_object_get(root, "target"), *a;

	expect_true(json_is_object(t), "expected \"target\" to be an object");
	expect_jstr(t, "host", "example.com");
	expect_true(json_integer_value(json_object_get(t, "port")) == 22, "expected target.port 22");
	a = json_object_get(t, "addresses");
	expect_true(json_is_array(a) && json_array_size(a) == 2, "expected two target.addresses");
	expect_true(strcmp(json_string_value(json_array_get(a, 1)), "2001:db8::10") == 0,
		    "expected the second address to be 2001:db8::10");
	json_decref(root);
}

/* steps */

static void every_step_has_the_fields_of_the_design(void **state)
{
	const struct report *rep = *state;
	json_t *root = json_of(rep, NULL);
	json_t *steps = json_object_get(root, "steps");

	expect_true(json_is_array(steps) && json_array_size(steps) == rep->nsteps,
		    "expected %zu steps", rep->nsteps);
	for (size_t i = 0; i < json_array_size(steps); i++) {
		json_t *s = json_array_get(steps, i);

		expect_jtype(s, "id", JSON_STRING);
		expect_jtype(s, "title", JSON_STRING);
		expect_jtype(s, "status", JSON_STRING);
		expect_jtype(s, "summary", JSON_STRING);
		expect_true(json_object_get(s, "command") != NULL, "expected step %zu to have \"command\"", i);
		expect_jtype(s, "evidence", JSON_ARRAY);
		expect_jtype(s, "duration_ms", JSON_INTEGER);
	}
	json_decref(root);
}

static void step_fields_carry_the_report_values(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *s = json_array_get(json_object_get(root, "steps"), 0);

	expect_jstr(s, "id", "dns");
	expect_jstr(s, "title", "Does the name resolve?");
	expect_jstr(s, "status", "pass");
	expect_jstr(s, "summary", "example.com is 192.0.2.10");
	expect_jstr(s, "command", "getent ahosts example.com");
	expect_true(json_integer_value(json_object_get(s, "duration_ms")) == 12, "expected duration_ms 12");
	expect_true(strcmp(json_string_value(json_array_get(json_object_get(s, "evidence"), 0)),
			   "192.0.2.10 from DNS") == 0, "expected the step's evidence line");
	json_decref(root);
}

static void step_status_words_are_those_of_the_design(void **state)
{
	static const char *const want[] = {"pass", "fail", "skip", "warn", "error", "skip"};
	json_t *root = json_of(*state, NULL);
	json_t *steps = json_object_get(root, "steps");

	for (size_t i = 0; i < json_array_size(steps); i++) {
		const char *st = json_string_value(json_object_get(json_array_get(steps, i), "status"));

		expect_true(st != NULL && strcmp(st, want[i]) == 0,
			    "expected step %zu status \"%s\", got \"%s\"", i, want[i], st ? st : "(null)");
	}
	json_decref(root);
}

static void a_step_not_run_is_skip_never_pending(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *steps = json_object_get(root, "steps");

	for (size_t i = 0; i < json_array_size(steps); i++) {
		const char *st = json_string_value(json_object_get(json_array_get(steps, i), "status"));

		expect_true(strcmp(st, "pass") == 0 || strcmp(st, "fail") == 0 || strcmp(st, "warn") == 0 ||
			    strcmp(st, "skip") == 0 || strcmp(st, "error") == 0,
			    "expected a status in {pass,fail,warn,skip,error}, got \"%s\"", st);
	}
	json_decref(root);
}

/* capture */

static void an_unavailable_capture_says_why(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *c = json_object_get(root, "capture");

	expect_true(json_is_object(c), "expected \"capture\" to be an object");
	expect_true(json_is_false(json_object_get(c, "available")), "expected capture.available false");
	expect_jstr(c, "reason", "cannot open capture: needs CAP_NET_RAW");
	expect_jstr(c, "outcome", "none");
	expect_true(json_is_array(json_object_get(c, "packets")) &&
		    json_array_size(json_object_get(c, "packets")) == 0, "expected an empty capture.packets");
	json_decref(root);
}

static void an_available_capture_has_outcome_and_packets(void **state)
{
	struct report *rep = *state;
	json_t *root, *c, *pk;

	report_add_capture(rep);
	root = json_of(rep, NULL);
	c = json_object_get(root, "capture");
	expect_true(json_is_true(json_object_get(c, "available")), "expected capture.available true");
	expect_true(json_object_get(c, "reason") == NULL, "expected no capture.reason when available");
	expect_jstr(c, "outcome", "rst");
	pk = json_object_get(c, "packets");
	expect_true(json_is_array(pk) && json_array_size(pk) == 2, "expected two capture.packets");
	expect_jstr(json_array_get(pk, 0), "direction", "out");
	expect_jstr(json_array_get(pk, 1), "direction", "in");
	expect_jstr(json_array_get(pk, 1), "summary", "RST,ACK 192.0.2.10:22 > 192.0.2.1:40000");
	json_decref(root);
}

static void each_packet_names_the_step_it_was_read_in(void **state)
{
	struct report *rep = *state;
	json_t *root, *pk;

	report_add_capture(rep);
	rep->capture.packets[0].step = -1;
	root = json_of(rep, NULL);
	pk = json_object_get(json_object_get(root, "capture"), "packets");
	expect_true(json_is_null(json_object_get(json_array_get(pk, 0), "step")),
		    "expected step null for a packet read before any step");
	expect_jstr(json_array_get(pk, 1), "step", "tcp_connect");
	json_decref(root);
}

static void a_tcp_packet_has_its_addresses_ports_flags_ttl_and_tos(void **state)
{
	struct report *rep = *state;
	json_t *root, *p, *flags;

	report_add_capture(rep);
	root = json_of(rep, NULL);
	p = json_array_get(json_object_get(json_object_get(root, "capture"), "packets"), 1);
	expect_jstr(p, "protocol", "tcp");
	expect_jstr(p, "src", "192.0.2.10");
	expect_jstr(p, "dst", "192.0.2.1");
	expect_true(json_integer_value(json_object_get(p, "ip_version")) == 4, "expected ip_version 4");
	expect_true(json_integer_value(json_object_get(p, "src_port")) == 22, "expected src_port 22");
	expect_true(json_integer_value(json_object_get(p, "dst_port")) == 40000, "expected dst_port 40000");
	expect_true(json_integer_value(json_object_get(p, "ttl")) == 62, "expected ttl 62");
	expect_true(json_integer_value(json_object_get(p, "tos")) == 0x48, "expected tos 72");
	flags = json_object_get(p, "tcp_flags");
	expect_true(json_is_array(flags) && json_array_size(flags) == 2 &&
		    strcmp(json_string_value(json_array_get(flags, 0)), "RST") == 0 &&
		    strcmp(json_string_value(json_array_get(flags, 1)), "ACK") == 0,
		    "expected tcp_flags [\"RST\", \"ACK\"]");
	expect_true(json_is_null(json_object_get(p, "icmp")), "expected icmp null for a TCP packet");
	expect_jstr(p, "time", "2001-09-09T01:46:40.000310Z");
	json_decref(root);
}

static void an_icmp_error_has_type_code_and_the_packet_it_is_about(void **state)
{
	struct report *rep = *state;
	json_t *root, *p, *icmp, *about;

	report_add_capture(rep);
	report_add_icmp(rep);
	root = json_of(rep, NULL);
	p = json_array_get(json_object_get(json_object_get(root, "capture"), "packets"), 2);
	expect_jstr(p, "protocol", "icmp");
	expect_true(json_is_null(json_object_get(p, "src_port")), "expected src_port null for ICMP");
	expect_true(json_is_null(json_object_get(p, "tcp_flags")), "expected tcp_flags null for ICMP");
	icmp = json_object_get(p, "icmp");
	expect_true(json_integer_value(json_object_get(icmp, "type")) == 3, "expected icmp.type 3");
	expect_true(json_integer_value(json_object_get(icmp, "code")) == 13, "expected icmp.code 13");
	expect_jstr(icmp, "name", "administratively prohibited");
	about = json_object_get(icmp, "about");
	expect_jstr(about, "dst", "192.0.2.10");
	expect_true(json_integer_value(json_object_get(about, "dst_port")) == 22, "expected icmp.about.dst_port 22");
	json_decref(root);
}

/* what ran */

static void the_report_has_schema_version_1_and_what_ran(void **state)
{
	struct report *rep = *state;
	char *argv[] = {(char *)"ssh-doctor", (char *)"--json", (char *)"example.com", NULL};
	json_t *root, *run, *priv, *os;

	run_info_release(&rep->run);
	run_info_init(&rep->run, argv);
	root = json_of(rep, NULL);
	expect_true(json_integer_value(json_object_get(root, "schema_version")) == 1, "expected schema_version 1");
	run = json_object_get(root, "run");
	expect_true(json_is_object(run), "expected \"run\" to be an object");
	expect_jtype(run, "started", JSON_STRING);
	expect_true(json_string_value(json_object_get(run, "started"))[10] == 'T' &&
		    strchr(json_string_value(json_object_get(run, "started")), 'Z') != NULL,
		    "expected run.started in ISO 8601 UTC");
	expect_jtype(run, "duration_ms", JSON_INTEGER);
	expect_true(json_array_size(json_object_get(run, "argv")) == 3 &&
		    strcmp(json_string_value(json_array_get(json_object_get(run, "argv"), 2)), "example.com") == 0,
		    "expected run.argv as given");
	priv = json_object_get(run, "privileges");
	expect_true(json_integer_value(json_object_get(priv, "euid")) == (json_int_t)geteuid(),
		    "expected run.privileges.euid to be this process's");
	expect_true(json_is_boolean(json_object_get(priv, "cap_net_raw")), "expected run.privileges.cap_net_raw");
	expect_true(json_is_boolean(json_object_get(priv, "root")), "expected run.privileges.root");
	os = json_object_get(run, "os");
	expect_true(json_is_object(os), "expected run.os");
	json_decref(root);
}

static void os_release_values_are_read_unquoted(void **state)
{
	const char *text = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n"
			   "PRETTY_NAME='Debian 12'\nX=\"a \\\"b\\\"\"\n";
	char *v;

	v = run_os_release_value(text, "ID");
	expect_true(v && strcmp(v, "debian") == 0, "expected ID debian, got %s", v ? v : "(null)");
	free(v);
	v = run_os_release_value(text, "VERSION_ID");
	expect_true(v && strcmp(v, "12") == 0, "expected VERSION_ID 12, got %s", v ? v : "(null)");
	free(v);
	v = run_os_release_value(text, "PRETTY_NAME");
	expect_true(v && strcmp(v, "Debian 12") == 0, "expected PRETTY_NAME 'Debian 12', got %s", v ? v : "(null)");
	free(v);
	v = run_os_release_value(text, "X");
	expect_true(v && strcmp(v, "a \"b\"") == 0, "expected X with its escapes undone, got %s", v ? v : "(null)");
	free(v);
	expect_true(run_os_release_value(text, "VERSION") == NULL, "expected no VERSION");
}

/* verdict */

static void the_verdict_has_cause_confidence_summary_fix_and_alternatives(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *v = json_object_get(root, "verdict"), *alt;

	expect_true(json_is_object(v), "expected \"verdict\" to be an object");
	expect_jstr(v, "cause", "port_closed");
	expect_jstr(v, "confidence", "certain");
	expect_jtype(v, "summary", JSON_STRING);
	expect_jtype(v, "fix", JSON_STRING);
	alt = json_object_get(v, "alternatives");
	expect_true(json_is_array(alt) && json_array_size(alt) == 1, "expected one verdict.alternatives");
	expect_true(strcmp(json_string_value(json_array_get(alt, 0)), "firewall_reject") == 0,
		    "expected the alternative firewall_reject");
	json_decref(root);
}

static void no_verdict_is_json_null(void **state)
{
	struct report *rep = *state;
	json_t *root;

	rep->has_verdict = false;
	root = json_of(rep, NULL);
	expect_true(json_is_null(json_object_get(root, "verdict")), "expected \"verdict\": null");
	json_decref(root);
}

static void a_failed_report_has_an_error(void **state)
{
	struct report *rep = *state;
	json_t *root;

	rep->failed = true;
	rep->failure = xstrdup("cannot resolve anything: no network");
	rep->has_verdict = false;
	root = json_of(rep, NULL);
	expect_jstr(root, "error", "cannot resolve anything: no network");
	json_decref(root);
}

static void an_error_comes_with_a_null_verdict_even_when_one_was_made(void **state)
{
	struct report *rep = *state;
	json_t *root;

	rep->failed = true;
	rep->failure = xstrdup("the capture file holds no SYN to 192.0.2.10 port 22");
	root = json_of(rep, NULL);
	expect_jtype(root, "error", JSON_STRING);
	expect_true(json_is_null(json_object_get(root, "verdict")), "expected \"verdict\": null with an error");
	json_decref(root);
}

/* hostile strings */

/* True when s is valid UTF-8 with no C0 control but line breaks, no DEL or C1
 * control and no bidi control. */
static bool clean_utf8(const char *s, char *why, size_t whylen)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp;
		size_t n;

		if (*p < 0x80) {
			cp = *p;
			n = 1;
		} else if (*p >= 0xc2 && *p <= 0xdf) {
			cp = *p & 0x1f;
			n = 2;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			cp = *p & 0x0f;
			n = 3;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			cp = *p & 0x07;
			n = 4;
		} else {
			snprintf(why, whylen, "byte 0x%02x starts no utf-8 sequence", *p);
			return false;
		}
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				snprintf(why, whylen, "a utf-8 sequence is cut short");
				return false;
			}
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((cp < 0x20 && cp != '\n') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
			snprintf(why, whylen, "control character U+%04X", (unsigned)cp);
			return false;
		}
		p += n;
	}
	return true;
}

/* Checks every string in j (keys too), saying where a bad one is. */
static void expect_clean_strings(json_t *j, const char *path)
{
	char why[64], sub[256];

	if (json_is_string(j)) {
		if (!clean_utf8(json_string_value(j), why, sizeof(why))) {
			char *shown = printable(json_string_value(j), strlen(json_string_value(j)), false);

			print_error("expected %s to be printable utf-8, but it has %s: \"%s\"\n", path, why, shown);
			free(shown);
			fail();
		}
	} else if (json_is_object(j)) {
		const char *k;
		json_t *v;

		json_object_foreach(j, k, v) {
			snprintf(sub, sizeof(sub), "%s.%s", path, k);
			expect_clean_strings(v, sub);
		}
	} else if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++) {
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			expect_clean_strings(json_array_get(j, i), sub);
		}
	}
}

static void every_json_string_is_printable_utf8(void **state)
{
	struct report *rep = *state;
	json_t *root;

	report_add_capture(rep);
	free(rep->capture.packets[1].summary);
	rep->capture.packets[1].summary = xstrdup("RST \x1b]0;title\x07");
	root = json_of(rep, NULL);
	expect_clean_strings(root, "report");
	json_decref(root);
}

static void the_json_text_is_plain_ascii(void **state)
{
	char *text;
	json_t *root = json_of(*state, &text);

	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		expect_true(*p == '\n' || (*p >= 0x20 && *p < 0x7f),
			    "expected only printable ASCII and newlines in the JSON text, found byte 0x%02x", *p);
	json_decref(root);
	free(text);
}

static void invalid_utf8_is_kept_escaped_not_dropped(void **state)
{
	json_t *root = json_of(*state, NULL);
	json_t *s = json_array_get(json_object_get(root, "steps"), 2);

	expect_jstr(s, "summary", "banner \\xff\\xfe\\xc3 end");
	json_decref(root);
}

static void a_control_character_is_kept_escaped_not_dropped(void **state)
{
	json_t *root = json_of(*state, NULL);
	const char *sum = json_string_value(json_object_get(json_object_get(root, "verdict"), "summary"));

	expect_contains(sum, "\\x1b[31mclosed", "verdict.summary");
	json_decref(root);
}

static void line_breaks_between_paragraphs_are_kept(void **state)
{
	struct report *rep = *state;
	json_t *root;

	free(rep->verdict.fix);
	rep->verdict.fix = xstrdup("Start sshd.\n\nThen try again: C:\\path stays.");
	root = json_of(rep, NULL);
	expect_jstr(json_object_get(root, "verdict"), "fix", "Start sshd.\n\nThen try again: C:\\path stays.");
	json_decref(root);
}

/* exit status */

static void exit_status_is_0_for_ok(void **state)
{
	struct report *rep = *state;

	free(rep->verdict.cause);
	rep->verdict.cause = xstrdup("ok");
	expect_true(report_exit_status(rep) == 0, "expected exit status 0 for cause ok, got %d",
		    report_exit_status(rep));
}

static void exit_status_is_1_for_another_cause(void **state)
{
	expect_true(report_exit_status(*state) == 1, "expected exit status 1 for cause port_closed, got %d",
		    report_exit_status(*state));
}

static void exit_status_is_3_when_the_diagnosis_failed(void **state)
{
	struct report *rep = *state;

	rep->failed = true;
	expect_true(report_exit_status(rep) == 3, "expected exit status 3 for a failed diagnosis, got %d",
		    report_exit_status(rep));
}

static void exit_status_is_3_without_a_verdict(void **state)
{
	struct report *rep = *state;

	rep->has_verdict = false;
	expect_true(report_exit_status(rep) == 3, "expected exit status 3 without a verdict, got %d",
		    report_exit_status(rep));
}

/* the failure report */

static void the_failure_report_has_an_error(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_error_t jerr;
	json_t *root;

	expect_true(report_write_json_failure(f, "cannot load assets: 'x' \x1b[1m", NULL) == 0,
		    "expected report_write_json_failure to return 0");
	fclose(f);
	expect_valid_report(text, len);
	root = json_loadb(text, len, 0, &jerr);
	if (root == NULL)
		fail_msg("expected valid JSON, got: %s", jerr.text);
	expect_jstr(root, "tool", "ssh-doctor");
	expect_jtype(root, "error", JSON_STRING);
	expect_contains(json_string_value(json_object_get(root, "error")), "cannot load assets", "error");
	expect_true(json_is_null(json_object_get(root, "verdict")), "expected \"verdict\": null");
	expect_clean_strings(root, "failure");
	json_decref(root);
	free(text);
}

/* the text report */

static char *text_of(const struct report *rep)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	report_write_text(f, rep, 80);
	fclose(f);
	return text;
}

static void the_text_report_tags_a_failed_step_fail(void **state)
{
	char *text = text_of(*state);

	expect_contains(text, "[FAIL] Does anything answer on the port?", "the text report");
	expect_contains(text, "[ OK ] Does the name resolve?", "the text report");
	free(text);
}

static void the_text_report_names_the_verdict(void **state)
{
	char *text = text_of(*state);

	expect_contains(text, "VERDICT: port_closed", "the text report");
	free(text);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(the_json_names_tool_version_and_side),
		T(the_json_target_has_host_port_and_addresses),
		T(every_step_has_the_fields_of_the_design),
		T(step_fields_carry_the_report_values),
		T(step_status_words_are_those_of_the_design),
		T(a_step_not_run_is_skip_never_pending),
		T(an_unavailable_capture_says_why),
		T(an_available_capture_has_outcome_and_packets),
		T(each_packet_names_the_step_it_was_read_in),
		T(a_tcp_packet_has_its_addresses_ports_flags_ttl_and_tos),
		T(an_icmp_error_has_type_code_and_the_packet_it_is_about),
		T(the_report_has_schema_version_1_and_what_ran),
		cmocka_unit_test(os_release_values_are_read_unquoted),
		T(the_verdict_has_cause_confidence_summary_fix_and_alternatives),
		T(no_verdict_is_json_null),
		T(a_failed_report_has_an_error),
		T(an_error_comes_with_a_null_verdict_even_when_one_was_made),
		T(every_json_string_is_printable_utf8),
		T(the_json_text_is_plain_ascii),
		T(invalid_utf8_is_kept_escaped_not_dropped),
		T(a_control_character_is_kept_escaped_not_dropped),
		T(line_breaks_between_paragraphs_are_kept),
		T(exit_status_is_0_for_ok),
		T(exit_status_is_1_for_another_cause),
		T(exit_status_is_3_when_the_diagnosis_failed),
		T(exit_status_is_3_without_a_verdict),
		cmocka_unit_test(the_failure_report_has_an_error),
		T(the_text_report_tags_a_failed_step_fail),
		T(the_text_report_names_the_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* The JSON report of the design (jansson). Every string in the report was
 * made printable by the engine; a string that still holds a control
 * character (other than a line break) or bytes that are not UTF-8 is
 * escaped once more here rather than dropped. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "engine/fix.h"
#include "tui/report.h"

static json_t *jstr(const char *s)
{
	struct strbuf esc, same;
	json_t *j;

	if (s == NULL)
		return json_null();
	/* s is clean when printable() changes nothing but its backslashes;
	 * line breaks between paragraphs are kept */
	strbuf_init(&esc);
	strbuf_init(&same);
	for (const char *p = s; *p; ) {
		size_t n = strcspn(p, "\n");

		strbuf_add_printable(&esc, p, n, true);
		p += n;
		if (*p == '\n')
			strbuf_addch(&esc, *p++);
	}
	for (const char *p = s; *p; p++)
		if (*p == '\\')
			strbuf_addstr(&same, "\\\\");
		else
			strbuf_addch(&same, *p);
	j = json_string(strcmp(esc.buf, same.buf) == 0 ? s : esc.buf);
	strbuf_release(&esc);
	strbuf_release(&same);
	return j;
}

static json_t *jstrv(const struct strv *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, jstr(sv->v[i]));
	return a;
}

static json_t *json_steps(const struct report *rep)
{
	json_t *steps = json_array();

	for (size_t i = 0; i < rep->nsteps; i++) {
		const struct report_step *s = &rep->steps[i];
		json_t *o = json_object();

		json_object_set_new(o, "id", jstr(s->id));
		json_object_set_new(o, "title", jstr(s->title));
		json_object_set_new(o, "status", jstr(s->status == STEP_PENDING || s->status == STEP_RUNNING
						      ? "skip" : step_status_word(s->status)));
		json_object_set_new(o, "summary", jstr(s->summary ? s->summary : ""));
		json_object_set_new(o, "command", jstr(s->command));
		json_object_set_new(o, "evidence", jstrv(&s->evidence));
		json_object_set_new(o, "details", jstrv(&s->details));
		json_object_set_new(o, "duration_ms", json_integer((json_int_t)s->duration_ms));
		/* only a walk that ran a step again makes one (walk.h) */
		if (s->stale)
			json_object_set_new(o, "stale", json_true());
		json_array_append_new(steps, o);
	}
	return steps;
}

/* The id of the step a packet was read in, or JSON null before any. */
static json_t *json_packet_step(const struct report *rep, int step)
{
	if (step < 0 || (size_t)step >= rep->nsteps)
		return json_null();
	return jstr(rep->steps[step].id);
}

/* Capture time in ISO 8601 UTC with microseconds. */
static json_t *json_time_us(uint64_t ts_us)
{
	time_t sec = (time_t)(ts_us / 1000000);
	struct tm tm;
	char date[24], buf[40];

	if (ts_us == 0 || gmtime_r(&sec, &tm) == NULL)
		return json_null();
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "%s.%06uZ", date, (unsigned)(ts_us % 1000000));
	return json_string(buf);
}

/* A numeric address, or null for none. */
static json_t *json_addr(const char *a)
{
	return a[0] != '\0' ? jstr(a) : json_null();
}

static json_t *json_port(bool has, uint16_t port)
{
	return has ? json_integer(port) : json_null();
}

/* ["SYN", "ACK"] for a TCP packet, null for any other. */
static json_t *json_tcp_flags(const struct report_packet *p)
{
	static const char *const names[8] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
	json_t *a;

	if (!p->has_tcp_flags)
		return json_null();
	a = json_array();
	for (int b = 0; b < 8; b++)
		if (p->tcp_flags & (1u << b))
			json_array_append_new(a, json_string(names[b]));
	return a;
}

/* An ICMP/ICMPv6 packet's type and code, with the original packet an error
 * quotes as far as the quote goes; null for any other packet. */
static json_t *json_icmp(const struct report_packet *p)
{
	const struct report_quoted *q = &p->quoted;
	json_t *o, *about = json_null();

	if (!p->is_icmp)
		return json_null();
	o = json_object();
	json_object_set_new(o, "type", json_integer(p->icmp_type));
	json_object_set_new(o, "code", json_integer(p->icmp_code));
	json_object_set_new(o, "name", jstr(p->icmp_name));
	if (q->present) {
		about = json_object();
		json_object_set_new(about, "src", json_addr(q->src));
		json_object_set_new(about, "dst", json_addr(q->dst));
		json_object_set_new(about, "protocol", jstr(q->protocol ? q->protocol : "other"));
		json_object_set_new(about, "src_port", json_port(q->has_ports, q->src_port));
		json_object_set_new(about, "dst_port", json_port(q->has_ports, q->dst_port));
		json_object_set_new(about, "ttl", json_integer(q->ttl));
		json_object_set_new(about, "tos", json_integer(q->tos));
	}
	json_object_set_new(o, "about", about);
	return o;
}

static json_t *json_packet(const struct report *rep, const struct report_packet *p)
{
	bool ip = p->ip_version == 4 || p->ip_version == 6;
	json_t *o = json_object();

	json_object_set_new(o, "t_ms", json_real((double)p->t_us / 1000.0));
	json_object_set_new(o, "direction", jstr(p->outbound ? "out" : "in"));
	json_object_set_new(o, "summary", jstr(p->summary));
	json_object_set_new(o, "step", json_packet_step(rep, p->step));
	json_object_set_new(o, "time", json_time_us(p->ts_us));
	json_object_set_new(o, "protocol", jstr(p->protocol ? p->protocol : "other"));
	json_object_set_new(o, "ip_version", ip ? json_integer(p->ip_version) : json_null());
	json_object_set_new(o, "src", json_addr(p->src));
	json_object_set_new(o, "dst", json_addr(p->dst));
	json_object_set_new(o, "src_port", json_port(p->has_ports, p->src_port));
	json_object_set_new(o, "dst_port", json_port(p->has_ports, p->dst_port));
	json_object_set_new(o, "tcp_flags", json_tcp_flags(p));
	json_object_set_new(o, "ttl", ip ? json_integer(p->ttl) : json_null());
	json_object_set_new(o, "tos", ip ? json_integer(p->tos) : json_null());
	json_object_set_new(o, "icmp", json_icmp(p));
	return o;
}

static json_t *json_capture(const struct report *rep)
{
	const struct report_capture *c = &rep->capture;
	json_t *o = json_object(), *pk = json_array();

	json_object_set_new(o, "available", json_boolean(c->available));
	if (!c->available)
		json_object_set_new(o, "reason", jstr(c->reason ? c->reason : "unknown"));
	json_object_set_new(o, "interface", jstr(c->interface));
	json_object_set_new(o, "outcome", jstr(c->outcome ? c->outcome : "none"));
	if (c->outcome_text)
		json_object_set_new(o, "outcome_text", jstr(c->outcome_text));
	for (size_t i = 0; i < c->npackets; i++)
		json_array_append_new(pk, json_packet(rep, &c->packets[i]));
	json_object_set_new(o, "packets", pk);
	if (c->packets_dropped)
		json_object_set_new(o, "packets_not_kept", json_integer((json_int_t)c->packets_dropped));
	if (c->available) {
		json_object_set_new(o, "received", json_integer((json_int_t)c->received));
		json_object_set_new(o, "dropped", json_integer((json_int_t)c->dropped));
	}
	return o;
}

static json_t *json_verdict(const struct report *rep)
{
	const struct report_verdict *v = &rep->verdict;
	json_t *o, *variants;

	if (!rep->has_verdict)
		return json_null();
	o = json_object();
	json_object_set_new(o, "cause", jstr(v->cause));
	json_object_set_new(o, "confidence", jstr(v->confidence));
	json_object_set_new(o, "title", jstr(v->title));
	json_object_set_new(o, "summary", jstr(v->summary));
	json_object_set_new(o, "fix", jstr(v->fix));
	json_object_set_new(o, "fix_command", jstr(v->fix_command));
	json_object_set_new(o, "fix_on", jstr(v->fix_on ? v->fix_on : "server"));
	json_object_set_new(o, "fix_platform", jstr(v->fix_platform));
	variants = json_array();
	for (size_t i = 0; i < v->nfix_variants; i++) {
		json_t *fv = json_object();

		json_object_set_new(fv, "platform", jstr(v->fix_variants[i].platform));
		json_object_set_new(fv, "label", jstr(v->fix_variants[i].label));
		json_object_set_new(fv, "command", jstr(v->fix_variants[i].command));
		json_array_append_new(variants, fv);
	}
	json_object_set_new(o, "fix_variants", variants);
	json_object_set_new(o, "alternatives", jstrv(&v->alternatives));
	json_object_set_new(o, "evidence", jstrv(&v->evidence));
	json_object_set_new(o, "prevention", jstrv(&v->prevention));
	json_object_set_new(o, "for", jstrv(&v->judged_for));
	json_object_set_new(o, "unchecked", jstrv(&v->unchecked));
	return o;
}

/* What ran: when, how long, where, with which command line and privileges. */
static json_t *json_run(const struct run_info *r)
{
	json_t *o = json_object(), *os = json_object(), *priv = json_object();

	json_object_set_new(o, "started", json_string(r->started));
	json_object_set_new(o, "duration_ms", json_integer((json_int_t)r->duration_ms));
	json_object_set_new(o, "host", jstr(r->host));
	json_object_set_new(os, "id", jstr(r->os_id));
	json_object_set_new(os, "version_id", jstr(r->os_version_id));
	json_object_set_new(os, "pretty_name", jstr(r->os_pretty_name));
	json_object_set_new(os, "kernel", jstr(r->kernel));
	json_object_set_new(o, "os", os);
	json_object_set_new(o, "argv", jstrv(&r->argv));
	json_object_set_new(priv, "uid", json_integer((json_int_t)r->uid));
	json_object_set_new(priv, "euid", json_integer((json_int_t)r->euid));
	json_object_set_new(priv, "root", json_boolean(r->euid == 0));
	json_object_set_new(priv, "cap_net_raw", json_boolean(r->cap_net_raw));
	json_object_set_new(o, "privileges", priv);
	return o;
}

/* The head every report starts with. */
static json_t *json_head(const struct run_info *run)
{
	json_t *root = json_object();

	json_object_set_new(root, "tool", json_string("ssh-doctor"));
	json_object_set_new(root, "version", json_string(SSHD_VERSION));
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "run", json_run(run));
	return root;
}

static int dump_flags(FILE *out, json_t *root, size_t flags)
{
	int rc = json_dumpf(root, out, flags | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	json_decref(root);
	if (rc == 0)
		fputc('\n', out);
	return rc == 0 ? 0 : -1;
}

static int dump(FILE *out, json_t *root)
{
	return dump_flags(out, root, JSON_INDENT(2));
}

static json_t *json_report(const struct report *rep)
{
	json_t *root = json_head(&rep->run), *target = json_object();

	json_object_set_new(root, "side", json_string(side_name(rep->side)));
	json_object_set_new(target, "host", jstr(rep->host));
	json_object_set_new(target, "port", json_integer(rep->port));
	if (rep->user)
		json_object_set_new(target, "user", jstr(rep->user));
	json_object_set_new(target, "addresses", jstrv(&rep->addresses));
	json_object_set_new(root, "target", target);
	json_object_set_new(root, "platform", jstr(rep->platform));
	if (rep->symptom) {
		json_t *s = json_object();

		json_object_set_new(s, "id", jstr(rep->symptom));
		json_object_set_new(s, "text", jstr(rep->symptom_text));
		json_object_set_new(s, "matches", json_boolean(rep->has_verdict && rep->verdict.symptom_matches));
		json_object_set_new(s, "comment", jstr(rep->has_verdict ? rep->verdict.symptom_match : NULL));
		json_object_set_new(root, "symptom", s);
	}
	json_object_set_new(root, "steps", json_steps(rep));
	json_object_set_new(root, "capture", json_capture(rep));
	/* an error and a verdict never go together: a diagnosis that could not
	 * run has not judged anything */
	json_object_set_new(root, "verdict", rep->failed ? json_null() : json_verdict(rep));
	if (rep->failed)
		json_object_set_new(root, "error", jstr(rep->failure));
	return root;
}

int report_write_json(FILE *out, const struct report *rep)
{
	return dump(out, json_report(rep));
}

const struct fix_record *report_fix_record(const struct report_fix *fx, size_t i)
{
	if (fx->log != NULL)
		return i < fx->log->n ? &fx->log->v[i] : NULL;
	if (fx->logs != NULL && i < fx->nlogs && fx->logs[i].n > 0)
		return &fx->logs[i].v[0];
	return NULL;
}

char *report_fix_state(const struct report_fix *fx, bool *undone, bool *interrupted)
{
	const struct fix_log *l = fx->log;
	size_t applied = 0, reached = 0, n = fx->plan ? fx->plan->n : 0;
	bool undo_failed = false, any_undone = false, intr = false;
	char *state;

	if (l != NULL || fx->logs == NULL) {
		*undone = l && l->undone;
		*interrupted = l && l->interrupted;
		return xstrdup(l && l->state ? l->state : "old: nothing was changed");
	}
	for (size_t i = 0; i < fx->nlogs && i < n; i++) {
		const struct fix_record *r = report_fix_record(fx, i);

		intr |= fx->logs[i].interrupted;
		any_undone |= fx->logs[i].undone;
		if (r == NULL)
			continue;
		reached++;
		if (r->applied)
			applied++;
		if (r->result && strcmp(r->result, "undo failed") == 0)
			undo_failed = true;
	}
	if (undo_failed)
		state = xstrdup("mixed: some undo failed; each record says what is left");
	else if (applied > 0 && applied == n)
		state = xstrdup("new: every action of the plan was applied");
	else if (applied > 0)
		state = xasprintf("partial: %zu of the plan's %zu actions are applied", applied, n);
	else if (any_undone)
		state = xstrdup("old: every change was undone, the system is as it was before the plan");
	else
		state = xstrdup("old: nothing was changed");
	*undone = any_undone && applied == 0 && !undo_failed && reached > 0;
	*interrupted = intr;
	return state;
}

/* The fix plan and what became of it: the plan's actions, each with what
 * ran, its output, backup and undo and the result. */
static json_t *json_fix(const struct report_fix *fx)
{
	json_t *o = json_object(), *actions = json_array();
	const struct fix_plan *p = fx->plan;
	bool undone, interrupted;
	char *state;

	json_object_set_new(o, "cause", jstr(p->cause));
	json_object_set_new(o, "on", jstr(p->on));
	json_object_set_new(o, "refused", json_boolean(p->refused));
	json_object_set_new(o, "why", jstr(p->why));
	json_object_set_new(o, "check", jstr(p->check));
	for (size_t i = 0; i < p->n; i++) {
		const struct fix_action *a = &p->v[i];
		const struct fix_record *r = report_fix_record(fx, i);
		json_t *j = json_object();
		char *cmd = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);

		json_object_set_new(j, "action", jstr(a->title));
		json_object_set_new(j, "kind", json_string(a->kind == FIX_EDIT ? "edit" : "run"));
		json_object_set_new(j, "command", jstr(cmd));
		free(cmd);
		if (a->kind == FIX_RUN) {
			json_t *argv = json_array();

			for (size_t k = 0; k < a->argv.n; k++)
				json_array_append_new(argv, jstr(a->argv.v[k]));
			json_object_set_new(j, "argv", argv);
		} else {
			json_object_set_new(j, "path", jstr(a->path));
			json_object_set_new(j, "diff", jstr(a->diff));
		}
		json_object_set_new(j, "on", jstr(a->on));
		json_object_set_new(j, "owner", jstr(a->owner));
		json_object_set_new(j, "persistent", json_boolean(a->persistent));
		json_object_set_new(j, "persist_note", jstr(a->persist_note));
		json_object_set_new(j, "check", jstr(a->check));
		json_object_set_new(j, "undo_command", jstr(r && r->undo ? r->undo : a->undo_text));
		json_object_set_new(j, "output", jstr(r ? r->output : NULL));
		json_object_set_new(j, "backup", jstr(r ? r->backup : NULL));
		json_object_set_new(j, "result", jstr(r && r->result ? r->result : "not run"));
		json_object_set_new(j, "note", jstr(r ? r->note : NULL));
		json_array_append_new(actions, j);
	}
	json_object_set_new(o, "actions", actions);
	json_object_set_new(o, "before", jstr(fx->before_cause));
	json_object_set_new(o, "after", jstr(fx->after_cause));
	state = report_fix_state(fx, &undone, &interrupted);
	json_object_set_new(o, "undone", json_boolean(undone));
	json_object_set_new(o, "interrupted", json_boolean(interrupted));
	json_object_set_new(o, "state", jstr(state));
	free(state);
	return o;
}

int report_write_json_fix(FILE *out, const struct report *rep, const struct report_fix *fx)
{
	json_t *root = json_report(rep);

	if (fx != NULL && fx->plan != NULL)
		json_object_set_new(root, "fix", json_fix(fx));
	return dump(out, root);
}

int report_write_json_line(FILE *out, const struct report *rep, const struct report_fleet *fl)
{
	json_t *root = json_report(rep), *f = json_object();

	json_object_set_new(f, "index", json_integer(fl->index));
	json_object_set_new(f, "of", json_integer(fl->of));
	json_object_set_new(f, "line", fl->line > 0 ? json_integer(fl->line) : json_null());
	json_object_set_new(f, "given", jstr(fl->given));
	json_object_set_new(root, "fleet", f);
	return dump_flags(out, root, JSON_COMPACT);
}

int report_write_json_failure(FILE *out, const char *why, const struct run_info *run)
{
	struct run_info now;
	json_t *root;

	if (run == NULL)
		run_info_init(&now, NULL);
	root = json_head(run ? run : &now);
	if (run == NULL)
		run_info_release(&now);
	json_object_set_new(root, "steps", json_array());
	json_object_set_new(root, "verdict", json_null());
	json_object_set_new(root, "error", jstr(why));
	return dump(out, root);
}

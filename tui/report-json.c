/* The JSON report of the design (jansson). Every string in the report was
 * made printable by the engine; a string that still holds a control
 * character (other than a line break) or bytes that are not UTF-8 is
 * escaped once more here rather than dropped. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
	for (size_t i = 0; i < c->npackets; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "t_ms", json_real((double)c->packets[i].t_us / 1000.0));
		json_object_set_new(p, "direction", jstr(c->packets[i].outbound ? "out" : "in"));
		json_object_set_new(p, "summary", jstr(c->packets[i].summary));
		json_object_set_new(p, "step", json_packet_step(rep, c->packets[i].step));
		json_array_append_new(pk, p);
	}
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
	json_t *o;

	if (!rep->has_verdict)
		return json_null();
	o = json_object();
	json_object_set_new(o, "cause", jstr(v->cause));
	json_object_set_new(o, "confidence", jstr(v->confidence));
	json_object_set_new(o, "summary", jstr(v->summary));
	json_object_set_new(o, "fix", jstr(v->fix));
	json_object_set_new(o, "fix_command", jstr(v->fix_command));
	json_object_set_new(o, "alternatives", jstrv(&v->alternatives));
	json_object_set_new(o, "evidence", jstrv(&v->evidence));
	json_object_set_new(o, "prevention", jstrv(&v->prevention));
	json_object_set_new(o, "for", jstrv(&v->judged_for));
	json_object_set_new(o, "unchecked", jstrv(&v->unchecked));
	return o;
}

static int dump(FILE *out, json_t *root)
{
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	json_decref(root);
	if (rc == 0)
		fputc('\n', out);
	return rc == 0 ? 0 : -1;
}

int report_write_json(FILE *out, const struct report *rep)
{
	json_t *root = json_object(), *target = json_object();

	json_object_set_new(root, "tool", json_string("ssh-doctor"));
	json_object_set_new(root, "version", json_string(SSHD_VERSION));
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
	json_object_set_new(root, "verdict", json_verdict(rep));
	if (rep->failed)
		json_object_set_new(root, "error", jstr(rep->failure));
	return dump(out, root);
}

int report_write_json_failure(FILE *out, const char *why)
{
	json_t *root = json_object();

	json_object_set_new(root, "tool", json_string("ssh-doctor"));
	json_object_set_new(root, "version", json_string(SSHD_VERSION));
	json_object_set_new(root, "steps", json_array());
	json_object_set_new(root, "verdict", json_null());
	json_object_set_new(root, "error", jstr(why));
	return dump(out, root);
}

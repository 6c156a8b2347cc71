/* SPDX-License-Identifier: MIT */
/* Which table is active, the trace a call fills, and the spawner seen from
 * the OS layer: every program an os call runs goes through os_run. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/os/os.h"

#define SSHD_RUN_MS 5000

static const struct os_ops *active;

const struct os_ops *os_native(void)
{
#ifdef __APPLE__
	return &os_macos_ops;
#else
	return &os_linux_ops;
#endif
}

const struct os_ops *os_active(void)
{
	return active != NULL ? active : os_native();
}

void os_set_active(const struct os_ops *ops)
{
	active = ops;
}

void os_trace_init(struct os_trace *t)
{
	memset(t, 0, sizeof(*t));
}

void os_trace_release(struct os_trace *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	os_trace_init(t);
}

static void trace_add(struct os_trace *t, enum os_trace_kind kind, char *text)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 16;
		t->v = xrealloc(t->v, t->alloc * sizeof(*t->v));
	}
	t->v[t->n].kind = kind;
	t->v[t->n++].text = text;
}

void os_trace_note(struct os_trace *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	trace_add(t, OS_TRACE_NOTE, s);
}

void os_trace_detail(struct os_trace *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = xstrdup("");
	va_end(ap);
	trace_add(t, OS_TRACE_DETAIL, s);
}

void os_trace_text(struct os_trace *t, const char *prefix, const char *text, size_t len, size_t max_lines)
{
	size_t i = 0, lines = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		char *p;

		if (lines++ == max_lines) {
			os_trace_detail(t, "%s... (more lines not shown)", prefix);
			return;
		}
		p = printable(text + i, n, true);
		os_trace_detail(t, "%s%s", prefix, p);
		free(p);
		i += n + 1;
	}
}

int os_run(struct os_trace *t, const char *const argv[], int timeout_ms, struct exec_result *r,
	   size_t max_lines)
{
	struct strbuf cmd;
	int rc;

	strbuf_init(&cmd);
	for (size_t i = 0; argv[i] != NULL; i++)
		strbuf_addf(&cmd, "%s%s", i ? " " : "", argv[i]);
	rc = exec_run(argv, timeout_ms, EXEC_DEFAULT_MAX_OUTPUT, r);
	os_trace_text(t, "$ ", cmd.buf, cmd.len, 1);
	if (rc < 0) {
		os_trace_detail(t, "  could not run: %s", strerror(-rc));
	} else {
		os_trace_text(t, "  ", r->out.buf, r->out.len, max_lines);
		os_trace_text(t, "  stderr: ", r->err.buf, r->err.len, max_lines);
		if (r->timed_out)
			os_trace_detail(t, "  (stopped after %d ms)", timeout_ms);
		else
			os_trace_detail(t, "  (exit status %d)", r->status);
	}
	strbuf_release(&cmd);
	return rc;
}

static os_find_fn find_hook;

void os_set_find_hook(os_find_fn fn)
{
	find_hook = fn;
}

int os_find(const char *name, char *path, size_t pathlen)
{
	return find_hook != NULL ? find_hook(name, path, pathlen) : exec_find(name, path, pathlen);
}

int os_sshd_run(const struct strv *args, struct exec_result *r, struct os_trace *t)
{
	const char **argv = xcalloc(args->n + 1, sizeof(*argv));
	int rc;

	for (size_t i = 0; i < args->n; i++)
		argv[i] = args->v[i];
	rc = os_run(t, argv, SSHD_RUN_MS, r, 400);
	free(argv);
	return rc;
}

void os_fw_list_init(struct os_fw_list *l)
{
	memset(l, 0, sizeof(*l));
	strbuf_init(&l->ufw_rules[0]);
	strbuf_init(&l->ufw_rules[1]);
}

void os_fw_list_release(struct os_fw_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct os_fw_view *v = &l->v[i];

		free(v->name);
		os_trace_release(&v->trace);
		for (size_t k = 0; k < v->nres; k++)
			fw_result_release(&v->res[k]);
		free(v->res);
		strv_release(&v->guard);
	}
	free(l->v);
	free(l->ipt_save);
	free(l->fwd_zone);
	strbuf_release(&l->ufw_rules[0]);
	strbuf_release(&l->ufw_rules[1]);
	/* empty, as os_fw_list_init leaves it, without allocating again */
	l->v = NULL;
	l->n = l->alloc = 0;
	l->ufw_rules_read = false;
}

struct os_fw_view *os_fw_list_add(struct os_fw_list *l, const char *name)
{
	struct os_fw_view *v;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(name);
	os_trace_init(&v->trace);
	strv_init(&v->guard);
	return v;
}

void os_log_list_init(struct os_log_list *l)
{
	memset(l, 0, sizeof(*l));
}

void os_log_list_release(struct os_log_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].label);
		os_trace_release(&l->v[i].trace);
		sshd_log_release(&l->v[i].log);
	}
	free(l->v);
	os_log_list_init(l);
}

struct os_log_source *os_log_list_add(struct os_log_list *l, const char *label)
{
	struct os_log_source *s;

	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 8;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	s = &l->v[l->n++];
	memset(s, 0, sizeof(*s));
	s->label = xstrdup(label);
	os_trace_init(&s->trace);
	sshd_log_init(&s->log);
	return s;
}

void os_sock_list_init(struct os_sock_list *l)
{
	memset(l, 0, sizeof(*l));
}

void os_sock_list_release(struct os_sock_list *l)
{
	free(l->v);
	os_sock_list_init(l);
}

void os_sock_list_add(struct os_sock_list *l, const struct os_sock *s)
{
	if (l->n == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 16;
		l->v = xrealloc(l->v, l->alloc * sizeof(*l->v));
	}
	l->v[l->n++] = *s;
}

/* SPDX-License-Identifier: MIT */
/* The fix plan: what the verdict's fix is, as exact actions. A plan is
 * made only for a certain verdict, only of changes on this machine, and
 * only of changes that let the judged client in without letting in
 * anyone the rules meant to keep out; otherwise it says why not and what
 * to look at instead. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/fix.h"
#include "engine/os/os.h"

void fix_plan_init(struct fix_plan *p)
{
	memset(p, 0, sizeof(*p));
}

static void action_release(struct fix_action *a)
{
	free(a->title);
	strv_release(&a->argv);
	strv_release(&a->then);
	strv_release(&a->files);
	strv_release(&a->undo);
	free(a->undo_text);
	free(a->check);
	free(a->persist_note);
	free(a->path);
	free(a->content);
	free(a->diff);
	free(a->sshd_main);
	strv_release(&a->edit_check);
	free(a->nft_table);
	free(a->nft_chain);
}

void fix_plan_release(struct fix_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		action_release(&p->v[i]);
	free(p->v);
	free(p->cause);
	free(p->why);
	free(p->check);
	fix_plan_init(p);
}

static struct fix_action *plan_add(struct fix_plan *p, enum fix_kind kind, const char *owner)
{
	struct fix_action *a;

	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	a = &p->v[p->n++];
	memset(a, 0, sizeof(*a));
	strv_init(&a->argv);
	strv_init(&a->then);
	strv_init(&a->files);
	strv_init(&a->undo);
	a->kind = kind;
	a->on = p->on;
	a->owner = owner;
	a->persistent = true;
	a->undo_kind = kind == FIX_EDIT ? FIX_UNDO_RESTORE : FIX_UNDO_ARGV;
	return a;
}

static void plan_refuse(struct fix_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plan_refuse(struct fix_plan *p, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	for (size_t i = 0; i < p->n; i++)
		action_release(&p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(p->why);
	p->why = strbuf_detach(&sb, NULL);
	p->refused = true;
}

char *fix_argv_text(const struct strv *argv)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (size_t i = 0; i < argv->n; i++) {
		const char *s = argv->v[i];
		bool plain = *s != '\0';

		for (const char *c = s; *c; c++)
			plain &= isalnum((unsigned char)*c) || strchr("/._-=:,@+%", *c) != NULL;
		if (i)
			strbuf_addch(&sb, ' ');
		if (plain)
			strbuf_addstr(&sb, s);
		else if (strchr(s, '\'') == NULL)
			strbuf_addf(&sb, "'%s'", s);
		else
			strbuf_addf(&sb, "\"%s\"", s);
	}
	if (sb.buf == NULL)
		strbuf_addstr(&sb, "");
	return strbuf_detach(&sb, NULL);
}

int fix_split_command(const char *cmd, struct strv **argvs, size_t *n, struct strbuf *err)
{
	struct strv *v = NULL;
	size_t nv = 0;
	const char *s = cmd;
	struct strbuf word;
	bool in_word = false;

	*argvs = NULL;
	*n = 0;
	strbuf_init(&word);
	v = xcalloc(1, sizeof(*v));
	strv_init(&v[0]);
	nv = 1;
	for (;; s++) {
		if (*s == '\0' || *s == ' ' || *s == '\t') {
			if (in_word) {
				strv_push(&v[nv - 1], word.buf ? word.buf : "");
				strbuf_reset(&word);
				in_word = false;
			}
			if (*s == '\0')
				break;
			continue;
		}
		if (*s == '&' && s[1] == '&' && !in_word) {
			s++;
			v = xrealloc(v, (nv + 1) * sizeof(*v));
			strv_init(&v[nv++]);
			continue;
		}
		if (*s == '\'') {
			const char *e = strchr(s + 1, '\'');

			if (e == NULL) {
				strbuf_addstr(err, "an unterminated quote in the fix command");
				goto fail;
			}
			strbuf_add(&word, s + 1, (size_t)(e - s - 1));
			if (word.buf == NULL)
				strbuf_addstr(&word, "");
			in_word = true;
			s = e;
			continue;
		}
		if (strchr("|;<>`$\\\"(){}*?!&#~", *s) != NULL) {
			strbuf_addf(err, "the fix command holds '%c', which is not run without a shell", *s);
			goto fail;
		}
		strbuf_addch(&word, *s);
		in_word = true;
	}
	for (size_t i = 0; i < nv; i++) {
		char path[256];

		if (v[i].n > 0 && strcmp(v[i].v[0], "sudo") == 0) {
			free(v[i].v[0]);
			memmove(v[i].v, v[i].v + 1, (v[i].n - 1) * sizeof(char *));
			v[i].n--;
		}
		if (v[i].n == 0) {
			strbuf_addstr(err, "an empty command in the fix");
			goto fail;
		}
		if (v[i].v[0][0] != '/') {
			if (os_find(v[i].v[0], path, sizeof(path)) != 0) {
				strbuf_addf(err, "'%s' is not installed", v[i].v[0]);
				goto fail;
			}
			free(v[i].v[0]);
			v[i].v[0] = xstrdup(path);
		}
	}
	strbuf_release(&word);
	*argvs = v;
	*n = nv;
	return 0;
fail:
	strbuf_release(&word);
	for (size_t i = 0; i < nv; i++)
		strv_release(&v[i]);
	free(v);
	return -1;
}

static void argvs_free(struct strv *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		strv_release(&v[i]);
	free(v);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- unified diff ------------------------------------------------------- */

struct lines {
	const char **s;
	size_t *len;
	size_t n;
};

static void lines_split(const char *buf, size_t n, struct lines *l)
{
	size_t i = 0;

	l->s = NULL;
	l->len = NULL;
	l->n = 0;
	while (i < n) {
		const char *e = memchr(buf + i, '\n', n - i);
		size_t len = e ? (size_t)(e - (buf + i)) + 1 : n - i;

		l->s = xrealloc(l->s, (l->n + 1) * sizeof(*l->s));
		l->len = xrealloc(l->len, (l->n + 1) * sizeof(*l->len));
		l->s[l->n] = buf + i;
		l->len[l->n++] = len;
		i += len;
	}
}

static bool line_eq(const struct lines *a, size_t i, const struct lines *b, size_t k)
{
	return a->len[i] == b->len[k] && memcmp(a->s[i], b->s[k], a->len[i]) == 0;
}

static void diff_line(struct strbuf *sb, char mark, const char *s, size_t len)
{
	bool nl = len > 0 && s[len - 1] == '\n';

	strbuf_addch(sb, mark);
	strbuf_add_printable(sb, s, nl ? len - 1 : len, true);
	strbuf_addch(sb, '\n');
	if (!nl)
		strbuf_addstr(sb, "\\ No newline at end of file\n");
}

/* One hunk from the first to the last changed line, with 3 lines of
 * context: what a plan's edits (a line changed, added or removed) need. */
char *fix_diff(const char *path, const char *old, size_t oldlen, const char *new, size_t newlen)
{
	struct lines a, b;
	struct strbuf sb;
	size_t pre = 0, suf = 0, from, a_to, b_to;

	lines_split(old ? old : "", old ? oldlen : 0, &a);
	lines_split(new ? new : "", new ? newlen : 0, &b);
	while (pre < a.n && pre < b.n && line_eq(&a, pre, &b, pre))
		pre++;
	while (suf < a.n - pre && suf < b.n - pre && line_eq(&a, a.n - 1 - suf, &b, b.n - 1 - suf))
		suf++;
	strbuf_init(&sb);
	strbuf_addf(&sb, "--- %s\n+++ %s\n", path, path);
	if (pre == a.n && pre == b.n)
		goto out;
	from = pre > 3 ? pre - 3 : 0;
	a_to = a.n - suf + (suf > 3 ? 3 : suf);
	b_to = b.n - suf + (suf > 3 ? 3 : suf);
	strbuf_addf(&sb, "@@ -%zu,%zu +%zu,%zu @@\n", a_to > from ? from + 1 : from, a_to - from,
		    b_to > from ? from + 1 : from, b_to - from);
	for (size_t i = from; i < pre; i++)
		diff_line(&sb, ' ', a.s[i], a.len[i]);
	for (size_t i = pre; i < a.n - suf; i++)
		diff_line(&sb, '-', a.s[i], a.len[i]);
	for (size_t i = pre; i < b.n - suf; i++)
		diff_line(&sb, '+', b.s[i], b.len[i]);
	for (size_t i = a.n - suf; i < a_to; i++)
		diff_line(&sb, ' ', a.s[i], a.len[i]);
out:
	free(a.s);
	free(a.len);
	free(b.s);
	free(b.len);
	return strbuf_detach(&sb, NULL);
}

/* ---- run actions and their undo ------------------------------------------ */

static void strv_set(struct strv *dst, const struct strv *src, size_t from)
{
	for (size_t i = from; i < src->n; i++)
		strv_push(dst, src->v[i]);
}

/* Index of the first argument that is one of words (after argv[0]), or 0. */
static size_t arg_index(const struct strv *v, const char *const words[])
{
	for (size_t i = 1; i < v->n; i++)
		for (const char *const *w = words; *w; w++)
			if (strcmp(v->v[i], *w) == 0)
				return i;
	return 0;
}

/* Fills a's undo from its argv, the way the owning tool takes the change
 * back; an action that cannot be taken back says so in undo_text. */
static void action_undo_from_argv(struct fix_action *a)
{
	const struct strv *v = &a->argv;
	const char *tool = base(v->v[0]);
	size_t i;

	a->undo_kind = FIX_UNDO_ARGV;
	if (strcmp(tool, "systemctl") == 0 && v->n >= 3) {
		static const struct { const char *verb, *back; } pairs[] = {
			{"start", "stop"}, {"enable", "disable"}, {"unmask", "mask"},
			{"disable", "enable"}, {"stop", "start"}, {"mask", "unmask"},
		};

		for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
			if (strcmp(v->v[1], pairs[k].verb) == 0) {
				strv_push(&a->undo, v->v[0]);
				strv_push(&a->undo, pairs[k].back);
				strv_set(&a->undo, v, 2);
				break;
			}
		if (a->undo.n == 0)
			a->undo_text = xasprintf("nothing to take back: '%s' changes no setting", v->v[1]);
	} else if (strstr(tool, "tables") != NULL) {
		/* iptables [-t T] -I CHAIN [N] SPEC / -A CHAIN SPEC / -D CHAIN SPEC */
		static const char *const ops[] = {"-I", "-A", "-D", NULL};

		i = arg_index(v, ops);
		if (i == 0 || i + 1 >= v->n)
			goto none;
		for (size_t k = 0; k < i; k++)
			strv_push(&a->undo, v->v[k]);
		if (strcmp(v->v[i], "-D") == 0) {
			/* put back where it stood: its position is read just before */
			a->undo_kind = FIX_UNDO_IPT_POSITION;
			strv_push(&a->undo, "-I");
			strv_push(&a->undo, v->v[i + 1]);
			strv_push(&a->undo, "POSITION");
			strv_set(&a->undo, v, i + 2);
		} else {
			size_t from = i + 2;

			if (strcmp(v->v[i], "-I") == 0 && from < v->n && isdigit((unsigned char)v->v[from][0]))
				from++;
			strv_push(&a->undo, "-D");
			strv_push(&a->undo, v->v[i + 1]);
			strv_set(&a->undo, v, from);
		}
	} else if (strcmp(tool, "nft") == 0 && v->n >= 6 &&
		   (strcmp(v->v[1], "insert") == 0 || strcmp(v->v[1], "add") == 0) && strcmp(v->v[2], "rule") == 0) {
		static const char *const families[] = {"ip", "ip6", "inet", "arp", "bridge", "netdev", NULL};
		bool fam = false;

		for (const char *const *f = families; *f; f++)
			fam |= strcmp(v->v[3], *f) == 0;
		a->undo_kind = FIX_UNDO_NFT_HANDLE;
		a->nft_table = fam ? xasprintf("%s %s", v->v[3], v->v[4]) : xstrdup(v->v[3]);
		a->nft_chain = xstrdup(v->v[fam ? 5 : 4]);
		a->undo_text = xasprintf("nft delete rule %s %s handle H (the handle nft gives the new rule)",
					 a->nft_table, a->nft_chain);
		return;
	} else if (strcmp(tool, "nft") == 0 && v->n >= 5 && strcmp(v->v[1], "delete") == 0 &&
		   strcmp(v->v[2], "element") == 0) {
		/* an address taken out of a set (sshguard's block): put back */
		strv_push(&a->undo, v->v[0]);
		strv_push(&a->undo, "add");
		strv_set(&a->undo, v, 2);
	} else if (strcmp(tool, "ufw") == 0 && v->n >= 3) {
		strv_push(&a->undo, v->v[0]);
		if (strcmp(v->v[1], "delete") == 0 || (strcmp(v->v[1], "--force") == 0 && strcmp(v->v[2], "delete") == 0)) {
			/* a rule ufw had: added again (at the end of its rules) */
			strv_set(&a->undo, v, strcmp(v->v[1], "--force") == 0 ? 3 : 2);
		} else {
			strv_push(&a->undo, "--force");
			strv_push(&a->undo, "delete");
			strv_set(&a->undo, v, strcmp(v->v[1], "prepend") == 0 || strcmp(v->v[1], "insert") == 0 ?
				 (strcmp(v->v[1], "insert") == 0 ? 3 : 2) : 1);
		}
	} else if (strcmp(tool, "firewall-cmd") == 0) {
		static const struct { const char *opt, *back; } pairs[] = {
			{"--add-rich-rule=", "--remove-rich-rule="}, {"--remove-rich-rule=", "--add-rich-rule="},
			{"--add-service=", "--remove-service="}, {"--remove-service=", "--add-service="},
			{"--add-port=", "--remove-port="}, {"--remove-port=", "--add-port="},
		};

		for (size_t k = 0; k < v->n; k++) {
			const char *arg = v->v[k];
			bool done = false;

			for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]) && !done && k > 0; p++)
				if (str_starts_with(arg, pairs[p].opt)) {
					strv_pushf(&a->undo, "%s%s", pairs[p].back, arg + strlen(pairs[p].opt));
					done = true;
				}
			if (!done)
				strv_push(&a->undo, arg);
		}
		if (strv_equal(&a->undo, v)) {
			strv_release(&a->undo);
			strv_init(&a->undo);
		}
	} else if (strcmp(tool, "fail2ban-client") == 0 && v->n == 5 && strcmp(v->v[3], "unbanip") == 0) {
		strv_push(&a->undo, v->v[0]);
		strv_push(&a->undo, v->v[1]);
		strv_push(&a->undo, v->v[2]);
		strv_push(&a->undo, "banip");
		strv_push(&a->undo, v->v[4]);
	} else if (strcmp(tool, "semanage") == 0 && v->n >= 3 && strcmp(v->v[2], "-a") == 0) {
		strv_set(&a->undo, v, 0);
		free(a->undo.v[2]);
		a->undo.v[2] = xstrdup("-d");
	}
none:
	if (a->undo.n > 0 && a->undo_text == NULL) {
		char *t = fix_argv_text(&a->undo);

		a->undo_text = a->then.n > 0 ? xasprintf("%s, then %s", t, "the same reload") : xstrdup(t);
		free(t);
	} else if (a->undo_text == NULL) {
		a->undo_text = xstrdup("cannot be undone by a command");
	}
}

static const char *owner_of(const char *tool)
{
	static const char *const owners[] = {"systemctl", "ufw", "firewall-cmd", "nft", "iptables", "ip6tables",
					     "iptables-legacy", "ip6tables-legacy", "fail2ban-client", "semanage",
					     NULL};

	for (const char *const *o = owners; *o; o++)
		if (strcmp(tool, *o) == 0)
			return *o;
	return "the system";
}

static bool owner_is_firewall(const char *o)
{
	return strcmp(o, "ufw") == 0 || strcmp(o, "firewall-cmd") == 0 || strcmp(o, "nft") == 0 ||
	       strstr(o, "tables") != NULL;
}

/* A run action for argv (argv[0] a name or absolute path), titled. */
static struct fix_action *plan_run(struct fix_plan *p, const char *title, const char *const argv[])
{
	char path[256];
	struct fix_action *a;

	if (argv[0][0] != '/' && os_find(argv[0], path, sizeof(path)) != 0) {
		plan_refuse(p, "'%s' is not installed here: the fix cannot be made by a command", argv[0]);
		return NULL;
	}
	a = plan_add(p, FIX_RUN, owner_of(base(argv[0])));
	strv_push(&a->argv, argv[0][0] == '/' ? argv[0] : path);
	for (size_t i = 1; argv[i]; i++)
		strv_push(&a->argv, argv[i]);
	a->title = xstrdup(title);
	a->guarded = owner_is_firewall(a->owner);
	action_undo_from_argv(a);
	return a;
}

/* The actions of a fix command the verdict words for a firewall, a ban or
 * a service: "a && b" becomes one action per command, a firewall-cmd
 * --reload joins the --permanent change before it (it is what makes it
 * take effect, and its undo needs it again), a rules save joins the rule
 * it keeps (its undo is the saved files put back). */
static int plan_from_command(struct fix_plan *p, const char *title, const char *cmd, const char *persist_note)
{
	struct strv *argvs = NULL;
	struct strbuf err;
	size_t n = 0;
	struct fix_action *last = NULL;

	strbuf_init(&err);
	if (fix_split_command(cmd, &argvs, &n, &err) != 0) {
		plan_refuse(p, "the fix '%s' cannot be run as a plan: %s; type it yourself", cmd, err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	for (size_t i = 0; i < n; i++) {
		const char *tool = base(argvs[i].v[0]);

		if (last && strcmp(tool, "firewall-cmd") == 0 && argvs[i].n == 2 &&
		    strcmp(argvs[i].v[1], "--reload") == 0) {
			strv_set(&last->then, &argvs[i], 0);
			free(last->undo_text);
			last->undo_text = NULL;
			strv_release(&last->undo);
			strv_init(&last->undo);
			action_undo_from_argv(last);
			continue;
		}
		if (last && strcmp(tool, "netfilter-persistent") == 0) {
			strv_set(&last->then, &argvs[i], 0);
			strv_push(&last->files, "/etc/iptables/rules.v4");
			strv_push(&last->files, "/etc/iptables/rules.v6");
			last->persistent = true;
			free(last->persist_note);
			last->persist_note = NULL;
			continue;
		}
		last = plan_add(p, FIX_RUN, owner_of(tool));
		strv_set(&last->argv, &argvs[i], 0);
		last->title = xstrdup(title);
		last->guarded = owner_is_firewall(last->owner);
		if (strcmp(last->owner, "nft") == 0 || strstr(last->owner, "tables") != NULL) {
			last->persistent = false;
			last->persist_note = xstrdup(persist_note ? persist_note :
						     "not persistent: the rule set this system loads at boot is not changed");
		}
		action_undo_from_argv(last);
	}
	/* iptables rules last only if saved where this system restores them
	 * from at boot: netfilter-persistent's /etc/iptables/rules.v4 and .v6 */
	for (size_t i = 0; i < p->n; i++) {
		struct fix_action *a = &p->v[i];
		char path[256];

		if (strcmp(a->owner, "iptables") != 0 && strcmp(a->owner, "ip6tables") != 0)
			continue;
		if (!os_netns_of_init()) {
			/* the saved rules are the boot's, for another network */
			strv_release(&a->then);
			strv_init(&a->then);
			strv_release(&a->files);
			strv_init(&a->files);
			a->persistent = false;
			free(a->persist_note);
			a->persist_note = xstrdup("not persistent: this runs in a network namespace of its own, whose rules no boot restores");
			continue;
		}
		if (a->then.n > 0 || os_find("netfilter-persistent", path, sizeof(path)) != 0)
			continue;
		strv_push(&a->then, path);
		strv_push(&a->then, "save");
		strv_push(&a->files, "/etc/iptables/rules.v4");
		strv_push(&a->files, "/etc/iptables/rules.v6");
		a->persistent = true;
		free(a->persist_note);
		a->persist_note = NULL;
	}
	argvs_free(argvs, n);
	return 0;
}

/* ---- file edits ---------------------------------------------------------- */

/* An edit of path: old is what it holds now (NULL: it does not exist). */
static struct fix_action *plan_edit(struct fix_plan *p, const char *owner, const char *title, const char *path,
				    const struct strbuf *old, char *content, size_t len)
{
	struct fix_action *a = plan_add(p, FIX_EDIT, owner);

	a->title = xstrdup(title);
	a->path = xstrdup(path);
	a->content = content;
	a->content_len = len;
	a->diff = fix_diff(path, old ? old->buf : NULL, old ? old->len : 0, content, len);
	a->undo_text = old ? xasprintf("%s put back from its backup, byte for byte", path) :
		       xasprintf("%s removed (it did not exist)", path);
	return a;
}

/* The text of buf with the line-th line (1-based) replaced by repl (with
 * its newline), or with repl inserted before it when insert. NULL when
 * there is no such line. */
static char *edit_line(const struct strbuf *buf, unsigned line, const char *repl, bool insert, size_t *len)
{
	struct strbuf sb;
	size_t i = 0, no = 1;
	bool done = false;
	const char *s = buf->buf ? buf->buf : "";

	strbuf_init(&sb);
	while (i < buf->len || (insert && !done && no == line)) {
		const char *e = i < buf->len ? memchr(s + i, '\n', buf->len - i) : NULL;
		size_t l = i < buf->len ? (e ? (size_t)(e - (s + i)) + 1 : buf->len - i) : 0;

		if (no == line && !done) {
			strbuf_addstr(&sb, repl);
			done = true;
			if (insert) {
				strbuf_add(&sb, s + i, l);
			}
		} else {
			strbuf_add(&sb, s + i, l);
		}
		if (l == 0)
			break;
		i += l;
		no++;
	}
	if (!done) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, len);
}

/* The 1-based number of the first line whose first word is key (any
 * case), or 0. */
static unsigned find_keyword(const struct strbuf *buf, const char *key)
{
	const char *s = buf->buf ? buf->buf : "";
	size_t i = 0, klen = strlen(key);
	unsigned no = 1;

	while (i < buf->len) {
		const char *e = memchr(s + i, '\n', buf->len - i);
		size_t l = e ? (size_t)(e - (s + i)) : buf->len - i, k = i;

		while (k < i + l && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k + klen < i + l && strncasecmp(s + k, key, klen) == 0 &&
		    (s[k + klen] == ' ' || s[k + klen] == '\t' || s[k + klen] == '='))
			return no;
		i += l + 1;
		no++;
	}
	return 0;
}

static int read_file(const char *path, struct strbuf *out, bool *exists)
{
	int rc = os_read_file(path, 4u << 20, false, out);

	*exists = rc == 0;
	return rc == 0 || rc == -ENOENT ? 0 : rc;
}

/* ---- the server's plans --------------------------------------------------- */

static void fix_plan_server_actions(const struct server_facts *f, const struct report_verdict *v, struct fix_plan *p);

static const char *unit_of(const struct server_facts *f)
{
	return f->unit ? f->unit : "ssh.service";
}

static void plan_sshd_restart(struct fix_plan *p, const struct server_facts *f)
{
	const char *unit = unit_of(f);
	bool running = f->nrunning_here > 0 || f->unit_active;
	char *title = xasprintf("%s %s on the corrected configuration", running ? "restart" : "start", unit);
	const char *argv[] = {"systemctl", running ? "restart" : "start", unit, NULL};
	struct fix_action *a = plan_run(p, title, argv);

	free(title);
	if (a)
		a->needs_sshd_ok = true;
}

static void plan_service(struct fix_plan *p, const struct server_facts *f)
{
	const char *unit = unit_of(f);
	char *title;

	if (f->unit_masked) {
		const char *argv[] = {"systemctl", "unmask", unit, NULL};

		title = xasprintf("unmask %s: a masked unit cannot be started", unit);
		plan_run(p, title, argv);
		free(title);
	}
	if (!p->refused && f->unit_enabled != SRV_YES) {
		const char *argv[] = {"systemctl", "enable", unit, NULL};

		title = xasprintf("enable %s, so that it starts at boot", unit);
		plan_run(p, title, argv);
		free(title);
	}
	if (!p->refused) {
		const char *argv[] = {"systemctl", "start", unit, NULL};
		struct fix_action *a;

		title = xasprintf("start %s", unit);
		a = plan_run(p, title, argv);
		free(title);
		if (a)
			a->needs_sshd_ok = true;
	}
}

/* The service reads the default configuration: an edit of another file
 * (--sshd-config) and a restart would not meet. */
static bool config_is_the_services(const struct server_facts *f, struct fix_plan *p)
{
	if (f->sshd_config == NULL || strcmp(f->sshd_config, SSHD_CONFIG_DIR "/sshd_config") == 0)
		return true;
	plan_refuse(p, "--sshd-config names %s, and the service reads its own configuration: correct the file by hand, then start sshd on it",
		    f->sshd_config);
	return false;
}

static void plan_config_error(struct fix_plan *p, const struct server_facts *f)
{
	struct strbuf old;
	bool exists;
	char *repl, *content, *title;
	size_t len;
	const char *line_start;
	size_t i = 0;
	unsigned no = 1;

	if (!config_is_the_services(f, p))
		return;
	if (f->config_error_file == NULL || f->config_error_line == 0) {
		plan_refuse(p, "sshd -t names no file and line%s%s: read its message and correct the configuration by hand",
			    f->config_message ? ": " : "", f->config_message ? f->config_message : "");
		return;
	}
	strbuf_init(&old);
	if (read_file(f->config_error_file, &old, &exists) != 0 || !exists) {
		plan_refuse(p, "'%s' cannot be read: correct line %u by hand", f->config_error_file,
			    f->config_error_line);
		goto out;
	}
	line_start = old.buf;
	while (no < f->config_error_line && i < old.len) {
		if (old.buf[i++] == '\n') {
			no++;
			line_start = old.buf + i;
		}
	}
	if (no != f->config_error_line || i >= old.len) {
		plan_refuse(p, "'%s' has no line %u: correct it by hand", f->config_error_file, f->config_error_line);
		goto out;
	}
	{
		const char *e = memchr(line_start, '\n', old.len - (size_t)(line_start - old.buf));
		size_t l = e ? (size_t)(e - line_start) : old.len - (size_t)(line_start - old.buf);
		char *text = printable(line_start, l, true);

		repl = xasprintf("# ssh-doctor: sshd -t rejected the next line; it is kept as a comment\n#%.*s\n",
				 (int)l, line_start);
		title = xasprintf("turn %s line %u (%s) into a comment: sshd -t rejects it", f->config_error_file,
				  f->config_error_line, text);
		free(text);
	}
	content = edit_line(&old, f->config_error_line, repl, false, &len);
	free(repl);
	if (content == NULL) {
		free(title);
		plan_refuse(p, "'%s' line %u cannot be edited: correct it by hand", f->config_error_file,
			    f->config_error_line);
		goto out;
	}
	{
		struct fix_action *a = plan_edit(p, "sshd_config", title, f->config_error_file, &old, content, len);

		a->sshd_config = true;
		a->sshd_main = xstrdup(f->config_file ? f->config_file : SSHD_CONFIG_DIR "/sshd_config");
	}
	free(title);
	plan_sshd_restart(p, f);
out:
	strbuf_release(&old);
}

/* sshd listens on another port than the one clients ask for: one Port line
 * more, before the first, so that it listens on both (the other port may
 * be someone's choice too). */
static void plan_wrong_port(struct fix_plan *p, const struct server_facts *f)
{
	const char *path = f->config_file ? f->config_file : SSHD_CONFIG_DIR "/sshd_config";
	struct strbuf old;
	bool exists;
	unsigned at;
	char *repl, *content, *title;
	size_t len;

	if (!config_is_the_services(f, p))
		return;
	if (f->socket_active) {
		plan_refuse(p, "systemd's ssh.socket listens for sshd here: its ListenStream= decides the port, see socket_activation_port's fix");
		return;
	}
	strbuf_init(&old);
	if (read_file(path, &old, &exists) != 0 || !exists) {
		plan_refuse(p, "'%s' cannot be read: add \"Port %d\" to it by hand", path, f->port);
		goto out;
	}
	at = find_keyword(&old, "Port");
	if (at == 0) {
		/* before any Match block, where global keywords must stand */
		at = find_keyword(&old, "Match");
		if (at == 0)
			at = 1;
	}
	repl = xasprintf("Port %d\n", f->port);
	content = old.len == 0 ? xstrdup(repl) : edit_line(&old, at, repl, true, &len);
	if (old.len == 0)
		len = strlen(content);
	free(repl);
	if (content == NULL) {
		plan_refuse(p, "'%s' cannot be edited: add \"Port %d\" by hand", path, f->port);
		goto out;
	}
	title = xasprintf("add \"Port %d\" to %s, so that sshd listens on port %d as well", f->port, path, f->port);
	{
		struct fix_action *a = plan_edit(p, "sshd_config", title, path, &old, content, len);

		a->sshd_config = true;
		a->sshd_main = xstrdup(path);
	}
	free(title);
	plan_sshd_restart(p, f);
out:
	strbuf_release(&old);
}

/* hosts.allow gets the judged clients (only those) for sshd, first. */
static void plan_wrappers(struct fix_plan *p, const struct server_facts *f)
{
	const char *path = "/etc/hosts.allow";
	struct strbuf old, add;
	bool exists;
	char *content, *title;
	size_t len;

	if (!f->wrap_for_client || f->from_addrs.n == 0) {
		plan_refuse(p, "which client to let in is not known: give its address with --from (a fix for every client would undo hosts.deny)");
		return;
	}
	strbuf_init(&old);
	strbuf_init(&add);
	if (read_file(path, &old, &exists) != 0) {
		plan_refuse(p, "'%s' cannot be read: add \"sshd: %s\" to it by hand", path, f->from_addrs.v[0]);
		goto out;
	}
	strbuf_addstr(&add, "# ssh-doctor: let the client judged in to sshd\nsshd:");
	for (size_t i = 0; i < f->from_addrs.n; i++)
		strbuf_addf(&add, strchr(f->from_addrs.v[i], ':') ? " [%s]" : " %s", f->from_addrs.v[i]);
	strbuf_addch(&add, '\n');
	len = add.len + old.len;
	content = xmalloc(len + 1);
	memcpy(content, add.buf, add.len);
	if (old.len)
		memcpy(content + add.len, old.buf, old.len);
	content[len] = '\0';
	title = xasprintf("let %s%s in to sshd in %s, before any other rule", f->from_addrs.v[0],
			  f->from_addrs.n > 1 ? " and the other clients judged" : "", path);
	plan_edit(p, "hosts.allow", title, path, exists ? &old : NULL, content, len);
	free(title);
out:
	strbuf_release(&add);
	strbuf_release(&old);
}

/* The file nftables.service loads at boot (Debian). */
#define NFT_BOOT_CONF "/etc/nftables.conf"
static bool nft_boot_hooked;
static const char *nft_boot_hook;

void fix_set_nft_boot(const char *conf)
{
	nft_boot_hooked = conf != NULL;
	nft_boot_hook = conf && *conf ? conf : NULL;
}

/* The rule set nftables.service loads at boot when it is enabled, or NULL. */
static const char *nft_boot_conf(void)
{
	static const char *const wants[] = {
		"/etc/systemd/system/sysinit.target.wants/nftables.service",
		"/etc/systemd/system/multi-user.target.wants/nftables.service",
		NULL,
	};

	if (nft_boot_hooked)
		return nft_boot_hook;
	for (size_t i = 0; wants[i]; i++)
		if (os_file_readable(wants[i]))
			return NFT_BOOT_CONF;
	return NULL;
}

/* Whether text holds the word w, not as part of a longer name. */
static bool has_word_seq(const char *text, const char *w)
{
	size_t n = strlen(w);

	for (const char *s = strstr(text, w); s; s = strstr(s + 1, w)) {
		bool start = s == text || isspace((unsigned char)s[-1]);
		bool end = s[n] == '\0' || isspace((unsigned char)s[n]) || s[n] == '{';

		if (start && end)
			return true;
	}
	return false;
}

/* An nft rule the plan adds lasts only until the next boot; when the
 * table that blocks comes from the rule set nftables.service loads at
 * boot, the same rule is added to that file too (checked with nft -c -f
 * before it is put in place), so that the fix survives a reboot. */
static void plan_nft_boot(struct fix_plan *p, const char *client)
{
	struct fix_action *run = NULL;
	struct strbuf old, add, decl;
	char nft[256], *content, *title;
	const char *fam, *table, *conf = nft_boot_conf();
	size_t len, from;
	bool exists;

	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == FIX_RUN && strcmp(p->v[i].owner, "nft") == 0 &&
		    p->v[i].undo_kind == FIX_UNDO_NFT_HANDLE && p->v[i].argv.n >= 7)
			run = &p->v[i];
	if (run == NULL || conf == NULL || !os_netns_of_init() || os_find("nft", nft, sizeof(nft)) != 0)
		return;
	strbuf_init(&old);
	strbuf_init(&add);
	strbuf_init(&decl);
	/* argv: nft insert|add rule FAMILY TABLE CHAIN [position H] MATCH... */
	fam = run->argv.v[3];
	table = run->argv.v[4];
	strbuf_addf(&decl, "table %s %s", fam, table);
	if (read_file(conf, &old, &exists) != 0 || !exists || old.buf == NULL ||
	    memchr(old.buf, '\0', old.len) != NULL || !has_word_seq(old.buf, decl.buf))
		goto out;
	from = 6;
	if (from + 1 < run->argv.n && strcmp(run->argv.v[from], "position") == 0)
		from += 2;
	/* a handle is only this boot's: insert goes first in the chain, add
	 * after its rules, as the command above does */
	strbuf_addf(&add, "%s# ssh-doctor: let %s in to sshd, before the rule that blocked it\n%s rule %s %s %s",
		    old.len && old.buf[old.len - 1] != '\n' ? "\n" : "", client, run->argv.v[1], fam, table,
		    run->argv.v[5]);
	for (size_t i = from; i < run->argv.n; i++)
		strbuf_addf(&add, " %s", run->argv.v[i]);
	strbuf_addch(&add, '\n');
	len = old.len + add.len;
	content = xmalloc(len + 1);
	memcpy(content, old.buf, old.len);
	memcpy(content + old.len, add.buf, add.len);
	content[len] = '\0';
	title = xasprintf("keep it over a reboot: add the same rule to %s, which nftables.service loads at boot",
			  conf);
	{
		struct fix_action *a = plan_edit(p, "nft", title, conf, &old, content, len);

		a->persistent = true;
		strv_push(&a->edit_check, nft);
		strv_push(&a->edit_check, "-c");
		strv_push(&a->edit_check, "-f");
	}
	free(title);
	/* plan_edit may have moved the actions: find the rule's again */
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].kind == FIX_RUN && strcmp(p->v[i].owner, "nft") == 0) {
			free(p->v[i].persist_note);
			p->v[i].persist_note = xasprintf("kept over a reboot by the next action, which adds it to %s",
							 conf);
		}
out:
	strbuf_release(&decl);
	strbuf_release(&add);
	strbuf_release(&old);
}

static void plan_firewall(struct fix_plan *p, const struct server_facts *f, const struct report_verdict *v)
{
	const struct srv_fw_client *c = NULL;

	for (size_t i = 0; i < f->nfw_clients && c == NULL; i++)
		if (f->fw_clients[i].checked && !f->fw_clients[i].timing &&
		    (f->fw_clients[i].verdict == FW_VERDICT_DROPPED || f->fw_clients[i].verdict == FW_VERDICT_REJECTED))
			c = &f->fw_clients[i];
	if (c == NULL) {
		plan_refuse(p, "%s", f->nfw_clients == 0 ?
			    "which client to let in is not known: give its address with --from (a fix for every source would open the port to the world)" :
			    "no rule that blocks the client judged was named: look at the firewall's rules yourself");
		return;
	}
	if (c->fix == NULL) {
		plan_refuse(p, "no command lets %s in and keeps the rest of %s's rules: change %s yourself",
			    c->addr, c->name ? c->name : "the firewall", c->rule ? c->rule : "its rules");
		return;
	}
	(void)v;
	{
		char *title = xasprintf("let %s in past %s%s%s", c->addr, c->name ? c->name : "the firewall",
					c->rule ? ": " : "", c->rule ? c->rule : "");

		plan_from_command(p, title, c->fix, c->fix_note);
		free(title);
	}
	if (!p->refused)
		plan_nft_boot(p, c->addr);
}

static void plan_ban(struct fix_plan *p, const struct report_verdict *v, const struct server_facts *f)
{
	if (f->from_addrs.n == 0) {
		plan_refuse(p, "which client to unban is not known: give its address with --from");
		return;
	}
	if (v->fix_command == NULL) {
		plan_refuse(p, "no command lifts this ban for one address: read the verdict's fix for what to do");
		return;
	}
	if (strstr(v->fix_command, "restart sshguard") != NULL) {
		plan_refuse(p, "sshguard cannot lift the block of one address: restarting it (%s) forgets every block it holds, the attackers' too; do that yourself if it is acceptable",
			    v->fix_command);
		return;
	}
	plan_from_command(p, "lift the ban of the client judged", v->fix_command, NULL);
}

static const char *const fix_none[][2] = {
	{"sshd_not_installed", "installing openssh-server needs the package archive and a choice of version: install it with the package manager (apt-get install openssh-server, dnf install openssh-server)"},
	{"port_in_use", "another program holds the port: whether it or sshd should have it is a person's choice; stop it, or move sshd to another port"},
	{"listen_address", "which addresses sshd listens on is a choice made in ListenAddress: correct it by hand"},
	{"connection_limit", "MaxStartups is a defence: look at who holds the waiting connections (ss -tn state syn-recv, sshd's log) before raising it"},
	{"upstream_block", "the block is not on this machine: look at the cloud security group, the router or the network firewall in front of it"},
	{"ok", "nothing to fix: SSH answers"},
	{NULL, NULL},
};

/* What shows that action a worked, by the tool that owns it; the
 * diagnosis made again after the plan checks them all at once. */
static void plan_checks(struct fix_plan *p, const char *client, int port)
{
	for (size_t i = 0; i < p->n; i++) {
		struct fix_action *a = &p->v[i];
		const char *verb = a->argv.n > 1 ? a->argv.v[1] : "";
		const char *unit = a->argv.n > 2 ? a->argv.v[a->argv.n - 1] : "";

		free(a->check);
		if (a->kind == FIX_EDIT && a->sshd_config)
			a->check = xstrdup("sshd -t accepts the edited configuration (checked before it is put in place)");
		else if (a->kind == FIX_EDIT && a->edit_check.n > 0)
			a->check = xasprintf("%s -c -f accepts the new %s (checked before it is put in place)", a->owner, a->path);
		else if (a->kind == FIX_EDIT && strcmp(a->owner, "ssh_config") == 0)
			a->check = xasprintf("ssh -G for the host says port %d", p->check_port);
		else if (a->kind == FIX_EDIT)
			a->check = xasprintf("hosts.allow admits %s for sshd before hosts.deny is read: the diagnosis again finds no refusal",
					     client ? client : "the client");
		else if (strcmp(a->owner, "systemctl") == 0 && (strcmp(verb, "start") == 0 || strcmp(verb, "restart") == 0))
			a->check = xasprintf("systemctl is-active %s says active, and sshd answers on port %d", unit, port);
		else if (strcmp(a->owner, "systemctl") == 0 && strcmp(verb, "enable") == 0)
			a->check = xasprintf("systemctl is-enabled %s says enabled", unit);
		else if (strcmp(a->owner, "systemctl") == 0 && strcmp(verb, "unmask") == 0)
			a->check = xasprintf("systemctl is-enabled %s no longer says masked", unit);
		else if (strcmp(a->owner, "fail2ban-client") == 0)
			a->check = xasprintf("fail2ban-client status sshd no longer lists %s", client ? client : "the client");
		else if (owner_is_firewall(a->owner))
			a->check = xasprintf("the diagnosis again finds no %s rule that blocks %s on port %d", a->owner,
					     client ? client : "the client", port);
		else
			a->check = xstrdup("the diagnosis again");
	}
}

void fix_plan_server(const struct server_facts *f, const struct report_verdict *v, struct fix_plan *p)
{
	fix_plan_server_actions(f, v, p);
	plan_checks(p, f->from_addrs.n ? f->from_addrs.v[0] : NULL, f->port);
}

static void fix_plan_server_actions(const struct server_facts *f, const struct report_verdict *v, struct fix_plan *p)
{
	p->on = "server";
	p->cause = xstrdup(v->cause ? v->cause : "");
	p->check = xasprintf("the diagnosis again: sshd answers with its identification on port %d for the clients judged",
			     f->port);
	if (v->cause == NULL) {
		plan_refuse(p, "there is no verdict to fix");
		return;
	}
	if (strcmp(v->cause, "ok") != 0 && (v->confidence == NULL || strcmp(v->confidence, "certain") != 0)) {
		struct strbuf sb;

		strbuf_init(&sb);
		strbuf_addf(&sb, "the verdict is only %s, so nothing is changed: look at", v->confidence ? v->confidence : "a guess");
		for (size_t i = 0; i < v->unchecked.n && i < 3; i++)
			strbuf_addf(&sb, "%s %s", i ? ";" : "", v->unchecked.v[i]);
		if (v->unchecked.n == 0)
			strbuf_addstr(&sb, " the evidence of each step");
		for (size_t i = 0; i < v->alternatives.n; i++)
			strbuf_addf(&sb, "%s%s", i ? ", " : "; the other causes it may be: ", v->alternatives.v[i]);
		plan_refuse(p, "%s", sb.buf);
		strbuf_release(&sb);
		return;
	}
	for (size_t i = 0; fix_none[i][0]; i++)
		if (strcmp(v->cause, fix_none[i][0]) == 0) {
			plan_refuse(p, "%s", fix_none[i][1]);
			return;
		}
	if (strcmp(v->cause, "local_firewall") == 0) {
		plan_firewall(p, f, v);
		return;
	}
	if (strcmp(v->cause, "fail2ban_ban") == 0) {
		plan_ban(p, v, f);
		return;
	}
	if (strcmp(v->cause, "tcp_wrappers") == 0) {
		plan_wrappers(p, f);
		return;
	}
	if (f->manager_elsewhere) {
		plan_refuse(p, "this runs in a network namespace of its own, and the service manager (PID 1) in another: what it starts would serve that network, not this one; fix it where sshd runs");
		return;
	}
	if (!f->systemd || !f->unit_found) {
		plan_refuse(p, "sshd is not run by systemd here: %s", v->fix_command ? v->fix_command :
			    "start it the way this system's init does");
		return;
	}
	if (strcmp(v->cause, "sshd_not_running") == 0)
		plan_service(p, f);
	else if (strcmp(v->cause, "sshd_config_error") == 0)
		plan_config_error(p, f);
	else if (strcmp(v->cause, "wrong_port") == 0)
		plan_wrong_port(p, f);
	else if ((strcmp(v->cause, "socket_activation_port") == 0 || strcmp(v->cause, "selinux_port") == 0) &&
		 v->fix_command)
		plan_from_command(p, strcmp(v->cause, "selinux_port") == 0 ?
				  "let sshd bind its port under SELinux, and start it again" :
				  "make ssh.socket and sshd_config agree on the port", v->fix_command, NULL);
	else
		plan_refuse(p, "no plan is known for %s: follow the fix in words", v->cause);
}

/* ---- the client's plans ----------------------------------------------------- */

static void fix_plan_client_actions(const struct client_facts *f, const struct report_verdict *v, const char *host,
				    int port, const char *home, struct fix_plan *p);

void fix_plan_client(const struct client_facts *f, const struct report_verdict *v, const char *host,
		     int port, const char *home, struct fix_plan *p)
{
	fix_plan_client_actions(f, v, host, port, home, p);
	plan_checks(p, "this machine", port);
}

static void fix_plan_client_actions(const struct client_facts *f, const struct report_verdict *v, const char *host,
				    int port, const char *home, struct fix_plan *p)
{
	p->on = "client";
	p->cause = xstrdup(v->cause ? v->cause : "");
	p->check = xasprintf("the diagnosis again: an SSH server answers %s", host ? host : "the host");
	(void)port;
	if (v->cause == NULL || host == NULL) {
		plan_refuse(p, "there is no verdict to fix");
		return;
	}
	/* SSH found on another port of the same host is as sure as the
	 * client side gets; the edit touches only this host's entry of the
	 * person's own ssh_config, and is undone byte for byte */
	if (v->confidence == NULL || (strcmp(v->confidence, "certain") != 0 &&
				      !(strcmp(v->cause, "wrong_port") == 0 && strcmp(v->confidence, "likely") == 0))) {
		plan_refuse(p, "the verdict is only %s, so nothing is changed: look at the evidence of each step",
			    v->confidence ? v->confidence : "a guess");
		return;
	}
	if (strcmp(v->cause, "wrong_port") == 0 && f->alt_ssh_port > 0) {
		struct strbuf old;
		char *path, *content, *title;
		bool exists;
		size_t len;

		for (const char *c = host; *c; c++)
			if (!isalnum((unsigned char)*c) && strchr(".-_:", *c) == NULL) {
				plan_refuse(p, "the host name '%s' cannot stand in a Host line as it is: add the Port by hand", host);
				return;
			}
		if (home == NULL || *home == '\0') {
			plan_refuse(p, "no home folder to hold .ssh/config: use ssh -p %d %s", f->alt_ssh_port, host);
			return;
		}
		path = xasprintf("%s/.ssh/config", home);
		strbuf_init(&old);
		if (read_file(path, &old, &exists) != 0) {
			plan_refuse(p, "'%s' cannot be read: add \"Host %s\" and \"Port %d\" to it by hand", path, host,
				    f->alt_ssh_port);
		} else {
			/* first: ssh takes the first value it finds for a host */
			struct strbuf sb;

			strbuf_init(&sb);
			strbuf_addf(&sb, "Host %s\n\tPort %d\n\n", host, f->alt_ssh_port);
			strbuf_add(&sb, old.buf ? old.buf : "", old.len);
			content = strbuf_detach(&sb, &len);
			title = xasprintf("tell ssh to use port %d for %s in %s", f->alt_ssh_port, host, path);
			plan_edit(p, "ssh_config", title, path, exists ? &old : NULL, content, len);
			free(title);
			p->check_port = f->alt_ssh_port;
			free(p->check);
			p->check = xasprintf("the diagnosis again on port %d, the one ssh now uses for %s", f->alt_ssh_port, host);
		}
		strbuf_release(&old);
		free(path);
		return;
	}
	if (strcmp(v->cause, "local_firewall") == 0) {
		const char *fix = NULL, *rule = NULL;

		for (size_t i = 0; i < f->naddrs && fix == NULL; i++)
			if (f->addrs[i].own_rule_fix) {
				fix = f->addrs[i].own_rule_fix;
				rule = f->addrs[i].own_rule;
			}
		if (fix == NULL) {
			plan_refuse(p, "the rule of this machine that stops the SYNs was not named: look at iptables -S OUTPUT and nft list ruleset");
			return;
		}
		{
			char *title = xasprintf("let this machine's SYNs to %s port %d out past its own rule %s", host, port,
						rule ? rule : "");

			plan_from_command(p, title, fix, NULL);
			free(title);
		}
		return;
	}
	plan_refuse(p, "%s is not fixed on this machine: %s", v->cause,
		    v->fix_on && strcmp(v->fix_on, "client") != 0 ?
		    "the fix is on the server or the network; run ssh-doctor --fix there, at its console" :
		    "follow the fix in words");
}

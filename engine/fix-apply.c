/* SPDX-License-Identifier: MIT */
/* Applying a fix plan, safely: a backup before every file edit that is
 * never overwritten, sshd -t before any edit of sshd's configuration stays
 * and before sshd is started on it, a timed confirmation after a change
 * that could cut the person off, every change logged (syslog, authpriv),
 * and an exact undo of each action. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "engine/fix.h"
#include "engine/os/exec.h"
#include "engine/os/os.h"
#include "engine/parse/parse-sshd-config.h"

#define FIX_RUN_TIMEOUT_MS 90000
#define FIX_MAX_OUTPUT (64 * 1024)

void fix_log_init(struct fix_log *l)
{
	memset(l, 0, sizeof(*l));
}

void fix_log_release(struct fix_log *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct fix_record *r = &l->v[i];

		free(r->action);
		free(r->command);
		free(r->output);
		free(r->backup);
		free(r->undo);
		free(r->note);
		strv_release(&r->backups);
	}
	free(l->v);
	free(l->state);
	fix_log_init(l);
}

static void say(const struct fix_ui *ui, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct fix_ui *ui, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (ui && ui->say)
		ui->say(ui->ctx, sb.buf);
	strbuf_release(&sb);
}

static bool syslog_on = true;

void fix_set_syslog(bool on)
{
	syslog_on = on;
}

static void logf_change(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_change(const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	if (!syslog_on)
		return;
	strbuf_init(&sb);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	openlog("ssh-doctor", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_NOTICE, "%s", sb.buf);
	closelog();
	strbuf_release(&sb);
}

/* ---- signals: held while an action runs ---------------------------------------- */

static volatile sig_atomic_t got_signal;
static volatile int stop_flag;

static void on_signal(int sig)
{
	got_signal = sig;
	stop_flag = 1;
}

struct held {
	struct sigaction old[3];
	sigset_t mask;
};

static const int held_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void signals_catch(struct held *h)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(held_signals[i], &sa, &h->old[i]);
	sigemptyset(&h->mask);
	for (int i = 0; i < 3; i++)
		sigaddset(&h->mask, held_signals[i]);
}

static void signals_restore(struct held *h)
{
	for (int i = 0; i < 3; i++)
		sigaction(held_signals[i], &h->old[i], NULL);
}

static struct held outer;
static int outer_depth;

void fix_signals_catch(void)
{
	if (outer_depth++ == 0) {
		got_signal = 0;
		stop_flag = 0;
		signals_catch(&outer);
	}
}

int fix_signals_caught(void)
{
	return (int)got_signal;
}

void fix_signals_restore(void)
{
	if (outer_depth > 0 && --outer_depth == 0)
		signals_restore(&outer);
}

static void signals_hold(struct held *h, bool on)
{
	pthread_sigmask(on ? SIG_BLOCK : SIG_UNBLOCK, &h->mask, NULL);
}

/* ---- files ------------------------------------------------------------------------ */

char *fix_backup_name(const char *path, long long t, unsigned n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char stamp[32];

	gmtime_r(&tt, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	return n == 0 ? xasprintf("%s.ssh-doctor-%s", path, stamp) : xasprintf("%s.ssh-doctor-%s-%u", path, stamp, n);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

static int read_whole(const char *path, struct strbuf *out, struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[8192];
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		strbuf_add(out, buf, (size_t)r);
	}
	close(fd);
	return rc;
}

/* A copy of path that is never overwritten (O_EXCL, a new name each
 * time), with path's mode and owner. *name gets its name. */
static int backup_make(const char *path, const struct strbuf *content, const struct stat *st, char **name)
{
	long long t = (long long)time(NULL);

	*name = NULL;
	for (unsigned n = 0; n < 100; n++) {
		char *b = fix_backup_name(path, t, n);
		int fd = open(b, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		int rc;

		if (fd < 0 && errno == EEXIST) {
			free(b);
			continue;
		}
		if (fd < 0) {
			rc = -errno;
			free(b);
			return rc;
		}
		rc = write_all(fd, content->buf ? content->buf : "", content->len);
		if (rc == 0 && fchown(fd, st->st_uid, st->st_gid) != 0)
			rc = -errno;
		if (rc == 0 && fchmod(fd, st->st_mode & 07777) != 0)
			rc = -errno;
		if (rc == 0 && fsync(fd) != 0)
			rc = -errno;
		close(fd);
		if (rc != 0) {
			unlink(b);
			free(b);
			return rc;
		}
		*name = b;
		return 0;
	}
	return -EEXIST;
}

/* content written to a new file next to path, with mode and owner;
 * *tmp gets its name. */
static int temp_write(const char *path, const char *content, size_t len, mode_t mode, uid_t uid, gid_t gid,
		      char **tmp)
{
	char *t = xasprintf("%s.ssh-doctor-new-XXXXXX", path);
	int fd = mkstemp(t), rc = 0;

	*tmp = NULL;
	if (fd < 0) {
		rc = -errno;
		free(t);
		return rc;
	}
	rc = write_all(fd, content ? content : "", len);
	if (rc == 0 && fchown(fd, uid, gid) != 0)
		rc = -errno;
	if (rc == 0 && fchmod(fd, mode & 07777) != 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	close(fd);
	if (rc != 0) {
		unlink(t);
		free(t);
		return rc;
	}
	*tmp = t;
	return 0;
}

/* Puts content in place of path at once (a rename): readers see the old
 * file or the new one, never half. */
static int file_replace(const char *path, const char *content, size_t len, const struct stat *st)
{
	char *tmp;
	int rc = temp_write(path, content, len, st->st_mode, st->st_uid, st->st_gid, &tmp);

	if (rc != 0)
		return rc;
	if (rename(tmp, path) != 0) {
		rc = -errno;
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

/* path back to the backup's bytes (or removed when it did not exist). */
static int file_restore(const char *path, const char *backup)
{
	struct strbuf b;
	struct stat st;
	int rc;

	if (backup == NULL || *backup == '\0')
		return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
	strbuf_init(&b);
	rc = read_whole(backup, &b, &st);
	if (rc == 0)
		rc = file_replace(path, b.buf, b.len, &st);
	strbuf_release(&b);
	return rc;
}

/* ---- programs ----------------------------------------------------------------------- */

/* Appends what a program printed, each line made printable, the lines
 * kept apart by '\n' (no trailing one). */
static void add_printable_lines(struct strbuf *out, const struct strbuf *raw)
{
	size_t i = 0;

	while (raw->buf && i < raw->len) {
		const char *s = raw->buf + i, *e = memchr(s, '\n', raw->len - i);
		size_t n = e ? (size_t)(e - s) : raw->len - i;

		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (out->len > 0 && out->buf[out->len - 1] != '\n')
			strbuf_addch(out, '\n');
		strbuf_add_printable(out, s, n, true);
		i += (e ? (size_t)(e - s) + 1 : raw->len - i);
	}
}

/* Runs argv; its output goes to out made printable, or as it came when
 * raw (to be read, never shown). */
static int run_argv_raw(const struct strv *argv, struct strbuf *out, int *status, bool raw)
{
	const char **a = xcalloc(argv->n + 1, sizeof(*a));
	struct exec_result r;
	int rc;

	for (size_t i = 0; i < argv->n; i++)
		a[i] = argv->v[i];
	exec_result_init(&r);
	rc = exec_run(a, FIX_RUN_TIMEOUT_MS, FIX_MAX_OUTPUT, &r);
	free(a);
	*status = rc == 0 ? r.status : -1;
	if (out && raw) {
		strbuf_add(out, r.out.buf ? r.out.buf : "", r.out.len);
		strbuf_add(out, r.err.buf ? r.err.buf : "", r.err.len);
	} else if (out) {
		add_printable_lines(out, &r.out);
		add_printable_lines(out, &r.err);
		if (rc != 0)
			strbuf_addf(out, "cannot run %s: %s", argv->v[0], strerror(r.exec_errno ? r.exec_errno : -rc));
		if (r.timed_out)
			strbuf_addstr(out, " (stopped at the deadline)");
	}
	exec_result_release(&r);
	return rc == 0 && *status == 0 ? 0 : -1;
}

static int run_argv(const struct strv *argv, struct strbuf *out, int *status)
{
	return run_argv_raw(argv, out, status, false);
}

/* sshd -t [-f config]: 0 when it accepts, with its words in out. */
static int sshd_test(const char *config, struct strbuf *out)
{
	char path[256];
	struct strv argv;
	struct strbuf raw;
	int status, rc;

	strbuf_init(&raw);
	if (os_find("sshd", path, sizeof(path)) != 0) {
		strbuf_addstr(out, "sshd is not installed: the configuration cannot be checked");
		return -1;
	}
	strv_init(&argv);
	strv_push(&argv, path);
	strv_push(&argv, "-t");
	if (config) {
		strv_push(&argv, "-f");
		strv_push(&argv, config);
	}
	rc = run_argv_raw(&argv, &raw, &status, true);
	if (rc != 0 && raw.len > 0) {
		struct sshd_check c;
		const struct sshd_check_msg *m;

		/* sshd checks its privilege separation directory after the
		 * whole configuration: under systemd, the service makes that
		 * directory when it starts, so its absence alone is no error */
		sshd_check_init(&c);
		sshd_check_parse(&c, raw.buf, raw.len);
		m = sshd_check_first_fatal(&c);
		if (m != NULL && m->kind == SSHD_CHECK_PRIVSEP_DIR && m->path && str_starts_with(m->path, "/run/"))
			rc = 0;
		sshd_check_release(&c);
	}
	add_printable_lines(out, &raw);
	strbuf_release(&raw);
	strv_release(&argv);
	return rc;
}

/* sb's lines as one line ("a; b"), for a record's note: its output keeps
 * the lines apart. */
static const char *one_line(struct strbuf *sb)
{
	struct strbuf t;

	strbuf_init(&t);
	for (size_t i = 0; i < sb->len; i++) {
		if (sb->buf[i] != '\n')
			strbuf_addch(&t, sb->buf[i]);
		else if (i + 1 < sb->len)
			strbuf_addstr(&t, "; ");
	}
	strbuf_release(sb);
	*sb = t;
	return sb->buf ? sb->buf : "";
}

/* The 1-based position among CHAIN's rules of the rule an iptables -D
 * argv names, read with -S; 0 when it is not there. */
static int ipt_position(const struct strv *argv)
{
	struct strv list;
	struct strbuf out, want;
	size_t d = 0;
	int status, pos = 0, n = 0;
	char *copy, *pos_s, *line;

	for (size_t i = 1; i < argv->n; i++)
		if (strcmp(argv->v[i], "-D") == 0)
			d = i;
	if (d == 0 || d + 1 >= argv->n)
		return 0;
	strv_init(&list);
	for (size_t i = 0; i < d; i++)
		strv_push(&list, argv->v[i]);
	strv_push(&list, "-S");
	strv_push(&list, argv->v[d + 1]);
	strbuf_init(&out);
	strbuf_init(&want);
	strbuf_addf(&want, "-A %s", argv->v[d + 1]);
	for (size_t i = d + 2; i < argv->n; i++)
		strbuf_addf(&want, " %s", argv->v[i]);
	if (run_argv_raw(&list, &out, &status, true) == 0 && out.buf) {
		pos_s = copy = xstrdup(out.buf);
		while (pos == 0 && (line = str_next_line(&pos_s)) != NULL) {
			char prefix[300];

			snprintf(prefix, sizeof(prefix), "-A %s ", argv->v[d + 1]);
			if (!str_starts_with(line, prefix))
				continue;
			n++;
			if (strcmp(str_trim(line), want.buf) == 0)
				pos = n;
		}
		free(copy);
	}
	strbuf_release(&out);
	strbuf_release(&want);
	strv_release(&list);
	return pos;
}

/* ---- one action ----------------------------------------------------------------------- */

static struct fix_record *record_add(struct fix_log *l, const struct fix_action *a)
{
	struct fix_record *r;

	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	strv_init(&r->backups);
	r->action = xstrdup(a->title ? a->title : "");
	r->command = a->kind == FIX_EDIT ? xasprintf("edit %s", a->path) : fix_argv_text(&a->argv);
	r->undo = xstrdup(a->undo_text ? a->undo_text : "");
	return r;
}

static void record_output(struct fix_record *r, const struct strbuf *out)
{
	char *old = r->output;

	if (out->len == 0)
		return;
	r->output = old ? xasprintf("%s\n%s", old, out->buf) : xstrdup(out->buf);
	free(old);
}

static int apply_edit(const struct fix_action *a, struct fix_record *r)
{
	struct strbuf old, out;
	struct stat st;
	char *tmp = NULL;
	int rc;

	strbuf_init(&old);
	strbuf_init(&out);
	rc = read_whole(a->path, &old, &st);
	r->existed = rc == 0;
	if (rc == -ENOENT) {
		memset(&st, 0, sizeof(st));
		st.st_mode = 0644;
		st.st_uid = getuid();
		st.st_gid = getgid();
		rc = 0;
	} else if (rc != 0) {
		r->result = "failed";
		r->note = xasprintf("cannot read '%s': %s", a->path, strerror(-rc));
		goto out;
	}
	if (r->existed && (rc = backup_make(a->path, &old, &st, &r->backup)) != 0) {
		r->result = "failed";
		r->note = xasprintf("cannot back up '%s': %s; nothing was changed", a->path, strerror(-rc));
		goto out;
	}
	if ((rc = temp_write(a->path, a->content, a->content_len, st.st_mode, st.st_uid, st.st_gid, &tmp)) != 0) {
		r->result = "failed";
		r->note = xasprintf("cannot write next to '%s': %s; nothing was changed", a->path, strerror(-rc));
		goto out;
	}
	if (a->edit_check.n > 0) {
		/* the tool that loads the file checks it first (nft -c -f) */
		struct strv argv;
		int status;

		strv_init(&argv);
		for (size_t i = 0; i < a->edit_check.n; i++)
			strv_push(&argv, a->edit_check.v[i]);
		strv_push(&argv, tmp);
		if (run_argv(&argv, &out, &status) != 0) {
			unlink(tmp);
			r->result = "refused";
			r->note = xasprintf("%s rejects the edited '%s', so it was not put in place", argv.v[0], a->path);
			strv_release(&argv);
			rc = -1;
			goto out;
		}
		strv_release(&argv);
	}
	if (a->sshd_config && a->sshd_main && strcmp(a->sshd_main, a->path) == 0) {
		/* the whole configuration is in the new file: check it first */
		if (sshd_test(tmp, &out) != 0) {
			unlink(tmp);
			r->result = "refused";
			r->note = xasprintf("sshd -t rejects the edited configuration, so it was not put in place: %s",
					    one_line(&out));
			rc = -1;
			goto out;
		}
	}
	if (rename(tmp, a->path) != 0) {
		rc = -errno;
		unlink(tmp);
		r->result = "failed";
		r->note = xasprintf("cannot put the new '%s' in place: %s", a->path, strerror(-rc));
		goto out;
	}
	if (a->sshd_config && a->sshd_main && strcmp(a->sshd_main, a->path) != 0 && sshd_test(a->sshd_main, &out) != 0) {
		/* an included file: checked in place, put back at once */
		file_restore(a->path, r->existed ? r->backup : NULL);
		r->result = "refused";
		r->note = xasprintf("sshd -t rejects the configuration with this edit; the file was put back: %s",
				    one_line(&out));
		rc = -1;
		goto out;
	}
	r->applied = true;
	r->result = "applied";
	rc = 0;
out:
	record_output(r, &out);
	free(tmp);
	strbuf_release(&old);
	strbuf_release(&out);
	return rc;
}

static int apply_run(const struct fix_action *a, struct fix_record *r)
{
	struct strbuf out;
	struct strv argv;
	int status, rc = 0;

	strbuf_init(&out);
	strv_init(&argv);
	if (a->needs_sshd_ok && sshd_test(NULL, &out) != 0) {
		r->result = "refused";
		r->note = xasprintf("sshd -t rejects the configuration: sshd is not started on it");
		rc = -1;
		goto out;
	}
	strbuf_reset(&out);
	for (size_t i = 0; i < a->files.n; i++) {
		struct strbuf old;
		struct stat st;
		char *b = NULL;

		strbuf_init(&old);
		if (read_whole(a->files.v[i], &old, &st) == 0 && backup_make(a->files.v[i], &old, &st, &b) != 0) {
			strbuf_release(&old);
			r->result = "failed";
			r->note = xasprintf("cannot back up '%s': nothing was changed", a->files.v[i]);
			rc = -1;
			goto out;
		}
		strv_push(&r->backups, b ? b : "");
		if (b && r->backup == NULL)
			r->backup = xstrdup(b);
		free(b);
		strbuf_release(&old);
	}
	if (a->undo_kind == FIX_UNDO_IPT_POSITION)
		r->ipt_position = ipt_position(&a->argv);
	strv_push(&argv, a->argv.v[0]);
	if (a->undo_kind == FIX_UNDO_NFT_HANDLE) {
		strv_push(&argv, "--echo");
		strv_push(&argv, "--handle");
	}
	for (size_t i = 1; i < a->argv.n; i++)
		strv_push(&argv, a->argv.v[i]);
	if (run_argv(&argv, &out, &status) != 0) {
		r->result = "failed";
		r->note = status > 0 ? xasprintf("it exited with status %d", status) : xstrdup("it could not run");
		rc = -1;
		goto out;
	}
	r->applied = true;
	if (a->undo_kind == FIX_UNDO_NFT_HANDLE) {
		const char *h = out.buf ? strstr(out.buf, "# handle ") : NULL;

		r->nft_handle = h ? strtol(h + 9, NULL, 10) : 0;
		if (r->nft_handle > 0) {
			free(r->undo);
			r->undo = xasprintf("nft delete rule %s %s handle %ld", a->nft_table, a->nft_chain, r->nft_handle);
		} else {
			r->note = xstrdup("nft gave no handle for the new rule: it cannot be undone by handle");
		}
	}
	if (a->then.n > 0 && run_argv(&a->then, &out, &status) != 0) {
		r->result = "failed";
		r->note = xstrdup("the change was made, but what makes it last failed");
		rc = -1;
		goto out;
	}
	r->result = "applied";
out:
	record_output(r, &out);
	strv_release(&argv);
	strbuf_release(&out);
	return rc;
}

static int undo_one(const struct fix_action *a, struct fix_record *r)
{
	struct strbuf out;
	struct strv argv;
	int status, rc = 0;

	if (!r->applied)
		return 0;
	strbuf_init(&out);
	strv_init(&argv);
	if (a->kind == FIX_EDIT) {
		rc = file_restore(a->path, r->existed ? r->backup : NULL);
		if (rc != 0)
			strbuf_addf(&out, "cannot put '%s' back: %s", a->path, strerror(-rc));
		goto out;
	}
	if (a->undo_kind == FIX_UNDO_NFT_HANDLE && r->nft_handle > 0) {
		char h[32];
		char *t = xstrdup(a->nft_table), *sp = strchr(t, ' ');

		snprintf(h, sizeof(h), "%ld", r->nft_handle);
		strv_push(&argv, a->argv.v[0]);
		strv_push(&argv, "delete");
		strv_push(&argv, "rule");
		if (sp) {
			*sp = '\0';
			strv_push(&argv, t);
			strv_push(&argv, sp + 1);
		} else {
			strv_push(&argv, t);
		}
		strv_push(&argv, a->nft_chain);
		strv_push(&argv, "handle");
		strv_push(&argv, h);
		free(t);
	} else if (a->undo_kind == FIX_UNDO_IPT_POSITION) {
		for (size_t i = 0; i < a->undo.n; i++) {
			if (strcmp(a->undo.v[i], "POSITION") == 0)
				strv_pushf(&argv, "%d", r->ipt_position > 0 ? r->ipt_position : 1);
			else
				strv_push(&argv, a->undo.v[i]);
		}
	} else {
		for (size_t i = 0; i < a->undo.n; i++)
			strv_push(&argv, a->undo.v[i]);
	}
	if (argv.n == 0) {
		strbuf_addstr(&out, "this action has no undo");
		rc = -1;
		goto out;
	}
	if (run_argv(&argv, &out, &status) != 0)
		rc = -1;
	if (a->files.n > 0) {
		for (size_t i = 0; i < a->files.n && i < r->backups.n; i++)
			if (file_restore(a->files.v[i], r->backups.v[i]) != 0)
				rc = -1;
	} else if (a->then.n > 0 && run_argv(&a->then, &out, &status) != 0) {
		rc = -1;
	}
out:
	record_output(r, &out);
	if (rc == 0) {
		r->applied = false;
		r->result = strcmp(r->result ? r->result : "", "applied") == 0 ? "undone" : r->result;
	} else {
		r->result = "undo failed";
	}
	logf_change("undo %s: %s: %s", r->result, r->action, r->undo);
	strv_release(&argv);
	strbuf_release(&out);
	return rc;
}

int fix_undo(const struct fix_plan *p, const struct fix_ui *ui, struct fix_log *l)
{
	int rc = 0;

	for (size_t i = l->n; i-- > 0;) {
		struct fix_record *r = &l->v[i];

		if (!r->applied || i >= p->n)
			continue;
		say(ui, "undo: %s", r->undo);
		if (undo_one(&p->v[i], r) != 0) {
			say(ui, "  [FAIL] the undo failed: %s", r->output ? r->output : "");
			rc = -1;
		} else {
			say(ui, "  [ OK ] undone");
		}
	}
	l->undone = rc == 0;
	free(l->state);
	l->state = rc == 0 ? xstrdup("old: every change was undone, the system is as it was before the plan") :
		   xstrdup("mixed: some undo failed; each record says what is left");
	return rc;
}

static bool signalled(void)
{
	return got_signal != 0;
}

int fix_apply(const struct fix_plan *p, const struct fix_ui *ui, struct fix_log *l)
{
	struct held h;
	int rc = 0;
	int timeout = ui && ui->confirm_timeout > 0 ? ui->confirm_timeout : 60;

	if (p->refused || p->n == 0) {
		l->state = xstrdup("old: nothing was changed");
		return 1;
	}
	/* a signal that came before the plan (while a face caught them
	 * for it) stops it before its first action */
	if (outer_depth == 0) {
		got_signal = 0;
		stop_flag = 0;
	}
	signals_catch(&h);
	for (size_t i = 0; i < p->n; i++) {
		const struct fix_action *a = &p->v[i];
		struct fix_record *r;

		if (signalled())
			break;
		if (ui && ui->ask && !ui->ask(ui->ctx, a, i, p->n)) {
			r = record_add(l, a);
			r->result = "declined";
			rc = 1;
			break;
		}
		r = record_add(l, a);
		say(ui, "[%zu/%zu] %s", i + 1, p->n, a->title);
		say(ui, "  %s (on the %s, owned by %s)", r->command, a->on, a->owner);
		signals_hold(&h, true);
		if ((a->kind == FIX_EDIT ? apply_edit(a, r) : apply_run(a, r)) != 0) {
			logf_change("fix %s: %s: %s%s%s", r->result, r->action, r->command, r->note ? ": " : "",
				    r->note ? r->note : "");
			say(ui, "  [FAIL] %s%s%s", r->result, r->note ? ": " : "", r->note ? r->note : "");
			if (r->output)
				say(ui, "  %s", r->output);
			/* a half-made change is taken back first */
			if (r->applied)
				undo_one(a, r);
			fix_undo(p, ui, l);
			signals_hold(&h, false);
			rc = -1;
			goto out;
		}
		logf_change("fix applied: %s: %s%s%s", r->action, r->command, r->backup ? "; backup " : "",
			    r->backup ? r->backup : "");
		if (r->output)
			say(ui, "  %s", r->output);
		say(ui, "  [ OK ] done%s%s", r->backup ? "; backup: " : "", r->backup ? r->backup : "");
		signals_hold(&h, false);
		if (a->guarded && ui && ui->confirm && !signalled() &&
		    !ui->confirm(ui->ctx, a, timeout, &stop_flag)) {
			signals_hold(&h, true);
			r->note = xasprintf("no confirmation within %d s", timeout);
			say(ui, "  no confirmation: rolling back");
			fix_undo(p, ui, l);
			if (r->result && strcmp(r->result, "undone") == 0)
				r->result = "rolled back";
			signals_hold(&h, false);
			rc = -1;
			goto out;
		}
	}
	if (signalled()) {
		signals_hold(&h, true);
		l->interrupted = true;
		l->signal = got_signal;
		say(ui, "interrupted by signal %d: undoing what was applied", (int)got_signal);
		fix_undo(p, ui, l);
		free(l->state);
		l->state = l->undone ? xasprintf("old: interrupted by %s; every change was undone", strsignal(l->signal)) :
			   xasprintf("mixed: interrupted by %s; some undo failed, each record says what is left",
				     strsignal(l->signal));
		signals_hold(&h, false);
		rc = -1;
		goto out;
	}
	free(l->state);
	l->state = rc == 0 ? xstrdup("new: every action of the plan was applied") :
		   xstrdup("partial: the actions before the declined one were applied");
out:
	signals_restore(&h);
	return rc;
}

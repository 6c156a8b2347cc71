/* SPDX-License-Identifier: MIT */
/* Saving the report: temporary file beside the target, fsync, then a name
 * that never silently replaces what is there. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tui/report.h"
#include "tui/save.h"

enum save_format save_format_for_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n >= 5 && str_ieq(path + n - 5, ".json"))
		return SAVE_JSON;
	return SAVE_TEXT;
}

char *save_default_path(const struct report *rep, enum save_format fmt)
{
	struct strbuf sb;
	const char *host = rep && rep->host && *rep->host ? rep->host : "server";
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "ssh-doctor-");
	for (const char *p = host; *p && sb.len < 11 + 64; p++) {
		unsigned char c = (unsigned char)*p;

		/* a leading '.' would hide the file; '/' would leave the folder */
		if (isalnum(c) || c == '-' || c == '_' || (c == '.' && p != host))
			strbuf_addch(&sb, (char)c);
		else
			strbuf_addch(&sb, '_');
	}
	if (localtime_r(&t, &tm) == NULL || strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		strcpy(stamp, "report");
	strbuf_addf(&sb, "-%s%s", stamp, fmt == SAVE_JSON ? ".json" : ".txt");
	return strbuf_detach(&sb, NULL);
}

/* Sets err to "cannot save to 'PATH': WHY" with the path made printable. */
static void save_error(struct strbuf *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void save_error(struct strbuf *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	strbuf_reset(err);
	strbuf_addstr(err, "cannot save to '");
	strbuf_add_printable(err, path, strlen(path), true);
	strbuf_addstr(err, "': ");
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

/* The folder part of path ("." when there is none); the caller frees it. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Writes the report into fd (which it closes). Returns 0 or -1 with errno. */
static int write_report(int fd, const struct report *rep, const struct report_fix *fx,
			enum save_format fmt, int width)
{
	FILE *f = fdopen(fd, "w");
	int rc = 0, saved;

	if (f == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (fmt == SAVE_JSON) {
		if (report_write_json_fix(f, rep, fx) != 0) {
			rc = -1;
			errno = EIO;
		}
	} else {
		report_write_text(f, rep, width > 0 ? width : 80);
		if (fx != NULL && fx->plan != NULL)
			report_write_text_fix(f, fx, width > 0 ? width : 80);
	}
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		if (rc == 0)
			rc = -1;
	}
	saved = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	errno = saved;
	return rc;
}

/* Gives tmp the name path without replacing anything there. Returns 0,
 * SAVE_ERR_EXISTS, or -1 with errno set. */
static int name_exclusive(const char *tmp, const char *path)
{
	int fd;

	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno == EEXIST)
		return SAVE_ERR_EXISTS;
	if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EMLINK)
		return -1;
	/* a file system without hard links: claim the name, then replace the claim */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? SAVE_ERR_EXISTS : -1;
	close(fd);
	if (rename(tmp, path) != 0) {
		int saved = errno;

		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

int save_report(const struct report *rep, const char *path, enum save_format fmt,
		int width, bool overwrite, struct strbuf *err)
{
	return save_report_fix(rep, NULL, path, fmt, width, overwrite, err);
}

int save_report_fix(const struct report *rep, const struct report_fix *fx, const char *path,
		    enum save_format fmt, int width, bool overwrite, struct strbuf *err)
{
	struct stat st;
	char *dir = NULL, *tmp = NULL;
	int fd, rc = SAVE_ERR;

	if (path == NULL || *path == '\0') {
		strbuf_reset(err);
		strbuf_addstr(err, "cannot save the report: no file name given (type one, e.g. report.txt)");
		return SAVE_ERR;
	}
	if (path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		save_error(err, path, "it is a folder (give a file name inside it)");
		return SAVE_ERR;
	}
	if (!overwrite && lstat(path, &st) == 0) {
		save_error(err, path, "the file exists (choose another name, or confirm to replace it)");
		return SAVE_ERR_EXISTS;
	}
	dir = dir_of(path);
	tmp = xasprintf("%s/.ssh-doctor-save-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		char *pdir = printable(dir, strlen(dir), true);

		save_error(err, path, "cannot create a file in '%s': %s (choose a folder you can write to)",
			   pdir, strerror(errno));
		free(pdir);
		goto out;
	}
	if (write_report(fd, rep, fx, fmt, width) != 0) {
		save_error(err, path, "writing failed: %s (is the disk full?)", strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (overwrite) {
		if (rename(tmp, path) == 0) {
			rc = 0;
			goto out;
		}
	} else {
		rc = name_exclusive(tmp, path);
		if (rc == 0)
			goto out;
		if (rc == SAVE_ERR_EXISTS) {
			save_error(err, path, "the file exists (choose another name, or confirm to replace it)");
			unlink(tmp);
			goto out;
		}
		rc = SAVE_ERR;
	}
	save_error(err, path, "cannot give the file its name: %s", strerror(errno));
	unlink(tmp);
out:
	free(tmp);
	free(dir);
	return rc;
}

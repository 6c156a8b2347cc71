/* SPDX-License-Identifier: MIT */
/* What ran: the start, the machine, the system, the command line and the
 * privileges, for the reports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "engine/run.h"

/* The bit of CAP_NET_RAW in a capability set (include/uapi/linux/capability.h). */
#define RUN_CAP_NET_RAW 13

static char *printable_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? printable(s, strlen(s), true) : NULL;
}

char *run_os_release_value(const char *text, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = text; p != NULL && *p; ) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			const char *v = p + klen + 1;
			size_t vn = n - klen - 1;
			struct strbuf sb;

			/* a value may be quoted with " or ', with \ escapes inside "" */
			if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
				char q = v[0];

				v++;
				vn -= 2;
				strbuf_init(&sb);
				for (size_t i = 0; i < vn; i++) {
					if (q == '"' && v[i] == '\\' && i + 1 < vn)
						i++;
					strbuf_addch(&sb, v[i]);
				}
				return strbuf_detach(&sb, NULL);
			}
			return xstrndup(v, vn);
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The os-release fields of this system; macOS has none. */
static void read_os_release(struct run_info *r)
{
	static const char *const paths[] = {"/etc/os-release", "/usr/lib/os-release"};
	char buf[8192];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "re");
		size_t n;
		char *v;

		if (f == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		v = run_os_release_value(buf, "ID");
		r->os_id = printable_or_null(v);
		free(v);
		v = run_os_release_value(buf, "VERSION_ID");
		r->os_version_id = printable_or_null(v);
		free(v);
		v = run_os_release_value(buf, "PRETTY_NAME");
		r->os_pretty_name = printable_or_null(v);
		free(v);
		return;
	}
}

/* Whether CAP_NET_RAW is in the effective set: Linux says so in
 * /proc/self/status ("CapEff:" in hex); elsewhere only root has it. */
static bool have_cap_net_raw(void)
{
#ifdef __linux__
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	bool found = false, have = false;

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "CapEff:", 7) == 0) {
				unsigned long long caps;

				errno = 0;
				caps = strtoull(line + 7, NULL, 16);
				found = errno == 0;
				have = (caps >> RUN_CAP_NET_RAW) & 1;
				break;
			}
		}
		fclose(f);
	}
	if (found)
		return have;
#endif
	return geteuid() == 0;
}

void run_info_restart(struct run_info *r)
{
	struct timespec ts;
	struct tm tm;
	char date[24];

	r->started_ms = now_ms();
	r->duration_ms = 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(r->started, sizeof(r->started), "%s.%03uZ", date,
		 (unsigned)(ts.tv_nsec / 1000000) % 1000u);
}

void run_info_init(struct run_info *r, char *const *argv)
{
	struct utsname u;
	char host[256];

	memset(r, 0, sizeof(*r));
	strv_init(&r->argv);
	run_info_restart(r);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		r->host = printable_or_null(host);
	}
	read_os_release(r);
	if (uname(&u) == 0)
		r->kernel = xasprintf("%s %s", u.sysname, u.release);
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		strv_push_owned(&r->argv, printable(argv[i], strlen(argv[i]), true));
	r->uid = getuid();
	r->euid = geteuid();
	r->cap_net_raw = have_cap_net_raw();
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void run_info_copy(struct run_info *dst, const struct run_info *src)
{
	*dst = *src;
	dst->host = dup_or_null(src->host);
	dst->os_id = dup_or_null(src->os_id);
	dst->os_version_id = dup_or_null(src->os_version_id);
	dst->os_pretty_name = dup_or_null(src->os_pretty_name);
	dst->kernel = dup_or_null(src->kernel);
	strv_init(&dst->argv);
	strv_copy(&dst->argv, &src->argv);
}

void run_info_update(struct run_info *r)
{
	r->duration_ms = now_ms() - r->started_ms;
}

void run_info_release(struct run_info *r)
{
	free(r->host);
	free(r->os_id);
	free(r->os_version_id);
	free(r->os_pretty_name);
	free(r->kernel);
	strv_release(&r->argv);
	memset(r, 0, sizeof(*r));
	strv_init(&r->argv);
}

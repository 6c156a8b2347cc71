/* SPDX-License-Identifier: MIT */
/* Fuzz the sshd_config, sshd -T and sshd -t parsers. The input is split at
 * NUL bytes: the first part is /etc/ssh/sshd_config, the next ones are the
 * files a small virtual /etc/ssh holds, reachable by Include and globs. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-sshd-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFILES 4

static const char *const names[NFILES] = {
	"/etc/ssh/sshd_config",
	"/etc/ssh/sshd_config.d/10-a.conf",
	"/etc/ssh/sshd_config.d/20-b.conf",
	"/etc/ssh/match.conf",
};

struct vfs {
	const char *text[NFILES];
	size_t len[NFILES];
};

static int vfs_read(void *ctx, const char *path, struct strbuf *out)
{
	struct vfs *v = ctx;

	for (int i = 0; i < NFILES; i++) {
		if (v->text[i] != NULL && strcmp(path, names[i]) == 0) {
			strbuf_add(out, v->text[i], v->len[i]);
			return 0;
		}
	}
	return -ENOENT;
}

static int vfs_glob(void *ctx, const char *pattern, struct strv *out)
{
	struct vfs *v = ctx;

	for (int i = 0; i < NFILES; i++)
		if (v->text[i] != NULL && fnmatch(pattern, names[i], FNM_PATHNAME) == 0)
			strv_push(out, names[i]);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfs v = { { NULL }, { 0 } };
	struct sshd_config_io io = { vfs_read, vfs_glob, &v, (int)(size % 2) * 1001 };
	const char *p = (const char *)data, *end = p + size;
	struct sshd_config *cfg;
	struct sshd_settings s;
	struct sshd_check chk;
	struct strv groups;
	struct sshd_conn conn = { .user = "carol", .host = "client.example.org", .addr = "192.0.2.10",
				  .laddr = "192.0.2.2", .lport = 22, .rdomain = "red", .groups = &groups };
	struct sshd_maxstartups ms;
	char *why = NULL;

	for (int i = 0; i < NFILES && p <= end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *e = nul ? nul : end;

		v.text[i] = p;
		v.len[i] = (size_t)(e - p);
		if (nul == NULL)
			break;
		p = nul + 1;
	}

	cfg = sshd_config_new();
	sshd_config_parse(cfg, names[0], v.text[0], v.len[0], &io);
	strv_init(&groups);
	strv_push(&groups, "admins");
	sshd_config_evaluate(cfg, &conn, &s);
	sshd_settings_user_allowed(&s, "carol", &groups, NULL, "192.0.2.10", &why);
	free(why);
	sshd_settings_release(&s);
	conn.groups = NULL;
	conn.addr = "2001:db8::7";
	sshd_config_evaluate(cfg, &conn, &s);
	sshd_settings_release(&s);
	strv_release(&groups);
	sshd_config_free(cfg);

	cfg = sshd_config_new();
	sshd_config_parse_dump(cfg, "sshd -T", (const char *)data, size);
	sshd_config_free(cfg);

	sshd_check_init(&chk);
	sshd_check_parse(&chk, (const char *)data, size);
	(void)sshd_check_first_fatal(&chk);
	sshd_check_release(&chk);

	if (v.len[0] < 64) {
		char buf[64];

		memcpy(buf, v.text[0], v.len[0]);
		buf[v.len[0]] = '\0';
		(void)sshd_maxstartups_parse(buf, &ms);
	}
	return 0;
}

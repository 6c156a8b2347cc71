/* SPDX-License-Identifier: MIT */
/* Parsers of service, package, ban and process listings. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "engine/parse/parse-firewall.h"
#include "engine/parse/parse-service.h"

const char *svc_strerror(int err)
{
	switch (err) {
	case 0:			return "success";
	case SVC_ERR_FORMAT:	return "not the output of the expected command";
	case SVC_ERR_ARG:	return "invalid argument";
	}
	return "unknown error";
}

/* ---- text helpers ----------------------------------------------------- */

static char *pdup(const char *s)
{
	return printable(s, strlen(s), true);
}

/* Replaces *dst with a printable copy of s. */
static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = pdup(s);
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || !(isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))))
		return false;
	v = strtol(s, &end, 10);
	while (*end == ' ')
		end++;
	if (*end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* True when buf (len bytes) contains needle. */
static bool has(const char *buf, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (buf == NULL || n > len)
		return false;
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return true;
	return false;
}

/* ---- systemctl show --------------------------------------------------- */

static void svc_unit_init(struct svc_unit *u)
{
	memset(u, 0, sizeof(*u));
	strv_init(&u->triggered_by);
	strv_init(&u->triggers);
	strv_init(&u->runtime_dirs);
	strv_init(&u->dropins);
}

static void svc_unit_release(struct svc_unit *u)
{
	free(u->id);
	free(u->load_state);
	free(u->active_state);
	free(u->sub_state);
	free(u->unit_file_state);
	free(u->result);
	free(u->fragment_path);
	for (size_t i = 0; i < u->nlisten; i++) {
		free(u->listen[i].address);
		free(u->listen[i].type);
	}
	free(u->listen);
	strv_release(&u->triggered_by);
	strv_release(&u->triggers);
	strv_release(&u->runtime_dirs);
	strv_release(&u->dropins);
}

void svc_unit_list_init(struct svc_unit_list *ul)
{
	ul->v = NULL;
	ul->n = 0;
}

void svc_unit_list_release(struct svc_unit_list *ul)
{
	for (size_t i = 0; i < ul->n; i++)
		svc_unit_release(&ul->v[i]);
	free(ul->v);
	svc_unit_list_init(ul);
}

/* The port at the end of "[::]:22", "0.0.0.0:22" or a bare "22"; 0 if none. */
static uint16_t listen_port(const char *addr)
{
	const char *colon = strrchr(addr, ':');
	long v;

	if (addr[0] == '/' || addr[0] == '@')
		return 0;	/* a unix socket */
	if (colon == NULL)
		colon = addr - 1;
	else if (addr[0] != '[' && strchr(addr, ':') != colon)
		return 0;	/* an IPv6 address without brackets and no port */
	if (parse_long(colon + 1, 1, 65535, &v))
		return (uint16_t)v;
	return 0;
}

static void unit_add_listen(struct svc_unit *u, const char *v)
{
	const char *paren = strrchr(v, '(');
	size_t alen = paren ? (size_t)(paren - v) : strlen(v);
	struct svc_listen *l;

	while (alen > 0 && v[alen - 1] == ' ')
		alen--;
	u->listen = xrealloc(u->listen, (u->nlisten + 1) * sizeof(*u->listen));
	l = &u->listen[u->nlisten++];
	l->address = printable(v, alen, true);
	if (paren != NULL) {
		const char *end = strchr(paren, ')');

		l->type = printable(paren + 1, end ? (size_t)(end - paren - 1) : strlen(paren + 1), true);
	} else {
		l->type = xstrdup("");
	}
	{
		char *raw = xstrndup(v, alen);

		l->port = listen_port(raw);
		free(raw);
	}
}

static void split_units(struct strv *sv, const char *v)
{
	char *copy = xstrdup(v), *save = NULL;

	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strv_push_owned(sv, pdup(t));
	free(copy);
}

static void unit_set(struct svc_unit *u, const char *k, const char *v)
{
	long n;

	if (strcmp(k, "Id") == 0)
		set_str(&u->id, v);
	else if (strcmp(k, "LoadState") == 0)
		set_str(&u->load_state, v);
	else if (strcmp(k, "ActiveState") == 0)
		set_str(&u->active_state, v);
	else if (strcmp(k, "SubState") == 0)
		set_str(&u->sub_state, v);
	else if (strcmp(k, "UnitFileState") == 0)
		set_str(&u->unit_file_state, v);
	else if (strcmp(k, "Result") == 0)
		set_str(&u->result, v);
	else if (strcmp(k, "FragmentPath") == 0)
		set_str(&u->fragment_path, v);
	else if (strcmp(k, "ExecMainStatus") == 0 && parse_long(v, -1000000, 1000000, &n)) {
		u->exec_main_status = (int)n;
		u->has_exec_main_status = true;
	} else if (strcmp(k, "ExecMainPID") == 0 && parse_long(v, 0, 1L << 30, &n))
		u->exec_main_pid = n;
	else if (strcmp(k, "MainPID") == 0 && parse_long(v, 0, 1L << 30, &n))
		u->main_pid = n;
	else if (strcmp(k, "Listen") == 0 && *v != '\0')
		unit_add_listen(u, v);
	else if (strcmp(k, "TriggeredBy") == 0)
		split_units(&u->triggered_by, v);
	else if (strcmp(k, "Triggers") == 0)
		split_units(&u->triggers, v);
	else if (strcmp(k, "RuntimeDirectory") == 0)
		split_units(&u->runtime_dirs, v);
	else if (strcmp(k, "DropInPaths") == 0)
		split_units(&u->dropins, v);
}

int svc_parse_systemctl_show(const char *buf, size_t len, struct svc_unit_list *ul)
{
	char *copy, *pos, *line;
	bool open = false, any = false;

	if (ul == NULL)
		return SVC_ERR_ARG;
	svc_unit_list_release(ul);
	if (buf == NULL)
		return SVC_ERR_ARG;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *eq = strchr(line, '=');

		if (*line == '\0') {
			open = false;
			continue;
		}
		if (eq == NULL || eq == line)
			continue;
		*eq = '\0';
		if (!open) {
			ul->v = xrealloc(ul->v, (ul->n + 1) * sizeof(*ul->v));
			svc_unit_init(&ul->v[ul->n++]);
			open = true;
		}
		unit_set(&ul->v[ul->n - 1], line, eq + 1);
		any = true;
	}
	free(copy);
	return any ? 0 : SVC_ERR_FORMAT;
}

const struct svc_unit *svc_unit_list_find(const struct svc_unit_list *ul, const char *id)
{
	for (size_t i = 0; i < ul->n; i++)
		if (ul->v[i].id != NULL && strcmp(ul->v[i].id, id) == 0)
			return &ul->v[i];
	return NULL;
}

bool svc_unit_is_missing(const struct svc_unit *u)
{
	return u == NULL || (u->load_state != NULL && strcmp(u->load_state, "not-found") == 0);
}

/* ---- SELinux ---------------------------------------------------------- */

enum svc_selinux svc_parse_getenforce(const char *buf, size_t len)
{
	char word[32];
	size_t n = 0;

	while (len > 0 && isspace((unsigned char)*buf)) {
		buf++;
		len--;
	}
	while (n < len && n < sizeof(word) - 1 && !isspace((unsigned char)buf[n])) {
		word[n] = buf[n];
		n++;
	}
	word[n] = '\0';
	if (strcasecmp(word, "Enforcing") == 0 || strcmp(word, "1") == 0)
		return SVC_SELINUX_ENFORCING;
	if (strcasecmp(word, "Permissive") == 0 || strcmp(word, "0") == 0)
		return SVC_SELINUX_PERMISSIVE;
	if (strcasecmp(word, "Disabled") == 0)
		return SVC_SELINUX_DISABLED;
	return SVC_SELINUX_UNKNOWN;
}

const char *svc_selinux_name(enum svc_selinux s)
{
	switch (s) {
	case SVC_SELINUX_DISABLED:
		return "disabled";
	case SVC_SELINUX_PERMISSIVE:
		return "permissive";
	case SVC_SELINUX_ENFORCING:
		return "enforcing";
	default:
		return "unknown";
	}
}

int svc_parse_semanage_ports(const char *buf, size_t len, const char *type, const char *proto,
			     int (*ports)[2], size_t max)
{
	char *copy = xstrndup(buf, len), *save = NULL;
	int found = -1;
	size_t n = 0;

	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line, *t, *pr;
		size_t tl, pl;

		t = p + strspn(p, " \t");
		tl = strcspn(t, " \t");
		pr = t + tl + strspn(t + tl, " \t");
		pl = strcspn(pr, " \t");
		if (tl != strlen(type) || strncmp(t, type, tl) != 0 || pl != strlen(proto) ||
		    strncmp(pr, proto, pl) != 0)
			continue;
		found = 0;
		p = pr + pl;
		while (*p && n < max) {
			char *end;
			long lo, hi;

			p += strspn(p, " \t,");
			if (*p == '\0')
				break;
			lo = strtol(p, &end, 10);
			if (end == p)
				break;
			hi = lo;
			if (*end == '-') {
				p = end + 1;
				hi = strtol(p, &end, 10);
				if (end == p)
					break;
			}
			p = end;
			if (lo < 1 || hi > 65535 || lo > hi)
				continue;
			ports[n][0] = (int)lo;
			ports[n][1] = (int)hi;
			n++;
		}
	}
	free(copy);
	return found < 0 ? -1 : (int)n;
}

bool svc_unit_is_masked(const struct svc_unit *u)
{
	return u != NULL && ((u->load_state != NULL && strcmp(u->load_state, "masked") == 0) ||
			     (u->unit_file_state != NULL && strcmp(u->unit_file_state, "masked") == 0));
}

bool svc_unit_is_active(const struct svc_unit *u)
{
	return u != NULL && u->active_state != NULL && strcmp(u->active_state, "active") == 0;
}

/* ---- packages ---------------------------------------------------------- */

void svc_package_init(struct svc_package *p)
{
	memset(p, 0, sizeof(*p));
}

void svc_package_release(struct svc_package *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->status);
	svc_package_init(p);
}

const char *svc_pkg_state_text(enum svc_pkg_state s)
{
	switch (s) {
	case SVC_PKG_UNKNOWN:		return "in a state the package manager did not say";
	case SVC_PKG_INSTALLED:		return "installed";
	case SVC_PKG_NOT_INSTALLED:	return "not installed";
	case SVC_PKG_CONFIG_FILES:	return "removed, only its configuration files are left";
	case SVC_PKG_BROKEN:		return "half installed (broken)";
	}
	return "in a state the package manager did not say";
}

const char *svc_pkg_state_name(enum svc_pkg_state s)
{
	switch (s) {
	case SVC_PKG_UNKNOWN:		return "unknown";
	case SVC_PKG_INSTALLED:		return "installed";
	case SVC_PKG_NOT_INSTALLED:	return "not-installed";
	case SVC_PKG_CONFIG_FILES:	return "config-files";
	case SVC_PKG_BROKEN:		return "broken";
	}
	return "unknown";
}

/* The state a dpkg status abbreviation ("ii ", "rc ", "iU ", "un ") means. */
static enum svc_pkg_state dpkg_state(const char *ab)
{
	if (ab[2] == 'R' || ab[2] == 'r')
		return SVC_PKG_BROKEN;	/* reinstallation required */
	switch (ab[1]) {
	case 'i':	return SVC_PKG_INSTALLED;
	case 'n':	return SVC_PKG_NOT_INSTALLED;
	case 'c':	return SVC_PKG_CONFIG_FILES;
	case 'U': case 'F': case 'H': case 'W': case 't':
		return SVC_PKG_BROKEN;
	}
	return SVC_PKG_UNKNOWN;
}

int svc_parse_dpkg_query(const char *out, size_t olen, const char *err, size_t elen,
			 const char *package, struct svc_package *p)
{
	char *copy, *pos, *line;
	int ret = SVC_ERR_FORMAT;

	if (p == NULL)
		return SVC_ERR_ARG;
	svc_package_release(p);
	if (out == NULL && err == NULL)
		return SVC_ERR_ARG;
	pos = copy = str_from_buf(out ? out : "", out ? olen : 0);
	while ((line = str_next_line(&pos)) != NULL) {
		char *name, *ver, *sp;

		/* "ii  openssh-server 1:9.2p1-2": three status letters, a space */
		if (strlen(line) < 5 || line[3] != ' ' || !isalpha((unsigned char)line[0]) ||
		    !isalpha((unsigned char)line[1]))
			continue;
		name = line + 4;
		while (*name == ' ')
			name++;
		sp = strchr(name, ' ');
		ver = sp ? sp + 1 : NULL;
		if (sp != NULL)
			*sp = '\0';
		if (*name == '\0' || (package != NULL && strcmp(name, package) != 0 &&
				      !(str_starts_with(name, package) && name[strlen(package)] == ':')))
			continue;
		p->state = dpkg_state(line);
		p->status = printable(line, 3, true);
		p->name = pdup(name);
		if (ver != NULL && *str_trim(ver) != '\0')
			p->version = pdup(str_trim(ver));
		ret = 0;
		break;
	}
	free(copy);
	if (ret != 0 && (has(err, elen, "no packages found matching") ||
			 has(out, olen, "no packages found matching"))) {
		p->state = SVC_PKG_NOT_INSTALLED;
		p->name = package ? pdup(package) : NULL;
		ret = 0;
	}
	return ret;
}

int svc_parse_rpm_q(const char *out, size_t olen, const char *package, struct svc_package *p)
{
	static const char *const arches[] = {
		".x86_64", ".aarch64", ".noarch", ".i686", ".i386", ".ppc64le", ".s390x",
		".armv7hl", ".riscv64",
	};
	char *copy, *pos, *line;
	int ret = SVC_ERR_FORMAT;

	if (p == NULL)
		return SVC_ERR_ARG;
	svc_package_release(p);
	if (out == NULL)
		return SVC_ERR_ARG;
	pos = copy = str_from_buf(out, olen);
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line), *dash1, *dash2;
		size_t n = strlen(l);

		if (str_starts_with(l, "package ") && strstr(l, " is not installed") != NULL) {
			p->state = SVC_PKG_NOT_INSTALLED;
			p->name = printable(l + 8, strcspn(l + 8, " "), true);
			ret = 0;
			break;
		}
		if (n == 0 || strchr(l, ' ') != NULL)
			continue;
		for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
			size_t an = strlen(arches[i]);

			if (n > an && strcmp(l + n - an, arches[i]) == 0) {
				p->arch = pdup(arches[i] + 1);
				l[n - an] = '\0';
				break;
			}
		}
		/* NAME-VERSION-RELEASE: the last two dashes */
		dash2 = strrchr(l, '-');
		if (dash2 == NULL || dash2 == l)
			goto next;
		*dash2 = '\0';
		dash1 = strrchr(l, '-');
		*dash2 = '-';
		if (dash1 == NULL || dash1 == l)
			goto next;
		*dash1 = '\0';
		if (package != NULL && strcmp(l, package) != 0) {
			*dash1 = '-';
			goto next;
		}
		p->state = SVC_PKG_INSTALLED;
		p->name = pdup(l);
		p->version = pdup(dash1 + 1);
		ret = 0;
		break;
next:
		free(p->arch);
		p->arch = NULL;
	}
	free(copy);
	return ret;
}

/* ---- macOS ------------------------------------------------------------ */

enum svc_remote_login svc_parse_remote_login(const char *buf, size_t len)
{
	if (buf == NULL)
		return SVC_RL_UNKNOWN;
	if (has(buf, len, "administrator access"))
		return SVC_RL_NEED_ADMIN;
	if (has(buf, len, "Remote Login: On"))
		return SVC_RL_ON;
	if (has(buf, len, "Remote Login: Off"))
		return SVC_RL_OFF;
	return SVC_RL_UNKNOWN;
}

const char *svc_remote_login_name(enum svc_remote_login rl)
{
	switch (rl) {
	case SVC_RL_UNKNOWN:	return "unknown";
	case SVC_RL_ON:		return "on";
	case SVC_RL_OFF:	return "off";
	case SVC_RL_NEED_ADMIN:	return "needs-admin";
	}
	return "unknown";
}

void svc_launchd_init(struct svc_launchd *ld)
{
	memset(ld, 0, sizeof(*ld));
}

void svc_launchd_release(struct svc_launchd *ld)
{
	free(ld->label);
	free(ld->state);
	free(ld->program);
	free(ld->path);
	svc_launchd_init(ld);
}

int svc_parse_launchctl_print(const char *buf, size_t len, struct svc_launchd *ld)
{
	char *copy, *pos, *line;
	int depth = 0;
	bool header = false;

	if (ld == NULL)
		return SVC_ERR_ARG;
	svc_launchd_release(ld);
	if (buf == NULL)
		return SVC_ERR_ARG;
	if (has(buf, len, "Could not find service"))
		return 0;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line), *eq;
		long n;

		if (*l == '\0')
			continue;
		if (!header) {
			char *sp = strstr(l, " = {");

			if (sp == NULL)
				continue;
			*sp = '\0';
			if (strrchr(l, '/') != NULL)
				ld->label = pdup(strrchr(l, '/') + 1);
			header = true;
			ld->found = true;
			depth = 1;
			continue;
		}
		if (*l == '}') {
			depth--;
			continue;
		}
		eq = strstr(l, " = ");
		if (l[strlen(l) - 1] == '{') {
			depth++;
			continue;
		}
		if (depth != 1 || eq == NULL)
			continue;
		*eq = '\0';
		eq += 3;
		if (strcmp(l, "state") == 0)
			set_str(&ld->state, eq);
		else if (strcmp(l, "program") == 0)
			set_str(&ld->program, eq);
		else if (strcmp(l, "path") == 0)
			set_str(&ld->path, eq);
		else if (strcmp(l, "pid") == 0 && parse_long(eq, 0, 1L << 30, &n))
			ld->pid = n;
		else if (strcmp(l, "last exit code") == 0 && parse_long(eq, -1000000, 1000000, &n)) {
			ld->last_exit = n;
			ld->has_last_exit = true;
		}
	}
	free(copy);
	return header ? 0 : SVC_ERR_FORMAT;
}

/* The value of a `"Key" = value;` line of launchctl list, unquoted, or NULL. */
static char *plist_value(char *l, const char *key)
{
	size_t n = strlen(key);
	char *v, *end;

	if (l[0] != '"' || strncmp(l + 1, key, n) != 0 || l[n + 1] != '"')
		return NULL;
	v = l + n + 2;
	while (*v == ' ')
		v++;
	if (*v != '=')
		return NULL;
	v++;
	while (*v == ' ')
		v++;
	end = v + strlen(v);
	if (end > v && end[-1] == ';')
		*--end = '\0';
	if (*v == '"' && end > v + 1 && end[-1] == '"') {
		end[-1] = '\0';
		v++;
	}
	return v;
}

int svc_parse_launchctl_list(const char *buf, size_t len, struct svc_launchd *ld)
{
	char *copy, *pos, *line;
	bool seen = false;
	int depth = 0;

	if (ld == NULL)
		return SVC_ERR_ARG;
	svc_launchd_release(ld);
	if (buf == NULL)
		return SVC_ERR_ARG;
	if (has(buf, len, "Could not find service"))
		return 0;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line), *v;
		long n;
		size_t ln = strlen(l);

		if (ln == 0)
			continue;
		if (strcmp(l, "{") == 0 && depth == 0) {
			depth = 1;
			seen = true;
			continue;
		}
		if (depth == 0)
			continue;
		if (l[ln - 1] == '{' || l[ln - 1] == '(') {
			depth++;
			continue;
		}
		if (l[0] == '}' || l[0] == ')') {
			depth--;
			continue;
		}
		if (depth != 1)
			continue;
		if ((v = plist_value(l, "Label")) != NULL)
			set_str(&ld->label, v);
		else if ((v = plist_value(l, "Program")) != NULL)
			set_str(&ld->program, v);
		else if ((v = plist_value(l, "PID")) != NULL && parse_long(v, 0, 1L << 30, &n))
			ld->pid = n;
		else if ((v = plist_value(l, "LastExitStatus")) != NULL &&
			 parse_long(v, -1000000, 1000000, &n)) {
			ld->last_exit = n;
			ld->has_last_exit = true;
		}
	}
	free(copy);
	if (!seen)
		return SVC_ERR_FORMAT;
	ld->found = true;
	if (ld->state == NULL)
		ld->state = xstrdup(ld->pid > 0 ? "running" : "not running");
	return 0;
}

void svc_listener_list_init(struct svc_listener_list *ll)
{
	ll->v = NULL;
	ll->n = 0;
}

void svc_listener_list_release(struct svc_listener_list *ll)
{
	for (size_t i = 0; i < ll->n; i++) {
		free(ll->v[i].command);
		free(ll->v[i].user);
		free(ll->v[i].address);
	}
	free(ll->v);
	svc_listener_list_init(ll);
}

int svc_parse_lsof_listen(const char *buf, size_t len, struct svc_listener_list *ll)
{
	char *copy, *pos, *line;
	bool header = false, any = false;

	if (ll == NULL)
		return SVC_ERR_ARG;
	svc_listener_list_release(ll);
	if (buf == NULL)
		return SVC_ERR_ARG;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *tok[16], *save = NULL, *name, *colon;
		size_t n = 0, t;
		int family = 0;
		long pid, port;
		struct svc_listener *o;

		if (*str_trim(line) == '\0')
			continue;
		any = true;
		if (str_starts_with(line, "COMMAND")) {
			header = true;
			continue;
		}
		if (!header)
			continue;
		for (char *w = strtok_r(line, " \t", &save); w && n < 16; w = strtok_r(NULL, " \t", &save))
			tok[n++] = w;
		if (n < 5 || !parse_long(tok[1], 0, 1L << 30, &pid))
			continue;
		for (t = 3; t < n; t++) {
			if (strcmp(tok[t], "IPv4") == 0)
				family = 4;
			else if (strcmp(tok[t], "IPv6") == 0)
				family = 6;
			if (strcmp(tok[t], "TCP") == 0)
				break;
		}
		if (t + 1 >= n)
			continue;
		name = tok[t + 1];
		if (strstr(name, "->") != NULL)
			continue;	/* a connection, not a listener */
		colon = strrchr(name, ':');
		if (colon == NULL || !parse_long(colon + 1, 0, 65535, &port))
			continue;
		*colon = '\0';
		if (name[0] == '[' && colon > name + 1 && colon[-1] == ']') {
			colon[-1] = '\0';
			name++;
		}
		ll->v = xrealloc(ll->v, (ll->n + 1) * sizeof(*ll->v));
		o = &ll->v[ll->n++];
		o->command = pdup(tok[0]);
		o->pid = pid;
		o->user = pdup(tok[2]);
		o->family = family ? family : (strchr(name, ':') ? 6 : 4);
		o->address = pdup(name);
		o->port = (uint16_t)port;
	}
	free(copy);
	return any && !header ? SVC_ERR_FORMAT : 0;
}

/* ---- bans -------------------------------------------------------------- */

void svc_fail2ban_init(struct svc_fail2ban *f)
{
	memset(f, 0, sizeof(*f));
	strv_init(&f->banned);
}

void svc_fail2ban_release(struct svc_fail2ban *f)
{
	free(f->jail);
	strv_release(&f->banned);
	svc_fail2ban_init(f);
}

/* The text after "key:" in a fail2ban tree line ("|  |- Currently failed:\t3"). */
static const char *f2b_value(const char *line, const char *key)
{
	const char *p = strstr(line, key);

	if (p == NULL)
		return NULL;
	p += strlen(key);
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int svc_parse_fail2ban_status(const char *buf, size_t len, struct svc_fail2ban *f)
{
	char *copy, *pos, *line;
	int ret = SVC_ERR_FORMAT;

	if (f == NULL)
		return SVC_ERR_ARG;
	svc_fail2ban_release(f);
	if (buf == NULL)
		return SVC_ERR_ARG;
	if (has(buf, len, "Failed to access socket") || has(buf, len, "Is Fail2Ban running"))
		return 0;	/* running stays false */
	if (has(buf, len, "does not exist")) {
		f->running = true;
		return 0;
	}
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		const char *v;
		long n;
		char *tmp;

		if ((v = f2b_value(line, "Status for the jail:")) != NULL) {
			tmp = xstrdup(v);
			set_str(&f->jail, str_trim(tmp));
			free(tmp);
			f->running = f->jail_found = true;
			ret = 0;
		} else if ((v = f2b_value(line, "Currently failed:")) && parse_long(v, 0, LONG_MAX, &n)) {
			f->currently_failed = n;
		} else if ((v = f2b_value(line, "Total failed:")) && parse_long(v, 0, LONG_MAX, &n)) {
			f->total_failed = n;
		} else if ((v = f2b_value(line, "Currently banned:")) && parse_long(v, 0, LONG_MAX, &n)) {
			f->currently_banned = n;
		} else if ((v = f2b_value(line, "Total banned:")) && parse_long(v, 0, LONG_MAX, &n)) {
			f->total_banned = n;
		} else if ((v = f2b_value(line, "Banned IP list:")) != NULL) {
			char *save = NULL;

			tmp = xstrdup(v);
			for (char *t = strtok_r(tmp, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save))
				strv_push_owned(&f->banned, pdup(t));
			free(tmp);
		}
	}
	free(copy);
	return ret;
}

bool svc_fail2ban_is_banned(const struct svc_fail2ban *f, const char *addr)
{
	return f != NULL && svc_addr_listed(&f->banned, addr);
}

bool svc_addr_listed(const struct strv *entries, const char *addr)
{
	if (entries == NULL || addr == NULL)
		return false;
	for (size_t i = 0; i < entries->n; i++)
		if (fw_addr_match(entries->v[i], addr))
			return true;
	return false;
}

static void sshguard_elem(json_t *it, struct strv *entries)
{
	if (json_is_object(it) && json_is_object(json_object_get(it, "elem")))
		it = json_object_get(json_object_get(it, "elem"), "val");
	if (json_is_string(it)) {
		strv_push_owned(entries, pdup(json_string_value(it)));
	} else if (json_is_object(it) && json_is_object(json_object_get(it, "prefix"))) {
		json_t *p = json_object_get(it, "prefix");
		json_t *a = json_object_get(p, "addr"), *l = json_object_get(p, "len");
		struct strbuf sb;

		if (!json_is_string(a) || !json_is_integer(l))
			return;
		strbuf_init(&sb);
		strbuf_add_printable(&sb, json_string_value(a), strlen(json_string_value(a)), false);
		strbuf_addf(&sb, "/%lld", (long long)json_integer_value(l));
		strv_push_owned(entries, strbuf_detach(&sb, NULL));
	} else if (json_is_object(it) && json_is_array(json_object_get(it, "range"))) {
		json_t *r = json_object_get(it, "range");
		json_t *a = json_array_get(r, 0), *b = json_array_get(r, 1);
		struct strbuf sb;

		if (!json_is_string(a) || !json_is_string(b))
			return;
		strbuf_init(&sb);
		strbuf_add_printable(&sb, json_string_value(a), strlen(json_string_value(a)), false);
		strbuf_addch(&sb, '-');
		strbuf_add_printable(&sb, json_string_value(b), strlen(json_string_value(b)), false);
		strv_push_owned(entries, strbuf_detach(&sb, NULL));
	}
}

int svc_parse_sshguard_nft(const char *buf, size_t len, struct strv *entries)
{
	json_t *root, *list, *it;
	json_error_t err;
	size_t i;

	if (buf == NULL || entries == NULL)
		return SVC_ERR_ARG;
	root = json_loadb(buf, len, 0, &err);
	list = json_object_get(root, "nftables");
	if (!json_is_array(list)) {
		json_decref(root);
		return SVC_ERR_FORMAT;
	}
	json_array_foreach(list, i, it) {
		json_t *set = json_object_get(it, "set"), *el, *e;
		json_t *table = json_object_get(set, "table");
		size_t k;

		if (!json_is_string(table) || strcmp(json_string_value(table), "sshguard") != 0)
			continue;
		el = json_object_get(set, "elem");
		if (json_is_array(el)) {
			json_array_foreach(el, k, e)
				sshguard_elem(e, entries);
		} else if (el != NULL) {
			sshguard_elem(el, entries);
		}
	}
	json_decref(root);
	return 0;
}

int svc_parse_sshguard_iptables(const char *buf, size_t len, struct strv *entries)
{
	char *copy, *pos, *line;
	bool table = false;

	if (buf == NULL || entries == NULL)
		return SVC_ERR_ARG;
	pos = copy = str_from_buf(buf, len);
	while ((line = str_next_line(&pos)) != NULL) {
		char *l = str_trim(line), *save = NULL, *src = NULL;
		bool block = false, neg = false, prev_neg = false;

		if (*l == '*')
			table = true;
		if (!str_starts_with(l, "-A sshguard "))
			continue;
		for (char *t = strtok_r(l + 12, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (strcmp(t, "!") == 0) {
				prev_neg = true;
				continue;
			}
			if (strcmp(t, "-s") == 0 || strcmp(t, "--source") == 0) {
				src = strtok_r(NULL, " ", &save);
				neg = prev_neg;
			} else if (strcmp(t, "-j") == 0) {
				char *j = strtok_r(NULL, " ", &save);

				block = j && (strcmp(j, "DROP") == 0 || strcmp(j, "REJECT") == 0);
			}
			prev_neg = false;
		}
		if (block && src != NULL && !neg) {
			char *csave = NULL;

			for (char *a = strtok_r(src, ",", &csave); a; a = strtok_r(NULL, ",", &csave)) {
				size_t n = strlen(a);

				/* iptables-save prints hosts as a.b.c.d/32 */
				if (n > 3 && strcmp(a + n - 3, "/32") == 0 && strchr(a, '.'))
					a[n - 3] = '\0';
				else if (n > 4 && strcmp(a + n - 4, "/128") == 0 && strchr(a, ':'))
					a[n - 4] = '\0';
				strv_push_owned(entries, pdup(a));
			}
		}
	}
	free(copy);
	if (!table && len > 0) {
		for (size_t i = 0; i < len; i++)
			if (!isspace((unsigned char)buf[i]))
				return SVC_ERR_FORMAT;
	}
	return 0;
}

/* ---- /proc ------------------------------------------------------------- */

char *svc_proc_cmdline(const char *comm, size_t clen, const char *cmdline, size_t len)
{
	struct strbuf sb;
	size_t i = 0;

	strbuf_init(&sb);
	while (len > 0 && cmdline != NULL && cmdline[len - 1] == '\0')
		len--;
	if (cmdline == NULL || len == 0) {
		while (clen > 0 && comm != NULL && (comm[clen - 1] == '\n' || comm[clen - 1] == '\0'))
			clen--;
		strbuf_addch(&sb, '[');
		if (comm != NULL)
			strbuf_add_printable(&sb, comm, clen, true);
		strbuf_addch(&sb, ']');
		return strbuf_detach(&sb, NULL);
	}
	while (i <= len) {
		const char *arg = cmdline + i;
		size_t n = 0;
		bool quote;

		while (i + n < len && arg[n] != '\0')
			n++;
		quote = n == 0 || memchr(arg, ' ', n) != NULL || memchr(arg, '\t', n) != NULL;
		if (sb.len > 0)
			strbuf_addch(&sb, ' ');
		if (quote)
			strbuf_addch(&sb, '\'');
		strbuf_add_printable(&sb, arg, n, true);
		if (quote)
			strbuf_addch(&sb, '\'');
		i += n + 1;
	}
	return strbuf_detach(&sb, NULL);
}

enum svc_manager svc_manager_from_comm(const char *comm, size_t len)
{
	static const struct { const char *name; enum svc_manager m; } names[] = {
		{ "systemd", SVC_MGR_SYSTEMD }, { "init", SVC_MGR_SYSVINIT },
		{ "openrc-init", SVC_MGR_OPENRC }, { "openrc", SVC_MGR_OPENRC },
		{ "runit", SVC_MGR_RUNIT }, { "runit-init", SVC_MGR_RUNIT },
		{ "runsvdir", SVC_MGR_RUNIT }, { "s6-svscan", SVC_MGR_S6 },
		{ "tini", SVC_MGR_TINI }, { "docker-init", SVC_MGR_TINI },
		{ "dumb-init", SVC_MGR_DUMB_INIT }, { "sh", SVC_MGR_SHELL },
		{ "bash", SVC_MGR_SHELL }, { "ash", SVC_MGR_SHELL }, { "dash", SVC_MGR_SHELL },
		{ "zsh", SVC_MGR_SHELL }, { "launchd", SVC_MGR_LAUNCHD },
	};

	if (comm == NULL)
		return SVC_MGR_UNKNOWN;
	while (len > 0 && (comm[len - 1] == '\n' || comm[len - 1] == '\0' || comm[len - 1] == ' '))
		len--;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == len && memcmp(comm, names[i].name, len) == 0)
			return names[i].m;
	return SVC_MGR_UNKNOWN;
}

const char *svc_manager_name(enum svc_manager m)
{
	switch (m) {
	case SVC_MGR_UNKNOWN:	return "unknown";
	case SVC_MGR_SYSTEMD:	return "systemd";
	case SVC_MGR_SYSVINIT:	return "sysvinit";
	case SVC_MGR_OPENRC:	return "openrc";
	case SVC_MGR_RUNIT:	return "runit";
	case SVC_MGR_S6:	return "s6";
	case SVC_MGR_TINI:	return "tini";
	case SVC_MGR_DUMB_INIT:	return "dumb-init";
	case SVC_MGR_SHELL:	return "shell";
	case SVC_MGR_LAUNCHD:	return "launchd";
	}
	return "unknown";
}

bool svc_manager_supervises(enum svc_manager m)
{
	return m == SVC_MGR_SYSTEMD || m == SVC_MGR_SYSVINIT || m == SVC_MGR_OPENRC ||
	       m == SVC_MGR_RUNIT || m == SVC_MGR_S6 || m == SVC_MGR_LAUNCHD;
}

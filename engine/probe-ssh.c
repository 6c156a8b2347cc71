/* SPDX-License-Identifier: MIT */
/* The SSH handshake through libssh: identification, key exchange, host key
 * fingerprint (never trusted or stored; no user configuration read) and the
 * authentication methods offered for the user. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>

#include "engine/conn.h"
#include "engine/probe.h"

#define SSH_TIMEOUT_S 5

/* libssh's log callback is process-wide or per thread, as libssh is built,
 * and libssh calls it on the thread that drives the session: the step it
 * belongs to is this thread's own (ssh_log_step), so handshakes of several
 * targets (a fleet) run at once, each session on its worker's thread, and
 * each line goes to its own step's details, never to the terminal. The
 * callback stays installed after the handshake, since without one libssh
 * logs to stderr (the terminal behind the wizard), and libssh refuses a
 * NULL one anyway; outside a handshake ssh_log_step is NULL and what
 * libssh logs is dropped. */
static _Thread_local struct step_work *ssh_log_step;

static void ssh_log_to_step(int priority, const char *function, const char *buffer, void *userdata)
{
	struct step_work *w = ssh_log_step;

	(void)priority;
	(void)function;
	(void)userdata;
	if (w != NULL && buffer != NULL) {
		char *p = printable(buffer, strnlen(buffer, 512), true);

		step_detail(w, "libssh: %s", p);
		free(p);
	}
}

static void auth_methods_text(int m, struct strbuf *sb)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
		{SSH_AUTH_METHOD_PUBLICKEY, "publickey"},
		{SSH_AUTH_METHOD_PASSWORD, "password"},
		{SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive"},
		{SSH_AUTH_METHOD_HOSTBASED, "hostbased"},
		{SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & names[i].bit)
			strbuf_addf(sb, "%s%s", sb->len ? "," : "", names[i].name);
	if (sb->len == 0)
		strbuf_addstr(sb, "none");
}

static char *local_user(void)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		return xstrdup(res->pw_name);
	return xstrdup("root");
}

/* libssh opens its own socket: its connection is told once it is known
 * (the capture holds the packets until then). */
static void probe_ssh_own_port(struct step_work *w, ssh_session s, int port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	socket_t fd = ssh_get_fd(s);

	if (fd >= 0 && getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6))
		engine_capture_own_port(w->e, conn_sockaddr_port(&ss), port);
}

int probe_ssh_run(struct step_work *w, struct client_facts *f)
{
	const struct target *t = engine_target(w->e);
	const struct addr_facts *a = NULL;
	ssh_session s = NULL;
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *user = NULL;
	unsigned int port = (unsigned int)t->port;
	long timeout = SSH_TIMEOUT_S;
	int verbosity = SSH_LOG_WARNING, rc;
	bool no = false;

	client_facts_forget_ssh(f);

	for (size_t i = 0; i < f->naddrs && a == NULL; i++)
		if (f->addrs[i].banner == BANNER_SSH)
			a = &f->addrs[i];
	if (a == NULL) {
		step_finish(w, STEP_SKIP, "no SSH server identified itself on port %d", t->port);
		return 0;
	}
	user = t->user ? xstrdup(t->user) : local_user();
	f->ssh_tried = true;
	step_wait(w, SSH_TIMEOUT_S * 1000, "speaking SSH: key exchange");

	ssh_log_step = w;
	ssh_set_log_callback(ssh_log_to_step);
	s = ssh_new();
	if (s == NULL) {
		step_finish(w, STEP_ERROR, "libssh could not make a session");
		goto out;
	}
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
	ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
	ssh_options_set(s, SSH_OPTIONS_HOST, a->text);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");

	rc = ssh_connect(s);
	probe_ssh_own_port(w, s, (int)port);
	if (rc != SSH_OK) {
		const char *e = ssh_get_error(s);

		f->ssh_error = printable(e, strnlen(e, 300), true);
		step_evidence(w, "the handshake with %s failed: %s", a->text, f->ssh_error);
		step_finish(w, STEP_FAIL, "the server identified itself, but the SSH handshake failed");
		goto out;
	}
	{
		const char *b = ssh_get_serverbanner(s);
		const char *kex = ssh_get_kex_algo(s);
		const char *cipher = ssh_get_cipher_in(s);

		if (b)
			f->ssh_banner = printable(b, strnlen(b, 255), false);
		if (kex)
			f->ssh_kex = printable(kex, strnlen(kex, 128), false);
		step_evidence(w, "server: %s", f->ssh_banner ? f->ssh_banner : "?");
		step_evidence(w, "key exchange: %s, cipher %s", f->ssh_kex ? f->ssh_kex : "?",
			      cipher ? cipher : "?");
	}
	if (ssh_get_server_publickey(s, &key) == SSH_OK &&
	    ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0) {
		char *fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
		const char *type = ssh_key_type_to_char(ssh_key_type(key));

		f->ssh_hostkey = xasprintf("%s %s", type ? type : "key", fp ? fp : "?");
		step_evidence(w, "host key: %s (shown, not trusted or stored)", f->ssh_hostkey);
		ssh_string_free_char(fp);
	}
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_SUCCESS) {
		f->ssh_auth_methods = xstrdup("none (the server let us in without authentication)");
	} else if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL) {
		struct strbuf sb;

		strbuf_init(&sb);
		auth_methods_text(ssh_userauth_list(s, NULL), &sb);
		f->ssh_auth_methods = strbuf_detach(&sb, NULL);
		strbuf_release(&sb);
	}
	if (f->ssh_auth_methods)
		step_evidence(w, "methods offered to user '%s': %s", user, f->ssh_auth_methods);
	f->ssh_ok = true;
	step_finish(w, STEP_PASS, "SSH works up to authentication; the server offers %s",
		    f->ssh_auth_methods ? f->ssh_auth_methods : "its methods");
out:
	if (hash)
		ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	if (s) {
		ssh_disconnect(s);
		ssh_free(s);
	}
	/* the callback stays: with no step it drops what comes later */
	ssh_log_step = NULL;
	free(user);
	return 0;
}

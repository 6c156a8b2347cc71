/* SPDX-License-Identifier: MIT */
/* The SSH step and libssh's logging: after a handshake, what libssh logs
 * on the thread that ran it never reaches stderr (the terminal behind the
 * wizard): the step's callback stays installed and drops it. (libssh
 * refuses a NULL callback, so its own stderr logger cannot come back by
 * that way; the test pins the behaviour, whatever libssh does.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libssh/libssh.h>
#include <libssh/callbacks.h>

#include "engine/assets.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/probe.h"
#include "engine/util.h"

/* A port on 127.0.0.1 where nothing listens: one the kernel just gave. */
static int closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		fail_msg("cannot find a free port on 127.0.0.1");
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

/* Runs fn with stderr pointed at a pipe; returns what it wrote (freed by
 * the caller). */
static char *stderr_of(void (*fn)(void))
{
	int p[2], saved;
	char buf[4096];
	ssize_t n;

	if (pipe(p) != 0)
		fail_msg("pipe");
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	buf[n > 0 ? n : 0] = '\0';
	return xstrdup(buf);
}

/* A warning libssh logs after the handshake, at a level that lets it through. */
static void a_late_warning(void)
{
	int was = ssh_get_log_level();

	ssh_set_log_level(SSH_LOG_WARNING);
	_ssh_log(SSH_LOG_WARNING, "test", "a warning logged after the handshake");
	ssh_set_log_level(was);
}

static void after_a_handshake_libssh_logs_nothing_to_stderr(void **state)
{
	struct assets a;
	struct engine_config cfg;
	struct strbuf err;
	struct engine *e;
	struct client_facts f;
	struct step_work w;
	char *said;

	(void)state;
	strbuf_init(&err);
	if (assets_load(&a, NULL, &err) != 0)
		fail_msg("assets: %s", err.buf);
	memset(&cfg, 0, sizeof(cfg));
	target_init(&cfg.target);
	cfg.target.host = (char *)"127.0.0.1";
	cfg.target.port = closed_port();
	cfg.target.port_given = true;
	cfg.side = SIDE_CLIENT;
	cfg.assets = &a;
	cfg.no_capture = true;
	e = engine_new(&cfg, &err);
	if (e == NULL)
		fail_msg("expected an engine: %s", err.buf);

	/* the banner step found SSH there; the handshake then fails at once */
	client_facts_init(&f);
	f.naddrs = 1;
	snprintf(f.addrs[0].text, sizeof(f.addrs[0].text), "127.0.0.1");
	f.addrs[0].banner = BANNER_SSH;
	memset(&w, 0, sizeof(w));
	w.e = e;
	w.id = "ssh_handshake";
	strv_init(&w.evidence);
	strv_init(&w.details);
	probe_ssh_run(&w, &f);
	if (w.status != STEP_FAIL)
		fail_msg("expected the handshake with a closed port to fail, got status %d", w.status);

	if (ssh_get_log_callback() == NULL)
		fail_msg("expected libssh's log callback to stay installed after the handshake "
			 "(NULL gives back libssh's logger, which writes to stderr)");
	said = stderr_of(a_late_warning);
	if (said[0] != '\0')
		fail_msg("expected nothing on stderr from libssh after the handshake, got \"%s\"", said);
	free(said);

	free(w.summary);
	strv_release(&w.evidence);
	strv_release(&w.details);
	client_facts_release(&f);
	engine_free(e);
	assets_release(&a);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(after_a_handshake_libssh_logs_nothing_to_stderr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The engine's side of the capture. */
#include <stdlib.h>
#include <string.h>

#include "engine/wire.h"

struct wire {
	int unused;
};

struct wire *wire_new(const struct engine_config *cfg, struct strbuf *why)
{
	(void)cfg;
	strbuf_addstr(why, "packet capture is not part of this build yet");
	return NULL;
}

void wire_free(struct wire *w)
{
	free(w);
}

bool wire_is_live(const struct wire *w)
{
	return w != NULL;
}

const char *wire_interface(const struct wire *w)
{
	return "";
}

int wire_fd(struct wire *w)
{
	return -1;
}

void wire_expect(struct wire *w, const struct client_facts *f)
{
}

void wire_collect(struct wire *w, struct client_facts *f, int ms, const bool *quit,
		  pthread_mutex_t *quit_lock)
{
}

void wire_pump(struct wire *w, struct report_capture *cap)
{
}

void wire_finish(struct wire *w, struct report_capture *cap)
{
}

/* SPDX-License-Identifier: MIT */
/* Feeds arbitrary bytes to target_parse and target_set_port and checks what
 * a caller relies on: a refusal leaves the target alone, an acceptance
 * gives a port in range and text with no control bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target.h"
#include "engine/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when s holds no byte a terminal would act on. */
static int clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; s != NULL && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *arg = xmalloc(size + 1);
	struct target t, other;
	int err;

	memcpy(arg, data, size);
	arg[size] = '\0';

	target_init(&t);
	if (target_parse(&t, "alice@keep.example:2200") != TARGET_OK)
		abort();
	err = target_parse(&t, arg);
	if (err != TARGET_OK) {
		/* a refusal must leave the earlier target exactly as it was */
		if (t.host == NULL || strcmp(t.host, "keep.example") != 0 ||
		    t.user == NULL || strcmp(t.user, "alice") != 0 ||
		    t.port != 2200 || !t.port_given || t.symptom != SYMPTOM_NONE)
			abort();
		if (target_strerror(err)[0] == '\0')
			abort();
	} else {
		if (t.port < 1 || t.port > 65535 || !clean(t.host) || !clean(t.user) ||
		    !clean(t.symptom_text))
			abort();
		/* only the identification lines name no host, and then the
		 * person is told which line to paste */
		if (t.host == NULL && ((t.symptom != SYMPTOM_CLOSED && t.symptom != SYMPTOM_RESET) ||
				       target_host_hint(&t) == NULL))
			abort();
		if ((t.symptom == SYMPTOM_NONE) != (t.symptom_text == NULL))
			abort();
		if (t.host != NULL && t.host[0] == '-')
			abort();
		(void)symptom_id(t.symptom);
		(void)symptom_words(t.symptom);
	}

	/* the same bytes as a -p value, and merged into an empty target */
	err = target_set_port(&t, arg);
	if (err != TARGET_OK && err != TARGET_BAD_PORT)
		abort();
	target_init(&other);
	target_merge(&other, &t);
	target_release(&other);
	target_release(&t);
	free(arg);
	return 0;
}

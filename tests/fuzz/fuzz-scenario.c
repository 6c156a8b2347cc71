/* SPDX-License-Identifier: MIT */
/* Fuzz the practice lab's scenario files: a teacher's text, read from
 * assets/lab/ or an SSH_DOCTOR_ASSETS folder. Any input gives a scenario or
 * one error line naming the file and line, never a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lab_scenario sc;
	struct strbuf err;
	struct strv words;

	strbuf_init(&err);
	if (lab_scenario_parse(&sc, "lab/fuzz.scenario", (const char *)data, size, &err) == 0)
		lab_scenario_release(&sc);
	else if (strncmp(err.buf, "lab/fuzz.scenario", 17) != 0)
		__builtin_trap();	/* an error must name the file */
	strbuf_release(&err);
	if (size < 4096) {
		char *s = strndup((const char *)data, size);

		strv_init(&words);
		lab_split_words(s, &words);
		strv_release(&words);
		free(s);
	}
	return 0;
}

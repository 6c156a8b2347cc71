/* SPDX-License-Identifier: MIT */
/* Fuzz the judge of what a server said first (an SSH identification, a
 * MaxStartups refusal, another protocol, nothing), and the platform read
 * from an identification. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/conn.h"
#include "engine/parse/parse-ssh-ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1), *text;

	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	for (int k = 0; k < 4; k++) {
		text = NULL;
		banner_classify(copy, size, k & 1, k & 2, &text);
		/* the platform is read from what banner_classify made printable */
		(void)platform_from_ssh_ident(text);
		free(text);
	}
	free(copy);
	return 0;
}

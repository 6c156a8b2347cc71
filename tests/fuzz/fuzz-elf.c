/* SPDX-License-Identifier: MIT */
/* Fuzz the ELF reader that lists an sshd binary's DT_NEEDED libraries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/parse/parse-elf-needed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strv needed;
	void *copy;
	int r;

	/* a copy of exactly size bytes, so ASan sees any read past the end */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	if (size)
		memcpy(copy, data, size);
	strv_init(&needed);
	r = elf_needed_parse(copy, size, &needed);
	if (r != 0)
		elf_needed_strerror(r);
	else
		elf_needed_has_libwrap(&needed);
	strv_release(&needed);
	free(copy);
	return 0;
}

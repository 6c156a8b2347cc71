/* SPDX-License-Identifier: MIT */
/*
 * Lists the DT_NEEDED libraries of an ELF file: used to tell whether this
 * sshd was linked with libwrap, and so whether hosts.allow/hosts.deny can
 * refuse it at all (OpenSSH dropped TCP wrappers in 6.7; Debian and Ubuntu
 * still link libwrap.so.0).
 *
 * Pure: the caller reads the file. 32- and 64-bit, either byte order; every
 * offset is bounds-checked, so garbage is reported, not crashed on. The
 * dynamic section is found through the program headers (PT_DYNAMIC), which
 * stripped binaries keep, else through the section headers.
 */
#ifndef SSHD_PARSE_ELF_NEEDED_H
#define SSHD_PARSE_ELF_NEEDED_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/util.h"

enum {
	ELF_NEEDED_OK = 0,
	ELF_NEEDED_E_NOT_ELF = -1,	/* no \x7fELF magic */
	ELF_NEEDED_E_CLASS = -2,	/* neither 32- nor 64-bit, or unknown byte order */
	ELF_NEEDED_E_TRUNCATED = -3,	/* a header or table lies outside the data */
	ELF_NEEDED_E_NO_DYNAMIC = -4,	/* statically linked: no dynamic section */
	ELF_NEEDED_E_BAD_DYNAMIC = -5,	/* the dynamic section points at nothing sane */
};

/*
 * Appends the DT_NEEDED names of the ELF image data[0..len) to out (a
 * strv_init'ed list the caller releases), in file order. Names are copied
 * and made printable. Returns ELF_NEEDED_OK or a negative ELF_NEEDED_E_*;
 * on error out may hold the names read before the problem.
 */
int elf_needed_parse(const void *data, size_t len, struct strv *out);

/* A lowercase sentence for an ELF_NEEDED_E_* code; static storage. */
const char *elf_needed_strerror(int err);

/* True when one of the names is libwrap (libwrap.so, libwrap.so.0, ...). */
bool elf_needed_has_libwrap(const struct strv *needed);

#endif

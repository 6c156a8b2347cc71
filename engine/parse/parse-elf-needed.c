/* SPDX-License-Identifier: MIT */
/* DT_NEEDED from ELF bytes, without trusting a single offset. */
#include <stdint.h>
#include <string.h>

#include "engine/parse/parse-elf-needed.h"

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ELFDATA2MSB 2
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define SHT_DYNAMIC 6
#define DT_NULL 0
#define DT_NEEDED 1
#define DT_STRTAB 5
#define DT_STRSZ 10
/* more than any real binary has; stops loops over hostile counts */
#define ELF_MAX_ENTRIES 65536

struct elf {
	const uint8_t *p;
	size_t len;
	bool is64;
	bool msb;
};

static bool elf_in(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

static uint64_t elf_get(const struct elf *e, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++) {
		unsigned idx = e->msb ? i : size - 1 - i;

		v = (v << 8) | e->p[off + idx];
	}
	return v;
}

/* An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t elf_word(const struct elf *e, uint64_t off)
{
	return elf_get(e, off, e->is64 ? 8 : 4);
}

/* Maps a virtual address to a file offset through the PT_LOAD segments. */
static int elf_vaddr_to_off(const struct elf *e, uint64_t phoff, uint64_t phnum,
			    uint64_t phentsize, uint64_t vaddr, uint64_t *off)
{
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;
		uint64_t type, poff, pvaddr, filesz;

		type = elf_get(e, ph, 4);
		if (type != PT_LOAD)
			continue;
		if (e->is64) {
			poff = elf_get(e, ph + 8, 8);
			pvaddr = elf_get(e, ph + 16, 8);
			filesz = elf_get(e, ph + 32, 8);
		} else {
			poff = elf_get(e, ph + 4, 4);
			pvaddr = elf_get(e, ph + 8, 4);
			filesz = elf_get(e, ph + 16, 4);
		}
		if (vaddr >= pvaddr && vaddr - pvaddr < filesz) {
			*off = poff + (vaddr - pvaddr);
			return 0;
		}
	}
	return -1;
}

/* Walks the dynamic entries at [dynoff, dynoff+dynsize): collects the
 * DT_NEEDED string offsets and the string table's address and size. */
static int elf_read_dynamic(const struct elf *e, uint64_t dynoff, uint64_t dynsize,
			    uint64_t *strtab, uint64_t *strsz, uint64_t *needed,
			    size_t maxneeded, size_t *nneeded)
{
	unsigned entsize = e->is64 ? 16 : 8;
	uint64_t count;
	bool have_strtab = false;

	if (!elf_in(e, dynoff, dynsize))
		return ELF_NEEDED_E_TRUNCATED;
	count = dynsize / entsize;
	if (count > ELF_MAX_ENTRIES)
		count = ELF_MAX_ENTRIES;
	*nneeded = 0;
	*strsz = 0;
	for (uint64_t i = 0; i < count; i++) {
		uint64_t at = dynoff + i * entsize;
		uint64_t tag = elf_word(e, at);
		uint64_t val = elf_word(e, at + entsize / 2);

		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED && *nneeded < maxneeded)
			needed[(*nneeded)++] = val;
		else if (tag == DT_STRTAB) {
			*strtab = val;
			have_strtab = true;
		} else if (tag == DT_STRSZ)
			*strsz = val;
	}
	if (*nneeded > 0 && !have_strtab)
		return ELF_NEEDED_E_BAD_DYNAMIC;
	return 0;
}

/* Copies the NUL-terminated string at off within [base, base+size). */
static int elf_push_string(const struct elf *e, uint64_t base, uint64_t size,
			   uint64_t off, struct strv *out)
{
	uint64_t start, limit;
	const uint8_t *s, *nul;
	struct strbuf sb;

	if (off >= size || !elf_in(e, base, size))
		return ELF_NEEDED_E_BAD_DYNAMIC;
	start = base + off;
	limit = size - off;
	s = e->p + start;
	nul = memchr(s, '\0', (size_t)limit);
	if (nul == NULL)
		return ELF_NEEDED_E_BAD_DYNAMIC;
	strbuf_init(&sb);
	strbuf_add_printable(&sb, s, (size_t)(nul - s), false);
	strv_push_owned(out, sb.buf);	/* handed over */
	return 0;
}

int elf_needed_parse(const void *data, size_t len, struct strv *out)
{
	struct elf e = { .p = data, .len = len };
	uint64_t phoff, shoff, phentsize, phnum, shentsize, shnum;
	uint64_t dynoff = 0, dynsize = 0, strtab = 0, strsz = 0, stroff = 0;
	uint64_t needed[256];
	size_t nneeded = 0;
	bool found = false;
	int r;

	if (len < 16 || memcmp(e.p, "\x7f" "ELF", 4) != 0)
		return ELF_NEEDED_E_NOT_ELF;
	if (e.p[EI_CLASS] != ELFCLASS32 && e.p[EI_CLASS] != ELFCLASS64)
		return ELF_NEEDED_E_CLASS;
	if (e.p[EI_DATA] != ELFDATA2LSB && e.p[EI_DATA] != ELFDATA2MSB)
		return ELF_NEEDED_E_CLASS;
	e.is64 = e.p[EI_CLASS] == ELFCLASS64;
	e.msb = e.p[EI_DATA] == ELFDATA2MSB;
	if (!elf_in(&e, 0, e.is64 ? 64 : 52))
		return ELF_NEEDED_E_TRUNCATED;
	if (e.is64) {
		phoff = elf_get(&e, 32, 8);
		shoff = elf_get(&e, 40, 8);
		phentsize = elf_get(&e, 54, 2);
		phnum = elf_get(&e, 56, 2);
		shentsize = elf_get(&e, 58, 2);
		shnum = elf_get(&e, 60, 2);
	} else {
		phoff = elf_get(&e, 28, 4);
		shoff = elf_get(&e, 32, 4);
		phentsize = elf_get(&e, 42, 2);
		phnum = elf_get(&e, 44, 2);
		shentsize = elf_get(&e, 46, 2);
		shnum = elf_get(&e, 48, 2);
	}

	/* program headers: PT_DYNAMIC, strings through PT_LOAD mapping */
	if (phnum > 0) {
		if (phentsize < (e.is64 ? 56u : 32u) ||
		    !elf_in(&e, phoff, phnum * phentsize))
			return ELF_NEEDED_E_TRUNCATED;
		for (uint64_t i = 0; i < phnum; i++) {
			uint64_t ph = phoff + i * phentsize;

			if (elf_get(&e, ph, 4) != PT_DYNAMIC)
				continue;
			dynoff = e.is64 ? elf_get(&e, ph + 8, 8) : elf_get(&e, ph + 4, 4);
			dynsize = e.is64 ? elf_get(&e, ph + 32, 8) : elf_get(&e, ph + 16, 4);
			found = true;
			break;
		}
		if (found) {
			r = elf_read_dynamic(&e, dynoff, dynsize, &strtab, &strsz, needed,
					     sizeof(needed) / sizeof(needed[0]), &nneeded);
			if (r != 0)
				return r;
			if (nneeded == 0)
				return 0;
			if (elf_vaddr_to_off(&e, phoff, phnum, phentsize, strtab, &stroff) != 0)
				return ELF_NEEDED_E_BAD_DYNAMIC;
			if (strsz == 0 || !elf_in(&e, stroff, strsz))
				strsz = stroff <= len ? len - stroff : 0;
			for (size_t i = 0; i < nneeded; i++)
				if ((r = elf_push_string(&e, stroff, strsz, needed[i], out)) != 0)
					return r;
			return 0;
		}
	}

	/* no program headers (an object file?): SHT_DYNAMIC and its sh_link */
	if (shnum > 0) {
		unsigned need = e.is64 ? 64 : 40;

		if (shentsize < need || !elf_in(&e, shoff, shnum * shentsize))
			return ELF_NEEDED_E_TRUNCATED;
		for (uint64_t i = 0; i < shnum; i++) {
			uint64_t sh = shoff + i * shentsize, link, lsh;

			if (elf_get(&e, sh + 4, 4) != SHT_DYNAMIC)
				continue;
			dynoff = e.is64 ? elf_get(&e, sh + 24, 8) : elf_get(&e, sh + 16, 4);
			dynsize = e.is64 ? elf_get(&e, sh + 32, 8) : elf_get(&e, sh + 20, 4);
			link = elf_get(&e, sh + (e.is64 ? 40 : 24), 4);
			if (link >= shnum)
				return ELF_NEEDED_E_BAD_DYNAMIC;
			lsh = shoff + link * shentsize;
			stroff = e.is64 ? elf_get(&e, lsh + 24, 8) : elf_get(&e, lsh + 16, 4);
			strsz = e.is64 ? elf_get(&e, lsh + 32, 8) : elf_get(&e, lsh + 20, 4);
			r = elf_read_dynamic(&e, dynoff, dynsize, &strtab, &strsz, needed,
					     sizeof(needed) / sizeof(needed[0]), &nneeded);
			/* elf_read_dynamic overwrote strsz with DT_STRSZ: prefer the section's */
			strsz = e.is64 ? elf_get(&e, lsh + 32, 8) : elf_get(&e, lsh + 20, 4);
			if (r != 0)
				return r;
			for (size_t j = 0; j < nneeded; j++)
				if ((r = elf_push_string(&e, stroff, strsz, needed[j], out)) != 0)
					return r;
			return 0;
		}
	}
	return ELF_NEEDED_E_NO_DYNAMIC;
}

const char *elf_needed_strerror(int err)
{
	switch (err) {
	case ELF_NEEDED_OK:
		return "no error";
	case ELF_NEEDED_E_NOT_ELF:
		return "not an ELF file";
	case ELF_NEEDED_E_CLASS:
		return "unknown ELF class or byte order";
	case ELF_NEEDED_E_TRUNCATED:
		return "ELF headers point past the end of the file (truncated or damaged)";
	case ELF_NEEDED_E_NO_DYNAMIC:
		return "statically linked: no dynamic section";
	case ELF_NEEDED_E_BAD_DYNAMIC:
		return "the dynamic section is damaged";
	}
	return "unknown error";
}

bool elf_needed_has_libwrap(const struct strv *needed)
{
	for (size_t i = 0; i < needed->n; i++)
		if (str_starts_with(needed->v[i], "libwrap.so"))
			return true;
	return false;
}

/* SPDX-License-Identifier: MIT */
/* DT_NEEDED from ELF bytes: a committed tiny binary, a hand-built ELF32
 * big-endian image, damaged copies, and this machine's sshd when present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#include "engine/parse/parse-elf-needed.h"
#include "engine/util.h"

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb;
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	strbuf_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb.buf;
}

static char *fixture(const char *name, size_t *len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "server/elf/%s", name);
	return fixture_load(rel, len);
}

static void put32be(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put16be(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* An ELF32 MSB image: header, PT_LOAD + PT_DYNAMIC, dynamic, strings. */
static size_t build_elf32_msb(uint8_t *img, size_t cap)
{
	const char strings[] = "\0libwrap.so.0\0libc.so.6\0";
	const uint32_t base = 0x10000;
	size_t phoff = 52, dynoff = phoff + 2 * 32, stroff = dynoff + 5 * 8;
	size_t total = stroff + sizeof(strings);
	uint8_t *ph, *d;

	assert_true(total <= cap);
	memset(img, 0, total);
	memcpy(img, "\x7f" "ELF", 4);
	img[4] = 1;			/* ELFCLASS32 */
	img[5] = 2;			/* ELFDATA2MSB */
	img[6] = 1;
	put16be(img + 16, 3);		/* ET_DYN */
	put16be(img + 18, 8);		/* EM_MIPS */
	put32be(img + 28, (uint32_t)phoff);
	put16be(img + 40, 52);
	put16be(img + 42, 32);
	put16be(img + 44, 2);
	put16be(img + 46, 40);
	ph = img + phoff;
	put32be(ph, 1);			/* PT_LOAD of the whole image */
	put32be(ph + 4, 0);
	put32be(ph + 8, base);
	put32be(ph + 16, (uint32_t)total);
	put32be(ph + 20, (uint32_t)total);
	ph += 32;
	put32be(ph, 2);			/* PT_DYNAMIC */
	put32be(ph + 4, (uint32_t)dynoff);
	put32be(ph + 8, base + (uint32_t)dynoff);
	put32be(ph + 16, 5 * 8);
	d = img + dynoff;
	put32be(d, 1);			/* DT_NEEDED libwrap.so.0 */
	put32be(d + 4, 1);
	put32be(d + 8, 1);		/* DT_NEEDED libc.so.6 */
	put32be(d + 12, 14);
	put32be(d + 16, 5);		/* DT_STRTAB */
	put32be(d + 20, base + (uint32_t)stroff);
	put32be(d + 24, 10);		/* DT_STRSZ */
	put32be(d + 28, sizeof(strings));
	/* DT_NULL is already zero */
	memcpy(img + stroff, strings, sizeof(strings));
	return total;
}

static void test_tiny_x86_64_lists_libm_and_libc(void **state)
{
	struct strv needed;
	size_t len;
	char *img = fixture("tiny-x86_64-libm", &len);

	strv_init(&needed);
	assert_int_equal(elf_needed_parse(img, len, &needed), ELF_NEEDED_OK);
	if (needed.n != 2)
		fail_msg("expected 2 needed libraries (libm.so.6, libc.so.6), got %zu", needed.n);
	assert_string_equal(needed.v[0], "libm.so.6");
	assert_string_equal(needed.v[1], "libc.so.6");
	assert_false(elf_needed_has_libwrap(&needed));
	strv_release(&needed);
	free(img);
}

static void test_elf32_big_endian_is_read(void **state)
{
	uint8_t img[512];
	size_t len = build_elf32_msb(img, sizeof(img));
	struct strv needed;

	strv_init(&needed);
	assert_int_equal(elf_needed_parse(img, len, &needed), ELF_NEEDED_OK);
	assert_int_equal(needed.n, 2);
	assert_string_equal(needed.v[0], "libwrap.so.0");
	if (!elf_needed_has_libwrap(&needed))
		fail_msg("expected libwrap.so.0 to count as libwrap");
	strv_release(&needed);
}

static void test_not_elf_is_refused(void **state)
{
	struct strv needed;

	strv_init(&needed);
	assert_int_equal(elf_needed_parse("#!/bin/sh\necho hi\n", 18, &needed), ELF_NEEDED_E_NOT_ELF);
	assert_int_equal(elf_needed_parse("", 0, &needed), ELF_NEEDED_E_NOT_ELF);
	assert_string_equal(elf_needed_strerror(ELF_NEEDED_E_NOT_ELF), "not an ELF file");
	strv_release(&needed);
}

static void test_truncated_copies_give_errors_or_the_whole_list(void **state)
{
	size_t len;
	char *img = fixture("tiny-x86_64-libm", &len);

	for (size_t cut = 0; cut < len; cut += (cut < 1024 ? 1 : 97)) {
		struct strv needed;
		char *copy = xmalloc(cut ? cut : 1);
		int r;

		memcpy(copy, img, cut);
		strv_init(&needed);
		r = elf_needed_parse(copy, cut, &needed);
		if (r == 0 && (needed.n != 2 || strcmp(needed.v[0], "libm.so.6") != 0))
			fail_msg("expected a cut at %zu bytes to give an error or both names", cut);
		if (cut < 64 && r == 0)
			fail_msg("expected a cut inside the ELF header (%zu bytes) to be an error", cut);
		strv_release(&needed);
		free(copy);
	}
	free(img);
}

static void test_flipped_bytes_never_read_out_of_bounds(void **state)
{
	uint8_t img[512], copy[512];
	size_t len = build_elf32_msb(img, sizeof(img));
	uint32_t seed = 12345;

	for (int round = 0; round < 20000; round++) {
		struct strv needed;

		memcpy(copy, img, len);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % len] ^= (uint8_t)(seed >> 24);
		}
		strv_init(&needed);
		(void)elf_needed_parse(copy, len, &needed);
		strv_release(&needed);
	}
}

static void test_this_sshd_lists_libwrap_when_present(void **state)
{
	struct strv needed;
	size_t len;
	char *img = slurp("/usr/sbin/sshd", &len);

	if (img == NULL)
		skip();
	strv_init(&needed);
	assert_int_equal(elf_needed_parse(img, len, &needed), ELF_NEEDED_OK);
	assert_true(strv_contains(&needed, "libc.so.6"));
	/* Debian and Ubuntu link it; elsewhere there is nothing to check */
	if (!strv_contains(&needed, "libwrap.so.0")) {
		strv_release(&needed);
		free(img);
		skip();
	}
	assert_true(elf_needed_has_libwrap(&needed));
	strv_release(&needed);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_x86_64_lists_libm_and_libc),
		cmocka_unit_test(test_elf32_big_endian_is_read),
		cmocka_unit_test(test_not_elf_is_refused),
		cmocka_unit_test(test_truncated_copies_give_errors_or_the_whole_list),
		cmocka_unit_test(test_flipped_bytes_never_read_out_of_bounds),
		cmocka_unit_test(test_this_sshd_lists_libwrap_when_present),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

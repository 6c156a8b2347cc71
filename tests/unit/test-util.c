/* SPDX-License-Identifier: MIT */
/* util: growable buffers, string lists, and printable(), which stands
 * between every byte from outside and the screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/util.h"

/* Fails saying what was expected when got differs from want. */
#define expect_str(got, want, what) do { \
	const char *got_ = (got), *want_ = (want); \
	if (got_ == NULL || strcmp(got_, want_) != 0) \
		fail_msg("%s: expected \"%s\", got \"%s\"", (what), want_, \
			 got_ ? got_ : "(null)"); \
} while (0)

#define expect_true(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

/* printable() of n bytes compared with want, the result freed. */
static void expect_printable(const char *in, size_t n, bool utf8, const char *want,
			     const char *what)
{
	char *p = printable(in, n, utf8);

	if (strcmp(p, want) != 0) {
		print_error("%s: expected \"%s\", got \"%s\"\n", what, want, p);
		free(p);
		fail();
	}
	free(p);
}

/* strbuf */

static void strbuf_is_empty_and_terminated_after_init(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	expect_true(sb.buf != NULL, "expected buf not NULL after strbuf_init");
	expect_true(sb.len == 0, "expected len 0 after init, got %zu", sb.len);
	expect_str(sb.buf, "", "buf after init");
	strbuf_release(&sb);
}

static void strbuf_add_functions_append_in_order(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "ab");
	strbuf_addch(&sb, 'c');
	strbuf_add(&sb, "de!", 2);
	strbuf_addf(&sb, "-%d-%s", 42, "x");
	expect_str(sb.buf, "abcde-42-x", "appended text");
	expect_true(sb.len == strlen("abcde-42-x"), "expected len %zu, got %zu",
		    strlen("abcde-42-x"), sb.len);
	strbuf_release(&sb);
}

static void strbuf_grows_past_many_kilobytes(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (int i = 0; i < 10000; i++)
		strbuf_addstr(&sb, "0123456789");
	expect_true(sb.len == 100000, "expected len 100000, got %zu", sb.len);
	expect_true(sb.buf[sb.len] == '\0', "expected the buffer NUL-terminated");
	expect_true(memcmp(sb.buf + 99990, "0123456789", 10) == 0,
		    "expected the last ten bytes to be 0123456789");
	strbuf_release(&sb);
}

static void strbuf_keeps_embedded_nul_bytes(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_add(&sb, "a\0b", 3);
	expect_true(sb.len == 3, "expected len 3 with an inner NUL, got %zu", sb.len);
	expect_true(memcmp(sb.buf, "a\0b", 4) == 0, "expected bytes a, NUL, b, NUL");
	strbuf_release(&sb);
}

static void strbuf_reset_empties_but_stays_usable(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "hello");
	strbuf_reset(&sb);
	expect_str(sb.buf, "", "buf after reset");
	strbuf_addstr(&sb, "again");
	expect_str(sb.buf, "again", "buf after reset and add");
	strbuf_release(&sb);
}

static void strbuf_detach_hands_over_and_reinitialises(void **state)
{
	struct strbuf sb;
	size_t len = 0;
	char *s;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "taken");
	s = strbuf_detach(&sb, &len);
	expect_str(s, "taken", "detached string");
	expect_true(len == 5, "expected detached len 5, got %zu", len);
	expect_true(sb.buf != NULL && sb.len == 0 && sb.buf[0] == '\0',
		    "expected sb empty and usable after detach");
	strbuf_addstr(&sb, "new");
	expect_str(sb.buf, "new", "buf after detach and add");
	expect_str(s, "taken", "detached string after the buffer was reused");
	free(s);
	strbuf_release(&sb);
}

static void strbuf_detach_twice_gives_two_strings_to_free(void **state)
{
	struct strbuf sb;
	char *a, *b;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "first");
	a = strbuf_detach(&sb, NULL);
	b = strbuf_detach(&sb, NULL);
	expect_str(a, "first", "first detached string");
	expect_str(b, "", "second detached string of an empty buffer");
	free(a);
	free(b);
	strbuf_release(&sb);
}

static void strbuf_release_after_detach_is_harmless(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "x");
	free(strbuf_detach(&sb, NULL));
	strbuf_reset(&sb);
	expect_str(sb.buf, "", "buf after detach and reset");
	strbuf_release(&sb);
	strbuf_release(&sb);
}

/* strv */

static void strv_push_copies_and_keeps_order(void **state)
{
	struct strv sv;
	char word[] = "one";

	strv_init(&sv);
	strv_push(&sv, word);
	word[0] = 'X';
	strv_push_owned(&sv, xstrdup("two"));
	strv_pushf(&sv, "%s-%d", "three", 3);
	expect_true(sv.n == 3, "expected 3 strings, got %zu", sv.n);
	expect_str(sv.v[0], "one", "first string (a copy, not the caller's buffer)");
	expect_str(sv.v[1], "two", "second string");
	expect_str(sv.v[2], "three-3", "third string");
	strv_release(&sv);
}

static void strv_contains_finds_only_exact_strings(void **state)
{
	struct strv sv;

	strv_init(&sv);
	strv_push(&sv, "alpha");
	strv_push(&sv, "beta");
	expect_true(strv_contains(&sv, "beta"), "expected 'beta' to be found");
	expect_true(!strv_contains(&sv, "bet"), "expected a prefix 'bet' not to be found");
	expect_true(!strv_contains(&sv, "ALPHA"), "expected 'ALPHA' not to match 'alpha'");
	strv_release(&sv);
}

static void strv_copy_appends_independent_copies(void **state)
{
	struct strv a, b;

	strv_init(&a);
	strv_init(&b);
	strv_push(&a, "x");
	strv_push(&a, "y");
	strv_push(&b, "w");
	strv_copy(&b, &a);
	strv_release(&a);
	expect_true(b.n == 3, "expected 3 strings after copy, got %zu", b.n);
	expect_str(b.v[0], "w", "kept first string");
	expect_str(b.v[1], "x", "first copied string");
	expect_str(b.v[2], "y", "second copied string");
	strv_release(&b);
}

static void strv_release_leaves_an_empty_list(void **state)
{
	struct strv sv;

	strv_init(&sv);
	strv_push(&sv, "gone");
	strv_release(&sv);
	expect_true(sv.n == 0, "expected n 0 after release, got %zu", sv.n);
	strv_release(&sv);   /* twice is harmless */
}

/* printable */

static void printable_keeps_plain_ascii(void **state)
{
	const char *s = "SSH-2.0-OpenSSH_9.6 Ubuntu ~!@#$%^&*()";

	expect_printable(s, strlen(s), false, s, "plain ascii");
}

static void printable_turns_escape_into_hex(void **state)
{
	expect_printable("a\x1b[31mb", 7, false, "a\\x1b[31mb", "ESC of a colour sequence");
}

static void printable_turns_nul_into_hex(void **state)
{
	expect_printable("a\0b", 3, false, "a\\x00b", "a NUL byte");
}

static void printable_turns_del_into_hex(void **state)
{
	expect_printable("a\x7f", 2, true, "a\\x7f", "DEL");
}

static void printable_turns_newline_and_cr_into_hex(void **state)
{
	expect_printable("a\r\nb", 4, true, "a\\x0d\\x0ab", "CR LF");
}

static void printable_turns_tab_into_space(void **state)
{
	expect_printable("a\tb", 3, false, "a b", "a tab");
}

static void printable_doubles_a_backslash(void **state)
{
	/* so that a real "\x1b" in the input cannot pass for an escaped byte */
	expect_printable("a\\x1b", 5, false, "a\\\\x1b", "a backslash");
}

static void printable_turns_c1_control_into_hex_even_with_utf8(void **state)
{
	/* U+009B is CSI, which some terminals honour like ESC [ */
	expect_printable("a\xc2\x9b" "b", 4, true, "a\\xc2\\x9bb", "U+009B (C1 CSI)");
}

static void printable_turns_raw_c1_byte_into_hex(void **state)
{
	expect_printable("a\x9b" "b", 3, false, "a\\x9bb", "a raw 0x9b byte");
}

static void printable_turns_bidi_override_into_hex_even_with_utf8(void **state)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE would reorder what follows on screen */
	expect_printable("a\xe2\x80\xae" "b", 5, true, "a\\xe2\\x80\\xaeb", "U+202E");
}

static void printable_turns_bidi_isolate_into_hex_even_with_utf8(void **state)
{
	expect_printable("\xe2\x81\xa6", 3, true, "\\xe2\\x81\\xa6", "U+2066 (LRI)");
}

static void printable_keeps_valid_utf8_when_allowed(void **state)
{
	/* é (2 bytes), € (3 bytes), 😀 (4 bytes) */
	const char *s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";

	expect_printable(s, strlen(s), true, s, "valid utf-8 with allow_utf8");
}

static void printable_escapes_valid_utf8_when_not_allowed(void **state)
{
	expect_printable("caf\xc3\xa9", 5, false, "caf\\xc3\\xa9", "valid utf-8 without allow_utf8");
}

static void printable_escapes_a_lone_continuation_byte(void **state)
{
	expect_printable("a\x80" "b", 3, true, "a\\x80b", "a lone continuation byte");
}

static void printable_escapes_0xff(void **state)
{
	expect_printable("\xff\xfe", 2, true, "\\xff\\xfe", "bytes 0xff 0xfe");
}

static void printable_escapes_a_sequence_cut_at_the_end(void **state)
{
	expect_printable("a\xe2\x82", 3, true, "a\\xe2\\x82", "a 3-byte sequence missing its last byte");
}

static void printable_escapes_an_overlong_encoding(void **state)
{
	/* 0xc0 0xaf is an overlong '/' */
	expect_printable("\xc0\xaf", 2, true, "\\xc0\\xaf", "an overlong '/'");
	expect_printable("\xe0\x80\xaf", 3, true, "\\xe0\\x80\\xaf", "a 3-byte overlong '/'");
}

static void printable_escapes_a_utf16_surrogate(void **state)
{
	expect_printable("\xed\xa0\x80", 3, true, "\\xed\\xa0\\x80", "U+D800 encoded as utf-8");
}

static void printable_escapes_code_points_above_0x10ffff(void **state)
{
	expect_printable("\xf4\x90\x80\x80", 4, true, "\\xf4\\x90\\x80\\x80", "U+110000");
}

static void printable_of_nothing_is_an_empty_string(void **state)
{
	expect_printable("", 0, true, "", "zero bytes");
}

static void strbuf_add_printable_appends_after_existing_text(void **state)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addstr(&sb, "said: ");
	strbuf_add_printable(&sb, "x\x01y", 3, false);
	expect_str(sb.buf, "said: x\\x01y", "appended printable text");
	strbuf_release(&sb);
}

/* small string helpers */

static void str_trim_removes_white_space_at_both_ends(void **state)
{
	char s[] = " \t value here \r\n";

	expect_str(str_trim(s), "value here", "trimmed string");
}

static void str_starts_with_and_str_ieq_compare_as_documented(void **state)
{
	expect_true(str_starts_with("ssh: connect", "ssh:"), "expected 'ssh: connect' to start with 'ssh:'");
	expect_true(!str_starts_with("ss", "ssh"), "expected 'ss' not to start with 'ssh'");
	expect_true(str_ieq("Example.COM", "example.com"), "expected a case-insensitive match");
	expect_true(!str_ieq("example.co", "example.com"), "expected different lengths not to match");
}

static void str_next_line_cuts_lines_and_their_cr(void **state)
{
	char *text = str_from_buf("one\r\ntw\0o\n\nlast", 15), *pos = text, *l;

	(void)state;
	assert_string_equal(text, "one\r\ntw o\n\nlast");
	assert_string_equal((l = str_next_line(&pos)), "one");
	assert_string_equal((l = str_next_line(&pos)), "tw o");
	assert_string_equal((l = str_next_line(&pos)), "");
	assert_string_equal((l = str_next_line(&pos)), "last");
	assert_null(str_next_line(&pos));
	assert_null(str_next_line(&pos));
	free(text);
	text = str_from_buf("", 0);
	pos = text;
	assert_null(str_next_line(&pos));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strbuf_is_empty_and_terminated_after_init),
		cmocka_unit_test(strbuf_add_functions_append_in_order),
		cmocka_unit_test(strbuf_grows_past_many_kilobytes),
		cmocka_unit_test(strbuf_keeps_embedded_nul_bytes),
		cmocka_unit_test(strbuf_reset_empties_but_stays_usable),
		cmocka_unit_test(strbuf_detach_hands_over_and_reinitialises),
		cmocka_unit_test(strbuf_detach_twice_gives_two_strings_to_free),
		cmocka_unit_test(strbuf_release_after_detach_is_harmless),
		cmocka_unit_test(strv_push_copies_and_keeps_order),
		cmocka_unit_test(strv_contains_finds_only_exact_strings),
		cmocka_unit_test(strv_copy_appends_independent_copies),
		cmocka_unit_test(strv_release_leaves_an_empty_list),
		cmocka_unit_test(printable_keeps_plain_ascii),
		cmocka_unit_test(printable_turns_escape_into_hex),
		cmocka_unit_test(printable_turns_nul_into_hex),
		cmocka_unit_test(printable_turns_del_into_hex),
		cmocka_unit_test(printable_turns_newline_and_cr_into_hex),
		cmocka_unit_test(printable_turns_tab_into_space),
		cmocka_unit_test(printable_doubles_a_backslash),
		cmocka_unit_test(printable_turns_c1_control_into_hex_even_with_utf8),
		cmocka_unit_test(printable_turns_raw_c1_byte_into_hex),
		cmocka_unit_test(printable_turns_bidi_override_into_hex_even_with_utf8),
		cmocka_unit_test(printable_turns_bidi_isolate_into_hex_even_with_utf8),
		cmocka_unit_test(printable_keeps_valid_utf8_when_allowed),
		cmocka_unit_test(printable_escapes_valid_utf8_when_not_allowed),
		cmocka_unit_test(printable_escapes_a_lone_continuation_byte),
		cmocka_unit_test(printable_escapes_0xff),
		cmocka_unit_test(printable_escapes_a_sequence_cut_at_the_end),
		cmocka_unit_test(printable_escapes_an_overlong_encoding),
		cmocka_unit_test(printable_escapes_a_utf16_surrogate),
		cmocka_unit_test(printable_escapes_code_points_above_0x10ffff),
		cmocka_unit_test(printable_of_nothing_is_an_empty_string),
		cmocka_unit_test(strbuf_add_printable_appends_after_existing_text),
		cmocka_unit_test(str_trim_removes_white_space_at_both_ends),
		cmocka_unit_test(str_starts_with_and_str_ieq_compare_as_documented),
		cmocka_unit_test(str_next_line_cuts_lines_and_their_cr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

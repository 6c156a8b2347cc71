/* SPDX-License-Identifier: MIT */
/* The escape sequences of PgUp, PgDn, Home, End and the arrows that a
 * terminfo entry (vt100) does not name are decoded; ESC with anything else
 * after it stays ESC. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "tui/keys.h"

struct row {
	const char *says;
	const char *after_esc;	/* the bytes that follow ESC */
	enum keys_decode want;
	int key;		/* for KEYS_DONE */
};

static const struct row rows[] = {
	{ "ESC [ 6 ~ is PgDn", "[6~", KEYS_DONE, KEY_NPAGE },
	{ "ESC [ 5 ~ is PgUp", "[5~", KEYS_DONE, KEY_PPAGE },
	{ "ESC [ 1 ~ is Home", "[1~", KEYS_DONE, KEY_HOME },
	{ "ESC [ 7 ~ is Home (rxvt)", "[7~", KEYS_DONE, KEY_HOME },
	{ "ESC [ H is Home", "[H", KEYS_DONE, KEY_HOME },
	{ "ESC O H is Home", "OH", KEYS_DONE, KEY_HOME },
	{ "ESC [ 4 ~ is End", "[4~", KEYS_DONE, KEY_END },
	{ "ESC [ 8 ~ is End (rxvt)", "[8~", KEYS_DONE, KEY_END },
	{ "ESC [ F is End", "[F", KEYS_DONE, KEY_END },
	{ "ESC O F is End", "OF", KEYS_DONE, KEY_END },
	{ "ESC [ A is the up arrow", "[A", KEYS_DONE, KEY_UP },
	{ "ESC O B is the down arrow", "OB", KEYS_DONE, KEY_DOWN },
	{ "ESC [ 3 ~ (Delete) is a key to ignore", "[3~", KEYS_DONE, 0 },
	{ "ESC [ 15 ~ (F5) is a key to ignore", "[15~", KEYS_DONE, 0 },
	{ "ESC alone waits for more", "", KEYS_MORE, 0 },
	{ "ESC [ waits for more", "[", KEYS_MORE, 0 },
	{ "ESC [ 6 waits for the ~", "[6", KEYS_MORE, 0 },
	{ "ESC O waits for more", "O", KEYS_MORE, 0 },
	{ "ESC then b is ESC, then b", "b", KEYS_NONE, 0 },
	{ "ESC then q is ESC, then q", "q", KEYS_NONE, 0 },
	{ "ESC [ x is no sequence", "[x", KEYS_NONE, 0 },
	{ "ESC O 5 is no sequence", "O5", KEYS_NONE, 0 },
	{ "ESC [ 6 x is no sequence", "[6x", KEYS_NONE, 0 },
	{ "ESC [ 12345 ~ is too long a number", "[12345~", KEYS_NONE, 0 },
	{ "ESC [ 6 ~ ~ has a byte too many", "[6~~", KEYS_NONE, 0 },
	{ "ESC ESC is ESC, then ESC", "\033", KEYS_NONE, 0 },
};

static void test_each_sequence_decodes_as_its_row_says(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int seq[16], key = -1;
		size_t n = strlen(rows[i].after_esc);
		enum keys_decode got;

		for (size_t k = 0; k < n; k++)
			seq[k] = (unsigned char)rows[i].after_esc[k];
		got = keys_decode_esc(seq, n, &key);
		if (got != rows[i].want)
			fail_msg("%s: expected result %d, got %d", rows[i].says, rows[i].want, got);
		if (got == KEYS_DONE && key != rows[i].key)
			fail_msg("%s: expected key %d, got %d", rows[i].says, rows[i].key, key);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_sequence_decodes_as_its_row_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

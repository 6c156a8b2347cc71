/* SPDX-License-Identifier: MIT */
/* Escape sequences a terminfo entry does not name (see keys.h). */
#include <curses.h>

#include "tui/keys.h"

#define KEYS_MAX_DIGITS 3

static int csi_final(int ch)
{
	switch (ch) {
	case 'A': return KEY_UP;
	case 'B': return KEY_DOWN;
	case 'C': return KEY_RIGHT;
	case 'D': return KEY_LEFT;
	case 'H': return KEY_HOME;
	case 'F': return KEY_END;
	}
	return -1;
}

/* ESC [ N ~: the numbers VT220-style terminals (xterm, rxvt, the Linux
 * console, tmux) send for the editing keys. */
static int csi_tilde(int number)
{
	switch (number) {
	case 1: case 7: return KEY_HOME;
	case 4: case 8: return KEY_END;
	case 5: return KEY_PPAGE;
	case 6: return KEY_NPAGE;
	}
	return 0;
}

enum keys_decode keys_decode_esc(const int *seq, size_t n, int *key)
{
	int number = 0;
	size_t i;

	if (n == 0)
		return KEYS_MORE;
	if (seq[0] != '[' && seq[0] != 'O')
		return KEYS_NONE;
	if (n == 1)
		return KEYS_MORE;
	if (csi_final(seq[1]) >= 0) {
		*key = csi_final(seq[1]);
		return KEYS_DONE;
	}
	if (seq[0] != '[')
		return KEYS_NONE;
	for (i = 1; i < n && seq[i] >= '0' && seq[i] <= '9'; i++) {
		if (i > KEYS_MAX_DIGITS)
			return KEYS_NONE;
		number = number * 10 + (seq[i] - '0');
	}
	if (i == 1)
		return KEYS_NONE;
	if (i == n)
		return KEYS_MORE;
	if (seq[i] != '~' || i + 1 != n)
		return KEYS_NONE;
	*key = csi_tilde(number);
	return KEYS_DONE;
}

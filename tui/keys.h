/* SPDX-License-Identifier: MIT */
/* The keys a terminal sends as escape sequences that its terminfo entry
 * does not name (a vt100 entry has no PgUp, PgDn, Home or End, yet the
 * terminal emulators people use send them): decoded here, so ESC, which
 * starts them, is not taken for "back". */
#ifndef SSHD_KEYS_H
#define SSHD_KEYS_H

#include <stddef.h>

/* How long to wait for the rest of a sequence after ESC, as ncurses'
 * ESCDELAY: a sequence arrives in one write, a person pressing ESC then a
 * key takes far longer. */
#define KEYS_ESC_WAIT_MS 75

enum keys_decode {
	KEYS_MORE,      /* a prefix of a sequence: read on */
	KEYS_DONE,      /* *key holds the key the bytes were */
	KEYS_NONE,      /* not a sequence: ESC alone, then the bytes as keys */
};

/*
 * Decodes the bytes that followed an ESC: seq[0..n). Knows CSI and SS3
 * forms: ESC [ 5 ~ and ESC [ 6 ~ (KEY_PPAGE, KEY_NPAGE), ESC [ 1 ~,
 * ESC [ 7 ~, ESC [ H and ESC O H (KEY_HOME), ESC [ 4 ~, ESC [ 8 ~, ESC [ F
 * and ESC O F (KEY_END), ESC [ A..D and ESC O A..D (the arrows); others of
 * the form ESC [ digits ~ (Insert, Delete, function keys) are KEYS_DONE
 * with *key 0, to be ignored. Pure; *key is set only for KEYS_DONE.
 */
enum keys_decode keys_decode_esc(const int *seq, size_t n, int *key);

#endif

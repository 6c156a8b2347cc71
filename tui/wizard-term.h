/* SPDX-License-Identifier: MIT */
/* The wizard's hold on the terminal: the signals that must put it back
 * (q, Ctrl-C, SIGTERM, SIGHUP, and a crash), and stderr kept off the
 * screen while curses owns it. */
#ifndef SSHD_WIZARD_TERM_H
#define SSHD_WIZARD_TERM_H

#include <stdbool.h>

#include "engine/util.h"

/* Whether stdin and stdout are terminals and TERM names one that can
 * address its cursor (not a hardcopy or dumb terminal). */
bool term_can_address(void);

/* Saves the terminal's modes before curses starts; call once, first. */
void term_guard_save(void);

/* After curses started: remembers how to leave it from a signal handler
 * (without curses), and installs the handlers: SIGINT, SIGTERM and SIGHUP
 * are reported through term_guard_fd(); SIGSEGV, SIGBUS, SIGFPE, SIGILL and
 * SIGABRT restore the terminal and stderr, then go to the handler there was
 * before (a sanitizer's report, or death by the same signal). */
void term_guard_arm(void);

/* After curses started, for a face with signal handlers of its own:
 * remembers how to leave full-screen mode from a signal handler, and
 * nothing more. term_guard_restore() then puts the terminal back as
 * term_guard_save() found it; async-signal-safe. */
void term_guard_prepare(void);
void term_guard_restore(void);

/* Puts the earlier handlers back (after endwin). */
void term_guard_disarm(void);

/* The fd that becomes readable when SIGINT, SIGTERM or SIGHUP came, or -1. */
int term_guard_fd(void);
/* The signal that came (0: none); reading it empties the fd. */
int term_guard_signal(void);

/* Points stderr at a pipe whose lines the wizard collects. Returns the
 * read end (non-blocking) or -1 when stderr is left alone. */
int term_stderr_capture(void);
/* Reads what is waiting on the pipe into out (printable, one a line). */
void term_stderr_drain(struct strv *out);
/* Collects what is left (an unfinished last line too), gives stderr back
 * and closes the pipe; call after endwin. */
void term_stderr_restore(struct strv *out);

/* For a process that takes over from one that crashed while it held the
 * terminal in full-screen mode: the normal screen, a visible cursor, line
 * editing and echo, as a shell wants them. Does nothing without a terminal. */
void wizard_term_give_back(void);

#endif

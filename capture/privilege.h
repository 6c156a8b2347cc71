/* SPDX-License-Identifier: MIT */
/*
 * Least privilege: a capture and raw sockets need CAP_NET_RAW (or root) to
 * be opened, nothing to be used. Once they are open, a client-side run
 * gives up every capability and, started as root, the root user as well.
 *
 * Capabilities belong to each thread (capset(2) changes the caller's
 * only); a change of user made through the C library (setgroups, setgid,
 * setuid) is applied to every thread, and leaving user 0 clears every
 * thread's capabilities with it. So: the thread that opened the last
 * privileged thing calls privilege_drop(); a thread that never needs a
 * capability calls privilege_drop_thread() (the face's thread once the
 * worker runs, the name lookup's), which does nothing while a change of
 * user is still to come (that change needs CAP_SETUID and CAP_SETGID in
 * every thread, and clears them all anyway).
 */
#ifndef SSHD_PRIVILEGE_H
#define SSHD_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The user a run started as root becomes: the one sudo names (SUDO_UID,
 * SUDO_GID) when it is not root, else nobody (65534). Pure, for tests. */
void privilege_user_for(const char *sudo_uid, const char *sudo_gid, uid_t *uid, gid_t *gid);

/* Asks for the capabilities to be given up later (privilege_drop) and, when
 * the process runs as root, the root user too. Before any thread starts;
 * once per process (later calls do nothing). */
void privilege_plan(void);
/* True when privilege_plan() was called. */
bool privilege_planned(void);

/*
 * Gives up what privilege_plan() asked for: the change of user for every
 * thread (setgroups, setgid, setuid), then the calling thread's
 * capabilities (effective, permitted, inheritable, ambient). Does nothing
 * unplanned; once done, later calls only clear the caller's capabilities.
 * 0, or -1 with the reason in err.
 */
int privilege_drop(char *err, size_t errlen);
/* The calling thread's capabilities, unless a change of user is still to
 * come; nothing unplanned. */
void privilege_drop_thread(void);

#endif

/* SPDX-License-Identifier: MIT */
/* Giving up privileges once the capture and raw sockets are open: the root
 * user for every thread, the capabilities of each thread (see privilege.h). */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capture/privilege.h"

#define PRIVILEGE_NOBODY 65534

static atomic_bool planned;
static atomic_bool user_pending;   /* a change of user is still to come */
static pthread_mutex_t drop_lock = PTHREAD_MUTEX_INITIALIZER;

/* A uid or gid from sudo's environment: a plain decimal number, not 0. */
static bool id_parse(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v >= (unsigned long)(uid_t)-1)
		return false;
	*out = v;
	return true;
}

void privilege_user_for(const char *sudo_uid, const char *sudo_gid, uid_t *uid, gid_t *gid)
{
	unsigned long u, g;

	if (id_parse(sudo_uid, &u) && id_parse(sudo_gid, &g)) {
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		return;
	}
	*uid = PRIVILEGE_NOBODY;
	*gid = PRIVILEGE_NOBODY;
}

void privilege_plan(void)
{
	bool no = false;

	if (!atomic_compare_exchange_strong(&planned, &no, true))
		return;
	atomic_store(&user_pending, geteuid() == 0 || getuid() == 0);
}

bool privilege_planned(void)
{
	return atomic_load(&planned);
}

/* The calling thread's capability sets, all empty, and no ambient ones. */
static int caps_clear(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return (int)syscall(SYS_capset, &hdr, data);
}

int privilege_drop(char *err, size_t errlen)
{
	uid_t uid;
	gid_t gid;
	int rc = 0;

	if (!atomic_load(&planned))
		return 0;
	pthread_mutex_lock(&drop_lock);
	if (atomic_load(&user_pending)) {
		privilege_user_for(getenv("SUDO_UID"), getenv("SUDO_GID"), &uid, &gid);
		/* the groups first, while setgid is still allowed; the C library
		 * makes each call in every thread */
		if (setgroups(1, &gid) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0) {
			snprintf(err, errlen, "cannot give up the root user for uid %lu: %s",
				 (unsigned long)uid, strerror(errno));
			rc = -1;
		}
		/* even when it failed: a second try would not do better, and each
		 * thread must be free to clear its own capabilities now */
		atomic_store(&user_pending, false);
	}
	if (caps_clear() != 0 && rc == 0) {
		snprintf(err, errlen, "cannot give up the capabilities: %s", strerror(errno));
		rc = -1;
	}
	pthread_mutex_unlock(&drop_lock);
	return rc;
}

void privilege_drop_thread(void)
{
	if (!atomic_load(&planned) || atomic_load(&user_pending))
		return;
	(void)caps_clear();
}

/* SPDX-License-Identifier: MIT */
/* Files as the OS layer reads them: bounded, regular files only, never
 * blocking on a FIFO. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/os/os.h"

int os_read_file(const char *path, size_t max, bool tail, struct strbuf *out)
{
	char buf[8192];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t got = 0;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if (tail && st.st_size > 0 && (size_t)st.st_size > max)
		(void)lseek(fd, st.st_size - (off_t)max, SEEK_SET);
	while (got < max) {
		size_t want = max - got < sizeof(buf) ? max - got : sizeof(buf);
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		if (n == 0)
			break;
		strbuf_add(out, buf, (size_t)n);
		got += (size_t)n;
	}
out:
	close(fd);
	return rc;
}

long os_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

bool os_file_readable(const char *path)
{
	return access(path, R_OK) == 0;
}

int os_glob(const char *pattern, struct strv *out)
{
	glob_t g;
	int rc;

	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH)
		return 0;
	if (rc != 0)
		return -EIO;
	for (size_t i = 0; i < g.gl_pathc; i++)
		strv_push(out, g.gl_pathv[i]);
	globfree(&g);
	return 0;
}

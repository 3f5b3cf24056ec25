/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	lock - named locks of a list
 * SYNOPSIS
 *	#include "lock.h"
 * DESCRIPTION
 *	Each lock is a file under the list's lock directory, locked with
 *	fcntl(2) F_SETLK. Waiting polls with a short sleep rather than
 *	F_SETLKW under alarm(3), so that no signal handler is needed; the
 *	poll interval grows from 10 ms to 100 ms.
 *
 *	The directory is created (mode 0700) when missing. Lock files are
 *	opened with O_NOFOLLOW.
 * DIAGNOSTICS
 *	-1 and a reason in why; the caller treats it as EX_TEMPFAIL.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "lock.h"
#include "xmem.h"

/* lock_open - open (creating) the lock file NAME in DIR */
static int
lock_open(const char *dir, const char *name, struct buf *why)
{
	char	*path;
	int	 fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		BUF_WHY(why, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	path = xasprintf("%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
	path = xfree(path);
	return fd;
}

/* lock_set - one attempt at the exclusive lock */
static int
lock_set(int fd)
{
	struct flock fl = {
		.l_type = F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,
	};

	return fcntl(fd, F_SETLK, &fl);
}

/* lock_take - wait up to timeout seconds for the lock */
int
lock_take(const char *dir, const char *name, int timeout, struct buf *why)
{
	struct timespec	 pause = { 0, 10 * 1000 * 1000 };
	time_t		 deadline;
	int		 fd;

	if ((fd = lock_open(dir, name, why)) < 0)
		return -1;
	deadline = time(NULL) + timeout;
	for (;;) {
		if (lock_set(fd) == 0)
			return fd;
		if (errno != EACCES && errno != EAGAIN && errno != EINTR) {
			BUF_WHY(why, "lock %s/%s: %s", dir, name,
			    strerror(errno));
			break;
		}
		if (time(NULL) >= deadline) {
			BUF_WHY(why, "lock %s/%s: still busy after %d s", dir,
			    name, timeout);
			break;
		}
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 100 * 1000 * 1000)
			pause.tv_nsec += 10 * 1000 * 1000;
	}
	close(fd);
	return -1;
}

/* lock_try - take the lock only if it is free now */
int
lock_try(const char *dir, const char *name, struct buf *why)
{
	int	 fd;

	if ((fd = lock_open(dir, name, why)) < 0)
		return -1;
	if (lock_set(fd) == 0)
		return fd;
	BUF_WHY(why, "lock %s/%s: busy", dir, name);
	close(fd);
	return -1;
}

/* lock_release - drop a lock taken by lock_take or lock_try */
void
lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	spool - articles, their numbers and the summary file
 * SYNOPSIS
 *	#include "spool.h"
 * DESCRIPTION
 *	spool_seq_read() reads the last article number from seq; a missing
 *	or empty file means 0, anything but digits is an error (a list
 *	must never renumber by accident). spool_seq_write() replaces it
 *	atomically. spool_write() stores article N, spool_read() loads
 *	it, spool_unlink() takes it back when a post could not be
 *	committed. spool_summary() appends fml8's summary line
 *	"YY/MM/DD HH:MM:SS [N:sender-15] subject".
 *
 *	spool_write_file() is the atomic write used throughout: a
 *	temporary file beside the target, write, fsync, rename, then an
 *	fsync of the directory.
 * DIAGNOSTICS
 *	0, or EX_TEMPFAIL / EX_DATAERR with the reason in why. A full disk
 *	is EX_TEMPFAIL.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "site.h"
#include "spool.h"
#include "xmem.h"

/* spool_dirname - the directory part of a path, malloc'ed */
static char *
spool_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* spool_sync_dir - make a rename in the directory durable */
static void
spool_sync_dir(const char *path)
{
	char	*dir;
	int	 fd;

	dir = spool_dirname(path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	dir = xfree(dir);
}

/* spool_write_all - write the whole buffer, retrying short writes */
static int
spool_write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* spool_write_file - write a file atomically with the given mode */
int
spool_write_file(const char *path, const char *data, size_t len, int mode,
    struct buf *why)
{
	char	*tmp;
	int	 fd;
	int	 status = 0;

	tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0) {
		BUF_WHY(why, "create %s: %s", tmp, strerror(errno));
		status = errno == EACCES ? EX_CANTCREAT : EX_TEMPFAIL;
		goto out;
	}
	if (spool_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		BUF_WHY(why, "write %s: %s", tmp, strerror(errno));
		status = EX_TEMPFAIL;
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		BUF_WHY(why, "rename %s: %s", tmp, strerror(errno));
		status = EX_TEMPFAIL;
		unlink(tmp);
		goto out;
	}
	spool_sync_dir(path);
out:
	tmp = xfree(tmp);
	return status;
}

/* spool_seq_read - read the last article number */
int
spool_seq_read(struct ml *ml, long *np, struct buf *why)
{
	const char *path = ml_get(ml, "sequence_file");
	char	 text[64];
	char	*end;
	ssize_t	 n;
	long	 v;
	int	 fd;

	*np = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		return EX_TEMPFAIL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		BUF_WHY(why, "read %s: %s", path, strerror(errno));
		return EX_TEMPFAIL;
	}
	text[n] = '\0';
	text[strcspn(text, "\r\n")] = '\0';
	if (text[0] == '\0')
		return 0;
	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0) {
		BUF_WHY(why, "%s: not an article number: \"%.20s\"", path,
		    text);
		return EX_DATAERR;
	}
	*np = v;
	return 0;
}

/* spool_seq_write - replace the last article number */
int
spool_seq_write(struct ml *ml, long n, struct buf *why)
{
	char	 text[32];
	int	 len;

	len = snprintf(text, sizeof(text), "%ld\n", n);
	return spool_write_file(ml_get(ml, "sequence_file"), text,
	    (size_t)len, 0600, why);
}

/* spool_path - the file of article N, malloc'ed */
char *
spool_path(struct ml *ml, long n)
{
	const char *dir = ml_get(ml, "spool_dir");
	const char *type = ml_get(ml, "spool_type");

	if (type != NULL && strcmp(type, "subdir") == 0)
		return xasprintf("%s/%ld/%ld", dir, n / 1000, n);
	return xasprintf("%s/%ld", dir, n);
}

/* spool_mkdirs - create the directory that will hold path */
static int
spool_mkdirs(const char *path, struct buf *why)
{
	char	*dir;
	int	 status = 0;

	dir = spool_dirname(path);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		char	*parent = spool_dirname(dir);

		if (mkdir(parent, 0700) < 0 && errno != EEXIST)
			status = EX_TEMPFAIL;
		else if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			status = EX_TEMPFAIL;
		if (status)
			BUF_WHY(why, "mkdir %s: %s", dir, strerror(errno));
		parent = xfree(parent);
	}
	dir = xfree(dir);
	return status;
}

/* spool_write - store article N atomically */
int
spool_write(struct ml *ml, long n, const char *data, size_t len,
    struct buf *why)
{
	char	*path;
	int	 status;

	path = spool_path(ml, n);
	if ((status = spool_mkdirs(path, why)) == 0)
		status = spool_write_file(path, data, len, 0600, why);
	path = xfree(path);
	return status;
}

/* spool_read - load article N into out */
int
spool_read(struct ml *ml, long n, struct buf *out, struct buf *why)
{
	char	*path;
	char	 chunk[65536];
	ssize_t	 got;
	int	 fd;
	int	 status = 0;

	path = spool_path(ml, n);
	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		status = errno == ENOENT ? EX_NOINPUT : EX_TEMPFAIL;
		goto out;
	}
	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			BUF_WHY(why, "read %s: %s", path, strerror(errno));
			status = EX_TEMPFAIL;
			break;
		}
		buf_append(out, chunk, (size_t)got);
	}
	close(fd);
out:
	path = xfree(path);
	return status;
}

/* spool_unlink - remove article N (a post that was not committed) */
int
spool_unlink(struct ml *ml, long n)
{
	char	*path;
	int	 rc;

	path = spool_path(ml, n);
	rc = unlink(path);
	path = xfree(path);
	return rc;
}

/* spool_summary - append the summary line of article N */
int
spool_summary(struct ml *ml, long n, const char *sender,
    const char *subject, struct buf *why)
{
	const char *path = ml_get(ml, "summary_file");
	struct buf *line;
	char	 stamp[32];
	time_t	 now;
	int	 fd;
	int	 status = 0;

	now = time(NULL);
	strftime(stamp, sizeof(stamp), "%y/%m/%d %H:%M:%S", localtime(&now));
	line = buf_alloc(256);
	buf_printf(line, "%s [%ld:%.15s] %s\n", stamp, n, sender, subject);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || spool_write_all(fd, line->data, line->len) < 0) {
		BUF_WHY(why, "append %s: %s", path, strerror(errno));
		status = EX_TEMPFAIL;
	}
	if (fd >= 0)
		close(fd);
	line = buf_free(line);
	return status;
}

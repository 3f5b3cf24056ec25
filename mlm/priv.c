/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	priv - giving up root for the account that owns the lists
 * SYNOPSIS
 *	#include "priv.h"
 * DESCRIPTION
 *	The lists belong to one unprivileged account (fml_owner). Postfix
 *	runs the commands of an :include: file as that file's owner, so the
 *	pipe programs normally start as that account; when one starts as
 *	root it calls priv_drop_to_owner() on the list directory before it
 *	touches anything. makefml run as root does the few steps that need
 *	root (directories under a root-owned parent, handed over with
 *	priv_mkdir() or priv_chown()), then priv_drop() before it writes
 *	list files, so no root-owned file is left behind.
 *
 *	A switch sets the supplementary groups, then the group, then the
 *	user, checks every call, and verifies afterwards that the real and
 *	effective ids are the new ones and that setuid(0) fails.
 * DIAGNOSTICS
 *	EX_NOPERM: the account does not exist, or is root, or the path is
 *	owned by root. EX_OSERR: a set*id call failed or did not stick.
 * BUGS
 *	The group is the account's primary group; fml_group is not used.
 */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "buf.h"
#include "priv.h"

/* priv_is_root - does the process run with effective uid 0? */
int
priv_is_root(void)
{
	return geteuid() == 0;
}

/* priv_lookup - the uid and primary gid of an account */
int
priv_lookup(const char *user, uid_t *uid, gid_t *gid, struct buf *why)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0 && errno != ENOENT && errno != ESRCH) {
			BUF_WHY(why, "look up account \"%s\": %s", user,
			    strerror(errno));
			return EX_OSERR;
		}
		BUF_WHY(why, "owner account \"%s\" does not exist: create it "
		    "or set fml_owner in main.cf", user);
		return EX_NOPERM;
	}
	if (pw->pw_uid == 0) {
		BUF_WHY(why, "owner account \"%s\" is root: set fml_owner in "
		    "main.cf to an unprivileged account", user);
		return EX_NOPERM;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* priv_switch - become uid/gid for good and verify it */
static int
priv_switch(const char *name, uid_t uid, gid_t gid, struct buf *why)
{
	if (name != NULL ? initgroups(name, gid) < 0 :
	    setgroups(1, &gid) < 0) {
		BUF_WHY(why, "set groups for uid %ld: %s", (long)uid,
		    strerror(errno));
		return EX_OSERR;
	}
	if (setgid(gid) < 0) {
		BUF_WHY(why, "setgid %ld: %s", (long)gid, strerror(errno));
		return EX_OSERR;
	}
	if (setuid(uid) < 0) {
		BUF_WHY(why, "setuid %ld: %s", (long)uid, strerror(errno));
		return EX_OSERR;
	}

	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid || setuid(0) == 0) {
		BUF_WHY(why, "switch to uid %ld gid %ld did not stick",
		    (long)uid, (long)gid);
		return EX_OSERR;
	}
	return 0;
}

/* priv_drop - become the named account when running as root */
int
priv_drop(const char *user, struct buf *why)
{
	uid_t	 uid;
	gid_t	 gid;
	int	 status;

	if (!priv_is_root())
		return 0;
	if ((status = priv_lookup(user, &uid, &gid, why)) != 0)
		return status;
	return priv_switch(user, uid, gid, why);
}

/* priv_drop_to_owner - become the owner of path when running as root */
int
priv_drop_to_owner(const char *path, struct buf *why)
{
	struct passwd *pw;
	struct stat st;

	if (!priv_is_root())
		return 0;
	if (stat(path, &st) < 0) {
		BUF_WHY(why, "stat %s: %s", path, strerror(errno));
		return errno == ENOENT ? EX_NOUSER : EX_IOERR;
	}
	if (st.st_uid == 0) {
		BUF_WHY(why, "refusing to run as root on %s: it belongs to "
		    "root; give it to the list owner account", path);
		return EX_NOPERM;
	}
	if ((pw = getpwuid(st.st_uid)) != NULL)
		return priv_switch(pw->pw_name, pw->pw_uid, pw->pw_gid, why);
	return priv_switch(NULL, st.st_uid, st.st_gid, why);
}

/* priv_chown - as root, give path to the named account */
int
priv_chown(const char *path, const char *user, struct buf *why)
{
	uid_t	 uid;
	gid_t	 gid;
	int	 status;

	if (!priv_is_root())
		return 0;
	if ((status = priv_lookup(user, &uid, &gid, why)) != 0)
		return status;
	if (lchown(path, uid, gid) < 0) {
		BUF_WHY(why, "chown %s to %s: %s", path, user,
		    strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

/* priv_mkdir - create a directory with mode, as root for the account */
int
priv_mkdir(const char *path, mode_t mode, const char *user, int *made,
    struct buf *why)
{
	struct stat st;
	int	 status;

	*made = 0;
	if (mkdir(path, mode) < 0) {
		if (errno == EEXIST && lstat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			return 0;
		BUF_WHY(why, "mkdir %s: %s", path, strerror(errno));
		return EX_CANTCREAT;
	}
	*made = 1;
	if (chmod(path, mode) < 0) {
		BUF_WHY(why, "chmod %s: %s", path, strerror(errno));
		rmdir(path);
		*made = 0;
		return EX_IOERR;
	}
	if ((status = priv_chown(path, user, why)) != 0) {
		rmdir(path);
		*made = 0;
	}
	return status;
}

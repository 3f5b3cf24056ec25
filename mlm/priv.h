/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_PRIV_H
#define MLM_PRIV_H

/*
 * priv - giving up root for the account that owns the lists
 *
 * Every function is a no-op returning 0 when the process is not root:
 * an unprivileged user works on its own files as itself.
 *
 * priv_drop() switches the process for good to the named account (its
 * primary group and supplementary groups too) and checks that root
 * cannot be regained. priv_drop_to_owner() does the same for the owner
 * of a path and refuses root-owned paths. priv_chown() gives a path to
 * the named account; priv_mkdir() creates a directory with a mode and,
 * as root, gives it to the account (an existing directory is left as
 * it is and reported through *made = 0).
 *
 * Each returns 0 or a sysexits status with the reason in why: EX_NOPERM
 * for an account that does not exist or is root, EX_OSERR when a
 * set*id call fails, EX_CANTCREAT or EX_IOERR for file errors.
 */

#include <sys/types.h>

#include "buf.h"

int	priv_is_root(void);
int	priv_lookup(const char *, uid_t *, gid_t *, struct buf *);
int	priv_drop(const char *, struct buf *);
int	priv_drop_to_owner(const char *, struct buf *);
int	priv_chown(const char *, const char *, struct buf *);
int	priv_mkdir(const char *, mode_t, const char *, int *, struct buf *);

#endif

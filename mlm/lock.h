/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_LOCK_H
#define MLM_LOCK_H

/*
 * lock - named locks of a list (ml_home_dir/var/lock/NAME)
 *
 * lock_take() waits up to timeout seconds for an exclusive fcntl(2)
 * lock on the file and returns its descriptor; the lock is released by
 * lock_release() or when the process ends, so a crash never leaves a
 * list locked. It returns -1 with the reason in why (EX_TEMPFAIL: the
 * lock stayed busy, or the file could not be opened).
 */

#include "buf.h"

int	lock_take(const char *, const char *, int, struct buf *);
int	lock_try(const char *, const char *, struct buf *);
void	lock_release(int);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_SPOOL_H
#define MLM_SPOOL_H

/*
 * spool - articles, their numbers and the summary file
 *
 * seq (ml_home_dir/seq) holds the last article number, one decimal line,
 * as fml8. It is changed only under the list's lock (lock.h), written
 * to a temporary file, flushed and renamed, so a reader sees the old or
 * the new number, never a torn one. spool/N holds article N as it was
 * distributed (spool_type = plane); spool_type = subdir gives
 * spool/int(N/1000)/N as fml8 does. Writes are atomic in the same way.
 *
 * Every function returns 0 or a sysexits status with the reason in why.
 */

#include <stddef.h>

#include "buf.h"
#include "site.h"

int	 spool_seq_read(struct ml *, long *, struct buf *);
int	 spool_seq_write(struct ml *, long, struct buf *);
char	*spool_path(struct ml *, long);
int	 spool_write(struct ml *, long, const char *, size_t, struct buf *);
int	 spool_read(struct ml *, long, struct buf *, struct buf *);
int	 spool_unlink(struct ml *, long);
int	 spool_summary(struct ml *, long, const char *, const char *,
	    struct buf *);
int	 spool_write_file(const char *, const char *, size_t, int,
	    struct buf *);

#endif

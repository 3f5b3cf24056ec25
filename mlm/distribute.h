/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_DISTRIBUTE_H
#define MLM_DISTRIBUTE_H

/*
 * distribute - the way of a post to the members
 *
 * distribute_approved() runs a post that the maintainer or a moderator
 * approved through the distribute program's steps as a normal post,
 * without article_post_restrictions: loop and duplicate checks,
 * header and body checks, numbering, spool, queue and delivery. It
 * logs as the distribute program does and returns 0 when the post was
 * dealt with (distributed, rejected or found to be a duplicate), or
 * EX_TEMPFAIL with the reason in why.
 */

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "site.h"
#include "store.h"

int	distribute_approved(struct ml *, struct db *, struct store *,
	    const char *, size_t, struct buf *);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_MODERATE_H
#define MLM_MODERATE_H

/*
 * moderate - isolated posts: moderation, approval, discard, expiry
 *
 * moderate_forward() puts a post aside (isolate.h, reason
 * "moderation"), makes a "moderate" confirmation token for it and
 * sends it to every moderator (store records with STORE_MODERATOR; the
 * maintainer when there is none) as a message/rfc822 part of a mail
 * whose Subject is "confirm moderate TOKEN": replying approves it,
 * "reject" in the reply refuses it.
 *
 * moderate_approve() distributes an isolated post as a normal post
 * (distribute.h) and removes it from the quarantine; moderate_reject()
 * removes it and tells its sender that it was refused;
 * moderate_discard() removes it silently. Each returns EX_NOINPUT for
 * an id that is not in the quarantine. moderate_expire() removes the
 * entries older than lifetime seconds and counts them.
 *
 * moderate_verb_isolated(), moderate_verb_approve() and
 * moderate_verb_discard() are the makefml verbs "isolated ML",
 * "approve ML ID" and "discard ML ID" (listing also expires entries
 * older than isolated_queue_lifetime days); moderate_verb_addmoderator()
 * and moderate_verb_byemoderator() set and clear STORE_MODERATOR
 * ("addmoderator ML ADDR...", "byemoderator ML ADDR...").
 *
 * Functions returning int give 0 or a sysexits status with the reason
 * in why.
 */

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "site.h"
#include "store.h"

int	moderate_forward(struct ml *, struct db *, struct store *,
	    const char *, size_t, const char *, const char *, char *,
	    struct buf *);
int	moderate_approve(struct ml *, struct db *, struct store *,
	    const char *, struct buf *);
int	moderate_reject(struct ml *, struct db *, struct store *,
	    const char *, const char *, struct buf *);
int	moderate_discard(struct ml *, struct db *, const char *,
	    struct buf *);
int	moderate_expire(struct ml *, struct db *, long, long *, struct buf *);

int	moderate_verb_isolated(struct site *, int, char **, struct buf *);
int	moderate_verb_approve(struct site *, int, char **, struct buf *);
int	moderate_verb_discard(struct site *, int, char **, struct buf *);
int	moderate_verb_addmoderator(struct site *, int, char **, struct buf *);
int	moderate_verb_byemoderator(struct site *, int, char **, struct buf *);

#endif

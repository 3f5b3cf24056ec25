/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_CONFIRM_H
#define MLM_CONFIRM_H

/*
 * confirm - confirmation tokens in table DB_CONFIRM
 *
 * confirm_create() makes a random token (32 hexadecimal digits from
 * the system's random source) and stores it with its request: the
 * class ("subscribe", "unsubscribe", "chaddr", "on", "off",
 * "moderate"), the address it is for and one argument (the new address
 * of a chaddr, the isolated id of a moderated post, or ""), and the
 * time. confirm_take() looks a token up and deletes it in the same
 * transaction, so a token works once; the class must match, compared
 * without regard to case. It returns CONFIRM_UNKNOWN for a token that
 * is not there (or is of another class, which is then kept) and
 * CONFIRM_EXPIRED for one older than lifetime seconds (deleted too).
 * confirm_expire() deletes every token older than lifetime and counts
 * them. Other results are 0 or a sysexits status with the reason in
 * why.
 */

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "db.h"

#define CONFIRM_TOKEN_MAX	65
#define CONFIRM_UNKNOWN		(-1)
#define CONFIRM_EXPIRED		(-2)

struct confirm_rec {
	time_t	 time;
	char	*klass;
	char	*addr;
	char	*arg;
};

int	confirm_create(struct db *, const char *, const char *, const char *,
	    char *, struct buf *);
int	confirm_take(struct db *, const char *, const char *, long,
	    struct confirm_rec *, struct buf *);
int	confirm_expire(struct db *, long, long *, struct buf *);
void	confirm_rec_clear(struct confirm_rec *);

#endif

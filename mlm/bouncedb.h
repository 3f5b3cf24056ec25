/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_BOUNCEDB_H
#define MLM_BOUNCEDB_H

/*
 * bouncedb - the days on which each address bounced (table DB_BOUNCE)
 *
 * One record per address (key: the address in lower case) holds the
 * address as reported, the last status, the time of the last hard
 * failure and the days (UTC day numbers) with a hard failure within the
 * window. bouncedb_record() adds today's failure, drops days that left
 * the window and gives the number of days left in it, so that the
 * caller can compare it with its limit. Records whose last failure is
 * older than the window are deleted by bouncedb_expire(): an address
 * that stopped bouncing ages out.
 *
 * The maintainer's daily summary is kept in the same table: removed
 * addresses wait there (bouncedb_pending_add()) until
 * bouncedb_pending_take() hands them out, at most once per UTC day.
 *
 * bouncedb_now() is time(NULL), or the value of the environment
 * variable MLM_NOW (seconds since the epoch) when that is set and
 * valid, so that tests can move the clock.
 *
 * Every function returns 0 or a sysexits status with the reason in why
 * (see db.h). The record given to a bouncedb_walk_fn is valid only
 * during the call; it returns 0 to go on, anything else to stop.
 */

#include <time.h>

#include "buf.h"
#include "db.h"

#define BOUNCEDB_DAYS_MAX	64	/* days kept per address at most */

struct bouncedb_rec {
	const char	*addr;
	const char	*status;	/* last status, e.g. "5.1.1" */
	time_t		 last;		/* last hard failure */
	long		 days[BOUNCEDB_DAYS_MAX]; /* oldest first */
	size_t		 ndays;
};

typedef int (*bouncedb_walk_fn)(const struct bouncedb_rec *, void *);

time_t	bouncedb_now(void);
int	bouncedb_record(struct db *, const char *, const char *, time_t,
	    long, size_t *, struct buf *);
int	bouncedb_forget(struct db *, const char *, struct buf *);
int	bouncedb_expire(struct db *, time_t, long, struct buf *);
int	bouncedb_walk(struct db *, time_t, long, bouncedb_walk_fn, void *,
	    struct buf *);
int	bouncedb_pending_add(struct db *, const char *, struct buf *);
int	bouncedb_pending_take(struct db *, time_t, char **, struct buf *);

#endif

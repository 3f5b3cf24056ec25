/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_STORE_H
#define MLM_STORE_H

/*
 * store - a list's members, recipients and admins in LMDB
 *
 * One record per address (table DB_MEMBER, key addr_key()) holds the
 * address as first spelled, role bits and attributes. fml8's maps are
 * views of these bits:
 *
 *	member_maps	STORE_MEMBER | STORE_ADMIN		may post
 *	recipient_maps	STORE_RECIPIENT, not OFF, SKIP, DIGEST	gets posts
 *	admin_member_maps STORE_ADMIN				owners
 *	digest		STORE_DIGEST (gets digests, not posts)
 *
 * Writes run in one transaction each, or inside store_txn_begin() ...
 * store_txn_commit() for bulk work (makefml add -f, mergeml). Every
 * function returns 0 or a sysexits status with the reason in why (see
 * db.h); store_add() and store_remove() return STORE_UNCHANGED when
 * there was nothing to do, so that callers can say so.
 *
 * Iteration streams records in key order from a read transaction, so
 * memory does not grow with the list; start_after lets a delivery
 * resume after the last key it handled. The record given to a
 * store_walk_fn is valid only during the call; the function returns 0
 * to go on, 1 to stop (store_walk() returns 0), anything else to stop
 * with that value as store_walk()'s result. store.c has the details of
 * each function.
 */

#include <time.h>

#include "addr.h"
#include "buf.h"
#include "db.h"

#define STORE_MEMBER	0x0001	/* may post */
#define STORE_RECIPIENT	0x0002	/* gets each post */
#define STORE_ADMIN	0x0004	/* admin member (members-admin) */
#define STORE_ADMIN_RCPT 0x0008	/* admin recipient (recipients-admin) */
#define STORE_MODERATOR	0x0010	/* moderator */
#define STORE_DIGEST	0x0020	/* gets digests instead of posts */
#define STORE_OFF	0x0040	/* receiving switched off (makefml off) */
#define STORE_SKIP	0x0080	/* fml4 skip: may post, never receives */
#define STORE_ROLES	(STORE_MEMBER | STORE_RECIPIENT | STORE_ADMIN | \
			 STORE_ADMIN_RCPT | STORE_MODERATOR | STORE_DIGEST)

#define STORE_UNCHANGED	(-1)	/* add/remove/set_attr/chaddr: no change */
#define STORE_NOTFOUND	(-2)	/* no such address */
#define STORE_DIGEST_MAX 64	/* longest digest option */

struct store_rec {
	char		*addr;		/* as first spelled */
	char		*key;		/* addr_key(addr) */
	unsigned	 flags;
	char		*digest;	/* digest option, e.g. "3mp"; or NULL */
	time_t		 since;		/* subscribe time */
};

struct store;

typedef int (*store_walk_fn)(const struct store_rec *, void *);

int		 store_open(struct db *, struct store **, struct buf *);
struct store	*store_close(struct store *);
int		 store_txn_begin(struct store *, struct buf *);
int		 store_txn_commit(struct store *, struct buf *);
void		 store_txn_abort(struct store *);
int		 store_add(struct store *, const char *, unsigned,
		    struct buf *);
int		 store_remove(struct store *, const char *, unsigned,
		    struct buf *);
int		 store_set_attr(struct store *, const char *, unsigned,
		    unsigned, const char *, struct buf *);
int		 store_chaddr(struct store *, const char *, const char *,
		    struct buf *);
int		 store_get(struct store *, const char *, struct store_rec *,
		    struct buf *);
int		 store_find(struct store *, const char *, unsigned,
		    const struct addr_match *, struct store_rec *,
		    struct buf *);
int		 store_walk(struct store *, const char *, store_walk_fn,
		    void *, struct buf *);
int		 store_is_recipient(const struct store_rec *);
void		 store_rec_clear(struct store_rec *);
long		 store_count(struct store *, unsigned);

#endif

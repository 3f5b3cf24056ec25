/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_QUEUE_H
#define MLM_QUEUE_H

/*
 * queue - the list's outgoing queue and its delivery over SMTP
 *
 * An item is either an article (spool/N, sent to every recipient of the
 * list as the store holds them when it is delivered) or a message (a
 * notice or reply kept as a file under var/queue/, sent to the
 * recipients given when it was queued). Items live in table DB_QUEUE;
 * recipients still to be retried in DB_QRCPT.
 *
 * Delivery of an article walks the recipients in key order, in
 * transactions of at most smtp_recipient_limit RCPTs on one SMTP
 * session, and records its progress after each transaction that the
 * server accepted, so a later run resumes where this one stopped and no
 * member gets the article twice unless the connection broke after the
 * final dot and before its reply. A 5xx reply to one RCPT is reported
 * ("failed") for the bounce handling and not retried; a 4xx, a refused
 * or dropped connection keep the recipient for the next run. An item
 * older than queue_lifetime seconds (0: never) gives up with an
 * "expired" report for each recipient it could not reach.
 *
 * queue_article() adds an item inside the caller's write transaction,
 * which the caller commits with its other changes; the recipients are
 * not copied. queue_message() stores the message file and the item with
 * its recipients at once. queue_deliver() delivers one item on one
 * session; queue_flush() every item, oldest first, on one session, and
 * stops trying to connect after the first connection failure (items
 * still expire). An item being delivered by another process is left
 * alone and counted in items_left.
 *
 * Only one process delivers an item at a time; a process that dies
 * releases its claim. Every function returns 0 or a sysexits status
 * with the reason in why: 0 means the item is dealt with for now
 * (delivered, or kept for retry), not that every copy went out.
 *
 * The library does not log. When notify is set in the stats it is
 * called with one of the QUEUE_EV_* events, the recipient address (NULL
 * for an event about the item or the session) and a text:
 *	delivered  NULL  "article N to K recipients" (or "message QID to
 *		   K recipients"), once per run that sent something
 *	failed	   ADDR  the server's reply, e.g. "550 5.1.1 ..."; also for
 *		   each accepted recipient when the final dot got 5xx
 *	deferred   ADDR  the 4xx reply (RCPT or final dot)
 *	deferred   NULL  why the run stopped (no server, connection lost,
 *		   MAIL FROM refused); the item stays as it was
 *	expired	   ADDR  "queued at YYYY-MM-DD HH:MM:SS, not delivered
 *		   within queue_lifetime"
 * The counters are added to, never reset: the caller zeroes them.
 */

#include <stddef.h>
#include <lmdb.h>

#include "buf.h"
#include "db.h"
#include "site.h"
#include "store.h"

#define QUEUE_ID_MAX	64

#define QUEUE_EV_DELIVERED	"delivered"
#define QUEUE_EV_FAILED		"failed"
#define QUEUE_EV_DEFERRED	"deferred"
#define QUEUE_EV_EXPIRED	"expired"

typedef void (*queue_notify_fn)(void *, const char *, const char *,
	    const char *);

struct queue_stats {
	long	sent;		/* recipients accepted by the server */
	long	deferred;	/* recipients kept after a 4xx or a cut */
	long	failed;		/* recipients refused with 5xx or expired */
	long	items_done;	/* items finished and removed */
	long	items_left;	/* items still queued */
	queue_notify_fn notify;	/* NULL: no reports */
	void	*notify_arg;
};

int	queue_article(struct ml *, struct db *, MDB_txn *, long, char *,
	    struct buf *);
int	queue_message(struct ml *, struct db *, const char *, size_t,
	    const char *, const char **, size_t, char *, struct buf *);
int	queue_deliver(struct ml *, struct db *, struct store *,
	    const char *, struct queue_stats *, struct buf *);
int	queue_flush(struct ml *, struct db *, struct store *,
	    struct queue_stats *, struct buf *);
int	queue_count(struct db *, long *, struct buf *);
int	queue_send_one(struct ml *, struct db *, struct store *,
	    const char *, size_t, const char *, struct queue_stats *,
	    struct buf *);

#endif

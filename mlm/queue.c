/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	queue - the list's outgoing queue and its delivery over SMTP
 * SYNOPSIS
 *	#include "queue.h"
 * DESCRIPTION
 *	A queue id is "SSSSSSSSSS.UUUUUU.PID": seconds and microseconds of
 *	the epoch, zero-padded, and the process id, so that key order is
 *	the order of queueing and two processes never make the same id.
 *
 *	Item record (table DB_QUEUE, key the id); integers are unsigned
 *	big-endian unless stated:
 *
 *	offset	size	field
 *	0	1	record version, 1
 *	1	1	type: 'A' article, 'M' message
 *	2	1	bit 0: the walk of the members is done
 *	3	1	zero
 *	4	8	created, seconds of the epoch, signed
 *	12	8	last delivery attempt, seconds of the epoch, or 0
 *	20	4	attempts: runs that reached a server
 *	24	8	article number; 0 for a message
 *	32	2	envelope sender length S; 0 is the null sender
 *	34	2	progress length P; 0 when the walk has not begun
 *	36	S + 1	the envelope sender, then a NUL
 *	37 + S	P + 1	the last member key handled, then a NUL
 *
 *	Retry record (table DB_QRCPT, key the id, a NUL, the address):
 *
 *	0	1	record version, 1
 *	1	1	zero
 *	2	2	last reply code, 0 before the first attempt
 *	4	4	attempts that reached this recipient
 *	8	8	when the entry was made, seconds of the epoch
 *
 *	A message's text is ml_home_dir/var/queue/ID (written with
 *	spool_write_file(): temporary file, fsync, rename). The claim on
 *	an item is an fcntl() write lock on ml_home_dir/var/lock/q.ID,
 *	which the kernel drops when the process ends. Both directories
 *	are made with mode 0700 when missing.
 *
 *	Delivery of an item, with the claim held: an item older than
 *	queue_lifetime gives up at once. Otherwise the retry entries go
 *	first, in batches of smtp_recipient_limit (an article's entry for
 *	an address that no longer receives posts is dropped without a
 *	word); then, for an article, the walk over the store from the
 *	recorded progress, collecting store_is_recipient() records into
 *	batches of the same size. Each batch is one smtp_send(), followed
 *	by one write transaction that moves the progress to the batch's
 *	last key, adds a retry entry for each 4xx recipient (every
 *	accepted one when the final dot got 4xx) and deletes the entries
 *	that went out or were refused for good. When the walk is done and
 *	no retry entry is left, the item, its file and its lock file are
 *	removed.
 *
 *	A session that fails (no server, cut, timeout, protocol error)
 *	ends the run and, in queue_flush(), further connection attempts;
 *	the batch it was working on stays as it was. A MAIL FROM refused
 *	with 4xx ends the run of that item only; refused with 5xx (a
 *	message over the server's size limit, say), the message is
 *	refused for good: every recipient of the batch counts as failed,
 *	with one log line for the batch, and nothing is retried. RCPT
 *	replies of 452 (too many recipients) send those recipients in
 *	further transactions of the same run, the batch size cut to what
 *	the server took.
 * DIAGNOSTICS
 *	0 when the item was delivered or kept for later; EX_TEMPFAIL or
 *	EX_IOERR for LMDB and file failures (see db.h), EX_NOINPUT when
 *	the article's spool file is missing, EX_IOERR for a record that
 *	does not decode, EX_DATAERR for an invalid id or address given by
 *	the caller, EX_CONFIG for an empty smtp_sender, EX_SOFTWARE for an
 *	article number below 1. queue_flush() goes on after an item that
 *	fails and returns the first failure.
 * BUGS
 *	When the connection breaks after the final dot and before its
 *	reply (or the process dies, or the commit fails, after the reply),
 *	that batch is sent again by the next run: its recipients get the
 *	article twice. This is the only case of a duplicate.
 *
 *	The claim is a lock file per item, left behind by a process that
 *	dies; it is removed with the item.
 *
 *	A retry record that does not decode is skipped, not reported; it
 *	keeps its item queued until queue_lifetime removes both.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "addr.h"
#include "bounce.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "queue.h"
#include "site.h"
#include "smtp.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define QUEUE_VERSION	1
#define QUEUE_ITEM_HEAD	36		/* fixed part of an item record */
#define QUEUE_RCPT_LEN	16		/* a retry record */
#define QUEUE_LIMIT_MAX	100000		/* RCPTs per transaction at most */
#define QUEUE_KEY_MAX	511		/* LMDB's default key size limit */
#define QUEUE_NOTFOUND	(-2)
#define QUEUE_BUSY	(-3)

enum queue_fate {
	QUEUE_SENT,			/* accepted after the final dot */
	QUEUE_FAILED,			/* refused for good */
	QUEUE_DEFER,			/* try again later */
	QUEUE_DROP,			/* no longer a recipient */
};

struct queue_item {
	int		 type;		/* 'A' or 'M' */
	int		 walk_done;
	time_t		 created;
	time_t		 last_try;
	unsigned long	 attempts;
	long		 article;
	char		*sender;
	char		*progress;	/* last member key handled, or NULL */
};

struct queue_rcpt {
	char		*addr;
	unsigned long	 tries;		/* from the retry record */
	time_t		 made;		/* from the retry record */
	int		 code;		/* reply code in this run */
	const char	*text;		/* reply text in this run */
	enum queue_fate	 fate;
	int		 quiet;		/* refused with the whole message */
};

struct queue_batch {
	struct queue_rcpt *r;
	size_t		 n;
	size_t		 limit;
	int		 retry;		/* from DB_QRCPT, else from the walk */
	int		 end;		/* the source has nothing after it */
	char		 last[ADDR_MAX + 1]; /* last key or address taken */
};

struct queue_ctx {
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
	struct queue_stats *stats;
	struct smtp	*smtp;		/* shared by the items of a flush */
	int		 down;		/* the session failed: stop trying */
	size_t		 limit;
	long		 lifetime;
};

struct queue_run {
	struct queue_ctx *ctx;
	const char	*qid;
	struct queue_item item;
	struct buf	*msg;
	int		 counted;	/* attempts was raised in this run */
	int		 dirty;		/* item changed, not yet written */
	int		 stop;
	int		 again;		/* 452 too many rcpts: go on now */
	long		 sent;
};

/* queue_put_be - store an unsigned big-endian integer of n bytes */
static void
queue_put_be(unsigned char *p, unsigned long long v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* queue_get_be - load an unsigned big-endian integer of n bytes */
static unsigned long long
queue_get_be(const unsigned char *p, int n)
{
	unsigned long long v = 0;
	int	 i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* queue_note - report an event through the caller's function */
static void
queue_note(struct queue_ctx *ctx, const char *event, const char *addr,
    const char *fmt, ...)
{
	struct buf *text;
	va_list	 ap;

	if (ctx->stats->notify == NULL)
		return;
	text = buf_alloc(128);
	va_start(ap, fmt);
	buf_vprintf(text, fmt, ap);
	va_end(ap);
	ctx->stats->notify(ctx->stats->notify_arg, event, addr, text->data);
	text = buf_free(text);
}

/* queue_new_id - a fresh, time-ordered queue id */
static void
queue_new_id(char *qid)
{
	static long long last_sec;
	static long last_usec;
	struct timespec ts;
	long long sec;
	long	 usec;

	clock_gettime(CLOCK_REALTIME, &ts);
	sec = (long long)ts.tv_sec;
	usec = ts.tv_nsec / 1000;
	if (sec < last_sec || (sec == last_sec && usec <= last_usec)) {
		sec = last_sec;
		usec = last_usec + 1;
		if (usec >= 1000000) {
			sec++;
			usec = 0;
		}
	}
	last_sec = sec;
	last_usec = usec;
	snprintf(qid, QUEUE_ID_MAX, "%010lld.%06ld.%ld", sec, usec,
	    (long)getpid());
}

/* queue_id_ok - whether a string is a queue id we could have made */
static int
queue_id_ok(const char *qid)
{
	size_t	 i;

	for (i = 0; qid[i] != '\0'; i++)
		if ((qid[i] < '0' || qid[i] > '9') && qid[i] != '.')
			return 0;
	return i > 0 && i < QUEUE_ID_MAX && qid[0] != '.';
}

/* queue_addr_ok - whether an address can be queued and sent */
static int
queue_addr_ok(const char *addr, int empty_ok)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; addr[i] != '\0'; i++) {
		c = (unsigned char)addr[i];
		if (c < ' ' || c == 0x7f || c == '<' || c == '>' ||
		    i >= ADDR_MAX)
			return 0;
	}
	return i > 0 || empty_ok;
}

/* queue_item_clear - release the strings of an item */
static void
queue_item_clear(struct queue_item *item)
{
	item->sender = xfree(item->sender);
	item->progress = xfree(item->progress);
}

/* queue_item_encode - the record of an item */
static void
queue_item_encode(const struct queue_item *item, struct buf *out)
{
	unsigned char head[QUEUE_ITEM_HEAD] = { 0 };
	size_t	 slen = strlen(item->sender);
	size_t	 plen = item->progress ? strlen(item->progress) : 0;

	head[0] = QUEUE_VERSION;
	head[1] = (unsigned char)item->type;
	head[2] = item->walk_done ? 1 : 0;
	queue_put_be(head + 4, (unsigned long long)item->created, 8);
	queue_put_be(head + 12, (unsigned long long)item->last_try, 8);
	queue_put_be(head + 20, item->attempts, 4);
	queue_put_be(head + 24, (unsigned long long)item->article, 8);
	queue_put_be(head + 32, slen, 2);
	queue_put_be(head + 34, plen, 2);
	buf_reset(out);
	buf_append(out, head, sizeof(head));
	buf_append(out, item->sender, slen);
	buf_putc(out, '\0');
	if (plen > 0)
		buf_append(out, item->progress, plen);
	buf_putc(out, '\0');
}

/* queue_item_decode - an item from its record */
static int
queue_item_decode(const char *qid, const MDB_val *val,
    struct queue_item *item, struct buf *why)
{
	const unsigned char *p = val->mv_data;
	size_t	 slen;
	size_t	 plen;

	memset(item, 0, sizeof(*item));
	if (val->mv_size < QUEUE_ITEM_HEAD + 2 || p[0] != QUEUE_VERSION ||
	    (p[1] != 'A' && p[1] != 'M'))
		goto bad;
	slen = queue_get_be(p + 32, 2);
	plen = queue_get_be(p + 34, 2);
	if (slen > ADDR_MAX || plen > ADDR_MAX ||
	    QUEUE_ITEM_HEAD + slen + plen + 2 > val->mv_size ||
	    p[QUEUE_ITEM_HEAD + slen] != '\0' ||
	    p[QUEUE_ITEM_HEAD + slen + 1 + plen] != '\0')
		goto bad;

	item->type = p[1];
	item->walk_done = p[2] & 1;
	item->created = (time_t)(long long)queue_get_be(p + 4, 8);
	item->last_try = (time_t)(long long)queue_get_be(p + 12, 8);
	item->attempts = (unsigned long)queue_get_be(p + 20, 4);
	item->article = (long)queue_get_be(p + 24, 8);
	item->sender = xstrndup((const char *)p + QUEUE_ITEM_HEAD, slen);
	if (plen > 0)
		item->progress = xstrndup((const char *)p + QUEUE_ITEM_HEAD +
		    slen + 1, plen);
	return 0;

bad:
	BUF_WHY(why, "queue item %s: bad record", qid);
	return EX_IOERR;
}

/* queue_item_put - write an item in a transaction */
static int
queue_item_put(struct db *db, MDB_txn *txn, const char *qid,
    const struct queue_item *item, unsigned int flags, struct buf *why)
{
	struct buf *rec = buf_alloc(QUEUE_ITEM_HEAD + 64);
	MDB_val	 k = { .mv_size = strlen(qid), .mv_data = (void *)qid };
	MDB_val	 v;
	int	 rc;

	queue_item_encode(item, rec);
	v = (MDB_val){ .mv_size = rec->len, .mv_data = rec->data };
	rc = mdb_put(txn, db_dbi(db, DB_QUEUE), &k, &v, flags);
	rec = buf_free(rec);
	if (rc == MDB_KEYEXIST) {
		BUF_WHY(why, "queue item %s exists already", qid);
		return EX_TEMPFAIL;
	}
	if (rc != 0)
		return db_fail(rc, "write queue item", why);
	return 0;
}

/* queue_item_get - read an item; QUEUE_NOTFOUND when it is gone */
static int
queue_item_get(struct db *db, const char *qid, struct queue_item *item,
    struct buf *why)
{
	MDB_val	 k = { .mv_size = strlen(qid), .mv_data = (void *)qid };
	MDB_val	 v;
	MDB_txn	*txn;
	int	 rc;

	memset(item, 0, sizeof(*item));
	if ((rc = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		return rc;
	rc = mdb_get(txn, db_dbi(db, DB_QUEUE), &k, &v);
	if (rc == 0)
		rc = queue_item_decode(qid, &v, item, why);
	else if (rc == MDB_NOTFOUND)
		rc = QUEUE_NOTFOUND;
	else
		rc = db_fail(rc, "read queue item", why);
	db_abort(txn);
	return rc;
}

/* queue_rkey - the retry key "qid NUL address" */
static void
queue_rkey(struct buf *key, const char *qid, const char *addr)
{
	buf_reset(key);
	buf_puts(key, qid);
	buf_putc(key, '\0');
	buf_puts(key, addr);
}

/* queue_rcpt_put - write a retry record in a transaction */
static int
queue_rcpt_put(struct db *db, MDB_txn *txn, const char *qid,
    const char *addr, int code, unsigned long tries, time_t made,
    struct buf *why)
{
	unsigned char rec[QUEUE_RCPT_LEN] = { QUEUE_VERSION };
	struct buf *key = buf_alloc(QUEUE_ID_MAX + ADDR_MAX + 2);
	MDB_val	 k, v;
	int	 rc;

	queue_put_be(rec + 2, code > 0 && code < 1000 ? (unsigned)code : 0,
	    2);
	queue_put_be(rec + 4, tries, 4);
	queue_put_be(rec + 8, (unsigned long long)made, 8);
	queue_rkey(key, qid, addr);
	k = (MDB_val){ .mv_size = key->len, .mv_data = key->data };
	v = (MDB_val){ .mv_size = sizeof(rec), .mv_data = rec };
	rc = mdb_put(txn, db_dbi(db, DB_QRCPT), &k, &v, 0);
	key = buf_free(key);
	if (rc != 0)
		return db_fail(rc, "write queue recipient", why);
	return 0;
}

/* queue_rcpt_del - remove a retry record in a transaction */
static int
queue_rcpt_del(struct db *db, MDB_txn *txn, const char *qid,
    const char *addr, struct buf *why)
{
	struct buf *key = buf_alloc(QUEUE_ID_MAX + ADDR_MAX + 2);
	MDB_val	 k;
	int	 rc;

	queue_rkey(key, qid, addr);
	k = (MDB_val){ .mv_size = key->len, .mv_data = key->data };
	rc = mdb_del(txn, db_dbi(db, DB_QRCPT), &k, NULL);
	key = buf_free(key);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return db_fail(rc, "delete queue recipient", why);
	return 0;
}

/* queue_rcpt_any - whether an item has retry records, in a txn */
static int
queue_rcpt_any(struct db *db, MDB_txn *txn, const char *qid, int *any,
    struct buf *why)
{
	struct buf *key = buf_alloc(QUEUE_ID_MAX + 2);
	MDB_cursor *cur;
	MDB_val	 k, v;
	size_t	 plen;
	int	 rc;

	*any = 0;
	queue_rkey(key, qid, "");
	plen = key->len;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_QRCPT), &cur)) != 0) {
		key = buf_free(key);
		return db_fail(rc, "queue recipient cursor", why);
	}
	k = (MDB_val){ .mv_size = plen, .mv_data = key->data };
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0)
		*any = k.mv_size > plen && memcmp(k.mv_data, key->data,
		    plen) == 0;
	mdb_cursor_close(cur);
	key = buf_free(key);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return db_fail(rc, "read queue recipients", why);
	return 0;
}

/* queue_rcpt_purge - delete every retry record of an item, in a txn */
static int
queue_rcpt_purge(struct db *db, MDB_txn *txn, const char *qid,
    struct buf *why)
{
	struct buf *key = buf_alloc(QUEUE_ID_MAX + 2);
	MDB_cursor *cur;
	MDB_val	 k, v;
	size_t	 plen;
	int	 rc;

	queue_rkey(key, qid, "");
	plen = key->len;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_QRCPT), &cur)) != 0) {
		key = buf_free(key);
		return db_fail(rc, "queue recipient cursor", why);
	}
	k = (MDB_val){ .mv_size = plen, .mv_data = key->data };
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) {
		if (k.mv_size <= plen || memcmp(k.mv_data, key->data,
		    plen) != 0)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		k = (MDB_val){ .mv_size = plen, .mv_data = key->data };
	}
	mdb_cursor_close(cur);
	key = buf_free(key);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return db_fail(rc, "delete queue recipients", why);
	return 0;
}

/* queue_mkdir - make ml_home_dir/var/SUB (mode 0700); malloc'ed path */
static int
queue_mkdir(struct ml *ml, const char *sub, char **pathp, struct buf *why)
{
	char	*var;
	int	 err;

	*pathp = NULL;
	var = xasprintf("%s/var", ml->home);
	if (mkdir(var, 0700) < 0 && errno != EEXIST) {
		err = errno;
		BUF_WHY(why, "mkdir %s: %s", var, strerror(err));
		var = xfree(var);
		return err == ENOSPC || err == EDQUOT ? EX_TEMPFAIL :
		    EX_CANTCREAT;
	}
	*pathp = xasprintf("%s/%s", var, sub);
	var = xfree(var);
	if (mkdir(*pathp, 0700) < 0 && errno != EEXIST) {
		err = errno;
		BUF_WHY(why, "mkdir %s: %s", *pathp, strerror(err));
		*pathp = xfree(*pathp);
		return err == ENOSPC || err == EDQUOT ? EX_TEMPFAIL :
		    EX_CANTCREAT;
	}
	return 0;
}

/* queue_file - the path of a message item's text, malloc'ed */
static char *
queue_file(struct ml *ml, const char *qid)
{
	return xasprintf("%s/var/queue/%s", ml->home, qid);
}

/* queue_lock_path - the path of an item's lock file, malloc'ed */
static char *
queue_lock_path(struct ml *ml, const char *qid)
{
	return xasprintf("%s/var/lock/q.%s", ml->home, qid);
}

/* queue_lock - claim an item; 0, QUEUE_BUSY, or a status */
static int
queue_lock(struct ml *ml, const char *qid, int *fdp, struct buf *why)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char	*dir;
	char	*path;
	int	 status;
	int	 fd;

	*fdp = -1;
	if ((status = queue_mkdir(ml, "lock", &dir, why)) != 0)
		return status;
	dir = xfree(dir);
	path = queue_lock_path(ml, qid);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		path = xfree(path);
		return EX_TEMPFAIL;
	}
	if (fcntl(fd, F_SETLK, &fl) < 0) {
		status = errno == EACCES || errno == EAGAIN ? QUEUE_BUSY :
		    EX_TEMPFAIL;
		if (status != QUEUE_BUSY)
			BUF_WHY(why, "lock %s: %s", path, strerror(errno));
		close(fd);
		path = xfree(path);
		return status;
	}
	path = xfree(path);
	*fdp = fd;
	return 0;
}

/* queue_article - add article N to the queue in the caller's txn */
int
queue_article(struct ml *ml, struct db *db, MDB_txn *txn, long article,
    char *qid, struct buf *why)
{
	const char *sender = ml_get(ml, "smtp_sender");
	struct queue_item item = {
		.type = 'A',
		.created = time(NULL),
		.article = article,
	};

	qid[0] = '\0';
	if (article <= 0) {
		BUF_WHY(why, "queue: bad article number %ld", article);
		return EX_SOFTWARE;
	}
	if (sender == NULL || !queue_addr_ok(sender, 0)) {
		BUF_WHY(why, "smtp_sender is empty or not an address");
		return EX_CONFIG;
	}
	item.sender = (char *)sender;
	queue_new_id(qid);
	return queue_item_put(db, txn, qid, &item, MDB_NOOVERWRITE, why);
}

/* queue_message_check - validate the envelope of a message */
static int
queue_message_check(const char *sender, const char **rcpts, size_t n,
    struct buf *why)
{
	size_t	 i;

	if (sender == NULL || !queue_addr_ok(sender, 1)) {
		BUF_WHY(why, "queue: bad envelope sender");
		return EX_DATAERR;
	}
	if (n == 0) {
		BUF_WHY(why, "queue: no recipients");
		return EX_DATAERR;
	}
	for (i = 0; i < n; i++) {
		if (rcpts[i] == NULL || !queue_addr_ok(rcpts[i], 0)) {
			BUF_WHY(why, "queue: bad recipient address");
			return EX_DATAERR;
		}
	}
	return 0;
}

/* queue_message - queue a message file with its recipients */
int
queue_message(struct ml *ml, struct db *db, const char *msg, size_t len,
    const char *sender, const char **rcpts, size_t n, char *qid,
    struct buf *why)
{
	struct queue_item item = {
		.type = 'M',
		.walk_done = 1,
		.created = time(NULL),
		.sender = (char *)sender,
	};
	MDB_txn	*txn = NULL;
	char	*dir = NULL;
	char	*path = NULL;
	size_t	 i;
	int	 status;

	qid[0] = '\0';
	if ((status = queue_message_check(sender, rcpts, n, why)) != 0)
		return status;
	if ((status = queue_mkdir(ml, "queue", &dir, why)) != 0)
		return status;

	queue_new_id(qid);
	path = queue_file(ml, qid);
	if ((status = spool_write_file(path, msg, len, 0600, why)) != 0)
		goto out;

	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	status = queue_item_put(db, txn, qid, &item, MDB_NOOVERWRITE, why);
	for (i = 0; i < n && status == 0; i++)
		status = queue_rcpt_put(db, txn, qid, rcpts[i], 0, 0,
		    item.created, why);
	if (status == 0) {
		status = db_commit(txn, why);
		txn = NULL;
	}

out:
	db_abort(txn);
	if (status != 0 && path != NULL)
		(void)unlink(path);
	if (status != 0)
		qid[0] = '\0';
	path = xfree(path);
	dir = xfree(dir);
	return status;
}

/* queue_batch_reset - empty a batch, keeping its position */
static void
queue_batch_reset(struct queue_batch *b)
{
	size_t	 i;

	for (i = 0; i < b->n; i++)
		b->r[i].addr = xfree(b->r[i].addr);
	b->n = 0;
	b->end = 0;
}

/* queue_walk_take - store_walk callback: collect recipients */
static int
queue_walk_take(const struct store_rec *rec, void *arg)
{
	struct queue_batch *b = arg;
	size_t	 len = strlen(rec->key);

	if (len > ADDR_MAX)
		len = ADDR_MAX;
	memcpy(b->last, rec->key, len);
	b->last[len] = '\0';
	if (!store_is_recipient(rec) || !queue_addr_ok(rec->addr, 0))
		return 0;
	b->r[b->n++] = (struct queue_rcpt){ .addr = xstrdup(rec->addr) };
	return b->n >= b->limit ? 1 : 0;
}

/* queue_walk_batch - the next recipients of an article from the store */
static int
queue_walk_batch(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	int	 status;

	queue_batch_reset(b);
	b->retry = 0;
	b->last[0] = '\0';
	if (run->item.progress != NULL)
		snprintf(b->last, sizeof(b->last), "%s", run->item.progress);
	status = store_walk(run->ctx->st, run->item.progress, queue_walk_take,
	    b, why);
	if (status != 0)
		return status;
	b->end = b->n < b->limit;
	return 0;
}

/* queue_retry_take - one retry record into a batch; 1 skips a bad one */
static int
queue_retry_take(struct queue_batch *b, const MDB_val *k, const MDB_val *v,
    size_t plen)
{
	const unsigned char *rec = v->mv_data;
	const char *addr = (const char *)k->mv_data + plen;
	size_t	 alen = k->mv_size - plen;

	if (alen > ADDR_MAX || memchr(addr, '\0', alen) != NULL)
		return 1;
	memcpy(b->last, addr, alen);
	b->last[alen] = '\0';
	if (v->mv_size < QUEUE_RCPT_LEN || rec[0] != QUEUE_VERSION)
		return 1;
	b->r[b->n++] = (struct queue_rcpt){
		.addr = xstrndup(addr, alen),
		.tries = (unsigned long)queue_get_be(rec + 4, 4),
		.made = (time_t)(long long)queue_get_be(rec + 8, 8),
	};
	return 0;
}

/* queue_retry_batch - the next retry records of an item */
static int
queue_retry_batch(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	struct db *db = run->ctx->db;
	struct buf *key = buf_alloc(QUEUE_ID_MAX + ADDR_MAX + 2);
	MDB_cursor *cur = NULL;
	MDB_txn	*txn = NULL;
	MDB_val	 k, v;
	size_t	 plen;
	int	 rc;

	queue_batch_reset(b);
	b->retry = 1;
	queue_rkey(key, run->qid, "");
	plen = key->len;
	buf_puts(key, b->last);
	if ((rc = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_QRCPT), &cur)) != 0) {
		cur = NULL;
		rc = db_fail(rc, "queue recipient cursor", why);
		goto out;
	}

	k = (MDB_val){ .mv_size = key->len, .mv_data = key->data };
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && k.mv_size == key->len && key->len > plen &&
	    memcmp(k.mv_data, key->data, key->len) == 0)
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	for (; rc == 0 && b->n < b->limit;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size <= plen || memcmp(k.mv_data, key->data,
		    plen) != 0)
			break;
		(void)queue_retry_take(b, &k, &v, plen);
	}
	if (rc != 0 && rc != MDB_NOTFOUND) {
		rc = db_fail(rc, "read queue recipients", why);
		goto out;
	}
	b->end = b->n < b->limit;
	rc = 0;

out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	db_abort(txn);
	key = buf_free(key);
	return rc;
}

/* queue_screen - drop retry entries of addresses that left the list */
static int
queue_screen(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	struct store_rec rec;
	size_t	 i;
	int	 rc;

	if (run->item.type != 'A')
		return 0;
	for (i = 0; i < b->n; i++) {
		rc = store_get(run->ctx->st, b->r[i].addr, &rec, why);
		if (rc == STORE_NOTFOUND || rc == EX_DATAERR || (rc == 0 &&
		    !store_is_recipient(&rec)))
			b->r[i].fate = QUEUE_DROP;
		store_rec_clear(&rec);
		if (rc != 0 && rc != STORE_NOTFOUND && rc != EX_DATAERR)
			return rc;
	}
	return 0;
}

/* queue_session - the session of the context, opened when needed */
static int
queue_session(struct queue_ctx *ctx, struct buf *why)
{
	struct ml *ml = ctx->ml;
	struct smtp_conf conf = {
		.servers = cfg_words(ml->cfg, "smtp_servers"),
		.timeout = (int)cfg_long(ml->cfg, "smtp_timeout", 300),
		.helo = ml_get(ml, "smtp_helo_name"),
	};

	if (ctx->smtp != NULL)
		return 0;
	if (conf.helo != NULL && conf.helo[0] == '\0')
		conf.helo = NULL;
	if (conf.timeout <= 0 || conf.timeout > 86400)
		conf.timeout = 300;
	return smtp_open(&conf, &ctx->smtp, why);
}

/* queue_too_many - whether a RCPT reply means "too many recipients" */
static int
queue_too_many(int code, const char *text)
{
	return code == 452 || (code / 100 == 4 && text != NULL &&
	    strstr(text, "4.5.3") != NULL);
}

/* queue_fates - what each recipient's replies mean; count of 452s */
static size_t
queue_fates(struct queue_batch *b, struct smtp *s, const size_t *idx,
    const int *codes, size_t live, int dcode)
{
	struct queue_rcpt *r;
	size_t	 j, many = 0;

	for (j = 0; j < live; j++) {
		r = &b->r[idx[j]];
		r->code = codes[j];
		r->text = smtp_rcpt_reply(s, j);
		if (codes[j] / 100 == 2) {
			r->code = dcode;
			r->text = smtp_last_reply(s);
			r->fate = dcode / 100 == 2 ? QUEUE_SENT :
			    dcode / 100 == 5 ? QUEUE_FAILED : QUEUE_DEFER;
		} else {
			r->fate = codes[j] / 100 == 5 ? QUEUE_FAILED :
			    QUEUE_DEFER;
			if (queue_too_many(codes[j], r->text))
				many++;
		}
		if (r->text == NULL)
			r->text = "";
	}
	return many;
}

/* queue_refused - the server refused the message for every recipient */
static void
queue_refused(struct queue_run *run, struct queue_batch *b,
    const size_t *idx, size_t live, const char *reply)
{
	struct queue_rcpt *r;
	size_t	 j;

	queue_note(run->ctx, QUEUE_EV_FAILED, NULL, "%s %ld refused for %zu "
	    "recipient%s, not retried: %s", run->item.type == 'A' ?
	    "article" : "message", run->item.type == 'A' ?
	    run->item.article : 0L, live, live == 1 ? "" : "s", reply);
	for (j = 0; j < live; j++) {
		r = &b->r[idx[j]];
		r->fate = QUEUE_FAILED;
		r->code = 550;
		r->text = "";
		r->quiet = 1;
	}
}

/* queue_commit - record the outcome of one batch */
static int
queue_commit(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	struct db *db = run->ctx->db;
	struct queue_item *item = &run->item;
	struct queue_rcpt *r;
	MDB_txn	*txn;
	time_t	 now = time(NULL);
	size_t	 i;
	int	 status;

	if ((status = db_begin(db, 0, &txn, why)) != 0)
		return status;
	if (!b->retry) {
		item->progress = xfree(item->progress);
		if (b->last[0] != '\0')
			item->progress = xstrdup(b->last);
		item->walk_done = b->end;
	}
	item->last_try = now;
	item->attempts += run->counted ? 0 : 1;
	status = queue_item_put(db, txn, run->qid, item, 0, why);

	for (i = 0; i < b->n && status == 0; i++) {
		r = &b->r[i];
		if (r->fate == QUEUE_DEFER)
			status = queue_rcpt_put(db, txn, run->qid, r->addr,
			    r->code, r->tries + 1, b->retry ? r->made : now,
			    why);
		else if (b->retry)
			status = queue_rcpt_del(db, txn, run->qid, r->addr,
			    why);
	}
	if (status != 0) {
		db_abort(txn);
		return status;
	}
	if ((status = db_commit(txn, why)) != 0)
		return status;
	run->counted = 1;
	run->dirty = 0;
	return 0;
}

/* queue_report - count and report the outcome of a committed batch */
static void
queue_report(struct queue_run *run, struct queue_batch *b)
{
	struct queue_ctx *ctx = run->ctx;
	struct queue_rcpt *r;
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		r = &b->r[i];
		switch (r->fate) {
		case QUEUE_SENT:
			ctx->stats->sent++;
			run->sent++;
			break;
		case QUEUE_FAILED:
			ctx->stats->failed++;
			if (!r->quiet)
				queue_note(ctx, QUEUE_EV_FAILED, r->addr, "%s",
				    r->text);
			break;
		case QUEUE_DEFER:
			ctx->stats->deferred++;
			queue_note(ctx, QUEUE_EV_DEFERRED, r->addr, "%s",
			    r->text);
			break;
		case QUEUE_DROP:
			break;
		}
	}
}

/* queue_stopped - end a run whose session or transaction failed */
static void
queue_stopped(struct queue_run *run, size_t live, int session,
    const char *reason)
{
	struct queue_ctx *ctx = run->ctx;

	queue_note(ctx, QUEUE_EV_DEFERRED, NULL, "%s", reason);
	ctx->stats->deferred += (long)live;
	run->stop = 1;
	if (session) {
		ctx->smtp = smtp_close(ctx->smtp);
		ctx->down = 1;
	}
}

/* queue_verp_keep - a copy of a reply text that lives until the batch
 * has been reported */
static const char *
queue_verp_keep(struct buf *keep, const char *text)
{
	char	*copy = xstrdup(text != NULL ? text : "");

	buf_append(keep, &copy, sizeof(copy));
	return copy;
}

/* queue_verp_defer - keep recipients for a retry after text */
static void
queue_verp_defer(struct queue_batch *b, const size_t *idx, size_t n,
    const char *text, struct buf *keep)
{
	size_t	 j;

	for (j = 0; j < n; j++) {
		b->r[idx[j]].fate = QUEUE_DEFER;
		b->r[idx[j]].code = text != NULL ? atoi(text) : 0;
		b->r[idx[j]].text = queue_verp_keep(keep, text);
	}
}

/* queue_verp_group - one transaction of a VERP delivery; -1: no
 * session */
static int
queue_verp_group(struct queue_run *run, struct queue_batch *b,
    const char *sender, const char *xverp, const size_t *idx, size_t n,
    struct buf *keep, struct buf *err)
{
	struct smtp *s = run->ctx->smtp;
	const char **addrs = xcalloc(n + 1, sizeof(*addrs));
	int	*codes = xcalloc(n + 1, sizeof(*codes));
	size_t	 j;
	int	 dcode, rc = 0;

	for (j = 0; j < n; j++)
		addrs[j] = b->r[idx[j]].addr;
	smtp_set_xverp(s, xverp);
	if (smtp_send(s, sender, addrs, n, codes, run->msg->data,
	    run->msg->len, &dcode, err) != 0) {
		rc = -1;
		goto out;
	}
	for (j = 0; j < n && codes[j] == 0; j++)
		;
	if (dcode == -1 && j == n) {
		const char *reply = smtp_last_reply(s);

		if (reply != NULL && reply[0] == '5')
			queue_refused(run, b, idx, n, reply);
		else
			queue_verp_defer(b, idx, n, reply, keep);
		goto out;
	}
	queue_fates(b, s, idx, codes, n, dcode);
	for (j = 0; j < n; j++)
		b->r[idx[j]].text = queue_verp_keep(keep, b->r[idx[j]].text);
out:
	addrs = xfree(addrs);
	codes = xfree(codes);
	return rc;
}

/* queue_verp_send - send a batch with a VERP sender per recipient:
 * one XVERP transaction when the server offers it, else one
 * transaction per recipient; recipients whose VERP local part would
 * be over 64 octets get the plain sender in a transaction of their
 * own. Returns -1 when the session failed before anything was sent. */
static int
queue_verp_send(struct queue_run *run, struct queue_batch *b,
    const size_t *idx, size_t live, struct buf *keep, struct buf *err)
{
	struct queue_ctx *ctx = run->ctx;
	const char *sender = run->item.sender;
	size_t	*order = xcalloc(live + 1, sizeof(*order));
	size_t	 nv = 0, np = 0, pos = 0, j;
	char	*v;
	int	 xverp = smtp_has_ext(ctx->smtp, "XVERP"), rc = 0;

	for (j = 0; j < live; j++) {
		v = bounce_verp_encode(sender, b->r[idx[j]].addr);
		if (v != NULL)
			order[nv++] = idx[j];
		v = xfree(v);
	}
	for (j = 0; j < live; j++) {
		v = bounce_verp_encode(sender, b->r[idx[j]].addr);
		if (v == NULL)
			order[nv + np++] = idx[j];
		v = xfree(v);
	}

	if (xverp && nv > 0) {
		rc = queue_verp_group(run, b, sender, "+=", order, nv, keep,
		    err);
		if (rc == 0)
			pos = nv;
	}
	for (; !xverp && rc == 0 && pos < nv; pos++) {
		v = bounce_verp_encode(sender, b->r[order[pos]].addr);
		rc = queue_verp_group(run, b, v, NULL, order + pos, 1, keep,
		    err);
		v = xfree(v);
		if (rc != 0)
			break;
	}
	if (rc == 0 && np > 0) {
		rc = queue_verp_group(run, b, sender, NULL, order + nv, np,
		    keep, err);
		if (rc != 0)
			pos = nv;
		else
			pos = nv + np;
	}
	smtp_set_xverp(ctx->smtp, NULL);

	if (rc != 0 && pos > 0) {
		buf_printf(err, " (%s)", smtp_server(ctx->smtp));
		queue_verp_defer(b, order + pos, live - pos, err->data, keep);
		queue_note(ctx, QUEUE_EV_DEFERRED, NULL, "%s", err->data);
		ctx->smtp = smtp_close(ctx->smtp);
		ctx->down = 1;
		run->stop = 1;
		rc = 0;
	}
	order = xfree(order);
	return rc;
}

/* queue_verp_free - release the kept reply texts */
static void
queue_verp_free(struct buf *keep)
{
	char	*p;
	size_t	 i;

	for (i = 0; i + sizeof(p) <= keep->len; i += sizeof(p)) {
		memcpy(&p, keep->data + i, sizeof(p));
		free(p);
	}
	buf_free(keep);
}

/* queue_transact - send one batch and record what happened */
static int
queue_transact(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	struct queue_ctx *ctx = run->ctx;
	struct buf *err = buf_alloc(128), *keep = NULL;
	const char **addrs;
	size_t	*idx;
	int	*codes;
	size_t	 live = 0;
	size_t	 i, many;
	int	 dcode;
	int	 status = 0;

	addrs = xcalloc(b->n + 1, sizeof(*addrs));
	idx = xcalloc(b->n + 1, sizeof(*idx));
	codes = xcalloc(b->n + 1, sizeof(*codes));
	for (i = 0; i < b->n; i++) {
		if (b->r[i].fate == QUEUE_DROP)
			continue;
		idx[live] = i;
		addrs[live++] = b->r[i].addr;
	}
	if (live == 0)
		goto commit;

	if (queue_session(ctx, err) != 0) {
		queue_stopped(run, live, 1, err->data);
		goto out;
	}
	if (run->item.type == 'A' && cfg_bool(ctx->ml->cfg, "use_verp")) {
		keep = buf_alloc(64);
		if (queue_verp_send(run, b, idx, live, keep, err) == 0)
			goto commit;
		buf_printf(err, " (%s)", smtp_server(ctx->smtp));
		queue_stopped(run, live, 1, err->data);
		goto out;
	}
	if (smtp_send(ctx->smtp, run->item.sender, addrs, live, codes,
	    run->msg->data, run->msg->len, &dcode, err) != 0) {
		buf_printf(err, " (%s)", smtp_server(ctx->smtp));
		queue_stopped(run, live, 1, err->data);
		goto out;
	}
	for (i = 0; i < live && codes[i] == 0; i++)
		;
	if (dcode == -1 && i == live) {
		const char *reply = smtp_last_reply(ctx->smtp);

		if (reply != NULL && reply[0] == '5') {
			queue_refused(run, b, idx, live, reply);
			goto commit;
		}
		buf_set(err, "MAIL FROM:<%s> refused: %s", run->item.sender,
		    reply ? reply : "");
		queue_stopped(run, live, 0, err->data);
		goto out;
	}
	many = queue_fates(b, ctx->smtp, idx, codes, live, dcode);
	if (many > 0 && many < live && dcode / 100 == 2) {
		run->again = 1;
		if (b->limit > live - many)
			b->limit = live - many;
	}

commit:
	if ((status = queue_commit(run, b, why)) == 0)
		queue_report(run, b);

out:
	addrs = xfree(addrs);
	idx = xfree(idx);
	codes = xfree(codes);
	err = buf_free(err);
	if (keep != NULL)
		queue_verp_free(keep);
	return status;
}

/* queue_retry_pass - send to the recipients waiting for a retry */
static int
queue_retry_pass(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	int	 status;

	b->last[0] = '\0';
	do {
		if ((status = queue_retry_batch(run, b, why)) != 0)
			return status;
		if (b->n == 0)
			break;
		if ((status = queue_screen(run, b, why)) != 0 ||
		    (status = queue_transact(run, b, why)) != 0)
			return status;
	} while (!b->end && !run->stop);
	return 0;
}

/* queue_walk_pass - send an article to the members not reached yet */
static int
queue_walk_pass(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	int	 status;

	while (!run->item.walk_done && !run->stop) {
		if ((status = queue_walk_batch(run, b, why)) != 0)
			return status;
		if (b->n == 0) {
			run->item.walk_done = 1;
			run->dirty = 1;
			break;
		}
		if ((status = queue_transact(run, b, why)) != 0)
			return status;
	}
	return 0;
}

/* queue_remove_files - unlink a finished item's text and lock file */
static void
queue_remove_files(struct queue_run *run)
{
	char	*path;

	if (run->item.type == 'M') {
		path = queue_file(run->ctx->ml, run->qid);
		(void)unlink(path);
		path = xfree(path);
	}
	path = queue_lock_path(run->ctx->ml, run->qid);
	(void)unlink(path);
	path = xfree(path);
}

/* queue_finish - remove a finished item, or save its state */
static int
queue_finish(struct queue_run *run, int *done, struct buf *why)
{
	struct db *db = run->ctx->db;
	MDB_val	 k = { .mv_size = strlen(run->qid),
		    .mv_data = (void *)run->qid };
	MDB_txn	*txn;
	int	 any = 1;
	int	 status;
	int	 rc;

	*done = 0;
	if (!run->item.walk_done && !run->dirty)
		return 0;
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		return status;
	if (run->item.walk_done)
		status = queue_rcpt_any(db, txn, run->qid, &any, why);
	if (status == 0 && !any) {
		rc = mdb_del(txn, db_dbi(db, DB_QUEUE), &k, NULL);
		if (rc != 0 && rc != MDB_NOTFOUND)
			status = db_fail(rc, "delete queue item", why);
		*done = 1;
	} else if (status == 0 && run->dirty) {
		status = queue_item_put(db, txn, run->qid, &run->item, 0, why);
	} else if (status == 0) {
		db_abort(txn);
		return 0;
	}
	if (status != 0) {
		db_abort(txn);
		*done = 0;
		return status;
	}
	if ((status = db_commit(txn, why)) != 0) {
		*done = 0;
		return status;
	}
	if (*done)
		queue_remove_files(run);
	return 0;
}

/* queue_expire - give up on an item that stayed too long */
static int
queue_expire(struct queue_run *run, struct queue_batch *b,
    struct buf *why)
{
	struct queue_ctx *ctx = run->ctx;
	MDB_val	 k = { .mv_size = strlen(run->qid),
		    .mv_data = (void *)run->qid };
	MDB_txn	*txn;
	char	 when[32];
	struct tm tm;
	size_t	 i;
	int	 status;
	int	 rc;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
	    localtime_r(&run->item.created, &tm));
	b->last[0] = '\0';
	do {
		if ((status = queue_retry_batch(run, b, why)) != 0)
			return status;
		for (i = 0; i < b->n; i++)
			queue_note(ctx, QUEUE_EV_EXPIRED, b->r[i].addr,
			    "queued at %s, not delivered within "
			    "queue_lifetime", when);
		ctx->stats->failed += (long)b->n;
	} while (!b->end);
	while (run->item.type == 'A' && !run->item.walk_done) {
		if ((status = queue_walk_batch(run, b, why)) != 0)
			return status;
		for (i = 0; i < b->n; i++)
			queue_note(ctx, QUEUE_EV_EXPIRED, b->r[i].addr,
			    "queued at %s, not delivered within "
			    "queue_lifetime", when);
		ctx->stats->failed += (long)b->n;
		run->item.progress = xfree(run->item.progress);
		run->item.progress = b->last[0] ? xstrdup(b->last) : NULL;
		run->item.walk_done = b->end;
	}

	if ((status = db_begin(ctx->db, 0, &txn, why)) != 0)
		return status;
	status = queue_rcpt_purge(ctx->db, txn, run->qid, why);
	if (status == 0 && (rc = mdb_del(txn, db_dbi(ctx->db, DB_QUEUE), &k,
	    NULL)) != 0 && rc != MDB_NOTFOUND)
		status = db_fail(rc, "delete queue item", why);
	if (status != 0) {
		db_abort(txn);
		return status;
	}
	if ((status = db_commit(txn, why)) != 0)
		return status;
	queue_remove_files(run);
	ctx->stats->items_done++;
	return 0;
}

/* queue_load - read the text of an item */
static int
queue_load(struct queue_run *run, struct buf *why)
{
	char	*path;
	char	 chunk[65536];
	ssize_t	 got;
	int	 status = 0;
	int	 fd;

	if (run->item.type == 'A')
		return spool_read(run->ctx->ml, run->item.article, run->msg,
		    why);
	path = queue_file(run->ctx->ml, run->qid);
	buf_reset(run->msg);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		status = errno == ENOENT ? EX_NOINPUT : EX_TEMPFAIL;
		goto out;
	}
	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			BUF_WHY(why, "read %s: %s", path, strerror(errno));
			status = EX_TEMPFAIL;
			break;
		}
		buf_append(run->msg, chunk, (size_t)got);
	}
	close(fd);
out:
	path = xfree(path);
	return status;
}

/* queue_work - deliver a claimed item */
static int
queue_work(struct queue_run *run, struct queue_batch *b, int *done,
    struct buf *why)
{
	struct queue_ctx *ctx = run->ctx;
	time_t	 now = time(NULL);
	int	 passes, status;

	*done = 0;
	if (ctx->lifetime > 0 && now - run->item.created > ctx->lifetime) {
		status = queue_expire(run, b, why);
		*done = status == 0;
		return status;
	}
	if (ctx->down)
		return 0;
	if ((status = queue_load(run, why)) != 0)
		return status;
	if ((status = queue_retry_pass(run, b, why)) != 0 ||
	    (run->item.type == 'A' &&
	    (status = queue_walk_pass(run, b, why)) != 0))
		return status;
	for (passes = 0; run->again && !run->stop && passes < 64; passes++) {
		run->again = 0;
		if ((status = queue_retry_pass(run, b, why)) != 0)
			return status;
	}
	if (run->stop)
		return 0;
	if ((status = queue_finish(run, done, why)) != 0)
		return status;
	if (*done)
		ctx->stats->items_done++;
	return 0;
}

/* queue_item - claim and deliver one item */
static int
queue_item(struct queue_ctx *ctx, const char *qid, struct buf *why)
{
	struct queue_batch b = { .limit = ctx->limit };
	struct queue_run run = { .ctx = ctx, .qid = qid };
	int	 done = 0;
	int	 status;
	int	 fd;

	if (!queue_id_ok(qid)) {
		BUF_WHY(why, "bad queue id \"%.*s\"", QUEUE_ID_MAX, qid);
		return EX_DATAERR;
	}
	if ((status = queue_lock(ctx->ml, qid, &fd, why)) == QUEUE_BUSY) {
		ctx->stats->items_left++;
		return 0;
	}
	if (status != 0)
		return status;
	if ((status = queue_item_get(ctx->db, qid, &run.item, why)) != 0) {
		if (status == QUEUE_NOTFOUND)
			queue_remove_files(&run);
		close(fd);
		return status == QUEUE_NOTFOUND ? 0 : status;
	}

	b.r = xcalloc(b.limit, sizeof(*b.r));
	run.msg = buf_alloc(8192);
	status = queue_work(&run, &b, &done, why);
	if (!done)
		ctx->stats->items_left++;
	if (run.sent > 0 && run.item.type == 'A')
		queue_note(ctx, QUEUE_EV_DELIVERED, NULL,
		    "article %ld to %ld recipient%s", run.item.article,
		    run.sent, run.sent == 1 ? "" : "s");
	else if (run.sent > 0)
		queue_note(ctx, QUEUE_EV_DELIVERED, NULL,
		    "message %s to %ld recipient%s", qid, run.sent,
		    run.sent == 1 ? "" : "s");

	close(fd);
	queue_batch_reset(&b);
	b.r = xfree(b.r);
	run.msg = buf_free(run.msg);
	queue_item_clear(&run.item);
	return status;
}

/* queue_ctx_init - delivery settings from the list's configuration */
static void
queue_ctx_init(struct queue_ctx *ctx, struct ml *ml, struct db *db,
    struct store *st, struct queue_stats *stats)
{
	long	 limit = cfg_long(ml->cfg, "smtp_recipient_limit", 1000);

	if (limit < 1)
		limit = 1;
	if (limit > QUEUE_LIMIT_MAX)
		limit = QUEUE_LIMIT_MAX;
	*ctx = (struct queue_ctx){
		.ml = ml,
		.db = db,
		.st = st,
		.stats = stats,
		.limit = (size_t)limit,
		.lifetime = cfg_long(ml->cfg, "queue_lifetime", 432000),
	};
}

/* queue_deliver - deliver one item on a session of its own */
int
queue_deliver(struct ml *ml, struct db *db, struct store *st,
    const char *qid, struct queue_stats *stats, struct buf *why)
{
	struct queue_ctx ctx;
	int	 status;

	queue_ctx_init(&ctx, ml, db, st, stats);
	status = queue_item(&ctx, qid, why);
	ctx.smtp = smtp_close(ctx.smtp);
	return status;
}

/* queue_next - the id of the first item after a key; 0 or QUEUE_NOTFOUND */
static int
queue_next(struct db *db, struct buf *last, char *qid, struct buf *why)
{
	MDB_cursor *cur = NULL;
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 rc;

	if ((rc = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_QUEUE), &cur)) != 0) {
		db_abort(txn);
		return db_fail(rc, "queue cursor", why);
	}
	if (last->len == 0) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
	} else {
		k = (MDB_val){ .mv_size = last->len, .mv_data = last->data };
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc == 0 && k.mv_size == last->len &&
		    memcmp(k.mv_data, last->data, last->len) == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	qid[0] = '\0';
	if (rc == 0) {
		buf_reset(last);
		buf_append(last, k.mv_data, k.mv_size > QUEUE_KEY_MAX ?
		    QUEUE_KEY_MAX : k.mv_size);
		if (k.mv_size < QUEUE_ID_MAX &&
		    memchr(k.mv_data, '\0', k.mv_size) == NULL) {
			memcpy(qid, k.mv_data, k.mv_size);
			qid[k.mv_size] = '\0';
		}
	}
	mdb_cursor_close(cur);
	db_abort(txn);
	if (rc == MDB_NOTFOUND)
		return QUEUE_NOTFOUND;
	if (rc != 0)
		return db_fail(rc, "read queue", why);
	return 0;
}

/* queue_flush - deliver every item, oldest first, on one session */
int
queue_flush(struct ml *ml, struct db *db, struct store *st,
    struct queue_stats *stats, struct buf *why)
{
	struct queue_ctx ctx;
	struct buf *last = buf_alloc(QUEUE_ID_MAX);
	struct buf *err = buf_alloc(128);
	char	 qid[QUEUE_ID_MAX];
	int	 first = 0;
	int	 status;

	queue_ctx_init(&ctx, ml, db, st, stats);
	for (;;) {
		status = queue_next(db, last, qid, err);
		if (status == QUEUE_NOTFOUND)
			break;
		if (status != 0) {
			first = first ? first : status;
			BUF_WHY(why, "%s", err->data);
			break;
		}
		if (qid[0] == '\0') {
			buf_set(err, "queue: bad item key");
			status = EX_IOERR;
		} else {
			status = queue_item(&ctx, qid, err);
		}
		if (status != 0 && first == 0) {
			first = status;
			BUF_WHY(why, "%s", err->data);
		}
	}
	ctx.smtp = smtp_close(ctx.smtp);
	last = buf_free(last);
	err = buf_free(err);
	return first;
}

/* queue_count - how many items the queue holds */
int
queue_count(struct db *db, long *np, struct buf *why)
{
	MDB_txn	*txn;
	MDB_stat ms;
	int	 rc;

	*np = 0;
	if ((rc = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		return rc;
	rc = mdb_stat(txn, db_dbi(db, DB_QUEUE), &ms);
	db_abort(txn);
	if (rc != 0)
		return db_fail(rc, "queue stat", why);
	*np = (long)ms.ms_entries;
	return 0;
}

/* queue_send_one - queue a message for one recipient and deliver it */
int
queue_send_one(struct ml *ml, struct db *db, struct store *st,
    const char *msg, size_t len, const char *rcpt,
    struct queue_stats *stats, struct buf *why)
{
	char	 qid[QUEUE_ID_MAX];
	const char *rcpts[1] = { rcpt };
	int	 status;

	status = queue_message(ml, db, msg, len, ml_get(ml, "smtp_sender"),
	    rcpts, 1, qid, why);
	if (status != 0)
		return status;
	return queue_deliver(ml, db, st, qid, stats, why);
}

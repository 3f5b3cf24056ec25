/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	bouncedb - the days on which each address bounced
 * SYNOPSIS
 *	#include "bouncedb.h"
 * DESCRIPTION
 *	A record is one line of text: "status TAB last TAB d1,d2,...
 *	TAB address", where last is the time of the last hard failure and
 *	d1... are UTC day numbers (seconds since the epoch / 86400),
 *	oldest first. The summary record has the key "\001pending" and
 *	holds "day TAB" and the waiting addresses, one per line; its key
 *	sorts before every address and bouncedb_walk() skips it.
 * DIAGNOSTICS
 *	A record that cannot be read is treated as absent and rewritten.
 * BUGS
 *	At most BOUNCEDB_DAYS_MAX days are kept per address, so a window
 *	longer than that counts only the latest days.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bouncedb.h"
#include "buf.h"
#include "db.h"
#include "xmem.h"

#define BOUNCEDB_PENDING	"\001pending"
#define BOUNCEDB_DAY		86400L

/* bouncedb_now - the time, or MLM_NOW when set */
time_t
bouncedb_now(void)
{
	const char *s = getenv("MLM_NOW");
	char	*end;
	long long v;

	if (s != NULL && *s != '\0') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

/* bouncedb_key - the lookup key of an address (lower case) */
static char *
bouncedb_key(const char *addr)
{
	char	*k = xstrdup(addr), *p;

	for (p = k; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return k;
}

/* bouncedb_decode - parse a record; 0 when it is malformed */
static int
bouncedb_decode(const char *v, size_t len, struct bouncedb_rec *r,
    struct buf *store)
{
	char	*f[4], *p, *end;
	size_t	 i;

	buf_reset(store);
	buf_append(store, v, len);
	p = store->data;
	for (i = 0; i < 4; i++) {
		f[i] = p;
		if (i < 3) {
			if ((p = strchr(p, '\t')) == NULL)
				return 0;
			*p++ = '\0';
		}
	}
	*r = (struct bouncedb_rec){ .addr = f[3], .status = f[0] };
	r->last = (time_t)strtoll(f[1], &end, 10);
	for (p = f[2]; *p != '\0' && r->ndays < BOUNCEDB_DAYS_MAX;) {
		r->days[r->ndays++] = strtol(p, &end, 10);
		if (end == p)
			return 0;
		p = *end == ',' ? end + 1 : end;
	}
	return 1;
}

/* bouncedb_encode - a record as text */
static void
bouncedb_encode(const struct bouncedb_rec *r, struct buf *out)
{
	size_t	 i;

	buf_reset(out);
	buf_printf(out, "%s\t%lld\t", r->status, (long long)r->last);
	for (i = 0; i < r->ndays; i++)
		buf_printf(out, "%s%ld", i ? "," : "", r->days[i]);
	buf_printf(out, "\t%s", r->addr);
}

/* bouncedb_window - drop the days before the window */
static void
bouncedb_window(struct bouncedb_rec *r, long today, long window)
{
	size_t	 i, j = 0;

	for (i = 0; i < r->ndays; i++)
		if (r->days[i] > today - window && r->days[i] <= today)
			r->days[j++] = r->days[i];
	r->ndays = j;
}

/* bouncedb_record - add today's hard failure of addr */
int
bouncedb_record(struct db *db, const char *addr, const char *status,
    time_t now, long window, size_t *ndays, struct buf *why)
{
	struct bouncedb_rec r;
	struct buf *old = buf_alloc(128), *out = buf_alloc(128);
	MDB_txn	*txn = NULL;
	MDB_val	 k, v;
	char	*key = bouncedb_key(addr);
	long	 today = (long)(now / BOUNCEDB_DAY);
	int	 rc, status_rc;

	*ndays = 0;
	if ((status_rc = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	k = (MDB_val){ .mv_size = strlen(key), .mv_data = key };
	rc = mdb_get(txn, db_dbi(db, DB_BOUNCE), &k, &v);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		status_rc = db_fail(rc, "read bounce record", why);
		goto out;
	}
	if (rc != 0 || !bouncedb_decode(v.mv_data, v.mv_size, &r, old))
		r = (struct bouncedb_rec){ .addr = addr };

	bouncedb_window(&r, today, window);
	if (r.ndays == 0 || r.days[r.ndays - 1] != today) {
		if (r.ndays == BOUNCEDB_DAYS_MAX) {
			memmove(r.days, r.days + 1, (r.ndays - 1) *
			    sizeof(r.days[0]));
			r.ndays--;
		}
		r.days[r.ndays++] = today;
	}
	r.addr = addr;
	r.status = status;
	r.last = now;
	bouncedb_encode(&r, out);

	v = (MDB_val){ .mv_size = out->len, .mv_data = out->data };
	if ((rc = mdb_put(txn, db_dbi(db, DB_BOUNCE), &k, &v, 0)) != 0) {
		status_rc = db_fail(rc, "write bounce record", why);
		goto out;
	}
	status_rc = db_commit(txn, why);
	txn = NULL;
	if (status_rc == 0)
		*ndays = r.ndays;
out:
	if (txn != NULL)
		db_abort(txn);
	key = xfree(key);
	old = buf_free(old);
	out = buf_free(out);
	return status_rc;
}

/* bouncedb_forget - delete the record of addr */
int
bouncedb_forget(struct db *db, const char *addr, struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k;
	char	*key = bouncedb_key(addr);
	int	 rc, status;

	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	k = (MDB_val){ .mv_size = strlen(key), .mv_data = key };
	rc = mdb_del(txn, db_dbi(db, DB_BOUNCE), &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		db_abort(txn);
		status = db_fail(rc, "delete bounce record", why);
		goto out;
	}
	status = db_commit(txn, why);
out:
	key = xfree(key);
	return status;
}

/* bouncedb_expire - delete records with no failure in the window */
int
bouncedb_expire(struct db *db, time_t now, long window, struct buf *why)
{
	struct bouncedb_rec r;
	struct buf *tmp = buf_alloc(128);
	MDB_txn	*txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val	 k, v;
	long	 today = (long)(now / BOUNCEDB_DAY);
	int	 rc, status, op = MDB_FIRST;

	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_BOUNCE), &cur)) != 0) {
		status = db_fail(rc, "bounce cursor", why);
		goto out;
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size > 0 && ((char *)k.mv_data)[0] == '\001')
			continue;
		if (bouncedb_decode(v.mv_data, v.mv_size, &r, tmp)) {
			bouncedb_window(&r, today, window);
			if (r.ndays > 0)
				continue;
		}
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	if (rc != MDB_NOTFOUND) {
		status = db_fail(rc, "expire bounce records", why);
		goto out;
	}
	mdb_cursor_close(cur);
	cur = NULL;
	status = db_commit(txn, why);
	txn = NULL;
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		db_abort(txn);
	tmp = buf_free(tmp);
	return status;
}

/* bouncedb_walk - call fn for each record, days limited to the window */
int
bouncedb_walk(struct db *db, time_t now, long window, bouncedb_walk_fn fn,
    void *arg, struct buf *why)
{
	struct bouncedb_rec r;
	struct buf *tmp = buf_alloc(128);
	MDB_txn	*txn = NULL;
	MDB_cursor *cur = NULL;
	MDB_val	 k, v;
	long	 today = (long)(now / BOUNCEDB_DAY);
	int	 rc, status, op = MDB_FIRST;

	if ((status = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_BOUNCE), &cur)) != 0) {
		status = db_fail(rc, "bounce cursor", why);
		goto out;
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size > 0 && ((char *)k.mv_data)[0] == '\001')
			continue;
		if (!bouncedb_decode(v.mv_data, v.mv_size, &r, tmp))
			continue;
		bouncedb_window(&r, today, window);
		if ((status = fn(&r, arg)) != 0)
			goto out;
	}
	if (rc != MDB_NOTFOUND)
		status = db_fail(rc, "read bounce records", why);
out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != NULL)
		db_abort(txn);
	tmp = buf_free(tmp);
	return status;
}

/* bouncedb_pending_rw - read (and with put, replace) the summary record */
static int
bouncedb_pending_rw(MDB_txn *txn, struct db *db, struct buf *cur,
    int *found, struct buf *why)
{
	MDB_val	 k = { .mv_size = strlen(BOUNCEDB_PENDING),
		    .mv_data = BOUNCEDB_PENDING }, v;
	int	 rc;

	buf_reset(cur);
	*found = 0;
	rc = mdb_get(txn, db_dbi(db, DB_BOUNCE), &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return db_fail(rc, "read bounce summary", why);
	buf_append(cur, v.mv_data, v.mv_size);
	*found = 1;
	return 0;
}

/* bouncedb_pending_put - store the summary record */
static int
bouncedb_pending_put(MDB_txn *txn, struct db *db, const struct buf *val,
    struct buf *why)
{
	MDB_val	 k = { .mv_size = strlen(BOUNCEDB_PENDING),
		    .mv_data = BOUNCEDB_PENDING };
	MDB_val	 v = { .mv_size = val->len, .mv_data = val->data };
	int	 rc;

	if ((rc = mdb_put(txn, db_dbi(db, DB_BOUNCE), &k, &v, 0)) != 0)
		return db_fail(rc, "write bounce summary", why);
	return 0;
}

/* bouncedb_pending_add - keep a removed address for the summary */
int
bouncedb_pending_add(struct db *db, const char *addr, struct buf *why)
{
	struct buf *cur = buf_alloc(256);
	MDB_txn	*txn = NULL;
	int	 status, found;

	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	if ((status = bouncedb_pending_rw(txn, db, cur, &found, why)) != 0)
		goto out;
	if (!found)
		buf_puts(cur, "0\t\n");
	buf_printf(cur, "%s\n", addr);
	if ((status = bouncedb_pending_put(txn, db, cur, why)) != 0)
		goto out;
	status = db_commit(txn, why);
	txn = NULL;
out:
	if (txn != NULL)
		db_abort(txn);
	cur = buf_free(cur);
	return status;
}

/* bouncedb_pending_take - the waiting addresses, once per day */
int
bouncedb_pending_take(struct db *db, time_t now, char **list,
    struct buf *why)
{
	struct buf *cur = buf_alloc(256), *val = buf_alloc(32);
	MDB_txn	*txn = NULL;
	long	 today = (long)(now / BOUNCEDB_DAY), last;
	char	*tab;
	int	 status, found;

	*list = NULL;
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	if ((status = bouncedb_pending_rw(txn, db, cur, &found, why)) != 0)
		goto out;
	if (!found || (tab = strstr(cur->data, "\t\n")) == NULL)
		goto out;
	last = strtol(cur->data, NULL, 10);
	if (last == today || tab[2] == '\0')
		goto out;
	*list = xstrdup(tab + 2);
	buf_printf(val, "%ld\t\n", today);
	if ((status = bouncedb_pending_put(txn, db, val, why)) != 0) {
		*list = xfree(*list);
		goto out;
	}
	status = db_commit(txn, why);
	txn = NULL;
	if (status != 0)
		*list = xfree(*list);
out:
	if (txn != NULL)
		db_abort(txn);
	cur = buf_free(cur);
	val = buf_free(val);
	return status;
}

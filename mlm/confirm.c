/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	confirm - confirmation tokens in table DB_CONFIRM
 * SYNOPSIS
 *	#include "confirm.h"
 * DESCRIPTION
 *	A record is keyed by its token and holds
 *	"time<TAB>class<TAB>address<TAB>argument". Tokens are 128 random
 *	bits from getentropy(3), so they cannot be guessed; they say
 *	nothing about the request.
 * DIAGNOSTICS
 *	EX_TEMPFAIL when no random bytes can be had or the table is full.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "confirm.h"
#include "db.h"
#include "xmem.h"

/* confirm_token - 32 random hexadecimal digits */
static int
confirm_token(char *tok, struct buf *why)
{
	unsigned char raw[16];
	size_t	 i;

	if (getentropy(raw, sizeof(raw)) != 0) {
		BUF_WHY(why, "no random bytes: %s", strerror(errno));
		return EX_TEMPFAIL;
	}
	for (i = 0; i < sizeof(raw); i++)
		snprintf(tok + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* confirm_clean - whether a field can be stored (no TAB or line end) */
static int
confirm_clean(const char *s)
{
	return strpbrk(s, "\t\r\n") == NULL;
}

/* confirm_create - a new token for a request */
int
confirm_create(struct db *db, const char *klass, const char *addr,
    const char *arg, char *tok, struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	char	*val;
	int	 rc, status;

	if (!confirm_clean(klass) || !confirm_clean(addr) ||
	    !confirm_clean(arg ? arg : "")) {
		BUF_WHY(why, "confirmation request with a control character");
		return EX_DATAERR;
	}
	if ((status = confirm_token(tok, why)) != 0)
		return status;
	val = xasprintf("%lld\t%s\t%s\t%s", (long long)time(NULL), klass,
	    addr, arg ? arg : "");
	if ((status = db_begin(db, 0, &txn, why)) != 0) {
		val = xfree(val);
		return status;
	}
	k.mv_data = tok;
	k.mv_size = strlen(tok);
	v.mv_data = val;
	v.mv_size = strlen(val);
	rc = mdb_put(txn, db_dbi(db, DB_CONFIRM), &k, &v, MDB_NOOVERWRITE);
	val = xfree(val);
	if (rc != 0) {
		db_abort(txn);
		return db_fail(rc, "confirmation table", why);
	}
	return db_commit(txn, why);
}

/* confirm_split - a stored value as a record; 0 when it parses */
static int
confirm_split(const MDB_val *v, struct confirm_rec *r)
{
	char	*s = xstrndup(v->mv_data, v->mv_size);
	char	*f[4];
	char	*p = s, *end;
	int	 i;

	for (i = 0; i < 4; i++) {
		f[i] = p;
		if (i < 3) {
			if ((p = strchr(p, '\t')) == NULL) {
				s = xfree(s);
				return -1;
			}
			*p++ = '\0';
		}
	}
	r->time = (time_t)strtoll(f[0], &end, 10);
	r->klass = xstrdup(f[1]);
	r->addr = xstrdup(f[2]);
	r->arg = xstrdup(f[3]);
	s = xfree(s);
	return 0;
}

/* confirm_take - look a token up and use it up */
int
confirm_take(struct db *db, const char *tok, const char *klass,
    long lifetime, struct confirm_rec *r, struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 rc, status;

	memset(r, 0, sizeof(*r));
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		return status;
	k.mv_data = (void *)tok;
	k.mv_size = strlen(tok);
	rc = mdb_get(txn, db_dbi(db, DB_CONFIRM), &k, &v);
	if (rc == MDB_NOTFOUND || (rc == 0 && confirm_split(&v, r) != 0)) {
		db_abort(txn);
		return CONFIRM_UNKNOWN;
	}
	if (rc != 0) {
		db_abort(txn);
		return db_fail(rc, "confirmation table", why);
	}
	if (strcasecmp(r->klass, klass) != 0) {
		db_abort(txn);
		confirm_rec_clear(r);
		return CONFIRM_UNKNOWN;
	}
	if ((rc = mdb_del(txn, db_dbi(db, DB_CONFIRM), &k, NULL)) != 0) {
		db_abort(txn);
		confirm_rec_clear(r);
		return db_fail(rc, "confirmation table", why);
	}
	if ((status = db_commit(txn, why)) != 0) {
		confirm_rec_clear(r);
		return status;
	}
	if (lifetime > 0 && time(NULL) - r->time > lifetime)
		return CONFIRM_EXPIRED;
	return 0;
}

/* confirm_expire - delete the tokens older than lifetime seconds */
int
confirm_expire(struct db *db, long lifetime, long *count, struct buf *why)
{
	MDB_txn	*txn;
	MDB_cursor *cur;
	MDB_val	 k, v;
	time_t	 now = time(NULL);
	MDB_cursor_op op = MDB_FIRST;
	int	 rc, status;

	*count = 0;
	if (lifetime <= 0)
		return 0;
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		return status;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_CONFIRM), &cur)) != 0) {
		db_abort(txn);
		return db_fail(rc, "confirmation table", why);
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		char	 num[24];
		size_t	 n = v.mv_size < sizeof(num) - 1 ? v.mv_size :
			    sizeof(num) - 1;

		op = MDB_NEXT;
		memcpy(num, v.mv_data, n);
		num[n] = '\0';
		if (now - (time_t)strtoll(num, NULL, 10) <= lifetime)
			continue;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		(*count)++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		db_abort(txn);
		return db_fail(rc, "confirmation table", why);
	}
	return db_commit(txn, why);
}

/* confirm_rec_clear - release a record's strings */
void
confirm_rec_clear(struct confirm_rec *r)
{
	r->klass = xfree(r->klass);
	r->addr = xfree(r->addr);
	r->arg = xfree(r->arg);
}

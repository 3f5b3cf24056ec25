/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	store - a list's members, recipients and admins in LMDB
 * SYNOPSIS
 *	#include "store.h"
 * DESCRIPTION
 *	Each address has one record in table DB_MEMBER under the key
 *	addr_key(address). The value is a versioned binary record; all
 *	integers are unsigned big-endian unless stated:
 *
 *	offset	size	field
 *	0	1	record version, 1
 *	1	1	bit 0: a digest option is present
 *	2	2	address length A, 1 to ADDR_MAX
 *	4	4	flags (STORE_*)
 *	8	8	since: subscribe time, seconds of the epoch, signed
 *	16	2	digest option length D, 0 when absent
 *	18	A + 1	the address as first spelled, then a NUL
 *	19 + A	D + 1	the digest option, then a NUL; only when present
 *
 *	A reader ignores bytes after these fields, so that a later
 *	version 1 writer may append fields without breaking older
 *	readers; a different version number means an incompatible layout.
 *	The NULs let store_walk() hand out strings that point straight
 *	into the map.
 *
 *	Without store_txn_begin(), every change runs in a write
 *	transaction of its own and is on disk when the function returns;
 *	lookups run in a read transaction of their own. Between
 *	store_txn_begin() and store_txn_commit() or store_txn_abort(),
 *	every function, lookups and store_walk() included, works in that
 *	one write transaction. After a failure other than
 *	STORE_UNCHANGED, STORE_NOTFOUND and EX_DATAERR inside it, the
 *	transaction can only be aborted.
 *
 *	store_add() requires at least one STORE_ROLES bit in flags; other
 *	bits are ORed in as well. An existing record keeps its spelling,
 *	digest option and since.
 *
 *	store_remove() clears flags, looking the address up without
 *	regard to case; a record left without any STORE_ROLES bit is
 *	deleted. It does not check the syntax, so that a record with an
 *	address that would no longer pass addr_valid() can be removed.
 *
 *	store_set_attr() computes (flags & ~clear) | set; digest NULL
 *	keeps the digest option, "" removes it, anything else replaces it
 *	(at most STORE_DIGEST_MAX printable ASCII bytes). A change that
 *	would leave no role bit is refused with EX_DATAERR: use
 *	store_remove() to delete.
 *
 *	store_chaddr() moves a record to a new address in one
 *	transaction, keeping flags, digest option and since. When the two
 *	addresses have the same key, the record is respelled in place; it
 *	returns STORE_UNCHANGED when the spelling is the same already.
 *
 *	store_get() and store_find() fill a store_rec with malloc'ed
 *	copies; release them with store_rec_clear(). On STORE_NOTFOUND
 *	and on errors the record is left zeroed. store_find() with
 *	flags_any 0 accepts any record; a null addr_match means
 *	case-insensitive local part and whole domain.
 *
 *	store_walk() calls fn for each record in key order, starting
 *	after the key start_after if it is not a null pointer (a key that
 *	no longer exists is fine: the walk goes on with the next greater
 *	one). The record passed to fn and the strings in it are valid only
 *	during that call. fn returns 0 to go on, 1 to stop; store_walk()
 *	then returns 0. Any other value from fn stops the walk and is
 *	returned as it is. fn may call other store functions, including
 *	changes, unless a store transaction is open: then it must not
 *	change the store.
 *
 *	store_count() counts the records with any of flags, or all of them
 *	when flags is 0; it returns -1 on error.
 * DIAGNOSTICS
 *	See db.h for the mapping of LMDB errors. A record that cannot be
 *	decoded gives EX_IOERR. Invalid addresses, digest options and
 *	roles give EX_DATAERR; store_add() without a role, and
 *	store_txn_begin() or store_txn_commit() out of turn, give
 *	EX_SOFTWARE.
 * BUGS
 *	store_walk() without a store transaction holds one read
 *	transaction for the whole walk; a long walk keeps the pages it
 *	sees from being reused, so the file may grow while it runs if
 *	others write a lot. Callers that take long per record should stop
 *	and resume with start_after.
 */

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <lmdb.h>

#include "addr.h"
#include "buf.h"
#include "db.h"
#include "store.h"
#include "xmem.h"

#define STORE_VERSION	1
#define STORE_HAS_DIGEST 0x01
#define STORE_HDR_LEN	18
#define STORE_REC_MAX	(STORE_HDR_LEN + ADDR_MAX + 1 + STORE_DIGEST_MAX + 1)

struct store {
	struct db *db;
	MDB_dbi	 dbi;
	MDB_txn	*txn;			/* store_txn_begin() or NULL */
};

/*
 * A decoded record; the strings point into LMDB data and are
 * NUL-terminated there.
 */
struct store_view {
	const char *addr;
	size_t	 addr_len;
	const char *digest;		/* or NULL */
	unsigned flags;
	time_t	 since;
};

/* store_put_be - write an unsigned big-endian integer of n bytes */
static void
store_put_be(unsigned char *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* store_get_be - read an unsigned big-endian integer of n bytes */
static uint64_t
store_get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/* store_encode - lay out a record in out; returns its length */
static size_t
store_encode(unsigned char *out, const char *addr, size_t addr_len,
    unsigned flags, const char *digest, time_t since)
{
	size_t	 dlen = digest != NULL ? strlen(digest) : 0;
	size_t	 len;

	out[0] = STORE_VERSION;
	out[1] = digest != NULL ? STORE_HAS_DIGEST : 0;
	store_put_be(out + 2, addr_len, 2);
	store_put_be(out + 4, flags, 4);
	store_put_be(out + 8, (uint64_t)(int64_t)since, 8);
	store_put_be(out + 16, dlen, 2);
	memcpy(out + STORE_HDR_LEN, addr, addr_len);
	out[STORE_HDR_LEN + addr_len] = '\0';
	len = STORE_HDR_LEN + addr_len + 1;
	if (digest != NULL) {
		memcpy(out + len, digest, dlen);
		out[len + dlen] = '\0';
		len += dlen + 1;
	}
	return len;
}

/* store_decode - check a record and point a view into it */
static int
store_decode(const MDB_val *val, struct store_view *v)
{
	const unsigned char *p = val->mv_data;
	size_t	 size = val->mv_size;
	size_t	 alen, dlen, off;

	if (size < STORE_HDR_LEN || p[0] != STORE_VERSION)
		return -1;
	alen = store_get_be(p + 2, 2);
	dlen = store_get_be(p + 16, 2);
	if (alen == 0 || alen > ADDR_MAX || size < STORE_HDR_LEN + alen + 1 ||
	    p[STORE_HDR_LEN + alen] != '\0' ||
	    memchr(p + STORE_HDR_LEN, '\0', alen) != NULL)
		return -1;
	v->addr = (const char *)p + STORE_HDR_LEN;
	v->addr_len = alen;
	v->flags = (unsigned)store_get_be(p + 4, 4);
	v->since = (time_t)(int64_t)store_get_be(p + 8, 8);
	v->digest = NULL;

	if (p[1] & STORE_HAS_DIGEST) {
		off = STORE_HDR_LEN + alen + 1;
		if (size < off + dlen + 1 || p[off + dlen] != '\0' ||
		    memchr(p + off, '\0', dlen) != NULL)
			return -1;
		v->digest = (const char *)p + off;
	}
	return 0;
}

/* store_corrupt - report a record that cannot be decoded */
static int
store_corrupt(const MDB_val *key, struct buf *why)
{
	int	 n = key->mv_size > ADDR_MAX ? ADDR_MAX : (int)key->mv_size;

	BUF_WHY(why, "member record \"%.*s\": bad or unknown format", n,
	    (const char *)key->mv_data);
	return EX_IOERR;
}

/* store_begin - the transaction for one operation */
static int
store_begin(struct store *st, int flags, MDB_txn **txnp, struct buf *why)
{
	if (st->txn != NULL) {
		*txnp = st->txn;
		return 0;
	}
	return db_begin(st->db, flags, txnp, why);
}

/* store_end - finish one operation: commit its own txn when rc is 0 */
static int
store_end(struct store *st, MDB_txn *txn, int rc, struct buf *why)
{
	if (txn == NULL || txn == st->txn)
		return rc;
	if (rc != 0) {
		db_abort(txn);
		return rc;
	}
	return db_commit(txn, why);
}

/* store_lookup - fetch and decode the record under key */
static int
store_lookup(struct store *st, MDB_txn *txn, MDB_val *key,
    struct store_view *v, struct buf *why)
{
	MDB_val	 val;
	int	 rc;

	if (key->mv_size == 0 || key->mv_size > ADDR_MAX) {
		BUF_WHY(why, "no such address");
		return STORE_NOTFOUND;
	}
	rc = mdb_get(txn, st->dbi, key, &val);
	if (rc == MDB_NOTFOUND) {
		BUF_WHY(why, "no such address");
		return STORE_NOTFOUND;
	}
	if (rc != 0)
		return db_fail(rc, "member lookup", why);
	if (store_decode(&val, v) != 0)
		return store_corrupt(key, why);
	return 0;
}

/* store_write - encode a record and put it under key */
static int
store_write(struct store *st, MDB_txn *txn, MDB_val *key,
    const struct store_view *v, struct buf *why)
{
	unsigned char enc[STORE_REC_MAX];
	MDB_val	 val;
	int	 rc;

	val.mv_size = store_encode(enc, v->addr, v->addr_len, v->flags,
	    v->digest, v->since);
	val.mv_data = enc;
	if ((rc = mdb_put(txn, st->dbi, key, &val, 0)) != 0)
		return db_fail(rc, "member update", why);
	return 0;
}

/* store_copy - fill a store_rec with copies of a view */
static void
store_copy(const struct store_view *v, const MDB_val *key,
    struct store_rec *rec)
{
	rec->addr = xstrndup(v->addr, v->addr_len);
	rec->key = xstrndup(key->mv_data, key->mv_size);
	rec->flags = v->flags;
	rec->digest = v->digest != NULL ? xstrdup(v->digest) : NULL;
	rec->since = v->since;
}

/* store_open - a store on the member table of db */
int
store_open(struct db *db, struct store **stp, struct buf *why)
{
	struct store *st;

	(void)why;
	st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->dbi = db_dbi(db, DB_MEMBER);
	*stp = st;
	return 0;
}

/* store_close - abort an open store transaction; returns NULL */
struct store *
store_close(struct store *st)
{
	if (st == NULL)
		return NULL;
	store_txn_abort(st);
	return xfree(st);
}

/* store_txn_begin - start a write transaction for the following calls */
int
store_txn_begin(struct store *st, struct buf *why)
{
	if (st->txn != NULL) {
		BUF_WHY(why, "store transaction already open");
		return EX_SOFTWARE;
	}
	return db_begin(st->db, 0, &st->txn, why);
}

/* store_txn_commit - commit the store transaction */
int
store_txn_commit(struct store *st, struct buf *why)
{
	MDB_txn	*txn = st->txn;

	if (txn == NULL) {
		BUF_WHY(why, "no store transaction open");
		return EX_SOFTWARE;
	}
	st->txn = NULL;
	return db_commit(txn, why);
}

/* store_txn_abort - abandon the store transaction, if any */
void
store_txn_abort(struct store *st)
{
	db_abort(st->txn);
	st->txn = NULL;
}

/* store_add - add an address or OR flags into its record */
int
store_add(struct store *st, const char *addr, unsigned flags,
    struct buf *why)
{
	unsigned char enc[STORE_REC_MAX];
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 key, val;
	char	*k = NULL;
	int	 rc;

	if ((rc = addr_valid(addr, why)) != 0)
		return rc;
	if ((flags & STORE_ROLES) == 0) {
		BUF_WHY(why, "store_add: no role in flags 0x%x", flags);
		return EX_SOFTWARE;
	}
	k = addr_key(addr);
	key = (MDB_val){ .mv_size = strlen(k), .mv_data = k };
	if ((rc = store_begin(st, 0, &txn, why)) != 0)
		goto out;

	val.mv_size = store_encode(enc, addr, strlen(addr), flags, NULL,
	    time(NULL));
	val.mv_data = enc;
	rc = mdb_put(txn, st->dbi, &key, &val, MDB_NOOVERWRITE);
	if (rc == 0 || rc != MDB_KEYEXIST) {
		if (rc != 0)
			rc = db_fail(rc, "member add", why);
		goto out;
	}

	if (store_decode(&val, &v) != 0) {
		rc = store_corrupt(&key, why);
		goto out;
	}
	if ((flags & ~v.flags) == 0) {
		BUF_WHY(why, "nothing to change");
		rc = STORE_UNCHANGED;
		goto out;
	}
	v.flags |= flags;
	rc = store_write(st, txn, &key, &v, why);

out:
	rc = store_end(st, txn, rc, why);
	k = xfree(k);
	return rc;
}

/* store_remove - clear flags; delete a record left without a role */
int
store_remove(struct store *st, const char *addr, unsigned flags,
    struct buf *why)
{
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 key;
	char	*k;
	int	 rc;

	k = addr_key(addr);
	key = (MDB_val){ .mv_size = strlen(k), .mv_data = k };
	if ((rc = store_begin(st, 0, &txn, why)) != 0)
		goto out;
	if ((rc = store_lookup(st, txn, &key, &v, why)) != 0)
		goto out;

	if ((v.flags & flags) == 0) {
		BUF_WHY(why, "nothing to change");
		rc = STORE_UNCHANGED;
		goto out;
	}
	v.flags &= ~flags;
	if ((v.flags & STORE_ROLES) != 0)
		rc = store_write(st, txn, &key, &v, why);
	else if ((rc = mdb_del(txn, st->dbi, &key, NULL)) != 0)
		rc = db_fail(rc, "member delete", why);

out:
	rc = store_end(st, txn, rc, why);
	k = xfree(k);
	return rc;
}

/* store_digest_ok - check a digest option */
static int
store_digest_ok(const char *digest, struct buf *why)
{
	const unsigned char *p;

	if (strlen(digest) > STORE_DIGEST_MAX) {
		BUF_WHY(why, "digest option too long");
		return EX_DATAERR;
	}
	for (p = (const unsigned char *)digest; *p != '\0'; p++) {
		if (*p <= ' ' || *p >= 0x7f) {
			BUF_WHY(why, "bad character in digest option");
			return EX_DATAERR;
		}
	}
	return 0;
}

/* store_str_eq - compare strings that may be null pointers */
static int
store_str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* store_set_attr - change flags and the digest option of a record */
int
store_set_attr(struct store *st, const char *addr, unsigned set,
    unsigned clear, const char *digest, struct buf *why)
{
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 key;
	unsigned nflags;
	const char *ndigest;
	char	*k;
	int	 rc;

	if (digest != NULL && (rc = store_digest_ok(digest, why)) != 0)
		return rc;
	k = addr_key(addr);
	key = (MDB_val){ .mv_size = strlen(k), .mv_data = k };
	if ((rc = store_begin(st, 0, &txn, why)) != 0)
		goto out;
	if ((rc = store_lookup(st, txn, &key, &v, why)) != 0)
		goto out;

	nflags = (v.flags & ~clear) | set;
	if (digest == NULL)
		ndigest = v.digest;
	else
		ndigest = *digest != '\0' ? digest : NULL;
	if ((nflags & STORE_ROLES) == 0) {
		BUF_WHY(why, "no role would remain");
		rc = EX_DATAERR;
		goto out;
	}
	if (nflags == v.flags && store_str_eq(ndigest, v.digest)) {
		BUF_WHY(why, "nothing to change");
		rc = STORE_UNCHANGED;
		goto out;
	}
	v.flags = nflags;
	v.digest = ndigest;
	rc = store_write(st, txn, &key, &v, why);

out:
	rc = store_end(st, txn, rc, why);
	k = xfree(k);
	return rc;
}

/* store_chaddr_move - put the record of ov under a new key, drop the old */
static int
store_chaddr_move(struct store *st, MDB_txn *txn, MDB_val *okey,
    MDB_val *nkey, struct store_view *ov, const char *naddr,
    struct buf *why)
{
	unsigned char enc[STORE_REC_MAX];
	struct store_view nv;
	MDB_val	 val;
	int	 rc;

	rc = store_lookup(st, txn, nkey, &nv, why);
	if (rc == 0) {
		BUF_WHY(why, "new address exists already");
		return EX_DATAERR;
	}
	if (rc != STORE_NOTFOUND)
		return rc;

	val.mv_size = store_encode(enc, naddr, strlen(naddr), ov->flags,
	    ov->digest, ov->since);
	val.mv_data = enc;
	if ((rc = mdb_put(txn, st->dbi, nkey, &val, MDB_NOOVERWRITE)) != 0)
		return db_fail(rc, "member add", why);
	if ((rc = mdb_del(txn, st->dbi, okey, NULL)) != 0)
		return db_fail(rc, "member delete", why);
	return 0;
}

/* store_chaddr - move a record to a new address */
int
store_chaddr(struct store *st, const char *oaddr, const char *naddr,
    struct buf *why)
{
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 okey, nkey;
	char	*ok = NULL;
	char	*nk = NULL;
	int	 rc;

	if ((rc = addr_valid(naddr, why)) != 0)
		return rc;
	ok = addr_key(oaddr);
	nk = addr_key(naddr);
	okey = (MDB_val){ .mv_size = strlen(ok), .mv_data = ok };
	nkey = (MDB_val){ .mv_size = strlen(nk), .mv_data = nk };
	if ((rc = store_begin(st, 0, &txn, why)) != 0)
		goto out;
	if ((rc = store_lookup(st, txn, &okey, &v, why)) != 0)
		goto out;

	if (strcmp(ok, nk) != 0) {
		rc = store_chaddr_move(st, txn, &okey, &nkey, &v, naddr, why);
	} else if (v.addr_len == strlen(naddr) &&
	    memcmp(v.addr, naddr, v.addr_len) == 0) {
		BUF_WHY(why, "nothing to change");
		rc = STORE_UNCHANGED;
	} else {
		v.addr = naddr;
		v.addr_len = strlen(naddr);
		rc = store_write(st, txn, &okey, &v, why);
	}

out:
	rc = store_end(st, txn, rc, why);
	ok = xfree(ok);
	nk = xfree(nk);
	return rc;
}

/* store_get - exact lookup, without regard to case */
int
store_get(struct store *st, const char *addr, struct store_rec *rec,
    struct buf *why)
{
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 key;
	char	*k;
	int	 rc;

	*rec = (struct store_rec){ .addr = NULL };
	k = addr_key(addr);
	key = (MDB_val){ .mv_size = strlen(k), .mv_data = k };
	if ((rc = store_begin(st, DB_RDONLY, &txn, why)) != 0)
		goto out;
	if ((rc = store_lookup(st, txn, &key, &v, why)) == 0)
		store_copy(&v, &key, rec);

out:
	if (txn != NULL && txn != st->txn)
		db_abort(txn);
	k = xfree(k);
	return rc;
}

/* store_view_fits - a view has one of flags_any and matches addr */
static int
store_view_fits(const struct store_view *v, const char *addr,
    unsigned flags_any, const struct addr_match *m)
{
	if (flags_any != 0 && (v->flags & flags_any) == 0)
		return 0;
	return addr_same(addr, v->addr, m);
}

/* store_scan_local - search the keys that share addr's local part */
static int
store_scan_local(struct store *st, MDB_txn *txn, const char *addr,
    MDB_val *key, unsigned flags_any, const struct addr_match *m,
    struct store_rec *rec, struct buf *why)
{
	struct store_view v;
	MDB_cursor *cur;
	MDB_val	 k, val;
	const char *kp = key->mv_data;
	size_t	 plen;
	int	 rc;

	for (plen = key->mv_size; plen > 0 && kp[plen - 1] != '@'; plen--)
		continue;
	if (plen == 0) {
		BUF_WHY(why, "no such address");
		return STORE_NOTFOUND;
	}

	if ((rc = mdb_cursor_open(txn, st->dbi, &cur)) != 0)
		return db_fail(rc, "member cursor", why);
	k = (MDB_val){ .mv_size = plen, .mv_data = key->mv_data };
	rc = mdb_cursor_get(cur, &k, &val, MDB_SET_RANGE);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		if (k.mv_size < plen || memcmp(k.mv_data, key->mv_data,
		    plen) != 0)
			break;
		if (store_decode(&val, &v) != 0) {
			rc = store_corrupt(&k, why);
			goto out;
		}
		if (store_view_fits(&v, addr, flags_any, m)) {
			store_copy(&v, &k, rec);
			goto out;
		}
	}
	if (rc == 0 || rc == MDB_NOTFOUND) {
		BUF_WHY(why, "no such address");
		rc = STORE_NOTFOUND;
	} else
		rc = db_fail(rc, "member scan", why);

out:
	mdb_cursor_close(cur);
	return rc;
}

/* store_find - find a record with one of flags_any matching addr */
int
store_find(struct store *st, const char *addr, unsigned flags_any,
    const struct addr_match *m, struct store_rec *rec, struct buf *why)
{
	struct store_view v;
	MDB_txn	*txn = NULL;
	MDB_val	 key;
	char	*k;
	int	 rc;

	*rec = (struct store_rec){ .addr = NULL };
	k = addr_key(addr);
	key = (MDB_val){ .mv_size = strlen(k), .mv_data = k };
	if ((rc = store_begin(st, DB_RDONLY, &txn, why)) != 0)
		goto out;

	rc = store_lookup(st, txn, &key, &v, why);
	if (rc == 0 && store_view_fits(&v, addr, flags_any, m)) {
		store_copy(&v, &key, rec);
		goto out;
	}
	if (rc != 0 && rc != STORE_NOTFOUND)
		goto out;

	if (m != NULL && m->domain_level > 0 && key.mv_size <= ADDR_MAX)
		rc = store_scan_local(st, txn, addr, &key, flags_any, m, rec,
		    why);
	else {
		BUF_WHY(why, "no such address");
		rc = STORE_NOTFOUND;
	}

out:
	if (txn != NULL && txn != st->txn)
		db_abort(txn);
	k = xfree(k);
	return rc;
}

/* store_walk_position - put the cursor on the first record to visit */
static int
store_walk_position(MDB_cursor *cur, const char *start_after, MDB_val *k,
    MDB_val *val)
{
	size_t	 len;
	int	 rc;

	if (start_after == NULL || *start_after == '\0')
		return mdb_cursor_get(cur, k, val, MDB_FIRST);
	len = strlen(start_after);
	if (len > ADDR_MAX)
		len = ADDR_MAX;
	*k = (MDB_val){ .mv_size = len, .mv_data = (void *)start_after };
	rc = mdb_cursor_get(cur, k, val, MDB_SET_RANGE);
	if (rc == 0 && k->mv_size == strlen(start_after) &&
	    memcmp(k->mv_data, start_after, k->mv_size) == 0)
		rc = mdb_cursor_get(cur, k, val, MDB_NEXT);
	return rc;
}

/* store_walk - call fn for each record in key order */
int
store_walk(struct store *st, const char *start_after, store_walk_fn fn,
    void *arg, struct buf *why)
{
	char	 kbuf[ADDR_MAX + 1];
	struct store_rec rec;
	struct store_view v;
	MDB_cursor *cur = NULL;
	MDB_txn	*txn = NULL;
	MDB_val	 k, val;
	int	 rc;

	if ((rc = store_begin(st, DB_RDONLY, &txn, why)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(txn, st->dbi, &cur)) != 0) {
		cur = NULL;
		rc = db_fail(rc, "member cursor", why);
		goto out;
	}

	rc = store_walk_position(cur, start_after, &k, &val);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		if (k.mv_size > ADDR_MAX || store_decode(&val, &v) != 0) {
			rc = store_corrupt(&k, why);
			goto out;
		}
		memcpy(kbuf, k.mv_data, k.mv_size);
		kbuf[k.mv_size] = '\0';
		rec = (struct store_rec){
			.addr = (char *)v.addr,
			.key = kbuf,
			.flags = v.flags,
			.digest = (char *)v.digest,
			.since = v.since,
		};
		if ((rc = fn(&rec, arg)) != 0) {
			if (rc == 1)
				rc = 0;
			goto out;
		}
	}
	if (rc == MDB_NOTFOUND)
		rc = 0;
	else
		rc = db_fail(rc, "member walk", why);

out:
	if (cur != NULL)
		mdb_cursor_close(cur);
	if (txn != st->txn)
		db_abort(txn);
	return rc;
}

/* store_is_recipient - does this record get each post */
int
store_is_recipient(const struct store_rec *rec)
{
	return (rec->flags & STORE_RECIPIENT) != 0 &&
	    (rec->flags & (STORE_OFF | STORE_SKIP | STORE_DIGEST)) == 0;
}

/* store_rec_clear - release the copies in a record */
void
store_rec_clear(struct store_rec *rec)
{
	free(rec->addr);
	free(rec->key);
	free(rec->digest);
	*rec = (struct store_rec){ .addr = NULL };
}

/* store_count_scan - count records with any of flags */
static long
store_count_scan(struct store *st, MDB_txn *txn, unsigned flags)
{
	const unsigned char *p;
	MDB_cursor *cur;
	MDB_val	 k, val;
	long	 n = 0;
	int	 rc;

	if (mdb_cursor_open(txn, st->dbi, &cur) != 0)
		return -1;
	rc = mdb_cursor_get(cur, &k, &val, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &val, MDB_NEXT)) {
		p = val.mv_data;
		if (val.mv_size < STORE_HDR_LEN || p[0] != STORE_VERSION) {
			rc = -1;
			break;
		}
		if ((store_get_be(p + 4, 4) & flags) != 0)
			n++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? n : -1;
}

/* store_count - number of records with any of flags; all for 0 */
long
store_count(struct store *st, unsigned flags)
{
	MDB_txn	*txn = NULL;
	MDB_stat ms;
	long	 n;

	if (store_begin(st, DB_RDONLY, &txn, NULL) != 0)
		return -1;
	if (flags != 0)
		n = store_count_scan(st, txn, flags);
	else if (mdb_stat(txn, st->dbi, &ms) == 0)
		n = ms.ms_entries > (size_t)LONG_MAX ? LONG_MAX :
		    (long)ms.ms_entries;
	else
		n = -1;
	if (txn != st->txn)
		db_abort(txn);
	return n;
}

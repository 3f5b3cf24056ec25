/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_store - the LMDB environment and the member store
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <lmdb.h>

#include "buf.h"
#include "check.h"
#include "db.h"
#include "store.h"
#include "xmem.h"

/* CHECK evaluates its condition twice; these conditions have effects. */
#define EXPECT(cond, ...) do {						\
	int expect_ok = (cond);						\
	CHECK(expect_ok, __VA_ARGS__);					\
} while (0)

#define BULK_N		100000
#define CHILDREN	8
#define CHILD_ADDS	500
#define OPENERS		20

static char	 test_root[256];
static struct buf *why;

/* test_dir - a fresh path under the test root (not created) */
static char *
test_dir(const char *name)
{
	return xasprintf("%s/%s", test_root, name);
}

/* test_rmenv - remove an environment directory */
static void
test_rmenv(const char *dir)
{
	char	*p;

	p = xasprintf("%s/data.mdb", dir);
	unlink(p);
	p = xfree(p);
	p = xasprintf("%s/lock.mdb", dir);
	unlink(p);
	p = xfree(p);
	rmdir(dir);
}

/* test_open - open a store on a new or existing environment */
static int
test_open(const char *dir, size_t map, struct db **db, struct store **st)
{
	int	 rc;

	*st = NULL;
	if ((rc = db_open(dir, map, db, why)) != 0)
		return rc;
	if ((rc = store_open(*db, st, why)) != 0)
		*db = db_close(*db);
	return rc;
}

/* test_status - db_status() and db_fail() */
static void
test_status(void)
{
	static const struct {
		int	 rc, want;
	} cases[] = {
		{ 0, 0 },
		{ MDB_MAP_FULL, EX_TEMPFAIL },
		{ MDB_READERS_FULL, EX_TEMPFAIL },
		{ MDB_TXN_FULL, EX_TEMPFAIL },
		{ ENOSPC, EX_TEMPFAIL },
		{ ENOMEM, EX_TEMPFAIL },
		{ EAGAIN, EX_TEMPFAIL },
		{ EBUSY, EX_TEMPFAIL },
		{ EINTR, EX_TEMPFAIL },
		{ MDB_NOTFOUND, EX_SOFTWARE },
		{ MDB_CORRUPTED, EX_IOERR },
		{ EACCES, EX_IOERR },
		{ EIO, EX_IOERR },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT(db_status(cases[i].rc) == cases[i].want,
		    "db_status(%d) is %d", cases[i].rc, cases[i].want);
	EXPECT(db_fail(MDB_MAP_FULL, "put x", why) == EX_TEMPFAIL &&
	    strncmp(buf_str(why), "put x: MDB_MAP_FULL", 19) == 0,
	    "db_fail text \"%s\"", buf_str(why));
}

/* test_db_open - creation, reopening, schema version */
static void
test_db_open(void)
{
	struct db *db;
	MDB_txn	*txn;
	MDB_val	 k = { .mv_size = 7, .mv_data = "version" };
	MDB_val	 v = { .mv_size = 1, .mv_data = "9" };
	char	*dir = test_dir("open");
	char	*bad = test_dir("no/such/parent");
	struct stat sb;
	int	 i, distinct = 1;

	EXPECT(db_open(dir, 0, &db, why) == 0, "db_open creates %s (%s)", dir,
	    buf_str(why));
	EXPECT(stat(dir, &sb) == 0 && (sb.st_mode & 0777) == 0700,
	    "directory mode 0700");
	for (i = 1; i < DB_NTABLES; i++)
		if (db_dbi(db, i) == db_dbi(db, i - 1))
			distinct = 0;
	EXPECT(distinct, "every table has its own handle");
	EXPECT(db_file_size(db) > 0, "db_file_size %zu", db_file_size(db));
	EXPECT(db_begin(db, DB_RDONLY, &txn, why) == 0 &&
	    mdb_get(txn, db_dbi(db, DB_META), &k, &v) == 0 &&
	    v.mv_size == 1 && memcmp(v.mv_data, "1", 1) == 0,
	    "schema version 1 stored");
	db_abort(txn);
	db = db_close(db);

	EXPECT(db_open(dir, 0, &db, why) == 0, "db_open reopens (%s)",
	    buf_str(why));
	v = (MDB_val){ .mv_size = 1, .mv_data = "9" };
	EXPECT(db_begin(db, 0, &txn, why) == 0 &&
	    mdb_put(txn, db_dbi(db, DB_META), &k, &v, 0) == 0 &&
	    db_commit(txn, why) == 0, "schema version changed to 9");
	db = db_close(db);
	EXPECT(db_open(dir, 0, &db, why) == EX_CONFIG && db == NULL &&
	    strstr(buf_str(why), "schema version \"9\"") != NULL,
	    "unknown schema version refused: %s", buf_str(why));

	EXPECT(db_open(bad, 0, &db, why) == EX_IOERR && db == NULL,
	    "missing parent directory: %s", buf_str(why));
	db_abort(NULL);
	EXPECT(db_close(NULL) == NULL, "db_close(NULL)");
	test_rmenv(dir);
	dir = xfree(dir);
	bad = xfree(bad);
}

/* test_add_remove - return values and spelling */
static void
test_add_remove(struct store *st)
{
	struct store_rec rec;
	time_t	 before = time(NULL);

	EXPECT(store_add(st, "Bob@Example.COM", STORE_MEMBER | STORE_RECIPIENT,
	    why) == 0, "add Bob@Example.COM (%s)", buf_str(why));
	EXPECT(store_add(st, "Bob@Example.COM", STORE_MEMBER, why) ==
	    STORE_UNCHANGED, "add again: unchanged");
	EXPECT(store_add(st, "bob@example.com", STORE_RECIPIENT, why) ==
	    STORE_UNCHANGED, "add other spelling: unchanged");
	EXPECT(store_add(st, "bob@example.com", STORE_ADMIN, why) == 0,
	    "add admin role");
	EXPECT(store_add(st, "bad address@x", STORE_MEMBER, why) ==
	    EX_DATAERR && strstr(buf_str(why), "bad address") != NULL,
	    "invalid address refused: %s", buf_str(why));
	EXPECT(store_add(st, "nobody@example.com", STORE_OFF, why) ==
	    EX_SOFTWARE, "add without a role refused");

	EXPECT(store_get(st, "BOB@example.com", &rec, why) == 0,
	    "get other spelling");
	CHECK_STR(rec.addr, "Bob@Example.COM", "first spelling kept");
	CHECK_STR(rec.key, "bob@example.com", "key is lower case");
	EXPECT(rec.flags == (STORE_MEMBER | STORE_RECIPIENT | STORE_ADMIN),
	    "flags 0x%x", rec.flags);
	EXPECT(rec.digest == NULL, "no digest option");
	EXPECT(rec.since >= before && rec.since <= time(NULL) + 1,
	    "since is now");
	store_rec_clear(&rec);
	EXPECT(rec.addr == NULL && rec.key == NULL, "store_rec_clear");

	EXPECT(store_remove(st, "bob@EXAMPLE.com", STORE_RECIPIENT, why) == 0,
	    "remove recipient role");
	EXPECT(store_remove(st, "bob@EXAMPLE.com", STORE_RECIPIENT, why) ==
	    STORE_UNCHANGED, "remove again: unchanged");
	EXPECT(store_remove(st, "nobody@example.com", STORE_MEMBER, why) ==
	    STORE_NOTFOUND, "remove unknown: not found");
	EXPECT(store_remove(st, "", STORE_MEMBER, why) == STORE_NOTFOUND,
	    "remove empty: not found");
	EXPECT(store_get(st, "bob@example.com", &rec, why) == 0 &&
	    rec.flags == (STORE_MEMBER | STORE_ADMIN), "roles left 0x%x",
	    rec.flags);
	store_rec_clear(&rec);
	EXPECT(store_remove(st, "bob@example.com", STORE_MEMBER | STORE_ADMIN |
	    STORE_OFF, why) == 0, "remove remaining roles");
	EXPECT(store_get(st, "bob@example.com", &rec, why) == STORE_NOTFOUND &&
	    rec.addr == NULL, "record deleted with its last role");

	EXPECT(store_add(st, "skip@example.com", STORE_MEMBER | STORE_SKIP,
	    why) == 0, "add with an attribute");
	EXPECT(store_remove(st, "skip@example.com", STORE_SKIP, why) == 0 &&
	    store_get(st, "skip@example.com", &rec, why) == 0 &&
	    rec.flags == STORE_MEMBER, "removing an attribute keeps record");
	store_rec_clear(&rec);
	EXPECT(store_remove(st, "skip@example.com", STORE_MEMBER, why) == 0,
	    "remove skip@example.com");
}

/* test_attrs - store_set_attr() and store_is_recipient() */
static void
test_attrs(struct store *st)
{
	struct store_rec rec;

	EXPECT(store_add(st, "carol@example.org", STORE_MEMBER |
	    STORE_RECIPIENT, why) == 0, "add carol");
	EXPECT(store_get(st, "carol@example.org", &rec, why) == 0 &&
	    store_is_recipient(&rec), "carol is a recipient");
	store_rec_clear(&rec);

	EXPECT(store_set_attr(st, "Carol@example.org", STORE_OFF, 0, NULL,
	    why) == 0, "off");
	EXPECT(store_get(st, "carol@example.org", &rec, why) == 0 &&
	    !store_is_recipient(&rec) && (rec.flags & STORE_OFF),
	    "off: not a recipient");
	store_rec_clear(&rec);
	EXPECT(store_set_attr(st, "carol@example.org", STORE_OFF, 0, NULL,
	    why) == STORE_UNCHANGED, "off again: unchanged");
	EXPECT(store_set_attr(st, "carol@example.org", 0, STORE_OFF, NULL,
	    why) == 0, "on");

	EXPECT(store_set_attr(st, "carol@example.org", STORE_DIGEST, 0, "3mp",
	    why) == 0, "digest on 3mp");
	EXPECT(store_get(st, "carol@example.org", &rec, why) == 0 &&
	    rec.digest != NULL && strcmp(rec.digest, "3mp") == 0 &&
	    !store_is_recipient(&rec), "digest stored, no posts");
	store_rec_clear(&rec);
	EXPECT(store_set_attr(st, "carol@example.org", STORE_DIGEST, 0, "3mp",
	    why) == STORE_UNCHANGED, "same digest: unchanged");
	EXPECT(store_set_attr(st, "carol@example.org", 0, 0, "5", why) == 0,
	    "digest option changed");
	EXPECT(store_set_attr(st, "carol@example.org", 0, STORE_DIGEST, "",
	    why) == 0, "digest off");
	EXPECT(store_get(st, "carol@example.org", &rec, why) == 0 &&
	    rec.digest == NULL && store_is_recipient(&rec),
	    "digest cleared, posts again");
	store_rec_clear(&rec);

	EXPECT(store_set_attr(st, "carol@example.org", 0, STORE_ROLES, NULL,
	    why) == EX_DATAERR, "clearing every role refused");
	EXPECT(store_set_attr(st, "carol@example.org", 0, 0, "a b", why) ==
	    EX_DATAERR, "bad digest option refused");
	EXPECT(store_set_attr(st, "carol@example.org", 0, 0,
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4", why) == EX_DATAERR, "long digest option refused");
	EXPECT(store_set_attr(st, "nobody@example.org", STORE_OFF, 0, NULL,
	    why) == STORE_NOTFOUND, "attr on unknown: not found");
}

/* test_is_recipient - the recipient rule over a table */
static void
test_is_recipient(void)
{
	static const struct {
		unsigned flags;
		int	 want;
	} cases[] = {
		{ STORE_RECIPIENT, 1 },
		{ STORE_ADMIN_RCPT, 0 },
		{ STORE_MEMBER | STORE_RECIPIENT, 1 },
		{ STORE_MEMBER, 0 },
		{ STORE_ADMIN, 0 },
		{ STORE_RECIPIENT | STORE_OFF, 0 },
		{ STORE_RECIPIENT | STORE_SKIP, 0 },
		{ STORE_RECIPIENT | STORE_DIGEST, 0 },
		{ STORE_ADMIN_RCPT | STORE_OFF, 0 },
	};
	struct store_rec rec = { .addr = NULL };
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rec.flags = cases[i].flags;
		EXPECT(store_is_recipient(&rec) == cases[i].want,
		    "store_is_recipient(0x%x)", cases[i].flags);
	}
}

/* test_chaddr - moving and respelling records */
static void
test_chaddr(struct store *st)
{
	struct store_rec old, rec;

	EXPECT(store_set_attr(st, "carol@example.org", STORE_OFF, 0, "3",
	    why) == 0, "carol off, digest 3");
	EXPECT(store_get(st, "carol@example.org", &old, why) == 0, "get carol");
	EXPECT(store_chaddr(st, "CAROL@example.org", "Carol@New.example.org",
	    why) == 0, "chaddr (%s)", buf_str(why));
	EXPECT(store_get(st, "carol@example.org", &rec, why) ==
	    STORE_NOTFOUND, "old address gone");
	EXPECT(store_get(st, "carol@new.example.org", &rec, why) == 0,
	    "new address there");
	CHECK_STR(rec.addr, "Carol@New.example.org", "new spelling");
	EXPECT(rec.flags == old.flags && rec.since == old.since &&
	    rec.digest != NULL && strcmp(rec.digest, "3") == 0,
	    "flags, since and digest kept");
	store_rec_clear(&rec);
	store_rec_clear(&old);

	EXPECT(store_chaddr(st, "carol@new.example.org",
	    "carol@new.example.org", why) == 0, "respell in place");
	EXPECT(store_get(st, "carol@new.example.org", &rec, why) == 0 &&
	    strcmp(rec.addr, "carol@new.example.org") == 0, "respelled");
	store_rec_clear(&rec);
	EXPECT(store_chaddr(st, "carol@new.example.org",
	    "carol@new.example.org", why) == STORE_UNCHANGED,
	    "same spelling: unchanged");

	EXPECT(store_add(st, "dave@example.org", STORE_MEMBER, why) == 0,
	    "add dave");
	EXPECT(store_chaddr(st, "carol@new.example.org", "Dave@example.org",
	    why) == EX_DATAERR && strstr(buf_str(why), "exists") != NULL,
	    "chaddr onto a member refused: %s", buf_str(why));
	EXPECT(store_get(st, "carol@new.example.org", &rec, why) == 0,
	    "old record still there after refusal");
	store_rec_clear(&rec);
	EXPECT(store_chaddr(st, "carol@new.example.org", "carol@", why) ==
	    EX_DATAERR, "chaddr to an invalid address refused");
	EXPECT(store_chaddr(st, "nobody@example.org", "x@example.org", why) ==
	    STORE_NOTFOUND, "chaddr of unknown: not found");
	EXPECT(store_remove(st, "dave@example.org", STORE_ROLES, why) == 0 &&
	    store_remove(st, "carol@new.example.org", STORE_ROLES, why) == 0,
	    "cleanup");
}

/* test_find - exact and domain-level lookups */
static void
test_find(struct store *st)
{
	static const char *adds[] = { "u@a.b.example.jp", "ux@c.b.example.jp",
	    "U@zzz.example.jp", "v@example.jp" };
	static const unsigned add_flags[] = { STORE_MEMBER, STORE_MEMBER,
	    STORE_RECIPIENT, STORE_MEMBER };
	static const struct {
		const char *addr;
		unsigned flags;
		int	 cs, level;
		const char *want;	/* spelling found, NULL: not found */
	} cases[] = {
		{ "u@a.b.example.jp", STORE_MEMBER, 0, 0, "u@a.b.example.jp" },
		{ "U@A.B.EXAMPLE.JP", STORE_MEMBER, 0, 0, "u@a.b.example.jp" },
		{ "U@A.B.EXAMPLE.JP", STORE_MEMBER, 1, 0, NULL },
		{ "u@A.B.EXAMPLE.JP", STORE_MEMBER, 1, 0, "u@a.b.example.jp" },
		{ "u@c.b.example.jp", STORE_MEMBER, 0, 0, NULL },
		{ "u@c.b.example.jp", STORE_MEMBER, 0, 3, "u@a.b.example.jp" },
		{ "u@d.b.example.jp", STORE_MEMBER, 0, 3, "u@a.b.example.jp" },
		{ "U@d.b.example.jp", STORE_MEMBER, 1, 3, NULL },
		{ "u@c.b.example.jp", STORE_RECIPIENT, 0, 3, NULL },
		{ "u@q.example.jp", STORE_RECIPIENT, 0, 2, "U@zzz.example.jp" },
		{ "u@q.example.jp", STORE_RECIPIENT, 1, 2, NULL },
		{ "u@q.example.jp", 0, 0, 2, "u@a.b.example.jp" },
		{ "u@example.jp", STORE_MEMBER, 0, 3, NULL },
		{ "v@other.jp", STORE_MEMBER, 0, 3, NULL },
		{ "ux@a.b.example.jp", STORE_MEMBER, 0, 3,
		    "ux@c.b.example.jp" },
		{ "u", STORE_MEMBER, 0, 3, NULL },
		{ "", STORE_MEMBER, 0, 3, NULL },
	};
	struct addr_match m;
	struct store_rec rec;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		EXPECT(store_add(st, adds[i], add_flags[i], why) == 0,
		    "add %s", adds[i]);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = (struct addr_match){ .local_case_sensitive = cases[i].cs,
		    .domain_level = cases[i].level };
		rc = store_find(st, cases[i].addr, cases[i].flags, &m, &rec,
		    why);
		if (cases[i].want == NULL)
			EXPECT(rc == STORE_NOTFOUND && rec.addr == NULL,
			    "find #%zu %s: not found", i, cases[i].addr);
		else
			EXPECT(rc == 0 && rec.addr != NULL &&
			    strcmp(rec.addr, cases[i].want) == 0,
			    "find #%zu %s: %s", i, cases[i].addr,
			    cases[i].want);
		store_rec_clear(&rec);
	}
	EXPECT(store_find(st, "U@A.b.example.jp", STORE_MEMBER, NULL, &rec,
	    why) == 0, "find with null match");
	store_rec_clear(&rec);
	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		EXPECT(store_remove(st, adds[i], STORE_ROLES, why) == 0,
		    "remove %s", adds[i]);
}

struct walk_state {
	struct store *st;
	int	 seen;
	int	 stop_at;		/* stop at this record, 0: never */
	int	 stop_value;
	int	 sorted;
	int	 lookups_ok;
	char	 last[400];
	char	 first[400];
};

/* test_walk_fn - record order and nested lookups */
static int
test_walk_fn(const struct store_rec *rec, void *arg)
{
	struct walk_state *ws = arg;
	struct store_rec r;

	if (ws->seen == 0)
		snprintf(ws->first, sizeof(ws->first), "%s", rec->key);
	else if (strcmp(ws->last, rec->key) >= 0)
		ws->sorted = 0;
	snprintf(ws->last, sizeof(ws->last), "%s", rec->key);
	ws->seen++;
	if (ws->st != NULL) {
		if (store_get(ws->st, rec->addr, &r, NULL) != 0 ||
		    strcmp(r.addr, rec->addr) != 0)
			ws->lookups_ok = 0;
		store_rec_clear(&r);
	}
	if (ws->stop_at != 0 && ws->seen == ws->stop_at)
		return ws->stop_value;
	return 0;
}

/* test_walk - order, resume, stop, nested calls */
static void
test_walk(struct store *st)
{
	static const char *adds[] = { "d@example.com", "B@example.com",
	    "a@example.com", "C@Example.com", "e@example.com" };
	struct walk_state ws;
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		store_add(st, adds[i], STORE_MEMBER | STORE_RECIPIENT, why);
	EXPECT(store_count(st, 0) == 5, "count 5");
	EXPECT(store_count(st, STORE_RECIPIENT) == 5, "count recipients 5");
	EXPECT(store_count(st, STORE_DIGEST) == 0, "count digest 0");

	ws = (struct walk_state){ .st = st, .sorted = 1, .lookups_ok = 1 };
	rc = store_walk(st, NULL, test_walk_fn, &ws, why);
	EXPECT(rc == 0 && ws.seen == 5 && ws.sorted, "walk all in order");
	EXPECT(ws.lookups_ok, "lookups from inside a walk");
	CHECK_STR(ws.first, "a@example.com", "walk starts at the first key");

	ws = (struct walk_state){ .sorted = 1 };
	rc = store_walk(st, "b@example.com", test_walk_fn, &ws, why);
	EXPECT(rc == 0 && ws.seen == 3 && ws.sorted, "resume after b: %d",
	    ws.seen);
	CHECK_STR(ws.first, "c@example.com", "resume starts at c");

	ws = (struct walk_state){ .sorted = 1 };
	rc = store_walk(st, "bz", test_walk_fn, &ws, why);
	EXPECT(rc == 0 && ws.seen == 3, "resume after a missing key");
	CHECK_STR(ws.first, "c@example.com", "resume at next greater key");

	ws = (struct walk_state){ .sorted = 1 };
	EXPECT(store_walk(st, "e@example.com", test_walk_fn, &ws, why) == 0 &&
	    ws.seen == 0, "resume after the last key: nothing");

	ws = (struct walk_state){ .sorted = 1, .stop_at = 2, .stop_value = 1 };
	EXPECT(store_walk(st, NULL, test_walk_fn, &ws, why) == 0 &&
	    ws.seen == 2, "stop with 1 gives 0");
	ws = (struct walk_state){ .sorted = 1, .stop_at = 3,
	    .stop_value = EX_TEMPFAIL };
	EXPECT(store_walk(st, NULL, test_walk_fn, &ws, why) == EX_TEMPFAIL &&
	    ws.seen == 3, "stop with another value returns it");

	EXPECT(store_txn_begin(st, why) == 0, "txn for walk");
	store_add(st, "f@example.com", STORE_MEMBER, why);
	ws = (struct walk_state){ .sorted = 1 };
	EXPECT(store_walk(st, NULL, test_walk_fn, &ws, why) == 0 &&
	    ws.seen == 6, "walk inside a txn sees its changes");
	store_txn_abort(st);
	EXPECT(store_count(st, 0) == 5, "abort drops the change");

	for (i = 0; i < sizeof(adds) / sizeof(adds[0]); i++)
		store_remove(st, adds[i], STORE_ROLES, why);
	EXPECT(store_count(st, 0) == 0, "all removed");
}

/* test_txn - explicit transactions */
static void
test_txn(struct store *st)
{
	struct store_rec rec;

	EXPECT(store_txn_commit(st, why) == EX_SOFTWARE, "commit without txn");
	EXPECT(store_txn_begin(st, why) == 0, "txn begin");
	EXPECT(store_txn_begin(st, why) == EX_SOFTWARE, "nested txn refused");
	EXPECT(store_add(st, "t@example.com", STORE_MEMBER, why) == 0,
	    "add in txn");
	EXPECT(store_get(st, "t@example.com", &rec, why) == 0,
	    "txn sees its own add");
	store_rec_clear(&rec);
	EXPECT(store_count(st, STORE_MEMBER) == 1, "count in txn");
	store_txn_abort(st);
	EXPECT(store_get(st, "t@example.com", &rec, why) == STORE_NOTFOUND,
	    "aborted add gone");

	EXPECT(store_txn_begin(st, why) == 0 &&
	    store_add(st, "t@example.com", STORE_MEMBER, why) == 0 &&
	    store_add(st, "t@example.com", STORE_MEMBER, why) ==
	    STORE_UNCHANGED &&
	    store_add(st, "t2@example.com", STORE_MEMBER, why) == 0 &&
	    store_txn_commit(st, why) == 0, "txn commit");
	EXPECT(store_count(st, STORE_MEMBER) == 2, "committed adds there");
	EXPECT(store_remove(st, "t@example.com", STORE_MEMBER, why) == 0 &&
	    store_remove(st, "t2@example.com", STORE_MEMBER, why) == 0,
	    "cleanup");
}

/* test_corrupt - a record that cannot be decoded */
static void
test_corrupt(struct db *db, struct store *st)
{
	MDB_txn	*txn;
	MDB_val	 k = { .mv_size = 5, .mv_data = "bad@x" };
	MDB_val	 v = { .mv_size = 3, .mv_data = "\001xx" };
	struct store_rec rec;
	struct walk_state ws = { .sorted = 1 };

	EXPECT(db_begin(db, 0, &txn, why) == 0 &&
	    mdb_put(txn, db_dbi(db, DB_MEMBER), &k, &v, 0) == 0 &&
	    db_commit(txn, why) == 0, "garbage record written");
	EXPECT(store_get(st, "bad@x", &rec, why) == EX_IOERR &&
	    rec.addr == NULL, "garbage record: EX_IOERR (%s)", buf_str(why));
	EXPECT(store_walk(st, NULL, test_walk_fn, &ws, why) == EX_IOERR,
	    "walk over garbage: EX_IOERR");
	EXPECT(store_add(st, "bad@x", STORE_MEMBER, why) == EX_IOERR,
	    "add onto garbage: EX_IOERR");
	EXPECT(store_count(st, STORE_MEMBER) == -1, "count over garbage: -1");
	EXPECT(db_begin(db, 0, &txn, why) == 0 &&
	    mdb_del(txn, db_dbi(db, DB_MEMBER), &k, NULL) == 0 &&
	    db_commit(txn, why) == 0, "garbage removed");
}

/* test_bulk - one transaction of BULK_N adds */
static void
test_bulk(void)
{
	struct timespec t0, t1, t2;
	struct walk_state ws = { .sorted = 1 };
	struct store_rec rec;
	struct store *st;
	struct db *db;
	char	*dir = test_dir("bulk");
	char	 addr[64];
	int	 i, rc = 0;

	if (test_open(dir, 0, &db, &st) != 0) {
		EXPECT(0, "open bulk env: %s", buf_str(why));
		dir = xfree(dir);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT(store_txn_begin(st, why) == 0, "bulk txn");
	for (i = 0; i < BULK_N && rc == 0; i++) {
		snprintf(addr, sizeof(addr), "User%06d@Example%d.COM",
		    (i * 7919) % BULK_N, i % 97);
		rc = store_add(st, addr, STORE_MEMBER | STORE_RECIPIENT, why);
	}
	EXPECT(rc == 0 && store_txn_commit(st, why) == 0,
	    "%d adds committed (%s)", BULK_N, buf_str(why));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("# %d adds in one transaction: %.3f s\n", BULK_N,
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

	EXPECT(store_count(st, 0) == BULK_N, "count %ld", store_count(st, 0));
	EXPECT(store_count(st, STORE_RECIPIENT) == BULK_N, "count recipients");
	rc = store_walk(st, NULL, test_walk_fn, &ws, why);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	EXPECT(rc == 0 && ws.seen == BULK_N && ws.sorted,
	    "walk of %d in order", ws.seen);
	printf("# walk of %d records: %.3f s; data.mdb %zu bytes\n", BULK_N,
	    (double)(t2.tv_sec - t1.tv_sec) +
	    (double)(t2.tv_nsec - t1.tv_nsec) / 1e9, db_file_size(db));
	EXPECT(store_get(st, "user007919@example1.com", &rec, why) == 0 &&
	    strcmp(rec.addr, "User007919@Example1.COM") == 0,
	    "lookup in the bulk list");
	store_rec_clear(&rec);
	EXPECT(db_file_size(db) > 1000000 && db_file_size(db) < 200000000,
	    "file grows with the data, not the map");

	st = store_close(st);
	db = db_close(db);
	test_rmenv(dir);
	dir = xfree(dir);
}

/* test_map_full - a full map is a temporary failure */
static void
test_map_full(void)
{
	struct store *st;
	struct db *db;
	char	*dir = test_dir("small");
	char	 addr[64];
	int	 i, rc = 0;

	if (test_open(dir, 256 * 1024, &db, &st) != 0) {
		EXPECT(0, "open small env: %s", buf_str(why));
		dir = xfree(dir);
		return;
	}
	EXPECT(store_txn_begin(st, why) == 0, "small txn");
	for (i = 0; i < BULK_N && rc == 0; i++) {
		snprintf(addr, sizeof(addr), "user%06d@example.com", i);
		rc = store_add(st, addr, STORE_MEMBER, why);
	}
	EXPECT(rc == EX_TEMPFAIL && strstr(buf_str(why), "MDB_MAP_FULL"),
	    "map full after %d adds: %s", i, buf_str(why));
	store_txn_abort(st);
	EXPECT(store_add(st, "one@example.com", STORE_MEMBER, why) == 0 &&
	    store_count(st, 0) == 1, "usable after the abort");
	st = store_close(st);
	db = db_close(db);
	test_rmenv(dir);
	dir = xfree(dir);
}

/* test_child - add n addresses, each in its own transaction */
static int
test_child(const char *dir, int id, int n, int start_fd)
{
	struct store *st;
	struct db *db;
	char	 addr[64];
	char	 c;
	int	 i;

	if (read(start_fd, &c, 1) < 0)
		return 2;
	if (test_open(dir, 0, &db, &st) != 0) {
		fprintf(stderr, "child %d: %s\n", id, buf_str(why));
		return 1;
	}
	for (i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "c%d-%d@Example.NET", id, i);
		if (store_add(st, addr, STORE_MEMBER | STORE_RECIPIENT,
		    why) != 0) {
			fprintf(stderr, "child %d: %s\n", id, buf_str(why));
			return 1;
		}
	}
	st = store_close(st);
	db = db_close(db);
	return 0;
}

/* test_fork - start children that wait for the parent, then run */
static int
test_fork(const char *dir, int children, int adds, int id0)
{
	pid_t	 pids[OPENERS];
	int	 fds[2];
	int	 i, status, ok = 0;

	if (pipe(fds) != 0)
		return 0;
	fflush(stdout);
	for (i = 0; i < children; i++) {
		if ((pids[i] = fork()) == 0) {
			close(fds[1]);
			_exit(test_child(dir, id0 + i, adds, fds[0]));
		}
	}
	close(fds[0]);
	close(fds[1]);
	for (i = 0; i < children; i++)
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			ok++;
	return ok;
}

/* test_concurrency - many processes on one environment */
static void
test_concurrency(void)
{
	struct timespec t0, t1;
	struct store *st;
	struct db *db;
	char	*dir = test_dir("shared");
	int	 ok;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok = test_fork(dir, CHILDREN, CHILD_ADDS, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT(ok == CHILDREN, "%d children created and filled one env", ok);
	printf("# %d processes x %d single adds: %.3f s\n", CHILDREN,
	    CHILD_ADDS, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

	ok = test_fork(dir, OPENERS, 1, 100);
	EXPECT(ok == OPENERS, "%d processes opened at once", ok);

	if (test_open(dir, 0, &db, &st) != 0) {
		EXPECT(0, "open shared env: %s", buf_str(why));
		dir = xfree(dir);
		return;
	}
	EXPECT(store_count(st, 0) == CHILDREN * CHILD_ADDS + OPENERS,
	    "count %ld", store_count(st, 0));
	st = store_close(st);
	db = db_close(db);
	test_rmenv(dir);
	dir = xfree(dir);
}

int
main(void)
{
	struct store *st;
	struct db *db;
	const char *tmp = getenv("TMPDIR");
	char	*dir;
	int	 n;

	check_name = "store";
	why = buf_alloc(128);
	n = snprintf(test_root, sizeof(test_root), "%s/test_store.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(test_root))
		return 1;
	if (mkdtemp(test_root) == NULL) {
		perror(test_root);
		return 1;
	}

	test_status();
	test_db_open();
	test_is_recipient();

	dir = test_dir("main");
	if (test_open(dir, 0, &db, &st) == 0) {
		test_add_remove(st);
		test_attrs(st);
		test_chaddr(st);
		test_find(st);
		test_walk(st);
		test_txn(st);
		test_corrupt(db, st);
		EXPECT(store_count(st, 0) == 0, "main env empty at the end");
		st = store_close(st);
		db = db_close(db);
	} else
		EXPECT(0, "open main env: %s", buf_str(why));
	test_rmenv(dir);
	dir = xfree(dir);

	test_bulk();
	test_map_full();
	test_concurrency();

	rmdir(test_root);
	why = buf_free(why);
	return check_done();
}

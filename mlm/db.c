/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	db - the LMDB environment of one list
 * SYNOPSIS
 *	#include "db.h"
 * DESCRIPTION
 *	db_open() creates the directory (mode 0700) when it is missing,
 *	opens the environment in it (data.mdb and lock.mdb, mode 0600)
 *	and makes sure every table of enum db_table exists. The tables
 *	are named "member", "queue", "qrcpt", "msgid", "confirm",
 *	"bounce", "isolated", "rate" and "meta"; meta holds the schema
 *	version under the key "version" (currently "1"). When all tables
 *	and the version exist already, db_open() only takes a read
 *	transaction, so that opening never waits for a writer; otherwise
 *	it creates what is missing in one write transaction. Readers left
 *	behind by processes that died are cleared at open time.
 *
 *	The environment is opened without MDB_WRITEMAP (the file grows
 *	with the data, not with the map) and without MDB_NOSYNC (every
 *	commit is on disk when db_commit() returns). It uses MDB_NOTLS,
 *	so that one process may hold several read transactions at once,
 *	for example a lookup from inside a store_walk() callback. Any
 *	number of processes may open the same environment at once; the
 *	LMDB lock file serialises writers. Do not use a handle across
 *	fork(): open the environment again in the child.
 *
 *	db_close() closes the environment and returns a null pointer.
 *	db_env() and db_dbi() give the LMDB handles for modules that work
 *	on their own tables; a table handle is valid until db_close().
 *
 *	db_begin() starts a transaction, read-only with DB_RDONLY. When
 *	another process has grown the map, or the reader table is full of
 *	readers that died, it adapts and retries once. db_commit() commits
 *	and always frees the transaction, even when the commit fails.
 *	db_abort() abandons a transaction; a null pointer is ignored.
 *
 *	db_status() maps an LMDB or errno code to a sysexits status and
 *	db_fail() also writes "what: reason" to why. db_file_size() gives
 *	the size of data.mdb in bytes (0 if it cannot be determined).
 * DIAGNOSTICS
 *	db_status(): 0 for 0; EX_TEMPFAIL for MDB_MAP_FULL,
 *	MDB_READERS_FULL, MDB_TXN_FULL, ENOSPC, ENOMEM, EAGAIN, EBUSY and
 *	EINTR; EX_SOFTWARE for MDB_NOTFOUND, which callers treat as "no
 *	such key" before it can reach db_status(), so seeing it here means
 *	a record that ought to exist does not; EX_IOERR for anything else.
 *	db_open() returns EX_CONFIG when the schema version is not one
 *	this program knows.
 * BUGS
 *	The map does not grow by itself: MDB_MAP_FULL is a temporary
 *	failure until db_map_size is raised.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <lmdb.h>

#include "buf.h"
#include "db.h"
#include "xmem.h"

#define DB_DEFAULT_MAP	((size_t)1 << 30)
#define DB_MAX_READERS	126
#define DB_VERSION_KEY	"version"
#define DB_VERSION	"1"

struct db {
	MDB_env	*env;
	MDB_dbi	 dbi[DB_NTABLES];
	char	*data_path;		/* dir/data.mdb */
};

static const char *const db_names[DB_NTABLES] = {
	[DB_MEMBER] = "member",
	[DB_QUEUE] = "queue",
	[DB_QRCPT] = "qrcpt",
	[DB_MSGID] = "msgid",
	[DB_CONFIRM] = "confirm",
	[DB_BOUNCE] = "bounce",
	[DB_ISOLATED] = "isolated",
	[DB_RATE] = "rate",
	[DB_META] = "meta",
};

/* db_status - map an LMDB or errno code to a sysexits status */
int
db_status(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case MDB_MAP_FULL:
	case MDB_READERS_FULL:
	case MDB_TXN_FULL:
	case ENOSPC:
	case ENOMEM:
	case EAGAIN:
	case EBUSY:
	case EINTR:
		return EX_TEMPFAIL;
	case MDB_NOTFOUND:
		return EX_SOFTWARE;
	default:
		return EX_IOERR;
	}
}

/* db_fail - describe an LMDB failure and give its sysexits status */
int
db_fail(int rc, const char *what, struct buf *why)
{
	BUF_WHY(why, "%s: %s", what, mdb_strerror(rc));
	return db_status(rc);
}

/* db_check_version - verify the schema version in an open transaction */
static int
db_check_version(struct db *db, MDB_txn *txn, const char *dir,
    struct buf *why)
{
	MDB_val	 key = { .mv_size = strlen(DB_VERSION_KEY),
		    .mv_data = DB_VERSION_KEY };
	MDB_val	 val;
	int	 rc;

	rc = mdb_get(txn, db->dbi[DB_META], &key, &val);
	if (rc == MDB_NOTFOUND)
		return MDB_NOTFOUND;
	if (rc != 0)
		return db_fail(rc, "read schema version", why);
	if (val.mv_size != strlen(DB_VERSION) ||
	    memcmp(val.mv_data, DB_VERSION, val.mv_size) != 0) {
		BUF_WHY(why, "%s: unsupported schema version \"%.*s\" "
		    "(expected %s)", dir, (int)(val.mv_size > 16 ? 16 :
		    val.mv_size), (const char *)val.mv_data, DB_VERSION);
		return EX_CONFIG;
	}
	return 0;
}

/* db_open_existing - open the tables in a read transaction if all exist */
static int
db_open_existing(struct db *db, const char *dir, struct buf *why)
{
	MDB_txn	*txn;
	int	 rc;
	int	 i;

	if ((rc = mdb_txn_begin(db->env, NULL, MDB_RDONLY, &txn)) != 0)
		return db_fail(rc, "mdb_txn_begin", why);

	for (i = 0; i < DB_NTABLES; i++) {
		rc = mdb_dbi_open(txn, db_names[i], 0, &db->dbi[i]);
		if (rc != 0)
			break;
	}
	if (rc == 0)
		rc = db_check_version(db, txn, dir, why);
	else if (rc != MDB_NOTFOUND)
		rc = db_fail(rc, "mdb_dbi_open", why);

	if (rc != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return db_fail(rc, "mdb_txn_commit", why);
	return 0;
}

/* db_create_tables - create missing tables and the schema version */
static int
db_create_tables(struct db *db, const char *dir, struct buf *why)
{
	MDB_val	 key = { .mv_size = strlen(DB_VERSION_KEY),
		    .mv_data = DB_VERSION_KEY };
	MDB_val	 val = { .mv_size = strlen(DB_VERSION),
		    .mv_data = DB_VERSION };
	MDB_txn	*txn;
	int	 rc;
	int	 i;

	if ((rc = mdb_txn_begin(db->env, NULL, 0, &txn)) != 0)
		return db_fail(rc, "mdb_txn_begin", why);

	for (i = 0; i < DB_NTABLES; i++) {
		rc = mdb_dbi_open(txn, db_names[i], MDB_CREATE, &db->dbi[i]);
		if (rc != 0) {
			rc = db_fail(rc, "mdb_dbi_open", why);
			goto out;
		}
	}

	rc = db_check_version(db, txn, dir, why);
	if (rc == MDB_NOTFOUND) {
		rc = mdb_put(txn, db->dbi[DB_META], &key, &val, 0);
		if (rc != 0)
			rc = db_fail(rc, "write schema version", why);
	}
	if (rc != 0)
		goto out;

	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		rc = db_fail(rc, "mdb_txn_commit", why);

out:
	if (txn != NULL)
		mdb_txn_abort(txn);
	return rc;
}

/* db_open - open (creating if needed) the environment in dir */
int
db_open(const char *dir, size_t map_size, struct db **dbp, struct buf *why)
{
	struct db *db;
	int	 dead;
	int	 rc;

	*dbp = NULL;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = errno;
		BUF_WHY(why, "mkdir %s: %s", dir, strerror(rc));
		return db_status(rc);
	}

	db = xcalloc(1, sizeof(*db));
	db->data_path = xasprintf("%s/data.mdb", dir);
	if ((rc = mdb_env_create(&db->env)) != 0) {
		db->env = NULL;
		rc = db_fail(rc, "mdb_env_create", why);
		goto out;
	}
	if ((rc = mdb_env_set_maxdbs(db->env, DB_NTABLES + 4)) != 0 ||
	    (rc = mdb_env_set_mapsize(db->env,
	    map_size ? map_size : DB_DEFAULT_MAP)) != 0 ||
	    (rc = mdb_env_set_maxreaders(db->env, DB_MAX_READERS)) != 0) {
		rc = db_fail(rc, "mdb_env_set", why);
		goto out;
	}
	if ((rc = mdb_env_open(db->env, dir, MDB_NOTLS, 0600)) != 0) {
		BUF_WHY(why, "open database %s: %s", dir, mdb_strerror(rc));
		rc = db_status(rc);
		goto out;
	}
	(void)mdb_reader_check(db->env, &dead);

	rc = db_open_existing(db, dir, why);
	if (rc == MDB_NOTFOUND)
		rc = db_create_tables(db, dir, why);

out:
	if (rc != 0) {
		db_close(db);
		return rc;
	}
	*dbp = db;
	return 0;
}

/* db_close - close the environment; returns a null pointer */
struct db *
db_close(struct db *db)
{
	if (db == NULL)
		return NULL;
	if (db->env != NULL)
		mdb_env_close(db->env);
	db->data_path = xfree(db->data_path);
	return xfree(db);
}

/* db_env - the LMDB environment */
MDB_env *
db_env(struct db *db)
{
	return db->env;
}

/* db_dbi - the handle of one table */
MDB_dbi
db_dbi(struct db *db, enum db_table table)
{
	return db->dbi[table];
}

/* db_begin - start a transaction, read-only with DB_RDONLY */
int
db_begin(struct db *db, int flags, MDB_txn **txnp, struct buf *why)
{
	unsigned int mdb_flags = (flags & DB_RDONLY) ? MDB_RDONLY : 0;
	int	 dead;
	int	 rc;

	*txnp = NULL;
	rc = mdb_txn_begin(db->env, NULL, mdb_flags, txnp);
	if (rc == MDB_MAP_RESIZED) {
		if ((rc = mdb_env_set_mapsize(db->env, 0)) == 0)
			rc = mdb_txn_begin(db->env, NULL, mdb_flags, txnp);
	} else if (rc == MDB_READERS_FULL) {
		if (mdb_reader_check(db->env, &dead) == 0 && dead > 0)
			rc = mdb_txn_begin(db->env, NULL, mdb_flags, txnp);
	}
	if (rc != 0) {
		*txnp = NULL;
		return db_fail(rc, "mdb_txn_begin", why);
	}
	return 0;
}

/* db_commit - commit and free a transaction */
int
db_commit(MDB_txn *txn, struct buf *why)
{
	int	 rc;

	if ((rc = mdb_txn_commit(txn)) != 0)
		return db_fail(rc, "mdb_txn_commit", why);
	return 0;
}

/* db_abort - abandon a transaction */
void
db_abort(MDB_txn *txn)
{
	if (txn != NULL)
		mdb_txn_abort(txn);
}

/* db_file_size - size of data.mdb in bytes, 0 if unknown */
size_t
db_file_size(struct db *db)
{
	struct stat st;

	if (stat(db->data_path, &st) != 0 || st.st_size < 0)
		return 0;
	return (size_t)st.st_size;
}

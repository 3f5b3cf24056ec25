/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_DB_H
#define MLM_DB_H

/*
 * db - the LMDB environment of one list (ml_home_dir/var/db)
 *
 * One environment per list holds every table: members, the outgoing
 * queue, the Message-ID cache and, later, confirmations and bounces.
 * Open it once per process and share the handle. Every function returns
 * 0, or a sysexits status with the reason in why: EX_TEMPFAIL for
 * conditions that may pass (MDB_MAP_FULL, MDB_READERS_FULL, ENOSPC,
 * ENOMEM, EAGAIN, a busy lock), EX_IOERR or EX_SOFTWARE otherwise.
 * MDB_NOTFOUND is no error: callers test for it themselves; passed to
 * db_status() or db_fail() it gives EX_SOFTWARE (a record that ought to
 * exist is missing). The environment uses MDB_NOTLS, so a process may
 * hold several read transactions at once; never use a handle across
 * fork().
 *
 * The map size (db_map_size, default 1 GiB) is address space only: the
 * file grows with the data, not with the map, because MDB_WRITEMAP is
 * not used. Data read in a transaction is valid until that transaction
 * ends; copy what must outlive it.
 */

#include <stddef.h>
#include <lmdb.h>

#include "buf.h"

enum db_table {
	DB_MEMBER,		/* address key -> store record */
	DB_QUEUE,		/* qid -> queue item */
	DB_QRCPT,		/* qid NUL address -> retry state */
	DB_MSGID,		/* Message-ID -> time first seen */
	DB_CONFIRM,		/* confirmation tokens (command mail) */
	DB_BOUNCE,		/* bounce records (error mail) */
	DB_ISOLATED,		/* quarantined posts */
	DB_RATE,		/* per-address reply counters */
	DB_META,		/* schema version and the like */
	DB_NTABLES
};

struct db;

int		 db_open(const char *, size_t, struct db **, struct buf *);
struct db	*db_close(struct db *);
MDB_env		*db_env(struct db *);
MDB_dbi		 db_dbi(struct db *, enum db_table);
int		 db_begin(struct db *, int, MDB_txn **, struct buf *);
int		 db_commit(MDB_txn *, struct buf *);
void		 db_abort(MDB_txn *);
int		 db_status(int);
int		 db_fail(int, const char *, struct buf *);
size_t		 db_file_size(struct db *);

#define DB_RDONLY	1	/* db_begin: a read-only transaction */

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	isolate - the quarantine of posts the list did not distribute
 * SYNOPSIS
 *	#include "isolate.h"
 * DESCRIPTION
 *	Ids are "YYYYMMDDhhmmss.pid.n": sortable by arrival, unique per
 *	process. Fields in the record are cleaned of tabs and line ends.
 * DIAGNOSTICS
 *	0, or a sysexits status with the reason in why.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "isolate.h"
#include "spool.h"
#include "xmem.h"

/* isolate_field - append a value with tabs and controls made spaces */
static void
isolate_field(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	for (; *s; s++)
		buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
}

/* isolate_store - keep a mail in the quarantine */
int
isolate_store(struct ml *ml, struct db *db, const char *raw, size_t len,
    const struct isolate_info *info, char *id, struct buf *why)
{
	static int seq;
	const char *dir = ml_get(ml, "isolated_queue_dir");
	struct buf *rec;
	MDB_txn	*txn;
	MDB_val	 k, v;
	char	 stamp[32];
	char	*path;
	time_t	 now = time(NULL);
	int	 status, rc;

	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", localtime(&now));
	snprintf(id, ISOLATE_ID_MAX, "%s.%ld.%d", stamp, (long)getpid(),
	    seq++);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		BUF_WHY(why, "mkdir %s: %s", dir, strerror(errno));
		return EX_TEMPFAIL;
	}
	path = xasprintf("%s/%s", dir, id);
	status = spool_write_file(path, raw, len, 0600, why);
	if (status != 0) {
		path = xfree(path);
		return status;
	}

	rec = buf_alloc(256);
	buf_printf(rec, "%ld\t", (long)now);
	isolate_field(rec, info->from);
	buf_putc(rec, '\t');
	isolate_field(rec, info->subject);
	buf_putc(rec, '\t');
	isolate_field(rec, info->reason);
	if ((status = db_begin(db, 0, &txn, why)) == 0) {
		k.mv_data = id;
		k.mv_size = strlen(id);
		v.mv_data = rec->data;
		v.mv_size = rec->len;
		rc = mdb_put(txn, db_dbi(db, DB_ISOLATED), &k, &v, 0);
		if (rc != 0) {
			status = db_fail(rc, "isolate", why);
			db_abort(txn);
		} else {
			status = db_commit(txn, why);
		}
	}
	if (status != 0)
		unlink(path);
	rec = buf_free(rec);
	path = xfree(path);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_ISOLATE_H
#define MLM_ISOLATE_H

/*
 * isolate - the quarantine of posts the list did not distribute
 *
 * isolate_store() keeps a mail as received in the quarantine folder
 * (isolated_queue_dir, one file per mail named by its id) and records
 * it in table DB_ISOLATED as "time<TAB>from<TAB>subject<TAB>reason",
 * so the maintainer can list, approve or discard it later. The file is
 * written before the record; a mail is never only in the table.
 */

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "site.h"

#define ISOLATE_ID_MAX	64

struct isolate_info {
	const char	*from;
	const char	*subject;
	const char	*reason;
};

int	isolate_store(struct ml *, struct db *, const char *, size_t,
	    const struct isolate_info *, char *, struct buf *);

#endif

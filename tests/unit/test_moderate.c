/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_moderate - the quarantine: discard, expiry, bad ids
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <sys/stat.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "db.h"
#include "isolate.h"
#include "moderate.h"
#include "site.h"
#include "xmem.h"

static const char mail[] = "From: a@example.com\nSubject: s\n\nbody\n";

/* exists - whether the isolated file of id is there */
static int
exists(struct ml *ml, const char *id)
{
	struct stat st;
	char	*p = xasprintf("%s/%s", ml_get(ml, "isolated_queue_dir"), id);
	int	 rc = stat(p, &st) == 0;

	p = xfree(p);
	return rc;
}

int
main(void)
{
	char	 dir[] = "/tmp/test_moderate.XXXXXX";
	struct buf *why = buf_alloc(64);
	struct isolate_info info = {
		.from = "a@example.com",
		.subject = "s",
		.reason = "not-member",
	};
	struct ml ml = { .name = "ml", .domain = "example.org",
	    .address = "ml@example.org" };
	struct db *db = NULL;
	char	 a[ISOLATE_ID_MAX], b[ISOLATE_ID_MAX];
	char	*cmd, *q;
	long	 n = -1;

	check_name = "moderate";
	g_mime_init();
	if (mkdtemp(dir) == NULL || db_open(dir, 0, &db, why) != 0) {
		CHECK(0, "database in %s: %s", dir, why->data);
		return check_done();
	}
	ml.home = dir;
	ml.cfg = cfg_new();
	q = xasprintf("%s/isolated", dir);
	cfg_set(ml.cfg, "isolated_queue_dir", q);
	q = xfree(q);
	cfg_load_defaults(ml.cfg, why);

	CHECK(isolate_store(&ml, db, mail, strlen(mail), &info, a, why) == 0,
	    "isolate one (%s)", why->data);
	CHECK(exists(&ml, a), "its file is there");
	CHECK(moderate_discard(&ml, db, a, why) == 0 && !exists(&ml, a),
	    "discard removes record and file");
	CHECK(moderate_discard(&ml, db, a, why) == EX_NOINPUT,
	    "discarding it again: EX_NOINPUT");
	CHECK(moderate_discard(&ml, db, "../seq", why) == EX_USAGE,
	    "an id with a slash: EX_USAGE");
	CHECK(moderate_discard(&ml, db, ".hidden", why) == EX_USAGE,
	    "an id with a leading dot: EX_USAGE");

	CHECK(isolate_store(&ml, db, mail, strlen(mail), &info, a, why) == 0,
	    "isolate an old one");
	sleep(2);
	CHECK(isolate_store(&ml, db, mail, strlen(mail), &info, b, why) == 0,
	    "isolate a new one");
	CHECK(moderate_expire(&ml, db, 1, &n, why) == 0 && n == 1,
	    "expire removes one (%ld)", n);
	CHECK(!exists(&ml, a) && exists(&ml, b), "the old file went, the new "
	    "one stayed");
	CHECK(moderate_expire(&ml, db, 0, &n, why) == 0 && n == 0,
	    "lifetime 0 expires nothing");

	ml.cfg = cfg_free(ml.cfg);
	db = db_close(db);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK(0, "remove %s", dir);
	cmd = xfree(cmd);
	why = buf_free(why);
	g_mime_shutdown();
	return check_done();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_bouncedb - days of hard failures, the window, the summary
 *
 * A table of failures (address, day) is recorded one by one; after
 * each the number of days in the window must be as given. Then
 * expiry, the table walk and the once-a-day summary.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncedb.h"
#include "buf.h"
#include "db.h"
#include "xmem.h"
#include "check.h"

#define DAY	86400L
#define T0	(20000L * DAY + 3600)	/* an hour into day 20000 */
#define WINDOW	14

static const struct {
	const char	*addr;
	long		 day;		/* days after T0 */
	size_t		 ndays;		/* days in the window afterwards */
} record_cases[] = {
	{ .addr = "Bob@Example.NET", .day = 0, .ndays = 1 },
	{ .addr = "bob@example.net", .day = 0, .ndays = 1 },
	{ .addr = "bob@example.net", .day = 2, .ndays = 2 },
	{ .addr = "carol@example.org", .day = 2, .ndays = 1 },
	{ .addr = "bob@example.net", .day = 5, .ndays = 3 },
	{ .addr = "bob@example.net", .day = 14, .ndays = 3 },
	{ .addr = "bob@example.net", .day = 16, .ndays = 3 },
	{ .addr = "bob@example.net", .day = 40, .ndays = 1 },
};

/* test_walk_one - remember what the walk shows */
static int
test_walk_one(const struct bouncedb_rec *r, void *arg)
{
	struct buf *out = arg;

	buf_printf(out, "%s %zu %s;", r->addr, r->ndays, r->status);
	return 0;
}

/* test_record - the table of failures */
static void
test_record(struct db *db, struct buf *why)
{
	size_t	 i, n;

	for (i = 0; i < sizeof(record_cases) / sizeof(record_cases[0]); i++) {
		CHECK(bouncedb_record(db, record_cases[i].addr, "5.1.1",
		    T0 + record_cases[i].day * DAY, WINDOW, &n, why) == 0,
		    "record %s day %ld", record_cases[i].addr,
		    record_cases[i].day);
		CHECK(n == record_cases[i].ndays, "%s day %ld: %zu days "
		    "(want %zu)", record_cases[i].addr, record_cases[i].day,
		    n, record_cases[i].ndays);
	}
}

/* test_expire - carol's record ages out, bob's stays */
static void
test_expire(struct db *db, struct buf *why)
{
	struct buf *out = buf_alloc(128);

	CHECK(bouncedb_walk(db, T0 + 40 * DAY, WINDOW, test_walk_one, out,
	    why) == 0, "walk");
	CHECK_STR(out->data, "bob@example.net 1 5.1.1;carol@example.org 0 "
	    "5.1.1;", "walk before expiry");
	CHECK(bouncedb_expire(db, T0 + 40 * DAY, WINDOW, why) == 0,
	    "expire");
	buf_reset(out);
	bouncedb_walk(db, T0 + 40 * DAY, WINDOW, test_walk_one, out, why);
	CHECK_STR(out->data, "bob@example.net 1 5.1.1;", "walk after expiry");
	CHECK(bouncedb_forget(db, "BOB@example.net", why) == 0, "forget");
	buf_reset(out);
	bouncedb_walk(db, T0 + 40 * DAY, WINDOW, test_walk_one, out, why);
	CHECK_STR(out->data, "", "walk after forget");
	out = buf_free(out);
}

/* test_pending - the summary goes out at most once a day */
static void
test_pending(struct db *db, struct buf *why)
{
	char	*list = NULL;

	CHECK(bouncedb_pending_take(db, T0, &list, why) == 0 && list == NULL,
	    "nothing waiting");
	bouncedb_pending_add(db, "a@example.net", why);
	bouncedb_pending_add(db, "b@example.net", why);
	CHECK(bouncedb_pending_take(db, T0, &list, why) == 0, "take");
	CHECK_STR(list, "a@example.net\nb@example.net\n", "first summary");
	list = xfree(list);
	bouncedb_pending_add(db, "c@example.net", why);
	bouncedb_pending_take(db, T0 + 600, &list, why);
	CHECK(list == NULL, "no second summary the same day");
	bouncedb_pending_take(db, T0 + DAY, &list, why);
	CHECK_STR(list, "c@example.net\n", "summary the next day");
	list = xfree(list);
	bouncedb_pending_take(db, T0 + 2 * DAY, &list, why);
	CHECK(list == NULL, "nothing left");
}

/* test_now - MLM_NOW moves the clock */
static void
test_now(void)
{
	setenv("MLM_NOW", "1000000000", 1);
	CHECK(bouncedb_now() == 1000000000, "MLM_NOW is honoured");
	setenv("MLM_NOW", "soon", 1);
	CHECK(bouncedb_now() != 0 && bouncedb_now() > 1000000000,
	    "a bad MLM_NOW is ignored");
	unsetenv("MLM_NOW");
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	struct buf *why = buf_alloc(128);
	struct db *db = NULL;
	char	 dir[512], path[600];

	check_name = "bouncedb";
	snprintf(dir, sizeof(dir), "%s/test_bouncedb.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror(dir);
		return 1;
	}
	if (db_open(dir, 0, &db, why) != 0) {
		CHECK(0, "db_open: %s", why->data);
		return check_done();
	}
	test_record(db, why);
	test_expire(db, why);
	test_pending(db, why);
	test_now();
	db = db_close(db);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	CHECK(rmdir(dir) == 0, "remove %s", dir);
	why = buf_free(why);
	return check_done();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * smtp_bench - time the delivery of one article to many recipients
 *
 * usage: smtp_bench DIR RECIPIENTS SERVERS [LIMIT]
 *
 * Builds a list "bench" under DIR (which must not exist), adds the
 * recipients in one store transaction, spools a 2 KB article, queues
 * it and times queue_deliver() against SERVERS (smtp_servers syntax)
 * with smtp_recipient_limit LIMIT (default 1000). Prints one line:
 * recipients, sent, deferred, failed, wall seconds, recipients per
 * second, CPU seconds and maximum resident set size.
 */

#include <sys/resource.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "db.h"
#include "queue.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

/* bench_write - create a file with some text, or exit */
static void
bench_write(const char *path, const char *text)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF ||
	    fclose(fp) == EOF) {
		perror(path);
		exit(1);
	}
}

/* bench_article - a post of about 2 KB */
static struct buf *
bench_article(void)
{
	struct buf *b = buf_alloc(4096);
	int	 i;

	buf_puts(b, "From: Poster <poster@example.org>\n"
	    "To: bench@bench.example\nSubject: [bench:00001] benchmark\n"
	    "Message-ID: <bench.1@example.org>\n"
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n");
	for (i = 0; i < 30; i++)
		buf_printf(b, "line %02d of the body of the benchmark post, "
		    "long enough to make about two kilobytes\n", i);
	return b;
}

/* bench_fail - report a failed step and exit */
static void
bench_fail(const char *what, struct buf *why)
{
	fprintf(stderr, "smtp_bench: %s: %s\n", what, why->data);
	exit(1);
}

/* bench_members - add n recipients in one transaction */
static void
bench_members(struct store *st, long n, struct buf *why)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz";
	char	 addr[64];
	long	 i;

	if (store_txn_begin(st, why) != 0)
		bench_fail("store_txn_begin", why);
	for (i = 0; i < n; i++) {
		snprintf(addr, sizeof(addr), "%cuser%07ld@rcpt%ld.example",
		    letters[i % 26], i, i % 10);
		if (store_add(st, addr, STORE_MEMBER | STORE_RECIPIENT,
		    why) != 0)
			bench_fail("store_add", why);
	}
	if (store_txn_commit(st, why) != 0)
		bench_fail("store_txn_commit", why);
}

int
main(int argc, char **argv)
{
	struct queue_stats stats = { 0 };
	struct buf *why = buf_alloc(256);
	struct buf *art;
	struct timespec t0, t1;
	struct rusage ru;
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	MDB_txn	*txn;
	char	 qid[QUEUE_ID_MAX];
	char	*p;
	long	 n;
	double	 wall;

	if (argc < 4 || argc > 5 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: smtp_bench DIR RECIPIENTS SERVERS "
		    "[LIMIT]\n");
		return 2;
	}
	if (mkdir(argv[1], 0700) != 0) {
		perror(argv[1]);
		return 1;
	}
	p = xasprintf("%s/etc", argv[1]);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists", argv[1]);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/bench", argv[1]);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/bench/var", argv[1]);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/etc/main.cf", argv[1]);
	{
		char	*text = xasprintf("default_ml_home_prefix = %s/lists\n"
		    "default_domain = bench.example\n", argv[1]);

		bench_write(p, text);
		text = xfree(text);
	}
	p = xfree(p);
	p = xasprintf("%s/lists/bench/config.cf", argv[1]);
	{
		char	*text = xasprintf("smtp_servers = %s\n"
		    "smtp_recipient_limit = %s\nsmtp_timeout = 60\n",
		    argv[3], argc > 4 ? argv[4] : "1000");

		bench_write(p, text);
		text = xfree(text);
	}
	p = xfree(p);

	p = xasprintf("%s/etc", argv[1]);
	if (site_open(p, &site, why) != 0)
		bench_fail("site_open", why);
	p = xfree(p);
	if (ml_open(site, "bench", &ml, why) != 0)
		bench_fail("ml_open", why);
	if (db_open(ml_get(ml, "db_dir"), 0, &db, why) != 0)
		bench_fail("db_open", why);
	if (store_open(db, &st, why) != 0)
		bench_fail("store_open", why);
	bench_members(st, n, why);
	art = bench_article();
	if (spool_write(ml, 1, art->data, art->len, why) != 0)
		bench_fail("spool_write", why);
	if (db_begin(db, 0, &txn, why) != 0 ||
	    queue_article(ml, db, txn, 1, qid, why) != 0 ||
	    db_commit(txn, why) != 0)
		bench_fail("queue_article", why);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (queue_deliver(ml, db, st, qid, &stats, why) != 0)
		bench_fail("queue_deliver", why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	wall = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	getrusage(RUSAGE_SELF, &ru);
	printf("recipients=%ld limit=%s sent=%ld deferred=%ld failed=%ld "
	    "wall=%.3fs rcpt/s=%.0f cpu=%.3fs maxrss=%ldKB\n", n,
	    argc > 4 ? argv[4] : "1000", stats.sent, stats.deferred,
	    stats.failed, wall, wall > 0 ? (double)stats.sent / wall : 0.0,
	    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	    ru.ru_maxrss);

	art = buf_free(art);
	st = store_close(st);
	db = db_close(db);
	ml = ml_free(ml);
	site = site_free(site);
	why = buf_free(why);
	return stats.deferred == 0 && stats.failed == 0 ? 0 : 1;
}

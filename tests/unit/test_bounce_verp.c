/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_bounce_verp - use_verp = yes against a scripted SMTP server
 *
 * A list with three recipients, one of whose VERP local part would be
 * over 64 octets, delivers article 1 to tests/lib/fakesmtp.py, once
 * with XVERP offered and once without. The transactions the server
 * logged must be as the table says: envelope sender, MAIL FROM
 * parameters and recipients. When the connection is cut during the
 * XVERP transaction, no recipient counts as sent.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "db.h"
#include "queue.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"
#include "../lib/fakesmtp.h"

#define LONG_RCPT "a-local-part-that-is-long-enough-to-pass-the-limit" \
	"@example.net"

static const char article[] = "From: poster@example.net\n"
    "Subject: [elena:00001] test\n\nbody\n";

static const struct {
	const char	*name;
	const char	*opts[3];
	const char	*want[4];	/* substrings of TXN lines, in order */
	int		 ntxn;
	long		 sent;
	long		 deferred;
	long		 failed;
} cases[] = {
	{ .name = "XVERP offered", .opts = { NULL },
	  .want = {
	    "from=elena-error@example.org params=BODY=8BITMIME+SIZE=",
	    "XVERP=+= rcpts=bob@example.net,carol@example.org",
	    "from=elena-error@example.org params=BODY=8BITMIME+SIZE=",
	    "rcpts=" LONG_RCPT },
	  .ntxn = 2, .sent = 3 },
	{ .name = "no XVERP", .opts = { "--no-xverp", NULL },
	  .want = {
	    "from=elena-error+bob=example.net@example.org params=",
	    "from=elena-error+carol=example.org@example.org params=",
	    "from=elena-error@example.org params=",
	    "rcpts=" LONG_RCPT },
	  .ntxn = 3, .sent = 3 },
	{ .name = "XVERP, cut during DATA", .opts = { "--drop-data", "1",
	    NULL },
	  .want = { "DROP session=1 n=1" }, .ntxn = 0, .deferred = 3 },
	{ .name = "no XVERP, MAIL FROM refused for good",
	  .opts = { "--no-xverp", "--mail-code", "552" },
	  .want = { NULL }, .ntxn = 0, .failed = 3 },
};

/* write_text - create a file with some text */
static int
write_text(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

/* run_case - one list, one delivery, the server's log */
static void
run_case(size_t ci)
{
	static const char *const rcpts[] = {
		"bob@example.net", "carol@example.org", LONG_RCPT, NULL
	};
	struct buf *why = buf_alloc(128);
	struct queue_stats stats = { .sent = 0 };
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	struct fake f = { .pid = 0 };
	char	 base[] = "/tmp/mlm-verp.XXXXXX", qid[QUEUE_ID_MAX];
	char	*p, *log = NULL, *at, *x, *nl;
	MDB_txn	*txn;
	size_t	 i;
	int	 status = 0;

	if (mkdtemp(base) == NULL || fake_start(&f, cases[ci].opts) != 0) {
		CHECK(0, "%s: setup", cases[ci].name);
		goto out;
	}
	p = xasprintf("%s/lists", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena/var", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/main.cf", base);
	{
		char	*text = xasprintf("default_ml_home_prefix = %s/lists\n"
		    "default_domain = example.org\n", base);

		write_text(p, text);
		text = xfree(text);
	}
	p = xfree(p);
	p = xasprintf("%s/lists/elena/config.cf", base);
	{
		char	*text = xasprintf("smtp_servers = 127.0.0.1:%d\n"
		    "smtp_timeout = 5\nuse_verp = yes\n", f.port);

		write_text(p, text);
		text = xfree(text);
	}
	p = xfree(p);

	status = site_open(base, &site, why);
	if (status == 0)
		status = ml_open(site, "elena", &ml, why);
	if (status == 0)
		status = db_open(ml_get(ml, "db_dir"), 0, &db, why);
	if (status == 0)
		status = store_open(db, &st, why);
	for (i = 0; rcpts[i] != NULL && status == 0; i++)
		status = store_add(st, rcpts[i], STORE_MEMBER |
		    STORE_RECIPIENT, why);
	if (status == 0)
		status = spool_write(ml, 1, article, strlen(article), why);
	if (status == 0 && (status = db_begin(db, 0, &txn, why)) == 0) {
		if ((status = queue_article(ml, db, txn, 1, qid, why)) == 0)
			status = db_commit(txn, why);
		else
			db_abort(txn);
	}
	if (status == 0)
		status = queue_flush(ml, db, st, &stats, why);
	CHECK(status == 0, "%s: delivered (%s)", cases[ci].name,
	    status ? why->data : "");
	CHECK(stats.sent == cases[ci].sent &&
	    stats.failed == cases[ci].failed &&
	    stats.deferred == cases[ci].deferred, "%s: %ld sent, %ld "
	    "failed, %ld deferred (got %ld sent, %ld failed, %ld deferred)",
	    cases[ci].name, cases[ci].sent, cases[ci].failed,
	    cases[ci].deferred, stats.sent, stats.failed, stats.deferred);

	log = fake_log(&f);
	CHECK(fake_count(log, "TXN ") == cases[ci].ntxn, "%s: %d "
	    "transactions (got %d)", cases[ci].name, cases[ci].ntxn,
	    fake_count(log, "TXN "));
	at = log;
	for (i = 0; i < 4 && cases[ci].want[i] != NULL && at != NULL; i++) {
		at = strstr(at, cases[ci].want[i]);
		CHECK(at != NULL, "%s: log has \"%s\" next", cases[ci].name,
		    cases[ci].want[i]);
	}
	if (log != NULL && (at = strstr(log, "rcpts=" LONG_RCPT)) != NULL) {
		while (at > log && at[-1] != '\n')
			at--;
		x = strstr(at, "XVERP");
		nl = strchr(at, '\n');
		CHECK(x == NULL || (nl != NULL && x > nl), "%s: no XVERP for "
		    "the long address", cases[ci].name);
	}
	if (at == NULL && log != NULL && cases[ci].sent > 0)
		printf("# %s", log);
out:
	log = xfree(log);
	fake_stop(&f);
	st = store_close(st);
	db = db_close(db);
	ml = ml_free(ml);
	site = site_free(site);
	check_rm_tree(base);
	why = buf_free(why);
}

int
main(void)
{
	size_t	 i;

	check_name = "bounce_verp";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(i);
	return check_done();
}

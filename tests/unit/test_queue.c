/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_queue - queueing and delivery against a scripted SMTP server
 *
 * Each case builds a list in a temporary directory (site main.cf, the
 * list's config.cf, ten recipients and two members that must not get
 * posts), queues an article and delivers it in one or two runs against
 * tests/lib/fakesmtp.py, then checks the counters, the reports, the
 * queue tables and, across both runs, that every recipient got the
 * article exactly once and that refused ones were never tried again.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
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

#define NMEMBERS	10

static const char article[] = "From: poster@example.net\n"
    "Subject: [elena:00001] test\n\nfirst line\n.dot line\n..two\nlast";
static const char article_wire[] = "From: poster@example.net\r\n"
    "Subject: [elena:00001] test\r\n\r\nfirst line\r\n..dot line\r\n"
    "...two\r\nlast\r\n.\r\n";

struct list {
	char		 base[PATH_MAX];
	struct site	*site;
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
	struct buf	*notes;
};

struct run_want {
	long	 sent;
	long	 deferred;
	long	 failed;
	long	 done;
	long	 left;
	long	 queued;		/* queue_count() afterwards */
	const char *notes[3];		/* substrings of the reports */
	double	 max_secs;
};

struct q_case {
	const char *name;
	const char *opts1[8];		/* first server; "none": refused */
	const char *opts2[8];		/* second server; "same": the first */
	long	 limit;
	const char *remove;		/* leaves the list between runs */
	struct run_want run1;
	struct run_want run2;
	int	 txns;			/* accepted transactions, both runs */
	int	 sessions1;		/* sessions of the first server */
	const char *refused[6];		/* must never get the article */
	const char *tried_once[2];	/* RCPT sent exactly once */
	int	 check_wire;
	int	 nobody;		/* nobody may get the article */
};

static const struct q_case cases[] = {
	{
		.name = "ten recipients, limit 3: four transactions",
		.opts1 = { "--log-rcpt" },
		.limit = 3,
		.run1 = { .sent = 10, .done = 1, .notes = {
		    "delivered -: article 1 to 10 recipients" } },
		.txns = 4,
		.sessions1 = 1,
		.check_wire = 1,
	},
	{
		.name = "without PIPELINING",
		.opts1 = { "--no-pipelining" },
		.limit = 4,
		.run1 = { .sent = 10, .done = 1 },
		.txns = 3,
		.sessions1 = 1,
		.check_wire = 1,
	},
	{
		.name = "4xx and 5xx RCPTs, then a retry run",
		.opts1 = { "--log-rcpt", "--rcpt-code-once",
		    "m03@example.org=450", "--rcpt-code",
		    "m05@example.org=550" },
		.opts2 = { "same" },
		.limit = 3,
		.run1 = { .sent = 8, .deferred = 1, .failed = 1, .left = 1,
		    .queued = 1, .notes = { "failed m05@example.org: 550 5.1.1",
		    "deferred m03@example.org: 450 rcpt" } },
		.run2 = { .sent = 1, .done = 1, .notes = {
		    "delivered -: article 1 to 1 recipient\n" } },
		.txns = 5,
		.sessions1 = 2,
		.refused = { "m05@example.org" },
		.tried_once = { "m05@example.org", "m00@example.org" },
	},
	{
		.name = "connection cut in the second DATA, then a retry run",
		.opts1 = { "--drop-data", "2" },
		.opts2 = { "same" },
		.limit = 3,
		.run1 = { .sent = 3, .deferred = 3, .left = 1, .queued = 1,
		    .notes = { "deferred -: " } },
		.run2 = { .sent = 7, .done = 1 },
		.txns = 4,
		.sessions1 = 2,
	},
	{
		.name = "4xx on the second final dot, a member leaves",
		.opts1 = { "--dot-code", "451@2", "--log-rcpt" },
		.opts2 = { "same" },
		.limit = 3,
		.remove = "m04@example.org",
		.run1 = { .sent = 7, .deferred = 3, .left = 1, .queued = 1,
		    .notes = { "deferred m03@example.org: 451 dot",
		    "deferred m05@example.org: 451 dot" } },
		.run2 = { .sent = 2, .done = 1 },
		.txns = 4,
		.sessions1 = 2,
		.refused = { "m04@example.org" },
	},
	{
		.name = "no reply to the first final dot: timeout",
		.opts1 = { "--hang-dot", "1" },
		.opts2 = { NULL },
		.limit = 3,
		.run1 = { .deferred = 3, .left = 1, .queued = 1, .notes = {
		    "deferred -: timed out" }, .max_secs = 5 },
		.run2 = { .sent = 10, .done = 1 },
		.txns = 4,
		.sessions1 = 1,
	},
	{
		.name = "connection refused, then a server",
		.opts1 = { "none" },
		.opts2 = { NULL },
		.limit = 1000,
		.run1 = { .deferred = 10, .left = 1, .queued = 1, .notes = {
		    "deferred -: no SMTP server available",
		    "Connection refused" } },
		.run2 = { .sent = 10, .done = 1 },
		.txns = 1,
	},
	{
		.name = "MAIL FROM refused: item kept as it was",
		.opts1 = { "--mail-code", "451" },
		.opts2 = { NULL },
		.limit = 3,
		.run1 = { .deferred = 3, .left = 1, .queued = 1, .notes = {
		    "deferred -: MAIL FROM:<elena-error@example.org> "
		    "refused: 451" } },
		.run2 = { .sent = 10, .done = 1 },
		.txns = 4,
		.sessions1 = 1,
	},
	{
		.name = "MAIL FROM refused for good (552): no retry",
		.opts1 = { "--mail-code", "552" },
		.opts2 = { NULL },
		.limit = 5,
		.run1 = { .failed = 10, .done = 1, .notes = {
		    "failed -: article 1 refused for 5 recipients, not "
		    "retried: 552" } },
		.txns = 0,
		.sessions1 = 1,
		.nobody = 1,
	},
	{
		.name = "452 too many recipients: the rest in new transactions",
		.opts1 = { "--max-rcpt", "4" },
		.opts2 = { NULL },
		.limit = 1000,
		.run1 = { .sent = 10, .deferred = 6, .done = 1 },
		.txns = 3,
		.sessions1 = 1,
	},
	{
		.name = "5xx on a final dot: no retry",
		.opts1 = { "--dot-code", "554@1" },
		.limit = 5,
		.run1 = { .sent = 5, .failed = 5, .done = 1, .notes = {
		    "failed m00@example.org: 554 dot" } },
		.txns = 1,
		.sessions1 = 1,
		.refused = { "m00@example.org", "m01@example.org",
		    "m02@example.org", "m03@example.org", "m04@example.org" },
	},
};

/* note - queue_stats callback: collect the reports */
static void
note(void *arg, const char *event, const char *addr, const char *text)
{
	struct buf *b = arg;

	buf_printf(b, "%s %s: %s\n", event, addr ? addr : "-", text);
}

/* write_text - create a file with some text */
static void
write_text(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	fputs(text, fp);
	fclose(fp);
}

/* configure - write the list's config.cf and load it again */
static int
configure(struct list *l, int port, long limit, long lifetime)
{
	struct buf *why = buf_alloc(64);
	char	*path = xasprintf("%s/lists/elena/config.cf", l->base);
	char	*text;
	int	 status;

	text = xasprintf("smtp_servers = [::1]:%d 127.0.0.1:%d\n"
	    "smtp_recipient_limit = %ld\nsmtp_timeout = 2\n"
	    "smtp_helo_name = test.example\nqueue_lifetime = %ld\n",
	    port, port, limit, lifetime);
	write_text(path, text);
	status = ml_load_config(l->ml, why);
	if (status != 0)
		printf("# config: %s\n", why->data);
	path = xfree(path);
	text = xfree(text);
	why = buf_free(why);
	return status;
}

/* list_open - a list with ten recipients and two other members */
static int
list_open(struct list *l)
{
	static const struct { const char *addr; unsigned flags; } others[] = {
		{ "admin@example.org", STORE_ADMIN },
		{ "off@example.org",
		    STORE_MEMBER | STORE_RECIPIENT | STORE_OFF },
		{ "digest@example.org", STORE_MEMBER | STORE_DIGEST },
	};
	struct buf *why = buf_alloc(64);
	char	*p;
	char	 addr[64];
	int	 status;
	int	 i;

	memset(l, 0, sizeof(*l));
	snprintf(l->base, sizeof(l->base), "/tmp/mlm-queue.XXXXXX");
	if (mkdtemp(l->base) == NULL)
		return -1;
	p = xasprintf("%s/etc", l->base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists", l->base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena", l->base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena/var", l->base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/etc/main.cf", l->base);
	{
		char	*text = xasprintf("default_ml_home_prefix = %s/lists\n"
		    "default_domain = example.org\n", l->base);

		write_text(p, text);
		text = xfree(text);
	}
	p = xfree(p);
	p = xasprintf("%s/lists/elena/config.cf", l->base);
	write_text(p, "");
	p = xfree(p);

	p = xasprintf("%s/etc", l->base);
	status = site_open(p, &l->site, why);
	p = xfree(p);
	if (status == 0)
		status = ml_open(l->site, "elena", &l->ml, why);
	if (status == 0)
		status = db_open(ml_get(l->ml, "db_dir"), 0, &l->db, why);
	if (status == 0)
		status = store_open(l->db, &l->st, why);
	for (i = 0; i < NMEMBERS && status == 0; i++) {
		snprintf(addr, sizeof(addr), "m%02d@example.org", i);
		status = store_add(l->st, addr, STORE_MEMBER |
		    STORE_RECIPIENT, why);
	}
	for (i = 0; i < 3 && status == 0; i++)
		status = store_add(l->st, others[i].addr, others[i].flags,
		    why);
	if (status == 0)
		status = spool_write(l->ml, 1, article, strlen(article), why);
	if (status != 0)
		printf("# list setup: %s\n", why->data);
	l->notes = buf_alloc(256);
	why = buf_free(why);
	return status;
}

/* list_close - release a list and remove its directory */
static void
list_close(struct list *l)
{
	l->st = store_close(l->st);
	l->db = db_close(l->db);
	l->ml = ml_free(l->ml);
	l->site = site_free(l->site);
	l->notes = buf_free(l->notes);
	check_rm_tree(l->base);
}

/* queue_one - queue article 1 in a transaction of our own */
static int
queue_one(struct list *l, char *qid)
{
	struct buf *why = buf_alloc(64);
	MDB_txn	*txn;
	int	 status;

	status = db_begin(l->db, 0, &txn, why);
	if (status == 0) {
		status = queue_article(l->ml, l->db, txn, 1, qid, why);
		if (status == 0)
			status = db_commit(txn, why);
		else
			db_abort(txn);
	}
	if (status != 0)
		printf("# queue: %s\n", why->data);
	why = buf_free(why);
	return status;
}

/* elapsed - seconds since t0 */
static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* check_run - one delivery run and its expected outcome */
static void
check_run(const char *name, int n, struct list *l, const char *qid,
    const struct run_want *w)
{
	struct queue_stats stats = { .notify = note, .notify_arg = l->notes };
	struct buf *why = buf_alloc(64);
	struct timespec t0;
	long	 count = -1;
	int	 status;
	int	 i;

	buf_reset(l->notes);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = queue_deliver(l->ml, l->db, l->st, qid, &stats, why);
	CHECK(status == 0, "%s: run %d returns 0 (%s)", name, n, why->data);
	CHECK(stats.sent == w->sent && stats.deferred == w->deferred &&
	    stats.failed == w->failed && stats.items_done == w->done &&
	    stats.items_left == w->left, "%s: run %d sent %ld deferred %ld "
	    "failed %ld done %ld left %ld", name, n, stats.sent,
	    stats.deferred, stats.failed, stats.items_done, stats.items_left);
	CHECK(queue_count(l->db, &count, why) == 0 && count == w->queued,
	    "%s: run %d leaves %ld queued", name, n, count);
	for (i = 0; i < 3 && w->notes[i] != NULL; i++)
		CHECK(strstr(l->notes->data, w->notes[i]) != NULL,
		    "%s: run %d reports \"%s\"", name, n, w->notes[i]);
	if (w->max_secs > 0)
		CHECK(elapsed(&t0) < w->max_secs, "%s: run %d over in %.1f s",
		    name, n, elapsed(&t0));
	printf("# %s: run %d reports:\n", name, n);
	for (char *p = strtok(l->notes->data, "\n"); p != NULL;
	    p = strtok(NULL, "\n"))
		printf("#   %s\n", p);
	why = buf_free(why);
}

/* tally - how often an address was tried, and accepted (TXN code=250) */
static void
tally(const char *log, const char *addr, int *accepted, int *tried)
{
	const char *end;
	const char *r;
	char	*line;
	char	 want[80];
	size_t	 alen = strlen(addr);
	size_t	 len;

	snprintf(want, sizeof(want), " %s", addr);
	for (; *log != '\0'; log = *end ? end + 1 : end) {
		if ((end = strchr(log, '\n')) == NULL)
			end = log + strlen(log);
		line = xstrndup(log, (size_t)(end - log));
		len = strlen(line);
		if (strncmp(line, "RCPT ", 5) == 0 && len > alen + 1 &&
		    strcmp(line + len - alen - 1, want) == 0)
			(*tried)++;
		if (strncmp(line, "TXN ", 4) == 0 &&
		    strstr(line, " code=250 ") != NULL &&
		    (r = strstr(line, " rcpts=")) != NULL) {
			for (r += 7; *r != '\0'; r += strcspn(r, ",")) {
				if (*r == ',')
					r++;
				if (strncmp(r, addr, alen) == 0 &&
				    (r[alen] == ',' || r[alen] == '\0'))
					(*accepted)++;
			}
		}
		line = xfree(line);
	}
}

/* txn_count - transactions the server accepted */
static int
txn_count(const char *log)
{
	const char *p;
	const char *code;
	int	 n = 0;

	for (p = log; (p = strstr(p, "TXN ")) != NULL; p++)
		if ((p == log || p[-1] == '\n') &&
		    (code = strstr(p, " code=")) != NULL &&
		    strncmp(code, " code=250 ", 10) == 0)
			n++;
	return n;
}

/* check_totals - exactly-once delivery across the runs */
static void
check_totals(const struct q_case *c, const char *log, const struct fake *f)
{
	static const char *never[] = { "admin@example.org",
		"off@example.org", "digest@example.org" };
	char	 addr[64];
	char	*data;
	size_t	 len;
	int	 accepted;
	int	 tried;
	int	 want;
	int	 i;
	int	 j;

	for (i = 0; i < NMEMBERS; i++) {
		snprintf(addr, sizeof(addr), "m%02d@example.org", i);
		accepted = tried = 0;
		tally(log, addr, &accepted, &tried);
		want = !c->nobody;
		for (j = 0; j < 6; j++)
			if (c->refused[j] && strcmp(c->refused[j], addr) == 0)
				want = 0;
		CHECK(accepted == want, "%s: %s got it %d time(s)", c->name,
		    addr, accepted);
		for (j = 0; j < 2; j++)
			if (c->tried_once[j] &&
			    strcmp(c->tried_once[j], addr) == 0)
				CHECK(tried == 1, "%s: %s tried %d time(s)",
				    c->name, addr, tried);
	}
	for (i = 0; i < 3; i++) {
		accepted = tried = 0;
		tally(log, never[i], &accepted, &tried);
		CHECK(accepted == 0 && strstr(log, never[i]) == NULL,
		    "%s: %s is not a recipient", c->name, never[i]);
	}
	CHECK(txn_count(log) == c->txns, "%s: %d accepted transactions",
	    c->name, txn_count(log));
	CHECK(fake_count(log, "from=elena-error@example.org ") ==
	    fake_count(log, "TXN "), "%s: envelope sender is smtp_sender",
	    c->name);
	if (c->check_wire && f != NULL) {
		data = fake_data(f, 1, &len);
		CHECK(data != NULL && len == strlen(article_wire) &&
		    memcmp(data, article_wire, len) == 0,
		    "%s: CRLF and dot-stuffing on the wire", c->name);
		free(data);
	}
}

/* start_server - a fake server per options; port, or a closed one */
static int
start_server(const struct q_case *c, const char *const *opts,
    struct fake *f)
{
	if (opts[0] != NULL && strcmp(opts[0], "none") == 0) {
		f->pid = 0;
		f->dir[0] = '\0';
		return fake_closed_port();
	}
	if (fake_start(f, opts) != 0) {
		CHECK(0, "%s: fake server starts", c->name);
		return fake_closed_port();
	}
	return f->port;
}

/* append_log - collect a server's log into a buffer */
static void
append_log(struct buf *all, const struct fake *f)
{
	char	*log;

	if (f->dir[0] == '\0')
		return;
	log = fake_log(f);
	buf_puts(all, log);
	free(log);
}

/* run_case - queue an article, deliver it in one or two runs */
static void
run_case(const struct q_case *c)
{
	struct buf *why = buf_alloc(64);
	struct buf *all = buf_alloc(1024);
	struct fake f1 = { 0 }, f2 = { 0 };
	char	 qid[QUEUE_ID_MAX];
	char	*path;
	char	*log;
	struct list l;
	struct stat sb;
	int	 port;

	if (list_open(&l) != 0) {
		CHECK(0, "%s: list setup", c->name);
		list_close(&l);
		goto out;
	}
	CHECK(queue_one(&l, qid) == 0 && strlen(qid) > 17,
	    "%s: queue_article gives id %s", c->name, qid);

	port = start_server(c, c->opts1, &f1);
	configure(&l, port, c->limit, 432000);
	check_run(c->name, 1, &l, qid, &c->run1);
	if (f1.dir[0] != '\0' && c->sessions1 > 0) {
		log = fake_log(&f1);
		if (c->opts2[0] == NULL)
			CHECK(fake_count(log, "SESSION ") == c->sessions1,
			    "%s: %d session(s)", c->name,
			    fake_count(log, "SESSION "));
		free(log);
	}

	if (c->remove != NULL)
		CHECK(store_remove(l.st, c->remove, STORE_ROLES, why) == 0,
		    "%s: remove %s", c->name, c->remove);
	if (c->opts2[0] != NULL && strcmp(c->opts2[0], "same") == 0) {
		check_run(c->name, 2, &l, qid, &c->run2);
	} else if (c->run1.left > 0) {
		port = start_server(c, c->opts2, &f2);
		configure(&l, port, c->limit, 432000);
		check_run(c->name, 2, &l, qid, &c->run2);
	}
	if (c->sessions1 > 0 && c->opts2[0] != NULL &&
	    strcmp(c->opts2[0], "same") == 0) {
		log = fake_log(&f1);
		CHECK(fake_count(log, "SESSION ") == c->sessions1,
		    "%s: %d session(s)", c->name, fake_count(log, "SESSION "));
		free(log);
	}

	append_log(all, &f1);
	append_log(all, &f2);
	check_totals(c, all->data, f1.dir[0] ? &f1 : &f2);
	path = xasprintf("%s/var/lock/q.%s", l.ml->home, qid);
	CHECK(stat(path, &sb) != 0, "%s: lock file removed", c->name);
	path = xfree(path);

	fake_stop(&f1);
	fake_stop(&f2);
	list_close(&l);
out:
	why = buf_free(why);
	all = buf_free(all);
}

/* check_message - a queued message with its own recipients */
static void
check_message(void)
{
	static const char *rcpts[] = { "x@y.example", "z@y.example",
		"w@y.example" };
	static const char *bad[] = { "x@y.example", "a\r\nb@y.example" };
	const char *opts[] = { "--rcpt-code-once", "z@y.example=421",
		"--rcpt-code", "w@y.example=550", "--log-rcpt", NULL };
	struct queue_stats stats = { .notify = note };
	struct buf *why = buf_alloc(64);
	struct fake f = { 0 };
	struct stat sb;
	struct list l;
	char	 qid[QUEUE_ID_MAX];
	char	*path = NULL;
	char	*log;
	long	 count;
	int	 status;

	if (list_open(&l) != 0 || fake_start(&f, opts) != 0) {
		CHECK(0, "message: setup");
		fake_stop(&f);
		list_close(&l);
		why = buf_free(why);
		return;
	}
	stats.notify_arg = l.notes;
	configure(&l, f.port, 1000, 432000);

	status = queue_message(l.ml, l.db, "Subject: n\n\n.hi\n", 16,
	    "elena-admin@example.org", bad, 2, qid, why);
	CHECK(status == EX_DATAERR && qid[0] == '\0',
	    "message: a recipient with CR LF is refused (%d)", status);
	status = queue_message(l.ml, l.db, "Subject: n\n\n.hi\n", 16,
	    "elena-admin@example.org", rcpts, 3, qid, why);
	CHECK(status == 0, "message: queued as %s (%s)", qid, why->data);
	path = xasprintf("%s/var/queue/%s", l.ml->home, qid);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 &&
	    sb.st_size == 16, "message: file %s, mode 0600", path);
	CHECK(queue_count(l.db, &count, why) == 0 && count == 1,
	    "message: one item queued");

	status = queue_deliver(l.ml, l.db, l.st, qid, &stats, why);
	CHECK(status == 0 && stats.sent == 1 && stats.deferred == 1 &&
	    stats.failed == 1 && stats.items_left == 1,
	    "message: first run sent %ld deferred %ld failed %ld",
	    stats.sent, stats.deferred, stats.failed);
	CHECK(strstr(l.notes->data, "failed w@y.example: 550") != NULL &&
	    strstr(l.notes->data, "deferred z@y.example: 421") != NULL,
	    "message: reports failure and deferral");
	CHECK(stat(path, &sb) == 0, "message: file kept for the retry");

	memset(&stats, 0, sizeof(stats));
	status = queue_deliver(l.ml, l.db, l.st, qid, &stats, why);
	CHECK(status == 0 && stats.sent == 1 && stats.items_done == 1 &&
	    stats.failed == 0, "message: second run sent %ld, done %ld",
	    stats.sent, stats.items_done);
	CHECK(stat(path, &sb) != 0, "message: file removed");
	CHECK(queue_count(l.db, &count, why) == 0 && count == 0,
	    "message: queue empty");

	log = fake_log(&f);
	CHECK(fake_count(log, "code=550 w@y.example") == 1,
	    "message: 5xx recipient tried once");
	CHECK(fake_count(log, "code=250 x@y.example") == 1 &&
	    fake_count(log, "code=250 z@y.example") == 1,
	    "message: each other recipient accepted once");
	CHECK(fake_count(log, "from=elena-admin@example.org ") == 2,
	    "message: the given envelope sender");
	free(log);

	status = queue_deliver(l.ml, l.db, l.st, "1.2.3", &stats, why);
	CHECK(status == 0, "message: an id no longer queued is no error");
	status = queue_deliver(l.ml, l.db, l.st, "../x", &stats, why);
	CHECK(status == EX_DATAERR, "message: a malformed id is refused");

	path = xfree(path);
	fake_stop(&f);
	list_close(&l);
	why = buf_free(why);
}

/* check_expiry - an item past queue_lifetime gives up */
static void
check_expiry(void)
{
	const char *opts[] = { "--dot-code", "451@1", "--drop-data", "3",
		NULL };
	struct queue_stats stats = { .notify = note };
	struct buf *why = buf_alloc(64);
	struct fake f = { 0 };
	struct list l;
	char	 qid[QUEUE_ID_MAX];
	char	*log;
	long	 count;
	int	 status;

	if (list_open(&l) != 0 || fake_start(&f, opts) != 0) {
		CHECK(0, "expiry: setup");
		fake_stop(&f);
		list_close(&l);
		why = buf_free(why);
		return;
	}
	stats.notify_arg = l.notes;
	configure(&l, f.port, 3, 432000);
	queue_one(&l, qid);
	status = queue_deliver(l.ml, l.db, l.st, qid, &stats, why);
	CHECK(status == 0 && stats.sent == 3 && stats.deferred == 6,
	    "expiry: first run sent %ld deferred %ld", stats.sent,
	    stats.deferred);

	configure(&l, f.port, 3, 1);
	sleep(2);
	memset(&stats, 0, sizeof(stats));
	stats.notify = note;
	stats.notify_arg = l.notes;
	buf_reset(l.notes);
	status = queue_deliver(l.ml, l.db, l.st, qid, &stats, why);
	CHECK(status == 0 && stats.failed == 7 && stats.items_done == 1 &&
	    stats.sent == 0, "expiry: 7 recipients given up (%ld), done %ld",
	    stats.failed, stats.items_done);
	CHECK(fake_count(l.notes->data, "expired ") == 7 &&
	    strstr(l.notes->data, "expired m00@example.org: queued at ") &&
	    strstr(l.notes->data, "expired m09@example.org: ") &&
	    !strstr(l.notes->data, "expired m03@example.org"),
	    "expiry: one report per recipient not reached");
	CHECK(queue_count(l.db, &count, why) == 0 && count == 0,
	    "expiry: item removed");
	log = fake_log(&f);
	CHECK(fake_count(log, "SESSION ") == 1,
	    "expiry: no connection for an expired item");
	free(log);

	fake_stop(&f);
	list_close(&l);
	why = buf_free(why);
}

/* check_flush - every item on one session, a claimed item left alone */
static void
check_flush(void)
{
	static const char *rcpts[] = { "x@y.example" };
	const char *opts[] = { NULL };
	struct queue_stats stats = { .notify = note };
	struct buf *why = buf_alloc(64);
	struct fake f = { 0 };
	struct list l;
	char	 qid1[QUEUE_ID_MAX], qid2[QUEUE_ID_MAX], qid3[QUEUE_ID_MAX];
	char	*path;
	char	*log;
	char	*p;
	char	 c;
	long	 count;
	pid_t	 pid;
	int	 ready[2], hold[2];
	int	 status;
	int	 fd;

	if (list_open(&l) != 0 || fake_start(&f, opts) != 0) {
		CHECK(0, "flush: setup");
		fake_stop(&f);
		list_close(&l);
		why = buf_free(why);
		return;
	}
	stats.notify_arg = l.notes;
	configure(&l, f.port, 4, 432000);
	queue_one(&l, qid1);
	queue_message(l.ml, l.db, "a\n", 2, "", rcpts, 1, qid2, why);
	queue_one(&l, qid3);
	CHECK(strcmp(qid1, qid2) < 0 && strcmp(qid2, qid3) < 0,
	    "flush: ids sort in queueing order");

	path = xasprintf("%s/var/lock", l.ml->home);
	mkdir(path, 0700);
	path = xfree(path);
	path = xasprintf("%s/var/lock/q.%s", l.ml->home, qid3);
	if (pipe(ready) != 0 || pipe(hold) != 0)
		abort();
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

		fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
			_exit(1);
		write(ready[1], "x", 1);
		read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	CHECK(read(ready[0], &c, 1) == 1, "flush: another process claims %s",
	    qid3);

	status = queue_flush(l.ml, l.db, l.st, &stats, why);
	CHECK(status == 0 && stats.items_done == 2 && stats.items_left == 1 &&
	    stats.sent == 11, "flush: done %ld left %ld sent %ld (%s)",
	    stats.items_done, stats.items_left, stats.sent, why->data);
	CHECK(queue_count(l.db, &count, why) == 0 && count == 1,
	    "flush: the claimed item stays");
	log = fake_log(&f);
	CHECK(fake_count(log, "SESSION ") == 1 && txn_count(log) == 4,
	    "flush: one session, four transactions");
	p = strstr(log, "TXN n=4 ");
	CHECK(p != NULL && strstr(p, " from= ") != NULL &&
	    strstr(p, " from= ") < strchr(p, '\n'),
	    "flush: the message with the null sender goes last");
	free(log);

	write(hold[1], "x", 1);
	close(hold[1]);
	close(ready[0]);
	waitpid(pid, NULL, 0);
	memset(&stats, 0, sizeof(stats));
	status = queue_flush(l.ml, l.db, l.st, &stats, why);
	CHECK(status == 0 && stats.items_done == 1 && stats.sent == 10,
	    "flush: released item delivered (%ld)", stats.sent);
	CHECK(queue_count(l.db, &count, why) == 0 && count == 0,
	    "flush: queue empty");

	path = xfree(path);
	fake_stop(&f);
	list_close(&l);
	why = buf_free(why);
}

int
main(void)
{
	size_t	 i;

	check_name = "queue";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	check_message();
	check_expiry();
	check_flush();
	return check_done();
}

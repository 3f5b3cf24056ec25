/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	error - the list's bounce address (ML-error)
 * SYNOPSIS
 *	error [-c confdir] ML
 *	error [-c confdir] --parse [ML]
 * DESCRIPTION
 *	Reads one delivery report on standard input and finds the failed
 *	recipients (bounce.h). The envelope recipient is taken from
 *	ORIGINAL_RECIPIENT, else RECIPIENT, as Postfix sets them; a VERP
 *	address there (ML-error+user=domain@...) names the failing
 *	recipient.
 *
 *	With --parse, prints one line per failed recipient,
 *	"address TAB status TAB hard|soft", and changes nothing; with a
 *	list, a fourth field says "recipient" or "not-recipient".
 *
 *	Otherwise the report is kept in error_mail_keep_dir, and each hard
 *	failure of a recipient of the list is recorded for the day
 *	(bouncedb.h). An address that failed on
 *	error_mail_analyzer_day_limit different days within the last
 *	error_mail_analyzer_window days is removed (member and recipient),
 *	logged, and listed in the maintainer's summary, which is sent at
 *	most once a day (error_mail_analyzer_summary = no: never). Soft
 *	failures and reports that are no failure are logged only. Admins
 *	and the list's own addresses are never removed; a report about
 *	an address that is not a recipient is logged and dropped. Reports
 *	are never answered.
 *
 *	error_watch_event() is the queue's report function for the
 *	deliveries of distribute and makefml flushq: it logs each report
 *	like msg_event() and books a recipient that the MTA refused with
 *	a status saying the mailbox or address is bad (5.1.x, 5.2.1; not
 *	5.1.7 and 5.1.8, which are about the sender) as a hard failure, as
 *	if it had bounced; error_watch_close() then sends
 *	the day's summary when one is due.
 *
 *	The time is taken from MLM_NOW (seconds since the epoch) when it
 *	is set, for tests.
 *
 *	error_makefml() is "makefml error ML": the bounce table, one line
 *	per address: address, days failed in the window, last status,
 *	last date (YYYY-MM-DD, UTC).
 * DIAGNOSTICS
 *	Exit 0 when the report was dealt with (and for any readable input
 *	with --parse), EX_TEMPFAIL when it could not be kept or recorded,
 *	EX_NOUSER for an unknown list.
 * BUGS
 *	Removals after the day's summary was sent wait for the first
 *	report of a later day.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "bounce.h"
#include "bouncedb.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "msg.h"
#include "notice.h"
#include "pipe.h"
#include "post.h"
#include "priv.h"
#include "prog.h"
#include "queue.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define ERROR_INPUT_MAX	(10 * 1024 * 1024)	/* report read at most */
#define ERROR_OWN_MAX	8

struct error_run {
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
	time_t		 now;
	long		 limit;
	long		 window;
	const char	*own[ERROR_OWN_MAX + 1];
};

struct error_watch {
	struct error_run r;
	struct buf	*why;
};

/* error_envelope - the envelope recipient, preferring a VERP one */
static const char *
error_envelope(void)
{
	const char *orig = getenv("ORIGINAL_RECIPIENT");
	const char *rcpt = getenv("RECIPIENT");
	char	*addr;

	if (orig != NULL && bounce_verp(orig, &addr)) {
		xfree(addr);
		return orig;
	}
	if (rcpt != NULL && bounce_verp(rcpt, &addr)) {
		xfree(addr);
		return rcpt;
	}
	return orig != NULL && *orig != '\0' ? orig : rcpt;
}

/* error_own - the list's own addresses, never failing recipients */
static void
error_own(struct ml *ml, const char **own)
{
	static const char *const vars[] = {
		"maintainer", "error_mail_address", "command_mail_address",
		"post_address", "address_for_post", NULL
	};
	const char *v;
	size_t	 i, n = 0;

	own[n++] = ml->address;
	for (i = 0; vars[i] != NULL && n < ERROR_OWN_MAX; i++)
		if ((v = ml_get(ml, vars[i])) != NULL && *v != '\0')
			own[n++] = v;
	own[n] = NULL;
}

/* error_run_init - the time, the limits and the list's own addresses */
static void
error_run_init(struct error_run *r, struct ml *ml)
{
	r->ml = ml;
	r->now = bouncedb_now();
	r->limit = cfg_long(ml->cfg, "error_mail_analyzer_day_limit", 5);
	r->window = cfg_long(ml->cfg, "error_mail_analyzer_window", 14);
	if (r->limit < 1)
		r->limit = 1;
	if (r->window < 1)
		r->window = 1;
	error_own(ml, r->own);
}

/* error_read - the whole of standard input, at most the cap */
static int
error_read(struct buf *in, struct buf *why)
{
	char	 chunk[8192];
	ssize_t	 n;

	for (;;) {
		n = read(0, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			BUF_WHY(why, "read standard input: %s",
			    strerror(errno));
			return EX_IOERR;
		}
		if (n == 0)
			return 0;
		if (in->len + (size_t)n <= ERROR_INPUT_MAX)
			buf_append(in, chunk, (size_t)n);
	}
}

/* error_parse - the --parse mode */
static int
error_parse(const struct pipe_args *args)
{
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	struct store_rec rec;
	struct bounce b;
	struct buf *in = buf_alloc(65536), *why = buf_alloc(256);
	const char *own[ERROR_OWN_MAX + 1] = { NULL };
	size_t	 i;
	int	 status;

	if (args->ml != NULL) {
		pipe_open(args, &site, &ml);
		error_own(ml, own);
		if (db_open(ml_get(ml, "db_dir"), 0, &db, why) != 0 ||
		    store_open(db, &st, why) != 0)
			msg_fatal(EX_TEMPFAIL, "%s", why->data);
	}
	if ((status = error_read(in, why)) != 0)
		msg_fatal(status, "%s", why->data);
	g_mime_init();
	bounce_parse(in->data, in->len, error_envelope(), own, &b);
	for (i = 0; i < b.nrcpt; i++) {
		printf("%s\t%s\t%s", b.rcpt[i].addr, b.rcpt[i].status,
		    bounce_kind_name(b.rcpt[i].kind));
		if (st != NULL) {
			status = store_find(st, b.rcpt[i].addr, 0, NULL, &rec,
			    why);
			printf("\t%s", status == 0 && store_is_recipient(&rec)
			    ? "recipient" : "not-recipient");
			store_rec_clear(&rec);
		}
		putchar('\n');
	}
	bounce_clear(&b);
	g_mime_shutdown();
	st = store_close(st);
	db = db_close(db);
	if (ml != NULL)
		pipe_close(&site, &ml);
	in = buf_free(in);
	why = buf_free(why);
	if (fflush(stdout) != 0 || ferror(stdout))
		return EX_IOERR;
	return 0;
}

/* error_keep - keep the report in error_mail_keep_dir */
static void
error_keep(struct ml *ml, const struct buf *raw, time_t now)
{
	struct buf *why = buf_alloc(128);
	const char *dir = ml_get(ml, "error_mail_keep_dir");
	char	 stamp[32];
	char	*path;

	if (dir == NULL || *dir == '\0')
		goto out;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		msg_fatal(EX_TEMPFAIL, "mkdir %s: %s", dir, strerror(errno));
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", gmtime(&now));
	path = xasprintf("%s/%s.%ld", dir, stamp, (long)getpid());
	if (spool_write_file(path, raw->data, raw->len, 0600, why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	msg_info("bounce kept in %s", path);
	path = xfree(path);
out:
	why = buf_free(why);
}

/* error_summary - send the day's summary of removed addresses */
static void
error_summary(struct error_run *r)
{
	struct buf *why = buf_alloc(128), *text = buf_alloc(512);
	char	*list = NULL, *subject;
	struct notice n = { .to = ml_get(r->ml, "maintainer") };

	if (cfg_bool(r->ml->cfg, "error_mail_analyzer_summary") == 0 ||
	    n.to == NULL || *n.to == '\0')
		goto out;
	if (bouncedb_pending_take(r->db, r->now, &list, why) != 0) {
		msg_warn("bounce summary: %s", why->data);
		goto out;
	}
	if (list == NULL)
		goto out;
	buf_printf(text, "These addresses bounced on %ld different days "
	    "within %ld days\nand were removed from %s:\n\n", r->limit,
	    r->window, r->ml->address);
	buf_puts(text, list);
	subject = xasprintf("addresses removed from %s after bounces",
	    r->ml->address);
	n.subject = subject;
	n.text = text->data;
	if (notice_send(r->ml, r->db, r->st, &n, why) != 0)
		msg_warn("bounce summary to %s not queued: %s", n.to,
		    why->data);
	else
		msg_info("bounce summary sent to %s", n.to);
	subject = xfree(subject);
out:
	list = xfree(list);
	text = buf_free(text);
	why = buf_free(why);
}

/* error_is_own - is addr one of the list's own addresses */
static int
error_is_own(const struct error_run *r, const char *addr)
{
	size_t	 i;

	for (i = 0; r->own[i] != NULL; i++)
		if (strcasecmp(r->own[i], addr) == 0)
			return 1;
	return 0;
}

/* error_one - book one failed recipient */
static int
error_one(struct error_run *r, const struct bounce_rcpt *f,
    struct buf *why)
{
	struct store_rec rec;
	size_t	 ndays;
	int	 status;

	if (f->kind != BOUNCE_HARD) {
		msg_info("bounce %s %s %s: not counted", f->addr, f->status,
		    bounce_kind_name(f->kind));
		return 0;
	}
	status = store_find(r->st, f->addr, 0, NULL, &rec, why);
	if (status == STORE_NOTFOUND || status == EX_DATAERR ||
	    (status == 0 && !store_is_recipient(&rec))) {
		msg_info("bounce %s %s hard: not a recipient, dropped",
		    f->addr, f->status);
		store_rec_clear(&rec);
		return 0;
	}
	if (status != 0)
		return status;
	if ((rec.flags & (STORE_ADMIN | STORE_ADMIN_RCPT)) != 0 ||
	    error_is_own(r, rec.addr)) {
		msg_info("bounce %s %s hard: an admin, never removed",
		    rec.addr, f->status);
		store_rec_clear(&rec);
		return 0;
	}
	if ((status = bouncedb_record(r->db, rec.addr, f->status, r->now,
	    r->window, &ndays, why)) != 0)
		goto out;
	msg_info("bounce %s %s hard: failed on %zu of %ld days", rec.addr,
	    f->status, ndays, r->limit);
	if ((long)ndays < r->limit)
		goto out;
	status = store_remove(r->st, rec.addr, STORE_MEMBER | STORE_RECIPIENT,
	    why);
	if (status != 0 && status != STORE_UNCHANGED)
		goto out;
	msg_info("removed %s: bounced on %zu days within %ld days",
	    rec.addr, ndays, r->window);
	if ((status = bouncedb_forget(r->db, rec.addr, why)) == 0)
		status = bouncedb_pending_add(r->db, rec.addr, why);
out:
	store_rec_clear(&rec);
	return status;
}

/* error_book - the normal mode: record, remove, summarise */
static int
error_book(const struct pipe_args *args)
{
	struct site *site = NULL;
	struct error_run r = { .ml = NULL };
	struct bounce b;
	struct post post;
	struct buf *why = buf_alloc(256);
	const char *env;
	size_t	 i;

	msg_init("error", MSG_SYSLOG);
	pipe_open(args, &site, &r.ml);
	g_mime_init();
	error_run_init(&r, r.ml);
	post_init(&post);
	if (post_read(&post, 0, 1024000, ERROR_INPUT_MAX, why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	error_keep(r.ml, post.raw, r.now);

	env = error_envelope();
	bounce_parse(post.raw->data, post.raw->len, env, r.own, &b);
	msg_info("bounce to %s: %zu failed, %zu not failed%s%s",
	    env ? env : "(no recipient)", b.nrcpt, b.ignored,
	    b.verp ? ", VERP " : "", b.verp ? b.verp : "");
	if (db_open(ml_get(r.ml, "db_dir"), (size_t)cfg_long(r.ml->cfg,
	    "db_map_size", 0), &r.db, why) != 0 ||
	    store_open(r.db, &r.st, why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	if (bouncedb_expire(r.db, r.now, r.window, why) != 0)
		msg_warn("%s", why->data);
	for (i = 0; i < b.nrcpt; i++)
		if (error_one(&r, &b.rcpt[i], why) != 0)
			msg_fatal(EX_TEMPFAIL, "bounce of %s: %s",
			    b.rcpt[i].addr, why->data);
	error_summary(&r);

	bounce_clear(&b);
	post_clear(&post);
	r.st = store_close(r.st);
	r.db = db_close(r.db);
	pipe_close(&site, &r.ml);
	why = buf_free(why);
	g_mime_shutdown();
	return 0;
}

/* error_watch_open - book the MTA's refusals during a delivery */
struct error_watch *
error_watch_open(struct ml *ml, struct db *db, struct store *st)
{
	struct error_watch *w = xcalloc(1, sizeof(*w));

	error_run_init(&w->r, ml);
	w->r.db = db;
	w->r.st = st;
	w->why = buf_alloc(128);
	return w;
}

/* error_watch_event - queue report: log it; a refusal that says the
 * mailbox or address is bad (5.1.x but the sender's 5.1.7 and 5.1.8,
 * 5.2.1) is a hard failure */
void
error_watch_event(void *arg, const char *event, const char *addr,
    const char *text)
{
	struct error_watch *w = arg;
	struct bounce_rcpt f = { .kind = BOUNCE_HARD };

	msg_event(NULL, event, addr, text);
	if (w == NULL || addr == NULL || text == NULL || text[0] != '5' ||
	    strcmp(event, QUEUE_EV_FAILED) != 0)
		return;
	if (!bounce_status(text, f.status, sizeof(f.status)) ||
	    (strncmp(f.status, "5.1.", 4) != 0 &&
	    strcmp(f.status, "5.2.1") != 0) ||
	    strcmp(f.status, "5.1.7") == 0 || strcmp(f.status, "5.1.8") == 0)
		return;
	f.addr = (char *)addr;
	w->r.now = bouncedb_now();
	if (error_one(&w->r, &f, w->why) != 0)
		msg_warn("refusal of %s not booked: %s", addr, w->why->data);
}

/* error_watch_close - send the summary when due; NULL is returned */
struct error_watch *
error_watch_close(struct error_watch *w)
{
	if (w == NULL)
		return NULL;
	error_summary(&w->r);
	w->why = buf_free(w->why);
	return xfree(w);
}

/* error_main - the error program */
int
error_main(int argc, char **argv)
{
	struct pipe_args args;

	msg_init("error", 0);
	if (pipe_args(argc, argv, PIPE_PARSE_OK | PIPE_ML_OPTIONAL,
	    &args) != 0)
		return EX_USAGE;
	if (args.parse)
		return error_parse(&args);
	if (args.ml == NULL) {
		msg_error("usage: error [-c confdir] [--parse] ML");
		return EX_USAGE;
	}
	return error_book(&args);
}

/* error_show_one - print one line of the bounce table */
static int
error_show_one(const struct bouncedb_rec *rec, void *arg)
{
	char	 date[16];
	struct tm tm;

	(void)arg;
	if (gmtime_r(&rec->last, &tm) == NULL ||
	    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
		snprintf(date, sizeof(date), "-");
	printf("%s\t%zu\t%s\t%s\n", rec->addr, rec->ndays, rec->status,
	    date);
	return 0;
}

/* error_makefml - makefml error ML: show the bounce table */
int
error_makefml(struct site *site, int argc, char **argv, struct buf *why)
{
	struct ml *ml = NULL;
	struct db *db = NULL;
	int	 status;

	(void)argc;
	if ((status = ml_open(site, argv[0], &ml, why)) != 0 ||
	    (status = priv_drop_to_owner(ml->home, why)) != 0)
		goto out;
	if ((status = db_open(ml_get(ml, "db_dir"), (size_t)cfg_long(ml->cfg,
	    "db_map_size", 0), &db, why)) != 0)
		goto out;
	status = bouncedb_walk(db, bouncedb_now(), cfg_long(ml->cfg,
	    "error_mail_analyzer_window", 14), error_show_one, NULL, why);
out:
	if (status != 0)
		msg_error("%s", why->len ? why->data : "failed");
	db = db_close(db);
	ml = ml_free(ml);
	return status;
}

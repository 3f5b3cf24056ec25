/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	distribute - deliver one post to the members of a list
 * SYNOPSIS
 *	distribute [-c confdir] ML
 * DESCRIPTION
 *	The MTA pipes one post into distribute (from the list's include
 *	file), with the envelope sender in $SENDER. The steps:
 *
 *	1. Read the post within the size limits and parse it.
 *	2. Loop checks: this list's own X-ML-Name and List-Post, an
 *	   envelope sender that is one of the list's addresses, and a
 *	   Message-ID that was distributed already.
 *	3. Header and body checks; a failed check gets a notice to the
 *	   sender and the maintainer.
 *	4. article_post_restrictions: permit, isolate (quarantine and a
 *	   notice to the maintainer), reject (notices) or ignore (a log
 *	   line).
 *	5. Under the list's lock: the next number from seq, the rewritten
 *	   header, spool/N, seq, then one LMDB transaction with the
 *	   Message-ID and the queue entry. When any step fails the earlier
 *	   ones are undone, so a number is never used twice or skipped,
 *	   and the post is deferred.
 *	6. Delivery of the new article over SMTP, then of anything else
 *	   left in the queue.
 * DIAGNOSTICS
 *	Exit 0 when the list dealt with the post (distributed, isolated,
 *	rejected with a notice, or recognised as a loop or duplicate),
 *	EX_TEMPFAIL (75) when it could not be committed, EX_NOUSER for a
 *	list that does not exist and EX_USAGE for a bad command line.
 *	Each outcome is one line in the list log and in syslog LOG_MAIL.
 * BUGS
 *	A crash (not an error) between writing seq and committing the
 *	queue entry leaves that number unused; the MTA delivers the post
 *	again and it gets the next number.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "db.h"
#include "distribute.h"
#include "hdr.h"
#include "isolate.h"
#include "lock.h"
#include "moderate.h"
#include "msg.h"
#include "notice.h"
#include "pipe.h"
#include "post.h"
#include "prog.h"
#include "queue.h"
#include "restrict.h"
#include "rewrite.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "subject.h"
#include "xmem.h"

struct dist {
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
	struct post	 post;
	struct buf	*why;
	int		 approved;	/* skip article_post_restrictions */
};

/* dist_notice - tell someone why a post was not distributed */
static void
dist_notice(struct dist *d, const char *to, const char *subject,
    const char *text)
{
	struct notice n = {
		.to = to,
		.subject = subject,
		.text = text,
		.orig = d->post.raw->data,
		.origlen = d->post.raw->len,
	};
	struct buf *why = buf_alloc(128);

	if (notice_send(d->ml, d->db, d->st, &n, why) != 0)
		msg_warn("notice to %s not queued: %s", to, why->data);
	why = buf_free(why);
}

/* dist_reject - refuse a post with notices; the post is dealt with */
static int
dist_reject(struct dist *d, const char *code)
{
	struct buf *text;
	struct buf *subj;
	const char *who = d->post.sender ? d->post.sender : "(unknown)";

	msg_info("reject: %s: sender=%s message-id=%s", code, who,
	    d->post.msgid ? d->post.msgid : "(none)");
	text = buf_alloc(512);
	subj = buf_alloc(128);
	buf_printf(text, "Your mail to %s was not distributed.\n\n%s\n",
	    d->ml->address, post_reason_text(code));
	if (strcmp(code, "command-in-post") == 0)
		buf_printf(text, "\nSend commands to %s, for example a "
		    "mail whose body is the single line \"help\".\n",
		    ml_get(d->ml, "command_mail_address"));
	buf_puts(text, "\nThe beginning of your mail follows.\n");
	buf_printf(subj, "%s: your post was rejected (%s)", d->ml->address,
	    code);
	if (d->post.sender != NULL)
		dist_notice(d, d->post.sender, subj->data, text->data);
	buf_set(subj, "%s: post from %s rejected (%s)", d->ml->address, who,
	    code);
	dist_notice(d, ml_get(d->ml, "maintainer"), subj->data, text->data);
	text = buf_free(text);
	subj = buf_free(subj);
	return 0;
}

/* dist_isolate - quarantine a post and tell the maintainer */
static int
dist_isolate(struct dist *d, const char *reason, int tell)
{
	struct isolate_info info;
	struct buf *subj, *text;
	char	 id[ISOLATE_ID_MAX];
	int	 status;

	subj = buf_alloc(128);
	post_subject_text(&d->post, subj);
	info.from = d->post.sender ? d->post.sender : d->post.envelope;
	info.subject = subj->data;
	info.reason = reason;
	status = isolate_store(d->ml, d->db, d->post.raw->data,
	    d->post.raw->len, &info, id, d->why);
	if (status != 0) {
		msg_fatal(EX_TEMPFAIL, "cannot isolate post from %s: %s",
		    info.from ? info.from : "(unknown)", d->why->data);
	}
	msg_info("isolated %s: %s: sender=%s", id, reason,
	    info.from ? info.from : "(unknown)");
	if (tell && cfg_bool(d->ml->cfg, "use_isolate_notice")) {
		text = buf_alloc(256);
		buf_printf(text, "A post to %s was put aside (%s).\n"
		    "Id: %s\nFrom: %s\nSubject: %s\n\n"
		    "Approve it with: makefml approve %s %s\n"
		    "Discard it with: makefml discard %s %s\n\n"
		    "The beginning of the post follows.\n",
		    d->ml->address, reason, id,
		    info.from ? info.from : "(unknown)", subj->data,
		    d->ml->address, id, d->ml->address, id);
		buf_set(subj, "%s: post from %s isolated (%s)",
		    d->ml->address, info.from ? info.from : "(unknown)",
		    reason);
		dist_notice(d, ml_get(d->ml, "maintainer"), subj->data,
		    text->data);
		text = buf_free(text);
	}
	subj = buf_free(subj);
	return 0;
}

/* dist_moderate - hold a post for the moderators */
static int
dist_moderate(struct dist *d)
{
	struct buf *subj = buf_alloc(128);
	char	 id[ISOLATE_ID_MAX];
	int	 status;

	post_subject_text(&d->post, subj);
	status = moderate_forward(d->ml, d->db, d->st, d->post.raw->data,
	    d->post.raw->len, d->post.sender, subj->data, id, d->why);
	subj = buf_free(subj);
	if (status != 0) {
		msg_error("cannot hold post from %s for moderation: %s",
		    d->post.sender, d->why->data);
		return EX_TEMPFAIL;
	}
	msg_info("held %s for moderation: sender=%s", id, d->post.sender);
	return 0;
}

/* dist_seen - whether the Message-ID was distributed already */
static int
dist_seen(struct dist *d, int *seen)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 rc, status;

	*seen = 0;
	if (d->post.msgid == NULL)
		return 0;
	if ((status = db_begin(d->db, DB_RDONLY, &txn, d->why)) != 0)
		return status;
	k.mv_data = d->post.msgid;
	k.mv_size = strlen(d->post.msgid);
	rc = mdb_get(txn, db_dbi(d->db, DB_MSGID), &k, &v);
	db_abort(txn);
	if (rc == 0)
		*seen = 1;
	else if (rc != MDB_NOTFOUND)
		return db_fail(rc, "message-id cache", d->why);
	return 0;
}

/* dist_article - the article text: rewritten header, blank, body */
static void
dist_article(struct dist *d, long n, struct buf *out)
{
	const char *body;
	size_t	 blen;

	buf_reset(d->why);
	if (rewrite_header(d->ml->cfg, &d->post.hdr, n, d->why) != 0 ||
	    d->why->len > 0)
		msg_warn("header rewrite: %s", d->why->data);
	hdr_write(&d->post.hdr, out);
	buf_putc(out, '\n');
	body = post_body(&d->post, &blen);
	buf_append(out, body, blen);
}

/* dist_expire_ids - forget old Message-IDs, once an interval */
static int
dist_expire_ids(struct dist *d, MDB_txn *txn)
{
	static const char mark[] = "msgid_expired";
	MDB_cursor *cur;
	MDB_val	 k = { sizeof(mark) - 1, (void *)mark }, v;
	char	 stamp[32];
	time_t	 now = time(NULL);
	time_t	 limit;
	int	 rc;

	rc = mdb_get(txn, db_dbi(d->db, DB_META), &k, &v);
	if (rc == 0 && v.mv_size < sizeof(stamp)) {
		memcpy(stamp, v.mv_data, v.mv_size);
		stamp[v.mv_size] = '\0';
		if (strtol(stamp, NULL, 10) > now - cfg_long(d->ml->cfg,
		    "message_id_cache_expire_interval", 86400))
			return 0;
	}
	limit = now - 86400 * cfg_long(d->ml->cfg,
	    "message_id_cache_lifetime", 90);
	if ((rc = mdb_cursor_open(txn, db_dbi(d->db, DB_MSGID), &cur)) != 0)
		return db_fail(rc, "message-id cache", d->why);
	while ((rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) == 0) {
		size_t	 n = v.mv_size < sizeof(stamp) ? v.mv_size :
		    sizeof(stamp) - 1;

		memcpy(stamp, v.mv_data, n);
		stamp[n] = '\0';
		if (strtol(stamp, NULL, 10) < limit &&
		    (rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND)
		return db_fail(rc, "message-id cache expiry", d->why);
	snprintf(stamp, sizeof(stamp), "%ld", (long)now);
	k.mv_data = (void *)mark;
	k.mv_size = sizeof(mark) - 1;
	v.mv_data = stamp;
	v.mv_size = strlen(stamp);
	if ((rc = mdb_put(txn, db_dbi(d->db, DB_META), &k, &v, 0)) != 0)
		return db_fail(rc, "message-id cache expiry", d->why);
	return 0;
}

/* dist_record - the Message-ID and the queue entry, one transaction */
static int
dist_record(struct dist *d, long n, char *qid, int *dup)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	char	 val[64];
	int	 rc, status;

	*dup = 0;
	if ((status = db_begin(d->db, 0, &txn, d->why)) != 0)
		return status;
	if (d->post.msgid != NULL) {
		snprintf(val, sizeof(val), "%ld %ld", (long)time(NULL), n);
		k.mv_data = d->post.msgid;
		k.mv_size = strlen(d->post.msgid);
		v.mv_data = val;
		v.mv_size = strlen(val);
		rc = mdb_put(txn, db_dbi(d->db, DB_MSGID), &k, &v,
		    MDB_NOOVERWRITE);
		if (rc == MDB_KEYEXIST) {
			*dup = 1;
			db_abort(txn);
			return 0;
		}
		if (rc != 0) {
			db_abort(txn);
			return db_fail(rc, "message-id cache", d->why);
		}
	}
	if ((status = queue_article(d->ml, d->db, txn, n, qid,
	    d->why)) != 0 || (status = dist_expire_ids(d, txn)) != 0) {
		db_abort(txn);
		return status;
	}
	return db_commit(txn, d->why);
}

/* dist_commit - number, spool and queue the post under the lock */
static int
dist_commit(struct dist *d, long *np, char *qid)
{
	struct buf *art, *subj;
	long	 last;
	int	 lock, status, dup;

	lock = lock_take(ml_get(d->ml, "lock_dir"), "article_sequence",
	    (int)cfg_long(d->ml->cfg, "lock_timeout", 120), d->why);
	if (lock < 0)
		return EX_TEMPFAIL;
	art = buf_alloc(d->post.raw->len + 1024);
	if ((status = spool_seq_read(d->ml, &last, d->why)) != 0)
		goto out;
	*np = last + 1;
	dist_article(d, *np, art);
	if ((status = spool_write(d->ml, *np, art->data, art->len,
	    d->why)) != 0)
		goto out;
	if ((status = spool_seq_write(d->ml, *np, d->why)) != 0) {
		spool_unlink(d->ml, *np);
		goto out;
	}
	if ((status = dist_record(d, *np, qid, &dup)) != 0 || dup) {
		struct buf *why2 = buf_alloc(64);

		if (spool_seq_write(d->ml, last, why2) != 0)
			msg_error("cannot restore seq to %ld: %s", last,
			    why2->data);
		why2 = buf_free(why2);
		spool_unlink(d->ml, *np);
		if (dup) {
			*np = 0;
			status = 0;
		}
		goto out;
	}
	subj = buf_alloc(256);
	{
		const char *s = hdr_get(&d->post.hdr, "Subject");

		if (subject_plain(s, s ? strlen(s) : 0, ml_get(d->ml,
		    "article_subject_tag"), subj, d->why) != 0)
			post_subject_text(&d->post, subj);
	}
	if (spool_summary(d->ml, *np, d->post.sender, subj->data,
	    d->why) != 0)
		msg_warn("summary: %s", d->why->data);
	subj = buf_free(subj);
out:
	lock_release(lock);
	art = buf_free(art);
	return status;
}

/* dist_deliver - send the new article, then what else is queued */
static void
dist_deliver(struct dist *d, const char *qid)
{
	struct error_watch *w = error_watch_open(d->ml, d->db, d->st);
	struct queue_stats stats = { .notify = error_watch_event,
	    .notify_arg = w };

	if (queue_deliver(d->ml, d->db, d->st, qid, &stats, d->why) != 0)
		msg_warn("delivery: %s", d->why->data);
	if (stats.deferred == 0) {
		memset(&stats, 0, sizeof(stats));
		stats.notify = error_watch_event;
		stats.notify_arg = w;
		if (queue_flush(d->ml, d->db, d->st, &stats, d->why) != 0)
			msg_warn("queue flush: %s", d->why->data);
	}
	w = error_watch_close(w);
}

/* dist_run - every step for one post; the exit status */
static int
dist_run(struct dist *d)
{
	struct restrict_result r;
	const char *code;
	char	 qid[QUEUE_ID_MAX];
	long	 n;
	int	 seen, status;

	post_parse(&d->post);
	if ((code = post_check_loop(&d->post, d->ml->cfg)) != NULL) {
		msg_warn("loop detected (%s): sender=%s message-id=%s", code,
		    d->post.envelope ? d->post.envelope : "",
		    d->post.msgid ? d->post.msgid : "(none)");
		return dist_isolate(d, code, 0);
	}
	if ((status = dist_seen(d, &seen)) != 0) {
		msg_fatal(EX_TEMPFAIL, "%s", d->why->data);
	}
	if (seen) {
		msg_info("duplicate: message-id %s was distributed already; "
		    "ignored", d->post.msgid);
		return 0;
	}
	if ((code = post_check_header(&d->post, d->ml->cfg)) != NULL ||
	    (code = post_check_body(&d->post, d->ml->cfg)) != NULL)
		return dist_reject(d, code);

	r = (struct restrict_result){ .action = RESTRICT_PERMIT };
	status = d->approved ? 0 : restrict_post(d->ml->cfg, d->st,
	    d->post.sender, d->ml->domain, &r, d->why);
	if (r.warning[0] != '\0')
		msg_warn("%s", r.warning);
	switch (r.action) {
	case RESTRICT_PERMIT:
		break;
	case RESTRICT_ISOLATE:
		return dist_isolate(d, r.reason, 1);
	case RESTRICT_REJECT:
		return dist_reject(d, r.reason);
	case RESTRICT_IGNORE:
		msg_info("ignored post from %s (rule %s)", d->post.sender,
		    r.rule);
		return 0;
	case RESTRICT_DEFER:
		msg_fatal(EX_TEMPFAIL, "member lookup: %s", d->why->data);
	case RESTRICT_MODERATE:
		return dist_moderate(d);
	}

	if ((status = dist_commit(d, &n, qid)) != 0) {
		msg_fatal(EX_TEMPFAIL, "post from %s deferred: %s",
		    d->post.sender, d->why->data);
	}
	if (n == 0) {
		msg_info("duplicate: message-id %s was distributed already; "
		    "ignored", d->post.msgid);
		return 0;
	}
	msg_info("article %ld sender=%s message-id=%s", n, d->post.sender,
	    d->post.msgid ? d->post.msgid : "(none)");
	dist_deliver(d, qid);
	return 0;
}

/* dist_open - the list's store */
static int
dist_open(struct dist *d)
{
	int	 status;

	if ((status = db_open(ml_get(d->ml, "db_dir"),
	    (size_t)cfg_long(d->ml->cfg, "db_map_size", 0), &d->db,
	    d->why)) != 0)
		return status;
	return store_open(d->db, &d->st, d->why);
}

/* distribute_approved - distribute a post that was approved */
int
distribute_approved(struct ml *ml, struct db *db, struct store *st,
    const char *raw, size_t len, struct buf *why)
{
	struct dist d = {
		.ml = ml,
		.db = db,
		.st = st,
		.why = why,
		.approved = 1,
	};
	int	 status;

	post_init(&d.post);
	post_set(&d.post, raw, len);
	status = dist_run(&d);
	post_clear(&d.post);
	return status;
}

/* distribute_main - the distribute program */
int
distribute_main(int argc, char **argv)
{
	struct pipe_args args;
	struct site *site = NULL;
	struct dist d = { 0 };
	const char **w;
	int	 status;

	msg_init("distribute", MSG_SYSLOG);
	if (pipe_args(argc, argv, 0, &args) != 0)
		return EX_USAGE;
	pipe_open(&args, &site, &d.ml);

	g_mime_init();
	d.why = buf_alloc(256);
	post_init(&d.post);
	if (dist_open(&d) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", d.why->data);
	for (w = cfg_warnings(d.ml->cfg); w != NULL && *w != NULL; w++)
		msg_warn("%s", *w);
	if ((status = post_read(&d.post, 0, (size_t)cfg_long(d.ml->cfg,
	    "incoming_mail_header_size_limit", 102400),
	    (size_t)cfg_long(d.ml->cfg, "incoming_mail_body_size_limit",
	    10240000), d.why)) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", d.why->data);
	if (getenv("SENDER") != NULL)
		d.post.envelope = xstrdup(getenv("SENDER"));

	status = dist_run(&d);

	post_clear(&d.post);
	d.st = store_close(d.st);
	d.db = db_close(d.db);
	pipe_close(&site, &d.ml);
	d.why = buf_free(d.why);
	g_mime_shutdown();
	return status;
}

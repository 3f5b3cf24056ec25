/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	moderate - isolated posts: moderation, approval, discard, expiry
 * SYNOPSIS
 *	#include "moderate.h"
 * DESCRIPTION
 *	An isolated post is a file isolated_queue_dir/ID and a record ID
 *	in table DB_ISOLATED, "time<TAB>from<TAB>subject<TAB>reason"
 *	(isolate.h). Removing one deletes the record, then the file.
 *
 *	A post held for moderation has one "moderate" token whose
 *	address is the post's sender and whose argument is its id; every
 *	moderator gets the same token, so the first answer decides and
 *	the others are told the code was used.
 * DIAGNOSTICS
 *	EX_NOINPUT for an id that is not in the quarantine, EX_USAGE for
 *	an id with a slash or a leading dot.
 * BUGS
 *	A token left over after makefml approve or discard stays until it
 *	expires; using it then reports a post that is gone.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "confirm.h"
#include "db.h"
#include "distribute.h"
#include "isolate.h"
#include "moderate.h"
#include "msg.h"
#include "priv.h"
#include "reply.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define MODERATE_POST_MAX	(64 * 1024 * 1024)

struct moderate_entry {
	time_t	 time;
	char	*from;
	char	*subject;
	char	*reason;
};

/* moderate_entry_clear - release an entry's strings */
static void
moderate_entry_clear(struct moderate_entry *e)
{
	e->from = xfree(e->from);
	e->subject = xfree(e->subject);
	e->reason = xfree(e->reason);
}

/* moderate_split - a DB_ISOLATED value as an entry */
static void
moderate_split(const MDB_val *v, struct moderate_entry *e)
{
	char	*s = xstrndup(v->mv_data, v->mv_size);
	char	*f[4] = { NULL, NULL, NULL, NULL };
	char	*p = s;
	int	 i;

	for (i = 0; i < 4 && p != NULL; i++) {
		f[i] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	e->time = (time_t)strtoll(f[0], NULL, 10);
	e->from = xstrdup(f[1] ? f[1] : "");
	e->subject = xstrdup(f[2] ? f[2] : "");
	e->reason = xstrdup(f[3] ? f[3] : "");
	s = xfree(s);
}

/* moderate_id_ok - an id that names a file inside the quarantine */
static int
moderate_id_ok(const char *id, struct buf *why)
{
	if (*id == '\0' || *id == '.' || strchr(id, '/') != NULL ||
	    strlen(id) >= ISOLATE_ID_MAX) {
		BUF_WHY(why, "bad isolated id \"%s\"", id);
		return EX_USAGE;
	}
	return 0;
}

/* moderate_get - the entry of an id */
static int
moderate_get(struct db *db, const char *id, struct moderate_entry *e,
    struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	int	 rc, status;

	memset(e, 0, sizeof(*e));
	if ((status = moderate_id_ok(id, why)) != 0)
		return status;
	if ((status = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		return status;
	k.mv_data = (void *)id;
	k.mv_size = strlen(id);
	rc = mdb_get(txn, db_dbi(db, DB_ISOLATED), &k, &v);
	if (rc == 0)
		moderate_split(&v, e);
	db_abort(txn);
	if (rc == MDB_NOTFOUND) {
		BUF_WHY(why, "no isolated post %s", id);
		return EX_NOINPUT;
	}
	return rc ? db_fail(rc, "isolated posts", why) : 0;
}

/* moderate_read - the isolated mail of an id */
static int
moderate_read(struct ml *ml, const char *id, struct buf *out,
    struct buf *why)
{
	char	*path = xasprintf("%s/%s", ml_get(ml, "isolated_queue_dir"),
	    id);
	char	 chunk[8192];
	size_t	 n;
	FILE	*fp;
	int	 status = 0;

	buf_reset(out);
	if ((fp = fopen(path, "r")) == NULL) {
		BUF_WHY(why, "open %s: %s", path, strerror(errno));
		status = errno == ENOENT ? EX_NOINPUT : EX_TEMPFAIL;
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
	    out->len < MODERATE_POST_MAX)
		buf_append(out, chunk, n);
	if (ferror(fp)) {
		BUF_WHY(why, "read %s: %s", path, strerror(errno));
		status = EX_TEMPFAIL;
	}
	fclose(fp);
out:
	path = xfree(path);
	return status;
}

/* moderate_remove - delete the record, then the file */
static int
moderate_remove(struct ml *ml, struct db *db, const char *id,
    struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k;
	char	*path;
	int	 rc, status;

	if ((status = moderate_id_ok(id, why)) != 0)
		return status;
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		return status;
	k.mv_data = (void *)id;
	k.mv_size = strlen(id);
	rc = mdb_del(txn, db_dbi(db, DB_ISOLATED), &k, NULL);
	if (rc == MDB_NOTFOUND) {
		db_abort(txn);
		BUF_WHY(why, "no isolated post %s", id);
		return EX_NOINPUT;
	}
	if (rc != 0) {
		db_abort(txn);
		return db_fail(rc, "isolated posts", why);
	}
	if ((status = db_commit(txn, why)) != 0)
		return status;
	path = xasprintf("%s/%s", ml_get(ml, "isolated_queue_dir"), id);
	unlink(path);
	path = xfree(path);
	return 0;
}

struct moderate_rcpts {
	char	**addr;
	size_t	 n;
};

/* moderate_collect - one moderator's address */
static int
moderate_collect(const struct store_rec *rec, void *arg)
{
	struct moderate_rcpts *m = arg;

	if (!(rec->flags & STORE_MODERATOR))
		return 0;
	m->addr = xrealloc(m->addr, (m->n + 1) * sizeof(*m->addr));
	m->addr[m->n++] = xstrdup(rec->addr);
	return 0;
}

/* moderate_reply_to - the command address that carries a token */
static char *
moderate_reply_to(struct ml *ml, const char *tok)
{
	const char *delim = ml_get(ml, "confirm_reply_delimiter");
	const char *ctl = ml_get(ml, "command_mail_address");
	const char *at = strrchr(ctl, '@');

	if (delim == NULL || *delim == '\0' || at == NULL)
		return NULL;
	return xasprintf("%.*s%sconfirm-moderate-%s%s", (int)(at - ctl), ctl,
	    delim, tok, at);
}

/* moderate_set_subject - $moderated_subject, RFC 2047 words decoded */
static void
moderate_set_subject(struct ml *ml, const char *raw)
{
	char	*text = g_mime_utils_header_decode_text(NULL, raw ? raw : "");
	gchar	*valid = g_utf8_make_valid(text, -1);

	reply_set_var(ml, "moderated_subject", valid);
	g_free(valid);
	g_free(text);
}

/* moderate_forward - hold a post and send it to the moderators */
int
moderate_forward(struct ml *ml, struct db *db, struct store *st,
    const char *raw, size_t len, const char *from, const char *subject,
    char *id, struct buf *why)
{
	struct isolate_info info = {
		.from = from,
		.subject = subject,
		.reason = "moderation",
	};
	struct moderate_rcpts m = { 0 };
	struct buf *text = buf_alloc(2048), *post = buf_alloc(len + 1);
	struct buf *parts[1] = { post };
	char	 tok[CONFIRM_TOKEN_MAX];
	char	*cmd = NULL, *rt = NULL;
	const char *lang = reply_language(ml, NULL, NULL);
	size_t	 i;
	int	 status;

	if ((status = isolate_store(ml, db, raw, len, &info, id, why)) != 0)
		goto out;
	if ((status = confirm_create(db, "moderate", from && *from ? from :
	    "-", id, tok, why)) != 0)
		goto out;
	if ((status = store_walk(st, NULL, moderate_collect, &m, why)) != 0)
		goto out;
	if (m.n == 0)
		moderate_collect(&(struct store_rec){ .addr = (char *)ml_get(
		    ml, "maintainer"), .flags = STORE_MODERATOR }, &m);
	cmd = xasprintf("confirm moderate %s", tok);
	rt = moderate_reply_to(ml, tok);
	reply_set_var(ml, "confirm_command", cmd);
	reply_set_var(ml, "moderated_id", id);
	reply_set_var(ml, "moderated_from", from ? from : "");
	moderate_set_subject(ml, subject);
	reply_template(ml, lang, "moderation", text);
	buf_append(post, raw, len);
	for (i = 0; i < m.n; i++) {
		struct reply r = {
			.to = m.addr[i],
			.subject = cmd,
			.text = text->data,
			.lang = lang,
			.parts = parts,
			.nparts = 1,
			.reply_to = rt,
		};

		if (reply_send(ml, db, st, &r, why) != 0)
			buf_reset(why);
	}
out:
	for (i = 0; i < m.n; i++)
		m.addr[i] = xfree(m.addr[i]);
	m.addr = xfree(m.addr);
	cmd = xfree(cmd);
	rt = xfree(rt);
	text = buf_free(text);
	post = buf_free(post);
	return status;
}

/* moderate_approve - distribute an isolated post */
int
moderate_approve(struct ml *ml, struct db *db, struct store *st,
    const char *id, struct buf *why)
{
	struct moderate_entry e;
	struct buf *post = buf_alloc(4096);
	int	 status;

	if ((status = moderate_get(db, id, &e, why)) != 0 ||
	    (status = moderate_read(ml, id, post, why)) != 0)
		goto out;
	if ((status = distribute_approved(ml, db, st, post->data, post->len,
	    why)) != 0)
		goto out;
	status = moderate_remove(ml, db, id, why);
out:
	moderate_entry_clear(&e);
	post = buf_free(post);
	return status;
}

/* moderate_reject - refuse an isolated post, with a notice */
int
moderate_reject(struct ml *ml, struct db *db, struct store *st,
    const char *id, const char *lang, struct buf *why)
{
	struct moderate_entry e;
	struct buf *post = buf_alloc(4096), *text = buf_alloc(1024);
	struct buf *parts[1] = { post };
	char	*subj = NULL;
	int	 status;

	if ((status = moderate_get(db, id, &e, why)) != 0 ||
	    (status = moderate_read(ml, id, post, why)) != 0)
		goto out;
	if (addr_valid(e.from, NULL) == 0) {
		struct reply r = {
			.to = e.from,
			.text = text->data,
			.lang = lang,
			.parts = parts,
			.nparts = 1,
		};

		moderate_set_subject(ml, e.subject);
		reply_template(ml, lang, "rejection", text);
		subj = xasprintf(strcmp(lang, "ja") == 0 ?
		    "%s への投稿は承認されませんでした" :
		    "%s: your post was not accepted", ml->address);
		r.subject = subj;
		r.text = text->data;
		if ((status = reply_send(ml, db, st, &r, why)) != 0)
			goto out;
	}
	status = moderate_remove(ml, db, id, why);
out:
	moderate_entry_clear(&e);
	subj = xfree(subj);
	post = buf_free(post);
	text = buf_free(text);
	return status;
}

/* moderate_discard - remove an isolated post */
int
moderate_discard(struct ml *ml, struct db *db, const char *id,
    struct buf *why)
{
	return moderate_remove(ml, db, id, why);
}

/* moderate_expire - remove the entries older than lifetime seconds */
int
moderate_expire(struct ml *ml, struct db *db, long lifetime, long *count,
    struct buf *why)
{
	MDB_txn	*txn;
	MDB_cursor *cur;
	MDB_val	 k, v;
	MDB_cursor_op op = MDB_FIRST;
	struct buf *gone = buf_alloc(256);
	time_t	 now = time(NULL);
	char	*p, *path;
	int	 rc, status;

	*count = 0;
	if (lifetime <= 0)
		goto done;
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_ISOLATED), &cur)) != 0) {
		db_abort(txn);
		status = db_fail(rc, "isolated posts", why);
		goto out;
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		char	 num[24];
		size_t	 n = v.mv_size < sizeof(num) - 1 ? v.mv_size :
			    sizeof(num) - 1;

		op = MDB_NEXT;
		memcpy(num, v.mv_data, n);
		num[n] = '\0';
		if (now - (time_t)strtoll(num, NULL, 10) <= lifetime ||
		    k.mv_size >= ISOLATE_ID_MAX)
			continue;
		buf_append(gone, k.mv_data, k.mv_size);
		buf_putc(gone, '\n');
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		(*count)++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		db_abort(txn);
		status = db_fail(rc, "isolated posts", why);
		goto out;
	}
	if ((status = db_commit(txn, why)) != 0)
		goto out;
	for (p = strtok(gone->data, "\n"); p != NULL; p = strtok(NULL, "\n"))
		if (moderate_id_ok(p, NULL) == 0) {
			path = xasprintf("%s/%s", ml_get(ml,
			    "isolated_queue_dir"), p);
			unlink(path);
			path = xfree(path);
		}
done:
	status = 0;
out:
	gone = buf_free(gone);
	return status;
}

struct moderate_list {
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
};

/* moderate_open - a list, as its owner, with its store */
static int
moderate_open(struct site *site, const char *name, struct moderate_list *l,
    struct buf *why)
{
	const char *log;
	int	 status;

	*l = (struct moderate_list){ .ml = NULL };
	g_mime_init();
	if ((status = ml_open(site, name, &l->ml, why)) != 0 ||
	    (status = priv_drop_to_owner(l->ml->home, why)) != 0)
		return status;
	if ((log = ml_get(l->ml, "log_file")) != NULL && *log != '\0')
		msg_logfile(log);
	if ((status = db_open(ml_get(l->ml, "db_dir"), (size_t)cfg_long(
	    l->ml->cfg, "db_map_size", 0), &l->db, why)) != 0)
		return status;
	return store_open(l->db, &l->st, why);
}

/* moderate_close - release what moderate_open opened */
static void
moderate_close(struct moderate_list *l)
{
	l->st = store_close(l->st);
	l->db = db_close(l->db);
	l->ml = ml_free(l->ml);
	g_mime_shutdown();
}

/* moderate_print - list the quarantine */
static int
moderate_print(struct db *db, struct buf *why)
{
	MDB_txn	*txn;
	MDB_cursor *cur;
	MDB_val	 k, v;
	MDB_cursor_op op = MDB_FIRST;
	struct moderate_entry e;
	char	 date[32];
	int	 rc, status;

	if ((status = db_begin(db, DB_RDONLY, &txn, why)) != 0)
		return status;
	if ((rc = mdb_cursor_open(txn, db_dbi(db, DB_ISOLATED), &cur)) != 0) {
		db_abort(txn);
		return db_fail(rc, "isolated posts", why);
	}
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		moderate_split(&v, &e);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S",
		    localtime(&e.time));
		printf("%.*s\t%s\t%s\t%s\t%s\n", (int)k.mv_size,
		    (char *)k.mv_data, date, e.from, e.subject, e.reason);
		moderate_entry_clear(&e);
	}
	mdb_cursor_close(cur);
	db_abort(txn);
	return rc == MDB_NOTFOUND ? 0 : db_fail(rc, "isolated posts", why);
}

/* moderate_verb_isolated - makefml isolated ML */
int
moderate_verb_isolated(struct site *site, int argc, char **argv,
    struct buf *why)
{
	struct moderate_list l;
	long	 n = 0;
	int	 status;

	(void)argc;
	if ((status = moderate_open(site, argv[0], &l, why)) == 0 &&
	    (status = moderate_expire(l.ml, l.db, cfg_long(l.ml->cfg,
	    "isolated_queue_lifetime", 14) * 86400, &n, why)) == 0) {
		if (n > 0)
			msg_info("%ld isolated posts expired", n);
		status = moderate_print(l.db, why);
	}
	moderate_close(&l);
	if (status != 0)
		msg_error("%s", why->data);
	return status;
}

/* moderate_verb_approve - makefml approve ML ID */
int
moderate_verb_approve(struct site *site, int argc, char **argv,
    struct buf *why)
{
	struct moderate_list l;
	int	 status;

	(void)argc;
	if ((status = moderate_open(site, argv[0], &l, why)) == 0 &&
	    (status = moderate_approve(l.ml, l.db, l.st, argv[1],
	    why)) == 0) {
		msg_info("isolated post %s approved", argv[1]);
		printf("%s: %s approved\n", l.ml->address, argv[1]);
	}
	moderate_close(&l);
	if (status != 0)
		msg_error("%s", why->data);
	return status;
}

/* moderate_verb_discard - makefml discard ML ID */
int
moderate_verb_discard(struct site *site, int argc, char **argv,
    struct buf *why)
{
	struct moderate_list l;
	int	 status;

	(void)argc;
	if ((status = moderate_open(site, argv[0], &l, why)) == 0 &&
	    (status = moderate_discard(l.ml, l.db, argv[1], why)) == 0) {
		msg_info("isolated post %s discarded", argv[1]);
		printf("%s: %s discarded\n", l.ml->address, argv[1]);
	}
	moderate_close(&l);
	if (status != 0)
		msg_error("%s", why->data);
	return status;
}

/* moderate_verb_moderator - makefml addmoderator and byemoderator */
static int
moderate_verb_moderator(struct site *site, int argc, char **argv, int add,
    struct buf *why)
{
	struct moderate_list l;
	int	 i, status;

	if ((status = moderate_open(site, argv[0], &l, why)) != 0)
		goto out;
	for (i = 1; i < argc && status == 0; i++) {
		if (add && addr_valid(argv[i], why) != 0) {
			status = EX_DATAERR;
			break;
		}
		status = add ? store_add(l.st, argv[i], STORE_MODERATOR, why) :
		    store_remove(l.st, argv[i], STORE_MODERATOR, why);
		if (status == STORE_UNCHANGED || status == STORE_NOTFOUND) {
			printf("%s: %s: no change\n", l.ml->address, argv[i]);
			status = 0;
		} else if (status == 0) {
			msg_info("moderator %s %s", argv[i], add ? "added" :
			    "removed");
			printf("%s: moderator %s %s\n", l.ml->address, argv[i],
			    add ? "added" : "removed");
		}
	}
out:
	moderate_close(&l);
	if (status != 0)
		msg_error("%s", why->data);
	return status;
}

/* moderate_verb_addmoderator - makefml addmoderator ML ADDR... */
int
moderate_verb_addmoderator(struct site *site, int argc, char **argv,
    struct buf *why)
{
	return moderate_verb_moderator(site, argc, argv, 1, why);
}

/* moderate_verb_byemoderator - makefml byemoderator ML ADDR... */
int
moderate_verb_byemoderator(struct site *site, int argc, char **argv,
    struct buf *why)
{
	return moderate_verb_moderator(site, argc, argv, 0, why);
}

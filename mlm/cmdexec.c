/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	cmdexec - carrying out the commands of one command mail
 * SYNOPSIS
 *	#include "cmdexec.h"
 * DESCRIPTION
 *	Who may do what:
 *
 *	anyone		help, guide, objective, subscribe, confirm
 *	members		unsubscribe, chaddr (of their own address), get,
 *			summary, on, off; members when use_members_command
 *	admin		"admin pass PW" then "admin subscribe ADDR",
 *			"admin unsubscribe ADDR", "admin chaddr OLD NEW",
 *			when use_admin_command_mail_function is set
 *
 *	subscribe, unsubscribe, chaddr, on and off only make a token
 *	(confirm.h) and send a confirmation request to the address they
 *	are about: to the sender for subscribe, to the old address for
 *	chaddr. "confirm CLASS TOKEN" then carries out the stored request
 *	for the stored address, whoever sends it; the token travelled
 *	only to that address. A confirmation request that is the whole
 *	answer to the sender is the reply itself, with the confirm line
 *	in its Subject and a Reply-To address that carries the token
 *	(command address, recipient delimiter, "confirm-CLASS-TOKEN").
 *	A mail to such an address confirms without any command in it.
 *
 *	help, guide, objective, summary and members are answered once
 *	per mail; a repetition is told to look above. Mail from one of
 *	the list's own addresses (or owner-NAME...) is not answered.
 *
 *	get sends at most command_get_limit articles and about
 *	command_get_size bytes of them per mail, as message/rfc822 parts.
 *	The admin password is checked with crypt(3) against
 *	etc/passwd-admin ("address hash" lines, fml8's file): any hash
 *	the C library can check, so that DES and MD5 hashes carried over
 *	from fml4 keep working; new ones should be SHA-512.
 * BUGS
 *	The results are in the reply's language only; the transcript of
 *	an admin mail does not go to the maintainer.
 */

#include <crypt.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "cmdexec.h"
#include "cmdparse.h"
#include "confirm.h"
#include "db.h"
#include "moderate.h"
#include "msg.h"
#include "post.h"
#include "reply.h"
#include "restrict.h"
#include "site.h"
#include "spool.h"
#include "store.h"
#include "xmem.h"

#define CX_CONFIRM_MAX	8
#define CX_SUMMARY_MAX	(64 * 1024)
#define CX_ECHO_MAX	200	/* bytes of a line repeated in the results */

#define CX_SHOWN_HELP		0x01	/* texts given once per mail */
#define CX_SHOWN_GUIDE		0x02
#define CX_SHOWN_OBJECTIVE	0x04
#define CX_SHOWN_SUMMARY	0x08
#define CX_SHOWN_MEMBERS	0x10

enum cx_text {
	T_HEAD, T_DONE, T_ALREADY, T_CONFIRM_SENT, T_UNKNOWN,
	T_TOKEN_UNKNOWN, T_TOKEN_EXPIRED, T_NOT_YOURS, T_DISABLED,
	T_NO_ARTICLE, T_ARTICLES, T_LIMIT, T_TRUNCATED, T_NOTHING,
	T_FAILED, T_SUBSCRIBED, T_UNSUBSCRIBED, T_CHADDR, T_ON, T_OFF,
	T_ADMIN_DENIED, T_ADMIN_OK, T_APPROVED, T_REJECTED, T_IN_USE,
	T_TOO_MANY, T_TAIL, T_SUBJECT, T_LAST, T_WELCOME, T_GOODBYE,
	T_SHOWN, T_DECLINED,
	T_NTEXTS
};

static const char *cx_texts[T_NTEXTS][2] = {
	[T_HEAD] = { "Results of your mail to %s:",
	    "%s へのメールの処理結果です。" },
	[T_DONE] = { "Done.", "完了しました。" },
	[T_ALREADY] = { "%s is a member already.",
	    "%s はすでにメンバーです。" },
	[T_CONFIRM_SENT] = { "A confirmation request was sent to %s; "
	    "reply to it to finish.", "%s に確認のメールを送りました。"
	    "返信すると手続きが完了します。" },
	[T_UNKNOWN] = { "Not understood. Send \"help\" for the commands.",
	    "理解できませんでした。help を送るとコマンドの説明が届きます。" },
	[T_TOKEN_UNKNOWN] = { "This confirmation code is unknown or was "
	    "used already. Send the command again for a new one.",
	    "この確認コードは見つからないか、すでに使われました。"
	    "もう一度コマンドを送ってください。" },
	[T_TOKEN_EXPIRED] = { "This confirmation code has expired. Send "
	    "the command again for a new one.", "この確認コードは期限切れです。"
	    "もう一度コマンドを送ってください。" },
	[T_NOT_YOURS] = { "You can change only your own address (%s).",
	    "変更できるのはご自身のアドレス (%s) だけです。" },
	[T_DISABLED] = { "This command is not enabled on this list.",
	    "このリストではこのコマンドは使えません。" },
	[T_NO_ARTICLE] = { "There is no article %ld.",
	    "記事 %ld はありません。" },
	[T_ARTICLES] = { "%zu article(s) attached.",
	    "記事 %zu 通を添付しました。" },
	[T_LIMIT] = { "Only %ld articles are sent per mail; ask again for "
	    "the rest.", "一通で送る記事は %ld 通までです。"
	    "残りはもう一度請求してください。" },
	[T_TRUNCATED] = { "Only the first %zu lines were read; the rest of "
	    "your mail was not.", "最初の %zu 行だけを読みました。"
	    "残りは読んでいません。" },
	[T_NOTHING] = { "No command was found in your mail. Send \"help\" "
	    "for the commands.", "コマンドが見つかりませんでした。"
	    "help を送るとコマンドの説明が届きます。" },
	[T_FAILED] = { "Failed: %s", "失敗しました: %s" },
	[T_SUBSCRIBED] = { "%s joined the list.",
	    "%s がリストに参加しました。" },
	[T_UNSUBSCRIBED] = { "%s left the list.",
	    "%s がリストから退会しました。" },
	[T_CHADDR] = { "%s was changed to %s.",
	    "%s を %s に変更しました。" },
	[T_ON] = { "Posts go to %s again.", "%s への配送を再開しました。" },
	[T_OFF] = { "Posts no longer go to %s.",
	    "%s への配送を止めました。" },
	[T_ADMIN_DENIED] = { "Admin commands are not accepted.",
	    "管理コマンドは受け付けられません。" },
	[T_ADMIN_OK] = { "Password accepted.",
	    "パスワードを確認しました。" },
	[T_APPROVED] = { "The post %s was approved and distributed.",
	    "投稿 %s を承認し、配送しました。" },
	[T_REJECTED] = { "The post %s was refused; its sender was told.",
	    "投稿 %s を却下し、投稿者に知らせました。" },
	[T_IN_USE] = { "%s is a member already; it cannot be the new "
	    "address.", "%s はすでにメンバーなので、新しいアドレスに"
	    "できません。" },
	[T_TOO_MANY] = { "Too many requests in one mail.",
	    "一通のメールでの依頼が多すぎます。" },
	[T_TAIL] = { "Commands: %ld done, %ld failed, %ld not understood.",
	    "コマンド: 成功 %ld, 失敗 %ld, 不明 %ld" },
	[T_LAST] = { "The last article is %ld.",
	    "最新の記事は %ld 番です。" },
	[T_WELCOME] = { "Welcome to %s", "%s へようこそ" },
	[T_GOODBYE] = { "Goodbye from %s", "%s から退会しました" },
	[T_SHOWN] = { "Answered above already.",
	    "すでに上で答えました。" },
	[T_DECLINED] = { "You said no: nothing was changed, and the request "
	    "is cancelled.", "お断りの返信でしたので、何も変更せず、"
	    "依頼を取り消しました。" },
	[T_SUBJECT] = { "Results of your mail to %s",
	    "%s からの返信" },
};

struct cx_confirm {
	char		 klass[16];
	char		 tok[CONFIRM_TOKEN_MAX];
	char		*addr;
};

struct cx {
	struct ml	*ml;
	struct db	*db;
	struct store	*st;
	struct post	*post;
	const struct cmdparse *r;
	const char	*sender;
	const char	*lang;
	struct buf	*out;
	struct buf	*why;
	struct buf	**parts;
	size_t		 nparts;
	size_t		 partbytes;
	struct cx_confirm conf[CX_CONFIRM_MAX];
	size_t		 nconf;
	unsigned	 shown;		/* texts in the results already */
	int		 admin;
	int		 reject;
	int		 declined;	/* a reply saying "no" to a request */
	int		 tempfail;
	long		 ok;
	long		 failed;
	long		 unknown;
};

/* cx_t - a text in the reply's language */
static const char *
cx_t(struct cx *x, enum cx_text t)
{
	return cx_texts[t][strcmp(x->lang, "ja") == 0];
}

/* cx_say - one line of results */
static void
cx_say(struct cx *x, enum cx_text t, ...)
{
	va_list	 ap;

	va_start(ap, t);
	buf_vprintf(x->out, cx_t(x, t), ap);
	va_end(ap);
	buf_putc(x->out, '\n');
}

/* cx_once - 1 the first time a text is asked for, else says so */
static int
cx_once(struct cx *x, unsigned bit)
{
	if (x->shown & bit) {
		cx_say(x, T_SHOWN);
		x->ok++;
		return 0;
	}
	x->shown |= bit;
	return 1;
}

/* cx_fail - a failure caused by the list's data: reported and kept */
static void
cx_fail(struct cx *x, int status)
{
	if (status == EX_TEMPFAIL)
		x->tempfail = 1;
	msg_warn("command from %s: %s", x->sender, x->why->data);
	cx_say(x, T_FAILED, x->why->data);
	x->failed++;
}

/* cx_member - whether addr is a member or recipient of the list */
static int
cx_member(struct cx *x, const char *addr, struct store_rec *rec)
{
	struct addr_match m;
	struct store_rec tmp;
	int	 status;

	restrict_match_options(x->ml->cfg, &m);
	status = store_find(x->st, addr, STORE_MEMBER | STORE_RECIPIENT |
	    STORE_ADMIN, &m, rec ? rec : &tmp, x->why);
	if (rec == NULL)
		store_rec_clear(&tmp);
	if (status != 0 && status != STORE_NOTFOUND) {
		cx_fail(x, status);
		return -1;
	}
	return status == 0;
}

/* cx_template - a template into the results */
static void
cx_template(struct cx *x, const char *name)
{
	struct buf *t = buf_alloc(2048);

	if (reply_template(x->ml, x->lang, name, t) != 0)
		msg_warn("template %s/%s missing", x->lang, name);
	buf_append(x->out, t->data, t->len);
	t = buf_free(t);
}

/* cx_not_member - the not-member text for an address */
static void
cx_not_member(struct cx *x, const char *addr)
{
	reply_set_var(x->ml, "request_address", addr);
	cx_template(x, "not-member");
	x->failed++;
}

/* cx_need_member - the sender must be a member; 1 when so */
static int
cx_need_member(struct cx *x)
{
	int	 m = cx_member(x, x->sender, NULL);

	if (m == 0)
		cx_not_member(x, x->sender);
	return m == 1;
}

/* cx_request - make a token and note the confirmation request */
static void
cx_request(struct cx *x, const char *klass, const char *addr,
    const char *arg)
{
	struct cx_confirm *c;
	int	 status;

	if (x->nconf == CX_CONFIRM_MAX) {
		cx_say(x, T_TOO_MANY);
		x->failed++;
		return;
	}
	c = &x->conf[x->nconf];
	if ((status = confirm_create(x->db, klass, addr, arg, c->tok,
	    x->why)) != 0) {
		cx_fail(x, status);
		return;
	}
	snprintf(c->klass, sizeof(c->klass), "%s", klass);
	c->addr = xstrdup(addr);
	x->nconf++;
	msg_info("confirmation %s requested for %s by %s", klass, addr,
	    x->sender);
	cx_say(x, T_CONFIRM_SENT, addr);
	x->ok++;
}

/* cx_subscribe - ask for confirmation of a subscription */
static void
cx_subscribe(struct cx *x)
{
	int	 m = cx_member(x, x->sender, NULL);

	if (m < 0)
		return;
	if (m == 1) {
		cx_say(x, T_ALREADY, x->sender);
		x->failed++;
		return;
	}
	cx_request(x, "subscribe", x->sender, "");
}

/* cx_chaddr - ask the old address to confirm a change */
static void
cx_chaddr(struct cx *x, const struct cmdparse_item *it)
{
	struct addr_match m;
	struct store_rec rec = { 0 };
	char	*arg;
	int	 in_use;

	restrict_match_options(x->ml->cfg, &m);
	if (!addr_same(it->argv[0], x->sender, &m)) {
		cx_say(x, T_NOT_YOURS, x->sender);
		x->failed++;
		return;
	}
	if (cx_member(x, it->argv[0], &rec) != 1) {
		if (!x->tempfail)
			cx_not_member(x, it->argv[0]);
		return;
	}
	if ((in_use = cx_member(x, it->argv[1], NULL)) != 0) {
		if (in_use == 1)
			cx_say(x, T_IN_USE, it->argv[1]);
		x->failed += in_use == 1;
		store_rec_clear(&rec);
		return;
	}
	arg = xstrdup(it->argv[1]);
	cx_request(x, "chaddr", rec.addr, arg);
	arg = xfree(arg);
	store_rec_clear(&rec);
}

/* cx_member_request - unsubscribe, on, off: confirmation by the member */
static void
cx_member_request(struct cx *x, const char *klass)
{
	struct store_rec rec = { 0 };

	if (cx_member(x, x->sender, &rec) != 1) {
		if (!x->tempfail)
			cx_not_member(x, x->sender);
		return;
	}
	cx_request(x, klass, rec.addr, "");
	store_rec_clear(&rec);
}

/* cx_notice - a text mail to someone other than the sender */
static void
cx_notice(struct cx *x, const char *to, const char *tmpl,
    const char *subject)
{
	struct buf *t = buf_alloc(1024);
	struct buf *why = buf_alloc(128);
	int	 over = 0;
	struct reply r = {
		.to = to,
		.subject = subject,
		.lang = x->lang,
	};

	if (reply_rate(x->db, to, cfg_long(x->ml->cfg,
	    "command_reply_limit", 10), &over, why) != 0 || over) {
		msg_info("%s to %s not sent: %s", tmpl, to, over ?
		    "reply limit reached" : why->data);
		goto out;
	}
	reply_template(x->ml, x->lang, tmpl, t);
	r.text = t->data;
	if (reply_send(x->ml, x->db, x->st, &r, why) != 0)
		msg_warn("%s to %s not queued: %s", tmpl, to, why->data);
out:
	t = buf_free(t);
	why = buf_free(why);
}

/* cx_apply - carry out a confirmed request */
static int
cx_apply(struct cx *x, const struct confirm_rec *c)
{
	char	*subj;
	int	 status;

	if (strcmp(c->klass, "subscribe") == 0) {
		status = store_add(x->st, c->addr, STORE_MEMBER |
		    STORE_RECIPIENT, x->why);
		if (status != 0 && status != STORE_UNCHANGED)
			return status;
		cx_say(x, T_SUBSCRIBED, c->addr);
		subj = xasprintf(cx_t(x, T_WELCOME), x->ml->address);
		cx_notice(x, c->addr, "welcome", subj);
	} else if (strcmp(c->klass, "unsubscribe") == 0) {
		status = store_remove(x->st, c->addr, STORE_MEMBER |
		    STORE_RECIPIENT | STORE_DIGEST | STORE_OFF, x->why);
		if (status != 0 && status != STORE_UNCHANGED)
			return status;
		cx_say(x, T_UNSUBSCRIBED, c->addr);
		subj = xasprintf(cx_t(x, T_GOODBYE), x->ml->address);
		cx_notice(x, c->addr, "goodbye", subj);
	} else if (strcmp(c->klass, "chaddr") == 0) {
		if ((status = store_chaddr(x->st, c->addr, c->arg,
		    x->why)) != 0 && status != STORE_UNCHANGED)
			return status;
		cx_say(x, T_CHADDR, c->addr, c->arg);
		return 0;
	} else if (strcmp(c->klass, "on") == 0 ||
	    strcmp(c->klass, "off") == 0) {
		int	 off = strcmp(c->klass, "off") == 0;

		status = store_set_attr(x->st, c->addr, off ? STORE_OFF : 0,
		    off ? 0 : STORE_OFF, NULL, x->why);
		if (status != 0 && status != STORE_UNCHANGED)
			return status;
		cx_say(x, off ? T_OFF : T_ON, c->addr);
		return 0;
	} else {
		BUF_WHY(x->why, "unknown request %s", c->klass);
		return EX_DATAERR;
	}
	subj = xfree(subj);
	return 0;
}

/* cx_moderated - approve or refuse a post held for moderation */
static int
cx_moderated(struct cx *x, const struct confirm_rec *c)
{
	int	 status;

	if (x->reject) {
		if ((status = moderate_reject(x->ml, x->db, x->st, c->arg,
		    x->lang, x->why)) != 0)
			return status;
		msg_info("moderation: %s rejected by %s", c->arg, x->sender);
		cx_say(x, T_REJECTED, c->arg);
		return 0;
	}
	if ((status = moderate_approve(x->ml, x->db, x->st, c->arg,
	    x->why)) != 0)
		return status;
	msg_info("moderation: %s approved by %s", c->arg, x->sender);
	cx_say(x, T_APPROVED, c->arg);
	return 0;
}

/* cx_confirm - use a token */
static void
cx_confirm(struct cx *x, const char *klass, const char *tok)
{
	struct confirm_rec c;
	long	 life = cfg_long(x->ml->cfg, "confirm_lifetime", 14) * 86400;
	int	 status;

	status = confirm_take(x->db, tok, klass, life, &c, x->why);
	if (status == CONFIRM_UNKNOWN || status == CONFIRM_EXPIRED) {
		msg_info("confirm %s from %s: %s token", klass, x->sender,
		    status == CONFIRM_UNKNOWN ? "unknown" : "expired");
		cx_say(x, status == CONFIRM_UNKNOWN ? T_TOKEN_UNKNOWN :
		    T_TOKEN_EXPIRED);
		x->failed++;
		confirm_rec_clear(&c);
		return;
	}
	if (status != 0) {
		cx_fail(x, status);
		return;
	}
	if (x->declined && strcmp(c.klass, "moderate") != 0) {
		msg_info("%s for %s declined by %s", c.klass, c.addr,
		    x->sender);
		cx_say(x, T_DECLINED);
		x->ok++;
		confirm_rec_clear(&c);
		return;
	}
	status = strcmp(c.klass, "moderate") == 0 ? cx_moderated(x, &c) :
	    cx_apply(x, &c);
	if (status != 0) {
		cx_fail(x, status);
	} else {
		msg_info("confirmed %s for %s (from %s)", c.klass, c.addr,
		    x->sender);
		x->ok++;
	}
	confirm_rec_clear(&c);
}

/* cx_article - attach article n; 0, or why not */
static int
cx_article(struct cx *x, long n, long max)
{
	struct buf *a;

	if ((long)x->nparts >= max || x->partbytes >= (size_t)cfg_long(
	    x->ml->cfg, "command_get_size", 5000000))
		return T_LIMIT;
	a = buf_alloc(4096);
	if (spool_read(x->ml, n, a, x->why) != 0) {
		a = buf_free(a);
		return T_NO_ARTICLE;
	}
	x->parts = xrealloc(x->parts, (x->nparts + 1) * sizeof(*x->parts));
	x->parts[x->nparts++] = a;
	x->partbytes += a->len;
	return 0;
}

/* cx_range - the first and last number of one range element */
static void
cx_range(const char *s, size_t n, long last, long *from, long *to)
{
	char	 tmp[32];
	char	*dash;

	snprintf(tmp, sizeof(tmp), "%.*s", (int)(n < 31 ? n : 31), s);
	if (strncasecmp(tmp, "last:", 5) == 0) {
		*to = last;
		*from = last - strtol(tmp + 5, NULL, 10) + 1;
	} else if ((dash = strchr(tmp, '-')) != NULL) {
		*from = strtol(tmp, NULL, 10);
		*to = strtol(dash + 1, NULL, 10);
	} else {
		*from = *to = strtol(tmp, NULL, 10);
	}
	if (*from < 1)
		*from = 1;
}

/* cx_get - articles as message/rfc822 parts */
static void
cx_get(struct cx *x, const char *spec)
{
	long	 max = cfg_long(x->ml->cfg, "command_get_limit", 20);
	long	 last = 0, from, to, n, misses = 0;
	size_t	 before = x->nparts, len;
	const char *s = spec, *e;
	int	 why = 0, status;

	if ((status = spool_seq_read(x->ml, &last, x->why)) != 0) {
		cx_fail(x, status);
		return;
	}
	while (why != T_LIMIT) {
		e = strchr(s, ',');
		len = e ? (size_t)(e - s) : strlen(s);
		cx_range(s, len, last, &from, &to);
		if (to > last) {
			cx_say(x, T_LAST, last);
			to = last;
		}
		for (n = from; n <= to && why != T_LIMIT; n++)
			if ((why = cx_article(x, n, max)) == T_NO_ARTICLE &&
			    misses++ < max)
				cx_say(x, T_NO_ARTICLE, n);
		if (e == NULL)
			break;
		s = e + 1;
	}
	if (why == T_LIMIT)
		cx_say(x, T_LIMIT, max);
	cx_say(x, T_ARTICLES, x->nparts - before);
	if (x->nparts > before)
		x->ok++;
	else
		x->failed++;
}

/* cx_summary - the summary file, its end when it is long */
static void
cx_summary(struct cx *x)
{
	const char *path = ml_get(x->ml, "summary_file");
	char	 chunk[4096];
	size_t	 n, start;
	struct buf *b;
	FILE	*fp;

	if (!cx_once(x, CX_SHOWN_SUMMARY))
		return;
	b = buf_alloc(4096);
	if ((fp = fopen(path, "r")) != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_append(b, chunk, n);
		fclose(fp);
	}
	start = b->len > CX_SUMMARY_MAX ? b->len - CX_SUMMARY_MAX : 0;
	while (start > 0 && start < b->len && b->data[start - 1] != '\n')
		start++;
	buf_append(x->out, b->data + start, b->len - start);
	x->ok++;
	b = buf_free(b);
}

/* cx_members_one - one member's address into the results */
static int
cx_members_one(const struct store_rec *rec, void *arg)
{
	struct buf *out = arg;

	if (rec->flags & (STORE_MEMBER | STORE_RECIPIENT))
		buf_printf(out, "%s\n", rec->addr);
	return 0;
}

/* cx_members - the list of members, when the list allows it */
static void
cx_members(struct cx *x)
{
	int	 status;

	if (!cfg_bool(x->ml->cfg, "use_members_command")) {
		cx_say(x, T_DISABLED);
		x->failed++;
		return;
	}
	if (!cx_need_member(x) || !cx_once(x, CX_SHOWN_MEMBERS))
		return;
	if ((status = store_walk(x->st, NULL, cx_members_one, x->out,
	    x->why)) != 0)
		cx_fail(x, status);
	else
		x->ok++;
}

/* cx_password - whether PW is the admin password of the sender */
static int
cx_password(struct cx *x, const char *pw)
{
	struct addr_match m;
	struct store_rec rec;
	char	 line[1024];
	char	*path = xasprintf("%s/etc/passwd-admin", x->ml->home);
	char	*a, *h, *sp;
	const char *c;
	int	 ok = 0;
	FILE	*fp;

	restrict_match_options(x->ml->cfg, &m);
	if (store_find(x->st, x->sender, STORE_ADMIN, &m, &rec, x->why) != 0) {
		path = xfree(path);
		return 0;
	}
	store_rec_clear(&rec);
	if ((fp = fopen(path, "r")) == NULL) {
		path = xfree(path);
		return 0;
	}
	while (!ok && fgets(line, sizeof(line), fp) != NULL) {
		if ((a = strtok_r(line, " \t\r\n", &sp)) == NULL ||
		    (h = strtok_r(NULL, " \t\r\n", &sp)) == NULL)
			continue;
		if (h[0] == '*' || h[0] == '!' || !addr_same(a, x->sender, &m))
			continue;
		c = crypt(pw, h);
		ok = c != NULL && c[0] != '*' && strcmp(c, h) == 0;
	}
	fclose(fp);
	path = xfree(path);
	return ok;
}

/* cx_admin - an admin command line */
static void
cx_admin(struct cx *x, const struct cmdparse_item *it)
{
	struct confirm_rec c = { 0 };
	const char *v = it->argv[0];
	int	 status;

	if (!cfg_bool(x->ml->cfg, "use_admin_command_mail_function")) {
		cx_say(x, T_DISABLED);
		x->failed++;
		return;
	}
	if (strcasecmp(v, "pass") == 0 || strcasecmp(v, "password") == 0) {
		x->admin = it->argc == 2 && cx_password(x, it->argv[1]);
		msg_info("admin password from %s %s", x->sender,
		    x->admin ? "accepted" : "refused");
		cx_say(x, x->admin ? T_ADMIN_OK : T_ADMIN_DENIED);
		x->ok += x->admin;
		x->failed += !x->admin;
		return;
	}
	if (!x->admin) {
		cx_say(x, T_ADMIN_DENIED);
		x->failed++;
		return;
	}
	if ((strcasecmp(v, "subscribe") == 0 || strcasecmp(v, "add") == 0 ||
	    strcasecmp(v, "unsubscribe") == 0 || strcasecmp(v, "bye") == 0)
	    && it->argc == 2 && addr_valid(it->argv[1], NULL) == 0) {
		c.klass = (char *)(tolower((unsigned char)v[0]) == 'u' ||
		    tolower((unsigned char)v[0]) == 'b' ? "unsubscribe" :
		    "subscribe");
		c.addr = it->argv[1];
	} else if (strcasecmp(v, "chaddr") == 0 && it->argc == 3 &&
	    addr_valid(it->argv[1], NULL) == 0 &&
	    addr_valid(it->argv[2], NULL) == 0) {
		c.klass = (char *)"chaddr";
		c.addr = it->argv[1];
		c.arg = it->argv[2];
	} else {
		cx_say(x, T_UNKNOWN);
		x->unknown++;
		return;
	}
	msg_info("admin %s %s by %s", c.klass, c.addr, x->sender);
	if ((status = cx_apply(x, &c)) != 0)
		cx_fail(x, status);
	else
		x->ok++;
}

/* cx_one - one command */
static void
cx_one(struct cx *x, const struct cmdparse_item *it)
{
	const char *v = it->verb;

	if (strcmp(v, "help") == 0 || strcmp(v, "guide") == 0 ||
	    strcmp(v, "objective") == 0) {
		if (cx_once(x, v[0] == 'h' ? CX_SHOWN_HELP : v[0] == 'g' ?
		    CX_SHOWN_GUIDE : CX_SHOWN_OBJECTIVE)) {
			cx_template(x, v);
			x->ok++;
		}
	} else if (strcmp(v, "subscribe") == 0)
		cx_subscribe(x);
	else if (strcmp(v, "confirm") == 0)
		cx_confirm(x, it->argv[0], it->argv[1]);
	else if (strcmp(v, "admin") == 0)
		cx_admin(x, it);
	else if (strcmp(v, "members") == 0)
		cx_members(x);
	else if (!cx_need_member(x))
		return;
	else if (strcmp(v, "unsubscribe") == 0 || strcmp(v, "on") == 0 ||
	    strcmp(v, "off") == 0)
		cx_member_request(x, v);
	else if (strcmp(v, "chaddr") == 0)
		cx_chaddr(x, it);
	else if (strcmp(v, "get") == 0)
		cx_get(x, it->argv[0]);
	else if (strcmp(v, "summary") == 0)
		cx_summary(x);
}

/* cx_extension - a confirm command in the recipient address, if any */
static int
cx_extension(struct cx *x, char *klass, size_t ksize, char *tok,
    size_t tsize)
{
	const char *delim = ml_get(x->ml, "confirm_reply_delimiter");
	const char *rcpt = getenv("ORIGINAL_RECIPIENT");
	const char *p, *at, *dash;
	char	 want[96];

	if (rcpt == NULL || *rcpt == '\0')
		rcpt = getenv("RECIPIENT");
	if (rcpt == NULL || delim == NULL || *delim == '\0')
		return 0;
	snprintf(want, sizeof(want), "%sconfirm-", delim);
	if ((p = strstr(rcpt, want)) == NULL || (at = strchr(p, '@')) ==
	    NULL)
		return 0;
	p += strlen(want);
	if ((dash = memchr(p, '-', (size_t)(at - p))) == NULL ||
	    (size_t)(dash - p) >= ksize || (size_t)(at - dash - 1) >= tsize)
		return 0;
	snprintf(klass, ksize, "%.*s", (int)(dash - p), p);
	snprintf(tok, tsize, "%.*s", (int)(at - dash - 1), dash + 1);
	return 1;
}

/* cx_reject_word - whether a line of the mail says "reject" */
static int
cx_reject_word(const struct cmdparse *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->item[i].kind == CMDPARSE_UNKNOWN &&
		    strcasecmp(r->item[i].line, "reject") == 0)
			return 1;
	return 0;
}

/* cx_no_word - whether a line is a plain "no" to a request */
static int
cx_no_word(const char *line)
{
	static const char *const no[] = { "no", "no thanks", "no, thanks",
	    "no thank you", "cancel", "decline", "いいえ", "不要です",
	    "不要", NULL };
	char	 w[64];
	size_t	 n, i;

	for (n = 0; line[n] != '\0' && n < sizeof(w) - 1; n++)
		w[n] = (char)tolower((unsigned char)line[n]);
	while (n > 0 && strchr(" .!。", w[n - 1]) != NULL)
		n--;
	w[n] = '\0';
	for (i = 0; no[i] != NULL; i++)
		if (strcmp(w, no[i]) == 0)
			return 1;
	return 0;
}

/* cx_declined - whether the mail's first unknown line says "no" */
static int
cx_declined(const struct cmdparse *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (r->item[i].kind == CMDPARSE_UNKNOWN)
			return cx_no_word(r->item[i].line);
	return 0;
}

/* cx_password_word - the "pass" word of an admin password line, or NULL */
static const char *
cx_password_word(const char *line, size_t *len)
{
	const char *p = line + (*line == '#');

	p += strspn(p, " \t");
	if (strncasecmp(p, "admin", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
		return NULL;
	p += 5;
	p += strspn(p, " \t");
	*len = strcspn(p, " \t");
	if ((*len == 4 && strncasecmp(p, "pass", 4) == 0) ||
	    (*len == 8 && strncasecmp(p, "password", 8) == 0))
		return p;
	return NULL;
}

/* cx_echo - a line of the mail in the results; no password, not long */
static void
cx_echo(struct cx *x, const struct cmdparse_item *it)
{
	const char *pw;
	size_t	 n;

	if ((pw = cx_password_word(it->line, &n)) != NULL)
		buf_printf(x->out, ">>> admin %.*s ********\n", (int)n, pw);
	else if ((n = strlen(it->line)) <= CX_ECHO_MAX)
		buf_printf(x->out, ">>> %s\n", it->line);
	else {
		for (n = CX_ECHO_MAX; n > 0 &&
		    ((unsigned char)it->line[n] & 0xc0) == 0x80; n--)
			;
		buf_printf(x->out, ">>> %.*s...\n", (int)n, it->line);
	}
}

/* cx_run - every item, then the closing lines */
static void
cx_run(struct cx *x)
{
	const struct cmdparse *r = x->r;
	char	 klass[16], tok[CONFIRM_TOKEN_MAX];
	size_t	 i;
	int	 any = 0;

	buf_printf(x->out, cx_t(x, T_HEAD), x->ml->address);
	buf_puts(x->out, "\n\n");
	x->reject = cx_reject_word(r);
	x->declined = cx_declined(r);
	for (i = 0; i < r->n; i++)
		if (r->item[i].kind == CMDPARSE_COMMAND &&
		    strcmp(r->item[i].verb, "confirm") == 0)
			any = 1;
	if (!any && cx_extension(x, klass, sizeof(klass), tok,
	    sizeof(tok))) {
		buf_printf(x->out, ">>> confirm %s %s\n", klass, tok);
		cx_confirm(x, klass, tok);
		buf_putc(x->out, '\n');
		any = 1;
	}
	for (i = 0; i < r->n; i++) {
		const struct cmdparse_item *it = &r->item[i];

		cx_echo(x, it);
		if (it->kind == CMDPARSE_UNKNOWN) {
			if (!(x->reject && strcasecmp(it->line, "reject") ==
			    0) && !(x->declined && cx_no_word(it->line))) {
				cx_say(x, T_UNKNOWN);
				x->unknown++;
			}
		} else {
			cx_one(x, it);
			any = 1;
		}
		buf_putc(x->out, '\n');
	}
	if (r->truncated)
		cx_say(x, T_TRUNCATED, r->lines);
	if (!any)
		cx_say(x, T_NOTHING);
	if (r->truncated || !any)
		buf_putc(x->out, '\n');
	buf_printf(x->out, cx_t(x, T_TAIL), x->ok, x->failed, x->unknown);
	buf_putc(x->out, '\n');
}

/* cx_confirm_mail - the confirmation request, and the results if given */
static void
cx_confirm_mail(struct cx *x, const struct cx_confirm *c,
    const char *results)
{
	struct buf *t = buf_alloc(2048);
	struct buf *why = buf_alloc(128);
	const char *delim = ml_get(x->ml, "confirm_reply_delimiter");
	const char *ctl = ml_get(x->ml, "command_mail_address");
	const char *at = strrchr(ctl, '@');
	char	*cmd, *rt = NULL;
	struct reply r = {
		.to = c->addr,
		.lang = x->lang,
		.in_reply_to = x->post->msgid,
	};

	cmd = xasprintf("confirm %s %s", c->klass, c->tok);
	if (delim != NULL && *delim != '\0' && at != NULL)
		rt = xasprintf("%.*s%sconfirm-%s-%s%s", (int)(at - ctl), ctl,
		    delim, c->klass, c->tok, at);
	reply_set_var(x->ml, "confirm_command", cmd);
	reply_set_var(x->ml, "confirm_class", c->klass);
	reply_set_var(x->ml, "confirm_address", c->addr);
	reply_set_var(x->ml, "confirm_days", ml_get(x->ml,
	    "confirm_lifetime"));
	reply_template(x->ml, x->lang, "confirm", t);
	if (results != NULL) {
		buf_puts(t, "\n");
		buf_puts(t, results);
	}
	r.subject = cmd;
	r.text = t->data;
	r.reply_to = rt;
	if (reply_send(x->ml, x->db, x->st, &r, why) != 0)
		msg_warn("confirmation to %s not queued: %s", c->addr,
		    why->data);
	cmd = xfree(cmd);
	rt = xfree(rt);
	t = buf_free(t);
	why = buf_free(why);
}

/* cx_reply - the results to the sender, and the confirmation requests */
static void
cx_reply(struct cx *x)
{
	struct addr_match m;
	struct buf *why = buf_alloc(128);
	char	*subj;
	size_t	 i;
	struct reply r = {
		.to = x->sender,
		.lang = x->lang,
		.in_reply_to = x->post->msgid,
		.parts = x->parts,
		.nparts = x->nparts,
	};

	restrict_match_options(x->ml->cfg, &m);
	if (x->nconf == 1 && x->nparts == 0 &&
	    addr_same(x->conf[0].addr, x->sender, &m)) {
		cx_confirm_mail(x, &x->conf[0], x->out->data);
		goto out;
	}
	for (i = 0; i < x->nconf; i++)
		cx_confirm_mail(x, &x->conf[i], NULL);
	subj = xasprintf(cx_t(x, T_SUBJECT), x->ml->address);
	r.subject = subj;
	r.text = x->out->data;
	if (reply_send(x->ml, x->db, x->st, &r, why) != 0)
		msg_warn("reply to %s not queued: %s", x->sender, why->data);
	else
		msg_info("reply sent to %s: %ld done, %ld failed, %ld unknown",
		    x->sender, x->ok, x->failed, x->unknown);
	subj = xfree(subj);
out:
	why = buf_free(why);
}

/* cx_clear - release what the run made */
static void
cx_clear(struct cx *x)
{
	size_t	 i;

	for (i = 0; i < x->nparts; i++)
		x->parts[i] = buf_free(x->parts[i]);
	x->parts = xfree(x->parts);
	for (i = 0; i < x->nconf; i++)
		x->conf[i].addr = xfree(x->conf[i].addr);
	x->out = buf_free(x->out);
	x->st = store_close(x->st);
	x->db = db_close(x->db);
}

/* cx_own_address - whether addr is one of the list's own addresses */
static int
cx_own_address(struct ml *ml, const char *addr)
{
	static const char *own[] = { "article_post_address",
	    "command_mail_address", "request_mail_address",
	    "error_mail_address" };
	const char *v;
	size_t	 i, n = strlen(ml->name);

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if ((v = ml_get(ml, own[i])) != NULL &&
		    strcasecmp(v, addr) == 0)
			return 1;
	return strncasecmp(addr, "owner-", 6) == 0 &&
	    strncasecmp(addr + 6, ml->name, n) == 0 &&
	    (addr[6 + n] == '@' || addr[6 + n] == '-');
}

/* cmdexec_mail - carry out a command mail and answer it */
int
cmdexec_mail(struct ml *ml, struct post *post, const struct cmdparse *r,
    struct buf *why)
{
	struct cx x = {
		.ml = ml,
		.post = post,
		.r = r,
		.why = why,
		.sender = post->sender ? post->sender : post->envelope,
	};
	long	 expired;
	int	 over = 0, status;

	if (x.sender == NULL || addr_valid(x.sender, NULL) != 0) {
		msg_info("command mail not answered: no usable sender");
		return 0;
	}
	if (cx_own_address(ml, x.sender)) {
		msg_info("command mail from %s not answered: the list's own "
		    "address", x.sender);
		return 0;
	}
	if ((status = db_open(ml_get(ml, "db_dir"), (size_t)cfg_long(ml->cfg,
	    "db_map_size", 0), &x.db, why)) != 0 ||
	    (status = store_open(x.db, &x.st, why)) != 0) {
		msg_error("%s", why->data);
		cx_clear(&x);
		return EX_TEMPFAIL;
	}
	if ((status = reply_rate(x.db, x.sender, cfg_long(ml->cfg,
	    "command_reply_limit", 10), &over, why)) != 0 || over) {
		if (over)
			msg_info("command mail from %s not answered: reply "
			    "limit reached", x.sender);
		else
			msg_error("%s", why->data);
		cx_clear(&x);
		return over ? 0 : EX_TEMPFAIL;
	}
	if (moderate_expire(ml, x.db, cfg_long(ml->cfg,
	    "isolated_queue_lifetime", 14) * 86400, &expired, why) == 0 &&
	    expired > 0)
		msg_info("%ld isolated posts expired", expired);
	x.lang = reply_language(ml, &post->hdr, post->mime);
	x.out = buf_alloc(4096);
	cx_run(&x);
	cx_reply(&x);
	if (confirm_expire(x.db, cfg_long(ml->cfg, "confirm_lifetime", 14) *
	    86400, &expired, why) == 0 && expired > 0)
		msg_info("%ld confirmation codes expired", expired);
	if (x.tempfail)
		msg_warn("command mail from %s: some commands failed for "
		    "now; the sender was told", x.sender);
	cx_clear(&x);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	reply - the list's answers to command mail, and their texts
 * SYNOPSIS
 *	#include "reply.h"
 * DESCRIPTION
 *	Header words are RFC 2047 B-words in the charset of the body,
 *	each converted on its own so that an ISO-2022-JP word ends in
 *	ASCII. Attached mails are copied as they are stored, line ends
 *	LF, with a 7bit or 8bit transfer encoding as their bytes need.
 * DIAGNOSTICS
 *	reply_template(): EX_CONFIG when no template file can be read.
 * BUGS
 *	Only en and ja are known; another language gets en.
 */

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "hdr.h"
#include "msg.h"
#include "paths.h"
#include "queue.h"
#include "reply.h"
#include "xmem.h"

#define REPLY_WORD_BYTES	36	/* UTF-8 bytes per encoded word */
#define REPLY_TEMPLATE_MAX	(256 * 1024)

/* reply_lang_of - "ja", "en" or NULL for a language tag */
static const char *
reply_lang_of(const char *tag, size_t n)
{
	if (n >= 2 && strncasecmp(tag, "ja", 2) == 0 &&
	    (n == 2 || tag[2] == '-' || tag[2] == '_'))
		return "ja";
	if (n >= 2 && strncasecmp(tag, "en", 2) == 0 &&
	    (n == 2 || tag[2] == '-' || tag[2] == '_'))
		return "en";
	return NULL;
}

/* reply_first_text - the first text part, depth first, or NULL */
static GMimeObject *
reply_first_text(GMimeObject *obj, int depth)
{
	GMimeObject *found = NULL;
	int	 i, n;

	if (obj == NULL || depth > 32)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && found == NULL; i++)
			found = reply_first_text(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1);
		return found;
	}
	return GMIME_IS_TEXT_PART(obj) ? obj : NULL;
}

/* reply_charset_lang - "ja" for a Japanese charset, else NULL */
static const char *
reply_charset_lang(GMimeMessage *mime)
{
	static const char *ja[] = {
		"iso-2022-jp", "euc-jp", "shift_jis", "sjis", "cp932",
		"windows-31j", "x-sjis", "iso-2022-jp-2",
	};
	GMimeObject *part;
	const char *cs;
	size_t	 i;

	if (mime == NULL)
		return NULL;
	part = reply_first_text(g_mime_message_get_mime_part(mime), 0);
	if (part == NULL)
		return NULL;
	cs = g_mime_object_get_content_type_parameter(part, "charset");
	for (i = 0; cs != NULL && i < sizeof(ja) / sizeof(ja[0]); i++)
		if (strcasecmp(cs, ja[i]) == 0)
			return "ja";
	return NULL;
}

/* reply_language - the language of a reply to this mail */
const char *
reply_language(struct ml *ml, const struct hdr *h, GMimeMessage *mime)
{
	const char *set = ml_get(ml, "language");
	const char *v, *l;
	char	*s;
	size_t	 n;

	if (set != NULL && (l = reply_lang_of(set, strlen(set))) != NULL)
		return l;
	if (h != NULL && (v = hdr_get(h, "Accept-Language")) != NULL) {
		s = hdr_unfold(v);
		v = s + strspn(s, " \t");
		n = strcspn(v, " \t,;");
		l = reply_lang_of(v, n);
		s = xfree(s);
		if (l != NULL)
			return l;
	}
	if ((l = reply_charset_lang(mime)) != NULL)
		return l;
	return "en";
}

/* reply_read - a whole small file into out; 0 when it could be read */
static int
reply_read(const char *path, struct buf *out)
{
	char	 chunk[4096];
	size_t	 n;
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
	    out->len < REPLY_TEMPLATE_MAX)
		buf_append(out, chunk, n);
	fclose(fp);
	return 0;
}

/* reply_template - the expanded text of a template */
int
reply_template(struct ml *ml, const char *lang, const char *name,
    struct buf *out)
{
	const char *dir = ml_get(ml, "template_dir");
	char	*paths[6];
	char	*expanded;
	int	 i, found = 0;

	paths[0] = xasprintf("%s/templates/%s/%s", ml->home, lang, name);
	paths[1] = ml_path(ml, name);
	paths[2] = dir && *dir ? xasprintf("%s/%s/%s", dir, lang, name) :
	    NULL;
	paths[3] = xasprintf("%s/templates/%s/%s", MLM_DATADIR, lang, name);
	paths[4] = dir && *dir ? xasprintf("%s/en/%s", dir, name) : NULL;
	paths[5] = xasprintf("%s/templates/en/%s", MLM_DATADIR, name);
	for (i = 0; i < 6 && !found; i++)
		if (paths[i] != NULL && reply_read(paths[i], out) == 0)
			found = 1;
	for (i = 0; i < 6; i++)
		paths[i] = xfree(paths[i]);
	if (!found) {
		buf_set(out, "(template %s/%s missing)\n", lang, name);
		return EX_CONFIG;
	}
	expanded = cfg_expand(ml->cfg, out->data);
	buf_set(out, "%s", expanded);
	expanded = xfree(expanded);
	return 0;
}

/* reply_set_var - a variable for the templates, taken literally */
void
reply_set_var(struct ml *ml, const char *name, const char *value)
{
	struct buf *b = buf_alloc(strlen(value) + 8);
	const char *p;

	for (p = value; *p; p++) {
		if (*p == '$')
			buf_putc(b, '$');
		buf_putc(b, (unsigned char)*p < 0x20 ? ' ' : *p);
	}
	cfg_declare(ml->cfg, name, b->data);
	b = buf_free(b);
}

/* reply_iconv - convert UTF-8 text; 0 when every character converted */
static int
reply_iconv(const char *charset, const char *in, size_t len,
    struct buf *out)
{
	iconv_t	 cd;
	char	*ip = (char *)in, *op;
	size_t	 il = len, ol, rc;
	int	 flush = 0, status = 0;

	buf_reset(out);
	if ((cd = iconv_open(charset, "UTF-8")) == (iconv_t)-1)
		return -1;
	buf_reserve(out, len * 2 + 16);
	for (;;) {
		op = out->data + out->len;
		ol = out->size - out->len - 1;
		rc = flush ? iconv(cd, NULL, NULL, &op, &ol) :
		    iconv(cd, &ip, &il, &op, &ol);
		out->len = (size_t)(op - out->data);
		if (rc == (size_t)-1 && errno == E2BIG) {
			buf_reserve(out, out->size * 2);
			continue;
		}
		if (rc == (size_t)-1) {
			status = -1;
			break;
		}
		if (flush)
			break;
		flush = 1;
	}
	out->data[out->len] = '\0';
	iconv_close(cd);
	return status;
}

/* reply_ascii - whether a string is 7-bit */
static int
reply_ascii(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* reply_clean - a header value without control characters */
static void
reply_clean(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ?
		    ' ' : *s);
}

/* reply_words - a header text as RFC 2047 words in charset */
static void
reply_words(struct buf *out, const char *text, const char *charset)
{
	struct buf *clean = buf_alloc(strlen(text) + 1);
	struct buf *conv = buf_alloc(128);
	const char *p;
	size_t	 left, take;
	gchar	*b64;

	reply_clean(clean, text);
	if (reply_ascii(clean->data, clean->len) ||
	    !g_utf8_validate(clean->data, -1, NULL)) {
		buf_printf(out, " %s", clean->data);
		goto out;
	}
	p = clean->data;
	left = clean->len;
	while (left > 0) {
		take = left < REPLY_WORD_BYTES ? left : REPLY_WORD_BYTES;
		while (take < left && ((unsigned char)p[take] & 0xc0) == 0x80)
			take--;
		if (strcasecmp(charset, "UTF-8") == 0 ||
		    reply_iconv(charset, p, take, conv) != 0) {
			b64 = g_base64_encode((const guchar *)p, take);
			buf_printf(out, "%s=?UTF-8?B?%s?=", p == clean->data ?
			    " " : "\n ", b64);
		} else {
			b64 = g_base64_encode((const guchar *)conv->data,
			    conv->len);
			buf_printf(out, "%s=?%s?B?%s?=", p == clean->data ?
			    " " : "\n ", charset, b64);
		}
		g_free(b64);
		p += take;
		left -= take;
	}
out:
	clean = buf_free(clean);
	conv = buf_free(conv);
}

/* reply_body - the text in its charset; the charset and encoding */
static void
reply_body(struct ml *ml, const struct reply *r, struct buf *body,
    const char **cs, const char **cte)
{
	const char *want = ml_get(ml, "reply_japanese_charset");
	size_t	 len = strlen(r->text);

	*cs = "us-ascii";
	*cte = "7bit";
	if (reply_ascii(r->text, len)) {
		buf_set(body, "%s", r->text);
		return;
	}
	if (strcmp(r->lang, "ja") == 0 && want != NULL &&
	    strcasecmp(want, "iso-2022-jp") == 0 &&
	    reply_iconv("ISO-2022-JP", r->text, len, body) == 0) {
		*cs = "ISO-2022-JP";
		return;
	}
	buf_set(body, "%s", r->text);
	*cs = "UTF-8";
	*cte = "8bit";
}

/* reply_attach - one mail as a message/rfc822 part */
static void
reply_attach(struct buf *out, const char *boundary, const struct buf *m)
{
	buf_printf(out, "\n--%s\nContent-Type: message/rfc822\n"
	    "Content-Disposition: inline\n"
	    "Content-Transfer-Encoding: %s\n\n", boundary,
	    reply_ascii(m->data, m->len) ? "7bit" : "8bit");
	buf_append(out, m->data, m->len);
	if (m->len > 0 && m->data[m->len - 1] != '\n')
		buf_putc(out, '\n');
}

/* reply_build - compose a reply */
void
reply_build(struct ml *ml, const struct reply *r, struct buf *out)
{
	struct buf *body = buf_alloc(strlen(r->text) + 64);
	const char *cs, *cte;
	char	 date[64], boundary[64];
	time_t	 now = time(NULL);
	size_t	 i;

	reply_body(ml, r, body, &cs, &cte);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
	    localtime(&now));
	snprintf(boundary, sizeof(boundary), "=_mlm_%lx_%lx_%x",
	    (unsigned long)now, (unsigned long)getpid(),
	    (unsigned)g_random_int());
	buf_printf(out, "From: %s\nTo: ", ml_get(ml, "maintainer"));
	reply_clean(out, r->to);
	buf_puts(out, "\nSubject:");
	reply_words(out, r->subject, strcmp(cs, "us-ascii") == 0 ?
	    "UTF-8" : cs);
	buf_printf(out, "\nDate: %s\nMessage-ID: <%ld.%ld.%x.reply.%s>\n",
	    date, (long)now, (long)getpid(), (unsigned)g_random_int(),
	    ml->address);
	if (r->in_reply_to != NULL && *r->in_reply_to != '\0') {
		buf_puts(out, "In-Reply-To: ");
		reply_clean(out, r->in_reply_to);
		buf_putc(out, '\n');
	}
	buf_puts(out, "Reply-To: ");
	reply_clean(out, r->reply_to ? r->reply_to :
	    ml_get(ml, "command_mail_address"));
	buf_printf(out, "\nAuto-Submitted: auto-replied\n"
	    "Precedence: junk\nX-ML-Name: %s\nMIME-Version: 1.0\n",
	    ml->name);
	if (r->nparts > 0)
		buf_printf(out, "Content-Type: multipart/mixed; "
		    "boundary=\"%s\"\n\nThis is a MIME message.\n\n--%s\n",
		    boundary, boundary);
	buf_printf(out, "Content-Type: text/plain; charset=%s\n"
	    "Content-Transfer-Encoding: %s\n\n", cs, cte);
	buf_append(out, body->data, body->len);
	if (body->len > 0 && body->data[body->len - 1] != '\n')
		buf_putc(out, '\n');
	for (i = 0; i < r->nparts; i++)
		reply_attach(out, boundary, r->parts[i]);
	if (r->nparts > 0)
		buf_printf(out, "\n--%s--\n", boundary);
	body = buf_free(body);
}

/* reply_send - queue a reply and try to deliver it now */
int
reply_send(struct ml *ml, struct db *db, struct store *st,
    const struct reply *r, struct buf *why)
{
	struct queue_stats stats = { .notify = msg_event };
	struct buf *msg;
	int	 status;

	msg = buf_alloc(4096);
	reply_build(ml, r, msg);
	status = queue_send_one(ml, db, st, msg->data, msg->len, r->to,
	    &stats, why);
	msg = buf_free(msg);
	return status;
}

/* reply_rate - count a reply to addr today (+ext ignored); *over past it */
int
reply_rate(struct db *db, const char *addr, long limit, int *over,
    struct buf *why)
{
	MDB_txn	*txn;
	MDB_val	 k, v;
	char	 today[16], val[48], old[48];
	char	*key = addr_key(addr);
	char	*at = strrchr(key, '@');
	char	*ext = strchr(key, '+');
	time_t	 now = time(NULL);
	long	 count = 0;
	int	 rc, status;

	*over = 0;
	if (ext != NULL && at != NULL && ext < at)
		memmove(ext, at, strlen(at) + 1);
	strftime(today, sizeof(today), "%Y%m%d", localtime(&now));
	if ((status = db_begin(db, 0, &txn, why)) != 0)
		goto out;
	k.mv_data = key;
	k.mv_size = strlen(key);
	rc = mdb_get(txn, db_dbi(db, DB_RATE), &k, &v);
	if (rc == 0 && v.mv_size < sizeof(old)) {
		memcpy(old, v.mv_data, v.mv_size);
		old[v.mv_size] = '\0';
		if (strncmp(old, today, 8) == 0 && old[8] == ' ')
			count = strtol(old + 9, NULL, 10);
	} else if (rc != 0 && rc != MDB_NOTFOUND) {
		db_abort(txn);
		status = db_fail(rc, "reply counters", why);
		goto out;
	}
	if (limit > 0 && count >= limit)
		*over = 1;
	snprintf(val, sizeof(val), "%s %ld", today, count + 1);
	v.mv_data = val;
	v.mv_size = strlen(val);
	if ((rc = mdb_put(txn, db_dbi(db, DB_RATE), &k, &v, 0)) != 0) {
		db_abort(txn);
		status = db_fail(rc, "reply counters", why);
		goto out;
	}
	status = db_commit(txn, why);
out:
	key = xfree(key);
	return status;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	bounce - find the failed recipients in a delivery report
 * SYNOPSIS
 *	#include "bounce.h"
 * DESCRIPTION
 *	The report is parsed with GMime. Parts of type
 *	message/delivery-status give the DSN fields; text parts before
 *	the returned message give the notice text, converted to UTF-8
 *	(ISO-2022-JP, EUC-JP, Shift_JIS and 8-bit text mislabelled as
 *	something else are recognised); message/rfc822 and
 *	text/rfc822-headers parts are the returned message, whose
 *	addresses are never failures, except that its To: recipient
 *	stands in when the report names the recipient only in a form the
 *	list did not use. When the MIME structure is broken (boundaries
 *	declared but never used), the whole body is read as text.
 *
 *	DSN: each per-recipient block gives one recipient, the
 *	Original-Recipient when present, else the Final-Recipient.
 *	"Action: failed" with a 5.x.x status is hard, with 4.x.x soft;
 *	other actions are no failure. The \x{HEX} escapes of an
 *	"utf-8;" address (RFC 6533) are decoded.
 *
 *	Other reports: the notice text is cut where the returned message
 *	begins (the usual "message follows" lines). When the text or the
 *	Subject says that something was not delivered, every address in
 *	it (except the excluded ones, and the returned message's sender
 *	when others are named too) is a failed recipient. Its kind
 *	comes from the lines about it, else from the whole notice: an
 *	enhanced status code, then wording of a temporary cause (full
 *	mailbox, quota, timeout, try again, in English and Japanese), then
 *	an SMTP reply code; a failure that gives no reason is hard, a full
 *	mailbox (X.2.2) soft.
 *	A report naming nobody falls back to a bare mailbox name on a line
 *	of its own (qualified with the reporting host's domain), the
 *	returned message's recipient, then X-Loop and Return-Path.
 *	A report without DSN fields that is marked as an auto-reply
 *	(Auto-Submitted: auto-replied, X-Autoreply, X-Autorespond, a
 *	Subject beginning "Auto:", "Automatic reply", "Out of office" ...)
 *	and is not from MAILER-DAEMON or postmaster, or that is a warning that
 *	delivery is still being tried ("will be retried", "not yet been
 *	delivered", ...), gives nothing, even to a VERP address.
 * DIAGNOSTICS
 *	bounce_parse() never fails on content: unreadable parts are
 *	skipped.
 * BUGS
 *	The wording lists are English and Japanese only. Addresses the
 *	notice quotes in passing (other than the excluded ones) count as
 *	failed recipients when the report is a failure.
 */

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "bounce.h"
#include "buf.h"
#include "xmem.h"

#define BOUNCE_TEXT_MAX	(1024 * 1024)	/* notice text read at most */
#define BOUNCE_MAX_RCPT	1000		/* entries kept at most */
#define BOUNCE_MAX_SCAN	200		/* addresses taken from text */

struct bounce_ctx {
	struct buf	*notice;	/* UTF-8 text of the report */
	struct buf	*dsn;		/* delivery-status fields */
	struct buf	*orig;		/* header of the returned message */
	char		*from;		/* the report's From address */
	char		*retpath;	/* Return-Path, or NULL */
	char		*xloop;		/* X-Loop, or NULL */
	char		*subject;	/* decoded Subject, or NULL */
	char		*own_local;	/* list name from the envelope */
	char		*own_domain;
	const char *const *exclude;
	int		 in_orig;	/* the returned message was seen */
	int		 parts;		/* leaf parts seen */
};

/* Words saying that the report is about a failed delivery. */
static const char *const bounce_fail_words[] = {
	"could not be delivered", "couldn't be delivered",
	"cannot be delivered", "can't be delivered", "not delivered",
	"undeliver", "non-deliver", "non deliver", "nondeliver",
	"delivery problem", "delivery failure", "delivery failed",
	"failed recipient", "failed address", "following address",
	"following recipient", "unknown user", "user unknown",
	"unknown recipient", "recipient unknown", "not found",
	"does not exist", "no such", "could not deliver",
	"couldn't deliver", "unable to deliver", "able to deliver",
	"returned mail", "error during delivery", "mail delivery",
	"permanent", "fatal error", "rejected", "not registered",
	"mailbox unavailable", "transaction failed", "failure notice",
	"no valid recipient", "disk quota", "mailbox full",
	"mailbox is full", "over quota",
	"できません", "出来ません", "受け取れません",
	"存在しません", "存在しない", "登録されていません",
	"不一致", "宛先不明", "届きません", "配送エラー",
	NULL
};

/* Words naming a temporary cause. */
static const char *const bounce_soft_words[] = {
	"mailbox full", "mailbox is full", "quota", "exceeded",
	"over capacity", "timed out", "timeout", "try again",
	"temporar", "deferred", "connection refused", "too many messages",
	"disk full", "insufficient", "local limit", "size limit",
	"容量", "制限", "超過", "越え", "超え",
	"一杯", "満杯", "割当て",
	NULL
};

/* Words of a warning that delivery is still being tried. */
static const char *const bounce_delay_words[] = {
	"warning only", "warning message only", "will be retried",
	"will keep trying", "not yet been delivered",
	"delivery attempts will continue", "still being retried",
	"delayed mail", "delivery delayed", "(delay)",
	"warning: could not send",
	NULL
};

/* Lines where the returned message begins. */
static const char *const bounce_orig_marks[] = {
	"message follows", "message text follows",
	"copy of the message", "copy of your message",
	"below this line is a copy", "message header follows",
	"headers of the original", "original message header",
	"returned mail -", "unsent message below", "end of message",
	"content-type: message/rfc822", "content-type: text/rfc822-headers",
	"以下、オリジナル",
	NULL
};

/* bounce_init - an empty result */
void
bounce_init(struct bounce *b)
{
	*b = (struct bounce){ .rcpt = NULL };
}

/* bounce_clear - free a result */
void
bounce_clear(struct bounce *b)
{
	size_t	 i;

	for (i = 0; i < b->nrcpt; i++)
		b->rcpt[i].addr = xfree(b->rcpt[i].addr);
	b->rcpt = xfree(b->rcpt);
	b->verp = xfree(b->verp);
	bounce_init(b);
}

/* bounce_kind_name - "hard", "soft" or "none" */
const char *
bounce_kind_name(int kind)
{
	if (kind == BOUNCE_HARD)
		return "hard";
	if (kind == BOUNCE_SOFT)
		return "soft";
	return "none";
}

/* bounce_has_word - does text contain one of the words (ASCII caseless) */
static int
bounce_has_word(const char *text, const char *const *words)
{
	size_t	 i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasestr(text, words[i]) != NULL)
			return 1;
	return 0;
}

/* bounce_local_char - may c appear in a local part found in text */
static int
bounce_local_char(int c)
{
	return isalnum(c) || (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-",
	    c) != NULL);
}

/* bounce_domain_char - may c appear in a domain found in text */
static int
bounce_domain_char(int c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '_';
}

/* bounce_addr_make - a checked address from local and domain, or NULL */
static char *
bounce_addr_make(const char *local, size_t llen, const char *dom,
    size_t dlen)
{
	char	*addr;
	size_t	 i;

	while (llen > 0 && (local[0] == '.' || local[0] == '\''))
		local++, llen--;
	while (dlen > 0 && (dom[dlen - 1] == '.' || dom[dlen - 1] == '-'))
		dlen--;
	if (llen == 0 || llen > 64 || dlen == 0 || dlen > 255)
		return NULL;
	if (memchr(dom, '.', dlen) == NULL || dom[dlen - 1] == '.')
		return NULL;
	for (i = 0; i < dlen; i++)
		if (!bounce_domain_char((unsigned char)dom[i]))
			return NULL;
	addr = xmalloc(llen + dlen + 2);
	memcpy(addr, local, llen);
	addr[llen] = '@';
	for (i = 0; i < dlen; i++)
		addr[llen + 1 + i] = tolower((unsigned char)dom[i]);
	addr[llen + 1 + dlen] = '\0';
	return addr;
}

/* bounce_addr_clean - an address from a field value like "<a@b>" */
static char *
bounce_addr_clean(const char *s, size_t len)
{
	const char *at, *end = s + len;

	while (s < end && (isspace((unsigned char)*s) || *s == '<' ||
	    *s == '"'))
		s++;
	while (end > s && (isspace((unsigned char)end[-1]) || end[-1] == '>'
	    || end[-1] == '"' || end[-1] == ','))
		end--;
	for (at = end; at > s && at[-1] != '@'; at--)
		;
	if (at == s)
		return NULL;
	if (memchr(s, ' ', (size_t)(end - s)) != NULL)
		return NULL;
	return bounce_addr_make(s, (size_t)(at - 1 - s), at,
	    (size_t)(end - at));
}

/* bounce_verp - decode a VERP envelope recipient */
int
bounce_verp(const char *rcpt, char **addr)
{
	const char *at, *plus, *eq, *base_end;
	size_t	 blen;

	*addr = NULL;
	if (rcpt == NULL || (at = strrchr(rcpt, '@')) == NULL)
		return 0;
	if ((plus = memchr(rcpt, '+', (size_t)(at - rcpt))) == NULL)
		return 0;

	/* The base: "ml-error", "ml-admin" or "ml-error=dom" (virtual). */
	base_end = plus;
	if ((eq = memchr(rcpt, '=', (size_t)(plus - rcpt))) != NULL)
		base_end = eq;
	blen = (size_t)(base_end - rcpt);
	if (!(blen > 6 && (strncasecmp(base_end - 6, "-error", 6) == 0 ||
	    strncasecmp(base_end - 6, "-admin", 6) == 0)))
		return 0;

	/* The extension: user=domain, the last '=' ends the user. */
	for (eq = at; eq > plus && *eq != '='; eq--)
		;
	if (eq == plus || eq == plus + 1)
		return 0;
	*addr = bounce_addr_make(plus + 1, (size_t)(eq - plus - 1), eq + 1,
	    (size_t)(at - eq - 1));
	return *addr != NULL;
}

/* bounce_verp_encode - "base+user=domain@host" or NULL */
char *
bounce_verp_encode(const char *sender, const char *rcpt)
{
	const char *sat, *rat;
	size_t	 llen;

	if ((sat = strrchr(sender, '@')) == NULL ||
	    (rat = strrchr(rcpt, '@')) == NULL || rat == rcpt ||
	    rat[1] == '\0')
		return NULL;
	llen = (size_t)(sat - sender) + 1 + strlen(rcpt);
	if (llen > 64)
		return NULL;
	return xasprintf("%.*s+%.*s=%s%s", (int)(sat - sender), sender,
	    (int)(rat - rcpt), rcpt, rat + 1, sat);
}

/* bounce_own - remember the list's name and domain from the envelope */
static void
bounce_own(struct bounce_ctx *c, const char *rcpt)
{
	const char *at, *end, *eq;
	size_t	 n;

	if (rcpt == NULL || (at = strrchr(rcpt, '@')) == NULL)
		return;
	end = at;
	if ((eq = memchr(rcpt, '+', (size_t)(end - rcpt))) != NULL)
		end = eq;
	c->own_domain = xstrdup(at + 1);
	if ((eq = memchr(rcpt, '=', (size_t)(end - rcpt))) != NULL) {
		c->own_domain = xfree(c->own_domain);
		c->own_domain = xasprintf("%.*s", (int)(end - eq - 1), eq + 1);
		end = eq;
	}
	n = (size_t)(end - rcpt);
	if (n > 6 && (strncasecmp(end - 6, "-error", 6) == 0 ||
	    strncasecmp(end - 6, "-admin", 6) == 0))
		n -= 6;
	c->own_local = xasprintf("%.*s", (int)n, rcpt);
}

/* bounce_excluded - is addr one that never fails */
static int
bounce_excluded(const struct bounce_ctx *c, const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t	 n, i;

	n = (size_t)(at - addr);
	if ((n == 13 && strncasecmp(addr, "mailer-daemon", 13) == 0) ||
	    (n == 10 && strncasecmp(addr, "postmaster", 10) == 0))
		return 1;
	if (c->from != NULL && strcasecmp(c->from, addr) == 0)
		return 1;
	if (c->own_local != NULL && strcasecmp(at + 1, c->own_domain) == 0) {
		i = strlen(c->own_local);
		if (n == i && strncasecmp(addr, c->own_local, i) == 0)
			return 1;
		if (n > i && strncasecmp(addr, c->own_local, i) == 0 &&
		    addr[i] == '-')
			return 1;
	}
	for (i = 0; c->exclude != NULL && c->exclude[i] != NULL; i++)
		if (strcasecmp(c->exclude[i], addr) == 0)
			return 1;
	return 0;
}

/* bounce_iconv - convert to UTF-8; lenient: '?' for bad bytes */
static int
bounce_iconv(const char *from, const char *in, size_t len, int lenient,
    struct buf *out)
{
	iconv_t	 cd;
	char	*ip = (char *)in, *op;
	size_t	 il = len, ol, done;
	int	 status = 0;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return -1;
	buf_reset(out);
	buf_reserve(out, len * 2 + 16);
	while (il > 0) {
		op = out->data + out->len;
		ol = out->size - out->len - 1;
		done = ol;
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) {
			out->len += done - ol;
			break;
		}
		out->len += done - ol;
		if (errno == E2BIG) {
			buf_reserve(out, out->size + len + 16);
			continue;
		}
		if (!lenient) {
			status = -1;
			break;
		}
		buf_putc(out, '?');
		ip++, il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	iconv_close(cd);
	out->data[out->len] = '\0';
	return status;
}

/* bounce_utf8_ok - is the text valid UTF-8 */
static int
bounce_utf8_ok(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n, k;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			n = 1;
		else if ((s[i] & 0xf0) == 0xe0)
			n = 2;
		else if ((s[i] & 0xf8) == 0xf0)
			n = 3;
		else
			return 0;
		for (k = 1; k <= n; k++)
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
		i += n + 1;
	}
	return 1;
}

/* bounce_text - append text in charset (or a guess) as UTF-8 */
static void
bounce_text(struct buf *to, const char *s, size_t len, const char *cs)
{
	static const char *const guesses[] = {
		"EUC-JP", "SHIFT_JIS", NULL
	};
	struct buf *tmp;
	size_t	 i;
	int	 eightbit = 0;

	if (s == NULL || len == 0) {
		buf_putc(to, '\n');
		return;
	}
	if (to->len >= BOUNCE_TEXT_MAX)
		return;
	if (len > BOUNCE_TEXT_MAX - to->len)
		len = BOUNCE_TEXT_MAX - to->len;
	tmp = buf_alloc(len * 2 + 16);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			eightbit = 1;
	if (memchr(s, 0x1b, len) != NULL && !eightbit) {
		if (bounce_iconv("ISO-2022-JP-3", s, len, 1, tmp) != 0)
			bounce_iconv("ISO-2022-JP", s, len, 1, tmp);
		buf_append(to, tmp->data, tmp->len);
	} else if (!eightbit || bounce_utf8_ok((const unsigned char *)s,
	    len)) {
		buf_append(to, s, len);
	} else {
		if (cs != NULL && strncasecmp(cs, "iso-2022", 8) != 0 &&
		    strcasecmp(cs, "us-ascii") != 0 &&
		    bounce_iconv(cs, s, len, 0, tmp) == 0)
			goto done;
		for (i = 0; guesses[i] != NULL; i++)
			if (bounce_iconv(guesses[i], s, len, 0, tmp) == 0)
				goto done;
		bounce_iconv("ISO-8859-1", s, len, 1, tmp);
done:
		buf_append(to, tmp->data, tmp->len);
	}
	buf_putc(to, '\n');
	tmp = buf_free(tmp);
}

/* bounce_part_bytes - the decoded content of a leaf part */
static GByteArray *
bounce_part_bytes(GMimePart *part, GMimeStream **mem)
{
	GMimeDataWrapper *content;

	*mem = NULL;
	if ((content = g_mime_part_get_content(part)) == NULL)
		return NULL;
	*mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, *mem);
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(*mem));
}

/* bounce_object_text - the object as text (headers and body) */
static void
bounce_object_text(GMimeObject *obj, struct buf *to)
{
	char	*s;

	if ((s = g_mime_object_to_string(obj, NULL)) != NULL) {
		bounce_text(to, s, strlen(s), NULL);
		g_free(s);
	}
}

/* bounce_walk - sort the parts of the report into notice, DSN, orig */
static void
bounce_walk(struct bounce_ctx *c, GMimeObject *obj, int depth)
{
	GMimeContentType *ct;
	GMimeStream *mem;
	GByteArray *bytes;
	GMimeMessage *m;
	const char *type, *sub;
	struct buf *to;
	int	 i, n;

	if (obj == NULL || depth > 20)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n; i++)
			bounce_walk(c, g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), depth + 1);
		return;
	}
	ct = g_mime_object_get_content_type(obj);
	type = ct ? g_mime_content_type_get_media_type(ct) : "text";
	sub = ct ? g_mime_content_type_get_media_subtype(ct) : "plain";
	if (type == NULL || sub == NULL)
		return;
	c->parts++;
	if (GMIME_IS_MESSAGE_PART(obj)) {
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		c->in_orig = 1;
		if (m != NULL)
			bounce_object_text(GMIME_OBJECT(m), c->orig);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	if (strcasecmp(type, "message") == 0 &&
	    strcasestr(sub, "delivery-status") != NULL)
		to = c->dsn;
	else if (strcasecmp(sub, "rfc822-headers") == 0 ||
	    strcasecmp(type, "message") == 0) {
		to = c->orig;
		c->in_orig = 1;
	} else if (strcasecmp(type, "text") == 0 && !c->in_orig)
		to = c->notice;
	else
		return;
	if ((bytes = bounce_part_bytes(GMIME_PART(obj), &mem)) != NULL)
		bounce_text(to, (const char *)bytes->data, bytes->len,
		    g_mime_object_get_content_type_parameter(obj,
		    "charset"));
	if (mem != NULL)
		g_object_unref(mem);
}

/* bounce_cut - move what follows a returned-message line to orig */
static void
bounce_cut(struct bounce_ctx *c)
{
	char	*line = c->notice->data, *nl;
	char	 save;

	while (*line != '\0') {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		save = *nl;
		*nl = '\0';
		if (bounce_has_word(line, bounce_orig_marks)) {
			*nl = save;
			buf_puts(c->orig, nl);
			buf_truncate(c->notice, (size_t)(line -
			    c->notice->data));
			return;
		}
		*nl = save;
		line = *nl ? nl + 1 : nl;
	}
}

/* Header fields of a quoted message: their addresses never fail. */
static const char *const bounce_quoted_fields[] = {
	"from:", "reply-to:", "sender:", "return-path:", "message-id:",
	"in-reply-to:", "references:", "received:", "cc:", "errors-to:",
	"list-", "x-", "resent-", NULL
};

/* bounce_quoted - is the line a header field of a quoted message */
static int
bounce_quoted(const char *text, const char *at)
{
	const char *line = at;
	size_t	 i;

	while (line > text && line[-1] != '\n')
		line--;
	while (*line == '>' || *line == ' ')
		line++;
	for (i = 0; bounce_quoted_fields[i] != NULL; i++)
		if (strncasecmp(line, bounce_quoted_fields[i],
		    strlen(bounce_quoted_fields[i])) == 0)
			return 1;
	return 0;
}

/* bounce_add - add or update an entry; keeps the first position */
static void
bounce_add(struct bounce *b, char *addr, const char *status, int kind)
{
	size_t	 i;

	for (i = 0; i < b->nrcpt; i++)
		if (strcasecmp(b->rcpt[i].addr, addr) == 0) {
			if (kind > b->rcpt[i].kind) {
				b->rcpt[i].kind = kind;
				snprintf(b->rcpt[i].status,
				    sizeof(b->rcpt[i].status), "%s", status);
			}
			xfree(addr);
			return;
		}
	if (b->nrcpt >= BOUNCE_MAX_RCPT) {
		xfree(addr);
		return;
	}
	b->rcpt = xrealloc(b->rcpt, (b->nrcpt + 1) * sizeof(*b->rcpt));
	b->rcpt[b->nrcpt] = (struct bounce_rcpt){ .addr = addr,
	    .kind = kind };
	snprintf(b->rcpt[b->nrcpt].status, sizeof(b->rcpt[b->nrcpt].status),
	    "%s", status);
	b->nrcpt++;
}

/* bounce_code - find an enhanced status code "C.S.D" in text */
static int
bounce_code(const char *text, char *code, size_t size)
{
	const char *p;
	size_t	 n;

	for (p = text; *p != '\0'; p++) {
		if (*p != '2' && *p != '4' && *p != '5')
			continue;
		if (p > text && (isdigit((unsigned char)p[-1]) ||
		    p[-1] == '.'))
			continue;
		if (p[1] != '.' || !isdigit((unsigned char)p[2]))
			continue;
		n = 2;
		while (n < 5 && isdigit((unsigned char)p[n]))
			n++;
		if (p[n] != '.' || !isdigit((unsigned char)p[n + 1]))
			continue;
		n++;
		while (n < 9 && isdigit((unsigned char)p[n]))
			n++;
		if (isdigit((unsigned char)p[n]) || (p[n] == '.' &&
		    isdigit((unsigned char)p[n + 1])))
			continue;
		if (n >= size)
			continue;
		memcpy(code, p, n);
		code[n] = '\0';
		return 1;
	}
	return 0;
}

/* bounce_status - the first enhanced status code in text */
int
bounce_status(const char *text, char *code, size_t size)
{
	return text != NULL && bounce_code(text, code, size);
}

/* bounce_smtp_code - find a 4xx or 5xx reply code in text */
static int
bounce_smtp_code(const char *text)
{
	const char *p;

	for (p = text; *p != '\0'; p++) {
		if ((*p != '4' && *p != '5') || !isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			continue;
		if (p > text && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '.' || p[-1] == '#'))
			continue;
		if (isalnum((unsigned char)p[3]) || p[3] == '.' || p[3] == ':')
			continue;
		return *p - '0';
	}
	return 0;
}

/* bounce_classify - kind and status from text; 0: no signal. A full
 * mailbox (X.2.2) is soft: only a DSN's Status makes it hard */
static int
bounce_classify(const char *text, char *status, size_t size, int *kind)
{
	char	 code[BOUNCE_STATUS_MAX];
	int	 c;

	if (bounce_code(text, code, sizeof(code))) {
		snprintf(status, size, "%s", code);
		*kind = code[0] == '5' ? BOUNCE_HARD : code[0] == '4' ?
		    BOUNCE_SOFT : BOUNCE_NONE;
		if (strcmp(code + 1, ".2.2") == 0 && *kind == BOUNCE_HARD)
			*kind = BOUNCE_SOFT;
		return 1;
	}
	if (bounce_has_word(text, bounce_soft_words)) {
		snprintf(status, size, "4.x.y");
		*kind = BOUNCE_SOFT;
		return 1;
	}
	if ((c = bounce_smtp_code(text)) != 0) {
		snprintf(status, size, "%d.x.y", c);
		*kind = c == 5 ? BOUNCE_HARD : BOUNCE_SOFT;
		return 1;
	}
	return 0;
}

/* bounce_dsn_field - the value of "name:" in a block, or NULL */
static char *
bounce_dsn_field(const char *block, size_t len, const char *name)
{
	const char *p = block, *end = block + len, *nl, *v;
	size_t	 n = strlen(name);
	struct buf *val;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			val = buf_alloc(64);
			v = p + n + 1;
			for (;;) {
				buf_append(val, v, (size_t)(nl - v));
				if (nl >= end || nl + 1 >= end ||
				    (nl[1] != ' ' && nl[1] != '\t'))
					break;
				v = nl + 1;
				if ((nl = memchr(v, '\n', (size_t)(end - v)))
				    == NULL)
					nl = end;
			}
			return buf_steal(val);
		}
		p = nl + 1;
	}
	return NULL;
}

/* bounce_put_utf8 - append a code point in UTF-8 */
static void
bounce_put_utf8(struct buf *out, unsigned long cp)
{
	static const int lead[] = { 0x00, 0xc0, 0xe0, 0xf0 };
	int	 n = cp < 0x80 ? 0 : cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;

	buf_putc(out, (int)(lead[n] | cp >> (6 * n)));
	while (n-- > 0)
		buf_putc(out, (int)(0x80 | (cp >> (6 * n) & 0x3f)));
}

/* bounce_unxtext - decode the \x{HEX} escapes of an RFC 6533
 * utf-8-addr-xtext into UTF-8; other text is copied */
static char *
bounce_unxtext(const char *v)
{
	struct buf *out = buf_alloc(strlen(v) + 1);
	unsigned long cp;
	char	*end;

	while (*v != '\0') {
		if (v[0] == '\\' && v[1] == 'x' && v[2] == '{' &&
		    isxdigit((unsigned char)v[3])) {
			cp = strtoul(v + 3, &end, 16);
			if (*end == '}' && end - v - 3 <= 6 && cp > 0 &&
			    cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
				bounce_put_utf8(out, cp);
				v = end + 1;
				continue;
			}
		}
		buf_putc(out, *v++);
	}
	return buf_steal(out);
}

/* bounce_dsn_addr - the address of a "rfc822; addr" value (an
 * "utf-8; addr" one is decoded) */
static char *
bounce_dsn_addr(const char *v)
{
	const char *p;
	char	*dec, *addr;

	if (v == NULL)
		return NULL;
	if ((p = strchr(v, ';')) == NULL)
		return bounce_addr_clean(v, strlen(v));
	while (isspace((unsigned char)*v))
		v++;
	if ((size_t)(p - v) < 5 || strncasecmp(v, "utf-8", 5) != 0)
		return bounce_addr_clean(p + 1, strlen(p + 1));
	dec = bounce_unxtext(p + 1);
	addr = bounce_addr_clean(dec, strlen(dec));
	xfree(dec);
	return addr;
}

/* bounce_orig_addr - the first address of a field ("To:") of the
 * returned message's header */
static char *
bounce_orig_addr(const struct bounce_ctx *c, const char *field)
{
	const char *p = c->orig->data, *nl, *lt;
	char	*addr = NULL, *a;
	size_t	 flen = strlen(field);

	while (*p == '\n' || (p[0] == '\r' && p[1] == '\n'))
		p += *p == '\n' ? 1 : 2;
	while (*p != '\0') {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (nl == p || (nl == p + 1 && p[0] == '\r'))
			break;
		if (strncasecmp(p, field, flen) == 0) {
			if ((lt = memchr(p, '<', (size_t)(nl - p))) == NULL)
				lt = p + flen;
			a = bounce_addr_clean(lt, (size_t)(nl - lt));
			if (a != NULL && !bounce_excluded(c, a) &&
			    addr == NULL) {
				addr = a;
				a = NULL;
			}
			xfree(a);
		}
		p = *nl ? nl + 1 : nl;
	}
	return addr;
}

/* bounce_subdomain - is dom equal to or below parent */
static int
bounce_subdomain(const char *dom, const char *parent)
{
	size_t	 d = strlen(dom), p = strlen(parent);

	if (d == p)
		return strcasecmp(dom, parent) == 0;
	return d > p && dom[d - p - 1] == '.' &&
	    strcasecmp(dom + d - p, parent) == 0;
}

/* bounce_dsn_block - one per-recipient block; 1 when it had a recipient */
static int
bounce_dsn_block(struct bounce_ctx *c, struct bounce *b, const char *blk,
    size_t len)
{
	char	*final, *origr, *action, *status, *diag, *addr, *o;
	char	 st[BOUNCE_STATUS_MAX];
	int	 kind = BOUNCE_NONE, found;

	final = bounce_dsn_field(blk, len, "Final-Recipient");
	origr = bounce_dsn_field(blk, len, "Original-Recipient");
	if (final == NULL && origr == NULL)
		return 0;
	action = bounce_dsn_field(blk, len, "Action");
	status = bounce_dsn_field(blk, len, "Status");
	diag = bounce_dsn_field(blk, len, "Diagnostic-Code");

	/* The address the list sent to. */
	if ((addr = bounce_dsn_addr(origr)) == NULL) {
		addr = bounce_dsn_addr(final);
		if ((o = bounce_orig_addr(c, "To:")) != NULL && (addr == NULL ||
		    (strcasecmp(o, addr) != 0 && bounce_subdomain(
		    strrchr(addr, '@') + 1, strrchr(o, '@') + 1)))) {
			xfree(addr);
			addr = o;
		} else
			xfree(o);
	}

	/* Its kind. */
	st[0] = '\0';
	if (action != NULL && strcasestr(action, "failed") != NULL) {
		found = status != NULL && bounce_code(status, st, sizeof(st));
		if (found)
			kind = st[0] == '5' ? BOUNCE_HARD : st[0] == '4' ?
			    BOUNCE_SOFT : BOUNCE_NONE;
		else if (diag == NULL || !bounce_classify(diag, st,
		    sizeof(st), &kind)) {
			snprintf(st, sizeof(st), "5.x.y");
			kind = BOUNCE_HARD;
		}
	}
	if (addr != NULL && bounce_excluded(c, addr))
		addr = xfree(addr);
	if (kind == BOUNCE_NONE || addr == NULL) {
		b->ignored++;
		xfree(addr);
	} else
		bounce_add(b, addr, st, kind);
	xfree(final);
	xfree(origr);
	xfree(action);
	xfree(status);
	xfree(diag);
	return 1;
}

/* bounce_dsn - the per-recipient blocks of DSN text; count of blocks */
static int
bounce_dsn(struct bounce_ctx *c, struct bounce *b, const char *text)
{
	const char *p = text, *start = text, *nl;
	int	 n = 0;

	for (;;) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (nl == p || (nl == p + 1 && *p == '\r') || *nl == '\0') {
			if (*nl == '\0')
				nl = p + strlen(p);
			n += bounce_dsn_block(c, b, start, (size_t)(nl -
			    start));
			if (*nl == '\0')
				break;
			start = nl + 1;
		}
		p = nl + 1;
	}
	return n;
}

/* bounce_bare - a bare mailbox name on the line after the failure */
static char *
bounce_bare(const struct bounce_ctx *c)
{
	const char *p = c->notice->data, *nl, *s, *e, *at;
	int	 after = 0;

	if (c->from == NULL || (at = strrchr(c->from, '@')) == NULL ||
	    strncasecmp(c->from, "mailer-daemon@", 14) != 0)
		return NULL;
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		for (s = p; s < nl && isspace((unsigned char)*s); s++)
			;
		for (e = nl; e > s && isspace((unsigned char)e[-1]); e--)
			;
		if (s == e)
			continue;
		if (after) {
			for (p = s; p < e && (isalnum((unsigned char)*p) ||
			    *p == '.' || *p == '_' || *p == '-'); p++)
				;
			if (p != e)
				return NULL;
			return bounce_addr_make(s, (size_t)(e - s), at + 1,
			    strlen(at + 1));
		}
		{
			char	*line = xasprintf("%.*s", (int)(e - s), s);

			after = bounce_has_word(line, bounce_fail_words);
			xfree(line);
		}
	}
	return NULL;
}

/* bounce_context - the lines about addr, up to a blank line or another
 * address's line */
static void
bounce_context(const char *text, const char *addr, struct buf *ctx)
{
	const char *p = text, *nl;
	size_t	 alen = strlen(addr);
	int	 on = 0;

	buf_reset(ctx);
	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (memchr(p, '@', (size_t)(nl - p)) != NULL) {
			char	*line = xasprintf("%.*s", (int)(nl - p), p);
			char	*hit = strcasestr(line, addr);

			on = hit != NULL && (hit == line ||
			    !bounce_local_char((unsigned char)hit[-1])) &&
			    !bounce_domain_char((unsigned char)hit[alen]);
			xfree(line);
		} else if (nl == p || strspn(p, " \t\r") == (size_t)(nl - p))
			on = 0;
		if (on) {
			buf_append(ctx, p, (size_t)(nl - p));
			buf_putc(ctx, '\n');
		}
	}
}

/* bounce_scan - the failed recipients of a report without DSN fields */
static void
bounce_scan(struct bounce_ctx *c, struct bounce *b)
{
	const char *text = c->notice->data, *at, *s, *e;
	struct buf *ctx;
	char	 st[BOUNCE_STATUS_MAX], all_st[BOUNCE_STATUS_MAX];
	char	*addr;
	int	 kind, all_kind, all_ok;
	size_t	 first = b->nrcpt, i;

	if (!bounce_has_word(text, bounce_fail_words) &&
	    (c->subject == NULL || !bounce_has_word(c->subject,
	    bounce_fail_words)))
		return;

	/* Every address in the notice, in order. */
	for (at = strchr(text, '@'); at != NULL && b->nrcpt - first <
	    BOUNCE_MAX_SCAN; at = strchr(at + 1, '@')) {
		for (s = at; s > text && bounce_local_char((unsigned char)
		    s[-1]); s--)
			;
		for (e = at + 1; bounce_domain_char((unsigned char)*e); e++)
			;
		if (bounce_quoted(text, at))
			continue;
		addr = bounce_addr_make(s, (size_t)(at - s), at + 1,
		    (size_t)(e - at - 1));
		if (addr == NULL || bounce_excluded(c, addr)) {
			xfree(addr);
			continue;
		}
		bounce_add(b, addr, "", BOUNCE_NONE);
	}

	/* The sender of the returned message, named beside others. */
	if (b->nrcpt - first > 1 &&
	    (addr = bounce_orig_addr(c, "From:")) != NULL) {
		for (i = first; i < b->nrcpt; i++)
			if (strcasecmp(b->rcpt[i].addr, addr) == 0) {
				xfree(b->rcpt[i].addr);
				memmove(b->rcpt + i, b->rcpt + i + 1,
				    (b->nrcpt - i - 1) * sizeof(*b->rcpt));
				b->nrcpt--;
				break;
			}
		addr = xfree(addr);
	}
	if (b->nrcpt == first) {
		if ((addr = bounce_bare(c)) == NULL &&
		    (addr = bounce_orig_addr(c, "To:")) == NULL) {
			addr = bounce_addr_clean(c->xloop ? c->xloop : "",
			    c->xloop ? strlen(c->xloop) : 0);
			if (addr == NULL && c->retpath != NULL)
				addr = bounce_addr_clean(c->retpath,
				    strlen(c->retpath));
		}
		if (addr != NULL && bounce_excluded(c, addr))
			addr = xfree(addr);
		if (addr != NULL)
			bounce_add(b, addr, "", BOUNCE_NONE);
	}

	/* The kind of each, from its lines or the whole notice. */
	all_ok = bounce_classify(text, all_st, sizeof(all_st), &all_kind);
	ctx = buf_alloc(256);
	for (i = first; i < b->nrcpt; i++) {
		bounce_context(text, b->rcpt[i].addr, ctx);
		if (!bounce_classify(ctx->data, st, sizeof(st), &kind)) {
			if (all_ok) {
				memcpy(st, all_st, sizeof(st));
				kind = all_kind;
			} else {
				snprintf(st, sizeof(st), "5.x.y");
				kind = BOUNCE_HARD;
			}
		}
		b->rcpt[i].kind = kind;
		memcpy(b->rcpt[i].status, st, sizeof(st));
	}
	ctx = buf_free(ctx);

	/* Drop what turned out to be no failure (a 2.x.x code). */
	for (i = first; i < b->nrcpt;) {
		if (b->rcpt[i].kind == BOUNCE_NONE) {
			xfree(b->rcpt[i].addr);
			memmove(b->rcpt + i, b->rcpt + i + 1,
			    (b->nrcpt - i - 1) * sizeof(*b->rcpt));
			b->nrcpt--;
		} else
			i++;
	}
}

/* bounce_header - a header of the report as a malloc'ed string */
static char *
bounce_header(GMimeMessage *m, const char *name)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(m), name);

	return v != NULL ? xstrdup(v) : NULL;
}

/* bounce_from - the report's From address */
static char *
bounce_from(GMimeMessage *m)
{
	InternetAddressList *list = g_mime_message_get_from(m);
	InternetAddress *ia;
	const char *a;

	if (list == NULL || internet_address_list_length(list) < 1)
		return NULL;
	ia = internet_address_list_get_address(list, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		return NULL;
	a = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	return a != NULL && strchr(a, '@') != NULL ? xstrdup(a) : NULL;
}

/* bounce_body - the body of the raw mail (after the blank line) */
static const char *
bounce_body(const char *raw, size_t len, size_t *blen)
{
	const char *p = raw, *end = raw + len, *nl;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		if (nl == p || (nl == p + 1 && *p == '\r')) {
			*blen = (size_t)(end - nl - 1);
			return nl + 1;
		}
		p = nl + 1;
	}
	*blen = 0;
	return end;
}

/* bounce_verp_apply - the VERP address is the failing one */
static void
bounce_verp_apply(struct bounce_ctx *c, struct bounce *b)
{
	char	 st[BOUNCE_STATUS_MAX];
	int	 kind = BOUNCE_NONE;
	size_t	 i;

	for (i = 0; i < b->nrcpt; i++)
		if (strcasecmp(b->rcpt[i].addr, b->verp) == 0 ||
		    b->rcpt[i].kind > kind) {
			kind = b->rcpt[i].kind;
			memcpy(st, b->rcpt[i].status, sizeof(st));
			if (strcasecmp(b->rcpt[i].addr, b->verp) == 0)
				break;
		}
	if (kind == BOUNCE_NONE && !b->dsn && (bounce_has_word(
	    c->notice->data, bounce_fail_words) || (c->subject != NULL &&
	    bounce_has_word(c->subject, bounce_fail_words)))) {
		if (!bounce_classify(c->notice->data, st, sizeof(st), &kind)) {
			snprintf(st, sizeof(st), "5.x.y");
			kind = BOUNCE_HARD;
		}
	}
	for (i = 0; i < b->nrcpt; i++)
		b->rcpt[i].addr = xfree(b->rcpt[i].addr);
	b->nrcpt = 0;
	if (kind != BOUNCE_NONE)
		bounce_add(b, xstrdup(b->verp), st, kind);
}

/* bounce_autoreply - is the report a person's auto-reply: marked as
 * one (RFC 3834 auto-replied, X-Autoreply, X-Autorespond, a Subject
 * such as "Automatic reply:") and not from a mail system's address */
static int
bounce_autoreply(GMimeMessage *m, const char *from, const char *subject)
{
	static const char *const prefixes[] = {
		"auto:", "automatic reply", "autoreply", "auto-reply",
		"auto reply", "out of office", "out of the office",
		NULL
	};
	const char *v;
	size_t	 i;

	if (from != NULL && (strncasecmp(from, "mailer-daemon", 13) == 0 ||
	    strncasecmp(from, "postmaster", 10) == 0))
		return 0;
	for (i = 0; subject != NULL && prefixes[i] != NULL; i++)
		if (strncasecmp(subject, prefixes[i], strlen(prefixes[i])) == 0)
			return 1;
	v = g_mime_object_get_header(GMIME_OBJECT(m), "Auto-Submitted");
	if (v != NULL && strcasestr(v, "auto-replied") != NULL)
		return 1;
	return g_mime_object_get_header(GMIME_OBJECT(m), "X-Autoreply") !=
	    NULL || g_mime_object_get_header(GMIME_OBJECT(m),
	    "X-Autorespond") != NULL;
}

/* bounce_parse - find the failed recipients of a report */
void
bounce_parse(const char *raw, size_t len, const char *envrcpt,
    const char *const *exclude, struct bounce *b)
{
	struct bounce_ctx c = {
		.notice = buf_alloc(4096),
		.dsn = buf_alloc(1024),
		.orig = buf_alloc(1024),
		.exclude = exclude,
	};
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *m = NULL;
	const char *body;
	size_t	 blen;
	int	 quiet = 0;	/* an auto-reply or a delay warning */

	bounce_init(b);
	bounce_verp(envrcpt, &b->verp);
	bounce_own(&c, envrcpt);

	/* The parts of the report. */
	if (len > 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);

		len -= nl ? (size_t)(nl + 1 - raw) : len;
		raw = nl ? nl + 1 : raw + len;
	}
	stream = g_mime_stream_mem_new_with_buffer(raw, len);
	parser = g_mime_parser_new_with_stream(stream);
	m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (m != NULL) {
		c.from = bounce_from(m);
		c.retpath = bounce_header(m, "Return-Path");
		c.xloop = bounce_header(m, "X-Loop");
		if (g_mime_message_get_subject(m) != NULL)
			c.subject = xstrdup(g_mime_message_get_subject(m));
		bounce_walk(&c, g_mime_message_get_mime_part(m), 0);
		quiet = bounce_autoreply(m, c.from, c.subject);
	}
	if (m == NULL || c.parts == 0 || (c.notice->len == 0 &&
	    c.dsn->len == 0)) {
		buf_reset(c.notice);
		body = bounce_body(raw, len, &blen);
		bounce_text(c.notice, body, blen, NULL);
	}
	bounce_cut(&c);
	if (bounce_has_word(c.notice->data, bounce_delay_words) ||
	    (c.subject != NULL && bounce_has_word(c.subject,
	    bounce_delay_words)))
		quiet = 1;

	/* DSN fields, else the text. */
	if (bounce_dsn(&c, b, c.dsn->data) > 0 ||
	    bounce_dsn(&c, b, c.notice->data) > 0)
		b->dsn = 1;
	else if (!quiet)
		bounce_scan(&c, b);
	if (b->verp != NULL && (b->dsn || !quiet))
		bounce_verp_apply(&c, b);

	if (m != NULL)
		g_object_unref(m);
	c.notice = buf_free(c.notice);
	c.dsn = buf_free(c.dsn);
	c.orig = buf_free(c.orig);
	xfree(c.from);
	xfree(c.retpath);
	xfree(c.xloop);
	xfree(c.subject);
	xfree(c.own_local);
	xfree(c.own_domain);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	post - one incoming mail, parsed, and the checks fml8 runs on it
 * SYNOPSIS
 *	#include "post.h"
 * DESCRIPTION
 *	Loop checks: X-ML-Name equal to this list's name together with a
 *	List-Post or X-ML-Info field naming the list's own post address
 *	exactly (an address compared as a whole, never as a substring);
 *	an envelope sender that is one of the list's own addresses. The
 *	Message-ID check needs the store and lives in the program.
 *
 *	Header checks, as fml8's defaults: a From field with a usable
 *	address, a Message-ID containing '@', a non-empty Date. Body
 *	checks: a body with no text in any part is empty; a body whose
 *	only line (quoted lines and the signature aside) is a command for
 *	the -ctl address is a command sent to the wrong address. A one-line
 *	post that is not a command passes.
 *
 *	post_check_header() and post_check_body() consult the rule lists
 *	article_header_filter_rules and article_text_plain_filter_rules;
 *	use_article_filter = no turns both off.
 * BUGS
 *	A command typed in full-width letters in a post is not recognised
 *	as a command here; it goes out as an ordinary post.
 */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "hdr.h"
#include "post.h"
#include "xmem.h"

/* post_init - an empty post */
void
post_init(struct post *p)
{
	memset(p, 0, sizeof(*p));
	hdr_init(&p->hdr);
}

/* post_clear - free everything a post holds */
void
post_clear(struct post *p)
{
	p->raw = buf_free(p->raw);
	hdr_clear(&p->hdr);
	p->sender = xfree(p->sender);
	p->msgid = xfree(p->msgid);
	p->envelope = xfree(p->envelope);
	if (p->mime != NULL)
		g_object_unref(p->mime);
	p->mime = NULL;
}

/* post_read - read the mail from fd, within the size limits */
int
post_read(struct post *p, int fd, size_t hmax, size_t bmax, struct buf *why)
{
	char	 chunk[65536];
	size_t	 cap = hmax + bmax + 4096;
	ssize_t	 n;

	p->raw = buf_alloc(sizeof(chunk));
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			BUF_WHY(why, "read the mail: %s", strerror(errno));
			return EX_TEMPFAIL;
		}
		if (p->raw->len < cap)
			buf_append(p->raw, chunk, (size_t)n);
		else
			p->too_large = 2;
	}
	post_set(p, NULL, 0);
	if (p->hlen > hmax)
		p->too_large = 1;
	else if (p->raw->len - p->boff > bmax)
		p->too_large = 2;
	return 0;
}

/* post_set - take a mail (or, with NULL, the one read) and split it */
void
post_set(struct post *p, const char *data, size_t len)
{
	const char *nl;

	if (data != NULL) {
		p->raw = buf_free(p->raw);
		p->raw = buf_alloc(len);
		buf_append(p->raw, data, len);
	}
	if (p->raw->len >= 5 && memcmp(p->raw->data, "From ", 5) == 0) {
		nl = memchr(p->raw->data, '\n', p->raw->len);
		len = nl ? (size_t)(nl - p->raw->data) + 1 : p->raw->len;
		memmove(p->raw->data, p->raw->data + len, p->raw->len - len);
		buf_truncate(p->raw, p->raw->len - len);
	}
	p->boff = hdr_split(p->raw->data, p->raw->len, &p->hlen);
}

/* post_first_mailbox - the first valid mailbox; From has no groups */
static char *
post_first_mailbox(InternetAddressList *list)
{
	int	 i, n;

	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list,
		    i);
		const char *a;

		if (INTERNET_ADDRESS_IS_GROUP(ia))
			continue;
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (a != NULL && addr_valid(a, NULL) == 0)
			return xstrdup(a);
	}
	return NULL;
}

/* post_msgid - the Message-ID without folding; the <...> part if any */
static char *
post_msgid(const char *raw)
{
	char	*v = hdr_unfold(raw);
	char	*lt = strchr(v, '<');
	char	*gt = lt ? strchr(lt, '>') : NULL;
	char	*id;

	if (lt != NULL && gt != NULL) {
		id = xstrndup(lt, (size_t)(gt - lt) + 1);
		free(v);
		return id;
	}
	return v;
}

/* post_parse - fields, sender and Message-ID; the MIME tree */
void
post_parse(struct post *p)
{
	const char *from;
	const char *id;

	hdr_parse(&p->hdr, p->raw->data, p->hlen);
	hdr_remove(&p->hdr, "Return-Path");
	if ((from = hdr_get(&p->hdr, "From")) != NULL) {
		char	*text = hdr_unfold(from);
		InternetAddressList *list;

		list = internet_address_list_parse(NULL, text);
		if (list != NULL) {
			p->sender = post_first_mailbox(list);
			g_object_unref(list);
		}
		if (p->sender == NULL && addr_valid(text, NULL) == 0)
			p->sender = xstrdup(text);
		free(text);
	}
	if ((id = hdr_get(&p->hdr, "Message-ID")) != NULL)
		p->msgid = post_msgid(id);
	if (p->raw->len > 0) {
		GMimeStream *s;
		GMimeParser *parser;

		s = g_mime_stream_mem_new_with_buffer(
		    p->raw->data, p->raw->len);
		parser = g_mime_parser_new_with_stream(s);
		p->mime = g_mime_parser_construct_message(parser, NULL);
		g_object_unref(parser);
		g_object_unref(s);
	}
}

/* post_body - the raw body and its length */
const char *
post_body(const struct post *p, size_t *len)
{
	*len = p->raw->len - p->boff;
	return p->raw->data + p->boff;
}

/* post_names_address - whether a field names addr as a whole address */
static int
post_names_address(const char *value, const char *addr)
{
	const char *p = value;
	size_t	 alen = strlen(addr);

	while ((p = strcasestr(p, addr)) != NULL) {
		int	 before = p == value ? ' ' : (unsigned char)p[-1];
		int	 after = (unsigned char)p[alen];

		if (strchr(" \t\r\n<:,;(\"", before) != NULL &&
		    strchr(" \t\r\n>?,;)\"", after) != NULL)
			return 1;
		p += alen;
	}
	return 0;
}

/* post_check_loop - mail this list (or its MTA) sent back to it */
const char *
post_check_loop(struct post *p, struct cfg *cfg)
{
	static const char *own[] = { "article_post_address",
	    "command_mail_address", "maintainer", "request_mail_address",
	    "error_mail_address", NULL };
	const char *post = cfg_get(cfg, "article_post_address");
	const char *name = hdr_get(&p->hdr, "X-ML-Name");
	const char *v;
	int	 i;

	if (name != NULL) {
		char	*n = hdr_unfold(name);
		int	 same = strcasecmp(n, cfg_get(cfg, "ml_name")) == 0;

		free(n);
		if (same && (((v = hdr_get(&p->hdr, "List-Post")) != NULL &&
		    post_names_address(v, post)) ||
		    ((v = hdr_get(&p->hdr, "X-ML-Info")) != NULL &&
		    post_names_address(v, post))))
			return "loop-x-ml-name";
	}
	if (p->envelope != NULL && *p->envelope != '\0')
		for (i = 0; own[i] != NULL; i++)
			if ((v = cfg_get(cfg, own[i])) != NULL &&
			    strcasecmp(p->envelope, v) == 0)
				return "loop-envelope-sender";
	return NULL;
}

/* post_check_header - the header checks of fml8's defaults */
const char *
post_check_header(struct post *p, struct cfg *cfg)
{
	const char *v;
	int	 on = cfg_bool(cfg, "use_article_filter");

	if (p->raw->len == 0)
		return "empty-message";
	if (p->too_large == 1)
		return "header-too-large";
	if (p->too_large == 2)
		return "body-too-large";
	if (on && cfg_has_word(cfg, "article_header_filter_rules",
	    "check_from")) {
		if (hdr_get(&p->hdr, "From") == NULL)
			return "no-from";
		if (p->sender == NULL)
			return "invalid-from";
	}
	if (on && cfg_has_word(cfg, "article_header_filter_rules",
	    "check_message_id") &&
	    (p->msgid == NULL || strchr(p->msgid, '@') == NULL))
		return "no-message-id";
	if (on && cfg_has_word(cfg, "article_header_filter_rules",
	    "check_date")) {
		char	*d;
		int	 empty;

		if ((v = hdr_get(&p->hdr, "Date")) == NULL)
			return "no-date";
		d = hdr_unfold(v);
		empty = *d == '\0';
		free(d);
		if (empty)
			return "no-date";
	}
	return NULL;
}

struct post_scan {
	int		 text;		/* some part has non-blank content */
	struct buf	*plain;		/* the first text/plain part */
};

/* post_blank - whether the bytes are only white space */
static int
post_blank(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* post_scan_part - note whether a leaf part has content */
static void
post_scan_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct post_scan *scan = data;
	GMimeDataWrapper *content;
	GMimeStream *mem;
	GByteArray *bytes;
	GMimeContentType *ct;

	(void)parent;
	if (!GMIME_IS_PART(part))
		return;
	if ((content = g_mime_part_get_content(GMIME_PART(part))) == NULL)
		return;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	if (!post_blank((const char *)bytes->data, bytes->len))
		scan->text = 1;
	ct = g_mime_object_get_content_type(part);
	if (scan->plain == NULL && ct != NULL &&
	    g_mime_content_type_is_type(ct, "text", "plain")) {
		scan->plain = buf_alloc(bytes->len);
		buf_append(scan->plain, bytes->data, bytes->len);
	}
	g_object_unref(mem);
}

/* post_is_command_line - whether one line reads as a -ctl command */
static int
post_is_command_line(const char *line, struct cfg *cfg)
{
	char	*copy, *word, *save = NULL;
	char	*w[8];
	int	 n = 0;
	int	 yes = 0;

	copy = xstrdup(line);
	for (word = strtok_r(copy, " \t", &save); word != NULL && n < 8;
	    word = strtok_r(NULL, " \t", &save))
		w[n++] = word;
	if (n == 0 || word != NULL)
		goto out;
	if (w[0][0] == '#')
		w[0]++;
	for (word = w[0]; *word; word++)
		*word = (char)tolower((unsigned char)*word);
	if (!cfg_has_word(cfg, "commands_for_post_reject", w[0]))
		goto out;
	if (strcmp(w[0], "get") == 0 || strcmp(w[0], "mget") == 0 ||
	    strcmp(w[0], "send") == 0) {
		yes = n >= 2;
		for (int i = 1; i < n; i++)
			if (strspn(w[i], "0123456789,-:") != strlen(w[i]) &&
			    strcmp(w[i], "last") != 0 &&
			    strcmp(w[i], "first") != 0 &&
			    strcmp(w[i], "all") != 0 &&
			    strncmp(w[i], "last:", 5) != 0)
				yes = 0;
	} else if (strcmp(w[0], "chaddr") == 0) {
		yes = n == 3;
	} else if (strcmp(w[0], "admin") == 0 ||
	    strcmp(w[0], "confirm") == 0) {
		yes = n >= 2;
	} else if (strcmp(w[0], "subscribe") == 0 ||
	    strcmp(w[0], "add") == 0) {
		yes = n <= 3;
	} else {
		yes = n == 1 || (n == 2 && strchr(w[1], '@') != NULL);
	}
out:
	free(copy);
	return yes;
}

/* post_only_command - whether the text's one real line is a command */
static int
post_only_command(const char *text, size_t len, struct cfg *cfg)
{
	struct buf *line;
	const char *p = text, *end = text + len;
	char	*first = NULL;
	int	 lines = 0;
	int	 yes;

	line = buf_alloc(128);
	while (p < end && lines < 2) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		char	*s;

		buf_reset(line);
		buf_append(line, p, (size_t)(stop - p));
		p = nl ? nl + 1 : end;
		s = line->data;
		while (*s && isspace((unsigned char)*s))
			s++;
		while (line->len > 0 &&
		    isspace((unsigned char)line->data[line->len - 1]))
			buf_truncate(line, line->len - 1);
		if (strcmp(s, "--") == 0)
			break;
		if (*s == '\0' || *s == '>')
			continue;
		if (lines++ == 0)
			first = xstrdup(s);
	}
	yes = lines == 1 && post_is_command_line(first, cfg);
	free(first);
	line = buf_free(line);
	return yes;
}

/* post_check_body - empty posts and commands sent to the post address */
const char *
post_check_body(struct post *p, struct cfg *cfg)
{
	struct post_scan scan = { 0 };
	const char *body;
	const char *reason = NULL;
	size_t	 len;

	if (!cfg_bool(cfg, "use_article_filter"))
		return NULL;
	body = post_body(p, &len);
	if (p->mime != NULL)
		g_mime_message_foreach(p->mime, post_scan_part, &scan);
	else
		scan.text = !post_blank(body, len);
	if (post_blank(body, len) || !scan.text) {
		if (cfg_has_word(cfg, "article_text_plain_filter_rules",
		    "reject_null_mail_body"))
			reason = "empty-body";
	} else if (cfg_has_word(cfg, "article_text_plain_filter_rules",
	    "reject_command_mail") && scan.plain != NULL &&
	    post_only_command(scan.plain->data, scan.plain->len, cfg)) {
		reason = "command-in-post";
	}
	scan.plain = buf_free(scan.plain);
	return reason;
}

/* post_reason_text - one sentence for a reason code */
const char *
post_reason_text(const char *code)
{
	static const struct {
		const char *code;
		const char *text;
	} table[] = {
		{ "empty-message", "The mail was empty (zero bytes)." },
		{ "empty-body", "The mail has no text in its body." },
		{ "no-from", "The mail has no From: field." },
		{ "invalid-from", "The From: field holds no usable address." },
		{ "no-message-id", "The mail has no valid Message-ID: field." },
		{ "no-date", "The mail has no Date: field, or it is empty." },
		{ "header-too-large", "The header of the mail is too large." },
		{ "body-too-large", "The mail is too large for this list." },
		{ "command-in-post", "The mail holds only a command; "
		    "commands go to the list's command address." },
		{ "not-member", "The sender is not a member of this list." },
		{ "system-account", "The sender is a system account." },
		{ "spammer", "The sender is listed as a spammer." },
		{ "rejected", "Posts from this sender are not accepted." },
	};
	size_t	 i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].code, code) == 0)
			return table[i].text;
	return "The mail was not accepted.";
}

/* post_subject_text - the Subject unfolded and cleaned, for logs */
void
post_subject_text(struct post *p, struct buf *out)
{
	const char *v = hdr_get(&p->hdr, "Subject");
	char	*s;

	buf_reset(out);
	if (v == NULL)
		return;
	s = hdr_unfold(v);
	buf_puts(out, s);
	free(s);
}

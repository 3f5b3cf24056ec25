/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	cmdparse - reading the commands of one command mail
 * SYNOPSIS
 *	#include "cmdparse.h"
 * DESCRIPTION
 *	The rules, in the order they apply:
 *
 *	1. An automatic mail (cmdparse_automatic()) is not read at all.
 *	2. The text is the first text/plain part, decoded and converted
 *	   to UTF-8; without one, the first text/html part as a reader
 *	   sees it (tags removed, block elements and <br> end a line,
 *	   head, style and script are not text, entities decoded,
 *	   blanks at the start of a line dropped, each line inside a
 *	   blockquote read as quoted).
 *	3. CR LF and LF end lines. A line that is exactly "--" or "-- "
 *	   starts the signature, which is not read. Full-width ASCII
 *	   forms become ASCII, U+3000 and U+00A0 a space, U+FEFF is
 *	   dropped; blanks around the line are removed, blank
 *	   lines and lines starting with '>' are skipped.
 *	4. At most max_lines lines are read; the rest is not.
 *	5. A leading '#' is dropped; the verb is matched without regard
 *	   to case; words are separated by runs of blanks; a line whose
 *	   verb or arguments do not fit is an unknown item.
 *	6. A Subject that is "confirm CLASS TOKEN" after reply markers
 *	   gives the first command when the body holds no confirm.
 * BUGS
 *	The HTML reader knows the common block elements only; a table
 *	cell does not end a line, a table row does.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "addr.h"
#include "buf.h"
#include "cmdparse.h"
#include "hdr.h"
#include "xmem.h"

enum cmdparse_args {
	ARGS_NONE,		/* no argument */
	ARGS_CHADDR,		/* two addresses */
	ARGS_CONFIRM,		/* class and token */
	ARGS_RANGE,		/* one article range */
	ARGS_ADMIN		/* an admin command line */
};

struct cmdparse_verb {
	const char	*name;
	const char	*verb;		/* what it stands for */
	enum cmdparse_args args;
};

static const struct cmdparse_verb cmdparse_verbs[] = {
	{ .name = "help", .verb = "help", .args = ARGS_NONE },
	{ .name = "guide", .verb = "guide", .args = ARGS_NONE },
	{ .name = "objective", .verb = "objective", .args = ARGS_NONE },
	{ .name = "summary", .verb = "summary", .args = ARGS_NONE },
	{ .name = "members", .verb = "members", .args = ARGS_NONE },
	{ .name = "on", .verb = "on", .args = ARGS_NONE },
	{ .name = "off", .verb = "off", .args = ARGS_NONE },
	{ .name = "subscribe", .verb = "subscribe", .args = ARGS_NONE },
	{ .name = "add", .verb = "subscribe", .args = ARGS_NONE },
	{ .name = "unsubscribe", .verb = "unsubscribe", .args = ARGS_NONE },
	{ .name = "bye", .verb = "unsubscribe", .args = ARGS_NONE },
	{ .name = "chaddr", .verb = "chaddr", .args = ARGS_CHADDR },
	{ .name = "confirm", .verb = "confirm", .args = ARGS_CONFIRM },
	{ .name = "get", .verb = "get", .args = ARGS_RANGE },
	{ .name = "mget", .verb = "get", .args = ARGS_RANGE },
	{ .name = "admin", .verb = "admin", .args = ARGS_ADMIN },
};

#define CMDPARSE_NVERBS	\
	(sizeof(cmdparse_verbs) / sizeof(cmdparse_verbs[0]))

static const char *cmdparse_classes[] = {
	"subscribe", "unsubscribe", "chaddr", "on", "off", "moderate",
};

#define CMDPARSE_NCLASSES \
	(sizeof(cmdparse_classes) / sizeof(cmdparse_classes[0]))

/* cmdparse_unfold - a header value unfolded and trimmed, or NULL */
static char *
cmdparse_unfold(const struct hdr *h, const char *name)
{
	const char *v = hdr_get(h, name);
	char	*s, *p, *e;

	if (v == NULL)
		return NULL;
	s = hdr_unfold(v);
	for (p = s; *p == ' ' || *p == '\t'; p++)
		;
	memmove(s, p, strlen(p) + 1);
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* cmdparse_list_key - the identifier inside <...>, or the whole value */
static void
cmdparse_list_key(const char *v, struct buf *out)
{
	const char *lt = strrchr(v, '<');
	const char *gt;

	buf_reset(out);
	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		buf_append(out, lt + 1, (size_t)(gt - lt - 1));
	else
		buf_puts(out, v);
}

/* cmdparse_daemon - whether an address has the local part MAILER-DAEMON */
static int
cmdparse_daemon(const char *a)
{
	const char *at;

	if (a == NULL)
		return 0;
	at = strrchr(a, '@');
	if (at == NULL)
		return strcasecmp(a, "MAILER-DAEMON") == 0;
	return at - a == 13 && strncasecmp(a, "MAILER-DAEMON", 13) == 0;
}

/* cmdparse_other_list - whether List-Id names another list */
static int
cmdparse_other_list(const char *v, const char *own)
{
	struct buf *a = buf_alloc(64), *b = buf_alloc(64);
	int	 other;

	cmdparse_list_key(v, a);
	cmdparse_list_key(own ? own : "", b);
	other = strcasecmp(a->data, b->data) != 0;
	a = buf_free(a);
	b = buf_free(b);
	return other;
}

/* cmdparse_automatic - why a mail must not be answered, or NULL */
const char *
cmdparse_automatic(const struct cmdparse_mail *m)
{
	const char *why = NULL;
	char	*s;
	size_t	 n;

	if (m->envelope != NULL && *m->envelope == '\0')
		return "null envelope sender";
	if (cmdparse_daemon(m->envelope) || cmdparse_daemon(m->from))
		return "sender is MAILER-DAEMON";
	if ((s = cmdparse_unfold(m->hdr, "Auto-Submitted")) != NULL) {
		n = strcspn(s, " \t;(");
		if (n != 2 || strncasecmp(s, "no", 2) != 0)
			why = "Auto-Submitted";
		s = xfree(s);
	}
	if (why == NULL &&
	    (s = cmdparse_unfold(m->hdr, "Precedence")) != NULL) {
		n = strcspn(s, " \t;(");
		if ((n == 4 && (strncasecmp(s, "bulk", 4) == 0 ||
		    strncasecmp(s, "junk", 4) == 0 ||
		    strncasecmp(s, "list", 4) == 0)))
			why = "Precedence";
		s = xfree(s);
	}
	if (why == NULL && (s = cmdparse_unfold(m->hdr, "List-Id")) != NULL) {
		if (cmdparse_other_list(s, m->list_id))
			why = "mail from another list";
		s = xfree(s);
	}
	return why;
}

/* cmdparse_find - the first part of a type, depth first */
static GMimeObject *
cmdparse_find(GMimeObject *obj, const char *subtype, int depth)
{
	GMimeContentType *ct;
	GMimeObject *found = NULL;
	int	 i, n;

	if (obj == NULL || depth > 32)
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (i = 0; i < n && found == NULL; i++)
			found = cmdparse_find(g_mime_multipart_get_part(
			    GMIME_MULTIPART(obj), i), subtype, depth + 1);
		return found;
	}
	if (!GMIME_IS_TEXT_PART(obj))
		return NULL;
	ct = g_mime_object_get_content_type(obj);
	if (ct != NULL && g_mime_content_type_is_type(ct, "text", subtype))
		return obj;
	return NULL;
}

/* cmdparse_part_text - the decoded text of a part, as valid UTF-8 */
static void
cmdparse_part_text(GMimeObject *obj, struct buf *out)
{
	char	*text;
	gchar	*valid;

	text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	if (text == NULL)
		return;
	valid = g_utf8_make_valid(text, -1);
	buf_puts(out, valid);
	g_free(valid);
	g_free(text);
}

/* cmdparse_text - the text a reader sees, UTF-8 */
void
cmdparse_text(GMimeMessage *mime, struct buf *out)
{
	GMimeObject *top, *part;
	struct buf *html;

	buf_reset(out);
	if (mime == NULL)
		return;
	top = g_mime_message_get_mime_part(mime);
	if ((part = cmdparse_find(top, "plain", 0)) != NULL) {
		cmdparse_part_text(part, out);
		return;
	}
	if ((part = cmdparse_find(top, "html", 0)) == NULL)
		return;
	html = buf_alloc(1024);
	cmdparse_part_text(part, html);
	cmdparse_html_text(html->data, html->len, out);
	html = buf_free(html);
}

/* cmdparse_html_block - whether a tag name ends a line */
static int
cmdparse_html_block(const char *name)
{
	static const char *blocks[] = {
		"br", "p", "div", "li", "tr", "table", "blockquote", "h1",
		"h2", "h3", "h4", "h5", "h6", "ul", "ol", "pre", "hr", "dl",
		"dt", "dd", "body", "html", "title",
	};
	size_t	 i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcmp(name, blocks[i]) == 0)
			return 1;
	return 0;
}

/* cmdparse_html_entity - decode one entity at s; its length, or 0 */
static size_t
cmdparse_html_entity(const char *s, size_t len, struct buf *out)
{
	static const struct {
		const char *name;
		gunichar c;
	} names[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' },
		{ "quot", '"' }, { "apos", '\'' }, { "nbsp", ' ' },
	};
	char	 tmp[16];
	size_t	 n, i;
	gunichar c = 0;
	char	*end;

	for (n = 1; n < len && n < sizeof(tmp) && s[n] != ';'; n++)
		;
	if (n >= len || s[n] != ';' || n < 2)
		return 0;
	memcpy(tmp, s + 1, n - 1);
	tmp[n - 1] = '\0';
	if (tmp[0] == '#') {
		c = (gunichar)strtoul(tmp + 1 + (tmp[1] == 'x' ||
		    tmp[1] == 'X'), &end, (tmp[1] == 'x' || tmp[1] == 'X') ?
		    16 : 10);
		if (*end != '\0' || !g_unichar_validate(c) || c == 0)
			return 0;
	} else {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(tmp, names[i].name) == 0)
				c = names[i].c;
		if (c == 0)
			return 0;
	}
	if (c == 0xa0)
		c = ' ';
	n++;
	i = (size_t)g_unichar_to_utf8(c, tmp);
	buf_append(out, tmp, i);
	return n;
}

/* cmdparse_html_tag - the lower-case name of the tag at s */
static void
cmdparse_html_name(const char *s, size_t len, char *name, size_t size)
{
	size_t	 i = 0, j = 0;

	if (i < len && s[i] == '/')
		name[j++] = s[i++];
	for (; i < len && j + 1 < size && isalnum((unsigned char)s[i]); i++)
		name[j++] = (char)tolower((unsigned char)s[i]);
	name[j] = '\0';
}

/* cmdparse_html_skip - the offset after the closing tag of name */
static size_t
cmdparse_html_skip(const char *s, size_t len, size_t at, const char *name)
{
	size_t	 n = strlen(name);

	for (; at + n + 2 <= len; at++)
		if (s[at] == '<' && s[at + 1] == '/' &&
		    strncasecmp(s + at + 2, name, n) == 0)
			break;
	while (at < len && s[at] != '>')
		at++;
	return at < len ? at + 1 : len;
}

/* cmdparse_html_text - HTML as a reader sees it, one line per block */
void
cmdparse_html_text(const char *s, size_t len, struct buf *out)
{
	char	 name[16], c;
	size_t	 i = 0, n;
	int	 quote = 0, bol;

	while (i < len) {
		if (s[i] == '<' && i + 3 < len && strncmp(s + i, "<!--", 4)
		    == 0) {
			const char *e = g_strstr_len(s + i + 4,
			    (gssize)(len - i - 4), "-->");

			i = e ? (size_t)(e - s) + 3 : len;
		} else if (s[i] == '<') {
			cmdparse_html_name(s + i + 1, len - i - 1, name,
			    sizeof(name));
			while (i < len && s[i] != '>')
				i++;
			i = i < len ? i + 1 : len;
			if (strcmp(name, "head") == 0 ||
			    strcmp(name, "style") == 0 ||
			    strcmp(name, "script") == 0)
				i = cmdparse_html_skip(s, len, i, name);
			if (strcmp(name, "blockquote") == 0)
				quote++;
			else if (strcmp(name, "/blockquote") == 0 && quote > 0)
				quote--;
			if (cmdparse_html_block(name + (name[0] == '/')))
				buf_putc(out, '\n');
		} else {
			c = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' :
			    s[i];
			bol = out->len == 0 || out->data[out->len - 1] == '\n';
			if (bol && c == ' ') {
				i++;
				continue;
			}
			if (bol && quote > 0)
				buf_putc(out, '>');
			if (c == '&' && (n = cmdparse_html_entity(s + i,
			    len - i, out)) > 0) {
				i += n;
			} else {
				buf_putc(out, c);
				i++;
			}
		}
	}
}

/* cmdparse_ascii - full-width forms, U+3000, U+00A0 as ASCII; no BOM */
void
cmdparse_ascii(const char *s, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;

	buf_reset(out);
	while (*p) {
		if (p[0] == 0xef && p[1] == 0xbc && p[2] >= 0x81 &&
		    p[2] <= 0xbf) {
			buf_putc(out, 0x21 + (p[2] - 0x81));
			p += 3;
		} else if (p[0] == 0xef && p[1] == 0xbd && p[2] >= 0x80 &&
		    p[2] <= 0x9e) {
			buf_putc(out, 0x60 + (p[2] - 0x80));
			p += 3;
		} else if (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) {
			buf_putc(out, ' ');
			p += 3;
		} else if (p[0] == 0xc2 && p[1] == 0xa0) {
			buf_putc(out, ' ');
			p += 2;
		} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			p += 3;
		} else {
			buf_putc(out, *p++);
		}
	}
}

/* cmdparse_number - whether [s, s+n) is a positive decimal number */
static int
cmdparse_number(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > 9)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* cmdparse_range_ok - N, N-M, last:N, or a comma list of these */
static int
cmdparse_range_ok(const char *s)
{
	const char *e, *dash;
	size_t	 n;

	for (;;) {
		e = strchr(s, ',');
		n = e ? (size_t)(e - s) : strlen(s);
		if (n > 5 && strncasecmp(s, "last:", 5) == 0) {
			if (!cmdparse_number(s + 5, n - 5))
				return 0;
		} else if ((dash = memchr(s, '-', n)) != NULL) {
			if (!cmdparse_number(s, (size_t)(dash - s)) ||
			    !cmdparse_number(dash + 1, n -
			    (size_t)(dash - s) - 1))
				return 0;
		} else if (!cmdparse_number(s, n)) {
			return 0;
		}
		if (e == NULL)
			return 1;
		s = e + 1;
	}
}

/* cmdparse_token_ok - a confirmation token: 8 to 64 letters or digits */
static int
cmdparse_token_ok(const char *s)
{
	size_t	 n;

	for (n = 0; s[n]; n++)
		if (!isalnum((unsigned char)s[n]))
			return 0;
	return n >= 8 && n <= 64;
}

/* cmdparse_args_ok - whether the arguments fit the verb */
static int
cmdparse_args_ok(enum cmdparse_args type, char **av, int ac)
{
	size_t	 i;

	switch (type) {
	case ARGS_NONE:
		return ac == 0;
	case ARGS_CHADDR:
		return ac == 2 && addr_valid(av[0], NULL) == 0 &&
		    addr_valid(av[1], NULL) == 0;
	case ARGS_CONFIRM:
		if (ac != 2 || !cmdparse_token_ok(av[1]))
			return 0;
		for (i = 0; i < CMDPARSE_NCLASSES; i++)
			if (strcasecmp(av[0], cmdparse_classes[i]) == 0)
				return 1;
		return 0;
	case ARGS_RANGE:
		return ac == 1 && cmdparse_range_ok(av[0]);
	case ARGS_ADMIN:
		return ac >= 1;
	}
	return 0;
}

/* cmdparse_item_clear - release the strings of an item */
static void
cmdparse_item_clear(struct cmdparse_item *it)
{
	int	 i;

	for (i = 0; i < it->argc; i++)
		it->argv[i] = xfree(it->argv[i]);
	it->argc = 0;
	it->line = xfree(it->line);
	it->verb = NULL;
}

/* cmdparse_line - match one trimmed line; 1 for a command */
int
cmdparse_line(const char *line, struct cmdparse_item *it)
{
	const struct cmdparse_verb *v = NULL;
	char	*words[CMDPARSE_ARGS_MAX + 2];
	const char *p = line, *w;
	size_t	 i, n;
	int	 nw = 0, ok;

	memset(it, 0, sizeof(*it));
	it->kind = CMDPARSE_UNKNOWN;
	it->line = xstrdup(line);
	if (*p == '#')
		p++;
	while (*p != '\0' && nw < CMDPARSE_ARGS_MAX + 2) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t'; p++)
			;
		n = (size_t)(p - w);
		words[nw] = xmalloc(n + 1);
		memcpy(words[nw], w, n);
		words[nw++][n] = '\0';
	}
	while (*p == ' ' || *p == '\t')
		p++;
	ok = nw > 0 && *p == '\0';
	for (i = 0; ok && v == NULL && i < CMDPARSE_NVERBS; i++)
		if (strcasecmp(words[0], cmdparse_verbs[i].name) == 0)
			v = &cmdparse_verbs[i];
	ok = v != NULL && nw - 1 <= CMDPARSE_ARGS_MAX &&
	    cmdparse_args_ok(v->args, words + 1, nw - 1);
	if (ok) {
		it->kind = CMDPARSE_COMMAND;
		it->verb = v->verb;
		for (i = 1; i < (size_t)nw; i++)
			it->argv[it->argc++] = words[i];
		words[0] = xfree(words[0]);
	} else {
		for (i = 0; i < (size_t)nw; i++)
			words[i] = xfree(words[i]);
	}
	return ok;
}

/* cmdparse_push - append an item, taking its strings */
static void
cmdparse_push(struct cmdparse *r, const struct cmdparse_item *it)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->item = xrealloc(r->item, r->cap * sizeof(*r->item));
	}
	r->item[r->n++] = *it;
}

/* cmdparse_trim - blanks around a string removed, in place */
static char *
cmdparse_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* cmdparse_strip_reply - the subject after its reply markers */
const char *
cmdparse_strip_reply(const char *s)
{
	static const char *utf8[] = { "返信:", "返:", "転送:" };
	const char *p;
	size_t	 i, n;
	int	 more = 1;

	while (more) {
		more = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		for (i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++) {
			n = strlen(utf8[i]);
			if (strncmp(s, utf8[i], n) == 0) {
				s += n;
				more = 1;
			}
		}
		for (p = s; isalpha((unsigned char)*p) && p - s < 6; p++)
			;
		if (p == s)
			continue;
		if (*p == '[' || *p == '(') {
			char	 close = *p == '[' ? ']' : ')';

			for (p++; isdigit((unsigned char)*p); p++)
				;
			if (*p++ != close)
				continue;
		} else if (*p == '^' || isdigit((unsigned char)*p)) {
			for (p += *p == '^'; isdigit((unsigned char)*p); p++)
				;
		}
		while (*p == ' ')
			p++;
		if (*p == ':') {
			s = p + 1;
			more = 1;
		}
	}
	return s;
}

/* cmdparse_subject - a confirm command in the Subject, if any */
static int
cmdparse_subject(const struct hdr *h, struct cmdparse_item *it)
{
	struct buf *ascii;
	char	*raw, *text, *line;
	int	 ok = 0;

	if ((raw = cmdparse_unfold(h, "Subject")) == NULL)
		return 0;
	text = g_mime_utils_header_decode_text(NULL, raw);
	ascii = buf_alloc(strlen(text) + 1);
	if (g_utf8_validate(text, -1, NULL))
		cmdparse_ascii(text, ascii);
	line = cmdparse_trim((char *)cmdparse_strip_reply(ascii->data));
	if (cmdparse_line(line, it) && strcmp(it->verb, "confirm") == 0) {
		it->from_subject = 1;
		ok = 1;
	} else {
		cmdparse_item_clear(it);
	}
	ascii = buf_free(ascii);
	g_free(text);
	raw = xfree(raw);
	return ok;
}

/* cmdparse_lines - the items of the body text */
static void
cmdparse_lines(struct buf *text, size_t max, struct cmdparse *r)
{
	struct cmdparse_item it;
	struct buf *ascii = buf_alloc(256);
	char	*line, *next, *t;

	for (line = text->data; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		t = line + strlen(line);
		if (t > line && t[-1] == '\r')
			*--t = '\0';
		cmdparse_ascii(line, ascii);
		if (strcmp(ascii->data, "--") == 0 ||
		    strcmp(ascii->data, "-- ") == 0)
			break;
		t = cmdparse_trim(ascii->data);
		if (*t == '\0' || *t == '>')
			continue;
		if (r->lines >= max) {
			r->truncated = 1;
			break;
		}
		r->lines++;
		cmdparse_line(t, &it);
		cmdparse_push(r, &it);
	}
	ascii = buf_free(ascii);
}

/* cmdparse_run - every command of one mail, in order */
void
cmdparse_run(const struct cmdparse_mail *m, struct cmdparse *r)
{
	struct cmdparse_item subj;
	struct buf *text;
	size_t	 i;
	int	 body_confirm = 0;

	memset(r, 0, sizeof(*r));
	if ((r->automatic = cmdparse_automatic(m)) != NULL)
		return;
	text = buf_alloc(4096);
	cmdparse_text(m->mime, text);
	cmdparse_lines(text, m->max_lines ? m->max_lines :
	    CMDPARSE_LINES_MAX, r);
	text = buf_free(text);
	for (i = 0; i < r->n; i++)
		if (r->item[i].kind == CMDPARSE_COMMAND &&
		    strcmp(r->item[i].verb, "confirm") == 0)
			body_confirm = 1;
	if (body_confirm || !cmdparse_subject(m->hdr, &subj))
		return;
	cmdparse_push(r, &subj);
	memmove(r->item + 1, r->item, (r->n - 1) * sizeof(*r->item));
	r->item[0] = subj;
}

/* cmdparse_format - one item as --parse prints it */
void
cmdparse_format(const struct cmdparse_item *it, struct buf *out)
{
	int	 i;

	buf_reset(out);
	if (it->kind == CMDPARSE_UNKNOWN) {
		buf_printf(out, "unknown %s", it->line);
		return;
	}
	buf_puts(out, it->verb);
	for (i = 0; i < it->argc; i++)
		buf_printf(out, " %s", it->argv[i]);
}

/* cmdparse_free - release the items */
void
cmdparse_free(struct cmdparse *r)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		cmdparse_item_clear(&r->item[i]);
	r->item = xfree(r->item);
	r->n = r->cap = 0;
}

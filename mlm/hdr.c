/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	hdr - a mail header kept as its raw fields
 * SYNOPSIS
 *	#include "hdr.h"
 * DESCRIPTION
 *	hdr_split() finds where the header ends: the offset of the body
 *	and, in *hlen, the length of the header block. A message without
 *	a blank line is all header with an empty body (RFC 5322 allows a
 *	message without a body).
 *
 *	hdr_set() replaces the first field of that name in place and
 *	removes the others, or appends the field; hdr_add() appends.
 *	Values given to hdr_set() and hdr_add() are raw: the caller puts
 *	the leading space and any folding in.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hdr.h"
#include "xmem.h"

/* hdr_init - an empty header */
void
hdr_init(struct hdr *h)
{
	h->f = NULL;
	h->n = h->cap = 0;
}

/* hdr_clear - free every field */
void
hdr_clear(struct hdr *h)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		free(h->f[i].name);
		free(h->f[i].value);
	}
	h->f = xfree(h->f);
	h->n = h->cap = 0;
}

/* hdr_push - append a field, taking ownership of name and value */
static void
hdr_push(struct hdr *h, char *name, char *value)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 32;
		h->f = xrealloc(h->f, h->cap * sizeof(*h->f));
	}
	h->f[h->n].name = name;
	h->f[h->n].value = value;
	h->n++;
}

/* hdr_split - the length of the header block and the body offset */
size_t
hdr_split(const char *p, size_t len, size_t *hlen)
{
	size_t	 i;

	if (len > 0 && p[0] == '\n') {
		*hlen = 0;
		return 1;
	}
	if (len > 1 && p[0] == '\r' && p[1] == '\n') {
		*hlen = 0;
		return 2;
	}
	for (i = 0; i + 1 < len; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n') {
			*hlen = i + 1;
			return i + 2;
		}
		if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n') {
			*hlen = i + 1;
			return i + 3;
		}
	}
	*hlen = len;
	return len;
}

/* hdr_line_end - the end of the line starting at p (exclusive of LF) */
static size_t
hdr_line_end(const char *p, size_t len, size_t at)
{
	const char *nl = memchr(p + at, '\n', len - at);

	return nl ? (size_t)(nl - p) : len;
}

/* hdr_is_name - whether the line starts with a field name and colon */
static size_t
hdr_is_name(const char *p, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ':')
			return i;
		if (c <= 32 || c >= 127)
			return 0;
	}
	return 0;
}

/* hdr_parse - split a header block into raw fields */
void
hdr_parse(struct hdr *h, const char *p, size_t len)
{
	struct buf *value;
	char	*name = NULL;
	size_t	 at = 0;

	value = buf_alloc(256);
	while (at < len) {
		size_t	 end = hdr_line_end(p, len, at);
		size_t	 stop = end;
		size_t	 colon;

		if (stop > at && p[stop - 1] == '\r')
			stop--;
		if ((p[at] == ' ' || p[at] == '\t') && h->n + (name != NULL)) {
			if (name != NULL) {
				buf_putc(value, '\n');
				buf_append(value, p + at, stop - at);
			} else {
				struct hdr_field *last = &h->f[h->n - 1];
				char	*v = xasprintf("%s\n%.*s", last->value,
				    (int)(stop - at), p + at);

				free(last->value);
				last->value = v;
			}
		} else {
			if (name != NULL) {
				hdr_push(h, name, xstrdup(value->data));
				name = NULL;
			}
			colon = hdr_is_name(p + at, stop - at);
			if (colon > 0) {
				name = xstrndup(p + at, colon);
				buf_reset(value);
				buf_append(value, p + at + colon + 1,
				    stop - at - colon - 1);
			} else {
				hdr_push(h, NULL, xstrndup(p + at, stop - at));
			}
		}
		at = end < len ? end + 1 : len;
	}
	if (name != NULL)
		hdr_push(h, name, xstrdup(value->data));
	value = buf_free(value);
}

/* hdr_name_match - whether a field name matches a name or prefix* */
int
hdr_name_match(const char *name, const char *pattern)
{
	size_t	 n = strlen(pattern);

	if (name == NULL)
		return 0;
	if (n > 0 && pattern[n - 1] == '*')
		return strncasecmp(name, pattern, n - 1) == 0;
	return strcasecmp(name, pattern) == 0;
}

/* hdr_get - the raw value of the first field of that name, or NULL */
const char *
hdr_get(const struct hdr *h, const char *name)
{
	size_t	 i;

	for (i = 0; i < h->n; i++)
		if (hdr_name_match(h->f[i].name, name))
			return h->f[i].value;
	return NULL;
}

/* hdr_count - how many fields have that name */
size_t
hdr_count(const struct hdr *h, const char *name)
{
	size_t	 i, n = 0;

	for (i = 0; i < h->n; i++)
		if (hdr_name_match(h->f[i].name, name))
			n++;
	return n;
}

/* hdr_remove - delete every field matching the pattern */
size_t
hdr_remove(struct hdr *h, const char *pattern)
{
	size_t	 i, j, gone = 0;

	for (i = j = 0; i < h->n; i++) {
		if (hdr_name_match(h->f[i].name, pattern)) {
			free(h->f[i].name);
			free(h->f[i].value);
			gone++;
		} else {
			h->f[j++] = h->f[i];
		}
	}
	h->n = j;
	return gone;
}

/* hdr_set - replace the first field of that name, drop the others */
void
hdr_set(struct hdr *h, const char *name, const char *value)
{
	size_t	 i, j;
	int	 done = 0;

	for (i = j = 0; i < h->n; i++) {
		if (!hdr_name_match(h->f[i].name, name)) {
			h->f[j++] = h->f[i];
			continue;
		}
		if (done) {
			free(h->f[i].name);
			free(h->f[i].value);
			continue;
		}
		free(h->f[i].value);
		h->f[i].value = xstrdup(value);
		h->f[j++] = h->f[i];
		done = 1;
	}
	h->n = j;
	if (!done)
		hdr_add(h, name, value);
}

/* hdr_add - append a field */
void
hdr_add(struct hdr *h, const char *name, const char *value)
{
	hdr_push(h, xstrdup(name), xstrdup(value));
}

/* hdr_write - the header block, LF line ends, without the blank line */
void
hdr_write(const struct hdr *h, struct buf *out)
{
	size_t	 i;

	for (i = 0; i < h->n; i++) {
		if (h->f[i].name != NULL) {
			buf_puts(out, h->f[i].name);
			buf_putc(out, ':');
		}
		buf_puts(out, h->f[i].value);
		buf_putc(out, '\n');
	}
}

/* hdr_unfold - a value on one line, trimmed, malloc'ed */
char *
hdr_unfold(const char *value)
{
	struct buf *b;
	const char *p;

	b = buf_alloc(strlen(value));
	for (p = value; *p; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		buf_putc(b, *p);
	}
	while (b->len > 0 && isspace((unsigned char)b->data[b->len - 1]))
		buf_truncate(b, b->len - 1);
	p = b->data;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (p != b->data) {
		char	*s = xstrdup(p);

		b = buf_free(b);
		return s;
	}
	return buf_steal(b);
}

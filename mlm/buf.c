/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	buf - length-aware growable byte buffer
 * SYNOPSIS
 *	#include "buf.h"
 * DESCRIPTION
 *	Holds message text, header values and error reasons. The buffer
 *	grows by doubling, checks for size_t overflow before growing, and
 *	keeps a NUL after the data. buf_free() returns a null pointer.
 *	buf_set() replaces the content; it is the usual way for library
 *	code to report why something failed.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "buf.h"
#include "xmem.h"

/* buf_alloc - create an empty buffer with room for len bytes */
struct buf *
buf_alloc(size_t len)
{
	struct buf *b;

	b = xmalloc(sizeof(*b));
	b->size = (len < 16 ? 16 : len) + 1;
	b->data = xmalloc(b->size);
	b->len = 0;
	b->data[0] = '\0';
	return b;
}

/* buf_free - destroy a buffer; returns a null pointer */
struct buf *
buf_free(struct buf *b)
{
	if (b != NULL) {
		free(b->data);
		free(b);
	}
	return NULL;
}

/* buf_reset - make the buffer empty, keeping its storage */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

/* buf_truncate - shorten the data to len bytes */
void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

/* buf_reserve - make room for len more bytes and the spare NUL */
void
buf_reserve(struct buf *b, size_t len)
{
	size_t	 need;
	size_t	 size;

	if (len > (size_t)-1 - b->len - 1) {
		fprintf(stderr, "4.3.0 buffer size overflow\n");
		exit(EX_TEMPFAIL);
	}
	need = b->len + len + 1;
	if (need <= b->size)
		return;
	size = b->size;
	while (size < need)
		size = size > (size_t)-1 / 2 ? need : size * 2;
	b->data = xrealloc(b->data, size);
	b->size = size;
}

/* buf_append - append len bytes */
void
buf_append(struct buf *b, const void *p, size_t len)
{
	if (len == 0)
		return;
	buf_reserve(b, len);
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* buf_puts - append a C string */
void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* buf_putc - append one byte */
void
buf_putc(struct buf *b, int c)
{
	char	 ch = (char)c;

	buf_append(b, &ch, 1);
}

/* buf_vprintf - append formatted text */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

/* buf_printf - append formatted text */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* buf_set - replace the content with formatted text */
void
buf_set(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	buf_reset(b);
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* buf_steal - take the data as a malloc'ed string and free the buffer */
char *
buf_steal(struct buf *b)
{
	char	*p = b->data;

	free(b);
	return p;
}

/* buf_str - the data as a C string */
const char *
buf_str(const struct buf *b)
{
	return b->data;
}

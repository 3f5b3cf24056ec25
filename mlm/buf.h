/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_BUF_H
#define MLM_BUF_H

/*
 * buf - length-aware growable byte buffer
 *
 * A buf holds binary data (NUL bytes allowed) and always keeps one spare
 * NUL after the data, so b->data may be used as a C string when the data
 * holds no NUL. Growth checks for overflow; allocation never fails (see
 * xmem.h). The data pointer changes when the buffer grows: do not keep it
 * across appends.
 */

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;		/* allocated, including the spare NUL */
};

struct buf	*buf_alloc(size_t);
struct buf	*buf_free(struct buf *);
void		 buf_reset(struct buf *);
void		 buf_truncate(struct buf *, size_t);
void		 buf_reserve(struct buf *, size_t);
void		 buf_append(struct buf *, const void *, size_t);
void		 buf_puts(struct buf *, const char *);
void		 buf_putc(struct buf *, int);
void		 buf_printf(struct buf *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
void		 buf_vprintf(struct buf *, const char *, va_list);
void		 buf_set(struct buf *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
char		*buf_steal(struct buf *);
const char	*buf_str(const struct buf *);

/* Convenience for why buffers: set the reason unless b is NULL. */
#define BUF_WHY(b, ...) do { if ((b) != NULL) buf_set((b), __VA_ARGS__); } \
	while (0)

#endif

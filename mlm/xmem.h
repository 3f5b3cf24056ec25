/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_XMEM_H
#define MLM_XMEM_H

/*
 * xmem - memory allocation that succeeds or does not return
 *
 * Each function either returns usable memory or ends the program with
 * EX_TEMPFAIL and a "4.3.0" line, so that the MTA retries the mail.
 */

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	*xfree(void *);

#endif

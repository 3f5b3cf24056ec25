/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	xmem - memory allocation that succeeds or does not return
 * DESCRIPTION
 *	Wrappers around malloc(3) and friends. Running out of memory is
 *	a temporary condition for a mail program: the wrappers end the
 *	process with EX_TEMPFAIL so the MTA keeps the mail and retries.
 *	xfree() returns a null pointer, so callers write p = xfree(p).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "xmem.h"

/* xmem_oom - give up on memory exhaustion, asking the MTA to retry */
static void
xmem_oom(size_t len)
{
	fprintf(stderr, "4.3.0 out of memory (%zu bytes)\n", len);
	exit(EX_TEMPFAIL);
}

/* xmalloc - allocate len bytes */
void *
xmalloc(size_t len)
{
	void	*p;

	if ((p = malloc(len ? len : 1)) == NULL)
		xmem_oom(len);
	return p;
}

/* xcalloc - allocate a zeroed array, checking the product */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (size && n > (size_t)-1 / size)
		xmem_oom((size_t)-1);
	if ((p = calloc(n ? n : 1, size ? size : 1)) == NULL)
		xmem_oom(n * size);
	return p;
}

/* xrealloc - resize an allocation */
void *
xrealloc(void *old, size_t len)
{
	void	*p;

	if ((p = realloc(old, len ? len : 1)) == NULL)
		xmem_oom(len);
	return p;
}

/* xstrdup - copy a string */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* xstrndup - copy at most len bytes of a string, null-terminated */
char *
xstrndup(const char *s, size_t len)
{
	char	*p;
	size_t	 n;

	n = strnlen(s, len);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* xasprintf - format into a new string */
char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		xmem_oom(0);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* xfree - release memory; returns a null pointer for p = xfree(p) */
void *
xfree(void *p)
{
	free(p);
	return NULL;
}

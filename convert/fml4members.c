/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	fml4members - the line grammar of fml4's members and actives files
 * SYNOPSIS
 *	#include "fml4members.h"
 * DESCRIPTION
 *	fml4members_line() works on one line in place, without allocating,
 *	so that a list of any size is read at the speed of the disk. Words
 *	are separated by spaces and tabs; only the first word of an entry
 *	is the address. A word starting with "#" ends the entry (a
 *	trailing comment in any charset).
 * DIAGNOSTICS
 *	The kind FML4M_BAD for a word longer than the entry can hold.
 * BUGS
 *	A bare relay host is told from an unknown word by its dot only.
 */

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "fml4members.h"

/* A word of a line: pointer and length. */
struct fml4members_word {
	const char *p;
	size_t	 n;
};

/* fml4members_space - a word separator */
static int
fml4members_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* fml4members_words - split s[0..n) into at most max words */
static size_t
fml4members_words(const char *s, size_t n, struct fml4members_word *w,
    size_t max)
{
	size_t	 i = 0, k = 0, b;

	while (k < max) {
		while (i < n && fml4members_space((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		b = i;
		while (i < n && !fml4members_space((unsigned char)s[i]))
			i++;
		w[k++] = (struct fml4members_word){ .p = s + b, .n = i - b };
	}
	return k;
}

/* fml4members_copy - copy a word into a bounded string; 0 if too long */
static int
fml4members_copy(char *dst, size_t size, const char *p, size_t n)
{
	if (n >= size)
		return 0;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 1;
}

/* fml4members_is - does the word equal s, ignoring case? */
static int
fml4members_is(const struct fml4members_word *w, const char *s)
{
	return w->n == strlen(s) && strncasecmp(w->p, s, w->n) == 0;
}

/* fml4members_options - the words after the address */
static int
fml4members_options(struct fml4members_word *w, size_t nw,
    struct fml4members_entry *e)
{
	struct fml4members_word *o;
	size_t	 i;

	for (i = 1; i < nw; i++) {
		o = &w[i];
		if (o->p[0] == '#')
			break;
		if (o->n >= 2 && (o->p[0] == 'm' || o->p[0] == 'M') &&
		    o->p[1] == '=') {
			e->has_digest = 1;
			if (!fml4members_copy(e->digest, sizeof(e->digest),
			    o->p + 2, o->n - 2))
				return 0;
		} else if (o->n >= 2 && (o->p[0] == 's' || o->p[0] == 'S') &&
		    o->p[1] == '=') {
			e->skip = 1;
		} else if (o->n >= 2 && (o->p[0] == 'r' || o->p[0] == 'R') &&
		    o->p[1] == '=') {
			if (!fml4members_copy(e->relay, sizeof(e->relay),
			    o->p + 2, o->n - 2))
				return 0;
		} else if (fml4members_is(o, "matome")) {
			e->has_digest = e->v1 = 1;
			if (i + 1 < nw && w[i + 1].p[0] != '#') {
				i++;
				if (!fml4members_copy(e->digest,
				    sizeof(e->digest), w[i].p, w[i].n))
					return 0;
			}
		} else if (fml4members_is(o, "skip")) {
			e->skip = e->v1 = 1;
		} else if (memchr(o->p, '=', o->n) == NULL &&
		    memchr(o->p, '.', o->n) != NULL) {
			e->v1 = 1;
			if (!fml4members_copy(e->relay, sizeof(e->relay),
			    o->p, o->n))
				return 0;
		} else if (e->unknown[0] == '\0') {
			fml4members_copy(e->unknown, sizeof(e->unknown),
			    o->p, o->n < FML4M_OPT_MAX ? o->n : FML4M_OPT_MAX);
		}
	}
	return 1;
}

/* fml4members_name_form - "Name <addr>" or "<addr>": the address */
static int
fml4members_name_form(const char *s, size_t n, struct fml4members_entry *e)
{
	const char *lt = memchr(s, '<', n);
	const char *gt;

	if (lt == NULL)
		return 0;
	gt = memchr(lt, '>', n - (size_t)(lt - s));
	e->kind = FML4M_NAME;
	if (gt == NULL || !fml4members_copy(e->addr, sizeof(e->addr),
	    lt + 1, (size_t)(gt - lt - 1)))
		e->addr[0] = '\0';
	return 1;
}

/* fml4members_line - classify one line of a members or actives file */
int
fml4members_line(struct fml4members_state *st, const char *s, size_t n,
    struct fml4members_entry *e)
{
	struct fml4members_word w[16];
	const char *body = s;
	size_t	 nw, bn = n;

	*e = (struct fml4members_entry){ .kind = FML4M_NONE };
	while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (st->mode == FML4M_FML8) {
		nw = fml4members_words(s, n, w, 1);
		if (nw == 0 || w[0].p[0] == '#')
			return e->kind;
		e->kind = FML4M_ACTIVE;
		if (!fml4members_copy(e->addr, sizeof(e->addr), w[0].p,
		    w[0].n))
			e->kind = FML4M_BAD;
		return e->kind;
	}

	if (n >= 12 && strncmp(s, "#.FML HEADER", 12) == 0) {
		st->in_header = 1;
		return e->kind;
	}
	if (n >= 15 && strncmp(s, "#.endFML HEADER", 15) == 0) {
		st->in_header = 0;
		return e->kind;
	}
	if (st->in_header)
		return e->kind;
	if (n >= 2 && s[0] == '#' && s[1] == '#') {
		if (n >= 5 && strncmp(s, "##BYE", 5) == 0) {
			nw = fml4members_words(s + 5, n - 5, w, 1);
			if (nw == 1 && fml4members_copy(e->addr,
			    sizeof(e->addr), w[0].p, w[0].n))
				e->kind = FML4M_BYE;
		}
		return e->kind;
	}
	if (n > 0 && s[0] == '#') {
		body = s + 1;
		bn = n - 1;
	} else {
		bn = n;
	}

	nw = fml4members_words(body, bn, w, sizeof(w) / sizeof(w[0]));
	if (nw == 0)
		return e->kind;
	if (body == s + 1 && memchr(w[0].p, '@', w[0].n) == NULL)
		return e->kind;
	if (body == s && nw == 1 && w[0].n == 1 && w[0].p[0] == '+') {
		e->kind = FML4M_ANYONE;
		return e->kind;
	}
	if (w[0].p[0] == '#')
		return e->kind;
	if ((w[0].p[0] == '<' || memchr(w[0].p, '@', w[0].n) == NULL) &&
	    fml4members_name_form(body, bn, e))
		return e->kind;
	e->leading_space = body == s && fml4members_space((unsigned char)s[0]);
	if (!fml4members_copy(e->addr, sizeof(e->addr), w[0].p, w[0].n) ||
	    !fml4members_options(w, nw, e)) {
		e->kind = FML4M_BAD;
		return e->kind;
	}
	e->kind = body == s ? FML4M_ACTIVE : FML4M_OFF;
	return e->kind;
}

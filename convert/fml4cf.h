/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_FML4CF_H
#define MLM_FML4CF_H

/*
 * fml4cf - read an fml4 config.ph without running Perl
 *
 * fml4cf_load() parses the subset of Perl that fml4's makefml and list
 * administrators write: "$NAME = value;" and "$NAME .= value;" with
 * numbers, "..." and qq strings (escapes, \@, interpolation of $DIR and
 * of variables set earlier), '...' and q strings with any delimiter
 * (q#...#, q{...} and so on), values joined with ".", comments, the
 * final "1;" (which may be missing), and macro calls "&NAME(args);".
 * &DEFINE_SUBJECT_TAG('type') sets SUBJECT_TAG_TYPE, as fml4 does; the
 * other calls are recorded. Everything else (arrays, hashes, "||"
 * forms, require, sub, if ...) is skipped to the end of its statement
 * and recorded as a note with its line; so are interpolations that
 * cannot be done (array or hash elements, unescaped "@").
 *
 * Text is bytes: EUC-JP, Shift_JIS and ISO-2022-JP pass through
 * unchanged, and a CR before LF is dropped. Several files may be loaded
 * into one fml4cf in order (site_init.ph, config.ph, site_force.ph);
 * later assignments win.
 *
 * Values, names and origins ("config.ph:12") belong to the fml4cf and
 * stay valid until fml4cf_free(). fml4cf_load() returns 0, EX_NOINPUT
 * for a missing file (unless FML4CF_MISSING_OK), EX_DATAERR for a file
 * over 16 MB or EX_IOERR, with the reason in why.
 */

#include <stddef.h>

#include "buf.h"

struct fml4cf_var {
	char	*name;			/* without "$" */
	char	*value;
	char	*origin;		/* "config.ph:12" */
};

struct fml4cf_call {
	char	*name;			/* without "&" */
	char	**args;
	size_t	 nargs;
	char	*origin;
	int	 handled;		/* DEFINE_SUBJECT_TAG */
};

struct fml4cf_note {
	char	*origin;
	char	*text;			/* what was not understood */
};

struct fml4cf {
	struct fml4cf_var *var;
	size_t	 nvar;
	struct fml4cf_call *call;
	size_t	 ncall;
	struct fml4cf_note *note;
	size_t	 nnote;
	int	 final_true;		/* the last file ended with "1;" */
};

#define FML4CF_MISSING_OK	1

struct fml4cf	*fml4cf_new(const char *);
struct fml4cf	*fml4cf_free(struct fml4cf *);
int		 fml4cf_load(struct fml4cf *, const char *, const char *, int,
		    struct buf *);
void		 fml4cf_parse(struct fml4cf *, const char *, size_t,
		    const char *);
const struct fml4cf_var *fml4cf_find(const struct fml4cf *, const char *);
const char	*fml4cf_get(const struct fml4cf *, const char *);
void		 fml4cf_set(struct fml4cf *, const char *, const char *,
		    const char *);

#endif

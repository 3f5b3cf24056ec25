/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_CFG_H
#define MLM_CFG_H

/*
 * cfg - layered configuration in fml8's config.cf syntax
 *
 * A cfg is a set of variables built from layers loaded in order: the
 * built-in defaults (mlm/defaults.cf compiled in), the site's
 * default_config.cf, then the list's config.cf. Syntax per layer:
 *
 *	name = value		replaces the value from earlier layers
 *	name += words		appends words to the current value
 *	name -= words		removes those words from the current value
 *	  continuation		an indented line continues the previous value
 *	# comment		ignored, as are blank lines
 *	=cut			ends the file (Perl hooks may follow)
 *
 * Values are stored as written; "$name" and "${name}" are expanded when
 * a value is read (lazily, as fml8 does), recursively, with a depth
 * limit. An undefined variable expands to the empty string.
 *
 * "$$" is a literal "$", and so is a "$" that no name follows. A loop
 * ("a = $b", "b = $a") expands to the empty string at the point where
 * it closes.
 *
 * A variable is "known" when the built-in defaults define it (possibly
 * empty), or cfg_declare() defined it. Loading a layer that sets an
 * unknown variable adds a warning "ORIGIN:LINE: unknown variable NAME"
 * to the cfg, which cfg_warnings() returns; a cfg with no known names
 * at all records none. cfg_set() never warns.
 *
 * cfg_set() before cfg_load_defaults() presets a value: the defaults
 * are the bottom layer and do not replace it, while the layers loaded
 * after them do. Values given to cfg_set() and cfg_declare() are raw:
 * a "$" in them is expanded on read.
 *
 * cfg_bool() is 1 for yes, y, on, true or 1 in any case, else 0.
 * cfg_long() gives the default unless the whole value is a decimal
 * number within range.
 *
 * Loaders return 0, or EX_CONFIG with "ORIGIN:LINE: reason" in why for
 * a line that does not parse (the cfg is then unchanged), EX_CONFIG
 * for a missing file without CFG_MISSING_OK, and EX_TEMPFAIL for a
 * file that cannot be read.
 *
 * cfg_file_add_line() adds one line to a config.cf file, before its
 * "=cut" line when it has one. cfg_file_write() replaces a file with
 * new content atomically (temporary file, fsync, rename); an existing
 * file keeps its mode and owner, a new one gets the given mode. Both
 * return 0 or a sysexits status (EX_DATAERR, EX_CANTCREAT, EX_IOERR,
 * EX_NOPERM) with the reason in why.
 *
 * Lifetime: strings returned by cfg_get(), cfg_raw(), cfg_words(),
 * cfg_names() and cfg_warnings() belong to the cfg and stay valid until
 * the cfg is changed (cfg_set, cfg_declare, a load) or freed. A name
 * that is not defined gives NULL from cfg_get() and cfg_raw(), and an
 * empty array from cfg_words().
 */

#include <stddef.h>

#include "buf.h"

struct cfg;

struct cfg	*cfg_new(void);
struct cfg	*cfg_free(struct cfg *);
int		 cfg_load_defaults(struct cfg *, struct buf *);
int		 cfg_load_file(struct cfg *, const char *, int, struct buf *);
int		 cfg_load_text(struct cfg *, const char *, size_t,
		    const char *, struct buf *);
void		 cfg_set(struct cfg *, const char *, const char *);
void		 cfg_declare(struct cfg *, const char *, const char *);
const char	*cfg_get(struct cfg *, const char *);
const char	*cfg_raw(struct cfg *, const char *);
int		 cfg_defined(struct cfg *, const char *);
int		 cfg_known(struct cfg *, const char *);
int		 cfg_bool(struct cfg *, const char *);
long		 cfg_long(struct cfg *, const char *, long);
char	       **cfg_words(struct cfg *, const char *);
int		 cfg_has_word(struct cfg *, const char *, const char *);
const char     **cfg_names(struct cfg *);
const char     **cfg_warnings(struct cfg *);
void		 cfg_check_refs(struct cfg *);
char		*cfg_expand(struct cfg *, const char *);
int		 cfg_file_add_line(const char *, const char *, struct buf *);
int		 cfg_file_write(const char *, const char *, size_t, int,
		    struct buf *);

/* cfg_load_file flags */
#define CFG_MISSING_OK	1	/* a missing file is not an error */

#endif

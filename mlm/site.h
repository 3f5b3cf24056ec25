/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_SITE_H
#define MLM_SITE_H

/*
 * site - the site configuration and the lists it holds
 *
 * The site directory is MLM_CONFIG_DIR when that environment variable is
 * set, otherwise the compiled-in default (PREFIX/etc/mlm), unless the
 * caller names one (the -c option of the pipe programs). It holds:
 *
 *	main.cf			site variables, fml8 syntax, later lines win:
 *				default_ml_home_prefix, default_domain,
 *				executable_prefix, fml_owner, fml_group,
 *				postfix_* settings for the map generator
 *	ml_home_prefix		virtual domains: "domain<TAB>dir" lines,
 *				domains compared case-insensitively
 *	default_config.cf	site layer of every list's configuration
 *
 * A list is named "name@domain", or "name" in the default domain. Its
 * home is ml_home_prefix/name, where ml_home_prefix is the domain's
 * directory from the map, or default_ml_home_prefix for the default
 * domain.
 *
 * Functions returning int give 0 or a sysexits status with the reason
 * in why: EX_USAGE for a malformed name, domain or directory, EX_CONFIG
 * for a bad main.cf or list configuration, EX_DATAERR for an unknown
 * domain or a conflicting map change, EX_NOUSER "no such list: ML" from
 * ml_open(), EX_TEMPFAIL when a file cannot be read. Strings returned
 * through pointers are malloc'ed and belong to the caller; on error
 * they are NULL. main.cf warnings are in cfg_warnings(site->main), a
 * list's in cfg_warnings(ml->cfg). site_domains() returns NULL when the
 * map cannot be read. ml_load_config() leaves ml->cfg as it was when a
 * layer fails to load.
 */

#include "buf.h"
#include "cfg.h"

struct site {
	char		*confdir;	/* the site directory */
	int		 confdir_default; /* confdir is the compiled-in one */
	struct cfg	*main;		/* main.cf, expanded on read */
};

struct ml {
	char		*name;		/* "elena" */
	char		*domain;	/* "example.org" */
	char		*address;	/* "elena@example.org" */
	char		*home_prefix;	/* ml_home_prefix */
	char		*home;		/* ml_home_dir */
	struct cfg	*cfg;		/* all layers; variables ml_name, ... */
	struct site	*site;		/* not owned */
};

int		 site_open(const char *, struct site **, struct buf *);
struct site	*site_free(struct site *);
const char	*site_get(struct site *, const char *);
int		 site_parse_ml(struct site *, const char *, char **, char **,
		    struct buf *);
int		 site_home_prefix(struct site *, const char *, char **,
		    struct buf *);
int		 site_domain_add(struct site *, const char *, const char *,
		    struct buf *);
int		 site_domain_remove(struct site *, const char *,
		    struct buf *);
char	       **site_domains(struct site *);

int		 ml_open(struct site *, const char *, struct ml **,
		    struct buf *);
int		 ml_locate(struct site *, const char *, struct ml **,
		    struct buf *);
int		 ml_load_config(struct ml *, struct buf *);
struct ml	*ml_free(struct ml *);
char		*ml_path(const struct ml *, const char *);
const char	*ml_get(struct ml *, const char *);

#endif

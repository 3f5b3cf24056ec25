/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_ALIASGEN_H
#define MLM_ALIASGEN_H

/*
 * aliasgen - Postfix alias and virtual map blocks for the lists
 *
 * Each list owns one marked block in ml_home_prefix/etc/mail/aliases,
 * and for a virtual domain one more in ml_home_prefix/etc/postfix/virtual:
 *
 *	### <ALIASES elena@example.org ML> ###
 *	...
 *	### </ALIASES elena@example.org ML> ###
 *
 * (kind "VIRTUAL" for the virtual map). A block is replaced in place,
 * appended when missing, or removed; text outside the blocks is kept
 * byte for byte, so regenerating a file twice gives the same bytes.
 *
 * Text functions work on a struct buf and never touch the file system.
 * File functions read a whole map source, change it in memory and write
 * it back atomically (temporary file, fsync, rename), mode 0644, so that
 * Postfix daemons can read the tables built from it.
 *
 * The Postfix handle learns the parameters that decide the form of the
 * blocks and what "makefml check" reports: from postconf(1) when it runs,
 * else from main.cf (with Postfix's stock defaults for what main.cf does
 * not set), else from the defaults alone. Programs are run with
 * fork/execv and an argument vector, never through a shell.
 *
 * Every function that can fail returns 0 or a sysexits status with the
 * reason in why.
 */

#include <stddef.h>

#include "buf.h"

#define AG_ALIASES	"ALIASES"
#define AG_VIRTUAL	"VIRTUAL"

struct aliasgen_list {
	const char *name;		/* "elena" */
	const char *domain;		/* "example.org" */
	const char *home;		/* ml_home_dir */
	const char *owner;		/* target of owner-* and ML-admin */
	int	 virtual;		/* keys are name=domain */
	const char *local_domain;	/* virtual: delivered locally */
};

/* One home prefix in use: its map sources and the domain it serves. */
struct aliasgen_map {
	const char *domain;
	const char *alias_file;
	const char *virtual_file;	/* NULL for the default domain */
};

/* One list store, for the mailbox_size_limit check. */
struct aliasgen_store {
	const char *address;
	const char *path;
	size_t	 size;
	size_t	 map_size;		/* db_map_size: its growth limit */
};

struct aliasgen_postfix;

int	 aliasgen_name_valid(const char *, struct buf *);
int	 aliasgen_domain_valid(const char *, struct buf *);
int	 aliasgen_path_valid(const char *, struct buf *);
void	 aliasgen_alias_block(const struct aliasgen_list *, struct buf *);
void	 aliasgen_virtual_block(const struct aliasgen_list *, struct buf *);
void	 aliasgen_include(const char *, const char *, const char *,
	    const char *, struct buf *);
char	**aliasgen_keys(const struct aliasgen_list *, const char *);
int	 aliasgen_replace(struct buf *, const char *, const char *,
	    const char *, int *);
char	**aliasgen_blocks(const char *, size_t, const char *);
const char *aliasgen_key_taken(const char *, size_t, const char *,
	    char **, const char *);
char	**aliasgen_words(const char *);
char	**aliasgen_argv_free(char **);

int	 aliasgen_file_read(const char *, struct buf *, struct buf *);
int	 aliasgen_file_write(const char *, const struct buf *,
	    struct buf *);
int	 aliasgen_file_update(const char *, const char *, const char *,
	    const char *, int *, struct buf *);

int	 aliasgen_postfix_open(const char *, const char *,
	    struct aliasgen_postfix **, struct buf *);
struct aliasgen_postfix *aliasgen_postfix_free(struct aliasgen_postfix *);
const char *aliasgen_postfix_source(const struct aliasgen_postfix *);
const char *aliasgen_postfix_get(const struct aliasgen_postfix *,
	    const char *);
const char *aliasgen_postfix_dbtype(const struct aliasgen_postfix *);
int	 aliasgen_postfix_run(const struct aliasgen_postfix *, const char *,
	    const char *, struct buf *);
const char *aliasgen_postfix_query(const struct aliasgen_postfix *,
	    char **, const char *);
char	*aliasgen_local_domain(const struct aliasgen_postfix *,
	    const char *, char **);
int	 aliasgen_map_listed(const char *, const char *);
int	 aliasgen_check(const struct aliasgen_postfix *,
	    const struct aliasgen_map *, size_t,
	    const struct aliasgen_store *, size_t, struct buf *);

#endif

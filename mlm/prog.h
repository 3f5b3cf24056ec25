/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_PROG_H
#define MLM_PROG_H

/*
 * prog - entry points of the programs in the multi-call binary
 */

int	makefml_main(int, char **);
int	distribute_main(int, char **);
int	command_main(int, char **);
int	error_main(int, char **);

struct site;
struct buf;
struct ml;
struct db;
struct store;
struct error_watch;

int	error_makefml(struct site *, int, char **, struct buf *);
struct error_watch *error_watch_open(struct ml *, struct db *,
	    struct store *);
void	error_watch_event(void *, const char *, const char *, const char *);
struct error_watch *error_watch_close(struct error_watch *);

#endif

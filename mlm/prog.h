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
int	error_makefml(struct site *, int, char **, struct buf *);

#endif

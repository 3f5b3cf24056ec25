/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_PIPE_H
#define MLM_PIPE_H

/*
 * pipe - what every program the MTA pipes into does first
 *
 * pipe_args() reads "[-c confdir] [--parse] ML" style command lines.
 * pipe_open() opens the site, finds the list, switches to the list's
 * owner when started as root (before it touches any list file), loads
 * the list's configuration and sends the log to the list log. On
 * failure it ends the program: EX_NOUSER for a list that does not
 * exist (the MTA bounces the mail: nobody is there), EX_TEMPFAIL for
 * everything else, so that the MTA keeps the mail.
 */

#include "site.h"

struct pipe_args {
	const char	*confdir;	/* -c, or NULL */
	const char	*ml;		/* the list, or NULL */
	int		 parse;		/* --parse */
};

int	pipe_args(int, char **, int, struct pipe_args *);
void	pipe_open(const struct pipe_args *, struct site **, struct ml **);
void	pipe_close(struct site **, struct ml **);

#define PIPE_ML_OPTIONAL	1	/* pipe_args: ML may be missing */
#define PIPE_PARSE_OK		2	/* pipe_args: --parse is accepted */

#endif

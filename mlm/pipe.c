/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	pipe - what every program the MTA pipes into does first
 * SYNOPSIS
 *	#include "pipe.h"
 * DESCRIPTION
 *	Shared by distribute, command and error. The MTA passes no
 *	environment, so the site directory comes from -c when it is not
 *	the compiled-in one.
 * DIAGNOSTICS
 *	pipe_args() returns 0, or EX_USAGE after printing the usage line.
 *	pipe_open() does not return on failure.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "msg.h"
#include "pipe.h"
#include "priv.h"
#include "site.h"
#include "xmem.h"

/* pipe_args - the options and the list name */
int
pipe_args(int argc, char **argv, int flags, struct pipe_args *a)
{
	int	 i;

	a->confdir = NULL;
	a->ml = NULL;
	a->parse = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			a->confdir = argv[++i];
		else if (strcmp(argv[i], "--parse") == 0 &&
		    (flags & PIPE_PARSE_OK))
			a->parse = 1;
		else if (argv[i][0] == '-' || a->ml != NULL)
			goto usage;
		else
			a->ml = argv[i];
	}
	if (a->ml != NULL || (flags & PIPE_ML_OPTIONAL))
		return 0;
usage:
	fprintf(stderr, "usage: %s [-c confdir]%s %s\n", msg_progname(),
	    (flags & PIPE_PARSE_OK) ? " [--parse]" : "",
	    (flags & PIPE_ML_OPTIONAL) ? "[ML]" : "ML");
	return EX_USAGE;
}

/* pipe_exists - EX_NOUSER unless the list has a config.cf */
static int
pipe_exists(struct ml *ml, struct buf *why)
{
	struct stat st;
	char	*path = ml_path(ml, "config.cf");
	int	 status = 0;

	if (stat(path, &st) < 0 && errno == ENOENT) {
		BUF_WHY(why, "no such list: %s", ml->address);
		status = EX_NOUSER;
	}
	path = xfree(path);
	return status;
}

/* pipe_open - the site and the list, as the list's owner */
void
pipe_open(const struct pipe_args *a, struct site **sitep, struct ml **mlp)
{
	struct buf *why = buf_alloc(256);
	int	 status;

	if ((status = site_open(a->confdir, sitep, why)) != 0 ||
	    (status = ml_locate(*sitep, a->ml, mlp, why)) != 0 ||
	    (status = pipe_exists(*mlp, why)) != 0 ||
	    (status = priv_drop_to_owner((*mlp)->home, why)) != 0 ||
	    (status = ml_load_config(*mlp, why)) != 0)
		msg_fatal(status == EX_NOUSER ? EX_NOUSER : EX_TEMPFAIL, "%s",
		    why->data);
	msg_logfile(ml_get(*mlp, "log_file"));
	why = buf_free(why);
}

/* pipe_close - release what pipe_open made */
void
pipe_close(struct site **sitep, struct ml **mlp)
{
	*mlp = ml_free(*mlp);
	*sitep = site_free(*sitep);
}

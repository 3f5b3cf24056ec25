/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	error - the list's bounce address (ML-error)
 * SYNOPSIS
 *	error [-c confdir] ML
 * DESCRIPTION
 *	Keeps each bounce as a file in error_mail_keep_dir (var/error),
 *	named by its arrival time and process id, and logs one line with
 *	the envelope recipient and the bounce's Subject. Bounces are
 *	never answered.
 * BUGS
 *	The bounce is not analysed yet: no address is recorded or removed.
 * DIAGNOSTICS
 *	Exit 0 when the bounce was kept, EX_TEMPFAIL when it could not be,
 *	EX_NOUSER for an unknown list.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "msg.h"
#include "pipe.h"
#include "post.h"
#include "prog.h"
#include "site.h"
#include "spool.h"
#include "xmem.h"

/* error_main - the error program */
int
error_main(int argc, char **argv)
{
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct post post;
	struct buf *why, *subj;
	struct pipe_args args;
	const char *dir;
	const char *rcpt;
	char	 stamp[32];
	char	*path;
	time_t	 now = time(NULL);

	msg_init("error", MSG_SYSLOG);
	if (pipe_args(argc, argv, 0, &args) != 0)
		return EX_USAGE;
	pipe_open(&args, &site, &ml);
	g_mime_init();
	why = buf_alloc(256);
	post_init(&post);
	if (post_read(&post, 0, 1024000, 10240000, why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	post_parse(&post);

	dir = ml_get(ml, "error_mail_keep_dir");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		msg_fatal(EX_TEMPFAIL, "mkdir %s: %s", dir, strerror(errno));
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", localtime(&now));
	path = xasprintf("%s/%s.%ld", dir, stamp, (long)getpid());
	if (spool_write_file(path, post.raw->data, post.raw->len, 0600,
	    why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	subj = buf_alloc(128);
	post_subject_text(&post, subj);
	rcpt = getenv("ORIGINAL_RECIPIENT");
	if (rcpt == NULL)
		rcpt = getenv("RECIPIENT");
	msg_info("bounce kept in %s: recipient=%s subject=%s", path,
	    rcpt ? rcpt : "", subj->data);

	path = xfree(path);
	subj = buf_free(subj);
	post_clear(&post);
	pipe_close(&site, &ml);
	why = buf_free(why);
	g_mime_shutdown();
	return 0;
}

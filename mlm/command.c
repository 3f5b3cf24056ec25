/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	command - the list's command address (ML-ctl)
 * SYNOPSIS
 *	command [-c confdir] [--parse] ML
 * DESCRIPTION
 *	The MTA pipes each mail to the command address into command,
 *	with the envelope sender in $SENDER and the recipient in
 *	$RECIPIENT. The commands are read as cmdparse(3) says, carried
 *	out as cmdexec(3) says, and the sender gets one reply: the
 *	result of every line, or the confirmation request when that is
 *	all there is to say.
 *
 *	Automatic mail is never answered and nothing in it is done, and
 *	no address gets more than command_reply_limit replies a day;
 *	each such decision is one log line.
 *
 *	With --parse, command acts on nothing and sends nothing: it
 *	prints one line per command it would run, "unknown LINE" for
 *	each line it did not understand, and last "reply: yes" or
 *	"reply: no".
 * DIAGNOSTICS
 *	Exit 0 when the mail was dealt with (answered or skipped),
 *	EX_TEMPFAIL when it could not be, EX_NOUSER for an unknown list.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cfg.h"
#include "cmdexec.h"
#include "cmdparse.h"
#include "db.h"
#include "hdr.h"
#include "msg.h"
#include "pipe.h"
#include "post.h"
#include "prog.h"
#include "site.h"
#include "store.h"
#include "xmem.h"

/* command_print - the --parse output */
static void
command_print(const struct cmdparse *r)
{
	struct buf *line = buf_alloc(256);
	size_t	 i;

	for (i = 0; i < r->n; i++) {
		cmdparse_format(&r->item[i], line);
		printf("%s\n", line->data);
	}
	printf("reply: %s\n", r->automatic ? "no" : "yes");
	line = buf_free(line);
}

/* command_read - the mail from standard input, parsed */
static void
command_read(struct ml *ml, struct post *post, struct buf *why)
{
	const char *s;

	post_init(post);
	if (post_read(post, 0, (size_t)cfg_long(ml->cfg,
	    "incoming_mail_header_size_limit", 102400),
	    (size_t)cfg_long(ml->cfg, "incoming_mail_body_size_limit",
	    10240000), why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	if ((s = getenv("SENDER")) != NULL)
		post->envelope = xstrdup(s);
	post_parse(post);
}

/* command_main - the command program */
int
command_main(int argc, char **argv)
{
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct post post;
	struct cmdparse r;
	struct buf *why;
	struct pipe_args args;
	struct cmdparse_mail m;
	int	 status = 0;

	msg_init("command", MSG_SYSLOG);
	if (pipe_args(argc, argv, PIPE_PARSE_OK, &args) != 0)
		return EX_USAGE;
	pipe_open(&args, &site, &ml);
	g_mime_init();
	why = buf_alloc(256);
	command_read(ml, &post, why);

	m = (struct cmdparse_mail) {
		.hdr = &post.hdr,
		.mime = post.mime,
		.envelope = post.envelope,
		.from = post.sender,
		.list_id = ml_get(ml, "list_id"),
		.max_lines = (size_t)cfg_long(ml->cfg,
		    "command_mail_line_limit", CMDPARSE_LINES_MAX),
	};
	cmdparse_run(&m, &r);
	if (args.parse)
		command_print(&r);
	else if (r.automatic != NULL)
		msg_info("command mail from %s not answered: %s",
		    post.envelope && *post.envelope ? post.envelope : "<>",
		    r.automatic);
	else
		status = cmdexec_mail(ml, &post, &r, why);

	cmdparse_free(&r);
	post_clear(&post);
	pipe_close(&site, &ml);
	why = buf_free(why);
	g_mime_shutdown();
	return status;
}

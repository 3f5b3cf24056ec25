/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	command - the list's command address (ML-ctl)
 * SYNOPSIS
 *	command [-c confdir] ML
 * DESCRIPTION
 *	Answers a mail to the command address with the list's help text:
 *	$ml_home_dir/help when the list has its own, otherwise the
 *	template for the list's language. Automatic mail is never
 *	answered: a null or MAILER-DAEMON envelope sender, Auto-Submitted
 *	other than "no", Precedence bulk, junk or list, or a List-Id of
 *	another list. Each decision is one log line.
 * BUGS
 *	Commands other than help are not carried out yet; every mail gets
 *	the help text.
 * DIAGNOSTICS
 *	Exit 0 when the mail was answered or skipped, EX_TEMPFAIL when it
 *	could not be, EX_NOUSER for an unknown list.
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
#include "db.h"
#include "hdr.h"
#include "msg.h"
#include "notice.h"
#include "paths.h"
#include "pipe.h"
#include "post.h"
#include "prog.h"
#include "site.h"
#include "store.h"
#include "xmem.h"

/* command_automatic - why a mail must not be answered, or NULL */
static const char *
command_automatic(struct post *p, struct ml *ml)
{
	const char *v;
	char	*s;
	const char *why = NULL;

	if (p->envelope == NULL || *p->envelope == '\0')
		return "null envelope sender";
	if (strncasecmp(p->envelope, "MAILER-DAEMON", 13) == 0)
		return "sender is MAILER-DAEMON";
	if ((v = hdr_get(&p->hdr, "Auto-Submitted")) != NULL) {
		s = hdr_unfold(v);
		if (strncasecmp(s, "no", 2) != 0)
			why = "Auto-Submitted";
		free(s);
	}
	if (why == NULL && (v = hdr_get(&p->hdr, "Precedence")) != NULL) {
		s = hdr_unfold(v);
		if (strcasecmp(s, "bulk") == 0 || strcasecmp(s, "junk") == 0 ||
		    strcasecmp(s, "list") == 0)
			why = "Precedence";
		free(s);
	}
	if (why == NULL && (v = hdr_get(&p->hdr, "List-Id")) != NULL) {
		s = hdr_unfold(v);
		if (strstr(s, ml_get(ml, "list_id")) == NULL)
			why = "mail from another list";
		free(s);
	}
	return why;
}

/* command_help_text - the help text of the list, expanded */
static char *
command_help_text(struct ml *ml)
{
	struct buf *text;
	const char *dir = ml_get(ml, "template_dir");
	const char *lang = ml_get(ml, "language");
	char	*paths[2];
	char	 chunk[4096];
	char	*expanded;
	size_t	 n;
	FILE	*fp = NULL;
	int	 i;

	paths[0] = ml_path(ml, "help");
	paths[1] = xasprintf("%s/%s/help", dir && *dir ? dir :
	    MLM_DATADIR "/templates", lang && *lang ? lang : "en");
	text = buf_alloc(2048);
	for (i = 0; i < 2 && fp == NULL; i++)
		fp = fopen(paths[i], "r");
	if (fp != NULL) {
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_append(text, chunk, n);
		fclose(fp);
	} else {
		buf_puts(text, "Send commands for $ml_name@$ml_domain to "
		    "$command_mail_address.\n");
	}
	free(paths[0]);
	free(paths[1]);
	expanded = cfg_expand(ml->cfg, text->data);
	text = buf_free(text);
	return expanded;
}

/* command_main - the command program */
int
command_main(int argc, char **argv)
{
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	struct post post;
	struct buf *why;
	struct pipe_args args;
	const char *skip;

	msg_init("command", MSG_SYSLOG);
	if (pipe_args(argc, argv, 0, &args) != 0)
		return EX_USAGE;
	pipe_open(&args, &site, &ml);
	g_mime_init();
	why = buf_alloc(256);
	post_init(&post);
	if (post_read(&post, 0, 102400, 1024000, why) != 0)
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	if (getenv("SENDER") != NULL)
		post.envelope = xstrdup(getenv("SENDER"));
	post_parse(&post);

	if ((skip = command_automatic(&post, ml)) != NULL) {
		msg_info("command mail from %s not answered: %s",
		    post.envelope ? post.envelope : "<>", skip);
	} else if (db_open(ml_get(ml, "db_dir"), 0, &db, why) != 0 ||
	    store_open(db, &st, why) != 0) {
		msg_fatal(EX_TEMPFAIL, "%s", why->data);
	} else {
		char	*text = command_help_text(ml);
		char	*subject = xasprintf("help for %s", ml->address);
		struct notice n = {
			.to = post.sender ? post.sender : post.envelope,
			.subject = subject,
			.text = text,
		};

		if (notice_send(ml, db, st, &n, why) != 0)
			msg_fatal(EX_TEMPFAIL, "reply not queued: %s",
			    why->data);
		msg_info("help sent to %s", n.to);
		free(text);
		free(subject);
	}

	post_clear(&post);
	st = store_close(st);
	db = db_close(db);
	pipe_close(&site, &ml);
	why = buf_free(why);
	g_mime_shutdown();
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_CMDPARSE_H
#define MLM_CMDPARSE_H

/*
 * cmdparse - reading the commands of one command mail
 *
 * cmdparse_automatic() tells whether a mail is automatic and must not
 * be answered: a null envelope sender, a MAILER-DAEMON envelope sender
 * or From: local part, Auto-Submitted other than "no", Precedence
 * bulk, junk or list, or a List-Id that is not the list's own. It
 * returns a short reason or NULL.
 *
 * cmdparse_text() gives the text a person reads as UTF-8: the first
 * text/plain part in MIME order, or, when there is none, the first
 * text/html part with its markup removed. Attached messages are not
 * read.
 *
 * cmdparse_line() matches one line (blanks around it removed,
 * full-width ASCII forms and the ideographic space already turned into
 * ASCII by cmdparse_ascii()) against the commands; it returns 1 and
 * fills the item for a command, 0 for anything else.
 *
 * cmdparse_run() reads the whole mail: every line of the text, in
 * order, becomes a command item or an unknown item; blank lines,
 * quoted lines and the signature are skipped; at most max lines are
 * read (truncated is set when more were there). The Subject gives a
 * confirm command, placed first, when it is a reply to a confirmation
 * mail and the body holds no confirm command. An automatic mail gets
 * no items. cmdparse_free() releases what cmdparse_run() made.
 *
 * Strings in items are UTF-8, malloc'ed, owned by the result.
 */

#include <stddef.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "hdr.h"

#define CMDPARSE_ARGS_MAX	4
#define CMDPARSE_LINES_MAX	100

enum cmdparse_kind {
	CMDPARSE_COMMAND,
	CMDPARSE_UNKNOWN
};

struct cmdparse_item {
	enum cmdparse_kind kind;
	const char	*verb;		/* canonical verb (static), or NULL */
	char		*argv[CMDPARSE_ARGS_MAX];
	int		 argc;
	char		*line;		/* the line as read */
	int		 from_subject;	/* taken from the Subject */
};

struct cmdparse {
	const char	*automatic;	/* why not answered, or NULL */
	struct cmdparse_item *item;
	size_t		 n;
	size_t		 cap;
	int		 truncated;	/* lines left unread */
	size_t		 lines;		/* lines read */
};

struct cmdparse_mail {
	const struct hdr *hdr;		/* the raw header fields */
	GMimeMessage	*mime;		/* parsed mail, or NULL */
	const char	*envelope;	/* envelope sender, NULL if unknown */
	const char	*from;		/* From: address, or NULL */
	const char	*list_id;	/* the list's List-Id value */
	size_t		 max_lines;	/* 0: CMDPARSE_LINES_MAX */
};

const char *cmdparse_automatic(const struct cmdparse_mail *);
void	 cmdparse_text(GMimeMessage *, struct buf *);
void	 cmdparse_html_text(const char *, size_t, struct buf *);
void	 cmdparse_ascii(const char *, struct buf *);
int	 cmdparse_line(const char *, struct cmdparse_item *);
void	 cmdparse_run(const struct cmdparse_mail *, struct cmdparse *);
void	 cmdparse_free(struct cmdparse *);
void	 cmdparse_format(const struct cmdparse_item *, struct buf *);
const char *cmdparse_strip_reply(const char *);

#endif

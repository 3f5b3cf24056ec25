/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_REPLY_H
#define MLM_REPLY_H

/*
 * reply - the list's answers to command mail, and their texts
 *
 * reply_language() picks "en" or "ja": the list's language when it is
 * one of them, otherwise (language = auto) the first Accept-Language
 * entry, then the charset of the mail's text (ISO-2022-JP, EUC-JP and
 * Shift_JIS mean ja), else en.
 *
 * reply_template() puts template NAME in language LANG, with the
 * list's variables expanded, into out. It looks in order for
 * ml_home_dir/templates/LANG/NAME, ml_home_dir/NAME, template_dir/LANG/NAME,
 * the installed templates/LANG/NAME and the English ones; it returns
 * EX_CONFIG when none can be read. reply_set_var() defines a variable
 * for the templates (its value is taken literally).
 *
 * reply_build() writes a reply: From the maintainer, To the one
 * recipient, Reply-To the command address (or r->reply_to), Subject
 * RFC 2047-encoded, Auto-Submitted: auto-replied, Precedence: junk, the
 * text as us-ascii, ISO-2022-JP (Japanese with reply_japanese_charset
 * = iso-2022-jp, when the text converts) or UTF-8; with parts, a
 * multipart/mixed of the text and one message/rfc822 part each.
 * Control characters are removed from every value copied into the
 * header. reply_send() queues it with the error address as envelope
 * sender and delivers it.
 *
 * reply_rate() counts one reply to addr for today in table DB_RATE
 * and sets *over when addr had limit replies today already (limit <= 0:
 * no limit).
 *
 * Functions returning int give 0 or a sysexits status with the reason
 * in why.
 */

#include <stddef.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "db.h"
#include "hdr.h"
#include "site.h"
#include "store.h"

struct reply {
	const char	*to;		/* the one recipient */
	const char	*subject;	/* UTF-8 */
	const char	*text;		/* UTF-8 */
	const char	*lang;		/* "en" or "ja" */
	const char	*in_reply_to;	/* Message-ID answered, or NULL */
	const char	*reply_to;	/* NULL: the command address */
	struct buf	**parts;	/* mails attached as message/rfc822 */
	size_t		 nparts;
};

const char *reply_language(struct ml *, const struct hdr *, GMimeMessage *);
int	reply_template(struct ml *, const char *, const char *, struct buf *);
void	reply_set_var(struct ml *, const char *, const char *);
void	reply_build(struct ml *, const struct reply *, struct buf *);
int	reply_send(struct ml *, struct db *, struct store *,
	    const struct reply *, struct buf *);
int	reply_rate(struct db *, const char *, long, int *, struct buf *);

#endif

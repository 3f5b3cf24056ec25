/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_NOTICE_H
#define MLM_NOTICE_H

/*
 * notice - the list's own messages to senders and maintainers
 *
 * notice_send() composes a plain-text message From the list's
 * maintainer address, with Auto-Submitted: auto-replied, the given
 * subject and text, and, when orig is given, the first 2048 bytes of
 * the mail it is about, each line indented by three spaces. It queues
 * the message (queue.h) and tries to deliver it at once; a delivery
 * that fails stays queued. Header text taken from mail is cleaned of
 * control characters before it goes into a header.
 */

#include <stddef.h>

#include "buf.h"
#include "db.h"
#include "site.h"
#include "store.h"

struct notice {
	const char	*to;		/* one recipient */
	const char	*subject;	/* UTF-8; encoded when not ASCII */
	const char	*text;		/* UTF-8 body text */
	const char	*orig;		/* the mail it is about, or NULL */
	size_t		 origlen;
};

int	notice_send(struct ml *, struct db *, struct store *,
	    const struct notice *, struct buf *);
void	notice_build(struct ml *, const struct notice *, struct buf *);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_CMDEXEC_H
#define MLM_CMDEXEC_H

/*
 * cmdexec - carrying out the commands of one command mail
 *
 * cmdexec_mail() is the command program's work on a mail that is not
 * automatic: it opens the list's store, counts the reply against the
 * sender's daily limit (command_reply_limit; over it, nothing is done
 * and the skip is logged), carries out each command of the parsed
 * mail for the sender (the From: address) and sends one reply with the
 * result of every line. Requests that change membership make a
 * confirmation token and send a confirmation request to the address
 * concerned; only "confirm" carries them out. It logs what it did and
 * returns 0, or EX_TEMPFAIL when the list's data could not be read or
 * written.
 */

#include "buf.h"
#include "cmdparse.h"
#include "post.h"
#include "site.h"

int	cmdexec_mail(struct ml *, struct post *, const struct cmdparse *,
	    struct buf *);

#endif

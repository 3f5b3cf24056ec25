/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_SMTP_H
#define MLM_SMTP_H

/*
 * smtp - an SMTP client for handing mail to the local MTA
 *
 * smtp_open() connects to the first server in the list that answers
 * ("host:port", "[::1]:25", "127.0.0.1:25"; a bare host means port 25),
 * reads the greeting and sends EHLO (HELO when EHLO is refused with
 * 5xx). Connecting, every read and every write have a timeout. It
 * returns 0, EX_TEMPFAIL when no server could be used, or EX_CONFIG
 * when every entry of the list (or the EHLO name) is malformed.
 *
 * smtp_send() runs one transaction: MAIL FROM, the RCPTs and DATA,
 * pipelined when the server offers PIPELINING, then the message with
 * CRLF line ends and dot-stuffing, the final "." in the same write as
 * the end of the message. A session may carry many transactions;
 * smtp_close() sends QUIT and returns a null pointer.
 *
 * The message is given with LF or CRLF line ends (a lone CR also ends
 * a line); it is sent as is otherwise. BODY=8BITMIME and SIZE= are
 * added to MAIL FROM when offered, SMTPUTF8 when offered and an address
 * is not ASCII, XVERP (conf.xverp "" gives plain XVERP, other text
 * XVERP=text) when asked for and offered. smtp_set_xverp() changes
 * that for the following transactions (NULL: none); the text must stay
 * valid while it is in use.
 *
 * Results of smtp_send(): rcpt_code[i] is the reply code to RCPT i (0
 * when never answered; 553 without sending it when the address holds
 * control characters or angle brackets or is too long). *data_code is:
 *	-1	no message was sent because MAIL FROM was refused (then
 *		every rcpt_code is 0) or no RCPT was accepted; the
 *		transaction was reset with RSET
 *	0	the session broke before the reply to the final dot
 *	code	the reply to DATA when it was not 354, else the reply to
 *		the final dot
 * smtp_send() returns 0 when the dialogue completed (whatever the
 * codes), or -1 when the session is unusable (connection lost, timeout,
 * protocol error), with the reason in why; the caller must then treat
 * every recipient without a final 250 as not delivered, and every later
 * smtp_send() on the session returns -1 at once.
 *
 * smtp_last_reply() gives the reply that decided the last transaction
 * (final dot, DATA, MAIL FROM, or the last refused RCPT), and
 * smtp_rcpt_reply(s, i) the reply to RCPT i when it was not 2xx (NULL
 * otherwise), as "CODE text" with the lines of a multi-line reply
 * joined by spaces, control characters and 8-bit bytes shown as '?'
 * and at most 1 KB. Both stay valid until the next smtp_send() or
 * smtp_close(). smtp_server() is the entry of the list that answered.
 * smtp_has_ext() tells whether EHLO listed a keyword (any case).
 *
 * Writes use send(2) with MSG_NOSIGNAL, or SO_NOSIGPIPE on systems that
 * have it, so a peer that goes away never raises SIGPIPE.
 */

#include <stddef.h>

#include "buf.h"

struct smtp_conf {
	char	**servers;	/* NULL-terminated list */
	int	  timeout;	/* seconds, for connect and every read */
	const char *helo;	/* EHLO name; NULL means "localhost" */
	const char *xverp;	/* non-NULL: append "XVERP" args if offered */
};

struct smtp;

int		 smtp_open(const struct smtp_conf *, struct smtp **,
		    struct buf *);
int		 smtp_send(struct smtp *, const char *, const char *const *,
		    size_t, int *, const char *, size_t, int *,
		    struct buf *);
struct smtp	*smtp_close(struct smtp *);
const char	*smtp_last_reply(struct smtp *);
const char	*smtp_rcpt_reply(struct smtp *, size_t);
const char	*smtp_server(struct smtp *);
int		 smtp_has_ext(struct smtp *, const char *);
void		 smtp_set_xverp(struct smtp *, const char *);

#endif

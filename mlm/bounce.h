/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_BOUNCE_H
#define MLM_BOUNCE_H

/*
 * bounce - find the failed recipients in a delivery report
 *
 * bounce_parse() reads one delivery report (the whole mail, header and
 * body) and lists the recipients whose delivery failed, in order of
 * first appearance, each with an RFC 3463 status and a kind:
 *
 *	BOUNCE_HARD	permanent: counts towards removal
 *	BOUNCE_SOFT	not delivered for a temporary cause (timeout,
 *			host down, DNS try again, full mailbox)
 *
 * Recipients of a DSN whose Action is delayed, delivered, relayed or
 * expanded, and reports that are no failure (warnings, auto-replies),
 * give no entry; such DSN blocks are counted in "ignored". The status
 * is "5.x.y" or "4.x.y" when the report gives only the class.
 *
 * envrcpt is the envelope recipient of the report (the address the
 * report was sent to), or NULL. When it is a VERP address of the list
 * (bounce_verp()), the failing recipient is the one it names, whatever
 * the text says. exclude is a NULL-terminated list of addresses that
 * are never failing recipients (the list's own addresses), or NULL;
 * the list's addresses derived from envrcpt, the report's From
 * address, MAILER-DAEMON and postmaster are excluded as well.
 *
 * bounce_verp() decodes "base+user=domain@host" where base ends with
 * "-error" or "-admin" (also the rewritten virtual form
 * "ml-error=dom+user=domain@host"): it returns 1 and the malloc'ed
 * address user@domain, or 0 when the address is no VERP address.
 * bounce_verp_encode() gives "base+user=domain@host" for a sender
 * "base@host" and a recipient, or NULL when the local part would be
 * over 64 octets or an address is malformed.
 *
 * bounce_status() finds the first enhanced status code ("5.1.1") in
 * a text such as an SMTP reply: 1 and the code in a buffer of the
 * given size, or 0.
 *
 * bounce_parse() reads any input, however broken, and never fails:
 * what cannot be read gives no entry. The result is freed with
 * bounce_clear().
 */

#include <stddef.h>

#define BOUNCE_NONE	0
#define BOUNCE_SOFT	1
#define BOUNCE_HARD	2

#define BOUNCE_STATUS_MAX 16

struct bounce_rcpt {
	char	*addr;			/* local part as written, domain
					 * in lower case */
	char	 status[BOUNCE_STATUS_MAX]; /* "5.1.1", "5.x.y" */
	int	 kind;			/* BOUNCE_HARD or BOUNCE_SOFT */
};

struct bounce {
	struct bounce_rcpt *rcpt;
	size_t		 nrcpt;
	size_t		 ignored;	/* DSN blocks that are no failure */
	char		*verp;		/* address from the envelope, or NULL */
	int		 dsn;		/* per-recipient DSN fields were read */
};

void		 bounce_init(struct bounce *);
void		 bounce_clear(struct bounce *);
void		 bounce_parse(const char *, size_t, const char *,
		    const char *const *, struct bounce *);
int		 bounce_verp(const char *, char **);
char		*bounce_verp_encode(const char *, const char *);
int		 bounce_status(const char *, char *, size_t);
const char	*bounce_kind_name(int);

#endif

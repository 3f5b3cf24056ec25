/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	notice - the list's own messages to senders and maintainers
 * SYNOPSIS
 *	#include "notice.h"
 * DESCRIPTION
 *	notice_build() writes the message into a buffer; notice_send()
 *	queues it with the list's error address as envelope sender, so a
 *	notice that bounces comes back to the bounce handler and never to
 *	a person, and delivers it.
 *
 *	The subject is sent as RFC 2047 UTF-8 B-words when it is not
 *	ASCII, folded into words of at most 45 bytes of text.
 */

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "buf.h"
#include "msg.h"
#include "notice.h"
#include "queue.h"
#include "xmem.h"

#define NOTICE_QUOTE_MAX	2048

/* notice_clean - a header value without control characters */
static void
notice_clean(struct buf *out, const char *s)
{
	for (; *s; s++)
		buf_putc(out, (unsigned char)*s < 0x20 || *s == 0x7f ?
		    ' ' : *s);
}

/* notice_subject - the Subject value, encoded when not ASCII */
static void
notice_subject(struct buf *out, const char *subject)
{
	struct buf *clean;
	const char *p;
	size_t	 left, take;
	int	 ascii = 1;

	clean = buf_alloc(strlen(subject));
	notice_clean(clean, subject);
	for (p = clean->data; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	if (ascii || !g_utf8_validate(clean->data, -1, NULL)) {
		buf_printf(out, " %s", clean->data);
		clean = buf_free(clean);
		return;
	}
	p = clean->data;
	left = clean->len;
	while (left > 0) {
		gchar	*b64;

		take = left < 45 ? left : 45;
		while (take < left && ((unsigned char)p[take] & 0xc0) == 0x80)
			take--;
		b64 = g_base64_encode((const guchar *)p, take);
		buf_printf(out, "%s=?UTF-8?B?%s?=", p == clean->data ?
		    " " : "\n ", b64);
		g_free(b64);
		p += take;
		left -= take;
	}
	clean = buf_free(clean);
}

/* notice_quote - the first bytes of the original, indented */
static void
notice_quote(struct buf *out, const char *orig, size_t len)
{
	size_t	 i;
	int	 bol = 1;

	if (len > NOTICE_QUOTE_MAX)
		len = NOTICE_QUOTE_MAX;
	for (i = 0; i < len; i++) {
		if (bol)
			buf_puts(out, "   ");
		bol = orig[i] == '\n';
		if (orig[i] != '\r')
			buf_putc(out, orig[i]);
	}
	if (!bol)
		buf_putc(out, '\n');
}

/* notice_build - compose the notice */
void
notice_build(struct ml *ml, const struct notice *n, struct buf *out)
{
	char	 date[64];
	time_t	 now = time(NULL);
	int	 ascii = 1;
	const char *p;

	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
	    localtime(&now));
	for (p = n->text; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	buf_printf(out, "From: %s\n", ml_get(ml, "maintainer"));
	buf_puts(out, "To: ");
	notice_clean(out, n->to);
	buf_puts(out, "\nSubject:");
	notice_subject(out, n->subject);
	buf_printf(out, "\nDate: %s\n", date);
	buf_printf(out, "Message-ID: <%ld.%ld.notice.%s>\n", (long)now,
	    (long)getpid(), ml->address);
	buf_printf(out, "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=%s\n"
	    "Content-Transfer-Encoding: %s\n", ascii ? "us-ascii" : "UTF-8",
	    ascii ? "7bit" : "8bit");
	buf_printf(out, "Auto-Submitted: auto-replied\n"
	    "Precedence: junk\nX-ML-Name: %s\n", ml->name);
	buf_printf(out, "Reply-To: %s\n\n", ml_get(ml, "command_mail_address"));
	buf_puts(out, n->text);
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		buf_putc(out, '\n');
	if (n->orig != NULL && n->origlen > 0) {
		buf_puts(out, "\n");
		notice_quote(out, n->orig, n->origlen);
	}
}

/* notice_send - queue a notice and try to deliver it now */
int
notice_send(struct ml *ml, struct db *db, struct store *st,
    const struct notice *n, struct buf *why)
{
	struct queue_stats stats = { .notify = msg_event };
	struct buf *msg;
	int	 status;

	msg = buf_alloc(4096);
	notice_build(ml, n, msg);
	status = queue_send_one(ml, db, st, msg->data, msg->len, n->to,
	    &stats, why);
	msg = buf_free(msg);
	return status;
}

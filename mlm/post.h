/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_POST_H
#define MLM_POST_H

/*
 * post - one incoming mail, parsed, and the checks fml8 runs on it
 *
 * post_read() takes the mail as the MTA pipes it (a leading mbox "From "
 * line is dropped, and so is every Return-Path field) with the header
 * and body size limits; post_parse() splits the header into raw fields
 * and parses the whole mail with GMime for the checks. The raw bytes
 * stay as they came: the body is never re-encoded.
 *
 * The checks return NULL when the mail passes, or a short reason code:
 *
 *	post_check_loop	  "loop-x-ml-name", "loop-envelope-sender"
 *	post_check_header "empty-message", "no-from", "invalid-from",
 *			  "no-message-id", "no-date", "header-too-large",
 *			  "body-too-large"
 *	post_check_body	  "empty-body", "command-in-post"
 *
 * and post_reason_text() explains a code in one English sentence.
 */

#include <stddef.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cfg.h"
#include "hdr.h"

struct post {
	struct buf	*raw;		/* the mail, From_ line removed */
	size_t		 hlen;		/* length of the header block */
	size_t		 boff;		/* offset of the body */
	struct hdr	 hdr;		/* raw fields, Return-Path removed */
	char		*sender;	/* first usable From: address */
	char		*msgid;		/* Message-ID, unfolded, or NULL */
	char		*envelope;	/* envelope sender ($SENDER) */
	int		 too_large;	/* 1 header, 2 body over the limit */
	GMimeMessage	*mime;		/* parsed mail, or NULL */
};

void		 post_init(struct post *);
void		 post_clear(struct post *);
int		 post_read(struct post *, int, size_t, size_t, struct buf *);
void		 post_set(struct post *, const char *, size_t);
void		 post_parse(struct post *);
const char	*post_check_loop(struct post *, struct cfg *);
const char	*post_check_header(struct post *, struct cfg *);
const char	*post_check_body(struct post *, struct cfg *);
const char	*post_reason_text(const char *);
const char	*post_body(const struct post *, size_t *);
void		 post_subject_text(struct post *, struct buf *);

#endif

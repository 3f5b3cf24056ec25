/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_HDR_H
#define MLM_HDR_H

/*
 * hdr - a mail header kept as its raw fields
 *
 * hdr_parse() splits a header block into fields without decoding them,
 * so that a field nobody touches goes out byte for byte. Each field has
 * its name and its raw value: everything after the colon, continuation
 * lines included, without the final line end (CR LF or LF; a CR before
 * LF is dropped). A line that is not a field and not a continuation is
 * kept as a nameless field and written back as it was.
 *
 * Names compare case-insensitively; a pattern may end in '*' to match a
 * prefix (X-Spam-*). Values returned point into the hdr and stay valid
 * until the hdr changes.
 */

#include <stddef.h>

#include "buf.h"

struct hdr_field {
	char	*name;		/* NULL for a line that is not a field */
	char	*value;		/* raw, after the colon */
};

struct hdr {
	struct hdr_field *f;
	size_t	 n;
	size_t	 cap;
};

void		 hdr_init(struct hdr *);
void		 hdr_clear(struct hdr *);
void		 hdr_parse(struct hdr *, const char *, size_t);
const char	*hdr_get(const struct hdr *, const char *);
size_t		 hdr_count(const struct hdr *, const char *);
size_t		 hdr_remove(struct hdr *, const char *);
void		 hdr_set(struct hdr *, const char *, const char *);
void		 hdr_add(struct hdr *, const char *, const char *);
void		 hdr_write(const struct hdr *, struct buf *);
int		 hdr_name_match(const char *, const char *);
char		*hdr_unfold(const char *);
size_t		 hdr_split(const char *, size_t, size_t *);

#endif

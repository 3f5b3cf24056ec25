/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_SUBJECT_H
#define MLM_SUBJECT_H

/*
 * subject - the article subject tag
 *
 * subject_tag() rewrites a Subject field for article n of a list. The
 * input is the raw field body as received (after "Subject:", folded,
 * possibly with RFC 2047 encoded-words, raw 8-bit bytes or raw
 * ISO-2022-JP), or NULL when the mail has no Subject. The tag format is
 * article_subject_tag with $ml_name already expanded, e.g.
 * "[elena:%05d]" or "(elena %d)"; a format without a % conversion is a
 * constant tag.
 *
 * The steps: decode (adjacent encoded-words join; unknown charsets and
 * broken words are kept as text); collapse a leading run of reply
 * markers (Re:, RE:, Re[2]:, Re2:, Re^2:, Re*2:, Re(2):, Re>, AW:, SV:,
 * Antw:, VS:, 返信:, 返:, Ｒｅ：, ...) into one "Re: "; remove every
 * occurrence of this list's tag, whatever its number, with one adjacent
 * space; collapse reply markers again; prepend the tag and one space.
 *
 * Output (out, replaced): the new raw field body without "Subject:" and
 * without a final newline, folded so that no line exceeds 78 columns
 * when the field name "Subject: " precedes the first line. The tag and
 * "Re: " are plain ASCII outside any encoded-word. The rest keeps its
 * original bytes when no encoded-word had to change; otherwise it is
 * encoded again in its own charset (ISO-2022-JP stays ISO-2022-JP, each
 * word ending in ASCII state), in words of at most 75 characters split
 * on character boundaries. Raw 8-bit text stays raw. No subject gives
 * the tag alone.
 *
 * subject_plain() gives the decoded subject in UTF-8 with this list's
 * tag removed, one line, for the summary file and logs.
 *
 * Both return 0, or -1 with the reason in why (for example a tag format
 * with more than one conversion).
 */

#include <stddef.h>

#include "buf.h"

int	subject_tag(const char *, size_t, const char *, long, struct buf *,
	    struct buf *);
int	subject_plain(const char *, size_t, const char *, struct buf *,
	    struct buf *);
int	subject_tag_valid(const char *, struct buf *);

#endif

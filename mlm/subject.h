/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_SUBJECT_H
#define MLM_SUBJECT_H

/*
 * subject - the article subject tag
 *
 * subject_tag() rewrites a Subject field for article n of a list. The
 * input is the raw field body as received (after "Subject:", folded
 * with LF or CR LF, possibly with RFC 2047 encoded-words, raw 8-bit
 * bytes or raw ISO-2022-JP), or NULL when the mail has no Subject. The
 * tag format is article_subject_tag with $ml_name already expanded,
 * e.g. "[elena:%05d]" or "(elena %d)": printable ASCII, at most 64
 * characters, no space at either end, with at most one %d, %Nd or
 * %0Nd (N <= 20) and "%%" for a percent sign; a format without a
 * conversion is a constant tag. subject_tag_valid() checks a format.
 *
 * The steps: decode (adjacent encoded-words join; unknown charsets and
 * broken words are kept as text; the last word may lack its "?=");
 * collapse a leading run of reply markers (Re:, RE:, Re[2]:, Re2:,
 * Re^2:, Re*2:, Re(2):, Re>, AW:, SV:, Antw:, VS:, Odp:, Rif:, 返信:,
 * 返:, 回复:, Ｒｅ：, ..., with this list's tags among them) into one
 * "Re: "; remove every other occurrence of this list's tag, whatever
 * its number, its letter case and the spaces around its punctuation,
 * with the white space after it when white space precedes it too;
 * prepend the tag and one space. Forward markers and other lists'
 * tags stay where they are.
 *
 * Output (out, replaced): the new raw field body without "Subject:",
 * without a leading space and without a final newline, folded with
 * "\n " so that no line exceeds 78 columns when "Subject: " precedes
 * the first line (a word longer than a line stays whole). The tag and
 * "Re: " are plain ASCII outside any encoded-word. The rest keeps its
 * original bytes when no encoded-word had to change; otherwise it is
 * encoded again in its own charset (ISO-2022-JP stays ISO-2022-JP,
 * each word ending in ASCII state; UTF-8 when the charset cannot hold
 * the text), in words of at most 75 characters split on character
 * boundaries. Raw 8-bit text and raw ISO-2022-JP stay raw and fold
 * only at spaces. No subject gives the tag alone.
 *
 * subject_plain() gives the decoded subject in UTF-8, unfolded, with
 * this list's tag removed and reply markers collapsed as above, bad
 * bytes as U+FFFD, control characters removed and no space at either
 * end, for the summary file and logs. A null or empty format there
 * means no tag to remove.
 *
 * All three return 0, or -1 with the reason in why (may be NULL) for a
 * tag format they refuse.
 */

#include <stddef.h>

#include "buf.h"

int	subject_tag(const char *, size_t, const char *, long, struct buf *,
	    struct buf *);
int	subject_plain(const char *, size_t, const char *, struct buf *,
	    struct buf *);
int	subject_tag_valid(const char *, struct buf *);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_REWRITE_H
#define MLM_REWRITE_H

/*
 * rewrite - the article header rules (article_header_rewrite_rules)
 *
 * rewrite_header() applies the rules in the order the variable lists
 * them to the header of article n. fml8's rule names:
 *
 *	delete_unsafe_header_fields	drop unsafe_header_fields and
 *					article_header_delete_fields ('*'
 *					ends a prefix: X-Spam-*)
 *	rewrite_article_subject_tag	the subject tag (subject.h)
 *	rewrite_reply_to		Reply-To: reply_to_address, only
 *					when the mail has none
 *	rewrite_reply_to_enforce_article_post_address
 *					Reply-To: the post address, always
 *	rewrite_errors_to		Errors-To: errors_to_address
 *	rewrite_precedence		Precedence: precedence
 *	add_software_info		List-Software: list_software
 *	add_fml_ml_name			X-ML-Name: x_ml_name
 *	add_fml_traditional_article_id	X-Mail-Count: n
 *	add_fml_article_id		X-ML-Count: n
 *	add_x_sequence			X-Sequence: ml_name n
 *	add_rfc2369			List-Id, List-Post, List-Owner,
 *					List-Help, List-Subscribe,
 *					List-Unsubscribe
 *	rewrite_message_id		accepted, changes nothing (as fml8)
 *
 * Fields a rule adds replace any of the same name the mail brought, so
 * that an article carries this list's List-* fields only. An unknown
 * rule is reported in why and skipped; rewrite_header() returns -1 only
 * when the subject tag format is unusable.
 */

#include "buf.h"
#include "cfg.h"
#include "hdr.h"

int	rewrite_header(struct cfg *, struct hdr *, long, struct buf *);

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_RESTRICT_H
#define MLM_RESTRICT_H

/*
 * restrict - fml8's post restriction rules
 *
 * restrict_post() walks article_post_restrictions in order; the first
 * rule that decides wins, and a list that runs out of rules rejects.
 * Rules: reject_system_special_accounts, isolate_system_special_accounts
 * (the sender's local part against system_special_accounts),
 * reject_spammer_maps, isolate_spammer_maps (addresses in the files of
 * spammer_maps), permit_member_maps (member or admin in the store),
 * permit_anyone, permit_ml_domain (the sender's domain is the list's),
 * isolate, reject, ignore, permit_forward_to_moderator (the post goes
 * to the moderators, moderate.h). An unknown rule is skipped with a
 * warning in r->warning. The store may be NULL when no list store
 * exists yet.
 */

#include "cfg.h"
#include "store.h"

enum restrict_action {
	RESTRICT_PERMIT,
	RESTRICT_ISOLATE,
	RESTRICT_REJECT,
	RESTRICT_IGNORE,
	RESTRICT_DEFER,		/* the store could not be read */
	RESTRICT_MODERATE	/* held for the moderators */
};

struct restrict_result {
	enum restrict_action action;
	const char	*rule;		/* the rule that decided */
	const char	*reason;	/* reason code (post.h style) */
	char		 warning[160];	/* unknown rule, if any */
};

int	restrict_post(struct cfg *, struct store *, const char *,
	    const char *, struct restrict_result *, struct buf *);
void	restrict_match_options(struct cfg *, struct addr_match *);

#endif

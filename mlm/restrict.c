/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	restrict - fml8's post restriction rules
 * SYNOPSIS
 *	#include "restrict.h"
 * DESCRIPTION
 *	restrict_match_options() reads the address comparison settings
 *	(address_compare_function_type, ..._domain_matching_level) that
 *	member lookups use.
 *
 *	The spammer maps are plain files, one address per line, '#'
 *	comments; a missing file is an empty map.
 * DIAGNOSTICS
 *	restrict_post() returns 0 with the decision in r, or a sysexits
 *	status when the store failed (r->action is then RESTRICT_DEFER).
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "addr.h"
#include "buf.h"
#include "cfg.h"
#include "restrict.h"
#include "store.h"
#include "xmem.h"

/* restrict_match_options - the list's address comparison settings */
void
restrict_match_options(struct cfg *cfg, struct addr_match *m)
{
	const char *type = cfg_get(cfg, "address_compare_function_type");

	m->local_case_sensitive = type != NULL &&
	    strcasecmp(type, "case_sensitive") == 0;
	m->domain_level = (int)cfg_long(cfg,
	    "address_compare_function_domain_matching_level", 0);
}

/* restrict_in_file - whether a map file lists the address */
static int
restrict_in_file(const char *path, const char *addr,
    const struct addr_match *m)
{
	char	 line[1024];
	FILE	*fp;
	int	 found = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		char	*tok = line + strspn(line, " \t");

		tok[strcspn(tok, " \t\r\n")] = '\0';
		if (*tok != '\0' && *tok != '#' && addr_same(tok, addr, m))
			found = 1;
	}
	fclose(fp);
	return found;
}

/* restrict_spammer - whether any spammer map lists the address */
static int
restrict_spammer(struct cfg *cfg, const char *addr,
    const struct addr_match *m)
{
	char	**maps = cfg_words(cfg, "spammer_maps");
	int	 i;

	for (i = 0; maps != NULL && maps[i] != NULL; i++)
		if (restrict_in_file(maps[i], addr, m))
			return 1;
	return 0;
}

/* restrict_decide - record the deciding rule */
static void
restrict_decide(struct restrict_result *r, enum restrict_action a,
    const char *rule, const char *reason)
{
	r->action = a;
	r->rule = rule;
	r->reason = reason;
}

/* restrict_post - apply article_post_restrictions to the sender */
int
restrict_post(struct cfg *cfg, struct store *st, const char *sender,
    const char *ml_domain, struct restrict_result *r, struct buf *why)
{
	static const char *rules[] = {
		"reject_system_special_accounts",
		"isolate_system_special_accounts", "reject_spammer_maps",
		"isolate_spammer_maps", "permit_member_maps",
		"permit_members_only", "permit_anyone", "permit_ml_domain",
		"isolate", "reject", "ignore", "permit_forward_to_moderator",
		NULL };
	struct addr_match m;
	struct store_rec rec = { 0 };
	char	**words;
	char	**special;
	int	 i, status;

	restrict_match_options(cfg, &m);
	r->warning[0] = '\0';
	restrict_decide(r, RESTRICT_REJECT, "(end of rules)", "rejected");
	words = cfg_words(cfg, "article_post_restrictions");
	for (i = 0; words != NULL && words[i] != NULL; i++) {
		const char *w = words[i];
		int	 j;

		for (j = 0; rules[j] != NULL; j++)
			if (strcmp(rules[j], w) == 0)
				break;
		if (rules[j] == NULL) {
			snprintf(r->warning, sizeof(r->warning),
			    "unknown post restriction rule \"%s\" skipped", w);
			continue;
		}
		if (strcmp(w, "reject_system_special_accounts") == 0 ||
		    strcmp(w, "isolate_system_special_accounts") == 0) {
			special = cfg_words(cfg, "system_special_accounts");
			if (addr_local_matches(sender, special)) {
				restrict_decide(r, w[0] == 'r' ?
				    RESTRICT_REJECT : RESTRICT_ISOLATE, w,
				    "system-account");
				return 0;
			}
			special = NULL;
		} else if (strcmp(w, "reject_spammer_maps") == 0 ||
		    strcmp(w, "isolate_spammer_maps") == 0) {
			if (restrict_spammer(cfg, sender, &m)) {
				restrict_decide(r, w[0] == 'r' ?
				    RESTRICT_REJECT : RESTRICT_ISOLATE, w,
				    "spammer");
				return 0;
			}
		} else if (strcmp(w, "permit_member_maps") == 0 ||
		    strcmp(w, "permit_members_only") == 0) {
			if (st == NULL)
				continue;
			status = store_find(st, sender, STORE_MEMBER |
			    STORE_ADMIN, &m, &rec, why);
			store_rec_clear(&rec);
			if (status == 0) {
				restrict_decide(r, RESTRICT_PERMIT, w, NULL);
				return 0;
			}
			if (status != STORE_NOTFOUND) {
				restrict_decide(r, RESTRICT_DEFER, w, NULL);
				return status;
			}
		} else if (strcmp(w, "permit_anyone") == 0) {
			restrict_decide(r, RESTRICT_PERMIT, w, NULL);
			return 0;
		} else if (strcmp(w, "permit_ml_domain") == 0) {
			if (strcasecmp(addr_domain(sender), ml_domain) == 0) {
				restrict_decide(r, RESTRICT_PERMIT, w, NULL);
				return 0;
			}
		} else if (strcmp(w, "isolate") == 0) {
			restrict_decide(r, RESTRICT_ISOLATE, w, "not-member");
			return 0;
		} else if (strcmp(w, "reject") == 0) {
			restrict_decide(r, RESTRICT_REJECT, w, "not-member");
			return 0;
		} else if (strcmp(w, "ignore") == 0) {
			restrict_decide(r, RESTRICT_IGNORE, w, "not-member");
			return 0;
		} else if (strcmp(w, "permit_forward_to_moderator") == 0) {
			restrict_decide(r, RESTRICT_MODERATE, w, "moderation");
			return 0;
		}
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_ADDR_H
#define MLM_ADDR_H

/*
 * addr - mail addresses: syntax, lookup keys and comparison
 *
 * Addresses keep their spelling everywhere they are stored or shown.
 * Comparison follows fml8: domains always compare case-insensitively;
 * local parts too unless local_case_sensitive is set
 * (address_compare_function_type = case_sensitive); with domain_level N
 * > 0 two domains also match when their rightmost N labels are equal
 * (fml8's address_compare_function_domain_matching_level, 3 there).
 *
 * addr_key() gives the store's lookup key: the whole address folded to
 * lower case, so that keys sharing a local part sort together and an
 * exact lookup is one B-tree search.
 */

#include <stddef.h>

#include "buf.h"

struct addr_match {
	int	local_case_sensitive;
	int	domain_level;		/* 0: whole domain must match */
};

int	 addr_valid(const char *, struct buf *);
char	*addr_key(const char *);
int	 addr_same(const char *, const char *, const struct addr_match *);
const char *addr_domain(const char *);
int	 addr_local_matches(const char *, char **);

#define ADDR_MAX	320	/* 64 local + @ + 255 domain */

#endif

/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_FML4MEMBERS_H
#define MLM_FML4MEMBERS_H

/*
 * fml4members - the line grammar of fml4's members and actives files
 *
 * fml4members_line() classifies one line (without its newline; a CR at
 * the end is ignored) and fills an entry:
 *
 *	FML4M_NONE	blank, "##..." comment, the "#.FML HEADER" block,
 *			or "# text" whose first word has no "@"
 *	FML4M_ACTIVE	"addr [options] [# comment]"
 *	FML4M_OFF	"# addr [options]" or "#<TAB>addr": switched off
 *	FML4M_BYE	"##BYE addr": unsubscribed
 *	FML4M_ANYONE	"+": anyone may post
 *	FML4M_NAME	"Name <addr>" or "<addr>": never matched by fml4
 *
 * Options: m=VALUE digest, s=skip or s=1 skip, r=HOST relay, and the
 * old forms "matome VALUE", "skip" and a bare relay host (v1 is then
 * set). A word fml4 does not know sets unknown to it. Mode FML4M_FML8
 * reads fml8 files instead: the first word of a line not starting with
 * "#", no options.
 *
 * The state carries the "#.FML HEADER" block across lines. Strings in
 * the entry are copies bounded by the sizes below; a longer word makes
 * the line FML4M_BAD.
 */

#define FML4M_ADDR_MAX		320
#define FML4M_OPT_MAX		64
#define FML4M_HOST_MAX		255

enum {
	FML4M_NONE,
	FML4M_ACTIVE,
	FML4M_OFF,
	FML4M_BYE,
	FML4M_ANYONE,
	FML4M_NAME,
	FML4M_BAD
};

#define FML4M_FML8		1	/* fml4members_state mode */

struct fml4members_state {
	int	 in_header;
	int	 mode;
};

struct fml4members_entry {
	int	 kind;
	char	 addr[FML4M_ADDR_MAX + 1];
	char	 digest[FML4M_OPT_MAX + 1];	/* m= value, or "" */
	char	 relay[FML4M_HOST_MAX + 1];	/* r= host, or "" */
	char	 unknown[FML4M_OPT_MAX + 1];	/* first unknown option */
	int	 skip;
	int	 has_digest;
	int	 v1;				/* old option forms */
	int	 leading_space;
};

int	 fml4members_line(struct fml4members_state *, const char *, size_t,
	    struct fml4members_entry *);

#endif

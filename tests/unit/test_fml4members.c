/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_fml4members - the members/actives line grammar
 */

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "../../convert/fml4members.h"

struct mcase {
	const char	*line;
	int		 kind;
	const char	*addr;
	const char	*digest;	/* NULL: no digest */
	int		 skip;
	const char	*relay;
	int		 v1;
	int		 mode;
};

static const struct mcase cases[] = {
	{ .line = "alice@example.org", .kind = FML4M_ACTIVE,
	  .addr = "alice@example.org" },
	{ .line = "alice@example.org \r", .kind = FML4M_ACTIVE,
	  .addr = "alice@example.org" },
	{ .line = "Bob@Example.ORG\t\t# \x83\x5c comment",
	  .kind = FML4M_ACTIVE, .addr = "Bob@Example.ORG" },
	{ .line = "#\toff@example.org  ", .kind = FML4M_OFF,
	  .addr = "off@example.org" },
	{ .line = "# off@example.org m=3u", .kind = FML4M_OFF,
	  .addr = "off@example.org", .digest = "3u" },
	{ .line = "#off@example.org", .kind = FML4M_OFF,
	  .addr = "off@example.org" },
	{ .line = "# e.g. fukachan@phys r=relayserver", .kind = FML4M_NONE,
	  .addr = "" },
	{ .line = "# comment without address", .kind = FML4M_NONE, .addr = "" },
	{ .line = "## anything", .kind = FML4M_NONE, .addr = "" },
	{ .line = "##BYE gone@example.org  ", .kind = FML4M_BYE,
	  .addr = "gone@example.org" },
	{ .line = "", .kind = FML4M_NONE, .addr = "" },
	{ .line = "   ", .kind = FML4M_NONE, .addr = "" },
	{ .line = "+", .kind = FML4M_ANYONE, .addr = "" },
	{ .line = "Name Here <n@example.org>", .kind = FML4M_NAME,
	  .addr = "n@example.org" },
	{ .line = "<n@example.org>", .kind = FML4M_NAME,
	  .addr = "n@example.org" },
	{ .line = "a@example.org m=3u", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .digest = "3u" },
	{ .line = "a@example.org  m=12mp ", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .digest = "12mp" },
	{ .line = "a@example.org m=6", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .digest = "6" },
	{ .line = "a@example.org s=skip", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .skip = 1 },
	{ .line = "a@example.org s=1", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .skip = 1 },
	{ .line = "a@example.org r=relay.example.net", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .relay = "relay.example.net" },
	{ .line = "a@example.org matome 3u", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .digest = "3u", .v1 = 1 },
	{ .line = "a@example.org skip", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .skip = 1, .v1 = 1 },
	{ .line = "a@example.org relay.example.net", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .relay = "relay.example.net", .v1 = 1 },
	{ .line = "a@example.org r=h.example m=3 s=skip",
	  .kind = FML4M_ACTIVE, .addr = "a@example.org", .digest = "3",
	  .skip = 1, .relay = "h.example" },
	{ .line = "localpart", .kind = FML4M_ACTIVE, .addr = "localpart" },
	{ .line = "  lead@example.org", .kind = FML4M_ACTIVE,
	  .addr = "lead@example.org" },
	{ .line = "# a@example.org", .kind = FML4M_NONE, .addr = "",
	  .mode = FML4M_FML8 },
	{ .line = "a@example.org extra words", .kind = FML4M_ACTIVE,
	  .addr = "a@example.org", .mode = FML4M_FML8 },
};

/* test_header - the #.FML HEADER block is one comment */
static void
test_header(void)
{
	static const char *const lines[] = {
		"#.FML HEADER", "# e.g. x@y r=z m=3u s=skip",
		"# x@example.org", "x@example.org", "#.endFML HEADER",
		"y@example.org",
	};
	struct fml4members_state st = { .in_header = 0 };
	struct fml4members_entry e;
	size_t	 i, active = 0;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (fml4members_line(&st, lines[i], strlen(lines[i]), &e) !=
		    FML4M_NONE)
			active++;
	CHECK(active == 1 && strcmp(e.addr, "y@example.org") == 0,
	    "only the line after the header block counts");
}

int
main(void)
{
	struct fml4members_state st;
	struct fml4members_entry e;
	const struct mcase *c;
	char	 longer[FML4M_ADDR_MAX + 40];
	size_t	 i;

	check_name = "fml4members";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		st = (struct fml4members_state){ .mode = c->mode };
		fml4members_line(&st, c->line, strlen(c->line), &e);
		CHECK(e.kind == c->kind, "\"%s\": kind %d (got %d)", c->line,
		    c->kind, e.kind);
		if (c->kind == FML4M_NONE || c->kind == FML4M_ANYONE)
			continue;
		CHECK_STR(e.addr, c->addr, "\"%s\": address", c->line);
		CHECK(e.has_digest == (c->digest != NULL), "\"%s\": digest %s",
		    c->line, c->digest ? "set" : "unset");
		if (c->digest != NULL)
			CHECK_STR(e.digest, c->digest, "\"%s\": digest value",
			    c->line);
		CHECK(e.skip == c->skip, "\"%s\": skip %d", c->line, c->skip);
		CHECK_STR(e.relay, c->relay ? c->relay : "", "\"%s\": relay",
		    c->line);
		CHECK(e.v1 == c->v1, "\"%s\": old forms %d", c->line, c->v1);
	}
	st = (struct fml4members_state){ .in_header = 0 };
	fml4members_line(&st, "  lead@example.org", 18, &e);
	CHECK(e.leading_space, "leading white space is flagged");
	fml4members_line(&st, "a@example.org frob", 18, &e);
	CHECK_STR(e.unknown, "frob", "unknown option kept for the report");

	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	fml4members_line(&st, longer, strlen(longer), &e);
	CHECK(e.kind == FML4M_BAD, "an over-long address is refused");
	test_header();
	return check_done();
}

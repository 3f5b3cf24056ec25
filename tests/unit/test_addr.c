/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_addr - address syntax, keys, comparison and pattern matching
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "addr.h"
#include "buf.h"
#include "check.h"
#include "xmem.h"

/* CHECK evaluates its condition twice; these conditions have effects. */
#define EXPECT(cond, ...) do {						\
	int expect_ok = (cond);						\
	CHECK(expect_ok, __VA_ARGS__);					\
} while (0)

struct valid_case {
	const char *addr;
	int	 want;			/* 0 or EX_DATAERR */
	const char *reason;		/* substring of why, or NULL */
};

static const struct valid_case valid_cases[] = {
	{ .addr = "user@example.com", .want = 0 },
	{ .addr = "a@localhost", .want = 0 },
	{ .addr = "first.last@sub.example.co.jp", .want = 0 },
	{ .addr = "user+tag@example.com", .want = 0 },
	{ .addr = "!#$%&'*+-/=?^_`{|}~@example.com", .want = 0 },
	{ .addr = "a/b@example.com", .want = 0 },
	{ .addr = "\"quoted\"@example.com", .want = 0 },
	{ .addr = "\"a@b\"@example.com", .want = 0 },
	{ .addr = "\"a\\\"b\"@example.com", .want = 0 },
	{ .addr = "\"a..b.\"@example.com", .want = 0 },
	{ .addr = "\"a:b\"@example.com", .want = 0 },
	{ .addr = "u@[192.0.2.1]", .want = 0 },
	{ .addr = "u@[IPv6:2001:db8::1]", .want = 0 },
	{ .addr = "u@xn--bcher-kva.example", .want = 0 },
	{ .addr = "u@a-b.c-d.example", .want = 0 },
	{ .addr = "u@1.2.3.4", .want = 0 },
	{ .addr = "U@EXAMPLE.COM", .want = 0 },
	{ .addr = "", .want = EX_DATAERR, .reason = "empty" },
	{ .addr = "x", .want = EX_DATAERR, .reason = "\"x\": no @" },
	{ .addr = "userexample.com", .want = EX_DATAERR, .reason = "no @" },
	{ .addr = "@example.com", .want = EX_DATAERR,
	    .reason = "empty local part" },
	{ .addr = "user@", .want = EX_DATAERR, .reason = "empty domain" },
	{ .addr = ".user@example.com", .want = EX_DATAERR,
	    .reason = "starts with a dot" },
	{ .addr = "user.@example.com", .want = 0 },
	{ .addr = "us..er@example.com", .want = 0 },
	{ .addr = "user@-x.example.com", .want = EX_DATAERR,
	    .reason = "'-'" },
	{ .addr = "user@x-.example.com", .want = EX_DATAERR,
	    .reason = "'-'" },
	{ .addr = "user@x..com", .want = EX_DATAERR, .reason = "empty label" },
	{ .addr = "user@.x.com", .want = EX_DATAERR, .reason = "empty label" },
	{ .addr = "user@x.com.", .want = EX_DATAERR, .reason = "empty label" },
	{ .addr = "user name@example.com", .want = EX_DATAERR,
	    .reason = "bad character in local part 0x20" },
	{ .addr = "user@exa mple.com", .want = EX_DATAERR,
	    .reason = "bad character in domain" },
	{ .addr = "user@exa_mple.com", .want = EX_DATAERR,
	    .reason = "bad character in domain '_'" },
	{ .addr = "Name <user@example.com>", .want = EX_DATAERR },
	{ .addr = "<user@example.com>", .want = EX_DATAERR,
	    .reason = "'<'" },
	{ .addr = "(comment)user@example.com", .want = EX_DATAERR },
	{ .addr = "user@example.com;", .want = EX_DATAERR },
	{ .addr = "http:http://spam1.example.com@spam2.example.org",
	    .want = EX_DATAERR, .reason = "bad character in local part ':'" },
	{ .addr = "us\001er@example.com", .want = EX_DATAERR,
	    .reason = "0x01" },
	{ .addr = "user\t@example.com", .want = EX_DATAERR, .reason = "0x09" },
	{ .addr = "user@example.com\n", .want = EX_DATAERR, .reason = "0x0a" },
	{ .addr = "\xe3\x81\x82@example.jp", .want = EX_DATAERR,
	    .reason = "0xe3" },
	{ .addr = "user@ex\xc3\xa4mple.com", .want = EX_DATAERR,
	    .reason = "0xc3" },
	{ .addr = "\"unterminated@example.com", .want = EX_DATAERR,
	    .reason = "unterminated" },
	{ .addr = "\"a b\"@example.com", .want = 0 },
	{ .addr = "\"a\xff\"@example.com", .want = EX_DATAERR,
	    .reason = "0xff" },
	{ .addr = "\"a\"b@example.com", .want = EX_DATAERR,
	    .reason = "after quoted" },
	{ .addr = "\"a\"", .want = EX_DATAERR, .reason = "no @" },
	{ .addr = "a@b@example.com", .want = EX_DATAERR, .reason = "'@'" },
	{ .addr = "u@[192.0.2.1", .want = EX_DATAERR,
	    .reason = "unterminated domain literal" },
	{ .addr = "u@[192.0.2.1]x", .want = EX_DATAERR,
	    .reason = "after domain literal" },
	{ .addr = "u@[]", .want = EX_DATAERR,
	    .reason = "empty domain literal" },
	{ .addr = "u@[a[b]", .want = EX_DATAERR, .reason = "'['" },
};

/* test_valid - addr_valid() over the table */
static void
test_valid(void)
{
	struct buf *why = buf_alloc(64);
	size_t	 i;
	int	 rc;

	for (i = 0; i < sizeof(valid_cases) / sizeof(valid_cases[0]); i++) {
		const struct valid_case *c = &valid_cases[i];

		buf_reset(why);
		rc = addr_valid(c->addr, why);
		EXPECT(rc == c->want, "addr_valid #%zu gives %d (%s)", i, rc,
		    buf_str(why));
		if (c->reason != NULL)
			EXPECT(strstr(buf_str(why), c->reason) != NULL,
			    "addr_valid #%zu reason has \"%s\"", i, c->reason);
	}
	buf_free(why);
}

/* test_valid_lengths - the 64, 255 and 320 byte limits */
static void
test_valid_lengths(void)
{
	char	 local[80], label[70], addr[400];
	struct buf *why = buf_alloc(64);

	memset(local, 'l', 64);
	local[64] = '\0';
	memset(label, 'd', 63);
	label[63] = '\0';

	snprintf(addr, sizeof(addr), "%s@%s.%s.%s.%s", local, label, label,
	    label, label);
	EXPECT(strlen(addr) == ADDR_MAX, "longest address is %zu bytes",
	    strlen(addr));
	EXPECT(addr_valid(addr, why) == 0, "320-byte address valid (%s)",
	    buf_str(why));

	snprintf(addr, sizeof(addr), "%sl@example.com", local);
	EXPECT(addr_valid(addr, why) == EX_DATAERR &&
	    strstr(buf_str(why), "local part too long") != NULL,
	    "65-byte local part refused");

	snprintf(addr, sizeof(addr), "u@%sd.example", label);
	EXPECT(addr_valid(addr, why) == EX_DATAERR &&
	    strstr(buf_str(why), "label too long") != NULL,
	    "64-byte label refused");

	snprintf(addr, sizeof(addr), "%s@%s.%s.%s.%s.x", local, label, label,
	    label, label);
	EXPECT(addr_valid(addr, why) == EX_DATAERR &&
	    strstr(buf_str(why), "too long") != NULL,
	    "321-byte address refused");
	EXPECT(strstr(buf_str(why), "...") != NULL,
	    "long address shortened in reason");

	EXPECT(addr_valid(NULL, why) == EX_DATAERR, "null address refused");
	EXPECT(addr_valid("u@x", NULL) == 0 && addr_valid("x", NULL) ==
	    EX_DATAERR, "null why buffer accepted");
	buf_free(why);
}

/* test_key_domain - addr_key() and addr_domain() */
static void
test_key_domain(void)
{
	static const struct {
		const char *addr, *key, *domain;
	} cases[] = {
		{ "Bob@Example.COM", "bob@example.com", "Example.COM" },
		{ "bob@example.com", "bob@example.com", "example.com" },
		{ "\"A@B\"@X.Org", "\"a@b\"@x.org", "X.Org" },
		{ "\xc3\x84Z@X", "\xc3\x84z@x", "X" },
		{ "NoDomain", "nodomain", "" },
		{ "u@", "u@", "" },
	};
	size_t	 i;
	char	*k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = addr_key(cases[i].addr);
		CHECK_STR(k, cases[i].key, "addr_key #%zu", i);
		k = xfree(k);
		CHECK_STR(addr_domain(cases[i].addr), cases[i].domain,
		    "addr_domain #%zu", i);
	}
}

struct same_case {
	const char *a, *b;
	int	 cs, level;
	int	 want;
};

static const struct same_case same_cases[] = {
	{ "u@example.com", "U@EXAMPLE.COM", 0, 0, 1 },
	{ "u@example.com", "U@EXAMPLE.COM", 1, 0, 0 },
	{ "u@EXAMPLE.com", "u@example.COM", 1, 0, 1 },
	{ "u@example.com", "v@example.com", 0, 0, 0 },
	{ "u@example.com", "u@example.org", 0, 0, 0 },
	{ "u@a.b.example.jp", "u@c.b.example.jp", 0, 3, 1 },
	{ "u@a.b.example.jp", "u@c.b.example.jp", 0, 0, 0 },
	{ "u@a.b.example.jp", "u@c.b.example.jp", 0, 4, 0 },
	{ "u@x.B.Example.JP", "U@y.b.example.jp", 0, 3, 1 },
	{ "u@x.b.example.jp", "U@y.b.example.jp", 1, 3, 0 },
	{ "u@a.b.example.jp", "u@c.d.example.jp", 0, 3, 0 },
	{ "u@a.b.example.jp", "v@a.b.example.jp", 0, 3, 0 },
	{ "u@example.jp", "u@other.jp", 0, 3, 0 },
	{ "u@example.jp", "u@other.jp", 0, 1, 1 },
	{ "u@b.example.jp", "u@example.jp", 0, 2, 1 },
	{ "u@b.example.jp", "u@example.jp", 0, 3, 0 },
	{ "u@example.jp", "u@example.jp", 0, 3, 1 },
	{ "u@evilexample.jp", "u@a.example.jp", 0, 2, 0 },
	{ "u@a.example.jp", "u@evil.a.example.jp", 0, 3, 1 },
	{ "u@[192.0.2.1]", "u@[192.0.2.1]", 0, 3, 1 },
	{ "u@[10.0.2.1]", "u@[192.0.2.1]", 0, 1, 0 },
	{ "\"A@b\"@x.com", "\"a@b\"@X.com", 0, 0, 1 },
	{ "u", "U", 0, 0, 1 },
	{ "u", "u@x", 0, 0, 0 },
	{ "u@", "u@x", 0, 1, 0 },
	{ "u@", "u@", 0, 1, 1 },
};

/* test_same - addr_same() over the table */
static void
test_same(void)
{
	struct addr_match m;
	size_t	 i;
	int	 got;

	for (i = 0; i < sizeof(same_cases) / sizeof(same_cases[0]); i++) {
		const struct same_case *c = &same_cases[i];

		m = (struct addr_match){ .local_case_sensitive = c->cs,
		    .domain_level = c->level };
		got = addr_same(c->a, c->b, &m);
		EXPECT(got == c->want, "addr_same #%zu %s %s cs=%d level=%d",
		    i, c->a, c->b, c->cs, c->level);
		got = addr_same(c->b, c->a, &m);
		EXPECT(got == c->want, "addr_same #%zu is symmetric", i);
	}
	EXPECT(addr_same("u@example.com", "U@Example.Com", NULL) == 1,
	    "addr_same with null match ignores case");
	EXPECT(addr_same("u@a.example.com", "u@b.example.com", NULL) == 0,
	    "addr_same with null match compares whole domains");
}

/* test_local_matches - addr_local_matches() */
static void
test_local_matches(void)
{
	static char *special[] = { "root", "postmaster", "MAILER-DAEMON",
	    "msgs", "nobody", "\\S+-help", "\\S+-subscribe", NULL };
	static char *broken[] = { "(", "[z-a]", "root", NULL };
	static char *alt[] = { "a|ab", NULL };
	static char *slow[] = { "(a+)+b", NULL };
	static char *none[] = { NULL };
	static const struct {
		const char *addr;
		char	**pat;
		int	 want;
	} cases[] = {
		{ "root@example.com", special, 1 },
		{ "ROOT@example.com", special, 1 },
		{ "Mailer-Daemon@example.com", special, 1 },
		{ "rooter@example.com", special, 0 },
		{ "xroot@example.com", special, 0 },
		{ "root", special, 1 },
		{ "elena-help@example.com", special, 1 },
		{ "elena-HELP@example.com", special, 1 },
		{ "elena-help-x@example.com", special, 0 },
		{ "-help@example.com", special, 0 },
		{ "elena-subscribe@example.com", special, 1 },
		{ "user@root.example.com", special, 0 },
		{ "\"root@x\"@example.com", special, 0 },
		{ "user@example.com", special, 0 },
		{ "root@example.com", broken, 1 },
		{ "x@example.com", broken, 0 },
		{ "ab@example.com", alt, 1 },
		{ "abc@example.com", alt, 0 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com", slow, 0 },
		{ "aaab@example.com", slow, 1 },
		{ "root@example.com", none, 0 },
		{ "root@example.com", NULL, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT(addr_local_matches(cases[i].addr, cases[i].pat) ==
		    cases[i].want, "addr_local_matches #%zu %s", i,
		    cases[i].addr);
}

int
main(void)
{
	check_name = "addr";
	test_valid();
	test_valid_lengths();
	test_key_domain();
	test_same();
	test_local_matches();
	return check_done();
}

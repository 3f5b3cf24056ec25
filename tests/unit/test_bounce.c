/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_bounce - bounce_parse() on one report of each format
 *
 * Each case names a report in tests/golden/bounces/ (or the directory
 * given as the first argument), the envelope recipient, and the lines
 * "address TAB status TAB kind" the report must give, in order.
 * Then bounce_verp() and bounce_verp_encode() on a table of addresses.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "bounce.h"
#include "buf.h"
#include "xmem.h"
#include "check.h"

#define ENV	"ml-error@lists.example.org"

static const struct {
	const char	*file;
	const char	*envrcpt;
	const char	*want;
} parse_cases[] = {
	{ .file = "dsn-postfix-511", .envrcpt = ENV,
	  .want = "alice@example.net\t5.1.1\thard\n" },
	{ .file = "dsn-forwarded", .envrcpt = ENV,
	  .want = "bob@example.net\t5.1.1\thard\n" },
	{ .file = "dsn-delayed", .envrcpt = ENV, .want = "" },
	{ .file = "dsn-mixed", .envrcpt = ENV,
	  .want = "frank@example.net\t4.4.1\tsoft\n"
	    "heidi@example.com\t5.2.1\thard\n" },
	{ .file = "dsn-utf8", .envrcpt = ENV,
	  .want = "Dora@example.org\t5.1.1\thard\n"
	    "\xc3\xb1o\xc3\xb1o@example.org\t5.1.1\thard\n"
	    "\xe7\x94\xa8\xe6\x88\xb7@example.cn\t5.2.2\thard\n" },
	{ .file = "dsn-no-boundary", .envrcpt = ENV,
	  .want = "ivan@mail.example.jp\t4.2.2\tsoft\n" },
	{ .file = "qmail", .envrcpt = ENV,
	  .want = "kim@example.net\t5.1.1\thard\n"
	    "leo@example.com\t5.x.y\thard\n"
	    "mia@example.org\t4.1.2\tsoft\n" },
	{ .file = "exim-new", .envrcpt = ENV,
	  .want = "pat@example.net\t5.x.y\thard\n" },
	{ .file = "exim-old-timeout", .envrcpt = ENV,
	  .want = "rose@example.net\t4.x.y\tsoft\n" },
	{ .file = "sendmail-old", .envrcpt = ENV,
	  .want = "tom@example.net\t5.x.y\thard\n" },
	{ .file = "postfix-old", .envrcpt = ENV,
	  .want = "wendy@example.org\t5.x.y\thard\n" },
	{ .file = "lotus", .envrcpt = ENV,
	  .want = "yuki@notes.example.com\t5.x.y\thard\n" },
	{ .file = "exchange", .envrcpt = ENV,
	  .want = "amy@corp.example.com\t4.x.y\tsoft\n" },
	{ .file = "jp-unknown", .envrcpt = ENV,
	  .want = "chika@mail.example.jp\t5.x.y\thard\n" },
	{ .file = "text-full-522", .envrcpt = ENV,
	  .want = "fullone@example.net\t5.2.2\tsoft\n" },
	{ .file = "jp-full", .envrcpt = ENV,
	  .want = "daiki@isp.example.jp\t4.x.y\tsoft\n" },
	{ .file = "jp-eucjp-raw", .envrcpt = ENV,
	  .want = "emi@mobile.example.jp\t5.x.y\thard\n" },
	{ .file = "inline-quote", .envrcpt = ENV,
	  .want = "ken@mail.example.com\t5.x.y\thard\n" },
	{ .file = "inline-below", .envrcpt = ENV,
	  .want = "kaz@isp.example.jp\t5.x.y\thard\n" },
	{ .file = "sender-named", .envrcpt = ENV,
	  .want = "bob@example.net\t5.1.1\thard\n" },
	{ .file = "autoreply", .envrcpt = ENV, .want = "" },
	{ .file = "autoreply-left", .envrcpt = ENV, .want = "" },
	{ .file = "autoreply-subject",
	  .envrcpt = "ml-error+gina=corp.example.com@lists.example.org",
	  .want = "" },
	{ .file = "exim-delay", .envrcpt = ENV, .want = "" },
	{ .file = "exim-delay",
	  .envrcpt = "ml-error+bob=example.net@lists.example.org",
	  .want = "" },
	{ .file = "autoreply-left",
	  .envrcpt = "ml-error+dave=example.net@lists.example.org",
	  .want = "" },
	{ .file = "verp-silent",
	  .envrcpt = "ml-error+hana=example.net@lists.example.org",
	  .want = "hana@example.net\t5.x.y\thard\n" },
	{ .file = "verp-silent",
	  .envrcpt = "ml-error=lists.example.org+hana=example.net@localhost",
	  .want = "hana@example.net\t5.x.y\thard\n" },
	{ .file = "dsn-postfix-511",
	  .envrcpt = "ml-error+alice=example.net@lists.example.org",
	  .want = "alice@example.net\t5.1.1\thard\n" },
	{ .file = "dsn-delayed",
	  .envrcpt = "ml-error+erin=example.net@lists.example.org",
	  .want = "" },
	{ .file = "bare-mailbox", .envrcpt = ENV,
	  .want = "09012345678@phone.example.jp\t5.x.y\thard\n" },
	{ .file = "empty", .envrcpt = ENV, .want = "" },
};

static const struct {
	const char	*in;
	const char	*want;		/* NULL: no VERP address */
} verp_cases[] = {
	{ .in = "ml-error+bob=example.net@example.org",
	  .want = "bob@example.net" },
	{ .in = "ml-error+bob+tag=Example.NET@example.org",
	  .want = "bob+tag@example.net" },
	{ .in = "ml-error=example.org+bob=example.net@localhost",
	  .want = "bob@example.net" },
	{ .in = "test-admin+bob=example.net@example.org",
	  .want = "bob@example.net" },
	{ .in = "ml-error@example.org", .want = NULL },
	{ .in = "ml+bob=example.net@example.org", .want = NULL },
	{ .in = "ml-error+bob@example.org", .want = NULL },
	{ .in = "ml-error+=example.net@example.org", .want = NULL },
	{ .in = "ml-error+bob=nodot@example.org", .want = NULL },
	{ .in = "", .want = NULL },
};

static const struct {
	const char	*sender;
	const char	*rcpt;
	const char	*want;
} encode_cases[] = {
	{ .sender = "ml-error@example.org", .rcpt = "bob@example.net",
	  .want = "ml-error+bob=example.net@example.org" },
	{ .sender = "ml-error@example.org",
	  .rcpt = "a-local-part-that-is-long-enough-to-pass-the-limit"
	    "@example.net",
	  .want = NULL },
	{ .sender = "ml-error@example.org", .rcpt = "nodomain", .want = NULL },
};

/* test_read - a whole file, or NULL */
static struct buf *
test_read(const char *dir, const char *name)
{
	struct buf *b;
	char	 chunk[4096], path[1024];
	size_t	 n;
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (strcmp(name, "empty") == 0)
		return buf_alloc(16);
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	b = buf_alloc(4096);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_append(b, chunk, n);
	fclose(fp);
	return b;
}

/* test_parse - each report of the table */
static void
test_parse(const char *dir)
{
	struct bounce b;
	struct buf *in, *got;
	size_t	 i, j;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		if ((in = test_read(dir, parse_cases[i].file)) == NULL) {
			CHECK(0, "%s: cannot read", parse_cases[i].file);
			continue;
		}
		got = buf_alloc(128);
		bounce_parse(in->data, in->len, parse_cases[i].envrcpt, NULL,
		    &b);
		for (j = 0; j < b.nrcpt; j++)
			buf_printf(got, "%s\t%s\t%s\n", b.rcpt[j].addr,
			    b.rcpt[j].status, bounce_kind_name(b.rcpt[j].kind));
		CHECK_STR(got->data, parse_cases[i].want, "%s for %s",
		    parse_cases[i].file, parse_cases[i].envrcpt);
		bounce_clear(&b);
		got = buf_free(got);
		in = buf_free(in);
	}
}

/* test_exclude - an excluded address is never a failure */
static void
test_exclude(const char *dir)
{
	static const char *const own[] = { "tom@example.net", NULL };
	struct bounce b;
	struct buf *in = test_read(dir, "sendmail-old");

	if (in == NULL) {
		CHECK(0, "sendmail-old: cannot read");
		return;
	}
	bounce_parse(in->data, in->len, ENV, own, &b);
	CHECK(b.nrcpt == 0, "excluded address gives no entry (%zu)",
	    b.nrcpt);
	bounce_clear(&b);
	in = buf_free(in);
}

/* test_verp - decoding and encoding VERP addresses */
static void
test_verp(void)
{
	char	*addr;
	size_t	 i;
	int	 r;

	for (i = 0; i < sizeof(verp_cases) / sizeof(verp_cases[0]); i++) {
		r = bounce_verp(verp_cases[i].in, &addr);
		if (verp_cases[i].want == NULL)
			CHECK(r == 0 && addr == NULL, "no VERP in \"%s\"",
			    verp_cases[i].in);
		else
			CHECK_STR(addr, verp_cases[i].want, "VERP \"%s\"",
			    verp_cases[i].in);
		addr = xfree(addr);
	}
	for (i = 0; i < sizeof(encode_cases) / sizeof(encode_cases[0]); i++) {
		addr = bounce_verp_encode(encode_cases[i].sender,
		    encode_cases[i].rcpt);
		if (encode_cases[i].want == NULL)
			CHECK(addr == NULL, "no VERP sender for %s",
			    encode_cases[i].rcpt);
		else
			CHECK_STR(addr, encode_cases[i].want,
			    "VERP sender for %s", encode_cases[i].rcpt);
		addr = xfree(addr);
	}
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/golden/bounces";

	check_name = "bounce";
	g_mime_init();
	test_parse(dir);
	test_exclude(dir);
	test_verp();
	g_mime_shutdown();
	return check_done();
}

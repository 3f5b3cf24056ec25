/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_confirm - confirmation tokens, reply counters and reply mails
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "confirm.h"
#include "db.h"
#include "post.h"
#include "reply.h"
#include "site.h"
#include "xmem.h"

/* test_tokens - create, take once, class, expiry */
static void
test_tokens(struct db *db)
{
	struct buf *why = buf_alloc(64);
	struct confirm_rec r;
	char	 a[CONFIRM_TOKEN_MAX], b[CONFIRM_TOKEN_MAX];
	long	 n = -1;

	CHECK(confirm_create(db, "chaddr", "old@example.com",
	    "new@example.com", a, why) == 0, "create (%s)", why->data);
	CHECK(strlen(a) == 32 && strspn(a, "0123456789abcdef") == 32,
	    "token is 32 hex digits: %s", a);
	CHECK(confirm_create(db, "subscribe", "x@example.com", "", b,
	    why) == 0 && strcmp(a, b) != 0, "a second token differs");
	CHECK(confirm_take(db, a, "subscribe", 3600, &r, why) ==
	    CONFIRM_UNKNOWN, "another class does not take it");
	CHECK(confirm_take(db, a, "CHADDR", 3600, &r, why) == 0 &&
	    strcmp(r.addr, "old@example.com") == 0 &&
	    strcmp(r.arg, "new@example.com") == 0, "the right class takes it");
	confirm_rec_clear(&r);
	CHECK(confirm_take(db, a, "chaddr", 3600, &r, why) ==
	    CONFIRM_UNKNOWN, "a token works once");
	CHECK(confirm_take(db, "0000000000000000", "chaddr", 3600, &r,
	    why) == CONFIRM_UNKNOWN, "an unknown token");
	CHECK(confirm_create(db, "on", "a\nb@example.com", "", a, why) ==
	    EX_DATAERR, "a line end in the address is refused");
	sleep(2);
	CHECK(confirm_expire(db, 1, &n, why) == 0 && n == 1,
	    "expire removes the old token (%ld)", n);
	CHECK(confirm_take(db, b, "subscribe", 1, &r, why) ==
	    CONFIRM_UNKNOWN, "an expired token is gone");
	CHECK(confirm_create(db, "off", "y@example.com", "", a, why) == 0,
	    "create another");
	sleep(2);
	CHECK(confirm_take(db, a, "off", 1, &r, why) == CONFIRM_EXPIRED,
	    "a stale token is reported as expired");
	confirm_rec_clear(&r);
	CHECK(confirm_take(db, a, "off", 0, &r, why) == CONFIRM_UNKNOWN,
	    "and used up");
	why = buf_free(why);
}

/* test_rate - ten replies a day */
static void
test_rate(struct db *db)
{
	struct buf *why = buf_alloc(64);
	int	 i, over = 0, first_over = -1;

	for (i = 0; i < 12; i++) {
		if (reply_rate(db, "Ann@Example.com", 10, &over, why) != 0)
			break;
		if (over && first_over < 0)
			first_over = i;
	}
	CHECK(first_over == 10, "the eleventh reply is over (%d)",
	    first_over);
	CHECK(reply_rate(db, "ann+x1@example.com", 10, &over, why) == 0 &&
	    over, "an address extension does not start a new count");
	CHECK(reply_rate(db, "bob@example.com", 10, &over, why) == 0 &&
	    !over, "another address has its own count");
	CHECK(reply_rate(db, "ann@example.com", 0, &over, why) == 0 &&
	    !over, "limit 0 means none");
	why = buf_free(why);
}

/* test_build - header cleaning, charsets, parts */
static void
test_build(void)
{
	struct ml ml = {
		.name = "ml",
		.domain = "example.org",
		.address = "ml@example.org",
		.home = "/nonexistent",
	};
	struct buf *why = buf_alloc(64), *out = buf_alloc(1024);
	struct buf *part = buf_alloc(64);
	struct buf *parts[1] = { part };
	struct reply r = {
		.to = "ann@example.com\r\nBcc: evil@example.net",
		.subject = "hello\nX-Evil: 1",
		.text = "plain text\n",
		.lang = "en",
		.in_reply_to = "<id@x>\r\nX-Evil: 2",
	};

	ml.cfg = cfg_new();
	cfg_set(ml.cfg, "ml_name", "ml");
	cfg_set(ml.cfg, "ml_domain", "example.org");
	cfg_load_defaults(ml.cfg, why);
	reply_build(&ml, &r, out);
	CHECK(strstr(out->data, "\nBcc:") == NULL && strstr(out->data,
	    "\nX-Evil:") == NULL, "no header line from copied values");
	CHECK(strstr(out->data, "From: ml-admin@example.org\n") != NULL &&
	    strstr(out->data, "Reply-To: ml-ctl@example.org\n") != NULL &&
	    strstr(out->data, "Auto-Submitted: auto-replied\n") != NULL,
	    "From -admin, Reply-To -ctl, Auto-Submitted");
	CHECK(strstr(out->data, "charset=us-ascii") != NULL, "ascii text");

	buf_reset(out);
	r.lang = "ja";
	r.subject = "\xe7\xa2\xba\xe8\xaa\x8d";
	r.text = "\xe3\x81\x82\xe3\x81\x84\n";
	reply_build(&ml, &r, out);
	CHECK(strstr(out->data, "charset=ISO-2022-JP") != NULL &&
	    strstr(out->data, "\x1b$B$\"$$\x1b(B") != NULL,
	    "Japanese text as ISO-2022-JP");
	CHECK(strstr(out->data, "Subject: =?ISO-2022-JP?B?") != NULL,
	    "Japanese subject as an ISO-2022-JP word");

	buf_reset(out);
	r.text = "\xf0\x9f\x98\x80 emoji\n";
	reply_build(&ml, &r, out);
	CHECK(strstr(out->data, "charset=UTF-8") != NULL,
	    "text that ISO-2022-JP cannot hold goes as UTF-8");

	buf_reset(out);
	cfg_set(ml.cfg, "reply_japanese_charset", "utf-8");
	r.text = "\xe3\x81\x82\n";
	buf_puts(part, "From: a@example.com\n\nbody\n");
	r.parts = parts;
	r.nparts = 1;
	reply_build(&ml, &r, out);
	CHECK(strstr(out->data, "charset=UTF-8") != NULL &&
	    strstr(out->data, "Subject: =?UTF-8?B?") != NULL,
	    "reply_japanese_charset = utf-8");
	CHECK(strstr(out->data, "multipart/mixed") != NULL &&
	    strstr(out->data, "Content-Type: message/rfc822\n") != NULL,
	    "an attached mail as message/rfc822");

	ml.cfg = cfg_free(ml.cfg);
	why = buf_free(why);
	out = buf_free(out);
	part = buf_free(part);
}

/* test_language - the reply's language from the mail */
static void
test_language(void)
{
	static const struct {
		const char *name;
		const char *mail;
		const char *want;
	} cases[] = {
		{ "plain ASCII", "From: a@example.com\n\nhelp\n", "en" },
		{ "ISO-2022-JP body", "From: a@example.com\nMIME-Version: 1.0"
		  "\nContent-Type: text/plain; charset=ISO-2022-JP\n\nhelp\n",
		  "ja" },
		{ "ISO-2022-JP in multipart/alternative", "From: a@example.com"
		  "\nMIME-Version: 1.0\nContent-Type: multipart/alternative; "
		  "boundary=b\n\n--b\nContent-Type: text/plain; charset=ISO-"
		  "2022-JP\n\nhelp\n--b\nContent-Type: text/html; charset=ISO-"
		  "2022-JP\n\n<p>help</p>\n--b--\n", "ja" },
		{ "Accept-Language first", "From: a@example.com\n"
		  "Accept-Language: en-US, ja\nMIME-Version: 1.0\nContent-Type:"
		  " text/plain; charset=ISO-2022-JP\n\nhelp\n", "en" },
	};
	struct ml ml = { .name = "ml", .domain = "example.org",
	    .address = "ml@example.org", .home = "/nonexistent" };
	struct buf *why = buf_alloc(64);
	struct post p;
	size_t	 i;

	ml.cfg = cfg_new();
	cfg_load_defaults(ml.cfg, why);
	cfg_set(ml.cfg, "language", "auto");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		post_init(&p);
		post_set(&p, cases[i].mail, strlen(cases[i].mail));
		post_parse(&p);
		CHECK_STR(reply_language(&ml, &p.hdr, p.mime), cases[i].want,
		    "language: %s", cases[i].name);
		post_clear(&p);
	}
	ml.cfg = cfg_free(ml.cfg);
	why = buf_free(why);
}

int
main(void)
{
	char	 dir[] = "/tmp/test_confirm.XXXXXX";
	struct buf *why = buf_alloc(64);
	struct db *db = NULL;
	char	*cmd;

	check_name = "confirm";
	g_mime_init();
	if (mkdtemp(dir) == NULL || db_open(dir, 0, &db, why) != 0) {
		CHECK(0, "database in %s: %s", dir, why->data);
		return check_done();
	}
	test_tokens(db);
	test_rate(db);
	test_build();
	test_language();
	db = db_close(db);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK(0, "remove %s", dir);
	cmd = xfree(cmd);
	why = buf_free(why);
	g_mime_shutdown();
	return check_done();
}

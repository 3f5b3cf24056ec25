/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_cmdparse - the command mail parser on ordinary and odd mail
 *
 * Each case is a mail, its envelope sender and the lines command
 * --parse prints for it, joined with " | ".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "check.h"
#include "cmdparse.h"
#include "post.h"
#include "xmem.h"

#define LIST_ID "ml ML <ml.example.org>"
#define HEAD "From: Ann <ann@example.com>\nTo: ml-ctl@example.org\n" \
	"Subject: x\nMessage-ID: <t@example.com>\n"
#define MIME "MIME-Version: 1.0\n"

struct tcase {
	const char	*name;
	const char	*mail;
	const char	*envelope;	/* NULL: not known; "": null sender */
	const char	*want;
};

static const struct tcase cases[] = {
	{ .name = "plain subscribe", .mail = HEAD "\nsubscribe\n",
	  .envelope = "ann@example.com", .want = "subscribe | reply: yes" },
	{ .name = "case, blanks, tab, aliases",
	  .mail = HEAD "\n  HELP  \nMGet\t1-3\nAdd\nBYE\n",
	  .envelope = "ann@example.com",
	  .want = "help | get 1-3 | subscribe | unsubscribe | reply: yes" },
	{ .name = "crlf line ends", .mail = "From: ann@example.com\r\n"
	  "Subject: x\r\n\r\nguide\r\nobjective\r\n",
	  .envelope = "ann@example.com",
	  .want = "guide | objective | reply: yes" },
	{ .name = "signature and quote",
	  .mail = HEAD "\n> subscribe\n>>bye\nsummary\n--\nhelp\n",
	  .envelope = "ann@example.com", .want = "summary | reply: yes" },
	{ .name = "signature with space, then nothing",
	  .mail = HEAD "\n-- \nsubscribe\n", .envelope = "ann@example.com",
	  .want = "reply: yes" },
	{ .name = "a dash line that is no separator",
	  .mail = HEAD "\n---\nhelp\n", .envelope = "ann@example.com",
	  .want = "unknown --- | help | reply: yes" },
	{ .name = "unknown lines go on",
	  .mail = HEAD "\nplease add me\nsubscribe\nhelp me\n",
	  .envelope = "ann@example.com",
	  .want = "unknown please add me | subscribe | unknown help me | "
	  "reply: yes" },
	{ .name = "hash prefix",
	  .mail = HEAD "\n#get 2\n# off\n#\n", .envelope = "ann@example.com",
	  .want = "get 2 | off | unknown # | reply: yes" },
	{ .name = "ranges that fit and do not",
	  .mail = HEAD "\nget 1,3-4,last:2\nget 1-\nget x\nget last:\n"
	  "get 1 2\nget 1234567890\n", .envelope = "ann@example.com",
	  .want = "get 1,3-4,last:2 | unknown get 1- | unknown get x | "
	  "unknown get last: | unknown get 1 2 | unknown get 1234567890 | "
	  "reply: yes" },
	{ .name = "chaddr needs two addresses",
	  .mail = HEAD "\nchaddr a@example.com b@example.com\n"
	  "chaddr a@example.com\nchaddr a b\n",
	  .envelope = "ann@example.com",
	  .want = "chaddr a@example.com b@example.com | "
	  "unknown chaddr a@example.com | unknown chaddr a b | reply: yes" },
	{ .name = "confirm needs a class and a token",
	  .mail = HEAD "\nconfirm subscribe 0123abcd\nconfirm nothing "
	  "0123abcd\nconfirm subscribe 12\nconfirm subscribe ab-cd-ef-gh\n",
	  .envelope = "ann@example.com",
	  .want = "confirm subscribe 0123abcd | unknown confirm nothing "
	  "0123abcd | unknown confirm subscribe 12 | unknown confirm "
	  "subscribe ab-cd-ef-gh | reply: yes" },
	{ .name = "zenkaku in UTF-8",
	  .mail = HEAD MIME "Content-Type: text/plain; charset=UTF-8\n"
	  "Content-Transfer-Encoding: 8bit\n\n"
	  "\xef\xbd\x87\xef\xbd\x85\xef\xbd\x94\xe3\x80\x80\xef\xbc\x91"
	  "\xef\xbc\x8d\xef\xbc\x92\n\xe3\x81\x82\n",
	  .envelope = "ann@example.com",
	  .want = "get 1-2 | unknown \xe3\x81\x82 | reply: yes" },
	{ .name = "no-break spaces and a byte order mark",
	  .mail = HEAD MIME "Content-Type: text/plain; charset=UTF-8\n"
	  "Content-Transfer-Encoding: 8bit\n\n"
	  "\xef\xbb\xbfhelp\xc2\xa0\n\xc2\xa0get\xc2\xa0" "3\n",
	  .envelope = "ann@example.com",
	  .want = "help | get 3 | reply: yes" },
	{ .name = "a signature separator with a no-break space",
	  .mail = HEAD MIME "Content-Type: text/plain; charset=UTF-8\n"
	  "Content-Transfer-Encoding: 8bit\n\nguide\n--\xc2\xa0\nbye\n",
	  .envelope = "ann@example.com", .want = "guide | reply: yes" },
	{ .name = "base64 body",
	  .mail = HEAD MIME "Content-Type: text/plain; charset=us-ascii\n"
	  "Content-Transfer-Encoding: base64\n\naGVscApvbgo=\n",
	  .envelope = "ann@example.com", .want = "help | on | reply: yes" },
	{ .name = "html only with style, entities and comments",
	  .mail = HEAD MIME "Content-Type: text/html; charset=UTF-8\n\n"
	  "<html><head><title>t</title><style>p{x:y}</style></head><body>"
	  "<!-- subscribe --><p>get&#32;1</p><div>chaddr a&#64;example.com"
	  " b@example.com</div>x&amp;y<br><script>bye</script></body>"
	  "</html>\n", .envelope = "ann@example.com",
	  .want = "get 1 | chaddr a@example.com b@example.com | unknown "
	  "x&y | reply: yes" },
	{ .name = "html with a signature on its own source line",
	  .mail = HEAD MIME "Content-Type: text/html; charset=UTF-8\n\n"
	  "<html>\n<body>\n<div>help</div>\n-- <br>\nbye\n</body></html>\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "html blockquote is quoted text",
	  .mail = HEAD MIME "Content-Type: text/html; charset=UTF-8\n\n"
	  "<div>guide</div><blockquote><div>bye</div><blockquote>"
	  "subscribe</blockquote>&#98;ye<br>off</blockquote><p>help</p>\n",
	  .envelope = "ann@example.com", .want = "guide | help | reply: yes" },
	{ .name = "attached message is not read",
	  .mail = HEAD MIME "Content-Type: multipart/mixed; boundary=b\n\n"
	  "subscribe\n--b\nContent-Type: message/rfc822\n\nFrom: x@example."
	  "com\n\nbye\n--b\nContent-Type: text/plain\n\nhelp\n--b--\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "no text part at all",
	  .mail = HEAD MIME "Content-Type: application/octet-stream\n\n"
	  "help\n", .envelope = "ann@example.com", .want = "reply: yes" },
	{ .name = "confirm from the subject",
	  .mail = "From: ann@example.com\nSubject: Re[2]: AW: Fwd: "
	  "confirm chaddr 00ff00ff00ff\n\nthanks\n",
	  .envelope = "ann@example.com",
	  .want = "confirm chaddr 00ff00ff00ff | unknown thanks | "
	  "reply: yes" },
	{ .name = "subject that is no confirm is ignored",
	  .mail = "From: ann@example.com\nSubject: Re: subscribe\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "subject confirm when the body has one",
	  .mail = "From: ann@example.com\nSubject: confirm on 11112222\n\n"
	  "confirm off 33334444\n", .envelope = "ann@example.com",
	  .want = "confirm off 33334444 | reply: yes" },
	{ .name = "null envelope sender", .mail = HEAD "\nhelp\n",
	  .envelope = "", .want = "reply: no" },
	{ .name = "MAILER-DAEMON in From",
	  .mail = "From: Mailer-Daemon@example.net\n\nhelp\n",
	  .envelope = "x@example.net", .want = "reply: no" },
	{ .name = "MAILER-DAEMON envelope",
	  .mail = HEAD "\nhelp\n", .envelope = "mailer-daemon@example.net",
	  .want = "reply: no" },
	{ .name = "Auto-Submitted auto-replied",
	  .mail = HEAD "Auto-Submitted: auto-replied\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "reply: no" },
	{ .name = "Auto-Submitted no (comment)",
	  .mail = HEAD "Auto-Submitted: No (person)\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "Precedence list",
	  .mail = HEAD "Precedence: list\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "reply: no" },
	{ .name = "Precedence with a comment",
	  .mail = HEAD "Precedence: Junk (vacation)\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "reply: no" },
	{ .name = "Shift_JIS body",
	  .mail = HEAD MIME "Content-Type: text/plain; charset=Shift_JIS\n"
	  "Content-Transfer-Encoding: 8bit\n\n\x82\xa0\n\x82\x88\x82"
	  "\x85\x82\x8c\x82\x90\n", .envelope = "ann@example.com",
	  .want = "unknown \xe3\x81\x82 | help | reply: yes" },
	{ .name = "full-width hash and colon in the subject",
	  .mail = "From: ann@example.com\nSubject: =?UTF-8?B?"
	  "UmXvvJrvvIMgY29uZmlybSBvZmYgYWJjZDEyMzQ=?=\n\n",
	  .envelope = "ann@example.com",
	  .want = "confirm off abcd1234 | reply: yes" },
	{ .name = "Precedence first-class",
	  .mail = HEAD "Precedence: first-class\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "another list's List-Id",
	  .mail = HEAD "List-Id: <other.example.org>\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "reply: no" },
	{ .name = "a list id containing ours is another",
	  .mail = HEAD "List-Id: <xml.example.org>\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "reply: no" },
	{ .name = "our own List-Id",
	  .mail = HEAD "List-Id: Our list <ML.example.org>\n\nhelp\n",
	  .envelope = "ann@example.com", .want = "help | reply: yes" },
	{ .name = "unknown envelope is not null",
	  .mail = HEAD "\nhelp\n", .envelope = NULL,
	  .want = "help | reply: yes" },
	{ .name = "empty mail", .mail = "", .envelope = "ann@example.com",
	  .want = "reply: yes" },
};

/* run_case - the --parse output of a mail */
static void
run_case(const char *mail, size_t len, const char *envelope,
    struct buf *out, struct cmdparse *r)
{
	struct post p;
	struct buf *line = buf_alloc(128);
	struct cmdparse_mail m;
	size_t	 i;

	post_init(&p);
	post_set(&p, mail, len);
	if (envelope != NULL)
		p.envelope = xstrdup(envelope);
	post_parse(&p);
	m = (struct cmdparse_mail){
		.hdr = &p.hdr,
		.mime = p.mime,
		.envelope = p.envelope,
		.from = p.sender,
		.list_id = LIST_ID,
	};
	cmdparse_run(&m, r);
	buf_reset(out);
	for (i = 0; i < r->n; i++) {
		cmdparse_format(&r->item[i], line);
		buf_printf(out, "%s | ", line->data);
	}
	buf_printf(out, "reply: %s", r->automatic ? "no" : "yes");
	line = buf_free(line);
	post_clear(&p);
}

/* test_table - every case of the table */
static void
test_table(void)
{
	struct buf *out = buf_alloc(256);
	struct cmdparse r;
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_case(cases[i].mail, strlen(cases[i].mail),
		    cases[i].envelope, out, &r);
		CHECK_STR(out->data, cases[i].want, "%s", cases[i].name);
		cmdparse_free(&r);
	}
	out = buf_free(out);
}

/* test_limits - at most 100 lines; a long line is read whole */
static void
test_limits(void)
{
	struct buf *mail = buf_alloc(65536), *out = buf_alloc(65536);
	struct cmdparse r;
	int	 i;

	buf_puts(mail, HEAD "\n");
	for (i = 0; i < 150; i++)
		buf_printf(mail, "line %d\n\n> quoted %d\n", i, i);
	run_case(mail->data, mail->len, "ann@example.com", out, &r);
	CHECK(r.n == 100 && r.truncated && r.lines == 100,
	    "150 lines: 100 read, truncated (%zu)", r.n);
	CHECK_STR(r.item[99].line, "line 99", "the last line read");
	cmdparse_free(&r);

	buf_set(mail, HEAD "\n");
	for (i = 0; i < 100; i++)
		buf_puts(mail, "help\n");
	run_case(mail->data, mail->len, "ann@example.com", out, &r);
	CHECK(r.n == 100 && !r.truncated, "exactly 100 lines: all read");
	cmdparse_free(&r);

	buf_set(mail, HEAD "\nget ");
	for (i = 0; i < 20000; i++)
		buf_putc(mail, 'x');
	buf_puts(mail, "\nhelp\n");
	run_case(mail->data, mail->len, "ann@example.com", out, &r);
	CHECK(r.n == 2 && r.item[0].kind == CMDPARSE_UNKNOWN &&
	    strlen(r.item[0].line) == 20004 && strcmp(r.item[1].verb,
	    "help") == 0, "a 20004-byte line is one unknown line");
	cmdparse_free(&r);
	mail = buf_free(mail);
	out = buf_free(out);
}

/* test_helpers - full-width forms and reply markers */
static void
test_helpers(void)
{
	static const struct {
		const char *in;
		const char *want;
	} strip[] = {
		{ "Re: confirm x", "confirm x" },
		{ "RE: Re(3): re^2: Fw: confirm x", "confirm x" },
		{ "\xe8\xbf\x94\xe4\xbf\xa1: confirm x", "confirm x" },
		{ "Re confirm", "Re confirm" },
		{ "confirm: x", "confirm: x" },
	};
	struct buf *b = buf_alloc(64);
	size_t	 i;

	cmdparse_ascii("\xef\xbc\x81\xef\xbd\x9e\xe3\x80\x80\xef\xbd\x9f", b);
	CHECK_STR(b->data, "!~ \xef\xbd\x9f", "U+FF01, U+FF5E, U+3000 only");
	cmdparse_ascii("\xef\xbc", b);
	CHECK_STR(b->data, "\xef\xbc", "a cut sequence stays as it is");
	for (i = 0; i < sizeof(strip) / sizeof(strip[0]); i++)
		CHECK_STR(cmdparse_strip_reply(strip[i].in), strip[i].want,
		    "reply markers of \"%s\"", strip[i].in);
	b = buf_free(b);
}

int
main(void)
{
	check_name = "cmdparse";
	g_mime_init();
	test_table();
	test_limits();
	test_helpers();
	g_mime_shutdown();
	return check_done();
}

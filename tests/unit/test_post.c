/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_post - the loop, header and body checks on incoming mail
 */

#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "post.h"
#include "xmem.h"

#define H	"From: a@example.net\nDate: Thu, 03 Dec 2026 10:00:00 +0900\n" \
		"Message-ID: <x@example.net>\n"

static const struct {
	const char *name;
	const char *mail;
	const char *envelope;
	const char *want;	/* NULL: passes every check */
} cases[] = {
	{ "ordinary post", H "Subject: hi\n\nhello\n", NULL, NULL },
	{ "one-line post is no command", H "\nhello world\n", NULL, NULL },
	{ "mbox From_ line and CRLF", "From a@example.net Thu Dec  3\n"
	    "From: a@example.net\r\nDate: x\r\nMessage-ID: <y@z>\r\n\r\n"
	    "text\r\n", NULL, NULL },
	{ "empty mail", "", NULL, "empty-message" },
	{ "no From", "Date: x\nMessage-ID: <x@y>\n\nbody\n", NULL,
	    "no-from" },
	{ "From without address", "From: Alice\nDate: x\n"
	    "Message-ID: <x@y>\n\nbody\n", NULL, "invalid-from" },
	{ "From with URL local part", "From: http:http://a.example@b.example"
	    "\nDate: x\nMessage-ID: <x@y>\n\nbody\n", NULL, "invalid-from" },
	{ "From in comment form", "From: a@example.net (Alice)\nDate: x\n"
	    "Message-ID: <x@y>\n\nbody\n", NULL, NULL },
	{ "From quoted local part", "From: \"a b\"@example.net\nDate: x\n"
	    "Message-ID: <x@y>\n\nbody\n", NULL, NULL },
	{ "Message-ID without @", "From: a@example.net\nDate: x\n"
	    "Message-ID: <local>\n\nbody\n", NULL, "no-message-id" },
	{ "no Message-ID", "From: a@example.net\nDate: x\n\nbody\n", NULL,
	    "no-message-id" },
	{ "empty Date", "From: a@example.net\nDate:  \n"
	    "Message-ID: <x@y>\n\nbody\n", NULL, "no-date" },
	{ "blank body", H "\n \n\t\n", NULL, "empty-body" },
	{ "header only", H, NULL, "empty-body" },
	{ "help alone", H "\nhelp\n", NULL, "command-in-post" },
	{ "#subscribe with a name", H "\n# subscribe\n", NULL, NULL },
	{ "subscribe with a name", H "\nsubscribe Taro Yamada\n", NULL,
	    "command-in-post" },
	{ "get range", H "\nget 1-3\n", NULL, "command-in-post" },
	{ "get with words is a post", H "\nget well soon\n", NULL, NULL },
	{ "help with a question is a post", H "\nhelp me with the printer "
	    "on the third floor please\n", NULL, NULL },
	{ "command and signature", H "\nunsubscribe\n-- \nTaro\n", NULL,
	    "command-in-post" },
	{ "command under a quote", H "\n> earlier\nBye\n", NULL,
	    "command-in-post" },
	{ "two lines", H "\nhelp\nthanks\n", NULL, NULL },
	{ "multipart with empty text part", H "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\n\n--b\nContent-Type: image/gif\n"
	    "Content-Transfer-Encoding: base64\n\nR0lGODlh\n--b--\n", NULL,
	    NULL },
	{ "multipart with only empty parts", H "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\n\n--b--\n", NULL, "empty-body" },
	{ "base64 help", H "MIME-Version: 1.0\nContent-Type: text/plain\n"
	    "Content-Transfer-Encoding: base64\n\naGVscAo=\n", NULL,
	    "command-in-post" },
	{ "own X-ML-Name and List-Post", H "X-ML-Name: elena\n"
	    "List-Post: <mailto:elena@example.org>\n\nbody\n", NULL,
	    "loop-x-ml-name" },
	{ "own X-ML-Name and X-ML-Info", H "X-ML-Name: elena\n"
	    "X-ML-Info: contact elena-admin@example.org; "
	    "<mailto:elena@example.org>\n\nbody\n", NULL, "loop-x-ml-name" },
	{ "X-ML-Name, other List-Post", H "X-ML-Name: elena\n"
	    "List-Post: <mailto:elena-old@example.org>\n\nbody\n", NULL,
	    NULL },
	{ "List-Post naming our address as a substring", H
	    "X-ML-Name: elena\nList-Post: <mailto:xelena@example.org>\n\n"
	    "body\n", NULL, NULL },
	{ "List-Post alone", H "List-Post: <mailto:elena@example.org>\n\n"
	    "body\n", NULL, NULL },
	{ "envelope is the list's error address", H "\nbody\n",
	    "elena-error@example.org", "loop-envelope-sender" },
	{ "envelope is the admin address", H "\nbody\n",
	    "ELENA-admin@example.org", "loop-envelope-sender" },
	{ "envelope of a member", H "\nbody\n", "a@example.net", NULL },
};

int
main(void)
{
	struct cfg *cfg;
	struct buf *why = buf_alloc(64);
	size_t	 i;

	g_mime_init();
	check_name = "post";
	cfg = cfg_new();
	cfg_set(cfg, "ml_name", "elena");
	cfg_set(cfg, "ml_domain", "example.org");
	cfg_load_defaults(cfg, why);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct post p;
		const char *got;

		post_init(&p);
		post_set(&p, cases[i].mail, strlen(cases[i].mail));
		if (cases[i].envelope)
			p.envelope = xstrdup(cases[i].envelope);
		post_parse(&p);
		if ((got = post_check_loop(&p, cfg)) == NULL &&
		    (got = post_check_header(&p, cfg)) == NULL)
			got = post_check_body(&p, cfg);
		CHECK_STR(got ? got : "pass", cases[i].want ? cases[i].want :
		    "pass", "%s", cases[i].name);
		post_clear(&p);
	}
	cfg = cfg_free(cfg);
	why = buf_free(why);
	g_mime_shutdown();
	return check_done();
}

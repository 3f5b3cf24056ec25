/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_rewrite - header parsing (hdr) and the article rewrite rules
 */

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "hdr.h"
#include "rewrite.h"

/* rewrite_cfg - a list configuration with extra settings */
static struct cfg *
rewrite_cfg(const char *extra)
{
	struct cfg *cfg = cfg_new();
	struct buf *why = buf_alloc(64);

	cfg_set(cfg, "ml_name", "elena");
	cfg_set(cfg, "ml_domain", "example.org");
	cfg_set(cfg, "ml_home_dir", "/nonexistent/elena");
	if (cfg_load_defaults(cfg, why) != 0 ||
	    cfg_load_text(cfg, extra, strlen(extra), "test", why) != 0)
		printf("# config: %s\n", why->data);
	why = buf_free(why);
	return cfg;
}

/* rewrite_run - rewrite a header as article n; the new header text */
static char *
rewrite_run(const char *header, const char *extra, long n)
{
	struct cfg *cfg = rewrite_cfg(extra);
	struct hdr h;
	struct buf *out = buf_alloc(256), *why = buf_alloc(64);

	hdr_init(&h);
	hdr_parse(&h, header, strlen(header));
	rewrite_header(cfg, &h, n, why);
	hdr_write(&h, out);
	hdr_clear(&h);
	cfg = cfg_free(cfg);
	why = buf_free(why);
	return buf_steal(out);
}

static const struct {
	const char *name;
	const char *header;
	const char *extra;
	const char *want;		/* substrings, '|' separated */
	const char *absent;		/* substrings that must not occur */
} cases[] = {
	{
		.name = "default rules add the list fields",
		.header = "From: a@example.net\nSubject: hi\n",
		.extra = "",
		.want = "Subject: [elena:00013] hi\n|X-ML-Name: elena\n|"
		    "X-Mail-Count: 13\n|X-Sequence: elena 13\n|"
		    "Precedence: bulk\n|Reply-To: elena@example.org\n|"
		    "List-Id: elena ML <elena.example.org>\n|"
		    "List-Post: <mailto:elena@example.org>\n|"
		    "List-Owner: <mailto:elena-admin@example.org>\n|"
		    "List-Help: <mailto:elena-ctl@example.org?body=help>\n|"
		    "List-Unsubscribe: <mailto:elena-ctl@example.org?"
		    "body=unsubscribe>\n|List-Software: mlm",
		.absent = "Errors-To|X-ML-Count",
	},
	{
		.name = "Reply-To kept when present",
		.header = "From: a@example.net\nReply-To: b@example.net\n",
		.extra = "",
		.want = "Reply-To: b@example.net\n",
		.absent = "Reply-To: elena@",
	},
	{
		.name = "Reply-To forced",
		.header = "From: a@example.net\nReply-To: b@example.net\n",
		.extra = "article_header_rewrite_rules = "
		    "rewrite_reply_to_enforce_article_post_address\n",
		.want = "Reply-To: elena@example.org\n",
		.absent = "b@example.net\nReply",
	},
	{
		.name = "unsafe fields and prefixes removed",
		.header = "From: a@example.net\nReturn-Receipt-To: a@x\n"
		    "X-Spam-Status: yes\nX-Spam-Level: **\n"
		    "X-Other: kept\nDisposition-Notification-To: a@x\n",
		.extra = "article_header_delete_fields = X-Other\n",
		.want = "From: a@example.net\n",
		.absent = "Return-Receipt-To|X-Spam-|X-Other|Disposition",
	},
	{
		.name = "Errors-To and X-ML-Count on request",
		.header = "From: a@example.net\n",
		.extra = "article_header_rewrite_rules += rewrite_errors_to "
		    "add_fml_article_id\n",
		.want = "Errors-To: elena-admin@example.org\n|X-ML-Count: 13\n",
		.absent = "",
	},
	{
		.name = "another list's List-* fields replaced",
		.header = "From: a@example.net\nList-Id: other <o.example>\n"
		    "List-Post: <mailto:o@example.com>\nX-ML-Name: other\n",
		.extra = "",
		.want = "List-Id: elena ML <elena.example.org>\n|"
		    "X-ML-Name: elena\n",
		.absent = "other",
	},
	{
		.name = "no tag when the tag is empty",
		.header = "From: a@example.net\nSubject: Re: hi\n",
		.extra = "article_subject_tag =\n",
		.want = "Subject: Re: hi\n",
		.absent = "[elena",
	},
	{
		.name = "rules removed with -=",
		.header = "From: a@example.net\n",
		.extra = "article_header_rewrite_rules -= add_rfc2369 "
		    "add_x_sequence\n",
		.want = "X-Mail-Count: 13\n",
		.absent = "List-Id|X-Sequence",
	},
	{
		.name = "fields untouched keep their bytes and folding",
		.header = "From: a@example.net\nX-Folded: one\n\ttwo\r\n"
		    "Received: from x\n  by y\n",
		.extra = "",
		.want = "X-Folded: one\n\ttwo\n|Received: from x\n  by y\n",
		.absent = "",
	},
};

/* contains_all - every '|' separated part occurs in text */
static int
contains_all(const char *text, const char *parts, int want)
{
	char	*copy = strdup(parts), *save = NULL, *p;
	int	 ok = 1;

	for (p = strtok_r(copy, "|", &save); p; p = strtok_r(NULL, "|",
	    &save))
		if ((strstr(text, p) != NULL) != want) {
			printf("# %s \"%s\"\n", want ? "missing" : "found", p);
			ok = 0;
		}
	free(copy);
	return ok;
}

int
main(void)
{
	struct hdr h;
	size_t	 i, hlen, off;
	char	*out;

	check_name = "rewrite";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = rewrite_run(cases[i].header, cases[i].extra, 13);
		CHECK(contains_all(out, cases[i].want, 1) &&
		    contains_all(out, cases[i].absent, 0), "%s",
		    cases[i].name);
		free(out);
	}

	check_name = "hdr";
	off = hdr_split("A: b\n\nbody", 10, &hlen);
	CHECK(hlen == 5 && off == 6, "split at the blank line");
	off = hdr_split("A: b\r\n\r\nbody", 12, &hlen);
	CHECK(hlen == 6 && off == 8, "split at a CRLF blank line");
	off = hdr_split("A: b\nC: d", 9, &hlen);
	CHECK(hlen == 9 && off == 9, "no blank line: all header");
	off = hdr_split("\nbody", 5, &hlen);
	CHECK(hlen == 0 && off == 1, "empty header");

	hdr_init(&h);
	hdr_parse(&h, "Subject: a\n b\nsubject: c\nnot a field\nX: y",
	    40);
	CHECK(h.n == 4, "four fields (one not a field)");
	CHECK_STR(hdr_get(&h, "SUBJECT"), " a\n b", "case-blind lookup");
	CHECK(hdr_count(&h, "subject") == 2, "two subjects");
	hdr_set(&h, "Subject", " new");
	CHECK(hdr_count(&h, "subject") == 1, "set leaves one");
	CHECK_STR(h.f[0].value, " new", "set replaces in place");
	CHECK(hdr_remove(&h, "X*") == 1, "prefix removal");
	out = hdr_unfold(" a\n\tb  ");
	CHECK_STR(out, "a\tb", "unfold and trim");
	free(out);
	hdr_clear(&h);
	return check_done();
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	rewrite - the article header rules
 * SYNOPSIS
 *	#include "rewrite.h"
 * DESCRIPTION
 *	Each rule is one function over the header; a table maps the rule
 *	names to them. Values are written with a leading space, as they
 *	appear after the colon.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "hdr.h"
#include "rewrite.h"
#include "subject.h"
#include "xmem.h"

struct rewrite_ctx {
	struct cfg	*cfg;
	struct hdr	*hdr;
	long		 n;
	struct buf	*why;
};

/* rewrite_put - set a field to " value" */
static void
rewrite_put(struct hdr *h, const char *name, const char *value)
{
	char	*v = xasprintf(" %s", value);

	hdr_set(h, name, v);
	free(v);
}

/* rewrite_delete_unsafe - drop the fields the settings name */
static int
rewrite_delete_unsafe(struct rewrite_ctx *c)
{
	static const char *vars[] = { "unsafe_header_fields",
	    "article_header_delete_fields", NULL };
	int	 i, j;

	for (i = 0; vars[i] != NULL; i++) {
		char	**w = cfg_words(c->cfg, vars[i]);

		for (j = 0; w != NULL && w[j] != NULL; j++) {
			char	*name = xstrdup(w[j]);
			size_t	 len = strlen(name);

			if (len > 0 && name[len - 1] == ':')
				name[len - 1] = '\0';
			hdr_remove(c->hdr, name);
			free(name);
		}
	}
	return 0;
}

/* rewrite_subject - the subject tag */
static int
rewrite_subject(struct rewrite_ctx *c)
{
	const char *tag = cfg_get(c->cfg, "article_subject_tag");
	const char *old = hdr_get(c->hdr, "Subject");
	struct buf *out;
	int	 rc;

	if (tag == NULL || *tag == '\0')
		return 0;
	out = buf_alloc(256);
	rc = subject_tag(old, old ? strlen(old) : 0, tag, c->n, out, c->why);
	if (rc == 0) {
		if (out->len > 0 && out->data[0] != ' ' &&
		    out->data[0] != '\t') {
			char	*v = xasprintf(" %s", out->data);

			hdr_set(c->hdr, "Subject", v);
			free(v);
		} else {
			hdr_set(c->hdr, "Subject", out->data);
		}
	}
	out = buf_free(out);
	return rc;
}

/* rewrite_reply_to - Reply-To: the list, unless the mail has one */
static int
rewrite_reply_to(struct rewrite_ctx *c)
{
	if (hdr_get(c->hdr, "Reply-To") == NULL)
		rewrite_put(c->hdr, "Reply-To",
		    cfg_get(c->cfg, "reply_to_address"));
	return 0;
}

/* rewrite_reply_to_force - Reply-To: the post address, always */
static int
rewrite_reply_to_force(struct rewrite_ctx *c)
{
	rewrite_put(c->hdr, "Reply-To", cfg_get(c->cfg,
	    "article_post_address"));
	return 0;
}

/* rewrite_errors_to - Errors-To: the maintainer */
static int
rewrite_errors_to(struct rewrite_ctx *c)
{
	rewrite_put(c->hdr, "Errors-To", cfg_get(c->cfg,
	    "errors_to_address"));
	return 0;
}

/* rewrite_precedence - Precedence: bulk */
static int
rewrite_precedence(struct rewrite_ctx *c)
{
	rewrite_put(c->hdr, "Precedence", cfg_get(c->cfg, "precedence"));
	return 0;
}

/* rewrite_software - List-Software */
static int
rewrite_software(struct rewrite_ctx *c)
{
	rewrite_put(c->hdr, "List-Software", cfg_get(c->cfg,
	    "list_software"));
	return 0;
}

/* rewrite_ml_name - X-ML-Name */
static int
rewrite_ml_name(struct rewrite_ctx *c)
{
	rewrite_put(c->hdr, "X-ML-Name", cfg_get(c->cfg, "x_ml_name"));
	return 0;
}

/* rewrite_mail_count - X-Mail-Count: n */
static int
rewrite_mail_count(struct rewrite_ctx *c)
{
	char	 n[32];

	snprintf(n, sizeof(n), "%ld", c->n);
	rewrite_put(c->hdr, "X-Mail-Count", n);
	return 0;
}

/* rewrite_ml_count - X-ML-Count: n */
static int
rewrite_ml_count(struct rewrite_ctx *c)
{
	char	 n[32];

	snprintf(n, sizeof(n), "%ld", c->n);
	rewrite_put(c->hdr, "X-ML-Count", n);
	return 0;
}

/* rewrite_sequence - X-Sequence: name n */
static int
rewrite_sequence(struct rewrite_ctx *c)
{
	char	*v = xasprintf("%s %ld", cfg_get(c->cfg, "ml_name"), c->n);

	rewrite_put(c->hdr, "X-Sequence", v);
	free(v);
	return 0;
}

/* rewrite_rfc2369 - the List-* fields */
static int
rewrite_rfc2369(struct rewrite_ctx *c)
{
	const char *ctl = cfg_get(c->cfg, "command_mail_address");
	char	*v;

	rewrite_put(c->hdr, "List-Id", cfg_get(c->cfg, "list_id"));
	v = xasprintf("<mailto:%s>", cfg_get(c->cfg,
	    "article_post_address"));
	rewrite_put(c->hdr, "List-Post", v);
	free(v);
	v = xasprintf("<mailto:%s>", cfg_get(c->cfg, "list_owner_address"));
	rewrite_put(c->hdr, "List-Owner", v);
	free(v);
	v = xasprintf("<mailto:%s?body=help>", ctl);
	rewrite_put(c->hdr, "List-Help", v);
	free(v);
	v = xasprintf("<mailto:%s?body=subscribe>", ctl);
	rewrite_put(c->hdr, "List-Subscribe", v);
	free(v);
	v = xasprintf("<mailto:%s?body=unsubscribe>", ctl);
	rewrite_put(c->hdr, "List-Unsubscribe", v);
	free(v);
	return 0;
}

/* rewrite_nothing - a rule fml8 has that changes nothing */
static int
rewrite_nothing(struct rewrite_ctx *c)
{
	(void)c;
	return 0;
}

static const struct {
	const char *name;
	int	(*fn)(struct rewrite_ctx *);
} rewrite_rules[] = {
	{ "delete_unsafe_header_fields", rewrite_delete_unsafe },
	{ "rewrite_article_subject_tag", rewrite_subject },
	{ "rewrite_reply_to", rewrite_reply_to },
	{ "rewrite_reply_to_enforce_article_post_address",
	    rewrite_reply_to_force },
	{ "rewrite_errors_to", rewrite_errors_to },
	{ "rewrite_precedence", rewrite_precedence },
	{ "rewrite_message_id", rewrite_nothing },
	{ "add_software_info", rewrite_software },
	{ "add_fml_ml_name", rewrite_ml_name },
	{ "add_fml_traditional_article_id", rewrite_mail_count },
	{ "add_fml_article_id", rewrite_ml_count },
	{ "add_x_sequence", rewrite_sequence },
	{ "add_rfc2369", rewrite_rfc2369 },
};

/* rewrite_header - apply article_header_rewrite_rules for article n */
int
rewrite_header(struct cfg *cfg, struct hdr *h, long n, struct buf *why)
{
	struct rewrite_ctx c = { .cfg = cfg, .hdr = h, .n = n, .why = why };
	char	**rules;
	size_t	 j;
	int	 i, rc = 0;

	rules = cfg_words(cfg, "article_header_rewrite_rules");
	for (i = 0; rules != NULL && rules[i] != NULL; i++) {
		for (j = 0; j < sizeof(rewrite_rules) /
		    sizeof(rewrite_rules[0]); j++)
			if (strcmp(rules[i], rewrite_rules[j].name) == 0)
				break;
		if (j == sizeof(rewrite_rules) / sizeof(rewrite_rules[0])) {
			BUF_WHY(why, "unknown header rewrite rule \"%s\"",
			    rules[i]);
			continue;
		}
		if (rewrite_rules[j].fn(&c) != 0)
			rc = -1;
	}
	return rc;
}

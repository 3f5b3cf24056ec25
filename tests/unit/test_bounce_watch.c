/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_bounce_watch - which refusals of the MTA count as hard failures
 *
 * error_watch_event() is given one refusal per case for a recipient
 * of a fresh list; afterwards the bounce table must have a record for
 * the address exactly when the case says so. A refusal about the
 * sender (5.1.7, 5.1.8), which the MTA may give at RCPT time for every
 * recipient, must not count against the member.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncedb.h"
#include "buf.h"
#include "cfg.h"
#include "check.h"
#include "db.h"
#include "msg.h"
#include "prog.h"
#include "queue.h"
#include "site.h"
#include "store.h"
#include "xmem.h"

static const struct {
	const char	*addr;
	const char	*event;
	const char	*text;
	int		 booked;
} cases[] = {
	{ .addr = "bob@example.net", .event = QUEUE_EV_FAILED,
	  .text = "550 5.1.1 <bob@example.net>: Recipient address "
	    "rejected: User unknown", .booked = 1 },
	{ .addr = "carol@example.net", .event = QUEUE_EV_FAILED,
	  .text = "550 5.2.1 <carol@example.net>: mailbox disabled",
	  .booked = 1 },
	{ .addr = "dave@example.net", .event = QUEUE_EV_FAILED,
	  .text = "550 5.1.8 <elena-error@example.org>: Sender address "
	    "rejected: Domain not found", .booked = 0 },
	{ .addr = "erin@example.net", .event = QUEUE_EV_FAILED,
	  .text = "553 5.1.7 <elena-error@example.org>: Sender address "
	    "rejected: bad syntax", .booked = 0 },
	{ .addr = "frank@example.net", .event = QUEUE_EV_FAILED,
	  .text = "550 5.7.1 <frank@example.net>: Relay access denied",
	  .booked = 0 },
	{ .addr = "gina@example.net", .event = QUEUE_EV_DEFERRED,
	  .text = "450 4.1.1 <gina@example.net>: try later",
	  .booked = 0 },
};

/* test_found - walk function: is the address in the table */
static int
test_found(const struct bouncedb_rec *rec, void *arg)
{
	const char *want = *(const char **)arg;

	if (want != NULL && strcmp(rec->addr, want) == 0)
		*(const char **)arg = NULL;
	return 0;
}

/* write_text - create a file with some text */
static int
write_text(const char *path, const char *text)
{
	FILE	*fp = fopen(path, "w");

	if (fp == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

int
main(void)
{
	struct buf *why = buf_alloc(128);
	struct site *site = NULL;
	struct ml *ml = NULL;
	struct db *db = NULL;
	struct store *st = NULL;
	struct error_watch *w;
	char	 base[] = "/tmp/mlm-watch.XXXXXX";
	char	*p, *text;
	const char *want;
	size_t	 i;
	int	 status = 0;

	check_name = "bounce_watch";
	msg_init("test_bounce_watch", 0);
	if (mkdtemp(base) == NULL) {
		CHECK(0, "mkdtemp");
		return check_done();
	}
	p = xasprintf("%s/lists", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/lists/elena/var", base);
	mkdir(p, 0700);
	p = xfree(p);
	p = xasprintf("%s/main.cf", base);
	text = xasprintf("default_ml_home_prefix = %s/lists\n"
	    "default_domain = example.org\n", base);
	write_text(p, text);
	text = xfree(text);
	p = xfree(p);
	p = xasprintf("%s/lists/elena/config.cf", base);
	write_text(p, "error_mail_analyzer_summary = no\n");
	p = xfree(p);

	status = site_open(base, &site, why);
	if (status == 0)
		status = ml_open(site, "elena", &ml, why);
	if (status == 0)
		status = db_open(ml_get(ml, "db_dir"), 0, &db, why);
	if (status == 0)
		status = store_open(db, &st, why);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]) && status == 0; i++)
		status = store_add(st, cases[i].addr, STORE_MEMBER |
		    STORE_RECIPIENT, why);
	CHECK(status == 0, "a list with members (%s)",
	    status ? why->data : "");
	if (status != 0)
		goto out;

	w = error_watch_open(ml, db, st);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		error_watch_event(w, cases[i].event, cases[i].addr,
		    cases[i].text);
	w = error_watch_close(w);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		want = cases[i].addr;
		status = bouncedb_walk(db, bouncedb_now(), 14, test_found,
		    &want, why);
		CHECK(status == 0 && (want == NULL) == cases[i].booked,
		    "%s: %s after \"%s\"", cases[i].addr, cases[i].booked ?
		    "booked" : "not booked", cases[i].text);
	}
out:
	st = store_close(st);
	db = db_close(db);
	ml = ml_free(ml);
	site = site_free(site);
	check_rm_tree(base);
	why = buf_free(why);
	return check_done();
}

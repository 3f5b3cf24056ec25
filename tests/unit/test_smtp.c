/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test_smtp - the SMTP client against a scripted server
 *
 * Each case starts tests/lib/fakesmtp.py with its options, opens a
 * session, runs one or more transactions and compares the reply codes,
 * the server's log and the bytes that crossed the wire.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "check.h"
#include "smtp.h"
#include "xmem.h"
#include "../lib/fakesmtp.h"

#define NRCPT	6

struct smtp_case {
	const char *name;
	const char *opts[8];		/* fakesmtp options */
	const char *servers;		/* %p: the server, %c: a closed port */
	int	 timeout;
	const char *xverp;
	int	 open_status;
	const char *why_has;		/* smtp_open failure reason */
	const char *server;		/* smtp_server(), %p expanded */
	const char *rcpts[NRCPT];
	const char *msg;		/* NULL: a 2 MB message */
	int	 sends;			/* times the transaction is run */
	int	 send_rc;
	int	 codes[NRCPT];
	int	 data_code;
	const char *rcpt_has[NRCPT];	/* smtp_rcpt_reply() has these */
	const char *last_has;		/* smtp_last_reply() substring */
	const char *wire;		/* bytes of transaction 1 */
	int	 txns;			/* TXN lines with code=250 */
	int	 sessions;
	const char *log_has[4];
	const char *log_lacks[2];
	const char *ext;
	const char *noext;
	int	 then_ok;		/* a later transaction must work */
	double	 max_secs;
};

static const struct smtp_case cases[] = {
	{
		.name = "pipelined transaction",
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example", "c@x.example" },
		.msg = "Subject: t\n\n.hello\nline\r\n..two\nlast",
		.codes = { 250, 250, 250 },
		.data_code = 250,
		.last_has = "250 queued as 1",
		.wire = "Subject: t\r\n\r\n..hello\r\nline\r\n...two\r\n"
		    "last\r\n.\r\n",
		.txns = 1,
		.sessions = 1,
		.log_has = { "params=BODY=8BITMIME+SIZE=",
		    "rcpts=a@x.example,b@x.example,c@x.example\n",
		    "CMD session=1 QUIT" },
		.log_lacks = { "VIOLATION", "CMD session=1 RSET" },
		.ext = "pipelining",
		.then_ok = 1,
	},
	{
		.name = "lock-step without PIPELINING, three transactions",
		.opts = { "--no-pipelining" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example" },
		.msg = "From: x\n\n.\n",
		.sends = 3,
		.codes = { 250, 250 },
		.data_code = 250,
		.wire = "From: x\r\n\r\n..\r\n.\r\n",
		.txns = 3,
		.sessions = 1,
		.log_lacks = { "VIOLATION" },
		.ext = "8BITMIME",
		.noext = "PIPELINING",
	},
	{
		.name = "4xx and 5xx for some RCPTs, multi-line replies",
		.opts = { "--rcpt-code", "b@x.example=450", "--rcpt-code",
		    "C@x.example=550", "--multiline" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example", "c@x.example",
		    "d@x.example" },
		.msg = "a\n",
		.codes = { 250, 450, 550, 250 },
		.data_code = 250,
		.rcpt_has = { NULL, "450 rcpt b@x.example rcpt b@x.example "
		    "(more)", "550 5.1.1 <c@x.example> rcpt 5.1.1" },
		.wire = "a\r\n.\r\n",
		.txns = 1,
		.sessions = 1,
		.log_has = { "rcpts=a@x.example,d@x.example\n" },
	},
	{
		.name = "every RCPT refused: RSET, session stays usable",
		.opts = { "--rcpt-code", "a@x.example=550", "--rcpt-code",
		    "b@x.example=451" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example" },
		.msg = "a\n",
		.codes = { 550, 451 },
		.data_code = -1,
		.last_has = "451 rcpt b@x.example",
		.sessions = 1,
		.log_has = { "CMD session=1 RSET" },
		.then_ok = 1,
	},
	{
		.name = "every RCPT refused without PIPELINING",
		.opts = { "--no-pipelining", "--rcpt-code", "a@x.example=550" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.codes = { 550 },
		.data_code = -1,
		.sessions = 1,
		.log_has = { "CMD session=1 RSET" },
		.log_lacks = { "CMD session=1 DATA", "VIOLATION" },
	},
	{
		.name = "MAIL FROM refused: no RCPT counts",
		.opts = { "--mail-code", "451" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example" },
		.msg = "a\n",
		.codes = { 0, 0 },
		.data_code = -1,
		.last_has = "451 sender",
		.sessions = 1,
	},
	{
		.name = "MAIL FROM refused without PIPELINING",
		.opts = { "--mail-code", "550", "--no-pipelining" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.codes = { 0 },
		.data_code = -1,
		.last_has = "550 sender",
		.sessions = 1,
		.log_lacks = { "VIOLATION", "CMD session=1 DATA" },
	},
	{
		.name = "4xx on the final dot",
		.opts = { "--dot-code", "451" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.codes = { 250 },
		.data_code = 451,
		.last_has = "451 dot",
		.sessions = 1,
		.log_has = { "code=451" },
		.then_ok = 0,
	},
	{
		.name = "DATA refused",
		.opts = { "--data-code", "452" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.codes = { 250 },
		.data_code = 452,
		.last_has = "452 not now",
		.sessions = 1,
		.log_has = { "CMD session=1 RSET" },
	},
	{
		.name = "connection cut during DATA",
		.opts = { "--drop-data", "1" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example", "b@x.example" },
		.msg = "a\nb\n",
		.send_rc = -1,
		.codes = { 250, 250 },
		.data_code = 0,
		.sessions = 1,
		.log_has = { "DROP session=1 n=1" },
	},
	{
		.name = "connection cut during a 2 MB DATA (no SIGPIPE)",
		.opts = { "--drop-data", "1", "--sink" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = NULL,
		.send_rc = -1,
		.codes = { 250 },
		.data_code = 0,
		.sessions = 1,
		.log_has = { "DROP session=1 n=1" },
	},
	{
		.name = "server never answers: 2 s timeout",
		.opts = { "--silent" },
		.servers = "127.0.0.1:%p",
		.timeout = 2,
		.open_status = EX_TEMPFAIL,
		.why_has = "timed out",
		.max_secs = 4.5,
	},
	{
		.name = "no reply to the final dot: 2 s timeout",
		.opts = { "--hang-dot", "1" },
		.servers = "127.0.0.1:%p",
		.timeout = 2,
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.send_rc = -1,
		.codes = { 250 },
		.data_code = 0,
		.sessions = 1,
		.max_secs = 4.5,
	},
	{
		.name = "connection refused",
		.servers = "127.0.0.1:%c",
		.open_status = EX_TEMPFAIL,
		.why_has = "refused",
	},
	{
		.name = "first server that answers wins",
		.servers = "127.0.0.1:%c [::1]:%c localhost:%p",
		.server = "localhost:%p",
		.rcpts = { "a@x.example" },
		.msg = "a",
		.codes = { 250 },
		.data_code = 250,
		.wire = "a\r\n.\r\n",
		.txns = 1,
		.sessions = 1,
	},
	{
		.name = "bracketed address and greeting refusal",
		.opts = { "--greeting-code", "554" },
		.servers = "[127.0.0.1]:%p",
		.open_status = EX_TEMPFAIL,
		.why_has = "greeting: 554 fake ESMTP",
	},
	{
		.name = "EHLO refused with 5xx: HELO",
		.opts = { "--ehlo-code", "502" },
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\n",
		.codes = { 250 },
		.data_code = 250,
		.txns = 1,
		.sessions = 1,
		.log_has = { "CMD session=1 HELO", "params=-" },
		.log_lacks = { "VIOLATION" },
		.noext = "PIPELINING",
	},
	{
		.name = "EHLO refused with 4xx: no session",
		.opts = { "--ehlo-code", "421" },
		.servers = "127.0.0.1:%p",
		.open_status = EX_TEMPFAIL,
		.why_has = "EHLO: 421",
	},
	{
		.name = "reply line over 4096 bytes",
		.opts = { "--long-reply" },
		.servers = "127.0.0.1:%p",
		.open_status = EX_TEMPFAIL,
		.why_has = "longer than 4096",
	},
	{
		.name = "malformed server entries",
		.servers = "127.0.0.1:port [::1 host:0 host:123456",
		.open_status = EX_CONFIG,
		.why_has = "malformed server entry",
	},
	{
		.name = "addresses with CR LF are never sent",
		.servers = "127.0.0.1:%p",
		.rcpts = { "x@x.example>\r\nRSET\r\nRCPT TO:<y@x.example",
		    "ok@x.example", "<z@x.example>" },
		.msg = "a\n",
		.codes = { 553, 250, 553 },
		.data_code = 250,
		.rcpt_has = { "553 5.1.3", NULL, "553 5.1.3" },
		.txns = 1,
		.sessions = 1,
		.log_has = { "rcpts=ok@x.example\n" },
		.log_lacks = { "RSET", "y@x.example" },
	},
	{
		.name = "UTF-8 address, XVERP, empty message",
		.servers = "127.0.0.1:%p",
		.xverp = "",
		.rcpts = { "j\xc3\xbcrgen@x.example" },
		.msg = "",
		.codes = { 250 },
		.data_code = 250,
		.wire = ".\r\n",
		.txns = 1,
		.sessions = 1,
		.log_has = { "+SMTPUTF8+XVERP " },
	},
	{
		.name = "lone CR ends a line, dot after CR is stuffed",
		.servers = "127.0.0.1:%p",
		.rcpts = { "a@x.example" },
		.msg = "a\rb\r\n.c\r.\r\n\r\n",
		.codes = { 250 },
		.data_code = 250,
		.wire = "a\r\nb\r\n..c\r\n..\r\n\r\n.\r\n",
		.txns = 1,
		.sessions = 1,
	},
};

/* expand - replace %p and %c in a template */
static char *
expand(const char *tmpl, int port, int closed)
{
	struct buf *b = buf_alloc(64);
	const char *p;

	for (p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 'p') {
			buf_printf(b, "%d", port);
			p++;
		} else if (p[0] == '%' && p[1] == 'c') {
			buf_printf(b, "%d", closed);
			p++;
		} else {
			buf_putc(b, *p);
		}
	}
	return buf_steal(b);
}

/* split - a NULL-terminated array of the words of a string */
static char **
split(char *text)
{
	char	**v = xcalloc(16, sizeof(*v));
	char	*w;
	int	 n = 0;

	for (w = strtok(text, " "); w != NULL && n < 15; w = strtok(NULL, " "))
		v[n++] = w;
	return v;
}

/* secs_since - seconds elapsed since a monotonic time */
static double
secs_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* big_message - a 2 MB message */
static char *
big_message(void)
{
	struct buf *b = buf_alloc(2 << 20);

	buf_puts(b, "Subject: big\n\n");
	while (b->len < (2 << 20))
		buf_puts(b, "0123456789012345678901234567890123456789012345678"
		    "901234567890123456789\n");
	return buf_steal(b);
}

/* check_transactions - run the case's transactions on an open session */
static void
check_transactions(const struct smtp_case *c, struct smtp *s)
{
	struct buf *why = buf_alloc(64);
	const char *only[] = { "ok@x.example" };
	char	*big = NULL;
	const char *msg = c->msg;
	size_t	 n = 0;
	int	 codes[NRCPT];
	int	 dcode;
	int	 rc;
	int	 i;
	int	 k;
	const char *r;

	while (n < NRCPT && c->rcpts[n] != NULL)
		n++;
	if (msg == NULL)
		msg = big = big_message();
	for (k = 0; k < (c->sends ? c->sends : 1); k++) {
		rc = smtp_send(s, "list-error@x.example", c->rcpts, n, codes,
		    msg, strlen(msg), &dcode, why);
		CHECK(rc == c->send_rc, "%s #%d: smtp_send returns %d (%s)",
		    c->name, k + 1, rc, why->data);
		for (i = 0; i < (int)n; i++)
			CHECK(codes[i] == c->codes[i], "%s: RCPT %d code %d",
			    c->name, i, codes[i]);
		CHECK(dcode == c->data_code, "%s: data code %d", c->name,
		    dcode);
	}
	for (i = 0; i < (int)n; i++) {
		r = smtp_rcpt_reply(s, (size_t)i);
		if (c->rcpt_has[i] == NULL)
			CHECK(codes[i] / 100 != 2 || r == NULL,
			    "%s: no reply text kept for RCPT %d", c->name, i);
		else
			CHECK(r != NULL && strstr(r, c->rcpt_has[i]) != NULL,
			    "%s: RCPT %d reply \"%s\"", c->name, i,
			    r ? r : "(null)");
	}
	if (c->last_has != NULL)
		CHECK(strstr(smtp_last_reply(s), c->last_has) != NULL,
		    "%s: last reply \"%s\"", c->name, smtp_last_reply(s));
	if (c->send_rc < 0) {
		rc = smtp_send(s, "l@x.example", only, 1, codes, "a\n", 2,
		    &dcode, why);
		CHECK(rc == -1 && codes[0] == 0 && dcode == 0,
		    "%s: a broken session refuses further work", c->name);
	}
	if (c->then_ok) {
		rc = smtp_send(s, "l@x.example", only, 1, codes, "b\n", 2,
		    &dcode, why);
		CHECK(rc == 0 && codes[0] == 250 && dcode == 250,
		    "%s: the next transaction works (%s)", c->name,
		    smtp_last_reply(s));
	}
	big = xfree(big);
	why = buf_free(why);
}

/* check_log - compare the server's log and data with the case */
static void
check_log(const struct smtp_case *c, const struct fake *f)
{
	char	*log = fake_log(f);
	char	*data;
	char	 want[64];
	size_t	 len;
	int	 i;

	CHECK(fake_count(log, "code=250 ") == c->txns + (c->then_ok ? 1 : 0),
	    "%s: %d transactions accepted", c->name,
	    fake_count(log, "code=250 "));
	if (c->sessions > 0)
		CHECK(fake_count(log, "SESSION ") == c->sessions,
		    "%s: %d session(s)", c->name, fake_count(log, "SESSION "));
	for (i = 0; i < 4 && c->log_has[i] != NULL; i++)
		CHECK(strstr(log, c->log_has[i]) != NULL, "%s: log has \"%s\"",
		    c->name, c->log_has[i]);
	for (i = 0; i < 2 && c->log_lacks[i] != NULL; i++)
		CHECK(strstr(log, c->log_lacks[i]) == NULL,
		    "%s: log lacks \"%s\"", c->name, c->log_lacks[i]);
	if (c->wire != NULL) {
		data = fake_data(f, 1, &len);
		CHECK(data != NULL && len == strlen(c->wire) &&
		    memcmp(data, c->wire, len) == 0, "%s: wire text",
		    c->name);
		snprintf(want, sizeof(want), " size=%zu ", strlen(c->wire));
		CHECK(strstr(log, want) != NULL, "%s: log has \"%s\"",
		    c->name, want);
		if (strstr(log, "SIZE=") != NULL) {
			snprintf(want, sizeof(want), "SIZE=%zu",
			    strlen(c->wire));
			CHECK(strstr(log, want) != NULL, "%s: MAIL has %s",
			    c->name, want);
		}
		printf("# %s: final dot %s the message tail\n", c->name,
		    strstr(log, " tail=1 ") ? "came with" : "came apart from");
		free(data);
	}
	free(log);
}

/* run_case - one scripted session */
static void
run_case(const struct smtp_case *c)
{
	struct smtp_conf conf = { .timeout = c->timeout ? c->timeout : 10,
		.helo = "test.example", .xverp = c->xverp };
	struct buf *why = buf_alloc(64);
	struct timespec t0;
	struct smtp *s = NULL;
	struct fake f;
	char	*servers;
	char	*want;
	int	 closed = fake_closed_port();
	int	 status;

	if (fake_start(&f, c->opts) != 0) {
		CHECK(0, "%s: fake server starts (%s)", c->name,
		    fake_script());
		fake_stop(&f);
		why = buf_free(why);
		return;
	}
	servers = expand(c->servers, f.port, closed);
	conf.servers = split(servers);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	status = smtp_open(&conf, &s, why);
	CHECK(status == c->open_status, "%s: smtp_open gives %d (%s)",
	    c->name, status, why->data);
	if (c->why_has != NULL)
		CHECK(strstr(why->data, c->why_has) != NULL,
		    "%s: reason has \"%s\"", c->name, c->why_has);
	if (status == 0 && s != NULL) {
		if (c->server != NULL) {
			want = expand(c->server, f.port, closed);
			CHECK_STR(smtp_server(s), want, "%s: server",
			    c->name);
			want = xfree(want);
		}
		if (c->ext != NULL)
			CHECK(smtp_has_ext(s, c->ext), "%s: has %s", c->name,
			    c->ext);
		if (c->noext != NULL)
			CHECK(!smtp_has_ext(s, c->noext), "%s: lacks %s",
			    c->name, c->noext);
		check_transactions(c, s);
	}
	s = smtp_close(s);
	if (c->max_secs > 0)
		CHECK(secs_since(&t0) < c->max_secs, "%s: over in %.1f s",
		    c->name, secs_since(&t0));
	check_log(c, &f);

	fake_stop(&f);
	conf.servers = xfree(conf.servers);
	servers = xfree(servers);
	why = buf_free(why);
}

int
main(void)
{
	size_t	 i;

	check_name = "smtp";
	signal(SIGPIPE, SIG_DFL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	return check_done();
}

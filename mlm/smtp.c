/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	smtp - an SMTP client for handing mail to the local MTA
 * SYNOPSIS
 *	#include "smtp.h"
 * DESCRIPTION
 *	The client keeps its socket non-blocking and waits with poll(2)
 *	against a deadline: smtp_timeout seconds for a connection, for a
 *	whole reply (however many lines it has) and for each step of
 *	progress of a write. Replies are read through a buffer, not byte
 *	by byte, and split into lines there.
 *
 *	Server entries are "host:port", "[address]:port", "[address]",
 *	"host", or a bare IPv6 address; the port must be numeric
 *	(getaddrinfo() with AI_NUMERICSERV). Every address of an entry
 *	is tried in turn, then the next entry; the first that greets with
 *	2xx and accepts EHLO or HELO is used.
 *
 *	With PIPELINING, MAIL FROM, every RCPT and DATA leave in one
 *	write and the replies are read afterwards, in order. While a
 *	large group of commands is being written the client also reads
 *	whatever the server has answered so far, so that neither side can
 *	block the other. Without PIPELINING each command waits for its
 *	reply. The DATA text is built in one buffer (CRLF line ends,
 *	dot-stuffing, CRLF at the end, then ".") and written with one
 *	send loop, and TCP_NODELAY is set, so the end of the message and
 *	the final dot never wait for an acknowledgement.
 *
 *	A peer that goes away must not raise SIGPIPE: writes use send(2)
 *	with MSG_NOSIGNAL (Linux, FreeBSD) and sockets get SO_NOSIGPIPE
 *	where it exists (FreeBSD, macOS). On a system with neither,
 *	smtp_open() sets SIGPIPE to SIG_IGN for the whole process.
 * DIAGNOSTICS
 *	smtp_open(): 0; EX_TEMPFAIL when no server answered ("host:port:
 *	reason" for each one tried, in why); EX_CONFIG when no entry could
 *	even be parsed or the EHLO name is not a plain host name.
 *	smtp_send(): 0 or -1, see smtp.h. A reply line longer than 4096
 *	bytes, a reply of more than 1000 lines, lines with different
 *	codes or without a three-digit code are protocol errors that end
 *	the session.
 * BUGS
 *	No TLS and no AUTH: the client is meant for the MTA on the same
 *	host or a trusted relay. The timeout for a write is measured from
 *	the last progress, so a peer that takes one byte at a time just
 *	within the timeout can make a large write last long. Connecting
 *	has the same timeout, so an address that drops SYNs delays the
 *	next one by smtp_timeout. At most 4 MB of replies are read ahead
 *	while writing.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "buf.h"
#include "smtp.h"
#include "xmem.h"

#define SMTP_LINE_MAX	4096		/* longest reply line */
#define SMTP_REPLY_LINES 1000		/* most lines in one reply */
#define SMTP_TEXT_MAX	1024		/* reply text kept for logging */
#define SMTP_INPUT_MAX	((size_t)4 << 20) /* replies read ahead */
#define SMTP_READ_CHUNK	16384
#define SMTP_EXT_MAX	32		/* EHLO keywords kept */
#define SMTP_EXT_LEN	32		/* longest keyword kept */
#define SMTP_QUIT_WAIT	5		/* seconds to wait for QUIT's reply */
#define SMTP_WHY_MAX	2048		/* reasons gathered by smtp_open */

#ifdef MSG_NOSIGNAL
#define SMTP_SEND_FLAGS	MSG_NOSIGNAL
#else
#define SMTP_SEND_FLAGS	0
#endif
#if !defined(MSG_NOSIGNAL) && !defined(SO_NOSIGPIPE)
#define SMTP_IGNORE_SIGPIPE
#endif

struct smtp {
	int		 fd;
	long long	 timeout;	/* milliseconds */
	int		 broken;	/* the session may not be used */
	char		*server;	/* the entry that answered */
	char		*ext[SMTP_EXT_MAX]; /* EHLO keywords, upper case */
	size_t		 next;
	const char	*xverp;
	struct buf	*in;		/* input, parsed up to in_pos */
	size_t		 in_pos;
	struct buf	*out;		/* commands to write */
	struct buf	*data;		/* the DATA text */
	struct buf	*reply;		/* reply that decided a transaction */
	struct buf	*scratch;	/* replies not kept */
	char		**rcpt_text;	/* non-2xx RCPT replies */
	size_t		 rcpt_n;
};

/* smtp_now - monotonic time in milliseconds */
static long long
smtp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtp_wait - poll the socket until an event or the deadline */
static int
smtp_wait(int fd, short events, long long deadline, short *revents,
    struct buf *why)
{
	struct pollfd pfd;
	long long left;
	int	 n;

	for (;;) {
		if ((left = deadline - smtp_now()) <= 0) {
			BUF_WHY(why, "timed out");
			return -1;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			BUF_WHY(why, "poll: %s", strerror(errno));
			return -1;
		}
		if (n > 0) {
			*revents = pfd.revents;
			return 0;
		}
	}
}

/* smtp_fail - mark the session unusable; returns -1 */
static int
smtp_fail(struct smtp *s)
{
	s->broken = 1;
	return -1;
}

/* smtp_recv - read what the socket has: >0 bytes, 0 nothing yet, -1 */
static ssize_t
smtp_recv(struct smtp *s, struct buf *why)
{
	ssize_t	 n;

	if (s->in_pos > 0 && (s->in_pos == s->in->len ||
	    s->in_pos > s->in->size / 2)) {
		memmove(s->in->data, s->in->data + s->in_pos,
		    s->in->len - s->in_pos);
		s->in->len -= s->in_pos;
		s->in_pos = 0;
	}
	buf_reserve(s->in, SMTP_READ_CHUNK);
	for (;;) {
		n = recv(s->fd, s->in->data + s->in->len, SMTP_READ_CHUNK, 0);
		if (n > 0) {
			s->in->len += (size_t)n;
			s->in->data[s->in->len] = '\0';
			return n;
		}
		if (n == 0) {
			BUF_WHY(why, "connection closed by server");
			return smtp_fail(s);
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		BUF_WHY(why, "read: %s", strerror(errno));
		return smtp_fail(s);
	}
}

/* smtp_fill - wait for more input until the deadline */
static int
smtp_fill(struct smtp *s, long long deadline, struct buf *why)
{
	short	 rev;
	ssize_t	 n;

	for (;;) {
		if (smtp_wait(s->fd, POLLIN, deadline, &rev, why) < 0)
			return smtp_fail(s);
		if ((n = smtp_recv(s, why)) < 0)
			return -1;
		if (n > 0)
			return 0;
	}
}

/* smtp_write - write a whole buffer, reading early replies meanwhile */
static int
smtp_write(struct smtp *s, const char *p, size_t len, struct buf *why)
{
	long long deadline = smtp_now() + s->timeout;
	short	 events;
	short	 rev;
	ssize_t	 n;

	if (s->broken) {
		BUF_WHY(why, "session is not usable");
		return -1;
	}
	while (len > 0) {
		events = POLLOUT;
		if (s->in->len - s->in_pos < SMTP_INPUT_MAX)
			events |= POLLIN;
		if (smtp_wait(s->fd, events, deadline, &rev, why) < 0)
			return smtp_fail(s);
		if ((rev & POLLIN) != 0 && smtp_recv(s, why) < 0)
			return -1;
		if ((rev & (POLLERR | POLLNVAL)) != 0 && (rev & POLLOUT) == 0) {
			BUF_WHY(why, "connection lost");
			return smtp_fail(s);
		}
		if ((rev & (POLLOUT | POLLERR | POLLHUP)) == 0)
			continue;
		n = send(s->fd, p, len, SMTP_SEND_FLAGS);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			BUF_WHY(why, "write: %s", strerror(errno));
			return smtp_fail(s);
		}
		p += n;
		len -= (size_t)n;
		deadline = smtp_now() + s->timeout;
	}
	return 0;
}

/* smtp_flush - write the pending commands */
static int
smtp_flush(struct smtp *s, struct buf *why)
{
	int	 rc;

	rc = smtp_write(s, s->out->data, s->out->len, why);
	buf_reset(s->out);
	return rc;
}

/* smtp_getline - the next input line without CRLF; valid until a read */
static int
smtp_getline(struct smtp *s, long long deadline, const char **linep,
    size_t *lenp, struct buf *why)
{
	const char *start;
	const char *nl;
	size_t	 avail;
	size_t	 len;

	for (;;) {
		start = s->in->data + s->in_pos;
		avail = s->in->len - s->in_pos;
		nl = memchr(start, '\n', avail > SMTP_LINE_MAX + 2 ?
		    SMTP_LINE_MAX + 2 : avail);
		if (nl != NULL)
			break;
		if (avail > SMTP_LINE_MAX + 1) {
			BUF_WHY(why, "protocol error: reply line longer "
			    "than %d bytes", SMTP_LINE_MAX);
			return smtp_fail(s);
		}
		if (smtp_fill(s, deadline, why) < 0)
			return -1;
	}

	len = (size_t)(nl - start);
	s->in_pos += len + 1;
	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (len > SMTP_LINE_MAX) {
		BUF_WHY(why, "protocol error: reply line longer than %d bytes",
		    SMTP_LINE_MAX);
		return smtp_fail(s);
	}
	*linep = start;
	*lenp = len;
	return 0;
}

/* smtp_text_add - append reply text for logging, printable and capped */
static void
smtp_text_add(struct buf *text, const char *p, size_t len)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; i < len && text->len < SMTP_TEXT_MAX; i++) {
		c = (unsigned char)p[i];
		buf_putc(text, c < 0x20 || c >= 0x7f ? '?' : c);
	}
}

/* smtp_ext_add - remember one EHLO keyword */
static void
smtp_ext_add(struct smtp *s, const char *p, size_t len)
{
	size_t	 n;
	size_t	 i;
	char	*kw;

	for (n = 0; n < len && p[n] != ' '; n++)
		;
	if (n == 0 || n > SMTP_EXT_LEN || s->next >= SMTP_EXT_MAX)
		return;
	kw = xstrndup(p, n);
	for (i = 0; i < n; i++)
		if (kw[i] >= 'a' && kw[i] <= 'z')
			kw[i] = (char)(kw[i] - 'a' + 'A');
	s->ext[s->next++] = kw;
}

/* smtp_ext_clear - forget the EHLO keywords */
static void
smtp_ext_clear(struct smtp *s)
{
	while (s->next > 0) {
		s->next--;
		s->ext[s->next] = xfree(s->ext[s->next]);
	}
}

/* smtp_reply - read one reply, possibly multi-line; the code or -1 */
static int
smtp_reply(struct smtp *s, struct buf *text, int ehlo, struct buf *why)
{
	long long deadline = smtp_now() + s->timeout;
	const char *line;
	size_t	 len;
	int	 code = 0;
	int	 c;
	int	 nlines;

	if (s->broken) {
		BUF_WHY(why, "session is not usable");
		return -1;
	}
	buf_reset(text);
	for (nlines = 0;; nlines++) {
		if (nlines >= SMTP_REPLY_LINES) {
			BUF_WHY(why, "protocol error: reply of more than %d "
			    "lines", SMTP_REPLY_LINES);
			return smtp_fail(s);
		}
		if (smtp_getline(s, deadline, &line, &len, why) < 0)
			return -1;
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (len > 3 && line[3] != ' ' &&
		    line[3] != '-')) {
			buf_reset(text);
			smtp_text_add(text, line, len > 80 ? 80 : len);
			BUF_WHY(why, "protocol error: malformed reply \"%s\"",
			    text->data);
			return smtp_fail(s);
		}
		c = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (nlines == 0) {
			code = c;
			smtp_text_add(text, line, 3);
		} else if (c != code) {
			BUF_WHY(why, "protocol error: reply lines with "
			    "codes %d and %d", code, c);
			return smtp_fail(s);
		} else if (ehlo && len > 4) {
			smtp_ext_add(s, line + 4, len - 4);
		}
		if (len > 4) {
			smtp_text_add(text, " ", 1);
			smtp_text_add(text, line + 4, len - 4);
		}
		if (len <= 3 || line[3] == ' ')
			return code;
	}
}

/* smtp_parse_server - split a server entry into host and port */
static int
smtp_parse_server(const char *spec, char **hostp, char **portp)
{
	const char *colon;
	const char *end;
	const char *port = "25";
	char	*host;
	size_t	 i;
	size_t	 hlen;
	long	 num;

	*hostp = *portp = NULL;
	if (spec[0] == '[') {
		if ((end = strchr(spec, ']')) == NULL)
			return -1;
		host = xstrndup(spec + 1, (size_t)(end - spec - 1));
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0')
			goto bad;
	} else if ((colon = strchr(spec, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		host = xstrndup(spec, (size_t)(colon - spec));
		port = colon + 1;
	} else {
		host = xstrdup(spec);
	}

	hlen = strlen(host);
	if (hlen == 0 || hlen > 255 || strlen(port) == 0 || strlen(port) > 5)
		goto bad;
	for (i = 0; port[i] != '\0'; i++)
		if (port[i] < '0' || port[i] > '9')
			goto bad;
	num = strtol(port, NULL, 10);
	if (num < 1 || num > 65535)
		goto bad;
	*hostp = host;
	*portp = xstrdup(port);
	return 0;

bad:
	host = xfree(host);
	return -1;
}

/* smtp_socket - a non-blocking, close-on-exec socket for an address */
static int
smtp_socket(const struct addrinfo *ai)
{
	int	 fd;
	int	 on = 1;
	int	 fl;

	if ((fd = socket(ai->ai_family, ai->ai_socktype,
	    ai->ai_protocol)) < 0)
		return -1;
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
#ifdef SO_NOSIGPIPE
	(void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#endif
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return fd;
}

/* smtp_connect_addr - connect to one address within the timeout */
static int
smtp_connect_addr(const struct addrinfo *ai, long long timeout,
    struct buf *why)
{
	socklen_t len;
	short	 rev;
	int	 err;
	int	 fd;

	if ((fd = smtp_socket(ai)) < 0) {
		BUF_WHY(why, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS && errno != EINTR) {
		BUF_WHY(why, "connect: %s", strerror(errno));
		goto fail;
	}
	if (smtp_wait(fd, POLLOUT, smtp_now() + timeout, &rev, why) < 0)
		goto fail;
	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		BUF_WHY(why, "connect: %s", strerror(err));
		goto fail;
	}
	return fd;

fail:
	close(fd);
	return -1;
}

/* smtp_reset_conn - drop the connection state after a failed attempt */
static void
smtp_reset_conn(struct smtp *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->broken = 0;
	buf_reset(s->in);
	s->in_pos = 0;
	buf_reset(s->out);
	smtp_ext_clear(s);
}

/* smtp_hello - read the greeting and introduce ourselves */
static int
smtp_hello(struct smtp *s, const char *helo, struct buf *why)
{
	int	 code;

	if ((code = smtp_reply(s, s->reply, 0, why)) < 0)
		return -1;
	if (code / 100 != 2) {
		BUF_WHY(why, "greeting: %s", s->reply->data);
		return -1;
	}

	buf_printf(s->out, "EHLO %s\r\n", helo);
	if (smtp_flush(s, why) < 0 ||
	    (code = smtp_reply(s, s->reply, 1, why)) < 0)
		return -1;
	if (code / 100 == 2)
		return 0;
	smtp_ext_clear(s);
	if (code / 100 != 5) {
		BUF_WHY(why, "EHLO: %s", s->reply->data);
		return -1;
	}

	buf_printf(s->out, "HELO %s\r\n", helo);
	if (smtp_flush(s, why) < 0 ||
	    (code = smtp_reply(s, s->reply, 0, why)) < 0)
		return -1;
	if (code / 100 != 2) {
		BUF_WHY(why, "HELO: %s", s->reply->data);
		return -1;
	}
	return 0;
}

/* smtp_try_server - connect to one server entry; 0, -1, or EX_CONFIG */
static int
smtp_try_server(struct smtp *s, const char *spec, const char *helo,
    struct buf *reasons, struct buf *tmp)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_protocol = IPPROTO_TCP,
		.ai_flags = AI_NUMERICSERV,
	};
	struct addrinfo *res = NULL;
	struct addrinfo *ai;
	char	*host;
	char	*port;
	int	 rc;

	if (smtp_parse_server(spec, &host, &port) < 0) {
		buf_set(tmp, "malformed server entry");
		rc = EX_CONFIG;
		goto out;
	}
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		buf_set(tmp, "%s", gai_strerror(rc));
		rc = -1;
		goto out;
	}

	rc = -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((s->fd = smtp_connect_addr(ai, s->timeout, tmp)) < 0)
			continue;
		if (smtp_hello(s, helo, tmp) == 0) {
			rc = 0;
			break;
		}
		smtp_reset_conn(s);
	}

out:
	if (rc != 0 && reasons->len < SMTP_WHY_MAX)
		buf_printf(reasons, "%s%s: %s", reasons->len ? "; " : "",
		    spec, tmp->data);
	if (res != NULL)
		freeaddrinfo(res);
	host = xfree(host);
	port = xfree(port);
	return rc;
}

/* smtp_name_ok - whether text is safe as a command argument */
static int
smtp_name_ok(const char *p, size_t max)
{
	size_t	 len = strlen(p);
	size_t	 i;

	if (len == 0 || len > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return 0;
	return 1;
}

/* smtp_new - an unconnected session */
static struct smtp *
smtp_new(const struct smtp_conf *conf)
{
	struct smtp *s;

	s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->timeout = (long long)(conf->timeout > 0 ? conf->timeout : 300) *
	    1000;
	s->xverp = conf->xverp;
	s->in = buf_alloc(SMTP_READ_CHUNK);
	s->out = buf_alloc(4096);
	s->data = buf_alloc(4096);
	s->reply = buf_alloc(256);
	s->scratch = buf_alloc(256);
	return s;
}

/* smtp_open - connect to the first server that answers */
int
smtp_open(const struct smtp_conf *conf, struct smtp **sp,
    struct buf *why)
{
	const char *helo = conf->helo ? conf->helo : "localhost";
	struct buf *reasons;
	struct buf *tmp;
	struct smtp *s;
	char	**srv;
	int	 status = EX_CONFIG;
	int	 rc;

	*sp = NULL;
	if (!smtp_name_ok(helo, 255)) {
		BUF_WHY(why, "bad EHLO name \"%.64s\"", helo);
		return EX_CONFIG;
	}
	if (conf->xverp != NULL && conf->xverp[0] != '\0' &&
	    !smtp_name_ok(conf->xverp, 16)) {
		BUF_WHY(why, "bad XVERP argument \"%.16s\"", conf->xverp);
		return EX_CONFIG;
	}

#ifdef SMTP_IGNORE_SIGPIPE
	(void)signal(SIGPIPE, SIG_IGN);
#endif
	s = smtp_new(conf);
	reasons = buf_alloc(256);
	tmp = buf_alloc(256);
	for (srv = conf->servers; srv != NULL && *srv != NULL; srv++) {
		buf_reset(tmp);
		rc = smtp_try_server(s, *srv, helo, reasons, tmp);
		if (rc == 0) {
			s->server = xstrdup(*srv);
			*sp = s;
			status = 0;
			break;
		}
		if (rc == -1)
			status = EX_TEMPFAIL;
	}

	if (status != 0) {
		BUF_WHY(why, "no SMTP server available: %s", reasons->len ?
		    reasons->data : "empty server list");
		s = smtp_close(s);
	}
	reasons = buf_free(reasons);
	tmp = buf_free(tmp);
	return status;
}

/* smtp_addr_ok - whether an address may go into a command */
static int
smtp_addr_ok(const char *addr, int empty_ok)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; addr[i] != '\0'; i++) {
		c = (unsigned char)addr[i];
		if (c < ' ' || c == 0x7f || c == '<' || c == '>' ||
		    i >= ADDR_MAX)
			return 0;
	}
	return i > 0 || empty_ok;
}

/* smtp_is_ascii - whether a string has only 7-bit bytes */
static int
smtp_is_ascii(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return 0;
	return 1;
}

/* smtp_data_text - the message as DATA text: CRLF, dot-stuffed, "." */
static void
smtp_data_text(struct buf *out, const char *msg, size_t len)
{
	size_t	 i = 0;
	size_t	 j;
	int	 bol = 1;

	buf_reset(out);
	buf_reserve(out, len + len / 16 + 8);
	while (i < len) {
		if (bol && msg[i] == '.')
			buf_putc(out, '.');
		for (j = i; j < len && msg[j] != '\r' && msg[j] != '\n'; j++)
			;
		buf_append(out, msg + i, j - i);
		if (j == len) {
			bol = 0;
			break;
		}
		buf_append(out, "\r\n", 2);
		bol = 1;
		if (msg[j] == '\r' && j + 1 < len && msg[j + 1] == '\n')
			j++;
		i = j + 1;
	}
	if (!bol && len > 0)
		buf_append(out, "\r\n", 2);
	buf_append(out, ".\r\n", 3);
}

/* smtp_mail_cmd - queue MAIL FROM with the parameters the server takes */
static void
smtp_mail_cmd(struct smtp *s, const char *sender, const char *const *rcpts,
    size_t n)
{
	int	 utf8 = !smtp_is_ascii(sender);
	size_t	 i;

	for (i = 0; i < n && !utf8; i++)
		utf8 = !smtp_is_ascii(rcpts[i]);
	buf_printf(s->out, "MAIL FROM:<%s>", sender);
	if (smtp_has_ext(s, "8BITMIME"))
		buf_puts(s->out, " BODY=8BITMIME");
	if (smtp_has_ext(s, "SIZE"))
		buf_printf(s->out, " SIZE=%zu", s->data->len);
	if (utf8 && smtp_has_ext(s, "SMTPUTF8"))
		buf_puts(s->out, " SMTPUTF8");
	if (s->xverp != NULL && smtp_has_ext(s, "XVERP"))
		buf_printf(s->out, " XVERP%s%s", s->xverp[0] ? "=" : "",
		    s->xverp);
	buf_puts(s->out, "\r\n");
}

/* smtp_rcpt_reset - forget the RCPT replies of the last transaction */
static void
smtp_rcpt_reset(struct smtp *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < s->rcpt_n; i++)
		s->rcpt_text[i] = xfree(s->rcpt_text[i]);
	s->rcpt_text = xfree(s->rcpt_text);
	s->rcpt_n = n;
	if (n > 0)
		s->rcpt_text = xcalloc(n, sizeof(*s->rcpt_text));
}

/* smtp_rcpt_result - read the reply to RCPT i and record it */
static int
smtp_rcpt_result(struct smtp *s, size_t i, int *rcpt_code,
    struct buf *why)
{
	int	 code;

	if ((code = smtp_reply(s, s->scratch, 0, why)) < 0)
		return -1;
	rcpt_code[i] = code;
	if (code / 100 != 2)
		s->rcpt_text[i] = xstrdup(s->scratch->data);
	return code;
}

/* smtp_refused - the transaction died at MAIL FROM: no RCPT counts */
static void
smtp_refused(struct smtp *s, size_t n, int *rcpt_code)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		rcpt_code[i] = 0;
		s->rcpt_text[i] = xfree(s->rcpt_text[i]);
	}
}

/* smtp_no_rcpt - keep the last RCPT refusal as the deciding reply */
static void
smtp_no_rcpt(struct smtp *s, size_t n)
{
	while (n-- > 0) {
		if (s->rcpt_text[n] != NULL) {
			buf_set(s->reply, "%s", s->rcpt_text[n]);
			return;
		}
	}
}

/* smtp_rset - end a transaction that sent no message */
static int
smtp_rset(struct smtp *s, struct buf *why)
{
	buf_puts(s->out, "RSET\r\n");
	if (smtp_flush(s, why) < 0 || smtp_reply(s, s->scratch, 0, why) < 0)
		return -1;
	return 0;
}

/* smtp_finish - send the message or reset, after DATA got its reply */
static int
smtp_finish(struct smtp *s, size_t n, int accepted, int dcode,
    int *data_code, struct buf *why)
{
	int	 code;

	if (dcode == 354 && accepted) {
		if (smtp_write(s, s->data->data, s->data->len, why) < 0 ||
		    (code = smtp_reply(s, s->reply, 0, why)) < 0)
			return -1;
		*data_code = code;
		return 0;
	}

	*data_code = -1;
	if (accepted)
		*data_code = dcode;
	else
		smtp_no_rcpt(s, n);
	if (dcode == 354) {
		if (smtp_write(s, ".\r\n", 3, why) < 0 ||
		    smtp_reply(s, s->scratch, 0, why) < 0)
			return -1;
		return 0;
	}
	return smtp_rset(s, why);
}

/* smtp_pipelined - one transaction with every command in one write */
static int
smtp_pipelined(struct smtp *s, const char *sender, const char *const *rcpts,
    size_t n, int *rcpt_code, int *data_code, struct buf *why)
{
	int	 accepted = 0;
	int	 mail;
	int	 dcode;
	size_t	 i;

	smtp_mail_cmd(s, sender, rcpts, n);
	for (i = 0; i < n; i++)
		if (rcpt_code[i] == 0)
			buf_printf(s->out, "RCPT TO:<%s>\r\n", rcpts[i]);
	buf_puts(s->out, "DATA\r\n");
	if (smtp_flush(s, why) < 0)
		return -1;

	if ((mail = smtp_reply(s, s->reply, 0, why)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rcpt_code[i] != 0)
			continue;
		if (smtp_rcpt_result(s, i, rcpt_code, why) < 0)
			return -1;
		if (rcpt_code[i] / 100 == 2)
			accepted++;
	}
	if ((dcode = smtp_reply(s, s->scratch, 0, why)) < 0)
		return -1;

	if (mail / 100 != 2) {
		smtp_refused(s, n, rcpt_code);
		accepted = 0;
	} else if (dcode != 354 && accepted) {
		buf_set(s->reply, "%s", s->scratch->data);
	}
	return smtp_finish(s, n, accepted, dcode, data_code, why);
}

/* smtp_lockstep - one transaction waiting for each reply in turn */
static int
smtp_lockstep(struct smtp *s, const char *sender, const char *const *rcpts,
    size_t n, int *rcpt_code, int *data_code, struct buf *why)
{
	int	 accepted = 0;
	int	 code;
	size_t	 i;

	smtp_mail_cmd(s, sender, rcpts, n);
	if (smtp_flush(s, why) < 0 ||
	    (code = smtp_reply(s, s->reply, 0, why)) < 0)
		return -1;
	if (code / 100 != 2) {
		smtp_refused(s, n, rcpt_code);
		*data_code = -1;
		return smtp_rset(s, why);
	}

	for (i = 0; i < n; i++) {
		if (rcpt_code[i] != 0)
			continue;
		buf_printf(s->out, "RCPT TO:<%s>\r\n", rcpts[i]);
		if (smtp_flush(s, why) < 0 ||
		    (code = smtp_rcpt_result(s, i, rcpt_code, why)) < 0)
			return -1;
		if (code / 100 == 2)
			accepted++;
	}
	if (!accepted)
		return smtp_finish(s, n, 0, 0, data_code, why);

	buf_puts(s->out, "DATA\r\n");
	if (smtp_flush(s, why) < 0 ||
	    (code = smtp_reply(s, s->scratch, 0, why)) < 0)
		return -1;
	if (code != 354)
		buf_set(s->reply, "%s", s->scratch->data);
	return smtp_finish(s, n, accepted, code, data_code, why);
}

/* smtp_send - one transaction: envelope, then the message */
int
smtp_send(struct smtp *s, const char *sender, const char *const *rcpts,
    size_t n, int *rcpt_code, const char *msg, size_t len, int *data_code,
    struct buf *why)
{
	size_t	 i;
	int	 valid = 0;

	*data_code = 0;
	smtp_rcpt_reset(s, n);
	buf_reset(s->reply);
	for (i = 0; i < n; i++)
		rcpt_code[i] = 0;
	if (s->broken) {
		BUF_WHY(why, "session is not usable");
		return -1;
	}
	if (!smtp_addr_ok(sender, 1)) {
		buf_set(s->reply, "553 5.1.7 bad sender address syntax "
		    "(not sent)");
		*data_code = -1;
		return 0;
	}

	for (i = 0; i < n; i++) {
		if (smtp_addr_ok(rcpts[i], 0)) {
			valid++;
			continue;
		}
		rcpt_code[i] = 553;
		s->rcpt_text[i] = xstrdup("553 5.1.3 bad recipient address "
		    "syntax (not sent)");
	}
	if (valid == 0) {
		buf_set(s->reply, "553 5.1.3 no valid recipient (not sent)");
		*data_code = -1;
		return 0;
	}

	smtp_data_text(s->data, msg, len);
	if (smtp_has_ext(s, "PIPELINING"))
		return smtp_pipelined(s, sender, rcpts, n, rcpt_code,
		    data_code, why);
	return smtp_lockstep(s, sender, rcpts, n, rcpt_code, data_code, why);
}

/* smtp_close - say QUIT, close and free; returns a null pointer */
struct smtp *
smtp_close(struct smtp *s)
{
	if (s == NULL)
		return NULL;
	if (s->fd >= 0 && !s->broken) {
		if (s->timeout > SMTP_QUIT_WAIT * 1000)
			s->timeout = SMTP_QUIT_WAIT * 1000;
		buf_puts(s->out, "QUIT\r\n");
		if (smtp_flush(s, NULL) == 0)
			(void)smtp_reply(s, s->scratch, 0, NULL);
	}
	if (s->fd >= 0)
		close(s->fd);
	smtp_ext_clear(s);
	smtp_rcpt_reset(s, 0);
	s->server = xfree(s->server);
	s->in = buf_free(s->in);
	s->out = buf_free(s->out);
	s->data = buf_free(s->data);
	s->reply = buf_free(s->reply);
	s->scratch = buf_free(s->scratch);
	return xfree(s);
}

/* smtp_last_reply - the reply that decided the last transaction */
const char *
smtp_last_reply(struct smtp *s)
{
	return s->reply->data;
}

/* smtp_rcpt_reply - the refusal of RCPT i in the last transaction */
const char *
smtp_rcpt_reply(struct smtp *s, size_t i)
{
	return i < s->rcpt_n ? s->rcpt_text[i] : NULL;
}

/* smtp_server - the server entry that answered */
const char *
smtp_server(struct smtp *s)
{
	return s->server;
}

/* smtp_set_xverp - the XVERP argument of the following transactions */
void
smtp_set_xverp(struct smtp *s, const char *xverp)
{
	if (s != NULL)
		s->xverp = xverp;
}

/* smtp_has_ext - whether the EHLO reply listed a keyword */
int
smtp_has_ext(struct smtp *s, const char *name)
{
	size_t	 i;

	for (i = 0; i < s->next; i++)
		if (strcasecmp(s->ext[i], name) == 0)
			return 1;
	return 0;
}

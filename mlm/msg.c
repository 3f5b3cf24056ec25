/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NAME
 *	msg - diagnostics for the programs
 * SYNOPSIS
 *	#include "msg.h"
 * DESCRIPTION
 *	msg_init() names the program and chooses syslog. msg_logfile()
 *	names the list log; from then on every message is appended there
 *	too, in fml8's format "YY/MM/DD HH:MM:SS prog[pid] text", warnings
 *	prefixed "warn: " and errors "error: ".
 *
 *	Text from mail is sanitised before it is logged: control bytes
 *	become '?', so a header cannot forge log lines.
 * BUGS
 *	The list log is opened and closed for each line; that keeps the
 *	code simple and costs little at the rate lists log.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

static const char *msg_prog = "mlm";
static int	msg_flags;
static char	*msg_log_path;
static int	msg_verbose_level;

/* msg_init - name the program and choose where messages go */
void
msg_init(const char *prog, int flags)
{
	msg_prog = prog;
	msg_flags = flags;
	if (flags & MSG_SYSLOG)
		openlog(prog, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* msg_logfile - append messages to this list log from now on */
void
msg_logfile(const char *path)
{
	free(msg_log_path);
	msg_log_path = path ? strdup(path) : NULL;
}

/* msg_verbose - set the verbosity of msg_info on stderr */
void
msg_verbose(int level)
{
	msg_verbose_level = level;
}

/* msg_progname - the program name given to msg_init */
const char *
msg_progname(void)
{
	return msg_prog;
}

/* msg_clean - replace control bytes so a line cannot be forged */
static void
msg_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* msg_to_logfile - append one line to the list log */
static void
msg_to_logfile(const char *prefix, const char *text)
{
	char	 stamp[32];
	char	*line;
	time_t	 now;
	int	 fd;
	int	 n;

	if (msg_log_path == NULL)
		return;
	now = time(NULL);
	strftime(stamp, sizeof(stamp), "%y/%m/%d %H:%M:%S", localtime(&now));
	n = asprintf(&line, "%s %s[%ld] %s%s\n", stamp, msg_prog,
	    (long)getpid(), prefix, text);
	if (n < 0)
		return;
	fd = open(msg_log_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
	    0600);
	if (fd >= 0) {
		/* A log line that cannot be written is not worth a retry. */
		if (write(fd, line, (size_t)n) != n) {
			close(fd);
			free(line);
			return;
		}
		close(fd);
	}
	free(line);
}

/* msg_emit - format and send one message to its destinations */
static void
msg_emit(int prio, const char *prefix, int to_stderr, const char *fmt,
    va_list ap)
{
	char	 text[2048];
	int	 saved = errno;

	vsnprintf(text, sizeof(text), fmt, ap);
	msg_clean(text);
	if (to_stderr)
		fprintf(stderr, "%s%s: %s%s\n",
		    prio == LOG_CRIT ? "4.3.0 " : "", msg_prog, prefix, text);
	if (msg_flags & MSG_SYSLOG)
		syslog(prio, "%s%s", prefix, text);
	msg_to_logfile(prefix, text);
	errno = saved;
}

/* msg_info - record an event */
void
msg_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_emit(LOG_INFO, "", (msg_flags & MSG_STDERR_INFO) ||
	    msg_verbose_level > 0, fmt, ap);
	va_end(ap);
}

/* msg_event - log an event of the queue (struct queue_stats notify) */
void
msg_event(void *unused_arg, const char *event, const char *addr,
    const char *text)
{
	(void)unused_arg;
	if (addr != NULL)
		msg_info("%s: %s%s%s", event, addr, text ? ": " : "",
		    text ? text : "");
	else
		msg_info("%s%s%s", event, text ? ": " : "", text ? text : "");
}

/* msg_warn - report a recoverable problem */
void
msg_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_emit(LOG_WARNING, "warn: ", 1, fmt, ap);
	va_end(ap);
}

/* msg_error - report a failed operation the program carries on from */
void
msg_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_emit(LOG_ERR, "error: ", 1, fmt, ap);
	va_end(ap);
}

/* msg_fatal - report and exit with a sysexits status */
void
msg_fatal(int status, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_emit(status == EX_TEMPFAIL ? LOG_CRIT : LOG_ERR, "error: ", 1,
	    fmt, ap);
	va_end(ap);
	exit(status);
}

/* msg_panic - report an internal inconsistency; keep the mail */
void
msg_panic(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	msg_emit(LOG_CRIT, "panic: ", 1, fmt, ap);
	va_end(ap);
	exit(EX_TEMPFAIL);
}

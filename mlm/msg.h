/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef MLM_MSG_H
#define MLM_MSG_H

/*
 * msg - diagnostics for the programs: stderr, syslog and the list log
 *
 * msg_info() records an event (list log and syslog only). msg_warn()
 * reports something recoverable. msg_fatal() ends the program with a
 * sysexits status; for EX_TEMPFAIL the stderr line starts with "4.3.0"
 * so the MTA shows it in its log. msg_panic() is for our own bugs; it
 * exits EX_TEMPFAIL too, so that a bug never loses a mail. Library code
 * does not call these; it returns a reason to its caller.
 */

#include <stdarg.h>

void	msg_init(const char *, int);
void	msg_logfile(const char *);
void	msg_verbose(int);
const char *msg_progname(void);
void	msg_info(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	msg_warn(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	msg_error(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	msg_fatal(int, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3), __noreturn__));
void	msg_panic(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

void	msg_event(void *, const char *, const char *, const char *);

#define MSG_SYSLOG	1	/* msg_init flag: also log to LOG_MAIL */
#define MSG_STDERR_INFO	2	/* msg_init flag: msg_info also on stderr */

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/* Daemon logging on libqb (see log.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qblog.h>
#include "log.h"

static int log_level = LOG_INFO;

void log_init(const char *progname, bool foreground, int level)
{
	qb_log_init(progname, LOG_DAEMON, level);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, foreground ? QB_FALSE : QB_TRUE);
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, foreground ? QB_TRUE : QB_FALSE);
	qb_log_format_set(QB_LOG_STDERR, "%N[%P]: %p: %b");
	log_set_level(level);
}

void log_set_level(int level)
{
	log_level = level;
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_CLEAR_ALL, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
	qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
}

void log_close(void)
{
	qb_log_fini();
}

static void vlog(int pri, const char *fmt, va_list ap, int err)
{
	char buf[2048];
	int n;

	if (pri > log_level)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (err && n >= 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
	qb_log(pri, "%s", buf);
}

#define KC_LOG_FN(name, pri, with_errno)					\
void name(const char *fmt, ...)							\
{										\
	int saved = errno;							\
	va_list ap;								\
										\
	va_start(ap, fmt);							\
	vlog(pri, fmt, ap, with_errno ? saved : 0);				\
	va_end(ap);								\
	errno = saved;								\
}

KC_LOG_FN(log_warn, LOG_WARNING, 1)
KC_LOG_FN(log_warnx, LOG_WARNING, 0)
KC_LOG_FN(log_info, LOG_INFO, 0)
KC_LOG_FN(log_debug, LOG_DEBUG, 0)

void fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, saved);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

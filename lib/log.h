/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Daemon logging on libqb: stderr in the foreground, syslog (journald) when
 * detached. log_warn() and fatal() append strerror(errno); the x variants do
 * not. fatal*() log and exit(1).
 */
#ifndef KC_LOG_H
#define KC_LOG_H

#include <stdbool.h>
#include <syslog.h>

#define KC_PRINTF(a, b) __attribute__((format(printf, a, b)))

void log_init(const char *progname, bool foreground, int level);
void log_set_level(int level);
void log_close(void);
void log_warn(const char *fmt, ...) KC_PRINTF(1, 2);
void log_warnx(const char *fmt, ...) KC_PRINTF(1, 2);
void log_info(const char *fmt, ...) KC_PRINTF(1, 2);
void log_debug(const char *fmt, ...) KC_PRINTF(1, 2);
void fatal(const char *fmt, ...) KC_PRINTF(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) KC_PRINTF(1, 2) __attribute__((noreturn));

#endif

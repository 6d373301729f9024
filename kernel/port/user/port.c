// SPDX-License-Identifier: GPL-2.0
/* User-space port: logging, BUG/WARN, timed waits and the build's identity. */
#include <linux/kernel.h>
#include <linux/wait.h>
#include <uapi/ksmbd_cluster.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include "port.h"
#include "port_user.h"

const u8 ksmbd_port_engine_kind = KSMBD_ENGINE_USER;
int ksmbd_port_log_level = 6;

/* Descriptors kept free of opens: a quarter of the limit, at least 64. */
unsigned int ksmbd_port_max_opens(void)
{
	static unsigned int max;
	struct rlimit rl;
	rlim_t n, room;

	if (READ_ONCE(max))
		return max;
	n = getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ? 1024 :
	    rl.rlim_cur;
	if (n > 1u << 20)
		n = 1u << 20;
	room = n / 4 < 64 ? 64 : n / 4;
	WRITE_ONCE(max, n > room + 16 ? n - room : 16);
	return max;
}

void ksmbd_port_log(int level, const char *fmt, ...)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "error", "warning", "notice", "info", "debug",
	};
	char line[1024];
	va_list ap;
	int n;

	if (level > ksmbd_port_log_level)
		return;
	n = snprintf(line, sizeof(line), "ksmbd-engine[%d]: %s: ", (int)getpid(),
		     names[level & 7]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* One write per line keeps lines of concurrent threads whole. */
	fputs(line, stderr);
	fflush(stderr);
}

char *kasprintf(unsigned int gfp, const char *fmt, ...)
{
	char *s;
	va_list ap;
	int n;

	(void)gfp;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

void ksmbd_port_bug(const char *file, int line, const char *cond)
{
	ksmbd_port_log(0, "BUG at %s:%d: %s\n", file, line, cond);
	abort();
}

void ksmbd_port_warn(const char *file, int line, const char *cond)
{
	ksmbd_port_log(4, "WARNING at %s:%d: %s\n", file, line, cond);
}

bool ksmbd_port_wait_until(wait_queue_head_t *q, s64 deadline_ns)
{
	struct timespec ts = {
		.tv_sec = deadline_ns / 1000000000L,
		.tv_nsec = deadline_ns % 1000000000L,
	};

	return pthread_cond_clockwait(&q->cond, &q->lock, CLOCK_MONOTONIC, &ts) != ETIMEDOUT;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: ktime_t in nanoseconds. */
#ifndef KSMBD_PORT_LINUX_KTIME_H
#define KSMBD_PORT_LINUX_KTIME_H

#include <linux/types.h>
#include <linux/jiffies.h>
#include <time.h>

typedef s64 ktime_t;

#define NSEC_PER_USEC	1000L
#define NSEC_PER_MSEC	1000000L
#define NSEC_PER_SEC	1000000000L

static inline ktime_t ksmbd_port_clock(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (ktime_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline ktime_t ktime_get(void) { return ksmbd_port_clock(CLOCK_MONOTONIC); }
static inline ktime_t ktime_get_real(void) { return ksmbd_port_clock(CLOCK_REALTIME); }
static inline ktime_t ktime_get_boottime(void) { return ksmbd_port_clock(CLOCK_BOOTTIME); }
static inline s64 ktime_to_ns(ktime_t t) { return t; }
static inline s64 ktime_to_us(ktime_t t) { return t / NSEC_PER_USEC; }
static inline s64 ktime_to_ms(ktime_t t) { return t / NSEC_PER_MSEC; }
static inline ktime_t ms_to_ktime(u64 ms) { return (ktime_t)ms * NSEC_PER_MSEC; }
static inline ktime_t ktime_add(ktime_t a, ktime_t b) { return a + b; }
static inline ktime_t ktime_sub(ktime_t a, ktime_t b) { return a - b; }
static inline bool ktime_after(ktime_t a, ktime_t b) { return a > b; }
static inline bool ktime_before(ktime_t a, ktime_t b) { return a < b; }

#endif

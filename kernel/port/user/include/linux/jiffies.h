/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: jiffies at HZ=1000 from CLOCK_MONOTONIC. */
#ifndef KSMBD_PORT_LINUX_JIFFIES_H
#define KSMBD_PORT_LINUX_JIFFIES_H

#include <linux/types.h>
#include <time.h>

#define HZ			1000
#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))

static inline unsigned long ksmbd_port_jiffies(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * HZ + ts.tv_nsec / (1000000000L / HZ);
}

#define jiffies			ksmbd_port_jiffies()
#define msecs_to_jiffies(m)	((unsigned long)(m) * HZ / 1000)
#define jiffies_to_msecs(j)	((unsigned int)((j) * 1000 / HZ))
#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)

#endif

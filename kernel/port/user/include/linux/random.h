/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: get_random_bytes() from the kernel's CSPRNG via getrandom(2). */
#ifndef KSMBD_PORT_LINUX_RANDOM_H
#define KSMBD_PORT_LINUX_RANDOM_H

#include <linux/kernel.h>
#include <errno.h>
#include <sys/random.h>

static inline void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		BUG_ON(n < 0 && errno != EINTR);
		if (n > 0) {
			p += n;
			len -= n;
		}
	}
}

#endif

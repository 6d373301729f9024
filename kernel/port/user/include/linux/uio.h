/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: struct kvec. */
#ifndef KSMBD_PORT_LINUX_UIO_H
#define KSMBD_PORT_LINUX_UIO_H

#include <sys/uio.h>
#include <stddef.h>

struct kvec {
	void *iov_base;
	size_t iov_len;
};

#endif

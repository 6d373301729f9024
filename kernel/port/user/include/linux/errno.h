/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: the kernel-internal errno values on top of the uapi ones. */
#ifndef KSMBD_PORT_LINUX_ERRNO_H
#define KSMBD_PORT_LINUX_ERRNO_H

#include_next <linux/errno.h>

#define ERESTARTSYS	512
#define ENOTSUPP	524

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: kernel string helpers. */
#ifndef KSMBD_PORT_LINUX_STRING_H
#define KSMBD_PORT_LINUX_STRING_H

#include_next <linux/string.h>
#include <linux/types.h>
#include <linux/errno.h>
#include <string.h>

/* Copy a C string into a sized buffer; -E2BIG if it had to be truncated. */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return -E2BIG;
	len = strnlen(src, size);
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

#define memzero_explicit(p, n)	explicit_bzero(p, n)

#endif

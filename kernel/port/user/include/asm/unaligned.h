/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: unaligned little-endian access. */
#ifndef KSMBD_PORT_ASM_UNALIGNED_H
#define KSMBD_PORT_ASM_UNALIGNED_H

#include <linux/types.h>
#include <endian.h>
#include <string.h>

#define KSMBD_UNALIGNED(bits)							\
static inline u##bits get_unaligned_le##bits(const void *p)			\
{										\
	u##bits v;								\
	memcpy(&v, p, sizeof(v));						\
	return le##bits##toh(v);						\
}										\
static inline void put_unaligned_le##bits(u##bits v, void *p)			\
{										\
	v = htole##bits(v);							\
	memcpy(p, &v, sizeof(v));						\
}										\
static inline u##bits get_unaligned_be##bits(const void *p)			\
{										\
	u##bits v;								\
	memcpy(&v, p, sizeof(v));						\
	return be##bits##toh(v);						\
}

KSMBD_UNALIGNED(16)
KSMBD_UNALIGNED(32)
KSMBD_UNALIGNED(64)
#undef KSMBD_UNALIGNED

#endif

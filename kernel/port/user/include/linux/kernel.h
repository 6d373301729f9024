/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: the parts of <linux/kernel.h> the engine uses (array and
 * arithmetic helpers, container_of, byte order, logging, BUG/WARN).
 */
#ifndef KSMBD_PORT_LINUX_KERNEL_H
#define KSMBD_PORT_LINUX_KERNEL_H

#include_next <linux/kernel.h>
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <endian.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define ALIGN(x, a)		(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define round_up(x, y)		ALIGN(x, y)

/* Unique local names, so min(max(...)) nests without shadowing. */
#define __KC_PASTE(a, b)	a##b
#define __KC_CAT(a, b)		__KC_PASTE(a, b)
#define __KC_UNIQ(x)		__KC_CAT(x, __COUNTER__)
#define __kc_cmp(a, b, op, ua, ub) \
	({ __typeof__(a) ua = (a); __typeof__(b) ub = (b); ua op ub ? ua : ub; })
#define __kc_cmp_t(t, a, b, op, ua, ub) ({ t ua = (a); t ub = (b); ua op ub ? ua : ub; })

#define min(a, b)	__kc_cmp(a, b, <, __KC_UNIQ(__a), __KC_UNIQ(__b))
#define max(a, b)	__kc_cmp(a, b, >, __KC_UNIQ(__a), __KC_UNIQ(__b))
#define min_t(t, a, b)	__kc_cmp_t(t, a, b, <, __KC_UNIQ(__a), __KC_UNIQ(__b))
#define max_t(t, a, b)	__kc_cmp_t(t, a, b, >, __KC_UNIQ(__a), __KC_UNIQ(__b))
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define U8_MAX		0xff
#define U16_MAX		0xffff
#define U32_MAX		0xffffffffU
#define U64_MAX		0xffffffffffffffffULL
#define S64_MAX		((s64)(U64_MAX >> 1))

#define cpu_to_le16(x)	((__force __le16)htole16(x))
#define cpu_to_le32(x)	((__force __le32)htole32(x))
#define cpu_to_le64(x)	((__force __le64)htole64(x))
#define le16_to_cpu(x)	le16toh((__force __u16)(x))
#define le32_to_cpu(x)	le32toh((__force __u32)(x))
#define le64_to_cpu(x)	le64toh((__force __u64)(x))
#define cpu_to_be16(x)	((__force __be16)htobe16(x))
#define cpu_to_be32(x)	((__force __be32)htobe32(x))
#define be16_to_cpu(x)	be16toh((__force __u16)(x))
#define be32_to_cpu(x)	be32toh((__force __u32)(x))
#define le16_add_cpu(p, v) (*(p) = cpu_to_le16(le16_to_cpu(*(p)) + (v)))

/* kasprintf(): a kmalloc'ed formatted string (port/user/port.c). */
char *kasprintf(unsigned int gfp, const char *fmt, ...) __printf(2, 3);

void ksmbd_port_bug(const char *file, int line, const char *cond) __attribute__((noreturn));
void ksmbd_port_warn(const char *file, int line, const char *cond);

#define BUG()		ksmbd_port_bug(__FILE__, __LINE__, "BUG")
#define BUG_ON(c)	do { if (unlikely(c)) ksmbd_port_bug(__FILE__, __LINE__, #c); } while (0)
#define WARN_ON(c)	({ int _w = !!(c); if (unlikely(_w)) ksmbd_port_warn(__FILE__, __LINE__, #c); unlikely(_w); })
#define WARN_ON_ONCE(c)	WARN_ON(c)
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define might_sleep()	do { } while (0)
#define cond_resched()	do { } while (0)

#endif

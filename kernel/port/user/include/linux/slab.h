/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: slab and vmalloc allocation on top of malloc. */
#ifndef KSMBD_PORT_LINUX_SLAB_H
#define KSMBD_PORT_LINUX_SLAB_H

#include <linux/types.h>
#include <stdlib.h>
#include <string.h>

#define GFP_KERNEL	0x1u
#define GFP_NOFS	0x2u
#define GFP_ATOMIC	0x4u
#define __GFP_ZERO	0x100u

static inline void *kmalloc(size_t size, gfp_t flags)
{
	return (flags & __GFP_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
}

static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	(void)flags;
	return calloc(n ? n : 1, size ? size : 1);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline void kfree_sensitive(const void *p)
{
	/* malloc_usable_size() tells how much the allocation really spans. */
	extern size_t malloc_usable_size(void *);

	if (p) {
		explicit_bzero((void *)p, malloc_usable_size((void *)p));
		free((void *)p);
	}
}

#define kvmalloc(s, f)		kmalloc(s, f)
#define kvzalloc(s, f)		kzalloc(s, f)
#define kvfree(p)		kfree(p)

static inline void kvfree_sensitive(const void *p, size_t len)
{
	if (p) {
		explicit_bzero((void *)p, len);
		free((void *)p);
	}
}

static inline void *kmemdup(const void *src, size_t len, gfp_t flags)
{
	void *p = kmalloc(len, flags);

	if (p)
		memcpy(p, src, len);
	return p;
}

static inline char *kstrdup(const char *s, gfp_t flags)
{
	return s ? kmemdup(s, strlen(s) + 1, flags) : NULL;
}

#endif

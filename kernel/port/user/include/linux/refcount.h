/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: refcount_t. Like the kernel's, it saturates instead of
 * wrapping and warns on increment-from-zero and on underflow.
 */
#ifndef KSMBD_PORT_LINUX_REFCOUNT_H
#define KSMBD_PORT_LINUX_REFCOUNT_H

#include <linux/atomic.h>
#include <linux/kernel.h>

typedef struct { atomic_t refs; } refcount_t;

#define REFCOUNT_INIT(n)	{ .refs = ATOMIC_INIT(n) }
#define REFCOUNT_SATURATED	(INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n) { atomic_set(&r->refs, n); }
static inline unsigned int refcount_read(const refcount_t *r) { return atomic_read(&r->refs); }

static inline bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	for (;;) {
		int seen;

		if (!old)
			return false;
		if (old < 0)
			return true;	/* saturated: stays pinned */
		seen = atomic_cmpxchg(&r->refs, old, old + 1);
		if (seen == old)
			return true;
		old = seen;
	}
}

static inline void refcount_inc(refcount_t *r)
{
	int old = atomic_add_return(1, &r->refs) - 1;

	if (WARN_ON(old <= 0))
		atomic_set(&r->refs, REFCOUNT_SATURATED);
}

static inline bool refcount_dec_and_test(refcount_t *r)
{
	int n = atomic_dec_return(&r->refs);

	if (unlikely(n < 0)) {
		/* Underflow from 0 warns; a saturated count just stays saturated. */
		WARN_ON(n == -1);
		atomic_set(&r->refs, REFCOUNT_SATURATED);
		return false;
	}
	return n == 0;
}

static inline void refcount_dec(refcount_t *r)
{
	WARN_ON(refcount_dec_and_test(r));
}

#endif

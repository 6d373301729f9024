/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: atomic_t and atomic64_t on C11-style builtins (sequentially consistent). */
#ifndef KSMBD_PORT_LINUX_ATOMIC_H
#define KSMBD_PORT_LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct { int counter; } atomic_t;
typedef struct { s64 counter; } atomic64_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC64_INIT(i)	{ (i) }

#define KSMBD_ATOMIC_OPS(pfx, T, V)						\
static inline V pfx##_read(const T *v)						\
{ return __atomic_load_n(&v->counter, __ATOMIC_SEQ_CST); }			\
static inline void pfx##_set(T *v, V i)						\
{ __atomic_store_n(&v->counter, i, __ATOMIC_SEQ_CST); }				\
static inline V pfx##_add_return(V i, T *v)					\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline V pfx##_sub_return(V i, T *v)					\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }		\
static inline void pfx##_inc(T *v) { pfx##_add_return(1, v); }			\
static inline void pfx##_dec(T *v) { pfx##_sub_return(1, v); }			\
static inline V pfx##_inc_return(T *v) { return pfx##_add_return(1, v); }	\
static inline V pfx##_dec_return(T *v) { return pfx##_sub_return(1, v); }	\
static inline bool pfx##_dec_and_test(T *v) { return pfx##_sub_return(1, v) == 0; } \
static inline V pfx##_cmpxchg(T *v, V old, V new)				\
{										\
	__atomic_compare_exchange_n(&v->counter, &old, new, false,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	return old;								\
}

KSMBD_ATOMIC_OPS(atomic, atomic_t, int)
KSMBD_ATOMIC_OPS(atomic64, atomic64_t, s64)
#undef KSMBD_ATOMIC_OPS

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: read-write semaphores as pthread rwlocks. */
#ifndef KSMBD_PORT_LINUX_RWSEM_H
#define KSMBD_PORT_LINUX_RWSEM_H

#include <pthread.h>

struct rw_semaphore {
	pthread_rwlock_t l;
};

#define DECLARE_RWSEM(x)	struct rw_semaphore x = { PTHREAD_RWLOCK_INITIALIZER }

static inline void init_rwsem(struct rw_semaphore *s) { pthread_rwlock_init(&s->l, NULL); }
static inline void down_read(struct rw_semaphore *s) { pthread_rwlock_rdlock(&s->l); }
static inline void up_read(struct rw_semaphore *s) { pthread_rwlock_unlock(&s->l); }
static inline void down_write(struct rw_semaphore *s) { pthread_rwlock_wrlock(&s->l); }
static inline void up_write(struct rw_semaphore *s) { pthread_rwlock_unlock(&s->l); }

#endif

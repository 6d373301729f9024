/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: wait queues. The condition is evaluated with the queue's
 * lock held and wake_up() takes the same lock, so no wake-up is lost.
 */
#ifndef KSMBD_PORT_LINUX_WAIT_H
#define KSMBD_PORT_LINUX_WAIT_H

#include_next <linux/wait.h>
#include <linux/jiffies.h>
#include <pthread.h>

typedef struct wait_queue_head {
	pthread_mutex_t lock;
	pthread_cond_t cond;
} wait_queue_head_t;

#define __WAIT_QUEUE_HEAD_INITIALIZER(n) { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER }
#define DECLARE_WAIT_QUEUE_HEAD(n) wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)

static inline void init_waitqueue_head(wait_queue_head_t *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
}

static inline void wake_up(wait_queue_head_t *q)
{
	pthread_mutex_lock(&q->lock);
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

#define wake_up_all(q)			wake_up(q)
#define wake_up_interruptible(q)	wake_up(q)
#define wake_up_interruptible_all(q)	wake_up(q)

/* Sleep on @q until @deadline_ns (CLOCK_MONOTONIC); false when it passed. */
bool ksmbd_port_wait_until(wait_queue_head_t *q, s64 deadline_ns);

#define wait_event(wq, condition)						\
do {										\
	pthread_mutex_lock(&(wq).lock);						\
	while (!(condition))							\
		pthread_cond_wait(&(wq).cond, &(wq).lock);			\
	pthread_mutex_unlock(&(wq).lock);					\
} while (0)

#define wait_event_interruptible(wq, condition)				\
({ wait_event(wq, condition); 0; })

/* Returns 0 on timeout with @condition false, else the jiffies left (at least 1). */
#define wait_event_timeout(wq, condition, timeout)				\
({										\
	long __left = (long)(timeout);						\
	s64 __deadline = (s64)ksmbd_port_jiffies() + __left;			\
	pthread_mutex_lock(&(wq).lock);						\
	for (;;) {								\
		if (condition) {						\
			__left = __deadline - (s64)ksmbd_port_jiffies();	\
			if (__left < 1)						\
				__left = 1;					\
			break;							\
		}								\
		if (!ksmbd_port_wait_until(&(wq), __deadline * (1000000000L / HZ))) { \
			__left = (condition) ? 1 : 0;				\
			break;							\
		}								\
	}									\
	pthread_mutex_unlock(&(wq).lock);					\
	__left;									\
})

#define wait_event_interruptible_timeout(wq, condition, timeout)		\
	wait_event_timeout(wq, condition, timeout)

#endif

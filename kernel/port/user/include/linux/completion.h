/* SPDX-License-Identifier: GPL-2.0 */
/* User-space port: completions on a wait queue. */
#ifndef KSMBD_PORT_LINUX_COMPLETION_H
#define KSMBD_PORT_LINUX_COMPLETION_H

#include <linux/wait.h>
#include <limits.h>

struct completion {
	unsigned int done;	/* protected by wait.lock */
	wait_queue_head_t wait;
};

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}

static inline void reinit_completion(struct completion *x)
{
	pthread_mutex_lock(&x->wait.lock);
	x->done = 0;
	pthread_mutex_unlock(&x->wait.lock);
}

static inline void complete(struct completion *x)
{
	pthread_mutex_lock(&x->wait.lock);
	if (x->done != UINT_MAX)
		x->done++;
	pthread_cond_broadcast(&x->wait.cond);
	pthread_mutex_unlock(&x->wait.lock);
}

static inline void complete_all(struct completion *x)
{
	pthread_mutex_lock(&x->wait.lock);
	x->done = UINT_MAX;
	pthread_cond_broadcast(&x->wait.cond);
	pthread_mutex_unlock(&x->wait.lock);
}

static inline void ksmbd_port_completion_take(struct completion *x)
{
	if (x->done != UINT_MAX)
		x->done--;
}

static inline void wait_for_completion(struct completion *x)
{
	pthread_mutex_lock(&x->wait.lock);
	while (!x->done)
		pthread_cond_wait(&x->wait.cond, &x->wait.lock);
	ksmbd_port_completion_take(x);
	pthread_mutex_unlock(&x->wait.lock);
}

/* 0 on timeout, else the jiffies left (at least 1). */
static inline unsigned long wait_for_completion_timeout(struct completion *x,
							 unsigned long timeout)
{
	long left = wait_event_timeout(x->wait, x->done, timeout);

	if (left) {
		pthread_mutex_lock(&x->wait.lock);
		ksmbd_port_completion_take(x);
		pthread_mutex_unlock(&x->wait.lock);
	}
	return left;
}

static inline bool completion_done(struct completion *x)
{
	bool done;

	pthread_mutex_lock(&x->wait.lock);
	done = x->done;
	pthread_mutex_unlock(&x->wait.lock);
	return done;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: workqueues as a pthread pool per queue. As in the kernel,
 * a work item is PENDING from queue_work() until a worker picks it up, may be
 * requeued while it runs, and destroy_workqueue() drains the queue.
 */
#ifndef KSMBD_PORT_LINUX_WORKQUEUE_H
#define KSMBD_PORT_LINUX_WORKQUEUE_H

#include <linux/list.h>
#include <pthread.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;		/* on wq->queue while pending; wq->lock */
	work_func_t func;
	bool pending;			/* wq->lock */
	struct workqueue_struct *wq;	/* last queue it was put on */
};

#define WQ_UNBOUND		0x2
#define WQ_MEM_RECLAIM		0x8
#define WQ_HIGHPRI		0x10
#define WQ_FREEZABLE		0x4

#define INIT_WORK(w, f)								\
do {										\
	INIT_LIST_HEAD(&(w)->entry);						\
	(w)->func = (f);							\
	(w)->pending = false;							\
	(w)->wq = NULL;								\
} while (0)

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...) __printf(1, 4);
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
void flush_workqueue(struct workqueue_struct *wq);
bool flush_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);

#endif

// SPDX-License-Identifier: GPL-2.0
/* User-space port: workqueues (see the shim header for the semantics kept). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <stdarg.h>
#include <stdio.h>

#define KSMBD_WQ_MAX_THREADS	16
#define KSMBD_WQ_DEFAULT_THREADS 4

struct workqueue_struct {
	char name[32];
	pthread_mutex_t lock;
	pthread_cond_t more;		/* work queued or stopping */
	pthread_cond_t idle;		/* a work item finished */
	struct list_head queue;		/* pending items; lock */
	struct work_struct **running;	/* per worker: item it runs; lock */
	bool stopping;			/* lock */
	int nr_threads;
	pthread_t *threads;
};

struct ksmbd_worker {
	struct workqueue_struct *wq;
	int index;
};

static void *ksmbd_worker_main(void *p)
{
	struct ksmbd_worker *w = p;
	struct workqueue_struct *wq = w->wq;
	struct work_struct *work;

	pthread_setname_np(pthread_self(), wq->name);
	pthread_mutex_lock(&wq->lock);
	for (;;) {
		while (list_empty(&wq->queue) && !wq->stopping)
			pthread_cond_wait(&wq->more, &wq->lock);
		if (list_empty(&wq->queue))
			break;	/* stopping and drained */
		work = list_first_entry(&wq->queue, struct work_struct, entry);
		list_del_init(&work->entry);
		work->pending = false;
		wq->running[w->index] = work;
		pthread_mutex_unlock(&wq->lock);

		work->func(work);

		pthread_mutex_lock(&wq->lock);
		wq->running[w->index] = NULL;
		pthread_cond_broadcast(&wq->idle);
	}
	pthread_mutex_unlock(&wq->lock);
	kfree(w);
	return NULL;
}

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list ap;
	int i;

	(void)flags;
	if (!wq)
		return NULL;
	va_start(ap, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->more, NULL);
	pthread_cond_init(&wq->idle, NULL);
	INIT_LIST_HEAD(&wq->queue);
	wq->nr_threads = max_active > 0 ? min(max_active, KSMBD_WQ_MAX_THREADS) :
			 KSMBD_WQ_DEFAULT_THREADS;
	wq->threads = kcalloc(wq->nr_threads, sizeof(*wq->threads), GFP_KERNEL);
	wq->running = kcalloc(wq->nr_threads, sizeof(*wq->running), GFP_KERNEL);
	if (!wq->threads || !wq->running)
		goto err;
	for (i = 0; i < wq->nr_threads; i++) {
		struct ksmbd_worker *w = kzalloc(sizeof(*w), GFP_KERNEL);

		if (!w)
			goto err_threads;
		w->wq = wq;
		w->index = i;
		if (pthread_create(&wq->threads[i], NULL, ksmbd_worker_main, w)) {
			kfree(w);
			goto err_threads;
		}
	}
	return wq;

err_threads:
	wq->nr_threads = i;
	destroy_workqueue(wq);
	return NULL;
err:
	kfree(wq->threads);
	kfree(wq->running);
	kfree(wq);
	return NULL;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	bool queued = false;

	pthread_mutex_lock(&wq->lock);
	/* Allowed while draining: destroy_workqueue() runs chained work too. */
	if (!work->pending) {
		work->pending = true;
		work->wq = wq;
		list_add_tail(&work->entry, &wq->queue);
		pthread_cond_signal(&wq->more);
		queued = true;
	}
	pthread_mutex_unlock(&wq->lock);
	return queued;
}

static bool ksmbd_wq_busy(struct workqueue_struct *wq, struct work_struct *work)
{
	int i;

	if (work ? work->pending : !list_empty(&wq->queue))
		return true;
	for (i = 0; i < wq->nr_threads; i++)
		if (wq->running[i] && (!work || wq->running[i] == work))
			return true;
	return false;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	pthread_mutex_lock(&wq->lock);
	while (ksmbd_wq_busy(wq, NULL))
		pthread_cond_wait(&wq->idle, &wq->lock);
	pthread_mutex_unlock(&wq->lock);
}

bool flush_work(struct work_struct *work)
{
	struct workqueue_struct *wq = work->wq;
	bool waited = false;

	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	while (ksmbd_wq_busy(wq, work)) {
		waited = true;
		pthread_cond_wait(&wq->idle, &wq->lock);
	}
	pthread_mutex_unlock(&wq->lock);
	return waited;
}

bool cancel_work_sync(struct work_struct *work)
{
	struct workqueue_struct *wq = work->wq;
	bool was_pending = false;

	if (!wq)
		return false;
	pthread_mutex_lock(&wq->lock);
	if (work->pending) {
		list_del_init(&work->entry);
		work->pending = false;
		was_pending = true;
	}
	pthread_mutex_unlock(&wq->lock);
	flush_work(work);
	return was_pending;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	int i;

	pthread_mutex_lock(&wq->lock);
	wq->stopping = true;
	pthread_cond_broadcast(&wq->more);
	pthread_mutex_unlock(&wq->lock);
	for (i = 0; i < wq->nr_threads; i++)
		pthread_join(wq->threads[i], NULL);
	pthread_mutex_destroy(&wq->lock);
	pthread_cond_destroy(&wq->more);
	pthread_cond_destroy(&wq->idle);
	kfree(wq->threads);
	kfree(wq->running);
	kfree(wq);
}

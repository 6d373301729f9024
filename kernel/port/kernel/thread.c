// SPDX-License-Identifier: GPL-2.0
/* Kernel backend: engine threads are kthreads, joined with kthread_stop(). */
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "port.h"

struct ksmbd_thread {
	struct task_struct *task;	/* pinned until joined */
};

int ksmbd_thread_run(struct ksmbd_thread **slot, int (*fn)(void *), void *arg,
		     const char *name)
{
	struct ksmbd_thread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct task_struct *task;

	if (!t)
		return -ENOMEM;
	task = kthread_create(fn, arg, "%s", name);
	if (IS_ERR(task)) {
		kfree(t);
		return PTR_ERR(task);
	}
	get_task_struct(task);
	t->task = task;
	*slot = t;
	wake_up_process(task);
	return 0;
}

void ksmbd_thread_join(struct ksmbd_thread *t)
{
	/* Returns once fn has returned, even if it already had. */
	kthread_stop(t->task);
	put_task_struct(t->task);
	kfree(t);
}

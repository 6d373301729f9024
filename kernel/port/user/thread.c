// SPDX-License-Identifier: GPL-2.0
/* User-space port: engine threads on pthreads. */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/completion.h>
#include <pthread.h>
#include <linux/string.h>
#include "port.h"

struct ksmbd_thread {
	pthread_t tid;
	int (*fn)(void *);
	void *arg;
	char name[16];
	struct completion go;	/* the creator stored the handle */
};

static void *ksmbd_thread_main(void *p)
{
	struct ksmbd_thread *t = p;

	wait_for_completion(&t->go);
	pthread_setname_np(pthread_self(), t->name);
	t->fn(t->arg);
	return NULL;
}

int ksmbd_thread_run(struct ksmbd_thread **slot, int (*fn)(void *), void *arg,
		     const char *name)
{
	struct ksmbd_thread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int ret;

	if (!t)
		return -ENOMEM;
	t->fn = fn;
	t->arg = arg;
	strscpy(t->name, name, sizeof(t->name));
	init_completion(&t->go);
	*slot = t;
	ret = pthread_create(&t->tid, NULL, ksmbd_thread_main, t);
	if (ret) {
		*slot = NULL;
		kfree(t);
		return -ret;
	}
	complete(&t->go);
	return 0;
}

void ksmbd_thread_join(struct ksmbd_thread *t)
{
	pthread_join(t->tid, NULL);
	kfree(t);
}

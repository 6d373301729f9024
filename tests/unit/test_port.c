// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the user-space port's kernel-API shims. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/resource.h>
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>
#include "port.h"

struct counted_work {
	struct work_struct work;
	atomic_t *count;
	struct completion *done;
	int target;
};

static void counted_fn(struct work_struct *w)
{
	struct counted_work *cw = container_of(w, struct counted_work, work);

	if (atomic_inc_return(cw->count) == cw->target)
		complete(cw->done);
}

static void test_workqueue_runs_all(void **state)
{
	struct workqueue_struct *wq = alloc_workqueue("t", WQ_UNBOUND, 4);
	struct counted_work items[100];
	struct completion done;
	atomic_t count = ATOMIC_INIT(0);
	int i;

	(void)state;
	assert_non_null(wq);
	init_completion(&done);
	for (i = 0; i < 100; i++) {
		INIT_WORK(&items[i].work, counted_fn);
		items[i].count = &count;
		items[i].done = &done;
		items[i].target = 100;
		assert_true(queue_work(wq, &items[i].work));
	}
	assert_true(wait_for_completion_timeout(&done, msecs_to_jiffies(5000)) > 0);
	flush_workqueue(wq);
	assert_int_equal(atomic_read(&count), 100);
	destroy_workqueue(wq);
}

struct blocker_work {
	struct work_struct work;
	struct completion started, release;
};

static void blocker_fn(struct work_struct *w)
{
	struct blocker_work *b = container_of(w, struct blocker_work, work);

	complete(&b->started);
	wait_for_completion(&b->release);
}

static void test_workqueue_pending_and_cancel(void **state)
{
	struct workqueue_struct *wq = alloc_workqueue("t", 0, 1);
	struct blocker_work b;
	struct counted_work item;
	struct completion unused;
	atomic_t count = ATOMIC_INIT(0);

	(void)state;
	assert_non_null(wq);
	init_completion(&unused);
	INIT_WORK(&item.work, counted_fn);
	item.count = &count;
	item.done = &unused;
	item.target = -1;

	/* Hold the only worker so the item stays pending. */
	INIT_WORK(&b.work, blocker_fn);
	init_completion(&b.started);
	init_completion(&b.release);
	assert_true(queue_work(wq, &b.work));
	wait_for_completion(&b.started);
	assert_true(queue_work(wq, &item.work));
	assert_false(queue_work(wq, &item.work));	/* already pending */
	assert_true(cancel_work_sync(&item.work));
	complete(&b.release);
	flush_workqueue(wq);
	assert_int_equal(atomic_read(&count), 0);	/* cancelled before it ran */

	assert_true(queue_work(wq, &item.work));
	flush_work(&item.work);
	assert_int_equal(atomic_read(&count), 1);
	destroy_workqueue(wq);
}

static void test_wait_event_timeout(void **state)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	ktime_t start;
	long left;
	int flag = 0;

	(void)state;
	start = ktime_get();
	left = wait_event_timeout(wq, flag != 0, msecs_to_jiffies(50));
	assert_int_equal(left, 0);
	assert_true(ktime_to_ms(ktime_sub(ktime_get(), start)) >= 45);
	flag = 1;
	left = wait_event_timeout(wq, flag != 0, msecs_to_jiffies(50));
	assert_true(left >= 1);
}

static void test_completion_timeout(void **state)
{
	struct completion c;

	(void)state;
	init_completion(&c);
	assert_int_equal(wait_for_completion_timeout(&c, 1), 0);
	complete(&c);
	assert_true(wait_for_completion_timeout(&c, 1) > 0);
	/* The one completion was consumed. */
	assert_int_equal(wait_for_completion_timeout(&c, 1), 0);
	complete_all(&c);
	assert_true(completion_done(&c));
}

static void test_refcount_saturates(void **state)
{
	refcount_t r;

	(void)state;
	refcount_set(&r, 1);
	assert_true(refcount_inc_not_zero(&r));
	assert_false(refcount_dec_and_test(&r));
	assert_true(refcount_dec_and_test(&r));
	assert_false(refcount_inc_not_zero(&r));
	/* Increment from zero warns and pins the count instead of reviving the object. */
	refcount_inc(&r);
	assert_true((int)refcount_read(&r) < 0);
	assert_false(refcount_dec_and_test(&r));
}

struct item {
	struct list_head node;
	int v;
};

static void test_list_order_and_safe_delete(void **state)
{
	struct item it[5], *pos, *n;
	LIST_HEAD(head);
	int i, expect = 0;

	(void)state;
	for (i = 0; i < 5; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, &head);
	}
	list_for_each_entry(pos, &head, node)
		assert_int_equal(pos->v, expect++);
	list_for_each_entry_safe(pos, n, &head, node)
		if (pos->v % 2)
			list_del(&pos->node);
	expect = 0;
	list_for_each_entry(pos, &head, node) {
		assert_int_equal(pos->v, expect);
		expect += 2;
	}
	assert_false(list_empty(&head));
}

static void test_strscpy_and_unaligned(void **state)
{
	u8 buf[9] = { 0 };
	char s[4];

	(void)state;
	assert_int_equal(strscpy(s, "abc", sizeof(s)), 3);
	assert_int_equal(strscpy(s, "abcd", sizeof(s)), -E2BIG);
	assert_string_equal(s, "abc");
	put_unaligned_le32(0x11223344, buf + 1);
	assert_int_equal(buf[1], 0x44);
	assert_int_equal(get_unaligned_le32(buf + 1), 0x11223344);
	assert_int_equal(get_unaligned_be32(buf + 1), 0x44332211);
}

static int thread_fn(void *arg)
{
	atomic_inc(arg);
	return 0;
}

static void test_thread_join(void **state)
{
	struct ksmbd_thread *t = NULL;
	atomic_t ran = ATOMIC_INIT(0);

	(void)state;
	assert_int_equal(ksmbd_thread_run(&t, thread_fn, &ran, "t"), 0);
	assert_non_null(t);
	ksmbd_thread_join(t);
	assert_int_equal(atomic_read(&ran), 1);
}

/* The user engine's open limit: three quarters of RLIMIT_NOFILE, fixed at the first call. */
static void test_max_opens(void **state)
{
	struct rlimit rl;
	unsigned int max;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	max = ksmbd_port_max_opens();
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= 1u << 20) {
		assert_true(max < rl.rlim_cur);
		assert_true(max >= rl.rlim_cur - (rl.rlim_cur / 4 < 64 ? 64 : rl.rlim_cur / 4));
	}
	assert_true(max >= 16);
	assert_int_equal(ksmbd_port_max_opens(), max);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workqueue_runs_all),
		cmocka_unit_test(test_workqueue_pending_and_cancel),
		cmocka_unit_test(test_wait_event_timeout),
		cmocka_unit_test(test_completion_timeout),
		cmocka_unit_test(test_refcount_saturates),
		cmocka_unit_test(test_list_order_and_safe_delete),
		cmocka_unit_test(test_strscpy_and_unaligned),
		cmocka_unit_test(test_thread_join),
		cmocka_unit_test(test_max_opens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

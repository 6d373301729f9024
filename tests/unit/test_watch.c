// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the user-space change watches (kernel/port/user/watch.c) on a
 * scratch directory: changes made by this process with plain system calls
 * (as another process would) are reported with their action, filter and path
 * inside the share, a WATCH_TREE watch follows directories created after it
 * started, renames come as one pair, the engine's own changes (made through
 * the VFS backend) are not reported, nothing is reported after the watch is
 * deleted, and the number of watched directories is bounded. notify.c is replaced by the recorder below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include "notify.h"
#include "port.h"
#include "port/user/port_user.h"

#define MAX_EVENTS	64

struct rec {
	char path[128];
	char from[128];		/* renames */
	u32 action, filter;
};

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rec_cond = PTHREAD_COND_INITIALIZER;
static struct rec recs[MAX_EVENTS];
static int nr_recs, nr_overflows;

static void record(const char *from, const char *path, u32 action, u32 filter)
{
	pthread_mutex_lock(&rec_lock);
	if (nr_recs < MAX_EVENTS) {
		snprintf(recs[nr_recs].path, sizeof(recs[0].path), "%s", path);
		snprintf(recs[nr_recs].from, sizeof(recs[0].from), "%s", from ? from : "");
		recs[nr_recs].action = action;
		recs[nr_recs].filter = filter;
		nr_recs++;
	}
	pthread_cond_broadcast(&rec_cond);
	pthread_mutex_unlock(&rec_lock);
}

/* What the backend calls (notify.c in the engine). */
void ksmbd_notify_event(u64 root_dev, u64 root_ino, const char *path, u32 action, u32 filter)
{
	record(NULL, path, action, filter);
}

void ksmbd_notify_rename(u64 root_dev, u64 root_ino, const char *from, const char *to,
			 bool is_dir)
{
	record(from, to, 0, is_dir ? FILE_NOTIFY_CHANGE_DIR_NAME : FILE_NOTIFY_CHANGE_FILE_NAME);
}

void ksmbd_notify_overflow_all(void)
{
	pthread_mutex_lock(&rec_lock);
	nr_overflows++;
	pthread_mutex_unlock(&rec_lock);
}

/* Wait up to 5 s for a record of @path with @action; its index, or -1. */
static int wait_rec(const char *path, u32 action)
{
	struct timespec until;
	int i, found = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 5;
	pthread_mutex_lock(&rec_lock);
	for (;;) {
		for (i = 0; i < nr_recs; i++)
			if (recs[i].action == action && !strcmp(recs[i].path, path)) {
				found = i;
				break;
			}
		if (found >= 0 ||
		    pthread_cond_timedwait(&rec_cond, &rec_lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&rec_lock);
	return found;
}

static int count_path(const char *path)
{
	int i, n = 0;

	pthread_mutex_lock(&rec_lock);
	for (i = 0; i < nr_recs; i++)
		if (!strcmp(recs[i].path, path) || !strcmp(recs[i].from, path))
			n++;
	pthread_mutex_unlock(&rec_lock);
	return n;
}

static char top[64];
static struct ksmbd_vfs_root *root;

static void touch(const char *rel)
{
	char p[192];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	close(fd);
}

static void in_top(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", top, rel);
}

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/kc-watch.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	if (ksmbd_vfs_watch_init())
		return -1;
	return ksmbd_vfs_root_open(top, &root);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	ksmbd_vfs_root_close(root);
	ksmbd_vfs_watch_exit();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) ? -1 : 0;
}

static void test_outside_changes(void **state)
{
	struct ksmbd_vfs_watch *w;
	struct ksmbd_vfs_file *f;
	char a[192], b[192];
	int i, fd;

	(void)state;
	assert_int_equal(mkdir(strcat(strcpy(a, top), "/old"), 0755), 0);
	assert_int_equal(ksmbd_vfs_watch_add(root, 1, 2, "", true, &w), 0);

	/* created, in the root and in a subdirectory that existed before */
	touch("f1");
	i = wait_rec("f1", FILE_ACTION_ADDED);
	assert_true(i >= 0);
	assert_int_equal(recs[i].filter, FILE_NOTIFY_CHANGE_FILE_NAME);
	touch("old/f2");
	assert_true(wait_rec("old/f2", FILE_ACTION_ADDED) >= 0);

	/* a directory made after the watch started is followed (WATCH_TREE) */
	in_top(a, sizeof(a), "new");
	assert_int_equal(mkdir(a, 0755), 0);
	i = wait_rec("new", FILE_ACTION_ADDED);
	assert_true(i >= 0);
	assert_int_equal(recs[i].filter, FILE_NOTIFY_CHANGE_DIR_NAME);
	touch("new/inner");
	assert_true(wait_rec("new/inner", FILE_ACTION_ADDED) >= 0);

	/* written: modified */
	in_top(a, sizeof(a), "f1");
	fd = open(a, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	i = wait_rec("f1", FILE_ACTION_MODIFIED);
	assert_true(i >= 0);
	assert_true(recs[i].filter & FILE_NOTIFY_CHANGE_SIZE);

	/* renamed in one directory: one pair; a renamed directory keeps being followed */
	in_top(a, sizeof(a), "f1");
	in_top(b, sizeof(b), "f1b");
	assert_int_equal(rename(a, b), 0);
	i = wait_rec("f1b", 0);
	assert_true(i >= 0);
	assert_string_equal(recs[i].from, "f1");
	in_top(a, sizeof(a), "new");
	in_top(b, sizeof(b), "renamed");
	assert_int_equal(rename(a, b), 0);
	assert_true(wait_rec("renamed", 0) >= 0);
	touch("renamed/later");
	assert_true(wait_rec("renamed/later", FILE_ACTION_ADDED) >= 0);

	/* removed */
	in_top(a, sizeof(a), "f1b");
	assert_int_equal(unlink(a), 0);
	assert_true(wait_rec("f1b", FILE_ACTION_REMOVED) >= 0);

	/* the engine's own changes are not reported, before or after an outside one */
	assert_int_equal(ksmbd_vfs_mkdir(root, "own", 0755), 0);
	assert_int_equal(ksmbd_vfs_open(root, "own/file", KSMBD_VFS_WRITE | KSMBD_VFS_CREATE,
					0644, &f), 0);
	assert_int_equal(ksmbd_vfs_write(f, "data", 4, 0), 4);
	assert_int_equal(ksmbd_vfs_set_times(f, 0, 0), 0);
	ksmbd_vfs_close(f);
	assert_int_equal(ksmbd_vfs_rename(root, "own/file", "own/file2", 0), 0);
	touch("marker");
	assert_true(wait_rec("marker", FILE_ACTION_ADDED) >= 0);
	assert_int_equal(count_path("own"), 0);
	assert_int_equal(count_path("own/file"), 0);
	assert_int_equal(count_path("own/file2"), 0);
	/* ...but the directory the engine made is followed for others' changes */
	touch("own/theirs");
	assert_true(wait_rec("own/theirs", FILE_ACTION_ADDED) >= 0);
	assert_int_equal(nr_overflows, 0);

	/* after the watch is gone, nothing */
	ksmbd_vfs_watch_del(w);
	touch("after");
	in_top(a, sizeof(a), "after");
	assert_int_equal(unlink(a), 0);
	/* the backend's own lock orders this: a new watch sees only what follows */
	assert_int_equal(ksmbd_vfs_watch_add(root, 1, 2, "old", false, &w), 0);
	touch("old/again");
	assert_true(wait_rec("old/again", FILE_ACTION_ADDED) >= 0);
	assert_int_equal(count_path("after"), 0);
	ksmbd_vfs_watch_del(w);
}

/* The watched directories are bounded (8192, 40 here): a bigger tree is watched in part. */
static void test_limit(void **state)
{
	struct ksmbd_vfs_watch *w, *w2;
	char p[192];
	int i;

	(void)state;
	ksmbd_port_watch_max = 40;
	in_top(p, sizeof(p), "big");
	assert_int_equal(mkdir(p, 0755), 0);
	for (i = 0; i < 60; i++) {
		snprintf(p, sizeof(p), "%s/big/d%d", top, i);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	in_top(p, sizeof(p), "small");
	assert_int_equal(mkdir(p, 0755), 0);
	/* the tree is cut at the limit, the watch still works where it got to */
	assert_int_equal(ksmbd_vfs_watch_add(root, 1, 2, "big", true, &w), 0);
	touch("big/seen");
	assert_true(wait_rec("big/seen", FILE_ACTION_ADDED) >= 0);
	/* no room for another directory: the backend says so */
	assert_int_equal(ksmbd_vfs_watch_add(root, 1, 2, "small", false, &w2), -ENOSPC);
	ksmbd_vfs_watch_del(w);
	/* room again once the big watch is gone */
	assert_int_equal(ksmbd_vfs_watch_add(root, 1, 2, "small", false, &w2), 0);
	touch("small/x");
	assert_true(wait_rec("small/x", FILE_ACTION_ADDED) >= 0);
	ksmbd_vfs_watch_del(w2);
	ksmbd_port_watch_max = 8192;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outside_changes),
		cmocka_unit_test(test_limit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

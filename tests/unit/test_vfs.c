// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the user-space filesystem backend (kernel/port/user/vfs.c):
 * every operation's result and errno, confinement to the share root, and
 * directory listings that resume across calls. The kernel backend returns the
 * same errnos by construction (see kernel/port/kernel/vfs.c).
 *
 * Layout of each test's temporary directory T:
 *   T/outside/victim, T/outside/vdir/	real files the share must not reach
 *   T/share/				the share root
 *   T/share/hello ("hello"), T/share/sub/, T/share/sub/inner
 *   T/share/out-abs -> T/outside, T/share/out-rel -> ../outside,
 *   T/share/sub/up -> ../../outside, T/share/lnk -> hello, T/share/abs-lnk -> /hello
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "port.h"

static char top[64];
static struct ksmbd_vfs_root *root;

static const char *tpath(const char *rel)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", top, rel);
	return p;
}

static bool exists(const char *rel)
{
	struct stat sb;

	return lstat(tpath(rel), &sb) == 0;
}

static int write_file(const char *rel, const char *data)
{
	int fd = open(tpath(rel), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ssize_t len = strlen(data);

	if (fd < 0 || write(fd, data, len) != len)
		return -1;
	return close(fd);
}

static int vfs_setup(void **state)
{
	char target[256];

	(void)state;
	umask(022);
	strcpy(top, "/tmp/kc-vfs-XXXXXX");
	if (!mkdtemp(top))
		return -1;
	if (mkdir(tpath("outside"), 0755) || mkdir(tpath("outside/vdir"), 0755) ||
	    write_file("outside/victim", "secret") || mkdir(tpath("share"), 0755) ||
	    write_file("share/hello", "hello") || mkdir(tpath("share/sub"), 0755) ||
	    write_file("share/sub/inner", "x"))
		return -1;
	snprintf(target, sizeof(target), "%s/outside", top);
	if (symlink(target, tpath("share/out-abs")) ||
	    symlink("../outside", tpath("share/out-rel")) ||
	    symlink("../../outside", tpath("share/sub/up")) ||
	    symlink("hello", tpath("share/lnk")) ||
	    symlink("/hello", tpath("share/abs-lnk")))
		return -1;
	return ksmbd_vfs_root_open(tpath("share"), &root);
}

static int vfs_teardown(void **state)
{
	char cmd[300];

	(void)state;
	ksmbd_vfs_root_close(root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

/* Names whose last component is not a real name. */
static const char *const bad_last[] = { "", "/", ".", "..", "sub/.", "sub/..", "sub/", "/.." };

static void test_vfs_mkdir(void **state)
{
	struct ksmbd_vfs_stat st;
	struct stat sb;
	size_t i;

	(void)state;
	assert_int_equal(ksmbd_vfs_mkdir(root, "d1", 0777), 0);
	assert_int_equal(stat(tpath("share/d1"), &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0755);	/* umask 022 applies */
	assert_int_equal(ksmbd_vfs_mkdir(root, "sub/d2", 0700), 0);
	assert_int_equal(ksmbd_vfs_getattr_name(root, "sub/d2", &st), 0);
	assert_int_equal(st.mode & 07777, 0700);
	assert_int_equal(ksmbd_vfs_mkdir(root, "/sub/d2/d3", 0755), 0);
	assert_true(exists("share/sub/d2/d3"));

	assert_int_equal(ksmbd_vfs_mkdir(root, "d1", 0755), -EEXIST);
	assert_int_equal(ksmbd_vfs_mkdir(root, "hello", 0755), -EEXIST);
	assert_int_equal(ksmbd_vfs_mkdir(root, "lnk", 0755), -EEXIST);
	assert_int_equal(ksmbd_vfs_mkdir(root, "missing/d", 0755), -ENOENT);
	assert_int_equal(ksmbd_vfs_mkdir(root, "hello/d", 0755), -ENOTDIR);
	for (i = 0; i < ARRAY_SIZE(bad_last); i++)
		assert_int_equal(ksmbd_vfs_mkdir(root, bad_last[i], 0755), -EINVAL);
}

static void test_vfs_unlink(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_vfs_unlink(root, "sub/inner"), 0);
	assert_false(exists("share/sub/inner"));
	assert_int_equal(ksmbd_vfs_unlink(root, "sub/inner"), -ENOENT);
	assert_int_equal(ksmbd_vfs_unlink(root, "missing/x"), -ENOENT);
	assert_int_equal(ksmbd_vfs_unlink(root, "hello/x"), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_unlink(root, "sub"), -EISDIR);
	assert_true(exists("share/sub"));
	/* A symlink is removed itself, never its target. */
	assert_int_equal(ksmbd_vfs_unlink(root, "lnk"), 0);
	assert_false(exists("share/lnk"));
	assert_true(exists("share/hello"));
	assert_int_equal(ksmbd_vfs_unlink(root, "out-abs"), 0);
	assert_true(exists("outside/victim"));
	for (size_t i = 0; i < ARRAY_SIZE(bad_last); i++)
		assert_int_equal(ksmbd_vfs_unlink(root, bad_last[i]), -EINVAL);
}

static void test_vfs_rmdir(void **state)
{
	size_t i;

	(void)state;
	assert_int_equal(ksmbd_vfs_rmdir(root, "sub"), -ENOTEMPTY);
	assert_int_equal(ksmbd_vfs_rmdir(root, "hello"), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_rmdir(root, "lnk"), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_rmdir(root, "missing"), -ENOENT);
	assert_int_equal(ksmbd_vfs_rmdir(root, "hello/x"), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_mkdir(root, "empty", 0755), 0);
	assert_int_equal(ksmbd_vfs_rmdir(root, "empty"), 0);
	assert_false(exists("share/empty"));
	assert_int_equal(ksmbd_vfs_unlink(root, "sub/inner"), 0);
	assert_int_equal(ksmbd_vfs_unlink(root, "sub/up"), 0);
	assert_int_equal(ksmbd_vfs_rmdir(root, "/sub"), 0);
	assert_false(exists("share/sub"));
	for (i = 0; i < ARRAY_SIZE(bad_last); i++)
		assert_int_equal(ksmbd_vfs_rmdir(root, bad_last[i]), -EINVAL);
}

static void test_vfs_rename(void **state)
{
	struct ksmbd_vfs_stat st;

	(void)state;
	/* file to a new name, across directories */
	assert_int_equal(ksmbd_vfs_rename(root, "hello", "sub/moved", 0), 0);
	assert_false(exists("share/hello"));
	assert_int_equal(ksmbd_vfs_getattr_name(root, "sub/moved", &st), 0);
	assert_int_equal(st.size, 5);
	/* replacing an existing file, unless NOREPLACE */
	assert_int_equal(ksmbd_vfs_rename(root, "sub/moved", "sub/inner",
					  KSMBD_VFS_RENAME_NOREPLACE), -EEXIST);
	assert_true(exists("share/sub/moved"));
	assert_int_equal(ksmbd_vfs_rename(root, "sub/moved", "sub/inner", 0), 0);
	assert_false(exists("share/sub/moved"));
	assert_int_equal(ksmbd_vfs_getattr_name(root, "sub/inner", &st), 0);
	assert_int_equal(st.size, 5);
	/* NOREPLACE to a free name works */
	assert_int_equal(ksmbd_vfs_rename(root, "sub/inner", "back",
					  KSMBD_VFS_RENAME_NOREPLACE), 0);
	assert_true(exists("share/back"));

	assert_int_equal(ksmbd_vfs_rename(root, "missing", "x", 0), -ENOENT);
	assert_int_equal(ksmbd_vfs_rename(root, "back", "missing/x", 0), -ENOENT);
	assert_int_equal(ksmbd_vfs_rename(root, "back", "back/x", 0), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_mkdir(root, "d", 0755), 0);
	assert_int_equal(ksmbd_vfs_rename(root, "back", "d", 0), -EISDIR);
	assert_int_equal(ksmbd_vfs_rename(root, "d", "back", 0), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_rename(root, "d", "sub", 0), -ENOTEMPTY);
	assert_int_equal(ksmbd_vfs_rename(root, "d", "sub", KSMBD_VFS_RENAME_NOREPLACE), -EEXIST);
	/* a directory into itself */
	assert_int_equal(ksmbd_vfs_rename(root, "sub", "sub/x", 0), -EINVAL);
	assert_int_equal(ksmbd_vfs_rename(root, "back", ".", 0), -EINVAL);
	assert_int_equal(ksmbd_vfs_rename(root, "..", "x", 0), -EINVAL);
	assert_int_equal(ksmbd_vfs_rename(root, "back", "x", 0x100), -EINVAL);
	/* directories: empty over empty replaces, a dir moves with its contents */
	assert_int_equal(ksmbd_vfs_mkdir(root, "e", 0755), 0);
	assert_int_equal(ksmbd_vfs_rename(root, "e", "d", 0), 0);
	assert_false(exists("share/e"));
	assert_int_equal(ksmbd_vfs_rename(root, "sub", "d/sub2", 0), 0);
	assert_true(exists("share/d/sub2/up"));
	/* a symlink is renamed itself */
	assert_int_equal(ksmbd_vfs_rename(root, "out-abs", "renamed-link", 0), 0);
	assert_true(exists("share/renamed-link"));
	assert_true(exists("outside/victim"));
	assert_true(exists("outside/vdir"));
}

/* Escapes resolve inside the share: nothing outside it is created or removed. */
static void test_vfs_confined(void **state)
{
	static const char *const victim[] = {
		"../outside/victim", "/../outside/victim", "../../../outside/victim",
		"out-abs/victim", "out-rel/victim", "sub/up/victim", "sub/../../outside/victim",
	};
	static const char *const vdir[] = {
		"../outside/vdir", "out-abs/vdir", "out-rel/vdir", "sub/up/vdir",
	};
	struct ksmbd_vfs_stat st;
	size_t i;
	char name[64];

	(void)state;
	for (i = 0; i < ARRAY_SIZE(victim); i++) {
		assert_int_equal(ksmbd_vfs_unlink(root, victim[i]), -ENOENT);
		assert_int_equal(ksmbd_vfs_rename(root, victim[i], "stolen", 0), -ENOENT);
		assert_int_equal(ksmbd_vfs_rename(root, "hello", victim[i], 0), -ENOENT);
		assert_int_equal(ksmbd_vfs_getattr_name(root, victim[i], &st), -ENOENT);
		assert_int_equal(ksmbd_vfs_mkdir(root, victim[i], 0755), -ENOENT);
	}
	for (i = 0; i < ARRAY_SIZE(vdir); i++) {
		assert_int_equal(ksmbd_vfs_rmdir(root, vdir[i]), -ENOENT);
		snprintf(name, sizeof(name), "%s/new", vdir[i]);
		assert_int_equal(ksmbd_vfs_mkdir(root, name, 0755), -ENOENT);
	}
	assert_true(exists("outside/victim"));
	assert_true(exists("outside/vdir"));
	assert_false(exists("outside/vdir/new"));
	assert_false(exists("outside/stolen"));
	assert_true(exists("share/hello"));
	assert_false(exists("share/stolen"));

	/* ".." at the root is the root: these land inside the share. */
	assert_int_equal(ksmbd_vfs_mkdir(root, "../escaped", 0755), 0);
	assert_true(exists("share/escaped"));
	assert_false(exists("escaped"));
	assert_int_equal(ksmbd_vfs_rename(root, "/../hello", "../../moved", 0), 0);
	assert_true(exists("share/moved"));
	assert_false(exists("moved"));
	assert_int_equal(ksmbd_vfs_unlink(root, "sub/../../moved"), 0);
	assert_false(exists("share/moved"));
	/* An absolute symlink points into the share. */
	assert_int_equal(ksmbd_vfs_mkdir(root, "abs-dir", 0755), 0);
	assert_int_equal(symlink("/abs-dir", tpath("share/to-abs-dir")), 0);
	assert_int_equal(ksmbd_vfs_mkdir(root, "to-abs-dir/inside", 0755), 0);
	assert_true(exists("share/abs-dir/inside"));
	assert_int_equal(ksmbd_vfs_rmdir(root, "to-abs-dir/inside"), 0);
	assert_false(exists("share/abs-dir/inside"));
	assert_true(exists("outside/victim"));
	assert_true(exists("outside/vdir"));
}

static void test_vfs_getattr_name(void **state)
{
	struct ksmbd_vfs_stat st, st2;
	struct ksmbd_vfs_file *f;
	struct stat sb;

	(void)state;
	assert_int_equal(ksmbd_vfs_getattr_name(root, "hello", &st), 0);
	assert_int_equal(stat(tpath("share/hello"), &sb), 0);
	assert_true(S_ISREG(st.mode));
	assert_int_equal(st.size, 5);
	assert_int_equal(st.ino, sb.st_ino);
	assert_int_equal(st.dev, (u64)major(sb.st_dev) << 32 | minor(sb.st_dev));
	assert_int_equal(st.blksize, sb.st_blksize);
	assert_int_equal(st.nlink, 1);
	assert_int_equal(st.mtime_ns, sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec);
	assert_true(st.btime_ns >= 0);
	/* the same through an open file */
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st2), 0);
	ksmbd_vfs_close(f);
	assert_memory_equal(&st, &st2, sizeof(st));
	/* symlinks are followed, inside the share */
	assert_int_equal(ksmbd_vfs_getattr_name(root, "lnk", &st2), 0);
	assert_int_equal(st2.ino, st.ino);
	assert_int_equal(ksmbd_vfs_getattr_name(root, "abs-lnk", &st2), 0);
	assert_int_equal(st2.ino, st.ino);
	assert_int_equal(ksmbd_vfs_getattr_name(root, "sub", &st2), 0);
	assert_true(S_ISDIR(st2.mode));
	assert_int_equal(ksmbd_vfs_getattr_name(root, "/", &st2), 0);
	assert_true(S_ISDIR(st2.mode));
	assert_int_equal(ksmbd_vfs_getattr_name(root, "..", &st), 0);
	assert_int_equal(st.ino, st2.ino);

	assert_int_equal(ksmbd_vfs_getattr_name(root, "missing", &st), -ENOENT);
	assert_int_equal(ksmbd_vfs_getattr_name(root, "", &st), -ENOENT);
	assert_int_equal(ksmbd_vfs_getattr_name(root, "hello/x", &st), -ENOTDIR);
	assert_int_equal(ksmbd_vfs_open(root, "", KSMBD_VFS_READ, 0, &f), -ENOENT);
}

static void test_vfs_statfs(void **state)
{
	struct ksmbd_vfs_statfs st;
	struct statvfs sv;

	(void)state;
	assert_int_equal(ksmbd_vfs_statfs(root, &st), 0);
	assert_int_equal(statvfs(tpath("share"), &sv), 0);
	assert_int_equal(st.bsize, sv.f_frsize);
	assert_int_equal(st.blocks, sv.f_blocks);
	assert_true(st.bsize > 0 && st.blocks > 0);
	assert_true(st.bfree <= st.blocks);
	assert_true(st.bavail <= st.bfree);
	assert_int_equal(st.namelen, sv.f_namemax);
}

static void test_vfs_truncate_fsync(void **state)
{
	struct ksmbd_vfs_file *f;
	struct ksmbd_vfs_stat st;
	char buf[8];

	(void)state;
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ | KSMBD_VFS_WRITE, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_truncate(f, 2), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.size, 2);
	assert_int_equal(ksmbd_vfs_truncate(f, 1 << 20), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.size, 1 << 20);
	assert_int_equal(ksmbd_vfs_read(f, buf, sizeof(buf), 0), sizeof(buf));
	assert_memory_equal(buf, "he\0\0\0\0\0\0", 8);
	assert_int_equal(ksmbd_vfs_truncate(f, -1), -EINVAL);
	assert_int_equal(ksmbd_vfs_fsync(f), 0);
	ksmbd_vfs_close(f);

	/* not open for writing, or not a regular file */
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_truncate(f, 0), -EINVAL);
	assert_int_equal(ksmbd_vfs_fsync(f), 0);
	ksmbd_vfs_close(f);
	assert_int_equal(ksmbd_vfs_open(root, "sub", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_truncate(f, 0), -EINVAL);
	assert_int_equal(ksmbd_vfs_fsync(f), 0);
	ksmbd_vfs_close(f);
}

/* copy_range, clone_range, fallocate and seek (the FSCTLs' backend, kernel/fsctl.h) */
static void test_vfs_copy_alloc(void **state)
{
	struct ksmbd_vfs_file *a, *b;
	struct ksmbd_vfs_stat st;
	static char data[65536], back[65536];
	size_t done = 0;
	ssize_t n;
	loff_t pos;
	int ret, i;

	(void)state;
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = i * 7;
	assert_int_equal(ksmbd_vfs_open(root, "src", KSMBD_VFS_READ | KSMBD_VFS_WRITE |
					KSMBD_VFS_CREATE, 0644, &a), 0);
	assert_int_equal(ksmbd_vfs_write(a, data, sizeof(data), 0), sizeof(data));
	assert_int_equal(ksmbd_vfs_open(root, "dst", KSMBD_VFS_READ | KSMBD_VFS_WRITE |
					KSMBD_VFS_CREATE, 0644, &b), 0);
	/* copy_range extends the target like a write */
	while (done < 8192) {
		n = ksmbd_vfs_copy_range(a, done, b, 100 + done, 8192 - done);
		assert_true(n > 0);
		done += n;
	}
	assert_int_equal(ksmbd_vfs_read(b, back, 8192, 100), 8192);
	assert_memory_equal(back, data, 8192);
	assert_int_equal(ksmbd_vfs_getattr(b, &st), 0);
	assert_int_equal(st.size, 8292);
	/* at the end of the source nothing is copied */
	assert_int_equal(ksmbd_vfs_copy_range(a, sizeof(data), b, 0, 10), 0);
	/* reflink where the filesystem has it; ext4 and tmpfs do not */
	ret = ksmbd_vfs_clone_range(a, 0, b, 0, 4096);
	assert_true(ret == 0 || ret == -EOPNOTSUPP || ret == -EXDEV || ret == -EINVAL);
	/* a punched hole reads as zeros, keeps the size, and is not data */
	ret = ksmbd_vfs_fallocate(a, KSMBD_VFS_FALLOC_PUNCH_HOLE, 0, 16384);
	if (ret != -EOPNOTSUPP) {
		assert_int_equal(ret, 0);
		assert_int_equal(ksmbd_vfs_getattr(a, &st), 0);
		assert_int_equal(st.size, sizeof(data));
		assert_int_equal(ksmbd_vfs_read(a, back, 16384, 0), 16384);
		for (i = 0; i < 16384; i++)
			assert_int_equal(back[i], 0);
		pos = ksmbd_vfs_seek(a, 0, false);
		assert_true(pos >= 16384 && pos < (loff_t)sizeof(data));
		assert_int_equal(ksmbd_vfs_seek(a, pos, true), sizeof(data));
		assert_int_equal(ksmbd_vfs_seek(a, 0, true), 0);
	}
	assert_int_equal(ksmbd_vfs_seek(a, sizeof(data), false), -ENXIO);
	/* allocating keeps the size */
	assert_int_equal(ksmbd_vfs_fallocate(a, KSMBD_VFS_FALLOC_ALLOCATE, 0, 1 << 20), 0);
	assert_int_equal(ksmbd_vfs_getattr(a, &st), 0);
	assert_int_equal(st.size, sizeof(data));
	ksmbd_vfs_close(a);
	ksmbd_vfs_close(b);
}

static void test_vfs_set_times(void **state)
{
	const s64 t1 = 1000000000LL * 1000000000LL + 123456789;	/* 2001 */
	const s64 t2 = 1500000000LL * 1000000000LL + 987654321;	/* 2017 */
	struct ksmbd_vfs_file *f;
	struct ksmbd_vfs_stat st, before;

	(void)state;
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &before), 0);
	assert_int_equal(ksmbd_vfs_set_times(f, t1, -1), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.atime_ns, t1);
	assert_int_equal(st.mtime_ns, before.mtime_ns);
	assert_int_equal(ksmbd_vfs_set_times(f, -1, t2), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.atime_ns, t1);
	assert_int_equal(st.mtime_ns, t2);
	assert_int_equal(ksmbd_vfs_set_times(f, t2, t1), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.atime_ns, t2);
	assert_int_equal(st.mtime_ns, t1);
	assert_int_equal(ksmbd_vfs_set_times(f, -1, -1), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.atime_ns, t2);
	assert_int_equal(st.mtime_ns, t1);
	ksmbd_vfs_close(f);
	/* directories too */
	assert_int_equal(ksmbd_vfs_open(root, "sub", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_set_times(f, -1, t1), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.mtime_ns, t1);
	ksmbd_vfs_close(f);
}

static void test_vfs_chmod(void **state)
{
	struct ksmbd_vfs_file *f;
	struct ksmbd_vfs_stat st;
	struct stat sb;

	(void)state;
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_chmod(f, 0444), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.mode, S_IFREG | 0444);
	assert_int_equal(stat(tpath("share/hello"), &sb), 0);
	assert_int_equal(sb.st_mode, S_IFREG | 0444);
	/* only the permission bits count: the type stays */
	assert_int_equal(ksmbd_vfs_chmod(f, S_IFDIR | 0640), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.mode, S_IFREG | 0640);
	ksmbd_vfs_close(f);
	/* directories too */
	assert_int_equal(ksmbd_vfs_open(root, "sub", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_chmod(f, 0700), 0);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.mode, S_IFDIR | 0700);
	ksmbd_vfs_close(f);
}

static void test_vfs_xattr(void **state)
{
	struct ksmbd_vfs_file *f;
	char buf[64];

	(void)state;
	/* a read-only open is enough, as for chmod */
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_getxattr(f, "trusted.kc.a", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(ksmbd_vfs_setxattr(f, "trusted.kc.a", "val", 3,
					    KSMBD_VFS_XATTR_REPLACE), -ENODATA);
	assert_int_equal(ksmbd_vfs_setxattr(f, "trusted.kc.a", "val", 3,
					    KSMBD_VFS_XATTR_CREATE), 0);
	assert_int_equal(ksmbd_vfs_setxattr(f, "trusted.kc.a", "x", 1,
					    KSMBD_VFS_XATTR_CREATE), -EEXIST);
	assert_int_equal(ksmbd_vfs_setxattr(f, "trusted.kc.b", "", 0, 0), 0);
	assert_int_equal(ksmbd_vfs_setxattr(f, "trusted.kc.b", "", 0, 0x80), -EINVAL);
	assert_int_equal(ksmbd_vfs_getxattr(f, "trusted.kc.a", NULL, 0), 3);
	assert_int_equal(ksmbd_vfs_getxattr(f, "trusted.kc.a", buf, 2), -ERANGE);
	assert_int_equal(ksmbd_vfs_getxattr(f, "trusted.kc.a", buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "val", 3);
	assert_int_equal(ksmbd_vfs_getxattr(f, "trusted.kc.b", buf, sizeof(buf)), 0);
	/* both names, each NUL-terminated, in some order */
	assert_int_equal(ksmbd_vfs_listxattr(f, NULL, 0), 26);
	assert_int_equal(ksmbd_vfs_listxattr(f, buf, 5), -ERANGE);
	assert_int_equal(ksmbd_vfs_listxattr(f, buf, sizeof(buf)), 26);
	assert_true(!memcmp(buf, "trusted.kc.a\0trusted.kc.b", 26) ||
		    !memcmp(buf, "trusted.kc.b\0trusted.kc.a", 26));
	assert_int_equal(ksmbd_vfs_removexattr(f, "trusted.kc.a"), 0);
	assert_int_equal(ksmbd_vfs_removexattr(f, "trusted.kc.a"), -ENODATA);
	assert_int_equal(ksmbd_vfs_listxattr(f, buf, sizeof(buf)), 13);
	ksmbd_vfs_close(f);
}

#define NFILES 1000

struct listing {
	unsigned int seen[NFILES];
	unsigned int dots, dotdots, others;
	unsigned int limit, taken;	/* stop after @limit entries per call */
	char stopped_at[64];		/* the entry emit refused */
	char first[64];			/* the first entry of this call */
	int stop_value;
};

static int collect(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	struct listing *l = arg;
	char buf[64];
	unsigned int n;

	assert_true(len > 0 && len < sizeof(buf));
	memcpy(buf, name, len);
	buf[len] = '\0';
	assert_true(ino != 0);
	if (l->limit && l->taken == l->limit) {
		strcpy(l->stopped_at, buf);
		return l->stop_value;
	}
	if (!l->taken)
		strcpy(l->first, buf);
	l->taken++;
	if (!strcmp(buf, ".")) {
		assert_int_equal(dtype, DT_DIR);
		l->dots++;
	} else if (!strcmp(buf, "..")) {
		assert_int_equal(dtype, DT_DIR);
		l->dotdots++;
	} else if (sscanf(buf, "f%u", &n) == 1 && n < NFILES) {
		assert_int_equal(dtype, DT_REG);
		l->seen[n]++;
	} else {
		l->others++;
	}
	return 0;
}

static void assert_listed_once(const struct listing *l)
{
	unsigned int i;

	assert_int_equal(l->dots, 1);
	assert_int_equal(l->dotdots, 1);
	assert_int_equal(l->others, 0);
	for (i = 0; i < NFILES; i++)
		assert_int_equal(l->seen[i], 1);
}

static void test_vfs_readdir_resumes(void **state)
{
	struct listing *l = calloc(1, sizeof(*l));
	struct ksmbd_vfs_file *f;
	unsigned int calls = 0;
	char name[32];
	int i, ret;

	(void)state;
	assert_non_null(l);
	assert_int_equal(ksmbd_vfs_mkdir(root, "big", 0755), 0);
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "big/f%d", i);
		assert_int_equal(ksmbd_vfs_open(root, name, KSMBD_VFS_WRITE | KSMBD_VFS_CREATE |
						KSMBD_VFS_EXCL, 0644, &f), 0);
		ksmbd_vfs_close(f);
	}
	assert_int_equal(ksmbd_vfs_open(root, "big", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f), 0);

	/* 7 entries per call; the refused entry comes first in the next call */
	l->limit = 7;
	l->stop_value = 1;
	for (;;) {
		char refused[64];

		strcpy(refused, l->stopped_at);
		l->taken = 0;
		l->stopped_at[0] = '\0';
		ret = ksmbd_vfs_readdir(f, collect, l);
		calls++;
		if (refused[0] && l->taken)
			assert_string_equal(l->first, refused);
		if (ret == 0)
			break;
		assert_int_equal(ret, 1);
		assert_int_equal(l->taken, 7);
		assert_true(calls < 1000);
	}
	assert_int_equal(calls, (NFILES + 2) / 7 + 1);
	assert_listed_once(l);
	/* at the end it stays at the end */
	l->taken = 0;
	assert_int_equal(ksmbd_vfs_readdir(f, collect, l), 0);
	assert_int_equal(l->taken, 0);

	/* rewind: everything again, in one call; a negative stop value is returned */
	memset(l, 0, sizeof(*l));
	assert_int_equal(ksmbd_vfs_rewinddir(f), 0);
	assert_int_equal(ksmbd_vfs_readdir(f, collect, l), 0);
	assert_listed_once(l);
	memset(l, 0, sizeof(*l));
	assert_int_equal(ksmbd_vfs_rewinddir(f), 0);
	l->limit = 3;
	l->stop_value = -ENOSPC;
	assert_int_equal(ksmbd_vfs_readdir(f, collect, l), -ENOSPC);
	assert_int_equal(l->taken, 3);
	ksmbd_vfs_close(f);
	free(l);

	/* not a directory */
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_readdir(f, collect, NULL), -ENOTDIR);
	ksmbd_vfs_close(f);
}

static int count_entries(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	(*(unsigned int *)arg)++;
	return 0;
}

/* Entries removed between calls do not break the listing. */
static void test_vfs_readdir_small_and_changing(void **state)
{
	struct ksmbd_vfs_file *f;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(ksmbd_vfs_mkdir(root, "empty", 0755), 0);
	assert_int_equal(ksmbd_vfs_open(root, "empty", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
					0, &f), 0);
	assert_int_equal(ksmbd_vfs_readdir(f, count_entries, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ksmbd_vfs_rmdir(root, "empty"), 0);
	assert_int_equal(ksmbd_vfs_rewinddir(f), 0);
	n = 0;
	assert_int_equal(ksmbd_vfs_readdir(f, count_entries, &n), -ENOENT);
	ksmbd_vfs_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, vfs_setup, vfs_teardown)
		T(test_vfs_mkdir),
		T(test_vfs_unlink),
		T(test_vfs_rmdir),
		T(test_vfs_rename),
		T(test_vfs_confined),
		T(test_vfs_getattr_name),
		T(test_vfs_statfs),
		T(test_vfs_truncate_fsync),
		T(test_vfs_copy_alloc),
		T(test_vfs_set_times),
		T(test_vfs_chmod),
		T(test_vfs_xattr),
		T(test_vfs_readdir_resumes),
		T(test_vfs_readdir_small_and_changing),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

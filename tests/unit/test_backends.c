// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the user-space crypto and filesystem backends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "crypto_kat.h"
#include "port.h"

static void test_crypto_selftest(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_crypto_selftest(), 0);
}

static void test_crypto_hmac_key_matters(void **state)
{
	struct kvec iov = { .iov_base = "data", .iov_len = 4 };
	u8 a[64], b[64];

	(void)state;
	assert_int_equal(ksmbd_crypto_hmac(KSMBD_HASH_SHA256, (const u8 *)"k1", 2, &iov, 1, a), 0);
	assert_int_equal(ksmbd_crypto_hmac(KSMBD_HASH_SHA256, (const u8 *)"k2", 2, &iov, 1, b), 0);
	assert_true(ksmbd_crypto_memneq(a, b, 32));
	assert_int_equal(ksmbd_crypto_hmac(KSMBD_HASH_SHA256, (const u8 *)"k1", 2, &iov, 1, b), 0);
	assert_false(ksmbd_crypto_memneq(a, b, 32));
	assert_int_equal(ksmbd_crypto_hash(99, &iov, 1, a), -EINVAL);
}

static char root_dir[32];
static struct ksmbd_vfs_root *root;

static int vfs_setup(void **state)
{
	char path[256];
	int fd;

	(void)state;
	strcpy(root_dir, "/tmp/kc-vfs-XXXXXX");
	if (!mkdtemp(root_dir))
		return -1;
	snprintf(path, sizeof(path), "%s/hello", root_dir);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "hello", 5) != 5)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "%s/sub", root_dir);
	mkdir(path, 0755);
	/* Links that point outside the share. */
	snprintf(path, sizeof(path), "%s/etc-link", root_dir);
	if (symlink("/etc", path))
		return -1;
	snprintf(path, sizeof(path), "%s/sub/up", root_dir);
	if (symlink("../../../../etc", path))
		return -1;
	return ksmbd_vfs_root_open(root_dir, &root);
}

static int vfs_teardown(void **state)
{
	char cmd[300];

	(void)state;
	ksmbd_vfs_root_close(root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_vfs_read_write_stat(void **state)
{
	struct ksmbd_vfs_file *f;
	struct ksmbd_vfs_stat st;
	char buf[16] = { 0 };

	(void)state;
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ, 0, &f), 0);
	assert_int_equal(ksmbd_vfs_read(f, buf, sizeof(buf), 1), 4);
	assert_string_equal(buf, "ello");
	ksmbd_vfs_close(f);

	assert_int_equal(ksmbd_vfs_open(root, "sub/new", KSMBD_VFS_WRITE | KSMBD_VFS_CREATE |
					KSMBD_VFS_EXCL, 0600, &f), 0);
	assert_int_equal(ksmbd_vfs_write(f, "abc", 3, 10), 3);
	assert_int_equal(ksmbd_vfs_getattr(f, &st), 0);
	assert_int_equal(st.size, 13);
	assert_true(S_ISREG(st.mode));
	ksmbd_vfs_close(f);
	assert_int_equal(ksmbd_vfs_open(root, "sub/new", KSMBD_VFS_WRITE | KSMBD_VFS_CREATE |
					KSMBD_VFS_EXCL, 0600, &f), -EEXIST);
	assert_int_equal(ksmbd_vfs_open(root, "missing", KSMBD_VFS_READ, 0, &f), -ENOENT);
	assert_int_equal(ksmbd_vfs_open(root, "hello", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY,
					0, &f), -ENOTDIR);
}

/* Every escape attempt resolves inside the share, where no "passwd" exists. */
static void test_vfs_cannot_escape(void **state)
{
	static const char *const names[] = {
		"../../../../etc/passwd", "/etc/passwd", "etc-link/passwd",
		"sub/up/passwd", "sub/../../etc/passwd",
	};
	struct ksmbd_vfs_file *f;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		assert_int_equal(ksmbd_vfs_open(root, names[i], KSMBD_VFS_READ, 0, &f), -ENOENT);
	/* "/" is the share root itself. */
	assert_int_equal(ksmbd_vfs_open(root, "/hello", KSMBD_VFS_READ, 0, &f), 0);
	ksmbd_vfs_close(f);
	assert_int_equal(ksmbd_vfs_root_open("relative/path", &root), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crypto_selftest),
		cmocka_unit_test(test_crypto_hmac_key_matters),
		cmocka_unit_test_setup_teardown(test_vfs_read_write_stat, vfs_setup, vfs_teardown),
		cmocka_unit_test_setup_teardown(test_vfs_cannot_escape, vfs_setup, vfs_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

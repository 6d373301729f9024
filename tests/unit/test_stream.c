// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of named streams (kernel/stream.c) on a real file of a scratch
 * directory, through the user-space VFS backend: the name parser, create
 * dispositions, data, sizes, case-insensitive names, delete on close (the
 * stream only), rename, the listing, the size limit and an overwrite of the
 * file. Streams live in trusted.* extended attributes, so the tests need root
 * and a filesystem with them; they are skipped otherwise.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <asm/unaligned.h>
#include "file.h"
#include "port.h"
#include "smb2.h"
#include "share.h"
#include "smb_wire.h"
#include "stream.h"

static char top[64], file[96];
static struct ksmbd_vfs_root *root;

static int setup(void **state)
{
	(void)state;
	snprintf(top, sizeof(top), "/tmp/kc-stream.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	snprintf(file, sizeof(file), "%s/f.txt", top);
	return ksmbd_vfs_root_open(top, &root);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	ksmbd_vfs_root_close(root);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd) ? -1 : 0;
}

/* An open of f.txt as CREATE makes it (created if needed). */
static struct ksmbd_file *open_base(void)
{
	struct ksmbd_vfs_stat st;
	struct ksmbd_file *fp = ksmbd_file_alloc(1);

	assert_non_null(fp);
	assert_int_equal(ksmbd_vfs_open(root, "f.txt", KSMBD_VFS_READ | KSMBD_VFS_WRITE |
					KSMBD_VFS_CREATE, 0644, &fp->vfs), 0);
	assert_int_equal(ksmbd_vfs_getattr(fp->vfs, &st), 0);
	fp->dev = st.dev;
	fp->ino = st.ino;
	return fp;
}

static bool have_trusted_xattrs(void)
{
	FILE *f = fopen(file, "w");
	bool ok;

	if (f)
		fclose(f);
	ok = geteuid() == 0 && !setxattr(file, "trusted.kc-probe", "", 0, 0);
	removexattr(file, "trusted.kc-probe");
	return ok;
}

/* UTF-16LE of an ASCII string into @out; its length in bytes. */
static u32 to16(const char *s, u8 *out)
{
	u32 n = 0;

	for (; *s; s++, n += 2)
		put_unaligned_le16((u8)*s, out + n);
	return n;
}

#define INVALID		0xc0000033	/* STATUS_OBJECT_NAME_INVALID */

static void test_split(void **state)
{
	static const struct {
		const char *name;
		u32 status;		/* host order: cpu_to_le32() is no constant here */
		u32 base;		/* expected *base_len in characters */
		const char *stream;	/* expected stream, NULL: none/default */
		bool has;
	} cases[] = {
		{ "f.txt", 0, 5, NULL, false },
		{ "f.txt:s", 0, 5, "s", true },
		{ "f.txt:Stream One:$DaTa", 0, 5, "Stream One", true },
		{ "f.txt::$DATA", 0, 5, NULL, true },
		{ "dir\\f:\x05x\n?*", 0, 5, "\x05x\n?*", true },
		{ ":s", 0, 0, "s", true },
		{ "f.txt:", INVALID, 0, NULL, true },
		{ "f.txt:s:", INVALID, 0, NULL, true },
		{ "f.txt:s:$FOO", INVALID, 0, NULL, true },
		{ "f.txt:s:$DATA:x", INVALID, 0, NULL, true },
		{ "f.txt:a\\b", INVALID, 0, NULL, true },
		{ "f.txt:a/b", INVALID, 0, NULL, true },
	};
	u8 buf[128];
	char *stream;
	u32 i, n, base;
	bool has;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		n = to16(cases[i].name, buf);
		assert_int_equal(le32_to_cpu(ksmbd_stream_split(buf, n, &base, &stream, &has)),
				 cases[i].status);
		if (cases[i].status)
			continue;
		assert_int_equal(base, 2 * cases[i].base);
		assert_int_equal(has, cases[i].has);
		if (cases[i].stream)
			assert_string_equal(stream, cases[i].stream);
		else
			assert_null(stream);
		free(stream);
	}
	/* a name longer than an attribute name allows */
	memset(buf, 0, sizeof(buf));
	{
		u8 *big = calloc(2, 300);
		char *name;

		assert_non_null(big);
		put_unaligned_le16('f', big);
		put_unaligned_le16(':', big + 2);
		for (i = 2; i < 300; i++)
			put_unaligned_le16('x', big + 2 * i);
		assert_int_equal(ksmbd_stream_split(big, 600, &base, &name, &has),
				 STATUS_OBJECT_NAME_INVALID);
		free(big);
	}
}

static void test_create_io_delete(void **state)
{
	struct ksmbd_file *a, *b, *c;
	struct ksmbd_vfs_stat st;
	char buf[32], val[32];
	u8 list[512];
	u32 action;
	bool cut;
	long n;

	(void)state;
	if (!have_trusted_xattrs())
		skip();
	a = open_base();
	assert_int_equal(ksmbd_stream_open(a, "One", FILE_OPEN, &action),
			 STATUS_OBJECT_NAME_NOT_FOUND);
	assert_int_equal(ksmbd_stream_open(a, "One", FILE_CREATE, &action), STATUS_SUCCESS);
	assert_int_equal(action, FILE_CREATED);
	a->is_stream = true;
	assert_int_equal(ksmbd_stream_write(a, "hello", 5, 0), 5);
	assert_int_equal(ksmbd_stream_write(a, "!", 1, 7), 1);	/* a hole of zeros */
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "One", val, sizeof(val)), 8);
	assert_memory_equal(val, "hello\0\0!", 8);
	assert_int_equal(ksmbd_stream_read(a, buf, sizeof(buf), 1), 7);
	assert_memory_equal(buf, "ello\0\0!", 7);
	assert_int_equal(ksmbd_stream_read(a, buf, sizeof(buf), 8), 0);
	memset(&st, 0, sizeof(st));
	ksmbd_stream_fix_stat(a, &st);
	assert_int_equal(st.size, 8);
	assert_int_equal(ksmbd_stream_truncate(a, 3), 0);
	assert_int_equal(ksmbd_stream_read(a, buf, sizeof(buf), 0), 3);
	/* the file's own data is untouched */
	assert_int_equal(ksmbd_vfs_getattr(a->vfs, &st), 0);
	assert_int_equal(st.size, 0);
	/* past the largest stream */
	assert_int_equal(ksmbd_stream_write(a, "x", 1, KSMBD_STREAM_MAX), -ENOSPC);
	assert_int_equal(ksmbd_stream_truncate(a, KSMBD_STREAM_MAX + 1), -ENOSPC);

	/* another open by another case: the same stream; CREATE of it collides */
	b = open_base();
	assert_int_equal(ksmbd_stream_open(b, "ONE", FILE_CREATE, &action),
			 STATUS_OBJECT_NAME_COLLISION);
	assert_int_equal(ksmbd_stream_open(b, "oNe", FILE_OPEN_IF, &action), STATUS_SUCCESS);
	assert_int_equal(action, FILE_OPENED);
	b->is_stream = true;
	assert_int_equal(ksmbd_stream_read(b, buf, sizeof(buf), 0), 3);
	assert_true(ksmbd_stream_opens_of(a->dev, a->ino));

	/* the listing: ::$DATA, then the stream as first named */
	c = open_base();
	assert_int_equal(ksmbd_vfs_getattr(c->vfs, &st), 0);
	n = ksmbd_stream_info(c, &st, true, list, sizeof(list), &cut);
	assert_false(cut);
	assert_int_equal(n, 40 + 24 + 20);	/* "::$DATA" (14) aligned to 8, ":One:$DATA" (20) */
	assert_int_equal(get_unaligned_le32(list), 40);
	assert_int_equal(get_unaligned_le32(list + 44), 20);
	assert_int_equal(get_unaligned_le64(list + 48), 3);
	/* a buffer for the first entry only: cut at an entry */
	n = ksmbd_stream_info(c, &st, true, list, 50, &cut);
	assert_true(cut);
	assert_int_equal(n, 38);
	/* streams = no: ::$DATA only */
	n = ksmbd_stream_info(c, &st, false, list, sizeof(list), &cut);
	assert_int_equal(n, 38);

	/* delete on close of one open: the stream goes at the last close, the file stays */
	a->delete_on_close = true;
	ksmbd_stream_close(a);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "One", val, sizeof(val)), 3);
	assert_true(ksmbd_stream_delete_pending(b));
	assert_int_equal(ksmbd_stream_open(c, "one", FILE_OPEN, &action), STATUS_DELETE_PENDING);
	ksmbd_stream_close(b);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "One", val, sizeof(val)), -1);
	assert_false(ksmbd_stream_opens_of(a->dev, a->ino));
	assert_int_equal(access(file, F_OK), 0);
	ksmbd_file_discard(a);
	ksmbd_file_discard(b);
	ksmbd_file_discard(c);
}

static void test_rename_and_overwrite(void **state)
{
	struct ksmbd_file *a, *b;
	u8 name[64];
	char val[8];
	u32 action;

	(void)state;
	if (!have_trusted_xattrs())
		skip();
	a = open_base();
	assert_int_equal(ksmbd_stream_open(a, "Before", FILE_CREATE, &action), STATUS_SUCCESS);
	a->is_stream = true;
	assert_int_equal(ksmbd_stream_write(a, "data", 4, 0), 4);
	b = open_base();
	assert_int_equal(ksmbd_stream_open(b, "Other", FILE_CREATE, &action), STATUS_SUCCESS);
	b->is_stream = true;
	assert_int_equal(ksmbd_stream_write(b, "x", 1, 0), 1);
	/* onto an existing stream: collision; with replace, not over a non-empty one */
	assert_int_equal(ksmbd_stream_rename(a, name, to16(":other", name), false),
			 STATUS_OBJECT_NAME_COLLISION);
	assert_int_equal(ksmbd_stream_rename(a, name, to16(":other", name), true),
			 STATUS_ACCESS_DENIED);		/* it is open */
	assert_int_equal(ksmbd_stream_rename(a, name, to16("f.txt:x", name), true),
			 STATUS_INVALID_PARAMETER);
	/* to the default stream: only when the file's own data is empty */
	assert_int_equal(ksmbd_vfs_write(a->vfs, "base", 4, 0), 4);
	assert_int_equal(ksmbd_stream_rename(a, name, to16("::$DATA", name), true),
			 STATUS_INVALID_PARAMETER);
	assert_int_equal(ksmbd_vfs_truncate(a->vfs, 0), 0);
	assert_int_equal(ksmbd_stream_rename(a, name, to16(":After:$DATA", name), false),
			 STATUS_SUCCESS);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "Before", val, sizeof(val)), -1);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "After", val, sizeof(val)), 4);
	/* the open follows its stream */
	assert_int_equal(ksmbd_stream_read(a, val, sizeof(val), 0), 4);
	/* an overwrite of the file removes every stream */
	assert_int_equal(ksmbd_stream_remove_all(a->vfs), 0);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "After", val, sizeof(val)), -1);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "Other", val, sizeof(val)), -1);
	assert_int_equal(ksmbd_stream_read(a, val, sizeof(val), 0), -ENOENT);
	ksmbd_file_discard(a);
	ksmbd_file_discard(b);
}

/* A named stream renamed to ::$DATA becomes the (empty) file's data. */
static void test_rename_to_default(void **state)
{
	struct ksmbd_file *a, *b;
	u8 name[64];
	char val[16];
	u32 action;
	FILE *f;

	(void)state;
	if (!have_trusted_xattrs())
		skip();
	a = open_base();
	assert_int_equal(ksmbd_vfs_truncate(a->vfs, 0), 0);
	assert_int_equal(ksmbd_stream_open(a, "Mv", FILE_CREATE, &action), STATUS_SUCCESS);
	a->is_stream = true;
	assert_int_equal(ksmbd_stream_write(a, "moved", 5, 0), 5);
	b = open_base();
	assert_int_equal(ksmbd_stream_open(b, "Mv", FILE_OPEN, &action), STATUS_SUCCESS);
	b->is_stream = true;
	/* another open of the stream: refused */
	assert_int_equal(ksmbd_stream_rename(a, name, to16("::$DATA", name), true),
			 STATUS_SHARING_VIOLATION);
	ksmbd_file_discard(b);
	assert_int_equal(ksmbd_stream_rename(a, name, to16("::$DATA", name), true),
			 STATUS_SUCCESS);
	assert_int_equal(getxattr(file, KSMBD_STREAM_XATTR_PREFIX "Mv", val, sizeof(val)), -1);
	f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fread(val, 1, sizeof(val), f), 5);
	fclose(f);
	assert_memory_equal(val, "moved", 5);
	/* the open names no stream any more */
	assert_null(a->stream);
	ksmbd_file_discard(a);
}

/* CREATE and rename names: ".." resolved inside the share, never above it. */
static void test_smb_path(void **state)
{
	static const struct {
		const char *in, *out;
		u32 status;
	} cases[] = {
		{ "a\\b\\c", "a/b/c", 0 },
		{ "a\\b\\..", "a", 0 },
		{ "a\\..", "", 0 },
		{ "a\\b\\..\\..\\c", "c", 0 },
		{ "a\\..\\..", NULL, 0xc000003b },	/* STATUS_OBJECT_PATH_SYNTAX_BAD */
		{ "..", NULL, 0xc000003b },
		{ "..\\x", NULL, 0xc000003b },
		{ "a\\.\\b", NULL, INVALID },
		{ "a\\\\b", NULL, INVALID },
		{ "a..b\\...", "a..b/...", 0 },
		{ "\\a", NULL, 0xc000000d },		/* STATUS_INVALID_PARAMETER */
	};
	u8 buf[128];
	char out[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 n = to16(cases[i].in, buf);
		__le32 st = ksmbd_smb_path(buf, n, out, sizeof(out));

		assert_int_equal(le32_to_cpu(st), cases[i].status);
		if (cases[i].out)
			assert_string_equal(out, cases[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_create_io_delete),
		cmocka_unit_test(test_rename_and_overwrite),
		cmocka_unit_test(test_rename_to_default),
		cmocka_unit_test(test_smb_path),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

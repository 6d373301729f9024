// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the engine's name rules: case folding, 8.3 names and mangling (kernel/name.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <linux/kernel.h>
#include "dosattr.h"
#include "lookup.h"
#include "name.h"
#include "port.h"
#include "smb2.h"

static bool eq_ci(const char *a, const char *b)
{
	return ksmbd_name_equal_ci(a, strlen(a), b, strlen(b));
}

static void test_casefold(void **state)
{
	(void)state;
	assert_int_equal(ksmbd_casefold('A'), 'a');
	assert_int_equal(ksmbd_casefold('z'), 'z');
	assert_int_equal(ksmbd_casefold('@'), '@');
	assert_int_equal(ksmbd_casefold(0xc9), 0xe9);		/* É -> é */
	assert_int_equal(ksmbd_casefold(0xd7), 0xd7);		/* × is not a letter */
	assert_int_equal(ksmbd_casefold(0x100), 0x101);		/* Ā -> ā (stride 2) */
	assert_int_equal(ksmbd_casefold(0x101), 0x101);
	assert_int_equal(ksmbd_casefold(0x391), 0x3b1);		/* Α -> α */
	assert_int_equal(ksmbd_casefold(0x3c2), 0x3c3);		/* final sigma -> σ */
	assert_int_equal(ksmbd_casefold(0x410), 0x430);		/* А -> а */
	assert_int_equal(ksmbd_casefold(0x212a), 'k');		/* Kelvin sign */
	assert_int_equal(ksmbd_casefold(0x1e9e), 0xdf);		/* capital sharp s (status S) */
	assert_int_equal(ksmbd_casefold(0xdf), 0xdf);		/* ß: only a full folding */
	assert_int_equal(ksmbd_casefold(0x130), 0x130);		/* İ: only full/Turkic foldings */
	assert_int_equal(ksmbd_casefold(0xff21), 0xff41);	/* fullwidth A */
	assert_int_equal(ksmbd_casefold(0x10400), 0x10400);	/* outside the BMP: as NTFS */
}

static void test_equal_ci(void **state)
{
	(void)state;
	assert_true(eq_ci("hello.txt", "HELLO.TXT"));
	assert_true(eq_ci("Größe", "GRÖSSE") == false);		/* ß is not "SS" in simple folding */
	assert_true(eq_ci("Größe", "GRÖßE"));
	assert_true(eq_ci("\xce\xa3\xce\xb9\xcf\x82", "\xcf\x83\xce\x99\xce\xa3"));	/* Σις / σΙΣ */
	assert_true(eq_ci("\xe2\x84\xaa" "elvin", "kelvin"));	/* different UTF-8 lengths */
	assert_false(eq_ci("abc", "abcd"));
	assert_false(eq_ci("abcd", "abc"));
	assert_true(eq_ci("", ""));
	assert_false(eq_ci("a\xffz", "A\xfez"));		/* bad UTF-8 compares as bytes */
	assert_true(eq_ci("a\xffz", "A\xffZ"));
}

static void test_is_8dot3(void **state)
{
	static const char *const valid[] = {
		"A", "HELLO.TXT", "hello.txt", "Hello.Txt", "12345678.123", "A.B", "~!#$%&'(.)-@",
		"^_`{}~.X", ".", "..", "LONG~K3Z.TXT",
	};
	static const char *const invalid[] = {
		"", "123456789", "123456789.A", "A.1234", "A.B.C", ".bashrc", "A.", "a b.txt",
		"a+b", "a,b", "a;b", "a=b", "a[b", "a]b", "caf\xc3\xa9", "...",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(valid); i++)
		assert_true(ksmbd_name_is_8dot3(valid[i], strlen(valid[i])));
	for (i = 0; i < ARRAY_SIZE(invalid); i++)
		assert_false(ksmbd_name_is_8dot3(invalid[i], strlen(invalid[i])));
}

/* The PREFIX~HHH.EXT shape of name.h, and that it is itself a valid 8.3 name. */
static void check_shape(const char *long_name, const char *prefix, const char *ext)
{
	char out[KSMBD_SHORT_NAME_MAX];
	size_t pl = strlen(prefix);
	int n, i;

	n = ksmbd_name_mangle(long_name, strlen(long_name), out);
	assert_int_equal(n, (int)strlen(out));
	assert_memory_equal(out, prefix, pl);
	assert_int_equal(out[pl], '~');
	for (i = 1; i <= 3; i++)
		assert_true((out[pl + i] >= '0' && out[pl + i] <= '9') ||
			    (out[pl + i] >= 'A' && out[pl + i] <= 'Z'));
	assert_string_equal(out + pl + 4, ext);
	assert_true(ksmbd_name_is_8dot3(out, n));
}

static void test_mangle_shape(void **state)
{
	char out[KSMBD_SHORT_NAME_MAX];

	(void)state;
	check_shape("Long File Name.text", "LONG", ".TEX");
	check_shape("a b.txt", "AB", ".TXT");
	check_shape(".bashrc", "BASH", "");
	check_shape("archive.tar.gz", "ARCH", ".GZ");
	check_shape("123456789", "1234", "");
	check_shape("caf\xc3\xa9.txt", "CAF_", ".TXT");
	check_shape("a+b=c", "A_B_", "");
	check_shape("...", "_", "");
	check_shape("name.", "NAME", "");
	check_shape("x.\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "X", ".___");
	/* valid 8.3 names have no other short name */
	assert_int_equal(ksmbd_name_mangle("hello.txt", 9, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(ksmbd_name_mangle("..", 2, out), 0);
}

static void test_mangle_stable(void **state)
{
	char a[KSMBD_SHORT_NAME_MAX], b[KSMBD_SHORT_NAME_MAX], c[KSMBD_SHORT_NAME_MAX];

	(void)state;
	/* Derived from the name alone: the same every time, whatever its case. */
	ksmbd_name_mangle("Long File Name.text", 19, a);
	ksmbd_name_mangle("Long File Name.text", 19, b);
	ksmbd_name_mangle("LONG FILE NAME.TEXT", 19, c);
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	/* A value fixed here: the hash must not change between versions (restarts, nodes). */
	assert_string_equal(a, "LONG~Z27.TEX");
	ksmbd_name_mangle("Long File Name2.text", 20, b);
	assert_string_not_equal(a, b);
}

static void test_matches(void **state)
{
	char s[KSMBD_SHORT_NAME_MAX];
	int n;

	(void)state;
	assert_true(ksmbd_name_matches("HELLO.TXT", 9, "hello.txt", 9));
	assert_false(ksmbd_name_matches("HELLO.TX", 8, "hello.txt", 9));
	n = ksmbd_name_mangle("Long File Name.text", 19, s);
	assert_true(ksmbd_name_matches(s, n, "Long File Name.text", 19));
	s[0] = s[0] - 'A' + 'a';		/* short names are case-insensitive too */
	assert_true(ksmbd_name_matches(s, n, "Long File Name.text", 19));
	assert_false(ksmbd_name_matches(s, n, "Long File Name.txt", 18));
}

static void test_dosattr_attrs(void **state)
{
	struct ksmbd_vfs_stat file = { .mode = 0100644 }, rofile = { .mode = 0100444 };
	struct ksmbd_vfs_stat dir = { .mode = 0040755 };
	struct ksmbd_dosattr none = { 0 };
	struct ksmbd_dosattr hs = { .flags = KSMBD_DOSATTR_HAS_ATTRS, .attrs = 0x2 | 0x4 | 0x1 | 0x10 };
	struct ksmbd_dosattr zero = { .flags = KSMBD_DOSATTR_HAS_ATTRS };
	struct ksmbd_dosattr ct = { .flags = KSMBD_DOSATTR_HAS_CTIME, .create_ft = 0x1234 };
	u8 block[52] = { 0 };

	(void)state;
	assert_int_equal(ksmbd_dosattr_attrs(&file, &none), FILE_ATTRIBUTE_ARCHIVE);
	assert_int_equal(ksmbd_dosattr_attrs(&rofile, NULL), FILE_ATTRIBUTE_ARCHIVE | 0x1);
	assert_int_equal(ksmbd_dosattr_attrs(&dir, &none), FILE_ATTRIBUTE_DIRECTORY);
	/* READONLY of a file comes from its mode bits, DIRECTORY from its type */
	assert_int_equal(ksmbd_dosattr_attrs(&file, &hs), 0x2 | 0x4);
	assert_int_equal(ksmbd_dosattr_attrs(&dir, &hs), 0x2 | 0x4 | 0x1 | 0x10);
	assert_int_equal(ksmbd_dosattr_attrs(&file, &zero), FILE_ATTRIBUTE_NORMAL);
	assert_int_equal(ksmbd_dosattr_attrs(&dir, &zero), FILE_ATTRIBUTE_DIRECTORY);
	ksmbd_dosattr_patch(&file, &ct, block);
	assert_int_equal(block[0], 0x34);
	assert_int_equal(block[1], 0x12);
	assert_int_equal(block[48], FILE_ATTRIBUTE_ARCHIVE);
}

/* The xattr's bytes (dosattr.h), a round trip, and a lookup without case, on a real directory. */
static void test_dosattr_xattr_and_lookup(void **state)
{
	static const u8 want[16] = { 1, 3, 0, 0, 0x22, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1 };
	struct ksmbd_dosattr da = { .flags = 3, .attrs = 0x22, .create_ft = 0x0102030405060708ULL };
	struct ksmbd_dosattr back;
	char top[] = "/tmp/kc-names-XXXXXX", path[128], buf[64];
	struct ksmbd_vfs_root *root;
	struct ksmbd_vfs_file *f;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(top));
	snprintf(path, sizeof(path), "%s/Sub Dir", top);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(ksmbd_vfs_root_open(top, &root), 0);
	assert_int_equal(ksmbd_vfs_open(root, "Sub Dir/Hello.TXT", KSMBD_VFS_READ | KSMBD_VFS_WRITE |
					KSMBD_VFS_CREATE, 0644, &f), 0);
	ksmbd_dosattr_read(f, &back);
	assert_int_equal(back.flags, 0);
	if (ksmbd_dosattr_write(f, &da) == -EOPNOTSUPP) {
		ksmbd_vfs_close(f);
		skip();
	}
	ksmbd_dosattr_read(f, &back);
	assert_int_equal(back.flags, 3);
	assert_int_equal(back.attrs, 0x22);
	assert_true(back.create_ft == da.create_ft);
	ksmbd_vfs_close(f);
	snprintf(path, sizeof(path), "%s/Sub Dir/Hello.TXT", top);
	n = getxattr(path, KSMBD_DOSATTR_XATTR, buf, sizeof(buf));
	assert_int_equal(n, 16);
	assert_memory_equal(buf, want, 16);

	/* every component found without case; a new last component keeps its case */
	strcpy(path, "sub dir/hello.txt");
	assert_int_equal(ksmbd_lookup_ci(root, path, sizeof(path)), 0);
	assert_string_equal(path, "Sub Dir/Hello.TXT");
	strcpy(path, "SUB DIR/New.txt");
	assert_int_equal(ksmbd_lookup_ci(root, path, sizeof(path)), 0);
	assert_string_equal(path, "Sub Dir/New.txt");
	strcpy(path, "nodir/x");
	assert_int_equal(ksmbd_lookup_ci(root, path, sizeof(path)), 0);
	assert_string_equal(path, "nodir/x");
	/* by the short name of the directory */
	{
		char sn[KSMBD_SHORT_NAME_MAX];
		int k = ksmbd_name_mangle("Sub Dir", 7, sn);

		assert_true(k > 0);
		snprintf(path, sizeof(path), "%s/hello.txt", sn);
		assert_int_equal(ksmbd_lookup_ci(root, path, sizeof(path)), 0);
		assert_string_equal(path, "Sub Dir/Hello.TXT");
	}
	/* the on-disk name may be longer in UTF-8 (KELVIN SIGN for k); past @size it is -ENAMETOOLONG */
	snprintf(path, sizeof(path), "%s/\xe2\x84\xaa" ".txt", top);
	assert_int_equal(mknod(path, S_IFREG | 0644, 0), 0);
	strcpy(path, "K.TXT");
	assert_int_equal(ksmbd_lookup_ci(root, path, 9), 0);
	assert_string_equal(path, "\xe2\x84\xaa" ".txt");
	strcpy(path, "k.txt");
	assert_int_equal(ksmbd_lookup_ci(root, path, 8), -ENAMETOOLONG);
	ksmbd_vfs_root_close(root);
	snprintf(buf, sizeof(buf), "rm -rf '%s'", top);
	assert_int_equal(system(buf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_casefold),
		cmocka_unit_test(test_equal_ci),
		cmocka_unit_test(test_is_8dot3),
		cmocka_unit_test(test_mangle_shape),
		cmocka_unit_test(test_mangle_stable),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_dosattr_attrs),
		cmocka_unit_test(test_dosattr_xattr_and_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

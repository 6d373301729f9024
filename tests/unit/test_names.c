// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the engine's name rules: case folding, 8.3 names and mangling (kernel/name.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include "name.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_casefold),
		cmocka_unit_test(test_equal_ci),
		cmocka_unit_test(test_is_8dot3),
		cmocka_unit_test(test_mangle_shape),
		cmocka_unit_test(test_mangle_stable),
		cmocka_unit_test(test_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

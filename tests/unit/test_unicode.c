// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the engine's UTF-16LE to UTF-8 conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include "unicode.h"

static void test_ascii_and_multibyte(void **state)
{
	/* "\\s\é€😀" : ASCII, 2-, 3- and 4-byte UTF-8 (a surrogate pair). */
	static const u8 in[] = { '\\', 0, 's', 0, 0xe9, 0x00, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde };
	char out[32];

	(void)state;
	assert_int_equal(ksmbd_utf16_to_utf8(in, sizeof(in), out, sizeof(out)), 11);
	assert_string_equal(out, "\\s\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_int_equal(ksmbd_utf16_to_utf8(in, 0, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_rejects_bad_input(void **state)
{
	static const u8 lone_high[] = { 0x3d, 0xd8, 'a', 0 };
	static const u8 lone_low[] = { 0x00, 0xde };
	static const u8 trailing_high[] = { 'a', 0, 0x3d, 0xd8 };
	static const u8 nul[] = { 'a', 0, 0, 0 };
	static const u8 ascii[] = { 'a', 0, 'b', 0, 'c', 0 };
	char out[4];

	(void)state;
	assert_int_equal(ksmbd_utf16_to_utf8(ascii, 3, out, sizeof(out)), -EINVAL);
	assert_int_equal(ksmbd_utf16_to_utf8(lone_high, 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(ksmbd_utf16_to_utf8(lone_low, 2, out, sizeof(out)), -EINVAL);
	assert_int_equal(ksmbd_utf16_to_utf8(trailing_high, 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(ksmbd_utf16_to_utf8(nul, 4, out, sizeof(out)), -EINVAL);
	assert_int_equal(ksmbd_utf16_to_utf8(ascii, 6, out, sizeof(out)), 3);
	assert_int_equal(ksmbd_utf16_to_utf8(ascii, 6, out, 3), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_and_multibyte),
		cmocka_unit_test(test_rejects_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

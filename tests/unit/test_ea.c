// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the EA list parsers (kernel/ea.c): FILE_FULL_EA_INFORMATION
 * (SET_INFO, the ExtA create context) and FILE_GET_EA_INFORMATION (QUERY_INFO),
 * MS-FSCC 2.4.15 and 2.4.15.1, including every way a list can be malformed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <asm/unaligned.h>
#include "ea.h"
#include "smb_wire.h"

#define ST_INVALID_NAME		cpu_to_le32(0x80000013)
#define ST_INCONSISTENT		cpu_to_le32(0x80000014)
#define ST_NO_MORE		cpu_to_le32(0x80000012)

/* Append one FILE_FULL_EA_INFORMATION entry at @off; returns its end. */
static u32 put_ea(u8 *buf, u32 off, u32 next, u8 flags, const char *name, const char *val)
{
	u8 nlen = strlen(name);
	u16 vlen = strlen(val);

	put_unaligned_le32(next, buf + off);
	buf[off + 4] = flags;
	buf[off + 5] = nlen;
	put_unaligned_le16(vlen, buf + off + 6);
	memcpy(buf + off + 8, name, nlen + 1);
	memcpy(buf + off + 9 + nlen, val, vlen);
	return off + 9 + nlen + vlen;
}

static void test_full_list(void **state)
{
	u8 buf[64] = { 0 };
	struct ksmbd_ea ea;
	u32 off = 0, end;

	(void)state;
	/* "user.A" = "xyz" (9 + 6 + 3 = 18 bytes, next at 20), then "B" = "" */
	put_ea(buf, 0, 20, 0, "user.A", "xyz");
	end = put_ea(buf, 20, 0, KSMBD_FILE_NEED_EA, "B", "");
	assert_int_equal(ksmbd_ea_check_list(buf, end), STATUS_SUCCESS);
	assert_int_equal(ksmbd_ea_next(buf, end, &off, &ea), STATUS_SUCCESS);
	assert_int_equal(ea.name_len, 6);
	assert_memory_equal(ea.name, "user.A", 6);
	assert_int_equal(ea.value_len, 3);
	assert_memory_equal(ea.value, "xyz", 3);
	assert_int_equal(off, 20);
	assert_int_equal(ksmbd_ea_next(buf, end, &off, &ea), STATUS_SUCCESS);
	assert_int_equal(ea.flags, KSMBD_FILE_NEED_EA);
	assert_int_equal(ea.value_len, 0);
	assert_int_equal(off, end);
	assert_int_equal(ksmbd_ea_next(buf, end, &off, &ea), ST_NO_MORE);
}

static void test_malformed(void **state)
{
	u8 buf[64] = { 0 };
	u32 end;

	(void)state;
	assert_int_equal(ksmbd_ea_check_list(buf, 0), ST_INCONSISTENT);	/* empty */
	end = put_ea(buf, 0, 0, 0, "NAME", "value");
	assert_int_equal(ksmbd_ea_check_list(buf, end), STATUS_SUCCESS);
	/* truncated value, truncated header */
	assert_int_equal(ksmbd_ea_check_list(buf, end - 1), ST_INCONSISTENT);
	assert_int_equal(ksmbd_ea_check_list(buf, 7), ST_INCONSISTENT);
	/* the name's terminating NUL missing */
	buf[8 + 4] = 'X';
	assert_int_equal(ksmbd_ea_check_list(buf, end), ST_INCONSISTENT);
	buf[8 + 4] = 0;
	/* NextEntryOffset: unaligned, inside this entry, past the buffer */
	put_unaligned_le32(18, buf);
	assert_int_equal(ksmbd_ea_check_list(buf, 40), ST_INCONSISTENT);
	put_unaligned_le32(4, buf);
	assert_int_equal(ksmbd_ea_check_list(buf, 40), ST_INCONSISTENT);
	put_unaligned_le32(40, buf);
	assert_int_equal(ksmbd_ea_check_list(buf, 40), ST_INCONSISTENT);
	/* a value length pointing past the buffer */
	put_unaligned_le32(0, buf);
	put_unaligned_le16(0xffff, buf + 6);
	assert_int_equal(ksmbd_ea_check_list(buf, end), ST_INCONSISTENT);
}

static void test_names(void **state)
{
	static const char bad[] = "\"*+,/:;<=>?[\\]|";
	u8 buf[64] = { 0 };
	char name[4];
	u32 end, i;

	(void)state;
	assert_true(ksmbd_ea_name_valid("user.DOSATTRIB", 14));
	assert_true(ksmbd_ea_name_valid("a b-c_d.e", 9));
	assert_false(ksmbd_ea_name_valid("", 0));
	assert_false(ksmbd_ea_name_valid("a\tb", 3));
	assert_false(ksmbd_ea_name_valid("\x7f", 1));
	for (i = 0; i < sizeof(bad) - 1; i++) {
		snprintf(name, sizeof(name), "a%cb", bad[i]);
		assert_false(ksmbd_ea_name_valid(name, 3));
		end = put_ea(buf, 0, 0, 0, name, "v");
		assert_int_equal(ksmbd_ea_check_list(buf, end), ST_INVALID_NAME);
	}
	/* an empty name, and flags other than FILE_NEED_EA */
	end = put_ea(buf, 0, 0, 0, "", "v");
	assert_int_equal(ksmbd_ea_check_list(buf, end), ST_INVALID_NAME);
	end = put_ea(buf, 0, 0, 0x01, "N", "v");
	assert_int_equal(ksmbd_ea_check_list(buf, end), ST_INVALID_NAME);
}

static void test_get_list(void **state)
{
	u8 buf[32] = { 0 };
	const char *name;
	u32 off = 0;
	u8 nlen;

	(void)state;
	/* "AB" (next at 8), then "C" */
	put_unaligned_le32(8, buf);
	buf[4] = 2;
	memcpy(buf + 5, "AB", 3);
	buf[12] = 1;
	memcpy(buf + 13, "C", 2);
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), STATUS_SUCCESS);
	assert_int_equal(nlen, 2);
	assert_memory_equal(name, "AB", 2);
	assert_int_equal(off, 8);
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), STATUS_SUCCESS);
	assert_memory_equal(name, "C", 1);
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), ST_NO_MORE);
	/* truncated, no NUL, bad character, next past the end */
	off = 8;
	assert_int_equal(ksmbd_ea_get_next(buf, 14, &off, &name, &nlen), ST_INCONSISTENT);
	off = 0;
	buf[7] = 'x';
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), ST_INCONSISTENT);
	buf[7] = 0;
	buf[5] = '*';
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), ST_INVALID_NAME);
	buf[5] = 'A';
	put_unaligned_le32(16, buf);
	assert_int_equal(ksmbd_ea_get_next(buf, 15, &off, &name, &nlen), ST_INCONSISTENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_list),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_get_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

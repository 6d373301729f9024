// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the SRV_COPYCHUNK_COPY checks (kernel/fsctl.h, MS-SMB2
 * 2.2.31.1 and 3.3.5.15.6): the header and chunk array must fit the input,
 * and the server's limits (256 chunks, 1 MiB a chunk, 16 MiB in all, no
 * zero-length chunk) turn into STATUS_INVALID_PARAMETER with the limits in
 * the response (-E2BIG), a short buffer into a plain one (-EINVAL).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/errno.h>
#include <asm/unaligned.h>
#include "fsctl.h"

#define MAXBUF	(KSMBD_COPYCHUNK_HDR_SIZE + (KSMBD_COPYCHUNK_MAX_CHUNKS + 2) * KSMBD_COPYCHUNK_SIZE)

static u8 buf[MAXBUF];

/* A request of @n chunks of @len bytes each; returns its size. */
static u32 build(u32 n, u32 len)
{
	u32 i;

	memset(buf, 0, sizeof(buf));
	memset(buf, 0xab, KSMBD_RESUME_KEY_SIZE);
	put_unaligned_le32(n, buf + KSMBD_RESUME_KEY_SIZE);
	for (i = 0; i < n && i < KSMBD_COPYCHUNK_MAX_CHUNKS + 2; i++) {
		u8 *c = buf + KSMBD_COPYCHUNK_HDR_SIZE + i * KSMBD_COPYCHUNK_SIZE;

		put_unaligned_le64((u64)i * len, c);		/* SourceOffset */
		put_unaligned_le64((u64)i * len + 7, c + 8);	/* TargetOffset */
		put_unaligned_le32(len, c + 16);
	}
	return KSMBD_COPYCHUNK_HDR_SIZE + n * KSMBD_COPYCHUNK_SIZE;
}

static void test_valid(void **state)
{
	struct ksmbd_copychunk c;
	u32 count = 0;

	(void)state;
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 4096), &count), 0);
	assert_int_equal(count, 1);
	assert_int_equal(ksmbd_copychunk_parse(buf, build(2, 50), &count), 0);
	assert_int_equal(count, 2);
	ksmbd_copychunk_get(buf, 1, &c);
	assert_int_equal(c.src_off, 50);
	assert_int_equal(c.dst_off, 57);
	assert_int_equal(c.len, 50);
	/* no chunk at all is a valid request that copies nothing */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(0, 0), &count), 0);
	assert_int_equal(count, 0);
	/* trailing bytes past the chunks are ignored */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 10) + 5, &count), 0);
}

static void test_limits(void **state)
{
	u32 count = 0;

	(void)state;
	/* exactly at every limit: 256 chunks of 64 KiB = 16 MiB */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(256, 65536), &count), 0);
	assert_int_equal(count, 256);
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 1024 * 1024), &count), 0);
	assert_int_equal(ksmbd_copychunk_parse(buf, build(16, 1024 * 1024), &count), 0);
	/* one past each */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(257, 1), &count), -E2BIG);
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 1024 * 1024 + 1), &count), -E2BIG);
	assert_int_equal(ksmbd_copychunk_parse(buf, build(17, 1024 * 1024), &count), -E2BIG);
	/* smb2.ioctl.copy_chunk_limits: one chunk of UINT_MAX bytes */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 0xffffffffu), &count), -E2BIG);
	/* smb2.ioctl.copy_chunk_zero_length */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(1, 0), &count), -E2BIG);
	/* a count too large for the buffer, but within the limit, is malformed */
	build(3, 10);
	put_unaligned_le32(200, buf + KSMBD_RESUME_KEY_SIZE);
	assert_int_equal(ksmbd_copychunk_parse(buf, KSMBD_COPYCHUNK_HDR_SIZE + 3 * 24, &count),
			 -EINVAL);
	/* a count past the limit is the limit's answer, whatever the buffer holds */
	put_unaligned_le32(0xffffffffu, buf + KSMBD_RESUME_KEY_SIZE);
	assert_int_equal(ksmbd_copychunk_parse(buf, KSMBD_COPYCHUNK_HDR_SIZE, &count), -E2BIG);
}

static void test_short(void **state)
{
	u32 count = 0;

	(void)state;
	assert_int_equal(ksmbd_copychunk_parse(buf, 0, &count), -EINVAL);
	assert_int_equal(ksmbd_copychunk_parse(buf, KSMBD_COPYCHUNK_HDR_SIZE - 1, &count),
			 -EINVAL);
	/* the last chunk cut short */
	assert_int_equal(ksmbd_copychunk_parse(buf, build(2, 10) - 1, &count), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

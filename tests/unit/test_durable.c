// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the durable handle state blob (kernel/durable.h):
 * ksmbd_durable_export() / ksmbd_durable_import() round trips, and every
 * way a blob can be malformed being refused (truncations, magic, version,
 * sizes, flags, lease fields, lock sequence entries, names).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include "durable.h"
#include "oplock.h"

static void fill_state(struct ksmbd_durable_state *st, char *path)
{
	int i;

	memset(st, 0, sizeof(*st));
	st->flags = KSMBD_DURABLE_V2 | KSMBD_DURABLE_PERSISTENT | KSMBD_DURABLE_HAS_APP_ID |
		    KSMBD_DURABLE_HAS_LEASE;
	st->persistent_id = 0x0102030405060708ULL;
	st->volatile_id = 0x1112131415161718ULL;
	st->timeout_ms = 300000;
	for (i = 0; i < 16; i++) {
		st->create_guid[i] = 0x20 + i;
		st->app_instance_id[i] = 0x40 + i;
		st->client_guid[i] = 0x60 + i;
		st->lease_key[i] = 0x80 + i;
	}
	st->lease_state = SMB2_LEASE_READ | SMB2_LEASE_HANDLE;
	st->lease_epoch = 7;
	st->lease_version = 2;
	st->oplock_level = SMB2_OPLOCK_LEVEL_LEASE;
	st->access = 0x0012019f;
	st->share_access = 0x7;
	st->mode = 0x20;
	st->position = 0x1000;
	st->lock_seq[3] = KSMBD_LOCK_SEQ_VALID | 0x5;
	st->lock_seq[64] = KSMBD_LOCK_SEQ_VALID;
	strcpy(st->user, "torture");
	strcpy(st->share, "share");
	st->path = path;
}

static int export_state(const struct ksmbd_durable_state *st, u8 *buf, size_t len)
{
	int n = ksmbd_durable_export(st, buf, len);

	assert_true(n > 0);
	assert_int_equal((size_t)n, ksmbd_durable_blob_size(st));
	return n;
}

static void test_round_trip(void **state)
{
	struct ksmbd_durable_state st, out;
	char path[] = "dir/sub/file.dat";
	u8 buf[512], again[512];
	int n, m;

	(void)state;
	fill_state(&st, path);
	n = export_state(&st, buf, sizeof(buf));
	assert_int_equal(n, KSMBD_DURABLE_BLOB_HDR + 7 + 5 + 16);
	assert_memory_equal(buf, "KSDH", 4);
	assert_int_equal(get_unaligned_le16(buf + 4), KSMBD_DURABLE_BLOB_VERSION);
	assert_int_equal(get_unaligned_le64(buf + 16), st.persistent_id);
	assert_int_equal(ksmbd_durable_import(buf, n, &out), 0);
	assert_int_equal(out.flags, st.flags);
	assert_int_equal(out.persistent_id, st.persistent_id);
	assert_int_equal(out.volatile_id, st.volatile_id);
	assert_int_equal(out.timeout_ms, st.timeout_ms);
	assert_memory_equal(out.create_guid, st.create_guid, 16);
	assert_memory_equal(out.app_instance_id, st.app_instance_id, 16);
	assert_memory_equal(out.client_guid, st.client_guid, 16);
	assert_memory_equal(out.lease_key, st.lease_key, 16);
	assert_int_equal(out.lease_state, st.lease_state);
	assert_int_equal(out.lease_epoch, st.lease_epoch);
	assert_int_equal(out.lease_version, st.lease_version);
	assert_int_equal(out.oplock_level, st.oplock_level);
	assert_int_equal(out.access, st.access);
	assert_int_equal(out.share_access, st.share_access);
	assert_int_equal(out.mode, st.mode);
	assert_int_equal(out.position, st.position);
	assert_memory_equal(out.lock_seq, st.lock_seq, sizeof(st.lock_seq));
	assert_string_equal(out.user, "torture");
	assert_string_equal(out.share, "share");
	assert_string_equal(out.path, path);
	assert_null(out.fp);
	assert_null(out.tree);
	assert_false(out.orphaned);
	/* the import exports to the same bytes */
	m = export_state(&out, again, sizeof(again));
	assert_int_equal(m, n);
	assert_memory_equal(again, buf, n);
	ksmbd_durable_state_clear(&out);
	assert_null(out.path);
}

static void test_round_trip_v1_root(void **state)
{
	struct ksmbd_durable_state st, out;
	char path[] = "";
	u8 buf[512];
	int n;

	(void)state;
	fill_state(&st, path);
	st.flags = KSMBD_DURABLE_V1;
	memset(st.create_guid, 0, 16);
	memset(st.app_instance_id, 0, 16);
	memset(st.lease_key, 0, 16);
	st.lease_state = 0;
	st.lease_epoch = 0;
	st.lease_version = 0;
	st.oplock_level = SMB2_OPLOCK_LEVEL_BATCH;
	n = export_state(&st, buf, sizeof(buf));
	assert_int_equal(ksmbd_durable_import(buf, n, &out), 0);
	assert_int_equal(out.flags, KSMBD_DURABLE_V1);
	assert_int_equal(out.oplock_level, SMB2_OPLOCK_LEVEL_BATCH);
	assert_string_equal(out.path, "");
	ksmbd_durable_state_clear(&out);
}

static void test_export_refusals(void **state)
{
	struct ksmbd_durable_state st;
	char path[] = "a";
	u8 buf[512];

	(void)state;
	fill_state(&st, path);
	/* too small a buffer, at every size */
	assert_int_equal(ksmbd_durable_export(&st, buf, ksmbd_durable_blob_size(&st) - 1),
			 -ENOSPC);
	assert_int_equal(ksmbd_durable_export(&st, buf, 0), -ENOSPC);
	st.flags |= 0x100;
	assert_int_equal(ksmbd_durable_export(&st, buf, sizeof(buf)), -EINVAL);
}

/* Export a good blob, apply @mutate, and expect the import to refuse it. */
static void expect_refused(void (*mutate)(u8 *buf, size_t *len))
{
	struct ksmbd_durable_state st, out;
	char path[] = "dir/file";
	u8 buf[600];
	size_t len;

	fill_state(&st, path);
	len = export_state(&st, buf, sizeof(buf));
	mutate(buf, &len);
	assert_int_equal(ksmbd_durable_import(buf, len, &out), -EINVAL);
	assert_null(out.path);
}

static void m_magic(u8 *b, size_t *l) { (void)l; b[0] = 'X'; }
static void m_version(u8 *b, size_t *l) { (void)l; put_unaligned_le16(2, b + 4); }
static void m_hdr(u8 *b, size_t *l) { (void)l; put_unaligned_le16(208, b + 6); }
static void m_total(u8 *b, size_t *l) { (void)l; put_unaligned_le32(get_unaligned_le32(b + 8) + 1, b + 8); }
static void m_trailing(u8 *b, size_t *l) { b[*l] = 'x'; (*l)++; }
static void m_flags_unknown(u8 *b, size_t *l) { (void)l; put_unaligned_le32(get_unaligned_le32(b + 12) | 0x80, b + 12); }
static void m_flags_both(u8 *b, size_t *l) { (void)l; put_unaligned_le32(get_unaligned_le32(b + 12) | KSMBD_DURABLE_V1, b + 12); }
static void m_flags_none(u8 *b, size_t *l)
{
	(void)l;
	put_unaligned_le32(get_unaligned_le32(b + 12) & ~(u32)(KSMBD_DURABLE_V1 | KSMBD_DURABLE_V2), b + 12);
}
static void m_persistent_v1(u8 *b, size_t *l)
{
	/* v1 with PERSISTENT (and the v2 only app id) */
	(void)l;
	put_unaligned_le32(KSMBD_DURABLE_V1 | KSMBD_DURABLE_PERSISTENT | KSMBD_DURABLE_HAS_LEASE, b + 12);
	memset(b + 56, 0, 16);
}
static void m_v1_guid(u8 *b, size_t *l) { (void)l; put_unaligned_le32(KSMBD_DURABLE_V1 | KSMBD_DURABLE_HAS_LEASE, b + 12); }
static void m_reserved(u8 *b, size_t *l) { (void)l; b[194] = 1; }
static void m_reserved2(u8 *b, size_t *l) { (void)l; b[203] = 1; }
static void m_oplock(u8 *b, size_t *l) { (void)l; b[127] = 0x05; }
static void m_lease_state(u8 *b, size_t *l) { (void)l; put_unaligned_le32(0x8, b + 120); }
static void m_lease_version(u8 *b, size_t *l) { (void)l; b[126] = 3; }
static void m_lease_without_flag(u8 *b, size_t *l)
{
	(void)l;
	put_unaligned_le32(get_unaligned_le32(b + 12) & ~(u32)KSMBD_DURABLE_HAS_LEASE, b + 12);
}
static void m_lease_level(u8 *b, size_t *l) { (void)l; b[127] = SMB2_OPLOCK_LEVEL_BATCH; }
static void m_share_access(u8 *b, size_t *l) { (void)l; put_unaligned_le32(0x8, b + 40); }
static void m_lock_seq(u8 *b, size_t *l) { (void)l; b[128 + 10] = 0x40; }
static void m_no_user(u8 *b, size_t *l)
{
	/* the user's bytes become the share's */
	(void)l;
	put_unaligned_le16(0, b + 196);
	put_unaligned_le16(get_unaligned_le16(b + 198) + 7, b + 198);
}
static void m_no_share(u8 *b, size_t *l)
{
	(void)l;
	put_unaligned_le16(get_unaligned_le16(b + 196) + 5, b + 196);
	put_unaligned_le16(0, b + 198);
}
static void m_lengths(u8 *b, size_t *l) { (void)l; put_unaligned_le16(get_unaligned_le16(b + 200) + 1, b + 200); }
static void m_nul(u8 *b, size_t *l) { (void)l; b[KSMBD_DURABLE_BLOB_HDR + 2] = 0; }
static void m_path_dotdot(u8 *b, size_t *l) { memcpy(b + *l - 8, "../file\0", 8); (*l)--; put_unaligned_le16(7, b + 200); put_unaligned_le32(*l, b + 8); }
static void m_path_lead(u8 *b, size_t *l) { (void)l; memcpy(b + *l - 8, "/ir/file", 8); }
static void m_path_empty_comp(u8 *b, size_t *l) { (void)l; memcpy(b + *l - 8, "dir//ile", 8); }
static void m_path_trailing(u8 *b, size_t *l) { (void)l; memcpy(b + *l - 8, "dir/fil/", 8); }

static void test_import_refusals(void **state)
{
	(void)state;
	expect_refused(m_magic);
	expect_refused(m_version);
	expect_refused(m_hdr);
	expect_refused(m_total);
	expect_refused(m_trailing);
	expect_refused(m_flags_unknown);
	expect_refused(m_flags_both);
	expect_refused(m_flags_none);
	expect_refused(m_persistent_v1);
	expect_refused(m_v1_guid);
	expect_refused(m_reserved);
	expect_refused(m_reserved2);
	expect_refused(m_oplock);
	expect_refused(m_lease_state);
	expect_refused(m_lease_version);
	expect_refused(m_lease_without_flag);
	expect_refused(m_lease_level);
	expect_refused(m_share_access);
	expect_refused(m_lock_seq);
	expect_refused(m_no_user);
	expect_refused(m_no_share);
	expect_refused(m_lengths);
	expect_refused(m_nul);
	expect_refused(m_path_dotdot);
	expect_refused(m_path_lead);
	expect_refused(m_path_empty_comp);
	expect_refused(m_path_trailing);
}

/* Every truncation of a good blob is refused, and nothing is read past it. */
static void test_truncations(void **state)
{
	struct ksmbd_durable_state st, out;
	char path[] = "dir/file";
	u8 buf[512];
	size_t n, len;

	(void)state;
	fill_state(&st, path);
	n = export_state(&st, buf, sizeof(buf));
	for (len = 0; len < n; len++) {
		u8 *copy = malloc(len ? len : 1);

		memcpy(copy, buf, len);
		assert_int_equal(ksmbd_durable_import(copy, len, &out), -EINVAL);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_v1_root),
		cmocka_unit_test(test_export_refusals),
		cmocka_unit_test(test_import_refusals),
		cmocka_unit_test(test_truncations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

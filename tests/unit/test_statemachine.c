/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of lib/kvsm.c, the in-memory state machine behind the apply interface of
 * lib/statemachine.h: mutation encoding and validation, apply semantics, the canonical
 * snapshot (independent of the order of insertion), restore and its validation, list.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "statemachine.h"

static int apply(struct kc_sm *sm, enum kc_sm_op op, const char *key, const char *val)
{
	struct kc_bytes m = { 0 };
	int ret = kc_sm_mut_encode(&m, op, key, strlen(key), val, val ? strlen(val) : 0);

	if (!ret)
		ret = sm->ops->apply(sm->impl, m.data, m.len);
	kc_bytes_free(&m);
	return ret;
}

static char *get(struct kc_sm *sm, const char *key)
{
	struct kc_bytes v = { 0 };
	char *s;

	if (sm->ops->get(sm->impl, key, strlen(key), &v))
		return NULL;
	s = calloc(1, v.len + 1);
	assert_non_null(s);
	if (v.len)
		memcpy(s, v.data, v.len);
	kc_bytes_free(&v);
	return s;
}

static void test_mutation_encoding(void **state)
{
	struct kc_bytes m = { 0 };
	struct kc_sm_mut d;
	static const uint8_t want[] = { 1, 1, 0, 0, 0, 'k', 2, 0, 0, 0, 'v', 'w' };

	(void)state;
	assert_int_equal(kc_sm_mut_encode(&m, KC_SM_OP_SET, "k", 1, "vw", 2), 0);
	assert_int_equal(m.len, sizeof(want));
	assert_memory_equal(m.data, want, sizeof(want));
	assert_int_equal(kc_sm_mut_decode(m.data, m.len, &d), 0);
	assert_int_equal(d.op, KC_SM_OP_SET);
	assert_int_equal(d.klen, 1);
	assert_int_equal(d.vlen, 2);
	/* truncated, trailing byte, unknown op, empty key, DEL with a value */
	assert_int_equal(kc_sm_mut_decode(m.data, m.len - 1, &d), -EINVAL);
	assert_int_equal(kc_bytes_put_u8(&m, 0), 0);
	assert_int_equal(kc_sm_mut_decode(m.data, m.len, &d), -EINVAL);
	m.len--;
	m.data[0] = 9;
	assert_int_equal(kc_sm_mut_decode(m.data, m.len, &d), -EINVAL);
	m.data[0] = KC_SM_OP_DEL;
	assert_int_equal(kc_sm_mut_decode(m.data, m.len, &d), -EINVAL);
	kc_bytes_free(&m);
	assert_int_equal(kc_sm_mut_encode(&m, KC_SM_OP_SET, "", 0, "v", 1), -EINVAL);
	assert_int_equal(kc_sm_mut_encode(&m, KC_SM_OP_DEL, "k", 1, "v", 1), -EINVAL);
	kc_bytes_free(&m);
}

static void test_apply(void **state)
{
	struct kc_sm sm;
	char *v;

	(void)state;
	assert_int_equal(kc_kvsm_new(&sm), 0);
	assert_int_equal(apply(&sm, KC_SM_OP_SET, "b", "1"), 0);
	assert_int_equal(apply(&sm, KC_SM_OP_SET, "b", "2"), 0);
	assert_int_equal(apply(&sm, KC_SM_OP_CREATE, "b", "3"), -EEXIST);
	assert_int_equal(apply(&sm, KC_SM_OP_CREATE, "a", ""), 0);
	assert_int_equal(apply(&sm, KC_SM_OP_DEL, "zz", NULL), -ENOENT);
	assert_int_equal(sm.ops->count(sm.impl), 2);
	v = get(&sm, "b");
	assert_string_equal(v, "2");
	free(v);
	v = get(&sm, "a");
	assert_string_equal(v, "");
	free(v);
	assert_int_equal(apply(&sm, KC_SM_OP_DEL, "b", NULL), 0);
	assert_null(get(&sm, "b"));
	assert_int_equal(sm.ops->apply(sm.impl, "\x01", 1), -EINVAL);
	assert_int_equal(sm.ops->count(sm.impl), 1);
	sm.ops->free(sm.impl);
}

static int collect(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen, void *arg)
{
	char *out = arg;

	strncat(out, (const char *)key, klen);
	strcat(out, "=");
	strncat(out, (const char *)val, vlen);
	strcat(out, ";");
	return 0;
}

static void test_snapshot_canonical(void **state)
{
	static const char *const keys[] = { "w/2", "w/10", "a", "w/1", "ab", "w" };
	struct kc_sm x, y;
	struct kc_bytes sx = { 0 }, sy = { 0 };
	uint8_t hx[KC_SM_HASH_LEN], hy[KC_SM_HASH_LEN];
	char list[256] = "";

	(void)state;
	assert_int_equal(kc_kvsm_new(&x), 0);
	assert_int_equal(kc_kvsm_new(&y), 0);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(apply(&x, KC_SM_OP_SET, keys[i], keys[i]), 0);
		assert_int_equal(apply(&y, KC_SM_OP_SET, keys[5 - i], keys[5 - i]), 0);
	}
	assert_int_equal(x.ops->snapshot(x.impl, &sx), 0);
	assert_int_equal(y.ops->snapshot(y.impl, &sy), 0);
	assert_int_equal(sx.len, sy.len);
	assert_memory_equal(sx.data, sy.data, sx.len);
	assert_memory_equal(sx.data, "KCKV\x01\0\0\0\x06\0\0\0\x01\0\0\0a", 17);
	assert_int_equal(x.ops->hash(x.impl, hx), 0);
	assert_int_equal(y.ops->hash(y.impl, hy), 0);
	assert_memory_equal(hx, hy, sizeof(hx));
	assert_int_equal(x.ops->list(x.impl, "w/", 2, collect, list), 0);
	assert_string_equal(list, "w/1=w/1;w/10=w/10;w/2=w/2;");
	list[0] = '\0';
	assert_int_equal(x.ops->list(x.impl, "", 0, collect, list), 0);
	assert_string_equal(list, "a=a;ab=ab;w=w;w/1=w/1;w/10=w/10;w/2=w/2;");
	assert_int_equal(apply(&y, KC_SM_OP_SET, "a", "changed"), 0);
	assert_int_equal(y.ops->hash(y.impl, hy), 0);
	assert_memory_not_equal(hx, hy, sizeof(hx));
	kc_bytes_free(&sx);
	kc_bytes_free(&sy);
	x.ops->free(x.impl);
	y.ops->free(y.impl);
}

static void test_restore(void **state)
{
	struct kc_sm x, y;
	struct kc_bytes s = { 0 }, s2 = { 0 };
	uint8_t hx[KC_SM_HASH_LEN], hy[KC_SM_HASH_LEN];
	char *v;

	(void)state;
	assert_int_equal(kc_kvsm_new(&x), 0);
	assert_int_equal(kc_kvsm_new(&y), 0);
	assert_int_equal(apply(&x, KC_SM_OP_SET, "k1", "v1"), 0);
	assert_int_equal(apply(&x, KC_SM_OP_SET, "k2", "v2"), 0);
	assert_int_equal(apply(&y, KC_SM_OP_SET, "old", "gone"), 0);
	assert_int_equal(x.ops->snapshot(x.impl, &s), 0);
	assert_int_equal(y.ops->restore(y.impl, s.data, s.len), 0);
	assert_null(get(&y, "old"));
	v = get(&y, "k2");
	assert_string_equal(v, "v2");
	free(v);
	assert_int_equal(x.ops->hash(x.impl, hx), 0);
	assert_int_equal(y.ops->hash(y.impl, hy), 0);
	assert_memory_equal(hx, hy, sizeof(hx));
	assert_int_equal(y.ops->snapshot(y.impl, &s2), 0);
	assert_memory_equal(s.data, s2.data, s.len);

	/* Every truncation is rejected and leaves the state as it was. */
	for (size_t n = 0; n < s.len; n++)
		assert_int_equal(y.ops->restore(y.impl, s.data, n), -EINVAL);
	/* keys out of order: swap "k1" and "k2" */
	s.data[16 + 1] = '2';
	s.data[16 + 2 + 4 + 2 + 4 + 1] = '1';
	assert_int_equal(y.ops->restore(y.impl, s.data, s.len), -EINVAL);
	/* a count larger than the data */
	s.data[8] = 200;
	assert_int_equal(y.ops->restore(y.impl, s.data, s.len), -EINVAL);
	assert_int_equal(y.ops->hash(y.impl, hy), 0);
	assert_memory_equal(hx, hy, sizeof(hx));
	kc_bytes_free(&s2);
	kc_bytes_free(&s);
	x.ops->free(x.impl);
	y.ops->free(y.impl);
}

static void test_restore_empty(void **state)
{
	struct kc_sm x, y;
	struct kc_bytes s = { 0 };

	(void)state;
	assert_int_equal(kc_kvsm_new(&x), 0);
	assert_int_equal(kc_kvsm_new(&y), 0);
	assert_int_equal(apply(&y, KC_SM_OP_SET, "k", "v"), 0);
	assert_int_equal(x.ops->snapshot(x.impl, &s), 0);
	assert_int_equal(s.len, 12);
	assert_int_equal(y.ops->restore(y.impl, s.data, s.len), 0);
	assert_int_equal(y.ops->count(y.impl), 0);
	assert_int_equal(apply(&y, KC_SM_OP_SET, "k", "v"), 0);
	assert_int_equal(y.ops->count(y.impl), 1);
	kc_bytes_free(&s);
	x.ops->free(x.impl);
	y.ops->free(y.impl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutation_encoding),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_snapshot_canonical),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_restore_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the user port's netlink attribute code: what the kernel's
 * strict validation rejects must be rejected here too, because ksmbd-engine
 * stands in for the module in most tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/slab.h>
#include <net/genetlink.h>

enum { A_UNSPEC, A_U32, A_STR, A_BIN16, A_U16R, A_NEST, A_ITEM, A_NOPOLICY, __A_MAX };
#define A_MAX (__A_MAX - 1)

static const struct nla_policy item_policy[A_MAX + 1] = {
	[A_ITEM] = { .type = NLA_U32 },
};

static const struct nla_policy policy[A_MAX + 1] = {
	[A_U32] = { .type = NLA_U32 },
	[A_STR] = { .type = NLA_NUL_STRING, .len = 7 },
	[A_BIN16] = NLA_POLICY_EXACT_LEN(16),
	[A_U16R] = NLA_POLICY_RANGE(NLA_U16, 10, 20),
	[A_NEST] = NLA_POLICY_NESTED(item_policy),
};

static struct sk_buff *skb;

static int setup(void **state)
{
	(void)state;
	skb = alloc_skb(512, GFP_KERNEL);
	return skb ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kfree_skb(skb);
	return 0;
}

static int parse(struct nlattr **tb, const char **msg)
{
	struct netlink_ext_ack ext = { 0 };
	int ret = ksmbd_port_nla_parse(tb, A_MAX, (struct nlattr *)skb->data, skb->len, policy, &ext);

	*msg = ext._msg;
	return ret;
}

static void test_roundtrip(void **state)
{
	struct nlattr *tb[A_MAX + 1], *nest;
	const char *msg;
	u8 bin[16] = { 1, 2, 3 };

	(void)state;
	assert_int_equal(nla_put_u32(skb, A_U32, 0xdeadbeef), 0);
	assert_int_equal(nla_put_string(skb, A_STR, "node1"), 0);
	assert_int_equal(nla_put(skb, A_BIN16, 16, bin), 0);
	assert_int_equal(nla_put_u16(skb, A_U16R, 15), 0);
	nest = nla_nest_start(skb, A_NEST);
	assert_non_null(nest);
	assert_int_equal(nla_put_u32(skb, A_ITEM, 7), 0);
	nla_nest_end(skb, nest);
	assert_int_equal(parse(tb, &msg), 0);
	assert_int_equal(nla_get_u32(tb[A_U32]), 0xdeadbeef);
	assert_string_equal(nla_data(tb[A_STR]), "node1");
	assert_memory_equal(nla_data(tb[A_BIN16]), bin, 16);
	assert_int_equal(nla_get_u16(tb[A_U16R]), 15);
	assert_non_null(tb[A_NEST]);
}

static void test_rejects_unknown_type(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put_u32(skb, A_MAX + 1, 1), 0);
	assert_int_equal(parse(tb, &msg), -EINVAL);
	assert_string_equal(msg, "unknown attribute type");
}

static void test_rejects_policyless(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put_u32(skb, A_NOPOLICY, 1), 0);
	assert_int_equal(parse(tb, &msg), -EINVAL);
}

static void test_rejects_wrong_int_size(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put_u16(skb, A_U32, 1), 0);
	assert_int_equal(parse(tb, &msg), -EINVAL);
	assert_string_equal(msg, "attribute has the wrong length");
}

static void test_rejects_long_string(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put_string(skb, A_STR, "12345678"), 0);	/* 8 > 7 */
	assert_int_equal(parse(tb, &msg), -EINVAL);
}

static void test_rejects_unterminated_string(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put(skb, A_STR, 3, "abc"), 0);
	assert_int_equal(parse(tb, &msg), -EINVAL);
}

static void test_rejects_exact_len_and_range(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;
	u8 bin[15] = { 0 };

	(void)state;
	assert_int_equal(nla_put(skb, A_BIN16, 15, bin), 0);
	assert_int_equal(parse(tb, &msg), -ERANGE);
	skb->len = 0;
	assert_int_equal(nla_put_u16(skb, A_U16R, 21), 0);
	assert_int_equal(parse(tb, &msg), -ERANGE);
	assert_string_equal(msg, "attribute value out of range");
}

static void test_rejects_bad_nested(void **state)
{
	struct nlattr *tb[A_MAX + 1], *nest;
	const char *msg;

	(void)state;
	nest = nla_nest_start(skb, A_NEST);
	assert_int_equal(nla_put_u16(skb, A_ITEM, 7), 0);	/* u32 expected */
	nla_nest_end(skb, nest);
	assert_int_equal(parse(tb, &msg), -EINVAL);
}

static void test_rejects_trailing_bytes(void **state)
{
	struct nlattr *tb[A_MAX + 1];
	const char *msg;

	(void)state;
	assert_int_equal(nla_put_u32(skb, A_U32, 1), 0);
	skb_put(skb, 3);	/* less than an attribute header */
	assert_int_equal(parse(tb, &msg), -EINVAL);
	assert_string_equal(msg, "bytes leftover after parsing attributes");
}

static void test_put_respects_capacity(void **state)
{
	struct sk_buff *small = alloc_skb(8, GFP_KERNEL);

	(void)state;
	assert_int_equal(nla_put_u32(small, A_U32, 1), 0);
	assert_int_equal(nla_put_u32(small, A_U32, 2), -EMSGSIZE);
	assert_int_equal(small->len, 8);
	kfree_skb(small);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_roundtrip),
		T(test_rejects_unknown_type),
		T(test_rejects_policyless),
		T(test_rejects_wrong_int_size),
		T(test_rejects_long_string),
		T(test_rejects_unterminated_string),
		T(test_rejects_exact_len_and_range),
		T(test_rejects_bad_nested),
		T(test_rejects_trailing_bytes),
		T(test_put_respects_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

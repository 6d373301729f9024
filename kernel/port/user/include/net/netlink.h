/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: netlink attribute policies, parsing and building with the
 * kernel's names and (strict-mode) validation rules. Implemented in
 * kernel/port/user/netlink.c.
 */
#ifndef KSMBD_PORT_NET_NETLINK_H
#define KSMBD_PORT_NET_NETLINK_H

#include <linux/netlink.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/string.h>

enum {
	NLA_UNSPEC,
	NLA_U8,
	NLA_U16,
	NLA_U32,
	NLA_U64,
	NLA_STRING,
	NLA_FLAG,
	NLA_MSECS,
	NLA_NESTED,
	NLA_NESTED_ARRAY,
	NLA_NUL_STRING,
	NLA_BINARY,
	NLA_S8,
	NLA_S16,
	NLA_S32,
	NLA_S64,
	NLA_BITFIELD32,
	NLA_REJECT,
	__NLA_TYPE_MAX,
};

enum nla_policy_validation {
	NLA_VALIDATE_NONE,
	NLA_VALIDATE_RANGE,
	NLA_VALIDATE_MIN,
	NLA_VALIDATE_MAX,
};

struct nla_policy {
	u8 type;
	u8 validation_type;
	u16 len;
	union {
		const struct nla_policy *nested_policy;
		struct {
			s16 min, max;
		};
	};
};

#define NLA_POLICY_RANGE(tp, _min, _max) \
	{ .type = (tp), .validation_type = NLA_VALIDATE_RANGE, .min = (_min), .max = (_max) }
#define NLA_POLICY_MIN(tp, _min) \
	{ .type = (tp), .validation_type = NLA_VALIDATE_MIN, .min = (_min) }
#define NLA_POLICY_MAX(tp, _max) \
	{ .type = (tp), .validation_type = NLA_VALIDATE_MAX, .max = (_max) }
#define NLA_POLICY_EXACT_LEN(_len)	NLA_POLICY_RANGE(NLA_BINARY, _len, _len)
#define NLA_POLICY_MIN_LEN(_len)	NLA_POLICY_MIN(NLA_BINARY, _len)
#define NLA_POLICY_NESTED(policy) \
	{ .type = NLA_NESTED, .nested_policy = (policy), .len = ARRAY_SIZE(policy) - 1 }

struct netlink_ext_ack {
	const char *_msg;
	const struct nlattr *bad_attr;
};

#define NL_SET_ERR_MSG(extack, msg)						\
do {										\
	static const char __msg[] = msg;					\
	struct netlink_ext_ack *__extack = (extack);				\
	if (__extack)								\
		__extack->_msg = __msg;						\
} while (0)

#define NL_SET_ERR_MSG_ATTR(extack, attr, msg)					\
do {										\
	struct netlink_ext_ack *__ea = (extack);				\
	NL_SET_ERR_MSG(__ea, msg);						\
	if (__ea)								\
		__ea->bad_attr = (attr);					\
} while (0)

static inline int nla_type(const struct nlattr *nla) { return nla->nla_type & NLA_TYPE_MASK; }
static inline void *nla_data(const struct nlattr *nla) { return (char *)nla + NLA_HDRLEN; }
static inline int nla_len(const struct nlattr *nla) { return nla->nla_len - NLA_HDRLEN; }
static inline int nla_attr_size(int payload) { return NLA_HDRLEN + payload; }
static inline int nla_total_size(int payload) { return NLA_ALIGN(nla_attr_size(payload)); }
/* x86-64 needs no padding attribute for 64-bit values. */
static inline int nla_total_size_64bit(int payload) { return nla_total_size(payload); }

static inline int nla_ok(const struct nlattr *nla, int remaining)
{
	return remaining >= (int)sizeof(*nla) && nla->nla_len >= sizeof(*nla) &&
	       nla->nla_len <= remaining;
}

static inline struct nlattr *nla_next(const struct nlattr *nla, int *remaining)
{
	unsigned int totlen = NLA_ALIGN(nla->nla_len);

	*remaining -= totlen;
	return (struct nlattr *)((char *)nla + totlen);
}

#define nla_for_each_attr(pos, head, len, rem)					\
	for (pos = head, rem = len; nla_ok(pos, rem); pos = nla_next(pos, &(rem)))
#define nla_for_each_nested(pos, nla, rem)					\
	nla_for_each_attr(pos, (struct nlattr *)nla_data(nla), nla_len(nla), rem)

static inline u8 nla_get_u8(const struct nlattr *nla) { return *(u8 *)nla_data(nla); }
static inline u16 nla_get_u16(const struct nlattr *nla) { u16 v; memcpy(&v, nla_data(nla), 2); return v; }
static inline u32 nla_get_u32(const struct nlattr *nla) { u32 v; memcpy(&v, nla_data(nla), 4); return v; }
static inline u64 nla_get_u64(const struct nlattr *nla) { u64 v; memcpy(&v, nla_data(nla), 8); return v; }
static inline s32 nla_get_s32(const struct nlattr *nla) { return (s32)nla_get_u32(nla); }
static inline bool nla_get_flag(const struct nlattr *nla) { return !!nla; }
ssize_t nla_strscpy(char *dst, const struct nlattr *nla, size_t dstsize);

int nla_parse_nested(struct nlattr **tb, int maxtype, const struct nlattr *nla,
		     const struct nla_policy *policy, struct netlink_ext_ack *extack);
int ksmbd_port_nla_parse(struct nlattr **tb, int maxtype, const struct nlattr *head,
			 int len, const struct nla_policy *policy,
			 struct netlink_ext_ack *extack);

int nla_put(struct sk_buff *skb, int attrtype, int attrlen, const void *data);
static inline int nla_put_u8(struct sk_buff *skb, int t, u8 v) { return nla_put(skb, t, 1, &v); }
static inline int nla_put_u16(struct sk_buff *skb, int t, u16 v) { return nla_put(skb, t, 2, &v); }
static inline int nla_put_u32(struct sk_buff *skb, int t, u32 v) { return nla_put(skb, t, 4, &v); }
static inline int nla_put_s32(struct sk_buff *skb, int t, s32 v) { return nla_put(skb, t, 4, &v); }
static inline int nla_put_flag(struct sk_buff *skb, int t) { return nla_put(skb, t, 0, NULL); }
static inline int nla_put_string(struct sk_buff *skb, int t, const char *s)
{
	return nla_put(skb, t, strlen(s) + 1, s);
}
int nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr);
struct nlattr *nla_nest_start(struct sk_buff *skb, int attrtype);
int nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);

static inline void nlmsg_free(struct sk_buff *skb) { kfree_skb(skb); }

#endif

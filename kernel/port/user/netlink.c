// SPDX-License-Identifier: GPL-2.0
/*
 * User-space port: message buffers, netlink attribute building, and attribute
 * parsing with the kernel's strict validation rules (unknown types, policy-less
 * attributes, wrong integer sizes and trailing bytes are all -EINVAL).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <net/genetlink.h>

struct net {
	int unused;
};

struct net init_net;

struct sk_buff *alloc_skb(unsigned int size, gfp_t flags)
{
	struct sk_buff *skb = kzalloc(sizeof(*skb), flags);

	if (!skb)
		return NULL;
	skb->data = kzalloc(size, flags);
	if (!skb->data) {
		kfree(skb);
		return NULL;
	}
	skb->end = size;
	return skb;
}

void kfree_skb(struct sk_buff *skb)
{
	if (skb) {
		kfree(skb->data);
		kfree(skb);
	}
}

int nla_put(struct sk_buff *skb, int attrtype, int attrlen, const void *data)
{
	struct nlattr *nla;

	if (attrlen < 0 || skb_tailroom(skb) < (unsigned int)nla_total_size(attrlen))
		return -EMSGSIZE;
	nla = skb_put(skb, nla_total_size(attrlen));
	nla->nla_type = attrtype;
	nla->nla_len = nla_attr_size(attrlen);
	if (attrlen)
		memcpy(nla_data(nla), data, attrlen);
	memset((char *)nla_data(nla) + attrlen, 0, nla_total_size(attrlen) - nla_attr_size(attrlen));
	return 0;
}

int nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr)
{
	/* x86-64 and the buffers here need no alignment padding. */
	(void)padattr;
	return nla_put(skb, attrtype, sizeof(value), &value);
}

struct nlattr *nla_nest_start(struct sk_buff *skb, int attrtype)
{
	struct nlattr *start = (struct nlattr *)skb_tail_pointer(skb);

	if (nla_put(skb, attrtype | NLA_F_NESTED, 0, NULL))
		return NULL;
	return start;
}

int nla_nest_end(struct sk_buff *skb, struct nlattr *start)
{
	start->nla_len = skb_tail_pointer(skb) - (unsigned char *)start;
	return skb->len;
}

void nla_nest_cancel(struct sk_buff *skb, struct nlattr *start)
{
	skb_trim(skb, (unsigned char *)start - skb->data);
}

ssize_t nla_strscpy(char *dst, const struct nlattr *nla, size_t dstsize)
{
	size_t srclen = nla_len(nla);
	const char *src = nla_data(nla);
	size_t len;

	if (srclen > 0 && src[srclen - 1] == '\0')
		srclen--;
	if (!dstsize)
		return -E2BIG;
	len = min(srclen, dstsize - 1);
	memcpy(dst, src, len);
	memset(dst + len, 0, dstsize - len);
	return srclen > len ? -E2BIG : (ssize_t)len;
}

static s64 ksmbd_nla_int(const struct nlattr *nla, u8 type)
{
	switch (type) {
	case NLA_U8:	return nla_get_u8(nla);
	case NLA_U16:	return nla_get_u16(nla);
	case NLA_U32:	return nla_get_u32(nla);
	case NLA_S8:	return (s8)nla_get_u8(nla);
	case NLA_S16:	return (s16)nla_get_u16(nla);
	case NLA_S32:	return nla_get_s32(nla);
	default:	return (s64)nla_get_u64(nla);
	}
}

static int ksmbd_nla_validate_range(const struct nlattr *nla, const struct nla_policy *pt,
				    struct netlink_ext_ack *extack)
{
	s64 v = pt->type == NLA_BINARY ? nla_len(nla) : ksmbd_nla_int(nla, pt->type);

	if ((pt->validation_type == NLA_VALIDATE_RANGE || pt->validation_type == NLA_VALIDATE_MIN) &&
	    v < pt->min)
		goto out_of_range;
	if ((pt->validation_type == NLA_VALIDATE_RANGE || pt->validation_type == NLA_VALIDATE_MAX) &&
	    v > pt->max)
		goto out_of_range;
	return 0;

out_of_range:
	NL_SET_ERR_MSG_ATTR(extack, nla, "attribute value out of range");
	return -ERANGE;
}

static int ksmbd_nla_validate(const struct nlattr *nla, const struct nla_policy *pt,
			      struct netlink_ext_ack *extack)
{
	static const u8 int_len[__NLA_TYPE_MAX] = {
		[NLA_U8] = 1, [NLA_U16] = 2, [NLA_U32] = 4, [NLA_U64] = 8,
		[NLA_S8] = 1, [NLA_S16] = 2, [NLA_S32] = 4, [NLA_S64] = 8, [NLA_MSECS] = 8,
	};
	int len = nla_len(nla);

	switch (pt->type) {
	case NLA_UNSPEC:
	case NLA_REJECT:
		NL_SET_ERR_MSG_ATTR(extack, nla, "unsupported attribute");
		return -EINVAL;
	case NLA_FLAG:
		if (len)
			goto bad_len;
		return 0;
	case NLA_NUL_STRING: {
		int minlen = pt->len ? min(len, pt->len + 1) : len;

		if (!minlen || !memchr(nla_data(nla), '\0', minlen)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "string too long or not terminated");
			return -EINVAL;
		}
		return 0;
	}
	case NLA_STRING:
		if (len && ((char *)nla_data(nla))[len - 1] == '\0')
			len--;
		if (pt->len && len > pt->len)
			goto bad_len;
		return 0;
	case NLA_BINARY:
		if (!pt->validation_type && pt->len && len > pt->len)
			goto bad_len;
		break;
	case NLA_NESTED:
		if (len && len < NLA_HDRLEN)
			goto bad_len;
		if (pt->nested_policy && len)
			return ksmbd_port_nla_parse(NULL, pt->len, nla_data(nla), len,
						    pt->nested_policy, extack);
		return 0;
	default:
		if (pt->type >= __NLA_TYPE_MAX || !int_len[pt->type] || len != int_len[pt->type])
			goto bad_len;
		break;
	}
	if (pt->validation_type)
		return ksmbd_nla_validate_range(nla, pt, extack);
	return 0;

bad_len:
	NL_SET_ERR_MSG_ATTR(extack, nla, "attribute has the wrong length");
	return -EINVAL;
}

int ksmbd_port_nla_parse(struct nlattr **tb, int maxtype, const struct nlattr *head,
			 int len, const struct nla_policy *policy,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *nla;
	int rem, ret;

	if (tb)
		memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	nla_for_each_attr(nla, (struct nlattr *)head, len, rem) {
		int type = nla_type(nla);

		if (type == 0 || type > maxtype) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "unknown attribute type");
			return -EINVAL;
		}
		ret = ksmbd_nla_validate(nla, &policy[type], extack);
		if (ret)
			return ret;
		if (tb)
			tb[type] = nla;
	}
	if (rem) {
		NL_SET_ERR_MSG(extack, "bytes leftover after parsing attributes");
		return -EINVAL;
	}
	return 0;
}

int nla_parse_nested(struct nlattr **tb, int maxtype, const struct nlattr *nla,
		     const struct nla_policy *policy, struct netlink_ext_ack *extack)
{
	return ksmbd_port_nla_parse(tb, maxtype, nla_data(nla), nla_len(nla), policy, extack);
}

void *genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq,
		  const struct genl_family *family, int flags, u8 cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (skb_tailroom(skb) < NLMSG_HDRLEN + GENL_HDRLEN + family->hdrsize)
		return NULL;
	nlh = skb_put(skb, NLMSG_HDRLEN);
	nlh->nlmsg_type = family->id;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	g = skb_put(skb, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = family->version;
	g->reserved = 0;
	return skb_put(skb, family->hdrsize);
}

void genlmsg_end(struct sk_buff *skb, void *hdr)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((u8 *)hdr - GENL_HDRLEN - NLMSG_HDRLEN);

	nlh->nlmsg_len = skb_tail_pointer(skb) - (unsigned char *)nlh;
}

void genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	skb_trim(skb, (u8 *)hdr - GENL_HDRLEN - NLMSG_HDRLEN - skb->data);
}

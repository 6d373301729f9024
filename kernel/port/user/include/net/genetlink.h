/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: the generic netlink family API. A registered family is
 * served on a UNIX seqpacket socket (kernel/port/user/genetlink.c) carrying the
 * same nlmsghdr + genlmsghdr + attribute bytes the kernel would.
 */
#ifndef KSMBD_PORT_NET_GENETLINK_H
#define KSMBD_PORT_NET_GENETLINK_H

#include <linux/genetlink.h>
#include <net/netlink.h>

struct net;
extern struct net init_net;

struct genl_info {
	u32 snd_seq;
	u32 snd_portid;
	struct nlmsghdr *nlhdr;
	struct genlmsghdr *genlhdr;
	struct nlattr **attrs;
	struct netlink_ext_ack *extack;
};

struct genl_small_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*dumpit)(struct sk_buff *skb, void *cb);
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

struct genl_family {
	unsigned int id;
	unsigned int hdrsize;
	char name[GENL_NAMSIZ];
	unsigned int version;
	unsigned int maxattr;
	u8 netnsok:1;
	u8 parallel_ops:1;
	u8 n_small_ops;
	u8 resv_start_op;
	const struct nla_policy *policy;
	const struct genl_small_ops *small_ops;
	struct module *module;
};

static inline struct net *genl_info_net(const struct genl_info *info)
{
	(void)info;
	return &init_net;
}

/* The attributes of a generic netlink message and their length. */
static inline void *genlmsg_data(const struct genlmsghdr *gnlh)
{
	return (u8 *)gnlh + GENL_HDRLEN;
}

static inline int genlmsg_len(const struct genlmsghdr *gnlh)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)((const u8 *)gnlh - NLMSG_HDRLEN);

	return nlh->nlmsg_len - GENL_HDRLEN - NLMSG_HDRLEN;
}

int genl_register_family(struct genl_family *family);
int genl_unregister_family(const struct genl_family *family);

#define GENL_HDRLEN_TOTAL	(NLMSG_HDRLEN + GENL_HDRLEN)

static inline size_t genlmsg_total_size(size_t payload)
{
	return NLMSG_ALIGN(GENL_HDRLEN_TOTAL + payload);
}

static inline struct sk_buff *genlmsg_new(size_t payload, gfp_t flags)
{
	return alloc_skb(genlmsg_total_size(payload), flags);
}

void *genlmsg_put(struct sk_buff *skb, u32 portid, u32 seq,
		  const struct genl_family *family, int flags, u8 cmd);
void genlmsg_end(struct sk_buff *skb, void *hdr);
void genlmsg_cancel(struct sk_buff *skb, void *hdr);
int genlmsg_unicast(struct net *net, struct sk_buff *skb, u32 portid);

static inline int genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_unicast(genl_info_net(info), skb, info->snd_portid);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space port: a fixed-size message buffer with the parts of the sk_buff
 * API that netlink message building uses. Like a real skb it never grows:
 * running out of room is -EMSGSIZE, so sizing bugs show up in user tests too.
 */
#ifndef KSMBD_PORT_LINUX_SKBUFF_H
#define KSMBD_PORT_LINUX_SKBUFF_H

#include <linux/types.h>

struct sk_buff {
	unsigned char *data;
	unsigned int len;	/* bytes used */
	unsigned int end;	/* capacity */
};

static inline unsigned int skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - skb->len;
}

static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->data + skb->len;
}

static inline void *skb_put(struct sk_buff *skb, unsigned int len)
{
	void *p = skb->data + skb->len;

	skb->len += len;
	return p;
}

static inline void skb_trim(struct sk_buff *skb, unsigned int len)
{
	if (len < skb->len)
		skb->len = len;
}

struct sk_buff *alloc_skb(unsigned int size, gfp_t flags);
void kfree_skb(struct sk_buff *skb);
#define consume_skb(skb) kfree_skb(skb)

#endif

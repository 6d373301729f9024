// SPDX-License-Identifier: GPL-2.0
/*
 * The SMB2 command sequence window and credit grants; see smb2_credit.h.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include "smb2_credit.h"

static bool ksmbd_credit_bit(const struct ksmbd_credits *c, u64 id)
{
	u32 i = id % KSMBD_CREDIT_SPAN;

	return c->used[i / 64] & (1ULL << (i % 64));
}

static void ksmbd_credit_set(struct ksmbd_credits *c, u64 id, bool on)
{
	u32 i = id % KSMBD_CREDIT_SPAN;

	if (on)
		c->used[i / 64] |= 1ULL << (i % 64);
	else
		c->used[i / 64] &= ~(1ULL << (i % 64));
}

void ksmbd_credits_init(struct ksmbd_credits *c)
{
	spin_lock_init(&c->lock);
	c->seq_low = 0;
	c->range = 1;
	c->outstanding = 1;
	memset(c->used, 0, sizeof(c->used));
}

int ksmbd_credits_consume(struct ksmbd_credits *c, u64 mid, u16 charge)
{
	u64 off;
	u16 i;
	int ret = -EPROTO;

	spin_lock(&c->lock);
	if (!charge || mid < c->seq_low)
		goto out;
	off = mid - c->seq_low;
	if (charge > c->range || off > c->range - charge)
		goto out;
	for (i = 0; i < charge; i++)
		if (ksmbd_credit_bit(c, mid + i))
			goto out;
	for (i = 0; i < charge; i++)
		ksmbd_credit_set(c, mid + i, true);
	c->outstanding -= charge;
	/* Slide the window's low edge over every id now used. */
	while (c->range && ksmbd_credit_bit(c, c->seq_low)) {
		ksmbd_credit_set(c, c->seq_low, false);
		c->seq_low++;
		c->range--;
	}
	ret = 0;
out:
	spin_unlock(&c->lock);
	return ret;
}

u16 ksmbd_credits_grant(struct ksmbd_credits *c, u16 requested)
{
	u32 grant = max_t(u32, requested, 1);

	spin_lock(&c->lock);
	grant = min(grant, KSMBD_MAX_CREDITS - c->outstanding);
	grant = min(grant, KSMBD_CREDIT_SPAN - c->range);
	c->range += grant;
	c->outstanding += grant;
	spin_unlock(&c->lock);
	return grant;
}

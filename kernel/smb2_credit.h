/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2 credits (MS-SMB2 3.3.1.1, 3.3.1.2, 3.3.5.2.3, 3.3.5.2.5).
 *
 * The command sequence window is the set of MessageIds a client may use:
 * every id the server granted and the client has not used yet. It is kept as
 * [seq_low, seq_low + range) plus a bitmap of the ids in that span already
 * used out of order; seq_low advances over used ids. A request whose ids are
 * not all in the window ends the connection. Grants keep at most
 * KSMBD_MAX_CREDITS outstanding and the span within the bitmap, so a client
 * that skips an id can still use KSMBD_MAX_CREDITS ids beyond it.
 */
#ifndef KSMBD_SMB2_CREDIT_H
#define KSMBD_SMB2_CREDIT_H

#include <linux/types.h>
#include <linux/spinlock.h>

/* Most credits a connection may hold at once. */
#define KSMBD_MAX_CREDITS	8192
/* Span of the window the bitmap covers. */
#define KSMBD_CREDIT_SPAN	(2 * KSMBD_MAX_CREDITS)

struct ksmbd_credits {
	spinlock_t lock;
	u64 seq_low;		/* lowest id not yet used */
	u32 range;		/* ids [seq_low, seq_low + range) were granted */
	u32 outstanding;	/* granted and not yet used */
	u64 used[KSMBD_CREDIT_SPAN / 64];	/* bit (id % SPAN): used out of order */
};

/* A new connection's window: MessageId 0, for its NEGOTIATE. */
void ksmbd_credits_init(struct ksmbd_credits *c);
/* Use the @charge ids starting at @mid: 0, or -EPROTO when any is not in the window. */
int ksmbd_credits_consume(struct ksmbd_credits *c, u64 mid, u16 charge);
/* Grant up to @requested (at least one when possible); returns the number granted. */
u16 ksmbd_credits_grant(struct ksmbd_credits *c, u16 requested);

#endif

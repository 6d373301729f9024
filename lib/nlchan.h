/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A channel to the SMB engine carrying the netlink messages of
 * include/uapi/ksmbd_cluster.h: a generic netlink socket when the kernel module
 * is loaded, or a UNIX seqpacket socket to ksmbd-engine. Messages are built and
 * parsed with libnl in both cases; only the carrier differs.
 */
#ifndef KC_NLCHAN_H
#define KC_NLCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <netlink/genl/genl.h>

struct kc_nlchan;

/* Open the kernel family; -ENOENT when the module is not loaded. */
int kc_nlchan_open_kernel(struct kc_nlchan **out);
/* Connect to ksmbd-engine's socket at @path. */
int kc_nlchan_open_unix(const char *path, struct kc_nlchan **out);
void kc_nlchan_close(struct kc_nlchan *ch);
int kc_nlchan_fd(const struct kc_nlchan *ch);
bool kc_nlchan_is_kernel(const struct kc_nlchan *ch);

/* A new request for @cmd with NLM_F_REQUEST | @flags and the next sequence number. */
struct nl_msg *kc_nlchan_msg(struct kc_nlchan *ch, int cmd, int flags);

/*
 * Send @msg (always freed) and wait up to @timeout_ms for the message answering
 * it. A genl reply is parsed into @tb (which must hold KSMBD_A_MAX + 1
 * entries) and gives 0; an NLMSG_ERROR gives its error (0 for an ACK) with the
 * extended-ack text, if any, in @errmsg. Other failures: -ETIMEDOUT,
 * -ECONNRESET (the engine went away), -EBADMSG (an invalid reply).
 */
int kc_nlchan_request(struct kc_nlchan *ch, struct nl_msg *msg, int timeout_ms,
		      struct nlattr **tb, char *errmsg, size_t errlen);

/* Send @msg (always freed) without waiting for anything: 0 or -errno. */
int kc_nlchan_send(struct kc_nlchan *ch, struct nl_msg *msg);

/*
 * The next message from the engine without blocking: 0 with *@nlh pointing
 * into the channel's buffer (valid until the next call), -EAGAIN when none is
 * waiting, -ECONNRESET when the engine closed the channel.
 */
int kc_nlchan_next(struct kc_nlchan *ch, struct nlmsghdr **nlh);
/* The channel's family id (the nlmsg_type of engine messages). */
int kc_nlchan_family(const struct kc_nlchan *ch);

/* Wait up to @timeout_ms (-1: forever) for the engine to close the channel: 0 or -ETIMEDOUT. */
int kc_nlchan_wait_closed(struct kc_nlchan *ch, int timeout_ms);

#endif

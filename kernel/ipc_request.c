// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from the engine to its peer (include/uapi/ksmbd_cluster.h: LOGIN,
 * LOGOUT). Each request carries a handle; the waiter sleeps on a completion
 * until the matching reply arrives through ksmbd_ipc_reply() or the timeout
 * passes, so a dead or stuck peer fails the request instead of hanging it.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include "ipc.h"
#include "ipc_internal.h"

#define KSMBD_IPC_TIMEOUT_MS	10000

struct ksmbd_ipc_pending {
	struct list_head node;		/* on ksmbd_ipc_pending_list */
	u32 handle;
	struct completion done;
	u8 *attrs;			/* the reply's attributes, set before done */
	int attrs_len;
};

/* Protects ksmbd_ipc_pending_list. */
static DEFINE_MUTEX(ksmbd_ipc_pending_lock);
static LIST_HEAD(ksmbd_ipc_pending_list);
static atomic_t ksmbd_ipc_next_handle = ATOMIC_INIT(0);

int ksmbd_ipc_reply(const struct genl_info *info)
{
	struct ksmbd_ipc_pending *p;
	u32 handle;
	int ret = -ENOENT;

	if (!info->attrs[KSMBD_A_HANDLE])
		return -EINVAL;
	handle = nla_get_u32(info->attrs[KSMBD_A_HANDLE]);
	mutex_lock(&ksmbd_ipc_pending_lock);
	list_for_each_entry(p, &ksmbd_ipc_pending_list, node) {
		if (p->handle != handle || p->attrs)
			continue;
		p->attrs = kmemdup(genlmsg_data(info->genlhdr), genlmsg_len(info->genlhdr),
				   GFP_KERNEL);
		ret = p->attrs ? 0 : -ENOMEM;
		if (p->attrs) {
			p->attrs_len = genlmsg_len(info->genlhdr);
			complete(&p->done);
		}
		break;
	}
	mutex_unlock(&ksmbd_ipc_pending_lock);
	return ret;
}

/* Send @skb (consumed) and wait for the reply to @p; the reply's attributes in @tb. */
static int ksmbd_ipc_call(struct sk_buff *skb, struct ksmbd_ipc_pending *p,
			  struct nlattr **tb, int maxattr)
{
	struct nlattr *a;
	int ret, rem;

	init_completion(&p->done);
	p->attrs = NULL;
	mutex_lock(&ksmbd_ipc_pending_lock);
	list_add_tail(&p->node, &ksmbd_ipc_pending_list);
	mutex_unlock(&ksmbd_ipc_pending_lock);

	ret = ksmbd_ipc_send(skb);
	if (!ret && !wait_for_completion_timeout(&p->done, msecs_to_jiffies(KSMBD_IPC_TIMEOUT_MS)))
		ret = -ETIMEDOUT;

	mutex_lock(&ksmbd_ipc_pending_lock);
	list_del(&p->node);
	mutex_unlock(&ksmbd_ipc_pending_lock);
	if (ret) {
		kfree(p->attrs);	/* a reply that raced the timeout */
		p->attrs = NULL;
		return ret;
	}
	/* The family policy already validated every attribute of the reply. */
	memset(tb, 0, sizeof(*tb) * (maxattr + 1));
	nla_for_each_attr(a, (struct nlattr *)p->attrs, p->attrs_len, rem)
		if (nla_type(a) <= maxattr)
			tb[nla_type(a)] = a;
	return 0;
}

/*
 * A request of @cmd about session @auth_id with room for @payload more bytes
 * of attributes; the header, KSMBD_A_HANDLE and KSMBD_A_AUTH_ID are in place.
 */
static struct sk_buff *ksmbd_ipc_request(u8 cmd, u64 auth_id, size_t payload,
					 struct ksmbd_ipc_pending *p, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(nla_total_size(4) + nla_total_size_64bit(8) + payload,
					  GFP_KERNEL);

	if (!skb)
		return NULL;
	p->handle = atomic_inc_return(&ksmbd_ipc_next_handle);
	*hdr = ksmbd_ipc_msg_put(skb, cmd);
	if (!*hdr || nla_put_u32(skb, KSMBD_A_HANDLE, p->handle) ||
	    nla_put_u64_64bit(skb, KSMBD_A_AUTH_ID, auth_id, KSMBD_A_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Finish @skb, send it and wait: the reply's NTSTATUS and a copy of its blob. */
static int ksmbd_ipc_exchange(struct sk_buff *skb, void *hdr, struct ksmbd_ipc_pending *p,
			      struct nlattr **tb, __le32 *status, u8 **blob, u32 *len)
{
	int ret;

	genlmsg_end(skb, hdr);
	*blob = NULL;
	*len = 0;
	ret = ksmbd_ipc_call(skb, p, tb, KSMBD_A_MAX);
	if (ret)
		return ret;
	if (!tb[KSMBD_A_NTSTATUS])
		return -EPROTO;
	*status = cpu_to_le32(nla_get_u32(tb[KSMBD_A_NTSTATUS]));
	if (tb[KSMBD_A_BLOB] && nla_len(tb[KSMBD_A_BLOB])) {
		*len = nla_len(tb[KSMBD_A_BLOB]);
		*blob = kmemdup(nla_data(tb[KSMBD_A_BLOB]), *len, GFP_KERNEL);
		if (!*blob)
			return -ENOMEM;
	}
	return 0;
}

int ksmbd_ipc_login(u64 auth_id, const char *client, const void *blob, size_t len,
		    struct ksmbd_login *out)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct ksmbd_ipc_pending p;
	struct sk_buff *skb;
	void *hdr;
	u32 blob_len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > KSMBD_BLOB_MAX)
		return -EMSGSIZE;
	skb = ksmbd_ipc_request(KSMBD_CMD_LOGIN, auth_id, nla_total_size(len) +
				nla_total_size(strlen(client) + 1), &p, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put(skb, KSMBD_A_BLOB, len, blob) ||
	    nla_put_string(skb, KSMBD_A_CLIENT_ADDR, client)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	ret = ksmbd_ipc_exchange(skb, hdr, &p, tb, &out->status, &out->blob, &blob_len);
	out->blob_len = blob_len;
	if (!ret) {
		if (tb[KSMBD_A_SESSION_KEY])
			memcpy(out->session_key, nla_data(tb[KSMBD_A_SESSION_KEY]),
			       KSMBD_SESSION_KEY_SIZE);
		if (tb[KSMBD_A_USER_NAME])
			nla_strscpy(out->user, tb[KSMBD_A_USER_NAME], sizeof(out->user));
		if (tb[KSMBD_A_LOGIN_FLAGS])
			out->flags = nla_get_u32(tb[KSMBD_A_LOGIN_FLAGS]);
		if (tb[KSMBD_A_USER_SID]) {
			out->user_sid_len = nla_len(tb[KSMBD_A_USER_SID]);
			memcpy(out->user_sid, nla_data(tb[KSMBD_A_USER_SID]), out->user_sid_len);
		}
		if (tb[KSMBD_A_GROUP_SID]) {
			out->group_sid_len = nla_len(tb[KSMBD_A_GROUP_SID]);
			memcpy(out->group_sid, nla_data(tb[KSMBD_A_GROUP_SID]),
			       out->group_sid_len);
		}
	}
	kfree(p.attrs);
	if (ret)
		ksmbd_login_release(out);
	return ret;
}

int ksmbd_ipc_tree_connect(u64 auth_id, const char *user, u32 login_flags, const char *client,
			   const char *share, struct ksmbd_share_info *out)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct ksmbd_ipc_pending p;
	struct sk_buff *skb;
	void *hdr;
	u8 *unused;
	u32 len;
	int ret;

	memset(out, 0, sizeof(*out));
	skb = ksmbd_ipc_request(KSMBD_CMD_TREE_CONNECT, auth_id, nla_total_size(4) +
				nla_total_size(strlen(share) + 1) + nla_total_size(strlen(user) + 1) +
				nla_total_size(strlen(client) + 1), &p, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put_string(skb, KSMBD_A_SHARE_NAME, share) ||
	    nla_put_string(skb, KSMBD_A_USER_NAME, user) ||
	    nla_put_u32(skb, KSMBD_A_LOGIN_FLAGS, login_flags) ||
	    nla_put_string(skb, KSMBD_A_CLIENT_ADDR, client)) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	ret = ksmbd_ipc_exchange(skb, hdr, &p, tb, &out->status, &unused, &len);
	kfree(unused);
	if (!ret && tb[KSMBD_A_SHARE_FLAGS])
		out->flags = nla_get_u32(tb[KSMBD_A_SHARE_FLAGS]);
	if (!ret && tb[KSMBD_A_SHARE_PATH]) {
		out->path = kstrdup(nla_data(tb[KSMBD_A_SHARE_PATH]), GFP_KERNEL);
		if (!out->path)
			ret = -ENOMEM;
	}
	kfree(p.attrs);
	return ret;
}

int ksmbd_ipc_pipe(u64 auth_id, u64 pipe_id, u8 op, const char *name, const void *in,
		   u32 in_len, u32 max, struct ksmbd_pipe_result *out)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct ksmbd_ipc_pending p;
	struct sk_buff *skb;
	void *hdr;
	int ret;

	memset(out, 0, sizeof(*out));
	if (in_len > KSMBD_BLOB_MAX)
		return -EMSGSIZE;
	skb = ksmbd_ipc_request(KSMBD_CMD_PIPE, auth_id, 2 * nla_total_size(4) +
				nla_total_size_64bit(8) + nla_total_size(name ? strlen(name) + 1 : 0) +
				nla_total_size(in_len), &p, &hdr);
	if (!skb)
		return -ENOMEM;
	if (nla_put_u64_64bit(skb, KSMBD_A_PIPE_ID, pipe_id, KSMBD_A_PAD) ||
	    nla_put_u8(skb, KSMBD_A_PIPE_OP, op) ||
	    (name && nla_put_string(skb, KSMBD_A_PIPE_NAME, name)) ||
	    (in && nla_put(skb, KSMBD_A_BLOB, in_len, in)) ||
	    (max && nla_put_u32(skb, KSMBD_A_PIPE_MAX, max))) {
		nlmsg_free(skb);
		return -EMSGSIZE;
	}
	ret = ksmbd_ipc_exchange(skb, hdr, &p, tb, &out->status, &out->data, &out->len);
	kfree(p.attrs);
	if (ret) {
		kfree(out->data);
		out->data = NULL;
	}
	return ret;
}

void ksmbd_login_release(struct ksmbd_login *l)
{
	kfree(l->blob);
	memzero_explicit(l, sizeof(*l));
}

void ksmbd_ipc_logout(u64 auth_id)
{
	struct sk_buff *skb = genlmsg_new(nla_total_size_64bit(8), GFP_KERNEL);
	void *hdr;

	if (!skb)
		return;
	hdr = ksmbd_ipc_msg_put(skb, KSMBD_CMD_LOGOUT);
	if (!hdr || nla_put_u64_64bit(skb, KSMBD_A_AUTH_ID, auth_id, KSMBD_A_PAD)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	ksmbd_ipc_send(skb);
}

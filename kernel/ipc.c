// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family of include/uapi/ksmbd_cluster.h: the HELLO
 * handshake, START with the node configuration, and fail-safe behaviour when
 * the attached peer goes away.
 */
#define pr_fmt(fmt) "ksmbd_cluster: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <uapi/ksmbd_cluster.h>
#include "ipc.h"
#include "ipc_internal.h"
#include "port.h"
#include "server.h"

/* Protects ksmbd_ipc_attached, ksmbd_ipc_peer and ksmbd_ipc_net. */
static DEFINE_MUTEX(ksmbd_ipc_lock);
static bool ksmbd_ipc_attached;
static u32 ksmbd_ipc_peer;
static struct net *ksmbd_ipc_net;

static struct workqueue_struct *ksmbd_ipc_wq;
static struct work_struct ksmbd_ipc_stop_work;

static const struct nla_policy ksmbd_policy[KSMBD_A_MAX + 1] = {
	[KSMBD_A_PROTO_VERSION]	= { .type = NLA_U32 },
	[KSMBD_A_PEER_VERSION]	= { .type = NLA_NUL_STRING, .len = KSMBD_PEER_VERSION_MAX },
	[KSMBD_A_ENGINE_KIND]	= NLA_POLICY_RANGE(NLA_U8, KSMBD_ENGINE_KERNEL, KSMBD_ENGINE_USER),
	[KSMBD_A_STATUS]	= { .type = NLA_U32 },
	[KSMBD_A_NODE_NAME]	= { .type = NLA_NUL_STRING, .len = KSMBD_NODE_NAME_MAX },
	[KSMBD_A_NETBIOS_NAME]	= { .type = NLA_NUL_STRING, .len = KSMBD_NETBIOS_NAME_MAX },
	[KSMBD_A_SERVER_STRING]	= { .type = NLA_NUL_STRING, .len = KSMBD_SERVER_STRING_MAX },
	[KSMBD_A_TCP_PORTS]	= { .type = NLA_NESTED },
	[KSMBD_A_TCP_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[KSMBD_A_BIND_ADDRS]	= { .type = NLA_NESTED },
	[KSMBD_A_BIND_ADDR]	= NLA_POLICY_EXACT_LEN(16),
	[KSMBD_A_MIN_DIALECT]	= NLA_POLICY_RANGE(NLA_U16, 0x0202, 0x0311),
	[KSMBD_A_MAX_DIALECT]	= NLA_POLICY_RANGE(NLA_U16, 0x0202, 0x0311),
	[KSMBD_A_SIGNING]	= NLA_POLICY_MAX(NLA_U8, KSMBD_SIGNING_DISABLED),
	[KSMBD_A_ENCRYPTION]	= NLA_POLICY_MAX(NLA_U8, KSMBD_ENCRYPTION_REQUIRED),
	[KSMBD_A_MULTI_CHANNEL]	= NLA_POLICY_MAX(NLA_U8, 1),
	[KSMBD_A_SPNEGO_TOKEN]	= { .type = NLA_BINARY, .len = KSMBD_SPNEGO_TOKEN_MAX },
	[KSMBD_A_HANDLE]	= { .type = NLA_U32 },
	[KSMBD_A_AUTH_ID]	= { .type = NLA_U64 },
	[KSMBD_A_BLOB]		= { .type = NLA_BINARY, .len = KSMBD_BLOB_MAX },
	[KSMBD_A_CLIENT_ADDR]	= { .type = NLA_NUL_STRING, .len = KSMBD_CLIENT_ADDR_MAX },
	[KSMBD_A_NTSTATUS]	= { .type = NLA_U32 },
	[KSMBD_A_SESSION_KEY]	= NLA_POLICY_EXACT_LEN(KSMBD_SESSION_KEY_SIZE),
	[KSMBD_A_USER_NAME]	= { .type = NLA_NUL_STRING, .len = KSMBD_USER_NAME_MAX },
	[KSMBD_A_LOGIN_FLAGS]	= { .type = NLA_U32 },
	[KSMBD_A_SHARE_NAME]	= { .type = NLA_NUL_STRING, .len = KSMBD_SHARE_NAME_MAX },
	[KSMBD_A_SHARE_PATH]	= { .type = NLA_NUL_STRING, .len = KSMBD_SHARE_PATH_MAX },
	[KSMBD_A_SHARE_FLAGS]	= { .type = NLA_U32 },
	[KSMBD_A_PIPE_ID]	= { .type = NLA_U64 },
	[KSMBD_A_PIPE_OP]	= NLA_POLICY_RANGE(NLA_U8, KSMBD_PIPE_OPEN, KSMBD_PIPE_CLOSE),
	[KSMBD_A_PIPE_NAME]	= { .type = NLA_NUL_STRING, .len = KSMBD_SHARE_NAME_MAX },
	[KSMBD_A_PIPE_MAX]	= { .type = NLA_U32 },
};

static struct genl_family ksmbd_genl_family;

static int ksmbd_ipc_hello(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	u32 version, status = 0;
	void *hdr;

	if (!info->attrs[KSMBD_A_PROTO_VERSION]) {
		NL_SET_ERR_MSG(info->extack, "HELLO without a protocol version");
		return -EINVAL;
	}
	version = nla_get_u32(info->attrs[KSMBD_A_PROTO_VERSION]);

	mutex_lock(&ksmbd_ipc_lock);
	if (version != KSMBD_CLUSTER_PROTO_VERSION) {
		pr_err("refusing peer %u: it speaks IPC protocol %u, this engine %u\n",
		       info->snd_portid, version, KSMBD_CLUSTER_PROTO_VERSION);
		status = EPROTO;
	} else if (ksmbd_ipc_attached && ksmbd_ipc_peer != info->snd_portid) {
		pr_warn("refusing peer %u: peer %u is attached\n", info->snd_portid,
			ksmbd_ipc_peer);
		status = EBUSY;
	} else {
		ksmbd_ipc_attached = true;
		ksmbd_ipc_peer = info->snd_portid;
		ksmbd_ipc_net = genl_info_net(info);
		pr_info("peer %u attached\n", info->snd_portid);
	}
	mutex_unlock(&ksmbd_ipc_lock);

	reply = genlmsg_new(2 * nla_total_size(sizeof(u32)) + nla_total_size(sizeof(u8)) +
			    nla_total_size(KSMBD_PEER_VERSION_MAX + 1), GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	hdr = genlmsg_put(reply, info->snd_portid, info->snd_seq, &ksmbd_genl_family, 0,
			  KSMBD_CMD_HELLO);
	if (!hdr ||
	    nla_put_u32(reply, KSMBD_A_PROTO_VERSION, KSMBD_CLUSTER_PROTO_VERSION) ||
	    nla_put_string(reply, KSMBD_A_PEER_VERSION, KC_VERSION) ||
	    nla_put_u8(reply, KSMBD_A_ENGINE_KIND, ksmbd_port_engine_kind) ||
	    nla_put_u32(reply, KSMBD_A_STATUS, status)) {
		nlmsg_free(reply);
		return -EMSGSIZE;
	}
	genlmsg_end(reply, hdr);
	return genlmsg_reply(reply, info);
}

/* Copy the nested list @nest of @type attributes of @len bytes each into @out. */
static int ksmbd_ipc_get_array(const struct nlattr *nest, int type, int len, void *out,
			       int max, struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type || nla_len(a) != len || n == max) {
			NL_SET_ERR_MSG_ATTR(extack, a, "bad list element");
			return -EINVAL;
		}
		memcpy((u8 *)out + n * len, nla_data(a), len);
		n++;
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "trailing bytes in list");
		return -EINVAL;
	}
	return n;
}

static int ksmbd_ipc_parse_start(struct genl_info *info, struct ksmbd_server_config *cfg)
{
	struct nlattr **a = info->attrs;
	int i, n;

	if (!a[KSMBD_A_NODE_NAME] || !a[KSMBD_A_NETBIOS_NAME] || !a[KSMBD_A_SERVER_STRING] ||
	    !a[KSMBD_A_TCP_PORTS] || !a[KSMBD_A_MIN_DIALECT] || !a[KSMBD_A_MAX_DIALECT] ||
	    !a[KSMBD_A_SIGNING] || !a[KSMBD_A_ENCRYPTION]) {
		NL_SET_ERR_MSG(info->extack, "START lacks a required attribute");
		return -EINVAL;
	}
	nla_strscpy(cfg->node_name, a[KSMBD_A_NODE_NAME], sizeof(cfg->node_name));
	nla_strscpy(cfg->netbios_name, a[KSMBD_A_NETBIOS_NAME], sizeof(cfg->netbios_name));
	nla_strscpy(cfg->server_string, a[KSMBD_A_SERVER_STRING], sizeof(cfg->server_string));

	n = ksmbd_ipc_get_array(a[KSMBD_A_TCP_PORTS], KSMBD_A_TCP_PORT, sizeof(u16),
				cfg->ports, KSMBD_MAX_TCP_PORTS, info->extack);
	if (n < 0)
		return n;
	cfg->nr_ports = n;
	for (i = 0; i < n; i++) {
		if (!cfg->ports[i]) {
			NL_SET_ERR_MSG(info->extack, "TCP port 0");
			return -EINVAL;
		}
	}
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no TCP port");
		return -EINVAL;
	}
	if (a[KSMBD_A_BIND_ADDRS]) {
		n = ksmbd_ipc_get_array(a[KSMBD_A_BIND_ADDRS], KSMBD_A_BIND_ADDR, 16,
					cfg->bind_addrs, KSMBD_MAX_BIND_ADDRS, info->extack);
		if (n < 0)
			return n;
		cfg->nr_bind_addrs = n;
	}
	cfg->min_dialect = nla_get_u16(a[KSMBD_A_MIN_DIALECT]);
	cfg->max_dialect = nla_get_u16(a[KSMBD_A_MAX_DIALECT]);
	if (cfg->min_dialect > cfg->max_dialect) {
		NL_SET_ERR_MSG(info->extack, "minimum dialect above maximum");
		return -EINVAL;
	}
	cfg->signing = nla_get_u8(a[KSMBD_A_SIGNING]);
	cfg->encryption = nla_get_u8(a[KSMBD_A_ENCRYPTION]);
	cfg->no_multichannel = a[KSMBD_A_MULTI_CHANNEL] && !nla_get_u8(a[KSMBD_A_MULTI_CHANNEL]);
	if (a[KSMBD_A_SPNEGO_TOKEN]) {
		cfg->spnego_len = nla_len(a[KSMBD_A_SPNEGO_TOKEN]);
		memcpy(cfg->spnego_token, nla_data(a[KSMBD_A_SPNEGO_TOKEN]), cfg->spnego_len);
	}
	return 0;
}

static int ksmbd_ipc_start(struct sk_buff *skb, struct genl_info *info)
{
	struct ksmbd_server_config *cfg;
	bool ours;
	int ret;

	mutex_lock(&ksmbd_ipc_lock);
	ours = ksmbd_ipc_attached && ksmbd_ipc_peer == info->snd_portid;
	mutex_unlock(&ksmbd_ipc_lock);
	if (!ours) {
		NL_SET_ERR_MSG(info->extack, "START before a successful HELLO");
		return -EPERM;
	}

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ret = ksmbd_ipc_parse_start(info, cfg);
	if (!ret)
		ret = ksmbd_server_start(cfg);
	switch (ret) {
	case 0:
	case -EINVAL:	/* the parser said why */
		break;
	case -EALREADY:
		NL_SET_ERR_MSG(info->extack, "engine is already serving");
		break;
	case -EADDRINUSE:
		NL_SET_ERR_MSG(info->extack, "TCP port already in use");
		break;
	case -EADDRNOTAVAIL:
		NL_SET_ERR_MSG(info->extack, "bind address is not on this host");
		break;
	case -EACCES:
		NL_SET_ERR_MSG(info->extack, "not allowed to bind the TCP port");
		break;
	default:
		NL_SET_ERR_MSG(info->extack, "cannot listen");
		break;
	}
	kfree(cfg);
	return ret;
}

/* LOGIN_REPLY, TREE_CONNECT_REPLY, PIPE_REPLY: an answer to a request of ipc_request.c. */
static int ksmbd_ipc_peer_reply(struct sk_buff *skb, struct genl_info *info)
{
	bool ours;

	mutex_lock(&ksmbd_ipc_lock);
	ours = ksmbd_ipc_attached && ksmbd_ipc_peer == info->snd_portid;
	mutex_unlock(&ksmbd_ipc_lock);
	if (!ours) {
		NL_SET_ERR_MSG(info->extack, "reply from a peer that is not attached");
		return -EPERM;
	}
	return ksmbd_ipc_reply(info);
}

void *ksmbd_ipc_msg_put(struct sk_buff *skb, u8 cmd)
{
	return genlmsg_put(skb, 0, 0, &ksmbd_genl_family, 0, cmd);
}

int ksmbd_ipc_send(struct sk_buff *skb)
{
	struct net *net;
	u32 portid;

	mutex_lock(&ksmbd_ipc_lock);
	if (!ksmbd_ipc_attached) {
		mutex_unlock(&ksmbd_ipc_lock);
		nlmsg_free(skb);
		return -ENOTCONN;
	}
	portid = ksmbd_ipc_peer;
	net = ksmbd_ipc_net;
	mutex_unlock(&ksmbd_ipc_lock);
	return genlmsg_unicast(net, skb, portid);
}

static const struct genl_small_ops ksmbd_genl_ops[] = {
	{
		.cmd = KSMBD_CMD_HELLO,
		.doit = ksmbd_ipc_hello,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSMBD_CMD_START,
		.doit = ksmbd_ipc_start,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSMBD_CMD_LOGIN_REPLY,
		.doit = ksmbd_ipc_peer_reply,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSMBD_CMD_TREE_CONNECT_REPLY,
		.doit = ksmbd_ipc_peer_reply,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = KSMBD_CMD_PIPE_REPLY,
		.doit = ksmbd_ipc_peer_reply,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family ksmbd_genl_family = {
	.name = KSMBD_CLUSTER_GENL_NAME,
	.version = KSMBD_CLUSTER_GENL_VERSION,
	.maxattr = KSMBD_A_MAX,
	.policy = ksmbd_policy,
	.module = THIS_MODULE,
	.small_ops = ksmbd_genl_ops,
	.n_small_ops = ARRAY_SIZE(ksmbd_genl_ops),
	.resv_start_op = KSMBD_CMD_MAX + 1,
};

static void ksmbd_ipc_stop_fn(struct work_struct *work)
{
	ksmbd_server_stop();
}

void ksmbd_ipc_peer_gone(u32 portid)
{
	mutex_lock(&ksmbd_ipc_lock);
	if (ksmbd_ipc_attached && ksmbd_ipc_peer == portid) {
		ksmbd_ipc_attached = false;
		pr_warn("peer %u went away: stopping service\n", portid);
		queue_work(ksmbd_ipc_wq, &ksmbd_ipc_stop_work);
	}
	mutex_unlock(&ksmbd_ipc_lock);
}

int ksmbd_ipc_init(void)
{
	int ret;

	ksmbd_ipc_wq = alloc_workqueue("ksmbd-ipc", WQ_UNBOUND, 1);
	if (!ksmbd_ipc_wq)
		return -ENOMEM;
	INIT_WORK(&ksmbd_ipc_stop_work, ksmbd_ipc_stop_fn);
	ret = genl_register_family(&ksmbd_genl_family);
	if (ret)
		goto err_wq;
	ret = ksmbd_port_ipc_init();
	if (ret)
		goto err_family;
	return 0;

err_family:
	genl_unregister_family(&ksmbd_genl_family);
err_wq:
	destroy_workqueue(ksmbd_ipc_wq);
	return ret;
}

void ksmbd_ipc_exit(void)
{
	ksmbd_port_ipc_exit();
	genl_unregister_family(&ksmbd_genl_family);
	/* Drains a pending stop. */
	destroy_workqueue(ksmbd_ipc_wq);
}

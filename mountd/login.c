// SPDX-License-Identifier: GPL-2.0-or-later
/* mountd's answers to the engine's LOGIN and LOGOUT messages (see login.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <uapi/ksmbd_cluster.h>
#include "log.h"
#include "auth.h"
#include "login.h"
#include "pipes.h"
#include "shares.h"
#include "config.h"
#include "sid.h"

/* An authentication in progress: the legs of one SESSION_SETUP exchange. */
struct mountd_login_ctx {
	uint64_t auth_id;
	struct mountd_auth_session *s;
	struct mountd_login_ctx *next;
};

struct mountd_login {
	const struct kc_conf *const *confp;	/* the running configuration */
	struct mountd_pipes *pipes;
	struct mountd_auth *auth;
	struct mountd_login_ctx *ctxs;
};

static struct nla_policy login_policy[KSMBD_A_MAX + 1] = {
	[KSMBD_A_HANDLE]	= { .type = NLA_U32 },
	[KSMBD_A_AUTH_ID]	= { .type = NLA_U64 },
	[KSMBD_A_BLOB]		= { .type = NLA_UNSPEC, .maxlen = KSMBD_BLOB_MAX },
	[KSMBD_A_CLIENT_ADDR]	= { .type = NLA_NUL_STRING, .maxlen = KSMBD_CLIENT_ADDR_MAX + 1 },
	[KSMBD_A_SHARE_NAME]	= { .type = NLA_NUL_STRING, .maxlen = KSMBD_SHARE_NAME_MAX + 1 },
	[KSMBD_A_USER_NAME]	= { .type = NLA_NUL_STRING, .maxlen = KSMBD_USER_NAME_MAX + 1 },
	[KSMBD_A_LOGIN_FLAGS]	= { .type = NLA_U32 },
	[KSMBD_A_PIPE_ID]	= { .type = NLA_U64 },
	[KSMBD_A_PIPE_OP]	= { .type = NLA_U8 },
	[KSMBD_A_PIPE_NAME]	= { .type = NLA_NUL_STRING, .maxlen = KSMBD_SHARE_NAME_MAX + 1 },
	[KSMBD_A_PIPE_MAX]	= { .type = NLA_U32 },
};

struct mountd_login *mountd_login_new(const struct kc_conf *const *confp)
{
	struct mountd_login *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->confp = confp;
	l->pipes = mountd_pipes_new();
	l->auth = mountd_auth_new(*confp);
	if (!l->pipes || !l->auth) {
		mountd_login_free(l);
		return NULL;
	}
	return l;
}

void mountd_login_set_users(struct mountd_login *l, struct kc_passdb *db)
{
	mountd_auth_set_users(l->auth, db, *l->confp);
}

/* The context of @auth_id; created when @create. */
static struct mountd_login_ctx **login_ctx(struct mountd_login *l, uint64_t auth_id, bool create)
{
	struct mountd_login_ctx **c, *n;

	for (c = &l->ctxs; *c; c = &(*c)->next)
		if ((*c)->auth_id == auth_id)
			return c;
	if (!create)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->s = mountd_auth_session_new(l->auth);
	if (!n->s) {
		free(n);
		return NULL;
	}
	n->auth_id = auth_id;
	*c = n;
	return c;
}

static void login_ctx_drop(struct mountd_login_ctx **c)
{
	struct mountd_login_ctx *dead = *c;

	*c = dead->next;
	mountd_auth_session_free(dead->s);
	free(dead);
}

void mountd_login_free(struct mountd_login *l)
{
	if (!l)
		return;
	while (l->ctxs)
		login_ctx_drop(&l->ctxs);
	mountd_auth_free(l->auth);
	mountd_pipes_free(l->pipes);
	free(l);
}

/* The LOGIN_REPLY for @res. */
static int login_reply(struct mountd_login *l, struct kc_nlchan *ch, unsigned int handle,
		       const struct mountd_auth_result *res)
{
	static const uint8_t no_key[KSMBD_SESSION_KEY_SIZE];
	uint8_t user_sid[KC_SID_MAX_SIZE], group_sid[KC_SID_MAX_SIZE];
	size_t user_sid_len = 0, group_sid_len = 0;
	struct nl_msg *msg = kc_nlchan_msg(ch, KSMBD_CMD_LOGIN_REPLY, 0);
	bool ok = res->status == MOUNTD_AUTH_SUCCESS;
	uint32_t flags = (res->guest ? KSMBD_LOGIN_GUEST : 0) |
			 (res->anonymous ? KSMBD_LOGIN_ANONYMOUS : 0);

	/* The session's SIDs (lib/sid.h); anonymous sessions have none of the domain. */
	if (ok && !res->anonymous) {
		uint32_t dom[3];

		kc_sid_domain(kc_conf_str(kc_conf_global(*l->confp), "netbios name"), dom);
		user_sid_len = kc_sid_encode_domain(dom, res->guest ? KC_SID_GUEST :
						    kc_sid_user_rid(res->user ? res->user : ""),
						    user_sid);
		group_sid_len = kc_sid_encode_domain(dom, res->guest ? KC_SID_DOMAIN_GUESTS :
						     KC_SID_DOMAIN_USERS, group_sid);
	}
	if (!msg || nla_put_u32(msg, KSMBD_A_HANDLE, handle) ||
	    nla_put_u32(msg, KSMBD_A_NTSTATUS, res->ntstatus) ||
	    (res->blob_len && nla_put(msg, KSMBD_A_BLOB, res->blob_len, res->blob)) ||
	    (ok && nla_put(msg, KSMBD_A_SESSION_KEY, KSMBD_SESSION_KEY_SIZE,
			   res->has_session_key ? res->session_key : no_key)) ||
	    (ok && nla_put_string(msg, KSMBD_A_USER_NAME, res->user ? res->user : "")) ||
	    (ok && nla_put_u32(msg, KSMBD_A_LOGIN_FLAGS, flags)) ||
	    (user_sid_len && nla_put(msg, KSMBD_A_USER_SID, user_sid_len, user_sid)) ||
	    (group_sid_len && nla_put(msg, KSMBD_A_GROUP_SID, group_sid_len, group_sid))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return kc_nlchan_send(ch, msg);
}

/* One SESSION_SETUP leg. */
static int login_step(struct mountd_login *l, struct kc_nlchan *ch, struct nlattr **tb)
{
	unsigned int handle = nla_get_u32(tb[KSMBD_A_HANDLE]);
	uint64_t auth_id = nla_get_u64(tb[KSMBD_A_AUTH_ID]);
	const char *client = tb[KSMBD_A_CLIENT_ADDR] ? nla_data(tb[KSMBD_A_CLIENT_ADDR]) : "?";
	struct mountd_auth_result res = { 0 };
	struct mountd_login_ctx **c = login_ctx(l, auth_id, true);
	int ret;

	if (!c) {
		res.status = MOUNTD_AUTH_INTERNAL_ERROR;
		res.ntstatus = mountd_auth_ntstatus(res.status);
	} else {
		mountd_auth_step((*c)->s, tb[KSMBD_A_BLOB] ? nla_data(tb[KSMBD_A_BLOB]) : NULL,
				 tb[KSMBD_A_BLOB] ? (size_t)nla_len(tb[KSMBD_A_BLOB]) : 0, &res);
		if (res.status != MOUNTD_AUTH_MORE_PROCESSING)
			login_ctx_drop(c);
	}
	if (res.status == MOUNTD_AUTH_SUCCESS)
		log_info("%s: logged on as %s%s%s%s", client,
			 res.anonymous ? "anonymous" : res.guest ? "guest" : res.user,
			 res.guest && res.client_user ? " (map to guest, client sent '" : "",
			 res.guest && res.client_user ? res.client_user : "",
			 res.guest && res.client_user ? "')" : "");
	else if (res.status != MOUNTD_AUTH_MORE_PROCESSING)
		log_info("%s: logon failed: %s", client, res.error[0] ? res.error : "refused");
	ret = login_reply(l, ch, handle, &res);
	mountd_auth_result_clear(&res);
	return ret;
}

/* TREE_CONNECT: the configuration decides. */
static int tree_connect(struct mountd_login *l, struct kc_nlchan *ch, struct nlattr **tb)
{
	unsigned int handle = nla_get_u32(tb[KSMBD_A_HANDLE]);
	const char *share = nla_data(tb[KSMBD_A_SHARE_NAME]);
	const char *user = tb[KSMBD_A_USER_NAME] ? nla_data(tb[KSMBD_A_USER_NAME]) : "";
	unsigned int flags = tb[KSMBD_A_LOGIN_FLAGS] ? nla_get_u32(tb[KSMBD_A_LOGIN_FLAGS]) : 0;
	struct kc_share_grant g;
	struct nl_msg *msg;

	kc_share_check(*l->confp, share, user, flags & KSMBD_LOGIN_GUEST,
		       flags & KSMBD_LOGIN_ANONYMOUS, &g);
	log_debug("TREE_CONNECT %s by '%s': 0x%08x", share, user, g.status);
	msg = kc_nlchan_msg(ch, KSMBD_CMD_TREE_CONNECT_REPLY, 0);
	if (!msg || nla_put_u32(msg, KSMBD_A_HANDLE, handle) ||
	    nla_put_u32(msg, KSMBD_A_NTSTATUS, g.status) ||
	    nla_put_u32(msg, KSMBD_A_SHARE_FLAGS, g.flags) ||
	    (g.path && nla_put_string(msg, KSMBD_A_SHARE_PATH, g.path))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return kc_nlchan_send(ch, msg);
}

/* PIPE: one operation on a DCE/RPC pipe. */
static int pipe_op(struct mountd_login *l, struct kc_nlchan *ch, struct nlattr **tb)
{
	unsigned int handle = nla_get_u32(tb[KSMBD_A_HANDLE]);
	struct mountd_pipe_answer ans;
	struct nl_msg *msg;
	int ret = -ENOMEM;

	mountd_pipes_op(l->pipes, *l->confp, nla_get_u64(tb[KSMBD_A_PIPE_ID]),
			nla_get_u8(tb[KSMBD_A_PIPE_OP]),
			tb[KSMBD_A_PIPE_NAME] ? nla_data(tb[KSMBD_A_PIPE_NAME]) : NULL,
			tb[KSMBD_A_BLOB] ? nla_data(tb[KSMBD_A_BLOB]) : NULL,
			tb[KSMBD_A_BLOB] ? (size_t)nla_len(tb[KSMBD_A_BLOB]) : 0,
			tb[KSMBD_A_PIPE_MAX] ? nla_get_u32(tb[KSMBD_A_PIPE_MAX]) : 0, &ans);
	msg = kc_nlchan_msg(ch, KSMBD_CMD_PIPE_REPLY, 0);
	if (msg && !nla_put_u32(msg, KSMBD_A_HANDLE, handle) &&
	    !nla_put_u32(msg, KSMBD_A_NTSTATUS, ans.status) &&
	    !(ans.len && nla_put(msg, KSMBD_A_BLOB, ans.len, ans.data))) {
		ret = kc_nlchan_send(ch, msg);
		msg = NULL;
	}
	nlmsg_free(msg);
	free(ans.data);
	return ret;
}

static void login_message(struct mountd_login *l, struct kc_nlchan *ch, struct nlmsghdr *nlh)
{
	struct nlattr *tb[KSMBD_A_MAX + 1];
	struct genlmsghdr *g;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = nlmsg_data(nlh);

		/* The engine gave up on a request before our answer arrived. */
		log_debug("engine refused an answer: %s", strerror(-err->error));
		return;
	}
	if (nlh->nlmsg_type != kc_nlchan_family(ch) ||
	    genlmsg_parse(nlh, 0, tb, KSMBD_A_MAX, login_policy)) {
		log_warnx("malformed message from the engine (type %u)", nlh->nlmsg_type);
		return;
	}
	g = nlmsg_data(nlh);
	switch (g->cmd) {
	case KSMBD_CMD_LOGIN:
		if (!tb[KSMBD_A_HANDLE] || !tb[KSMBD_A_AUTH_ID])
			log_warnx("LOGIN without a handle or an authentication id");
		else if (login_step(l, ch, tb))
			log_warn("cannot answer LOGIN");
		break;
	case KSMBD_CMD_TREE_CONNECT:
		if (!tb[KSMBD_A_HANDLE] || !tb[KSMBD_A_SHARE_NAME])
			log_warnx("TREE_CONNECT without a handle or a share name");
		else if (tree_connect(l, ch, tb))
			log_warn("cannot answer TREE_CONNECT");
		break;
	case KSMBD_CMD_PIPE:
		if (!tb[KSMBD_A_HANDLE] || !tb[KSMBD_A_PIPE_ID] || !tb[KSMBD_A_PIPE_OP])
			log_warnx("PIPE without a handle, pipe id or operation");
		else if (pipe_op(l, ch, tb))
			log_warn("cannot answer PIPE");
		break;
	case KSMBD_CMD_LOGOUT:
		if (tb[KSMBD_A_AUTH_ID]) {
			struct mountd_login_ctx **c = login_ctx(l, nla_get_u64(tb[KSMBD_A_AUTH_ID]),
							      false);

			if (c)
				login_ctx_drop(c);
		}
		break;
	default:
		log_warnx("unexpected command %u from the engine", g->cmd);
		break;
	}
}

int mountd_login_dispatch(struct mountd_login *l, struct kc_nlchan *ch)
{
	struct nlmsghdr *nlh;
	int ret;

	while ((ret = kc_nlchan_next(ch, &nlh)) == 0)
		login_message(l, ch, nlh);
	return ret == -EAGAIN ? 0 : ret;
}

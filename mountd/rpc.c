// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The named pipes srvsvc and wkssvc: message buffering between the client's reads and writes
 * and a DCE/RPC association (lib/dcerpc.c), and the configuration snapshot the interfaces
 * answer from. See rpc.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpc.h"
#include "util.h"

struct rpc_pipe {
	const char *name;
	struct rpc_server srv;
	const struct dcerpc_iface *ifaces[1];
	struct dcerpc_conn *conn;
	uint8_t *in;		/* the PDU being received */
	size_t in_len, in_cap;
	size_t out_off;		/* bytes of the first queued message already read */
	bool broken;
};

static const struct {
	const char *name;
	const char *sec_addr;
	const struct dcerpc_iface *iface;
} rpc_pipes[] = {
	{ "srvsvc", "\\PIPE\\srvsvc", &srvsvc_iface },
	{ "wkssvc", "\\PIPE\\wkssvc", &wkssvc_iface },
};

/* ---- configuration snapshot ---------------------------------------------------------------- */

char *rpc_windows_path(const char *path)
{
	size_t i, len = strlen(path);
	char *w = malloc(len + 3);

	if (!w)
		return NULL;
	w[0] = 'C';
	w[1] = ':';
	for (i = 0; i <= len; i++)
		w[i + 2] = path[i] == '/' ? '\\' : path[i];
	return w;
}

static void share_release(struct rpc_share *s)
{
	free(s->name);
	free(s->comment);
	free(s->path);
}

void rpc_server_release(struct rpc_server *srv)
{
	size_t i;

	for (i = 0; i < srv->n_shares; i++)
		share_release(&srv->shares[i]);
	free(srv->shares);
	free(srv->netbios_name);
	free(srv->server_string);
	memset(srv, 0, sizeof(*srv));
}

static int share_set(struct rpc_share *s, const char *name, const char *comment,
		     const char *path)
{
	s->name = strdup(name);
	s->comment = strdup(comment ? comment : "");
	s->path = path ? rpc_windows_path(path) : strdup("");
	return s->name && s->comment && s->path ? 0 : -ENOMEM;
}

int rpc_server_snapshot(const struct kc_conf *conf, struct rpc_server *srv)
{
	const struct kc_conf_section *g = kc_conf_global(conf), *sec = NULL;
	const char *nb = kc_conf_str(g, "netbios name");
	const char *ss = kc_conf_str(g, "server string");
	bool encrypt = kc_conf_enum(g, "smb encrypt") == KC_CONF_ENCRYPT_REQUIRED;
	struct rpc_share *s;
	char *p;

	memset(srv, 0, sizeof(*srv));
	srv->netbios_name = strdup(nb && *nb ? nb : "KSMBD");
	srv->server_string = strdup(ss ? ss : "");
	srv->shares = calloc(kc_conf_share_count(conf) + 1, sizeof(*srv->shares));
	if (!srv->netbios_name || !srv->server_string || !srv->shares)
		goto nomem;
	for (p = srv->netbios_name; *p; p++)
		*p = (char)kc_toupper((unsigned char)*p);
	while ((sec = kc_conf_next_share(conf, sec))) {
		if (!kc_conf_bool(sec, "available"))
			continue;	/* switched off: not served, so not reported */
		s = &srv->shares[srv->n_shares++];
		if (share_set(s, kc_conf_section_name(sec), kc_conf_str(sec, "comment"),
			      kc_conf_str(sec, "path")))
			goto nomem;
		s->type = RPC_STYPE_DISKTREE;
		s->listed = kc_conf_bool(sec, "browseable");
		if (kc_conf_bool(sec, "continuous availability"))
			s->flags |= RPC_SHI1005_FLAGS_ENABLE_CA;
		if (encrypt || kc_conf_enum(sec, "smb encrypt") == KC_CONF_ENCRYPT_REQUIRED)
			s->flags |= RPC_SHI1005_FLAGS_ENCRYPT_DATA;
	}
	s = &srv->shares[srv->n_shares++];
	if (share_set(s, "IPC$", "Remote IPC", NULL))
		goto nomem;
	s->type = RPC_STYPE_IPC | RPC_STYPE_SPECIAL;
	s->listed = true;
	return 0;
nomem:
	rpc_server_release(srv);
	return -ENOMEM;
}

const struct rpc_share *rpc_server_share(const struct rpc_server *srv, const char *name)
{
	size_t i;

	for (i = 0; i < srv->n_shares; i++)
		if (!strcasecmp(srv->shares[i].name, name))
			return &srv->shares[i];
	return NULL;
}

int rpc_push_unsupported_arm(struct ndr_push *out, bool known)
{
	return known ? ndr_push_u32(out, 0) : ndr_push_error(out);
}

/* ---- pipes ---------------------------------------------------------------------------------- */

struct rpc_pipe *rpc_pipe_open(const char *name, const struct kc_conf *conf)
{
	struct rpc_pipe *pipe;
	size_t i;

	if (!strncasecmp(name, "\\PIPE\\", 6))
		name += 6;
	else if (name[0] == '\\')
		name++;
	for (i = 0; i < sizeof(rpc_pipes) / sizeof(rpc_pipes[0]); i++)
		if (!strcasecmp(name, rpc_pipes[i].name))
			break;
	if (i == sizeof(rpc_pipes) / sizeof(rpc_pipes[0])) {
		errno = ENOENT;
		return NULL;
	}
	pipe = calloc(1, sizeof(*pipe));
	if (!pipe)
		goto nomem;
	pipe->name = rpc_pipes[i].name;
	pipe->ifaces[0] = rpc_pipes[i].iface;
	if (rpc_server_snapshot(conf, &pipe->srv))
		goto nomem;
	pipe->conn = dcerpc_conn_new(pipe->ifaces, 1, rpc_pipes[i].sec_addr, &pipe->srv);
	if (!pipe->conn)
		goto nomem;
	return pipe;
nomem:
	rpc_pipe_close(pipe);
	errno = ENOMEM;
	return NULL;
}

void rpc_pipe_close(struct rpc_pipe *pipe)
{
	if (!pipe)
		return;
	dcerpc_conn_free(pipe->conn);
	rpc_server_release(&pipe->srv);
	free(pipe->in);
	free(pipe);
}

const char *rpc_pipe_name(const struct rpc_pipe *pipe)
{
	return pipe->name;
}

/* Move up to n bytes of data into the PDU buffer, which then holds at most want bytes. */
static size_t take_input(struct rpc_pipe *pipe, const uint8_t *data, size_t n, size_t want)
{
	size_t k = want - pipe->in_len;

	if (k > n)
		k = n;
	memcpy(pipe->in + pipe->in_len, data, k);
	pipe->in_len += k;
	return k;
}

int rpc_pipe_write(struct rpc_pipe *pipe, const uint8_t *data, size_t len)
{
	ssize_t frag;
	int ret;

	if (pipe->broken)
		return -EPROTO;
	if (dcerpc_conn_output_bytes(pipe->conn) >= DCERPC_MAX_OUTPUT)
		return -EBUSY;
	if (!pipe->in) {
		pipe->in_cap = UINT16_MAX;
		pipe->in = malloc(pipe->in_cap);
		if (!pipe->in) {
			ret = -ENOMEM;
			goto broken;
		}
	}
	while (len) {
		size_t k;

		/* the header first, then the rest of the fragment it announces */
		frag = dcerpc_pdu_length(pipe->in, pipe->in_len);
		if (frag >= 0) {
			k = take_input(pipe, data, len, frag ? (size_t)frag : 10);
			data += k;
			len -= k;
			frag = dcerpc_pdu_length(pipe->in, pipe->in_len);
		}
		if (frag < 0) {
			ret = -EPROTO;
			goto broken;
		}
		if (!frag || pipe->in_len < (size_t)frag)
			continue;
		pipe->in_len = 0;
		ret = dcerpc_conn_input(pipe->conn, pipe->in, (size_t)frag);
		if (ret)
			goto broken;
	}
	return 0;
broken:
	pipe->broken = true;
	return ret;
}

int rpc_pipe_read(struct rpc_pipe *pipe, uint8_t *out, size_t max, size_t *got)
{
	const uint8_t *msg;
	size_t len, n;

	*got = 0;
	if (pipe->broken)
		return -EPROTO;
	msg = dcerpc_conn_output(pipe->conn, &len);
	if (!msg)
		return -EAGAIN;
	n = len - pipe->out_off;
	if (n > max)
		n = max;
	memcpy(out, msg + pipe->out_off, n);
	*got = n;
	pipe->out_off += n;
	if (pipe->out_off < len)
		return RPC_PIPE_MORE;
	dcerpc_conn_output_pop(pipe->conn);
	pipe->out_off = 0;
	return 0;
}

int rpc_pipe_transact(struct rpc_pipe *pipe, const uint8_t *in, size_t in_len, uint8_t *out,
		      size_t max, size_t *got)
{
	int ret;

	*got = 0;
	if (pipe->broken)
		return -EPROTO;
	if (rpc_pipe_pending(pipe))
		return -EBUSY;
	ret = rpc_pipe_write(pipe, in, in_len);
	if (ret)
		return ret;
	return rpc_pipe_read(pipe, out, max, got);
}

void rpc_pipe_set_admin(struct rpc_pipe *pipe, bool admin)
{
	pipe->srv.admin = admin;
}

size_t rpc_pipe_pending(const struct rpc_pipe *pipe)
{
	return dcerpc_conn_output_bytes(pipe->conn) - pipe->out_off;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record schemas: one table per record type giving each field's tag, name, C member and
 * default, and the function that derives the record's key. pstore.h documents the fields.
 * Tags and type numbers are on disk: never renumber, only add (and bump the version).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "util.h"

#define F(T, tag, kind, flags, name, member, def) \
	{ tag, kind, flags, name, offsetof(T, member), 0, def, 0 }
#define FX(T, tag, flags, name, member) \
	{ tag, PS_K_FIXED, flags, name, offsetof(T, member), 0, 0, sizeof(((T *)0)->member) }
#define FKV(T, tag, name, member, count) \
	{ tag, PS_K_KVV, 0, name, offsetof(T, member), offsetof(T, count), 0, 0 }

static const struct ps_field share_fields[] = {
	F(struct pstore_share, 1, PS_K_STR, PS_F_REQUIRED, "name", name, 0),
	F(struct pstore_share, 2, PS_K_STR, PS_F_REQUIRED, "path", path, 0),
	F(struct pstore_share, 3, PS_K_STR, 0, "comment", comment, 0),
	F(struct pstore_share, 4, PS_K_BOOL, 0, "read only", read_only, 1),
	F(struct pstore_share, 5, PS_K_BOOL, 0, "guest ok", guest_ok, 0),
	F(struct pstore_share, 6, PS_K_STRV, 0, "valid users", valid_users, 0),
	F(struct pstore_share, 7, PS_K_STRV, 0, "invalid users", invalid_users, 0),
	F(struct pstore_share, 8, PS_K_BOOL, 0, "browseable", browseable, 1),
	F(struct pstore_share, 9, PS_K_BOOL, 0, "continuous availability",
	  continuous_availability, 0),
	FKV(struct pstore_share, 10, "parameter", params, n_params),
};

static const struct ps_field user_fields[] = {
	F(struct pstore_user, 1, PS_K_STR, PS_F_REQUIRED, "name", name, 0),
	FX(struct pstore_user, 2, PS_F_REQUIRED | PS_F_SECRET, "nt hash", nt_hash),
	F(struct pstore_user, 3, PS_K_OPT_U32, 0, "uid", uid, 0),
	F(struct pstore_user, 4, PS_K_OPT_U32, 0, "gid", gid, 0),
	F(struct pstore_user, 5, PS_K_U32, 0, "flags", flags, 0),
};

static const struct ps_field public_ip_fields[] = {
	F(struct pstore_public_ip, 1, PS_K_STR, PS_F_REQUIRED, "address", address, 0),
	F(struct pstore_public_ip, 2, PS_K_U32, 0, "prefix length", prefix_len, 0),
	F(struct pstore_public_ip, 3, PS_K_STR, 0, "interface", interface, 0),
	F(struct pstore_public_ip, 4, PS_K_STRV, 0, "home", home, 0),
};

static const struct ps_field option_fields[] = {
	F(struct pstore_option, 1, PS_K_STR, PS_F_REQUIRED, "key", key, 0),
	F(struct pstore_option, 2, PS_K_STR, PS_F_REQUIRED, "value", value, 0),
};

static const struct ps_field node_fields[] = {
	F(struct pstore_node, 1, PS_K_STR, PS_F_REQUIRED, "name", name, 0),
	F(struct pstore_node, 2, PS_K_U32, 0, "id", id, 0),
	F(struct pstore_node, 3, PS_K_STRV, 0, "address", addresses, 0),
	F(struct pstore_node, 4, PS_K_U32, 0, "state", state, PSTORE_NODE_ENABLED),
	F(struct pstore_node, 5, PS_K_U64, 0, "last seen", last_seen, 0),
};

static const struct ps_field handle_fields[] = {
	F(struct pstore_handle, 1, PS_K_U64, 0, "persistent id", persistent_id, 0),
	F(struct pstore_handle, 2, PS_K_U64, 0, "volatile id", volatile_id, 0),
	FX(struct pstore_handle, 3, 0, "create guid", create_guid),
	FX(struct pstore_handle, 4, 0, "client guid", client_guid),
	F(struct pstore_handle, 5, PS_K_U32, 0, "owner node", owner_node, 0),
	F(struct pstore_handle, 6, PS_K_STR, PS_F_REQUIRED, "share", share, 0),
	F(struct pstore_handle, 7, PS_K_STR, PS_F_REQUIRED, "path", path, 0),
	F(struct pstore_handle, 8, PS_K_U32, 0, "desired access", desired_access, 0),
	F(struct pstore_handle, 9, PS_K_U32, 0, "share access", share_access, 0),
	F(struct pstore_handle, 10, PS_K_U32, 0, "create options", create_options, 0),
	F(struct pstore_handle, 11, PS_K_U32, 0, "durable type", durable_type, 0),
	F(struct pstore_handle, 12, PS_K_U32, 0, "timeout ms", timeout_ms, 0),
	F(struct pstore_handle, 13, PS_K_U32, 0, "oplock level", oplock_level, 0),
	FX(struct pstore_handle, 14, 0, "lease key", lease_key),
	F(struct pstore_handle, 15, PS_K_STR, 0, "user", user, 0),
	F(struct pstore_handle, 16, PS_K_BYTES, 0, "state", state, 0),
};

static const struct ps_field lock_fields[] = {
	F(struct pstore_lock, 1, PS_K_U64, 0, "persistent id", persistent_id, 0),
	F(struct pstore_lock, 2, PS_K_U64, 0, "offset", offset, 0),
	F(struct pstore_lock, 3, PS_K_U64, 0, "length", length, 0),
	F(struct pstore_lock, 4, PS_K_BOOL, 0, "exclusive", exclusive, 0),
	F(struct pstore_lock, 5, PS_K_U32, 0, "owner node", owner_node, 0),
};

static const struct ps_field lease_fields[] = {
	FX(struct pstore_lease, 1, 0, "client guid", client_guid),
	FX(struct pstore_lease, 2, 0, "lease key", lease_key),
	FX(struct pstore_lease, 3, 0, "parent lease key", parent_lease_key),
	F(struct pstore_lease, 4, PS_K_U32, 0, "state", state, 0),
	F(struct pstore_lease, 5, PS_K_U32, 0, "epoch", epoch, 0),
	F(struct pstore_lease, 6, PS_K_U32, 0, "version", version, 0),
	F(struct pstore_lease, 7, PS_K_BOOL, 0, "breaking", breaking, 0),
	F(struct pstore_lease, 8, PS_K_U32, 0, "break to", break_to, 0),
	F(struct pstore_lease, 9, PS_K_STR, PS_F_REQUIRED, "share", share, 0),
	F(struct pstore_lease, 10, PS_K_STR, PS_F_REQUIRED, "path", path, 0),
	F(struct pstore_lease, 11, PS_K_U32, 0, "owner node", owner_node, 0),
};

static const struct ps_field connection_fields[] = {
	F(struct pstore_connection, 1, PS_K_U32, 0, "owner node", owner_node, 0),
	F(struct pstore_connection, 2, PS_K_STR, PS_F_REQUIRED, "server address", server_addr, 0),
	F(struct pstore_connection, 3, PS_K_U32, 0, "server port", server_port, 0),
	F(struct pstore_connection, 4, PS_K_STR, PS_F_REQUIRED, "client address", client_addr, 0),
	F(struct pstore_connection, 5, PS_K_U32, 0, "client port", client_port, 0),
	FX(struct pstore_connection, 6, 0, "client guid", client_guid),
	F(struct pstore_connection, 7, PS_K_U32, 0, "dialect", dialect, 0),
	F(struct pstore_connection, 8, PS_K_U64, 0, "established", established, 0),
};

/* ---- keys ------------------------------------------------------------------------------ */

static int key_done(int n, size_t size, struct pstore_err *err)
{
	if (n < 0 || (size_t)n >= size)
		return ps_fail(err, -EINVAL, "key longer than %u bytes", PSTORE_KEY_MAX);
	return 0;
}

static int need(const char *s, const char *what, struct pstore_err *err)
{
	if (!s || !*s)
		return ps_fail(err, -EINVAL, "%s is required for the key", what);
	return 0;
}

/* prefix + s with ASCII letters lowered; with squeeze, whitespace dropped too. */
static int key_folded(const char *prefix, const char *s, bool squeeze, char *buf, size_t size,
		      struct pstore_err *err)
{
	size_t n = strlen(prefix);

	if (n >= size)
		return ps_fail(err, -EINVAL, "key too long");
	memcpy(buf, prefix, n);
	for (; *s; s++) {
		if (squeeze && kc_isspace((unsigned char)*s))
			continue;
		if (n + 1 >= size)
			return ps_fail(err, -EINVAL, "key longer than %u bytes", PSTORE_KEY_MAX);
		buf[n++] = (char)kc_tolower((unsigned char)*s);
	}
	buf[n] = '\0';
	return 0;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int share_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_share *s = (const void *)rec;

	return need(s->name, "share name", err) ?:
	       key_folded("share:", s->name, false, buf, size, err);
}

static int user_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_user *u = (const void *)rec;

	return need(u->name, "user name", err) ?:
	       key_folded("user:", u->name, false, buf, size, err);
}

static int ip_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_public_ip *ip = (const void *)rec;

	return need(ip->address, "address", err) ?:
	       key_folded("ip:", ip->address, false, buf, size, err);
}

static int option_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_option *o = (const void *)rec;
	int rc = need(o->key, "option key", err);

	if (rc)
		return rc;
	rc = key_folded("option:", o->key, true, buf, size, err);
	if (!rc && !strcmp(buf, "option:"))
		rc = ps_fail(err, -EINVAL, "option key is only whitespace");
	return rc;
}

static int node_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_node *n = (const void *)rec;

	return key_done(snprintf(buf, size, "node:%010" PRIu32, n->id), size, err);
}

static int handle_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_handle *h = (const void *)rec;

	return key_done(snprintf(buf, size, "handle:%016" PRIx64, h->persistent_id), size, err);
}

static int lock_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_lock *l = (const void *)rec;

	return key_done(snprintf(buf, size, "lock:%016" PRIx64 ":%016" PRIx64 ":%016" PRIx64,
				 l->persistent_id, l->offset, l->length), size, err);
}

static int lease_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_lease *l = (const void *)rec;
	char g[2 * PSTORE_GUID_LEN + 1], k[2 * PSTORE_GUID_LEN + 1];

	hex(g, l->client_guid, PSTORE_GUID_LEN);
	hex(k, l->lease_key, PSTORE_GUID_LEN);
	return key_done(snprintf(buf, size, "lease:%s:%s", g, k), size, err);
}

static int conn_key(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err)
{
	const struct pstore_connection *c = (const void *)rec;

	if (need(c->server_addr, "server address", err) ||
	    need(c->client_addr, "client address", err))
		return -EINVAL;
	if (strchr(c->server_addr, '/') || strchr(c->client_addr, '/'))
		return ps_fail(err, -EINVAL, "an address contains '/'");
	if (c->server_port > 65535 || c->client_port > 65535)
		return ps_fail(err, -EINVAL, "port out of range");
	return key_done(snprintf(buf, size, "conn:%s/%05" PRIu32 "/%s/%05" PRIu32, c->server_addr,
				 c->server_port, c->client_addr, c->client_port), size, err);
}

/* ---- the table ---------------------------------------------------------------------------- */

#define TYPE(t, nm, ver, dbid, T, fl, keyfn) \
	[t] = { t, nm, ver, dbid, sizeof(T), fl, sizeof(fl) / sizeof(fl[0]), keyfn }

static const struct ps_type types[PSTORE_T_MAX + 1] = {
	TYPE(PSTORE_T_SHARE, "share", 1, PSTORE_DB_REGISTRY, struct pstore_share, share_fields,
	     share_key),
	TYPE(PSTORE_T_USER, "user", 1, PSTORE_DB_REGISTRY, struct pstore_user, user_fields,
	     user_key),
	TYPE(PSTORE_T_PUBLIC_IP, "public ip", 1, PSTORE_DB_REGISTRY, struct pstore_public_ip,
	     public_ip_fields, ip_key),
	TYPE(PSTORE_T_OPTION, "option", 1, PSTORE_DB_REGISTRY, struct pstore_option,
	     option_fields, option_key),
	TYPE(PSTORE_T_NODE, "node", 1, PSTORE_DB_NODES, struct pstore_node, node_fields,
	     node_key),
	TYPE(PSTORE_T_HANDLE, "handle", 1, PSTORE_DB_HANDLES, struct pstore_handle, handle_fields,
	     handle_key),
	TYPE(PSTORE_T_LOCK, "lock", 1, PSTORE_DB_LOCKS, struct pstore_lock, lock_fields, lock_key),
	TYPE(PSTORE_T_LEASE, "lease", 1, PSTORE_DB_LEASES, struct pstore_lease, lease_fields,
	     lease_key),
	TYPE(PSTORE_T_CONNECTION, "connection", 1, PSTORE_DB_CONNECTIONS, struct pstore_connection,
	     connection_fields, conn_key),
};

const struct ps_type *ps_type_get(enum pstore_type t)
{
	if ((unsigned int)t == 0 || (unsigned int)t > PSTORE_T_MAX)
		return NULL;
	return &types[t];
}

static const char *const db_names[PSTORE_DB_COUNT] = {
	[PSTORE_DB_REGISTRY] = "registry",
	[PSTORE_DB_NODES] = "nodes",
	[PSTORE_DB_HANDLES] = "handles",
	[PSTORE_DB_LOCKS] = "locks",
	[PSTORE_DB_LEASES] = "leases",
	[PSTORE_DB_CONNECTIONS] = "connections",
};

const char *pstore_db_name_of(enum pstore_dbid id)
{
	return (unsigned int)id < PSTORE_DB_COUNT ? db_names[id] : NULL;
}

int pstore_db_lookup(const char *name)
{
	for (int i = 0; i < PSTORE_DB_COUNT; i++)
		if (!strcmp(name, db_names[i]))
			return i;
	return -1;
}

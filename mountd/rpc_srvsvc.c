// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * srvsvc (MS-SRVS), interface 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0: NetrShareEnum
 * (opnum 15), NetrShareGetInfo (16) and NetrServerGetInfo (21). Every other opnum faults
 * with nca_s_op_rng_error. The values reported are explained in docs/rpc.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"

#define SRVSVC_OPNUM_NETR_SHARE_ENUM		15
#define SRVSVC_OPNUM_NETR_SHARE_GET_INFO	16
#define SRVSVC_OPNUM_NETR_SERVER_GET_INFO	21

#define MAX_PREFERRED_LENGTH	0xffffffffu
#define SHI_USES_UNLIMITED	0xffffffffu
#define CSC_MASK		0x00000030u

/* SV_TYPE_WORKSTATION | SV_TYPE_SERVER | SV_TYPE_NT | SV_TYPE_SERVER_NT */
#define SRVSVC_SERVER_TYPE	0x00009003u
#define SRVSVC_DISC_MINUTES	15	/* autodisconnect */
#define SRVSVC_ANNOUNCE		240	/* seconds */
#define SRVSVC_ANNDELTA		3000	/* milliseconds */

/*
 * The members of each SHARE_INFO_* structure, in wire order:
 *   n netname   t type      r remark         p permissions   m max_uses   c current_uses
 *   w path      x passwd    f 501 CSC flags   F 1005 flags    v servername (503)
 *   s reserved + security descriptor pointer ([size_is(reserved)] byte array)
 */
struct share_level {
	uint32_t level;
	const char *fields;
	bool enumerable;	/* a SHARE_ENUM_UNION case (NetrShareEnum) */
	bool enum_admin;	/* NetrShareEnum: administrators only */
	bool get_admin;		/* NetrShareGetInfo: administrators only (the local path) */
};

/* Who may ask for what is what Windows answers (see docs/rpc.md). */
static const struct share_level share_levels[] = {
	{ 0, "n", true, false, false },
	{ 1, "ntr", true, false, false },
	{ 2, "ntrpmcwx", true, true, true },
	{ 501, "ntrf", true, true, false },
	{ 502, "ntrpmcwxs", true, true, true },
	{ 503, "ntrpmcwxvs", true, true, true },
	{ 1004, "r", false, false, false },
	{ 1005, "F", false, false, false },
	{ 1006, "m", false, false, false },
};

/* SHARE_INFO cases of MS-SRVS 2.2.3.6 this server does not implement */
static bool share_info_case_known(uint32_t level)
{
	return level == 1501;
}

static const struct share_level *find_share_level(uint32_t level)
{
	size_t i;

	for (i = 0; i < sizeof(share_levels) / sizeof(share_levels[0]); i++)
		if (share_levels[i].level == level)
			return &share_levels[i];
	return NULL;
}

/* ---- marshalling share information ----------------------------------------------------------- */

struct share_elem {
	const struct rpc_share *share;
	const char *fields;
};

static int push_share_elem(struct ndr_push *out, const void *arg)
{
	const struct share_elem *e = arg;
	const struct rpc_share *s = e->share;
	const char *f;

	for (f = e->fields; *f; f++) {
		switch (*f) {
		case 'n':
			ndr_push_unique_string(out, s->name);
			break;
		case 't':
			ndr_push_u32(out, s->type);
			break;
		case 'r':
			ndr_push_unique_string(out, s->comment);
			break;
		case 'p':
			ndr_push_u32(out, 0);	/* ACCESS_NONE: user-level security */
			break;
		case 'm':
			ndr_push_u32(out, SHI_USES_UNLIMITED);
			break;
		case 'c':
			ndr_push_u32(out, 0);	/* not known to mountd */
			break;
		case 'w':
			ndr_push_unique_string(out, s->path);
			break;
		case 'x':
			ndr_push_unique_string(out, NULL);
			break;
		case 'f':
			ndr_push_u32(out, s->flags & CSC_MASK);
			break;
		case 'F':
			ndr_push_u32(out, s->flags);
			break;
		case 'v':
			ndr_push_unique_string(out, "*");
			break;
		case 's':
			ndr_push_u32(out, 0);
			ndr_push_unique_ptr(out, NULL, NULL);
			break;
		}
	}
	return ndr_push_error(out);
}

struct share_ctr {
	const struct share_elem *elems;
	uint32_t count;
};

static int push_share_array(struct ndr_push *out, const void *arg)
{
	const struct share_ctr *c = arg;

	return ndr_push_conformant_array(out, c->elems, c->count, sizeof(*c->elems),
					 push_share_elem);
}

static int push_share_ctr(struct ndr_push *out, const void *arg)
{
	const struct share_ctr *c = arg;

	ndr_push_u32(out, c->count);
	return ndr_push_unique_ptr(out, c->count ? c : NULL, push_share_array);
}

/* ---- unmarshalling the [in,out] container of NetrShareEnum ----------------------------------- */

struct share_in {			/* what a client may send in SHARE_INFO_* entries */
	char *str[5];
	void *sd;
};

struct sd_in {
	uint32_t size;
};

struct share_array_in {
	const char *fields;
	uint32_t count;
};

struct share_ctr_in {
	const char *fields;
	uint32_t count;
	struct share_array_in *array;
};

static int pull_sd(struct ndr_pull *in, void *arg)
{
	struct sd_in *sd = arg;
	uint32_t n;

	if (ndr_pull_conformance(in, &n, 1) || n != sd->size)
		return -EBADMSG;
	return ndr_pull_skip(in, n);
}

static int pull_share_fields(struct ndr_pull *in, struct share_in *e, const char *f)
{
	struct sd_in *sd;
	uint32_t v;
	int k = 0;

	for (; *f && !ndr_pull_error(in); f++) {
		switch (*f) {
		case 'n':
		case 'r':
		case 'w':
		case 'x':
		case 'v':
			ndr_pull_unique_string(in, &e->str[k++]);
			break;
		case 's':
			ndr_pull_u32(in, &v);
			ndr_pull_unique_ptr(in, &e->sd, sizeof(*sd), pull_sd);
			sd = e->sd;
			if (sd)
				sd->size = v;
			break;
		default:
			ndr_pull_u32(in, &v);
			break;
		}
	}
	return ndr_pull_error(in);
}

static int pull_share_array(struct ndr_pull *in, void *arg)
{
	struct share_array_in *a = arg;
	struct share_in *e;
	uint32_t n, i;

	if (ndr_pull_conformance(in, &n, 4 * strlen(a->fields)))
		return ndr_pull_error(in);
	if (n != a->count)
		return -EBADMSG;	/* [size_is(EntriesRead)] */
	e = ndr_pull_alloc(in, (size_t)n * sizeof(*e));
	for (i = 0; e && i < n; i++)
		if (pull_share_fields(in, &e[i], a->fields))
			break;
	return ndr_pull_error(in);
}

static int pull_share_ctr(struct ndr_pull *in, void *arg)
{
	struct share_ctr_in *c = arg;

	ndr_pull_u32(in, &c->count);
	ndr_pull_unique_ptr(in, (void **)&c->array, sizeof(*c->array), pull_share_array);
	if (c->array) {
		c->array->fields = c->fields;
		c->array->count = c->count;
	}
	return ndr_pull_error(in);
}

static int pull_u32_fn(struct ndr_pull *in, void *arg)
{
	return ndr_pull_u32(in, arg);
}

/* ---- NetrShareEnum ------------------------------------------------------------------------- */

struct enum_in {
	uint32_t level;
	uint32_t prefmaxlen;
	uint32_t *resume;	/* NULL: no resume handle */
};

static uint32_t parse_share_enum(struct ndr_pull *in, struct enum_in *r)
{
	const struct share_level *lvl;
	struct share_ctr_in *ctr;
	char *server;
	uint32_t tag;

	ndr_pull_unique_string(in, &server);
	ndr_pull_deferred(in);
	ndr_pull_u32(in, &r->level);
	ndr_pull_u32(in, &tag);			/* the union discriminant */
	if (!ndr_pull_error(in) && tag != r->level)
		return DCERPC_NCA_S_FAULT_NDR;
	lvl = find_share_level(r->level);
	if (lvl && lvl->enumerable) {
		ndr_pull_unique_ptr(in, (void **)&ctr, sizeof(*ctr), pull_share_ctr);
		if (ctr)
			ctr->fields = lvl->fields;
	}
	ndr_pull_deferred(in);
	ndr_pull_u32(in, &r->prefmaxlen);
	ndr_pull_unique_ptr(in, (void **)&r->resume, sizeof(*r->resume), pull_u32_fn);
	ndr_pull_deferred(in);
	return ndr_pull_error(in) ? DCERPC_NCA_S_FAULT_NDR : 0;
}

/* An estimate of what an entry takes in the client's buffer: 4 per number, 8 per pointer. */
static size_t entry_size(const struct share_elem *e)
{
	const char *strs[5] = { NULL };
	size_t size = 0, i, k = 0;
	const char *f;

	for (f = e->fields; *f; f++) {
		switch (*f) {
		case 'n':
			strs[k++] = e->share->name;
			size += 8;
			break;
		case 'r':
			strs[k++] = e->share->comment;
			size += 8;
			break;
		case 'w':
			strs[k++] = e->share->path;
			size += 8;
			break;
		case 'v':
			strs[k++] = "*";
			size += 8;
			break;
		case 'x':
			size += 8;
			break;
		case 's':
			size += 12;
			break;
		default:
			size += 4;
			break;
		}
	}
	for (i = 0; i < k; i++)
		size += 2 * (ndr_utf8_to_utf16(strs[i], strlen(strs[i]), NULL) + 1);
	return size;
}

/*
 * Choose the entries: the listed shares from the resume index on, as many as fit in
 * prefmaxlen (at least one). Returns the Win32 status; *total gets the number of listed
 * shares, *next the index to resume from (0 when all were returned).
 */
static uint32_t select_shares(const struct rpc_server *srv, const struct enum_in *r,
			      const char *fields, struct share_elem *elems, uint32_t *count,
			      uint32_t *total, uint32_t *next)
{
	uint32_t idx = 0, start = r->resume ? *r->resume : 0;
	size_t i, size, used = 0;

	*count = *next = 0;
	for (i = 0; i < srv->n_shares; i++) {
		struct share_elem e = { &srv->shares[i], fields };

		if (!srv->shares[i].listed)
			continue;
		if (idx++ < start || *next)
			continue;
		size = entry_size(&e);
		if (*count && r->prefmaxlen != MAX_PREFERRED_LENGTH &&
		    used + size > r->prefmaxlen) {
			*next = idx - 1;
			continue;
		}
		used += size;
		elems[(*count)++] = e;
	}
	*total = idx;
	return *next ? RPC_WERR_MORE_DATA : RPC_WERR_OK;
}

static int push_u32_fn(struct ndr_push *out, const void *arg)
{
	return ndr_push_u32(out, *(const uint32_t *)arg);
}

static uint32_t srvsvc_share_enum(const struct rpc_server *srv, struct ndr_pull *in,
				  struct ndr_push *out)
{
	const struct share_level *lvl;
	struct enum_in r = { 0 };
	struct share_ctr ctr = { NULL, 0 };
	struct share_elem *elems;
	uint32_t werr = RPC_WERR_UNKNOWN_LEVEL, total = 0, next = 0, fault;

	fault = parse_share_enum(in, &r);
	if (fault)
		return fault;
	elems = calloc(srv->n_shares, sizeof(*elems));
	if (!elems)
		return DCERPC_NCA_S_FAULT_REMOTE_NO_MEMORY;
	ctr.elems = elems;
	lvl = find_share_level(r.level);
	if (lvl && lvl->enumerable && lvl->enum_admin && !srv->admin)
		werr = RPC_WERR_ACCESS_DENIED;		/* an empty container */
	else if (lvl && lvl->enumerable)
		werr = select_shares(srv, &r, lvl->fields, elems, &ctr.count, &total, &next);
	/* [in,out] InfoStruct: level, union discriminant, container pointer */
	ndr_push_u32(out, r.level);
	ndr_push_u32(out, r.level);
	if (lvl && lvl->enumerable)
		ndr_push_unique_ptr(out, &ctr, push_share_ctr);
	ndr_push_deferred(out);
	ndr_push_u32(out, total);			/* [out] TotalEntries */
	if (r.resume)
		*r.resume = next;
	ndr_push_unique_ptr(out, r.resume, push_u32_fn);	/* [in,out,unique] ResumeHandle */
	ndr_push_deferred(out);
	ndr_push_u32(out, werr);
	free(elems);
	return 0;
}

/* ---- NetrShareGetInfo ---------------------------------------------------------------------- */

static uint32_t srvsvc_share_get_info(const struct rpc_server *srv, struct ndr_pull *in,
				      struct ndr_push *out)
{
	const struct share_level *lvl;
	struct share_elem e = { NULL, NULL };
	char *server, *netname;
	uint32_t level, werr = RPC_WERR_OK;

	ndr_pull_unique_string(in, &server);
	ndr_pull_deferred(in);
	ndr_pull_string(in, &netname);			/* [in, string] WCHAR *NetName */
	ndr_pull_u32(in, &level);
	if (ndr_pull_error(in))
		return DCERPC_NCA_S_FAULT_NDR;
	lvl = find_share_level(level);
	if (!lvl)
		werr = RPC_WERR_UNKNOWN_LEVEL;
	else if (lvl->get_admin && !srv->admin)
		werr = RPC_WERR_ACCESS_DENIED;
	else if (!*netname)
		werr = RPC_WERR_INVALID_PARAMETER;
	else if (!(e.share = rpc_server_share(srv, netname)))
		werr = RPC_NERR_NET_NAME_NOT_FOUND;
	e.fields = lvl ? lvl->fields : NULL;
	ndr_push_u32(out, level);			/* union discriminant */
	if (werr)
		rpc_push_unsupported_arm(out, lvl || share_info_case_known(level));
	else
		ndr_push_unique_ptr(out, &e, push_share_elem);
	ndr_push_deferred(out);
	ndr_push_u32(out, werr);
	return 0;
}

/* ---- NetrServerGetInfo --------------------------------------------------------------------- */

/* SERVER_INFO cases (MS-SRVS 2.2.3.7) besides 100-102: a NULL pointer answers them. */
static bool server_info_case_known(uint32_t level)
{
	static const uint32_t known[] = {
		103, 502, 503, 599, 1005, 1010, 1016, 1017, 1018, 1107, 1501, 1502, 1503, 1506,
		1509, 1510, 1511, 1512, 1513, 1514, 1515, 1516, 1518, 1520, 1521, 1522, 1523,
		1524, 1525, 1528, 1529, 1530, 1533, 1534, 1535, 1536, 1537, 1538, 1539, 1540,
		1541, 1542, 1543, 1544, 1545, 1546, 1547, 1548, 1549, 1550, 1552, 1553, 1554,
		1555, 1556,
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == level)
			return true;
	return false;
}

struct server_info {
	const struct rpc_server *srv;
	uint32_t level;
};

static int push_server_info(struct ndr_push *out, const void *arg)
{
	const struct server_info *si = arg;

	ndr_push_u32(out, RPC_PLATFORM_ID_NT);
	ndr_push_unique_string(out, si->srv->netbios_name);
	if (si->level == 100)
		return ndr_push_error(out);
	ndr_push_u32(out, RPC_VERSION_MAJOR);
	ndr_push_u32(out, RPC_VERSION_MINOR);
	ndr_push_u32(out, SRVSVC_SERVER_TYPE);
	ndr_push_unique_string(out, si->srv->server_string);
	if (si->level == 101)
		return ndr_push_error(out);
	ndr_push_u32(out, 0xffffffffu);		/* users: no limit */
	ndr_push_u32(out, SRVSVC_DISC_MINUTES);
	ndr_push_u32(out, 0);			/* hidden: SV_VISIBLE */
	ndr_push_u32(out, SRVSVC_ANNOUNCE);
	ndr_push_u32(out, SRVSVC_ANNDELTA);
	ndr_push_u32(out, 0);			/* licenses */
	return ndr_push_unique_string(out, "C:\\");	/* userpath */
}

static uint32_t srvsvc_server_get_info(const struct rpc_server *srv, struct ndr_pull *in,
				       struct ndr_push *out)
{
	struct server_info si = { srv, 0 };
	char *server;

	ndr_pull_unique_string(in, &server);
	ndr_pull_deferred(in);
	ndr_pull_u32(in, &si.level);
	if (ndr_pull_error(in))
		return DCERPC_NCA_S_FAULT_NDR;
	ndr_push_u32(out, si.level);
	if (si.level >= 100 && si.level <= 102) {
		ndr_push_unique_ptr(out, &si, push_server_info);
		ndr_push_deferred(out);
		ndr_push_u32(out, RPC_WERR_OK);
	} else {
		rpc_push_unsupported_arm(out, server_info_case_known(si.level));
		ndr_push_u32(out, RPC_WERR_UNKNOWN_LEVEL);
	}
	return 0;
}

static uint32_t srvsvc_call(void *priv, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out)
{
	const struct rpc_server *srv = priv;

	switch (opnum) {
	case SRVSVC_OPNUM_NETR_SHARE_ENUM:
		return srvsvc_share_enum(srv, in, out);
	case SRVSVC_OPNUM_NETR_SHARE_GET_INFO:
		return srvsvc_share_get_info(srv, in, out);
	case SRVSVC_OPNUM_NETR_SERVER_GET_INFO:
		return srvsvc_server_get_info(srv, in, out);
	default:
		return DCERPC_NCA_S_OP_RNG_ERROR;
	}
}

const struct dcerpc_iface srvsvc_iface = {
	.name = "srvsvc",
	.syntax = {
		.uuid = { 0x4b324fc8, 0x1670, 0x01d3, { 0x12, 0x78 },
			  { 0x5a, 0x47, 0xbf, 0x6e, 0xe1, 0x88 } },
		.version = DCERPC_VERSION(3, 0),
	},
	.call = srvsvc_call,
};

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wkssvc (MS-WKST), interface 6bffd098-a112-3610-9833-46c3f87e345a v1.0: NetrWkstaGetInfo
 * (opnum 0) at level 100. Every other opnum faults with nca_s_op_rng_error.
 */
#include "rpc.h"

#define WKSSVC_OPNUM_NETR_WKSTA_GET_INFO	0

/* WKSTA_INFO cases (MS-WKST 2.2.4.1) besides 100: a NULL pointer answers them. */
static bool wksta_info_case_known(uint32_t level)
{
	return level == 101 || level == 102 || level == 502 || level == 1013 ||
	       level == 1018 || level == 1046;
}

static int push_wksta_info_100(struct ndr_push *out, const void *arg)
{
	const struct rpc_server *srv = arg;

	ndr_push_u32(out, RPC_PLATFORM_ID_NT);
	ndr_push_unique_string(out, srv->netbios_name);	/* wki100_computername */
	ndr_push_unique_string(out, RPC_WORKGROUP);		/* wki100_langroup */
	ndr_push_u32(out, RPC_VERSION_MAJOR);
	return ndr_push_u32(out, RPC_VERSION_MINOR);
}

static uint32_t wkssvc_wksta_get_info(const struct rpc_server *srv, struct ndr_pull *in,
				      struct ndr_push *out)
{
	char *server;
	uint32_t level;

	ndr_pull_unique_string(in, &server);
	ndr_pull_deferred(in);
	ndr_pull_u32(in, &level);
	if (ndr_pull_error(in))
		return DCERPC_NCA_S_FAULT_NDR;
	ndr_push_u32(out, level);			/* union discriminant */
	if (level == 100) {
		ndr_push_unique_ptr(out, srv, push_wksta_info_100);
		ndr_push_deferred(out);
		ndr_push_u32(out, RPC_WERR_OK);
	} else {
		rpc_push_unsupported_arm(out, wksta_info_case_known(level));
		ndr_push_u32(out, RPC_WERR_UNKNOWN_LEVEL);
	}
	return 0;
}

static uint32_t wkssvc_call(void *priv, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out)
{
	if (opnum == WKSSVC_OPNUM_NETR_WKSTA_GET_INFO)
		return wkssvc_wksta_get_info(priv, in, out);
	return DCERPC_NCA_S_OP_RNG_ERROR;
}

const struct dcerpc_iface wkssvc_iface = {
	.name = "wkssvc",
	.syntax = {
		.uuid = { 0x6bffd098, 0xa112, 0x3610, { 0x98, 0x33 },
			  { 0x46, 0xc3, 0xf8, 0x7e, 0x34, 0x5a } },
		.version = DCERPC_VERSION(1, 0),
	},
	.call = wkssvc_call,
};

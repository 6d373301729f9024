/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the srvsvc and wkssvc named pipes of ksmbd-mountd (mountd/rpc*.c): a client
 * binds and calls through rpc_pipe_transact()/rpc_pipe_read() as an SMB client would, for each
 * operation and level, with fragmented requests and responses, faults and bad input.
 *
 * Every request stub is checked by Samba's ndrdump ("in") and every response stub is parsed,
 * re-encoded (--validate) and printed by it ("out"); the test then looks for the expected
 * fields in that output. The hand-written vectors in tests/unit/rpc-vectors are sent too. The
 * source tree is found through $KC_SRCDIR, else from the location of this program.
 *
 * mountd's sources are not in libkc.a, so they are compiled into this test.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

/* The tests reach the servers' internal helpers, so they build them in. */
#include "../../mountd/rpc.c"
#include "../../mountd/rpc_srvsvc.c"
#include "../../mountd/rpc_wkssvc.c"

#define NDRDUMP "/usr/bin/ndrdump"
#define SMBTORTURE "/usr/bin/smbtorture"

static bool have_ndrdump;
static struct kc_conf *conf;

static const char conf_text[] =
	"[global]\n"
	"\tnetbios name = files\n"
	"\tserver string = Test server\n"
	"\tsmb encrypt = required\n"
	"[data]\n"
	"\tpath = /srv/data\n"
	"\tcomment = Team data\n"
	"\tcontinuous availability = yes\n"
	"[hidden]\n"
	"\tpath = /srv/hidden\n"
	"\tbrowseable = no\n"
	"[off]\n"
	"\tpath = /srv/off\n"
	"\tavailable = no\n"
	"[admin$]\n"
	"\tpath = /srv/admin\n"
	"[Unicode]\n"
	"\tpath = /srv/\xc3\xbcn\xc3\xaf\n"
	"\tcomment = \xc3\x87" "a marche \xe2\x98\x83\n";

/* ---- helpers -------------------------------------------------------------------------------- */

static struct kc_conf *t_parse(const char *text)
{
	struct kc_conf *c = NULL;

	assert_int_equal(kc_conf_parse("t.conf", text, strlen(text), &c, NULL), 0);
	return c;
}

/*
 * Run ndrdump --validate ARGS on data and return its output with runs of blanks squeezed to
 * one space ("name : 'data'"); NULL when ndrdump is not installed. It must succeed.
 */
static void t_tmpfile(char *path, const uint8_t *data, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* ctx: the request stub, for the [in] level an [out] union depends on (may be NULL). */
static char *t_ndrdump(const char *args, const uint8_t *data, size_t len, const uint8_t *ctx,
		       size_t ctx_len)
{
	char path[] = "/tmp/test_rpc.XXXXXX", cpath[] = "/tmp/test_rpc.XXXXXX", opt[64] = "";
	char cmd[256], *out = NULL;
	size_t cap = 0, n = 0, k, i, j;
	int status;
	FILE *f;

	if (!have_ndrdump)
		return NULL;
	t_tmpfile(path, data, len);
	if (ctx) {
		t_tmpfile(cpath, ctx, ctx_len);
		snprintf(opt, sizeof(opt), "--context-file=%s", cpath);
	}
	snprintf(cmd, sizeof(cmd), NDRDUMP " --validate %s %s %s 2>&1", opt, args, path);
	f = popen(cmd, "r");
	assert_non_null(f);
	do {
		if (n + 1024 > cap) {
			cap = cap ? 2 * cap : 16384;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		k = fread(out + n, 1, cap - n - 1, f);
		n += k;
	} while (k);
	out[n] = '\0';
	status = pclose(f);
	unlink(path);
	if (ctx)
		unlink(cpath);
	if (status || !strstr(out, "dump OK") || strstr(out, "WARNING"))
		fail_msg("ndrdump %s failed:\n%s", args, out);
	for (i = j = 0; out[i]; i++)
		if (!(out[i] == ' ' && j && out[j - 1] == ' '))
			out[j++] = out[i];
	out[j] = '\0';
	return out;
}

/* ndrdump's output must hold each string of want and none of avoid (NULL-terminated). */
static void t_check_ndrdump_ctx(const char *args, const uint8_t *data, size_t len,
				const uint8_t *ctx, size_t ctx_len, const char *const *want,
				const char *const *avoid)
{
	char *out = t_ndrdump(args, data, len, ctx, ctx_len);

	if (!out)
		return;
	for (; want && *want; want++)
		if (!strstr(out, *want))
			fail_msg("ndrdump %s: no '%s' in\n%s", args, *want, out);
	for (; avoid && *avoid; avoid++)
		if (strstr(out, *avoid))
			fail_msg("ndrdump %s: unexpected '%s' in\n%s", args, *avoid, out);
	free(out);
}

static void t_check_ndrdump(const char *args, const uint8_t *data, size_t len,
			    const char *const *want, const char *const *avoid)
{
	t_check_ndrdump_ctx(args, data, len, NULL, 0, want, avoid);
}

static const char *srcdir(char *buf, size_t len)
{
	const char *env = getenv("KC_SRCDIR");
	ssize_t n;
	char *slash;
	int up;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return buf;
	}
	n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		return ".";
	buf[n] = '\0';
	for (up = 0; up < 4; up++) {	/* BUILD/tests/test_x -> top */
		slash = strrchr(buf, '/');
		if (!slash)
			return ".";
		*slash = '\0';
	}
	return buf;
}

/* Read tests/unit/rpc-vectors/NAME: hex pairs, '#' comments. */
static uint8_t *t_vector(const char *name, size_t *len)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	uint8_t *buf = malloc(65536);
	int c, hi = -1;
	FILE *f;

	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/tests/unit/rpc-vectors/%s", srcdir(dir, sizeof(dir)),
		 name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	*len = 0;
	while ((c = fgetc(f)) != EOF) {
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			buf[(*len)++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	fclose(f);
	assert_int_equal(hi, -1);
	return buf;
}

static uint32_t t_call_id = 100;

/* Bind the pipe to abstract over NDR20; returns the bind_ack result of the context. */
static uint16_t t_bind(struct rpc_pipe *p, const struct dcerpc_syntax *abstract,
		       uint16_t max_recv)
{
	struct dcerpc_syntax tr = dcerpc_ndr20_syntax;
	struct dcerpc_ctx ctx = { 0, 1, *abstract, &tr };
	struct dcerpc_pdu pdu = { .hdr = { .ptype = DCERPC_PT_BIND, .pfc_flags = 3,
					   .call_id = ++t_call_id } }, ack;
	struct ndr_push b;
	uint8_t out[DCERPC_MAX_FRAG];
	size_t got;
	uint16_t result;

	pdu.u.bind = (struct dcerpc_bind){ DCERPC_MAX_FRAG, max_recv, 0, 1, &ctx };
	ndr_push_init(&b);
	assert_int_equal(dcerpc_pdu_build(&pdu, &b), 0);
	assert_int_equal(rpc_pipe_transact(p, b.data, b.len, out, sizeof(out), &got), 0);
	ndr_push_free(&b);
	assert_int_equal(dcerpc_pdu_parse(out, got, &ack), 0);
	assert_int_equal(ack.hdr.ptype, DCERPC_PT_BIND_ACK);
	assert_int_equal(ack.hdr.call_id, t_call_id);
	result = ack.u.bind_ack.results[0].result;
	dcerpc_pdu_free(&ack);
	return result;
}

static struct rpc_pipe *t_open(const char *name, const struct dcerpc_iface *iface,
			       uint16_t max_recv)
{
	struct rpc_pipe *p = rpc_pipe_open(name, conf);

	assert_non_null(p);
	rpc_pipe_set_admin(p, true);
	assert_int_equal(t_bind(p, &iface->syntax, max_recv), DCERPC_RESULT_ACCEPTANCE);
	return p;
}

struct t_reply {
	uint32_t fault;		/* 0, or the fault status */
	uint8_t *stub;
	size_t len;
	int frags;
};

/*
 * One call: the request in a single fragment through rpc_pipe_transact(), then the rest of the
 * answer through rpc_pipe_read(), bufsize bytes at a time.
 */
static void t_call(struct rpc_pipe *p, uint16_t opnum, const uint8_t *stub, size_t len,
		   size_t bufsize, struct t_reply *r)
{
	struct dcerpc_pdu pdu = { .hdr = { .ptype = DCERPC_PT_REQUEST, .pfc_flags = 3,
					   .call_id = ++t_call_id } };
	uint8_t *msg = malloc(65536), *chunk = malloc(bufsize);
	struct ndr_push b;
	size_t got, mlen, total = 0;
	int ret;
	bool last = false;

	assert_non_null(msg);
	assert_non_null(chunk);
	memset(r, 0, sizeof(*r));
	pdu.u.request = (struct dcerpc_request){ (uint32_t)len, 0, opnum, false, { 0 }, stub, len };
	ndr_push_init(&b);
	assert_int_equal(dcerpc_pdu_build(&pdu, &b), 0);
	ret = rpc_pipe_transact(p, b.data, b.len, chunk, bufsize, &got);
	ndr_push_free(&b);
	while (!last) {
		struct dcerpc_pdu in;

		mlen = 0;
		for (;;) {			/* one message, maybe in several reads */
			assert_true(ret == 0 || ret == RPC_PIPE_MORE);
			memcpy(msg + mlen, chunk, got);
			mlen += got;
			if (!ret)
				break;
			ret = rpc_pipe_read(p, chunk, bufsize, &got);
		}
		assert_int_equal(dcerpc_pdu_parse(msg, mlen, &in), 0);
		assert_int_equal(in.hdr.call_id, t_call_id);
		assert_int_equal(!!(in.hdr.pfc_flags & DCERPC_PFC_FIRST_FRAG), r->frags == 0);
		last = in.hdr.pfc_flags & DCERPC_PFC_LAST_FRAG;
		r->frags++;
		if (in.hdr.ptype == DCERPC_PT_FAULT) {
			r->fault = in.u.fault.status;
			assert_true(last);
		} else {
			assert_int_equal(in.hdr.ptype, DCERPC_PT_RESPONSE);
			/* alloc_hint: the stub bytes from this fragment on */
			if (r->frags == 1)
				total = in.u.response.alloc_hint;
			assert_int_equal(in.u.response.alloc_hint, total - r->len);
		}
		if (in.hdr.ptype == DCERPC_PT_RESPONSE) {
			r->stub = realloc(r->stub, r->len + in.u.response.stub_len);
			assert_non_null(r->stub);
			memcpy(r->stub + r->len, in.u.response.stub, in.u.response.stub_len);
			r->len += in.u.response.stub_len;
		}
		dcerpc_pdu_free(&in);
		if (!last)
			ret = rpc_pipe_read(p, chunk, bufsize, &got);
	}
	assert_int_equal(rpc_pipe_pending(p), 0);
	free(msg);
	free(chunk);
}

static void t_reply_free(struct t_reply *r)
{
	free(r->stub);
	r->stub = NULL;
}

/* The Win32 status closing a response stub. */
static uint32_t t_werr(const struct t_reply *r)
{
	const uint8_t *p = r->stub + r->len - 4;

	assert_true(r->len >= 4);
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Request stubs, built with lib/ndr.c (and checked by ndrdump "in"). */
static uint8_t *t_enum_stub(uint32_t level, uint32_t prefmax, const uint32_t *resume,
			    size_t *len)
{
	static const struct share_ctr empty_ctr = { NULL, 0 };
	struct ndr_push b;

	ndr_push_init(&b);
	ndr_push_unique_string(&b, "\\\\FILES");
	ndr_push_deferred(&b);
	ndr_push_u32(&b, level);
	ndr_push_u32(&b, level);
	if (find_share_level(level) && find_share_level(level)->enumerable) {
		ndr_push_unique_ptr(&b, &empty_ctr, push_share_ctr);	/* no entries */
		ndr_push_deferred(&b);
	}
	ndr_push_u32(&b, prefmax);
	ndr_push_unique_ptr(&b, resume, push_u32_fn);
	ndr_push_deferred(&b);
	assert_int_equal(ndr_push_error(&b), 0);
	return ndr_push_take(&b, len);
}

static uint8_t *t_getinfo_stub(const char *netname, uint32_t level, size_t *len)
{
	struct ndr_push b;

	ndr_push_init(&b);
	ndr_push_unique_string(&b, NULL);
	ndr_push_deferred(&b);
	ndr_push_string(&b, netname);
	ndr_push_u32(&b, level);
	return ndr_push_take(&b, len);
}

/* NetrServerGetInfo and NetrWkstaGetInfo take the same [in] parameters. */
static uint8_t *t_level_stub(uint32_t level, size_t *len)
{
	struct ndr_push b;

	ndr_push_init(&b);
	ndr_push_unique_string(&b, "FILES");
	ndr_push_deferred(&b);
	ndr_push_u32(&b, level);
	return ndr_push_take(&b, len);
}

/* ---- pipes ---------------------------------------------------------------------------------- */

static void test_pipe_names(void **state)
{
	static const char *const good[] = { "srvsvc", "SRVSVC", "\\PIPE\\srvsvc",
					    "\\pipe\\SrvSvc", "\\srvsvc", "wkssvc",
					    "\\PIPE\\WKSSVC" };
	static const char *const bad[] = { "lsarpc", "\\PIPE\\", "", "srvsvc2", "\\\\srvsvc",
					   "PIPE\\srvsvc", "\\PIPE\\\\srvsvc" };
	struct rpc_pipe *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		p = rpc_pipe_open(good[i], conf);
		assert_non_null(p);
		assert_string_equal(rpc_pipe_name(p), i < 5 ? "srvsvc" : "wkssvc");
		rpc_pipe_close(p);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(rpc_pipe_open(bad[i], conf));
		assert_int_equal(errno, ENOENT);
	}
	rpc_pipe_close(NULL);
}

/* The Windows 10 bind vector: NDR20 accepted, NDR64 refused, features negotiated. */
static void test_windows_bind(void **state)
{
	static const char *const want[] = {
		"secondary_address : '\\PIPE\\srvsvc'", "max_xmit_frag : 0x10b8 (4280)",
		"DCERPC_BIND_ACK_RESULT_ACCEPTANCE (0)",
		"DCERPC_BIND_ACK_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED (2)",
		"DCERPC_BIND_ACK_RESULT_NEGOTIATE_ACK (3)", "negotiate : 0x0002 (2)", NULL,
	};
	struct rpc_pipe *p = rpc_pipe_open("srvsvc", conf);
	uint8_t out[DCERPC_MAX_FRAG], *bind;
	struct dcerpc_pdu ack;
	size_t len, got;

	(void)state;
	bind = t_vector("dcerpc-bind-srvsvc.hex", &len);
	assert_int_equal(len, 160);
	t_check_ndrdump("dcerpc ncacn_packet struct", bind, len, NULL, NULL);
	assert_int_equal(rpc_pipe_transact(p, bind, len, out, sizeof(out), &got), 0);
	assert_int_equal(dcerpc_pdu_parse(out, got, &ack), 0);
	assert_int_equal(ack.hdr.call_id, 2);
	assert_int_equal(ack.u.bind_ack.n_results, 3);
	assert_int_equal(ack.u.bind_ack.results[0].result, DCERPC_RESULT_ACCEPTANCE);
	assert_int_equal(ack.u.bind_ack.results[1].result, DCERPC_RESULT_PROVIDER_REJECTION);
	assert_int_equal(ack.u.bind_ack.results[2].result, DCERPC_RESULT_NEGOTIATE_ACK);
	dcerpc_pdu_free(&ack);
	t_check_ndrdump("dcerpc ncacn_packet struct", out, got, want, NULL);
	free(bind);
	rpc_pipe_close(p);
}

static void test_wrong_interface_and_opnums(void **state)
{
	struct rpc_pipe *p = rpc_pipe_open("wkssvc", conf);
	struct t_reply r;
	uint8_t *stub;
	size_t len;

	(void)state;
	/* each pipe offers its own interface only */
	assert_int_equal(t_bind(p, &srvsvc_iface.syntax, 4280), DCERPC_RESULT_PROVIDER_REJECTION);
	rpc_pipe_close(p);
	p = t_open("srvsvc", &srvsvc_iface, 4280);
	stub = t_level_stub(100, &len);
	t_call(p, 0, stub, len, 4280, &r);		/* NetrCharDevEnum */
	assert_int_equal(r.fault, DCERPC_NCA_S_OP_RNG_ERROR);
	t_call(p, 36, stub, len, 4280, &r);		/* NetrShareEnumSticky */
	assert_int_equal(r.fault, DCERPC_NCA_S_OP_RNG_ERROR);
	t_call(p, 300, stub, len, 4280, &r);
	assert_int_equal(r.fault, DCERPC_NCA_S_OP_RNG_ERROR);
	t_call(p, 21, stub, len, 4280, &r);		/* the pipe still works */
	assert_int_equal(r.fault, 0);
	t_reply_free(&r);
	free(stub);
	rpc_pipe_close(p);
}

/*
 * One call with a request stub: ndrdump must accept the stub ("FN in") and the answer ("FN
 * out", with the request as context), the answer must end with werr and ndrdump's output must
 * hold every string of want and none of avoid. Frees stub.
 */
static void t_check(struct rpc_pipe *p, uint16_t opnum, const char *fn, uint8_t *stub,
		    size_t len, uint32_t werr, const char *const *want, const char *const *avoid)
{
	char args[96];
	struct t_reply r;

	snprintf(args, sizeof(args), "%s in", fn);
	t_check_ndrdump_ctx(args, stub, len, NULL, 0, NULL, NULL);
	t_call(p, opnum, stub, len, 4280, &r);
	assert_int_equal(r.fault, 0);
	assert_int_equal(t_werr(&r), werr);
	snprintf(args, sizeof(args), "%s out", fn);
	t_check_ndrdump_ctx(args, r.stub, r.len, stub, len, want, avoid);
	t_reply_free(&r);
	free(stub);
}

#define ENUM_FN "srvsvc srvsvc_NetShareEnumAll"
#define GETINFO_FN "srvsvc srvsvc_NetShareGetInfo"
#define SRVINFO_FN "srvsvc srvsvc_NetSrvGetInfo"
#define WKSTA_FN "wkssvc wkssvc_NetWkstaGetInfo"

/* ---- NetrShareEnum ---------------------------------------------------------------------------- */

static void test_share_enum_levels(void **state)
{
	static const char *const want0[] = {
		"level : 0x00000000 (0)", "count : 0x00000004 (4)", "name : 'data'",
		"name : 'admin$'", "name : 'Unicode'", "name : 'IPC$'",
		"totalentries : 0x00000004 (4)", "resume_handle : 0x00000000 (0)",
		"result : WERR_OK", NULL,
	};
	static const char *const want1[] = {
		"ctr1: struct srvsvc_NetShareCtr1", "count : 0x00000004 (4)", "name : 'data'",
		"type : STYPE_DISKTREE (0x0)", "comment : 'Team data'",
		"comment : '\xc3\x87" "a marche \xe2\x98\x83'", "type : STYPE_IPC_HIDDEN (0x80000003)",
		"comment : 'Remote IPC'", NULL,
	};
	static const char *const want2[] = {
		"srvsvc_NetShareInfo2", "path : 'C:\\srv\\data'", "path : 'C:\\srv\\\xc3\xbcn\xc3\xaf'",
		"path : ''", "max_users : 0xffffffff (4294967295)", "permissions : 0x00000000 (0)",
		"password : NULL", NULL,
	};
	static const char *const want501[] = {
		"srvsvc_NetShareInfo501", "csc_policy : 0x00000000 (0)", "name : 'admin$'", NULL,
	};
	static const char *const want502[] = {
		"srvsvc_NetShareInfo502", "path : 'C:\\srv\\admin'", "sd_size : 0x00000000 (0)",
		"sd : NULL", NULL,
	};
	static const char *const want7[] = { "level : 0x00000007 (7)",
					     "totalentries : 0x00000000 (0)",
					     "result : WERR_INVALID_LEVEL", NULL };
	static const char *const avoid[] = { "'hidden'", "'off'", NULL };
	const uint32_t levels[] = { 0, 1, 2, 501, 502, 7 };
	const char *const *want[] = { want0, want1, want2, want501, want502, want7 };
	struct rpc_pipe *p = t_open("\\PIPE\\srvsvc", &srvsvc_iface, 4280);
	static const uint32_t zero;
	struct t_reply r;
	uint8_t *stub;
	size_t i, len;

	(void)state;
	for (i = 0; i < 6; i++) {
		stub = t_enum_stub(levels[i], MAX_PREFERRED_LENGTH, &zero, &len);
		t_check(p, 15, ENUM_FN, stub, len, i < 5 ? RPC_WERR_OK : RPC_WERR_UNKNOWN_LEVEL,
			want[i], avoid);
	}
	/* the level and the union discriminant must agree */
	stub = t_enum_stub(1, MAX_PREFERRED_LENGTH, NULL, &len);
	stub[36] = 2;
	t_call(p, 15, stub, len, 4280, &r);
	assert_int_equal(r.fault, DCERPC_NCA_S_FAULT_NDR);
	free(stub);
	rpc_pipe_close(p);
}

/* Level 503 is in MS-SRVS but not in Samba's IDL: checked with our own reader. */
static void test_share_enum_503(void **state)
{
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	struct share_ctr_in *ctr;
	struct t_reply r;
	struct ndr_pull in;
	uint32_t v[5];
	uint8_t *stub;
	size_t len;

	(void)state;
	stub = t_enum_stub(503, MAX_PREFERRED_LENGTH, NULL, &len);
	t_call(p, 15, stub, len, 4280, &r);
	ndr_pull_init(&in, r.stub, r.len);
	ndr_pull_u32(&in, &v[0]);
	ndr_pull_u32(&in, &v[1]);
	ndr_pull_unique_ptr(&in, (void **)&ctr, sizeof(*ctr), pull_share_ctr);
	assert_non_null(ctr);
	ctr->fields = "ntrpmcwxvs";
	assert_int_equal(ndr_pull_deferred(&in), 0);
	ndr_pull_u32(&in, &v[2]);		/* TotalEntries */
	ndr_pull_u32(&in, &v[3]);		/* ResumeHandle: NULL */
	ndr_pull_u32(&in, &v[4]);
	assert_int_equal(ndr_pull_remaining(&in), 0);
	assert_int_equal(v[0], 503);
	assert_int_equal(v[1], 503);
	assert_int_equal(ctr->count, 4);
	assert_int_equal(v[2], 4);
	assert_int_equal(v[3], 0);
	assert_int_equal(v[4], RPC_WERR_OK);
	ndr_pull_free(&in);
	t_reply_free(&r);
	free(stub);
	rpc_pipe_close(p);
}

/* A tiny PreferedMaximumLength: one share per call, resumed until all were returned. */
static void test_share_enum_resume(void **state)
{
	static const char *const names[] = { "'data'", "'admin$'", "'Unicode'", "'IPC$'" };
	static const char *const want_more[] = { "count : 0x00000001 (1)",
						 "totalentries : 0x00000004 (4)",
						 "result : WERR_MORE_DATA", NULL };
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	uint32_t resume = 0;
	size_t i, len;

	(void)state;
	for (i = 0; i < 4; i++) {
		const char *want[] = { names[i], NULL };
		struct t_reply r;
		uint8_t *stub = t_enum_stub(1, 1, &resume, &len);
		const uint8_t *q;

		t_call(p, 15, stub, len, 4280, &r);
		assert_int_equal(t_werr(&r), i < 3 ? RPC_WERR_MORE_DATA : RPC_WERR_OK);
		t_check_ndrdump(ENUM_FN " out", r.stub, r.len, i ? want : want_more, NULL);
		q = r.stub + r.len - 8;		/* the resume handle's referent */
		resume = (uint32_t)q[0] | (uint32_t)q[1] << 8;
		assert_int_equal(resume, i < 3 ? i + 1 : 0);
		t_reply_free(&r);
		free(stub);
	}
	rpc_pipe_close(p);
}

/* The hand-written requests: a level 1 enumeration, and one carrying a container. */
static void test_share_enum_vectors(void **state)
{
	static const char *const want_in[] = { "server_unc : '\\\\FILES'",
					       "max_buffer : 0xffffffff", NULL };
	static const char *const want2[] = { "ctr2: struct srvsvc_NetShareCtr2",
					     "resume_handle : NULL", "result : WERR_OK", NULL };
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	struct t_reply r;
	uint8_t *stub;
	size_t len, n;

	(void)state;
	stub = t_vector("srvsvc-NetShareEnum-in-1.hex", &len);
	assert_int_equal(len, 64);
	t_check_ndrdump(ENUM_FN " in", stub, len, want_in, NULL);
	t_check(p, 15, ENUM_FN, stub, len, RPC_WERR_OK, NULL, NULL);
	stub = t_vector("srvsvc-NetShareEnum-in-2.hex", &len);
	for (n = 0; n < len; n++) {	/* every truncation is refused as bad stub data */
		t_call(p, 15, stub, n, 4280, &r);
		assert_int_equal(r.fault, DCERPC_NCA_S_FAULT_NDR);
	}
	t_check(p, 15, ENUM_FN, stub, len, RPC_WERR_OK, want2, NULL);
	rpc_pipe_close(p);
}

/* ---- NetrShareGetInfo ----------------------------------------------------------------------- */

static void test_share_get_info(void **state)
{
	static const struct {
		const char *name;
		uint32_t level, werr;
		const char *want[3];
	} c[] = {
		{ "data", 0, 0, { "info0: struct srvsvc_NetShareInfo0", "name : 'data'" } },
		{ "DATA", 1, 0, { "info1: struct srvsvc_NetShareInfo1", "comment : 'Team data'" } },
		{ "data", 2, 0, { "info2: struct srvsvc_NetShareInfo2", "path : 'C:\\srv\\data'" } },
		{ "data", 501, 0, { "csc_policy : 0x00000000 (0)" } },
		{ "data", 502, 0, { "info502: struct srvsvc_NetShareInfo502", "sd : NULL" } },
		{ "data", 1004, 0, { "info1004: struct srvsvc_NetShareInfo1004",
				     "comment : 'Team data'" } },
		/* continuous availability (0x4000) and encryption (0x8000) */
		{ "data", 1005, 0, { "dfs_flags : 0x0000c000 (49152)" } },
		{ "data", 1006, 0, { "max_users : 0xffffffff (4294967295)" } },
		{ "hidden", 1, 0, { "name : 'hidden'", "comment : ''" } },	/* not listed */
		{ "ipc$", 1, 0, { "name : 'IPC$'", "STYPE_IPC_HIDDEN (0x80000003)" } },
		{ "IPC$", 1005, 0, { "dfs_flags : 0x00000000 (0)" } },
		{ "nosuch", 502, RPC_NERR_NET_NAME_NOT_FOUND,
		  { "result : WERR_NERR_NETNAMENOTFOUND", "info502 : NULL" } },
		{ "off", 502, RPC_NERR_NET_NAME_NOT_FOUND, { "info502 : NULL" } },	/* not served */
		{ "data", 7, RPC_WERR_UNKNOWN_LEVEL, { "result : WERR_INVALID_LEVEL" } },
		{ "data", 1501, RPC_WERR_UNKNOWN_LEVEL, { "info1501 : NULL" } },
		{ "", 1, RPC_WERR_INVALID_PARAMETER, { "result : WERR_INVALID_PARAMETER" } },
	};
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	uint8_t *stub;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		stub = t_getinfo_stub(c[i].name, c[i].level, &len);
		t_check(p, 16, GETINFO_FN, stub, len, c[i].werr, c[i].want, NULL);
	}
	rpc_pipe_close(p);
}

static void test_share_get_info_vector(void **state)
{
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	static const char *const want[] = { "path : 'C:\\srv\\data'", NULL };
	struct t_reply r;
	uint8_t *stub;
	size_t len, n;

	(void)state;
	stub = t_vector("srvsvc-NetShareGetInfo-in-502.hex", &len);
	for (n = 0; n < len; n++) {
		t_call(p, 16, stub, n, 4280, &r);
		assert_int_equal(r.fault, DCERPC_NCA_S_FAULT_NDR);
	}
	stub[52] = 0x78;		/* the NUL of "data" (units from byte 44) */
	t_call(p, 16, stub, len, 4280, &r);
	assert_int_equal(r.fault, DCERPC_NCA_S_FAULT_NDR);
	stub[52] = 0;
	t_check(p, 16, GETINFO_FN, stub, len, RPC_WERR_OK, want, NULL);
	rpc_pipe_close(p);
}

/* ---- NetrServerGetInfo and NetrWkstaGetInfo --------------------------------------------------- */

static void test_server_get_info(void **state)
{
	static const char *const w100[] = { "info100: struct srvsvc_NetSrvInfo100",
					    "platform_id : PLATFORM_ID_NT (500)",
					    "server_name : 'FILES'", NULL };
	static const char *const w101[] = {
		"info101: struct srvsvc_NetSrvInfo101", "version_major : 0x0000000a (10)",
		"version_minor : 0x00000000 (0)", "server_type : 0x00009003 (36867)",
		"1: SV_TYPE_WORKSTATION", "1: SV_TYPE_SERVER", "1: SV_TYPE_NT",
		"1: SV_TYPE_SERVER_NT", "0: SV_TYPE_DOMAIN_CTRL", "comment : 'Test server'", NULL,
	};
	static const char *const w102[] = {
		"info102: struct srvsvc_NetSrvInfo102", "users : 0xffffffff", "disc : 0x0000000f",
		"hidden : 0x00000000", "announce : 0x000000f0", "anndelta : 0x00000bb8",
		"licenses : 0x00000000", "userpath : 'C:\\'", NULL,
	};
	static const char *const w502[] = { "info502 : NULL", "result : WERR_INVALID_LEVEL",
					    NULL };
	static const char *const w7[] = { "union srvsvc_NetSrvInfo(case 7)",
					  "result : WERR_INVALID_LEVEL", NULL };
	const uint32_t levels[] = { 100, 101, 102, 502, 7 };
	const char *const *want[] = { w100, w101, w102, w502, w7 };
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	uint8_t *stub;
	size_t i, len;

	(void)state;
	for (i = 0; i < 5; i++) {
		stub = t_level_stub(levels[i], &len);
		t_check(p, 21, SRVINFO_FN, stub, len, i < 3 ? RPC_WERR_OK : RPC_WERR_UNKNOWN_LEVEL,
			want[i], NULL);
	}
	stub = t_vector("srvsvc-NetSrvGetInfo-in-101.hex", &len);
	t_check(p, 21, SRVINFO_FN, stub, len, RPC_WERR_OK, w101, NULL);
	rpc_pipe_close(p);
}

static void test_wksta_get_info(void **state)
{
	static const char *const w100[] = {
		"info100: struct wkssvc_NetWkstaInfo100", "platform_id : PLATFORM_ID_NT (500)",
		"server_name : 'FILES'", "domain_name : 'WORKGROUP'",
		"version_major : 0x0000000a (10)", "version_minor : 0x00000000 (0)",
		"result : WERR_OK", NULL,
	};
	static const char *const w101[] = { "info101 : NULL", "result : WERR_INVALID_LEVEL",
					    NULL };
	static const char *const w7[] = { "result : WERR_INVALID_LEVEL", NULL };
	const uint32_t levels[] = { 100, 101, 7 };
	const char *const *want[] = { w100, w101, w7 };
	struct rpc_pipe *p = t_open("\\PIPE\\wkssvc", &wkssvc_iface, 4280);
	struct t_reply r;
	uint8_t *stub;
	size_t len, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		stub = t_level_stub(levels[i], &len);
		t_check(p, 0, WKSTA_FN, stub, len, i ? RPC_WERR_UNKNOWN_LEVEL : RPC_WERR_OK,
			want[i], NULL);
	}
	stub = t_vector("wkssvc-NetWkstaGetInfo-in-100.hex", &len);
	t_call(p, 1, stub, len, 4280, &r);
	assert_int_equal(r.fault, DCERPC_NCA_S_OP_RNG_ERROR);
	t_check(p, 0, WKSTA_FN, stub, len, RPC_WERR_OK, w100, NULL);
	rpc_pipe_close(p);
}

/* Without administrator rights, no local paths: levels 2, 502, 503 (and 501 for the enum). */
static void test_anonymous_levels(void **state)
{
	static const char *const want_enum[] = { "count : 0x00000000 (0)", "array : NULL",
						 "result : WERR_ACCESS_DENIED", NULL };
	static const char *const want_get[] = { "info2 : NULL", "result : WERR_ACCESS_DENIED",
						NULL };
	struct rpc_pipe *p = rpc_pipe_open("srvsvc", conf);
	const uint32_t levels[] = { 2, 502, 501, 1 };
	uint8_t *stub;
	size_t len, i;

	(void)state;
	assert_int_equal(t_bind(p, &srvsvc_iface.syntax, 4280), DCERPC_RESULT_ACCEPTANCE);
	for (i = 0; i < 4; i++) {
		stub = t_enum_stub(levels[i], MAX_PREFERRED_LENGTH, NULL, &len);
		t_check(p, 15, ENUM_FN, stub, len, i < 3 ? RPC_WERR_ACCESS_DENIED : RPC_WERR_OK,
			i ? NULL : want_enum, NULL);
		stub = t_getinfo_stub("data", levels[i], &len);	/* 501 is for everyone */
		t_check(p, 16, GETINFO_FN, stub, len, i < 2 ? RPC_WERR_ACCESS_DENIED : RPC_WERR_OK,
			i ? NULL : want_get, NULL);
	}
	stub = t_enum_stub(503, MAX_PREFERRED_LENGTH, NULL, &len);
	{
		struct t_reply r;

		t_call(p, 15, stub, len, 4280, &r);
		assert_int_equal(t_werr(&r), RPC_WERR_ACCESS_DENIED);
		t_reply_free(&r);
	}
	free(stub);
	rpc_pipe_close(p);
}

/* Serve the pipe on a loopback TCP port from a child process (ncacn_ip_tcp for smbtorture). */
static pid_t t_serve_tcp(const char *name, bool admin, int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM, 0), s;
	uint8_t in[8192], out[DCERPC_MAX_FRAG];
	struct rpc_pipe *p;
	size_t got;
	ssize_t n;
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(ls, 8), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid) {
		close(ls);
		return pid;
	}
	while ((s = accept(ls, NULL, NULL)) >= 0) {	/* until the parent kills us */
		p = rpc_pipe_open(name, conf);
		rpc_pipe_set_admin(p, admin);
		while ((n = read(s, in, sizeof(in))) > 0 && !rpc_pipe_write(p, in, (size_t)n))
			while (!rpc_pipe_read(p, out, sizeof(out), &got))
				if (write(s, out, got) != (ssize_t)got)
					break;
		rpc_pipe_close(p);
		close(s);
	}
	_exit(0);
}

/* Run one smbtorture test against the pipe; it must report success. */
static void t_smbtorture(const char *name, bool admin, const char *test)
{
	char cmd[512], line[512], want[256];
	bool ok = false;
	int port;
	pid_t pid = t_serve_tcp(name, admin, &port);
	FILE *f;

	snprintf(cmd, sizeof(cmd), "timeout 120 " SMBTORTURE " 'ncacn_ip_tcp:127.0.0.1[%d]' -U%% "
		 "'rpc.%s' 2>&1", port, test);
	snprintf(want, sizeof(want), "success: %s", strchr(test, '.') + 1);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		printf("# %s", line);
		ok |= !strncmp(line, want, strlen(want));
	}
	pclose(f);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	if (!ok)
		fail_msg("smbtorture %s did not succeed", test);
}

/* A real client: Samba's own srvsvc tests, over ncacn_ip_tcp on loopback. */
static void test_smbtorture(void **state)
{
	(void)state;
	if (access(SMBTORTURE, X_OK)) {
		printf("# " SMBTORTURE " not installed: no smbtorture run\n");
		return;
	}
	t_smbtorture("srvsvc", false, "srvsvc.srvsvc anonymous access.NetShareEnumAll");
	t_smbtorture("srvsvc", false, "srvsvc.srvsvc anonymous access.NetShareGetInfo");
	t_smbtorture("srvsvc", true, "srvsvc.srvsvc (admin access).NetSrvGetInfo");
}

/* ---- the pipe ------------------------------------------------------------------------------ */

/* A request in three fragments, two plain writes and a transact. */
static void test_fragmented_request(void **state)
{
	static const char *const want[] = { "info2: struct srvsvc_NetShareInfo2",
					    "path : 'C:\\srv\\data'", NULL };
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	uint8_t out[DCERPC_MAX_FRAG], *stub;
	struct dcerpc_pdu pdu = { .hdr = { .ptype = DCERPC_PT_REQUEST, .call_id = 7 } }, resp;
	size_t len, got, off = 0, i;
	const size_t cut[3] = { 8, 12, 0 };

	(void)state;
	stub = t_getinfo_stub("data", 2, &len);
	for (i = 0; i < 3; i++) {
		struct ndr_push b;
		size_t n = i < 2 ? cut[i] : len - off;
		int ret;

		pdu.hdr.pfc_flags = (i == 0 ? DCERPC_PFC_FIRST_FRAG : 0) |
				    (i == 2 ? DCERPC_PFC_LAST_FRAG : 0);
		pdu.u.request = (struct dcerpc_request){ (uint32_t)(len - off), 0, 16, false,
							 { 0 }, stub + off, n };
		ndr_push_init(&b);
		assert_int_equal(dcerpc_pdu_build(&pdu, &b), 0);
		if (i == 0)
			ret = rpc_pipe_write(p, b.data, b.len);
		else
			ret = rpc_pipe_transact(p, b.data, b.len, out, sizeof(out), &got);
		assert_int_equal(ret, i < 2 ? (i ? -EAGAIN : 0) : 0);
		if (i < 2)
			assert_int_equal(rpc_pipe_read(p, out, sizeof(out), &got), -EAGAIN);
		ndr_push_free(&b);
		off += n;
	}
	assert_int_equal(dcerpc_pdu_parse(out, got, &resp), 0);
	assert_int_equal(resp.hdr.ptype, DCERPC_PT_RESPONSE);
	assert_int_equal(resp.hdr.call_id, 7);
	t_check_ndrdump_ctx("srvsvc srvsvc_NetShareGetInfo out", resp.u.response.stub,
			    resp.u.response.stub_len, stub, len, want, NULL);
	dcerpc_pdu_free(&resp);
	free(stub);
	rpc_pipe_close(p);
}

/* Many shares, 1432-byte fragments, read 100 bytes at a time. */
static void test_fragmented_response(void **state)
{
	static const char *const want[] = { "count : 0x00000029 (41)", "name : 'share39'",
					    "comment : 'share number 39 of forty'",
					    "totalentries : 0x00000029 (41)", NULL };
	struct kc_conf *saved = conf;
	struct rpc_pipe *p;
	struct t_reply r;
	char *text = malloc(8192);
	size_t len, n = 0;
	uint8_t *stub;
	int i;

	(void)state;
	assert_non_null(text);
	n += (size_t)snprintf(text + n, 8192 - n, "[global]\n");
	for (i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, 8192 - n, "[share%d]\npath = /srv/share%d\n"
				      "comment = share number %d of forty\n", i, i, i);
	conf = t_parse(text);
	p = t_open("srvsvc", &srvsvc_iface, DCERPC_MIN_FRAG);
	kc_conf_free(conf);		/* the pipe keeps its own copy */
	conf = saved;
	stub = t_enum_stub(502, MAX_PREFERRED_LENGTH, NULL, &len);
	t_call(p, 15, stub, len, 100, &r);
	assert_true(r.frags >= 3);
	assert_int_equal(t_werr(&r), RPC_WERR_OK);
	t_check_ndrdump("srvsvc srvsvc_NetShareEnumAll out", r.stub, r.len, want, NULL);
	t_reply_free(&r);
	free(stub);
	free(text);
	rpc_pipe_close(p);
}

static void test_pipe_io(void **state)
{
	struct rpc_pipe *p = rpc_pipe_open("srvsvc", conf);
	struct dcerpc_syntax tr = dcerpc_ndr20_syntax;
	struct dcerpc_ctx ctx = { 0, 1, srvsvc_iface.syntax, &tr };
	struct dcerpc_pdu pdu = { .hdr = { .ptype = DCERPC_PT_BIND, .pfc_flags = 3,
					   .call_id = 1 } };
	uint8_t out[DCERPC_MAX_FRAG], junk[32];
	struct ndr_push b;
	size_t got, i, pending;

	(void)state;
	assert_int_equal(rpc_pipe_read(p, out, sizeof(out), &got), -EAGAIN);
	assert_int_equal(got, 0);
	pdu.u.bind = (struct dcerpc_bind){ 4280, 4280, 0, 1, &ctx };
	ndr_push_init(&b);
	dcerpc_pdu_build(&pdu, &b);
	for (i = 0; i < b.len; i++)		/* one byte per write */
		assert_int_equal(rpc_pipe_write(p, b.data + i, 1), 0);
	pending = rpc_pipe_pending(p);
	assert_true(pending > 0);
	/* FSCTL_PIPE_TRANSCEIVE while an answer waits: busy, nothing written */
	assert_int_equal(rpc_pipe_transact(p, b.data, b.len, out, sizeof(out), &got), -EBUSY);
	assert_int_equal(rpc_pipe_pending(p), pending);
	assert_int_equal(rpc_pipe_read(p, out, 10, &got), RPC_PIPE_MORE);
	assert_int_equal(got, 10);
	assert_int_equal(rpc_pipe_pending(p), pending - 10);
	assert_int_equal(rpc_pipe_read(p, out + 10, sizeof(out) - 10, &got), 0);
	assert_int_equal(got, pending - 10);
	assert_int_equal(rpc_pipe_pending(p), 0);
	/* two PDUs in one write: the second bind is refused with a bind_nak */
	b.data[12] = 2;
	assert_int_equal(rpc_pipe_write(p, b.data, b.len), 0);
	assert_int_equal(rpc_pipe_write(p, b.data, b.len - 4), 0);
	assert_int_equal(rpc_pipe_write(p, b.data + b.len - 4, 4), 0);
	assert_int_equal(rpc_pipe_read(p, out, sizeof(out), &got), 0);
	assert_int_equal(out[2], DCERPC_PT_BIND_NAK);
	assert_int_equal(rpc_pipe_read(p, out, sizeof(out), &got), 0);
	assert_int_equal(out[2], DCERPC_PT_BIND_NAK);
	ndr_push_free(&b);
	/* garbage breaks the pipe for good */
	memset(junk, 0x41, sizeof(junk));
	assert_int_equal(rpc_pipe_write(p, junk, sizeof(junk)), -EPROTO);
	assert_int_equal(rpc_pipe_write(p, junk, 1), -EPROTO);
	assert_int_equal(rpc_pipe_read(p, out, sizeof(out), &got), -EPROTO);
	assert_int_equal(rpc_pipe_transact(p, junk, 1, out, sizeof(out), &got), -EPROTO);
	rpc_pipe_close(p);
}

/* Random stubs for each operation: a fault or an answer, never a crash (run under ASan). */
static void test_random_stubs(void **state)
{
	static const uint16_t ops[] = { 15, 16, 21 };
	struct rpc_pipe *p = t_open("srvsvc", &srvsvc_iface, 4280);
	struct rpc_pipe *w = t_open("wkssvc", &wkssvc_iface, 4280);
	uint32_t seed = 12345;
	uint8_t stub[256];
	struct t_reply r;
	int i;

	(void)state;
	for (i = 0; i < 1500; i++) {
		size_t len = 0, j;

		seed = seed * 1103515245 + 12345;
		len = (seed >> 16) % sizeof(stub);
		for (j = 0; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			/* mostly small values, so that counts and levels are often plausible */
			stub[j] = (uint8_t)((seed >> 16) % 7 == 0 ? seed >> 24 : (seed >> 16) % 4);
		}
		t_call(i % 4 == 3 ? w : p, i % 4 == 3 ? 0 : ops[i % 3], stub, len, 4280, &r);
		assert_true(r.fault == 0 || r.fault == DCERPC_NCA_S_FAULT_NDR);
		t_reply_free(&r);
	}
	rpc_pipe_close(p);
	rpc_pipe_close(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_names),
		cmocka_unit_test(test_windows_bind),
		cmocka_unit_test(test_wrong_interface_and_opnums),
		cmocka_unit_test(test_share_enum_levels),
		cmocka_unit_test(test_share_enum_503),
		cmocka_unit_test(test_share_enum_resume),
		cmocka_unit_test(test_share_enum_vectors),
		cmocka_unit_test(test_share_get_info),
		cmocka_unit_test(test_share_get_info_vector),
		cmocka_unit_test(test_server_get_info),
		cmocka_unit_test(test_wksta_get_info),
		cmocka_unit_test(test_fragmented_request),
		cmocka_unit_test(test_fragmented_response),
		cmocka_unit_test(test_pipe_io),
		cmocka_unit_test(test_random_stubs),
		cmocka_unit_test(test_anonymous_levels),
		cmocka_unit_test(test_smbtorture),
	};
	int ret;

	have_ndrdump = access(NDRDUMP, X_OK) == 0;
	conf = t_parse(conf_text);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	kc_conf_free(conf);
	if (!have_ndrdump)	/* cmocka 1.1 cannot print "ok N # SKIP"; say it once here */
		printf("ok %zu - ndrdump cross-check # SKIP " NDRDUMP " not installed\n",
		       sizeof(tests) / sizeof(tests[0]) + 1);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-cluster status [--json], kv set|get|del|list: requests to ksmbd-clusterd over libqb
 * IPC (lib/clusterd_ipc.h). Every command first exchanges a HELLO and refuses a daemon of
 * another protocol version.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>

#include "cli.h"
#include "clusterd_ipc.h"
#include "statemachine.h"

#define CLI_IPC_TIMEOUT_MS 15000	/* a mutation waits for the cluster's order */

/* Send one request; returns the response's error (0 or -errno), or -EIO (reported) when the
 * exchange itself failed. */
int kc_cli_request(struct kc_cli_conn *k, int32_t id, const void *a, size_t alen, const void *b,
		   size_t blen)
{
	struct qb_ipc_request_header h = { .id = id, .size = sizeof(h) + alen + blen };
	struct qb_ipc_response_header rh;
	struct iovec iov[3] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)a, .iov_len = alen },
		{ .iov_base = (void *)b, .iov_len = blen },
	};
	ssize_t n;

	if (sizeof(h) + alen + blen > KC_CIPC_MAX_MSG - 64) {
		fprintf(stderr, "%s: request too large\n", KC_CLI_NAME);
		return -EIO;
	}
	n = qb_ipcc_sendv_recv(k->c, iov, 3, k->res, KC_CIPC_MAX_MSG, CLI_IPC_TIMEOUT_MS);
	if (n < (ssize_t)sizeof(rh)) {
		fprintf(stderr, "%s: no answer from ksmbd-clusterd: %s\n", KC_CLI_NAME,
			n < 0 ? strerror((int)-n) : "short response");
		return -EIO;
	}
	memcpy(&rh, k->res, sizeof(rh));
	if (rh.id != id || rh.size != n) {
		fprintf(stderr, "%s: malformed answer from ksmbd-clusterd\n", KC_CLI_NAME);
		return -EIO;
	}
	k->len = (size_t)n - sizeof(rh);
	memmove(k->res, k->res + sizeof(rh), k->len);
	return rh.error;
}

uint32_t kc_cli_get_u32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

void kc_cli_conn_close(struct kc_cli_conn *k)
{
	if (k->c)
		qb_ipcc_disconnect(k->c);
	free(k->res);
}

/* Connect and say HELLO; returns 0 or the exit code. */
int kc_cli_conn_open(struct kc_cli_conn *k)
{
	uint32_t v = htole32(KC_CIPC_VERSION);
	int ret;

	memset(k, 0, sizeof(*k));
	k->res = malloc(KC_CIPC_MAX_MSG);
	if (!k->res)
		return KC_EXIT_FAILED;
	k->c = qb_ipcc_connect(KC_CIPC_NAME, KC_CIPC_MAX_MSG);
	if (!k->c) {
		fprintf(stderr, "%s: cannot reach ksmbd-clusterd (IPC \"%s\"): %s\n", KC_CLI_NAME,
			KC_CIPC_NAME, errno == EACCES ? "permission denied (root or the cluster "
			"admin group only)" : errno ? strerror(errno) : "not running?");
		free(k->res);
		return KC_EXIT_NODAEMON;
	}
	ret = kc_cli_request(k, KC_CIPC_HELLO, &v, 4, NULL, 0);
	if (ret == -EIO)
		goto fail;
	if (k->len != 8) {
		fprintf(stderr, "%s: malformed HELLO from ksmbd-clusterd\n", KC_CLI_NAME);
		goto fail;
	}
	if (kc_cli_get_u32(k->res) != KC_CIPC_VERSION || ret == -EPROTO) {
		fprintf(stderr, "%s: ksmbd-clusterd speaks protocol %u, this CLI %u: refusing\n",
			KC_CLI_NAME, kc_cli_get_u32(k->res), KC_CIPC_VERSION);
		goto fail;
	}
	if (ret) {
		fprintf(stderr, "%s: HELLO refused: %s\n", KC_CLI_NAME, strerror(-ret));
		goto fail;
	}
	k->nodeid = kc_cli_get_u32(k->res + 4);
	return 0;
fail:
	kc_cli_conn_close(k);
	return KC_EXIT_NODAEMON;
}

/* Exit code and message for a daemon error. */
int kc_cli_report(const char *what, int err)
{
	switch (err) {
	case 0:
		return KC_EXIT_OK;
	case -EIO:
		return KC_EXIT_NODAEMON;	/* already reported */
	case -ENOENT:
		fprintf(stderr, "%s: %s: no such key\n", KC_CLI_NAME, what);
		return KC_EXIT_NOTFOUND;
	case -EEXIST:
		fprintf(stderr, "%s: %s: key exists\n", KC_CLI_NAME, what);
		return KC_EXIT_FAILED;
	case -EAGAIN:
		fprintf(stderr, "%s: %s: this node has no quorum: changes are refused\n",
			KC_CLI_NAME, what);
		return KC_EXIT_UNAVAILABLE;
	case -EBUSY:
		fprintf(stderr, "%s: %s: this node is synchronising its state; try again\n",
			KC_CLI_NAME, what);
		return KC_EXIT_UNAVAILABLE;
	case -E2BIG:
		fprintf(stderr, "%s: %s: the answer does not fit one message; narrow the PREFIX\n",
			KC_CLI_NAME, what);
		return KC_EXIT_FAILED;
	case -ENOTCONN:
	case -ECONNRESET:
		fprintf(stderr, "%s: %s: ksmbd-clusterd is not connected to corosync%s\n",
			KC_CLI_NAME, what, err == -ECONNRESET ?
			" (lost during the request: it may or may not have been applied)" : "");
		return KC_EXIT_UNAVAILABLE;
	}
	fprintf(stderr, "%s: %s: %s\n", KC_CLI_NAME, what, strerror(-err));
	return KC_EXIT_FAILED;
}

int kc_cli_finish_stdout(int code)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror(KC_CLI_NAME ": write error");
		return KC_EXIT_FAILED;
	}
	return code;
}

/* ---- status --------------------------------------------------------------------------------- */

struct status {
	uint32_t nodeid;
	bool quorate, synced, connected;
	uint64_t applied, records;
	char hash[2 * KC_SM_HASH_LEN + 1];
	uint32_t nmembers, nnodes;
	struct { uint32_t nodeid, pid; uint8_t state; } members[256];
	struct { uint32_t nodeid; char name[256], addr[256]; bool disabled; } nodes[64];
	uint32_t nips;
	struct { char addr[64]; uint32_t owner; bool held; } ips[256];
};

static uint64_t get_u64(const uint8_t *p)
{
	return kc_cli_get_u32(p) | (uint64_t)kc_cli_get_u32(p + 4) << 32;
}

int kc_cli_get_str16(const uint8_t *p, size_t len, size_t *off, char *out, size_t outlen)
{
	size_t n;

	if (len - *off < 2)
		return -1;
	n = p[*off] | p[*off + 1] << 8;
	*off += 2;
	if (len - *off < n || n >= outlen)
		return -1;
	memcpy(out, p + *off, n);
	out[n] = '\0';
	*off += n;
	return 0;
}

static int status_parse(const uint8_t *p, size_t len, struct status *s)
{
	size_t off = 4 + 4 + 8 + 8 + KC_SM_HASH_LEN + 4;

	if (len < off)
		return -1;
	s->nodeid = kc_cli_get_u32(p);
	s->quorate = p[4];
	s->synced = p[5];
	s->connected = p[6];
	s->applied = get_u64(p + 8);
	s->records = get_u64(p + 16);
	for (int i = 0; i < KC_SM_HASH_LEN; i++)
		snprintf(s->hash + 2 * i, 3, "%02x", p[24 + i]);
	s->nmembers = kc_cli_get_u32(p + 24 + KC_SM_HASH_LEN);
	if (s->nmembers > 256 || (len - off) / 12 < s->nmembers)
		return -1;
	for (uint32_t i = 0; i < s->nmembers; i++, off += 12) {
		s->members[i].nodeid = kc_cli_get_u32(p + off);
		s->members[i].pid = kc_cli_get_u32(p + off + 4);
		s->members[i].state = p[off + 8];
	}
	if (len - off < 4)
		return -1;
	s->nnodes = kc_cli_get_u32(p + off);
	off += 4;
	if (s->nnodes > 64)
		return -1;
	for (uint32_t i = 0; i < s->nnodes; i++) {
		if (len - off < 4)
			return -1;
		s->nodes[i].nodeid = kc_cli_get_u32(p + off);
		off += 4;
		if (kc_cli_get_str16(p, len, &off, s->nodes[i].name, sizeof(s->nodes[i].name)) ||
		    kc_cli_get_str16(p, len, &off, s->nodes[i].addr, sizeof(s->nodes[i].addr)))
			return -1;
	}
	if (len - off < 4)
		return -1;
	s->nips = kc_cli_get_u32(p + off);
	off += 4;
	if (s->nips > 256)
		return -1;
	for (uint32_t i = 0; i < s->nips; i++) {
		if (kc_cli_get_str16(p, len, &off, s->ips[i].addr, sizeof(s->ips[i].addr)) || len - off < 5)
			return -1;
		s->ips[i].owner = kc_cli_get_u32(p + off);
		s->ips[i].held = p[off + 4];
		off += 5;
	}
	return off == len ? 0 : -1;
}

static const char *node_name(const struct status *s, uint32_t nodeid)
{
	for (uint32_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].nodeid == nodeid)
			return s->nodes[i].name;
	return "";
}

static bool is_member(const struct status *s, uint32_t nodeid)
{
	for (uint32_t i = 0; i < s->nmembers; i++)
		if (s->members[i].nodeid == nodeid)
			return true;
	return false;
}

static bool node_disabled(const struct status *s, uint32_t nodeid)
{
	for (uint32_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].nodeid == nodeid)
			return s->nodes[i].disabled;
	return false;
}

static const char *yesno(bool b)
{
	return b ? "true" : "false";
}

void kc_cli_json_str(const char *str)
{
	putchar('"');
	for (; *str; str++) {
		unsigned char c = (unsigned char)*str;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void status_json(const struct status *s)
{
	printf("{\"node_id\": %u, \"connected\": %s, \"quorate\": %s, \"synced\": %s, "
	       "\"applied\": %llu, \"records\": %llu, \"state_hash\": \"%s\", \"members\": [",
	       s->nodeid, yesno(s->connected), yesno(s->quorate), yesno(s->synced),
	       (unsigned long long)s->applied, (unsigned long long)s->records, s->hash);
	for (uint32_t i = 0; i < s->nmembers; i++) {
		printf("%s{\"node_id\": %u, \"name\": ", i ? ", " : "", s->members[i].nodeid);
		kc_cli_json_str(node_name(s, s->members[i].nodeid));
		printf(", \"pid\": %u, \"state\": \"%s\"}", s->members[i].pid,
		       s->members[i].state == KC_MEMBER_SYNCED ? "synced" : "joining");
	}
	printf("], \"nodes\": [");
	for (uint32_t i = 0; i < s->nnodes; i++) {
		printf("%s{\"node_id\": %u, \"name\": ", i ? ", " : "", s->nodes[i].nodeid);
		kc_cli_json_str(s->nodes[i].name);
		printf(", \"address\": ");
		kc_cli_json_str(s->nodes[i].addr);
		printf(", \"online\": %s, \"state\": \"%s\"}", yesno(is_member(s, s->nodes[i].nodeid)),
		       s->nodes[i].disabled ? "disabled" : "enabled");
	}
	printf("], \"public_ips\": [");
	for (uint32_t i = 0; i < s->nips; i++) {
		printf("%s{\"address\": ", i ? ", " : "");
		kc_cli_json_str(s->ips[i].addr);
		printf(", \"node_id\": %u, \"node\": ", s->ips[i].owner);
		if (s->ips[i].owner)
			kc_cli_json_str(node_name(s, s->ips[i].owner));
		else
			printf("null");
		printf(", \"held\": %s}", yesno(s->ips[i].held));
	}
	printf("]}\n");
}

static void status_text(const struct status *s)
{
	printf("node id:   %u%s\n", s->nodeid, s->connected ? "" : " (not connected to corosync)");
	printf("quorum:    %s\n", s->quorate ? "yes" : "NO (changes are refused)");
	printf("state:     %s, %llu records, %llu changes applied\n",
	       s->synced ? "in sync" : "NOT in sync", (unsigned long long)s->records,
	       (unsigned long long)s->applied);
	printf("hash:      %s\n", s->hash);
	printf("members:   %u\n", s->nmembers);
	for (uint32_t i = 0; i < s->nmembers; i++)
		printf("  %-4u %-16s pid %-8u %s%s\n", s->members[i].nodeid,
		       node_name(s, s->members[i].nodeid), s->members[i].pid,
		       s->members[i].state == KC_MEMBER_SYNCED ? "synced" : "joining",
		       node_disabled(s, s->members[i].nodeid) ? ", disabled" : "");
	for (uint32_t i = 0; i < s->nnodes; i++)
		if (!is_member(s, s->nodes[i].nodeid))
			printf("  %-4u %-16s %-12s down%s\n", s->nodes[i].nodeid, s->nodes[i].name,
			       s->nodes[i].addr, s->nodes[i].disabled ? ", disabled" : "");
	if (s->nips)
		printf("public ips:\n");
	for (uint32_t i = 0; i < s->nips; i++)
		printf("  %-24s %s%s\n", s->ips[i].addr,
		       s->ips[i].owner ? node_name(s, s->ips[i].owner) : "(unassigned)",
		       s->ips[i].held ? " (here)" : "");
}

static int status(bool json)
{
	struct kc_cli_conn k;
	struct status *s;
	int ret = kc_cli_conn_open(&k);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	ret = s ? kc_cli_request(&k, KC_CIPC_STATUS, NULL, 0, NULL, 0) : -ENOMEM;
	if (!ret && status_parse(k.res, k.len, s)) {
		fprintf(stderr, "%s: malformed status from ksmbd-clusterd\n", KC_CLI_NAME);
		ret = -EIO;
	}
	for (uint32_t i = 0; !ret && i < s->nnodes; i++)
		s->nodes[i].disabled = kc_cli_node_disabled(&k, s->nodes[i].nodeid);
	if (!ret) {
		if (json)
			status_json(s);
		else
			status_text(s);
	}
	free(s);
	kc_cli_conn_close(&k);
	return kc_cli_finish_stdout(kc_cli_report("status", ret));
}

int kc_cmd_status(struct kc_cli *cli)
{
	(void)cli;
	return status(false);
}

int kc_cmd_status_json(struct kc_cli *cli)
{
	(void)cli;
	return status(true);
}

/* ---- kv ------------------------------------------------------------------------------------- */

static int mutate(enum kc_sm_op op, const char *key, const char *val)
{
	struct kc_bytes mut = { 0 };
	struct kc_cli_conn k;
	int ret;

	if (kc_sm_mut_encode(&mut, op, key, strlen(key), val, val ? strlen(val) : 0)) {
		kc_bytes_free(&mut);
		return kc_cli_usage_error("keys are 1 to %d bytes, values at most %d bytes",
					  KC_SM_KEY_MAX, KC_SM_VALUE_MAX);
	}
	ret = kc_cli_conn_open(&k);
	if (ret) {
		kc_bytes_free(&mut);
		return ret;
	}
	ret = kc_cli_request(&k, KC_CIPC_MUTATE, mut.data, mut.len, NULL, 0);
	kc_bytes_free(&mut);
	kc_cli_conn_close(&k);
	return kc_cli_report(key, ret);
}

int kc_cmd_kv_set(struct kc_cli *cli)
{
	return mutate(KC_SM_OP_SET, cli->args[0], cli->args[1]);
}

int kc_cmd_kv_del(struct kc_cli *cli)
{
	return mutate(KC_SM_OP_DEL, cli->args[0], NULL);
}

int kc_cmd_kv_get(struct kc_cli *cli)
{
	const char *key = cli->args[0];
	struct kc_cli_conn k;
	int ret;

	if (!*key || strlen(key) > KC_SM_KEY_MAX)
		return kc_cli_usage_error("keys are 1 to %d bytes", KC_SM_KEY_MAX);
	ret = kc_cli_conn_open(&k);
	if (ret)
		return ret;
	ret = kc_cli_request(&k, KC_CIPC_GET, key, strlen(key), NULL, 0);
	if (!ret) {
		fwrite(k.res, 1, k.len, stdout);
		putchar('\n');
	}
	kc_cli_conn_close(&k);
	return kc_cli_finish_stdout(kc_cli_report(key, ret));
}

int kc_cmd_kv_list(struct kc_cli *cli)
{
	const char *prefix = cli->nargs ? cli->args[0] : "";
	struct kc_cli_conn k;
	size_t off = 4;
	uint32_t n;
	int ret;

	if (strlen(prefix) > KC_SM_KEY_MAX)
		return kc_cli_usage_error("prefixes are at most %d bytes", KC_SM_KEY_MAX);
	ret = kc_cli_conn_open(&k);
	if (ret)
		return ret;
	ret = kc_cli_request(&k, KC_CIPC_LIST, prefix, strlen(prefix), NULL, 0);
	if (!ret && k.len < 4)
		ret = -EIO;
	for (n = ret ? 0 : kc_cli_get_u32(k.res); n; n--) {
		uint32_t kl, vl;

		if (k.len - off < 4 || (kl = kc_cli_get_u32(k.res + off)) > k.len - off - 4 ||
		    k.len - off - 4 - kl < 4 ||
		    (vl = kc_cli_get_u32(k.res + off + 4 + kl)) > k.len - off - 8 - kl) {
			fprintf(stderr, "%s: malformed list from ksmbd-clusterd\n", KC_CLI_NAME);
			ret = -EIO;
			break;
		}
		fwrite(k.res + off + 4, 1, kl, stdout);
		putchar('\t');
		fwrite(k.res + off + 8 + kl, 1, vl, stdout);
		putchar('\n');
		off += 8 + kl + vl;
	}
	kc_cli_conn_close(&k);
	return kc_cli_finish_stdout(kc_cli_report("list", ret));
}

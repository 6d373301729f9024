// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the commands that need a session and a tree connect
 * (CREATE, CLOSE, READ, WRITE, QUERY_INFO, QUERY_DIRECTORY, IOCTL, ...), which
 * fuzz_smb cannot reach because authentication happens in ksmbd-mountd.
 *
 * Every input gets a fresh connection on the in-memory transport, negotiated
 * by a real NEGOTIATE PDU; then a session is made VALID and a disk share is
 * connected directly through the engine's own session.h and tree.h calls
 * (what SESSION_SETUP and TREE_CONNECT do once mountd has said yes), with
 * signing off. The share is a private directory under $TMPDIR that is rebuilt
 * before every input, so inputs stay independent.
 *
 * Input: byte 0 picks the dialect (bits 0-2, modulo 5) and a read-only share
 * (bit 3); the rest is split at "FUZZ" markers into successive PDUs. In every
 * header of every PDU the session and tree ids are replaced by the real ones
 * and the SIGNED flag is cleared, so the fuzzer does not have to guess them.
 * A FileId whose volatile half is 0 and whose persistent half is k < 4 is
 * replaced by the k-th most recent FileId a CREATE response returned.
 * A LOCK's first element always fails immediately rather than wait (the
 * harness is single-threaded: nothing would ever unlock).
 *
 * KC_FUZZ_TRACE=1 in the environment prints every response's command and
 * status (to check what seeds reach).
 *
 * Confinement check: next to the share is a directory the share holds
 * symlinks to ("escape" -> ../outside, "abs" -> its absolute path); after
 * every input its one file must still hold what it held, and nothing may have
 * appeared in it or next to the share, or the target aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/unaligned.h>
#include "durable.h"
#include "oplock.h"
#include "server.h"
#include "session.h"
#include "smb.h"
#include "smb_wire.h"
#include "tree.h"
#include "../lib/mem_transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_FIDS		4
#define SECRET		"outside the share\n"

static char top[PATH_MAX], share[PATH_MAX], outside[PATH_MAX];
static bool trace;	/* KC_FUZZ_TRACE set: print each response's command and status */

static const u16 dialects[] = {
	SMB2_DIALECT_0202, SMB2_DIALECT_0210, SMB2_DIALECT_0300, SMB2_DIALECT_0302,
	SMB2_DIALECT_0311,
};

struct fids {
	u8 id[NR_FIDS][16];	/* [0] is the most recent */
	int n;
	u64 next_mid;		/* MessageIds are patched too: the credit window holds */
};

static void die(const char *what)
{
	perror(what);
	abort();
}

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd))
		die(path);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		die(path);
	return 0;
}

static void rm_tree(const char *path)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		die(path);
}

/* The share as every input starts with it. */
static void share_reset(void)
{
	static u8 big[70000];	/* more than one READ's worth for small reads */
	char path[PATH_MAX];
	size_t i;

	if (!big[0])
		for (i = 0; i < sizeof(big); i++)
			big[i] = i % 61 == 60 ? '\n' : '0' + i % 61 % 43;
	rm_tree(share);
	if (mkdir(share, 0755))
		die(share);
	put_file(share, "a.txt", "hello, world\n", 13);
	put_file(share, "empty", "", 0);
	put_file(share, "\xc3\xbc\xe2\x82\xac.txt", "utf-8 name\n", 11);
	snprintf(path, sizeof(path), "%s/dir", share);
	if (mkdir(path, 0755))
		die(path);
	put_file(share, "dir/big.bin", big, sizeof(big));
	snprintf(path, sizeof(path), "%s/dir/sub", share);
	if (mkdir(path, 0755))
		die(path);
	snprintf(path, sizeof(path), "%s/escape", share);
	if (symlink("../outside", path))
		die(path);
	snprintf(path, sizeof(path), "%s/abs", share);
	if (symlink(outside, path))
		die(path);
}

/* abort() unless the directory next to the share is untouched. */
static void check_outside(void)
{
	char path[PATH_MAX], buf[sizeof(SECRET)];
	struct dirent *de;
	struct stat st;
	ssize_t got = -1;
	int fd, n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/secret", outside);
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd >= 0) {
		if (!fstat(fd, &st) && S_ISREG(st.st_mode))
			got = read(fd, buf, sizeof(buf));
		close(fd);
	}
	if (got != sizeof(SECRET) - 1 || memcmp(buf, SECRET, got)) {
		fprintf(stderr, "fuzz_smb_tree: %s changed\n", path);
		abort();
	}
	d = opendir(outside);
	if (!d)
		die(outside);
	while ((de = readdir(d)))
		n++;
	closedir(d);
	if (n != 3) {	/* ".", ".." and secret */
		fprintf(stderr, "fuzz_smb_tree: something was created in %s\n", outside);
		abort();
	}
	d = opendir(top);
	if (!d)
		die(top);
	n = 0;
	while ((de = readdir(d)))
		n++;
	closedir(d);
	if (n != 4) {	/* ".", "..", share and outside */
		fprintf(stderr, "fuzz_smb_tree: something was created in %s\n", top);
		abort();
	}
}

static void fuzz_cleanup(void)
{
	if (top[0])
		rm_tree(top);
}

static void fuzz_init(void)
{
	static const struct ksmbd_server_config cfg = {
		.min_dialect = 0x0202,
		.max_dialect = 0x0311,
		.spnego_token = { 0x60, 0x02, 0x05, 0x00 },
		.spnego_len = 4,
	};
	const char *tmp = getenv("TMPDIR");

	snprintf(top, sizeof(top), "%s/kc-fuzz-tree.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(top))
		die(top);
	atexit(fuzz_cleanup);
	trace = getenv("KC_FUZZ_TRACE");
	/*
	 * One connection holds every open: nobody acknowledges a break, so a
	 * conflicting CREATE would wait out the 35 s timeout (libFuzzer's is 15).
	 */
	ksmbd_oplock_break_timeout_ms = 20;
	snprintf(share, sizeof(share), "%s/share", top);
	snprintf(outside, sizeof(outside), "%s/outside", top);
	if (mkdir(outside, 0755))
		die(outside);
	put_file(outside, "secret", SECRET, sizeof(SECRET) - 1);
	if (ksmbd_conn_init() || ksmbd_server_start(&cfg))
		abort();
}

/* NEGOTIATE offering only @dialect (with the mandatory preauth context for 3.1.1). */
static size_t build_negotiate(u8 *buf, u16 dialect)
{
	struct smb2_hdr *h = (struct smb2_hdr *)buf;
	struct smb2_negotiate_req *req = (struct smb2_negotiate_req *)(buf + sizeof(*h));
	size_t len = sizeof(*h) + sizeof(*req) + 2;

	memset(buf, 0, 160);
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(SMB2_HEADER_STRUCTURE_SIZE);
	h->command = cpu_to_le16(SMB2_NEGOTIATE);
	h->credit_request = cpu_to_le16(8192);
	req->structure_size = cpu_to_le16(36);
	req->dialect_count = cpu_to_le16(1);
	req->security_mode = cpu_to_le16(SMB2_NEGOTIATE_SIGNING_ENABLED);
	req->capabilities = cpu_to_le32(0x7f);
	memset(req->client_guid, 'G', sizeof(req->client_guid));
	req->dialects[0] = cpu_to_le16(dialect);
	if (dialect == SMB2_DIALECT_0311) {
		struct smb2_neg_ctx *ctx;

		len = ALIGN(len, 8);
		req->neg_ctx_offset = cpu_to_le32(len);
		req->neg_ctx_count = cpu_to_le16(1);
		ctx = (struct smb2_neg_ctx *)(buf + len);
		ctx->type = cpu_to_le16(SMB2_PREAUTH_INTEGRITY_CAPABILITIES);
		ctx->data_length = cpu_to_le16(38);
		put_unaligned_le16(1, ctx->data);	/* HashAlgorithmCount */
		put_unaligned_le16(32, ctx->data + 2);	/* SaltLength */
		put_unaligned_le16(1, ctx->data + 4);	/* SHA-512 */
		memset(ctx->data + 6, 'S', 32);
		len += sizeof(*ctx) + 38;
	}
	return len;
}

/* Remember the FileIds of successful CREATE responses in the transport's output. */
static void collect_fids(const struct mem_transport *mt, struct fids *f)
{
	size_t off = 4;	/* the direct-TCP header */

	while (off + sizeof(struct smb2_hdr) <= mt->len) {
		const struct smb2_hdr *h = (const struct smb2_hdr *)(mt->out + off);
		size_t body = off + sizeof(*h);
		u32 next = le32_to_cpu(h->next_command);

		if (trace)
			fprintf(stderr, "  cmd %2u status 0x%08x len %zu\n", le16_to_cpu(h->command),
				le32_to_cpu(h->status), next ? next : mt->len - off);
		if (h->command == cpu_to_le16(SMB2_CREATE) && h->status == STATUS_SUCCESS &&
		    body + 80 <= mt->len) {
			memmove(f->id[1], f->id[0], sizeof(f->id[0]) * (NR_FIDS - 1));
			memcpy(f->id[0], mt->out + body + 64, 16);
			if (f->n < NR_FIDS)
				f->n++;
		}
		if (!next)
			break;
		off += next;
	}
}

static const u8 fid_off[SMB2_NR_COMMANDS] = {
	[SMB2_CLOSE] = 8, [SMB2_FLUSH] = 8, [SMB2_READ] = 16, [SMB2_WRITE] = 16,
	[SMB2_LOCK] = 8, [SMB2_IOCTL] = 8, [SMB2_QUERY_DIRECTORY] = 8,
	[SMB2_CHANGE_NOTIFY] = 8, [SMB2_QUERY_INFO] = 24, [SMB2_SET_INFO] = 16,
	[SMB2_OPLOCK_BREAK] = 8,
};

/* Patch ids into every header of the chain in @p (walked as the engine will check it). */
static void patch(u8 *p, size_t n, u64 sess_id, u32 tree_id, struct fids *f)
{
	size_t off = 0;

	while (off + sizeof(struct smb2_hdr) + 2 <= n) {
		struct smb2_hdr *h = (struct smb2_hdr *)(p + off);
		u16 cmd = le16_to_cpu(h->command);
		u32 next = le32_to_cpu(h->next_command);
		size_t end = next && next <= n - off ? off + next : n;

		if (h->protocol_id != SMB2_PROTO_ID)
			break;
		h->session_id = cpu_to_le64(sess_id);
		h->tree_id = cpu_to_le32(tree_id);
		h->message_id = cpu_to_le64(f->next_mid);
		f->next_mid += le16_to_cpu(h->credit_charge) ? le16_to_cpu(h->credit_charge) : 1;
		h->flags &= ~SMB2_FLAGS_SIGNED;
		if (cmd < SMB2_NR_COMMANDS && fid_off[cmd] &&
		    off + sizeof(*h) + fid_off[cmd] + 16 <= end) {
			u8 *fid = p + off + sizeof(*h) + fid_off[cmd];
			u64 k = get_unaligned_le64(fid);

			if (k < (u64)f->n && !get_unaligned_le64(fid + 8))
				memcpy(fid, f->id[k], 16);
		}
		/*
		 * A LOCK that may wait (one lock element without
		 * FAIL_IMMEDIATELY) would wait forever here: nothing else runs
		 * to unlock. Such elements are made to fail immediately.
		 */
		if (cmd == SMB2_LOCK && off + sizeof(*h) + 48 <= end) {
			u8 *flags = p + off + sizeof(*h) + 24 + 16;
			u32 v = get_unaligned_le32(flags);

			if (!(v & 0x04))
				put_unaligned_le32(v | 0x10, flags);
		}
		if (!next || next % 8 || next >= n - off)
			break;
		off += next;
	}
}

/* Run one PDU from an exact-size heap copy, so reads past its end are caught. */
static int fuzz_pdu(struct ksmbd_conn *conn, struct mem_transport *mt, const u8 *p, size_t n,
		    u64 sess_id, u32 tree_id, struct fids *f)
{
	u8 *copy = malloc(n ? n : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, p, n);
	patch(copy, n, sess_id, tree_id, f);
	mt->len = 0;
	ret = ksmbd_smb_process(conn, copy, n);
	if (mt->len && mt->len < 4)
		abort();	/* a response is always a whole frame */
	collect_fids(mt, f);
	free(copy);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct mem_transport *mt;
	struct ksmbd_conn *conn;
	struct ksmbd_session *sess;
	struct ksmbd_tree *tree;
	struct fids f = { .n = 0, .next_mid = 1 };
	const u8 *p, *end = data + size;
	u8 neg[160];
	u64 sess_id;
	u32 tree_id;
	size_t len;

	if (size < 1)
		return 0;
	if (!ready) {
		fuzz_init();
		ready = true;
	}
	share_reset();
	conn = mem_conn_new(&mt);
	if (!conn)
		abort();
	len = build_negotiate(neg, dialects[(data[0] & 7) % ARRAY_SIZE(dialects)]);
	if (ksmbd_smb_process(conn, neg, len) || !conn->dialect)
		abort();

	/* What a successful SESSION_SETUP and TREE_CONNECT leave behind. */
	sess = ksmbd_session_new(conn);
	if (!sess)
		abort();
	strscpy(sess->user, "fuzz", sizeof(sess->user));
	WRITE_ONCE(sess->state, KSMBD_SESS_VALID);
	if (ksmbd_tree_new(sess, "share", data[0] & 8 ? KSMBD_SHARE_READONLY : 0, share, &tree))
		abort();
	sess_id = sess->id;
	tree_id = tree->id;
	ksmbd_tree_put(tree);
	ksmbd_session_put(sess);

	for (p = data + 1; p <= end;) {
		const u8 *mark = memmem(p, end - p, "FUZZ", 4);
		const u8 *stop = mark ? mark : end;

		/* A dropped connection takes no more requests. */
		if (fuzz_pdu(conn, mt, p, stop - p, sess_id, tree_id, &f) < 0 || !mark)
			break;
		p = mark + 4;
	}
	ksmbd_conn_free(conn);
	/* durable opens the input made wait orphaned for their client: not across inputs */
	ksmbd_durable_close_all();
	check_outside();
	return 0;
}

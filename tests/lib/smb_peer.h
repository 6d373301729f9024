/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Request-path unit tests with in-memory connections (mem_transport.h): a
 * peer is one connection with its session and tree; put_req() writes a
 * request header for it, pdu() and wait_pdus() read what the engine sent it,
 * peer_up() and peer_down() connect and disconnect it. Include after cmocka.h
 * and the engine headers (conn.h, session.h, smb2.h, tree.h, ...).
 */
#ifndef KC_TEST_SMB_PEER_H
#define KC_TEST_SMB_PEER_H

struct peer {
	struct ksmbd_conn *conn;
	struct mem_transport *mt;
	struct ksmbd_session *sess;
	struct ksmbd_tree *tree;
	u64 mid;
};

/* Make @dir (a mkdtemp() template) and start the engine with a permissive config. */
static inline int peer_group_setup(char *dir)
{
	static struct ksmbd_server_config cfg = {
		.min_dialect = SMB2_DIALECT_0202,
		.max_dialect = SMB2_DIALECT_0311,
		.spnego_token = { 0x60, 0x02, 0x05, 0x00 },
		.spnego_len = 4,
	};

	if (!mkdtemp(dir))
		return -1;
	return ksmbd_conn_init() || ksmbd_server_start(&cfg);
}

/* Stop the engine and remove @dir. */
static inline int peer_group_teardown(const char *dir)
{
	char cmd[64];

	ksmbd_server_stop();
	ksmbd_conn_exit();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static inline size_t put_req(u8 *buf, u16 command, u16 struct_size, size_t body_len, struct peer *p)
{
	struct smb2_hdr *h = (struct smb2_hdr *)buf;

	memset(h, 0, sizeof(*h) + body_len);
	h->protocol_id = SMB2_PROTO_ID;
	h->structure_size = cpu_to_le16(64);
	h->command = cpu_to_le16(command);
	h->credit_request = cpu_to_le16(5);
	h->message_id = cpu_to_le64(p->mid++);
	h->session_id = cpu_to_le64(p->sess ? p->sess->id : 0);
	h->tree_id = cpu_to_le32(p->tree ? p->tree->id : 0);
	put_unaligned_le16(struct_size, buf + sizeof(*h));
	return sizeof(*h) + body_len;
}

/* The @n-th PDU the peer was sent, or NULL; under the write lock. */
static inline const struct smb2_hdr *pdu(struct peer *p, int n)
{
	const struct smb2_hdr *h = NULL;
	size_t off = 0;

	mutex_lock(&p->conn->write_lock);
	while (off + 4 <= p->mt->len) {
		u32 len = get_unaligned_be32(p->mt->out + off);

		if (!n--) {
			h = (const struct smb2_hdr *)(p->mt->out + off + 4);
			break;
		}
		off += 4 + len;
	}
	mutex_unlock(&p->conn->write_lock);
	return h;
}

/* Wait (5 s at most) until the peer was sent @n PDUs. */
static inline bool wait_pdus(struct peer *p, int n)
{
	struct timespec ts = { .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 5000; i++) {
		int w;

		mutex_lock(&p->conn->write_lock);
		w = p->mt->writes;
		mutex_unlock(&p->conn->write_lock);
		if (w >= n)
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* Connect @p: NEGOTIATE 2.1, a valid session and a tree on @dir; its output is reset. */
static inline void peer_up(struct peer *p, const char *dir)
{
	static const u16 d[] = { SMB2_DIALECT_0202, SMB2_DIALECT_0210 };
	u8 buf[256];
	size_t len;

	memset(p, 0, sizeof(*p));
	p->conn = mem_conn_new(&p->mt);
	assert_non_null(p->conn);
	len = put_req(buf, SMB2_NEGOTIATE, 36, 36 + 4, p);
	put_unaligned_le16(2, buf + 64 + 2);
	put_unaligned_le16(d[0], buf + 64 + 36);
	put_unaligned_le16(d[1], buf + 64 + 38);
	assert_int_equal(ksmbd_smb_process(p->conn, buf, len), 0);
	assert_int_equal(p->conn->dialect, SMB2_DIALECT_0210);
	p->sess = ksmbd_session_new(p->conn);
	assert_non_null(p->sess);
	p->sess->state = KSMBD_SESS_VALID;
	assert_int_equal(ksmbd_tree_new(p->sess, "share", 0, dir, &p->tree), 0);
	p->mt->len = 0;
	p->mt->writes = 0;
}

static inline void peer_down(struct peer *p)
{
	ksmbd_tree_put(p->tree);
	ksmbd_session_put(p->sess);
	ksmbd_conn_free(p->conn);
}

#endif

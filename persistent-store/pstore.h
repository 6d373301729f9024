/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpstore: the node's persistent cluster state, as typed records in tdb databases.
 *
 * FILES. A state directory per node (mode 0700) holds one tdb file per database, mode 0600
 * (the registry holds NT hashes): registry.tdb, nodes.tdb, handles.tdb, locks.tdb,
 * leases.tdb, connections.tdb. Files are opened without TDB_NOSYNC, so a committed transaction
 * is on disk when pstore_commit() returns; TDB_CLEAR_IF_FIRST and TDB_MUTEX_LOCKING are not
 * used (the data must outlive every process). Several processes may open the same database;
 * tdb's locks serialise their transactions. A process opens each database at most once.
 *
 * DATABASES AND RECORDS. Each database holds records of a few types:
 *
 *	registry	share, user, public IP, global SMB option
 *	nodes		node
 *	handles		handle (durable / persistent opens)
 *	locks		lock (byte ranges of a handle)
 *	leases		lease
 *	connections	connection (client TCP connections, for tickle ACKs)
 *
 * A record is a C struct (struct pstore_share, ...) that starts with struct pstore_rec. Its
 * database key is derived from its identifying fields by pstore_rec_key() ("share:data",
 * "node:0000000003", ...; see each struct), so a key always matches its record. Keys compare
 * as bytes; iteration and snapshots go in key order.
 *
 * ENCODING (one record = one tdb value; all integers little-endian):
 *
 *	u8  format (1)     u8 record type     u16 schema version of the writer
 *	u32 length of the fields that follow
 *	fields: u16 tag, u8 wire type, u32 length, value
 *	u32 CRC32C of everything before it
 *
 * Wire types: 1 unsigned (8 bytes), 2 boolean (1 byte, 0 or 1), 3 string (UTF-8, no NUL),
 * 4 bytes, 5 pair (u32 key length, key, value; both strings). Fields appear in ascending tag
 * order; a list is its tag repeated. A reader keeps fields whose tag it does not know (written
 * by a newer version) in pstore_rec.unknown and writes them back unchanged, in tag order, so a
 * read-modify-write by an older node loses nothing; such a record keeps the newer schema
 * version. A record that is truncated, too long, out of order, of the wrong wire type for a
 * known tag, missing a required field, or whose checksum does not match is rejected with
 * -EBADMSG and a message naming the database, the key and the reason. The encoding is
 * canonical: equal records give equal bytes.
 *
 * TRANSACTIONS AND GENERATION. Every write happens in a transaction: pstore_begin(),
 * pstore_put()/pstore_del(), then pstore_commit() or pstore_cancel(). Each database stores a
 * generation number that every committed transaction increments by one, empty ones included
 * (pstore_generation() is one tdb fetch). A kill -9 or crash at any point leaves the database
 * as of the last commit: tdb replays its recovery area at the next open.
 *
 * SNAPSHOTS. pstore_snapshot() writes a database as a canonical byte stream:
 *
 *	"KCPSNAP1"  u16 length, database name  u64 generation  u64 record count
 *	records in key order: u32 key length, key, u32 value length, value (encoded record)
 *	u32 CRC32C of everything before it
 *
 * Databases with the same records and generation give identical streams, so nodes can compare
 * hashes of them. pstore_restore() checks a whole stream first (magic, name, ordering, every
 * record, checksum) and then replaces the database's contents and generation in one
 * transaction: a bad stream changes nothing, a crash leaves the old or the new contents.
 *
 * USERS (later issues). ksmbd-clusterd applies each replicated mutation, in agreed order, as
 * one transaction on every node, so every node's generation counts the same mutations; a
 * mutation that fails must be cancelled on every node alike (a node-local failure is fatal
 * for that node). A joining node restores a donor's snapshot, then applies the queued stream.
 * ksmbd-mountd reads shares, users and options from the registry. The engine's durable and
 * persistent handle state goes in pstore_handle.state (an opaque blob the engine exports).
 *
 * ERRORS. Functions return 0 or a negative errno; when err is not NULL it receives a one-line
 * message ("registry: share:data: field 2 (path): string is not valid UTF-8").
 * -EBADMSG: corrupt data; -ENOENT: no such record; -EINVAL: bad argument or a write outside a
 * transaction; -EBUSY: transaction state wrong; -EIO: tdb or file error; -ENOMEM.
 *
 * Not thread-safe: a struct pstore_db is used by one thread at a time.
 */
#ifndef KC_PSTORE_H
#define KC_PSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PSTORE_FORMAT		1
#define PSTORE_KEY_MAX		1024		/* bytes */
#define PSTORE_RECORD_MAX	(16u << 20)	/* bytes of one encoded record */
#define PSTORE_STRING_MAX	65535		/* bytes of one string field */
#define PSTORE_GUID_LEN		16
#define PSTORE_NT_HASH_LEN	16

struct pstore_err {
	char msg[384];
};

enum pstore_dbid {
	PSTORE_DB_REGISTRY,
	PSTORE_DB_NODES,
	PSTORE_DB_HANDLES,
	PSTORE_DB_LOCKS,
	PSTORE_DB_LEASES,
	PSTORE_DB_CONNECTIONS,
	PSTORE_DB_COUNT
};

/* Record types; the numbers are on disk and never change. */
enum pstore_type {
	PSTORE_T_SHARE = 1,
	PSTORE_T_USER = 2,
	PSTORE_T_PUBLIC_IP = 3,
	PSTORE_T_OPTION = 4,
	PSTORE_T_NODE = 5,
	PSTORE_T_HANDLE = 6,
	PSTORE_T_LOCK = 7,
	PSTORE_T_LEASE = 8,
	PSTORE_T_CONNECTION = 9,
};
#define PSTORE_T_MAX	PSTORE_T_CONNECTION

/* A field of a newer schema version, kept verbatim. */
struct pstore_unknown {
	uint16_t tag;
	uint8_t wtype;
	uint32_t len;
	uint8_t *data;
};

/* The head of every record. */
struct pstore_rec {
	enum pstore_type type;
	uint16_t version;		/* schema version it was written with */
	size_t n_unknown;
	struct pstore_unknown *unknown;	/* in tag order */
};

struct pstore_kv {
	char *key, *value;
};

struct pstore_opt_u32 {
	bool set;
	uint32_t v;
};

struct pstore_bytes {
	uint8_t *data;
	size_t len;
};

/*
 * registry: a share. Key "share:" + name with ASCII letters lowered. Tags: 1 name (required),
 * 2 path (required), 3 comment, 4 read only (default yes), 5 guest ok, 6 valid users (list),
 * 7 invalid users (list), 8 browseable (default yes), 9 continuous availability, 10 other
 * smb.conf parameters (list of pairs, in the order given).
 */
struct pstore_share {
	struct pstore_rec rec;
	char *name;
	char *path;
	char *comment;
	bool read_only;
	bool guest_ok;
	char **valid_users;		/* NULL-terminated, or NULL */
	char **invalid_users;
	bool browseable;
	bool continuous_availability;
	struct pstore_kv *params;
	size_t n_params;
};

#define PSTORE_USER_DISABLED	0x1u

/*
 * registry: a user. Key "user:" + name with ASCII letters lowered. Tags: 1 name (required),
 * 2 NT hash (secret, 16 bytes, required), 3 uid, 4 gid (optional), 5 flags (PSTORE_USER_*).
 */
struct pstore_user {
	struct pstore_rec rec;
	char *name;
	uint8_t nt_hash[PSTORE_NT_HASH_LEN];	/* wiped by pstore_rec_free() */
	struct pstore_opt_u32 uid, gid;
	uint32_t flags;
};

/*
 * registry: a public IP address the cluster serves. Key "ip:" + address. Tags: 1 address
 * (required, IPv4 or IPv6 text), 2 prefix length, 3 interface, 4 home nodes (list of node
 * names of "cluster nodes", in preference order; none: any node).
 */
struct pstore_public_ip {
	struct pstore_rec rec;
	char *address;
	uint32_t prefix_len;
	char *interface;
	char **home;
};

/*
 * registry: a global SMB option ("server signing" = "mandatory"). Key "option:" + key lowered
 * with whitespace removed (smb.conf keys match that way). Tags: 1 key, 2 value (required).
 */
struct pstore_option {
	struct pstore_rec rec;
	char *key;
	char *value;
};

enum pstore_node_state {
	PSTORE_NODE_ENABLED = 1,
	PSTORE_NODE_DISABLED = 2,
};

/*
 * nodes: a cluster node. Key "node:" + id as 10 decimal digits (key order = id order).
 * Tags: 1 name (required), 2 id, 3 addresses (list), 4 state (default enabled),
 * 5 last seen (Unix time, seconds).
 */
struct pstore_node {
	struct pstore_rec rec;
	char *name;
	uint32_t id;
	char **addresses;
	uint32_t state;			/* enum pstore_node_state */
	uint64_t last_seen;
};

enum pstore_durable_type {
	PSTORE_DURABLE_V1 = 1,		/* SMB2_CREATE_DURABLE_HANDLE_REQUEST */
	PSTORE_DURABLE_V2 = 2,		/* ..._REQUEST_V2 without the persistent flag */
	PSTORE_PERSISTENT = 3,		/* ..._REQUEST_V2 with SMB2_DHANDLE_FLAG_PERSISTENT */
};

/*
 * handles: a durable or persistent open. Key "handle:" + persistent FileId as 16 hex digits.
 * Tags: 1 persistent id, 2 volatile id, 3 CreateGuid, 4 ClientGuid, 5 owner node id,
 * 6 share (required), 7 path within the share (required), 8 DesiredAccess, 9 ShareAccess,
 * 10 CreateOptions, 11 durable type, 12 durable timeout (ms), 13 oplock level
 * (SMB2_OPLOCK_LEVEL_*, 0xFF = lease), 14 lease key (zero without a lease), 15 owner's
 * account name, 16 engine state (the engine's exported open, opaque here).
 */
struct pstore_handle {
	struct pstore_rec rec;
	uint64_t persistent_id;
	uint64_t volatile_id;
	uint8_t create_guid[PSTORE_GUID_LEN];
	uint8_t client_guid[PSTORE_GUID_LEN];
	uint32_t owner_node;
	char *share;
	char *path;
	uint32_t desired_access;
	uint32_t share_access;
	uint32_t create_options;
	uint32_t durable_type;		/* enum pstore_durable_type */
	uint32_t timeout_ms;
	uint32_t oplock_level;
	uint8_t lease_key[PSTORE_GUID_LEN];
	char *user;
	struct pstore_bytes state;
};

/*
 * locks: a byte-range lock held through a handle. Key "lock:" + persistent id, offset and
 * length, each as 16 hex digits, ':'-separated. Tags: 1 persistent id, 2 offset, 3 length,
 * 4 exclusive, 5 owner node id.
 */
struct pstore_lock {
	struct pstore_rec rec;
	uint64_t persistent_id;
	uint64_t offset;
	uint64_t length;
	bool exclusive;
	uint32_t owner_node;
};

/*
 * leases: an SMB2 lease. Key "lease:" + ClientGuid and lease key as 32 hex digits each.
 * Tags: 1 ClientGuid, 2 lease key, 3 parent lease key (zero when none), 4 state
 * (SMB2_LEASE_READ/HANDLE/WRITE_CACHING bits), 5 epoch, 6 lease version (1 or 2),
 * 7 breaking, 8 state being broken to, 9 share, 10 path (required both), 11 owner node id.
 */
struct pstore_lease {
	struct pstore_rec rec;
	uint8_t client_guid[PSTORE_GUID_LEN];
	uint8_t lease_key[PSTORE_GUID_LEN];
	uint8_t parent_lease_key[PSTORE_GUID_LEN];
	uint32_t state;
	uint32_t epoch;
	uint32_t version;
	bool breaking;
	uint32_t break_to;
	char *share;
	char *path;
	uint32_t owner_node;
};

/*
 * connections: a client TCP connection to a public address. Key "conn:" + server address
 * '/' server port (5 digits) '/' client address '/' client port (5 digits). Tags: 1 owner
 * node id, 2 server address, 3 server port, 4 client address, 5 client port (addresses
 * required), 6 ClientGuid, 7 dialect (0x0202..0x0311), 8 established (Unix time, seconds).
 */
struct pstore_connection {
	struct pstore_rec rec;
	uint32_t owner_node;
	char *server_addr;
	uint32_t server_port;
	char *client_addr;
	uint32_t client_port;
	uint8_t client_guid[PSTORE_GUID_LEN];
	uint32_t dialect;
	uint64_t established;
};

/* ---- records ---------------------------------------------------------------------------- */

/*
 * A new record of type t with every field at its default, version set to the current schema
 * version; NULL for an unknown type or out of memory. Cast it to the type's struct.
 */
struct pstore_rec *pstore_rec_new(enum pstore_type t);
/* Free a record and what it owns; secrets are wiped. NULL is a no-op. */
void pstore_rec_free(struct pstore_rec *rec);
/* Name of a record type ("share") or NULL; the database a type lives in (-1 if unknown). */
const char *pstore_type_name(enum pstore_type t);
int pstore_type_db(enum pstore_type t);
/* Name of a database ("registry") or NULL; its id from a name (-1 if unknown). */
const char *pstore_db_name_of(enum pstore_dbid id);
int pstore_db_lookup(const char *name);

/* The record's key (malloc'd, NUL-terminated) from its identifying fields. */
int pstore_rec_key(const struct pstore_rec *rec, char **key, struct pstore_err *err);
/*
 * Encode: *buf is malloc'd (free it with pstore_buf_free(), which wipes it), *len its length.
 * -EINVAL when a required field is missing or a value breaks its limits.
 */
int pstore_rec_encode(const struct pstore_rec *rec, uint8_t **buf, size_t *len,
		      struct pstore_err *err);
void pstore_buf_free(uint8_t *buf, size_t len);
/*
 * Decode len bytes. -EBADMSG when corrupt, -EPROTONOSUPPORT for a record type this version
 * does not know (the envelope and fields were still checked).
 */
int pstore_rec_decode(const uint8_t *buf, size_t len, struct pstore_rec **out,
		      struct pstore_err *err);
/*
 * Print a record as "tag name = value" lines, secrets as "(secret)" unless show_secrets;
 * unknown fields as "tag N (wire type W) = hex".
 */
void pstore_rec_print(const struct pstore_rec *rec, FILE *out, bool show_secrets);

/* CRC32C (Castagnoli), as the formats use it: crc = pstore_crc32c(0, p, n). */
uint32_t pstore_crc32c(uint32_t crc, const void *p, size_t n);

/* ---- databases -------------------------------------------------------------------------- */

struct pstore_db;

enum pstore_open_flags {
	PSTORE_CREATE = 0x1,	/* create the directory (0700) and the database (0600) */
	PSTORE_RDONLY = 0x2,	/* no transactions, no restore into it */
};

/*
 * Open database id in the state directory dir. With PSTORE_CREATE the directory is created
 * (its parent must exist) and a missing database is made at generation 0; permissions looser
 * than 0700 / 0600 are tightened. Without it, a missing database is -ENOENT. A file that is
 * not a database of this name is refused, never overwritten. Opening a database whose last
 * commit was interrupted rolls that commit back, which needs a read-write open: PSTORE_RDONLY
 * fails on such a database until some read-write open has recovered it.
 */

int pstore_open(const char *dir, enum pstore_dbid id, unsigned int flags, struct pstore_db **out,
		struct pstore_err *err);
/* Close; an open transaction is cancelled. NULL is a no-op. */
void pstore_close(struct pstore_db *db);
const char *pstore_db_name(const struct pstore_db *db);

/* The committed generation (inside a transaction: the one it started from). */
int pstore_generation(struct pstore_db *db, uint64_t *gen, struct pstore_err *err);

int pstore_begin(struct pstore_db *db, struct pstore_err *err);
/* Commit (generation + 1, synced to disk). On failure the transaction is cancelled. */
int pstore_commit(struct pstore_db *db, struct pstore_err *err);
int pstore_cancel(struct pstore_db *db, struct pstore_err *err);
bool pstore_in_transaction(const struct pstore_db *db);

/* Store rec under pstore_rec_key(rec), replacing what was there; its type must fit the db. */
int pstore_put(struct pstore_db *db, const struct pstore_rec *rec, struct pstore_err *err);
/* Delete the record under key: 0 or -ENOENT. */
int pstore_del(struct pstore_db *db, const char *key, struct pstore_err *err);
/* Fetch and decode the record under key: 0 and *out (free with pstore_rec_free()), -ENOENT. */
int pstore_get(struct pstore_db *db, const char *key, struct pstore_rec **out,
	       struct pstore_err *err);

/*
 * Call fn for every record of type t (0: every type) in key order, inside a transaction with
 * its changes. The records are read (into memory) before the first call, so fn may write to
 * the database within the same transaction without disturbing the walk. fn returns 0 to go
 * on; any other value stops the walk and is returned. A corrupt record stops it with
 * -EBADMSG; records of types this version does not know are skipped.
 */
typedef int (*pstore_visit_fn)(const char *key, const struct pstore_rec *rec, void *arg);
int pstore_foreach(struct pstore_db *db, enum pstore_type t, pstore_visit_fn fn, void *arg,
		   struct pstore_err *err);

/*
 * Check the whole database: tdb's own structure check, the meta record, every record (decodes,
 * belongs in this database, its key matches its fields). 0 and the record count in *count
 * (may be NULL), or -EBADMSG with the first problem.
 */
int pstore_check(struct pstore_db *db, size_t *count, struct pstore_err *err);

/* ---- snapshots ---------------------------------------------------------------------------- */

/*
 * The database's committed contents as a canonical stream (*buf malloc'd, free it with
 * pstore_buf_free()). Not inside a transaction (-EBUSY); corrupt records fail it (-EBADMSG).
 */
int pstore_snapshot(struct pstore_db *db, uint8_t **buf, size_t *len, struct pstore_err *err);
/*
 * Check a stream without a database: 0 with its database id, generation and record count
 * (each pointer may be NULL), or -EBADMSG.
 */
int pstore_snapshot_verify(const uint8_t *buf, size_t len, int *dbid, uint64_t *gen,
			   uint64_t *count, struct pstore_err *err);
/*
 * Replace the database's records and generation by the stream's, atomically. The stream must
 * be of this database. Not inside a transaction (-EBUSY). A bad stream: -EBADMSG, nothing
 * changed.
 */
int pstore_restore(struct pstore_db *db, const uint8_t *buf, size_t len, struct pstore_err *err);

#endif /* KC_PSTORE_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpstore internals: the schema tables that drive the record codec, and helpers shared by
 * store.c and snapshot.c.
 */
#ifndef KC_PSTORE_INTERNAL_H
#define KC_PSTORE_INTERNAL_H

#include <stdarg.h>

#include "pstore.h"

/* Wire types of a field. */
enum {
	PS_W_UINT = 1,
	PS_W_BOOL = 2,
	PS_W_STRING = 3,
	PS_W_BYTES = 4,
	PS_W_PAIR = 5,
};

/* How a field is held in its C struct. */
enum ps_kind {
	PS_K_STR,	/* char *, wire string */
	PS_K_STRV,	/* char ** NULL-terminated, repeated wire strings */
	PS_K_BOOL,	/* bool, wire bool */
	PS_K_U32,	/* uint32_t, wire uint (range-checked) */
	PS_K_U64,	/* uint64_t, wire uint */
	PS_K_OPT_U32,	/* struct pstore_opt_u32, wire uint when set */
	PS_K_FIXED,	/* uint8_t[len], wire bytes of exactly len */
	PS_K_BYTES,	/* struct pstore_bytes, wire bytes when len > 0 */
	PS_K_KVV,	/* struct pstore_kv * at off, size_t count at off2, repeated wire pairs */
};

#define PS_F_REQUIRED	0x1	/* a string that must be present */
#define PS_F_SECRET	0x2	/* never printed unless asked; wiped on free */

struct ps_field {
	uint16_t tag;
	uint8_t kind;		/* enum ps_kind */
	uint8_t flags;
	const char *name;
	size_t off, off2;
	uint64_t def;		/* default of BOOL/U32/U64 when absent from the wire */
	size_t len;		/* PS_K_FIXED */
};

struct ps_type {
	enum pstore_type type;
	const char *name;
	uint16_t version;		/* current schema version */
	enum pstore_dbid db;
	size_t size;			/* of the C struct */
	const struct ps_field *fields;	/* ascending tags */
	size_t nfields;
	/* Build the key into buf (NUL-terminated); -EINVAL when the fields cannot make one. */
	int (*key)(const struct pstore_rec *rec, char *buf, size_t size, struct pstore_err *err);
};

const struct ps_type *ps_type_get(enum pstore_type t);

/* Envelope of an encoded record: 1 + 1 + 2 + 4 header bytes, 4 checksum bytes. */
#define PS_REC_HDR	8
#define PS_REC_TRAILER	4

/*
 * Check an encoded record's envelope and field structure (lengths, order, checksum) without
 * knowing its type: 0 with *type, or -EBADMSG.
 */
int ps_rec_check_envelope(const uint8_t *buf, size_t len, unsigned int *type,
			  struct pstore_err *err);

/* Fill err (when not NULL) printf-style; returns rc so callers can "return ps_fail(...)". */
int ps_fail(struct pstore_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Put "prefix: " in front of err's message. */
void ps_err_prefix(struct pstore_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void ps_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void ps_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void ps_put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t ps_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ps_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t ps_get64(const uint8_t *p)
{
	return (uint64_t)ps_get32(p) | (uint64_t)ps_get32(p + 4) << 32;
}

/* A growing byte buffer; after a failed allocation it stops growing and sets oom. */
struct ps_buf {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

void ps_buf_add(struct ps_buf *b, const void *p, size_t n);
void ps_buf_u16(struct ps_buf *b, uint16_t v);
void ps_buf_u32(struct ps_buf *b, uint32_t v);
void ps_buf_u64(struct ps_buf *b, uint64_t v);
void ps_buf_wipe(struct ps_buf *b);

/* Printable form of a key for messages (non-printing bytes as '?'), at most 80 bytes. */
const char *ps_key_show(const void *key, size_t len, char *buf, size_t size);

/* ---- databases (store.c), shared with snapshot.c ----------------------------------------- */

struct tdb_context;

struct pstore_db {
	struct tdb_context *tdb;
	enum pstore_dbid id;
	char *path;
	bool rdonly;
	bool in_txn;		/* a pstore_begin() is open */
	bool recovered;		/* tdb replayed an interrupted commit; see store.c */
	char tdb_msg[256];	/* tdb's last logged error, for our messages */
};

/* One record as read from tdb (copies owned by the array). */
struct ps_entry {
	uint8_t *key, *val;
	size_t klen, vlen;
};

/* The meta record's key; '!' sorts before every record key (they start with a letter). */
#define PS_META_KEY	"!meta"

/* Every record but the meta one, sorted by key; with gen, the generation of the same view. */
int ps_collect(struct pstore_db *db, struct ps_entry **out, size_t *n, uint64_t *gen,
	       struct pstore_err *err);
void ps_entries_free(struct ps_entry *e, size_t n);
/*
 * Check that an encoded value is a valid record of db's database stored under the right key
 * (records of unknown types: the envelope only). Decoded record in *out when out is not NULL
 * and the type is known. Errors are prefixed with "DB: KEY: ".
 */
int ps_check_record(enum pstore_dbid db, const uint8_t *key, size_t klen, const uint8_t *val,
		    size_t vlen, struct pstore_rec **out, struct pstore_err *err);
int ps_meta_read(struct pstore_db *db, uint64_t *gen, struct pstore_err *err);
int ps_meta_write(struct pstore_db *db, uint64_t gen, struct pstore_err *err);
/* Repack when tdb logged the recovery of an interrupted commit (see store.c). */
int ps_after_recovery(struct pstore_db *db, struct pstore_err *err);
/* Fill err with "DB: what: tdb's reason". */
int ps_tdb_fail(struct pstore_db *db, struct pstore_err *err, const char *what);

#endif /* KC_PSTORE_INTERNAL_H */

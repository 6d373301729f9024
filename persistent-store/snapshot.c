// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: a database's committed records and generation as one canonical byte stream
 * (format in pstore.h), and the atomic restore of such a stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <tdb.h>

#include "internal.h"

#define SNAP_MAGIC	"KCPSNAP1"
#define SNAP_MAGIC_LEN	8

int pstore_snapshot(struct pstore_db *db, uint8_t **out, size_t *outlen, struct pstore_err *err)
{
	const char *name = pstore_db_name(db);
	struct ps_buf b = { 0 };
	struct ps_entry *e = NULL;
	uint64_t gen;
	size_t n = 0;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (db->in_txn)
		return ps_fail(err, -EBUSY, "%s: snapshot inside a transaction", name);
	rc = ps_collect(db, &e, &n, &gen, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = ps_check_record(db->id, e[i].key, e[i].klen, e[i].val, e[i].vlen, NULL, err);
	if (rc) {
		ps_entries_free(e, n);
		return rc;
	}
	ps_buf_add(&b, SNAP_MAGIC, SNAP_MAGIC_LEN);
	ps_buf_u16(&b, (uint16_t)strlen(name));
	ps_buf_add(&b, name, strlen(name));
	ps_buf_u64(&b, gen);
	ps_buf_u64(&b, n);
	for (size_t i = 0; i < n; i++) {
		ps_buf_u32(&b, (uint32_t)e[i].klen);
		ps_buf_add(&b, e[i].key, e[i].klen);
		ps_buf_u32(&b, (uint32_t)e[i].vlen);
		ps_buf_add(&b, e[i].val, e[i].vlen);
	}
	ps_entries_free(e, n);
	if (!b.oom)
		ps_buf_u32(&b, pstore_crc32c(0, b.p, b.len));
	if (b.oom) {
		ps_buf_wipe(&b);
		return ps_fail(err, -ENOMEM, "out of memory");
	}
	*out = b.p;
	*outlen = b.len;
	return 0;
}

/* A reader over the stream that fails once instead of at every call. */
struct rd {
	const uint8_t *p;
	size_t pos, end;
	bool short_read;
};

static const uint8_t *take(struct rd *r, size_t n)
{
	const uint8_t *p;

	if (r->short_read || n > r->end - r->pos) {
		r->short_read = true;
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += n;
	return p;
}

static uint32_t take32(struct rd *r)
{
	const uint8_t *p = take(r, 4);

	return p ? ps_get32(p) : 0;
}

static uint64_t take64(struct rd *r)
{
	const uint8_t *p = take(r, 8);

	return p ? ps_get64(p) : 0;
}

/*
 * Parse and check a stream. With entries, the records are handed back as pointers into buf
 * (key, klen, val, vlen; the ps_entry arrays are not owned copies then).
 */
static int parse(const uint8_t *buf, size_t len, int *dbid, uint64_t *gen, uint64_t *count,
		 struct ps_entry **entries, struct pstore_err *err)
{
	struct rd r = { .p = buf, .end = len };
	struct ps_entry *e = NULL, prev = { 0 };
	const uint8_t *p;
	uint64_t n, g;
	char name[64];
	uint16_t nlen;
	int id, rc = 0;

	if (len < SNAP_MAGIC_LEN + 2 + 8 + 8 + 4)
		return ps_fail(err, -EBADMSG, "snapshot: %zu bytes is too short", len);
	if (memcmp(buf, SNAP_MAGIC, SNAP_MAGIC_LEN))
		return ps_fail(err, -EBADMSG, "snapshot: bad magic (not a pstore snapshot)");
	if (ps_get32(buf + len - 4) != pstore_crc32c(0, buf, len - 4))
		return ps_fail(err, -EBADMSG, "snapshot: checksum mismatch (corrupt or truncated)");
	r.end = len - 4;
	take(&r, SNAP_MAGIC_LEN);
	p = take(&r, 2);
	nlen = p ? ps_get16(p) : 0;
	p = take(&r, nlen);
	if (!p || nlen == 0 || nlen >= sizeof(name))
		return ps_fail(err, -EBADMSG, "snapshot: bad database name");
	memcpy(name, p, nlen);
	name[nlen] = '\0';
	id = pstore_db_lookup(name);
	if (id < 0 || memchr(name, '\0', nlen))
		return ps_fail(err, -EBADMSG, "snapshot: database \"%.40s\" unknown", name);
	g = take64(&r);
	n = take64(&r);
	if (r.short_read || n > (r.end - r.pos) / 8)
		return ps_fail(err, -EBADMSG, "snapshot of %s: record count %" PRIu64
			       " does not fit the stream", name, n);
	if (entries) {
		e = calloc(n ? n : 1, sizeof(*e));
		if (!e)
			return ps_fail(err, -ENOMEM, "out of memory");
	}
	for (uint64_t i = 0; i < n; i++) {
		struct ps_entry cur;

		cur.klen = take32(&r);
		cur.key = (uint8_t *)take(&r, cur.klen);
		cur.vlen = take32(&r);
		cur.val = (uint8_t *)take(&r, cur.vlen);
		if (r.short_read || !cur.key || !cur.val) {
			rc = ps_fail(err, -EBADMSG, "snapshot of %s: record %" PRIu64
				     " runs past the end", name, i);
			goto fail;
		}
		if (i > 0) {
			size_t m = prev.klen < cur.klen ? prev.klen : cur.klen;
			int c = memcmp(prev.key, cur.key, m);

			if (c > 0 || (c == 0 && prev.klen >= cur.klen)) {
				rc = ps_fail(err, -EBADMSG, "snapshot of %s: record %" PRIu64
					     " out of key order or repeated", name, i);
				goto fail;
			}
		}
		rc = ps_check_record((enum pstore_dbid)id, cur.key, cur.klen, cur.val, cur.vlen,
				     NULL, err);
		if (rc) {
			ps_err_prefix(err, "snapshot");
			goto fail;
		}
		if (e)
			e[i] = cur;
		prev = cur;
	}
	if (r.pos != r.end) {
		rc = ps_fail(err, -EBADMSG, "snapshot of %s: %zu bytes after the last record", name,
			     r.end - r.pos);
		goto fail;
	}
	if (dbid)
		*dbid = id;
	if (gen)
		*gen = g;
	if (count)
		*count = n;
	if (entries)
		*entries = e;
	return 0;
fail:
	free(e);
	return rc;
}

int pstore_snapshot_verify(const uint8_t *buf, size_t len, int *dbid, uint64_t *gen,
			   uint64_t *count, struct pstore_err *err)
{
	return parse(buf, len, dbid, gen, count, NULL, err);
}

static int delete_all(struct pstore_db *db, struct pstore_err *err)
{
	struct ps_entry *e;
	size_t n;
	int rc = ps_collect(db, &e, &n, NULL, err);

	for (size_t i = 0; !rc && i < n; i++)
		if (tdb_delete(db->tdb, (TDB_DATA){ .dptr = e[i].key, .dsize = e[i].klen }))
			rc = ps_tdb_fail(db, err, "deleting");
	ps_entries_free(e, n);
	return rc;
}

int pstore_restore(struct pstore_db *db, const uint8_t *buf, size_t len, struct pstore_err *err)
{
	const char *name = pstore_db_name(db);
	struct ps_entry *e = NULL;
	uint64_t gen, n;
	int id, rc;

	if (db->rdonly)
		return ps_fail(err, -EINVAL, "%s: opened read-only", name);
	if (db->in_txn)
		return ps_fail(err, -EBUSY, "%s: restore inside a transaction", name);
	rc = parse(buf, len, &id, &gen, &n, &e, err);
	if (rc)
		return rc;
	if (id != (int)db->id) {
		free(e);
		return ps_fail(err, -EBADMSG, "snapshot of %s cannot be restored into %s",
			       pstore_db_name_of((enum pstore_dbid)id), name);
	}
	if (tdb_transaction_start(db->tdb)) {
		free(e);
		return ps_tdb_fail(db, err, "starting a transaction");
	}
	rc = delete_all(db, err);
	for (uint64_t i = 0; !rc && i < n; i++)
		if (tdb_store(db->tdb, (TDB_DATA){ .dptr = e[i].key, .dsize = e[i].klen },
			      (TDB_DATA){ .dptr = e[i].val, .dsize = e[i].vlen }, TDB_INSERT))
			rc = ps_tdb_fail(db, err, "restoring a record");
	if (!rc)
		rc = ps_meta_write(db, gen, err);
	free(e);
	if (rc) {
		tdb_transaction_cancel(db->tdb);
		return rc;
	}
	if (tdb_transaction_commit(db->tdb)) {
		rc = ps_tdb_fail(db, err, "committing the restore");
		if (tdb_transaction_active(db->tdb))
			tdb_transaction_cancel(db->tdb);
		return rc;
	}
	return ps_after_recovery(db, err);
}

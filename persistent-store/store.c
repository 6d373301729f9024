// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Databases: the state directory, one tdb file per database, the meta record with the
 * generation, transactions, reads, iteration in key order and the consistency check.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tdb.h>

#include "internal.h"

/* Meta record: magic, u32 format, u64 generation, u16 name length, name, u32 CRC32C. */
#define META_MAGIC	"KCPSMETA"
#define META_FIXED	(8 + 4 + 8 + 2 + 4)

static TDB_DATA tdb_key(const void *p, size_t n)
{
	return (TDB_DATA){ .dptr = (unsigned char *)p, .dsize = n };
}

/*
 * tdb logs this (at trace level) when it has replayed the recovery area of a commit that a
 * crash interrupted. See ps_after_recovery().
 */
#define RECOVERED_MSG	"tdb_transaction_recover: recovered"

static void tdb_logger(struct tdb_context *tdb, enum tdb_debug_level level, const char *fmt, ...)
{
	struct pstore_db *db = tdb_get_logging_private(tdb);
	char msg[sizeof(db->tdb_msg)];
	va_list ap;
	size_t n;

	if (!db)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!strncmp(msg, RECOVERED_MSG, strlen(RECOVERED_MSG)))
		db->recovered = true;
	if (level > TDB_DEBUG_ERROR)
		return;
	memcpy(db->tdb_msg, msg, sizeof(msg));
	n = strlen(db->tdb_msg);
	while (n && db->tdb_msg[n - 1] == '\n')
		db->tdb_msg[--n] = '\0';
}

int ps_tdb_fail(struct pstore_db *db, struct pstore_err *err, const char *what)
{
	const char *why = db->tdb_msg[0] ? db->tdb_msg : tdb_errorstr(db->tdb);
	int rc = ps_fail(err, -EIO, "%s: %s: %s", pstore_db_name(db), what, why);

	db->tdb_msg[0] = '\0';
	return rc;
}

const char *pstore_db_name(const struct pstore_db *db)
{
	return pstore_db_name_of(db->id);
}

bool pstore_in_transaction(const struct pstore_db *db)
{
	return db->in_txn;
}

/* ---- meta record ------------------------------------------------------------------------ */

static int meta_parse(struct pstore_db *db, const uint8_t *p, size_t len, uint64_t *gen,
		      struct pstore_err *err)
{
	const char *name = pstore_db_name(db);
	size_t nlen = strlen(name);

	if (len < META_FIXED || memcmp(p, META_MAGIC, 8))
		return ps_fail(err, -EBADMSG, "%s: meta record: bad size or magic", name);
	if (ps_get32(p + len - 4) != pstore_crc32c(0, p, len - 4))
		return ps_fail(err, -EBADMSG, "%s: meta record: checksum mismatch", name);
	if (ps_get32(p + 8) != PSTORE_FORMAT)
		return ps_fail(err, -EBADMSG, "%s: meta record: format %" PRIu32 " unknown", name,
			       ps_get32(p + 8));
	if (ps_get16(p + 20) != nlen || len != META_FIXED + nlen || memcmp(p + 22, name, nlen))
		return ps_fail(err, -EBADMSG, "%s: meta record names another database", name);
	*gen = ps_get64(p + 12);
	return 0;
}

int ps_meta_read(struct pstore_db *db, uint64_t *gen, struct pstore_err *err)
{
	TDB_DATA d;
	int rc;

	d = tdb_fetch(db->tdb, tdb_key(PS_META_KEY, strlen(PS_META_KEY)));
	if (!d.dptr) {
		if (tdb_error(db->tdb) == TDB_ERR_NOEXIST)
			return ps_fail(err, -ENOENT, "%s: no meta record", pstore_db_name(db));
		return ps_tdb_fail(db, err, "reading the meta record");
	}
	rc = meta_parse(db, d.dptr, d.dsize, gen, err);
	free(d.dptr);
	return rc;
}

int ps_meta_write(struct pstore_db *db, uint64_t gen, struct pstore_err *err)
{
	const char *name = pstore_db_name(db);
	size_t nlen = strlen(name);
	uint8_t buf[META_FIXED + 32];

	memcpy(buf, META_MAGIC, 8);
	ps_put32(buf + 8, PSTORE_FORMAT);
	ps_put64(buf + 12, gen);
	ps_put16(buf + 20, (uint16_t)nlen);
	memcpy(buf + 22, name, nlen);
	ps_put32(buf + 22 + nlen, pstore_crc32c(0, buf, 22 + nlen));
	if (tdb_store(db->tdb, tdb_key(PS_META_KEY, strlen(PS_META_KEY)),
		      tdb_key(buf, META_FIXED + nlen), TDB_REPLACE))
		return ps_tdb_fail(db, err, "writing the meta record");
	return 0;
}

/*
 * tdb's recovery restores the old contents but leaves the file at its grown size, and the
 * space past the old end is then on no list: tdb_check() reports "dead space", and the space
 * is lost. Repacking (a transaction that rewrites every record into a wiped file, whose whole
 * data area becomes one free block) takes it back. Called when tdb logged a recovery: at open,
 * or after a transaction during which another process's interrupted commit was recovered.
 */
int ps_after_recovery(struct pstore_db *db, struct pstore_err *err)
{
	if (!db->recovered || db->rdonly)
		return 0;
	db->recovered = false;
	if (tdb_repack(db->tdb))
		return ps_tdb_fail(db, err, "repacking after crash recovery");
	return 0;
}

/* ---- open / close ----------------------------------------------------------------------- */

static int prepare_dir(const char *dir, bool create, struct pstore_err *err)
{
	struct stat st;

	if (create && mkdir(dir, 0700) && errno != EEXIST)
		return ps_fail(err, -errno, "%s: cannot create: %s", dir, strerror(errno));
	if (stat(dir, &st))
		return ps_fail(err, -errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return ps_fail(err, -ENOTDIR, "%s: not a directory", dir);
	/* The registry holds password equivalents: nobody else may look in. */
	if (create && (st.st_mode & 077) && st.st_uid == geteuid() && chmod(dir, 0700))
		return ps_fail(err, -errno, "%s: cannot make it 0700: %s", dir, strerror(errno));
	return 0;
}

/*
 * Hash chains of a new file (tdb's default is 131). The open-file state grows with the
 * clients (one handle, lease and possibly many locks per open), the registry and the node
 * list with the administrators. Fixed when the file is created. TDB_INCOMPATIBLE_HASH picks
 * tdb's Jenkins hash, which spreads keys with long common prefixes ("handle:0000...") better
 * than the old default.
 */
static int hash_size(enum pstore_dbid id)
{
	switch (id) {
	case PSTORE_DB_HANDLES:
	case PSTORE_DB_LOCKS:
	case PSTORE_DB_LEASES:
	case PSTORE_DB_CONNECTIONS:
		return 10007;
	default:
		return 1031;
	}
}

static int count_any(struct tdb_context *tdb, TDB_DATA k, TDB_DATA v, void *arg)
{
	(void)tdb;
	(void)k;
	(void)v;
	++*(size_t *)arg;
	return 0;
}

/* A new file gets its meta record (generation 0) in its first transaction. */
static int init_meta(struct pstore_db *db, struct pstore_err *err)
{
	uint64_t gen;
	size_t n = 0;
	int rc;

	if (tdb_transaction_start(db->tdb))
		return ps_tdb_fail(db, err, "starting a transaction");
	rc = ps_meta_read(db, &gen, err);
	if (rc == -ENOENT) {
		if (tdb_traverse_read(db->tdb, count_any, &n) < 0)
			rc = ps_tdb_fail(db, err, "traversing");
		else if (n)
			rc = ps_fail(err, -EBADMSG,
				     "%s: %zu records but no meta record: not a pstore database",
				     pstore_db_name(db), n);
		else
			rc = ps_meta_write(db, 0, err);
	}
	if (rc) {
		tdb_transaction_cancel(db->tdb);
		return rc;
	}
	if (tdb_transaction_commit(db->tdb))
		return ps_tdb_fail(db, err, "committing the meta record");
	return 0;
}

int pstore_open(const char *dir, enum pstore_dbid id, unsigned int flags, struct pstore_db **out,
		struct pstore_err *err)
{
	const char *name = pstore_db_name_of(id);
	bool create = flags & PSTORE_CREATE, rdonly = flags & PSTORE_RDONLY;
	struct tdb_logging_context log = { .log_fn = tdb_logger };
	struct pstore_db *db;
	struct stat st;
	uint64_t gen;
	int rc;

	*out = NULL;
	if (!name)
		return ps_fail(err, -EINVAL, "database %d unknown", (int)id);
	if (create && rdonly)
		return ps_fail(err, -EINVAL, "%s: cannot create read-only", name);
	rc = prepare_dir(dir, create, err);
	if (rc)
		return rc;
	db = calloc(1, sizeof(*db));
	if (!db || asprintf(&db->path, "%s/%s.tdb", dir, name) < 0) {
		free(db);
		return ps_fail(err, -ENOMEM, "out of memory");
	}
	db->id = id;
	db->rdonly = rdonly;
	log.log_private = db;
	/*
	 * tdb re-initialises a file whose header it does not recognise when O_CREAT is given, so
	 * O_CREAT only when there is no file: something else under our name is an error.
	 */
	if (create && !stat(db->path, &st))
		create = false;
	db->tdb = tdb_open_ex(db->path, hash_size(id), TDB_DISALLOW_NESTING | TDB_INCOMPATIBLE_HASH,
			      rdonly ? O_RDONLY : O_RDWR | (create ? O_CREAT : 0), 0600, &log,
			      NULL);
	if (!db->tdb) {
		rc = ps_fail(err, errno ? -errno : -EIO, "%s: cannot open: %s", db->path,
			     db->tdb_msg[0] ? db->tdb_msg : strerror(errno ? errno : EIO));
		goto fail;
	}
	if (fstat(tdb_fd(db->tdb), &st)) {
		rc = ps_fail(err, -errno, "%s: %s", db->path, strerror(errno));
		goto fail;
	}
	if (!rdonly && (st.st_mode & 077) && fchmod(tdb_fd(db->tdb), 0600)) {
		rc = ps_fail(err, -errno, "%s: cannot make it 0600: %s", db->path, strerror(errno));
		goto fail;
	}
	rc = ps_after_recovery(db, err);
	if (rc)
		goto fail;
	rc = ps_meta_read(db, &gen, err);
	if (rc == -ENOENT && !rdonly)
		rc = init_meta(db, err);
	if (rc)
		goto fail;
	*out = db;
	return 0;
fail:
	pstore_close(db);
	return rc;
}

void pstore_close(struct pstore_db *db)
{
	if (!db)
		return;
	if (db->tdb) {
		if (db->in_txn)
			tdb_transaction_cancel(db->tdb);
		tdb_close(db->tdb);
	}
	free(db->path);
	free(db);
}

/* ---- transactions ------------------------------------------------------------------------ */

int pstore_generation(struct pstore_db *db, uint64_t *gen, struct pstore_err *err)
{
	return ps_meta_read(db, gen, err);
}

int pstore_begin(struct pstore_db *db, struct pstore_err *err)
{
	if (db->rdonly)
		return ps_fail(err, -EINVAL, "%s: opened read-only", pstore_db_name(db));
	if (db->in_txn)
		return ps_fail(err, -EBUSY, "%s: a transaction is already open",
			       pstore_db_name(db));
	if (tdb_transaction_start(db->tdb))
		return ps_tdb_fail(db, err, "starting a transaction");
	db->in_txn = true;
	return 0;
}

int pstore_commit(struct pstore_db *db, struct pstore_err *err)
{
	uint64_t gen;
	int rc;

	if (!db->in_txn)
		return ps_fail(err, -EBUSY, "%s: no transaction to commit", pstore_db_name(db));
	db->in_txn = false;
	rc = ps_meta_read(db, &gen, err);
	if (!rc)
		rc = ps_meta_write(db, gen + 1, err);
	if (rc) {
		tdb_transaction_cancel(db->tdb);
		return rc;
	}
	if (tdb_transaction_commit(db->tdb)) {
		rc = ps_tdb_fail(db, err, "committing");
		if (tdb_transaction_active(db->tdb))
			tdb_transaction_cancel(db->tdb);
		return rc;
	}
	return ps_after_recovery(db, err);
}

int pstore_cancel(struct pstore_db *db, struct pstore_err *err)
{
	if (!db->in_txn)
		return ps_fail(err, -EBUSY, "%s: no transaction to cancel", pstore_db_name(db));
	db->in_txn = false;
	if (tdb_transaction_cancel(db->tdb))
		return ps_tdb_fail(db, err, "cancelling");
	return ps_after_recovery(db, err);
}

/* ---- records --------------------------------------------------------------------------- */

int ps_check_record(enum pstore_dbid dbid, const uint8_t *key, size_t klen, const uint8_t *val,
		    size_t vlen, struct pstore_rec **out, struct pstore_err *err)
{
	const char *dbname = pstore_db_name_of(dbid);
	struct pstore_rec *rec = NULL;
	char shown[100], *want = NULL;
	unsigned int type;
	int rc;

	if (out)
		*out = NULL;
	ps_key_show(key, klen, shown, sizeof(shown));
	if (klen == 0 || klen > PSTORE_KEY_MAX || key[0] == '!' || memchr(key, '\0', klen))
		return ps_fail(err, -EBADMSG, "%s: %s: invalid key", dbname, shown);
	rc = pstore_rec_decode(val, vlen, &rec, err);
	if (rc == -EPROTONOSUPPORT) {
		/* A newer version's record type: keep it if its envelope is sound. */
		rc = ps_rec_check_envelope(val, vlen, &type, err);
		if (!rc)
			return 0;
	}
	if (rc) {
		ps_err_prefix(err, "%s: %s", dbname, shown);
		return rc;
	}
	if (pstore_type_db(rec->type) != (int)dbid) {
		rc = ps_fail(err, -EBADMSG, "%s: %s: a %s record does not belong here", dbname,
			     shown, pstore_type_name(rec->type));
		goto out;
	}
	rc = pstore_rec_key(rec, &want, err);
	if (rc) {
		ps_err_prefix(err, "%s: %s", dbname, shown);
		rc = -EBADMSG;
		goto out;
	}
	if (strlen(want) != klen || memcmp(want, key, klen)) {
		rc = ps_fail(err, -EBADMSG,
			     "%s: %s: stored under the wrong key (its fields give %s)", dbname,
			     shown, want);
		goto out;
	}
out:
	free(want);
	if (!rc && out)
		*out = rec;
	else
		pstore_rec_free(rec);
	return rc;
}

static int check_key_arg(struct pstore_db *db, const char *key, struct pstore_err *err)
{
	size_t n = strlen(key);

	if (n == 0 || n > PSTORE_KEY_MAX || key[0] == '!')
		return ps_fail(err, -EINVAL, "%s: invalid key", pstore_db_name(db));
	return 0;
}

int pstore_put(struct pstore_db *db, const struct pstore_rec *rec, struct pstore_err *err)
{
	uint8_t *buf;
	size_t len;
	char *key;
	int rc;

	if (!db->in_txn)
		return ps_fail(err, -EINVAL, "%s: writes need a transaction", pstore_db_name(db));
	if (pstore_type_db(rec->type) != (int)db->id)
		return ps_fail(err, -EINVAL, "%s: %s records do not belong here",
			       pstore_db_name(db), pstore_type_name(rec->type) ?: "unknown");
	rc = pstore_rec_key(rec, &key, err);
	if (rc)
		goto prefix;
	rc = pstore_rec_encode(rec, &buf, &len, err);
	if (rc) {
		ps_err_prefix(err, "%s", key);
		free(key);
		goto prefix;
	}
	if (tdb_store(db->tdb, tdb_key(key, strlen(key)), tdb_key(buf, len), TDB_REPLACE))
		rc = ps_tdb_fail(db, err, key);
	pstore_buf_free(buf, len);
	free(key);
	return rc;
prefix:
	ps_err_prefix(err, "%s", pstore_db_name(db));
	return rc;
}

int pstore_del(struct pstore_db *db, const char *key, struct pstore_err *err)
{
	int rc = check_key_arg(db, key, err);

	if (rc)
		return rc;
	if (!db->in_txn)
		return ps_fail(err, -EINVAL, "%s: writes need a transaction", pstore_db_name(db));
	if (tdb_delete(db->tdb, tdb_key(key, strlen(key)))) {
		if (tdb_error(db->tdb) == TDB_ERR_NOEXIST)
			return ps_fail(err, -ENOENT, "%s: %s: no such record", pstore_db_name(db),
				       key);
		return ps_tdb_fail(db, err, key);
	}
	return 0;
}

int pstore_get(struct pstore_db *db, const char *key, struct pstore_rec **out,
	       struct pstore_err *err)
{
	TDB_DATA d;
	int rc = check_key_arg(db, key, err);

	*out = NULL;
	if (rc)
		return rc;
	d = tdb_fetch(db->tdb, tdb_key(key, strlen(key)));
	if (!d.dptr) {
		if (tdb_error(db->tdb) == TDB_ERR_NOEXIST)
			return ps_fail(err, -ENOENT, "%s: %s: no such record", pstore_db_name(db),
				       key);
		return ps_tdb_fail(db, err, key);
	}
	rc = ps_check_record(db->id, (const uint8_t *)key, strlen(key), d.dptr, d.dsize, out, err);
	if (!rc && !*out)
		rc = ps_fail(err, -EPROTONOSUPPORT, "%s: %s: record type unknown to this version",
			     pstore_db_name(db), key);
	explicit_bzero(d.dptr, d.dsize);
	free(d.dptr);
	return rc;
}

/* ---- iteration ---------------------------------------------------------------------------- */

struct collect {
	struct ps_entry *e;
	size_t n, cap;
	uint8_t *meta;		/* a copy of the meta record's value */
	size_t meta_len;
	bool oom;
};

static int collect_one(struct tdb_context *tdb, TDB_DATA k, TDB_DATA v, void *arg)
{
	struct collect *c = arg;
	struct ps_entry *e;

	(void)tdb;
	if (k.dsize == strlen(PS_META_KEY) && !memcmp(k.dptr, PS_META_KEY, k.dsize)) {
		free(c->meta);
		c->meta = malloc(v.dsize ? v.dsize : 1);
		if (!c->meta)
			goto oom;
		memcpy(c->meta, v.dptr, v.dsize);
		c->meta_len = v.dsize;
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;

		e = realloc(c->e, cap * sizeof(*e));
		if (!e)
			goto oom;
		c->e = e;
		c->cap = cap;
	}
	e = &c->e[c->n];
	e->key = malloc(k.dsize ? k.dsize : 1);
	e->val = malloc(v.dsize ? v.dsize : 1);
	if (!e->key || !e->val) {
		free(e->key);
		free(e->val);
		goto oom;
	}
	memcpy(e->key, k.dptr, k.dsize);
	memcpy(e->val, v.dptr, v.dsize);
	e->klen = k.dsize;
	e->vlen = v.dsize;
	c->n++;
	return 0;
oom:
	c->oom = true;
	return -1;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct ps_entry *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

void ps_entries_free(struct ps_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].key);
		pstore_buf_free(e[i].val, e[i].vlen);
	}
	free(e);
}

int ps_collect(struct pstore_db *db, struct ps_entry **out, size_t *n, uint64_t *gen,
	       struct pstore_err *err)
{
	struct collect c = { 0 };
	int rc = 0;

	*out = NULL;
	*n = 0;
	/*
	 * tdb_traverse_read() holds the transaction lock for reading throughout, so no commit
	 * lands in the middle: the records and the generation are one consistent view.
	 */
	if (tdb_traverse_read(db->tdb, collect_one, &c) < 0)
		rc = c.oom ? ps_fail(err, -ENOMEM, "out of memory") :
		     ps_tdb_fail(db, err, "traversing");
	else if (gen && !c.meta)
		rc = ps_fail(err, -EBADMSG, "%s: no meta record", pstore_db_name(db));
	else if (gen)
		rc = meta_parse(db, c.meta, c.meta_len, gen, err);
	free(c.meta);
	if (rc) {
		ps_entries_free(c.e, c.n);
		return rc;
	}
	if (c.n)
		qsort(c.e, c.n, sizeof(*c.e), entry_cmp);
	*out = c.e;
	*n = c.n;
	return 0;
}

int pstore_foreach(struct pstore_db *db, enum pstore_type t, pstore_visit_fn fn, void *arg,
		   struct pstore_err *err)
{
	struct ps_entry *e;
	size_t n;
	int rc = ps_collect(db, &e, &n, NULL, err);

	for (size_t i = 0; !rc && i < n; i++) {
		struct pstore_rec *rec;
		char *key;

		rc = ps_check_record(db->id, e[i].key, e[i].klen, e[i].val, e[i].vlen, &rec, err);
		if (rc || !rec || (t && rec->type != t)) {
			pstore_rec_free(rec);
			continue;
		}
		key = strndup((const char *)e[i].key, e[i].klen);
		rc = key ? fn(key, rec, arg) : ps_fail(err, -ENOMEM, "out of memory");
		free(key);
		pstore_rec_free(rec);
	}
	ps_entries_free(e, n);
	return rc;
}

int pstore_check(struct pstore_db *db, size_t *count, struct pstore_err *err)
{
	struct ps_entry *e;
	uint64_t gen;
	size_t n;
	int rc;

	if (tdb_check(db->tdb, NULL, NULL))
		return ps_fail(err, -EBADMSG, "%s: tdb structure check failed: %s",
			       pstore_db_name(db),
			       db->tdb_msg[0] ? db->tdb_msg : tdb_errorstr(db->tdb));
	rc = ps_collect(db, &e, &n, &gen, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < n; i++)
		rc = ps_check_record(db->id, e[i].key, e[i].klen, e[i].val, e[i].vlen, NULL, err);
	ps_entries_free(e, n);
	if (!rc && count)
		*count = n;
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record codec: typed structs <-> the versioned TLV encoding described in pstore.h,
 * driven by the schema tables of schema.c. Also CRC32C and the small helpers the rest of the
 * library shares.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "util.h"

/* ---- helpers ------------------------------------------------------------------------------ */

int ps_fail(struct pstore_err *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

void ps_err_prefix(struct pstore_err *err, const char *fmt, ...)
{
	char all[2 * sizeof(err->msg) + 2];
	size_t n;
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(all, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(all);
	memcpy(all + n, ": ", 2);
	memcpy(all + n + 2, err->msg, strnlen(err->msg, sizeof(err->msg) - 1));
	all[n + 2 + strnlen(err->msg, sizeof(err->msg) - 1)] = '\0';
	n = strnlen(all, sizeof(err->msg) - 1);
	memcpy(err->msg, all, n);
	err->msg[n] = '\0';
}

/* CRC32C, reflected polynomial 0x82F63B78; the table is built once. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t pstore_crc32c(uint32_t crc, const void *p, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const uint8_t *b = p;

	pthread_once(&once, crc_init);
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void ps_buf_add(struct ps_buf *b, const void *p, size_t n)
{
	if (b->oom)
		return;
	if (n > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *q;

		while (cap - b->len < n) {
			if (cap > SIZE_MAX / 2) {
				b->oom = true;
				return;
			}
			cap *= 2;
		}
		q = malloc(cap);
		if (!q) {
			b->oom = true;
			return;
		}
		/* Copy rather than realloc so that no stale copy of a secret stays behind. */
		if (b->len)
			memcpy(q, b->p, b->len);
		if (b->p) {
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = q;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void ps_buf_u16(struct ps_buf *b, uint16_t v)
{
	uint8_t x[2];

	ps_put16(x, v);
	ps_buf_add(b, x, 2);
}

void ps_buf_u32(struct ps_buf *b, uint32_t v)
{
	uint8_t x[4];

	ps_put32(x, v);
	ps_buf_add(b, x, 4);
}

void ps_buf_u64(struct ps_buf *b, uint64_t v)
{
	uint8_t x[8];

	ps_put64(x, v);
	ps_buf_add(b, x, 8);
}

void ps_buf_wipe(struct ps_buf *b)
{
	if (b->p) {
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

void pstore_buf_free(uint8_t *buf, size_t len)
{
	if (buf) {
		explicit_bzero(buf, len);
		free(buf);
	}
}

const char *ps_key_show(const void *key, size_t len, char *buf, size_t size)
{
	const uint8_t *k = key;
	size_t i, n = len < 80 ? len : 80;

	if (size == 0)
		return "";
	if (n > size - 1)
		n = size - 1;
	for (i = 0; i < n; i++)
		buf[i] = (k[i] >= 0x20 && k[i] < 0x7f) ? (char)k[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* ---- records in memory ------------------------------------------------------------------ */

#define FIELD(rec, f, T)	((T *)((char *)(rec) + (f)->off))
#define CFIELD(rec, f, T)	((const T *)((const char *)(rec) + (f)->off))

struct pstore_rec *pstore_rec_new(enum pstore_type t)
{
	const struct ps_type *ty = ps_type_get(t);
	struct pstore_rec *rec;

	if (!ty)
		return NULL;
	rec = calloc(1, ty->size);
	if (!rec)
		return NULL;
	rec->type = t;
	rec->version = ty->version;
	for (size_t i = 0; i < ty->nfields; i++) {
		const struct ps_field *f = &ty->fields[i];

		switch (f->kind) {
		case PS_K_BOOL:
			*FIELD(rec, f, bool) = f->def != 0;
			break;
		case PS_K_U32:
			*FIELD(rec, f, uint32_t) = (uint32_t)f->def;
			break;
		case PS_K_U64:
			*FIELD(rec, f, uint64_t) = f->def;
			break;
		default:
			break;
		}
	}
	return rec;
}

static void wipe_str(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void pstore_rec_free(struct pstore_rec *rec)
{
	const struct ps_type *ty;

	if (!rec)
		return;
	ty = ps_type_get(rec->type);
	for (size_t i = 0; ty && i < ty->nfields; i++) {
		const struct ps_field *f = &ty->fields[i];

		switch (f->kind) {
		case PS_K_STR:
			wipe_str(*FIELD(rec, f, char *));
			break;
		case PS_K_STRV: {
			char **v = *FIELD(rec, f, char **);

			for (size_t j = 0; v && v[j]; j++)
				wipe_str(v[j]);
			free(v);
			break;
		}
		case PS_K_BYTES: {
			struct pstore_bytes *b = FIELD(rec, f, struct pstore_bytes);

			pstore_buf_free(b->data, b->len);
			break;
		}
		case PS_K_KVV: {
			struct pstore_kv *kv = *FIELD(rec, f, struct pstore_kv *);
			size_t n = *(size_t *)((char *)rec + f->off2);

			for (size_t j = 0; kv && j < n; j++) {
				wipe_str(kv[j].key);
				wipe_str(kv[j].value);
			}
			free(kv);
			break;
		}
		default:
			break;
		}
	}
	for (size_t i = 0; i < rec->n_unknown; i++)
		pstore_buf_free(rec->unknown[i].data, rec->unknown[i].len);
	free(rec->unknown);
	explicit_bzero(rec, ty ? ty->size : sizeof(*rec));
	free(rec);
}

const char *pstore_type_name(enum pstore_type t)
{
	const struct ps_type *ty = ps_type_get(t);

	return ty ? ty->name : NULL;
}

int pstore_type_db(enum pstore_type t)
{
	const struct ps_type *ty = ps_type_get(t);

	return ty ? (int)ty->db : -1;
}

int pstore_rec_key(const struct pstore_rec *rec, char **key, struct pstore_err *err)
{
	const struct ps_type *ty = ps_type_get(rec->type);
	char buf[PSTORE_KEY_MAX + 1];
	int rc;

	*key = NULL;
	if (!ty)
		return ps_fail(err, -EINVAL, "record type %u unknown", (unsigned int)rec->type);
	rc = ty->key(rec, buf, sizeof(buf), err);
	if (rc)
		return rc;
	*key = strdup(buf);
	return *key ? 0 : ps_fail(err, -ENOMEM, "out of memory");
}

/* ---- encoding ------------------------------------------------------------------------------ */

static int check_string(const struct ps_field *f, const char *s, size_t len,
			struct pstore_err *err)
{
	if (len > PSTORE_STRING_MAX)
		return ps_fail(err, -EINVAL, "field %u (%s): string of %zu bytes exceeds %u",
			       f->tag, f->name, len, PSTORE_STRING_MAX);
	if (memchr(s, '\0', len))
		return ps_fail(err, -EINVAL, "field %u (%s): string contains a NUL byte", f->tag,
			       f->name);
	if (!kc_utf8_valid(s, len, NULL))
		return ps_fail(err, -EINVAL, "field %u (%s): string is not valid UTF-8", f->tag,
			       f->name);
	return 0;
}

static void put_field_hdr(struct ps_buf *b, uint16_t tag, uint8_t wtype, uint32_t len)
{
	ps_buf_u16(b, tag);
	ps_buf_add(b, &wtype, 1);
	ps_buf_u32(b, len);
}

static int put_string(struct ps_buf *b, const struct ps_field *f, const char *s,
		      struct pstore_err *err)
{
	size_t len = strlen(s);
	int rc = check_string(f, s, len, err);

	if (rc)
		return rc;
	put_field_hdr(b, f->tag, PS_W_STRING, (uint32_t)len);
	ps_buf_add(b, s, len);
	return 0;
}

static int encode_field(struct ps_buf *b, const struct pstore_rec *rec, const struct ps_field *f,
			struct pstore_err *err)
{
	int rc;

	switch (f->kind) {
	case PS_K_STR: {
		const char *s = *CFIELD(rec, f, char *const);

		if (!s && (f->flags & PS_F_REQUIRED))
			return ps_fail(err, -EINVAL, "field %u (%s) is required", f->tag, f->name);
		if (!s)
			return 0;
		return put_string(b, f, s, err);
	}
	case PS_K_STRV: {
		char *const *v = *(char **const *)((const char *)rec + f->off);

		for (size_t j = 0; v && v[j]; j++) {
			rc = put_string(b, f, v[j], err);
			if (rc)
				return rc;
		}
		return 0;
	}
	case PS_K_BOOL: {
		uint8_t x = *CFIELD(rec, f, bool) ? 1 : 0;

		put_field_hdr(b, f->tag, PS_W_BOOL, 1);
		ps_buf_add(b, &x, 1);
		return 0;
	}
	case PS_K_U32:
		put_field_hdr(b, f->tag, PS_W_UINT, 8);
		ps_buf_u64(b, *CFIELD(rec, f, uint32_t));
		return 0;
	case PS_K_U64:
		put_field_hdr(b, f->tag, PS_W_UINT, 8);
		ps_buf_u64(b, *CFIELD(rec, f, uint64_t));
		return 0;
	case PS_K_OPT_U32: {
		const struct pstore_opt_u32 *o = CFIELD(rec, f, struct pstore_opt_u32);

		if (o->set) {
			put_field_hdr(b, f->tag, PS_W_UINT, 8);
			ps_buf_u64(b, o->v);
		}
		return 0;
	}
	case PS_K_FIXED:
		put_field_hdr(b, f->tag, PS_W_BYTES, (uint32_t)f->len);
		ps_buf_add(b, CFIELD(rec, f, uint8_t), f->len);
		return 0;
	case PS_K_BYTES: {
		const struct pstore_bytes *by = CFIELD(rec, f, struct pstore_bytes);

		if (!by->len)
			return 0;
		if (by->len > PSTORE_RECORD_MAX)
			return ps_fail(err, -EINVAL, "field %u (%s): %zu bytes is too long", f->tag,
				       f->name, by->len);
		put_field_hdr(b, f->tag, PS_W_BYTES, (uint32_t)by->len);
		ps_buf_add(b, by->data, by->len);
		return 0;
	}
	case PS_K_KVV: {
		const struct pstore_kv *kv = *CFIELD(rec, f, struct pstore_kv *const);
		size_t n = *(const size_t *)((const char *)rec + f->off2);

		for (size_t j = 0; j < n; j++) {
			size_t kl, vl;

			if (!kv[j].key || !kv[j].value)
				return ps_fail(err, -EINVAL, "field %u (%s): pair %zu incomplete",
					       f->tag, f->name, j);
			kl = strlen(kv[j].key);
			vl = strlen(kv[j].value);
			rc = check_string(f, kv[j].key, kl, err);
			if (!rc)
				rc = check_string(f, kv[j].value, vl, err);
			if (rc)
				return rc;
			put_field_hdr(b, f->tag, PS_W_PAIR, (uint32_t)(4 + kl + vl));
			ps_buf_u32(b, (uint32_t)kl);
			ps_buf_add(b, kv[j].key, kl);
			ps_buf_add(b, kv[j].value, vl);
		}
		return 0;
	}
	}
	return ps_fail(err, -EINVAL, "field %u: bad kind", f->tag);
}

static void encode_unknown(struct ps_buf *b, const struct pstore_unknown *u)
{
	put_field_hdr(b, u->tag, u->wtype, u->len);
	ps_buf_add(b, u->data, u->len);
}

int pstore_rec_encode(const struct pstore_rec *rec, uint8_t **out, size_t *outlen,
		      struct pstore_err *err)
{
	const struct ps_type *ty = ps_type_get(rec->type);
	struct ps_buf b = { 0 };
	size_t u = 0, payload;
	uint8_t hdr[PS_REC_HDR] = { PSTORE_FORMAT, (uint8_t)rec->type };
	int rc;

	*out = NULL;
	*outlen = 0;
	if (!ty)
		return ps_fail(err, -EINVAL, "record type %u unknown", (unsigned int)rec->type);
	for (size_t i = 1; i < rec->n_unknown; i++)
		if (rec->unknown[i].tag < rec->unknown[i - 1].tag)
			return ps_fail(err, -EINVAL, "unknown fields out of tag order");
	ps_put16(hdr + 2, rec->version > ty->version ? rec->version : ty->version);
	ps_buf_add(&b, hdr, sizeof(hdr));
	for (size_t i = 0; i < ty->nfields; i++) {
		const struct ps_field *f = &ty->fields[i];

		for (; u < rec->n_unknown && rec->unknown[u].tag < f->tag; u++)
			encode_unknown(&b, &rec->unknown[u]);
		if (u < rec->n_unknown && rec->unknown[u].tag == f->tag) {
			ps_buf_wipe(&b);
			return ps_fail(err, -EINVAL, "unknown field %u has a known tag", f->tag);
		}
		rc = encode_field(&b, rec, f, err);
		if (rc) {
			ps_buf_wipe(&b);
			return rc;
		}
	}
	for (; u < rec->n_unknown; u++)
		encode_unknown(&b, &rec->unknown[u]);
	if (b.oom) {
		ps_buf_wipe(&b);
		return ps_fail(err, -ENOMEM, "out of memory");
	}
	payload = b.len - PS_REC_HDR;
	if (b.len + PS_REC_TRAILER > PSTORE_RECORD_MAX) {
		ps_buf_wipe(&b);
		return ps_fail(err, -EINVAL, "record of %zu bytes exceeds %u", payload,
			       PSTORE_RECORD_MAX);
	}
	ps_put32(b.p + 4, (uint32_t)payload);
	ps_buf_u32(&b, pstore_crc32c(0, b.p, b.len));
	if (b.oom) {
		ps_buf_wipe(&b);
		return ps_fail(err, -ENOMEM, "out of memory");
	}
	*out = b.p;
	*outlen = b.len;
	return 0;
}

/* ---- decoding ------------------------------------------------------------------------------ */

int ps_rec_check_envelope(const uint8_t *buf, size_t len, unsigned int *type,
			  struct pstore_err *err)
{
	uint32_t payload, stored, crc;
	size_t pos, end;
	unsigned int prev = 0;

	if (len < PS_REC_HDR + PS_REC_TRAILER)
		return ps_fail(err, -EBADMSG, "record of %zu bytes is shorter than its header",
			       len);
	if (len > PSTORE_RECORD_MAX)
		return ps_fail(err, -EBADMSG, "record of %zu bytes exceeds %u", len,
			       PSTORE_RECORD_MAX);
	if (buf[0] != PSTORE_FORMAT)
		return ps_fail(err, -EBADMSG, "record format %u unknown (this version reads %u)",
			       buf[0], PSTORE_FORMAT);
	payload = ps_get32(buf + 4);
	if ((size_t)payload != len - PS_REC_HDR - PS_REC_TRAILER)
		return ps_fail(err, -EBADMSG,
			       "record length mismatch: header says %" PRIu32
			       " bytes of fields, %zu present", payload,
			       len - PS_REC_HDR - PS_REC_TRAILER);
	stored = ps_get32(buf + len - PS_REC_TRAILER);
	crc = pstore_crc32c(0, buf, len - PS_REC_TRAILER);
	if (stored != crc)
		return ps_fail(err, -EBADMSG,
			       "checksum mismatch (stored %08" PRIx32 ", computed %08" PRIx32 ")",
			       stored, crc);
	if (buf[1] == 0)
		return ps_fail(err, -EBADMSG, "record type 0 is invalid");
	if (ps_get16(buf + 2) == 0)
		return ps_fail(err, -EBADMSG, "schema version 0 is invalid");
	end = len - PS_REC_TRAILER;
	for (pos = PS_REC_HDR; pos < end;) {
		unsigned int tag;
		uint32_t flen;

		if (end - pos < 7)
			return ps_fail(err, -EBADMSG, "field header at offset %zu truncated", pos);
		tag = ps_get16(buf + pos);
		flen = ps_get32(buf + pos + 3);
		if (tag == 0)
			return ps_fail(err, -EBADMSG, "field tag 0 at offset %zu", pos);
		if (tag < prev)
			return ps_fail(err, -EBADMSG, "field %u after field %u: tags out of order",
				       tag, prev);
		if (flen > end - pos - 7)
			return ps_fail(err, -EBADMSG,
				       "field %u: length %" PRIu32 " runs past the record end", tag,
				       flen);
		prev = tag;
		pos += 7 + (size_t)flen;
	}
	*type = buf[1];
	return 0;
}

static const struct ps_field *find_field(const struct ps_type *ty, unsigned int tag, size_t *idx)
{
	for (size_t i = 0; i < ty->nfields; i++)
		if (ty->fields[i].tag == tag) {
			*idx = i;
			return &ty->fields[i];
		}
	return NULL;
}

static uint8_t wire_of(const struct ps_field *f)
{
	switch (f->kind) {
	case PS_K_STR:
	case PS_K_STRV:
		return PS_W_STRING;
	case PS_K_BOOL:
		return PS_W_BOOL;
	case PS_K_U32:
	case PS_K_U64:
	case PS_K_OPT_U32:
		return PS_W_UINT;
	case PS_K_FIXED:
	case PS_K_BYTES:
		return PS_W_BYTES;
	default:
		return PS_W_PAIR;
	}
}

static bool is_list(const struct ps_field *f)
{
	return f->kind == PS_K_STRV || f->kind == PS_K_KVV;
}

static char *dup_string(const struct ps_field *f, const uint8_t *p, size_t len,
			struct pstore_err *err, int *rc)
{
	char *s;

	*rc = check_string(f, (const char *)p, len, err);
	if (*rc) {
		*rc = -EBADMSG;
		return NULL;
	}
	s = malloc(len + 1);
	if (!s) {
		*rc = ps_fail(err, -ENOMEM, "out of memory");
		return NULL;
	}
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static int decode_field(struct pstore_rec *rec, const struct ps_field *f, const uint8_t *p,
			uint32_t len, struct pstore_err *err)
{
	int rc = 0;

	switch (f->kind) {
	case PS_K_STR:
		*FIELD(rec, f, char *) = dup_string(f, p, len, err, &rc);
		return rc;
	case PS_K_STRV: {
		char ***vp = FIELD(rec, f, char **);
		size_t n = 0;
		char **nv, *s;

		while (*vp && (*vp)[n])
			n++;
		s = dup_string(f, p, len, err, &rc);
		if (!s)
			return rc;
		nv = realloc(*vp, (n + 2) * sizeof(*nv));
		if (!nv) {
			free(s);
			return ps_fail(err, -ENOMEM, "out of memory");
		}
		nv[n] = s;
		nv[n + 1] = NULL;
		*vp = nv;
		return 0;
	}
	case PS_K_BOOL:
		if (len != 1 || p[0] > 1)
			return ps_fail(err, -EBADMSG, "field %u (%s): bad boolean", f->tag,
				       f->name);
		*FIELD(rec, f, bool) = p[0] == 1;
		return 0;
	case PS_K_U32:
	case PS_K_U64:
	case PS_K_OPT_U32: {
		uint64_t v;

		if (len != 8)
			return ps_fail(err, -EBADMSG, "field %u (%s): integer of %" PRIu32 " bytes",
				       f->tag, f->name, len);
		v = ps_get64(p);
		if (f->kind != PS_K_U64 && v > UINT32_MAX)
			return ps_fail(err, -EBADMSG, "field %u (%s): %" PRIu64 " out of range",
				       f->tag, f->name, v);
		if (f->kind == PS_K_U64)
			*FIELD(rec, f, uint64_t) = v;
		else if (f->kind == PS_K_U32)
			*FIELD(rec, f, uint32_t) = (uint32_t)v;
		else
			*FIELD(rec, f, struct pstore_opt_u32) =
				(struct pstore_opt_u32){ .set = true, .v = (uint32_t)v };
		return 0;
	}
	case PS_K_FIXED:
		if (len != f->len)
			return ps_fail(err, -EBADMSG,
				       "field %u (%s): %" PRIu32 " bytes, expected %zu", f->tag,
				       f->name, len, f->len);
		memcpy(FIELD(rec, f, uint8_t), p, len);
		return 0;
	case PS_K_BYTES: {
		struct pstore_bytes *b = FIELD(rec, f, struct pstore_bytes);

		if (len == 0)
			return ps_fail(err, -EBADMSG, "field %u (%s): empty", f->tag, f->name);
		b->data = malloc(len);
		if (!b->data)
			return ps_fail(err, -ENOMEM, "out of memory");
		memcpy(b->data, p, len);
		b->len = len;
		return 0;
	}
	case PS_K_KVV: {
		struct pstore_kv **kvp = FIELD(rec, f, struct pstore_kv *);
		size_t *n = (size_t *)((char *)rec + f->off2);
		struct pstore_kv *nkv, kv;
		uint32_t kl;

		if (len < 4 || (kl = ps_get32(p)) > len - 4)
			return ps_fail(err, -EBADMSG, "field %u (%s): bad pair lengths", f->tag,
				       f->name);
		kv.key = dup_string(f, p + 4, kl, err, &rc);
		if (!kv.key)
			return rc;
		kv.value = dup_string(f, p + 4 + kl, len - 4 - kl, err, &rc);
		if (!kv.value) {
			free(kv.key);
			return rc;
		}
		nkv = realloc(*kvp, (*n + 1) * sizeof(*nkv));
		if (!nkv) {
			free(kv.key);
			free(kv.value);
			return ps_fail(err, -ENOMEM, "out of memory");
		}
		nkv[(*n)++] = kv;
		*kvp = nkv;
		return 0;
	}
	}
	return ps_fail(err, -EBADMSG, "field %u: bad kind", f->tag);
}

static int keep_unknown(struct pstore_rec *rec, unsigned int tag, uint8_t wtype,
			const uint8_t *p, uint32_t len, struct pstore_err *err)
{
	struct pstore_unknown *nu, *u;

	nu = realloc(rec->unknown, (rec->n_unknown + 1) * sizeof(*nu));
	if (!nu)
		return ps_fail(err, -ENOMEM, "out of memory");
	rec->unknown = nu;
	u = &nu[rec->n_unknown];
	u->tag = (uint16_t)tag;
	u->wtype = wtype;
	u->len = len;
	u->data = malloc(len ? len : 1);
	if (!u->data)
		return ps_fail(err, -ENOMEM, "out of memory");
	if (len)
		memcpy(u->data, p, len);
	rec->n_unknown++;
	return 0;
}

int pstore_rec_decode(const uint8_t *buf, size_t len, struct pstore_rec **out,
		      struct pstore_err *err)
{
	const struct ps_type *ty;
	struct pstore_rec *rec;
	unsigned int type;
	uint64_t seen = 0;	/* bit i: field i of the schema was present */
	size_t pos, end = len - PS_REC_TRAILER;
	int rc;

	*out = NULL;
	rc = ps_rec_check_envelope(buf, len, &type, err);
	if (rc)
		return rc;
	ty = ps_type_get((enum pstore_type)type);
	if (!ty)
		return ps_fail(err, -EPROTONOSUPPORT,
			       "record type %u unknown (written by a newer version?)", type);
	rec = pstore_rec_new((enum pstore_type)type);
	if (!rec)
		return ps_fail(err, -ENOMEM, "out of memory");
	rec->version = ps_get16(buf + 2);
	for (pos = PS_REC_HDR; pos < end;) {
		unsigned int tag = ps_get16(buf + pos);
		uint8_t wtype = buf[pos + 2];
		uint32_t flen = ps_get32(buf + pos + 3);
		const uint8_t *p = buf + pos + 7;
		const struct ps_field *f;
		size_t idx;

		pos += 7 + (size_t)flen;
		f = find_field(ty, tag, &idx);
		if (!f) {
			rc = keep_unknown(rec, tag, wtype, p, flen, err);
			if (rc)
				goto fail;
			continue;
		}
		if (wtype != wire_of(f)) {
			rc = ps_fail(err, -EBADMSG, "field %u (%s): wire type %u, expected %u", tag,
				     f->name, wtype, wire_of(f));
			goto fail;
		}
		if ((seen & (1ull << idx)) && !is_list(f)) {
			rc = ps_fail(err, -EBADMSG, "field %u (%s) repeated", tag, f->name);
			goto fail;
		}
		seen |= 1ull << idx;
		rc = decode_field(rec, f, p, flen, err);
		if (rc)
			goto fail;
	}
	for (size_t i = 0; i < ty->nfields; i++)
		if ((ty->fields[i].flags & PS_F_REQUIRED) && !(seen & (1ull << i))) {
			rc = ps_fail(err, -EBADMSG, "required field %u (%s) missing",
				     ty->fields[i].tag, ty->fields[i].name);
			goto fail;
		}
	*out = rec;
	return 0;
fail:
	pstore_rec_free(rec);
	return rc;
}

/* ---- printing ------------------------------------------------------------------------------ */

static void print_hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
}

void pstore_rec_print(const struct pstore_rec *rec, FILE *out, bool show_secrets)
{
	const struct ps_type *ty = ps_type_get(rec->type);

	if (!ty)
		return;
	fprintf(out, "\ttype = %s (version %u)\n", ty->name, rec->version);
	for (size_t i = 0; i < ty->nfields; i++) {
		const struct ps_field *f = &ty->fields[i];
		bool hide = (f->flags & PS_F_SECRET) && !show_secrets;

		switch (f->kind) {
		case PS_K_STR: {
			const char *s = *CFIELD(rec, f, char *const);

			if (s)
				fprintf(out, "\t%s = %s\n", f->name, hide ? "(secret)" : s);
			break;
		}
		case PS_K_STRV: {
			char *const *v = *(char **const *)((const char *)rec + f->off);

			for (size_t j = 0; v && v[j]; j++)
				fprintf(out, "\t%s = %s\n", f->name, hide ? "(secret)" : v[j]);
			break;
		}
		case PS_K_BOOL:
			fprintf(out, "\t%s = %s\n", f->name, *CFIELD(rec, f, bool) ? "yes" : "no");
			break;
		case PS_K_U32:
			fprintf(out, "\t%s = %" PRIu32 "\n", f->name, *CFIELD(rec, f, uint32_t));
			break;
		case PS_K_U64:
			fprintf(out, "\t%s = %" PRIu64 "\n", f->name, *CFIELD(rec, f, uint64_t));
			break;
		case PS_K_OPT_U32: {
			const struct pstore_opt_u32 *o = CFIELD(rec, f, struct pstore_opt_u32);

			if (o->set)
				fprintf(out, "\t%s = %" PRIu32 "\n", f->name, o->v);
			break;
		}
		case PS_K_FIXED:
			fprintf(out, "\t%s = ", f->name);
			if (hide)
				fputs("(secret)", out);
			else
				print_hex(out, CFIELD(rec, f, uint8_t), f->len);
			fputc('\n', out);
			break;
		case PS_K_BYTES: {
			const struct pstore_bytes *b = CFIELD(rec, f, struct pstore_bytes);

			if (!b->len)
				break;
			fprintf(out, "\t%s = ", f->name);
			if (hide)
				fputs("(secret)", out);
			else
				print_hex(out, b->data, b->len);
			fputc('\n', out);
			break;
		}
		case PS_K_KVV: {
			const struct pstore_kv *kv = *CFIELD(rec, f, struct pstore_kv *const);
			size_t n = *(const size_t *)((const char *)rec + f->off2);

			for (size_t j = 0; j < n; j++)
				fprintf(out, "\t%s = %s = %s\n", f->name, kv[j].key, kv[j].value);
			break;
		}
		}
	}
	for (size_t i = 0; i < rec->n_unknown; i++) {
		fprintf(out, "\ttag %u (wire type %u) = ", rec->unknown[i].tag,
			rec->unknown[i].wtype);
		print_hex(out, rec->unknown[i].data, rec->unknown[i].len);
		fputc('\n', out);
	}
}

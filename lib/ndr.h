/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NDR: the Network Data Representation of DCE 1.1 RPC (C706 chapter 14), transfer syntax
 * NDR20 (8a885d04-1ceb-11c9-9fe8-08002b104860 v2), little-endian, ASCII, IEEE floats only.
 *
 * A push buffer marshals, a pull buffer unmarshals. Alignment is relative to the start of the
 * buffer, which is the start of the stub data. Both buffers keep the first error they hit
 * ("sticky"): every later call on the buffer does nothing and returns the same error, so a
 * sequence of calls can be checked once at the end. Errors are negative errno values:
 *   -EBADMSG   malformed or truncated input (pull), or a value the wire cannot carry (push)
 *   -EMSGSIZE  a buffer or allocation limit was reached
 *   -ELOOP     pointers nested deeper than NDR_MAX_DEPTH
 *   -ENOMEM    out of memory
 *
 * Pointers follow the usual two-pass order: a structure's scalars first (an embedded pointer is
 * its 4-byte referent ID, or 0 for NULL), then the referents of its pointers in order, each
 * referent followed at once by the referents of its own pointers (depth first). The library
 * keeps the queue of deferred referents: ndr_push_*_ptr() writes the referent ID and queues
 * the function that will write the referent; ndr_push_deferred() writes the queue. Call it
 * after each top-level construct (each RPC parameter). Pull works the same way.
 *
 * A pull never allocates in proportion to a count read from the input before checking that
 * the input still holds at least that many minimal elements; all memory of a pull lives in
 * the pull buffer's arena (capped by max_alloc) and is released by ndr_pull_free().
 */
#ifndef KC_NDR_H
#define KC_NDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NDR_REF_ID_BASE		0x00020000u	/* first referent ID, as Windows numbers them */
#define NDR_REF_ID_STEP		4u
#define NDR_MAX_DEPTH		32		/* nesting of deferred referents */
#define NDR_PUSH_MAX_DEFAULT	(16u << 20)	/* bytes a push buffer may grow to */
#define NDR_PULL_ALLOC_DEFAULT	(16u << 20)	/* bytes a pull may allocate */

/* A DCE UUID in its NDR layout (C706 appendix A): 16 bytes, aligned to 4. */
struct ndr_guid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq[2];
	uint8_t node[6];
};

/* A context handle (policy_handle): attributes + UUID, 20 bytes, aligned to 4. */
struct ndr_policy_handle {
	uint32_t attributes;
	struct ndr_guid uuid;
};

#define NDR_GUID_STRLEN 37	/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */

/* Parse the 36-character text form (either case); 0, or -EINVAL. */
int ndr_guid_from_string(const char *s, struct ndr_guid *g);
/* Lower-case text form into buf (NDR_GUID_STRLEN bytes); returns buf. */
char *ndr_guid_to_string(const struct ndr_guid *g, char *buf);
bool ndr_guid_equal(const struct ndr_guid *a, const struct ndr_guid *b);
bool ndr_guid_is_zero(const struct ndr_guid *g);

/* ---- push (marshal) --------------------------------------------------------------------- */

struct ndr_push;
/* Writes one referent (or one array element) whose address is arg. */
typedef int (*ndr_push_fn)(struct ndr_push *ndr, const void *arg);

struct ndr_push {
	uint8_t *data;
	size_t len, cap;
	size_t max;		/* len limit; NDR_PUSH_MAX_DEFAULT after ndr_push_init() */
	int err;		/* first error, 0 while none */
	uint32_t next_id;	/* next referent ID */
	struct ndr_push_defer *defer;	/* deferred referents */
	size_t ndefer, defer_cap;
	struct ndr_push_full *full;	/* full pointers seen: address -> referent ID */
	size_t nfull, full_cap;
	unsigned int depth;
};

void ndr_push_init(struct ndr_push *ndr);
/* Release everything, the data included. */
void ndr_push_free(struct ndr_push *ndr);
/* Hand the data over to the caller (free() it) and reset ndr; NULL when empty or on error. */
uint8_t *ndr_push_take(struct ndr_push *ndr, size_t *len);
static inline int ndr_push_error(const struct ndr_push *ndr)
{
	return ndr->err;
}

int ndr_push_align(struct ndr_push *ndr, size_t n);	/* pad with zeros; n: 1, 2, 4 or 8 */
int ndr_push_u8(struct ndr_push *ndr, uint8_t v);
int ndr_push_u16(struct ndr_push *ndr, uint16_t v);
int ndr_push_u32(struct ndr_push *ndr, uint32_t v);
int ndr_push_u64(struct ndr_push *ndr, uint64_t v);	/* hyper: aligned to 8 */
/* enum: 16 bits on the wire, values 0..32767 (C706 14.2.5); v1_enum: 32 bits. */
int ndr_push_enum16(struct ndr_push *ndr, unsigned int v);
int ndr_push_enum32(struct ndr_push *ndr, uint32_t v);
int ndr_push_bytes(struct ndr_push *ndr, const void *p, size_t n);	/* no alignment */
int ndr_push_zeros(struct ndr_push *ndr, size_t n);
int ndr_push_guid(struct ndr_push *ndr, const struct ndr_guid *g);
int ndr_push_policy_handle(struct ndr_push *ndr, const struct ndr_policy_handle *h);
/* Overwrite a little-endian u32 already pushed at offset (for lengths known afterwards). */
int ndr_push_u32_at(struct ndr_push *ndr, size_t offset, uint32_t v);
/* Overwrite a little-endian u16 already pushed at offset. */
int ndr_push_u16_at(struct ndr_push *ndr, size_t offset, uint16_t v);

/*
 * Embedded pointers. unique: NULL allowed (ID 0). ref: must not be NULL (-EBADMSG).
 * full: NULL allowed, and the same address pushed twice gets the same referent ID and its
 * referent is written once. The referent is written by fn(ndr, p) at the next
 * ndr_push_deferred().
 */
int ndr_push_unique_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn);
int ndr_push_ref_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn);
int ndr_push_full_ptr(struct ndr_push *ndr, const void *p, ndr_push_fn fn);
/* Write the queued referents, depth first; call after each top-level construct. */
int ndr_push_deferred(struct ndr_push *ndr);

/* Conformant array: max_count, then fn for each of count elements of elem_size bytes. */
int ndr_push_conformant_array(struct ndr_push *ndr, const void *base, uint32_t count,
			      size_t elem_size, ndr_push_fn fn);
/*
 * Conformant varying array: max_count, offset, actual_count, then fn for the actual_count
 * elements at base (the transmitted ones).
 */
int ndr_push_cv_array(struct ndr_push *ndr, uint32_t max_count, uint32_t offset,
		      const void *base, uint32_t count, size_t elem_size, ndr_push_fn fn);

/*
 * [string] wchar_t *: a conformant varying array of UTF-16LE units including the terminating
 * NUL (max_count = actual_count, offset 0). s is UTF-8 (-EBADMSG when it is not valid).
 */
int ndr_push_string(struct ndr_push *ndr, const char *s);
/* The same as an ndr_push_fn, for ndr_push_*_ptr(): arg is the const char *. */
int ndr_push_string_fn(struct ndr_push *ndr, const void *arg);
/* An embedded [string, unique] wchar_t * member: referent ID (0 for NULL) and the string. */
int ndr_push_unique_string(struct ndr_push *ndr, const char *s);

/* ---- pull (unmarshal) ------------------------------------------------------------------- */

struct ndr_pull;
/* Reads one referent (or one array element) into the object at arg. */
typedef int (*ndr_pull_fn)(struct ndr_pull *ndr, void *arg);

struct ndr_pull {
	const uint8_t *data;
	size_t len, off;
	int err;		/* first error, 0 while none */
	size_t max_alloc;	/* arena limit; NDR_PULL_ALLOC_DEFAULT after ndr_pull_init() */
	size_t allocated;
	struct ndr_pull_blk *mem;	/* arena */
	struct ndr_pull_defer *defer;	/* deferred referents */
	size_t ndefer, defer_cap;
	struct ndr_pull_full *full;	/* full pointers seen: referent ID -> object */
	size_t nfull, full_cap;
	unsigned int depth;
};

/* The data is not copied: it must outlive the pull. */
void ndr_pull_init(struct ndr_pull *ndr, const uint8_t *data, size_t len);
/* Release the arena (everything pulled) and the queues. */
void ndr_pull_free(struct ndr_pull *ndr);
static inline int ndr_pull_error(const struct ndr_pull *ndr)
{
	return ndr->err;
}

static inline size_t ndr_pull_remaining(const struct ndr_pull *ndr)
{
	return ndr->len - ndr->off;
}

/* Zeroed memory from the arena, freed by ndr_pull_free(); NULL (and err set) on failure. */
void *ndr_pull_alloc(struct ndr_pull *ndr, size_t size);

int ndr_pull_align(struct ndr_pull *ndr, size_t n);	/* skip padding (its value is ignored) */
int ndr_pull_u8(struct ndr_pull *ndr, uint8_t *v);
int ndr_pull_u16(struct ndr_pull *ndr, uint16_t *v);
int ndr_pull_u32(struct ndr_pull *ndr, uint32_t *v);
int ndr_pull_u64(struct ndr_pull *ndr, uint64_t *v);
int ndr_pull_enum16(struct ndr_pull *ndr, unsigned int *v);	/* values above 32767: -EBADMSG */
int ndr_pull_enum32(struct ndr_pull *ndr, uint32_t *v);
int ndr_pull_bytes(struct ndr_pull *ndr, void *p, size_t n);
int ndr_pull_skip(struct ndr_pull *ndr, size_t n);
int ndr_pull_guid(struct ndr_pull *ndr, struct ndr_guid *g);
int ndr_pull_policy_handle(struct ndr_pull *ndr, struct ndr_policy_handle *h);

/*
 * Embedded pointers. Each reads the referent ID; for a non-NULL one it allocates a zeroed
 * object of size bytes into *dst and queues fn(ndr, object), which runs at the next
 * ndr_pull_deferred(). A NULL pointer sets *dst = NULL. ref: ID 0 is -EBADMSG. full: an ID
 * seen before gives the same object, and its referent is not read again.
 */
int ndr_pull_unique_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn);
int ndr_pull_ref_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn);
int ndr_pull_full_ptr(struct ndr_pull *ndr, void **dst, size_t size, ndr_pull_fn fn);
/* Read the queued referents, depth first; call after each top-level construct. */
int ndr_pull_deferred(struct ndr_pull *ndr);

/*
 * Conformance of an array: reads max_count into *count and checks that the remaining input
 * holds at least count * min_wire_size bytes (min_wire_size: the smallest encoding of one
 * element, at least 1).
 */
int ndr_pull_conformance(struct ndr_pull *ndr, uint32_t *count, size_t min_wire_size);
/*
 * Variance of a conformant varying array of max_count elements: reads offset and
 * actual_count and checks offset + actual_count <= max_count and that the input holds
 * actual_count * min_wire_size more bytes.
 */
int ndr_pull_variance(struct ndr_pull *ndr, uint32_t max_count, uint32_t *offset,
		      uint32_t *actual, size_t min_wire_size);
/*
 * Conformant array: reads max_count, allocates count objects of elem_size bytes into *out
 * (NULL when 0) and runs fn on each.
 */
int ndr_pull_conformant_array(struct ndr_pull *ndr, void **out, uint32_t *count,
			      size_t elem_size, size_t min_wire_size, ndr_pull_fn fn);
/*
 * Conformant varying array: max_count, offset, actual_count, then the actual_count
 * transmitted elements, allocated into *out. Only those are stored (the offset is reported,
 * never used to size an allocation).
 */
int ndr_pull_cv_array(struct ndr_pull *ndr, void **out, uint32_t *max_count, uint32_t *offset,
		      uint32_t *count, size_t elem_size, size_t min_wire_size, ndr_pull_fn fn);

/*
 * [string] wchar_t *: checks max_count >= actual_count >= 1, offset 0, the last unit NUL and
 * no NUL before it, well-formed UTF-16 (surrogates paired); returns it as UTF-8 from the
 * arena.
 */
int ndr_pull_string(struct ndr_pull *ndr, char **s);
/* The same as an ndr_pull_fn: arg is a char **. */
int ndr_pull_string_fn(struct ndr_pull *ndr, void *arg);
/*
 * An embedded [string, unique] wchar_t * member: *s is NULL or, after the deferred pass, the
 * string. s itself must stay valid until then (a member of an object from the arena, or a
 * variable of the function that calls ndr_pull_deferred()).
 */
int ndr_pull_unique_string(struct ndr_pull *ndr, char **s);

/* ---- UTF-16 helpers (shared with the DCE/RPC layer) ---------------------------------------- */

/*
 * Convert valid UTF-8 to UTF-16LE code units (no terminator added); returns the number of
 * units, -EBADMSG for invalid UTF-8. out may be NULL to count.
 */
long ndr_utf8_to_utf16(const char *s, size_t len, uint16_t *out);

#endif /* KC_NDR_H */

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replicated state machine's apply interface. ksmbd-clusterd orders every mutation through
 * corosync CPG and hands it, in that order, to an implementation of these operations on every
 * node; joining nodes are brought up to date with snapshot() on a donor and restore() on the
 * others. An implementation must be deterministic: the same mutations applied in the same order
 * to the same snapshot give byte-identical snapshots on every node.
 *
 * kc_kvsm_new() (kvsm.c) is the in-memory implementation: a sorted key/value map.
 * kc_pstore_sm_new() (pstore_sm.h) is the persistent one, the cluster registry in libpstore.
 */
#ifndef KC_STATEMACHINE_H
#define KC_STATEMACHINE_H

#include <stddef.h>
#include <stdint.h>

#define KC_SM_HASH_LEN 32	/* SHA-256 of the canonical snapshot */

/* A growable byte buffer (binary; util.h's kc_buf is for text). */
struct kc_bytes {
	uint8_t *data;
	size_t len, cap;
};

int kc_bytes_put(struct kc_bytes *b, const void *p, size_t len);
int kc_bytes_put_u8(struct kc_bytes *b, uint8_t v);
int kc_bytes_put_u32(struct kc_bytes *b, uint32_t v);	/* little endian */
void kc_bytes_free(struct kc_bytes *b);

/* Mutations of the generic key/value wire format (kc_sm_mut_*). */
enum kc_sm_op {
	KC_SM_OP_SET = 1,	/* key, value: create or replace */
	KC_SM_OP_DEL = 2,	/* key: remove; -ENOENT when absent */
	KC_SM_OP_CREATE = 3,	/* key, value: create; -EEXIST when present */
};

#define KC_SM_KEY_MAX 1024
#define KC_SM_VALUE_MAX (256 * 1024)

/*
 * Encode a mutation: u8 op, u32 key length, key, u32 value length, value (little endian).
 * Returns 0 or -errno (-EINVAL for an empty or oversized key or value).
 */
int kc_sm_mut_encode(struct kc_bytes *out, enum kc_sm_op op, const void *key, size_t klen,
		     const void *val, size_t vlen);

struct kc_sm_mut {
	enum kc_sm_op op;
	const uint8_t *key, *val;
	size_t klen, vlen;
};

/* Decode and validate a mutation; points into @p. Returns 0 or -EINVAL. */
int kc_sm_mut_decode(const void *p, size_t len, struct kc_sm_mut *m);

typedef int (*kc_sm_list_fn)(const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen,
			     void *arg);

struct kc_sm_ops {
	/* Apply one mutation atomically (all or nothing). Returns 0 or -errno; a failed mutation
	 * leaves the state unchanged, and fails the same way on every node, except -EIO: this
	 * node's storage failed, its state may now differ from the others' (the daemon must
	 * stop and resync). */
	int (*apply)(void *sm, const void *mut, size_t len);
	/* The canonical serialisation of the whole state, appended to @out. */
	int (*snapshot)(void *sm, struct kc_bytes *out);
	/* Replace the whole state with a snapshot; on error the state is unchanged. */
	int (*restore)(void *sm, const void *snap, size_t len);
	/* SHA-256 of the canonical snapshot. */
	int (*hash)(void *sm, uint8_t out[KC_SM_HASH_LEN]);
	/* Reads: 0, -ENOENT; list calls @fn in key order for keys starting with @prefix and stops
	 * at the first non-zero return, which it returns. */
	int (*get)(void *sm, const void *key, size_t klen, struct kc_bytes *val);
	int (*list)(void *sm, const void *prefix, size_t plen, kc_sm_list_fn fn, void *arg);
	uint64_t (*count)(void *sm);	/* number of records */
	/* Optional (NULL: none): how many changes the stored state has seen, for a daemon that
	 * starts from a persistent state to rank it against the other nodes' states. */
	uint64_t (*generation)(void *sm);
	void (*free)(void *sm);
};

struct kc_sm {
	const struct kc_sm_ops *ops;
	void *impl;
};

/* The in-memory sorted key/value map. Returns 0 or -ENOMEM. */
int kc_kvsm_new(struct kc_sm *sm);

#endif /* KC_STATEMACHINE_H */

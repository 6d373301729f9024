/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The node's SMB users: the file named by "passdb file" (docs/users.md), one user per line:
 *
 *	# comment
 *	alice:8846F7EAEE8FB117AD06BDD830B7586C
 *
 * that is NAME ':' the NT hash (MD4 of the UTF-16LE password) as 32 hexadecimal digits. Blank
 * lines and lines starting with '#' are ignored. User names are matched ignoring case (as
 * Windows does; see ntlmssp_name_equal()). The file holds password equivalents: it is written
 * with mode 0600, atomically (a temporary file in the same directory, fsync, rename, fsync of
 * the directory), and the hashes are wiped from memory when freed.
 */
#ifndef KC_PASSDB_H
#define KC_PASSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KC_PASSDB_HASH_LEN	16
#define KC_PASSDB_NAME_MAX	64	/* characters (code points) */
#define KC_PASSDB_NAME_BYTES	255	/* bytes of UTF-8 (what the engine takes) */
#define KC_PASSDB_PASSWORD_MAX	256	/* characters */
#define KC_PASSDB_FILE_MAX	(16u << 20)	/* refuse larger files */

struct kc_passdb;

/*
 * Read the file at path. A missing file is an empty database. Returns 0 and *out, or -1 (and
 * *out NULL) when the file cannot be read or has errors; every problem is written to diag
 * (when not NULL) as "PATH:LINE: error: ..." or "PATH: error: ...". A file readable by group
 * or others gives a warning ("PATH: warning: ...") but loads.
 */
int kc_passdb_load(const char *path, struct kc_passdb **out, FILE *diag);
/* The same for text in memory; name is what diagnostics call it. */
int kc_passdb_parse(const char *name, const char *text, size_t len, struct kc_passdb **out,
		    FILE *diag);
/* Write db to path atomically with mode 0600. 0, or -1 with "PATH: error: ..." on diag. */
int kc_passdb_save(const struct kc_passdb *db, const char *path, FILE *diag);
/* Free db, wiping the hashes. NULL is a no-op. */
void kc_passdb_free(struct kc_passdb *db);
/* An empty database (NULL when out of memory). */
struct kc_passdb *kc_passdb_new(void);

size_t kc_passdb_count(const struct kc_passdb *db);
/* Name of the i-th user, in file order. */
const char *kc_passdb_name(const struct kc_passdb *db, size_t i);
/* The NT hash of user name (any case): 0, or -ENOENT. */
int kc_passdb_lookup(const struct kc_passdb *db, const char *name,
		     uint8_t hash[KC_PASSDB_HASH_LEN]);
/* Add a user: 0, -EEXIST (any case), -EINVAL (bad name), -ENOMEM. */
int kc_passdb_add(struct kc_passdb *db, const char *name, const uint8_t hash[KC_PASSDB_HASH_LEN]);
/* Change the hash of an existing user: 0 or -ENOENT. */
int kc_passdb_set(struct kc_passdb *db, const char *name, const uint8_t hash[KC_PASSDB_HASH_LEN]);
/* Remove a user: 0 or -ENOENT. */
int kc_passdb_del(struct kc_passdb *db, const char *name);

/*
 * Whether name may be a user name: valid UTF-8, 1 to KC_PASSDB_NAME_MAX characters and at
 * most KC_PASSDB_NAME_BYTES bytes, no control characters, none of " / \ [ ] : ; | = , + * ? < >
 * @, no leading '#', no leading or trailing space, not only dots and spaces. When not, the
 * reason goes to why.
 */
bool kc_passdb_name_valid(const char *name, char *why, size_t whylen);
/*
 * Check a password (valid UTF-8, 1 to KC_PASSDB_PASSWORD_MAX characters) and compute its NT
 * hash. 0, or -EINVAL with the reason in why.
 */
int kc_passdb_hash_password(const char *password, uint8_t hash[KC_PASSDB_HASH_LEN], char *why,
			    size_t whylen);

/*
 * Serialise read-modify-write cycles on path: an exclusive flock(2) on "PATH.lock" (created
 * with mode 0600). Returns the lock's file descriptor, or -errno. Close it to unlock.
 */
int kc_passdb_lock(const char *path);

#endif /* KC_PASSDB_H */

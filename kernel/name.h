/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names as Windows clients see them: case-insensitive comparison (Unicode
 * simple case folding) and 8.3 short names (MS-FSCC 2.1.5.2.1).
 *
 * Short names are not stored: a name that is not a valid 8.3 name has the
 * short name ksmbd_name_mangle() derives from the long name alone, so it is
 * the same after a restart and on every node of a cluster. It has the form
 * PREFIX~HHH.EXT: up to 4 characters of the long name's base, '~', three
 * base-36 characters of a hash of the case-folded long name, and up to 3
 * characters of its extension, all upper case. Two long names of one
 * directory may share a short name (1 chance in 46656 per prefix and
 * extension); a lookup by short name then finds one of them.
 */
#ifndef KSMBD_NAME_H
#define KSMBD_NAME_H

#include <linux/types.h>

/* Longest short name: 8 + '.' + 3 characters, plus a NUL. */
#define KSMBD_SHORT_NAME_MAX	13

/* Simple case folding of a code point (BMP only, as NTFS's upcase table). */
u32 ksmbd_casefold(u32 cp);

/*
 * Whether the UTF-8 names @a (@alen bytes) and @b (@blen bytes) are equal
 * once case-folded. Malformed UTF-8 compares byte for byte.
 */
bool ksmbd_name_equal_ci(const char *a, size_t alen, const char *b, size_t blen);

/* Whether @name (@len bytes of UTF-8) is a valid 8.3 name, "." and ".." included. */
bool ksmbd_name_is_8dot3(const char *name, size_t len);

/*
 * The short name of @name into @out (KSMBD_SHORT_NAME_MAX bytes,
 * NUL-terminated); returns its length, or 0 when @name is a valid 8.3 name
 * and so has no other short name (@out is then "").
 */
int ksmbd_name_mangle(const char *name, size_t len, char *out);

/*
 * Whether the on-disk name @entry answers the client's name @want: equal
 * case-insensitively, or @want is the short name of @entry.
 */
bool ksmbd_name_matches(const char *want, size_t wlen, const char *entry, size_t elen);

#endif

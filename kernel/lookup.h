/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Case-insensitive name lookup (MS-FSA 2.1.5.1: names are compared without
 * regard to case unless the open asks otherwise), for shares that are not
 * "case sensitive".
 */
#ifndef KSMBD_LOOKUP_H
#define KSMBD_LOOKUP_H

#include <linux/types.h>

struct ksmbd_vfs_root;

/*
 * Rewrite @path ('/' separated, "" for the share root, @size bytes of room)
 * to the names on disk: each component that does not exist with the exact
 * case is replaced by the entry of its directory that matches it
 * case-insensitively (Unicode simple case folding) or whose short name it is
 * (name.h); among several, the smallest by byte order. Components after one
 * that matches nothing are left as they are, so a new name keeps the
 * client's case. A path that exists as given costs one stat; directories are
 * scanned only after -ENOENT. Returns 0, or -ENAMETOOLONG / -ENOMEM.
 */
int ksmbd_lookup_ci(struct ksmbd_vfs_root *root, char *path, size_t size);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-16LE (the wire's strings) <-> UTF-8 (the filesystem's and mountd's). */
#ifndef KSMBD_UNICODE_H
#define KSMBD_UNICODE_H

#include <linux/types.h>

/*
 * Convert @len bytes of UTF-16LE into NUL-terminated UTF-8 in @out (@size
 * bytes). Returns the UTF-8 length, -EINVAL for an odd length, an unpaired
 * surrogate or a NUL character, -ENAMETOOLONG when @out is too small.
 */
int ksmbd_utf16_to_utf8(const u8 *in, size_t len, char *out, size_t size);

/*
 * Convert @len bytes of UTF-8 into UTF-16LE in @out (@size bytes, no NUL).
 * Returns the UTF-16 byte count, -EINVAL for invalid UTF-8, -ENAMETOOLONG
 * when @out is too small.
 */
int ksmbd_utf8_to_utf16(const char *in, size_t len, u8 *out, size_t size);

/*
 * The code point at @in (@left bytes, at least 1) and its UTF-8 length in *@n;
 * -EINVAL if malformed (overlong, a surrogate, past U+10FFFF, truncated).
 */
int ksmbd_utf8_next(const u8 *in, size_t left, int *n);

#endif

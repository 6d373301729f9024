// SPDX-License-Identifier: GPL-2.0
/* UTF-16LE to UTF-8 (see unicode.h). */
#include <linux/kernel.h>
#include <asm/unaligned.h>
#include "unicode.h"

/* Append code point @cp at @out[*pos]; -ENAMETOOLONG if it does not fit. */
static int ksmbd_put_utf8(u32 cp, char *out, size_t size, size_t *pos)
{
	u8 buf[4];
	int n, i;

	if (cp < 0x80) {
		buf[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		buf[0] = 0xc0 | (cp >> 6);
		buf[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		buf[0] = 0xe0 | (cp >> 12);
		buf[1] = 0x80 | ((cp >> 6) & 0x3f);
		buf[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		buf[0] = 0xf0 | (cp >> 18);
		buf[1] = 0x80 | ((cp >> 12) & 0x3f);
		buf[2] = 0x80 | ((cp >> 6) & 0x3f);
		buf[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	if (*pos + n >= size)	/* keep room for the NUL */
		return -ENAMETOOLONG;
	for (i = 0; i < n; i++)
		out[(*pos)++] = buf[i];
	return 0;
}

int ksmbd_utf16_to_utf8(const u8 *in, size_t len, char *out, size_t size)
{
	size_t i, pos = 0;
	int ret;

	if (len % 2 || !size)
		return -EINVAL;
	for (i = 0; i < len; i += 2) {
		u32 cp = get_unaligned_le16(in + i);

		if (cp >= 0xdc00 && cp <= 0xdfff)
			return -EINVAL;		/* a low surrogate first */
		if (cp >= 0xd800 && cp <= 0xdbff) {
			u32 lo;

			if (i + 4 > len)
				return -EINVAL;
			lo = get_unaligned_le16(in + i + 2);
			if (lo < 0xdc00 || lo > 0xdfff)
				return -EINVAL;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (!cp)
			return -EINVAL;
		ret = ksmbd_put_utf8(cp, out, size, &pos);
		if (ret)
			return ret;
	}
	out[pos] = '\0';
	return pos;
}

int ksmbd_utf8_next(const u8 *in, size_t left, int *n)
{
	static const u32 min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	u32 cp;
	int i;

	if (in[0] < 0x80) {
		*n = 1;
		return in[0];
	}
	if ((in[0] & 0xe0) == 0xc0)
		*n = 2;
	else if ((in[0] & 0xf0) == 0xe0)
		*n = 3;
	else if ((in[0] & 0xf8) == 0xf0)
		*n = 4;
	else
		return -EINVAL;
	if ((size_t)*n > left)
		return -EINVAL;
	cp = in[0] & (0x7f >> *n);
	for (i = 1; i < *n; i++) {
		if ((in[i] & 0xc0) != 0x80)
			return -EINVAL;
		cp = cp << 6 | (in[i] & 0x3f);
	}
	/* No overlong forms, surrogates or values past U+10FFFF. */
	if (cp < min_cp[*n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return -EINVAL;
	return cp;
}

int ksmbd_utf8_to_utf16(const char *in, size_t len, u8 *out, size_t size)
{
	const u8 *p = (const u8 *)in;
	size_t pos = 0, i = 0;
	int n, cp;

	while (i < len) {
		cp = ksmbd_utf8_next(p + i, len - i, &n);
		if (cp < 0)
			return -EINVAL;
		i += n;
		if (cp >= 0x10000) {
			if (pos + 4 > size)
				return -ENAMETOOLONG;
			cp -= 0x10000;
			put_unaligned_le16(0xd800 | (cp >> 10), out + pos);
			put_unaligned_le16(0xdc00 | (cp & 0x3ff), out + pos + 2);
			pos += 4;
		} else {
			if (pos + 2 > size)
				return -ENAMETOOLONG;
			put_unaligned_le16(cp, out + pos);
			pos += 2;
		}
	}
	return pos;
}

// SPDX-License-Identifier: GPL-2.0
/* Case-insensitive names and 8.3 short names (see name.h). */
#include <linux/kernel.h>
#include <linux/string.h>
#include "name.h"
#include "unicode.h"

struct ksmbd_fold_run {
	u16 first;
	u8 count;
	u8 stride;
	s32 delta;
};

#include "casefold_table.h"

u32 ksmbd_casefold(u32 cp)
{
	size_t lo = 0, hi = ARRAY_SIZE(ksmbd_fold_runs);

	if (cp < 'A' || cp > 0xffff)
		return cp;
	if (cp < 0x80)
		return cp <= 'Z' ? cp + 32 : cp;
	/* the last run that starts at or before @cp */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ksmbd_fold_runs[mid].first <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		const struct ksmbd_fold_run *r = &ksmbd_fold_runs[lo - 1];
		u32 off = cp - r->first;

		if (off % r->stride == 0 && off / r->stride < r->count)
			return cp + r->delta;
	}
	return cp;
}

/* The next folded code point of @s (@left bytes), advancing *@pos; a bad byte as itself. */
static u32 ksmbd_next_folded(const char *s, size_t len, size_t *pos)
{
	int n, cp;

	cp = ksmbd_utf8_next((const u8 *)s + *pos, len - *pos, &n);
	if (cp < 0) {
		/* not UTF-8: the byte, outside the code point range */
		return 0x110000 + (u8)s[(*pos)++];
	}
	*pos += n;
	return ksmbd_casefold(cp);
}

bool ksmbd_name_equal_ci(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	while (i < alen && j < blen)
		if (ksmbd_next_folded(a, alen, &i) != ksmbd_next_folded(b, blen, &j))
			return false;
	return i == alen && j == blen;
}

/* Characters an 8.3 name may hold besides ASCII letters and digits. */
static const char ksmbd_83_special[] = "!#$%&'()-@^_`{}~";

static bool ksmbd_83_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr(ksmbd_83_special, c));
}

bool ksmbd_name_is_8dot3(const char *name, size_t len)
{
	size_t i, base = 0, ext = 0;
	bool dot = false;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	for (i = 0; i < len; i++) {
		if (name[i] == '.') {
			if (dot || !base)
				return false;
			dot = true;
		} else if (!ksmbd_83_char(name[i])) {
			return false;
		} else if (dot) {
			ext++;
		} else {
			base++;
		}
	}
	return base >= 1 && base <= 8 && ext <= 3 && !(dot && !ext);
}

/* Append the 8.3 form of @name[from, to) to @out at *@n, at most @max characters. */
static void ksmbd_83_part(const char *name, size_t from, size_t to, char *out, int *n, int max)
{
	int taken = 0, cn;
	size_t i = from;

	while (i < to && taken < max) {
		int cp = ksmbd_utf8_next((const u8 *)name + i, to - i, &cn);
		char c;

		if (cp < 0)
			cn = 1;
		i += cn;
		if (cp == '.' || cp == ' ')
			continue;		/* dropped */
		if (cp >= 'a' && cp <= 'z')
			c = cp - 32;
		else if (cp > 0 && cp < 0x80 && ksmbd_83_char(cp))
			c = cp;
		else
			c = '_';		/* anything else, non-ASCII included */
		out[(*n)++] = c;
		taken++;
	}
}

int ksmbd_name_mangle(const char *name, size_t len, char *out)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t i = 0, lead = 0, dot = len;
	u32 hash = 2166136261u;		/* FNV-1a, over the folded code points */
	int n = 0, start;

	out[0] = '\0';
	if (ksmbd_name_is_8dot3(name, len))
		return 0;
	while (i < len) {
		u32 cp = ksmbd_next_folded(name, len, &i);
		int k;

		for (k = 0; k < 3; k++) {
			hash ^= (cp >> (8 * k)) & 0xff;
			hash *= 16777619u;
		}
	}
	while (lead < len && name[lead] == '.')
		lead++;
	for (i = len; i > lead; i--) {
		if (name[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	}
	ksmbd_83_part(name, lead, dot, out, &n, 4);
	if (!n)
		out[n++] = '_';
	out[n++] = '~';
	hash %= 36 * 36 * 36;
	out[n++] = digits[hash / (36 * 36)];
	out[n++] = digits[hash / 36 % 36];
	out[n++] = digits[hash % 36];
	if (dot < len) {
		out[n++] = '.';
		start = n;
		ksmbd_83_part(name, dot + 1, len, out, &n, 3);
		if (n == start)
			n--;			/* nothing usable: no extension */
	}
	out[n] = '\0';
	return n;
}

bool ksmbd_name_matches(const char *want, size_t wlen, const char *entry, size_t elen)
{
	char short_name[KSMBD_SHORT_NAME_MAX];
	int n;

	if (ksmbd_name_equal_ci(want, wlen, entry, elen))
		return true;
	/* Only a valid 8.3 name with a '~' can be a short name we made. */
	if (!memchr(want, '~', wlen) || !ksmbd_name_is_8dot3(want, wlen))
		return false;
	n = ksmbd_name_mangle(entry, elen, short_name);
	return n && ksmbd_name_equal_ci(want, wlen, short_name, n);
}

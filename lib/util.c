/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small string helpers shared by the ksmbd-cluster libraries and programs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void kc_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t kc_strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void kc_buf_add(struct kc_buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->s, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void kc_buf_str(struct kc_buf *b, const char *s)
{
	kc_buf_add(b, s, strlen(s));
}

char *kc_buf_take(struct kc_buf *b)
{
	char *s;

	if (!b->s)
		kc_buf_add(b, "", 0);
	if (b->oom) {
		kc_buf_free(b);
		return NULL;
	}
	s = b->s;
	memset(b, 0, sizeof(*b));
	return s;
}

void kc_buf_free(struct kc_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

void kc_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	while (n && kc_isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n && kc_isspace((unsigned char)p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

/* Length of the UTF-8 sequence starting at s (at most len bytes), or 0 if it is malformed. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	uint32_t cp, min;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool kc_utf8_valid(const char *s, size_t len, size_t *off)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq(u + i, len - i);
		if (!n) {
			if (off)
				*off = i;
			return false;
		}
		i += n;
	}
	return true;
}

size_t kc_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

bool kc_str_eq_loose(const char *a, const char *b)
{
	for (;;) {
		while (*a && kc_isspace((unsigned char)*a))
			a++;
		while (*b && kc_isspace((unsigned char)*b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (kc_tolower((unsigned char)*a) != kc_tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
}

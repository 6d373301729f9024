/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small string helpers shared by the ksmbd-cluster libraries and programs.
 */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Free a NULL-terminated vector of strings and the strings in it; NULL is a no-op. */
void kc_strv_free(char **v);
/* Number of strings in a NULL-terminated vector (0 for NULL). */
size_t kc_strv_len(char *const *v);

/*
 * A growing string buffer. Zero-initialise it; after an allocation failure it stops growing and
 * remembers the failure in oom, so callers check once at the end.
 */
struct kc_buf {
	char *s;		/* NUL-terminated once anything was added */
	size_t len, cap;
	bool oom;
};

void kc_buf_add(struct kc_buf *b, const char *s, size_t n);
void kc_buf_str(struct kc_buf *b, const char *s);
/* Hand the text over to the caller ("" for an empty buffer) and reset b; NULL on oom. */
char *kc_buf_take(struct kc_buf *b);
void kc_buf_free(struct kc_buf *b);

/* ASCII-only character classes; never depend on the locale. */
static inline bool kc_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline int kc_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static inline int kc_toupper(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

/* Trim ASCII whitespace from both ends of [*s, *s + *len). */
void kc_trim(const char **s, size_t *len);

/*
 * Check that s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF). On failure returns false and, if off is not NULL, stores the offset of the first
 * bad byte.
 */
bool kc_utf8_valid(const char *s, size_t len, size_t *off);
/* Number of code points in a string already known to be valid UTF-8. */
size_t kc_utf8_len(const char *s);

/* Compare ignoring ASCII case and all whitespace (smb.conf key matching). */
bool kc_str_eq_loose(const char *a, const char *b);

#endif /* KC_UTIL_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: security descriptors (kernel/smb_acl.c), as a client's
 * SET_INFO, SecD create context or a damaged xattr would bring them. Whatever
 * decodes must encode to bytes that decode to the same encoding (a fixed
 * point), and the access check, inheritance, merge and POSIX mapping must
 * hold their invariants on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include "smb_acl.h"
#include "smb_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u8 *encode(const struct ksmbd_sd *sd, u32 info, size_t *len)
{
	u8 *buf;

	*len = ksmbd_sd_encode(sd, info, NULL);
	buf = malloc(*len);
	if (!buf || ksmbd_sd_encode(sd, info, buf) != *len)
		abort();
	return buf;
}

/* The encoding of @sd decodes, and encodes to the same bytes. */
static void fixed_point(const struct ksmbd_sd *sd)
{
	struct ksmbd_sd back;
	size_t a_len, b_len;
	u8 *a = encode(sd, 0xf, &a_len), *b;

	if (ksmbd_sd_decode(a, a_len, &back))
		abort();
	b = encode(&back, 0xf, &b_len);
	if (a_len != b_len || memcmp(a, b, a_len))
		abort();
	ksmbd_sd_free(&back);
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksmbd_token tok = { .count = 0 };
	struct ksmbd_sd sd, out, copy;
	bool ok, inh;
	u32 granted, want;
	int is_dir;

	if (ksmbd_sd_decode(data, size, &sd))
		return 0;
	/* Parts may share bytes in the input (two offsets, one SID), not in the output. */
	if (ksmbd_sd_encode(&sd, 0xf, NULL) > 2 * size + 20)
		abort();
	fixed_point(&sd);

	tok.user = ksmbd_sid_admins;
	tok.group = ksmbd_sid_system;
	tok.sids[tok.count++] = tok.user;
	tok.sids[tok.count++] = tok.group;
	tok.sids[tok.count++] = ksmbd_sid_everyone;
	want = size >= 4 ? (u32)data[size - 1] << 24 | data[size - 2] << 16 |
			   data[size - 3] << 8 | data[size - 4] : FILE_GENERIC_READ;
	granted = ksmbd_sd_access(&sd, &tok, want, &ok);
	if (granted & ~FILE_ALL_ACCESS)
		abort();
	if (!(want & MAXIMUM_ALLOWED) && ok &&
	    (ksmbd_sd_map_generic(want) & ~ACCESS_SYSTEM_SECURITY) != granted)
		abort();
	/* MAXIMUM_ALLOWED alone never fails, and grants at least what a plain check did. */
	if ((ksmbd_sd_access(&sd, &tok, MAXIMUM_ALLOWED, &ok) & granted) != granted || !ok)
		abort();

	for (is_dir = 0; is_dir < 2; is_dir++) {
		if (ksmbd_sd_inherit(&sd, NULL, &tok, is_dir, &out, &inh))
			abort();
		fixed_point(&out);
		ksmbd_sd_free(&out);
		if (ksmbd_sd_inherit(NULL, &sd, &tok, is_dir, &out, &inh))
			abort();
		fixed_point(&out);
		ksmbd_sd_free(&out);
	}
	if (ksmbd_sd_from_mode(0, 0, 0755, true, &copy))
		abort();
	if (ksmbd_sd_merge(&copy, &sd, data[0] & 0xf) == 0)
		fixed_point(&copy);
	if (ksmbd_sd_to_mode(&sd, 0, 0, 0644) & ~07777)
		abort();
	ksmbd_sd_free(&copy);
	ksmbd_sd_free(&sd);
	return 0;
}

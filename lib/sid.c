// SPDX-License-Identifier: GPL-2.0-or-later
/* The node's user SIDs: see sid.h. */
#include "sid.h"

#include <ctype.h>

static uint64_t fnv1a64(const char *s, int (*fold)(int))
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (uint8_t)fold((unsigned char)*s);
		h *= 0x100000001b3ULL;
	}
	return h;
}

void kc_sid_domain(const char *netbios_name, uint32_t sub[3])
{
	uint64_t h = fnv1a64(netbios_name ? netbios_name : "", toupper);
	uint64_t h2 = (h ^ 0x5bd1e995u) * 0x100000001b3ULL;

	/* Windows domain sub-authorities are non-zero; keep them so. */
	sub[0] = (uint32_t)(h >> 32) | 1;
	sub[1] = (uint32_t)h | 1;
	sub[2] = (uint32_t)(h2 >> 32) | 1;
}

uint32_t kc_sid_user_rid(const char *name)
{
	uint64_t h = fnv1a64(name ? name : "", tolower);

	return 1000 + (uint32_t)((h ^ (h >> 32)) % (0x7fffffffu - 1000));
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

size_t kc_sid_encode_domain(const uint32_t sub[3], uint32_t rid, uint8_t *out)
{
	static const uint8_t hdr[8] = { 1, 5, 0, 0, 0, 0, 0, 5 };
	int i;

	for (i = 0; i < 8; i++)
		out[i] = hdr[i];
	put_le32(out + 8, 21);
	for (i = 0; i < 3; i++)
		put_le32(out + 12 + 4 * i, sub[i]);
	put_le32(out + 24, rid);
	return 28;
}

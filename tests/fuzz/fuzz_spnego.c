// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the pre-authentication parsers of SESSION_SETUP (SPNEGO
 * DER and NTLMSSP), as mountd runs them on a client's security blobs. The
 * input is split at "FUZZ" markers into successive legs of one exchange, so
 * the CHALLENGE/AUTHENTICATE states are reached too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every user exists with the NT hash of "Password" (MS-NLMP 4.2.2.1.2). */
static int lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	static const uint8_t hash[16] = {
		0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
		0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52,
	};

	(void)arg;
	(void)user;
	(void)domain;
	memcpy(nt_hash, hash, sizeof(hash));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ntlmssp_server_cfg cfg = {
		.nb_computer = "FUZZ", .nb_domain = "FUZZ",
		.dns_computer = "fuzz", .dns_domain = "fuzz",
		.lookup = lookup,
		.map_to_guest = NTLMSSP_GUEST_BAD_USER,
		.allow_anonymous = true,
	};
	struct spnego_server *s = spnego_server_new(&cfg);
	const uint8_t *p = data, *end = data + size;

	if (!s)
		abort();
	while (p <= end) {
		const uint8_t *mark = memmem(p, end - p, "FUZZ", 4);
		const uint8_t *stop = mark ? mark : end;
		size_t len = stop - p, outlen = 0;
		uint8_t *copy = malloc(len ? len : 1), *out = NULL;
		enum ntlmssp_status st;

		if (!copy)
			break;
		memcpy(copy, p, len);
		st = spnego_server_step(s, copy, len, &out, &outlen);
		free(copy);
		free(out);
		if (st != NTLMSSP_NEED_MORE || !mark)
			break;
		p = mark + 4;
	}
	spnego_server_free(s);
	return 0;
}

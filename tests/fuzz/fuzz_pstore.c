// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: libpstore's decoders. A record that decodes must encode, and what it
 * encodes to must decode and encode again to the same bytes (the encoding is canonical);
 * anything else must be refused without a crash. Each input is tried as it is and with its
 * trailing checksum made right (so mutations reach the field parser), as a record and as a
 * snapshot stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pstore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const uint8_t *data, size_t size)
{
	struct pstore_rec *rec = NULL, *again = NULL;
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	uint64_t gen, count;
	char *key = NULL;
	int dbid;

	if (pstore_rec_decode(data, size, &rec, NULL) == 0) {
		/* A decoded record may lack its key fields (empty names), so no key is fine. */
		pstore_rec_key(rec, &key, NULL);
		if (pstore_rec_encode(rec, &a, &alen, NULL) != 0)
			abort();
		if (pstore_rec_decode(a, alen, &again, NULL) != 0)
			abort();
		if (pstore_rec_encode(again, &b, &blen, NULL) != 0)
			abort();
		if (alen != blen || memcmp(a, b, alen))
			abort();
		free(key);
		pstore_buf_free(a, alen);
		pstore_buf_free(b, blen);
		pstore_rec_free(rec);
		pstore_rec_free(again);
	}
	pstore_snapshot_verify(data, size, &dbid, &gen, &count, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	uint32_t crc;

	one(data, size);
	if (size < 4)
		return 0;
	copy = malloc(size);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	crc = pstore_crc32c(0, copy, size - 4);
	for (int i = 0; i < 4; i++)
		copy[size - 4 + i] = (uint8_t)(crc >> (8 * i));
	one(copy, size);
	free(copy);
	return 0;
}

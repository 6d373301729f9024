// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: one PDU into the engine's request entry point, as the
 * receive loop hands it over after framing. Responses go to memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include "smb.h"
#include "../lib/mem_transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ksmbd_conn *conn;
	static struct mem_transport *mt;
	u8 *copy;

	if (!conn) {
		conn = mem_conn_new(&mt);
		if (!conn)
			abort();
	}
	/* An exact-size heap copy, so reads past the end are caught. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	mt->len = 0;
	ksmbd_smb_process(conn, copy, size);
	if (mt->len && mt->len < 4)
		abort();	/* a response is always a whole frame */
	free(copy);
	return 0;
}

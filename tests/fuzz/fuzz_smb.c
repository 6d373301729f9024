// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: PDUs into the engine's request entry point, as the receive
 * loop hands them over after framing. Each input is one connection: the input
 * is split at "FUZZ" markers into successive PDUs (so NEGOTIATE can be followed
 * by more), and responses go to memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include "server.h"
#include "smb.h"
#include "../lib/mem_transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_init(void)
{
	static const struct ksmbd_server_config cfg = {
		.min_dialect = 0x0202,
		.max_dialect = 0x0311,
		.spnego_token = { 0x60, 0x02, 0x05, 0x00 },
		.spnego_len = 4,
	};

	if (ksmbd_conn_init() || ksmbd_server_start(&cfg))
		abort();
}

/* Run one PDU from an exact-size heap copy, so reads past its end are caught. */
static int fuzz_pdu(struct ksmbd_conn *conn, struct mem_transport *mt, const u8 *p, size_t n)
{
	u8 *copy = malloc(n ? n : 1);
	int ret;

	if (!copy)
		return -1;
	memcpy(copy, p, n);
	mt->len = 0;
	ret = ksmbd_smb_process(conn, copy, n);
	if (mt->len && mt->len < 4)
		abort();	/* a response is always a whole frame */
	free(copy);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct mem_transport *mt;
	struct ksmbd_conn *conn;
	const u8 *p = data, *end = data + size;

	if (!ready) {
		fuzz_init();
		ready = true;
	}
	conn = mem_conn_new(&mt);
	if (!conn)
		abort();
	while (p <= end) {
		const u8 *mark = memmem(p, end - p, "FUZZ", 4);
		const u8 *stop = mark ? mark : end;

		/* A dropped connection takes no more requests. */
		if (fuzz_pdu(conn, mt, p, stop - p) < 0 || !mark)
			break;
		p = mark + 4;
	}
	ksmbd_conn_free(conn);
	return 0;
}

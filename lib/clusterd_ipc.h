/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libqb IPC protocol between ksmbd-clusterd and its clients (the ksmbd-cluster CLI).
 *
 * Every request is a struct qb_ipc_request_header (id, size) followed by its payload; every
 * response a struct qb_ipc_response_header (id = request id, size, error = 0 or -errno)
 * followed by its payload. All integers are little endian. The first request on a connection
 * must be KC_CIPC_HELLO; the daemon refuses everything else before it, and both sides refuse a
 * peer of another protocol version (-EPROTO).
 *
 * Mutations are opaque bytes of the state machine's mutation format (statemachine.h): the
 * daemon orders them through the cluster and answers once its own node has applied them.
 * With the persistent state machine (pstore_sm.c) keys are libpstore record keys
 * ("share:data") and values encoded libpstore records: the registry verbs of the CLI are
 * KC_CIPC_MUTATE, GET and LIST of those.
 */
#ifndef KC_CLUSTERD_IPC_H
#define KC_CLUSTERD_IPC_H

#include <stdint.h>

#define KC_CIPC_NAME "ksmbd-clusterd"	/* libqb IPC service name (per network namespace) */
#define KC_CIPC_VERSION 1
#define KC_CIPC_MAX_MSG (512 * 1024)	/* request and response buffers */

enum kc_cipc_id {
	/* u32 version -> u32 version, u32 local node id */
	KC_CIPC_HELLO = 1,
	/* -> status (below) */
	KC_CIPC_STATUS = 2,
	/* mutation bytes -> nothing; error -EAGAIN while the node has no quorum or is not in
	 * sync, or the state machine's error (-ENOENT, -EEXIST, ...) */
	KC_CIPC_MUTATE = 3,
	/* key -> value; -ENOENT */
	KC_CIPC_GET = 4,
	/* prefix (may be empty) -> u32 count { u32 klen, key, u32 vlen, value } * count, in key
	 * order; -E2BIG when it does not fit one response */
	KC_CIPC_LIST = 5,
	/* nothing -> nothing; from then on the daemon pushes KC_CIPC_EVENT_CHANGED on this
	 * connection's event channel (qb_ipcc_event_recv) whenever its state may have changed:
	 * a mutation applied, a snapshot restored, a sync round completed. An event may stand
	 * for several changes (a full event queue drops the newest), so a subscriber drains
	 * the queued events and then re-reads what it needs. */
	KC_CIPC_SUBSCRIBE = 6,
};

/* Server-pushed events: a struct qb_ipc_response_header (id below, error 0), then
 * u64 mutations applied, u8 in sync (reads are served). */
enum kc_cipc_event {
	KC_CIPC_EVENT_CHANGED = 100,
};

/*
 * KC_CIPC_STATUS response:
 *   u32 local node id, u8 quorate, u8 synced, u8 connected (to corosync),
 *   u8 reserved, u64 applied mutations, u64 records, u8 hash[32],
 *   u32 member count { u32 node id, u32 pid, u8 state (enum kc_cipc_member_state),
 *   u8 reserved[3] } * count
 *   u32 configured node count { u32 node id, u16 name length, name, u16 address length,
 *   address } * count
 *   u32 public IP count { u16 length, "ADDR/PREFIX", u32 owner node id as computed here
 *   (0: none), u8 held by this node } * count
 */
enum kc_cipc_member_state {
	KC_MEMBER_JOINING = 0,	/* in the group, waiting for its snapshot */
	KC_MEMBER_SYNCED = 1,	/* applies the replicated stream */
};

#endif /* KC_CLUSTERD_IPC_H */

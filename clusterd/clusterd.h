/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-clusterd internals: the corosync side (repl.c: CPG membership, quorum, the replicated
 * state machine and its join-time sync) and the CLI's IPC endpoint (ipc.c), on one libqb loop.
 * Everything runs on the loop's thread: no locks.
 */
#ifndef KC_CLUSTERD_H
#define KC_CLUSTERD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <corosync/cpg.h>
#include <corosync/quorum.h>
#include <qb/qbipcs.h>
#include <qb/qbloop.h>

#include "statemachine.h"

#define CD_MAX_MEMBERS 64
#define CD_MAX_NODES 64

struct cd_node {		/* one entry of "cluster nodes" */
	uint32_t nodeid;	/* position in the list, from 1 */
	char *name, *addr;
};

struct cd_member {
	uint32_t nodeid, pid;
	bool synced;		/* applies the stream (state KC_MEMBER_SYNCED) */
	bool hello;		/* its HELLO of the current round arrived */
	bool hello_synced, hello_quorate;
	uint64_t hello_applied;
	uint8_t hello_hash[KC_SM_HASH_LEN];
};

/* A message waiting for cpg_mcast_joined (CS_ERR_TRY_AGAIN is retried from the loop). */
struct cd_out {
	struct cd_out *next;
	size_t len;
	uint8_t data[];
};

/* A mutation delivered while this node waits for its snapshot. */
struct cd_deferred {
	struct cd_deferred *next;
	uint32_t nodeid, pid;
	uint64_t reqid;
	size_t len;
	uint8_t data[];
};

/* A local client waiting for its mutation to come back in order. */
struct cd_pending {
	struct cd_pending *next;
	uint64_t reqid;
	qb_ipcs_connection_t *conn;	/* holds a reference; NULL: nobody to answer */
	int32_t msg_id;
	bool local;		/* submitted by the daemon itself (cd_repl_submit_local) */
};

enum cd_sync_phase {
	CD_SYNC_IDLE,		/* nothing to do */
	CD_SYNC_HELLO,		/* collecting every member's HELLO */
	CD_SYNC_RECEIVING,	/* this node restores the donor's snapshot */
};

struct clusterd {
	qb_loop_t *loop;
	struct kc_sm sm;
	const char *conf_path;
	struct cd_node nodes[CD_MAX_NODES];
	size_t nnodes;
	gid_t admin_gid;	/* (gid_t)-1: none */

	/* corosync */
	cpg_handle_t cpg;
	quorum_handle_t quorum;
	bool connected, quorum_up;
	int cpg_fd, quorum_fd;
	uint32_t nodeid, pid;
	unsigned int backoff_ms;
	qb_loop_timer_handle reconnect_timer, retry_timer;
	bool reconnect_armed, retry_armed;
	bool quorate;
	cs_error_t send_err;	/* 0, or a failed multicast: reconnect */
	uint64_t try_again;	/* CS_ERR_TRY_AGAIN answers so far (logged once) */

	/* membership and sync */
	struct cd_member members[CD_MAX_MEMBERS];	/* sorted by (nodeid, pid) */
	size_t nmembers;
	uint64_t view;		/* hash of the member list: tags HELLO and snapshot messages */
	bool synced;		/* this node's state is the agreed one */
	enum cd_sync_phase phase;
	uint32_t donor_nodeid, donor_pid;
	uint64_t applied;	/* mutations applied to this state */
	uint64_t snap_applied;	/* the donor's count, from the snapshot header */
	uint8_t start_hash[KC_SM_HASH_LEN];	/* state hash when the round started */
	uint64_t start_applied;
	struct kc_bytes snap_in;
	uint64_t snap_total;
	struct cd_deferred *deferred, **deferred_tail;

	struct cd_out *out, **out_tail;
	struct cd_pending *pending;
	uint64_t next_reqid;
	unsigned int local_pending;	/* pending mutations of the daemon's own */

	qb_ipcs_service_t *ipcs;
	const char *state_dir;	/* "state directory": the persistent state machine's home */
	bool memory_state;	/* --memory-state: the in-memory state machine instead */
	bool failed;		/* the state machine failed locally: exit 1 */
};

/*
 * Whether reads may be served: the state is the agreed one and no sync round is open (a node
 * that merges into a cluster may be about to replace its state). Mutations are accepted during
 * a HELLO round too: ordered after it, they are applied on top of whatever state wins.
 */
static inline bool cd_in_sync(const struct clusterd *cd)
{
	return cd->synced && cd->phase == CD_SYNC_IDLE;
}

/* repl.c */
void cd_repl_start(struct clusterd *cd);	/* connect now, or keep retrying */
void cd_repl_stop(struct clusterd *cd);
/* Order a mutation; the reply goes to @conn/@msg_id once applied here. Returns 0 (reply later)
 * or -errno to answer at once (-EAGAIN without quorum or sync, -ENOTCONN, -ENOMEM). */
int cd_repl_submit(struct clusterd *cd, const void *mut, size_t len, qb_ipcs_connection_t *conn,
		   int32_t msg_id);
/* Order a mutation of the daemon's own (no client to answer; cd->local_pending counts them
 * until applied here). Safe inside corosync callbacks. Returns 0 or -errno as above. */
int cd_repl_submit_local(struct clusterd *cd, const void *mut, size_t len);
/* CPG message types of the public-IP ownership protocol (ipfo.c), delivered in agreed order
 * in any view to cd_ipfo_deliver(). */
enum {
	CD_MSG_IP_STATE = 5,	/* the addresses the sender holds: NUL-terminated "ADDR/PREFIX"s */
	CD_MSG_IP_CLAIM = 6,	/* u8 force, "ADDR/PREFIX" NUL: the sender wants to take it */
};
/* Multicast a public-IP ownership message (queued; safe inside corosync callbacks). */
int cd_repl_send_ip(struct clusterd *cd, int type, const void *p, size_t len);
/* Forget the pending requests of a closing connection. */
void cd_repl_conn_gone(struct clusterd *cd, qb_ipcs_connection_t *conn);

/* ipc.c */
int cd_ipc_start(struct clusterd *cd);
void cd_ipc_stop(struct clusterd *cd);
void cd_ipc_reply(qb_ipcs_connection_t *conn, int32_t id, int32_t error, const void *data,
		  size_t len);
/* Tell the subscribers (KC_CIPC_SUBSCRIBE) that the state may have changed. */
void cd_ipc_notify(struct clusterd *cd);

/* ipfo.c: public-IP failover */
void cd_ipfo_kick(struct clusterd *cd);	/* an input of the assignment may have changed */
void cd_ipfo_confchg(struct clusterd *cd);	/* the CPG membership changed (cd->members) */
void cd_ipfo_reset(struct clusterd *cd);	/* corosync lost: forget who holds what */
void cd_ipfo_deliver(struct clusterd *cd, int type, uint32_t nodeid, uint32_t pid,
		     const void *p, size_t len);
void cd_ipfo_stop(struct clusterd *cd);	/* release this node's addresses */
int cd_ipfo_status(struct kc_bytes *b);	/* the assignment, for KC_CIPC_STATUS */

/* ipconn.c: the replicated list of client connections to public IPs, for tickle ACKs */
struct kc_ipaddr;
struct cd_held_ip {
	const struct kc_ipaddr *ip;
	bool settled;		/* taken and announced: records of others on it may go */
};
/* Record this node's established connections on the addresses it holds, drop the records
 * that are gone (see ipconn.c). */
void cd_ipconn_scan(struct clusterd *cd, const struct cd_held_ip *held, size_t n);
/* Tickle ACKs to every client recorded on ip (just taken here); returns how many. */
size_t cd_ipconn_tickle(struct clusterd *cd, const struct kc_ipaddr *ip, const char *text);

#endif /* KC_CLUSTERD_H */

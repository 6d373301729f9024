/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oplocks (MS-SMB2 3.3.1.10 Open.OplockLevel and Open.OplockState, 3.3.4.6,
 * 3.3.5.9 step "oplock", 3.3.5.22.1), with the object-store side (MS-FSA
 * 2.1.5.17) reduced to what SMB2 shows of it, and leases (MS-SMB2 3.3.1.4
 * Lease, 3.3.4.7, 3.3.5.9.8/11, 3.3.5.22.2) on the same holder lists.
 *
 * THE STATE MACHINE of one open's oplock, struct ksmbd_oplock. The pure
 * transition functions below implement every row; oplock.c only adds the
 * per-file holder list, the notifications and the waiting.
 *
 *  state     level      event                              next state, level  effect
 *  --------  ---------  ---------------------------------  -----------------  ----------------
 *  NONE      NONE       CREATE asks L, grant G = grant(L)  HELD, G (G != 0)   returned in CREATE
 *  HELD      II         write, truncate, overwriting       NONE, NONE         notify NONE,
 *                       CREATE (break to NONE)                                no ack (2.2.24.1)
 *  HELD      II         break to II                        HELD, II           nothing
 *  HELD      EXCL/BATCH conflicting CREATE: break to T     BREAKING(T), kept  notify T, the
 *                       (T = II, or NONE for overwrite)                       CREATE waits
 *  BREAKING  EXCL/BATCH ack A in {NONE, II}, A <= T        HELD, A / NONE     answered A
 *  BREAKING  EXCL/BATCH ack A = II while T = NONE          NONE, NONE         answered NONE
 *  BREAKING  EXCL/BATCH ack A = LEASE                      NONE, NONE         INVALID_PARAMETER
 *  BREAKING  EXCL/BATCH ack A = EXCL/BATCH                 NONE, NONE         INVALID_OPLOCK_PROT.
 *  BREAKING  EXCL/BATCH no ack within the break timeout    NONE, NONE         waiters go on
 *  HELD      any        ack                                unchanged          INVALID_DEVICE_STATE
 *  NONE      NONE       ack (e.g. of a level II break)     unchanged          INVALID_OPLOCK_PROT.
 *  any       any        CLOSE (or the open goes away)      removed            waiters go on
 *
 * ("HELD, A / NONE": HELD with level II, or NONE when A is NONE;
 * INVALID_OPLOCK_PROT.: STATUS_INVALID_OPLOCK_PROTOCOL.)
 *
 * Granting (3.3.5.9, MS-FSA 2.1.5.17.2 simplified): directories and
 * LEASE requests get NONE; EXCLUSIVE and BATCH only when the stream has no
 * other open; LEVEL_II (also as the downgrade of EXCLUSIVE/BATCH) when every
 * other holder of the stream holds LEVEL_II or nothing; otherwise NONE.
 *
 * Streams (MS-FSA 2.1.1.5 Stream.Oplock): oplocks and leases are per
 * stream. The holders of the file's default stream ("file" or
 * "file::$DATA") are on the file's holder list (inode.h), those of a named
 * stream on that stream's own list (stream.h), and every grant, break and
 * count here considers only the list and the opens of the stream the open is
 * on: opening, writing or locking a named stream breaks nothing of the
 * file's default stream or of its other streams, and the other way round.
 * "Other opens" of the default stream are the file's opens that are on no
 * named stream.
 *
 * Who breaks what: a CREATE that is not a "stat open" (it asks for more than
 * attributes and synchronisation, or overwrites; for leases READ_CONTROL is
 * a stat open's right too) breaks
 * EXCLUSIVE/BATCH holders to II, or to NONE when it overwrites or supersedes,
 * and waits for their acks; an overwrite also breaks LEVEL_II holders to
 * NONE. WRITE, LOCK and SET_INFO end-of-file/allocation break every
 * LEVEL_II of the stream to NONE, the writer's own included (as Windows does).
 *
 * LEASES. An open created with OplockLevel LEASE and an RqLs context (v1 on
 * 2.1+, v2 with ParentLeaseKey and Epoch on 3.x) holds level LEASE and
 * points at a struct ksmbd_lease, found by (ClientGuid, LeaseKey): every
 * open of the same file with the same key shares it (a key used for another
 * file is STATUS_INVALID_PARAMETER). Directories get a lease only from a v2
 * request (3.x, SMB2_GLOBAL_CAP_DIRECTORY_LEASING), and never W: R or RH.
 * The lease's own machine (R=1, H=2, W=4):
 *
 *  state         event                                 next                  effect
 *  ------------  ------------------------------------  --------------------  --------------
 *  (new)         CREATE asks S: grant(S)               S' = grant(S)         RqLs response
 *  S, idle       CREATE, same key, S2 > S (strictly),  S2, epoch+1           upgrade
 *                grant(S2) = S2
 *  S, idle       CREATE, same key, otherwise           unchanged             S answered
 *  S, idle       break to T, S & T == S                unchanged             nothing
 *  S has W or H  break to T                            BREAKING(S & T)       notify, ACK_REQUIRED,
 *                                                                            epoch+1, CREATE waits
 *  S = R         break to NONE                         NONE                  notify, no ack
 *  BREAKING(N,B) another break to T                    BREAKING(N, B & T)    waits on
 *  BREAKING(N,B) ack A, A subset of N, A subset of B   A, idle               answered A
 *  BREAKING(N,B) ack A subset of N, not of B           BREAKING(A & B)       answered A, and
 *                                                                            notify A -> A & B
 *  BREAKING(N,B) ack A not a subset of N               unchanged             REQUEST_NOT_ACCEPTED
 *  idle          ack                                   unchanged             UNSUCCESSFUL
 *  BREAKING      no ack within the break timeout       NONE, idle            waiters go on
 *  any           last open of the lease closes         freed                 waiters go on
 *
 * grant(S): nothing without R (H, W, HW ask for nothing); W only when no
 * open of another key exists; H not while an open holds a level II oplock.
 * Breaks: a CREATE with another key (or none) breaks W (to S & ~W), or
 * everything when it overwrites; a sharing violation breaks H first (like a
 * batch oplock); WRITE and size changes break the R of other keys to none.
 * An oplock asked for while another key holds H is not granted. An open with
 * FILE_DELETE_ON_CLOSE breaks W and H in one notification (RWH -> R) and waits
 * for it; a SET_INFO disposition breaks H like a rename (smb2.lease.unlink).
 * A named stream's lease, like its oplock, is among the stream's own holders
 * (stream.h), so the leases of a file and of its streams never break each
 * other (one key is on one file or one stream only).
 *
 * Directory leases break to NONE (with ACK_REQUIRED when H was held; the
 * change does not wait for the ack) when a child of the directory is created,
 * overwritten, deleted or renamed, or closed after a write, through an open
 * that did not name that lease's key as its ParentLeaseKey
 * (ksmbd_lease_break_parent()). Lease break notifications go to the oldest
 * connection of the lease's client (3.3.4.7), or to the holder's own
 * connection when its session encrypts.
 *
 * Locking: every ksmbd_oplock and every file's and stream's holder list
 * is under one global mutex in oplock.c, taken before inode.c's and
 * stream.c's (which never call back here); notifications are sent after it
 * is dropped.
 */
#ifndef KSMBD_OPLOCK_H
#define KSMBD_OPLOCK_H

#include <linux/list.h>
#include <linux/types.h>

#define SMB2_OPLOCK_LEVEL_NONE		0x00
#define SMB2_OPLOCK_LEVEL_II		0x01
#define SMB2_OPLOCK_LEVEL_EXCLUSIVE	0x08
#define SMB2_OPLOCK_LEVEL_BATCH		0x09
#define SMB2_OPLOCK_LEVEL_LEASE		0xff

enum ksmbd_oplock_state {
	KSMBD_OPLOCK_NONE,	/* Open.OplockState None: no oplock */
	KSMBD_OPLOCK_HELD,	/* Held */
	KSMBD_OPLOCK_BREAKING,	/* Breaking: a notification waits for its ack */
};

struct ksmbd_conn;
struct ksmbd_file;
struct ksmbd_work;

#define SMB2_LEASE_NONE_STATE	0x00
#define SMB2_LEASE_READ		0x01
#define SMB2_LEASE_HANDLE	0x02
#define SMB2_LEASE_WRITE	0x04
#define SMB2_LEASE_FLAG_BREAK_IN_PROGRESS	0x02
#define SMB2_LEASE_FLAG_PARENT_LEASE_KEY_SET	0x04
#define SMB2_NOTIFY_BREAK_LEASE_FLAG_ACK_REQUIRED 0x01

/* A lease (MS-SMB2 3.3.1.4), shared by the opens of one key on one file or stream. */
struct ksmbd_lease {
	struct list_head node;	/* the lease table, under oplock.c's lock */
	u8 client_guid[16], key[16], parent_key[16];
	bool has_parent;
	u8 version;		/* 1 or 2 */
	const void *file;	/* while opens > 0: the file's ksmbd_inode, or a named
				 * stream's state (stream.h) for a stream's lease */
	u32 state;		/* SMB2_LEASE_* */
	u32 notified;		/* breaking: the state notified */
	u32 break_to;		/* breaking: where it goes (narrowed by later breaks) */
	bool breaking;
	bool from_write;	/* breaking: the break began by giving up W */
	unsigned long deadline;	/* breaking: jiffies when it times out */
	u16 epoch;
	unsigned int opens;
	unsigned int mark;	/* a break pass already saw it */
	bool is_dir;		/* a directory lease (RH at most) */
	u64 dev, ino;		/* the leased file's identity */
};

/* A parsed RqLs request context. */
struct ksmbd_lease_req {
	u8 key[16], parent_key[16];
	u32 state;
	bool has_parent;
	u8 version;
	u16 epoch;
};

/* One open's oplock; embedded in struct ksmbd_file. */
struct ksmbd_oplock {
	enum ksmbd_oplock_state state;
	u8 level;		/* SMB2_OPLOCK_LEVEL_*; BREAKING: the level still held */
	u8 break_to;		/* BREAKING: the level notified */
	unsigned long deadline;	/* BREAKING: jiffies when the break times out */
	struct list_head node;	/* its stream's holders (the file's for the default
				 * stream, stream.h's for a named one) while != NONE */
	bool gone;		/* the open released its file (ksmbd_oplock_release) */
	struct ksmbd_lease *lease;	/* level LEASE: the open's lease */
	bool stat_open;		/* counted in its stream's stat opens (inode.h, stream.h) */
	/*
	 * Directory leases: who the open is (the client, the ParentLeaseKey
	 * of its v2 lease request), set by CREATE before the open is
	 * visible; and whether it wrote or set the size (WRITE, SET_INFO end of
	 * file or allocation): its close then breaks the parent's leases.
	 */
	u8 client_guid[16], parent_key[16];
	bool has_parent;
	bool written;
	/* CREATE: a lease stat open that still breaks oplocks (READ_CONTROL) */
	bool breaks_oplocks;
};

/* --- pure transitions (no locks, no I/O) --------------------------------------------------- */

/*
 * The level to grant for @requested to an open of a directory (@is_dir) or
 * file that has @other_opens opens besides it, of which @strong hold
 * EXCLUSIVE or BATCH (or are breaking from it).
 */
u8 ksmbd_oplock_grant_level(u8 requested, bool is_dir, unsigned int other_opens,
			    unsigned int strong);
/*
 * Break @op to @to (NONE or II). Returns true when the holder must be sent
 * a notification of *@notify; *@wait says whether an ack is awaited (the op
 * is then BREAKING with @deadline).
 */
bool ksmbd_oplock_break(struct ksmbd_oplock *op, u8 to, unsigned long deadline,
			u8 *notify, bool *wait);
/* An ack of level @ack: the status to answer and, in *@granted, the new level. */
__le32 ksmbd_oplock_ack(struct ksmbd_oplock *op, u8 ack, u8 *granted);
/* The break timed out without an ack at @now; true when it did (op is NONE then). */
bool ksmbd_oplock_timeout(struct ksmbd_oplock *op, unsigned long now);

/*
 * "Stat opens" (MS-FSA 2.1.5.1.2.1 as Windows applies it), by @access
 * (generic rights mapped): one asking for nothing beyond FILE_READ_ATTRIBUTES,
 * FILE_WRITE_ATTRIBUTES and SYNCHRONIZE breaks no oplock (smb2.oplock.statopen1);
 * for leases READ_CONTROL may come too (smb2.lease.statopen4).
 */
bool ksmbd_oplock_stat_access(u32 access);
bool ksmbd_lease_stat_access(u32 access);
/* The lease state a request @requested may get on a directory (@is_dir: RH at most). */
u32 ksmbd_lease_asked(u32 requested, bool is_dir);
/*
 * Whether a change made through the open @op leaves the directory lease @l
 * alone: @l's key is @op's ParentLeaseKey, from the same client.
 */
bool ksmbd_lease_parent_exempt(const struct ksmbd_oplock *op, const struct ksmbd_lease *l);

/* Lease transitions (the table above). */
u32 ksmbd_lease_grant_state(u32 requested, bool other_keys, bool level2);
/*
 * A CREATE with the same key asking @requested, of which @grant can be
 * granted: upgrade to it when it is all of @requested and a strict superset.
 */
void ksmbd_lease_upgrade(struct ksmbd_lease *l, u32 requested, u32 grant);
/*
 * Break @l to @to; true when a notification from *@from to *@new goes out,
 * *@ack whether it needs an ack (then @l is breaking until @deadline).
 */
bool ksmbd_lease_break(struct ksmbd_lease *l, u32 to, unsigned long deadline,
		       u32 *from, u32 *new, bool *ack);
/*
 * An ack of state @ack. On success, when later breaks narrowed the target,
 * a new break starts at once: true in *@again with *@from, *@new, *@ackreq.
 */
__le32 ksmbd_lease_ack(struct ksmbd_lease *l, u32 ack, unsigned long deadline, bool *again,
		       u32 *from, u32 *new, bool *ackreq);
bool ksmbd_lease_timeout(struct ksmbd_lease *l, unsigned long now);

/* --- the engine's oplocks ------------------------------------------------------------------ */

/* Milliseconds a break waits for its ack (MS-SMB2 3.3.2.1: 35 s); tests lower it. */
extern unsigned int ksmbd_oplock_break_timeout_ms;

/*
 * CREATE: break what the new open @fp (not yet visible to others, holding
 * its open of fp->ni) conflicts with, waiting (async, see smb.h) for acks,
 * then grant it a level for @requested and record it as a holder. @overwrite:
 * the create disposition replaces the data; @stat_open: see above. Returns
 * STATUS_SUCCESS with *@granted, or STATUS_CANCELLED (cancelled or the
 * connection is going away: @fp holds no oplock then).
 */
__le32 ksmbd_oplock_create(struct ksmbd_work *w, struct ksmbd_file *fp, u8 requested,
			   bool overwrite, bool stat_open, u8 *granted);
/*
 * The RqLs context of a CREATE asking for OplockLevel LEASE: 1 when @lr is
 * filled, 0 when there is none (or the dialect takes none), or an error status
 * through *@status (a key already used for another file, bad contexts).
 */
int ksmbd_lease_parse(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len,
		      struct ksmbd_lease_req *lr, __le32 *status);
/* Like ksmbd_oplock_create() for a lease request @lr. */
__le32 ksmbd_lease_create(struct ksmbd_work *w, struct ksmbd_file *fp,
			  const struct ksmbd_lease_req *lr, bool overwrite, bool stat_open,
			  u8 *granted);
/* Append the RqLs response context of @fp's lease to the CREATE response. */
__le32 ksmbd_lease_rsp_context(struct ksmbd_work *w, struct ksmbd_file *fp);
/*
 * A CREATE whose share modes conflict (share.h): whether a holder of fp->ni
 * has a BATCH oplock, and breaking those to II, waiting like
 * ksmbd_oplock_create() (MS-FSA 2.1.5.1.2: a batch holder may close and free
 * the file); @fp gets no oplock. STATUS_SUCCESS or STATUS_CANCELLED.
 */
bool ksmbd_oplock_has_batch(struct ksmbd_file *fp);
__le32 ksmbd_oplock_break_batch(struct ksmbd_work *w, struct ksmbd_file *fp);
/*
 * A rename through @fp (MS-FSA 2.1.5.14.11): the H of other keys' leases of
 * the file is broken first, waiting like ksmbd_oplock_create().
 */
__le32 ksmbd_lease_break_handle(struct ksmbd_work *w, struct ksmbd_file *fp);
/*
 * Directory leases (MS-SMB2 3.3.5.9.11, 3.3.4.7): the contents of the
 * directory that holds @fp's name (fp->path) changed through @fp (a child
 * created, overwritten, deleted, renamed in or out, or closed after it was
 * written): break every lease on that directory to NONE, except the one
 * whose key is @fp's ParentLeaseKey (same client). The caller does not wait
 * for the acks. Nothing to do (and no lookup) while no directory is leased.
 */
void ksmbd_lease_break_parent(struct ksmbd_file *fp);
/* Like it for the directory of @path instead of fp->path (a rename's old name). */
void ksmbd_lease_break_parent_path(struct ksmbd_file *fp, const char *path);
/* A write, lock or size change through @fp: its stream's LEVEL_II oplocks go to NONE. */
void ksmbd_oplock_break_level2(struct ksmbd_file *fp);
/*
 * The open goes away: drop its oplock and its open of the file (see
 * ksmbd_inode_close(), whose result it returns), let waiting CREATEs go on.
 */
bool ksmbd_oplock_release(struct ksmbd_file *fp, bool delete_on_close);
/*
 * A named stream's open gives up its oplock and lease before the stream's
 * state goes (stream.h holds its holder list); ksmbd_oplock_release() then
 * only closes the file.
 */
void ksmbd_oplock_detach(struct ksmbd_file *fp);
/*
 * Multichannel: the channel @from of the open's session goes away, so its
 * oplock breaks go to @to, another channel of the session (MS-SMB2 3.3.4.6).
 */
void ksmbd_oplock_move_conn(struct ksmbd_file *fp, struct ksmbd_conn *from,
			    struct ksmbd_conn *to);
/*
 * Durable handles (durable.h): what @fp caches now: its oplock level and,
 * for a lease, its key, state, version and epoch (zero without one).
 */
void ksmbd_oplock_caching(struct ksmbd_file *fp, u8 *level, u8 key[16], u32 *lease_state,
			  u8 *lease_version, u16 *lease_epoch);
/* Whether @fp's oplock or lease waits for a break acknowledgment (durable.h). */
bool ksmbd_oplock_breaking(struct ksmbd_file *fp);
/* SMB2 OPLOCK_BREAK acknowledgment (3.3.5.22.1). */
__le32 ksmbd_smb2_oplock_break(struct ksmbd_work *w);

#endif

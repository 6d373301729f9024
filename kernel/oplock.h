/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Oplocks (MS-SMB2 3.3.1.10 Open.OplockLevel and Open.OplockState, 3.3.4.6,
 * 3.3.5.9 step "oplock", 3.3.5.22.1), with the object-store side (MS-FSA
 * 2.1.5.17) reduced to what SMB2 shows of it. Leases are not granted.
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
 * LEASE requests get NONE; EXCLUSIVE and BATCH only when the file has no
 * other open; LEVEL_II (also as the downgrade of EXCLUSIVE/BATCH) when every
 * other holder of the file holds LEVEL_II or nothing; otherwise NONE.
 *
 * Who breaks what: a CREATE that is not a "stat open" (it asks for more than
 * attributes and synchronisation, or overwrites) breaks
 * EXCLUSIVE/BATCH holders to II, or to NONE when it overwrites or supersedes,
 * and waits for their acks; an overwrite also breaks LEVEL_II holders to
 * NONE. WRITE and SET_INFO end-of-file/allocation break every LEVEL_II of
 * the file to NONE, the writer's own included (as Windows does).
 *
 * Locking: every ksmbd_oplock and every file's holder list is under one
 * global mutex in oplock.c; notifications are sent after it is dropped.
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

/* One open's oplock; embedded in struct ksmbd_file. */
struct ksmbd_oplock {
	enum ksmbd_oplock_state state;
	u8 level;		/* SMB2_OPLOCK_LEVEL_*; BREAKING: the level still held */
	u8 break_to;		/* BREAKING: the level notified */
	unsigned long deadline;	/* BREAKING: jiffies when the break times out */
	struct list_head node;	/* the file's holders while state != NONE */
	bool gone;		/* the open released its file (ksmbd_oplock_release) */
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
 * A CREATE whose share modes conflict (share.h): whether a holder of fp->ni
 * has a BATCH oplock, and breaking those to II, waiting like
 * ksmbd_oplock_create() (MS-FSA 2.1.5.1.2: a batch holder may close and free
 * the file); @fp gets no oplock. STATUS_SUCCESS or STATUS_CANCELLED.
 */
bool ksmbd_oplock_has_batch(struct ksmbd_file *fp);
__le32 ksmbd_oplock_break_batch(struct ksmbd_work *w, struct ksmbd_file *fp);
/* A write or size change through @fp: the file's LEVEL_II oplocks go to NONE. */
void ksmbd_oplock_break_level2(struct ksmbd_file *fp);
/*
 * The open goes away: drop its oplock and its open of the file (see
 * ksmbd_inode_close(), whose result it returns), let waiting CREATEs go on.
 */
bool ksmbd_oplock_release(struct ksmbd_file *fp, bool delete_on_close);
/*
 * Multichannel: the channel @from of the open's session goes away, so its
 * oplock breaks go to @to, another channel of the session (MS-SMB2 3.3.4.6).
 */
void ksmbd_oplock_move_conn(struct ksmbd_file *fp, struct ksmbd_conn *from,
			    struct ksmbd_conn *to);
/* SMB2 OPLOCK_BREAK acknowledgment (3.3.5.22.1). */
__le32 ksmbd_smb2_oplock_break(struct ksmbd_work *w);

#endif

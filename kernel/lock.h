/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Byte-range locks (MS-SMB2 3.3.5.14, MS-FSA 2.1.5.7 "Server Requests a
 * Byte-Range Lock", 2.1.5.8 unlock, 2.1.4.10 "Algorithm to Determine if a
 * Range Access Conflicts with Byte-Range Locks").
 *
 * Every file (struct ksmbd_inode) has one list of granted locks, shared by
 * all its opens; a lock belongs to the open that took it (SMB2 locks are per
 * handle, the ProcessId plays no part). The rules, as the pure functions
 * below implement them:
 *
 *  - A range is [Offset, Offset + Length); Length 0 is a zero-length lock.
 *    A range whose last byte lies past 2^64 - 1 is STATUS_INVALID_LOCK_RANGE.
 *  - Two non-empty ranges overlap when they share a byte. A zero-length
 *    range at O overlaps a non-empty range only when O lies strictly inside
 *    it (Start < O < End); two zero-length ranges never overlap.
 *  - An exclusive lock conflicts with every overlapping lock, the same
 *    open's included (exclusive locks do not stack, nor go over a shared
 *    lock). A shared lock conflicts only with an overlapping exclusive lock
 *    of another open (shared locks stack, also over the open's own
 *    exclusive lock).
 *  - A READ conflicts with an overlapping exclusive lock of another open; a
 *    WRITE with an overlapping exclusive lock of another open and with any
 *    overlapping shared lock, its own included. Zero-length I/O never
 *    conflicts. The answer is STATUS_FILE_LOCK_CONFLICT.
 *  - An unlock needs a lock of the same open with exactly the same offset
 *    and length (STATUS_RANGE_NOT_LOCKED otherwise); it removes an
 *    exclusive one before a shared one.
 *
 * SMB2 LOCK (smb2_lock.c): the first element decides whether the request
 * locks or unlocks. A lock request is checked whole first (flags, ranges;
 * several elements must all fail immediately) and is all or nothing: when
 * one element cannot be granted the ones granted before it are released.
 * A failed lock is always STATUS_LOCK_NOT_GRANTED in SMB2 (the SMB1
 * "last failed lock" rule that turns a repeated failure into
 * STATUS_FILE_LOCK_CONFLICT does not apply; smb2.lock.errorcode). A single
 * lock without FAIL_IMMEDIATELY waits, async after an interim response,
 * until it can be granted, a CANCEL ends it (STATUS_CANCELLED; one last
 * try first, so a lock freed by the same TREE_DISCONNECT or LOGOFF that
 * cancels it is granted, as Windows does), or its own open is closed
 * (STATUS_RANGE_NOT_LOCKED). An unlock request is processed element by
 * element and stops at the first failure, keeping the unlocks before it.
 *
 * Locks go away with their open (ksmbd_brl_release(), from
 * ksmbd_file_release(): CLOSE, and the last reference of an open whose tree,
 * session or connection went away). Taking a lock breaks the file's level II
 * oplocks to none (MS-FSA 2.1.5.7 checks for an oplock break; Windows and
 * ksmbd break level II).
 *
 * Lock sequence numbers (MS-SMB2 3.3.5.14): LockSequence holds a 4-bit
 * number (low bits) and a 28-bit index 1..64. For opens that are durable,
 * resilient or persistent, and on connections whose server capabilities
 * include multichannel (3.x with multichannel on), a request whose index
 * names a valid entry with the same number is a replay and succeeds without
 * doing anything; a successful request records its number. The engine has
 * no durable, resilient or persistent opens yet (ksmbd_file.lock_replay is
 * never set), so today that is the multichannel case only.
 *
 * Locking: every lock list and every open's lock state are under one
 * mutex in smb2_lock.c; waiting requests sleep on one wait queue.
 */
#ifndef KSMBD_LOCK_H
#define KSMBD_LOCK_H

#include <linux/list.h>
#include <linux/types.h>

#define STATUS_FILE_LOCK_CONFLICT	cpu_to_le32(0xc0000054)
#define STATUS_LOCK_NOT_GRANTED		cpu_to_le32(0xc0000055)
#define STATUS_RANGE_NOT_LOCKED		cpu_to_le32(0xc000007e)
#define STATUS_INVALID_LOCK_RANGE	cpu_to_le32(0xc00001a1)

/* MS-SMB2 2.2.26.1 SMB2_LOCK_ELEMENT Flags */
#define SMB2_LOCKFLAG_SHARED_LOCK	0x00000001
#define SMB2_LOCKFLAG_EXCLUSIVE_LOCK	0x00000002
#define SMB2_LOCKFLAG_UNLOCK		0x00000004
#define SMB2_LOCKFLAG_FAIL_IMMEDIATELY	0x00000010

/* LockSequenceIndex values 1..64 (MS-SMB2 2.2.26) */
#define KSMBD_LOCK_SEQ_ENTRIES		64
/* An entry of the array: the number, and whether it is valid. */
#define KSMBD_LOCK_SEQ_VALID		0x80

struct ksmbd_file;
struct ksmbd_work;

/* One granted lock, on its file's list (ksmbd_inode_brlocks()). */
struct ksmbd_brl {
	struct list_head node;
	const void *owner;		/* the open that holds it; compared only */
	u64 off, len;
	bool excl;
};

/* --- pure functions (no locks, no I/O) ----------------------------------------------------- */

/* Whether [@off, @off + @len) ends at or before 2^64 (zero length: always). */
bool ksmbd_brl_range_ok(u64 off, u64 len);
/* Whether two valid ranges overlap, by the rules above. */
bool ksmbd_brl_overlap(u64 a_off, u64 a_len, u64 b_off, u64 b_len);
/* Whether @owner may not take a lock (@excl) of [@off, @off + @len) among @locks. */
bool ksmbd_brl_lock_conflicts(const struct list_head *locks, const void *owner,
			      u64 off, u64 len, bool excl);
/* Whether a read (@write false) or write of @len bytes at @off by @owner conflicts. */
bool ksmbd_brl_io_conflicts(const struct list_head *locks, const void *owner,
			    u64 off, u64 len, bool write);
/* The lock an unlock of exactly [@off, @off + @len) by @owner removes, or NULL. */
struct ksmbd_brl *ksmbd_brl_find(const struct list_head *locks, const void *owner,
				 u64 off, u64 len);
/*
 * The flags of a lock element: 0 for a valid lock (*@excl, *@fail_now
 * set), 1 for UNLOCK alone, -EINVAL for any other combination.
 */
int ksmbd_brl_flags(u32 flags, bool *excl, bool *fail_now);
/*
 * Lock sequence replay detection on an open's array @seq (entries 1..64):
 * whether @lock_sequence replays the request recorded at its index (an
 * entry that does not match is invalidated, as the spec says), and
 * recording a successful request.
 */
bool ksmbd_lock_seq_replay(u8 seq[KSMBD_LOCK_SEQ_ENTRIES + 1], u32 lock_sequence);
void ksmbd_lock_seq_record(u8 seq[KSMBD_LOCK_SEQ_ENTRIES + 1], u32 lock_sequence);

/* --- the engine's locks -------------------------------------------------------------------- */

/* SMB2 LOCK (MS-SMB2 3.3.5.14). */
__le32 ksmbd_smb2_lock(struct ksmbd_work *w);
/*
 * READ/WRITE: STATUS_SUCCESS, or STATUS_FILE_LOCK_CONFLICT when @len bytes
 * at @off through @fp conflict with the file's locks.
 */
__le32 ksmbd_brl_check_io(struct ksmbd_file *fp, u64 off, u64 len, bool write);
/*
 * The open goes away: drop its locks, end its waiting lock requests
 * (STATUS_RANGE_NOT_LOCKED), let other waiting requests try again. Before
 * the open gives up its file (ksmbd_file_release()); more calls do nothing.
 */
void ksmbd_brl_release(struct ksmbd_file *fp);

#endif

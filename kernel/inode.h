/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open files by identity (MS-FSA 2.1.1.4 "File"): state that belongs to a
 * file rather than to one open of it. Every disk open of a file holds one
 * "open" on the file's ksmbd_inode, found by (dev, ino) whichever share, tree
 * or session opened it. Besides the oplock holders (oplock.h), that state is the delete disposition
 * (MS-FSA 2.1.5.14.3), and the share modes of its opens (share.h). The disposition is
 * set by SET_INFO FileDispositionInformation or by the
 * close of an open created with FILE_DELETE_ON_CLOSE, it makes new opens fail
 * with STATUS_DELETE_PENDING and the file go away at the last close.
 *
 * Lifetime: ksmbd_inode_open() adds an open (creating the object), and
 * ksmbd_inode_close() takes it away; the last close frees the object. All
 * fields are under one global mutex.
 */
#ifndef KSMBD_INODE_H
#define KSMBD_INODE_H

#include <linux/types.h>

struct ksmbd_inode;

/* Add an open of (@dev, @ino); NULL without memory. */
struct ksmbd_inode *ksmbd_inode_open(u64 dev, u64 ino);
/*
 * Take away the open *@ni (and set *@ni to NULL; nothing when it already is).
 * @delete_on_close sets the delete disposition first. True when that was the
 * last open and the file is to be deleted now: the caller deletes it.
 */
bool ksmbd_inode_close(struct ksmbd_inode **ni, bool delete_on_close);
/*
 * The delete disposition of the file an open holds as *@nip (read under the
 * lock, as a concurrent close may release it): false once released; setting
 * it is -ENOENT then.
 */
bool ksmbd_inode_delete_pending(struct ksmbd_inode **nip);
int ksmbd_inode_set_delete_pending(struct ksmbd_inode **nip, bool pending);
/* Whether (@dev, @ino) is open with its delete disposition set. */
bool ksmbd_inode_delete_pending_of(u64 dev, u64 ino);
/* Opens of (@dev, @ino) right now. */
unsigned int ksmbd_inode_open_count(u64 dev, u64 ino);
/* Opens of the file @ni (held open by the caller). */
unsigned int ksmbd_inode_opens(struct ksmbd_inode *ni);
/*
 * The file's oplock holders (struct ksmbd_oplock, see oplock.h), under
 * oplock.c's lock; valid while the caller holds an open of @ni.
 */
struct list_head *ksmbd_inode_oplocks(struct ksmbd_inode *ni);
/* How many of its opens are stat opens, under oplock.c's lock (leases ignore them). */
unsigned int *ksmbd_inode_stat_opens(struct ksmbd_inode *ni);
/*
 * The file's byte-range locks (struct ksmbd_brl, see lock.h), under
 * smb2_lock.c's lock; valid while the caller holds an open of @ni.
 */
struct list_head *ksmbd_inode_brlocks(struct ksmbd_inode *ni);
/*
 * The AllocationSize a CREATE's SMB2_CREATE_ALLOCATION_SIZE context gave the
 * file (rounded up to 4 KiB), kept while it is open, or 0; read and written
 * with READ_ONCE/WRITE_ONCE. Reported as the file's allocation when larger
 * than its size rounded up (ksmbd_fill_alloc()).
 */
u64 *ksmbd_inode_alloc(struct ksmbd_inode *ni);
/*
 * Share modes (share.h): count the open that holds *@nip, with @access
 * (granted) and @share, in the file's share modes, unless it conflicts with
 * them (-EBUSY, a sharing violation). *@counted, which the file's lock
 * guards, says whether it is counted (opens without data or delete access
 * never are); 0 when it is already. -ENOENT once released.
 */
int ksmbd_inode_share_add(struct ksmbd_inode **nip, bool *counted, u32 access, u32 share);
/* Uncount it (when *@counted); done before the open releases the file. */
void ksmbd_inode_share_del(struct ksmbd_inode **nip, bool *counted, u32 access, u32 share);
/* Whether an open of (@dev, @ino) with @access and @share would conflict now. */
bool ksmbd_inode_share_conflict_of(u64 dev, u64 ino, u32 access, u32 share);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Durable and persistent handles (MS-SMB2 3.3.1.10 Open.IsDurable,
 * Open.DurableOpenTimeout, Open.CreateGuid, Open.AppInstanceId,
 * Open.IsPersistent; 3.3.5.9.6 DHnQ, 3.3.5.9.7 DHnC, 3.3.5.9.10 DH2Q,
 * 3.3.5.9.12 DH2C, 3.3.5.9.13 the application instance id; 3.3.4.7/3.3.7.1
 * what happens to an open whose connection is gone).
 *
 * LIFECYCLE of a durable open (struct ksmbd_file with fp->durable set):
 *
 *   CREATE with DHnQ (or DH2Q) on a file, granted a batch oplock or a lease
 *   with H (or DH2Q with SMB2_DHANDLE_FLAG_PERSISTENT on a continuously
 *   available share, 3.x): the open gets a struct ksmbd_durable_state and
 *   joins the node-wide durable table; it behaves like any open ("connected").
 *
 *   CLOSE, TREE_DISCONNECT: closed like any open (3.3.5.10, 3.3.5.8).
 *
 *   The session goes without a CLOSE (connection lost, LOGOFF, or a new
 *   session naming it as PreviousSessionId; smbtorture's durable-open
 *   reopen4 and reopen1a expect the last two too): the open is "orphaned":
 *   it leaves its tree's list but keeps everything else (its file, share
 *   modes, byte-range locks, oplock or lease), its oplock breaks go nowhere
 *   (fp->conn NULL) and it holds a reference to its old tree for the share
 *   root. The scavenger closes it once its timeout has passed since the
 *   disconnect (a work item waiting with a timeout, no sleeps).
 *
 *   An orphan whose oplock or lease was being broken when its connection
 *   went is closed at once (the break was not delivered, a CREATE waits).
 *
 *   A CREATE that would break an orphan's oplock or lease (a batch or
 *   exclusive oplock, a lease with W, or with H on a sharing violation or an
 *   overwrite) closes the orphan first: there is nobody to acknowledge the
 *   break (Samba's and smbtorture's behaviour, MS-SMB2 3.3.4.7).
 *
 *   DHnC / DH2C reconnect (3.3.5.9.7, 3.3.5.9.12): the persistent FileId names
 *   an orphan; it must be the same user, the same share, for DH2C the same
 *   CreateGuid, for a lease the same lease key of the same ClientGuid (and
 *   then the same name); the orphan is attached to the new session and tree
 *   with its FileId unchanged, and no durable response context is sent.
 *
 *   A DH2Q with an SMB2_CREATE_APP_INSTANCE_ID closes the durable opens of
 *   the same application instance id (connected or not) before it opens.
 *
 * All state that makes an open durable is in struct ksmbd_durable_state,
 * one per durable open, so that a cluster can replicate exactly it:
 * ksmbd_durable_export() writes it as a flat blob (little-endian, versioned,
 * described at KSMBD_DURABLE_BLOB_*), ksmbd_durable_import() reads one back
 * and refuses anything malformed. The live per-open fields it mirrors
 * (position, mode, lock sequence array, oplock level, lease state) are
 * copied in by ksmbd_durable_snapshot() just before an export.
 *
 * Locking: ksmbd_durable_lock (durable.c) protects the table, every state's
 * node-local fields and an orphan's transitions (orphaned, reattached,
 * closed): whoever takes an orphan out of the table under the lock owns it.
 */
#ifndef KSMBD_DURABLE_H
#define KSMBD_DURABLE_H

#include <linux/list.h>
#include <linux/types.h>
#include "lock.h"

struct ksmbd_file;
struct ksmbd_tree;
struct ksmbd_work;

/* struct ksmbd_durable_state.flags (also the blob's) */
#define KSMBD_DURABLE_V1		0x01	/* granted through DHnQ */
#define KSMBD_DURABLE_V2		0x02	/* granted through DH2Q */
#define KSMBD_DURABLE_PERSISTENT	0x04	/* DH2Q with SMB2_DHANDLE_FLAG_PERSISTENT */
#define KSMBD_DURABLE_HAS_APP_ID	0x08	/* app_instance_id is set */
#define KSMBD_DURABLE_HAS_LEASE		0x10	/* the open holds a lease (lease_*) */
#define KSMBD_DURABLE_FLAGS_VALID	0x1f

#define SMB2_DHANDLE_FLAG_PERSISTENT	0x00000002

/* Timeouts (ms): v1 and a DH2Q asking 0 get the default; nobody gets more than the max. */
#define KSMBD_DURABLE_DEFAULT_TIMEOUT	60000
#define KSMBD_DURABLE_MAX_TIMEOUT	300000

#define KSMBD_DURABLE_PATH_MAX		4096

/* The timeout of v1 durable opens (ms); the unit tests lower it. */
extern unsigned int ksmbd_durable_v1_timeout_ms;

/*
 * The durable state of one open. Exported (the blob) unless marked node-local.
 */
struct ksmbd_durable_state {
	u32 flags;			/* KSMBD_DURABLE_* */
	u64 persistent_id, volatile_id;	/* Open.FileId (unchanged by a reconnect) */
	u32 timeout_ms;			/* Open.DurableOpenTimeout */
	u8 create_guid[16];		/* Open.CreateGuid (zero for v1) */
	u8 app_instance_id[16];		/* Open.AppInstanceId (HAS_APP_ID) */
	u8 client_guid[16];		/* Open.ClientGuid: the opener's connection's */
	u8 lease_key[16];		/* HAS_LEASE: the lease's key ... */
	u32 lease_state;		/* ... its state (SMB2_LEASE_*) */
	u16 lease_epoch;		/* ... epoch (v2 leases) */
	u8 lease_version;		/* ... 1 or 2; 0 without a lease */
	u8 oplock_level;		/* SMB2_OPLOCK_LEVEL_* (LEASE with a lease) */
	u32 access;			/* the granted access */
	u32 share_access;		/* the ShareAccess it holds */
	u32 mode;			/* FileModeInformation */
	u64 position;			/* FilePositionInformation */
	u8 lock_seq[KSMBD_LOCK_SEQ_ENTRIES + 1];	/* 3.3.5.14 replay array */
	char user[256];			/* the opener's user name (owner check) */
	char share[256];		/* the share (tree) name */
	char *path;			/* the name inside the share (UTF-8, kmalloc'ed) */

	/* Node-local: never exported. */
	struct list_head node;		/* the durable table */
	struct ksmbd_file *fp;		/* the open it belongs to */
	struct ksmbd_tree *tree;	/* orphaned: its old tree (a reference) */
	bool orphaned;			/* its session went without a CLOSE */
	unsigned long expires;		/* orphaned: jiffies when the scavenger closes it */
};

/*
 * THE BLOB (version 1), all integers little-endian:
 *   0  "KSDH"           4  u16 version (1)    6  u16 header size (204)
 *   8  u32 total size  12  u32 flags         16  u64 persistent id
 *  24  u64 volatile id 32  u32 timeout ms    36  u32 access
 *  40  u32 share access 44 u32 mode          48  u64 position
 *  56  create guid[16] 72  app instance id[16] 88 client guid[16]
 * 104  lease key[16]  120  u32 lease state  124  u16 lease epoch
 * 126  u8 lease version 127 u8 oplock level 128  lock sequence array[65]
 * 193  3 reserved (0)  196  u16 user length 198  u16 share length
 * 200  u16 path length 202  u16 reserved (0)
 * 204  the user, share and path bytes (no NUL, no terminator)
 */
#define KSMBD_DURABLE_BLOB_VERSION	1
#define KSMBD_DURABLE_BLOB_HDR		204

/* The blob's size for @st. */
size_t ksmbd_durable_blob_size(const struct ksmbd_durable_state *st);
/* Write @st into @buf (@len >= its size); the size written, or -ENOSPC/-EINVAL. */
int ksmbd_durable_export(const struct ksmbd_durable_state *st, u8 *buf, size_t len);
/*
 * Read a blob into @st (its exported fields; path kmalloc'ed, node-local
 * fields zeroed). 0, or -EINVAL for anything malformed (-ENOMEM).
 */
int ksmbd_durable_import(const u8 *buf, size_t len, struct ksmbd_durable_state *st);
/* Free what an imported or live state owns (the path). */
void ksmbd_durable_state_clear(struct ksmbd_durable_state *st);
/* Copy @fp's live mirrored fields into its durable state (before an export). */
void ksmbd_durable_snapshot(struct ksmbd_file *fp);

/* --- the engine ---------------------------------------------------------------------------- */

/* The durable create contexts of a CREATE (parsed by ksmbd_durable_parse). */
struct ksmbd_durable_req {
	bool dhnq, dhnc, dh2q, dh2c, app_id;
	u64 persistent_id;		/* DHnC/DH2C: the FileId to reconnect */
	u8 create_guid[16];		/* DH2Q/DH2C */
	u32 timeout_ms, flags;		/* DH2Q */
	u8 app_instance_id[16];
	/* SMB2_CREATE_ALLOCATION_SIZE (AlSi), found by the same walk */
	bool alloc;
	u64 alloc_size;
};

/*
 * The durable contexts of the CREATE in @w (3.3.5.9: invalid combinations
 * are STATUS_INVALID_PARAMETER; v2 contexts count on 3.x only). The same
 * walk checks every context's name (at least 4 bytes), takes AlSi, and
 * answers a TWrp (previous version) STATUS_OBJECT_NAME_NOT_FOUND: no
 * snapshots are kept.
 */
__le32 ksmbd_durable_parse(struct ksmbd_work *w, u32 ctx_off, u32 ctx_len,
			   struct ksmbd_durable_req *dr);
/*
 * DHnC/DH2C: reattach the orphan named by @dr to @w's session and tree.
 * @lr: the CREATE's lease request, or NULL; @path: its name as a share path
 * (compared for leases), or NULL when it is not one. The open with a
 * reference (the caller answers and puts it), or NULL with *@status.
 */
struct ksmbd_lease_req;
struct ksmbd_file *ksmbd_durable_reconnect(struct ksmbd_work *w,
					   const struct ksmbd_durable_req *dr,
					   const struct ksmbd_lease_req *lr, const char *path,
					   __le32 *status);
/* DH2Q + app instance id: close the other opens of the same instance. */
void ksmbd_durable_close_app_instance(const struct ksmbd_durable_req *dr);
/*
 * After the oplock/lease grant of the new open @fp (not linked yet) at
 * @path: make it durable when @dr asks and it qualifies, and append the
 * DHnQ/DH2Q response context. STATUS_SUCCESS or a resource error.
 */
__le32 ksmbd_durable_grant(struct ksmbd_work *w, struct ksmbd_file *fp,
			   const struct ksmbd_durable_req *dr, const char *path);
/*
 * Close orphaned durable opens of the file @fp opens that the new open would
 * break (see above), asking for @want (mapped access; data access for
 * MAXIMUM_ALLOWED). @sharing: its share modes conflict. Returns how many.
 */
int ksmbd_durable_purge(struct ksmbd_file *fp, bool overwrite, u32 want, bool sharing);
/*
 * The same before a CREATE opens the file (@dev, @ino) with @access (mapped)
 * and @share, so that an orphan's delete on close happens first; the share
 * mode conflict is computed per orphan.
 */
int ksmbd_durable_purge_file(u64 dev, u64 ino, u32 access, u32 share, bool overwrite);
/*
 * The session of @fp goes without a CLOSE (tree.c): orphan it when durable.
 * True when the durable table took over the tree list's reference.
 */
bool ksmbd_durable_orphan(struct ksmbd_tree *tree, struct ksmbd_file *fp);
/* The open is being freed: leave the table (file.c). */
void ksmbd_durable_forget(struct ksmbd_file *fp);
/* Engine stop: close every orphan. */
void ksmbd_durable_close_all(void);
/* Module exit: close every orphan, free the scavenger. */
void ksmbd_durable_exit(void);
/* Orphaned durable opens now (tests). */
unsigned int ksmbd_durable_orphans(void);

#endif

// SPDX-License-Identifier: GPL-2.0
/* Open files by identity: the delete disposition shared by opens (inode.h). */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "inode.h"
#include "share.h"

struct ksmbd_inode {
	struct list_head node;		/* its bucket of ksmbd_inodes */
	u64 dev, ino;
	unsigned int opens;
	bool delete_pending;
	struct list_head oplocks;	/* see oplock.h; empty when the last open goes */
	struct list_head brlocks;	/* see lock.h; empty when the last open goes */
	unsigned int stat_opens;	/* opens that are stat opens (oplock.h) */
	struct ksmbd_share_modes share;	/* see share.h */
	u64 alloc_size;			/* AllocationSize a CREATE asked for (AlSi), or 0 */
};

/* Open files hashed by inode number; the lists start empty at first use. */
#define KSMBD_INODE_BUCKETS	256
static struct list_head ksmbd_inodes[KSMBD_INODE_BUCKETS];
static DEFINE_MUTEX(ksmbd_inode_lock);

static struct list_head *ksmbd_inode_bucket(u64 dev, u64 ino)
{
	struct list_head *head = &ksmbd_inodes[(ino ^ dev) % KSMBD_INODE_BUCKETS];

	if (!head->next)
		INIT_LIST_HEAD(head);
	return head;
}

static struct ksmbd_inode *ksmbd_inode_find(u64 dev, u64 ino)
{
	struct ksmbd_inode *ni;

	list_for_each_entry(ni, ksmbd_inode_bucket(dev, ino), node)
		if (ni->dev == dev && ni->ino == ino)
			return ni;
	return NULL;
}

struct ksmbd_inode *ksmbd_inode_open(u64 dev, u64 ino)
{
	struct ksmbd_inode *ni, *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);

	mutex_lock(&ksmbd_inode_lock);
	ni = ksmbd_inode_find(dev, ino);
	if (!ni && fresh) {
		ni = fresh;
		fresh = NULL;
		ni->dev = dev;
		ni->ino = ino;
		INIT_LIST_HEAD(&ni->oplocks);
		INIT_LIST_HEAD(&ni->brlocks);
		list_add(&ni->node, ksmbd_inode_bucket(dev, ino));
	}
	if (ni)
		ni->opens++;
	mutex_unlock(&ksmbd_inode_lock);
	kfree(fresh);
	return ni;
}

bool ksmbd_inode_close(struct ksmbd_inode **nip, bool delete_on_close)
{
	struct ksmbd_inode *ni;
	bool del = false;

	mutex_lock(&ksmbd_inode_lock);
	ni = *nip;
	*nip = NULL;
	if (ni) {
		if (delete_on_close)
			ni->delete_pending = true;
		if (!--ni->opens) {
			del = ni->delete_pending;
			list_del(&ni->node);
			kfree(ni);
		}
	}
	mutex_unlock(&ksmbd_inode_lock);
	return del;
}

bool ksmbd_inode_delete_pending(struct ksmbd_inode **nip)
{
	bool pending;

	mutex_lock(&ksmbd_inode_lock);
	pending = *nip && (*nip)->delete_pending;
	mutex_unlock(&ksmbd_inode_lock);
	return pending;
}

int ksmbd_inode_set_delete_pending(struct ksmbd_inode **nip, bool pending)
{
	int ret = -ENOENT;

	mutex_lock(&ksmbd_inode_lock);
	if (*nip) {
		(*nip)->delete_pending = pending;
		ret = 0;
	}
	mutex_unlock(&ksmbd_inode_lock);
	return ret;
}

bool ksmbd_inode_delete_pending_of(u64 dev, u64 ino)
{
	struct ksmbd_inode *ni;
	bool pending;

	mutex_lock(&ksmbd_inode_lock);
	ni = ksmbd_inode_find(dev, ino);
	pending = ni && ni->delete_pending;
	mutex_unlock(&ksmbd_inode_lock);
	return pending;
}

unsigned int ksmbd_inode_open_count(u64 dev, u64 ino)
{
	struct ksmbd_inode *ni;
	unsigned int n;

	mutex_lock(&ksmbd_inode_lock);
	ni = ksmbd_inode_find(dev, ino);
	n = ni ? ni->opens : 0;
	mutex_unlock(&ksmbd_inode_lock);
	return n;
}

unsigned int ksmbd_inode_opens(struct ksmbd_inode *ni)
{
	unsigned int n;

	mutex_lock(&ksmbd_inode_lock);
	n = ni->opens;
	mutex_unlock(&ksmbd_inode_lock);
	return n;
}

struct list_head *ksmbd_inode_oplocks(struct ksmbd_inode *ni)
{
	return &ni->oplocks;
}

struct list_head *ksmbd_inode_brlocks(struct ksmbd_inode *ni)
{
	return &ni->brlocks;
}

u64 *ksmbd_inode_alloc(struct ksmbd_inode *ni)
{
	return &ni->alloc_size;
}

unsigned int *ksmbd_inode_stat_opens(struct ksmbd_inode *ni)
{
	return &ni->stat_opens;
}

int ksmbd_inode_share_add(struct ksmbd_inode **nip, bool *counted, u32 access, u32 share)
{
	int ret = -ENOENT;

	mutex_lock(&ksmbd_inode_lock);
	if (*nip && *counted) {
		ret = 0;
	} else if (*nip) {
		ret = -EBUSY;
		if (!ksmbd_share_conflict(&(*nip)->share, access, share)) {
			ksmbd_share_count(&(*nip)->share, access, share, true);
			*counted = access & KSMBD_SHARE_ACCESS;
			ret = 0;
		}
	}
	mutex_unlock(&ksmbd_inode_lock);
	return ret;
}

void ksmbd_inode_share_del(struct ksmbd_inode **nip, bool *counted, u32 access, u32 share)
{
	mutex_lock(&ksmbd_inode_lock);
	if (*nip && *counted)
		ksmbd_share_count(&(*nip)->share, access, share, false);
	*counted = false;
	mutex_unlock(&ksmbd_inode_lock);
}

bool ksmbd_inode_share_conflict_of(u64 dev, u64 ino, u32 access, u32 share)
{
	struct ksmbd_inode *ni;
	bool conflict;

	mutex_lock(&ksmbd_inode_lock);
	ni = ksmbd_inode_find(dev, ino);
	conflict = ni && ksmbd_share_conflict(&ni->share, access, share);
	mutex_unlock(&ksmbd_inode_lock);
	return conflict;
}

// SPDX-License-Identifier: GPL-2.0
/* Tree connects: a session's table of connected shares (see tree.h). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "file.h"
#include "port.h"
#include "session.h"
#include "tree.h"

int ksmbd_tree_new(struct ksmbd_session *sess, const char *name, u32 flags,
		   const char *path, struct ksmbd_tree **out)
{
	struct ksmbd_tree *tree;
	int ret;

	tree = kzalloc(sizeof(*tree) + strlen(name) + 1, GFP_KERNEL);
	if (!tree)
		return -ENOMEM;
	strcpy(tree->name, name);
	tree->flags = flags;
	refcount_set(&tree->refs, 2);	/* the list's and the caller's */
	mutex_init(&tree->file_lock);
	INIT_LIST_HEAD(&tree->files);
	if (path) {
		ret = ksmbd_vfs_root_open(path, &tree->root);
		if (ret) {
			kfree(tree);
			return ret;
		}
	}
	mutex_lock(&sess->tree_lock);
	/* Ids start at 1; 0xffffffff is reserved for related compounds. */
	do {
		tree->id = ++sess->next_tree_id;
	} while (!tree->id || tree->id == U32_MAX);
	list_add_tail(&tree->node, &sess->trees);
	mutex_unlock(&sess->tree_lock);
	*out = tree;
	return 0;
}

struct ksmbd_tree *ksmbd_tree_get(struct ksmbd_session *sess, u32 id)
{
	struct ksmbd_tree *tree, *found = NULL;

	mutex_lock(&sess->tree_lock);
	list_for_each_entry(tree, &sess->trees, node) {
		if (tree->id == id) {
			refcount_inc(&tree->refs);
			found = tree;
			break;
		}
	}
	mutex_unlock(&sess->tree_lock);
	return found;
}

void ksmbd_tree_put(struct ksmbd_tree *tree)
{
	if (!refcount_dec_and_test(&tree->refs))
		return;
	if (tree->root)
		ksmbd_vfs_root_close(tree->root);
	mutex_destroy(&tree->file_lock);
	kfree(tree);
}

void ksmbd_tree_unlink(struct ksmbd_session *sess, struct ksmbd_tree *tree)
{
	bool linked;

	mutex_lock(&sess->tree_lock);
	linked = !list_empty(&tree->node);
	if (linked)
		list_del_init(&tree->node);
	mutex_unlock(&sess->tree_lock);
	if (linked) {
		ksmbd_file_unlink_all(tree);
		ksmbd_tree_put(tree);
	}
}

void ksmbd_tree_unlink_all(struct ksmbd_session *sess)
{
	struct ksmbd_tree *tree;

	for (;;) {
		mutex_lock(&sess->tree_lock);
		tree = list_first_entry_or_null(&sess->trees, struct ksmbd_tree, node);
		if (tree)
			list_del_init(&tree->node);
		mutex_unlock(&sess->tree_lock);
		if (!tree)
			return;
		/* the session goes without CLOSEs: durable opens wait (durable.h) */
		ksmbd_file_orphan_all(tree);
		ksmbd_tree_put(tree);
	}
}

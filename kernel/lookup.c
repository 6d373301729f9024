// SPDX-License-Identifier: GPL-2.0
/* Case-insensitive name lookup (see lookup.h). */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "lookup.h"
#include "name.h"
#include "port.h"

struct ksmbd_ci_scan {
	const char *want;
	size_t wlen;
	char *best;		/* kmalloc'd, NUL-terminated */
	size_t best_len;
	int error;
};

static int ksmbd_ci_emit(void *arg, const char *name, size_t len, u64 ino, unsigned int dtype)
{
	struct ksmbd_ci_scan *s = arg;
	char *copy;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (!ksmbd_name_matches(s->want, s->wlen, name, len))
		return 0;
	if (s->best) {
		int c = memcmp(name, s->best, min(len, s->best_len));

		if (c > 0 || (!c && len >= s->best_len))
			return 0;
	}
	copy = kmalloc(len + 1, GFP_KERNEL);
	if (!copy) {
		s->error = -ENOMEM;
		return 1;
	}
	memcpy(copy, name, len);
	copy[len] = '\0';
	kfree(s->best);
	s->best = copy;
	s->best_len = len;
	return 0;
}

/*
 * The entry of directory @dir (a path, "" for the root) that matches
 * @want[0, @wlen): a kmalloc'd name in *@found, or NULL when none does.
 */
static int ksmbd_ci_find(struct ksmbd_vfs_root *root, const char *dir, const char *want,
			 size_t wlen, char **found)
{
	struct ksmbd_ci_scan s = { .want = want, .wlen = wlen };
	struct ksmbd_vfs_file *f;
	int ret;

	*found = NULL;
	ret = ksmbd_vfs_open(root, *dir ? dir : ".", KSMBD_VFS_READ | KSMBD_VFS_DIRECTORY, 0, &f);
	if (ret)
		return 0;		/* not a directory we can list: nothing matches */
	ret = ksmbd_vfs_readdir(f, ksmbd_ci_emit, &s);
	ksmbd_vfs_close(f);
	if (s.error) {
		kfree(s.best);
		return s.error;
	}
	*found = s.best;
	return 0;
}

int ksmbd_lookup_ci(struct ksmbd_vfs_root *root, char *path, size_t size)
{
	struct ksmbd_vfs_stat st;
	char *out, *comp, *end, *found;
	size_t olen = 0, clen;
	bool missing = false;
	int ret;

	if (!*path || ksmbd_vfs_getattr_name(root, path, &st) != -ENOENT)
		return 0;
	out = kmalloc(size, GFP_KERNEL);
	if (!out)
		return -ENOMEM;
	out[0] = '\0';
	/* Usually only the last component differs: start there when its directory exists. */
	end = strrchr(path, '/');
	comp = path;
	if (end) {
		*end = '\0';
		ret = ksmbd_vfs_getattr_name(root, path, &st);
		*end = '/';
		if (!ret) {
			olen = end - path;
			memcpy(out, path, olen);
			out[olen] = '\0';
			comp = end + 1;
		}
	}
	for (;;) {
		end = strchrnul(comp, '/');
		clen = end - comp;
		found = NULL;
		if (!missing) {
			/* the component exactly as given first */
			if (olen + 1 + clen >= size) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			memcpy(out + olen + !!olen, comp, clen);
			if (olen)
				out[olen] = '/';
			out[olen + !!olen + clen] = '\0';
			ret = ksmbd_vfs_getattr_name(root, out, &st);
			out[olen] = '\0';
			if (ret == -ENOENT) {
				ret = ksmbd_ci_find(root, out, comp, clen, &found);
				if (ret)
					goto out;
				missing = !found;
			}
		}
		if (found) {
			size_t flen = strlen(found);

			if (olen + 1 + flen >= size) {
				kfree(found);
				ret = -ENAMETOOLONG;
				goto out;
			}
			if (olen)
				out[olen++] = '/';
			memcpy(out + olen, found, flen);
			olen += flen;
			kfree(found);
		} else {
			if (olen + 1 + clen >= size) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			if (olen)
				out[olen++] = '/';
			memcpy(out + olen, comp, clen);
			olen += clen;
		}
		out[olen] = '\0';
		if (!*end)
			break;
		comp = end + 1;
	}
	memcpy(path, out, olen + 1);
	ret = 0;
out:
	kfree(out);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * NT security descriptors: see smb_acl.h. Everything here works on decoded
 * descriptors in memory; the wire and xattr format is the self-relative
 * SECURITY_DESCRIPTOR of MS-DTYP 2.4.6.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/unaligned.h>
#include "smb_acl.h"
#include "smb_wire.h"

#define SID(a, n, ...) { .revision = 1, .count = (n), .authority = { 0, 0, 0, 0, 0, (a) }, \
			 .sub = { __VA_ARGS__ } }
const struct ksmbd_sid ksmbd_sid_everyone = SID(1, 1, 0);
const struct ksmbd_sid ksmbd_sid_creator_owner = SID(3, 1, 0);
const struct ksmbd_sid ksmbd_sid_creator_group = SID(3, 1, 1);
const struct ksmbd_sid ksmbd_sid_owner_rights = SID(3, 1, 4);
const struct ksmbd_sid ksmbd_sid_network = SID(5, 1, 2);
const struct ksmbd_sid ksmbd_sid_anonymous = SID(5, 1, 7);
const struct ksmbd_sid ksmbd_sid_authenticated = SID(5, 1, 11);
const struct ksmbd_sid ksmbd_sid_system = SID(5, 1, 18);
const struct ksmbd_sid ksmbd_sid_admins = SID(5, 2, 32, 544);

#define KSMBD_SD_HDR		20
#define KSMBD_ACL_HDR		8
#define KSMBD_ACE_HDR		4
#define KSMBD_MAX_ACES		4096

size_t ksmbd_sid_size(const struct ksmbd_sid *sid)
{
	return 8 + 4 * sid->count;
}

void ksmbd_sid_put(const struct ksmbd_sid *sid, u8 *out)
{
	int i;

	out[0] = sid->revision;
	out[1] = sid->count;
	memcpy(out + 2, sid->authority, 6);
	for (i = 0; i < sid->count; i++)
		put_unaligned_le32(sid->sub[i], out + 8 + 4 * i);
}

int ksmbd_sid_get(const u8 *buf, size_t len, struct ksmbd_sid *sid)
{
	int i;

	if (len < 8 || buf[0] != 1 || buf[1] > KSMBD_SID_MAX_SUB || len < 8 + 4 * (size_t)buf[1])
		return -EINVAL;
	memset(sid, 0, sizeof(*sid));
	sid->revision = 1;
	sid->count = buf[1];
	memcpy(sid->authority, buf + 2, 6);
	for (i = 0; i < sid->count; i++)
		sid->sub[i] = get_unaligned_le32(buf + 8 + 4 * i);
	return 8 + 4 * sid->count;
}

bool ksmbd_sid_equal(const struct ksmbd_sid *a, const struct ksmbd_sid *b)
{
	return a->revision == b->revision && a->count == b->count &&
	       !memcmp(a->authority, b->authority, 6) &&
	       !memcmp(a->sub, b->sub, 4 * a->count);
}

void ksmbd_sid_unix(struct ksmbd_sid *sid, bool group, u32 id)
{
	memset(sid, 0, sizeof(*sid));
	sid->revision = 1;
	sid->count = 2;
	sid->authority[5] = 22;
	sid->sub[0] = group ? 2 : 1;
	sid->sub[1] = id;
}

/* --- decoding ------------------------------------------------------------------------ */

static bool ksmbd_ace_has_sid(u8 type)
{
	return type <= KSMBD_ACE_ALARM || type == KSMBD_ACE_MANDATORY_LABEL;
}

static void ksmbd_acl_free(struct ksmbd_acl *acl)
{
	int i;

	if (!acl)
		return;
	for (i = 0; i < acl->count; i++)
		kfree(acl->aces[i].raw);
	kfree(acl->aces);
	kfree(acl);
}

void ksmbd_sd_free(struct ksmbd_sd *sd)
{
	ksmbd_acl_free(sd->dacl);
	ksmbd_acl_free(sd->sacl);
	sd->dacl = NULL;
	sd->sacl = NULL;
}

static struct ksmbd_acl *ksmbd_acl_alloc(u16 count)
{
	struct ksmbd_acl *acl = kzalloc(sizeof(*acl), GFP_KERNEL);

	if (!acl)
		return NULL;
	acl->revision = 2;
	if (count) {
		acl->aces = kcalloc(count, sizeof(*acl->aces), GFP_KERNEL);
		if (!acl->aces) {
			kfree(acl);
			return NULL;
		}
	}
	return acl;
}

/* The ACL at @buf, @len bytes available (MS-DTYP 2.4.5). */
static int ksmbd_acl_decode(const u8 *buf, size_t len, struct ksmbd_acl **out)
{
	struct ksmbd_acl *acl;
	size_t size, pos;
	u16 count;
	int i;

	/* ACL_REVISION (2), ACL_REVISION3 (3, what smbcacls sends), ACL_REVISION_DS (4) */
	if (len < KSMBD_ACL_HDR || buf[0] < 2 || buf[0] > 4)
		return -EINVAL;
	size = get_unaligned_le16(buf + 2);
	count = get_unaligned_le16(buf + 4);
	if (size < KSMBD_ACL_HDR || size > len || count > KSMBD_MAX_ACES ||
	    count > (size - KSMBD_ACL_HDR) / KSMBD_ACE_HDR)
		return -EINVAL;
	acl = ksmbd_acl_alloc(count);
	if (!acl)
		return -ENOMEM;
	acl->revision = buf[0];
	pos = KSMBD_ACL_HDR;
	for (i = 0; i < count; i++) {
		struct ksmbd_ace *ace = &acl->aces[i];
		size_t ace_size;
		int ret;

		if (size - pos < KSMBD_ACE_HDR)
			goto bad;
		ace_size = get_unaligned_le16(buf + pos + 2);
		if (ace_size < KSMBD_ACE_HDR || ace_size > size - pos)
			goto bad;
		ace->type = buf[pos];
		ace->flags = buf[pos + 1];
		acl->count = i + 1;
		if (ksmbd_ace_has_sid(ace->type)) {
			if (ace_size < KSMBD_ACE_HDR + 4 + 8)
				goto bad;
			ace->mask = get_unaligned_le32(buf + pos + 4);
			ret = ksmbd_sid_get(buf + pos + 8, ace_size - 8, &ace->sid);
			if (ret < 0)
				goto bad;
		} else {
			ace->raw_len = ace_size - KSMBD_ACE_HDR;
			ace->raw = kmemdup(buf + pos + KSMBD_ACE_HDR, ace->raw_len, GFP_KERNEL);
			if (!ace->raw && ace->raw_len) {
				ksmbd_acl_free(acl);
				return -ENOMEM;
			}
		}
		pos += ace_size;
	}
	*out = acl;
	return 0;
bad:
	ksmbd_acl_free(acl);
	return -EINVAL;
}

/* An offset of the header: 0 (absent) or inside [20, len). */
static bool ksmbd_sd_off_ok(u32 off, size_t len)
{
	return !off || (off >= KSMBD_SD_HDR && off < len);
}

int ksmbd_sd_decode(const u8 *buf, size_t len, struct ksmbd_sd *sd)
{
	u32 owner, group, sacl, dacl;
	int ret;

	memset(sd, 0, sizeof(*sd));
	if (len < KSMBD_SD_HDR || len > KSMBD_SD_MAX || buf[0] != 1)
		return -EINVAL;
	sd->control = get_unaligned_le16(buf + 2);
	owner = get_unaligned_le32(buf + 4);
	group = get_unaligned_le32(buf + 8);
	sacl = get_unaligned_le32(buf + 12);
	dacl = get_unaligned_le32(buf + 16);
	/*
	 * The buffer is self-relative by definition (MS-SMB2 2.2.39); clients
	 * do not all set SE_SELF_RELATIVE (smbcacls does not), so it is not
	 * required.
	 */
	sd->control |= SE_SELF_RELATIVE;
	if (!ksmbd_sd_off_ok(owner, len) ||
	    !ksmbd_sd_off_ok(group, len) || !ksmbd_sd_off_ok(sacl, len) ||
	    !ksmbd_sd_off_ok(dacl, len))
		return -EINVAL;
	if (owner) {
		ret = ksmbd_sid_get(buf + owner, len - owner, &sd->owner);
		if (ret < 0)
			return ret;
		sd->has_owner = true;
	}
	if (group) {
		ret = ksmbd_sid_get(buf + group, len - group, &sd->group);
		if (ret < 0)
			return ret;
		sd->has_group = true;
	}
	/* An ACL without its PRESENT bit is ignored, as Windows does. */
	if ((sd->control & SE_SACL_PRESENT) && sacl) {
		ret = ksmbd_acl_decode(buf + sacl, len - sacl, &sd->sacl);
		if (ret)
			return ret;
	}
	if ((sd->control & SE_DACL_PRESENT) && dacl) {
		ret = ksmbd_acl_decode(buf + dacl, len - dacl, &sd->dacl);
		if (ret) {
			ksmbd_sd_free(sd);
			return ret;
		}
	}
	return 0;
}

static struct ksmbd_acl *ksmbd_acl_dup(const struct ksmbd_acl *src)
{
	struct ksmbd_acl *acl = ksmbd_acl_alloc(src->count);
	int i;

	if (!acl)
		return NULL;
	acl->revision = src->revision;
	for (i = 0; i < src->count; i++) {
		acl->aces[i] = src->aces[i];
		acl->aces[i].raw = NULL;
		acl->count = i + 1;
		if (src->aces[i].raw_len) {
			acl->aces[i].raw = kmemdup(src->aces[i].raw, src->aces[i].raw_len,
						   GFP_KERNEL);
			if (!acl->aces[i].raw) {
				ksmbd_acl_free(acl);
				return NULL;
			}
		}
	}
	return acl;
}

int ksmbd_sd_copy(struct ksmbd_sd *dst, const struct ksmbd_sd *src)
{
	*dst = *src;
	dst->dacl = NULL;
	dst->sacl = NULL;
	if (src->dacl && !(dst->dacl = ksmbd_acl_dup(src->dacl)))
		return -ENOMEM;
	if (src->sacl && !(dst->sacl = ksmbd_acl_dup(src->sacl))) {
		ksmbd_sd_free(dst);
		return -ENOMEM;
	}
	return 0;
}

/* --- encoding ------------------------------------------------------------------------ */

static size_t ksmbd_ace_size(const struct ksmbd_ace *ace)
{
	if (!ksmbd_ace_has_sid(ace->type))
		return KSMBD_ACE_HDR + ace->raw_len;
	return KSMBD_ACE_HDR + 4 + ksmbd_sid_size(&ace->sid);
}

static size_t ksmbd_acl_encode(const struct ksmbd_acl *acl, u8 *out)
{
	size_t pos = KSMBD_ACL_HDR;
	int i;

	for (i = 0; i < acl->count; i++) {
		const struct ksmbd_ace *ace = &acl->aces[i];
		size_t n = ksmbd_ace_size(ace);

		if (out) {
			out[pos] = ace->type;
			out[pos + 1] = ace->flags;
			put_unaligned_le16(n, out + pos + 2);
			if (ksmbd_ace_has_sid(ace->type)) {
				put_unaligned_le32(ace->mask, out + pos + 4);
				ksmbd_sid_put(&ace->sid, out + pos + 8);
			} else if (ace->raw_len) {
				memcpy(out + pos + KSMBD_ACE_HDR, ace->raw, ace->raw_len);
			}
		}
		pos += n;
	}
	if (out) {
		out[0] = acl->revision;
		out[1] = 0;
		put_unaligned_le16(pos, out + 2);
		put_unaligned_le16(acl->count, out + 4);
		put_unaligned_le16(0, out + 6);
	}
	return pos;
}

size_t ksmbd_sd_encode(const struct ksmbd_sd *sd, u32 info, u8 *out)
{
	size_t pos = KSMBD_SD_HDR;
	u16 control = SE_SELF_RELATIVE;

	if (out)
		memset(out, 0, KSMBD_SD_HDR);
	if ((info & OWNER_SECURITY_INFORMATION) && sd->has_owner) {
		if (out) {
			put_unaligned_le32(pos, out + 4);
			ksmbd_sid_put(&sd->owner, out + pos);
		}
		pos += ksmbd_sid_size(&sd->owner);
		control |= sd->control & SE_OWNER_DEFAULTED;
	}
	if ((info & GROUP_SECURITY_INFORMATION) && sd->has_group) {
		if (out) {
			put_unaligned_le32(pos, out + 8);
			ksmbd_sid_put(&sd->group, out + pos);
		}
		pos += ksmbd_sid_size(&sd->group);
		control |= sd->control & SE_GROUP_DEFAULTED;
	}
	if ((info & SACL_SECURITY_INFORMATION) && (sd->control & SE_SACL_PRESENT)) {
		control |= sd->control & (SE_SACL_PRESENT | SE_SACL_DEFAULTED |
					  SE_SACL_AUTO_INHERITED | SE_SACL_PROTECTED);
		if (sd->sacl) {
			if (out)
				put_unaligned_le32(pos, out + 12);
			pos += ksmbd_acl_encode(sd->sacl, out ? out + pos : NULL);
		}
	}
	if ((info & DACL_SECURITY_INFORMATION) && (sd->control & SE_DACL_PRESENT)) {
		control |= sd->control & (SE_DACL_PRESENT | SE_DACL_DEFAULTED |
					  SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED);
		if (sd->dacl) {
			if (out)
				put_unaligned_le32(pos, out + 16);
			pos += ksmbd_acl_encode(sd->dacl, out ? out + pos : NULL);
		}
	}
	if (out) {
		out[0] = 1;
		put_unaligned_le16(control, out + 2);
	}
	return pos;
}

/* --- POSIX mapping ------------------------------------------------------------------- */

static u32 ksmbd_rwx_mask(u32 bits, bool is_dir)
{
	u32 mask = 0;

	if (bits & 4)
		mask |= FILE_GENERIC_READ;
	if (bits & 2)
		mask |= FILE_GENERIC_WRITE | DELETE | (is_dir ? FILE_DELETE_CHILD : 0);
	if (bits & 1)
		mask |= FILE_GENERIC_EXECUTE;
	return mask;
}

static void ksmbd_ace_set(struct ksmbd_ace *ace, u8 type, u8 flags, u32 mask,
			  const struct ksmbd_sid *sid)
{
	memset(ace, 0, sizeof(*ace));
	ace->type = type;
	ace->flags = flags;
	ace->mask = mask;
	ace->sid = *sid;
}

int ksmbd_sd_from_mode(u32 uid, u32 gid, u32 mode, bool is_dir, struct ksmbd_sd *sd)
{
	struct ksmbd_acl *acl;
	u32 mask;
	int shift;

	memset(sd, 0, sizeof(*sd));
	acl = ksmbd_acl_alloc(3);
	if (!acl)
		return -ENOMEM;
	sd->control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
	sd->has_owner = sd->has_group = true;
	ksmbd_sid_unix(&sd->owner, false, uid);
	ksmbd_sid_unix(&sd->group, true, gid);
	for (shift = 6; shift >= 0; shift -= 3) {
		mask = ksmbd_rwx_mask(mode >> shift, is_dir);
		/* The owner of a POSIX file may always change its mode and owner. */
		if (shift == 6)
			mask |= READ_CONTROL | WRITE_DAC | WRITE_OWNER |
				FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES;
		if (!mask)
			continue;
		ksmbd_ace_set(&acl->aces[acl->count++], KSMBD_ACE_ALLOWED, 0, mask,
			      shift == 6 ? &sd->owner : shift == 3 ? &sd->group :
			      &ksmbd_sid_everyone);
	}
	sd->dacl = acl;
	return 0;
}

static u32 ksmbd_mask_rwx(u32 mask)
{
	return (mask & FILE_READ_DATA ? 4 : 0) | (mask & FILE_WRITE_DATA ? 2 : 0) |
	       (mask & FILE_EXECUTE ? 1 : 0);
}

/* What @sd's DACL grants a token of just @sid (and Everyone), without owner rights. */
static u32 ksmbd_sd_grants(const struct ksmbd_sd *sd, const struct ksmbd_sid *sid)
{
	struct ksmbd_token tok = { .count = 0 };
	struct ksmbd_sd tmp = *sd;
	bool ok;

	tok.sids[tok.count++] = ksmbd_sid_everyone;
	if (sid) {
		tok.user = *sid;
		tok.sids[tok.count++] = *sid;
	} else {
		tok.user = ksmbd_sid_everyone;
	}
	tmp.has_owner = false;
	return ksmbd_sd_access(&tmp, &tok, MAXIMUM_ALLOWED, &ok);
}

u32 ksmbd_sd_to_mode(const struct ksmbd_sd *sd, u32 uid, u32 gid, u32 mode)
{
	struct ksmbd_sid sid;
	u32 old = mode;

	if (!(sd->control & SE_DACL_PRESENT) || !sd->dacl)
		return mode;
	mode = (mode & ~07) | ksmbd_mask_rwx(ksmbd_sd_grants(sd, NULL));
	ksmbd_sid_unix(&sid, false, uid);
	if (sd->has_owner && ksmbd_sid_equal(&sd->owner, &sid))
		mode = (mode & ~0700) | ksmbd_mask_rwx(ksmbd_sd_grants(sd, &sid)) << 6;
	ksmbd_sid_unix(&sid, true, gid);
	if (sd->has_group && ksmbd_sid_equal(&sd->group, &sid))
		mode = (mode & ~070) | ksmbd_mask_rwx(ksmbd_sd_grants(sd, &sid)) << 3;
	/*
	 * No write bit at all is FILE_ATTRIBUTE_READONLY, which only SET_INFO
	 * of the attributes decides (a DACL never sets or clears it, MS-FSA
	 * 2.1.5.1.2.1 refuses to overwrite a read-only file whatever its DACL
	 * grants): the owner keeps its write bit then, and a read-only file
	 * stays without one.
	 */
	if ((old & 0222) && !(mode & 0222))
		mode |= 0200;
	else if (!(old & 0222))
		mode &= ~0222;
	return mode;
}

/* --- access check -------------------------------------------------------------------- */

u32 ksmbd_sd_map_generic(u32 mask)
{
	if (mask & GENERIC_ALL)
		mask |= FILE_ALL_ACCESS;
	if (mask & GENERIC_READ)
		mask |= FILE_GENERIC_READ;
	if (mask & GENERIC_WRITE)
		mask |= FILE_GENERIC_WRITE;
	if (mask & GENERIC_EXECUTE)
		mask |= FILE_GENERIC_EXECUTE;
	return mask & ~(GENERIC_ALL | GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE);
}

static bool ksmbd_token_has(const struct ksmbd_token *tok, const struct ksmbd_sid *sid)
{
	unsigned int i;

	for (i = 0; i < tok->count; i++)
		if (ksmbd_sid_equal(&tok->sids[i], sid))
			return true;
	return false;
}

u32 ksmbd_sd_access(const struct ksmbd_sd *sd, const struct ksmbd_token *tok, u32 desired,
		    bool *ok)
{
	u32 want = ksmbd_sd_map_generic(desired) & ~MAXIMUM_ALLOWED & ~ACCESS_SYSTEM_SECURITY;
	bool owner = sd->has_owner && ksmbd_token_has(tok, &sd->owner);
	bool owner_rights = false;
	u32 granted = 0, denied = 0;
	int i;

	/* No DACL, or a NULL DACL: everything there is. */
	if (!(sd->control & SE_DACL_PRESENT) || !sd->dacl) {
		*ok = !(want & ~FILE_ALL_ACCESS);
		return desired & MAXIMUM_ALLOWED ? FILE_ALL_ACCESS : want & FILE_ALL_ACCESS;
	}
	for (i = 0; i < sd->dacl->count; i++)
		if (ksmbd_ace_has_sid(sd->dacl->aces[i].type) &&
		    !(sd->dacl->aces[i].flags & KSMBD_ACE_INHERIT_ONLY) &&
		    ksmbd_sid_equal(&sd->dacl->aces[i].sid, &ksmbd_sid_owner_rights))
			owner_rights = true;
	if (owner && !owner_rights)
		granted = READ_CONTROL | WRITE_DAC;
	for (i = 0; i < sd->dacl->count; i++) {
		const struct ksmbd_ace *ace = &sd->dacl->aces[i];
		bool match;
		u32 mask;

		if (ace->flags & KSMBD_ACE_INHERIT_ONLY ||
		    (ace->type != KSMBD_ACE_ALLOWED && ace->type != KSMBD_ACE_DENIED))
			continue;
		match = ksmbd_token_has(tok, &ace->sid) ||
			(owner && ksmbd_sid_equal(&ace->sid, &ksmbd_sid_owner_rights));
		if (!match)
			continue;
		mask = ksmbd_sd_map_generic(ace->mask);
		if (ace->type == KSMBD_ACE_ALLOWED)
			granted |= mask & ~denied;
		else
			denied |= mask & ~granted;
	}
	granted &= FILE_ALL_ACCESS;
	*ok = !(want & ~granted);
	return desired & MAXIMUM_ALLOWED ? granted : want & granted;
}

/* --- inheritance --------------------------------------------------------------------- */

static bool ksmbd_ace_inherits(const struct ksmbd_ace *ace, bool is_dir)
{
	if (!ksmbd_ace_has_sid(ace->type) || ace->type == KSMBD_ACE_MANDATORY_LABEL)
		return false;
	if (is_dir)
		return (ace->flags & KSMBD_ACE_CONTAINER_INHERIT) ||
		       ((ace->flags & KSMBD_ACE_OBJECT_INHERIT) &&
			!(ace->flags & KSMBD_ACE_NO_PROPAGATE));
	return ace->flags & KSMBD_ACE_OBJECT_INHERIT;
}

bool ksmbd_sd_has_inheritable(const struct ksmbd_sd *parent, bool is_dir)
{
	int i;

	if (!(parent->control & SE_DACL_PRESENT) || !parent->dacl)
		return false;
	for (i = 0; i < parent->dacl->count; i++)
		if (ksmbd_ace_inherits(&parent->dacl->aces[i], is_dir))
			return true;
	return false;
}

/* MS-DTYP 2.5.3.4.2 ComputeInheritedACLFromParent, appended to @acl (room for 2 per ACE). */
static void ksmbd_inherit_aces(const struct ksmbd_acl *pacl, bool is_dir, u8 inh,
			       const struct ksmbd_sid *owner, const struct ksmbd_sid *group,
			       struct ksmbd_acl *acl)
{
	int i;

	for (i = 0; i < pacl->count; i++) {
		const struct ksmbd_ace *p = &pacl->aces[i];
		const struct ksmbd_sid *sid = &p->sid;
		bool creator, propagate;
		struct ksmbd_ace *ace;
		u8 flags;

		if (!ksmbd_ace_inherits(p, is_dir))
			continue;
		if (ksmbd_sid_equal(sid, &ksmbd_sid_creator_owner))
			sid = owner;
		else if (ksmbd_sid_equal(sid, &ksmbd_sid_creator_group))
			sid = group;
		creator = sid != &p->sid;
		if (!is_dir) {
			ksmbd_ace_set(&acl->aces[acl->count++], p->type, inh,
				      ksmbd_sd_map_generic(p->mask), sid);
			continue;
		}
		if (!(p->flags & KSMBD_ACE_CONTAINER_INHERIT)) {
			/* object-inherit only: passed on to files below, no effect here */
			ksmbd_ace_set(&acl->aces[acl->count++], p->type,
				      (p->flags & KSMBD_ACE_INHERIT_FLAGS) |
				      KSMBD_ACE_INHERIT_ONLY | inh,
				      p->mask, &p->sid);
			continue;
		}
		propagate = !(p->flags & KSMBD_ACE_NO_PROPAGATE);
		if (!propagate) {
			ksmbd_ace_set(&acl->aces[acl->count++], p->type, inh,
				      ksmbd_sd_map_generic(p->mask), sid);
			continue;
		}
		flags = (p->flags & KSMBD_ACE_INHERIT_FLAGS & ~KSMBD_ACE_INHERIT_ONLY) |
			inh;
		if (creator || (p->mask & (GENERIC_ALL | GENERIC_READ | GENERIC_WRITE |
					   GENERIC_EXECUTE))) {
			/* an effective copy here, the original passed on below */
			ace = &acl->aces[acl->count++];
			ksmbd_ace_set(ace, p->type, inh,
				      ksmbd_sd_map_generic(p->mask), sid);
			ksmbd_ace_set(&acl->aces[acl->count++], p->type,
				      flags | KSMBD_ACE_INHERIT_ONLY, p->mask, &p->sid);
			continue;
		}
		ksmbd_ace_set(&acl->aces[acl->count++], p->type, flags, p->mask, &p->sid);
	}
}

int ksmbd_sd_inherit(const struct ksmbd_sd *parent, const struct ksmbd_sd *creator,
		     const struct ksmbd_token *tok, bool is_dir, struct ksmbd_sd *out,
		     bool *inherited)
{
	struct ksmbd_acl *acl;
	bool auto_inh;

	memset(out, 0, sizeof(*out));
	*inherited = false;
	out->control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
	out->has_owner = out->has_group = true;
	out->owner = creator && creator->has_owner ? creator->owner : tok->user;
	out->group = creator && creator->has_group ? creator->group : tok->group;
	if (creator && (creator->control & SE_DACL_PRESENT)) {
		out->control |= creator->control & (SE_DACL_PROTECTED | SE_DACL_DEFAULTED);
		if (creator->dacl && !(out->dacl = ksmbd_acl_dup(creator->dacl)))
			return -ENOMEM;
		return 0;
	}
	if (parent && ksmbd_sd_has_inheritable(parent, is_dir)) {
		acl = ksmbd_acl_alloc(2 * parent->dacl->count);
		if (!acl)
			return -ENOMEM;
		/*
		 * MS-DTYP 2.5.3.4.2: inherited ACEs are marked INHERITED_ACE only
		 * under automatic inheritance, which the parent's
		 * SE_DACL_AUTO_INHERITED asks for.
		 */
		auto_inh = parent->control & SE_DACL_AUTO_INHERITED;
		ksmbd_inherit_aces(parent->dacl, is_dir, auto_inh ? KSMBD_ACE_INHERITED : 0,
				   &out->owner, &out->group, acl);
		out->dacl = acl;
		if (auto_inh)
			out->control |= SE_DACL_AUTO_INHERITED;
		*inherited = true;
		return 0;
	}
	/* The token's default DACL: the owner and SYSTEM, full control. */
	acl = ksmbd_acl_alloc(2);
	if (!acl)
		return -ENOMEM;
	ksmbd_ace_set(&acl->aces[acl->count++], KSMBD_ACE_ALLOWED, 0, FILE_ALL_ACCESS,
		      &out->owner);
	ksmbd_ace_set(&acl->aces[acl->count++], KSMBD_ACE_ALLOWED, 0, FILE_ALL_ACCESS,
		      &ksmbd_sid_system);
	out->dacl = acl;
	return 0;
}

void ksmbd_acl_map_generic(struct ksmbd_acl *acl)
{
	int i;

	if (!acl)
		return;
	for (i = 0; i < acl->count; i++) {
		struct ksmbd_ace *ace = &acl->aces[i];

		if (ksmbd_ace_has_sid(ace->type) && ace->type != KSMBD_ACE_MANDATORY_LABEL &&
		    !(ace->flags & KSMBD_ACE_INHERIT_ONLY))
			ace->mask = ksmbd_sd_map_generic(ace->mask);
	}
}

/*
 * The control bits an ACL set by SET_INFO keeps: @protected_bit as given;
 * @inh (SE_x_AUTO_INHERITED) only when the caller also set @req
 * (SE_x_AUTO_INHERIT_REQ), which itself is a request and never stored
 * (MS-DTYP 2.4.6; what Windows answers, smbtorture's smb2.acls.INHERITFLAGS).
 */
static u16 ksmbd_sd_set_control(u16 in, u16 protected_bit, u16 inh, u16 req)
{
	u16 control = in & protected_bit;

	if ((in & (inh | req)) == (inh | req))
		control |= inh;
	return control;
}

int ksmbd_sd_merge(struct ksmbd_sd *cur, const struct ksmbd_sd *in, u32 info)
{
	struct ksmbd_acl *acl;

	if (((info & OWNER_SECURITY_INFORMATION) && !in->has_owner) ||
	    ((info & GROUP_SECURITY_INFORMATION) && !in->has_group))
		return -EINVAL;
	if (info & DACL_SECURITY_INFORMATION) {
		acl = NULL;
		if (in->dacl && !(acl = ksmbd_acl_dup(in->dacl)))
			return -ENOMEM;
		/*
		 * Generic rights of the ACEs that apply to the file itself are
		 * stored mapped to the file's specific rights, as Windows does
		 * (smbtorture's smb2.acls.CREATOR and GENERIC read them back);
		 * inherit-only ACEs keep them for what inherits them.
		 */
		ksmbd_acl_map_generic(acl);
		ksmbd_acl_free(cur->dacl);
		cur->dacl = acl;
		cur->control &= ~(SE_DACL_PRESENT | SE_DACL_DEFAULTED | SE_DACL_AUTO_INHERITED |
				  SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ);
		/* A DACL set without SE_DACL_PRESENT is a NULL DACL (MS-DTYP 2.4.6). */
		cur->control |= SE_DACL_PRESENT | (in->control & SE_DACL_DEFAULTED) |
				ksmbd_sd_set_control(in->control, SE_DACL_PROTECTED,
						     SE_DACL_AUTO_INHERITED,
						     SE_DACL_AUTO_INHERIT_REQ);
	}
	if (info & SACL_SECURITY_INFORMATION) {
		acl = NULL;
		if (in->sacl && !(acl = ksmbd_acl_dup(in->sacl)))
			return -ENOMEM;
		ksmbd_acl_free(cur->sacl);
		cur->sacl = acl;
		cur->control &= ~(SE_SACL_PRESENT | SE_SACL_DEFAULTED | SE_SACL_AUTO_INHERITED |
				  SE_SACL_PROTECTED | SE_SACL_AUTO_INHERIT_REQ);
		cur->control |= (in->control & (SE_SACL_PRESENT | SE_SACL_DEFAULTED)) |
				ksmbd_sd_set_control(in->control, SE_SACL_PROTECTED,
						     SE_SACL_AUTO_INHERITED,
						     SE_SACL_AUTO_INHERIT_REQ);
	}
	if (info & OWNER_SECURITY_INFORMATION) {
		cur->owner = in->owner;
		cur->has_owner = true;
	}
	if (info & GROUP_SECURITY_INFORMATION) {
		cur->group = in->group;
		cur->has_group = true;
	}
	if (info & PROTECTED_DACL_SECURITY_INFORMATION)
		cur->control |= SE_DACL_PROTECTED;
	else if (info & UNPROTECTED_DACL_SECURITY_INFORMATION)
		cur->control &= ~SE_DACL_PROTECTED;
	if (info & PROTECTED_SACL_SECURITY_INFORMATION)
		cur->control |= SE_SACL_PROTECTED;
	else if (info & UNPROTECTED_SACL_SECURITY_INFORMATION)
		cur->control &= ~SE_SACL_PROTECTED;
	cur->control |= SE_SELF_RELATIVE;
	return 0;
}

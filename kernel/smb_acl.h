/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NT security descriptors (MS-DTYP 2.4.2 SIDs, 2.4.4 ACEs, 2.4.5 ACLs,
 * 2.4.6 SECURITY_DESCRIPTOR), pure functions without I/O: the self-relative
 * decoder (strict bounds checks) and encoder, the access check (MS-DTYP
 * 2.5.3.2), inheritance on create (2.5.3.4), and the mapping to and from
 * POSIX owner, group and permission bits. smb2_security.c does the I/O.
 */
#ifndef KSMBD_SMB_ACL_H
#define KSMBD_SMB_ACL_H

#include <linux/kernel.h>
#include <linux/types.h>

#define KSMBD_SID_MAX_SUB	15
#define KSMBD_SID_MAX_SIZE	(8 + 4 * KSMBD_SID_MAX_SUB)
/* The largest security descriptor accepted or stored (the xattr too). */
#define KSMBD_SD_MAX		65536

#ifndef ACCESS_SYSTEM_SECURITY
#define ACCESS_SYSTEM_SECURITY		0x01000000
#endif

#define STATUS_PRIVILEGE_NOT_HELD	cpu_to_le32(0xc0000061)
#define STATUS_INVALID_OWNER		cpu_to_le32(0xc000005a)
#define STATUS_INVALID_PRIMARY_GROUP	cpu_to_le32(0xc000005b)
#define STATUS_INVALID_SECURITY_DESCR	cpu_to_le32(0xc0000079)

struct ksmbd_sid {
	u8 revision;
	u8 count;			/* SubAuthorityCount */
	u8 authority[6];		/* IdentifierAuthority, big-endian */
	u32 sub[KSMBD_SID_MAX_SUB];
};

/* ACE types (MS-DTYP 2.4.4.1) whose body is Mask + SID. */
#define KSMBD_ACE_ALLOWED		0x00
#define KSMBD_ACE_DENIED		0x01
#define KSMBD_ACE_AUDIT			0x02
#define KSMBD_ACE_ALARM			0x03
#define KSMBD_ACE_MANDATORY_LABEL	0x11

/* AceFlags */
#define KSMBD_ACE_OBJECT_INHERIT	0x01
#define KSMBD_ACE_CONTAINER_INHERIT	0x02
#define KSMBD_ACE_NO_PROPAGATE		0x04
#define KSMBD_ACE_INHERIT_ONLY		0x08
#define KSMBD_ACE_INHERITED		0x10
#define KSMBD_ACE_INHERIT_FLAGS		0x0f

struct ksmbd_ace {
	u8 type, flags;
	u32 mask;
	struct ksmbd_sid sid;
	/* Other ACE types are kept as they came: the bytes after the header. */
	u16 raw_len;
	u8 *raw;
};

struct ksmbd_acl {
	u8 revision;			/* 2 to 4 */
	u16 count;
	struct ksmbd_ace *aces;
};

/* SECURITY_DESCRIPTOR Control (MS-DTYP 2.4.6) */
#define SE_OWNER_DEFAULTED		0x0001
#define SE_GROUP_DEFAULTED		0x0002
#define SE_DACL_PRESENT			0x0004
#define SE_DACL_DEFAULTED		0x0008
#define SE_SACL_PRESENT			0x0010
#define SE_SACL_DEFAULTED		0x0020
#define SE_DACL_AUTO_INHERIT_REQ	0x0100
#define SE_SACL_AUTO_INHERIT_REQ	0x0200
#define SE_DACL_AUTO_INHERITED		0x0400
#define SE_SACL_AUTO_INHERITED		0x0800
#define SE_DACL_PROTECTED		0x1000
#define SE_SACL_PROTECTED		0x2000
#define SE_RM_CONTROL_VALID		0x4000
#define SE_SELF_RELATIVE		0x8000

/* SECURITY_INFORMATION (MS-DTYP 2.4.7), the AdditionalInformation of QUERY/SET_INFO */
#define OWNER_SECURITY_INFORMATION	0x00000001
#define GROUP_SECURITY_INFORMATION	0x00000002
#define DACL_SECURITY_INFORMATION	0x00000004
#define SACL_SECURITY_INFORMATION	0x00000008
#define LABEL_SECURITY_INFORMATION	0x00000010
#define ATTRIBUTE_SECURITY_INFORMATION	0x00000020
#define SCOPE_SECURITY_INFORMATION	0x00000040
#define BACKUP_SECURITY_INFORMATION	0x00010000
#define UNPROTECTED_SACL_SECURITY_INFORMATION	0x10000000
#define UNPROTECTED_DACL_SECURITY_INFORMATION	0x20000000
#define PROTECTED_SACL_SECURITY_INFORMATION	0x40000000
#define PROTECTED_DACL_SECURITY_INFORMATION	0x80000000

/*
 * A decoded descriptor. A DACL (SACL) is present when its SE_*_PRESENT bit
 * is set; present with @dacl NULL is a NULL DACL (no protection at all).
 */
struct ksmbd_sd {
	u16 control;
	bool has_owner, has_group;
	struct ksmbd_sid owner, group;
	struct ksmbd_acl *dacl, *sacl;
};

/* Who asks: the session's user, primary group and the other groups it is in. */
#define KSMBD_TOKEN_MAX		8
struct ksmbd_token {
	struct ksmbd_sid user, group;
	unsigned int count;		/* of @sids, which includes user and group */
	struct ksmbd_sid sids[KSMBD_TOKEN_MAX];
};

/* Well-known SIDs */
extern const struct ksmbd_sid ksmbd_sid_everyone;		/* S-1-1-0 */
extern const struct ksmbd_sid ksmbd_sid_creator_owner;	/* S-1-3-0 */
extern const struct ksmbd_sid ksmbd_sid_creator_group;	/* S-1-3-1 */
extern const struct ksmbd_sid ksmbd_sid_owner_rights;	/* S-1-3-4 */
extern const struct ksmbd_sid ksmbd_sid_network;		/* S-1-5-2 */
extern const struct ksmbd_sid ksmbd_sid_anonymous;		/* S-1-5-7 */
extern const struct ksmbd_sid ksmbd_sid_authenticated;	/* S-1-5-11 */
extern const struct ksmbd_sid ksmbd_sid_system;		/* S-1-5-18 */
extern const struct ksmbd_sid ksmbd_sid_admins;		/* S-1-5-32-544 */

/* A SID's encoded size, and its encoding into @out (that many bytes). */
size_t ksmbd_sid_size(const struct ksmbd_sid *sid);
void ksmbd_sid_put(const struct ksmbd_sid *sid, u8 *out);
/* Decode the SID at @buf (@len bytes available): its size, or -EINVAL. */
int ksmbd_sid_get(const u8 *buf, size_t len, struct ksmbd_sid *sid);
bool ksmbd_sid_equal(const struct ksmbd_sid *a, const struct ksmbd_sid *b);
/* S-1-22-1-@uid (a Unix user) or S-1-22-2-@gid (a Unix group), as Samba names them */
void ksmbd_sid_unix(struct ksmbd_sid *sid, bool group, u32 id);

/*
 * Decode a self-relative descriptor (MS-DTYP 2.4.6): revision 1, the
 * SE_SELF_RELATIVE bit, every offset inside the buffer and past the header,
 * SIDs of at most 15 sub-authorities, ACLs of revision 2 to 4 whose ACEs fit
 * in AclSize. 0, -EINVAL or -ENOMEM; free with ksmbd_sd_free().
 */
int ksmbd_sd_decode(const u8 *buf, size_t len, struct ksmbd_sd *sd);
void ksmbd_sd_free(struct ksmbd_sd *sd);
/* A deep copy of @src into @dst: 0 or -ENOMEM. */
int ksmbd_sd_copy(struct ksmbd_sd *dst, const struct ksmbd_sd *src);
/*
 * The self-relative encoding of the parts of @sd that @info selects
 * (OWNER/GROUP/DACL/SACL_SECURITY_INFORMATION): its size, and when @out is
 * not NULL the bytes.
 */
size_t ksmbd_sd_encode(const struct ksmbd_sd *sd, u32 info, u8 *out);

/*
 * The descriptor of a file that has none stored: owner S-1-22-1-@uid, group
 * S-1-22-2-@gid, a DACL with one allow ACE each for owner, group and
 * Everyone from the rwx bits of @mode (none for no bits). 0 or -ENOMEM.
 */
int ksmbd_sd_from_mode(u32 uid, u32 gid, u32 mode, bool is_dir, struct ksmbd_sd *sd);
/*
 * The permission bits @sd implies, starting from @mode: the "other" bits from
 * what Everyone is granted, the owner's and group's bits from what the DACL
 * grants S-1-22-1-@uid and S-1-22-2-@gid when those are the SD's owner and
 * group (otherwise they are kept). A NULL DACL leaves @mode alone. A mode
 * with write bits keeps the owner's (read-only is a file attribute).
 */
u32 ksmbd_sd_to_mode(const struct ksmbd_sd *sd, u32 uid, u32 gid, u32 mode);

/* The generic rights of @mask mapped to the file rights (MS-SMB2 2.2.13.1.1). */
u32 ksmbd_sd_map_generic(u32 mask);
/*
 * MS-DTYP 2.5.3.2 AccessCheck of @tok against @sd for @desired (generic
 * rights mapped, MAXIMUM_ALLOWED allowed): the granted mask. The owner always
 * gets READ_CONTROL and WRITE_DAC unless the DACL has an OWNER RIGHTS ACE.
 * *@ok tells whether everything asked for (beyond MAXIMUM_ALLOWED) was
 * granted. ACCESS_SYSTEM_SECURITY is not decided here (a privilege).
 */
u32 ksmbd_sd_access(const struct ksmbd_sd *sd, const struct ksmbd_token *tok, u32 desired,
		    bool *ok);
/*
 * MS-DTYP 2.5.3.4 CreateSecurityDescriptor for a new file (@is_dir: a
 * directory) under @parent, with the client's descriptor @creator (NULL
 * when none): owner and group from @creator or else the token, the DACL
 * from @creator or else the parent's inheritable ACEs (CREATOR OWNER and
 * CREATOR GROUP replaced), or else the token's default (owner and SYSTEM:
 * full control). *@inherited tells whether anything came from the parent.
 * 0, -ENOMEM.
 */
int ksmbd_sd_inherit(const struct ksmbd_sd *parent, const struct ksmbd_sd *creator,
		     const struct ksmbd_token *tok, bool is_dir, struct ksmbd_sd *out,
		     bool *inherited);
/* Whether @parent's DACL has an ACE a new file (@is_dir: directory) would inherit. */
bool ksmbd_sd_has_inheritable(const struct ksmbd_sd *parent, bool is_dir);
/*
 * SET_INFO: replace in @cur the parts @info selects by those of @in (owner,
 * group, DACL, SACL; a DACL without SE_DACL_PRESENT becomes a present NULL
 * DACL; the PROTECTED/UNPROTECTED bits set or clear
 * SE_DACL/SACL_PROTECTED). The generic rights of the new DACL's effective
 * ACEs are mapped (ksmbd_acl_map_generic); SE_x_AUTO_INHERITED is kept only
 * with SE_x_AUTO_INHERIT_REQ, which is not stored. 0, -EINVAL (a selected
 * owner or group missing from @in), -ENOMEM.
 */
int ksmbd_sd_merge(struct ksmbd_sd *cur, const struct ksmbd_sd *in, u32 info);
/* Map the generic rights of @acl's ACEs that are not inherit-only (MS-DTYP 2.4.3). */
void ksmbd_acl_map_generic(struct ksmbd_acl *acl);

#endif

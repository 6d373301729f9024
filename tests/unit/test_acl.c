// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of kernel/smb_acl.c (security descriptors: the self-relative
 * decoder and encoder with its bounds checks, the access check, inheritance,
 * the POSIX mapping) and of lib/sid.c (the users' SIDs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include "smb_acl.h"
#include "smb_wire.h"
#include "sid.h"

#define FILE_ADD_FILE	0x2

static struct ksmbd_sid dom_sid(u32 rid)
{
	struct ksmbd_sid s = { .revision = 1, .count = 5, .authority = { 0, 0, 0, 0, 0, 5 },
			       .sub = { 21, 1, 2, 3, rid } };
	return s;
}

static const struct ksmbd_sid *alice(void)
{
	static struct ksmbd_sid s;

	s = dom_sid(1001);
	return &s;
}

static struct ksmbd_token token_of(u32 rid)
{
	struct ksmbd_token t = { .count = 0 };

	t.user = dom_sid(rid);
	t.group = dom_sid(513);
	t.sids[t.count++] = t.user;
	t.sids[t.count++] = t.group;
	t.sids[t.count++] = ksmbd_sid_everyone;
	t.sids[t.count++] = ksmbd_sid_authenticated;
	return t;
}

/* An SD with owner alice, group Domain Users, and the given ACEs in its DACL. */
static void make_sd(struct ksmbd_sd *sd, int n, const struct ksmbd_ace *aces)
{
	memset(sd, 0, sizeof(*sd));
	sd->control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
	sd->has_owner = sd->has_group = true;
	sd->owner = *alice();
	sd->group = dom_sid(513);
	sd->dacl = kzalloc(sizeof(*sd->dacl), GFP_KERNEL);
	sd->dacl->revision = 2;
	sd->dacl->count = n;
	sd->dacl->aces = kcalloc(n ? n : 1, sizeof(*aces), GFP_KERNEL);
	memcpy(sd->dacl->aces, aces, n * sizeof(*aces));
}

static struct ksmbd_ace ace(u8 type, u8 flags, u32 mask, const struct ksmbd_sid *sid)
{
	struct ksmbd_ace a = { .type = type, .flags = flags, .mask = mask, .sid = *sid };
	return a;
}

/* Encode, decode, encode again: the same bytes. */
static void roundtrip(const struct ksmbd_sd *sd)
{
	size_t n = ksmbd_sd_encode(sd, 0xf, NULL), m;
	u8 *a = malloc(n), *b = malloc(n);
	struct ksmbd_sd back;

	assert_int_equal(ksmbd_sd_encode(sd, 0xf, a), n);
	assert_int_equal(ksmbd_sd_decode(a, n, &back), 0);
	m = ksmbd_sd_encode(&back, 0xf, NULL);
	assert_int_equal(m, n);
	ksmbd_sd_encode(&back, 0xf, b);
	assert_memory_equal(a, b, n);
	ksmbd_sd_free(&back);
	free(a);
	free(b);
}

static void test_sid_codec(void **state)
{
	struct ksmbd_sid s = dom_sid(1234), back;
	u8 buf[KSMBD_SID_MAX_SIZE];

	(void)state;
	assert_int_equal(ksmbd_sid_size(&s), 28);
	ksmbd_sid_put(&s, buf);
	assert_int_equal(ksmbd_sid_get(buf, 28, &back), 28);
	assert_true(ksmbd_sid_equal(&s, &back));
	assert_int_equal(ksmbd_sid_get(buf, 27, &back), -EINVAL);	/* truncated */
	buf[0] = 2;
	assert_int_equal(ksmbd_sid_get(buf, 28, &back), -EINVAL);	/* revision */
	buf[0] = 1;
	buf[1] = 16;
	assert_int_equal(ksmbd_sid_get(buf, 28, &back), -EINVAL);	/* 16 sub-authorities */
	ksmbd_sid_unix(&s, true, 100);
	ksmbd_sid_put(&s, buf);
	assert_memory_equal(buf, "\x01\x02\0\0\0\0\0\x16\x02\0\0\0\x64\0\0\0", 16);
}

/* A descriptor as Windows sends it: owner S-1-5-32-544, group SYSTEM, DACL Everyone:FULL. */
static const u8 win_sd[] = {
	0x01, 0x00, 0x04, 0x80, 0x14, 0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
	/* owner */
	0x01, 0x02, 0, 0, 0, 0, 0, 5, 0x20, 0, 0, 0, 0x20, 0x02, 0, 0,
	/* group */
	0x01, 0x01, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0,
	/* DACL: revision 2, size 28, 1 ACE */
	0x02, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x00, 0x03, 0x14, 0x00, 0xff, 0x01, 0x1f, 0x00,
	0x01, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0,
};

static void test_sd_decode_windows(void **state)
{
	struct ksmbd_sd sd;
	u8 out[sizeof(win_sd)];

	(void)state;
	assert_int_equal(ksmbd_sd_decode(win_sd, sizeof(win_sd), &sd), 0);
	assert_true(sd.has_owner && sd.has_group);
	assert_true(ksmbd_sid_equal(&sd.owner, &ksmbd_sid_admins));
	assert_true(ksmbd_sid_equal(&sd.group, &ksmbd_sid_system));
	assert_non_null(sd.dacl);
	assert_int_equal(sd.dacl->count, 1);
	assert_int_equal(sd.dacl->aces[0].flags, 3);
	assert_int_equal(sd.dacl->aces[0].mask, FILE_ALL_ACCESS);
	assert_true(ksmbd_sid_equal(&sd.dacl->aces[0].sid, &ksmbd_sid_everyone));
	/* Our encoding puts the parts in the same order: the very same bytes. */
	assert_int_equal(ksmbd_sd_encode(&sd, 0xf, out), sizeof(win_sd));
	assert_memory_equal(out, win_sd, sizeof(win_sd));
	/* Only the owner asked for */
	assert_int_equal(ksmbd_sd_encode(&sd, OWNER_SECURITY_INFORMATION, NULL), 20 + 16);
	/* Nothing asked for: the bare header, self-relative */
	assert_int_equal(ksmbd_sd_encode(&sd, 0, out), 20);
	assert_int_equal(out[2] | out[3] << 8, SE_SELF_RELATIVE);
	ksmbd_sd_free(&sd);
}

static void test_sd_decode_bounds(void **state)
{
	u8 buf[sizeof(win_sd)];
	struct ksmbd_sd sd;
	size_t n;

	(void)state;
	/* Every truncation is refused (ASan checks that nothing reads past it). */
	for (n = 0; n < sizeof(win_sd); n++) {
		u8 *p = malloc(n ? n : 1);

		memcpy(p, win_sd, n);
		assert_int_equal(ksmbd_sd_decode(p, n, &sd), -EINVAL);
		free(p);
	}
#define BAD(off, val) do { memcpy(buf, win_sd, sizeof(buf)); buf[off] = (val); \
	assert_int_equal(ksmbd_sd_decode(buf, sizeof(buf), &sd), -EINVAL); } while (0)
	BAD(0, 2);		/* SD revision */
	BAD(4, 0x50);		/* owner offset past the end */
	BAD(4, 0x04);		/* owner offset inside the header */
	BAD(16, 0xff);		/* DACL offset past the end */
	BAD(0x30, 0);		/* ACL revision 0 */
	BAD(0x32, 0xff);	/* AclSize past the end */
	BAD(0x32, 0x04);	/* AclSize below the header */
	BAD(0x34, 0x02);	/* two ACEs in room for one */
	BAD(0x3a, 0x02);	/* AceSize below the header */
	BAD(0x3a, 0x30);	/* AceSize past the ACL */
	BAD(0x41, 0x09);	/* the ACE's SID longer than the ACE */
#undef BAD
	/* An offset of 0 is an absent part; a DACL without SE_DACL_PRESENT is ignored. */
	memcpy(buf, win_sd, sizeof(buf));
	buf[2] = 0;
	assert_int_equal(ksmbd_sd_decode(buf, sizeof(buf), &sd), 0);
	assert_null(sd.dacl);
	ksmbd_sd_free(&sd);
}

static void test_sd_unknown_ace_kept(void **state)
{
	struct ksmbd_sd sd;
	struct ksmbd_ace a[2];
	u8 raw[] = { 0x01, 0, 0x12, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };

	(void)state;
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_GENERIC_READ, &ksmbd_sid_everyone);
	memset(&a[1], 0, sizeof(a[1]));
	a[1].type = 0x05;		/* ACCESS_ALLOWED_OBJECT_ACE: kept as bytes */
	a[1].raw_len = sizeof(raw);
	a[1].raw = kmemdup(raw, sizeof(raw), GFP_KERNEL);
	make_sd(&sd, 2, a);
	sd.dacl->revision = 4;
	roundtrip(&sd);
	ksmbd_sd_free(&sd);
}

static void test_access_check(void **state)
{
	struct ksmbd_token tok = token_of(1001), bob = token_of(1002);
	struct ksmbd_sid bob_sid = dom_sid(1002);
	struct ksmbd_ace a[4];
	struct ksmbd_sd sd;
	bool ok;
	u32 g;

	(void)state;
	/* Deny before allow wins; allow before deny wins (order matters). */
	a[0] = ace(KSMBD_ACE_DENIED, 0, FILE_WRITE_DATA, &bob_sid);
	a[1] = ace(KSMBD_ACE_ALLOWED, 0, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
		   &ksmbd_sid_everyone);
	a[2] = ace(KSMBD_ACE_ALLOWED, KSMBD_ACE_INHERIT_ONLY, FILE_ALL_ACCESS, &bob_sid);
	make_sd(&sd, 3, a);
	ksmbd_sd_access(&sd, &bob, FILE_READ_DATA, &ok);
	assert_true(ok);
	ksmbd_sd_access(&sd, &bob, FILE_WRITE_DATA, &ok);
	assert_false(ok);
	/* Inherit-only ACEs do not count; generic rights are mapped first. */
	ksmbd_sd_access(&sd, &bob, DELETE, &ok);
	assert_false(ok);
	ksmbd_sd_access(&sd, &tok, GENERIC_WRITE, &ok);
	assert_true(ok);
	/* MAXIMUM_ALLOWED: what is granted; the owner gets READ_CONTROL and WRITE_DAC. */
	g = ksmbd_sd_access(&sd, &bob, MAXIMUM_ALLOWED, &ok);
	assert_true(ok);
	assert_int_equal(g, (FILE_GENERIC_READ | FILE_GENERIC_WRITE) & ~FILE_WRITE_DATA);
	g = ksmbd_sd_access(&sd, &tok, MAXIMUM_ALLOWED, &ok);
	assert_int_equal(g, FILE_GENERIC_READ | FILE_GENERIC_WRITE | WRITE_DAC);
	/* An OWNER RIGHTS ACE replaces the owner's implicit rights. */
	ksmbd_sd_free(&sd);
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_READ_DATA, &ksmbd_sid_owner_rights);
	make_sd(&sd, 1, a);
	g = ksmbd_sd_access(&sd, &tok, MAXIMUM_ALLOWED, &ok);
	assert_int_equal(g, FILE_READ_DATA);
	assert_int_equal(ksmbd_sd_access(&sd, &bob, MAXIMUM_ALLOWED, &ok), 0);
	ksmbd_sd_free(&sd);
	/* An empty DACL grants nothing but the owner's rights; a NULL DACL everything. */
	make_sd(&sd, 0, a);
	ksmbd_sd_access(&sd, &bob, FILE_READ_DATA, &ok);
	assert_false(ok);
	assert_int_equal(ksmbd_sd_access(&sd, &tok, MAXIMUM_ALLOWED, &ok), READ_CONTROL | WRITE_DAC);
	ksmbd_sd_free(&sd);
	assert_null(sd.dacl);
	sd.control = SE_SELF_RELATIVE | SE_DACL_PRESENT;
	assert_int_equal(ksmbd_sd_access(&sd, &bob, MAXIMUM_ALLOWED, &ok), FILE_ALL_ACCESS);
	ksmbd_sd_access(&sd, &bob, FILE_WRITE_DATA | DELETE, &ok);
	assert_true(ok);
}

/* The table of smbtorture's smb2.acls.INHERITANCE: parent flags -> file, dir ACEs. */
static void test_inheritance_flags(void **state)
{
	static const struct {
		u8 parent;
		int file_aces;		/* 0: default DACL */
		int dir_aces;
		u8 dir0, dir1;		/* flags of the directory's ACEs */
	} t[] = {
		{ 0, 0, 0, 0, 0 },
		{ 0x1, 1, 1, 0x9, 0 },		/* OI: files get it, dirs pass it on */
		{ 0x2, 0, 2, 0x0, 0xa },	/* CI: effective copy + inherit-only original */
		{ 0x3, 1, 2, 0x0, 0xb },
		{ 0x4, 0, 0, 0, 0 },
		{ 0x5, 1, 0, 0, 0 },		/* OI|NP: not passed to directories */
		{ 0x6, 0, 1, 0x0, 0 },		/* CI|NP: effective only */
		{ 0x8, 0, 0, 0, 0 },
		{ 0x9, 1, 1, 0x9, 0 },
		{ 0xa, 0, 2, 0x0, 0xa },
	};
	struct ksmbd_token tok = token_of(1001);
	struct ksmbd_ace a[2];
	struct ksmbd_sd parent, out;
	bool inh;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		a[0] = ace(KSMBD_ACE_ALLOWED, t[i].parent, FILE_WRITE_DATA,
			   &ksmbd_sid_creator_owner);
		a[1] = ace(KSMBD_ACE_ALLOWED, 0, FILE_ALL_ACCESS, &ksmbd_sid_everyone);
		make_sd(&parent, 2, a);
		assert_int_equal(ksmbd_sd_inherit(&parent, NULL, &tok, false, &out, &inh), 0);
		if (!t[i].file_aces) {
			/* the default: owner and SYSTEM, full control */
			assert_false(inh);
			assert_int_equal(out.dacl->count, 2);
			assert_true(ksmbd_sid_equal(&out.dacl->aces[1].sid, &ksmbd_sid_system));
		} else {
			assert_int_equal(out.dacl->count, 1);
			assert_int_equal(out.dacl->aces[0].flags, 0);
			assert_true(ksmbd_sid_equal(&out.dacl->aces[0].sid, alice()));
		}
		assert_true(ksmbd_sid_equal(&out.owner, alice()));
		roundtrip(&out);
		ksmbd_sd_free(&out);
		assert_int_equal(ksmbd_sd_inherit(&parent, NULL, &tok, true, &out, &inh), 0);
		if (t[i].dir_aces) {
			assert_int_equal(out.dacl->count, t[i].dir_aces);
			assert_int_equal(out.dacl->aces[0].flags, t[i].dir0);
			if (t[i].dir_aces == 2) {
				assert_true(ksmbd_sid_equal(&out.dacl->aces[0].sid, alice()));
				assert_int_equal(out.dacl->aces[1].flags, t[i].dir1);
				assert_true(ksmbd_sid_equal(&out.dacl->aces[1].sid,
							    &ksmbd_sid_creator_owner));
			}
		} else {
			assert_false(inh);
		}
		ksmbd_sd_free(&out);
		ksmbd_sd_free(&parent);
	}
}

static void test_inheritance_auto_and_creator(void **state)
{
	struct ksmbd_token tok = token_of(1001);
	struct ksmbd_sd parent, creator, out;
	struct ksmbd_ace a[1];
	bool inh;

	(void)state;
	/* Under automatic inheritance inherited ACEs are marked, generic rights mapped. */
	a[0] = ace(KSMBD_ACE_ALLOWED, KSMBD_ACE_OBJECT_INHERIT, GENERIC_READ, &ksmbd_sid_everyone);
	make_sd(&parent, 1, a);
	parent.control |= SE_DACL_AUTO_INHERITED;
	assert_int_equal(ksmbd_sd_inherit(&parent, NULL, &tok, false, &out, &inh), 0);
	assert_true(inh);
	assert_true(out.control & SE_DACL_AUTO_INHERITED);
	assert_int_equal(out.dacl->aces[0].flags, KSMBD_ACE_INHERITED);
	assert_int_equal(out.dacl->aces[0].mask, FILE_GENERIC_READ);
	ksmbd_sd_free(&out);
	/* A DACL the creator gives wins over inheritance; its owner too. */
	a[0] = ace(KSMBD_ACE_DENIED, 0, FILE_READ_DATA, alice());
	make_sd(&creator, 1, a);
	creator.owner = ksmbd_sid_admins;
	assert_int_equal(ksmbd_sd_inherit(&parent, &creator, &tok, false, &out, &inh), 0);
	assert_false(inh);
	assert_true(ksmbd_sid_equal(&out.owner, &ksmbd_sid_admins));
	assert_int_equal(out.dacl->count, 1);
	assert_int_equal(out.dacl->aces[0].type, KSMBD_ACE_DENIED);
	ksmbd_sd_free(&out);
	ksmbd_sd_free(&creator);
	ksmbd_sd_free(&parent);
}

static void test_mode_mapping(void **state)
{
	struct ksmbd_sd sd;
	struct ksmbd_sid owner;
	struct ksmbd_ace a[2];
	bool ok;

	(void)state;
	assert_int_equal(ksmbd_sd_from_mode(1000, 100, 0640, false, &sd), 0);
	ksmbd_sid_unix(&owner, false, 1000);
	assert_true(ksmbd_sid_equal(&sd.owner, &owner));
	assert_int_equal(sd.dacl->count, 2);		/* others have no bits: no ACE */
	assert_true(sd.dacl->aces[0].mask & FILE_WRITE_DATA);
	assert_false(sd.dacl->aces[1].mask & FILE_WRITE_DATA);
	assert_int_equal(ksmbd_sd_to_mode(&sd, 1000, 100, 0640), 0640);
	roundtrip(&sd);
	ksmbd_sd_free(&sd);
	/* Everyone may read and write: the other bits; the owner's bits follow its ACE. */
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
		   &ksmbd_sid_everyone);
	make_sd(&sd, 1, a);
	assert_int_equal(ksmbd_sd_to_mode(&sd, 0, 0, 0700), 0706);
	sd.owner = owner;
	assert_int_equal(ksmbd_sd_to_mode(&sd, 1000, 0, 0700), 0606);
	ksmbd_sd_free(&sd);
	/* Nobody may write: the owner keeps its write bit (read-only is an attribute). */
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_GENERIC_READ, &ksmbd_sid_creator_owner);
	make_sd(&sd, 1, a);
	sd.owner = owner;
	assert_int_equal(ksmbd_sd_to_mode(&sd, 1000, 0, 0644), 0240);
	ksmbd_sd_access(&sd, &(struct ksmbd_token){ .count = 0 }, FILE_READ_DATA, &ok);
	assert_false(ok);
	ksmbd_sd_free(&sd);
	/* A read-only file stays read-only whatever the DACL grants. */
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
		   &ksmbd_sid_everyone);
	make_sd(&sd, 1, a);
	assert_int_equal(ksmbd_sd_to_mode(&sd, 0, 0, 0440), 0444);
	ksmbd_sd_free(&sd);
}

static void test_merge(void **state)
{
	struct ksmbd_sd cur, in;
	struct ksmbd_ace a[1];

	(void)state;
	a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_ALL_ACCESS, &ksmbd_sid_everyone);
	make_sd(&cur, 1, a);
	memset(&in, 0, sizeof(in));
	in.has_owner = true;
	in.owner = ksmbd_sid_admins;
	/* A selected part missing from the input is refused. */
	assert_int_equal(ksmbd_sd_merge(&cur, &in, GROUP_SECURITY_INFORMATION), -EINVAL);
	assert_int_equal(ksmbd_sd_merge(&cur, &in, OWNER_SECURITY_INFORMATION), 0);
	assert_true(ksmbd_sid_equal(&cur.owner, &ksmbd_sid_admins));
	assert_int_equal(cur.dacl->count, 1);		/* untouched */
	/* A DACL without SE_DACL_PRESENT: a NULL DACL. */
	assert_int_equal(ksmbd_sd_merge(&cur, &in, DACL_SECURITY_INFORMATION |
					PROTECTED_DACL_SECURITY_INFORMATION), 0);
	assert_null(cur.dacl);
	assert_true(cur.control & SE_DACL_PRESENT);
	assert_true(cur.control & SE_DACL_PROTECTED);
	roundtrip(&cur);
	ksmbd_sd_free(&cur);
}

/*
 * SET_INFO of a DACL: generic rights of the ACEs that apply to the file are
 * mapped, an inherit-only ACE keeps them; SE_DACL_AUTO_INHERITED is kept only
 * with SE_DACL_AUTO_INHERIT_REQ, which is never stored (smb2.acls.GENERIC,
 * INHERITFLAGS).
 */
static void test_merge_set_dacl(void **state)
{
	static const struct {
		u16 in, out;
	} ctl[] = {
		{ 0, 0 },
		{ SE_DACL_AUTO_INHERITED, 0 },
		{ SE_DACL_AUTO_INHERIT_REQ, 0 },
		{ SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ, SE_DACL_AUTO_INHERITED },
		{ SE_DACL_PROTECTED | SE_DACL_AUTO_INHERITED, SE_DACL_PROTECTED },
		{ SE_DACL_PROTECTED | SE_DACL_AUTO_INHERIT_REQ, SE_DACL_PROTECTED },
	};
	struct ksmbd_sd cur, in;
	struct ksmbd_ace a[3];
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ctl); i++) {
		a[0] = ace(KSMBD_ACE_ALLOWED, 0, FILE_ALL_ACCESS, &ksmbd_sid_everyone);
		make_sd(&cur, 1, a);
		cur.control |= SE_DACL_AUTO_INHERITED | SE_DACL_PROTECTED;
		a[0] = ace(KSMBD_ACE_ALLOWED, 0, GENERIC_READ | DELETE, &ksmbd_sid_admins);
		a[1] = ace(KSMBD_ACE_ALLOWED, KSMBD_ACE_OBJECT_INHERIT | KSMBD_ACE_INHERIT_ONLY,
			   GENERIC_ALL, &ksmbd_sid_creator_owner);
		a[2] = ace(KSMBD_ACE_DENIED, KSMBD_ACE_CONTAINER_INHERIT, GENERIC_WRITE,
			   &ksmbd_sid_everyone);
		make_sd(&in, 3, a);
		in.control |= ctl[i].in;
		assert_int_equal(ksmbd_sd_merge(&cur, &in, DACL_SECURITY_INFORMATION), 0);
		assert_int_equal(cur.control & (SE_DACL_AUTO_INHERITED | SE_DACL_AUTO_INHERIT_REQ |
						SE_DACL_PROTECTED), ctl[i].out);
		assert_int_equal(cur.dacl->count, 3);
		assert_int_equal(cur.dacl->aces[0].mask, FILE_GENERIC_READ | DELETE);
		assert_int_equal(cur.dacl->aces[1].mask, GENERIC_ALL);
		assert_int_equal(cur.dacl->aces[2].mask, FILE_GENERIC_WRITE);
		/* the ACE flags are stored as given */
		assert_int_equal(cur.dacl->aces[2].flags, KSMBD_ACE_CONTAINER_INHERIT);
		roundtrip(&cur);
		ksmbd_sd_free(&cur);
		ksmbd_sd_free(&in);
	}
}

static void test_user_sids(void **state)
{
	uint32_t a[3], b[3];
	uint8_t sid[KC_SID_MAX_SIZE];

	(void)state;
	kc_sid_domain("KCTEST", a);
	kc_sid_domain("kctest", b);
	assert_memory_equal(a, b, sizeof(a));		/* the netbios name in any case */
	kc_sid_domain("OTHER", b);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_true(a[0] && a[1] && a[2]);
	assert_int_equal(kc_sid_user_rid("Alice"), kc_sid_user_rid("alice"));
	assert_int_not_equal(kc_sid_user_rid("alice"), kc_sid_user_rid("bob"));
	assert_true(kc_sid_user_rid("alice") >= 1000 && kc_sid_user_rid("alice") < 0x7fffffff);
	/* Stable forever: SDs on disk name these. */
	assert_int_equal(kc_sid_user_rid("torture"), 719782526);
	assert_int_equal(a[0], 2946446193u);
	assert_int_equal(a[1], 705818591u);
	assert_int_equal(a[2], 730510277u);
	assert_int_equal(kc_sid_encode_domain(a, 513, sid), 28);
	assert_memory_equal(sid, "\x01\x05\0\0\0\0\0\x05\x15\0\0\0", 12);
	assert_memory_equal(sid + 24, "\x01\x02\0\0", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sid_codec),
		cmocka_unit_test(test_sd_decode_windows),
		cmocka_unit_test(test_sd_decode_bounds),
		cmocka_unit_test(test_sd_unknown_ace_kept),
		cmocka_unit_test(test_access_check),
		cmocka_unit_test(test_inheritance_flags),
		cmocka_unit_test(test_inheritance_auto_and_creator),
		cmocka_unit_test(test_mode_mapping),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_set_dacl),
		cmocka_unit_test(test_user_sids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SIDs of the node's users (MS-DTYP 2.4.2), computed the same way on every node of a
 * cluster so that a security descriptor stored on the shared filesystem names the same
 * user everywhere:
 *
 *   domain SID   S-1-5-21-A-B-C, A, B and C the three 32-bit words of the FNV-1a 64/32
 *                hashes of the upper-cased "netbios name" (the cluster's name: one global
 *                option for all nodes), see kc_sid_domain();
 *   user         domain-RID, RID = 1000 + (FNV-1a 32 of the lower-cased user name) mod
 *                (2^31 - 1000): stable, and independent of the order users were added;
 *   primary group domain-513 (Domain Users); guests domain-501 / domain-514.
 *
 * Two user names whose hashes collide get the same SID; kc_sid_user_rid() documents the
 * chance (about n^2 / 2^32 for n users).
 */
#ifndef KC_SID_H
#define KC_SID_H

#include <stddef.h>
#include <stdint.h>

#define KC_SID_DOMAIN_USERS	513
#define KC_SID_GUEST		501
#define KC_SID_DOMAIN_GUESTS	514
#define KC_SID_MAX_SIZE		68

/* The three sub-authorities after 21 of the node's domain SID. */
void kc_sid_domain(const char *netbios_name, uint32_t sub[3]);
/* The RID of user @name (any case). */
uint32_t kc_sid_user_rid(const char *name);
/* Encode S-1-5-21-sub[0]-sub[1]-sub[2]-rid (MS-DTYP 2.4.2.2) into out (28 bytes). */
size_t kc_sid_encode_domain(const uint32_t sub[3], uint32_t rid, uint8_t *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mountd's answers to the engine's requests (include/uapi/ksmbd_cluster.h):
 * LOGIN legs of SESSION_SETUP and LOGOUT.
 */
#ifndef MOUNTD_LOGIN_H
#define MOUNTD_LOGIN_H

#include "config.h"
#include "nlchan.h"

struct mountd_login;

/* @confp points at the running configuration, which SIGHUP may replace. */
struct mountd_login *mountd_login_new(const struct kc_conf *const *confp);
void mountd_login_free(struct mountd_login *l);
/* Cluster mode: the registry's users (taken over) and the running configuration's "map to
 * guest" serve the next logons. */
struct kc_passdb;
void mountd_login_set_users(struct mountd_login *l, struct kc_passdb *db);
/* Handle every message the engine has sent: 0, or -ECONNRESET when it closed. */
int mountd_login_dispatch(struct mountd_login *l, struct kc_nlchan *ch);

#endif

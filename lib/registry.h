/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cluster registry as its users see it: building its records from the words of the CLI
 * (share keys checked against the node file's schema, config_schema.c), the mutations that
 * store them (pstore_sm.c describes the format), and the running configuration ksmbd-mountd
 * serves from it: the node file's [global] (node-local settings), overridden by the
 * registry's global SMB options, plus the registry's shares instead of the file's.
 */
#ifndef KC_REGISTRY_H
#define KC_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "pstore.h"
#include "statemachine.h"

/* Whether the node file configures a cluster ("cluster nodes" is not empty). */
bool kc_registry_clustered(const struct kc_conf *conf);

/*
 * Whether @param is a global SMB option the registry may hold for the whole cluster
 * ("server signing", "server string", ...); node-local settings ("node name", "smb ports",
 * "state directory", ...) stay in the node file.
 */
bool kc_registry_global_param(const struct kc_conf_param *param);

/*
 * Set KEY = VALUE (any smb.conf spelling of a share parameter of the schema) on a share
 * record, in canonical form. 0, or -1 with the reason in @err (unknown or [global]-only
 * parameter, invalid value), or -ENOMEM.
 */
int kc_registry_share_set(struct pstore_share *s, const char *key, const char *value,
			  char *err, size_t errlen);

/* The share's parameters as canonical "name = value" pairs, in schema order, then the
 * unknown ones; calls @fn for each; stops at a non-zero return. */
typedef int (*kc_registry_param_fn)(const char *name, const char *value, bool known, void *arg);
int kc_registry_share_params(const struct pstore_share *s, kc_registry_param_fn fn, void *arg);

/* A SET (or CREATE) mutation storing @rec under its key; a DEL of @key. 0 or -errno. */
int kc_registry_mut_put(struct kc_bytes *out, enum kc_sm_op op, const struct pstore_rec *rec);
int kc_registry_mut_del(struct kc_bytes *out, const char *key);

/*
 * The running configuration: @node's [global] with the registry @opts (option records)
 * overriding it, then the registry @shares; @node's own share sections are left out.
 * Records that cannot be served (an unknown parameter, a value the schema refuses, a name
 * that cannot be a section) are reported on @diag and skipped: a share without its unknown
 * parameters, an option or share left out. Returns the parsed configuration, or NULL.
 */
struct kc_conf *kc_registry_conf(const struct kc_conf *node, struct pstore_share *const *shares,
				 size_t nshares, struct pstore_option *const *opts, size_t nopts,
				 FILE *diag);

#endif /* KC_REGISTRY_H */

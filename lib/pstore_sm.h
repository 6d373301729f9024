/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The replicated state machine on libpstore: the cluster registry ("share:", "user:",
 * "option:", "ip:" records) and the node table ("node:" records) in the registry and nodes
 * databases of a state directory. The mutation and snapshot formats are described at the
 * top of pstore_sm.c and in docs/architecture.md ("Registry").
 */
#ifndef KC_PSTORE_SM_H
#define KC_PSTORE_SM_H

#include "statemachine.h"

/* Open (creating them if needed) the databases in @dir. Returns 0 or -errno (logged). */
int kc_pstore_sm_new(struct kc_sm *sm, const char *dir);

#endif /* KC_PSTORE_SM_H */

// SPDX-License-Identifier: GPL-2.0-or-later
/* ksmbd-clusterd: cluster membership, replicated state and public-IP failover. */
#include "daemon.h"

int main(int argc, char **argv)
{
	static const struct kc_daemon_info info = {
		.name = "ksmbd-clusterd",
		.summary = "Cluster daemon of ksmbd-cluster: corosync membership and quorum, replication\n"
			   "of handle and registry state into the persistent store, public-IP failover.",
		.missing = "cluster membership and replication",
	};

	return kc_daemon_unimplemented_main(argc, argv, &info);
}

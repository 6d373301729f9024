// SPDX-License-Identifier: GPL-2.0-or-later
/* ksmbd-witnessd: the MS-SWN witness service. */
#include "daemon.h"

int main(int argc, char **argv)
{
	static const struct kc_daemon_info info = {
		.name = "ksmbd-witnessd",
		.summary = "Witness daemon of ksmbd-cluster: the MS-SWN service that tells clients to move\n"
			   "to another node before they notice a failure.",
		.missing = "the MS-SWN witness service",
	};

	return kc_daemon_unimplemented_main(argc, argv, &info);
}

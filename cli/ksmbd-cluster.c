/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-cluster: administration CLI of a ksmbd-cluster node.
 *
 *   ksmbd-cluster [-c FILE] COMMAND [ARGUMENTS]
 *
 * The commands and their grammar are in parser.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

enum { OPT_VERSION = 0x100 };

static const struct option long_options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct kc_cli cli = { .config_path = KC_CONF_DEFAULT_PATH };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 'h':
			kc_cli_usage(stdout);
			return KC_EXIT_OK;
		case OPT_VERSION:
			printf("%s %s\n", KC_CLI_NAME, KC_VERSION);
			return KC_EXIT_OK;
		case ':':
			return kc_cli_usage_error("option '%s' requires an argument",
						  argv[optind - 1]);
		default:
			if (optopt)
				return kc_cli_usage_error("unknown option '-%c'", optopt);
			return kc_cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!*cli.config_path)
		return kc_cli_usage_error("option '-c' requires a file name");
	return kc_cli_dispatch(&cli, argc - optind, argv + optind);
}

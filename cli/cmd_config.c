/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ksmbd-cluster config check | print
 */
#include <stdio.h>

#include "cli.h"
#include "config.h"

/* Flush stdout and report a failed write; returns the exit code. */
static int finish_stdout(int code)
{
	if (fflush(stdout) || ferror(stdout)) {
		perror(KC_CLI_NAME ": write error");
		return KC_EXIT_FAILED;
	}
	return code;
}

int kc_cmd_config_check(struct kc_cli *cli)
{
	struct kc_conf *conf;

	if (kc_conf_load(cli->config_path, &conf, stderr))
		return KC_EXIT_FAILED;
	kc_conf_free(conf);
	printf("%s: configuration OK\n", cli->config_path);
	return finish_stdout(KC_EXIT_OK);
}

int kc_cmd_config_print(struct kc_cli *cli)
{
	struct kc_conf *conf;

	if (kc_conf_load(cli->config_path, &conf, stderr))
		return KC_EXIT_FAILED;
	kc_conf_print(conf, stdout);
	kc_conf_free(conf);
	return finish_stdout(KC_EXIT_OK);
}

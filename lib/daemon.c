// SPDX-License-Identifier: GPL-2.0-or-later
/* What the daemons share; see daemon.h. */
#include <fcntl.h>
#include <getopt.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdbool.h>
#include <stdio.h>
#include "config.h"
#include "daemon.h"
#include "log.h"

static void usage(FILE *out, const struct kc_daemon_info *info)
{
	fprintf(out,
		"usage: %s [-FndP] [-c FILE]\n"
		"\n"
		"%s\n"
		"\n"
		"  -c, --config FILE   node configuration (default %s)\n"
		"  -F, --foreground    stay in the foreground and log to stderr\n"
		"  -n, --check         check the configuration and exit\n"
		"  -P, --print-config  print the configuration in canonical form and exit\n"
		"  -d, --debug         log debug messages\n"
		"  -h, --help          show this help and exit\n"
		"      --version       show the version and exit\n"
		"\n"
		"Not implemented yet: %s. Without -n or -P it exits with status 1.\n"
		"Exit status: 0 check passed, 1 failure, 2 usage error.\n",
		info->name, info->summary, KC_CONF_DEFAULT_PATH, info->missing);
}

int kc_daemon_unimplemented_main(int argc, char **argv, const struct kc_daemon_info *info)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'n' },
		{ "print-config", no_argument, NULL, 'P' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = KC_CONF_DEFAULT_PATH;
	bool check = false, print = false;
	struct kc_conf *conf;
	int c;

	while ((c = getopt_long(argc, argv, "c:FnPdh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'n': check = true; break;
		case 'P': print = true; break;
		case 'F':
		case 'd': break;
		case 'h': usage(stdout, info); return 0;
		case 'V': printf("%s %s\n", info->name, KC_VERSION); return 0;
		default:
			fprintf(stderr, "try '%s --help'\n", info->name);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\ntry '%s --help'\n", info->name,
			argv[optind], info->name);
		return 2;
	}
	if (kc_conf_load(path, &conf, stderr))
		return 1;
	if (print)
		kc_conf_print(conf, stdout);
	else if (check)
		printf("%s: configuration OK\n", path);
	kc_conf_free(conf);
	if (check || print)
		return 0;
	fprintf(stderr, "%s: %s is not implemented yet; refusing to start\n", info->name,
		info->missing);
	return 1;
}

void kc_daemon_detach(int *ready_fd)
{
	int p[2], status;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		fatal("pipe");
	pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) == 1)
			_exit(0);
		waitpid(pid, &status, 0);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	close(p[0]);
	setsid();
	*ready_fd = p[1];
}

void kc_daemon_ready(int *ready_fd)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, "r", 1) != 1)
		log_warn("readiness pipe");
	close(*ready_fd);
	*ready_fd = -1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ksmbd-engine: the engine as a user-space process. main() plays the module
 * loader: it calls the engine's module_init() function, serves the IPC socket
 * until SIGTERM/SIGINT, then calls module_exit().
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <uapi/ksmbd_cluster.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <linux/string.h>
#include <unistd.h>
#include "port_user.h"

#define DEFAULT_SOCKET "/run/ksmbd-cluster/engine.sock"

static int stop_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;
	ssize_t r;

	(void)sig;
	r = write(stop_pipe[1], "x", 1);
	(void)r;
	errno = saved;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ksmbd-engine [-d] [-s SOCKET]\n"
		"\n"
		"The ksmbd-cluster SMB engine as a user-space process, for hosts that cannot\n"
		"load ksmbd_cluster.ko. It is normally started and supervised by ksmbd-mountd;\n"
		"it serves the engine IPC protocol (include/uapi/ksmbd_cluster.h) on a UNIX\n"
		"socket and listens for SMB clients once its peer has sent START.\n"
		"\n"
		"  -s, --socket PATH  IPC socket to create (default %s)\n"
		"  -d, --debug        log debug messages too\n"
		"  -h, --help         show this help and exit\n"
		"      --version      show the version and exit\n"
		"\n"
		"It stays in the foreground, logs to stderr, and exits on SIGTERM or SIGINT\n"
		"after closing every client connection. Exit status: 0 after a clean stop,\n"
		"1 when it could not start, 2 on a usage error.\n", DEFAULT_SOCKET);
}

/*
 * Every open of a client is a descriptor here: take all the hard limit
 * allows (the soft limit is often 1024, the hard one much more), so that a
 * client opening thousands of files (smbtorture's smb2.maxfid) meets the
 * engine's own limit on opens (ksmbd_port_max_opens) and not EMFILE.
 */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fprintf(stderr, "ksmbd-engine: cannot raise the open files limit: %s\n",
			strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = DEFAULT_SOCKET;
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:dh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sock = optarg;
			break;
		case 'd':
			ksmbd_port_log_level = 7;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ksmbd-engine %s (IPC protocol %u)\n", KC_VERSION,
			       KSMBD_CLUSTER_PROTO_VERSION);
			return 0;
		default:
			fprintf(stderr, "try 'ksmbd-engine --help'\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ksmbd-engine: unexpected argument '%s'\ntry 'ksmbd-engine --help'\n",
			argv[optind]);
		return 2;
	}

	if (pipe2(stop_pipe, O_CLOEXEC)) {
		perror("ksmbd-engine: pipe");
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	raise_nofile();
	ret = ksmbd_port_module_init();
	if (ret) {
		fprintf(stderr, "ksmbd-engine: engine initialisation failed: %s\n", strerror(-ret));
		return 1;
	}
	ret = ksmbd_port_ipc_serve(sock, stop_pipe[0]);
	if (ret)
		fprintf(stderr, "ksmbd-engine: cannot serve IPC socket %s: %s\n", sock,
			ret == -EADDRINUSE ? "another engine is serving it" : strerror(-ret));
	ksmbd_port_module_exit();
	return ret ? 1 : 0;
}

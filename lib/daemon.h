/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daemons share: detaching with a readiness pipe, and the command
 * line of the daemons whose service is not implemented yet.
 */
#ifndef KC_DAEMON_H
#define KC_DAEMON_H

struct kc_daemon_info {
	const char *name;	/* program name */
	const char *summary;	/* one paragraph for --help */
	const char *missing;	/* what is not implemented, for the refusal message */
};

/*
 * Parse -c FILE, -n, -P, -F, -d, -h and --version; check or print the
 * configuration when asked. Running the service itself fails with exit status
 * 1 and a message saying it is not implemented yet, rather than pretending.
 */
int kc_daemon_unimplemented_main(int argc, char **argv, const struct kc_daemon_info *info);

/*
 * Detach from the terminal (fork, setsid). The parent exits only when the
 * child calls kc_daemon_ready() (status 0) or exits (its status), so
 * "ksmbd-mountd && next" works. *@ready_fd is the child's end of the pipe.
 */
void kc_daemon_detach(int *ready_fd);
/* Tell the waiting parent that the daemon is serving; -1 (foreground) is a no-op. */
void kc_daemon_ready(int *ready_fd);

#endif

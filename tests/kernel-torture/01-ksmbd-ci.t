#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole ksmbd CI list (tests/torture/ksmbd-ci, 188 tests) against
# ksmbd_cluster.ko in the QEMU/TCG guest: tests/kernel/torture-guest.sh.
# Not part of make test (it takes long under TCG): make test-kernel-torture.
KC_GUEST_TORTURE_LIST=$(cd "$(dirname "$0")/../torture" && pwd)/ksmbd-ci \
	exec "$(dirname "$0")/../kernel/torture-guest.sh"

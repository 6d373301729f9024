#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The whole ksmbd CI list (tests/torture/ksmbd-ci, 188 tests) against
# ksmbd_cluster.ko in the QEMU/TCG guest: tests/kernel/torture-guest.sh.
# Not part of make test (it takes long under TCG): make test-kernel-torture.
# Time limits: 20 times the torture layer's (KC_GUEST_TIME_SCALE), since creating
# hundreds of files (smb2.dir.many, large-files, sorted) is 20-25 times slower in
# the guest than against ksmbd-engine on the host.
export KC_GUEST_TIME_SCALE=${KC_GUEST_TIME_SCALE:-20}
KC_GUEST_TORTURE_LIST=$(cd "$(dirname "$0")/../torture" && pwd)/ksmbd-ci \
	exec "$(dirname "$0")/../kernel/torture-guest.sh"

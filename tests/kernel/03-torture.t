#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smbtorture against ksmbd_cluster.ko in the QEMU/TCG guest, on a representative
# subset of the ksmbd CI list (tests/kernel/torture-quick, a few minutes):
# tests/kernel/torture-guest.sh. The whole list: make test-kernel-torture.
KC_GUEST_TORTURE_LIST=$(cd "$(dirname "$0")" && pwd)/torture-quick \
	exec "$(dirname "$0")/torture-guest.sh"

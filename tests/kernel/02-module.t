#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ksmbd_cluster.ko in a QEMU/TCG guest running Debian's 6.1 kernel: boots the
# guest with tests/kernel/vm.sh and runs tests/kernel/guest-module.sh in it.
# The guest console and dmesg are kept in build/test-logs/kernel/.
top=$(cd "$(dirname "$0")/../.." && pwd)
logs=$top/build/test-logs/kernel
mkdir -p "$logs"
if [ ! -f "$top/kernel/ksmbd_cluster.ko" ]; then
	echo "not ok 1 - kernel/ksmbd_cluster.ko is not built (make module)"
	exit 1
fi
cd "$top" || exit 1
KC_GUEST_DMESG=/scratch/guest-dmesg.txt exec tests/kernel/vm.sh --timeout 600 \
	--log "$logs/02-module.console.log" --scratch "$(mktemp -d /tmp/kc-vm-XXXXXX)" -- \
	env KC_BIN="${KC_BIN:-$top/build/default/bin}" KC_GUEST_DMESG=/scratch/guest-dmesg.txt \
	tests/kernel/guest-module.sh

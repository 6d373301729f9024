#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# guest-torture-server.sh SCRATCH SECONDS: runs inside the QEMU guest that
# tests/kernel/torture-guest.sh boots (vm.sh --hostfwd 445:445 --disk-mb).
# Loads ksmbd_cluster.ko and serves the smbtorture node of
# tests/torture/torture.sh through it (users torture and torture2, a writable
# [share] on the guest's ext4 disk), until the host has run its suites or
# SECONDS have passed. Talks to the host through files in SCRATCH:
#   server.ready   written (by the guest) once mountd serves through the module
#   server.failed  written instead when that fails (mountd's log follows)
#   host.done      written by the host when its suites are over
# then stops the node and the module and prints its checks on stdout, one per
# line: "ok<TAB>DESCRIPTION" or "not ok<TAB>DESCRIPTION", diagnostics as "# ...".
# Keeps mountd.log and the guest's dmesg in SCRATCH.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../torture/torture.sh"

scratch=$1 secs=$2
ko=$KC_TOP/kernel/ksmbd_cluster.ko
dir=/mnt/disk/node

check() {	# check DESC CMD...: one result line.
	local desc=$1
	shift
	if "$@" >/dev/null 2>&1; then
		printf 'ok\t%s\n' "$desc"
	else
		printf 'not ok\t%s\n' "$desc"
	fi
}

dmesg -c >/dev/null
mkdir -p "$dir"
if ! out=$(insmod "$ko" 2>&1); then
	printf 'insmod %s: %s\n' "$ko" "$out" >"$scratch/server.failed"
	exit 1
fi
if ! KC_ENGINE=kernel kc_torture_node "$dir"; then
	cp "$dir/mountd.log" "$scratch/server.failed"
	exit 1
fi
printf '%s\n' "$KC_MOUNTD_PID" >"$scratch/server.ready"

# The host runs its suites now. It may take a long time: poll once a second.
deadline=$(( $(date +%s) + secs ))
while [ ! -e "$scratch/host.done" ] && [ "$(date +%s)" -lt "$deadline" ]; do
	sleep 1
done
check "the host finished its suites within ${secs}s" test -e "$scratch/host.done"

check "ksmbd-mountd stayed attached to the module through every suite" kill -0 "$KC_MOUNTD_PID"
check "the module still serves on port 445" kc_port_open 445
kill -TERM "$KC_MOUNTD_PID"
kc_wait_exit "$KC_MOUNTD_PID" 60
check "ksmbd-mountd exits 0 on SIGTERM" test "${KC_EXIT_STATUS:-1}" -eq 0
check "rmmod ksmbd_cluster after the suites" timeout 120 rmmod ksmbd_cluster
cp "$dir/mountd.log" "$scratch/mountd.log"
dmesg >"$scratch/guest-dmesg.txt" 2>&1
if grep -Eq 'BUG:|WARNING:|Oops|general protection|refcount_t|list_(add|del) corruption|INFO: task .* blocked' \
	"$scratch/guest-dmesg.txt"; then
	printf 'not ok\t%s\n' "no kernel BUG, WARNING or oops in the guest's dmesg"
	grep -E -A8 'BUG:|WARNING:|Oops|general protection|refcount_t|corruption|blocked' \
		"$scratch/guest-dmesg.txt" | head -60 | sed 's/^/#   /'
else
	printf 'ok\t%s\n' "no kernel BUG, WARNING or oops in the guest's dmesg"
fi
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smbtorture against ksmbd_cluster.ko: the torture layer's machinery
# (tests/torture/torture.sh) run from the host against the kernel module
# serving in a QEMU/TCG guest (tests/kernel/vm.sh). Prints TAP. Run by
# tests/kernel/03-torture.t (a representative subset, part of make test) and
# tests/kernel-torture/01-ksmbd-ci.t (the whole ksmbd CI list, make
# test-kernel-torture); docs/testing.md explains both.
#
#  - The test re-runs itself in a network namespace of its own. QEMU's
#    user-mode network (restrict=on: the guest reaches nothing) forwards that
#    namespace's 127.0.0.1:445 to the guest, where ksmbd-mountd serves the
#    torture node (users torture and torture2, [share] on an ext4 disk) through
#    the module (tests/kernel/guest-torture-server.sh). smbtorture runs on the
#    host at full speed; only the server runs under TCG.
#  - KC_GUEST_TORTURE_LIST names the tests to run (the form of
#    tests/torture/ksmbd-ci; default tests/kernel/torture-quick). Each suite
#    runs with the limits of KC_TORTURE_SUITES times KC_GUEST_TIME_SCALE
#    (default 4); suites of the list the torture layer does not run yet get
#    the limits below, and their results, covered by no list, are TAP skips.
#  - Results are checked against tests/torture/expected and known-failures
#    like the torture layer's, with tests/kernel/known-failures-module on top:
#    subtests the engine passes and the module does not, each with its reason.
#  - After each suite the guest console is read: after a kernel BUG, Oops or
#    WARNING no further suite runs (everything after it would be poisoned).
#    At the end the guest stops mountd, unloads the module and checks dmesg.
# Logs: build/test-logs/kernel/torture-LIST/ (smbtorture's raw output per
# suite, console.log, mountd.log, guest-dmesg.txt).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/../torture/torture.sh"

kc_own_netns kc-ktorture "$@"

list=${KC_GUEST_TORTURE_LIST:-$KC_TOP/tests/kernel/torture-quick}
list=$(readlink -f "$list")
module_known=$KC_TOP/tests/kernel/known-failures-module
KC_TORTURE_TIME_SCALE=${KC_GUEST_TIME_SCALE:-4}
KC_TORTURE_SUBSET=$list
KC_TORTURE_KNOWN_DESC="known-failures"
# Suites of the ksmbd CI list that KC_TORTURE_SUITES does not hold (yet), with
# limits in the same units (before the scale).
for entry in smb2.oplock:600:40 smb2.durable-open:300:40 smb2.durable-v2-open:300:40 smb2.maxfid:120:60; do
	kc_torture_suite_runs "${entry%%:*}" || KC_TORTURE_SUITES+=("$entry")
done

logs=$KC_TOP/build/test-logs/kernel/torture-$(basename "$list")
rm -rf "$logs"
mkdir -p "$logs"
KC_TORTURE_LOGS=$logs/smbtorture
tmp=$(mktemp -d)
scratch=$(mktemp -d /tmp/kc-ktorture-XXXXXX)
vm_pid=
cleanup() {
	if [ -n "$vm_pid" ] && kill -0 "$vm_pid" 2>/dev/null; then
		kill -TERM "$vm_pid" 2>/dev/null	# vm.sh stops its QEMU
		wait "$vm_pid" 2>/dev/null
	fi
	rm -rf "$tmp" "$scratch"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

for f in "$KC_TOP/kernel/ksmbd_cluster.ko" "$KC_BIN/ksmbd-mountd" "$list"; do
	if [ ! -f "$f" ]; then
		tap_fail "$f exists (make module, make user)"
		tap_done
		exit
	fi
done
command -v smbtorture >/dev/null || {
	tap_fail "smbtorture is installed (Debian package samba-testsuite; make deps)"
	tap_done
	exit
}

# The module's own list: reasons, and only subtests the engine passes (what the
# engine fails belongs in tests/torture/known-failures).
noreason=$(awk '!/^[[:space:]]*(#|$)/ && !/#[[:space:]]*[^[:space:]]/ { print }' "$module_known")
if [ -z "$noreason" ]; then
	tap_ok "every entry of known-failures-module gives a reason"
else
	tap_fail "every entry of known-failures-module gives a reason"
	printf '%s\n' "$noreason" | sed 's/^/#   /'
fi
stale=$(awk "$KC__NAME_AWK"' NF { print }' "$module_known" | while IFS= read -r n; do
	kc_torture_is_expected "$n" || printf '%s\n' "$n"
done)
if [ -z "$stale" ]; then
	tap_ok "every entry of known-failures-module is a subtest the engine passes"
else
	tap_fail "every entry of known-failures-module is a subtest the engine passes"
	printf '%s\n' "$stale" | sed 's/^/#   /'
fi
kc_torture_lists_with "$module_known" "$tmp"
KC_TORTURE_KNOWN_DESC="known-failures-module or tests/torture/known-failures"

# Time for the guest: the scaled limits of the suites that run, plus boot and shutdown.
budget=600
for entry in "${KC_TORTURE_SUITES[@]}"; do
	IFS=: read -r suite secs _ <<<"$entry"
	[ -n "$(kc_torture_subset_entries "$suite")" ] && budget=$((budget + secs * KC_TORTURE_TIME_SCALE))
done

start=$(date +%s)
"$KC_TOP/tests/kernel/vm.sh" --verbose --timeout "$((budget + 300))" --disk-mb 1024 \
	--hostfwd 445:445 --scratch "$scratch" --log "$logs/console.log" -- \
	env KC_BIN="$KC_BIN" "$KC_TOP/tests/kernel/guest-torture-server.sh" "$scratch" "$budget" \
	>"$logs/vm.out" 2>"$logs/vm.err" &
vm_pid=$!

guest_up() { [ -e "$scratch/server.ready" ] || [ -e "$scratch/server.failed" ] || ! kill -0 "$vm_pid"; }
if ! wait_for 300 guest_up || [ ! -e "$scratch/server.ready" ]; then
	tap_fail "the guest loads the module and serves the torture node"
	cat "$scratch/server.failed" "$logs/vm.err" 2>/dev/null | tail -n 30 | sed 's/^/#   /'
	tap_done
	exit
fi
tap_ok "the guest loads the module and serves the torture node ($(( $(date +%s) - start ))s after boot)"

# After each suite: stop when the guest is gone or its kernel complained.
oops_re='BUG:|Oops|general protection fault|WARNING: CPU:|refcount_t:|list_(add|del) corruption|INFO: task .* blocked'
guest_healthy() {
	if ! kill -0 "$vm_pid" 2>/dev/null; then
		echo "$1" >"$tmp/stopped-guest-gone"
		return 1
	fi
	if grep -Eq "$oops_re" "$logs/console.log"; then
		echo "$1" >"$tmp/stopped-oops"
		return 1
	fi
}
KC_TORTURE_SUITE_HOOK=guest_healthy
KC_TORTURE_RESULTS=$tmp/results
: >"$KC_TORTURE_RESULTS"
mkdir -p "$KC_TORTURE_LOGS"
kc_torture_run_suites "$tmp"
: >"$scratch/host.done"
tap_diag "suites ran in $(( $(date +%s) - start ))s (time scale x$KC_TORTURE_TIME_SCALE):" \
	"  $(tr '\t\n' '= ' <"$tmp/timings")" "raw smbtorture output: $KC_TORTURE_LOGS"
if [ -e "$tmp/stopped-oops" ]; then
	tap_fail "no guest kernel BUG, Oops or WARNING during the suites (first seen after $(cat "$tmp/stopped-oops"); later suites not run)"
	grep -E -A20 -m1 "$oops_re" "$logs/console.log" | tr -d '\r' | sed 's/^/#   /'
elif [ -e "$tmp/stopped-guest-gone" ]; then
	tap_fail "the guest kept running through the suites (gone after $(cat "$tmp/stopped-guest-gone"); later suites not run)"
	tail -n 40 "$logs/console.log" | tr -d '\r' | sed 's/^/#   /'
else
	tap_ok "the guest kernel stayed healthy through every suite"
fi

kc_torture_report
kc_torture_ci_summary

# The guest's own checks, once it has stopped the node and the module.
wait "$vm_pid"
vm_rc=$?
vm_pid=
while IFS= read -r line; do
	case $line in
	"ok	"*) tap_ok "guest: ${line#ok	}" ;;
	"not ok	"*) tap_fail "guest: ${line#not ok	}" ;;
	"#"*) printf '%s\n' "$line" ;;
	esac
done <"$logs/vm.out"
if [ "$vm_rc" -eq 0 ]; then
	tap_ok "the guest shut down cleanly"
else
	tap_fail "the guest shut down cleanly (vm.sh exit status $vm_rc)"
	tail -n 20 "$logs/vm.err" | sed 's/^/#   /'
fi
cp "$scratch/mountd.log" "$scratch/guest-dmesg.txt" "$logs/" 2>/dev/null
kc_check_sanitizers "no BUG or WARNING in the daemons' log" "$logs/mountd.log"
tap_diag "$(sed -n 's/^vm\.sh: \(boot-to-command.*\)/\1/p' "$logs/vm.err")"
tap_done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Samba's smbtorture (Debian's samba-testsuite) against ksmbd-engine +
# ksmbd-mountd in a network namespace of its own. Every subtest of the suites in
# tests/torture/torture.sh is one TAP line:
#   listed in tests/torture/expected        must pass;
#   listed in tests/torture/known-failures  must not pass (ok, "# TODO" with the
#                                           listed reason); passing is a failure
#                                           ("unexpected pass"), so the list stays honest;
#   listed nowhere                          a failure either way (add it to a list).
# A listed subtest that reports nothing (gone, or never reached because a suite
# aborted or ran out of time) counts as failed. smbtorture's skips are TAP
# skips, unless the subtest is expected to pass. The engine must survive and
# its log must be free of sanitizer reports.
#
# KC_TORTURE_ONLY="smb2.read smb2.dir" runs only those suites (then only their
# list entries are checked). tests/torture/update-lists.sh re-baselines the lists.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/torture.sh"

kc_own_netns kc-torture "$@"

command -v smbtorture >/dev/null || {
	tap_fail "smbtorture is installed (Debian package samba-testsuite; make deps)"
	tap_done
	exit
}

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT
KC_TORTURE_LOGS=${KC_BUILD:-$KC_TOP/build/default}/../test-logs/torture/smbtorture
KC_TORTURE_LOGS=$(mkdir -p "$KC_TORTURE_LOGS" && cd "$KC_TORTURE_LOGS" && pwd)

kc_torture_check_lists

start=$(date +%s)
kc_torture_run_all "$tmp"
if [ "$KC_TORTURE_NODE_OK" != 1 ]; then
	tap_fail "node starts"
	sed 's/^/#   /' "$tmp/mountd.log"
	tap_done
	exit
fi
tap_diag "suites ran in $(( $(date +%s) - start ))s: $(tr '\t\n' '= ' <"$tmp/timings")" \
	"raw smbtorture output: $KC_TORTURE_LOGS"

# Every subtest the suites reported, plus the listed ones they did not; then where
# the entries of the kernel ksmbd's CI list (tests/torture/ksmbd-ci) stand.
kc_torture_report
[ -z "${KC_TORTURE_ONLY:-}" ] && kc_torture_ci_summary

if [ "$KC_TORTURE_ENGINE_ALIVE" = 1 ]; then
	tap_ok "ksmbd-engine survived every suite"
else
	tap_fail "ksmbd-engine survived every suite"
	tail -n 20 "$tmp/mountd.log" | sed 's/^/#   /'
fi
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the daemons' logs" "$tmp/mountd.log"
tap_done

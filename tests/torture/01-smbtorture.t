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

# The lists themselves: no name in both, every known failure has a reason.
both=$(comm -12 <(awk "$KC__NAME_AWK"' NF { print }' "$KC_TORTURE_EXPECTED" | sort -u) \
		<(awk "$KC__NAME_AWK"' NF { print }' "$KC_TORTURE_KNOWN" | sort -u))
if [ -z "$both" ]; then
	tap_ok "no subtest is in both expected and known-failures"
else
	tap_fail "no subtest is in both expected and known-failures"
	printf '%s\n' "$both" | sed 's/^/#   /'
fi
noreason=$(awk '!/^[[:space:]]*(#|$)/ && !/#[[:space:]]*[^[:space:]]/ { print }' "$KC_TORTURE_KNOWN")
if [ -z "$noreason" ]; then
	tap_ok "every entry of known-failures gives a reason"
else
	tap_fail "every entry of known-failures gives a reason"
	printf '%s\n' "$noreason" | sed 's/^/#   /'
fi

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

# Every subtest the suites reported, plus the listed ones they did not.
while IFS=$'\t' read -r name status msg; do
	if kc_torture_is_expected "$name"; then
		if [ "$status" = success ]; then
			tap_ok "$name"
		else
			tap_fail "$name: $status"
			[ -n "$msg" ] && tap_diag "  $msg"
		fi
	elif kc_torture_is_known "$name"; then
		reason=$(kc_torture_reason "$name")
		case $status in
		success)
			tap_fail "$name: unexpected pass, remove it from known-failures ($reason)" ;;
		skip)
			tap_skip "$name" "smbtorture skipped it: $msg (listed: $reason)" ;;
		*)
			# A known failure: "not ok # TODO" (TAP), which run-layer.sh counts as skipped.
			TAP_N=$((TAP_N + 1))
			echo "not ok $TAP_N - $name: $status # TODO known failure: $reason"
			[ -n "$msg" ] && tap_diag "  $msg" ;;
		esac
	elif [ "$status" = skip ]; then
		tap_skip "$name" "smbtorture skipped it: $msg (not listed: add it to known-failures)"
	else
		tap_fail "$name: $status, and not listed in expected or known-failures"
		[ -n "$msg" ] && tap_diag "  $msg"
	fi
done <"$KC_TORTURE_RESULTS"

# The kernel ksmbd's CI list (tests/torture/ksmbd-ci): where each entry stands today. A test
# named there (a whole suite like smb2.connect, or one subtest) counts as passing when it
# is expected here and passed in this run (for a suite: all its subtests did).
if [ -z "${KC_TORTURE_ONLY:-}" ]; then
	ci_pass=0 ci_known=0 ci_other=0
	while read -r t; do
		if awk -F'\t' -v t="$t" '$1 == t || index($1, t ".") == 1 { n++; if ($2 != "success") bad = 1 }
			END { exit !(n && !bad) }' "$KC_TORTURE_RESULTS"; then
			ci_pass=$((ci_pass + 1))
		elif kc_torture_is_known "$t" || grep -q "^$t\." "$KC_TORTURE_KNOWN"; then
			ci_known=$((ci_known + 1))
		else
			ci_other=$((ci_other + 1))
		fi
	done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$KC_TORTURE_DIR/ksmbd-ci")
	tap_diag "ksmbd CI list: $ci_pass pass, $ci_known known failures, $ci_other in suites this layer does not run yet"
fi

if [ "$KC_TORTURE_ENGINE_ALIVE" = 1 ]; then
	tap_ok "ksmbd-engine survived every suite"
else
	tap_fail "ksmbd-engine survived every suite"
	tail -n 20 "$tmp/mountd.log" | sed 's/^/#   /'
fi
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the daemons' logs" "$tmp/mountd.log"
tap_done

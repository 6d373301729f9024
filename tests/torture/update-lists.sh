#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/torture/update-lists.sh [--build DIR]
#
# Re-baselines tests/torture/expected and tests/torture/known-failures from a
# fresh run of the smbtorture suites against the engine of build DIR (default
# build/asan; build it first: make SANITIZE=1 user). Run as root (it makes a
# network namespace). Subtests that pass go to expected; every other subtest
# goes to known-failures, keeping the reason already written there, or, for a
# new entry, "UNCLASSIFIED <status>: <smbtorture's message>", to be replaced by
# the real reason (see docs/testing.md). The previous lists are kept in
# build/test-logs/torture/update/; review the change with git diff before committing.
#
# KC_TORTURE_ONLY="smb2.read" re-baselines those suites only (entries of the
# other suites are kept as they are).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"
. "$(dirname "$0")/torture.sh"

if [ "${1:-}" = --build ]; then
	KC_BUILD=$KC_TOP/$2
	shift 2
fi
KC_BUILD=${KC_BUILD:-$KC_TOP/build/asan}
export KC_BUILD KC_BIN=$KC_BUILD/bin
[ -x "$KC_BIN/ksmbd-engine" ] || { echo "no $KC_BIN/ksmbd-engine: build it first" >&2; exit 2; }

kc_own_netns kc-torture-update "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT

KC_TORTURE_DISCOVER=1
KC_TORTURE_LOGS=$KC_TOP/build/test-logs/torture/update
kc_torture_run_all "$tmp"
[ "$KC_TORTURE_NODE_OK" = 1 ] || { cat "$tmp/mountd.log" >&2; echo "node did not start" >&2; exit 1; }
[ "$KC_TORTURE_ENGINE_ALIVE" = 1 ] || echo "warning: ksmbd-engine did not survive the run (see $KC_TORTURE_LOGS)" >&2

# Suites that ran: their entries are replaced; the others' are kept.
ran=$(cut -f1 "$tmp/timings")
in_ran() {
	local s
	for s in $ran; do
		case $1 in "$s" | "$s".*) return 0 ;; esac
	done
	return 1
}

old_exp=$KC_TORTURE_LOGS/expected.old old_known=$KC_TORTURE_LOGS/known-failures.old
cp "$KC_TORTURE_EXPECTED" "$old_exp" 2>/dev/null
cp "$KC_TORTURE_KNOWN" "$old_known" 2>/dev/null
exp_new=$tmp/expected.new known_new=$tmp/known.new
: >"$exp_new"
: >"$known_new"
while IFS= read -r name; do
	[ -n "$name" ] && ! in_ran "$name" && echo "$name" >>"$exp_new"
done < <(awk "$KC__NAME_AWK"' { print }' "$old_exp" 2>/dev/null)
while IFS= read -r line; do
	name=$(printf '%s\n' "$line" | awk "$KC__NAME_AWK"' { print }')
	[ -n "$name" ] && ! in_ran "$name" && printf '%s\n' "$line" >>"$known_new"
done < <(grep -v '^[[:space:]]*\(#\|$\)' "$old_known" 2>/dev/null)

while IFS=$'\t' read -r name status msg; do
	if [ "$status" = success ]; then
		echo "$name" >>"$exp_new"
		continue
	fi
	reason=$(KC_TORTURE_KNOWN=$old_known kc_torture_reason "$name")
	[ -n "$reason" ] || reason="UNCLASSIFIED $status: ${msg:-no message}"
	printf '%s\t# %s\n' "$name" "$reason" >>"$known_new"
done <"$KC_TORTURE_RESULTS"

{
	echo "# smbtorture subtests that must pass against the engine (tests/torture/01-smbtorture.t)."
	echo "# Regenerate with tests/torture/update-lists.sh; docs/testing.md explains the lists."
	sort -u "$exp_new"
} >"$KC_TORTURE_EXPECTED"
{
	echo "# smbtorture subtests that do not pass yet, one per line: NAME  # reason."
	echo "# Passing one of these fails the torture layer: remove it from here (update-lists.sh"
	echo "# moves it to expected). Regenerate with tests/torture/update-lists.sh, see docs/testing.md."
	sort -u -t '	' -k1,1 "$known_new"
} >"$KC_TORTURE_KNOWN"

printf '%s\n' "suites: $(tr '\t\n' '= ' <"$tmp/timings")"
printf 'expected: %d subtests, known-failures: %d subtests\n' \
	"$(grep -vc '^#' "$KC_TORTURE_EXPECTED")" "$(grep -vc '^#' "$KC_TORTURE_KNOWN")"
git -C "$KC_TOP" diff --stat -- tests/torture/expected tests/torture/known-failures 2>/dev/null

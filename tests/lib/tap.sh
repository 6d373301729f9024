# SPDX-License-Identifier: GPL-2.0-or-later
# TAP helpers for shell tests. Every test program in tests/ prints TAP lines:
#   ok N - description
#   not ok N - description
#   ok N - description # SKIP reason
# tests/run-layer.sh counts them. Source this file, call tap_* and end with tap_done.

TAP_N=0
TAP_FAILED=0

tap_ok()   { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_fail() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP ${2:-}"; }
tap_diag() { printf '# %s\n' "$@"; }

# tap_check DESC CMD...: ok when CMD exits 0; on failure its output is shown as diagnostics.
tap_check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "$desc"
	else
		tap_fail "$desc (exit $rc)"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
	fi
	return 0
}

# tap_check_fail DESC EXPECTED_REGEX CMD...: ok when CMD exits non-zero and its
# combined output matches EXPECTED_REGEX (grep -E).
tap_check_fail() {
	local desc=$1 re=$2 out rc
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if [ "$rc" -ne 0 ] && printf '%s\n' "$out" | grep -Eq -- "$re"; then
		tap_ok "$desc"
	else
		tap_fail "$desc (exit $rc, wanted non-zero and /$re/)"
		printf '%s\n' "$out" | tail -n 30 | sed 's/^/#   /'
	fi
	return 0
}

# wait_for TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds or TIMEOUT_S passes.
wait_for() {
	local timeout=$1 deadline
	shift
	deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
	return 0
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

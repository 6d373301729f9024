#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/run-layer.sh [--build DIR] LAYER... [--build DIR] LAYER...
#
# Runs every test program of each layer and counts their TAP lines (see
# tests/lib/tap.sh). Layers: unit (the cmocka binaries DIR/tests/test_*), and
# config, engine, torture, kernel, cluster, fuzz (the executables tests/LAYER/*.t).
# "not ok ... # TODO" lines (known failures) count as skipped.
# --build picks the build whose programs the following layers use (default
# build/default); tests find them through $KC_BIN and $KC_BUILD.
#
# A test program that exits non-zero without a "not ok" line, or that reports no
# result at all, counts as one failure. Logs: build/test-logs/LAYER/NAME.log.
# The last line is "N passed, N failed, N skipped"; the exit status is 1 when
# anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD
logs=$top/build/test-logs
total_pass=0 total_fail=0 total_skip=0
export KC_BUILD=$top/build/default
failed_list=()

run_one() {
	local layer=$1 prog=$2 name log rc pass fail skip todo start secs
	name=$(basename "$prog")
	log=$logs/$layer/$name.log
	mkdir -p "$logs/$layer"
	start=$(date +%s)
	if [ "$layer" = unit ]; then
		CMOCKA_MESSAGE_OUTPUT=TAP timeout --kill-after=10 "${KC_TEST_TIMEOUT:-600}" "$prog" >"$log" 2>&1
	else
		timeout --kill-after=10 "${KC_TEST_TIMEOUT:-900}" "$prog" >"$log" 2>&1
	fi
	rc=$?
	secs=$(( $(date +%s) - start ))
	pass=$(grep -Ec '^ok [0-9]+' "$log" | tr -d ' ')
	skip=$(grep -Ec '^ok [0-9]+.*# *(SKIP|skip)' "$log" | tr -d ' ')
	todo=$(grep -Ec '^not ok [0-9]+.*# *TODO' "$log" | tr -d ' ')
	fail=$(grep -Ec '^not ok [0-9]+' "$log" | tr -d ' ')
	pass=$((pass - skip))
	fail=$((fail - todo))
	skip=$((skip + todo))
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		echo "not ok - $name exited with status $rc" >>"$log"
	fi
	if [ $((pass + fail + skip)) -eq 0 ]; then
		fail=1
		echo "not ok - $name reported no result" >>"$log"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	if [ "$fail" -eq 0 ]; then
		printf 'PASS %-40s %3d passed, %d skipped (%ds)\n' "$layer/$name" "$pass" "$skip" "$secs"
	else
		printf 'FAIL %-40s %3d passed, %d failed (%ds), log: %s\n' "$layer/$name" "$pass" "$fail" "$secs" "${log#"$top"/}"
		grep -E '^not ok' "$log" | grep -Ev '# *TODO' | sed 's/^/     /'
		tail -n 25 "$log" | sed 's/^/   | /'
		failed_list+=("$layer/$name")
	fi
}

run_layer() {
	local layer=$1 progs=() p
	if [ "$layer" = unit ]; then
		for p in "$KC_BUILD"/tests/test_*; do
			[ -x "$p" ] && progs+=("$p")
		done
	elif [ -d "tests/$layer" ]; then
		for p in tests/"$layer"/*.t; do
			[ -x "$p" ] && progs+=("$p")
		done
	else
		echo "run-layer: unknown layer '$layer'" >&2
		exit 2
	fi
	echo "== layer $layer (${#progs[@]} programs, build ${KC_BUILD#"$top"/})"
	if [ "${#progs[@]}" -eq 0 ]; then
		total_fail=$((total_fail + 1))
		echo "FAIL $layer: no test programs found"
		failed_list+=("$layer")
		return
	fi
	for p in "${progs[@]}"; do
		run_one "$layer" "$p"
	done
}

[ $# -gt 0 ] || { sed -n '3,17p' "$0"; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--build) KC_BUILD=$top/$2; shift 2; continue ;;
	-h|--help) sed -n '3,17p' "$0"; exit 0 ;;
	esac
	export KC_BUILD KC_BIN=$KC_BUILD/bin
	run_layer "$1"
	shift
done

if [ "${#failed_list[@]}" -gt 0 ]; then
	echo "failed: ${failed_list[*]}"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]

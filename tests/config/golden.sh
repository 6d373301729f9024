#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Golden tests of the configuration parser.
#
#   tests/config/golden.sh [--regenerate] [BIN]
#
# For every tests/config/NAME.in, runs (from the top of the source tree)
#   BIN -c tests/config/NAME.in config print
# and compares its standard output, then its standard error, then a line "exit N" with
# tests/config/NAME.ok. It also checks that 'config check' agrees: the same diagnostics and exit
# status, and "FILE: configuration OK" on success. With --regenerate, rewrites the .ok files
# instead of comparing. BIN defaults to build/default/bin/ksmbd-cluster; a relative BIN is taken
# from the current directory. Prints TAP.

set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"

regen=0
if [ "${1:-}" = --regenerate ]; then
	regen=1
	shift
fi
if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	echo "usage: $0 [--regenerate] [BIN]" >&2
	exit 2
fi
bin=${1:-$top/build/default/bin/ksmbd-cluster}
case $bin in
/*) ;;
*) bin=$PWD/$bin ;;
esac

if [ ! -x "$bin" ]; then
	tap_fail "ksmbd-cluster binary $bin exists (build it with 'make user')"
	tap_done
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_case NAME: writes the actual result of 'config print' to $tmp/NAME.out
run_case() {
	local name=$1 rc
	(cd "$top" && "$bin" -c "tests/config/$name.in" config print) \
		>"$tmp/stdout" 2>"$tmp/stderr" && rc=0 || rc=$?
	{ cat "$tmp/stdout" "$tmp/stderr"; echo "exit $rc"; } >"$tmp/$name.out"
	cp "$tmp/stderr" "$tmp/$name.print-stderr"
	echo "$rc" >"$tmp/$name.print-rc"
}

# check_agrees NAME: 'config check' gives the same diagnostics and status as 'config print'
check_agrees() {
	local name=$1 rc want_rc want_out=
	(cd "$top" && "$bin" -c "tests/config/$name.in" config check) \
		>"$tmp/stdout" 2>"$tmp/stderr" && rc=0 || rc=$?
	want_rc=$(cat "$tmp/$name.print-rc")
	[ "$want_rc" -eq 0 ] && want_out="tests/config/$name.in: configuration OK"
	if [ "$rc" -eq "$want_rc" ] && [ "$(cat "$tmp/stdout")" = "$want_out" ] &&
	   cmp -s "$tmp/stderr" "$tmp/$name.print-stderr"; then
		tap_ok "$name: config check agrees (exit $rc)"
	else
		tap_fail "$name: config check agrees (exit $rc, print exited $want_rc)"
		sed 's/^/#   /' "$tmp/stdout" "$tmp/stderr"
	fi
}

found=0
for in in "$here"/*.in; do
	[ -e "$in" ] || continue
	found=1
	name=$(basename "$in" .in)
	run_case "$name"
	ok="$here/$name.ok"
	if [ "$regen" -eq 1 ]; then
		cp "$tmp/$name.out" "$ok"
		tap_ok "$name: regenerated $name.ok"
		continue
	fi
	if [ ! -f "$ok" ]; then
		tap_fail "$name: $name.ok is missing (run $0 --regenerate)"
	elif cmp -s "$tmp/$name.out" "$ok"; then
		tap_ok "$name: output matches $name.ok"
	else
		tap_fail "$name: output matches $name.ok"
		diff -u "$ok" "$tmp/$name.out" | head -n 40 | sed 's/^/#   /'
	fi
	check_agrees "$name"
done
[ "$found" -eq 1 ] || tap_fail "golden inputs found in $here"
tap_done

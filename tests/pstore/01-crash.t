#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Crash consistency of libpstore: tests/tools/pstore-writer commits a numbered stream of
# transactions (each puts five records and deletes one) and is killed with SIGKILL at a random
# point, twelve times; after every kill the registry must open, pass pstore_check(), and hold
# exactly transactions 0..G-1 of the stream, with every acknowledged commit among them
# (G = acknowledged or acknowledged + 1). The next round resumes from G. Then a clean run to
# the end and pstore-tool's check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/tap.sh"

bin=${KC_BIN:-$top/build/default/bin}
tmp=$(mktemp -d)
writer_pid=
cleanup() {
	[ -n "$writer_pid" ] && kill -9 "$writer_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
dir=$tmp/state

# last_commit FILE: the last generation FILE reports as committed (0 if none).
last_commit() {
	local n
	n=$(grep -E '^committed [0-9]+$' "$1" | tail -n 1)
	echo "${n#committed }" | sed 's/^$/0/'
}

# reached FILE N: FILE reports generation N or more.
reached() {
	[ "$(last_commit "$1")" -ge "$2" ]
}

gen=0
for round in $(seq 1 12); do
	out=$tmp/out.$round
	"$bin/pstore-writer" write "$dir" 100000000 >"$out" 2>"$tmp/err.$round" &
	writer_pid=$!
	target=$((gen + 1 + RANDOM % 40))
	if ! wait_for 60 reached "$out" "$target"; then
		tap_fail "round $round: the writer reached generation $target"
		sed 's/^/#   /' "$tmp/err.$round"
		break
	fi
	kill -9 "$writer_pid"
	wait "$writer_pid" 2>/dev/null
	status=$?
	writer_pid=
	acked=$(last_commit "$out")
	if [ "$status" -ne 137 ]; then
		tap_fail "round $round: the writer died of SIGKILL (status $status)"
		sed 's/^/#   /' "$tmp/err.$round"
		break
	fi
	tap_check "round $round: killed after $acked acknowledged commits, the registry holds exactly a prefix" \
		"$bin/pstore-writer" verify "$dir" "$acked"
	gen=$("$bin/pstore-tool" generation "$dir" registry) || { tap_fail "generation readable"; break; }
	tap_diag "round $round: generation $gen"
done

final=$((gen + 25))
tap_check "a clean run continues the stream to generation $final" \
	"$bin/pstore-writer" write "$dir" "$final"
tap_check "generation $final holds exactly the prefix" "$bin/pstore-writer" verify "$dir" "$final"
tap_check "pstore-tool check agrees" sh -c "'$bin/pstore-tool' check '$dir' registry |
	grep -qx 'registry: ok, generation $final, $((3 * final + 2)) records'"
tap_done

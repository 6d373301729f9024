#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# libpstore under valgrind memcheck: the cmocka tests (tests/unit/test_pstore.c) and a short
# writer stream with a verify, from the plain build (valgrind cannot run ASan binaries).
# Any memory error or definite leak fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/tap.sh"

plain=$top/build/default
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite)

if ! command -v valgrind >/dev/null; then
	tap_skip "valgrind" "valgrind is not installed (make deps)"
elif [ ! -x "$plain/tests/test_pstore" ] || [ ! -x "$plain/bin/pstore-writer" ]; then
	tap_skip "valgrind" "no plain build in build/default (make user)"
else
	tap_check "test_pstore is clean under memcheck" \
		env CMOCKA_MESSAGE_OUTPUT=TAP "${vg[@]}" "$plain/tests/test_pstore"
	tap_check "pstore-writer write is clean under memcheck" \
		"${vg[@]}" "$plain/bin/pstore-writer" write "$tmp/s" 30
	tap_check "pstore-writer verify is clean under memcheck" \
		"${vg[@]}" "$plain/bin/pstore-writer" verify "$tmp/s" 30
	tap_check "pstore-tool snapshot and restore are clean under memcheck" sh -c "
		$(printf '%q ' "${vg[@]}") '$plain/bin/pstore-tool' snapshot '$tmp/s' registry '$tmp/snap' &&
		$(printf '%q ' "${vg[@]}") '$plain/bin/pstore-tool' restore '$tmp/t' registry '$tmp/snap'"
fi
tap_done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pstore-tool: help and usage errors, init (0700 directory, 0600 files), check, dump,
# snapshot (0600 file) / verify / restore round trip with identical bytes, and refusals of a
# truncated or foreign snapshot that leave the database as it was.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/tap.sh"

bin=${KC_BIN:-$top/build/default/bin}
tool=$bin/pstore-tool
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
a=$tmp/a b=$tmp/b

tap_check "--help describes every command" sh -c "'$tool' --help |
	grep -q '^Usage: pstore-tool COMMAND' && for c in init check dump generation snapshot restore verify; do
	'$tool' --help | grep -q \"^  \$c \" || exit 1; done"
tap_check "--version prints 0.1.0" sh -c "'$tool' --version | grep -qx 'pstore-tool 0.1.0'"
tap_check_fail "an unknown command exits 2" "unknown command" \
	sh -c "'$tool' frobnicate; [ \$? -eq 2 ] && exit 1 || exit 0"
tap_check_fail "an unknown database is refused" "unknown database \"bogus\"" "$tool" generation "$tmp" bogus

tap_check "init creates every database" "$tool" init "$a"
tap_check "the state directory is 0700 and the databases 0600" sh -c "
	[ \"\$(stat -c %a '$a')\" = 700 ] && [ \"\$(stat -c %a '$a'/*.tdb | sort -u)\" = 600 ] &&
	[ \"\$(ls '$a' | wc -l)\" = 6 ]"
tap_check "check reports every database at generation 0" sh -c "
	[ \"\$('$tool' check '$a' | grep -c ', generation 0, 0 records\$')\" = 6 ]"
tap_check "five transactions" "$bin/pstore-writer" write "$a" 5
tap_check "generation is 5" sh -c "[ \"\$('$tool' generation '$a' registry)\" = 5 ]"
tap_check "dump lists the records in key order" sh -c "
	'$tool' dump '$a' registry > '$tmp/dump' &&
	head -n 2 '$tmp/dump' | tr '\n' ' ' | grep -qx '# registry, generation 5 \[option:seq\] ' &&
	grep '^\[' '$tmp/dump' | LC_ALL=C sort -c &&
	grep -q '^	path = /srv/stream/4/0\$' '$tmp/dump'"
tap_check "snapshot writes a 0600 file that verifies" sh -c "
	'$tool' snapshot '$a' registry '$tmp/snap' && [ \"\$(stat -c %a '$tmp/snap')\" = 600 ] &&
	'$tool' verify '$tmp/snap' | grep -qx 'registry: ok, generation 5, 17 records'"
tap_check "restore into a new directory gives the same snapshot bytes" sh -c "
	'$tool' restore '$b' registry '$tmp/snap' && '$tool' snapshot '$b' registry > '$tmp/snap2' &&
	cmp '$tmp/snap' '$tmp/snap2' && [ \"\$('$tool' generation '$b' registry)\" = 5 ]"
"$bin/pstore-writer" write "$b" 7 >/dev/null
"$tool" snapshot "$b" registry "$tmp/before"
head -c 300 "$tmp/snap" >"$tmp/short"
tap_check_fail "a truncated snapshot is refused" "checksum mismatch \(corrupt or truncated\)" \
	"$tool" restore "$b" registry "$tmp/short"
tap_check_fail "a snapshot of another database is refused" \
	"snapshot of registry cannot be restored into nodes" "$tool" restore "$b" nodes "$tmp/snap"
tap_check_fail "verify refuses a truncated snapshot" "checksum mismatch" "$tool" verify "$tmp/short"
tap_check "the refused restores changed nothing" sh -c "
	'$tool' snapshot '$b' registry | cmp - '$tmp/before' && '$tool' check '$b' registry"
printf 'not a database' >"$tmp/c.tdb"
mkdir -m 700 "$tmp/c" && mv "$tmp/c.tdb" "$tmp/c/registry.tdb"
tap_check_fail "a foreign file under a database's name is refused, not overwritten" "cannot open" \
	"$tool" check "$tmp/c" registry
tap_check "the foreign file is untouched" sh -c "[ \"\$(cat '$tmp/c/registry.tdb')\" = 'not a database' ]"
tap_done

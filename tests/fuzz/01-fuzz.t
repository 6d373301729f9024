#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs each libFuzzer target (build/fuzz/fuzz_*, built by 'make fuzz') for a
# bounded time, KC_FUZZ_SECONDS each (default 45), from seeds made here plus
# the corpus kept by earlier runs in build/fuzz/corpus-NAME. A crash, leak,
# sanitizer report or timeout fails the test; the reproducer is kept in
# build/test-logs/fuzz/.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$top/build/fuzz
out=$top/build/test-logs/fuzz
secs=${KC_FUZZ_SECONDS:-45}
mkdir -p "$out"

seed_smb() {
	local d=$1
	# SMB2 NEGOTIATE header + body, an SMB1 NEGOTIATE, a two-request compound.
	printf '\xfeSMB\x40\x00\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00%.0s' 1 >"$d/negotiate"
	head -c 40 /dev/zero >>"$d/negotiate"
	printf '\x24\x00\x01\x00' >>"$d/negotiate"
	printf '\xffSMB\x72' >"$d/smb1"
	head -c 35 /dev/zero >>"$d/smb1"
	python3 -c '
import struct, sys
def hdr(cmd, mid, nxt):
    return b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, 0, cmd, 1, 0, nxt, mid, 0, 0, 0) + b"\0" * 16
sys.stdout.buffer.write(hdr(13, 1, 72) + b"\x04\0\0\0" + b"\0" * 4 + hdr(13, 2, 0) + b"\x04\0\0\0")
' >"$d/compound"
}

seed_config() {
	cp "$top"/tests/config/*.in "$1"/
}

for bin in "$fuzz"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	corpus=$fuzz/corpus-$name
	mkdir -p "$corpus"
	"seed_$name" "$corpus" 2>/dev/null
	log=$out/$name.log
	if (cd "$out" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" >"$log" 2>&1); then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		tap_ok "fuzz_$name: no crash in ${secs}s (${execs:-?} inputs)"
	else
		tap_fail "fuzz_$name: crashed; log $log"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -10 | sed 's/^/#   /'
	fi
done
[ "$TAP_N" -gt 0 ] || tap_fail "no fuzz targets in $fuzz (run 'make fuzz')"
tap_done

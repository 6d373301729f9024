#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs each libFuzzer target (build/fuzz/fuzz_*, built by 'make fuzz') for a
# bounded time, KC_FUZZ_SECONDS each (default 45), from seeds made here plus
# the corpus kept by earlier runs in build/fuzz/corpus-NAME. A crash, leak,
# sanitizer report or timeout fails the test; the reproducer is kept in
# build/test-logs/fuzz/. Inputs that once crashed stay in tests/fuzz/regress/NAME and
# are replayed every run.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$top/build/fuzz
out=$top/build/test-logs/fuzz
secs=${KC_FUZZ_SECONDS:-45}
mkdir -p "$out"

seed_smb() {
	local d=$1
	python3 - "$d" <<'PY'
import struct, sys, os
d = sys.argv[1]
def hdr(cmd, mid, nxt=0, credits=64):
    return b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, 0, cmd, credits, 0, nxt, mid, 0, 0, 0) + b"\0" * 16
def negotiate(dialects, ctx=True):
    body = struct.pack("<HHHHI16sIHH", 36, len(dialects), 1, 0, 0x7f, b"G" * 16, 0, 0, 0)
    body += b"".join(struct.pack("<H", x) for x in dialects)
    pdu = hdr(0, 0) + body
    if ctx:
        pad = (-len(pdu)) % 8
        off = len(pdu) + pad
        pre = struct.pack("<HHIHHH", 1, 38, 0, 1, 32, 1) + b"S" * 32
        enc = struct.pack("<HHIHHH", 2, 6, 0, 2, 2, 1)
        sig = struct.pack("<HHIHHH", 8, 6, 0, 2, 1, 0)
        ctxs = pre + b"\0" * ((-len(pre)) % 8) + enc + b"\0" * 2 + sig
        pdu = pdu[:64 + 28] + struct.pack("<IH", off, 3) + pdu[64 + 34:] + b"\0" * pad + ctxs
    return pdu
def put(name, data):
    open(os.path.join(d, name), "wb").write(data)
put("negotiate311", negotiate([0x202, 0x210, 0x300, 0x302, 0x311]))
put("negotiate21", negotiate([0x202, 0x210], False))
put("smb1", b"\xffSMB\x72" + b"\0" * 28 + b"\0" + struct.pack("<H", 22) + b"\x02NT LM 0.12\0\x02SMB 2.???\0")
echo = struct.pack("<HH", 4, 0)
put("compound", negotiate([0x210], False) + b"FUZZ" + hdr(13, 1, 72) + echo + b"\0" * 4 + hdr(13, 2) + echo)
put("setup", negotiate([0x311]) + b"FUZZ" + hdr(1, 1) + struct.pack("<HBBIIHHQ", 25, 0, 1, 0, 0, 88, 8, 0) + b"NTLMSSP\0")
PY
}

seed_spnego() {
	# A NegTokenInit carrying an NTLMSSP NEGOTIATE, as smbclient sends it first, and a raw
	# NTLMSSP NEGOTIATE.
	printf '\x60\x48\x06\x06\x2b\x06\x01\x05\x05\x02\xa0\x3e\x30\x3c\xa0\x0e\x30\x0c\x06\x0a\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a\xa2\x2a\x04\x28NTLMSSP\x00\x01\x00\x00\x00\x15\x82\x08\x62\x00\x00\x00\x00\x28\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00\x06\x01\x00\x00\x00\x00\x00\x0f' >"$1/spnego-negotiate"
	printf 'NTLMSSP\x00\x01\x00\x00\x00\x15\x82\x08\x62\x00\x00\x00\x00\x28\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00' >"$1/raw-negotiate"
}

seed_pstore() {
	# Records of the encoding in persistent-store/pstore.h (an option, a share with lists, a
	# pair and a field of a newer version, a user), and a registry snapshot holding them.
	python3 - "$1" <<'PY'
import struct, sys, os
d = sys.argv[1]
def crc32c(b):
    c = 0xffffffff
    for x in b:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xffffffff
def f(tag, wt, v):
    return struct.pack("<HBI", tag, wt, len(v)) + v
def rec(t, fields, ver=1):
    body = bytes([1, t]) + struct.pack("<HI", ver, len(fields)) + fields
    return body + struct.pack("<I", crc32c(body))
u64 = lambda tag, v: f(tag, 1, struct.pack("<Q", v))
recs = {
    b"option:serversigning": rec(4, f(1, 3, b"server signing") + f(2, 3, b"mandatory")),
    b"share:data": rec(1, f(1, 3, b"data") + f(2, 3, b"/srv/data") + f(4, 2, b"\0") +
                       f(6, 3, b"alice") + f(6, 3, b"bob") +
                       f(10, 5, struct.pack("<I", 11) + b"create mask0644") + f(30, 3, b"new"), 2),
    b"user:alice": rec(2, f(1, 3, b"alice") + f(2, 4, bytes(range(16))) + u64(3, 1000) + u64(5, 1)),
}
for i, (k, v) in enumerate(sorted(recs.items())):
    open(os.path.join(d, "record%d" % i), "wb").write(v)
snap = b"KCPSNAP1" + struct.pack("<H", 8) + b"registry" + struct.pack("<QQ", 7, len(recs))
for k, v in sorted(recs.items()):
    snap += struct.pack("<I", len(k)) + k + struct.pack("<I", len(v)) + v
snap += struct.pack("<I", crc32c(snap))
open(os.path.join(d, "snapshot"), "wb").write(snap)
PY
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
		-print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" \
		$(ls -d "$top/tests/fuzz/regress/$name" 2>/dev/null) >"$log" 2>&1); then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		tap_ok "fuzz_$name: no crash in ${secs}s (${execs:-?} inputs)"
	else
		tap_fail "fuzz_$name: crashed; log $log"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -10 | sed 's/^/#   /'
	fi
done
[ "$TAP_N" -gt 0 ] || tap_fail "no fuzz targets in $fuzz (run 'make fuzz')"
tap_done

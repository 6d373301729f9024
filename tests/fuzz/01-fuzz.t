#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs each libFuzzer target (build/fuzz/fuzz_*, built by 'make fuzz') for a
# bounded time, KC_FUZZ_SECONDS each (default 34), from seeds made here plus
# the corpus kept by earlier runs in build/fuzz/corpus-NAME. A crash, leak,
# sanitizer report or timeout fails the test; the reproducer is kept in
# build/test-logs/fuzz/. Inputs that once crashed stay in tests/fuzz/regress/NAME and
# are replayed every run.
. "$(dirname "$0")/../lib/tap.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzz=$top/build/fuzz
out=$top/build/test-logs/fuzz
secs=${KC_FUZZ_SECONDS:-34}
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

# fuzz_smb_tree: byte 0 picks the dialect (0-4) and a read-only share (bit 3); PDUs are split
# at "FUZZ"; the harness patches session and tree ids in, and a FileId of (k, 0) with k < 4
# means the k-th most recent FileId a CREATE returned.
seed_smb_tree() {
	local d=$1
	python3 - "$d" <<'PY'
import struct, sys, os
d = sys.argv[1]
RELATED = 4
def hdr(cmd, mid, nxt=0, flags=0):
    return b"\xfeSMB" + struct.pack("<HHIHHIIQIIQ", 64, 1, 0, cmd, 8, flags, nxt, mid, 0, 0, 0) + b"\0" * 16
def u16(s):
    return s.encode("utf-16-le")
def fid(k=0):
    return struct.pack("<QQ", k, 0)
LAST, RELFID = fid(0), b"\xff" * 16
def ctx(name, data=b"", last=True):
    # Next, NameOffset, NameLength, Reserved, DataOffset, DataLength; name padded to 8.
    npad = name + b"\0" * ((-len(name)) % 8)
    doff = 16 + len(npad) if data else 0
    body = struct.pack("<IHHHHI", 0, 16, len(name), 0, doff, len(data)) + npad + data
    body += b"\0" * ((-len(body)) % 8) if not last else b""
    if not last:
        body = struct.pack("<I", len(body)) + body[4:]
    return body
def create(name, access=0x0012019f, disp=1, opts=0x40, attrs=0x80, ctxs=b"", mid=1, nxt=0, flags=0, oplock=0):
    n = u16(name)
    base = 64 + 56
    noff = base if n else 0
    blob = n + b"\0" * ((-len(n)) % 8) if ctxs else n
    coff = base + len(blob) if ctxs else 0
    body = struct.pack("<HBBIQQIIIIIHHII", 57, 0, oplock, 2, 0, 0, access, attrs, 7, disp, opts,
                       base, len(n), coff, len(ctxs))
    return hdr(5, mid, nxt, flags) + body + (blob + ctxs if ctxs else (n or b"\0"))
def close(f=LAST, mid=2, flags=0, postquery=1):
    return hdr(6, mid, 0, flags) + struct.pack("<HHI", 24, postquery, 0) + f
def read(length, off, f=LAST, mid=3, flags=0, nxt=0):
    return hdr(8, mid, nxt, flags) + struct.pack("<HBBIQ", 49, 80, 0, length, off) + f + struct.pack("<IIIHH", 0, 0, 0, 0, 0) + b"\0"
def write(data, off, f=LAST, mid=4):
    return hdr(9, mid) + struct.pack("<HHIQ", 49, 112, len(data), off) + f + struct.pack("<IIHHI", 0, 0, 0, 0, 0) + data
def qinfo(itype, cls, outlen=4096, f=LAST, mid=5, flags=0, nxt=0, addl=0):
    return hdr(16, mid, nxt, flags) + struct.pack("<HBBIHHIII", 41, itype, cls, outlen, 0, 0, 0, addl, 0) + f + b"\0"
def qdir(cls, pattern="*", fl=0, outlen=65536, f=LAST, mid=6, index=0):
    p = u16(pattern)
    return hdr(14, mid) + struct.pack("<HBBI", 33, cls, fl, index) + f + struct.pack("<HHI", 96 if p else 0, len(p), outlen) + (p or b"\0")
def ioctl(code, inp=b"", f=RELFID, mid=7, maxout=4096):
    return hdr(11, mid) + struct.pack("<HHI", 57, 0, code) + f + struct.pack("<IIIIIIII", 120 if inp else 0, len(inp), 0, 120, 0, maxout, 1, 0) + (inp or b"")
def sinfo(itype, cls, data, f=LAST, mid=8):
    return hdr(17, mid) + struct.pack("<HBBIHHI", 33, itype, cls, len(data), 96, 0, 0) + f + data
def ea(name, val, last=True):
    e = struct.pack("<IBBH", 0, 0, len(name), len(val)) + name + b"\0" + val
    if last:
        return e
    e += b"\0" * ((-len(e)) % 4)
    return struct.pack("<I", len(e)) + e[4:]
def lock(els, f=LAST, mid=8, seq=0):
    # els: (offset, length, flags); flags 1 shared, 2 exclusive, 4 unlock, 0x10 fail immediately
    return hdr(10, mid) + struct.pack("<HHI", 48, len(els), seq) + f + b"".join(
        struct.pack("<QQII", o, n, fl, 0) for o, n, fl in els)
def chain(*pdus):
    out = b""
    for i, p in enumerate(pdus):
        if i + 1 < len(pdus):
            p += b"\0" * ((-len(p)) % 8)
            p = p[:20] + struct.pack("<I", len(p)) + p[24:]
        out += p
    return out
def put(name, sel, *pdus):
    open(os.path.join(d, name), "wb").write(bytes([sel]) + b"FUZZ".join(pdus))
D311, D202, D300 = 4, 0, 2
put("create-read-close", D311, create("a.txt"), read(65536, 0), close())
put("create-dir-qdir", D311, create("dir", access=0x00100081, opts=0x01), qdir(37), qdir(3, "*.bin", fl=2), qdir(12, "?i?", fl=1), close())
put("create-root-qdir-all", D202, create("", access=0x00100081, opts=0x01),
    qdir(1), qdir(2, fl=0x10), qdir(38), qdir(12, "<.txt"), close())
put("mkdir-nested", D311, create("new", access=0x001f01ff, disp=2, opts=0x01),
    create("new\\inner.txt", disp=5, opts=0x40), write(b"x" * 100, 0), read(100, 0), close(), close(fid(1)))
put("create-write-read", D300, create("w.bin", disp=3, access=0x0012019f),
    write(b"data" * 64, 0), write(b"tail", 4096), read(8192, 0), qinfo(1, 5), close())
put("overwrite", D311, create("a.txt", disp=4), write(b"new", 0), qinfo(1, 22), close())
put("readonly-share", D311 | 8, create("a.txt", disp=3), create("a.txt", access=0x00120089), write(b"no", 0), read(5, 0), close())
put("ctx", D311, create("ctx.txt", disp=2, ctxs=ctx(b"MxAc", last=False) + ctx(b"QFid", last=False) +
    ctx(b"DHnQ", b"\0" * 16, last=False) + ctx(b"RqLs", b"L" * 16 + struct.pack("<IIQ", 7, 0, 0))), close())
# durable handles (kernel/durable.h): v1 with a batch oplock, v2 with a lease and an app
# instance id, AllocationSize, then reconnects of FileIds that are not orphans
put("durable", D311, create("d1.txt", disp=3, oplock=9, ctxs=ctx(b"DHnQ", b"\0" * 16, last=False) +
    ctx(b"AlSi", struct.pack("<Q", 8192))), write(b"x", 0), close(),
    create("d1.txt", ctxs=ctx(b"DHnC", struct.pack("<QQ", 1, 1))))
put("durable-v2", D311, create("d2.txt", disp=3, oplock=0xff, ctxs=ctx(b"RqLs", b"K" * 16 + struct.pack("<IIQ", 7, 0, 0), last=False) +
    ctx(b"DH2Q", struct.pack("<II", 0, 2) + b"\0" * 8 + b"G" * 16, last=False) +
    ctx(bytes.fromhex("45BCA66AEFA7F74A9008FA462E144D74"), struct.pack("<HH", 20, 0) + b"A" * 16)),
    create("d2.txt", ctxs=ctx(b"DH2C", struct.pack("<QQ", 1, 1) + b"G" * 16 + struct.pack("<I", 0))), close())
put("ctx-bad", D311, create("ctx2.txt", disp=2, ctxs=ctx(b"ExtA", struct.pack("<IBBH", 0, 0, 4, 1) + b"user\0" + b"v")), close())
put("qinfo-file", D311, create("dir\\big.bin"),
    *[qinfo(1, c) for c in (4, 5, 6, 7, 8, 9, 14, 16, 17, 18, 34, 35)], close())
put("qinfo-fs", D311, create("", access=0x00100081, opts=0x01),
    *[qinfo(2, c) for c in (1, 3, 4, 5, 7)], qinfo(3, 0, addl=7), qinfo(1, 18, outlen=8), close())
put("compound-related", D311, chain(create("a.txt"), qinfo(1, 18, f=RELFID, mid=2, flags=RELATED), close(RELFID, mid=3, flags=RELATED)))
put("compound-unrelated", D311, create("empty"), chain(qinfo(1, 5), read(10, 0, mid=6), close(mid=7)))
put("ioctl", D311, ioctl(0x00140204, struct.pack("<IHHH", 0x7f, 1, 1, 0x311)), create("a.txt"),
    ioctl(0x0011c017, b"abcd", f=LAST), ioctl(0x001401fc), ioctl(0x00090078, f=LAST), close())
# FSCTLs on a file (kernel/fsctl.h): resume key, copychunk (a key no open has, and over
# the limits), sparse, zero data, allocated ranges, duplicate extents, compression.
put("fsctl", D311, create("f.bin", disp=3), write(b"f" * 8192, 0), ioctl(0x00140078, f=LAST, maxout=32),
    ioctl(0x001440f2, b"\1" * 24 + struct.pack("<II", 2, 0) + struct.pack("<QQII", 0, 4096, 4096, 0) +
          struct.pack("<QQII", 4096, 0, 0xffffffff, 0), f=LAST, maxout=12),
    ioctl(0x000900c4, b"\1", f=LAST, maxout=0), ioctl(0x000980c8, struct.pack("<qq", 0, 4096), f=LAST, maxout=0),
    ioctl(0x000940cf, struct.pack("<qq", 0, 1 << 20), f=LAST, maxout=16),
    ioctl(0x00098344, fid(0) + struct.pack("<qqq", 0, 0, 4096), f=LAST, maxout=0),
    ioctl(0x0009003c, f=LAST, maxout=2), ioctl(0x0009c040, b"\0\0", f=LAST, maxout=0), close())
put("symlink-escape", D311, create("escape\\secret"), create("escape\\new.txt", disp=2), write(b"x", 0),
    create("abs\\secret", disp=5), create("escape", access=0x00100081, opts=0x01), qdir(37), close())
put("utf8-name", D311, create("\u00fc\u20ac.txt"), read(100, 0), create("dir\\sub\\..\\x", disp=2), close(fid(1)))
put("streams", D311, create("s.txt:one", disp=3, access=0x001f01ff), write(b"stream" * 10, 0), read(100, 2),
    qinfo(1, 22), qinfo(1, 5), sinfo(1, 20, struct.pack("<Q", 3)), create("s.txt::$DATA"), qinfo(1, 22),
    sinfo(1, 10, struct.pack("<BBHIQI", 1, 0, 0, 0, 0, 8) + u16(":two")), sinfo(1, 13, b"\1"), close(fid(1)),
    create("dir:ds:$DATA", disp=2), create("s.txt:bad:$FOO"), close())
put("eas", D311, create("e.txt", disp=3), sinfo(1, 15, ea(b"A.B", b"v" * 5, False) + ea(b"C", b"")),
    qinfo(1, 15), qinfo(1, 7), sinfo(1, 15, ea(b"bad*", b"x")), qdir(37), close())
put("locks", D311, create("a.txt"), create("a.txt"), lock([(0, 10, 0x12)], f=fid(1)),
    lock([(5, 10, 0x11), (20, 0, 0x11)], f=fid(0)), read(10, 0, f=fid(0)), write(b"x", 5, f=fid(0)),
    lock([(0, 10, 4), (1, 1, 4)], f=fid(1)), lock([((1 << 64) - 1, 2, 0x12)]), close(fid(1)), close())
put("read-past-eof", D202, create("dir\\big.bin"), read(1 << 20, 1 << 40), read(8 << 20, 0), read((8 << 20) + 1, 0), close())
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

# fuzz_sd: security descriptors as Windows and smbcacls send them.
seed_sd() {
	python3 - "$1" <<'PY'
import struct, sys, os
d = sys.argv[1]
def sid(auth, *subs):
    return struct.pack("<BB", 1, len(subs)) + b"\0" * 5 + bytes([auth]) + b"".join(struct.pack("<I", x) for x in subs)
def ace(t, flags, mask, s):
    return struct.pack("<BBHI", t, flags, 8 + len(s), mask) + s
def acl(rev, *aces):
    body = b"".join(aces)
    return struct.pack("<BBHHH", rev, 0, 8 + len(body), len(aces), 0) + body
def sd(control, owner=b"", group=b"", sacl=b"", dacl=b""):
    off, parts, offs = 20, b"", []
    for p in (owner, group, sacl, dacl):
        offs.append(off if p else 0)
        parts += p
        off += len(p)
    return struct.pack("<BBHIIII", 1, 0, control, *offs) + parts
alice = sid(5, 21, 1, 2, 3, 1001)
put = lambda n, b: open(os.path.join(d, n), "wb").write(b)
put("windows", sd(0x8004, sid(5, 32, 544), sid(5, 18), dacl=acl(2, ace(0, 3, 0x1f01ff, sid(1, 0)))))
put("inherit", sd(0x8404, alice, sid(5, 21, 1, 2, 3, 513), dacl=acl(2,
    ace(0, 0x0b, 0x10000000, sid(3, 0)), ace(1, 0, 2, alice), ace(0, 0x13, 0x1301bf, sid(5, 11)))))
put("smbcacls", sd(0x0004, alice, sid(1, 0), dacl=acl(3, ace(0, 0, 0x1f01ff, alice))))
put("sacl-null-dacl", sd(0x8014, alice, sacl=acl(2, ace(2, 0x40, 0x100, sid(1, 0)))))
put("object-ace", sd(0x8004, dacl=acl(4, struct.pack("<BBHI", 5, 0, 20, 0x100) + b"\1\0\0\0" + sid(1, 0))))
PY
}

seed_config() {
	cp "$top"/tests/config/*.in "$1"/
}

# Scratch space for targets that need files (fuzz_smb_tree's share): tmpfs when there is one,
# which is about three times faster than a disk; removed at the end.
scratch=$(mktemp -d /dev/shm/kc-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for bin in "$fuzz"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=${bin##*/fuzz_}
	corpus=$fuzz/corpus-$name
	mkdir -p "$corpus"
	"seed_$name" "$corpus" 2>/dev/null
	log=$out/$name.log
	if (cd "$out" && TMPDIR=$scratch "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
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

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs inside the QEMU guest (tests/kernel/02-module.t boots it): Debian's 6.1
# kernel with the host's tree mounted read-only. Loads ksmbd_cluster.ko, runs
# ksmbd-mountd against it, checks the handshake, the listening port and a real
# client, shuts down with connections open (mountd stop, then rmmod), and
# reads dmesg for kernel warnings; CHANGE_NOTIFY completed by local changes
# (the fsnotify backend). Prints TAP.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

ko=$KC_TOP/kernel/ksmbd_cluster.ko
probe=$KC_BIN/kc-ipc-probe
tmp=$(mktemp -d)
dmesg -c >/dev/null

tap_check "insmod ksmbd_cluster.ko" insmod "$ko"
tap_check "the module logged its load and passed its crypto self-test" \
	sh -c "dmesg | grep -q 'ksmbd_cluster: engine 0.1.0 loaded, IPC protocol $KC_PROTO'"
tap_check "the distribution's ksmbd is not involved" sh -c "! grep -qw ksmbd /proc/modules"

out=$("$probe" --kernel hello --proto 99 2>&1)
tap_check "the genl family answers a foreign protocol version with its own and EPROTO" \
	sh -c "printf '%s\n' '$out' | grep -qx proto=$KC_PROTO && printf '%s\n' '$out' | grep -qx status=71 &&
	       printf '%s\n' '$out' | grep -qx kind=1"
tap_check "START before HELLO is refused with EPERM and the extack reason" \
	sh -c "'$probe' --kernel start-early | grep -qx 'msg=START before a successful HELLO'"
tap_check "an unknown attribute is rejected by the strict policy (EINVAL)" \
	sh -c "'$probe' --kernel bad-attr | grep -qx errno=EINVAL"
tap_check "a LOGIN_REPLY from an unattached socket is EPERM" \
	sh -c "'$probe' --kernel stray-reply | grep -qx errno=EPERM"
tap_check "the attached peer's LOGIN_REPLY for an unknown handle is ENOENT" \
	sh -c "'$probe' --kernel stray-reply --proto $KC_PROTO | grep -qx errno=ENOENT"

kc_node_conf "$tmp" "interfaces = 127.0.0.1" "bind interfaces only = yes" \
	"passdb file = $tmp/passdb"
sed -i 's/engine = user/engine = kernel/' "$tmp/node.conf"
echo "	read only = no" >>"$tmp/node.conf"	# [share] is the last section
if kc_mountd_start "$tmp"; then tap_ok "mountd attaches to the module and it serves"; else
	tap_fail "mountd attaches to the module and it serves"; sed 's/^/#   /' "$tmp/mountd.log"; fi
tap_check "mountd reports the kernel engine" grep -q "attached to kernel engine 0.1.0" "$tmp/mountd.log"
tap_check "the module listens on 127.0.0.1:445" kc_port_open 445
tap_check "a second peer is refused with EBUSY" \
	sh -c "'$probe' --kernel hello | grep -qx status=16"
out=$(timeout 60 smbclient -L //127.0.0.1 -N 2>&1)
tap_check "smbclient lists the shares through the module (SMB 3.1.1, srvsvc on IPC$)" \
	sh -c "printf '%s\n' '$out' | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'"
printf 'Secret-1\n' | "$KC_BIN/ksmbd-cluster" -c "$tmp/node.conf" user add alice >/dev/null
out=$(timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 -c ls 2>&1)
tap_check "an NTLMv2 logon with signing, a tree connect and ls work through the module" \
	sh -c "printf '%s\n' '$out' | grep -q 'blocks available'"
head -c 2000003 /dev/urandom >"$tmp/data.bin"
timeout 120 smbclient //127.0.0.1/share -U alice%Secret-1 \
	-c "put $tmp/data.bin up.bin; get up.bin $tmp/back.bin" >"$tmp/io.log" 2>&1
timeout 120 smbclient //127.0.0.1/share -U alice%Secret-1 -c "mkdir d1; cd d1; put $tmp/data.bin in.bin" \
	>/dev/null 2>&1
tap_check "mkdir and a nested put work through the module" cmp -s "$tmp/data.bin" "$tmp/share/d1/in.bin"
tap_check "a 2 MB file round-trips through the module (put, get, sha256)" \
	sh -c "cmp -s '$tmp/data.bin' '$tmp/share/up.bin' && cmp -s '$tmp/data.bin' '$tmp/back.bin'"
# Server-side copy through the module (FSCTL_SRV_COPYCHUNK, vfs_copy_file_range()).
timeout 120 smbclient //127.0.0.1/share -U alice%Secret-1 -c "scopy up.bin sc.bin" >"$tmp/sc.log" 2>&1
tap_check "scopy copies a file on the server through the module" cmp -s "$tmp/data.bin" "$tmp/share/sc.bin"
# SET_INFO through the module: rename (file, directory, replace refused),
# delete (del: delete on close; rmdir: the delete disposition), attributes.
mkdir -p "$tmp/share/full" "$tmp/share/gone"
printf x >"$tmp/share/full/f"
printf y >"$tmp/share/taken.bin"
timeout 120 smbclient //127.0.0.1/share -U alice%Secret-1 \
	-c "rename up.bin moved.bin; rename d1 d2; rename moved.bin taken.bin; rmdir full; rmdir gone; setmode d2/in.bin +r" \
	>"$tmp/si.log" 2>&1
tap_check "rename moves a file and a directory through the module" \
	test -f "$tmp/share/moved.bin" -a ! -e "$tmp/share/up.bin" -a -f "$tmp/share/d2/in.bin" -a ! -e "$tmp/share/d1"
tap_check "rename onto an existing name is STATUS_OBJECT_NAME_COLLISION" \
	sh -c "grep -q NT_STATUS_OBJECT_NAME_COLLISION '$tmp/si.log' && [ \"\$(cat '$tmp/share/taken.bin')\" = y ]"
tap_check "rmdir removes an empty directory and refuses a full one" \
	sh -c "test ! -e '$tmp/share/gone' -a -f '$tmp/share/full/f' && grep -q NT_STATUS_DIRECTORY_NOT_EMPTY '$tmp/si.log'"
tap_check "setmode +r clears the write permission bits" \
	sh -c "[ \"\$(stat -c %a '$tmp/share/d2/in.bin')\" = 444 ]"
timeout 120 smbclient //127.0.0.1/share -U alice%Secret-1 \
	-c "del d2/in.bin; setmode d2/in.bin -r; del d2/in.bin; del moved.bin" >"$tmp/del.log" 2>&1
tap_check "del refuses a read-only file, then deletes files through the module" \
	sh -c "grep -q NT_STATUS_CANNOT_DELETE '$tmp/del.log' && test ! -e '$tmp/share/d2/in.bin' -a ! -e '$tmp/share/moved.bin'"

# CHANGE_NOTIFY through the module: a change made in the share's directory by
# a local process completes it (the fsnotify backend), also below it
# (WATCH_TREE, subdirectories old and new), an SMB mkdir is reported once (the
# backend leaves the engine's own changes out) and followed all the same.
mkdir -p "$tmp/share/w/sub"
timeout 120 stdbuf -oL smbclient //127.0.0.1/share -U alice%Secret-1 -c "notify w" \
	>"$tmp/notify.log" 2>&1 &
npid=$!
n=0
armed() { n=$((n + 1)); touch "$tmp/share/w/probe$n"; grep -q "probe$n" "$tmp/notify.log"; }
tap_check "a file created locally completes CHANGE_NOTIFY through the module (fsnotify)" \
	wait_for 60 armed
timeout 60 smbclient //127.0.0.1/share -U alice%Secret-1 -c 'mkdir w\viasmb' >/dev/null 2>&1
touch "$tmp/share/w/marker"
wait_for 30 grep -q marker "$tmp/notify.log"
tap_check "an SMB mkdir is reported once through the module" \
	test "$(grep -Ec '^0*1 +viasmb$' "$tmp/notify.log")" = 1
touch "$tmp/share/w/sub/deep"
tap_check "WATCH_TREE through the module: a local create in a subdirectory" \
	wait_for 30 grep -q 'sub.deep' "$tmp/notify.log"
mkdir "$tmp/share/w/newdir"
wait_for 30 grep -q 'newdir' "$tmp/notify.log"
touch "$tmp/share/w/newdir/inner" "$tmp/share/w/viasmb/x"
tap_check "WATCH_TREE through the module follows directories made after it started" \
	wait_for 30 sh -c "grep -q 'newdir.inner' '$tmp/notify.log' && grep -q 'viasmb.x' '$tmp/notify.log'"
kill "$npid" 2>/dev/null
wait "$npid" 2>/dev/null

# mountd stops while clients are connected: the module stops serving (peer gone).
exec 4<>/dev/tcp/127.0.0.1/445 5<>/dev/tcp/127.0.0.1/445
printf '\x00\x00\x01\x00\xfeSMB' >&5
kill -TERM "$KC_MOUNTD_PID"
kc_wait_exit "$KC_MOUNTD_PID" 30
tap_check "mountd exits 0 on SIGTERM" test "${KC_EXIT_STATUS:-1}" -eq 0
tap_check "the module drops its connections when its peer goes away" \
	timeout 20 sh -c 'cat <&4 >/dev/null 2>&1; cat <&5 >/dev/null 2>&1; true'
exec 4>&- 5>&-
tap_check "and stops listening" wait_for 20 kc_port_closed 445
tap_check "and logged why" sh -c "dmesg | grep -q 'went away: stopping service'"

# rmmod with mountd attached and connections open.
kc_mountd_start "$tmp" || tap_fail "mountd re-attaches"
tap_check "a new mountd re-attaches and the module serves again" kc_port_open 445
exec 4<>/dev/tcp/127.0.0.1/445 5<>/dev/tcp/127.0.0.1/445
tap_check "rmmod with a peer and open connections" timeout 60 rmmod ksmbd_cluster
tap_check "rmmod closed the connections" timeout 20 sh -c 'cat <&4 >/dev/null 2>&1; cat <&5 >/dev/null 2>&1; true'
exec 4>&- 5>&-
tap_check "the port is closed after rmmod" kc_port_closed 445
tap_check "the module logged its unload" sh -c "dmesg | grep -q 'ksmbd_cluster: engine unloaded'"
kill -TERM "$KC_MOUNTD_PID" 2>/dev/null
kc_wait_exit "$KC_MOUNTD_PID" 30

tap_check "insmod again after rmmod" insmod "$ko"
# The kernel VFS backend's self-test (kernel/port/kernel/vfs.c) on a share with
# links pointing outside it, and real files outside that must stay untouched.
v=$(mktemp -d)
mkdir -p "$v/outside/vdir" "$v/share/sub"
printf secret >"$v/outside/victim"
printf hello >"$v/share/hello"
printf x >"$v/share/sub/inner"
ln -s "$v/outside" "$v/share/out-abs"
ln -s ../outside "$v/share/out-rel"
ln -s ../../outside "$v/share/sub/up"
ln -s hello "$v/share/lnk"
ln -s /hello "$v/share/abs-lnk"
if (umask 022; echo "$v" >/sys/module/ksmbd_cluster/parameters/vfs_selftest) 2>/dev/null; then
	tap_ok "the kernel VFS backend passes its self-test (create, rename, readdir, confinement)"
else
	tap_fail "the kernel VFS backend passes its self-test (create, rename, readdir, confinement)"
	dmesg | grep "vfs selftest" | tail -20 | sed 's/^/#   /'
fi
tap_check "nothing outside the share changed" test -f "$v/outside/victim" -a -d "$v/outside/vdir" \
	-a ! -e "$v/outside/stolen" -a ! -e "$v/escaped" -a ! -e "$v/outside/escaped"
tap_check "rmmod of an idle module" rmmod ksmbd_cluster

if dmesg | grep -Eq 'BUG:|WARNING:|Oops|general protection|refcount_t|list_(add|del) corruption|INFO: task .* blocked'; then
	tap_fail "no kernel BUG, WARNING or oops in dmesg"
	dmesg | grep -E -A8 'BUG:|WARNING:|Oops|general protection|refcount_t|corruption|blocked' | head -60 | sed 's/^/#   /'
else
	tap_ok "no kernel BUG, WARNING or oops in dmesg"
fi
dmesg >"${KC_GUEST_DMESG:-/dev/null}" 2>/dev/null
rm -rf "$tmp"
tap_done

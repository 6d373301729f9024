#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ksmbd-mountd + ksmbd-engine in a network namespace of their own:
#
#   +-- netns kc-eng-PID ------------------------------------------+
#   |  ksmbd-mountd --(UNIX seqpacket, netlink msgs)--> ksmbd-engine |
#   |  smbclient, kc-ipc-probe --(127.0.0.1:445)--------^           |
#   +---------------------------------------------------------------+
#
# The handshake, START, version refusal on both sides, IPC rejections, and a
# real SMB client reaching the engine's request path.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-eng "$@"

tmp=$(mktemp -d)
cleanup() {
	[ -n "${KC_MOUNTD_PID:-}" ] && kill "$KC_MOUNTD_PID" 2>/dev/null && wait "$KC_MOUNTD_PID"
	rm -rf "$tmp"
}
trap cleanup EXIT
probe=$KC_BIN/kc-ipc-probe

kc_node_conf "$tmp"
if kc_mountd_start "$tmp"; then
	tap_ok "mountd starts ksmbd-engine and reports serving"
else
	tap_fail "mountd starts ksmbd-engine and reports serving"
	sed 's/^/#   /' "$tmp/mountd.log"
fi
tap_check "HELLO and START were logged by both sides" \
	grep -q "attached to user-space engine 0.1.0 (IPC protocol $KC_PROTO)" "$tmp/mountd.log"
tap_check "the engine listens on 127.0.0.1:445" kc_port_open 445
tap_check "the IPC socket is private (mode 0700 socket, owner only)" \
	sh -c "stat -c %a '$tmp/engine.sock' | grep -qx 700"

out=$("$probe" --socket "$tmp/engine.sock" hello 2>&1)
tap_check "a second peer's HELLO is answered EBUSY" sh -c "printf '%s\n' '$out' | grep -qx status=16"
out=$("$probe" --socket "$tmp/engine.sock" hello --proto 99 2>&1)
tap_check "HELLO of protocol 99 is answered with the engine's version and EPROTO" \
	sh -c "printf '%s\n' '$out' | grep -qx proto=$KC_PROTO && printf '%s\n' '$out' | grep -qx status=71"
tap_check "START before HELLO is refused with EPERM and a reason" \
	sh -c "'$probe' --socket '$tmp/engine.sock' start-early | grep -q 'msg=START before a successful HELLO' &&
	       '$probe' --socket '$tmp/engine.sock' start-early | grep -qx errno=EPERM"
tap_check "an attribute type the engine does not know is rejected with EINVAL" \
	sh -c "'$probe' --socket '$tmp/engine.sock' bad-attr | grep -qx errno=EINVAL"
tap_check "a LOGIN_REPLY from a peer that is not attached is refused with EPERM" \
	sh -c "'$probe' --socket '$tmp/engine.sock' stray-reply | grep -qx errno=EPERM"
tap_check "the refused peers did not disturb the attached one" kc_port_open 445

for m in SMB2_02 SMB2_10 SMB3_00 SMB3_02 SMB3_11; do
	out=$(timeout 20 smbclient -L //127.0.0.1 -N -m "$m" 2>&1)
	tap_check "smbclient -m $m lists the shares anonymously" \
		sh -c "printf '%s\n' '$out' | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'"
done
out=$(timeout 20 smbclient -L //127.0.0.1 -N --option='client min protocol=NT1' -m SMB3_11 2>&1)
if printf '%s\n' "$out" | grep -Eq '^[[:space:]]+share[[:space:]]+Disk'; then
	tap_ok "an SMB1 NEGOTIATE offering SMB2 is upgraded to SMB2"
else
	tap_fail "an SMB1 NEGOTIATE offering SMB2 is upgraded to SMB2"
fi
out=$(timeout 20 smbclient -L //127.0.0.1 -N -m NT1 --option='client min protocol=NT1' 2>&1)
tap_check "an SMB1-only client is refused cleanly" \
	sh -c "printf '%s\n' '$out' | grep -q 'negotiation failed: NT_STATUS_NOT_SUPPORTED'"
tap_check "the engine is still serving after the clients" kc_port_open 445

# mountd must refuse an engine of another protocol version.
mkdir -p "$tmp/fake"
printf '#!/bin/sh\nexec "%s" --fake-engine-proto 99 "$@"\n' "$probe" >"$tmp/fake/engine"
chmod +x "$tmp/fake/engine"
KC_PORT=4450 kc_node_conf "$tmp/fake" "engine program = $tmp/fake/engine"
out=$(timeout 20 "$KC_BIN/ksmbd-mountd" -F -c "$tmp/fake/node.conf" 2>&1)
rc=$?
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "speaks IPC protocol 99, this ksmbd-mountd speaks $KC_PROTO: refusing"; then
	tap_ok "mountd refuses an engine of another protocol version with a clear error"
else
	tap_fail "mountd refuses an engine of another protocol version with a clear error (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi

# Port already taken by the running engine: a second node on it must fail clearly.
kc_node_conf "$tmp/second"
sed -i "s|pid file = .*|pid file = $tmp/second/mountd.pid|" "$tmp/second/node.conf"
out=$(timeout 20 "$KC_BIN/ksmbd-mountd" -F -c "$tmp/second/node.conf" 2>&1)
rc=$?
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q "engine refused START: TCP port already in use"; then
	tap_ok "a port already in use fails START with a clear error"
else
	tap_fail "a port already in use fails START with a clear error (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi
out=$(timeout 20 "$KC_BIN/ksmbd-mountd" -F -c "$tmp/node.conf" 2>&1)
tap_check "a second mountd on the same pid file is refused" \
	sh -c "printf '%s\n' '$out' | grep -q 'another ksmbd-mountd is running (pid $KC_MOUNTD_PID'"

kill -TERM "$KC_MOUNTD_PID"
if kc_wait_exit "$KC_MOUNTD_PID" 15 && [ "$KC_EXIT_STATUS" -eq 0 ]; then
	tap_ok "SIGTERM stops mountd with status 0"
else
	tap_fail "SIGTERM stops mountd with status 0 (status ${KC_EXIT_STATUS:-still running})"
fi
KC_MOUNTD_PID=
tap_check "the port is closed after the stop" kc_port_closed 445
tap_check "the engine socket is removed after the stop" test ! -e "$tmp/engine.sock"
kc_check_sanitizers "no sanitizer reports, BUGs or WARNINGs in the logs" "$tmp"/mountd.log
tap_done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shutdown and failure handling, in a network namespace of its own: SIGTERM
# with client connections open, each side noticing the other's death, and
# mountd detaching (no -F) only once it serves.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

kc_own_netns kc-life "$@"

tmp=$(mktemp -d)
cleanup() {
	exec 4>&- 5>&- 6>&- 2>/dev/null
	[ -n "${KC_MOUNTD_PID:-}" ] && kill -9 "$KC_MOUNTD_PID" 2>/dev/null
	[ -n "${daemon:-}" ] && kill -9 "$daemon" 2>/dev/null
	pkill -f "ksmbd-engine -s $tmp/" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
kc_node_conf "$tmp"

# 1. SIGTERM while three clients are connected, one in the middle of a frame.
kc_mountd_start "$tmp" || tap_fail "node starts"
exec 4<>/dev/tcp/127.0.0.1/445 5<>/dev/tcp/127.0.0.1/445 6<>/dev/tcp/127.0.0.1/445
printf '\x00\x00\x01\x00\xfeSMB' >&6	# a 256-byte frame, only 4 bytes of it sent
engine=$(kc_engine_pid "$tmp")
kill -TERM "$KC_MOUNTD_PID"
if kc_wait_exit "$KC_MOUNTD_PID" 15 && [ "$KC_EXIT_STATUS" -eq 0 ]; then
	tap_ok "SIGTERM with open connections: mountd exits 0"
else
	tap_fail "SIGTERM with open connections: mountd exits 0 (status ${KC_EXIT_STATUS:-running})"
fi
tap_check "the engine exited too" wait_for 10 kc__gone "$engine"
tap_check "the engine logged a clean unload" grep -q "engine unloaded" "$tmp/mountd.log"
tap_check "client connections were closed by the server (EOF or reset)" \
	timeout 5 sh -c 'cat <&4 >/dev/null 2>&1; cat <&5 >/dev/null 2>&1; cat <&6 >/dev/null 2>&1; true'
exec 4>&- 5>&- 6>&-
tap_check "the port is closed" kc_port_closed 445
kc_check_sanitizers "clean logs after SIGTERM" "$tmp/mountd.log"

# 2. mountd killed with SIGKILL: the engine must stop (PR_SET_PDEATHSIG).
kc_mountd_start "$tmp" || tap_fail "node restarts on the same paths"
tap_check "a new node reuses the stale pid file and socket path" kc_port_open 445
engine=$(kc_engine_pid "$tmp")
kill -KILL "$KC_MOUNTD_PID"
wait "$KC_MOUNTD_PID" 2>/dev/null
tap_check "SIGKILL of mountd stops the engine within 5 s" wait_for 5 kc__gone "$engine"
tap_check "and the port closes" wait_for 5 kc_port_closed 445

# 3. The engine dies: mountd must notice and exit non-zero, not keep running blind.
kc_mountd_start "$tmp" || tap_fail "node restarts after a kill"
engine=$(kc_engine_pid "$tmp")
kill -KILL "$engine"
if kc_wait_exit "$KC_MOUNTD_PID" 10 && [ "$KC_EXIT_STATUS" -eq 1 ]; then
	tap_ok "mountd exits 1 when its engine dies"
else
	tap_fail "mountd exits 1 when its engine dies (status ${KC_EXIT_STATUS:-running})"
fi
tap_check "and says why" grep -Eq "engine died|closed its IPC channel" "$tmp/mountd.log"
KC_MOUNTD_PID=

# 4. A peer that attaches and disappears makes the engine stop serving (fail-safe).
"$KC_BIN/ksmbd-engine" -s "$tmp/solo.sock" >"$tmp/solo.log" 2>&1 &
solo=$!
wait_for 10 test -S "$tmp/solo.sock"
"$KC_BIN/kc-ipc-probe" --socket "$tmp/solo.sock" hello >/dev/null
tap_check "the engine notices a vanished peer" wait_for 5 grep -q "peer 1 went away" "$tmp/solo.log"
tap_check "an engine without a peer accepts a new HELLO" \
	sh -c "'$KC_BIN/kc-ipc-probe' --socket '$tmp/solo.sock' hello | grep -qx status=0"
tap_check "the attached peer's LOGIN_REPLY for an unknown handle is ENOENT" \
	sh -c "'$KC_BIN/kc-ipc-probe' --socket '$tmp/solo.sock' stray-reply --proto $KC_PROTO | grep -qx errno=ENOENT"
tap_check "a second engine on the same socket is refused" \
	sh -c "'$KC_BIN/ksmbd-engine' -s '$tmp/solo.sock' 2>&1 | grep -q 'another engine is serving it'"
kill -INT "$solo"
if kc_wait_exit "$solo" 10 && [ "$KC_EXIT_STATUS" -eq 0 ]; then
	tap_ok "ksmbd-engine exits 0 on SIGINT"
else
	tap_fail "ksmbd-engine exits 0 on SIGINT (status ${KC_EXIT_STATUS:-running})"
fi
kc_check_sanitizers "clean logs after the failure cases" "$tmp/mountd.log" "$tmp/solo.log"

# 4. Without -F: the parent returns once the node serves, the pid file names the daemon.
if "$KC_BIN/ksmbd-mountd" -c "$tmp/node.conf" 2>"$tmp/detach.err"; then
	tap_ok "without -F, mountd detaches and its parent exits 0"
else
	tap_fail "without -F, mountd detaches and its parent exits 0"
fi
tap_check "the node serves as soon as the parent has returned" kc_port_open 445
daemon=$(cat "$tmp/mountd.pid" 2>/dev/null)
tap_check "the pid file names the detached daemon" kill -0 "${daemon:-0}"
kill -TERM "${daemon:-0}" 2>/dev/null
tap_check "SIGTERM stops the detached daemon" wait_for 15 kc__gone "${daemon:-0}"
tap_done

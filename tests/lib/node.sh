# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers to run a ksmbd-cluster node in tests. Source after tests/lib/tap.sh.
# Programs come from $KC_BIN (set by tests/run-layer.sh; default build/default/bin).

KC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KC_BIN=${KC_BIN:-$KC_TOP/build/default/bin}

# kc_in_netns NAME CMD...: run CMD in a fresh network namespace NAME with only
# loopback up; the namespace is removed afterwards. Returns CMD's status.
kc_in_netns() {
	local ns=$1 rc
	shift
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip netns exec "$ns" "$@"
	rc=$?
	ip netns del "$ns"
	return $rc
}

# kc_own_netns PREFIX ARGS...: unless already there, re-run the calling test inside a
# fresh namespace PREFIX-PID and exit with its status. Call it first, with "$@".
kc_own_netns() {
	local prefix=$1
	shift
	[ "${1:-}" = inner ] && return 0
	kc_in_netns "$prefix-$$" "$0" inner
	exit $?
}

# kc_node_conf DIR [GLOBAL-LINE...]: write DIR/node.conf for a node listening on
# port ${KC_PORT:-445} and serving DIR/share, with the user-space engine
# (ksmbd-engine) or, with KC_ENGINE=kernel, the loaded ksmbd_cluster.ko. A
# GLOBAL-LINE setting "node name" replaces the default one (no "already set" warning).
kc_node_conf() {
	local dir=$1 line node_name="node name = test-node"
	shift
	mkdir -p "$dir/share"
	for line in "$@"; do
		case $line in "node name"*) node_name= ;; esac
	done
	{
		echo "[global]"
		echo "	netbios name = KCTEST"
		[ -n "$node_name" ] && echo "	$node_name"
		echo "	smb ports = ${KC_PORT:-445}"
		echo "	engine = ${KC_ENGINE:-user}"
		echo "	engine socket = $dir/engine.sock"
		echo "	pid file = $dir/mountd.pid"
		echo "	state directory = $dir/state"
		for line in "$@"; do
			echo "	$line"
		done
		echo "[share]"
		echo "	path = $dir/share"
	} >"$dir/node.conf"
}

# kc_mountd_start DIR [ARGS...]: start ksmbd-mountd -F in the background with
# DIR/node.conf; log in DIR/mountd.log; pid in KC_MOUNTD_PID. Waits up to 15 s
# for "serving" (status 0) or for mountd to exit (status 1).
kc_mountd_start() {
	local dir=$1
	shift
	"$KC_BIN/ksmbd-mountd" -F -c "$dir/node.conf" "$@" >"$dir/mountd.log" 2>&1 &
	KC_MOUNTD_PID=$!
	wait_for 15 kc__serving_or_gone "$dir" || return 1
	grep -q ' serving ' "$dir/mountd.log"
}

kc__serving_or_gone() {
	grep -q ' serving ' "$1/mountd.log" || ! kill -0 "$KC_MOUNTD_PID" 2>/dev/null
}

# kc_port_open [PORT] [HOST]: whether something accepts TCP connections there.
kc_port_open() {
	(exec 3<>"/dev/tcp/${2:-127.0.0.1}/${1:-${KC_PORT:-445}}") 2>/dev/null
}

kc_port_closed() {
	! kc_port_open "$@"
}

# kc_engine_pid DIR: pid of the ksmbd-engine mountd started, from its log.
kc_engine_pid() {
	sed -n 's/.*started .*ksmbd-engine (pid \([0-9]*\)).*/\1/p' "$1/mountd.log" | tail -n1
}

# kc_wait_exit PID TIMEOUT: wait for a child PID to exit; sets KC_EXIT_STATUS.
kc_wait_exit() {
	local pid=$1 timeout=$2
	wait_for "$timeout" kc__gone "$pid" || return 1
	wait "$pid" 2>/dev/null
	KC_EXIT_STATUS=$?
	return 0
}

kc__gone() {
	! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}

# kc_check_sanitizers DESC FILE...: ok unless a sanitizer or a BUG/WARNING shows in the logs.
kc_check_sanitizers() {
	local desc=$1
	shift
	if grep -Eq 'ERROR: (Address|Leak|Thread)Sanitizer|runtime error:|WARNING at|BUG at' "$@" 2>/dev/null; then
		tap_fail "$desc"
		grep -Eh -A5 'Sanitizer|runtime error:|WARNING at|BUG at' "$@" | head -30 | sed 's/^/#   /'
	else
		tap_ok "$desc"
	fi
}

# The engine IPC protocol version this tree speaks.
KC_PROTO=$(sed -n 's/^#define KSMBD_CLUSTER_PROTO_VERSION[[:space:]]*//p' "$KC_TOP/include/uapi/ksmbd_cluster.h")

# smbclient_expect DESC REGEX ARGS...: run smbclient ARGS (30 s at most); ok when
# its output matches REGEX, else not ok with the first lines of the output.
smbclient_expect() {
	local desc=$1 re=$2 out
	shift 2
	out=$(timeout 30 smbclient "$@" 2>&1)
	if printf '%s\n' "$out" | grep -Eq -- "$re"; then
		tap_ok "$desc"
	else
		tap_fail "$desc"
		printf '%s\n' "$out" | head -8 | sed 's/^/#   /'
	fi
}

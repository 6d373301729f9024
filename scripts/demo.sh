#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/demo.sh up|down|status: the main job of 'make demo'. Starts one
# ksmbd-cluster node serving ./demo-share on 127.0.0.1:${DEMO_PORT:-4445}
# (the kernel module when it is loaded, else the user-space engine), with its
# state, logs and configuration in ./.demo. 'down' stops it and removes .demo
# (demo-share and its files stay).
set -euo pipefail

PROG=${0##*/}
cd "$(dirname "$0")/.."
top=$PWD
demo=$top/.demo
share=$top/demo-share
port=${DEMO_PORT:-4445}
bin=${KC_BIN:-$top/build/default/bin}

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

running_pid() {
	local pid
	pid=$(cat "$demo/mountd.pid" 2>/dev/null) || return 1
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

up() {
	local pid i
	[ -x "$bin/ksmbd-mountd" ] || die "$bin/ksmbd-mountd is missing: run 'make user' first"
	if pid=$(running_pid); then
		echo "$PROG: the demo node is already running (pid $pid)"
		show
		return 0
	fi
	mkdir -p "$demo" "$share"
	[ -e "$share/README.txt" ] || echo "Served by ksmbd-cluster (make demo)." >"$share/README.txt"
	cat >"$demo/node.conf" <<CONF
# Written by scripts/demo.sh: one node on the loopback address.
[global]
	netbios name = KCDEMO
	node name = demo
	server string = ksmbd-cluster demo
	smb ports = $port
	interfaces = 127.0.0.1
	bind interfaces only = yes
	engine = auto
	engine socket = $demo/engine.sock
	pid file = $demo/mountd.pid
	state directory = $demo/state
	passdb file = $demo/passdb
	map to guest = bad user

[demo]
	path = $share
	comment = ksmbd-cluster demo share
	read only = no
	guest ok = yes
CONF
	"$bin/ksmbd-mountd" -n -c "$demo/node.conf" >/dev/null
	echo "$PROG: starting the node (log: .demo/mountd.log)"
	setsid "$bin/ksmbd-mountd" -F -c "$demo/node.conf" >"$demo/mountd.log" 2>&1 </dev/null &
	for i in $(seq 200); do
		grep -q ' serving ' "$demo/mountd.log" && break
		kill -0 $! 2>/dev/null || { cat "$demo/mountd.log" >&2; die "the node failed to start"; }
		sleep 0.05
	done
	grep -q ' serving ' "$demo/mountd.log" || { cat "$demo/mountd.log" >&2; die "the node did not start within 10 s"; }
	show
}

show() {
	cat <<TXT

ksmbd-cluster demo node is running (pid $(running_pid || echo '?')).
  share:   demo -> $share
  address: 127.0.0.1 port $port
  engine:  $(sed -n 's/.*node .* serving (engine: \(.*\))/\1/p' "$demo/mountd.log" | tail -n1)
  log:     $demo/mountd.log

Connect with:
  smbclient -L //127.0.0.1 -p $port -N
That lists the shares (anonymous logon, srvsvc). Inside a share ls, mkdir, put
and get work; renames and deletes do not yet (README.md, feature table). Add a user with
  build/default/bin/ksmbd-cluster -c $demo/node.conf user add NAME

Stop it with:
  make demo-down
TXT
}

down() {
	local pid i
	if ! pid=$(running_pid); then
		echo "$PROG: no demo node is running"
		rm -rf "$demo"
		return 0
	fi
	kill -TERM "$pid"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && die "the node (pid $pid) did not stop within 10 s"
	rm -rf "$demo"
	echo "$PROG: demo node stopped; $share is left in place"
}

case ${1:-} in
up) up ;;
down) down ;;
status) if running_pid >/dev/null; then show; else echo "$PROG: not running"; exit 1; fi ;;
-h|--help) sed -n '3,9p' "$0" ;;
*) echo "usage: $PROG up|down|status" >&2; exit 2 ;;
esac

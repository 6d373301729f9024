#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/bench.sh [--workload data|meta|all] [--size SIZE] [--files N] [--runs N] [--warmup N]
# [--protection sign|off]: the job of 'make bench'. Sequential write (smbclient put) and read
# (get) of one large file, and a metadata workload (create, stat, list and delete of many small
# files), against our node (ksmbd-mountd + ksmbd-engine from build/default) and
# against Samba's smbd, both on the loopback of a network namespace created and
# removed here, serving the same directory to the same user, measured with the
# same smbclient binary and dialect (SMB3_11). Runs alternate between the two
# servers (and which one goes first), page caches are dropped before every
# transfer when the system allows it, and the medians and the ratio ours/smbd
# are printed and written to build/bench/result.md (server logs: build/bench/logs/).
# Needs root.
set -euo pipefail

PROG=${0##*/}
cd "$(dirname "$0")/.."
top=$PWD
bin=${KC_BIN:-$top/build/default/bin}
size=1G
files=10000
workload=all
runs=3
warmup=1
protection=sign
our_port=445
smbd_port=1445
user=root
pass=Bench-pass-1

usage() {
	cat <<EOF
usage: $PROG [--workload data|meta|all] [--size SIZE] [--files N] [--runs N] [--warmup N]
       [--protection sign|off]

Compares ksmbd-engine with Samba's smbd over SMB3_11 with the same smbclient.
The data workload is a sequential write (put) and read (get) of one SIZE file
(head -c syntax: 1G, 256M, ...; default $size). The metadata workload (meta)
creates N small files (default $files; smbclient mput of 100-byte files), stats
each (allinfo: open, queries, close), lists the directory, and deletes them
(del *); each phase is timed on its own and reported in operations per second.
--workload all (the default) runs both. N runs per server and workload
(default $runs), alternating servers, after
--warmup untimed rounds per server (default $warmup: the first write after the
file is made is slow for whichever server goes first). Signing
is on by default (--protection off turns it off for both). Prints MB/s
(10^6 bytes per second) per run, the medians and the ratio ours/smbd, and
writes the table to build/bench/result.md (the servers' logs to
build/bench/logs/). Needs root (network namespace,
drop_caches) and smbd, smbclient, smbpasswd; runs 'make user' first via
'make bench'.
EOF
}

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

inner=0
while [ $# -gt 0 ]; do
	case $1 in
	--size) [ $# -ge 2 ] || die "--size needs a value"; size=$2; shift 2 ;;
	--size=*) size=${1#*=}; shift ;;
	--files) [ $# -ge 2 ] || die "--files needs a value"; files=$2; shift 2 ;;
	--files=*) files=${1#*=}; shift ;;
	--workload) [ $# -ge 2 ] || die "--workload needs a value"; workload=$2; shift 2 ;;
	--workload=*) workload=${1#*=}; shift ;;
	--runs) [ $# -ge 2 ] || die "--runs needs a value"; runs=$2; shift 2 ;;
	--runs=*) runs=${1#*=}; shift ;;
	--warmup) [ $# -ge 2 ] || die "--warmup needs a value"; warmup=$2; shift 2 ;;
	--warmup=*) warmup=${1#*=}; shift ;;
	--protection) [ $# -ge 2 ] || die "--protection needs a value"; protection=$2; shift 2 ;;
	--protection=*) protection=${1#*=}; shift ;;
	--inner) inner=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case $runs in ''|*[!0-9]*|0) die "--runs wants a positive number, not '$runs'" ;; esac
case $warmup in ''|*[!0-9]*) die "--warmup wants a number, not '$warmup'" ;; esac
case $files in ''|*[!0-9]*|0) die "--files wants a positive number, not '$files'" ;; esac
case $workload in data|meta|all) ;; *) die "--workload is data, meta or all, not '$workload'" ;; esac
case $protection in sign|off) ;; *) die "--protection is sign or off, not '$protection'" ;; esac
case $size in ''|*[!0-9KMGkmgBbi]*) die "--size wants a head -c size (1G, 256M, ...), not '$size'" ;; esac

# Outside the namespace: check, create it, run ourselves inside, remove it.
if [ "$inner" = 0 ]; then
	[ "$(id -u)" = 0 ] || die "needs root (network namespace, drop_caches)"
	for p in smbd smbclient smbpasswd ip; do
		command -v "$p" >/dev/null || die "$p not found (make deps installs it)"
	done
	[ -x "$bin/ksmbd-mountd" ] && [ -x "$bin/ksmbd-engine" ] ||
		die "$bin/ksmbd-mountd is missing: run 'make user' first"
	ns=kc-bench-$$
	ip netns add "$ns" || die "cannot create network namespace $ns"
	trap 'ip netns del "$ns" 2>/dev/null' EXIT
	ip -n "$ns" link set lo up
	ip netns exec "$ns" "$0" --inner --size "$size" --runs "$runs" --warmup "$warmup" \
		--protection "$protection" --files "$files" --workload "$workload"
	exit $?
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kc-bench.XXXXXX")
chmod 755 "$work"
share=$work/share
mkdir -p "$share" "$work/node" "$work/samba"/{lock,state,cache,private,pid,ncalrpc,binddns}
mountd_pid= smbd_pid=
cleanup() {
	set +e
	{
		[ -n "$mountd_pid" ] && kill "$mountd_pid" && wait "$mountd_pid"
		[ -n "$smbd_pid" ] && kill "$smbd_pid" && wait "$smbd_pid"
	} 2>/dev/null
	# The servers' logs stay for a look afterwards.
	mkdir -p "$top/build/bench/logs"
	cp "$work/node/mountd.log" "$top/build/bench/logs/" 2>/dev/null
	cp "$work/samba/log.smbd" "$top/build/bench/logs/" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds or time runs out.
wait_until() {
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- our node --------------------------------------------------------------------------------
cat >"$work/node/node.conf" <<CONF
[global]
	netbios name = KCBENCH
	node name = bench
	smb ports = $our_port
	interfaces = 127.0.0.1
	bind interfaces only = yes
	engine = user
	engine program = $bin/ksmbd-engine
	engine socket = $work/node/engine.sock
	pid file = $work/node/mountd.pid
	state directory = $work/node/state
	passdb file = $work/node/passdb
[bench]
	path = $share
	read only = no
CONF
printf '%s\n' "$pass" | "$bin/ksmbd-cluster" -c "$work/node/node.conf" user add "$user" >/dev/null
echo "$PROG: starting ksmbd-mountd + ksmbd-engine ($bin) on port $our_port"
# Started through a link of another name: on a shared machine, 'pkill -x ksmbd-mountd' run by
# someone else (network namespaces do not separate processes) would stop it mid-measurement.
mkdir -p "$work/bin"
ln -s "$bin/ksmbd-mountd" "$work/bin/kc-bench-mountd"
"$work/bin/kc-bench-mountd" -F -c "$work/node/node.conf" >"$work/node/mountd.log" 2>&1 &
mountd_pid=$!
wait_until 15 grep -q ' serving ' "$work/node/mountd.log" ||
	{ cat "$work/node/mountd.log" >&2; die "our node did not start"; }

# --- Samba's smbd, everything private to $work/samba ------------------------------------------
s=$work/samba
cat >"$s/smb.conf" <<CONF
[global]
	netbios name = KCBENCHSMBD
	server role = standalone server
	smb ports = $smbd_port
	interfaces = 127.0.0.1
	bind interfaces only = yes
	disable netbios = yes
	lock directory = $s/lock
	state directory = $s/state
	cache directory = $s/cache
	private dir = $s/private
	pid directory = $s/pid
	ncalrpc dir = $s/ncalrpc
	binddns dir = $s/binddns
	usershare path =
	passdb backend = tdbsam:$s/private/passdb.tdb
	log file = $s/log.smbd
	log level = 0
	load printers = no
	printcap name = /dev/null
	disable spoolss = yes
	map to guest = never
[bench]
	path = $share
	read only = no
CONF
printf '%s\n%s\n' "$pass" "$pass" | smbpasswd -c "$s/smb.conf" -s -a "$user" >/dev/null ||
	die "smbpasswd could not add $user to the private passdb"
smbd_version=$(smbd --version | sed 's/^Version //')
echo "$PROG: starting smbd $smbd_version on port $smbd_port"
smbd --foreground --configfile="$s/smb.conf" >"$s/smbd.out" 2>&1 &
smbd_pid=$!
wait_until 15 port_open "$smbd_port" ||
	{ cat "$s/smbd.out" "$s/log.smbd" >&2 2>/dev/null; die "smbd did not start"; }
wait_until 15 port_open "$our_port" || die "our node does not accept connections"

# --- the workloads' data -------------------------------------------------------------------
bytes=0
if [ "$workload" != meta ]; then
	echo "$PROG: making a $size file of random bytes"
	head -c "$size" /dev/urandom >"$work/src.bin"
	bytes=$(stat -c %s "$work/src.bin")
	[ "$bytes" -gt 0 ] || die "could not make a $size file"
fi
if [ "$workload" != data ]; then
	echo "$PROG: making $files 100-byte files and the smbclient command lists"
	mkdir "$work/small"
	head -c 100 /dev/urandom >"$work/small.tmpl"
	for i in $(seq 1 "$files"); do cp "$work/small.tmpl" "$work/small/f$i"; done
	printf 'lcd %s\nprompt off\nmkdir meta\ncd meta\nmput f*\n' "$work/small" >"$work/cmd.create"
	{ echo "cd meta"; for i in $(seq 1 "$files"); do echo "allinfo f$i"; done; } >"$work/cmd.stat"
	printf 'cd meta\nls\n' >"$work/cmd.list"
	printf 'cd meta\ndel *\ncd ..\nrmdir meta\n' >"$work/cmd.delete"
fi

drop_caches() {
	sync
	echo 3 2>/dev/null >/proc/sys/vm/drop_caches || true
}
if (echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then
	caches="page cache dropped before every transfer"
else
	caches="page cache NOT dropped (no write access to /proc/sys/vm/drop_caches)"
fi
echo "$PROG: $caches"

# smbc PORT CMDFILE: run the smbclient commands in CMDFILE (read from stdin, one per line);
# prints the wall time in milliseconds.
smbc() {
	local port=$1 cmds=$2 start end
	drop_caches
	start=$(date +%s%N)
	timeout 1800 smbclient "//127.0.0.1/bench" -p "$port" -m SMB3_11 \
		--client-protection="$protection" -U "$user%$pass" <"$cmds" \
		>"$work/xfer.log" 2>&1 || {
			cat "$work/xfer.log" >&2
			# pkill and killall are not confined by network namespaces: say so when
			# something outside this script stopped our node.
			if grep -q 'signal 15: stopping' "$work/node/mountd.log"; then
				echo "$PROG: ksmbd-mountd was sent SIGTERM by another process" \
					"(a 'pkill ksmbd-mountd' elsewhere on this machine?); run again" >&2
			elif ! kill -0 "$mountd_pid" 2>/dev/null; then
				echo "$PROG: ksmbd-mountd exited; its log:" >&2
				tail -20 "$work/node/mountd.log" >&2
			fi
			return 1
		}
	end=$(date +%s%N)
	echo $(( (end - start) / 1000000 ))
}
xfer() { printf '%s\n' "$2" >"$work/cmd.xfer"; smbc "$1" "$work/cmd.xfer"; }
mbps() { awk -v b="$bytes" -v ms="$1" 'BEGIN { printf "%.1f", b / 1e6 / (ms / 1000) }'; }
opss() { awk -v n="$files" -v ms="$1" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END {
	if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A res=()
# record WHO-WHAT VALUE LABEL: keep a measured value (not in warm-up rounds).
record() { [ "$3" = warmup ] || res[$1]+=" $2"; }

# run_data WHO PORT LABEL [warmup]: one put and one get.
run_data() {
	local who=$1 port=$2 label=$3 ms r
	ms=$(xfer "$port" "put $work/src.bin bench.bin") || die "$who: put failed"
	[ "$(stat -c %s "$share/bench.bin")" = "$bytes" ] || die "$who: the file in the share has the wrong size"
	r=$(mbps "$ms")
	record "$who-write" "$r" "${4:-}"
	printf '  %-10s  %-4s  write  %8s MB/s  (%d ms)\n' "$label" "$who" "$r" "$ms"
	ms=$(xfer "$port" "get bench.bin /dev/null") || die "$who: get failed"
	r=$(mbps "$ms")
	record "$who-read" "$r" "${4:-}"
	printf '  %-10s  %-4s  read   %8s MB/s  (%d ms)\n' "$label" "$who" "$r" "$ms"
	rm -f "$share/bench.bin"
}

# run_meta WHO PORT LABEL [warmup]: create, stat, list and delete $files files.
run_meta() {
	local who=$1 port=$2 label=$3 ms r phase n
	for phase in create stat list delete; do
		ms=$(smbc "$port" "$work/cmd.$phase") || die "$who: $phase failed"
		case $phase in
		create)
			n=$(find "$share/meta" -type f | wc -l)
			[ "$n" = "$files" ] || die "$who: $n files in the share after create, not $files" ;;
		list)
			n=$(grep -cE '^  f[0-9]+ ' "$work/xfer.log" || true)
			[ "$n" = "$files" ] || die "$who: ls listed $n files, not $files" ;;
		delete)
			[ ! -e "$share/meta" ] || die "$who: the files were not all deleted" ;;
		esac
		r=$(opss "$ms")
		record "$who-$phase" "$r" "${4:-}"
		printf '  %-10s  %-4s  %-6s %8s files/s  (%d ms)\n' "$label" "$who" "$phase" "$r" "$ms"
	done
}

run_both() {
	[ "$workload" = meta ] || run_data "$@"
	[ "$workload" = data ] || run_meta "$@"
}

signing=$([ "$protection" = sign ] && echo on || echo off)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$PROG: $warmup warm-up and $runs measured runs per server, workload $workload, SMB3_11, signing $signing"
for run in $(seq 1 "$warmup"); do
	run_both ours "$our_port" "warm-up" warmup
	run_both smbd "$smbd_port" "warm-up" warmup
done
for run in $(seq 1 "$runs"); do
	if [ $((run % 2)) = 1 ]; then
		run_both ours "$our_port" "run $run/$runs"
		run_both smbd "$smbd_port" "run $run/$runs"
	else
		run_both smbd "$smbd_port" "run $run/$runs"
		run_both ours "$our_port" "run $run/$runs"
	fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# row LABEL KEY: a table row with both medians and the ratio.
row() {
	local o s
	o=$(median <<<"${res[ours-$2]}") s=$(median <<<"${res[smbd-$2]}")
	echo "| $1 | $o | $s | $(ratio "$o" "$s") |"
}
mib=$(awk -v b="$bytes" 'BEGIN { if (b >= 1073741824) printf "%g GiB", b / 1073741824; else printf "%g MiB", b / 1048576 }')
mkdir -p "$top/build/bench"
result=$top/build/bench/result.md
{
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -r); smbclient/smbd $smbd_version;"
	echo "SMB3_11, signing $signing, loopback in a network namespace, median of $runs runs after $warmup warm-up round(s), $caches;"
	echo "load average (1, 5, 15 min) $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	if [ "$workload" != meta ]; then
		echo
		echo "Data: one $mib file."
		echo
		echo "| MB/s (10^6 B/s) | ksmbd-engine | smbd | ours/smbd |"
		echo "|---|---|---|---|"
		row "sequential write (put)" write
		row "sequential read (get)" read
	fi
	if [ "$workload" != data ]; then
		echo
		echo "Metadata: $files files of 100 bytes in one directory."
		echo
		echo "| files/s | ksmbd-engine | smbd | ours/smbd |"
		echo "|---|---|---|---|"
		row "create (mput)" create
		row "stat (allinfo)" stat
		row "list (ls)" list
		row "delete (del *)" delete
	fi
	echo
	printf 'Runs:'
	for k in $(printf '%s\n' "${!res[@]}" | sort); do printf ' %s%s;' "$k" "${res[$k]}"; done
	echo
} >"$result"
echo
cat "$result"
echo
echo "$PROG: written to ${result#"$top"/}"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scripts/bench-repl.sh: the replication benchmark (make bench-repl). Starts three nodes in
# network namespaces (kcrb<pid>-n1..n3 on a bridge, 10.97.0.0/24, nothing leaves the
# machine), each running corosync and ksmbd-clusterd with the persistent registry (libpstore,
# synced transactions) in a temporary directory, then runs tests/tools/kc-repl-bench in every
# node at once: WRITERS concurrent writers in all, spread over the nodes, each committing
# registry mutations (share records) through its node's clusterd one at a time. Prints
# progress, then mutations per second over the whole cluster and the p50/p99/max commit
# latency (submit -> ordered by corosync and applied on the writer's node -> answered), and
# checks that the three nodes end with the same state hash. Everything it started is removed
# at the end, also on Ctrl-C.
#
#   scripts/bench-repl.sh [--writers N] [--seconds S | --count N] [--dir DIR] [--keep-logs DIR]
set -o pipefail

PROG=${0##*/}
cd "$(dirname "$0")/.." || exit 1
top=$PWD

writers=6
seconds=10
count=0
keep=""
base=/var/tmp
usage() {
	cat <<EOF
usage: $PROG [--writers N] [--seconds S | --count N] [--dir DIR] [--keep-logs DIR]
  --writers N    concurrent writers in all, spread over the three nodes (default 6)
  --seconds S    run for S seconds (default 10)
  --count N      commit N mutations in all instead (e.g. a smoke run)
  --dir DIR      where the nodes' state directories go (default /var/tmp, on disk; a
                 tmpfs such as /dev/shm takes the disk's sync time out of the numbers)
  --keep-logs D  copy the nodes' corosync and clusterd logs to D
EOF
}
while [ $# -gt 0 ]; do
	case $1 in
	--writers) writers=$2; shift 2 ;;
	--seconds) seconds=$2; count=0; shift 2 ;;
	--count) count=$2; seconds=0; shift 2 ;;
	--dir) base=$2; shift 2 ;;
	--keep-logs) keep=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
case "$writers$seconds$count" in *[!0-9]*) usage >&2; exit 2 ;; esac
[ "$writers" -ge 1 ] || { usage >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$PROG: needs root (network namespaces)" >&2; exit 1; }
command -v corosync >/dev/null || { echo "$PROG: corosync is not installed (make deps)" >&2; exit 1; }

export KC_NS_PREFIX=kcrb$$-
export KC_NET=10.97.0
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/node.sh"
. "$top/tests/lib/cluster.sh"
KC_BIN=${KC_BIN:-$top/build/default/bin}
[ -x "$KC_BIN/kc-repl-bench" ] || { echo "$PROG: $KC_BIN/kc-repl-bench missing (make user)" >&2; exit 1; }
KC_CLUSTER_DIR=$(mktemp -d "$base/kc-bench-repl.XXXXXX") || exit 1
bench_pids=""

teardown() {
	local p
	trap - EXIT INT TERM
	for p in $bench_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $bench_pids; do
		kc_wait_exit "$p" 10
	done
	if [ -n "$keep" ]; then
		mkdir -p "$keep" && for i in 1 2 3; do
			cp "$KC_CLUSTER_DIR/n$i/clusterd.log" "$keep/n$i-clusterd.log" 2>/dev/null
			cp "$KC_CLUSTER_DIR/n$i/corosync.log" "$keep/n$i-corosync.log" 2>/dev/null
		done
	fi
	kc_clusterd_down 2>/dev/null	# bash reports the SIGKILLed daemons
	rm -rf "$KC_CLUSTER_DIR"
}
trap teardown EXIT
trap 'echo; echo "$PROG: interrupted, removing the nodes" >&2; exit 130' INT TERM

formed() {
	local h="" i x
	for i in 1 2 3; do
		kc_status "$i" '.quorate and .synced and (.members | length) == 3' || return 1
		x=$(kc_cli "$i" status --json | jq -r .state_hash)
		[ -z "$h" ] && h=$x
		[ "$x" = "$h" ] || return 1
	done
}

echo "$PROG: starting three nodes (corosync + ksmbd-clusterd, registry in libpstore)"
kc_cluster_up 3 || exit 1
for i in 1 2 3; do
	kc_clusterd_conf "$i" 3 >/dev/null 2>&1 || exit 1
done
for i in 1 2 3; do
	kc_corosync_start "$i"
	kc_clusterd_start "$i"
done
if ! wait_for 30 formed; then
	echo "$PROG: the cluster did not form within 30 s" >&2
	for i in 1 2 3; do tail -n 5 "$KC_CLUSTER_DIR/n$i/clusterd.log" >&2; done
	exit 1
fi
echo "$PROG: cluster formed; $writers writer(s) over 3 nodes," \
	"$([ "$count" -gt 0 ] && echo "$count mutations" || echo "$seconds s")"

for i in 1 2 3; do
	w=$(( writers / 3 + (i <= writers % 3 ? 1 : 0) ))
	[ "$w" -gt 0 ] || continue
	if [ "$count" -gt 0 ]; then
		run="-n $(( (count * w + writers - 1) / writers ))"
	else
		run="-d $seconds"
	fi
	# shellcheck disable=SC2086
	ip netns exec "$(kc_ns "n$i")" "$KC_BIN/kc-repl-bench" -w "$w" $run -t "n$i" \
		-o "$KC_CLUSTER_DIR/lat.$i" >"$KC_CLUSTER_DIR/sum.$i" &
	bench_pids="$bench_pids $!"
done
t0=$(date +%s%N)
rc=0
for p in $bench_pids; do
	wait "$p" || rc=1
done
t1=$(date +%s%N)
bench_pids=""
for i in 1 2 3; do
	[ -s "$KC_CLUSTER_DIR/sum.$i" ] && echo "  node $i: $(cat "$KC_CLUSTER_DIR/sum.$i")"
done
# Total rate over the common wall time; latency percentiles over every sample.
cat "$KC_CLUSTER_DIR"/lat.* 2>/dev/null | sort -n >"$KC_CLUSTER_DIR/lat.all"
n=$(wc -l <"$KC_CLUSTER_DIR/lat.all")
if [ "$n" -eq 0 ]; then
	echo "$PROG: no mutation was committed" >&2
	exit 1
fi
awk -v n="$n" -v ns=$(( t1 - t0 )) -v w="$writers" '
	function rank(p) { r = int((n * p + 99) / 100); return r < 1 ? 1 : r }
	{ v[NR] = $1 }
	END {
		s = ns / 1e9
		printf "RESULT: %d mutations in %.2f s by %d writers on 3 nodes: %.0f mutations/s, " \
		       "commit latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
		       n, s, w, n / s, v[rank(50)] / 1000, v[rank(99)] / 1000, v[n] / 1000
	}' "$KC_CLUSTER_DIR/lat.all"
if wait_for 10 formed; then
	echo "$PROG: the three nodes end with the same state hash"
else
	echo "$PROG: the nodes' state hashes differ" >&2
	rc=1
fi
exit $rc

# SPDX-License-Identifier: GPL-2.0-or-later
# Shared part of the smbtorture layer, sourced by tests/torture/*.t and
# tests/torture/update-lists.sh after tests/lib/tap.sh and tests/lib/node.sh.
#
# kc_torture_node DIR        start mountd + ksmbd-engine serving DIR/share
# kc_torture_suite SUITE SEC run one suite, append its results to $KC_TORTURE_RESULTS
#
# Results are one line per subtest: "NAME<TAB>STATUS<TAB>MESSAGE", STATUS one of
# success, failure, error, skip, timeout, noresult, unreached. The raw
# smbtorture output (subunit v1) is kept in $KC_TORTURE_LOGS/SUITE.N.log.

KC_TORTURE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KC_TORTURE_EXPECTED=${KC_TORTURE_EXPECTED:-$KC_TORTURE_DIR/expected}
KC_TORTURE_KNOWN=${KC_TORTURE_KNOWN:-$KC_TORTURE_DIR/known-failures}

# A subtest name may hold spaces (smb2.delete-on-close-perms."CREATE Existing"): in
# the lists a name is the whole line up to a "#" comment, without the blanks around it.
KC__NAME_AWK='{ sub(/#.*/, ""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }'

# The suites the layer runs, each with a time limit in seconds for the whole
# suite (on this 2-core machine with the ASan build they take a fraction of it)
# and, optionally, one for each of its subtests instead of KC_TORTURE_TEST_TIMEOUT.
KC_TORTURE_SUITES=(
	smb2.connect:60
	smb2.read:60
	smb2.dir:150
	smb2.scan:180:60	# smb2.scan.scan sends every opcode: ~7 s alone, more under load
	smb2.credits:60
	smb2.getinfo:60
	smb2.setinfo:60
	smb2.session:240
	smb2.multichannel:120
	smb2.tcon:60
	smb2.rw:120
	smb2.compound:120
	smb2.rename:200
	smb2.acls:120
	smb2.sharemode:120
	smb2.delete-on-close-perms:120
	smb2.maximum_allowed:60
	smb2.create:300
	smb2.dosmode:60
	smb2.streams:200
	smb2.ea:60
	smb2.lease:420:50	# a break left unacknowledged waits the 35 s timeout (timeout, timeout-disconnect)
	smb2.notify:600:100	# smb2.notify.mask waits 200 ms per filter bit (~1 min); basedir waits for its limit
	smb2.lock:240
	smb2.maxfid:240:200	# opens files until refused (6144, see kc_torture_node), then deletes them
	smb2.oplock:240:50	# batch22a waits out the 35 s break timeout it measures; most others wait 1 s per "no break" check
	smb2.ioctl:120	# ~15 s for its 77 subtests (44 pass, the rest mostly smbtorture skips)
	smb2.durable-open:120:40	# ~3 s; 40 s per subtest in case a break to a dying connection times out (35 s)
	smb2.durable-v2-open:120:40
	smb2.durable-v2-delay:90:40	# ~11 s: reconnect_delay_msec waits for a handle's timeout
)
# A single subtest that shows no result within this many seconds is stopped,
# reported as "timeout", and the suite goes on with the subtests it did not reach.
KC_TORTURE_TEST_TIMEOUT=${KC_TORTURE_TEST_TIMEOUT:-15}
KC__TEST_LIMIT=$KC_TORTURE_TEST_TIMEOUT

KC_TORTURE_USER=torture
KC_TORTURE_PASS=Torture-Pw-1
# A second user for the tests that need two (smb2.session.bind_different_user reads
# torture:user2name and torture:user2password; smbtorture 4.17's --extra-user is not it).
KC_TORTURE_USER2=torture2
KC_TORTURE_PASS2=Torture-Pw-2

# kc_torture_node DIR: a node with user $KC_TORTURE_USER and a writable [share].
kc_torture_node() {
	local dir=$1
	kc_node_conf "$dir" "passdb file = $dir/passdb"
	printf '\tread only = no\n' >>"$dir/node.conf"
	# smb2.acls.ACCESSBASED connects to a share named hideunread with
	# access-based enumeration.
	mkdir -p "$dir/hideunread"
	printf '[hideunread]\n\tpath = %s\n\tread only = no\n\thide unreadable = yes\n' \
		"$dir/hideunread" >>"$dir/node.conf"
	printf '%s\n' "$KC_TORTURE_PASS" |
		"$KC_BIN/ksmbd-cluster" -c "$dir/node.conf" user add "$KC_TORTURE_USER" >/dev/null ||
		return 1
	printf '%s\n' "$KC_TORTURE_PASS2" |
		"$KC_BIN/ksmbd-cluster" -c "$dir/node.conf" user add "$KC_TORTURE_USER2" >/dev/null ||
		return 1
	# smb2.maxfid opens files until the engine refuses one: with a hard limit
	# of 8192 descriptors the engine's limit is 6144 opens (ksmbd_port_max_opens)
	# whatever the host allows, which keeps the suite short; the soft limit of
	# 1024 is one the engine must raise itself to get there.
	ulimit -Sn 1024 && ulimit -Hn 8192 || return 1
	kc_mountd_start "$dir"
}

# kc_torture_listed [SUITE]: the subtest names in expected and known-failures
# (those of SUITE only when given), sorted and unique; with KC_TORTURE_DISCOVER=1
# also what smbtorture --list names for SUITE.
kc_torture_listed() {
	local suite=${1:-}
	{
		cat "$KC_TORTURE_EXPECTED" "$KC_TORTURE_KNOWN" 2>/dev/null |
			awk -v p="$suite." "$KC__NAME_AWK"' NF && (p == "." || index($0, p) == 1) { print }'
		if [ "${KC_TORTURE_DISCOVER:-0}" = 1 ] && [ -n "$suite" ]; then
			kc_torture_discover "$suite"
		fi
	} | sort -u
}

# kc_torture_reason NAME: the reason given for NAME in known-failures, if listed.
kc_torture_reason() {
	awk -v n="$1" '{ l = $0 } '"$KC__NAME_AWK"' $0 == n { sub(/^[^#]*#[[:space:]]*/, "", l); print l; exit }' \
		"$KC_TORTURE_KNOWN" 2>/dev/null
}

kc_torture_is_known() {
	awk -v n="$1" "$KC__NAME_AWK"' $0 == n { f = 1 } END { exit !f }' "$KC_TORTURE_KNOWN" 2>/dev/null
}

kc_torture_is_expected() {
	awk -v n="$1" "$KC__NAME_AWK"' $0 == n { f = 1 } END { exit !f }' "$KC_TORTURE_EXPECTED" 2>/dev/null
}

kc__record() {
	# NAME STATUS MESSAGE: the first result of a subtest counts.
	awk -F '\t' -v n="$1" '$1 == n { f = 1 } END { exit !f }' "$KC_TORTURE_RESULTS" &&
		return 0
	printf '%s\t%s\t%s\n' "$1" "$2" "$(printf '%s' "$3" | tr '\t\n' '  ' | cut -c1-300)" \
		>>"$KC_TORTURE_RESULTS"
}

kc__now() {
	date +%s
}

# kc__torture_round LOG NAMES...: run smbtorture once on NAMES (a suite or
# subtests), parse its subunit v1 stream as it arrives and record results.
# Sets KC__CURRENT (subtest running when it stopped), KC__TIMED_OUT (1 when
# stopped by a time limit) and KC__RC (smbtorture's exit status).
kc__torture_round() {
	local log=$1 fifo line rc name status detail in_detail=0 fd pid
	local test_deadline suite_left now left
	shift
	fifo=$(mktemp -u "${TMPDIR:-/tmp}/kc-torture.XXXXXX")
	mkfifo "$fifo" || return 1
	# stdbuf: line-buffered, so that a subtest's "test:" line is seen
	# before it hangs.
	stdbuf -oL -eL smbtorture "//127.0.0.1/share" \
		-U "$KC_TORTURE_USER%$KC_TORTURE_PASS" \
		--option="torture:user2name=$KC_TORTURE_USER2" \
		--option="torture:user2password=$KC_TORTURE_PASS2" \
		--format=subunit --fullname "$@" >"$fifo" 2>&1 &
	pid=$!
	exec {fd}<"$fifo"
	rm -f "$fifo"
	KC__CURRENT="" KC__TIMED_OUT=0
	test_deadline=$(( $(kc__now) + KC__TEST_LIMIT ))
	while :; do
		now=$(kc__now)
		left=$(( test_deadline - now ))
		suite_left=$(( KC__SUITE_DEADLINE - now ))
		[ "$suite_left" -lt "$left" ] && left=$suite_left
		if [ "$left" -le 0 ]; then
			KC__TIMED_OUT=1
			break
		fi
		IFS= read -r -t "$left" -u "$fd" line
		rc=$?
		if [ "$rc" -gt 128 ]; then
			KC__TIMED_OUT=1
			break
		fi
		[ "$rc" -ne 0 ] && [ -z "$line" ] && break	# end of output
		printf '%s\n' "$line" >>"$log"
		if [ "$in_detail" = 1 ]; then
			if [ "$line" = "]" ]; then
				in_detail=0
				kc__record "$name" "$status" "$detail"
				[ "$name" = "$KC__CURRENT" ] && KC__CURRENT=""
			elif [ -z "$detail" ] && [ -n "${line//[[:space:]]/}" ]; then
				detail=$line
			fi
			continue
		fi
		case $line in
		"test: "*)
			KC__CURRENT=${line#test: }
			test_deadline=$(( $(kc__now) + KC__TEST_LIMIT ))
			;;
		success:*|successful:*|failure:*|fail:*|error:*|skip:*|xfail:*|uxsuccess:*)
			status=${line%%:*}
			name=${line#*: }
			case $status in
			successful|uxsuccess) status=success ;;
			fail|xfail) status=failure ;;
			esac
			detail=""
			if [ "${name% \[}" != "$name" ]; then
				name=${name% \[}
				in_detail=1
			else
				kc__record "$name" "$status" ""
				[ "$name" = "$KC__CURRENT" ] && KC__CURRENT=""
			fi
			;;
		esac
	done
	exec {fd}<&-
	if [ "$KC__TIMED_OUT" = 1 ]; then
		kill -TERM "$pid" 2>/dev/null
		wait_for 5 kc__gone "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	# (wait's own "Aborted" job message would land in the TAP output.)
	{ wait "$pid"; } 2>/dev/null
	KC__RC=$?
	[ "$KC__RC" -ge 128 ] &&
		echo "kc-torture: smbtorture ended by signal $((KC__RC - 128))" >>"$log"
	return 0
}

# kc_torture_suite SUITE SECONDS [TEST_SECONDS]: run SUITE within SECONDS;
# subtests that hang are stopped after TEST_SECONDS (default
# $KC_TORTURE_TEST_TIMEOUT) and the listed subtests not yet reached are run by
# name in a new smbtorture process.
kc_torture_suite() {
	local suite=$1 secs=$2 round=0 left=() n progress
	KC__TEST_LIMIT=${3:-$KC_TORTURE_TEST_TIMEOUT}
	KC__SUITE_DEADLINE=$(( $(kc__now) + secs ))
	mkdir -p "$KC_TORTURE_LOGS"
	: >"$KC_TORTURE_RESULTS.$suite"
	local all_results=$KC_TORTURE_RESULTS
	KC_TORTURE_RESULTS=$KC_TORTURE_RESULTS.$suite
	left=("$suite")
	while [ "${#left[@]}" -gt 0 ]; do
		round=$((round + 1))
		n=$(wc -l <"$KC_TORTURE_RESULTS")
		kc__torture_round "$KC_TORTURE_LOGS/$suite.$round.log" "${left[@]}"
		progress=$(( $(wc -l <"$KC_TORTURE_RESULTS") - n ))
		if [ -n "$KC__CURRENT" ]; then
			if [ "$KC__TIMED_OUT" = 1 ]; then
				kc__record "$KC__CURRENT" timeout "no result within the time limit (smbtorture stopped)"
			else
				kc__record "$KC__CURRENT" noresult "smbtorture exited with status $KC__RC during the subtest"
			fi
			progress=$((progress + 1))
		fi
		left=()
		# Go on only after a time limit or a crash of smbtorture, and only
		# while subtests make progress and the suite has time left.
		if [ "$progress" -gt 0 ] && [ "$(kc__now)" -lt "$KC__SUITE_DEADLINE" ] &&
		   { [ "$KC__TIMED_OUT" = 1 ] || [ "$KC__RC" -ge 128 ]; }; then
			mapfile -t left < <(kc_torture_listed "$suite" |
				grep -vxF -f <(cut -f1 "$KC_TORTURE_RESULTS") || true)
		fi
	done
	# Listed subtests that never reported a result (names smbtorture --list
	# gives are only used to go on after a stop: some differ from the reported ones).
	while IFS= read -r n; do
		if [ "$(kc__now)" -ge "$KC__SUITE_DEADLINE" ]; then
			kc__record "$n" unreached "not reached: $suite used up its ${secs}s"
		else
			kc__record "$n" unreached "not reported by smbtorture (subtest gone, or the suite aborted)"
		fi
	done < <(KC_TORTURE_DISCOVER=0 kc_torture_listed "$suite" |
		grep -vxF -f <(cut -f1 "$KC_TORTURE_RESULTS") || true)
	cat "$KC_TORTURE_RESULTS" >>"$all_results"
	KC_TORTURE_RESULTS=$all_results
}

# kc_torture_discover SUITE: subtest names smbtorture --list gives for SUITE, in
# the form --fullname reports them ("suite.test.test" is reported "suite.test").
# Used only by update-lists.sh, to know what a suite that stops early left out.
kc_torture_discover() {
	smbtorture --list "$1" 2>/dev/null |
		awk -v s="$1" 'index($0, s ".") == 1 || $0 == s' |
		awk -F. -v OFS=. 'NF >= 4 && $NF == $(NF - 1) { NF-- } { print }'
}

# kc_torture_run_all DIR: start a node in DIR, run every suite of
# KC_TORTURE_SUITES (or only those named in $KC_TORTURE_ONLY), stop the node.
# Results go to $KC_TORTURE_RESULTS (DIR/results); KC_TORTURE_NODE_OK=1 when the
# node started, KC_TORTURE_ENGINE_ALIVE=1 when ksmbd-engine survived the run;
# DIR/mountd.log holds both daemons' output (copied to $KC_TORTURE_LOGS).
kc_torture_run_all() {
	local dir=$1 entry suite secs tsecs epid
	KC_TORTURE_RESULTS=$dir/results
	KC_TORTURE_LOGS=${KC_TORTURE_LOGS:-$dir/logs}
	KC_TORTURE_NODE_OK=0 KC_TORTURE_ENGINE_ALIVE=0
	: >"$KC_TORTURE_RESULTS"
	rm -rf "$KC_TORTURE_LOGS"
	mkdir -p "$KC_TORTURE_LOGS"
	kc_torture_node "$dir" || return 1
	KC_TORTURE_NODE_OK=1
	epid=$(kc_engine_pid "$dir")
	for entry in "${KC_TORTURE_SUITES[@]}"; do
		IFS=: read -r suite secs tsecs <<<"$entry"
		if [ -n "${KC_TORTURE_ONLY:-}" ] &&
		   ! printf '%s\n' $KC_TORTURE_ONLY | grep -qxF "$suite"; then
			continue
		fi
		local start=$(kc__now)
		kc_torture_suite "$suite" "$secs" "$tsecs"
		printf '%s\t%s\n' "$suite" "$(( $(kc__now) - start ))" >>"$dir/timings"
	done
	[ -n "$epid" ] && kill -0 "$epid" 2>/dev/null && KC_TORTURE_ENGINE_ALIVE=1
	kill "$KC_MOUNTD_PID" 2>/dev/null
	kc_wait_exit "$KC_MOUNTD_PID" 20
	cp "$dir/mountd.log" "$KC_TORTURE_LOGS/mountd.log"
	return 0
}

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ksmbd-cluster user add | del | passwd | list: the node's passdb file.
#
# The stored NT hashes are checked against values computed independently of our code:
#  - the MS-NLMP 4.2.2.1.2 vector: NT hash of "Password" = A4F49C406510BDCAB6824EE7C30FD852;
#  - OpenSSL's MD4 (its legacy provider) over iconv's UTF-16LE of the password, when both
#    are available (python3's hashlib has no MD4 on OpenSSL 3); otherwise those checks skip.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/node.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kc_node_conf "$tmp" "passdb file = $tmp/passdb"
conf=$tmp/node.conf
db=$tmp/passdb
cli() { "$KC_BIN/ksmbd-cluster" -c "$conf" "$@"; }

# nt_hash PASSWORD: MD4(UTF-16LE(PASSWORD)) in upper-case hex, by iconv + openssl
nt_hash() {
	printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE |
		openssl dgst -md4 -provider legacy -provider default 2>/dev/null |
		sed -n 's/^.*= *\([0-9a-f]\{32\}\)$/\1/p' | tr a-f A-F
}
have_md4=0
[ "$(nt_hash Password)" = A4F49C406510BDCAB6824EE7C30FD852 ] && have_md4=1

# stored_hash NAME: the hash the file holds for NAME (exact spelling)
stored_hash() { awk -F: -v n="$1" '$1 == n { print toupper($2) }' "$db"; }

check_hash() {	# DESC NAME PASSWORD
	local want
	if [ "$have_md4" -ne 1 ]; then
		tap_skip "$1" "no MD4 in openssl (legacy provider) or no iconv"
		return
	fi
	want=$(nt_hash "$3")
	if [ -n "$want" ] && [ "$(stored_hash "$2")" = "$want" ]; then
		tap_ok "$1"
	else
		tap_fail "$1 (stored '$(stored_hash "$2")', expected '$want')"
	fi
}

tap_check "user list without a passdb file lists nobody" \
	sh -c "out=\$('$KC_BIN/ksmbd-cluster' -c '$conf' user list) && [ -z \"\$out\" ]"
tap_check "user add alice (password on stdin)" \
	sh -c "echo 'Secret-1' | '$KC_BIN/ksmbd-cluster' -c '$conf' user add alice | grep -qx \"user 'alice' added\""
tap_check "the passdb file has mode 0600" test "$(stat -c %a "$db")" = 600
tap_check "user list shows alice" sh -c "'$KC_BIN/ksmbd-cluster' -c '$conf' user list | grep -qx alice"
check_hash "alice's stored hash is the NT hash of her password (openssl MD4)" alice Secret-1

echo Password | cli user add bob >/dev/null
tap_check "bob's hash is the MS-NLMP 4.2.2.1.2 NT hash of 'Password'" \
	test "$(stored_hash bob)" = A4F49C406510BDCAB6824EE7C30FD852

# non-ASCII: a Latin-1 name, a password with a BMP and a non-BMP character (surrogate pair)
printf 'p\xc3\xa4ss \xe2\x82\xac \xf0\x9f\x98\x80\n' | cli user add "j$(printf '\xc3\xb6')rg" >/dev/null
check_hash "UTF-8 names and passwords: the hash is over UTF-16LE (surrogates too)" \
	"j$(printf '\xc3\xb6')rg" "$(printf 'p\xc3\xa4ss \xe2\x82\xac \xf0\x9f\x98\x80')"

tap_check "user list --json is valid JSON with every user" python3 -c '
import json, subprocess, sys
out = subprocess.run(sys.argv[1:], check=True, capture_output=True).stdout
names = [u["name"] for u in json.loads(out)["users"]]
assert names == ["alice", "bob", "j\u00f6rg"], names
' "$KC_BIN/ksmbd-cluster" -c "$conf" user list --json

before=$(cat "$db")
tap_check_fail "adding an existing user fails" "user 'alice' already exists" \
	sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' user add alice; [ \$? -eq 1 ] || exit 0; exit 1"
tap_check_fail "names are compared ignoring case: ALICE exists too" "user 'ALICE' already exists" \
	sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' user add ALICE"
tap_check "a failed add leaves the file as it was" test "$before" = "$(cat "$db")"

tap_check "user passwd alice" sh -c "echo 'Other-2' | '$KC_BIN/ksmbd-cluster' -c '$conf' user passwd ALICE"
check_hash "the new hash is the NT hash of the new password" alice Other-2
tap_check_fail "user passwd of an unknown user fails" "no user 'carol'" \
	sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' user passwd carol; [ \$? -eq 1 ] || exit 0; exit 1"

tap_check "user del alice" cli user del alice
tap_check "alice is gone" sh -c "! '$KC_BIN/ksmbd-cluster' -c '$conf' user list | grep -qx alice"
tap_check_fail "deleting an unknown user fails with exit 1" "no user 'alice'" \
	sh -c "'$KC_BIN/ksmbd-cluster' -c '$conf' user del alice; [ \$? -eq 1 ] || exit 0; exit 1"

# passwords from a pipe
tap_check_fail "no password on stdin fails" "no password on standard input" \
	sh -c "'$KC_BIN/ksmbd-cluster' -c '$conf' user add dave </dev/null"
tap_check_fail "an empty password is refused" "empty passwords are not allowed" \
	sh -c "echo | '$KC_BIN/ksmbd-cluster' -c '$conf' user add dave"
tap_check "only the first line is the password; CR LF is a line end" \
	sh -c "printf 'pw-one\r\nignored\n' | '$KC_BIN/ksmbd-cluster' -c '$conf' user add dave"
check_hash "dave's hash is that of 'pw-one'" dave pw-one

# usage errors: exit 2
for args in "user" "user add" "user frob" "user add a:b" "user add -x" "user list --yaml" \
	    "user del a b"; do
	tap_check "'$args' is a usage error (exit 2)" \
		sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' $args; [ \$? -eq 2 ]"
done
tap_check_fail "an invalid name says why" "invalid user name 'a@b': the user name contains '@'" \
	"$KC_BIN/ksmbd-cluster" -c "$conf" user add a@b
for verb in "user" "user add" "user del" "user passwd" "user list" "user list --json"; do
	tap_check "'$verb --help' exits 0 with its usage" \
		sh -c "'$KC_BIN/ksmbd-cluster' $verb --help | grep -q '^usage: ksmbd-cluster \[-c FILE\] $verb'"
done

# a terminal: asked twice, no echo
tty_add() {	# NAME FIRST SECOND: run 'user add NAME' on a pty, print its output and status
	python3 - "$KC_BIN/ksmbd-cluster" "$conf" "$@" <<-'EOF'
	import os, pty, select, signal, sys, time
	prog, conf, name, first, second = sys.argv[1:]
	pid, fd = pty.fork()
	if pid == 0:
	    os.execv(prog, [prog, "-c", conf, "user", "add", name])
	out = b""
	def read_until(marker, secs=20):
	    global out
	    deadline = time.time() + secs
	    while marker not in out and time.time() < deadline:
	        if not select.select([fd], [], [], 0.1)[0]:
	            continue
	        try:
	            data = os.read(fd, 1024)
	        except OSError:
	            return
	        if not data:
	            return
	        out += data
	read_until(b"password for")
	os.write(fd, first.encode() + b"\n")
	read_until(b"Retype")
	os.write(fd, second.encode() + b"\n")
	read_until(b"\x00", 5)
	for _ in range(100):
	    done, status = os.waitpid(pid, os.WNOHANG)
	    if done:
	        break
	    time.sleep(0.1)
	else:
	    os.kill(pid, signal.SIGKILL)
	    _, status = os.waitpid(pid, 0)
	sys.stdout.write(out.decode(errors="replace"))
	print("exit=%d" % os.waitstatus_to_exitcode(status))
	EOF
}
out=$(tty_add erin 'Tty-pass-1' 'Tty-pass-1' 2>&1)
if printf '%s' "$out" | grep -q 'exit=0' && ! printf '%s' "$out" | grep -q 'Tty-pass-1'; then
	tap_ok "on a terminal the password is asked twice, without echo"
else
	tap_fail "on a terminal the password is asked twice, without echo"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi
check_hash "erin's hash is that of the password typed" erin Tty-pass-1
out=$(tty_add frank 'one-pass' 'two-pass' 2>&1)
if printf '%s' "$out" | grep -q 'passwords do not match' && printf '%s' "$out" | grep -q 'exit=1' &&
   ! cli user list | grep -qx frank; then
	tap_ok "different passwords on a terminal: refused, nothing added"
else
	tap_fail "different passwords on a terminal: refused, nothing added"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi

# concurrent edits are serialised by the lock: every add lands
for i in $(seq 1 12); do
	echo "pw$i" | cli user add "user$i" >/dev/null &
done
wait
tap_check "12 concurrent adds: all 12 users are in the file" \
	test "$(cli user list | grep -c '^user[0-9]*$')" -eq 12
tap_check "no temporary file is left behind" \
	sh -c "[ -z \"\$(find '$tmp' -name 'passdb.*' ! -name passdb.lock)\" ]"

# a loose mode is tightened by the next write, with a warning
chmod 0644 "$db"
tap_check "a group-readable passdb file gives a warning" \
	sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' user add gina 2>&1 | grep -q 'warning: readable or writable by group or others (mode 0644)'"
tap_check "... and is written back with mode 0600" test "$(stat -c %a "$db")" = 600

# a corrupt file: file:line, exit 1, nothing written
printf 'not a valid line\n' >>"$db"
lines=$(wc -l <"$db")
tap_check_fail "user list on a corrupt file reports FILE:LINE" "passdb:$lines: error: expected NAME:NTHASH" \
	"$KC_BIN/ksmbd-cluster" -c "$conf" user list
before=$(cat "$db")
tap_check_fail "user add on a corrupt file fails (exit 1)" "passdb:$lines: error" \
	sh -c "echo x | '$KC_BIN/ksmbd-cluster' -c '$conf' user add henry; [ \$? -eq 1 ] || exit 0; exit 1"
tap_check "... and leaves the file alone" test "$before" = "$(cat "$db")"

tap_check_fail "a missing configuration file fails with exit 1" "nonexistent.conf: error" \
	sh -c "'$KC_BIN/ksmbd-cluster' -c '$tmp/nonexistent.conf' user list; [ \$? -eq 1 ] || exit 0; exit 1"
tap_done

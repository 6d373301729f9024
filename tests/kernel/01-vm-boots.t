#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 01-vm-boots.t: the guest harness tests/kernel/vm.sh works. One guest boot
# checks the kernel, modprobe from the cached module tree, the read-only host
# tree, the scratch share and the --disk-mb ext4 disk with user.* xattrs.
#
# The same file runs inside the guest (with --in-guest) and prints KEY=VALUE
# facts; the host side turns them into TAP lines. The guest part exits with
# GUEST_EXIT on purpose, to check that vm.sh passes the exit code through.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
CACHE=${KC_CACHE:-/var/cache/ksmbd-cluster}
GUEST_EXIT=42
XATTR_VALUE=kc-xattr-ok

# in_guest PROBE TOKEN SCRATCH_HOST: runs in the guest, cwd = the repo.
in_guest() {
	local probe=$1 token=$2 scratch_host=$3 f v

	echo "uname=$(uname -r)"
	echo "cwd=$(pwd -P)"

	# Modules the SMB server needs, loaded through modprobe and modules.dep.
	if modprobe md4 && modprobe cmac && [ -d /sys/module/md4 ] && [ -d /sys/module/cmac ]; then
		echo "modprobe=ok"
	else
		echo "modprobe=failed"
	fi
	echo "modpath=$(modinfo -n md4 2>&1)"

	# The host tree: readable, and writes never reach the host.
	echo "tap_sha=$(sha256sum tests/lib/tap.sh | cut -d' ' -f1)"
	if (echo guest >"$probe") 2>/dev/null; then
		echo "repo_write=landed-on-$(stat -f -c %T "$probe")"
	else
		echo "repo_write=refused"
	fi

	# The scratch share, at /scratch and at its host path.
	echo "$token" >/scratch/from-guest && echo "$token" >"$scratch_host/from-guest-hostpath"

	# The --disk-mb disk: ext4 with user.* xattrs.
	echo "disk_fs=$(awk '$2 == "/mnt/disk" { print $3 }' /proc/mounts)"
	f=/mnt/disk/xattr-probe
	: >"$f"
	if command -v setfattr >/dev/null && command -v getfattr >/dev/null; then
		setfattr -n user.kc_test -v "$XATTR_VALUE" "$f" &&
			v=$(getfattr --only-values -n user.kc_test "$f")
	else
		v=$(python3 -c 'import os, sys
os.setxattr(sys.argv[1], "user.kc_test", sys.argv[2].encode())
print(os.getxattr(sys.argv[1], "user.kc_test").decode())' "$f" "$XATTR_VALUE" 2>&1)
	fi
	echo "xattr=$v"
	exit "$GUEST_EXIT"
}

if [ "${1:-}" = --in-guest ]; then
	shift
	in_guest "$@"
fi

# --------------------------------------------------------------------- host
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"

T0=$(date +%s.%N)
cd "$REPO" || exit 1

ABI=$(cat "$CACHE/kernel-abi" 2>/dev/null || true)
if [ -z "$ABI" ] || [ ! -f "$CACHE/kernel/$ABI/boot/vmlinuz-$ABI" ]; then
	tap_fail "kernel cache present in $CACHE: run scripts/fetch-kernel.sh first"
	tap_done
	exit 1
fi
tap_ok "kernel cache present ($ABI)"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/kc-01-vm-boots.XXXXXX")
OUT="$SCRATCH/host-stdout"
ERR="$SCRATCH/host-stderr"
TOKEN="$$-$RANDOM-$(date +%s%N)"
PROBE="tests/kernel/.vm-write-probe-$TOKEN"

rc=0
tests/kernel/vm.sh --verbose --timeout 300 --disk-mb 64 --scratch "$SCRATCH/share" \
	--log "$SCRATCH/console.log" -- \
	tests/kernel/01-vm-boots.t --in-guest "$PROBE" "$TOKEN" "$SCRATCH/share" \
	>"$OUT" 2>"$ERR" || rc=$?

# fact KEY: the VALUE of the guest's KEY=VALUE line.
fact() { sed -n "s/^$1=//p" "$OUT" | head -n 1; }

# check DESC GOT WANT: ok when GOT = WANT.
check() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
		tap_diag "  got:  '$2'" "  want: '$3'"
	fi
}

if [ "$rc" -eq "$GUEST_EXIT" ]; then
	tap_ok "vm.sh booted the guest, ran the command, passed its exit code ($rc) through"
else
	tap_fail "vm.sh booted the guest, ran the command, passed its exit code through (got $rc, want $GUEST_EXIT)"
	tail -n 50 "$ERR" | sed 's/^/#   /'
fi

check "guest runs the cached kernel (uname -r)" "$(fact uname)" "$ABI"
check "guest working directory is the host's" "$(fact cwd)" "$REPO"
check "modprobe loads md4 and cmac in the guest" "$(fact modprobe)" ok
check "modules come from /lib/modules/$ABI (the extracted tree)" \
	"$(fact modpath)" "/lib/modules/$ABI/kernel/crypto/md4.ko"
check "host file tree is readable in the guest (tests/lib/tap.sh)" \
	"$(fact tap_sha)" "$(sha256sum tests/lib/tap.sh | cut -d' ' -f1)"

write=$(fact repo_write)
if [ -e "$PROBE" ]; then
	tap_fail "host file tree is read-only: a guest write reached the host ($PROBE)"
	rm -f -- "$PROBE"
elif [ "$write" = refused ] || [ "$write" = landed-on-overlayfs ]; then
	tap_ok "host file tree is read-only (guest write: $write)"
else
	tap_fail "host file tree is read-only (guest write: '$write')"
fi

check "scratch dir is writable from the guest and visible on the host" \
	"$(cat "$SCRATCH/share/from-guest" 2>/dev/null)" "$TOKEN"
check "scratch dir is also at its host path in the guest" \
	"$(cat "$SCRATCH/share/from-guest-hostpath" 2>/dev/null)" "$TOKEN"
check "--disk-mb: ext4 mounted at /mnt/disk" "$(fact disk_fs)" ext4
check "--disk-mb: user.* xattrs work on /mnt/disk" "$(fact xattr)" "$XATTR_VALUE"
check "exit code saved in the scratch dir (vm.rc)" "$(cat "$SCRATCH/share/vm.rc" 2>/dev/null)" "$GUEST_EXIT"
if grep -q 'Linux version 6\.1\.' "$SCRATCH/share/vm.dmesg" 2>/dev/null; then
	tap_ok "guest dmesg saved in the scratch dir (vm.dmesg)"
else
	tap_fail "guest dmesg saved in the scratch dir (vm.dmesg)"
fi

timing=$(sed -n 's/^vm\.sh: \(boot-to-command.*\)/\1/p' "$ERR")
tap_diag "vm.sh: ${timing:-no timing reported}"
tap_diag "$(awk -v t0="$T0" -v t1="$(date +%s.%N)" 'BEGIN { printf "01-vm-boots.t took %.1f s", t1 - t0 }')"

if [ "$TAP_FAILED" -eq 0 ]; then
	rm -rf -- "$SCRATCH"
else
	tap_diag "guest output, console log and scratch files kept in $SCRATCH"
	sed 's/^/#   guest: /' "$OUT" | tail -n 30
fi
tap_done

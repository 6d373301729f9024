#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-kernel.sh: cache the Debian 6.1 kernel that tests/kernel/vm.sh boots.
#
# The ABI (6.1.0-NN-amd64) is resolved at run time from the linux-image-amd64
# metapackage, because the Debian mirror moves NN with every security update.
# The image package is downloaded (not installed) and extracted into
#   $KC_CACHE/kernel/<ABI>/boot/vmlinuz-<ABI>
#   $KC_CACHE/kernel/<ABI>/lib/modules/<ABI>      (depmod'd)
# and the ABI string is written to $KC_CACHE/kernel-abi.
# The headers package of the same ABI must be installed on the host, so that
# ksmbd_cluster.ko is built against exactly the kernel the guest runs.
#
# It also unpacks boot/vmlinux-<ABI> (the ELF inside the bzImage): QEMU boots
# it through the PVH entry, several seconds faster under TCG.
#
# Idempotent: when the cache already holds the candidate version it only says so.
#
# Environment: KC_CACHE (default /var/cache/ksmbd-cluster).
set -euo pipefail

PROG=${0##*/}
CACHE=${KC_CACHE:-/var/cache/ksmbd-cluster}

log() { printf '%s: %s\n' "$PROG" "$*"; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() {
	cat <<EOF
Usage: $PROG [--help]

Download Debian's 6.1 kernel image package (ABI taken from linux-image-amd64)
and extract it into \$KC_CACHE/kernel/<ABI> (default KC_CACHE: /var/cache/ksmbd-cluster)
for tests/kernel/vm.sh. Requires linux-headers-<ABI> to be installed.
EOF
}

# resolve_abi: print the ABI linux-image-amd64 depends on (e.g. 6.1.0-56-amd64).
resolve_abi() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		grep -oE 'linux-image-[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64' |
		sed 's/^linux-image-//' | sort -V | tail -n 1
}

# candidate_version PKG: the version apt would download for PKG (empty if unknown).
candidate_version() {
	apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1
}

# apt_update_once: refresh the package lists at most once per run (a stale list
# names a kernel the mirror no longer has).
APT_UPDATED=0
apt_update_once() {
	[ "$APT_UPDATED" -eq 0 ] || return 1
	APT_UPDATED=1
	log "refreshing package lists (apt-get update)"
	apt-get update -qq || die "apt-get update failed"
}

# write_atomic FILE CONTENT: replace FILE via rename so readers never see a partial file.
write_atomic() {
	local tmp
	tmp=$(mktemp "$1.XXXXXX")
	printf '%s\n' "$2" >"$tmp"
	chmod 0644 "$tmp"
	mv -f "$tmp" "$1"
}

# extract_vmlinux ROOT ABI: unpack the ELF vmlinux from ROOT/boot/vmlinuz-ABI
# into ROOT/boot/vmlinux-ABI. A kernel with CONFIG_PVH boots from that ELF
# straight into 64-bit code (QEMU's PVH entry), skipping the real-mode loader
# and the xz decompression, which cost ~4 s per boot under TCG. Best effort:
# without it tests/kernel/vm.sh boots the bzImage.
extract_vmlinux() {
	local boot="$1/boot" abi=$2 z setup off len start tmp
	z="$boot/vmlinuz-$abi"
	[ -f "$boot/vmlinux-$abi" ] && return 0
	if ! grep -q '^CONFIG_PVH=y' "$boot/config-$abi" 2>/dev/null; then
		log "kernel has no CONFIG_PVH: vm.sh will boot the bzImage"
		return 0
	fi
	command -v xz >/dev/null || { log "xz not found: vm.sh will boot the bzImage"; return 0; }
	# bzImage boot protocol: setup_sects at 0x1f1, "HdrS" at 0x202,
	# payload_offset/payload_length at 0x248/0x24c (from the protected-mode code).
	[ "$(dd if="$z" bs=1 skip=$((0x202)) count=4 status=none)" = HdrS ] ||
		{ log "vmlinuz is not a bzImage: keeping it only"; return 0; }
	setup=$(od -An -tu1 -j $((0x1f1)) -N1 "$z" | tr -d ' ')
	[ "$setup" -ne 0 ] || setup=4
	off=$(od -An -tu4 -j $((0x248)) -N4 "$z" | tr -d ' ')
	len=$(od -An -tu4 -j $((0x24c)) -N4 "$z" | tr -d ' ')
	start=$(((setup + 1) * 512 + off))
	if [ "$(od -An -tx1 -j "$start" -N6 "$z" | tr -d ' ')" != fd377a585a00 ]; then
		log "kernel payload is not xz-compressed: vm.sh will boot the bzImage"
		return 0
	fi
	tmp=$(mktemp "$boot/.vmlinux.XXXXXX")
	# --single-stream: the payload ends with the 4-byte uncompressed size.
	if dd if="$z" iflag=skip_bytes,count_bytes skip="$start" count="$len" bs=1M status=none |
		xz -dc --single-stream >"$tmp" &&
		[ "$(od -An -tx1 -N4 "$tmp" | tr -d ' ')" = 7f454c46 ]; then
		chmod 0644 "$tmp"
		mv -f "$tmp" "$boot/vmlinux-$abi"
		log "extracted boot/vmlinux-$abi (PVH direct boot)"
	else
		rm -f -- "$tmp"
		log "could not extract vmlinux: vm.sh will boot the bzImage"
	fi
}

# fetch ABI VERSION: download, extract and depmod the image into $CACHE/kernel/ABI.
fetch() {
	local abi=$1 version=$2 pkg="linux-image-$1" work deb root
	work=$(mktemp -d "$CACHE/kernel/.fetch-$abi.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now: it is local
	trap "rm -rf -- '$work'" EXIT
	# apt drops privileges to _apt for downloads: let it write here.
	chmod 0755 "$work"
	if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

	log "downloading $pkg ${version:+($version)}"
	if ! (cd "$work" && apt-get download -q "$pkg" >/dev/null); then
		apt_update_once || die "apt-get download $pkg failed"
		(cd "$work" && apt-get download -q "$pkg" >/dev/null) ||
			die "apt-get download $pkg failed"
	fi
	deb=$(find "$work" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
	[ -n "$deb" ] || die "apt-get download produced no ${pkg}_*.deb"

	root="$work/root"
	log "extracting $(basename "$deb")"
	dpkg-deb -x "$deb" "$root"
	rm -f -- "$deb"
	[ -f "$root/boot/vmlinuz-$abi" ] || die "package has no boot/vmlinuz-$abi"
	[ -d "$root/lib/modules/$abi" ] || die "package has no lib/modules/$abi"

	log "running depmod"
	depmod -b "$root" "$abi"
	[ -s "$root/lib/modules/$abi/modules.dep" ] || die "depmod wrote no modules.dep"
	# Like an installed kernel: lets 'make -C /lib/modules/$(uname -r)/build' work in the guest.
	ln -sfn "/usr/src/linux-headers-$abi" "$root/lib/modules/$abi/build"
	extract_vmlinux "$root" "$abi"
	printf '%s\n' "$version" >"$root/.complete"

	# Swap the finished tree into place (rename is atomic; the old tree, if any, goes).
	if [ -e "$CACHE/kernel/$abi" ]; then
		mv "$CACHE/kernel/$abi" "$work/old"
	fi
	mv "$root" "$CACHE/kernel/$abi"
	rm -rf -- "$work"
	trap - EXIT
}

main() {
	case ${1:-} in
	-h | --help) usage; exit 0 ;;
	'') ;;
	*) usage >&2; exit 2 ;;
	esac
	local tool
	for tool in apt-cache apt-get dpkg-deb dpkg-query depmod flock; do
		command -v "$tool" >/dev/null || die "'$tool' not found"
	done

	local abi version cached=
	abi=$(resolve_abi)
	if [ -z "$abi" ]; then
		apt_update_once || true
		abi=$(resolve_abi)
	fi
	[ -n "$abi" ] || die "cannot resolve the kernel ABI from 'apt-cache depends linux-image-amd64' (run apt-get update?)"

	if [ "$(dpkg-query -W -f='${db:Status-Status}' "linux-headers-$abi" 2>/dev/null)" != installed ]; then
		die "linux-headers-$abi is not installed; the module must be built for the kernel the guest boots.
  Install it with: apt-get install linux-headers-$abi   (or: apt-get install linux-headers-amd64)"
	fi

	mkdir -p "$CACHE/kernel"
	# Serialise concurrent runs: the second waits and then finds the cache current.
	exec 9>"$CACHE/kernel/.lock"
	flock 9

	version=$(candidate_version "linux-image-$abi")
	if [ -f "$CACHE/kernel/$abi/.complete" ]; then
		cached=$(cat "$CACHE/kernel/$abi/.complete")
	fi
	if [ -f "$CACHE/kernel/$abi/.complete" ] && { [ -z "$version" ] || [ "$cached" = "$version" ]; }; then
		[ "$(cat "$CACHE/kernel-abi" 2>/dev/null)" = "$abi" ] || write_atomic "$CACHE/kernel-abi" "$abi"
		extract_vmlinux "$CACHE/kernel/$abi" "$abi"	# caches made before it was added
		log "cache is current: $CACHE/kernel/$abi (linux-image-$abi ${cached:-unknown version})"
		return 0
	fi

	fetch "$abi" "$version"
	write_atomic "$CACHE/kernel-abi" "$abi"
	log "cached linux-image-$abi ${version:+$version }in $CACHE/kernel/$abi"
	log "ABI $abi written to $CACHE/kernel-abi"
}

main "$@"

#!/bin/sh
# A pristine minimal Debian root file system (debootstrap, systemd as init), cached as a tarball.
# usage: tests/vm/mkrootfs.sh [SUITE]          (default bookworm; trixie also tested)
#
# Interface (used by tests/vm/systemd/e2e.sh and tests/host/package.sh):
#   stdout, last line: the absolute path of the tarball, e.g.
#       .../tests/vm/cache/rootfs/bookworm-<hash12>.tar
#     plus a stable symlink .../tests/vm/cache/rootfs/<SUITE>.tar pointing at the newest one.
#   The tarball is uncompressed, made with --numeric-owner; extract it as root with
#       tar -x --numeric-owner -f TARBALL -C DIR
#   It holds debootstrap --variant=minbase plus $PKGS below (systemd, systemd-sysv, udev, dbus,
#   the libraries epermd/epermtop link against, e2fsprogs, procps, jq), no apt lists, no
#   /etc/machine-id content (first boot generates one), hostname "epermd-vm".
#   Nothing is ever modified in place: callers extract a fresh copy per use.
#   <hash12> hashes the suite, mirror, package list and ROOTFS_VERSION, so changing the list
#   builds a new tarball (older ones stay until removed by hand); an existing one is reused.
# exit: 0 ok; 2 the mirror is unreachable (prints "skip <reason>" on stdout); 1 other errors.
# env: ROOTFS_MIRROR (default http://deb.debian.org/debian), ROOTFS_EXTRA="pkg ..." (more
#      packages; part of the hash), VM_CACHE (default tests/vm/cache).
# needs: root, debootstrap, debian-archive-keyring, python3 (the reachability probe).
# Measured: 92 s cold on the 2-core host (169 MiB tarball), trixie 151 s; 0.1 s when cached.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VM_CACHE:-$here/cache}
suite=${1:-bookworm}
mirror=${ROOTFS_MIRROR:-http://deb.debian.org/debian}
ROOTFS_VERSION=1
# the libraries by their package names in the suite: trixie's 64-bit time_t transition renamed
# libelf1 to libelf1t64 (which Provides: libelf1, so a package built on bookworm installs)
case $suite in
bullseye | bookworm) libelf=libelf1 ;;
*) libelf=libelf1t64 ;;
esac
PKGS="systemd systemd-sysv udev dbus libbpf1 $libelf zlib1g libsystemd0 libncursesw6 libtinfo6
e2fsprogs procps jq ${ROOTFS_EXTRA:-}"
# shellcheck disable=SC2086 # word list
PKGS=$(printf '%s\n' $PKGS | sort -u | tr '\n' ' ' | sed 's/ $//')
hash=$(printf '%s\n%s\n%s\n%s\n' "$suite" "$mirror" "$PKGS" "$ROOTFS_VERSION" | sha256sum | cut -c1-12)
dir=$CACHE/rootfs
tarball=$dir/$suite-$hash.tar
mkdir -p "$dir"

if [ -s "$tarball" ]; then
	ln -sfn "$(basename "$tarball")" "$dir/$suite.tar"
	echo "$tarball"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "mkrootfs.sh: needs root (debootstrap)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "mkrootfs.sh: debootstrap is not installed" >&2; exit 1; }

# reachability: one small request with a short timeout, so that an offline run skips quickly
if ! why=$(python3 - "$mirror/dists/$suite/Release" <<'PY' 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=20).read(1)
PY
); then
	echo "skip cannot reach $mirror ($(echo "$why" | tail -n 1 | head -c 200))"
	exit 2
fi

t0=$(date +%s)
tmp=$(mktemp -d "$dir/.build.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$dir/debs" "$tmp/root"
log=$dir/$suite-$hash.log
if ! debootstrap --variant=minbase --components=main --cache-dir="$dir/debs" \
	--include="$(echo "$PKGS" | tr ' ' ',')" "$suite" "$tmp/root" "$mirror" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	if grep -Eq 'Failed getting release file|Couldn.t download|Temporary failure|Could not resolve' "$log"; then
		echo "skip debootstrap could not download from $mirror (see $log)"
		exit 2
	fi
	echo "mkrootfs.sh: debootstrap failed (see $log)" >&2
	exit 1
fi

r=$tmp/root
echo epermd-vm >"$r/etc/hostname"
: >"$r/etc/machine-id"
rm -f "$r/var/lib/dbus/machine-id"
echo '/dev/nvme0n1 / ext4 rw,errors=remount-ro 0 1' >"$r/etc/fstab"
rm -rf "$r/var/cache/apt/archives/"*.deb "$r/var/lib/apt/lists/"* "$r/var/log/"*.log
# a guest without a password prompt nor a getty (the tests drive it through units)
chroot "$r" systemctl mask getty@tty1.service serial-getty@ttyS0.service >/dev/null 2>&1 || true

tar -c --numeric-owner -f "$tarball.tmp" -C "$r" .
mv "$tarball.tmp" "$tarball"
ln -sfn "$(basename "$tarball")" "$dir/$suite.tar"
echo "mkrootfs.sh: built $tarball ($(du -m "$tarball" | cut -f1) MiB) in $(($(date +%s) - t0))s" >&2
echo "$tarball"

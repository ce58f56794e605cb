#!/bin/sh
# Installs every Debian package epermd needs to build and test. Idempotent, non-interactive.
set -eu
PKGS="make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libsystemd-dev libncurses-dev
pkg-config libcap2-bin acl e2fsprogs util-linux systemd tmux jq python3 cpio busybox-static
qemu-system-x86 qemu-utils debootstrap ca-certificates linux-libc-dev procps psmisc kmod xz-utils
libclang-rt-dev dpkg-dev debhelper fakeroot lintian mandoc bash-completion iproute2 libmicrohttpd12 libcurl4
universal-ctags"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
# prometheus-node-exporter and systemd-journal-remote are test peers that ship network
# services: the tests unpack them privately (tests/tools/unpack-deb.sh) instead.
echo "epermd: build and test dependencies are installed"

#!/bin/sh
# Installs every Debian package epermd needs to build and test. Idempotent, non-interactive.
set -eu
PKGS="make gcc clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libsystemd-dev libncurses-dev
pkg-config libcap2-bin acl e2fsprogs util-linux systemd tmux jq python3 cpio busybox-static
qemu-system-x86 qemu-utils debootstrap ca-certificates linux-libc-dev procps psmisc kmod xz-utils
prometheus-node-exporter dpkg-dev debhelper fakeroot lintian mandoc bash-completion
systemd-journal-remote iproute2"
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
# systemd-journal-remote ships units (remote, upload, gatewayd); tests/host/journal-remote.sh runs
# the binaries by hand on loopback, so none of them may stay enabled or running on the host.
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
for u in systemd-journal-remote.socket systemd-journal-remote.service \
	systemd-journal-upload.service systemd-journal-gatewayd.socket systemd-journal-gatewayd.service; do
	case $(systemctl is-enabled "$u" 2>/dev/null || true) in
	enabled | enabled-runtime) $SUDO systemctl disable --quiet "$u" 2>/dev/null || true ;;
	esac
	if [ -d /run/systemd/system ] && systemctl is-active --quiet "$u" 2>/dev/null; then
		$SUDO systemctl stop "$u" || true
	fi
done
echo "epermd: build and test dependencies are installed"

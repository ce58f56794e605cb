#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# usage: tests/tools/unpack-deb.sh PACKAGE [VERSION]
# Downloads PACKAGE (at VERSION, default the candidate) with the host's apt lists and unpacks it
# under tests/vm/cache/debroot/PACKAGE_VERSION/ (the download cache, never packaged) without
# installing it, then prints that directory.
# For test peers that ship services (prometheus-node-exporter, systemd-journal-remote): installing
# them would enable network listeners on the host; the tests run the unpacked binaries by hand.
# Exit 2 with "skip REASON" on stdout when the archive cannot be reached.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
pkg=$1
ver=${2:-}
if [ -z "$ver" ]; then
	ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		apt-get update -qq >/dev/null 2>&1 || true
		ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ {print $2}')
	fi
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	echo "skip $pkg is not in the host's apt lists (apt-get update)"
	exit 2
fi
root=${EPERMD_TEST_CACHE:-$here/tests/vm/cache}/debroot/${pkg}_$ver
if [ -f "$root/.done" ]; then
	echo "$root"
	exit 0
fi
tmp=$(mktemp -d /tmp/unpack-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >"$tmp/log" 2>&1); then
	echo "skip cannot download $pkg=$ver: $(tail -n 1 "$tmp/log")"
	exit 2
fi
rm -rf "$root"
mkdir -p "$root"
dpkg-deb -x "$tmp"/*.deb "$root"
touch "$root/.done"
echo "$root"

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# usage: tests/tools/src-hash.sh: a short hash of everything the Debian package is built from,
# so a package built earlier is only reused for the same sources.
set -eu
cd "$(dirname "$0")/../.."
find Makefile bpf daemon epermtop include systemd man completion debian docs README.md tools \
	vmlinux -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12

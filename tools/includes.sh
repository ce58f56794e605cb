#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# includes.sh: finds include cycles between the daemon's modules (a module is foo.c with its
# foo.h; module A depends on B when A's .c or .h includes "B.h"); with -f also between its
# folders (daemon/capture, daemon/enrich, ...; daemon/ itself is the top). epermtop's modules
# form a set of their own. With -f also the stage order (docs/architecture.md): a stage's
# folder includes the headers of lib/ and of the stages before it, never of a later one
# (capture -> enrich -> attribute -> explain -> fold -> sink; daemon/ itself may include all).
# Prints each cycle and each include against the order; exit 1 when there is one, else 0.
# Usage: tools/includes.sh [-f]     (from the top of the tree)
set -eu
folders=0
[ "${1:-}" = -f ] && folders=1
headers=$(mktemp)
edges=$(mktemp)
trap 'rm -f "$headers" "$edges"' EXIT
# tree:name.h -> its folder, for the headers of daemon/ and epermtop/
find daemon epermtop -name '*.h' | while read -r h; do
	t=daemon
	case $h in epermtop/*) t=epermtop ;; esac
	printf '%s:%s %s\n' "$t" "${h##*/}" "${h%/*}"
done >"$headers"
# file included-name, for every #include "..."
find daemon epermtop -name '*.[ch]' | LC_ALL=C sort | while read -r f; do
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r inc; do printf '%s %s\n' "$f" "${inc##*/}"; done
done >"$edges"
awk -v folders="$folders" '
function base(p) { sub(/.*\//, "", p); sub(/\.[ch]$/, "", p); return p }
function dir(p) { sub(/\/[^\/]*$/, "", p); return p }
function tree(p) { return p ~ /^epermtop\// ? "epermtop" : "daemon" }
# the place of a folder in the pipeline; -1 for one outside it (epermtop/, a scratch tree)
function stage(d) {
	if (d == "daemon/lib") return 0
	if (d == "daemon/capture") return 1
	if (d == "daemon/enrich") return 2
	if (d == "daemon/attribute") return 3
	if (d == "daemon/explain") return 4
	if (d == "daemon/fold") return 5
	if (d == "daemon/sink") return 6
	if (d == "daemon") return 7
	return -1
}
NR == FNR { where[$1] = $2; next }
{
	file = $1; inc = $2
	key = tree(file) ":" inc
	if (!(key in where)) next # not a module header (system, generated, include/)
	from = tree(file) ":" base(file); to = tree(file) ":" base(inc)
	if (from != to) { edge[from, to] = 1; nodes[from] = 1 }
	fd = dir(file); td = where[key]
	if (folders && fd != td) { edge["folder " fd, "folder " td] = 1; nodes["folder " fd] = 1 }
	if (folders && stage(fd) >= 0 && stage(td) > stage(fd)) {
		print "stage order: " file " includes " inc " of " td ", a later stage"
		found = 1
	}
}
function visit(n,    e, parts, m, i, path) {
	state[n] = 1; stack[++depth] = n
	for (e in edge) {
		split(e, parts, SUBSEP)
		if (parts[1] != n) continue
		m = parts[2]
		if (state[m] == 1) {
			path = m
			for (i = depth; i >= 1 && stack[i] != m; i--) path = stack[i] " -> " path
			print "include cycle: " m " -> " path
			found = 1
		} else if (!state[m]) visit(m)
	}
	depth--; state[n] = 2
}
END {
	for (n in nodes) if (!state[n]) visit(n)
	exit found ? 1 : 0
}' "$headers" "$edges"

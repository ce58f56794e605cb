#!/bin/bash
# The shipped systemd unit and config: systemd-analyze verify and the offline security score,
# and the shipped config passes epermd's own strict check. (systemd is not PID 1 here, so the
# unit runs for real only in a VM.)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v systemd-analyze >/dev/null; then
	skip "unit: systemd-analyze not installed"
	exit 0
fi
# point the unit at the built binary so verify can check the command lines
sed "s#/usr/local/sbin/epermd#$EPERMD#g; s#/etc/epermd.conf#$TOP/systemd/epermd.conf#g" \
	"$TOP/systemd/epermd.service" >"$tmp/epermd.service"
if out=$(cd "$tmp" && systemd-analyze verify "$tmp/epermd.service" 2>&1) && [ -z "$out" ]; then
	ok "unit: systemd-analyze verify is clean"
else
	not_ok "unit: systemd-analyze verify is clean"
	diag "$out"
fi
score=$(cd "$tmp" && systemd-analyze security --offline=true "$tmp/epermd.service" 2>&1 |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }'; then
	ok "unit: offline exposure score $score <= 3.0"
else
	not_ok "unit: offline exposure score '${score:-none}' <= 3.0"
fi
if "$EPERMD" --check-config --config="$TOP/systemd/epermd.conf" >/dev/null 2>&1; then
	ok "unit: shipped epermd.conf passes --check-config"
else
	not_ok "unit: shipped epermd.conf passes --check-config"
fi
[ "$T_FAIL" -eq 0 ]

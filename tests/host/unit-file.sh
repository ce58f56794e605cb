#!/bin/sh
# The shipped systemd unit, sysusers.d and tmpfiles.d snippets and config: systemd-analyze verify
# (with the repo's man pages for Documentation=), the offline security score (fails above 2.0),
# the hardening settings the score alone would not pin, sysusers/tmpfiles applied to a scratch
# root, and the shipped config passing epermd's own strict check. (systemd is not PID 1 here,
# so the unit runs for real only in the VM test.)
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

UNIT="$TOP/systemd/epermd.service"
MAX_EXPOSURE=2.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v systemd-analyze >/dev/null; then
	skip "unit: systemd-analyze not installed"
	exit 0
fi

# verify checks that the ExecStart= binaries exist and that man: references resolve: point the
# unit at the built binary and the repo's config, and man at the repo's pages.
sed "s#/usr/sbin/epermd#$EPERMD#g; s#/etc/epermd/epermd.conf#$TOP/systemd/epermd.conf#g" \
	"$UNIT" >"$tmp/epermd.service"
for p in "$TOP"/man/*.[0-9]; do
	[ -e "$p" ] || continue
	sec=${p##*.}
	mkdir -p "$tmp/man/man$sec"
	cp "$p" "$tmp/man/man$sec/"
done
if out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify "$tmp/epermd.service" 2>&1) &&
	[ -z "$out" ]; then
	ok "unit: systemd-analyze verify is clean (binary, man pages)"
else
	not_ok "unit: systemd-analyze verify is clean (binary, man pages)"
	diag "$out"
fi

report=$(cd "$tmp" && systemd-analyze security --offline=true "$tmp/epermd.service" 2>&1 || true)
score=$(printf '%s\n' "$report" |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
	ok "unit: offline exposure score $score <= $MAX_EXPOSURE"
else
	not_ok "unit: offline exposure score '${score:-none}' <= $MAX_EXPOSURE"
	diag "$(printf '%s\n' "$report" | grep '✗' || true)"
fi

# Settings the brief fixes, whatever the score says.
want() {
	if grep -qxF "$1" "$UNIT"; then
		ok "unit: $1"
	else
		not_ok "unit: $1"
	fi
}
want "Type=notify"
want "Restart=on-failure"
want "RestartPreventExitStatus=78"
want "ExecReload=/bin/kill -HUP \$MAINPID"
want "ExecStartPre=/usr/sbin/epermd --check-config --config=/etc/epermd/epermd.conf"
want "PrivateNetwork=yes"
want "RestrictAddressFamilies=AF_UNIX"
want "SystemCallFilter=@system-service bpf perf_event_open landlock_create_ruleset landlock_restrict_self"
want "MemoryDenyWriteExecute=yes"
want "NoNewPrivileges=yes"
want "StateDirectory=epermd"
if grep -q '^WatchdogSec=[1-9]' "$UNIT" && grep -q '^StartLimitBurst=' "$UNIT" &&
	grep -q '^MemoryMax=' "$UNIT" && grep -q '^TasksMax=' "$UNIT" &&
	grep -qx 'LimitCORE=0' "$UNIT"; then
	ok "unit: watchdog, start limit, MemoryMax, TasksMax, LimitCORE=0"
else
	not_ok "unit: watchdog, start limit, MemoryMax, TasksMax, LimitCORE=0"
fi
# tmpfiles owns /run/epermd; RuntimeDirectory= would remove it at every stop and recreate it
# root-owned.
if grep -q '^RuntimeDirectory=' "$UNIT"; then
	not_ok "unit: no RuntimeDirectory= (tmpfiles.d owns /run/epermd)"
else
	ok "unit: no RuntimeDirectory= (tmpfiles.d owns /run/epermd)"
fi
# The capability set is the one tests/host/caps.sh measured (docs/capabilities.md).
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
amb=$(sed -n 's/^AmbientCapabilities=//p' "$UNIT")
if [ "$caps" = "CAP_BPF CAP_PERFMON CAP_DAC_READ_SEARCH CAP_SYS_PTRACE" ] && [ "$caps" = "$amb" ] &&
	grep -q "$caps" "$TOP/docs/capabilities.md" 2>/dev/null; then
	ok "unit: capability set is the measured one ($caps)"
else
	not_ok "unit: capability set is the measured one (got '$caps', ambient '$amb')"
fi

# sysusers.d and tmpfiles.d applied to a scratch root: the group exists and /run/epermd is
# root:epermd, group-searchable, not group-writable.
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
	root="$tmp/root"
	mkdir -p "$root/etc" "$root/run"
	: >"$root/etc/passwd"
	: >"$root/etc/group"
	if out=$(systemd-sysusers --root="$root" "$TOP/systemd/epermd.sysusers" 2>&1) &&
		gid=$(awk -F: '$1 == "epermd" { print $3 }' "$root/etc/group") && [ -n "$gid" ] &&
		[ "$gid" -lt 1000 ]; then
		ok "sysusers: creates system group epermd (gid $gid)"
	else
		not_ok "sysusers: creates system group epermd"
		diag "$out"
		gid=
	fi
	if out=$(systemd-tmpfiles --root="$root" --create "$TOP/systemd/epermd.tmpfiles" 2>&1) &&
		st=$(stat -c '%a %u %g' "$root/run/epermd") && [ "$st" = "750 0 $gid" ]; then
		ok "tmpfiles: /run/epermd is 0750 root:epermd"
	else
		not_ok "tmpfiles: /run/epermd is 0750 root:epermd (got '${st:-missing}')"
		diag "$out"
	fi
else
	skip "sysusers/tmpfiles: systemd-sysusers or systemd-tmpfiles not installed"
fi

# The shipped config names socket_group = epermd, which sysusers.d creates on install. Where
# the host has no such group, check inside a private mount namespace whose /etc/group has it
# (the host's file is never touched).
check_conf() {
	"$EPERMD" --check-config --config="$TOP/systemd/epermd.conf" 2>&1
}
if getent group epermd >/dev/null; then
	out=$(check_conf) && rc=0 || rc=$?
elif command -v unshare >/dev/null && [ "$(id -u)" -eq 0 ]; then
	cp /etc/group "$tmp/group"
	echo "epermd:x:999:" >>"$tmp/group"
	out=$(EPERMD="$EPERMD" TOPDIR="$TOP" G="$tmp/group" unshare -m sh -c \
		'mount --make-rprivate / && mount --bind "$G" /etc/group &&
		 "$EPERMD" --check-config --config="$TOPDIR/systemd/epermd.conf" 2>&1') && rc=0 || rc=$?
else
	out="no group epermd here and no way to add one privately"
	rc=1
fi
if [ "$rc" -eq 0 ]; then
	ok "unit: shipped epermd.conf passes --check-config (with the sysusers group)"
else
	not_ok "unit: shipped epermd.conf passes --check-config (with the sysusers group)"
	diag "$out"
fi
[ "$T_FAIL" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The kernel audit join (docs/audit.md): a seccomp filter installed with
# SECCOMP_FILTER_FLAG_LOG refuses mkdir with EPERM for uid 65534; the kernel logs a SECCOMP
# record (type 1326) that epermd reads from the audit multicast group (or /dev/kmsg) and
# joins with the denial. No auditd is needed.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root audit
need_epermd audit
mount_tracefs
t_tmpdir

if ! grep -qw errno /proc/sys/kernel/seccomp/actions_logged 2>/dev/null; then
	skip "audit: kernel.seccomp.actions_logged lacks errno"
	exit 0
fi
# The helper (tests/tools/seclog.c): drop to 65534, install the logging filter, mkdir once,
# exit 1 on EPERM.
SECLOG="$OUTPUT/tests/seclog"
if [ ! -x "$SECLOG" ]; then
	not_ok "audit: $SECLOG is missing (run make first)"
	exit 1
fi

ep_run seclog --fold-window=0 -v -- "$SECLOG" "$T_TMP/nodir"
status=$(grep -m1 'audit join:' "$COUT" || true)
case "$status" in
*unavailable*)
	skip "audit: join unavailable here ($status)"
	exit 0
	;;
esac

SEL='.syscall == "mkdir" and .errno == "EPERM"'
expect "audit: seccomp denial is joined with its SECCOMP record" 1 "$SEL" \
	'.cause == "seccomp" and ((.evidence // []) | map(select(test("^audit: seccomp syscall=[0-9]+ \\(mkdir\\)"))) | length == 1)'

# The record is the kernel's: it names the helper's executable.
if [ "$(jcount "$OUT" "($SEL) and ((.evidence // []) | map(select(contains(\"exe=$SECLOG\"))) | length == 1)")" -eq 1 ]; then
	ok "audit: the joined record names the executable"
else
	not_ok "audit: the joined record does not name $SECLOG"
	dump_run
fi

# A denial without an audit record gets no audit evidence (no false joins).
mkdir -p "$T_TMP/root-only"
chmod 0700 "$T_TMP/root-only"
ep_run plain --fold-window=0 -- $NOBODY mkdir "$T_TMP/root-only/x"
if [ "$(jcount "$OUT" '.errno == "EACCES"')" -ge 1 ] &&
	[ "$(jcount "$OUT" '(.evidence // []) | map(select(startswith("audit:"))) | length > 0')" -eq 0 ]; then
	ok "audit: a DAC denial carries no audit evidence"
else
	not_ok "audit: a DAC denial was joined with an audit record"
	dump_run
fi

t_done

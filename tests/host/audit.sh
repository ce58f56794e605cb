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
CC=${CC:-cc}
if ! command -v "$CC" >/dev/null 2>&1; then
	skip "audit: no C compiler for the seccomp helper"
	exit 0
fi

# The helper: drop to 65534, install the logging filter, mkdir once, exit 1 on EPERM.
cat >"$T_TMP/seclog.c" <<'EOF'
#include <errno.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdir, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};

	if (argc != 2 || setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 2;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog))
		return 3;
	if (mkdir(argv[1], 0700) == 0)
		return 0;
	return errno == EPERM ? 1 : 4;
}
EOF
if ! "$CC" -O2 -o "$T_TMP/seclog" "$T_TMP/seclog.c" 2>"$T_TMP/cc.err"; then
	not_ok "audit: the seccomp helper does not build"
	diag "$(head -5 "$T_TMP/cc.err")"
	exit 1
fi

ep_run seclog --fold-window=0 -v -- "$T_TMP/seclog" "$T_TMP/nodir"
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
if [ "$(jcount "$OUT" "($SEL) and ((.evidence // []) | map(select(contains(\"exe=$T_TMP/seclog\"))) | length == 1)")" -eq 1 ]; then
	ok "audit: the joined record names the executable"
else
	not_ok "audit: the joined record does not name $T_TMP/seclog"
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

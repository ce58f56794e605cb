#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The kernel's memory-deny-write-execute (6.3+): a process that sets prctl(PR_SET_MDWE,
# PR_MDWE_REFUSE_EXEC_GAIN) and then asks for writable+executable memory gets EACCES from
# map_deny_write_exec(), which no hook sees. The kernel side reads the task's MMF_HAS_MDWE at
# the denial, so the record holds when the process has exited at once: cause mdwe, rule
# PR_MDWE_REFUSE_EXEC_GAIN, the prot bits as target, facts.at_denial "mdwe", a fix that never
# turns it off host-wide. mmap W+X, mprotect gaining exec, both in a forked child (the flag is
# inherited); the same mmap without MDWE succeeds and leaves no record.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root mdwe
need_epermd mdwe
mount_tracefs
t_tmpdir
MT="$OUTPUT/tests/mdwetrig"

mrc=0
"$MT" --set mmap-wx || mrc=$?
if [ "$mrc" -eq 77 ]; then
	skip "mdwe: the kernel has no memory-deny-write-execute (PR_SET_MDWE needs 6.3+)"
	t_done
	exit 0
fi

feat=$("$EPERMD" --features --tracepoint-only 2>&1 || true)
if printf '%s\n' "$feat" | grep -q '^mdwe: read at the denial'; then
	ok "mdwe: --features says the MDWE state is read at the denial"
else
	not_ok "mdwe: --features does not read MDWE at the denial"
	diag "$(printf '%s\n' "$feat" | grep -i mdwe)"
fi

OPTS="--tracepoint-only --fold-window=0"
MDWE='.cause == "mdwe" and .rule == "PR_MDWE_REFUSE_EXEC_GAIN" and .errno == "EACCES" and
 (.facts.at_denial | index("mdwe")) != null and
 any(.evidence[]; startswith("at the denial: memory-deny-write-execute on")) and
 (.fix | test("Never turn it off for the whole host")) and
 (.diagnosis | test("not knowable"))'

# shellcheck disable=SC2086 # OPTS is a list of options
ep_run wx $OPTS -- "$MT" --set mmap-wx
expect "mdwe: mmap(PROT_READ|PROT_WRITE|PROT_EXEC) after PR_SET_MDWE -> cause mdwe" 13 \
	'.syscall == "mmap"' \
	"$MDWE"' and .target == "PROT_READ|PROT_WRITE|PROT_EXEC" and .args[2] == 7'

# shellcheck disable=SC2086
ep_run mprot $OPTS -- "$MT" --set mprotect-x
expect "mdwe: mprotect(PROT_READ|PROT_EXEC) of writable memory -> cause mdwe" 13 \
	'.syscall == "mprotect"' "$MDWE"' and .target == "PROT_READ|PROT_EXEC"'

# shellcheck disable=SC2086
ep_run fork $OPTS -- "$MT" --set --fork mmap-wx
expect "mdwe: mmap W+X in a forked child (the flag inherited) -> cause mdwe" 13 \
	'.syscall == "mmap"' "$MDWE"' and .target == "PROT_READ|PROT_WRITE|PROT_EXEC"'

# the negative: without PR_SET_MDWE the same call succeeds, no record
# shellcheck disable=SC2086
ep_run plain $OPTS -- "$MT" mmap-wx
n=$(jcount "$OUT" '.syscall == "mmap" or .syscall == "mprotect"')
if [ "$RC" -eq 0 ] && [ "$n" -eq 0 ]; then
	ok "mdwe: mmap W+X without MDWE succeeds, no record"
else
	not_ok "mdwe: mmap W+X without MDWE: exit status $RC, $n records"
	dump_run
fi

t_done

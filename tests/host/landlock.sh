#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Landlock in tracepoint-only mode, named from the kernel's mark of a successful
# landlock_restrict_self (inherited across fork): a read and a mkdir the ruleset does not
# grant, one of them in a forked child, a read by a task restricted before epermd started (the
# domain read from its credentials), and landlock_restrict_self refused for want of
# no_new_privs; a TCP bind and a signal its domain refuses (Landlock ABI 4 and 6). Also two
# neighbours whose old verdicts were wrong or unsafe: a device node on a nodev mount (mount, not
# dac) and /etc/shadow as nobody (dac, with a fix that does not hand out the password hashes).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root landlock
need_epermd landlock
mount_tracefs
t_tmpdir
LL="$OUTPUT/tests/llock"
F="$T_TMP/readme"
echo data >"$F"
chmod 0644 "$F"

llrc=0
"$LL" open "$F" >/dev/null 2>&1 || llrc=$?
if [ "$llrc" -eq 2 ]; then
	skip "landlock: Landlock is not available in this kernel"
	t_done
	exit 0
fi

ep_run open --tracepoint-only --fold-window=0 -- "$LL" open "$F"
expect "Landlock read denied (DAC allows): cause lsm landlock, object $F" 0 \
	'.syscall == "openat" or .syscall == "open"' \
	".path == \"$F\" and .cause == \"lsm\" and .lsm == \"landlock\""

ep_run mkdir --tracepoint-only --fold-window=0 -- "$LL" --fork mkdir "$T_TMP/newdir"
expect "Landlock mkdir in a forked child (domain inherited): lsm landlock, object $T_TMP/newdir" \
	0 '.syscall == "mkdir" or .syscall == "mkdirat"' \
	".path == \"$T_TMP/newdir\" and .cause == \"lsm\" and .lsm == \"landlock\""

# A domain entered BEFORE epermd started (llock restricts itself, then waits; epermd -p attaches
# afterwards): no landlock_restrict_self to see, the kernel side reads the domain from the
# task's credentials at the denial (where --features says it can).
if "$EPERMD" --config=none --features 2>/dev/null | grep -q '^landlock domain: read from the credentials'; then
	GO="$T_TMP/ll-go"
	"$LL" --wait "$GO" open "$F" >"$T_TMP/llpre.out" 2>&1 &
	lpid=$!
	OUT="$T_TMP/llpre.json"
	timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config=none --format=json --no-socket --tracepoint-only \
		--fold-window=0 -v -p "$lpid" -o "$OUT" >/dev/null 2>&1 </dev/null &
	epid=$!
	ep_wait_started "$OUT" 30
	touch "$GO"
	wait "$lpid" || true
	RC=0
	# shellcheck disable=SC2034 # RC is read by expect()
	wait "$epid" || RC=$?
	COUT="$T_TMP/llpre.out"
	export LPID=$lpid
	expect "Landlock domain entered before epermd started (-p PID): lsm landlock from the credentials at the denial, object $F" 0 \
		'(.syscall == "openat" or .syscall == "open") and .pid == ($ENV.LPID | tonumber)' \
		".path == \"$F\" and .cause == \"lsm\" and .lsm == \"landlock\" and
		 any(.evidence[]; test(\"credentials held a domain at the denial\"))"
else
	skip "landlock: the domain is not read from the credentials here: $("$EPERMD" --config=none \
		--features 2>/dev/null | sed -n 's/^landlock domain: //p')"
fi

# TCP bind (Landlock ABI 4) and the signal scope (ABI 6): tracepoint-only mode names Landlock from
# the mark; the right itself is seen only in full mode (tests/vm: landlock-bind, -scope-signal)
if "$LL" bind 4245 >/dev/null 2>&1; then
	ep_run bind --tracepoint-only --fold-window=0 -- "$LL" bind 4245
	expect "Landlock TCP bind refused (tracepoint-only): lsm landlock, syscall bind" 0 \
		'.syscall == "bind" and .errno == "EACCES"' \
		'.cause == "lsm" and .lsm == "landlock" and (.fix | test("setcap|CAP_NET") | not)'
else
	skip "landlock bind: Landlock ABI 4 (6.7+) is not in this kernel"
fi
if "$LL" signal >/dev/null 2>&1; then
	ep_run signal --tracepoint-only --fold-window=0 -- "$LL" signal
	tpid=$(sed -n 's/^llock: target pid=//p' "$COUT")
	expect "Landlock signal scope (tracepoint-only): lsm landlock, target pid $tpid, no CAP_KILL" 0 \
		'.syscall == "kill" and .errno == "EPERM"' \
		".cause == \"lsm\" and .lsm == \"landlock\" and (.target | startswith(\"pid $tpid\")) and
		 (.fix | test(\"setcap|CAP_KILL\") | not)"
else
	skip "landlock signal: Landlock ABI 6 (6.12+) is not in this kernel"
fi

ep_run self --tracepoint-only --fold-window=0 -- $NOBODY "$LL" --no-nnp restrict "$F"
expect "landlock_restrict_self without no_new_privs: lsm landlock, says why (no_new_privs off, no CAP_SYS_ADMIN from the credentials at the denial), fix sets no_new_privs" 0 \
	'.syscall == "landlock_restrict_self"' \
	'.cause == "lsm" and .lsm == "landlock" and (.fix | test("PR_SET_NO_NEW_PRIVS")) and
	 (.diagnosis | test("no_new_privs is not set and the task lacks CAP_SYS_ADMIN")) and
	 (.facts.at_denial | index("credentials")) and (.fix | test("setcap") | not)'

N="$T_TMP/nd"
mkdir "$N"
if mount -t tmpfs -o nodev,mode=0755 tmpfs "$N" && mknod -m 0666 "$N/null" c 1 3; then
	ep_run nodev --tracepoint-only --fold-window=0 -- "$TRIG" open-read "$N/null"
	expect "device node on a nodev mount: cause mount nodev, object $N/null" 13 \
		'.syscall == "openat" or .syscall == "open"' \
		".path == \"$N/null\" and .cause == \"mount\" and .mount_option == \"nodev\""
	umount -l "$N"
else
	skip "nodev: cannot mount a tmpfs here"
fi

ep_run shadow --tracepoint-only --fold-window=0 -- $NOBODY "$TRIG" open-read /etc/shadow
expect "/etc/shadow as nobody: dac, and the fix names PAM/unix_chkpwd, never setfacl/chmod" 13 \
	'.syscall == "openat" or .syscall == "open"' \
	'.path == "/etc/shadow" and .cause == "dac" and (.fix | test("unix_chkpwd")) and
	 (.fix | test("setfacl -m|chmod [go]\\+") | not)'

t_done

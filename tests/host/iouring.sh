#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# io_uring requests that fail with EACCES/EPERM complete in a CQE while io_uring_enter()
# succeeds: epermd must report them like syscalls (tracepoint-only mode). Each check submits one
# request with tests/tools/uringtrig (as nobody; the immutable one as root) and asserts the
# equivalent syscall, the io_uring marking, the cause and the object. MKDIRAT and UNLINKAT
# always run in an io-wq worker (REQ_F_FORCE_ASYNC): their records name the worker thread and
# still carry the submitter's pid and comm, and the worker's cap_capable evidence.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

UT="$OUTPUT/tests/uringtrig"
need_root iouring
need_epermd iouring
mount_tracefs
if [ ! -x "$UT" ]; then
	not_ok "iouring: $UT is missing (run make first)"
	exit 1
fi
dis=$(sysctl -n kernel.io_uring_disabled 2>/dev/null || echo 0)
if [ "$dis" != 0 ]; then
	skip "iouring (kernel.io_uring_disabled=$dis: nobody cannot create a ring)"
	exit 0
fi
for tp in io_uring_complete io_uring_submit_req; do
	if ! timeout 30 "$EPERMD" --config=none --features 2>/dev/null |
		grep -Eq "^hook (tp_btf|raw_tp)/$tp +active"; then
		skip "iouring (tracepoint $tp absent or not usable on this kernel)"
		exit 0
	fi
done
t_tmpdir
D="$T_TMP/d"
mkdir -m 0755 "$D" "$D/ro"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/sock"
chmod 0600 "$D/sock"
: >"$D/ro/f"
: >"$D/imm"

# ut_check NAME OP RES_PATH SELECT EXPR: uringtrig OP RES_PATH as nobody; its CQE must say
# EACCES, exactly one record of its pid matches SELECT, EXPR holds for it. With UT_HOOK=raw_tp
# the programs are the raw_tp variants (EPERMD_FORCE_RAW_TP), and -v must say so. With
# UT_ROOT=1 the request runs as root and must fail with EPERM.
ut_check() {
	name=$1
	if [ "${UT_HOOK:-}" = raw_tp ]; then
		export EPERMD_FORCE_RAW_TP=1
	fi
	as=$NOBODY
	res=-13
	if [ "${UT_ROOT:-}" = 1 ]; then
		as=""
		res=-1
	fi
	# shellcheck disable=SC2086 # $as is a command and its options
	ep_run "$2" --tracepoint-only --fold-window=0 -v -- $as "$UT" "$2" "$3"
	unset EPERMD_FORCE_RAW_TP
	pid=$(sed -n "s/^pid=\([0-9]*\) .* res=$res .*/\1/p" "$COUT")
	why=""
	if [ -n "${UT_HOOK:-}" ] && ! grep -Eq "$UT_HOOK/io_uring_complete +active" "$COUT"; then
		why="epermd -v does not list $UT_HOOK/io_uring_complete as active"
	elif [ -z "$pid" ]; then
		why="the request did not fail with res=$res: $(head -c 300 "$COUT")"
	elif ! json_lines_valid "$OUT"; then
		why="output is not valid JSON Lines"
	else
		n=$(jcount "$OUT" ".pid == $pid and ($4)")
		m=$(jcount "$OUT" ".pid == $pid and ($4) and ($5)")
		[ "$n" -eq 1 ] || why="$n records of pid $pid match [$4], want exactly 1"
		[ -n "$why" ] || [ "$m" -eq 1 ] || why="the record does not satisfy [$5]"
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name"
		diag "$why"
		diag "$(jq -c 'select(.type == "denial") | [.pid, .syscall, .io_uring, .cause,
			.path, .evidence]' "$OUT" 2>&1 | head -10)"
	fi
}

ut_check "io_uring OPENAT of /etc/shadow: openat, cause dac, object /etc/shadow" \
	openat /etc/shadow \
	'.syscall == "openat" and .io_uring.op == "OPENAT" and (.flags | index("io_uring"))' \
	'.cause == "dac" and .path == "/etc/shadow" and .comm == "uringtrig" and
	 .io_uring.user_data == 504430685799 and (.diagnosis | test("/etc/shadow"))'

ut_check "io_uring MKDIRAT in a root-owned 0755 dir (io-wq worker): dac naming the directory" \
	mkdirat "$D/ro/new" \
	'.syscall == "mkdirat" and .io_uring.op == "MKDIRAT"' \
	".cause == \"dac\" and .path == \"$D/ro/new\" and .comm == \"uringtrig\" and
	 .io_uring.worker == true and (.evidence | map(test(\"CAP_DAC_OVERRIDE\")) | any) and
	 (.diagnosis | test(\"its directory $D/ro is mode 0755\")) and
	 (.fix | test(\"'$D/ro'\"))"

ut_check "io_uring CONNECT to a 0600 unix socket: dac on the socket file, w wanted" \
	connect "$D/sock" \
	'.syscall == "connect" and .io_uring.op == "CONNECT"' \
	".cause == \"dac\" and .path == \"$D/sock\" and
	 (.diagnosis | test(\"does not grant w\")) and (.fix | test(\"u:65534:w '$D/sock'\"))"

ut_check "io_uring UNLINKAT in a root-owned 0755 dir (io-wq worker): dac naming the directory" \
	unlinkat "$D/ro/f" \
	'.syscall == "unlinkat" and .io_uring.op == "UNLINKAT"' \
	".cause == \"dac\" and .path == \"$D/ro/f\" and .errno == \"EACCES\" and .io_uring.worker == true and
	 (.diagnosis | test(\"its directory $D/ro is mode 0755\"))"

if chattr +i "$D/imm" 2>/dev/null; then
	UT_ROOT=1
	ut_check "io_uring UNLINKAT of an immutable file as root: EPERM, cause immutable" \
		unlinkat "$D/imm" \
		'.syscall == "unlinkat" and .io_uring.op == "UNLINKAT"' \
		".cause == \"immutable\" and .flag == \"immutable\" and .path == \"$D/imm\" and
		 .errno == \"EPERM\" and .uid == 0"
	UT_ROOT=
	chattr -i "$D/imm"
else
	skip "io_uring UNLINKAT of an immutable file (chattr +i not supported on $D)"
fi

UT_HOOK=raw_tp ut_check "io_uring OPENAT of /etc/shadow, raw_tp programs: openat, dac, /etc/shadow" \
	openat /etc/shadow \
	'.syscall == "openat" and .io_uring.op == "OPENAT"' \
	'.cause == "dac" and .path == "/etc/shadow" and .io_uring.worker == false'

# successful requests: nothing recorded
ep_run ok --tracepoint-only --fold-window=0 -- "$UT" openat /etc/hostname
n=$(jcount "$OUT" '.io_uring != null')
if grep -q 'res=[0-9]' "$COUT" && [ "$n" -eq 0 ]; then
	ok "successful io_uring OPENAT: no record"
else
	not_ok "successful io_uring OPENAT: no record"
	diag "$n io_uring records; $(head -c 300 "$COUT")"
fi

# kernel.io_uring_disabled=1 (6.6+), no io_uring_group: io_uring_setup as nobody is EPERM. The
# knob is host-wide: set only while the command runs (the daemon reads it right after), put back.
UD=/proc/sys/kernel/io_uring_disabled
if [ -w "$UD" ] && [ -r /proc/sys/kernel/io_uring_group ]; then
	ud0=$(cat "$UD")
	ug=$(cat /proc/sys/kernel/io_uring_group)
	ep_run udis --tracepoint-only --fold-window=0 -- sh -c \
		"echo 1 >$UD; $NOBODY $UT openat /etc/hostname; sleep 1; echo $ud0 >$UD"
	echo "$ud0" >"$UD"
	if [ "$ug" = -1 ]; then
		grp='kernel.io_uring_group = -1'
		fixre='kernel.io_uring_group=GID'
	else
		grp="kernel.io_uring_group = $ug"
		fixre="group $ug"
	fi
	expect "kernel.io_uring_disabled=1: io_uring_setup as nobody is sysctl, fixed by the group" 0 \
		'.syscall == "io_uring_setup" and .comm == "uringtrig"' \
		".errno == \"EPERM\" and .cause == \"sysctl\" and
		 .sysctl == \"kernel.io_uring_disabled\" and .sysctl_value == \"1\" and
		 ([.evidence[] | select(contains(\"$grp\"))] | length) == 1 and
		 (.fix | contains(\"$fixre\")) and (.fix | test(\"setcap|CapabilityBoundingSet\") | not)"
else
	skip "kernel.io_uring_disabled (this kernel has no such sysctl)"
fi
t_done

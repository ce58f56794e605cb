#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Seccomp from the task's filter chain (tracepoint-only mode): two stacked filters, the newest
# refuses mkdir with EPERM, the oldest rmdir with EACCES (tests/tools/scstack.c). The record
# must name the filter that refused (2 of 2, 1 of 2), and an open the filters allow that fails
# for another reason (DAC) must not be blamed on seccomp. Also: no sys_enter program attached,
# and filters freed and reallocated at the same address are never taken for one another.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root seccomp-chain
need_epermd seccomp-chain
mount_tracefs
t_tmpdir
SCS="$OUTPUT/tests/scstack"

feat=$("$EPERMD" --config=none --features 2>/dev/null || true)
case "$feat" in
*"seccomp: filter chain (exact)"*) ;;
*)
	skip "seccomp-chain: the kernel does not keep seccomp filters' instructions" \
		"(bpf_prog.orig_prog); epermd infers seccomp from sys_enter here"
	exit 0
	;;
esac
if printf '%s\n' "$feat" | grep -q '^hook .*sys_enter.* active$'; then
	not_ok "seccomp-chain: features: a sys_enter program is attached in filter-chain mode"
else
	ok "seccomp-chain: features: filter chain, no sys_enter program"
fi

# sc NAME WANT_RC SELECT EXPR ACTION PATH
sc() {
	ep_run "$1" --fold-window=0 --tracepoint-only -- $NOBODY "$SCS" "$5" "$6"
	expect "$1" "$2" "$3" "$4"
}

export D="$T_TMP/newdir" R="$T_TMP/rmme" SECRET="$T_TMP/secret"
mkdir -m 0777 "$R"
echo secret >"$SECRET"
chmod 0600 "$SECRET"

sc "seccomp-chain: mkdir refused by the newest filter (2 of 2) with EPERM" 1 \
	'.syscall == "mkdir" and .path == $ENV.D' \
	'.errno == "EPERM" and .cause == "seccomp"
	 and any(.evidence[]; test("seccomp filter chain: filter 2 of 2, insn [0-9]+ returned ERRNO\\(1\\)"))' \
	mkdir "$D"
sc "seccomp-chain: rmdir refused by the oldest filter (1 of 2) with EACCES" 13 \
	'.syscall == "rmdir" and .path == $ENV.R' \
	'.errno == "EACCES" and .cause == "seccomp"
	 and any(.evidence[]; test("seccomp filter chain: filter 1 of 2, insn [0-9]+ returned ERRNO\\(13\\)"))' \
	rmdir "$R"
sc "seccomp-chain: an allowed openat that DAC refuses is not seccomp (cause dac)" 13 \
	'.syscall == "openat" and .path == $ENV.SECRET' \
	'.errno == "EACCES" and .cause == "dac" and .uid == 65534
	 and all(.evidence[]; test("seccomp filter chain") | not)' \
	open "$SECRET"

# nothing lost on the way: every program shipped and decided
st=$(stats_of "$OUT")
if [ "$(stat_field "$st" seccomp_prog_lost)" = 0 ] && [ "$(stat_field "$st" seccomp_undecided)" = 0 ]; then
	ok "seccomp-chain: stats: no program lost, no denial undecided"
else
	not_ok "seccomp-chain: stats: $st"
fi

# A filter's identity survives the reuse of its memory: processes run one after another, each
# with one filter of the same length refusing mkdir with EPERM or EACCES in turn. The slab
# often hands a new filter the slot of the previous process's freed one; each record must
# still name its own filter's verdict (an identity of address and length alone made the daemon
# run the freed filter's program: half of them came out unknown).
REUSE_N=60
export REUSE="$T_TMP/reuse"
mkdir -m 0777 "$REUSE"
cat >"$T_TMP/reuse.sh" <<EOF
i=0
while [ \$i -lt $REUSE_N ]; do
	e=1
	[ \$((i % 2)) = 1 ] && e=13
	"$SCS" one \$e "$REUSE/d\$i" >/dev/null
	i=\$((i + 1))
done
EOF
ep_run reuse --fold-window=0 --tracepoint-only -- sh "$T_TMP/reuse.sh"
sel='.syscall == "mkdir" and (.path | startswith($ENV.REUSE + "/d"))'
good='.cause == "seccomp" and ((.path | ltrimstr($ENV.REUSE + "/d") | tonumber) % 2) as $odd
	| .errno == (if $odd == 0 then "EPERM" else "EACCES" end)
	and any(.evidence[]; test("seccomp filter chain: filter 1 of 1, insn 3 returned ERRNO\\("
		+ (if $odd == 0 then "1" else "13" end) + "\\)"))'
n=$(jcount "$OUT" "$sel")
g=$(jcount "$OUT" "($sel) and ($good)")
if [ "$n" = "$REUSE_N" ] && [ "$g" = "$REUSE_N" ]; then
	ok "seccomp-chain: $REUSE_N same-length filters one after another: each record names its own"
else
	not_ok "seccomp-chain: reuse: $n records, $g of them with their own filter's errno, want $REUSE_N"
	dump_run
fi
st=$(stats_of "$OUT")
if [ "$(stat_field "$st" seccomp_undecided)" = 0 ]; then
	ok "seccomp-chain: reuse: stats: no denial undecided"
else
	not_ok "seccomp-chain: reuse: stats: $st"
fi

# The fallback (kernels without bpf_prog.orig_prog) still attributes seccomp, by inference.
EPERMD_SECCOMP_FALLBACK=1
export EPERMD_SECCOMP_FALLBACK
feat=$("$EPERMD" --config=none --features 2>/dev/null || true)
if printf '%s\n' "$feat" | grep -q '^seccomp: sys_enter inference (fallback)$' &&
	printf '%s\n' "$feat" | grep -q '^hook .*sys_enter.* active$'; then
	ok "seccomp-chain: EPERMD_SECCOMP_FALLBACK: sys_enter inference, sys_enter attached"
else
	not_ok "seccomp-chain: EPERMD_SECCOMP_FALLBACK: features: $(printf '%s' "$feat" | head -5)"
fi
export D2="$T_TMP/newdir2"
sc "seccomp-chain: fallback: mkdir still seccomp, by inference (no chain evidence)" 1 \
	'.syscall == "mkdir" and .path == $ENV.D2' \
	'.errno == "EPERM" and .cause == "seccomp"
	 and all(.evidence[]; test("seccomp filter chain") | not)' \
	mkdir "$D2"
unset EPERMD_SECCOMP_FALLBACK
t_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Conservation under a storm (reliability #1/#2/#5): 200 000 kill(1, 0) denials as uid 65534
# through a deliberately tiny ring. The kernel folds the repeats (bpf/fold.bpf.h): one record
# per fold window goes out, the rest are counted. Nothing may vanish without being counted:
#   attempted == submitted + reserve_failed + folded     (kernel side)
#   folded == fold_drained + fold_lost, fold_lost == 0    (the fold map, drained)
#   delivered == submitted - queue_dropped                (user side)
#   sum over incidents of the last count emitted == delivered + fold_drained - fold_unattributed
#   attempted == 200 000 + the denials the same command makes without the storm
#   the kill incident's count == 200 000: every call the workload made
# Then storms of opens: 50 000 distinct paths (nothing folds, the ring overflows, counted) and
# 200 000 opens of two paths in turn (folded, never into each other's incident).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root storm
need_epermd storm
mount_tracefs
t_tmpdir

STORM_N=${STORM_N:-200000}
RING=${STORM_RING:-8192}
OPTS="--ring-size=$RING --fold-window=60"

# Control: the same command with zero storm calls; whatever it is denied besides the storm.
ep_run control $OPTS -- $NOBODY "$TRIG" storm 0
cstats=$(stats_of "$OUT")
base=$(stat_field "$cstats" attempted)
if [ "$RC" -ne 0 ] || [ -z "$base" ]; then
	not_ok "storm: control run (exit $RC, stats '$cstats')"
	dump_run
	base=0
else
	ok "storm: control run has a stats record (attempted=$base)"
fi

t0=$(date +%s)
ep_run storm $OPTS -- $NOBODY "$TRIG" storm "$STORM_N"
t1=$(date +%s)
st=$(stats_of "$OUT")
if [ "$RC" -eq 0 ]; then
	ok "storm: $STORM_N denials in $((t1 - t0)) s, epermd exit status 0 (the command's)"
else
	not_ok "storm: epermd exit status $RC, want 0"
	dump_run
fi
if [ -z "$st" ]; then
	not_ok "storm: no final stats record"
	dump_run
	t_done
	exit
fi
diag "stats: $st"

f() { stat_field "$st" "$1"; }
# conserve TAG: the kernel and user-side equations for the stats in $st, incidents in $OUT
conserve() {
	for k in attempted submitted reserve_failed queue_dropped delivered folded fold_drained \
		fold_lost fold_unattributed; do
		eval "$k=\$(f $k)"
		eval "v=\${$k}"
		if [ -z "$v" ]; then
			not_ok "$1: stats lacks '$k'"
			eval "$k=-1"
		fi
	done
	if [ "$attempted" -eq $((submitted + reserve_failed + folded)) ]; then
		ok "$1: attempted ($attempted) == submitted ($submitted) + reserve_failed" \
			"($reserve_failed) + folded ($folded)"
	else
		not_ok "$1: attempted $attempted != submitted $submitted + reserve_failed" \
			"$reserve_failed + folded $folded"
	fi
	if [ "$folded" -eq $((fold_drained + fold_lost)) ] && [ "$fold_lost" -eq 0 ]; then
		ok "$1: folded ($folded) == fold_drained ($fold_drained), fold_lost 0"
	else
		not_ok "$1: folded $folded, fold_drained $fold_drained, fold_lost $fold_lost"
	fi
	if [ "$delivered" -gt 0 ] && [ "$delivered" -eq $((submitted - queue_dropped)) ]; then
		ok "$1: delivered ($delivered) == submitted - queue_dropped ($queue_dropped)"
	else
		not_ok "$1: delivered $delivered != submitted $submitted - queue_dropped $queue_dropped"
	fi
	# An incident's count is cumulative: its last (largest) count is its total. Records
	# without an incident id stand alone.
	sum=$(jq -s '[.[] | select(.type == "denial" or .type == "summary")]
		| ([.[] | select((.incident // 0) == 0) | (.count // 1)] | add // 0)
		+ ([.[] | select((.incident // 0) != 0)] | group_by(.incident)
		   | map(map(.count // 1) | max) | add // 0)' "$OUT" 2>/dev/null || echo -1)
	want_sum=$((delivered + fold_drained - fold_unattributed))
	if [ "$sum" -eq "$want_sum" ]; then
		ok "$1: the incidents' final counts add up to delivered + fold_drained -" \
			"fold_unattributed ($sum)"
	else
		not_ok "$1: incident counts add up to $sum, want $want_sum"
		diag "$(jq -c 'select(.type != "denial") | del(.diagnosis, .fix, .validate)' "$OUT" |
			head -20)"
	fi
}

want=$((STORM_N + base))
if [ "$(f attempted)" -eq "$want" ]; then
	ok "storm: attempted == $STORM_N + $base (control)"
else
	not_ok "storm: attempted $(f attempted), want $want"
fi
conserve storm
if [ "$folded" -gt $((STORM_N / 2)) ]; then
	ok "storm: the kernel folded $folded of $STORM_N repeats"
else
	not_ok "storm: only $folded of $STORM_N repeats folded in the kernel"
fi
kc=$(jq -s 'map(select(.syscall == "kill" and (.type == "denial" or .type == "summary")))
	| group_by(.incident) | map(map(.count) | max) | max // 0' "$OUT")
if [ "$kc" -eq "$STORM_N" ]; then
	ok "storm: the kill incident counts every call ($kc)"
else
	not_ok "storm: the kill incident counts $kc, the workload made $STORM_N calls"
fi

n=$(jcount "$OUT" '.syscall == "kill" and .cause == "capability" and (.capability | capn) == "KILL"')
if [ "$n" -ge 1 ]; then
	ok "storm: the folded kill denials are attributed to CAP_KILL"
else
	not_ok "storm: no kill/CAP_KILL denial record"
	dump_run
fi
lines=$(wc -l <"$OUT")
if [ "$lines" -lt 1000 ]; then
	ok "storm: folding kept the output to $lines lines"
else
	not_ok "storm: $lines output lines with --fold-window=60"
fi

# Distinct objects: every path differs, nothing may fold; the tiny ring overflows, counted.
D="$T_TMP/locked"
mkdir -p "$D"
chmod 0700 "$D"
# (fewer calls: every one is a record to decide, and the test must stay quick on a busy host)
DISTINCT_N=${STORM_DISTINCT_N:-50000}
ep_run distinct $OPTS -- $NOBODY "$TRIG" storm-open "$DISTINCT_N" "$D" "$DISTINCT_N"
st=$(stats_of "$OUT")
if [ "$RC" -eq 0 ] && [ -n "$st" ]; then
	ok "distinct: $DISTINCT_N opens of distinct paths, exit status 0"
	conserve distinct
	if [ "$folded" -eq 0 ]; then
		ok "distinct: nothing folded across distinct paths"
	else
		not_ok "distinct: $folded denials of distinct paths folded"
	fi
	if [ "$reserve_failed" -gt 0 ]; then
		ok "distinct: the $RING-byte ring overflowed and counted it (reserve_failed=$reserve_failed)"
	else
		not_ok "distinct: reserve_failed is $reserve_failed with a $RING-byte ring"
	fi
else
	not_ok "distinct: epermd exit status $RC, stats '$st'"
	dump_run
fi

# Two objects in turn: both fold, each into its own incident with exactly half the calls.
P="$T_TMP/pair"
mkdir -p "$P"
chmod 0755 "$P"
: >"$P/f0"
: >"$P/f1"
chmod 0600 "$P/f0" "$P/f1"
ep_run pair $OPTS -- $NOBODY "$TRIG" storm-open "$STORM_N" "$P" 2
st=$(stats_of "$OUT")
if [ "$RC" -eq 0 ] && [ -n "$st" ]; then
	conserve pair
	for i in 0 1; do
		c=$(jq -s --arg p "$P/f$i" 'map(select((.type == "denial" or .type == "summary")
			and .syscall == "openat" and .path == $p)) | map(.count) | max // 0' "$OUT")
		if [ "$c" -eq $((STORM_N / 2)) ]; then
			ok "pair: $P/f$i has its own incident counting its $c calls"
		else
			not_ok "pair: $P/f$i counts $c, want $((STORM_N / 2))"
		fi
	done
else
	not_ok "pair: epermd exit status $RC, stats '$st'"
	dump_run
fi

t_done

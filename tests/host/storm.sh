#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Conservation under a storm (reliability #1/#2/#5): 200 000 kill(1, 0) denials as uid 65534
# through a deliberately tiny ring. Nothing may vanish without being counted:
#   attempted == submitted + reserve_failed              (kernel side)
#   delivered == submitted - queue_dropped                (user side)
#   sum over incidents of the last count emitted (denial or summary) == delivered
#   attempted == 200 000 + the denials the same command makes without the storm
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
attempted=$(f attempted)
submitted=$(f submitted)
reserve_failed=$(f reserve_failed)
queue_dropped=$(f queue_dropped)
delivered=$(f delivered)
for k in attempted submitted reserve_failed queue_dropped delivered; do
	eval "v=\${$k}"
	if [ -z "$v" ]; then
		not_ok "storm: stats lacks '$k'"
		eval "$k=-1"
	fi
done

want=$((STORM_N + base))
if [ "$attempted" -eq "$want" ]; then
	ok "storm: attempted == $STORM_N + $base (control)"
else
	not_ok "storm: attempted $attempted, want $want"
fi
if [ "$attempted" -eq $((submitted + reserve_failed)) ]; then
	ok "storm: attempted ($attempted) == submitted ($submitted) + reserve_failed ($reserve_failed)"
else
	not_ok "storm: attempted $attempted != submitted $submitted + reserve_failed $reserve_failed"
fi
if [ "$reserve_failed" -gt 0 ]; then
	ok "storm: the $RING-byte ring overflowed and counted it (reserve_failed=$reserve_failed)"
else
	not_ok "storm: reserve_failed is $reserve_failed with a $RING-byte ring"
fi
if [ "$delivered" -gt 0 ] && [ "$delivered" -eq $((submitted - queue_dropped)) ]; then
	ok "storm: delivered ($delivered) == submitted - queue_dropped ($queue_dropped)"
else
	not_ok "storm: delivered $delivered != submitted $submitted - queue_dropped $queue_dropped"
fi

# An incident's count is cumulative: its last (largest) count is its total. Records without an
# incident id stand alone.
sum=$(jq -s '[.[] | select(.type == "denial" or .type == "summary")]
	| ([.[] | select((.incident // 0) == 0) | (.count // 1)] | add // 0)
	+ ([.[] | select((.incident // 0) != 0)] | group_by(.incident)
	   | map(map(.count // 1) | max) | add // 0)' "$OUT" 2>/dev/null || echo -1)
if [ "$sum" -eq "$delivered" ]; then
	ok "storm: the incidents' final counts add up to delivered ($sum)"
else
	not_ok "storm: incident counts add up to $sum, delivered is $delivered"
	diag "$(jq -c 'select(.type != "denial") | del(.diagnosis, .fix, .validate)' "$OUT" |
		head -20)"
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

t_done

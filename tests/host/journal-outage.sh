#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# journald stopped and restarted mid-stream (docs/reliability.md "Faults"). A real journald of
# its own (a journal namespace: /lib/systemd/systemd-journald NS binds
# /run/systemd/journal.NS/socket and writes /var/log/journal/MACHINE.NS, so the host's journal
# and other tests' journald are never touched), a host-wide daemon writing to it
# ($EPERMD_JOURNAL_SOCKET). Then: journald killed, N denials of distinct files provoked,
# journald started again. Asserts:
#   - every one of the N denials arrives in the journal, once;
#   - the outage is said once on stderr when it starts and once in the journal when it ends
#     (MESSAGE_ID health), with the number of records that waited;
#   - the counters add up at the stop: sink_dropped 0, sink_outages 1, sink_held >= N;
#   - the daemon stays up through it and stops cleanly;
#   - stopped while journald is still away (a second daemon): the records that waited are given
#     up before the final counters and counted in them (sink_dropped, the stderr line and the
#     metrics file agree), said once; conservation holds.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-journald.sh"

need_root journal-outage
need_epermd journal-outage
mount_tracefs
if [ ! -x "$JOURNALD" ]; then
	skip "journal-outage (no journald at $JOURNALD)"
	exit 0
fi
t_tmpdir
N=${OUTAGE_N:-100}
NS="epermd-t$$"
JSOCK="/run/systemd/journal.$NS/socket"
MSGID_HEALTH=ee19ad152f2548839c063f069d6afec8
MSGID_STOP=78d6030a9adc4326b30d71c8af3bbe89
MSGID_START=c84f7c9199be4e9fafaef5c8d07bc7a8
DPID=""
cleanup() {
	[ -z "$DPID" ] || kill "$DPID" 2>/dev/null || true
	jd_ns_down
	wait 2>/dev/null || true
	jd_ns_clean "$NS"
	t_cleanup
}
trap cleanup EXIT
# the records of this daemon in the namespace's journal, one JSON object per line
J="$T_TMP/j.json"
jget() {
	journalctl --namespace="$NS" --sync >/dev/null 2>&1 || true
	journalctl --namespace="$NS" -o json --all SYSLOG_IDENTIFIER=epermd _PID="$DPID" >"$J" \
		2>/dev/null || true
}
jn() { jq -s "[.[] | select($1)] | length" "$J" 2>/dev/null || echo -1; }
mine_sel=".EPERM_TYPE == \"denial\" and (.EPERM_PATH // \"\" | startswith(\"$T_TMP/f-\"))"
# start_daemon NAME: a host-wide daemon with $T_TMP/NAME.conf writing to the namespace's journal,
# stderr in $T_TMP/NAME.err; waits for its start record. DPID is its pid.
start_daemon() {
	chmod 0644 "$T_TMP/$1.conf"
	EPERMD_JOURNAL_SOCKET="$JSOCK" "$EPERMD" --config="$T_TMP/$1.conf" --format=journal \
		--no-socket </dev/null 2>"$T_TMP/$1.err" &
	DPID=$!
	i=0
	until [ "$(jget; jn ".MESSAGE_ID == \"$MSGID_START\"")" -ge 1 ] || [ $i -ge 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}
# denials_while_down PREFIX: journald stopped, then N distinct denials (one incident each) on
# $T_TMP/PREFIX-1..N while nobody listens
denials_while_down() {
	for k in $(seq 1 "$N"); do
		echo x >"$T_TMP/$1-$k"
	done
	chmod 0600 "$T_TMP/$1"-*
	jd_ns_down
	$NOBODY /usr/bin/python3 -c '
import sys
for k in range(1, int(sys.argv[3]) + 1):
    try:
        open("%s/%s-%d" % (sys.argv[1], sys.argv[2], k))
    except OSError:
        pass
' "$T_TMP" "$1" "$N"
	sleep 1.5
}

jd_ns_up "$NS" "$T_TMP/journald.log"
if ! [ -S "$JSOCK" ]; then
	not_ok "journal-outage: journald in namespace $NS did not come up"
	diag "$(cat "$T_TMP/journald.log")"
	exit 1
fi
: >"$T_TMP/d.conf"
start_daemon d
denials_while_down f
down_said=$(grep -c 'the journal is unavailable' "$T_TMP/d.err" || true)
alive_down=$(kill -0 "$DPID" 2>/dev/null && echo yes || echo no)
jd_ns_up "$NS" "$T_TMP/journald.log"
i=0
until [ "$(jget; jn "$mine_sel")" -ge "$N" ] && [ "$(jn ".MESSAGE_ID == \"$MSGID_HEALTH\" and (.MESSAGE | test(\"journal was unavailable\"))")" -ge 1 ] ||
	[ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
got=$(jn "$mine_sel")
uniq=$(jq -s "[.[] | select($mine_sel) | .EPERM_PATH] | unique | length" "$J" 2>/dev/null || echo -1)
back=$(jn ".MESSAGE_ID == \"$MSGID_HEALTH\" and (.MESSAGE | test(\"journal was unavailable\"))")
waited=$(jq -r "select(.MESSAGE_ID == \"$MSGID_HEALTH\") | .MESSAGE" "$J" |
	sed -n 's/.*: \([0-9]*\) records waited.*/\1/p' | head -n 1)

if [ "$alive_down" = yes ] && [ "$down_said" -eq 1 ]; then
	ok "journal-outage: journald gone: the daemon stays up and says so once on stderr"
else
	not_ok "journal-outage: journald gone (alive: $alive_down, said $down_said times)"
	diag "$(tail -n 5 "$T_TMP/d.err")"
fi
if [ "$got" -eq "$N" ] && [ "$uniq" -eq "$N" ]; then
	ok "journal-outage: all $N denials provoked while journald was away arrive once each"
else
	not_ok "journal-outage: $got records ($uniq distinct paths) of $N arrived"
	diag "$(tail -n 5 "$T_TMP/d.err")"
fi
if [ "$back" -eq 1 ] && [ "${waited:-0}" -ge "$N" ]; then
	ok "journal-outage: journald back: one record says so ($waited records waited)"
else
	not_ok "journal-outage: $back 'was unavailable' records, waited '$waited' (want 1, >= $N)"
	diag "$(jq -r 'select(.EPERM_TYPE == "alarm") | .MESSAGE' "$J" | tail -n 5)"
fi

# the stop record's counters: nothing dropped, one outage, at least N held
kill "$DPID"
rc=0
wait "$DPID" || rc=$?
i=0
until [ "$(jget; jn ".MESSAGE_ID == \"$MSGID_STOP\"")" -ge 1 ] || [ $i -ge 25 ]; do
	sleep 0.2
	i=$((i + 1))
done
DPID=""
stat() { jq -r "select(.MESSAGE_ID == \"$MSGID_STOP\") | .EPERM_STAT_$1" "$J" | tail -n 1; }
dropped=$(stat SINK_DROPPED)
outages=$(stat SINK_OUTAGES)
held=$(stat SINK_HELD)
qd=$(stat QUEUE_DROPPED)
if [ "$rc" -eq 0 ] && [ "$dropped" = 0 ] && [ "$qd" = 0 ] && [ "$outages" = 1 ] &&
	[ "${held:-0}" -ge "$N" ] && [ "$held" -eq "${waited:--1}" ]; then
	ok "journal-outage: counters add up: sink_dropped 0, sink_outages 1, sink_held $held (= waited)"
else
	not_ok "journal-outage: stop rc=$rc sink_dropped=$dropped queue_dropped=$qd outages=$outages held=$held waited=$waited"
	diag "$(tail -n 3 "$T_TMP/d.err")"
fi

# 2. Stopped while journald is still away: what waited for it cannot be written; it is counted
# in sink_dropped before the final counters (stderr line, metrics file), not only said.
jd_ns_up "$NS" "$T_TMP/journald.log"
M="$T_TMP/epermd.prom"
printf 'metrics_file = %s\nmetrics_interval = 1\naudit_source = off\n' "$M" >"$T_TMP/d2.conf"
start_daemon d2
denials_while_down g
kill "$DPID"
rc=0
wait "$DPID" || rc=$?
DPID=""
fin=$(sed -n 's/^epermd: final counters //p' "$T_TMP/d2.err" | tail -n 1)
fc() { printf '%s\n' "$fin" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# the shed line comes before the final counters; nothing is said lost after them
shed=$(sed -n 's/^epermd: \([0-9]*\) records could not be written before exit (the journal is unavailable): .*; counted in sink_dropped$/\1/p' "$T_TMP/d2.err" | head -n 1)
shed_lines=$(grep -c 'could not be written before exit' "$T_TMP/d2.err" || true)
order=$(awk '/could not be written before exit/ { s = NR } /final counters/ { f = NR }
	END { print (s && f && s < f) ? "yes" : "no" }' "$T_TMP/d2.err")
sd=$(fc sink_dropped)
msd=$(awk '$1 == "epermd_lost_events_total{reason=\"sink_dropped\"}" { print $2 }' "$M" 2>/dev/null)
att=$(fc attempted) sub=$(fc submitted) rf=$(fc reserve_failed) fo=$(fc folded)
del=$(fc delivered) qd=$(fc queue_dropped)
if [ "$rc" -eq 0 ] && [ "${shed:-0}" -ge "$N" ] && [ "$shed_lines" -eq 1 ] && [ "$order" = yes ] &&
	[ "${sd:-0}" -ge "$shed" ] && [ "$msd" = "$sd" ]; then
	ok "journal-outage: stopped during the outage: $shed records given up, counted (final sink_dropped $sd = metrics $msd)"
else
	not_ok "journal-outage: stop during outage: rc=$rc shed='$shed' lines=$shed_lines before-final=$order sink_dropped='$sd' metrics='$msd' (want >= $N)"
	diag "$(grep -v '^epermd: ready' "$T_TMP/d2.err" | tail -n 6)"
fi
if [ -n "$att" ] && [ "$att" -eq $((sub + rf + ${fo:-0})) ] && [ "$sub" -eq $((del + qd)) ]; then
	ok "journal-outage: stopped during the outage: conservation holds ($att = $sub + $rf + ${fo:-0}; $sub = $del + $qd)"
else
	not_ok "journal-outage: conservation at a stop during the outage: $fin"
fi
t_done

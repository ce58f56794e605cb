#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Stopping a host-wide daemon in the states where a crash on SIGINT was once reported (issue 13;
# docs/reliability.md). Each must exit 0, print its final counters with conservation
# (attempted = submitted + reserve_failed + folded, submitted = delivered + queue_dropped,
# folded = fold_drained + fold_lost) and leave no
# sanitizer report (the CI sanitizer pass runs this script from build-san):
#   1. SIGINT in the middle of a storm, with a streaming socket client that stopped reading
#      (SIGSTOP) and a SIGHUP reload just before;
#   2. SIGTERM in the middle of a storm with the journal sink's journald gone;
#   3. SIGTERM and SIGINT during start-up (while the BPF programs load), at two delays.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root stop
need_epermd stop
mount_tracefs
t_tmpdir
SC="$OUTPUT/tests/sockclient"
STORM_N=${STOP_STORM_N:-300000}
PIDS=""
cleanup() {
	for p in $PIDS; do kill -CONT "$p" 2>/dev/null || true; done
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	t_cleanup
}
trap cleanup EXIT
: >"$T_TMP/c.conf"
chmod 0644 "$T_TMP/c.conf"

# daemon NAME [ENV=...] -- OPTIONS...: a host-wide daemon, stderr in NAME.err; DPID
daemon() {
	n=$1
	shift
	ep_daemon "$n" env "$@" --config="$T_TMP/c.conf"
}
# stopped NAME RC: exit 0, final counters that add up, no crash or sanitizer report
stopped() {
	fin=$(sed -n 's/^epermd: final counters //p' "$T_TMP/$1.err" | tail -n 1)
	c() { printf '%s\n' "$fin" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	att=$(c attempted)
	sub=$(c submitted)
	fold=$(c folded)
	if [ "$2" -eq 0 ] && [ -n "$fin" ] &&
		[ "$att" -eq $(($(c submitted) + $(c reserve_failed) + ${fold:-0})) ] &&
		[ "$sub" -eq $(($(c delivered) + $(c queue_dropped))) ] &&
		[ "${fold:-0}" -eq $(($(c fold_drained) + $(c fold_lost))) ] &&
		! grep -q 'Sanitizer\|runtime error\|Segmentation' "$T_TMP/$1.err"; then
		return 0
	fi
	diag "exit status $2" "$(tail -n 8 "$T_TMP/$1.err")"
	return 1
}

# ---- 1. SIGINT mid-storm, a stalled streaming client, a reload just before ----
daemon storm -- --format=json --output="$T_TMP/storm.json" --socket="$T_TMP/run/s.sock"
ep_wait_started "$T_TMP/storm.json"
"$SC" -s "$T_TMP/run/s.sock" -r stream -t 120 >/dev/null 2>&1 &
SCP=$!
PIDS="$PIDS $SCP"
sleep 0.3
kill -STOP "$SCP" 2>/dev/null || true
$NOBODY "$TRIG" --quiet storm "$STORM_N" >/dev/null 2>&1 &
ST=$!
PIDS="$PIDS $ST"
sleep 0.5
kill -HUP "$DPID"
sleep 0.5
kill -INT "$DPID"
rc=0
wait "$DPID" || rc=$?
if stopped storm "$rc"; then
	ok "stop: SIGINT mid-storm with a stalled client after a SIGHUP: exit 0, counters add up"
else
	not_ok "stop: SIGINT mid-storm with a stalled client after a SIGHUP"
fi
kill -CONT "$SCP" 2>/dev/null || true
kill "$SCP" "$ST" 2>/dev/null || true

# ---- 2. SIGTERM mid-storm, journald gone ----
daemon nojournal EPERMD_JOURNAL_SOCKET="$T_TMP/nojournal/socket" -- --format=journal --no-socket
i=0
until grep -q 'journal is unavailable' "$T_TMP/nojournal.err" || [ $i -ge 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
$NOBODY "$TRIG" --quiet storm "$STORM_N" >/dev/null 2>&1 &
ST=$!
PIDS="$PIDS $ST"
sleep 0.5
kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
# the records the sink gave up are in the final counters (said before them, sink_dropped >= N)
unw=$(sed -n 's/^epermd: \([0-9]*\) records could not be written before exit (the journal is unavailable).*/\1/p' \
	"$T_TMP/nojournal.err" | head -n 1)
if stopped nojournal "$rc" && [ "${unw:-0}" -gt 0 ] && [ "$(c sink_dropped)" -ge "$unw" ]; then
	ok "stop: SIGTERM mid-storm with journald gone: exit 0, counters add up, the $unw unwritten records said and counted (sink_dropped $(c sink_dropped))"
else
	diag "unwritten '$unw', sink_dropped '$(c sink_dropped)'"
	not_ok "stop: SIGTERM mid-storm with journald gone"
fi
kill "$ST" 2>/dev/null || true

# ---- 3. during start-up ----
for d in 0.2:TERM:15 1.5:INT:2; do
	num=${d##*:}
	d=${d%:*}
	rm -f "$T_TMP/start.json"
	daemon "start-${d#*:}" -- --format=json --output="$T_TMP/start.json" --no-socket
	sleep "${d%:*}"
	kill "-${d#*:}" "$DPID"
	rc=0
	wait "$DPID" || rc=$?
	# a stop before the handlers are in place ends the process by the signal: no counters
	if [ "$rc" -eq 0 ] && stopped "start-${d#*:}" 0; then
		ok "stop: SIG${d#*:} ${d%:*} s into the start-up: exit 0, counters add up"
	elif [ "$rc" -eq $((128 + num)) ] && ! grep -q started "$T_TMP/start.json" 2>/dev/null; then
		ok "stop: SIG${d#*:} ${d%:*} s into the start-up: ended by the signal before tracing"
	else
		not_ok "stop: SIG${d#*:} ${d%:*} s into the start-up (exit status $rc)"
		diag "$(tail -n 5 "$T_TMP/start-${d#*:}.err")"
	fi
done
t_done

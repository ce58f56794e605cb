#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The tracing-gap notice (reliability #16): a daemon killed with SIGKILL leaves its heartbeat
# behind and the next start logs a WARNING gap with a plausible duration; after SIGTERM the
# next start logs the (exact) gap at NOTICE; $STATE_DIRECTORY works like --state-dir; no state
# directory means no notice; a second daemon on the same directory leaves it alone. With a
# journald (started for the test if none runs), the same gap record and the final counters (MESSAGE_ID stop) are checked in
# the journal with their structured fields.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-journald.sh"

need_root runstate
need_epermd runstate
mount_tracefs
t_tmpdir
if ! command -v jq >/dev/null; then
	skip "runstate: jq not installed"
	exit 0
fi

MSGID_GAP=80c66ed3a7ef4543bb5bda69f6054826
MSGID_STOP=78d6030a9adc4326b30d71c8af3bbe89
MSGID_START=c84f7c9199be4e9fafaef5c8d07bc7a8
SD="$T_TMP/state"
mkdir -m 0700 "$SD"
PIDS=""
rs_cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	jd_stop
	t_cleanup
}
trap rs_cleanup EXIT

now() { date +%s.%N; }

# start_daemon TAG [OPTIONS...]: a background daemon writing JSON to $T_TMP/TAG.json; waits for
# its start line. Sets DPID and OUT.
start_daemon() {
	local tag=$1 i=0
	shift
	OUT="$T_TMP/$tag.json"
	: >"$OUT"
	"$EPERMD" --config=none --format=json --output="$OUT" --no-socket "$@" \
		2>"$T_TMP/$tag.err" </dev/null &
	DPID=$!
	PIDS="$PIDS $DPID"
	until grep -q '"epermd [^"]* started' "$OUT" 2>/dev/null; do
		if ! kill -0 "$DPID" 2>/dev/null || [ "$i" -ge 150 ]; then
			not_ok "runstate: daemon $tag did not start"
			diag "$(cat "$T_TMP/$tag.err")"
			exit 1
		fi
		sleep 0.2
		i=$((i + 1))
	done
}

# gap FILE: "priority prev_pid gap_seconds" of the gap notice (empty if none).
gap() {
	jq -r "select(.type == \"alarm\" and .message_id == \"$MSGID_GAP\")
		| \"\(.priority) \(.prev_pid) \(.gap_seconds)\"" "$1" 2>/dev/null | head -n 1
}

# split3 "A B C": prio, prev, secs (x when missing)
split3() {
	# shellcheck disable=SC2086 # split on purpose
	set -- $1 x x x
	prio=$1 prev=$2 secs=$3
}

# within X LO HI
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

# 1. SIGKILL: the next start warns, counting from the last heartbeat.
start_daemon a --state-dir="$SD"
apid=$DPID
sleep 6 # past one heartbeat (every 5 s)
kill -9 "$apid"
wait "$apid" 2>/dev/null || true
t_kill=$(now)
if grep -q "^pid=$apid\$" "$SD/runstate" && grep -qx 'state=running' "$SD/runstate"; then
	ok "runstate: a killed daemon leaves state=running with its pid"
else
	not_ok "runstate: a killed daemon leaves state=running with its pid"
	diag "$(cat "$SD/runstate" 2>&1)"
fi
sleep 3
start_daemon b --state-dir="$SD"
bpid=$DPID
hi=$(awk -v a="$(now)" -v k="$t_kill" 'BEGIN { printf "%.3f", a - k + 5 + 1.5 }')
split3 "$(gap "$OUT")"
if [ "$prio" = 4 ] && [ "$prev" = "$apid" ] && within "$secs" 2.9 "$hi"; then
	ok "runstate: after SIGKILL a WARNING gap of $secs s (3 s down, heartbeat every 5 s; <= $hi)"
else
	not_ok "runstate: after SIGKILL a WARNING gap for pid $apid in [2.9, $hi] s: got '$prio $prev $secs'"
	diag "$(grep -i gap "$OUT" || cat "$OUT")"
fi
msg=$(jq -r "select(.message_id == \"$MSGID_GAP\") | .message" "$OUT" | head -n 1)
case $msg in
"tracing gap: the previous epermd (pid $apid) ended abnormally; last seen alive at "*", tracing again at "*": denials during "*" were not traced")
	ok "runstate: the warning says when tracing stopped and started again" ;;
*)
	not_ok "runstate: the warning's wording"
	diag "$msg" ;;
esac

# 2. A second daemon on the same directory neither reads a gap nor takes the file over.
start_daemon busy --state-dir="$SD"
busy=$DPID
if [ -z "$(gap "$OUT")" ] && grep -q "^pid=$bpid\$" "$SD/runstate" &&
	grep -q 'run state in .* unavailable' "$OUT"; then
	ok "runstate: a second daemon leaves the live one's state alone and says so"
else
	not_ok "runstate: a second daemon leaves the live one's state alone"
	diag "$(cat "$OUT" "$SD/runstate")"
fi
kill -TERM "$busy"
wait "$busy" 2>/dev/null || true

# 3. SIGTERM: state=clean, and the next start (through $STATE_DIRECTORY) logs the exact gap.
kill -TERM "$bpid"
rc=0
wait "$bpid" || rc=$?
t_term=$(now)
if [ "$rc" -eq 0 ] && grep -qx 'state=clean' "$SD/runstate" && grep -q '^stopped=' "$SD/runstate"; then
	ok "runstate: SIGTERM exits 0 and records a clean stop"
else
	not_ok "runstate: SIGTERM exits 0 and records a clean stop (rc=$rc)"
	diag "$(cat "$SD/runstate" 2>&1)"
fi
sleep 2
export STATE_DIRECTORY="$SD"
start_daemon c
unset STATE_DIRECTORY
cpid=$DPID
hi=$(awk -v a="$(now)" -v k="$t_term" 'BEGIN { printf "%.3f", a - k + 0.5 }')
split3 "$(gap "$OUT")"
if [ "$prio" = 5 ] && [ "$prev" = "$bpid" ] && within "$secs" 1.9 "$hi"; then
	ok "runstate: after SIGTERM a NOTICE gap of $secs s (\$STATE_DIRECTORY; <= $hi)"
else
	not_ok "runstate: after SIGTERM a NOTICE gap for pid $bpid in [1.9, $hi] s: got '$prio $prev $secs'"
	diag "$(grep -i gap "$OUT" || cat "$OUT")"
fi
kill -TERM "$cpid"
wait "$cpid" 2>/dev/null || true

# 4. No state directory: no notice (and nothing written).
start_daemon d
dpid=$DPID
if [ -z "$(gap "$OUT")" ]; then
	ok "runstate: without a state directory there is no gap notice"
else
	not_ok "runstate: without a state directory there is no gap notice"
fi
kill -TERM "$dpid"
wait "$dpid" 2>/dev/null || true

# 5. The journal: the gap's fields and the final counters under MESSAGE_ID stop.
if ! jd_start; then
	skip "runstate: journal fields (no journald to be had)"
	t_done
	exit
fi
jwait() { # jwait MATCH...: poll up to 10 s for a journal record
	local i=0
	until [ -n "$(journalctl -o json --all "$@" 2>/dev/null | head -n 1)" ] || [ "$i" -ge 50 ]; do
		journalctl --sync 2>/dev/null || true
		sleep 0.2
		i=$((i + 1))
	done
	journalctl -o json --all "$@" 2>/dev/null | tail -n 1
}
"$EPERMD" --config=none --format=journal --no-socket --state-dir="$SD" \
	2>"$T_TMP/j1.err" </dev/null &
j1=$!
PIDS="$PIDS $j1"
jwait MESSAGE_ID=$MSGID_START _PID=$j1 >/dev/null
sleep 1
kill -9 "$j1"
wait "$j1" 2>/dev/null || true
"$EPERMD" --config=none --format=journal --no-socket --state-dir="$SD" \
	2>"$T_TMP/j2.err" </dev/null &
j2=$!
PIDS="$PIDS $j2"
rec=$(jwait MESSAGE_ID=$MSGID_GAP _PID=$j2)
f=$(printf '%s' "$rec" | jq -r '"\(.PRIORITY) \(.EPERM_PREV_PID) \(.EPERM_GAP_SECONDS) \(.EPERM_GAP_FROM // "" | test("^20[0-9-]+T[0-9:]+Z$")) \(.EPERM_GAP_TO // "" | test("^20[0-9-]+T[0-9:]+Z$"))"' 2>/dev/null || true)
# shellcheck disable=SC2086 # split on purpose
set -- $f x x x x x
prio=$1 prev=$2 secs=$3 from_ok=$4 to_ok=$5
set --
if [ "$prio" = 4 ] && [ "$prev" = "$j1" ] && within "$secs" 0 30 && [ "$from_ok" = true ] &&
	[ "$to_ok" = true ]; then
	ok "runstate: journal: gap record with PRIORITY=4, EPERM_PREV_PID, EPERM_GAP_SECONDS=$secs, FROM/TO"
else
	not_ok "runstate: journal: gap record fields: got '$f'"
	diag "$rec"
fi
kill -TERM "$j2"
wait "$j2" 2>/dev/null || true
rec=$(jwait MESSAGE_ID=$MSGID_STOP _PID=$j2)
f=$(printf '%s' "$rec" | jq -r '"\(.PRIORITY) \(.EPERM_STAT_ATTEMPTED != null) \(.EPERM_STAT_RESERVE_FAILED != null) \(.MESSAGE | startswith("epermd stopped; final counters:"))"' 2>/dev/null || true)
if [ "$f" = "6 true true true" ]; then
	ok "runstate: journal: SIGTERM logs the final counters with MESSAGE_ID stop"
else
	not_ok "runstate: journal: final counters with MESSAGE_ID stop: got '$f'"
	diag "$rec"
fi
t_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The live-view socket (docs/socket.md, reliability requirements #10 and #11): file permissions,
# the SO_PEERCRED/SO_PEERGROUPS check behind them, a missing group failing closed (exit 78),
# a stopped client during a storm (drops, gap marker, others unaffected), garbage and oversized
# requests. Run it against the sanitizer build too: make OUTPUT=/tmp/build-asan SAN=1, then
# OUTPUT=/tmp/build-asan sh tests/host/socket.sh (sanitizer reports fail the last check).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root socket
need_epermd socket
SC="$OUTPUT/tests/sockclient"
if [ ! -x "$SC" ]; then
	not_ok "socket: $SC is missing (run make first)"
	exit 1
fi
mount_tracefs
t_tmpdir

GRP="epview$$"
USR="epview$$"
SOCK="$T_TMP/run/epermd.sock"
DPID=""

cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	for p in $(cat "$T_TMP/pids" 2>/dev/null); do
		kill -CONT "$p" 2>/dev/null || true
		kill "$p" 2>/dev/null || true
	done
	userdel "$USR" 2>/dev/null || true
	groupdel "$GRP" 2>/dev/null || true
	t_cleanup
}
trap cleanup EXIT

groupadd "$GRP"
useradd -M -N -g nogroup -G "$GRP" -s /usr/sbin/nologin "$USR"
MEMBER="setpriv --reuid=$USR --regid=65534 --init-groups"

# start_daemon LOG [ENV=VALUE]: epermd with the socket; waits for the socket to appear.
start_daemon() {
	log=$1
	shift
	env "$@" "$EPERMD" --format=json --output="$T_TMP/denials.json" --socket="$SOCK" \
		--socket-group="$GRP" >"$log" 2>&1 </dev/null &
	DPID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 300 ] && kill -0 "$DPID" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -S "$SOCK" ]
}

stop_daemon() {
	kill "$DPID" 2>/dev/null || true
	wait "$DPID" 2>/dev/null || true
	DPID=""
}

# a small per-client queue, so that a sanitizer build (slow) still overflows it in the storm
if ! start_daemon "$T_TMP/d1.log" EPERMD_SOCKET_CLIENT_QUEUE=16; then
	not_ok "socket: the daemon did not create $SOCK"
	diag "$(head -20 "$T_TMP/d1.log")"
	exit 1
fi

# --- permissions ---------------------------------------------------------------------------
mode=$(stat -c '%a %U:%G' "$SOCK")
dmode=$(stat -c '%a %U:%G' "$T_TMP/run")
if [ "$mode" = "660 root:$GRP" ] && [ "$dmode" = "750 root:$GRP" ]; then
	ok "socket: socket 0660 root:$GRP in a 0750 root:$GRP directory"
else
	not_ok "socket: socket is $mode, directory $dmode"
fi

# (1) uid 65534 outside the group: connect() fails on the file permissions
rc=0
$NOBODY "$SC" -s "$SOCK" -t 3 >"$T_TMP/o1" 2>"$T_TMP/e1" || rc=$?
if [ $rc -eq 2 ] && grep -q 'Permission denied' "$T_TMP/e1"; then
	ok "socket: uid 65534 outside the group cannot connect (EACCES)"
else
	not_ok "socket: uid 65534 connect: exit $rc, $(cat "$T_TMP/e1")"
fi

# (3) a group member is served a snapshot
rc=0
$MEMBER "$SC" -s "$SOCK" -r snapshot -u end -t 10 >"$T_TMP/o3" 2>"$T_TMP/e3" || rc=$?
if [ $rc -eq 0 ] && grep -q '"type":"end"' "$T_TMP/o3" && grep -q '"type":"stats"' "$T_TMP/o3"; then
	ok "socket: a member of $GRP gets a snapshot (stats ... end)"
else
	not_ok "socket: member snapshot: exit $rc"
	diag "$(head -c 600 "$T_TMP/o3")" "$(cat "$T_TMP/e3")"
fi

# bare words and the JSON form; an unknown command is an error line
rc=0
"$SC" -s "$SOCK" -R '{ "cmd" : "snapshot" }\n' -t 10 >"$T_TMP/o3b" 2>&1 || rc=$?
rc2=0
"$SC" -s "$SOCK" -r shutdown -t 10 >"$T_TMP/o3c" 2>&1 || rc2=$?
if grep -q '"type":"end"' "$T_TMP/o3b" && grep -q '"type":"error"' "$T_TMP/o3c" &&
	[ "$(grep -c . "$T_TMP/o3c")" -eq 1 ]; then
	ok "socket: {\"cmd\":...} accepted; an unknown command gets one error line and a hang-up"
else
	not_ok "socket: request forms (exit $rc/$rc2)"
	diag "$(head -c 300 "$T_TMP/o3b")" "$(head -c 300 "$T_TMP/o3c")"
fi

# (5) a stopped client during a storm
mkdir -m 0700 "$T_TMP/sec"
"$SC" -s "$SOCK" -r stream -t 120 >"$T_TMP/slow" 2>&1 &
SLOW=$!
"$SC" -s "$SOCK" -r stream -t 120 >"$T_TMP/fast" 2>&1 &
FAST=$!
echo "$SLOW $FAST" >"$T_TMP/pids"
sleep 1
kill -STOP "$SLOW"
# distinct paths make distinct incidents, so every denial is a line on the socket
$NOBODY perl -e 'for my $i (1..6000) { open(my $f, "<", "'"$T_TMP"'/sec/f$i") }' || true
$NOBODY "$TRIG" --quiet storm 20000 >/dev/null 2>&1 || true
# wait (a sanitizer build is slow) until the live client has seen well over the stopped
# client's queue (16 lines here) plus what its socket buffer holds (~200 KB)
i=0
fast_lines=0
while [ $i -lt 120 ]; do
	fast_lines=$(grep -c . "$T_TMP/fast" || true)
	[ "$fast_lines" -gt 500 ] && break
	sleep 0.5
	i=$((i + 1))
done
rc=0
"$SC" -s "$SOCK" -r snapshot -u end -t 10 >"$T_TMP/o5" 2>&1 || rc=$?
if kill -0 "$DPID" 2>/dev/null && kill -0 "$FAST" 2>/dev/null &&
	[ "$fast_lines" -gt $(($(grep -c . "$T_TMP/slow" || true) + 16)) ] &&
	[ $rc -eq 0 ] && grep -q '"type":"end"' "$T_TMP/o5"; then
	ok "socket: with one client stopped, the daemon and another client stay live ($fast_lines lines)"
else
	not_ok "socket: storm with a stopped client: fast client $fast_lines lines, snapshot exit $rc"
fi
kill -CONT "$SLOW"
sleep 3
missed=$(sed -n 's/.*"type":"gap","missed":\([0-9]*\).*/\1/p' "$T_TMP/slow" | head -n 1)
if [ -n "$missed" ] && [ "$missed" -gt 0 ]; then
	ok "socket: the stopped client gets a gap marker after SIGCONT (missed=$missed)"
else
	not_ok "socket: no gap marker with missed>0 for the stopped client"
	diag "$(grep -c . "$T_TMP/slow") lines; $(grep -v '"denial"\|"summary"' "$T_TMP/slow" | head -5)"
fi
drops=$(grep -o '"socket_dropped":[0-9]*' "$T_TMP/o5" | head -n 1 | cut -d: -f2)
if [ -z "$drops" ]; then
	skip "socket: socket_dropped in the stats line (the daemon does not include server_stats_json yet)"
elif [ "$drops" -gt 0 ]; then
	ok "socket: the stats line counts the drops (socket_dropped=$drops)"
else
	not_ok "socket: socket_dropped=0 in the stats line after a stopped client's drops"
fi
kill "$SLOW" "$FAST" 2>/dev/null || true
wait "$SLOW" "$FAST" 2>/dev/null || true

# (6) garbage and oversized requests
"$SC" -s "$SOCK" -g 10000000 -t 20 >"$T_TMP/g1" 2>&1 || true
"$SC" -s "$SOCK" -R "$(head -c 5000 /dev/zero | tr '\0' A)" -t 20 >"$T_TMP/g2" 2>&1 || true
rc3=0
"$SC" -s "$SOCK" -R 'hello world\n' -t 20 >"$T_TMP/g3" 2>&1 || rc3=$?
"$SC" -s "$SOCK" -R '{"cmd":"stream"\x00}\n' -t 20 >"$T_TMP/g4" 2>&1 || true
rc=0
"$SC" -s "$SOCK" -r snapshot -u end -t 10 >"$T_TMP/g5" 2>&1 || rc=$?
if kill -0 "$DPID" 2>/dev/null && [ $rc -eq 0 ] && [ $rc3 -eq 0 ] &&
	grep -q '"type":"error"' "$T_TMP/g3" && ! grep -q '"type":"end"' "$T_TMP/g1" "$T_TMP/g2"; then
	ok "socket: garbage, 10 MB random and 5000-byte requests are cut off; the daemon serves on"
else
	not_ok "socket: garbage requests (snapshot exit $rc, garbage exit $rc3)"
fi

# too many clients: 40 idle connections against the default of 32
i=0
MC=""
while [ $i -lt 40 ]; do
	"$SC" -s "$SOCK" -R '' -t 4 >"$T_TMP/mc.$i" 2>&1 &
	MC="$MC $!"
	i=$((i + 1))
done
sleep 1
if grep -q 'too many clients' "$T_TMP"/mc.*; then
	ok "socket: connections beyond max_clients get 'too many clients'"
else
	not_ok "socket: no 'too many clients' with 40 idle connections"
fi
# shellcheck disable=SC2086
wait $MC 2>/dev/null || true
stop_daemon
if grep -q 'AddressSanitizer\|runtime error:\|LeakSanitizer' "$T_TMP/d1.log"; then
	not_ok "socket: sanitizer report from the daemon"
	diag "$(grep -A5 'AddressSanitizer\|runtime error:' "$T_TMP/d1.log" | head -20)"
else
	ok "socket: no sanitizer report, the daemon stopped cleanly"
fi
[ ! -e "$SOCK" ] && ok "socket: the socket is removed on exit" || not_ok "socket: $SOCK left behind"

# (2) test mode: world-writable socket, the credential check still refuses uid 65534
if start_daemon "$T_TMP/d2.log" EPERMD_SOCKET_TEST_MODE=1; then
	rc=0
	$NOBODY "$SC" -s "$SOCK" -r snapshot -t 5 >"$T_TMP/o2" 2>"$T_TMP/e2" || rc=$?
	if [ "$(stat -c %a "$SOCK")" = 666 ] && [ $rc -eq 0 ] && [ ! -s "$T_TMP/o2" ] &&
		grep -q 'refused uid 65534' "$T_TMP/d2.log"; then
		ok "socket: a 0666 socket still refuses uid 65534 (SO_PEERCRED), and logs it"
	else
		not_ok "socket: test mode: mode $(stat -c %a "$SOCK"), exit $rc, $(head -c 200 "$T_TMP/o2")"
	fi
	rc=0
	$MEMBER "$SC" -s "$SOCK" -r snapshot -u end -t 10 >"$T_TMP/o2b" 2>&1 || rc=$?
	if [ $rc -eq 0 ] && grep -q '"type":"end"' "$T_TMP/o2b"; then
		ok "socket: test mode: the group member (SO_PEERGROUPS) is still served"
	else
		not_ok "socket: test mode: member refused (exit $rc)"
	fi
	stop_daemon
else
	not_ok "socket: test-mode daemon did not start"
	diag "$(head -20 "$T_TMP/d2.log")"
fi

# (4) a group that does not exist: exit 78, clear message, no socket
rc=0
timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --format=json --output=/dev/null --socket="$SOCK" \
	--socket-group=no-such-group-$$ >"$T_TMP/o4" 2>&1 </dev/null || rc=$?
if [ $rc -eq 78 ] && grep -q "no-such-group-$$.*does not exist" "$T_TMP/o4" && [ ! -e "$SOCK" ]; then
	ok "socket: a missing socket group stops the start with exit 78 and says why"
else
	not_ok "socket: missing group: exit $rc"
	diag "$(head -5 "$T_TMP/o4")"
fi

t_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The command line: help, bad options, bad values, config validation (exit 78), --features,
# one-command mode (exit status, scope, stdout left to the command, the report on stderr or
# -o FILE, -v), -p PID (existing and new descendants, exit with the target, SIGINT), and a
# clean SIGTERM in daemon mode.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root cli
need_epermd cli
mount_tracefs
t_tmpdir

# run CMD...: sets RC, and SO/SE to files with stdout/stderr
run() {
	SO="$T_TMP/so"
	SE="$T_TMP/se"
	RC=0
	timeout -k 5 "$EP_TIMEOUT" "$@" >"$SO" 2>"$SE" </dev/null || RC=$?
}

# --- help and bad input --------------------------------------------------------------------
run "$EPERMD" --help
if [ "$RC" -eq 0 ] && grep -q -- '--format' "$SO" && grep -q -- '--tracepoint-only' "$SO"; then
	ok "cli: --help exits 0 and lists the options"
else
	not_ok "cli: --help (exit $RC)"
	diag "$(head -5 "$SO" "$SE")"
fi

run "$EPERMD" --no-such-option
if [ "$RC" -ne 0 ] && grep -q -- 'no-such-option' "$SE" && [ "$(wc -l <"$SE")" -le 5 ]; then
	ok "cli: an unknown option names itself in a short error, exit $RC"
else
	not_ok "cli: unknown option: exit $RC"
	diag "$(head -8 "$SE")"
fi

run "$EPERMD" --format=xml -- true
if [ "$RC" -ne 0 ] && grep -q 'xml' "$SE"; then
	ok "cli: --format=xml is refused, naming the value (exit $RC)"
else
	not_ok "cli: --format=xml: exit $RC"
	diag "$(head -5 "$SE")"
fi

run "$EPERMD" --ring-size=1000 -- true
if [ "$RC" -ne 0 ] && grep -qi 'power of two' "$SE" && grep -q '1000' "$SE"; then
	ok "cli: --ring-size=1000 is refused: not a power of two (exit $RC)"
else
	not_ok "cli: --ring-size=1000: exit $RC"
	diag "$(head -5 "$SE")"
fi

# --- config files --------------------------------------------------------------------------
CONF="$T_TMP/epermd.conf"
printf 'format = json\nfold_window = 5\n' >"$CONF"
chmod 0644 "$CONF"
run "$EPERMD" --check-config --config="$CONF"
if [ "$RC" -eq 0 ]; then
	ok "config: a valid root-owned 0644 file passes --check-config"
else
	not_ok "config: valid file: --check-config exit $RC"
	diag "$(head -5 "$SE")"
fi

printf 'format = json\nno_such_key = 1\n' >"$CONF"
for how in "--check-config" "--no-socket"; do
	if [ "$how" = --no-socket ]; then
		run "$EPERMD" --config="$CONF" --no-socket -- true
	else
		run "$EPERMD" --check-config --config="$CONF"
	fi
	if [ "$RC" -eq 78 ] && grep -q 'no_such_key' "$SE" && grep -q ':2' "$SE"; then
		ok "config: unknown key -> exit 78 naming the key and line ($how)"
	else
		not_ok "config: unknown key ($how): exit $RC, want 78"
		diag "$(head -5 "$SE")"
	fi
done

printf 'format = json\n' >"$CONF"
chmod 0666 "$CONF"
run "$EPERMD" --check-config --config="$CONF"
if [ "$RC" -eq 78 ] && grep -qi 'writable' "$SE"; then
	ok "config: a file writable by others -> exit 78"
else
	not_ok "config: world-writable file: exit $RC, want 78"
	diag "$(head -5 "$SE")"
fi
chmod 0644 "$CONF"
chown 65534 "$CONF"
run "$EPERMD" --check-config --config="$CONF"
if [ "$RC" -eq 78 ]; then
	ok "config: a file owned by another user -> exit 78"
else
	not_ok "config: file owned by 65534: exit $RC, want 78"
	diag "$(head -5 "$SE")"
fi
chown 0 "$CONF"
ln -s "$CONF" "$T_TMP/link.conf"
run "$EPERMD" --check-config --config="$T_TMP/link.conf"
if [ "$RC" -eq 78 ]; then
	ok "config: a symlinked config file is refused (O_NOFOLLOW) -> exit 78"
else
	not_ok "config: symlinked file: exit $RC, want 78"
fi

# --- features ------------------------------------------------------------------------------
run "$EPERMD" --features
# a hook line is "... NAME active" or "... NAME inactive: why"
if [ "$RC" -eq 0 ] && grep -qi 'mode: *tracepoint-only' "$SO" &&
	grep -E '/sys_exit[[:space:]]' "$SO" | grep -qE '[[:space:]]active$'; then
	ok "cli: --features reports tracepoint-only mode with the sys_exit hook active"
else
	not_ok "cli: --features (exit $RC)"
	diag "$(head -20 "$SO" "$SE")"
fi
if grep -E 'cap_capable[[:space:]]' "$SO" | grep -qE '[[:space:]]active$'; then
	ok "cli: --features reports the capability:cap_capable tracepoint active"
else
	not_ok "cli: --features does not show cap_capable active"
fi

# --- one-command mode ----------------------------------------------------------------------
ep_run exit7 --fold-window=0 -- sh -c 'exit 7'
if [ "$RC" -eq 7 ]; then
	ok "one-command: epermd exits with the command's status (7)"
else
	not_ok "one-command: exit status $RC, want 7"
	dump_run
fi
ep_run noexist --fold-window=0 -- /nonexistent/command
if [ "$RC" -eq 127 ] || [ "$RC" -eq 126 ]; then
	ok "one-command: a command that cannot run gives $RC like a shell"
else
	not_ok "one-command: missing command: exit $RC, want 127"
fi

# A descendant's denial is reported; a denial by an unrelated process at the same time is not.
(
	i=0
	while [ $i -lt 40 ]; do
		$NOBODY "$TRIG" --quiet setuid 0 || true
		sleep 0.05
		i=$((i + 1))
	done
) &
bg=$!
ep_run scope --fold-window=0 -- sh -c "sleep 0.5; $NOBODY $TRIG kill 1; sleep 0.5; true"
wait $bg || true
nk=$(jcount "$OUT" '.syscall == "kill" and (.capability | capn) == "KILL"')
ns=$(jcount "$OUT" '.syscall == "setuid"')
if [ "$RC" -eq 0 ] && [ "$nk" -eq 1 ] && [ "$ns" -eq 0 ]; then
	ok "one-command: reports the grandchild's denial and none of another process"
else
	not_ok "one-command: exit $RC, kill records $nk (want 1), foreign setuid records $ns (want 0)"
	dump_run
fi
st=$(stats_of "$OUT")
if [ -n "$st" ] && [ -n "$(stat_field "$st" attempted)" ] && [ -n "$(stat_field "$st" delivered)" ]; then
	ok "one-command: ends with a stats record"
else
	not_ok "one-command: no final stats record"
fi

# --- one-command mode is strace-like: stdout is the command's, the report on stderr ---------
# PATH without /root/...: the shell's lookups there would be denials of their own
SPATH=/usr/sbin:/usr/bin:/sbin:/bin
printf 'a\000b\nend' >"$T_TMP/want"
# dac_on FILE: FILE holds a text record of cat's EACCES on /etc/shadow, cause dac next line
dac_on() {
	awk '/ EACCES openat cat\[[0-9]+\] uid=65534 path=.\/etc\/shadow./ { hit = NR }
		hit && NR == hit + 1 && /^  cause: dac / { ok = 1 }
		END { exit !ok }' "$1"
}
run env PATH=$SPATH "$EPERMD" --config=none -- $NOBODY sh -c \
	'printf "a\000b\n"; cat /etc/shadow; printf end'
if [ "$RC" -eq 0 ] && cmp -s "$T_TMP/want" "$SO" && dac_on "$SE"; then
	ok "one-command: stdout is the command's bytes (with a NUL), the dac diagnosis of" \
		"/etc/shadow is on stderr"
else
	not_ok "one-command: stdout/stderr split (exit $RC)"
	diag "stdout: $(od -c "$SO" | head -3)" "$(head -c 1500 "$SE")"
fi
run env PATH=$SPATH "$EPERMD" --config=none --format=json -- $NOBODY sh -c \
	'printf "a\000b\n"; cat /etc/shadow; printf end'
nj=$(jq -R 'fromjson? | select(.type == "denial" and .syscall == "openat" and
	.path == "/etc/shadow" and .cause == "dac" and .comm == "cat")' "$SE" 2>/dev/null |
	jq -s length)
if [ "$RC" -eq 0 ] && cmp -s "$T_TMP/want" "$SO" && [ "$nj" -eq 1 ]; then
	ok "one-command: --format=json: stdout is the command's bytes, the record on stderr"
else
	not_ok "one-command: --format=json: exit $RC, $nj /etc/shadow records on stderr (want 1)"
	diag "stdout: $(od -c "$SO" | head -3)" "$(head -c 1500 "$SE")"
fi

# a pipe sees only the command's lines; the denial of /root is diagnosed on stderr
n=$(env PATH=$SPATH "$EPERMD" --config=none -- $NOBODY sh -c 'ls /root; echo x1; echo x2' \
	2>"$T_TMP/pipe.err" </dev/null | grep -c x) || true
if [ "$n" = 2 ] && grep -q " EACCES openat ls\[[0-9]*\] uid=65534 path='/root'" "$T_TMP/pipe.err" &&
	grep -q '^  cause: dac ' "$T_TMP/pipe.err"; then
	ok "one-command: 'epermd -- CMD | grep -c x' counts the command's 2 lines; the report is on stderr"
else
	not_ok "one-command: pipe: grep -c x gave '$n', want 2"
	diag "$(head -c 1500 "$T_TMP/pipe.err")"
fi

# the start line: only with -v
run "$EPERMD" --config=none -- true
a=$(grep -c 'epermd [0-9.]* started: mode=' "$SE") || true
run "$EPERMD" --config=none -v -- true
b=$(grep -c 'epermd [0-9.]* started: mode=' "$SE") || true
if [ "$a" -eq 0 ] && [ "$b" -eq 1 ] && [ ! -s "$SO" ]; then
	ok "one-command: no start line without -v, one with -v (on stderr, stdout empty)"
else
	not_ok "one-command: start lines without -v: $a (want 0), with -v: $b (want 1)"
	diag "$(head -c 600 "$SE")"
fi

# -o FILE: the report in FILE; stderr keeps only the command's message and the counters
run env PATH=$SPATH "$EPERMD" --config=none -o "$T_TMP/o.txt" -- $NOBODY cat /etc/shadow
if [ "$RC" -eq 1 ] && dac_on "$T_TMP/o.txt" && [ ! -s "$SO" ] &&
	grep -q '^cat: /etc/shadow: Permission denied' "$SE" &&
	! grep -q -e 'EACCES' -e '^  cause:' -e 'ALARM' "$SE"; then
	ok "one-command: -o FILE gets the diagnosis, stderr and stdout stay clean of it"
else
	not_ok "one-command: -o FILE (exit $RC, want cat's 1)"
	diag "file: $(head -c 800 "$T_TMP/o.txt")" "stderr: $(head -c 800 "$SE")"
fi

# --- -p PID: a running process, its existing and its new children, until it exits ----------
# wait_started FILE: until epermd -v wrote its start line to FILE (it is attached), 30 s at most
wait_started() { ep_wait_started "$1" 30; }
PD="$T_TMP/p"
mkdir "$PD"
chown 65534 "$PD"
# As 65534: the target has a child (old) before epermd attaches; both wait for $PD/go, which
# is written once epermd is attached. Then old does kill(1, 0), the target opens /etc/shadow
# itself (with true, not ':': a failed redirection of a special built-in ends sh) and forks
# a child (new) that does too. Each child writes its pid first.
printf '%s\n' \
	"sh -c 'echo \$\$ >$PD/old.pid; until [ -e $PD/go ]; do sleep 0.05; done;
		exec $TRIG --quiet kill 1' &" \
	"until [ -e $PD/go ]; do sleep 0.05; done" \
	"true </etc/shadow" \
	"sh -c 'echo \$\$ >$PD/new.pid; exec cat /etc/shadow'" \
	"wait" \
	"sleep 0.3" >"$PD/target.sh"
env PATH=$SPATH $NOBODY sh "$PD/target.sh" 2>/dev/null &
tpid=$!
timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config=none --format=json -v -p "$tpid" \
	-o "$T_TMP/p.json" >"$T_TMP/p.so" 2>"$T_TMP/p.se" </dev/null &
epid=$!
wait_started "$T_TMP/p.json"
touch "$PD/go"
wait "$tpid" || true
t_exit=$(date +%s)
prc=0
wait "$epid" || prc=$?
lag=$(($(date +%s) - t_exit))
old=$(cat "$PD/old.pid" 2>/dev/null || echo 0)
new=$(cat "$PD/new.pid" 2>/dev/null || echo 0)
# "pid|syscall|cause|path" of each denial
recs=$(jq -r 'select(.type == "denial") | "\(.pid)|\(.syscall)|\(.cause)|\(.path // "-")"' \
	"$T_TMP/p.json" 2>/dev/null | sort -u | tr '\n' ' ')
has() {
	case " $recs" in *" $1 "*) return 0 ;; esac
	return 1
}
if [ "$prc" -eq 0 ] && [ "$lag" -le 5 ] && has "$tpid|openat|dac|/etc/shadow" &&
	has "$old|kill|capability|-" && has "$new|openat|dac|/etc/shadow"; then
	ok "-p: the target ($tpid), its existing child ($old) and a new one ($new) are reported;" \
		"epermd exits 0 by itself ${lag} s after the target"
else
	not_ok "-p: exit $prc, ${lag} s after the target; records: $recs" \
		"(want $tpid openat, $old kill, $new openat)"
	diag "$(head -c 1500 "$T_TMP/p.se")"
fi
if [ ! -s "$T_TMP/p.so" ]; then
	ok "-p: nothing on stdout"
else
	not_ok "-p: epermd wrote to stdout"
fi

run "$EPERMD" --config=none -p 999999999
if [ "$RC" -eq 1 ] && grep -q -- '-p 999999999: no such process' "$SE" && [ ! -s "$SO" ]; then
	ok "-p: a pid that does not exist -> exit 1: $(head -n1 "$SE")"
else
	not_ok "-p: nonexistent pid: exit $RC, want 1"
	diag "$(head -5 "$SE")"
fi
run "$EPERMD" --config=none --pid=12x
if [ "$RC" -eq 64 ] && grep -q "12x" "$SE"; then
	ok "-p: a bad pid is a usage error (64)"
else
	not_ok "--pid=12x: exit $RC, want 64"
fi

# two -p: epermd runs until both have exited
sleep 60 &
s1=$!
sleep 60 &
s2=$!
"$EPERMD" --config=none --format=json -v -p "$s1" --pid="$s2" -o "$T_TMP/two.json" \
	>/dev/null 2>"$T_TMP/two.se" </dev/null &
epid=$!
wait_started "$T_TMP/two.json"
kill "$s1"
wait "$s1" 2>/dev/null || true
sleep 1
kill -0 "$epid" 2>/dev/null && alive=yes || alive=no
kill "$s2"
wait "$s2" 2>/dev/null || true
trc=0
timeout 10 sh -c "while kill -0 $epid 2>/dev/null; do sleep 0.1; done" || trc=$?
wait "$epid" || trc=$?
if [ "$alive" = yes ] && [ "$trc" -eq 0 ]; then
	ok "-p twice: still tracing after the first exits, exit 0 after the second"
else
	not_ok "-p twice: running after the first exited: $alive; exit $trc after the second"
	diag "$(tail -5 "$T_TMP/two.se")"
	kill "$epid" 2>/dev/null || true
fi

# SIGINT: a clean stop with the summary; the target runs on
sleep 60 &
spid=$!
"$EPERMD" --config=none --format=json -v -p "$spid" -o "$T_TMP/int.json" \
	>"$T_TMP/int.so" 2>"$T_TMP/int.se" </dev/null &
epid=$!
wait_started "$T_TMP/int.json"
kill -INT "$epid" 2>/dev/null || true
irc=0
wait "$epid" || irc=$?
st=$(stats_of "$T_TMP/int.json")
if [ "$irc" -eq 0 ] && grep -q 'final counters attempted=' "$T_TMP/int.se" &&
	[ -n "$(stat_field "$st" attempted)" ] && kill -0 "$spid" 2>/dev/null; then
	ok "-p: SIGINT -> exit 0 with the final counters; the target still runs"
else
	not_ok "-p: SIGINT: exit $irc, stats '$st'"
	diag "$(tail -5 "$T_TMP/int.se")"
fi
kill "$spid" 2>/dev/null || true
wait "$spid" 2>/dev/null || true

# --- daemon mode: SIGTERM ------------------------------------------------------------------
D="$T_TMP/daemon.json"
"$EPERMD" --format=json --no-socket --fold-window=0 --output="$D" >"$T_TMP/d.out" 2>&1 &
dpid=$!
# wait until it reports denials (it is attached), at most 30 s
i=0
while [ $i -lt 60 ]; do
	$NOBODY "$TRIG" --quiet kill 1 || true
	if grep -q '"syscall":"kill"' "$D" 2>/dev/null; then
		break
	fi
	sleep 0.5
	i=$((i + 1))
done
if grep -q '"syscall":"kill"' "$D" 2>/dev/null; then
	ok "daemon: reports a denial of another process within $((i / 2)) s of start"
else
	not_ok "daemon: no kill denial recorded after 30 s"
	diag "$(head -20 "$T_TMP/d.out")"
fi
kill -TERM "$dpid" 2>/dev/null || true
rc=0
i=0
while kill -0 "$dpid" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
if kill -0 "$dpid" 2>/dev/null; then
	not_ok "daemon: still running 20 s after SIGTERM"
	kill -KILL "$dpid" 2>/dev/null || true
fi
wait "$dpid" || rc=$?
st=$(stats_of "$D")
if [ "$rc" -eq 0 ] && [ -n "$st" ] && [ -n "$(stat_field "$st" attempted)" ]; then
	ok "daemon: SIGTERM -> exit 0 with a final counters record"
else
	not_ok "daemon: SIGTERM: exit $rc, final stats '$st'"
	diag "$(tail -5 "$T_TMP/d.out")"
fi

t_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The command line: help, bad options, bad values, config validation (exit 78), --features,
# one-command mode (exit status, scope), and a clean SIGTERM in daemon mode.
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

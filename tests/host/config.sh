#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# epermd.conf(5) on real files and a real daemon:
#   - --check-config: "PATH: ok", and exit 78 with "file:line" for unsafe ownership, a symlink,
#     a group/world-writable file, an unknown key, a bad ignore rule, too many rules;
#   - ignore rules on real denials (uid 65534): the matching one is not reported but counted
#     as ignored, the other one is reported; a rule is an AND of its conditions;
#   - rate_limit: a storm of 50 denials, records held back are counted and announced;
#   - sinks = journal,json: the same denial in the JSON file and on a journal socket;
#   - SIGHUP: a broken file is refused with an ERR record naming file:line and the old rules
#     keep applying; a fixed file with a new rule applies at once; a changed ring_size is
#     named as needing a restart.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root config
need_epermd config
mount_tracefs
t_tmpdir

DPID=""
c_cleanup() {
	if [ -n "$DPID" ]; then
		kill "$DPID" 2>/dev/null || true
		wait "$DPID" 2>/dev/null || true
	fi
	[ -n "${LPID:-}" ] && kill "$LPID" 2>/dev/null || true
	t_cleanup
}
trap c_cleanup EXIT

# run CMD...: sets RC, and SO/SE to files with stdout/stderr
run() {
	SO="$T_TMP/so"
	SE="$T_TMP/se"
	RC=0
	timeout -k 5 "$EP_TIMEOUT" "$@" >"$SO" 2>"$SE" </dev/null || RC=$?
}

# conf FILE LINES...: a root-owned 0644 config file with one line per argument
conf() {
	f=$1
	shift
	rm -f "$f"
	printf '%s\n' "$@" >"$f"
	chown 0:0 "$f"
	chmod 0644 "$f"
}

# check_fails NAME WANT_TEXT: --check-config on $CONF exits 78 and stderr holds WANT_TEXT
check_fails() {
	run "$EPERMD" --check-config --config="$CONF"
	if [ "$RC" -eq 78 ] && grep -qF -- "$2" "$SE"; then
		ok "config: $1 -> exit 78: $(head -c 160 "$SE")"
	else
		not_ok "config: $1: exit $RC, want 78 with '$2'"
		diag "$(head -5 "$SO" "$SE")"
	fi
}

# --- --check-config on real files ------------------------------------------------------------
CONF="$T_TMP/epermd.conf"
conf "$CONF" "# test" "sinks = journal, json" "rate_limit = 100" "rate_burst = 200" \
	"ignore = exe:/usr/bin/ping cause:capability" "ignore = uid:1000" \
	"ignore = cgroup:/system.slice/foo.service" "ignore = container:0123abc" \
	"ignore = comm:cron*" "fold_window = 30" "summary_interval = 5"
run "$EPERMD" --check-config --config="$CONF"
if [ "$RC" -eq 0 ] && [ "$(cat "$SO")" = "$CONF: ok" ]; then
	ok "config: a valid file with every new key -> '$CONF: ok', exit 0"
else
	not_ok "config: valid file: exit $RC, stdout '$(cat "$SO")'"
	diag "$(head -5 "$SE")"
fi

chown 65534 "$CONF"
check_fails "a file owned by uid 65534" "owned by uid 65534, must be owned by root"
chown 0 "$CONF"
chmod g+w "$CONF"
check_fails "a group-writable file (g+w)" "writable by group or others (mode 0664)"
chmod g-w,o+w "$CONF"
check_fails "a world-writable file (o+w)" "writable by group or others (mode 0646)"
chmod 0644 "$CONF"
ln -s "$CONF" "$T_TMP/link.conf"
CONF="$T_TMP/link.conf" check_fails "a symbolic link" "is a symbolic link (refused)"
mkdir "$T_TMP/dir.conf"
CONF="$T_TMP/dir.conf" check_fails "a directory" "not a regular file"

conf "$CONF" "# a comment" "" "rate_limit = 10" "rate_limits = 10"
check_fails "an unknown key on line 4" "$CONF:4: unknown key 'rate_limits'"
conf "$CONF" "ignore = uid:1000" "ignore = cause:nosuchcause"
check_fails "an unknown cause on line 2" "$CONF:2: ignore: cause:nosuchcause: unknown cause"
conf "$CONF" "ignore = exe:relative cause:dac"
check_fails "a relative exe path" "$CONF:1: ignore: exe:relative: must be an absolute path"
conf "$CONF" "ignore = pid:1"
check_fails "an unknown condition" "$CONF:1: ignore: unknown condition 'pid'"
conf "$CONF" "rate_limit = fast"
check_fails "a non-numeric rate_limit" "$CONF:1: rate_limit: 'fast' is not a number in 0..1000000"
conf "$CONF" "sinks = journal,syslog"
check_fails "an unknown sink" "$CONF:1: sinks: unknown sink 'syslog'"
conf "$CONF" "sinks = json text"
check_fails "json and text together" "$CONF:1: sinks: json and text would both write to 'output'"
i=0
: >"$CONF"
while [ $i -lt 65 ]; do
	i=$((i + 1))
	echo "ignore = uid:$((2000 + i))" >>"$CONF"
done
check_fails "65 ignore rules" "$CONF:65: ignore: too many ignore rules (at most 64)"

# the default file: whatever this host has, --check-config names it
run "$EPERMD" --check-config
if { [ "$RC" -eq 0 ] || [ "$RC" -eq 78 ]; } && grep -q '/etc/epermd/epermd.conf' "$SO" "$SE"; then
	ok "config: --check-config without --config checks /etc/epermd/epermd.conf (exit $RC)"
else
	not_ok "config: --check-config without --config: exit $RC"
	diag "$(head -5 "$SO" "$SE")"
fi
run "$EPERMD" --check-config --config=none
if [ "$RC" -eq 0 ]; then
	ok "config: --config=none needs no file"
else
	not_ok "config: --config=none: exit $RC"
fi

# the shipped file with every commented example switched on (socket_group needs the group
# that sysusers.d creates: without it here, that line is left out)
sed -E 's/^#(sinks|output|rate_|fold_|summary_|ignore|ring_|queue_|tracepoint_|audit_|socket |metrics_|state_dir)/\1/' \
	"$TOP/systemd/epermd.conf" >"$T_TMP/shipped.conf"
getent group epermd >/dev/null || sed -i '/^socket_group/d' "$T_TMP/shipped.conf"
chmod 0644 "$T_TMP/shipped.conf"
n=$(grep -c '^ignore = ' "$T_TMP/shipped.conf")
run "$EPERMD" --check-config --config="$T_TMP/shipped.conf"
if [ "$RC" -eq 0 ] && [ "$n" -ge 5 ] && grep -q '^output = ' "$T_TMP/shipped.conf"; then
	ok "config: systemd/epermd.conf with all examples enabled ($n ignore rules) passes"
else
	not_ok "config: systemd/epermd.conf with all examples enabled: exit $RC"
	diag "$(head -5 "$SE")"
fi

# --- ignore rules on real denials --------------------------------------------------------------
SECRET="$T_TMP/secret"
echo secret >"$SECRET"
chmod 0600 "$SECRET"
export SECRET
# two denials as uid 65534: kill(1, 0) (capability) and open of a 0600 root file (dac)
TWO="$NOBODY sh -c '$TRIG kill 1; $TRIG open-read $SECRET; true'"

# control: no rules, both are reported
conf "$CONF" "fold_window = 0"
ep_run ctl --config="$CONF" -- sh -c "$TWO"
NCAP=$(jcount "$OUT" '.uid == 65534 and .cause == "capability"')
NDAC=$(jcount "$OUT" '.path == $ENV.SECRET and .cause == "dac"')
if [ "$NCAP" -ge 1 ] && [ "$NDAC" -eq 1 ]; then
	ok "config: control run without rules reports the kill ($NCAP) and the open ($NDAC)"
else
	not_ok "config: control run: $NCAP capability and $NDAC dac denials"
	dump_run
fi

# uid 65534 AND capability matches the kill; exe:/nonexistent AND dac matches nothing
conf "$CONF" "fold_window = 0" "ignore = uid:65534 cause:capability" \
	"ignore = exe:/nonexistent/bin/x cause:dac"
ep_run ign --config="$CONF" -- sh -c "$TWO"
st=$(stats_of "$OUT")
ign=$(stat_field "$st" ignored)
if [ "$(jcount "$OUT" '.cause == "capability"')" -eq 0 ] &&
	[ "$(jcount "$OUT" '.path == $ENV.SECRET and .cause == "dac"')" -eq 1 ] &&
	[ "${ign:-x}" = "$NCAP" ] && grep -q "ignored=$NCAP " "$COUT"; then
	ok "config: ignore = uid:65534 cause:capability hides the kill, counted (ignored=$ign)," \
		"the dac denial is still reported"
else
	not_ok "config: ignore rule: ignored=${ign:-none} (want $NCAP)"
	dump_run
	diag "$(grep 'final counters' "$COUT")"
fi

# --- rate limit --------------------------------------------------------------------------------
conf "$CONF" "fold_window = 0" "rate_limit = 2" "rate_burst = 3"
ep_run rate --config="$CONF" -- $NOBODY "$TRIG" storm 50
st=$(stats_of "$OUT")
rl=$(stat_field "$st" rate_limited)
dl=$(stat_field "$st" delivered)
nd=$(jcount "$OUT" 'true')
msg=$(jq -r 'select(.type == "alarm" and .priority == 4) | .message' "$OUT" |
	grep 'held back by rate_limit' | head -n 1)
if [ -n "$rl" ] && [ "$rl" -ge 40 ] && [ $((nd + rl)) -eq "${dl:-0}" ] && [ -n "$msg" ]; then
	ok "config: rate_limit = 2, burst 3: $nd of $dl written, $rl held back and announced:" \
		"$msg"
else
	not_ok "config: rate_limit: written $nd, rate_limited ${rl:-none}, delivered ${dl:-none}"
	dump_run
fi

# --- two sinks at once ---------------------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
	JS="$T_TMP/journal.sock"
	cat >"$T_TMP/jlisten.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "ab", buffering=0)
while True:
    data, anc, flags, addr = s.recvmsg(1 << 20, 4096)
    out.write(data.replace(b"\n", b"\x1f") + b"\n")
EOF
	python3 "$T_TMP/jlisten.py" "$JS" "$T_TMP/journal.rec" &
	LPID=$!
	i=0
	while [ ! -S "$JS" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	conf "$CONF" "fold_window = 0" "sinks = journal,json"
	OUT="$T_TMP/multi.json"
	RC=0
	EPERMD_JOURNAL_SOCKET="$JS" timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config="$CONF" \
		--no-socket --output="$OUT" -- $NOBODY "$TRIG" open-read "$SECRET" \
		>"$T_TMP/multi.out" 2>&1 </dev/null || RC=$?
	sleep 0.5
	nj=$(grep -c "EPERM_CAUSE=dac.*EPERM_PATH=$SECRET" "$T_TMP/journal.rec" 2>/dev/null || true)
	if [ "$RC" -eq 13 ] && [ "$(jcount "$OUT" '.path == $ENV.SECRET and .cause == "dac"')" -eq 1 ] &&
		[ "${nj:-0}" -eq 1 ]; then
		ok "config: sinks = journal,json: the denial is in the JSON file and on the journal socket"
	else
		not_ok "config: sinks = journal,json: rc $RC, journal records ${nj:-0}"
		diag "$(head -c 1500 "$T_TMP/multi.out")" "$(head -c 600 "$T_TMP/journal.rec" 2>/dev/null)"
	fi
	kill "$LPID" 2>/dev/null || true
	wait "$LPID" 2>/dev/null || true
	LPID=""
else
	skip "config: sinks = journal,json (python3 missing)"
fi

# --- SIGHUP: a running daemon ----------------------------------------------------------------
# The daemon sees the whole host: our denials come from a copy of eptrigger with its own comm.
COMM="epcfg$$"
COMM=$(printf '%.15s' "$COMM")
cp "$TRIG" "$T_TMP/$COMM"
chmod 0755 "$T_TMP/$COMM"
ME="$T_TMP/$COMM"
export COMM
D="$T_TMP/daemon.json"
conf "$CONF" "fold_window = 0" "ignore = comm:$COMM cause:capability"
"$EPERMD" --config="$CONF" --format=json --output="$D" --no-socket >"$T_TMP/daemon.log" 2>&1 \
	</dev/null &
DPID=$!

# wait_for EXPR [SECONDS]: a record of $D for which the jq EXPR holds appears
wait_for() {
	i=0
	while [ $i -lt $((${2:-20} * 10)) ]; do
		if [ "$(jq -s "map(select($1)) | length" "$D" 2>/dev/null || echo 0)" -gt 0 ]; then
			return 0
		fi
		kill -0 "$DPID" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# one_round TAG: kill(1) then an open of a per-round 0600 file, both as uid 65534 under $COMM;
# waits for the open (dac) to be reported, so that the kill before it has been decided too.
# Sets R_CAP (capability denials of $COMM so far) and R_DAC (records of this round's open).
one_round() {
	f="$T_TMP/secret-$1"
	echo x >"$f"
	chmod 0600 "$f"
	$NOBODY "$ME" --quiet kill 1 >/dev/null 2>&1 || true
	$NOBODY "$ME" --quiet open-read "$f" >/dev/null 2>&1 || true
	wait_for ".type == \"denial\" and .path == \"$f\"" 20 || true
	R_CAP=$(jcount "$D" '.comm == $ENV.COMM and .cause == "capability"')
	R_DAC=$(jcount "$D" ".path == \"$f\"")
}

if ! wait_for '.type == "alarm" and (.message | test("started"))' 30; then
	not_ok "config: the daemon did not start"
	diag "$(head -20 "$T_TMP/daemon.log")"
	exit 1
fi
one_round r1
if [ "$R_CAP" -eq 0 ] && [ "$R_DAC" -eq 1 ]; then
	ok "config: daemon: the capability denial of $COMM is ignored, its dac denial reported"
else
	not_ok "config: daemon before reload: capability $R_CAP (want 0), dac $R_DAC (want 1)"
fi

# break the file: line 3 is bad
conf "$CONF" "fold_window = 0" "ignore = comm:$COMM cause:capability" "ignore = bogus:1"
kill -HUP "$DPID"
if wait_for '.type == "alarm" and .priority == 3 and
	(.message | test("configuration reload failed: .*:3: ignore: unknown condition .bogus.*keeping the running configuration"))' 10 &&
	kill -0 "$DPID" 2>/dev/null; then
	ok "config: SIGHUP with a broken file: ERR '$(jq -r 'select(.type == "alarm" and
		.priority == 3) | .message' "$D" | head -n 1)', still running"
else
	not_ok "config: SIGHUP with a broken file: no ERR record, or the daemon died"
	diag "$(tail -5 "$D")" "$(tail -5 "$T_TMP/daemon.log")"
fi
one_round r2
if [ "$R_CAP" -eq 0 ] && [ "$R_DAC" -eq 1 ]; then
	ok "config: after the refused reload the old rule still applies"
else
	not_ok "config: after the refused reload: capability $R_CAP (want 0), dac $R_DAC (want 1)"
fi

# fix it with a different rule: now the dac denials are ignored, the kill is reported; a
# changed ring_size is named as needing a restart
conf "$CONF" "fold_window = 0" "ignore = comm:$COMM cause:dac" "ring_size = 1M"
kill -HUP "$DPID"
if wait_for '.type == "alarm" and .priority == 5 and (.message | test("configuration reloaded"))' 10; then
	ok "config: SIGHUP with a good file: NOTICE '$(jq -r 'select(.type == "alarm" and
		.priority == 5) | .message' "$D" | head -n 1)'"
else
	not_ok "config: SIGHUP with a good file: no NOTICE record"
	diag "$(tail -5 "$D")"
fi
if jq -r 'select(.type == "alarm" and .priority == 4) | .message' "$D" |
	grep -q 'ring_size changed but needs a restart'; then
	ok "config: the reload names ring_size as needing a restart"
else
	not_ok "config: no warning naming ring_size"
fi
$NOBODY "$ME" --quiet open-read "$T_TMP/secret-r1" >/dev/null 2>&1 || true
$NOBODY "$ME" --quiet kill 1 >/dev/null 2>&1 || true
wait_for '.type == "denial" and .comm == $ENV.COMM and .cause == "capability"' 20 || true
ncap=$(jcount "$D" '.comm == $ENV.COMM and .cause == "capability"')
ndac=$(jcount "$D" ".path == \"$T_TMP/secret-r1\"")
if [ "$ncap" -eq 1 ] && [ "$ndac" -eq 1 ]; then
	ok "config: after the good reload the new rule applies (kill reported, open ignored)"
else
	not_ok "config: after the good reload: capability $ncap (want 1), dac of r1 $ndac (want 1)"
fi

kill "$DPID"
wait "$DPID" 2>/dev/null || true
DPID=""
# ignored: 2 kills before the good reload + 1 open after it, all ours (comm rules)
fin=$(grep 'final counters' "$T_TMP/daemon.log" || true)
case "$fin" in
*" ignored=3 "*) ok "config: daemon final counters: ignored=3 (2 kills, 1 open)" ;;
*)
	not_ok "config: daemon final counters: want ignored=3"
	diag "$fin"
	;;
esac

t_done

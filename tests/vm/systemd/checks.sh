#!/bin/sh
# In-guest operator checks of the installed epermd package, with systemd as PID 1.
# Run by epermd-e2e.service (after multi-user.target) in the image tests/vm/systemd/e2e.sh
# builds. Prints one "ok - systemd:NAME" / "not ok - systemd:NAME # why" line per check
# (e2e.sh prefixes "vm:<suite>:") and "# ..." notes, between =====EPERMD-VM-BEGIN and
# =====EPERMD-VM-END rc=N on the second serial port, then the journal, then powers off.
# Expects: the package installed with dpkg, metrics_file/metrics_interval set in
# /etc/epermd/epermd.conf by e2e.sh ($METRICS below), jq, setpriv, chattr.
set -u
export SYSTEMD_COLORS=0 SYSTEMD_URLIFY=0 SYSTEMD_PAGER='' SYSTEMD_LESS=''
out=/dev/ttyS1
stty -F "$out" raw -echo 2>/dev/null || true
exec >"$out" 2>&1
echo "=====EPERMD-VM-BEGIN"

METRICS=/var/lib/prometheus/node-exporter/epermd.prom
CONF=/etc/epermd/epermd.conf
# daemon/lib/msgids.h
ID_START=c84f7c9199be4e9fafaef5c8d07bc7a8
ID_STATS=5ed47ecbfc3a4830bd8ff939fe2fe7f7
ID_STOP=78d6030a9adc4326b30d71c8af3bbe89
ID_GAP=80c66ed3a7ef4543bb5bda69f6054826
ID_DAC=55861ab55223468883022d2d66cd5283
ID_IMM=050ec4acf8394906a8e3e578f023e14f
ID_CAP=d00f3c5e3cc0408e9b76be6933286664
ID_LOSS=cef1425855f942cea43e79c310afad00
ID_SUPPRESSED=a596d6fe7bfa4994828e72309e95d61e # journald's own
fail=0
T0=$(cut -d' ' -f1 /proc/uptime)

ok() { echo "ok - systemd:$1"; }
nok() {
	echo "not ok - systemd:$1 # $2"
	fail=1
}
note() { echo "# $*"; }
prop() { systemctl show -p "$1" --value epermd.service; }
jn() { journalctl --no-pager -q "$@"; }
# wait_for SECONDS CMD...: poll CMD every second
wait_for() {
	w=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		w=$((w - 1))
		[ "$w" -gt 0 ] || return 1
		sleep 1
	done
}
is_running() { [ "$(prop ActiveState)" = active ] && [ "$(prop SubState)" = running ]; }
settled() {
	s=$(prop ActiveState)
	[ "$s" = active ] || [ "$s" = failed ] || [ "$s" = inactive ]
}
# json_match SINCE_EPOCH MESSAGE_ID JQ_FILTER: one epermd journal record matching the filter
json_match() {
	jn -u epermd.service --since "@$1" MESSAGE_ID="$2" -o json | jq -c "select($3)" | head -n1
}
now() { date +%s; }

# the end: results, then the journals, then power off
finish() {
	T1=$(cut -d' ' -f1 /proc/uptime)
	note "guest: boot to checks ${T0}s, checks took $(awk "BEGIN{print $T1 - $T0}")s"
	echo "=====EPERMD-VM-END rc=$fail"
	echo "=====JOURNAL epermd.service"
	jn -b -u epermd.service -o short-monotonic
	echo "=====JOURNAL boot (warnings and worse)"
	jn -b -p warning -o short-monotonic
	systemctl --no-block poweroff
}

# ---- 1. enabled by the package and started at boot: READY only after the programs attach
en=$(systemctl is-enabled epermd.service 2>&1)
if [ "$en" = enabled ]; then ok "enabled-by-package"; else nok "enabled-by-package" "is-enabled: $en"; fi
wait_for 240 settled || true
if ! is_running; then
	note "epermd not running at boot ($(prop ActiveState)/$(prop SubState)); systemctl start epermd"
	systemctl start epermd.service 2>&1 | sed 's/^/#   /'
fi
if is_running; then
	ok "active"
else
	nok "active" "state $(prop ActiveState)/$(prop SubState) result $(prop Result)"
	jn -u epermd.service -n 30 | sed 's/^/#   /'
fi
note "StatusText=$(prop StatusText) MainPID=$(prop MainPID) ExecMainStartTimestamp=$(prop ExecMainStartTimestamp)"
# E2E_ONLY=units (e2e.sh): only the unit-directive checks, while iterating on them
if [ "$(cat "$(dirname "$0")/only" 2>/dev/null)" = units ]; then
	. "$(dirname "$0")/units.sh"
	finish
	exit 0
fi
inv=$(prop InvocationID)
active_us=$(prop ActiveEnterTimestampMonotonic)
start_us=$(jn -u epermd.service _SYSTEMD_INVOCATION_ID="$inv" MESSAGE_ID=$ID_START -o json |
	jq -r '.__MONOTONIC_TIMESTAMP' | head -n1)
start_msg=$(jn -u epermd.service _SYSTEMD_INVOCATION_ID="$inv" MESSAGE_ID=$ID_START -o cat | head -n1)
note "start record: $start_msg"
# kernel 6.1 runs full mode (fexit + BPF LSM) in the VM matrix: so must the hardened unit
if echo "$start_msg" | grep -q 'mode=full'; then
	ok "full-mode-under-unit"
else
	nok "full-mode-under-unit" "the unit runs $(echo "$start_msg" | grep -o 'mode=[a-z-]*')"
	note "as root outside the unit: $(epermd --features 2>&1 | grep -m1 '^mode:')"
	# the same sandbox: a copy of the installed unit running --features
	sed -e 's|^ExecStart=.*|ExecStart=/usr/sbin/epermd --features|' -e 's|^Type=.*|Type=oneshot|' \
		-e '/^ExecStartPre=/d' -e '/^WatchdogSec=/d' -e '/^Restart=/d' \
		"$(systemctl show -p FragmentPath --value epermd.service)" >/run/systemd/system/epermd-features.service
	systemctl daemon-reload
	systemctl start epermd-features.service
	note "epermd --features inside the unit's sandbox (inactive hooks and libbpf messages, counted):"
	jn -u epermd-features.service -o cat | grep -v ' active$' | sed 's/^hook *[^ ]* *//' |
		sort | uniq -c | sort -rn | head -n 8 | sed 's/^/#   /'
	rm -f /run/systemd/system/epermd-features.service
	systemctl daemon-reload
fi
# least privilege: after attach only what enrichment needs stays (docs/capabilities.md; on 6.1
# CAP_BPF goes too, the counter map still reads): cap_dac_read_search + cap_sys_ptrace
mp=$(prop MainPID)
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$mp/status" 2>/dev/null)
capbnd=$(awk '/^CapBnd:/ {print $2}' "/proc/$mp/status" 2>/dev/null)
if [ "$capeff" = 0000000000080004 ] && echo "$start_msg" | grep -q 'capabilities: cap_dac_read_search,cap_sys_ptrace'; then
	ok "capabilities-dropped-after-attach"
else
	nok "capabilities-dropped-after-attach" "CapEff=${capeff:-?} CapBnd=${capbnd:-?}; start record: $(echo "$start_msg" | grep -o 'capabilities: [^ ]*')"
fi
exec_us=$(prop ExecMainStartTimestampMonotonic)
if [ -z "$start_us" ]; then
	nok "ready-after-attach" "no start record (MESSAGE_ID=$ID_START) in invocation $inv"
elif [ "$active_us" -gt 0 ] && [ "$start_us" -le $((active_us + 500000)) ]; then
	ok "ready-after-attach"
	note "exec->attached(start record) $(((start_us - exec_us) / 1000)) ms, exec->READY $(((active_us - exec_us) / 1000)) ms"
else
	nok "ready-after-attach" "start record at ${start_us}us, unit active at ${active_us}us"
fi

# ---- 2. real denials -> journal records with EPERM_* fields and the cause's MESSAGE_ID
ts=$(now)
sleep 1
# /srv: visible to the daemon; /var/tmp: the unit has PrivateTmp=yes, the daemon's /var/tmp is
# another directory, yet operators' denials happen in /tmp and /var/tmp all the time
mkdir -p /srv/e2e
for f in /srv/e2e/secret /var/tmp/e2e-tmpsecret; do
	echo secret >"$f"
	chmod 0600 "$f"
done
echo data >/srv/e2e/immut
chattr +i /srv/e2e/immut
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
if $nobody cat /srv/e2e/secret >/dev/null 2>&1; then note "setup: nobody could read the 0600 file"; fi
if $nobody cat /var/tmp/e2e-tmpsecret >/dev/null 2>&1; then note "setup: nobody could read the 0600 file"; fi
if sh -c 'echo more >>/srv/e2e/immut' 2>/dev/null; then note "setup: the +i file was writable"; fi
if $nobody sh -c 'kill -0 1' 2>/dev/null; then note "setup: nobody could signal PID 1"; fi
den_wait=30
den_check() { # name msgid filter: the first check waits up to 30 s, later ones 5 s
	r=
	w=$den_wait
	den_wait=5
	while [ -z "$r" ] && [ "$w" -gt 0 ]; do
		r=$(json_match "$ts" "$2" "$3")
		[ -n "$r" ] || sleep 1
		w=$((w - 1))
	done
	if [ -n "$r" ]; then
		ok "$1"
		note "$(printf '%s\n' "$r" | jq -r '"\(.EPERM_CAUSE) \(.EPERM_SYSCALL) \(.EPERM_ERRNO) uid=\(.EPERM_UID) path=\(.EPERM_PATH // "") : \(.MESSAGE)"')"
	else
		nok "$1" "no MESSAGE_ID=$2 record matching $3 since @$ts"
		jn -u epermd.service --since "@$ts" -o cat | tail -n 8 | sed 's/^/#   /'
	fi
}
den_check "journal-dac" $ID_DAC '.EPERM_CAUSE == "dac" and .EPERM_UID == "65534" and .EPERM_ERRNO == "EACCES" and (.EPERM_PATH // "" | test("^/srv/e2e/secret$")) and .EPERM_SYSCALL != null and .EPERM_FIX != null'
den_check "journal-immutable" $ID_IMM '.EPERM_CAUSE == "immutable" and .EPERM_FLAG == "immutable" and .EPERM_ERRNO == "EPERM" and (.EPERM_PATH // "" | test("^/srv/e2e/immut$"))'
den_check "journal-dac-private-tmp" $ID_DAC '.EPERM_CAUSE == "dac" and (.EPERM_PATH // "" | test("^/var/tmp/e2e-tmpsecret$"))'
den_check "journal-capability" $ID_CAP '.EPERM_CAUSE == "capability" and .EPERM_CAPABILITY == "CAP_KILL" and .EPERM_SYSCALL == "kill" and .EPERM_UID == "65534"'

# ---- 3. the catalog: journalctl -x explains the record (journalctl --update-catalog ran)
if journalctl --list-catalog 2>/dev/null | grep -q "^$ID_DAC"; then
	ok "catalog-installed"
else
	nok "catalog-installed" "$ID_DAC not in journalctl --list-catalog (journalctl --update-catalog not run?)"
fi
x=$(jn -x -u epermd.service --since "@$ts" MESSAGE_ID=$ID_DAC)
if echo "$x" | grep -q 'Subject: File permissions deny .* access to /srv/e2e/secret'; then
	ok "journalctl-x"
	echo "$x" | grep -m3 -E 'Subject:|Defined-By:|Documentation:' | sed 's/^/#   /'
else
	nok "journalctl-x" "no catalog Subject in journalctl -x output"
	echo "$x" | head -n 5 | sed 's/^/#   /'
fi

# ---- 4. epermtop: a member of the epermd group may connect, another user may not
if getent group epermd >/dev/null; then
	ok "group-epermd"
else
	nok "group-epermd" "no system group epermd (sysusers)"
fi
useradd -M -N -s /usr/sbin/nologin -G epermd e2eop 2>&1 | sed 's/^/#   /'
rc=0
o=$(setpriv --reuid=e2eop --regid=users --init-groups epermtop --batch -n 1 2>&1) || rc=$?
if [ "$rc" -eq 0 ] && [ -n "$o" ]; then
	ok "epermtop-group-member"
	echo "$o" | head -n 6 | sed 's/^/#   /'
else
	nok "epermtop-group-member" "exit $rc: $(echo "$o" | head -n 3 | tr '\n' ' ')"
	# shellcheck disable=SC2012 # for the record
	ls -ld /run/epermd /run/epermd/* 2>&1 | sed 's/^/#   /'
fi
rc=0
o=$($nobody epermtop --batch -n 1 2>&1) || rc=$?
if [ "$rc" -ne 0 ]; then
	ok "epermtop-refused-for-others"
	note "nobody: exit $rc: $(echo "$o" | head -n 1)"
	# the refusal must name the group that really owns the socket's directory
	g=$(stat -c %G /run/epermd 2>/dev/null)
	if [ -n "$g" ] && [ "$g" != root ] && echo "$o" | grep -q "'$g'"; then
		ok "epermtop-refusal-names-group"
	else
		nok "epermtop-refusal-names-group" "/run/epermd is group ${g:-?}; epermtop said: $(echo "$o" | head -n 1)"
	fi
else
	nok "epermtop-refused-for-others" "uid 65534 connected: $(echo "$o" | head -n 1)"
fi

# ---- 5. the metrics file exists and is rewritten
if wait_for 20 test -s "$METRICS" && grep -q '^epermd_' "$METRICS"; then
	ok "metrics-file"
	note "$(grep -c '^epermd_' "$METRICS") samples, e.g. $(grep -m1 '^epermd_' "$METRICS")"
	m1=$(stat -c %Y "$METRICS")
	c1=$(md5sum <"$METRICS")
	sleep 5
	m2=$(stat -c %Y "$METRICS")
	c2=$(md5sum <"$METRICS")
	if [ "$m2" -gt "$m1" ] || [ "$c1" != "$c2" ]; then
		ok "metrics-updated"
	else
		nok "metrics-updated" "not rewritten within 5 s (metrics_interval = 2)"
	fi
else
	nok "metrics-file" "$METRICS missing or without epermd_ samples"
	nok "metrics-updated" "no metrics file"
	# shellcheck disable=SC2012 # for the record
	ls -la "$(dirname "$METRICS")" 2>&1 | sed 's/^/#   /'
fi

# ---- 6. a broken configuration + reload: keeps running on the old one, logs the error
pid=$(prop MainPID)
cp "$CONF" /run/e2e-conf.bak
echo 'no_such_key_e2e = 1' >>"$CONF"
ts=$(now)
sleep 1
rc=0
systemctl reload epermd.service >/run/e2e-reload.out 2>&1 || rc=$?
sleep 3
errs=$(jn -u epermd.service --since "@$ts" -p err -o cat)
if is_running && [ "$(prop MainPID)" = "$pid" ] && echo "$errs" | grep -qi 'no_such_key_e2e\|config'; then
	ok "reload-bad-config"
	note "reload exit $rc; logged: $(echo "$errs" | head -n 1)"
else
	nok "reload-bad-config" "reload exit $rc, state $(prop ActiveState)/$(prop SubState), pid $pid -> $(prop MainPID), errors: $(echo "$errs" | head -n 2 | tr '\n' ' ')"
fi
cp /run/e2e-conf.bak "$CONF"
ts=$(now)
sleep 1
rc=0
systemctl reload epermd.service 2>&1 | sed 's/^/#   /' || rc=$?
sleep 3
errs=$(jn -u epermd.service --since "@$ts" -p err -o cat)
if is_running && [ "$(prop MainPID)" = "$pid" ] && [ -z "$errs" ]; then
	ok "reload-restored-config"
else
	nok "reload-restored-config" "state $(prop ActiveState)/$(prop SubState), pid $pid -> $(prop MainPID), errors: $(echo "$errs" | head -n 2 | tr '\n' ' ')"
fi

# ---- 7. kill -9: systemd restarts it, the new instance reports the tracing gap
pid=$(prop MainPID)
nr=$(prop NRestarts)
ts=$(now)
sleep 1
tk=$(cut -d' ' -f1 /proc/uptime)
kill -9 "$pid"
# a new main process, running: MainPID reads 0 while systemd reaps the old one, and
# ActiveState may still say running just before it notices the death
newpid() {
	np=$(prop MainPID)
	[ "$np" != 0 ] && [ "$np" != "$pid" ] && is_running && [ "$(prop MainPID)" = "$np" ]
}
if wait_for 180 newpid && [ "$(prop NRestarts)" -ge $((nr + 1)) ]; then
	ok "restart-after-kill"
	note "restarted in $(awk "BEGIN{print $(cut -d' ' -f1 /proc/uptime) - $tk}") s (RestartSec + attach): pid $pid -> $(prop MainPID), NRestarts=$(prop NRestarts)"
else
	nok "restart-after-kill" "state $(prop ActiveState)/$(prop SubState) pid $(prop MainPID) NRestarts $nr -> $(prop NRestarts)"
fi
gap=
wait_for 10 test -n "$(json_match "$ts" $ID_GAP true)" || true
gap=$(json_match "$ts" $ID_GAP true)
if [ -z "$gap" ]; then
	nok "tracing-gap-notice" "no MESSAGE_ID=$ID_GAP record after the restart"
else
	# the heartbeat is at most 5 s old at the kill, the restart takes RestartSec (5 s) + attach
	secs=$(printf '%s\n' "$gap" | jq -r '.EPERM_GAP_SECONDS // empty')
	clean=$(printf '%s\n' "$gap" | jq -r '.EPERM_GAP_CLEAN // empty')
	msg=$(printf '%s\n' "$gap" | jq -r .MESSAGE)
	pri=$(printf '%s\n' "$gap" | jq -r .PRIORITY)
	dur="EPERM_GAP_SECONDS=$secs EPERM_GAP_CLEAN=$clean"
	if [ "$pri" = 4 ] && [ "$clean" = 0 ] &&
		awk -v s="$secs" 'BEGIN { exit !(s + 0 >= 5 && s + 0 <= 120) }'; then
		ok "tracing-gap-notice"
	else
		nok "tracing-gap-notice" "want PRIORITY=4, EPERM_GAP_CLEAN=0, 5 <= EPERM_GAP_SECONDS <= 120; got PRIORITY=$pri $dur"
	fi
	note "gap: PRIORITY=$pri $dur $msg"
fi

# ---- 7b. the watchdog: a daemon that stops making progress is killed and restarted.
# A drop-in shortens WatchdogSec and the abort timeout; SIGSTOP freezes the reader.
mkdir -p /run/systemd/system/epermd.service.d
printf '[Service]\nWatchdogSec=4s\nTimeoutAbortSec=2s\n' >/run/systemd/system/epermd.service.d/wd.conf
systemctl daemon-reload
systemctl restart epermd.service 2>&1 | sed 's/^/#   /'
wait_for 120 is_running || true
pid=$(prop MainPID)
nr=$(prop NRestarts)
sleep 6 # alive past one WatchdogSec: the daemon does ping
if [ "$(prop MainPID)" = "$pid" ] && is_running; then
	ts=$(now)
	kill -STOP "$pid"
	if wait_for 120 newpid && [ "$(prop NRestarts)" -gt "$nr" ] &&
		jn -u epermd.service --since "@$ts" -o cat | grep -qi 'watchdog timeout'; then
		ok "watchdog-restarts-stalled-daemon"
	else
		nok "watchdog-restarts-stalled-daemon" "pid $pid -> $(prop MainPID), NRestarts $nr -> $(prop NRestarts), state $(prop ActiveState)/$(prop SubState)"
	fi
else
	nok "watchdog-restarts-stalled-daemon" "restarted on its own before the stall (pid $pid -> $(prop MainPID)): no WATCHDOG=1 pings?"
fi
rm -f /run/systemd/system/epermd.service.d/wd.conf
systemctl daemon-reload
systemctl restart epermd.service 2>&1 | sed 's/^/#   /'
wait_for 120 is_running || true

# ---- 7c. a storm of distinct denials stays inside journald's budget: the shipped rate_limit
# (300/s, burst 1000: half of the unit's LogRateLimitBurst=20000 per 30 s) holds records back,
# counts them and says so; journald never has to suppress epermd
STORM=30000
mkdir -p -m 0700 /srv/e2e/storm
ts=$(now)
sleep 1
ts0=$(cut -d' ' -f1 /proc/uptime)
$nobody perl -e 'for my $i (1..$ARGV[0]) { open(my $f, "<", "/srv/e2e/storm/f$i") }' "$STORM"
note "storm: $STORM distinct EACCES in $(awk "BEGIN{print $(cut -d' ' -f1 /proc/uptime) - $ts0}") s"
held=
w=0
while [ -z "$held" ] && [ "$w" -lt 90 ]; do
	held=$(jn -u epermd.service --since "@$ts" MESSAGE_ID=$ID_LOSS -o cat | grep 'held back by rate_limit' | tail -n1)
	[ -n "$held" ] || sleep 1
	w=$((w + 1))
done
sleep 2
nrec=$(jn -u epermd.service --since "@$ts" -o json | jq -r 'select(.EPERM_PATH // "" | startswith("/srv/e2e/storm/")) | .EPERM_PATH' | wc -l)
supp=$(jn --since "@$ts" MESSAGE_ID=$ID_SUPPRESSED -o cat | grep -c 'epermd' || true)
note "storm: $nrec records written; $held"
# what the limiter allows between the storm and now: the burst plus rate_limit per second
el=$(($(now) - ts + 1))
cap=$((1000 + 300 * el))
# The limiter engages only when the worker outpaces it: under QEMU/TCG the worker itself may
# deliver fewer than rate_limit per second (then the reader->worker queue overflows first, and
# that loss is counted and said: "queue full"). Either way journald must not suppress epermd
# and the records written must fit the budget; which of the two held them back is a note.
qfull=$(jn -u epermd.service --since "@$ts" -o cat | grep -c 'queue full +[1-9]' || true)
if [ "$nrec" -gt 0 ] && [ "$nrec" -le "$cap" ] && [ "$supp" -eq 0 ] &&
	{ [ -n "$held" ] || [ "$qfull" -gt 0 ]; }; then
	ok "storm-within-journald-budget"
	[ -n "$held" ] || note "storm: the worker delivered $nrec in ${el} s, under rate_limit: the queue overflowed first (said $qfull times), the limiter did not engage"
else
	nok "storm-within-journald-budget" "records $nrec (want 1..$cap in ${el} s), journald suppressed epermd $supp times (want 0), held-back warning: ${held:-none}, queue-full notices: $qfull"
fi

# ---- 8. stop: clean exit, final counters in the journal
ts=$(now)
sleep 1
systemctl stop epermd.service 2>&1 | sed 's/^/#   /'
res=$(prop Result)
code=$(prop ExecMainCode)
st=$(prop ExecMainStatus)
if [ "$(prop ActiveState)" = inactive ] && [ "$res" = success ] && [ "$code" = 1 ] && [ "$st" = 0 ]; then
	ok "stop-clean"
else
	nok "stop-clean" "ActiveState=$(prop ActiveState) Result=$res ExecMainCode=$code ExecMainStatus=$st"
fi
fin=$(jn -u epermd.service --since "@$ts" -o json | jq -c 'select(.MESSAGE_ID == "'$ID_STATS'" or .MESSAGE_ID == "'$ID_STOP'" or (.MESSAGE | tostring | test("final counters")))' | tail -n1)
if [ -n "$fin" ] && printf '%s\n' "$fin" | grep -q 'EPERM_STAT_\|attempted='; then
	ok "final-counters"
	note "$(printf '%s\n' "$fin" | jq -r '.MESSAGE')"
else
	nok "final-counters" "no final counters record after stop"
fi

# every storm record that was not written is counted: held back, or lost and counted
fst=$(jn -u epermd.service --since "@$ts" MESSAGE_ID=$ID_STOP -o json | tail -n1)
rl=$(printf '%s\n' "$fst" | jq -r '.EPERM_STAT_RATE_LIMITED // 0')
lost=$(printf '%s\n' "$fst" | jq -r '(.EPERM_STAT_RESERVE_FAILED // "0" | tonumber) + (.EPERM_STAT_QUEUE_DROPPED // "0" | tonumber)')
if [ -n "$fst" ] && [ $((rl + lost)) -ge $((STORM - nrec)) ] && [ $((rl + lost)) -gt 0 ]; then
	ok "storm-accounted"
	note "storm: written $nrec + rate_limited $rl + lost-and-counted $lost >= $STORM"
else
	nok "storm-accounted" "written $nrec + rate_limited ${rl:-?} + lost ${lost:-?} < $STORM (stop record: ${fst:+present})"
fi

# ---- 9. no seccomp kills (SIGSYS) of epermd under its SystemCallFilter
sys=$(jn -b -o cat | grep -E 'type=1326|AUDIT_SECCOMP|status=31/SYS|code=killed, signal=SYS|signal=SYS' | head -n 3)
sys2=$(dmesg 2>/dev/null | grep -E 'type=1326|audit: .*sig=31' | head -n 3)
if [ -z "$sys$sys2" ]; then
	ok "no-seccomp-kills"
else
	nok "no-seccomp-kills" "$(echo "$sys $sys2" | tr '\n' ' ')"
fi
# also: anything the unit's filter refused with EPERM that epermd then complained about
jn -u epermd.service -b -p warning -o cat | grep -v 'e2e' | head -n 10 | sed 's/^/# epermd warning+: /'

# ---- 9b. the directive of a unit's sandbox, and its drop-in fix (units.sh); step 8 stopped
# the daemon: start it again and wait until it runs
systemctl start epermd.service 2>&1 | sed 's/^/#   /'
wait_for 300 is_running || note "epermd did not come back: $(prop ActiveState)/$(prop SubState)"
. "$(dirname "$0")/units.sh"

# ---- 10. systemd-analyze security (online) for the record
sec=$(systemd-analyze security --no-pager epermd.service 2>&1)
echo "$sec" | grep -E '^\s*✗' | sed 's/^/#   /' | head -n 40
lvl=$(echo "$sec" | sed -n 's/.*Overall exposure level for epermd.service: \([0-9.]*\).*/\1/p')
note "systemd-analyze security epermd.service: exposure ${lvl:-?}"
if [ -n "$lvl" ] && [ "$(echo "$lvl <= 2.0" | awk '{print ($1 <= $3)}')" = 1 ]; then
	ok "security-exposure"
else
	nok "security-exposure" "exposure ${lvl:-unknown} > 2.0"
fi

finish

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The soak (docs/bench.md "Soak"; not part of CI). One host-wide daemon under mixed load for
# SOAK_SECONDS (default 1800):
#   - a trickle of varied denials as uid 65534 (open, access, chmod, unlink, kill, sethostname,
#     mkdir, bind to a low port), one every TRICKLE_MS (default 500);
#   - a storm of STORM_N (1M) kill(1, 0) at 30 s and every STORM_EVERY s (default 300);
#   - epermtop clients: `epermtop --batch` connecting and leaving every 20 s, and a streaming
#     client that stops reading (SIGSTOP) for 60 s, then leaves, replaced by the next;
#   - SIGHUP reloads every RELOAD_EVERY s (default 90);
#   - its own journald (a journal namespace, so the host's journal is never touched) restarted
#     JOURNAL_RESTARTS times (default 2), evenly spaced.
# Every SAMPLE_S (default 10) s: the daemon's RSS, open fds and CPU. At the end (SIGINT): the
# final counters and conservation (attempted = submitted + reserve_failed + folded, submitted =
# delivered + queue_dropped, folded = fold_drained + fold_lost), the journal outages said and
# healed, journald suppression records (must be none). VARIANT=issue10: the issue-10 check, 60 s: one storm, a stalled epermtop the
# whole time, a SIGHUP in the middle, no journald restart.
# Report: bench/results/soak-<date>/report.md (and samples.tsv). Run it niced on a shared host.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/lib.sh" # OUTPUT, EPERMD, TCK, bench_need, cpu_ticks
TRIG="$OUTPUT/tests/eptrigger"
SC="$OUTPUT/tests/sockclient"
TOPBIN="$OUTPUT/epermtop"
. "$TOP/tests/lib-journald.sh" # jd_ns_up/jd_ns_down/jd_ns_clean, $JOURNALD
VARIANT=${VARIANT:-}
SOAK_SECONDS=${SOAK_SECONDS:-1800}
STORM_N=${STORM_N:-1000000}
STORM_EVERY=${STORM_EVERY:-300}
RELOAD_EVERY=${RELOAD_EVERY:-90}
JOURNAL_RESTARTS=${JOURNAL_RESTARTS:-2}
SAMPLE_S=${SAMPLE_S:-10}
TRICKLE_MS=${TRICKLE_MS:-500}
if [ "$VARIANT" = issue10 ]; then
	SOAK_SECONDS=60
	STORM_EVERY=100000
	RELOAD_EVERY=30
	JOURNAL_RESTARTS=0
fi
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
MSGID_SUPPRESSED=a596d6fe7bfa4994828e72309e95d61e

bench_need soak "$EPERMD" "$TRIG" "$SC" "$TOPBIN" "$JOURNALD"
RES="$TOP/bench/results/soak-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RES"
W=$(mktemp -d /tmp/epermd-soak.XXXXXX)
chmod 0755 "$W"
NS="epermd-soak$$"
JSOCK="/run/systemd/journal.$NS/socket"
DPID="" TRPID="" STPID="" SCPID=""
cleanup() {
	for p in $TRPID $STPID $SCPID; do kill -CONT "$p" 2>/dev/null || true; done
	for p in $TRPID $STPID $SCPID $DPID; do kill "$p" 2>/dev/null || true; done
	jd_ns_down
	wait 2>/dev/null || true
	jd_ns_clean "$NS"
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the trickle: varied denials, each a different cause or syscall
echo secret >"$W/secret"
chmod 0600 "$W/secret"
mkdir -m 0755 "$W/ro"
cat >"$W/trickle.sh" <<EOF
i=0
while :; do
	case \$((i % 8)) in
	0) $NOBODY "$TRIG" --quiet open-read "$W/secret" ;;
	1) $NOBODY "$TRIG" --quiet access "$W/secret" ;;
	2) $NOBODY "$TRIG" --quiet chmod "$W/secret" 0644 ;;
	3) $NOBODY "$TRIG" --quiet unlink "$W/secret" ;;
	4) $NOBODY "$TRIG" --quiet kill 1 ;;
	5) $NOBODY "$TRIG" --quiet sethostname soak ;;
	6) $NOBODY "$TRIG" --quiet mkdir "$W/ro/d\$i" ;;
	7) $NOBODY "$TRIG" --quiet bind-low 81 ;;
	esac
	i=\$((i + 1))
	sleep $(awk "BEGIN { print $TRICKLE_MS / 1000 }")
done
EOF

jd_ns_up "$NS" "$W/journald.log"
printf 'sinks = journal json\nrate_limit = 300\nrate_burst = 1000\n' >"$W/epermd.conf"
chmod 0644 "$W/epermd.conf"
EPERMD_JOURNAL_SOCKET="$JSOCK" "$EPERMD" --config="$W/epermd.conf" --output="$W/out.json" \
	--socket="$W/run/epermd.sock" </dev/null 2>"$W/epermd.err" &
DPID=$!
i=0
until grep -q '"started\|started:' "$W/out.json" 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
sh "$W/trickle.sh" >/dev/null 2>&1 &
TRPID=$!

ticks() { cpu_ticks "$DPID"; }
SAMPLES="$RES/samples.tsv"
printf 't_s\trss_kib\tfds\tcpu_pct\tevent\n' >"$SAMPLES"
t_start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
last_ticks=$(ticks)
last_t=$t_start
storms=0
restarts=0
reloads=0
clients=0
stalls=0
event=""
restart_at() { # the k-th of JOURNAL_RESTARTS restarts, evenly spaced
	echo $((SOAK_SECONDS * $1 / (JOURNAL_RESTARTS + 1)))
}
next_restart=1
while :; do
	now=$(date +%s)
	t=$((now - t_start))
	[ "$t" -lt "$SOAK_SECONDS" ] || break
	kill -0 "$DPID" 2>/dev/null || {
		echo "soak: the daemon died at ${t}s" >&2
		break
	}
	# a storm at 30 s (5 s for issue10), then every STORM_EVERY
	first=30
	[ "$VARIANT" = issue10 ] && first=5
	if [ -z "$STPID" ] && [ "$t" -ge "$first" ] &&
		[ $(((t - first) % STORM_EVERY)) -lt 2 ] && [ "$t" -ge $((first + storms * STORM_EVERY)) ]; then
		$NOBODY "$TRIG" --quiet storm "$STORM_N" >/dev/null 2>&1 &
		STPID=$!
		storms=$((storms + 1))
		event="$event storm"
	fi
	if [ -n "$STPID" ] && ! kill -0 "$STPID" 2>/dev/null; then
		wait "$STPID" 2>/dev/null || true
		STPID=""
	fi
	# clients: a batch epermtop every 20 s; a stalled stream client, 60 s each
	if [ $((t % 20)) -eq 0 ] && [ "$t" -gt 0 ]; then
		timeout 10 "$TOPBIN" --socket="$W/run/epermd.sock" --batch -n 2 -d 1 \
			>/dev/null 2>&1 &
		clients=$((clients + 1))
	fi
	if [ -z "$SCPID" ] || [ $((t % 60)) -eq 59 ]; then
		if [ -n "$SCPID" ]; then
			kill -CONT "$SCPID" 2>/dev/null || true
			kill "$SCPID" 2>/dev/null || true
			wait "$SCPID" 2>/dev/null || true
		fi
		"$SC" -s "$W/run/epermd.sock" -r stream -t 3600 >/dev/null 2>&1 &
		SCPID=$!
		sleep 0.2
		kill -STOP "$SCPID" 2>/dev/null || true
		stalls=$((stalls + 1))
	fi
	if [ $((t % RELOAD_EVERY)) -eq $((RELOAD_EVERY - 1)) ]; then
		kill -HUP "$DPID"
		reloads=$((reloads + 1))
		event="$event sighup"
	fi
	if [ "$next_restart" -le "$JOURNAL_RESTARTS" ] && [ "$t" -ge "$(restart_at "$next_restart")" ]; then
		jd_ns_down
		sleep 2
		jd_ns_up "$NS" "$W/journald.log"
		restarts=$((restarts + 1))
		next_restart=$((next_restart + 1))
		event="$event journald-restart"
	fi
	if [ $((now - last_t)) -ge "$SAMPLE_S" ]; then
		tk=$(ticks)
		cpu=$(awk "BEGIN { printf \"%.1f\", 100 * ($tk - $last_ticks) / $TCK / ($now - $last_t) }")
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$DPID/status")
		fds=$(find "/proc/$DPID/fd" -mindepth 1 -maxdepth 1 | wc -l)
		printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$rss" "$fds" "$cpu" "${event# }" >>"$SAMPLES"
		event=""
		last_ticks=$tk
		last_t=$now
	fi
	sleep 1
done
for p in $TRPID $STPID; do kill "$p" 2>/dev/null || true; done
[ -z "$SCPID" ] || { kill -CONT "$SCPID"; kill "$SCPID"; } 2>/dev/null || true
wait $TRPID $STPID $SCPID 2>/dev/null || true
TRPID="" STPID="" SCPID=""
sleep 2
kill -INT "$DPID"
rc=0
wait "$DPID" || rc=$?
DPID=""
journalctl --namespace="$NS" --sync >/dev/null 2>&1 || true

fin=$(sed -n 's/^epermd: final counters //p' "$W/epermd.err" | tail -n 1)
c() { printf '%s\n' "$fin" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
att=$(c attempted) sub=$(c submitted) rf=$(c reserve_failed) del=$(c delivered)
qd=$(c queue_dropped) sd=$(c sink_dropped) rl=$(c rate_limited)
fo=$(c folded) fd=$(c fold_drained) fl=$(c fold_lost)
: "${fo:=0}" "${fd:=0}" "${fl:=0}" # a daemon without in-kernel folding
cons1=no cons2=no cons3=no
[ "$att" -eq $((sub + rf + fo)) ] && cons1=yes
[ "$sub" -eq $((del + qd)) ] && cons2=yes
[ "$fo" -eq $((fd + fl)) ] && cons3=yes
supp=$(journalctl --namespace="$NS" -o json --all MESSAGE_ID="$MSGID_SUPPRESSED" 2>/dev/null |
	grep -c . || true)
jrecs=$(journalctl --namespace="$NS" -o json --all SYSLOG_IDENTIFIER=epermd 2>/dev/null |
	grep -c . || true)
down_said=$(grep -c 'the journal is unavailable' "$W/epermd.err" || true)
back_said=$(grep -c 'the journal is back' "$W/epermd.err" || true)
stopj=$(journalctl --namespace="$NS" -o json --all SYSLOG_IDENTIFIER=epermd \
	MESSAGE_ID=78d6030a9adc4326b30d71c8af3bbe89 2>/dev/null | tail -n 1)
held=$(printf '%s' "$stopj" | jq -r '.EPERM_STAT_SINK_HELD // "?"' 2>/dev/null || echo "?")
outages=$(printf '%s' "$stopj" | jq -r '.EPERM_STAT_SINK_OUTAGES // "?"' 2>/dev/null || echo "?")
san=$(grep -c 'AddressSanitizer\|runtime error' "$W/epermd.err" || true)

{
	echo "# epermd soak ${VARIANT:+($VARIANT) }$(date -u +%Y-%m-%dT%H:%MZ)"
	echo
	echo "$(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo);" \
		"load average at the start $load0, at the end $(cut -d' ' -f1-3 /proc/loadavg); ${SOAK_SECONDS} s;" \
		"storms of $STORM_N: $storms;" \
		"SIGHUP: $reloads; journald restarts: $restarts; epermtop --batch clients: $clients;" \
		"stalled stream clients: $stalls; trickle: one denial every $TRICKLE_MS ms"
	echo
	echo "| t (s) | RSS (KiB) | fds | CPU % | event |"
	echo "|---|---|---|---|---|"
	tail -n +2 "$SAMPLES" | awk -F '\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
	echo
	awk -F '\t' 'NR > 1 { if (!n || $2 < rmin) rmin = $2; if ($2 > rmax) rmax = $2;
		if (!n || $3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3; n++
		if (NR == 2) r0 = $2; rl = $2 }
		END { printf "RSS %s..%s KiB (first %s, last %s), fds %s..%s over %d samples\n",
			rmin, rmax, r0, rl, fmin, fmax, n }' "$SAMPLES"
	echo
	echo "Exit status $rc. Final counters: $fin"
	echo
	echo "- conservation attempted = submitted + reserve_failed + folded: $cons1" \
		"($att = $sub + $rf + $fo)"
	echo "- conservation submitted = delivered + queue_dropped: $cons2 ($sub = $del + $qd)"
	echo "- conservation folded = fold_drained + fold_lost: $cons3 ($fo = $fd + $fl)"
	echo "- sink_dropped $sd, rate_limited $rl (counted, announced)"
	echo "- journal: $jrecs epermd records; outages said $down_said, healed $back_said," \
		"sink_outages $outages, sink_held $held; journald suppression records: $supp"
	echo "- sanitizer reports: $san"
} >"$RES/report.md"
cp "$W/epermd.err" "$RES/epermd.err"
cat "$RES/report.md"
[ "$cons1" = yes ] && [ "$cons2" = yes ] && [ "$cons3" = yes ] && [ "$supp" -eq 0 ] && [ "$rc" -eq 0 ] && [ "$san" -eq 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The metrics file (metrics_file) read by a real prometheus-node-exporter textfile collector:
# exact counts for real denials (N identical EACCES dac denials -> N denials, one incident),
# no scrape error, the pipeline counters agree with epermd's own final stats record, the file
# is replaced atomically (a tight reader never sees a partial file; every rewrite is a new
# inode by rename; mode 0644 under umask 077; no temporary left), and a missing or read-only
# directory gives exactly one HEALTH warning, no crash, and a retry that succeeds.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root metrics
need_epermd metrics
mount_tracefs
t_tmpdir

# The exporter is unpacked, not installed: the package would start a listener on :9100.
NE=""
NE_ROOT=$(sh "$TOP/tests/tools/unpack-deb.sh" prometheus-node-exporter) || true
case $NE_ROOT in
/*) NE=$NE_ROOT/usr/bin/prometheus-node-exporter ;;
esac
NE_PID=""
cleanup() {
	[ -n "$NE_PID" ] && { kill "$NE_PID" && wait "$NE_PID"; } 2>/dev/null || true
	t_cleanup
}
trap cleanup EXIT

TF="$T_TMP/textfile"
mkdir -m 0755 "$TF"
SECRET="$T_TMP/secret"
echo secret >"$SECRET"
chmod 0600 "$SECRET"
N=5      # separate processes: each one decided afresh
STORM=300 # one process: repeats reuse the pre-fold cache's decision

# conf NAME METRICS_FILE: a config file (root-owned, 0644) writing metrics every second
conf() {
	CONF="$T_TMP/$1.conf"
	# audit_source=off: these checks are about metrics, not the audit join
	printf 'metrics_file = %s\nmetrics_interval = 1\naudit_source = off\n' "$2" >"$CONF"
	chmod 0644 "$CONF"
}

# prom FILE NAME{LABELS}: the value of one sample, or empty
prom() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$1"
}

# --- N denials, then the exporter ---------------------------------------------------------
conf count "$TF/epermd.prom"
# a tight reader runs beside the daemon: the atomicity check below
cat >"$T_TMP/reader.py" <<'EOF'
import os, re, sys, time
path, stop = sys.argv[1], sys.argv[2]
sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"'
                    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? [0-9.eE+-]+$')
reads = bad = 0
inodes = set()
while not os.path.exists(stop):
    try:
        with open(path, 'rb') as f:
            ino = os.fstat(f.fileno()).st_ino
            data = f.read()
    except FileNotFoundError:
        continue
    reads += 1
    inodes.add(ino)
    text = data.decode('utf-8', 'replace')
    lines = text.split('\n')
    ok = text.endswith('\n') and 'epermd_metrics_write_errors_total' in lines[-2]
    ok = ok and all(l.startswith('# ') or sample.match(l) for l in lines[:-1])
    if not ok:
        bad += 1
        if bad == 1:
            sys.stderr.write('partial or malformed read (%d bytes):\n%s\n' % (len(data), text[-300:]))
print(reads, bad, len(inodes))
EOF
python3 "$T_TMP/reader.py" "$TF/epermd.prom" "$T_TMP/stop" >"$T_TMP/reader.out" 2>"$T_TMP/reader.err" &
rpid=$!
old_umask=$(umask)
umask 077 # the unit's UMask: the file must still be readable by node_exporter's user
ep_run count --config="$CONF" --fold-window=60 -- sh -c \
	"i=0; while [ \$i -lt $N ]; do $NOBODY $TRIG --quiet open-read $SECRET; i=\$((i+1)); done;
	 $NOBODY $TRIG --quiet storm $STORM; sleep 4.5; true"
umask "$old_umask"
touch "$T_TMP/stop"
wait "$rpid" || true
P="$TF/epermd.prom"
if [ "$RC" -ne 0 ] || [ ! -s "$P" ]; then
	not_ok "metrics: epermd exit $RC, metrics file $(ls -l "$P" 2>&1)"
	diag "$(tail -5 "$COUT")"
fi

st=$(stats_of "$OUT")
want=$(jcount "$OUT" '.syscall == "openat" and .cause == "dac" and .errno == "EACCES"')
got=$(prom "$P" 'epermd_denials_total{cause="dac",errno="EACCES"}')
gs=$(prom "$P" 'epermd_denials_by_syscall_total{syscall="openat"}')
gi=$(prom "$P" 'epermd_incidents_total')
# two incidents: the folded open-reads and the folded storm
if [ "$want" = 1 ] && [ "$got" = "$N" ] && [ "$gs" = "$N" ] && [ "$gi" = 2 ]; then
	ok "metrics: $N folded EACCES denials -> dac/EACCES $got, openat $gs, incidents $gi"
else
	not_ok "metrics: dac/EACCES '$got' openat '$gs' incidents '$gi' (want $N $N 2); JSON records $want (want 1 folded)"
	diag "$(grep -v '^#' "$P" 2>&1 | grep -v ' 0$')"
fi
got=$(prom "$P" 'epermd_denials_total{cause="capability",errno="EPERM"}')
gs=$(prom "$P" 'epermd_denials_by_syscall_total{syscall="kill"}')
lost=$(stat_field "$st" reserve_failed)
if [ "$got" = "$STORM" ] && [ "$gs" = "$STORM" ]; then
	ok "metrics: a storm of $STORM kill(1, 0) -> capability/EPERM $got, kill $gs"
elif [ "${lost:-0}" -gt 0 ]; then
	skip "metrics: storm count (ring lost $lost records on this host)"
else
	not_ok "metrics: storm: capability/EPERM '$got' kill '$gs' (want $STORM)"
fi
bad=""
for k in attempted submitted delivered; do
	[ "$(prom "$P" "epermd_events_${k}_total")" = "$(stat_field "$st" $k)" ] || bad="$bad $k"
done
for k in reserve_failed queue_dropped sink_dropped; do
	[ "$(prom "$P" "epermd_lost_events_total{reason=\"$k\"}")" = "$(stat_field "$st" $k)" ] ||
		bad="$bad $k"
done
if [ -n "$st" ] && [ -z "$bad" ] && [ "$(prom "$P" epermd_events_delivered_total)" -ge "$N" ]; then
	ok "metrics: pipeline counters equal the final stats record ($(stat_field "$st" delivered) delivered, 0 lost)"
else
	not_ok "metrics: pipeline counters differ from the stats record:$bad"
	diag "stats: $st" "$(grep -e '^epermd_events' -e '^epermd_lost' "$P")"
fi
mode=$(stat -c %a "$P" 2>/dev/null || echo none)
left=$(find "$TF" -name '*.tmp.*' | wc -l)
if [ "$mode" = 644 ] && [ "$left" -eq 0 ]; then
	ok "metrics: the file is mode 0644 under umask 077, no temporary file left"
else
	not_ok "metrics: mode $mode (want 644), $left temporary files left"
fi
# shellcheck disable=SC2046
set -- $(cat "$T_TMP/reader.out" 2>/dev/null || echo 0 -1 0)
if [ "$1" -gt 100 ] && [ "$2" -eq 0 ] && [ "$3" -ge 4 ]; then
	ok "metrics: $1 reads during $3 rewrites, none partial or malformed (replaced by rename)"
else
	not_ok "metrics: reader: $1 reads, $2 partial/malformed, $3 distinct inodes (want >100, 0, >=4)"
	diag "$(cat "$T_TMP/reader.err")"
fi

# the real exporter
if [ -z "$NE" ]; then
	case $NE_ROOT in
	skip*) skip "metrics: node_exporter (${NE_ROOT#skip })" ;;
	*) not_ok "metrics: prometheus-node-exporter could not be unpacked: $NE_ROOT" ;;
	esac
else
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$NE" --collector.textfile.directory="$TF" --web.listen-address="127.0.0.1:$PORT" \
		--collector.disable-defaults --collector.textfile >"$T_TMP/ne.log" 2>&1 </dev/null &
	NE_PID=$!
	S="$T_TMP/scrape"
	i=0
	: >"$S"
	while [ $i -lt 100 ] && ! grep -q '^node_textfile_scrape_error' "$S"; do
		sleep 0.1
		python3 -c 'import sys, urllib.request as u; sys.stdout.write(u.urlopen(sys.argv[1], timeout=5).read().decode())' \
			"http://127.0.0.1:$PORT/metrics" >"$S" 2>/dev/null || true
		i=$((i + 1))
	done
	e=$(prom "$S" node_textfile_scrape_error)
	got=$(prom "$S" 'epermd_denials_total{cause="dac",errno="EACCES"}')
	if [ "$e" = 0 ] && [ "$got" = "$N" ] &&
		[ "$(prom "$S" 'epermd_incidents_total')" = 2 ] &&
		[ "$(prom "$S" 'epermd_lost_events_total{reason="reserve_failed"}')" = 0 ] &&
		grep -q '^epermd_info{mode="\(full\|tracepoint-only\)",version="[^"]*"} 1$' "$S" &&
		grep -q '^# TYPE epermd_denials_total counter$' "$S" &&
		grep -q '^node_textfile_mtime_seconds{file=".*epermd.prom"}' "$S"; then
		ok "metrics: node_exporter textfile collector serves them (scrape_error 0, dac/EACCES $got)"
	else
		not_ok "metrics: node_exporter: scrape_error '$e', dac/EACCES '$got' (want 0, $N)"
		diag "$(grep -e textfile -e '^epermd_' "$S" | head -30)" "$(tail -5 "$T_TMP/ne.log")"
	fi
	{ kill "$NE_PID" && wait "$NE_PID"; } 2>/dev/null || true
	NE_PID=""
fi

# --- a missing directory: one warning, no crash, retried until it exists ------------------
alarms() {
	jq -c 'select(.type == "alarm" and .message_id == "ee19ad152f2548839c063f069d6afec8"
		and (.message | contains("metrics file")))' "$1" 2>/dev/null | grep -c . || true
}
conf missing "$T_TMP/later/epermd.prom"
ep_run missing --config="$CONF" -- sh -c "sleep 3.6; mkdir $T_TMP/later; sleep 2.2; true"
na=$(alarms "$OUT")
errs=$(prom "$T_TMP/later/epermd.prom" epermd_metrics_write_errors_total 2>/dev/null || true)
if [ "$RC" -eq 0 ] && [ "$na" -eq 1 ] && [ -n "$errs" ] && [ "$errs" -ge 3 ] &&
	grep -q 'No such file or directory' "$OUT"; then
	ok "metrics: missing directory -> 1 warning for $errs failed writes, written once it exists"
else
	not_ok "metrics: missing directory: exit $RC, $na warnings (want 1), write errors '$errs' (want >= 3)"
	diag "$(grep alarm "$OUT" | head -5)" "$(tail -3 "$COUT")"
fi

# --- SIGHUP with a new metrics_file: the new path is written, the old file removed ---------
conf hup "$TF/before.prom"
"$EPERMD" --config="$CONF" --format=json --no-socket --output="$T_TMP/hup.json" -- sleep 6 \
	>"$T_TMP/hup.out" 2>&1 </dev/null &
hpid=$!
i=0
while [ ! -s "$TF/before.prom" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
conf hup "$TF/after.prom"
kill -HUP "$hpid" 2>/dev/null || true
i=0
while [ ! -s "$TF/after.prom" ] && [ $i -lt 40 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -s "$TF/after.prom" ] && [ ! -e "$TF/before.prom" ] && kill -0 "$hpid" 2>/dev/null; then
	ok "metrics: SIGHUP moves the file to the new metrics_file in $((i * 100)) ms, old one removed"
else
	not_ok "metrics: SIGHUP: after.prom $(ls "$TF" | tr '\n' ' ')"
	diag "$(grep -i -e reload -e metrics "$T_TMP/hup.json" | head -5)"
fi
wait "$hpid" || true

# --- a read-only directory: the same -------------------------------------------------------
mkdir "$T_TMP/ro"
if mount -t tmpfs -o ro,size=64k tmpfs "$T_TMP/ro" 2>/dev/null; then
	conf ro "$T_TMP/ro/epermd.prom"
	ep_run ro --config="$CONF" -- sleep 3.2
	na=$(alarms "$OUT")
	if [ "$RC" -eq 0 ] && [ "$na" -eq 1 ] && grep -q 'Read-only file system' "$OUT"; then
		ok "metrics: read-only directory -> exactly 1 warning (EROFS), epermd runs on"
	else
		not_ok "metrics: read-only directory: exit $RC, $na warnings (want 1)"
		diag "$(grep alarm "$OUT" | head -5)" "$(tail -3 "$COUT")"
	fi
else
	skip "metrics: read-only directory (cannot mount a tmpfs)"
fi
t_done

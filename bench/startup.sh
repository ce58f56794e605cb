#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Start-up of epermd (part of `make bench`, bench/run.sh; also alone):
#   sh bench/startup.sh [RESULTS_DIR]
# STARTS rounds (default 5); each runs `epermd -- true` (wall time, peak RSS) and the daemon
# until READY=1 (latency after exec, VmHWM at READY) for $OUTPUT/epermd and, with
# EPERMD_BASE=path/to/epermd, for that build too, alternately (a same-run A/B: the machine is
# shared). Then one `epermd --bench-startup -- true`: where the time goes (probes, load and the
# verifier per program, the dcache hash probe, attach). Prints a markdown section; keeps the
# samples in RESULTS_DIR/startup.txt and the phases in RESULTS_DIR/startup-phases.txt.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${OUTPUT:=build}"
case "$OUTPUT" in
/*) ;;
*) OUTPUT="$TOP/$OUTPUT" ;;
esac
EPERMD="$OUTPUT/epermd"
EPERMD_BASE=${EPERMD_BASE:-}
STARTS=${STARTS:-5}
RES=${1:-$TOP/bench/results/startup-$(date +%Y%m%d-%H%M%S)}

[ -x "$EPERMD" ] || {
	echo "bench: $EPERMD missing; run make first" >&2
	exit 1
}
mkdir -p "$RES"
: >"$RES/startup.txt"

# one_start LABEL BINARY: one round of both measurements, appended to startup.txt
one_start() {
	python3 - "$1" "$2" <<'PY' >>"$RES/startup.txt"
import os, socket, subprocess, sys, time
label, ep = sys.argv[1], sys.argv[2]
t0 = time.monotonic()
p = subprocess.Popen([ep, "--config=none", "--", "true"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
wall = time.monotonic() - t0
if status:
    sys.exit(f"bench: {ep} -- true failed ({status:#x})")
print(f"oneshot {label} {wall:.3f} {ru.ru_maxrss}")
path = f"/tmp/epermd-bench-notify.{os.getpid()}"
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(300)
t0 = time.monotonic()
p = subprocess.Popen([ep, "--config=none", "--format=json", "--output=/dev/null", "--no-socket"],
                     env=dict(os.environ, NOTIFY_SOCKET=path), stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
try:
    while b"READY=1" not in s.recv(4096):
        pass
    ready = time.monotonic() - t0
    hwm = [l.split()[1] for l in open(f"/proc/{p.pid}/status") if l.startswith("VmHWM:")]
    print(f"ready {label} {ready:.3f} {hwm[0] if hwm else 0}")
finally:
    p.terminate()
    p.wait()
    os.unlink(path)
PY
}

echo "bench: start-up, $STARTS rounds" >&2
i=1
while [ "$i" -le "$STARTS" ]; do
	one_start epermd "$EPERMD"
	[ -z "$EPERMD_BASE" ] || one_start base "$EPERMD_BASE"
	i=$((i + 1))
done
"$EPERMD" --config=none --bench-startup -- true 2>&1 >/dev/null |
	grep '^epermd: start-up:' >"$RES/startup-phases.txt" || true

python3 - "$RES" <<'PY'
import statistics, sys
res = sys.argv[1]
su = {}
for line in open(f"{res}/startup.txt"):
    k, label, v, kib = line.split()
    su.setdefault((k, label), []).append((float(v), int(kib)))
labels = [l for l in ("epermd", "base") if ("oneshot", l) in su]
names = {"epermd": "epermd", "base": "base (EPERMD_BASE)"}
print("| start-up | " + " | ".join(names[l] for l in labels) + " |")
print("|---|" + "---|" * len(labels))
def cell(k, l, rss):
    v = su[(k, l)]
    s = [x[0] for x in v]
    out = f"{statistics.median(s):.2f} s ({min(s):.2f}-{max(s):.2f}, n={len(s)})"
    if rss:
        out += f", peak RSS {max(x[1] for x in v) / 1024:.1f} MiB"
    return out
for k, what, rss in (("oneshot", "`epermd -- true` wall", True),
                     ("ready", "daemon READY=1 after exec (RSS: VmHWM at READY)", True)):
    print(f"| {what} | " + " | ".join(cell(k, l, rss) for l in labels) + " |")
if "base" in labels:
    for k in ("oneshot", "ready"):
        a = statistics.median(x[0] for x in su[(k, "epermd")])
        b = statistics.median(x[0] for x in su[(k, "base")])
        print(f"\n{k}: epermd / base = {a / b:.2f} (medians {a:.2f} s / {b:.2f} s)", end="")
    print()
print("\nwhere the start-up time goes (`epermd --bench-startup -- true`, one run):\n")
print("```")
for line in open(f"{res}/startup-phases.txt"):
    print(line.rstrip().replace("epermd: start-up: ", ""))
print("```")
PY

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The overhead benchmark behind `make bench` (method: docs/bench.md). In ONE run:
#  0. start-up (bench/startup.sh): `epermd -- true` wall time and peak RSS, the daemon's
#     READY=1 latency after exec (STARTS rounds, median; alternating with EPERMD_BASE when
#     set) and where the time goes (--bench-startup).
#  1. ns per syscall for five loops (ok = getppid, eperm = kill(1,0) as 65534 repeated (the
#     kernel folds it), eperm1 = setuid(U) as 65534 with a new U each call (every denial a
#     first occurrence), seccomp = getppid refused by a filter, okfilt = getppid succeeding in
#     a task whose filter refuses only mkdir, eacces = open("/etc/shadow") as 65534; LOOPS="..."
#     picks some) under: no tracer, the empty tp_btf sys_exit hook
#     (epermd --bench-empty-hook), epermd in daemon mode and, when installed, a bpftrace
#     one-liner counting EPERM/EACCES by comm and syscall; with EPERMD_BASE=path/to/epermd
#     "base": another build of epermd (an A/B in the same run); the workload on CPU 1, the
#     tracer on CPU 0; ROUNDS interleaved rounds of REPS repetitions each; median, min, added
#     ns and ratio against the same run's "none".
#  2. a storm of STORM_N failing calls against the daemon: offered rate, attempted, shipped,
#     folded in the kernel, dropped-and-counted, daemon CPU and peak RSS.
#  With KSTATS=1 (the default where bpftool is installed), next to the wall numbers: the
#  kernel's own run time of each BPF program of epermd and base (BPF_ENABLE_STATS held by
#  bench/kstats.py for the run), per loop: ns per run of the sys_exit program and ns per
#  workload call of all programs, the host's other syscalls taken out (sys_exit: the runs
#  beyond the workload's calls at the program's idle ns per run; the other programs: their
#  idle ns per second; both measured for 0.5 s after each start). Steadier than the wall
#  clock on a shared host: time spent in other processes and in other tracers' programs does
#  not count.
# Results: bench/results/<date>/ (report.md, samples.txt, storm.json, kstats.txt).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/lib.sh" # OUTPUT, EPERMD, TCK, bench_need, cpu_ticks
WL="$OUTPUT/bench/workload"
ROUNDS=${ROUNDS:-3}
REPS=${REPS:-5}
MS=${MS:-200}
STORM_N=${STORM_N:-1000000}
TRACER_CPU=${TRACER_CPU:-0}
EPERMD_BASE=${EPERMD_BASE:-}
STARTS=${STARTS:-5}
BPFTRACE=$(command -v bpftrace || true)
CFGS="none empty epermd"
[ -n "$BPFTRACE" ] && CFGS="$CFGS bpftrace"
[ -n "$EPERMD_BASE" ] && CFGS="$CFGS base"
WORK_CPU=${WORK_CPU:-1}
LOOPS=${LOOPS:-ok eperm eperm1 seccomp okfilt eacces}
KSTATS=${KSTATS:-1}
command -v bpftool >/dev/null || KSTATS=0

bench_need bench "$EPERMD" "$WL"
RES="$TOP/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RES"
SAMPLES="$RES/samples.txt"
CPUF="$RES/tracer-cpu.txt"
KSTATSF="$RES/kstats.txt"
: >"$SAMPLES"
: >"$CPUF"
: >"$KSTATSF"
TPID=""
KHOLD=""
cleanup() {
	if [ -n "$TPID" ]; then
		kill -INT "$TPID" 2>/dev/null || true
		wait "$TPID" 2>/dev/null || true
	fi
	if [ -n "$KHOLD" ]; then
		kill -TERM "$KHOLD" 2>/dev/null || true
		wait "$KHOLD" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Wait until the tracer holds a BPF link (its programs are attached).
wait_loaded() {
	i=0
	while [ $i -lt 480 ]; do # up to 120 s: a loaded host verifies slowly
		kill -0 "$1" 2>/dev/null || return 1
		if find "/proc/$1/fd" -lname 'anon_inode:bpf_link' 2>/dev/null | grep -q .; then
			sleep 0.5
			return 0
		fi
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

# Wait until bpftrace says it attached.
wait_bpftrace() {
	i=0
	while [ $i -lt 240 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		grep -q '^Attaching' "$2" 2>/dev/null && sleep 0.5 && return 0
		sleep 0.25
		i=$((i + 1))
	done
	return 1
}

start_tracer() {
	TPID=""
	case "$1" in
	none) return 0 ;;
	bpftrace)
		taskset -c "$TRACER_CPU" "$BPFTRACE" -e 'tracepoint:raw_syscalls:sys_exit
			/args->ret == -1 || args->ret == -13/ { @[comm, args->id] = count(); }' \
			>"$RES/$1.log" 2>&1 &
		TPID=$!
		wait_bpftrace "$TPID" "$RES/$1.log" && return 0
		echo "bench: bpftrace did not attach; see $RES/$1.log" >&2
		exit 1
		;;
	empty) taskset -c "$TRACER_CPU" "$EPERMD" --bench-empty-hook >"$RES/$1.log" 2>&1 & ;;
	epermd)
		taskset -c "$TRACER_CPU" "$EPERMD" --format=json --output=/dev/null --no-socket \
			>"$RES/$1.log" 2>&1 &
		;;
	base)
		taskset -c "$TRACER_CPU" "$EPERMD_BASE" --format=json --output=/dev/null \
			--no-socket >"$RES/$1.log" 2>&1 &
		;;
	esac
	TPID=$!
	if ! wait_loaded "$TPID"; then
		echo "bench: $1 did not load its programs; see $RES/$1.log" >&2
		cat "$RES/$1.log" >&2
		exit 1
	fi
}

# --bench-empty-hook waits for SIGINT; the daemon stops on SIGTERM.
stop_tracer() {
	[ -n "$TPID" ] || return 0
	kill -INT "$TPID" 2>/dev/null || true
	kill -TERM "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	TPID=""
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# Start-up (bench/startup.sh): `epermd -- true` and READY=1, A/B against EPERMD_BASE, and
# where the time goes; its markdown section goes into the report.
STARTS=$STARTS EPERMD_BASE=$EPERMD_BASE OUTPUT=$OUTPUT sh "$TOP/bench/startup.sh" "$RES" \
	>"$RES/startup.md"

if [ "$KSTATS" = 1 ]; then
	python3 "$TOP/bench/kstats.py" hold >"$RES/kstats-hold.log" 2>&1 &
	KHOLD=$!
	sleep 0.5
	if ! kill -0 "$KHOLD" 2>/dev/null; then
		echo "bench: BPF statistics unavailable, no kernel-side figures: $(cat "$RES/kstats-hold.log")" >&2
		KHOLD=""
		KSTATS=0
	fi
fi
KS="python3 $TOP/bench/kstats.py"

# The kernel-side figures for this tracer? (epermd builds only)
kstats_on() {
	[ "$KSTATS" = 1 ] && [ -n "$TPID" ] && { [ "$1" = epermd ] || [ "$1" = base ]; }
}

# run_loops CFG ROUND: each loop in its own workload run, bracketed by BPF statistics
run_loops() {
	if kstats_on "$1"; then
		$KS snap "$TPID" >"$RES/ks.a"
		sleep 0.5
		$KS snap "$TPID" >"$RES/ks.b"
		$KS diff "$RES/ks.a" "$RES/ks.b" "$1 $2 idle 0 500000000" >>"$KSTATSF"
	fi
	for loop in $LOOPS; do
		kstats_on "$1" && $KS snap "$TPID" >"$RES/ks.a"
		t0=$(date +%s%N)
		taskset -c "$WORK_CPU" "$WL" --reps "$REPS" --ms "$MS" --total 1 "$loop" \
			>"$RES/wl.out" || echo "bench: the $loop loop failed under $1" >&2
		if kstats_on "$1"; then
			t1=$(date +%s%N)
			$KS snap "$TPID" >"$RES/ks.b"
			$KS diff "$RES/ks.a" "$RES/ks.b" "$1 $2 $loop $(awk '$2 == "total" { print $3 }' \
				"$RES/wl.out") $((t1 - t0))" >>"$KSTATSF"
		fi
		awk '$2 != "total"' "$RES/wl.out" | sed "s/^/$1 $2 /" >>"$SAMPLES"
	done
}


echo "bench: $ROUNDS rounds x configs ($CFGS) x loops ($LOOPS) x $REPS reps of $MS ms"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for cfg in $CFGS; do
		start_tracer "$cfg"
		c0=0
		[ -n "$TPID" ] && c0=$(cpu_ticks "$TPID")
		run_loops "$cfg" "$r"
		if [ -n "$TPID" ]; then
			echo "$cfg $r $(($(cpu_ticks "$TPID") - c0))" >>"$CPUF"
		fi
		stop_tracer
		echo "  round $r $cfg done"
	done
	r=$((r + 1))
done

# The storm: the daemon with its defaults (4 MiB ring, folding on), JSON to a file.
echo "bench: storm of $STORM_N kill(1,0) as 65534"
taskset -c "$TRACER_CPU" "$EPERMD" --format=json --output="$RES/storm.json" --no-socket \
	>"$RES/storm.log" 2>&1 &
TPID=$!
wait_loaded "$TPID" || {
	echo "bench: the daemon did not start; see $RES/storm.log" >&2
	exit 1
}
c0=$(cpu_ticks "$TPID")
taskset -c "$WORK_CPU" "$WL" storm "$STORM_N" >"$RES/storm.out"
sleep 2
c1=$(cpu_ticks "$TPID")
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$TPID/status")
kill -TERM "$TPID"
wait "$TPID" || true
TPID=""
echo "storm_cpu_ticks $((c1 - c0)) clk_tck $TCK vmhwm_kib $hwm" >"$RES/storm.proc"

{
	echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) CPUs," \
		"kernel $(uname -r), $(ldd --version | head -n 1 | sed 's/.*) //') glibc"
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ); load average at start $LOAD0, at end" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "workload on CPU $WORK_CPU, tracer on CPU $TRACER_CPU;" \
		"$ROUNDS rounds x $REPS reps x $MS ms per loop"
} >"$RES/machine.txt"

python3 - "$RES" "$STORM_N" <<'PY' | tee "$RES/report.md"
import json, statistics, sys
res, storm_n = sys.argv[1], int(sys.argv[2])
cells = {}
for line in open(f"{res}/samples.txt"):
    cfg, rnd, loop, rep, ns, calls = line.split()
    cells.setdefault((cfg, loop), []).append(float(ns))
loops = [l for l in ["ok", "eperm", "eperm1", "seccomp", "okfilt", "eacces", "mdwe"] if ("none", l) in cells]
cfgs = [c for c in ["none", "empty", "epermd", "bpftrace", "base"] if (c, loops[0]) in cells]
names = {"none": "no tracer", "empty": "empty tp_btf hook (--bench-empty-hook)",
         "epermd": "epermd (daemon, json to /dev/null)",
         "bpftrace": "bpftrace one-liner (count by comm, syscall)",
         "base": "base: EPERMD_BASE (daemon, json to /dev/null)"}
print(open(f"{res}/machine.txt").read())
if "bpftrace" not in cfgs:
    print("bpftrace: not installed, no reference row\n")
print(open(f"{res}/startup.md").read())
print("| config | n | " + " | ".join(
    f"{l} min | {l} med | {l} +med | {l} x" for l in loops) + " |")
print("|---|---|" + "---|---|---|---|" * len(loops))
base = {l: statistics.median(cells[("none", l)]) for l in loops}
floor = {l: statistics.median(cells[("empty", l)]) - base[l] for l in loops}
for c in cfgs:
    row = [names[c], str(len(cells[(c, loops[0])]))]
    for l in loops:
        v = cells[(c, l)]
        med = statistics.median(v)
        row += [f"{min(v):.0f}", f"{med:.0f}", f"{med - base[l]:+.0f}", f"{med / base[l]:.2f}"]
    print("| " + " | ".join(row) + " |")
print()
print("epermd's added cost relative to the empty-hook floor of the same run "
      "((epermd - none) / (empty - none)):")
for c in [c for c in cfgs if c in ("epermd", "bpftrace", "base")]:
    print(f"{names[c]}:")
    for l in loops:
        add = statistics.median(cells[(c, l)]) - base[l]
        tot = statistics.median(cells[(c, l)]) / statistics.median(cells[("empty", l)])
        print(f"- {l}: +{add:.0f} ns vs floor +{floor[l]:.0f} ns"
              + (f" = {add / floor[l]:.2f}x the floor" if floor[l] > 0 else "")
              + f"; {add / base[l]:.2f}x the bare syscall"
              + f"; total time {tot:.3f}x the empty-hook run's")
cpu = {}
for line in open(f"{res}/tracer-cpu.txt"):
    c, r, t = line.split()
    cpu[c] = cpu.get(c, 0) + int(t)
st = [json.loads(x) for x in open(f"{res}/storm.json") if x.strip()]
stats = [x for x in st if x.get("type") == "stats"]
s = stats[-1] if stats else {}
proc = open(f"{res}/storm.proc").read().split()
ticks, tck, hwm = int(proc[1]), int(proc[3]), int(proc[5])
out = open(f"{res}/storm.out").read().split()
kv = dict(x.split("=") for x in out[1:])
print()
print(f"tracer CPU during the latency runs (all rounds): "
      + ", ".join(f"{c} {t / int(tck):.2f} s" for c, t in cpu.items()))
ks = {}
for line in open(f"{res}/kstats.txt"):
    cfg, rnd, loop, n, dur, name, dns, dcnt = line.split()
    ks.setdefault((cfg, rnd, loop), {})[name] = (int(n), int(dur), int(dns), int(dcnt))
if ks:
    print()
    print("kernel side (bpf_stats run_time_ns of the tracer's programs, median of the rounds): "
          "sys_exit ns per run as measured, and BPF ns per workload call of all programs, the "
          "host's other work taken out (sys_exit: runs beyond the workload's calls at its idle "
          "ns per run; other programs: their idle ns per second)")
    print()
    print("| config | loop | sys_exit ns/run | BPF ns per call | by program (ns per call) |")
    print("|---|---|---|---|---|")
    for c in [c for c in cfgs if c in ("epermd", "base")]:
        for l in loops:
            per, raw, parts = [], [], {}
            for (kc, rnd, kl), progs in ks.items():
                if kc != c or kl != l:
                    continue
                idle = ks.get((c, rnd, "idle"), {})
                tot = 0.0
                for name, (n, dur, dns, dcnt) in progs.items():
                    if n <= 0:
                        continue
                    _, idur, ins, inc = idle.get(name, (0, 1, 0, 0))
                    if name.startswith("ep_sys_exit") and dcnt:
                        raw.append(dns / dcnt)
                        dns -= max(dcnt - n, 0) * (ins / inc if inc else 0)
                    else:
                        dns = max(dns - ins * dur / idur, 0)
                    tot += dns / n
                    parts.setdefault(name, []).append(dns / n)
                per.append(tot)
            if not per:
                continue
            by = ", ".join(f"{k} {statistics.median(v):.0f}" for k, v in sorted(parts.items())
                           if statistics.median(v) >= 1)
            print(f"| {names[c].split(' (')[0]} | {l} | "
                  f"{statistics.median(raw) if raw else 0:.0f} | {statistics.median(per):.0f} | "
                  f"{by} |")
print()
secs = float(kv['seconds'])
print(f"storm: {storm_n} kill(1,0) as 65534 in {secs:.2f} s "
      f"(offered {float(kv['rate']) / 1e6:.2f} M calls/s) against the daemon "
      "(default ring, folding on; host-wide, so other denials of the machine count too)")
dropped = (s.get("reserve_failed", 0) + s.get("queue_dropped", 0) + s.get("fold_lost", 0))
print(f"- attempted {s.get('attempted')}, shipped {s.get('submitted')}, "
      f"folded {s.get('folded')}, delivered {s.get('delivered')}, dropped and counted "
      f"{dropped} (reserve_failed {s.get('reserve_failed')}, queue_dropped "
      f"{s.get('queue_dropped')}, fold_lost {s.get('fold_lost')})")
ok = s.get("attempted") == (s.get("submitted", 0) + s.get("reserve_failed", 0)
                            + s.get("folded", 0))
print("- conservation attempted == submitted + reserve_failed + folded: "
      + ("holds" if ok else "BROKEN"))
att = s.get("attempted") or 0
cpu_s = ticks / tck
print(f"- daemon CPU {cpu_s:.2f} s over the storm and 2 s after = "
      f"{100 * cpu_s / (secs + 2):.1f} % of a core"
      + (f", {cpu_s * 1e9 / att:.0f} ns per denial" if att else "")
      + f"; peak RSS (VmHWM) {hwm / 1024:.1f} MiB")
print(f"- output lines: {sum(1 for x in st if x.get('type') in ('denial', 'summary'))} "
      f"denial/summary records")
PY
echo "bench: results in $RES"

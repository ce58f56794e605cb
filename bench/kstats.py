#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Kernel-side cost of a tracer's BPF programs from the kernel's own statistics (bench/run.sh).

  kstats.py hold              enable BPF run-time statistics (BPF_ENABLE_STATS) for as long
                              as this process lives (a held fd: another tool that turns the
                              kernel.bpf_stats_enabled sysctl off does not stop them)
  kstats.py snap PID          one line per BPF program PID has attached (its bpf_link fds):
                              NAME RUN_TIME_NS RUN_CNT
  kstats.py diff A B PREFIX   PREFIX NAME DELTA_NS DELTA_CNT for each program in snapshot B

run_time_ns is the time the kernel spent in the program (not the wall clock of a shared
host), so the per-call figure is much steadier than the wall numbers on a loaded machine.
"""
import ctypes
import json
import os
import signal
import subprocess
import sys

SYS_BPF = 321  # x86-64
BPF_ENABLE_STATS = 32
BPF_STATS_RUN_TIME = 0


def hold():
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(128)  # union bpf_attr; enable_stats.type = 0
    attr[0:4] = BPF_STATS_RUN_TIME.to_bytes(4, "little")
    fd = libc.syscall(SYS_BPF, BPF_ENABLE_STATS, attr, ctypes.c_uint(len(attr)))
    if fd < 0:
        print(f"kstats: BPF_ENABLE_STATS: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        return 1
    print("kstats: holding BPF run-time statistics", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        signal.pause()


def prog_ids(pid):
    ids = set()
    d = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(d):
        try:
            with open(f"{d}/{fd}") as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass  # an fd closed meanwhile
    return sorted(ids)


def snap(pid):
    for i in prog_ids(pid):
        r = subprocess.run(["bpftool", "prog", "show", "id", str(i), "-j"],
                           capture_output=True, text=True)
        if r.returncode:
            continue
        p = json.loads(r.stdout)
        print(p.get("name", f"id{i}"), p.get("run_time_ns", 0), p.get("run_cnt", 0))


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            name, ns, cnt = line.split()
            out[name] = (int(ns), int(cnt))
    return out


def diff(a, b, prefix):
    old, new = read(a), read(b)
    for name, (ns, cnt) in sorted(new.items()):
        ons, ocnt = old.get(name, (0, 0))
        print(prefix, name, ns - ons, cnt - ocnt)


def main(argv):
    if len(argv) == 2 and argv[1] == "hold":
        return hold()
    if len(argv) == 3 and argv[1] == "snap":
        snap(int(argv[2]))
        return 0
    if len(argv) == 5 and argv[1] == "diff":
        diff(argv[2], argv[3], argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Check the output of guest/scenarios.sh from one VM boot.

usage: check.py SUITE MODE OUTFILE [TABLE]
  MODE     full | tp
  OUTFILE  tests/vm/cache/logs/<suite>-scenarios-<mode>.out (the job output from boot.sh)
  TABLE    append "suite<TAB>scenario<TAB>mode<TAB>result<TAB>reason" rows here
Prints one line per scenario: "ok - vm:SUITE:SCENARIO:MODE", "not ok - ... # reason" or
"skip - ...: reason". Exit status 1 when any line is "not ok".
"""
import json
import os
import re
import sys

SCENARIOS_BOTH = ["capability", "userns", "dac", "immutable", "append-only", "noexec", "nodev",
                  "rofs", "seccomp-eperm", "seccomp-eacces", "seccomp-chain", "uring-openat",
                  "uring-mkdirat", "xattr-immutable", "xattr-append", "landlock-nonnp", "mdwe"]
# tracepoint-only only: a Landlock domain entered before epermd started, seen in the credentials
SCENARIOS_TP = ["landlock-prestart"]
SCENARIOS_FULL = ["apparmor", "landlock", "landlock-fs", "landlock-create", "landlock-bind",
                  "landlock-connect", "landlock-scope-signal", "landlock-scope-unix", "yama-1",
                  "yama-2", "fanotify-open", "fanotify-exec",
                  "cgroup-device", "fapolicyd", "lockdown"]

# field -> exact string, or ("re", pattern)
EXPECT = {
    "capability": {"cause": "capability", "capability": "CAP_KILL", "errno": "EPERM"},
    "userns": {"cause": "userns", "capability": "CAP_SYS_ADMIN", "errno": "EPERM"},
    "dac": {"cause": "dac", "errno": "EACCES"},
    "immutable": {"cause": "immutable", "flag": "immutable", "errno": "EPERM"},
    "append-only": {"cause": "immutable", "flag": "append-only", "errno": "EPERM"},
    "noexec": {"cause": "mount", "mount_option": "noexec", "errno": "EACCES"},
    "nodev": {"cause": "mount", "mount_option": "nodev", "errno": "EACCES",
              "path": "/mnt/nodev/null"},
    "rofs": {"cause": "mount", "mount_option": "ro", "readonly": "mount",
             "mount_point": "/tmp/rofs", "mntns_private": True, "path": "/tmp/rofs/f",
             "errno": "EROFS"},
    # the evidence names the filter of the chain that refused and its rule (both modes: the
    # chain is read at sys_exit wherever the kernel keeps the filters' instructions). The
    # eperm and eacces filters have the same length and run one after the other: each record
    # must still name its own filter's errno.
    "seccomp-eperm": {"cause": "seccomp", "errno": "EPERM",
                      "evidence": ("re", r"^seccomp filter chain: filter 1 of 1, insn 5 "
                                         r"returned ERRNO\(1\)$")},
    "seccomp-eacces": {"cause": "seccomp", "errno": "EACCES",
                       "evidence": ("re", r"^seccomp filter chain: filter 1 of 1, insn 5 "
                                          r"returned ERRNO\(13\)$")},
    "seccomp-chain": {"cause": "seccomp", "errno": "EPERM", "path": "/tmp/sc-chain",
                      "evidence": ("re", r"^seccomp filter chain: filter 2 of 2, insn 5 "
                                         r"returned ERRNO\(1\)$")},
    "xattr-immutable": {"cause": "immutable", "flag": "immutable", "errno": "EPERM",
                        "syscall": "setxattr", "path": "/mnt/disk/ximm"},
    "xattr-append": {"cause": "immutable", "flag": "append-only", "errno": "EPERM",
                     "syscall": "removexattr", "path": "/mnt/disk/xapp"},
    # io_uring requests: the syscall they stand for, the object, the request marked
    "uring-openat": {"cause": "dac", "errno": "EACCES", "syscall": "openat",
                     "path": "/tmp/uring-secret", "io_uring.op": "OPENAT", "comm": "uringtrig"},
    "uring-mkdirat": {"cause": "dac", "errno": "EACCES", "syscall": "mkdirat",
                      "path": "/tmp/uring-ro/new", "io_uring.op": "MKDIRAT",
                      "comm": "uringtrig"},
    "apparmor": {"cause": "lsm", "lsm": "apparmor", "lsm_detail": ("re", r"trigger-aa"),
                 "errno": "EACCES"},
    # Landlock: the right the domain refused and the object; @PID@ is the pid the trigger
    # printed ("vmtrig: target pid=N" / "listener pid=N")
    "landlock": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES", "path": "/tmp/ll-x",
                 "lsm_detail": ("re", r"^make_dir$")},
    "landlock-fs": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES",
                    "syscall": ("re", r"^open(at)?$"), "path": "/tmp/ll-file",
                    "lsm_detail": ("re", r"^write_file( \(requested\))?$")},
    "landlock-create": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES",
                        "syscall": ("re", r"^open(at)?$"), "path": "/tmp/ll-new",
                        "lsm_detail": ("re", r"^make_reg$")},
    "landlock-bind": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES", "syscall": "bind",
                      "lsm_detail": "bind_tcp port 4242", "target": "port 4242",
                      "fix": ("re", r"LANDLOCK_RULE_NET_PORT")},
    "landlock-connect": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES",
                         "syscall": "connect", "lsm_detail": "connect_tcp port 4243",
                         "target": "port 4243"},
    "landlock-scope-signal": {"cause": "lsm", "lsm": "landlock", "errno": "EPERM",
                              "syscall": "kill", "lsm_detail": "scope signal",
                              "target": ("re", r"^pid @PID@ \(vmtrig\)$")},
    "landlock-scope-unix": {"cause": "lsm", "lsm": "landlock", "errno": "EPERM",
                            "syscall": "connect", "lsm_detail": "scope abstract_unix_socket",
                            "target": ("re", r"^@epermd-ll \(pid @PID@\)$")},
    "landlock-nonnp": {"cause": "lsm", "lsm": "landlock", "errno": "EPERM",
                       "syscall": "landlock_restrict_self",
                       "diagnosis": ("re", r"no_new_privs is not set .*CAP_SYS_ADMIN"),
                       "fix": ("re", r"PR_SET_NO_NEW_PRIVS")},
    # a domain entered before epermd started (tracepoint-only): seen only in the task's
    # credentials at the denial (docs/evidence.md)
    "landlock-prestart": {"cause": "lsm", "lsm": "landlock", "errno": "EACCES",
                          "path": "/tmp/llpre-x",
                          "evidence": ("re", r"credentials held a domain at the denial")},
    # the kernel's MDWE, read from mm->flags at the denial (6.3+; skipped before)
    "mdwe": {"cause": "mdwe", "errno": "EACCES", "syscall": "mmap",
             "rule": "PR_MDWE_REFUSE_EXEC_GAIN", "target": "PROT_READ|PROT_WRITE|PROT_EXEC",
             "evidence": ("re", r"^at the denial: memory-deny-write-execute on")},
    "yama-1": {"cause": "lsm", "lsm": "yama", "errno": "EPERM"},
    "yama-2": {"cause": "lsm", "lsm": "yama", "errno": "EPERM"},
    "lockdown": {"cause": "lsm", "lsm": "lockdown", "errno": "EPERM"},
    "fanotify-open": {"cause": "fanotify", "listener": ("re", r"vmtrig"), "errno": "EPERM"},
    "fanotify-exec": {"cause": "fanotify", "listener": ("re", r"vmtrig"), "errno": "EPERM"},
    "cgroup-device": {"cause": "cgroup", "errno": "EPERM"},
    "fapolicyd": {"cause": "fanotify", "listener": ("re", r"^fapolicyd\[\d+\]$"),
                  "fix": ("re", r"fapolicyd-cli --file add"), "errno": "EPERM"},
}
# Tracepoint-only mode without the capability:cap_capable tracepoint (every VM kernel up to
# 6.12) must still name the capability and the user-namespace boundary: epermd infers them from
# the syscall, its arguments and the credentials (docs/causes.md). No alternative is accepted.
TP_NO_CAPTP_ALSO = {}
TRIGGER_COMMS = {"vmtrig", "trigger-aa", "sh", "worker", "tool", "fan-exec", "uringtrig"}
# The only acceptable skip of an io_uring scenario: 5.10's io_uring_complete tracepoint has no
# request, and --features says so (daemon/tracer.c uring_choose()).
URING_OFF_510 = (r"io_uring_complete +inactive: (io_uring_complete absent, without the request "
                 r"\(5\.10\)|needs BPF atomic fetch \(5\.12\+\))")


def field_ok(rec, key, want):
    val = rec
    for part in key.split("."):  # "io_uring.op": a nested field
        val = val.get(part) if isinstance(val, dict) else None
    if isinstance(want, tuple) and isinstance(val, list):  # "evidence": any line matches
        return any(isinstance(v, str) and re.search(want[1], v) for v in val)
    if isinstance(want, tuple):
        return isinstance(val, str) and re.search(want[1], val) is not None
    if key == "capability" and isinstance(val, int):
        return False
    return val == want


def summary(rec):
    keys = ["comm", "syscall", "errno", "cause", "path", "target", "capability", "lsm",
            "lsm_detail", "flag", "mount_option", "listener"]
    return " ".join(f"{k}={rec[k]}" for k in keys if rec.get(k) not in (None, ""))


def judge(name, mode, recs, cap_tp, pid=None):
    """Returns (ok, reason)."""
    exp = dict(EXPECT[name])
    for k, v in exp.items():  # the pid the trigger printed
        if isinstance(v, tuple) and "@PID@" in v[1]:
            exp[k] = ("re", v[1].replace("@PID@", pid or "NO-PID-PRINTED"))
    alt = set()
    if mode == "tp" and not cap_tp and name in TP_NO_CAPTP_ALSO:
        alt = TP_NO_CAPTP_ALSO[name]  # empty: tracepoint-only names them by inference
    denials = [r for r in recs if r.get("type", "denial") == "denial"]
    if not denials:
        return False, "no denial record"
    for r in denials:
        if all(field_ok(r, k, v) for k, v in exp.items()):
            return True, ""
    for r in denials:
        if r.get("errno") == exp["errno"] and r.get("cause") in alt:
            return True, f"cause={r.get('cause')} accepted: no capability tracepoint on this kernel"
    # the most relevant record for the message: the trigger's, with the expected errno
    rel = [r for r in denials if r.get("errno") == exp["errno"] and r.get("comm") in TRIGGER_COMMS]
    rel = rel or [r for r in denials if r.get("errno") == exp["errno"]] or denials
    want = " ".join(f"{k}={v[1] if isinstance(v, tuple) else v}" for k, v in exp.items())
    return False, f"want {want}; got {summary(rel[0])}" + (
        f" (+{len(denials) - 1} more records)" if len(denials) > 1 else "")


def one_line(s, n=300):
    s = re.sub(r"\s+", " ", s).strip()
    return s[:n]


def startup_error(lines):
    """The daemon's own message plus the first verifier complaint, if any."""
    own = [ln for ln in lines if ln.startswith("epermd:")]
    # the verifier's verdict is the line just before "processed N insns"
    ver = [lines[i - 1] for i, ln in enumerate(lines)
           if i > 0 and re.match(r"processed \d+ insns", ln)]
    ver += [ln for ln in lines if re.search(r"failed to (attach|find|resolve)|unknown func", ln)]
    prog = [m.group(1) for ln in lines for m in [re.search(r"prog '([^']+)'", ln)] if m]
    out = own[-1] if own else (lines[-1] if lines else "")
    if prog:
        out += f" [prog {prog[0]}]"
    if ver:
        out += f" [verifier: {ver[0]}]"
    return one_line(out)


def features_ok(mode, text, rc):
    if rc == 200:
        return False, "epermd is not in the initramfs"
    if rc != 0:
        return False, f"epermd --features exited {rc}: {startup_error(text.splitlines())}"
    full = tp = None
    hooks_on = 0
    try:
        j = json.loads(text)
        m = str(j.get("mode", ""))
        full = j.get("full") is True or m == "full"
        tp = m in ("tracepoint-only", "tracepoint_only") or j.get("tracepoint_only") is True
        hooks_on = sum(1 for h in j.get("hooks", []) if isinstance(h, dict) and h.get("active")
                       and re.match(r"(fexit|fentry|lsm)", str(h.get("name", ""))))
    except (ValueError, AttributeError):
        m = re.search(r"(?im)^mode:\s*(\S+)", text)  # "mode: full" / "mode: tracepoint-only"
        if m:
            full, tp = m.group(1) == "full", m.group(1) == "tracepoint-only"
        else:
            tp = re.search(r"tracepoint[-_ ]only", text, re.I) is not None
            full = re.search(r"\bfull\b", text, re.I) is not None and not tp
        hooks_on = len(re.findall(r"(?im)^.*\b(fexit|fentry|lsm)/\S+.*\b(active|on|yes|attached)\b",
                                  text))
    if mode == "full":
        if not full:
            return False, "does not report full mode"
        if hooks_on == 0:
            return False, "reports no active fexit/LSM hook"
        return True, ""
    if not tp:
        return False, "does not report tracepoint-only mode"
    return True, ""


def landlock_features_ok(text, feat):
    """Full mode must see what the kernel's Landlock ABI (vmtrig's probe) can refuse: TCP
    rules from ABI 4 (6.7+, whose trampolines also carry is_access_to_paths_allowed's 8
    arguments: the exact missing rights), scoping from ABI 6."""
    abis = [int(a) for a in re.findall(r"(?m)^vmtrig: landlock abi=(-?\d+)", text)]
    m = re.search(r"(?m)^landlock: (.*)$", feat)
    if not abis or abis[0] < 1:
        return True, ""
    if not m:
        return False, "no landlock: line in --features"
    line, abi = m.group(1), abis[0]
    want = ["file system: the missing rights" if abi >= 4 else "file system:"]
    if abi >= 4:
        want.append("network: seen")
    if abi >= 6:
        want.append("scoping: seen")
    miss = [w for w in want if w not in line]
    if miss:
        return False, f"Landlock ABI {abi}: --features says 'landlock: {line}', want {miss}"
    return True, ""


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    suite, mode, outfile = sys.argv[1:4]
    table = open(sys.argv[4], "a") if len(sys.argv) > 4 else None
    try:
        text = open(outfile, errors="replace").read()
    except OSError as e:
        text = ""
        print(f"# cannot read {outfile}: {e}")
    cap_tp = "cap_tracepoint=yes" in text
    # without io_uring_submit_req (6.1: only io_uring_complete) a request's path is not known
    if not re.search(r"(?m)^hook \S+/io_uring_submit_req\s+active", text):
        for n in ("uring-openat", "uring-mkdirat"):
            EXPECT[n].pop("path", None)
            # and in tracepoint-only mode no file facts either: the request is reported
            # (syscall, op, errno, the submitter), its cause may stay unknown
            if mode == "tp":
                EXPECT[n].pop("cause", None)
    scen = {}
    cur = None
    feat_lines, feat_rc, in_feat = [], None, False
    shared_rc, outside = None, []  # the shared epermd's exit status, its lines outside scenarios
    for line in text.splitlines():
        line = line.rstrip("\r")
        m = re.match(r"@@SHARED-EPERMD rc=(\d+)", line)
        if m:
            shared_rc = int(m.group(1))
            continue
        m = re.match(r"@@SCEN-BEGIN name=(\S+) mode=(\S+)", line)
        if m:
            cur = scen.setdefault(m.group(1), {"recs": [], "trig": None, "rc": None,
                                               "log": [], "skip": None})
            continue
        m = re.match(r"@@SCEN-END name=(\S+) mode=\S+ rc=(\d+)", line)
        if m and cur is not None:
            cur["rc"] = int(m.group(2))
            cur = None
            continue
        m = re.match(r"@@SKIP name=(\S+) mode=\S+ reason=(.*)", line)
        if m:
            scen.setdefault(m.group(1), {"recs": [], "trig": None, "rc": None, "log": [],
                                         "skip": None})["skip"] = m.group(2)
            continue
        if line.startswith("@@FEATURES-BEGIN"):
            in_feat = True
            continue
        m = re.match(r"@@FEATURES-END mode=\S+ rc=(\d+)", line)
        if m:
            in_feat, feat_rc = False, int(m.group(1))
            continue
        if in_feat:
            feat_lines.append(line)
            continue
        if cur is None:
            outside.append(line)
            continue
        if line.startswith("@@JSON "):
            try:
                cur["recs"].append(json.loads(line[7:]))
            except ValueError:
                cur["log"].append("unparsable JSON: " + line[7:80])
            continue
        m = re.match(r"@@TRIG rc=(\d+)", line)
        if m:
            cur["trig"] = int(m.group(1))
            continue
        cur["log"].append(line)

    results = []
    if feat_rc is None:
        results.append(("features", False, "epermd --features did not run (guest died?)"))
    else:
        ok, why = features_ok(mode, "\n".join(feat_lines), feat_rc)
        if ok and mode == "full":
            ok, why = landlock_features_ok(text, "\n".join(feat_lines))
        results.append(("features", ok, why))
    names = SCENARIOS_BOTH + (SCENARIOS_FULL if mode == "full" else SCENARIOS_TP)
    subset = os.environ.get("VM_SCENARIOS", "").split()  # run.sh ran only these
    if subset:
        names = [n for n in names if n in subset]
        results = [r for r in results if r[0] in subset]
    for n in names:
        s = scen.get(n)
        if s is None:
            why = "did not run (guest crashed or timed out?)"
            if shared_rc is not None:
                why = f"the shared epermd exited {shared_rc}: " + startup_error(outside)
            results.append((n, False, why))
            continue
        if s["skip"] is not None and n.startswith("uring-"):
            on_510 = re.search(r"(?m)^kernel=5\.10\.", text) is not None
            if on_510 and re.search(URING_OFF_510, s["skip"]):
                results.append((n, True, "5.10: " + s["skip"]))
            else:
                results.append((n, False, "skipped where the io_uring hooks must run: " +
                                s["skip"]))
            continue
        if s["skip"] is not None and n.startswith("landlock") and "ABI -1 " in s["skip"]:
            results.append((n, False, "Landlock is active but its ABI could not be read: " +
                            s["skip"]))
            continue
        if s["skip"] is not None:
            results.append((n, None, s["skip"]))
            continue
        trig = [ln for ln in s["log"] if ln.startswith("vmtrig:")]
        if s["trig"] is None and s["rc"] not in (None, 0, 200):
            results.append((n, False, f"epermd exited {s['rc']} before the trigger ran: " +
                            startup_error(s["log"])))
            continue
        if s["trig"] != 0:
            results.append((n, False, "setup: the trigger did not fail as planned: " +
                            (trig[-1] if trig else "no trigger output")))
            continue
        if s["rc"] == 200:
            results.append((n, False, "epermd is not in the initramfs"))
            continue
        if s["rc"] == 124:
            results.append((n, False, "epermd timed out"))
            continue
        pids = [m.group(1) for m in (re.match(r"vmtrig: (?:target|listener) pid=(\d+)", ln)
                                     for ln in trig) if m]
        ok, why = judge(n, mode, s["recs"], cap_tp, pids[-1] if pids else None)
        if not ok and shared_rc is not None:
            why += f" (the shared epermd exited {shared_rc}: {startup_error(outside)})"
        if s["rc"] != 0:
            ok, why = False, f"epermd exited {s['rc']} ({startup_error(s['log'])}); " + why
        results.append((n, ok, why))

    bad = 0
    for n, ok, why in results:
        why = one_line(why)
        tag = f"vm:{suite}:{n}:{mode}"
        if ok is None:
            print(f"skip - {tag}: {why}")
            res = "skip"
        elif ok:
            print(f"ok - {tag}" + (f" # {why}" if why else ""))
            res = "ok"
        else:
            print(f"not ok - {tag} # {why}")
            res = "not ok"
            bad += 1
        if table:
            table.write(f"{suite}\t{n}\t{mode}\t{res}\t{why}\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""Is a suggested fix broader than needed? Reads one epermd JSON denial record on stdin and
checks every command it suggests: `fix_command` and each `backticked` command of `fix`.
Prints one line per violation and exits 1 if there is any, 0 otherwise. Used by
tests/host/fixproof.sh; the rules are the house rules (least privilege, never turn a
protection off, never hand out a secret), not a list of expected answers:

  - a file capability on a shell, interpreter or general-purpose tool
  - chmod that lets everyone write (o+w, a+w, +w, 777, 666 ...) or opens a secret
  - lowering a hardening sysctl, setenforce 0, unloading AppArmor, stopping fapolicyd,
    --privileged / unconfined containers, a whole filesystem remounted exec/dev/suid
  - chattr -i/-a on a system file
  - any command that touches a file holding a secret, and a secret's fix that does not name
    the group or helper designed for the access
  - setfacl for "other", recursively, or with the object not passed as one quoted word
"""
import json
import os
import re
import shlex
import stat
import sys

SHARED = {
    "sh", "dash", "bash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox", "toybox",
    "perl", "python", "python3", "ruby", "node", "php", "lua", "tclsh", "java", "env", "awk",
    "gawk", "mawk", "find", "xargs", "cp", "mv", "tar", "cpio", "rsync", "dd", "cat", "tee",
    "kill", "pkill", "killall", "chown", "chmod", "install", "sed", "grep", "vi", "vim",
    "nano", "less", "more", "date", "hostname", "ip", "nc", "socat", "curl", "wget", "gdb",
    "strace", "mount", "umount", "nsenter", "unshare", "setpriv", "sudo", "su", "chroot",
    "make",
}
# sysctl -> the values that switch its protection off (or lower it)
HARDENING = {
    "kernel.yama.ptrace_scope": lambda v: v in ("0", "1"),
    "fs.protected_hardlinks": lambda v: v == "0",
    "fs.protected_symlinks": lambda v: v == "0",
    "fs.protected_regular": lambda v: v == "0",
    "fs.protected_fifos": lambda v: v == "0",
    "kernel.unprivileged_bpf_disabled": lambda v: v == "0",
    "kernel.perf_event_paranoid": lambda v: v.lstrip("-").isdigit() and int(v) < 2,
    "kernel.kptr_restrict": lambda v: v == "0",
    "kernel.dmesg_restrict": lambda v: v == "0",
    "kernel.unprivileged_userns_clone": lambda v: v == "1",
    "kernel.apparmor_restrict_unprivileged_userns": lambda v: v == "0",
    "fs.suid_dumpable": lambda v: v != "0",
    "net.ipv4.ping_group_range": lambda v: len(v.split()) == 2 and v.split()[0] == "0" and
    int(v.split()[1]) >= 65534,
}
DISABLE = [
    (r"\bsetenforce\s+0\b", "switches SELinux to permissive"),
    (r"\baa-(disable|complain)\b|apparmor_parser\s+-R", "unloads or relaxes an AppArmor profile"),
    (r"systemctl\s+(stop|disable|mask)\s+(fapolicyd|apparmor|auditd)", "stops a protection"),
    (r"--privileged\b|seccomp[=:]unconfined|apparmor[=:]unconfined", "unconfines a container"),
    (r"SystemCallFilter=\s*$|NoNewPrivileges=no|ProtectSystem=no",
     "removes a unit's sandboxing"),
]
SYSTEM = ("/etc/", "/usr/", "/boot/", "/bin/", "/sbin/", "/lib", "/var/lib/", "/var/log/",
          "/opt/")


def is_shared(path):
    b = os.path.basename(path)
    if b in SHARED:
        return True
    # python3.11, perl5.36, php8.2 ...
    return re.match(r"(python|perl|php|ruby|lua|node)[0-9.]*$", b) is not None


def is_secret(path):
    if not path:
        return False
    if path in ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-"):
        return True
    if path.startswith("/etc/ssl/private/"):
        return True
    if path.startswith("/etc/ssh/ssh_host_") and not path.endswith(".pub"):
        return True
    if not path.startswith("/etc/"):
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    m = stat.S_IMODE(st.st_mode)
    return (path.startswith("/etc/") and stat.S_ISREG(st.st_mode) and st.st_uid == 0 and
            (m == 0o600 or (m == 0o640 and 0 < st.st_gid < 1000)))


def world_write(mode):
    if re.fullmatch(r"[0-7]{3,4}", mode):
        return int(mode, 8) & 0o002 != 0
    for clause in mode.split(","):
        m = re.fullmatch(r"([ugoa]*)([-+=])([rwxXst]*)", clause)
        if m and m.group(2) in "+=" and "w" in m.group(3) and \
                (m.group(1) == "" or "o" in m.group(1) or "a" in m.group(1)):
            return True
    return False


def check_words(w, obj, why):
    if not w:
        return
    cmd = os.path.basename(w[0])
    args = [a for a in w[1:] if not a.startswith("-")]
    if cmd == "setcap" and len(args) >= 2 and is_shared(args[-1]):
        why.append("file capability on the shared tool %s" % args[-1])
    if cmd == "chmod" and args and world_write(args[0]):
        why.append("chmod %s lets everyone write" % args[0])
    if cmd in ("setfacl",):
        if "-R" in w or "--recursive" in w:
            why.append("setfacl -R reaches more than the object")
        for a in w[1:]:
            if re.match(r"(o|other):", a):
                why.append("setfacl on 'other' grants everyone")
    if cmd == "sysctl":
        for a in w[1:]:
            if "=" in a:
                k, v = a.split("=", 1)
                f = HARDENING.get(k.strip())
                if f and f(v.strip()):
                    why.append("sysctl %s=%s lowers a protection" % (k, v))
    if cmd == "mount" and "-o" in w:
        opts = w[w.index("-o") + 1] if w.index("-o") + 1 < len(w) else ""
        o = opts.split(",")
        if "remount" in o and "bind" not in o and set(o) & {"exec", "dev", "suid"}:
            why.append("remounts a whole filesystem with %s" % opts)
    if cmd == "chattr" and any(re.fullmatch(r"-[ia]+", a) for a in w[1:]):
        for a in args:
            if a.startswith(SYSTEM):
                why.append("chattr clears a protection on the system file %s" % a)
    if is_secret(obj) and cmd in ("setfacl", "chmod", "chgrp", "chown", "cp", "cat", "install",
                                  "ln") and obj in w:
        why.append("%s on the secret %s" % (cmd, obj))


def commands(rec):
    out = []
    if rec.get("fix_command"):
        out.append(rec["fix_command"])
    out += re.findall(r"`([^`]+)`", rec.get("fix") or "")
    return out


def main():
    rec = json.load(sys.stdin)
    obj = rec.get("path") or ""
    why = []
    for c in commands(rec):
        for pat, what in DISABLE:
            if re.search(pat, c):
                why.append("`%s` %s" % (c, what))
        try:
            words = shlex.split(c)
        except ValueError:
            if c == rec.get("fix_command"):
                why.append("fix_command is not valid shell: %s" % c)
            continue
        # "a && b", "a; b": each simple command on its own
        cur = []
        for t in words + [";"]:
            if t in (";", "&&", "||", "|"):
                check_words(cur, obj, why)
                cur = []
            else:
                cur.append(t)
    fc = rec.get("fix_command") or ""
    if fc and obj and obj in fc and obj not in shlex.split(fc):
        why.append("fix_command does not pass %s as one shell word" % obj)
    if is_secret(obj):
        fix = rec.get("fix") or ""
        if fc:
            why.append("a one-command fix for a secret: %s" % fc)
        if not re.search(r"group|unix_chkpwd|ssl-cert|ssh-keysign|helper|PAM", fix):
            why.append("the fix for a secret names no group or helper")
        if "wrong fix" not in fix:
            why.append("the fix for a secret does not say that opening the file is wrong")
    for w in why:
        print(w)
    return 1 if why else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Honest readiness (reliability #16) with a fake NOTIFY_SOCKET: the moment READY=1 arrives,
# the live-view socket already accepts connections, the daemon already runs with its reduced
# capabilities, and a denial triggered at that instant is reported (programs attached, reader
# and worker running). WATCHDOG=1 pings come while the daemon is healthy; SIGTERM sends
# STOPPING=1 and exits 0.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root notify
need_epermd notify
mount_tracefs
t_tmpdir
if ! command -v python3 >/dev/null || ! command -v jq >/dev/null; then
	skip "notify: python3 or jq not installed"
	exit 0
fi

echo secret >"$T_TMP/secret"
chmod 0600 "$T_TMP/secret"

# The fake service manager: receive datagrams, check the world at READY=1, stop the daemon
# after two watchdog pings, print what it saw.
cat >"$T_TMP/notify.py" <<'EOF'
import os, socket, subprocess, sys, time
sock_path, ready_sock, out, trig, secret, nobody = sys.argv[1:7]
cmd = sys.argv[7:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sock_path)
s.settimeout(1.0)
env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="1000000")
p = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stderr=open(out + ".err", "w"))
msgs, pings, deadline, ready_at = [], 0, time.time() + 60, None
while time.time() < deadline and p.poll() is None:
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        continue
    for line in m.split("\n"):
        if not line:
            continue
        msgs.append(line)
        if line == "READY=1" and ready_at is None:
            ready_at = time.time()
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(ready_sock)
                print("socket-at-ready ok")
            except OSError as e:
                print("socket-at-ready " + e.strerror.replace(" ", "_"))
            c.close()
            st = open("/proc/%d/status" % p.pid).read()
            eff = [l.split()[1] for l in st.splitlines() if l.startswith("CapEff:")][0]
            print("capeff-at-ready " + eff)
            subprocess.run(nobody.split() + [trig, "--quiet", "open-read", secret])
        if line == "WATCHDOG=1" and ready_at is not None:
            pings += 1
            if pings == 2:
                p.terminate()
rc = p.wait(timeout=30)
s.settimeout(0.2)
try:
    while True:  # what was sent before the exit is still queued
        msgs.extend(x for x in s.recv(4096).decode().split("\n") if x)
except socket.timeout:
    pass
print("messages " + ",".join(m for m in dict.fromkeys(msgs) if not m.startswith("STATUS")))
print("pings %d" % pings)
print("rc %d" % rc)
EOF

OUT="$T_TMP/out.json"
res=$(python3 "$T_TMP/notify.py" "$T_TMP/notify.sock" "$T_TMP/live.sock" "$OUT" "$TRIG" \
	"$T_TMP/secret" "$NOBODY" "$EPERMD" --config=none --format=json --output="$OUT" \
	--socket="$T_TMP/live.sock" --fold-window=0 2>&1 || true)
diag "$res"

if printf '%s\n' "$res" | grep -qx 'socket-at-ready ok'; then
	ok "notify: the live-view socket accepts connections when READY=1 arrives"
else
	not_ok "notify: the live-view socket accepts connections when READY=1 arrives"
fi
eff=$(printf '%s\n' "$res" | sed -n 's/^capeff-at-ready //p')
# the drop is done: no CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN left in the effective set
if [ -n "$eff" ] && [ $((0x$eff & ((1 << 21) | (1 << 38)))) -eq 0 ]; then
	ok "notify: capabilities are already reduced at READY=1 (CapEff $eff)"
else
	not_ok "notify: capabilities are already reduced at READY=1 (CapEff '$eff')"
fi
if [ "$(jcount "$OUT" ".path == \"$T_TMP/secret\" and .errno == \"EACCES\"")" -eq 1 ]; then
	ok "notify: a denial triggered at READY=1 is reported"
else
	not_ok "notify: a denial triggered at READY=1 is reported"
	diag "$(cat "$OUT.err")"
fi
msgs=$(printf '%s\n' "$res" | sed -n 's/^messages //p')
case ",$msgs," in
*,READY=1,*WATCHDOG=1,*STOPPING=1,*)
	ok "notify: READY=1, then WATCHDOG=1 pings, then STOPPING=1" ;;
*)
	not_ok "notify: READY=1, then WATCHDOG=1 pings, then STOPPING=1 (got '$msgs')" ;;
esac
if printf '%s\n' "$res" | grep -qx 'rc 0'; then
	ok "notify: SIGTERM exits 0"
else
	not_ok "notify: SIGTERM exits 0"
fi
t_done

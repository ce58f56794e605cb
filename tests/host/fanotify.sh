#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# fanotify listeners identified at the time of the event: a listener (tests/tools/fanlisten)
# marks a file with FAN_OPEN_PERM, denies one open and exits at once. epermd (one-command
# mode, the listener is part of the command) must attribute the EPERM to fanotify and name
# that listener (comm and pid) although it is gone from /proc when the denial is diagnosed:
# the kernel's notice of its fanotify_mark() put it in the daemon's listener index.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root fanotify
need_epermd fanotify
mount_tracefs
t_tmpdir
FANL="$OUTPUT/tests/fanlisten"
if [ ! -x "$FANL" ]; then
	not_ok "fanotify: $FANL is missing (run make first)"
	exit 1
fi
export F="$T_TMP/guarded"
echo data >"$F"
READY="$T_TMP/ready"

ep_run fan --fold-window=0 -- sh -c '"$1" "$2" "$3" & l=$!; i=0
	while [ ! -e "$3" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	"$4" open-read "$2"; rc=$?; wait $l; echo "listener $l"; exit $rc' \
	fan "$FANL" "$F" "$READY" "$TRIG"
LPID=$(sed -n 's/^listener //p' "$COUT")
export LPID
expect "fanotify: a listener that exited at once is named (comm and pid)" 1 \
	'.syscall == "openat" and .path == $ENV.F' \
	'.errno == "EPERM" and .cause == "fanotify" and .listener == ("fanlisten[" + $ENV.LPID + "]")'
t_done

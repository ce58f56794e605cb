#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Privilege boundaries (docs/reliability.md): a traced process chooses paths and names, the
# daemon is root with CAP_DAC_READ_SEARCH. It must never be led to a file the process could not
# reach, never block on a file the process planted, and nothing the process names may reach a
# shell or a format string:
#   - a denial on OWN/x/secret after which the process (in the same microsecond) renames its
#     directory x away and plants x -> a root-only directory holding a bait file: the record
#     never carries the bait's mode or owner (the daemon did not follow the planted link);
#   - the same with relative paths, which the daemon resolves from /proc/PID/cwd (case 4);
#   - a FIFO as the denied object: the daemon does not open it (it would block), the next
#     denial is reported;
#   - a file named with %n %s $(...) `...` and a newline, and a command with such a name: JSON
#     holds the exact bytes, text shows them escaped on one line, the suggested fix quotes the
#     path as one shell word, and no command in the name ran.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root boundary
need_epermd boundary
mount_tracefs
t_tmpdir
BAIT=$(mktemp -d /root/epermd-bait.XXXXXX)
trap 'rm -rf "$BAIT"; t_cleanup' EXIT
chmod 0700 "$BAIT"
echo bait >"$BAIT/secret"
chown 4242:4242 "$BAIT/secret"
chmod 0641 "$BAIT/secret"

# ---- 1. a path swapped for a symlink to /root right after the denial ----
ROUNDS=${BOUNDARY_ROUNDS:-20}
cat >"$T_TMP/swap.py" <<'PY'
import os, sys
own, bait, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
rel = len(sys.argv) > 4  # relative paths from the cwd: the daemon resolves /proc/PID/cwd
if rel:
    os.chdir(own)
for i in range(rounds):
    d = os.path.join("" if rel else own, "x%d" % i)
    os.mkdir(d)
    open(os.path.join(d, "secret"), "w").close()
    os.chmod(d, 0)
    try:
        open(os.path.join(d, "secret")).close()
    except PermissionError:
        pass
    # the swap, as fast as a process can: rename away, plant the link
    os.rename(d, d + ".gone")
    os.symlink(bait, d)
PY
# swap_case NAME DIR WHAT(plural) [rel]: ROUNDS denials on DIR/xN/secret, each path swapped for a link to
# the bait right after; none of the records may carry the bait's facts
swap_case() {
	mkdir -m 0755 "$2"
	chown 65534:65534 "$2"
	# shellcheck disable=SC2086 # $NOBODY is a command and its options
	ep_run "$1" --fold-window=0 -- $NOBODY /usr/bin/python3 "$T_TMP/swap.py" "$2" "$BAIT" \
		"$ROUNDS" ${4:+"$4"}
	d=$(basename "$2")
	n=$(jcount "$OUT" ".syscall == \"openat\" and (.path | test(\"/$d/x[0-9]+/secret\$\"))")
	leak=$(jcount "$OUT" "(.path | test(\"/$d/x\")) and ((.file.uid // 0) == 4242 or
		(.file.mode // \"\") == \"0641\" or ((tostring | contains(\"epermd-bait\")) and
		((.file // {}) | length) > 0))")
	if [ "$RC" -ne 0 ] || [ "$n" -ne "$ROUNDS" ]; then
		not_ok "boundary: $ROUNDS denials on swapped $3 reported ($n, exit $RC)"
		dump_run
	elif [ "$leak" -ne 0 ]; then
		not_ok "boundary: swapped $3 led the daemon to the planted link's target ($leak records)"
		diag "$(jq -c "select(.path // \"\" | test(\"/$d/x\")) | [.path, .target, .file]" "$OUT" | head)"
	else
		ok "boundary: $ROUNDS $3 swapped for a link to /root after the denial: the bait's facts never reported"
	fi
}
swap_case swap "$T_TMP/own" paths
# ---- 4. the same through /proc/PID/cwd: relative paths, swapped after the denial ----
swap_case swaprel "$T_TMP/ownr" "relative paths (resolved from /proc/PID/cwd)" rel

# ---- 2. a FIFO as the denied object ----
mkfifo -m 0600 "$T_TMP/fifo"
# shellcheck disable=SC2086
ep_run fifo --fold-window=0 -- sh -c "$NOBODY $TRIG open-write $T_TMP/fifo;
	$NOBODY $TRIG kill 1; true"
if [ "$RC" -eq 0 ] && [ "$(jcount "$OUT" ".path == \"$T_TMP/fifo\"")" -eq 1 ] &&
	[ "$(jcount "$OUT" '.syscall == "kill"')" -eq 1 ]; then
	ok "boundary: a FIFO as the object: reported, not opened, the next denial follows"
else
	not_ok "boundary: FIFO object (exit $RC)"
	dump_run
fi

# ---- 3. hostile names ----
HD="$T_TMP/h"
mkdir -m 0755 "$HD"
# (no '/' in a name: the commands would run in the current directory, $HD)
NAME='a%n%s%x$(touch PWNED1)`touch PWNED2`;touch PWNED3
FAKE: root login'\''q"'
export HOSTILE="$HD/$NAME"
printf 'x\n' >"$HOSTILE"
chmod 0600 "$HOSTILE"
HEXE="$HD/%n\$(id)"
cp "$TRIG" "$HEXE"
chmod 0755 "$HEXE"
for fmt in json text; do
	RC=0
	OUT="$T_TMP/hostile.$fmt"
	(cd "$HD" && timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config=none --format=$fmt \
		--no-socket --fold-window=0 --output="$OUT" -- $NOBODY "$HEXE" open-read \
		"$HOSTILE") >"$T_TMP/hostile.out" 2>&1 </dev/null || RC=$?
done
pwned=$(find "$HD" "$TOP" /tmp -maxdepth 1 -name 'PWNED*' | wc -l)
OUT="$T_TMP/hostile.json"
n=$(jcount "$OUT" '.path == $ENV.HOSTILE and .comm == "%n$(id)" and .cause == "dac"')
if [ "$n" -eq 1 ] && [ "$pwned" -eq 0 ] && json_lines_valid "$OUT"; then
	ok "boundary: hostile file and command names: exact in JSON, nothing executed"
else
	not_ok "boundary: hostile names in JSON ($n records, $pwned commands ran)"
	RC=13
	dump_run
fi
# the fix is prose around commands: the path must be in it single-quoted, as sh reads it back
cat >"$T_TMP/quoted.py" <<'PY'
import os, shlex, sys
p = os.environ["HOSTILE"]
q = "'" + p.replace("'", "'\\''") + "'"
sys.exit(0 if q in sys.stdin.read() and shlex.split(q) == [p] else 1)
PY
fix=$(jq -r --arg p "$HOSTILE" 'select(.type == "denial" and .path == $p) | .fix // ""' "$OUT")
if [ -z "$fix" ]; then
	skip "boundary: the fix quotes a hostile path (no fix suggested)"
elif printf '%s' "$fix" | /usr/bin/python3 "$T_TMP/quoted.py"; then
	ok "boundary: the suggested fix single-quotes the hostile path as one shell word"
else
	not_ok "boundary: the suggested fix does not quote the hostile path: $fix"
fi
val=$(jq -r --arg p "$HOSTILE" 'select(.type == "denial" and .path == $p) | .validate // ""' "$OUT")
if [ -n "$val" ] && printf '%s' "$val" | /usr/bin/python3 -c '
import os, shlex, sys
sys.exit(0 if os.environ["HOSTILE"] in shlex.split(sys.stdin.read()) else 1)'; then
	ok "boundary: the validate command passes the hostile path as one shell word"
else
	not_ok "boundary: the validate command does not quote the hostile path: $val"
fi
T="$T_TMP/hostile.text"
if grep -q '^FAKE' "$T" || grep -q "$(printf '\033')" "$T"; then
	not_ok "boundary: a hostile name split or escaped the text output"
	diag "$(head -c 1500 "$T")"
elif grep -qF 'x0aFAKE: root login' "$T"; then
	ok "boundary: hostile names in the text output are escaped on their line"
else
	not_ok "boundary: the hostile path is not in the text output"
	diag "$(head -c 1500 "$T")"
fi
t_done

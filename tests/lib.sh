# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared helpers for the host tests. Source it from a test script after `set -eu`:
#   TOP=$(cd "$(dirname "$0")/../.." && pwd)
#   . "$TOP/tests/lib.sh"
# Each test prints "ok - NAME", "not ok - NAME" or "skip - NAME (reason)" lines; details of a
# failure go to stderr as "# ..." lines. tests/run.sh counts the lines.

: "${OUTPUT:=build}"
case "$OUTPUT" in
/*) ;;
*) OUTPUT="$TOP/$OUTPUT" ;;
esac
EPERMD="${EPERMD:-$OUTPUT/epermd}"
TRIG="${TRIG:-$OUTPUT/tests/eptrigger}"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
# Seconds one epermd one-command run may take before it counts as hung.
EP_TIMEOUT="${EP_TIMEOUT:-60}"

T_PASS=0
T_FAIL=0
T_SKIP=0

ok() {
	T_PASS=$((T_PASS + 1))
	echo "ok - $*"
}

not_ok() {
	T_FAIL=$((T_FAIL + 1))
	echo "not ok - $*"
}

skip() {
	T_SKIP=$((T_SKIP + 1))
	echo "skip - $*"
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /' >&2
}

# Exit status of a test script: 1 when anything failed.
t_done() {
	[ "$T_FAIL" -eq 0 ]
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$1 (needs root)"
		exit 0
	fi
}

# A missing binary is a failure, not a skip: `make test` builds everything first.
need_epermd() {
	for b in "$EPERMD" "$TRIG"; do
		if [ ! -x "$b" ]; then
			not_ok "$1: $b is missing (run make first)"
			exit 1
		fi
	done
}

mount_tracefs() {
	if [ ! -e /sys/kernel/tracing/events ] && [ -d /sys/kernel/tracing ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
	fi
}

# A private scratch directory, removed (after clearing chattr flags and mounts) at exit.
T_TMP=""
t_tmpdir() {
	T_TMP=$(mktemp -d /tmp/epermd-test.XXXXXX)
	chmod 0755 "$T_TMP"
	trap t_cleanup EXIT
	trap 'exit 130' INT TERM
}

t_cleanup() {
	[ -n "$T_TMP" ] && [ -d "$T_TMP" ] || return 0
	# unmount anything under the scratch directory, deepest first
	awk -v p="$T_TMP" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	chattr -R -i -a "$T_TMP" 2>/dev/null || true
	rm -rf "$T_TMP"
}

# ep_daemon NAME [PREFIX...] -- [OPTIONS...]: epermd in the background (host-wide unless the
# options say -p or a command), run under the PREFIX words (env X=Y, unshare ...), stdin
# /dev/null, stderr to $T_TMP/NAME.err. DPID is its pid; it is added to PIDS for the script's
# cleanup to stop.
ep_daemon() {
	ed_name=$1
	shift
	ed_pre=""
	while [ "$1" != -- ]; do
		ed_pre="$ed_pre $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # $ed_pre is a command prefix of words without blanks
	$ed_pre "$EPERMD" "$@" </dev/null 2>"$T_TMP/$ed_name.err" &
	DPID=$!
	PIDS="${PIDS:-} $DPID"
}

# ep_wait_started FILE [SECONDS]: until the daemon's start line is in FILE (JSON or text),
# SECONDS (default 60) at most
ep_wait_started() {
	ew_i=0
	until grep -q 'epermd [^"]* started' "$1" 2>/dev/null || [ $ew_i -ge $((${2:-60} * 10)) ]; do
		sleep 0.1
		ew_i=$((ew_i + 1))
	done
}

# ep_run TAG [EPERMD OPTIONS...] -- COMMAND ARGS...
# Runs epermd in one-command mode with JSON to $T_TMP/TAG.json, the command's stdout and
# stderr to $T_TMP/TAG.out. Sets OUT, COUT and RC (epermd's exit status; 124 = timed out).
# --config=none: the host's /etc/epermd/epermd.conf (ignore rules ...) must not change a test;
# a --config=FILE among the options wins.
ep_run() {
	OUT="$T_TMP/$1.json"
	COUT="$T_TMP/$1.out"
	shift
	RC=0
	timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config=none --format=json --no-socket \
		--output="$OUT" "$@" \
		>"$COUT" 2>&1 </dev/null || RC=$?
	[ -f "$OUT" ] || : >"$OUT"
}

# Shorthands: the default options of the scenario tests, as nobody or as root.
ep_nobody() {
	_t=$1
	shift
	ep_run "$_t" --fold-window=0 -- $NOBODY "$TRIG" "$@"
}

ep_root() {
	_t=$1
	shift
	ep_run "$_t" --fold-window=0 -- "$TRIG" "$@"
}

# jq definitions available to every expression: cap normalises "CAP_KILL"/"kill"/"cap_kill"
# to "KILL".
JQ_DEFS='def capn: (. // "") | tostring | ascii_upcase | ltrimstr("CAP_");
def denials: map(select(.type == "denial"));'

# jcount FILE EXPR: number of denial records for which EXPR holds (-1 if FILE is not JSON Lines).
jcount() {
	jq -s "$JQ_DEFS denials | map(select($2)) | length" "$1" 2>/dev/null || echo -1
}

# Every line of FILE parses as JSON on its own.
json_lines_valid() {
	jq -R -e 'fromjson | type == "object"' "$1" >/dev/null 2>&1 && [ -s "$1" ]
}

# Show what was recorded, for a failure.
dump_run() {
	diag "epermd exit status: $RC; command output:"
	diag "$(head -c 2000 "$COUT")"
	diag "denial records (type, syscall, errno, cause, path, detail):"
	diag "$(jq -c 'select(.type == "denial") | [.syscall, .errno, .cause, .path,
		(.capability // .sysctl // .flag // .mount_option // .lsm // null), .count]' \
		"$OUT" 2>&1 | head -20)"
	diag "$(grep -c . "$OUT" 2>/dev/null) JSON lines in $OUT"
}

# expect NAME WANT_RC SELECT EXPR
#   SELECT picks the records that belong to the action (e.g. .syscall == "kill"); exactly one
#   must exist (one denial per call), EXPR must hold for it, and epermd must have exited with
#   WANT_RC (the trigger's status: 1 EPERM, 13 EACCES).
expect() {
	name=$1
	want_rc=$2
	sel=$3
	expr=$4
	why=""
	if [ "$RC" -ne "$want_rc" ]; then
		why="exit status $RC, want $want_rc"
	elif ! json_lines_valid "$OUT"; then
		why="output is not valid JSON Lines"
	else
		n=$(jcount "$OUT" "$sel")
		if [ "$n" -ne 1 ]; then
			why="$n records match [$sel], want exactly 1"
		elif [ "$(jcount "$OUT" "($sel) and ($expr)")" -ne 1 ]; then
			why="the record fails [$expr]"
		fi
	fi
	if [ -z "$why" ]; then
		ok "$name"
	else
		not_ok "$name: $why"
		dump_run
	fi
}

# The final stats record of a run (empty if none).
stats_of() {
	jq -c 'select(.type == "stats")' "$1" 2>/dev/null | tail -n 1
}

# stat_field JSON NAME: a numeric stats member, or the empty string.
stat_field() {
	printf '%s' "$1" | jq -r --arg k "$2" '.[$k] // empty'
}

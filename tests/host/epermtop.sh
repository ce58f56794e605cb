#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# epermtop for real: in a tmux pane (200x50) against a running epermd, denials triggered as
# uid 65534 must show up with the right cause within two seconds; the keys must do what the
# footer says; a file name holding an escape sequence must be drawn escaped (capture-pane -e
# shows no raw ESC from it); --batch -n 2 runs clean (under the sanitizer build when
# EPERMTOP_SAN or /tmp/build-asan/epermtop exists); connection errors explain themselves.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root epermtop
need_epermd epermtop
EPERMTOP="${EPERMTOP:-$OUTPUT/epermtop}"
if [ ! -x "$EPERMTOP" ]; then
	not_ok "epermtop: $EPERMTOP is missing (run make first)"
	exit 1
fi
if ! command -v tmux >/dev/null; then
	skip "epermtop: tmux is not installed"
	exit 0
fi
mount_tracefs
t_tmpdir

SOCK="$T_TMP/run/epermd.sock"
SESS="eptop$$"
DPID=""
cleanup() {
	tmux kill-session -t "$SESS" 2>/dev/null || true
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	t_cleanup
}
trap cleanup EXIT

# no daemon yet: a one-line explanation, exit 1
rc=0
"$EPERMTOP" --socket="$SOCK" --batch >"$T_TMP/nd.out" 2>"$T_TMP/nd.err" || rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$T_TMP/nd.err")" -eq 1 ] && grep -q 'not running' "$T_TMP/nd.err"; then
	ok "epermtop: no daemon: one line saying it is not running, exit 1"
else
	not_ok "epermtop: no daemon: exit $rc: $(cat "$T_TMP/nd.err")"
fi

"$EPERMD" --format=json --output="$T_TMP/denials.json" --socket="$SOCK" >"$T_TMP/d.log" 2>&1 \
	</dev/null &
DPID=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 300 ] && kill -0 "$DPID" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -S "$SOCK" ]; then
	not_ok "epermtop: the daemon did not start"
	diag "$(head -20 "$T_TMP/d.log")"
	exit 1
fi

rc=0
$NOBODY "$EPERMTOP" --socket="$SOCK" --batch >"$T_TMP/pd.out" 2>"$T_TMP/pd.err" || rc=$?
if [ $rc -eq 1 ] && grep -q 'permission denied.*group' "$T_TMP/pd.err"; then
	ok "epermtop: not allowed: says to join the group or run as root, exit 1"
else
	not_ok "epermtop: not allowed: exit $rc: $(cat "$T_TMP/pd.err")"
fi

# the UI, without colours so that any ESC in capture-pane -e comes from attributes only
tmux new-session -d -s "$SESS" -x 200 -y 50 \
	"env NO_COLOR=1 TERM=xterm-256color LANG=C.UTF-8 $EPERMTOP --socket=$SOCK 2>$T_TMP/ui.err"
sleep 1

cap() {
	tmux capture-pane -p -t "$SESS"
}
# the table rows: between the column titles and the footer
rows() {
	cap | sed -n '/^RATE\/s\|^GROUP/,$p' | sed '1d;$d' | grep -v '^ *$' || true
}
keys() {
	tmux send-keys -t "$SESS" "$@"
	sleep 0.4
}
# wait_screen PATTERN SECONDS
wait_screen() {
	n=0
	while [ $n -lt $(($2 * 10)) ]; do
		cap | grep -q -- "$1" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# a 0600 file, and a name with an escape sequence in a 0700 directory
echo secret >"$T_TMP/secret-file"
chmod 0600 "$T_TMP/secret-file"
mkdir -m 0700 "$T_TMP/private"
ESCNAME=$(printf '\033[31mRED')
: >"$T_TMP/private/$ESCNAME"
$NOBODY cat "$T_TMP/secret-file" >/dev/null 2>&1 || true
$NOBODY cat "$T_TMP/private/$ESCNAME" >/dev/null 2>&1 || true

if wait_screen 'secret-file' 2 && cap | grep 'secret-file' | grep -q ' dac '; then
	ok "epermtop: the denial shows up within 2 s with cause dac"
else
	not_ok "epermtop: no dac row for secret-file within 2 s"
	diag "$(cap | head -12)"
fi
if wait_screen 'x1b\[31mRED' 2; then
	ok "epermtop: the escape-sequence name is shown as \\x1b[31mRED"
else
	not_ok "epermtop: escaped name not on screen"
	diag "$(cap | grep -i red | head -3)"
fi
if tmux capture-pane -p -e -t "$SESS" | grep -q "$(printf '\033')\[31m"; then
	not_ok "epermtop: capture-pane -e holds a raw ESC[31m (from the file name)"
else
	ok "epermtop: capture-pane -e shows no raw ESC from the name"
fi

# filter by text: only matching rows remain
keys / s e c r e t - f i l e Enter
r=$(rows)
if [ -n "$r" ] && ! printf '%s\n' "$r" | grep -v -q 'secret-file' && cap | grep -q 'text=secret-file'; then
	ok "epermtop: / filters: only rows matching 'secret-file' remain"
else
	not_ok "epermtop: text filter"
	diag "$r"
fi

# detail pane: diagnosis, fix, validation command, evidence; Esc closes
keys Enter
if cap | grep -q '^fix:' && cap | grep -q '^diagnosis:' && cap | grep -q '^validate:' &&
	cap | grep -q '^evidence:'; then
	ok "epermtop: Enter opens the detail pane (diagnosis, fix, validate, evidence)"
else
	not_ok "epermtop: detail pane"
	diag "$(cap | head -20)"
fi
keys Escape
cap | grep -q '^RATE/s' && ok "epermtop: Esc closes the detail pane" ||
	not_ok "epermtop: Esc did not close the detail pane"

# clear, then filter by cause
keys x f c a p Enter
r=$(rows)
if ! printf '%s\n' "$r" | grep -q ' dac ' && cap | grep -q 'cause=cap'; then
	ok "epermtop: f filters by cause (no dac rows under cause=cap)"
else
	not_ok "epermtop: cause filter"
	diag "$r"
fi
keys x u 6 5 5 3 4 Enter
r=$(rows)
if [ -n "$r" ] && ! printf '%s\n' "$r" | grep -v -q ' 65534 '; then
	ok "epermtop: u filters by uid"
else
	not_ok "epermtop: uid filter"
	diag "$r"
fi
keys x

# sorting and grouping
keys c
s1=$(cap | grep -c 'sort: count' || true)
keys l
s2=$(cap | grep -c 'sort: recent' || true)
keys s
s3=$(cap | grep -c 'sort: rate' || true)
if [ "$s1" -ge 1 ] && [ "$s2" -ge 1 ] && [ "$s3" -ge 1 ]; then
	ok "epermtop: c/l/s switch the sort (count, recent, rate)"
else
	not_ok "epermtop: sort keys ($s1 $s2 $s3)"
fi
keys c
counts=$(rows | awk '{print $2}')
if printf '%s\n' "$counts" | sort -n -r -c 2>/dev/null; then
	ok "epermtop: sorted by count, rows are in descending count order"
else
	not_ok "epermtop: count order"
	diag "$counts"
fi
keys g
if cap | grep -q 'group: process' && cap | grep -q '^GROUP'; then
	ok "epermtop: g groups by process"
else
	not_ok "epermtop: grouping"
fi
keys g g g g
keys p
cap | grep -q 'PAUSED' && ok "epermtop: p pauses" || not_ok "epermtop: p did not pause"
keys p
keys '?'
cap | grep -q 'cycle the sort' && ok "epermtop: ? shows the help" || not_ok "epermtop: no help"
keys q
# resize
tmux resize-window -t "$SESS" -x 90 -y 20 2>/dev/null || tmux resize-pane -t "$SESS" -x 90 -y 20
sleep 0.6
w=$(cap | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
if cap | grep -q '^epermd  denials' && cap | tail -n 1 | grep -q 'q quit' && [ "$w" -le 90 ]; then
	ok "epermtop: redraws for a 90x20 terminal"
else
	not_ok "epermtop: resize (widest line $w)"
	diag "$(cap)"
fi
keys q
sleep 0.5
if tmux has-session -t "$SESS" 2>/dev/null; then
	not_ok "epermtop: q did not quit"
else
	ok "epermtop: q quits"
fi
if [ -s "$T_TMP/ui.err" ]; then
	not_ok "epermtop: stderr output from the UI"
	diag "$(head -5 "$T_TMP/ui.err")"
fi

# batch, under the sanitizer build when there is one
for bin in "$EPERMTOP" ${EPERMTOP_SAN:-} $([ -x /tmp/build-asan/epermtop ] && echo /tmp/build-asan/epermtop); do
	rc=0
	timeout 20 "$bin" --socket="$SOCK" --batch -n 2 --width=400 >"$T_TMP/b.out" 2>"$T_TMP/b.err" || rc=$?
	n=$(grep -c '^epermd  denials' "$T_TMP/b.out" || true)
	if [ $rc -eq 0 ] && [ "$n" -eq 2 ] && grep -q 'secret-file' "$T_TMP/b.out" &&
		! grep -q "$(printf '\033')" "$T_TMP/b.out" &&
		! grep -q 'runtime error\|AddressSanitizer' "$T_TMP/b.err"; then
		ok "epermtop: $bin --batch -n 2 prints two escaped snapshots"
	else
		not_ok "epermtop: $bin --batch -n 2: exit $rc, $n snapshots"
		diag "$(head -5 "$T_TMP/b.err")" "$(head -12 "$T_TMP/b.out")"
	fi
done

t_done

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Fleet forwarding (docs/journal.md "Forwarding"): epermd's journal records travel through
# systemd-journal-upload -> systemd-journal-remote (HTTP over loopback) with every field intact.
#   - real denials as uid 65534 (a hostile file name: spaces, quotes, backslash, tab, newline,
#     UTF-8; a missing capability; a storm folded into a summary) go to a real journald;
#   - systemd-journal-upload sends the local journal from a marker cursor on, with its state in
#     a scratch file; systemd-journal-remote writes one file (--split-mode=none);
#   - every epermd record arrives with the same fields and values as in the local journal
#     (repeated fields compared as sets: the journal does not keep their order), the hostile
#     name decodes to the file's name byte for byte, and a second upload from the saved state
#     sends only what is new (no duplicates).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-journald.sh"
JD_TEST=journal-remote

need_root journal-remote
need_epermd journal-remote
mount_tracefs
t_tmpdir

# Unpacked, not installed (its units would listen on the host), at the host systemd's version
# (the binaries link libsystemd-shared).
JR_ROOT=$(sh "$TOP/tests/tools/unpack-deb.sh" systemd-journal-remote \
	"$(dpkg-query -W -f='${Version}' systemd 2>/dev/null)") || true
REMOTE=$JR_ROOT/lib/systemd/systemd-journal-remote
UPLOAD=$JR_ROOT/lib/systemd/systemd-journal-upload
MSGID_DAC=55861ab55223468883022d2d66cd5283
MSGID_CAPABILITY=d00f3c5e3cc0408e9b76be6933286664
STORM_N=2000
REMOTE_PID=""

cleanup() {
	if [ -n "$REMOTE_PID" ]; then
		kill "$REMOTE_PID" 2>/dev/null || true
		wait "$REMOTE_PID" 2>/dev/null || true
	fi
	jd_stop
	t_cleanup
}
trap cleanup EXIT

case $JR_ROOT in
skip*)
	skip "journal-remote (${JR_ROOT#skip })"
	exit 0
	;;
esac
if [ ! -x "$REMOTE" ] || [ ! -x "$UPLOAD" ]; then
	not_ok "journal-remote: systemd-journal-remote could not be unpacked: $JR_ROOT"
	exit 1
fi
rc=0
jd_start || rc=$?
if [ "$rc" -eq 2 ]; then
	skip "journal-remote (no journald at $JOURNALD)"
	exit 0
elif [ "$rc" -ne 0 ]; then
	not_ok "journal-remote: journald did not come up"
	exit 1
fi
jd_mark || {
	not_ok "journal-remote: the marker record did not reach the journal"
	exit 1
}

# ---- the receiver: a free loopback port, one output file ----
mkdir "$T_TMP/remote"
RFILE="$T_TMP/remote/remote.journal"
PORT=""
for p in $((19600 + $$ % 300)) $((19900 + $$ % 97)) 19532 29532; do
	if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
		PORT=$p
		break
	fi
done
if [ -z "$PORT" ]; then
	not_ok "journal-remote: no free loopback port"
	exit 1
fi
"$REMOTE" --listen-http="127.0.0.1:$PORT" --output="$RFILE" --split-mode=none \
	</dev/null >"$T_TMP/remote.log" 2>&1 &
REMOTE_PID=$!
i=0
until ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q . || [ "$i" -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if ! kill -0 "$REMOTE_PID" 2>/dev/null || [ "$i" -ge 50 ]; then
	not_ok "journal-remote: systemd-journal-remote does not listen on 127.0.0.1:$PORT"
	diag "$(cat "$T_TMP/remote.log")"
	exit 1
fi

# ---- real denials into the local journal ----

PRIV="$T_TMP/priv"
mkdir "$PRIV"
chmod 0700 "$PRIV"
HOSTILE=$(printf '%s/sp ace "dq" '"'"'sq'"'"' back\\slash\ttab\nFAKE: root login \303\274\342\202\254\360\237\230\200' "$PRIV")
: >"$HOSTILE"
# shellcheck disable=SC2086 # $NOBODY is a command and its options
jd_epermd hostile $NOBODY "$TRIG" open-read "$HOSTILE"
jd_check "hostile open: epermd exit status (EACCES)" "$RC" 13
# shellcheck disable=SC2086
jd_epermd kill $NOBODY "$TRIG" kill 1
jd_check "kill 1: epermd exit status (EPERM)" "$RC" 1
# shellcheck disable=SC2086
jd_epermd storm $NOBODY "$TRIG" storm "$STORM_N"
jd_check "storm: epermd exit status" "$RC" 0

# local FILE: this epermd's records after the marker in the local journal (_EXE: another
# epermd tracing the whole system at the same time would log our denials too)
EXE_REAL=$(readlink -f "$EPERMD")
local_records() {
	journalctl --sync 2>/dev/null || true
	journalctl -o json --all --cursor="$JD_CURSOR" SYSLOG_IDENTIFIER=epermd \
		_EXE="$EXE_REAL" >"$1" || true
}
L="$T_TMP/local.json"
R="$T_TMP/remote.json"
HSEL='(.EPERM_PATH // "" | tostring | contains("FAKE: root login"))'
SSEL="(.EPERM_SYSCALL == \"kill\" and .EPERM_TYPE == \"summary\" and .EPERM_COUNT == \"$STORM_N\")"
i=0
while :; do
	local_records "$L"
	n=$(jq -s "([.[] | select($HSEL)] | length > 0) and ([.[] | select($SSEL)] | length > 0)" \
		"$L" 2>/dev/null || echo false)
	[ "$n" = true ] || [ "$i" -ge 50 ] || {
		sleep 0.1
		i=$((i + 1))
		continue
	}
	break
done
nlocal=$(grep -c . "$L" || true)
diag "local journal: $nlocal epermd records after the marker"
if [ "$n" != true ]; then
	not_ok "journal-remote: the local journal lacks the hostile record or the storm's summary"
	diag "$(jq -c '{EPERM_TYPE, EPERM_SYSCALL, EPERM_PATH, EPERM_COUNT}' "$L" | head -20)"
	exit 1
fi

# ---- upload ----
STATE="$T_TMP/upload.state"
upload() {
	timeout -k 5 60 "$UPLOAD" --url="http://127.0.0.1:$PORT" --save-state="$STATE" \
		--follow=no "$@" >>"$T_TMP/upload.log" 2>&1
}
# remote_records FILE WANT: epermd's records in the remote file, polled until WANT are there
remote_records() {
	_i=0
	while :; do
		journalctl --file="$RFILE" -o json --all SYSLOG_IDENTIFIER=epermd \
			_EXE="$EXE_REAL" >"$1" 2>/dev/null || : >"$1"
		[ "$(grep -c . "$1" || true)" -ge "$2" ] || [ "$_i" -ge 50 ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
}
if upload --cursor="$JD_CURSOR"; then
	ok "journal-remote: systemd-journal-upload sent the local journal"
else
	not_ok "journal-remote: systemd-journal-upload failed"
	diag "$(tail -n 20 "$T_TMP/upload.log")" "$(tail -n 20 "$T_TMP/remote.log")"
fi
if grep -q '^LAST_CURSOR=' "$STATE" 2>/dev/null; then
	ok "journal-remote: the upload state was saved to $STATE"
else
	not_ok "journal-remote: no LAST_CURSOR in the upload state file"
fi
remote_records "$R" "$nlocal"
jd_check "every epermd record arrived (count)" "$(grep -c . "$R" || true)" "$nlocal"

# The user fields of every record (those without a leading underscore), keys sorted (journalctl
# prints an entry's fields in file order) and repeated fields as sorted arrays: the local and the
# remote set must be equal.
NORM='[.[] | to_entries | map(select(.key | startswith("_") | not)
	| .value |= (if type == "array" then sort else . end)) | sort_by(.key) | from_entries]
	| sort_by(tojson)'
if [ "$(jq -s -c "$NORM" "$L")" = "$(jq -s -c "$NORM" "$R")" ]; then
	ok "journal-remote: every field of every record equals the local journal's"
else
	not_ok "journal-remote: the remote records differ from the local ones"
	jq -s -c "$NORM | .[]" "$L" >"$T_TMP/l.norm"
	jq -s -c "$NORM | .[]" "$R" >"$T_TMP/r.norm"
	diag "$(diff "$T_TMP/l.norm" "$T_TMP/r.norm" | head -c 3000)"
fi

# ---- the records as a fleet consumer reads them ----
hrec=$(jq -c "select($HSEL)" "$R" | head -n 1)
hf() { printf '%s' "$hrec" | jq -r ".$1 // \"\" | if type == \"array\" then join(\"|\") else . end"; }
jd_check "hostile: one denial record" "$(jq -s "[.[] | select($HSEL)] | length" "$R")" 1
jd_check "hostile: MESSAGE_ID (dac)" "$(hf MESSAGE_ID)" "$MSGID_DAC"
jd_check "hostile: PRIORITY" "$(hf PRIORITY)" 6
jd_check "hostile: EPERM_TYPE" "$(hf EPERM_TYPE)" denial
jd_check "hostile: EPERM_CAUSE" "$(hf EPERM_CAUSE)" dac
jd_check "hostile: EPERM_ERRNO" "$(hf EPERM_ERRNO)" EACCES
jd_check "hostile: EPERM_SYSCALL" "$(hf EPERM_SYSCALL)" openat
jd_check "hostile: EPERM_UID" "$(hf EPERM_UID)" 65534
jd_check "hostile: EPERM_COUNT" "$(hf EPERM_COUNT)" 1
for k in MESSAGE EPERM_FIX EPERM_VALIDATE EPERM_EVIDENCE EPERM_PID EPERM_COMM EPERM_SEQ \
	EPERM_SYSCALL_NR EPERM_FIRST_SEEN EPERM_LAST_SEEN EPERM_INCIDENT; do
	if [ -n "$(hf "$k")" ]; then
		ok "journal-remote: hostile: $k arrived"
	else
		not_ok "journal-remote: hostile: $k is missing"
	fi
done
# The value is a JSON string body (docs/journal.md "Escaping"): decoded, it is the file's name.
dec=$(printf '%s' "$hrec" | jq -r --arg want "$HOSTILE" \
	'(("\"" + .EPERM_PATH + "\"") | fromjson) == $want')
jd_check "hostile: EPERM_PATH decodes to the file name byte for byte" "$dec" true
jd_check "hostile: EPERM_PATH is a string, no control byte" \
	"$(printf '%s' "$hrec" | jq '.EPERM_PATH | type == "string" and (test("[\u0000-\u001f\u007f]") | not)')" true
jd_check "hostile: UTF-8 arrives as UTF-8" \
	"$(printf '%s' "$hrec" | jq -r '.EPERM_PATH | contains("\u00fc\u20ac\ud83d\ude00")')" true
jd_check "hostile: no record was split off" \
	"$(jq -s '[.[] | select(.MESSAGE // "" | tostring | startswith("FAKE"))] | length' "$R")" 0

krec=$(jq -c 'select(.EPERM_SYSCALL == "kill" and .EPERM_TYPE == "denial"
	and .EPERM_CAUSE == "capability")' "$R" | head -n 1)
jd_check "kill: MESSAGE_ID (capability)" "$(printf '%s' "$krec" | jq -r '.MESSAGE_ID')" \
	"$MSGID_CAPABILITY"
jd_check "kill: EPERM_CAPABILITY" \
	"$(printf '%s' "$krec" | jq -r '.EPERM_CAPABILITY // "" | ascii_upcase | ltrimstr("CAP_")')" KILL
jd_check "storm: the summary's EPERM_COUNT is the exact total" \
	"$(jq -s "[.[] | select($SSEL)] | length > 0" "$R")" true
jd_check "storm: summary PRIORITY is notice" \
	"$(jq -s -r "[.[] | select($SSEL)] | last | .PRIORITY" "$R")" 5
jd_check "the journal's own metadata came along (_HOSTNAME, _BOOT_ID)" \
	"$(jq -s '[.[] | select(has("_HOSTNAME") and has("_BOOT_ID"))] | length' "$R")" "$nlocal"

# ---- a second upload continues from the saved state ----
SECOND="$PRIV/second"
: >"$SECOND"
# shellcheck disable=SC2086
jd_epermd second $NOBODY "$TRIG" open-read "$SECOND"
i=0
until [ "$(jq -s "[.[] | select(.EPERM_PATH == \"$SECOND\")] | length" "$L")" -ge 1 ] ||
	[ "$i" -ge 50 ]; do
	sleep 0.1
	local_records "$L"
	i=$((i + 1))
done
nlocal=$(grep -c . "$L" || true)
if upload; then
	ok "journal-remote: the second upload (from the saved state) succeeded"
else
	not_ok "journal-remote: the second upload failed"
	diag "$(tail -n 20 "$T_TMP/upload.log")"
fi
remote_records "$R" "$nlocal"
jd_check "second upload: the new record arrived, nothing twice" \
	"$(grep -c . "$R" || true) $(jq -s "[.[] | select(.EPERM_PATH == \"$SECOND\")] | length" "$R")" \
	"$nlocal 1"
if [ "$(jq -s -c "$NORM" "$L")" != "$(jq -s -c "$NORM" "$R")" ]; then
	not_ok "journal-remote: after the second upload the remote records differ"
else
	ok "journal-remote: after the second upload local and remote are equal"
fi

t_done

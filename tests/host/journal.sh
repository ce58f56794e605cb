#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The journal sink against a real journald (reliability #6/#7/#8, docs/journal.md):
#   - an EACCES open of a 0600 root file: fields, MESSAGE_ID per cause, PRIORITY, the catalog
#     text through `journalctl -x`;
#   - a storm of 20 000 identical kill(1, 0): a handful of records, the exact total in
#     EPERM_COUNT of the last summary, no journald "Suppressed" record;
#   - a path with a newline, ESC and invalid UTF-8: escaped in every field, never a split record.
# Starts /lib/systemd/systemd-journald if none runs and stops it again at the end. The catalog
# is compiled into a scratch root and bind-mounted over /var/lib/systemd/catalog in a private
# mount namespace, so the host's catalog is never touched.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-journald.sh"

need_root journal
need_epermd journal
mount_tracefs
t_tmpdir

STORM_N=${JOURNAL_STORM_N:-20000}
MSGID_DAC=55861ab55223468883022d2d66cd5283
MSGID_CAPABILITY=d00f3c5e3cc0408e9b76be6933286664
MSGID_SUPPRESSED=a596d6fe7bfa4994828e72309e95d61e

trap 'jd_stop; t_cleanup' EXIT

rc=0
jd_start || rc=$?
if [ "$rc" -eq 2 ]; then
	skip "journal (no journald at $JOURNALD)"
	exit 0
elif [ "$rc" -ne 0 ]; then
	not_ok "journal: journald did not come up"
	exit 1
fi

# A marker record fixes the starting point: every query reads only what came after it.
if ! jd_mark; then
	not_ok "journal: the marker record did not reach the journal"
	exit 1
fi
CURSOR=$JD_CURSOR

# jq over the epermd records after the marker (one JSON object per line in $J).
J="$T_TMP/j.json"
# Only this binary's records: another epermd on the host may log the same denials.
EP_EXE=$(readlink -f "$EPERMD")
jq_n() {
	jq -s "[.[] | select($1)] | length" "$J" 2>/dev/null || echo -1
}
# jfetch SELECT: journald reads its sockets asynchronously (even --sync does not order it after
# our datagrams), so poll up to 5 s until a record matching SELECT is there.
jfetch() {
	i=0
	while :; do
		journalctl --sync 2>/dev/null || true
		journalctl -o json --all --cursor="$CURSOR" SYSLOG_IDENTIFIER=epermd \
			_EXE="$EP_EXE" >"$J" || true
		if [ "$(jq_n "$1")" -ge 1 ] || [ "$i" -ge 50 ]; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
}


# ---- 1. one EACCES on a 0600 root file ----
SECRET="$T_TMP/secret"
echo secret >"$SECRET"
chmod 0600 "$SECRET"
# shellcheck disable=SC2086 # $NOBODY is a command and its options
jd_epermd open $NOBODY "$TRIG" open-read "$SECRET"
jd_check "epermd exit status is the command's (EACCES)" "$RC" 13
SEL=".EPERM_SYSCALL == \"openat\" and .EPERM_PATH == \"$SECRET\" and .EPERM_TYPE == \"denial\""
jfetch "$SEL"
n=$(jq_n "$SEL")
jd_check "one denial record for the open of $SECRET" "$n" 1
if [ "$n" -eq 1 ]; then
	rec=$(jq -c "select($SEL)" "$J")
	f() { printf '%s' "$rec" | jq -r ".$1 // \"\" | if type == \"array\" then join(\"|\") else . end"; }
	jd_check "EPERM_ERRNO" "$(f EPERM_ERRNO)" EACCES
	jd_check "EPERM_CAUSE" "$(f EPERM_CAUSE)" dac
	jd_check "MESSAGE_ID of cause dac" "$(f MESSAGE_ID)" "$MSGID_DAC"
	jd_check "PRIORITY of a diagnosis is info" "$(f PRIORITY)" 6
	jd_check "EPERM_UID" "$(f EPERM_UID)" 65534
	jd_check "EPERM_COUNT" "$(f EPERM_COUNT)" 1
	# EPERM_EXE is always there, empty when the process exited before /proc was read
	jd_check "EPERM_EXE is present" "$(printf '%s' "$rec" | jq 'has("EPERM_EXE")')" true
	for k in MESSAGE EPERM_PID EPERM_COMM EPERM_INCIDENT EPERM_FIRST_SEEN \
		EPERM_LAST_SEEN EPERM_SYSCALL_NR EPERM_SEQ; do
		if [ -n "$(f "$k")" ]; then
			ok "journal: $k is present"
		else
			not_ok "journal: $k is missing"
		fi
	done
	if f EPERM_FIRST_SEEN | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'; then
		ok "journal: EPERM_FIRST_SEEN is RFC 3339 with nanoseconds"
	else
		not_ok "journal: EPERM_FIRST_SEEN is '$(f EPERM_FIRST_SEEN)'"
	fi
	bad=$(printf '%s' "$rec" | jq -r 'to_entries[] | select(.key | startswith("EPERM_") | not)
		| select(.key | test("^(MESSAGE|MESSAGE_ID|PRIORITY|SYSLOG_IDENTIFIER|_.*)$") | not) | .key')
	jd_check "no field outside the EPERM_ namespace" "$bad" ""
else
	dump_j() { diag "$(jq -c '{EPERM_TYPE, EPERM_SYSCALL, EPERM_PATH, EPERM_CAUSE}' "$J" | head -20)"; }
	dump_j
	diag "$(head -c 2000 "$COUT")"
fi

# The catalog: compile it into a scratch root, show it through `journalctl -x` in a private
# mount namespace where that database covers /var/lib/systemd/catalog.
CROOT="$T_TMP/croot"
mkdir -p "$CROOT/usr/lib/systemd/catalog"
cp "$TOP/systemd/epermd.catalog" "$CROOT/usr/lib/systemd/catalog/"
if journalctl --root="$CROOT" --update-catalog 2>"$T_TMP/cat.err" &&
	[ -s "$CROOT/var/lib/systemd/catalog/database" ]; then
	ok "journal: the catalog compiles"
	ncat=$(journalctl --root="$CROOT" --list-catalog 2>/dev/null | grep -c ' epermd: ' || true)
	nids=$(grep -c '^#define EP_MSGID_[A-Z_]*[[:space:]]*"' "$TOP/daemon/lib/msgids.h" || true)
	jd_check "one catalog entry per MESSAGE_ID in daemon/lib/msgids.h" "$ncat" "$nids"
	[ -d /var/lib/systemd/catalog ] || mkdir -p /var/lib/systemd/catalog
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1" /var/lib/systemd/catalog &&
		journalctl -x --no-pager --cursor="$2" SYSLOG_IDENTIFIER=epermd \
			MESSAGE_ID="$3" EPERM_PATH="$4"' sh \
		"$CROOT/var/lib/systemd/catalog" "$CURSOR" "$MSGID_DAC" "$SECRET" \
		>"$T_TMP/x.txt" 2>&1 || true
	if grep -q "Subject: File permissions deny eptrigger access to $SECRET" "$T_TMP/x.txt" &&
		grep -q "Defined-By: epermd" "$T_TMP/x.txt" &&
		grep -q "called openat" "$T_TMP/x.txt"; then
		ok "journal: journalctl -x shows the catalog text with the fields filled in"
	else
		not_ok "journal: journalctl -x does not show the dac catalog entry"
		diag "$(head -c 1500 "$T_TMP/x.txt")"
	fi
else
	not_ok "journal: journalctl --update-catalog failed"
	diag "$(cat "$T_TMP/cat.err")"
fi

# ---- 2. a storm of identical kill(1, 0) ----
# Ring and queue hold the whole storm, so every denial reaches the incident table and the
# exact total must show up; a loss would be reported in the stats record (shown on failure).
t0=$(date +%s)
# shellcheck disable=SC2086 # $NOBODY is a command and its options
jd_epermd storm $NOBODY "$TRIG" storm "$STORM_N"
t1=$(date +%s)
jd_check "storm: epermd exit status" "$RC" 0
KSEL='.EPERM_SYSCALL == "kill" and .EPERM_UID == "65534"'
jfetch "$KSEL and .EPERM_TYPE == \"summary\" and .EPERM_COUNT == \"$STORM_N\""
nrec=$(jq_n "$KSEL")
nnew=$(jq_n "$KSEL and .EPERM_TYPE == \"denial\"")
nsum=$(jq_n "$KSEL and .EPERM_TYPE == \"summary\"")
total=$(jq -s "[.[] | select($KSEL) | .EPERM_COUNT | tonumber] | max // 0" "$J" 2>/dev/null ||
	echo -1)
diag "storm: $STORM_N calls in $((t1 - t0)) s -> $nrec records ($nnew new, $nsum summaries)"
jd_check "storm: one denial record for the incident" "$nnew" 1
if [ "$nsum" -ge 1 ] && [ "$nrec" -le 20 ]; then
	ok "journal: storm: folded into $nrec records"
else
	not_ok "storm: $nrec records ($nsum summaries) for $STORM_N identical denials"
fi
jd_check "storm: the last summary's EPERM_COUNT is the exact total" "$total" "$STORM_N"
lastsum=$(jq -s "[.[] | select($KSEL and .EPERM_TYPE == \"summary\")] | last
	| {c: .EPERM_COUNT, p: .PRIORITY, m: .MESSAGE_ID, cause: .EPERM_CAUSE}" -c "$J" 2>/dev/null)
jd_check "storm: summaries are NOTICE with the cause's MESSAGE_ID" \
	"$(printf '%s' "$lastsum" | jq -r '"\(.p) \(.m) \(.cause)"')" "5 $MSGID_CAPABILITY capability"
if [ "$total" != "$STORM_N" ]; then
	diag "$(jq -c "select(.EPERM_TYPE == \"stats\" or .EPERM_TYPE == \"alarm\")
		| with_entries(select(.key | startswith(\"EPERM_STAT_\") or . == \"MESSAGE\"))" "$J" |
		tail -n 3)"
fi
nsup=$(journalctl -o json --all --cursor="$CURSOR" MESSAGE_ID="$MSGID_SUPPRESSED" |
	grep -c . || true)
jd_check "storm: journald suppressed nothing (no $MSGID_SUPPRESSED record)" "$nsup" 0

# ---- 3. hostile names ----
PRIV="$T_TMP/priv"
mkdir "$PRIV"
chmod 0700 "$PRIV"
HOSTILE=$(printf '%s/a\nFAKE: root login\033[2J\377x' "$PRIV")
: >"$HOSTILE"
# shellcheck disable=SC2086 # $NOBODY is a command and its options
jd_epermd hostile $NOBODY "$TRIG" open-read "$HOSTILE"
jd_check "hostile: epermd exit status (EACCES)" "$RC" 13
WANT="$PRIV/a\\u000aFAKE: root login\\u001b[2J\\u00ffx"
jfetch '.EPERM_PATH // "" | contains("FAKE")'
n=$(jq -s --arg p "$WANT" '[.[] | select(.EPERM_PATH == $p)] | length' "$J" 2>/dev/null || echo -1)
jd_check "hostile: EPERM_PATH arrives escaped (\\u000a, \\u001b, \\u00ff)" "$n" 1
if [ "$n" -ne 1 ]; then
	diag "$(jq -c 'select(.EPERM_SYSCALL == "openat") | .EPERM_PATH' "$J" | tail -n 5)"
fi
nfake=$(jq_n '(.MESSAGE // "" | tostring | startswith("FAKE"))')
jd_check "hostile: no record was split off ('FAKE: ...' as a message)" "$nfake" 0
nraw=$(jq -s '[.[] | to_entries[] | select(.key | startswith("EPERM_") or . == "MESSAGE")
	| .value | if type == "array" then .[] else . end
	| select(type != "string" or test("[\u0001-\u001f\u007f-\u009f]"))] | length' "$J" \
	2>/dev/null || echo -1)
jd_check "hostile: no EPERM_ or MESSAGE value holds a control byte or raw bytes" "$nraw" 0
nesc=$(journalctl --no-pager -o short --cursor="$CURSOR" SYSLOG_IDENTIFIER=epermd |
	tr -d '\n' | tr -dc '\033' | wc -c)
jd_check "hostile: journalctl's text output holds no ESC" "$nesc" 0

t_done

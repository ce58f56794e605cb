#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Least privilege, measured (reliability #12, docs/capabilities.md). The daemon runs in the
# background under `setpriv --bounding-set` with the unit's capability set, then with each
# capability removed in turn, while uid 65534 triggers two real denials:
#   A  open of a file inside a 0700 directory owned by uid 1234 (absolute path);
#   B  open of a 0600 root file by a relative path, from a cwd the daemon must resolve.
# With the unit's set every field is there; without CAP_BPF or CAP_PERFMON the start fails
# with a clear message and a non-zero exit; without CAP_DAC_READ_SEARCH A loses the file's
# mode and owner; without CAP_SYS_PTRACE B loses the absolute path and the file. After start
# every thread's CapEff/CapPrm is the minimum (CAP_BPF only where the kernel checks it on map
# reads), CapAmb is empty and no_new_privs is set. One-command mode still works, and its
# command keeps the caller's capabilities.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root caps
need_epermd caps
mount_tracefs
t_tmpdir
for c in setpriv jq; do
	if ! command -v "$c" >/dev/null; then
		skip "caps: $c not installed"
		exit 0
	fi
done

UNIT="$TOP/systemd/epermd.service"
# "CAP_BPF CAP_PERFMON ..." -> "bpf perfmon ..."
UNIT_CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z' 'a-z' | sed 's/cap_//g')
if [ -z "$UNIT_CAPS" ]; then
	not_ok "caps: no CapabilityBoundingSet= in $UNIT"
	exit 1
fi

# The expected minimum after start: the enrichment capabilities, plus CAP_BPF where the daemon
# found that reading a map still needs it (some kernels before 6.5 while
# kernel.unprivileged_bpf_disabled is set; its start line then says so, and the final
# counters prove the reads work with what it kept).
bit() { printf '%d' $((1 << $1)); }
CAP_DAC_READ_SEARCH=2 CAP_KILL=5 CAP_SYS_PTRACE=19 CAP_BPF=39
WANT=$(($(bit $CAP_DAC_READ_SEARCH) | $(bit $CAP_SYS_PTRACE)))
hex() { printf '%016x' "$1"; }

# Fixture: A's directory belongs to uid 1234 (mode 0700); B's file is 0600 root in a 0755
# directory.
W="$T_TMP/w"
mkdir -p "$W/priv" "$W/pub"
chmod 0755 "$W" "$W/pub"
echo a >"$W/priv/f"
chmod 0600 "$W/priv/f"
chown -R 1234:1234 "$W/priv"
chmod 0700 "$W/priv"
echo b >"$W/pub/secret"
chmod 0600 "$W/pub/secret"

# run_daemon TAG CAPS: the daemon under the bounding set CAPS ("bpf perfmon ..."), both
# triggers, SIGTERM. Sets RC, OUT, ERR, STATUS (every thread's cap lines after start).
run_daemon() {
	local tag=$1 bset="-all" cap pid i s
	for cap in $2; do bset="$bset,+$cap"; done
	OUT="$T_TMP/$tag.json"
	ERR="$T_TMP/$tag.err"
	STATUS="$T_TMP/$tag.status"
	: >"$OUT"
	: >"$STATUS"
	setpriv --bounding-set="$bset" "$EPERMD" --config=none --format=json --output="$OUT" \
		--no-socket --fold-window=0 2>"$ERR" </dev/null &
	pid=$!
	i=0
	while ! grep -q '"epermd [^"]* started' "$OUT" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || [ "$i" -ge 150 ]; then
			break
		fi
		sleep 0.2
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		for s in /proc/"$pid"/task/*/status; do
			grep -E '^(Name|CapEff|CapPrm|CapAmb|CapBnd|NoNewPrivs):' "$s" | tr '\n' ' '
			echo
		done >"$STATUS" 2>/dev/null || true
		$NOBODY "$TRIG" --quiet --linger=1000 open-read "$W/priv/f" || true
		(cd "$W/pub" && $NOBODY "$TRIG" --quiet --linger=1000 open-read secret) || true
		sleep 1
		kill -TERM "$pid" 2>/dev/null || true
	fi
	RC=0
	wait "$pid" || RC=$?
}

# field TRIGGER: what the daemon recorded for it: "path|file mode|file uid" (empty if nothing).
field() {
	case $1 in
	A) sel=".path == \"$W/priv/f\"" ;;
	B) sel=".path == \"$W/pub/secret\" or .path == \"secret\"" ;;
	esac
	jq -r "select(.type == \"denial\" and .comm == \"eptrigger\" and ($sel))
		| \"\(.path)|\(.file.mode // \"-\")|\(.file.uid // \"-\")\"" "$OUT" 2>/dev/null |
		head -n 1
}

TABLE="$T_TMP/table"
row() { printf '%-28s | %-7s | %-32s | %-40s\n' "$@" >>"$TABLE"; }
row "bounding set" "start" "A: file in 0700 dir of uid 1234" "B: relative path from the cwd"

# 1. The unit's set: everything works, and the daemon ends up with the minimum.
run_daemon unit "$UNIT_CAPS"
a=$(field A)
b=$(field B)
row "$UNIT_CAPS" "rc=$RC" "$a" "$b"
if [ "$RC" -eq 0 ] && [ "$a" = "$W/priv/f|0600|1234" ] && [ "$b" = "$W/pub/secret|0600|0" ]; then
	ok "caps: with the unit's set ($UNIT_CAPS) both denials are fully enriched"
else
	not_ok "caps: with the unit's set ($UNIT_CAPS): rc=$RC A='$a' B='$b'"
	diag "$(cat "$ERR")"
fi
start=$(jq -r 'select(.type == "alarm" and (.message | contains(" started: "))) | .message' \
	"$OUT" | head -n 1)
case $start in
*"kept cap_bpf: "*) WANT=$((WANT | $(bit $CAP_BPF))) ;;
esac
attempted=$(jq -r 'select(.type == "stats") | .attempted' "$OUT" | tail -n 1)
if [ "${attempted:-0}" -ge 2 ]; then
	ok "caps: the final counters are read with the reduced set (attempted=$attempted)"
else
	not_ok "caps: the final counters are read with the reduced set (attempted='$attempted')"
fi
# threads_bad [BND]: threads whose sets are not the minimum (and bounding set BND, if given)
threads_bad() {
	awk -v w="$(hex $WANT)" -v b="${1:-}" '{
		for (i = 1; i < NF; i++) v[$i] = $(i + 1)
		if (v["CapEff:"] != w || v["CapPrm:"] != w || v["CapAmb:"] != "0000000000000000" ||
		    v["NoNewPrivs:"] != "1" || (b != "" && v["CapBnd:"] != b)) n++
	} END { print n + 0 }' "$STATUS"
}
nthreads=$(grep -c . "$STATUS" || true)
nbad=$(threads_bad)
if [ "$nthreads" -ge 2 ] && [ "$nbad" -eq 0 ]; then
	ok "caps: after start all $nthreads threads have CapEff=CapPrm=$(hex $WANT), no ambient, no_new_privs"
else
	not_ok "caps: after start every thread has CapEff=CapPrm=$(hex $WANT) ($nbad of $nthreads differ)"
	diag "$(cat "$STATUS")"
fi
if printf '%s' "$start" | grep -q 'capabilities: cap_dac_read_search,cap_sys_ptrace[ ,]'; then
	ok "caps: the start line names the capabilities kept"
else
	not_ok "caps: the start line names the capabilities kept"
	diag "$start"
fi

# 2. Without CAP_BPF or CAP_PERFMON the start fails, saying which one is missing.
for c in bpf perfmon; do
	run_daemon "no-$c" "$(printf '%s\n' $UNIT_CAPS | grep -vx "$c" | tr '\n' ' ')"
	row "unit set - $c" "rc=$RC" "$(field A)" "$(field B)"
	if [ "$RC" -ne 0 ] && grep -q "lacks cap_$c" "$ERR"; then
		ok "caps: without cap_$c the start fails (rc=$RC) naming cap_$c"
	else
		not_ok "caps: without cap_$c the start fails naming it (rc=$RC)"
		diag "$(cat "$ERR")"
	fi
done

# 3. Each enrichment capability is needed for one field.
run_daemon no-dac "$(printf '%s\n' $UNIT_CAPS | grep -vx dac_read_search | tr '\n' ' ')"
a=$(field A)
b=$(field B)
row "unit set - dac_read_search" "rc=$RC" "$a" "$b"
# With the dcache hash lookup (--features "object lookup: on (dcache hash, every denial)") the
# kernel captured A's mode and owner at the denial: the capability is then not needed for it.
if [ "$RC" -eq 0 ] && [ "$a" = "$W/priv/f|0600|1234" ] && [ "$b" = "$W/pub/secret|0600|0" ]; then
	ok "caps: without cap_dac_read_search A and B are intact (A's file captured by the kernel)"
elif [ "$RC" -eq 0 ] && [ "$a" = "$W/priv/f|-|-" ] && [ "$b" = "$W/pub/secret|0600|0" ]; then
	ok "caps: without cap_dac_read_search A loses the file's mode and owner (B intact; no dcache hash lookup here)"
else
	not_ok "caps: without cap_dac_read_search only A's file is lost: rc=$RC A='$a' B='$b'"
	diag "$(cat "$ERR")"
fi
run_daemon no-ptrace "$(printf '%s\n' $UNIT_CAPS | grep -vx sys_ptrace | tr '\n' ' ')"
a=$(field A)
b=$(field B)
row "unit set - sys_ptrace" "rc=$RC" "$a" "$b"
# the relative path of another user's process comes from the base directory the kernel
# captured at the denial (ABI 2), so CAP_SYS_PTRACE (/proc/PID/cwd) is no longer needed for it
if [ "$RC" -eq 0 ] && [ "$a" = "$W/priv/f|0600|1234" ] && [ "$b" = "$W/pub/secret|0600|0" ]; then
	ok "caps: without cap_sys_ptrace A and B are intact (B's directory captured by the kernel)"
else
	not_ok "caps: without cap_sys_ptrace A and B stay intact: rc=$RC A='$a' B='$b'"
	diag "$(cat "$ERR")"
fi

# 4. As full root (CAP_SETPCAP held): the same minimum, and the bounding set shrinks too.
run_daemon root "$(capsh --print 2>/dev/null | sed -n 's/^Bounding set =//p' | tr ',' ' ' |
	sed 's/cap_//g')"
a=$(field A)
b=$(field B)
row "all (root)" "rc=$RC" "$a" "$b"
if [ "$RC" -eq 0 ] && [ -s "$STATUS" ] && [ "$(threads_bad "$(hex $WANT)")" -eq 0 ]; then
	ok "caps: as root the daemon drops to $(hex $WANT), bounding set included"
else
	not_ok "caps: as root the daemon drops to $(hex $WANT), bounding set included (rc=$RC)"
	diag "$(cat "$STATUS" "$ERR")"
fi

# 5. One-command mode: the daemon keeps CAP_KILL to pass a stop signal on; the command keeps
# the capabilities of whoever started epermd.
mine=$(sed -n 's/^CapEff:\t*//p' /proc/self/status)
ep_run one -- sh -c 'grep "^CapEff:" /proc/$PPID/status; grep "^CapEff:" /proc/self/status'
daemon_eff=$(sed -n '1s/^CapEff:\t*//p' "$COUT")
child_eff=$(sed -n '2s/^CapEff:\t*//p' "$COUT")
if [ "$RC" -eq 0 ] && [ "$daemon_eff" = "$(hex $((WANT | $(bit $CAP_KILL))))" ] &&
	[ "$child_eff" = "$mine" ]; then
	ok "caps: one-command mode: epermd $daemon_eff, the command keeps the caller's $child_eff"
else
	not_ok "caps: one-command mode: epermd '$daemon_eff' command '$child_eff' (caller $mine, rc=$RC)"
	diag "$(cat "$COUT")"
fi
ep_run onedac --fold-window=0 -- $NOBODY "$TRIG" open-read "$W/pub/secret"
if [ "$RC" -eq 13 ] && [ "$(jcount "$OUT" '.path == "'"$W/pub/secret"'" and .file.mode == "0600"')" -eq 1 ]; then
	ok "caps: one-command mode still diagnoses a denial after the drop"
else
	not_ok "caps: one-command mode still diagnoses a denial after the drop"
	dump_run
fi

# 6. The socket group without CAP_CHOWN: as the unit does it (SupplementaryGroups= and a
# tmpfiles-made 0750 root:GROUP directory), with a setgid directory instead, and with neither
# (refused, saying why). nogroup stands in for epermd.
bset="-all"
for c in $UNIT_CAPS; do bset="$bset,+$c"; done
gid=$(getent group nogroup | cut -d: -f3)
# sock_run TAG DIRMODE [SETPRIV OPTIONS]: the daemon with its socket in a fresh directory.
sock_run() {
	local tag=$1 mode=$2 i=0 pid
	shift 2
	SDIR="$T_TMP/run-$tag"
	OUT="$T_TMP/sock-$tag.json"
	: >"$OUT"
	mkdir "$SDIR"
	chown 0:"$gid" "$SDIR"
	chmod "$mode" "$SDIR"
	setpriv --bounding-set="$bset" "$@" "$EPERMD" --config=none --format=json --output="$OUT" \
		--socket="$SDIR/epermd.sock" --socket-group=nogroup 2>"$T_TMP/sock-$tag.err" \
		</dev/null &
	pid=$!
	while ! grep -q '"epermd [^"]* started' "$OUT" 2>/dev/null && [ "$i" -lt 150 ] &&
		kill -0 "$pid" 2>/dev/null; do
		sleep 0.2
		i=$((i + 1))
	done
	SOCK_ST=$(stat -c '%a %g' "$SDIR/epermd.sock" 2>/dev/null || echo none)
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
if [ -n "$gid" ]; then
	sock_run member 0750 --groups="$gid"
	if [ "$SOCK_ST" = "660 $gid" ]; then
		ok "caps: socket group without CAP_CHOWN: member of the group (SupplementaryGroups=)"
	else
		not_ok "caps: socket group without CAP_CHOWN as a member: socket '$SOCK_ST'"
		diag "$(cat "$OUT" "$T_TMP/sock-member.err")"
	fi
	sock_run setgid 2750 --clear-groups
	if [ "$SOCK_ST" = "660 $gid" ] && [ "$(stat -c %a "$SDIR")" = 2750 ]; then
		ok "caps: socket group without CAP_CHOWN: setgid directory (left setgid)"
	else
		not_ok "caps: socket group without CAP_CHOWN in a setgid directory: socket '$SOCK_ST', dir $(stat -c %a "$SDIR")"
		diag "$(cat "$OUT" "$T_TMP/sock-setgid.err")"
	fi
	sock_run neither 0750 --clear-groups
	if [ "$SOCK_ST" = none ] && grep -q 'needs membership of the group' "$T_TMP/sock-neither.err" "$OUT"; then
		ok "caps: socket group with neither: no socket, and the reason is logged"
	else
		not_ok "caps: socket group with neither: socket '$SOCK_ST', reason logged?"
		diag "$(cat "$OUT" "$T_TMP/sock-neither.err")"
	fi
else
	skip "caps: socket group without CAP_CHOWN (no group nogroup)"
fi

diag "measured (fields: path|file mode|file uid):"
diag "$(cat "$TABLE")"
t_done

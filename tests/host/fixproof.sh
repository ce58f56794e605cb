#!/bin/sh
# shellcheck disable=SC2086 # $NB / $NOBODY are a command and its options
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Every suggested fix is proven (issue 11, item 4, host part). For each cause the host suite
# covers, a real denial is provoked in scratch state (a copy of the trigger binary per
# capability case, scratch files and directories, a scratch tmpfs), one epermd (-p of this
# shell: every action below is a descendant) records it in JSON, and then:
#   - tests/tools/fixpolicy.py checks every command the record suggests against the house
#     rules (no capability for a shared interpreter or tool, no o+w/777, no protection turned
#     off, no chattr -i on a system file, nothing that hands out a secret);
#   - if the record has a `fix_command`: its `validate` must fail, the command is run as is
#     (never rewritten here) and must succeed, `validate` must then succeed, and the failing
#     action, run again, must succeed; a `sysctl -w NAME=...` fix is undone afterwards;
#   - a record without `fix_command` is advice for the program's own policy or its launcher
#     (seccomp or Landlock of its own, a user namespace, a hardening sysctl, a secret): it
#     must pass the rules, and its `validate` must be valid shell;
#   - an `unknown` cause fails (there is no fix to prove), and so does a checker that lets
#     known too-broad fixes through (its self-test below).
# Prints the table cause -> fix applied -> result at the end; the records stay in
# $OUTPUT/fixproof.json. Sysctls switched on for a case are restored (also on failure).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root fixproof
need_epermd fixproof
mount_tracefs
t_tmpdir
POLICY="$TOP/tests/tools/fixpolicy.py"
LL="$OUTPUT/tests/llock"
FANL="$OUTPUT/tests/fanlisten"
for c in jq setfacl setcap chattr /usr/bin/python3; do
	if ! command -v "$c" >/dev/null; then
		skip "fixproof: $c not installed"
		exit 0
	fi
done

T0=$(date +%s)
S="$T_TMP/s"
mkdir -m 0755 "$S"
OUT="$T_TMP/fp.json"
TABLE="$T_TMP/table"
: >"$TABLE"
RESTORE="$T_TMP/restore"
: >"$RESTORE"
EPID=""
finish() {
	# undo sysctl fixes even when the script dies half way
	[ -s "$RESTORE" ] && sh "$RESTORE" 2>/dev/null
	[ -n "${PREG:-}" ] && echo "$PREG" >/proc/sys/fs/protected_regular
	[ -f "$T_TMP/psym" ] && sh "$T_TMP/psym"
	[ -n "$EPID" ] && kill -INT "$EPID" 2>/dev/null && wait "$EPID" 2>/dev/null
	t_cleanup
}
trap finish EXIT

# One epermd for every case: it follows this shell and all its descendants.
"$EPERMD" --config=none --format=json --no-socket --fold-window=0 --tracepoint-only -v \
	--output="$OUT" -p $$ 2>"$T_TMP/ep.err" </dev/null &
EPID=$!
i=0
until grep -q ' started' "$OUT" 2>/dev/null; do
	if ! kill -0 "$EPID" 2>/dev/null || [ $i -ge 300 ]; then
		not_ok "fixproof: epermd -p did not start"
		diag "$(cat "$T_TMP/ep.err")"
		EPID=""
		exit 1
	fi
	sleep 0.1
	i=$((i + 1))
done

# trig TAG: a private copy of the trigger (setcap lands on it, never on the build's binary)
trig() {
	mkdir -p "$S/bin/$1"
	cp "$TRIG" "$S/bin/$1/eptrigger"
	chmod 0755 "$S/bin/$1" "$S/bin/$1/eptrigger"
	echo "$S/bin/$1/eptrigger"
}

# record SELECT: the first denial that matches (waits up to 20 s); "" if none
record() {
	n=0
	while [ $n -lt 100 ]; do
		r=$(jq -c "$JQ_DEFS select(.type == \"denial\" and ($1))" "$OUT" 2>/dev/null |
			head -n 1)
		[ -n "$r" ] && break
		sleep 0.2
		n=$((n + 1))
	done
	printf '%s' "$r"
}

row() {
	printf '%-34s | %-62s | %s\n' "$1" "$2" "$3" >>"$TABLE"
}

# fp NAME SELECT ACTION...: provoke, then prove the record's fix (see the header).
fp() {
	name=$1 sel=$2
	shift 2
	rc=0
	"$@" >"$T_TMP/act.out" 2>&1 </dev/null || rc=$?
	# (llock reports a denial and exits 0: the record decides)
	rec=$(record "$sel")
	if [ -z "$rec" ] && [ $rc -eq 0 ]; then
		not_ok "fixproof: $name: the action was not denied"
		row "$name" "-" "not denied"
		return 0
	elif [ -z "$rec" ]; then
		not_ok "fixproof: $name: no record [$sel]"
		diag "$(cat "$T_TMP/act.out")"
		diag "$(jq -c 'select(.type == "denial") | [.comm, .syscall, .cause, .path]' "$OUT" | tail -5)"
		row "$name" "-" "no record"
		return 0
	fi
	cause=$(printf '%s' "$rec" | jq -r '[.cause, (.capability // .sysctl // .flag //
		.mount_option // .lsm // empty)] | join(" ")')
	cmd=$(printf '%s' "$rec" | jq -r '.fix_command // ""')
	val=$(printf '%s' "$rec" | jq -r '.validate // ""')
	label="$name ($cause)"
	if [ "$cause" = unknown ]; then
		not_ok "fixproof: $label: no subsystem named, so no fix to prove"
		diag "evidence: $(printf '%s' "$rec" | jq -c .evidence)"
		row "$label" "-" "UNKNOWN CAUSE"
		return 0
	fi
	if ! broad=$(printf '%s' "$rec" | /usr/bin/python3 "$POLICY" 2>&1); then
		not_ok "fixproof: $label: the fix is broader than needed: $broad"
		diag "fix: $(printf '%s' "$rec" | jq -r .fix)"
		row "$label" "${cmd:-advice}" "BROAD: $broad"
		return 0
	fi
	if [ -z "$cmd" ] && ! sh -n -c "$val" 2>/dev/null; then
		not_ok "fixproof: $label: the validation is not valid shell: $val"
		row "$label" "advice" "VALIDATE NOT SHELL"
		return 0
	elif [ -z "$cmd" ]; then
		ok "fixproof: $label: advice only (no host command), within the rules"
		row "$label" "advice: $(printf '%s' "$rec" | jq -r .fix | cut -c1-54)..." "ok (advice)"
		return 0
	fi
	case $cmd in
	"sysctl -w "*=*)
		k=${cmd#sysctl -w }
		k=${k%%=*}
		echo "sysctl -qw $k='$(sysctl -n "$k")'" >>"$RESTORE"
		;;
	esac
	# the validation must tell: it fails before the fix ...
	brc=0
	sh -c "$val" >"$T_TMP/val.out" 2>&1 || brc=$?
	# ... apply, validate (the fix is in place), then the action again (it works)
	frc=0
	sh -c "$cmd" >"$T_TMP/fix.out" 2>&1 || frc=$?
	vrc=0
	sh -c "$val" >"$T_TMP/val.out" 2>&1 || vrc=$?
	arc=0
	"$@" >"$T_TMP/act.out" 2>&1 </dev/null || arc=$?
	if [ -s "$RESTORE" ]; then
		sh "$RESTORE"
		: >"$RESTORE"
	fi
	if [ $brc -eq 0 ]; then
		not_ok "fixproof: $label: the validation succeeds before the fix too: $val"
		row "$label" "$cmd" "VALIDATE PROVES NOTHING"
	elif [ $frc -ne 0 ]; then
		not_ok "fixproof: $label: the fix command failed ($frc): $cmd"
		diag "$(cat "$T_TMP/fix.out")"
		row "$label" "$cmd" "FIX FAILED"
	elif [ $vrc -ne 0 ]; then
		not_ok "fixproof: $label: the validation fails ($vrc) after the fix: $val"
		diag "$(cat "$T_TMP/val.out")"
		row "$label" "$cmd" "VALIDATE FAILED"
	elif [ $arc -ne 0 ]; then
		not_ok "fixproof: $label: the action still fails after \`$cmd\` (exit $arc)"
		diag "$(cat "$T_TMP/act.out")"
		row "$label" "$cmd" "STILL DENIED"
	else
		ok "fixproof: $label: \`$cmd\` makes it work and the validation agrees"
		row "$label" "$cmd" "ok"
	fi
}

# --- the rules themselves can fail: fixes that are too broad, fed to the checker ---------------
bad=0
while IFS= read -r rec; do
	if printf '%s' "$rec" | /usr/bin/python3 "$POLICY" >/dev/null 2>&1; then
		not_ok "fixproof: the policy check accepts a too-broad fix: $rec"
		bad=1
	fi
done <<'RULES'
{"path":"/tmp/x","fix_command":"setcap cap_net_bind_service=+ep '/usr/bin/python3.11'"}
{"path":"/tmp/x","fix":"Run `setcap cap_kill=+ep /usr/bin/kill` once."}
{"path":"/tmp/x","fix_command":"setcap cap_sys_admin=+ep '/usr/bin/env'"}
{"path":"/tmp/x","fix_command":"chmod 777 '/tmp/x'"}
{"path":"/tmp/x","fix_command":"chmod o+w '/tmp/x'"}
{"path":"/tmp/x","fix_command":"sysctl -w kernel.yama.ptrace_scope=0"}
{"path":"/tmp/x","fix_command":"sysctl -w fs.protected_symlinks=0"}
{"path":"/tmp/x","fix":"Try `setenforce 0` first."}
{"path":"/tmp/nx/t","fix_command":"mount -o remount,exec '/tmp/nx'"}
{"path":"/etc/resolv.conf","fix_command":"chattr -i '/etc/resolv.conf'"}
{"path":"/etc/shadow","fix_command":"setfacl -m u:65534:r '/etc/shadow'","fix":"the shadow group"}
{"path":"/etc/shadow","fix":"Ask an administrator."}
{"path":"/tmp/a b","fix_command":"setfacl -m u:1:r /tmp/a b"}
{"path":"/tmp/x","fix_command":"setfacl -R -m u:1:r '/tmp'"}
RULES
good='{"path":"/tmp/x","fix_command":"setfacl -m u:65534:r '"'"'/tmp/x'"'"'"}'
if ! printf '%s' "$good" | /usr/bin/python3 "$POLICY" >/dev/null 2>&1; then
	not_ok "fixproof: the policy check rejects a least-privilege fix: $good"
elif [ $bad -eq 0 ]; then
	ok "fixproof: the policy check rejects 14 too-broad fixes and accepts a narrow one"
fi

NB=$NOBODY

# --- capability: a copy of the trigger per case (the file capability's scratch binary) --------
T=$(trig kill)
fp "kill(1, 0) as nobody" ".exe == \"$T\" and .syscall == \"kill\"" $NB "$T" kill 1
export OWNED="$S/owned"
echo x >"$OWNED"
T=$(trig chown)
fp "chown of a root file as nobody" ".exe == \"$T\" and .syscall == \"chown\"" \
	$NB "$T" chown "$OWNED" 65534
T=$(trig chown-bnd)
fp "chown as root, CAP_CHOWN dropped" ".exe == \"$T\" and .syscall == \"chown\"" \
	setpriv --bounding-set=-chown --inh-caps=-chown "$T" chown "$OWNED" 65534
T=$(trig bind)
fp "bind port 917 as nobody" ".exe == \"$T\" and .syscall == \"bind\"" $NB "$T" bind-low 917
T=$(trig raw)
fp "raw socket as nobody" ".exe == \"$T\" and .syscall == \"socket\"" $NB "$T" raw-socket
T=$(trig setuid)
fp "setuid(0) as nobody" ".exe == \"$T\" and .syscall == \"setuid\"" $NB "$T" setuid 0
T=$(trig hostname)
fp "sethostname (same name) as nobody" ".exe == \"$T\" and .syscall == \"sethostname\"" \
	$NB "$T" sethostname "$(hostname)"
if [ "$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo 0)" != 0 ]; then
	T=$(trig bpf)
	fp "bpf map as nobody (unprivileged_bpf_disabled)" \
		".exe == \"$T\" and .syscall == \"bpf\"" $NB "$T" bpf-map
else
	skip "fixproof: unprivileged_bpf_disabled is 0 here"
fi
if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 0)" -ge 2 ]; then
	T=$(trig perf)
	fp "perf_event_open as nobody (paranoid)" \
		".exe == \"$T\" and .syscall == \"perf_event_open\"" $NB "$T" perf-open
else
	skip "fixproof: perf_event_paranoid < 2 here"
fi

# the same denials from a shared interpreter and a general-purpose tool: no file capability
fp "bind port 917 from python3 as nobody" \
	".comm == \"python3\" and .syscall == \"bind\"" \
	$NB /usr/bin/python3 -c 'import socket; socket.socket().bind(("127.0.0.1", 917))'
fp "kill -0 1 with procps kill as nobody" ".comm == \"kill\" and .syscall == \"kill\"" \
	$NB /bin/kill -0 1

# --- user namespace boundary -------------------------------------------------------------------
T=$(trig userns)
if $NB unshare --user true 2>/dev/null; then
	fp "sethostname in its own userns" ".exe == \"$T\" and .syscall == \"sethostname\"" \
		$NB "$T" userns-sethostname
else
	skip "fixproof: unprivileged user namespaces are disabled"
fi

# --- DAC: read, write, exec, search, create, unlink, ACL -------------------------------------
T=$(trig dac)
D="$S/dac"
mkdir -m 0755 "$D" "$D/rodir" "$D/rodir2"
printf 'x\n' >"$D/r0600"
chmod 0600 "$D/r0600"
printf 'x\n' >"$D/w0644"
chmod 0644 "$D/w0644"
cp /bin/true "$D/noexec-bit"
chmod 0644 "$D/noexec-bit"
mkdir -m 0700 "$D/private"
printf 'x\n' >"$D/private/f"
chmod 0644 "$D/private/f"
printf 'x\n' >"$D/acl"
chmod 0644 "$D/acl"
setfacl -m u:65534:- "$D/acl"
printf 'x\n' >"$D/victim"
fp "read a root 0600 file" ".exe == \"$T\" and .path == \"$D/r0600\"" \
	$NB "$T" open-read "$D/r0600"
fp "write a root 0644 file" ".exe == \"$T\" and .path == \"$D/w0644\"" \
	$NB "$T" open-write "$D/w0644"
fp "exec a 0644 file" ".exe == \"$T\" and .path == \"$D/noexec-bit\"" \
	$NB "$T" exec "$D/noexec-bit"
fp "search a root 0700 directory" ".exe == \"$T\" and .path == \"$D/private/f\"" \
	$NB "$T" open-read "$D/private/f"
fp "create in a root 0755 directory" ".exe == \"$T\" and .path == \"$D/rodir/new\"" \
	$NB "$T" creat "$D/rodir/new"
fp "unlink in a root 0755 directory" ".exe == \"$T\" and .path == \"$D/victim\"" \
	$NB "$T" unlink "$D/victim"
fp "read through an ACL u:65534:---" ".exe == \"$T\" and .path == \"$D/acl\"" \
	$NB "$T" open-read "$D/acl"
# a hostile name: the fix_command must reach exactly this file and run nothing else
H="$D/it's \$(touch PWNED) \`touch PWNED\`;touch PWNED"
printf 'x\n' >"$H"
chmod 0600 "$H"
export H
fp "read a root 0600 file with a hostile name" ".exe == \"$T\" and .path == \$ENV.H" \
	$NB "$T" open-read "$H"
if [ -n "$(find "$S" "$TOP" "$(pwd)" -maxdepth 2 -name PWNED 2>/dev/null)" ]; then
	not_ok "fixproof: a command in the hostile file name ran"
fi
printf 'x\n' >"$D/touched"
chmod 0644 "$D/touched"
fp "touch (utimensat) a root 0644 file" \
	".comm == \"touch\" and .path == \"$D/touched\"" $NB touch -c "$D/touched"

# --- secrets: the fix must name the designed mechanism, never the file -----------------------
fp "read /etc/shadow as nobody" ".exe == \"$T\" and .path == \"/etc/shadow\"" \
	$NB "$T" open-read /etc/shadow
fp "read /etc/gshadow as nobody" ".exe == \"$T\" and .path == \"/etc/gshadow\"" \
	$NB "$T" open-read /etc/gshadow
# behind a private directory: search on /etc/ssl/private is no fix either
if [ -d /etc/ssl/private ] && ! $NB test -x /etc/ssl/private; then
	fp "open a key under /etc/ssl/private as nobody" \
		".exe == \"$T\" and .path == \"/etc/ssl/private/fixproof.key\"" \
		$NB "$T" open-read /etc/ssl/private/fixproof.key
else
	skip "fixproof: no private /etc/ssl/private here"
fi
# a root 0600 file under /etc: only root is meant to read it
if [ -f /etc/security/opasswd ] && [ "$(stat -c %a:%u /etc/security/opasswd)" = 600:0 ]; then
	fp "read /etc/security/opasswd (0600) as nobody" \
		".exe == \"$T\" and .path == \"/etc/security/opasswd\"" \
		$NB "$T" open-read /etc/security/opasswd
else
	skip "fixproof: no root 0600 /etc/security/opasswd here"
fi

# --- immutable / append-only ------------------------------------------------------------------
T=$(trig imm)
echo x >"$S/imm1"
echo x >"$S/imm2"
echo x >"$S/app"
if chattr +i "$S/imm1" "$S/imm2" 2>/dev/null && chattr +a "$S/app" 2>/dev/null; then
	fp "unlink an immutable file as root" ".exe == \"$T\" and .path == \"$S/imm1\"" \
		"$T" unlink "$S/imm1"
	fp "write an immutable file as root" ".exe == \"$T\" and .path == \"$S/imm2\"" \
		"$T" open-write "$S/imm2"
	fp "rewrite an append-only file as root" ".exe == \"$T\" and .path == \"$S/app\"" \
		"$T" open-write "$S/app"
else
	skip "fixproof: no chattr on this filesystem"
fi

# --- mount options: a scratch tmpfs -------------------------------------------------------------
T=$(trig mnt)
mkdir "$S/nx" "$S/nd"
if mount -t tmpfs -o noexec,nodev,mode=0755,size=8m fixproof "$S/nx"; then
	cp /bin/true "$S/nx/true"
	cp /bin/true "$S/nx/true2"
	chmod 0755 "$S/nx/true" "$S/nx/true2"
	fp "exec on a noexec mount" ".exe == \"$T\" and .path == \"$S/nx/true\"" \
		$NB "$T" exec "$S/nx/true"
	# the path of an mmap comes from /proc/PID/fd: the trigger lingers
	fp "mmap(PROT_EXEC) on a noexec mount" \
		".exe == \"$T\" and .syscall == \"mmap\" and .path == \"$S/nx/true2\"" \
		$NB "$T" --linger=1000 mmap-exec "$S/nx/true2"
	mknod -m 0666 "$S/nx/null" c 1 3
	fp "open a device node on a nodev mount" ".exe == \"$T\" and .path == \"$S/nx/null\"" \
		"$T" open-read "$S/nx/null"
else
	skip "fixproof: cannot mount a scratch tmpfs"
fi

# --- seccomp, Landlock, fanotify: the program's own policy ---------------------------------------
T=$(trig seccomp)
fp "seccomp RET_ERRNO on mkdir" ".exe == \"$T\" and .syscall == \"mkdir\"" \
	$NB "$T" seccomp-EPERM mkdir "$S/scd"
lrc=0
"$LL" open "$D/w0644" >/dev/null 2>&1 || lrc=$?
if [ -x "$LL" ] && [ $lrc -ne 2 ]; then
	fp "Landlock read outside the ruleset" \
		".comm == \"llock\" and .path == \"$D/w0644\" and .cause == \"lsm\"" \
		"$LL" open "$D/w0644"
	fp "landlock_restrict_self without no_new_privs" \
		".comm == \"llock\" and .syscall == \"landlock_restrict_self\"" \
		$NB "$LL" --no-nnp restrict "$D/w0644"
else
	skip "fixproof: Landlock is not available"
fi
if [ -x "$FANL" ]; then
	echo data >"$S/guarded"
	T=$(trig fan)
	fp "open denied by a fanotify listener" ".exe == \"$T\" and .path == \"$S/guarded\"" \
		sh -c '"$1" "$2" "$3" & l=$!; i=0
		while [ ! -e "$3" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		"$4" open-read "$2"; rc=$?; wait $l; exit $rc' fan "$FANL" "$S/guarded" \
		"$S/fan-ready" "$T"
else
	skip "fixproof: $FANL is missing"
fi

# --- hardening sysctls --------------------------------------------------------------------------
T=$(trig sysctl)
pgr=$(cat /proc/sys/net/ipv4/ping_group_range)
if [ "$(echo "$pgr" | awk '{print (65534 < $1 || 65534 > $2)}')" = 1 ]; then
	fp "ping socket outside ping_group_range" ".exe == \"$T\" and .syscall == \"socket\"" \
		$NB "$T" ping-socket
else
	skip "fixproof: ping_group_range ($pgr) admits 65534"
fi
if [ "$(cat /proc/sys/fs/protected_hardlinks)" = 1 ]; then
	mkdir -m 0755 "$S/hl"
	chown 65534:65534 "$S/hl"
	fp "hard link to a root 0600 file" ".exe == \"$T\" and .syscall == \"link\"" \
		$NB "$T" link "$D/r0600" "$S/hl/l1"
else
	skip "fixproof: fs.protected_hardlinks is off"
fi
PSYM=$(cat /proc/sys/fs/protected_symlinks)
[ "$PSYM" = 1 ] || echo "sysctl -qw fs.protected_symlinks=$PSYM" >"$T_TMP/psym"
if echo 1 >/proc/sys/fs/protected_symlinks 2>/dev/null; then
	sleep 1.1 # epermd reads a sysctl at most once a second
	mkdir -m 1777 "$S/sticky"
	ln -s "$D/w0644" "$S/sticky/link"
	chown -h 1234:1234 "$S/sticky/link"
	fp "follow another user's link in a sticky dir" \
		".exe == \"$T\" and .path == \"$S/sticky/link\"" $NB "$T" open-read "$S/sticky/link"
	[ -f "$T_TMP/psym" ] && sh "$T_TMP/psym"
else
	skip "fixproof: cannot switch fs.protected_symlinks on"
fi
PREG=$(cat /proc/sys/fs/protected_regular)
if echo 1 >/proc/sys/fs/protected_regular 2>/dev/null; then
	sleep 1.1
	mkdir -m 1777 "$S/sticky2"
	echo x >"$S/sticky2/theirs"
	chmod 0666 "$S/sticky2/theirs"
	chown 1234:1234 "$S/sticky2/theirs"
	fp "O_CREAT of another user's file in a sticky dir" \
		".exe == \"$T\" and .path == \"$S/sticky2/theirs\"" $NB "$T" creat "$S/sticky2/theirs"
	echo "$PREG" >/proc/sys/fs/protected_regular
else
	skip "fixproof: cannot switch fs.protected_regular on"
fi
NR=$(cat /proc/sys/fs/nr_open)
fp "ulimit -Hn above fs.nr_open" \
	".comm == \"sh\" and (.syscall == \"prlimit64\" or .syscall == \"setrlimit\")" \
	sh -c "ulimit -Hn $((NR + 1))"

kill -INT "$EPID" 2>/dev/null || true
wait "$EPID" 2>/dev/null || true
EPID=""
lost=$(jq -r 'select(.type == "stats") | (.queue_dropped // 0) + (.sink_dropped // 0)' \
	"$OUT" | tail -n 1)
[ "${lost:-0}" = 0 ] || diag "epermd dropped $lost records in this run"

cp "$OUT" "$OUTPUT/fixproof.json" 2>/dev/null || true
{
	echo "$(grep -c . "$TABLE") cases in $(($(date +%s) - T0)) s"
	echo "cause -> fix applied -> result (records in $OUTPUT/fixproof.json):"
	cat "$TABLE"
} | sed 's/^/# /'
t_done

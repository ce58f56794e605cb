#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# One real denial per cause that tracepoint-only mode can attribute on this host, each run in
# one-command mode, through libc and through the raw syscall where the two differ. Every check
# asserts the cause and its detail field, the syscall name, the path, exactly one record per
# call, and that epermd exits with the trigger's status (1 EPERM, 13 EACCES).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root scenarios
need_epermd scenarios
mount_tracefs
t_tmpdir

# Every record we accept must carry words for the operator.
WORDS='(.diagnosis | type) == "string" and (.diagnosis | length) > 0 and (.fix | length) > 0'
N=0

# sc NAME WANT_RC SELECT EXPR nobody|root|CMD... -- TRIGGER ARGS
sc() {
	name=$1 want=$2 sel=$3 expr=$4
	shift 4
	N=$((N + 1))
	who=$1
	shift
	case "$who" in
	nobody) ep_nobody "s$N" "$@" ;;
	root) ep_root "s$N" "$@" ;;
	nochown) ep_run "s$N" --fold-window=0 -- \
		setpriv --bounding-set=-chown --inh-caps=-chown "$TRIG" "$@" ;;
	esac
	expect "$name" "$want" "$sel" "($expr) and $WORDS"
}

export SECRET="$T_TMP/secret"
echo secret >"$SECRET"
chmod 0600 "$SECRET"
mkdir -m 0755 "$T_TMP/rodir"

# --- capability ----------------------------------------------------------------------------
for raw in "" --raw; do
	sc "capability: kill(1, 0) as 65534 -> CAP_KILL ${raw:-libc}" 1 '.syscall == "kill"' \
		'.errno == "EPERM" and .cause == "capability" and (.capability | capn) == "KILL"
		 and .uid == 65534' nobody $raw kill 1
done
sc "capability: chown as root without CAP_CHOWN -> CAP_CHOWN libc" 1 '.syscall == "chown"' \
	'.errno == "EPERM" and .cause == "capability" and (.capability | capn) == "CHOWN"
	 and .path == $ENV.SECRET' nochown chown "$SECRET" 65534
sc "capability: fchownat as root without CAP_CHOWN -> CAP_CHOWN --raw" 1 \
	'.syscall == "fchownat"' \
	'.cause == "capability" and (.capability | capn) == "CHOWN" and .path == $ENV.SECRET' \
	nochown --raw chown "$SECRET" 65534
sc "capability: bind port 80 as 65534 -> CAP_NET_BIND_SERVICE" 13 '.syscall == "bind"' \
	'.errno == "EACCES" and .cause == "capability"
	 and (.capability | capn) == "NET_BIND_SERVICE"' nobody bind-low 80
sc "capability: raw socket as 65534 -> CAP_NET_RAW" 1 '.syscall == "socket"' \
	'.errno == "EPERM" and .cause == "capability" and (.capability | capn) == "NET_RAW"' \
	nobody raw-socket
sc "capability: setuid(0) as 65534 -> CAP_SETUID" 1 '.syscall == "setuid"' \
	'.cause == "capability" and (.capability | capn) == "SETUID"' nobody setuid 0

# --- user namespace boundary ---------------------------------------------------------------
if $NOBODY unshare --user true 2>/dev/null; then
	for raw in "" --raw; do
		sc "userns: sethostname after unshare(CLONE_NEWUSER) -> userns CAP_SYS_ADMIN ${raw:-libc}" \
			1 '.syscall == "sethostname"' \
			'.errno == "EPERM" and .cause == "userns" and (.capability | capn) == "SYS_ADMIN"' \
			nobody $raw userns-sethostname
	done
else
	skip "userns: unprivileged user namespaces are disabled on this host"
fi

# --- DAC -----------------------------------------------------------------------------------
P='.path == $ENV.SECRET'
DAC='.errno == "EACCES" and .cause == "dac" and .uid == 65534'
sc "dac: open-read of a root 0600 file (openat, libc)" 13 ".syscall == \"openat\" and $P" \
	"$DAC" nobody open-read "$SECRET"
sc "dac: open-read of a root 0600 file (open, --raw)" 13 ".syscall == \"open\" and $P" \
	"$DAC" nobody --raw open-read "$SECRET"
sc "dac: openat2 (raw, no libc wrapper)" 13 ".syscall == \"openat2\" and $P" \
	"$DAC" nobody openat2 "$SECRET"
sc "dac: access() libc" 13 ".syscall == \"access\" and $P" "$DAC" nobody access "$SECRET"
sc "dac: access --raw" 13 ".syscall == \"access\" and $P" "$DAC" nobody --raw access "$SECRET"
sc "dac: faccessat() through glibc 2.36 is the faccessat2 syscall" 13 \
	".syscall == \"faccessat2\" and $P" "$DAC" nobody faccessat "$SECRET"
sc "dac: faccessat --raw (legacy syscall)" 13 ".syscall == \"faccessat\" and $P" \
	"$DAC" nobody --raw faccessat "$SECRET"
sc "dac: faccessat2 --raw" 13 ".syscall == \"faccessat2\" and $P" \
	"$DAC" nobody --raw faccessat2 "$SECRET"
export NEWF="$T_TMP/rodir/new"
sc "dac: creat in a root 0755 directory" 13 '.syscall == "creat" and .path == $ENV.NEWF' \
	"$DAC" nobody creat "$NEWF"
sc "dac: mkdir in a root 0755 directory (mkdirat, --raw)" 13 \
	'.syscall == "mkdirat" and .path == $ENV.NEWF' "$DAC" nobody --raw mkdir "$NEWF"
sc "dac: unlink in a root 0755 directory" 13 ".syscall == \"unlink\" and $P" \
	"$DAC" nobody unlink "$SECRET"

# --- immutable / append-only -----------------------------------------------------------------
export IMM="$T_TMP/immutable" APP="$T_TMP/append-only"
echo x >"$IMM"
echo x >"$APP"
if chattr +i "$IMM" 2>/dev/null && chattr +a "$APP" 2>/dev/null; then
	IMMX='.errno == "EPERM" and .cause == "immutable" and .flag == "immutable"'
	sc "immutable: unlink as root -> flag immutable" 1 \
		'.syscall == "unlink" and .path == $ENV.IMM' "$IMMX" root unlink "$IMM"
	sc "immutable: unlinkat as root --raw" 1 '.syscall == "unlinkat" and .path == $ENV.IMM' \
		"$IMMX" root --raw unlink "$IMM"
	sc "immutable: open-write as root -> flag immutable" 1 \
		'.syscall == "openat" and .path == $ENV.IMM' "$IMMX" root open-write "$IMM"
	sc "append-only: open-write without O_APPEND as root -> flag append-only" 1 \
		'.syscall == "openat" and .path == $ENV.APP' \
		'.errno == "EPERM" and .cause == "immutable" and .flag == "append-only"' \
		root open-write "$APP"
	sc "append-only: open --raw" 1 '.syscall == "open" and .path == $ENV.APP' \
		'.cause == "immutable" and .flag == "append-only"' root --raw open-write "$APP"
else
	skip "immutable: $(df -T "$T_TMP" | awk 'NR==2{print $2}') on $T_TMP does not support chattr"
fi

# --- noexec mount ----------------------------------------------------------------------------
mkdir "$T_TMP/nx"
if mount -t tmpfs -o noexec,size=8m epermd-test "$T_TMP/nx" 2>/dev/null; then
	export NXT="$T_TMP/nx/true"
	cp /bin/true "$NXT"
	chmod 0755 "$NXT"
	MNT='.cause == "mount" and .mount_option == "noexec"'
	sc "mount: execve on a noexec mount -> mount_option noexec" 13 \
		'.syscall == "execve" and .path == $ENV.NXT' ".errno == \"EACCES\" and $MNT" \
		nobody exec "$NXT"
	sc "mount: execveat --raw on a noexec mount" 13 '.syscall == "execveat"' "$MNT" \
		nobody --raw exec "$NXT"
	# mmap names its file by fd: the trigger lingers so /proc/<pid>/fd still resolves it
	sc "mount: mmap(PROT_EXEC) of a file on a noexec mount" 1 '.syscall == "mmap"' \
		".errno == \"EPERM\" and $MNT and .path == \$ENV.NXT" \
		nobody --linger=1000 mmap-exec "$NXT"
else
	skip "mount: cannot mount a noexec tmpfs here"
fi

# --- seccomp ---------------------------------------------------------------------------------
export SCD="$T_TMP/seccomp-dir"
sc "seccomp: RET_ERRNO(EPERM) on mkdir" 1 '.syscall == "mkdir" and .path == $ENV.SCD' \
	'.errno == "EPERM" and .cause == "seccomp"' nobody seccomp-EPERM mkdir "$SCD"
sc "seccomp: RET_ERRNO(EPERM) on mkdirat --raw" 1 '.syscall == "mkdirat"' \
	'.errno == "EPERM" and .cause == "seccomp"' nobody --raw seccomp-EPERM mkdir "$SCD"
sc "seccomp: RET_ERRNO(EACCES) on mkdir" 13 '.syscall == "mkdir" and .path == $ENV.SCD' \
	'.errno == "EACCES" and .cause == "seccomp"' nobody seccomp-EACCES mkdir "$SCD"
sc "seccomp: RET_ERRNO(EPERM) on getppid (no permission check at all)" 1 \
	'.syscall == "getppid"' '.errno == "EPERM" and .cause == "seccomp"' \
	nobody seccomp-EPERM getppid

# --- hardening sysctls -----------------------------------------------------------------------
SYS='.cause == "sysctl" and .sysctl == $ENV.SYSCTL and (.sysctl_value // "" | tostring | length) > 0'
pgr=$(cat /proc/sys/net/ipv4/ping_group_range 2>/dev/null || echo "0 0")
if [ "$(echo "$pgr" | awk '{print (65534 < $1 || 65534 > $2)}')" = 1 ]; then
	export SYSCTL=net.ipv4.ping_group_range
	sc "sysctl: ping socket as 65534 outside ping_group_range ($pgr)" 13 \
		'.syscall == "socket"' ".errno == \"EACCES\" and $SYS" nobody ping-socket
else
	skip "sysctl: ping_group_range ($pgr) admits 65534"
fi
ubd=$(cat /proc/sys/kernel/unprivileged_bpf_disabled 2>/dev/null || echo 0)
if [ "$ubd" != 0 ]; then
	export SYSCTL=kernel.unprivileged_bpf_disabled
	sc "sysctl: bpf(BPF_MAP_CREATE) as 65534 with unprivileged_bpf_disabled=$ubd" 1 \
		'.syscall == "bpf"' \
		".errno == \"EPERM\" and .sysctl == \$ENV.SYSCTL and
		 (.cause == \"sysctl\" or (.cause == \"capability\" and (.capability | capn) == \"BPF\"))" \
		nobody bpf-map
else
	skip "sysctl: unprivileged_bpf_disabled is 0"
fi
pep=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 0)
if [ "$pep" -ge 2 ]; then
	export SYSCTL=kernel.perf_event_paranoid
	sc "sysctl: perf_event_open (kernel profiling) as 65534 with perf_event_paranoid=$pep" 13 \
		'.syscall == "perf_event_open"' ".errno == \"EACCES\" and $SYS" nobody perf-open
else
	skip "sysctl: perf_event_paranoid is $pep (< 2)"
fi
if [ "$(cat /proc/sys/fs/protected_hardlinks 2>/dev/null || echo 0)" = 1 ]; then
	export SYSCTL=fs.protected_hardlinks
	mkdir -m 0755 "$T_TMP/hl"
	chown 65534:65534 "$T_TMP/hl"
	sc "sysctl: link() of a root 0600 file as 65534 -> fs.protected_hardlinks" 1 \
		".syscall == \"link\" and $P" ".errno == \"EPERM\" and $SYS" \
		nobody link "$SECRET" "$T_TMP/hl/l1"
	sc "sysctl: linkat --raw -> fs.protected_hardlinks" 1 ".syscall == \"linkat\" and $P" \
		"$SYS" nobody --raw link "$SECRET" "$T_TMP/hl/l2"
else
	skip "sysctl: fs.protected_hardlinks is off"
fi

# --- hostile content -------------------------------------------------------------------------
# A ~3.9 KiB path (under PATH_MAX, far over the kernel record's 512 bytes): EACCES at the
# first component under a root 0700 directory.
mkdir -m 0700 "$T_TMP/deep"
long="$T_TMP/deep"
while [ ${#long} -lt 3800 ]; do
	long="$long/$(printf '%0200d' 0 | tr 0 a)"
done
export LONG="$long/end"
sc "hostile: a ${#LONG}-byte path -> flags path_truncated" 13 '.syscall == "openat"' \
	'.cause == "dac" and any(.flags[]?; . == "path_truncated")
	 and ((.path | rtrimstr("...") | rtrimstr("…")) as $p
	      | ($p | length) > 256 and ($ENV.LONG | startswith($p)))' \
	nobody open-read "$LONG"

mkdir -m 0755 "$T_TMP/h"
# name-tag|printf format of the file name|what the raw JSON line must contain
for spec in 'esc|\033[2J|\u001b' 'newline|a\nFAKE: root login|FAKE: root login' \
	'quote|q"uo"te|\"uo\"' 'percent|%%n%%s|%n%s' 'utf8|\377\376bad|\u00ff'; do
	htag=${spec%%|*}
	rest=${spec#*|}
	fmt=${rest%%|*}
	want=${rest#*|}
	# shellcheck disable=SC2059 # the format is the point: it makes the hostile bytes
	f="$T_TMP/h/$(printf "$fmt")"
	printf x >"$f"
	chmod 0600 "$f"
	N=$((N + 1))
	ep_nobody "s$N" open-read "$f"
	line=$(grep -E '"syscall": ?"openat"' "$OUT" | head -n 1 || true)
	why=""
	if [ "$RC" -ne 13 ]; then
		why="exit status $RC, want 13"
	elif ! json_lines_valid "$OUT"; then
		why="a line is not valid JSON"
	elif [ -z "$line" ]; then
		why="no openat record on one line"
	elif ! printf '%s' "$line" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then
		why="the line is not valid UTF-8"
	elif printf '%s' "$line" | LC_ALL=C grep -q "$(printf '\033')"; then
		why="the line contains a raw ESC byte"
	elif ! printf '%s' "$line" | grep -qF -- "$want"; then
		why="the line lacks the escaped form '$want'"
	elif [ "$htag" != utf8 ] &&
		[ "$(printf '%s' "$line" | jq -r '.path')" != "$(printf '%s' "$f")" ]; then
		why="the decoded path differs from the file name"
	fi
	if [ -z "$why" ]; then
		ok "hostile: file name with $htag is escaped and the line stays valid JSON"
	else
		not_ok "hostile: file name with $htag: $why"
		dump_run
	fi
done

t_done

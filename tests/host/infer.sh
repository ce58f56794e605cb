#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Capability attribution without the capability:cap_capable tracepoint, as on kernels before
# 6.14 in tracepoint-only mode (Debian 12, Ubuntu 22.04/24.04, RHEL 9): epermd runs with
# --tracepoint-only --disable-hook=cap_capable, so it has no capability event at all and must
# infer the capability from the syscall, its arguments and the credentials. Real denials:
# kill(1, 0), chown, bind :80 as 65534 -> capability CAP_KILL / CAP_CHOWN /
# CAP_NET_BIND_SERVICE; sethostname after unshare(CLONE_NEWUSER) -> userns CAP_SYS_ADMIN.
# Each record must say that the capability was inferred, and --features must show the hook off.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root infer
need_epermd infer
mount_tracefs
t_tmpdir

NOCAP="--tracepoint-only --disable-hook=cap_capable --fold-window=0"
INFERRED='any(.evidence[]; startswith("inferred from"))'

feat=$("$EPERMD" --features $NOCAP 2>&1 || true)
if printf '%s\n' "$feat" | grep -q 'cap_capable.*disable-hook=cap_capable'; then
	ok "infer: --features shows the cap_capable hook off"
else
	not_ok "infer: --features does not show cap_capable off"
	diag "$(printf '%s\n' "$feat" | grep -i cap_capable | head -5)"
fi

# inf NAME WANT_RC SELECT EXPR TRIGGER-ARGS...: the trigger as 65534
inf() {
	name=$1 want=$2 sel=$3 expr=$4
	shift 4
	# shellcheck disable=SC2086 # NOCAP is a list of options
	ep_run "inf$(echo "$name" | cksum | cut -c1-8)" $NOCAP -- $NOBODY "$TRIG" "$@"
	expect "$name" "$want" "$sel" "$expr"
}

export FILE="$T_TMP/owned"
echo x >"$FILE"
chmod 0644 "$FILE"

inf "infer: kill(1, 0) as 65534 -> capability CAP_KILL" 1 '.syscall == "kill"' \
	'.cause == "capability" and (.capability | capn) == "KILL" and '"$INFERRED"' and
	 any(.evidence[]; contains("the target'"'"'s uids differ")) and
	 (.facts.later | index("target")) != null' kill 1
inf "infer: chown of a root file as 65534 -> capability CAP_CHOWN" 1 '.syscall == "chown"' \
	'.cause == "capability" and (.capability | capn) == "CHOWN" and .path == $ENV.FILE and
	 '"$INFERRED" chown "$FILE" 65534
# the port is read from the live process: the trigger stays a moment after the denial
inf "infer: bind :80 as 65534 -> capability CAP_NET_BIND_SERVICE" 13 '.syscall == "bind"' \
	'.cause == "capability" and (.capability | capn) == "NET_BIND_SERVICE" and
	 .target == "port 80" and '"$INFERRED" --linger=1000 bind-low 80
if $NOBODY unshare --user true 2>/dev/null; then
	inf "infer: sethostname after unshare -U as 65534 -> userns CAP_SYS_ADMIN" 1 \
		'.syscall == "sethostname"' \
		'.cause == "userns" and (.capability | capn) == "SYS_ADMIN" and '"$INFERRED" \
		userns-sethostname
else
	skip "infer: unprivileged user namespaces are disabled on this host"
fi

# chown and chmod in a user namespace (65534 mapped as its root) of a file owned by uid 1234,
# which the namespace does not map: the capability held there does not cover the file, and no
# capability check fails (privileged_wrt_inode_uidgid). With the capability hook and without it.
export UNM="$T_TMP/unmapped"
echo x >"$UNM"
chown 1234:1234 "$UNM"
chmod 0666 "$UNM"
if $NOBODY unshare --user --map-root-user true 2>/dev/null; then
	for m in hook nohook; do
		opts="--tracepoint-only --fold-window=0"
		[ $m = nohook ] && opts=$NOCAP
		# shellcheck disable=SC2086 # opts is a list of options
		ep_run "unm$m" $opts -- $NOBODY unshare --user --map-root-user sh -c \
			"/usr/bin/chown 0:0 $UNM; /bin/chmod 0600 $UNM; exit 0"
		for sc in fchownat:CHOWN fchmodat:FOWNER; do
			expect "userns ($m): ${sc%%:*} of a file whose owner 1234 is not mapped -> userns CAP_${sc#*:}, the owner named" 0 \
				".syscall == \"${sc%%:*}\" and .path == \$ENV.UNM" \
				".errno == \"EPERM\" and .cause == \"userns\" and
				 (.capability | capn) == \"${sc#*:}\" and
				 (.diagnosis | test(\"owner \\\\(uid 1234, gid 1234 on the host\\\\) is not mapped\")) and
				 (.fix | test(\"setcap\") | not)"
		done
	done
	# EACCES in that namespace, where it holds CAP_DAC_OVERRIDE: a root 0700 directory on the
	# way is refused all the same (root is not mapped there); alive, so its maps can be read
	mkdir -m 0700 "$T_TMP/priv"
	echo s >"$T_TMP/priv/f"
	export PRIVF="$T_TMP/priv/f"
	ep_run unmdac --tracepoint-only --fold-window=0 -- $NOBODY unshare --user --map-root-user \
		"$TRIG" --linger=800 open-read "$PRIVF"
	expect "userns: CAP_DAC_OVERRIDE in a user namespace does not cover a root 0700 directory (not mapped): dac, the walk blocks there" 13 \
		'.syscall == "openat" and .path == $ENV.PRIVF' \
		".cause == \"dac\" and any(.evidence[]; test(\"path walk: $T_TMP/priv mode 0700\")) and
		 any(.evidence[]; test(\"^observed later: .*does not cover 0:0, not mapped\"))"
else
	skip "userns unmapped owner: unprivileged user namespaces are disabled on this host"
fi

# --- smaller cases (with the capability hook as usual) -----------------------------------------
# fs.protected_symlinks: a link of uid 1234 in a sticky world-writable directory owned by root,
# followed by 65534 (the protection is switched on for this one run if it is off, then restored)
PSYM=$(cat /proc/sys/fs/protected_symlinks 2>/dev/null || echo x)
[ "$PSYM" = 0 ] && { echo 1 >/proc/sys/fs/protected_symlinks || true; }
if [ "$(cat /proc/sys/fs/protected_symlinks 2>/dev/null)" = 1 ]; then
	mkdir -m 1777 "$T_TMP/sticky"
	export LINK="$T_TMP/sticky/link"
	ln -s "$FILE" "$LINK"
	chown -h 1234:1234 "$LINK"
	ep_run psym --fold-window=0 -- $NOBODY "$TRIG" open-read "$LINK"
	expect "sysctl: following another user's link in a sticky dir -> fs.protected_symlinks" 13 \
		'.syscall == "openat" and .path == $ENV.LINK' \
		'.errno == "EACCES" and .cause == "sysctl" and .sysctl == "fs.protected_symlinks" and
		 (.fix | test("sysctl -w|protected_symlinks=0") | not)'
	[ "$PSYM" = 0 ] && echo 0 >/proc/sys/fs/protected_symlinks
else
	skip "sysctl: fs.protected_symlinks is not 1 on this host"
fi
# ulimit -Hn above fs.nr_open, as root (CAP_SYS_RESOURCE held): EPERM from fs.nr_open
NR=$(cat /proc/sys/fs/nr_open)
ep_run nropen --fold-window=0 -- sh -c "ulimit -Hn $((NR + 1))"
expect "sysctl: ulimit -Hn above fs.nr_open as root -> fs.nr_open" 2 \
	'.syscall == "prlimit64" or .syscall == "setrlimit"' \
	'.errno == "EPERM" and .cause == "sysctl" and .sysctl == "fs.nr_open"'
# utimensat(..., NULL) on a root 0644 file as 65534: the write bit (dac), not CAP_FOWNER
ep_run utim --fold-window=0 -- $NOBODY touch -c "$FILE"
expect "dac: touch (utimensat NULL) of a root 0644 file as 65534 -> dac, not CAP_FOWNER" 1 \
	'.syscall == "utimensat"' \
	'.errno == "EACCES" and .cause == "dac" and .path == $ENV.FILE and (.capability == null)'
t_done

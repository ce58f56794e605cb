#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Facts the kernel captures at the denial (tracepoint-only mode): the object of a relative path
# after the process moved or exited, the file behind a reused fd number, the credentials and
# supplementary groups of an exited process, the flags of a file changed right after the
# denial (dcache lookup), the mode of a file or of a directory on the way changed right after an
# EACCES (dcache hash lookup), a noexec mount gone right after the denied exec. Each check
# asserts the cause and the object.
# The reused-fd check runs with the tp_btf and with the raw_tp programs.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root facts
need_epermd facts
mount_tracefs
t_tmpdir
PROBE="$OUTPUT/tests/factsprobe"
D="$T_TMP/d"
mkdir -m 0755 "$D"
IMM=""

# chattr +i files are cleared by t_cleanup (chattr -R -i) at exit; say which were set
imm() {
	touch "$1"
	chattr +i "$1"
	IMM="$IMM $1"
}

# (a) rm -f of an immutable file by a relative path: the object is the absolute path
imm "$D/f"
cd "$D"
ep_run a --tracepoint-only --fold-window=0 -- rm -f f
cd /
expect "relative path, exited process: rm -f f names $D/f, cause immutable" 1 \
	'.syscall == "unlinkat"' ".path == \"$D/f\" and .cause == \"immutable\""

# (a2) the process changed its cwd after the denial and is still alive: the base the kernel
# saw, not today's /proc/PID/cwd ("/")
imm "$D/g"
cd "$D"
ep_run a2 --tracepoint-only --fold-window=0 -- "$PROBE" cwdmove g 800
cd /
expect "relative path, cwd changed after the denial: object $D/g, cause immutable" 1 \
	'.syscall == "unlinkat" or .syscall == "unlink"' \
	".path == \"$D/g\" and .cause == \"immutable\""

# (a3) unlinkat() through a dirfd whose number names "/" a moment later (the process stays):
# the base the kernel saw is the dirfd's directory, not today's /proc/PID/fd/N
imm "$D/k"
ep_run a3 --tracepoint-only --fold-window=0 -- "$PROBE" dirfd "$D" k 800
expect "relative path to a dirfd reused for / right after: object $D/k, cause immutable" 1 \
	'.syscall == "unlinkat"' \
	".path == \"$D/k\" and .cause == \"immutable\" and (.facts.at_denial | index(\"base_dir\")) != null"

# (d) the flag is gone by the time user space looks: the kernel's dcache lookup at the denial
# saw it (before (b) fills the scratch directory: the lookup visits at most 512 dentries). sh exits with chattr's status (0).
imm "$D/h"
ep_run d --tracepoint-only --fold-window=0 -- sh -c "rm -f $D/h; chattr -i $D/h"
expect "immutable flag cleared right after the denial: rm -f $D/h is still immutable" 0 \
	".syscall == \"unlinkat\" and .path == \"$D/h\"" \
	'.cause == "immutable" and .flag == "immutable"'

# (d2) the lookup crosses a mount (tmpfs on a directory of the scratch tree)
M="$T_TMP/mnt"
mkdir "$M"
if mount -t tmpfs epermd-facts "$M" && mkdir "$M/sub" && touch "$M/sub/x" &&
	chattr +i "$M/sub/x" 2>/dev/null; then
	ep_run d2 --tracepoint-only --fold-window=0 -- sh -c "rm -f $M/sub/x; chattr -i $M/sub/x"
	expect "dcache lookup across a tmpfs mount: rm -f $M/sub/x is still immutable" 0 \
		".syscall == \"unlinkat\" and .path == \"$M/sub/x\"" \
		'.cause == "immutable" and .flag == "immutable"'
else
	skip "dcache lookup across a mount (no tmpfs with chattr +i here)"
fi

# (d3) a noexec tmpfs unmounted right after the denied exec (factsprobe noexec: the exec and
# the umount microseconds apart, the process alive): cause mount noexec from the kernel's mount
# flags at the denial; the mount is said to be gone, never the one below it ("/"), and no
# fix_command binds a file that is gone.
NE="$T_TMP/ne"
mkdir "$NE"
ep_run d3 --tracepoint-only --fold-window=0 -- "$PROBE" noexec "$NE"
mountpoint -q "$NE" && umount "$NE"
expect "noexec tmpfs unmounted right after the denied exec: cause mount noexec, the mount said gone, not /" 13 \
	".syscall == \"execve\" and .path == \"$NE/t\"" \
	'.cause == "mount" and .mount_option == "noexec" and .file.mount_point == null and
	 any(.evidence[]; test("unmounted since")) and .fix_command == null and
	 (.diagnosis | test(": / is") | not)'

# (b) a failed write on an fd whose number names /etc/hostname a moment later, 20 runs each
# with tp_btf and raw_tp: every record names /proc/PID/oom_score_adj of the writer
fdreuse_runs() {
	mode=$1
	bad=0
	i=0
	while [ $i -lt 20 ]; do
		i=$((i + 1))
		ep_run "b$mode$i" --tracepoint-only --fold-window=0 -- $NOBODY "$PROBE" fdreuse
		pid=$(sed -n 's/^factsprobe: pid=\([0-9]*\) .*reused=1$/\1/p' "$COUT")
		if [ -z "$pid" ] || [ "$RC" -ne 13 ]; then
			bad=$((bad + 1))
			diag "run $i ($mode): no reuse or exit status $RC: $(head -c 300 "$COUT")"
			continue
		fi
		n=$(jcount "$OUT" ".syscall == \"write\" and .pid == $pid and
			.path == \"/proc/$pid/oom_score_adj\" and .capability == \"CAP_SYS_RESOURCE\"")
		m=$(jcount "$OUT" '.syscall == "write"')
		if [ "$n" -ne 1 ] || [ "$m" -ne 1 ]; then
			bad=$((bad + 1))
			diag "run $i ($mode): $n right of $m write records"
			dump_run
		fi
	done
	if [ $bad -eq 0 ]; then
		ok "reused fd ($mode): 20 of 20 runs name /proc/PID/oom_score_adj, CAP_SYS_RESOURCE"
	else
		not_ok "reused fd ($mode): $bad of 20 runs wrong"
	fi
}
fdreuse_runs tp_btf
EPERMD_FORCE_RAW_TP=1
export EPERMD_FORCE_RAW_TP
fdreuse_runs raw_tp
unset EPERMD_FORCE_RAW_TP

# (c) an exited process's supplementary groups come from the kernel's record. cat runs under
# sh, which reaps it at once (a direct child of epermd would stay a zombie with its /proc);
# sh exits 1 for the check of the exit status.
ep_run c --tracepoint-only --fold-window=0 -- \
	setpriv --reuid=65534 --regid=65534 --groups=4,24 sh -c '/bin/cat /etc/shadow; /bin/sleep 0.3; exit 1'
expect "exited process with groups 4,24: cat /etc/shadow is DAC, groups known" 1 \
	'.syscall == "openat" and .path == "/etc/shadow"' \
	'.cause == "dac" and ([.evidence[] | select(test("groups not known"))] | length) == 0'

# (c2) the groups decide: a 0604 file of group 24 denies a member of 24 and lets others read
G="$T_TMP/grp24"
echo x >"$G"
chown 0:24 "$G"
chmod 0604 "$G"
ep_run c2 --tracepoint-only --fold-window=0 -- \
	setpriv --reuid=65534 --regid=65534 --groups=4,24 sh -c "/bin/cat $G; /bin/sleep 0.3; exit 1"
expect "exited process in group 24: a 0604 root:24 file is denied by its owning-group class" 1 \
	".syscall == \"openat\" and .path == \"$G\"" \
	'.cause == "dac" and (.diagnosis | test("owning group"))'

# (e) EACCES, the mode changed right after the denial by a process that exits at once: the
# dcache hash lookup at the denial saw 0600 (user space later sees 0644, which grants r)
if "$EPERMD" --config=none --features 2>/dev/null | grep -q '^object lookup: on (dcache hash'; then
	S="$T_TMP/sec600"
	echo s >"$S"
	chmod 0600 "$S"
	ep_run e --tracepoint-only --fold-window=0 -- sh -c \
		"setpriv --reuid=65534 --regid=65534 --clear-groups /bin/cat $S; chmod 0644 $S"
	expect "EACCES, chmod 0644 right after the denial: cat $S is dac with mode 0600 at the denial" 0 \
		".syscall == \"openat\" and .path == \"$S\"" \
		'.cause == "dac" and (.facts.at_denial | index("file")) != null and
		 ([.evidence[] | select(test("mode 0600 owner 0:0"))] | length) == 1 and
		 (.diagnosis | test("mode 0600"))'
	# (f) the directory on the way: 0700 at the denial, 0755 a moment later
	W="$T_TMP/d700"
	mkdir -m 0700 "$W"
	echo x >"$W/f"
	chmod 0644 "$W/f"
	ep_run f --tracepoint-only --fold-window=0 -- sh -c \
		"setpriv --reuid=65534 --regid=65534 --clear-groups /bin/cat $W/f; chmod 0755 $W"
	expect "EACCES, directory chmod 0755 right after: the walk blocks at $W, mode 0700 at the denial" 0 \
		".syscall == \"openat\" and .path == \"$W/f\"" \
		".cause == \"dac\" and (.facts.at_denial | index(\"path_walk\")) != null and
		 ([.evidence[] | select(test(\"searchable before $W\$\"))] | length) == 1 and
		 ([.evidence[] | select(test(\"$W mode 0700 owner 0:0\"))] | length) == 1"
else
	skip "EACCES file facts at the denial (the dcache hash lookup is off: $("$EPERMD" \
		--config=none --features 2>/dev/null | sed -n 's/^object lookup: //p'))"
fi

t_done

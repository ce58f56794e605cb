#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# EROFS ("Read-only file system") as a denial (daemon/attribute/rofs.c), with real read-only mounts:
#   - in a private mount namespace (unshare -m) with a directory bind-mounted read-only onto
#     itself (what systemd's ReadOnlyPaths= does): write, create, mkdir, unlink, chmod (by path
#     and by fd), each from a process that exits at once; cause mount, readonly "mount" (the
#     bind's own flag), the mount point and its id as the namespace saw them, and the object;
#   - race: the mount made writable again and removed right after the denial (the facts are
#     the kernel's at the denial, the namespace is gone when the daemon looks);
#   - a read-only superblock (tmpfs mounted ro): readonly "filesystem";
#   - in the host's namespace, not reported by default, reported with erofs = all.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"

need_root erofs
need_epermd erofs
mount_tracefs
t_tmpdir
if ! unshare -m true 2>/dev/null; then
	skip "erofs (unshare -m is not allowed here)"
	t_done
fi

RO="$T_TMP/ro"
mkdir "$RO" "$RO/sub"
echo data >"$RO/f"
echo data >"$RO/g"
# inside the namespace: bind RO onto itself read-only, note the mount's id, then run $1
ns() {
	printf '%s\n' "mount --bind -o ro '$RO' '$RO' || exit 99
awk -v p='$RO' '\$5 == p { id = \$1 } END { print id }' /proc/self/mountinfo >'$T_TMP/mntid'
$1"
}
# the record of SYSCALL (a jq regex) on PATH: EROFS, cause mount, the bind's own flag, the
# mount point and id the namespace had, a private namespace, and a fix naming the directory
ro_ok() {
	expect "$1" "$2" ".errno == \"EROFS\" and (.syscall | test(\"$3\")) and .path == \"$4\"" \
		".cause == \"mount\" and .mount_option == \"ro\" and .readonly == \"mount\" and
		 .mount_point == \"$RO\" and .mount_id == $(cat "$T_TMP/mntid") and
		 .mntns_private == true and (.fix | contains(\"$5\")) and
		 (.diagnosis | contains(\"own mount namespace\"))"
}

# (a) each action from a process that exits at once, by path and by fd (fchmod on a
# directory opened read-only), and a write on a read-only tmpfs; the namespace dies with the run
SB="$T_TMP/sb"
mkdir "$SB"
ep_run a --fold-window=0 -- unshare -m sh -c "$(ns "sh -c 'echo x >$RO/f'
touch '$RO/new'
mkdir '$RO/d'
rm -f '$RO/g'
chmod 600 '$RO/f'
python3 -c 'import os
fd = os.open(\"$RO/sub\", os.O_RDONLY)
try:
    os.fchmod(fd, 0o700)
except OSError:
    pass'
mount -t tmpfs -o ro epermd-ro '$SB' || exit 99
touch '$SB/x'
exit 0")"
ro_ok "erofs: write in a ro bind (private ns): object $RO/f, mount $RO" 0 "open" "$RO/f" "$RO"
ro_ok "erofs: create in a ro bind: object $RO/new, fix opens $RO" 0 "open" "$RO/new" "$RO"
ro_ok "erofs: mkdir in a ro bind: object $RO/d" 0 "^mkdir" "$RO/d" "$RO"
ro_ok "erofs: unlink in a ro bind: object $RO/g" 0 "unlink" "$RO/g" "$RO"
ro_ok "erofs: chmod in a ro bind: object $RO/f" 0 "^(fchmodat|chmod)" "$RO/f" "$RO"
ro_ok "erofs: fchmod on an fd of $RO/sub: object by fd, fix opens the directory itself" 0 \
	"^fchmod$" "$RO/sub" "'$RO/sub'"
# a read-only superblock: the filesystem, not a bind
expect "erofs: read-only tmpfs: readonly filesystem, mount point $SB" 0 \
	".errno == \"EROFS\" and .path == \"$SB/x\"" \
	".cause == \"mount\" and .readonly == \"filesystem\" and .mount_point == \"$SB\" and
	 (.diagnosis | contains(\"SB_RDONLY\")) and (.fix | contains(\"remount,rw\"))"

# (c) right after the denial the mount is made writable, written to, then removed: the facts
# are the kernel's at the denial
ep_run c --fold-window=0 -- unshare -m sh -c "$(ns "touch '$RO/c1'
mount -o remount,bind,rw '$RO'; touch '$RO/c2'; umount '$RO'; exit 0")"
ro_ok "erofs: mount remounted rw and removed right after the denial: $RO, id at the denial" 0 \
	"open" "$RO/c1" "$RO"
if [ "$(jcount "$OUT" '.path == "'"$RO"'/c2"')" -eq 0 ] && [ -e "$RO/c2" ]; then
	ok "erofs: the write after the remount succeeded and was not reported"
else
	not_ok "erofs: the write after the remount: $(jcount "$OUT" '.path == "'"$RO"'/c2"') records"
fi
rm -f "$RO/c2"

# (f) the host's namespace: a read-only disk is not a policy, so not reported by default
HRO="$T_TMP/hro"
mkdir "$HRO"
if mount --bind -o ro "$HRO" "$HRO"; then
	ep_run f --fold-window=0 -- sh -c "touch '$HRO/x'; exit 0"
	n=$(jcount "$OUT" '.errno == "EROFS"')
	if [ "$RC" -eq 0 ] && [ "$n" -eq 0 ] && grep -q 'Read-only file system' "$COUT"; then
		ok "erofs: ro bind in the host's namespace: not reported by default"
	else
		not_ok "erofs: host namespace, default: rc $RC, $n EROFS records"
		dump_run
	fi
	CONF="$T_TMP/all.conf"
	printf 'erofs = all\n' >"$CONF"
	chmod 0644 "$CONF"
	ep_run g --config="$CONF" --fold-window=0 -- sh -c "touch '$HRO/x'; exit 0"
	expect "erofs: erofs = all: ro bind in the host's namespace reported, not private" 0 \
		".errno == \"EROFS\" and .path == \"$HRO/x\"" \
		".cause == \"mount\" and .readonly == \"mount\" and .mount_point == \"$HRO\" and
		 .mntns_private == false and (.fix | contains(\"remount,bind,rw\"))"
	printf 'erofs = never\n' >"$CONF"
	ep_run h --config="$CONF" --fold-window=0 -- unshare -m sh -c "$(ns "touch '$RO/h'; exit 0")"
	n=$(jcount "$OUT" '.errno == "EROFS"')
	if [ "$RC" -eq 0 ] && [ "$n" -eq 0 ]; then
		ok "erofs: erofs = never: a private namespace's EROFS is not reported"
	else
		not_ok "erofs: erofs = never: rc $RC, $n EROFS records"
		dump_run
	fi
	umount "$HRO"
else
	skip "erofs: host namespace checks (bind mount refused)"
fi
t_done

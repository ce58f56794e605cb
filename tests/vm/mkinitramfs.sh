#!/bin/sh
# Build the guest initramfs pieces (cpio newc, gzip) under tests/vm/cache/initramfs/:
#   base.cpio.gz            busybox, /init, epermd + its shared libraries, vmtrig, uringtrig,
#                           scenarios,
#                           apparmor_parser, fapolicyd (+ libs and config) when fetched
#   modules-<suite>.cpio.gz kernel modules listed in $VM_MODULES (default: none; NVMe and
#                           ext4 are built into all three cloud kernels), dependencies resolved;
#                           the kernel's config as /boot/config-RELEASE
# boot.sh appends a third, tiny archive with the job script. The kernel unpacks concatenated archives.
# usage: OUTPUT=build tests/vm/mkinitramfs.sh [SUITE...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CACHE=${VM_CACHE:-$here/cache}
OUTPUT=${OUTPUT:-$top/build}
case $OUTPUT in /*) ;; *) OUTPUT=$top/$OUTPUT ;; esac
EPERMD=${EPERMD:-$OUTPUT/epermd}
VM_MODULES=${VM_MODULES:-}
out=$CACHE/initramfs
mkdir -p "$out"

root=$(mktemp -d "${TMPDIR:-/tmp}/epermd-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT INT TERM
chmod 0755 "$root" # mktemp made it 0700: / must be searchable for uid 65534

# copy a dynamically linked binary and every library ldd names; LIBPATH adds search dirs
LIBPATH=
copy_bin() {
	src=$1
	dst=$2
	mkdir -p "$root$(dirname "$dst")"
	cp -L "$src" "$root$dst"
	chmod 0755 "$root$dst"
	LD_LIBRARY_PATH=$LIBPATH ldd "$src" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' |
		while read -r lib; do
			case $lib in
			*/ld-linux*) d=/lib64/$(basename "$lib") ;;
			*) d=/lib/x86_64-linux-gnu/$(basename "$lib") ;;
			esac
			[ -e "$root$d" ] || { mkdir -p "$root$(dirname "$d")" && cp -L "$lib" "$root$d"; }
		done
}

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/lib/x86_64-linux-gnu" \
	"$root/lib64" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" \
	"$root/mnt" "$root/var/lib" "$root/var/log" "$root/root" "$root/opt"
ln -s ../lib "$root/usr/lib"
cp /bin/busybox "$root/bin/busybox"
cp "$here/guest/init" "$root/init"
cp "$here/guest/scenarios.sh" "$root/scenarios.sh"
chmod 0755 "$root/init" "$root/scenarios.sh"

# static test helpers
for c in "$here"/tools/*.c; do
	[ -e "$c" ] || continue
	n=$(basename "$c" .c)
	cc -static -O2 -Wall -Wextra -o "$root/bin/$n" "$c"
done
# the io_uring trigger of the host tests (raw syscalls, no liburing)
cc -static -O2 -Wall -Wextra -o "$root/bin/uringtrig" "$top/tests/tools/uringtrig.c"
# the memory-deny-write-execute trigger (prctl PR_SET_MDWE, then mmap W+X)
cc -static -O2 -Wall -Wextra -o "$root/bin/mdwetrig" "$top/tests/tools/mdwetrig.c"
# the AppArmor profile attaches to this path
cp "$root/bin/vmtrig" "$root/bin/trigger-aa"

if [ -x "$EPERMD" ]; then
	copy_bin "$EPERMD" /usr/sbin/epermd
	echo "mkinitramfs: epermd from $EPERMD" >&2
else
	echo "mkinitramfs: WARNING: no epermd at $EPERMD; scenarios will report it missing" >&2
fi
# extra programs for H7-style jobs: VM_EXTRA="/host/path[:/guest/path] ..."
for e in ${VM_EXTRA:-}; do
	src=${e%%:*}
	dst=${e#*:}
	[ "$dst" != "$e" ] || dst=/usr/bin/$(basename "$src")
	copy_bin "$src" "$dst"
done
p=$(command -v bpftool 2>/dev/null || true)
[ -z "$p" ] || copy_bin "$p" /usr/sbin/bpftool

ud=$CACHE/userspace/root
if [ -x "$ud/sbin/apparmor_parser" ] && [ -x "$ud/usr/sbin/fapolicyd" ]; then
	LIBPATH=$ud/usr/lib/x86_64-linux-gnu:$ud/lib/x86_64-linux-gnu
	copy_bin "$ud/sbin/apparmor_parser" /sbin/apparmor_parser
	copy_bin "$ud/usr/sbin/fapolicyd" /usr/sbin/fapolicyd
	copy_bin "$ud/usr/sbin/fapolicyd-cli" /usr/sbin/fapolicyd-cli
	LIBPATH=
	mkdir -p "$root/etc/apparmor" "$root/usr/share"
	cp "$ud/etc/apparmor/parser.conf" "$root/etc/apparmor/"
	cp -r "$ud/usr/share/apparmor-features" "$root/usr/share/apparmor-features"
	cp -r "$ud/etc/fapolicyd" "$root/etc/fapolicyd"
	cp -r "$ud/usr/share/fapolicyd" "$root/usr/share/fapolicyd"
	# libmagic's database: /usr/lib/file/magic.mgc (usr/lib is a link to /lib in the guest)
	mkdir -p "$root/lib/file" "$root/usr/share/misc"
	cp -L "$ud/usr/lib/file/magic.mgc" "$root/lib/file/magic.mgc"
	ln -s ../../lib/file/magic.mgc "$root/usr/share/misc/magic.mgc"
fi

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
fapolicyd:x:998:998:fapolicyd:/var/lib/fapolicyd:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
fapolicyd:x:998:
nogroup:x:65534:
EOF
echo epermd-vm >"$root/etc/hostname"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out/base.cpio.gz.tmp"
mv "$out/base.cpio.gz.tmp" "$out/base.cpio.gz"

# per-kernel module archives
[ $# -gt 0 ] || set -- bullseye bookworm trixie
for suite in "$@"; do
	kd=$CACHE/kernels/$suite
	[ -s "$kd/release" ] || continue
	rel=$(cat "$kd/release")
	mroot=$(mktemp -d "${TMPDIR:-/tmp}/epermd-mods.XXXXXX")
	chmod 0755 "$mroot" # its "." entry sets the mode of the guest's /
	mkdir -p "$mroot/lib/modules/$rel" "$mroot/etc" "$mroot/boot"
	# the kernel's configuration where Debian installs it: epermd reads CONFIG_HZ there (the
	# fold check times repeats in ticks, bpf/fold.bpf.h)
	[ ! -s "$kd/config" ] || cp "$kd/config" "$mroot/boot/config-$rel"
	: >"$mroot/etc/modules-load"
	for m in $VM_MODULES; do
		# modules.dep: "kernel/x/m.ko[.xz]: dep1.ko dep2.ko"; load deps (rightmost first), then m
		line=$(grep -E "/$m\\.ko(\\.[a-z]+)?:" "$kd/modules/modules.dep" | head -n1 || true)
		if [ -z "$line" ]; then
			grep -qE "/$m\\.ko" "$kd/modules/modules.builtin" && continue
			echo "mkinitramfs: module $m not found for $suite" >&2
			continue
		fi
		files=$(echo "$line" | sed 's/://' | awk '{for (i = NF; i > 1; i--) print $i; print $1}')
		for f in $files; do
			dst=$mroot/lib/modules/$rel/$(basename "$f" | sed 's/\.xz$//;s/\.zst$//')
			[ -e "$dst" ] && continue
			case $f in
			*.xz) xz -dc "$kd/modules/$f" >"$dst" ;;
			*.zst) zstd -qdc "$kd/modules/$f" >"$dst" ;;
			*) cp "$kd/modules/$f" "$dst" ;;
			esac
			basename "$dst" >>"$mroot/etc/modules-load"
		done
	done
	(cd "$mroot" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out/modules-$suite.cpio.gz"
	rm -rf "$mroot"
done
echo "mkinitramfs: $(du -h "$out/base.cpio.gz" | cut -f1) base archive in $out" >&2

#!/bin/sh
# End to end, as an operator: boot a Debian cloud kernel with a minimal Debian root file system
# (tests/vm/mkrootfs.sh, systemd as PID 1), the epermd .deb installed with dpkg, and run
# checks.sh in the guest (epermd-e2e.service, after multi-user.target).
# usage: tests/vm/systemd/e2e.sh [SUITE]          (default bookworm: kernel 6.1 + Debian 12, systemd
#        252; trixie: kernel 6.12 + Debian 13, systemd 257 with its BPF framework and
#        systemd-executor; run.sh runs it for VM_SYSTEMD_SUITES)
# env: EPERMD_DEB=path.deb  the package to install. Default: $OUTPUT/deb/epermd_*.deb when
#        $OUTPUT/deb/SOURCE (written by tests/host/package.sh) matches tests/tools/src-hash.sh, else
#        `dpkg-buildpackage -us -uc -b` in a copy of the tree (cached in $OUTPUT/e2e-deb/ by a
#        hash of the source files).
#      E2E_INSTALL=make  dev shortcut: `make install DESTDIR=<root> PREFIX=/usr` from $OUTPUT
#        (no postinst: no sysusers, no catalog update, unit not enabled) instead of the .deb.
#      E2E_ONLY=units  dev shortcut: only the unit-directive checks (units.sh) after "active".
#      E2E_DROPIN=file.conf  debugging aid: installed as
#        /etc/systemd/system/epermd.service.d/e2e.conf (try a unit change without a rebuild).
#      OUTPUT (build dir, default build), VM_TIMEOUT (s, default 600), VM_MEM (MiB, 1024),
#      VM_VERBOSE=1 (stream the console), VM_CACHE.
# Prints "ok - vm:<suite>:systemd:<check>" / "not ok - ..." / "skip - ..." and "# ..." notes.
# exit: 0 all ok or skipped, 1 a check failed. Logs: cache/logs/<suite>-systemd.{console,out,install}
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vm=$(dirname "$here")
TOP=$(cd "$vm/../.." && pwd)
CACHE=${VM_CACHE:-$vm/cache}
suite=${1:-bookworm}
: "${OUTPUT:=build}"
case "$OUTPUT" in
/*) ;;
*) OUTPUT="$TOP/$OUTPUT" ;;
esac
P="vm:$suite:systemd"
logs=$CACHE/logs
mkdir -p "$logs"
t0=$(date +%s)
if [ "$(id -u)" -ne 0 ]; then
	echo "skip - $P: needs root (debootstrap, chroot dpkg -i)"
	exit 0
fi

# ---- kernel and root file system (cached); no network = skip
line=$("$vm/fetch-kernels.sh" "$suite" | grep "^skip $suite " || true)
kd=$CACHE/kernels/$suite
if [ -n "$line" ] || [ ! -s "$kd/vmlinuz" ]; then
	echo "skip - $P: ${line#skip "$suite" }"
	exit 0
fi
rc=0
"$vm/mkrootfs.sh" "$suite" >"$logs/$suite-mkrootfs.out" 2>"$logs/$suite-mkrootfs.err" || rc=$?
tarball=$(tail -n1 "$logs/$suite-mkrootfs.out")
if [ "$rc" -eq 2 ]; then
	echo "skip - $P: mkrootfs: ${tarball#skip }"
	exit 0
elif [ "$rc" -ne 0 ] || [ ! -s "$tarball" ]; then
	echo "not ok - $P:rootfs # mkrootfs.sh exit $rc: $(tail -n 3 "$logs/$suite-mkrootfs.err" | tr '\n' ' ')"
	exit 1
fi
t1=$(date +%s)

# ---- the package
deb=
if [ "${E2E_INSTALL:-deb}" = deb ]; then
	if [ -n "${EPERMD_DEB:-}" ]; then
		deb=$EPERMD_DEB
	else
		# the package tests/host/package.sh built, if it was built from these sources
		srch=$(sh "$TOP/tests/tools/src-hash.sh")
		if [ "$(cat "$OUTPUT/deb/SOURCE" 2>/dev/null)" = "$srch" ]; then
			for f in "$OUTPUT"/deb/epermd_*.deb; do [ -f "$f" ] && deb=$f; done
		fi
	fi
	if [ -z "$deb" ]; then
		# build it: a copy of the tree (no build outputs, no VM cache), cached by source hash
		srch=$(sh "$TOP/tests/tools/src-hash.sh")
		dd=$OUTPUT/e2e-deb/$srch
		for f in "$dd"/epermd_*.deb; do [ -f "$f" ] && deb=$f; done
		if [ -z "$deb" ]; then
			echo "# building the package (dpkg-buildpackage -us -uc -b, source $srch)"
			src=$(mktemp -d "${TMPDIR:-/tmp}/epermd-deb.XXXXXX")
			tar -C "$TOP" --exclude=./tests/vm/cache --exclude=./build --exclude='./build-*' \
				--exclude=./.git --exclude=./debian/build -cf - . | { mkdir -p "$src/epermd" && tar -C "$src/epermd" -xf -; }
			tb=$(date +%s)
			if (cd "$src/epermd" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -us -uc -b) \
				>"$logs/$suite-systemd.debbuild" 2>&1; then
				rm -rf "$OUTPUT/e2e-deb"
				mkdir -p "$dd"
				cp "$src"/epermd_*.deb "$dd/"
				for f in "$dd"/epermd_*.deb; do [ -f "$f" ] && deb=$f; done
				echo "# package built in $(($(date +%s) - tb))s: $deb"
			fi
			rm -rf "$src"
		fi
		if [ -z "$deb" ]; then
			echo "not ok - $P:package # dpkg-buildpackage failed: $(grep -m2 -iE 'error|dpkg-buildpackage: ' "$logs/$suite-systemd.debbuild" | tr '\n' ' ') (log $logs/$suite-systemd.debbuild)"
			exit 1
		fi
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/epermd-e2e.XXXXXX")
# shellcheck disable=SC2317 # called by the trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
root=$work/root
mkdir -p "$root"
tar -x --numeric-owner -f "$tarball" -C "$root"

# ---- install, as an operator would (no daemons start in the chroot)
inst=$logs/$suite-systemd.install
: >"$inst"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
irc=0
if [ -n "$deb" ]; then
	cp "$deb" "$root/tmp/epermd.deb"
	echo "# installing $(basename "$deb")"
	chroot "$root" env DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/epermd.deb >>"$inst" 2>&1 || irc=$?
	rm -f "$root/tmp/epermd.deb"
else
	echo "# E2E_INSTALL=make: make install DESTDIR=... PREFIX=/usr from $OUTPUT (not the package)"
	make -C "$TOP" -s OUTPUT="$OUTPUT" DESTDIR="$root" PREFIX=/usr install >>"$inst" 2>&1 || irc=$?
	chroot "$root" systemd-sysusers >>"$inst" 2>&1 || true
	chroot "$root" journalctl --update-catalog >>"$inst" 2>&1 || true
	chroot "$root" systemctl enable epermd.service >>"$inst" 2>&1 || true
fi
rm -f "$root/usr/sbin/policy-rc.d"
if [ "$irc" -ne 0 ]; then
	echo "not ok - $P:install # exit $irc: $(tail -n 3 "$inst" | tr '\n' ' ')"
	exit 1
fi
echo "ok - $P:install"

# the operator's configuration: metrics for node_exporter's textfile collector
conf=$root/etc/epermd/epermd.conf
if [ -f "$conf" ]; then
	printf '\n# added by tests/vm/systemd/e2e.sh\nmetrics_file = /var/lib/prometheus/node-exporter/epermd.prom\nmetrics_interval = 2\n' >>"$conf"
else
	echo "# no $conf after install"
fi
if [ -n "${E2E_DROPIN:-}" ]; then
	mkdir -p "$root/etc/systemd/system/epermd.service.d"
	cp "$E2E_DROPIN" "$root/etc/systemd/system/epermd.service.d/e2e.conf"
	echo "# E2E_DROPIN: $(grep -v '^#' "$E2E_DROPIN" | tr '\n' ' ')"
fi
mkdir -p "$root/var/lib/prometheus/node-exporter"
mkdir -p "$root/usr/local/lib/epermd-e2e"
cp "$here/checks.sh" "$root/usr/local/lib/epermd-e2e/checks.sh"
cp "$here/units.sh" "$root/usr/local/lib/epermd-e2e/units.sh"
[ -z "${E2E_ONLY:-}" ] || echo "$E2E_ONLY" >"$root/usr/local/lib/epermd-e2e/only"
cp "$here/epermd-e2e.service" "$root/etc/systemd/system/"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../epermd-e2e.service "$root/etc/systemd/system/multi-user.target.wants/epermd-e2e.service"

# ---- the disk image: ext4 populated from the tree (no loop mount)
used=$(du -sm "$root" | cut -f1)
truncate -s $((used + 512))M "$work/root.img"
mkfs.ext4 -q -F -L epermd-root -d "$root" "$work/root.img" >>"$inst" 2>&1
rm -rf "$root"
t2=$(date +%s)

# ---- boot: no initramfs; NVMe and ext4 are built into the cloud kernels
# softlockup_panic=1: under TCG on a loaded 2-core host the guest can livelock while epermd
# attaches or detaches its fexit trampolines: a vCPU keeps executing a stale translation of a
# live-patched function entry (inode_permission) that still holds text_poke_bp's int3, and the
# kernel's handler, seeing no int3 in memory any more, restarts the instruction forever (seen in
# CI 40 s into the boot, and locally in a restart during the checks, load average 12; see
# tests/vm/README.md). Panicking ends such a boot at once
# instead of hanging until VM_TIMEOUT; boot_vm then boots ONCE more from a pristine copy of the
# image, and the stuck CPUs' frames are printed either way. A second stall fails the run.
console=$logs/$suite-systemd.console
outf=$logs/$suite-systemd.out
cmdline="root=/dev/nvme0n1 rootfstype=ext4 rootwait rw console=ttyS0 panic=-1 softlockup_panic=1 softlockup_all_cpu_backtrace=1 lsm=lockdown,capability,landlock,yama,apparmor,bpf apparmor=1 systemd.show_status=1"
stall='soft lockup - CPU|rcu_(sched|preempt) self-detected stall|rcu_(sched|preempt) detected stalls'
boot_vm() {
	: >"$console"
	: >"$outf"
	tailpid=
	if [ -n "${VM_VERBOSE:-}" ]; then
		tail -f "$console" >&2 &
		tailpid=$!
	fi
	qrc=0
	timeout -k 5 "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -m "${VM_MEM:-1024}" -smp 2 \
		-nodefaults -display none -no-reboot -monitor none \
		-kernel "$kd/vmlinuz" -append "$cmdline" \
		-serial "file:$console" -serial "file:$outf" \
		-drive "file=$work/root.img,if=none,id=disk0,format=raw" -device nvme,drive=disk0,serial=epermd0 \
		</dev/null >"$work/qemu.err" 2>&1 || qrc=$?
	[ -z "$tailpid" ] || { sleep 0.2; kill "$tailpid" 2>/dev/null || true; }
}
stall_frames() {
	echo "# $P: $(grep -Eam1 "$stall" "$1" | tr -d '\r')"
	grep -aE 'CPU: [0-9]+ PID|RIP: 0010:|^\[ *[0-9.]+\] +(\? )?[a-z_][a-z0-9_.]*\+0x' "$1" | head -n 40 | tr -d '\r' | sed 's/^/#   /'
}
cp "$work/root.img" "$work/root.img.orig"
boot_vm
if grep -Eaq "$stall" "$console"; then
	echo "# $P: a soft lockup / RCU stall in the guest ($(grep -c '^ok - ' "$outf") checks had passed); frames:"
	stall_frames "$console"
	mv "$console" "$console.boot1"
	mv "$outf" "$outf.boot1"
	mv "$work/root.img.orig" "$work/root.img"
	echo "# $P: booting once more on a fresh copy of the image; the first boot's results are discarded ($outf.boot1, $console.boot1)"
	boot_vm
fi
rm -f "$work/root.img.orig"
t3=$(date +%s)

sed -n '/^=====EPERMD-VM-BEGIN/,/^=====EPERMD-VM-END/p' "$outf" | tr -d '\r' | sed '1d;$d' |
	sed -E "s/^(ok|not ok|skip) - systemd:/\1 - $P:/"
fail=0
grep -q '^not ok - ' "$outf" && fail=1
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "not ok - $P:boot # TIMEOUT after ${VM_TIMEOUT:-600}s (console: $console)"
	tail -n 15 "$console" | tr -d '\r' | sed 's/^/#   /'
	fail=1
elif [ "$qrc" -ne 0 ]; then
	echo "not ok - $P:boot # qemu exited $qrc: $(head -c 300 "$work/qemu.err")"
	fail=1
elif ! grep -aq '^=====EPERMD-VM-END rc=' "$outf"; then
	echo "not ok - $P:boot # the checks never finished (console: $console)"
	tail -n 15 "$console" | tr -d '\r' | sed 's/^/#   /'
	fail=1
fi
splat='BUG:|WARNING:|Oops|Call Trace|[Kk]ernel panic|general protection fault|UBSAN:|KASAN:|refcount_t:|INFO: task .* blocked|self-detected stall|verifier bug|RCU stall'
if grep -Eaq "$splat" "$console"; then
	echo "not ok - $P:kernel-splat # $(grep -Eam1 "$splat" "$console" | tr -d '\r')"
	! grep -Eaq "$stall" "$console" || stall_frames "$console"
	fail=1
fi
echo "# $P: rootfs ${tarball##*/} $((t1 - t0))s, package+image $((t2 - t1))s, boot+checks $((t3 - t2))s, total $((t3 - t0))s; logs $console $outf"
exit "$fail"

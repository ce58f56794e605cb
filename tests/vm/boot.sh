#!/bin/sh
# Boot one Debian cloud kernel under QEMU/TCG with the test initramfs and run SCRIPT inside it.
# usage: tests/vm/boot.sh SUITE SCRIPT [extra kernel args...]
#   SUITE   bullseye (5.10) | bookworm (6.1) | trixie (6.12)
#   SCRIPT  a POSIX sh script run as root in the guest (cwd /tmp); its output is printed here
# env: OUTPUT (build dir holding epermd, default build), VM_TIMEOUT (s, default 300),
#      VM_MEM (MiB, 1024), VM_VERBOSE=1 (stream the serial console), VM_NO_REBUILD=1 (reuse the
#      cached base initramfs), VM_EXTRA="host/bin[:/guest/path] ..." (more binaries + their libs),
#      VM_MODULES="loop overlay" (kernel modules to insmod), VM_JOB_NAME (default: SCRIPT's name)
# exit: the job's exit status; 124 timeout; 125 setup error; 126 kernel splat; 127 no end marker.
# logs: tests/vm/cache/logs/<suite>-<job>.console (whole console) and .out (job output + dmesg)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VM_CACHE:-$here/cache}
[ $# -ge 2 ] || { sed -n '2,12p' "$0" >&2; exit 125; }
suite=$1
script=$2
shift 2
[ -r "$script" ] || { echo "boot.sh: cannot read $script" >&2; exit 125; }
job=${VM_JOB_NAME:-$(basename "$script" .sh)}
kd=$CACHE/kernels/$suite
if [ ! -s "$kd/vmlinuz" ]; then
	"$here/fetch-kernels.sh" "$suite" >&2
	[ -s "$kd/vmlinuz" ] || { echo "boot.sh: no kernel for $suite" >&2; exit 125; }
fi
if [ -z "${VM_NO_REBUILD:-}" ] || [ ! -s "$CACHE/initramfs/base.cpio.gz" ] ||
	[ ! -s "$CACHE/initramfs/modules-$suite.cpio.gz" ]; then
	"$here/mkinitramfs.sh" "$suite" >&2
fi

logs=$CACHE/logs
mkdir -p "$logs"
console=$logs/$suite-$job.console
outf=$logs/$suite-$job.out
work=$(mktemp -d "${TMPDIR:-/tmp}/epermd-vm.XXXXXX")
tailpid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$tailpid" ] || kill "$tailpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the job archive: /job.sh and /job.name
mkdir -p "$work/job"
cp "$script" "$work/job/job.sh"
echo "$job" >"$work/job/job.name"
(cd "$work/job" && printf 'job.sh\njob.name\n' | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$work/job.cpio.gz"
cat "$CACHE/initramfs/base.cpio.gz" "$CACHE/initramfs/modules-$suite.cpio.gz" "$work/job.cpio.gz" >"$work/initrd"

# a fresh 64 MiB ext4 disk (NVMe; built into every cloud kernel) for immutable/append-only tests
if [ ! -s "$CACHE/disk-template.img" ]; then
	truncate -s 64M "$CACHE/disk-template.img.tmp"
	mkfs.ext4 -q -F -L epermd-test "$CACHE/disk-template.img.tmp"
	mv "$CACHE/disk-template.img.tmp" "$CACHE/disk-template.img"
fi
cp --sparse=always "$CACHE/disk-template.img" "$work/disk.img"

cmdline="console=ttyS0 panic=-1 oops=panic softlockup_panic=1 softlockup_all_cpu_backtrace=1 lsm=lockdown,capability,landlock,yama,apparmor,bpf apparmor=1 $*"
: >"$console"
: >"$outf"
if [ -n "${VM_VERBOSE:-}" ]; then
	tail -f "$console" >&2 &
	tailpid=$!
fi
start=$(date +%s)
rc=0
timeout -k 5 "${VM_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -cpu max -m "${VM_MEM:-1024}" -smp 2 \
	-nodefaults -display none -no-reboot -monitor none \
	-kernel "$kd/vmlinuz" -initrd "$work/initrd" -append "$cmdline" \
	-serial "file:$console" -serial "file:$outf" \
	-drive "file=$work/disk.img,if=none,id=disk0,format=raw" -device nvme,drive=disk0,serial=epermd0 \
	</dev/null >"$work/qemu.err" 2>&1 || rc=$?
elapsed=$(($(date +%s) - start))
[ -z "$tailpid" ] || { sleep 0.2; kill "$tailpid" 2>/dev/null || true; tailpid=; }

# the job's output, without the markers and the dmesg dump
sed -n '/^=====EPERMD-VM-BEGIN/,/^=====EPERMD-VM-END/p' "$outf" | tr -d '\r' | sed '1d;$d'

status=0
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "boot.sh: $suite/$job: TIMEOUT after ${VM_TIMEOUT:-300}s (console: $console)" >&2
	status=124
elif [ "$rc" -ne 0 ]; then
	echo "boot.sh: $suite/$job: qemu exited $rc: $(head -c 500 "$work/qemu.err")" >&2
	status=125
fi
# kernel splats anywhere on the console or in the dmesg dump (libbpf/ci check-kernel-splats style)
splat='BUG:|WARNING:|Oops|Call Trace|[Kk]ernel panic|general protection fault|UBSAN:|KASAN:|refcount_t:|INFO: task .* blocked|self-detected stall|verifier bug|RCU stall'
if grep -Eaq "$splat" "$console" "$outf"; then
	echo "boot.sh: $suite/$job: KERNEL SPLAT:" >&2
	grep -Eah -B2 -A12 "$splat" "$console" "$outf" | head -n 60 >&2
	status=126
fi
if [ "$status" -eq 0 ]; then
	end=$(grep -a '^=====EPERMD-VM-END rc=' "$outf" | tr -d '\r' | tail -n1)
	if [ -z "$end" ]; then
		echo "boot.sh: $suite/$job: no end marker (console: $console)" >&2
		tail -n 30 "$console" >&2
		status=127
	else
		status=${end#*rc=}
	fi
fi
echo "boot.sh: $suite/$job: exit $status after ${elapsed}s; logs $console $outf" >&2
exit "$status"

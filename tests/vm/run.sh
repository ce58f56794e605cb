#!/bin/sh
# The VM test matrix: fetch the kernels (cached), build the initramfs, then per kernel boot once
# per mode (full, tracepoint-only) running guest/scenarios.sh, and check the records.
# usage: OUTPUT=build tests/vm/run.sh [SUITE...]    (default: bullseye bookworm trixie)
# env: VM_MODES="full tp", VM_SCENARIOS="dac seccomp-eperm" (a subset), VM_TIMEOUT (per boot,
#      default 900 s here: one boot runs ~18 epermd starts), plus boot.sh's knobs.
#      VM_E2E=0 skips the systemd end-to-end test (systemd/e2e.sh), which runs last for each
#      suite of VM_SYSTEMD_SUITES (default "bookworm": CI time is tight; "bookworm trixie" adds
#      Debian 13 with systemd 257) that is among the suites (its own skips: no kernel, Debian
#      mirror unreachable).
# Prints "ok - vm:<suite>:<scenario>:<mode>", "not ok - ... # reason", "skip - ...: reason",
# then a scenario x kernel x mode table. Exit 1 if any "not ok".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${VM_CACHE:-$here/cache}
[ $# -gt 0 ] || set -- bullseye bookworm trixie
modes=${VM_MODES:-full tp}
mkdir -p "$CACHE/logs"
table=$CACHE/logs/matrix.tsv
: >"$table"
t0=$(date +%s)

# fetch; a suite that cannot be fetched is skipped, not failed
suites=
for s in "$@"; do
	line=$("$here/fetch-kernels.sh" "$s" | grep "^skip $s " || true)
	if [ -n "$line" ] || [ ! -s "$CACHE/kernels/$s/vmlinuz" ]; then
		echo "skip - vm:$s: ${line#skip "$s" }"
		printf '%s\tALL\t-\tskip\t%s\n' "$s" "${line#skip "$s" }" >>"$table"
	else
		suites="$suites $s"
	fi
done
[ -n "$suites" ] || exit 0
# shellcheck disable=SC2086 # word list
"$here/mkinitramfs.sh" $suites >&2
t1=$(date +%s)

# one boot of the scenario job: sets rc (boot.sh's exit status)
stall='soft lockup - CPU|rcu_(sched|preempt) self-detected stall|rcu_(sched|preempt) detected stalls'
boot_scenarios() {
	rc=0
	VM_TIMEOUT=${VM_TIMEOUT:-900} VM_NO_REBUILD=1 VM_JOB_NAME=scenarios-$2 "$here/boot.sh" "$1" "$3" \
		>"$CACHE/logs/$1-scenarios-$2.job" 2>"$CACHE/logs/$1-scenarios-$2.boot" || rc=$?
}

fail=0
for s in $suites; do
	for m in $modes; do
		job=$(mktemp "${TMPDIR:-/tmp}/epermd-scen.XXXXXX")
		echo "sh /scenarios.sh $m ${VM_SCENARIOS:-}" >"$job"
		tb=$(date +%s)
		boot_scenarios "$s" "$m" "$job"
		if [ "$rc" -ge 124 ] && grep -Eaq "$stall" "$CACHE/logs/$s-scenarios-$m.console"; then
			# see systemd/e2e.sh: a TCG livelock while epermd live-patches its fexit trampolines
			echo "# vm:$s:$m: $(grep -Eam1 "$stall" "$CACHE/logs/$s-scenarios-$m.console" | tr -d '\r'); booting once more (first console: $s-scenarios-$m.console.boot1)"
			grep -aE 'CPU: [0-9]+ PID|RIP: 0010:|^\[ *[0-9.]+\] +(\? )?[a-z_][a-z0-9_.]*\+0x' "$CACHE/logs/$s-scenarios-$m.console" |
				head -n 40 | tr -d '\r' | sed 's/^/#   /'
			mv "$CACHE/logs/$s-scenarios-$m.console" "$CACHE/logs/$s-scenarios-$m.console.boot1"
			boot_scenarios "$s" "$m" "$job"
		fi
		rm -f "$job"
		echo "# vm:$s:$m boot+scenarios took $(($(date +%s) - tb))s (boot.sh exit $rc)"
		if [ "$rc" -ge 124 ]; then
			echo "not ok - vm:$s:boot:$m # $(tail -n 1 "$CACHE/logs/$s-scenarios-$m.boot")"
			printf '%s\tboot\t%s\tnot ok\tboot.sh exit %s\n' "$s" "$m" "$rc" >>"$table"
			grep -v '^boot.sh: .*: exit' "$CACHE/logs/$s-scenarios-$m.boot" | sed 's/^/#   /' | head -n 20
			fail=1
		fi
		python3 "$here/check.py" "$s" "$m" "$CACHE/logs/$s-scenarios-$m.job" "$table" || fail=1
	done
done

# the matrix: one row per scenario, one column per kernel x mode
python3 - "$table" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
cols = []
for r in rows:
    c = f"{r[0]}/{r[2]}"
    if r[1] != "ALL" and c not in cols:
        cols.append(c)
names = []
for r in rows:
    if r[1] != "ALL" and r[1] not in names:
        names.append(r[1])
cell = {(r[1], f"{r[0]}/{r[2]}"): r[3] for r in rows}
w = max([len(n) for n in names] + [8])
print("# " + "scenario".ljust(w) + " " + " ".join(c.ljust(14) for c in cols))
for n in names:
    print("# " + n.ljust(w) + " " + " ".join(cell.get((n, c), "-").ljust(14) for c in cols))
PY
echo "# vm matrix: $(($(date +%s) - t0))s total (fetch+initramfs $((t1 - t0))s)"

# systemd as PID 1, the .deb installed, checked as an operator (Debian 12 root, kernel 6.1; with
# VM_SYSTEMD_SUITES="bookworm trixie" also Debian 13, kernel 6.12)
for es in ${VM_SYSTEMD_SUITES:-bookworm}; do
	case " $suites " in
	*" $es "*) ;;
	*) continue ;;
	esac
	if [ "${VM_E2E:-1}" = 0 ]; then
		echo "skip - vm:$es:systemd: VM_E2E=0"
	else
		te=$(date +%s)
		VM_TIMEOUT=${VM_E2E_TIMEOUT:-1500} sh "$here/systemd/e2e.sh" "$es" || fail=1
		echo "# vm:$es:systemd e2e took $(($(date +%s) - te))s"
	fi
done
exit "$fail"

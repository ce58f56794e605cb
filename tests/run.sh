#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The test runner behind `make test` (which builds first; this script builds nothing).
# Runs $OUTPUT/epermd-unit, every tests/host/*.sh and tests/vm/run.sh, shows their output,
# keeps a copy in $OUTPUT/test.log, counts the "ok - ", "not ok - " and "skip - " lines and
# ends with exactly one line "N passed, N failed, N skipped". Exit status 1 if anything failed.
#
#   EPERMD_SKIP_VM=1   skip the VM tests (QEMU, slow)
#   VM_STEP_TIMEOUT=1800  seconds for the whole VM step (matrix + systemd e2e)
#   TESTS="cli storm"  run only these host scripts (names without .sh)
# CI's extra passes (.ci/run builds both trees first; each line they print is counted):
#   EPERMD_SAN_OUTPUT=build-san  the unit tests and the host scripts in EPERMD_SAN_TESTS again
#                  from that ASan+UBSan build (make OUTPUT=build-san SAN=1); a sanitizer report
#                  from any process of the step is a "not ok - san/NAME" line
#   EPERMD_FUZZ_SECONDS=30  replay each fuzz harness's regression inputs and fuzz it that long
#                  (make fuzz-build first; tests/fuzz/run.sh, FUZZ_OUTPUT=build-fuzz)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
: "${OUTPUT:=build}"
case "$OUTPUT" in
/*) ;;
*) OUTPUT="$TOP/$OUTPUT" ;;
esac
export OUTPUT
LOG="$OUTPUT/test.log"
SCRIPT_TIMEOUT="${SCRIPT_TIMEOUT:-900}"
mkdir -p "$OUTPUT"
: >"$LOG"
WORK=$(mktemp -d /tmp/epermd-run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

if [ ! -e /sys/kernel/tracing/events ] && [ -d /sys/kernel/tracing ] && [ "$(id -u)" -eq 0 ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi

# step NAME CMD...: run one test program, stream and log its output; a program that fails
# without printing a "not ok" line gets one.
step() {
	name=$1
	shift
	echo "# --- $name" | tee -a "$LOG"
	rcf="$WORK/rc"
	echo 0 >"$rcf"
	ts=$(date +%s)
	{ timeout -k 10 "$SCRIPT_TIMEOUT" "$@" 2>&1 || echo $? >"$rcf"; } | tee "$WORK/out"
	cat "$WORK/out" >>"$LOG"
	echo "# --- $name took $(($(date +%s) - ts)) s" | tee -a "$LOG"
	rc=$(cat "$rcf")
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' "$WORK/out"; then
		if [ "$rc" -eq 124 ]; then
			why="timed out after $SCRIPT_TIMEOUT s"
		else
			why="exited with status $rc"
		fi
		echo "not ok - $name $why" | tee -a "$LOG"
	fi
}

# Unit tests
if [ -x "$OUTPUT/epermd-unit" ]; then
	step unit "$OUTPUT/epermd-unit"
else
	echo "not ok - unit: $OUTPUT/epermd-unit is missing (run make first)" | tee -a "$LOG"
fi

# Host tests
for t in "$TOP"/tests/host/*.sh; do
	[ -e "$t" ] || continue
	n=$(basename "$t" .sh)
	if [ -n "${TESTS:-}" ]; then
		case " $TESTS " in
		*" $n "*) ;;
		*) continue ;;
		esac
	fi
	step "host/$n" sh "$t"
done

# san_step NAME CMD...: step with every sanitizer report of the step's processes collected
san_step() {
	sn=$1
	shift
	sd="$WORK/san-$(echo "$sn" | tr / _)"
	mkdir -p "$sd"
	ASAN_OPTIONS="log_path=$sd/asan:${ASAN_OPTIONS:-}" \
		UBSAN_OPTIONS="print_stacktrace=1:log_path=$sd/ubsan:${UBSAN_OPTIONS:-}" \
		OUTPUT="$SAN_OUTPUT" step "$sn" "$@"
	for r in "$sd"/*; do
		[ -e "$r" ] || continue
		sed -n '1,25p' "$r" | sed 's/^/# /' | tee -a "$LOG"
		echo "not ok - $sn: sanitizer report ($(grep -m1 -o 'ERROR: [A-Za-z]*Sanitizer: [^ ]*\|runtime error: .*' "$r"))" |
			tee -a "$LOG"
	done
}

if [ -n "${EPERMD_SAN_OUTPUT:-}" ]; then
	case "$EPERMD_SAN_OUTPUT" in
	/*) SAN_OUTPUT=$EPERMD_SAN_OUTPUT ;;
	*) SAN_OUTPUT="$TOP/$EPERMD_SAN_OUTPUT" ;;
	esac
	if [ -x "$SAN_OUTPUT/epermd-unit" ]; then
		san_step san/unit "$SAN_OUTPUT/epermd-unit"
	else
		echo "not ok - san/unit: $SAN_OUTPUT/epermd-unit is missing (make OUTPUT=... SAN=1)" |
			tee -a "$LOG"
	fi
	for n in ${EPERMD_SAN_TESTS:-}; do
		san_step "san/host/$n" sh "$TOP/tests/host/$n.sh"
	done
fi

if [ -n "${EPERMD_FUZZ_SECONDS:-}" ]; then
	FUZZ_SECONDS=$EPERMD_FUZZ_SECONDS FUZZ_OUTPUT="${FUZZ_OUTPUT:-$TOP/build-fuzz}" \
		step fuzz sh "$TOP/tests/fuzz/run.sh"
fi

# VM tests
if [ -n "${TESTS:-}" ]; then
	:
elif [ "${EPERMD_SKIP_VM:-0}" = 1 ]; then
	echo "skip - vm: tests/vm/run.sh (EPERMD_SKIP_VM=1)" | tee -a "$LOG"
elif [ -f "$TOP/tests/vm/run.sh" ]; then
	SCRIPT_TIMEOUT="${VM_STEP_TIMEOUT:-1800}" step vm sh "$TOP/tests/vm/run.sh"
else
	echo "skip - vm: tests/vm/run.sh is not there" | tee -a "$LOG"
fi

pass=$(grep -c '^ok - ' "$LOG" || true)
fail=$(grep -c '^not ok - ' "$LOG" || true)
skipped=$(grep -c '^skip - ' "$LOG" || true)
if [ "$fail" -gt 0 ]; then
	{
		echo "# failed:"
		grep '^not ok - ' "$LOG" | sed 's/^/#   /'
	} | tee -a "$LOG"
fi
echo "$pass passed, $fail failed, $skipped skipped" | tee -a "$LOG"
[ "$fail" -eq 0 ]

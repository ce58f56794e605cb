#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Behind `make fuzz` (which builds the harnesses first): for each harness in $FUZZ_OUTPUT/fuzz,
# replay its regression inputs (tests/fuzz/regress/NAME), then fuzz it for $FUZZ_SECONDS
# starting from its seed corpus (tests/fuzz/corpus/NAME; new inputs go to a scratch copy, the
# tree is not touched). One "ok - fuzz/NAME" / "not ok - fuzz/NAME" line each; a crash input is
# kept as $FUZZ_OUTPUT/crash-NAME-* (add it to tests/fuzz/regress/NAME once fixed).
#   FUZZ_SECONDS=60  FUZZ_ONLY="audit json"  (run only these harnesses)
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
: "${FUZZ_OUTPUT:=build-fuzz}"
: "${FUZZ_SECONDS:=60}"
case "$FUZZ_OUTPUT" in
/*) ;;
*) FUZZ_OUTPUT="$TOP/$FUZZ_OUTPUT" ;;
esac
WORK=$(mktemp -d /tmp/epermd-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail=0
found=0
for bin in "$FUZZ_OUTPUT"/fuzz/*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	case "$bin" in *.d) continue ;; esac
	n=$(basename "$bin")
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" $n "*) ;; *) continue ;; esac
	fi
	found=$((found + 1))
	log="$WORK/$n.log"
	reg="$TOP/tests/fuzz/regress/$n"
	if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
		if ! "$bin" -runs=0 "$reg"/* >"$log" 2>&1; then
			tail -n 30 "$log" | sed 's/^/# /'
			echo "not ok - fuzz/$n: a regression input fails again (tests/fuzz/regress/$n)"
			fail=1
			continue
		fi
	fi
	mkdir -p "$WORK/corpus-$n"
	cp "$TOP/tests/fuzz/corpus/$n"/* "$WORK/corpus-$n"/ 2>/dev/null || true
	if "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$FUZZ_OUTPUT/crash-$n-" \
		"$WORK/corpus-$n" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
		echo "ok - fuzz/$n ($runs runs in ${FUZZ_SECONDS}s, $cov)"
	else
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property failed|artifact_prefix|Test unit written)' "$log" |
			head -n 8 | sed 's/^/# /'
		echo "not ok - fuzz/$n: crash, input in $FUZZ_OUTPUT/crash-$n-*"
		fail=1
	fi
done
if [ "$found" -eq 0 ]; then
	echo "not ok - fuzz: no harness in $FUZZ_OUTPUT/fuzz (run make fuzz)"
	exit 1
fi
exit "$fail"

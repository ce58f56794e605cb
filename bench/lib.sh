# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared by bench/run.sh and bench/soak.sh. Source it after `set -eu` and
#   TOP=$(cd "$(dirname "$0")/.." && pwd)
# Sets OUTPUT (absolute), EPERMD and TCK (clock ticks a second).

: "${OUTPUT:=build}"
case "$OUTPUT" in
/*) ;;
*) OUTPUT="$TOP/$OUTPUT" ;;
esac
EPERMD="$OUTPUT/epermd"
TCK=$(getconf CLK_TCK)

# bench_need NAME BINARY...: exit unless root and every binary is built (NAME says who).
bench_need() {
	bn_name=$1
	shift
	if [ "$(id -u)" -ne 0 ]; then
		echo "$bn_name: needs root" >&2
		exit 1
	fi
	for b in "$@"; do
		[ -x "$b" ] || {
			echo "$bn_name: $b missing; run make first" >&2
			exit 1
		}
	done
}

# cpu_ticks PID: utime + stime of a process (fields 14 and 15 of /proc/PID/stat, counted after
# the command name, which may hold spaces)
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

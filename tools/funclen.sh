#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# funclen.sh: lists the C functions longer than MAX lines (default 80, from the line that names
# the function to its closing brace) in daemon/ and epermtop/, or in the files given.
# A function made long by a table (one row a line) is exempt when the line just above its
# definition is the comment `/* funclen: table */`.
# Exit status: 0 when none is over, 1 when some are, 2 when ctags is missing.
# Usage: tools/funclen.sh [-a] [-m MAX] [file.c ...]   (-a: list every function with its length)
set -eu
MAX=80
ALL=0
while getopts am: opt; do
	case $opt in
	a) ALL=1 ;;
	m) MAX=$OPTARG ;;
	*) echo "usage: $0 [-a] [-m MAX] [file.c ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
CTAGS=ctags-universal
command -v "$CTAGS" >/dev/null 2>&1 || CTAGS=ctags
if ! "$CTAGS" --version 2>/dev/null | grep -q Universal; then
	echo "funclen: universal-ctags not found (Debian: universal-ctags)" >&2
	exit 2
fi
if [ $# -eq 0 ]; then
	set -- $(find daemon epermtop -name '*.c' | LC_ALL=C sort)
fi
"$CTAGS" --c-kinds=f --fields=+ne -o - "$@" |
	awk -F '\t' -v max="$MAX" -v all="$ALL" '
	{
		line = 0; end = 0
		for (i = 4; i <= NF; i++) {
			if ($i ~ /^line:/) line = substr($i, 6) + 0
			if ($i ~ /^end:/) end = substr($i, 5) + 0
		}
		if (!line || !end) next
		n = end - line + 1
		if (all) { printf "%5d %s:%d %s\n", n, $2, line, $1; next }
		if (n <= max) next
		prev = ""
		if (line > 1) {
			cmd = "sed -n " (line - 1) "p \"" $2 "\""
			cmd | getline prev
			close(cmd)
		}
		if (prev ~ /funclen: table/) next
		printf "%s:%d: %s is %d lines (max %d)\n", $2, line, $1, n, max
		bad = 1
	}
	END { exit bad ? 1 : 0 }'

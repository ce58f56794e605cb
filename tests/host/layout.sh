#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The source layout's rules (docs/architecture.md), checked on the tree as it is: no function
# over 80 lines in daemon/ and epermtop/ (tools/funclen.sh; a table is exempt where marked) and
# no include cycle between the daemon's modules nor between its folders, and no stage that
# includes a later one (tools/includes.sh, tools/includes.sh -f). `make lint` runs the same.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
cd "$TOP"

t_tmpdir
# the checks themselves must see what they look for: a scratch tree with a 90-line function
# and two headers that include each other
mkdir -p "$T_TMP/daemon/a" "$T_TMP/daemon/b" "$T_TMP/epermtop"
{
	echo 'int f(void)'
	echo '{'
	i=0
	while [ $i -lt 87 ]; do echo '	;' && i=$((i + 1)); done
	echo '}'
} >"$T_TMP/daemon/a/long.c"
printf '#include "b.h"\n' >"$T_TMP/daemon/a/a.h"
printf '#include "a.h"\n' >"$T_TMP/daemon/b/b.h"
# and two folders that include each other's headers, without a cycle between modules
mkdir -p "$T_TMP/f/daemon/c" "$T_TMP/f/daemon/d" "$T_TMP/f/epermtop"
printf '#include "d1.h"\n' >"$T_TMP/f/daemon/c/c1.h"
: >"$T_TMP/f/daemon/c/c2.h"
printf '#include "c2.h"\n' >"$T_TMP/f/daemon/d/d2.h"
: >"$T_TMP/f/daemon/d/d1.h"
# and a stage that includes a later one's header (lib/ -> sink/), no cycle at all
mkdir -p "$T_TMP/o/daemon/lib" "$T_TMP/o/daemon/sink" "$T_TMP/o/epermtop"
printf '#include "y.h"\n' >"$T_TMP/o/daemon/lib/x.h"
: >"$T_TMP/o/daemon/sink/y.h"

rc=0
out=$(sh tools/funclen.sh 2>&1) || rc=$?
if [ "$rc" -eq 2 ]; then
	skip "layout-funclen (universal-ctags not installed)"
elif [ "$rc" -eq 0 ]; then
	ok "layout-funclen"
else
	diag "$out"
	not_ok "layout-funclen"
fi

if [ "$rc" -ne 2 ]; then
	if out=$(cd "$T_TMP" && sh "$TOP/tools/funclen.sh" 2>&1); then
		not_ok "layout-funclen-sees-long"
	elif echo "$out" | grep -q 'long.c:1: f is 90 lines'; then
		ok "layout-funclen-sees-long"
	else
		diag "$out"
		not_ok "layout-funclen-sees-long"
	fi
fi
if (cd "$T_TMP" && sh "$TOP/tools/includes.sh" >/dev/null 2>&1); then
	not_ok "layout-includes-sees-cycle"
else
	ok "layout-includes-sees-cycle"
fi
if out=$(sh tools/includes.sh 2>&1); then
	ok "layout-includes"
else
	diag "$out"
	not_ok "layout-includes"
fi
# includes_sees NAME DIR PATTERN [-f]: tools/includes.sh in the scratch tree DIR fails and
# says PATTERN (a grep -E expression)
includes_sees() {
	name=$1 dir=$2 pattern=$3
	shift 3
	if out=$(cd "$dir" && sh "$TOP/tools/includes.sh" "$@" 2>&1); then
		not_ok "$name"
	elif echo "$out" | grep -Eq "$pattern"; then
		ok "$name"
	else
		diag "$out"
		not_ok "$name"
	fi
}
if ! (cd "$T_TMP/f" && sh "$TOP/tools/includes.sh" >/dev/null 2>&1); then
	not_ok "layout-includes-folders-sees-cycle (a module cycle where there is none)"
else
	includes_sees layout-includes-folders-sees-cycle "$T_TMP/f" \
		'folder daemon/(c|d) -> folder daemon/(d|c) -> folder daemon/(c|d)' -f
fi
includes_sees layout-includes-sees-stage-order "$T_TMP/o" \
	'stage order: daemon/lib/x.h includes y.h of daemon/sink' -f
if out=$(sh tools/includes.sh -f 2>&1); then
	ok "layout-includes-folders"
else
	diag "$out"
	not_ok "layout-includes-folders"
fi
t_done

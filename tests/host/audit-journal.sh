#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The audit join through the journal (docs/audit.md "Sources"): under the hardened unit
# (PrivateNetwork=yes, RestrictAddressFamilies=AF_UNIX, ProtectKernelLogs=yes) epermd can open
# neither the audit multicast socket nor /dev/kmsg, so it reads the records journald collected
# (_TRANSPORT=audit). A seccomp filter with SECCOMP_FILTER_FLAG_LOG (tests/tools/seclog.c)
# refuses mkdir for uid 65534; the kernel's SECCOMP record must reach the diagnosis:
#   - audit_source = journal, in the initial network namespace;
#   - audit_source = auto in a private network namespace (what PrivateNetwork= does): netlink
#     is refused there, auto must fall back to the journal and say why;
#   - audit_source = off: the same denial without audit evidence (the evidence above came from
#     the source, not from elsewhere);
#   - audit_source = journal without journal files (empty tmpfs over the journal directories in
#     a private mount namespace): the join is unavailable, the start is not failed.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib.sh"
. "$TOP/tests/lib-journald.sh"

need_root audit-journal
need_epermd audit-journal
mount_tracefs
t_tmpdir
trap 'jd_stop; t_cleanup' EXIT

SECLOG="$OUTPUT/tests/seclog"
if [ ! -x "$SECLOG" ]; then
	not_ok "audit-journal: $SECLOG is missing (run make first)"
	exit 1
fi
if ! grep -qw errno /proc/sys/kernel/seccomp/actions_logged 2>/dev/null; then
	skip "audit-journal: kernel.seccomp.actions_logged lacks errno"
	exit 0
fi
rc=0
jd_start || rc=$?
if [ "$rc" -eq 2 ]; then
	skip "audit-journal (no journald at $JOURNALD)"
	exit 0
elif [ "$rc" -ne 0 ]; then
	not_ok "audit-journal: journald did not come up"
	exit 1
fi
if ! jd_audit_socket; then
	# journald opens it itself when started by hand; without CAP_AUDIT_READ or outside the
	# initial network namespace it cannot, and nothing reaches the journal's audit transport
	skip "audit-journal: journald holds no audit netlink socket here"
	exit 0
fi
jd_mark || {
	not_ok "audit-journal: the marker record did not reach the journal"
	exit 1
}

# conf NAME SOURCE: a config file selecting the audit source
conf() {
	printf 'audit_source = %s\n' "$2" >"$T_TMP/$1.conf"
	chmod 0644 "$T_TMP/$1.conf"
}

# ep_aj TAG SOURCE [WRAPPER...]: epermd (under WRAPPER, e.g. unshare -n) in one-command mode
# running seclog; OUT, COUT, RC as ep_run sets them.
ep_aj() {
	_tag=$1
	conf "$_tag" "$2"
	shift 2
	OUT="$T_TMP/$_tag.json"
	COUT="$T_TMP/$_tag.out"
	rm -rf "$T_TMP/nodir"
	RC=0
	timeout -k 5 "$EP_TIMEOUT" "$@" "$EPERMD" --config="$T_TMP/$_tag.conf" --format=json \
		--no-socket --output="$OUT" --fold-window=0 -v -- "$SECLOG" "$T_TMP/nodir" \
		>"$COUT" 2>&1 </dev/null || RC=$?
	[ -f "$OUT" ] || : >"$OUT"
	STATUS=$(grep -m1 'audit join:' "$COUT" || true)
}

SEL='.syscall == "mkdir" and .errno == "EPERM"'
JOINED='.cause == "seccomp" and ((.evidence // []) | map(select(test("^audit: seccomp syscall=[0-9]+ \\(mkdir\\) code=0x50000 \\(errno\\)"))) | length == 1)'
EXE="((.evidence // []) | map(select(contains(\"exe=$SECLOG\"))) | length == 1)"

# ---- 1. audit_source = journal ----
ep_aj journal journal
case "$STATUS" in
*"audit join: journal (_TRANSPORT=audit"*) ok "audit-journal: source journal is active ($STATUS)" ;;
*)
	not_ok "audit-journal: source journal is not active: '$STATUS'"
	dump_run
	;;
esac
expect "audit-journal: seccomp denial is joined with its SECCOMP record from the journal" 1 \
	"$SEL" "$JOINED and $EXE"
# the record the join used is in the journal, collected by journald (not by epermd)
journalctl --sync 2>/dev/null || true
jrec=$(journalctl -o json --all --cursor="$JD_CURSOR" _TRANSPORT=audit _AUDIT_TYPE=1326 |
	jq -c "select(.MESSAGE | contains(\"exe=\\\"$SECLOG\\\"\"))" | tail -n 1)
if [ -n "$jrec" ]; then
	ok "audit-journal: journald holds the SECCOMP record (_TRANSPORT=audit)"
	src=$(printf '%s' "$jrec" | jq -r '._SOURCE_REALTIME_TIMESTAMP')
	rcv=$(printf '%s' "$jrec" | jq -r '.__REALTIME_TIMESTAMP')
	diag "kernel record -> journald entry: $(((rcv - src) / 1000)) ms (stamp has ms resolution)"
else
	not_ok "audit-journal: no _TRANSPORT=audit SECCOMP record for $SECLOG in the journal"
fi

# ---- 2. auto in a private network namespace: the hardened unit's situation ----
if unshare -n true 2>/dev/null; then
	ep_aj netns auto unshare -n
	case "$STATUS" in
	*"journal (_TRANSPORT=audit"*"audit netlink: not in the initial network namespace"*)
		ok "audit-journal: auto falls back to the journal in a private netns and says why"
		;;
	*)
		not_ok "audit-journal: auto in a private netns: '$STATUS'"
		dump_run
		;;
	esac
	expect "audit-journal: private netns: the denial carries the audit evidence" 1 "$SEL" \
		"$JOINED and $EXE"
else
	skip "audit-journal: unshare -n does not work here"
fi

# ---- 3. off: no audit evidence ----
ep_aj off off
case "$STATUS" in
*"off (audit_source = off)"*) ok "audit-journal: source off says so" ;;
*) not_ok "audit-journal: source off: '$STATUS'" ;;
esac
expect "audit-journal: source off: the denial carries no audit evidence" 1 "$SEL" \
	'.cause == "seccomp" and ((.evidence // []) | map(select(startswith("audit:"))) | length == 0)'

# ---- 4. no journal files: unavailable, not fatal ----
# shellcheck disable=SC2016 # expanded by the inner shell
ep_aj nofiles journal unshare -m sh -c 'mount --make-rprivate / &&
	for d in /run/log/journal /var/log/journal; do
		[ -d "$d" ] && mount -t tmpfs tmpfs "$d"; done; exec "$@"' sh
case "$STATUS" in
*"unavailable (audit_source = journal: no readable journal files)"*)
	ok "audit-journal: without journal files the join is unavailable and says why"
	;;
*)
	not_ok "audit-journal: without journal files: '$STATUS'"
	dump_run
	;;
esac
expect "audit-journal: without journal files epermd still diagnoses the denial" 1 "$SEL" \
	'.cause == "seccomp"'

t_done

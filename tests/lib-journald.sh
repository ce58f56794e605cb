# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A journald for the host tests (source after tests/lib.sh and t_tmpdir):
#   jd_start        use the running journald, else start /lib/systemd/systemd-journald by hand
#                   (systemd is not PID 1 on the test hosts); returns 2 when there is none
#   jd_stop         stop the journald jd_start started (call from the EXIT trap)
#   jd_mark         write a marker record; JD_CURSOR = its cursor (read only what follows)
#   jd_audit_socket true when journald holds an audit netlink socket (collects audit records)
#   jd_epermd TAG COMMAND...  epermd in one-command mode writing to the journal; its output in
#                   $COUT, its exit status in $RC
#   jd_check NAME GOT WANT    ok/not ok "$JD_TEST: NAME" when GOT equals WANT
# A hand-started journald opens the audit multicast socket itself (what
# systemd-journald-audit.socket passes it under systemd): it needs CAP_AUDIT_READ and the
# initial network namespace, which root on the host has.
JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
JD_SOCK=/run/systemd/journal/socket
JD_STARTED=""
JD_CURSOR=""

jd_alive() {
	[ -S "$JD_SOCK" ] && journalctl --sync >/dev/null 2>&1
}

jd_start() {
	if jd_alive; then
		diag "using the running journald"
		return 0
	fi
	[ -x "$JOURNALD" ] || return 2
	"$JOURNALD" </dev/null >"$T_TMP/journald.log" 2>&1 &
	JD_STARTED=$!
	_i=0
	until jd_alive || [ "$_i" -ge 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if jd_alive; then
		diag "started journald (pid $JD_STARTED)"
		return 0
	fi
	diag "journald did not come up: $(cat "$T_TMP/journald.log")"
	return 1
}

jd_stop() {
	if [ -n "$JD_STARTED" ]; then
		kill "$JD_STARTED" 2>/dev/null || true
		wait "$JD_STARTED" 2>/dev/null || true
		JD_STARTED=""
	fi
}

# (--cursor, not --after-cursor: journalctl 252 returns nothing for --after-cursor plus a match
# that the cursor's own entry does not satisfy.)
jd_mark() {
	_m="epermd-test-mark-$$-$(date +%s%N)"
	echo "$_m" | systemd-cat -t epermd-test || true
	_i=0
	JD_CURSOR=""
	while [ -z "$JD_CURSOR" ] && [ "$_i" -lt 50 ]; do
		journalctl --sync 2>/dev/null || true
		JD_CURSOR=$(journalctl -o json --all SYSLOG_IDENTIFIER=epermd-test MESSAGE="$_m" |
			jq -r '.__CURSOR' | tail -n 1)
		[ -n "$JD_CURSOR" ] || sleep 0.1
		_i=$((_i + 1))
	done
	[ -n "$JD_CURSOR" ]
}

jd_audit_socket() {
	ss -f netlink -p 2>/dev/null | grep -q 'audit:systemd-journal'
}

JD_TEST=${JD_TEST:-journal}
jd_epermd() {
	COUT="$T_TMP/$1.out"
	shift
	RC=0
	timeout -k 5 "$EP_TIMEOUT" "$EPERMD" --config=none --format=journal --no-socket \
		--ring-size=64M --queue-size=65536 -- "$@" >"$COUT" 2>&1 </dev/null || RC=$?
}

jd_check() {
	if [ "$2" = "$3" ]; then
		ok "$JD_TEST: $1"
	else
		not_ok "$JD_TEST: $1 (got '$2', want '$3')"
	fi
}

# A journald of its own in journal namespace NS: socket /run/systemd/journal.NS/socket, files
# /var/log/journal/MACHINE.NS; the host's journal and other tests' journald are never touched.
#   jd_ns_up NS LOG   start it (again), its output appended to LOG; JD_NS_PID is its pid
#   jd_ns_down        stop it (the socket file stays: senders get ECONNREFUSED)
#   jd_ns_clean NS    remove its sockets and journal files
JD_NS_PID=""
jd_ns_up() {
	"$JOURNALD" "$1" </dev/null >>"$2" 2>&1 &
	JD_NS_PID=$!
	_i=0
	until journalctl --namespace="$1" --sync >/dev/null 2>&1 || [ "$_i" -ge 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

jd_ns_down() {
	[ -n "$JD_NS_PID" ] || return 0
	kill "$JD_NS_PID" 2>/dev/null || true
	wait "$JD_NS_PID" 2>/dev/null || true
	JD_NS_PID=""
}

jd_ns_clean() {
	_mid=$(cat /etc/machine-id)
	rm -rf "/run/systemd/journal.$1" "/var/log/journal/$_mid.$1" "/run/log/journal/$_mid.$1"
}

# Sourced by checks.sh (issue 11): one installed unit per sandbox directive, each doing one
# action its directive refuses (EROFS for the read-only views). epermd must name the unit, the directive and its value
# (MESSAGE_ID of unit directives, catalog text); then the drop-in taken from the record is
# installed, and the same action must now succeed. All units run at once (one boot, a few
# seconds); the drop-ins are applied with one daemon-reload.
ID_UNIT=bf3db25db0604111959573539f80a8b9 # daemon/lib/msgids.h EP_MSGID_UNIT
UD=/etc/systemd/system
LIB=/usr/local/lib/epermd-e2e
# name|directive|its value as written|the unit's settings (;)|the action (sh)
U_CASES='scf|SystemCallFilter|~@mount|SystemCallFilter=~@mount;SystemCallErrorNumber=EPERM;PrivateMounts=yes|mount -t tmpfs none /mnt
ns|RestrictNamespaces|yes|RestrictNamespaces=yes|unshare --user true
mdwe|MemoryDenyWriteExecute|yes|MemoryDenyWriteExecute=yes|perl -e "exit(syscall(9,0,4096,7,0x22,-1,0) == -1)"
suid|RestrictSUIDSGID|yes|RestrictSUIDSGID=yes;PrivateTmp=yes|touch /tmp/f && chmod u+s /tmp/f
clock|ProtectClock|yes|ProtectClock=yes|perl -e "\$b = chr(0) x 208; exit(syscall(159, \$b) < 0)"
host|ProtectHostname|yes|ProtectHostname=yes|hostname "$(hostname)"
klogs|ProtectKernelLogs|yes|ProtectKernelLogs=yes|perl -e "exit(syscall(103, 10, 0, 0) < 0)"
rt|RestrictRealtime|yes|RestrictRealtime=yes|chrt -f 1 true
pers|LockPersonality|yes|LockPersonality=yes|setarch linux32 true
bnd|CapabilityBoundingSet|CAP_DAC_OVERRIDE|CapabilityBoundingSet=CAP_DAC_OVERRIDE;PrivateTmp=yes|touch /tmp/f && chown nobody /tmp/f
user|User|nobody|User=nobody|perl -MSocket -e "socket(S, PF_INET, SOCK_STREAM, 0) or exit 2; bind(S, sockaddr_in(80, INADDR_ANY)) or exit 1"
ip|IPAddressDeny|any|IPAddressDeny=any|perl -MSocket -e "socket(S, PF_INET, SOCK_DGRAM, 0) or exit 2; send(S, q(x), 0, sockaddr_in(9, inet_aton(q(127.0.0.1)))) or do { sleep 10; exit 1 }"
inacc|InaccessiblePaths|/srv/e2e-secret|InaccessiblePaths=/srv/e2e-secret;User=nobody|cat /srv/e2e-secret/data
dev|DevicePolicy|closed|DevicePolicy=closed|head -c 1 /dev/nvme0n1 >/dev/null
rosys|ProtectSystem|strict|ProtectSystem=strict|touch /srv/e2e-rw/f
ropaths|ReadOnlyPaths|/srv/e2e-ro|ReadOnlyPaths=/srv/e2e-ro|touch /srv/e2e-ro/f
kmod|ProtectKernelModules|yes|ProtectKernelModules=yes|perl -e "\$n = q(epe2e_none); syscall(176, \$n, 2048) >= 0 or \$! != 1 or exit 1"
nnp|NoNewPrivileges|yes|NoNewPrivileges=yes;User=nobody;PrivateTmp=yes|touch /tmp/f && /usr/local/lib/epermd-e2e/suid-chown root /tmp/f
pdev|PrivateDevices|yes|PrivateDevices=yes|head -c 1 /srv/e2e-dev/disk >/dev/null
devallow|DeviceAllow|/dev/null rw|DevicePolicy=strict;DeviceAllow=/dev/null rw|head -c 1 /dev/nvme0n1 >/dev/null
home|ProtectHome|yes|ProtectHome=yes;User=nobody|cat /home/e2e/notes
dyn|DynamicUser|yes|DynamicUser=yes|perl -MSocket -e "socket(S, PF_INET, SOCK_STREAM, 0) or exit 2; bind(S, sockaddr_in(81, INADDR_ANY)) or exit 1"
amb|AmbientCapabilities|CAP_CHOWN|User=nobody;AmbientCapabilities=CAP_CHOWN|perl -MSocket -e "socket(S, PF_INET, SOCK_STREAM, 0) or exit 2; bind(S, sockaddr_in(82, INADDR_ANY)) or exit 1"
tun|ProtectKernelTunables|yes|ProtectKernelTunables=yes|v=$(cat /proc/sys/kernel/printk_ratelimit) && echo "$v" >/proc/sys/kernel/printk_ratelimit
cg|ProtectControlGroups|yes|ProtectControlGroups=yes|mkdir /sys/fs/cgroup/system.slice/ep-u-cg.service/e2e && rmdir /sys/fs/cgroup/system.slice/ep-u-cg.service/e2e'

# SocketBindDeny= and RestrictFileSystems= are programs of systemd's BPF framework: directive
# cases only where the manager has it (trixie's 257; Debian 12's 252 is built without it, below)
if systemctl --version | grep -q -- '+BPF_FRAMEWORK'; then
	U_CASES="$U_CASES
sbd|SocketBindDeny|any|SocketBindDeny=any|perl -MSocket -e \"socket(S, PF_INET, SOCK_STREAM, 0) or exit 2; bind(S, sockaddr_in(8089, INADDR_ANY)) or exit 1\"
rfs|RestrictFileSystems|~tmpfs|RestrictFileSystems=~tmpfs|cat /run/epermd-e2e/rfs"
fi

u_each() { printf '%s\n' "$U_CASES" | while IFS='|' read -r n dir val set act; do "$@"; done; }
u_install() {
	# a failure keeps the unit (its cgroup) a while: under TCG the daemon may come to the
	# record seconds later, when the command itself is long gone
	printf '#!/bin/sh\n%s || { rc=$?; sleep 10; exit $rc; }\n' "$act" >"$LIB/u-$n.sh"
	{
		printf '[Unit]\nDescription=epermd e2e: %s\n[Service]\nType=oneshot\n' "$dir"
		printf 'ExecStart=/bin/sh %s/u-%s.sh\n' "$LIB" "$n"
		printf '%s\n' "$set" | tr ';' '\n'
	} >"$UD/ep-u-$n.service"
}
u_start() { systemctl start --no-block "ep-u-$n.service"; }
# systemd-executor (255+) sets a unit up in its cgroup and namespaces, then executes the unit's
# command in the same process; its own refusals (Debian 13: /dev/console under a closed device
# policy) are not the command's, and their records offer no drop-in (u_executor below)
NOT_EXECUTOR='(.EPERM_EXE // "" | endswith("/systemd-executor") | not)'
# the records of unit directives, read once (a journalctl per unit costs seconds under TCG)
u_record() { jq -c "select(.EPERM_UNIT == \"ep-u-$n.service\" and $NOT_EXECUTOR)" "$LIB/records.json" | head -n1; }
# MemoryDenyWriteExecute=: the kernel's MDWE (systemd 254+ on 6.3+) refuses with EACCES and the
# kernel side reads the task's flag at the denial, so the cause is mdwe; systemd's seccomp
# filter (older systemd or kernel) refuses with EPERM: cause seccomp
u_mdwe_cause() {
	ce=$(printf '%s' "$1" | jq -r '"\(.EPERM_CAUSE) \(.EPERM_ERRNO)"')
	case $ce in
	"mdwe EACCES" | "seccomp EPERM") ok "unit-cause:$dir" ;;
	*) nok "unit-cause:$dir" "cause and errno $ce, want mdwe EACCES or seccomp EPERM" ;;
	esac
}
u_check() {
	r=$(u_record)
	if [ -z "$r" ]; then
		nok "unit-directive:$dir" "no record with MESSAGE_ID $ID_UNIT for ep-u-$n.service; its records: $(jn -u epermd.service --since "@$u_ts" -o json | jq -r "select(.EPERM_UNIT == \"ep-u-$n.service\") | \"\\(.MESSAGE) evidence: \\(.EPERM_EVIDENCE)\"" | head -n 2 | tr '\n' ' ')"
		return
	fi
	got=$(printf '%s' "$r" | jq -r '"\(.EPERM_UNIT_DIRECTIVE)=\(.EPERM_UNIT_DIRECTIVE_VALUE)"')
	drop=$(printf '%s' "$r" | jq -r '.EPERM_UNIT_DROPIN // empty')
	cat=$(jn -x -u epermd.service --since "@$u_ts" MESSAGE_ID=$ID_UNIT EPERM_UNIT="ep-u-$n.service" | grep -c 'drop-in' || true)
	if [ "$got" != "$dir=$val" ]; then
		nok "unit-directive:$dir" "said $got, want $dir=$val: $(printf '%s' "$r" | jq -r .MESSAGE)"
	elif [ -z "$drop" ] || [ "$cat" -eq 0 ]; then
		nok "unit-directive:$dir" "no drop-in ($drop) or no catalog text ($cat)"
	else
		ok "unit-directive:$dir"
		note "$dir: $(printf '%s' "$r" | jq -r .EPERM_FIX)"
		[ "$n" != mdwe ] || u_mdwe_cause "$r"
		mkdir -p "$UD/ep-u-$n.service.d"
		# journal fields are escaped like JSON bodies: a newline is \u000a
		printf '%s' "$drop" | sed 's/\\u000a/\n/g' >"$UD/ep-u-$n.service.d/epermd-fix.conf"
	fi
}
# the fixed units run at once too; each must then have ended with Result=success
u_fixed_start() {
	[ ! -f "$UD/ep-u-$n.service.d/epermd-fix.conf" ] || systemctl start --no-block "ep-u-$n.service"
}
u_fixed() {
	[ -f "$UD/ep-u-$n.service.d/epermd-fix.conf" ] || return 0
	if [ "$(systemctl show -p Result --value "ep-u-$n.service")" = success ] &&
		[ "$(systemctl show -p ActiveState --value "ep-u-$n.service")" = inactive ]; then
		ok "unit-dropin-works:$dir"
	else
		nok "unit-dropin-works:$dir" "still fails with $(tr '\n' ' ' <"$UD/ep-u-$n.service.d/epermd-fix.conf"): $(jn -u "ep-u-$n.service" -n 3 -o cat | tr '\n' ' ')"
	fi
}

mkdir -p /run/epermd-e2e && echo on-tmpfs >/run/epermd-e2e/rfs
mkdir -p /srv/e2e-secret /srv/e2e-rw /srv/e2e-ro /srv/e2e-dev /home/e2e
# NoNewPrivileges=: a set-user-ID root copy of chown, which no_new_privs leaves unprivileged
cp /usr/bin/chown "$LIB/suid-chown"
chmod 4755 "$LIB/suid-chown"
# PrivateDevices=: a node of the disk outside /dev (the private /dev has none)
[ -b /srv/e2e-dev/disk ] || mknod /srv/e2e-dev/disk b $((0x$(stat -c %t /dev/nvme0n1))) $((0x$(stat -c %T /dev/nvme0n1)))
echo notes >/home/e2e/notes
chmod 0755 /home/e2e
chmod 0644 /home/e2e/notes
echo secret-but-fine >/srv/e2e-secret/data
chmod 0755 /srv/e2e-secret
chmod 0644 /srv/e2e-secret/data
u_each u_install
systemctl daemon-reload
u_ts=$(now)
sleep 1
u_each u_start
# every unit has a record of its command (the executor's own do not count)
U_N=$(printf '%s\n' "$U_CASES" | wc -l)
u_units() { jn -u epermd.service --since "@$u_ts" MESSAGE_ID=$ID_UNIT -o json | jq -r "select($NOT_EXECUTOR) | .EPERM_UNIT" | sort -u | wc -l; }
u_all_seen() { [ "$(u_units)" -ge "$U_N" ]; }
wait_for 60 u_all_seen || true
sleep 2
jn -u epermd.service --since "@$u_ts" MESSAGE_ID=$ID_UNIT -o json >"$LIB/records.json"
jn -u epermd.service --since "@$u_ts" -o json | jq -r 'select(.EPERM_UNIT // "" | startswith("ep-u-")) | "rec \(.EPERM_UNIT) exe=\(.EPERM_EXE) comm=\(.EPERM_COMM) \(.EPERM_SYSCALL) \(.EPERM_ERRNO) cause=\(.EPERM_CAUSE) path=\(.EPERM_PATH // "") target=\(.EPERM_TARGET // "") dir=\(.EPERM_UNIT_DIRECTIVE // "")=\(.EPERM_UNIT_DIRECTIVE_VALUE // "") dropin=\(.EPERM_UNIT_DROPIN // "")"' | sed 's/^/# /'
u_each u_check
u_executor() {
	ex=$(jq -c "select((.EPERM_UNIT // \"\" | startswith(\"ep-u-\")) and ($NOT_EXECUTOR | not))" "$LIB/records.json")
	if [ -z "$ex" ]; then
		note "no record of systemd-executor itself ($(systemctl --version | head -n1))"
		return
	fi
	bad=$(printf '%s\n' "$ex" | jq -r 'select((.EPERM_UNIT_DROPIN // "") != "" or (.EPERM_FIX // "" | test("systemd-executor") | not)) | "\(.EPERM_UNIT) \(.EPERM_PATH // ""): drop-in \(.EPERM_UNIT_DROPIN // "none"), fix \(.EPERM_FIX // "")"' | head -n 2 | tr '\n' ' ')
	if [ -z "$bad" ]; then
		ok "unit-executor-no-dropin"
		note "executor: $(printf '%s\n' "$ex" | head -n1 | jq -r '"\(.EPERM_UNIT) \(.EPERM_PATH // ""): \(.EPERM_FIX)"')"
	else
		nok "unit-executor-no-dropin" "$bad"
	fi
}
u_executor
systemctl daemon-reload
u_each u_fixed_start
wait_for 180 sh -c '[ -z "$(systemctl list-jobs --no-legend "ep-u-*")" ]' || note "jobs still queued: $(systemctl list-jobs --no-legend 'ep-u-*' | tr '\n' ' ')"
u_each u_fixed

# SocketBindDeny= and RestrictFileSystems= are BPF programs of systemd's BPF framework; a
# manager built without it (Debian 12's 252: -BPF_FRAMEWORK) accepts and ignores them. Proven
# here: the forbidden action succeeds, and epermd (which reads the manager's Features) never
# names them. With the framework they would be directive cases like the ones above.
u_unenforced() {
	n=$1 dir=$2 set=$3 act=$4
	u_install
	systemctl daemon-reload
	ts=$(now)
	if ! systemctl start "ep-u-$n.service" 2>/dev/null; then
		nok "unit-unenforced:$dir" "the manager says $(systemctl --version | grep -o -- '.BPF_FRAMEWORK'), yet $set refused: $(jn -u "ep-u-$n.service" -n 3 -o cat | tr '\n' ' ')"
		return
	fi
	sleep 2
	blamed=$(jn -u epermd.service --since "@$ts" -o json | jq -r "select(.EPERM_UNIT_DIRECTIVE == \"$dir\") | .MESSAGE" | head -n 1)
	if [ -n "$blamed" ]; then
		nok "unit-unenforced:$dir" "epermd blamed an unenforced directive: $blamed"
	else
		ok "unit-unenforced:$dir"
		note "$dir: not enforced by this manager; systemd said: $(jn -u "ep-u-$n.service" -b -o cat | grep -v -E '^(Starting|Finished|Started|Deactivated)|Consumed' | grep -i -m1 -E 'bpf|support|socket|filesystem' || echo 'nothing (it ignores them silently)')"
	fi
}
if systemctl --version | grep -q -- '-BPF_FRAMEWORK'; then
	u_unenforced sbd SocketBindDeny 'SocketBindDeny=any' 'perl -MSocket -e "socket(S, PF_INET, SOCK_STREAM, 0) or exit 2; bind(S, sockaddr_in(8089, INADDR_ANY)) or exit 1"'
	u_unenforced rfs RestrictFileSystems 'RestrictFileSystems=ext4' 'cat /proc/version >/dev/null'
else
	note "this manager has the BPF framework: SocketBindDeny=/RestrictFileSystems= not covered by this boot"
fi

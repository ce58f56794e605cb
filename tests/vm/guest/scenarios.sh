#!/bin/sh
# Denial scenarios, run as root inside a test VM (see tests/vm/README.md).
# usage: sh /scenarios.sh full|tp [SCENARIO...]
#   full: epermd with its fexit/LSM evidence hooks; tp: epermd --tracepoint-only
# All scenarios run under ONE epermd (`epermd --format=json --output=FILE -- sh /scenarios.sh ...`:
# full mode attaches ~45 fexit/LSM programs, which takes ~13 s per start under QEMU/TCG); each
# scenario's trigger is bracketed by `vmtrig now` timestamps and gets the records whose "time" (the
# kernel's timestamp of the denial) falls in its bracket. SCEN_SHARED=0: one epermd per scenario
# (`epermd ... -- TRIGGER`, the old way; slower, useful to isolate a scenario).
# Markers (parsed by tests/vm/check.py):
#   @@SCEN-BEGIN name=N mode=M          @@JSON <record>      @@TRIG rc=R (0: the expected errno)
#   @@SCEN-END name=N mode=M rc=R       @@SKIP name=N mode=M reason=TEXT
#   @@FEATURES-BEGIN mode=M / @@FEATURES-END mode=M rc=R
set -u
mode=${1:-full}
shift || true
only=" $* "
tpflag=
[ "$mode" = tp ] && tpflag=--tracepoint-only
EPERMD=/usr/sbin/epermd
TO=${SCEN_TIMEOUT:-120}
LSMS=$(cat /sys/kernel/security/lsm 2>/dev/null)

want() { [ "$only" = "  " ] || case $only in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
skip() { echo "@@SKIP name=$1 mode=$mode reason=$2"; }
mounted() { grep -q " $1 " /proc/mounts; }
has_lsm() { case ",$LSMS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# scen NAME TRIGGER... : run the trigger under epermd and print the records
scen() {
	n=$1
	shift
	if [ -n "${SCEN_INNER:-}" ]; then
		# inside the shared epermd: bracket the trigger; the outer run adds the records
		echo "@@SCEN-BEGIN name=$n mode=$mode t0=$(vmtrig now)"
		timeout "$TO" sh -c '"$@"; echo "@@TRIG rc=$?"' trig "$@" 2>&1
		rc=$?
		echo "@@SCEN-END name=$n mode=$mode rc=$rc t1=$(vmtrig now)"
		return
	fi
	json=/tmp/$n-$mode.json
	rm -f "$json"
	echo "@@SCEN-BEGIN name=$n mode=$mode"
	if [ -x "$EPERMD" ]; then
		# shellcheck disable=SC2086 # tpflag is empty or one word
		timeout "$TO" "$EPERMD" --format=json --output="$json" $tpflag -- \
			sh -c '"$@"; echo "@@TRIG rc=$?"' trig "$@" 2>&1
		rc=$?
	else
		echo "epermd: not in the initramfs (build it, then set OUTPUT)"
		sh -c '"$@"; echo "@@TRIG rc=$?"' trig "$@" 2>&1
		rc=200
	fi
	if [ -f "$json" ]; then
		sed 's/^/@@JSON /' "$json"
	fi
	echo "@@SCEN-END name=$n mode=$mode rc=$rc"
}

features() {
	echo "@@FEATURES-BEGIN mode=$mode"
	rc=200
	if [ -x "$EPERMD" ]; then
		# shellcheck disable=SC2086
		timeout "$TO" "$EPERMD" --features $tpflag >/tmp/features-$mode.txt 2>&1
		rc=$?
		cat /tmp/features-$mode.txt
	fi
	echo "@@FEATURES-END mode=$mode rc=$rc"
}

# ---- shared setup -------------------------------------------------------------------------
mkdir -p /mnt/disk /mnt/noexec
mounted /mnt/disk || mount -t ext4 /dev/nvme0n1 /mnt/disk || echo "setup: cannot mount the ext4 disk"
mounted /mnt/noexec || mount -t tmpfs -o noexec,size=8m tmpfs /mnt/noexec
[ -e /proc/sys/kernel/unprivileged_userns_clone ] && echo 1 >/proc/sys/kernel/unprivileged_userns_clone
captp=no
[ -d /sys/kernel/tracing/events/capability ] && captp=yes
echo "kernel=$(uname -r) mode=$mode lsm=$LSMS cap_tracepoint=$captp"

[ -z "${SCEN_INNER:-}" ] && want features && features

# landlock-prestart (tracepoint-only): a task that enters its Landlock domain before epermd
# starts (no landlock_restrict_self to see); the scenario attaches an epermd -p to it, then
# writes /tmp/llpre-go for its mkdir. Not a descendant of the shared epermd: the scenario's own
# epermd's records are printed as @@JSON lines.
if [ -z "${SCEN_INNER:-}" ] && [ "$mode" = tp ] && want landlock-prestart && has_lsm landlock; then
	rm -rf /tmp/llpre-go /tmp/llpre-x /tmp/llpre.rc /tmp/llpre.pid
	(
		vmtrig -e EACCES landlock-wait /tmp/llpre-go /tmp/llpre-x >/tmp/llpre.out 2>&1 &
		echo $! >/tmp/llpre.pid
		wait $!
		echo $? >/tmp/llpre.rc
	) &
	cat >/tmp/llpre.sh <<'EOF'
i=0
while [ ! -s /tmp/llpre.pid ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
rm -f /tmp/llpre.json
/usr/sbin/epermd --format=json --output=/tmp/llpre.json --tracepoint-only -v \
	-p "$(cat /tmp/llpre.pid)" >/tmp/llpre.ep 2>&1 &
ep=$!
i=0
until grep -q 'epermd [^"]* started' /tmp/llpre.json 2>/dev/null || [ $i -ge 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
touch /tmp/llpre-go
i=0
while [ ! -s /tmp/llpre.rc ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $ep
sed 's/^/@@JSON /' /tmp/llpre.json
cat /tmp/llpre.out /tmp/llpre.ep
exit "$(cat /tmp/llpre.rc 2>/dev/null || echo 9)"
EOF
fi

# The shared epermd: run this script again under it, then hand each scenario its records.
if [ -z "${SCEN_INNER:-}" ] && [ "${SCEN_SHARED:-1}" = 1 ] && [ -x "$EPERMD" ]; then
	all=/tmp/all-$mode.json
	rm -f "$all"
	# shellcheck disable=SC2086 # tpflag is empty or one word
	SCEN_INNER=1 timeout "${SCEN_TOTAL_TIMEOUT:-780}" "$EPERMD" --format=json --output="$all" \
		$tpflag -- sh "$0" "$mode" "$@" >/tmp/scen-inner.out 2>&1
	rc=$?
	# a bracket [t0, t1] per scenario; ISO times of one format compare as strings
	awk -v rc="$rc" -v all="$all" '
		BEGIN {
			n = 0
			while ((getline l < all) > 0) {
				t = l
				if (!sub(/.*"time":"/, "", t)) continue
				sub(/".*/, "", t)
				n++; rec[n] = l; rt[n] = t
			}
		}
		/^@@SCEN-BEGIN / { t0 = $4; sub(/^t0=/, "", t0); print $1, $2, $3; next }
		/^@@SCEN-END / {
			t1 = $5; sub(/^t1=/, "", t1)
			for (i = 1; i <= n; i++)
				if (rt[i] >= t0 && rt[i] <= t1) print "@@JSON " rec[i]
			print $1, $2, $3, $4
			next
		}
		{ print }
		END { if (rc != 0) print "@@SHARED-EPERMD rc=" rc }
	' /tmp/scen-inner.out
	exit 0
fi

if want capability; then
	scen capability vmtrig -e EPERM -u 65534 kill 1 0
fi

if want userns; then
	scen userns vmtrig -e EPERM -u 65534 userns-sethostname epermd-x
fi

if want dac; then
	echo secret >/tmp/dac-secret
	chmod 0600 /tmp/dac-secret
	scen dac vmtrig -e EACCES -u 65534 open /tmp/dac-secret r
fi

if want immutable; then
	rm -f /mnt/disk/imm
	echo data >/mnt/disk/imm
	vmtrig setflags /mnt/disk/imm +i >/dev/null
	scen immutable vmtrig -e EPERM open /mnt/disk/imm w
	vmtrig setflags /mnt/disk/imm -i >/dev/null
fi

if want append-only; then
	rm -f /mnt/disk/app
	echo data >/mnt/disk/app
	vmtrig setflags /mnt/disk/app +a >/dev/null
	scen append-only vmtrig -e EPERM open /mnt/disk/app w
	vmtrig setflags /mnt/disk/app -a >/dev/null
fi

# xattr changes on an immutable / append-only file: xattr_permission() says EPERM
xattr_scen() { # NAME FLAG ACTION FILE
	want "$1" || return 0
	rm -f "$4"
	echo data >"$4"
	vmtrig setflags "$4" "+$2" >/dev/null
	scen "$1" vmtrig -e EPERM "$3" "$4"
	vmtrig setflags "$4" "-$2" >/dev/null
}
xattr_scen xattr-immutable i setxattr /mnt/disk/ximm
xattr_scen xattr-append a removexattr /mnt/disk/xapp

if want noexec; then
	cp /bin/vmtrig /mnt/noexec/tool
	scen noexec vmtrig -e EACCES exec /mnt/noexec/tool kill 0 0
fi

if want nodev; then
	# a device node the caller may open (0666) on a nodev mount: may_open() refuses it with
	# EACCES whatever the mode (full mode once blamed dac for it)
	mkdir -p /mnt/nodev
	mounted /mnt/nodev || mount -t tmpfs -o nodev,size=1m tmpfs /mnt/nodev
	[ -e /mnt/nodev/null ] || mknod -m 0666 /mnt/nodev/null c 1 3
	scen nodev vmtrig -e EACCES -u 65534 open /mnt/nodev/null r
fi

if want rofs; then
	# a directory bind-mounted read-only onto itself in a private mount namespace (what
	# systemd's ReadOnlyPaths= makes): EROFS, reported by default
	mkdir -p /tmp/rofs
	echo data >/tmp/rofs/f
	scen rofs unshare -m sh -c 'mount --bind /tmp/rofs /tmp/rofs &&
		mount -o remount,bind,ro /tmp/rofs && exec vmtrig -e EROFS open /tmp/rofs/f w'
fi

# EPERM then EACCES, filters of the same length (vmtrig seccomp_errno()): under the shared
# daemon the second filter often takes the first one's freed slot and must not pass for it.
if want seccomp-eperm; then
	scen seccomp-eperm vmtrig -e EPERM seccomp-mkdir EPERM /tmp/sc-eperm
fi
if want seccomp-eacces; then
	scen seccomp-eacces vmtrig -e EACCES seccomp-mkdir EACCES /tmp/sc-eacces
fi
# two stacked filters both refuse mkdir; the newest one's EPERM wins and must be named
if want seccomp-chain; then
	scen seccomp-chain vmtrig -e EPERM seccomp-chain /tmp/sc-chain
fi

# io_uring: a failed request completes in a CQE, the io_uring_enter syscall succeeds. 5.10's
# io_uring_complete has no request: the hooks are off and --features must say why.
uring_hooks() { # prints the io_uring_complete line of --features (the run at the start)
	if [ -s "/tmp/features-$mode.txt" ]; then
		grep 'io_uring_complete' "/tmp/features-$mode.txt"
		return
	fi
	# shellcheck disable=SC2086
	timeout "$TO" "$EPERMD" --features $tpflag 2>/dev/null | grep 'io_uring_complete'
}
uring_scen() { # NAME OP PATH
	line=$(uring_hooks)
	case $line in
	*" active"*)
		scen "$1" sh -c "vmtrig -u 65534 run uringtrig $2 $3 | tee /tmp/$1.trig;
			grep -q ' res=-13 ' /tmp/$1.trig" ;;
	*) skip "$1" "io_uring hooks off: $(echo "$line" | tr -s ' ')" ;;
	esac
}
if want uring-openat; then
	echo secret >/tmp/uring-secret
	chmod 0600 /tmp/uring-secret
	uring_scen uring-openat openat /tmp/uring-secret
fi
if want uring-mkdirat; then
	mkdir -p /tmp/uring-ro
	chmod 0755 /tmp/uring-ro
	rm -rf /tmp/uring-ro/new
	uring_scen uring-mkdirat mkdirat /tmp/uring-ro/new
fi

# Landlock: each scenario needs the kernel's Landlock ABI (fs 1, net 4, scoping 6); a kernel
# below it is a skip that says so (check.py accepts no other Landlock skip)
LLABI=-1
has_lsm landlock && LLABI=$(vmtrig landlock-abi 2>/dev/null || echo -1)
ll_scen() { # NAME ABI TRIGGER...
	n=$1
	need=$2
	shift 2
	want "$n" || return 0
	if ! has_lsm landlock; then
		skip "$n" "Landlock is not in this kernel (needs 5.13+)"
	elif [ "$LLABI" -lt "$need" ]; then
		skip "$n" "Landlock ABI $LLABI in this kernel, the scenario needs ABI $need"
	else
		scen "$n" "$@"
	fi
}
# landlock_restrict_self refused for want of no_new_privs: both modes (the credentials at the
# denial say why)
ll_scen landlock-nonnp 1 vmtrig -e EPERM -u 65534 landlock-nonnp
# the domain entered before epermd started (above): tracepoint-only mode has only the task's
# credentials at the denial to see it by
[ "$mode" = tp ] && ll_scen landlock-prestart 1 sh /tmp/llpre.sh

# the kernel's memory-deny-write-execute (6.3+): no hook sees it, the kernel side reads the
# task's MMF_HAS_MDWE at the denial (mm->flags: an unsigned long before 6.18's bitmap)
if want mdwe; then
	if ! mdwetrig --set none; then
		skip mdwe "no memory-deny-write-execute in this kernel (PR_SET_MDWE needs 6.3+)"
	else
		scen mdwe sh -c 'mdwetrig --set mmap-wx; [ $? -eq 13 ]'
	fi
fi

# ---- full mode only -----------------------------------------------------------------------
if [ "$mode" = full ]; then

if want apparmor; then
	if ! has_lsm apparmor; then
		skip apparmor "AppArmor is not active"
	elif ! command -v apparmor_parser >/dev/null; then
		skip apparmor "apparmor_parser is not in the initramfs"
	else
		echo secret >/tmp/aa-secret
		echo ok >/tmp/aa-ok
		cat >/tmp/trigger-aa.profile <<'EOF'
profile trigger-aa /bin/trigger-aa {
  /** rwmix,
  capability,
  signal,
  ptrace,
  audit deny /tmp/aa-secret rw,
}
EOF
		if apparmor_parser -r /tmp/trigger-aa.profile; then
			scen apparmor /bin/trigger-aa -e EACCES open /tmp/aa-secret r
			apparmor_parser -R /tmp/trigger-aa.profile || true
		else
			skip apparmor "apparmor_parser could not load the profile"
		fi
	fi
fi

echo data >/tmp/ll-file
rm -f /tmp/ll-new
ll_scen landlock 1 vmtrig -e EACCES landlock-mkdir /tmp/ll-x
ll_scen landlock-fs 1 vmtrig -e EACCES landlock-fs write /tmp/ll-file
ll_scen landlock-create 1 vmtrig -e EACCES landlock-fs create /tmp/ll-new
ll_scen landlock-bind 4 vmtrig -e EACCES landlock-bind 4242
ll_scen landlock-connect 4 vmtrig -e EACCES landlock-connect 4243
ll_scen landlock-scope-signal 6 vmtrig -e EPERM landlock-signal
ll_scen landlock-scope-unix 6 vmtrig -e EPERM landlock-unix epermd-ll

for scope in 1 2; do
	want "yama-$scope" || continue
	if ! has_lsm yama; then
		skip "yama-$scope" "Yama is not active"
		continue
	fi
	vmtrig -u 65534 run sleep 60 &
	victim=$!
	sleep 0.3
	echo "$scope" >/proc/sys/kernel/yama/ptrace_scope
	scen "yama-$scope" vmtrig -e EPERM -u 65534 ptrace "$victim"
	echo 0 >/proc/sys/kernel/yama/ptrace_scope
	kill "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
done

fan_listener() { # PATH: start vmtrig's fanotify listener denying PATH, wait until armed
	rm -f /tmp/fan.ready
	vmtrig fan-listen "$1" /tmp/fan.ready >/tmp/fan-listen.log 2>&1 &
	fanpid=$!
	i=0
	while [ ! -e /tmp/fan.ready ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
if want fanotify-open; then
	echo secret >/tmp/fan-secret
	fan_listener /tmp/fan-secret
	scen fanotify-open vmtrig -e EPERM open /tmp/fan-secret r
	kill "$fanpid" 2>/dev/null
	wait "$fanpid" 2>/dev/null
	cat /tmp/fan-listen.log
fi
if want fanotify-exec; then
	cp /bin/vmtrig /tmp/fan-exec
	fan_listener /tmp/fan-exec
	scen fanotify-exec vmtrig -e EPERM exec /tmp/fan-exec kill 0 0
	kill "$fanpid" 2>/dev/null
	wait "$fanpid" 2>/dev/null
	cat /tmp/fan-listen.log
fi

if want cgroup-device; then
	# cgroup v1 devices controller (no v2 controller exists; v2 needs a BPF_CGROUP_DEVICE program)
	mkdir -p /run/cgdev
	if mounted /run/cgdev || mount -t cgroup -o devices devices /run/cgdev; then
		mkdir -p /run/cgdev/epermd-deny
		echo 'c 1:3 rwm' >/run/cgdev/epermd-deny/devices.deny
		scen cgroup-device sh -c 'echo $$ >/run/cgdev/epermd-deny/cgroup.procs && exec vmtrig -e EPERM open /dev/null r'
		umount /run/cgdev 2>/dev/null || true
	else
		skip cgroup-device "cannot mount the cgroup v1 devices controller"
	fi
fi

if want fapolicyd; then
	if ! command -v fapolicyd >/dev/null; then
		skip fapolicyd "fapolicyd is not in the initramfs"
	else
		mkdir -p /run/fapolicyd /var/lib/fapolicyd /var/log /mnt/disk/fa
		chown fapolicyd:fapolicyd /run/fapolicyd /var/lib/fapolicyd
		cp /bin/vmtrig /mnt/disk/fa/worker
		cp /bin/vmtrig /mnt/disk/fa/trusted
		sed -i 's/^trust = .*/trust = file/' /etc/fapolicyd/fapolicyd.conf
		# Debian ships only "deny_audit perm=execute all : all"; trust what we added first
		{
			echo "allow perm=execute all : trust=1"
			cat /etc/fapolicyd/rules.d/*.rules
		} >/etc/fapolicyd/compiled.rules
		: >/etc/fapolicyd/fapolicyd.trust
		for p in /usr/ /bin/ /sbin/ /mnt/disk/fa/trusted; do
			fapolicyd-cli --file add "$p" >/dev/null 2>&1 || echo "fapolicyd-cli --file add $p failed"
		done
		fapolicyd --debug-deny >/tmp/fapolicyd.log 2>&1 &
		fapid=$!
		i=0
		while ! grep -q 'Starting to listen for events' /tmp/fapolicyd.log && [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if grep -q 'Starting to listen for events' /tmp/fapolicyd.log; then
			vmtrig -e 0 exec /mnt/disk/fa/trusted kill 0 0 >/dev/null || echo "fapolicyd: the trusted copy does not run"
			scen fapolicyd vmtrig -e EPERM exec /mnt/disk/fa/worker kill 0 0
		else
			skip fapolicyd "fapolicyd did not start: $(tail -n 3 /tmp/fapolicyd.log | tr '\n' ' ')"
		fi
		kill "$fapid" 2>/dev/null
		wait "$fapid" 2>/dev/null
		echo "fapolicyd log:"
		grep -E 'rule=|dec=|rror' /tmp/fapolicyd.log | head -n 20
	fi
fi

# last: lockdown cannot be lifted once raised
if want lockdown; then
	if ! has_lsm lockdown; then
		skip lockdown "the lockdown LSM is not active"
	elif echo integrity >/sys/kernel/security/lockdown 2>/dev/null ||
		grep -q '\[integrity\]\|\[confidentiality\]' /sys/kernel/security/lockdown; then
		scen lockdown vmtrig -e EPERM iopl
	else
		skip lockdown "cannot raise the lockdown level"
	fi
fi

fi # full mode
echo "@@DONE mode=$mode"

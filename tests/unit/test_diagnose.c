// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Golden diagnosis tests: the words for each case built in test_cause.c, exact strings for a
 * few, key phrases for all, and a scan of every output for advice that disables a protection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "cause.h"
#include "diagnose.h"
#include "enrich.h"
#include "fixes.h"
#include "lookup.h"

int golden_count(void);
const char *golden_build(int i, struct denial *d);

static struct denial D;

/* attribute, the lookups its words read, explain: as the pipeline does */
static void decide(void)
{
	cause_decide(&D);
	enrich_wanted(NULL, &D, cause_wants(&D));
	diagnose_denial(&D);
}

static void run(const char *name)
{
	for (int i = 0; i < golden_count(); i++) {
		memset(&D, 0, sizeof(D));
		if (strcmp(golden_build(i, &D), name) == 0) {
			decide();
			return;
		}
	}
	snprintf(D.diagnosis, sizeof(D.diagnosis), "no such case %s", name);
}

TEST(diag_dump)
{
	if (!getenv("EPERMD_DUMP"))
		return;
	for (int i = 0; i < golden_count(); i++) {
		const char *n = golden_build(i, &D);

		decide();
		printf("== %s [%s]\nD: %s\nF: %s\nV: %s\n", n, cause_name(D.cause), D.diagnosis,
		       D.fix, D.validate);
		for (int k = 0; k < D.n_evidence; k++)
			printf("E: %s\n", D.evidence[k]);
	}
	(void)unit_failed_;
}

/* advice that turns a protection off, never acceptable as a fix */
static const char *const forbidden[] = {
    "setenforce 0",
    "--privileged",
    "seccomp=unconfined",
    "apparmor=unconfined",
    "aa-complain",
    "aa-disable",
    "systemctl stop fapolicyd",
    "systemctl disable fapolicyd",
    "systemctl mask fapolicyd",
    "ptrace_scope=0",
    "sysctl -w kernel.yama",
    "unprivileged_bpf_disabled=0",
    "perf_event_paranoid=-1",
    "chmod 777",
    "chmod -R 777",
    "chmod o+r",
    "chmod o+w",
    "chmod a+",
    "SystemCallFilter=\n",
    "--cap-add=ALL",
    "--cap-add=SYS_ADMIN",
    "lockdown=none",
    "protected_symlinks=0",
    "protected_hardlinks=0",
    "protected_regular=0",
    "protected_fifos=0",
    "unprivileged_port_start=0",
    "setcap cap_kill=+ep '/usr/bin/kill'",
};

static void check_safe(int *unit_failed_, const char *name)
{
	const char *out[] = {D.diagnosis, D.fix, D.validate};

	for (size_t o = 0; o < 3; o++)
		for (size_t f = 0; f < sizeof(forbidden) / sizeof(forbidden[0]); f++)
			if (strstr(out[o], forbidden[f])) {
				fprintf(stderr, "  %s: forbidden '%s' in: %s\n", name, forbidden[f],
					out[o]);
				(*unit_failed_)++;
			}
	/* o+x only for a directory on the way, never for the object */
	if (strstr(D.fix, "chmod o+x") && !strstr(D.diagnosis, "on the way")) {
		fprintf(stderr, "  %s: chmod o+x outside a path-walk denial\n", name);
		(*unit_failed_)++;
	}
	/* never a mode for something that could not be examined */
	if (strstr(D.diagnosis, "mode 0000")) {
		fprintf(stderr, "  %s: mode 0000 in: %s\n", name, D.diagnosis);
		(*unit_failed_)++;
	}
	/* chattr only with the warning that the attribute is deliberate */
	if (strstr(D.fix, "chattr -") && !strstr(D.fix, "on purpose")) {
		fprintf(stderr, "  %s: chattr without the warning\n", name);
		(*unit_failed_)++;
	}
	/* never a file capability on a shell, interpreter or general-purpose tool */
	if (strstr(D.fix, "setcap ") && D.proc.exe[0] && exe_general_tool(NULL, D.proc.exe)) {
		fprintf(stderr, "  %s: setcap on the general tool %s\n", name, D.proc.exe);
		(*unit_failed_)++;
	}
	/* no sentence loses its object ("could not write : ...") */
	if (strstr(D.diagnosis, " : ") || strstr(D.diagnosis, "  ")) {
		fprintf(stderr, "  %s: a sentence without its object: %s\n", name, D.diagnosis);
		(*unit_failed_)++;
	}
	if (!D.diagnosis[0] || !D.fix[0] || !D.validate[0]) {
		fprintf(stderr, "  %s: empty diagnosis/fix/validate\n", name);
		(*unit_failed_)++;
	}
}

TEST(diag_rofs)
{
	run("rofs_unit");
	CHECK_CONTAINS(D.diagnosis, "could not open /var/lib/app/state.db for writing (EROFS)");
	CHECK_CONTAINS(D.diagnosis, "/var/lib/app (mount 70) is a read-only mount in the "
				    "process's own mount namespace");
	CHECK_CONTAINS(D.diagnosis, "ProtectSystem=");
	CHECK_CONTAINS(D.fix, "`systemctl edit 'app.service'`, add `[Service]` and "
			      "`ReadWritePaths=/var/lib/app`");
	CHECK_CONTAINS(D.fix, "`systemctl restart 'app.service'`");
	CHECK_CONTAINS(D.validate, "findmnt -no TARGET,OPTIONS -T '/var/lib/app'");
	run("rofs_docker_root");
	CHECK_CONTAINS(D.fix, "`--tmpfs '/srv/cache'`");
	run("rofs_sandbox");
	CHECK_CONTAINS(D.diagnosis, "locked");
	CHECK_CONTAINS(D.fix, "bind '/home/u/.cache' read-write");
	run("rofs_host");
	CHECK_CONTAINS(D.diagnosis, "in the host's mount namespace");
	CHECK_CONTAINS(D.fix, "a decision for the administrator");
	run("rofs_squashfs");
	CHECK_CONTAINS(D.diagnosis, "(SB_RDONLY)");
	CHECK_CONTAINS(D.diagnosis, "squashfs filesystem, which cannot be written");
	CHECK(!strstr(D.fix, "remount"));
	run("rofs_fs");
	CHECK_CONTAINS(D.fix, "fsck first");
	CHECK_CONTAINS(D.fix, "`mount -o remount,rw '/data'`");
	run("rofs_writable");
	CHECK_CONTAINS(D.diagnosis, "EROFS means a write on a read-only mount or filesystem");
	run("rofs_later");
	CHECK_CONTAINS(D.fix, "ReadWritePaths=/etc/app.conf`");
	CHECK_CONTAINS(D.fix, "needs its directory instead");
}

TEST(diag_never_disables_a_protection)
{
	for (int i = 0; i < golden_count(); i++) {
		const char *n = golden_build(i, &D);

		decide();
		check_safe(unit_failed_, n);
		/* the same with the process in a unit and in a container */
		n = golden_build(i, &D);
		snprintf(D.proc.unit, sizeof(D.proc.unit), "x.service");
		decide();
		check_safe(unit_failed_, n);
		n = golden_build(i, &D);
		snprintf(D.proc.container, sizeof(D.proc.container), "k8s:1234");
		decide();
		check_safe(unit_failed_, n);
	}
}

TEST(diag_capability_golden)
{
	run("cap_bind");
	CHECK_STR(D.diagnosis, "nginx (pid 812, uid 33) could not bind 127.0.0.1:80: it lacks "
			       "CAP_NET_BIND_SERVICE; ports below 1024 "
			       "(net.ipv4.ip_unprivileged_port_start) need it.");
	CHECK_CONTAINS(D.fix, "`setcap cap_net_bind_service=+ep '/usr/sbin/nginx'`");
	CHECK_STR(D.validate, "getcap '/usr/sbin/nginx' | grep -w cap_net_bind_service");
	CHECK_STR(D.fix_command, "setcap cap_net_bind_service=+ep '/usr/sbin/nginx'");
	/* a file capability cannot pass a bounding set without it, nor no_new_privs */
	run("cap_bind");
	D.proc.valid = true;
	D.proc.cap_bnd = ~0ull & ~(1ull << 10);
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "CAP_NET_BIND_SERVICE is not in the process's capability bounding");
	CHECK(!strstr(D.fix, "setcap"));
	CHECK_STR(D.fix_command, "");
	D.proc.cap_bnd = ~0ull;
	D.proc.no_new_privs = 1;
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "no_new_privs");
	CHECK_CONTAINS(D.fix, "--ambient-caps=+net_bind_service");
	CHECK_STR(D.fix_command, "");
	run("cap_bind_unit");
	CHECK_CONTAINS(D.fix, "`AmbientCapabilities=CAP_NET_BIND_SERVICE`");
	CHECK_CONTAINS(D.fix, "systemctl edit 'nginx.service'");
	CHECK(!strstr(D.fix, "setcap"));
	run("cap_bind_docker");
	CHECK_CONTAINS(D.fix, "--cap-add=NET_BIND_SERVICE");
	CHECK(!strstr(D.fix, "setcap"));
	run("cap_bind");
	snprintf(D.proc.container, sizeof(D.proc.container), "k8s:5f0c");
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "securityContext.capabilities.add: [\"NET_BIND_SERVICE\"]");
	run("cap_kill");
	CHECK_STR(D.diagnosis, "dnact (pid 812, uid 65534) could not signal pid 1 (systemd): it "
			       "lacks CAP_KILL; signalling a process of another user needs it.");
	CHECK_CONTAINS(D.fix, "same uid");
}

TEST(diag_userns)
{
	run("userns");
	CHECK_STR(
	    D.diagnosis,
	    "unshare (pid 812, uid 0) could not set the hostname: it holds CAP_SYS_ADMIN only "
	    "inside its own user namespace (level 1), but the hostname (its UTS namespace) "
	    "belongs to an ancestor namespace (level 0); root in a container or user "
	    "namespace is not root on the host.");
	CHECK_CONTAINS(D.fix, "unshare --user --map-root-user --uts");
	CHECK_CONTAINS(D.validate, "/proc/812/uid_map");
}

TEST(diag_dac)
{
	run("dac_caps");
	CHECK_STR(D.diagnosis, "cat (pid 812, uid 65534) could not open /root/secret for reading: "
			       "/root/secret is mode 0600 owned by uid 0 gid 0, and fsuid 65534 "
			       "(gid 65534) falls in its 'other' class, which does not grant r. "
			       "EACCES means a file-permission check failed, not a missing "
			       "privilege.");
	CHECK_CONTAINS(D.fix, "`setfacl -m u:65534:r '/root/secret'`");
	CHECK_STR(D.validate, "namei -l '/root/secret'; setpriv --reuid=65534 --regid=65534 "
			      "--init-groups test -r '/root/secret' && echo allowed");
	CHECK_STR(D.fix_command, "setfacl -m u:65534:r '/root/secret'");
	/* the lookups its words read: the passwd entry; a group name only under /etc */
	CHECK(cause_wants(&D) == DN_WANT_USER && D.lookup.done == DN_WANT_USER);
	snprintf(D.path, sizeof(D.path), "/etc/app/db.conf");
	CHECK(cause_wants(&D) == (DN_WANT_USER | DN_WANT_GROUP));
	run("dac_acl");
	CHECK_CONTAINS(D.diagnosis, "'named user' class");
	CHECK_CONTAINS(D.fix, "user:1000:---,mask::r--");
	run("dac_parent");
	CHECK_CONTAINS(D.diagnosis, "its directory /var/lib/app is mode 0755");
	/* a named-user entry replaces 'other' (r-x): w alone would take the search away */
	CHECK_CONTAINS(D.fix, "setfacl -m u:1000:rwx '/var/lib/app'");
	CHECK_STR(D.fix_command, "setfacl -m u:1000:rwx '/var/lib/app'");
}

TEST(diag_immutable)
{
	run("immutable_unlink");
	CHECK_CONTAINS(D.diagnosis, "immutable attribute (chattr +i)");
	CHECK_CONTAINS(D.diagnosis, "root included");
	/* a system file: no chattr command, whoever pinned it decides */
	CHECK_CONTAINS(D.fix, "/etc/resolv.conf is a system file");
	CHECK(!strstr(D.fix, "chattr -i"));
	CHECK_STR(D.fix_command, "");
	CHECK_STR(D.validate, "lsattr -d '/etc/resolv.conf'");
	run("append_trunc");
	CHECK_CONTAINS(D.fix, "O_APPEND");
	CHECK(!strstr(D.fix, "chattr -a"));
	snprintf(D.path, sizeof(D.path), "/srv/app/it's.log");
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "`chattr -a '/srv/app/it'\\''s.log'`");
	CHECK_STR(D.fix_command, "chattr -a '/srv/app/it'\\''s.log'");
	CHECK_STR(D.validate, "lsattr -d '/srv/app/it'\\''s.log' | grep -v '^[^ ]*a'");
}

TEST(diag_shell_quoting)
{
	run("immutable_unlink");
	snprintf(D.path, sizeof(D.path), "/srv/it's $(reboot) here");
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "`chattr -i '/srv/it'\\''s $(reboot) here'`");
	CHECK_STR(D.fix_command, "chattr -i '/srv/it'\\''s $(reboot) here'");
	CHECK_STR(D.validate, "lsattr -d '/srv/it'\\''s $(reboot) here' | grep -v '^[^ ]*i'");
	char q[64];
	CHECK_STR(sh_quote("a'b", q, sizeof(q)), "'a'\\''b'");
	CHECK_STR(sh_quote("", q, sizeof(q)), "''");
	CHECK_STR(sh_quote("0123456789abcdef", q, 12), "'01234'");
}

TEST(diag_mount)
{
	run("noexec");
	CHECK_CONTAINS(D.diagnosis, "/tmp is mounted noexec");
	CHECK_CONTAINS(D.fix, "/usr/local/bin");
	CHECK_CONTAINS(D.fix, "a deliberate decision, not the default fix");
	CHECK_STR(D.validate, "findmnt -no TARGET,OPTIONS -T '/tmp/build/tool' | grep -vw noexec");
	run("noexec_ev");
	CHECK(!strstr(D.fix, "remount,exec"));
}

TEST(diag_seccomp)
{
	run("seccomp");
	CHECK_CONTAINS(D.diagnosis, "was refused mkdir() by a seccomp filter (Seccomp: 2, 1 "
				    "filter)");
	CHECK_CONTAINS(D.diagnosis, "installed it itself (NoNewPrivs: 1, parent bash)");
	CHECK_STR(D.validate, "grep Seccomp /proc/812/status");
	run("seccomp_unit");
	CHECK_CONTAINS(D.fix, "`SystemCallFilter=mkdir`");
	CHECK_CONTAINS(D.validate, "systemctl show -p SystemCallFilter 'myapp.service'");
	run("seccomp_docker");
	CHECK_CONTAINS(D.diagnosis, "container runtime's seccomp profile for docker:0123456789ab");
	CHECK_CONTAINS(D.fix, "adds mkdir to the allowed syscalls");
}

TEST(diag_lsm)
{
	run("apparmor");
	CHECK_CONTAINS(D.diagnosis, "AppArmor profile '/usr/sbin/nginx'");
	CHECK_CONTAINS(D.fix, "/etc/apparmor.d/local/usr.sbin.nginx");
	CHECK_CONTAINS(D.fix, "`\"/srv/www/index.html\" r,`");
	CHECK_CONTAINS(D.fix, "aa-logprof");
	run("selinux");
	CHECK_CONTAINS(D.fix, "audit2allow -a");
	CHECK_CONTAINS(D.fix, "restorecon -v '/srv/www/index.html'");
	run("landlock");
	CHECK_CONTAINS(D.diagnosis, "Landlock sandbox");
	run("landlock_write");
	CHECK_CONTAINS(D.diagnosis, "do not grant write_file");
	CHECK_CONTAINS(D.fix, "Grant LANDLOCK_ACCESS_FS_WRITE_FILE on /srv/data/log");
	CHECK(!strstr(D.fix, "TRUNCATE"));
	run("landlock_mkdir"); /* a creation is granted on the directory */
	CHECK_CONTAINS(D.fix, "Grant LANDLOCK_ACCESS_FS_MAKE_DIR on /srv/data (the directory");
	run("landlock_bind");
	CHECK_CONTAINS(D.diagnosis,
		       "could not bind port 8080: its Landlock domain handles "
		       "LANDLOCK_ACCESS_NET_BIND_TCP and none of its rules allows it.");
	CHECK_CONTAINS(D.fix, "LANDLOCK_RULE_NET_PORT rule granting LANDLOCK_ACCESS_NET_BIND_TCP "
			      "on port 8080");
	run("landlock_connect");
	CHECK_CONTAINS(D.diagnosis, "could not connect to port 5432: its Landlock domain handles "
				    "LANDLOCK_ACCESS_NET_CONNECT_TCP");
	CHECK_STR(D.lsm_detail, "connect_tcp port 5432");
	run("landlock_signal");
	CHECK_CONTAINS(D.diagnosis, "could not signal pid 4242 (worker)");
	CHECK_CONTAINS(D.diagnosis, "LANDLOCK_SCOPE_SIGNAL");
	run("landlock_unix");
	CHECK_CONTAINS(D.diagnosis, "abstract unix socket @bus (pid 77)");
	run("yama_ev");
	CHECK_CONTAINS(D.diagnosis, "Yama (kernel.yama.ptrace_scope=1)");
	CHECK_CONTAINS(D.fix, "CAP_SYS_PTRACE");
	CHECK_STR(D.validate, "sysctl kernel.yama.ptrace_scope");
	run("lockdown_ev");
	CHECK_CONTAINS(D.diagnosis, "locked down (integrity) and refuses raw io port access");
	CHECK_CONTAINS(D.fix, "no runtime switch");
	run("lockdown_tp");
	CHECK_CONTAINS(D.fix, "mokutil --import");
}

TEST(diag_fanotify)
{
	run("fanotify_ev");
	CHECK_STR(D.diagnosis,
		  "bash (pid 812, uid 0) could not execute /opt/app/bin/worker: "
		  "fapolicyd[812], the application allowlisting daemon, answered the "
		  "fanotify permission event with deny, so the kernel returned EPERM.");
	CHECK_CONTAINS(D.fix, "`fapolicyd-cli --file add '/opt/app/bin/worker'` then "
			      "`fapolicyd-cli --update`");
	CHECK_CONTAINS(D.fix, "trust=0");
	CHECK_CONTAINS(D.fix, "/etc/fapolicyd/rules.d/");
	CHECK(!strstr(D.fix, "writable directory"));
	run("fanotify_tp");
	CHECK_CONTAINS(D.fix, "exactly what allowlisting blocks");
	run("fanotify_other");
	CHECK_CONTAINS(D.diagnosis, "clamonacc[990]");
}

TEST(diag_sysctl)
{
	run("ping");
	CHECK_CONTAINS(D.diagnosis, "gid 1000 is outside net.ipv4.ping_group_range (1 0)");
	CHECK_CONTAINS(D.fix, "net.ipv4.ping_group_range='1000 1000'");
	run("bpf");
	CHECK_CONTAINS(D.diagnosis, "kernel.unprivileged_bpf_disabled=2");
	CHECK_CONTAINS(D.diagnosis, "CAP_BPF");
	CHECK_CONTAINS(D.fix, "Do not lower kernel.unprivileged_bpf_disabled");
	run("hardlink");
	CHECK_CONTAINS(D.diagnosis, "fs.protected_hardlinks=1");
	CHECK_CONTAINS(D.validate, "stat -c '%U %a' '/tmp/shadow-copy'");
	run("protected_regular");
	CHECK_CONTAINS(D.fix, "mkstemp");
	run("userns_sysctl");
	CHECK_CONTAINS(D.diagnosis, "kernel.unprivileged_userns_clone=0");
}

TEST(diag_cgroup_unknown)
{
	run("devcg");
	CHECK_CONTAINS(D.diagnosis, "device cgroup of docker:0123456789ab does not allow device "
				    "c 1:3 r");
	CHECK_CONTAINS(D.fix, "--device=/dev/null");
	CHECK_STR(D.validate,
		  "bpftool cgroup show '/sys/fs/cgroup/system.slice/docker-0123.scope'");
	run("unknown");
	CHECK_CONTAINS(D.diagnosis, "epermd could not name the subsystem");
	CHECK_CONTAINS(D.fix, "epermd --features");
	CHECK_CONTAINS(D.fix, "journalctl -k");
	CHECK_CONTAINS(D.fix, "strace -f -e trace=openat");
}

TEST(diag_real_host)
{
	run("dac_walk");
	CHECK_STR(
	    D.diagnosis,
	    "cat (pid 812, uid 65534) could not open /root/x for reading: the directory "
	    "/root, on the way, is mode 0700 owned by uid 0 gid 0, and fsuid 65534 (gid 65534) "
	    "falls in its 'other' class, which does not grant x (search), so the kernel could "
	    "not look up anything below it (EACCES). The object's own mode (0644, owner 0:0) "
	    "was not what refused it.");
	CHECK_CONTAINS(D.fix, "`setfacl -m u:65534:x '/root'`");
	CHECK_CONTAINS(D.fix, "`chmod o+x '/root'`");
	CHECK_CONTAINS(D.fix, "move the file");
	CHECK_STR(D.validate, "namei -l '/root/x'; setpriv --reuid=65534 --regid=65534 "
			      "--init-groups test -x '/root' && echo allowed");
	CHECK_STR(D.fix_command, "setfacl -m u:65534:x '/root'");
	/* a key behind /etc/ssl/private: search on the directory would hand it out */
	snprintf(D.path, sizeof(D.path), "/etc/ssl/private/site.key");
	snprintf(D.walk.dir, sizeof(D.walk.dir), "/etc/ssl/private");
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "TLS private keys");
	CHECK_CONTAINS(D.fix, "ssl-cert");
	CHECK(!strstr(D.fix, "setfacl -m"));
	CHECK_STR(D.fix_command, "");
	run("dac_walk_noent");
	CHECK_CONTAINS(D.diagnosis, "The object itself could not be examined (it does not exist");
	CHECK(!strstr(D.diagnosis, "0000"));
	run("dac_walk_both");
	CHECK_CONTAINS(D.diagnosis, "the directory /tmp/h3b/priv, on the way,");
	CHECK_CONTAINS(D.diagnosis, "own mode (0600, owner 0:0) would refuse r as well");
	run("dac_walk_acl");
	CHECK_CONTAINS(D.diagnosis, "could not look up /tmp/h3b/acl/f");
	CHECK_CONTAINS(D.fix, "The directory's ACL (user:65534:---,mask::r-x)");
	run("dac_nostat");
	CHECK_CONTAINS(D.diagnosis, "but priv/f could not be examined");
	CHECK(!strstr(D.diagnosis, "mode 0"));
	run("seccomp_gone");
	CHECK_CONTAINS(D.diagnosis, "was refused mkdir() by a seccomp filter");
	CHECK(!strstr(D.diagnosis, "NoNewPrivs: 0"));
	run("cap_kill_shell");
	CHECK(!strstr(D.fix, "setcap"));
	CHECK_CONTAINS(D.fix, "/usr/bin/dash is a shell, interpreter or general-purpose tool");
	run("cap_raw");
	CHECK_CONTAINS(D.diagnosis, "could not create a socket (AF_INET SOCK_RAW IPPROTO_ICMP)");
	run("cap_bind_fd");
	CHECK_CONTAINS(D.diagnosis, "could not bind socket fd 3: it lacks CAP_NET_BIND_SERVICE");
	run("perf");
	CHECK_CONTAINS(D.diagnosis, "kernel.perf_event_paranoid=2");
	CHECK_CONTAINS(D.fix, "setcap cap_perfmon=+ep '/tmp/eptrigger'");
	run("userns_real");
	CHECK_CONTAINS(D.diagnosis, "(level 1), but the hostname (its UTS namespace) belongs to an "
				    "ancestor namespace (level 0)");
}

TEST(diag_general_tools)
{
	static const char *const tools[] = {"/usr/bin/kill", "/bin/kill",    "/usr/bin/cp",
					    "/usr/bin/find", "/usr/bin/tar", "/usr/bin/sudo",
					    "/bin/busybox",  "/usr/bin/env", "/usr/bin/python3.11"};

	struct pkgdb *db;

	CHECK(pkgdb_new(&db) == 0);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		CHECK(exe_general_tool(db, tools[i]));
		run("cap_kill");
		snprintf(D.proc.exe, sizeof(D.proc.exe), "%s", tools[i]);
		D.proc.unit[0] = D.proc.container[0] = '\0';
		CHECK(cause_wants(&D) == DN_WANT_EXE);
		memset(&D.lookup, 0, sizeof(D.lookup));
		enrich_wanted(NULL, &D, DN_WANT_EXE);
		CHECK(D.lookup.exe_general);
		diagnose_denial(&D);
		CHECK(!strstr(D.fix, "setcap"));
		CHECK_CONTAINS(D.fix, "general-purpose tool");
		check_safe(unit_failed_, tools[i]);
	}
	CHECK(!exe_general_tool(db, "/usr/sbin/nginx"));
	/* not in the list, but a binary of an essential package (dpkg's file list) */
	if (access("/var/lib/dpkg/info/coreutils.list", R_OK) == 0) {
		CHECK(exe_general_tool(db, "/usr/bin/nproc"));
		CHECK(exe_general_tool(db, "/usr/bin/nproc")); /* cached */
		CHECK(!exe_general_tool(db, "/usr/local/bin/nproc-like-daemon"));
	}
	pkgdb_free(db);
	/* in a unit: AmbientCapabilities= of the unit */
	run("cap_kill");
	snprintf(D.proc.exe, sizeof(D.proc.exe), "/usr/bin/kill");
	snprintf(D.proc.unit, sizeof(D.proc.unit), "reaper.service");
	CHECK(cause_wants(&D) == 0); /* a unit's capability: no file capability, no lookup */
	diagnose_denial(&D);
	CHECK_CONTAINS(D.fix, "AmbientCapabilities=CAP_KILL");
}

TEST(diag_object_never_lost)
{
	run("cap_kill");
	D.cause = EP_CAUSE_DAC;
	D.ev.syscall_nr = 1; /* write(3, ...) on x86_64 */
	D.ev.ret = -EP_EACCES;
	D.ev.args[0] = 3;
	D.path[0] = D.ev.path[0] = D.target[0] = '\0';
	D.file.valid = false;
	cause_classify(&D); /* the record was edited after its verdict */
	diagnose_denial(&D);
	CHECK_CONTAINS(D.diagnosis, "could not write to fd 3 (the file is no longer known)");
	check_safe(unit_failed_, "write_unknown");
}

TEST(diag_hedges_later_state)
{
	run("immutable_unlink");
	D.facts_later |= DN_FACT_FLAGS;
	diagnose_denial(&D);
	CHECK_CONTAINS(D.diagnosis, "is immutable now: it has the immutable attribute (chattr +i) "
				    "(observed after the denial)");
	/* inferred capability says so */
	run("cap_kill");
	D.hooks_active = 1ull << EP_HK_SYS_EXIT;
	D.n_evidence = 0;
	decide();
	CHECK_CONTAINS(D.diagnosis, "it lacks CAP_KILL (inferred from kill(2)");
}

TEST(diag_inferred_and_small_sysctls)
{
	run("infer_kill");
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK_CONTAINS(D.diagnosis,
		       "could not signal pid 1 (systemd): it lacks CAP_KILL (inferred");
	CHECK(!strstr(D.fix, "setcap"));
	run("infer_userns");
	CHECK_STR(cause_name(D.cause), "userns");
	CHECK_CONTAINS(D.diagnosis, "holds CAP_SYS_ADMIN only inside its own user namespace");
	run("symlinks");
	CHECK_STR(cause_name(D.cause), "sysctl");
	CHECK_CONTAINS(D.diagnosis, "symbolic link owned by uid 1001");
	CHECK_CONTAINS(D.fix, "Keep the protection");
	CHECK(!strstr(D.fix, "protected_symlinks=0"));
	run("nr_open");
	CHECK_STR(cause_name(D.cause), "sysctl");
	CHECK_CONTAINS(D.diagnosis, "above fs.nr_open (1048576)");
	CHECK(!strstr(D.fix, "sysctl -w"));
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The directive tables of daemon/attribute/unitmap.c: which directive of a systemd unit denied a
 * call, with its value and the drop-in that relaxes just this; the literal values of unit files
 * (unitprops_parse_file); systemd's syscall groups. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "unit.h"
#include "cause.h"
#include "diagnose.h"
#include "names.h"
#include "unitmap.h"
#include "unitprops.h"

static struct denial D;

static void setup(const char *sc, int err, enum ep_cause cause)
{
	memset(&D, 0, sizeof(D));
	D.ev.syscall_nr = syscall_nr(sc);
	D.ev.ret = -err;
	D.ev.pid = 4242;
	D.ev.uid = 0;
	snprintf(D.ev.comm, sizeof(D.ev.comm), "svc");
	snprintf(D.proc.unit, sizeof(D.proc.unit), "svc.service");
	D.proc.valid = true;
	D.cause = cause;
	D.capability = -1;
	D.lsm = -1;
	D.unit.valid = true;
	D.unit.ns_allowed = ~0ull;
	D.unit.cap_bnd = ~0ull;
}

static void scf_add(const char *sc)
{
	int nr = syscall_nr(sc);

	D.unit.scf[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

/* a device cgroup refusal of path (rule "b 259:0 r") in a unit with DevicePolicy=policy */
static void dev_setup(const char *path, const char *rule, const char *policy)
{
	setup("openat", EP_EPERM, EP_CAUSE_CGROUP);
	snprintf(D.path, sizeof(D.path), "%s", path);
	snprintf(D.rule, sizeof(D.rule), "%s", rule);
	snprintf(D.unit.device_policy, sizeof(D.unit.device_policy), "%s", policy);
}

static void decide(void)
{
	unitmap_attribute(&D);
	diagnose_denial(&D);
}

TEST(unitmap_groups)
{
	CHECK(unitmap_group_has("@mount", "mount"));
	CHECK(unitmap_group_has("@mount", "umount2"));
	CHECK(!unitmap_group_has("@mount", "read"));
	CHECK(unitmap_group_has("@privileged", "settimeofday")); /* via @clock */
	CHECK(unitmap_group_has("@system-service", "openat"));	 /* via @file-system */
	CHECK(!unitmap_group_has("@system-service", "mount"));
	CHECK(!unitmap_group_has("@nonexistent", "mount"));
}

TEST(unitmap_parse_file)
{
	struct dn_unit u;

	memset(&u, 0, sizeof(u));
	unitprops_parse_file(&u, "[Unit]\nSystemCallFilter=ignored\n[Service]\n"
				 "SystemCallFilter=~@mount\n  SystemCallFilter = @swap\n"
				 "# SystemCallFilter=@comment\nRestrictNamespaces=yes\n"
				 "CapabilityBoundingSet=CAP_CHOWN\n[Install]\nWantedBy=x\n");
	CHECK_STR(u.lit[DN_UL_SCF], "~@mount @swap");
	CHECK_STR(u.lit[DN_UL_NS], "yes");
	CHECK_STR(u.lit[DN_UL_BND], "CAP_CHOWN");
	/* a drop-in: an empty assignment resets, a boolean replaces a namespace list */
	unitprops_parse_file(&u, "[Service]\nSystemCallFilter=\nSystemCallFilter=read\n"
				 "RestrictNamespaces=user\nRestrictNamespaces=no\n");
	CHECK_STR(u.lit[DN_UL_SCF], "read");
	CHECK_STR(u.lit[DN_UL_NS], "no");
}

TEST(unitmap_scf_denylist_group)
{
	setup("mount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	scf_add("mount");
	snprintf(D.unit.lit[DN_UL_SCF], DN_U_LIT_LEN, "~@swap @mount");
	decide();
	CHECK_STR(D.unit_directive, "SystemCallFilter");
	CHECK_STR(D.unit_directive_value, "~@swap @mount");
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=mount\n");
	CHECK_CONTAINS(D.evidence[0], "mount is in @mount");
	CHECK_CONTAINS(D.fix, "systemctl edit 'svc.service'");
	CHECK_CONTAINS(D.fix, "`SystemCallFilter=mount`");
	CHECK_CONTAINS(D.validate, "systemd-analyze security 'svc.service'");
}

TEST(unitmap_scf_allowlist)
{
	setup("mount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET | DN_U_SCF_ALLOW;
	scf_add("read");
	decide();
	CHECK_STR(D.unit_directive, "SystemCallFilter");
	CHECK_STR(D.unit_directive_value, "1 system calls");
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=mount\n");
	/* listed in an allow-list: not the filter */
	scf_add("mount");
	decide();
	CHECK_STR(D.unit_directive, "");
}

TEST(unitmap_restrict_namespaces)
{
	setup("unshare", EP_EPERM, EP_CAUSE_SECCOMP);
	D.ev.args[0] = 0x10000000; /* CLONE_NEWUSER */
	D.unit.ns_allowed = 0;
	decide();
	CHECK_STR(D.unit_directive, "RestrictNamespaces");
	CHECK_STR(D.unit_directive_value, "yes");
	CHECK_STR(D.unit_dropin, "[Service]\nRestrictNamespaces=user\n");
	CHECK(!strstr(D.fix, "SystemCallFilter=unshare")); /* the old, wrong fix */
	/* net allowed, user not: only user is named */
	D.unit.ns_allowed = 0x40000000;
	D.ev.args[0] = 0x50000000;
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nRestrictNamespaces=user\n");
}

TEST(unitmap_seccomp_booleans)
{
	static const struct {
		const char *sc;
		unsigned long long a0, a1, a2;
		uint32_t flag;
		const char *dir;
	} t[] = {
	    {"mmap", 0, 4096, 7, DN_U_MDWE, "MemoryDenyWriteExecute"},
	    {"mprotect", 0, 4096, 5, DN_U_MDWE, "MemoryDenyWriteExecute"},
	    {"fchmodat", 0, 0, 04755, DN_U_SUID_SGID, "RestrictSUIDSGID"},
	    {"clock_settime", 0, 0, 0, DN_U_CLOCK, "ProtectClock"},
	    {"sethostname", 0, 0, 0, DN_U_HOSTNAME, "ProtectHostname"},
	    {"finit_module", 0, 0, 0, DN_U_KMOD, "ProtectKernelModules"},
	    {"syslog", 10, 0, 0, DN_U_KLOGS, "ProtectKernelLogs"},
	    {"sched_setscheduler", 0, 1, 0, DN_U_REALTIME, "RestrictRealtime"},
	    {"personality", 8, 0, 0, DN_U_PERSONALITY, "LockPersonality"},
	    {"iopl", 3, 0, 0, DN_U_PRIVATE_DEVICES, "PrivateDevices"},
	};
	char want[128];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup(t[i].sc, EP_EPERM, EP_CAUSE_SECCOMP);
		D.ev.args[0] = t[i].a0, D.ev.args[1] = t[i].a1, D.ev.args[2] = t[i].a2;
		D.unit.flags = t[i].flag;
		decide();
		CHECK_STR(D.unit_directive, t[i].dir);
		CHECK_STR(D.unit_directive_value, "yes");
		snprintf(want, sizeof(want), "[Service]\n%s=no\n", t[i].dir);
		CHECK_STR(D.unit_dropin, want);
		/* the same setting off: not this directive */
		D.unit.flags = 0;
		decide();
		CHECK_STR(D.unit_directive, "");
	}
	/* arguments the filters let through */
	setup("mmap", EP_EPERM, EP_CAUSE_SECCOMP);
	D.ev.args[2] = 5; /* PROT_READ|PROT_EXEC, not writable */
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "");
	setup("fchmodat", EP_EPERM, EP_CAUSE_SECCOMP);
	D.ev.args[2] = 0755;
	D.unit.flags = DN_U_SUID_SGID;
	decide();
	CHECK_STR(D.unit_directive, "");
	setup("sched_setscheduler", EP_EPERM, EP_CAUSE_SECCOMP);
	D.ev.args[1] = 3; /* SCHED_BATCH */
	D.unit.flags = DN_U_REALTIME;
	decide();
	CHECK_STR(D.unit_directive, "");
	setup("personality", EP_EPERM, EP_CAUSE_SECCOMP);
	D.ev.args[0] = 0; /* PER_LINUX, the value it is locked to */
	D.unit.flags = DN_U_PERSONALITY;
	decide();
	CHECK_STR(D.unit_directive, "");
	D.ev.args[0] = 0xffffffffu; /* even the query (what setarch does first) */
	decide();
	CHECK_STR(D.unit_directive, "LockPersonality");
}

TEST(unitmap_capabilities)
{
	/* root unit, bounding set without CAP_CHOWN */
	setup("fchownat", EP_EPERM, EP_CAUSE_CAPABILITY);
	D.capability = 0; /* CAP_CHOWN */
	D.unit.cap_bnd = 1ull << 1;
	snprintf(D.unit.lit[DN_UL_BND], DN_U_LIT_LEN, "CAP_DAC_OVERRIDE");
	decide();
	CHECK_STR(D.unit_directive, "CapabilityBoundingSet");
	CHECK_STR(D.unit_directive_value, "CAP_DAC_OVERRIDE");
	CHECK_STR(D.unit_dropin, "[Service]\nCapabilityBoundingSet=CAP_CHOWN\n");
	/* an unprivileged user also needs it as ambient */
	D.proc.euid = 65534;
	decide();
	CHECK_STR(D.unit_dropin,
		  "[Service]\nCapabilityBoundingSet=CAP_CHOWN\nAmbientCapabilities=CAP_CHOWN\n");
	/* ProtectClock= took CAP_SYS_TIME out of the bounding set */
	setup("clock_settime", EP_EPERM, EP_CAUSE_CAPABILITY);
	D.capability = 25;
	D.unit.cap_bnd &= ~(1ull << 25);
	D.unit.flags = DN_U_CLOCK;
	decide();
	CHECK_STR(D.unit_directive, "ProtectClock");
	/* User=nobody without AmbientCapabilities= */
	setup("bind", EP_EACCES, EP_CAUSE_CAPABILITY);
	D.capability = 10;
	D.proc.euid = 65534;
	snprintf(D.unit.user, sizeof(D.unit.user), "nobody");
	decide();
	CHECK_STR(D.unit_directive, "User");
	CHECK_STR(D.unit_directive_value, "nobody");
	CHECK_STR(D.unit_dropin, "[Service]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n");
	/* NoNewPrivileges= voids the binary's file capability */
	D.unit.flags = DN_U_NNP;
	D.unit.exe_privileged = true;
	decide();
	CHECK_STR(D.unit_directive, "NoNewPrivileges");
	CHECK_STR(D.unit_dropin, "[Service]\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n");
	/* a unit without User= whose process dropped privileges itself: not the unit */
	setup("bind", EP_EACCES, EP_CAUSE_CAPABILITY);
	D.capability = 10;
	D.proc.euid = 65534;
	decide();
	CHECK_STR(D.unit_directive, "");
}

TEST(unitmap_cgroup_and_mounts)
{
	setup("sendto", EP_EPERM, EP_CAUSE_UNKNOWN);
	D.unit.n_ipdeny = 1;
	snprintf(D.unit.lit[DN_UL_IPDENY], DN_U_LIT_LEN, "any");
	snprintf(D.peer_addr, sizeof(D.peer_addr), "127.0.0.1");
	decide();
	CHECK(D.cause == EP_CAUSE_CGROUP);
	CHECK_STR(D.unit_directive, "IPAddressDeny");
	CHECK_STR(D.unit_directive_value, "any");
	CHECK_STR(D.unit_dropin, "[Service]\nIPAddressAllow=127.0.0.1\n");

	dev_setup("/dev/nvme0n1", "b 259:0 r", "closed");
	decide();
	CHECK_STR(D.unit_directive, "DevicePolicy");
	CHECK_STR(D.unit_dropin, "[Service]\nDeviceAllow=/dev/nvme0n1 r\n");

	setup("openat", EP_EACCES, EP_CAUSE_DAC);
	snprintf(D.path, sizeof(D.path), "/srv/secret/data");
	D.unit.n_inacc = 2;
	snprintf(D.unit.inacc[0], sizeof(D.unit.inacc[0]), "/var/private");
	snprintf(D.unit.inacc[1], sizeof(D.unit.inacc[1]), "/srv/secret");
	decide();
	CHECK_STR(D.unit_directive, "InaccessiblePaths");
	CHECK_STR(D.unit_dropin,
		  "[Service]\nInaccessiblePaths=\nInaccessiblePaths=-/var/private\n");
	CHECK(!strstr(D.fix, "setfacl"));
	/* ProtectHome=yes, a read */
	setup("openat", EP_EACCES, EP_CAUSE_DAC);
	snprintf(D.path, sizeof(D.path), "/home/alice/notes");
	snprintf(D.unit.protect_home, sizeof(D.unit.protect_home), "yes");
	decide();
	CHECK_STR(D.unit_directive, "ProtectHome");
	CHECK_STR(D.unit_dropin, "[Service]\nProtectHome=read-only\n");
	/* not under a hidden path: the unit did not do it */
	snprintf(D.path, sizeof(D.path), "/srv/other");
	decide();
	CHECK_STR(D.unit_directive, "");
}

TEST(unitmap_needs_the_manager)
{
	setup("mount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	scf_add("mount");
	D.unit.valid = false; /* no bus: as before */
	decide();
	CHECK_STR(D.unit_directive, "");
	CHECK_CONTAINS(D.diagnosis, "seccomp filter");
}

TEST(unitmap_erofs_views)
{
	static const struct {
		const char *path, *psys, *phome;
		const char *ro;
		uint32_t flags;
		const char *dir, *val;
	} t[] = {
	    {"/var/lib/app/state", "strict", "", NULL, 0, "ProtectSystem", "strict"},
	    {"/etc/app.conf", "full", "", NULL, 0, "ProtectSystem", "full"},
	    {"/etc/app.conf", "yes", "", NULL, 0, "", ""}, /* yes leaves /etc writable */
	    {"/usr/lib/x", "yes", "", NULL, 0, "ProtectSystem", "yes"},
	    {"/srv/ro/file", "", "", "/srv/ro", 0, "ReadOnlyPaths", "/srv/ro"},
	    {"/home/alice/x", "", "read-only", NULL, 0, "ProtectHome", "read-only"},
	    {"/proc/sys/kernel/x", "strict", "", NULL, DN_U_TUNABLES, "ProtectKernelTunables",
	     "yes"},
	    {"/sys/fs/cgroup/x", "", "", NULL, DN_U_CGROUPS, "ProtectControlGroups", "yes"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		setup("openat", 30, EP_CAUSE_MOUNT); /* EROFS */
		D.rofs.kind = DN_RO_MOUNT;
		snprintf(D.path, sizeof(D.path), "%s", t[i].path);
		snprintf(D.rofs.dir, sizeof(D.rofs.dir), "%s", t[i].path);
		*strrchr(D.rofs.dir, '/') = '\0';
		snprintf(D.unit.protect_system, sizeof(D.unit.protect_system), "%s", t[i].psys);
		snprintf(D.unit.protect_home, sizeof(D.unit.protect_home), "%s", t[i].phome);
		if (t[i].ro) {
			D.unit.n_ro = 1;
			snprintf(D.unit.ro[0], sizeof(D.unit.ro[0]), "%s", t[i].ro);
		}
		D.unit.flags = t[i].flags;
		unitmap_attribute(&D);
		CHECK_STR(D.unit_directive, t[i].dir);
		CHECK_STR(D.unit_directive_value, t[i].val);
		if (t[i].dir[0] && strcmp(t[i].dir, "ReadOnlyPaths")) {
			char want[200];

			snprintf(want, sizeof(want), "[Service]\nReadWritePaths=%.100s\n",
				 D.rofs.dir);
			CHECK_STR(D.unit_dropin, want);
		}
	}
	/* ReadWritePaths= does not beat ReadOnlyPaths= on the same path: the entry goes */
	setup("openat", 30, EP_CAUSE_MOUNT);
	D.rofs.kind = DN_RO_MOUNT;
	snprintf(D.path, sizeof(D.path), "/srv/ro/f");
	snprintf(D.rofs.dir, sizeof(D.rofs.dir), "/srv/ro");
	D.unit.n_ro = 2;
	snprintf(D.unit.ro[0], sizeof(D.unit.ro[0]), "/srv/ro");
	snprintf(D.unit.ro[1], sizeof(D.unit.ro[1]), "/opt/x");
	unitmap_attribute(&D);
	CHECK_STR(D.unit_dropin, "[Service]\nReadOnlyPaths=\nReadOnlyPaths=-/opt/x\n");
	CHECK(!unitmap_rofs_words(&D)); /* unitmap says the words then */
	/* below the entry it does */
	snprintf(D.path, sizeof(D.path), "/srv/ro/sub/f");
	snprintf(D.rofs.dir, sizeof(D.rofs.dir), "/srv/ro/sub");
	unitmap_attribute(&D);
	CHECK_STR(D.unit_dropin, "[Service]\nReadWritePaths=/srv/ro/sub\n");
	CHECK(unitmap_rofs_words(&D));
	/* a read-only filesystem (SB_RDONLY) is not the unit's doing */
	setup("openat", 30, EP_CAUSE_MOUNT);
	D.rofs.kind = DN_RO_FILESYSTEM;
	snprintf(D.path, sizeof(D.path), "/var/lib/x");
	snprintf(D.unit.protect_system, sizeof(D.unit.protect_system), "strict");
	unitmap_attribute(&D);
	CHECK_STR(D.unit_directive, "");
}

TEST(unitmap_devices)
{
	/* DevicePolicy=strict with a DeviceAllow= list the operator wrote: the list is named */
	dev_setup("/dev/nvme0n1", "b 259:0 r", "strict");
	snprintf(D.unit.lit[DN_UL_DEVALLOW], DN_U_LIT_LEN, "/dev/null rw");
	decide();
	CHECK_STR(D.unit_directive, "DeviceAllow");
	CHECK_STR(D.unit_directive_value, "/dev/null rw");
	CHECK_STR(D.unit_dropin, "[Service]\nDeviceAllow=/dev/nvme0n1 r\n");
	/* PrivateDevices=yes, a node outside /dev: DeviceAllow= takes only /dev paths, so the
	 * device by its numbers; a write asks for w */
	dev_setup("/srv/dev/disk", "b 259:1 rw", "auto");
	D.unit.flags = DN_U_PRIVATE_DEVICES;
	decide();
	CHECK_STR(D.unit_directive, "PrivateDevices");
	CHECK_STR(D.unit_directive_value, "yes");
	CHECK_STR(D.unit_dropin, "[Service]\nDeviceAllow=/dev/block/259:1 rw\n");
	CHECK(!strstr(D.fix, "PrivateDevices=no"));
	snprintf(D.rule, sizeof(D.rule), "c 10:200 r");
	snprintf(D.path, sizeof(D.path), "/dev/../srv/tun");
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nDeviceAllow=/dev/char/10:200 r\n");
	/* no numbers in the record: no drop-in line, the words say what to add */
	D.rule[0] = '\0';
	snprintf(D.path, sizeof(D.path), "/srv/dev/disk");
	decide();
	CHECK_STR(D.unit_dropin, "");
	CHECK_CONTAINS(D.fix, "DeviceAllow=/dev/block/MAJOR:MINOR");
}

TEST(unitmap_nnp_binary_read_later)
{
	setup("fchownat", EP_EPERM, EP_CAUSE_CAPABILITY);
	D.capability = 0; /* CAP_CHOWN */
	D.proc.euid = 65534;
	snprintf(D.unit.user, sizeof(D.unit.user), "nobody");
	D.unit.flags = DN_U_NNP;
	D.unit.exe_privileged = true;
	D.unit.exe_later = true;
	decide();
	CHECK_STR(D.unit_directive, "NoNewPrivileges");
	CHECK_STR(D.unit_dropin, "[Service]\nAmbientCapabilities=CAP_CHOWN\n");
	CHECK(!strstr(D.fix, "NoNewPrivileges=no"));
	CHECK_CONTAINS(D.evidence[D.n_evidence - 1], "read later");
}

/* a manager without the BPF framework accepts SocketBindDeny=/RestrictFileSystems= and
 * ignores them: never named then */
TEST(unitmap_unenforced_by_the_manager)
{
	setup("bind", EP_EPERM, EP_CAUSE_UNKNOWN);
	D.unit.n_bdeny = 1;
	snprintf(D.unit.lit[DN_UL_BINDDENY], DN_U_LIT_LEN, "any");
	D.bind_port = 8080;
	decide();
	CHECK_STR(D.unit_directive, "SocketBindDeny");
	CHECK_STR(D.unit_dropin, "[Service]\nSocketBindAllow=8080\n");
	setup("bind", EP_EPERM, EP_CAUSE_UNKNOWN);
	D.unit.n_bdeny = 1;
	D.bind_port = 8080;
	D.unit.flags = DN_U_NO_BPF_FW;
	decide();
	CHECK_STR(D.unit_directive, "");
	CHECK(D.cause == EP_CAUSE_UNKNOWN);
	CHECK_CONTAINS(D.evidence[D.n_evidence - 1], "does not enforce");
}

static void rfs_setup(const char *list, bool allow, unsigned long long magic, enum ep_cause c)
{
	setup("openat", EP_EPERM, c);
	snprintf(D.path, sizeof(D.path), "/proc/version");
	D.ev.facts |= EP_FACT_OBJ;
	D.ev.obj.fs_magic = magic;
	D.unit.flags = DN_U_RFS_SET | (allow ? DN_U_RFS_ALLOW : 0);
	snprintf(D.unit.rfs, sizeof(D.unit.rfs), "%s", list);
}

TEST(unitmap_restrict_filesystems)
{
	/* allow-list without proc: an open on procfs, the BPF LSM named by full mode */
	rfs_setup("ext4 tmpfs devtmpfs", true, 0x9fa0, EP_CAUSE_LSM);
	D.lsm = EP_LSM_BPF;
	snprintf(D.unit.lit[DN_UL_RFS], DN_U_LIT_LEN, "ext4 tmpfs");
	decide();
	CHECK_STR(D.unit_directive, "RestrictFileSystems");
	CHECK_STR(D.unit_directive_value, "ext4 tmpfs");
	CHECK_STR(D.unit_dropin, "[Service]\nRestrictFileSystems=proc\n");
	/* tracepoint mode: no hook evidence, the cause was unknown; now the BPF LSM */
	rfs_setup("ext4 tmpfs", true, 0x9fa0, EP_CAUSE_UNKNOWN);
	decide();
	CHECK_STR(D.unit_directive, "RestrictFileSystems");
	CHECK(D.cause == EP_CAUSE_LSM && D.lsm == EP_LSM_BPF);
	/* the magic is allowed by another name of it (ext2 for ext4's): not this directive */
	rfs_setup("ext2 tmpfs", true, 0xef53, EP_CAUSE_UNKNOWN);
	decide();
	CHECK_STR(D.unit_directive, "");
	/* deny-list: every denied name of the magic goes */
	rfs_setup("ext3 ext4 xfs", false, 0xef53, EP_CAUSE_UNKNOWN);
	decide();
	CHECK_STR(D.unit_directive, "RestrictFileSystems");
	CHECK_STR(D.unit_dropin, "[Service]\nRestrictFileSystems=ext4 ext3\n");
	/* another LSM decided it (AppArmor): not the unit's BPF program */
	rfs_setup("ext4", true, 0x9fa0, EP_CAUSE_LSM);
	D.lsm = EP_LSM_APPARMOR;
	decide();
	CHECK_STR(D.unit_directive, "");
	/* a list longer than the record holds: a name not seen may be in the rest */
	rfs_setup("ext4", true, 0x9fa0, EP_CAUSE_UNKNOWN);
	D.unit.flags |= DN_U_RFS_TRUNC;
	decide();
	CHECK_STR(D.unit_directive, "");
	/* an unknown magic: not named */
	rfs_setup("ext4", true, 0x12345678, EP_CAUSE_UNKNOWN);
	decide();
	CHECK_STR(D.unit_directive, "");
	/* a manager without the BPF framework, a kernel without the BPF LSM: never named */
	rfs_setup("ext4", true, 0x9fa0, EP_CAUSE_UNKNOWN);
	D.unit.flags |= DN_U_NO_BPF_FW;
	decide();
	CHECK_STR(D.unit_directive, "");
	CHECK(D.cause == EP_CAUSE_UNKNOWN);
	rfs_setup("ext4", true, 0x9fa0, EP_CAUSE_UNKNOWN);
	D.unit.flags |= DN_U_NO_BPF_LSM;
	decide();
	CHECK_STR(D.unit_directive, "");
	CHECK_CONTAINS(D.evidence[D.n_evidence - 1], "without the BPF LSM");
}

/* EROFS of a unit's process that is gone: the unit from the kernel's cgroup id (the inode of
 * its cgroup directory), then ProtectSystem= named and the drop-in for the one directory. The
 * answer stays once the cgroup is removed (ids are never reused). */
TEST(unitmap_erofs_gone_process)
{
	char root[] = "/tmp/epermd-cg.XXXXXX", dir[128];
	struct unitprops *up = NULL;
	struct stat st;

	CHECK(mkdtemp(root) != NULL);
	snprintf(dir, sizeof(dir), "%s/system.slice", root);
	CHECK(mkdir(dir, 0755) == 0);
	snprintf(dir, sizeof(dir), "%s/system.slice/app.service", root);
	CHECK(mkdir(dir, 0755) == 0 && stat(dir, &st) == 0);
	CHECK(unitprops_new(&up) == 0);
	unitprops_set_cgroot(up, root);
	for (int round = 0; round < 2; round++) {
		setup("openat", 30, EP_CAUSE_UNKNOWN);
		D.proc.unit[0] = '\0';
		D.proc.valid = false; /* gone from /proc */
		D.ev.args[2] = O_WRONLY | O_CREAT;
		snprintf(D.path, sizeof(D.path), "/var/lib/app/state.db");
		D.ev.cgroup_id = (uint64_t)st.st_ino;
		D.ev.mntns_ino = 4026532178u;
		D.host_mntns = 4026531832u;
		D.ev.facts |= EP_FACT_MNT;
		D.ev.mnt.mnt_flags = EP_MNT_RDONLY;
		snprintf(D.ev.mnt.path, sizeof(D.ev.mnt.path), "/");
		unitprops_fill(up, &D);
		CHECK_STR(D.proc.unit, "app.service");
		/* what the manager answers for it (no bus here) */
		D.unit.valid = true;
		D.unit.err = 0;
		snprintf(D.unit.protect_system, sizeof(D.unit.protect_system), "strict");
		cause_decide(&D);
		diagnose_denial(&D);
		CHECK(D.cause == EP_CAUSE_MOUNT);
		CHECK_STR(D.unit_directive, "ProtectSystem");
		CHECK_STR(D.unit_directive_value, "strict");
		CHECK_STR(D.unit_dropin, "[Service]\nReadWritePaths=/var/lib/app\n");
		CHECK_CONTAINS(D.fix, "systemctl edit 'app.service'");
		CHECK_CONTAINS(D.diagnosis, "ProtectSystem=strict");
		rmdir(dir); /* the unit stopped: its cgroup is gone, the cache keeps the answer */
	}
	unitprops_free(up);
	snprintf(dir, sizeof(dir), "%s/system.slice", root);
	rmdir(dir);
	rmdir(root);
}

/* a yes/no protection's only relax is =no: the words say it turns off just that one */
TEST(unitmap_boolean_relax_said)
{
	setup("clock_settime", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_CLOCK;
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nProtectClock=no\n");
	CHECK_CONTAINS(D.fix, "ProtectClock= has no finer setting");
	/* a list directive's line adds one value: no such words */
	setup("mount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	scf_add("mount");
	decide();
	CHECK(!strstr(D.fix, "no finer setting"));
}

/* The words say the directives attribute decided, no others: a connect() to a socket path in a
 * unit with PrivateDevices= and IPAddressDeny= is IPAddressDeny='s (the cause it made cgroup),
 * and the device policy, which a cgroup cause with a path would also have matched, is not
 * named (the words once collected the directives again, after the cause had changed). */
TEST(unitmap_words_are_the_verdict)
{
	setup("connect", EP_EPERM, EP_CAUSE_UNKNOWN);
	snprintf(D.path, sizeof(D.path), "/run/app/api.sock");
	D.unit.flags = DN_U_PRIVATE_DEVICES;
	D.unit.n_ipdeny = 1;
	snprintf(D.unit.lit[DN_UL_IPDENY], DN_U_LIT_LEN, "any");
	snprintf(D.peer_addr, sizeof(D.peer_addr), "10.0.0.1");
	decide();
	CHECK(D.cause == EP_CAUSE_CGROUP);
	CHECK_STR(D.unit_directive, "IPAddressDeny");
	CHECK(D.n_unit_match == 1);
	CHECK_CONTAINS(D.diagnosis, "it sets IPAddressDeny=any (no IPAddressAllow= entry lets "
				    "packets to 10.0.0.1 out, enforced by a cgroup BPF program)");
	CHECK(!strstr(D.diagnosis, "PrivateDevices"));
	CHECK_STR(D.unit_dropin, "[Service]\nIPAddressAllow=10.0.0.1\n");
}

/* systemd 254+ on a 6.3+ kernel: MemoryDenyWriteExecute= is the kernel's MDWE (prctl
 * PR_SET_MDWE), not a seccomp filter: EACCES from mmap/mprotect, no hook, cause unknown */
TEST(unitmap_mdwe_by_prctl)
{
	setup("mmap", EP_EACCES, EP_CAUSE_UNKNOWN);
	D.ev.args[2] = 7; /* PROT_READ|PROT_WRITE|PROT_EXEC */
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "MemoryDenyWriteExecute");
	CHECK_STR(D.unit_directive_value, "yes");
	CHECK_STR(D.unit_dropin, "[Service]\nMemoryDenyWriteExecute=no\n");
	CHECK(D.cause == EP_CAUSE_UNKNOWN); /* neither a filter nor a cgroup program */
	CHECK_CONTAINS(D.diagnosis, "PR_SET_MDWE");
	CHECK(!strstr(D.diagnosis, "seccomp"));
	CHECK_CONTAINS(D.fix, "turn off its JIT");
	/* mprotect adding PROT_EXEC */
	setup("mprotect", EP_EACCES, EP_CAUSE_UNKNOWN);
	D.ev.args[2] = 5;
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "MemoryDenyWriteExecute");
	/* what MDWE lets through, a unit without it, another cause: not this directive */
	setup("mmap", EP_EACCES, EP_CAUSE_UNKNOWN);
	D.ev.args[2] = 5; /* not writable */
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "");
	setup("mmap", EP_EACCES, EP_CAUSE_UNKNOWN);
	D.ev.args[2] = 7;
	decide();
	CHECK_STR(D.unit_directive, "");
	setup("mmap", EP_EACCES, EP_CAUSE_LSM); /* e.g. SELinux execmem */
	D.ev.args[2] = 7;
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "");
	/* EPERM with no cause is not the kernel's MDWE (which says EACCES) */
	setup("mmap", EP_EPERM, EP_CAUSE_UNKNOWN);
	D.ev.args[2] = 7;
	D.unit.flags = DN_U_MDWE;
	decide();
	CHECK_STR(D.unit_directive, "");
}

/* mount(8) of util-linux 2.39+ mounts with the new mount API: a filter that refuses fsopen
 * refuses fsconfig, fsmount, move_mount ... too, so the drop-in names each one it refuses */
TEST(unitmap_scf_new_mount_api)
{
	static const char *const at_mount[] = {
	    "chroot",	     "fsconfig",   "fsmount",	"fsopen",     "fspick",	 "mount",
	    "mount_setattr", "move_mount", "open_tree", "pivot_root", "umount2", NULL};

	setup("fsopen", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	for (int i = 0; at_mount[i]; i++)
		scf_add(at_mount[i]);
	snprintf(D.unit.lit[DN_UL_SCF], DN_U_LIT_LEN, "~@mount");
	decide();
	CHECK_STR(D.unit_directive, "SystemCallFilter");
	CHECK_STR(D.unit_directive_value, "~@mount");
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=fsopen fsconfig fsmount move_mount "
				 "open_tree mount_setattr\n");
	CHECK_CONTAINS(D.evidence[0], "fsopen is in @mount");
	CHECK_CONTAINS(D.fix, "`SystemCallFilter=fsopen fsconfig fsmount move_mount open_tree "
			      "mount_setattr`");
	/* an allow-list that already has some of them: only the missing ones */
	setup("fsmount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET | DN_U_SCF_ALLOW;
	scf_add("fsopen");
	scf_add("fsconfig");
	scf_add("open_tree");
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=fsmount move_mount mount_setattr\n");
	/* a remount's fspick only when it is what failed */
	setup("fspick", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	scf_add("fspick");
	scf_add("fsconfig");
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=fsconfig fspick\n");
	/* the classic mount(2) stays one call */
	setup("mount", EP_EPERM, EP_CAUSE_SECCOMP);
	D.unit.flags = DN_U_SCF_SET;
	for (int i = 0; at_mount[i]; i++)
		scf_add(at_mount[i]);
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nSystemCallFilter=mount\n");
}

/* systemd-executor (Debian 13's 257) opens /dev/console while it sets a unit up under a closed
 * device policy: the directive is named, but no DeviceAllow= for a device the unit's command
 * never asked for; the kernel's record names the executor even when /proc already shows the
 * command */
TEST(unitmap_executor_not_the_command)
{
	static const char *const comps[] = {"systemd-executor", "systemd", "lib", "usr"};

	for (int pdev = 0; pdev < 2; pdev++) {
		dev_setup("/dev/console", "c 5:1 w", pdev ? "auto" : "closed");
		D.unit.flags = pdev ? DN_U_PRIVATE_DEVICES : 0;
		snprintf(D.proc.exe, sizeof(D.proc.exe), "/usr/lib/systemd/systemd-executor");
		D.ev.facts |= EP_FACT_EXE;
		D.ev.exe_depth = 4;
		for (int i = 0; i < 4; i++)
			snprintf(D.ev.exe_comp[i], EP_EXE_COMP_LEN, "%s", comps[i]);
		decide();
		CHECK_STR(D.unit_directive, pdev ? "PrivateDevices" : "DevicePolicy");
		CHECK_STR(D.unit_dropin, "");
		CHECK_CONTAINS(D.fix, "systemd-executor");
		CHECK(!strstr(D.fix, "DeviceAllow="));
		CHECK_CONTAINS(D.evidence[D.n_evidence - 1],
			       "systemd-executor, not the unit's command");
	}
	/* the unit's command opening a device: its drop-in as before */
	dev_setup("/dev/nvme0n1", "b 259:0 r", "closed");
	snprintf(D.proc.exe, sizeof(D.proc.exe), "/usr/bin/head");
	D.ev.facts |= EP_FACT_EXE;
	D.ev.exe_depth = 3;
	snprintf(D.ev.exe_comp[0], EP_EXE_COMP_LEN, "head");
	decide();
	CHECK_STR(D.unit_dropin, "[Service]\nDeviceAllow=/dev/nvme0n1 r\n");
}

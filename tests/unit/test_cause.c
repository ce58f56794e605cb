// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Golden cause tests: each case is a denial built from evidence as the kernel records it
 * (values from the probe runs in the kernel map), decided by cause_decide(). The builders are
 * shared with test_diagnose.c through golden_build(). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/ptrace.h>

#include "unit.h"
#include "cause.h"
#include "enrich.h"
#include "fanotify.h"

#define HK(h) (1ull << (h))
#define NOV   (~0ull)

/* exported to test_diagnose.c */
int golden_count(void);
const char *golden_build(int i, struct denial *d);
int golden_listener(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later);

static void base(struct denial *d, const char *comm, int nr, int err, unsigned uid)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->ev.comm, sizeof(d->ev.comm), "%s", comm);
	d->ev.syscall_nr = nr;
	d->ev.ret = -err;
	d->ev.pid = d->ev.tid = 812;
	d->ev.uid = d->ev.euid = d->ev.fsuid = uid;
	d->ev.gid = d->ev.egid = uid;
	d->hooks_active = HK(EP_HK_SYS_EXIT) | HK(EP_HK_TP_CAP_CAPABLE);
	d->proc.valid = true;
	d->proc.ruid = d->proc.euid = d->proc.suid = d->proc.fsuid = uid;
	d->proc.rgid = d->proc.egid = d->proc.sgid = d->proc.fsgid = uid;
	d->proc.cap_eff = uid == 0 ? 0x1ffffffffffull : 0;
	d->proc.seccomp_mode = 0;
	d->proc.no_new_privs = 0;
	d->capability = -1;
	d->lsm = -1;
}

static struct ep_evidence *ev(struct denial *d, int kind, int src, int ret, __u64 a0, __u64 a1,
			      __u64 a2, __u64 a3, const char *name)
{
	struct ep_evidence *e = &d->ev.ev[d->ev.n_ev++];

	e->kind = kind;
	e->src = src;
	e->ret = ret;
	e->a[0] = a0, e->a[1] = a1, e->a[2] = a2, e->a[3] = a3;
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	return e;
}

static void path(struct denial *d, const char *p)
{
	snprintf(d->path, sizeof(d->path), "%s", p);
	snprintf(d->ev.path, sizeof(d->ev.path), "%s", p);
	d->ev.path_len = (__u16)strlen(p);
}

static void file(struct denial *d, mode_t mode, uid_t uid, gid_t gid)
{
	d->file.valid = true;
	d->file.flags_valid = true;
	d->file.mode = mode;
	d->file.uid = uid;
	d->file.gid = gid;
	d->file.parent_valid = true;
	d->file.parent_mode = S_IFDIR | 0755;
	snprintf(d->file.mount_point, sizeof(d->file.mount_point), "/");
}

static void sysctl(struct denial *d, const char *n, const char *v)
{
	snprintf(d->sysctl[d->n_sysctl].name, sizeof(d->sysctl[0].name), "%s", n);
	snprintf(d->sysctl[d->n_sysctl].value, sizeof(d->sysctl[0].value), "%s", v);
	d->n_sysctl++;
}

/* ---- the cases ------------------------------------------------------------------------------ */

static void g_cap_kill(struct denial *d)
{
	base(d, "dnact", SYS_kill, EP_EPERM, 65534);
	d->ev.args[0] = 1;
	snprintf(d->target, sizeof(d->target), "pid 1 (systemd)");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 5, NOV, NOV, NOV, NULL);
}

static void g_cap_bind(struct denial *d)
{
	base(d, "nginx", SYS_bind, EP_EACCES, 33);
	snprintf(d->target, sizeof(d->target), "127.0.0.1:80");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/usr/sbin/nginx");
	sysctl(d, "net.ipv4.ip_unprivileged_port_start", "1024");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 10, NOV, NOV, NOV, NULL);
}

static void g_cap_bind_unit(struct denial *d)
{
	g_cap_bind(d);
	snprintf(d->proc.unit, sizeof(d->proc.unit), "nginx.service");
}

static void g_cap_bind_docker(struct denial *d)
{
	g_cap_bind(d);
	snprintf(d->proc.container, sizeof(d->proc.container), "docker:0123456789ab");
	snprintf(d->proc.container_runtime, sizeof(d->proc.container_runtime), "docker");
}

static void g_cap_setuid(struct denial *d)
{
	base(d, "dnact", SYS_setuid, EP_EPERM, 65534);
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, -1, 21, 0, 0, 0, NULL); /* vm_enough_memory noise */
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, -1, 7, 4, 0, 0, NULL);
}

static void g_cap_chown(struct denial *d)
{
	base(d, "dnact", SYS_chown, EP_EPERM, 65534);
	path(d, "/tmp/rootfile");
	file(d, S_IFREG | 0644, 0, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 0, NOV, NOV, NOV, NULL);
}

static void g_dac_caps(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EACCES, 65534);
	d->ev.args[2] = O_RDONLY;
	path(d, "/root/secret");
	file(d, S_IFREG | 0600, 0, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 2, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 1, NOV, NOV, NOV, NULL);
}

static void g_dac_fexit(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EACCES, 65534);
	d->hooks_active |= HK(EP_HK_GENERIC_PERMISSION) | HK(EP_HK_CAP_CAPABLE);
	d->ev.args[2] = O_RDONLY;
	path(d, "/root/secret");
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, -1, 2, 0, 0, 0, NULL);
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, -1, 1, 0, 0, 0, NULL);
	ev(d, EP_EV_DAC, EP_HK_GENERIC_PERMISSION, -13, 36, 0100600, 0, 0, "secret");
}

static void g_dac_userspace(struct denial *d)
{
	base(d, "app", SYS_openat, EP_EACCES, 1000);
	d->hooks_active = HK(EP_HK_SYS_EXIT); /* 6.1/6.12 tracepoint-only: no cap tracepoint */
	d->ev.args[2] = O_WRONLY;
	path(d, "/srv/data/report.csv");
	file(d, S_IFREG | 0644, 0, 0);
}

static void g_dac_acl(struct denial *d)
{
	g_dac_userspace(d);
	d->ev.args[2] = O_RDONLY;
	d->file.mode = S_IFREG | 0640;
	d->file.has_acl = true;
	snprintf(d->file.acl_text, sizeof(d->file.acl_text), "user:1000:---,mask::r--");
}

static void g_dac_parent(struct denial *d)
{
	base(d, "app", SYS_unlink, EP_EACCES, 1000);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	path(d, "/var/lib/app/it's here");
	file(d, S_IFREG | 0644, 1000, 1000);
	d->file.parent_mode = S_IFDIR | 0755;
}

static void g_seccomp(struct denial *d)
{
	base(d, "dnseccomp", SYS_mkdir, EP_EPERM, 0);
	path(d, "/tmp/x");
	d->ev.flags = EP_F_NO_ENTER | EP_F_SECCOMP_TASK;
	d->proc.seccomp_mode = 2;
	d->proc.seccomp_filters = 1;
	d->proc.no_new_privs = 1;
	snprintf(d->proc.parent_comm, sizeof(d->proc.parent_comm), "bash");
	ev(d, EP_EV_SECCOMP, EP_HK_SYS_ENTER, -1, NOV, 1, 2, 0, NULL);
}

static void g_seccomp_unit(struct denial *d)
{
	g_seccomp(d);
	snprintf(d->proc.unit, sizeof(d->proc.unit), "myapp.service");
}

static void g_seccomp_docker(struct denial *d)
{
	g_seccomp(d);
	snprintf(d->proc.container, sizeof(d->proc.container), "docker:0123456789ab");
}

static void g_seccomp_fexit(struct denial *d)
{
	g_seccomp(d);
	d->ev.n_ev = 0;
	d->ev.flags = 0;
	d->proc.valid = false;
	ev(d, EP_EV_SECCOMP, EP_HK_SECCOMP_FILTER, -1, NOV, 1, 2, 0, NULL);
}

static void g_immutable_unlink(struct denial *d)
{
	base(d, "rm", SYS_unlinkat, EP_EPERM, 0);
	path(d, "/etc/resolv.conf");
	file(d, S_IFREG | 0644, 0, 0);
	d->file.immutable = true;
}

static void g_immutable_ev(struct denial *d)
{
	base(d, "rm", SYS_unlink, EP_EPERM, 0);
	path(d, "/var/log/app");
	ev(d, EP_EV_INODE_FLAGS, EP_HK_MAY_DELETE, -1, 0x1004, 0, 0, 0, "app");
}

static void g_append_trunc(struct denial *d)
{
	base(d, "logrotate", SYS_openat, EP_EPERM, 0);
	d->ev.args[2] = O_WRONLY | O_TRUNC;
	path(d, "/var/log/audit.log");
	file(d, S_IFREG | 0600, 0, 0);
	d->file.append_only = true;
}

static void g_noexec(struct denial *d)
{
	base(d, "bash", SYS_execve, EP_EACCES, 1000);
	path(d, "/tmp/build/tool");
	file(d, S_IFREG | 0755, 1000, 1000);
	d->file.mnt_noexec = true;
	snprintf(d->file.mount_point, sizeof(d->file.mount_point), "/tmp");
}

static void g_noexec_mmap(struct denial *d)
{
	base(d, "dnact", SYS_mmap, EP_EPERM, 1000);
	d->ev.args[2] = PROT_READ | PROT_EXEC;
	path(d, "/mnt/data/lib.so");
	d->path_from_fd = true;
	file(d, S_IFREG | 0755, 1000, 1000);
	d->file.mnt_noexec = true;
	snprintf(d->file.mount_point, sizeof(d->file.mount_point), "/mnt/data");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 21, NOV, NOV, NOV, NULL);
}

/* EROFS: a read-only mount the kernel named at the denial (EP_FACT_MNT) */
static void g_rofs(struct denial *d, const char *p, const char *mp, __u32 mnt_flags, __u32 sb_flags)
{
	base(d, "app", SYS_openat, EP_EROFS, 998);
	d->ev.args[2] = O_WRONLY | O_CREAT;
	path(d, p);
	d->ev.mntns_ino = 4026532178u;
	d->host_mntns = 4026531832u;
	d->ev.facts |= EP_FACT_MNT;
	d->ev.mnt.mnt_id = 70;
	d->ev.mnt.mnt_flags = mnt_flags;
	d->ev.mnt.sb_flags = sb_flags;
	snprintf(d->ev.mnt.path, sizeof(d->ev.mnt.path), "%s", mp);
}

static void g_rofs_unit(struct denial *d)
{
	g_rofs(d, "/var/lib/app/state.db", "/var/lib/app", EP_MNT_RDONLY, 0);
	snprintf(d->proc.unit, sizeof(d->proc.unit), "app.service");
}

static void g_rofs_docker_root(struct denial *d)
{
	g_rofs(d, "/srv/cache/x", "/", EP_MNT_RDONLY, 0);
	snprintf(d->proc.container, sizeof(d->proc.container), "docker:0123456789ab");
	snprintf(d->proc.container_runtime, sizeof(d->proc.container_runtime), "docker");
}

static void g_rofs_sandbox(struct denial *d)
{
	g_rofs(d, "/home/u/.cache/new", "/home/u", EP_MNT_RDONLY | EP_MNT_LOCK_READONLY, 0);
}

static void g_rofs_host(struct denial *d)
{
	g_rofs(d, "/srv/data/f", "/srv/data", EP_MNT_RDONLY, 0);
	d->ev.mntns_ino = d->host_mntns;
}

static void g_rofs_squashfs(struct denial *d)
{
	g_rofs(d, "/snap/core/1/etc/x", "/snap/core/1", EP_MNT_RDONLY, EP_SB_RDONLY);
	d->ev.facts |= EP_FACT_BASE | EP_FACT_PARENT;
	d->ev.base.fs_magic = 0x73717368;
}

static void g_rofs_fs(struct denial *d)
{
	g_rofs(d, "/data/f", "/data", EP_MNT_RDONLY, EP_SB_RDONLY);
	d->ev.mntns_ino = d->host_mntns;
}

static void g_rofs_writable(struct denial *d)
{
	g_rofs(d, "/data/f", "/data", 0, 0);
}

static void g_rofs_later(struct denial *d)
{
	g_rofs(d, "/etc/app.conf", "", 0, 0);
	d->ev.facts &= ~EP_FACT_MNT;
	file(d, S_IFREG | 0644, 0, 0);
	snprintf(d->file.mount_point, sizeof(d->file.mount_point), "/etc");
	d->file.mnt_ro = true;
	d->facts_later |= DN_FACT_MOUNT;
	snprintf(d->proc.unit, sizeof(d->proc.unit), "app.service");
}

static void g_noexec_ev(struct denial *d)
{
	base(d, "dnact", SYS_execve, EP_EACCES, 0);
	path(d, "/mnt/dnact");
	ev(d, EP_EV_MOUNT, EP_HK_PATH_NOEXEC, 1, 36, 1, 0, 0, "dnact");
}

static void g_userns(struct denial *d)
{
	base(d, "unshare", SYS_sethostname, EP_EPERM, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 21, NOV, 0, 1, NULL);
}

static void g_fanotify_ev(struct denial *d)
{
	base(d, "bash", SYS_execve, EP_EPERM, 0);
	path(d, "/opt/app/bin/worker");
	file(d, S_IFREG | 0755, 0, 0);
	d->hooks_active |= HK(EP_HK_FSNOTIFY);
	ev(d, EP_EV_FANOTIFY, EP_HK_FSNOTIFY, -1, 0x40000, 812, 0, 0, "fapolicyd");
}

int golden_listener(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later)
{
	(void)ctx, (void)at_ns;
	*later = true;
	return snprintf(buf, n, "fapolicyd[812]");
}

static void g_fanotify_tp(struct denial *d)
{
	base(d, "app", SYS_openat, EP_EPERM, 1000);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	d->ev.args[2] = O_RDONLY;
	path(d, "/tmp/dl/payload.sh");
	file(d, S_IFREG | 0755, 1000, 1000);
	d->file.parent_mode = S_IFDIR | 01777;
	snprintf(d->listener, sizeof(d->listener), "fapolicyd[812]"); /* found by enrichment */
}

static void g_fanotify_other(struct denial *d)
{
	g_fanotify_ev(d);
	d->ev.ev[0].a[1] = 990;
	snprintf(d->ev.ev[0].name, sizeof(d->ev.ev[0].name), "clamonacc");
}

static void g_apparmor(struct denial *d)
{
	base(d, "nginx", SYS_openat, EP_EACCES, 33);
	d->ev.args[2] = O_RDONLY;
	path(d, "/srv/www/index.html");
	file(d, S_IFREG | 0644, 0, 0);
	ev(d, EP_EV_LSM, EP_HK_APPARMOR, -13, EP_LSM_APPARMOR, EP_HK_APPARMOR, 0, 0,
	   "/usr/sbin/nginx");
}

static void g_selinux(struct denial *d)
{
	base(d, "httpd", SYS_openat, EP_EACCES, 48);
	d->ev.args[2] = O_RDONLY;
	path(d, "/srv/www/index.html");
	ev(d, EP_EV_SELINUX, EP_HK_SELINUX_AVC, -13, 301, 302, 7, 4, "httpd_t");
}

static void g_landlock(struct denial *d)
{
	base(d, "dnlandlock", SYS_openat, EP_EACCES, 0);
	d->ev.args[2] = O_RDONLY;
	path(d, "/etc/passwd");
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_SECURITY_FILE_OPEN, 0, 0,
	   "passwd");
}

/* Landlock evidence with the right (a[2] as bpf/evidence.bpf.h writes it) */
#define LL(cls, bits, missing)                                                                     \
	((unsigned long long)(cls) << EP_LL_CLASS_SHIFT | ((missing) ? EP_LL_MISSING : 0) | (bits))

static void g_landlock_write(struct denial *d)
{
	base(d, "dnlandlock", SYS_openat, EP_EACCES, 0);
	d->ev.args[2] = O_WRONLY;
	path(d, "/srv/data/log");
	/* is_access_to_paths_allowed: write_file and the optional truncate missing */
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_FS, (1u << 1) | (1u << 14), 1), 0, "log");
}

static void g_landlock_mkdir(struct denial *d)
{
	base(d, "dnlandlock", SYS_mkdir, EP_EACCES, 0);
	path(d, "/srv/data/new");
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_LANDLOCK, LL(EP_LL_FS, 0, 0),
	   0, "new");
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_FS, 1u << 7, 1), 0, "data");
}

static void g_landlock_bind(struct denial *d)
{
	base(d, "dnlandlock", SYS_bind, EP_EACCES, 0);
	snprintf(d->target, sizeof(d->target), "socket fd 3");
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_NET, 1u << 0, 1), 8080 | 2 << 16, NULL);
}

static void g_landlock_connect(struct denial *d)
{
	base(d, "dnlandlock", SYS_connect, EP_EACCES, 0);
	path(d, "socket:[1324]"); /* the fd's inode, as the kernel facts name it */
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -13, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_NET, 1u << 1, 1), 5432 | 10 << 16, NULL);
}

static void g_landlock_signal(struct denial *d)
{
	base(d, "dnlandlock", SYS_kill, EP_EPERM, 0);
	d->ev.args[0] = 4242;
	snprintf(d->target, sizeof(d->target), "pid 4242");
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -1, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_SCOPE, 1u << 1, 1), 4242, "worker");
}

static void g_landlock_unix(struct denial *d)
{
	base(d, "dnlandlock", SYS_connect, EP_EPERM, 0);
	ev(d, EP_EV_LSM, EP_HK_LANDLOCK, -1, EP_LSM_LANDLOCK, EP_HK_LANDLOCK,
	   LL(EP_LL_SCOPE, 1u << 0, 1), 77, "@bus");
}

static void g_yama_ev(struct denial *d)
{
	base(d, "gdb", SYS_ptrace, EP_EPERM, 1000);
	d->ev.args[0] = PTRACE_ATTACH;
	snprintf(d->target, sizeof(d->target), "pid 1046 (sleep)");
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, -1, 19, 0, 0, 0, NULL);
	ev(d, EP_EV_YAMA, EP_HK_YAMA, -1, 18, 1046, 1, 0, NULL);
}

static void g_yama_tp(struct denial *d)
{
	base(d, "gdb", SYS_ptrace, EP_EPERM, 1000);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	d->ev.args[0] = PTRACE_SEIZE;
	snprintf(d->target, sizeof(d->target), "pid 1046 (sleep)");
	sysctl(d, "kernel.yama.ptrace_scope", "1");
}

static void g_lockdown_ev(struct denial *d)
{
	base(d, "dnact", SYS_iopl, EP_EPERM, 0);
	snprintf(d->lockdown, sizeof(d->lockdown), "integrity");
	ev(d, EP_EV_CAP, EP_HK_CAP_CAPABLE, 0, 17, 0, 0, 0, NULL);
	ev(d, EP_EV_LOCKDOWN, EP_HK_LOCKDOWN, -1, 7, 1, 0, 0, NULL);
}

static void g_lockdown_tp(struct denial *d)
{
	base(d, "insmod", SYS_finit_module, EP_EPERM, 0);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	snprintf(d->lockdown, sizeof(d->lockdown), "integrity");
}

static void g_ping(struct denial *d)
{
	base(d, "ping", SYS_socket, EP_EACCES, 1000);
	d->ev.args[0] = AF_INET, d->ev.args[1] = SOCK_DGRAM, d->ev.args[2] = IPPROTO_ICMP;
	sysctl(d, "net.ipv4.ping_group_range", "1 0");
}

static void g_bpf(struct denial *d)
{
	base(d, "bpftool", SYS_bpf, EP_EPERM, 1000);
	sysctl(d, "kernel.unprivileged_bpf_disabled", "2");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 39, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 21, NOV, NOV, NOV, NULL);
}

static void g_hardlink(struct denial *d)
{
	base(d, "ln", SYS_linkat, EP_EPERM, 1000);
	path(d, "/tmp/shadow-copy");
	file(d, S_IFREG | 0600, 0, 0);
	sysctl(d, "fs.protected_hardlinks", "1");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 3, NOV, NOV, NOV, NULL);
}

static void g_protected_regular(struct denial *d)
{
	base(d, "app", SYS_openat, EP_EACCES, 1000);
	d->ev.args[2] = O_CREAT | O_WRONLY;
	path(d, "/tmp/app.lock");
	file(d, S_IFREG | 0666, 1001, 1001);
	d->file.parent_mode = S_IFDIR | 01777;
	d->file.parent_sticky = true;
	sysctl(d, "fs.protected_regular", "2");
}

static void g_userns_sysctl(struct denial *d)
{
	base(d, "bwrap", SYS_unshare, EP_EPERM, 1000);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	d->ev.args[0] = CLONE_NEWUSER;
	sysctl(d, "kernel.unprivileged_userns_clone", "0");
}

static void g_devcg(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EPERM, 0);
	path(d, "/dev/null");
	snprintf(d->proc.container, sizeof(d->proc.container), "docker:0123456789ab");
	snprintf(d->proc.cgroup, sizeof(d->proc.cgroup), "/system.slice/docker-0123.scope");
	ev(d, EP_EV_DEVCG, EP_HK_DEVCGROUP, -1, 2, 1, 3, 2, NULL);
	ev(d, EP_EV_FUNC, EP_HK_INODE_PERMISSION, -1, EP_HK_INODE_PERMISSION, 36, 0, 0, "null");
}

static void g_devcg_tp(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EPERM, 0);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	path(d, "/dev/fuse");
	file(d, S_IFCHR | 0666, 0, 0);
	d->file.rdev = makedev(10, 229);
	snprintf(d->proc.container, sizeof(d->proc.container), "docker:0123456789ab");
}

static void g_lsm_aggregate(struct denial *d)
{
	base(d, "mkdir", SYS_mkdir, EP_EACCES, 0);
	path(d, "/srv/ll_x");
	snprintf(d->lsms, sizeof(d->lsms), "lockdown,capability,landlock,bpf");
	ev(d, EP_EV_SECURITY, EP_HK_SECURITY_PATH, -13, EP_HK_SECURITY_PATH, 0, 0, 0, "ll_x");
}

static void g_unknown(struct denial *d)
{
	base(d, "app", SYS_openat, EP_EACCES, 1000);
	d->ev.args[2] = O_RDONLY;
	path(d, "/etc/hosts");
	file(d, S_IFREG | 0644, 0, 0);
	d->proc.no_new_privs = 1;
}

static void g_unknown_noenter(struct denial *d)
{
	base(d, "app", SYS_mkdir, EP_EPERM, 1000);
	d->ev.flags = EP_F_NO_ENTER | EP_F_FIRST_SEEN;
	path(d, "/tmp/x");
}

/* ---- real-daemon evidence (6.18 host, tracepoint-only; H3b) ---------------------------------- */

static void walk_block(struct denial *d, const char *dir, mode_t mode, int checked)
{
	d->walk.done = true;
	d->walk.blocked = true;
	d->walk.checked = checked;
	d->walk.mode = S_IFDIR | mode;
	snprintf(d->walk.dir, sizeof(d->walk.dir), "%s", dir);
}

/* setpriv --reuid=65534 ... cat /root/x, /root 0700, /root/x 0644 */
static void g_dac_walk(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EACCES, 65534);
	d->ev.args[0] = (__u64)AT_FDCWD;
	d->ev.args[2] = O_RDONLY;
	path(d, "/root/x");
	file(d, S_IFREG | 0644, 0, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 2, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 1, NOV, NOV, NOV, NULL);
	walk_block(d, "/root", 0700, 1);
}

/* the same for a name that does not exist: EACCES, not ENOENT, and nothing to stat */
static void g_dac_walk_noent(struct denial *d)
{
	g_dac_walk(d);
	path(d, "/root/nonexist");
	memset(&d->file, 0, sizeof(d->file));
	d->walk.obj_err = ENOENT;
}

/* a file under a 0700 directory, both denying: /tmp/h3b/priv 0700, f 0600 */
static void g_dac_walk_both(struct denial *d)
{
	g_dac_walk(d);
	path(d, "/tmp/h3b/priv/f");
	d->file.mode = S_IFREG | 0600;
	walk_block(d, "/tmp/h3b/priv", 0700, 3);
}

/* ls /tmp/h3b/acl/f with user:65534:--- on the directory, process gone (statx) */
static void g_dac_walk_acl(struct denial *d)
{
	base(d, "ls", SYS_statx, EP_EACCES, 65534);
	d->proc.valid = false;
	path(d, "/tmp/h3b/acl/f");
	file(d, S_IFREG | 0644, 0, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 2, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 1, NOV, NOV, NOV, NULL);
	walk_block(d, "/tmp/h3b/acl", 0755, 3);
	d->walk.groups_unknown = true;
	d->walk.has_acl = true;
	snprintf(d->walk.acl_text, sizeof(d->walk.acl_text), "user:65534:---,mask::r-x");
}

/* cat priv/f relative to a cwd that was gone with the process: nothing could be examined */
static void g_dac_nostat(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EACCES, 65534);
	d->proc.valid = false;
	d->ev.args[2] = O_RDONLY;
	path(d, "priv/f");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 2, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 1, NOV, NOV, NOV, NULL);
}

/* seccomp ERRNO(EPERM) on mkdir, the process gone before /proc was read (all zero) */
static void g_seccomp_gone(struct denial *d)
{
	base(d, "sc", SYS_mkdir, EP_EPERM, 65534);
	path(d, "/tmp/h3b/w/d1");
	memset(&d->proc, 0, sizeof(d->proc));
	d->ev.flags = EP_F_NO_ENTER | EP_F_SECCOMP_TASK;
	ev(d, EP_EV_SECCOMP, EP_HK_SYS_ENTER, -1, NOV, 1, 2, 0, NULL);
}

/* filter installed right before the call: the first exit seen on the thread */
static void g_seccomp_first(struct denial *d)
{
	base(d, "eptrigger", SYS_mkdir, EP_EPERM, 0);
	path(d, "/tmp/h3b/w/x");
	d->ev.flags = EP_F_SECCOMP_TASK | EP_F_FIRST_SEEN;
	d->proc.no_new_privs = 1;
	d->proc.seccomp_mode = 2;
}

/* sh -c 'kill -0 1' as 65534: the executable is a shell */
static void g_cap_kill_shell(struct denial *d)
{
	g_cap_kill(d);
	snprintf(d->ev.comm, sizeof(d->ev.comm), "sh");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/usr/bin/dash");
	snprintf(d->target, sizeof(d->target), "pid 1 (process_api)");
}

/* socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) as 65534 */
static void g_cap_raw(struct denial *d)
{
	base(d, "eptrigger", SYS_socket, EP_EPERM, 65534);
	d->ev.args[0] = AF_INET, d->ev.args[1] = SOCK_RAW, d->ev.args[2] = IPPROTO_ICMP;
	snprintf(d->target, sizeof(d->target), "AF_INET SOCK_RAW IPPROTO_ICMP");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/tmp/eptrigger");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 13, NOV, NOV, NOV, NULL);
}

/* bind(fd 3, port 80) as 65534: the fd resolves to "socket:[ino]" */
static void g_cap_bind_fd(struct denial *d)
{
	base(d, "eptrigger", SYS_bind, EP_EACCES, 65534);
	d->path_from_fd = true;
	snprintf(d->path, sizeof(d->path), "socket:[152659]");
	snprintf(d->target, sizeof(d->target), "socket fd 3");
	sysctl(d, "net.ipv4.ip_unprivileged_port_start", "1024");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 10, NOV, NOV, NOV, NULL);
}

/* perf_event_open as 65534, paranoid 2: CAP_PERFMON then CAP_SYS_ADMIN fail */
static void g_perf(struct denial *d)
{
	base(d, "eptrigger", SYS_perf_event_open, EP_EACCES, 65534);
	snprintf(d->target, sizeof(d->target), "pid 0 cpu -1");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/tmp/eptrigger");
	sysctl(d, "kernel.perf_event_paranoid", "2");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 38, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 21, NOV, NOV, NOV, NULL);
}

/* link as 65534 to a root-owned file: CAP_DAC_OVERRIDE then CAP_FOWNER fail */
static void g_hardlink_tp(struct denial *d)
{
	base(d, "eptrigger", SYS_link, EP_EPERM, 65534);
	path(d, "/tmp/h3b/w/rootfile");
	file(d, S_IFREG | 0644, 0, 0);
	sysctl(d, "fs.protected_hardlinks", "1");
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 1, NOV, NOV, NOV, NULL);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 3, NOV, NOV, NOV, NULL);
}

/* unshare -U sh -c 'hostname x' as 65534 */
static void g_userns_real(struct denial *d)
{
	base(d, "hostname", SYS_sethostname, EP_EPERM, 65534);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 21, NOV, 0, 1, NULL);
}

/* setpriv --bounding-set=-chown chown 65534 /tmp/own as root */
static void g_cap_chown_root(struct denial *d)
{
	base(d, "chown", SYS_fchownat, EP_EPERM, 0);
	d->proc.cap_eff &= ~1ull;
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/usr/bin/chown");
	path(d, "/tmp/own");
	file(d, S_IFREG | 0644, 0, 0);
	ev(d, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -1, 0, NOV, NOV, NOV, NULL);
}

struct golden {
	const char *name;
	void (*build)(struct denial *d);
};

/* tracepoint-only without capability events (kernels before 6.14) */
static void g_infer_kill(struct denial *d)
{
	base(d, "kill", SYS_kill, EP_EPERM, 65534);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	d->ev.args[0] = 1;
	d->target_valid = true;
	snprintf(d->target, sizeof(d->target), "pid 1 (systemd)");
	snprintf(d->proc.exe, sizeof(d->proc.exe), "/usr/bin/kill");
}

static void g_infer_userns(struct denial *d)
{
	base(d, "vmtrig", SYS_sethostname, EP_EPERM, 65534);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
	d->ev.userns_level = 1;
	d->proc.valid = false;
}

static void g_symlinks(struct denial *d)
{
	base(d, "cat", SYS_openat, EP_EACCES, 1000);
	path(d, "/tmp/link");
	file(d, S_IFREG | 0644, 1001, 1001);
	d->link_valid = true;
	d->link_uid = 1001;
	d->link_dir_mode = S_IFDIR | 01777;
	sysctl(d, "fs.protected_symlinks", "1");
}

static void g_nr_open(struct denial *d)
{
	base(d, "bash", SYS_prlimit64, EP_EPERM, 0);
	d->ev.args[1] = 7;
	sysctl(d, "fs.nr_open", "1048576");
}

static const struct golden goldens[] = {
    {"cap_kill", g_cap_kill},
    {"cap_bind", g_cap_bind},
    {"cap_bind_unit", g_cap_bind_unit},
    {"cap_bind_docker", g_cap_bind_docker},
    {"cap_setuid", g_cap_setuid},
    {"cap_chown", g_cap_chown},
    {"dac_caps", g_dac_caps},
    {"dac_fexit", g_dac_fexit},
    {"dac_userspace", g_dac_userspace},
    {"dac_acl", g_dac_acl},
    {"dac_parent", g_dac_parent},
    {"seccomp", g_seccomp},
    {"seccomp_unit", g_seccomp_unit},
    {"seccomp_docker", g_seccomp_docker},
    {"seccomp_fexit", g_seccomp_fexit},
    {"immutable_unlink", g_immutable_unlink},
    {"immutable_ev", g_immutable_ev},
    {"append_trunc", g_append_trunc},
    {"noexec", g_noexec},
    {"noexec_mmap", g_noexec_mmap},
    {"noexec_ev", g_noexec_ev},
    {"rofs_unit", g_rofs_unit},
    {"rofs_docker_root", g_rofs_docker_root},
    {"rofs_sandbox", g_rofs_sandbox},
    {"rofs_host", g_rofs_host},
    {"rofs_squashfs", g_rofs_squashfs},
    {"rofs_fs", g_rofs_fs},
    {"rofs_writable", g_rofs_writable},
    {"rofs_later", g_rofs_later},
    {"userns", g_userns},
    {"fanotify_ev", g_fanotify_ev},
    {"fanotify_tp", g_fanotify_tp},
    {"fanotify_other", g_fanotify_other},
    {"apparmor", g_apparmor},
    {"selinux", g_selinux},
    {"landlock", g_landlock},
    {"landlock_write", g_landlock_write},
    {"landlock_mkdir", g_landlock_mkdir},
    {"landlock_bind", g_landlock_bind},
    {"landlock_connect", g_landlock_connect},
    {"landlock_signal", g_landlock_signal},
    {"landlock_unix", g_landlock_unix},
    {"yama_ev", g_yama_ev},
    {"yama_tp", g_yama_tp},
    {"lockdown_ev", g_lockdown_ev},
    {"lockdown_tp", g_lockdown_tp},
    {"ping", g_ping},
    {"bpf", g_bpf},
    {"hardlink", g_hardlink},
    {"protected_regular", g_protected_regular},
    {"userns_sysctl", g_userns_sysctl},
    {"devcg", g_devcg},
    {"devcg_tp", g_devcg_tp},
    {"lsm_aggregate", g_lsm_aggregate},
    {"unknown", g_unknown},
    {"unknown_noenter", g_unknown_noenter},
    {"dac_walk", g_dac_walk},
    {"dac_walk_noent", g_dac_walk_noent},
    {"dac_walk_both", g_dac_walk_both},
    {"dac_walk_acl", g_dac_walk_acl},
    {"dac_nostat", g_dac_nostat},
    {"seccomp_gone", g_seccomp_gone},
    {"seccomp_first", g_seccomp_first},
    {"cap_kill_shell", g_cap_kill_shell},
    {"cap_raw", g_cap_raw},
    {"cap_bind_fd", g_cap_bind_fd},
    {"perf", g_perf},
    {"hardlink_tp", g_hardlink_tp},
    {"userns_real", g_userns_real},
    {"cap_chown_root", g_cap_chown_root},
    {"infer_kill", g_infer_kill},
    {"infer_userns", g_infer_userns},
    {"symlinks", g_symlinks},
    {"nr_open", g_nr_open},
};

int golden_count(void)
{
	return (int)(sizeof(goldens) / sizeof(goldens[0]));
}

const char *golden_build(int i, struct denial *d)
{
	goldens[i].build(d);
	return goldens[i].name;
}

static const char *decided(const char *name, struct denial *d)
{
	for (int i = 0; i < golden_count(); i++)
		if (!strcmp(goldens[i].name, name)) {
			goldens[i].build(d);
			cause_decide(d);
			return cause_name(d->cause);
		}
	return "no such case";
}

static bool has_evidence(const struct denial *d, const char *needle)
{
	for (int i = 0; i < d->n_evidence; i++)
		if (strstr(d->evidence[i], needle))
			return true;
	return false;
}

/* ---- assertions ----------------------------------------------------------------------------- */

static struct denial D;

TEST(cause_rofs)
{
	CHECK_STR(decided("rofs_unit", &D), "mount");
	CHECK(D.rofs.kind == DN_RO_MOUNT && D.rofs.private_ns && D.rofs.mnt_id == 70);
	CHECK_STR(D.mount_option, "ro");
	CHECK_STR(D.rofs.mount_point, "/var/lib/app");
	CHECK_STR(D.rofs.dir, "/var/lib/app");
	CHECK(has_evidence(&D, "mount 70 at /var/lib/app: MNT_READONLY, superblock writable"));
	CHECK(D.facts_at_denial & DN_FACT_MOUNT);
	CHECK_STR(decided("rofs_sandbox", &D), "mount");
	CHECK(D.rofs.locked && has_evidence(&D, "read-only flag locked"));
	CHECK_STR(D.rofs.dir, "/home/u/.cache");
	CHECK_STR(decided("rofs_host", &D), "mount");
	CHECK(!D.rofs.private_ns && has_evidence(&D, "the host's"));
	CHECK_STR(decided("rofs_squashfs", &D), "mount");
	CHECK(D.rofs.kind == DN_RO_FILESYSTEM);
	/* neither flag: the driver refused, not a policy */
	CHECK_STR(decided("rofs_writable", &D), "unknown");
	CHECK(has_evidence(&D, "the mount is writable"));
	CHECK_STR(decided("rofs_later", &D), "mount");
	CHECK(!D.rofs.from_kernel && D.rofs.kind == DN_RO_MOUNT);
	CHECK(has_evidence(&D, "observed later"));
	CHECK_STR(D.rofs.dir, "/etc/app.conf"); /* an existing file written in place */
}

TEST(cause_capability)
{
	CHECK_STR(decided("cap_kill", &D), "capability");
	CHECK(D.capability == 5);
	CHECK(has_evidence(&D, "cap_capable: CAP_KILL denied (tracepoint)"));
	CHECK_STR(decided("cap_bind", &D), "capability");
	CHECK(D.capability == 10);
	CHECK_STR(D.sysctl_name, "net.ipv4.ip_unprivileged_port_start");
	CHECK_STR(D.sysctl_value, "1024");
	CHECK_STR(decided("cap_setuid", &D), "capability");
	CHECK(D.capability == 7); /* not the CAP_SYS_ADMIN noise */
	CHECK_STR(decided("cap_chown", &D), "capability");
	CHECK(D.capability == 0);
}

TEST(cause_dac)
{
	CHECK_STR(decided("dac_caps", &D), "dac");
	CHECK(D.capability == -1);
	CHECK(has_evidence(&D, "CAP_DAC_READ_SEARCH denied"));
	CHECK(has_evidence(&D, "stat: mode 0600 owner 0:0; other class grants - of r"));
	CHECK(has_evidence(&D, "DAC denies for fsuid 65534"));
	CHECK_STR(decided("dac_fexit", &D), "dac");
	CHECK(has_evidence(&D, "mode 0600 uid 0 gid 0 'secret'"));
	CHECK_STR(decided("dac_userspace", &D), "dac");
	CHECK(has_evidence(&D, "other class grants - of w"));
	CHECK_STR(decided("dac_acl", &D), "dac");
	CHECK(has_evidence(&D, "named user class"));
	CHECK_STR(decided("dac_parent", &D), "dac");
	CHECK(has_evidence(&D, "parent dir mode 0755"));
}

TEST(cause_seccomp)
{
	CHECK_STR(decided("seccomp", &D), "seccomp");
	CHECK(has_evidence(&D, "no sys_enter before sys_exit"));
	CHECK(has_evidence(&D, "Seccomp: 2, 1 filter"));
	CHECK_STR(decided("seccomp_fexit", &D), "seccomp");
	CHECK(has_evidence(&D, "__seccomp_filter"));
	/* exit-without-enter on the first event of a thread proves nothing */
	CHECK_STR(decided("unknown_noenter", &D), "unknown");
	CHECK(has_evidence(&D, "first exit seen"));
}

TEST(cause_immutable)
{
	CHECK_STR(decided("immutable_unlink", &D), "immutable");
	CHECK_STR(D.flag, "immutable");
	CHECK(has_evidence(&D, "statx: immutable flag set on the file"));
	CHECK_STR(decided("immutable_ev", &D), "immutable");
	CHECK_STR(D.flag, "append-only");
	CHECK_STR(decided("append_trunc", &D), "immutable");
	CHECK_STR(D.flag, "append-only");
	/* O_APPEND opens of an append-only file are allowed: not the cause */
	g_append_trunc(&D);
	D.ev.args[2] = O_WRONLY | O_APPEND;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
}

TEST(cause_mount)
{
	CHECK_STR(decided("noexec", &D), "mount");
	CHECK_STR(D.mount_option, "noexec");
	CHECK(has_evidence(&D, "mountinfo: /tmp mounted noexec"));
	CHECK_STR(decided("noexec_mmap", &D), "mount");
	CHECK(D.capability == -1);
	CHECK_STR(decided("noexec_ev", &D), "mount");
	CHECK(has_evidence(&D, "path_noexec"));
}

TEST(cause_userns)
{
	CHECK_STR(decided("userns", &D), "userns");
	CHECK(D.capability == 21);
	CHECK(has_evidence(&D, "target ns level 0 < own 1"));
}

TEST(cause_fanotify)
{
	CHECK_STR(decided("fanotify_ev", &D), "fanotify");
	CHECK_STR(D.listener, "fapolicyd[812]");
	CHECK_STR(decided("fanotify_tp", &D), "fanotify");
	CHECK_STR(D.listener, "fapolicyd[812]");
	CHECK_STR(decided("fanotify_other", &D), "fanotify");
	CHECK_STR(D.listener, "clamonacc[990]");
	/* tracepoint-only, no listener known, no lookup: unknown */
	g_fanotify_tp(&D);
	D.listener[0] = '\0';
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	CHECK(has_evidence(&D, "fanotify listeners not checked"));
	/* ... with the /proc lookup wired in */
	g_fanotify_tp(&D);
	D.listener[0] = '\0';
	enrich_listener(&D, golden_listener, NULL); /* the enrich stage's lookup */
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "fanotify");
	CHECK_STR(D.listener, "fapolicyd[812]");
}

TEST(cause_lsm)
{
	CHECK_STR(decided("apparmor", &D), "lsm");
	CHECK(D.lsm == EP_LSM_APPARMOR);
	CHECK_STR(D.lsm_detail, "/usr/sbin/nginx");
	CHECK_STR(decided("selinux", &D), "lsm");
	CHECK(D.lsm == EP_LSM_SELINUX);
	CHECK_CONTAINS(D.lsm_detail, "httpd_t");
	CHECK_STR(decided("landlock", &D), "lsm");
	CHECK(D.lsm == EP_LSM_LANDLOCK);
	CHECK_STR(decided("yama_ev", &D), "lsm");
	CHECK(D.lsm == EP_LSM_YAMA);
	CHECK_STR(D.lsm_detail, "kernel.yama.ptrace_scope=1");
	CHECK_STR(decided("yama_tp", &D), "lsm");
	CHECK(D.lsm == EP_LSM_YAMA);
	CHECK_STR(decided("lockdown_ev", &D), "lsm");
	CHECK(D.lsm == EP_LSM_LOCKDOWN);
	CHECK_STR(D.lsm_detail, "raw io port access");
	CHECK_STR(decided("lockdown_tp", &D), "lsm");
	CHECK_STR(D.lsm_detail, "unsigned module loading");
	/* without CAP_SYS_MODULE it is the capability, so lockdown is not claimed */
	g_lockdown_tp(&D);
	D.proc.cap_eff = 0;
	D.ev.uid = 1000;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 16);
	CHECK(has_evidence(&D, "inferred from finit_module(2): CAP_SYS_MODULE"));
	CHECK_STR(decided("lsm_aggregate", &D), "lsm");
	CHECK(D.lsm == EP_LSM_UNKNOWN);
	CHECK_CONTAINS(D.lsm_detail, "landlock");
}

TEST(cause_landlock_rights)
{
	/* an open's optional truncate is not what it lacked */
	CHECK_STR(decided("landlock_write", &D), "lsm");
	CHECK(D.lsm == EP_LSM_LANDLOCK);
	CHECK_STR(D.lsm_detail, "write_file");
	/* the exact record wins over a hook's record without the right */
	CHECK_STR(decided("landlock_mkdir", &D), "lsm");
	CHECK_STR(D.lsm_detail, "make_dir");
	CHECK_STR(decided("landlock_bind", &D), "lsm");
	CHECK_STR(D.lsm_detail, "bind_tcp port 8080");
	CHECK_STR(D.target, "port 8080");
	/* the kernel's comm of the target at the denial, not /proc later */
	CHECK_STR(decided("landlock_signal", &D), "lsm");
	CHECK_STR(D.lsm_detail, "scope signal");
	CHECK_STR(D.target, "pid 4242 (worker)");
	CHECK_STR(decided("landlock_unix", &D), "lsm");
	CHECK_STR(D.lsm_detail, "scope abstract_unix_socket");
	CHECK_STR(D.target, "@bus (pid 77)");
}

TEST(cause_yama_hook_silent)
{
	/* the Yama hook was attached and said nothing: the uid check refused, not Yama */
	g_yama_ev(&D);
	D.ev.n_ev = 1;
	D.hooks_active |= HK(EP_HK_YAMA) | HK(EP_HK_CAP_CAPABLE);
	sysctl(&D, "kernel.yama.ptrace_scope", "1");
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 19);
}

TEST(cause_sysctl)
{
	CHECK_STR(decided("ping", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "net.ipv4.ping_group_range");
	CHECK_STR(D.sysctl_value, "1 0");
	CHECK_STR(decided("bpf", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "kernel.unprivileged_bpf_disabled");
	CHECK(D.capability == 39);
	CHECK_STR(decided("hardlink", &D), "sysctl");
	CHECK(D.capability == 3);
	CHECK_STR(decided("protected_regular", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "fs.protected_regular");
	CHECK_STR(decided("userns_sysctl", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "kernel.unprivileged_userns_clone");
	/* ping allowed by the range: not the sysctl */
	g_ping(&D);
	snprintf(D.sysctl[0].value, sizeof(D.sysctl[0].value), "0 2147483647");
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
}

TEST(cause_cgroup)
{
	CHECK_STR(decided("devcg", &D), "cgroup");
	CHECK_STR(D.rule, "c 1:3 r");
	CHECK_STR(decided("devcg_tp", &D), "cgroup");
	CHECK_STR(D.rule, "c 10:229");
	/* the same outside a container: no guess */
	g_devcg_tp(&D);
	D.proc.container[0] = '\0';
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
}

TEST(cause_unknown)
{
	CHECK_STR(decided("unknown", &D), "unknown");
	CHECK(D.capability == -1 && D.lsm == -1);
	CHECK(has_evidence(&D, "DAC allows for fsuid 1000"));
	CHECK(has_evidence(&D, "checked: seccomp"));
	CHECK(has_evidence(&D, "NoNewPrivs: 1"));
	/* decisions are reset between runs */
	CHECK(D.flag[0] == '\0' && D.mount_option[0] == '\0' && D.sysctl_name[0] == '\0');
}

TEST(cause_fanotify_fdinfo)
{
	CHECK(fanotify_fdinfo_has_perm("pos:\t0\nflags:\t02\nmnt_id:\t15\n"
				       "fanotify flags:10 event-flags:0\n"
				       "fanotify ino:a72051 sdev:fe00000 mflags:0 mask:10000 "
				       "ignored_mask:0\n"));
	CHECK(!fanotify_fdinfo_has_perm(
	    "fanotify flags:10 event-flags:0\n"
	    "fanotify ino:1 sdev:2 mflags:0 mask:8 ignored_mask:70000\n"));
	CHECK(fanotify_fdinfo_has_perm("fanotify mnt_id:2a mflags:0 mask:40000 ignored_mask:0"));
	CHECK(!fanotify_fdinfo_has_perm("inotify wd:1 ino:2 sdev:3 mask:fff"));
}

TEST(cause_real_host)
{
	CHECK_STR(decided("dac_walk", &D), "dac");
	CHECK_STR(D.target, "/root");
	CHECK(has_evidence(&D, "path walk: 1 directory searchable before /root"));
	CHECK(has_evidence(&D, "path walk: /root mode 0700 owner 0:0; other class lacks x"));
	CHECK(has_evidence(&D, "DAC denies for fsuid 65534"));
	CHECK_STR(decided("dac_walk_noent", &D), "dac");
	CHECK(has_evidence(&D, "the object could not be examined as root (ENOENT)"));
	CHECK_STR(decided("dac_walk_acl", &D), "dac");
	CHECK(has_evidence(&D, "+ACL; named user class lacks x"));
	CHECK(has_evidence(&D, "supplementary groups not known"));
	CHECK_STR(decided("dac_nostat", &D), "dac");
	CHECK(has_evidence(&D, "path walk not done"));
	CHECK_STR(decided("seccomp_gone", &D), "seccomp");
	CHECK_STR(decided("seccomp_first", &D), "unknown");
	CHECK(has_evidence(&D, "first exit seen on the thread: seccomp not testable"));
	CHECK_STR(decided("cap_raw", &D), "capability");
	CHECK(D.capability == 13);
	CHECK_STR(decided("cap_bind_fd", &D), "capability");
	CHECK(D.capability == 10);
	CHECK_STR(decided("perf", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "kernel.perf_event_paranoid");
	CHECK(D.capability == 38);
	CHECK_STR(decided("hardlink_tp", &D), "sysctl");
	CHECK_STR(D.sysctl_name, "fs.protected_hardlinks");
	CHECK_STR(decided("userns_real", &D), "userns");
	CHECK(D.capability == 21);
	CHECK_STR(decided("cap_chown_root", &D), "capability");
	CHECK(D.capability == 0);
}

/* ---- inference without the cap_capable hook (kernels before 6.14, tracepoint-only) -------- */

static void tp_only(struct denial *d, const char *comm, int nr, int err, unsigned uid)
{
	base(d, comm, nr, err, uid);
	d->hooks_active = HK(EP_HK_SYS_EXIT);
}

/* the kernel's credentials at the denial; /proc already gone */
static void creds(struct denial *d, unsigned uid, __u64 caps)
{
	d->proc.valid = false;
	d->ev.facts |= EP_FACT_CREDS;
	d->ev.cr.ruid = d->ev.cr.euid = d->ev.cr.suid = d->ev.cr.fsuid = uid;
	d->ev.cr.rgid = d->ev.cr.egid = d->ev.cr.sgid = d->ev.cr.fsgid = uid;
	d->ev.cr.cap_eff = caps;
}

TEST(cause_infer_kill)
{
	tp_only(&D, "kill", SYS_kill, EP_EPERM, 65534);
	D.ev.args[0] = 1;
	D.target_valid = true; /* pid 1, root */
	D.facts_later = DN_FACT_TARGET;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 5);
	CHECK(has_evidence(&D, "inferred from kill(2): CAP_KILL, the target's uids differ"));
	CHECK(has_evidence(&D, "observed later: the target process's uids"));
	/* the same uid: not CAP_KILL (something else refused) */
	D.target_ruid = 65534;
	D.facts_later = 0;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	/* target gone: still inferred, and says so */
	D.target_valid = false;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(has_evidence(&D, "the target's uids not known"));
	/* the kernel's creds say it held CAP_KILL: not the capability */
	creds(&D, 1000, 1ull << 5);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	CHECK(has_evidence(&D, "which the process holds"));
	/* the cap_capable hook was active and saw no failed capability: no inference */
	tp_only(&D, "kill", SYS_kill, EP_EPERM, 65534);
	D.ev.args[0] = 1;
	D.target_valid = true;
	D.hooks_active |= HK(EP_HK_TP_CAP_CAPABLE);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
}

TEST(cause_infer_userns)
{
	/* vmtrig -u 65534 userns-sethostname: unshare(CLONE_NEWUSER), then sethostname */
	tp_only(&D, "vmtrig", SYS_sethostname, EP_EPERM, 65534);
	D.ev.userns_level = 1;
	D.proc.valid = false; /* gone, no creds recorded */
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "userns");
	CHECK(D.capability == 21);
	CHECK(has_evidence(&D, "capabilities not known"));
	creds(&D, 65534, 0x1ffffffffffull); /* full set in its own namespace */
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "userns");
	CHECK(has_evidence(&D, "at the denial: CapEff has CAP_SYS_ADMIN"));
	creds(&D, 65534, 0); /* lacks it even there */
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 21);
	/* initial namespace, plain user */
	tp_only(&D, "hostname", SYS_sethostname, EP_EPERM, 1000);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 21);
	/* chown of a file whose owner is unmapped in the caller's namespace */
	tp_only(&D, "chown", SYS_chown, EP_EPERM, 100000);
	D.ev.userns_level = 1;
	creds(&D, 100000, 1ull << 0);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "userns");
	CHECK(D.capability == 0);
}

TEST(cause_infer_args)
{
	tp_only(&D, "chown", SYS_chown, EP_EPERM, 65534);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 0);
	tp_only(&D, "nc", SYS_bind, EP_EACCES, 65534);
	D.bind_port = 80;
	sysctl(&D, "net.ipv4.ip_unprivileged_port_start", "1024");
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "capability");
	CHECK(D.capability == 10);
	CHECK_STR(D.sysctl_name, "net.ipv4.ip_unprivileged_port_start");
	D.bind_port = 0; /* port not known: no guess */
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	D.bind_port = 8080;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	tp_only(&D, "tcpdump", SYS_socket, EP_EPERM, 1000);
	D.ev.args[0] = AF_PACKET, D.ev.args[1] = SOCK_RAW;
	cause_decide(&D);
	CHECK(D.capability == 13);
	tp_only(&D, "mknod", SYS_mknod, EP_EPERM, 1000);
	D.ev.args[1] = S_IFCHR | 0600;
	cause_decide(&D);
	CHECK(D.capability == 27);
	D.ev.args[1] = S_IFIFO | 0600;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	tp_only(&D, "date", SYS_clock_settime, EP_EPERM, 1000);
	cause_decide(&D);
	CHECK(D.capability == 25);
	tp_only(&D, "unshare", SYS_unshare, EP_EPERM, 1000);
	D.ev.args[0] = CLONE_NEWNS;
	cause_decide(&D);
	CHECK(D.capability == 21);
	tp_only(&D, "chrt", SYS_sched_setscheduler, EP_EPERM, 1000);
	D.ev.args[1] = 1; /* SCHED_FIFO */
	cause_decide(&D);
	CHECK(D.capability == 23);
	tp_only(&D, "sh", SYS_setrlimit, EP_EPERM, 1000);
	D.ev.args[0] = 7;
	sysctl(&D, "fs.nr_open", "1048576");
	cause_decide(&D);
	CHECK(D.capability == 24);
}

TEST(cause_sysctl_small)
{
	/* ulimit -Hn above fs.nr_open as root: EPERM with CAP_SYS_RESOURCE held */
	tp_only(&D, "bash", SYS_prlimit64, EP_EPERM, 0);
	D.ev.args[1] = 7;
	sysctl(&D, "fs.nr_open", "1048576");
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "sysctl");
	CHECK_STR(D.sysctl_name, "fs.nr_open");
	/* the new limit read from the process: above fs.nr_open even for a plain user */
	tp_only(&D, "bash", SYS_prlimit64, EP_EPERM, 1000);
	D.ev.args[1] = 7;
	D.rlim_max = 2000000;
	sysctl(&D, "fs.nr_open", "1048576");
	cause_decide(&D);
	CHECK_STR(D.sysctl_name, "fs.nr_open");
	/* fs.protected_symlinks: a link of uid 1001 in /tmp followed by uid 1000 */
	base(&D, "cat", SYS_openat, EP_EACCES, 1000);
	path(&D, "/tmp/link");
	D.link_valid = true;
	D.link_uid = 1001;
	D.link_dir_mode = S_IFDIR | 01777;
	D.link_dir_uid = 0;
	file(&D, S_IFREG | 0644, 1001, 1001);
	sysctl(&D, "fs.protected_symlinks", "1");
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "sysctl");
	CHECK_STR(D.sysctl_name, "fs.protected_symlinks");
	D.link_uid = 1000; /* the follower's own link */
	cause_decide(&D);
	CHECK(strcmp(cause_name(D.cause), "sysctl") != 0);
}

TEST(cause_write_bit_is_dac)
{
	/* utimensat(..., NULL) on a file it cannot write: CAP_FOWNER probed first, EACCES */
	base(&D, "touch", SYS_utimensat, EP_EACCES, 1000);
	path(&D, "/etc/hosts");
	file(&D, S_IFREG | 0644, 0, 0);
	ev(&D, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -EPERM, 3, 0, NOV, NOV, NULL);
	ev(&D, EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, -EPERM, 1, 0, NOV, NOV, NULL);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "dac");
	D.ev.n_ev = 0; /* tracepoint-only, no cap tracepoint */
	D.hooks_active = HK(EP_HK_SYS_EXIT);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "dac");
	CHECK(has_evidence(&D, "lacks w") || has_evidence(&D, "grants - of w") ||
	      has_evidence(&D, "of w"));
}

TEST(cause_creds_at_denial)
{
	/* /proc (read later) shows root after a setuid; the kernel's creds at the denial say
	 * fsuid 1000: the DAC verdict uses those */
	base(&D, "cat", SYS_openat, EP_EACCES, 0);
	path(&D, "/root/secret");
	file(&D, S_IFREG | 0600, 0, 0);
	D.ev.facts = EP_FACT_CREDS;
	D.ev.cr.fsuid = D.ev.cr.euid = D.ev.cr.ruid = 1000;
	D.ev.cr.fsgid = 1000;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "dac");
	CHECK(has_evidence(&D, "DAC denies for fsuid 1000"));
	D.ev.facts = 0; /* without them the later /proc says root may read it */
	cause_decide(&D);
	CHECK(strcmp(cause_name(D.cause), "dac") != 0);
}

TEST(cause_flags_later)
{
	base(&D, "sh", SYS_openat, EP_EPERM, 0);
	path(&D, "/etc/resolv.conf");
	file(&D, S_IFREG | 0644, 0, 0);
	D.ev.args[2] = O_WRONLY;
	D.file.immutable = true;
	D.facts_later = DN_FACT_FLAGS;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "immutable");
	CHECK(has_evidence(&D, "observed later: the current flags of the file (immutable)"));
	D.facts_later = 0;
	D.facts_at_denial = DN_FACT_FLAGS;
	cause_decide(&D);
	CHECK(has_evidence(&D, "at the denial: immutable flag set on the file"));
	CHECK_STR(cause_fact_name(DN_FACT_FLAGS), "file_flags");
	CHECK_STR(cause_fact_name(DN_FACT_CREDS), "credentials");
}

/* a /proc-like tree with one fanotify permission listener */
static void fake_listener(const char *root, int pid, const char *comm)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%d", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/fd", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/fdinfo", root, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/%d/fd/3", root, pid);
	if (symlink("anon_inode:[fanotify]", p))
		return;
	snprintf(p, sizeof(p), "%s/%d/fdinfo/3", root, pid);
	f = fopen(p, "w");
	if (f) {
		fputs("fanotify flags:10 event-flags:0\nfanotify ino:1 sdev:2 mflags:0 "
		      "mask:10000 ignored_mask:0\n",
		      f);
		fclose(f);
	}
	snprintf(p, sizeof(p), "%s/%d/comm", root, pid);
	f = fopen(p, "w");
	if (f) {
		fprintf(f, "%s\n", comm);
		fclose(f);
	}
}

TEST(cause_fanotify_index)
{
	char root[] = "/tmp/epermd-fanidx-XXXXXX", b[64], cmd[128];
	struct ep_notice nt = {.rec_type = EP_REC_NOTICE, .kind = EP_NOTE_FANOTIFY_MARK};
	struct fanotify_index *x = NULL;
	bool later = false;

	CHECK(mkdtemp(root) != NULL);
	CHECK(fanotify_index_new(root, &x) == 0);
	/* nothing yet, and "none" is not cached: a listener appearing later is found */
	CHECK(fanotify_index_lookup(x, 0, b, sizeof(b), &later) == 0);
	fake_listener(root, 4242, "fapolicyd");
	CHECK(fanotify_index_lookup(x, 0, b, sizeof(b), &later) > 0);
	CHECK_STR(b, "fapolicyd[4242]");
	CHECK(later); /* found by a /proc scan */
	/* the kernel's notice adds a listener at once; it exits immediately after (no /proc
	 * entry) and still names a denial from while it lived */
	snprintf(cmd, sizeof(cmd), "rm -rf %s/4242", root);
	CHECK(system(cmd) == 0);
	nt.pid = nt.tid = 77;
	nt.ts_ns = 1000;
	nt.args[2] = 0x10000; /* FAN_OPEN_PERM */
	memcpy(nt.comm, "fanlisten", 10);
	fanotify_index_note(x, &nt, "/usr/bin/fanlisten");
	CHECK(fanotify_index_lookup(x, 2000, b, sizeof(b), &later) > 0);
	CHECK_STR(b, "fanlisten[77]");
	CHECK(!later);
	/* a denial before the mark is not its doing */
	CHECK(fanotify_index_lookup(x, 500, b, sizeof(b), &later) == 0 ||
	      strcmp(b, "fanlisten[77]") != 0);
	/* a mark without a permission bit is no listener */
	nt.pid = 78;
	nt.args[2] = 0x20; /* FAN_OPEN */
	fanotify_index_note(x, &nt, NULL);
	CHECK(fanotify_index_lookup(x, 2000, b, sizeof(b), &later) > 0);
	CHECK_STR(b, "fanlisten[77]");
	/* the cause engine names it, marked as known at the denial */
	g_fanotify_tp(&D);
	D.listener[0] = '\0';
	D.ev.ts_ns = 2000;
	enrich_listener(&D, fanotify_lookup_cb, x);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "fanotify");
	CHECK_STR(D.listener, "fanlisten[77]");
	CHECK(D.facts_at_denial & DN_FACT_LISTENER);
	fanotify_index_free(x);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	CHECK(system(cmd) == 0);
}

/* a task in a child user namespace mapping 0..65535 to 100000..165535 (/proc read later) */
static void userns_maps(struct denial *d)
{
	d->ev.userns_level = 1;
	d->proc.idmap_valid = true;
	d->proc.uid_map = d->proc.gid_map = (struct dn_idmap){1, {{0, 100000, 65536}}};
}

TEST(cause_userns_unmapped_owner)
{
	/* chown with the cap tracepoint: CAP_CHOWN held in its namespace, no check failed */
	base(&D, "chown", SYS_chown, EP_EPERM, 100000);
	path(&D, "/srv/f");
	file(&D, S_IFREG | 0644, 1234, 1234);
	creds(&D, 100000, 1ull << 0);
	D.ev.userns_level = 1;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "userns");
	CHECK(D.capability == 0 && D.userns_unmapped);
	CHECK(has_evidence(&D, "the file's owner 1234:1234 is not mapped there"));
	/* the maps were read and have the owner: not this */
	userns_maps(&D);
	D.file.uid = D.file.gid = 100001;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "unknown");
	/* the maps do not have it */
	D.file.uid = D.file.gid = 1234;
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "userns");
}

TEST(cause_userns_dac_caps_unmapped)
{
	/* CAP_DAC_OVERRIDE held in its namespace does not cover a root 0600 file there */
	base(&D, "cat", SYS_openat, EP_EACCES, 100000);
	D.ev.args[2] = O_RDONLY;
	path(&D, "/srv/secret");
	file(&D, S_IFREG | 0600, 0, 0);
	D.proc.cap_eff = 1ull << 1;
	userns_maps(&D);
	cause_decide(&D);
	CHECK_STR(cause_name(D.cause), "dac");
	CHECK(has_evidence(&D, "observed later: its user namespace's uid_map/gid_map: CAP_DAC_* "
			       "held there (level 1) does not cover 0:0, not mapped"));
	/* a mapped owner: the capability covers it, DAC allows */
	D.file.uid = D.file.gid = 100000 + 7;
	cause_decide(&D);
	CHECK(strcmp(cause_name(D.cause), "dac") != 0);
	/* the maps not known (process gone): the capability counts, as before, and says so */
	D.file.uid = D.file.gid = 0;
	D.proc.idmap_valid = false;
	cause_decide(&D);
	CHECK(strcmp(cause_name(D.cause), "dac") != 0);
	CHECK(has_evidence(&D, "CAP_DAC_* of its user namespace (level 1) counted: uid_map not "
			       "read (gone); it does not apply if 0:0 is unmapped there"));
}

TEST(cause_userns_walk_caps_assumed)
{
	/* a rootless task gone before its uid_map was read: the walk counted its capabilities */
	base(&D, "cat", SYS_openat, EP_EACCES, 100000);
	D.ev.args[2] = O_RDONLY;
	path(&D, "/root/x");
	creds(&D, 100000, 1ull << 1);
	D.ev.userns_level = 1;
	D.walk.done = true;
	D.walk.checked = 2;
	cause_decide(&D);
	CHECK(has_evidence(&D, "path walk counted CAP_DAC_* of its user namespace (level 1): "
			       "uid_map not read (gone); unmapped owners refuse"));
	/* the initial namespace: nothing to say */
	D.ev.userns_level = 0;
	cause_decide(&D);
	CHECK(!has_evidence(&D, "path walk counted"));
}

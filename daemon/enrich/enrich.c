// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Best-effort, bounded enrichment of one denial from /proc, /sys and the filesystem. Runs on
 * the worker thread only. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "enrich.h"
#include "clock.h"
#include "fileinfo.h"
#include "lookup.h"
#include "names.h"
#include "procinfo.h"
#include "sysclass.h"

/* include/linux/fs.h: inode->i_flags */
#define EP_S_APPEND    0x4
#define EP_S_IMMUTABLE 0x8

/* Storms come from few processes: reuse what /proc said about a pid for a short while, and
 * for longer when the process is already gone (its /proc entry is the first thing to go). */
#define PROC_CACHE_SLOTS 64
#define PROC_FRESH_NS	 (250ull * 1000000ull)
#define PROC_STALE_NS	 (5000ull * 1000000ull)
#define SEC_FRESH_NS	 (1000ull * 1000000ull)

struct proc_cache_ent {
	pid_t pid;
	uint64_t at;
	struct dn_proc proc;
};

struct sysctl_cache_ent {
	const char *knob; /* a string constant from the tables here */
	uint64_t at;
	bool ok;
	char value[64];
};

/* What enrichment keeps between denials; the worker's, owned by the pipeline. */
struct enrich_cache {
	struct proc_cache_ent proc[PROC_CACHE_SLOTS];
	struct sysctl_cache_ent sysctl[32];
	char lockdown[sizeof(((struct denial *)0)->lockdown)];
	char lsms[sizeof(((struct denial *)0)->lsms)];
	uint64_t security_at;
	struct pkgdb *pkgs; /* dpkg's answers per executable, for lookup_wanted() */
};

int enrich_cache_new(struct enrich_cache **out)
{
	struct enrich_cache *c = calloc(1, sizeof(*c));
	int err = -ENOMEM;

	if (!c)
		goto cleanup;
	err = pkgdb_new(&c->pkgs);
	if (err)
		goto cleanup;
	*out = c;
	return 0;
cleanup:
	free(c);
	*out = NULL;
	return err;
}

void enrich_cache_free(struct enrich_cache *c)
{
	if (!c)
		return;
	pkgdb_free(c->pkgs);
	free(c);
}

static void enrich_proc(struct enrich_cache *c, struct denial *d, int pdfd)
{
	struct proc_cache_ent *e = c ? &c->proc[d->ev.pid % PROC_CACHE_SLOTS] : NULL;
	pid_t pid = (pid_t)d->ev.pid;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (!e) {
		proc_enrich(pdfd, (pid_t)d->ev.ppid, &d->proc, d->ev.userns_level > 0);
		return;
	}
	if (e->pid == pid && e->at && now - e->at < (pdfd < 0 ? PROC_STALE_NS : PROC_FRESH_NS)) {
		d->proc = e->proc;
		return;
	}
	proc_enrich(pdfd, (pid_t)d->ev.ppid, &d->proc, d->ev.userns_level > 0);
	if (d->proc.valid) {
		e->pid = pid;
		e->at = now;
		e->proc = d->proc;
	}
}

/* The credentials the kernel captured at the denial, for a process /proc no longer has. */
static void proc_from_kernel(struct denial *d)
{
	const struct ep_creds *cr = &d->ev.cr;
	struct dn_proc *p = &d->proc;
	int n;

	if (p->valid || !(d->ev.facts & EP_FACT_CREDS))
		return;
	p->valid = true;
	p->from_kernel = true;
	p->ruid = cr->ruid;
	p->euid = cr->euid;
	p->suid = cr->suid;
	p->fsuid = cr->fsuid;
	p->rgid = cr->rgid;
	p->egid = cr->egid;
	p->sgid = cr->sgid;
	p->fsgid = cr->fsgid;
	p->cap_eff = cr->cap_eff;
	p->cap_prm = cr->cap_prm;
	p->cap_inh = cr->cap_inh;
	p->cap_bnd = cr->cap_bnd;
	p->cap_amb = cr->cap_amb;
	n = cr->ngroups < EP_MAX_GROUPS ? cr->ngroups : EP_MAX_GROUPS;
	if (n > DN_MAX_GROUPS)
		n = DN_MAX_GROUPS;
	memcpy(p->groups, cr->groups, (size_t)n * sizeof(p->groups[0]));
	p->ngroups = n;
	p->no_new_privs = cr->no_new_privs;
	p->seccomp_mode = cr->seccomp_mode;
	p->seccomp_filters = cr->seccomp_filters;
}

/* /proc/PID/exe names another file than the kernel's record: the process executed it after the
 * denial (systemd-executor sets a unit up, then runs its command in the same process) */
static bool exe_replaced(const struct denial *d)
{
	const char *base = strrchr(d->proc.exe, '/');
	const char *k = d->ev.exe_comp[0];

	if (!d->proc.exe[0] || !(d->ev.facts & EP_FACT_EXE) || !d->ev.exe_depth || !base || !k[0] ||
	    strnlen(k, EP_EXE_COMP_LEN) >= EP_EXE_COMP_LEN - 1)
		return false; /* unknown, or a name the record may have cut */
	return strcmp(base + 1, k) != 0;
}

/* The kernel's view of the executable (dentry names, innermost first): used when /proc no
 * longer has the process (the BPF walk crosses mounts like d_path, up to EP_EXE_DEPTH names),
 * and when the process has executed another program since the denial. */
static void exe_from_event(struct denial *d)
{
	const struct ep_event *ev = &d->ev;
	size_t used = 0;
	int depth = ev->exe_depth < EP_EXE_DEPTH ? ev->exe_depth : EP_EXE_DEPTH;

	if (exe_replaced(d)) {
		denial_add_evidence(
		    d, "the process runs %.100s now: it executed it after the denial", d->proc.exe);
		d->proc.exe[0] = '\0';
	}
	if (d->proc.exe[0] || depth == 0)
		return;
	if (ev->exe_flags & EP_EXE_F_TRUNC)
		used += (size_t)snprintf(d->proc.exe, sizeof(d->proc.exe), "...");
	for (int i = depth - 1; i >= 0 && used < sizeof(d->proc.exe); i--) {
		size_t len = strnlen(ev->exe_comp[i], EP_EXE_COMP_LEN);

		if (!len || (len == 1 && ev->exe_comp[i][0] == '/'))
			continue;
		used += (size_t)snprintf(d->proc.exe + used, sizeof(d->proc.exe) - used, "/%.*s",
					 (int)len, ev->exe_comp[i]);
	}
}

static bool name_in(const char *name, const char *const *set)
{
	if (!name)
		return false;
	for (; *set; set++)
		if (!strcmp(name, *set))
			return true;
	return false;
}

static unsigned long own_mntns(void)
{
	static unsigned long ino;
	struct stat st;

	if (!ino && !stat("/proc/self/ns/mnt", &st))
		ino = st.st_ino;
	return ino;
}

/* Whether the call follows a final symlink, and whether it changes the parent directory:
 * the syscall's row, and its flags argument where the row says so. sc: the call's name,
 * NULL for a compat (32-bit) call. */
static void path_flags(const char *sc, const struct ep_event *ev, struct file_ctx *c)
{
	const struct sc_row *r = sc ? sc_row_nr(ev->syscall_nr) : NULL;

	if (!r)
		return;
	c->nofollow = r->nofollow;
	if (r->at_nofollow)
		c->nofollow = ev->args[r->at_nofollow - 1] & 0x100; /* AT_SYMLINK_NOFOLLOW */
	else if (r->at_follow)
		c->nofollow = !(ev->args[r->at_follow - 1] & 0x400); /* AT_SYMLINK_FOLLOW */
	else if (r->open_flags)
		c->nofollow = ev->args[r->flags - 1] & O_NOFOLLOW;
	c->want_parent = r->parent || (r->open_flags && (ev->args[r->flags - 1] & O_CREAT));
}

/* A path the kernel built from dentries, usable to name and examine the file. */
static bool facts_path_ok(const struct ep_inode_facts *f)
{
	return f->path[0] == '/' &&
	       !(f->flags & (EP_IF_PATH_TRUNC | EP_IF_DETACHED | EP_IF_UNLINKED | EP_IF_NEGATIVE));
}

/* A relative path resolved against the directory the kernel saw (EP_FACT_BASE), not against
 * today's /proc/PID/cwd or /proc/PID/fd/DIRFD. Returns the absolute path in buf, or NULL. */
static const char *facts_abs_path(const struct ep_event *ev, char *buf, size_t n)
{
	if (!(ev->facts & EP_FACT_BASE) || !facts_path_ok(&ev->base) || ev->path[0] == '/' ||
	    !ev->path[0] || (ev->flags & (EP_F_PATH_FAULT | EP_F_PATH_TRUNC)))
		return NULL;
	path_join(ev->base.path, ev->path, buf, n);
	return buf;
}

/* Is /proc/PID/fd/N still the file the kernel saw at the denial? */
static bool fd_is_obj(int pdfd, int fd, const struct ep_inode_facts *f)
{
	char name[32];
	struct stat st;

	snprintf(name, sizeof(name), "fd/%d", fd);
	return pdfd >= 0 && !fstatat(pdfd, name, &st, 0) && st.st_ino == f->ino &&
	       (uint64_t)st.st_dev == f->dev;
}

/*
 * The file behind the fd argument as the kernel saw it (EP_FACT_FD). A file with a path is
 * examined by that path; a socket, pipe or anonymous inode is named by its kind, or by
 * /proc/PID/fd/N only while that is still the same inode (fd numbers are reused).
 * Returns true when the object is settled (nothing more to look at).
 */
static bool facts_fd_object(struct denial *d, int pdfd, int fd, struct file_ctx *c)
{
	const struct ep_inode_facts *f = &d->ev.obj;
	char name[32];

	d->path_from_fd = true;
	if (facts_path_ok(f)) {
		c->rel = f->path;
		c->fd = -1;
		return false;
	}
	snprintf(name, sizeof(name), "fd/%d", fd);
	if (fd >= 0 && fd_is_obj(pdfd, fd, f) &&
	    readlink_small_at(pdfd, name, d->path, sizeof(d->path)) > 0)
		return true;
	if (S_ISSOCK(f->mode))
		snprintf(d->path, sizeof(d->path), "socket:[%llu]", (unsigned long long)f->ino);
	else if (S_ISFIFO(f->mode))
		snprintf(d->path, sizeof(d->path), "pipe:[%llu]", (unsigned long long)f->ino);
	else if (f->path[0] == '/')
		snprintf(d->path, sizeof(d->path), "%s%s", f->path,
			 (f->flags & EP_IF_UNLINKED) ? " (deleted)" : "");
	else
		snprintf(d->path, sizeof(d->path), "anon_inode:[%llu]", (unsigned long long)f->ino);
	return true;
}

/*
 * The object's inode as the kernel saw it at the denial (EP_FACT_FD or EP_FACT_OBJ) wins over
 * a later stat(): the flags or mode may have changed since (chattr -i a moment later). The
 * ACL and the mount's name stay what user space read.
 */
static void file_from_kernel(struct denial *d)
{
	const struct ep_inode_facts *o = &d->ev.obj;
	struct dn_file *f = &d->file;

	if (!(d->ev.facts & (EP_FACT_FD | EP_FACT_OBJ)) || !facts_path_ok(o) || !o->mode)
		return;
	f->valid = true;
	f->from_kernel = true;
	f->mode = o->mode;
	f->uid = o->uid;
	f->gid = o->gid;
	f->rdev = (dev_t)o->rdev;
	f->is_dir = S_ISDIR(o->mode);
	f->flags_valid = true;
	f->immutable = o->i_flags & EP_S_IMMUTABLE;
	f->append_only = o->i_flags & EP_S_APPEND;
	f->mnt_noexec = o->mnt_flags & EP_MNT_NOEXEC;
	f->mnt_nosuid = o->mnt_flags & EP_MNT_NOSUID;
	f->mnt_nodev = o->mnt_flags & EP_MNT_NODEV;
	f->mnt_ro = o->mnt_flags & EP_MNT_RDONLY;
	mountinfo_check_dev(f, o->dev);
}

static void enrich_file(struct denial *d, int pdfd)
{
	const struct ep_event *ev = &d->ev;
	bool compat = ev->flags & EP_F_COMPAT;
	const char *sc = compat ? NULL : syscall_name(ev->syscall_nr);
	struct file_ctx c = {.pdfd = pdfd, .fd = -1, .dirfd_arg_val = AT_FDCWD};
	bool have_path = ev->path[0] && !(ev->flags & EP_F_PATH_FAULT);
	char abs[EP_PATH_LEN + EP_FACT_PATH_LEN];
	int pa = 0, da = 0, fa = 0;

	if (sc) {
		pa = syscall_path_arg(ev->syscall_nr);
		da = syscall_dirfd_arg(ev->syscall_nr);
		fa = syscall_fd_arg(ev->syscall_nr);
	}
	/* *at calls with two paths: the dirfd comes right before the path that was copied. */
	if (da && ev->path_arg && pa && ev->path_arg != pa && ev->path_arg >= 2)
		da = ev->path_arg - 1;
	if (da >= 1 && da <= 6)
		c.dirfd_arg_val = (int)ev->args[da - 1];
	if (have_path)
		c.rel = ev->path;
	else if (da >= 1 && da <= 6 && c.dirfd_arg_val >= 0)
		c.fd = c.dirfd_arg_val; /* AT_EMPTY_PATH: the dirfd itself */
	else if (fa >= 1 && fa <= 6)
		c.fd = (int)ev->args[fa - 1];
	if (!c.rel && c.fd < 0)
		return;
	if (c.rel && facts_abs_path(ev, abs, sizeof(abs))) {
		c.rel = abs;
		c.dirfd_arg_val = AT_FDCWD;
	} else if (!c.rel && (ev->facts & EP_FACT_FD) && facts_fd_object(d, pdfd, c.fd, &c)) {
		return;
	}
	if (ev->flags & EP_F_PATH_TRUNC) {
		/* a prefix of the real path may name another file: do not look at it */
		snprintf(d->path, sizeof(d->path), "%s...", ev->path);
		return;
	}

	c.mntns_ino = ev->mntns_ino ? ev->mntns_ino : own_mntns();
	c.other_mntns = ev->mntns_ino && ev->mntns_ino != own_mntns();
	path_flags(sc, ev, &c);
	file_enrich(d, &c);
	file_from_kernel(d);
}

struct sysctl_rule {
	const char *syscalls[8];
	const char *knobs[4];
};

static const struct sysctl_rule sysctl_rules[] = {
    {{"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp"},
     {"kernel.yama.ptrace_scope"}},
    {{"bind"}, {"net.ipv4.ip_unprivileged_port_start"}},
    {{"socket"}, {"net.ipv4.ping_group_range"}},
    {{"bpf"}, {"kernel.unprivileged_bpf_disabled"}},
    {{"perf_event_open"}, {"kernel.perf_event_paranoid"}},
    {{"link", "linkat", "symlink", "symlinkat"},
     {"fs.protected_hardlinks", "fs.protected_symlinks"}},
    {{"open", "openat", "openat2", "creat"},
     {"fs.protected_regular", "fs.protected_fifos", "fs.protected_symlinks"}},
    {{"unshare", "clone", "clone3", "setns"},
     {"user.max_user_namespaces", "kernel.unprivileged_userns_clone",
      "kernel.apparmor_restrict_unprivileged_userns"}},
    {{"syslog"}, {"kernel.dmesg_restrict"}},
    {{"init_module", "finit_module", "delete_module"}, {"kernel.modules_disabled"}},
    {{"kexec_load", "kexec_file_load"}, {"kernel.kexec_load_disabled"}},
    {{"userfaultfd"}, {"vm.unprivileged_userfaultfd"}},
    {{"io_uring_setup"}, {"kernel.io_uring_disabled", "kernel.io_uring_group"}},
    {{"mmap"}, {"vm.mmap_min_addr"}},
    {{"setrlimit", "prlimit64"}, {"fs.nr_open"}},
    {{"stat", "newfstatat", "statx", "chdir", "execve", "execveat"}, {"fs.protected_symlinks"}},
    {{"truncate", "chmod", "chown", "utimensat", "access", "faccessat", "faccessat2"},
     {"fs.protected_symlinks"}},
};

static void add_sysctl(struct enrich_cache *c, struct denial *d, const char *knob)
{
	struct sysctl_cache_ent *e = NULL, tmp;
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	char path[128];
	size_t i;

	if (d->n_sysctl >= (int)(sizeof(d->sysctl) / sizeof(d->sysctl[0])))
		return;
	for (i = 0; c && i < sizeof(c->sysctl) / sizeof(c->sysctl[0]); i++) {
		if (c->sysctl[i].knob == knob || !c->sysctl[i].knob) {
			e = &c->sysctl[i];
			break;
		}
	}
	if (!e || e->knob != knob || now - e->at >= SEC_FRESH_NS) {
		/* without a cache (enrich_denial(NULL, d)) e points here: function scope */
		tmp = (struct sysctl_cache_ent){.knob = knob, .at = now};
		snprintf(path, sizeof(path), "/proc/sys/%s", knob);
		for (i = sizeof("/proc/sys/") - 1; path[i]; i++)
			if (path[i] == '.')
				path[i] = '/';
		tmp.ok = read_small_at(AT_FDCWD, path, tmp.value, sizeof(tmp.value)) > 0;
		for (i = 0; tmp.value[i]; i++)
			if (tmp.value[i] == '\t' || tmp.value[i] == '\n')
				tmp.value[i] = tmp.value[i] == '\t' ? ' ' : '\0';
		if (e)
			*e = tmp;
		else
			e = &tmp;
		if (!tmp.ok)
			return;
	}
	if (!e->ok)
		return;
	snprintf(d->sysctl[d->n_sysctl].name, sizeof(d->sysctl[0].name), "%s", knob);
	snprintf(d->sysctl[d->n_sysctl].value, sizeof(d->sysctl[0].value), "%s", e->value);
	d->n_sysctl++;
}

static void enrich_sysctls(struct enrich_cache *c, struct denial *d, const char *sc)
{
	if (!sc)
		return;
	if (!strcmp(sc, "open") || !strcmp(sc, "openat")) {
		const char *p = d->path[0] ? d->path : d->ev.path;

		if (!strcmp(p, "/proc/kallsyms") || !strcmp(p, "/proc/modules"))
			add_sysctl(c, d, "kernel.kptr_restrict");
		if (!strcmp(p, "/dev/kmsg"))
			add_sysctl(c, d, "kernel.dmesg_restrict");
	}
	for (size_t r = 0; r < sizeof(sysctl_rules) / sizeof(sysctl_rules[0]); r++) {
		if (!name_in(sc, sysctl_rules[r].syscalls))
			continue;
		for (int k = 0; k < 4 && sysctl_rules[r].knobs[k]; k++)
			add_sysctl(c, d, sysctl_rules[r].knobs[k]);
	}
}

static void enrich_security(struct enrich_cache *c, struct denial *d)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	char buf[256], *a, *b;

	if (c && c->security_at && now - c->security_at < SEC_FRESH_NS) {
		memcpy(d->lockdown, c->lockdown, sizeof(c->lockdown));
		memcpy(d->lsms, c->lsms, sizeof(c->lsms));
		return;
	}

	if (read_small_at(AT_FDCWD, "/sys/kernel/security/lockdown", buf, sizeof(buf)) > 0) {
		a = strchr(buf, '[');
		b = a ? strchr(a, ']') : NULL;
		if (a && b)
			snprintf(d->lockdown, sizeof(d->lockdown), "%.*s", (int)(b - a - 1), a + 1);
	}
	if (read_small_at(AT_FDCWD, "/sys/kernel/security/lsm", d->lsms, sizeof(d->lsms)) > 0)
		d->lsms[strcspn(d->lsms, "\n")] = '\0';
	if (!c)
		return;
	memcpy(c->lockdown, d->lockdown, sizeof(c->lockdown));
	memcpy(c->lsms, d->lsms, sizeof(c->lsms));
	c->security_at = now;
}

static void task_target(struct denial *d, const char *what, long long pid)
{
	char path[48], comm[EP_COMM_LEN + 1] = "";

	if (pid == 0) {
		snprintf(d->target, sizeof(d->target), "own process group");
		return;
	}
	if (pid == -1) {
		snprintf(d->target, sizeof(d->target), "every process it may signal");
		return;
	}
	if (pid < 0) {
		snprintf(d->target, sizeof(d->target), "process group %lld", -pid);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%lld/comm", pid);
	if (read_small_at(AT_FDCWD, path, comm, sizeof(comm)) > 0)
		comm[strcspn(comm, "\n")] = '\0';
	if (comm[0])
		snprintf(d->target, sizeof(d->target), "%s %lld (%s)", what, pid, comm);
	else
		snprintf(d->target, sizeof(d->target), "%s %lld", what, pid);
}

static const char *af_name(int af)
{
	switch (af) {
	case AF_UNIX:
		return "AF_UNIX";
	case AF_INET:
		return "AF_INET";
	case AF_INET6:
		return "AF_INET6";
	case AF_NETLINK:
		return "AF_NETLINK";
	case AF_PACKET:
		return "AF_PACKET";
	default:
		return NULL;
	}
}

static const char *sock_type_name(int t)
{
	switch (t & 0xf) {
	case SOCK_STREAM:
		return "SOCK_STREAM";
	case SOCK_DGRAM:
		return "SOCK_DGRAM";
	case SOCK_RAW:
		return "SOCK_RAW";
	case SOCK_SEQPACKET:
		return "SOCK_SEQPACKET";
	default:
		return NULL;
	}
}

static const char *ipproto_name(int p)
{
	switch (p) {
	case 0:
		return "0";
	case IPPROTO_ICMP:
		return "IPPROTO_ICMP";
	case IPPROTO_ICMPV6:
		return "IPPROTO_ICMPV6";
	case IPPROTO_TCP:
		return "IPPROTO_TCP";
	case IPPROTO_UDP:
		return "IPPROTO_UDP";
	case IPPROTO_RAW:
		return "IPPROTO_RAW";
	default:
		return NULL;
	}
}

static void id_str(unsigned long long v, char *out, size_t n)
{
	if ((unsigned)v == 0xffffffffu)
		snprintf(out, n, "-1");
	else
		snprintf(out, n, "%u", (unsigned)v);
}

static void clone_flags(unsigned long long fl, char *out, size_t n)
{
	static const struct {
		unsigned long long bit;
		const char *name;
	} ns[] = {
	    {CLONE_NEWUSER, "CLONE_NEWUSER"},	  {CLONE_NEWNS, "CLONE_NEWNS"},
	    {CLONE_NEWPID, "CLONE_NEWPID"},	  {CLONE_NEWNET, "CLONE_NEWNET"},
	    {CLONE_NEWUTS, "CLONE_NEWUTS"},	  {CLONE_NEWIPC, "CLONE_NEWIPC"},
	    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
	};
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if ((fl & ns[i].bit) && used < n)
			used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "|" : "",
						 ns[i].name);
	if (!used)
		snprintf(out, n, "flags 0x%llx", fl);
}

/* setuid ... setresgid: the ids asked for */
static void id_target(struct denial *d, const char *sc, enum sc_target t)
{
	const unsigned long long *a = d->ev.args;
	bool u = sc[t == SCT_RESID ? 6 : 5] == 'u'; /* setre[su]... / setres[ug]... */
	char x[16], y[16], z[16];

	id_str(a[0], x, sizeof(x));
	if (t == SCT_UID || t == SCT_GID) {
		snprintf(d->target, sizeof(d->target), "%s %s", t == SCT_UID ? "uid" : "gid", x);
		return;
	}
	id_str(a[1], y, sizeof(y));
	if (t == SCT_REID) {
		snprintf(d->target, sizeof(d->target), "%s %s, %s %s", u ? "ruid" : "rgid", x,
			 u ? "euid" : "egid", y);
		return;
	}
	id_str(a[2], z, sizeof(z));
	snprintf(d->target, sizeof(d->target), "%s %s, %s %s, %s %s", u ? "ruid" : "rgid", x,
		 u ? "euid" : "egid", y, u ? "suid" : "sgid", z);
}

static void socket_target(struct denial *d)
{
	const unsigned long long *a = d->ev.args;
	const char *f = af_name((int)a[0]), *t = sock_type_name((int)a[1]);
	const char *p = ipproto_name((int)a[2]);
	char x[16], y[16], z[16];

	snprintf(x, sizeof(x), "%d", (int)a[0]);
	snprintf(y, sizeof(y), "%d", (int)a[1] & 0xf);
	snprintf(z, sizeof(z), "%d", (int)a[2]);
	snprintf(d->target, sizeof(d->target), "%s %s %s", f ? f : x, t ? t : y, p ? p : z);
}

/* bind/connect: the port the bind hook saw, else the socket */
static void port_target(struct denial *d)
{
	for (int i = 0; i < d->ev.n_ev && i < EP_MAX_EV; i++) {
		const struct ep_evidence *e = &d->ev.ev[i];

		if (e->kind == EP_EV_FUNC && e->a[0] == EP_HK_INET_BIND && e->a[1] < 65536) {
			snprintf(d->target, sizeof(d->target), "port %u", (unsigned)e->a[1]);
			return;
		}
	}
	snprintf(d->target, sizeof(d->target), "socket fd %d", (int)d->ev.args[0]);
}

/* The call's target from its arguments, as its row (sysclass.h .target) says. */
static void enrich_target(struct denial *d, const char *sc)
{
	const struct sc_row *r = sc ? sc_row_nr(d->ev.syscall_nr) : NULL;
	const unsigned long long *a = d->ev.args;

	switch (r ? r->target : SCT_NONE) {
	case SCT_PID:
		task_target(d, "pid", (long long)(int)a[0]);
		break;
	case SCT_TID:
		task_target(d, "tid", (long long)(int)a[0]);
		break;
	case SCT_PTRACE:
		if (a[0] == 0) /* PTRACE_TRACEME */
			snprintf(d->target, sizeof(d->target), "parent (PTRACE_TRACEME)");
		else
			task_target(d, "pid", (long long)(int)a[1]);
		break;
	case SCT_PRIO:
		if (a[0] == 1 || a[0] == 0) /* PRIO_PROCESS / IOPRIO_WHO_PROCESS */
			task_target(d, "pid", (long long)(int)a[1]);
		break;
	case SCT_PERF:
		snprintf(d->target, sizeof(d->target), "pid %d cpu %d", (int)a[1], (int)a[2]);
		break;
	case SCT_SOCKET:
		socket_target(d);
		break;
	case SCT_PORT:
		port_target(d);
		break;
	case SCT_UID:
	case SCT_GID:
	case SCT_REID:
	case SCT_RESID:
		id_target(d, sc, r->target);
		break;
	case SCT_GROUPS:
		snprintf(d->target, sizeof(d->target), "%d supplementary groups", (int)a[0]);
		break;
	case SCT_CLONE:
		clone_flags(a[0], d->target, sizeof(d->target));
		break;
	case SCT_SETNS:
		clone_flags(a[1], d->target, sizeof(d->target));
		break;
	case SCT_SYSLOG:
		snprintf(d->target, sizeof(d->target), "syslog action %d", (int)a[0]);
		break;
	case SCT_IOCTL:
		snprintf(d->target, sizeof(d->target), "ioctl 0x%llx", a[1] & 0xffffffffULL);
		break;
	case SCT_NONE:
		break;
	}
}

/* ---- facts observed later (attribution) ---------------------------------------------------- */

static void mark_creds(struct denial *d)
{
	if (d->ev.facts & EP_FACT_CREDS) {
		d->facts_at_denial |= DN_FACT_CREDS;
		if (d->ev.facts & EP_FACT_GROUPS_TRUNC)
			d->facts_later |= d->proc.valid ? DN_FACT_GROUPS : 0;
		else
			d->facts_at_denial |= DN_FACT_GROUPS;
	} else if (d->proc.valid) {
		d->facts_later |= DN_FACT_CREDS | DN_FACT_GROUPS;
	}
}

/* the process a kill/ptrace-like call aimed at: its uids from /proc, now */
static void later_target_task(struct denial *d, const char *sc)
{
	static const struct {
		const char *name;
		int arg;
	} rows[] = {{"kill", 0},
		    {"tkill", 0},
		    {"tgkill", 1},
		    {"rt_sigqueueinfo", 0},
		    {"rt_tgsigqueueinfo", 1},
		    {"ptrace", 1},
		    {"process_vm_readv", 0},
		    {"process_vm_writev", 0}};
	struct dn_proc p;
	char path[48], buf[4096];
	int pid = 0;

	for (size_t i = 0; sc && i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(sc, rows[i].name))
			pid = (int)d->ev.args[rows[i].arg];
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	memset(&p, 0, sizeof(p));
	if (read_small_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0 || proc_parse_status(buf, &p))
		return;
	d->target_valid = true;
	d->target_ruid = p.ruid, d->target_euid = p.euid, d->target_suid = p.suid;
	d->facts_later |= DN_FACT_TARGET;
}

static bool read_user(pid_t pid, __u64 addr, void *buf, size_t n)
{
	struct iovec l = {buf, n}, r = {(void *)(uintptr_t)addr, n};

	return addr && process_vm_readv(pid, &l, 1, &r, 1, 0) == (ssize_t)n;
}

/* connect/sendto's destination (IPAddressDeny= of a unit): the address as text */
static void later_peer(struct denial *d, const char *sc)
{
	const __u64 *a = d->ev.args;
	__u64 addr = !strcmp(sc, "connect") ? a[1] : a[4];
	__u64 len = !strcmp(sc, "connect") ? a[2] : a[5];
	struct sockaddr_in6 sa;
	size_t n = len < sizeof(sa) ? (size_t)len : sizeof(sa);
	const void *ip;
	char txt[INET6_ADDRSTRLEN];

	memset(&sa, 0, sizeof(sa));
	if (n < sizeof(struct sockaddr_in) || !read_user((pid_t)d->ev.pid, addr, &sa, n))
		return;
	if (sa.sin6_family == AF_INET)
		ip = &((struct sockaddr_in *)&sa)->sin_addr;
	else if (sa.sin6_family == AF_INET6 && n >= sizeof(sa))
		ip = &sa.sin6_addr;
	else
		return;
	if (!inet_ntop(sa.sin6_family, ip, txt, sizeof(txt)))
		return;
	snprintf(d->peer_addr, sizeof(d->peer_addr), "%s", txt);
	d->facts_later |= DN_FACT_ARGS;
	if (!d->target[0] || !strncmp(d->target, "socket fd", 9))
		snprintf(d->target, sizeof(d->target), "%s port %u", txt, ntohs(sa.sin6_port));
}

/* memory behind pointer arguments: bind's port as the kernel read it at the exit, else from
 * the live process (it may have changed since) */
static void later_user_args(struct denial *d, const char *sc)
{
	const __u64 *a = d->ev.args;
	struct sockaddr_in6 sa;
	__u64 rl[2];

	if (sc && !strcmp(sc, "bind") && (d->ev.facts & EP_FACT_PORT)) {
		d->bind_port = d->ev.bind_port; /* the kernel read it at the syscall's exit */
		d->facts_at_denial |= DN_FACT_ARGS;
		if (!d->target[0] || !strncmp(d->target, "socket fd", 9))
			snprintf(d->target, sizeof(d->target), "port %u", d->bind_port);
		return;
	}
	if (!sc || !d->proc.valid)
		return;
	if (!strcmp(sc, "bind") && a[2] >= sizeof(struct sockaddr_in) &&
	    read_user((pid_t)d->ev.pid, a[1], &sa, sizeof(struct sockaddr_in)) &&
	    (sa.sin6_family == AF_INET || sa.sin6_family == AF_INET6)) {
		d->bind_port = ntohs(sa.sin6_port); /* same offset in sockaddr_in */
		d->facts_later |= DN_FACT_ARGS;
		if (!d->target[0] || !strncmp(d->target, "socket fd", 9))
			snprintf(d->target, sizeof(d->target), "port %u", d->bind_port);
	} else if (!strcmp(sc, "connect") || !strcmp(sc, "sendto")) {
		later_peer(d, sc);
	} else if ((!strcmp(sc, "setrlimit") &&
		    read_user((pid_t)d->ev.pid, a[1], rl, sizeof(rl))) ||
		   (!strcmp(sc, "prlimit64") &&
		    read_user((pid_t)d->ev.pid, a[2], rl, sizeof(rl)))) {
		d->rlim_max = rl[1] ? rl[1] : 0;
		d->facts_later |= DN_FACT_ARGS;
	}
}

/* the symbolic link the path ends in, and its directory (fs.protected_symlinks) */
static void later_link(struct denial *d, int pdfd)
{
	char dir[sizeof(d->path)];
	struct stat st, ds;
	char *slash;
	int root;

	if (d->ev.ret != -EP_EACCES || d->path[0] != '/' || d->path_from_fd)
		return;
	root = pdfd >= 0 ? openat(pdfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	/* the process may be gone already: its root is ours when it shared our mount namespace */
	if (root < 0 && (!d->ev.mntns_ino || d->ev.mntns_ino == own_mntns()))
		root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return;
	snprintf(dir, sizeof(dir), "%s", d->path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!fstatat(root, d->path + 1, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode) &&
	    !fstatat(root, dir[0] ? dir + 1 : ".", &ds, dir[1] ? 0 : AT_EMPTY_PATH)) {
		d->link_valid = true;
		d->link_uid = st.st_uid;
		d->link_dir_mode = ds.st_mode;
		d->link_dir_uid = ds.st_uid;
		d->facts_later |= DN_FACT_LINK;
	}
	close(root);
}

void enrich_denial(struct enrich_cache *c, struct denial *d)
{
	struct ep_event *ev = &d->ev;
	const char *sc;
	int pdfd;

	ev->path[EP_PATH_LEN - 1] = '\0';
	ev->comm[EP_COMM_LEN - 1] = '\0';
	sc = (ev->flags & EP_F_COMPAT) ? NULL : syscall_name(ev->syscall_nr);
	pdfd = proc_open_pid((pid_t)ev->pid);
	enrich_proc(c, d, pdfd);
	proc_from_kernel(d);
	exe_from_event(d);
	enrich_file(d, pdfd);
	if (!d->path[0] && ev->path[0])
		snprintf(d->path, sizeof(d->path), "%s", ev->path);
	file_apply_facts(d);
	mark_creds(d);
	enrich_target(d, sc);
	later_target_task(d, sc);
	later_user_args(d, sc);
	later_link(d, pdfd);
	enrich_sysctls(c, d, sc);
	enrich_security(c, d);
	if (pdfd >= 0)
		close(pdfd);
}

void enrich_listener(struct denial *d, enrich_listener_fn fn, void *ctx)
{
	bool later = false;

	d->listener_found[0] = '\0';
	d->listener_checked = fn != NULL;
	if (fn && fn(ctx, d->ev.ts_ns, d->listener_found, sizeof(d->listener_found), &later) > 0)
		d->listener_later = later;
	else
		d->listener_found[0] = '\0';
}

void enrich_wanted(struct enrich_cache *c, struct denial *d, unsigned want)
{
	lookup_wanted(c ? c->pkgs : NULL, d, want);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Syscall classes by name: one table, read by cause.c and diagnose.c. */
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include "names.h"
#include "sysclass.h"

struct sc_row {
	const char *name;
	enum sc_class cls;
	const char *verb;
	signed char flags_arg;
};

static const struct sc_row sc_rows[] = {
    {"open", SC_OPEN, "open", 1},
    {"openat", SC_OPEN, "open", 2},
    {"openat2", SC_OPEN, "open", -1},
    {"creat", SC_OPEN, "create", -1},
    {"open_by_handle_at", SC_OPEN, "open", 2},
    {"execve", SC_EXEC, "execute", -1},
    {"execveat", SC_EXEC, "execute", -1},
    {"uselib", SC_EXEC, "load", -1},
    {"unlink", SC_UNLINK, "delete", -1},
    {"unlinkat", SC_UNLINK, "delete", -1},
    {"rmdir", SC_RMDIR, "remove", -1},
    {"rename", SC_RENAME, "rename", -1},
    {"renameat", SC_RENAME, "rename", -1},
    {"renameat2", SC_RENAME, "rename", -1},
    {"link", SC_LINK, "hard-link", -1},
    {"linkat", SC_LINK, "hard-link", -1},
    {"mkdir", SC_CREATE, "create directory", -1},
    {"mkdirat", SC_CREATE, "create directory", -1},
    {"mknod", SC_CREATE, "create node", -1},
    {"mknodat", SC_CREATE, "create node", -1},
    {"symlink", SC_CREATE, "create symlink", -1},
    {"symlinkat", SC_CREATE, "create symlink", -1},
    {"chmod", SC_SETATTR, "chmod", -1},
    {"fchmod", SC_SETATTR, "chmod", -1},
    {"fchmodat", SC_SETATTR, "chmod", -1},
    {"fchmodat2", SC_SETATTR, "chmod", -1},
    {"chown", SC_SETATTR, "chown", -1},
    {"fchown", SC_SETATTR, "chown", -1},
    {"lchown", SC_SETATTR, "chown", -1},
    {"fchownat", SC_SETATTR, "chown", -1},
    {"utime", SC_SETATTR, "set the times of", -1},
    {"utimes", SC_SETATTR, "set the times of", -1},
    {"utimensat", SC_SETATTR, "set the times of", -1},
    {"futimesat", SC_SETATTR, "set the times of", -1},
    {"truncate", SC_SETATTR, "truncate", -1},
    {"ftruncate", SC_SETATTR, "truncate", -1},
    {"fallocate", SC_SETATTR, "allocate space in", -1},
    {"setxattr", SC_SETATTR, "set an xattr on", -1},
    {"lsetxattr", SC_SETATTR, "set an xattr on", -1},
    {"fsetxattr", SC_SETATTR, "set an xattr on", -1},
    {"removexattr", SC_SETATTR, "remove an xattr from", -1},
    {"lremovexattr", SC_SETATTR, "remove an xattr from", -1},
    {"fremovexattr", SC_SETATTR, "remove an xattr from", -1},
    {"read", SC_READ, "read", -1},
    {"pread64", SC_READ, "read", -1},
    {"readv", SC_READ, "read", -1},
    {"preadv", SC_READ, "read", -1},
    {"preadv2", SC_READ, "read", -1},
    {"write", SC_WRITE, "write", -1},
    {"pwrite64", SC_WRITE, "write", -1},
    {"writev", SC_WRITE, "write", -1},
    {"pwritev", SC_WRITE, "write", -1},
    {"pwritev2", SC_WRITE, "write", -1},
    {"mmap", SC_MMAP, "map", 2},
    {"mprotect", SC_MMAP, "change the protection of", 2},
    {"pkey_mprotect", SC_MMAP, "change the protection of", 2},
    {"ptrace", SC_PTRACE, "trace", 0},
    {"process_vm_readv", SC_PTRACE, "read the memory of", -1},
    {"process_vm_writev", SC_PTRACE, "write the memory of", -1},
    {"kill", SC_KILL, "signal", -1},
    {"tkill", SC_KILL, "signal", -1},
    {"tgkill", SC_KILL, "signal", -1},
    {"pidfd_send_signal", SC_KILL, "signal", -1},
    {"rt_sigqueueinfo", SC_KILL, "signal", -1},
    {"rt_tgsigqueueinfo", SC_KILL, "signal", -1},
    {"socket", SC_SOCKET, "create a socket", -1},
    {"bind", SC_BIND, "bind", -1},
    {"bpf", SC_BPF, "use bpf()", -1},
    {"perf_event_open", SC_PERF, "open a perf event", -1},
    {"unshare", SC_UNSHARE, "unshare namespaces", 0},
    {"clone", SC_CLONE, "clone", 0},
    {"clone3", SC_CLONE, "clone", -1},
    {"setuid", SC_SETID, "change uid", -1},
    {"setgid", SC_SETID, "change gid", -1},
    {"setreuid", SC_SETID, "change uid", -1},
    {"setregid", SC_SETID, "change gid", -1},
    {"setresuid", SC_SETID, "change uid", -1},
    {"setresgid", SC_SETID, "change gid", -1},
    {"setfsuid", SC_SETID, "change uid", -1},
    {"setfsgid", SC_SETID, "change gid", -1},
    {"setgroups", SC_SETID, "set groups", -1},
    {"access", SC_ACCESS, "access", -1},
    {"faccessat", SC_ACCESS, "access", -1},
    {"faccessat2", SC_ACCESS, "access", -1},
    {"stat", SC_STAT, "look up", -1},
    {"lstat", SC_STAT, "look up", -1},
    {"newfstatat", SC_STAT, "look up", -1},
    {"statx", SC_STAT, "look up", -1},
    {"readlink", SC_STAT, "read the link", -1},
    {"readlinkat", SC_STAT, "read the link", -1},
    {"chdir", SC_CHDIR, "enter", -1},
    {"fchdir", SC_CHDIR, "enter", -1},
    {"chroot", SC_CHROOT, "chroot to", -1},
    {"mount", SC_MOUNT, "mount", -1},
    {"umount2", SC_MOUNT, "unmount", -1},
    {"pivot_root", SC_MOUNT, "pivot_root", -1},
    {"fsopen", SC_MOUNT, "mount", -1},
    {"fsmount", SC_MOUNT, "mount", -1},
    {"move_mount", SC_MOUNT, "mount", -1},
    {"sethostname", SC_HOSTNAME, "set the hostname", -1},
    {"setdomainname", SC_HOSTNAME, "set the domain name", -1},
    {"init_module", SC_MODULE, "load a kernel module", -1},
    {"finit_module", SC_MODULE, "load a kernel module", -1},
    {"delete_module", SC_MODULE, "unload a kernel module", -1},
    {"kexec_load", SC_KEXEC, "load a kexec kernel", -1},
    {"kexec_file_load", SC_KEXEC, "load a kexec kernel", -1},
    {"iopl", SC_IOPORT, "raise its I/O privilege level", -1},
    {"ioperm", SC_IOPORT, "access I/O ports", -1},
    {"settimeofday", SC_TIME, "set the clock", -1},
    {"clock_settime", SC_TIME, "set the clock", -1},
    {"adjtimex", SC_TIME, "adjust the clock", -1},
    {"clock_adjtime", SC_TIME, "adjust the clock", -1},
    {"reboot", SC_REBOOT, "reboot", -1},
    {"setns", SC_SETNS, "join a namespace", -1},
};

/* The override capability per syscall (linux/capability.h numbers), kept apart from sc_rows so
 * other columns merge cleanly. init_ns: the kernel asks capable() (the initial namespace) or
 * ns_capable() of a namespace the task's own user namespace does not own. */
struct sc_cap_row {
	const char *name;
	signed char cap;
	signed char err; /* EP_EPERM / EP_EACCES */
	unsigned char when;
	bool init_ns;
};

static const struct sc_cap_row sc_caps[] = {
    {"kill", 5, EP_EPERM, SCW_KILL, false},
    {"tkill", 5, EP_EPERM, SCW_KILL, false},
    {"tgkill", 5, EP_EPERM, SCW_KILL, false},
    {"rt_sigqueueinfo", 5, EP_EPERM, SCW_KILL, false},
    {"rt_tgsigqueueinfo", 5, EP_EPERM, SCW_KILL, false},
    {"pidfd_send_signal", 5, EP_EPERM, SCW_KILL, false},
    {"chown", 0, EP_EPERM, SCW_ALWAYS, false},
    {"fchown", 0, EP_EPERM, SCW_ALWAYS, false},
    {"lchown", 0, EP_EPERM, SCW_ALWAYS, false},
    {"fchownat", 0, EP_EPERM, SCW_ALWAYS, false},
    {"chmod", 3, EP_EPERM, SCW_OWNER, false},
    {"fchmod", 3, EP_EPERM, SCW_OWNER, false},
    {"fchmodat", 3, EP_EPERM, SCW_OWNER, false},
    {"fchmodat2", 3, EP_EPERM, SCW_OWNER, false},
    {"utimensat", 3, EP_EPERM, SCW_OWNER, false},
    {"utimes", 3, EP_EPERM, SCW_OWNER, false},
    {"utime", 3, EP_EPERM, SCW_OWNER, false},
    {"futimesat", 3, EP_EPERM, SCW_OWNER, false},
    {"setuid", 7, EP_EPERM, SCW_ALWAYS, false},
    {"setreuid", 7, EP_EPERM, SCW_ALWAYS, false},
    {"setresuid", 7, EP_EPERM, SCW_ALWAYS, false},
    {"setfsuid", 7, EP_EPERM, SCW_ALWAYS, false},
    {"setgid", 6, EP_EPERM, SCW_ALWAYS, false},
    {"setregid", 6, EP_EPERM, SCW_ALWAYS, false},
    {"setresgid", 6, EP_EPERM, SCW_ALWAYS, false},
    {"setfsgid", 6, EP_EPERM, SCW_ALWAYS, false},
    {"setgroups", 6, EP_EPERM, SCW_ALWAYS, false},
    {"bind", 10, EP_EACCES, SCW_BIND, false},
    {"socket", 13, EP_EPERM, SCW_RAW, false},
    {"iopl", 17, EP_EPERM, SCW_ALWAYS, true},
    {"ioperm", 17, EP_EPERM, SCW_ALWAYS, true},
    {"chroot", 18, EP_EPERM, SCW_ALWAYS, false},
    {"ptrace", 19, EP_EPERM, SCW_PTRACE, false},
    {"process_vm_readv", 19, EP_EPERM, SCW_PTRACE, false},
    {"process_vm_writev", 19, EP_EPERM, SCW_PTRACE, false},
    {"acct", 20, EP_EPERM, SCW_ALWAYS, true},
    {"sethostname", 21, EP_EPERM, SCW_ALWAYS, true},
    {"setdomainname", 21, EP_EPERM, SCW_ALWAYS, true},
    {"mount", 21, EP_EPERM, SCW_ALWAYS, true},
    {"umount2", 21, EP_EPERM, SCW_ALWAYS, true},
    {"pivot_root", 21, EP_EPERM, SCW_ALWAYS, true},
    {"fsopen", 21, EP_EPERM, SCW_ALWAYS, true},
    {"fsmount", 21, EP_EPERM, SCW_ALWAYS, true},
    {"move_mount", 21, EP_EPERM, SCW_ALWAYS, true},
    {"swapon", 21, EP_EPERM, SCW_ALWAYS, true},
    {"swapoff", 21, EP_EPERM, SCW_ALWAYS, true},
    {"setns", 21, EP_EPERM, SCW_ALWAYS, true},
    {"unshare", 21, EP_EPERM, SCW_NEWNS, false},
    {"clone", 21, EP_EPERM, SCW_NEWNS, false},
    {"quotactl", 21, EP_EPERM, SCW_ALWAYS, true},
    {"reboot", 22, EP_EPERM, SCW_ALWAYS, true},
    {"kexec_load", 22, EP_EPERM, SCW_ALWAYS, true},
    {"kexec_file_load", 22, EP_EPERM, SCW_ALWAYS, true},
    {"setpriority", 23, EP_EACCES, SCW_ALWAYS, false},
    {"sched_setscheduler", 23, EP_EPERM, SCW_RT, false},
    {"sched_setattr", 23, EP_EPERM, SCW_RT, false},
    {"setrlimit", 24, EP_EPERM, SCW_RLIMIT, false},
    {"prlimit64", 24, EP_EPERM, SCW_RLIMIT, false},
    {"settimeofday", 25, EP_EPERM, SCW_ALWAYS, true},
    {"clock_settime", 25, EP_EPERM, SCW_ALWAYS, true},
    {"clock_adjtime", 25, EP_EPERM, SCW_ALWAYS, true},
    {"adjtimex", 25, EP_EPERM, SCW_ALWAYS, true},
    {"stime", 25, EP_EPERM, SCW_ALWAYS, true},
    {"vhangup", 26, EP_EPERM, SCW_ALWAYS, true},
    {"mknod", 27, EP_EPERM, SCW_DEVNODE, false},
    {"mknodat", 27, EP_EPERM, SCW_DEVNODE, false},
    {"init_module", 16, EP_EPERM, SCW_ALWAYS, true},
    {"finit_module", 16, EP_EPERM, SCW_ALWAYS, true},
    {"delete_module", 16, EP_EPERM, SCW_ALWAYS, true},
};

static void sc_cap_lookup(const char *name, struct sc_info *out)
{
	out->cap = -1;
	out->cap_err = EP_EPERM;
	out->cap_when = SCW_ALWAYS;
	out->cap_init_ns = false;
	for (size_t i = 0; name && i < sizeof(sc_caps) / sizeof(sc_caps[0]); i++) {
		if (strcmp(sc_caps[i].name, name) == 0) {
			out->cap = sc_caps[i].cap;
			out->cap_err = sc_caps[i].err;
			out->cap_when = (enum sc_cap_when)sc_caps[i].when;
			out->cap_init_ns = sc_caps[i].init_ns;
			return;
		}
	}
}

unsigned sc_mknod_mode(const struct denial *d, const struct sc_info *si)
{
	if (si->cls != SC_CREATE || strncmp(si->name, "mknod", 5))
		return 0;
	return (unsigned)d->ev.args[strcmp(si->name, "mknodat") ? 1 : 2];
}

void sc_lookup(const struct denial *d, struct sc_info *out, char *buf, int n)
{
	const char *name = NULL;

	out->cls = SC_OTHER;
	out->verb = NULL;
	out->flags_arg = -1;
	if (!(d->ev.flags & EP_F_COMPAT))
		name = syscall_name(d->ev.syscall_nr);
	sc_cap_lookup(name, out);
	if (!name) {
		snprintf(buf, n, "syscall %d%s", d->ev.syscall_nr,
			 (d->ev.flags & EP_F_COMPAT) ? " (32-bit)" : "");
		out->name = buf;
		return;
	}
	out->name = name;
	for (size_t i = 0; i < sizeof(sc_rows) / sizeof(sc_rows[0]); i++) {
		if (strcmp(sc_rows[i].name, name) == 0) {
			out->cls = sc_rows[i].cls;
			out->verb = sc_rows[i].verb;
			out->flags_arg = sc_rows[i].flags_arg;
			return;
		}
	}
}

long sc_open_flags(const struct denial *d, const struct sc_info *si)
{
	if (si->cls != SC_OPEN)
		return -1;
	if (strcmp(si->name, "creat") == 0)
		return O_CREAT | O_WRONLY | O_TRUNC;
	if (si->flags_arg < 0)
		return -1;
	return (long)(unsigned int)d->ev.args[si->flags_arg];
}

bool sc_modifies_file(const struct denial *d, const struct sc_info *si)
{
	long fl;

	if (si->cls == SC_SETATTR)
		return true;
	if (si->cls != SC_OPEN)
		return false;
	fl = sc_open_flags(d, si);
	if (fl < 0)
		return true; /* flags unknown: cannot rule it out */
	return (fl & O_ACCMODE) != O_RDONLY || (fl & O_TRUNC);
}

bool sc_modifies_dir(const struct sc_info *si)
{
	switch (si->cls) {
	case SC_UNLINK:
	case SC_RMDIR:
	case SC_RENAME:
	case SC_LINK:
	case SC_CREATE:
		return true;
	default:
		return false;
	}
}

bool sc_prot_exec(const struct denial *d, const struct sc_info *si)
{
	return si->cls == SC_MMAP && si->flags_arg >= 0 && (d->ev.args[si->flags_arg] & PROT_EXEC);
}

bool sc_new_userns(const struct denial *d, const struct sc_info *si)
{
	if ((si->cls != SC_UNSHARE && si->cls != SC_CLONE) || si->flags_arg < 0)
		return false;
	return d->ev.args[si->flags_arg] & CLONE_NEWUSER;
}

bool sc_ptrace_attach(const struct denial *d, const struct sc_info *si)
{
	if (si->cls != SC_PTRACE)
		return false;
	if (si->flags_arg < 0)
		return true; /* process_vm_* */
	return d->ev.args[0] == PTRACE_ATTACH || d->ev.args[0] == PTRACE_SEIZE;
}

bool sc_ping_socket(const struct denial *d, const struct sc_info *si)
{
	const __u64 *a = d->ev.args;

	if (si->cls != SC_SOCKET || (a[1] & 0xf) != SOCK_DGRAM)
		return false;
	return (a[0] == AF_INET && a[2] == IPPROTO_ICMP) ||
	       (a[0] == AF_INET6 && a[2] == IPPROTO_ICMPV6);
}

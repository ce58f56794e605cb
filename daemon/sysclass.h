/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a failing syscall was trying to do, by name (portable across architectures): the class
 * the cause rules and the diagnosis words key on, and decoders for the few arguments they read. */
#ifndef EPERMD_SYSCLASS_H
#define EPERMD_SYSCLASS_H

#include <stdbool.h>

#include "denial.h"

enum sc_class {
	SC_OTHER = 0,
	SC_OPEN,
	SC_EXEC,
	SC_UNLINK,
	SC_RMDIR,
	SC_RENAME,
	SC_LINK,
	SC_CREATE,  /* mkdir, mknod, symlink */
	SC_SETATTR, /* chmod, chown, utimes, truncate, xattr */
	SC_READ,
	SC_WRITE,
	SC_MMAP,
	SC_PTRACE,
	SC_KILL,
	SC_SOCKET,
	SC_BIND,
	SC_BPF,
	SC_PERF,
	SC_UNSHARE,
	SC_CLONE,
	SC_SETID,
	SC_ACCESS,
	SC_CHDIR,
	SC_MOUNT,
	SC_HOSTNAME,
	SC_MODULE,
	SC_KEXEC,
	SC_IOPORT,
	SC_TIME,
	SC_REBOOT,
	SC_CHROOT,
	SC_SETNS,
	SC_STAT, /* stat, lstat, newfstatat, statx, readlink: look up a path */
};

/* When the override capability explains a denial of its syscall (cause.c rule_cap_infer). */
enum sc_cap_when {
	SCW_ALWAYS = 0, /* any denial with cap_err: the syscall is privileged outright */
	SCW_KILL,	/* the target's uids differ from the caller's */
	SCW_OWNER,	/* the file is not the caller's (chmod, utimes with times) */
	SCW_RAW,	/* socket(): SOCK_RAW or AF_PACKET */
	SCW_BIND,	/* bind(): port below net.ipv4.ip_unprivileged_port_start */
	SCW_DEVNODE,	/* mknod(at) of a character or block device */
	SCW_NEWNS,	/* unshare/clone: a namespace flag other than CLONE_NEWUSER */
	SCW_RLIMIT,	/* setrlimit/prlimit64 (fs.nr_open for RLIMIT_NOFILE) */
	SCW_RT,		/* sched_setscheduler/sched_setattr: a real-time policy */
	SCW_PTRACE,	/* ptrace attach, process_vm_*: target uids differ */
};

struct sc_info {
	enum sc_class cls;
	const char *name; /* the syscall's name, "syscall <nr>" when unknown */
	const char *verb; /* "open", "execute", "delete" ... for the diagnosis sentence */
	int flags_arg;	  /* 0-based argument with open flags / prot / clone flags, -1 none */
	/* the override capability the kernel tests when the plain check fails (sc_caps[] in
	 * sysclass.c), for inference without the cap_capable tracepoint; -1 none */
	int cap;
	int cap_err;		   /* the errno (EP_EPERM / EP_EACCES) that denial of cap returns */
	enum sc_cap_when cap_when; /* when the capability is what was missing */
	bool cap_init_ns; /* checked against the initial (or the object's owning) user namespace:
			   * a task in a child user namespace never passes it */
};

/* Classify d->ev.syscall_nr (compat syscalls are not classified). name points into a static
 * table or into buf. */
void sc_lookup(const struct denial *d, struct sc_info *out, char *buf, int n);

/* The mode argument of mknod/mknodat; 0 when not one of them. */
unsigned sc_mknod_mode(const struct denial *d, const struct sc_info *si);

/* Open flags of an open-like call; -1 when not decodable (openat2 passes a pointer). */
long sc_open_flags(const struct denial *d, const struct sc_info *si);
/* The call would modify the file itself (open for write/O_TRUNC, set attributes). */
bool sc_modifies_file(const struct denial *d, const struct sc_info *si);
/* The call modifies the parent directory (create, delete, rename, link). */
bool sc_modifies_dir(const struct sc_info *si);
/* mmap/mprotect asking for PROT_EXEC. */
bool sc_prot_exec(const struct denial *d, const struct sc_info *si);
/* unshare/clone with CLONE_NEWUSER. */
bool sc_new_userns(const struct denial *d, const struct sc_info *si);
/* ptrace(PTRACE_ATTACH/SEIZE) or process_vm_readv/writev. */
bool sc_ptrace_attach(const struct denial *d, const struct sc_info *si);
/* socket(AF_INET/AF_INET6, SOCK_DGRAM, IPPROTO_ICMP/ICMPV6). */
bool sc_ping_socket(const struct denial *d, const struct sc_info *si);

#endif

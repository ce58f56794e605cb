/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The types of the attribute stage's verdict that the explain stage reads instead of
 * computing them again: what the failing syscall was trying to do (sysclass.c) and what the
 * DAC check said (dac.c). Both are stored in struct denial by cause_decide().
 */
#ifndef EPERMD_VERDICT_H
#define EPERMD_VERDICT_H

#include <stdbool.h>

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

#define DAC_R 4
#define DAC_W 2
#define DAC_X 1

struct dac_result {
	bool decided;	/* enough was known to check */
	bool denied;	/* DAC would refuse */
	bool on_parent; /* the refused check is on the parent directory */
	bool on_walk;	/* the refused check is search (x) on d->walk.dir, a directory on the way */
	int want;	/* DAC_* bits asked for on the object checked */
	int granted;	/* the subset of want that DAC grants */
	const char
	    *role; /* "owner", "named user", "owning group", "named group", "other", "capability" */
};

#endif

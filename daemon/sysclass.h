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

struct sc_info {
	enum sc_class cls;
	const char *name; /* the syscall's name, "syscall <nr>" when unknown */
	const char *verb; /* "open", "execute", "delete" ... for the diagnosis sentence */
	int flags_arg;	  /* 0-based argument with open flags / prot / clone flags, -1 none */
};

/* Classify d->ev.syscall_nr (compat syscalls are not classified). name points into a static
 * table or into buf. */
void sc_lookup(const struct denial *d, struct sc_info *out, char *buf, int n);

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

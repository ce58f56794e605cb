/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a failing syscall was trying to do, by name (portable across architectures): the class
 * the cause rules and the diagnosis words key on, and decoders for the few arguments they read. */
#ifndef EPERMD_SYSCLASS_H
#define EPERMD_SYSCLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "denial.h"
#include "verdict.h"

/* How enrich names a call's target from its arguments (enrich.c enrich_target()). */
enum sc_target {
	SCT_NONE = 0,
	SCT_PID,    /* a[0] is a pid */
	SCT_TID,    /* a[0] is a thread id */
	SCT_PTRACE, /* a[1] is the pid, or PTRACE_TRACEME */
	SCT_PRIO,   /* a[1] is the pid when a[0] says a process */
	SCT_PERF,   /* pid a[1], cpu a[2] */
	SCT_SOCKET, /* family, type, protocol */
	SCT_PORT,   /* the port the bind hook saw, else the socket fd */
	SCT_UID,    /* a[0] */
	SCT_GID,    /* a[0] */
	SCT_REID,   /* real and effective ids */
	SCT_RESID,  /* real, effective and saved ids */
	SCT_GROUPS, /* the number of supplementary groups */
	SCT_CLONE,  /* clone flags in a[0] */
	SCT_SETNS,  /* namespace type in a[1] */
	SCT_SYSLOG, /* the syslog action */
	SCT_IOCTL,  /* the request */
};

/* The capability that overrides the plain check a syscall failed (struct sc_info's cap ...). */
struct sc_override {
	bool set;
	signed char cap;
	signed char err;    /* EP_EPERM / EP_EACCES */
	unsigned char when; /* enum sc_cap_when */
	bool init_ns;
};

/* One row of syscall_rows.inc: everything the stages know about one syscall. Argument positions
 * are 1-based, 0 = none. */
struct sc_row {
	const char *name;
	enum sc_class cls;
	const char *verb;	/* for the diagnosis sentence; NULL for SC_OTHER */
	unsigned char flags;	/* open flags / prot / clone flags */
	unsigned char path;	/* the user path the kernel side copies */
	unsigned char dirfd;	/* the dirfd that path is relative to */
	unsigned char fd;	/* the fd of an fd-based call */
	struct sc_override ovr; /* the override capability, for inference */
	bool nofollow;		/* a final symlink is not followed */
	bool open_flags;	/* flags are open(2)'s: O_NOFOLLOW, O_CREAT (a new file: parent) */
	unsigned char at_nofollow; /* the argument with AT_SYMLINK_NOFOLLOW */
	unsigned char at_follow;   /* the argument with AT_SYMLINK_FOLLOW (linkat) */
	bool parent;		   /* the call changes the parent directory */
	enum sc_target target;
};

/* The row of syscall @name; NULL when the table has none (or name is NULL). */
const struct sc_row *sc_row_of(const char *name);
/* The row of native syscall number @nr (syscall_name()); NULL when none. Thread-safe. */
const struct sc_row *sc_row_nr(int nr);
/* The table's i-th row, NULL past the last (for checks over the whole table). */
const struct sc_row *sc_row_at(size_t i);
/* By syscall number (native): the 1-based argument holding a user path, the dirfd for that
 * path, an fd (fd-based calls); 0 none. */
int syscall_path_arg(int nr);
int syscall_dirfd_arg(int nr);
int syscall_fd_arg(int nr);

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
/* Does the call (by name, @a its arguments) ask for memory both writable and executable, or
 * for exec on a mapping: mmap with PROT_WRITE|PROT_EXEC, mprotect/pkey_mprotect with
 * PROT_EXEC, shmat with SHM_EXEC. That is what systemd's MemoryDenyWriteExecute= seccomp filter
 * refuses; the kernel's MDWE (@kernel, map_deny_write_exec()) spares shmat with SHM_RDONLY. */
bool sc_wx_request(const char *sc, const unsigned long long *a, bool kernel);
/* unshare/clone with CLONE_NEWUSER. */
bool sc_new_userns(const struct denial *d, const struct sc_info *si);
/* ptrace(PTRACE_ATTACH/SEIZE) or process_vm_readv/writev. */
bool sc_ptrace_attach(const struct denial *d, const struct sc_info *si);
/* socket(AF_INET/AF_INET6, SOCK_DGRAM, IPPROTO_ICMP/ICMPV6). */
bool sc_ping_socket(const struct denial *d, const struct sc_info *si);

#endif

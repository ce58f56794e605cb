// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The syscall table (syscall_rows.inc, one row per syscall) and what the stages read from it:
 * classes, argument positions, override capabilities, argument decoders. */
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>

#include "names.h"
#include "sysclass.h"

/* OVR(cap, errno, when, init_ns): the override capability column of a row. init_ns: the
 * kernel asks capable() (the initial namespace) or ns_capable() of a namespace the task's own
 * user namespace does not own. */
#define OVR(c, e, w, i) .ovr = {true, c, e, w, i}

static const struct sc_row sc_rows[] = {
#include "syscall_rows.inc"
};

#undef OVR

const struct sc_row *sc_row_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(sc_rows) / sizeof(sc_rows[0]); i++)
		if (!strcmp(sc_rows[i].name, name))
			return &sc_rows[i];
	return NULL;
}

/* The rows by native syscall number, built once: a denial looks its row up several times
 * (class, argument positions, path flags, target), a name scan each time costs microseconds. */
#define SC_NR_INDEX 1024
static const struct sc_row *rows_by_nr[SC_NR_INDEX];
static pthread_once_t rows_once = PTHREAD_ONCE_INIT;

static void rows_index(void)
{
	for (int nr = 0; nr < SC_NR_INDEX; nr++)
		rows_by_nr[nr] = sc_row_of(syscall_name(nr));
}

const struct sc_row *sc_row_nr(int nr)
{
	if (nr < 0 || nr >= SC_NR_INDEX)
		return sc_row_of(syscall_name(nr));
	pthread_once(&rows_once, rows_index);
	return rows_by_nr[nr];
}

/* Where the user path, its dirfd, or the fd sits: the syscall's row (sysclass.h). */
static const struct sc_row *sys_args_of(int nr)
{
	return sc_row_nr(nr);
}

const struct sc_row *sc_row_at(size_t i)
{
	return i < sizeof(sc_rows) / sizeof(sc_rows[0]) ? &sc_rows[i] : NULL;
}

int syscall_path_arg(int nr)
{
	const struct sc_row *a = sys_args_of(nr);

	return a ? a->path : 0;
}

int syscall_dirfd_arg(int nr)
{
	const struct sc_row *a = sys_args_of(nr);

	return a ? a->dirfd : 0;
}

int syscall_fd_arg(int nr)
{
	const struct sc_row *a = sys_args_of(nr);

	return a ? a->fd : 0;
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
	const struct sc_row *r;
	bool ovr;

	if (!(d->ev.flags & EP_F_COMPAT))
		name = syscall_name(d->ev.syscall_nr);
	r = name ? sc_row_nr(d->ev.syscall_nr) : NULL;
	ovr = r && r->ovr.set;
	out->cls = r ? r->cls : SC_OTHER;
	out->verb = r ? r->verb : NULL;
	out->flags_arg = r ? r->flags - 1 : -1;
	out->cap = ovr ? r->ovr.cap : -1;
	out->cap_err = ovr ? r->ovr.err : EP_EPERM;
	out->cap_when = ovr ? (enum sc_cap_when)r->ovr.when : SCW_ALWAYS;
	out->cap_init_ns = ovr && r->ovr.init_ns;
	if (!name) {
		snprintf(buf, n, "syscall %d%s", d->ev.syscall_nr,
			 (d->ev.flags & EP_F_COMPAT) ? " (32-bit)" : "");
		out->name = buf;
		return;
	}
	out->name = name;
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

bool sc_wx_request(const char *sc, const unsigned long long *a, bool kernel)
{
	if (!strcmp(sc, "mmap"))
		return (a[2] & 6) == 6; /* PROT_WRITE|PROT_EXEC */
	if (!strcmp(sc, "mprotect") || !strcmp(sc, "pkey_mprotect"))
		return a[2] & 4;  /* PROT_EXEC */
	if (!strcmp(sc, "shmat")) /* SHM_EXEC, and for the kernel not SHM_RDONLY */
		return (a[2] & 0100000) && !(kernel && (a[2] & 010000));
	return false;
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

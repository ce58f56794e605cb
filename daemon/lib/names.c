// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Name tables. Syscall, errno and capability names are generated from the UAPI headers. */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "epermd.h"
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const syscall_names[] = {
#include "syscalls.inc"
};

static const char *const errno_names[] = {
#include "errnos.inc"
};

static const char *const cap_names[] = {
#include "caps.inc"
};

/* Where the user path, its dirfd, or the fd sits, by syscall name (1-based, 0 = none). */
struct sys_args {
	const char *name;
	unsigned char path;
	unsigned char dirfd;
	unsigned char fd;
};

static const struct sys_args sys_args[] = {
    {"open", 1, 0, 0},
    {"openat", 2, 1, 0},
    {"openat2", 2, 1, 0},
    {"creat", 1, 0, 0},
    {"execve", 1, 0, 0},
    {"execveat", 2, 1, 0},
    {"unlink", 1, 0, 0},
    {"unlinkat", 2, 1, 0},
    /* rename/link: the old path */
    {"rename", 1, 0, 0},
    {"renameat", 2, 1, 0},
    {"renameat2", 2, 1, 0},
    {"link", 1, 0, 0},
    {"linkat", 2, 1, 0},
    /* symlink: the link being created, not its target */
    {"symlink", 2, 0, 0},
    {"symlinkat", 3, 2, 0},
    {"mkdir", 1, 0, 0},
    {"mkdirat", 2, 1, 0},
    {"rmdir", 1, 0, 0},
    {"chmod", 1, 0, 0},
    {"fchmodat", 2, 1, 0},
    {"fchmodat2", 2, 1, 0},
    {"chown", 1, 0, 0},
    {"lchown", 1, 0, 0},
    {"fchownat", 2, 1, 0},
    {"truncate", 1, 0, 0},
    {"mknod", 1, 0, 0},
    {"mknodat", 2, 1, 0},
    /* mount: the mount point */
    {"mount", 2, 0, 0},
    {"umount2", 1, 0, 0},
    {"utime", 1, 0, 0},
    {"utimes", 1, 0, 0},
    {"utimensat", 2, 1, 0},
    {"futimesat", 2, 1, 0},
    {"setxattr", 1, 0, 0},
    {"lsetxattr", 1, 0, 0},
    {"getxattr", 1, 0, 0},
    {"lgetxattr", 1, 0, 0},
    {"listxattr", 1, 0, 0},
    {"llistxattr", 1, 0, 0},
    {"removexattr", 1, 0, 0},
    {"lremovexattr", 1, 0, 0},
    {"access", 1, 0, 0},
    {"faccessat", 2, 1, 0},
    {"faccessat2", 2, 1, 0},
    {"chdir", 1, 0, 0},
    {"chroot", 1, 0, 0},
    {"stat", 1, 0, 0},
    {"lstat", 1, 0, 0},
    {"newfstatat", 2, 1, 0},
    {"statx", 2, 1, 0},
    {"statfs", 1, 0, 0},
    {"readlink", 1, 0, 0},
    {"readlinkat", 2, 1, 0},
    {"swapon", 1, 0, 0},
    {"swapoff", 1, 0, 0},
    {"acct", 1, 0, 0},
    {"pivot_root", 1, 0, 0},
    {"quotactl", 2, 0, 0},
    {"name_to_handle_at", 2, 1, 0},
    {"open_tree", 2, 1, 0},
    {"move_mount", 2, 1, 0},
    {"mount_setattr", 2, 1, 0},
    {"uselib", 1, 0, 0},
    {"inotify_add_watch", 2, 0, 1},
    {"fanotify_mark", 5, 4, 1},
    /* fd-based calls */
    {"read", 0, 0, 1},
    {"write", 0, 0, 1},
    {"pread64", 0, 0, 1},
    {"pwrite64", 0, 0, 1},
    {"readv", 0, 0, 1},
    {"writev", 0, 0, 1},
    {"preadv", 0, 0, 1},
    {"pwritev", 0, 0, 1},
    {"preadv2", 0, 0, 1},
    {"pwritev2", 0, 0, 1},
    {"ioctl", 0, 0, 1},
    {"mmap", 0, 0, 5},
    {"fchmod", 0, 0, 1},
    {"fchown", 0, 0, 1},
    {"ftruncate", 0, 0, 1},
    {"fallocate", 0, 0, 1},
    {"fsetxattr", 0, 0, 1},
    {"fgetxattr", 0, 0, 1},
    {"flistxattr", 0, 0, 1},
    {"fremovexattr", 0, 0, 1},
    {"fstat", 0, 0, 1},
    {"fstatfs", 0, 0, 1},
    {"fchdir", 0, 0, 1},
    {"fsync", 0, 0, 1},
    {"fdatasync", 0, 0, 1},
    {"flock", 0, 0, 1},
    {"fcntl", 0, 0, 1},
    {"getdents64", 0, 0, 1},
    {"lseek", 0, 0, 1},
    {"sendfile", 0, 0, 1},
    {"copy_file_range", 0, 0, 1},
    {"splice", 0, 0, 1},
    {"setns", 0, 0, 1},
    {"finit_module", 0, 0, 1},
    {"bind", 0, 0, 1},
    {"connect", 0, 0, 1},
    {"listen", 0, 0, 1},
    {"accept", 0, 0, 1},
    {"accept4", 0, 0, 1},
    {"sendto", 0, 0, 1},
    {"sendmsg", 0, 0, 1},
    {"recvfrom", 0, 0, 1},
    {"recvmsg", 0, 0, 1},
    {"setsockopt", 0, 0, 1},
    {"fsconfig", 0, 0, 1},
    {"fsmount", 0, 0, 1},
};

static const char *const lsm_names[EP_LSM__MAX] = {
    [EP_LSM_UNKNOWN] = "unknown",   [EP_LSM_SELINUX] = "selinux", [EP_LSM_APPARMOR] = "apparmor",
    [EP_LSM_LANDLOCK] = "landlock", [EP_LSM_YAMA] = "yama",	  [EP_LSM_LOCKDOWN] = "lockdown",
    [EP_LSM_BPF] = "bpf",	    [EP_LSM_SMACK] = "smack",	  [EP_LSM_TOMOYO] = "tomoyo",
};

static const char *const hook_names[EP_HK__MAX] = {
    [EP_HK_NONE] = "none",
    [EP_HK_SYS_EXIT] = "sys_exit",
    [EP_HK_TP_CAP_CAPABLE] = "tracepoint:cap_capable",
    [EP_HK_SYS_ENTER] = "sys_enter",
    [EP_HK_CAP_CAPABLE] = "cap_capable",
    [EP_HK_SECCOMP_FILTER] = "__seccomp_filter",
    [EP_HK_GENERIC_PERMISSION] = "generic_permission",
    [EP_HK_INODE_PERMISSION] = "inode_permission",
    [EP_HK_MAY_OPEN] = "may_open",
    [EP_HK_MAY_DELETE] = "may_delete",
    [EP_HK_NOTIFY_CHANGE] = "notify_change",
    [EP_HK_PATH_NOEXEC] = "path_noexec",
    [EP_HK_SECURITY_FILE_OPEN] = "security_file_open",
    [EP_HK_SECURITY_FILE_PERMISSION] = "security_file_permission",
    [EP_HK_SECURITY_INODE] = "security_inode",
    [EP_HK_SECURITY_PATH] = "security_path",
    [EP_HK_SECURITY_PTRACE] = "security_ptrace_access_check",
    [EP_HK_SECURITY_TASK_KILL] = "security_task_kill",
    [EP_HK_SECURITY_LOCKED_DOWN] = "security_locked_down",
    [EP_HK_SECURITY_BPRM] = "security_bprm_check",
    [EP_HK_APPARMOR] = "apparmor",
    [EP_HK_SELINUX_AVC] = "avc_denied",
    [EP_HK_LANDLOCK] = "landlock",
    [EP_HK_YAMA] = "yama_ptrace_access_check",
    [EP_HK_LOCKDOWN] = "lockdown_is_locked_down",
    [EP_HK_FSNOTIFY] = "fsnotify",
    [EP_HK_DEVCGROUP] = "devcgroup_check_permission",
    [EP_HK_CHECK_KILL] = "check_kill_permission",
    [EP_HK_PTRACE_MAY_ACCESS] = "__ptrace_may_access",
    [EP_HK_INET_BIND] = "__inet_bind",
    [EP_HK_PING_INIT] = "ping_init_sock",
    [EP_HK_INET_CREATE] = "inet_create",
    [EP_HK_BPF_LSM] = "bpf_lsm",
    [EP_HK_SC_CHAIN] = "seccomp_chain",
};

static const char *const ev_kind_names[EP_EV__MAX] = {
    [EP_EV_NONE] = "none",
    [EP_EV_CAP] = "cap",
    [EP_EV_SECCOMP] = "seccomp",
    [EP_EV_DAC] = "dac",
    [EP_EV_INODE_FLAGS] = "inode_flags",
    [EP_EV_MOUNT] = "mount",
    [EP_EV_LSM] = "lsm",
    [EP_EV_FANOTIFY] = "fanotify",
    [EP_EV_DEVCG] = "devcg",
    [EP_EV_LOCKDOWN] = "lockdown",
    [EP_EV_SELINUX] = "selinux",
    [EP_EV_YAMA] = "yama",
    [EP_EV_SECURITY] = "security",
    [EP_EV_FUNC] = "func",
};

static const char *table_name(const char *const *tab, size_t n, int i)
{
	if (i < 0 || (size_t)i >= n)
		return NULL;
	return tab[i];
}

const char *syscall_name(int nr)
{
	return table_name(syscall_names, ARRAY_SIZE(syscall_names), nr);
}

int syscall_nr(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(syscall_names); i++)
		if (syscall_names[i] && !strcmp(syscall_names[i], name))
			return (int)i;
	return -1;
}

static const struct sys_args *sys_args_of(int nr)
{
	const char *name = syscall_name(nr);

	if (!name)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(sys_args); i++)
		if (!strcmp(sys_args[i].name, name))
			return &sys_args[i];
	return NULL;
}

int syscall_path_arg(int nr)
{
	const struct sys_args *a = sys_args_of(nr);

	return a ? a->path : 0;
}

int syscall_dirfd_arg(int nr)
{
	const struct sys_args *a = sys_args_of(nr);

	return a ? a->dirfd : 0;
}

int syscall_fd_arg(int nr)
{
	const struct sys_args *a = sys_args_of(nr);

	return a ? a->fd : 0;
}

const char *errno_name(int err)
{
	return table_name(errno_names, ARRAY_SIZE(errno_names), err);
}

const char *cap_name(int cap)
{
	return table_name(cap_names, ARRAY_SIZE(cap_names), cap);
}

int cap_from_name(const char *name)
{
	if (!name)
		return -1;
	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++)
		if (cap_names[i] && !strcasecmp(cap_names[i] + 4, name))
			return (int)i;
	return -1;
}

int cap_last(void)
{
	return (int)ARRAY_SIZE(cap_names) - 1;
}

const char *lsm_name(int lsm)
{
	return table_name(lsm_names, ARRAY_SIZE(lsm_names), lsm);
}

const char *hook_name(int hook)
{
	return table_name(hook_names, ARRAY_SIZE(hook_names), hook);
}

const char *ev_kind_name(int kind)
{
	return table_name(ev_kind_names, ARRAY_SIZE(ev_kind_names), kind);
}

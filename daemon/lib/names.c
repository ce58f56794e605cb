// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Name tables. Syscall, errno and capability names are generated from the UAPI headers; what
 * else is known of a syscall is its row in syscall_rows.inc. */
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

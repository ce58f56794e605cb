/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel evidence programs, included by epermd.bpf.c after the per-task evidence store and
 * ep_ev_slot() are defined. Each program records one ep_evidence when the function it watches
 * says "denied"; the store keeps it only if the syscall then fails with EPERM/EACCES.
 *
 * fexit and not BPF-LSM: an lsm/ program runs in the BPF module's slot of the LSM list and its
 * 'ret' is only the verdict of earlier BPF programs on that hook; capability, DAC, AppArmor,
 * Landlock, Yama and the others decide outside it (or before it, ending the chain), so only an
 * fexit on the function that decided sees the denial. Other people's BPF-LSM denials are seen
 * by fexit on the bpf_lsm_<hook> stub, which returns the BPF programs' combined verdict.
 *
 * Every program returns 0 and is switched off by daemon/capture/hooks.c when its target is absent.
 * Functions whose arity changed get one program per arity (suffix _nN = N arguments).
 */
#ifndef EPERMD_EVIDENCE_BPF_H
#define EPERMD_EVIDENCE_BPF_H

#include "compat_evidence.bpf.h"
#include "epermd.h"

#define EP_S_APPEND	0x4
#define EP_S_IMMUTABLE	0x8
#define EP_MAY_WRITE	0x2
#define EP_MAY_APPEND	0x8
#define EP_FS_PERM_MASK 0x70000	     /* FS_OPEN_PERM | FS_ACCESS_PERM | FS_OPEN_EXEC_PERM */
#define EP_DAC_ACL	(1ull << 32) /* in EP_EV_DAC a[0]: the inode has a POSIX ACL */
#define EP_DPATH_LEN	256

struct ep_dpath_buf {
	char buf[EP_DPATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_dpath_buf);
} ep_dpath_scratch SEC(".maps");

static __always_inline bool ep_denied(long ret)
{
	return ret == -EP_EPERM || ret == -EP_EACCES;
}

static __always_inline void ep_name_str(struct ep_evidence *ev, const void *s)
{
	bpf_probe_read_kernel_str(ev->name, sizeof(ev->name), s);
}

static __always_inline void ep_name_dentry(struct ep_evidence *ev, struct dentry *d)
{
	ep_name_str(ev, BPF_CORE_READ(d, d_name.name));
}

/* Only for the bpf_d_path allowlist (security_file_open/permission): the last bytes of the
 * path, "..." first when cut; the dentry name when the path does not fit the scratch buffer. */
static __always_inline void ep_name_file(struct ep_evidence *ev, struct file *file)
{
	const int keep = EP_EV_NAME_LEN - 4;
	struct ep_dpath_buf *p;
	__u32 zero = 0;
	long len;

	p = bpf_map_lookup_elem(&ep_dpath_scratch, &zero);
	if (!p)
		goto dentry;
	len = bpf_d_path((struct path *)&file->f_path, p->buf, sizeof(p->buf));
	if (len <= 0 || len > EP_DPATH_LEN)
		goto dentry;
	if (len <= EP_EV_NAME_LEN) {
		ep_name_str(ev, p->buf);
		return;
	}
	ev->name[0] = ev->name[1] = ev->name[2] = '.';
	bpf_probe_read_kernel_str(&ev->name[3], keep + 1,
				  &p->buf[(len - 1 - keep) & (EP_DPATH_LEN - 1)]);
	return;
dentry:
	ep_name_dentry(ev, BPF_CORE_READ(file, f_path.dentry));
}

static __always_inline __u32 ep_task_tgid(struct task_struct *t)
{
	return BPF_CORE_READ(t, tgid);
}

/* ---- capability ---- */

SEC("fexit/cap_capable")
int BPF_PROG(ep_fx_cap_capable, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_ev_slot(EP_EV_CAP, EP_HK_CAP_CAPABLE, ret);
	if (!ev)
		return 0;
	ev->a[0] = cap;
	ev->a[1] = opts;
	ev->a[2] = BPF_CORE_READ(ns, level);
	ev->a[3] = BPF_CORE_READ(cred, user_ns, level);
	return 0;
}

/* ---- DAC, immutable / append-only, noexec ---- */

static __always_inline void ep_fill_inode(struct ep_evidence *ev, struct inode *inode)
{
	ev->a[1] = BPF_CORE_READ(inode, i_mode);
	ev->a[2] = BPF_CORE_READ(inode, i_uid.val);
	ev->a[3] = BPF_CORE_READ(inode, i_gid.val);
}

static __always_inline int ep_generic_permission(struct inode *inode, int mask, int ret)
{
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return 0;
	ev = ep_ev_slot(EP_EV_DAC, EP_HK_GENERIC_PERMISSION, ret);
	if (!ev)
		return 0;
	ev->a[0] = (__u32)mask | (ep_inode_has_acl(inode) ? EP_DAC_ACL : 0);
	ep_fill_inode(ev, inode);
	return 0;
}

SEC("fexit/generic_permission")
int BPF_PROG(ep_fx_generic_perm, void *idmap, struct inode *inode, int mask, int ret)
{
	return ep_generic_permission(inode, mask, ret);
}

/* before v5.12 (commit 47291baa8ddf, "namei: make permission helpers idmapped mount aware") */
SEC("fexit/generic_permission")
int BPF_PROG(ep_fx_generic_perm_n2, struct inode *inode, int mask, int ret)
{
	return ep_generic_permission(inode, mask, ret);
}

/*
 * inode_permission() fails on its own for a write to an immutable inode; any other failure
 * comes from generic_permission, devcgroup or the LSMs, which have their own programs, unless
 * the file system checks permissions itself (->permission), which is recorded here.
 */
static __always_inline int ep_inode_permission(struct inode *inode, int mask, int ret)
{
	struct ep_evidence *ev;
	__u32 flags;

	if (!ep_denied(ret))
		return 0;
	flags = BPF_CORE_READ(inode, i_flags);
	if (ret == -EP_EPERM && (mask & EP_MAY_WRITE) && (flags & EP_S_IMMUTABLE)) {
		ev = ep_ev_slot(EP_EV_INODE_FLAGS, EP_HK_INODE_PERMISSION, ret);
		if (!ev)
			return 0;
		ev->a[0] = flags;
		ev->a[1] = (__u32)mask;
		return 0;
	}
	if (!BPF_CORE_READ(inode, i_op, permission))
		return 0;
	ev = ep_ev_slot(EP_EV_DAC, EP_HK_INODE_PERMISSION, ret);
	if (!ev)
		return 0;
	ev->a[0] = (__u32)mask;
	ep_fill_inode(ev, inode);
	return 0;
}

SEC("fexit/inode_permission")
int BPF_PROG(ep_fx_inode_perm, void *idmap, struct inode *inode, int mask, int ret)
{
	return ep_inode_permission(inode, mask, ret);
}

SEC("fexit/inode_permission")
int BPF_PROG(ep_fx_inode_perm_n2, struct inode *inode, int mask, int ret)
{
	return ep_inode_permission(inode, mask, ret);
}

/* may_open: append-only opened for writing without O_APPEND, else DAC with the file's name. */
static __always_inline int ep_may_open(const struct path *path, int acc_mode, int flag, int ret)
{
	struct dentry *d = BPF_CORE_READ(path, dentry);
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	struct ep_evidence *ev;
	__u32 flags;

	if (!ep_denied(ret))
		return 0;
	flags = BPF_CORE_READ(inode, i_flags);
	if (ret == -EP_EPERM && (flags & (EP_S_APPEND | EP_S_IMMUTABLE))) {
		ev = ep_ev_slot(EP_EV_INODE_FLAGS, EP_HK_MAY_OPEN, ret);
		if (!ev)
			return 0;
		ev->a[0] = flags;
		ev->a[1] = (__u32)acc_mode;
		ev->a[2] = (__u32)flag;
	} else {
		ev = ep_ev_slot(EP_EV_DAC, EP_HK_MAY_OPEN, ret);
		if (!ev)
			return 0;
		ev->a[0] = (__u32)acc_mode;
		ep_fill_inode(ev, inode);
	}
	ep_name_dentry(ev, d);
	return 0;
}

SEC("fexit/may_open")
int BPF_PROG(ep_fx_may_open, void *idmap, const struct path *path, int acc_mode, int flag, int ret)
{
	return ep_may_open(path, acc_mode, flag, ret);
}

SEC("fexit/may_open")
int BPF_PROG(ep_fx_may_open_n3, const struct path *path, int acc_mode, int flag, int ret)
{
	return ep_may_open(path, acc_mode, flag, ret);
}

/* may_delete: an append-only/immutable victim or directory, else the sticky-bit/DAC check. */
static __always_inline int ep_may_delete(struct inode *dir, struct dentry *victim, int ret)
{
	struct inode *inode = BPF_CORE_READ(victim, d_inode);
	__u32 dflags = BPF_CORE_READ(dir, i_flags);
	__u32 vflags = BPF_CORE_READ(inode, i_flags);
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return 0;
	if (ret == -EP_EPERM && ((vflags | dflags) & (EP_S_APPEND | EP_S_IMMUTABLE))) {
		ev = ep_ev_slot(EP_EV_INODE_FLAGS, EP_HK_MAY_DELETE, ret);
		if (!ev)
			return 0;
		ev->a[0] = vflags;
		ev->a[1] = EP_MAY_WRITE | 1; /* MAY_WRITE | MAY_EXEC on the directory */
		ev->a[2] = dflags;
	} else {
		ev = ep_ev_slot(EP_EV_DAC, EP_HK_MAY_DELETE, ret);
		if (!ev)
			return 0;
		ev->a[0] = EP_MAY_WRITE | 1;
		ep_fill_inode(ev, inode);
	}
	ep_name_dentry(ev, victim);
	return 0;
}

SEC("fexit/may_delete")
int BPF_PROG(ep_fx_may_delete, void *idmap, struct inode *dir, struct dentry *victim, bool isdir,
	     int ret)
{
	return ep_may_delete(dir, victim, ret);
}

SEC("fexit/may_delete")
int BPF_PROG(ep_fx_may_delete_n3, struct inode *dir, struct dentry *victim, bool isdir, int ret)
{
	return ep_may_delete(dir, victim, ret);
}

/* notify_change: chmod/chown/utimes/truncate of an immutable or append-only inode, else DAC. */
static __always_inline int ep_notify_change(struct dentry *dentry, struct iattr *attr, int ret)
{
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);
	__u32 flags = BPF_CORE_READ(inode, i_flags);
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return 0;
	if (ret == -EP_EPERM && (flags & (EP_S_APPEND | EP_S_IMMUTABLE))) {
		ev = ep_ev_slot(EP_EV_INODE_FLAGS, EP_HK_NOTIFY_CHANGE, ret);
		if (!ev)
			return 0;
		ev->a[0] = flags;
		ev->a[1] = BPF_CORE_READ(attr, ia_valid);
	} else {
		ev = ep_ev_slot(EP_EV_DAC, EP_HK_NOTIFY_CHANGE, ret);
		if (!ev)
			return 0;
		ev->a[0] = BPF_CORE_READ(attr, ia_valid);
		ep_fill_inode(ev, inode);
	}
	ep_name_dentry(ev, dentry);
	return 0;
}

SEC("fexit/notify_change")
int BPF_PROG(ep_fx_notify_change, void *idmap, struct dentry *dentry, struct iattr *attr,
	     struct inode **delegated, int ret)
{
	return ep_notify_change(dentry, attr, ret);
}

SEC("fexit/notify_change")
int BPF_PROG(ep_fx_notify_change_n3, struct dentry *dentry, struct iattr *attr,
	     struct inode **delegated, int ret)
{
	return ep_notify_change(dentry, attr, ret);
}

/* path_noexec() is a predicate: true is recorded and kept only if the exec/mmap then fails. */
SEC("fexit/path_noexec")
int BPF_PROG(ep_fx_path_noexec, const struct path *path, bool ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_ev_slot(EP_EV_MOUNT, EP_HK_PATH_NOEXEC, 1);
	if (!ev)
		return 0;
	ev->a[0] = BPF_CORE_READ(path, mnt, mnt_flags);
	ev->a[1] = 1;
	ep_name_dentry(ev, BPF_CORE_READ(path, dentry));
	return 0;
}

/* ---- the LSM layer as a whole: "some security module said no" ---- */

static __always_inline struct ep_evidence *ep_security(enum ep_hook hook, int ret)
{
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return NULL;
	ev = ep_ev_slot(EP_EV_SECURITY, hook, ret);
	if (ev)
		ev->a[0] = hook;
	return ev;
}

SEC("fexit/security_file_open")
int BPF_PROG(ep_fx_sec_file_open, struct file *file, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_FILE_OPEN, ret);

	if (!ev)
		return 0;
	ev->a[1] = BPF_CORE_READ(file, f_flags);
	ev->a[2] = BPF_CORE_READ(file, f_mode);
	ep_name_file(ev, file);
	return 0;
}

SEC("fexit/security_file_permission")
int BPF_PROG(ep_fx_sec_file_perm, struct file *file, int mask, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_FILE_PERMISSION, ret);

	if (!ev)
		return 0;
	ev->a[1] = (__u32)mask;
	ev->a[2] = BPF_CORE_READ(file, f_mode);
	ep_name_file(ev, file);
	return 0;
}

SEC("fexit/security_inode_permission")
int BPF_PROG(ep_fx_sec_inode_perm, struct inode *inode, int mask, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_INODE, ret);

	if (!ev)
		return 0;
	ev->a[1] = (__u32)mask;
	ev->a[2] = BPF_CORE_READ(inode, i_mode);
	return 0;
}

static __always_inline int ep_security_dentry(enum ep_hook hook, struct dentry *d, __u64 arg,
					      int ret)
{
	struct ep_evidence *ev = ep_security(hook, ret);

	if (!ev)
		return 0;
	ev->a[1] = arg;
	ep_name_dentry(ev, d);
	return 0;
}

SEC("fexit/security_inode_create")
int BPF_PROG(ep_fx_sec_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode,
	     int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_INODE, dentry, mode, ret);
}

SEC("fexit/security_inode_mkdir")
int BPF_PROG(ep_fx_sec_inode_mkdir, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_INODE, dentry, mode, ret);
}

SEC("fexit/security_inode_unlink")
int BPF_PROG(ep_fx_sec_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_INODE, dentry, 0, ret);
}

SEC("fexit/security_inode_rmdir")
int BPF_PROG(ep_fx_sec_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_INODE, dentry, 0, ret);
}

SEC("fexit/security_path_mkdir")
int BPF_PROG(ep_fx_sec_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode,
	     int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, dentry, mode, ret);
}

SEC("fexit/security_path_mknod")
int BPF_PROG(ep_fx_sec_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, dentry, mode, ret);
}

SEC("fexit/security_path_unlink")
int BPF_PROG(ep_fx_sec_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, dentry, 0, ret);
}

SEC("fexit/security_path_rmdir")
int BPF_PROG(ep_fx_sec_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, dentry, 0, ret);
}

SEC("fexit/security_path_symlink")
int BPF_PROG(ep_fx_sec_path_symlink, const struct path *dir, struct dentry *dentry,
	     const char *old_name, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, dentry, 0, ret);
}

SEC("fexit/security_path_link")
int BPF_PROG(ep_fx_sec_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, new_dentry, 0, ret);
}

SEC("fexit/security_path_rename")
int BPF_PROG(ep_fx_sec_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, old_dentry, flags, ret);
}

SEC("fexit/security_path_truncate")
int BPF_PROG(ep_fx_sec_path_truncate, const struct path *path, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, BPF_CORE_READ(path, dentry), 0, ret);
}

SEC("fexit/security_path_chmod")
int BPF_PROG(ep_fx_sec_path_chmod, const struct path *path, umode_t mode, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, BPF_CORE_READ(path, dentry), mode, ret);
}

SEC("fexit/security_path_chown")
int BPF_PROG(ep_fx_sec_path_chown, const struct path *path, __u32 uid, __u32 gid, int ret)
{
	return ep_security_dentry(EP_HK_SECURITY_PATH, BPF_CORE_READ(path, dentry), uid, ret);
}

SEC("fexit/security_ptrace_access_check")
int BPF_PROG(ep_fx_sec_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_PTRACE, ret);

	if (!ev)
		return 0;
	ev->a[1] = mode;
	ev->a[2] = ep_task_tgid(child);
	return 0;
}

SEC("fexit/security_task_kill")
int BPF_PROG(ep_fx_sec_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_TASK_KILL, ret);

	if (!ev)
		return 0;
	ev->a[1] = sig;
	ev->a[2] = ep_task_tgid(p);
	return 0;
}

SEC("fexit/security_locked_down")
int BPF_PROG(ep_fx_sec_locked_down, enum lockdown_reason what, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_LOCKED_DOWN, ret);

	if (ev)
		ev->a[1] = what;
	return 0;
}

SEC("fexit/security_bprm_check")
int BPF_PROG(ep_fx_sec_bprm, struct linux_binprm *bprm, int ret)
{
	struct ep_evidence *ev = ep_security(EP_HK_SECURITY_BPRM, ret);

	if (ev)
		ep_name_dentry(ev, BPF_CORE_READ(bprm, file, f_path.dentry));
	return 0;
}

/* ---- individual security modules ---- */

static __always_inline struct ep_evidence *ep_lsm(enum ep_lsm lsm, enum ep_hook hook, int ret)
{
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return NULL;
	ev = ep_ev_slot(EP_EV_LSM, hook, ret);
	if (!ev)
		return NULL;
	ev->a[0] = lsm;
	ev->a[1] = hook;
	return ev;
}

/* AppArmor reports every decision it audits (or quiets) through aa_audit(); a denial returns
 * the error. The profile's hierarchical name is what aa-status and the audit log show. */
SEC("fexit/aa_audit")
int BPF_PROG(ep_fx_aa_audit, int type, struct aa_profile___ep *profile, void *ad, void *cb, int ret)
{
	struct ep_evidence *ev = ep_lsm(EP_LSM_APPARMOR, EP_HK_APPARMOR, ret);

	if (!ev)
		return 0;
	ev->a[2] = type;
	ep_name_str(ev, BPF_CORE_READ(profile, base.hname));
	return 0;
}

/* Explicit deny rules are quiet (no aa_audit call): the file_open hook still names the file. */
SEC("fexit/apparmor_file_open")
int BPF_PROG(ep_fx_aa_file_open, struct file *file, int ret)
{
	struct ep_evidence *ev = ep_lsm(EP_LSM_APPARMOR, EP_HK_APPARMOR, ret);

	if (!ev)
		return 0;
	ev->a[2] = BPF_CORE_READ(file, f_flags);
	ep_name_dentry(ev, BPF_CORE_READ(file, f_path.dentry));
	return 0;
}

/* avc_denied()/slow_avc_audit() take 8-9 arguments (more than a v6.1 trampoline carries) and
 * changed arity twice; the tracepoint, present since v5.10, carries what we need. Denials
 * hidden by dontaudit rules are not seen. */
SEC("tp_btf/selinux_audited")
int BPF_PROG(ep_tp_selinux_audited, struct selinux_audit_data___ep *sad, char *scontext,
	     char *tcontext, const char *tclass)
{
	struct ep_evidence *ev;
	__u32 denied = BPF_CORE_READ(sad, denied);
	int result = BPF_CORE_READ(sad, result);

	if (!denied || !result)
		return 0;
	ev = ep_ev_slot(EP_EV_SELINUX, EP_HK_SELINUX_AVC, result);
	if (!ev)
		return 0;
	ev->a[0] = BPF_CORE_READ(sad, ssid);
	ev->a[1] = BPF_CORE_READ(sad, tsid);
	ev->a[2] = BPF_CORE_READ(sad, tclass);
	ev->a[3] = denied;
	ep_name_str(ev, scontext);
	return 0;
}

/* ---- Landlock ---- */

/* uapi linux/landlock.h: LANDLOCK_ACCESS_FS_* */
#define EP_LL_FS_EXECUTE	  (1u << 0)
#define EP_LL_FS_WRITE_FILE	  (1u << 1)
#define EP_LL_FS_READ_FILE	  (1u << 2)
#define EP_LL_FS_READ_DIR	  (1u << 3)
#define EP_LL_FS_REMOVE_DIR	  (1u << 4)
#define EP_LL_FS_REMOVE_REG	  (1u << 5)
#define EP_LL_FS_MAKE_CHAR	  (1u << 6)
#define EP_LL_FS_MAKE_DIR	  (1u << 7)
#define EP_LL_FS_MAKE_REG	  (1u << 8)
#define EP_LL_FS_MAKE_SOCK	  (1u << 9)
#define EP_LL_FS_MAKE_FIFO	  (1u << 10)
#define EP_LL_FS_MAKE_BLOCK	  (1u << 11)
#define EP_LL_FS_MAKE_SYM	  (1u << 12)
#define EP_LL_FS_TRUNCATE	  (1u << 14)
#define EP_LL_NET_BIND_TCP	  (1u << 0)
#define EP_LL_NET_CONNECT_TCP	  (1u << 1)
#define EP_LL_SCOPE_ABSTRACT_UNIX (1u << 0)
#define EP_LL_SCOPE_SIGNAL	  (1u << 1)
#define EP_LL_NUM_FS		  16 /* LANDLOCK_NUM_ACCESS_FS in 6.10+; older kernels have fewer */
#define EP_FMODE_READ		  0x1
#define EP_FMODE_WRITE		  0x2
#define EP_FMODE_EXEC_FLAG	  0x20 /* __FMODE_EXEC in f_flags */

static __always_inline __u64 ep_ll(__u64 cls, __u64 bits, bool missing)
{
	return cls << EP_LL_CLASS_SHIFT | (missing ? EP_LL_MISSING : 0) | bits;
}

/* get_mode_access() of security/landlock/fs.c: the right that creating a @mode inode needs */
static __always_inline __u32 ep_ll_make(__u32 mode)
{
	switch (mode & 0170000) {
	case 0120000:
		return EP_LL_FS_MAKE_SYM;
	case 0040000:
		return EP_LL_FS_MAKE_DIR;
	case 0020000:
		return EP_LL_FS_MAKE_CHAR;
	case 0060000:
		return EP_LL_FS_MAKE_BLOCK;
	case 0010000:
		return EP_LL_FS_MAKE_FIFO;
	case 0140000:
		return EP_LL_FS_MAKE_SOCK;
	default: /* 0 (mknod's default) and S_IFREG */
		return EP_LL_FS_MAKE_REG;
	}
}

static __always_inline struct ep_evidence *ep_ll_ev(__u64 access, int ret)
{
	struct ep_evidence *ev = ep_lsm(EP_LSM_LANDLOCK, EP_HK_LANDLOCK, ret);

	if (ev)
		ev->a[2] = access;
	return ev;
}

static __always_inline int ep_landlock(struct dentry *d, __u64 access, int ret)
{
	struct ep_evidence *ev = ep_ll_ev(access, ret);

	if (ev)
		ep_name_dentry(ev, d);
	return 0;
}

/* get_required_file_open_access(): the rights an open asks for (which of them the domain
 * lacks, hook_file_open does not say) */
SEC("fexit/hook_file_open")
int BPF_PROG(ep_fx_ll_file_open, struct file *file, int ret)
{
	__u32 fmode = BPF_CORE_READ(file, f_mode), acc = 0;
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);

	if (!ep_denied(ret))
		return 0;
	if (fmode & EP_FMODE_READ)
		acc = (BPF_CORE_READ(d, d_inode, i_mode) & 0170000) == 0040000 ? EP_LL_FS_READ_DIR
									       : EP_LL_FS_READ_FILE;
	if (fmode & EP_FMODE_WRITE)
		acc |= EP_LL_FS_WRITE_FILE;
	if (BPF_CORE_READ(file, f_flags) & EP_FMODE_EXEC_FLAG)
		acc |= EP_LL_FS_EXECUTE;
	return ep_landlock(d, ep_ll(EP_LL_FS, acc, false), ret);
}

SEC("fexit/hook_path_mkdir")
int BPF_PROG(ep_fx_ll_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	return ep_landlock(dentry, ep_ll(EP_LL_FS, EP_LL_FS_MAKE_DIR, true), ret);
}

SEC("fexit/hook_path_mknod")
int BPF_PROG(ep_fx_ll_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	return ep_landlock(dentry, ep_ll(EP_LL_FS, ep_ll_make(mode), true), ret);
}

SEC("fexit/hook_path_unlink")
int BPF_PROG(ep_fx_ll_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	return ep_landlock(dentry, ep_ll(EP_LL_FS, EP_LL_FS_REMOVE_REG, true), ret);
}

SEC("fexit/hook_path_rmdir")
int BPF_PROG(ep_fx_ll_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	return ep_landlock(dentry, ep_ll(EP_LL_FS, EP_LL_FS_REMOVE_DIR, true), ret);
}

SEC("fexit/hook_path_symlink")
int BPF_PROG(ep_fx_ll_symlink, const struct path *dir, struct dentry *dentry, const char *old_name,
	     int ret)
{
	return ep_landlock(dentry, ep_ll(EP_LL_FS, EP_LL_FS_MAKE_SYM, true), ret);
}

/* link and rename may also lack refer (or remove_* on the source): the rights are requested */
SEC("fexit/hook_path_link")
int BPF_PROG(ep_fx_ll_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	__u32 mode = BPF_CORE_READ(old_dentry, d_inode, i_mode);

	return ep_landlock(new_dentry, ep_ll(EP_LL_FS, ep_ll_make(mode), false), ret);
}

SEC("fexit/hook_path_rename")
int BPF_PROG(ep_fx_ll_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	return ep_landlock(old_dentry, ep_ll(EP_LL_FS, 0, false), ret);
}

SEC("fexit/hook_path_truncate")
int BPF_PROG(ep_fx_ll_truncate, const struct path *path, int ret)
{
	return ep_landlock(BPF_CORE_READ(path, dentry), ep_ll(EP_LL_FS, EP_LL_FS_TRUNCATE, true),
			   ret);
}

/* ftruncate() of a file opened without the truncate right (Landlock ABI 3, 6.2+) */
SEC("fexit/hook_file_truncate")
int BPF_PROG(ep_fx_ll_file_truncate, struct file *file, int ret)
{
	return ep_landlock(BPF_CORE_READ(file, f_path.dentry),
			   ep_ll(EP_LL_FS, EP_LL_FS_TRUNCATE, true), ret);
}

/*
 * Every file system check of a domain ends in is_access_to_paths_allowed() (5.19+), which
 * leaves in layer_masks_parent1[bit] the layers that still deny each requested right: the rights
 * the domain lacks, exactly. It is the one place that sees open() where the kernel's
 * hook_file_open is not traceable (Debian's 6.12: not in BTF). It takes 8 arguments: the
 * x86 trampoline carries them from 6.6 on; before, the attach is refused and the hook_* programs
 * above are what is seen (Debian's 6.1 has it in neither BTF nor kallsyms anyway). A false return
 * is not always a denial (hook_file_open asks for truncate and ioctl_dev optionally): the record
 * ships only if the syscall fails, and the daemon drops optional rights when others are missing.
 */
SEC("fexit/is_access_to_paths_allowed")
int ep_fx_ll_paths(__u64 *ctx)
{
	__u64 path = 0, req1 = 0, masks1 = 0, child1 = 0, ret = 1;
	__u16 m[EP_LL_NUM_FS] = {};
	struct ep_evidence *ev;
	__u32 missing = 0;

	/* the verifier refuses direct ctx reads of the layer-mask array pointer; the helpers
	 * (5.17+, and this attaches from 6.6 on) read the trampoline's saved arguments */
	if (bpf_get_func_ret(ctx, &ret) || (__u8)ret)
		return 0;
	bpf_get_func_arg(ctx, 1, &path);
	bpf_get_func_arg(ctx, 2, &req1);
	bpf_get_func_arg(ctx, 3, &masks1);
	bpf_get_func_arg(ctx, 4, &child1);
	if (masks1)
		bpf_probe_read_kernel(m, sizeof(m), (void *)masks1);
	for (int i = 0; i < EP_LL_NUM_FS; i++)
		if (m[i])
			missing |= 1u << i;
	ev = ep_ll_ev(ep_ll(EP_LL_FS, missing & (__u16)req1, masks1 != 0), -EP_EACCES);
	if (ev)
		ep_name_dentry(ev, child1 ? (struct dentry *)child1
					  : BPF_CORE_READ((struct path *)path, dentry));
	return 0;
}

/* Landlock ABI 4 (6.7+): TCP bind and connect on a port no rule allows; a[3] = port | family */
static __always_inline int ep_ll_net(struct sockaddr *addr, __u32 right, int ret)
{
	struct ep_evidence *ev = ep_ll_ev(ep_ll(EP_LL_NET, right, true), ret);
	struct sockaddr_in sin = {};

	if (!ev)
		return 0;
	/* sin_port sits at the same offset in sockaddr_in6 */
	bpf_probe_read_kernel(&sin, sizeof(sin), addr);
	ev->a[3] = bpf_ntohs(sin.sin_port) | (__u64)sin.sin_family << 16;
	return 0;
}

SEC("fexit/hook_socket_bind")
int BPF_PROG(ep_fx_ll_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ep_ll_net(address, EP_LL_NET_BIND_TCP, ret);
}

SEC("fexit/hook_socket_connect")
int BPF_PROG(ep_fx_ll_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	return ep_ll_net(address, EP_LL_NET_CONNECT_TCP, ret);
}

/* Landlock ABI 6 (6.12+) scoping: a signal to a task outside the domain */
SEC("fexit/hook_task_kill")
int BPF_PROG(ep_fx_ll_task_kill, struct task_struct *p, void *info, int sig,
	     const struct cred *cred, int ret)
{
	struct ep_evidence *ev = ep_ll_ev(ep_ll(EP_LL_SCOPE, EP_LL_SCOPE_SIGNAL, true), ret);

	if (!ev)
		return 0;
	ev->a[3] = ep_task_tgid(p);
	bpf_probe_read_kernel_str(ev->name, EP_COMM_LEN, &p->comm);
	return 0;
}

/* ... and a connection to an abstract unix socket created outside it */
static __always_inline int ep_ll_unix(struct sock *other, int ret)
{
	struct ep_evidence *ev = ep_ll_ev(ep_ll(EP_LL_SCOPE, EP_LL_SCOPE_ABSTRACT_UNIX, true), ret);
	struct unix_sock___ep *u = (void *)other;
	struct unix_address___ep *a;

	if (!ev)
		return 0;
	/* the listener's pid, from listen() (init_peercred) */
	ev->a[3] = BPF_CORE_READ(other, sk_peer_pid, numbers[0].nr);
	a = BPF_CORE_READ(u, addr);
	if (!a)
		return 0;
	ev->name[0] = '@';
	bpf_probe_read_kernel_str(&ev->name[1], EP_EV_NAME_LEN - 1, &a->name[0].sun_path[1]);
	return 0;
}

SEC("fexit/hook_unix_stream_connect")
int BPF_PROG(ep_fx_ll_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk,
	     int ret)
{
	return ep_ll_unix(other, ret);
}

SEC("fexit/hook_unix_may_send")
int BPF_PROG(ep_fx_ll_unix_send, struct socket *sock, struct socket *other, int ret)
{
	return ep_ll_unix(BPF_CORE_READ(other, sk), ret);
}

static __always_inline int ep_yama(unsigned int mode, struct task_struct *t, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_ev_slot(EP_EV_YAMA, EP_HK_YAMA, ret);
	if (!ev)
		return 0;
	ev->a[0] = mode;
	ev->a[1] = ep_task_tgid(t);
	ev->a[2] = ~0ull; /* ptrace_scope is static in yama_lsm.c: read from /proc by the daemon */
	return 0;
}

SEC("fexit/yama_ptrace_access_check")
int BPF_PROG(ep_fx_yama_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	return ep_yama(mode, child, ret);
}

/* PTRACE_TRACEME: mode 0, the target is the would-be tracer */
SEC("fexit/yama_ptrace_traceme")
int BPF_PROG(ep_fx_yama_traceme, struct task_struct *parent, int ret)
{
	return ep_yama(0, parent, ret);
}

SEC("fexit/lockdown_is_locked_down")
int BPF_PROG(ep_fx_lockdown, enum lockdown_reason what, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_ev_slot(EP_EV_LOCKDOWN, EP_HK_LOCKDOWN, ret);
	if (!ev)
		return 0;
	ev->a[0] = what;
	ev->a[1] = ~0ull; /* kernel_locked_down is static: /sys/kernel/security/lockdown */
	return 0;
}

/* Other people's BPF-LSM programs: the stub's return value is their combined verdict. */
SEC("fexit/bpf_lsm_file_open")
int BPF_PROG(ep_fx_bpf_lsm_open, struct file *file, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_lsm(EP_LSM_BPF, EP_HK_BPF_LSM, ret);
	if (ev)
		ep_name_dentry(ev, BPF_CORE_READ(file, f_path.dentry));
	return 0;
}

SEC("fexit/bpf_lsm_bprm_check_security")
int BPF_PROG(ep_fx_bpf_lsm_bprm, struct linux_binprm *bprm, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_lsm(EP_LSM_BPF, EP_HK_BPF_LSM, ret);
	if (ev)
		ep_name_dentry(ev, BPF_CORE_READ(bprm, file, f_path.dentry));
	return 0;
}

/* ---- fanotify permission events ---- */

static __always_inline int ep_fanotify(__u32 mask, const unsigned char *name, int ret)
{
	struct ep_evidence *ev;

	if (!ret || !(mask & EP_FS_PERM_MASK))
		return 0;
	ev = ep_ev_slot(EP_EV_FANOTIFY, EP_HK_FSNOTIFY, ret);
	if (!ev)
		return 0;
	ev->a[0] = mask;
	ev->a[1] = 0; /* the listener is found from /proc/<pid>/fdinfo by the daemon */
	ep_name_str(ev, name);
	return 0;
}

SEC("fexit/__fsnotify_parent")
int BPF_PROG(ep_fx_fsnotify_parent, struct dentry *dentry, __u32 mask, const void *data,
	     int data_type, int ret)
{
	return ep_fanotify(mask, BPF_CORE_READ(dentry, d_name.name), ret);
}

/*
 * Directories (and files on a disconnected dentry) reach fsnotify() without __fsnotify_parent;
 * regular files pass both, so only the former are recorded here. Seven arguments: the v6.1
 * x86 trampoline refuses it at attach (-ENOTSUPP), which switches it off.
 */
SEC("fexit/fsnotify")
int BPF_PROG(ep_fx_fsnotify, __u32 mask, const void *data, int data_type, struct inode *dir,
	     const struct qstr *file_name, struct inode *inode, __u32 cookie, int ret)
{
	if ((BPF_CORE_READ(inode, i_mode) & 0170000) != 0040000)
		return 0;
	return ep_fanotify(mask, BPF_CORE_READ(file_name, name), ret);
}

/* ---- seccomp ---- */

static __always_inline int ep_seccomp(int ret)
{
	struct task_struct *t;
	struct ep_evidence *ev;
	__u64 rc;

	if (ret != -1)
		return 0;
	ev = ep_ev_slot(EP_EV_SECCOMP, EP_HK_SECCOMP_FILTER, ret);
	if (!ev)
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	ev->a[0] = ~0ull;
	ev->a[1] = ep_current_syscall_rc(&rc) ? (__u64) - (__s64)rc : ~0ull;
	ev->a[2] = BPF_CORE_READ(t, seccomp.mode);
	return 0;
}

SEC("fexit/__seccomp_filter")
int BPF_PROG(ep_fx_seccomp, int nr, const struct seccomp_data *sd, const bool recheck, int ret)
{
	return ep_seccomp(ret);
}

/* __seccomp_filter(nr, recheck): the seccomp_data argument is gone after v6.12 (6.18 BTF) */
SEC("fexit/__seccomp_filter")
int BPF_PROG(ep_fx_seccomp_n2, int nr, const bool recheck, int ret)
{
	return ep_seccomp(ret);
}

/* ---- device cgroup, signals, ptrace, sockets ---- */

SEC("fexit/devcgroup_check_permission")
int BPF_PROG(ep_fx_devcgroup, short type, __u32 major, __u32 minor, short access, int ret)
{
	struct ep_evidence *ev;

	if (!ret)
		return 0;
	ev = ep_ev_slot(EP_EV_DEVCG, EP_HK_DEVCGROUP, ret);
	if (!ev)
		return 0;
	ev->a[0] = type;
	ev->a[1] = major;
	ev->a[2] = minor;
	ev->a[3] = access;
	return 0;
}

static __always_inline struct ep_evidence *ep_func(enum ep_hook hook, int ret)
{
	struct ep_evidence *ev;

	if (!ep_denied(ret))
		return NULL;
	ev = ep_ev_slot(EP_EV_FUNC, hook, ret);
	if (ev)
		ev->a[0] = hook;
	return ev;
}

SEC("fexit/check_kill_permission")
int BPF_PROG(ep_fx_check_kill, int sig, struct kernel_siginfo *info, struct task_struct *t, int ret)
{
	struct ep_evidence *ev = ep_func(EP_HK_CHECK_KILL, ret);

	if (!ev)
		return 0;
	ev->a[1] = sig;
	ev->a[2] = ep_task_tgid(t);
	ev->a[3] = BPF_CORE_READ(t, real_cred, uid.val);
	return 0;
}

SEC("fexit/__ptrace_may_access")
int BPF_PROG(ep_fx_ptrace_may, struct task_struct *task, unsigned int mode, int ret)
{
	struct ep_evidence *ev = ep_func(EP_HK_PTRACE_MAY_ACCESS, ret);

	if (!ev)
		return 0;
	ev->a[1] = mode;
	ev->a[2] = ep_task_tgid(task);
	ev->a[3] = BPF_CORE_READ(task, real_cred, uid.val);
	return 0;
}

/* a[1]=port a[2]=net.ipv4.ip_unprivileged_port_start a[3]=family */
static __always_inline int ep_inet_bind(struct sock *sk, struct sockaddr *uaddr, int ret)
{
	struct ep_evidence *ev = ep_func(EP_HK_INET_BIND, ret);
	struct sockaddr_in sin = {};

	if (!ev)
		return 0;
	/* sin_port sits at the same offset in sockaddr_in6 */
	bpf_probe_read_kernel(&sin, sizeof(sin), uaddr);
	ev->a[1] = bpf_ntohs(sin.sin_port);
	ev->a[2] = BPF_CORE_READ(sk, __sk_common.skc_net.net, ipv4.sysctl_ip_prot_sock);
	ev->a[3] = sin.sin_family;
	return 0;
}

SEC("fexit/__inet_bind")
int BPF_PROG(ep_fx_inet_bind, struct sock *sk, struct sockaddr *uaddr, int addr_len, __u32 flags,
	     int ret)
{
	return ep_inet_bind(sk, uaddr, ret);
}

SEC("fexit/__inet6_bind")
int BPF_PROG(ep_fx_inet6_bind, struct sock *sk, struct sockaddr *uaddr, int addr_len, __u32 flags,
	     int ret)
{
	return ep_inet_bind(sk, uaddr, ret);
}

/* a[1..2]=net.ipv4.ping_group_range a[3]=family; kgid_t pairs are read as raw words */
SEC("fexit/ping_init_sock")
int BPF_PROG(ep_fx_ping_init, struct sock *sk, int ret)
{
	struct ep_evidence *ev = ep_func(EP_HK_PING_INIT, ret);
	struct net *net;
	__u32 range[2] = {};

	if (!ev)
		return 0;
	net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	bpf_probe_read_kernel(range, sizeof(range),
			      __builtin_preserve_access_index(&net->ipv4.ping_group_range.range));
	ev->a[1] = range[0];
	ev->a[2] = range[1];
	ev->a[3] = BPF_CORE_READ(sk, __sk_common.skc_family);
	return 0;
}

/* a[1]=socket type a[2]=protocol a[3]=family */
static __always_inline int ep_inet_create(struct socket *sock, int protocol, __u32 family, int ret)
{
	struct ep_evidence *ev = ep_func(EP_HK_INET_CREATE, ret);

	if (!ev)
		return 0;
	ev->a[1] = BPF_CORE_READ(sock, type);
	ev->a[2] = protocol;
	ev->a[3] = family;
	return 0;
}

SEC("fexit/inet_create")
int BPF_PROG(ep_fx_inet_create, struct net *net, struct socket *sock, int protocol, int kern,
	     int ret)
{
	return ep_inet_create(sock, protocol, 2, ret);
}

SEC("fexit/inet6_create")
int BPF_PROG(ep_fx_inet6_create, struct net *net, struct socket *sock, int protocol, int kern,
	     int ret)
{
	return ep_inet_create(sock, protocol, 10, ret);
}

#endif /* EPERMD_EVIDENCE_BPF_H */

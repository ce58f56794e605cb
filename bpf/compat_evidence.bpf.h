/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * CO-RE shims for the evidence programs. vmlinux.h is generated from the build host's BTF, which
 * may lack whole subsystems (the development kernel builds neither AppArmor nor Yama), so every
 * LSM-private type is declared here as a ___ep flavour: libbpf matches it to the running
 * kernel's type by name and relocates each field, or the program is switched off before load.
 *
 * Prototype changes (idmapped mounts, __seccomp_filter) move the return value to another ctx
 * slot, which CO-RE cannot relocate: those functions get one program per arity and the
 * daemon enables the one whose arity matches the running kernel's BTF (daemon/capture/hooks.c).
 */
#ifndef EPERMD_COMPAT_EVIDENCE_BPF_H
#define EPERMD_COMPAT_EVIDENCE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* security/apparmor/include/policy.h: only the name fields are read. */
struct aa_policy___ep {
	const char *name;
	char *hname;
} __attribute__((preserve_access_index));

struct aa_profile___ep {
	struct aa_policy___ep base;
} __attribute__((preserve_access_index));

/*
 * security/selinux/include/avc.h. The trailing 'struct selinux_state *state' went away with
 * commit e67b79850fcc ("selinux: stop passing selinux_state pointers and their offspring"),
 * v6.4; it is never read, so one flavour fits both layouts.
 */
struct selinux_audit_data___ep {
	u32 ssid;
	u32 tsid;
	u16 tclass;
	u32 requested;
	u32 audited;
	u32 denied;
	int result;
} __attribute__((preserve_access_index));

/* include/net/af_unix.h: the bound address of a unix socket (Landlock's abstract-socket scope) */
struct sockaddr_un___ep {
	unsigned short sun_family;
	char sun_path[108];
};

struct unix_address___ep {
	int len;
	struct sockaddr_un___ep name[1];
} __attribute__((preserve_access_index));

struct unix_sock___ep {
	struct unix_address___ep *addr;
} __attribute__((preserve_access_index));

/* i_acl exists only with CONFIG_FS_POSIX_ACL. ACL_NOT_CACHED is (void *)-1. */
static __always_inline bool ep_inode_has_acl(struct inode *inode)
{
	void *acl;

	if (!bpf_core_field_exists(inode->i_acl))
		return false;
	acl = BPF_CORE_READ(inode, i_acl);
	return acl && acl != (void *)-1L;
}

/*
 * The value in the syscall return register of the current task (what a seccomp filter set with
 * SECCOMP_RET_ERRNO). bpf_task_pt_regs() arrived in v5.15 and bpf_get_current_task_btf() in
 * v5.11: on older kernels the relocated enum check makes the branch dead code that the
 * verifier never visits.
 */
static __always_inline bool ep_current_syscall_rc(__u64 *rc)
{
	struct pt_regs *regs;

	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs) ||
	    !bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	*rc = PT_REGS_RC_CORE(regs);
	return true;
}

#endif /* EPERMD_COMPAT_EVIDENCE_BPF_H */

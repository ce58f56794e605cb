/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The kernel <-> user ABI of epermd: the one header both bpf/ and daemon/ include.
 * Fixed-width types only, explicit padding, sizes asserted on both sides.
 * Any change here must keep EP_ABI_VERSION in step.
 */
#ifndef EPERMD_H
#define EPERMD_H

#ifdef __bpf__
/* vmlinux.h provides __u8 ... __u64 */
#else
#include <linux/types.h>
#endif

#define EP_ABI_VERSION 2

#define EP_COMM_LEN	16
#define EP_PATH_LEN	512 /* power of two: the BPF side masks with it */
#define EP_MAX_EV	6
#define EP_EV_NAME_LEN	32
#define EP_NR_MAX	512 /* syscall numbers handled by the path table */
#define EP_EXE_DEPTH	8   /* path components of the executable, innermost first */
#define EP_EXE_COMP_LEN 32
#define EP_URING_OP_MAX 64 /* IORING_OP_* handled by the opcode->syscall table */

/* ep_event.exe_flags */
#define EP_EXE_F_TRUNC (1u << 0) /* deeper than EP_EXE_DEPTH, or a component was cut */

#define EP_EPERM  1
#define EP_EACCES 13
#define EP_EROFS  30 /* only in private mount namespaces by default (docs/causes.md) */

/* ep_event.flags */
#define EP_F_PATH_TRUNC	  (1u << 0) /* the path was longer than EP_PATH_LEN - 1 */
#define EP_F_PATH_FAULT	  (1u << 1) /* reading the user path faulted */
#define EP_F_EV_OVERFLOW  (1u << 2) /* more evidence than EP_MAX_EV; the oldest kept */
#define EP_F_SECCOMP_TASK (1u << 3) /* the task had a seccomp filter (mode 2) */
#define EP_F_NO_ENTER	  (1u << 4) /* no sys_enter was seen for this syscall */
#define EP_F_FIRST_SEEN	  (1u << 5) /* first exit seen for this task since attach */
#define EP_F_COMPAT	  (1u << 6) /* 32-bit syscall on a 64-bit kernel */
#define EP_F_IOURING	  (1u << 7) /* an io_uring request, not a syscall: see ep_event.uring_op */
#define EP_F_LANDLOCKED                                                                            \
	(1u << 8) /* the task is in a Landlock domain (restrict_self seen since                    \
		   * attach, inherited across fork; see docs/json.md) */
#define EP_F_LL_CRED                                                                               \
	(1u << 15) /* with EP_F_LANDLOCKED: the domain was read from the task's credentials at     \
		    * the denial (Landlock's LSM blob; a domain entered before start too) */
#define EP_F_FOLD_HEAD                                                                             \
	(1u << 9) /* the kernel counts this denial's repeats in the fold map (struct               \
		   * ep_fold_val.ship_seq is this record's seq) instead of shipping them */
#define EP_F_MDWE                                                                                  \
	(1u << 10) /* with EP_FACT_MDWE: the task's mm had MMF_HAS_MDWE at the denial              \
		    * (prctl PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN; systemd's                      \
		    * MemoryDenyWriteExecute= on 6.3+) */

/* What an evidence record says. a[] meanings are per kind. */
enum ep_ev_kind {
	EP_EV_NONE = 0,
	/* a[0]=cap a[1]=opts (or ~0 if unknown) a[2]=target ns level a[3]=caller ns level */
	EP_EV_CAP = 1,
	/* a[0]=seccomp action (or ~0) a[1]=errno the filter chose a[2]=task seccomp mode */
	EP_EV_SECCOMP = 2,
	/* a[0]=requested mask (MAY_*) a[1]=i_mode a[2]=i_uid a[3]=i_gid; name=dentry name */
	EP_EV_DAC = 3,
	/* a[0]=i_flags (S_IMMUTABLE 0x8, S_APPEND 0x4) a[1]=mask or ia_valid; name=dentry */
	EP_EV_INODE_FLAGS = 4,
	/* a[0]=mnt_flags a[1]=1 noexec, 2 nosuid; name=dentry */
	EP_EV_MOUNT = 5,
	/* a[0]=enum ep_lsm a[1]=enum ep_hook (which function said no); name=profile/label/... */
	EP_EV_LSM = 6,
	/* a[0]=fsnotify mask a[1]=listener tgid (0 if unknown); name=listener comm or file */
	EP_EV_FANOTIFY = 7,
	/* a[0]=type (1 block, 2 char) a[1]=major a[2]=minor a[3]=access */
	EP_EV_DEVCG = 8,
	/* a[0]=enum lockdown_reason a[1]=the lockdown level in force */
	EP_EV_LOCKDOWN = 9,
	/* a[0]=ssid a[1]=tsid a[2]=tclass a[3]=requested/denied; name=scontext if known */
	EP_EV_SELINUX = 10,
	/* a[0]=ptrace mode a[1]=target tgid a[2]=ptrace_scope (if read) */
	EP_EV_YAMA = 11,
	/* the aggregate security_* hook failed: a[0]=enum ep_hook */
	EP_EV_SECURITY = 12,
	/* a kernel function on the denial path failed: a[0]=enum ep_hook a[1..3] per hook */
	EP_EV_FUNC = 13,
	EP_EV__MAX,
};

/* Linux security modules, as named in evidence. */
enum ep_lsm {
	EP_LSM_UNKNOWN = 0,
	EP_LSM_SELINUX,
	EP_LSM_APPARMOR,
	EP_LSM_LANDLOCK,
	EP_LSM_YAMA,
	EP_LSM_LOCKDOWN,
	EP_LSM_BPF,
	EP_LSM_SMACK,
	EP_LSM_TOMOYO,
	EP_LSM__MAX,
};

/*
 * EP_EV_LSM from a Landlock function (a[1] = EP_HK_LANDLOCK): a[2] = EP_LL_<class> <<
 * EP_LL_CLASS_SHIFT | [EP_LL_MISSING] | the access bits in the class's uapi numbering
 * (LANDLOCK_ACCESS_FS_*, LANDLOCK_ACCESS_NET_*, LANDLOCK_SCOPE_*); 0 = not known.
 * a[3]: net: port | address family << 16; scope signal: the target's tgid; scope unix: the
 * listener's tgid (0 = not known). name: the dentry, the target's comm, or "@" + the abstract
 * socket name.
 */
#define EP_LL_CLASS_SHIFT 56
#define EP_LL_FS	  1ull
#define EP_LL_NET	  2ull
#define EP_LL_SCOPE	  3ull
#define EP_LL_MISSING                                                                              \
	(1ull << 48) /* the bits are the rights the domain lacks; without it, the rights the       \
		      * call requested (some of which the domain lacks) */
#define EP_LL_ACCESS_MASK 0xffffffffull

/* Every hook that can produce evidence: the evidence's 'src'. */
enum ep_hook {
	EP_HK_NONE = 0,
	EP_HK_SYS_EXIT,	      /* tracepoint-only inference at sys_exit */
	EP_HK_TP_CAP_CAPABLE, /* capability:cap_capable tracepoint */
	EP_HK_SYS_ENTER,      /* seccomp by exit-without-enter */
	EP_HK_CAP_CAPABLE,    /* fexit cap_capable */
	EP_HK_SECCOMP_FILTER, /* fexit __seccomp_filter */
	EP_HK_GENERIC_PERMISSION,
	EP_HK_INODE_PERMISSION,
	EP_HK_MAY_OPEN,
	EP_HK_MAY_DELETE,
	EP_HK_NOTIFY_CHANGE,
	EP_HK_PATH_NOEXEC,
	EP_HK_SECURITY_FILE_OPEN,
	EP_HK_SECURITY_FILE_PERMISSION,
	EP_HK_SECURITY_INODE, /* any security_inode_* */
	EP_HK_SECURITY_PATH,  /* any security_path_* */
	EP_HK_SECURITY_PTRACE,
	EP_HK_SECURITY_TASK_KILL,
	EP_HK_SECURITY_LOCKED_DOWN,
	EP_HK_SECURITY_BPRM,
	EP_HK_APPARMOR,
	EP_HK_SELINUX_AVC,
	EP_HK_LANDLOCK,
	EP_HK_YAMA,
	EP_HK_LOCKDOWN,
	EP_HK_FSNOTIFY,
	EP_HK_DEVCGROUP,
	EP_HK_CHECK_KILL,
	EP_HK_PTRACE_MAY_ACCESS,
	EP_HK_INET_BIND,
	EP_HK_PING_INIT,
	EP_HK_INET_CREATE,
	EP_HK_BPF_LSM,
	EP_HK_SC_CHAIN, /* the task's seccomp filter chain, evaluated by the daemon
			 * (tracepoint-only): EP_EV_SECCOMP a[3] = filters << 48 | filter (1 =
			 * oldest) << 32 | insn */
	EP_HK__MAX,
};

/*
 * Facts captured in the kernel at the moment the syscall failed (ABI 2). The daemon's
 * decoder expands the compact ring record into these fixed structs; ep_event.facts says
 * which are present. Anything not marked present must be read later from user space, and
 * the diagnosis then says "observed later".
 */
#define EP_MAX_GROUPS	 32
#define EP_FACT_PATH_LEN 512

/* ep_event.facts */
#define EP_FACT_CREDS	     (1u << 0) /* ep_event.cr is filled */
#define EP_FACT_GROUPS_TRUNC (1u << 1) /* the task had more than EP_MAX_GROUPS groups */
#define EP_FACT_BASE                                                                               \
	(1u << 2)		 /* ep_event.base: the directory a relative path or *at()          \
				  * dirfd resolved against (cwd or the dirfd's file) */
#define EP_FACT_FD     (1u << 3) /* ep_event.obj: the file behind the syscall's fd argument */
#define EP_FACT_OBJ    (1u << 4) /* ep_event.obj: the path's target, found in the dcache */
#define EP_FACT_PARENT (1u << 5) /* ep_event.base is the target's parent directory */
#define EP_FACT_EXE    (1u << 6) /* exe_comp[] came from the task's mm->exe_file */
#define EP_FACT_MNT                                                                                \
	(1u << 7) /* ep_event.mnt: the mount the object (EP_FACT_FD/OBJ), else its parent          \
		   * directory (EP_FACT_PARENT), resolved to; EROFS denials only */
#define EP_FACT_WALK                                                                               \
	(1u << 8) /* ep_event.walk[n_walk]: the directories the path's dcache lookup searched,     \
		   * one per component from the start (root or base), at the denial */
#define EP_FACT_PORT                                                                               \
	(1u << 9) /* ep_event.bind_port: bind()'s AF_INET/AF_INET6 port, read from the caller's    \
		   * sockaddr at the syscall's exit (a cgroup BPF program, systemd's               \
		   * SocketBindDeny=, refuses before __inet_bind() could record it) */
#define EP_FACT_MDWE                                                                               \
	(1u << 10) /* the task's memory-deny-write-execute state was read at the denial (an        \
		    * EACCES from mmap, mprotect, pkey_mprotect or shmat on a kernel with MDWE,    \
		    * 6.3+): EP_F_MDWE says whether it was on */

/* ep_inode_facts.flags */
#define EP_IF_PATH_TRUNC (1u << 0) /* deeper or longer than the path buffer */
#define EP_IF_UNLINKED	 (1u << 1) /* the dentry was already unhashed (deleted) */
#define EP_IF_NEGATIVE	 (1u << 2) /* the dentry has no inode */
#define EP_IF_DETACHED                                                                             \
	(1u << 3) /* the walk never met the task's root: an internal mount                         \
		   * (pipe, socket, anon inode) or one detached since; path is "" */

/* ep_inode_facts.mnt_flags: the kernel's MNT_* bits as read from vfsmount.mnt_flags */
#define EP_MNT_NOSUID 0x01
#define EP_MNT_NODEV  0x02
#define EP_MNT_NOEXEC 0x04
#define EP_MNT_RDONLY 0x40

/* ep_mount_facts.mnt_flags: the kernel's MNT_* bits as read from vfsmount.mnt_flags, all of
 * them (EP_MNT_* above and these) */
#define EP_MNT_LOCK_READONLY                                                                       \
	0x400000 /* the read-only flag is locked: the mount came into a                            \
		  * less privileged mount namespace read-only */
/* ep_mount_facts.sb_flags: the superblock's s_flags */
#define EP_SB_RDONLY 0x1 /* the filesystem itself is read-only (mount -o ro, remount,ro) */

struct ep_creds {
	__u32 ruid, euid, suid, fsuid; /* in the initial user namespace (kuid) */
	__u32 rgid, egid, sgid, fsgid;
	__u64 cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
	__u32 securebits;
	__u32 userns_owner; /* kuid that owns the task's user namespace */
	__u16 ngroups;	    /* supplementary groups the task has */
	__u8 no_new_privs;
	__u8 seccomp_mode;
	__u16 seccomp_filters; /* 0 when the kernel does not keep the count */
	__u16 _pad;
	__u32 groups[EP_MAX_GROUPS]; /* the first min(ngroups, EP_MAX_GROUPS) */
};

/* One directory of a path walk (EP_FACT_WALK): where a component was looked up. */
#define EP_DIR_ACL	   (1u << 0) /* the inode holds a cached POSIX access ACL */
#define EP_DIR_ACL_UNKNOWN (1u << 1) /* its ACL was not cached (or the kernel has no i_acl) */

struct ep_dir_facts {
	__u32 mode;  /* i_mode; 0 when the walk could not read the inode */
	__u32 uid;   /* kuid */
	__u32 gid;   /* kgid */
	__u16 flags; /* EP_DIR_* */
	__u16 _pad;
};

struct ep_inode_facts {
	__u64 dev; /* as stat() reports st_dev (new_encode_dev(sb->s_dev)) */
	__u64 ino;
	__u64 fs_magic;	 /* sb->s_magic */
	__u32 mode;	 /* i_mode */
	__u32 uid;	 /* kuid */
	__u32 gid;	 /* kgid */
	__u32 i_flags;	 /* S_IMMUTABLE 0x8, S_APPEND 0x4 ... */
	__u32 mnt_flags; /* EP_MNT_* */
	__u32 rdev;	 /* new_encode_dev(i_rdev) */
	__u16 path_len;
	__u16 flags; /* EP_IF_* */
	__u32 _pad;
	char path[EP_FACT_PATH_LEN]; /* absolute, from the dentries (mount-crossing, as seen from
				      * the task's root); "" when not known */
};

/*
 * The mount a path or fd resolved to (EP_FACT_MNT): MNT_READONLY in mnt_flags is this mount's
 * own (a read-only bind mount: a policy of whoever made the mount namespace), SB_RDONLY in
 * sb_flags is the filesystem's (read-only for every mount of it).
 */
struct ep_mount_facts {
	__u32 mnt_id;	 /* struct mount.mnt_id: the first field of /proc/PID/mountinfo */
	__u32 mnt_flags; /* vfsmount.mnt_flags */
	__u32 sb_flags;	 /* super_block.s_flags */
	__u32 mnt_ns;	 /* inode number of the mount namespace the mount is in; 0 = none */
	__u64 dev;	 /* the superblock's st_dev */
	__u16 path_len;
	__u16 flags; /* EP_IF_* of the mount point's path */
	__u32 _pad;
	char path[EP_FACT_PATH_LEN]; /* the mount point, as seen from the task's root */
};

/*
 * Ring records start with a __u32 record type. The denial record on the ring is compact
 * (sections sized to their content; bpf/ and daemon/capture decode it into struct ep_event).
 */
enum ep_rec_type {
	EP_REC_DENIAL = 1,  /* a failing syscall or io_uring request */
	EP_REC_SC_PROG = 2, /* struct ep_sc_prog: a seccomp filter's classic BPF, once per filter */
	EP_REC_NOTICE = 3,  /* struct ep_notice: a successful syscall the daemon must know about */
};

/* The first words of a task's credentials' LSM blob (cred->security), sampled by the
 * ep_ll_probe program for the daemon to find Landlock's domain pointer in it (llcred.c). */
#define EP_LL_WORDS 16

/* ep_notice.kind */
enum ep_notice_kind {
	EP_NOTE_FANOTIFY_MARK = 1, /* fanotify_mark() succeeded with a permission bit in the mask */
	EP_NOTE_LANDLOCK = 2,	   /* landlock_restrict_self() succeeded */
	EP_NOTE_FOLD = 3,	   /* reserved: in-kernel fold counts */
};

struct ep_notice {
	__u32 rec_type; /* EP_REC_NOTICE */
	__u16 kind;	/* enum ep_notice_kind */
	__u16 _pad;
	__u64 ts_ns;
	__u32 pid, tid;
	__u64 args[6];
	char comm[EP_COMM_LEN];
};

#define EP_MAX_SC_FILTERS 8
#define EP_SC_MAX_INSNS	  4096 /* BPF_MAXINSNS */

/* A seccomp filter's instructions (struct sock_filter, 8 bytes each) as the task installed
 * them (bpf_prog->orig_prog), shipped once per filter identity. */
struct ep_sc_prog {
	__u32 rec_type; /* EP_REC_SC_PROG */
	__u32 len;	/* instructions */
	__u64 id;	/* the filter's identity, as in ep_event.sc_filter[] */
	__u64 insn[EP_SC_MAX_INSNS];
};

/*
 * The compact denial record (EP_REC_DENIAL) as the BPF side writes it: struct ep_wire_hdr, then
 * only the sections with content, in this order, each starting where the previous one ended:
 *   uring                      when flags has EP_F_IOURING: struct ep_wire_uring (16)
 *   ev[n_ev]                   n_ev x struct ep_evidence (72)
 *   groups[n_groups]           n_groups x __u32, padded to a multiple of 8 bytes
 *   sc_filter[n_sc_filter]     n_sc_filter x __u64
 *   path                       path_len bytes, no NUL
 *   exe                        exe_len bytes: exe_depth NUL-terminated names, innermost first
 *   base                       when facts has EP_FACT_BASE: padding to the record's next
 *                              multiple of 8, struct ep_wire_inode, then its path_len bytes of
 *                              depth NUL-terminated dentry names, innermost first (the decoder
 *                              joins them into "/a/b/c")
 *   walk                       when facts has EP_FACT_WALK: padding to the record's next
 *                              multiple of 8, then n_walk x struct ep_dir_facts (16)
 *   obj                        as base, when facts has EP_FACT_FD or EP_FACT_OBJ
 *   mnt                        when facts has EP_FACT_MNT: padding to the next multiple of 8,
 *                              struct ep_wire_mount, then its path_len bytes of depth names
 *                              (the mount point's path, as for base)
 * hdr.size is the record's length. The decoder (daemon/capture/capture.c) rejects a record whose
 * lengths or counts do not add up to exactly hdr.size, or that is longer than received.
 */
#define EP_WIRE_MAX	   4096 /* no record is longer (power of two: BPF masks offsets) */
#define EP_WIRE_NAME_MAX   256	/* one dentry name with its NUL, as read */
#define EP_WIRE_PATH_DEPTH 24	/* dentry names per base/obj path */

/* The credential facts without groups: the first bytes of struct ep_creds. */
struct ep_wire_creds {
	__u32 ruid, euid, suid, fsuid;
	__u32 rgid, egid, sgid, fsgid;
	__u64 cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
	__u32 securebits;
	__u32 userns_owner;
	__u16 ngroups;
	__u8 no_new_privs;
	__u8 seccomp_mode;
	__u16 seccomp_filters;
	__u16 _pad;
};

struct ep_wire_inode {
	__u64 dev, ino, fs_magic;
	__u32 mode, uid, gid, i_flags, mnt_flags, rdev;
	__u16 path_len; /* bytes of this inode's path section */
	__u16 flags;	/* EP_IF_* */
	__u8 depth;	/* names in the path section */
	__u8 _pad[3];
};

struct ep_wire_mount {
	__u32 mnt_id, mnt_flags, sb_flags, mnt_ns;
	__u64 dev;
	__u16 path_len; /* bytes of the mount point's path section */
	__u16 flags;	/* EP_IF_* */
	__u8 depth;	/* names in the path section */
	__u8 _pad[3];
};

struct ep_wire_hdr {
	__u32 rec_type; /* EP_REC_DENIAL */
	__u32 size;	/* bytes of the whole record */
	__u64 ts_ns;
	__u64 seq;
	__u64 cgroup_id;
	__u64 args[6];
	__u32 pid, tid, ppid;
	__u32 userns_ino, mntns_ino, userns_level;
	__s32 syscall_nr;
	__s32 ret;
	__u32 flags; /* EP_F_* */
	__u32 facts; /* EP_FACT_* */
	char comm[EP_COMM_LEN];
	struct ep_wire_creds cr; /* valid when facts has EP_FACT_CREDS */
	__u16 path_len;
	__u8 path_arg;
	__u8 n_ev;
	__u8 exe_depth;
	__u8 exe_flags;
	__u16 exe_len;
	__u16 uring_op;
	__u8 n_groups; /* groups in the record: min(cr.ngroups, EP_MAX_GROUPS) */
	__u8 n_sc_filter;
	__u8 sc_chain_trunc;
	__u8 n_walk;	 /* EP_FACT_WALK: directories in the walk section */
	__u16 bind_port; /* EP_FACT_PORT */
	__u64 ip;	 /* regs->ip: seccomp_data.instruction_pointer */
};

/* The section after the header of an EP_F_IOURING record: as in struct ep_event. */
struct ep_wire_uring {
	__u64 user_data;
	__u32 tid;
	__u32 _pad;
};

struct ep_evidence {
	__u16 kind; /* enum ep_ev_kind */
	__u16 src;  /* enum ep_hook */
	__s32 ret;  /* the function's return value, when it has one */
	__u64 a[4];
	char name[EP_EV_NAME_LEN];
};

struct ep_event {
	__u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 seq;   /* unique; global and gap-free among attempted events that were not folded
		      * in the kernel, with BPF atomic fetch (5.12+), else (per-CPU attempted
		      * count << 16) | CPU */
	__u64 cgroup_id;
	__u64 args[6];
	__u32 pid; /* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 fsuid;
	__u32 userns_ino;
	__u32 mntns_ino;
	__u32 userns_level;
	__s32 syscall_nr;
	__s32 ret; /* -EPERM, -EACCES or -EROFS */
	__u16 path_len;
	__u8 path_arg; /* 1-based index of the argument copied into path; 0 = none */
	__u8 n_ev;
	__u32 flags; /* EP_F_* */
	__u32 _pad0;
	char comm[EP_COMM_LEN];
	/* The executable's path as dentry names from the file up to the root, so the daemon
	 * can name it after a short-lived process is gone from /proc. */
	__u8 exe_depth;
	__u8 exe_flags;
	__u16 uring_op; /* EP_F_IOURING: the IORING_OP_* that failed (syscall_nr is its syscall) */
	__u32 facts;	/* EP_FACT_* */
	char exe_comp[EP_EXE_DEPTH][EP_EXE_COMP_LEN];
	struct ep_evidence ev[EP_MAX_EV];
	char path[EP_PATH_LEN];
	/* ABI 2: facts at the moment of denial (the decoder fills them from the ring record) */
	struct ep_creds cr;
	struct ep_inode_facts base;
	struct ep_inode_facts obj;
	/* the task's seccomp filter chain at the denial, newest first (ep_sc_prog.id) */
	__u64 sc_filter[EP_MAX_SC_FILTERS];
	__u8 n_sc_filter;
	__u8 sc_chain_trunc; /* more filters than EP_MAX_SC_FILTERS */
	__u8 _pad2[6];
	__u64 ip; /* regs->ip at sys_exit: seccomp_data.instruction_pointer (0 if not read) */
	/* EP_F_IOURING: the request's user_data and the thread whose completion reported it (an
	 * io-wq worker or the SQPOLL thread, or tid itself); tid is the submitter */
	__u64 uring_user_data;
	__u32 uring_tid;
	__u32 _pad3;
	/* EP_FACT_MNT: the mount of an EROFS denial's object */
	struct ep_mount_facts mnt;
	/* EP_FACT_WALK: the directories the path's lookup searched, from the start directory on */
	struct ep_dir_facts walk[EP_WIRE_PATH_DEPTH];
	__u8 n_walk;
	__u8 _pad4;
	__u16 bind_port; /* EP_FACT_PORT: bind()'s port, from the caller's sockaddr at the exit */
	__u8 _pad5[4];
};

/* Per-CPU loss accounting. attempted == submitted + reserve_failed, exactly. */
struct ep_counters {
	__u64 attempted;      /* failing syscalls that passed the filters, before reserve */
	__u64 submitted;      /* records committed to the ring */
	__u64 reserve_failed; /* ring full (or contended): record lost, counted */
	__u64 truncated;      /* submitted with EP_F_PATH_TRUNC */
	__u64 read_fault;     /* submitted with EP_F_PATH_FAULT */
	__u64 filtered_self;  /* the daemon's own failing syscalls, never sent */
	__u64 ev_overflow;    /* evidence records that did not fit in one event */
	__u64 ev_discarded;   /* evidence from syscalls that did not fail with EPERM/EACCES */
};

/* Per-CPU accounting of the notices (EP_REC_NOTICE), apart from the denials' conservation. */
struct ep_aux_counters {
	__u64 notices;	    /* notices committed to the ring */
	__u64 notice_lost;  /* ring full: a notice lost, counted */
	__u64 scratch_busy; /* a denial met its CPU's record buffer in use (counted in
			     * reserve_failed too) */
	__u64 _rsvd;
};

/*
 * In-kernel folding (bpf/fold.bpf.h): a repeat of a denial already shipped, with the same key,
 * less than the fold window after the record that heads it, is counted in the fold map's value
 * instead of being shipped. The key holds what the diagnosis depends on: the process (tgid and
 * start time), its credentials and executable, the syscall, its errno and arguments, the
 * evidence (as a signature) and the object exactly: the path's bytes (no fold beyond
 * EP_FOLD_PATH_LEN - 1), its base directory, the fd's inode. The daemon drains the counts.
 */
#define EP_FOLD_PATH_LEN 256

struct ep_fold_key {
	__u64 start_time; /* the thread group leader's start_time */
	__u64 cred;	  /* the task's struct cred (address) */
	__u64 exe;	  /* mm->exe_file (address) */
	__u64 sc_filter;  /* the newest seccomp filter (address) */
	__u64 base;	  /* a relative path's base directory dentry, or the root's (address) */
	__u64 obj_inode;  /* the fd argument's inode (address), 0 if none */
	__u64 obj_ino;	  /* its i_ino */
	__u64 ev_sig;	  /* a hash of the evidence the syscall collected */
	__u64 cap_eff;
	__u64 args[6]; /* the path pointer and dirfd arguments are 0 (base and path stand in) */
	__u32 tgid;
	__s32 syscall_nr;
	__s32 ret;
	__u32 flags; /* EP_F_* of the record */
	__u32 euid, fsuid, fsgid;
	__u16 path_len;
	__u16 _pad;
	char comm[EP_COMM_LEN];
	char path[EP_FOLD_PATH_LEN]; /* zero-padded */
};

struct ep_fold_val {
	__u64 gen;	/* seq of the record that created this entry (never changes) */
	__u64 ship_seq; /* seq of the last record shipped for this key (EP_F_FOLD_HEAD) */
	__u64 ship_ts;	/* its ts_ns: repeats fold until ship_ts + the fold window */
	__u64 last_ts;	/* ts_ns of the last repeat folded */
	__u64 count;	/* repeats folded into this entry since it was created (only grows) */
};

/*
 * The fold map's value. The map is keyed by the key's 64-bit fingerprint (hashing 8 bytes, not
 * the key's 424); the key itself is kept here and compared word by word at every lookup, so two
 * keys that share a fingerprint never fold into each other's entry (the second one then ships
 * every record, as a key that cannot fold). The daemon reads v only.
 */
struct ep_fold_ent {
	struct ep_fold_val v;
	__u64 ship_jiffies; /* jiffies at v.ship_ts, where repeats are timed in ticks */
	struct ep_fold_key k;
};

/* Per-CPU: attempted == submitted + reserve_failed + folded (struct ep_counters for the rest). */
struct ep_fold_counters {
	__u64 folded;  /* repeats counted in the fold map instead of shipped */
	__u64 created; /* fold entries created (the LRU evicts the oldest when full) */
	__u64 _rsvd[2];
};

/* Per-task state while a syscall runs (hash keyed by tid). */
struct ep_task_state {
	__u32 entered; /* seccomp tasks only: 1 between sys_enter and sys_exit */
	__u32 enter_nr;
	__u32 n_ev;
	__u32 flags;
	struct ep_evidence ev[EP_MAX_EV];
};

/*
 * The dcache hash probe (bpf/dhash.bpf.h, daemon/dhash.c): the daemon test-runs a program that
 * samples the dentries of its own open files (dh_fds[]) and their parents into dh_samples[].
 */
#define EP_DH_FDS     8 /* files the probe samples */
#define EP_DH_LEVELS  4 /* dentries per file: the file and its parents */
#define EP_DH_SAMPLES (EP_DH_FDS * EP_DH_LEVELS)

struct ep_dh_sample {
	__u64 pprev; /* d_hash.pprev: the bucket, or the previous dentry's next pointer */
	__u32 hash;  /* d_name.hash as the kernel computed it */
	__u32 mine;  /* the probe's full_name_hash() of the same name and parent */
	__u32 len;   /* d_name.len */
	__u32 _pad;
};

_Static_assert(sizeof(struct ep_dh_sample) == 24, "ep_dh_sample ABI");
_Static_assert(sizeof(struct ep_evidence) == 72, "ep_evidence ABI");
_Static_assert(sizeof(struct ep_creds) == 88 + 4 * EP_MAX_GROUPS, "ep_creds ABI");
_Static_assert(sizeof(struct ep_inode_facts) == 56 + EP_FACT_PATH_LEN, "ep_inode_facts ABI");
_Static_assert(sizeof(struct ep_event) ==
		   160 + EP_EXE_DEPTH * EP_EXE_COMP_LEN + EP_MAX_EV * 72 + EP_PATH_LEN +
		       sizeof(struct ep_creds) + 2 * sizeof(struct ep_inode_facts) +
		       8 * EP_MAX_SC_FILTERS + 16 + 16 + sizeof(struct ep_mount_facts) +
		       EP_WIRE_PATH_DEPTH * sizeof(struct ep_dir_facts) + 8,
	       "ep_event ABI");
_Static_assert(sizeof(struct ep_mount_facts) == 32 + EP_FACT_PATH_LEN, "ep_mount_facts ABI");
_Static_assert(sizeof(struct ep_counters) == 64, "ep_counters ABI");
_Static_assert(sizeof(struct ep_aux_counters) == 32, "ep_aux_counters ABI");
_Static_assert(sizeof(struct ep_wire_creds) == 88, "ep_wire_creds ABI");
_Static_assert(sizeof(struct ep_wire_inode) == 56, "ep_wire_inode ABI");
_Static_assert(sizeof(struct ep_dir_facts) == 16, "ep_dir_facts ABI");
_Static_assert(sizeof(struct ep_wire_hdr) == 248, "ep_wire_hdr ABI");
_Static_assert(sizeof(struct ep_wire_uring) == 16, "ep_wire_uring ABI");
_Static_assert(sizeof(struct ep_wire_mount) == 32, "ep_wire_mount ABI");
_Static_assert(sizeof(struct ep_notice) == 88, "ep_notice ABI");
_Static_assert(sizeof(struct ep_fold_key) == 168 + EP_FOLD_PATH_LEN, "ep_fold_key ABI");
_Static_assert(sizeof(struct ep_fold_val) == 40, "ep_fold_val ABI");
_Static_assert(sizeof(struct ep_fold_ent) == 48 + sizeof(struct ep_fold_key), "ep_fold_ent ABI");
_Static_assert(sizeof(struct ep_fold_counters) == 32, "ep_fold_counters ABI");
_Static_assert(sizeof(struct ep_wire_hdr) + sizeof(struct ep_wire_uring) + EP_MAX_EV * 72 +
		       EP_MAX_GROUPS * 4 + EP_MAX_SC_FILTERS * 8 +
		       2 * (sizeof(struct ep_wire_inode) + 7) + EP_PATH_LEN +
		       EP_EXE_DEPTH * EP_EXE_COMP_LEN + 2 * EP_FACT_PATH_LEN +
		       sizeof(struct ep_wire_mount) + 7 + EP_FACT_PATH_LEN + 7 +
		       EP_WIRE_PATH_DEPTH * sizeof(struct ep_dir_facts) <=
		   EP_WIRE_MAX,
	       "the largest record fits EP_WIRE_MAX");

#endif /* EPERMD_H */

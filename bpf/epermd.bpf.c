// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tracepoint layer: every syscall exit with -EPERM/-EACCES (and -EROFS where a read-only
 * view is a policy: ep_erofs_wanted) becomes one ep_event in the ring, carrying the evidence
 * its task collected during the syscall (per-tid state).
 * Each hook exists as tp_btf and as raw_tp; the loader keeps the one the kernel supports.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "epermd.h"
#include "compat.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

_Static_assert(sizeof(struct ep_wire_hdr) % 8 == 0, "ep_wire_hdr alignment");
_Static_assert((EP_PATH_LEN & (EP_PATH_LEN - 1)) == 0, "EP_PATH_LEN power of two");

/* task_state.flags bits that never reach an event */
/* the tid's current syscall started under the attached sys_enter hook: a missing enter means
 * seccomp stopped it. Set by sys_enter, and at sys_exit once the enter hook is live. */
#define EP_ST_ENTER_SEEN  (1u << 31)
#define EP_ST_EVENT_FLAGS EP_F_EV_OVERFLOW

/* Set by the loader before load. */
const volatile __u32 self_tgid = 0;
const volatile bool filter_tracked = false;
/* tracepoint-only seccomp inference (sys_enter marks seccomp tasks); off when fexit covers it */
const volatile bool seccomp_by_enter = true;
/* the task's seccomp filter chain goes with each denial of a seccomp task, its programs once
 * each (EP_REC_SC_PROG): the daemon evaluates it, no sys_enter program needed */
const volatile bool sc_chain = false;
const volatile bool use_task_btf = false;
const volatile __u64 wake_bytes = 4u << 20;
const volatile __u8 path_arg[EP_NR_MAX] = {};
/* 1-based argument of the path's dirfd, and of the fd of fd-based calls (daemon/lib/names.c) */
const volatile __u8 dirfd_arg[EP_NR_MAX] = {};
const volatile __u8 fd_arg[EP_NR_MAX] = {};
/* syscall numbers the programs treat apart; -1 when this kernel's table lacks them */
const volatile __s32 nr_mmap = -1;
const volatile __s32 nr_bind = -1;
const volatile __s32 nr_landlock_restrict_self = -1;
const volatile __s32 nr_fanotify_mark = -1;
const volatile __s32 nr_mprotect = -1;
const volatile __s32 nr_pkey_mprotect = -1;
const volatile __s32 nr_shmat = -1;
/* the kernel has memory-deny-write-execute (prctl PR_GET_MDWE answers, 6.3+): MMF_HAS_MDWE
 * means what it says */
const volatile bool mdwe_ok = false;
/* look a path's final dentry up in the dcache at a denial (EP_FACT_OBJ) */
const volatile bool obj_lookup = true;
const volatile __u32 dcache_mounted = 0; /* DCACHE_MOUNTED; 0 = the pre-6.14 value */
/* EROFS denials: 0 never, 1 in mount namespaces other than host_mntns, 2 everywhere */
const volatile __u32 erofs_mode = 0;
const volatile __u32 host_mntns = 0; /* inode of the host's (PID 1's) mount namespace */

/* Tasks whose state holds evidence: non-failing exits only look up state when non-zero. */
__u64 pending_tasks = 0;
__u64 ep_seq = 0;
/* seccomp programs not shipped (ring full, unreadable): shipped again at the next denial */
__u64 sc_ship_failed = 0;
/* Threads marked in landlocked: fork and exit look the map up only when non-zero. */
__u64 landlock_marks = 0;
/* Set by the loader once the sys_enter program is attached. */
bool enter_live = false;
static const struct ep_task_state ep_zero_state;
/* A seccomp task first met at a sys_exit: between syscalls, so its next sys_enter will be seen. */
static const struct ep_task_state ep_seen_state = {.flags = EP_ST_ENTER_SEEN};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

/* State lives until the thread exits (ep_task_exit); evidence is cleared at every exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct ep_task_state);
} task_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u8);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_counters);
} counters SEC(".maps");

/* Seccomp filter identities whose program went out; the daemon deletes the ones it forgets. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} sc_shipped SEC(".maps");

/* The chain of the failing task, off the stack: 5.10 allows 512 bytes of stack for the
 * program and the global functions it calls together, and the record builder needs them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64[EP_MAX_SC_FILTERS]);
} sc_ids_buf SEC(".maps");

/* an empty chain: syscalls of tasks without a filter, io_uring requests */
static const __u64 ep_no_sc[EP_MAX_SC_FILTERS];
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_aux_counters);
} aux_counters SEC(".maps");

/* Threads that completed landlock_restrict_self() since attach, and their descendants. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} landlocked SEC(".maps");

/*
 * Landlock's place in the credentials' LSM blob: the byte offset of its domain pointer in
 * cred->security, found by the daemon from ep_ll_probe's samples of a restricted and an
 * unrestricted task (daemon/capture/llcred.c); -1 while not known. Set once after load.
 */
__s32 ll_cred_off = -1;
__u64 ll_words[EP_LL_WORDS] = {};

/*
 * Test-run by the daemon (BPF_PROG_TEST_RUN) in a task of its own: the first EP_LL_WORDS words
 * of the running task's credentials' LSM blob into ll_words (zeros when it has none).
 */
SEC("raw_tp")
int ep_ll_probe(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	void *sec = BPF_CORE_READ(task, cred, security);

	if (!sec || bpf_probe_read_kernel(ll_words, sizeof(ll_words), sec))
		for (int i = 0; i < EP_LL_WORDS; i++)
			ll_words[i] = 0;
	return 0;
}

/* Count in ep_aux_counters: 0 notices, 1 notice_lost, 2 scratch_busy. */
static __always_inline void ep_aux_count(int which)
{
	__u32 zero = 0;
	struct ep_aux_counters *a = bpf_map_lookup_elem(&aux_counters, &zero);

	if (!a)
		return;
	if (which == 0)
		a->notices++;
	else if (which == 1)
		a->notice_lost++;
	else
		a->scratch_busy++;
}

static __always_inline struct ep_counters *ep_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

static __always_inline bool ep_tgid_wanted(__u32 tgid)
{
	if (tgid == self_tgid)
		return false;
	if (filter_tracked && !bpf_map_lookup_elem(&tracked, &tgid))
		return false;
	return true;
}

static __always_inline struct ep_task_state *ep_state_new(__u32 tid,
							  const struct ep_task_state *init)
{
	if (bpf_map_update_elem(&task_state, &tid, init, BPF_NOEXIST))
		return NULL;
	return bpf_map_lookup_elem(&task_state, &tid);
}

static __always_inline struct ep_task_state *ep_state_get(__u32 tid)
{
	struct ep_task_state *st = bpf_map_lookup_elem(&task_state, &tid);

	if (st)
		return st;
	return ep_state_new(tid, &ep_zero_state);
}

/* Drop the evidence of the syscall that just ended; returns how many records it held. */
static __always_inline __u32 ep_state_clear(struct ep_task_state *st)
{
	__u32 n;

	if (!st)
		return 0;
	st->entered = 0;
	n = st->n_ev;
	if (!n)
		return 0;
	st->n_ev = 0;
	st->flags &= ~EP_ST_EVENT_FLAGS;
	__sync_fetch_and_add(&pending_tasks, -1);
	return n;
}

/*
 * A zeroed evidence slot in the current task's state, kind/src/ret filled in, or NULL.
 * Keeps the newest EP_MAX_EV records; older ones are overwritten (EP_F_EV_OVERFLOW).
 */
static __always_inline struct ep_evidence *ep_ev_slot(__u16 kind, __u16 src, __s32 ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, n;
	struct ep_task_state *st;
	struct ep_evidence *slot;
	__u64 idx;

	if (!ep_tgid_wanted(id >> 32))
		return NULL;
	st = bpf_map_lookup_elem(&task_state, &tid);
	if (!st) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();

		/* kernel threads and dying tasks never reach a sys_exit to clear the state */
		if (BPF_CORE_READ(task, flags) & (PF_KTHREAD | PF_EXITING))
			return NULL;
		st = ep_state_get(tid);
		if (!st)
			return NULL;
	}
	n = st->n_ev;
	idx = n % EP_MAX_EV;
	/* the verifier loses the range of a modulo; make clang keep the check */
	barrier_var(idx);
	if (idx >= EP_MAX_EV)
		return NULL;
	if (!n)
		__sync_fetch_and_add(&pending_tasks, 1);
	else if (n >= EP_MAX_EV)
		st->flags |= EP_F_EV_OVERFLOW;
	st->n_ev = n + 1;
	slot = &st->ev[idx];
	__builtin_memset(slot, 0, sizeof(*slot));
	slot->kind = kind;
	slot->src = src;
	slot->ret = ret;
	return slot;
}

#include "evidence.bpf.h"
#include "facts.bpf.h"

static __always_inline void ep_discard(struct ep_task_state *st)
{
	struct ep_counters *c;
	__u32 n;

	n = ep_state_clear(st);
	if (n) {
		c = ep_counters();
		if (c)
			c->ev_discarded += n;
	}
}

/* Copy the evidence oldest-first into the record; returns how many. */
static __always_inline __u8 ep_copy_evidence(struct ep_evidence *dst, struct ep_task_state *st)
{
	__u64 n = 0, start = 0, cnt, i, j;

	if (st)
		n = st->n_ev;
	cnt = n < EP_MAX_EV ? n : EP_MAX_EV;
	if (n > EP_MAX_EV)
		start = n % EP_MAX_EV;
	barrier_var(start);
	if (start >= EP_MAX_EV)
		start = 0;
	for (i = 0; i < EP_MAX_EV; i++) {
		if (i >= cnt || !st)
			break;
		j = start + i;
		if (j >= EP_MAX_EV)
			j -= EP_MAX_EV;
		/* clang proves j < EP_MAX_EV and would drop the check the verifier needs */
		barrier_var(j);
		if (j >= EP_MAX_EV)
			break;
		__builtin_memcpy(&dst[i], &st->ev[j], sizeof(dst[i]));
	}
	return cnt;
}

/* The user path at buf + off; returns its length (no NUL). */
static __always_inline __u32 ep_read_path(struct ep_wire_hdr *h, __u8 *buf, __u32 off,
					  const char *uptr, struct ep_counters *c)
{
	long len;
	char next;

	len = bpf_probe_read_user_str(buf + EP_WOFF(off), EP_PATH_LEN, uptr);
	if (len < 0) {
		h->flags |= EP_F_PATH_FAULT;
		c->read_fault++;
		return 0;
	}
	if (len > 0)
		len--;
	/* a full buffer is truncated only if the user string goes on */
	if (len == EP_PATH_LEN - 1 &&
	    (bpf_probe_read_user(&next, 1, uptr + EP_PATH_LEN - 1) || next)) {
		h->flags |= EP_F_PATH_TRUNC;
		c->truncated++;
	}
	return len & (EP_PATH_LEN - 1);
}

/* The executable's dentry names, innermost first, at buf + off; returns the bytes used. */
static __always_inline __u32 ep_put_exe(struct ep_wire_hdr *h, __u32 off, struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	int res;

	if (!exe)
		return 0;
	res = ep_exe_names(off, (__u64)exe);
	h->exe_depth = (res >> 16) & 0xff;
	h->exe_flags = (res >> 24) & EP_IF_PATH_TRUNC ? EP_EXE_F_TRUNC : 0;
	h->facts |= EP_FACT_EXE;
	return res & 0x1ff;
}

static __always_inline void ep_fill_hdr(struct ep_wire_hdr *h, struct task_struct *task,
					const struct cred *cred, const bool btf)
{
	h->ppid = EP_RD(btf, task, real_parent, tgid);
	h->userns_ino = EP_RD(btf, cred, user_ns, ns.inum);
	h->userns_level = EP_RD(btf, cred, user_ns, level);
	h->mntns_ino = EP_RD(btf, task, nsproxy, mnt_ns, ns.inum);
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	ep_put_creds(&h->cr, task, cred, btf);
	h->facts |= EP_FACT_CREDS;
	/* a Landlock domain in the credentials at the denial, however old (ll_cred_off) */
	if (ll_cred_off >= 0) {
		__u64 sec = (__u64)EP_RD(btf, cred, security), dom = 0;

		if (sec &&
		    !bpf_probe_read_kernel(&dom, sizeof(dom),
					   (void *)(sec + (ll_cred_off & 0x3f8))) &&
		    dom)
			h->flags |= EP_F_LANDLOCKED | EP_F_LL_CRED;
	}
}

/* @r: where the registers are copied (the stack, or a per-CPU buffer where the stack is short) */
static __always_inline void ep_fill_regs(__u64 *args, __s32 *nr, __u64 *ip, struct pt_regs *regs,
					 bool compat, struct pt_regs *r)
{
	if (bpf_probe_read_kernel(r, sizeof(*r), regs))
		__builtin_memset(r, 0, sizeof(*r));
	*nr = (__s32)r->orig_ax;
	*ip = r->ip;
	if (compat) {
		args[0] = (__u32)r->bx;
		args[1] = (__u32)r->cx;
		args[2] = (__u32)r->dx;
		args[3] = (__u32)r->si;
		args[4] = (__u32)r->di;
		args[5] = (__u32)r->bp;
	} else {
		args[0] = r->di;
		args[1] = r->si;
		args[2] = r->dx;
		args[3] = r->r10;
		args[4] = r->r8;
		args[5] = r->r9;
	}
}

/* bind()'s port from the caller's sockaddr (AF_INET 2, AF_INET6 10: the port sits at the same
 * offset in both). A cgroup BPF program (systemd's SocketBindDeny=) refuses in inet_bind_sk()
 * before __inet_bind(), whose hook would record it, and the caller is often gone before the
 * daemon could read its memory. */
static __always_inline void ep_bind_port(struct ep_wire_hdr *h)
{
	struct {
		__u16 family;
		__u16 port;
	} sa = {};

	if (h->syscall_nr != nr_bind || (h->flags & EP_F_COMPAT) || h->args[2] < sizeof(sa))
		return;
	if (bpf_probe_read_user(&sa, sizeof(sa), (const void *)h->args[1]) ||
	    (sa.family != 2 && sa.family != 10))
		return;
	h->bind_port = bpf_ntohs(sa.port);
	h->facts |= EP_FACT_PORT;
}

/* The task's MDWE state at an EACCES from the calls map_deny_write_exec() refuses: the flag
 * lives in mm->flags only (PR_GET_MDWE answers for the caller alone, /proc does not show it)
 * and the process is often gone before the daemon looks. remap_file_pages is left out: its
 * protection is the old mapping's, not in its arguments. */
static __always_inline void ep_mdwe(struct ep_wire_hdr *h, struct task_struct *task)
{
	__s32 nr = h->syscall_nr;
	__u64 f = 0;

	if (!mdwe_ok || h->ret != -EACCES || (h->flags & EP_F_COMPAT) ||
	    (nr != nr_mmap && nr != nr_mprotect && nr != nr_pkey_mprotect && nr != nr_shmat))
		return;
	if (ep_mm_flags(task, &f))
		return;
	h->facts |= EP_FACT_MDWE;
	if (f & (1ull << EP_MMF_HAS_MDWE))
		h->flags |= EP_F_MDWE;
}

/* What the record says about files: the user path, its base directory, the fd's file. */
struct ep_files {
	const char *uptr; /* the user path, or NULL */
	struct dentry *base_d, *obj_d;
	struct vfsmount *base_m, *obj_m;
};

/*
 * The record's files, in a map rather than on the stack: the verifier does not follow the
 * values of map memory, so which of them a path set does not split its states (each split
 * would verify the rest of the builder again). With the syscall's registers: 5.10 allows 512
 * bytes of stack for a program and the global functions it calls together. Used under the
 * scratch buffer's busy flag (ep_emit()).
 */
struct ep_build_tmp {
	struct ep_files fl;
	struct pt_regs regs;
};

EP_PERCPU_SLOT(files_buf, struct ep_build_tmp, ep_build_tmp)

static __always_inline struct ep_files *ep_files_buf(void)
{
	struct ep_build_tmp *b = ep_build_tmp();

	return b ? &b->fl : NULL;
}

static __always_inline __u8 ep_arg_idx(const volatile __u8 *tab, __s32 nr)
{
	__u8 i;

	if (nr < 0 || nr >= EP_NR_MAX)
		return 0;
	i = tab[nr];
	return i >= 1 && i <= 6 ? i : 0;
}

static __always_inline void ep_file_of_fd(struct task_struct *task, long fd, struct dentry **d,
					  struct vfsmount **m)
{
	struct file *f = ep_fd_file(task, fd);

	if (!f)
		return;
	*d = BPF_CORE_READ(f, f_path.dentry);
	*m = BPF_CORE_READ(f, f_path.mnt);
}

/*
 * Which files the syscall names: a relative path's base (the dirfd's file, else the cwd), an
 * empty path with a dirfd (AT_EMPTY_PATH: the dirfd's file is the object), or the fd argument
 * of an fd-based call. Sets path_arg and the facts to come.
 */
static __always_inline void ep_pick_files(struct ep_wire_hdr *h, struct task_struct *task,
					  struct ep_files *fl)
{
	__u8 pa, da, fa;
	long dirfd = AT_FDCWD, fd;
	char c0 = 0;

	if (h->flags & EP_F_COMPAT)
		return;
	pa = ep_arg_idx(path_arg, h->syscall_nr);
	da = ep_arg_idx(dirfd_arg, h->syscall_nr);
	fa = ep_arg_idx(fd_arg, h->syscall_nr);
	if (da)
		dirfd = (int)h->args[(da - 1) & 7];
	if (pa) {
		fl->uptr = (const char *)h->args[(pa - 1) & 7];
		if (!fl->uptr)
			return;
		h->path_arg = pa;
		if (bpf_probe_read_user(&c0, 1, fl->uptr) || c0 == '/')
			return;
		if (c0 == 0 && dirfd >= 0) {
			ep_file_of_fd(task, dirfd, &fl->obj_d, &fl->obj_m);
			if (fl->obj_d)
				h->facts |= EP_FACT_FD;
		} else if (c0 && dirfd == AT_FDCWD) {
			fl->base_d = BPF_CORE_READ(task, fs, pwd.dentry);
			fl->base_m = BPF_CORE_READ(task, fs, pwd.mnt);
		} else if (c0) {
			ep_file_of_fd(task, dirfd, &fl->base_d, &fl->base_m);
		}
		if (fl->base_d)
			h->facts |= EP_FACT_BASE;
		return;
	}
	if (!fa)
		return;
	/* mmap's fd only counts for a file mapping */
	if (h->syscall_nr == nr_mmap && (h->args[3] & MAP_ANONYMOUS))
		return;
	fd = (int)h->args[(fa - 1) & 7];
	ep_file_of_fd(task, fd, &fl->obj_d, &fl->obj_m);
	if (fl->obj_d)
		h->facts |= EP_FACT_FD;
}

#include "iouring.bpf.h"
#include "fold.bpf.h"

/* An inode section (struct ep_wire_inode, then its names) at the next multiple of 8. */
static __always_inline __u32 ep_put_inode_at(__u32 off, __u64 d, __u64 m)
{
	off = (off + 7) & ~7u;
	return off + sizeof(struct ep_wire_inode) +
	       (ep_put_inode(off, off + sizeof(struct ep_wire_inode), d, m) & 0x3ff);
}

/*
 * The path's own dentry, when the dcache has every component (EP_FACT_OBJ); for an EROFS
 * denial whose last name the dcache does not hold (creat, mkdir), its parent directory as
 * the base (EP_FACT_PARENT) when the base is free. The mount either is on goes to the
 * scratch's obj_mnt. Before the object: the directories the lookup searched (EP_FACT_WALK);
 * a parent sent as the base goes first, since the base comes before the walk on the wire.
 */
static __always_inline __u32 ep_put_obj(struct ep_wire_hdr *h, struct task_struct *task,
					struct ep_files *fl, __u32 poff, __u32 off,
					const bool erofs, const bool uring)
{
	struct ep_scratch *s;
	__u64 d, m;
	bool parent;
	char c0;
	int found;

	/*
	 * The dcache hash lookup costs a few reads per component: every denial. The child scan
	 * it falls back to (a component the hash misses, or no hash table found) costs
	 * microseconds in a large directory: EPERM and EROFS only, where the inode flags that
	 * change under a diagnosis (immutable, append-only) deny, or a read-only mount; EACCES
	 * storms (DAC) should not pay it. The io_uring completion programs (@uring, a constant)
	 * keep the EPERM lookup without the walk, as before: with both, 6.12's
	 * ep_uring_done_res_btf met the verifier's 1M-instruction limit in the VM matrix.
	 */
	if (!fl->uptr || !h->path_len || (h->flags & (EP_F_PATH_TRUNC | EP_F_PATH_FAULT)) ||
	    (h->facts & EP_FACT_FD) || !obj_lookup ||
	    (h->ret != -EPERM && !erofs && (uring || !dhash_table)))
		return off;
	s = ep_scratch();
	if (!s)
		return off;
	c0 = s->b[EP_WOFF(poff)];
	if (c0 == '/') {
		d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
		m = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	} else if (fl->base_d) {
		d = (__u64)fl->base_d;
		m = (__u64)fl->base_m;
	} else {
		return off;
	}
	if (uring) {
		if (!ep_lookup(poff, h->path_len, d, m, true))
			return off;
	} else {
		found = ep_lookup(poff, h->path_len, d, m, h->ret == -EPERM || erofs);
		s = ep_scratch();
		if (!s)
			return off;
		/* the directories searched, also when the lookup stopped on the way */
		if (!found || !erofs || s->lk.state != EP_LK_PARENT || (h->facts & EP_FACT_BASE))
			off = ep_put_walk(off) & (EP_WIRE_MAX - 1);
		if (!found)
			return off;
	}
	s = ep_scratch();
	if (!s)
		return off;
	parent = s->lk.state == EP_LK_PARENT;
	if (parent && !erofs)
		return off;
	d = s->lk.d;
	m = s->lk.mnt + bpf_core_field_offset(struct mount, mnt);
	if (erofs)
		s->obj_mnt = m;
	if (!parent) {
		h->facts |= EP_FACT_OBJ;
		return ep_put_inode_at(off, d, m);
	}
	if (h->facts & EP_FACT_BASE)
		return off;
	h->facts |= EP_FACT_BASE | EP_FACT_PARENT;
	off = ep_put_inode_at(off, d, m);
	return ep_put_walk(off) & (EP_WIRE_MAX - 1);
}

/* What ep_put_obj() left in obj_mnt, cleared for the next record. */
static __always_inline __u64 ep_obj_mnt(void)
{
	struct ep_scratch *s = ep_scratch();
	__u64 m;

	if (!s)
		return 0;
	m = s->obj_mnt;
	s->obj_mnt = 0;
	return m;
}

/* An EROFS denial's mount (EP_FACT_MNT): struct ep_wire_mount at the next multiple of 8. */
static __always_inline __u32 ep_put_mnt_at(struct ep_wire_hdr *h, __u32 off, __u64 m)
{
	if (!m)
		return off;
	h->facts |= EP_FACT_MNT;
	off = (off + 7) & ~7u;
	return off + sizeof(struct ep_wire_mount) +
	       (ep_put_mnt(off, off + sizeof(struct ep_wire_mount), m) & 0x3ff);
}

/*
 * Which files the record names (ep_pick_files(), then the request's for io_uring: @uring), into
 * files_buf. Global, verified once: each of its paths would otherwise verify the rest of the
 * record again.
 */
__noinline int ep_files_pick(__u32 uring)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ep_files *fl = ep_files_buf();
	struct ep_scratch *s = ep_scratch();
	const struct ep_uring_pre *pre;

	if (!s || !fl)
		return 0;
	ep_pick_files((struct ep_wire_hdr *)s->b, task, fl);
	pre = uring ? ep_uring_pre_buf() : NULL;
	if (pre)
		ep_uring_files((struct ep_wire_hdr *)s->b, pre, fl);
	return 0;
}

/* The object (ep_put_obj()) and an EROFS denial's mount at @off; the path is at @poff. */
static __always_inline __u32 ep_build_obj(__u32 poff, __u32 off, const bool uring)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ep_files *fl = ep_files_buf();
	struct ep_scratch *s = ep_scratch();
	struct ep_wire_hdr *h;
	bool erofs;

	if (!s || !fl)
		return off;
	h = (struct ep_wire_hdr *)s->b;
	/* io_uring requests are reported for EPERM/EACCES only: their program stays as it was */
	erofs = !uring && h->ret == -EROFS;
	if (fl->obj_d)
		off = ep_put_inode_at(off, (__u64)fl->obj_d, (__u64)fl->obj_m);
	else
		off = ep_put_obj(h, task, fl, poff, off, erofs, uring);
	if (erofs)
		off = ep_put_mnt_at(h, off, fl->obj_d ? (__u64)fl->obj_m : ep_obj_mnt());
	return off;
}

/* Global, one per program flavour: verified once, not again for each state the path, the
 * executable and the base directory leave. */
__noinline int ep_obj_sys(__u32 poff, __u32 off)
{
	return ep_build_obj(poff & (EP_WIRE_MAX - 1), off & (EP_WIRE_MAX - 1), false);
}

__noinline int ep_obj_uring(__u32 poff, __u32 off)
{
	return ep_build_obj(poff & (EP_WIRE_MAX - 1), off & (EP_WIRE_MAX - 1), true);
}

/*
 * Build the compact record in the CPU's scratch buffer (layout: include/epermd.h) and return
 * its length. Sections follow the header in a fixed order; each offset is masked (EP_WOFF) so
 * the verifier sees every write inside the buffer.
 */
static __always_inline __u32 ep_build(__u8 *buf, struct pt_regs *regs,
				      const struct ep_uring_pre *pre, struct ep_task_state *st,
				      struct task_struct *task, struct ep_counters *c,
				      const __u64 *sc_ids)
{
	struct ep_wire_hdr *h = (struct ep_wire_hdr *)buf;
	/* a constant too: the io_uring programs pass bpf_get_current_task() (see EP_RD()) */
	const bool btf = use_task_btf && !pre;
	const struct cred *cred = EP_RD(btf, task, cred);
	/* a constant in each program: pre is NULL or not where ep_build() is inlined */
	const __u32 hlen = sizeof(*h) + (pre ? sizeof(struct ep_wire_uring) : 0);
	struct ep_build_tmp *tmp = ep_build_tmp();
	struct ep_files *fl;
	__u32 off, poff;
	bool gtrunc;
	__u16 ng;
	__u32 nsc;

	if (!tmp)
		return 0;
	fl = &tmp->fl;
	__builtin_memset(fl, 0, sizeof(*fl));
	ep_fill_hdr(h, task, cred, btf);
	if (pre)
		ep_uring_preset(h, pre);
	else {
		ep_fill_regs(h->args, &h->syscall_nr, &h->ip, regs, h->flags & EP_F_COMPAT,
			     &tmp->regs);
		ep_bind_port(h);
		ep_mdwe(h, task);
	}
	h->n_ev = ep_copy_evidence((struct ep_evidence *)(buf + hlen), st);
	off = hlen + (h->n_ev & 7) * sizeof(struct ep_evidence);
	off += ep_put_groups(buf, off, cred, &ng, &h->n_groups, &gtrunc, btf);
	h->cr.ngroups = ng;
	if (gtrunc)
		h->facts |= EP_FACT_GROUPS_TRUNC;
	/* the seccomp filter chain (h->n_sc_filter set by the caller); the offset after it is
	 * computed from the count, not carried out of the loop: one verifier state, not nine */
	nsc = h->n_sc_filter < EP_MAX_SC_FILTERS ? h->n_sc_filter : EP_MAX_SC_FILTERS;
	for (int i = 0; i < EP_MAX_SC_FILTERS; i++) {
		if (i >= nsc)
			break;
		*(__u64 *)(buf + EP_WOFF(off + i * sizeof(__u64))) = sc_ids[i];
	}
	off += nsc * sizeof(__u64);
	ep_files_pick(pre != NULL);
	poff = off;
	if (fl->uptr) {
		h->path_len = ep_read_path(h, buf, off, fl->uptr, c);
		off += h->path_len;
	}
	h->exe_len = ep_put_exe(h, off, task);
	off += h->exe_len;
	if (fl->base_d)
		off = ep_put_inode_at(off, (__u64)fl->base_d, (__u64)fl->base_m);
	off = pre ? ep_obj_uring(poff, off) : ep_obj_sys(poff, off);
	if (off > EP_WIRE_MAX)
		off = EP_WIRE_MAX;
	return off;
}

#include "seccomp.bpf.h"

/*
 * The record builder as global functions, verified once per program: a global function's
 * arguments and what it reads from maps are unknown to the verifier, so the caller's paths
 * (seccomp and fold flags, the chain's length, each io_uring opcode's arguments) no longer
 * explore the whole builder again each (inlined, 6.18's ep_uring_done_btf processed 992k
 * instructions, at the 1M limit, and the sys_exit fold program 511k: seconds of every start).
 * They take the header from the CPU's scratch buffer (ep_emit() filled it), the thread's state
 * and the counters from their maps, the seccomp chain from sc_ids_buf, the request from
 * uring_pre. Returns the record's length, 0 when a map was missing.
 * @regs: the syscall's struct pt_regs, a number (5.10 passes global functions scalars only).
 */
__noinline int ep_build_sys(__u64 regs)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	/* a trusted BTF pointer where the kernel has one (5.11+): ep_build() reads it with plain
	 * loads then (EP_RD(), bpf/facts.bpf.h) */
	struct task_struct *task = ep_cur_task();
	struct ep_scratch *s = ep_scratch();
	struct ep_counters *c = ep_counters();
	const __u64 *ids = bpf_map_lookup_elem(&sc_ids_buf, &zero);

	if (!s || !c || !ids)
		return 0;
	return ep_build(s->b, (struct pt_regs *)regs, NULL, bpf_map_lookup_elem(&task_state, &tid),
			task, c, ids);
}

__noinline int ep_build_uring(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	const struct ep_uring_pre *pre = ep_uring_pre_buf();
	struct ep_scratch *s = ep_scratch();
	struct ep_counters *c = ep_counters();

	if (!s || !c || !pre)
		return 0;
	return ep_build(s->b, NULL, pre, bpf_map_lookup_elem(&task_state, &tid), task, c, ep_no_sc);
}

/*
 * Count, build and send one denial record: a failing syscall (@regs) or a failing io_uring
 * request (@pre, bpf/iouring.bpf.h). Clears the evidence of @st either way. @n_sc, @sc_trunc:
 * the seccomp chain's length and truncation (its identities are in sc_ids_buf; none for
 * io_uring requests).
 * @fetch: the sequence comes from one global atomic fetch-and-add (BPF_FETCH, 5.12+). Older
 * verifiers refuse the instruction anywhere in a program, even where it cannot run, so the
 * loader picks the program variant without it there: per-CPU count << 16 | CPU, unique
 * (a CPU runs one sys_exit program at a time) but not gap-free across CPUs.
 */
static __always_inline int ep_emit(struct pt_regs *regs, const struct ep_uring_pre *pre,
				   struct ep_task_state *st, struct ep_counters *c, long ret,
				   __u32 flags, const bool fetch, __u8 n_sc, __u8 sc_trunc,
				   const bool fold)
{
	__u64 id = bpf_get_current_pid_tgid(), regs_nr = 0;
	struct ep_scratch *sc;
	struct ep_wire_hdr *h;
	__u32 len, zero = 0;
	int shipped;
	__u64 seq;

	c->attempted++;
	if (fetch)
		seq = __sync_fetch_and_add(&ep_seq, 1);
	else
		seq = c->attempted << 16 | (bpf_get_smp_processor_id() & 0xffff);
	sc = bpf_map_lookup_elem(&scratch, &zero);
	if (!sc || sc->busy) {
		/* a preempted program of this CPU is building its record here */
		c->reserve_failed++;
		ep_aux_count(2);
		goto out_clear;
	}
	sc->busy = 1;
	h = (struct ep_wire_hdr *)sc->b;
	__builtin_memset(h, 0, sizeof(*h));
	h->rec_type = EP_REC_DENIAL;
	h->ts_ns = bpf_ktime_get_ns();
	h->seq = seq;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->ret = ret;
	h->flags = flags;
	h->n_sc_filter = n_sc;
	h->sc_chain_trunc = sc_trunc;
	if (st) {
		h->flags |= st->flags & EP_ST_EVENT_FLAGS;
		if (st->n_ev > EP_MAX_EV)
			c->ev_overflow += st->n_ev - EP_MAX_EV;
	}
	/* @pre: a constant NULL or not where ep_emit() is inlined; tp_btf's regs is a typed
	 * pointer, which goes over as a number read back from the stack */
	if (pre)
		len = ep_build_uring();
	else if (!bpf_probe_read_kernel(&regs_nr, sizeof(regs_nr), &regs))
		len = ep_build_sys(regs_nr);
	else
		len = 0;
	h->size = len;
	ep_state_clear(st);
	/* 0: a per-CPU buffer was missing (never seen); counted as not shipped */
	shipped =
	    len && !bpf_ringbuf_output(&events, sc->b, len & (2 * EP_WIRE_MAX - 1),
				       bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes
					   ? BPF_RB_FORCE_WAKEUP
					   : BPF_RB_NO_WAKEUP);
	if (shipped)
		c->submitted++;
	else
		c->reserve_failed++;
	/* the fold buffer ep_exit_fail() holds for this record, released either way */
	if (fold && (flags & EP_F_FOLD_HEAD))
		ep_fold_done(seq, h->ts_ns, shipped);
	sc->busy = 0;
	return 0;

out_clear:
	if (fold && (flags & EP_F_FOLD_HEAD))
		ep_fold_done(0, 0, 0);
	ep_state_clear(st);
	return 0;
}

static __always_inline int ep_exit_fail(struct pt_regs *regs, long ret, const bool fetch,
					const bool btf, const bool kfold)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32, flags = 0;
	struct ep_task_state *st = bpf_map_lookup_elem(&task_state, &tid);
	struct task_struct *task;
	struct ep_evidence *slot;
	struct ep_counters *c;
	__u8 n_sc = 0, sc_trunc = 0;
	int fold;

	c = ep_counters();
	if (!c)
		goto out_clear;
	if (tgid == self_tgid) {
		c->filtered_self++;
		goto out_clear;
	}
	if (filter_tracked && !bpf_map_lookup_elem(&tracked, &tgid))
		goto out_clear;

	task = ep_cur_task();
	if (EP_RD(use_task_btf, task, seccomp.mode) == SECCOMP_MODE_FILTER) {
		flags |= EP_F_SECCOMP_TASK;
		if (seccomp_by_enter) {
			if (!st || !(st->flags & EP_ST_ENTER_SEEN)) {
				flags |= EP_F_FIRST_SEEN;
			} else if (!st->entered) {
				flags |= EP_F_NO_ENTER;
				slot = ep_ev_slot(EP_EV_SECCOMP, EP_HK_SYS_ENTER, ret);
				if (slot) {
					slot->a[0] = ~0ull;
					slot->a[1] = -ret;
					slot->a[2] = SECCOMP_MODE_FILTER;
				}
			}
			/* between syscalls now: recognise the next exit without an enter */
			if (enter_live && st)
				st->flags |= EP_ST_ENTER_SEEN;
			else if (enter_live)
				st = ep_state_new(tid, &ep_seen_state);
		}
	}
	if (ep_task_compat(task, use_task_btf))
		flags |= EP_F_COMPAT;
	if (landlock_marks && bpf_map_lookup_elem(&landlocked, &tid))
		flags |= EP_F_LANDLOCKED;
	/* a repeat of a denial shipped less than a fold window ago: counted, not shipped */
	fold = EP_FOLD_NONE;
	/*
	 * Only the fold variant of the program (@kfold, a constant) holds the fold calls: before
	 * 6.8 the verifier checks every global function a program calls, reachable or not, and
	 * with ep_fold_check() and ep_fold_done() in, 5.10's and 6.1's sys_exit programs met its
	 * 1M-instruction limit even with fold_on false (VM matrix). The loader falls back to the
	 * variant without them. The key's syscall and arguments are read here, where tp_btf's
	 * regs is a typed pointer (a global function takes only scalars on 5.10), and the
	 * evidence's signature from the state this program holds.
	 */
	if (kfold && fold_on && ep_fold_begin(regs, tgid, ret, flags, btf))
		fold = ep_fold_check(ep_fold_ev_sig(st));
	if (fold == EP_FOLD_DONE)
		goto out_clear;
	/* no branch: the builder below is verified once for both */
	flags |= (__u32)(fold & EP_FOLD_HEAD) << 8;
	/* the filter chain only for a record that goes out: a folded repeat names no filter */
	if (sc_chain && (flags & EP_F_SECCOMP_TASK)) {
		/* ep_sc_ident() writes the identities into sc_ids_buf itself */
		int w = ep_sc_chain(task);

		n_sc = w & 0xff;
		sc_trunc = w >> 8;
	}
	return ep_emit(regs, NULL, st, c, ret, flags, fetch, n_sc, sc_trunc, kfold);

out_clear:
	ep_state_clear(st);
	return 0;
}

#define EP_FAN_PERM_MASK (0x10000ull | 0x20000ull | 0x40000ull) /* FAN_*_PERM */

/*
 * A successful syscall the daemon must know about (EP_REC_NOTICE): landlock_restrict_self()
 * puts the thread in a Landlock domain (marked here, inherited at fork); fanotify_mark() with a
 * permission bit makes a listener that may deny later. Global: its record and register copy
 * would otherwise take stack in the sys_exit program beside the record builder's call chain
 * (5.10: 512 bytes for all of them). @regs: the syscall's struct pt_regs, as a number.
 */
__noinline int ep_notice(__u64 regs, long nr)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct ep_notice n = {};
	struct pt_regs r;
	__u32 tid = (__u32)id;
	__u8 one = 1;
	__s32 nr2;
	__u64 ip;

	if (!ep_tgid_wanted(id >> 32))
		return 0;
	ep_fill_regs(n.args, &nr2, &ip, (struct pt_regs *)regs, false, &r);
	if (nr == nr_fanotify_mark) {
		if (!(n.args[2] & EP_FAN_PERM_MASK))
			return 0;
		n.kind = EP_NOTE_FANOTIFY_MARK;
	} else {
		if (!bpf_map_update_elem(&landlocked, &tid, &one, BPF_NOEXIST))
			__sync_fetch_and_add(&landlock_marks, 1);
		n.kind = EP_NOTE_LANDLOCK;
	}
	n.rec_type = EP_REC_NOTICE;
	n.ts_ns = bpf_ktime_get_ns();
	n.pid = id >> 32;
	n.tid = tid;
	bpf_get_current_comm(n.comm, sizeof(n.comm));
	ep_aux_count(bpf_ringbuf_output(&events, &n, sizeof(n), 0) ? 1 : 0);
	return 0;
}

/*
 * EROFS is a denial when a read-only view is a policy: in a mount namespace other than the
 * host's (a systemd unit's ProtectSystem=/ReadOnlyPaths=, a container), or everywhere when
 * configured (erofs = all). On the host's own namespace it usually means a read-only disk.
 */
static __always_inline bool ep_erofs_wanted(void)
{
	struct task_struct *task;

	if (erofs_mode == 2)
		return true;
	if (erofs_mode != 1)
		return false;
	task = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum) != host_mntns;
}

/* @btf: regs is a BTF pointer (tp_btf) that may be read directly. */
static __always_inline int ep_sys_exit(struct pt_regs *regs, long ret, const bool fetch,
				       const bool btf, const bool fold)
{
	struct ep_task_state *st;
	__u32 tid;
	__u64 regs_nr;
	long nr;
	bool sc;

	if (ret == -EPERM || ret == -EACCES || (ret == -EROFS && ep_erofs_wanted()))
		return ep_exit_fail(regs, ret, fetch, btf, fold);
	if (ret == 0) {
		nr = btf ? regs->orig_ax : BPF_CORE_READ(regs, orig_ax);
		/* tp_btf's regs is a typed pointer: a number read back from the stack */
		if (nr >= 0 && (nr == nr_landlock_restrict_self || nr == nr_fanotify_mark) &&
		    !bpf_probe_read_kernel(&regs_nr, sizeof(regs_nr), &regs))
			ep_notice(regs_nr, nr);
	}
	sc = seccomp_by_enter && enter_live &&
	     ep_task_seccomp_mode(use_task_btf) == SECCOMP_MODE_FILTER;
	if (!pending_tasks && !sc)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	st = bpf_map_lookup_elem(&task_state, &tid);
	if (sc) {
		/*
		 * A seccomp task without state got its filter during this syscall (or before
		 * attach): its next syscall is the first whose enter a filter can suppress.
		 */
		if (!st) {
			ep_state_new(tid, &ep_seen_state);
			return 0;
		}
		st->flags |= EP_ST_ENTER_SEEN;
	}
	ep_discard(st);
	return 0;
}

/* With in-kernel folding of repeats (bpf/fold.bpf.h): the loader's first choice. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ep_sys_exit_fold_btf, struct pt_regs *regs, long ret)
{
	return ep_sys_exit(regs, ret, true, true, true);
}

SEC("raw_tracepoint/sys_exit")
int ep_sys_exit_fold_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], true, false, true);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ep_sys_exit_btf, struct pt_regs *regs, long ret)
{
	return ep_sys_exit(regs, ret, true, true, false);
}

SEC("raw_tracepoint/sys_exit")
int ep_sys_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], true, false, false);
}

/* The same without BPF_FETCH (kernels before 5.12), see ep_exit_fail(). */
SEC("tp_btf/sys_exit")
int BPF_PROG(ep_sys_exit_pcpu_btf, struct pt_regs *regs, long ret)
{
	return ep_sys_exit(regs, ret, false, true, false);
}

SEC("raw_tracepoint/sys_exit")
int ep_sys_exit_pcpu_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], false, false, false);
}

/* seccomp filters run before trace_sys_enter(): a denied syscall has an exit and no enter. */
static __always_inline int ep_sys_enter(long nr)
{
	struct ep_task_state *st;
	__u32 tid;

	if (ep_task_seccomp_mode(use_task_btf) != SECCOMP_MODE_FILTER)
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	st = ep_state_get(tid);
	if (!st)
		return 0;
	st->entered = 1;
	st->enter_nr = nr;
	st->flags |= EP_ST_ENTER_SEEN;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ep_sys_enter_btf, struct pt_regs *regs, long id)
{
	return ep_sys_enter(id);
}

SEC("raw_tracepoint/sys_enter")
int ep_sys_enter_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_enter((long)ctx->args[1]);
}

/* The tracepoint has no opts: NOAUDIT probes look like denials, hence per-syscall evidence. */
/* @btf: cred and target_ns are the tp_btf program's BTF pointers, read with plain loads */
static __always_inline int ep_cap(const struct cred *cred, struct user_namespace *target_ns,
				  int cap, int ret, const bool btf)
{
	struct ep_evidence *slot;

	if (!ret)
		return 0;
	slot = ep_ev_slot(EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, ret);
	if (!slot)
		return 0;
	slot->a[0] = cap;
	slot->a[1] = ~0ull;
	slot->a[2] = EP_RD(btf, target_ns, level);
	slot->a[3] = EP_RD(btf, cred, user_ns, level);
	return 0;
}

SEC("tp_btf/cap_capable")
int BPF_PROG(ep_cap_btf, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return ep_cap(cred, target_ns, cap, ret, true);
}

SEC("raw_tracepoint/cap_capable")
int ep_cap_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_cap((const struct cred *)ctx->args[0], (struct user_namespace *)ctx->args[1],
		      (int)ctx->args[3], (int)ctx->args[4], false);
}

/* The child of a tracked process is tracked; a Landlock-marked thread's child is marked. */
static __always_inline int ep_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid, ptid, ctid;
	__u8 one = 1;

	if (landlock_marks) {
		ptid = BPF_CORE_READ(parent, pid);
		if (bpf_map_lookup_elem(&landlocked, &ptid)) {
			ctid = BPF_CORE_READ(child, pid);
			if (!bpf_map_update_elem(&landlocked, &ctid, &one, BPF_NOEXIST))
				__sync_fetch_and_add(&landlock_marks, 1);
		}
	}
	if (!filter_tracked)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	if (!bpf_map_lookup_elem(&tracked, &ptgid))
		return 0;
	ctgid = BPF_CORE_READ(child, tgid);
	bpf_map_update_elem(&tracked, &ctgid, &one, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ep_fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return ep_fork(parent, child);
}

SEC("raw_tracepoint/sched_process_fork")
int ep_fork_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_fork((struct task_struct *)ctx->args[0], (struct task_struct *)ctx->args[1]);
}

/* Runs in the exiting thread, after signal->live was decremented. */
static __always_inline int ep_task_exit(struct task_struct *task)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32;
	struct ep_task_state *st = bpf_map_lookup_elem(&task_state, &tid);

	if (st) {
		ep_discard(st);
		bpf_map_delete_elem(&task_state, &tid);
	}
	if (landlock_marks && !bpf_map_delete_elem(&landlocked, &tid))
		__sync_fetch_and_add(&landlock_marks, -1);
	if (filter_tracked && !BPF_CORE_READ(task, signal, live.counter))
		bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

EP_TP_ARG0(sched_process_exit, ep_task_exit, struct task_struct *, ep_task_exit)

/* Benchmark baseline: the cost of the hook alone. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ep_bench_empty)
{
	return 0;
}

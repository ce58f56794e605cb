// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The tracepoint layer: every syscall exit with -EPERM/-EACCES becomes one ep_event in the
 * ring, carrying the evidence its task collected during the syscall (per-tid state).
 * Each hook exists as tp_btf and as raw_tp; the loader keeps the one the kernel supports.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "epermd.h"
#include "compat.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

_Static_assert(sizeof(struct ep_event) % 8 == 0, "ep_event alignment");
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
const volatile bool use_task_btf = false;
const volatile __u64 wake_bytes = 4u << 20;
const volatile __u8 path_arg[EP_NR_MAX] = {};

/* Tasks whose state holds evidence: non-failing exits only look up state when non-zero. */
__u64 pending_tasks = 0;
__u64 ep_seq = 0;
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

/* Copy the evidence oldest-first and zero the unused slots. */
static __always_inline __u8 ep_copy_evidence(struct ep_event *ev, struct ep_task_state *st)
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
		if (i >= cnt || !st) {
			__builtin_memset(&ev->ev[i], 0, sizeof(ev->ev[i]));
			continue;
		}
		j = start + i;
		if (j >= EP_MAX_EV)
			j -= EP_MAX_EV;
		/* clang proves j < EP_MAX_EV and would drop the check the verifier needs */
		barrier_var(j);
		if (j >= EP_MAX_EV)
			break;
		__builtin_memcpy(&ev->ev[i], &st->ev[j], sizeof(ev->ev[i]));
	}
	return cnt;
}

static __always_inline void ep_read_path(struct ep_event *ev, struct ep_counters *c)
{
	const char *uptr;
	long len;
	char next;
	__u8 idx;

	ev->path_len = 0;
	ev->path[0] = 0;
	if (ev->syscall_nr < 0 || ev->syscall_nr >= EP_NR_MAX || (ev->flags & EP_F_COMPAT))
		return;
	idx = path_arg[ev->syscall_nr];
	if (idx < 1 || idx > 6)
		return;
	uptr = (const char *)ev->args[idx - 1];
	if (!uptr)
		return;
	ev->path_arg = idx;
	len = bpf_probe_read_user_str(ev->path, EP_PATH_LEN, uptr);
	if (len < 0) {
		ev->path[0] = 0;
		ev->flags |= EP_F_PATH_FAULT;
		c->read_fault++;
		return;
	}
	if (len > 0)
		len--;
	ev->path_len = len;
	/* a full buffer is truncated only if the user string goes on */
	if (len == EP_PATH_LEN - 1 &&
	    (bpf_probe_read_user(&next, 1, uptr + EP_PATH_LEN - 1) || next)) {
		ev->flags |= EP_F_PATH_TRUNC;
		c->truncated++;
	}
}

/* Walk the executable's dentries up to the root, crossing mounts like d_path() does. */
static __always_inline void ep_fill_exe(struct ep_event *ev, struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct dentry *d, *parent, *mnt_root;
	struct mount *mnt, *mnt_parent;
	__u32 n = 0;

	ev->exe_depth = 0;
	ev->exe_flags = 0;
	if (!exe)
		return;
	d = BPF_CORE_READ(exe, f_path.dentry);
	mnt = container_of(BPF_CORE_READ(exe, f_path.mnt), struct mount, mnt);
	for (int i = 0; i < EP_EXE_DEPTH + 4; i++) {
		parent = BPF_CORE_READ(d, d_parent);
		mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
		if (d == mnt_root || d == parent) {
			mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
			if (mnt_parent == mnt || !mnt_parent)
				break;
			d = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = mnt_parent;
			continue;
		}
		if (n >= EP_EXE_DEPTH) {
			ev->exe_flags |= EP_EXE_F_TRUNC;
			break;
		}
		if (bpf_probe_read_kernel_str(ev->exe_comp[n & (EP_EXE_DEPTH - 1)], EP_EXE_COMP_LEN,
					      BPF_CORE_READ(d, d_name.name)) == EP_EXE_COMP_LEN)
			ev->exe_flags |= EP_EXE_F_TRUNC;
		n++;
		d = parent;
	}
	ev->exe_depth = n;
}

static __always_inline void ep_fill_task(struct ep_event *ev, struct task_struct *task)
{
	const struct cred *cred = BPF_CORE_READ(task, cred);

	ev->ppid = BPF_CORE_READ(task, real_parent, tgid);
	ev->uid = BPF_CORE_READ(cred, uid.val);
	ev->gid = BPF_CORE_READ(cred, gid.val);
	ev->euid = BPF_CORE_READ(cred, euid.val);
	ev->egid = BPF_CORE_READ(cred, egid.val);
	ev->fsuid = BPF_CORE_READ(cred, fsuid.val);
	ev->userns_ino = BPF_CORE_READ(cred, user_ns, ns.inum);
	ev->userns_level = BPF_CORE_READ(cred, user_ns, level);
	ev->mntns_ino = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	ep_fill_exe(ev, task);
}

static __always_inline void ep_fill_regs(struct ep_event *ev, struct pt_regs *regs, bool compat)
{
	struct pt_regs r;

	if (bpf_probe_read_kernel(&r, sizeof(r), regs))
		__builtin_memset(&r, 0, sizeof(r));
	ev->syscall_nr = (__s32)r.orig_ax;
	if (compat) {
		ev->args[0] = (__u32)r.bx;
		ev->args[1] = (__u32)r.cx;
		ev->args[2] = (__u32)r.dx;
		ev->args[3] = (__u32)r.si;
		ev->args[4] = (__u32)r.di;
		ev->args[5] = (__u32)r.bp;
	} else {
		ev->args[0] = r.di;
		ev->args[1] = r.si;
		ev->args[2] = r.dx;
		ev->args[3] = r.r10;
		ev->args[4] = r.r8;
		ev->args[5] = r.r9;
	}
}

/*
 * @fetch: the sequence comes from one global atomic fetch-and-add (BPF_FETCH, 5.12+). Older
 * verifiers refuse the instruction anywhere in a program, even where it cannot run, so the
 * loader picks the program variant without it there: per-CPU count << 16 | CPU, unique
 * (a CPU runs one sys_exit program at a time) but not gap-free across CPUs.
 */
static __always_inline int ep_exit_fail(struct pt_regs *regs, long ret, const bool fetch)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, tgid = id >> 32, flags = 0;
	struct ep_task_state *st = bpf_map_lookup_elem(&task_state, &tid);
	struct task_struct *task;
	struct ep_evidence *slot;
	struct ep_counters *c;
	struct ep_event *ev;
	__u64 seq;

	c = ep_counters();
	if (!c)
		goto out_clear;
	if (tgid == self_tgid) {
		c->filtered_self++;
		goto out_clear;
	}
	if (filter_tracked && !bpf_map_lookup_elem(&tracked, &tgid))
		goto out_clear;

	task = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(task, seccomp.mode) == SECCOMP_MODE_FILTER) {
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
	if (ep_task_compat(task))
		flags |= EP_F_COMPAT;

	c->attempted++;
	if (fetch)
		seq = __sync_fetch_and_add(&ep_seq, 1);
	else
		seq = c->attempted << 16 | (bpf_get_smp_processor_id() & 0xffff);
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		c->reserve_failed++;
		goto out_clear;
	}
	ev->ts_ns = bpf_ktime_get_ns();
	ev->seq = seq;
	ev->cgroup_id = bpf_get_current_cgroup_id();
	ev->pid = tgid;
	ev->tid = tid;
	ev->ret = ret;
	ev->path_arg = 0;
	ev->_pad0 = 0;
	ev->flags = flags;
	ep_fill_task(ev, task);
	ep_fill_regs(ev, regs, flags & EP_F_COMPAT);
	ep_read_path(ev, c);
	ev->n_ev = ep_copy_evidence(ev, st);
	if (st) {
		ev->flags |= st->flags & EP_ST_EVENT_FLAGS;
		if (st->n_ev > EP_MAX_EV)
			c->ev_overflow += st->n_ev - EP_MAX_EV;
	}
	ep_state_clear(st);
	bpf_ringbuf_submit(ev, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes
				   ? BPF_RB_FORCE_WAKEUP
				   : BPF_RB_NO_WAKEUP);
	c->submitted++;
	return 0;

out_clear:
	ep_state_clear(st);
	return 0;
}

static __always_inline int ep_sys_exit(struct pt_regs *regs, long ret, const bool fetch)
{
	struct ep_task_state *st;
	__u32 tid;
	bool sc;

	if (ret == -EPERM || ret == -EACCES)
		return ep_exit_fail(regs, ret, fetch);
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

SEC("tp_btf/sys_exit")
int BPF_PROG(ep_sys_exit_btf, struct pt_regs *regs, long ret)
{
	return ep_sys_exit(regs, ret, true);
}

SEC("raw_tracepoint/sys_exit")
int ep_sys_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], true);
}

/* The same without BPF_FETCH (kernels before 5.12), see ep_exit_fail(). */
SEC("tp_btf/sys_exit")
int BPF_PROG(ep_sys_exit_pcpu_btf, struct pt_regs *regs, long ret)
{
	return ep_sys_exit(regs, ret, false);
}

SEC("raw_tracepoint/sys_exit")
int ep_sys_exit_pcpu_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_sys_exit((struct pt_regs *)ctx->args[0], (long)ctx->args[1], false);
}

#include "iouring.bpf.h"

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
static __always_inline int ep_cap(const struct cred *cred, struct user_namespace *target_ns,
				  int cap, int ret)
{
	struct ep_evidence *slot;

	if (!ret)
		return 0;
	slot = ep_ev_slot(EP_EV_CAP, EP_HK_TP_CAP_CAPABLE, ret);
	if (!slot)
		return 0;
	slot->a[0] = cap;
	slot->a[1] = ~0ull;
	slot->a[2] = BPF_CORE_READ(target_ns, level);
	slot->a[3] = BPF_CORE_READ(cred, user_ns, level);
	return 0;
}

SEC("tp_btf/cap_capable")
int BPF_PROG(ep_cap_btf, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return ep_cap(cred, target_ns, cap, ret);
}

SEC("raw_tracepoint/cap_capable")
int ep_cap_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_cap((const struct cred *)ctx->args[0], (struct user_namespace *)ctx->args[1],
		      (int)ctx->args[3], (int)ctx->args[4]);
}

static __always_inline int ep_fork(struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid), ctgid;
	__u8 one = 1;

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
	if (filter_tracked && !BPF_CORE_READ(task, signal, live.counter))
		bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ep_task_exit_btf, struct task_struct *task)
{
	return ep_task_exit(task);
}

SEC("raw_tracepoint/sched_process_exit")
int ep_task_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return ep_task_exit((struct task_struct *)ctx->args[0]);
}

/* Benchmark baseline: the cost of the hook alone. */
SEC("tp_btf/sys_exit")
int BPF_PROG(ep_bench_empty)
{
	return 0;
}

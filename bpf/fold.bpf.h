/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * In-kernel folding of repeated denials (issue 10). The first denial of a key goes out in full
 * and leaves only its fingerprint in fold_seen; the next one within the fingerprint's life goes
 * out in full too and opens an entry in fold_map (EP_F_FOLD_HEAD); its repeats within fold_ns of
 * that record only count in the entry (ep_fold_val.count) and in fold_counters.folded, so a
 * storm ships two records per key, then one per fold window. The fingerprint keeps a storm of
 * first occurrences (a new object at every call) away from the LRU map, whose cold bucket
 * walks, inserts and evictions were two thirds of such a denial's BPF time (bench/kstats). The
 * daemon drains the counts (daemon/fold/kfold.c) into the incident of the head record. The key
 * (struct ep_fold_key, include/epermd.h) holds the object exactly: two denials whose paths, base
 * directories or fd inodes differ never fold together. An entry the LRU evicts before the daemon
 * drained it loses its undrained count: the daemon reports that as folded - drained, never
 * silently.
 *
 * The key is built in a per-CPU buffer (5.10 allows 512 bytes of stack for the program and its
 * callees together); a busy flag stands for a preempted program of the same CPU (then no fold).
 * Included by epermd.bpf.c after facts.bpf.h (ep_fd_file) and ep_arg_idx().
 */
#ifndef EPERMD_FOLD_BPF_H
#define EPERMD_FOLD_BPF_H

/* Set by the daemon (bss, at start and on reload): the fold window in ns; 0 = no folding. */
__u64 fold_ns = 0;
/* Set by the loader: false leaves the fold code out (the verifier drops it as dead), when the
 * sys_exit program did not verify with it (5.10: 1M instructions) */
const volatile bool fold_on = true;

struct ep_fold_scratch {
	__u32 busy;
	__u32
	    found; /* ep_fold_hit() met the key's entry (a window that ended): update, not insert */
	struct ep_fold_val v;
	struct pt_regs r;
	struct ep_fold_key k;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_fold_scratch);
} fold_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ep_fold_key);
	__type(value, struct ep_fold_val);
} fold_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_fold_counters);
} fold_counters SEC(".maps");

/*
 * Fingerprints of keys met lately, direct-mapped (any CPU may overwrite a slot: a lost
 * fingerprint only costs one more full record). Only a key whose fingerprint is here is looked
 * up in fold_map; a fingerprint that matches another key's only costs that lookup, which is
 * exact.
 */
#define EP_FOLD_SEEN 8192 /* power of two */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EP_FOLD_SEEN);
	__type(key, __u32);
	__type(value, __u64);
} fold_seen SEC(".maps");

static __always_inline __u64 ep_fold_mix(__u64 h, __u64 w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 32);
}

/* A signature of the evidence the syscall collected (oldest EP_MAX_EV slots, as shipped). */
static __always_inline __u64 ep_fold_ev_sig(struct ep_task_state *st)
{
	__u64 h = 0, n;

	if (!st)
		return 0;
	n = st->n_ev;
	h = ep_fold_mix(h, n | (__u64)(st->flags & EP_ST_EVENT_FLAGS) << 32);
	for (int i = 0; i < EP_MAX_EV; i++) {
		struct ep_evidence *e = &st->ev[i];
		const __u64 *nm = (const __u64 *)e->name;

		if (i >= n)
			break;
		h = ep_fold_mix(h, e->kind | (__u64)e->src << 16 | (__u64)(__u32)e->ret << 32);
		h = ep_fold_mix(h, e->a[0]);
		h = ep_fold_mix(h, e->a[1]);
		h = ep_fold_mix(h, e->a[2]);
		h = ep_fold_mix(h, e->a[3]);
		h = ep_fold_mix(h, nm[0]);
		h = ep_fold_mix(h, nm[1]);
		h = ep_fold_mix(h, nm[2]);
		h = ep_fold_mix(h, nm[3]);
	}
	return h;
}

/* The object of the syscall in the key: the path's bytes and base directory, the fd's inode.
 * Returns false when the denial cannot fold (path unreadable or too long for the key). */
static __always_inline bool ep_fold_object(struct ep_fold_key *k, struct task_struct *task)
{
	__u8 pa = ep_arg_idx(path_arg, k->syscall_nr), da = ep_arg_idx(dirfd_arg, k->syscall_nr);
	__u8 fa = ep_arg_idx(fd_arg, k->syscall_nr);
	long dirfd = AT_FDCWD, len;
	struct file *f;

	if (da) {
		dirfd = (int)k->args[(da - 1) & 7];
		k->args[(da - 1) & 7] = 0;
	}
	if (pa) {
		const char *uptr = (const char *)k->args[(pa - 1) & 7];

		k->args[(pa - 1) & 7] = 0;
		len = bpf_probe_read_user_str(k->path, sizeof(k->path), uptr);
		if (len <= 0 || len >= (long)sizeof(k->path))
			return false;
		k->path_len = len;
		if (k->path[0] == '/') {
			k->base = (__u64)EP_RD(use_task_btf, task, fs, root.dentry);
		} else if (dirfd == AT_FDCWD) {
			k->base = (__u64)EP_RD(use_task_btf, task, fs, pwd.dentry);
		} else {
			f = ep_fd_file(task, dirfd);
			if (!f)
				return false;
			k->base = (__u64)BPF_CORE_READ(f, f_path.dentry);
		}
		return true;
	}
	if (!fa)
		return true;
	f = ep_fd_file(task, (int)k->args[(fa - 1) & 7]);
	if (f) {
		k->obj_inode = (__u64)BPF_CORE_READ(f, f_inode);
		k->obj_ino = BPF_CORE_READ(f, f_inode, i_ino);
	}
	return true;
}

static __always_inline struct ep_fold_scratch *ep_fold_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&fold_scratch, &zero);
}

/* Build the fold key of the failing syscall in the CPU's buffer; false: it cannot fold. */
static __always_inline bool ep_fold_fill(struct ep_fold_scratch *fs, struct task_struct *task,
					 __u64 regs, long ret, __u32 flags)
{
	struct ep_fold_key *k = &fs->k;
	struct ep_task_state *st;
	const struct cred *cred;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;

	__builtin_memset(k, 0, sizeof(*k));
	if (bpf_probe_read_kernel(&fs->r, sizeof(fs->r), (void *)regs))
		return false;
	k->tgid = id >> 32;
	k->syscall_nr = (__s32)fs->r.orig_ax;
	k->ret = ret;
	k->flags = flags;
	k->args[0] = fs->r.di;
	k->args[1] = fs->r.si;
	k->args[2] = fs->r.dx;
	k->args[3] = fs->r.r10;
	k->args[4] = fs->r.r8;
	k->args[5] = fs->r.r9;
	k->start_time = EP_RD(use_task_btf, task, group_leader, start_time);
	cred = EP_RD(use_task_btf, task, cred);
	k->cred = (__u64)cred;
	k->euid = EP_RD(use_task_btf, cred, euid.val);
	k->fsuid = EP_RD(use_task_btf, cred, fsuid.val);
	k->fsgid = EP_RD(use_task_btf, cred, fsgid.val);
	k->cap_eff = ep_cap_rd(&cred->cap_effective, use_task_btf);
	k->exe = (__u64)EP_RD(use_task_btf, task, mm, exe_file);
	k->sc_filter = (__u64)EP_RD(use_task_btf, task, seccomp.filter);
	st = bpf_map_lookup_elem(&task_state, &tid);
	k->ev_sig = ep_fold_ev_sig(st);
	bpf_get_current_comm(k->comm, sizeof(k->comm));
	return ep_fold_object(k, task);
}

/* The key's fingerprint: its fixed fields and the path's words up to its length. */
static __always_inline __u64 ep_fold_fp(struct ep_fold_key *k)
{
	const __u64 *w = (const __u64 *)k;
	__u32 nw = (k->path_len + 7) / 8;
	__u64 h = 0;

	_Static_assert(__builtin_offsetof(struct ep_fold_key, path) % 8 == 0,
		       "path after whole words");
	for (int i = 0; i < __builtin_offsetof(struct ep_fold_key, path) / 8; i++)
		h = ep_fold_mix(h, w[i]);
	w = (const __u64 *)k->path;
	for (int i = 0; i < EP_FOLD_PATH_LEN / 8; i++) {
		if (i >= nw)
			break;
		h = ep_fold_mix(h, w[i]);
	}
	/*
	 * A full avalanche (murmur3's fmix64): ep_fold_mix() leaves the low bits blind to the
	 * high bits of the last word, and two paths that differ only there (.../f0, .../f1)
	 * took the same slot and evicted each other at every call (tests/host/storm.sh, pair).
	 */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h | 1; /* 0 is an empty slot */
}

/*
 * Was the key's fingerprint met lately? If not, it is now. Two candidate slots (from the
 * fingerprint's low and high bits): two keys repeated in turn that share one slot keep their
 * fingerprints in the other; when both are taken, the key's own bit picks the one to replace.
 */
static __always_inline bool ep_fold_seen(struct ep_fold_key *k)
{
	__u64 h = ep_fold_fp(k), *s0, *s1;
	__u32 i0 = h & (EP_FOLD_SEEN - 1), i1 = (h >> 32) & (EP_FOLD_SEEN - 1);

	s0 = bpf_map_lookup_elem(&fold_seen, &i0);
	s1 = bpf_map_lookup_elem(&fold_seen, &i1);
	if (!s0 || !s1 || *s0 == h || *s1 == h)
		return true;
	if (!*s0 || (*s1 && !(h & (1ull << 20))))
		*s0 = h;
	else
		*s1 = h;
	return false;
}

/* A repeat within the window of the record that heads its entry: count it. */
static __always_inline bool ep_fold_hit(struct ep_fold_scratch *fs)
{
	struct ep_fold_key *k = &fs->k;
	struct ep_fold_counters *fc;
	struct ep_counters *c;
	struct ep_fold_val *v;
	__u32 zero = 0;
	__u64 now;

	v = bpf_map_lookup_elem(&fold_map, k);
	if (!v)
		return false;
	fs->found = 1;
	now = bpf_ktime_get_ns();
	if (now - v->ship_ts >= fold_ns)
		return false;
	fc = bpf_map_lookup_elem(&fold_counters, &zero);
	c = ep_counters();
	if (!fc || !c)
		return false;
	c->attempted++;
	fc->folded++;
	__sync_fetch_and_add(&v->count, 1);
	v->last_ts = now;
	return true;
}

#define EP_FOLD_NONE 0 /* no key: ship the record, it heads nothing */
#define EP_FOLD_DONE 1 /* a repeat: counted in the fold map, nothing to ship */
#define EP_FOLD_HEAD 2 /* ship the record as the key's head; the CPU's buffer stays held */
_Static_assert(EP_FOLD_HEAD << 8 == EP_F_FOLD_HEAD, "ep_exit_fail() shifts one into the other");

/*
 * A global function: the verifier checks it once, apart from the record builder, whose paths
 * it would otherwise explore again for every state of the key code (1M instructions).
 * @regs: the syscall's struct pt_regs; @flags: the record's EP_F_* so far.
 */
__noinline int ep_fold_check(__u64 regs, long ret, __u32 flags)
{
	struct task_struct *task = ep_cur_task();
	struct ep_fold_scratch *fs;

	if (!fold_ns || (flags & EP_F_COMPAT))
		return EP_FOLD_NONE;
	fs = ep_fold_scratch();
	if (!fs || fs->busy)
		return EP_FOLD_NONE;
	fs->busy = 1;
	fs->found = 0;
	/* a first occurrence (no fingerprint yet) ships without touching the fold map */
	if (ep_fold_fill(fs, task, regs, ret, flags) && ep_fold_seen(&fs->k)) {
		if (!ep_fold_hit(fs))
			return EP_FOLD_HEAD;
		fs->busy = 0;
		return EP_FOLD_DONE;
	}
	fs->busy = 0;
	return EP_FOLD_NONE;
}

/*
 * After the record of the key this program holds in its CPU's buffer (a record with
 * EP_F_FOLD_HEAD: only ep_exit_fail() sets it, after ep_fold_check() returned EP_FOLD_HEAD):
 * when it went out (@shipped), it heads the key's entry from now on (@seq, @ts); either way the
 * buffer is released. Global, like ep_fold_check(): the record builder's many paths all end
 * here, and inlined, its branches would be explored again for each of them (5.10 gave up at
 * 1M instructions).
 */
__noinline int ep_fold_done(__u64 seq, __u64 ts, int shipped)
{
	struct ep_fold_scratch *fs = ep_fold_scratch();
	struct ep_fold_counters *fc;
	struct ep_fold_val *v;
	__u32 zero = 0;

	if (!fs)
		return 0;
	if (!shipped || !fs->busy)
		goto out;
	/*
	 * A first occurrence (ep_fold_hit() found no entry) goes straight to the insert: a second
	 * lookup of the key would hash its 424 bytes and walk a cold bucket once more. Another
	 * CPU may have inserted the key since (-EEXIST): then the head is updated as below.
	 */
	fs->v.gen = seq;
	fs->v.ship_seq = seq;
	fs->v.ship_ts = ts;
	fs->v.last_ts = ts;
	fs->v.count = 0;
	if (!fs->found && !bpf_map_update_elem(&fold_map, &fs->k, &fs->v, BPF_NOEXIST))
		goto created;
	v = bpf_map_lookup_elem(&fold_map, &fs->k);
	if (v) {
		v->ship_seq = seq;
		v->ship_ts = ts;
		goto out;
	}
	if (bpf_map_update_elem(&fold_map, &fs->k, &fs->v, BPF_NOEXIST))
		goto out;
created:
	fc = bpf_map_lookup_elem(&fold_counters, &zero);
	if (fc)
		fc->created++;
out:
	fs->busy = 0;
	return 0;
}

#endif /* EPERMD_FOLD_BPF_H */

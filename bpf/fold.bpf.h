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
 * directories or fd inodes differ never fold together. fold_map is keyed by the key's 64-bit
 * fingerprint and holds the key in its value (struct ep_fold_ent), compared word by word at
 * each lookup: the kernel's jhash and memcmp of the 424-byte key were most of what this
 * (with the register reads in ep_fold_begin()) took off a repeat's sys_exit program, 43 %.
 * An entry the LRU evicts before the daemon drained it loses its undrained count: the daemon
 * reports that as folded - drained, never silently.
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
/* Set by the loader: the kernel's tick in ns where bpf_jiffies64() exists and CONFIG_HZ is
 * known (ep_fold_hit()), else 0 */
const volatile __u64 tick_ns = 0;

struct ep_fold_scratch {
	__u32 busy;
	__u32
	    found; /* ep_fold_hit() met the key's entry (a window that ended): update, not insert */
	__u64 fp;  /* the key's fingerprint: its key in fold_map */
	struct pt_regs r;
	struct ep_fold_ent e; /* the entry to insert: its value, then its key */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_fold_scratch);
} fold_scratch SEC(".maps");

/* keyed by ep_fold_fp(); the value holds the key, compared at each lookup (ep_fold_same()) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct ep_fold_ent);
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

/*
 * A signature of the evidence the syscall collected (oldest EP_MAX_EV slots, as shipped).
 * Computed by the sys_exit program, which holds the task's state already: ep_fold_check()
 * would look it up again (a hash lookup, ~5 % of a repeat).
 */
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
		/* only a path's words are hashed and compared: its last one zero-padded */
		__builtin_memset(k->path, 0, sizeof(k->path));
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

/*
 * Take the CPU's fold buffer for a failing syscall and start its key: zeroed (the path
 * excepted: ep_fold_object() zeroes it when there is one), the syscall's number and arguments.
 * Inlined in the sys_exit program: on tp_btf (@btf, a constant) @regs is a typed pointer read
 * with plain loads, no helper call; raw_tp copies the registers once. NULL: no fold.
 */
static __always_inline struct ep_fold_scratch *ep_fold_begin(struct pt_regs *regs, __u32 tgid,
							     long ret, __u32 flags, const bool btf)
{
	struct ep_fold_scratch *fs;
	struct ep_fold_key *k;

	if (!fold_ns || (flags & EP_F_COMPAT))
		return NULL;
	fs = ep_fold_scratch();
	if (!fs || fs->busy)
		return NULL;
	k = &fs->e.k;
	__builtin_memset(k, 0, __builtin_offsetof(struct ep_fold_key, path));
	k->tgid = tgid;
	k->ret = ret;
	k->flags = flags;
	if (btf) {
		k->syscall_nr = (__s32)regs->orig_ax;
		k->args[0] = regs->di;
		k->args[1] = regs->si;
		k->args[2] = regs->dx;
		k->args[3] = regs->r10;
		k->args[4] = regs->r8;
		k->args[5] = regs->r9;
	} else {
		if (bpf_probe_read_kernel(&fs->r, sizeof(fs->r), regs))
			return NULL;
		k->syscall_nr = (__s32)fs->r.orig_ax;
		k->args[0] = fs->r.di;
		k->args[1] = fs->r.si;
		k->args[2] = fs->r.dx;
		k->args[3] = fs->r.r10;
		k->args[4] = fs->r.r8;
		k->args[5] = fs->r.r9;
	}
	fs->busy = 1;
	return fs;
}

/* The rest of the key (ep_fold_begin() put the syscall in); false: it cannot fold. */
static __always_inline bool ep_fold_fill(struct ep_fold_key *k, struct task_struct *task,
					 __u64 ev_sig)
{
	const struct cred *cred;

	k->start_time = EP_RD(use_task_btf, task, group_leader, start_time);
	cred = EP_RD(use_task_btf, task, cred);
	k->cred = (__u64)cred;
	k->euid = EP_RD(use_task_btf, cred, euid.val);
	k->fsuid = EP_RD(use_task_btf, cred, fsuid.val);
	k->fsgid = EP_RD(use_task_btf, cred, fsgid.val);
	k->cap_eff = ep_cap_rd(&cred->cap_effective, use_task_btf);
	k->exe = (__u64)EP_RD(use_task_btf, task, mm, exe_file);
	k->sc_filter = (__u64)EP_RD(use_task_btf, task, seccomp.filter);
	k->ev_sig = ev_sig;
	/*
	 * The name's 16 bytes as they are, with two loads where the task is a BTF pointer: the
	 * same bytes mean the same name (bytes after its NUL left by an older, longer name only
	 * keep two equal names apart, never fold two different ones).
	 */
	if (use_task_btf) {
		__u64 *c = (__u64 *)k->comm;

		_Static_assert(sizeof(k->comm) == 16, "comm is two words");
		c[0] = ((const __u64 *)task->comm)[0];
		c[1] = ((const __u64 *)task->comm)[1];
	} else {
		bpf_get_current_comm(k->comm, sizeof(k->comm));
	}
	return ep_fold_object(k, task);
}

#define EP_FOLD_FIXED_W (__builtin_offsetof(struct ep_fold_key, path) / 8)
_Static_assert(__builtin_offsetof(struct ep_fold_key, path) % 8 == 0, "path after whole words");

/* The key's fingerprint: its fixed fields and the path's words up to its length. */
static __always_inline __u64 ep_fold_fp(struct ep_fold_key *k)
{
	const __u64 *w = (const __u64 *)k;
	__u32 nw = (k->path_len + 7) / 8;
	__u64 h = 0;

	for (int i = 0; i < EP_FOLD_FIXED_W; i++)
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

/* Is the entry's key @a the key @b? Their fixed words, then the path's words up to its length
 * (equal lengths by then: path_len is a fixed word). */
static __always_inline bool ep_fold_same(const struct ep_fold_key *a, const struct ep_fold_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;
	__u32 nw = (b->path_len + 7) / 8;
	__u64 d = 0;

	for (int i = 0; i < EP_FOLD_FIXED_W; i++)
		d |= x[i] ^ y[i];
	if (d)
		return false;
	x = (const __u64 *)a->path;
	y = (const __u64 *)b->path;
	for (int i = 0; i < EP_FOLD_PATH_LEN / 8; i++) {
		if (i >= nw)
			break;
		d |= x[i] ^ y[i];
	}
	return !d;
}

/*
 * Was the key's fingerprint met lately? If not, it is now. Two slots per set: two keys
 * repeated in turn that share a set keep their fingerprints in its two slots; when both are
 * taken, the key's own bit picks the one to replace.
 */
static __always_inline bool ep_fold_seen(__u64 h)
{
	/* both slots in one cache line (one page to touch): a two-way set */
	__u32 i0 = h & (EP_FOLD_SEEN - 2), i1 = i0 + 1;
	__u64 *s0, *s1;

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

/*
 * Is the window of @e's head still open? Then *@now is the repeat's time. With @tick_ns, timed
 * in ticks since the head (bpf_jiffies64(): one load) rather than by the clock source: reading
 * kvm-clock was ~15 % of a folded repeat's BPF time here. The window then ends within a tick
 * (1-10 ms) of fold_ns after its head, and last_ts is the head's ts_ns plus whole ticks (up to
 * one off, never before the head's).
 */
static __always_inline bool ep_fold_open(struct ep_fold_ent *e, __u64 *now)
{
	__u64 el;

	if (tick_ns) {
		el = (bpf_jiffies64() - e->ship_jiffies) * tick_ns;
		*now = e->v.ship_ts + el;
	} else {
		*now = bpf_ktime_get_ns();
		el = *now - e->v.ship_ts;
	}
	return el < fold_ns;
}

/* A repeat within the window of the record that heads its entry: count it. */
static __always_inline bool ep_fold_hit(struct ep_fold_scratch *fs)
{
	struct ep_fold_counters *fc;
	struct ep_fold_ent *e;
	struct ep_counters *c;
	__u32 zero = 0;
	__u64 now;

	e = bpf_map_lookup_elem(&fold_map, &fs->fp);
	/* another key's entry (a shared fingerprint): this one does not fold */
	if (!e || !ep_fold_same(&e->k, &fs->e.k))
		return false;
	fs->found = 1;
	if (!ep_fold_open(e, &now))
		return false;
	fc = bpf_map_lookup_elem(&fold_counters, &zero);
	c = ep_counters();
	if (!fc || !c)
		return false;
	c->attempted++;
	fc->folded++;
	__sync_fetch_and_add(&e->v.count, 1);
	e->v.last_ts = now;
	return true;
}

#define EP_FOLD_NONE 0 /* no key: ship the record, it heads nothing */
#define EP_FOLD_DONE 1 /* a repeat: counted in the fold map, nothing to ship */
#define EP_FOLD_HEAD 2 /* ship the record as the key's head; the CPU's buffer stays held */
_Static_assert(EP_FOLD_HEAD << 8 == EP_F_FOLD_HEAD, "ep_exit_fail() shifts one into the other");

/*
 * A global function: the verifier checks it once, apart from the record builder, whose paths
 * it would otherwise explore again for every state of the key code (1M instructions).
 * Called with the CPU's fold buffer held and the key begun (ep_fold_begin()); @ev_sig:
 * ep_fold_ev_sig() of the task's state.
 */
__noinline int ep_fold_check(__u64 ev_sig)
{
	struct task_struct *task = ep_cur_task();
	struct ep_fold_scratch *fs = ep_fold_scratch();

	if (!fs)
		return EP_FOLD_NONE;
	fs->found = 0;
	if (!ep_fold_fill(&fs->e.k, task, ev_sig))
		goto none;
	fs->fp = ep_fold_fp(&fs->e.k);
	/*
	 * A repeat goes straight to its entry, without the fingerprints' slots: every map page
	 * a repeat touches costs a TLB miss at each syscall on a host with PTI and no PCID.
	 */
	if (ep_fold_hit(fs)) {
		fs->busy = 0;
		return EP_FOLD_DONE;
	}
	/*
	 * The entry's window ended, or the key's fingerprint was met lately: this record heads
	 * the entry. A first occurrence only leaves its fingerprint: the map's inserts and
	 * evictions are for keys that repeat.
	 */
	if (fs->found || ep_fold_seen(fs->fp))
		return EP_FOLD_HEAD;
none:
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
	struct ep_fold_ent *e;
	__u32 zero = 0;

	if (!fs)
		return 0;
	if (!shipped || !fs->busy)
		goto out;
	/*
	 * A first occurrence (ep_fold_hit() found no entry) goes straight to the insert: a second
	 * lookup would walk a cold bucket once more. Another CPU may have inserted the key since
	 * (-EEXIST): then the head is updated as below, if the entry is this key's.
	 */
	fs->e.v.gen = seq;
	fs->e.v.ship_seq = seq;
	fs->e.v.ship_ts = ts;
	fs->e.v.last_ts = ts;
	fs->e.v.count = 0;
	fs->e.ship_jiffies = tick_ns ? bpf_jiffies64() : 0;
	if (!fs->found && !bpf_map_update_elem(&fold_map, &fs->fp, &fs->e, BPF_NOEXIST))
		goto created;
	e = bpf_map_lookup_elem(&fold_map, &fs->fp);
	if (e) {
		if (ep_fold_same(&e->k, &fs->e.k)) {
			e->v.ship_seq = seq;
			e->v.ship_ts = ts;
			e->ship_jiffies = fs->e.ship_jiffies;
		}
		goto out;
	}
	if (bpf_map_update_elem(&fold_map, &fs->fp, &fs->e, BPF_NOEXIST))
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

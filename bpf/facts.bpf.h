/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Facts captured at the moment a syscall fails, written into the compact ring record
 * (include/epermd.h, struct ep_wire_hdr and its sections): credentials and groups, the
 * directory a relative path resolved against, the file behind an fd argument, the executable.
 *
 * The record is built in a per-CPU scratch buffer twice EP_WIRE_MAX long: every variable
 * offset is masked with EP_WIRE_MAX - 1 and no single write is longer than EP_WIRE_MAX, so the
 * verifier sees every access inside the buffer without tracking the sum of the lengths.
 *
 * The dentry walks are global functions: the verifier checks each once, with unknown scalar
 * arguments, instead of once per state of the caller (the caller's offsets differ per path
 * through the record and would multiply the walk's states). Global functions take scalars
 * only on 5.10, so pointers pass as __u64 and the buffer is looked up again inside.
 */
#ifndef EPERMD_FACTS_BPF_H
#define EPERMD_FACTS_BPF_H

#define EP_WOFF(o) ((o) & (EP_WIRE_MAX - 1))

#define AT_FDCWD      -100
#define AT_EMPTY_PATH 0x1000
#define MAP_ANONYMOUS 0x20
#define S_IFMT	      00170000
#define S_IFSOCK      0140000
/* include/linux/sched.h: PFA_NO_NEW_PRIVS is bit 0 of task->atomic_flags */
#define EP_PFA_NO_NEW_PRIVS 0
/* include/linux/mount.h */
#define EP_KMNT_MASK (EP_MNT_NOSUID | EP_MNT_NODEV | EP_MNT_NOEXEC | EP_MNT_RDONLY)

/* A dentry walk in progress (ep_walk_names) */
struct ep_walk {
	__u64 d, mnt;	      /* where the walk is: a dentry and its struct mount */
	__u64 root_d, root_m; /* stop there (the task's root); 0 = at the global root */
	__u32 off;	      /* where the names go in the scratch buffer */
	__u32 used, n, flags; /* bytes and names written, EP_IF_* */
	__u32 name_len, budget, max;
	__u32 _pad;
};

/* A dcache lookup in progress (ep_lookup) */
struct ep_lookup {
	__u64 d, mnt;	  /* the directory reached so far, and its struct mount */
	__u64 node, head; /* the child (or child mount) list: current node, end of the list */
	__u64 child;	  /* a mountpoint being crossed */
	__u32 poff, plen; /* the path in the scratch buffer */
	__u32 pos, end;	  /* the component being looked up: [pos, end) */
	__u32 state;
	__u32 budget; /* children left to visit */
	__u64 found;  /* the child the hash lookup found */
	__u32 hash;   /* the component's name hash (ep_name_hash) */
	__u32 scan;   /* a component the hash lookup misses may be looked for among the children */
	__u32 ndirs;  /* directories in ep_scratch.dirs */
};

/* The executable's names as ep_walk_names() wrote them, by the file's identity (ep_exe_names) */
struct ep_exe_key {
	__u64 dentry, mnt, inode;
};

struct ep_exe_val {
	__u64 ts;  /* when walked (bpf_ktime_get_ns) */
	__s32 res; /* ep_walk_names()'s return */
	__u32 _pad;
	__u8 names[EP_EXE_DEPTH * EP_EXE_COMP_LEN];
};

struct ep_scratch {
	__u32 busy; /* set while a program builds a record on this CPU */
	__u32 _pad;
	struct ep_exe_key ek;
	struct ep_exe_val ev;
	struct ep_walk w;
	struct ep_lookup lk;
	__u8 name[EP_WIRE_NAME_MAX];		      /* a dentry name being compared */
	struct ep_dir_facts dirs[EP_WIRE_PATH_DEPTH]; /* the lookup's directories (EP_FACT_WALK) */
	__u8 b[2 * EP_WIRE_MAX];
	__u64 obj_mnt; /* the vfsmount the object or its parent was found on (ep_put_obj) */
};

EP_PERCPU_SLOT(scratch, struct ep_scratch, ep_scratch)

static __always_inline __u8 *ep_scratch_buf(void)
{
	struct ep_scratch *s = ep_scratch();

	return s ? s->b : NULL;
}

/*
 * The task the record describes, as a BTF pointer where the kernel has
 * bpf_get_current_task_btf() (5.11+, use_task_btf): then EP_RD() reads a chain of fields with
 * plain loads (the verifier makes them fault-safe) instead of one bpf_probe_read_kernel() call
 * per pointer, which costs ~20-30 ns each here (a helper call and its return thunk; bench/
 * kstats). Before 5.11 the loader leaves use_task_btf false and the verifier prunes the loads:
 * BPF_CORE_READ() as before. @btf of EP_RD() says which (use_task_btf where the source comes
 * from ep_cur_task(); the io_uring programs keep BPF_CORE_READ(): with plain loads their
 * completion program passed the verifier's 1M-instruction limit). Pointers that go on to a
 * global function (which takes scalars only) must still come from BPF_CORE_READ().
 */
static __always_inline struct task_struct *ep_cur_task(void)
{
	if (use_task_btf)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

#define EP_RD(btf, src, a, ...)                                                                    \
	((btf) ? ___arrow(src, a, ##__VA_ARGS__) : BPF_CORE_READ(src, a, ##__VA_ARGS__))

/* kernel_cap_t is one u64 since 6.3 (a plain load); it was u32[2] before: the same 8 bytes,
 * read with one helper call there */
static __always_inline __u64 ep_cap_rd(const kernel_cap_t *p, const bool btf)
{
	__u64 v = 0;

	if (btf && bpf_core_field_exists(p->val))
		return p->val;
	bpf_core_read(&v, 8, p);
	return v;
}

/* include/linux/kdev_t.h: the kernel's dev_t (major << 20 | minor) as stat() reports it */
static __always_inline __u64 ep_encode_dev(__u32 dev)
{
	__u32 major = dev >> 20, minor = dev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((__u64)(minor & ~0xffu) << 12);
}

static __always_inline void ep_put_creds(struct ep_wire_creds *w, struct task_struct *task,
					 const struct cred *cred, const bool btf)
{
	w->ruid = EP_RD(btf, cred, uid.val);
	w->euid = EP_RD(btf, cred, euid.val);
	w->suid = EP_RD(btf, cred, suid.val);
	w->fsuid = EP_RD(btf, cred, fsuid.val);
	w->rgid = EP_RD(btf, cred, gid.val);
	w->egid = EP_RD(btf, cred, egid.val);
	w->sgid = EP_RD(btf, cred, sgid.val);
	w->fsgid = EP_RD(btf, cred, fsgid.val);
	w->cap_eff = ep_cap_rd(&cred->cap_effective, btf);
	w->cap_prm = ep_cap_rd(&cred->cap_permitted, btf);
	w->cap_inh = ep_cap_rd(&cred->cap_inheritable, btf);
	w->cap_bnd = ep_cap_rd(&cred->cap_bset, btf);
	w->cap_amb = ep_cap_rd(&cred->cap_ambient, btf);
	w->securebits = EP_RD(btf, cred, securebits);
	w->userns_owner = EP_RD(btf, cred, user_ns, owner.val);
	w->no_new_privs = (EP_RD(btf, task, atomic_flags) >> EP_PFA_NO_NEW_PRIVS) & 1;
	w->seccomp_mode = EP_RD(btf, task, seccomp.mode);
	if (bpf_core_field_exists(task->seccomp.filter_count))
		w->seccomp_filters = EP_RD(btf, task, seccomp.filter_count.counter);
}

/*
 * The task's supplementary groups at buf + off; returns the bytes used (a multiple of 8).
 * *ngroups gets the task's count, *n how many the record holds. When they cannot be read,
 * both are 0 and *trunc says the groups are not all known.
 */
static __always_inline __u32 ep_put_groups(__u8 *buf, __u32 off, const struct cred *cred,
					   __u16 *ngroups, __u8 *n, bool *trunc, const bool btf)
{
	struct group_info *gi = EP_RD(btf, cred, group_info);
	__u32 cnt, bytes;
	int ng;

	*ngroups = 0;
	*n = 0;
	*trunc = false;
	if (!gi)
		return 0;
	ng = EP_RD(btf, gi, ngroups);
	if (ng <= 0)
		return 0;
	*ngroups = ng > 0xffff ? 0xffff : ng;
	cnt = ng > EP_MAX_GROUPS ? EP_MAX_GROUPS : ng;
	/* cnt <= EP_MAX_GROUPS: the mask only shows the verifier the bound clang proved */
	bytes = (cnt * 4) & 0xfc;
	barrier_var(bytes);
	bytes &= 0xfc;
	if (!bytes)
		return 0;
	/* the odd group's pad */
	*(__u32 *)(buf + EP_WOFF(off + (bytes & ~7u) + 4)) = 0;
	if (bpf_probe_read_kernel(buf + EP_WOFF(off), bytes,
				  __builtin_preserve_access_index(&gi->gid))) {
		*ngroups = 0;
		*trunc = true;
		return 0;
	}
	*n = cnt;
	*trunc = ng > EP_MAX_GROUPS;
	return (bytes + 7) & ~7u;
}

/* The file behind fd in the task's table (the table cannot change under a running syscall of
 * a single-threaded task; another thread may close it, then the lookup finds what is there). */
static __always_inline struct file *ep_fd_file(struct task_struct *task, long fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* Walk modes of ep_walk_names() */
#define EP_WALK_EXE  0 /* exe_comp: 32-byte names, up to EP_EXE_DEPTH, to the global root */
#define EP_WALK_PATH 1 /* a fact's path: whole names, up to the task's root */

/* One step of a dentry walk: one name written, or one mount crossed. Returns 1 when done. */
__noinline int ep_walk_step(void)
{
	struct ep_scratch *s = ep_scratch();
	struct dentry *d, *parent, *mnt_root;
	struct mount *mnt, *mnt_parent;
	struct ep_walk *w;
	__u32 sz;
	long r;

	if (!s)
		return 1;
	w = &s->w;
	d = (struct dentry *)w->d;
	mnt = (struct mount *)w->mnt;
	if (w->root_d && w->d == w->root_d && (__u64)&mnt->mnt == w->root_m) {
		w->flags &= ~EP_IF_DETACHED;
		return 1;
	}
	parent = BPF_CORE_READ(d, d_parent);
	mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	if (d == mnt_root || d == parent) {
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (mnt_parent == mnt || !mnt_parent)
			return 1;
		w->d = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)mnt_parent;
		return 0;
	}
	if (w->n >= w->max || w->used + 2 > w->budget) {
		w->flags |= EP_IF_PATH_TRUNC;
		return 1;
	}
	sz = w->budget - w->used;
	if (sz > w->name_len)
		sz = w->name_len;
	/* 2 <= sz <= EP_WIRE_NAME_MAX here; the mask shows the verifier */
	barrier_var(sz);
	sz &= 2 * EP_WIRE_NAME_MAX - 1;
	if (sz < 2)
		return 1;
	r = bpf_probe_read_kernel_str(s->b + EP_WOFF(w->off + w->used), sz,
				      BPF_CORE_READ(d, d_name.name));
	if (r <= 0) {
		w->flags |= EP_IF_PATH_TRUNC;
		return 1;
	}
	/* a full buffer may hold a cut name */
	if (r >= sz)
		w->flags |= EP_IF_PATH_TRUNC;
	w->used += r;
	w->n++;
	w->d = (__u64)parent;
	return 0;
}

/*
 * Write the dentry names from dentry up to the root at scratch + off, innermost first, each
 * NUL-terminated, crossing mounts like d_path(). Returns bytes | depth << 16 | flags << 24
 * (EP_IF_PATH_TRUNC, EP_IF_DETACHED). Each step is a global function of its own: the
 * verifier checks it once, not once per combination of lengths seen so far.
 */
__noinline int ep_walk_names(__u32 off, __u64 dentry, __u64 vfsmnt, __u32 mode)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ep_scratch *s = ep_scratch();
	struct ep_walk *w;

	if (!s || !dentry || !vfsmnt)
		return 0;
	w = &s->w;
	w->off = off;
	w->d = dentry;
	w->mnt = (__u64)container_of((struct vfsmount *)vfsmnt, struct mount, mnt);
	w->used = 0;
	w->n = 0;
	if (mode == EP_WALK_EXE) {
		w->name_len = EP_EXE_COMP_LEN;
		w->budget = EP_EXE_DEPTH * EP_EXE_COMP_LEN;
		w->max = EP_EXE_DEPTH;
		w->flags = 0;
		w->root_d = w->root_m = 0;
	} else {
		w->name_len = EP_WIRE_NAME_MAX;
		w->budget = EP_FACT_PATH_LEN - 1;
		w->max = EP_WIRE_PATH_DEPTH;
		w->flags = EP_IF_DETACHED;
		w->root_d = (__u64)BPF_CORE_READ(task, fs, root.dentry);
		w->root_m = (__u64)BPF_CORE_READ(task, fs, root.mnt);
	}
	for (int i = 0; i < EP_WIRE_PATH_DEPTH + 4; i++)
		if (ep_walk_step())
			break;
	s = ep_scratch();
	if (!s)
		return 0;
	w = &s->w;
	if (w->flags & EP_IF_DETACHED)
		return (w->flags & 0xff) << 24; /* not reachable from the task's root: no path */
	return (w->used & 0xffff) | (w->n & 0xff) << 16 | (w->flags & 0xff) << 24;
}

/* How long a walked executable's names stand for it: a rename of the binary (or of a directory
 * above it) shows in the records at most this late */
#define EP_EXE_TTL_NS 1000000000ull

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ep_exe_key);
	__type(value, struct ep_exe_val);
} exe_names SEC(".maps");

/*
 * The executable's names (EP_WALK_EXE) at scratch + off, returned as ep_walk_names() does.
 * Walking them costs ~20 probe reads (~1 us, a quarter of a first occurrence's record, bench/
 * kstats): a process that is denied again and again with new objects (a storm of first
 * occurrences) would pay it every time. So the walk is kept for EP_EXE_TTL_NS by the file's
 * (dentry, mount, inode) -- which a running executable pins -- and copied from there.
 */
__noinline int ep_exe_names(__u32 off, __u64 exe)
{
	struct file *f = (struct file *)exe;
	struct ep_scratch *s = ep_scratch();
	struct ep_exe_val *v;
	__u32 len;
	__u64 now;
	int res;

	if (!s || !exe)
		return 0;
	s->ek.dentry = (__u64)BPF_CORE_READ(f, f_path.dentry);
	s->ek.mnt = (__u64)BPF_CORE_READ(f, f_path.mnt);
	s->ek.inode = (__u64)BPF_CORE_READ(f, f_inode);
	now = bpf_ktime_get_ns();
	v = bpf_map_lookup_elem(&exe_names, &s->ek);
	if (v && now - v->ts < EP_EXE_TTL_NS) {
		res = v->res;
		len = res & 0x1ff;
		if (len > sizeof(v->names))
			return 0;
		if (bpf_probe_read_kernel(s->b + EP_WOFF(off), len, v->names))
			return 0;
		return res;
	}
	res = ep_walk_names(off, s->ek.dentry, s->ek.mnt, EP_WALK_EXE);
	s = ep_scratch();
	if (!s)
		return res;
	len = res & 0x1ff;
	if (len > sizeof(s->ev.names) ||
	    bpf_probe_read_kernel(s->ev.names, len, s->b + EP_WOFF(off)))
		return res;
	s->ev.ts = now;
	s->ev.res = res;
	bpf_map_update_elem(&exe_names, &s->ek, &s->ev, BPF_ANY);
	return res;
}

/*
 * The inode facts of (dentry, vfsmount) at scratch + ioff, its path's names at scratch + poff.
 * Returns the bytes of the path section.
 */
__noinline int ep_put_inode(__u32 ioff, __u32 poff, __u64 dentry, __u64 vfsmnt)
{
	struct dentry *d = (struct dentry *)dentry;
	struct vfsmount *m = (struct vfsmount *)vfsmnt;
	__u8 *buf = ep_scratch_buf();
	struct ep_wire_inode *w;
	struct inode *inode;
	struct super_block *sb;
	__u32 res = 0;

	if (!buf)
		return 0;
	w = (struct ep_wire_inode *)(buf + EP_WOFF(ioff));
	__builtin_memset(w, 0, sizeof(*w));
	if (!d)
		return 0;
	inode = BPF_CORE_READ(d, d_inode);
	if (inode) {
		sb = BPF_CORE_READ(inode, i_sb);
		w->dev = ep_encode_dev(BPF_CORE_READ(sb, s_dev));
		w->fs_magic = BPF_CORE_READ(sb, s_magic);
		w->ino = BPF_CORE_READ(inode, i_ino);
		w->mode = BPF_CORE_READ(inode, i_mode);
		w->uid = BPF_CORE_READ(inode, i_uid.val);
		w->gid = BPF_CORE_READ(inode, i_gid.val);
		w->i_flags = BPF_CORE_READ(inode, i_flags);
		w->rdev = ep_encode_dev(BPF_CORE_READ(inode, i_rdev));
	} else {
		w->flags |= EP_IF_NEGATIVE;
	}
	w->mnt_flags = BPF_CORE_READ(m, mnt_flags) & EP_KMNT_MASK;
	/* d_unhashed(): a deleted file's dentry is off the hash */
	if (!BPF_CORE_READ(d, d_hash.pprev))
		w->flags |= EP_IF_UNLINKED;
	/* a socket's mode is the fact; sockfs has no path */
	if ((w->mode & S_IFMT) != S_IFSOCK)
		res = ep_walk_names(poff, dentry, vfsmnt, EP_WALK_PATH);
	/* ep_walk_names() may have taken the scratch buffer's place in the verifier's eyes */
	buf = ep_scratch_buf();
	if (!buf)
		return 0;
	w = (struct ep_wire_inode *)(buf + EP_WOFF(ioff));
	w->path_len = res & 0xffff;
	w->depth = (res >> 16) & 0xff;
	w->flags |= (res >> 24) & 0xff;
	return res & 0xffff;
}

/*
 * The dcache lookup: find a path's final dentry without the kernel's help, each component in
 * its bucket of the dcache hash (bpf/dhash.bpf.h) or, when that misses and @scan allows, by
 * comparing names among the directory's children (d_children/d_sib since 6.8, d_subdirs/
 * d_child before), crossing mounts through the parent mount's child list. Best effort: a
 * component that is not in the dcache, "..", a symlink or a list longer than the step budget
 * ends it with no answer.
 */
struct dentry___pre68 {
	struct list_head d_child;
	struct list_head d_subdirs;
} __attribute__((preserve_access_index));

#define EP_LK_COMP   0	 /* split the next component */
#define EP_LK_SCAN   1	 /* compare the next child of d */
#define EP_LK_MNT    2	 /* find the mount on child in mnt's children */
#define EP_LK_PARENT 3	 /* done: the last name is not in the dcache, d is its parent */
#define EP_LK_STEPS  128 /* steps of one lookup */
#define EP_LK_BATCH  32	 /* children one step may skip by length */
#define EP_LK_BUDGET 512 /* children one lookup may visit */
#define S_IFLNK	     0120000
/* DCACHE_MOUNTED was 0x10000 before the dentry flags became an enum (6.13) */
#define EP_DCACHE_MOUNTED_OLD 0x10000

static __always_inline __u32 ep_dcache_mounted(void)
{
	/* set by the loader from vmlinux BTF (enum dentry_flags since 6.14): an enum relocation
	 * would search module BTF when the enum is missing, which needs CAP_SYS_ADMIN */
	return dcache_mounted ? dcache_mounted : EP_DCACHE_MOUNTED_OLD;
}

/* The first child of dentry d: its list node; *head gets the end-of-list marker. */
static __always_inline __u64 ep_first_child(__u64 d, __u64 *head)
{
	struct dentry___pre68 *o = (struct dentry___pre68 *)d;

	if (bpf_core_field_exists(struct dentry, d_children)) {
		*head = 0;
		return (__u64)BPF_CORE_READ((struct dentry *)d, d_children.first);
	}
	*head = (__u64)__builtin_preserve_access_index(&o->d_subdirs);
	return (__u64)BPF_CORE_READ(o, d_subdirs.next);
}

static __always_inline __u64 ep_child_of(__u64 node)
{
	if (bpf_core_field_exists(struct dentry, d_children))
		return node - bpf_core_field_offset(struct dentry, d_sib);
	return node - bpf_core_field_offset(struct dentry___pre68, d_child);
}

#include "dhash.bpf.h"

/*
 * The loops over path bytes are global functions: each loop's every exit would otherwise
 * carry the rest of the step through the verifier once more.
 */
/*
 * How many bytes from lk.pos are slashes (slash = 1) or are not (slash = 0), up to the path's
 * end; EP_WIRE_NAME_MAX when there are that many.
 */
__noinline int ep_lk_run(__u32 slash)
{
	struct ep_scratch *s = ep_scratch();
	__u32 k, pos, plen, poff;

	if (!s)
		return EP_WIRE_NAME_MAX;
	pos = s->lk.pos;
	plen = s->lk.plen;
	poff = s->lk.poff;
	for (k = 0; k < EP_WIRE_NAME_MAX; k++)
		if (pos + k >= plen || (s->b[EP_WOFF(poff + pos + k)] == '/') != slash)
			break;
	return k;
}

/* Do the len bytes of the scratch's name equal the component at lk.pos? */
__noinline int ep_lk_eq(__u32 len)
{
	struct ep_scratch *s = ep_scratch();
	__u32 k, pos, poff;

	if (!s)
		return 0;
	pos = s->lk.pos;
	poff = s->lk.poff;
	for (k = 0; k < EP_WIRE_NAME_MAX; k++) {
		if (k >= len)
			return 1;
		if (s->name[k] != s->b[EP_WOFF(poff + pos + k)])
			return 0;
	}
	return 0;
}

/* Is child's name the component [pos, end)? */
static __always_inline bool ep_lk_name_is(struct ep_scratch *s, struct ep_lookup *lk,
					  struct dentry *child)
{
	__u32 len = BPF_CORE_READ(child, d_name.len);

	if (len != lk->end - lk->pos || !len || len >= EP_WIRE_NAME_MAX)
		return false;
	barrier_var(len);
	len &= EP_WIRE_NAME_MAX - 1;
	if (bpf_probe_read_kernel(s->name, len, BPF_CORE_READ(child, d_name.name)))
		return false;
	return ep_lk_eq(len);
}

/* child is the component [pos, end): step into it (or onto the mount on it). 0 or 2. */
static __always_inline int ep_lk_found(struct ep_lookup *lk, struct dentry *child)
{
	struct inode *inode = BPF_CORE_READ(child, d_inode);
	__u32 last = lk->end >= lk->plen;

	/* a symlink's target is not this dentry; a negative dentry has nothing below */
	if (inode && (BPF_CORE_READ(inode, i_mode) & S_IFMT) == S_IFLNK)
		return 2;
	if (!inode && !last)
		return 2;
	lk->pos = lk->end;
	if (BPF_CORE_READ(child, d_flags) & ep_dcache_mounted()) {
		struct mount *pm = (struct mount *)lk->mnt;

		lk->child = (__u64)child;
		lk->head = (__u64)__builtin_preserve_access_index(&pm->mnt_mounts);
		lk->node = (__u64)BPF_CORE_READ(pm, mnt_mounts.next);
		lk->state = EP_LK_MNT;
		return 0;
	}
	lk->d = (__u64)child;
	lk->state = EP_LK_COMP;
	return 0;
}

/*
 * The component [pos, end) in its bucket of the dcache hash (bpf/dhash.bpf.h). Returns 0 or 2
 * as ep_lk_found(), or 3 when the hash lookup missed (or is off).
 */
static __always_inline int ep_lk_hashed(struct ep_scratch *s, struct ep_lookup *lk)
{
	if (!dhash_table)
		return 3;
	lk->hash = (__u32)ep_name_hash(lk->poff + lk->pos, lk->end - lk->pos, lk->d);
	if (!ep_lk_chain())
		return 3;
	s = ep_scratch();
	if (!s)
		return 2;
	lk = &s->lk;
	if (!ep_lk_name_is(s, lk, (struct dentry *)lk->found))
		return 3;
	return ep_lk_found(lk, (struct dentry *)lk->found);
}

/*
 * The directory a component is looked up in (lk.d): the kernel's may_lookup() checks search
 * permission there (EP_FACT_WALK). A cached POSIX ACL is said; one not cached is unknown.
 */
static __always_inline void ep_lk_dir(struct ep_scratch *s, struct ep_lookup *lk)
{
	struct dentry *dir = (struct dentry *)lk->d;
	struct ep_dir_facts *o;
	__u32 n = lk->ndirs;
	struct inode *inode;
	__u64 acl;

	if (n >= EP_WIRE_PATH_DEPTH)
		return;
	/* not in the CO-RE read: lk is no kernel type */
	inode = BPF_CORE_READ(dir, d_inode);
	o = &s->dirs[n];
	o->mode = inode ? BPF_CORE_READ(inode, i_mode) : 0;
	o->uid = inode ? BPF_CORE_READ(inode, i_uid.val) : 0;
	o->gid = inode ? BPF_CORE_READ(inode, i_gid.val) : 0;
	o->flags = EP_DIR_ACL_UNKNOWN;
	if (inode && bpf_core_field_exists(inode->i_acl)) {
		acl = (__u64)BPF_CORE_READ(inode, i_acl);
		/* ACL_NOT_CACHED is (void *)-1, ACL_DONT_CACHE (void *)-3 */
		if (acl < (__u64)-4095)
			o->flags = acl ? EP_DIR_ACL : 0;
	}
	lk->ndirs = n + 1;
}

/* Split the component at lk->pos; returns 0 to scan for it, 1 at the end, 2 to give up. */
static __always_inline int ep_lk_comp(struct ep_scratch *s, struct ep_lookup *lk)
{
	__u32 k, pos;
	__u8 c0, c1;

	k = ep_lk_run(1);
	s = ep_scratch();
	if (!s || k >= EP_WIRE_NAME_MAX)
		return 2;
	lk = &s->lk;
	pos = lk->pos + k;
	if (pos >= lk->plen)
		return 1;
	lk->pos = pos;
	k = ep_lk_run(0);
	s = ep_scratch();
	if (!s || k >= EP_WIRE_NAME_MAX)
		return 2;
	lk = &s->lk;
	lk->end = pos + k;
	ep_lk_dir(s, lk);
	c0 = s->b[EP_WOFF(lk->poff + pos)];
	c1 = s->b[EP_WOFF(lk->poff + pos + 1)];
	if (k == 1 && c0 == '.') {
		lk->pos = lk->end;
		return 0;
	}
	/* ".." would need the mount walk backwards */
	if (k == 2 && c0 == '.' && c1 == '.')
		return 2;
	k = ep_lk_hashed(s, lk);
	if (k != 3)
		return k;
	s = ep_scratch();
	if (!s || !s->lk.scan)
		return 2;
	lk = &s->lk;
	lk->node = ep_first_child(lk->d, &lk->head);
	lk->state = EP_LK_SCAN;
	return 0;
}

/* Compare one child; returns 0 to go on, 2 to give up. */
/*
 * Skip the children whose name has another length than the component, up to EP_LK_BATCH of
 * them per call: one read of d_name.len and one of the next pointer each. lk.budget bounds
 * the children visited in the whole lookup.
 */
__noinline int ep_lk_skip_len(void)
{
	struct ep_scratch *s = ep_scratch();
	__u32 want, k, lo = 0, lenoff = 0, nextoff = 0, span = 0;
	__u64 node, head;

	if (!s)
		return 0;
	/*
	 * Since 6.8 d_name and d_sib are both in one stretch of struct dentry: one read of it per
	 * child (into the name buffer) instead of two.
	 */
	if (bpf_core_field_exists(struct dentry, d_children)) {
		lo = bpf_core_field_offset(struct dentry, d_name);
		lenoff = bpf_core_field_offset(struct dentry, d_name.len) - lo;
		nextoff = bpf_core_field_offset(struct dentry, d_sib) - lo;
		span = nextoff + 8;
	}
	node = s->lk.node;
	head = s->lk.head;
	want = s->lk.end - s->lk.pos;
	for (k = 0; k < EP_LK_BATCH; k++) {
		struct hlist_node *n = (struct hlist_node *)node;
		__u64 child;

		if (!node || node == head)
			break;
		child = ep_child_of(node);
		if (span >= 16 && span <= EP_WIRE_NAME_MAX && !(nextoff & 7) && !(lenoff & 3)) {
			span &= EP_WIRE_NAME_MAX - 1;
			if (bpf_probe_read_kernel(s->name, span, (void *)(child + lo)))
				break;
			if (*(__u32 *)(s->name + (lenoff & (EP_WIRE_NAME_MAX - 4))) == want)
				break;
			node = *(__u64 *)(s->name + (nextoff & (EP_WIRE_NAME_MAX - 8)));
			continue;
		}
		if (BPF_CORE_READ((struct dentry *)child, d_name.len) == want)
			break;
		node = (__u64)BPF_CORE_READ(n, next);
	}
	s->lk.node = node;
	s->lk.budget = s->lk.budget > k ? s->lk.budget - k : 0;
	return 0;
}

static __always_inline int ep_lk_scan(struct ep_scratch *s, struct ep_lookup *lk)
{
	struct dentry *child;

	ep_lk_skip_len();
	s = ep_scratch();
	if (!s)
		return 2;
	lk = &s->lk;
	if (!lk->budget)
		return 2; /* too many children */
	/* every child seen: not in the dcache, and for the last component lk->d is its parent */
	if (!lk->node || lk->node == lk->head) {
		if (lk->end < lk->plen)
			return 2;
		lk->state = EP_LK_PARENT;
		return 1;
	}
	child = (struct dentry *)ep_child_of(lk->node);
	if (!ep_lk_name_is(s, lk, child)) {
		struct hlist_node *n = (struct hlist_node *)lk->node;

		/* hlist_node and list_head both start with next */
		lk->node = (__u64)BPF_CORE_READ(n, next);
		return 0;
	}
	return ep_lk_found(lk, child);
}

/* Look for the mount on lk->child among lk->mnt's children; returns 0 to go on, 2 to give up. */
static __always_inline int ep_lk_mnt(struct ep_lookup *lk)
{
	struct dentry *root;
	struct mount *m;

	if (!lk->node || lk->node == lk->head) {
		/*
		 * Looking for a mount on the root of lk->mnt (lk->child == lk->d) and none is
		 * there: DCACHE_MOUNTED is the dentry's, and a directory bind-mounted onto itself
		 * (systemd's ReadOnlyPaths=, mount --bind -o ro D D) has it on its own root.
		 */
		if (lk->child != lk->d)
			return 2;
		lk->state = EP_LK_COMP;
		return 0;
	}
	m = (struct mount *)(lk->node - bpf_core_field_offset(struct mount, mnt_child));
	if ((__u64)BPF_CORE_READ(m, mnt_mountpoint) != lk->child) {
		struct list_head *n = (struct list_head *)lk->node;

		lk->node = (__u64)BPF_CORE_READ(n, next);
		return 0;
	}
	lk->mnt = (__u64)m;
	root = BPF_CORE_READ(m, mnt.mnt_root);
	lk->d = (__u64)root;
	/* a mount on the root of this one */
	if (BPF_CORE_READ(root, d_flags) & ep_dcache_mounted()) {
		lk->child = lk->d;
		lk->head = (__u64)__builtin_preserve_access_index(&m->mnt_mounts);
		lk->node = (__u64)BPF_CORE_READ(m, mnt_mounts.next);
		return 0;
	}
	lk->state = EP_LK_COMP;
	return 0;
}

/* One step of the lookup: 0 go on, 1 found (lk->d, lk->mnt; the parent of a last name the
 * dcache does not hold when lk->state is EP_LK_PARENT), 2 give up. */
__noinline int ep_lookup_step(void)
{
	struct ep_scratch *s = ep_scratch();
	struct ep_lookup *lk;

	if (!s)
		return 2;
	lk = &s->lk;
	if (lk->state == EP_LK_SCAN)
		return ep_lk_scan(s, lk);
	if (lk->state == EP_LK_MNT)
		return ep_lk_mnt(lk);
	return ep_lk_comp(s, lk);
}

/*
 * Find the dentry of the path at scratch + poff (plen bytes) from (dentry, vfsmnt): the
 * task's root for an absolute path, the base for a relative one. Returns 1 with the result in
 * the scratch's lookup state (with state EP_LK_PARENT: the last name's parent, for a name the
 * dcache does not hold: creat or mkdir of a new name), else 0.
 */
static __always_inline int ep_lookup(__u32 poff, __u32 plen, __u64 dentry, __u64 vfsmnt, bool scan)
{
	struct ep_scratch *s = ep_scratch();
	int r = 2;

	if (!s || !dentry || !vfsmnt || !plen)
		return 0;
	s->lk.d = dentry;
	s->lk.mnt = (__u64)container_of((struct vfsmount *)vfsmnt, struct mount, mnt);
	s->lk.poff = poff;
	s->lk.plen = plen;
	s->lk.pos = 0;
	s->lk.state = EP_LK_COMP;
	s->lk.budget = EP_LK_BUDGET;
	s->lk.scan = scan;
	s->lk.ndirs = 0;
	for (int i = 0; i < EP_LK_STEPS; i++) {
		r = ep_lookup_step();
		if (r)
			break;
	}
	return r == 1;
}

/*
 * The mount facts of vfsmnt at scratch + ioff (struct ep_wire_mount), the mount point's names
 * at scratch + poff. Returns the bytes of the path section.
 */
__noinline int ep_put_mnt(__u32 ioff, __u32 poff, __u64 vfsmnt)
{
	struct vfsmount *m = (struct vfsmount *)vfsmnt;
	struct mount *mnt = container_of(m, struct mount, mnt);
	__u8 *buf = ep_scratch_buf();
	struct ep_wire_mount *w;
	struct super_block *sb;
	__u32 res;

	if (!buf)
		return 0;
	w = (struct ep_wire_mount *)(buf + EP_WOFF(ioff));
	__builtin_memset(w, 0, sizeof(*w));
	if (!m)
		return 0;
	sb = BPF_CORE_READ(m, mnt_sb);
	w->mnt_id = BPF_CORE_READ(mnt, mnt_id);
	w->mnt_flags = BPF_CORE_READ(m, mnt_flags);
	w->sb_flags = BPF_CORE_READ(sb, s_flags);
	w->dev = ep_encode_dev(BPF_CORE_READ(sb, s_dev));
	w->mnt_ns = BPF_CORE_READ(mnt, mnt_ns, ns.inum);
	/* from the mount's root: the walk's first step crosses to where it is mounted */
	res = ep_walk_names(poff, (__u64)BPF_CORE_READ(m, mnt_root), vfsmnt, EP_WALK_PATH);
	buf = ep_scratch_buf();
	if (!buf)
		return 0;
	w = (struct ep_wire_mount *)(buf + EP_WOFF(ioff));
	w->path_len = res & 0xffff;
	w->depth = (res >> 16) & 0xff;
	w->flags = (res >> 24) & 0xff;
	return res & 0xffff;
}

/*
 * The lookup's directories (EP_FACT_WALK) at the record's next multiple of 8 from off, with
 * the header's count and fact bit; returns the record's new length. A global function: the
 * copy's exits would otherwise multiply the states of every caller's rest.
 */
__noinline int ep_put_walk(__u32 off)
{
	struct ep_scratch *s = ep_scratch();
	struct ep_wire_hdr *h;
	__u32 n;

	if (!s)
		return off;
	h = (struct ep_wire_hdr *)s->b;
	n = s->lk.ndirs;
	if (!n || n > EP_WIRE_PATH_DEPTH)
		return off;
	off = (off + 7) & ~7u;
	for (__u32 i = 0; i < EP_WIRE_PATH_DEPTH; i++) {
		if (i >= n)
			break;
		*(struct ep_dir_facts *)(s->b + EP_WOFF(off)) = s->dirs[i];
		off += sizeof(struct ep_dir_facts);
	}
	h->n_walk = n;
	h->facts |= EP_FACT_WALK;
	return off;
}

#endif /* EPERMD_FACTS_BPF_H */

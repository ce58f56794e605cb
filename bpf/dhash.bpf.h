/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The dcache hash lookup: a path component's dentry found as the kernel's __d_lookup() finds it,
 * in the bucket dentry_hashtable[full_name_hash(parent, name, len) >> d_hash_shift], a few
 * reads per component whatever the size of the directory (the child scan in facts.bpf.h
 * visits up to 512 children, microseconds in a large /tmp). Cheap enough for every EACCES.
 *
 * Neither dentry_hashtable nor d_hash_shift is in BTF, and /proc/kallsyms lists data symbols
 * only with CONFIG_KALLSYMS_ALL, so the daemon finds them at start (daemon/dhash.c): it test-
 * runs ep_dhash_probe, which samples its own open files' dentries (hash, d_hash.pprev, and the
 * hash computed here from the name), checks the hash function against the kernel's, and solves
 * pprev = table + (hash >> shift) * 8 over the samples that head their bucket. Until then (or
 * when the samples do not agree) dhash_table is 0 and the lookup falls back to the scan.
 *
 * A found dentry is checked like __d_lookup() checks it (same parent, same hash and length,
 * then the same bytes, compared by the caller): a wrong table or hash can only miss.
 * Filesystems with their own d_hash (case-insensitive directories) always miss.
 */
#ifndef EPERMD_DHASH_BPF_H
#define EPERMD_DHASH_BPF_H

/* Set by the daemon after the probe run (daemon/dhash.c); 0 = no hash lookup. */
__u64 dhash_table = 0;
__u32 dhash_shift = 0;

#define EP_DH_CHAIN	  8 /* dentries of one bucket compared */
#define EP_GOLDEN_RATIO64 0x61C8864680B583EBull

/* Written by the daemon before the probe run, read back after it. */
__s32 dh_fds[EP_DH_FDS] = {};
struct ep_dh_sample dh_samples[EP_DH_SAMPLES] = {};
__u32 dh_n = 0;

static __always_inline __u64 ep_rol64(__u64 w, unsigned int s)
{
	return (w << s) | (w >> (64 - s));
}

/*
 * fs/namei.c full_name_hash() for 64-bit CONFIG_DCACHE_WORD_ACCESS (x86-64, arm64): the name
 * at scratch + off, len bytes, salted with the parent dentry's address. The word read past the
 * name is masked as the kernel masks load_unaligned_zeropad()'s.
 */
__noinline int ep_name_hash(__u32 off, __u32 len, __u64 salt)
{
	struct ep_scratch *s = ep_scratch();
	__u64 a = 0, x = 0, y = salt;

	if (!s)
		return 0;
	for (int i = 0; i < EP_WIRE_NAME_MAX / 8; i++) {
		if (!len)
			goto done;
		a = *(__u64 *)(s->b + EP_WOFF(off));
		if (len < 8)
			break;
		/* HASH_MIX(x, y, a) */
		x ^= a;
		y ^= x;
		x = ep_rol64(x, 12);
		x += y;
		y = ep_rol64(y, 45);
		y *= 9;
		off += 8;
		len -= 8;
	}
	if (len < 8)
		x ^= a & ~(~0ull << ((len & 7) * 8));
done:
	/* fold_hash() */
	y ^= x * EP_GOLDEN_RATIO64;
	y *= EP_GOLDEN_RATIO64;
	return (int)(y >> 32);
}

/*
 * The bucket of lk.hash: the first dentry with lk.d as parent and the component's hash and
 * length goes to lk.found. Returns 1 when found, else 0.
 */
__noinline int ep_lk_chain(void)
{
	struct ep_scratch *s = ep_scratch();
	__u64 node = 0, want, parent, table = dhash_table;
	__u32 shift = dhash_shift;

	if (!s || !table || shift < 1 || shift > 31)
		return 0;
	parent = s->lk.d;
	want = s->lk.hash | (__u64)(s->lk.end - s->lk.pos) << 32;
	if (bpf_probe_read_kernel(&node, sizeof(node), (void *)(table + (s->lk.hash >> shift) * 8)))
		return 0;
	for (int i = 0; i < EP_DH_CHAIN; i++) {
		struct dentry *d;

		/* bit 0 of a hlist_bl head is its lock */
		node &= ~1ull;
		if (!node)
			return 0;
		d = (struct dentry *)(node - bpf_core_field_offset(struct dentry, d_hash));
		if ((__u64)BPF_CORE_READ(d, d_parent) == parent &&
		    BPF_CORE_READ(d, d_name.hash_len) == want) {
			s->lk.found = (__u64)d;
			return 1;
		}
		node = (__u64)BPF_CORE_READ((struct hlist_bl_node *)node, next);
	}
	return 0;
}

/* One sampled dentry: its hash and bucket link, and the hash computed from its name. */
static __always_inline void ep_dh_sample(struct ep_scratch *s, struct dentry *d, __u32 i)
{
	struct ep_dh_sample *o;
	__u32 len = BPF_CORE_READ(d, d_name.len);

	/* clang knows i < EP_DH_SAMPLES and would drop the mask the verifier needs */
	barrier_var(i);
	o = &dh_samples[i & (EP_DH_SAMPLES - 1)];

	o->pprev = (__u64)BPF_CORE_READ(d, d_hash.pprev);
	o->hash = BPF_CORE_READ(d, d_name.hash);
	o->len = len;
	o->mine = 0;
	/* another program's record in the making (preempted) keeps the buffer */
	if (s->busy || !len || len >= EP_WIRE_NAME_MAX)
		return;
	if (bpf_probe_read_kernel_str(s->b, EP_WIRE_NAME_MAX, BPF_CORE_READ(d, d_name.name)) <= 0)
		return;
	o->mine = ep_name_hash(0, len, (__u64)BPF_CORE_READ(d, d_parent));
}

/*
 * The dentries of the file at dh_fds[@i] and its parents, sampled from dh_samples[@n] on;
 * returns the next free sample. Global: verified once, where inlined in the probe's loop over
 * the files each exact sample count was a state of its own (348k instructions, a second of
 * every start for a program run once).
 */
__noinline int ep_dh_file(__u32 i, __u32 n)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ep_scratch *s = ep_scratch();
	struct file *f;
	struct dentry *d;
	__s32 fd;

	/* the check on the register that indexes: clang would test a copy */
	barrier_var(i);
	if (!s || i >= EP_DH_FDS)
		return n;
	fd = dh_fds[i];
	f = fd >= 0 ? ep_fd_file(task, fd) : NULL;
	if (!f)
		return n;
	d = BPF_CORE_READ(f, f_path.dentry);
	for (int k = 0; k < EP_DH_LEVELS; k++) {
		struct dentry *p = BPF_CORE_READ(d, d_parent);

		if (!d || p == d || n >= EP_DH_SAMPLES)
			break;
		ep_dh_sample(s, d, n++);
		d = p;
	}
	return n;
}

/*
 * Test-run by the daemon (BPF_PROG_TEST_RUN) in its own context: samples the dentries of the
 * files at dh_fds[] and their parents into dh_samples[].
 */
SEC("raw_tp")
int ep_dhash_probe(void *ctx)
{
	__u32 n = 0;

	for (int i = 0; i < EP_DH_FDS; i++)
		n = ep_dh_file(i, n);
	dh_n = n;
	return 0;
}

#endif /* EPERMD_DHASH_BPF_H */

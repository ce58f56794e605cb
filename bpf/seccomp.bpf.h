/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The seccomp filter chain of a failing task (sc_chain: wherever the kernel keeps the filters'
 * instructions, in both modes): each filter is named by an identity, and its classic BPF goes to
 * the daemon once per identity (EP_REC_SC_PROG, before the denial that names it). The daemon caches
 * the programs by identity and runs the chain (daemon/capture/seccomp_eval.c).
 *
 * The identity must never be shared by two different programs. A filter's address is not
 * enough, even with its length: when a filtered process exits its filters are freed, and the
 * next filter of the same size a process installs is often allocated in the freed slot (the
 * slab hands the last freed object out first); the daemon then ran the old program for the new
 * filter. Nothing in the kernel tells classic-BPF filters apart either: seccomp's programs
 * never go through the verifier, so bpf_prog.tag stays zero and bpf_prog.aux->id is never
 * allocated (both exist only for bpf(BPF_PROG_LOAD) programs). So the identity is a keyed
 * 64-bit fingerprint of the address, the length and every instruction (bpf_prog.orig_prog,
 * immutable while the filter lives). The key is random per load: a process cannot aim its
 * filter at another one's identity.
 *
 * Cost: the success path never comes here. A failing syscall of a filtered task reads and
 * hashes its chain's instructions, each filter's rounded up to 64 (about 7 JIT-ed BPF
 * instructions per classic instruction), and only when the denial is shipped: in-kernel folded
 * repeats skip it. The verifier walks the hash loop once (4096 iterations, ~45k instructions
 * processed).
 *
 * Included by epermd.bpf.c after fold.bpf.h (ep_fold_mix) and the sc_* maps.
 */
#ifndef EPERMD_SECCOMP_BPF_H
#define EPERMD_SECCOMP_BPF_H

/* Set by the loader: random, never 0 */
const volatile __u64 sc_key = 0;

#define EP_SC_CHUNK 64 /* instructions read and hashed at a time */

/* The instructions being fingerprinted, a chunk at a time (twice the chunk: the read's size is
 * masked to it for the verifier). busy: a preempted program of this CPU is using it. */
struct ep_sc_hbuf {
	__u32 busy;
	__u32 _pad;
	__u64 w[2 * EP_SC_CHUNK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ep_sc_hbuf);
} sc_hbuf SEC(".maps");

static __always_inline __u64 ep_sc_hash_chunk(__u64 h, const __u64 *w)
{
	for (int j = 0; j < EP_SC_CHUNK; j++)
		h = ep_fold_mix(h, w[j]);
	return h;
}

/* Ships the program (@len instructions at @insns) under @id unless it went out already (ring
 * full: counted, retried at the next denial). */
static __always_inline void ep_sc_ship(__u64 id, __u32 len, __u64 insns)
{
	struct ep_sc_prog *rec;
	__u64 size = len * sizeof(rec->insn[0]);
	__u8 one = 1;

	if (bpf_map_lookup_elem(&sc_shipped, &id))
		return;
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		__sync_fetch_and_add(&sc_ship_failed, 1);
		return;
	}
	rec->rec_type = EP_REC_SC_PROG;
	rec->len = len;
	rec->id = id;
	/*
	 * The caller checked len, but 5.10's verifier forgets a bound once the value went to the
	 * stack and back, and the compiler drops a check it can prove: the bound again, on the
	 * register that goes to the helper, out of the compiler's sight.
	 */
	asm volatile("" : "+r"(size));
	if (size > sizeof(rec->insn) ||
	    bpf_probe_read_kernel(rec->insn, size, (const void *)insns)) {
		bpf_ringbuf_discard(rec, 0);
		__sync_fetch_and_add(&sc_ship_failed, 1);
		return;
	}
	bpf_ringbuf_submit(rec, 0);
	bpf_map_update_elem(&sc_shipped, &id, &one, BPF_ANY);
}

/*
 * The identity of the filter at @filter into sc_ids_buf[@slot], and its program shipped if it
 * was not yet (before the denial that names it); 0 there when it could not be
 * read (no orig_prog, a preempted program of this CPU holds the buffer): the daemon then finds
 * no program and counts the denial undecided, it never runs another filter's program.
 * A global function: verified once whatever the number of callers (5.10 passes it scalars
 * only). The loops have constant bounds and no branch on the length inside a chunk: the
 * verifier walks 4096 iterations once (a length-dependent exit in the inner loop split its
 * states at every instruction: 650k instructions processed).
 */
__noinline int ep_sc_ident(__u64 filter, __u32 slot)
{
	struct seccomp_filter *f = (struct seccomp_filter *)filter;
	struct sock_fprog_kern *fp;
	struct ep_sc_hbuf *b;
	__u32 zero = 0, len, nf, n;
	__u64 *ids, h, insns;
	int ret = 0;

	ids = bpf_map_lookup_elem(&sc_ids_buf, &zero);
	b = bpf_map_lookup_elem(&sc_hbuf, &zero);
	if (!ids || !b)
		return 0;
	ids[slot & (EP_MAX_SC_FILTERS - 1)] = 0;
	if (!bpf_core_field_exists(struct bpf_prog, orig_prog))
		return 0;
	fp = BPF_CORE_READ(f, prog, orig_prog);
	if (!fp)
		return 0;
	len = BPF_CORE_READ(fp, len);
	insns = (__u64)BPF_CORE_READ(fp, filter);
	if (!len || len > EP_SC_MAX_INSNS || b->busy)
		return 0;
	b->busy = 1;
	h = ep_fold_mix(ep_fold_mix(sc_key, filter), len);
	/* whole chunks: a constant read size, no branch on the length inside */
	nf = len / EP_SC_CHUNK;
	for (__u32 c = 0; c < EP_SC_MAX_INSNS / EP_SC_CHUNK; c++) {
		if (c >= nf)
			break;
		if (bpf_probe_read_kernel(
			b->w, EP_SC_CHUNK * sizeof(b->w[0]),
			(const void *)(insns + c * EP_SC_CHUNK * sizeof(b->w[0]))))
			goto out;
		h = ep_sc_hash_chunk(h, b->w);
	}
	/* the rest, zeroed past the end: the words there hash as zeros, deterministically */
	n = len % EP_SC_CHUNK;
	if (n) {
		__builtin_memset(b->w, 0, EP_SC_CHUNK * sizeof(b->w[0]));
		if (bpf_probe_read_kernel(
			b->w, (n & (2 * EP_SC_CHUNK - 1)) * sizeof(b->w[0]),
			(const void *)(insns + nf * EP_SC_CHUNK * sizeof(b->w[0]))))
			goto out;
		h = ep_sc_hash_chunk(h, b->w);
	}
	/* the final avalanche: every instruction reaches every bit */
	h = ep_fold_mix(h, sc_key);
	h = h ? h : 1;
	ids[slot & (EP_MAX_SC_FILTERS - 1)] = h;
	ret = 1;
out:
	b->busy = 0;
	if (ret)
		ep_sc_ship(h, len, insns);
	return ret;
}

/*
 * The chain of @task newest first, as seccomp_run_filters() walks it, into sc_ids_buf; each
 * program goes out before the denial that names it. Returns how many | 1 << 8 when the
 * chain is longer than EP_MAX_SC_FILTERS (no pointer out: an address-taken local costs the
 * program stack). Inline, not a global function: a third frame (program, walk, ep_sc_ident)
 * went over the 512 bytes of combined stack on 6.12.
 */
static __always_inline int ep_sc_chain(struct task_struct *task)
{
	struct seccomp_filter *f = BPF_CORE_READ(task, seccomp.filter);
	int n = 0;

	for (int i = 0; i < EP_MAX_SC_FILTERS; i++) {
		if (!f)
			break;
		ep_sc_ident((__u64)f, i);
		n++;
		f = BPF_CORE_READ(f, prev);
	}
	return n | (f != NULL) << 8;
}

#endif /* EPERMD_SECCOMP_BPF_H */

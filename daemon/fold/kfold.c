// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fold map's entries are read in batches. Each entry's count only grows, and its gen (the
 * seq of the record that created it) names it for its whole life, so what was drained is kept
 * per gen here; an entry the LRU evicted and one created anew never share a gen. The table of
 * drained counts is rebuilt at every drain from the entries seen, so it holds at most the
 * map's size. Heads (seq -> incident) sit in a direct-mapped table: the kernel ships a new head
 * every fold window, so an overwritten slot only delays a drain.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "counters.h"
#include "epermd.h"
#include "kfold.h"

#define KF_HEADS 4096 /* power of two */
#define KF_BATCH 128

struct kf_head {
	uint64_t seq_1; /* seq + 1; 0 = empty */
	uint64_t incident_id;
	bool ignored;
};

struct kf_gen {
	uint64_t gen_1; /* gen + 1; 0 = empty */
	uint64_t drained;
};

struct kf_table {
	struct kf_gen *slots;
	size_t mask;
};

struct kfold {
	int fd;
	struct kf_head heads[KF_HEADS];
	struct kf_table cur, next;
	__u64 *keys;		  /* the fold map's keys: fingerprints, not read */
	struct ep_fold_ent *vals; /* the daemon reads their v only */
	atomic_uint_fast64_t drained, unattributed, ignored;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static struct kf_gen *tab_find(struct kf_table *t, uint64_t gen_1, bool insert)
{
	for (size_t i = mix(gen_1) & t->mask, n = 0; n <= t->mask; i = (i + 1) & t->mask, n++) {
		if (t->slots[i].gen_1 == gen_1)
			return &t->slots[i];
		if (!t->slots[i].gen_1) {
			if (!insert)
				return NULL;
			t->slots[i].gen_1 = gen_1;
			return &t->slots[i];
		}
	}
	return NULL;
}

int kfold_new(int map_fd, unsigned max_entries, struct kfold **out)
{
	struct kfold *kf;
	size_t n = 16;

	*out = NULL;
	if (map_fd < 0 || !max_entries)
		return -EINVAL;
	while (n < 2ull * max_entries)
		n <<= 1;
	kf = calloc(1, sizeof(*kf));
	if (!kf)
		return -ENOMEM;
	kf->fd = map_fd;
	kf->cur.slots = calloc(n, sizeof(*kf->cur.slots));
	kf->next.slots = calloc(n, sizeof(*kf->next.slots));
	kf->keys = calloc(KF_BATCH, sizeof(*kf->keys));
	kf->vals = calloc(KF_BATCH, sizeof(*kf->vals));
	kf->cur.mask = kf->next.mask = n - 1;
	if (!kf->cur.slots || !kf->next.slots || !kf->keys || !kf->vals) {
		kfold_free(kf);
		return -ENOMEM;
	}
	*out = kf;
	return 0;
}

void kfold_note_head(struct kfold *kf, uint64_t seq, uint64_t incident_id, bool ignored)
{
	struct kf_head *h;

	if (!kf)
		return;
	h = &kf->heads[mix(seq) & (KF_HEADS - 1)];
	h->seq_1 = seq + 1;
	h->incident_id = incident_id;
	h->ignored = ignored;
}

/* One entry: hand its new repeats to the incident of its head, if that is known yet. */
static void drain_one(struct kfold *kf, const struct ep_fold_val *v, kfold_add_fn fn, void *ctx,
		      bool final)
{
	struct kf_gen *old = tab_find(&kf->cur, v->gen + 1, false);
	struct kf_gen *seen = tab_find(&kf->next, v->gen + 1, false);
	struct kf_gen *g = seen ? seen : tab_find(&kf->next, v->gen + 1, true);
	const struct kf_head *h = &kf->heads[mix(v->ship_seq) & (KF_HEADS - 1)];
	uint64_t drained = seen ? seen->drained : old ? old->drained : 0, n;

	/* no slot: more entries than the map holds (the table has twice its size) */
	if (!g)
		return;
	/* a gen seen twice in one drain (the map never lists one twice): counted once */
	g->drained = drained;
	if (v->count <= drained)
		return;
	n = v->count - drained;
	if (h->seq_1 == v->ship_seq + 1) {
		if (h->ignored)
			atomic_fetch_add(&kf->ignored, n);
		else if (!fn(ctx, h->incident_id, n, v->last_ts))
			atomic_fetch_add(&kf->unattributed, n);
	} else if (final) {
		atomic_fetch_add(&kf->unattributed, n);
	} else {
		return; /* the head is still on its way through the queue */
	}
	g->drained = v->count;
	atomic_fetch_add(&kf->drained, n);
}

/* A drain rebuilds the table of drained counts from the entries it sees: begin, then swap. */
static void drain_begin(struct kfold *kf)
{
	memset(kf->next.slots, 0, (kf->next.mask + 1) * sizeof(*kf->next.slots));
}

static void drain_commit(struct kfold *kf)
{
	struct kf_table t = kf->cur;

	kf->cur = kf->next;
	kf->next = t;
}

int kfold_drain_vals(struct kfold *kf, const struct ep_fold_val *vals, unsigned n, kfold_add_fn fn,
		     void *ctx, bool final)
{
	if (!kf)
		return 0;
	drain_begin(kf);
	for (unsigned i = 0; i < n; i++)
		drain_one(kf, &vals[i], fn, ctx, final);
	drain_commit(kf);
	return 0;
}

int kfold_drain(struct kfold *kf, kfold_add_fn fn, void *ctx, bool final)
{
	__u32 in_batch = 0, out_batch = 0;
	bool first = true;
	int err = 0;

	if (!kf)
		return 0;
	drain_begin(kf);
	for (;;) {
		__u32 count = KF_BATCH;

		err = bpf_map_lookup_batch(kf->fd, first ? NULL : &in_batch, &out_batch, kf->keys,
					   kf->vals, &count, NULL);
		if (err && errno != ENOENT) {
			err = -errno;
			break;
		}
		for (__u32 i = 0; i < count; i++)
			drain_one(kf, &kf->vals[i].v, fn, ctx, final);
		if (err) { /* ENOENT: the last batch */
			err = 0;
			break;
		}
		in_batch = out_batch;
		first = false;
	}
	if (err)
		return err; /* the old table stays: nothing was drained twice */
	drain_commit(kf);
	return 0;
}

void kfold_get_stats(const struct kfold *kf, struct kfold_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!kf)
		return;
	st->drained = atomic_load(&((struct kfold *)kf)->drained);
	st->unattributed = atomic_load(&((struct kfold *)kf)->unattributed);
	st->ignored = atomic_load(&((struct kfold *)kf)->ignored);
}

void kfold_flow_counters(const struct kfold *kf, uint64_t kernel_folded, struct flow_counters *c)
{
	struct kfold_stats ks;

	kfold_get_stats(kf, &ks);
	c->folded = kernel_folded;
	c->fold_drained = ks.drained;
	c->fold_unattributed = ks.unattributed;
	c->fold_lost = kernel_folded > ks.drained ? kernel_folded - ks.drained : 0;
	c->ignored += ks.ignored;
}

void kfold_free(struct kfold *kf)
{
	if (!kf)
		return;
	free(kf->cur.slots);
	free(kf->next.slots);
	free(kf->keys);
	free(kf->vals);
	free(kf);
}

// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The fold records: the kernel's fold map entries (struct ep_fold_val) as the daemon drains them
 * (daemon/fold/kfold.c, kfold_drain_vals(): the drain without the map read). Input: a program of
 * operations on one kfold of 64 entries: note a head (seq -> incident, or ignored), or drain a
 * batch of entries whose gen, head seq and count come from the input (duplicates, shrinking
 * counts, more entries than the map holds: the lies a kernel could tell). Properties: every
 * repeat drained is accounted once (handed to an incident, unattributed or ignored); one drain
 * never takes more than the batch's largest count per gen; draining the same entries again
 * takes nothing. */
#include <stdbool.h>

#include "epermd.h"
#include "fuzz.h"
#include "kfold.h"

#define FUZZ_KF_ENTRIES 64
#define FUZZ_KF_BATCH	200

static uint64_t handed; /* repeats fn took */

static bool add(void *ctx, uint64_t incident_id, uint64_t n, uint64_t last_ns)
{
	(void)ctx;
	(void)last_ns;
	FUZZ_CHECK(n > 0);
	if (incident_id % 7 == 0) /* the incident is gone: counted as unattributed */
		return false;
	handed += n;
	return true;
}

/* The most one drain of vals[0..n) may take: each gen's largest count, once. */
static uint64_t batch_bound(const struct ep_fold_val *v, unsigned n)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t max = v[i].count;
		bool first = true;

		for (unsigned j = 0; j < n; j++) {
			if (v[j].gen != v[i].gen)
				continue;
			if (j < i)
				first = false;
			if (v[j].count > max)
				max = v[j].count;
		}
		if (first)
			sum += max;
	}
	return sum;
}

static uint64_t total(const struct kfold *kf)
{
	struct kfold_stats st;

	kfold_get_stats(kf, &st);
	/* every repeat drained went to exactly one place */
	FUZZ_CHECK(st.drained == handed + st.unattributed + st.ignored);
	return st.drained;
}

static void one_drain(struct kfold *kf, const struct ep_fold_val *v, unsigned n, bool final)
{
	uint64_t before = total(kf), mid;

	kfold_drain_vals(kf, v, n, add, NULL, final);
	mid = total(kf);
	FUZZ_CHECK(mid - before <= batch_bound(v, n));
	kfold_drain_vals(kf, v, n, add, NULL, false);
	FUZZ_CHECK(total(kf) == mid); /* nothing drained twice */
}

int fuzz_kfold(const uint8_t *data, size_t size)
{
	static struct ep_fold_val v[FUZZ_KF_BATCH];
	struct kfold *kf;
	size_t off = 0;

	handed = 0;
	if (kfold_new(0, FUZZ_KF_ENTRIES, &kf)) /* the fd is never read by kfold_drain_vals */
		return 0;
	while (size - off >= 2) {
		uint8_t op = data[off], arg = data[off + 1];
		unsigned n = 0;

		off += 2;
		if (!(op & 1)) { /* a head: seq arg, its incident arg + 1 (or ignored) */
			kfold_note_head(kf, arg, (uint64_t)arg + 1, op & 2);
			continue;
		}
		/* a batch of arg entries, 4 bytes each: gen, head seq, count (u16) */
		while (n < arg && n < FUZZ_KF_BATCH && size - off >= 4) {
			v[n] = (struct ep_fold_val){.gen = data[off] % 97,
						    .ship_seq = data[off + 1],
						    .count = (uint64_t)data[off + 2] | data[off + 3]
											   << 8,
						    .last_ts = off};
			off += 4;
			n++;
		}
		one_drain(kf, v, n, op & 2);
	}
	kfold_free(kf);
	return 0;
}
FUZZ_ENTRY(fuzz_kfold)

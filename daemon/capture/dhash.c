// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The dcache hash table's address and shift, for the BPF lookup of a path's dentry
 * (bpf/dhash.bpf.h). Neither is in BTF nor, without CONFIG_KALLSYMS_ALL, in /proc/kallsyms.
 * A hashed dentry that heads its bucket has d_hash.pprev == &dentry_hashtable[hash >> shift]:
 * over a few dozen sampled dentries, one shift makes table = pprev - (hash >> shift) * 8 the
 * same for most of them (the rest sit behind another dentry in their bucket); any other shift
 * scatters them. The BPF side checks every dentry it finds (parent, hash, length, name), so a
 * wrong answer could only make lookups miss; this only has to be right to be useful.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "dhash.h"

#define DH_MIN_AGREE 3

/* The table address most samples agree on for this shift; *votes gets how many. */
static uint64_t best_base(const struct ep_dh_sample *s, int n, uint32_t shift, int *votes)
{
	uint64_t best = 0;
	int most = 0;

	for (int i = 0; i < n; i++) {
		uint64_t b = s[i].pprev - ((uint64_t)(s[i].hash >> shift) << 3);
		int k = 0;

		if (!s[i].pprev)
			continue;
		for (int j = 0; j < n; j++)
			k += s[j].pprev && s[j].pprev - ((uint64_t)(s[j].hash >> shift) << 3) == b;
		if (k > most) {
			most = k;
			best = b;
		}
	}
	*votes = most;
	return best;
}

int dhash_solve(const struct ep_dh_sample *s, int n, uint64_t *table, uint32_t *shift,
		const char **why)
{
	struct ep_dh_sample u[EP_DH_SAMPLES];
	int hashed = 0, votes, best_votes = 0, ties = 0;
	uint64_t base, best_base_v = 0;
	uint32_t best_shift = 0;

	/* each dentry once (files share parents); unhashed ones (a filesystem's root) out */
	for (int i = 0; i < n && hashed < EP_DH_SAMPLES; i++) {
		bool dup = false;

		for (int j = 0; j < hashed && !dup; j++)
			dup = u[j].pprev == s[i].pprev;
		if (!s[i].pprev || dup)
			continue;
		if (s[i].mine != s[i].hash) {
			*why = "the name hash differs from this kernel's";
			return -ENOENT;
		}
		u[hashed++] = s[i];
	}
	s = u;
	n = hashed;
	if (hashed < DH_MIN_AGREE) {
		*why = "too few hashed dentries sampled";
		return -ENOENT;
	}
	for (uint32_t sh = 1; sh < 32; sh++) {
		base = best_base(s, n, sh, &votes);
		if (votes > best_votes) {
			best_votes = votes;
			best_base_v = base;
			best_shift = sh;
			ties = 0;
		} else if (votes == best_votes) {
			ties++;
		}
	}
	/* kernel addresses have the top bit set on x86-64 and arm64 */
	if (best_votes < DH_MIN_AGREE || 2 * best_votes < hashed || ties || !(best_base_v >> 63)) {
		*why = "the sampled dentries do not agree on a table";
		return -ENOENT;
	}
	*table = best_base_v;
	*shift = best_shift;
	*why = NULL;
	return 0;
}

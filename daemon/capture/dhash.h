/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Where the dcache hash table is (bpf/dhash.bpf.h): solved from the dentries the probe program
 * sampled in the daemon's own context.
 */
#ifndef EPERMD_DHASH_H
#define EPERMD_DHASH_H

#include <stdint.h>

#include "epermd.h"

/*
 * From n samples, the table's address and d_hash_shift such that every sample that heads its
 * bucket has pprev == table + (hash >> shift) * 8. Returns 0, or -ENOENT with *why saying
 * what did not hold (the probe's hash differs from the kernel's, too few samples agree).
 */
int dhash_solve(const struct ep_dh_sample *s, int n, uint64_t *table, uint32_t *shift,
		const char **why);

#endif /* EPERMD_DHASH_H */

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The pre-fold cache: a storm repeats the same kernel facts, so the worker reuses the denial it
 * decided for them a moment ago (enrichment, cause, words) instead of reading /proc and the
 * filesystem again. The key is every field of the raw record that enrich/cause/diagnose can
 * read; only ts_ns, seq and tid are left out. A hit needs the full key equal, not only the hash,
 * and an entry younger than the TTL, which bounds how stale the reused enrichment can be.
 * Worker thread only: no locking.
 */
#ifndef EPERMD_PREFOLD_H
#define EPERMD_PREFOLD_H

#include <stdint.h>

#include "denial.h"

#define PREFOLD_DEFAULT_SLOTS  256
#define PREFOLD_DEFAULT_TTL_NS (1000ull * 1000000ull)

struct prefold;

struct prefold_stats {
	uint64_t hits;
	uint64_t misses;  /* including the expired ones */
	uint64_t expired; /* the key matched but the entry was older than the TTL */
};

/* slots: rounded up to a power of two (0 = default); ttl_ns: 0 = default. */
int prefold_new(unsigned slots, uint64_t ttl_ns, struct prefold **out);
/*
 * A decided denial for the facts of *ev, stored less than the TTL before now_ns (any monotonic
 * clock, the same for store), or NULL. On a hit the cached denial's ev becomes a copy of *ev;
 * everything else is as decided: the caller sets realtime_ns and the folding fields. The
 * pointer stays valid until the next prefold_store() or prefold_free().
 */
struct denial *prefold_lookup(struct prefold *pf, const struct ep_event *ev, uint64_t now_ns);
/* Remember a decided denial (before incidents_add() changes its folding fields). */
void prefold_store(struct prefold *pf, const struct denial *d, uint64_t now_ns);
void prefold_get_stats(const struct prefold *pf, struct prefold_stats *st);
void prefold_free(struct prefold *pf);

#endif

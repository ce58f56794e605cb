/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What user space can see about a denial: process, container, file, mount, sysctls. */
#ifndef EPERMD_ENRICH_H
#define EPERMD_ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

/* What enrichment keeps between denials: /proc of recent pids (storms come from few
 * processes), sysctl values and the securityfs state for a second. One per worker. */
struct enrich_cache;
int enrich_cache_new(struct enrich_cache **out);
void enrich_cache_free(struct enrich_cache *c); /* NULL is a no-op */

/* The enrich stage. Fill path, target, file, proc, sysctl, lockdown and lsms of d from d->ev.
 * Never fails: what cannot be read stays invalid. Must not follow attacker symlinks into loops
 * or block. cache may be NULL (nothing reused). */
void enrich_denial(struct enrich_cache *cache, struct denial *d);

/* Who answers fanotify permission events ("comm[pid]", returns its length, 0 if none; *later
 * when it was found after the denial), for a denial at at_ns: fanotify_lookup_cb() on the
 * daemon's index (fanotify.h), or a test's stub. */
typedef int (*enrich_listener_fn)(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later);

/* The fanotify listener fact (listener_checked, listener_found, listener_later), read only
 * when the attribute stage asks for it (d->want_listener): the lookup may scan /proc. */
void enrich_listener(struct denial *d, enrich_listener_fn fn, void *ctx);

/* The lookups the verdict's words read (DN_WANT_*, cause_wants()) into d->lookup, after the
 * last attribute pass: a passwd entry, a group name, dpkg's lists (cached per executable in
 * the cache). cache may be NULL. */
void enrich_wanted(struct enrich_cache *cache, struct denial *d, unsigned want);

#endif

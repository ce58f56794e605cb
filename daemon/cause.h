/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The cause engine: kernel evidence first, user-space checks second, 'unknown' rather than a guess.
 */
#ifndef EPERMD_CAUSE_H
#define EPERMD_CAUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "denial.h"

/* Pure: reads d->ev and the enrichment, writes cause, capability, lsm, flag, mount_option,
 * listener, sysctl_*, rule and evidence[]. */
void cause_decide(struct denial *d);

/* Where cause_decide may ask for the fanotify permission listener ("comm[pid]", returns its
 * length, 0 if none; *later when it was found after the denial) when the kernel evidence cannot
 * name it. NULL (the default) = never ask: the daemon wires fanotify_index_lookup() on its
 * index (fanotify.h); tests wire a stub. */
typedef int (*cause_listener_fn)(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later);
void cause_set_listener_lookup(cause_listener_fn fn, void *ctx);

/* "credentials", "file_flags" ... for one DN_FACT_* bit; NULL if not one. */
const char *cause_fact_name(unsigned bit);

#endif

/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Who answers fanotify permission events on this host (fapolicyd, antivirus ...), from /proc. */
#ifndef EPERMD_FANOTIFY_H
#define EPERMD_FANOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "epermd.h"

#define FAN_PERM_MASK 0x70000ull /* FAN_OPEN_PERM | FAN_ACCESS_PERM | FAN_OPEN_EXEC_PERM */

/* The permission listeners this daemon knows of (pid, comm, exe, mask, first seen, exited at),
 * held by the daemon. Fed by the kernel's notices (fanotify_mark() with a permission bit) and
 * by /proc scans when a denial finds no live entry; "none" is never cached; a listener that
 * exited is kept 60 s so a denial from while it lived still names it. Thread-safe. */
struct fanotify_index;

int fanotify_index_new(const char *proc_root, struct fanotify_index **out);
void fanotify_index_free(struct fanotify_index *x);
/* EP_NOTE_FANOTIFY_MARK: add the marking process at once (exe may be NULL). */
void fanotify_index_note(struct fanotify_index *x, const struct ep_notice *nt, const char *exe);
/* "comm[pid]" of the listener for a denial at at_ns (CLOCK_MONOTONIC, as ep_event.ts_ns; 0 =
 * any time), fapolicyd preferred; its length, 0 if none. *later: found by a /proc scan after
 * the denial rather than from the kernel's notice. */
int fanotify_index_lookup(struct fanotify_index *x, uint64_t at_ns, char *buf, size_t n,
			  bool *later);

/* fanotify_index_lookup() with the index as ctx: the enrich stage's listener lookup
 * (enrich_listener()). */
int fanotify_lookup_cb(void *ctx, uint64_t at_ns, char *buf, size_t n, bool *later);

/* Does one fdinfo text carry a fanotify mark with a permission bit? */
int fanotify_fdinfo_has_perm(const char *fdinfo);

#endif
